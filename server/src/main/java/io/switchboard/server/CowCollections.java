package io.switchboard.server;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Copy-on-write helpers for the small, rarely changed collections of a connection (listeners, namespaces, rooms):
 * each change returns a new immutable collection, the old one stays valid for readers iterating it, and an unused one
 * is the shared empty collection. Callers replace their field under a lock.
 *
 * <pre>{@code
 * synchronized (this) {
 *   listeners = CowCollections.with(listeners, listener);
 * }
 * }</pre>
 */
final class CowCollections {
  private CowCollections() {}

  /** {@return {@code list} with {@code item} appended} */
  static <T> List<T> with(List<T> list, T item) {
    Objects.requireNonNull(item, "listener");
    Object[] a = list.toArray(new Object[list.size() + 1]);
    a[a.length - 1] = item;
    @SuppressWarnings("unchecked")
    List<T> out = (List<T>) List.of(a);
    return out;
  }

  /** {@return {@code list} without the first element equal to {@code item} (the same list when there is none)} */
  static <T> List<T> without(List<T> list, Object item) {
    int i = list.indexOf(item);
    if (i < 0) {
      return list;
    }
    if (list.size() == 1) {
      return List.of();
    }
    Object[] a = new Object[list.size() - 1];
    int k = 0;
    for (int j = 0; j < list.size(); j++) {
      if (j != i) {
        a[k++] = list.get(j);
      }
    }
    @SuppressWarnings("unchecked")
    List<T> out = (List<T>) List.of(a);
    return out;
  }

  /** {@return {@code map} with {@code key} mapped to {@code value}} */
  static <K, V> Map<K, V> with(Map<K, V> map, K key, V value) {
    if (map.isEmpty()) {
      return Map.of(key, value);
    }
    Map<K, V> copy = new HashMap<>(map);
    copy.put(key, value);
    return Map.copyOf(copy);
  }

  /** {@return {@code map} with {@code item} appended to the list {@code key} maps to} */
  static <K, T> Map<K, List<T>> withListValue(Map<K, List<T>> map, K key, T item) {
    List<T> list = map.get(key);
    return with(map, key, with(list == null ? List.of() : list, item));
  }

  /** {@return {@code map} without {@code key} (the same map when it has none)} */
  static <K, V> Map<K, V> without(Map<K, V> map, Object key) {
    if (!map.containsKey(key)) {
      return map;
    }
    if (map.size() == 1) {
      return Map.of();
    }
    Map<K, V> copy = new HashMap<>(map);
    copy.remove(key);
    return Map.copyOf(copy);
  }

  /**
   * A small immutable set of strings in insertion order, over one array: the rooms of one socket, or the member of a
   * room with one member. Lookups scan the array, which is right for the few elements it is made for.
   */
  static final class SmallSet extends AbstractSet<String> {
    private static final SmallSet EMPTY = new SmallSet(new String[0]);
    private final String[] items;

    private SmallSet(String[] items) {
      this.items = items;
    }

    /** {@return the set holding {@code item} alone} */
    static SmallSet of(String item) {
      return new SmallSet(new String[] {Objects.requireNonNull(item)});
    }

    /** {@return the empty set} */
    static SmallSet empty() {
      return EMPTY;
    }

    /** {@return this set with {@code item} added (this set when it holds it already)} */
    SmallSet with(String item) {
      if (contains(item)) {
        return this;
      }
      String[] a = Arrays.copyOf(items, items.length + 1);
      a[items.length] = Objects.requireNonNull(item);
      return new SmallSet(a);
    }

    /** {@return this set without {@code item} (this set when it does not hold it)} */
    SmallSet without(String item) {
      for (int i = 0; i < items.length; i++) {
        if (items[i].equals(item)) {
          if (items.length == 1) {
            return EMPTY;
          }
          String[] a = new String[items.length - 1];
          System.arraycopy(items, 0, a, 0, i);
          System.arraycopy(items, i + 1, a, i, items.length - i - 1);
          return new SmallSet(a);
        }
      }
      return this;
    }

    @Override
    public boolean contains(Object o) {
      for (String s : items) {
        if (s.equals(o)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public int size() {
      return items.length;
    }

    @Override
    public Iterator<String> iterator() {
      return new Iterator<>() {
        private int i;

        @Override
        public boolean hasNext() {
          return i < items.length;
        }

        @Override
        public String next() {
          if (i >= items.length) {
            throw new NoSuchElementException();
          }
          return items[i++];
        }
      };
    }
  }
}

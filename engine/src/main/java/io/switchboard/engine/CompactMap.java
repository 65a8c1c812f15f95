package io.switchboard.engine;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable string map over one flat array of keys and values, in insertion order: the headers and query of a
 * request, which a session keeps for its whole life. Lookups scan the array, which suits the few dozen entries at
 * most that it holds; it costs two objects, where a hash map costs one per entry more.
 *
 * <pre>{@code
 * Map<String, String> query = CompactMap.copyOf(Map.of("EIO", "4", "transport", "websocket"));
 * }</pre>
 */
final class CompactMap extends AbstractMap<String, String> {
  static final CompactMap EMPTY = new CompactMap(new String[0], 0);
  /** The queries the official clients send, the same for every connection of a transport: one copy for all. */
  private static final CompactMap[] COMMON = {
      new CompactMap(new String[] {"EIO", "4", "transport", "websocket"}, 2),
      new CompactMap(new String[] {"EIO", "4", "transport", "polling"}, 2),
  };

  private final String[] kv;
  private final int size;

  /** Takes {@code kv} (keys at even indexes, values after them; {@code 2 * size} used) without copying it. */
  CompactMap(String[] kv, int size) {
    this.kv = kv;
    this.size = size;
  }

  /**
   * {@return a map of the first {@code size} pairs of {@code kv}: a shared one when it holds the same pairs in the same
   * order, else one over {@code kv} (trimmed if longer)}
   *
   * @param kv keys at even indexes, values after them; not copied when it is just long enough
   * @param size how many pairs are used
   */
  static CompactMap of(String[] kv, int size) {
    if (size == 0) {
      return EMPTY;
    }
    for (CompactMap c : COMMON) {
      if (c.size == size && java.util.Arrays.equals(c.kv, 0, 2 * size, kv, 0, 2 * size)) {
        return c;
      }
    }
    return new CompactMap(2 * size == kv.length ? kv : java.util.Arrays.copyOf(kv, 2 * size), size);
  }

  /**
   * {@return an immutable copy of {@code map}, or {@code map} itself when it is one already}
   *
   * @throws NullPointerException if a key or value is null
   */
  static CompactMap copyOf(Map<String, String> map) {
    if (map instanceof CompactMap c) {
      return c;
    }
    if (map.isEmpty()) {
      return EMPTY;
    }
    String[] kv = new String[map.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : map.entrySet()) {
      kv[i++] = Objects.requireNonNull(e.getKey(), "key");
      kv[i++] = Objects.requireNonNull(e.getValue(), "value");
    }
    return new CompactMap(kv, map.size());
  }

  @Override
  public String get(Object key) {
    for (int i = 0; i < 2 * size; i += 2) {
      if (kv[i].equals(key)) {
        return kv[i + 1];
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < 2 * size;
          }

          @Override
          public Map.Entry<String, String> next() {
            if (i >= 2 * size) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, String> e = new AbstractMap.SimpleImmutableEntry<>(kv[i], kv[i + 1]);
            i += 2;
            return e;
          }
        };
      }
    };
  }
}

package io.switchboard.bench.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One line of JSON results: fields in insertion order, numbers rounded to a readable precision.
 *
 * <pre>{@code
 * String line = new JsonLine().put("scenario", "echo").put("acks_per_s", 41234.5).toString();
 * }</pre>
 */
final class JsonLine {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  /** Adds or replaces a field: a String, a Number, a Boolean, a List of strings, a nested JsonLine, or null. */
  JsonLine put(String name, Object value) {
    fields.put(name, value);
    return this;
  }

  /** The value of a field, or null. */
  Object get(String name) {
    return fields.get(name);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(256).append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      quote(sb, e.getKey());
      sb.append(':');
      value(sb, e.getValue());
    }
    return sb.append('}').toString();
  }

  private static void value(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        sb.append("null");
      } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        sb.append((long) d);
      } else {
        sb.append(String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.1f" : "%.4g", d));
      }
    } else if (v instanceof JsonLine nested) {
      sb.append(nested);
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        value(sb, list.get(i));
      }
      sb.append(']');
    } else {
      quote(sb, v.toString());
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}

package io.switchboard.redis;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;

/**
 * Fuzzes the msgpack reader with what any publisher on the Redis channels can send.
 *
 * <pre>{@code
 * mvn -pl redis -am test -Dtest=NotepackCodecFuzzTest   # the seeds only (NotepackCodecFuzzTestInputs/decode/)
 * scripts/fuzz.sh 60 notepack                           # fuzzing, JAZZER_FUZZ=1
 * }</pre>
 *
 * <p>The property: {@link NotepackCodec#decode} returns a tree or throws {@link IllegalArgumentException}, nothing
 * else (no error from a length the input claims, no stack overflow); a decoded tree, encoded, decodes to the same
 * value (numbers compared as numbers: a whole float64 is written as an integer, as notepack writes a JS number); and
 * encoding it is then a fixed point.
 */
class NotepackCodecFuzzTest {

  @FuzzTest
  void decode(byte[] input) {
    JsonNode v;
    try {
      v = NotepackCodec.decode(input, RedisParser.MAX_DEPTH);
    } catch (IllegalArgumentException expected) {
      return;
    }
    byte[] once = NotepackCodec.encode(v);
    JsonNode back;
    try {
      back = NotepackCodec.decode(once, RedisParser.MAX_DEPTH);
    } catch (IllegalArgumentException e) {
      throw new AssertionError("what the encoder wrote does not decode: " + v, e);
    }
    if (!same(v, back)) {
      throw new AssertionError("round trip: " + v + " became " + back);
    }
    if (!Arrays.equals(once, NotepackCodec.encode(back))) {
      throw new AssertionError("encoding is not stable for " + v);
    }
  }

  /** The value of a number node, exactly (a double node's decimalValue() rounds to 17 digits). */
  private static BigDecimal exact(JsonNode n) {
    return n.isFloatingPointNumber() ? new BigDecimal(n.doubleValue()) : n.decimalValue();
  }

  /** Equal as JSON values, numbers compared by value. */
  private static boolean same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      double x = a.doubleValue();
      double y = b.doubleValue();
      if (!Double.isFinite(x) || !Double.isFinite(y)) {
        return Double.compare(x, y) == 0;
      }
      return exact(a).compareTo(exact(b)) == 0;
    }
    if (a.getNodeType() != b.getNodeType() || a.size() != b.size()) {
      return false;
    }
    if (a.isBinary()) {
      try {
        return Arrays.equals(a.binaryValue(), b.binaryValue());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (a.isArray()) {
      for (int i = 0; i < a.size(); i++) {
        if (!same(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject()) {
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        JsonNode other = b.get(e.getKey());
        if (other == null || !same(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }
}

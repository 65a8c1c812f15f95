package io.switchboard.server.parser;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the Socket.IO decoder with what one client sends: text frames and binary attachments in any order.
 *
 * <pre>{@code
 * 51-["upload",{"_placeholder":true,"num":0}]     a text frame (any line that starts with none of the letters below)
 * T51-["upload",{"_placeholder":true,"num":0}]    a text frame
 * Bbytes                                          a binary frame: the bytes after the B
 * R                                               the decoder's reset() (what the server does after an error)
 * L                                               from here on a new decoder with small limits (2 attachments,
 *                                                 depth 4, 256 characters); D: a new one with the default limits
 * }</pre>
 *
 * <p>The input is split into frames at line feeds. The property: every call returns or throws
 * {@link ProtocolViolationException}, nothing else, and the decoder stays usable after one; every packet it returns,
 * encoded by {@link PacketEncoder} and decoded again, is the same packet (numbers too large for a double, which JSON
 * reads as Infinity, come back as null, as JSON.stringify writes them).
 */
class PacketDecoderFuzzTest {
  private static final DecoderLimits SMALL = new DecoderLimits(2, 4, 256);
  private static final DecoderLimits ROOMY = new DecoderLimits(Integer.MAX_VALUE, 1_000, Integer.MAX_VALUE);
  private static final ObjectMapper DEFAULT_MAPPER = PacketDecoder.mapperFor(DecoderLimits.DEFAULT);
  private static final ObjectMapper SMALL_MAPPER = PacketDecoder.mapperFor(SMALL);
  private static final ObjectMapper ROOMY_MAPPER = PacketDecoder.mapperFor(ROOMY);
  private static final PacketEncoder ENCODER = new PacketEncoder(JsonMapper.builder().build());

  // libFuzzer's dictionary syntax: \xAB for a byte, \\ for a backslash
  @DictionaryEntries({"\"_placeholder\":true", "\"num\":", "\\x0AB", "\\x0AT", "\\x0AR\\x0A", "\\x0AL\\x0A", "-[",
      "/nsp,", "\"connect\"", "1e999", "{}", "[]", "\\\\u0000", "\\\\ud800"})
  @FuzzTest
  void decode(byte[] input) {
    PacketDecoder decoder = new PacketDecoder(DecoderLimits.DEFAULT, DEFAULT_MAPPER);
    int start = 0;
    while (start < input.length) {
      int end = start;
      while (end < input.length && input[end] != '\n') {
        end++;
      }
      byte[] line = Arrays.copyOfRange(input, start, end);
      if (line.length > 0 && line[0] == 'L') {
        decoder = new PacketDecoder(SMALL, SMALL_MAPPER);
      } else if (line.length > 0 && line[0] == 'D') {
        decoder = new PacketDecoder(DecoderLimits.DEFAULT, DEFAULT_MAPPER);
      } else {
        frame(decoder, line);
      }
      start = end + 1;
    }
  }

  private static void frame(PacketDecoder decoder, byte[] line) {
    char kind = line.length == 0 ? 0 : (char) line[0];
    Packet p;
    try {
      switch (kind) {
        case 'B' -> p = decoder.decodeBinary(Arrays.copyOfRange(line, 1, line.length));
        case 'R' -> {
          decoder.reset();
          return;
        }
        case 'T' -> p = decoder.decode(new String(line, 1, line.length - 1, StandardCharsets.UTF_8));
        default -> p = decoder.decode(new String(line, StandardCharsets.UTF_8));
      }
    } catch (ProtocolViolationException expected) {
      if (decoder.isReconstructing() && kind == 'B') {
        throw new AssertionError("a failed binary frame left the decoder waiting for more");
      }
      return;
    }
    if (p == null) {
      if (!decoder.isReconstructing()) {
        throw new AssertionError("no packet, yet not waiting for attachments");
      }
      return;
    }
    if (decoder.isReconstructing()) {
      throw new AssertionError("a complete packet, yet still waiting for attachments");
    }
    roundTrip(p);
  }

  private static void roundTrip(Packet p) {
    JsonNode name = p.type().isEvent() ? p.data().get(0) : null;
    if (name != null && name.isNumber() && !Double.isFinite(name.doubleValue())) {
      return; // 2[1e999]: the event name Infinity (the reference takes it too) encodes as null, which names no event
    }
    EncodedPacket e = ENCODER.encode(p);
    PacketDecoder d = new PacketDecoder(ROOMY, ROOMY_MAPPER);
    Packet back;
    try {
      back = d.decode(e.text());
      for (byte[] attachment : e.attachments()) {
        if (back != null) {
          throw new AssertionError("decoded before its last attachment: " + e.text());
        }
        back = d.decodeBinary(attachment);
      }
    } catch (ProtocolViolationException ex) {
      throw new AssertionError("the encoding of a decoded packet does not decode: " + p + " as " + e.text()
          + " (" + ex.getMessage() + ")");
    }
    if (!p.withData(asJsonStringify(p.data())).equals(back)) {
      throw new AssertionError("round trip: " + p + " became " + back + " via " + e.text());
    }
  }

  /** The tree as JSON.stringify would write it: Infinity (a number too large for a double) becomes null. */
  private static JsonNode asJsonStringify(JsonNode n) {
    if (n == null) {
      return null;
    }
    if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) {
      return NullNode.getInstance();
    }
    if (n.isContainerNode()) {
      JsonNode copy = n.deepCopy();
      if (copy instanceof ObjectNode o) {
        o.properties().forEach(e -> e.setValue(asJsonStringify(e.getValue())));
      } else if (copy instanceof ArrayNode a) {
        for (int i = 0; i < a.size(); i++) {
          a.set(i, asJsonStringify(a.get(i)));
        }
      }
      return copy;
    }
    return n;
  }
}

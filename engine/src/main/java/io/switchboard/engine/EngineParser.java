package io.switchboard.engine;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Decodes Engine.IO v4 packets and HTTP long-polling payloads, and encodes payloads.
 *
 * <p>A payload is packets joined by the record separator {@code \x1e}; binary packets in a payload are {@code b} +
 * base64. Anything else is a {@link ParseException}.
 */
final class EngineParser {
  static final char SEPARATOR = '\u001e';

  private EngineParser() {}

  /** Decodes one text packet (a WebSocket text frame, or one packet of a payload). */
  static EnginePacket decodePacket(String s) {
    if (s.isEmpty()) {
      throw new ParseException("empty packet");
    }
    char c = s.charAt(0);
    if (c == 'b') {
      try {
        // some clients (the Java client) wrap their base64 in lines: line breaks carry nothing, anything else counts
        String base64 = s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
            ? s.substring(1).replace("\r", "").replace("\n", "")
            : s.substring(1);
        return EnginePacket.binaryMessage(Base64.getDecoder().decode(base64));
      } catch (IllegalArgumentException e) {
        throw new ParseException("invalid base64 in binary packet");
      }
    }
    PacketType type = PacketType.of(c);
    if (type == null) {
      throw new ParseException("unknown packet type '" + c + "'");
    }
    return new EnginePacket(type, s.substring(1), null);
  }

  /** Decodes an HTTP long-polling payload. */
  static List<EnginePacket> decodePayload(String payload) {
    List<EnginePacket> packets = new ArrayList<>();
    int start = 0;
    while (true) {
      int end = payload.indexOf(SEPARATOR, start);
      if (end < 0) {
        packets.add(decodePacket(payload.substring(start)));
        return packets;
      }
      packets.add(decodePacket(payload.substring(start, end)));
      start = end + 1;
    }
  }

  /** Encodes packets as one HTTP long-polling payload. */
  static String encodePayload(List<EngineMessage> packets) {
    if (packets.size() == 1) {
      return packets.get(0).pollingForm();
    }
    int length = packets.size();
    for (EngineMessage m : packets) {
      length += m.pollingForm().length();
    }
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < packets.size(); i++) {
      if (i > 0) {
        sb.append(SEPARATOR);
      }
      sb.append(packets.get(i).pollingForm());
    }
    return sb.toString();
  }

  /** A packet or payload that is not valid Engine.IO v4. */
  static final class ParseException extends RuntimeException {
    ParseException(String message) {
      super(message, null, false, false);
    }
  }
}

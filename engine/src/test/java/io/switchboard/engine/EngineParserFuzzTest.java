package io.switchboard.engine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Fuzzes the Engine.IO parser with what a client controls: a WebSocket text frame or an HTTP long-polling body.
 *
 * <pre>{@code
 * mvn -pl engine -am test -Dtest=EngineParserFuzzTest   # the seeds only (EngineParserFuzzTestInputs/...)
 * scripts/fuzz.sh 60                                     # fuzzing, JAZZER_FUZZ=1
 * }</pre>
 *
 * <p>The property: decoding returns packets or throws {@link EngineParser.ParseException}, nothing else; and a decoded
 * payload, encoded again and decoded, gives the same packets.
 */
class EngineParserFuzzTest {

  @FuzzTest
  void decode(byte[] input) {
    String s = new String(input, StandardCharsets.UTF_8); // as the transports turn bytes into text
    try {
      EngineParser.decodePacket(s); // a WebSocket text frame is one packet
    } catch (EngineParser.ParseException expected) {
      // bad input, answered as such
    }
    List<EnginePacket> packets;
    try {
      packets = EngineParser.decodePayload(s);
    } catch (EngineParser.ParseException expected) {
      return;
    }
    List<EngineMessage> messages = new ArrayList<>(packets.size());
    for (EnginePacket p : packets) {
      messages.add(p.binary() != null ? EngineMessage.binary(p.binary())
          : p.type() == PacketType.MESSAGE ? EngineMessage.text(p.text()) : EngineMessage.control(p.type(), p.text()));
    }
    List<EnginePacket> again = EngineParser.decodePayload(EngineParser.encodePayload(messages));
    if (again.size() != packets.size()) {
      throw new AssertionError("round trip: " + packets.size() + " packets became " + again.size());
    }
    for (int i = 0; i < packets.size(); i++) {
      EnginePacket a = packets.get(i);
      EnginePacket b = again.get(i);
      if (a.type() != b.type() || !Objects.equals(a.text(), b.text())
          || !Arrays.equals(a.binary(), b.binary())) {
        throw new AssertionError("round trip: packet " + i + " " + a + " became " + b);
      }
    }
  }
}

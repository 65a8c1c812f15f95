package io.switchboard.server.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketCodecTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final PacketEncoder encoder = new PacketEncoder(MAPPER);
  private final PacketDecoder decoder = new PacketDecoder(DecoderLimits.DEFAULT);

  private static JsonNode json(String s) {
    try {
      return MAPPER.readTree(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Encodes, checks the exact wire string, decodes it back and checks the packet is unchanged. */
  private void roundTrip(Packet packet, String wire) throws Exception {
    EncodedPacket e = encoder.encode(packet);
    assertThat(e.text()).isEqualTo(wire);
    assertThat(e.attachments()).isEmpty();
    Packet back = decoder.decode(wire);
    assertThat(back).isEqualTo(packet);
    assertThat(encoder.encode(back).text()).isEqualTo(wire);
  }

  @Test
  void connectToMainNamespace() throws Exception {
    roundTrip(Packet.of(PacketType.CONNECT, "/"), "0");
  }

  @Test
  void connectWithAuthToCustomNamespace() throws Exception {
    roundTrip(new Packet(PacketType.CONNECT, "/admin", json("{\"token\":\"123\",\"a\":1}"), null),
        "0/admin,{\"token\":\"123\",\"a\":1}");
  }

  @Test
  void connectReplyKeepsKeyOrder() throws Exception {
    roundTrip(new Packet(PacketType.CONNECT, "/", json("{\"sid\":\"x\",\"pid\":\"y\"}"), null),
        "0{\"sid\":\"x\",\"pid\":\"y\"}");
  }

  @Test
  void connectError() throws Exception {
    roundTrip(new Packet(PacketType.CONNECT_ERROR, "/random", json("{\"message\":\"Invalid namespace\"}"), null),
        "4/random,{\"message\":\"Invalid namespace\"}");
  }

  @Test
  void disconnect() throws Exception {
    roundTrip(Packet.of(PacketType.DISCONNECT, "/"), "1");
    roundTrip(Packet.of(PacketType.DISCONNECT, "/admin"), "1/admin,");
  }

  @Test
  void eventsKeepNumbersAsSent() throws Exception {
    roundTrip(Packet.event("/", json("[\"message\",1,\"2\",{\"3\":[true]},1.5,-7,12345678901234]"), null),
        "2[\"message\",1,\"2\",{\"3\":[true]},1.5,-7,12345678901234]");
    roundTrip(Packet.event("/admin", json("[\"bar\"]"), null), "2/admin,[\"bar\"]");
    roundTrip(Packet.event("/", json("[42]"), null), "2[42]");
  }

  @Test
  void everyJsonValueKindRoundTrips() throws Exception {
    roundTrip(Packet.event("/", json("[\"e\",null,true,false,\"s\\\"q\\u00e9\",{\"a\":null,\"b\":[1,-2.25,{}]},[],"
        + "123456789012345678901234567890,0.1]"), null),
        "2[\"e\",null,true,false,\"s\\\"qé\",{\"a\":null,\"b\":[1,-2.25,{}]},[],123456789012345678901234567890,0.1]");
  }

  @Test
  void javaValuesEncodeLikeJson() {
    ArrayNode args = MAPPER.createArrayNode().add("e").addNull().add(MAPPER.valueToTree(Map.of("k", List.of(1L, 2.5f))));
    assertThat(encoder.encode(Packet.event("/", args, null)).text()).isEqualTo("2[\"e\",null,{\"k\":[1,2.5]}]");
  }

  @Test
  void nonFiniteNumbersEncodeAsNullLikeJsonStringify() throws Exception {
    // found by PacketDecoderFuzzTest: 1e999 reads as Infinity, which Jackson wrote back as the string "Infinity"
    ArrayNode args = MAPPER.createArrayNode().add("e").add(Double.POSITIVE_INFINITY).add(Double.NaN)
        .add(Float.NEGATIVE_INFINITY).add(1.5);
    assertThat(encoder.encode(Packet.event("/", args, null)).text()).isEqualTo("2[\"e\",null,null,null,1.5]");
    Packet echoed = decoder.decode("2[\"e\",1e999,-1e999]");
    assertThat(encoder.encode(echoed).text()).isEqualTo("2[\"e\",null,null]");
  }

  @Test
  void eventWithAckId() throws Exception {
    roundTrip(Packet.event("/", json("[\"foo\"]"), 12L), "212[\"foo\"]");
    roundTrip(Packet.event("/admin", json("[\"foo\"]"), 456L), "2/admin,456[\"foo\"]");
  }

  @Test
  void acks() throws Exception {
    roundTrip(Packet.ack("/", json("[]"), 12), "312[]");
    roundTrip(Packet.ack("/admin", json("[\"bar\"]"), 13), "3/admin,13[\"bar\"]");
  }

  @Test
  void namespaceWithoutTrailingComma() throws Exception {
    assertThat(decoder.decode("0/custom")).isEqualTo(Packet.of(PacketType.CONNECT, "/custom"));
  }

  @Test
  void binaryEventWithTwoAttachments() throws Exception {
    ArrayNode args = JsonNodeFactory.instance.arrayNode().add("baz").add(new byte[] {1, 2}).add(new byte[] {3, 4});
    EncodedPacket e = encoder.encode(Packet.event("/admin", args, null));
    assertThat(e.text())
        .isEqualTo("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
    assertThat(e.attachments()).containsExactly(new byte[] {1, 2}, new byte[] {3, 4});

    assertThat(decoder.decode(e.text())).isNull();
    assertThat(decoder.isReconstructing()).isTrue();
    assertThat(decoder.decodeBinary(new byte[] {1, 2})).isNull();
    Packet back = decoder.decodeBinary(new byte[] {3, 4});
    assertThat(back.type()).isEqualTo(PacketType.BINARY_EVENT);
    assertThat(back.nsp()).isEqualTo("/admin");
    assertThat(back.data().get(1).binaryValue()).containsExactly(1, 2);
    assertThat(back.data().get(2).binaryValue()).containsExactly(3, 4);
    assertThat(encoder.encode(back).text()).isEqualTo(e.text());
  }

  @Test
  void binaryAckNestedAttachmentFromPojo() throws Exception {
    JsonNode args = MAPPER.valueToTree(List.of(Map.of("file", ByteBuffer.wrap(new byte[] {9}))));
    EncodedPacket e = encoder.encode(Packet.ack("/", args, 15));
    assertThat(e.text()).isEqualTo("61-15[{\"file\":{\"_placeholder\":true,\"num\":0}}]");
    assertThat(e.attachments()).containsExactly(new byte[] {9});
    assertThat(decoder.decode(e.text())).isNull();
    Packet back = decoder.decodeBinary(new byte[] {9});
    assertThat(back.id()).isEqualTo(15L);
    assertThat(back.data().get(0).get("file").binaryValue()).containsExactly(9);
  }

  @Test
  void binaryPacketAnnouncingNoAttachmentIsComplete() throws Exception {
    assertThat(decoder.decode("50-[\"x\"]")).isEqualTo(new Packet(PacketType.BINARY_EVENT, "/", json("[\"x\"]"), null));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",                                  // empty
      "4abc",                              // CONNECT_ERROR with a payload that is not JSON
      "7",                                 // unknown type
      "a",                                 // unknown type
      "2{}",                               // EVENT payload not an array (the suite sends "42{}")
      "2\"foo\"",                          // EVENT payload a string
      "2[]",                               // EVENT payload empty
      "2",                                 // EVENT without payload
      "2[{}]",                             // event name is an object
      "2[null]",                           // event name is null
      "2abc[\"message-with-ack\",1]",      // ack id not digits
      "21234567890123456[\"x\"]",          // ack id with 16 digits
      "2[\"connect\"]",                    // reserved event names
      "2[\"connect_error\"]",
      "2[\"disconnect\"]",
      "2[\"disconnecting\"]",
      "2[\"newListener\"]",
      "2[\"removeListener\"]",
      "2/admin,[\"disconnect\"]",
      "3[]",                               // ACK without id
      "31",                                // ACK without payload
      "31{}",                              // ACK payload not an array
      "0[]",                               // CONNECT payload an array
      "0\"x\"",                            // CONNECT payload a string
      "1{}",                               // DISCONNECT with a payload
      "012",                               // CONNECT with an ack id
      "2[\"x\"]garbage",                   // trailing characters
      "2[\"x\"",                           // truncated JSON
      "5[\"x\"]",                          // BINARY_EVENT without attachment count
      "5-[\"x\"]",                         // empty attachment count
      "511-[\"x\"]",                       // more attachments than the limit (10)
      "599999999999999999999-[\"x\"]",     // absurd attachment count: rejected without allocating
      "5x-[\"x\"]",                        // attachment count not a number
      "51[\"x\"]",                         // attachment count without dash
  })
  void malformedPacketsAreRejected(String wire) {
    assertThatThrownBy(() -> decoder.decode(wire)).isInstanceOf(ProtocolViolationException.class);
  }

  @Test
  void tooDeepJsonIsRejected() {
    String deep = "2[\"x\"," + "[".repeat(40) + "]".repeat(40) + "]";
    assertThatThrownBy(() -> decoder.decode(deep)).isInstanceOf(ProtocolViolationException.class);
    String ok = "2[\"x\"," + "[".repeat(20) + "]".repeat(20) + "]";
    assertThatThrownBy(() -> new PacketDecoder(new DecoderLimits(10, 8, 1000)).decode(ok))
        .isInstanceOf(ProtocolViolationException.class);
  }

  @Test
  void tooLongPacketIsRejected() {
    PacketDecoder small = new PacketDecoder(new DecoderLimits(10, 32, 100));
    assertThatThrownBy(() -> small.decode("2[\"" + "x".repeat(200) + "\"]"))
        .isInstanceOf(ProtocolViolationException.class);
  }

  @Test
  void binaryFrameWithNoPacketWaitingIsRejected() {
    assertThatThrownBy(() -> decoder.decodeBinary(new byte[] {1}))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("no packet waiting");
  }

  @Test
  void textFrameWhileWaitingForAttachmentsIsRejected() throws Exception {
    assertThat(decoder.decode("51-[\"x\",{\"_placeholder\":true,\"num\":0}]")).isNull();
    assertThatThrownBy(() -> decoder.decode("2[\"y\"]")).isInstanceOf(ProtocolViolationException.class);
  }

  @Test
  void placeholderPointingNowhereIsRejected() throws Exception {
    assertThat(decoder.decode("51-[\"x\",{\"_placeholder\":true,\"num\":1}]")).isNull();
    assertThatThrownBy(() -> decoder.decodeBinary(new byte[] {1})).isInstanceOf(ProtocolViolationException.class);
    assertThat(decoder.decode("51-[\"x\",{\"_placeholder\":true,\"num\":-1}]")).isNull();
    assertThatThrownBy(() -> decoder.decodeBinary(new byte[] {1})).isInstanceOf(ProtocolViolationException.class);
    assertThat(decoder.decode("51-[\"x\",{\"_placeholder\":true,\"num\":\"0\"}]")).isNull();
    assertThatThrownBy(() -> decoder.decodeBinary(new byte[] {1})).isInstanceOf(ProtocolViolationException.class);
  }

  /** The security review's packet-validation cases (T09, T10), Engine.IO prefix {@code 4} removed. */
  @ParameterizedTest
  @ValueSource(strings = {
      "2[{\"toString\":\"foo\"}]",      // event name an object
      "2[true,\"foo\"]",                   // event name a boolean
      "2[null,\"bar\"]",                   // event name null
      "2[\"connect\"]",
      "2[\"disconnect\",\"1\"]",
      "2[\"newListener\"]",
      "0[]",
      "2{}",
      "abc",
      "2abc[\"m\",1]",
      "999",
      "9",
      "511-[\"e\",{\"_placeholder\":true,\"num\":0}]",
      "599999999999-[\"e\"]",
      "5-[\"e\",{\"_placeholder\":true,\"num\":0}]",
      "51.5-[\"e\",{\"_placeholder\":true,\"num\":0}]",
  })
  void securityReviewPacketsAreRejected(String wire) {
    assertThatThrownBy(() -> decoder.decode(wire)).isInstanceOf(ProtocolViolationException.class);
    assertThat(decoder.isReconstructing()).isFalse();
  }

  @Test
  void aPlaceholderWhoseIndexIsNotANumberIsRejected() throws Exception {
    assertThat(decoder.decode("51-[\"e\",{\"_placeholder\":true,\"num\":\"splice\"}]")).isNull();
    assertThatThrownBy(() -> decoder.decodeBinary(new byte[] {1}))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("placeholder");
    assertThat(decoder.isReconstructing()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"__proto__", "constructor", "error", "toString", "hasOwnProperty"})
  void namesOfObjectInternalsAreOrdinaryEvents(String name) throws Exception {
    Packet p = decoder.decode("2[\"" + name + "\",\"x\"]");
    assertThat(p.type()).isEqualTo(PacketType.EVENT);
    assertThat(p.data().get(0).textValue()).isEqualTo(name);
    assertThat(p.data().get(1).textValue()).isEqualTo("x");
  }

  @Test
  void theAttachmentsOfOnePacketShareOneAllowanceWithItsText() throws Exception {
    PacketDecoder small = new PacketDecoder(new DecoderLimits(10, 32, 1000, 1000));
    String header = "53-[\"x\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},"
        + "{\"_placeholder\":true,\"num\":2}]";
    assertThat(small.decode(header)).isNull();
    assertThat(small.heldBytes()).isEqualTo(header.length());
    assertThat(small.decodeBinary(new byte[600])).isNull();
    assertThat(small.heldBytes()).isEqualTo(header.length() + 600);
    // each frame is far below the limit; together with the text they pass it
    int room = 1000 - header.length() - 600;
    assertThatThrownBy(() -> small.decodeBinary(new byte[room + 1]))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("too big");
    assertThat(small.isReconstructing()).isFalse();
    assertThat(small.heldBytes()).isZero();

    // exactly at the limit, the packet passes
    assertThat(small.decode(header)).isNull();
    assertThat(small.decodeBinary(new byte[600])).isNull();
    assertThat(small.decodeBinary(new byte[room - 1])).isNull();
    Packet p = small.decodeBinary(new byte[1]);
    assertThat(p.data().get(2).binaryValue()).hasSize(room - 1);
    assertThat(small.heldBytes()).isZero();
  }

  @Test
  void tenAttachmentsOf200KbPassTheDefaultAllowanceAtTheFifth() throws Exception {
    StringBuilder header = new StringBuilder("510-[\"x\"");
    for (int i = 0; i < 10; i++) {
      header.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
    }
    assertThat(decoder.decode(header.append(']').toString())).isNull();
    byte[] attachment = new byte[200_000];
    for (int i = 0; i < 4; i++) {
      assertThat(decoder.decodeBinary(attachment)).isNull();
    }
    assertThatThrownBy(() -> decoder.decodeBinary(attachment)).isInstanceOf(ProtocolViolationException.class);
    assertThat(decoder.isReconstructing()).isFalse();
  }

  @Test
  void theThreeArgumentLimitsGiveThePacketTheTextLengthAsAllowance() {
    assertThat(new DecoderLimits(10, 32, 5000).maxPacketSize()).isEqualTo(5000);
    assertThat(DecoderLimits.DEFAULT.maxPacketSize()).isEqualTo(1_000_000);
    assertThatThrownBy(() -> new DecoderLimits(10, 32, 5000, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}

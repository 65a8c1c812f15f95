package io.switchboard.server.parser;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decodes what one client sends into Socket.IO packets, strictly: anything malformed is a
 * {@link ProtocolViolationException}, never a partly-read packet.
 *
 * <pre>{@code
 * PacketDecoder decoder = new PacketDecoder(DecoderLimits.DEFAULT);
 * Packet p = decoder.decode("42[\"hello\",1]");       // EVENT, "/", ["hello",1]
 * decoder.decode("51-[\"file\",{\"_placeholder\":true,\"num\":0}]"); // null: waits for one attachment
 * Packet withFile = decoder.decodeBinary(bytes);    // the BINARY_EVENT, bytes in place of the placeholder
 * }</pre>
 *
 * <p>It rejects: unknown types, bad attachment counts (above {@link DecoderLimits#maxAttachments()}), bad ack ids
 * (not digits, longer than 15 digits, or missing on an ACK), payloads that are not JSON, or too deep or too long,
 * a binary packet whose text and attachments together pass {@link DecoderLimits#maxPacketSize()},
 * payloads of the wrong shape for the type (an EVENT needs a non-empty array whose first element is a string or a
 * number, an ACK an array, a CONNECT an object or nothing, a DISCONNECT nothing), reserved event names, placeholders
 * that point to no attachment, a text frame while attachments are awaited, and a binary frame when none is. Nothing is
 * allocated in proportion to a number the client wrote. One decoder per client; not thread-safe.
 */
public final class PacketDecoder {
  /** Event names only the server side may emit. */
  public static final Set<String> RESERVED_EVENTS =
      Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

  private static final int MAX_ID_DIGITS = 15;

  private final DecoderLimits limits;
  private final ObjectMapper mapper;
  private Packet pending;
  private int expected;
  private List<byte[]> buffers;
  private long held;

  /**
   * A decoder with a JSON mapper of its own; servers share one mapper between all decoders instead.
   *
   * @param limits the bounds to enforce
   * @throws NullPointerException if {@code limits} is null
   */
  public PacketDecoder(DecoderLimits limits) {
    this(limits, mapperFor(limits));
  }

  /**
   * A decoder that parses JSON with {@code mapper}, which must come from {@link #mapperFor} with the same limits. The
   * mapper is thread-safe and meant to be shared: building one per client would cost kilobytes per connection.
   *
   * @param limits the bounds to enforce
   * @param mapper the mapper from {@link #mapperFor}{@code (limits)}
   * @throws NullPointerException if an argument is null
   */
  public PacketDecoder(DecoderLimits limits, ObjectMapper mapper) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /**
   * {@return the JSON mapper that enforces {@code limits} (depth, string, number and document length)}
   *
   * @param limits the bounds to enforce
   */
  public static ObjectMapper mapperFor(DecoderLimits limits) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxDepth())
            .maxStringLength(limits.maxLength())
            .maxNumberLength(100)
            .maxDocumentLength(limits.maxLength())
            .build())
        .build();
    return JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  }

  /** {@return whether the decoder waits for binary attachments} */
  public boolean isReconstructing() {
    return pending != null;
  }

  /**
   * {@return what the packet waiting for its attachments holds so far: the characters of its text frame plus the bytes
   * of the attachments received; 0 when no packet waits}
   */
  public long heldBytes() {
    return held;
  }

  /**
   * Decodes a text frame.
   *
   * @param s the text frame, without the Engine.IO {@code 4} prefix
   * @return the packet, or {@code null} when it is a binary packet whose attachments are still to come
   * @throws ProtocolViolationException if it is not a valid packet, passes a limit, or comes while attachments are
   *                                     awaited
   */
  public Packet decode(String s) throws ProtocolViolationException {
    if (pending != null) {
      throw new ProtocolViolationException("text frame while waiting for " + expected + " attachments");
    }
    int len = s.length();
    if (len == 0) {
      throw new ProtocolViolationException("empty packet");
    }
    if (len > limits.maxLength() || len > limits.maxPacketSize()) {
      throw new ProtocolViolationException("packet too long: " + len);
    }
    PacketType type = PacketType.fromCode(s.charAt(0));
    if (type == null) {
      throw new ProtocolViolationException("unknown packet type");
    }
    int i = 1;
    int attachments = 0;
    if (type.isBinary()) {
      int start = i;
      long n = 0;
      while (i < len && isDigit(s.charAt(i))) {
        n = n * 10 + (s.charAt(i) - '0');
        if (n > limits.maxAttachments()) {
          throw new ProtocolViolationException("too many attachments");
        }
        i++;
      }
      if (i == start || i >= len || s.charAt(i) != '-') {
        throw new ProtocolViolationException("illegal attachments");
      }
      attachments = (int) n;
      i++;
    }
    String nsp = Packet.MAIN;
    if (i < len && s.charAt(i) == '/') {
      int comma = s.indexOf(',', i);
      int end = comma < 0 ? len : comma;
      nsp = s.substring(i, end);
      i = comma < 0 ? len : comma + 1;
    }
    Long id = null;
    if (i < len && isDigit(s.charAt(i))) {
      int start = i;
      while (i < len && isDigit(s.charAt(i))) {
        i++;
        if (i - start > MAX_ID_DIGITS) {
          throw new ProtocolViolationException("invalid ack id");
        }
      }
      id = Long.parseLong(s, start, i, 10);
    }
    JsonNode data = null;
    if (i < len) {
      try {
        data = mapper.readTree(s.substring(i));
      } catch (JsonProcessingException e) {
        throw new ProtocolViolationException("invalid payload");
      }
    }
    validate(type, data, id);
    Packet packet = new Packet(type, nsp, data, id);
    if (type.isBinary() && attachments > 0) {
      pending = packet;
      expected = attachments;
      buffers = new ArrayList<>(Math.min(attachments, 4));
      held = len;
      return null;
    }
    return packet;
  }

  /**
   * Decodes a binary frame: one attachment of the packet being reconstructed. The attachments of one packet share
   * one allowance with its text, {@link DecoderLimits#maxPacketSize()}: a frame that would pass it is a violation
   * (and the waiting packet is dropped).
   *
   * @param frame the attachment bytes
   * @return the complete packet once its last attachment arrived, else {@code null}
   * @throws ProtocolViolationException if no packet awaits attachments or the frame passes the packet size limit
   */
  public Packet decodeBinary(byte[] frame) throws ProtocolViolationException {
    if (pending == null) {
      throw new ProtocolViolationException("binary frame with no packet waiting");
    }
    long total = held + frame.length;
    if (total > limits.maxPacketSize()) {
      reset();
      throw new ProtocolViolationException("packet too big: over " + limits.maxPacketSize()
          + " characters and bytes with its attachments");
    }
    held = total;
    buffers.add(frame);
    if (buffers.size() < expected) {
      return null;
    }
    Packet p = pending;
    List<byte[]> got = buffers;
    reset();
    return p.withData(reconstruct(p.data(), got));
  }

  /** Drops a half-reconstructed packet. */
  public void reset() {
    pending = null;
    expected = 0;
    buffers = null;
    held = 0;
  }

  private static JsonNode reconstruct(JsonNode node, List<byte[]> buffers) throws ProtocolViolationException {
    if (node instanceof ObjectNode obj) {
      JsonNode flag = obj.get("_placeholder");
      if (flag != null && flag.isBoolean() && flag.booleanValue()) {
        JsonNode num = obj.get("num");
        if (num == null || !num.canConvertToExactIntegral() || !num.canConvertToInt()
            || num.intValue() < 0 || num.intValue() >= buffers.size()) {
          throw new ProtocolViolationException("illegal attachment placeholder");
        }
        return BinaryNode.valueOf(buffers.get(num.intValue()));
      }
      for (Map.Entry<String, JsonNode> e : obj.properties()) {
        e.setValue(reconstruct(e.getValue(), buffers));
      }
      return obj;
    }
    if (node instanceof ArrayNode arr) {
      for (int k = 0; k < arr.size(); k++) {
        arr.set(k, reconstruct(arr.get(k), buffers));
      }
    }
    return node;
  }

  private static void validate(PacketType type, JsonNode data, Long id) throws ProtocolViolationException {
    boolean ok = switch (type) {
      case CONNECT -> data == null || data.isObject();
      case DISCONNECT -> data == null;
      case CONNECT_ERROR -> data != null && (data.isObject() || data.isTextual());
      case EVENT, BINARY_EVENT -> data != null && data.isArray() && !data.isEmpty() && isEventName(data.get(0));
      case ACK, BINARY_ACK -> data != null && data.isArray() && id != null;
    };
    if (!ok) {
      throw new ProtocolViolationException("invalid payload for " + type);
    }
    if (id != null && (type == PacketType.CONNECT || type == PacketType.DISCONNECT
        || type == PacketType.CONNECT_ERROR)) {
      throw new ProtocolViolationException("unexpected ack id for " + type);
    }
  }

  private static boolean isEventName(JsonNode first) {
    return first.isNumber() || (first.isTextual() && !RESERVED_EVENTS.contains(first.textValue()));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}

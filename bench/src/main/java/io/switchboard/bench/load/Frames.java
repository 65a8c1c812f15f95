package io.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Builds the Socket.IO text frames the bench clients send and reads the few fields they need from what comes back,
 * straight from the bytes (no JSON parser on the generator's hot path).
 *
 * <pre>{@code
 * ByteBuf f = Frames.bcast(alloc, "room-1", System.nanoTime(), padding);  // 42["bcast",{"r":"room-1","t":…,"p":"…"}]
 * long sentAt = Frames.timestamp(frame);                                  // the "t" field, or -1
 * }</pre>
 */
final class Frames {
  private static final byte[] T_FIELD = "\"t\":".getBytes(StandardCharsets.US_ASCII);

  private Frames() {}

  /** A padding string of {@code n} ASCII letters. */
  static String padding(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('a' + i % 26));
    }
    return sb.toString();
  }

  private static final String[] WORDS = ("the a of to and in is it you that he was for on are with as his they be at "
      + "one have this from or had by hot word but what some we can out other were all there when up use your how "
      + "said an each she which do their time if will way about many then them write would like so these her long "
      + "make thing see him two has look more day could go come did number sound no most people my over know water "
      + "than call first who may down side been now find any new work part take get place made live where after back "
      + "little only round man year came show every good me give our under name very through just form sentence "
      + "great think say help low line differ turn cause much mean before move right boy old too same tell does set "
      + "three want air well also play small end put home read hand port large spell add even land here must big "
      + "high such follow act why ask men change went light kind off need house picture try us again animal point "
      + "mother world near build self earth father head stand own page should country found answer school grow "
      + "study still learn plant cover food sun four between state keep eye never last let thought city tree cross "
      + "farm hard start might story saw far sea draw left late run while press close night real life few north")
      .split(" ");

  /**
   * {@code n} characters of words drawn from a vocabulary of about 300 common English words with a fixed seed: it
   * compresses about as chat text does (to a third or so), where {@link #padding} compresses to almost nothing.
   */
  static String words(int n) {
    java.util.Random random = new java.util.Random(42);
    StringBuilder sb = new StringBuilder(n + 16);
    while (sb.length() < n) {
      sb.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
    }
    sb.setLength(n);
    return sb.toString();
  }

  /** The padding string {@code options} ask for. */
  static String padding(LoadOptions options) {
    return options.padding().equals("words") ? words(options.payloadBytes()) : padding(options.payloadBytes());
  }

  /** {@code 42<id>["join","<room>"]}. */
  static ByteBuf join(ByteBufAllocator alloc, long id, String room) {
    ByteBuf b = alloc.buffer(24 + room.length());
    b.writeCharSequence("42" + id + "[\"join\",\"" + room + "\"]", StandardCharsets.US_ASCII);
    return b;
  }

  /** {@code 42["bcast",{"r":"<room>","t":<t>,"p":"<padding>"}]}. */
  static ByteBuf bcast(ByteBufAllocator alloc, String room, long t, String padding) {
    ByteBuf b = alloc.buffer(48 + room.length() + padding.length());
    b.writeCharSequence("42[\"bcast\",{\"r\":\"", StandardCharsets.US_ASCII);
    b.writeCharSequence(room, StandardCharsets.US_ASCII);
    b.writeCharSequence("\",\"t\":", StandardCharsets.US_ASCII);
    writeLong(b, t);
    b.writeCharSequence(",\"p\":\"", StandardCharsets.US_ASCII);
    b.writeCharSequence(padding, StandardCharsets.US_ASCII);
    b.writeCharSequence("\"}]", StandardCharsets.US_ASCII);
    return b;
  }

  /** {@code 42<id>["echo",{"t":<t>,"p":"<padding>"}]}. */
  static ByteBuf echo(ByteBufAllocator alloc, long id, long t, String padding) {
    ByteBuf b = alloc.buffer(48 + padding.length());
    b.writeCharSequence("42", StandardCharsets.US_ASCII);
    writeLong(b, id);
    b.writeCharSequence("[\"echo\",{\"t\":", StandardCharsets.US_ASCII);
    writeLong(b, t);
    b.writeCharSequence(",\"p\":\"", StandardCharsets.US_ASCII);
    b.writeCharSequence(padding, StandardCharsets.US_ASCII);
    b.writeCharSequence("\"}]", StandardCharsets.US_ASCII);
    return b;
  }

  /** The number after the first {@code "t":} in the frame, or -1. */
  static long timestamp(ByteBuf frame) {
    int start = frame.readerIndex();
    int end = frame.writerIndex();
    outer:
    for (int i = start; i <= end - T_FIELD.length; i++) {
      for (int j = 0; j < T_FIELD.length; j++) {
        if (frame.getByte(i + j) != T_FIELD[j]) {
          continue outer;
        }
      }
      return readLong(frame, i + T_FIELD.length);
    }
    return -1;
  }

  /** The ack id of an ACK frame {@code 43<id>[...]}, or -1. */
  static long ackId(ByteBuf frame) {
    return readLong(frame, frame.readerIndex() + 2);
  }

  private static long readLong(ByteBuf b, int i) {
    long v = 0;
    int digits = 0;
    for (; i < b.writerIndex(); i++, digits++) {
      byte c = b.getByte(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    return digits == 0 ? -1 : v;
  }

  private static void writeLong(ByteBuf b, long v) {
    b.writeCharSequence(Long.toString(v), StandardCharsets.US_ASCII);
  }
}

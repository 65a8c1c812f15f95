package io.switchboard.engine;

/** An Engine.IO packet type and its one-character code on the wire. */
enum PacketType {
  OPEN('0'),
  CLOSE('1'),
  PING('2'),
  PONG('3'),
  MESSAGE('4'),
  UPGRADE('5'),
  NOOP('6');

  private static final PacketType[] BY_CODE = values();

  private final char code;

  PacketType(char code) {
    this.code = code;
  }

  char code() {
    return code;
  }

  /** The type for a code character, or {@code null}. */
  static PacketType of(char c) {
    int i = c - '0';
    return i >= 0 && i < BY_CODE.length ? BY_CODE[i] : null;
  }
}

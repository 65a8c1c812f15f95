package io.switchboard.engine;

/**
 * One decoded incoming Engine.IO packet: its type and either text data (possibly empty) or binary data.
 *
 * @param type   the packet type
 * @param text   the text after the type character, or {@code null} for binary
 * @param binary the bytes of a binary message, or {@code null}
 */
record EnginePacket(PacketType type, String text, byte[] binary) {
  static EnginePacket binaryMessage(byte[] data) {
    return new EnginePacket(PacketType.MESSAGE, null, data);
  }
}

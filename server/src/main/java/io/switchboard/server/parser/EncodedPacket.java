package io.switchboard.server.parser;

import java.util.List;

/**
 * A packet as it goes on the wire: one text frame, then one binary frame per attachment.
 *
 * <pre>{@code
 * EncodedPacket e = encoder.encode(packet);
 * e.text();          // 51-["upload",{"_placeholder":true,"num":0}]
 * e.attachments();   // [the bytes]
 * }</pre>
 *
 * @param text        the text frame, without the Engine.IO {@code 4} prefix
 * @param attachments the binary frames, in placeholder order; do not modify the arrays
 */
public record EncodedPacket(String text, List<byte[]> attachments) {
  /**
   * Copies the list (not the arrays); it must not be or hold {@code null}.
   *
   * @param text        the text frame
   * @param attachments the binary frames
   */
  public EncodedPacket {
    attachments = List.copyOf(attachments);
  }
}

package io.switchboard.server.parser;

/**
 * The bounds a decoder enforces on what a client sends.
 *
 * <pre>{@code
 * PacketDecoder decoder = new PacketDecoder(new DecoderLimits(10, 32, 1_000_000));
 * }</pre>
 *
 * @param maxAttachments most binary attachments one packet may announce (the reference's default is 10)
 * @param maxDepth       deepest JSON nesting accepted in a payload
 * @param maxLength      longest text frame accepted, in characters
 */
public record DecoderLimits(int maxAttachments, int maxDepth, int maxLength) {
  /** 10 attachments, depth 32, 1,000,000 characters. */
  public static final DecoderLimits DEFAULT = new DecoderLimits(10, 32, 1_000_000);

  public DecoderLimits {
    if (maxAttachments < 0 || maxDepth < 1 || maxLength < 1) {
      throw new IllegalArgumentException("invalid limits: " + maxAttachments + ", " + maxDepth + ", " + maxLength);
    }
  }
}

package io.switchboard.server.parser;

/**
 * The bounds a decoder enforces on what a client sends.
 *
 * <pre>{@code
 * PacketDecoder decoder = new PacketDecoder(new DecoderLimits(10, 32, 1_000_000, 1_000_000));
 * }</pre>
 *
 * @param maxAttachments most binary attachments one packet may announce (the reference's default is 10)
 * @param maxDepth       deepest JSON nesting accepted in a payload
 * @param maxLength      longest text frame accepted, in characters
 * @param maxPacketSize  most one packet may carry in all: the characters of its text frame plus the bytes of all its
 *                       binary attachments together (a server sets it to {@code maxHttpBufferSize}, so that a packet
 *                       of ten attachments is no bigger than a packet of one)
 */
public record DecoderLimits(int maxAttachments, int maxDepth, int maxLength, long maxPacketSize) {
  /** 10 attachments, depth 32, 1,000,000 characters, 1,000,000 characters and bytes per packet in all. */
  public static final DecoderLimits DEFAULT = new DecoderLimits(10, 32, 1_000_000, 1_000_000);

  /**
   * Checks the limits.
   *
   * @param maxAttachments most binary attachments per packet; 0 or more
   * @param maxDepth       deepest JSON nesting; at least 1
   * @param maxLength      longest text frame, in characters; at least 1
   * @param maxPacketSize  most characters and bytes per packet in all; at least 1
   * @throws IllegalArgumentException if {@code maxAttachments} is negative or another limit is under 1
   */
  public DecoderLimits {
    if (maxAttachments < 0 || maxDepth < 1 || maxLength < 1 || maxPacketSize < 1) {
      throw new IllegalArgumentException("invalid limits: " + maxAttachments + ", " + maxDepth + ", " + maxLength
          + ", " + maxPacketSize);
    }
  }

  /**
   * Limits whose whole-packet size is {@code maxLength}: a packet's text and attachments share one allowance.
   *
   * @param maxAttachments most binary attachments one packet may announce
   * @param maxDepth       deepest JSON nesting accepted in a payload
   * @param maxLength      longest text frame accepted, in characters, and most one packet may carry in all
   * @throws IllegalArgumentException if {@code maxAttachments} is negative or another limit is under 1
   */
  public DecoderLimits(int maxAttachments, int maxDepth, int maxLength) {
    this(maxAttachments, maxDepth, maxLength, maxLength);
  }
}

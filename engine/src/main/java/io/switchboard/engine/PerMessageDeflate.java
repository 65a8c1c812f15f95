package io.switchboard.engine;

import java.util.zip.Deflater;

/**
 * The settings of the WebSocket {@code permessage-deflate} extension (RFC 7692), negotiated when the client offers it
 * and the server enables it.
 *
 * <pre>{@code
 * EngineOptions options = EngineOptions.builder()
 *     .perMessageDeflate(PerMessageDeflate.builder().enabled(true).threshold(1024).build())
 *     .build();
 * }</pre>
 *
 * <p>With {@link #serverNoContextTakeover()} (the default), each message is compressed on its own, so a message is
 * deflated once and the same compressed frame goes to every recipient of a broadcast; without it, every connection
 * keeps its own compressor (about 256 KiB of native memory) and a broadcast deflates once per recipient. With
 * {@link #clientNoContextTakeover()} (the default), the client compresses each message on its own too, and the
 * server inflates with one decompressor per thread instead of one per connection. Messages under
 * {@link #threshold()} bytes, and messages sent with compression turned off, go uncompressed (RSV1 unset).
 *
 * <p>Inflated messages are bounded like any other: more than {@link EngineOptions#maxHttpBufferSize()} (or what an
 * untrusted session may still send) closes the connection with 1009 as soon as the inflated bytes pass the limit,
 * and the bytes being inflated are reserved from the server's {@link InputBudget}.
 */
public final class PerMessageDeflate {
  /** Off, as in the reference server; the other settings are those used once enabled. */
  public static final PerMessageDeflate DEFAULT = builder().build();

  private final boolean enabled;
  private final int threshold;
  private final boolean serverNoContextTakeover;
  private final boolean clientNoContextTakeover;
  private final int clientMaxWindowBits;
  private final int level;

  private PerMessageDeflate(Builder b) {
    if (b.threshold < 0) {
      throw new IllegalArgumentException("threshold must not be negative: " + b.threshold);
    }
    if (b.clientMaxWindowBits < 8 || b.clientMaxWindowBits > 15) {
      throw new IllegalArgumentException("clientMaxWindowBits must be 8 to 15: " + b.clientMaxWindowBits);
    }
    if (b.level < Deflater.BEST_SPEED || b.level > Deflater.BEST_COMPRESSION) {
      throw new IllegalArgumentException("level must be 1 to 9: " + b.level);
    }
    this.enabled = b.enabled;
    this.threshold = b.threshold;
    this.serverNoContextTakeover = b.serverNoContextTakeover;
    this.clientNoContextTakeover = b.clientNoContextTakeover;
    this.clientMaxWindowBits = b.clientMaxWindowBits;
    this.level = b.level;
  }

  /** {@return a builder with the defaults (extension off)} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding these settings, to change a part of them} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return whether the server accepts the extension when a client offers it; default false} */
  public boolean enabled() {
    return enabled;
  }

  /**
   * {@return the smallest WebSocket payload (the encoded Engine.IO packet, in bytes) that is compressed; default
   * 1,024, as in the reference server} Smaller ones are sent as they are.
   */
  public int threshold() {
    return threshold;
  }

  /**
   * {@return whether the server compresses every message with a fresh context (and says so in the handshake);
   * default true} A broadcast is then compressed once for all its recipients, and connections hold no compressor.
   */
  public boolean serverNoContextTakeover() {
    return serverNoContextTakeover;
  }

  /**
   * {@return whether the server asks clients to compress every message with a fresh context; default true} The
   * server then holds no decompressor per connection. A client that asks for it itself gets it regardless.
   */
  public boolean clientNoContextTakeover() {
    return clientNoContextTakeover;
  }

  /**
   * {@return the LZ77 window, in bits, the server asks clients to compress with ({@code client_max_window_bits}), 8
   * to 15, when the client allows it; default 15} The server's own window is always 15 bits (the JDK's deflater has
   * no other): an offer that asks for a smaller {@code server_max_window_bits} is declined, and the connection goes
   * uncompressed.
   */
  public int clientMaxWindowBits() {
    return clientMaxWindowBits;
  }

  /**
   * {@return the zlib compression level, 1 (fastest) to 9 (smallest); default 1} The project's
   * {@code docs/benchmarks.md} compares the levels.
   */
  public int level() {
    return level;
  }

  @Override
  public String toString() {
    return "PerMessageDeflate{enabled=" + enabled + ", threshold=" + threshold + ", serverNoContextTakeover="
        + serverNoContextTakeover + ", clientNoContextTakeover=" + clientNoContextTakeover + ", clientMaxWindowBits="
        + clientMaxWindowBits + ", level=" + level + "}";
  }

  /** Builds {@link PerMessageDeflate} settings; starts from the defaults. */
  public static final class Builder {
    private boolean enabled;
    private int threshold = 1024;
    private boolean serverNoContextTakeover = true;
    private boolean clientNoContextTakeover = true;
    private int clientMaxWindowBits = 15;
    private int level = Deflater.BEST_SPEED;

    private Builder() {}

    private Builder(PerMessageDeflate o) {
      enabled = o.enabled;
      threshold = o.threshold;
      serverNoContextTakeover = o.serverNoContextTakeover;
      clientNoContextTakeover = o.clientNoContextTakeover;
      clientMaxWindowBits = o.clientMaxWindowBits;
      level = o.level;
    }

    /**
     * Sets {@link PerMessageDeflate#enabled()}.
     *
     * @param enabled whether the extension is accepted when a client offers it
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Sets {@link PerMessageDeflate#threshold()}.
     *
     * @param threshold the new value in bytes, 0 for no minimum; {@link #build()} throws if it is negative
     * @return this builder
     */
    public Builder threshold(int threshold) {
      this.threshold = threshold;
      return this;
    }

    /**
     * Sets {@link PerMessageDeflate#serverNoContextTakeover()}.
     *
     * @param serverNoContextTakeover the new value
     * @return this builder
     */
    public Builder serverNoContextTakeover(boolean serverNoContextTakeover) {
      this.serverNoContextTakeover = serverNoContextTakeover;
      return this;
    }

    /**
     * Sets {@link PerMessageDeflate#clientNoContextTakeover()}.
     *
     * @param clientNoContextTakeover the new value
     * @return this builder
     */
    public Builder clientNoContextTakeover(boolean clientNoContextTakeover) {
      this.clientNoContextTakeover = clientNoContextTakeover;
      return this;
    }

    /**
     * Sets {@link PerMessageDeflate#clientMaxWindowBits()}.
     *
     * @param clientMaxWindowBits the new value; {@link #build()} throws unless it is 8 to 15
     * @return this builder
     */
    public Builder clientMaxWindowBits(int clientMaxWindowBits) {
      this.clientMaxWindowBits = clientMaxWindowBits;
      return this;
    }

    /**
     * Sets {@link PerMessageDeflate#level()}.
     *
     * @param level the new value; {@link #build()} throws unless it is 1 to 9
     * @return this builder
     */
    public Builder level(int level) {
      this.level = level;
      return this;
    }

    /**
     * {@return the settings}
     *
     * @throws IllegalArgumentException if a value is out of the range its setter names
     */
    public PerMessageDeflate build() {
      return new PerMessageDeflate(this);
    }
  }
}

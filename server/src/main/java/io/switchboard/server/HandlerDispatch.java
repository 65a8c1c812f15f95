package io.switchboard.server;

/**
 * Where a client's Socket.IO handlers run: its connection middlewares, connection handlers, event middlewares, event
 * handlers and listeners. Whatever the choice, the handlers of one client run one at a time, in the order the client
 * sent its packets.
 *
 * <pre>{@code
 * Server io = new Server(ServerOptions.builder()
 *     .handlerDispatch(HandlerDispatch.ADAPTIVE)          // the default
 *     .blockingThreshold(Duration.ofMillis(20))
 *     .build());
 * io.of("/orders").blocking("checkout");                  // its handler does JDBC
 * }</pre>
 */
public enum HandlerDispatch {
  /**
   * A client's handlers run on its Netty I/O thread (no thread hand-off per event) until the client sends something
   * whose handlers may block: an event declared with {@link Namespace#blocking(String...)}, anything of a namespace
   * declared with {@link Namespace#blocking()}, or an event seen blocking (three runs in a row longer than {@link
   * ServerOptions#blockingThreshold()}; a WARN is logged once per event). From then on, for good, the client's
   * handlers run on the {@link ServerOptions#handlerExecutor() handler executor}, in the same order. A CONNECT that
   * asks to recover a session, or names a dynamic namespace not created yet, moves the client too: the adapter's
   * look-up and the namespace predicates may block. Until a blocking event is seen three times, its runs stall the
   * other clients of the I/O thread: declare what blocks.
   */
  ADAPTIVE,
  /** Every handler runs on the {@link ServerOptions#handlerExecutor() handler executor}; handlers may block. */
  EXECUTOR,
  /**
   * Every handler runs on the client's Netty I/O thread: the cheapest, but a handler that blocks stalls every client
   * of that thread and their heartbeats. For handlers that only compute, emit and acknowledge.
   */
  EVENT_LOOP
}

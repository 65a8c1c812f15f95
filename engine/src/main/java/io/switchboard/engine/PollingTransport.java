package io.switchboard.engine;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP long-polling: a held GET carries packets to the client, a POST carries a payload from it. At most one GET may
 * be pending; a second one is an error that ends the session.
 */
final class PollingTransport implements EngineTransport {
  private static final Logger log = LoggerFactory.getLogger(PollingTransport.class);
  private static final EngineMessage NOOP = EngineMessage.control(PacketType.NOOP, "");
  private static final EngineMessage CLOSE = EngineMessage.control(PacketType.CLOSE, "");

  private EngineSession session;
  private volatile Responses.Exchange pendingGet; // read by EngineSocket.isWritable() from any thread

  void bind(EngineSession session) {
    this.session = session;
  }

  @Override
  public Transport kind() {
    return Transport.POLLING;
  }

  @Override
  public boolean writable() {
    return pendingGet != null;
  }

  /** A GET arrived for this session. */
  void onGet(Responses.Exchange ex) {
    if (pendingGet != null) {
      log.debug("session {}: overlapping GET", session.id());
      Responses.error(ex, ErrorCode.BAD_REQUEST);
      session.closeNow(CloseReason.TRANSPORT_ERROR, "overlapping GET request");
      return;
    }
    pendingGet = ex;
    ex.ctx().channel().closeFuture().addListener(f -> session.onPollConnectionClosed(ex));
    session.flush();
  }

  /** The connection of a poll closed; if the poll was still held, the client went away. On the event loop. */
  void onConnectionClosed(Responses.Exchange ex) {
    if (pendingGet == ex) {
      // the client will not read what we send on it, so end the session now
      pendingGet = null;
      session.closeNow(CloseReason.TRANSPORT_ERROR, "poll connection closed prematurely");
    }
  }

  /** A POST body arrived for this session. */
  void onPost(Responses.Exchange ex, String body) {
    List<EnginePacket> packets;
    try {
      packets = EngineParser.decodePayload(body);
    } catch (EngineParser.ParseException e) {
      log.debug("session {}: bad payload: {}", session.id(), e.getMessage());
      Responses.error(ex, ErrorCode.BAD_REQUEST);
      session.closeNow(CloseReason.PARSE_ERROR, e.getMessage());
      return;
    }
    Responses.text(ex, HttpResponseStatus.OK, Responses.TEXT_HTML, "ok");
    for (EnginePacket p : packets) {
      if (!session.isOpen()) {
        break;
      }
      session.onPacket(this, p);
    }
  }

  @Override
  public void send(List<EngineMessage> packets) {
    Responses.Exchange ex = pendingGet;
    pendingGet = null;
    if (ex.keepAlive() && session.closingForShutdown()) {
      // the last response of a server that goes away: the client's next handshake comes on a new connection
      ex = new Responses.Exchange(ex.ctx(), false, ex.corsHeaders());
    }
    Responses.text(ex, HttpResponseStatus.OK, Responses.TEXT_PLAIN, EngineParser.encodePayload(packets));
  }

  /** Answers a pending GET with a noop, so that the client polls again (used while upgrading). */
  void releasePendingGet() {
    if (pendingGet != null) {
      send(List.of(NOOP));
    }
  }

  @Override
  public void close(CloseReason reason, String description) {
    if (pendingGet != null) {
      // a client that asked to close gets a noop; otherwise the client learns of the close from a close packet
      send(List.of(reason == CloseReason.TRANSPORT_CLOSE ? NOOP : CLOSE));
    }
  }

  @Override
  public void discard() {
    releasePendingGet();
  }

  static EngineMessage closePacket() {
    return CLOSE;
  }
}

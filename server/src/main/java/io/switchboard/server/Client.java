package io.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.concurrent.ScheduledFuture;
import io.switchboard.engine.CloseReason;
import io.switchboard.engine.EngineMessage;
import io.switchboard.engine.EngineSocket;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketDecoder;
import io.switchboard.server.parser.PacketType;
import io.switchboard.server.parser.ProtocolViolationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO connection seen from Socket.IO: it decodes packets, multiplexes them to one socket per namespace, and
 * closes the connection on bad input ("parse error") or when no namespace is joined within {@code connectTimeout}.
 */
final class Client implements EngineSocket.Listener {
  private static final Logger log = LoggerFactory.getLogger(Client.class);

  private final Server server;
  final EngineSocket conn;
  final SerialExecutor serial;
  private final PacketDecoder decoder;
  private final Map<String, Socket> byNamespace = new ConcurrentHashMap<>();
  private final java.util.Set<String> connecting = new java.util.HashSet<>(); // serial executor only
  private final ScheduledFuture<?> connectTimer;
  private volatile DisconnectReason closeReason;
  private volatile boolean closed;

  Client(Server server, EngineSocket conn) {
    this.server = server;
    this.conn = conn;
    this.serial = new SerialExecutor(server.handlerExecutor());
    this.decoder = server.codec().newDecoder();
    long timeout = server.options().connectTimeout().toNanos();
    this.connectTimer = conn.executor().schedule(this::onConnectTimeout, timeout, TimeUnit.NANOSECONDS);
    conn.listener(this);
  }

  String id() {
    return conn.id();
  }

  // ---- engine events (on the session's event loop) ----

  @Override
  public void onMessage(String text) {
    receive(() -> decoder.decode(text));
  }

  @Override
  public void onBinary(byte[] data) {
    receive(() -> decoder.decodeBinary(data));
  }

  /** One frame's decoding: a packet, {@code null} while binary attachments are awaited, or a protocol violation. */
  @FunctionalInterface
  private interface Decoding {
    Packet run() throws ProtocolViolationException;
  }

  /** Decodes one frame and routes its packet; bad input closes this client ("parse error") and nothing else. */
  private void receive(Decoding decoding) {
    if (closed) {
      return;
    }
    try {
      Packet p = decoding.run();
      if (p != null) {
        onPacket(p);
      }
    } catch (ProtocolViolationException e) {
      onParseError(e);
    } catch (RuntimeException e) {
      log.warn("client {}: unexpected failure on input, closing it", conn.id(), e);
      close(DisconnectReason.PARSE_ERROR);
    }
  }

  @Override
  public void onClose(CloseReason reason, String description) {
    closed = true;
    connectTimer.cancel(false);
    decoder.reset();
    DisconnectReason r = closeReason != null ? closeReason : DisconnectReason.of(reason);
    String desc = closeReason != null ? r.text() : description;
    server.removeClient(this);
    serial.execute(() -> {
      for (Socket s : new ArrayList<>(byNamespace.values())) {
        s.onClose(r, desc);
      }
      byNamespace.clear();
    });
  }

  private void onParseError(ProtocolViolationException e) {
    log.debug("client {} sent a bad packet: {}", conn.id(), e.getMessage());
    close(DisconnectReason.PARSE_ERROR);
  }

  private void onPacket(Packet p) throws ProtocolViolationException {
    if (p.type() == PacketType.CONNECT) {
      Map<String, Object> auth = toMap(p.data());
      serial.execute(() -> connect(p.nsp(), p.data(), auth));
      return;
    }
    if (p.type() == PacketType.CONNECT_ERROR) {
      throw new ProtocolViolationException("CONNECT_ERROR from a client");
    }
    Socket s = byNamespace.get(p.nsp());
    if (s == null) {
      log.debug("client {}: no socket for namespace {}, packet dropped", conn.id(), p.nsp());
      return;
    }
    serial.execute(() -> s.onPacket(p));
  }

  private Map<String, Object> toMap(JsonNode data) {
    if (data == null || !data.isObject()) {
      return new LinkedHashMap<>();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = server.codec().mapper().convertValue(data, LinkedHashMap.class);
    return m;
  }

  // ---- on the serial executor ----

  private void connect(String name, JsonNode authNode, Map<String, Object> auth) {
    if (closed) {
      return;
    }
    if (byNamespace.containsKey(name) || !connecting.add(name)) {
      log.debug("client {} is already in (or joining) namespace {}", conn.id(), name);
      return;
    }
    Namespace nsp = server.resolveNamespace(name, auth);
    if (nsp == null) {
      connecting.remove(name);
      ObjectNode err = server.codec().mapper().createObjectNode().put("message", "Invalid namespace");
      writePacket(new Packet(PacketType.CONNECT_ERROR, name, err, null));
      return;
    }
    nsp.add(this, auth, authNode);
  }

  /** The connection attempt to a namespace ended (joined or refused). On the serial executor. */
  void connectDone(String name) {
    connecting.remove(name);
  }

  boolean isClosed() {
    return closed;
  }

  void connected(Socket socket) {
    byNamespace.put(socket.namespace().name(), socket);
    connectTimer.cancel(false);
  }

  void remove(Socket socket) {
    byNamespace.remove(socket.namespace().name(), socket);
  }

  /** Sends DISCONNECT for every namespace, then closes the connection ({@code socket.disconnect(true)}). */
  void disconnectAll() {
    for (Socket s : new ArrayList<>(byNamespace.values())) {
      s.disconnect(false);
    }
    close(DisconnectReason.FORCED_SERVER_CLOSE);
  }

  /** Server shutdown: every socket leaves with "server shutting down", then the connection closes. */
  void shutdown() {
    closeReason = DisconnectReason.SERVER_SHUTTING_DOWN;
    closed = true;
    serial.execute(() -> {
      for (Socket s : new ArrayList<>(byNamespace.values())) {
        s.onClose(DisconnectReason.SERVER_SHUTTING_DOWN, DisconnectReason.SERVER_SHUTTING_DOWN.text());
      }
    });
    conn.close();
  }

  // ---- any thread ----

  void close(DisconnectReason reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
    closed = true;
    conn.close();
  }

  void writePacket(Packet p) {
    write(server.codec().encode(p), false);
  }

  void write(List<EngineMessage> messages, boolean volatileEmit) {
    if (!conn.isOpen()) {
      return;
    }
    if (volatileEmit && !conn.isWritable()) {
      log.trace("client {} not writable, volatile packet dropped", conn.id());
      return;
    }
    if (messages.size() == 1) {
      conn.send(messages.get(0));
    } else {
      conn.send(messages);
    }
  }

  private void onConnectTimeout() {
    if (byNamespace.isEmpty() && !closed) {
      log.debug("client {} joined no namespace in time, closing", conn.id());
      close(DisconnectReason.FORCED_SERVER_CLOSE);
    }
  }
}

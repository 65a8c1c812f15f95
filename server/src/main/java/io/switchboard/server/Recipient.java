package io.switchboard.server;

import io.switchboard.server.cluster.AckListener;
import io.switchboard.server.cluster.SocketDetails;
import java.util.Collection;

/**
 * What the adapter routes to: a local member of a namespace's rooms, whatever its transport (a Socket.IO
 * {@link Socket}, a {@link PlainWebSocket}, an {@link EventStream}).
 *
 * <pre>{@code
 * Recipient r = nsp.routableSocket(id);
 * r.deliver(outgoing, false);          // the broadcast, in the form of r's transport, encoded once per transport
 * }</pre>
 */
abstract class Recipient {
  /** The id, also the name of its own room. */
  abstract String id();

  /** Writes a broadcast in this recipient's form; {@code volatileEmit} drops it if the connection is busy. */
  abstract void deliver(Outgoing outgoing, boolean volatileEmit);

  /** Registers for the answers of a broadcast with ack; false if this recipient cannot answer (it is not counted). */
  abstract boolean registerBroadcastAck(long ackId, AckListener listener);

  /** What {@code fetchSockets} reports. */
  abstract SocketDetails details();

  /** Joins rooms. */
  abstract void join(Collection<String> rooms);

  /** Leaves a room. */
  abstract void leave(String room);

  /** Leaves the namespace; {@code close} also closes the connection. */
  abstract void disconnect(boolean close);
}

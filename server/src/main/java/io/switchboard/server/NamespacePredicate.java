package io.switchboard.server;

import java.util.Map;

/**
 * Decides whether a namespace that does not exist yet may be created for a client (a dynamic namespace).
 *
 * <pre>{@code
 * io.of((name, auth) -> name.startsWith("/tenant-") && tenants.owns(auth.get("token"), name))
 *   .onConnection(socket -> socket.emit("welcome", socket.namespace().name()));
 * }</pre>
 *
 * <p>Runs on the handler executor and may block (on the I/O thread with {@link HandlerDispatch#EVENT_LOOP}, where it
 * must not).
 */
@FunctionalInterface
public interface NamespacePredicate {
  /**
   * Decides for one CONNECT to a namespace that does not exist yet; once it accepts, the namespace exists and later
   * clients join it without asking again.
   *
   * @param name the namespace asked for, starting with {@code /}
   * @param auth the client's CONNECT payload (empty if none)
   * @return whether to create the namespace as a child of this parent
   * @throws Exception anything: it is logged and counts as {@code false}
   */
  boolean test(String name, Map<String, Object> auth) throws Exception;
}

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
 * <p>Runs on the handler executor and may block.
 */
@FunctionalInterface
public interface NamespacePredicate {
  boolean test(String name, Map<String, Object> auth) throws Exception;
}

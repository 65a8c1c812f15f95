package io.switchboard.server;

/**
 * Makes the adapter of each namespace: the plug-in point for clustering.
 *
 * <pre>{@code
 * ServerOptions.builder().adapter(nsp -> new MyClusterAdapter(nsp, bus)).build();
 * }</pre>
 */
@FunctionalInterface
public interface AdapterFactory {
  Adapter create(Namespace namespace);
}

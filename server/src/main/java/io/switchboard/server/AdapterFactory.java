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
  /**
   * Makes the adapter of a namespace, once, while the namespace is being created (on the thread that first asks for
   * it); {@link Adapter#init()} is called next. The namespace is not fully built yet: keep it and read its name and
   * server, but send nothing through it before {@code init()}.
   *
   * @param namespace the namespace the adapter will serve
   * @return its adapter, never {@code null}
   */
  Adapter create(Namespace namespace);
}

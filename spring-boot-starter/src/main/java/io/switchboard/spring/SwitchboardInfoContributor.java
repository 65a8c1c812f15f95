package io.switchboard.spring;

import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * The {@code switchboard} entry of {@code /actuator/info}: version, path, port, transports, adapter and recovery.
 *
 * <pre>
 * {"switchboard":{"version":"0.1.0-SNAPSHOT","path":"/socket.io/","port":3001,"adapter":"in-memory",...}}
 * </pre>
 */
public final class SwitchboardInfoContributor implements InfoContributor {
  private final Server server;
  private final SwitchboardLifecycle lifecycle;

  /**
   * Makes the contributor; the starter registers one when the actuator is on the class path.
   *
   * @param server the server described
   * @param lifecycle its lifecycle, which says whether it listens (the port is shown only then) and its grace
   */
  public SwitchboardInfoContributor(Server server, SwitchboardLifecycle lifecycle) {
    this.server = server;
    this.lifecycle = lifecycle;
  }

  @Override
  public void contribute(Info.Builder builder) {
    ServerOptions o = server.options();
    Map<String, Object> info = new LinkedHashMap<>();
    String version = Server.class.getPackage().getImplementationVersion();
    info.put("version", version == null ? "unknown" : version);
    info.put("path", o.path());
    if (lifecycle.isRunning()) {
      info.put("port", server.port());
    }
    info.put("tls", o.tls() != null);
    info.put("transports", o.engine().transports().stream().map(Object::toString).sorted().toList());
    info.put("pingInterval", o.engine().pingInterval().toString());
    info.put("pingTimeout", o.engine().pingTimeout().toString());
    info.put("maxHttpBufferSize", o.engine().maxHttpBufferSize());
    info.put("adapter", o.adapter() == null ? "in-memory" : o.adapter().getClass().getSimpleName());
    info.put("connectionStateRecovery", o.connectionStateRecovery() != null);
    info.put("shutdownGrace", lifecycle.grace().toString());
    builder.withDetail("switchboard", info);
  }
}

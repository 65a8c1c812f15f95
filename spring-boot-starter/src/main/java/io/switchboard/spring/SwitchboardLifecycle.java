package io.switchboard.spring;

import io.switchboard.server.Middleware;
import io.switchboard.server.Server;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;

/**
 * Starts the auto-configured {@link Server} with the application context and closes it with it: on start, the
 * {@link SwitchboardServerCustomizer}s run, the {@link Middleware} beans are applied to {@code "/"} in {@code @Order},
 * the {@link SocketController}s are bound, then the server listens and a {@link SwitchboardStartedEvent} is
 * published. On stop, {@code server.close(grace)} runs in Boot's graceful shutdown phase, beside the web server's own
 * drain.
 *
 * <pre>{@code
 * // nothing to call: the context does it; the grace period is switchboard.shutdown-grace
 * }</pre>
 */
public final class SwitchboardLifecycle implements SmartLifecycle {
  /**
   * Boot's graceful shutdown phase ({@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}): the server
   * drains while the web server drains, and both before the web server stops.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

  private static final Logger log = LoggerFactory.getLogger(SwitchboardLifecycle.class);

  private final Server server;
  private final SwitchboardProperties properties;
  private final ApplicationContext context;
  private final SocketControllerBinder binder;
  private final Duration grace;
  private volatile boolean running;
  private boolean bound;

  SwitchboardLifecycle(Server server, SwitchboardProperties properties, ApplicationContext context,
      SocketControllerBinder binder, Duration grace) {
    this.server = server;
    this.properties = properties;
    this.context = context;
    this.binder = binder;
    this.grace = grace;
  }

  /**
   * {@return the grace period given to {@code server.close} on stop: {@code switchboard.shutdown-grace}, or else 3/4
   * of {@code spring.lifecycle.timeout-per-shutdown-phase}, zero with {@code server.shutdown=immediate}}
   */
  public Duration grace() {
    return grace;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    if (!bound) {
      bound = true;
      context.getBeanProvider(SwitchboardServerCustomizer.class).orderedStream().forEach(c -> c.customize(server));
      context.getBeanProvider(Middleware.class).orderedStream().forEach(server::use);
      List<Object> controllers = new ArrayList<>(context.getBeansWithAnnotation(SocketController.class).values());
      AnnotationAwareOrderComparator.sort(controllers);
      for (Object c : controllers) {
        binder.bind(server, c);
        log.debug("bound @SocketController {} to namespace {}", c.getClass().getName(),
            SocketControllerBinder.namespaceOf(c));
      }
    }
    String host = properties.getHost();
    InetSocketAddress address = host == null || host.isBlank()
        ? new InetSocketAddress(properties.getPort()) : new InetSocketAddress(host, properties.getPort());
    server.listen(address);
    running = true;
    context.publishEvent(new SwitchboardStartedEvent(server));
  }

  @Override
  public void stop() {
    close();
  }

  @Override
  public void stop(Runnable callback) {
    Thread t = new Thread(() -> {
      try {
        close();
      } finally {
        callback.run();
      }
    }, "switchboard-shutdown");
    t.setDaemon(true);
    t.start();
  }

  private void close() {
    if (!running) {
      return;
    }
    running = false;
    log.info("Socket.IO closing{}", grace.isZero() ? "" : " (grace " + grace + ")");
    server.close(grace);
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}

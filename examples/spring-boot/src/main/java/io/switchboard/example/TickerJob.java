package io.switchboard.example;

import io.switchboard.spring.SocketTemplate;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A scheduled job that broadcasts a {@code tick} to room {@code "ticks"} every {@code example.tick-interval} (1 s).
 *
 * <pre>{@code
 * socket.emit("join", "ticks");
 * socket.on("tick", ({n, at}) => console.log(n, at));
 * }</pre>
 */
@Component
public class TickerJob {
  private final SocketTemplate sockets;
  private final AtomicLong n = new AtomicLong();

  public TickerJob(SocketTemplate sockets) {
    this.sockets = sockets;
  }

  @Scheduled(fixedRateString = "${example.tick-interval:1s}")
  void tick() {
    sockets.to("ticks").emit("tick", Map.of("n", n.incrementAndGet(), "at", Instant.now().toString()));
  }
}

package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.socket.client.Socket;
import io.switchboard.engine.Logs;
import io.switchboard.testkit.Await;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The loggers per concern: a limit hit is one line without a stack trace, connection lines carry the MDC. */
class LogCategoriesTest {
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private Logger limits;
  private Logger connections;
  private Level connectionsLevel;

  @BeforeEach
  void attach() {
    lines.start();
    limits = (Logger) LoggerFactory.getLogger(Logs.LIMITS);
    connections = (Logger) LoggerFactory.getLogger(Logs.CONNECTIONS);
    connectionsLevel = connections.getLevel();
    connections.setLevel(Level.DEBUG);
    limits.addAppender(lines);
    connections.addAppender(lines);
  }

  @AfterEach
  void detach() {
    limits.detachAppender(lines);
    connections.detachAppender(lines);
    connections.setLevel(connectionsLevel);
  }

  private List<ILoggingEvent> from(String logger) {
    synchronized (lines) {
      return lines.list.stream().filter(e -> e.getLoggerName().equals(logger)).toList();
    }
  }

  @Test
  void aLimitHitIsOneLineWithoutStackTraceAndConnectionLinesCarryTheMdc() {
    try (TestServer t = new TestServer(ServerOptions.builder()
        .engine(ServerOptions.DEFAULT.engine().toBuilder().maxHttpBufferSize(1000).build()).build())) {
      Recorder rec = new Recorder();
      for (int i = 0; i < 3; i++) {
        Socket c = t.client("/");
        c.on(Socket.EVENT_CONNECT, rec.listener("connect"));
        c.connect();
        rec.await("connect");
        c.emit("big", "x".repeat(5000));
        long expected = i + 1;
        Await.until("refusal counted", TestServer.WAIT,
            () -> t.io.engine().stats().count(io.switchboard.engine.Refusal.MESSAGE_TOO_BIG) == expected);
      }
      List<ILoggingEvent> hits = from(Logs.LIMITS);
      assertThat(hits).as("one line per 10 s for a cause").hasSize(1);
      assertThat(hits.get(0).getLevel()).isEqualTo(Level.INFO);
      assertThat(hits.get(0).getFormattedMessage()).contains("MESSAGE_TOO_BIG").contains("127.0.0.1");
      assertThat(hits.get(0).getThrowableProxy()).as("a client's mistake: no stack trace").isNull();

      Await.until("the sockets' lines", TestServer.WAIT, () -> from(Logs.CONNECTIONS).stream()
          .anyMatch(e -> e.getFormattedMessage().startsWith("socket left")));
      ILoggingEvent left = from(Logs.CONNECTIONS).stream()
          .filter(e -> e.getFormattedMessage().startsWith("socket left")).findFirst().orElseThrow();
      assertThat(left.getMDCPropertyMap()).containsKeys(Logs.SID, Logs.NSP, Logs.REMOTE);
      assertThat(left.getMDCPropertyMap().get(Logs.NSP)).isEqualTo("/");
      assertThat(left.getMDCPropertyMap().get(Logs.REMOTE)).startsWith("127.0.0.1");
      ILoggingEvent opened = from(Logs.CONNECTIONS).stream()
          .filter(e -> e.getFormattedMessage().startsWith("session opened")).findFirst().orElseThrow();
      assertThat(opened.getMDCPropertyMap().get(Logs.SID)).isNotEmpty();
    }
  }
}

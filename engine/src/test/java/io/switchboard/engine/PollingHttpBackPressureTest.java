package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading cannot make the server's memory grow without bound: once more than
 * {@code maxBufferedBytes} wait for it, its session ends with {@link CloseReason#TRANSPORT_ERROR}, and other sessions
 * go on.
 */
class PollingHttpBackPressureTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int MESSAGE = 16 * 1024;
  private static final long MAX_BUFFERED = 256 * 1024;

  private PollingHttpServerFixture server;
  private EngineHttpClient eio;

  @BeforeEach
  void start() {
    server = PollingHttpServerFixture.start(EngineOptions.builder()
        .maxHttpBufferSize(64 * 1024)
        .maxBufferedBytes(MAX_BUFFERED)
        .pingInterval(Duration.ofSeconds(60))
        .pingTimeout(Duration.ofSeconds(60))
        .build());
    eio = server.eio();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * Sends messages to a session, in batches run on its own event loop (so the test never queues more than a batch
   * ahead of it), until the session closes or {@code budget} bytes were sent; returns the bytes sent.
   */
  private static long flood(EngineSocket socket, long budget) throws Exception {
    EngineMessage message = EngineMessage.binary(new byte[MESSAGE]);
    long sent = 0;
    while (sent < budget) {
      boolean open;
      try {
        open = socket.executor().submit(() -> {
          for (int i = 0; i < 4 && socket.isOpen(); i++) {
            socket.send(message);
          }
          return socket.isOpen();
        }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new AssertionError("the session's event loop did not run the batch", e);
      }
      sent += 4L * MESSAGE;
      if (!open) {
        break;
      }
    }
    return sent;
  }

  @Test
  void aPollingClientThatNeverPollsIsClosedOnceTheBufferIsFull() throws Exception {
    String bystander = eio.openPolling().sid();
    String sid = eio.openPolling().sid();
    EngineSocket socket = server.awaitSocket(sid, WAIT);

    long sent = flood(socket, 16 * MAX_BUFFERED);

    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);
    assertThat(sent).as("closed soon after the limit, not at the end of the flood")
        .isLessThanOrEqualTo(MAX_BUFFERED + 8L * MESSAGE);
    assertThat(eio.poll(sid).statusCode()).isEqualTo(400);

    assertThat(eio.push(bystander, "4fine").body()).isEqualTo("ok");
    assertThat(eio.poll(bystander).body()).isEqualTo("4fine");
  }

  @Test
  void aWebSocketClientThatStopsReadingIsClosedOnceTheBufferIsFull() throws Exception {
    try (WebSocketRecorder bystander = eio.websocket("transport=websocket");
        WebSocketRecorder stalled = eio.websocket("transport=websocket")) {
      EngineHttpClient.parseOpen(bystander.awaitText(WAIT));
      String sid = EngineHttpClient.parseOpen(stalled.awaitText(WAIT)).sid();
      EngineSocket socket = server.awaitSocket(sid, WAIT);
      stalled.pauseReading();

      // the kernel's socket buffers absorb some megabytes before the server's own buffer grows at all
      long budget = 128L * 1024 * 1024;
      long sent = flood(socket, budget);

      assertThat(sent).as("the session was closed before the flood ended").isLessThan(budget);
      assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);

      bystander.sendText("4fine");
      assertThat(bystander.awaitText(WAIT)).isEqualTo("4fine");
    }
  }
}

package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.EngineHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Polling POSTs under the input limits, on a real server: the untrusted allowance (413 before the body is read, and
 * the session ends), the server-wide input budget (503 with {@code Retry-After}, and the session stays), binary and
 * non-UTF-8 bodies (400, and the session ends).
 */
class PollingHttpInputTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int UNTRUSTED = 64 * 1024;

  private PollingHttpServerFixture server;
  private EngineHttpClient eio;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(EngineOptions options) {
    server = PollingHttpServerFixture.start(options);
    eio = server.eio();
  }

  private static String packet(int length) {
    char[] c = new char[length];
    Arrays.fill(c, 'x');
    c[0] = '4';
    return new String(c);
  }

  /** An HTTP answer read from a raw socket. */
  private record Answer(int status, Map<String, String> headers, String body) {}

  /** Opens a connection and sends a POST head for the session (and maybe part of the body). */
  private Socket rawPost(String sid, String extraHeaders, byte[] bodyStart) throws IOException {
    Socket raw = new Socket("127.0.0.1", server.port());
    raw.setSoTimeout((int) WAIT.toMillis());
    OutputStream out = raw.getOutputStream();
    String head = "POST /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + server.port() + "\r\n"
        + "Content-Type: text/plain;charset=UTF-8\r\n" + extraHeaders + "\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(bodyStart);
    out.flush();
    return raw;
  }

  private static void writeQuietly(Socket raw, byte[] bytes) {
    try {
      raw.getOutputStream().write(bytes);
      raw.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Answer read(Socket raw) throws IOException {
    InputStream in = raw.getInputStream();
    String status = line(in);
    Map<String, String> headers = new HashMap<>();
    String h;
    while (!(h = line(in)).isEmpty()) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
    return new Answer(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  private void awaitBudget(long expected) {
    InputBudget budget = server.engine().inputBudget();
    Await.until(() -> "budget holds " + budget.used() + " bytes, not " + expected, WAIT,
        () -> budget.used() == expected);
  }

  @Test
  void anUntrustedPostLargerThanTheAllowanceGets413BeforeItsBodyIsSent() throws IOException {
    start(EngineOptions.builder().untrustedInputLimit(UNTRUSTED).build());
    String bystander = eio.openPolling().sid();
    String sid = eio.openPolling().sid();
    try (Socket raw = rawPost(sid, "Content-Length: 100000\r\n", new byte[0])) {
      assertThat(read(raw).status()).isEqualTo(413);
    }
    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);
    assertThat(server.awaitCloseDescription(sid, WAIT)).isEqualTo("untrusted input limit exceeded");
    assertThat(eio.poll(sid).statusCode()).isEqualTo(400);
    assertThat(eio.push(bystander, "4fine").body()).isEqualTo("ok");
    assertThat(server.engine().stats().count(Refusal.UNTRUSTED_INPUT_LIMIT)).isEqualTo(1);
  }

  @Test
  void untrustedPostsAddUpOverTheSession() {
    start(EngineOptions.builder().untrustedInputLimit(UNTRUSTED).build());
    String sid = eio.openPolling().sid();
    assertThat(eio.push(sid, packet(40_000)).body()).isEqualTo("ok");
    int status;
    try {
      status = eio.push(sid, packet(30_000)).statusCode();
    } catch (UncheckedIOException closedWhileTheClientWrote) {
      status = 413; // the server answers before reading the body and closes; the session check below still holds
    }
    assertThat(status).isEqualTo(413);
    assertThat(server.awaitCloseDescription(sid, WAIT)).isEqualTo("untrusted input limit exceeded");
  }

  @Test
  void aChunkedUntrustedPostIsCutOffWhenItPassesTheAllowance() throws IOException {
    start(EngineOptions.builder().untrustedInputLimit(UNTRUSTED).build());
    String sid = eio.openPolling().sid();
    byte[] chunk = ("2710\r\n" + packet(10_000) + "\r\n").getBytes(StandardCharsets.US_ASCII); // 0x2710 = 10,000
    try (Socket raw = rawPost(sid, "Transfer-Encoding: chunked\r\n", chunk)) {
      for (int i = 1; i < 7; i++) { // 70,000 bytes in all, and no last chunk
        writeQuietly(raw, chunk);
      }
      assertThat(read(raw).status()).isEqualTo(413);
    }
    assertThat(server.awaitCloseDescription(sid, WAIT)).isEqualTo("untrusted input limit exceeded");
    awaitBudget(0);
  }

  @Test
  void aTrustedSessionMayPostUpToMaxHttpBufferSize() {
    start(EngineOptions.builder().untrustedInputLimit(UNTRUSTED).build());
    String sid = eio.openPolling().sid();
    server.awaitSocket(sid, WAIT).trust();
    String big = packet(500_000);
    assertThat(eio.push(sid, big).body()).isEqualTo("ok");
    assertThat(eio.poll(sid).body()).isEqualTo(big);
  }

  @Test
  void aPostTheInputBudgetCannotHoldGets503WithRetryAfterAndTheSessionStays() throws IOException {
    start(EngineOptions.builder().maxHttpBufferSize(1_000_000).maxBufferedInput(2_000_000).build());
    String first = eio.openPolling().sid();
    String second = eio.openPolling().sid();
    String third = eio.openPolling().sid();
    String body = packet(900_000);
    byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
    String length = "Content-Length: 900000\r\n";
    try (Socket a = rawPost(first, length, Arrays.copyOfRange(bytes, 0, 100_000));
        Socket b = rawPost(second, length, Arrays.copyOfRange(bytes, 0, 100_000))) {
      awaitBudget(1_800_000); // reserved by their declared lengths
      try (Socket c = rawPost(third, length, new byte[0])) {
        Answer busy = read(c);
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.headers()).containsEntry("retry-after", "1").containsEntry("content-type", "application/json");
        assertThat(EngineHttpClient.json(busy.body()).get("message").asText()).isEqualTo("Server busy");
      }
      assertThat(server.engine().socket(third).isOpen()).isTrue();

      writeQuietly(a, Arrays.copyOfRange(bytes, 100_000, bytes.length));
      writeQuietly(b, Arrays.copyOfRange(bytes, 100_000, bytes.length));
      assertThat(read(a).body()).isEqualTo("ok");
      assertThat(read(b).body()).isEqualTo("ok");
    }
    awaitBudget(0);
    assertThat(eio.poll(first).body()).isEqualTo(body);
    assertThat(eio.push(third, "4now there is room").body()).isEqualTo("ok");
    assertThat(server.engine().stats().count(Refusal.INPUT_BUDGET)).isEqualTo(1);
  }

  @Test
  void aPostWhoseConnectionDropsGivesItsReservationBack() throws IOException {
    start(EngineOptions.DEFAULT);
    String sid = eio.openPolling().sid();
    try (Socket raw = rawPost(sid, "Content-Length: 500000\r\n", packet(100_000).getBytes(StandardCharsets.US_ASCII))) {
      awaitBudget(500_000);
    }
    awaitBudget(0);
  }

  @Test
  void aBinaryPostIsRefusedWith400AndEndsTheSession() {
    start(EngineOptions.DEFAULT);
    String sid = eio.openPolling().sid();
    HttpResponse<String> res = eio.post("transport=polling&sid=" + sid, "4hi",
        "Content-Type", "application/octet-stream");
    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(EngineHttpClient.json(res.body()).get("code").asInt()).isEqualTo(ErrorCode.BAD_REQUEST.code());
    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);
    assertThat(server.awaitCloseDescription(sid, WAIT)).isEqualTo("invalid content");
    HttpResponse<String> next = eio.poll(sid);
    assertThat(next.statusCode()).isEqualTo(400);
    assertThat(EngineHttpClient.json(next.body()).get("code").asInt()).isEqualTo(ErrorCode.UNKNOWN_SID.code());
    assertThat(server.engine().stats().count(Refusal.BINARY_POLLING_BODY)).isEqualTo(1);
  }

  @Test
  void aPostThatIsNotUtf8IsRefusedWith400AndEndsTheSession() {
    start(EngineOptions.DEFAULT);
    String sid = eio.openPolling().sid();
    HttpResponse<String> res = eio.send(HttpRequest.newBuilder(eio.uri("transport=polling&sid=" + sid))
        .header("Content-Type", "text/plain;charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'4', 'h', (byte) 0xc3, (byte) 0x28})));
    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.PARSE_ERROR);
    assertThat(server.awaitCloseDescription(sid, WAIT)).isEqualTo("invalid UTF-8 in payload");
    assertThat(server.engine().stats().count(Refusal.INVALID_UTF8)).isEqualTo(1);
  }

  @Test
  void aPostOfValidMultiByteUtf8IsAccepted() {
    start(EngineOptions.DEFAULT);
    String sid = eio.openPolling().sid();
    assertThat(eio.push(sid, "4héllo € 😀").body()).isEqualTo("ok");
    assertThat(eio.poll(sid).body()).isEqualTo("4héllo € 😀");
  }
}

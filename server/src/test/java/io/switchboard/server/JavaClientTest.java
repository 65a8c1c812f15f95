package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.Ack;
import io.socket.client.Socket;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The official Java client (io.socket:socket.io-client 2.1.x) over each transport and over an upgrade. */
class JavaClientTest {

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "polling", "polling,websocket"})
  void connectsEmitsReceivesAndAcknowledges(String transports) throws Exception {
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      t.io.onConnection(socket -> {
        server.record("connection", socket.id(), socket.handshake().auth());
        socket.on("hello", (args, ack) -> {
          server.record("hello", args.string(0), args.get(1, Map.class));
          ack.send("hi " + args.string(0), 42, Map.of("list", java.util.List.of(1, 2)));
        });
        socket.on("bytes", (args, ack) -> ack.send(args.get(0, byte[].class).length));
        socket.emit("welcome", Map.of("n", 1), "two", 3.5, true);
      });
      Recorder client = new Recorder();
      Socket c = t.client("/", Map.of("token", "t1"), transports.split(","));
      c.on("welcome", client.listener("welcome"));
      c.on(Socket.EVENT_CONNECT, client.listener("connect"));
      c.connect();
      client.await("connect");
      Recorder.Event welcome = client.await("welcome");
      assertThat(((JSONObject) welcome.arg(0)).getInt("n")).isEqualTo(1);
      assertThat(welcome.args().subList(1, 4)).containsExactly("two", 3.5, true);
      Recorder.Event conn = server.await("connection");
      assertThat(conn.arg(1)).isEqualTo(Map.of("token", "t1"));

      c.emit("hello", new Object[] {"bob", new JSONObject().put("k", "v")}, (Ack) args -> client.record("ack", args));
      Recorder.Event hello = server.await("hello");
      assertThat(hello.args()).containsExactly("bob", Map.of("k", "v"));
      Recorder.Event ack = client.await("ack");
      assertThat(ack.args().subList(0, 2)).containsExactly("hi bob", 42);
      assertThat(((JSONObject) ack.arg(2)).getJSONArray("list").toString()).isEqualTo(new JSONArray("[1,2]").toString());

      // over polling the Java client wraps its base64 in lines: binary must still arrive whole
      c.emit("bytes", new Object[] {new byte[100_000]}, (Ack) args -> client.record("length", args));
      assertThat(client.await("length").arg(0)).isEqualTo(100_000);
    }
  }
}

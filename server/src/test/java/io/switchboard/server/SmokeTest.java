package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.Ack;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void javaClientConnectsEmitsAndGetsAck() throws Exception {
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      t.io.onConnection(socket -> {
        server.record("connection", socket.id());
        socket.on("hello", (args, ack) -> {
          server.record("hello", args.string(0));
          ack.send("hi " + args.string(0), 42);
        });
        socket.emit("welcome", java.util.Map.of("n", 1));
      });
      Recorder client = new Recorder();
      io.socket.client.Socket c = t.client("/");
      c.on("welcome", client.listener("welcome"));
      c.on(io.socket.client.Socket.EVENT_CONNECT, client.listener("connect"));
      c.connect();
      client.await("connect");
      server.await("connection");
      assertThat(((JSONObject) client.await("welcome").arg(0)).getInt("n")).isEqualTo(1);
      c.emit("hello", new Object[] {"bob"}, (Ack) args -> client.record("ack", args));
      assertThat(server.await("hello").arg(0)).isEqualTo("bob");
      Recorder.Event ack = client.await("ack");
      assertThat(ack.args()).containsExactly("hi bob", 42);
    }
  }
}

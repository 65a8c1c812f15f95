package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.socket.client.Ack;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Binary payloads anywhere in the arguments, both ways, with both official clients and every transport. */
class BinaryTest {

  private static void installEcho(Server io, Recorder server) {
    io.onConnection(socket -> {
      socket.on("upload", (args, ack) -> {
        server.record("upload", args.get(0, byte[].class), args.node(1).get("nested").binaryValue());
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("name", "reply");
        nested.put("bytes", ByteBuffer.wrap(new byte[] {7, 8}));
        socket.emit("download", new byte[] {9, 10, 11}, nested, "text", 5);
        ack.send(new byte[] {42}, "ok");
      });
      socket.on("echo", (args, ack) -> socket.emit("echo-back", args.toArray()));
    });
  }

  @Test
  void javaClientSendsAndReceivesBinaryNestedAnywhere() throws Exception {
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      installEcho(t.io, server);
      Recorder client = new Recorder();
      io.socket.client.Socket c = t.client("/");
      c.on("download", client.listener("download"));
      c.on(io.socket.client.Socket.EVENT_CONNECT, client.listener("connect"));
      c.connect();
      client.await("connect");
      JSONObject obj = new JSONObject().put("nested", new byte[] {4, 5});
      c.emit("upload", new Object[] {new byte[] {1, 2, 3}, obj}, (Ack) args -> client.record("ack", args));

      Recorder.Event up = server.await("upload");
      assertThat((byte[]) up.arg(0)).containsExactly(1, 2, 3);
      assertThat((byte[]) up.arg(1)).containsExactly(4, 5);
      Recorder.Event down = client.await("download");
      assertThat((byte[]) down.arg(0)).containsExactly(9, 10, 11);
      JSONObject nested = (JSONObject) down.arg(1);
      assertThat(nested.getString("name")).isEqualTo("reply");
      assertThat((byte[]) nested.get("bytes")).containsExactly(7, 8);
      assertThat(down.args().subList(2, 4)).containsExactly("text", 5);
      Recorder.Event ack = client.await("ack");
      assertThat((byte[]) ack.arg(0)).containsExactly(42);
      assertThat(ack.arg(1)).isEqualTo("ok");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "polling", "both"})
  void npmClientRoundTripsBinaryOverEachTransport(String transports) {
    try (TestServer t = new TestServer(); NodeClient c = NodeClient.start(t.url(), "/", "--transports", transports)) {
      Recorder server = new Recorder();
      installEcho(t.io, server);
      JsonNode connect = c.connected();
      if (transports.equals("both") && !connect.get("transport").asText().equals("websocket")) {
        assertThat(c.await("upgrade").get("transport").asText()).isEqualTo("websocket");
      }
      c.emit("echo", NodeClient.binary(new byte[] {1, 2}), Map.of("deep", List.of(NodeClient.binary(new byte[] {3}))),
          "plain", 1.5);
      JsonNode back = c.awaitEvent("echo-back");
      assertThat(NodeClient.bytes(back.get(0))).containsExactly(1, 2);
      assertThat(NodeClient.bytes(back.get(1).get("deep").get(0))).containsExactly(3);
      assertThat(back.get(2).asText()).isEqualTo("plain");
      assertThat(back.get(3).asDouble()).isEqualTo(1.5);

      c.emitWithAck(1, "upload", NodeClient.binary(new byte[] {5}), Map.of("nested", NodeClient.binary(new byte[] {6})));
      Recorder.Event up = server.await("upload");
      assertThat((byte[]) up.arg(0)).containsExactly(5);
      assertThat((byte[]) up.arg(1)).containsExactly(6);
      JsonNode down = c.awaitEvent("download");
      assertThat(NodeClient.bytes(down.get(0))).containsExactly(9, 10, 11);
      assertThat(NodeClient.bytes(down.get(1).get("bytes"))).containsExactly(7, 8);
      JsonNode ack = c.await("ack").get("args");
      assertThat(NodeClient.bytes(ack.get(0))).containsExactly(42);
    }
  }

  @Test
  void broadcastWithBinaryReachesEveryone() throws Exception {
    try (TestServer t = new TestServer(); NodeClient a = NodeClient.start(t.url(), "/");
        NodeClient b = NodeClient.start(t.url(), "/", "--transports", "polling")) {
      a.connected();
      b.connected();
      t.io.emit("blob", Map.of("data", new byte[] {1, 2, 3}), new byte[0]);
      for (NodeClient c : List.of(a, b)) {
        JsonNode args = c.awaitEvent("blob");
        assertThat(NodeClient.bytes(args.get(0).get("data"))).containsExactly(1, 2, 3);
        assertThat(NodeClient.bytes(args.get(1))).isEmpty();
      }
    }
  }
}

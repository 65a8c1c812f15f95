package io.switchboard.server;

import static io.switchboard.testkit.NodeScript.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.PerMessageDeflate;
import io.switchboard.testkit.NodeScript;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO's {@code compress} flag over a WebSocket with {@code permessage-deflate}: {@code compress(false)} sends a
 * packet uncompressed (RSV1 unset, as seen on the wire by the npm {@code ws} client), to one socket and in a
 * broadcast; and the npm {@code socket.io-client}, which offers the extension, exchanges large messages both ways.
 */
class CompressTest {
  private static final String LARGE = "{\"user\":\"alice\",\"text\":\"hello, world\"} ".repeat(100);

  private static ServerOptions deflate() {
    return ServerOptions.builder()
        .engine(EngineOptions.builder().perMessageDeflate(PerMessageDeflate.builder().enabled(true).build()).build())
        .build();
  }

  @Test
  void compressFalseSendsUncompressedToOneSocketAndInABroadcast() throws Exception {
    try (TestServer t = new TestServer(deflate())) {
      t.io.onConnection(socket -> socket.on("go", (args, ack) -> {
        socket.compress(false).emit("one", LARGE);
        socket.emit("one", LARGE);
        t.io.compress(false).emit("all", LARGE);
        t.io.emit("all", LARGE);
      }));
      try (NodeScript ws = NodeScript.start("ws-deflate.mjs", "--url",
          "ws://127.0.0.1:" + t.io.port() + "/socket.io/?EIO=4&transport=websocket")) {
        assertThat(ws.await(event("open"), NodeClient.WAIT).get("extensions").asText())
            .startsWith("permessage-deflate");
        assertThat(ws.await(event("message"), NodeClient.WAIT).get("data").asText()).startsWith("0{");
        ws.send(NodeScript.command().put("op", "send").put("text", "40"));
        assertThat(ws.await(event("message"), NodeClient.WAIT).get("data").asText()).startsWith("40{");
        ws.send(NodeScript.command().put("op", "send").put("text", "42[\"go\"]"));
        List<JsonNode> frames = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        // the frames of the events (the CONNECT answer may be sniffed too: it is small and uncompressed)
        while (frames.size() < 4 || messages.size() < 4) {
          JsonNode e = ws.await(event("frame").or(event("message")), NodeClient.WAIT);
          if (e.get("event").asText().equals("frame")) {
            if (e.get("opcode").asInt() == 1 && (e.get("rsv1").asBoolean() || e.get("length").asInt() > 1000)) {
              frames.add(e);
            }
          } else if (e.get("data").asText().startsWith("42")) {
            messages.add(e.get("data").asText());
          }
        }
        String one = "42[\"one\",\"" + LARGE.replace("\"", "\\\"") + "\"]";
        String all = "42[\"all\",\"" + LARGE.replace("\"", "\\\"") + "\"]";
        assertThat(messages).containsExactly(one, one, all, all);
        assertThat(frames).extracting(f -> f.get("rsv1").asBoolean()).containsExactly(false, true, false, true);
        assertThat(frames.get(0).get("length").asInt()).isEqualTo(one.length());
        assertThat(frames.get(1).get("length").asInt()).isLessThan(one.length() / 5);
      }
    }
  }

  @Test
  void socketIoClientExchangesLargeMessagesOverDeflate() throws Exception {
    try (TestServer t = new TestServer(deflate())) {
      CompletableFuture<String> offered = new CompletableFuture<>();
      CompletableFuture<String> received = new CompletableFuture<>();
      t.io.onConnection(socket -> {
        offered.complete(String.valueOf(socket.handshake().headers().get("sec-websocket-extensions")));
        socket.on("big", (args, ack) -> {
          received.complete(args.get(0, String.class));
          socket.emit("big", LARGE + "!");
        });
      });
      try (NodeClient c = NodeClient.start(t.url(), "/", "--transports", "websocket")) {
        c.connected();
        c.emit("big", LARGE);
        assertThat(received.get(20, TimeUnit.SECONDS)).isEqualTo(LARGE);
        assertThat(c.awaitEvent("big").get(0).asText()).isEqualTo(LARGE + "!");
        assertThat(offered.get(1, TimeUnit.SECONDS)).contains("permessage-deflate");
      }
    }
  }
}

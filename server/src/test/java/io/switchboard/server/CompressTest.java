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
  void theClientBundleIsServedGzipped() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    try (TestServer t = new TestServer()) {
      for (String name : new String[] {"socket.io.js", "socket.io.min.js"}) {
        java.net.URI uri = java.net.URI.create(t.url() + "/socket.io/" + name);
        var zipped = http.send(java.net.http.HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip").build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        var plain = http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zipped.headers().firstValue("content-encoding")).as(name).hasValue("gzip");
        assertThat(zipped.headers().allValues("vary")).as(name).contains("accept-encoding");
        assertThat(zipped.headers().firstValueAsLong("content-length")).as(name).hasValue(zipped.body().length);
        assertThat(plain.headers().firstValue("content-encoding")).as(name).isEmpty();
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
          assertThat(in.readAllBytes()).as(name).isEqualTo(plain.body());
        }
        assertThat(zipped.body().length).as(name).isLessThan(plain.body().length / 3);
        System.out.printf("%s: %d bytes, gzip %d%n", name, plain.body().length, zipped.body().length);
        String etag = zipped.headers().firstValue("etag").orElseThrow();
        var again = http.send(java.net.http.HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip")
            .header("If-None-Match", etag).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(again.statusCode()).as(name).isEqualTo(304);
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

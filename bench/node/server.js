// The Node socket.io reference server for Switchboard's benchmarks.
//
//   node bench/node/server.js --port 3002 [--host 127.0.0.1] [--redis redis://127.0.0.1:6379]
//
// Namespace "/" with the bench contract shared by every bench server:
//   join(room, ack)      joins the room, then acks "ok"
//   bcast({r, ...})      emits "bcast" with the same object to every socket in room r
//   echo(payload, ack)   acks the payload unchanged
// Default options, as a user would start it (WebSocket and polling, no per-message deflate). With --redis, the
// classic @socket.io/redis-adapter links it to the other servers of a cluster.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const host = option("host", "127.0.0.1");
const port = Number(option("port", "3002"));

const redis = option("redis", null);

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });
if (redis) {
  const pub = createClient({ url: redis });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
}

io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack("ok");
  });
  socket.on("bcast", (message) => {
    io.to(message.r).emit("bcast", message);
  });
  socket.on("echo", (payload, ack) => {
    if (typeof ack === "function") ack(payload);
  });
});

httpServer.listen(port, host, () => {
  console.log(`node socket.io bench server on ${host}:${port}${redis ? ` (Redis adapter on ${redis})` : ""}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    io.close();
    process.exit(0);
  });
}

// The Node socket.io reference server for Switchboard's benchmarks.
//
//   node bench/node/server.js --port 3002 [--host 127.0.0.1]
//
// Namespace "/" with the bench contract shared by every bench server:
//   join(room, ack)      joins the room, then acks "ok"
//   bcast({r, ...})      emits "bcast" with the same object to every socket in room r
//   echo(payload, ack)   acks the payload unchanged
// Default options, as a user would start it (WebSocket and polling, no per-message deflate).
import { createServer } from "node:http";
import { Server } from "socket.io";

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const host = option("host", "127.0.0.1");
const port = Number(option("port", "3002"));

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });

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
  console.log(`node socket.io bench server on ${host}:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    io.close();
    process.exit(0);
  });
}

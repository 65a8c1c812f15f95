// A Node socket.io 4.8 server with the Redis adapter, instrumented by the real @socket.io/admin-ui 0.5.1, for the
// mixed-cluster Admin UI tests. Writes {"event":"listening","port":..} when ready.
//
//   node admin-node-server.mjs --port 0 --redis redis://127.0.0.1:6379 --key K --server-id node-1
//                              [--username admin --hash BCRYPT] [--mode development]

import { parseArgs } from "node:util";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { instrument } from "@socket.io/admin-ui";
import { createClient } from "redis";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
    key: { type: "string", default: "socket.io" },
    "server-id": { type: "string" },
    username: { type: "string", default: "" },
    hash: { type: "string", default: "" },
    mode: { type: "string", default: "development" },
  },
  strict: true,
});

const pub = createClient({ url: values.redis });
const sub = pub.duplicate();
await Promise.all([pub.connect(), sub.connect()]);
const http = createServer();
const io = new Server(http, {
  adapter: createAdapter(pub, sub, { key: values.key }),
  cors: { origin: true, credentials: true },
});
instrument(io, {
  auth: values.username ? { type: "basic", username: values.username, password: values.hash } : false,
  serverId: values["server-id"],
  mode: values.mode,
});
io.on("connection", (socket) => socket.on("echo", (...args) => socket.emit("echo", ...args)));
http.listen(Number(values.port), "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ event: "listening", port: http.address().port }) + "\n");
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();

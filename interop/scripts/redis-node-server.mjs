// A Node socket.io 4.8 server on @socket.io/redis-adapter 8.3 (classic or sharded) or on
// @socket.io/redis-streams-adapter 0.3.1 (streams), for mixed Java/Node cluster tests. Reports as JSON lines on stdout
// and takes commands as JSON lines on stdin.
//
//   node redis-node-server.mjs --redis redis://127.0.0.1:6379 --key <prefix> [--mode classic|sharded|streams]
//                              [--parser msgpack|json] [--specific] [--name node] [--port 0]
//                              [--recovery <maxDisconnectionDuration ms>] [--sharded-pubsub]
//
// In the streams mode, <prefix> is the stream name and the channel prefix, and the session keys are <prefix>:s:<pid>.
// A recovered socket keeps its rooms (the auth rooms are joined only by new ones).
// Server behaviour (the same as the Java cluster contract): on connection, join the rooms listed in the auth field
// "rooms" (comma-separated), set socket.data = {name, server}, emit "joined"; "shout" is re-broadcast to the others
// and acknowledged with "done"; "chat message" is relayed to every client of the cluster. Server-side events:
// "whoami" is acknowledged with "<name>:<arg>", "note" is reported.
//
// Events written: {"event":"listening","port":N}  {"event":"serverSideEmit","name":..,"args":[..]}
//                 {"event":"result","id":..,"value":..}  {"event":"error","id":..,"message":..}
// Commands read (each answered by a result with the same id; "nsp" selects a namespace, "/" or "/chat"):
//   {"id":1,"op":"emit","rooms":[],"except":[],"event":"e","args":[..],"binary":"<base64>"?}
//   {"id":2,"op":"emitWithAck","rooms":[],"event":"e","timeout":5000}
//   {"id":3,"op":"fetchSockets","rooms":[],"except":[]}
//   {"id":4,"op":"socketsJoin"|"socketsLeave","rooms":[],"except":[],"target":["room"]}
//   {"id":5,"op":"disconnectSockets","rooms":[],"except":[],"close":true}
//   {"id":6,"op":"serverSideEmit","event":"e","args":[..]}
//   {"id":7,"op":"serverSideEmitWithAck","event":"e","args":[..],"timeout":5000}
//   {"id":8,"op":"serverCount"}   {"id":9,"op":"allRooms"} (classic mode only)

import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Server } from "socket.io";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import { createClient } from "redis";

const { values } = parseArgs({
  options: {
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
    key: { type: "string", default: "socket.io" },
    mode: { type: "string", default: "classic" },
    parser: { type: "string", default: "msgpack" },
    specific: { type: "boolean", default: false },
    name: { type: "string", default: "node" },
    port: { type: "string", default: "0" },
    recovery: { type: "string", default: "0" },
    "sharded-pubsub": { type: "boolean", default: false },
  },
  strict: true,
});

function out(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

const pubClient = createClient({ url: values.redis });
const subClient = pubClient.duplicate();
pubClient.on("error", (e) => out({ event: "redisError", message: String(e) }));
subClient.on("error", (e) => out({ event: "redisError", message: String(e) }));
await Promise.all([pubClient.connect(), subClient.connect()]);

const jsonParser = {
  encode: (msg) => JSON.stringify(msg),
  decode: (msg) => JSON.parse(msg.toString()),
};

const adapter =
  values.mode === "streams"
    ? createStreamsAdapter(pubClient, {
        streamName: values.key,
        channelPrefix: values.key,
        sessionKeyPrefix: values.key + ":s:",
        useShardedPubSub: values["sharded-pubsub"],
      })
    : values.mode === "sharded"
    ? createShardedAdapter(pubClient, subClient, { channelPrefix: values.key, subscriptionMode: "dynamic" })
    : createAdapter(pubClient, subClient, {
        key: values.key,
        publishOnSpecificResponseChannel: values.specific,
        ...(values.parser === "json" ? { parser: jsonParser } : {}),
      });

const httpServer = createServer();
const recovery = Number(values.recovery);
const io = new Server(httpServer, {
  adapter,
  ...(recovery > 0 ? { connectionStateRecovery: { maxDisconnectionDuration: recovery, skipMiddlewares: true } } : {}),
});

const onConnection = (socket) => {
  const rooms = socket.handshake.auth.rooms;
  if (!socket.recovered && typeof rooms === "string" && rooms.length > 0) {
    socket.join(rooms.split(","));
  }
  if (!socket.recovered) socket.data = { name: String(socket.handshake.auth.name), server: values.name };
  socket.on("shout", (arg, ack) => {
    socket.broadcast.emit("shout", arg);
    if (typeof ack === "function") ack("done");
  });
  socket.on("chat message", (...args) => io.emit("chat message", ...args));
  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack("joined");
  });
  socket.emit("joined");
};
io.on("connection", onConnection);
io.of("/chat").on("connection", onConnection);

const main = io.of("/");
main.on("whoami", (arg, cb) => cb(values.name + ":" + arg));
main.on("note", (...args) => out({ event: "serverSideEmit", name: "note", args }));

function target(cmd) {
  let op = io.of(cmd.nsp ?? "/");
  let b = op.to(cmd.rooms ?? []);
  if (cmd.except && cmd.except.length > 0) b = b.except(cmd.except);
  return b;
}

function plainArgs(cmd) {
  const args = [...(cmd.args ?? [])];
  if (cmd.binary) args.push(Buffer.from(cmd.binary, "base64"));
  return args;
}

async function run(cmd) {
  switch (cmd.op) {
    case "emit":
      target(cmd).emit(cmd.event, ...plainArgs(cmd));
      return true;
    case "emitWithAck":
      return await target(cmd).timeout(cmd.timeout ?? 5000).emitWithAck(cmd.event, ...plainArgs(cmd));
    case "fetchSockets": {
      const sockets = await target(cmd).fetchSockets();
      return sockets.map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data, auth: s.handshake.auth }));
    }
    case "socketsJoin":
      target(cmd).socketsJoin(cmd.target);
      return true;
    case "socketsLeave":
      target(cmd).socketsLeave(cmd.target);
      return true;
    case "disconnectSockets":
      target(cmd).disconnectSockets(!!cmd.close);
      return true;
    case "serverSideEmit":
      io.serverSideEmit(cmd.event, ...(cmd.args ?? []));
      return true;
    case "serverSideEmitWithAck":
      return await io.serverSideEmitWithAck(cmd.event, ...(cmd.args ?? []));
    case "allRooms":
      return [...(await io.of(cmd.nsp ?? "/").adapter.allRooms())];
    case "serverCount":
      return await io.of("/").adapter.serverCount();
    default:
      throw new Error("unknown op " + cmd.op);
  }
}

const rl = createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  if (!line.trim()) return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    out({ event: "error", message: "bad command: " + line });
    return;
  }
  try {
    const value = await run(cmd);
    out({ event: "result", id: cmd.id, value });
  } catch (e) {
    out({ event: "error", id: cmd.id, message: String(e && e.message ? e.message : e) });
  }
});
rl.on("close", () => {
  io.close();
  Promise.allSettled([pubClient.quit(), subClient.quit()]).then(() => process.exit(0));
});

httpServer.listen(Number(values.port), "127.0.0.1", () => {
  out({ event: "listening", port: httpServer.address().port });
});

// Runs @socket.io/redis-emitter 5.1 commands given as JSON lines on stdin, for tests of Java servers reached by the
// Node emitter. Each command is answered by {"event":"done","id":..} once Redis took it.
//
//   node redis-emitter.mjs --redis redis://127.0.0.1:6379 --key <prefix> [--parser msgpack|json]
//
// Commands: {"id":1,"op":"emit","nsp":"/","rooms":[],"except":[],"event":"e","args":[..],"binary":"<base64>"?}
//           {"id":2,"op":"socketsJoin"|"socketsLeave","rooms":[],"except":[],"target":["room"]}
//           {"id":3,"op":"disconnectSockets","rooms":[],"except":[],"close":true}
//           {"id":4,"op":"serverSideEmit","event":"e","args":[..]}

import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Emitter } from "@socket.io/redis-emitter";
import { createClient } from "redis";

const { values } = parseArgs({
  options: {
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
    key: { type: "string", default: "socket.io" },
    parser: { type: "string", default: "msgpack" },
  },
  strict: true,
});

function out(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

const client = createClient({ url: values.redis });
client.on("error", (e) => out({ event: "redisError", message: String(e) }));
await client.connect();

const jsonParser = { encode: (msg) => JSON.stringify(msg) };
const base = new Emitter(client, { key: values.key, ...(values.parser === "json" ? { parser: jsonParser } : {}) });

function target(cmd) {
  let e = base.of(cmd.nsp ?? "/");
  let op = (cmd.rooms ?? []).length > 0 ? e.to(cmd.rooms) : null;
  if (cmd.except && cmd.except.length > 0) op = (op ?? e).except(cmd.except);
  return op ?? e;
}

const rl = createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line);
  try {
    const args = [...(cmd.args ?? [])];
    if (cmd.binary) args.push(Buffer.from(cmd.binary, "base64"));
    switch (cmd.op) {
      case "emit":
        target(cmd).emit(cmd.event, ...args);
        break;
      case "socketsJoin":
        target(cmd).socketsJoin(cmd.target);
        break;
      case "socketsLeave":
        target(cmd).socketsLeave(cmd.target);
        break;
      case "disconnectSockets":
        target(cmd).disconnectSockets(!!cmd.close);
        break;
      case "serverSideEmit":
        base.of(cmd.nsp ?? "/").serverSideEmit(cmd.event, ...args);
        break;
      default:
        throw new Error("unknown op " + cmd.op);
    }
    await client.ping(); // the publish before it was written once this answers
    out({ event: "done", id: cmd.id });
  } catch (e) {
    out({ event: "error", id: cmd.id, message: String(e && e.message ? e.message : e) });
  }
});
rl.on("close", () => client.quit().then(() => process.exit(0)));
out({ event: "ready" });

// What @socket.io/redis-streams-adapter 0.3.1 writes to Redis for a fixed set of calls, for the Java byte-compatibility
// test: the stream entries (XRANGE), the pub/sub payloads (as a raw subscriber sees them), the answers it publishes to
// requests we send it, and a session record. Reports JSON lines on stdout:
//
//   {"event":"uid","uid":"<the adapter's uid>"}
//   {"event":"entry","name":..,"id":..,"fields":{"uid":..,"nsp":..,"type":..,"data":..}}
//   {"event":"pubsub","name":..,"channel":..,"hex":..}
//   {"event":"session","name":..,"key":..,"value":..}
//   {"event":"msgpack","name":"numbers","hex":..}   (@msgpack/msgpack's encoding of a few numbers)
//   {"event":"done"}
//
//   node streams-vectors.mjs --redis redis://127.0.0.1:6379 --prefix <unique prefix>

import { parseArgs } from "node:util";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { createClient } from "redis";
import { encode } from "@msgpack/msgpack";

const { values } = parseArgs({
  options: {
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
    prefix: { type: "string" },
  },
  strict: true,
});
const P = values.prefix;

function out(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const client = createClient({ url: values.redis });
const sniffer = client.duplicate();
client.on("error", () => {});
sniffer.on("error", () => {});
await Promise.all([client.connect(), sniffer.connect()]);

const seen = [];
const onPayload = (payload, channel) =>
  seen.push({ channel: channel.toString(), hex: Buffer.from(payload).toString("hex") });
await sniffer.subscribe([`${P}#/#`, `${P}#/#sniffer#`], onPayload, true);

const io = new Server(createServer(), {
  adapter: createAdapter(client, { streamName: P, channelPrefix: P, sessionKeyPrefix: `${P}:s:` }),
  connectionStateRecovery: { maxDisconnectionDuration: 60_000 },
});
const adapter = io.of("/").adapter;
out({ event: "uid", uid: adapter.uid });
io.of("/").on("whoami", (arg, cb) => cb("node:" + arg));
await sleep(300); // the subscriptions of the adapter

let last = "-";
async function entries(name) {
  await sleep(100);
  const list = await client.xRange(P, last === "-" ? "-" : "(" + last, "+");
  for (const e of list) {
    out({ event: "entry", name, id: e.id, fields: e.message });
    last = e.id;
  }
}
async function pubsub(name) {
  await sleep(200);
  for (const p of seen.splice(0)) out({ event: "pubsub", name, channel: p.channel, hex: p.hex });
}

io.to("r1").except("x").emit("news", 1, "two", { k: 2.5, n: null, t: true });
await entries("broadcast");
io.emit("bin", "a", Buffer.from([1, 2, 3]), { nested: Buffer.from([255]) });
await entries("binaryBroadcast");
io.volatile.compress(false).to("r").emit("flags");
await entries("flags");
io.in("r").except("e").socketsJoin("j");
await entries("socketsJoin");
io.in("r").socketsLeave(["j", "k"]);
await entries("socketsLeave");
io.in("r").disconnectSockets(true);
await entries("disconnectSockets");
await pubsub("none"); // nothing so far went by pub/sub

io.serverSideEmit("hello", 1, "x");
await pubsub("serverSideEmit");
// the sniffer is a second subscriber, so requests that wait for answers are published too
io.serverSideEmit("ask", 2, () => {});
await pubsub("serverSideEmitWithAck");
io.timeout(300).fetchSockets().catch(() => {});
await pubsub("fetchSockets");
io.to("r").timeout(300).emit("question", 3, () => {});
await pubsub("broadcastWithAck");
await sleep(400);

// requests from "sniffer": the answers come on P#/#sniffer#
const request = (message) => client.publish(`${P}#/#`, Buffer.from(encode(message)));
await request({ type: 9, data: { requestId: "r9", packet: ["whoami", "q"] }, uid: "sniffer", nsp: "/" });
await pubsub("serverSideEmitRequest");
await request({ type: 7, data: { opts: { rooms: ["r"], except: [], flags: {} }, requestId: "r7" }, uid: "sniffer", nsp: "/" });
await pubsub("fetchSocketsRequest");
await request({ type: 3, data: { packet: { type: 2, data: ["q"] }, requestId: "r3", opts: { rooms: [], except: [], flags: {} } }, uid: "sniffer", nsp: "/" });
await pubsub("broadcastWithAckRequest");

adapter.persistSession({ sid: "sid1", pid: "pid1", rooms: ["sid1", "r"], data: { name: "n", n: 1, b: Buffer.from([9]) } });
await sleep(100);
out({ event: "session", name: "session", key: `${P}:s:pid1`, value: await client.get(`${P}:s:pid1`) });

const numbers = [0, -1, 127, 128, -33, 65536, 2 ** 32, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1.5, 1e300, "é"];
out({ event: "msgpack", name: "numbers", hex: Buffer.from(encode(numbers)).toString("hex") });

out({ event: "done" });
io.close();
await sleep(100);
await Promise.allSettled([sniffer.quit(), client.del(P), client.del(`${P}:s:pid1`)]);
process.exit(0);

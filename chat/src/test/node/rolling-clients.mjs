// Chat users for the rolling-restart test: each one an official socket.io-client (WebSocket only, reconnection on
// with the client's default delays, as the page uses it) that joins a room and keeps sending messages with a
// clientId, keeping each one in an outbox until it is acknowledged and sending the outbox again after a reconnection
// (the page's rule). Started from interop/ (its node_modules hold the pinned client).
//
//   node rolling-clients.mjs --url http://127.0.0.1:PORT --room R --every 200 --users '[{"name":"u1","token":".."}]'
//
// Events written (JSON lines): {"event":"connect","user":..,"t":ms,"recovered":bool}
//   {"event":"joined","user":..} (the first join)  {"event":"disconnect","user":..,"t":ms,"reason":..}  {"event":"connect_error","user":..,"t":ms,"message":..}
//   {"event":"summary","user":..,"acked":[{"clientId":..,"id":n,"t":ms}],"received":[n,..],"pending":n,"connected":bool}
// Commands on stdin: {"op":"go"} starts sending (once every user has joined: "joined"); {"op":"stop"} stops sending, waits up to 15 s for the outboxes to empty, then writes one summary
// per user and {"event":"stopped"}.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const require = createRequire(process.cwd() + "/package.json");
const { io } = require("socket.io-client");

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    room: { type: "string" },
    every: { type: "string", default: "200" },
    users: { type: "string" },
  },
  strict: true,
});

const out = (e) => process.stdout.write(JSON.stringify(e) + "\n");
const every = Number(values.every);
const users = JSON.parse(values.users);
let sending = false;

// one user after another: the next connects once the previous has joined (the first joins create the room)
const clients = [];
const startNext = () => {
  if (clients.length < users.length) clients.push(startClient(users[clients.length], startNext));
};
function startClient({ name, token }, joinedFirst) {
  const c = { name, outbox: new Map(), acked: [], received: new Set(), n: 0, inFlight: new Set() };
  const socket = io(values.url, {
    transports: ["websocket"],
    forceNew: true,
    auth: (cb) => cb({ token }),
  });
  c.socket = socket;

  const send = (clientId) => {
    if (!socket.connected || c.inFlight.has(clientId)) return;
    c.inFlight.add(clientId);
    const payload = c.outbox.get(clientId);
    socket.timeout(5000).emit("room:message", payload, (err, res) => {
      c.inFlight.delete(clientId);
      if (err) return; // no answer (the connection went away): sent again after the reconnection
      if (res && res.ok && res.message) {
        if (c.outbox.delete(clientId)) c.acked.push({ clientId, id: res.message.id, t: Date.now() });
      } else {
        out({ event: "refused", user: name, clientId, answer: res });
        c.outbox.delete(clientId);
      }
    });
  };
  c.flush = () => { for (const id of c.outbox.keys()) send(id); };

  socket.on("connect", () => {
    out({ event: "connect", user: name, t: Date.now(), recovered: socket.recovered });
    if (socket.recovered) {
      c.flush();
    } else {
      join();
    }
  });
  const join = () => {
    socket.timeout(10000).emit("room:join", values.room, (err, res) => {
        if (err || !res || !res.ok) {
          // e.g. the first joins of a new room at once on PostgreSQL: asked again, as a user would
          out({ event: "joinFailed", user: name, error: err ? err.message : res });
          if (socket.connected) setTimeout(join, 200);
          return;
        }
        for (const m of res.messages || []) c.received.add(m.id);
        if (!c.joined) {
          out({ event: "joined", user: name });
          joinedFirst();
        }
        c.joined = true;
        c.flush();
      });
  };
  socket.on("disconnect", (reason) => {
    c.inFlight.clear();
    out({ event: "disconnect", user: name, t: Date.now(), reason });
  });
  socket.on("connect_error", (err) => out({ event: "connect_error", user: name, t: Date.now(), message: err.message }));
  socket.on("chat:message", (m) => { if (m && m.room === values.room) c.received.add(m.id); });

  c.timer = setInterval(() => {
    if (!sending || !c.joined) return;
    const clientId = `${name}-${++c.n}`;
    c.outbox.set(clientId, { room: values.room, text: `${name} #${c.n}`, clientId });
    send(clientId);
  }, every);
  c.retry = setInterval(() => { if (socket.connected) c.flush(); }, 1000);
  return c;
}
startNext();

async function stop() {
  sending = false;
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline && clients.some((c) => c.outbox.size > 0)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 1000)); // the last broadcasts arrive
  for (const c of clients) {
    clearInterval(c.timer);
    clearInterval(c.retry);
    out({ event: "summary", user: c.name, acked: c.acked, received: [...c.received], pending: c.outbox.size,
      connected: c.socket.connected });
  }
  out({ event: "stopped" });
}

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const cmd = JSON.parse(line);
  if (cmd.op === "go") sending = true;
  if (cmd.op === "stop") stop();
});
rl.on("close", () => process.exit(0));
out({ event: "ready" });

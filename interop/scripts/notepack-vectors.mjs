// Prints notepack.io 3.0.1 encodings of test values as JSON lines, for the Java byte-compatibility test:
// {"event":"vector","name":..,"json":<the value as JSON, binary as {"$bin":"<base64>"}>,"hex":<notepack bytes>}
// With --decode <hex>, prints {"event":"decoded","json":..} for bytes the Java side wrote.

import { parseArgs } from "node:util";
import notepack from "notepack.io";

const { values } = parseArgs({ options: { decode: { type: "string" } }, strict: true });

function toJson(v) {
  if (Buffer.isBuffer(v)) return { $bin: v.toString("base64") };
  if (v instanceof Date) return { $date: v.toISOString() };
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = toJson(x);
    return o;
  }
  return v;
}

if (values.decode !== undefined) {
  const decoded = notepack.decode(Buffer.from(values.decode, "hex"));
  process.stdout.write(JSON.stringify({ event: "decoded", json: toJson(decoded) }) + "\n");
  process.exit(0);
}

const long = (n) => "x".repeat(n);
const vectors = {
  nil: null,
  bools: [true, false],
  smallInts: [0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 9007199254740991],
  negInts: [-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, -9007199254740991],
  floats: [0.5, -1.25, 3.141592653589793, 1.5e-300, -2.5e-10],
  wholeFloats: [2.0, -4.0, 1e15],
  strings: ["", "a", long(31), long(32), long(255), long(256), long(65535), long(65536), "héllo ✓ 😀"],
  binaries: [Buffer.alloc(0), Buffer.from([1, 2, 3]), Buffer.alloc(255, 7), Buffer.alloc(256, 8), Buffer.alloc(70000, 9)],
  arrays: [[], Array.from({ length: 15 }, (_, i) => i), Array.from({ length: 16 }, (_, i) => i),
    Array.from({ length: 70000 }, () => 1)],
  maps: [{}, Object.fromEntries(Array.from({ length: 15 }, (_, i) => ["k" + i, i])),
    Object.fromEntries(Array.from({ length: 16 }, (_, i) => ["k" + i, i]))],
  broadcast: ["emitter", { type: 2, data: ["event", { a: 1, b: [true, null, "x"] }, Buffer.from([0xde, 0xad])], nsp: "/" },
    { rooms: ["r1"], flags: {}, except: ["x"] }],
};

for (const [name, value] of Object.entries(vectors)) {
  const hex = notepack.encode(value).toString("hex");
  process.stdout.write(JSON.stringify({ event: "vector", name, json: toJson(value), hex }) + "\n");
}

// Speed of the edge worker (numbers for edge/README.md; nothing here asserts a timing).
//   node edge/bench.mjs [--runtime workerd|deno|all] [--seconds 10] [--concurrency 200] [--cold-runs 10]
// Run edge/build.sh first (edge/test.sh and serve.sh do). Measures:
//   1. cold start: from spawning the runtime to the first correct POST /v1/evaluate response, and the
//      same for a hello-world worker on the same runtime (the runtime's own start-up, which a hosted
//      platform pays once per machine, not per isolate); the difference is this worker's own start;
//   2. /v1/evaluate latency (median, p99) of a typical month under `concurrency` requests in flight,
//      and requests per second, with the runtime pinned to one core (taskset -c 0) and this client
//      on the other. The client writes HTTP/1.1 on raw keep-alive sockets (node:http costs more CPU
//      per request than the worker does, and would measure itself) and checks every response byte;
//   3. CPU time: the runtime process's CPU seconds per request (HTTP included) under that load, and
//      the engine alone (evaluateJson in a loop, in this Node process, same V8 engine family).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { EDGE, ROOT, command, freePort, startRuntime } from "./lib/runtimes.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const SECONDS = Number(args.seconds ?? 10);
const CONCURRENCY = Number(args.concurrency ?? 200);
const COLD_RUNS = Number(args["cold-runs"] ?? 10);
const RUNTIMES = (args.runtime ?? "workerd") === "all" ? ["workerd", "deno"] : [args.runtime ?? "workerd"];

// Pin this client to core 1 and the runtime to core 0 (when there are two cores and taskset).
const hasTaskset = spawnSync("taskset", ["-V"]).status === 0;
const CORES = Number(process.env.CCM_BENCH_CORES ?? os.availableParallelism());
const pin = process.env.CCM_BENCH_PINNED === "1" || (hasTaskset && CORES >= 2 && process.env.CCM_BENCH_PIN !== "0");
if (pin && process.env.CCM_BENCH_PINNED !== "1") {
  const r = spawnSync("taskset", ["-c", "1", process.execPath, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, CCM_BENCH_PINNED: "1", CCM_BENCH_CORES: String(CORES) },
  });
  process.exit(r.status ?? 1);
}
const WRAP = pin ? ["taskset", "-c", "0"] : [];

// ---- the typical month and its expected answer (the same wasm, in this process) ---------------------
const engine = await import(pathToFileURL(join(EDGE, "build/engine/web/ccm_engine.js")).href);
engine.initSync({ module: new WebAssembly.Module(readFileSync(join(EDGE, "build/engine/web/ccm_engine_bg.wasm"))) });

const examples = readFileSync(process.env.CCM_EXAMPLES ?? resolve(ROOT, "../shared/scenarios/examples.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
// Typical: a billable month; among those, the one with the most time entries.
const typical =
  examples
    .filter((c) => {
      const r = JSON.parse(engine.evaluateJson(JSON.stringify(c.input)));
      return r.ok && r.evaluation.status === "billable";
    })
    .sort((a, b) => (b.input.timeEntries?.length ?? 0) - (a.input.timeEntries?.length ?? 0))[0] ?? examples[0];
const BODY = JSON.stringify(typical.input);
const EXPECTED = engine.evaluateJson(BODY);

// ---- helpers ----------------------------------------------------------------------------------------
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (xs) => quantile([...xs].sort((a, b) => a - b), 0.5);
const ms = (x) => x.toFixed(x < 10 ? 2 : 1);
const CLK_TCK = 100; // Linux USER_HZ

function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime + stime
  } catch {
    return NaN;
  }
}

function postOnce(agent, port, path = "/v1/evaluate", body = BODY) {
  return new Promise((res, rej) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: "POST", path, agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (r) => {
        let text = "";
        r.setEncoding("utf8");
        r.on("data", (d) => (text += d));
        r.on("end", () => res({ status: r.statusCode, text }));
      },
    );
    req.on("error", rej);
    req.end(body);
  });
}

// ---- 1. cold start ------------------------------------------------------------------------------------
// The baseline: a worker that reads the body and answers {"ok":true} at once, on the same runtime
// with the same flags.
const helloDir = mkdtempSync(join(os.tmpdir(), "ccm-edge-bench-"));
process.on("exit", () => rmSync(helloDir, { recursive: true, force: true }));
const HELLO_ANSWER = '{"ok":true}';
writeFileSync(
  join(helloDir, "hello.mjs"),
  `export default { async fetch(request) { await request.text(); return new Response('${HELLO_ANSWER}', { headers: { "content-type": "application/json" } }); } };\n`,
);
writeFileSync(join(helloDir, "deno.json"), '{ "lock": false, "nodeModulesDir": "none" }\n');
writeFileSync(
  join(helloDir, "hello.capnp"),
  `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "hello", worker = (modules = [ (name = "hello.mjs", esModule = embed "hello.mjs") ], compatibilityDate = "2025-09-01")) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "hello") ],
);
`,
);
const HELLO = { entry: join(helloDir, "hello.mjs"), config: join(helloDir, "deno.json") };
const helloWhere = (runtime) => (runtime === "deno" ? HELLO : { config: join(helloDir, "hello.capnp") });

async function coldStart(runtime, hello = false) {
  const port = await freePort();
  const cmd = command(runtime, port, hello ? helloWhere(runtime) : {});
  const argv = [...WRAP, cmd.file, ...cmd.args];
  const agent = new http.Agent({ keepAlive: false });
  const t0 = performance.now();
  const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, env: { ...process.env, ...cmd.env }, stdio: "ignore" });
  let exited = false;
  child.on("exit", () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`${runtime} exited during start-up`);
      try {
        const r = await postOnce(agent, port);
        if (r.status === 200 && r.text === (hello ? HELLO_ANSWER : EXPECTED)) return performance.now() - t0;
        throw new Error(`${runtime}: wrong first response (${r.status})`);
      } catch (err) {
        if (err.code !== "ECONNREFUSED" && err.code !== "ECONNRESET") throw err;
      }
      if (performance.now() - t0 > 30000) throw new Error(`${runtime}: no answer within 30 s`);
      await sleep(0.5);
    }
  } finally {
    process.kill(child.pid, "SIGKILL");
    if (!exited) await new Promise((r) => child.on("exit", r));
  }
}

// ---- 2. load ---------------------------------------------------------------------------------------
const REQUEST = Buffer.from(
  `POST /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`,
);
const EXPECTED_BYTES = Buffer.from(EXPECTED);
const HELLO_BYTES = Buffer.from(HELLO_ANSWER);
const HEADER_END = Buffer.from("\r\n\r\n");

/** One keep-alive HTTP/1.1 connection: request() sends REQUEST and resolves true when the response is exactly right. */
class Conn {
  constructor(port, expected) {
    this.port = port;
    this.expected = expected;
    this.buf = Buffer.alloc(0);
    this.pending = null;
  }
  open() {
    return new Promise((res, rej) => {
      this.sock = net.connect({ host: "127.0.0.1", port: this.port }, res);
      this.sock.setNoDelay(true);
      this.sock.once("error", rej);
      this.sock.on("error", (err) => this.fail(err));
      this.sock.on("close", () => this.fail(new Error("connection closed")));
      this.sock.on("data", (d) => this.data(d));
    });
  }
  fail(err) {
    const p = this.pending;
    this.pending = null;
    if (p) p.rej(err);
  }
  data(chunk) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = this.buf.indexOf(HEADER_END);
    if (end < 0 || !this.pending) return;
    const head = this.buf.toString("latin1", 0, end);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m) return this.fail(new Error("no Content-Length in the response"));
    const total = end + 4 + Number(m[1]);
    if (this.buf.length < total) return;
    const ok = head.startsWith("HTTP/1.1 200") && this.buf.subarray(end + 4, total).equals(this.expected);
    this.buf = this.buf.subarray(total);
    const p = this.pending;
    this.pending = null;
    p.res(ok);
  }
  request() {
    return new Promise((res, rej) => {
      this.pending = { res, rej };
      this.sock.write(REQUEST);
    });
  }
  close() {
    this.sock.destroy();
  }
}

async function load(runtime, hello = false) {
  const srv = await startRuntime(runtime, { wrap: WRAP, ...(hello ? helloWhere(runtime) : {}) });
  const conns = [];
  try {
    for (let i = 0; i < CONCURRENCY; i++) {
      const c = new Conn(srv.port, hello ? HELLO_BYTES : EXPECTED_BYTES);
      await c.open();
      conns.push(c);
    }
    // Warm-up: JIT on both sides.
    const warmEnd = performance.now() + 2000;
    await Promise.all(conns.map(async (c) => { while (performance.now() < warmEnd) await c.request(); }));
    const latencies = [];
    let wrong = 0;
    const cpu0 = cpuSeconds(srv.pid);
    const t0 = performance.now();
    const end = t0 + SECONDS * 1000;
    const perConn = conns.map(() => 0);
    await Promise.all(
      conns.map(async (c, i) => {
        while (performance.now() < end) {
          const s = performance.now();
          const ok = await c.request();
          latencies.push(performance.now() - s);
          perConn[i]++;
          if (!ok) wrong++;
        }
      }),
    );
    perConn.sort((a, b) => a - b);
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(srv.pid) - cpu0;
    latencies.sort((a, b) => a - b);
    return {
      requests: latencies.length,
      wrong,
      rps: latencies.length / elapsed,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: latencies[latencies.length - 1],
      serverCpuShare: cpu / elapsed,
      cpuPerRequestMs: (cpu / latencies.length) * 1000,
      // Fairness: requests completed by the least and the most served connection.
      perConnection: { min: perConn[0], max: perConn[perConn.length - 1] },
    };
  } finally {
    for (const c of conns) c.close();
    await srv.stop();
  }
}

// ---- 2b. one full batch ----------------------------------------------------------------------------
const BATCH_N = 500;
const BATCH_BODY = "[" + Array(BATCH_N).fill(BODY).join(",") + "]";
const BATCH_EXPECTED = "[" + Array(BATCH_N).fill(EXPECTED).join(",") + "]";
async function batch(runtime, runs = 10) {
  const srv = await startRuntime(runtime, { wrap: WRAP });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 3; i++) await postOnce(agent, srv.port, "/v1/evaluate-batch", BATCH_BODY);
    const times = [];
    let wrong = 0;
    const cpu0 = cpuSeconds(srv.pid);
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = await postOnce(agent, srv.port, "/v1/evaluate-batch", BATCH_BODY);
      times.push(performance.now() - t);
      if (r.status !== 200 || r.text !== BATCH_EXPECTED) wrong++;
    }
    return { months: BATCH_N, bytes: Buffer.byteLength(BATCH_BODY), medianMs: median(times), cpuMsPerBatch: ((cpuSeconds(srv.pid) - cpu0) / runs) * 1000, wrong };
  } finally {
    agent.destroy();
    await srv.stop();
  }
}

// ---- 3. the engine alone ----------------------------------------------------------------------------
function engineAlone() {
  for (let i = 0; i < 2000; i++) engine.evaluateJson(BODY);
  const n = 20000;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) engine.evaluateJson(BODY);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { perEvalMs: wall / n, cpuPerEvalMs: (c.user + c.system) / 1000 / n };
}

// ---- run -------------------------------------------------------------------------------------------
const cpuModel = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`ccm-engine edge bench: engine ${engine.version()}, ${CORES} cores (${cpuModel}), Node ${process.version}`);
console.log(`typical month: "${typical.name ?? "example"}" (${typical.input.timeEntries?.length ?? 0} time entries, ${Buffer.byteLength(BODY)} bytes)`);
console.log(pin ? "runtime pinned to core 0 (taskset), client on core 1" : "not pinned (no taskset or one core)");
const alone = engineAlone();
console.log(`engine alone (Node, wasm evaluateJson): ${(alone.perEvalMs * 1000).toFixed(1)} µs per evaluation, ${(alone.cpuPerEvalMs * 1000).toFixed(1)} µs CPU`);

const results = { engine: engine.version(), cpu: cpuModel, bodyBytes: Buffer.byteLength(BODY), engineAlone: alone, runtimes: {} };
for (const runtime of RUNTIMES) {
  const bin = command(runtime, 0).file;
  const ver = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0];
  const colds = [];
  const hellos = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    colds.push(await coldStart(runtime));
    hellos.push(await coldStart(runtime, true));
  }
  colds.sort((a, b) => a - b);
  hellos.sort((a, b) => a - b);
  console.log(`\n${runtime} (${ver})`);
  console.log(`  cold start to first correct response: median ${ms(median(colds))} ms (min ${ms(colds[0])}, max ${ms(colds[colds.length - 1])}, ${COLD_RUNS} runs)`);
  console.log(`  same runtime, hello-world worker: median ${ms(median(hellos))} ms (min ${ms(hellos[0])}); this worker's own start: ~${ms(median(colds) - median(hellos))} ms`);
  const l = await load(runtime);
  console.log(`  /v1/evaluate, ${CONCURRENCY} in flight for ${SECONDS} s: ${l.requests} requests, ${l.wrong} wrong`);
  console.log(`  latency median ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms (requests per connection: ${l.perConnection.min} to ${l.perConnection.max})`);
  console.log(`  ${Math.round(l.rps)} requests/s; runtime used ${(l.serverCpuShare * 100).toFixed(0)}% of its core, ${(l.cpuPerRequestMs * 1000).toFixed(0)} µs CPU per request (HTTP included)`);
  const h = await load(runtime, true);
  console.log(`  same load on the hello-world worker: ${Math.round(h.rps)} requests/s, latency median ${ms(h.p50)} ms, p99 ${ms(h.p99)} ms, ${(h.cpuPerRequestMs * 1000).toFixed(0)} µs CPU per request`);
  console.log(`  so the worker's own CPU per evaluation (parse, engine, response) is ~${((l.cpuPerRequestMs - h.cpuPerRequestMs) * 1000).toFixed(0)} µs`);
  const b = await batch(runtime);
  console.log(`  /v1/evaluate-batch with ${b.months} such months (${(b.bytes / 1024 / 1024).toFixed(2)} MiB), one at a time: median ${ms(b.medianMs)} ms, ${ms(b.cpuMsPerBatch)} ms CPU per batch, ${b.wrong} wrong`);
  results.runtimes[runtime] = {
    version: ver,
    coldStartMs: { median: median(colds), min: colds[0], max: colds[colds.length - 1] },
    helloColdStartMs: { median: median(hellos), min: hellos[0], max: hellos[hellos.length - 1] },
    load: l,
    helloLoad: h,
    batch: b,
  };
  if (l.wrong > 0 || h.wrong > 0 || b.wrong > 0) process.exitCode = 1;
}
console.log("\n" + JSON.stringify(results));

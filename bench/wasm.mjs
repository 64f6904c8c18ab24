// Node harness for the wasm build (issue 3), run by scripts/bench.sh:
//   node bench/wasm.mjs DATA_DIR [--browser] [--cold-only]   → one JSON object on stdout
// (--cold-only: only the cold-start measurements, for trying a lever without the warm runs)
// DATA_DIR holds typical.json, heavy.json, worst.json (written by `CCM_BENCH_DUMP=DIR cargo bench`).
//
// Warm throughput (pkg/nodejs), per month, median of 7 rounds after calibration:
//   evaluateJson(text)       text in, text out (the edge workers' path)
//   evaluate(object)         object in, object out (JSON.stringify + engine + JSON.parse inside)
//   evaluateBatch(objects)   per month, in batches (100 typical, 10 heavy, 2 worst)
//   floor                    JSON.parse(text) + JSON.stringify(object) of the same input: what any
//                            engine written in JS must at least spend to read the month and write
//                            a JSON answer of the same size
// Cold start: fresh processes (Node) and fresh browser contexts (Chromium, pkg/web), each timing
// module load (read/fetch + compile + instantiate) and then the first evaluateJson.
import { spawnSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [dataDir = join(ROOT, "target/bench"), ...flags] = process.argv.slice(2);
const withBrowser = flags.includes("--browser");
const coldOnly = flags.includes("--cold-only");
const pkgNode = join(ROOT, "pkg/nodejs/ccm_engine.js");
if (!existsSync(pkgNode)) {
  console.error("bench/wasm.mjs: pkg/nodejs missing; run scripts/build-wasm.sh");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const engine = require(pkgNode);

const months = Object.fromEntries(["typical", "programs", "heavy", "worst"].map((k) => [k, readFileSync(join(dataDir, `${k}.json`), "utf8")]));
const BATCH = { typical: 100, programs: 100, heavy: 10, worst: 2 };

/** Median milliseconds per call of `fn` (which does `per` months per call). */
function measure(fn, per = 1, rounds = 7) {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - t0 > 40 || n > 1 << 20) break;
    n *= 2;
  }
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    times.push((performance.now() - t0) / n / per);
  }
  times.sort((a, b) => a - b);
  return times[rounds >> 1];
}

// Warm-up: V8 compiles wasm with a baseline compiler first and optimizes hot functions later;
// run every door on every month for a while so all measurements see optimized code.
for (const text of coldOnly ? [] : Object.values(months)) {
  const obj = JSON.parse(text);
  const until = performance.now() + 400;
  while (performance.now() < until) {
    engine.evaluateJson(text);
    engine.evaluate(obj);
    engine.evaluateBatch([obj]);
  }
}

const warm = {};
for (const [name, text] of coldOnly ? [] : Object.entries(months)) {
  const obj = JSON.parse(text);
  const check = JSON.parse(engine.evaluateJson(text));
  if (!check.ok) throw new Error(`${name}: ${JSON.stringify(check.error)}`);
  const batch = Array.from({ length: BATCH[name] }, () => obj);
  const r = {
    inputBytes: text.length,
    outputBytes: engine.evaluateJson(text).length,
    evaluateJson: measure(() => engine.evaluateJson(text)),
    evaluate: measure(() => engine.evaluate(obj)),
    evaluateBatch: measure(() => engine.evaluateBatch(batch), batch.length),
    batchSize: batch.length,
    floor: measure(() => JSON.stringify(JSON.parse(text))),
  };
  r.evaluateJsonOverFloor = r.evaluateJson / r.floor;
  warm[name] = r;
}

// ---- cold start, Node: a fresh process per sample ------------------------------------------------
const coldScript = `
const { performance } = require("node:perf_hooks");
const text = require("node:fs").readFileSync(process.argv[2], "utf8");
const t0 = performance.now();
const engine = require(process.argv[1]);
const t1 = performance.now();
const out = engine.evaluateJson(text);
const t2 = performance.now();
if (!out.startsWith('{"ok":true')) throw new Error(out.slice(0, 200));
console.log(JSON.stringify({ load: t1 - t0, first: t2 - t1 }));
`;
const SAMPLES = 15;
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[s.length >> 1], p90: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))], min: s[0], samples: s.length };
};
const nodeCold = [];
for (let i = 0; i < SAMPLES; i++) {
  const r = spawnSync(process.execPath, ["-e", coldScript, pkgNode, join(dataDir, "typical.json")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  nodeCold.push(JSON.parse(r.stdout));
}
const cold = {
  node: {
    load: stats(nodeCold.map((x) => x.load)),
    first: stats(nodeCold.map((x) => x.first)),
    total: stats(nodeCold.map((x) => x.load + x.first)),
  },
};

// ---- where the cold start goes (Node): the same steps with V8 compiling the whole module
// eagerly with its baseline compiler (Liftoff) at load, so compilation and the engine's own
// one-time work show separately. *invalid*: a month the validator refuses (the reader, the
// validator and the error writer run; no rule pack is needed); *first*: the typical month (its
// rule pack parsed on first use, every stage run); *second*: the same again.
const breakdownScript = `
const { performance } = require("node:perf_hooks");
const fs = require("node:fs");
const text = fs.readFileSync(process.argv[2], "utf8");
const r = {};
let t = performance.now();
const lap = (k) => { const n = performance.now(); r[k] = n - t; t = n; };
const engine = require(process.argv[1]); lap("load");
engine.evaluateJson('{"serviceMonth":"2026-03"}'); lap("invalid");
engine.evaluateJson(text); lap("first");
engine.evaluateJson(text); lap("second");
console.log(JSON.stringify(r));
`;
const breakdown = {};
for (const [mode, flags] of [["lazy (V8 default)", []], ["eager Liftoff", ["--no-wasm-lazy-compilation", "--liftoff-only"]]]) {
  const xs = [];
  for (let i = 0; i < 9; i++) {
    const r = spawnSync(process.execPath, [...flags, "-e", breakdownScript, pkgNode, join(dataDir, "typical.json")], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    xs.push(JSON.parse(r.stdout));
  }
  breakdown[mode] = Object.fromEntries(Object.keys(xs[0]).map((k) => [k, stats(xs.map((x) => x[k])).median]));
}
cold.breakdown = breakdown;

// ---- cold start, browser: a fresh context (empty cache) per sample -------------------------------
// Files come from a server in this process on 127.0.0.1 (closed at the end). Two modes per sample
// set: "fetch" times import + fetch + compile + instantiate; "bytes" fetches the module first and
// times import + compile + instantiate from the bytes. Both then time the first evaluateJson.
if (withBrowser) {
  const { chromium } = await import("playwright-core");
  const http = await import("node:http");
  const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
  const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"];
  const page = (mode) => `<!doctype html><meta charset=utf-8><title>cold start</title><script type=module>
      const text = await (await fetch("/typical.json")).text();
      const bytes = ${mode === "bytes" ? 'await (await fetch("/pkg/ccm_engine_bg.wasm")).arrayBuffer()' : "null"};
      const t0 = performance.now();
      const m = await import("/pkg/ccm_engine.js");
      await m.default({ module_or_path: bytes ?? "/pkg/ccm_engine_bg.wasm" });
      const t1 = performance.now();
      const out = m.evaluateJson(text);
      const t2 = performance.now();
      window.__cold = { load: t1 - t0, first: t2 - t1, ok: out.startsWith('{"ok":true') };
    </script>`;
  const files = {
    "/pkg/ccm_engine.js": [readFileSync(join(ROOT, "pkg/web/ccm_engine.js")), "text/javascript"],
    "/pkg/ccm_engine_bg.wasm": [readFileSync(join(ROOT, "pkg/web/ccm_engine_bg.wasm")), "application/wasm"],
    "/typical.json": [Buffer.from(months.typical), "application/json"],
    "/fetch": [Buffer.from(page("fetch")), "text/html"],
    "/bytes": [Buffer.from(page("bytes")), "text/html"],
  };
  const server = http.createServer((req, res) => {
    const f = files[new URL(req.url, "http://x").pathname];
    if (!f) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": f[1], "cache-control": "no-store" }).end(f[0]);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const version = browser.version();
  const samples = { fetch: [], bytes: [] };
  try {
    for (let i = 0; i < SAMPLES; i++) {
      for (const mode of ["fetch", "bytes"]) {
        const context = await browser.newContext();
        const p = await context.newPage();
        await p.goto(`${origin}/${mode}`);
        await p.waitForFunction(() => window.__cold, null, { timeout: 20_000 });
        const r = await p.evaluate(() => window.__cold);
        if (!r.ok) throw new Error("browser: first evaluation failed");
        samples[mode].push(r);
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  for (const mode of ["fetch", "bytes"]) {
    const s = samples[mode];
    cold[`browser-${mode}`] = {
      chromium: version,
      load: stats(s.map((x) => x.load)),
      first: stats(s.map((x) => x.first)),
      total: stats(s.map((x) => x.load + x.first)),
    };
  }
}

const wasmBytes = readFileSync(join(ROOT, "pkg/nodejs/ccm_engine_bg.wasm")).length;
console.log(JSON.stringify({ node: process.version, wasmBytes, warm, cold }, null, 1));

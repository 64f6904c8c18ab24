// Writes the measured numbers of scripts/bench.sh into docs/performance.md (between the
// `<!-- bench:begin -->` and `<!-- bench:end -->` markers) and draws the scaling curve as
// docs/performance-scaling.svg.   node bench/report.mjs OUT_DIR DOC
import { readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { join, dirname, basename } from "node:path";

const [outDir = "target/bench", doc = "docs/performance.md"] = process.argv.slice(2);
const env = Object.fromEntries(readFileSync(join(outDir, "env.txt"), "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
const wasm = JSON.parse(readFileSync(join(outDir, "wasm.json"), "utf8"));
const crit = (group, id) => {
  const f = join("target/criterion", group, String(id), "new/estimates.json");
  if (!existsSync(f)) return null;
  const e = JSON.parse(readFileSync(f, "utf8"));
  return { mean: e.mean.point_estimate, lo: e.mean.confidence_interval.lower_bound, hi: e.mean.confidence_interval.upper_bound, median: e.median.point_estimate };
};
const size = (name) => readFileSync(join(outDir, `${name}.json`), "utf8").length;
const entries = { typical: 10, programs: 10, heavy: 500, worst: 2000 };

const t = (ns) => (ns == null ? "–" : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(1)} µs`);
const ms = (x) => (x >= 1 ? `${x.toFixed(2)} ms` : `${(x * 1000).toFixed(1)} µs`);
const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
const row = (cells) => `| ${cells.join(" | ")} |`;
const lines = [];
const p = (s = "") => lines.push(s);

p(`Measured ${env.date} at commit \`${env.commit}\`${env.quick === "1" ? " (**--quick run**: shorter samples, 100k months)" : ""}.`);
p(`Machine: ${env.cpu}, ${env.cores} cores, ${env.mem}; ${env.rustc}; Node ${env.node}. Load average (1/5/15 min) ${env.load_before} before, ${env.load_after} after: the machine is shared, so treat small differences as noise.`);
p();

// ---- targets of issue 3 -------------------------------------------------------------------------
{
  const tgt = [];
  const sc = existsSync("target/criterion/scaling") ? readdirSync("target/criterion/scaling").filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b) : [];
  const sp = sc.map((n) => ({ n, ns: crit("scaling", n)?.mean })).filter((x) => x.ns);
  if (sp.length >= 2) {
    // f(N) = time ÷ (N·log₂N); its largest rise between any two sizes N1 < N2 (N1 ≥ 100).
    const f = (x) => x.ns / (x.n * Math.log2(x.n));
    let worst = { r: 0 };
    for (const x of sp.filter((q) => q.n >= 100)) for (const y of sp.filter((q) => q.n > x.n)) if (f(y) / f(x) > worst.r) worst = { r: f(y) / f(x), a: x.n, b: y.n };
    tgt.push(["cost grows no worse than O(n log n) in time entries", `time ÷ (N·log₂N) rises at most ${worst.r.toFixed(2)}× between two sizes (N=${worst.a} → ${worst.b}); over N=${sp[0].n} → ${sp.at(-1).n} it falls to ${(f(sp.at(-1)) / f(sp[0])).toFixed(2)}×`, worst.r <= 1.5 ? "met" : "**not met**"]);
  }
  const ty = wasm.warm.typical;
  tgt.push(["`evaluateJson` within 3× of `JSON.parse` + `JSON.stringify` (typical month)", `${ty.evaluateJsonOverFloor.toFixed(1)}× (${ms(ty.evaluateJson)} vs ${ms(ty.floor)})`, ty.evaluateJsonOverFloor <= 3 ? "met" : "**not met**"]);
  for (const [k, c] of Object.entries(wasm.cold)) {
    if (k === "breakdown" || k === "browser-bytes") continue;
    const where = k === "node" ? "Node" : "browser (Chromium)";
    tgt.push([`cold start in ${where}: instantiate + first evaluation under 5 ms`, `median ${ms(c.total.median)}, best ${ms(c.total.min)}`, c.total.median < 5 ? "met" : "**not met**"]);
  }
  if (existsSync(join(outDir, "first-verdict.json"))) {
    const fv = JSON.parse(readFileSync(join(outDir, "first-verdict.json"), "utf8")).bytesToFirstVerdict;
    tgt.push(["the page: module bytes → first verdict under 20 ms (issue 17)", `median ${ms(fv.median)}, best ${ms(fv.min)}`, fv.median <= 20 ? "met" : "**not met**"]);
  }
  const cl = readFileSync(join(outDir, "cli.txt"), "utf8").trim().split("\n").filter(Boolean).map((l) => Object.fromEntries(l.split(" ").map((kv) => kv.split("="))));
  if (cl.length >= 2) {
    const rss = cl.map((r) => Number(r.rss_kb));
    const grow = Math.max(...rss) / Math.min(...rss);
    tgt.push([`\`ccm evaluate --jsonl\`: constant memory as the input grows (${Number(cl[0].months).toLocaleString("en-US")} → ${Number(cl.at(-1).months).toLocaleString("en-US")} months)`, `peak RSS ${(Math.min(...rss) / 1024).toFixed(1)}–${(Math.max(...rss) / 1024).toFixed(1)} MiB`, grow < 1.5 ? "met" : "**not met**"]);
  }
  const m = /(\d+) bytes gzip -9 \(budget (\d+)/.exec(readFileSync(join(outDir, "size.txt"), "utf8"));
  if (m) tgt.push(["gzipped release wasm within the 150 KB budget", `${Number(m[1]).toLocaleString("en-US")} of ${Number(m[2]).toLocaleString("en-US")} bytes (${((100 * m[1]) / m[2]).toFixed(1)}%)`, Number(m[1]) <= Number(m[2]) ? "met" : "**not met**"]);
  p("### Against the targets (issue 3; the page's cold start: issue 17)");
  p();
  p(row(["target", "measured", ""]));
  p(row(["---", "---", "---"]));
  for (const x of tgt) p(row(x));
  p();
}

// ---- Rust --------------------------------------------------------------------------------------
p("### Rust (criterion, `benches/engine.rs`)");
p();
p("Mean time per month, with criterion's 95% interval for the JSON path. *json*: JSON text in, JSON text out (`api::evaluate_json`, what the CLI, `evaluateJson` and the edge worker run). *typed*: `&MonthInput` in, `Evaluation` out (`ccm_engine::evaluate`; parsing outside the timing). *parse*: JSON text to `MonthInput` only.");
p();
p(row(["month", "entries", "input", "json (text → text)", "typed", "parse", "json months/s"]));
p(row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]));
for (const k of ["typical", "programs", "heavy", "worst"]) {
  const j = crit("json", k), ty = crit("typed", k), pa = crit("parse", k);
  p(row([k, entries[k], kb(size(k)), j ? `${t(j.mean)} (${t(j.lo)}–${t(j.hi)})` : "–", t(ty?.mean), t(pa?.mean), j ? Math.round(1e9 / j.mean).toLocaleString("en-US") : "–"]));
}
p();

// ---- scaling -----------------------------------------------------------------------------------
const dirs = existsSync("target/criterion/scaling") ? readdirSync("target/criterion/scaling").filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b) : [];
const pts = dirs.map((n) => ({ n, ns: crit("scaling", n)?.mean })).filter((x) => x.ns);
if (pts.length >= 2) {
  p("### Cost against the number of time entries (`scaling/N`: json path, `benches/months.rs` `sized(N)`)");
  p();
  const base = pts[0];
  p(row(["entries N", "json time", "per entry", "json time ÷ (N·log₂N), relative to N=" + base.n, "typed time (rules alone)", "typed per entry"]));
  p(row(["---:", "---:", "---:", "---:", "---:", "---:"]));
  const nlogn = (n) => n * Math.log2(n);
  for (const x of pts) {
    const ty = crit("scaling_typed", x.n)?.mean;
    p(row([x.n, t(x.ns), t(x.ns / x.n), (x.ns / nlogn(x.n) / (base.ns / nlogn(base.n))).toFixed(2), t(ty), ty ? t(ty / x.n) : "–"]));
  }
  // Least-squares slope of log(time) on log(N) over N ≥ 100 (1 = linear, 2 = quadratic).
  const fit = pts.filter((x) => x.n >= 100);
  const xs = fit.map((x) => Math.log(x.n)), ys = fit.map((x) => Math.log(x.ns));
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  p();
  p(`Log-log slope of time against N for N ≥ 100: **${slope.toFixed(2)}** (1.00 is linear; n log n over this range fits a slope of about 1.1; quadratic would be 2). The last column staying flat or falling means the cost grows no faster than N·log N.`);
  p();
  p("![time against entries, log-log](performance-scaling.svg)");
  p();
  writeFileSync(join(dirname(doc), "performance-scaling.svg"), svg(pts));
}

// ---- wasm warm ---------------------------------------------------------------------------------
p(`### wasm in Node (\`bench/wasm.mjs\`, \`pkg/nodejs\`, ${wasm.node})`);
p();
p("Median time per month after warm-up. *floor*: `JSON.parse` + `JSON.stringify` of the same input, the least a JavaScript engine must spend to read the month and write an answer. Target: `evaluateJson` within 3× of the floor on typical months.");
p();
p(row(["month", "input", "output", "evaluateJson (text)", "evaluate (object)", "evaluateBatch (per month)", "floor", "evaluateJson ÷ floor"]));
p(row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]));
for (const [k, r] of Object.entries(wasm.warm)) {
  p(row([k, kb(r.inputBytes), kb(r.outputBytes), ms(r.evaluateJson), ms(r.evaluate), `${ms(r.evaluateBatch)} (×${r.batchSize})`, ms(r.floor), `**${r.evaluateJsonOverFloor.toFixed(1)}×**`]));
}
p();

// ---- cold start --------------------------------------------------------------------------------
p("### Cold start (typical month; target: under 5 ms)");
p();
p("Each sample is a fresh Node process or a fresh headless Chromium context (empty cache; files from a server on 127.0.0.1 in the harness). *load*: read or fetch the module, compile, instantiate. *first*: the first `evaluateJson`, which also pays for V8 compiling each wasm function on first use (lazy compilation) and for the engine's one-time setup.");
p();
p(row(["where", "load (median / p90)", "first evaluation (median / p90)", "total (median / p90 / best)", "samples"]));
p(row(["---", "---:", "---:", "---:", "---:"]));
for (const [k, c] of Object.entries(wasm.cold)) {
  if (k === "breakdown") continue;
  const name = k === "node" ? `Node ${wasm.node} (require: read + compile + instantiate)`
    : k === "browser-bytes" ? `Chromium ${c.chromium}, module bytes already fetched (compile + instantiate)`
    : `Chromium ${c.chromium} (import + fetch + compile + instantiate, 127.0.0.1)`;
  p(row([name, `${ms(c.load.median)} / ${ms(c.load.p90)}`, `${ms(c.first.median)} / ${ms(c.first.p90)}`, `**${ms(c.total.median)}** / ${ms(c.total.p90)} / ${ms(c.total.min)}`, c.total.samples]));
}
p();

if (wasm.cold.breakdown) {
  p("Where a Node cold start goes (median of 9 fresh processes each, milliseconds). *load*: `require` (read, compile, instantiate); *invalid*: a month the validator refuses (reader, validator, error writer; no rule pack); *first*, *second*: two `evaluateJson` calls on the typical month (the first parses its rule pack). With V8's default lazy compilation each wasm function is compiled on its first call, so compile time lands in *invalid* and *first*; compiling the whole module eagerly with the baseline compiler moves it all into *load*, leaving the engine's own one-time work.");
  p();
  const cols = Object.keys(Object.values(wasm.cold.breakdown)[0]);
  p(row(["V8 mode", ...cols]));
  p(row(["---", ...cols.map(() => "---:")]));
  for (const [mode, r] of Object.entries(wasm.cold.breakdown)) p(row([mode, ...cols.map((k) => ms(r[k]))]));
  p();
}

// ---- the page's cold start -----------------------------------------------------------------------
if (existsSync(join(outDir, "first-verdict.json"))) {
  const fv = JSON.parse(readFileSync(join(outDir, "first-verdict.json"), "utf8"));
  const f = (x) => `${x.median.toFixed(1)} / ${x.min.toFixed(1)} / ${x.max.toFixed(1)} ms`;
  p("### The page's cold start (`bench/first-verdict.mjs`; issue 17's target: 20 ms from module bytes to first verdict)");
  p();
  p(`A fresh Chromium context (empty cache) per sample opens the page. *Module bytes → first verdict*: from the end of the \`.wasm\` response to the page's first verdict (the blank month's: the engine's compile finished and instantiated, the packs list filled in, one evaluation; the form itself is drawn while the engine loads), from the page's own \`performance\` entries. *First real verdict*: the page left idle ${fv.idleMs} ms, then *Sample month*: the engine's time for that evaluation as the verdict panel records it (the page's idle warm-up has already paid V8's lazy compilation and the pack's parse).`);
  p();
  p(row(["what", "samples", "median / best / worst"]));
  p(row(["---", "---:", "---:"]));
  p(row(["module bytes → first verdict", fv.bytesToFirstVerdict.n, f(fv.bytesToFirstVerdict)]));
  p(row(["navigation → first verdict (files through the test harness's request interception)", fv.navigationToFirstVerdict.n, f(fv.navigationToFirstVerdict)]));
  p(row(["first real verdict, after idle", fv.firstRealVerdict.n, f(fv.firstRealVerdict)]));
  p(row(["second real verdict", fv.secondRealVerdict.n, f(fv.secondRealVerdict)]));
  p();
}

// ---- the page ----------------------------------------------------------------------------------
if (existsSync(join(outDir, "page.json"))) {
  const pg = JSON.parse(readFileSync(join(outDir, "page.json"), "utf8"));
  const f = (x) => `${x.median.toFixed(1)} / ${x.p95.toFixed(1)} / ${x.max.toFixed(1)} ms`;
  p(`### The page in Chromium (\`bench/page.mjs\`; targets of issue 4: search under 10 ms, evaluation that feels instant)`);
  p();
  p("ICD-10-CM search: the worker's own time per query (the `data-ms` of the result list), each query typed into the diagnosis box of the demo page; *first after load* is the first query of a fresh context, right after the 550 KB table is loaded and indexed. Evaluation: the engine's time for one re-evaluation of the sample month, as the verdict panel records it, over 40 edits of a time entry's end. Browsers round `performance.now()` to 0.1 ms.");
  p();
  p(row(["what", "samples", "median / p95 / max"]));
  p(row(["---", "---:", "---:"]));
  p(row(["search, first after load", pg.search.firstAfterLoad.n, f(pg.search.firstAfterLoad)]));
  p(row(["search, all queries", pg.search.all.n, f(pg.search.all)]));
  for (const [q, x] of Object.entries(pg.search.byQuery)) p(row([`search “${q}”`, x.n, f(x)]));
  p(row(["one evaluation of the month (keystroke)", pg.evaluation.n, f(pg.evaluation)]));
  p();
}

// ---- CLI ---------------------------------------------------------------------------------------
const cli = readFileSync(join(outDir, "cli.txt"), "utf8").trim().split("\n").filter(Boolean).map((l) => Object.fromEntries(l.split(" ").map((kv) => kv.split("="))));
const secs = (w) => w.split(":").reduce((a, b) => a * 60 + Number(b), 0);
p("### Batch: `ccm evaluate --jsonl` (release build, generated months, `/usr/bin/time -v`)");
p();
p("Months from the fuzz generator (`fuzz/src/gen.rs`, fixed seed): a mix of billable, blocked, below-threshold and invalid months (about a third each of billable and blocked, a fifth invalid), median 6 and mean 11 time entries, about 3.3 KB each. Output into a pipe (`wc` counts the results); the 10k and 100k files are the first lines of the same file.");
p();
p(row(["months", "input", "output", "wall", "months/s", "input MB/s", "peak RSS", "user + sys CPU"]));
p(row(["---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]));
for (const r of cli) {
  const w = secs(r.wall);
  p(row([Number(r.months).toLocaleString("en-US"), `${(r.in_bytes / 1e6).toFixed(0)} MB`, `${(r.out_bytes / 1e6).toFixed(0)} MB`, `${w.toFixed(1)} s`,
    Math.round(r.months / w).toLocaleString("en-US"), (r.in_bytes / 1e6 / w).toFixed(1), `**${(r.rss_kb / 1024).toFixed(1)} MiB**`, `${(Number(r.user_s) + Number(r.sys_s)).toFixed(1)} s`]));
}
p();

// ---- size --------------------------------------------------------------------------------------
const sizeTxt = readFileSync(join(outDir, "size.txt"), "utf8");
const first = sizeTxt.split("\n").find((l) => l.startsWith("size-budget:")) ?? "";
p("### Size (`scripts/size-budget.sh`, run by CI)");
p();
p("```");
p(sizeTxt.trim().split("\n").slice(0, 16).join("\n"));
p("```");

const block = `<!-- bench:begin (generated by scripts/bench.sh; do not edit by hand) -->\n${lines.join("\n")}\n<!-- bench:end -->`;
const text = existsSync(doc) ? readFileSync(doc, "utf8") : "# Performance\n\n<!-- bench:begin -->\n<!-- bench:end -->\n";
const re = /<!-- bench:begin[^>]*-->[\s\S]*?<!-- bench:end -->/;
if (!re.test(text)) throw new Error(`${doc}: no bench markers`);
writeFileSync(doc, text.replace(re, block));
console.log(`report: ${doc} (${lines.length} lines), ${basename(first)}`);

function svg(pts) {
  const W = 640, H = 400, L = 70, R = 20, T = 20, B = 50;
  const lx = (n) => Math.log10(n), ly = (ns) => Math.log10(ns);
  const x0 = lx(pts[0].n), x1 = lx(pts.at(-1).n);
  const ref = (f) => pts.map((q) => ({ n: q.n, ns: f(q.n) }));
  const last = pts.at(-1);
  const lin = ref((n) => (last.ns * n) / last.n);
  const nlog = ref((n) => (last.ns * n * Math.log2(n)) / (last.n * Math.log2(last.n)));
  const quad = ref((n) => (last.ns * n * n) / (last.n * last.n));
  const all = [...pts, ...lin, ...nlog].map((q) => ly(q.ns));
  const y0 = Math.floor(Math.min(...all)), y1 = Math.ceil(Math.max(...all));
  const X = (n) => L + ((lx(n) - x0) / (x1 - x0)) * (W - L - R);
  const Y = (ns) => T + (1 - (ly(ns) - y0) / (y1 - y0)) * (H - T - B);
  const path = (ps) => ps.filter((q) => ly(q.ns) >= y0).map((q, i) => `${i ? "L" : "M"}${X(q.n).toFixed(1)},${Y(q.ns).toFixed(1)}`).join(" ");
  const grid = [];
  for (let e = y0; e <= y1; e++) {
    const ns = 10 ** e;
    grid.push(`<line x1="${L}" x2="${W - R}" y1="${Y(ns)}" y2="${Y(ns)}" stroke="#ddd"/><text x="${L - 6}" y="${Y(ns) + 4}" text-anchor="end">${t(ns)}</text>`);
  }
  for (const q of pts) grid.push(`<text x="${X(q.n)}" y="${H - B + 18}" text-anchor="middle">${q.n}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
${grid.join("\n")}
<text x="${(W + L) / 2}" y="${H - 10}" text-anchor="middle">time entries (log scale)</text>
<text x="14" y="${(H - B) / 2}" transform="rotate(-90 14 ${(H - B) / 2})" text-anchor="middle">time per month (log scale)</text>
<path d="${path(quad)}" fill="none" stroke="#c33" stroke-dasharray="2 4"/>
<path d="${path(nlog)}" fill="none" stroke="#888" stroke-dasharray="6 4"/>
<path d="${path(lin)}" fill="none" stroke="#bbb" stroke-dasharray="2 2"/>
<path d="${path(pts)}" fill="none" stroke="#1f5fbf" stroke-width="2.5"/>
${pts.map((q) => `<circle cx="${X(q.n)}" cy="${Y(q.ns)}" r="3.5" fill="#1f5fbf"/>`).join("")}
<g transform="translate(${L + 12},${T + 12})"><rect width="230" height="70" fill="#fff" stroke="#ccc"/>
<line x1="8" x2="38" y1="14" y2="14" stroke="#1f5fbf" stroke-width="2.5"/><text x="44" y="18">measured (json, mean)</text>
<line x1="8" x2="38" y1="30" y2="30" stroke="#888" stroke-dasharray="6 4"/><text x="44" y="34">N·log N through the last point</text>
<line x1="8" x2="38" y1="46" y2="46" stroke="#bbb" stroke-dasharray="2 2"/><text x="44" y="50">N (linear) through the last point</text>
<line x1="8" x2="38" y1="62" y2="62" stroke="#c33" stroke-dasharray="2 4"/><text x="44" y="66">N² through the last point</text></g>
</svg>
`;
}

// The panel worklist's timings (issue 16), for docs/performance.md ("The panel worklist in
// Chromium"): for panels of generated months (tests/js/panel-data.mjs, fixed seeds), picked as a
// file on disk in fresh browser contexts, the time from the file's arrival to the first rows on
// screen and to every row checked, the main thread's longest task meanwhile, the rows in the DOM,
// and a search over every row; then `ccm panel` (release build) on the same files and larger ones.
//
//   node bench/panel.mjs            # prints a markdown table and the raw numbers (JSON)
//   CCM_PANEL_ROUNDS=5 node bench/panel.mjs
import { mkdirSync, writeFileSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { startSuite, ROOT } from "../tests/browser/harness.mjs";
import { makePanel, toJsonl } from "../tests/js/panel-data.mjs";

const ROUNDS = Number(process.env.CCM_PANEL_ROUNDS ?? 3);
const SIZES = [1000, 5000];
const CLI_SIZES = [5000, 50000];
const dir = join(ROOT, "target", "bench");
mkdirSync(dir, { recursive: true });

const files = {};
for (const n of [...new Set([...SIZES, ...CLI_SIZES])]) {
  files[n] = join(dir, `panel-${n}.jsonl`);
  writeFileSync(files[n], toJsonl(makePanel(n, n)));
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${Math.round(med(xs))} (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`;

const suite = await startSuite();
const page_ = {};
try {
  for (const n of SIZES) {
    const runs = [];
    for (let r = 0; r < ROUNDS; r++) {
      const ctx = await suite.newContext();
      const page = await ctx.context.newPage();
      await page.goto(`${suite.origin}/#panel`);
      const panel = page.locator("ccm-panel");
      await panel.getByRole("button", { name: "Open panel file…" }).waitFor();
      await page.evaluate(() => {
        window.__lt = [];
        new PerformanceObserver((l) => window.__lt.push(...l.getEntries().map((e) => e.duration))).observe({ type: "longtask" });
      });
      const chooser = page.waitForEvent("filechooser");
      await panel.getByRole("button", { name: "Open panel file…" }).click();
      await (await chooser).setFiles(files[n]);
      await page.waitForFunction(() => document.querySelector("ccm-panel").dataset.loaded === "1", null, { timeout: 120_000 });
      const got = await page.evaluate(() => ({ ...document.querySelector("ccm-panel").timings, longest: Math.max(0, ...window.__lt), dom: document.querySelector("ccm-panel").shadowRoot.querySelectorAll("tr.prow").length }));
      const want = await page.evaluate(() => document.querySelector("ccm-panel").rows.filter((r) => r.ref.includes("p-0049")).length);
      const t0 = Date.now();
      await panel.getByLabel("Search by reference", { exact: true }).fill("p-0049");
      await page.waitForFunction((k) => document.querySelector("ccm-panel").shadowRoot.querySelectorAll("tr.prow").length === k, want);
      got.search = Date.now() - t0;
      runs.push(got);
      await ctx.context.close();
    }
    page_[n] = runs;
  }
} finally {
  await suite.close();
}

const cli = {};
const bin = join(ROOT, "target", "release", "ccm");
for (const n of CLI_SIZES) {
  // Exit 1 is expected: the generated panels hold invalid months on purpose.
  const err = spawnSync("/usr/bin/time", ["-v", bin, "panel", files[n], "--worklist", "/dev/null", "--billing", "/dev/null"], { encoding: "utf8" }).stderr;
  const wall = err.match(/Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/);
  const rss = err.match(/Maximum resident set size \(kbytes\): (\d+)/);
  cli[n] = { mb: statSync(files[n]).size / 1048576, wall: wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : null, rssMiB: rss ? Number(rss[1]) / 1024 : null };
}

console.log("| panel | file | first rows on screen | every row checked | longest main-thread task | rows in the DOM | search over every row |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const n of SIZES) {
  const r = page_[n];
  console.log(`| ${n.toLocaleString("en-US")} months | ${(statSync(files[n]).size / 1048576).toFixed(1)} MB | ${range(r.map((x) => x.firstRows))} ms | ${range(r.map((x) => x.allRows))} ms | ${range(r.map((x) => x.longest))} ms | ${med(r.map((x) => x.dom))} | ${range(r.map((x) => x.search))} ms |`);
}
console.log("\n| `ccm panel` (release) | file | wall | months/s | peak RSS |");
console.log("| ---: | ---: | ---: | ---: | ---: |");
for (const n of CLI_SIZES) console.log(`| ${n.toLocaleString("en-US")} months | ${cli[n].mb.toFixed(1)} MB | ${cli[n].wall?.toFixed(2)} s | ${Math.round(n / cli[n].wall).toLocaleString("en-US")} | ${cli[n].rssMiB?.toFixed(1)} MiB |`);
console.log("\n" + JSON.stringify({ page: page_, cli }, null, 1));

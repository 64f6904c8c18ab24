// The page's cold start (issue 17.6), in Chromium, a fresh context (empty cache) per round:
// - from the module's bytes (the .wasm response's end) to the first verdict the page shows (the
//   blank month's, right after the engine is instantiated), and from navigation to it, read from
//   the page's `performance` entries (the `ccm-first-verdict` mark of ccm-month-check.js);
// - the first verdict on a real month: the page left idle (IDLE_MS), then *Sample month*, and the
//   engine's time for that evaluation as the verdict panel records it (`data-ms`). Without a warm-up that
// evaluation pays V8's lazy compilation of every engine function it touches and the parse of the
// month's rule pack; with the page's idle warm-up (www/js/engine.js) they are paid before.
//
//   node bench/first-verdict.mjs > target/bench/first-verdict.json
import { startSuite } from "../tests/browser/harness.mjs";
import { openCheck, readVerdict } from "../tests/browser/page.mjs";

const ROUNDS = Number(process.env.CCM_PAGE_ROUNDS ?? 9);
const IDLE_MS = Number(process.env.CCM_IDLE_MS ?? 1500);
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, median: s[s.length >> 1], min: s[0], max: s.at(-1) };
};

const suite = await startSuite();
const first = [];
const second = [];
const load = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    const ctx = await suite.newContext();
    const page = await openCheck(ctx, suite.origin);
    // From the module's bytes (the .wasm response complete) to the first verdict on the page (the
    // blank month's), and from navigation to it.
    load.push(await page.evaluate(() => {
      const wasm = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/pkg/ccm_engine_bg.wasm"));
      const verdict = performance.getEntriesByName("ccm-first-verdict")[0];
      return { bytesToVerdict: verdict.startTime - wasm.responseEnd, navigationToVerdict: verdict.startTime };
    }));
    await page.waitForTimeout(IDLE_MS);
    await page.getByRole("button", { name: "Sample month" }).click();
    first.push((await readVerdict(page)).ms);
    await page.getByRole("button", { name: "Sample month" }).click();
    second.push((await readVerdict(page)).ms);
    if (ctx.offOrigin.length) throw new Error(`off-origin requests: ${ctx.offOrigin.join(", ")}`);
    await ctx.context.close();
  }
} finally {
  await suite.close();
}
console.log(JSON.stringify({
  idleMs: IDLE_MS,
  bytesToFirstVerdict: stats(load.map((x) => x.bytesToVerdict)),
  navigationToFirstVerdict: stats(load.map((x) => x.navigationToVerdict)),
  firstRealVerdict: stats(first),
  secondRealVerdict: stats(second),
}, null, 1));

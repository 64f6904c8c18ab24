// The page's own interactive timings, in Chromium (issue 4 asks for "results in under 10 ms" from
// the ICD-10-CM search and an engine that "feels instant" on every keystroke). Measured here, and
// reported in docs/performance.md by bench/report.mjs; the browser tests only report them, since a
// timing assertion on a shared CI machine fails on load, not on a defect.
//
//   node bench/page.mjs > target/bench/page.json
//
// For each of ROUNDS fresh browser contexts (empty cache, a new worker): the time the first
// search of a freshly loaded table takes, then every query of QUERIES typed ROUNDS times. The
// time is the worker's own, around the search (the `ms` the page shows in `data-ms`). Evaluation:
// the engine's time per evaluation as the verdict panel records it, over EDITS edits of a time
// entry's end (each edit re-evaluates the whole month).
import { startSuite } from "../tests/browser/harness.mjs";
import { openCheck, region, control, readVerdict } from "../tests/browser/page.mjs";

const ROUNDS = Number(process.env.CCM_PAGE_ROUNDS ?? 5);
const EDITS = 40;
const QUERIES = ["heart failure", "chf", "E11.6", "ckd stage 3", "N18", "type 2 diabetes with hyperglycemia", "copd", "Z", "essential hypertension", "major depressive disorder recurrent"];

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (f) => s[Math.min(s.length - 1, Math.floor(f * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s.at(-1), min: s[0] };
};

async function searchOnce(page, input, q) {
  await page.evaluate(() => {
    const list = document.querySelector("ccm-month-check").shadowRoot.querySelector("[role=listbox]");
    delete list.dataset.ms;
    delete list.dataset.q;
  });
  await input.fill(""); // the same query twice in a row would not fire an input event
  await input.fill(q);
  return page.waitForFunction(
    (q) => {
      const sr = document.querySelector("ccm-month-check").shadowRoot;
      const list = sr.querySelector("[role=listbox]");
      return sr.querySelector("[role=combobox]").value === q && list.dataset.ms !== undefined && list.dataset.q === q ? { ms: Number(list.dataset.ms) } : false;
    },
    q,
    { timeout: 20_000 },
  ).then(async (h) => (await h.jsonValue()).ms);
}

const suite = await startSuite();
const first = [];
const byQuery = Object.fromEntries(QUERIES.map((q) => [q, []]));
const evals = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    const ctx = await suite.newContext();
    const page = await openCheck(ctx, suite.origin);
    const conditions = region(page, "Chronic conditions");
    await conditions.getByRole("button", { name: "Add condition" }).click();
    const input = conditions.getByRole("combobox", { name: "Diagnosis (ICD-10-CM)" });
    first.push(await searchOnce(page, input, QUERIES[0]));
    for (let k = 0; k < ROUNDS; k++) for (const q of QUERIES) byQuery[q].push(await searchOnce(page, input, q));
    if (r === 0) {
      await page.getByRole("button", { name: "Sample month" }).click();
      for (let i = 0; i < EDITS; i++) {
        const min = 31 + (i % 29);
        await control(page, "timeEntries[2].end").fill(`2026-03-18T09:${String(min).padStart(2, "0")}`);
        evals.push((await readVerdict(page)).ms);
      }
    }
    if (ctx.offOrigin.length) throw new Error(`off-origin requests: ${ctx.offOrigin.join(", ")}`);
    await ctx.context.close();
  }
} finally {
  await suite.close();
}
const all = Object.values(byQuery).flat();
console.log(
  JSON.stringify(
    {
      chromium: suite.browser.version?.() ?? null,
      search: { firstAfterLoad: stats(first), all: stats(all), byQuery: Object.fromEntries(Object.entries(byQuery).map(([q, xs]) => [q, stats(xs)])) },
      evaluation: stats(evals.filter(Number.isFinite)),
    },
    null,
    1,
  ),
);

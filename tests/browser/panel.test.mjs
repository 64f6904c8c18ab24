// The panel worklist (issue 16): a panel file opened on the page is checked in a Web Worker and
// shown as a worklist; its Worklist CSV and Billing CSV downloads are byte for byte what
// `ccm panel` writes for the same file and options; filters, search and sort; a row opened in
// the month check and back, edits carried into the row and the export; folders and ZIP archives;
// 5,000 months with a progress bar and virtualized rows (times reported, not asserted); the audit
// summary printed (page.pdf); phone width as a list. Throughout: no request leaves the origin and
// no storage API is touched (Web Storage, IndexedDB, Cache Storage, cookies are instrumented).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync, crc32 } from "node:zlib";
import { startSuite } from "./harness.mjs";
import { findCli, ROOT } from "../js/engine.mjs";
import { makePanel, toJsonl } from "../js/panel-data.mjs";

const CLI = findCli();
const dir = mkdtempSync(join(tmpdir(), "ccm-panel-browser-"));
let suite;
let ctx;
let page;

/** Records any use of a storage API in the page (the worker's share of origin storage is checked after). */
const STORAGE_SPY = `(() => {
  window.__storageUse = [];
  const note = (what) => window.__storageUse.push(what);
  for (const name of ["localStorage", "sessionStorage"]) {
    const real = Object.getOwnPropertyDescriptor(window, name);
    Object.defineProperty(window, name, { configurable: true, get() { note(name); return real.get.call(window); } });
  }
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (...a) { note("indexedDB.open"); return open.apply(this, a); };
  if (typeof CacheStorage !== "undefined") {
    const copen = CacheStorage.prototype.open;
    CacheStorage.prototype.open = function (...a) { note("caches.open"); return copen.apply(this, a); };
  }
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  Object.defineProperty(Document.prototype, "cookie", { configurable: true, get() { note("cookie read"); return cookie.get.call(this); }, set(v) { note("cookie write"); cookie.set.call(this, v); } });
})();`;

before(async () => {
  suite = await startSuite();
  ctx = await suite.newContext();
  await ctx.context.addInitScript(STORAGE_SPY);
  page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/#panel`);
  await page.locator("ccm-panel").getByRole("button", { name: "Open panel file…" }).waitFor();
});

after(async () => {
  try {
    if (page) {
      // Nothing sent, nothing stored, nothing touched, nothing failed.
      assert.deepEqual(ctx.offOrigin, [], "requests off the page's origin");
      assert.deepEqual(await page.evaluate(() => window.__storageUse), [], "storage APIs used by the page");
      const stored = await page.evaluate(async () => ({ idb: (await indexedDB.databases()).length, caches: (await caches.keys()).length }));
      assert.deepEqual(stored, { idb: 0, caches: 0 }, "origin storage (page and worker)");
      assert.deepEqual(await ctx.context.cookies(), []);
      assert.deepEqual(await page.evaluate(() => window.__storageUse), [], "storage APIs used by the page");
      assert.deepEqual(ctx.errors, []);
    }
  } finally {
    await suite?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const panelEl = () => page.locator("ccm-panel");
const loaded = () => page.evaluate(() => Number(document.querySelector("ccm-panel").dataset.loaded ?? 0));
const rows = () => page.evaluate(() => document.querySelector("ccm-panel").rows);

async function waitLoaded(before) {
  await page.waitForFunction((n) => Number(document.querySelector("ccm-panel").dataset.loaded ?? 0) > n, before, { timeout: 60_000 });
}

/** Opens files with "Open panel file…" (or "Open folder…" with a directory path) and waits for every row. */
async function openFiles(files, button = "Open panel file…") {
  const n = await loaded();
  const chooser = page.waitForEvent("filechooser");
  await panelEl().getByRole("button", { name: button }).click();
  await (await chooser).setFiles(files);
  await waitLoaded(n);
}

async function download(name) {
  const dl = page.waitForEvent("download");
  await panelEl().getByRole("button", { name, exact: true }).click();
  const d = await dl;
  const chunks = [];
  for await (const c of await d.createReadStream()) chunks.push(c);
  return { name: d.suggestedFilename(), text: Buffer.concat(chunks).toString("utf8") };
}

function cli(path, flags = []) {
  const w = join(dir, "cli-w.csv");
  const b = join(dir, "cli-b.csv");
  const r = spawnSync(CLI, ["panel", path, "--worklist", w, "--billing", b, ...flags], { encoding: "utf8" });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return { worklist: readFileSync(w, "utf8"), billing: readFileSync(b, "utf8") };
}

/** Shown rows as the person sees them: n, reference, status words. */
function shown() {
  return page.evaluate(() => [...document.querySelector("ccm-panel").shadowRoot.querySelectorAll("tr.prow, li.pcard")].map((r) => ({ n: Number(r.dataset.n), status: r.dataset.status, text: r.textContent })));
}

const field = (label) => panelEl().getByLabel(label, { exact: true });

/** Back to the worklist, all rows, no search, panel order (each test starts there). */
async function reset() {
  await page.setViewportSize({ width: 1400, height: 1000 });
  for (const name of ["← Back", "← Back to the panel"]) {
    const b = panelEl().getByRole("button", { name, exact: true });
    if (await b.isVisible()) await b.click();
  }
  await field("Search by reference").fill("");
  await field("Show").selectOption("all");
  await field("Sort by").selectOption("n");
}

test("a panel file: the Worklist and Billing CSV downloads equal ccm panel's, also after the options change", { timeout: 120_000 }, async () => {
  const months = makePanel(300, 7);
  const text = toJsonl(months) + "\n" + '{"serviceMonth": "2026-05", broken\n';
  const file = join(dir, "panel.jsonl");
  writeFileSync(file, text);
  await openFiles({ name: "panel.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(text) });
  assert.equal((await rows()).length, 301);

  let c = cli(file);
  let w = await download("Worklist CSV");
  let b = await download("Billing CSV");
  assert.equal(w.name, "ccm-worklist.csv");
  assert.equal(b.name, "ccm-billing.csv");
  assert.equal(w.text, c.worklist, "worklist: the page's CSV is the CLI's");
  assert.equal(b.text, c.billing, "billing: the page's CSV is the CLI's");
  assert.ok(b.text.split("\n").length > 50);

  // Options: as-of date for months without one, pace targets, date of service → re-checked (each
  // change starts a new run; the last one counts).
  await panelEl().locator("summary", { hasText: "Options" }).click();
  const n = await loaded();
  for (const [label, v] of [["As of (for months without their own)", "2026-05-15"], ["Month end", "40"], ["Week 3 (day 21)", "30"], ["Week 2 (day 14)", "20"], ["Week 1 (day 7)", "10"]]) {
    await field(label).fill(v);
    await field(label).dispatchEvent("change");
  }
  await field("Date of service (billing CSV)").selectOption("threshold");
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector("ccm-panel");
      return Number(el.dataset.loaded) > n && el.dataset.state === "done" && el.options.dateOfService === "threshold" && el.options.pace.join() === "10,20,30,40" && el.options.asOf === "2026-05-15";
    },
    n,
    { timeout: 60_000 },
  );
  c = cli(file, ["--as-of", "2026-05-15", "--pace", "10,20,30,40", "--date-of-service", "threshold"]);
  w = await download("Worklist CSV");
  b = await download("Billing CSV");
  assert.equal(w.text, c.worklist, "worklist with options");
  assert.equal(b.text, c.billing, "billing with options");
  // Back to the defaults for the next tests.
  const k = await loaded();
  await page.evaluate(() => (document.querySelector("ccm-panel").options = { asOf: "", pace: [5, 10, 15, 20], dateOfService: "month-end" }));
  await waitLoaded(k);
  await panelEl().locator("summary", { hasText: "Options" }).click();
});

test("filters, search and sort show the rows the engine's results say", { timeout: 60_000 }, async () => {
  await reset();
  const all = await rows();
  const count = (f) => all.filter(f).length;
  const summary = await panelEl().locator("ul.counts").textContent();
  assert.match(summary, new RegExp(`${count((r) => r.status === "billable")} billable`));
  assert.match(summary, new RegExp(`${count((r) => r.status === "blocked")} blocked`));
  for (const [option, pred] of [
    ["Billable", (r) => r.status === "billable"],
    ["Blocked", (r) => r.status === "blocked"],
    ["Close to the next code", (r) => r.minutesToNext !== null && r.minutesToNext <= 5],
    ["Behind pace", (r) => r.pace === "behind"],
    ["Something due in 30 days", (r) => r.due.length > 0],
    ["Cannot check (data problems)", (r) => r.status === "invalid"],
  ]) {
    await field("Show").selectOption({ label: option });
    const want = count(pred);
    assert.ok(want > 0, `${option}: some rows`);
    await assert.doesNotReject(page.waitForFunction((w) => document.querySelector("ccm-panel").shadowRoot.querySelector(".shown").textContent.startsWith(`Showing ${w.toLocaleString("en-US")} of`), want));
    const s = await shown();
    assert.ok(s.length > 0 && s.every((r) => pred(all[r.n - 1])), `${option}: every row shown fits`);
  }
  // Blocked rows say why, in words.
  await field("Show").selectOption({ label: "Blocked" });
  assert.ok((await shown()).every((r) => /No patient consent|initiating visit|consent|APCM|care plan|chronic|practitioner/i.test(r.text)));
  // Search by reference, then sort by minutes to the next code (fewest first).
  await field("Show").selectOption({ label: "All patient-months" });
  await field("Search by reference").fill("p-0001");
  const expected = all.filter((r) => r.ref.toLowerCase().includes("p-0001")).map((r) => r.ref);
  await page.waitForFunction((n) => document.querySelector("ccm-panel").shadowRoot.querySelectorAll("tr.prow").length === n, expected.length);
  const hits = await shown();
  assert.deepEqual(hits.map((r) => all[r.n - 1].ref), expected);
  await field("Search by reference").fill("");
  await panelEl().getByRole("button", { name: "To next code" }).click();
  await page.waitForFunction(() => document.querySelector("ccm-panel").shadowRoot.querySelector("th.col-next").getAttribute("aria-sort") === "ascending");
  const order = (await shown()).map((r) => all[r.n - 1].minutesToNext ?? Infinity);
  assert.deepEqual(order, [...order].sort((a, b) => a - b), "sorted by minutes to the next code");
  assert.equal(await panelEl().locator("th.col-next").getAttribute("aria-sort"), "ascending");
  await field("Sort by").selectOption("n");
});

test("a row opens in the month check and comes back; an edit updates the row and goes into the export", { timeout: 90_000 }, async () => {
  await reset();
  const before = (await rows()).find((r) => r.status === "billable" && r.program === "ccm");
  await field("Search by reference").fill(before.ref);
  await panelEl().getByRole("button", { name: new RegExp(`^Open ${before.ref},`) }).click();
  const check = panelEl().locator("ccm-month-check");
  await check.waitFor();
  await page.waitForFunction(() => document.querySelector("ccm-panel").shadowRoot.querySelector("ccm-month-check").result?.ok);
  assert.equal(await panelEl().getByRole("heading", { level: 2 }).first().textContent(), `${before.ref} · ${before.serviceMonth}`);
  const verdict = await page.evaluate(() => document.querySelector("ccm-panel").shadowRoot.querySelector("ccm-month-check").result.evaluation);
  assert.equal(verdict.status, before.status, "the month check's verdict is the row's");
  assert.deepEqual(verdict.lines.map((l) => l.code), before.lines.map((l) => l.code));
  // Un-tick supervision: blocked.
  await check.getByLabel("Supervision of clinical staff attested").uncheck();
  await panelEl().getByRole("button", { name: "← Back to the panel" }).click();
  await page.waitForFunction((ref) => document.querySelector("ccm-panel").rows.find((r) => r.ref === ref)?.status === "blocked", before.ref);
  const after = (await rows()).find((r) => r.n === before.n);
  assert.deepEqual(after.blocking, ["SUPERVISION_NOT_ATTESTED"]);
  assert.equal(after.edited, true);
  assert.match(await panelEl().locator("tr.prow").first().textContent(), /edited/);
  assert.match(await panelEl().locator(".unsaved").textContent(), /1 month edited here and not exported/);
  const focusedRef = await page.evaluate(() => document.querySelector("ccm-panel").shadowRoot.activeElement?.textContent);
  assert.equal(focusedRef, before.ref, "focus returns to the row");
  // Export: every month and its Result; the edited month as edited; it reads back as a panel.
  const ex = await download("Export panel");
  assert.match(ex.name, /^ccm-panel-\d{4}-\d{2}-\d{2}\.json$/);
  const data = JSON.parse(ex.text);
  assert.equal(data.format, "ccm-panel-export/1");
  assert.equal(data.months.length, 301);
  assert.equal(data.results.length, 301);
  assert.deepEqual(data.edited, [before.n]);
  assert.equal(data.months[before.n - 1].supervisionAttested, false);
  assert.equal(data.results[before.n - 1].evaluation.status, "blocked");
  assert.equal(await panelEl().locator(".unsaved").isHidden(), true, "exported: nothing unsaved");
  await field("Search by reference").fill("");
  await openFiles({ name: "export.json", mimeType: "application/json", buffer: Buffer.from(ex.text) });
  const back = await rows();
  assert.equal(back.length, 301);
  assert.equal(back[before.n - 1].status, "blocked");
  assert.equal(back[before.n - 1].source, `export.json#${before.n}`);
});

/** A ZIP archive (deflated entries, with CRCs) of [name, text] files. */
function zip(files) {
  const local = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of files) {
    const raw = Buffer.from(text);
    const data = deflateRawSync(raw);
    const n = Buffer.from(name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x0800, 6);
    h.writeUInt16LE(8, 8);
    h.writeUInt32LE(crc32(raw), 14);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(raw.length, 22);
    h.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc32(raw), 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(raw.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    local.push(h, n, data);
    central.push(c, n);
    offset += h.length + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, cd, end]);
}

test("a folder and a ZIP of month files read as ccm panel reads the folder", { timeout: 60_000 }, async () => {
  await reset();
  const months = makePanel(30, 3);
  const files = [
    ["a.jsonl", toJsonl(months.slice(0, 10))],
    ["b/one.json", JSON.stringify(months[10], null, 2)],
    ["b/list.json", JSON.stringify(months.slice(11, 20))],
    ["c.ndjson", toJsonl(months.slice(20))],
  ];
  const folder = join(dir, "panel-folder");
  mkdirSync(join(folder, "b"), { recursive: true });
  for (const [rel, text] of files) writeFileSync(join(folder, rel), text);
  writeFileSync(join(folder, "readme.txt"), "not a month");
  const c = cli(folder);

  await openFiles(folder, "Open folder…");
  assert.equal((await rows()).length, 30);
  assert.equal((await download("Worklist CSV")).text, c.worklist, "folder: the page's worklist is the CLI's");
  assert.equal((await download("Billing CSV")).text, c.billing);

  const archive = zip([["panel-folder/", ""], ...files.map(([n, t]) => [`panel-folder/${n}`, t]), ["panel-folder/readme.txt", "x"], ["__MACOSX/panel-folder/._a.jsonl", "junk"]]);
  writeFileSync(join(dir, "panel.zip"), archive);
  const z = cli(join(dir, "panel.zip"));
  assert.equal(z.worklist, c.worklist, "ccm panel reads the zip as the folder it holds");
  assert.equal(z.billing, c.billing);
  await openFiles({ name: "panel.zip", mimeType: "application/zip", buffer: archive });
  assert.equal((await rows()).length, 30);
  assert.equal((await download("Worklist CSV")).text, c.worklist, "zip: the page's worklist is the CLI's on the unzipped folder");
  assert.equal((await download("Billing CSV")).text, c.billing);
});

test("FHIR Bundles in a panel: the FHIR module loaded only then, each Bundle its month, the CSV equal to ccm panel's", { timeout: 120_000 }, async () => {
  await reset();
  const fhirRequests = () => ctx.requests.filter((u) => new URL(u).pathname.startsWith("/pkg/fhir/"));
  assert.deepEqual(fhirRequests(), [], "no panel so far held a Bundle: the FHIR module was not loaded");
  const read = (f) => readFileSync(join(ROOT, "tests", "data", "fhir", f), "utf8");
  // A Bundle without care-management time: its month is the as-of date's, so it is re-read when the as-of date changes.
  const noTime = JSON.parse(read("month-bundle.json"));
  noTime.entry = noTime.entry.filter((e) => !["Procedure", "Task"].includes(e.resource.resourceType));
  const files = [
    ["month-bundle.json", read("month-bundle.json")],
    ["transaction.json", read("transaction.json")],
    ["partial.json", read("partial.json")],
    ["no-time.json", JSON.stringify(noTime)],
    ["months.jsonl", toJsonl(makePanel(4, 11))],
  ];
  const folder = join(dir, "bundle-folder");
  mkdirSync(folder, { recursive: true });
  for (const [rel, text] of files) writeFileSync(join(folder, rel), text);
  await openFiles(folder, "Open folder…");
  assert.equal((await rows()).length, 8);
  assert.ok(fhirRequests().some((u) => u.endsWith("/pkg/fhir/ccm_engine_bg.wasm")), "the worker loaded the FHIR module, from this origin");
  let c = cli(folder);
  assert.equal((await download("Worklist CSV")).text, c.worklist, "Bundles: the page's worklist is the CLI's");
  assert.equal((await download("Billing CSV")).text, c.billing);
  const byName = async () => Object.fromEntries((await rows()).map((r) => [r.source, r]));
  let r = await byName();
  assert.deepEqual([r["month-bundle.json"].status, r["month-bundle.json"].ref, r["month-bundle.json"].supportedAllowed, r["month-bundle.json"].blocking], ["blocked", "Patient/p1", 11657, ["SUPERVISION_NOT_ATTESTED"]]);
  assert.deepEqual([r["transaction.json"].status, r["transaction.json"].supportedAllowed], ["blocked", 16701]);
  assert.deepEqual([r["partial.json"].status, r["partial.json"].blocking], ["invalid", ["INVALID_INPUT"]]);
  assert.match(r["no-time.json"].blockingWords, /Fields: serviceMonth\.$/);
  await field("Search by reference").fill("");
  assert.match(await panelEl().locator("tr.prow", { hasText: "partial.json" }).textContent(), /Fields: billingPractitioner\.id\./, "the row says why, in words");

  // The as-of date changed: the Bundle without time is read again, for that date's month.
  const k = await loaded();
  await page.evaluate(() => (document.querySelector("ccm-panel").options = { asOf: "2026-04-10", pace: [5, 10, 15, 20], dateOfService: "month-end" }));
  await waitLoaded(k);
  r = await byName();
  assert.deepEqual([r["no-time.json"].serviceMonth, r["no-time.json"].asOf, r["no-time.json"].status], ["2026-04", "2026-04-10", "blocked"]);
  c = cli(folder, ["--as-of", "2026-04-10"]);
  assert.equal((await download("Worklist CSV")).text, c.worklist, "Bundles with an as-of date: the page's worklist is the CLI's");
  assert.equal((await download("Billing CSV")).text, c.billing);
  const k2 = await loaded();
  await page.evaluate(() => (document.querySelector("ccm-panel").options = { asOf: "", pace: [5, 10, 15, 20], dateOfService: "month-end" }));
  await waitLoaded(k2);

  // A Bundle's row opens as its month: attesting supervision there makes it billable, $116.57.
  const mb = (await byName())["month-bundle.json"];
  await panelEl().getByRole("button", { name: /^Open Patient\/p1,/ }).first().click();
  const check = panelEl().locator("ccm-month-check");
  await check.waitFor();
  await page.waitForFunction(() => document.querySelector("ccm-panel").shadowRoot.querySelector("ccm-month-check").result?.ok);
  assert.equal(await page.evaluate(() => document.querySelector("ccm-panel").shadowRoot.querySelector("ccm-month-check").result.evaluation.status), "blocked");
  await check.getByLabel("Supervision of clinical staff attested").check();
  await panelEl().getByRole("button", { name: "← Back to the panel" }).click();
  await page.waitForFunction((n) => document.querySelector("ccm-panel").rows[n - 1]?.status === "billable", mb.n);
  const billable = (await rows())[mb.n - 1];
  assert.deepEqual([billable.allowed, billable.lines.map((l) => `${l.code} x${l.units}`), billable.edited], [11657, ["99490 x1", "99439 x1"], true]);
  // A Bundle that could not be read does not open as a month: the note says why.
  await panelEl().locator("tr.prow", { hasText: "partial.json" }).getByRole("button", { name: /^Open / }).click();
  await panelEl().locator(".detail-note").waitFor();
  assert.match(await panelEl().locator(".detail-note").textContent(), /a FHIR Bundle that could not be read into a month \(.*Fields: billingPractitioner\.id\.\)/);
  assert.equal(await check.isHidden(), true);
  await panelEl().getByRole("button", { name: "← Back to the panel" }).click();
});

test("5,000 patient-months: a progress bar, the first rows early, virtualized rows, keyboard to the end", { timeout: 120_000 }, async (t) => {
  await reset();
  // From a file on disk, as a person picks it (a buffer would be copied into the page by the test tool).
  const text = toJsonl(makePanel(5000, 5000));
  const big = join(dir, "big.jsonl");
  writeFileSync(big, text);
  const progress = await page.evaluateHandle(() => {
    const seen = [];
    document.querySelector("ccm-panel").addEventListener("progress", (e) => seen.push(e.detail.done));
    return seen;
  });
  const longTasks = await page.evaluateHandle(() => {
    const list = [];
    new PerformanceObserver((l) => list.push(...l.getEntries().map((e) => e.duration))).observe({ type: "longtask" });
    return list;
  });
  await openFiles(big);
  const timings = await page.evaluate(() => document.querySelector("ccm-panel").timings);
  const seen = await progress.jsonValue();
  const tasks = await longTasks.jsonValue();
  t.diagnostic(`5,000 months (${(text.length / 1048576).toFixed(1)} MiB): first rows ${timings.firstRows.toFixed(0)} ms, all rows ${timings.allRows.toFixed(0)} ms; ${seen.length} progress events; main-thread long tasks: ${tasks.length}, longest ${Math.max(0, ...tasks).toFixed(0)} ms`);
  console.log(`# panel-5000 first=${timings.firstRows.toFixed(0)}ms all=${timings.allRows.toFixed(0)}ms longest-task=${Math.max(0, ...tasks).toFixed(0)}ms`);
  assert.equal(await page.evaluate(() => document.querySelector("ccm-panel").rows.length), 5000);
  assert.ok(seen.length >= 3 && seen.some((d) => d > 0 && d < 5000), `progress reported along the way: ${seen.slice(0, 10).join(",")}…`);
  assert.ok(timings.firstRows < timings.allRows, "rows appear before the last month is checked");
  // Virtualized: a few dozen rows in the DOM, the table says how many there are.
  const inDom = await page.evaluate(() => document.querySelector("ccm-panel").shadowRoot.querySelectorAll("tr.prow").length);
  assert.ok(inDom > 5 && inDom < 80, `${inDom} rows in the DOM`);
  assert.equal(await panelEl().locator("table.worklist-table").getAttribute("aria-rowcount"), "5001");
  // Keyboard: from the first row's button, End goes to the last row, Home back, ArrowDown moves one.
  await panelEl().locator("tr.prow button.open").first().focus();
  await page.keyboard.press("End");
  const lastRow = await page.evaluate(() => document.querySelector("ccm-panel").shadowRoot.activeElement?.closest("tr")?.getAttribute("aria-rowindex"));
  assert.equal(lastRow, "5001");
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowDown");
  const second = await page.evaluate(() => document.querySelector("ccm-panel").shadowRoot.activeElement?.closest("tr")?.getAttribute("aria-rowindex"));
  assert.equal(second, "3");
  // Typing in the search box while 5,000 rows are filtered answers at once.
  const want = await page.evaluate(() => document.querySelector("ccm-panel").rows.filter((r) => r.ref.toLowerCase().includes("p-0499")).length);
  const t0 = Date.now();
  await field("Search by reference").fill("p-0499");
  await page.waitForFunction((n) => document.querySelector("ccm-panel").shadowRoot.querySelectorAll("tr.prow").length === n, want);
  t.diagnostic(`search over 5,000 rows shown in ${Date.now() - t0} ms`);
  await field("Search by reference").fill("");
});

test("the audit summary prints alone and cleanly (print media and page.pdf)", { timeout: 60_000 }, async () => {
  await reset();
  const months = makePanel(12, 1);
  await openFiles({ name: "small.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(toJsonl(months)) });
  const r = (await rows()).find((x) => x.status === "billable" && x.lines.length === 2);
  await panelEl().getByRole("button", { name: new RegExp(`^Audit summary of ${r.ref},`) }).click();
  const doc = panelEl().locator("article.audit-doc");
  await doc.waitFor();
  const textOf = await doc.textContent();
  assert.match(textOf, new RegExp(`CCM audit summary: ${r.ref}, ${r.serviceMonth}`));
  assert.match(textOf, /Billable: CCM/);
  for (const l of r.lines) assert.match(textOf, new RegExp(l.code));
  assert.match(textOf, /Minutes counted by the engine/);
  assert.match(textOf, /Time entries \(\d+\)/);
  assert.match(textOf, /Documentation checklist/);
  assert.match(textOf, /Consent/);
  assert.match(textOf, /Care plan/);
  assert.match(textOf, /Engine 0\.1\.0 · rule pack medicare-cy2026 version/);
  assert.match(textOf, /Rule TIME|TIME-\d{3}|CONS-\d{3}|Findings \(0\)|Findings \(\d+\)/);
  // Print media: the summary alone (no navigation, toolbar, buttons, worklist, page heading).
  await page.emulateMedia({ media: "print" });
  const visible = await page.evaluate(() => {
    const vis = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
    const root = document.querySelector("ccm-panel").shadowRoot;
    return {
      nav: vis(document.querySelector("header.top")),
      h1: vis(document.querySelector("#h-panel")),
      foot: vis(document.querySelector("footer.foot")),
      bar: vis(root.querySelector(".audit-bar")),
      worklist: vis(root.querySelector(".panel-main")),
      audit: vis(root.querySelector(".audit-doc")),
    };
  });
  assert.deepEqual(visible, { nav: false, h1: false, foot: false, bar: false, worklist: false, audit: true });
  const pdf = await page.pdf({ format: "Letter", printBackground: false });
  await page.emulateMedia({ media: "screen" });
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page\b/g) ?? []).length;
  assert.ok(pdf.length > 15_000 && pdf.length < 2_000_000, `${pdf.length} bytes`);
  assert.ok(pages >= 1 && pages <= 3, `${pages} pages`);
  writeFileSync(join(dir, "audit.pdf"), pdf);
  await panelEl().getByRole("button", { name: "← Back" }).click();
  const focused = await page.evaluate(() => document.querySelector("ccm-panel").shadowRoot.activeElement?.className);
  assert.match(focused, /audit/, "focus returns to the row's Audit button");
});

test("at phone width the worklist is a list of cards, not a table", { timeout: 60_000 }, async () => {
  await reset();
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.waitForFunction(() => document.querySelector("ccm-panel").shadowRoot.querySelector("ul.worklist-cards li.pcard"));
    assert.equal(await panelEl().locator("table.worklist-table").count(), 0);
    const card = panelEl().locator("li.pcard").first();
    assert.match(await card.textContent(), /Month.*Codes.*Minutes.*Pace.*Blocks.*Due/s);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
    await card.getByRole("button", { name: /^Open / }).click();
    await panelEl().getByRole("button", { name: "← Back to the panel" }).click();
    await panelEl().locator("li.pcard").first().waitFor();
  } finally {
    await page.setViewportSize({ width: 1400, height: 1000 });
  }
});

test("<ccm-panel> on a page of its own: load(), rows, csv() and the load event, as a portal embeds it", { timeout: 60_000 }, async () => {
  const other = await ctx.context.newPage();
  try {
    await other.goto(`${suite.origin}/embed.html`);
    const got = await other.evaluate(async (text) => {
      await import("/ccm-panel.js");
      const el = document.createElement("ccm-panel");
      document.body.prepend(el);
      const events = [];
      el.addEventListener("load", (e) => events.push(e.detail.total));
      const rows = await el.loadText(text, "portal.jsonl");
      return { n: rows.length, first: rows[0].source, events, csv: (await el.csv("worklist")).split("\n")[0], statuses: rows.map((r) => r.status) };
    }, toJsonl(makePanel(12, 2)));
    assert.equal(got.n, 12);
    assert.equal(got.first, "portal.jsonl:1");
    assert.deepEqual(got.events, [12]);
    assert.match(got.csv, /^n,source,ref,serviceMonth,/);
    assert.ok(got.statuses.includes("billable"));
  } finally {
    await other.close();
  }
});

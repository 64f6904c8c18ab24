// Embedding: the custom element's event API (`input` after user edits, `result` after every
// evaluation, properties `value` / `result` / `ready` / `evaluate()`), the verdict-only mode driven by a
// host form, and the copy-paste snippet of docs/page.md working in a portal page under the CSP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startSuite, ROOT } from "./harness.mjs";
import { checkEl, control, readVerdict, expectVerdict } from "./page.mjs";

let suite;
before(async () => (suite = await startSuite()));
after(async () => suite?.close());

const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'self'";

test("embed.html: input and result events, properties, verdict-only mode", { timeout: 120_000 }, async () => {
  const ctx = await suite.newContext();
  const page = await ctx.context.newPage();
  // Listen before the page's own scripts run, as a host page would.
  await page.addInitScript(() => {
    window.__events = [];
    document.addEventListener("input", (e) => window.__events.push({ type: "input", target: e.target.id, custom: e instanceof CustomEvent, month: e.detail?.serviceMonth ?? null, end: e.detail?.timeEntries?.[0]?.end ?? null }));
    document.addEventListener("result", (e) => window.__events.push({ type: "result", target: e.target.id, ok: e.detail?.ok, status: e.detail?.evaluation?.status ?? null }));
  });
  await page.goto(`${suite.origin}/embed.html`);
  await page.waitForFunction(() => document.querySelector("#demo-full").result && document.querySelector("#demo-verdict").result);
  const sel = "#demo-full";

  // Setting `value` (the host did it) evaluates and fires `result`, never `input`.
  let events = await page.evaluate(() => window.__events.filter((e) => e.target === "demo-full"));
  assert.ok(events.some((e) => e.type === "result" && e.status === "billable"), JSON.stringify(events));
  assert.ok(!events.some((e) => e.type === "input"), "no input event before the user edits");
  assert.match(await page.locator("#event-log").textContent(), /result: billable 99490x1 99439x1/);
  assert.equal(await page.evaluate(() => document.querySelector("#demo-full").ready.then((m) => typeof m?.evaluate)), "function");

  // A user edit: one `result`, then one `input` whose detail is the edited month. The native
  // input events of the inner controls do not bubble out of the element.
  await page.evaluate(() => (window.__events.length = 0));
  await control(page, "timeEntries[0].end", sel).fill("2026-03-04T10:05");
  events = await page.evaluate(() => window.__events);
  assert.deepEqual(
    events.map((e) => [e.type, e.target, e.custom ?? null]),
    [["result", "demo-full", null], ["input", "demo-full", true]],
    JSON.stringify(events),
  );
  assert.equal(events[1].end, "2026-03-04T10:05:00-05:00");
  assert.equal(events[0].status, "billable");
  const v = await expectVerdict(page, { status: "billable", lines: [["99490", 1]] }, sel);
  assert.equal(v.staff, "30 min");
  assert.match(await page.locator("#event-log li").first().textContent(), /input: month 2026-03, 3 time entries/);

  // Properties: `value` round-trips, `evaluate()` returns the Result and fires `result`.
  const r = await page.evaluate(() => {
    const el = document.querySelector("#demo-full");
    const before = window.__events.length;
    const v = el.value;
    v.timeEntries = v.timeEntries.slice(0, 1);
    el.value = v;
    const res = el.evaluate();
    return { lines: res.evaluation.lines.map((l) => l.code), same: JSON.stringify(res) === JSON.stringify(el.result), fired: window.__events.slice(before).map((e) => e.type) };
  });
  assert.deepEqual(r, { lines: [], same: true, fired: ["result", "result"] });
  await expectVerdict(page, { status: "below_threshold", lines: [] }, sel);

  // Verdict only: no form, the host's own form drives it.
  const vo = "#demo-verdict";
  assert.equal(await checkEl(page, vo).locator(".form-col").isVisible(), false);
  await expectVerdict(page, { status: "billable", lines: [["99490", 1]] }, vo);
  await page.getByLabel("RN minutes this month").fill("45");
  await expectVerdict(page, { status: "billable", lines: [["99490", 1], ["99439", 1]] }, vo);
  await page.getByLabel("RN minutes this month").fill("12");
  const low = await expectVerdict(page, { status: "below_threshold", lines: [] }, vo);
  assert.match(low.nextUnit, /^8 minutes to 99490/);
  assert.deepEqual(ctx.errors, []);
  assert.deepEqual(ctx.offOrigin, []);
});

test("the docs/page.md snippet works in a portal page under the CSP", { timeout: 120_000 }, async () => {
  const doc = readFileSync(join(ROOT, "docs", "page.md"), "utf8");
  const html = doc.match(/<!-- snippet:html -->\s*```html\n([\s\S]*?)```/)?.[1];
  const js = doc.match(/<!-- snippet:js -->\s*```js\n([\s\S]*?)```/)?.[1];
  assert.ok(html && js, "docs/page.md has the two snippet blocks");
  assert.equal(readFileSync(join(ROOT, "www", "embed.html"), "utf8").includes("ccm-hook.js"), true, "embed.html shows the same snippet");

  const ctx = await suite.newContext();
  const o = suite.origin;
  // The portal: its page and host script (the snippet), and the page's files under /ccm/.
  await ctx.context.route(`${o}/portal/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === "/portal/index.html")
      return route.fulfill({ status: 200, headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": CSP }, body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title></head><body><main>\n${html}</main></body></html>` });
    if (path === "/portal/ccm-hook.js") return route.fulfill({ status: 200, headers: { "content-type": "text/javascript", "content-security-policy": CSP }, body: js });
    return route.fulfill({ status: 404, body: "" });
  });
  await ctx.context.route(`${o}/ccm/**`, async (route) => {
    const url = new URL(route.request().url());
    const response = await route.fetch({ url: `${o}${url.pathname.slice("/ccm".length)}` });
    return route.fulfill({ response });
  });
  const page = await ctx.context.newPage();
  await page.goto(`${o}/portal/index.html`);
  await page.waitForFunction(() => document.querySelector("#ccm")?.result);
  // The host's `value` was loaded and evaluated: an input error (no conditions etc. are fine; the
  // month is valid) is shown in the host's badge by the `result` listener.
  const badge = page.locator("#ccm-badge");
  await page.waitForFunction(() => document.getElementById("ccm-badge").textContent !== "");
  assert.match(await badge.textContent(), /^(blocked|below_threshold): no code yet$/);
  assert.equal(await page.locator("#ccm-month").inputValue(), "", "no input event before the user edits");
  // The user loads the sample month and edits: the badge and the hidden field follow.
  await checkEl(page).getByRole("button", { name: "Sample month" }).click();
  assert.equal(await badge.textContent(), "billable: 99490 x1 + 99439 x1");
  await control(page, "timeEntries[1].end").fill("2026-03-11T14:05");
  assert.equal(await badge.textContent(), "billable: 99490 x1");
  const posted = JSON.parse(await page.locator("#ccm-month").inputValue());
  assert.equal(posted.timeEntries[1].end, "2026-03-11T14:05:00-05:00");
  assert.equal(posted.serviceMonth, "2026-03");
  // It fetched from /ccm/ (the element's own files and engine) and nothing from elsewhere.
  const paths = ctx.requests.map((u) => new URL(u).pathname);
  for (const p of ["/ccm/ccm-month-check.js", "/ccm/js/engine.js", "/ccm/pkg/ccm_engine_bg.wasm", "/ccm/css/month-check.css"]) assert.ok(paths.includes(p), `${p} (have ${paths.join(" ")})`);
  assert.deepEqual(ctx.errors, []);
  assert.deepEqual(ctx.offOrigin, []);
  assert.equal((await readVerdict(page, "#ccm")).status, "billable");
});

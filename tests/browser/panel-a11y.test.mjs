// The panel worklist for keyboard and screen-reader users (issue 16): axe-core finds no serious
// or critical violation in the worklist (table and phone-width list, options open, filtered)
// and the audit summary; and a person with the keyboard only opens
// the panel tab, loads the sample panel, searches, filters, moves between rows with the arrow
// keys, opens a row in the month check and comes back to it, and opens and leaves its audit summary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { startSuite } from "./harness.mjs";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let suite;
before(async () => (suite = await startSuite()));
after(async () => suite?.close());

async function scan(page, label, context = null) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
  const res = await page.evaluate(async (context) => {
    const r = await window.axe.run(context ?? document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => [n.target.join(" > "), n.failureSummary]) }));
  }, context);
  const bad = res.filter((v) => v.impact === "serious" || v.impact === "critical");
  const minor = res.filter((v) => !bad.includes(v));
  if (minor.length) console.log(`# ${label}: minor/moderate: ${minor.map((v) => `${v.id} (${v.impact})`).join(", ")}`);
  assert.deepEqual(bad, [], `${label}: serious/critical axe violations`);
}

const loadedCount = (page) => page.evaluate(() => Number(document.querySelector("ccm-panel").dataset.loaded ?? 0));

test("axe: the worklist, its options and filters, the audit summary of a month opened from it, the phone-width list", { timeout: 120_000 }, async () => {
  // axe measures colours with inline styles, which the CSP refuses: this context bypasses it (the CSP has its own test).
  const ctx = await suite.newContext({ bypassCSP: true });
  const page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/#panel`);
  const panel = page.locator("ccm-panel");
  await panel.getByRole("button", { name: "Sample panel" }).click();
  await page.waitForFunction(() => document.querySelector("ccm-panel").dataset.loaded === "1");
  await panel.locator("summary", { hasText: "Options" }).click();
  await panel.getByLabel("Show", { exact: true }).selectOption("blocked");
  await panel.getByRole("button", { name: "Minutes", exact: true }).click();
  await scan(page, "worklist: options open, blocked rows sorted by minutes");
  await panel.getByLabel("Show", { exact: true }).selectOption("all");
  await panel.locator("button.open").first().click();
  await page.waitForFunction(() => document.querySelector("ccm-panel").shadowRoot.querySelector("ccm-month-check").result);
  // The month check inside is the page's own element, scanned in a11y.test.mjs; the panel's bar
  // around it (two buttons and a heading) is scanned with the audit summary's.
  await panel.getByRole("button", { name: "Audit summary" }).click();
  await panel.locator("article.audit-doc").waitFor();
  await scan(page, "audit summary");
  await panel.getByRole("button", { name: "← Back", exact: true }).click();
  await panel.getByRole("button", { name: "← Back to the panel" }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await panel.locator("li.pcard").first().waitFor();
  await scan(page, "phone-width list");
  assert.deepEqual(ctx.errors, []);
  assert.deepEqual(ctx.offOrigin, []);
});

/** The focused element, looking through shadow roots. */
function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (!a || a === document.body) return { tag: "BODY" };
    const row = a.closest?.("tr[aria-rowindex]");
    return { tag: a.tagName, id: a.id || null, text: (a.getAttribute("aria-label") ?? a.textContent ?? "").trim().slice(0, 80), label: a.labels?.[0]?.textContent ?? null, row: row ? Number(row.getAttribute("aria-rowindex")) : null, cls: a.className || "" };
  });
}

async function tabTo(page, ok, max = 60, back = false) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const f = await focused(page);
    if (ok(f)) return f;
  }
  throw new Error(`Tab did not reach the target within ${max} presses (at ${JSON.stringify(await focused(page))})`);
}

test("keyboard only: load the sample panel, search, filter, move between rows, open one and come back, its audit summary", { timeout: 120_000 }, async () => {
  const ctx = await suite.newContext();
  const page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/`);
  await page.waitForFunction(() => document.querySelector("ccm-month-check")?.result);
  await tabTo(page, (f) => f.tag === "A" && f.text === "Panel worklist");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => location.hash === "#panel");
  await tabTo(page, (f) => f.text === "Sample panel");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("ccm-panel").dataset.loaded === "1");
  // The counts filter: "blocked" pressed from the keyboard.
  const blocked = await tabTo(page, (f) => f.tag === "BUTTON" && / blocked/.test(f.text));
  assert.match(blocked.text, /\d+ blocked/);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => [...document.querySelector("ccm-panel").shadowRoot.querySelectorAll("tr.prow")].every((r) => r.dataset.status === "blocked"));
  // Search and the filter select.
  await tabTo(page, (f) => f.label === "Search by reference");
  await page.keyboard.type("sample-00");
  await tabTo(page, (f) => f.label === "Show");
  await page.keyboard.press("Home"); // "All patient-months"
  await page.waitForFunction(() => document.querySelector("ccm-panel").shadowRoot.querySelectorAll("tr.prow").length === 9);
  // Into the rows: the first row's button, then ArrowDown to the second.
  const first = await tabTo(page, (f) => f.row === 2 && /^Open /.test(f.text));
  assert.match(first.text, /^Open sample-001, 2026-03/);
  await page.keyboard.press("ArrowDown");
  const second = await focused(page);
  assert.equal(second.row, 3);
  assert.match(second.text, /^Open sample-002/);
  // Open it: the heading gets the focus; back to the panel from the keyboard returns to the row.
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("ccm-panel").getAttribute("view") === "month");
  assert.equal((await focused(page)).text, "sample-002 · 2026-03");
  await tabTo(page, (f) => f.text === "← Back to the panel", 5, true);
  await page.keyboard.press("Enter");
  const again = await focused(page);
  assert.equal(again.row, 3);
  assert.match(again.text, /^Open sample-002/);
  // Its audit summary, and back to the row's Audit button.
  await tabTo(page, (f) => /^Audit summary of sample-002/.test(f.text), 20);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("ccm-panel").getAttribute("view") === "audit");
  assert.match((await focused(page)).text, /^CCM audit summary: sample-002, 2026-03/);
  await tabTo(page, (f) => f.text === "← Back", 5, true);
  await page.keyboard.press("Enter");
  assert.match((await focused(page)).text, /^Audit summary of sample-002/);
  assert.deepEqual(ctx.errors, []);
  assert.equal(await loadedCount(page), 1);
});

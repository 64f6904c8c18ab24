#!/usr/bin/env node
// Screenshots of the page's views for the docs (docs/screenshot-*.png), with playwright-core and
// Debian's Chromium, the page server on a free 127.0.0.1 port, a made-up sample month and a fixed
// clock (20 March 2026, Chicago). Run through scripts/screenshots.sh; names as arguments make only
// those (`node scripts/screenshots.mjs panel`).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startSuite, ROOT } from "../tests/browser/harness.mjs";

const OUT = join(ROOT, "docs");
const NOW = new Date("2026-03-20T10:00:00-05:00");
const VIEWPORT = { width: 1280, height: 900 };

const ONLY = new Set(process.argv.slice(2));
const want = (name) => ONLY.size === 0 || ONLY.has(name);

mkdirSync(OUT, { recursive: true });
const suite = await startSuite();
const shots = [];
try {
  const ctx = await suite.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, reducedMotion: "reduce" });
  const open = async (path) => {
    const page = await ctx.context.newPage();
    await page.clock.install({ time: NOW });
    await page.goto(`${suite.origin}${path}`);
    return page;
  };
  const save = async (page, name, opts = {}) => {
    const file = join(OUT, `screenshot-${name}.png`);
    await page.evaluate(() => document.activeElement?.blur?.());
    await page.screenshot({ path: file, ...opts });
    shots.push(file);
  };

  // 1. Check a month: the sample month, with a header code typed as a fourth condition so a
  //    finding shows next to its field and in the verdict.
  if (want("check")) {
    const page = await open("/#check");
    await page.waitForFunction(() => document.querySelector("ccm-month-check")?.result);
    const el = page.locator("ccm-month-check");
    await el.getByRole("button", { name: "Sample month" }).click();
    await el.getByRole("button", { name: "Add condition" }).click();
    await el.locator('[data-path="conditions[3].code"]').fill("E11");
    await el.locator('[data-path="conditions[3].code"]').press("Escape");
    await page.waitForFunction(() => document.querySelector("ccm-month-check").shadowRoot.querySelector('[data-msg-path="conditions[3].code"] [data-code]'));
    // The autocomplete's descriptions (the ICD table loads on first focus of a diagnosis box).
    await page.waitForFunction(() => document.querySelector("ccm-month-check").shadowRoot.querySelector('[data-desc-for="conditions[0].code"]')?.textContent);
    await el.locator('[data-path="conditions[3].code"]').press("Escape");
    await page.waitForFunction(() => [...document.querySelector("ccm-month-check").shadowRoot.querySelectorAll("[role=listbox]")].every((l) => l.hidden));
    await page.setViewportSize({ width: VIEWPORT.width, height: 1400 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await save(page, "check");
    await page.close();
  }
  // 2. Capture consent: the English script and a recorded consent.
  if (want("consent")) {
    const page = await open("/#consent");
    await page.locator("#view-consent .verify[data-ok]").waitFor();
    const view = page.locator("#view-consent");
    await view.getByLabel("Accepted", { exact: true }).check();
    await view.getByLabel("Billing practitioner (ID)").fill("1234567890");
    await view.getByLabel("Captured by (name)").fill("Sample RN");
    await view.getByRole("button", { name: "Record consent" }).click();
    await page.locator("pre.record-json").waitFor();
    await save(page, "consent", { fullPage: true });
    await page.close();
  }
  // 3. What-if revenue with the default practice.
  if (want("whatif")) {
    const page = await open("/#whatif");
    await page.locator('#view-whatif .whatif-results[data-ok="true"]').waitFor();
    await page.waitForFunction(() => document.querySelectorAll("#wi-locality option").length > 50);
    await save(page, "whatif", { fullPage: true });
    await page.close();
  }
  // 4. The embed demo (top of the page: snippet and the element).
  if (want("embed")) {
    const page = await open("/embed.html");
    await page.waitForFunction(() => document.querySelector("#demo-full")?.result);
    await save(page, "embed");
    await page.close();
  }
  // 5. The panel worklist: the sample panel, blocked and short months first.
  if (want("panel")) {
    const page = await open("/#panel");
    const el = page.locator("ccm-panel");
    await el.getByRole("button", { name: "Sample panel" }).click();
    await page.waitForFunction(() => document.querySelector("ccm-panel").dataset.loaded === "1");
    await el.getByLabel("Sort by", { exact: true }).selectOption("status");
    await page.waitForTimeout(300);
    await save(page, "panel");
    await page.close();
  }
  if (ctx.offOrigin.length) throw new Error(`off-origin requests: ${ctx.offOrigin.join(" ")}`);
  if (ctx.errors.length) throw new Error(`page errors: ${ctx.errors.join(" | ")}`);
} finally {
  await suite.close();
}
for (const f of shots) console.log(`screenshots: ${f.slice(ROOT.length + 1)}`);

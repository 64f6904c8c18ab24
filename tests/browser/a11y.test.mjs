// Accessibility: axe-core (npm, run inside the page; nothing fetched) on every view in the states
// a person sees: empty month with its input issue, the sample month with findings, a blocked month
// with a finding opened, consent capture with a record, the what-if calculator, the embed page.
// No serious or critical violation may remain (WCAG 2.0/2.1/2.2 A and AA rules, best practices).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { startSuite } from "./harness.mjs";
import { join } from "node:path";
import { openCheck, checkEl, control, pasteMonth, region } from "./page.mjs";
import { ROOT } from "./harness.mjs";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let suite;
let ctx;
before(async () => {
  suite = await startSuite();
  // axe measures colours by applying inline styles, which the page's CSP refuses; this context
  // alone bypasses the CSP so the scan is complete (the CSP has its own test).
  ctx = await suite.newContext({ bypassCSP: true });
});
after(async () => {
  // No page error anywhere while scanning.
  assert.deepEqual(ctx?.errors ?? [], []);
  await suite?.close();
});

/** Runs axe on the page (its source evaluated through the devtools protocol: nothing fetched). */
async function scan(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE);
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => [n.target.join(" > "), n.failureSummary]) }));
  });
  const bad = res.filter((v) => v.impact === "serious" || v.impact === "critical");
  const minor = res.filter((v) => !bad.includes(v));
  if (minor.length) console.log(`# ${label}: minor/moderate: ${minor.map((v) => `${v.id} (${v.impact})`).join(", ")}`);
  assert.deepEqual(bad, [], `${label}: serious/critical axe violations`);
}

test("check a month: empty, sample with findings, blocked with a finding opened", { timeout: 180_000 }, async () => {
  const page = await openCheck(ctx, suite.origin);
  await scan(page, "empty month");
  await checkEl(page).getByRole("button", { name: "Sample month" }).click();
  await control(page, "timeEntries[0].narrative").fill("call");
  // The payment controls: state → locality (with its findings), GPCI override open, QMB.
  const pay = region(page, "Payment");
  await page.waitForFunction(() => document.querySelector("ccm-month-check").shadowRoot.querySelectorAll('[data-focus-key="locality-state"] option').length > 50);
  await pay.getByLabel("State (for the locality)").selectOption("CA");
  await pay.getByLabel("Medicare locality", { exact: true }).selectOption("01112-09");
  await pay.locator("summary", { hasText: "Override GPCIs" }).click();
  await region(page, "Patient").getByLabel("Qualified Medicare Beneficiary (QMB)").check();
  await scan(page, "sample month with a warning, a locality and the GPCI override");
  const month = await page.evaluate(() => document.querySelector("ccm-month-check").value);
  delete month.consent;
  month.conditions.push({ code: "E11" });
  month.otherServices = [{ code: "G0557", date: "2026-03-02", practitionerId: "1234567890" }];
  await pasteMonth(page, month);
  await checkEl(page).locator(".findings details summary").first().click();
  await scan(page, "blocked month, finding opened");
  // Programs compared: the PCM and APCM controls, the comparison with a program's notes opened.
  await pasteMonth(page, { ...month, programs: ["ccm", "pcm", "apcm"], conditions: [{ code: "E11.9", pcmFocus: true }, { code: "I10" }], apcm: { responsibleForPrimaryCare: true, elementsAttested: ["access24x7", "continuity"] } });
  await checkEl(page).locator(".programs-compared .program-notes summary").first().click();
  await scan(page, "programs compared, APCM elements missing");
  // Autocomplete open.
  await control(page, "conditions[0].code").fill("diabetes");
  await checkEl(page).getByRole("listbox").getByRole("option").first().waitFor({ timeout: 20_000 });
  await scan(page, "autocomplete open");
  // Paste dialog open.
  await checkEl(page).getByRole("button", { name: "Paste JSON…" }).click();
  await scan(page, "paste dialog");
  await page.keyboard.press("Escape");
  // A custom rule pack the engine refuses: the pack's group, its buttons and the issues with paths.
  const pack = JSON.parse(readFileSync(join(ROOT, "packs", "examples", "example-medicare-advantage-2026.json"), "utf8"));
  pack.codes[0] = { code: "99490" };
  await pasteMonth(page, { ...month, rulePack: pack, payment: { setting: "rhc", locality: "01112-09" } });
  await checkEl(page).locator('[data-msg-path="rulePack"] .issue').first().waitFor();
  await scan(page, "custom rule pack with INVALID_RULE_PACK issues");
  await page.close();
});

test("capture consent: script, form and the recorded consent", { timeout: 120_000 }, async () => {
  const page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/#consent`);
  await page.locator("#view-consent .verify[data-ok]").waitFor();
  await scan(page, "consent (en)");
  await page.getByLabel(/^Español/).check();
  await page.getByLabel("Accepted", { exact: true }).check();
  await page.getByRole("button", { name: "Record consent" }).click();
  await page.locator("pre.record-json").waitFor();
  await scan(page, "consent recorded (es)");
  await page.close();
});

test("what-if revenue with its charts", { timeout: 120_000 }, async () => {
  const page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/#whatif`);
  await page.locator('#view-whatif .whatif-results[data-ok="true"]').waitFor();
  await page.waitForFunction(() => document.querySelectorAll("#wi-locality option").length > 50);
  await page.locator("#wi-locality").selectOption("01112-09");
  await page.locator("#wi-setting").selectOption("rhc");
  await page.getByLabel("Compare programs (CCM, PCM, APCM) per band").check();
  await page.locator(".programs-bands").waitFor();
  await scan(page, "what-if with a locality and programs compared");
  await page.getByLabel("Panel size (patients)").fill("");
  await scan(page, "what-if with an input problem");
  await page.close();
});

test("FHIR Bundle import: the options dialog with an error, the import details with problems and sources, the claim export with a denial", { timeout: 120_000 }, async () => {
  const page = await openCheck(ctx, suite.origin);
  const el = checkEl(page);
  const importBundle = async (name) => {
    const chooser = page.waitForEvent("filechooser");
    await el.getByRole("button", { name: "Import file…" }).click();
    await (await chooser).setFiles({ name, mimeType: "application/json", buffer: readFileSync(join(ROOT, "tests", "data", "fhir", name)) });
    const dialog = el.getByRole("dialog", { name: "Read a FHIR Bundle" });
    await dialog.waitFor();
    return dialog;
  };
  let dialog = await importBundle("partial.json");
  await dialog.getByLabel("Billing practitioner NPI").fill("");
  await dialog.getByRole("button", { name: "Read Bundle" }).click();
  await dialog.getByRole("alert").getByText("options.billingPractitioner.id").waitFor();
  await scan(page, "FHIR options dialog with the adapter's error");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  dialog = await importBundle("two-patients.json");
  await dialog.getByRole("button", { name: "Read Bundle" }).click();
  await el.locator("ul.fhir-problems").waitFor();
  await el.locator("details.fhir-sources summary").click();
  await el.locator(".claim-export .claim-state").waitFor();
  await scan(page, "FHIR import details (problems, sources open, Source: markers) and the claim export");
  dialog = await importBundle("apcm-conflict.json");
  await dialog.getByRole("button", { name: "Read Bundle" }).click();
  await el.locator('.claim-export ul.denials li[data-carc="CO-97"]').waitFor();
  await scan(page, "claim export with a CO-97 denial risk");
  await page.close();
});

test("embed page", { timeout: 120_000 }, async () => {
  const page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/embed.html`);
  await page.waitForFunction(() => document.querySelector("#demo-full")?.result && document.querySelector("#demo-verdict")?.result);
  await scan(page, "embed");
  assert.deepEqual(ctx.offOrigin, []);
  await page.close();
});

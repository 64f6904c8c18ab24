// Consent capture in English and Spanish: the built-in script is shown verbatim (its SHA-256
// checked on the page), the answer is recorded with method, date and who captured it, the record
// carries `version` and `textSha256`, and the claim pins that version; a different pin is
// CONSENT_VERSION_MISMATCH.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startSuite, loadNodeEngine } from "./harness.mjs";
import { openCheck, checkEl, region, control, readVerdict, expectVerdict, currentValue, currentResult, findingsAt, pasteMonth } from "./page.mjs";

let suite;
let engine;
let templates;
before(async () => {
  suite = await startSuite();
  engine = await loadNodeEngine();
  templates = engine.consentTemplates();
});
after(async () => suite?.close());

const LABEL = { en: "English", es: "Español" };

async function monthWithoutConsent(page) {
  const month = await page.evaluate(async () => (await import("/js/sample.js")).SAMPLE_MONTH);
  delete month.consent;
  delete month.claim;
  await pasteMonth(page, month);
  const v = await expectVerdict(page, { status: "blocked", lines: [] });
  assert.ok(v.findings.includes("CONSENT_MISSING"));
  return month;
}

async function capture(page, { language, answer, method, date, by }) {
  const t = templates.find((x) => x.language === language);
  // From the month check's consent section to the Consent view.
  await region(page, "Consent").getByRole("link", { name: "Capture consent with a script" }).click();
  const view = page.locator("#view-consent");
  await view.getByRole("heading", { name: "Capture consent", level: 1 }).waitFor();
  await view.getByLabel(`${LABEL[language]} (${t.version})`).check();
  // The script is shown verbatim, in its language, with its fingerprint checked on the page.
  const script = view.locator("article.script");
  assert.equal(await script.getAttribute("lang"), language);
  assert.equal(await script.locator(".script-text").textContent(), t.text);
  assert.equal(await view.locator(".tpl-sha").textContent(), t.textSha256);
  assert.equal(createHash("sha256").update(t.text, "utf8").digest("hex"), t.textSha256);
  await view.locator('.verify[data-ok="true"]').waitFor();
  // The four required elements are in the text (contract §8), in the project's own words.
  assert.deepEqual([...t.elements].sort(), ["availability", "costSharing", "onePractitioner", "rightToStop"]);

  const form = view.getByRole("form", { name: "Record the answer" });
  await form.getByLabel(answer === "accepted" ? "Accepted" : "Declined", { exact: true }).check();
  await form.getByLabel("Method", { exact: true }).selectOption(method);
  await form.getByLabel("Date", { exact: true }).fill(date);
  assert.equal(await form.getByLabel("Billing practitioner (ID)").inputValue(), "1234567890", "filled from the month");
  await form.getByLabel("Captured by (name)").fill(by.name);
  await form.getByLabel("Captured by (role)").selectOption(by.role);
  await form.getByRole("button", { name: "Record consent" }).click();

  const record = JSON.parse(await view.locator("pre.record-json").textContent());
  assert.deepEqual(record, {
    status: answer,
    date,
    method,
    version: t.version,
    textSha256: t.textSha256,
    elements: t.elements,
    practitionerId: "1234567890",
    capturedBy: by,
  });
  assert.match(await view.locator(".pin-line").textContent(), new RegExp(`${t.version}.*${answer}, ${method}, ${date}`));
  assert.equal(await view.getByLabel(/Pin this version on the claim/).isChecked(), true);
  await view.getByRole("button", { name: "Use in the month check" }).click();
  await page.locator("#view-check").waitFor({ state: "visible" });
  return { t, record };
}

for (const language of ["en", "es"]) {
  test(`consent captured in ${language}: the record carries version and hash, and the claim pins it`, { timeout: 120_000 }, async () => {
    const ctx = await suite.newContext();
    const page = await openCheck(ctx, suite.origin);
    const month = await monthWithoutConsent(page);
    const { t, record } = await capture(page, { language, answer: "accepted", method: "verbal", date: "2026-01-10", by: { name: "Test Nurse", role: "rn" } });

    // Back on the month: the record is on file, the claim pins it, and the month bills.
    const v = await expectVerdict(page, { status: "billable", lines: [["99490", 1], ["99439", 1]] });
    assert.equal(v.consentMatches, "true");
    assert.match(v.text, new RegExp(`Consent on file: ${t.version} \\(built-in script\\); matches the version pinned on the claim`));
    const value = await currentValue(page);
    assert.deepEqual(value.consent, record);
    assert.deepEqual(value.claim, { consentVersion: t.version, consentTextSha256: t.textSha256 });
    assert.equal(await control(page, "claim.consentVersion").inputValue(), t.version);
    assert.equal(await control(page, "consent.version").inputValue(), t.version);
    assert.deepEqual(await currentResult(page), engine.evaluate({ ...month, consent: record, claim: value.claim }));

    // The claim pins the other language's version: CONSENT_VERSION_MISMATCH, next to the pin.
    const other = templates.find((x) => x.language !== language);
    await control(page, "claim.consentVersion").fill(other.version);
    const bad = await expectVerdict(page, { status: "blocked", lines: [] });
    assert.ok(bad.findings.includes("CONSENT_VERSION_MISMATCH"), bad.findings.join(","));
    assert.equal(bad.consentMatches, "false");
    assert.deepEqual(await findingsAt(page, "claim.consentVersion"), ["CONSENT_VERSION_MISMATCH"]);
    // Same version, other text hash: also a mismatch.
    await control(page, "claim.consentVersion").fill(t.version);
    await expectVerdict(page, { status: "billable" });
    await control(page, "claim.consentTextSha256").fill(other.textSha256);
    assert.ok((await readVerdict(page)).findings.includes("CONSENT_VERSION_MISMATCH"));
    assert.deepEqual(ctx.errors, []);
    assert.deepEqual(ctx.offOrigin, []);
  });
}

test("a recorded refusal blocks the month with CONSENT_DECLINED", { timeout: 120_000 }, async () => {
  const ctx = await suite.newContext();
  const page = await openCheck(ctx, suite.origin);
  await monthWithoutConsent(page);
  await capture(page, { language: "es", answer: "declined", method: "written", date: "2026-02-01", by: { name: "Front Desk", role: "ma" } });
  const v = await expectVerdict(page, { status: "blocked", lines: [] });
  assert.ok(v.findings.includes("CONSENT_DECLINED"));
  assert.deepEqual(await findingsAt(page, "consent.status"), ["CONSENT_DECLINED"]);
});

// FHIR Bundles on the page and the claim export (issue 15): a Bundle imported with "Import file…"
// (or pasted) asks for the adapter's options (prefilled from the Bundle), loads the FHIR module
// (/pkg/fhir/, never before), fills the form with the mapped month (= fromFhir in Node), marks
// each field with its source, lists the mapping problems with their paths, and the verdict's claim
// export gives the 837P lines, the CSV and the FHIR Claim (= claim() in Node) and "Would be
// denied as CO-97" for a conflict. Nothing leaves the page's origin, nothing is stored.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startSuite, waitForEngine } from "./harness.mjs";
import { checkEl, currentResult, currentValue, readVerdict } from "./page.mjs";

const DATA = join(ROOT, "tests", "data", "fhir");
const read = (f) => readFileSync(join(DATA, f), "utf8");
const OPTIONS = JSON.parse(read("options.json"));
const fhir = createRequire(import.meta.url)(join(ROOT, "pkg", "fhir", "nodejs", "ccm_engine.js"));

let suite;
before(async () => {
  suite = await startSuite();
});
after(async () => {
  await suite?.close();
});

const fhirRequests = (requests) => requests.filter((u) => new URL(u).pathname.startsWith("/pkg/fhir/"));

async function open(ctx) {
  const page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/#check`);
  await waitForEngine(page);
  return page;
}

/** Picks `file` with "Import file…"; returns the options dialog. */
async function importBundle(page, file, text = read(file)) {
  const chooser = page.waitForEvent("filechooser");
  await checkEl(page).getByRole("button", { name: "Import file…" }).click();
  await (await chooser).setFiles({ name: file, mimeType: "application/json", buffer: Buffer.from(text) });
  const dialog = checkEl(page).getByRole("dialog", { name: "Read a FHIR Bundle" });
  await dialog.waitFor();
  return dialog;
}

/** In the dialog: the options file (tests/data/fhir/options.json), then "Read Bundle". */
async function readWithOptionsFile(page, dialog) {
  const chooser = page.waitForEvent("filechooser");
  await dialog.getByRole("button", { name: "Options file…" }).click();
  await (await chooser).setFiles({ name: "options.json", mimeType: "application/json", buffer: Buffer.from(read("options.json")) });
  await dialog.getByText("Options from options.json").waitFor();
  await dialog.getByRole("button", { name: "Read Bundle" }).click();
  await dialog.waitFor({ state: "hidden" });
}

async function downloadText(page, name) {
  const dl = page.waitForEvent("download");
  await checkEl(page).getByRole("button", { name }).click();
  const d = await dl;
  const chunks = [];
  for await (const c of await d.createReadStream()) chunks.push(c);
  return { name: d.suggestedFilename(), text: Buffer.concat(chunks).toString("utf8") };
}

test("the page never loads the FHIR module until a Bundle is imported; then the form holds fromFhir's month, with sources and the claim", { timeout: 90_000 }, async () => {
  const ctx = await suite.newContext();
  const page = await open(ctx);
  // A whole ordinary session: sample month, edits, export, the other views.
  await checkEl(page).getByRole("button", { name: "Sample month" }).click();
  await page.goto(`${suite.origin}/#whatif`);
  await page.goto(`${suite.origin}/#check`);
  await page.waitForTimeout(300);
  assert.deepEqual(fhirRequests(ctx.requests), [], "no /pkg/fhir/ request before a Bundle import");
  assert.ok(ctx.requests.some((u) => u.endsWith("/pkg/ccm_engine_bg.wasm")), "the core engine was loaded");

  const dialog = await importBundle(page, "month-bundle.json");
  // Prefilled from the Bundle: the month of its care-management time, the care plan author's NPI.
  assert.equal(await dialog.getByLabel("Service month (YYYY-MM)").inputValue(), "2026-03");
  assert.equal(await dialog.getByLabel("Billing practitioner NPI").inputValue(), "1234567893");
  await dialog.getByText("From the author of CarePlan/plan1.").waitFor();
  assert.deepEqual(fhirRequests(ctx.requests), [], "not even when the dialog opens");
  await readWithOptionsFile(page, dialog);
  await page.waitForFunction(() => document.querySelector("ccm-month-check").value?.patient?.ref === "Patient/p1");
  assert.ok(fhirRequests(ctx.requests).some((u) => u.endsWith("/pkg/fhir/ccm_engine_bg.wasm")), "the FHIR module is loaded now");

  const mapped = fhir.fromFhir(JSON.parse(read("month-bundle.json")), OPTIONS);
  assert.deepEqual(await currentValue(page), mapped.month, "the form holds fromFhir's month");
  const result = await currentResult(page);
  assert.equal(result.evaluation.status, "billable");
  assert.deepEqual(result.evaluation.lines.map((l) => [l.code, l.units, l.allowed]), [["99490", 1, 66.13], ["99439", 1, 50.44]]);
  const v = await readVerdict(page);
  assert.equal(v.status, "billable");
  assert.deepEqual(v.lines, [["99490", 1], ["99439", 1]]);
  assert.match(v.text, /\$116\.57/);

  // Sources: beside the fields, and in the import details.
  const el = checkEl(page);
  const mark = (path) => el.locator(`.source-mark[data-path="${path}"]`);
  assert.equal(await mark("conditions[0]").innerText(), "Source: Condition/c1");
  assert.equal(await mark("timeEntries[2]").innerText(), "Source: Task/task1");
  assert.equal(await mark("consent").innerText(), "Source: Consent/ccm-consent");
  assert.equal(await mark("patient.lastVisitDate").innerText(), "Source: Encounter/visit-nov");
  assert.equal(await mark("supervisionAttested").innerText(), "Source: the import options");
  const panel = el.getByRole("region", { name: "Imported from a FHIR Bundle" });
  await panel.getByText("no mapping problems").waitFor();
  await panel.getByText(/Where each field came from/).click();
  const rows = await panel.locator("table.sources tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.dataset.path, tr.querySelector("td").innerText]));
  assert.deepEqual(Object.fromEntries(rows), { ...mapped.sources, ...Object.fromEntries(Object.entries(mapped.sources).filter(([, s]) => s === "options").map(([k]) => [k, "the import options"])) });

  // A row removed above: the markers follow their rows.
  await el.locator('[data-msg-path="conditions[0]"] button.remove').first().click();
  assert.equal(await mark("conditions[0]").innerText(), "Source: Condition/c2");

  // The claim: lines at the allowed amounts by default; the practice's charges typed; CSV and Claim.
  await page.evaluate((m) => (document.querySelector("ccm-month-check").value = m), mapped.month);
  const claim = el.locator(".claim-export");
  await claim.getByRole("table", { name: "Service lines (837P)" }).waitFor();
  await claim.getByLabel(/^99490/).fill("95");
  await claim.getByLabel(/^99439/).fill("80");
  await claim.getByText("Ready to send.").waitFor();
  const lines = await claim.locator("table.claim-lines tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.dataset.code, tr.dataset.units, tr.querySelector(".charge").innerText]));
  assert.deepEqual(lines, [["99490", "1", "$95.00"], ["99439", "1", "$80.00"]]);
  assert.equal(await claim.locator(".total").innerText(), "$175.00");
  const want = fhir.claim(await currentValue(page), { charges: { 99490: 95, 99439: 80 }, placeOfService: "11" });
  const csv = await downloadText(page, "Download lines (CSV)");
  assert.equal(csv.name, "ccm-claim-2026-03-Patientp1.csv");
  assert.equal(
    csv.text,
    "line,code,units,unit_charge,charge,date_from,date_to,place_of_service,diagnosis_pointers,diagnoses,rendering_npi\r\n" +
      "1,99490,1,95.00,95.00,2026-03-31,2026-03-31,11,1 2,E11.9 I10,1234567893\r\n" +
      "2,99439,1,80.00,80.00,2026-03-31,2026-03-31,11,1 2,E11.9 I10,1234567893\r\n",
  );
  const json = await downloadText(page, "Download FHIR Claim (JSON)");
  assert.equal(json.name, "ccm-claim-2026-03-Patientp1-Claim.json");
  assert.deepEqual(JSON.parse(json.text), want.claim, "the downloaded Claim is claim()'s");

  // Another month replaces the import: no more markers or details.
  await el.getByRole("button", { name: "Sample month" }).click();
  assert.equal(await el.locator(".source-mark").count(), 0);
  assert.equal(await panel.count(), 0);
  assert.deepEqual(ctx.offOrigin, []);
  assert.deepEqual(ctx.errors, []);
});

test("mapping problems with their paths; a conflict's denial as CO-97; not a Bundle is refused with its path", { timeout: 90_000 }, async () => {
  const ctx = await suite.newContext();
  const page = await open(ctx);
  const el = checkEl(page);

  // Two Patients: an error problem and a warning, with their FHIR paths.
  let dialog = await importBundle(page, "two-patients.json");
  await readWithOptionsFile(page, dialog);
  const panel = el.getByRole("region", { name: "Imported from a FHIR Bundle" });
  await panel.getByText("2 mapping problems").waitFor();
  const problems = await panel.locator("ul.fhir-problems li").evaluateAll((lis) => lis.map((li) => [li.dataset.severity, li.dataset.path, li.querySelector(".sev").innerText]));
  assert.deepEqual(problems, [
    ["error", "Bundle.entry[1].resource", "ERROR"],
    ["warning", "Bundle.entry[7].resource.subject", "WARNING"],
  ]);

  // An EOB with APCM this month by the same practitioner: blocked, and the claim says why a payer would deny.
  dialog = await importBundle(page, "apcm-conflict.json");
  await readWithOptionsFile(page, dialog);
  await page.waitForFunction(() => document.querySelector("ccm-month-check").result?.evaluation?.status === "blocked");
  const claim = el.locator(".claim-export");
  await claim.getByText("Nothing to claim: the month is blocked.").waitFor();
  const denial = claim.locator('ul.denials li[data-carc="CO-97"]');
  assert.match(await denial.innerText(), /^Would be denied as CO-97: Payment is included in the allowance for another service already adjudicated \(bundled\)\./);
  assert.equal(await denial.getAttribute("data-finding"), "APCM_SAME_MONTH");
  assert.equal(await claim.getByRole("button", { name: "Download FHIR Claim (JSON)" }).isDisabled(), true);
  assert.equal(await el.locator('.source-mark[data-path="otherServices[0]"]').innerText(), "Source: ExplanationOfBenefit/eob-apcm#item[0]");

  // A transaction: the practitioner is named by a urn:uuid, and their qualification (HL7 v2-0360
  // MD) prefills the credential, saying where from.
  dialog = await importBundle(page, "transaction.json");
  assert.equal(await dialog.getByLabel("Billing practitioner NPI").inputValue(), "1234567893");
  await dialog.getByText("From the author of urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a08.").waitFor();
  assert.equal(await dialog.getByLabel("Credential").inputValue(), "MD");
  await dialog.getByText("From the qualification of urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a02.").waitFor();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // A Bundle the adapter does not read (a document): its INVALID_INPUT at Bundle.type, in the
  // dialog; the month stays.
  const before = await currentValue(page);
  dialog = await importBundle(page, "document.json", JSON.stringify({ resourceType: "Bundle", type: "document", entry: [] }));
  await dialog.getByLabel("Service month (YYYY-MM)").fill("2026-03");
  await dialog.getByLabel("Billing practitioner NPI").fill("1234567893");
  await dialog.getByRole("button", { name: "Read Bundle" }).click();
  const alert = dialog.getByRole("alert");
  await alert.getByText("Bundle.type").waitFor();
  assert.match(await alert.innerText(), /The Bundle could not be read: .*INVALID_INPUT/s);
  // Options missing: the paths name the dialog's fields.
  await dialog.getByLabel("Service month (YYYY-MM)").fill("");
  await dialog.getByRole("button", { name: "Read Bundle" }).click();
  await alert.getByText("options.serviceMonth").waitFor();
  assert.equal(await dialog.getByLabel("Service month (YYYY-MM)").getAttribute("aria-invalid"), "");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.deepEqual(await currentValue(page), before);

  // Another FHIR resource than a Bundle: said at once (the paste dialog shows the file and why).
  const chooser = page.waitForEvent("filechooser");
  await el.getByRole("button", { name: "Import file…" }).click();
  await (await chooser).setFiles({ name: "not-a-bundle.json", mimeType: "application/json", buffer: Buffer.from(read("not-a-bundle.json")) });
  const pasteDialog = el.getByRole("dialog", { name: "Paste month JSON" });
  await pasteDialog.getByText("This is a FHIR Patient resource, not a Bundle").waitFor();
  await pasteDialog.getByRole("button", { name: "Cancel" }).click();
  assert.deepEqual(await currentValue(page), before);

  // A Bundle pasted (Paste JSON…) opens the same dialog.
  await el.getByRole("button", { name: "Paste JSON…" }).click();
  const paste = pasteDialog;
  await paste.getByLabel(/A MonthInput object/).fill(read("time-kinds.json"));
  await paste.getByRole("button", { name: "Load" }).click();
  dialog = el.getByRole("dialog", { name: "Read a FHIR Bundle" });
  await dialog.waitFor();
  await readWithOptionsFile(page, dialog);
  await page.waitForFunction(() => document.querySelector("ccm-month-check").result?.evaluation?.status === "below_threshold");
  assert.deepEqual(await currentValue(page), fhir.fromFhir(JSON.parse(read("time-kinds.json")), OPTIONS).month);
  assert.deepEqual(ctx.offOrigin, []);
  assert.deepEqual(ctx.errors, []);
});

test("a month typed or imported as JSON: Prepare claim loads the claim builder, then lines and downloads", { timeout: 60_000 }, async () => {
  const ctx = await suite.newContext();
  const page = await open(ctx);
  const el = checkEl(page);
  const month = fhir.fromFhir(JSON.parse(read("searchset.json")), OPTIONS).month;
  await page.evaluate((m) => (document.querySelector("ccm-month-check").value = m), month);
  await page.waitForTimeout(200);
  assert.deepEqual(fhirRequests(ctx.requests), []);
  const claim = el.locator(".claim-export");
  await claim.getByRole("button", { name: "Prepare claim" }).click();
  await claim.getByRole("table", { name: "Service lines (837P)" }).waitFor();
  assert.ok(fhirRequests(ctx.requests).length > 0);
  // The allowed amount per unit prefilled as the charge; place of service 10 (telehealth at home).
  assert.equal(await claim.getByLabel(/^99490/).inputValue(), "66.13");
  await claim.getByLabel("Place of service").selectOption("10");
  const want = fhir.claim(month, { charges: { 99490: 66.13 }, placeOfService: "10" });
  const json = await downloadText(page, "Download FHIR Claim (JSON)");
  assert.deepEqual(JSON.parse(json.text), want.claim);
  assert.equal(want.claim.item[0].locationCodeableConcept.coding[0].code, "10");
  // Edits re-build the claim: below the threshold, nothing to claim.
  await page.evaluate((m) => (document.querySelector("ccm-month-check").value = { ...m, timeEntries: m.timeEntries.slice(0, 1) }), month);
  await claim.getByText("Nothing to claim: the month is below the threshold.").waitFor();
  assert.deepEqual(ctx.offOrigin, []);
  assert.deepEqual(ctx.errors, []);
});

test("keyboard only: the Bundle dialog (Enter reads, Escape cancels) and the claim export's controls", { timeout: 60_000 }, async () => {
  const ctx = await suite.newContext();
  const page = await open(ctx);
  const el = checkEl(page);
  const focused = () => page.evaluate(() => {
    const a = document.querySelector("ccm-month-check").shadowRoot.activeElement;
    return a ? a.getAttribute("aria-label") || a.id && a.closest(".field")?.querySelector("label")?.textContent || a.textContent : null;
  });
  const pickWithKeyboard = async (file) => {
    const chooser = page.waitForEvent("filechooser");
    await el.getByRole("button", { name: "Import file…" }).focus();
    assert.equal(await focused(), "Import file…");
    await page.keyboard.press("Enter");
    await (await chooser).setFiles({ name: file, mimeType: "application/json", buffer: Buffer.from(read(file)) });
    const dialog = el.getByRole("dialog", { name: "Read a FHIR Bundle" });
    await dialog.waitFor();
    return dialog;
  };
  const dialog = await pickWithKeyboard("searchset.json");
  assert.equal(await focused(), "Read Bundle", "prefilled: the focus is on Read Bundle");
  // Options file… by Enter; back through the fields (the date's parts) to Credential, typed into
  // the closed select (over the file's MD), then Enter in the NPI field reads the Bundle.
  // Playwright starts intercepting file choosers when the listener is added, without waiting:
  // one round trip to the page (focused()) before Enter makes sure the interception is on.
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focused(), "Options file…");
  await page.keyboard.press("Enter");
  await (await chooser).setFiles({ name: "options.json", mimeType: "application/json", buffer: Buffer.from(read("options.json")) });
  await dialog.getByText("Options from options.json").waitFor();
  for (let i = 0; i < 8 && (await focused()) !== "Credential"; i++) await page.keyboard.press("Shift+Tab");
  assert.equal(await focused(), "Credential");
  await page.keyboard.type("DO");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focused(), "Billing practitioner NPI");
  await page.keyboard.press("Enter"); // implicit submission from a text field
  await dialog.waitFor({ state: "hidden" });
  await page.waitForFunction(() => document.querySelector("ccm-month-check").value?.patient?.ref === "Patient/p7");
  assert.equal((await currentValue(page)).billingPractitioner.credential, "DO");
  assert.equal((await currentResult(page)).evaluation.status, "billable");
  // The claim export: place of service by arrows, a charge typed.
  const place = el.getByLabel("Place of service");
  await place.focus();
  await page.keyboard.press("ArrowDown"); // 11 → 02
  await page.keyboard.press("Tab");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("120");
  const claim = el.locator(".claim-export");
  await claim.locator("table.claim-lines .total").filter({ hasText: "$120.00" }).waitFor();
  assert.equal(await claim.locator("table.claim-lines tbody tr td").nth(3).innerText(), "02");
  // Escape cancels another Bundle's dialog: the month stays.
  const before = await currentValue(page);
  const chooser2 = page.waitForEvent("filechooser");
  await el.getByRole("button", { name: "Import file…" }).click();
  await (await chooser2).setFiles({ name: "partial.json", mimeType: "application/json", buffer: Buffer.from(read("partial.json")) });
  await dialog.waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual(await currentValue(page), before, "Escape changes nothing");
  assert.deepEqual(ctx.errors, []);
});

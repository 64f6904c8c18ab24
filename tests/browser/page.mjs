// Page-level helpers of the browser tests: read the verdict as a person sees it, load a month the
// way a person does (paste dialog, file chooser), and enter a whole month field by field.
import assert from "node:assert/strict";
import { waitForEngine } from "./harness.mjs";

export const STATUS_WORDS = { billable: "Billable", blocked: "Blocked", below_threshold: "Below threshold" };

/** Opens the page (index.html by default), waits for the engine and the first verdict. */
export async function openCheck(ctx, origin, path = "/") {
  const page = await ctx.context.newPage();
  await page.goto(`${origin}${path}`);
  await waitForEngine(page);
  return page;
}

/** The month check element (index.html has one; pass a selector on other pages). */
export const checkEl = (page, sel = "ccm-month-check") => page.locator(sel).first();

/** A section of the intake form, by its heading. */
export const region = (page, name, sel) => checkEl(page, sel).getByRole("region", { name, exact: true });

/** The control bound to an engine path (`timeEntries[1].end`). */
export const control = (page, path, sel) => checkEl(page, sel).locator(`[data-path="${path}"]`).first();

/**
 * What the verdict panel shows: status (data + badge words), the billed lines as [code, units]
 * read from the table's cells, the error code of an input error, and the whole text.
 */
export async function readVerdict(page, sel = "ccm-month-check") {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const v = el.shadowRoot.querySelector(".verdict-body");
    const rows = [...v.querySelectorAll("table.bill tbody tr")].map((tr) => [tr.querySelector("th.code").firstChild.textContent.trim(), Number(tr.querySelector("td.units").textContent)]);
    const supported = [...v.querySelectorAll("table.supported tbody tr")].map((tr) => [tr.querySelector("th.code").firstChild.textContent.trim(), Number(tr.querySelector("td.units").textContent)]);
    const pool = (k) => v.querySelector(`[data-pool="${k}"]`)?.textContent ?? null;
    return {
      status: v.dataset.status,
      badge: v.querySelector(".status .badge")?.textContent ?? null,
      lines: rows,
      supportedLines: supported,
      errorCode: v.dataset.errorCode || null,
      errorShown: v.querySelector(".err-code")?.textContent ?? null,
      nextUnit: v.querySelector(".next-unit")?.textContent ?? null,
      staff: pool("staff"),
      practitioner: pool("practitioner"),
      findings: [...v.querySelectorAll(".findings .finding")].map((f) => f.dataset.code),
      consentMatches: v.querySelector(".consent-summary")?.dataset.matches ?? null,
      summary: v.querySelector(".summary")?.textContent ?? "",
      ms: Number(v.dataset.ms ?? NaN),
      text: v.textContent,
    };
  }, sel);
}

/** The element's current Result and MonthInput. */
export const currentResult = (page, sel = "ccm-month-check") => page.evaluate((sel) => document.querySelector(sel).result, sel);
export const currentValue = (page, sel = "ccm-month-check") => page.evaluate((sel) => document.querySelector(sel).value, sel);

/** The finding codes shown next to the field (or row, or section) of `path`. */
export async function findingsAt(page, path, sel) {
  return checkEl(page, sel)
    .locator(`[data-msg-path="${path}"]`)
    .first()
    .evaluate((box, path) => {
      // only this box's own message slot(s), not those of nested fields
      const own = [...box.querySelectorAll(".msgs")].filter((m) => m.closest("[data-msg-path]") === box);
      return own.flatMap((m) => [...m.querySelectorAll("[data-code]")].map((f) => f.dataset.code));
    }, path);
}

const sortPairs = (pairs) => pairs.map(([c, u]) => `${c}x${u}`).sort();

/** Asserts the verdict shows `status` and exactly `lines` ([[code, units]]). */
export async function expectVerdict(page, { status, lines }, sel) {
  const v = await readVerdict(page, sel);
  if (status !== undefined) {
    assert.equal(v.status, status, `status shown: ${v.badge} (${v.summary})`);
    assert.equal(v.badge, STATUS_WORDS[status]);
  }
  if (lines !== undefined) assert.deepEqual(sortPairs(v.lines), sortPairs(lines), `lines shown: ${JSON.stringify(v.lines)}`);
  return v;
}

/** Loads a month through the "Paste JSON…" dialog, as a person would. */
export async function pasteMonth(page, month, sel) {
  const el = checkEl(page, sel);
  await el.getByRole("button", { name: "Paste JSON…" }).click();
  const dialog = el.getByRole("dialog", { name: "Paste month JSON" });
  await dialog.getByLabel("A MonthInput object").fill(typeof month === "string" ? month : JSON.stringify(month, null, 2));
  await dialog.getByRole("button", { name: "Load" }).click();
}

/** Loads a month through "Import file…" and the browser's file chooser. */
export async function importFile(page, name, text, sel) {
  const chooser = page.waitForEvent("filechooser");
  await checkEl(page, sel).getByRole("button", { name: "Import file…" }).click();
  await (await chooser).setFiles({ name, mimeType: "application/json", buffer: Buffer.from(text) });
  await page.waitForFunction(
    ([sel, month]) => document.querySelector(sel).value?.serviceMonth === month,
    [sel ?? "ccm-month-check", JSON.parse(text).serviceMonth],
  );
}

/** Clicks "Export file" and returns the downloaded file's name and parsed JSON. */
export async function exportFile(page, sel) {
  const dl = page.waitForEvent("download");
  await checkEl(page, sel).getByRole("button", { name: "Export file" }).click();
  const d = await dl;
  const stream = await d.createReadStream();
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return { name: d.suggestedFilename(), json: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
}

/** Types a diagnosis into the combobox of `row` and picks `code` from the suggestions. */
export async function pickCondition(page, row, query, code) {
  const input = row.getByRole("combobox", { name: "Diagnosis (ICD-10-CM)" });
  await input.fill(query);
  const option = row.getByRole("option").filter({ hasText: new RegExp(`^${code.replace(".", "\\.")}\\b`) }).first();
  await option.waitFor({ timeout: 20_000 });
  await option.click();
  assert.equal(await input.inputValue(), code);
}

/**
 * The month a person enters field by field (the made-up sample month): three conditions picked
 * from the autocomplete, the built-in English consent, 22 + 15 + 10 minutes of staff time.
 * Checks the verdict on the way: 99490 after the first entry, 99490 + 99439 at the end.
 */
export async function enterMonthByFields(page, { checkSteps = true } = {}) {
  const el = checkEl(page);
  await el.getByRole("button", { name: "New month" }).click();

  const month = region(page, "Month");
  await month.getByLabel(/^Service month/).fill("2026-03");
  await month.getByLabel("Checked as of", { exact: true }).fill("2026-03-20");

  const bp = region(page, "Billing practitioner");
  await bp.getByLabel(/^NPI or ID/).fill("1234567890");
  await bp.getByLabel("Credential", { exact: true }).selectOption("MD");
  await bp.getByLabel("Group (TIN)", { exact: true }).fill("TIN-1");

  const patient = region(page, "Patient");
  await patient.getByLabel("Patient reference", { exact: true }).fill("typed-001");
  await patient.getByLabel("Last visit with the practice", { exact: true }).fill("2025-11-03");

  const conditions = region(page, "Chronic conditions");
  await conditions.getByRole("button", { name: "Add condition" }).click();
  await pickCondition(page, conditions.getByRole("listitem", { name: "Condition 1" }), "diabetes type 2", "E11.9");
  await conditions.getByRole("button", { name: "Add condition" }).click();
  await pickCondition(page, conditions.getByRole("listitem", { name: "Condition 2" }), "I10", "I10");
  await conditions.getByRole("button", { name: "Add condition" }).click();
  const third = conditions.getByRole("listitem", { name: "Condition 3" });
  // A category header is not a valid code: the engine says so next to the field.
  await third.getByRole("combobox", { name: "Diagnosis (ICD-10-CM)" }).fill("E11");
  await third.getByRole("combobox", { name: "Diagnosis (ICD-10-CM)" }).press("Escape");
  if (checkSteps) assert.ok((await findingsAt(page, "conditions[2].code")).includes("CONDITION_CODE_INVALID"), "E11 is flagged next to its field");
  await pickCondition(page, third, "copd", "J44.9");
  if (checkSteps) {
    assert.deepEqual(await findingsAt(page, "conditions[2].code"), []);
    const desc = await third.locator(".desc").textContent();
    assert.match(desc, /chronic obstructive pulmonary disease/i);
  }

  const consent = region(page, "Consent");
  if (checkSteps) assert.ok((await findingsAt(page, "consent")).includes("CONSENT_MISSING"), "missing consent shown in the consent section");
  await consent.getByLabel("Patient's answer", { exact: true }).selectOption("accepted");
  await consent.getByLabel("Date given", { exact: true }).fill("2026-01-10");
  await consent.getByLabel("Method", { exact: true }).selectOption("verbal");
  await consent.getByLabel("Script version", { exact: true }).fill("ccm-consent-en-2026.1");
  await consent.getByLabel("For practitioner (ID)", { exact: true }).fill("1234567890");

  const visit = region(page, "Initiating visit");
  await visit.getByLabel("Visit date", { exact: true }).fill("2025-11-03");
  await visit.getByLabel("Visit type", { exact: true }).selectOption("em");
  await visit.getByLabel("Seen by (ID)", { exact: true }).fill("1234567890");

  const plan = region(page, "Care plan");
  await plan.getByLabel("Established on", { exact: true }).fill("2025-11-03");
  await plan.getByLabel("Signed by (practitioner ID)", { exact: true }).fill("1234567890");
  await plan.getByLabel("Signed on", { exact: true }).fill("2025-11-04");
  await plan.getByLabel("Last reviewed", { exact: true }).fill("2026-03-02");
  await plan.getByLabel("Kept electronically", { exact: true }).check();
  await plan.getByLabel("Care team can reach it 24/7", { exact: true }).check();
  await plan.getByLabel("Copy given to the patient", { exact: true }).check();

  const dm = region(page, "Decision making and supervision");
  await dm.getByLabel("Practitioner's medical decision making this month", { exact: true }).selectOption("moderate");
  await dm.getByLabel("Supervision of clinical staff attested", { exact: true }).check();

  if (checkSteps) await expectVerdict(page, { status: "below_threshold", lines: [] });

  const time = region(page, "Time this month");
  const entry = async (n, { name, role, start, end, narrative }) => {
    await time.getByRole("button", { name: "Add time entry" }).click();
    const row = time.getByRole("listitem", { name: new RegExp(`^Entry ${n}\\b`) });
    await row.getByLabel("Performed by (name)", { exact: true }).fill(name);
    await row.getByLabel("Role", { exact: true }).selectOption(role);
    await row.getByLabel("UTC offset", { exact: true }).fill("-05:00");
    await row.getByLabel("Start", { exact: true }).fill(start);
    await row.getByLabel("End", { exact: true }).fill(end);
    await row.getByLabel("What was done", { exact: true }).fill(narrative);
    return row;
  };
  const first = await entry(1, { name: "Sample RN", role: "rn", start: "2026-03-04T10:00", end: "2026-03-04T10:22", narrative: "Reviewed home glucose log with patient; reconciled metformin dose with pharmacy." });
  if (checkSteps) {
    assert.equal(await first.locator(".duration").textContent(), "22 min");
    const v = await expectVerdict(page, { status: "billable", lines: [["99490", 1]] });
    assert.match(v.nextUnit, /18 minutes to 99439, 11 days left/);
    assert.equal(v.staff, "22 min");
  }
  await entry(2, { name: "Sample RN", role: "rn", start: "2026-03-11T14:00", end: "2026-03-11T14:15", narrative: "Coordinated pulmonology referral and inhaler refill; updated care plan goals." });
  await entry(3, { name: "Sample MA", role: "ma", start: "2026-03-18T09:30", end: "2026-03-18T09:40", narrative: "Called patient to confirm blood pressure readings and next lab appointment." });

  const v = await expectVerdict(page, { status: "billable", lines: [["99490", 1], ["99439", 1]] });
  if (checkSteps) assert.equal(v.staff, "47 min");
  return v;
}

/** What the page keeps in the browser: [localStorage, sessionStorage, IndexedDB databases, Cache Storage caches, cookie]; [0, 0, 0, 0, ""] when nothing. */
export function storageKept(page) {
  return page.evaluate(async () => [localStorage.length, sessionStorage.length, (await indexedDB.databases()).length, (await caches.keys()).length, document.cookie]);
}

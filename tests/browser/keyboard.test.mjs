// Keyboard-only completion of the intake form: from the top of the page, with Tab, typing, Space,
// Enter and arrow keys only (no mouse, no programmatic focus or fill), a person enters a whole month
// and reaches a billable verdict with 99490 + 99439; rows are added and removed from the keyboard
// and the ICD autocomplete is driven with arrows.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSuite } from "./harness.mjs";
import { openCheck, readVerdict, currentValue } from "./page.mjs";

let suite;
before(async () => (suite = await startSuite()));
after(async () => suite?.close());

/** The focused element, looking through shadow roots. */
function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (!a || a === document.body) return { tag: "BODY" };
    return {
      tag: a.tagName,
      type: a.type ?? null,
      path: a.dataset?.path ?? null,
      action: a.dataset?.action ? `${a.dataset.action}:${a.dataset.target}` : null,
      key: a.dataset?.focusKey ?? null,
      text: (a.getAttribute("aria-label") ?? a.textContent ?? "").trim().slice(0, 60),
      value: a.value ?? null,
    };
  });
}

function keyboard(page) {
  let presses = 0;
  const k = {
    presses: () => presses,
    /** Presses Tab until the focused element matches (a data-path, an action, or a predicate). */
    async tabTo(want, max = 40) {
      const ok = typeof want === "function" ? want : (f) => f.path === want || f.action === want || f.text === want;
      for (let i = 0; i < max; i++) {
        await page.keyboard.press("Tab");
        presses++;
        const f = await focused(page);
        if (ok(f)) return f;
      }
      throw new Error(`Tab did not reach ${want} within ${max} presses (at ${JSON.stringify(await focused(page))})`);
    },
    async type(want, text, { clear = false } = {}) {
      await k.tabTo(want);
      if (clear) await page.keyboard.press("ControlOrMeta+A");
      await page.keyboard.type(text);
    },
    /** A date input in an en-US browser: mm dd yyyy segments. */
    async date(want, iso) {
      const [y, m, d] = iso.split("-");
      await k.tabTo(want);
      await page.keyboard.type(`${m}${d}${y}`);
    },
    /** A datetime-local input: mm dd yyyy, then → to the time, hh mm and AM/PM. */
    async dateTime(want, iso) {
      const [, y, mo, d, hh, mm] = iso.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/);
      await k.tabTo(want);
      await page.keyboard.type(`${mo}${d}${y}`);
      await page.keyboard.press("ArrowRight");
      const h = Number(hh);
      await page.keyboard.type(`${String(h % 12 === 0 ? 12 : h % 12).padStart(2, "0")}${mm}${h < 12 ? "A" : "P"}`);
    },
    /** A closed <select>: typing the start of an option's text selects it. */
    async choose(want, letters) {
      await k.tabTo(want);
      await page.keyboard.type(letters);
    },
    async check(want) {
      await k.tabTo(want);
      await page.keyboard.press("Space");
    },
    async press(want, key = "Enter") {
      await k.tabTo(want);
      await page.keyboard.press(key);
      presses++;
    },
  };
  return k;
}

test("the intake form can be completed with the keyboard only", { timeout: 240_000 }, async () => {
  const ctx = await suite.newContext();
  const page = await openCheck(ctx, suite.origin);
  const k = keyboard(page);
  const value = (path) => page.evaluate((p) => document.querySelector("ccm-month-check").shadowRoot.querySelector(`[data-path="${p}"]`)?.value, path);

  // Start from the top: the skip link comes first.
  const first = await k.tabTo(() => true);
  assert.equal(first.text, "Skip to content");

  await k.type("serviceMonth", "2026-03", { clear: true });
  await k.date("asOf", "2026-03-20");
  assert.equal(await value("asOf"), "2026-03-20");
  // Programs to compare: ticking one redraws the form (its controls appear) and keeps the focus.
  await k.check((f) => f.key === "programs:pcm");
  assert.equal((await focused(page)).key, "programs:pcm");
  await k.check((f) => f.key === "programs:apcm");
  await k.type("billingPractitioner.id", "1234567890");
  await k.choose("billingPractitioner.credential", "M");
  assert.equal(await value("billingPractitioner.credential"), "MD");
  await k.type("patient.ref", "kbd-001");
  await k.date("patient.lastVisitDate", "2025-11-03");
  await k.check("patient.qmb");

  // Conditions: Enter on "Add condition" puts the focus in the new row's diagnosis box.
  const conditions = [["diabetes type 2", "E11.9"], ["hypertension", "I10"], ["copd", "J44.9"]];
  for (const [i, [query, code]] of conditions.entries()) {
    await k.press("add:conditions");
    let f = await focused(page);
    assert.equal(f.path, `conditions[${i}].code`);
    await page.keyboard.type(query);
    const listbox = page.locator("ccm-month-check").getByRole("listbox");
    await listbox.getByRole("option").first().waitFor({ timeout: 20_000 });
    // Arrow down to the wanted code, then Enter.
    for (let n = 0; n < 12; n++) {
      await page.keyboard.press("ArrowDown");
      const active = await page.evaluate(() => {
        const sr = document.querySelector("ccm-month-check").shadowRoot;
        const id = sr.activeElement?.getAttribute("aria-activedescendant");
        return id ? sr.getElementById(id)?.dataset.code : null;
      });
      if (active === code) break;
    }
    await page.keyboard.press("Enter");
    f = await focused(page);
    assert.equal(f.value, code, `picked ${code} for "${query}"`);
    if (i === 0) await k.check("conditions[0].pcmFocus");
  }
  // A fourth row, added and removed again from the keyboard: focus returns to "Add condition".
  await k.press("add:conditions");
  await page.keyboard.press("Shift+Tab"); // the row's Remove button sits just before its first field
  assert.equal((await focused(page)).action, "remove:conditions[3]");
  await page.keyboard.press("Enter");
  assert.equal((await focused(page)).action, "add:conditions");

  await k.choose("consent.status", "A");
  assert.equal(await value("consent.status"), "accepted");
  await k.date("consent.date", "2026-01-10");
  await k.choose("consent.method", "V");
  await k.type("consent.version", "ccm-consent-en-2026.1");
  await k.type("consent.practitionerId", "1234567890");

  await k.date("initiatingVisit.date", "2025-11-03");
  await k.choose("initiatingVisit.type", "E");
  assert.equal(await value("initiatingVisit.type"), "em");

  await k.date("carePlan.established", "2025-11-03");
  await k.type("carePlan.signedBy", "1234567890");
  await k.date("carePlan.signedOn", "2025-11-04");
  await k.check("carePlan.electronic");
  await k.check("carePlan.accessible24x7");
  await k.check("carePlan.sharedWithPatient");
  await k.check("carePlan.diseaseSpecific");
  await k.check("apcm.responsibleForPrimaryCare");
  await k.press("all:apcm.elementsAttested");
  assert.equal((await focused(page)).action, "all:apcm.elementsAttested");
  await k.choose("complexity.mdm", "M");
  assert.equal(await value("complexity.mdm"), "moderate");
  await k.check("supervisionAttested");

  const entries = [
    ["Kbd RN", "R", "2026-03-04T10:00", "2026-03-04T10:22", "Reviewed home glucose log with patient; reconciled metformin dose."],
    [null, null, "2026-03-11T14:00", "2026-03-11T14:15", "Coordinated pulmonology referral and inhaler refill; updated goals."],
    ["Kbd MA", "Med", "2026-03-18T09:30", "2026-03-18T09:40", "Called patient to confirm blood pressure readings and lab date."],
  ];
  for (const [i, [name, role, start, end, narrative]] of entries.entries()) {
    const row = `timeEntries[${i}]`;
    await k.press("add:timeEntries");
    const f = await focused(page);
    assert.equal(f.path, `${row}.performer.name`, "focus lands in the new row");
    if (name) {
      await page.keyboard.press("ControlOrMeta+A");
      await page.keyboard.type(name);
      await k.choose(`${row}.performer.role`, role);
    }
    await k.dateTime(`${row}.start`, start);
    await k.dateTime(`${row}.end`, end);
    await k.type(`${row}.narrative`, narrative);
  }

  // Payment: a state, then one of its localities, typed into the closed selects.
  await k.choose((f) => f.key === "locality-state", "Calif");
  await k.choose("payment.locality", "SAN JOSE-SUNNYVALE-SANTA CLARA (SANTA");
  assert.equal(await value("payment.locality"), "01112-09");
  await k.check((f) => f.key === "gpci-override");
  await k.type("payment.gpci.mp", "0.5");

  const v = await readVerdict(page);
  assert.equal(v.status, "billable", `${v.badge}: ${v.summary} ${v.findings.join(",")}`);
  assert.deepEqual(v.lines, [["99490", 1], ["99439", 1]]);
  assert.equal(v.staff, "47 min");
  const month = await currentValue(page);
  assert.deepEqual(month.conditions.map((c) => c.code), ["E11.9", "I10", "J44.9"]);
  assert.deepEqual(month.timeEntries.map((t) => t.performer.role), ["rn", "rn", "ma"]);
  assert.deepEqual(month.payment, { locality: "01112-09", gpci: { mp: 0.5 } });
  assert.equal(month.patient.qmb, true);
  assert.deepEqual([month.programs, month.conditions[0].pcmFocus, month.carePlan.diseaseSpecific, month.apcm.responsibleForPrimaryCare], [["ccm", "pcm", "apcm"], true, true, true]);
  assert.deepEqual(month.apcm.elementsAttested, await page.evaluate(() => document.querySelector("ccm-month-check").ready.then((e) => e.rulePack("medicare-cy2026").programs.apcm.elements)));
  const cards = await page.locator("ccm-month-check").locator(".verdict-body li.program").evaluateAll((lis) => lis.map((li) => [li.dataset.program, li.dataset.status]));
  assert.deepEqual(cards, [["ccm", "billable"], ["pcm", "billable"], ["apcm", "billable"]], "every program billable once its controls were filled from the keyboard");
  assert.match(v.summary, /patient coinsurance \$0\.00/);
  assert.deepEqual(ctx.errors, []);
  console.log(`# keyboard-only month: ${k.presses()} Tab/Enter presses`);
});

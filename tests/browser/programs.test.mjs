// Programs beside CCM (CONTRACT §10, issue 14): the month form's "Programs to compare", PCM focus,
// disease-specific care plan and APCM attestations; the verdict's comparison of CCM, PCM and APCM
// (status, codes, amounts to the cent, what each lacks or needs, the recommendation and its reason);
// the round trip of the new fields; the what-if's programs per band. Every amount shown is compared
// with the engine's own Result (the nodejs build) for the month or scenario the page holds.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSuite, loadNodeEngine } from "./harness.mjs";
import { openCheck, checkEl, region, currentResult, currentValue, importFile, exportFile, findingsAt, storageKept } from "./page.mjs";

let suite;
let engine;
before(async () => {
  suite = await startSuite();
  engine = await loadNodeEngine();
});
after(async () => suite?.close());

const T = { timeout: 180_000 };
const usd = (x) => x.toLocaleString("en-US", { style: "currency", currency: "USD" });
const PROGRAM_BOX = { pcm: "PCM: Principal Care Management", apcm: "APCM: Advanced Primary Care Management" };

/** One card per program as the verdict shows it. */
function cards(page) {
  return checkEl(page)
    .locator(".verdict-body li.program")
    .evaluateAll((lis) =>
      lis.map((li) => ({
        program: li.dataset.program,
        status: li.dataset.status,
        badge: li.querySelector(".program-status .badge").textContent,
        allowed: Number(li.dataset.allowed),
        coinsurance: Number(li.dataset.coinsurance),
        recommended: li.dataset.recommended === "true",
        heading: li.querySelector("h4").textContent,
        billed: Boolean(li.querySelector("table.program-bill")),
        rows: [...li.querySelectorAll("table tbody tr")].map((tr) => [tr.dataset.code, Number(tr.dataset.units), tr.children[2].textContent, tr.children[3].textContent]),
        amount: li.querySelector(".program-amount")?.textContent ?? null,
        lacks: [...li.querySelectorAll(".program-lacks li")].map((x) => x.textContent),
        next: li.querySelector(".program-next")?.textContent ?? null,
        summary: li.querySelector(".engine-summary span").textContent,
      })),
    );
}

/**
 * The page's Result is the engine's for the month it holds, and the comparison shows each
 * program's status, lines (or supported lines) and amounts to the cent. Returns the evaluation
 * and the cards by program.
 */
async function expectPrograms(page, label) {
  const month = await currentValue(page);
  const want = engine.evaluate(month);
  assert.equal(want.ok, true, `${label}: ${JSON.stringify(want.error)}`);
  assert.deepEqual(await currentResult(page), want, `${label}: the page's Result is the engine's`);
  const e = want.evaluation;
  const shown = await cards(page);
  assert.deepEqual(shown.map((c) => c.program), e.programs.map((p) => p.program), `${label}: one card per program`);
  const by = {};
  e.programs.forEach((p, i) => {
    const c = shown[i];
    by[p.program] = c;
    assert.equal(c.status, p.status, `${label} ${p.program}: status`);
    assert.equal(c.allowed, p.allowed, `${label} ${p.program}: allowed`);
    assert.equal(c.coinsurance, p.coinsurance, `${label} ${p.program}: coinsurance`);
    const lines = p.lines.length ? p.lines : p.supportedLines;
    assert.equal(c.billed, p.lines.length > 0, `${label} ${p.program}: billed or only supported`);
    assert.deepEqual(c.rows, lines.map((l) => [l.code, l.units, usd(l.allowed), usd(l.coinsurance)]), `${label} ${p.program}: lines shown`);
    if (p.status === "billable") assert.equal(c.amount, `${usd(p.allowed)} allowed (estimate) · patient pays ${usd(p.coinsurance)}`);
    assert.equal(c.summary, p.summary, `${label} ${p.program}: the engine's summary`);
    assert.equal(c.recommended, e.recommended?.program === p.program, `${label} ${p.program}: recommended`);
    assert.equal(c.lacks.length, p.blockedBy.length, `${label} ${p.program}: one line per blocking code`);
  });
  const rec = await checkEl(page).locator(".verdict-body .programs-compared .recommended").textContent();
  if (e.recommended) assert.ok(rec.includes(e.recommended.reason), `${label}: the engine's reason: ${rec}`);
  return { month, e, by };
}

test("month form: PCM for one focus condition, APCM level 2 and 3, missing APCM elements in words, the §10 fields round-trip", T, async () => {
  const ctx = await suite.newContext();
  const page = await openCheck(ctx, suite.origin);
  const words = await page.evaluate(async () => {
    const w = await import("/js/words.js");
    return { findings: w.FINDINGS, elements: w.APCM_ELEMENTS };
  });
  const elements = engine.rulePack("medicare-cy2026").programs.apcm.elements;
  const sample = await page.evaluate(async () => (await import("/js/sample.js")).SAMPLE_MONTH);
  const entry = (minutes) => ({
    id: "t1",
    performer: { name: "Sample RN", role: "rn", id: "s-1" },
    start: "2026-03-04T10:00:00-05:00",
    end: `2026-03-04T10:${String(minutes).padStart(2, "0")}:00-05:00`,
    narrative: "Reviewed daily weights and diuretic dose with the patient; called cardiology.",
  });
  const month = region(page, "Month");
  const plan = region(page, "Care plan");

  // 1. One condition, 30 minutes of staff time: PCM once it is compared, focused and disease-specific.
  await importFile(page, "pcm.json", JSON.stringify({ ...structuredClone(sample), conditions: [{ code: "I50.22" }], timeEntries: [entry(30)] }));
  assert.equal(await checkEl(page).locator(".verdict-body .programs-compared").count(), 0, "no comparison without programs");
  assert.equal(await plan.getByLabel("Care plan is disease-specific").count(), 0, "PCM controls appear with PCM");
  await month.getByLabel(PROGRAM_BOX.pcm).check();
  assert.deepEqual((await currentValue(page)).programs, ["ccm", "pcm"]);
  assert.ok((await findingsAt(page, "conditions")).includes("PCM_FOCUS_CONDITION_MISSING"), "PCM's focus finding beside the conditions");
  assert.ok((await findingsAt(page, "carePlan.diseaseSpecific")).includes("PCM_CARE_PLAN_NOT_DISEASE_SPECIFIC"));
  let r = await expectPrograms(page, "PCM, nothing marked");
  assert.equal(r.by.pcm.status, "blocked");
  assert.deepEqual(r.by.pcm.lacks, [words.findings.PCM_FOCUS_CONDITION_MISSING.title, words.findings.PCM_CARE_PLAN_NOT_DISEASE_SPECIFIC.title]);
  assert.deepEqual(r.by.pcm.rows, [["99426", 1, "$67.80", "$13.56"]], "a blocked PCM still shows what it would pay");
  await region(page, "Chronic conditions").getByRole("listitem", { name: "Condition 1" }).getByLabel("PCM focus").check();
  await plan.getByLabel("Care plan is disease-specific").check();
  const exported = (await exportFile(page)).json;
  assert.deepEqual([exported.programs, exported.conditions, exported.carePlan.diseaseSpecific], [["ccm", "pcm"], [{ code: "I50.22", pcmFocus: true }], true]);
  assert.deepEqual(engine.evaluate(exported), await currentResult(page), "the verdict is evaluate() of the exported month");
  r = await expectPrograms(page, "PCM 30 min");
  assert.deepEqual([r.by.pcm.status, r.by.pcm.badge, r.by.pcm.rows], ["billable", "Billable", [["99426", 1, "$67.80", "$13.56"]]]);
  assert.match(r.by.pcm.amount, /^\$67\.80 allowed/);
  assert.equal(r.by.pcm.recommended, true);
  assert.match(r.by.pcm.heading, /PCM: Principal Care Management — recommended/);
  assert.match(r.by.pcm.next, /^PCM needs 30 more minutes for 99427\./);
  assert.equal(r.by.ccm.status, "blocked");
  assert.deepEqual(r.by.ccm.lacks, [words.findings.CONDITIONS_FEWER_THAN_TWO.title]);
  assert.deepEqual(r.by.ccm.rows, [["99490", 1, "$66.13", "$13.23"]], "a blocked CCM still shows what its time supports");
  assert.deepEqual(await findingsAt(page, "carePlan.diseaseSpecific"), []);

  // 2. Two conditions, 15 minutes: neither CCM nor PCM, but APCM level 2 once attested.
  await importFile(page, "apcm.json", JSON.stringify({ ...structuredClone(sample), conditions: [{ code: "E11.9" }, { code: "I10" }], timeEntries: [entry(15)] }));
  await month.getByLabel(PROGRAM_BOX.pcm).check();
  await month.getByLabel(PROGRAM_BOX.apcm).check();
  assert.deepEqual((await currentValue(page)).programs, ["ccm", "pcm", "apcm"]);
  const apcm = region(page, "Advanced primary care (APCM)");
  assert.deepEqual(
    await apcm.locator('input[data-kind="elements"]').evaluateAll((bs) => bs.map((b) => [b.value, b.labels[0].textContent])),
    elements.map((x) => [x, words.elements[x]]),
    "one box per element of the pack, in words",
  );
  r = await expectPrograms(page, "APCM not attested");
  assert.equal(r.by.apcm.status, "blocked");
  assert.ok((await findingsAt(page, "apcm.responsibleForPrimaryCare")).includes("APCM_NOT_PRIMARY_CARE"));
  await apcm.getByLabel("Responsible for the patient's primary care").check();
  await apcm.getByRole("button", { name: "Select all service elements" }).click();
  assert.deepEqual((await currentValue(page)).apcm, { responsibleForPrimaryCare: true, elementsAttested: elements });
  r = await expectPrograms(page, "APCM level 2");
  assert.deepEqual([r.by.apcm.status, r.by.apcm.rows, r.by.apcm.recommended], ["billable", [["G0557", 1, "$53.78", "$10.76"]], true]);
  assert.equal(r.by.ccm.status, "below_threshold");
  assert.match(r.by.ccm.next, /^CCM needs 5 more minutes for 99490\./);
  assert.match(r.by.pcm.next, /^PCM needs 15 more minutes for 99426\./);
  const compared = checkEl(page).locator(".verdict-body .programs-compared");
  assert.equal(await compared.getAttribute("data-recommended"), "apcm");
  const election = compared.locator(':scope > .finding[data-code="APCM_PRACTICE_ELECTION"]');
  assert.equal(await election.locator(".title").textContent(), words.findings.APCM_PRACTICE_ELECTION.title, "the practice-election note with APCM recommended");
  assert.match(await checkEl(page).locator(".verdict-body .program-pointer").textContent(), /Recommended program: APCM \(\$53\.78\)/);

  // 3. A QMB patient with two conditions: level 3, nothing owed by the patient.
  await region(page, "Patient").getByLabel("Qualified Medicare Beneficiary (QMB)").check();
  r = await expectPrograms(page, "APCM level 3");
  assert.deepEqual([r.by.apcm.rows, r.by.apcm.coinsurance], [[["G0558", 1, "$117.24", "$0.00"]], 0]);
  assert.match(r.by.apcm.amount, /^\$117\.24 allowed \(estimate\) · patient pays \$0\.00$/);

  // 4. Elements not attested: blocked, the missing ones named in words, beside the boxes too.
  const missing = elements.slice(-3);
  for (const x of missing) await apcm.getByLabel(words.elements[x], { exact: true }).uncheck();
  r = await expectPrograms(page, "APCM elements missing");
  assert.equal(r.by.apcm.status, "blocked");
  assert.deepEqual(r.by.apcm.rows, [["G0558", 1, "$117.24", "$0.00"]], "blocked APCM: what it would pay");
  assert.equal(r.by.apcm.lacks.length, 1);
  assert.ok(r.by.apcm.lacks[0].startsWith(words.findings.APCM_ELEMENTS_NOT_ATTESTED.title), r.by.apcm.lacks[0]);
  assert.ok(r.by.apcm.lacks[0].includes(`Missing: ${missing.map((x) => words.elements[x]).join("; ")}.`), r.by.apcm.lacks[0]);
  assert.deepEqual(await findingsAt(page, "apcm.elementsAttested"), ["APCM_ELEMENTS_NOT_ATTESTED"]);
  assert.equal(await checkEl(page).locator('[data-msg-path="apcm.elementsAttested"] .finding').getAttribute("data-programs"), "apcm");
  assert.match(await compared.locator(".recommended").textContent(), /^Recommended: none\./);

  // 5. The §10 fields round-trip through import and export, and the form shows them.
  const all = {
    ...structuredClone(sample),
    programs: ["ccm", "pcm", "apcm"],
    patient: { ...sample.patient, qmb: true },
    conditions: [{ code: "E11.9", pcmFocus: true }, { code: "I10", pcmFocus: false }],
    carePlan: { ...sample.carePlan, diseaseSpecific: true },
    apcm: { responsibleForPrimaryCare: true, elementsAttested: [...elements.slice(0, 4), "practiceOwnElement"] },
  };
  await importFile(page, "all.json", JSON.stringify(all));
  assert.deepEqual((await exportFile(page)).json, all);
  assert.deepEqual([await month.getByLabel(PROGRAM_BOX.pcm).isChecked(), await month.getByLabel(PROGRAM_BOX.apcm).isChecked()], [true, true]);
  assert.equal(await region(page, "Chronic conditions").getByRole("listitem", { name: "Condition 1" }).getByLabel("PCM focus").isChecked(), true);
  assert.equal(await plan.getByLabel("Care plan is disease-specific").isChecked(), true);
  assert.equal(await apcm.getByLabel("practiceOwnElement (from the data)").isChecked(), true, "an element the pack does not list stays");
  await expectPrograms(page, "all three");
  // Unticking PCM leaves CCM and APCM; unticking APCM too removes `programs` and the comparison.
  await month.getByLabel(PROGRAM_BOX.pcm).uncheck();
  assert.deepEqual((await currentValue(page)).programs, ["ccm", "apcm"]);
  await month.getByLabel(PROGRAM_BOX.apcm).uncheck();
  assert.equal((await currentValue(page)).programs, undefined);
  assert.equal(await region(page, "Advanced primary care (APCM)").count(), 0);
  assert.equal(await checkEl(page).locator(".verdict-body .programs-compared").count(), 0);

  assert.deepEqual(await storageKept(page), [0, 0, 0, 0, ""]);
  assert.deepEqual(ctx.errors, []);
  assert.deepEqual(ctx.offOrigin, []);
});

test("what-if: Compare programs sends programs and shows each band's CCM, PCM and APCM amounts as whatIf gives them", T, async () => {
  const ctx = await suite.newContext();
  const page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/#whatif`);
  const view = page.locator("#view-whatif");
  await view.locator('.whatif-results[data-ok="true"]').waitFor();
  const form = view.getByRole("form", { name: "Your practice" });
  const scenario = async () => {
    const dl = page.waitForEvent("download");
    await form.getByRole("button", { name: "Export scenario" }).click();
    const chunks = [];
    for await (const c of await (await dl).createReadStream()) chunks.push(c);
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  };
  const table = view.locator(".whatif-results table.programs-bands");
  assert.equal(await table.count(), 0, "no comparison unless asked");
  assert.equal((await scenario()).programs, undefined);

  await form.getByLabel("Compare programs (CCM, PCM, APCM) per band").check();
  const sc = await scenario();
  assert.deepEqual(sc.programs, ["ccm", "pcm", "apcm"]);
  const want = engine.whatIf(sc);
  assert.equal(want.ok, true);
  const rows = await table.locator("tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({
      best: tr.dataset.best,
      bestName: tr.querySelector(".best-name").textContent,
      cells: [...tr.querySelectorAll("td[data-program]")].map((td) => ({ program: td.dataset.program, allowed: Number(td.dataset.allowed), per: Number(td.dataset.perPatientMonth), text: td.textContent, best: td.classList.contains("best") })),
    })),
  );
  assert.equal(rows.length, want.bands.length);
  want.bands.forEach((b, i) => {
    const p = b.programs;
    assert.equal(rows[i].best, p.best, `band ${i}: pays most`);
    assert.equal(rows[i].bestName, p.best.toUpperCase());
    for (const c of rows[i].cells) {
      assert.equal(c.allowed, p[c.program].allowed, `band ${i} ${c.program}: allowed`);
      assert.equal(c.per, p[c.program].allowedPerPatientMonth, `band ${i} ${c.program}: per patient-month`);
      assert.ok(c.text.startsWith(`${usd(p[c.program].allowed)}${usd(p[c.program].allowedPerPatientMonth)} per patient-month`), `band ${i} ${c.program}: ${c.text}`);
      assert.equal(c.best, c.program === p.best);
    }
  });
  assert.ok(rows.some((r) => r.best === "apcm") && rows.some((r) => r.best === "ccm"), "the defaults have bands where each pays most");
  // The rest of the projection is the same answer as before.
  assert.equal(Number(await view.locator('tr[data-total="allowed"] td[data-period="monthly"]').getAttribute("data-value")), want.monthly.allowed);
  const caveat = await view.locator(".programs-caveat").textContent();
  assert.match(caveat, /PCM needs one complex chronic condition/);
  assert.match(caveat, /APCM is elected by the practice/);
  await form.getByLabel("Compare programs (CCM, PCM, APCM) per band").uncheck();
  assert.equal(await table.count(), 0);
  assert.deepEqual(ctx.errors, []);
  assert.deepEqual(ctx.offOrigin, []);
});

// Places and payers on the page (issue 13): the month form's state → locality picker sends
// `payment.locality` (GPCIs only as an explicit override), RHC/FQHC settings, the QMB checkbox,
// rule-pack files read from disk (a payer's pack priced to the cent, a broken one reported with its
// paths), the provisional CY2027 pack; the what-if calculator's locality, settings and pack files.
// Every amount shown is compared with the engine's own Result for the month the page holds.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startSuite, loadNodeEngine, ROOT } from "./harness.mjs";
import { openCheck, checkEl, region, readVerdict, currentResult, currentValue, importFile, exportFile, findingsAt, storageKept } from "./page.mjs";

let suite;
let engine;
before(async () => {
  suite = await startSuite();
  engine = await loadNodeEngine();
});
after(async () => suite?.close());

const T = { timeout: 180_000 };
const usd = (x) => x.toLocaleString("en-US", { style: "currency", currency: "USD" });
const MA_PACK_TEXT = readFileSync(join(ROOT, "packs", "examples", "example-medicare-advantage-2026.json"), "utf8");
const MA_PACK = JSON.parse(MA_PACK_TEXT);
/** A pack object the engine refuses: one code without track, kind, maxUnits or RVUs. */
const BROKEN_PACK = { ...MA_PACK, id: "broken-pack", codes: [{ code: "99490" }, ...MA_PACK.codes.slice(1)] };
const NEW_CODES = [
  "LOCALITY_GPCI", "GPCI_STAND_IN", "RHC_FQHC_NATIONAL_RATE", "RHC_FQHC_G0511_PERIOD", "QMB_NO_COINSURANCE",
  "CODE_NOT_COVERED_BY_PAYER", "RULE_PACK_PROVISIONAL", "PRACTITIONER_CREDENTIAL_READ_AS", "INITIATING_VISIT_PRACTITIONER_MISMATCH",
];

/** The verdict's amounts as shown: [code, units, allowed text, patient-pays text] per billed line. */
function shownLines(page) {
  return checkEl(page).locator(".verdict-body table.bill tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [tr.dataset.code, Number(tr.dataset.units), tr.children[2].textContent, tr.children[3].textContent]),
  );
}

/** The page shows exactly the engine's Result for the month it holds, amounts to the cent. */
async function expectEngineAmounts(page, label) {
  const month = await currentValue(page);
  const want = engine.evaluate(month);
  assert.deepEqual(await currentResult(page), want, `${label}: the page's Result is the engine's`);
  assert.equal(want.ok, true, `${label}: ${JSON.stringify(want.error)}`);
  const e = want.evaluation;
  assert.deepEqual(await shownLines(page), e.lines.map((l) => [l.code, l.units, usd(l.allowed), usd(l.coinsurance)]), `${label}: lines shown`);
  const v = await readVerdict(page);
  if (e.status === "billable") assert.ok(v.summary.includes(`${usd(e.payment.allowed)} allowed`), `${label}: ${v.summary}`);
  return { month, e, v };
}

/** The plain words of a finding as the verdict shows them (never the code-as-words fallback). */
async function findingTitle(page, code) {
  return checkEl(page).locator(`.verdict-body .findings .finding[data-code="${code}"] .title`).first().textContent();
}

test("month form: state → locality sets payment.locality; RHC/FQHC at the national amount; QMB owes nothing; GPCIs only as an override", T, async () => {
  const ctx = await suite.newContext();
  const page = await openCheck(ctx, suite.origin);
  const words = await page.evaluate(async () => (await import("/js/words.js")).FINDINGS);
  for (const code of NEW_CODES) assert.ok(words[code]?.title && words[code]?.fix, `words.js explains ${code}`);

  await checkEl(page).getByRole("button", { name: "Sample month" }).click();
  const national = await expectEngineAmounts(page, "sample, no locality");
  const pay = region(page, "Payment");
  const locality = pay.getByLabel("Medicare locality", { exact: true });
  await page.waitForFunction(() => document.querySelector("ccm-month-check").shadowRoot.querySelectorAll('[data-focus-key="locality-state"] option').length > 50);
  // Pick a state, then one of its localities.
  await pay.getByLabel("State (for the locality)").selectOption("CA");
  assert.equal(await locality.inputValue(), "", "California has several localities: none picked yet");
  assert.ok((await locality.locator("option").count()) > 20);
  await locality.selectOption("01112-09");
  assert.match(await pay.locator(".locality-desc").textContent(), /SANTA CLARA.*work 1\.1, PE 1\.435, MP 0\.42/);
  const exported = (await exportFile(page)).json;
  assert.deepEqual(exported.payment, { locality: "01112-09" }, "the locality is sent, not three numbers");
  const local = await expectEngineAmounts(page, "Santa Clara");
  assert.deepEqual(engine.evaluate(exported), await currentResult(page), "the verdict is evaluate() of the exported month");
  assert.equal(local.e.payment.locality, "01112-09");
  assert.notEqual(local.e.payment.allowed, national.e.payment.allowed);
  assert.equal(await checkEl(page).locator(".verdict-body .pricing").getAttribute("data-locality"), "01112-09");
  assert.match(await checkEl(page).locator(".verdict-body .pricing").textContent(), /locality 01112-09 \(SAN JOSE-SUNNYVALE-SANTA CLARA/);
  for (const code of ["LOCALITY_GPCI", "GPCI_STAND_IN"]) assert.equal(await findingTitle(page, code), words[code].title);
  assert.ok((await findingsAt(page, "payment.locality")).includes("GPCI_STAND_IN"), "the stand-in warning sits at the locality");
  // A state that is one locality picks it.
  await pay.getByLabel("State (for the locality)").selectOption("AL");
  assert.equal(await locality.inputValue(), "10112-00");
  assert.equal((await currentValue(page)).payment.locality, "10112-00");
  await pay.getByLabel("State (for the locality)").selectOption("CA");
  assert.equal((await currentValue(page)).payment?.locality, undefined, "another state's locality is dropped");
  await locality.selectOption("01112-09");

  // GPCIs: an explicit override under a disclosure, sent only when filled.
  const work = pay.getByLabel("Work GPCI", { exact: true });
  assert.equal(await work.isVisible(), false, "the override is closed by default");
  await pay.locator("summary", { hasText: "Override GPCIs" }).click();
  await work.fill("1.25");
  assert.deepEqual((await currentValue(page)).payment, { locality: "01112-09", gpci: { work: 1.25 } });
  await expectEngineAmounts(page, "locality + work GPCI override");
  await work.fill("");
  assert.deepEqual((await currentValue(page)).payment, { locality: "01112-09" });

  // RHC: the national amount whatever the locality, said in words.
  const setting = pay.getByLabel("Setting", { exact: true });
  assert.deepEqual(await setting.locator("option").evaluateAll((os) => os.map((o) => o.value)), ["", "facility", "nonFacility", "rhc", "fqhc"]);
  await setting.selectOption("rhc");
  const rhc = await expectEngineAmounts(page, "RHC");
  assert.equal(rhc.e.payment.setting, "rhc");
  assert.equal(rhc.e.payment.allowed, national.e.payment.allowed, "RHC: the national amount");
  assert.equal(await findingTitle(page, "RHC_FQHC_NATIONAL_RATE"), words.RHC_FQHC_NATIONAL_RATE.title);
  assert.match(await checkEl(page).locator(".verdict-body .pricing").textContent(), /rural health clinic \(RHC\), national amount/);

  // QMB: coinsurance 0 on every line.
  await region(page, "Patient").getByLabel("Qualified Medicare Beneficiary (QMB)").check();
  const qmb = await expectEngineAmounts(page, "QMB");
  assert.equal(qmb.e.payment.coinsurance, 0);
  assert.ok(qmb.e.lines.length > 0 && qmb.e.lines.every((l) => l.coinsurance === 0));
  assert.deepEqual((await shownLines(page)).map((l) => l[3]), qmb.e.lines.map(() => "$0.00"));
  assert.match(qmb.v.summary, /patient coinsurance \$0\.00/);
  assert.equal(await findingTitle(page, "QMB_NO_COINSURANCE"), words.QMB_NO_COINSURANCE.title);

  // Import → export gives the same JSON: FQHC, a locality, QMB; the picker shows the locality's state.
  const sample = await page.evaluate(async () => (await import("/js/sample.js")).SAMPLE_MONTH);
  const month = { ...structuredClone(sample), serviceMonth: "2025-09", asOf: "2025-09-30", patient: { ...sample.patient, qmb: true }, payment: { setting: "fqhc", locality: "12202-01" } };
  await importFile(page, "fqhc.json", JSON.stringify(month));
  assert.deepEqual((await exportFile(page)).json, month);
  assert.equal(await pay.getByLabel("State (for the locality)").inputValue(), "DC");
  assert.equal(await locality.inputValue(), "12202-01");
  assert.equal(await pay.getByLabel("Setting", { exact: true }).inputValue(), "fqhc");
  assert.equal(await region(page, "Patient").getByLabel("Qualified Medicare Beneficiary (QMB)").isChecked(), true);
  await expectEngineAmounts(page, "FQHC 2025-09");
  assert.equal(await findingTitle(page, "RHC_FQHC_G0511_PERIOD"), words.RHC_FQHC_G0511_PERIOD.title);
  // An unknown locality is kept as written and flagged at its field with the engine's issue.
  const unknown = { ...month, payment: { locality: "99999-99" } };
  await importFile(page, "unknown.json", JSON.stringify(unknown));
  assert.deepEqual((await exportFile(page)).json, unknown);
  assert.equal((await readVerdict(page)).errorShown, "INVALID_INPUT");
  assert.deepEqual(await findingsAt(page, "payment.locality"), ["INVALID_INPUT"]);
  assert.match(await locality.locator("option:checked").textContent(), /99999-99 \(from the data\)/);
  assert.deepEqual(ctx.errors, []);
  assert.deepEqual(ctx.offOrigin, []);
});

test("month form: a rule-pack file is read in the browser and priced by the engine; a broken one shows its paths; CY2027 says provisional", T, async () => {
  const ctx = await suite.newContext();
  const page = await openCheck(ctx, suite.origin);
  const words = await page.evaluate(async () => (await import("/js/words.js")).FINDINGS);
  const el = checkEl(page);
  await el.getByRole("button", { name: "Sample month" }).click();
  const month = region(page, "Month");
  const loadPack = async (name, text, button = "Load pack file…") => {
    const chooser = page.waitForEvent("filechooser");
    await month.getByRole("button", { name: button }).click();
    await (await chooser).setFiles({ name, mimeType: "application/json", buffer: Buffer.from(text) });
  };

  // The example Medicare Advantage pack: the contract's amounts, to the cent.
  const requests = ctx.requests.length;
  await loadPack("example-ma.json", MA_PACK_TEXT);
  await page.waitForFunction(() => document.querySelector("ccm-month-check").value.rulePack?.id === "example-ma-plan-2026");
  assert.deepEqual((await currentValue(page)).rulePack, MA_PACK);
  const ma = await expectEngineAmounts(page, "MA pack");
  assert.deepEqual(ma.e.lines.map((l) => [l.code, l.allowed]), [["99490", 58], ["99439", 44]]);
  assert.match(await month.locator(".pack-name").textContent(), /from example-ma\.json: example-ma-plan-2026 · Example Medicare Advantage plan/);
  assert.match(await el.locator(".verdict-body .pricing").textContent(), /payer: Example Medicare Advantage plan/);
  // Reading the file sent nothing: the only requests since are the page's own static files (the
  // ICD worker starts when the form redraws its conditions).
  for (const url of ctx.requests.slice(requests)) assert.match(new URL(url).pathname, /^\/(js|data)\/[\w.-]+$/, url);
  // A code the payer does not cover: the practitioner's 65 minutes reach 99437.
  const own = await currentValue(page);
  own.track = "practitioner";
  own.timeEntries = [{ id: "p1", performer: { name: "Dr Sample", role: "billing_practitioner" }, start: "2026-03-05T09:00:00-05:00", end: "2026-03-05T10:05:00-05:00", narrative: "Reviewed labs, adjusted insulin and discussed the plan with the patient by phone." }];
  await importFile(page, "practitioner.json", JSON.stringify(own));
  const uncovered = await expectEngineAmounts(page, "99437 not covered");
  assert.deepEqual(uncovered.e.lines.map((l) => [l.code, l.allowed]), [["99491", 80], ["99437", 0]]);
  assert.equal(await findingTitle(page, "CODE_NOT_COVERED_BY_PAYER"), words.CODE_NOT_COVERED_BY_PAYER.title);
  assert.match(await month.locator(".pack-name").textContent(), /from the imported month: example-ma-plan-2026/);

  // A broken pack: INVALID_RULE_PACK, each issue with its path, beside the picker and in the verdict.
  await loadPack("broken.json", JSON.stringify(BROKEN_PACK), "Load another pack file…");
  await page.waitForFunction(() => document.querySelector("ccm-month-check").value.rulePack?.id === "broken-pack");
  const want = engine.evaluate(await currentValue(page));
  assert.equal(want.error.code, "INVALID_RULE_PACK");
  assert.deepEqual(await currentResult(page), want);
  const v = await readVerdict(page);
  assert.equal(v.errorShown, "INVALID_RULE_PACK");
  const shownIssues = await el.locator(".verdict-body ul.issues li code").allTextContents();
  assert.deepEqual(shownIssues, want.error.issues.map((i) => i.path));
  assert.ok(shownIssues.includes("rulePack.codes[0].rvu"), shownIssues.join(" "));
  const beside = await month.locator('[data-msg-path="rulePack"] .msgs .issue').evaluateAll((ns) => ns.map((n) => [n.dataset.code, n.querySelector("code.path")?.textContent]));
  assert.deepEqual(beside, want.error.issues.map((i) => ["INVALID_RULE_PACK", i.path]));
  // A file that is not JSON changes nothing and says why.
  await loadPack("notes.txt", "this is not a pack", "Load another pack file…");
  await month.getByRole("alert").waitFor();
  assert.match(await month.getByRole("alert").textContent(), /notes\.txt is not valid JSON.*not changed/);
  assert.equal((await currentValue(page)).rulePack.id, "broken-pack");

  // Back to the built-in packs; CY2027 is provisional in the picker, the verdict and its finding.
  await month.getByRole("button", { name: "Use a built-in pack" }).click();
  assert.equal((await currentValue(page)).rulePack, undefined);
  const picker = month.getByLabel("Rule pack", { exact: true });
  assert.match(await picker.locator('option[value="medicare-cy2027"]').textContent(), /provisional/);
  await month.getByLabel(/^Service month/).fill("2027-03");
  await picker.selectOption("medicare-cy2027");
  const p = await readVerdict(page);
  assert.match(p.text, /medicare-cy2027 2027\.0-proposed \(provisional\)/);
  assert.equal(await findingTitle(page, "RULE_PACK_PROVISIONAL"), words.RULE_PACK_PROVISIONAL.title);
  assert.deepEqual(await currentResult(page), engine.evaluate(await currentValue(page)));
  // Nothing kept in the browser.
  assert.deepEqual(await storageKept(page), [0, 0, 0, 0, ""]);
  assert.deepEqual(ctx.errors, []);
  assert.deepEqual(ctx.offOrigin, []);
});

test("what-if: a picked locality is sent as payment.locality, RHC/FQHC settings, rule-pack files; totals equal whatIf", T, async () => {
  const ctx = await suite.newContext();
  const page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/#whatif`);
  const view = page.locator("#view-whatif");
  await view.locator('.whatif-results[data-ok="true"]').waitFor();
  await page.waitForFunction(() => document.querySelectorAll("#wi-locality option").length > 50);
  const form = view.getByRole("form", { name: "Your practice" });
  const scenario = async () => {
    const dl = page.waitForEvent("download");
    await form.getByRole("button", { name: "Export scenario" }).click();
    const chunks = [];
    for await (const c of await (await dl).createReadStream()) chunks.push(c);
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  };
  const shown = () => view.locator(".whatif-results").evaluate((out) => ({
    ok: out.dataset.ok,
    monthly: Number(out.querySelector('tr[data-total="allowed"] td[data-period="monthly"]')?.dataset.value),
    bands: [...out.querySelectorAll(".bands-out tbody tr")].map((tr) => Number(tr.dataset.allowed)),
    issues: [...out.querySelectorAll("ul.issues li code")].map((c) => c.textContent),
    pricing: out.querySelector(".pricing")?.textContent ?? "",
    text: out.textContent,
  }));
  const expectEngine = async (label) => {
    const sc = await scenario();
    const want = engine.whatIf(sc);
    const got = await shown();
    assert.equal(got.ok, String(want.ok), `${label}: ${got.text.slice(0, 200)}`);
    if (want.ok) {
      assert.equal(got.monthly, want.monthly.allowed, `${label}: monthly allowed`);
      assert.deepEqual(got.bands, want.bands.map((b) => b.allowed), `${label}: bands`);
    } else assert.deepEqual(got.issues, want.error.issues.map((i) => i.path), `${label}: issues`);
    return { sc, want, got };
  };

  const base = await expectEngine("defaults");
  assert.equal(base.sc.payment.gpci, undefined, "no GPCIs are sent unless typed");
  await form.getByLabel("Medicare locality (2025 table)").selectOption("01112-09");
  const local = await expectEngine("Santa Clara");
  assert.equal(local.sc.payment.locality, "01112-09");
  assert.equal(local.sc.payment.gpci, undefined, "the locality is sent, not its numbers");
  assert.notEqual(local.want.monthly.allowed, base.want.monthly.allowed);
  assert.match(local.got.pricing, /locality 01112-09 \(SAN JOSE-SUNNYVALE-SANTA CLARA.*CY2025 GPCIs as a stand-in for 2026/);
  assert.equal(await form.getByLabel("Work GPCI").getAttribute("placeholder"), "1.1");
  await form.getByLabel("PE GPCI").fill("1.3");
  assert.deepEqual((await expectEngine("PE override")).sc.payment.gpci, { pe: 1.3 });
  await form.getByLabel("PE GPCI").fill("");
  // RHC and FQHC: the national amount.
  assert.deepEqual(await form.getByLabel("Setting").locator("option").evaluateAll((os) => os.map((o) => o.value)), ["nonFacility", "facility", "rhc", "fqhc"]);
  for (const s of ["rhc", "fqhc"]) {
    await form.getByLabel("Setting").selectOption(s);
    const r = await expectEngine(s);
    assert.equal(r.want.monthly.allowed, base.want.monthly.allowed, `${s}: national amount`);
    assert.match(r.got.pricing, /national amount/);
  }
  await form.getByLabel("Setting").selectOption("nonFacility");

  // A pack file: the payer's pack has no GPCI table, so its locality is refused with the path …
  const loadPack = async (name, text) => {
    const chooser = page.waitForEvent("filechooser");
    await form.getByRole("button", { name: "Load pack file…" }).click();
    await (await chooser).setFiles({ name, mimeType: "application/json", buffer: Buffer.from(text) });
  };
  await loadPack("example-ma.json", MA_PACK_TEXT);
  await page.waitForFunction(() => document.querySelector("#wi-pack").value === "file:");
  const refused = await expectEngine("MA pack with a locality");
  assert.deepEqual(refused.sc.rulePack, MA_PACK);
  assert.deepEqual(refused.got.issues, ["payment.locality"]);
  // … and without the locality it prices the contract's amounts.
  await form.getByLabel("Medicare locality (2025 table)").selectOption("");
  const ma = await expectEngine("MA pack");
  assert.equal(ma.want.rulePack.id, "example-ma-plan-2026");
  assert.match(await form.getByLabel("Rule pack").locator("option:checked").textContent(), /example-ma-plan-2026 \(from example-ma\.json\)/);
  await loadPack("broken.json", JSON.stringify({ ...BROKEN_PACK, codes: "none" }));
  const broken = await expectEngine("broken pack");
  assert.deepEqual(broken.got.issues, ["rulePack.codes"]);
  // The provisional pack still says so.
  await form.getByLabel("Rule pack").selectOption("medicare-cy2027");
  await expectEngine("CY2027");
  assert.match(await view.locator(".whatif-results .provisional").textContent(), /Provisional rules: medicare-cy2027/);
  assert.deepEqual(ctx.errors, []);
  assert.deepEqual(ctx.offOrigin, []);
});

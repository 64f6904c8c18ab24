// Typed usage of the FHIR adapter's module, ccm-engine/fhir (pkg/fhir; checked by
// `tsc --noEmit -p tsconfig.json`, never run): what the page's Bundle import and claim export and
// the edge worker's POST /v1/fhir/evaluate and the panel's worker do with it, with the declared types.
import { claim, claimJson, deriveFhirOptions, evaluate, evaluateFhir, evaluateFhirJson, fromFhir, fromFhirJson, panelMonth, panelMonthJson } from "../../pkg/fhir/bundler/ccm_engine.js";
import type { ClaimContext, ClaimLine, ClaimResult, FhirDerivedOptions, FhirMapping, FhirOptions, FhirProblem, FhirResult, MonthInput } from "../../pkg/fhir/bundler/ccm_engine.js";

const options: FhirOptions = {
  serviceMonth: "2026-03",
  asOf: "2026-03-31",
  billingPractitioner: { id: "1234567893", credential: "MD", groupId: "TIN-1" },
  month: { supervisionAttested: true, claim: { consentVersion: "ccm-consent-en-2026.1" } },
  timeCodes: [{ system: "http://example.org/local", code: "CARE-CALL", service: "ccm" }],
  roleCodes: [{ system: "http://example.org/jobs", code: "MA-II", role: "ma" }],
  visitCodes: [{ system: "http://example.org/visits", code: "WELL", type: "awv" }],
  carePlan: { accessible24x7: true },
};
const bundle = { resourceType: "Bundle", type: "collection", entry: [] };

const mapped: FhirMapping = fromFhir(bundle, options);
if (mapped.ok) {
  const month: MonthInput = mapped.month;
  const from: string | undefined = mapped.sources["conditions[0]"];
  const worst: FhirProblem["severity"][] = mapped.problems.map((p) => p.severity);
  const paths: string[] = mapped.problems.map((p) => p.path);
  void [month, from, worst, paths, evaluate(month)];
} else {
  const code: string = mapped.error.code;
  const issuePaths: string[] = mapped.error.issues.map((i) => i.path);
  void [code, issuePaths];
}

const result: FhirResult = evaluateFhir(JSON.stringify(bundle), options);
if (result.ok) {
  const status: string = result.evaluation.status;
  const sources: Record<string, string> | undefined = result.fhir?.sources;
  void [status, sources];
}
const text: string = evaluateFhirJson(JSON.stringify(bundle), JSON.stringify(options)) + fromFhirJson("{}", "{}");

const context: ClaimContext = { charges: { "99490": 95, "99439": 80 }, placeOfService: "10", program: "recommended", coverage: { display: "Medicare Part B" }, claimId: "c-1" };
if (mapped.ok) {
  const c: ClaimResult = claim(mapped.month, context);
  if (c.ok) {
    const lines: ClaimLine[] = c.lines;
    const csvRow: string[] = lines.map((l) => [l.line, l.code, l.units, l.unitCharge.toFixed(2), l.charge.toFixed(2), l.dateOfService.from, l.dateOfService.to, l.placeOfService, l.diagnosisPointers.join(" "), l.renderingNpi].join(","));
    const denied: string[] = c.denialRisks.map((d) => `Would be denied as ${d.carc}: ${d.reason}${d.detail ? ` (${d.detail})` : ""} [${d.finding}]`);
    const resource: Record<string, unknown> | null = c.claim;
    const total: number = c.totalCharge;
    const ready: boolean = c.ready && c.status === "billable" && c.dateOfService === "lastDayOfMonth";
    void [csvRow, denied, resource, total, ready, c.diagnoses.join(" "), c.notes, c.rulePack.id, c.program, c.blockedBy];
  } else {
    void c.error.issues;
  }
}
void [text, claimJson("{}", "{}")];

// A panel's Bundles (issue 16): the options a Bundle gives by itself, and its month.
const derived: FhirDerivedOptions = deriveFhirOptions(bundle);
if (derived.ok) {
  const month: string | undefined = derived.options.serviceMonth;
  const npi: string | undefined = derived.options.billingPractitioner?.id;
  const credential: "MD" | "DO" | "NP" | "PA" | "CNS" | "CNM" | undefined = derived.options.billingPractitioner?.credential;
  const from: string | undefined = derived.sources["billingPractitioner.id"];
  void [month, npi, credential, from];
}
const inPanel: FhirMapping = panelMonth(JSON.stringify(bundle), "2026-03-31");
const inPanelText: string = panelMonthJson(JSON.stringify(bundle), "");
void [inPanel.ok ? inPanel.month.serviceMonth : inPanel.error.code, panelMonth(bundle), inPanelText];

// Typed usage of the generated package (checked by `tsc --noEmit -p tsconfig.json`, never run):
// every export is called with the declared types, and the result unions narrow as documented.
import {
  consentTemplates,
  evaluate,
  evaluateBatch,
  evaluateJson,
  rulePack,
  rulePacks,
  version,
  whatIf,
} from "../../pkg/bundler/ccm_engine.js";
import { LOCALITIES, STATES, findLocality, getLocality, localitiesOf } from "../../pkg/localities.js";
import type { Locality } from "../../pkg/localities.js";
import type {
  ConsentTemplate,
  Evaluation,
  Finding,
  FindingCode,
  InputErrorBody,
  Line,
  MonthInput,
  ProgramEntry,
  ProgramId,
  Projection,
  ProjectionBand,
  ProjectionBandPrograms,
  Recommended,
  Result,
  RulePack,
  RulePackInfo,
  Status,
  Track,
  WhatIfScenario,
} from "../../pkg/bundler/ccm_engine.js";

const input: MonthInput = {
  serviceMonth: "2026-03",
  asOf: "2026-03-20",
  track: "auto",
  payment: { setting: "nonFacility", qualifyingApmParticipant: false, gpci: { work: 1, pe: 1, mp: 1 } },
  billingPractitioner: { id: "1234567890", credential: "MD", groupId: "TIN-1" },
  patient: { ref: "p-1", newPatient: false, lastVisitDate: "2025-11-03" },
  conditions: [{ code: "E11.9", chronic: true }, { code: "I10" }],
  consent: {
    status: "accepted",
    date: "2026-01-10",
    method: "verbal",
    version: "ccm-consent-en-2026.1",
    practitionerId: "1234567890",
    elements: ["availability", "costSharing", "rightToStop", "onePractitioner"],
    revokedOn: null,
    capturedBy: { name: "A", role: "rn" },
  },
  initiatingVisit: { date: "2025-11-03", type: "em", practitionerId: "1234567890" },
  carePlan: {
    established: "2025-11-03",
    electronic: true,
    accessible24x7: true,
    sharedWithPatient: true,
    signedBy: "1234567890",
    signedOn: "2025-11-04",
    lastReviewed: "2026-03-02",
    revisedOn: ["2026-03-02"],
  },
  complexity: { mdm: "moderate" },
  supervisionAttested: true,
  timeEntries: [
    {
      id: "t1",
      performer: { name: "A", role: "rn", id: "s-1" },
      start: "2026-03-04T10:00:00-05:00",
      end: "2026-03-04T10:22:00-05:00",
      narrative: "Reviewed glucose log with patient and updated the care plan goals.",
      service: "ccm",
      patientSetting: "community",
    },
    { id: "t2", performer: { role: "ma" }, date: "2026-03-09", minutes: 12 },
  ],
  otherServices: [{ code: "99495", date: "2026-03-02", practitionerId: "1234567890", groupId: "TIN-1" }],
  claim: { consentVersion: "ccm-consent-en-2026.1" },
};

// @ts-expect-error: not a track
const badTrack: MonthInput = { ...input, track: "fast" };
// @ts-expect-error: a time entry cannot have both forms
const badEntry: MonthInput = { ...input, timeEntries: [{ start: "2026-03-04T10:00:00", end: "2026-03-04T10:20:00", date: "2026-03-04", minutes: 20 }] };
void badTrack;
void badEntry;

function describe(result: Result): string {
  if (result.ok) {
    const e: Evaluation = result.evaluation;
    const status: Status = e.status;
    const track: Track | null = e.track;
    const lines: Line[] = e.lines;
    const codes: string[] = lines.map((l) => `${l.code}x${l.units} ${l.allowed.toFixed(2)} ${l.thresholdMetOn ?? ""}`);
    const errors: Finding[] = e.findings.filter((f) => f.severity === "error");
    const known: FindingCode[] = ["CONSENT_MISSING", "TIME_ENTRY_OVERLAP"];
    const next = e.time.nextUnit ? `${e.time.nextUnit.code} in ${e.time.nextUnit.minutesNeeded} min, ${e.time.nextUnit.daysLeft} days left` : "none";
    const alt = e.alternatives.map((a) => `${a.track}:${a.blockedBy.join("+")}`);
    const checklist = e.checklist.filter((c) => !c.ok).map((c) => c.item);
    const pinned: boolean | null = e.consent ? e.consent.matchesClaim : null;
    const info: RulePackInfo = e.rulePack;
    return [status, track ?? "-", codes, errors.length, known.length, next, alt, checklist, pinned, info.id,
      e.payment.allowed + e.payment.coinsurance, e.payment.conversionFactor, e.payment.estimate, e.supportedLines.length,
      e.time.staffMinutes + e.time.practitionerMinutes + e.time.excludedMinutes, e.time.monthComplete, e.engineVersion, e.serviceMonth].join(" ");
  } else {
    const err: InputErrorBody = result.error;
    // @ts-expect-error: a failed result has no evaluation
    void result.evaluation;
    return `${err.code}: ${err.message} ${err.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`;
  }
}

const one: Result = evaluate(input);
const text: string = evaluateJson(JSON.stringify(input));
const parsed = JSON.parse(text) as Result;
const many: Result[] = evaluateBatch([input, { ...input, serviceMonth: "2026-04" }]);

const scenario: WhatIfScenario = {
  rulePack: "medicare-cy2026",
  serviceMonth: "2026-01",
  payment: { setting: "facility", qualifyingApmParticipant: true, gpci: { work: 1.0, pe: 0.9, mp: 1.1 } },
  patients: 1000,
  eligibleShare: 0.6,
  enrollment: 0.5,
  bands: [
    { track: "staff", minutes: 25, share: 0.5 },
    { track: "complex", minutes: 75, share: 0.1 },
    { track: "practitioner", minutes: 35, share: 0.1 },
  ],
  staffCostPerHour: 45,
};
const projection: Projection = whatIf(scenario);
let summary: string;
if (projection.ok) {
  const bands: ProjectionBand[] = projection.bands;
  summary = [
    projection.rulePack.id,
    projection.enrolledPatients,
    bands.map((b) => `${b.track} ${b.minutes} ${b.share} ${b.patientMonths} ${b.lines.map((l) => l.code).join("+")} ${b.allowedPerPatientMonth} ${b.staffCost} ${b.nextUnit?.minutesNeeded ?? 0} ${b.nearMiss}`),
    projection.monthly.allowed,
    projection.annual.margin,
    projection.monthly.minutesLeftOnTable.allowed,
    projection.apcmComparison?.annual ?? 0,
  ].join(" ");
} else {
  summary = projection.error.code;
}

const packs: RulePackInfo[] = rulePacks();
const pack: RulePack | null = rulePack("medicare-cy2026");
const codes = pack ? pack.codes.map((c) => `${c.code} ${c.track} ${c.kind} ${c.maxUnits ?? "no cap"} ${c.rvu.work}`) : [];
const missing: RulePack | null = rulePack("nope");
const templates: ConsentTemplate[] = consentTemplates();
const spanish = templates.find((t) => t.language === "es");
const v: string = version();

// The locality helper (ccm-engine/localities): a county to the locality a month is priced for.
const where: string | null = findLocality("CA", "Santa Clara");
const place: Locality | null = where ? getLocality(where) : null;
const caNames: string[] = localitiesOf("California").map((l) => `${l.id} ${l.name} ${l.gpci.work}/${l.gpci.pe}/${l.gpci.mp} ${l.rest ?? ""}`);
const ids: readonly string[] = LOCALITIES.map((l) => l.id);
const priced: Result = evaluate({ ...input, payment: { setting: "rhc", locality: where ?? ids[0] }, patient: { qmb: true } });
const stateName: string | undefined = STATES["CA"];

// Programs beside CCM (§10): PCM for one focus condition, APCM with its attestations.
const compared: ProgramId[] = ["ccm", "pcm", "apcm"];
const withPrograms: MonthInput = {
  ...input,
  programs: compared,
  conditions: [{ code: "I50.22", pcmFocus: true }, { code: "I10" }],
  carePlan: { ...input.carePlan, diseaseSpecific: true },
  apcm: { responsibleForPrimaryCare: true, elementsAttested: ["access24x7", "continuity", "practiceOwnElement"] },
};
// @ts-expect-error: not a program
const badProgram: MonthInput = { ...input, programs: ["rpm"] };
void badProgram;
const decided: Result = evaluate(withPrograms);
let programWords = "";
if (decided.ok) {
  const entries: ProgramEntry[] = decided.evaluation.programs ?? [];
  const best: Recommended | null = decided.evaluation.recommended ?? null;
  programWords = entries
    .map((p) => {
      const next = p.nextUnit ? `${p.nextUnit.minutesNeeded} min to ${p.nextUnit.code}` : "-";
      const own: Finding[] = p.findings ?? [];
      const would = p.supportedLines.map((l) => `${l.code}x${l.units} ${l.allowed}`).join("+");
      return `${p.program} ${p.status} ${p.track ?? "-"} ${p.allowed} ${p.coinsurance} ${p.blockedBy.join("+")} ${next} ${would} ${own.length} ${p.summary}`;
    })
    .concat(best ? [`${best.program} ${best.allowed} ${best.reason}`] : [])
    .join("; ");
}
const byBand: string[] = (() => {
  const p: Projection = whatIf({ ...scenario, programs: compared });
  if (!p.ok) return [];
  return p.bands.map((b) => {
    const x: ProjectionBandPrograms | undefined = b.programs;
    return x ? `${x.best} ${x.ccm.allowed} ${x.pcm?.allowed ?? 0} ${x.pcm?.track ?? ""} ${x.apcm?.allowedPerPatientMonth ?? 0}` : "";
  });
})();

// The pack object can be passed back in, possibly adapted.
const custom: Result | undefined = pack ? evaluate({ ...input, rulePack: { ...pack, id: "my-payer-2026" } }) : undefined;

export const report: string[] = [
  describe(one),
  describe(parsed),
  ...many.map(describe),
  summary,
  packs.map((p) => `${p.id} ${p.effectiveFrom}..${p.effectiveTo ?? ""}`).join(","),
  codes.join(","),
  String(missing === null),
  spanish ? `${spanish.version} ${spanish.textSha256} ${spanish.elements.length} ${spanish.title}` : "",
  v,
  custom ? describe(custom) : "",
  `${place?.counties["CA"]?.join("/") ?? ""} ${caNames.length} ${stateName ?? ""}`,
  describe(priced),
  programWords,
  byBand.join(","),
];

// ccm-engine public types (CONTRACT.md v1). Injected into the generated .d.ts by src/wasm.rs.
// Field names and string spellings are the contract; unknown input fields are ignored.

/** `YYYY-MM`. */
export type YearMonth = string;
/** `YYYY-MM-DD`. */
export type IsoDate = string;
/** RFC 3339 date-time, with an offset (`2026-03-04T10:00:00-05:00`) or floating (`2026-03-04T10:00:00`). */
export type DateTime = string;

export type TrackRequest = "auto" | "staff" | "complex" | "practitioner";
export type Track = "staff" | "complex" | "practitioner";
/** `rhc` / `fqhc`: a rural health clinic or FQHC, paid the national non-facility amount (no GPCI). */
export type PaymentSetting = "nonFacility" | "facility" | "rhc" | "fqhc";
export type Credential = "MD" | "DO" | "NP" | "PA" | "CNS" | "CNM";
export type Role = "rn" | "lpn" | "ma" | "clinical_staff" | "other_practitioner" | "billing_practitioner" | "non_clinical";
export type ConsentStatus = "accepted" | "declined" | "revoked";
export type ConsentMethod = "verbal" | "written" | "electronic";
export type ConsentElement = "availability" | "costSharing" | "rightToStop" | "onePractitioner";
/** Only `em`, `awv`, `ippe`, `tcm` qualify; other text is accepted and reported. */
export type InitiatingVisitType = "em" | "awv" | "ippe" | "tcm" | (string & {});
export type Mdm = "straightforward" | "low" | "moderate" | "high";
export type ServiceKind = "ccm" | "tcm" | "pcm" | "rpm" | "rtm" | "bhi" | "chi" | "pin" | "em" | "apcm" | "other";
export type PatientSetting = "community" | "inpatient" | "snf_part_a";
export type Status = "billable" | "blocked" | "below_threshold";
export type Severity = "error" | "warning" | "info";
export type CcmCode = "99490" | "99439" | "99487" | "99489" | "99491" | "99437";

// ---------------------------------------------------------------- input (§2)

export interface PaymentOptions {
  /** Default `nonFacility`. */
  setting?: PaymentSetting;
  /** Default false. */
  qualifyingApmParticipant?: boolean;
  /** Geographic practice cost indices; each defaults to 1.0 (or the locality's), and an explicit number wins. */
  gpci?: { work?: number; pe?: number; mp?: number };
  /** Medicare locality, MAC and locality number `MMMMM-LL` (e.g. `01182-18`); the pack's GPCI table prices it. */
  locality?: string;
}

export interface BillingPractitioner {
  id: string;
  credential?: Credential;
  groupId?: string;
}

export interface Patient {
  ref?: string;
  newPatient?: boolean;
  lastVisitDate?: IsoDate | null;
  /** Qualified Medicare Beneficiary: no coinsurance may be billed to the patient. */
  qmb?: boolean;
}

export interface Condition {
  /** ICD-10-CM, e.g. `E11.9`. */
  code: string;
  chronic?: boolean;
  significantRisk?: boolean;
  /** §10: the one complex chronic condition a PCM care plan manages (read when PCM is decided). */
  pcmFocus?: boolean;
}

/** §10: the programs a month can be billed under. */
export type ProgramId = "ccm" | "pcm" | "apcm";

/** §10: APCM service elements the built-in packs list (a pack may list others). */
export type ApcmElement =
  | "access24x7"
  | "continuity"
  | "alternativeCareDelivery"
  | "comprehensiveCareManagement"
  | "carePlan"
  | "careTransitions"
  | "careCoordination"
  | "enhancedCommunication"
  | "populationManagement"
  | "performanceMeasurement";

/** §10: the practice's APCM attestations (read when APCM is decided). */
export interface ApcmAttestation {
  /** The billing practitioner is the patient's continuing focal point for primary care. */
  responsibleForPrimaryCare?: boolean;
  elementsAttested?: (ApcmElement | (string & {}))[];
}

export interface Consent {
  status: ConsentStatus;
  date?: IsoDate | null;
  method?: ConsentMethod | null;
  /** A built-in template version (e.g. `ccm-consent-en-2026.1`) or the practice's own. */
  version?: string | null;
  textSha256?: string | null;
  practitionerId?: string | null;
  elements?: ConsentElement[];
  revokedOn?: IsoDate | null;
  capturedBy?: { name?: string; role?: Role | string } | null;
}

export interface InitiatingVisit {
  date?: IsoDate;
  type?: InitiatingVisitType;
  practitionerId?: string;
}

export interface CarePlan {
  established?: IsoDate | null;
  electronic?: boolean;
  accessible24x7?: boolean;
  sharedWithPatient?: boolean;
  signedBy?: string | null;
  signedOn?: IsoDate | null;
  lastReviewed?: IsoDate | null;
  revisedOn?: IsoDate[];
  /** §10: the plan addresses the PCM focus condition specifically (read when PCM is decided). */
  diseaseSpecific?: boolean;
}

export interface Performer {
  name?: string;
  role?: Role;
  id?: string;
}

export interface TimeEntryBase {
  id?: string;
  performer?: Performer;
  narrative?: string;
  /** Default `ccm`; other values mark time claimed by another service. */
  service?: ServiceKind;
  /** Default `community`. */
  patientSetting?: PatientSetting;
}

/** Either `start` + `end`, or `date` + whole `minutes` (0–1440), never both. */
export type TimeEntry =
  | (TimeEntryBase & { start: DateTime; end: DateTime; date?: never; minutes?: never })
  | (TimeEntryBase & { date: IsoDate; minutes: number; start?: never; end?: never });

export interface OtherService {
  code: string;
  date?: IsoDate | null;
  practitionerId?: string;
  groupId?: string;
}

export interface Claim {
  consentVersion?: string | null;
  consentTextSha256?: string | null;
}

/** One patient, one calendar month, one billing practitioner. */
export interface MonthInput {
  /** Required, `YYYY-MM`. */
  serviceMonth: YearMonth;
  /** Default: last day of `serviceMonth`. The engine never reads the clock. */
  asOf?: IsoDate;
  /** A built-in pack id or a full pack object; default: the built-in pack in effect for `serviceMonth`. */
  rulePack?: string | RulePack;
  /** Default `auto`. */
  track?: TrackRequest;
  payment?: PaymentOptions;
  billingPractitioner: BillingPractitioner;
  patient?: Patient;
  conditions?: Condition[];
  consent?: Consent | null;
  initiatingVisit?: InitiatingVisit | null;
  carePlan?: CarePlan | null;
  /** The billing practitioner's medical decision making this month. */
  complexity?: { mdm?: Mdm } | null;
  supervisionAttested?: boolean;
  timeEntries?: TimeEntry[];
  otherServices?: OtherService[];
  claim?: Claim | null;
  /** §10: decide these programs this month beside CCM (CCM is always decided). */
  programs?: ProgramId[];
  /** §10: APCM attestations. */
  apcm?: ApcmAttestation | null;
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- output (§3)

export interface RulePackInfo {
  id: string;
  version: string;
  /** Who pays under the pack's rules, e.g. "Medicare Part B". */
  payer: string;
  effectiveFrom: IsoDate;
  effectiveTo: IsoDate | null;
  /** Present only on a pack whose facts are not final (e.g. the CY2027 pack from the proposed rule). */
  status?: "provisional";
  [extra: string]: unknown;
}

export interface Line {
  code: CcmCode | (string & {});
  units: number;
  /** Local date on which the pool reached this line's minutes. */
  thresholdMetOn?: IsoDate | null;
  allowed: number;
  coinsurance: number;
}

export interface Payment {
  allowed: number;
  coinsurance: number;
  conversionFactor: number;
  setting: PaymentSetting;
  /** Always true: amounts are estimates. */
  estimate: true;
  /** Present when the month was priced by `payment.locality`. */
  locality?: string;
}

export interface NextUnit {
  code: CcmCode | (string & {});
  minutesNeeded: number;
  daysLeft: number;
}

export interface TimeSummary {
  staffMinutes: number;
  practitionerMinutes: number;
  excludedMinutes: number;
  nextUnit: NextUnit | null;
  monthComplete: boolean;
}

export interface Alternative {
  track: Track;
  lines: Line[];
  allowed: number;
  blockedBy: (FindingCode | (string & {}))[];
}

export type FindingCode =
  // eligibility
  | "CONDITIONS_FEWER_THAN_TWO"
  | "CONDITION_CODE_INVALID"
  | "CONDITION_NOT_CHRONIC"
  | "CONDITIONS_SAME_CATEGORY"
  | "CONSENT_MISSING"
  | "CONSENT_DECLINED"
  | "CONSENT_ELEMENTS_INCOMPLETE"
  | "CONSENT_DETAILS_MISSING"
  | "CONSENT_PRACTITIONER_MISMATCH"
  | "CONSENT_VERSION_MISMATCH"
  | "CONSENT_REVOKED"
  | "INITIATING_VISIT_REQUIRED"
  | "INITIATING_VISIT_TOO_OLD"
  | "INITIATING_VISIT_TYPE_INVALID"
  | "INITIATING_VISIT_PRACTITIONER_MISMATCH"
  | "CARE_PLAN_MISSING"
  | "CARE_PLAN_NOT_ELECTRONIC"
  | "CARE_PLAN_NOT_ACCESSIBLE"
  | "CARE_PLAN_NOT_SHARED"
  | "CARE_PLAN_NOT_SIGNED"
  | "CARE_PLAN_STALE"
  | "SUPERVISION_NOT_ATTESTED"
  | "PRACTITIONER_NOT_ELIGIBLE"
  | "PRACTITIONER_CREDENTIAL_READ_AS"
  // time
  | "TIME_ENTRY_OUTSIDE_MONTH"
  | "TIME_ENTRY_SPLIT_AT_MONTH_END"
  | "TIME_ENTRY_OTHER_SERVICE"
  | "TIME_BELOW_THRESHOLD"
  | "ADDON_CAP_REACHED"
  | "TIME_ENTRY_AFTER_AS_OF"
  | "TIME_ENTRY_OVERLAP"
  | "TIME_CONCURRENT_STAFF"
  | "TIME_DOUBLE_COUNTED"
  | "TIME_ENTRY_NON_CLINICAL"
  | "TIME_ENTRY_FACILITY_STAY"
  | "TIME_ENTRY_BEFORE_CONSENT"
  | "TIME_ENTRY_NO_START_END"
  | "TIME_ENTRY_PERFORMER_MISSING"
  | "TIME_ENTRY_NARRATIVE_INSUFFICIENT"
  // conflicts
  | "ANOTHER_PRACTITIONER_BILLED_CCM"
  | "PCM_SAME_MONTH"
  | "CARE_PLAN_OVERSIGHT_SAME_MONTH"
  | "ESRD_SAME_MONTH"
  | "APCM_SAME_MONTH"
  // tracks
  | "COMPLEX_MDM_REQUIRED"
  | "COMPLEX_CARE_PLAN_REVISION_NOT_DOCUMENTED"
  | "TRACK_NOT_AVAILABLE"
  // rule packs
  | "RULE_PACK_PROVISIONAL"
  // payment
  | "LOCALITY_GPCI"
  | "GPCI_STAND_IN"
  | "QMB_NO_COINSURANCE"
  | "RHC_FQHC_NATIONAL_RATE"
  | "RHC_FQHC_G0511_PERIOD"
  | "CODE_NOT_COVERED_BY_PAYER"
  // programs (§10)
  | "PCM_FOCUS_CONDITION_MISSING"
  | "PCM_CARE_PLAN_NOT_DISEASE_SPECIFIC"
  | "APCM_NOT_PRIMARY_CARE"
  | "APCM_ELEMENTS_NOT_ATTESTED"
  | "APCM_PRACTICE_ELECTION"
  | "APCM_LEVEL"
  | "APCM_BUNDLED_SERVICE_SAME_MONTH"
  | "CCM_SAME_MONTH"
  | "ADDON_CAP_NOT_SOURCED"
  | "PROGRAM_NOT_IN_RULE_PACK";

export interface Finding {
  /** A contract code; new codes may be added (additive change). */
  code: FindingCode | (string & {});
  severity: Severity;
  /** Input path the finding is about, e.g. `timeEntries[1].narrative`. */
  path?: string | null;
  /** Never echoes free text from the input. */
  message: string;
  /** Rule id in the pack, e.g. `DOC-002`. */
  rule?: string | null;
  /** Citation. */
  source?: string | null;
}

export type ChecklistItemName =
  | "staffTimeTotal"
  | "encounterDetails"
  | "carePlanSigned"
  | "conditionsWithCodes"
  | "supervisionAttested"
  | "consentOnFile";

export interface ChecklistItem {
  item: ChecklistItemName | (string & {});
  ok: boolean;
  [extra: string]: unknown;
}

export interface ConsentSummary {
  version: string | null;
  /** The version is one of the built-in templates. */
  builtIn: boolean;
  /** Null when the claim pins nothing. */
  matchesClaim: boolean | null;
}

export interface Evaluation {
  engineVersion: string;
  rulePack: RulePackInfo;
  serviceMonth: YearMonth;
  status: Status;
  /** The forced track, or with `auto` the chosen one; null when no track supports a line. */
  track: Track | null;
  /** Empty unless `status` is `billable`. */
  lines: Line[];
  /** What the counted time supports on the chosen track, even when blocked. */
  supportedLines: Line[];
  payment: Payment;
  time: TimeSummary;
  alternatives: Alternative[];
  findings: Finding[];
  checklist: ChecklistItem[];
  consent: ConsentSummary | null;
  /** §10: present when `programs` asks for more than CCM; CCM first, then PCM, then APCM. */
  programs?: ProgramEntry[];
  /** §10: with `programs`: the billable program that pays most, or null. */
  recommended?: Recommended | null;
}

/** §10: one program's decision this month: what it bills if chosen, or what it lacks. */
export interface ProgramEntry {
  program: ProgramId;
  status: Status;
  /** CCM: its track; PCM: `staff` or `practitioner`; APCM: null. */
  track: Track | null;
  /** Empty unless `status` is `billable`. */
  lines: Line[];
  /** What the time (APCM: the level) supports, even when blocked. */
  supportedLines: Line[];
  allowed: number;
  coinsurance: number;
  /** The error codes that block it. */
  blockedBy: (FindingCode | (string & {}))[];
  nextUnit: { code: string; minutesNeeded: number } | null;
  /** In words: what it bills, or what it lacks and needs. */
  summary: string;
  /** The program's own findings (absent for CCM: they are the evaluation's `findings`). */
  findings?: Finding[];
}

/** §10: the recommendation among billable programs (ties: ccm, pcm, apcm). */
export interface Recommended {
  program: ProgramId;
  allowed: number;
  /** Names the amounts. */
  reason: string;
}

// ---------------------------------------------------------------- errors (§4)

export type InputErrorCode =
  | "INVALID_JSON"
  | "INVALID_INPUT"
  | "INPUT_TOO_LARGE"
  | "UNKNOWN_RULE_PACK"
  | "NO_RULE_PACK_FOR_MONTH"
  | "INVALID_RULE_PACK";

export interface InputIssue {
  path: string;
  message: string;
}

export interface InputErrorBody {
  code: InputErrorCode;
  message: string;
  issues: InputIssue[];
}

/** What `evaluate` returns: never throws on bad data. */
export type Result = { ok: true; evaluation: Evaluation } | { ok: false; error: InputErrorBody };

// ---------------------------------------------------------------- rule packs (§9)

export interface RulePackCode {
  code: CcmCode | (string & {});
  track: Track;
  kind: "base" | "addon";
  /** Add-ons: the base code they attach to. */
  base?: string | null;
  /** Bases: minutes to reach the code. */
  thresholdMinutes?: number | null;
  /** Add-ons: minutes per further unit. */
  unitMinutes?: number | null;
  /** Null: no cap. */
  maxUnits: number | null;
  rvu: { work: number; peNonFacility: number; peFacility: number; mp: number };
  [extra: string]: unknown;
}

/** §10: a program's requirements beside its time (pack data). */
export interface ProgramRequirements {
  minChronicConditions: number | null;
  focusCondition: boolean;
  diseaseSpecificCarePlan: boolean;
  carePlan: boolean;
  supervision: boolean;
  primaryCare: boolean;
  initiatingVisitMaxMonths: number;
  consentElements: string[];
}

/** §10: a conflict-table row: codes billed this month and the severity by who billed them. */
export interface RulePackConflict {
  finding: FindingCode | (string & {});
  codes: string[];
  samePractitioner: Severity | null;
  sameGroup: Severity | null;
  other: Severity | null;
}

/** §10: PCM and APCM in a pack (absent in a v1 pack). */
export interface RulePackPrograms {
  pcm?: {
    codes: RulePackCode[];
    trackOrder: Track[];
    countedServices: ServiceKind[];
    conflicts: RulePackConflict[];
    requirements: ProgramRequirements;
  };
  apcm?: {
    /** The first level whose requirements hold is billed. */
    levels: { code: string; minChronicConditions: number; qmb: boolean; rvu: RulePackCode["rvu"]; contractAmount?: number; rule?: string }[];
    /** Service elements the practice attests (`apcm.elementsAttested` ids). */
    elements: (ApcmElement | (string & {}))[];
    conflicts: RulePackConflict[];
    requirements: ProgramRequirements;
    findingRules?: Record<string, string>;
  };
}

/** A full rule pack: data, not code. Fields beyond the documented ones are pack-specific settings. */
export interface RulePack {
  id: string;
  version: string;
  effectiveFrom: IsoDate;
  effectiveTo: IsoDate | null;
  payer?: string;
  codes: RulePackCode[];
  /** §10: PCM and APCM. */
  programs?: RulePackPrograms;
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- consent templates (§8)

export interface ConsentTemplate {
  /** e.g. `ccm-consent-en-2026.1`. */
  version: string;
  /** BCP 47 language, e.g. `en`, `es`. */
  language: string;
  title: string;
  elements: ConsentElement[];
  /** The script, read verbatim. */
  text: string;
  /** Lower-case hex SHA-256 of the exact UTF-8 `text`. */
  textSha256: string;
}

// ---------------------------------------------------------------- what-if (§7)

export interface WhatIfBand {
  track: Track;
  /** Minutes per patient-month in this band. */
  minutes: number;
  /** Share of enrolled patient-months (0..1); the bands' shares sum to at most 1. */
  share: number;
}

export interface WhatIfScenario {
  /** A built-in pack id or a full pack object; default: the pack in effect for `serviceMonth`. */
  rulePack?: string | RulePack | object;
  /** `YYYY-MM`; picks the pack in effect. Default `2026-01`. */
  serviceMonth?: YearMonth;
  payment?: PaymentOptions;
  /** Panel size. */
  patients: number;
  /** Share of the panel eligible for CCM, 0..1. Default 1. */
  eligibleShare?: number;
  /** Share of eligible patients enrolled, 0..1. Default 1. */
  enrollment?: number;
  bands: WhatIfBand[];
  /** Loaded staff cost per hour, for margin. */
  staffCostPerHour?: number;
  /** §10: compare these programs per band (adds `programs` to each band). */
  programs?: ProgramId[];
}

/** §10: a band's patient-months under each program asked for; keys are program ids and `best`. */
export interface ProjectionBandPrograms {
  /** The program that pays most for this band. */
  best: ProgramId;
  ccm: { allowed: number; allowedPerPatientMonth: number };
  /** PCM on its track of the band's pool (staff or practitioner). */
  pcm?: { allowed: number; allowedPerPatientMonth: number; track: Track };
  /** APCM level 2 (G0557), which needs no minutes. */
  apcm?: { allowed: number; allowedPerPatientMonth: number };
}

export interface ProjectionLine {
  code: string;
  units: number;
  allowed: number;
  coinsurance: number;
}

export interface ProjectionBand {
  track: Track;
  minutes: number;
  share: number;
  patientMonths: number;
  /** Lines of one patient-month in this band. */
  lines: ProjectionLine[];
  allowedPerPatientMonth: number;
  allowed: number;
  coinsurance: number;
  staffCost: number;
  /** The next code this band's minutes could reach, and the minutes still needed. */
  nextUnit: { code: string; minutesNeeded: number } | null;
  /** True when the band is close to the next unit. */
  nearMiss: boolean;
  /** §10: present when the scenario lists `programs`. */
  programs?: ProjectionBandPrograms;
}

export interface ProjectionTotals {
  patientMonths: number;
  allowed: number;
  coinsurance: number;
  staffCost: number;
  margin: number;
  minutesLeftOnTable: { patientMonths: number; allowed: number };
}

export type Projection =
  | {
      ok: true;
      rulePack: RulePackInfo;
      enrolledPatients: number;
      bands: ProjectionBand[];
      monthly: ProjectionTotals;
      annual: ProjectionTotals;
      apcmComparison: { code: string; perPatientMonth: number; monthly: number; annual: number } | null;
    }
  | { ok: false; error: InputErrorBody };

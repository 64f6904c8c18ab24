// ccm-engine/fhir: the FHIR R4 adapter and the claim builder (issue 15; docs/fhir.md). Injected
// into the pkg/fhir declarations only.

/** What the adapter reads a Bundle with. */
export interface FhirOptions {
  /** Required: the month to read, `YYYY-MM`. */
  serviceMonth: YearMonth;
  /** Required `id`: the billing practitioner's NPI, as the Bundle's Practitioner identifiers carry it. */
  billingPractitioner: BillingPractitioner;
  asOf?: IsoDate;
  /** Other MonthInput members, set as given over what the Bundle says (objects merged key by key). */
  month?: Partial<MonthInput>;
  /** Codings that mark care-management time (Procedure.code, Task.code, Encounter.type), before the defaults. */
  timeCodes?: { system: string; code: string; service: ServiceKind }[];
  /** PractitionerRole codings → the contract's roles, before the defaults. */
  roleCodes?: { system: string; code: string; role: Role }[];
  /** Codings of visits that can initiate CCM, before the defaults. */
  visitCodes?: { system: string; code: string; type: "em" | "awv" | "ippe" | "tcm" }[];
  /** Where the adapter's extensions live (default `http://ccm-engine.example/fhir/StructureDefinition/`). */
  extensionBase?: string;
  /** Where its code systems live (default `http://ccm-engine.example/fhir/CodeSystem/`). */
  codeSystemBase?: string;
  /** What a CarePlan that does not say is taken to mean, e.g. `{ accessible24x7: true }`. */
  carePlan?: { accessible24x7?: boolean; sharedWithPatient?: boolean };
}

/** A problem met while mapping: a FHIR path (`Bundle.entry[3].resource.period.end`), how much it matters, what. */
export interface FhirProblem {
  path: string;
  severity: "error" | "warning" | "info";
  message: string;
}

export type FhirMapping =
  | {
      ok: true;
      month: MonthInput;
      /** MonthInput path → the resource it came from (`Condition/abc`, `Claim/x#item[0]`, `options`). */
      sources: Record<string, string>;
      problems: FhirProblem[];
    }
  | { ok: false; error: InputErrorBody };

/** `evaluateFhir`: the contract Result, with the mapping beside it when the Bundle could be read. */
export type FhirResult = Result & { fhir?: { month: MonthInput; sources: Record<string, string>; problems: FhirProblem[] } };

/**
 * `deriveFhirOptions(bundle)`: what a Bundle says by itself about the options it is read with
 * (docs/fhir.md, "FHIR Bundles in a panel"); members only where the Bundle says them.
 */
export type FhirDerivedOptions =
  | {
      ok: true;
      options: { serviceMonth?: YearMonth; billingPractitioner?: { id: string; credential?: "MD" | "DO" | "NP" | "PA" | "CNS" | "CNM" } };
      /** `serviceMonth`, `billingPractitioner.id`, `billingPractitioner.credential` → the resource it came from. */
      sources: Record<string, string>;
    }
  | { ok: false; error: InputErrorBody };

/** What a claim is built with besides the month. */
export interface ClaimContext {
  /** The practice's charge per unit of each code (not the allowed estimate): `{ "99490": 95 }`. */
  charges: Record<string, number>;
  /** Default: the month's billing practitioner. */
  billingProvider?: { npi: string };
  /** Default: the month's billing practitioner. */
  renderingProvider?: { npi: string };
  /** CMS place-of-service code, default `11` (office). */
  placeOfService?: string;
  /** ICD-10-CM codes in the order the claim should list them (counted conditions only). */
  diagnosisOrder?: string[];
  /** Whose lines: `recommended` (default: the recommended program when the month decides programs, else CCM). */
  program?: "ccm" | "pcm" | "apcm" | "recommended";
  patient?: { reference: string };
  /** A FHIR Reference to the Coverage; default `{ display: "Medicare Part B" }`. */
  coverage?: { reference?: string; display?: string };
  claimId?: string;
}

/** One CMS-1500 / 837P service line. */
export interface ClaimLine {
  line: number;
  code: string;
  units: number;
  /** units × unitCharge. */
  charge: number;
  unitCharge: number;
  /** 1-based pointers into `diagnoses` (A-D on the CMS-1500). */
  diagnosisPointers: number[];
  placeOfService: string;
  dateOfService: { from: IsoDate; to: IsoDate };
  renderingNpi: string;
}

export type ClaimResult =
  | {
      ok: true;
      program: ProgramId;
      status: Status;
      /** Billable, with diagnoses, and (for a month-end date of service) the month is over. */
      ready: boolean;
      blockedBy: string[];
      /** The pack's convention: `lastDayOfMonth`, `thresholdMet` or `monthSpan`. */
      dateOfService: "lastDayOfMonth" | "thresholdMet" | "monthSpan";
      /** ICD-10-CM without dots, in claim order. */
      diagnoses: string[];
      lines: ClaimLine[];
      totalCharge: number;
      /** What a payer would deny, and the claim adjustment reason code it would use (`CO-97`). */
      denialRisks: { finding: string; carc: string; reason: string; detail?: string }[];
      notes: string[];
      /** The same as an R4 Claim resource; null when nothing is billable. */
      claim: Record<string, unknown> | null;
      rulePack: { id: string; version: string };
    }
  | { ok: false; error: InputErrorBody };

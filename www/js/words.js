// Plain words for billing staff: every finding code of CONTRACT §5, input error codes (§4),
// checklist items, CCM codes, tracks and field names. The engine's own `message` (with rule and
// source) is shown one click away; these sentences say what it means and what to do.

/** code → { title, fix } ; `title` says what is wrong, `fix` what to do about it. */
export const FINDINGS = {
  // eligibility
  CONDITIONS_FEWER_THAN_TWO: {
    title: "Fewer than two chronic conditions count.",
    fix: "CCM needs at least two chronic conditions from different categories. Add the patient's other chronic diagnoses.",
  },
  CONDITION_CODE_INVALID: {
    title: "This diagnosis code is not a valid ICD-10-CM code.",
    fix: "Pick the code from the list (billable codes only, e.g. E11.9 not E11). It does not count until corrected.",
  },
  CONDITION_NOT_CHRONIC: {
    title: "This diagnosis is not a chronic condition, so it does not count.",
    fix: "If the clinician documents it as chronic for this patient (lasting 12 months or more, or until death), mark it chronic; otherwise list another chronic condition.",
  },
  CONDITIONS_SAME_CATEGORY: {
    title: "Two codes from the same diagnosis category count as one condition.",
    fix: "Codes sharing their first three characters (e.g. E11.9 and E11.65) are one condition. Add a condition from another category.",
  },
  CONSENT_MISSING: {
    title: "No patient consent on file.",
    fix: "Capture the patient's consent (use the Consent tab) before billing CCM.",
  },
  CONSENT_DECLINED: {
    title: "The patient declined CCM.",
    fix: "CCM cannot be billed for a patient who declined. Do not bill this month.",
  },
  CONSENT_ELEMENTS_INCOMPLETE: {
    title: "The consent does not show all four required points.",
    fix: "A practice's own consent must record that the patient was told about 24/7 availability, cost sharing, the right to stop, and that only one practitioner can bill CCM per month. Use a built-in script or tick all four.",
  },
  CONSENT_DETAILS_MISSING: {
    title: "The consent record is missing its date, method or version.",
    fix: "Fill in when consent was given, how (verbal, written, electronic) and which consent script version was used.",
  },
  CONSENT_PRACTITIONER_MISMATCH: {
    title: "The consent was given for a different billing practitioner.",
    fix: "Consent covers the practitioner it names. Capture consent for this billing practitioner, or bill under the one named.",
  },
  CONSENT_VERSION_MISMATCH: {
    title: "The claim pins a different consent version than the one on file.",
    fix: "The consent version (or its text fingerprint) on the claim must match the consent the patient gave. Re-pin the claim to the consent on file, or capture consent again with the current script.",
  },
  CONSENT_REVOKED: {
    title: "The patient stopped CCM.",
    fix: "A revocation takes effect at the end of the month it was made in: that month can still be billed, later months cannot.",
  },
  INITIATING_VISIT_REQUIRED: {
    title: "An initiating visit is required and none is recorded.",
    fix: "New patients, and patients not seen within the last 12 months, need a face-to-face visit (E/M, AWV, IPPE or TCM) with the billing practitioner before CCM starts. Record the visit.",
  },
  INITIATING_VISIT_TOO_OLD: {
    title: "The initiating visit is more than 12 months before CCM began.",
    fix: "Schedule a new qualifying visit (E/M, AWV, IPPE or TCM) and record it.",
  },
  INITIATING_VISIT_TYPE_INVALID: {
    title: "This kind of visit cannot start CCM.",
    fix: "Only an E/M visit, Annual Wellness Visit, Welcome to Medicare visit (IPPE) or TCM visit qualifies.",
  },
  INITIATING_VISIT_PRACTITIONER_MISMATCH: {
    title: "The initiating visit was done by another practitioner.",
    fix: "The billing practitioner must furnish the initiating visit. Record the billing practitioner's own qualifying visit, or bill under the practitioner who saw the patient.",
  },
  CARE_PLAN_MISSING: {
    title: "No care plan is recorded.",
    fix: "CCM requires a comprehensive care plan. Record when it was established.",
  },
  CARE_PLAN_NOT_ELECTRONIC: {
    title: "The care plan is not kept electronically.",
    fix: "The care plan must be in the electronic record. Confirm and tick 'Electronic'.",
  },
  CARE_PLAN_NOT_ACCESSIBLE: {
    title: "The care plan is not available to the care team 24/7.",
    fix: "Anyone covering the patient must be able to reach the care plan at any hour. Confirm and tick '24/7 access'.",
  },
  CARE_PLAN_NOT_SHARED: {
    title: "The patient has not been given a copy of the care plan.",
    fix: "Give the patient (or caregiver) a copy and tick 'Shared with patient'.",
  },
  CARE_PLAN_NOT_SIGNED: {
    title: "The care plan is not signed by the billing practitioner.",
    fix: "The billing practitioner must sign it: record who signed (their ID) and when.",
  },
  CARE_PLAN_STALE: {
    title: "The care plan has not been reviewed in over 12 months.",
    fix: "Review or revise the care plan and record the date. Billing is not blocked, but an audit would flag it.",
  },
  SUPERVISION_NOT_ATTESTED: {
    title: "Supervision of clinical staff is not attested.",
    fix: "Staff time counts only under the billing practitioner's general supervision. Confirm and tick 'Supervision attested'.",
  },
  PRACTITIONER_NOT_ELIGIBLE: {
    title: "This practitioner type cannot bill CCM.",
    fix: "Only MD, DO, NP, PA, CNS or CNM may bill CCM. Check the billing practitioner's credential.",
  },
  PRACTITIONER_CREDENTIAL_READ_AS: {
    title: "The credential was read in its standard form.",
    fix: "Nothing to fix: spellings such as 'M.D.' or 'PA-C' are read as MD or PA. The message says what was read.",
  },
  // time
  TIME_ENTRY_OUTSIDE_MONTH: {
    title: "This time entry is outside the service month and does not count.",
    fix: "Each month's time stands alone. Move the entry to its own month's check.",
  },
  TIME_ENTRY_SPLIT_AT_MONTH_END: {
    title: "This entry crosses the month's end: only the part inside the month counts.",
    fix: "Nothing to fix; the rest belongs to the next month.",
  },
  TIME_ENTRY_OTHER_SERVICE: {
    title: "This time was for another service (e.g. TCM, RPM, BHI) and does not count toward CCM.",
    fix: "Time billed under another service cannot also count as CCM. Nothing to fix if that is correct.",
  },
  TIME_BELOW_THRESHOLD: {
    title: "Not enough counted time yet for a CCM code this month.",
    fix: "See the minutes still needed and the days left.",
  },
  ADDON_CAP_REACHED: {
    title: "There is time for more add-on units than Medicare pays for.",
    fix: "Nothing to fix: the add-on stops at its monthly cap, the extra time is not paid.",
  },
  TIME_ENTRY_AFTER_AS_OF: {
    title: "This entry is after the 'as of' date, so it is not counted yet.",
    fix: "Check the date, or move the 'as of' date forward once the time has happened.",
  },
  TIME_ENTRY_OVERLAP: {
    title: "This entry overlaps another entry by the same person: the overlap counts once.",
    fix: "Check the start and end times. One person's time is never counted twice.",
  },
  TIME_CONCURRENT_STAFF: {
    title: "Two people logged the same minutes: the shared minutes count once.",
    fix: "When staff work together, the time counts once. Check whether the times are right.",
  },
  TIME_DOUBLE_COUNTED: {
    title: "Part of this CCM time overlaps time billed to another service, and that part does not count.",
    fix: "The same minutes cannot count for CCM and another service. Check the times.",
  },
  TIME_ENTRY_NON_CLINICAL: {
    title: "Time by non-clinical staff does not count.",
    fix: "Only clinical staff (RN, LPN, MA, other clinical staff) and practitioners count. Correct the role if it is wrong.",
  },
  TIME_ENTRY_FACILITY_STAY: {
    title: "Time during an inpatient or Part A skilled nursing stay does not count.",
    fix: "CCM time counts only while the patient lives in the community. Check the patient's setting.",
  },
  TIME_ENTRY_BEFORE_CONSENT: {
    title: "Time before the patient consented does not count.",
    fix: "Check the consent date and the entry's date.",
  },
  TIME_ENTRY_NO_START_END: {
    title: "This entry has minutes but no start and end time.",
    fix: "It counts, but auditors expect start and stop times. Record them when you can.",
  },
  TIME_ENTRY_PERFORMER_MISSING: {
    title: "Who did this work (name and role) is not recorded.",
    fix: "An entry without a role does not count; one without a name counts but is an audit risk. Fill in both.",
  },
  TIME_ENTRY_NARRATIVE_INSUFFICIENT: {
    title: "The note for this time does not describe the care given.",
    fix: "Write what was done (at least a sentence, e.g. 'Reviewed glucose log, adjusted insulin with pharmacist'), not just the minutes.",
  },
  // conflicts
  ANOTHER_PRACTITIONER_BILLED_CCM: {
    title: "Another practitioner billed CCM for this patient this month.",
    fix: "Only one practitioner can bill CCM per patient per month. Do not bill; coordinate with the other practice.",
  },
  PCM_SAME_MONTH: {
    title: "Principal Care Management was billed by the same practitioner this month.",
    fix: "The same practitioner cannot bill PCM and CCM in one month. Bill one of them.",
  },
  CARE_PLAN_OVERSIGHT_SAME_MONTH: {
    title: "Care plan oversight (G0181/G0182) was billed by the same practitioner this month.",
    fix: "These cannot be billed with CCM by the same practitioner in one month. Bill one of them.",
  },
  ESRD_SAME_MONTH: {
    title: "Monthly dialysis (ESRD) services were billed by the same practitioner this month.",
    fix: "ESRD monthly services and CCM cannot both be billed by the same practitioner in one month.",
  },
  APCM_SAME_MONTH: {
    title: "Advanced Primary Care Management (APCM) was billed this month.",
    fix: "APCM by the same practitioner or group blocks CCM. APCM by another practice does not block CCM but is an audit risk: confirm the patient's care arrangement.",
  },
  // tracks
  COMPLEX_MDM_REQUIRED: {
    title: "Complex CCM needs moderate or high medical decision making this month.",
    fix: "If the billing practitioner's decision making this month was moderate or high, record it; otherwise bill non-complex CCM.",
  },
  COMPLEX_CARE_PLAN_REVISION_NOT_DOCUMENTED: {
    title: "Complex CCM month without a documented care plan revision.",
    fix: "Complex CCM expects the care plan to be substantially revised. Record the revision date in this month.",
  },
  RULE_PACK_PROVISIONAL: {
    title: "These rules and prices are provisional.",
    fix: "The rule pack uses facts that are not final (for CY2027: the proposed rule's conversion factor and CY2026's RVUs). Amounts may change when CMS publishes the final figures.",
  },
  LOCALITY_GPCI: {
    title: "Priced for the chosen Medicare locality.",
    fix: "Nothing to fix. The amounts use that locality's geographic indices (GPCIs); numbers typed in the GPCI fields take precedence.",
  },
  GPCI_STAND_IN: {
    title: "The locality's indices are a stand-in for this year.",
    fix: "No official table of this year's GPCIs was available, so CY2025's are used. Amounts may differ slightly from what Medicare pays.",
  },
  QMB_NO_COINSURANCE: {
    title: "QMB patient: no coinsurance may be billed to the patient.",
    fix: "Do not bill the patient the 20%. The state Medicaid program pays under its own rules (possibly nothing).",
  },
  RHC_FQHC_NATIONAL_RATE: {
    title: "RHC/FQHC: paid the national amount.",
    fix: "Nothing to fix. Rural health clinics and FQHCs are paid the national non-facility fee schedule amount for care management, with no geographic adjustment.",
  },
  RHC_FQHC_G0511_PERIOD: {
    title: "Before October 2025, RHCs and FQHCs billed G0511.",
    fix: "For this month the clinic may have billed G0511 (general care management) instead of the individual codes shown. The message gives its amount.",
  },
  CODE_NOT_COVERED_BY_PAYER: {
    title: "The payer does not cover this code.",
    fix: "The payer of the chosen rule pack does not pay this code; a claim line for it would be denied. Check the contract, or do not bill it.",
  },
  // programs (CONTRACT §10)
  PCM_FOCUS_CONDITION_MISSING: {
    title: "PCM needs exactly one focus condition.",
    fix: "Principal Care Management manages one complex chronic condition. Tick 'PCM focus' on that one condition (valid and chronic), and on no other.",
  },
  PCM_CARE_PLAN_NOT_DISEASE_SPECIFIC: {
    title: "The care plan is not marked disease-specific for PCM.",
    fix: "PCM needs a care plan that addresses the focus condition specifically. Once it does, tick 'Care plan is disease-specific'.",
  },
  APCM_NOT_PRIMARY_CARE: {
    title: "The billing practitioner is not recorded as responsible for the patient's primary care (APCM).",
    fix: "APCM is billed by the practitioner who is the patient's continuing focal point for all needed services. Confirm and tick 'Responsible for the patient's primary care'.",
  },
  APCM_ELEMENTS_NOT_ATTESTED: {
    title: "Not every APCM service element is attested.",
    fix: "The practice must offer every APCM service element (24/7 access, continuity, care plan, transitions, …). Tick each element the practice provides; the missing ones are listed.",
  },
  APCM_PRACTICE_ELECTION: {
    title: "APCM is a choice the practice makes for the patient, not a month-by-month switch.",
    fix: "Once elected, APCM is billed every month in place of CCM and PCM. Compare the programs over the year before electing it.",
  },
  APCM_LEVEL: {
    title: "The APCM level follows the chronic conditions counted and QMB status.",
    fix: "Nothing to fix: G0556 for one condition or none, G0557 for two or more, G0558 for a Qualified Medicare Beneficiary with two or more.",
  },
  APCM_BUNDLED_SERVICE_SAME_MONTH: {
    title: "A service that APCM includes was billed this month.",
    fix: "APCM bundles CCM, PCM, TCM and several consult and communication codes for the same practitioner or group. Bill APCM or those services, not both.",
  },
  CCM_SAME_MONTH: {
    title: "CCM was billed this month.",
    fix: "The same practitioner cannot bill CCM and PCM in one month: bill one of them. CCM by another practitioner does not block PCM but is an audit risk.",
  },
  ADDON_CAP_NOT_SOURCED: {
    title: "No monthly cap was found for this add-on code.",
    fix: "The sources give no unit limit for 99425/99427, so every full 30 minutes is counted. Check Medicare's MUE table for the year before billing several units.",
  },
  PROGRAM_NOT_IN_RULE_PACK: {
    title: "The rule pack does not define this program.",
    fix: "The chosen rule pack has no rules for PCM or APCM. Use a built-in pack, or one whose programs section defines it.",
  },
  TRACK_NOT_AVAILABLE: {
    title: "The chosen kind of CCM cannot be billed this month.",
    fix: "See the engine's explanation; switch the track to 'Automatic' to let the engine pick what can be billed.",
  },
};

/** §4 input error codes. */
export const INPUT_ERRORS = {
  INVALID_JSON: "The month data is not valid JSON.",
  INVALID_INPUT: "Some fields are missing or malformed, so the month cannot be checked yet.",
  INPUT_TOO_LARGE: "The month has more data than the checker accepts (too many entries or too much text).",
  UNKNOWN_RULE_PACK: "The chosen rule pack does not exist.",
  NO_RULE_PACK_FOR_MONTH: "There are no billing rules for this service month.",
  INVALID_RULE_PACK: "The custom rule pack is not valid.",
};

/**
 * Panel rows that are not a month the engine could read (docs/page.md §6). One line each: `ccm
 * panel` reads these words from this file, so its CSV would say the same; both codes come from the
 * page's panel only (`ccm panel` always has the FHIR adapter, whose own errors are INPUT_ERRORS).
 */
export const PANEL_ERRORS = {
  FHIR_NOT_SUPPORTED: "A FHIR Bundle: the FHIR adapter's module could not be loaded here, so this entry was not checked.",
  FHIR_UNREADABLE: "A FHIR Bundle the FHIR adapter failed on, so this entry was not checked.",
};

export const SEVERITY = {
  error: { label: "Blocks billing", short: "Blocks" },
  warning: { label: "Audit risk", short: "Risk" },
  info: { label: "Note", short: "Note" },
};

export const STATUS = {
  billable: "Billable",
  blocked: "Blocked",
  below_threshold: "Below threshold",
};

export const CHECKLIST = {
  staffTimeTotal: "Total care management time for the month",
  encounterDetails: "Who did each piece of work, their role, start and end, and what was done",
  carePlanSigned: "Care plan signed by the billing practitioner",
  conditionsWithCodes: "Two or more chronic conditions with valid ICD-10-CM codes",
  supervisionAttested: "Supervision of clinical staff attested",
  consentOnFile: "Consent on file (script version, date, method)",
};

export const TRACKS = {
  staff: "Clinical staff CCM (99490 + 99439)",
  complex: "Complex CCM (99487 + 99489)",
  practitioner: "Practitioner's own time (99491 + 99437)",
};

export const CODES = {
  "99490": "CCM by clinical staff, first 20 minutes",
  "99439": "CCM by clinical staff, each further 20 minutes",
  "99487": "Complex CCM, first 60 minutes",
  "99489": "Complex CCM, each further 30 minutes",
  "99491": "CCM by the practitioner personally, first 30 minutes",
  "99437": "CCM by the practitioner personally, each further 30 minutes",
  "99424": "PCM by the practitioner personally, first 30 minutes",
  "99425": "PCM by the practitioner personally, each further 30 minutes",
  "99426": "PCM by clinical staff, first 30 minutes",
  "99427": "PCM by clinical staff, each further 30 minutes",
  G0556: "APCM level 1",
  G0557: "APCM level 2",
  G0558: "APCM level 3",
};

/** The programs of CONTRACT §10: short and full names. */
export const PROGRAMS = {
  ccm: { short: "CCM", name: "Chronic Care Management" },
  pcm: { short: "PCM", name: "Principal Care Management" },
  apcm: { short: "APCM", name: "Advanced Primary Care Management" },
};

/** A program's track, in words (PCM's tracks have their own codes). */
export const PROGRAM_TRACKS = {
  ccm: TRACKS,
  pcm: { staff: "Clinical staff PCM (99426 + 99427)", practitioner: "Practitioner's own time PCM (99424 + 99425)" },
  apcm: {},
};

/** APCM service elements (ids of the built-in packs' `programs.apcm.elements`), as the practice attests them. */
export const APCM_ELEMENTS = {
  access24x7: "24/7 access to the care team for urgent needs",
  continuity: "Continuity of care with a designated care team member",
  alternativeCareDelivery: "Care beyond office visits (phone, portal, home or virtual visits)",
  comprehensiveCareManagement: "Comprehensive care management (assessment, medication management)",
  carePlan: "A patient-centered comprehensive care plan",
  careTransitions: "Management of care transitions (discharges, emergency visits)",
  careCoordination: "Coordination with other practitioners and community services",
  enhancedCommunication: "Enhanced communication (secure messaging, portal, asynchronous)",
  populationManagement: "Population-level management (risk stratification of the panel)",
  performanceMeasurement: "Performance measurement (quality reporting)",
};

export const ROLES = {
  rn: "Registered nurse (RN)",
  lpn: "Licensed practical nurse (LPN)",
  ma: "Medical assistant (MA)",
  clinical_staff: "Other clinical staff",
  other_practitioner: "Other practitioner",
  billing_practitioner: "Billing practitioner",
  non_clinical: "Non-clinical staff",
};

export const SERVICES = {
  ccm: "CCM",
  tcm: "TCM (transitional care)",
  pcm: "PCM (principal care)",
  rpm: "RPM (remote monitoring)",
  rtm: "RTM (remote therapeutic monitoring)",
  bhi: "BHI (behavioral health)",
  chi: "CHI (community health integration)",
  pin: "PIN (principal illness navigation)",
  em: "E/M visit",
  apcm: "APCM",
  other: "Other service",
};

export const SETTINGS = {
  community: "Community (home)",
  inpatient: "Hospital inpatient",
  snf_part_a: "Skilled nursing, Part A stay",
};

/** `payment.setting` of an evaluation, as the verdict says it. */
export const PAYMENT_SETTINGS = {
  nonFacility: "office (non-facility)",
  facility: "facility",
  rhc: "rural health clinic (RHC), national amount",
  fqhc: "federally qualified health center (FQHC), national amount",
};

export const CONSENT_ELEMENTS = {
  availability: "24/7 access to the care team",
  costSharing: "Cost sharing (coinsurance) may apply",
  rightToStop: "The right to stop at any time",
  onePractitioner: "Only one practitioner may bill CCM per month",
};

/** Plain title for a finding, with a generic fallback for codes added after this page. */
export function findingWords(code) {
  return FINDINGS[code] ?? { title: code.replaceAll("_", " ").toLowerCase(), fix: "" };
}

export const money = (x) =>
  typeof x === "number" && Number.isFinite(x)
    ? x.toLocaleString("en-US", { style: "currency", currency: "USD" })
    : "–";

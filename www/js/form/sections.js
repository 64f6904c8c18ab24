// The plain sections of the form, in page order: month, billing practitioner, patient, conditions,
// consent, initiating visit, care plan, decision making, other services, claim. (Time entries,
// payment and APCM have modules of their own.)
// Methods of MonthForm (month-form.js mixes them into its prototype; `this` is the form).
import { h, uid } from "../dom.js";
import { getPath } from "../paths.js";
import { ROLES, CONSENT_ELEMENTS } from "../words.js";

const CREDENTIALS = ["MD", "DO", "NP", "PA", "CNS", "CNM"];
const VISIT_TYPES = [
  ["em", "E/M office visit"],
  ["awv", "Annual Wellness Visit"],
  ["ippe", "Welcome to Medicare (IPPE)"],
  ["tcm", "Transitional care (TCM)"],
];
const OTHER_CODES = [
  ["99490", "CCM (another practitioner?)"],
  ["99495", "TCM, moderate"],
  ["99496", "TCM, high"],
  ["99424", "PCM, practitioner, first 30 min"],
  ["99426", "PCM, staff, first 30 min"],
  ["G0556", "APCM level 1"],
  ["G0557", "APCM level 2"],
  ["G0558", "APCM level 3"],
  ["G0181", "Care plan oversight, home health"],
  ["G0182", "Care plan oversight, hospice"],
  ["90960", "ESRD monthly services"],
  ["99457", "RPM management"],
  ["99484", "BHI"],
  ["G0511", "RHC/FQHC care management"],
];

export const sectionMethods = {
  monthSection() {
    const s = this.state;
    return this.section("Month", "month", null, [
      h(
        "div",
        { class: "grid" },
        this.field("Service month", "serviceMonth", "text", { placeholder: "YYYY-MM", pattern: "\\d{4}-\\d{2}", required: true, hint: "Calendar month being billed, e.g. 2026-03", inputmode: "numeric" }),
        this.field("Checked as of", "asOf", "date", { hint: "Leave empty for the end of the month", now: true }),
        this.field("Kind of CCM", "track", "select", {
          options: [
            ["", "Automatic (best allowed)"],
            ...(s.track === "auto" ? [["auto", "Automatic (best allowed)"]] : []),
            ["staff", "Clinical staff (99490)"],
            ["complex", "Complex (99487)"],
            ["practitioner", "Practitioner's own time (99491)"],
          ],
        }),
        this.packField(),
      ),
      this.programsField(),
    ]);
  },

  practitionerSection() {
    return this.section("Billing practitioner", "billingPractitioner", null, [
      h(
        "div",
        { class: "grid" },
        this.field("NPI or ID", "billingPractitioner.id", "text", { required: true, inputmode: "numeric", autocomplete: "off" }),
        this.field("Credential", "billingPractitioner.credential", "select", { options: [["", "—"], ...CREDENTIALS.map((c) => [c, c])] }),
        this.field("Group (TIN)", "billingPractitioner.groupId", "text", {}),
      ),
    ]);
  },

  patientSection() {
    return this.section("Patient", "patient", null, [
      h(
        "div",
        { class: "grid" },
        this.field("Patient reference", "patient.ref", "text", { hint: "Your own ID; no names needed", autocomplete: "off" }),
        this.field("Last visit with the practice", "patient.lastVisitDate", "date", {}),
        this.field("New patient", "patient.newPatient", "bool", {}),
        this.field("Qualified Medicare Beneficiary (QMB)", "patient.qmb", "bool", { hint: "Medicaid covers the patient's share: no coinsurance may be billed to the patient" }),
      ),
    ]);
  },

  conditionsSection() {
    return this.listSection("Chronic conditions", "conditions", "ICD-10-CM FY2026. Type a code or words (e.g. 'E11.9', 'diabetes type 2', 'copd').", "Add condition", (item, path, i) =>
      this.rowShell(path, `Condition ${i + 1}`, [
        h(
          "div",
          { class: "grid" },
          this.comboField(`${path}.code`),
          this.field("Counts as chronic", `${path}.chronic`, "tristate", { options: [["", "Per the AHRQ table"], ["true", "Yes, chronic"], ["false", "No"]] }),
          this.field("Significant risk", `${path}.significantRisk`, "tristate", { options: [["", "Not stated"], ["true", "Yes"], ["false", "No (does not count)"]] }),
          this.compares("pcm") ? this.field("PCM focus", `${path}.pcmFocus`, "bool", { hint: "The one condition PCM manages" }) : null,
        ),
      ]),
    );
  },

  consentSection() {
    const elementsPath = "consent.elements";
    const chosen = new Set(getPath(this.state, elementsPath) ?? []);
    const href = this.opts.consentHref;
    const elId = uid("els");
    return this.section("Consent", "consent", "Use the Consent tab to read a built-in script and record the answer; or enter your own record here.", [
      href ? h("p", {}, h("a", { href, class: "button-link", text: "Capture consent with a script" })) : null,
      h(
        "div",
        { class: "grid" },
        this.field("Patient's answer", "consent.status", "select", { options: [["", "— no consent recorded —"], ["accepted", "Accepted"], ["declined", "Declined"], ["revoked", "Revoked (stopped)"]] }),
        this.field("Date given", "consent.date", "date", {}),
        this.field("Method", "consent.method", "select", { options: [["", "—"], ["verbal", "Verbal"], ["written", "Written"], ["electronic", "Electronic"]] }),
        this.field("Script version", "consent.version", "text", { list: this.templateListId() }),
        this.field("Script text SHA-256", "consent.textSha256", "text", { class: "mono" }),
        this.field("For practitioner (ID)", "consent.practitionerId", "text", {}),
        this.field("Revoked on", "consent.revokedOn", "date", {}),
        this.field("Captured by (name)", "consent.capturedBy.name", "text", {}),
        this.field("Captured by (role)", "consent.capturedBy.role", "select", { options: [["", "—"], ...Object.entries(ROLES)] }),
      ),
      h(
        "fieldset",
        { class: "elements", "data-msg-path": elementsPath, "aria-describedby": elId },
        h("legend", { text: "Points explained to the patient (needed for your own scripts; built-in scripts cover all four)" }),
        Object.entries(CONSENT_ELEMENTS).map(([v, t]) => {
          const id = uid("el");
          return h("div", { class: "check" }, h("input", { type: "checkbox", id, value: v, checked: chosen.has(v), dataset: { path: elementsPath, kind: "elements" } }), h("label", { for: id, text: t }));
        }),
        h("div", { id: elId }, this.slot(elementsPath)),
      ),
    ]);
  },

  initiatingVisitSection() {
    return this.section("Initiating visit", "initiatingVisit", "Needed for new patients and patients not seen in 12 months.", [
      h(
        "div",
        { class: "grid" },
        this.field("Visit date", "initiatingVisit.date", "date", {}),
        this.field("Visit type", "initiatingVisit.type", "select", { options: [["", "—"], ...VISIT_TYPES] }),
        this.field("Seen by (ID)", "initiatingVisit.practitionerId", "text", {}),
      ),
    ]);
  },

  carePlanSection() {
    const revPath = "carePlan.revisedOn";
    const revs = getPath(this.state, revPath);
    const rows = Array.isArray(revs) ? revs : [];
    return this.section("Care plan", "carePlan", null, [
      h(
        "div",
        { class: "grid" },
        this.field("Established on", "carePlan.established", "date", {}),
        this.field("Signed by (practitioner ID)", "carePlan.signedBy", "text", {}),
        this.field("Signed on", "carePlan.signedOn", "date", {}),
        this.field("Last reviewed", "carePlan.lastReviewed", "date", {}),
        this.field("Kept electronically", "carePlan.electronic", "bool", {}),
        this.field("Care team can reach it 24/7", "carePlan.accessible24x7", "bool", {}),
        this.field("Copy given to the patient", "carePlan.sharedWithPatient", "bool", {}),
        this.compares("pcm") ? this.field("Care plan is disease-specific", "carePlan.diseaseSpecific", "bool", { hint: "PCM: it addresses the focus condition specifically" }) : null,
      ),
      h(
        "div",
        { class: "sublist", "data-msg-path": revPath },
        h("h3", { text: "Revisions" }),
        this.slot(revPath),
        h(
          "ol",
          { class: "rows compact" },
          rows.map((_, i) =>
            h(
              "li",
              { class: "row inline", "data-msg-path": `${revPath}[${i}]` },
              this.field(`Revised on (${i + 1})`, `${revPath}[${i}]`, "date", {}),
              h("button", { type: "button", class: "remove small", dataset: { action: "remove", target: `${revPath}[${i}]`, focusKey: `remove:${revPath}[${i}]` }, text: "Remove", "aria-label": `Remove revision ${i + 1}` }),
            ),
          ),
        ),
        h("button", { type: "button", class: "add small", dataset: { action: "add", target: revPath, focusKey: `add:${revPath}` }, text: "Add revision date" }),
      ),
    ]);
  },

  complexitySection() {
    return this.section("Decision making and supervision", "complexity", null, [
      h(
        "div",
        { class: "grid" },
        this.field("Practitioner's medical decision making this month", "complexity.mdm", "select", {
          options: [
            ["", "—"],
            ["straightforward", "Straightforward"],
            ["low", "Low"],
            ["moderate", "Moderate"],
            ["high", "High"],
          ],
          hint: "Moderate or high allows complex CCM",
        }),
        this.field("Supervision of clinical staff attested", "supervisionAttested", "bool", {}),
      ),
    ]);
  },

  otherServicesSection() {
    const listId = uid("codes");
    return h(
      "div",
      {},
      this.listSection("Other services this month", "otherServices", "Other codes billed for this patient this month, by anyone (TCM, PCM, APCM, …).", "Add service", (item, path, i) =>
        this.rowShell(path, `Service ${i + 1}`, [
          h(
            "div",
            { class: "grid" },
            this.field("Code", `${path}.code`, "text", { list: listId, placeholder: "99495" }),
            this.field("Date", `${path}.date`, "date", {}),
            this.field("Billed by (ID)", `${path}.practitionerId`, "text", {}),
            this.field("Group (TIN)", `${path}.groupId`, "text", {}),
          ),
        ]),
      ),
      h("datalist", { id: listId }, OTHER_CODES.map(([c, t]) => h("option", { value: c, text: t }))),
    );
  },

  claimSection() {
    return this.section("Claim", "claim", "The consent version the claim pins; it must match the consent on file.", [
      h(
        "div",
        { class: "grid" },
        this.field("Consent version on the claim", "claim.consentVersion", "text", { list: this.templateListId() }),
        this.field("Consent text SHA-256 on the claim", "claim.consentTextSha256", "text", { class: "mono" }),
      ),
    ]);
  },
};

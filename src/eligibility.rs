//! Stage 3: patient and practice eligibility (CONTRACT §6.6–6.9, §10.1, §10.3): conditions (or a
//! PCM focus condition), consent, initiating visit, care plan, supervision, the billing
//! practitioner's credential and APCM's primary-care role, as the program's [`Requirements`] ask.

use crate::evaluation::ConsentSummary;
use crate::finding::Finding;
use crate::icd::{self, Chronic, CodeStatus};
use crate::pack::{Pack, Requirements, Severity};
use crate::validate::{months_before, Checked, ConsentStatus};

#[derive(Debug, Default)]
pub struct Eligibility {
    pub findings: Vec<Finding>,
    pub counted_conditions: usize,
    pub care_plan_signed: bool,
    pub consent_on_file: bool,
    /// A care-plan revision (or its establishment) is dated inside the service month.
    pub revised_in_month: bool,
    pub consent: Option<ConsentSummary>,
}

/// The eligibility findings of a program (`name` is how messages call it: `CCM`, `PCM`, `APCM`).
pub fn assess(m: &Checked, pack: &Pack, req: &Requirements, name: &str) -> Eligibility {
    let mut out = Eligibility::default();
    conditions(m, pack, req, &mut out);
    consent(m, pack, req, name, &mut out);
    initiating_visit(m, pack, req, name, &mut out);
    if req.care_plan {
        care_plan(m, pack, &mut out);
    }
    if req.disease_specific_care_plan && m.care_plan.as_ref().and_then(|c| c.disease_specific) != Some(true) {
        out.findings.push(Finding::new(pack, "PCM_CARE_PLAN_NOT_DISEASE_SPECIFIC", "carePlan.diseaseSpecific".into(),
            "PCM needs a care plan that addresses the focus condition specifically (carePlan.diseaseSpecific)".into()));
    }
    if req.supervision && m.supervision != Some(true) {
        out.findings.push(Finding::new(pack, "SUPERVISION_NOT_ATTESTED", "supervisionAttested".into(),
            "supervision of clinical staff by the billing practitioner is not attested".into()));
    }
    if let Some(raw) = m.credential {
        credential(raw, pack, name, &mut out);
    }
    if req.primary_care && m.apcm.responsible_for_primary_care != Some(true) {
        out.findings.push(Finding::new(pack, "APCM_NOT_PRIMARY_CARE", "apcm.responsibleForPrimaryCare".into(),
            "APCM is billed by the practitioner responsible for the patient's primary care and the continuing focal point for all needed services".into()));
    }
    out
}

/// The billing practitioner's credential, read as claim forms write it: any case, dots and spaces
/// left out, a trailing "-C" (certified) dropped, so "m.d.", "D.O." and "P.A.-C" are MD, DO and
/// PA. A credential read other than as written says what it was read as.
fn credential(raw: &str, pack: &Pack, name: &str, out: &mut Eligibility) {
    let read = normalize_credential(raw);
    let eligible = &pack.policies.eligible_credentials;
    match eligible.iter().find(|x| x.eq_ignore_ascii_case(&read)) {
        None => out.findings.push(Finding::new(pack, "PRACTITIONER_NOT_ELIGIBLE", "billingPractitioner.credential".into(),
            format!("the credential is not one that may bill {name} ({})", eligible.join(", ")).into())),
        // Only a pack's own credential is named, never the input's text.
        Some(x) if x != raw.trim() => out.findings.push(Finding::new(pack, "PRACTITIONER_CREDENTIAL_READ_AS", "billingPractitioner.credential".into(),
            format!("the credential was read as {x}").into())),
        Some(_) => {}
    }
}

/// Upper case, without dots or whitespace, without a trailing "-C".
pub fn normalize_credential(raw: &str) -> String {
    // ASCII case only: credentials are ASCII, and Unicode's case tables would cost the wasm
    // several kilobytes.
    let s: String = raw.chars().filter(|c| *c != '.' && !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    match s.strip_suffix("-C") {
        Some(x) if !x.is_empty() => x.to_string(),
        _ => s,
    }
}

fn conditions(m: &Checked, pack: &Pack, req: &Requirements, out: &mut Eligibility) {
    let pol = &pack.policies;
    let mut categories: Vec<&str> = Vec::new();
    // PCM judges its focus condition alone (PCM-002); the others do not concern it.
    let focus_only = req.focus_condition && req.min_chronic_conditions.is_none();
    let mut focus_ok = 0;
    for (i, c) in m.conditions.iter().enumerate() {
        if focus_only && !c.pcm_focus {
            continue;
        }
        // Built only for a finding: most conditions have none.
        let path = || format!("conditions[{i}].code");
        let status = if c.well_formed { icd::lookup(&c.code) } else { CodeStatus::Unknown };
        let chronic = match status {
            CodeStatus::Billable(ch) => ch,
            CodeStatus::Header => {
                out.findings.push(Finding::new(pack, "CONDITION_CODE_INVALID", path(),
                    "the code is a category header, not a billable ICD-10-CM FY2026 code; it does not count".into()));
                continue;
            }
            CodeStatus::Unknown => {
                let why = if c.well_formed { "is not an ICD-10-CM FY2026 code" } else { "is not in ICD-10-CM format" };
                out.findings.push(Finding::new(pack, "CONDITION_CODE_INVALID", path(), format!("the code {why}; it does not count").into()));
                continue;
            }
        };
        // The input's own flags outrank the table: a condition it marks not chronic, or not a
        // significant risk (CCM requires both), does not count, and says so.
        if c.chronic == Some(false) || c.significant_risk == Some(false) {
            let flag = if c.chronic == Some(false) { "chronic: false" } else { "significantRisk: false" };
            out.findings.push(Finding::new(pack, "CONDITION_NOT_CHRONIC", path(),
                format!("the input marks this condition {flag}; it does not count").into()));
            continue;
        }
        if chronic == Chronic::No && c.chronic != Some(true) {
            out.findings.push(Finding::new(pack, "CONDITION_NOT_CHRONIC", path(),
                "AHRQ's chronic condition indicator marks this code not chronic; it counts only when the input says chronic: true".into()));
            continue;
        }
        let cat = &c.code[..pol.condition_category_length.min(c.code.len())];
        if categories.contains(&cat) {
            out.findings.push(Finding::new(pack, "CONDITIONS_SAME_CATEGORY", path(),
                format!("another counted code shares the category {cat}; the category counts once").into()));
            continue;
        }
        categories.push(cat);
        focus_ok += usize::from(c.pcm_focus);
    }
    out.counted_conditions = categories.len();
    match req.min_chronic_conditions {
        Some(min) if categories.len() < min => out.findings.push(Finding::new(pack, "CONDITIONS_FEWER_THAN_TWO", "conditions".into(),
            format!("{} qualifying chronic condition(s) counted; at least {min} are required", categories.len()).into())),
        _ => {}
    }
    if req.focus_condition {
        focus(m, pack, focus_ok, out);
    }
}

/// PCM: exactly one condition marked `pcmFocus`, valid and counted as chronic (PCM-002).
fn focus(m: &Checked, pack: &Pack, counted: usize, out: &mut Eligibility) {
    let marked = m.conditions.iter().filter(|c| c.pcm_focus).count();
    let why = match (marked, counted) {
        (0, _) => "no condition is marked pcmFocus",
        (1, 1) => return,
        (1, _) => "the condition marked pcmFocus is not a valid chronic condition under the rule pack (see its finding)",
        _ => "more than one condition is marked pcmFocus; PCM manages one",
    };
    out.findings.push(Finding::new(pack, "PCM_FOCUS_CONDITION_MISSING", "conditions".into(),
        format!("PCM needs exactly one complex chronic condition marked pcmFocus: {why}").into()));
}

fn consent(m: &Checked, pack: &Pack, req: &Requirements, name: &str, out: &mut Eligibility) {
    let claim_pins = m.claim_version.is_some() || m.claim_sha.is_some();
    let Some(c) = &m.consent else {
        out.findings.push(Finding::new(pack, "CONSENT_MISSING", "consent".into(), "no consent is on file".into()));
        return;
    };
    let template = c.version.and_then(crate::consent::built_in);
    let matches = claim_pins.then(|| {
        let v_ok = m.claim_version.map_or(true, |v| Some(v) == c.version);
        let h_ok = m.claim_sha.map_or(true, |h| {
            c.text_sha256.or(template.map(|t| t.text_sha256.as_str())).is_some_and(|x| x.eq_ignore_ascii_case(h))
        });
        v_ok && h_ok
    });
    out.consent = Some(ConsentSummary { version: c.version.map(str::to_string), built_in: template.is_some(), matches_claim: matches });
    // Every check runs whatever the status, so one pass reports each problem (CONTRACT §6.7).
    let mut in_effect = match c.status {
        None => {
            out.findings.push(Finding::new(pack, "CONSENT_MISSING", "consent.status".into(), "the consent has no status".into()));
            false
        }
        Some(ConsentStatus::Declined) => {
            out.findings.push(Finding::new(pack, "CONSENT_DECLINED", "consent.status".into(), format!("the patient declined {name}").into()));
            false
        }
        Some(ConsentStatus::Revoked) if c.revoked_on.is_none() => {
            out.findings.push(Finding::new(pack, "CONSENT_REVOKED", "consent.revokedOn".into(), "consent is revoked and the revocation date is missing".into()));
            false
        }
        // A revocation date counts whether or not the status was changed with it: EHRs often
        // record the date and leave the status `accepted`.
        Some(ConsentStatus::Revoked | ConsentStatus::Accepted) => revocation(m, pack, c.revoked_on, out),
    };
    for (field, missing) in [("date", c.date.is_none()), ("method", c.method.is_none()), ("version", c.version.is_none())] {
        if missing {
            out.findings.push(Finding::new(pack, "CONSENT_DETAILS_MISSING", format!("consent.{field}"), format!("the consent {field} is missing").into()));
        }
    }
    let implied = template.is_some() && pack.built_in_versions_imply_elements;
    if !implied {
        let missing: Vec<&str> = req.consent_elements.iter().map(String::as_str).filter(|r| !c.elements.contains(r)).collect();
        if !missing.is_empty() {
            out.findings.push(Finding::new(pack, "CONSENT_ELEMENTS_INCOMPLETE", "consent.elements".into(),
                format!("the consent does not record these required elements: {}", missing.join(", ")).into()));
        }
    }
    if let Some(p) = &c.practitioner_id {
        if *p != m.billing_id {
            out.findings.push(Finding::new(pack, "CONSENT_PRACTITIONER_MISMATCH", "consent.practitionerId".into(),
                "the consent was given for a different billing practitioner".into()));
            in_effect = false;
        }
    }
    if matches == Some(false) {
        let path = if m.claim_version.as_ref().is_some_and(|v| Some(v) != c.version.as_ref()) { "claim.consentVersion" } else { "claim.consentTextSha256" };
        out.findings.push(Finding::new(pack, "CONSENT_VERSION_MISMATCH", path.into(),
            "the consent version or text hash pinned on the claim differs from the consent on file".into()));
    }
    out.consent_on_file = in_effect && c.date.is_some() && c.method.is_some() && c.version.is_some();
}

/// A revocation date's effect: none when absent; before the service month, no consent (error);
/// in or after it, consent holds to the end of the month it happened in (info, so the month
/// carries the warning for the next one). Returns whether consent is in effect this month.
fn revocation(m: &Checked, pack: &Pack, revoked_on: Option<chrono::NaiveDate>, out: &mut Eligibility) -> bool {
    match revoked_on {
        None => true,
        Some(d) if d >= m.month.first => {
            out.findings.push(Finding::with_severity(pack, "CONSENT_REVOKED", Severity::Info, "consent.revokedOn".into(),
                "consent was revoked in or after the service month; revocation takes effect at the end of the month it happened in".into()));
            true
        }
        Some(_) => {
            out.findings.push(Finding::new(pack, "CONSENT_REVOKED", "consent.revokedOn".into(), "consent was revoked before the service month".into()));
            false
        }
    }
}

fn initiating_visit(m: &Checked, pack: &Pack, req: &Requirements, name: &str, out: &mut Eligibility) {
    let pol = &pack.policies;
    let months = req.initiating_visit_max_months;
    let began = m.consent.as_ref().and_then(|c| c.date).unwrap_or(m.month.first);
    let limit = months_before(began, months);
    let required = m.new_patient || m.last_visit.map_or(true, |d| d < limit);
    if !required {
        return;
    }
    let Some(v) = &m.visit else {
        out.findings.push(Finding::new(pack, "INITIATING_VISIT_REQUIRED", "initiatingVisit".into(),
            format!("an initiating visit is required (new patient, or no visit in the {months} months before {name} began)").into()));
        return;
    };
    match v.date {
        None => out.findings.push(Finding::new(pack, "INITIATING_VISIT_REQUIRED", "initiatingVisit.date".into(), "the initiating visit has no date".into())),
        Some(d) if d < limit => out.findings.push(Finding::new(pack, "INITIATING_VISIT_TOO_OLD", "initiatingVisit.date".into(),
            format!("the initiating visit is more than {months} months before {name} began").into())),
        Some(_) => {}
    }
    // Free text (CONTRACT §2): trimmed, in any case.
    if !v.kind.is_some_and(|k| pol.initiating_visit_types.iter().any(|t| t.eq_ignore_ascii_case(k.trim()))) {
        out.findings.push(Finding::new(pack, "INITIATING_VISIT_TYPE_INVALID", "initiatingVisit.type".into(),
            format!("the initiating visit must be one of: {}", pol.initiating_visit_types.join(", ")).into()));
    }
    // INIT-001: the billing practitioner furnishes the initiating visit. A visit with no
    // practitioner recorded is not judged.
    if let (Some(sev), Some(p)) = (pol.initiating_visit_by_billing, v.practitioner_id) {
        if p != m.billing_id {
            out.findings.push(Finding::with_severity(pack, "INITIATING_VISIT_PRACTITIONER_MISMATCH", sev, "initiatingVisit.practitionerId".into(),
                "the initiating visit was furnished by a practitioner other than the billing practitioner".into()));
        }
    }
}

fn care_plan(m: &Checked, pack: &Pack, out: &mut Eligibility) {
    let Some(cp) = &m.care_plan else {
        out.findings.push(Finding::new(pack, "CARE_PLAN_MISSING", "carePlan".into(), "no comprehensive care plan is on file".into()));
        return;
    };
    let checks = [
        (cp.electronic, "CARE_PLAN_NOT_ELECTRONIC", "carePlan.electronic", "the care plan is not recorded electronically"),
        (cp.accessible_24x7, "CARE_PLAN_NOT_ACCESSIBLE", "carePlan.accessible24x7", "the care plan is not available to the care team 24/7"),
        (cp.shared_with_patient, "CARE_PLAN_NOT_SHARED", "carePlan.sharedWithPatient", "a copy of the care plan was not given to the patient"),
    ];
    for (flag, code, path, msg) in checks {
        if flag != Some(true) {
            out.findings.push(Finding::new(pack, code, path.into(), msg.into()));
        }
    }
    let signed = cp.signed_by == Some(m.billing_id) && cp.signed_on.is_some();
    if !signed {
        let path = if cp.signed_by != Some(m.billing_id) { "carePlan.signedBy" } else { "carePlan.signedOn" };
        out.findings.push(Finding::new(pack, "CARE_PLAN_NOT_SIGNED", path.into(), "the care plan is not signed and dated by the billing practitioner".into()));
    }
    out.care_plan_signed = signed;
    let last = cp.revised_on.iter().copied().chain(cp.last_reviewed).chain(cp.established).max();
    let limit = months_before(m.month.last, pack.policies.care_plan_stale_months);
    if last.map_or(true, |d| d < limit) {
        out.findings.push(Finding::new(pack, "CARE_PLAN_STALE", "carePlan.lastReviewed".into(),
            format!("the care plan was last reviewed more than {} months before the end of the service month", pack.policies.care_plan_stale_months).into()));
    }
    out.revised_in_month = cp.revised_on.iter().copied().chain(cp.established).any(|d| m.month.contains(d));
}

//! Claim lines out (issue 15.2): from a month and a claim context, the CMS-1500 / 837P service
//! lines and an R4 `Claim` with the same content, for the codes the evaluation says are billable
//! — nothing for a blocked month — and the claim adjustment reason codes (CARC) its findings
//! predict.
//!
//! The month is evaluated here (the same engine, the same answer as `evaluate`), so the lines
//! can never disagree with the decision. Two conventions are the pack's (`claims` in the pack
//! JSON, read only by this module): the date of service, and the findings that predict a denial
//! with the CARC a payer would use.

// INVARIANT: every index here is serde_json's `Index` on a `Value` (a missing key or element
// reads as `null`, never a panic), or `IndexMut` on an object this module built with `json!`.
#![allow(clippy::indexing_slicing)]

use super::options::{CPT, HCPCS, ICD10CM, NPI, POS};
use crate::evaluation::{Evaluation, Line};
use crate::Issue;
use serde_json::{json, Map, Value};

/// The date-of-service conventions (TIME-007: a claim may go once the threshold is met, with
/// that date, or at month end).
pub const DATE_OF_SERVICE: [&str; 3] = ["lastDayOfMonth", "thresholdMet", "monthSpan"];

/// What the claim is built with (besides the month).
struct Context {
    billing_npi: String,
    rendering_npi: String,
    place: String,
    charges: Map<String, Value>,
    diagnosis_order: Vec<String>,
    program: String,
    patient: Option<String>,
    coverage: Value,
    claim_id: Option<String>,
}

fn issue(path: &str, message: &str) -> Issue {
    Issue { path: path.to_string(), message: message.to_string() }
}

/// The contract's error Result (CONTRACT §4), written by the engine's own writer.
fn fail(code: &str, message: &str, issues: Vec<Issue>) -> String {
    crate::api::result_json(&Err(crate::InputError::new(code, message, issues)))
}

/// `{ month, context }`-style inputs as JSON text → the claim (or the contract's error shape).
pub fn claim_json(month: &str, context: &str) -> String {
    if month.len() > crate::input::MAX_JSON_BYTES || context.len() > super::MAX_OPTIONS_BYTES {
        return fail("INPUT_TOO_LARGE", "the month or the claim context exceeds its bound", vec![issue("", "see CONTRACT §2 and docs/fhir.md")]);
    }
    let evaluated = match crate::api::evaluate_str(month) {
        Ok(e) => e,
        Err(e) => return crate::api::result_json(&Err(e)),
    };
    let Ok(month_v) = serde_json::from_str::<Value>(month) else { return fail("INVALID_JSON", "the month is not valid JSON", vec![]) };
    let ctx_v: Value = if context.trim().is_empty() { json!({}) } else {
        match serde_json::from_str(context) {
            Ok(v) => v,
            Err(_) => return fail("INVALID_JSON", "the claim context is not valid JSON", vec![issue("context", "invalid JSON")]),
        }
    };
    match read_context(&ctx_v, &month_v, &evaluated) {
        Ok(ctx) => super::ok_text(&build(&month_v, &evaluated, &ctx)),
        Err(issues) => fail("INVALID_INPUT", "the claim context is not valid", issues),
    }
}

fn read_context(c: &Value, month: &Value, e: &Evaluation) -> Result<Context, Vec<Issue>> {
    let mut issues = Vec::new();
    if !c.is_object() {
        issues.push(issue("context", "expected an object"));
    }
    let text = |path: &str, v: &Value, default: Option<&str>, issues: &mut Vec<Issue>| -> String {
        match (v.as_str(), default) {
            (Some(s), _) if !s.trim().is_empty() => s.trim().to_string(),
            (None, Some(d)) if v.is_null() => d.to_string(),
            _ => {
                issues.push(issue(path, "expected a non-empty string"));
                String::new()
            }
        }
    };
    let billing_default = month["billingPractitioner"]["id"].as_str();
    let billing_npi = text("context.billingProvider.npi", &c["billingProvider"]["npi"], billing_default, &mut issues);
    let rendering_npi = text("context.renderingProvider.npi", &c["renderingProvider"]["npi"], billing_default, &mut issues);
    let place = text("context.placeOfService", &c["placeOfService"], Some("11"), &mut issues);
    if !(place.len() == 2 && place.bytes().all(|b| b.is_ascii_digit())) {
        issues.push(issue("context.placeOfService", "expected a two-digit CMS place-of-service code (11: office)"));
    }
    let charges = c["charges"].as_object().cloned().unwrap_or_default();
    if !c["charges"].is_object() {
        issues.push(issue("context.charges", "expected the practice's charge per unit of each code: { \"99490\": 95.00, … }"));
    }
    for (code, v) in &charges {
        if !v.as_f64().is_some_and(|x| x.is_finite() && (0.0..=100_000.0).contains(&x)) {
            issues.push(issue(&format!("context.charges.{code}"), "expected an amount from 0 to 100000"));
        }
    }
    let diagnosis_order = c["diagnosisOrder"].as_array().map(|a| a.iter().filter_map(Value::as_str).map(|s| crate::validate::normalize_icd(s).0).collect()).unwrap_or_default();
    let recommended = e.recommended.as_ref().and_then(|r| r.as_ref()).map(|r| r.program.to_string());
    let program = match c["program"].as_str() {
        None | Some("recommended") => recommended.unwrap_or_else(|| "ccm".into()),
        Some(p @ ("ccm" | "pcm" | "apcm")) => p.to_string(),
        Some(_) => {
            issues.push(issue("context.program", "expected ccm, pcm, apcm or recommended"));
            "ccm".into()
        }
    };
    if program != "ccm" && e.programs.as_ref().map_or(true, |ps| !ps.iter().any(|p| p.program == program)) {
        issues.push(issue("context.program", "the month does not decide this program: list it in the month's programs"));
    }
    let patient = c["patient"]["reference"].as_str().or_else(|| month["patient"]["ref"].as_str()).map(str::to_string);
    let coverage = match &c["coverage"] {
        Value::Object(o) if o.contains_key("reference") || o.contains_key("display") => Value::Object(o.clone()),
        Value::Null => json!({ "display": "Medicare Part B" }),
        _ => {
            issues.push(issue("context.coverage", "expected a FHIR Reference to the Coverage ({ reference } or { display })"));
            Value::Null
        }
    };
    let claim_id = c["claimId"].as_str().map(str::to_string);
    if issues.is_empty() {
        Ok(Context { billing_npi, rendering_npi, place, charges, diagnosis_order, program, patient, coverage, claim_id })
    } else {
        Err(issues)
    }
}

/// The program's decision: (status, lines that bill, the error codes that block it).
fn decision<'e>(e: &'e Evaluation, program: &str) -> (&'e str, &'e [Line], Vec<String>) {
    let errors = |fs: &[crate::finding::Finding]| fs.iter().filter(|f| f.severity == "error").map(|f| f.code.to_string()).collect::<Vec<_>>();
    match e.programs.as_ref().and_then(|ps| ps.iter().find(|p| p.program == program)).filter(|_| program != "ccm") {
        Some(p) => (&p.status, &p.lines, p.blocked_by.iter().map(|c| c.to_string()).collect()),
        None => (&e.status, &e.lines, errors(&e.findings)),
    }
}

/// The month's counted conditions (those without a finding saying they do not count), the
/// context's order first, at most 12 (the claim's limit); PCM's focus condition leads.
fn diagnoses(month: &Value, e: &Evaluation, ctx: &Context) -> Vec<String> {
    let conditions = month["conditions"].as_array().map_or(&[][..], Vec::as_slice);
    let excluded = |i: usize| e.findings.iter().any(|f| f.path.as_deref() == Some(&format!("conditions[{i}].code")) && f.code != "PCM_FOCUS_CONDITION_MISSING");
    let mut counted: Vec<(bool, String)> = conditions
        .iter()
        .enumerate()
        .filter(|(i, _)| !excluded(*i))
        .filter_map(|(_, c)| Some((c["pcmFocus"] == true && ctx.program == "pcm", crate::validate::normalize_icd(c["code"].as_str()?).0)))
        .collect();
    counted.sort_by_key(|(focus, code)| (!focus, ctx.diagnosis_order.iter().position(|d| d == code).unwrap_or(usize::MAX)));
    let mut out: Vec<String> = Vec::new();
    for (_, c) in counted {
        if !out.contains(&c) && out.len() < 12 {
            out.push(c);
        }
    }
    out
}

/// The pack's `claims` section (date of service, denial reasons), from the pack the month used.
fn claims_policy(month: &Value, e: &Evaluation) -> Value {
    let pack: Value = match &month["rulePack"] {
        Value::Object(_) => month["rulePack"].clone(),
        _ => crate::api::rule_pack_json(&e.rule_pack.id).and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null),
    };
    pack["claims"].clone()
}

/// The service dates of a line under the pack's convention.
fn service_dates(policy: &str, e: &Evaluation, line: &Line) -> (String, String) {
    let first = format!("{}-01", e.service_month);
    let last = crate::validate::parse_month(&e.service_month).map(|m| crate::validate::date_text(m.last)).unwrap_or_else(|| first.clone());
    match policy {
        "thresholdMet" => {
            let d = line.threshold_met_on.clone().unwrap_or_else(|| last.clone());
            (d.clone(), d)
        }
        "monthSpan" => (first, last),
        _ => (last.clone(), last),
    }
}

fn dotted(icd: &str) -> String {
    match (icd.get(..3), icd.get(3..)) {
        (Some(cat), Some(rest)) if !rest.is_empty() => format!("{cat}.{rest}"),
        _ => icd.to_string(),
    }
}

fn money(x: f64) -> Value {
    json!((x * 100.0).round() / 100.0)
}

/// The claim: lines, denial risks, notes, and the R4 `Claim`.
/// The claim's members (`ok` is put first by the caller).
fn build(month: &Value, e: &Evaluation, ctx: &Context) -> Value {
    let policy = claims_policy(month, e);
    let dos = policy["dateOfService"].as_str().filter(|p| DATE_OF_SERVICE.contains(p)).unwrap_or("lastDayOfMonth");
    let (status, lines, blocked_by) = decision(e, &ctx.program);
    let risks = denial_risks(month, e, &policy, &blocked_by, lines);
    let billable = status == "billable";
    let diagnoses = diagnoses(month, e, ctx);
    let priced = if billable { service_lines(e, ctx, dos, lines, diagnoses.len()) } else { Priced::default() };
    let mut notes = priced.notes;
    let as_of = month["asOf"].as_str().map(str::to_string)
        .or_else(|| crate::validate::parse_month(&e.service_month).map(|m| crate::validate::date_text(m.last)))
        .unwrap_or_default();
    if billable && dos == "lastDayOfMonth" && as_of.as_str() < priced.lines.first().and_then(|l| l["dateOfService"]["to"].as_str()).unwrap_or("") {
        notes.push("the month is not over: a claim dated the last day of the month is sent on or after that day".into());
    }
    if billable && diagnoses.is_empty() {
        notes.push("no counted condition to point to: a claim needs at least one diagnosis".into());
    }
    let ready = billable && !diagnoses.is_empty() && notes.is_empty();
    let claim = billable.then(|| fhir_claim(e, ctx, &as_of, &diagnoses, priced.items, priced.total));
    json!({
        "program": ctx.program,
        "status": status,
        "ready": ready,
        "blockedBy": blocked_by,
        "dateOfService": dos,
        "diagnoses": diagnoses,
        "lines": priced.lines,
        "totalCharge": money(priced.total),
        "denialRisks": risks,
        "notes": notes,
        "claim": claim,
        "rulePack": { "id": e.rule_pack.id, "version": e.rule_pack.version },
    })
}

/// The month's errors (that block it) and warnings (that a payer may still act on), each with
/// the CARC the pack says a payer would use; and a line the month already billed (CO-18).
fn denial_risks(month: &Value, e: &Evaluation, policy: &Value, blocked_by: &[String], lines: &[Line]) -> Vec<Value> {
    let mut codes: Vec<String> = blocked_by.to_vec();
    for f in e.findings.iter().filter(|f| f.severity == "warning") {
        if !codes.iter().any(|c| *c == f.code) {
            codes.push(f.code.to_string());
        }
    }
    let mut risks: Vec<Value> = codes
        .iter()
        .filter_map(|code| {
            let carc = policy["denials"][code.as_str()].as_str()?;
            Some(json!({ "finding": code, "carc": carc, "reason": policy["carcs"][carc] }))
        })
        .collect();
    let billed = |code: &str| month["otherServices"].as_array().into_iter().flatten().any(|s| {
        s["code"] == code && s["practitionerId"] == month["billingPractitioner"]["id"] && s["date"].as_str().map_or(true, |d| d.starts_with(&e.service_month))
    });
    for l in lines.iter().filter(|l| billed(&l.code)) {
        risks.push(json!({ "finding": "DUPLICATE_SERVICE", "carc": "CO-18", "reason": policy["carcs"]["CO-18"],
            "detail": format!("otherServices already lists {} by the billing practitioner this month", l.code) }));
    }
    risks
}

/// The priced lines, as 837P-style lines and as the `Claim`'s items.
#[derive(Default)]
struct Priced {
    lines: Vec<Value>,
    items: Vec<Value>,
    total: f64,
    notes: Vec<String>,
}

fn service_lines(e: &Evaluation, ctx: &Context, dos: &str, lines: &[Line], diagnoses: usize) -> Priced {
    let pointers: Vec<u64> = (1..=diagnoses.min(4) as u64).collect();
    let mut out = Priced::default();
    for (k, l) in lines.iter().enumerate() {
        let charge = ctx.charges.get(&l.code).and_then(Value::as_f64);
        if charge.is_none() {
            out.notes.push(format!("no charge for {} in context.charges: its line carries 0", l.code));
        }
        let unit = charge.unwrap_or(0.0);
        let line_total = unit * l.units as f64;
        out.total += line_total;
        let (from, to) = service_dates(dos, e, l);
        out.lines.push(json!({
            "line": k + 1, "code": l.code, "units": l.units, "charge": money(line_total), "unitCharge": money(unit),
            "diagnosisPointers": pointers, "placeOfService": ctx.place,
            "dateOfService": { "from": from, "to": to }, "renderingNpi": ctx.rendering_npi,
        }));
        let system = if l.code.starts_with('G') { HCPCS[0] } else { CPT };
        let mut item = json!({
            "sequence": k + 1, "careTeamSequence": [1], "diagnosisSequence": pointers,
            "productOrService": { "coding": [{ "system": system, "code": l.code }] },
            "locationCodeableConcept": { "coding": [{ "system": POS, "code": ctx.place }] },
            "quantity": { "value": l.units },
            "unitPrice": { "value": money(unit), "currency": "USD" },
            "net": { "value": money(line_total), "currency": "USD" },
        });
        if from == to {
            item["servicedDate"] = json!(from);
        } else {
            item["servicedPeriod"] = json!({ "start": from, "end": to });
        }
        out.items.push(item);
    }
    out
}

/// The R4 `Claim` (professional, `use: claim`).
fn fhir_claim(e: &Evaluation, ctx: &Context, as_of: &str, diagnoses: &[String], items: Vec<Value>, total: f64) -> Value {
    let mut c = json!({
        "resourceType": "Claim",
        "status": "active",
        "type": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "professional" }] },
        "use": "claim",
        "patient": ctx.patient.as_ref().map_or(json!({ "display": "the month's patient" }), |p| json!({ "reference": p })),
        "billablePeriod": { "start": format!("{}-01", e.service_month), "end": crate::validate::parse_month(&e.service_month).map(|m| crate::validate::date_text(m.last)) },
        "created": as_of,
        "provider": { "identifier": { "system": NPI, "value": ctx.billing_npi } },
        "priority": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/processpriority", "code": "normal" }] },
        "careTeam": [{ "sequence": 1, "provider": { "identifier": { "system": NPI, "value": ctx.rendering_npi } },
            "role": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/claimcareteamrole", "code": "primary" }] } }],
        "diagnosis": diagnoses.iter().enumerate().map(|(i, d)| json!({ "sequence": i + 1,
            "diagnosisCodeableConcept": { "coding": [{ "system": ICD10CM, "code": dotted(d) }] } })).collect::<Vec<_>>(),
        "insurance": [{ "sequence": 1, "focal": true, "coverage": ctx.coverage }],
        "item": items,
        "total": { "value": money(total), "currency": "USD" },
    });
    if let Some(id) = &ctx.claim_id {
        c["id"] = json!(id);
    }
    if diagnoses.is_empty() {
        c.as_object_mut().map(|o| o.remove("diagnosis"));
    }
    c
}

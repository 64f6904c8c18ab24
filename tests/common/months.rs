//! The months the policy and program tests start from, and the assertions they share: a
//! billable March 2026 month (`base()`, 25 minutes of RN time, 99490 × 1), time-entry builders,
//! JSON-pointer edits, and evaluation through the JSON door with the typed door checked against it.

use ccm_engine::api;
use serde_json::{json, Value};

pub const DOC: &str = "1111111111";
pub const NARRATIVE: &str = "Reviewed home glucose log with the patient and updated the care plan goals.";

pub fn base() -> Value {
    json!({
        "serviceMonth": "2026-03",
        "billingPractitioner": { "id": DOC, "credential": "MD", "groupId": "TIN-A" },
        "patient": { "ref": "p-1", "newPatient": false, "lastVisitDate": "2025-10-15" },
        "conditions": [ { "code": "E11.9" }, { "code": "I10" } ],
        "consent": { "status": "accepted", "date": "2025-10-15", "method": "verbal",
                     "version": "ccm-consent-en-2026.1", "practitionerId": DOC },
        "initiatingVisit": { "date": "2025-10-15", "type": "em", "practitionerId": DOC },
        "carePlan": { "established": "2025-10-15", "electronic": true, "accessible24x7": true,
                      "sharedWithPatient": true, "signedBy": DOC, "signedOn": "2025-10-16", "lastReviewed": "2026-03-02" },
        "supervisionAttested": true,
        "timeEntries": [ entry("a", "s-1", "rn", "2026-03-03T10:00:00-05:00", "2026-03-03T10:25:00-05:00") ]
    })
}

pub fn entry(id: &str, who: &str, role: &str, start: &str, end: &str) -> Value {
    json!({ "id": id, "performer": { "id": who, "name": "Staff Person", "role": role },
            "start": start, "end": end, "narrative": NARRATIVE })
}

/// `minutes` of RN time on March day `day`, from 09:00 local (-05:00).
pub fn rn(id: &str, day: u32, minutes: u32) -> Value {
    let end = 9 * 60 + minutes;
    entry(id, "s-1", "rn", &format!("2026-03-{day:02}T09:00:00-05:00"), &format!("2026-03-{day:02}T{:02}:{:02}:00-05:00", end / 60, end % 60))
}

/// `minutes` of the billing practitioner's own time on March day `day`, from 14:00 local.
pub fn doc(id: &str, day: u32, minutes: u32) -> Value {
    let end = 14 * 60 + minutes;
    entry(id, DOC, "billing_practitioner", &format!("2026-03-{day:02}T14:00:00-05:00"), &format!("2026-03-{day:02}T{:02}:{:02}:00-05:00", end / 60, end % 60))
}

/// Sets `path` (a JSON pointer whose parent exists) to `new`.
pub fn with(mut v: Value, path: &str, new: Value) -> Value {
    let (parent, key) = path.rsplit_once('/').unwrap();
    let obj = v.pointer_mut(parent).and_then(Value::as_object_mut).unwrap_or_else(|| panic!("no {parent} in the month"));
    obj.insert(key.to_string(), new);
    v
}

pub fn without(mut v: Value, path: &str) -> Value {
    let (parent, key) = path.rsplit_once('/').unwrap();
    v.pointer_mut(parent).and_then(Value::as_object_mut).unwrap().remove(key);
    v
}

pub fn entries(v: Value, list: Vec<Value>) -> Value {
    with(v, "/timeEntries", Value::Array(list))
}

/// Evaluates through the JSON entry point (the one every door shares) and returns the evaluation.
pub fn eval(v: &Value) -> Value {
    let out: Value = serde_json::from_str(&api::evaluate_json(&v.to_string())).unwrap();
    assert_eq!(out["ok"], true, "expected an evaluation, got {out:#}");
    // The typed door agrees.
    let typed = ccm_engine::evaluate(&ccm_engine::parse(&v.to_string()).unwrap()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), out["evaluation"]);
    out["evaluation"].clone()
}

pub fn error(v: &str) -> Value {
    let out: Value = serde_json::from_str(&api::evaluate_json(v)).unwrap();
    assert_eq!(out["ok"], false, "expected an error, got {out:#}");
    out["error"].clone()
}

pub fn lines(e: &Value) -> Vec<(String, u64)> {
    e["lines"].as_array().unwrap().iter().map(|l| (l["code"].as_str().unwrap().to_string(), l["units"].as_u64().unwrap())).collect()
}

pub fn supported(e: &Value) -> Vec<(String, u64)> {
    e["supportedLines"].as_array().unwrap().iter().map(|l| (l["code"].as_str().unwrap().to_string(), l["units"].as_u64().unwrap())).collect()
}

pub fn l(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(c, u)| (c.to_string(), *u)).collect()
}

/// The findings with this code: (severity, path).
pub fn found(e: &Value, code: &str) -> Vec<(String, String)> {
    e["findings"].as_array().unwrap().iter()
        .filter(|f| f["code"] == code)
        .map(|f| (f["severity"].as_str().unwrap().to_string(), f["path"].as_str().unwrap_or("").to_string()))
        .collect()
}

pub fn codes(e: &Value) -> Vec<String> {
    e["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

/// Exactly one finding `code`, with `severity` at `path`; returns the whole finding.
pub fn one(e: &Value, code: &str, severity: &str, path: &str) -> Value {
    let all = found(e, code);
    assert_eq!(all, vec![(severity.to_string(), path.to_string())], "findings {code} in {:#}", e["findings"]);
    let f = e["findings"].as_array().unwrap().iter().find(|f| f["code"] == code).unwrap().clone();
    assert!(f["rule"].as_str().is_some_and(|r| !r.is_empty()), "{code} has no rule: {f}");
    assert!(f["source"].as_str().is_some_and(|s| s.starts_with("http") || s.contains('.')), "{code} has no source: {f}");
    f
}

pub fn staff(e: &Value) -> u64 {
    e["time"]["staffMinutes"].as_u64().unwrap()
}

pub fn practitioner(e: &Value) -> u64 {
    e["time"]["practitionerMinutes"].as_u64().unwrap()
}

pub fn blocked_by(e: &Value, code: &str, severity: &str, path: &str) {
    assert_eq!(e["status"], "blocked", "{code}");
    assert!(lines(e).is_empty(), "a blocked month has no lines");
    one(e, code, severity, path);
    // A blocked month still shows what its time supports.
    assert_eq!(supported(e), l(&[("99490", 1)]), "{code}");
}

pub fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap() * 100.0).round() as i64
}


//! CONTRACT §10: PCM and APCM decided beside CCM. Each case asserts every program's status,
//! lines and amounts to the cent (CY2026 national non-facility unless said), the blocking codes
//! and the recommendation. Cases start from `common::months::base()` (March 2026, E11.9 + I10,
//! 25 minutes of RN time, billable 99490).

mod common;

use ccm_engine::api;
use common::months::*;
use serde_json::{json, Value};

const ELEMENTS: [&str; 10] = [
    "access24x7", "continuity", "alternativeCareDelivery", "comprehensiveCareManagement", "carePlan",
    "careTransitions", "careCoordination", "enhancedCommunication", "populationManagement", "performanceMeasurement",
];

/// The base month deciding all three programs, with APCM attested and PCM's care plan
/// disease-specific (the focus condition is set per case).
fn all() -> Value {
    let v = with(base(), "/programs", json!(["ccm", "pcm", "apcm"]));
    let v = with(v, "/apcm", json!({ "responsibleForPrimaryCare": true, "elementsAttested": ELEMENTS }));
    with(v, "/carePlan/diseaseSpecific", json!(true))
}

fn program<'a>(e: &'a Value, id: &str) -> &'a Value {
    e["programs"].as_array().unwrap().iter().find(|p| p["program"] == id).unwrap_or_else(|| panic!("no {id} in {:#}", e["programs"]))
}

/// (code, units, allowed cents, coinsurance cents) of a program's billable lines.
fn priced(p: &Value, key: &str) -> Vec<(String, u64, i64, i64)> {
    p[key].as_array().unwrap().iter()
        .map(|l| (l["code"].as_str().unwrap().to_string(), l["units"].as_u64().unwrap(), cents(&l["allowed"]), cents(&l["coinsurance"])))
        .collect()
}

fn line(code: &str, units: u64, allowed: i64, coins: i64) -> (String, u64, i64, i64) {
    (code.to_string(), units, allowed, coins)
}

fn blocked(p: &Value) -> Vec<String> {
    p["blockedBy"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect()
}

fn program_codes(p: &Value) -> Vec<String> {
    p["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

fn program_finding<'a>(p: &'a Value, code: &str) -> &'a Value {
    p["findings"].as_array().unwrap().iter().find(|f| f["code"] == code).unwrap_or_else(|| panic!("no {code} in {:#}", p["findings"]))
}

fn recommended(e: &Value) -> (String, i64) {
    (e["recommended"]["program"].as_str().unwrap().to_string(), cents(&e["recommended"]["allowed"]))
}

/// One condition only, marked as PCM's focus.
fn one_condition(v: Value) -> Value {
    with(v, "/conditions", json!([{ "code": "I50.22", "pcmFocus": true }]))
}

#[test]
fn without_programs_the_answer_is_v1_byte_for_byte() {
    let plain = api::evaluate_json(&base().to_string());
    assert!(!plain.contains("\"programs\"") && !plain.contains("\"recommended\""));
    // §10's other inputs are not read without `programs` (a wrong type is not an error), and
    // `programs: ["ccm"]` alone decides CCM only: the same bytes.
    let v = with(base(), "/apcm", json!("anything"));
    let v = with(v, "/conditions", json!([{ "code": "E11.9", "pcmFocus": "yes" }, { "code": "I10" }]));
    assert_eq!(api::evaluate_json(&v.to_string()), plain);
    assert_eq!(api::evaluate_json(&with(base(), "/programs", json!(["ccm"])).to_string()), plain);
}

#[test]
fn one_condition_with_too_little_time_for_pcm_is_apcm_level_1() {
    let e = eval(&one_condition(all()));
    let ccm = program(&e, "ccm");
    assert_eq!(ccm["status"], "blocked");
    assert_eq!(blocked(ccm), ["CONDITIONS_FEWER_THAN_TWO"]);
    assert!(ccm.get("findings").is_none(), "CCM's findings are the evaluation's own");
    let pcm = program(&e, "pcm");
    assert_eq!(pcm["status"], "below_threshold");
    assert_eq!(pcm["nextUnit"], json!({ "code": "99426", "minutesNeeded": 5 }));
    assert_eq!(pcm["summary"], "99426 needs 5 more minutes");
    let apcm = program(&e, "apcm");
    assert_eq!(apcm["status"], "billable");
    assert_eq!(priced(apcm, "lines"), [line("G0556", 1, 1637, 327)]);
    assert_eq!(program_finding(apcm, "APCM_LEVEL")["message"], "G0556: 1 chronic condition(s) counted, not a QMB patient");
    assert_eq!(recommended(&e), ("apcm".into(), 1637));
    let election = program_finding(apcm, "APCM_PRACTICE_ELECTION");
    assert_eq!((election["severity"].as_str(), election["rule"].as_str()), (Some("info"), Some("APCM-002")));
}

#[test]
fn one_condition_with_thirty_staff_minutes_is_pcm() {
    let v = entries(one_condition(all()), vec![rn("a", 3, 30)]);
    let e = eval(&v);
    let pcm = program(&e, "pcm");
    assert_eq!((pcm["status"].as_str(), pcm["track"].as_str()), (Some("billable"), Some("staff")));
    assert_eq!(priced(pcm, "lines"), [line("99426", 1, 6780, 1356)]);
    assert_eq!(pcm["nextUnit"], json!({ "code": "99427", "minutesNeeded": 30 }));
    assert_eq!(pcm["findings"], json!([]));
    assert_eq!(recommended(&e), ("pcm".into(), 6780));
    assert_eq!(e["recommended"]["reason"], "PCM pays the most of the billable programs: $67.80 (CCM not billable; APCM $16.37)");
}

#[test]
fn two_conditions_under_twenty_minutes_is_apcm_level_2() {
    let e = eval(&entries(all(), vec![rn("a", 3, 15)]));
    assert_eq!(e["status"], "below_threshold");
    assert_eq!(program(&e, "ccm")["nextUnit"], json!({ "code": "99490", "minutesNeeded": 5 }));
    let pcm = program(&e, "pcm");
    assert_eq!(blocked(pcm), ["PCM_FOCUS_CONDITION_MISSING"]);
    assert_eq!(program_finding(pcm, "PCM_FOCUS_CONDITION_MISSING")["rule"], "PCM-002");
    let apcm = program(&e, "apcm");
    assert_eq!(priced(apcm, "lines"), [line("G0557", 1, 5378, 1076)]);
    assert_eq!(recommended(&e), ("apcm".into(), 5378));
}

#[test]
fn a_qmb_patient_with_two_conditions_is_apcm_level_3_with_no_patient_share() {
    let v = entries(with(all(), "/patient/qmb", json!(true)), vec![rn("a", 3, 15)]);
    let e = eval(&v);
    let apcm = program(&e, "apcm");
    assert_eq!(priced(apcm, "lines"), [line("G0558", 1, 11724, 0)]);
    assert_eq!(program_finding(apcm, "QMB_NO_COINSURANCE")["severity"], "info");
    assert_eq!(recommended(&e), ("apcm".into(), 11724));
    // One condition: level 1 even for a QMB patient.
    let e = eval(&one_condition(with(all(), "/patient/qmb", json!(true))));
    assert_eq!(priced(program(&e, "apcm"), "lines"), [line("G0556", 1, 1637, 0)]);
}

#[test]
fn forty_staff_minutes_is_ccm() {
    let v = with(entries(all(), vec![rn("a", 3, 25), rn("b", 10, 15)]), "/conditions/0/pcmFocus", json!(true));
    let e = eval(&v);
    let ccm = program(&e, "ccm");
    assert_eq!(priced(ccm, "lines"), [line("99490", 1, 6613, 1323), line("99439", 1, 5044, 1009)]);
    assert_eq!((cents(&ccm["allowed"]), cents(&ccm["coinsurance"])), (11657, 2332));
    assert_eq!(priced(program(&e, "pcm"), "lines"), [line("99426", 1, 6780, 1356)]);
    assert_eq!(priced(program(&e, "apcm"), "lines"), [line("G0557", 1, 5378, 1076)]);
    assert_eq!(recommended(&e), ("ccm".into(), 11657));
    assert_eq!(e["recommended"]["reason"], "CCM pays the most of the billable programs: $116.57 (PCM $67.80; APCM $53.78)");
    // The top level stays the CCM decision.
    assert_eq!(lines(&e), l(&[("99490", 1), ("99439", 1)]));
}

#[test]
fn the_same_practitioner_billing_pcm_and_ccm_conflict() {
    // PCM already billed by the billing practitioner: CCM is blocked, PCM is this month's.
    let v = with(with(all(), "/conditions/0/pcmFocus", json!(true)), "/otherServices", json!([{ "code": "99424", "date": "2026-03-20", "practitionerId": DOC }]));
    let e = eval(&entries(v, vec![rn("a", 3, 45)]));
    assert_eq!(e["status"], "blocked");
    one(&e, "PCM_SAME_MONTH", "error", "otherServices[0]");
    assert_eq!(blocked(program(&e, "ccm")), ["PCM_SAME_MONTH"]);
    assert_eq!(program(&e, "pcm")["status"], "billable");
    assert_eq!(recommended(&e).0, "pcm");
    // CCM already billed by the billing practitioner: PCM is blocked (PCM-005), APCM too (it bundles CCM).
    let v = with(with(all(), "/conditions/0/pcmFocus", json!(true)), "/otherServices", json!([{ "code": "99490", "date": "2026-03-20", "practitionerId": DOC }]));
    let e = eval(&entries(v, vec![rn("a", 3, 45)]));
    let pcm = program(&e, "pcm");
    assert_eq!(blocked(pcm), ["CCM_SAME_MONTH"]);
    let f = program_finding(pcm, "CCM_SAME_MONTH");
    assert_eq!((f["path"].as_str(), f["rule"].as_str()), (Some("otherServices[0]"), Some("PCM-005")));
    assert_eq!(blocked(program(&e, "apcm")), ["APCM_BUNDLED_SERVICE_SAME_MONTH"]);
    assert_eq!(program(&e, "ccm")["status"], "billable");
    assert_eq!(recommended(&e), ("ccm".into(), 11657));
    // Another practitioner's CCM is flagged for review, not blocked (CONC-002).
    let v = with(with(all(), "/conditions/0/pcmFocus", json!(true)), "/otherServices", json!([{ "code": "99490", "practitionerId": "9999999999" }]));
    let e = eval(&entries(v, vec![rn("a", 3, 45)]));
    assert_eq!(program(&e, "pcm")["status"], "billable");
    assert_eq!(program_finding(program(&e, "pcm"), "CCM_SAME_MONTH")["severity"], "warning");
}

#[test]
fn an_apcm_month_without_its_service_elements_attested_is_blocked() {
    let v = with(all(), "/apcm/elementsAttested", json!(&ELEMENTS[..8]));
    let e = eval(&entries(v, vec![rn("a", 3, 15)]));
    let apcm = program(&e, "apcm");
    assert_eq!(apcm["status"], "blocked");
    assert!(priced(apcm, "lines").is_empty());
    assert_eq!(priced(apcm, "supportedLines"), [line("G0557", 1, 5378, 1076)], "what it would pay");
    assert_eq!(blocked(apcm), ["APCM_ELEMENTS_NOT_ATTESTED"]);
    let f = program_finding(apcm, "APCM_ELEMENTS_NOT_ATTESTED");
    assert_eq!(f["message"], "these APCM service elements are not attested: populationManagement, performanceMeasurement");
    assert_eq!((f["path"].as_str(), f["rule"].as_str()), (Some("apcm.elementsAttested"), Some("APCM-002")));
    assert_eq!(apcm["summary"], "blocked by APCM_ELEMENTS_NOT_ATTESTED; G0557 would pay $53.78");
    assert!(e["recommended"].is_null(), "nothing is billable: {:#}", e["recommended"]);
    // Not the primary-care practitioner.
    let e = eval(&with(all(), "/apcm/responsibleForPrimaryCare", json!(false)));
    assert_eq!(blocked(program(&e, "apcm")), ["APCM_NOT_PRIMARY_CARE"]);
}

#[test]
fn a_2025_month_has_apcm_at_2025_rates() {
    let v = with(with(all(), "/serviceMonth", json!("2025-03")), "/patient/lastVisitDate", json!("2024-10-15"));
    let e = eval(&with(v.clone(), "/consent/date", json!("2024-10-15")));
    assert_eq!(e["rulePack"]["id"], "medicare-cy2025");
    assert_eq!(priced(program(&e, "apcm"), "lines"), [line("G0557", 1, 4884, 977)]);
    // APCM has no time to cut at the consent date: consent given after the month does not cover it.
    let apcm = program(&eval(&v), "apcm").clone();
    assert_eq!(blocked(&apcm), ["CONSENT_MISSING"]);
    assert_eq!(program_finding(&apcm, "CONSENT_MISSING")["path"], "consent.date");
    let march_2025 = entry("a", "s-1", "rn", "2025-03-03T09:00:00-05:00", "2025-03-03T09:30:00-05:00");
    let v = with(entries(one_condition(all()), vec![march_2025]), "/serviceMonth", json!("2025-03"));
    let v = with(with(v, "/consent/date", json!("2024-10-15")), "/patient/lastVisitDate", json!("2024-10-15"));
    let e = eval(&v);
    assert_eq!(priced(program(&e, "pcm"), "lines"), [line("99426", 1, 6178, 1236)]);
    assert_eq!(priced(program(&e, "apcm"), "lines"), [line("G0556", 1, 1520, 304)]);
    assert_eq!(recommended(&e), ("pcm".into(), 6178));
}

#[test]
fn pcm_time_counts_ccm_and_pcm_entries_and_ccm_excludes_pcm_time() {
    let mut pcm_entry = rn("b", 4, 10);
    pcm_entry["service"] = json!("pcm");
    let e = eval(&entries(one_condition(all()), vec![rn("a", 3, 25), pcm_entry]));
    one(&e, "TIME_ENTRY_OTHER_SERVICE", "info", "timeEntries[1].service");
    assert_eq!(staff(&e), 25);
    let pcm = program(&e, "pcm");
    assert_eq!(priced(pcm, "lines"), [line("99426", 1, 6780, 1356)], "25 + 10 PCM minutes reach 99426");
    assert!(!program_codes(pcm).contains(&"TIME_ENTRY_OTHER_SERVICE".to_string()));
}

#[test]
fn pcm_add_ons_are_uncapped_and_ask_for_the_mue_check() {
    let e = eval(&entries(one_condition(all()), vec![rn("a", 3, 50), rn("b", 10, 50)]));
    let pcm = program(&e, "pcm");
    assert_eq!(priced(pcm, "lines"), [line("99426", 1, 6780, 1356), line("99427", 2, 10822, 2164)]);
    let f = program_finding(pcm, "ADDON_CAP_NOT_SOURCED");
    assert_eq!((f["severity"].as_str(), f["rule"].as_str()), (Some("warning"), Some("PCM-004")));
    assert_eq!(pcm["status"], "billable");
}

#[test]
fn pcm_chooses_the_practitioner_track_when_it_pays_more() {
    let e = eval(&entries(one_condition(all()), vec![doc("a", 3, 35)]));
    let pcm = program(&e, "pcm");
    assert_eq!(pcm["track"], "practitioner");
    assert_eq!(priced(pcm, "lines"), [line("99424", 1, 8751, 1750)]);
    // Only the practitioner's own time: 99491 for CCM, but CCM needs two conditions.
    assert_eq!(recommended(&e), ("pcm".into(), 8751));
}

#[test]
fn pcm_needs_its_focus_and_a_disease_specific_plan() {
    let v = with(one_condition(all()), "/carePlan/diseaseSpecific", json!(false));
    let e = eval(&entries(v, vec![rn("a", 3, 30)]));
    assert_eq!(blocked(program(&e, "pcm")), ["PCM_CARE_PLAN_NOT_DISEASE_SPECIFIC"]);
    // Two conditions marked, or a focus that does not count as chronic.
    let v = with(all(), "/conditions", json!([{ "code": "E11.9", "pcmFocus": true }, { "code": "I10", "pcmFocus": true }]));
    let pcm = eval(&entries(v, vec![rn("a", 3, 30)]))["programs"][1].clone();
    assert!(program_finding(&pcm, "PCM_FOCUS_CONDITION_MISSING")["message"].as_str().unwrap().contains("more than one"));
    let v = with(all(), "/conditions", json!([{ "code": "E11", "pcmFocus": true }]));
    let pcm = eval(&entries(v, vec![rn("a", 3, 30)]))["programs"][1].clone();
    assert_eq!(blocked(&pcm), ["PCM_FOCUS_CONDITION_MISSING"]);
    assert_eq!(program_finding(&pcm, "CONDITION_CODE_INVALID")["path"], "conditions[0].code");
}

#[test]
fn apcm_asks_for_an_initiating_visit_only_after_three_years() {
    // Last seen 26 months before: CCM needs an initiating visit (12 months), APCM does not (36).
    let v = without(with(all(), "/patient/lastVisitDate", json!("2024-01-10")), "/initiatingVisit");
    let e = eval(&v);
    one(&e, "INITIATING_VISIT_REQUIRED", "error", "initiatingVisit");
    assert_eq!(program(&e, "apcm")["status"], "billable");
    // Last seen 40 months before APCM began (the consent date, 2025-10-15): APCM needs one too,
    // under its own rule (APCM-003).
    let e = eval(&with(v, "/patient/lastVisitDate", json!("2022-06-10")));
    let f = program_finding(program(&e, "apcm"), "INITIATING_VISIT_REQUIRED");
    assert_eq!(f["rule"], "APCM-003");
    assert_eq!(f["message"], "an initiating visit is required (new patient, or no visit in the 36 months before APCM began)");
}

#[test]
fn apcm_consent_needs_its_own_elements() {
    // A practice's own consent version listing only cost sharing and the right to stop: enough
    // for APCM (APCM-003), not for CCM (four elements).
    let v = with(all(), "/consent/version", json!("practice-v3"));
    let v = with(v, "/consent/elements", json!(["costSharing", "rightToStop"]));
    let e = eval(&v);
    assert_eq!(found(&e, "CONSENT_ELEMENTS_INCOMPLETE"), [("error".to_string(), "consent.elements".to_string())]);
    assert_eq!(program(&e, "apcm")["status"], "billable");
}

#[test]
fn a_pack_without_programs_says_so() {
    let mut pack: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    pack.as_object_mut().unwrap().remove("programs");
    let e = eval(&with(all(), "/rulePack", pack));
    for id in ["pcm", "apcm"] {
        let p = program(&e, id);
        assert_eq!((p["status"].as_str(), blocked(p)), (Some("blocked"), vec!["PROGRAM_NOT_IN_RULE_PACK".to_string()]));
    }
    assert_eq!(recommended(&e).0, "ccm");
}

#[test]
fn program_inputs_are_checked_when_their_program_is_decided() {
    let err = |v: Value| -> Vec<(String, String)> {
        let out: Value = serde_json::from_str(&api::evaluate_json(&v.to_string())).unwrap();
        assert_eq!(out["error"]["code"], "INVALID_INPUT", "{out:#}");
        out["error"]["issues"].as_array().unwrap().iter()
            .map(|i| (i["path"].as_str().unwrap().to_string(), i["message"].as_str().unwrap().to_string())).collect()
    };
    assert_eq!(err(with(base(), "/programs", json!(["ccm", "tcm"]))), [("programs[1]".to_string(), "expected one of: ccm, pcm, apcm".to_string())]);
    assert_eq!(err(with(base(), "/programs", json!("pcm")))[0].0, "programs");
    let v = with(all(), "/conditions/0/pcmFocus", json!("yes"));
    let v = with(v, "/apcm/elementsAttested", json!([1]));
    let paths: Vec<String> = err(v).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["conditions[0].pcmFocus", "apcm.elementsAttested[0]"]);
}

#[test]
fn what_if_compares_programs_per_band() {
    let s = json!({ "patients": 100, "programs": ["ccm", "pcm", "apcm"], "bands": [
        { "track": "staff", "minutes": 15, "share": 0.3 }, { "track": "staff", "minutes": 40, "share": 0.3 },
        { "track": "practitioner", "minutes": 35, "share": 0.2 } ] });
    let p: Value = serde_json::from_str(&api::what_if_json(&s.to_string())).unwrap();
    let band = |i: usize| p["bands"][i]["programs"].clone();
    assert_eq!(band(0)["best"], "apcm");
    assert_eq!((cents(&band(0)["apcm"]["allowed"]), cents(&band(0)["ccm"]["allowed"])), (161_340, 0));
    assert_eq!(band(1)["best"], "ccm");
    assert_eq!((cents(&band(1)["ccm"]["allowedPerPatientMonth"]), cents(&band(1)["pcm"]["allowedPerPatientMonth"])), (11657, 6780));
    assert_eq!((band(2)["pcm"]["track"].as_str(), cents(&band(2)["pcm"]["allowedPerPatientMonth"])), (Some("practitioner"), 8751));
    // Without `programs`, the band has none (the v1 answer).
    let v1: Value = serde_json::from_str(&api::what_if_json(&json!({ "patients": 100, "bands": [{ "track": "staff", "minutes": 40, "share": 1 }] }).to_string())).unwrap();
    assert!(v1["bands"][0].get("programs").is_none());
}

//! One case (or more) per decision policy of CONTRACT §6 and per finding code of §5, each
//! asserting the outcome: status, codes and units, minutes, amounts, findings with severity and path.
//!
//! Every case starts from `base()`, a billable March 2026 month (25 minutes of RN time, 99490 × 1)
//! and changes one thing, so a failing case names the rule it broke.

mod common;

use ccm_engine::api;
use common::months::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------- the base month

#[test]
fn base_month_is_billable_with_no_findings() {
    let e = eval(&base());
    assert_eq!(e["status"], "billable");
    assert_eq!(e["track"], "staff");
    assert_eq!(lines(&e), l(&[("99490", 1)]));
    assert_eq!((staff(&e), practitioner(&e)), (25, 0));
    assert_eq!(e["lines"][0]["thresholdMetOn"], "2026-03-03");
    assert_eq!(cents(&e["lines"][0]["allowed"]), 6613);
    assert_eq!(cents(&e["lines"][0]["coinsurance"]), 1323);
    assert_eq!(e["payment"]["conversionFactor"], 33.4009);
    assert_eq!(e["payment"]["setting"], "nonFacility");
    assert_eq!(e["payment"]["estimate"], true);
    assert_eq!(e["findings"], json!([]));
    assert_eq!(e["rulePack"]["id"], "medicare-cy2026");
    assert_eq!(e["rulePack"]["payer"], "Medicare Part B");
    assert!(e["checklist"].as_array().unwrap().iter().all(|c| c["ok"] == true), "{}", e["checklist"]);
    let items: Vec<_> = e["checklist"].as_array().unwrap().iter().map(|c| c["item"].as_str().unwrap()).collect();
    for item in ["staffTimeTotal", "encounterDetails", "carePlanSigned", "conditionsWithCodes", "supervisionAttested", "consentOnFile"] {
        assert!(items.contains(&item), "checklist lacks {item}");
    }
    assert_eq!(e["consent"], json!({ "version": "ccm-consent-en-2026.1", "builtIn": true, "matchesClaim": null }));
    // No asOf: the month is evaluated as complete.
    assert_eq!(e["time"]["monthComplete"], true);
    assert_eq!(e["time"]["nextUnit"], json!({ "code": "99439", "minutesNeeded": 15, "daysLeft": 0 }));
}

// ---------------------------------------------------------------- §6.1 calendar month

#[test]
fn entries_outside_the_month_do_not_count() {
    let e = eval(&entries(base(), vec![rn("a", 3, 25), entry("b", "s-1", "rn", "2026-02-27T09:00:00-05:00", "2026-02-27T09:30:00-05:00")]));
    assert_eq!(staff(&e), 25);
    one(&e, "TIME_ENTRY_OUTSIDE_MONTH", "info", "timeEntries[1]");
    assert_eq!(e["status"], "billable");
}

#[test]
fn the_local_date_decides_the_month_not_utc() {
    // 22:00-22:25 at -05:00 on March 31 is April 1 in UTC: it belongs to March.
    let late = entry("a", "s-1", "rn", "2026-03-31T22:00:00-05:00", "2026-03-31T22:25:00-05:00");
    let e = eval(&entries(base(), vec![late]));
    assert_eq!((staff(&e), e["status"].as_str().unwrap()), (25, "billable"));
    assert_eq!(e["lines"][0]["thresholdMetOn"], "2026-03-31");
    // 01:00 on April 1 at +05:00 is still March 31 in UTC, but April locally: outside.
    let early = entry("a", "s-1", "rn", "2026-04-01T01:00:00+05:00", "2026-04-01T01:25:00+05:00");
    let e = eval(&entries(base(), vec![early]));
    assert_eq!((staff(&e), e["status"].as_str().unwrap()), (0, "below_threshold"));
    one(&e, "TIME_ENTRY_OUTSIDE_MONTH", "info", "timeEntries[0]");
    // Floating times (no offset) are taken as local.
    let floating = entry("a", "s-1", "rn", "2026-03-31T23:40:00", "2026-03-31T23:59:00");
    assert_eq!(staff(&eval(&entries(base(), vec![floating, rn("b", 2, 1)]))), 20);
}

#[test]
fn an_entry_crossing_month_end_is_split_there() {
    let crossing = entry("a", "s-1", "rn", "2026-03-31T23:50:00-05:00", "2026-04-01T00:20:00-05:00");
    let e = eval(&entries(base(), vec![rn("b", 3, 15), crossing]));
    assert_eq!(staff(&e), 25, "10 of the 30 minutes are in March");
    one(&e, "TIME_ENTRY_SPLIT_AT_MONTH_END", "info", "timeEntries[1]");
    assert_eq!(lines(&e), l(&[("99490", 1)]));
    assert_eq!(e["lines"][0]["thresholdMetOn"], "2026-03-31");
    // And the part before the month when it starts in February.
    let from_feb = entry("a", "s-1", "rn", "2026-02-28T23:50:00-05:00", "2026-03-01T00:25:00-05:00");
    let e = eval(&entries(base(), vec![from_feb]));
    assert_eq!(staff(&e), 25);
    assert_eq!(e["lines"][0]["thresholdMetOn"], "2026-03-01");
}

// ---------------------------------------------------------------- §6.2 whole minutes

#[test]
fn seconds_are_summed_then_floored() {
    let a = entry("a", "s-1", "rn", "2026-03-03T09:00:00-05:00", "2026-03-03T09:10:30-05:00");
    let b = entry("b", "s-1", "rn", "2026-03-04T09:00:00-05:00", "2026-03-04T09:10:30-05:00");
    let e = eval(&entries(base(), vec![a, b]));
    assert_eq!(staff(&e), 21, "10.5 + 10.5 minutes = 21");
    assert_eq!(e["status"], "billable");
    let short = entry("a", "s-1", "rn", "2026-03-03T09:00:00-05:00", "2026-03-03T09:19:59-05:00");
    let e = eval(&entries(base(), vec![short]));
    assert_eq!(staff(&e), 19, "19:59 is 19 minutes, never rounded up");
    assert_eq!(e["status"], "below_threshold");
    let f = one(&e, "TIME_BELOW_THRESHOLD", "info", "timeEntries");
    assert!(f["message"].as_str().unwrap().contains("99490"), "{f}");
    assert_eq!(e["time"]["nextUnit"]["code"], "99490");
    assert_eq!(e["time"]["nextUnit"]["minutesNeeded"], 1);
}

// ---------------------------------------------------------------- §6.3 pools and overlaps

#[test]
fn the_practitioners_time_counts_in_both_pools() {
    let e = eval(&entries(base(), vec![rn("a", 3, 10), doc("b", 4, 15)]));
    assert_eq!((staff(&e), practitioner(&e)), (25, 15));
    assert_eq!(lines(&e), l(&[("99490", 1)]));
    // performer.id equal to the billing practitioner's id is the practitioner, whatever the role says.
    let by_id = entry("b", DOC, "rn", "2026-03-04T14:00:00-05:00", "2026-03-04T14:15:00-05:00");
    assert_eq!(practitioner(&eval(&entries(base(), vec![by_id]))), 15);
}

#[test]
fn one_persons_overlapping_entries_count_once() {
    let a = entry("a", "s-1", "rn", "2026-03-03T09:00:00-05:00", "2026-03-03T09:20:00-05:00");
    let b = entry("b", "s-1", "rn", "2026-03-03T09:10:00-05:00", "2026-03-03T09:25:00-05:00");
    let e = eval(&entries(base(), vec![a, b]));
    assert_eq!(staff(&e), 25);
    one(&e, "TIME_ENTRY_OVERLAP", "warning", "timeEntries[1]");
    assert!(found(&e, "TIME_CONCURRENT_STAFF").is_empty());
    // Overlapping time is counted once, not excluded: excludedMinutes is the time of §6.4.
    assert_eq!(e["time"]["excludedMinutes"], 0);
}

#[test]
fn different_people_at_the_same_time_count_once() {
    let a = entry("a", "s-1", "rn", "2026-03-03T09:00:00-05:00", "2026-03-03T09:20:00-05:00");
    let b = entry("b", "s-2", "ma", "2026-03-03T09:00:00-05:00", "2026-03-03T09:20:00-05:00");
    let e = eval(&entries(base(), vec![a, b]));
    assert_eq!(staff(&e), 20);
    one(&e, "TIME_CONCURRENT_STAFF", "warning", "timeEntries[1]");
    assert!(found(&e, "TIME_ENTRY_OVERLAP").is_empty());
    assert_eq!(lines(&e), l(&[("99490", 1)]));
}

#[test]
fn identity_falls_back_to_name_then_to_the_entry() {
    let named = |id: &str, name: &str, s: &str, t: &str| json!({ "id": id, "performer": { "name": name, "role": "rn" }, "start": s, "end": t, "narrative": NARRATIVE });
    let a = named("a", "Pat", "2026-03-03T09:00:00-05:00", "2026-03-03T09:20:00-05:00");
    let b = named("b", "Pat", "2026-03-03T09:10:00-05:00", "2026-03-03T09:30:00-05:00");
    let e = eval(&entries(base(), vec![a.clone(), b]));
    assert_eq!(staff(&e), 30);
    assert_eq!(found(&e, "TIME_ENTRY_OVERLAP").len(), 1, "same name, same person");
    let c = named("c", "Lee", "2026-03-03T09:10:00-05:00", "2026-03-03T09:30:00-05:00");
    let e = eval(&entries(base(), vec![a, c]));
    assert_eq!(found(&e, "TIME_CONCURRENT_STAFF").len(), 1, "different names, different people");
}

#[test]
fn date_and_minutes_entries_never_overlap() {
    let a = json!({ "id": "a", "performer": { "id": "s-1", "name": "P", "role": "rn" }, "date": "2026-03-03", "minutes": 12, "narrative": NARRATIVE });
    let b = json!({ "id": "b", "performer": { "id": "s-1", "name": "P", "role": "rn" }, "date": "2026-03-03", "minutes": 12, "narrative": NARRATIVE });
    let e = eval(&entries(base(), vec![a, b, rn("c", 3, 10)]));
    assert_eq!(staff(&e), 34);
    assert!(found(&e, "TIME_ENTRY_OVERLAP").is_empty() && found(&e, "TIME_CONCURRENT_STAFF").is_empty());
    assert_eq!(found(&e, "TIME_ENTRY_NO_START_END"), vec![("warning".into(), "timeEntries[0]".into()), ("warning".into(), "timeEntries[1]".into())]);
}

// ---------------------------------------------------------------- §6.4 excluded time

#[test]
fn other_services_time_is_excluded() {
    let mut tcm = rn("b", 4, 30);
    tcm["service"] = json!("tcm");
    let e = eval(&entries(base(), vec![rn("a", 3, 25), tcm]));
    assert_eq!(staff(&e), 25);
    one(&e, "TIME_ENTRY_OTHER_SERVICE", "info", "timeEntries[1].service");
    assert_eq!(e["time"]["excludedMinutes"], 30);
}

#[test]
fn ccm_time_overlapping_another_services_time_is_removed() {
    // CCM 09:00-09:40 by s-1; RPM 09:30-10:00 by someone else: 10 minutes are double counted.
    let mut rpm = entry("b", "s-9", "ma", "2026-03-03T09:30:00-05:00", "2026-03-03T10:00:00-05:00");
    rpm["service"] = json!("rpm");
    let e = eval(&entries(base(), vec![rn("a", 3, 40), rpm]));
    assert_eq!(staff(&e), 30);
    one(&e, "TIME_DOUBLE_COUNTED", "warning", "timeEntries[0]");
    assert_eq!(lines(&e), l(&[("99490", 1)]));
}

#[test]
fn non_clinical_and_roleless_time_does_not_count() {
    let e = eval(&entries(base(), vec![rn("a", 3, 25), entry("b", "s-5", "non_clinical", "2026-03-04T09:00:00-05:00", "2026-03-04T09:30:00-05:00")]));
    assert_eq!(staff(&e), 25);
    one(&e, "TIME_ENTRY_NON_CLINICAL", "warning", "timeEntries[1].performer.role");
    let roleless = json!({ "id": "b", "performer": { "id": "s-5", "name": "X" }, "start": "2026-03-04T09:00:00-05:00", "end": "2026-03-04T09:30:00-05:00", "narrative": NARRATIVE });
    let e = eval(&entries(base(), vec![rn("a", 3, 25), roleless]));
    assert_eq!(staff(&e), 25);
    one(&e, "TIME_ENTRY_PERFORMER_MISSING", "warning", "timeEntries[1].performer");
    // Without a name the entry still counts, with the same warning.
    let nameless = json!({ "id": "b", "performer": { "id": "s-5", "role": "lpn" }, "start": "2026-03-04T09:00:00-05:00", "end": "2026-03-04T09:30:00-05:00", "narrative": NARRATIVE });
    let e = eval(&entries(base(), vec![rn("a", 3, 25), nameless]));
    assert_eq!(staff(&e), 55);
    one(&e, "TIME_ENTRY_PERFORMER_MISSING", "warning", "timeEntries[1].performer.name");
}

#[test]
fn facility_stays_do_not_count() {
    for setting in ["inpatient", "snf_part_a"] {
        let mut stay = rn("b", 4, 30);
        stay["patientSetting"] = json!(setting);
        let e = eval(&entries(base(), vec![rn("a", 3, 25), stay]));
        assert_eq!(staff(&e), 25, "{setting}");
        one(&e, "TIME_ENTRY_FACILITY_STAY", "warning", "timeEntries[1].patientSetting");
    }
}

#[test]
fn a_whole_entry_exclusion_reports_its_first_reason_only() {
    let mut e1 = entry("b", "s-5", "non_clinical", "2026-03-04T09:00:00-05:00", "2026-03-04T09:30:00-05:00");
    e1["service"] = json!("bhi");
    e1["patientSetting"] = json!("inpatient");
    let e = eval(&entries(base(), vec![rn("a", 3, 25), e1]));
    assert_eq!(codes(&e), vec!["TIME_ENTRY_OTHER_SERVICE"]);
    let mut e2 = entry("b", "s-5", "non_clinical", "2026-03-04T09:00:00-05:00", "2026-03-04T09:30:00-05:00");
    e2["patientSetting"] = json!("inpatient");
    assert_eq!(codes(&eval(&entries(base(), vec![rn("a", 3, 25), e2]))), vec!["TIME_ENTRY_NON_CLINICAL"]);
}

#[test]
fn time_before_the_consent_date_does_not_count() {
    let v = with(base(), "/consent/date", json!("2026-03-10"));
    let e = eval(&entries(v, vec![rn("a", 9, 25), rn("b", 10, 25)]));
    assert_eq!(staff(&e), 25);
    one(&e, "TIME_ENTRY_BEFORE_CONSENT", "warning", "timeEntries[0].start");
    assert_eq!(e["lines"][0]["thresholdMetOn"], "2026-03-10");
}

#[test]
fn time_after_the_as_of_day_does_not_count_and_days_left_counts_from_as_of() {
    let v = with(base(), "/timeEntries", json!([rn("a", 3, 25), rn("b", 21, 25)]));
    let mut v = v;
    v["asOf"] = json!("2026-03-20");
    let e = eval(&v);
    assert_eq!(staff(&e), 25);
    one(&e, "TIME_ENTRY_AFTER_AS_OF", "warning", "timeEntries[1].end");
    assert_eq!(e["time"]["monthComplete"], false);
    assert_eq!(e["time"]["nextUnit"], json!({ "code": "99439", "minutesNeeded": 15, "daysLeft": 11 }));
    // asOf before the month: days are counted from the day before the month.
    v["asOf"] = json!("2026-01-15");
    assert_eq!(eval(&v)["time"]["nextUnit"]["daysLeft"], 31);
    v["asOf"] = json!("2026-03-31");
    assert_eq!(eval(&v)["time"]["nextUnit"]["daysLeft"], 0);
}

// ---------------------------------------------------------------- §6.5 tracks

#[test]
fn staff_track_units_and_the_99439_cap() {
    for (minutes, want, cap) in [
        (19, vec![], false),
        (20, vec![("99490", 1)], false),
        (39, vec![("99490", 1)], false),
        (40, vec![("99490", 1), ("99439", 1)], false),
        (60, vec![("99490", 1), ("99439", 2)], false),
        (79, vec![("99490", 1), ("99439", 2)], false),
        (80, vec![("99490", 1), ("99439", 2)], true),
    ] {
        let e = eval(&with(base(), "/track", json!("staff")).pipe(|v| entries(v, vec![rn("a", 3, minutes)])));
        assert_eq!(lines(&e), l(&want), "{minutes} minutes");
        assert_eq!(found(&e, "ADDON_CAP_REACHED").len(), usize::from(cap), "{minutes} minutes");
        if cap {
            one(&e, "ADDON_CAP_REACHED", "info", "timeEntries");
        }
    }
}

#[test]
fn add_on_units_are_reached_on_their_own_days() {
    let e = eval(&entries(base(), vec![rn("a", 3, 20), rn("b", 9, 20), rn("c", 17, 20)]));
    assert_eq!(lines(&e), l(&[("99490", 1), ("99439", 2)]));
    assert_eq!(e["lines"][0]["thresholdMetOn"], "2026-03-03");
    assert_eq!(e["lines"][1]["thresholdMetOn"], "2026-03-17", "the add-on line is met when its last unit is");
    assert_eq!(cents(&e["payment"]["allowed"]), 6613 + 2 * 5044);
    assert_eq!(cents(&e["payment"]["coinsurance"]), 1323 + 2 * 1009);
    assert!(e["time"]["nextUnit"].is_null(), "the staff track is capped: {}", e["time"]);
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl Pipe for Value {}

#[test]
fn complex_track_needs_moderate_or_high_mdm() {
    let long = || vec![rn("a", 3, 45), rn("b", 4, 45)];
    // 90 minutes, no MDM: auto bills staff (capped at 60 minutes) and shows why complex was not chosen.
    let e = eval(&entries(base(), long()));
    assert_eq!(e["status"], "billable");
    assert_eq!(e["track"], "staff");
    assert_eq!(lines(&e), l(&[("99490", 1), ("99439", 2)]));
    let alt = e["alternatives"].as_array().unwrap().iter().find(|a| a["track"] == "complex").unwrap().clone();
    assert_eq!(alt["blockedBy"], json!(["COMPLEX_MDM_REQUIRED"]));
    assert!(found(&e, "COMPLEX_MDM_REQUIRED").is_empty(), "with auto it is not a finding");
    // With moderate MDM, complex pays more: 99487 + 99489.
    let v = with(entries(base(), long()), "/carePlan/revisedOn", json!(["2026-03-03"])).pipe(|mut v| {
        v["complexity"] = json!({ "mdm": "moderate" });
        v
    });
    let e = eval(&v);
    assert_eq!(e["track"], "complex");
    assert_eq!(lines(&e), l(&[("99487", 1), ("99489", 1)]));
    assert_eq!(cents(&e["payment"]["allowed"]), 14429 + 7816);
    assert!(found(&e, "COMPLEX_CARE_PLAN_REVISION_NOT_DOCUMENTED").is_empty());
    let alt = e["alternatives"].as_array().unwrap().iter().find(|a| a["track"] == "staff").unwrap().clone();
    assert_eq!(cents(&alt["allowed"]), 6613 + 2 * 5044);
    // No 99489 cap: 60 + 4 × 30 minutes = 99487 + 4 × 99489.
    let e = eval(&entries(v.clone(), vec![rn("a", 3, 90), rn("b", 4, 90)]));
    assert_eq!(lines(&e), l(&[("99487", 1), ("99489", 4)]));
    // Forced complex without MDM: an error.
    let mut forced = entries(base(), long());
    forced["track"] = json!("complex");
    let e = eval(&forced);
    assert_eq!(e["status"], "blocked");
    assert_eq!(e["track"], "complex");
    one(&e, "COMPLEX_MDM_REQUIRED", "error", "complexity.mdm");
    forced["complexity"] = json!({ "mdm": "low" });
    one(&eval(&forced), "COMPLEX_MDM_REQUIRED", "error", "complexity.mdm");
}

#[test]
fn a_complex_month_without_a_revision_is_warned() {
    let mut v = entries(base(), vec![rn("a", 3, 45), rn("b", 4, 45)]);
    v["complexity"] = json!({ "mdm": "high" });
    let e = eval(&v);
    assert_eq!((e["track"].as_str().unwrap(), e["status"].as_str().unwrap()), ("complex", "billable"));
    one(&e, "COMPLEX_CARE_PLAN_REVISION_NOT_DOCUMENTED", "warning", "carePlan.revisedOn");
    // A revision outside the month does not count; `established` inside it does.
    v["carePlan"]["revisedOn"] = json!(["2026-02-27"]);
    assert_eq!(found(&eval(&v), "COMPLEX_CARE_PLAN_REVISION_NOT_DOCUMENTED").len(), 1);
    v["carePlan"]["established"] = json!("2026-03-02");
    assert!(found(&eval(&v), "COMPLEX_CARE_PLAN_REVISION_NOT_DOCUMENTED").is_empty());
}

#[test]
fn practitioner_track_uses_the_practitioner_pool_only() {
    let e = eval(&entries(base(), vec![doc("a", 3, 30)]));
    assert_eq!(e["track"], "practitioner", "99491 (89.18) pays more than 99490 (66.13)");
    assert_eq!(lines(&e), l(&[("99491", 1)]));
    assert_eq!(cents(&e["payment"]["allowed"]), 8918);
    let e = eval(&entries(base(), vec![doc("a", 3, 60), doc("b", 4, 60)]));
    assert_eq!(lines(&e), l(&[("99491", 1), ("99437", 2)]));
    one(&e, "ADDON_CAP_REACHED", "info", "timeEntries");
    // Staff time never reaches the practitioner pool.
    let mut v = entries(base(), vec![rn("a", 3, 45)]);
    v["track"] = json!("practitioner");
    let e = eval(&v);
    assert_eq!(e["status"], "below_threshold");
    assert!(lines(&e).is_empty());
    let f = one(&e, "TRACK_NOT_AVAILABLE", "info", "track");
    assert!(f["message"].as_str().unwrap().contains("99491"), "the message says why: {f}");
}

#[test]
fn auto_ties_go_to_the_earlier_track_and_tracks_never_mix() {
    // 60 staff minutes + 60 of the practitioner's: staff 99490+2×99439 = 167.01; practitioner
    // 99491+99437 = 152.31; complex (no MDM) unavailable.
    let e = eval(&entries(base(), vec![rn("a", 3, 60), doc("b", 4, 60)]));
    assert_eq!(e["track"], "staff");
    assert_eq!(lines(&e), l(&[("99490", 1), ("99439", 2)]));
    let tracks: Vec<_> = e["alternatives"].as_array().unwrap().iter().map(|a| a["track"].as_str().unwrap().to_string()).collect();
    assert_eq!(tracks, vec!["complex", "practitioner"]);
    // A pack where two tracks pay the same: the earlier one in trackOrder wins.
    let mut pack: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    let rvu = pack["codes"].as_array().unwrap().iter().find(|c| c["code"] == "99490").unwrap()["rvu"].clone();
    for c in pack["codes"].as_array_mut().unwrap() {
        if c["code"] == "99491" {
            c["rvu"] = rvu.clone();
        }
    }
    let mut v = entries(base(), vec![doc("a", 3, 30)]);
    v["rulePack"] = pack.clone();
    let e = eval(&v);
    assert_eq!(e["track"], "staff", "equal amounts: staff comes first");
    pack["policies"]["trackOrder"] = json!(["practitioner", "staff", "complex"]);
    v["rulePack"] = pack;
    assert_eq!(eval(&v)["track"], "practitioner");
}

// ---------------------------------------------------------------- §6.6 conditions

#[test]
fn two_chronic_conditions_are_required() {
    let e = eval(&with(base(), "/conditions", json!([{ "code": "E11.9" }])));
    blocked_by(&e, "CONDITIONS_FEWER_THAN_TWO", "error", "conditions");
    let e = eval(&without(base(), "/conditions"));
    blocked_by(&e, "CONDITIONS_FEWER_THAN_TWO", "error", "conditions");
}

#[test]
fn invalid_codes_do_not_count() {
    for bad in ["E11", "XYZ", "Q99.99", "E11."] {
        let e = eval(&with(base(), "/conditions", json!([{ "code": "E11.9" }, { "code": "I10" }, { "code": bad }])));
        assert_eq!(e["status"], "billable", "{bad}");
        one(&e, "CONDITION_CODE_INVALID", "warning", "conditions[2].code");
    }
    let e = eval(&with(base(), "/conditions", json!([{ "code": "E11.9" }, { "code": "E11" }])));
    assert_eq!(e["status"], "blocked");
    one(&e, "CONDITION_CODE_INVALID", "warning", "conditions[1].code");
    one(&e, "CONDITIONS_FEWER_THAN_TWO", "error", "conditions");
}

#[test]
fn codes_are_accepted_without_the_dot_in_any_case() {
    let e = eval(&with(base(), "/conditions", json!([{ "code": "e119" }, { "code": " i10 " }])));
    assert_eq!(e["status"], "billable");
    assert_eq!(e["findings"], json!([]));
}

#[test]
fn one_category_counts_once() {
    let e = eval(&with(base(), "/conditions", json!([{ "code": "E11.9" }, { "code": "E11.65" }])));
    one(&e, "CONDITIONS_SAME_CATEGORY", "warning", "conditions[1].code");
    one(&e, "CONDITIONS_FEWER_THAN_TWO", "error", "conditions");
}

#[test]
fn a_code_the_table_marks_acute_counts_only_when_flagged_chronic() {
    let e = eval(&with(base(), "/conditions", json!([{ "code": "E11.9" }, { "code": "J06.9" }])));
    one(&e, "CONDITION_NOT_CHRONIC", "warning", "conditions[1].code");
    one(&e, "CONDITIONS_FEWER_THAN_TWO", "error", "conditions");
    let e = eval(&with(base(), "/conditions", json!([{ "code": "E11.9" }, { "code": "J06.9", "chronic": true }])));
    assert_eq!(e["status"], "billable");
    assert!(found(&e, "CONDITION_NOT_CHRONIC").is_empty());
    // The input's own flags outrank the table, and say so.
    for flag in ["chronic", "significantRisk"] {
        let e = eval(&with(base(), "/conditions", json!([{ "code": "E11.9" }, { "code": "I10", flag: false }])));
        let f = one(&e, "CONDITION_NOT_CHRONIC", "warning", "conditions[1].code");
        assert!(f["message"].as_str().unwrap().contains(flag), "{f}");
        one(&e, "CONDITIONS_FEWER_THAN_TWO", "error", "conditions");
    }
}

// ---------------------------------------------------------------- §6.7 consent

#[test]
fn consent_must_be_on_file_and_accepted() {
    blocked_by(&eval(&without(base(), "/consent")), "CONSENT_MISSING", "error", "consent");
    blocked_by(&eval(&with(base(), "/consent/status", json!("declined"))), "CONSENT_DECLINED", "error", "consent.status");
}

#[test]
fn each_missing_consent_detail_is_reported() {
    let v = without(without(base(), "/consent/method"), "/consent/date");
    let e = eval(&v);
    assert_eq!(e["status"], "blocked");
    assert_eq!(found(&e, "CONSENT_DETAILS_MISSING"), vec![("error".into(), "consent.date".into()), ("error".into(), "consent.method".into())]);
    let e = eval(&without(base(), "/consent/version"));
    one(&e, "CONSENT_DETAILS_MISSING", "error", "consent.version");
    let checklist = e["checklist"].as_array().unwrap().iter().find(|c| c["item"] == "consentOnFile").unwrap().clone();
    assert_eq!(checklist["ok"], false);
}

#[test]
fn a_practice_consent_version_must_list_the_four_elements() {
    let v = with(base(), "/consent/version", json!("practice-ccm-v3"));
    blocked_by(&eval(&v), "CONSENT_ELEMENTS_INCOMPLETE", "error", "consent.elements");
    let v = with(v, "/consent/elements", json!(["availability", "costSharing", "rightToStop"]));
    let f = one(&eval(&v), "CONSENT_ELEMENTS_INCOMPLETE", "error", "consent.elements");
    assert!(f["message"].as_str().unwrap().contains("onePractitioner"), "{f}");
    let v = with(v, "/consent/elements", json!(["availability", "costSharing", "rightToStop", "onePractitioner"]));
    let e = eval(&v);
    assert_eq!(e["status"], "billable");
    assert_eq!(e["consent"]["builtIn"], false);
}

#[test]
fn consent_for_another_practitioner_does_not_count() {
    blocked_by(&eval(&with(base(), "/consent/practitionerId", json!("2222222222"))), "CONSENT_PRACTITIONER_MISMATCH", "error", "consent.practitionerId");
}

#[test]
fn the_claim_pins_the_consent_version() {
    let mut v = base();
    v["claim"] = json!({ "consentVersion": "ccm-consent-en-2026.1" });
    let e = eval(&v);
    assert_eq!(e["consent"]["matchesClaim"], true);
    assert_eq!(e["status"], "billable");
    v["claim"] = json!({ "consentVersion": "ccm-consent-es-2026.1" });
    let e = eval(&v);
    assert_eq!(e["consent"]["matchesClaim"], false);
    blocked_by(&e, "CONSENT_VERSION_MISMATCH", "error", "claim.consentVersion");
    v["claim"] = json!({ "consentTextSha256": "0".repeat(64) });
    v["consent"]["textSha256"] = json!("1".repeat(64));
    blocked_by(&eval(&v), "CONSENT_VERSION_MISMATCH", "error", "claim.consentTextSha256");
}

#[test]
fn revocation_takes_effect_at_the_end_of_its_month() {
    let revoked = |on: &str| {
        let mut v = with(base(), "/consent/status", json!("revoked"));
        v["consent"]["revokedOn"] = json!(on);
        eval(&v)
    };
    let e = revoked("2026-03-12");
    assert_eq!(e["status"], "billable");
    one(&e, "CONSENT_REVOKED", "info", "consent.revokedOn");
    blocked_by(&revoked("2026-02-27"), "CONSENT_REVOKED", "error", "consent.revokedOn");
}

#[test]
fn consent_templates_are_versioned_and_hashed() {
    let t: Value = serde_json::from_str(&api::consent_templates_json()).unwrap();
    let langs: Vec<_> = t.as_array().unwrap().iter().map(|x| x["language"].as_str().unwrap()).collect();
    assert!(langs.contains(&"en") && langs.contains(&"es"), "{langs:?}");
    for x in t.as_array().unwrap() {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(x["text"].as_str().unwrap().as_bytes());
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(x["textSha256"], hex);
    }
}

// ---------------------------------------------------------------- §6.8 initiating visit

#[test]
fn an_initiating_visit_is_required_for_new_or_unseen_patients() {
    let e = eval(&without(with(base(), "/patient/newPatient", json!(true)), "/initiatingVisit"));
    blocked_by(&e, "INITIATING_VISIT_REQUIRED", "error", "initiatingVisit");
    // An established patient seen within 12 months needs none.
    let e = eval(&without(base(), "/initiatingVisit"));
    assert_eq!(e["status"], "billable");
    // Not seen (no lastVisitDate): required.
    let e = eval(&without(without(base(), "/initiatingVisit"), "/patient/lastVisitDate"));
    one(&e, "INITIATING_VISIT_REQUIRED", "error", "initiatingVisit");
}

#[test]
fn twelve_months_means_the_same_calendar_day_a_year_earlier() {
    // CCM began on the consent date 2025-10-15.
    let v = without(base(), "/initiatingVisit");
    assert_eq!(eval(&with(v.clone(), "/patient/lastVisitDate", json!("2024-10-15")))["status"], "billable");
    let e = eval(&with(v, "/patient/lastVisitDate", json!("2024-10-14")));
    one(&e, "INITIATING_VISIT_REQUIRED", "error", "initiatingVisit");
    let v = with(base(), "/patient/newPatient", json!(true));
    assert_eq!(eval(&with(v.clone(), "/initiatingVisit/date", json!("2024-10-15")))["status"], "billable");
    blocked_by(&eval(&with(v, "/initiatingVisit/date", json!("2024-10-14"))), "INITIATING_VISIT_TOO_OLD", "error", "initiatingVisit.date");
}

#[test]
fn only_qualifying_visit_types_initiate() {
    let v = with(base(), "/patient/newPatient", json!(true));
    for ok in ["em", "awv", "ippe", "tcm"] {
        assert_eq!(eval(&with(v.clone(), "/initiatingVisit/type", json!(ok)))["status"], "billable", "{ok}");
    }
    blocked_by(&eval(&with(v, "/initiatingVisit/type", json!("phone"))), "INITIATING_VISIT_TYPE_INVALID", "error", "initiatingVisit.type");
}

// ---------------------------------------------------------------- §6.9 care plan, supervision, practitioner

#[test]
fn the_care_plan_must_exist_and_meet_each_requirement() {
    blocked_by(&eval(&without(base(), "/carePlan")), "CARE_PLAN_MISSING", "error", "carePlan");
    for (field, code) in [
        ("electronic", "CARE_PLAN_NOT_ELECTRONIC"),
        ("accessible24x7", "CARE_PLAN_NOT_ACCESSIBLE"),
        ("sharedWithPatient", "CARE_PLAN_NOT_SHARED"),
    ] {
        blocked_by(&eval(&with(base(), &format!("/carePlan/{field}"), json!(false))), code, "error", &format!("carePlan.{field}"));
    }
    blocked_by(&eval(&with(base(), "/carePlan/signedBy", json!("2222222222"))), "CARE_PLAN_NOT_SIGNED", "error", "carePlan.signedBy");
    let e = eval(&without(base(), "/carePlan/signedOn"));
    blocked_by(&e, "CARE_PLAN_NOT_SIGNED", "error", "carePlan.signedOn");
}

#[test]
fn a_stale_care_plan_is_a_warning() {
    let v = without(with(base(), "/carePlan/established", json!("2025-03-30")), "/carePlan/lastReviewed");
    let e = eval(&v);
    assert_eq!(e["status"], "billable");
    one(&e, "CARE_PLAN_STALE", "warning", "carePlan.lastReviewed");
    // The latest of lastReviewed, revisedOn and established counts; 2025-03-31 is exactly 12 months.
    assert!(found(&eval(&with(v.clone(), "/carePlan/established", json!("2025-03-31"))), "CARE_PLAN_STALE").is_empty());
    let mut v = v;
    v["carePlan"]["revisedOn"] = json!(["2025-06-01"]);
    assert!(found(&eval(&v), "CARE_PLAN_STALE").is_empty());
}

#[test]
fn supervision_must_be_attested() {
    blocked_by(&eval(&with(base(), "/supervisionAttested", json!(false))), "SUPERVISION_NOT_ATTESTED", "error", "supervisionAttested");
    blocked_by(&eval(&without(base(), "/supervisionAttested")), "SUPERVISION_NOT_ATTESTED", "error", "supervisionAttested");
}

#[test]
fn only_eligible_credentials_bill() {
    for ok in ["MD", "DO", "NP", "PA", "CNS", "CNM"] {
        assert_eq!(eval(&with(base(), "/billingPractitioner/credential", json!(ok)))["status"], "billable", "{ok}");
    }
    blocked_by(&eval(&with(base(), "/billingPractitioner/credential", json!("RN"))), "PRACTITIONER_NOT_ELIGIBLE", "error", "billingPractitioner.credential");
}

// ---------------------------------------------------------------- §6.10 conflicts

fn other(code: &str, date: Option<&str>, who: &str, group: &str) -> Value {
    let mut v = base();
    let mut s = json!({ "code": code, "practitionerId": who, "groupId": group });
    if let Some(d) = date {
        s["date"] = json!(d);
    }
    v["otherServices"] = json!([s]);
    eval(&v)
}

#[test]
fn conflicting_programs_block_or_warn_as_the_table_says() {
    blocked_by(&other("99490", Some("2026-03-05"), "2222222222", "TIN-B"), "ANOTHER_PRACTITIONER_BILLED_CCM", "error", "otherServices[0]");
    blocked_by(&other("99487", None, "2222222222", "TIN-B"), "ANOTHER_PRACTITIONER_BILLED_CCM", "error", "otherServices[0]");
    // APCM: same practitioner or group → error; anyone else → warning.
    blocked_by(&other("G0556", Some("2026-03-05"), DOC, "TIN-A"), "APCM_SAME_MONTH", "error", "otherServices[0]");
    blocked_by(&other("G0558", Some("2026-03-05"), "2222222222", "TIN-A"), "APCM_SAME_MONTH", "error", "otherServices[0]");
    let e = other("G0557", Some("2026-03-05"), "2222222222", "TIN-B");
    assert_eq!(e["status"], "billable");
    one(&e, "APCM_SAME_MONTH", "warning", "otherServices[0]");
    // PCM, care plan oversight, ESRD: same practitioner → error; others → nothing.
    for (code, finding) in [("99424", "PCM_SAME_MONTH"), ("99427", "PCM_SAME_MONTH"), ("G0181", "CARE_PLAN_OVERSIGHT_SAME_MONTH"), ("G0182", "CARE_PLAN_OVERSIGHT_SAME_MONTH"), ("90951", "ESRD_SAME_MONTH"), ("90970", "ESRD_SAME_MONTH")] {
        blocked_by(&other(code, Some("2026-03-05"), DOC, "TIN-A"), finding, "error", "otherServices[0]");
        let e = other(code, Some("2026-03-05"), "2222222222", "TIN-B");
        assert_eq!((e["status"].as_str().unwrap(), codes(&e).len()), ("billable", 0), "{code} by another practitioner");
    }
}

#[test]
fn allowed_programs_and_other_months_do_not_conflict() {
    for code in ["99495", "99457", "99484", "G0511", "99213"] {
        let e = other(code, Some("2026-03-05"), DOC, "TIN-A");
        assert_eq!((e["status"].as_str().unwrap(), codes(&e).len()), ("billable", 0), "{code}");
    }
    let e = other("99490", Some("2026-02-27"), "2222222222", "TIN-B");
    assert_eq!((e["status"].as_str().unwrap(), codes(&e).len()), ("billable", 0), "dated outside the month: ignored");
    // The billing practitioner's own CCM listed there is not another practitioner's.
    assert_eq!(other("99490", Some("2026-03-05"), DOC, "TIN-A")["status"], "billable");
}

// ---------------------------------------------------------------- §6.11 narratives

#[test]
fn counted_entries_need_a_real_narrative() {
    for narrative in [json!(null), json!("Called pt"), json!("CCM call - 20 minutes"), json!("20 min CCM time")] {
        let mut en = rn("a", 3, 25);
        en["narrative"] = narrative.clone();
        let e = eval(&entries(base(), vec![en]));
        assert_eq!(e["status"], "billable", "{narrative}");
        one(&e, "TIME_ENTRY_NARRATIVE_INSUFFICIENT", "warning", "timeEntries[0].narrative");
        let item = e["checklist"].as_array().unwrap().iter().find(|c| c["item"] == "encounterDetails").unwrap().clone();
        assert_eq!(item["ok"], false, "{narrative}");
        assert!(!e.to_string().contains("Called pt"), "findings never echo narratives");
    }
}

// ---------------------------------------------------------------- §6.12 money

/// Every CCM code, both years, both settings, with and without QP status: the engine's per-unit
/// amount equals the national amounts derived in ../shared/data/pfs-rvu-care-management.csv.
#[test]
fn amounts_match_the_fee_schedule_data() {
    let csv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/pfs-rvu-care-management.csv")).unwrap();
    let mut header = Vec::new();
    let mut checked = 0;
    for (i, row) in csv.lines().enumerate() {
        let cells = split_csv(row);
        if i == 0 {
            header = cells;
            continue;
        }
        let get = |k: &str| cells[header.iter().position(|h| h == k).unwrap()].clone();
        let code = get("hcpcs");
        let year = get("year");
        let track = match code.as_str() {
            "99490" | "99439" => "staff",
            "99487" | "99489" => "complex",
            "99491" | "99437" => "practitioner",
            _ => continue,
        };
        if year != "2025" && year != "2026" {
            continue;
        }
        for (setting, qp, column) in [
            ("nonFacility", false, "derived_natl_nonfac_usd_nonqp"),
            ("facility", false, "derived_natl_fac_usd_nonqp"),
            ("nonFacility", true, "derived_natl_nonfac_usd_qp"),
            ("facility", true, "derived_natl_fac_usd_qp"),
        ] {
            let want = get(column);
            if want.is_empty() {
                continue;
            }
            let want_cents = (want.parse::<f64>().unwrap() * 100.0).round() as i64;
            // Enough time for the code (and its base, for add-ons) on its own track.
            let (minutes, entry_fn): (u32, EntryFn) = match code.as_str() {
                "99490" => (20, rn),
                "99439" => (40, rn),
                "99487" => (60, rn),
                "99489" => (90, rn),
                "99491" => (30, doc),
                _ => (60, doc),
            };
            let mut v = in_year(base(), &year);
            let shift = |x: Value| in_year(x, &year);
            v["timeEntries"] = json!([shift(entry_fn("a", 3, minutes / 2)), shift(entry_fn("b", 4, minutes - minutes / 2))]);
            v["carePlan"]["revisedOn"] = json!([format!("{year}-03-02")]);
            v["complexity"] = json!({ "mdm": "high" });
            v["track"] = json!(track);
            v["payment"] = json!({ "setting": setting, "qualifyingApmParticipant": qp });
            if year == "2025" {
                v["consent"]["version"] = json!("practice-ccm-v3");
                v["consent"]["elements"] = json!(["availability", "costSharing", "rightToStop", "onePractitioner"]);
            }
            let e = eval(&v);
            assert_eq!(e["status"], "billable", "{code} {year} {setting} qp={qp}: {:#}", e["findings"]);
            let line = e["lines"].as_array().unwrap().iter().find(|l| l["code"] == code.as_str()).unwrap_or_else(|| panic!("{code} {year}: {}", e["lines"]));
            assert_eq!(line["units"], 1, "{code} {year}");
            assert_eq!(cents(&line["allowed"]), want_cents, "{code} {year} {setting} qp={qp}");
            assert_eq!(cents(&line["coinsurance"]), (want_cents * 20 + 50) / 100, "{code} {year} {setting} qp={qp}");
            let cf = get("conv_factor_in_file");
            if !qp {
                assert_eq!(e["payment"]["conversionFactor"].as_f64().unwrap(), cf.parse::<f64>().unwrap(), "{year}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * 2 * 4, "every code, year, setting and QP status was checked");
}

/// The month moved to another year, every date with it.
fn in_year(v: Value, year: &str) -> Value {
    let back = 2026 - year.parse::<i32>().unwrap();
    let text = v.to_string().replace("2025-", &format!("{}-", 2025 - back)).replace("2026-", &format!("{}-", 2026 - back)).replace("\"2026-03\"", &format!("\"{year}-03\""));
    serde_json::from_str(&text).unwrap()
}

type EntryFn = fn(&str, u32, u32) -> Value;

fn split_csv(row: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for ch in row.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

#[test]
fn the_2025_pack_and_qp_conversion_factor_apply() {
    let mut v = in_year(base(), "2025");
    v["consent"]["version"] = json!("practice-ccm-v3");
    v["consent"]["elements"] = json!(["availability", "costSharing", "rightToStop", "onePractitioner"]);
    let e = eval(&v);
    assert_eq!(e["rulePack"]["id"], "medicare-cy2025");
    assert_eq!(e["payment"]["conversionFactor"], 32.3465);
    assert_eq!(cents(&e["payment"]["allowed"]), 6049);
    let mut v = base();
    v["payment"] = json!({ "qualifyingApmParticipant": true });
    let e = eval(&v);
    assert_eq!(e["payment"]["conversionFactor"], 33.5675);
    assert_eq!(cents(&e["payment"]["allowed"]), 6646);
}

#[test]
fn gpcis_scale_each_component_and_round_half_up() {
    // 99490 2026 nonfacility: work 1.00, PE 0.91, MP 0.07; CF 33.4009.
    let mut v = base();
    v["payment"] = json!({ "gpci": { "work": 1.0, "pe": 1.109, "mp": 0.529 } });
    let e = eval(&v);
    // (1.00×1.0 + 0.91×1.109 + 0.07×0.529) × 33.4009 = 2.04622 × 33.4009 = 68.346...  → 68.35
    let rvu: f64 = 1.00 * 1.0 + 0.91 * 1.109 + 0.07 * 0.529;
    let exact = rvu * 33.4009;
    assert_eq!(cents(&e["lines"][0]["allowed"]), (exact * 100.0 + 0.5).floor() as i64);
    assert_eq!(cents(&e["lines"][0]["allowed"]), 6835);
    assert_eq!(cents(&e["lines"][0]["coinsurance"]), 1367);
    // Facility setting uses the facility PE RVU (0.24): (1.00 + 0.24 + 0.07) × 33.4009 = 43.755 → 43.76.
    v["payment"] = json!({ "setting": "facility" });
    let e = eval(&v);
    assert_eq!(e["payment"]["setting"], "facility");
    assert_eq!(cents(&e["lines"][0]["allowed"]), 4376);
    assert_eq!(cents(&e["lines"][0]["coinsurance"]), 875, "20% of 43.76 = 8.752 → 8.75");
}

// ---------------------------------------------------------------- status, order, determinism

#[test]
fn findings_come_errors_first_and_every_blocked_month_has_a_reason() {
    let v = with(without(base(), "/consent"), "/conditions", json!([{ "code": "E11.9" }, { "code": "J06.9" }]));
    let e = eval(&v);
    let sev: Vec<_> = e["findings"].as_array().unwrap().iter().map(|f| f["severity"].as_str().unwrap()).collect();
    let rank = |s: &str| ["error", "warning", "info"].iter().position(|x| *x == s).unwrap();
    assert!(sev.windows(2).all(|w| rank(w[0]) <= rank(w[1])), "{sev:?}");
    assert_eq!(e["status"], "blocked");
    assert!(sev.contains(&"error"));
}

#[test]
fn output_is_deterministic_and_entry_order_does_not_change_the_decision() {
    let list = vec![rn("a", 3, 20), doc("b", 4, 15), rn("c", 9, 22), entry("d", "s-2", "ma", "2026-03-09T09:05:00-05:00", "2026-03-09T09:30:00-05:00")];
    let v = entries(base(), list.clone());
    let text = v.to_string();
    assert_eq!(api::evaluate_json(&text), api::evaluate_json(&text), "byte-identical");
    let e = eval(&v);
    let mut reversed = list;
    reversed.reverse();
    let r = eval(&entries(base(), reversed));
    for key in ["status", "track", "lines", "payment", "time", "alternatives", "checklist"] {
        assert_eq!(e[key], r[key], "{key}");
    }
    let mut a = codes(&e);
    let mut b = codes(&r);
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

// ---------------------------------------------------------------- §4 errors and §2 bounds

#[test]
fn invalid_json_is_reported_with_its_position() {
    let e = error("{\"serviceMonth\": ");
    assert_eq!(e["code"], "INVALID_JSON");
    assert!(e["issues"][0]["message"].as_str().unwrap().contains("line 1"), "{e}");
    assert_eq!(error("")["code"], "INVALID_JSON");
    assert_eq!(error("[1,2")["code"], "INVALID_JSON");
}

#[test]
fn every_problem_is_reported_in_one_pass_with_paths() {
    let mut v = base();
    v["serviceMonth"] = json!("2026-13");
    v["billingPractitioner"] = json!({ "credential": 7 });
    v["timeEntries"] = json!([
        rn("a", 3, 10),
        { "id": "b", "performer": { "role": "rn" }, "start": "2026-03-04T10:00:00-05:00" },
        { "id": "c", "performer": { "role": "astronaut" }, "start": "2026-03-04T10:00:00-05:00", "end": "2026-03-04T09:00:00-05:00" },
        { "id": "d", "performer": { "role": "rn" }, "date": "2026-03-04", "minutes": 1441 },
        { "id": "e", "performer": { "role": "rn" }, "date": "2026-03-04", "minutes": 10, "start": "2026-03-04T10:00:00-05:00", "end": "2026-03-04T10:10:00-05:00" },
    ]);
    v["conditions"] = json!([{ "code": 42 }]);
    let e = error(&v.to_string());
    assert_eq!(e["code"], "INVALID_INPUT");
    let paths: Vec<_> = e["issues"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap().to_string()).collect();
    for p in ["serviceMonth", "billingPractitioner.id", "billingPractitioner.credential", "timeEntries[1].end", "timeEntries[2].performer.role", "timeEntries[2].end", "timeEntries[3].minutes", "timeEntries[4]", "conditions[0].code"] {
        assert!(paths.iter().any(|x| x == p), "no issue at {p}: {paths:?}");
    }
    assert!(!paths.iter().any(|p| p.starts_with("timeEntries[0]")), "a valid entry has no issue: {paths:?}");
}

#[test]
fn mixed_offsets_in_one_entry_are_invalid() {
    let mut v = base();
    v["timeEntries"] = json!([{ "id": "a", "performer": { "role": "rn" }, "start": "2026-03-04T10:00:00-05:00", "end": "2026-03-04T10:30:00", "narrative": NARRATIVE }]);
    let e = error(&v.to_string());
    assert_eq!(e["code"], "INVALID_INPUT");
    assert!(e["issues"].as_array().unwrap().iter().any(|i| i["path"].as_str().unwrap().starts_with("timeEntries[0]")), "{e}");
}

#[test]
fn the_top_level_must_be_an_object() {
    for text in ["null", "[]", "42", "\"2026-03\""] {
        assert_eq!(error(text)["code"], "INVALID_INPUT", "{text}");
    }
}

#[test]
fn bounds_are_enforced_with_input_too_large() {
    let mut v = base();
    v["timeEntries"] = Value::Array((0..2001).map(|i| rn(&format!("t{i}"), 3, 1)).collect());
    let e = error(&v.to_string());
    assert_eq!(e["code"], "INPUT_TOO_LARGE");
    assert_eq!(e["issues"][0]["path"], "timeEntries");
    // 2,000 entries are allowed.
    v["timeEntries"] = Value::Array((0..2000).map(|i| json!({ "id": format!("t{i}"), "performer": { "id": "s-1", "name": "P", "role": "rn" }, "date": "2026-03-03", "minutes": 1, "narrative": NARRATIVE })).collect());
    let e = eval(&v);
    assert_eq!(staff(&e), 2000);
    for (path, value) in [
        ("/conditions", Value::Array((0..101).map(|_| json!({ "code": "I10" })).collect())),
        ("/patient/ref", json!("x".repeat(20_001))),
    ] {
        let mut v = base();
        *v.pointer_mut(path).unwrap() = value;
        let e = error(&v.to_string());
        assert_eq!(e["code"], "INPUT_TOO_LARGE", "{path}");
        assert_eq!(e["issues"][0]["path"], path[1..].replace('/', "."), "{path}");
    }
    let mut v = base();
    v["otherServices"] = Value::Array((0..201).map(|_| json!({ "code": "99213" })).collect());
    assert_eq!(error(&v.to_string())["code"], "INPUT_TOO_LARGE");
    let mut v = base();
    v["padding"] = json!("y".repeat(2 * 1024 * 1024));
    assert_eq!(error(&v.to_string())["code"], "INPUT_TOO_LARGE", "over 2 MiB, even in an unknown field");
    // 20,000 characters (not bytes) are allowed.
    let mut v = base();
    v["patient"]["ref"] = json!("é".repeat(20_000));
    assert_eq!(eval(&v)["status"], "billable");
}

#[test]
fn unknown_fields_are_ignored() {
    let mut v = base();
    v["futureField"] = json!({ "anything": [1, 2, 3] });
    v["timeEntries"][0]["mood"] = json!("good");
    assert_eq!(eval(&v), eval(&base()));
}

#[test]
fn rule_pack_selection_errors() {
    let mut v = base();
    v["rulePack"] = json!("medicare-cy2030");
    let e = error(&v.to_string());
    assert_eq!(e["code"], "UNKNOWN_RULE_PACK");
    assert_eq!(e["issues"][0]["path"], "rulePack");
    let mut v = base();
    v["serviceMonth"] = json!("2024-06");
    assert_eq!(error(&v.to_string())["code"], "NO_RULE_PACK_FOR_MONTH");
    let mut v = base();
    v["rulePack"] = json!("medicare-cy2025");
    assert_eq!(error(&v.to_string())["code"], "NO_RULE_PACK_FOR_MONTH", "a pack that does not cover the month");
}

#[test]
fn custom_packs_are_validated_with_paths() {
    let mut pack: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    pack["codes"][0]["rvu"]["work"] = json!("one");
    pack["codes"][1]["maxUnits"] = json!(-1);
    pack.as_object_mut().unwrap().remove("effectiveFrom");
    let mut v = base();
    v["rulePack"] = pack;
    let e = error(&v.to_string());
    assert_eq!(e["code"], "INVALID_RULE_PACK");
    let paths: Vec<_> = e["issues"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap().to_string()).collect();
    for p in ["rulePack.codes[0].rvu.work", "rulePack.codes[1].maxUnits", "rulePack.effectiveFrom"] {
        assert!(paths.contains(&p.to_string()), "no issue at {p}: {paths:?}");
    }
}

#[test]
fn a_custom_pack_changes_the_rules_without_code() {
    // A payer that allows three 99439 units and pays coinsurance of 0%.
    let mut pack: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    pack["id"] = json!("acme-ma-2026");
    for c in pack["codes"].as_array_mut().unwrap() {
        if c["code"] == "99439" {
            c["maxUnits"] = json!(3);
        }
    }
    pack["coinsurancePercent"] = json!(0);
    let mut v = entries(base(), vec![rn("a", 3, 45), rn("b", 4, 45)]);
    v["rulePack"] = pack;
    let e = eval(&v);
    assert_eq!(e["rulePack"]["id"], "acme-ma-2026");
    assert_eq!(lines(&e), l(&[("99490", 1), ("99439", 3)]));
    assert_eq!(cents(&e["payment"]["allowed"]), 6613 + 3 * 5044);
    assert_eq!(cents(&e["payment"]["coinsurance"]), 0);
}

#[test]
fn built_in_packs_are_listed_and_shown() {
    let list: Value = serde_json::from_str(&api::rule_packs_json()).unwrap();
    let ids: Vec<_> = list.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["medicare-cy2025", "medicare-cy2026", "medicare-cy2027"]);
    for id in ids {
        let pack: Value = serde_json::from_str(&api::rule_pack_json(id).unwrap()).unwrap();
        assert_eq!(pack["id"], id);
        // Every rule has an id and a source; every code names a rule.
        for r in pack["rules"].as_array().unwrap() {
            assert!(r["id"].as_str().is_some_and(|s| !s.is_empty()) && r["source"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
        }
    }
    assert!(api::rule_pack_json("nope").is_none());
}

// ---------------------------------------------------------------- §7 what-if

#[test]
fn what_if_uses_the_same_amounts() {
    let out: Value = serde_json::from_str(&api::what_if_json(&json!({
        "patients": 100,
        "bands": [ { "track": "staff", "minutes": 45, "share": 0.5 }, { "track": "staff", "minutes": 10, "share": 0.5 } ]
    }).to_string())).unwrap();
    assert_eq!(out["ok"], true, "{out}");
    let p = &out;
    // 50 patient-months at 99490 + 99439 (66.13 + 50.44), 50 at nothing.
    assert_eq!(cents(&p["monthly"]["allowed"]), 50 * (6613 + 5044), "{p:#}");
    assert_eq!(cents(&p["annual"]["allowed"]), 12 * 50 * (6613 + 5044));
    let bad: Value = serde_json::from_str(&api::what_if_json(r#"{"patients": -1, "bands": [{"track": "staff", "minutes": 20, "share": 2}]}"#)).unwrap();
    assert_eq!(bad["ok"], false);
    let paths: Vec<_> = bad["error"]["issues"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap().to_string()).collect();
    assert!(paths.contains(&"patients".to_string()) && paths.contains(&"bands[0].share".to_string()), "{paths:?}");
}

#[test]
fn a_repeated_key_keeps_its_last_value_as_json_parse_does() {
    let text = base().to_string().replacen('{', r#"{"serviceMonth":"2025-01","#, 1);
    let out: Value = serde_json::from_str(&api::evaluate_json(&text)).unwrap();
    assert_eq!(out["evaluation"]["serviceMonth"], "2026-03", "{out}");
}

#[test]
fn escaped_strings_read_like_plain_ones() {
    let text = base().to_string().replace("\"E11.9\"", r#""E11\u002e9""#).replace("\"rn\"", r#""\u0072n""#);
    assert_eq!(serde_json::from_str::<Value>(&api::evaluate_json(&text)).unwrap()["evaluation"], eval(&base()));
}

#[test]
fn a_batch_equals_its_months_one_by_one() {
    let mut tricky = base();
    tricky["patient"]["ref"] = json!("a, b] {c} \"quoted\" \\ é");
    let months = [base(), tricky, json!({ "serviceMonth": "2026-13" }), json!([1, 2]), json!("x"), json!(null)];
    let batch = format!("[\n  {} ]", months.iter().map(Value::to_string).collect::<Vec<_>>().join(" ,\n "));
    let out: Value = serde_json::from_str(&api::evaluate_batch_json(&batch)).unwrap();
    let one_by_one: Vec<Value> = months.iter().map(|m| serde_json::from_str(&api::evaluate_json(&m.to_string())).unwrap()).collect();
    assert_eq!(out, Value::Array(one_by_one));
    assert_eq!(api::evaluate_batch_json("[]"), "[]");
    let not_array: Value = serde_json::from_str(&api::evaluate_batch_json(r#"{"serviceMonth":"2026-03"}"#)).unwrap();
    assert_eq!(not_array[0]["error"]["code"], "INVALID_INPUT");
    let broken: Value = serde_json::from_str(&api::evaluate_batch_json("[{},")).unwrap();
    assert_eq!(broken[0]["error"]["code"], "INVALID_JSON");
}

/// The month in tests/regressions/`file` is refused with INVALID_RULE_PACK, first at `path`.
fn expect_invalid_pack(file: &str, path: &str) {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions").join(file)).unwrap();
    let e = error(&text);
    assert_eq!(e["code"], "INVALID_RULE_PACK");
    assert_eq!(e["issues"][0]["path"], path);
}

#[test]
fn a_pack_naming_a_track_twice_is_invalid() {
    // Found by the rule_pack fuzz target: the track was evaluated and offered twice.
    expect_invalid_pack("pack-track-order-duplicate.json", "rulePack.policies.trackOrder[3]");
}

#[test]
fn a_base_code_capped_at_other_than_one_unit_is_invalid() {
    // Found by the rule_pack fuzz target: a base with maxUnits 0 still billed its one unit.
    expect_invalid_pack("pack-base-max-units-zero.json", "rulePack.codes[0].maxUnits");
    let mut pack: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    pack["codes"][0]["maxUnits"] = json!(null);
    let mut v = base();
    v["rulePack"] = pack;
    assert_eq!(lines(&eval(&v)), l(&[("99490", 1)]), "null (no cap) still bills the base once");
}

// ---------------------------------------------------------------- defects found by outside testing (issue 12)

#[test]
fn fractions_below_a_millisecond_never_round_time_up() {
    // 19:59.999544 of real time: 19 minutes, below 99490's 20.
    let e = eval(&entries(base(), vec![entry("a", "s-1", "rn", "2026-03-03T10:00:00.123456-05:00", "2026-03-03T10:20:00.123-05:00")]));
    assert_eq!((staff(&e), e["status"].as_str().unwrap()), (19, "below_threshold"));
    // Digits below the microsecond: the start moves up, the end down, so the entry never grows.
    let e = eval(&entries(base(), vec![entry("a", "s-1", "rn", "2026-03-03T10:00:00.0000001-05:00", "2026-03-03T10:20:00.0000001-05:00")]));
    assert_eq!(staff(&e), 19);
    // Exactly 20 minutes at any precision still counts 20, and an entry inside one microsecond is valid.
    let e = eval(&entries(base(), vec![entry("a", "s-1", "rn", "2026-03-03T10:00:00.123456789-05:00", "2026-03-03T10:20:00.123456789-05:00")]));
    assert_eq!(staff(&e), 19, "sub-microsecond start rounds up: 19:59.999999");
    let e = eval(&entries(base(), vec![entry("a", "s-1", "rn", "2026-03-03T10:00:00.1234560-05:00", "2026-03-03T10:20:00.123456-05:00"),
        entry("b", "s-1", "rn", "2026-03-04T10:00:00.0000001-05:00", "2026-03-04T10:00:00.0000002-05:00")]));
    assert_eq!((staff(&e), e["status"].as_str().unwrap()), (20, "billable"));
}

#[test]
fn a_revocation_date_counts_while_the_status_is_still_accepted() {
    let before = with(base(), "/consent/revokedOn", json!("2026-02-27"));
    blocked_by(&eval(&before), "CONSENT_REVOKED", "error", "consent.revokedOn");
    let e = eval(&with(base(), "/consent/revokedOn", json!("2026-03-12")));
    assert_eq!(e["status"], "billable");
    one(&e, "CONSENT_REVOKED", "info", "consent.revokedOn");
    let e = eval(&with(base(), "/consent/revokedOn", Value::Null));
    assert!(found(&e, "CONSENT_REVOKED").is_empty());
}

#[test]
fn visit_types_and_credentials_are_read_as_free_text() {
    let new = with(base(), "/patient/newPatient", json!(true));
    for t in ["EM", " EM ", "Awv", "tcm\t"] {
        let e = eval(&with(new.clone(), "/initiatingVisit/type", json!(t)));
        assert_eq!(e["status"], "billable", "{t}: {:#}", e["findings"]);
        assert!(found(&e, "INITIATING_VISIT_TYPE_INVALID").is_empty(), "{t}");
    }
    blocked_by(&eval(&with(new, "/initiatingVisit/type", json!("e m"))), "INITIATING_VISIT_TYPE_INVALID", "error", "initiatingVisit.type");
    for (raw, read) in [("md", "MD"), ("M.D.", "MD"), ("d.o.", "DO"), ("N.P.", "NP"), ("P.A.-C", "PA"), ("PA-C", "PA"), ("Cnm", "CNM")] {
        let e = eval(&with(base(), "/billingPractitioner/credential", json!(raw)));
        assert_eq!(e["status"], "billable", "{raw}");
        let f = one(&e, "PRACTITIONER_CREDENTIAL_READ_AS", "info", "billingPractitioner.credential");
        assert_eq!(f["message"], format!("the credential was read as {read}"), "{raw}");
    }
    for raw in ["MD", " MD "] {
        let e = eval(&with(base(), "/billingPractitioner/credential", json!(raw)));
        assert_eq!(e["status"], "billable");
        assert!(found(&e, "PRACTITIONER_CREDENTIAL_READ_AS").is_empty(), "{raw}");
    }
    for raw in ["RN", "M.A.", "-C", ""] {
        let e = eval(&with(base(), "/billingPractitioner/credential", json!(raw)));
        blocked_by(&e, "PRACTITIONER_NOT_ELIGIBLE", "error", "billingPractitioner.credential");
        assert!(found(&e, "PRACTITIONER_CREDENTIAL_READ_AS").is_empty(), "{raw}");
    }
}

#[test]
fn narratives_in_scripts_without_spaces_are_judged_by_their_characters() {
    let with_narrative = |n: &str| {
        let mut x = rn("a", 3, 25);
        x["narrative"] = json!(n);
        eval(&entries(base(), vec![x]))
    };
    for n in [
        "电话随访：患者血糖控制良好，已复核用药清单，调整胰岛素剂量并更新护理计划目标。",
        "電話フォローアップ：血糖記録を確認し、服薬内容を見直して、ケア計画の目標を更新した。",
        "โทรติดตามผู้ป่วยทบทวนบันทึกน้ำตาลในเลือดและปรับแผนการดูแล",
    ] {
        assert!(n.chars().count() >= 25, "{n}");
        let e = with_narrative(n);
        assert!(found(&e, "TIME_ENTRY_NARRATIVE_INSUFFICIENT").is_empty(), "{n}: {:#}", e["findings"]);
    }
    // Still only a restatement of the time: a phone call of so many minutes.
    let e = with_narrative("CCM 电话 20 分钟 电话 20 分钟 电话 20 分钟 通话时间");
    one(&e, "TIME_ENTRY_NARRATIVE_INSUFFICIENT", "warning", "timeEntries[0].narrative");
}

#[test]
fn time_outside_the_month_is_excluded_time() {
    let feb = entry("b", "s-1", "rn", "2026-02-27T09:00:00-05:00", "2026-02-27T09:30:00-05:00");
    let e = eval(&entries(base(), vec![rn("a", 3, 25), feb]));
    assert_eq!((staff(&e), e["time"]["excludedMinutes"].as_u64().unwrap()), (25, 30));
    let crossing = entry("b", "s-1", "rn", "2026-03-31T23:50:00-05:00", "2026-04-01T00:20:00-05:00");
    let e = eval(&entries(base(), vec![rn("a", 3, 15), crossing]));
    assert_eq!((staff(&e), e["time"]["excludedMinutes"].as_u64().unwrap()), (25, 20));
    let other = with(feb_entry_service(), "/service", json!("tcm"));
    let e = eval(&entries(base(), vec![rn("a", 3, 25), other]));
    assert_eq!(e["time"]["excludedMinutes"], 30, "another service's entry in another month");
}

fn feb_entry_service() -> Value {
    entry("b", "s-1", "rn", "2026-02-27T09:00:00-05:00", "2026-02-27T09:30:00-05:00")
}

#[test]
fn only_errors_block_an_alternative() {
    // CONTRACT §3's example: 47 staff minutes, no MDM.
    let e = eval(&entries(base(), vec![rn("a", 3, 25), rn("b", 4, 22)]));
    assert_eq!(lines(&e), l(&[("99490", 1), ("99439", 1)]));
    let alt: Vec<(String, Value)> = e["alternatives"].as_array().unwrap().iter().map(|a| (a["track"].as_str().unwrap().to_string(), a["blockedBy"].clone())).collect();
    assert_eq!(alt, vec![("complex".to_string(), json!(["COMPLEX_MDM_REQUIRED"])), ("practitioner".to_string(), json!([]))]);
}

#[test]
fn the_billing_practitioner_furnishes_the_initiating_visit() {
    let new = with(base(), "/patient/newPatient", json!(true));
    let e = eval(&with(new.clone(), "/initiatingVisit/practitionerId", json!("2222222222")));
    let f = one(&e, "INITIATING_VISIT_PRACTITIONER_MISMATCH", "error", "initiatingVisit.practitionerId");
    assert_eq!(f["rule"], "INIT-001");
    assert_eq!(e["status"], "blocked");
    assert_eq!(eval(&without(new, "/initiatingVisit/practitionerId"))["status"], "billable", "no practitioner recorded: not judged");
    // Not required (seen in the last 12 months): the visit on record is not judged.
    let e = eval(&with(base(), "/initiatingVisit/practitionerId", json!("2222222222")));
    assert_eq!(e["status"], "billable");
    // A pack can make it a warning, or leave it out.
    let mut pack: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    pack["policies"]["initiatingVisitByBillingPractitioner"] = json!("warning");
    let mut v = with(with(base(), "/patient/newPatient", json!(true)), "/initiatingVisit/practitionerId", json!("2222222222"));
    v["rulePack"] = pack.clone();
    let e = eval(&v);
    assert_eq!(e["status"], "billable");
    one(&e, "INITIATING_VISIT_PRACTITIONER_MISMATCH", "warning", "initiatingVisit.practitionerId");
    pack["policies"].as_object_mut().unwrap().remove("initiatingVisitByBillingPractitioner");
    v["rulePack"] = pack;
    assert!(found(&eval(&v), "INITIATING_VISIT_PRACTITIONER_MISMATCH").is_empty());
}

#[test]
fn entries_that_do_not_count_get_no_documentation_warnings() {
    let bare = |mut x: Value| {
        x.as_object_mut().unwrap().remove("narrative");
        x["performer"].as_object_mut().unwrap().remove("name");
        x
    };
    let mut v = entries(base(), vec![rn("a", 3, 25), bare(rn("b", 25, 30)), bare(json!({ "id": "c", "performer": { "role": "rn" }, "date": "2026-03-26", "minutes": 10 }))]);
    v["asOf"] = json!("2026-03-20");
    let e = eval(&v);
    assert_eq!(codes(&e), vec!["TIME_ENTRY_AFTER_AS_OF", "TIME_ENTRY_AFTER_AS_OF"], "{:#}", e["findings"]);
    assert_eq!(e["checklist"][1], json!({ "item": "encounterDetails", "ok": true }));
    // Wholly before consent, likewise.
    let mut v = entries(base(), vec![rn("a", 13, 25), bare(rn("b", 3, 30))]);
    v["consent"]["date"] = json!("2026-03-10");
    let e = eval(&v);
    assert_eq!(codes(&e), vec!["TIME_ENTRY_BEFORE_CONSENT"]);
    assert_eq!(e["checklist"][1]["ok"], true);
    // A counted entry still gets them.
    let e = eval(&entries(base(), vec![bare(rn("a", 3, 25))]));
    assert_eq!(codes(&e), vec!["TIME_ENTRY_PERFORMER_MISSING", "TIME_ENTRY_NARRATIVE_INSUFFICIENT"]);
    assert_eq!(e["checklist"][1]["ok"], false);
}

#[test]
fn each_excluded_minute_is_reported_once_under_its_first_reason() {
    // Consent on March 20, asOf March 10: March 15's 30 minutes are both before consent and after asOf.
    let mut v = entries(base(), vec![rn("a", 15, 30)]);
    v["consent"]["date"] = json!("2026-03-20");
    v["asOf"] = json!("2026-03-10");
    let e = eval(&v);
    assert_eq!(codes(&e), vec!["TIME_ENTRY_BEFORE_CONSENT", "TIME_BELOW_THRESHOLD"]);
    assert_eq!(e["time"]["excludedMinutes"], 30);
    // Straddling both limits with counted time between them: each part under its own reason.
    let mut v = entries(base(), vec![entry("a", "s-1", "rn", "2026-03-09T23:50:00-05:00", "2026-03-11T00:20:00-05:00")]);
    v["consent"]["date"] = json!("2026-03-10");
    v["asOf"] = json!("2026-03-10");
    let e = eval(&v);
    assert_eq!(codes(&e), vec!["TIME_ENTRY_BEFORE_CONSENT", "TIME_ENTRY_AFTER_AS_OF", "ADDON_CAP_REACHED"]);
    assert_eq!((staff(&e), e["time"]["excludedMinutes"].as_u64().unwrap()), (1440, 30));
}

#[test]
fn every_consent_problem_is_reported_whatever_the_status() {
    let e = eval(&without(without(base(), "/consent/status"), "/consent/method"));
    assert_eq!(found(&e, "CONSENT_MISSING"), vec![("error".into(), "consent.status".into())]);
    one(&e, "CONSENT_DETAILS_MISSING", "error", "consent.method");
    let v = with(with(base(), "/consent/status", json!("declined")), "/consent/version", json!("practice-ccm-v3"));
    let e = eval(&v);
    one(&e, "CONSENT_DECLINED", "error", "consent.status");
    one(&e, "CONSENT_ELEMENTS_INCOMPLETE", "error", "consent.elements");
    assert_eq!(e["checklist"][5], json!({ "item": "consentOnFile", "ok": false }));
}

#[test]
fn a_forced_track_the_pack_lacks_reaches_no_next_unit() {
    let mut pack: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    pack["codes"].as_array_mut().unwrap().retain(|c| c["track"] != "practitioner");
    pack["policies"]["trackOrder"] = json!(["staff", "complex"]);
    let mut v = with(base(), "/track", json!("practitioner"));
    v["rulePack"] = pack;
    let e = eval(&v);
    assert_eq!(e["time"]["nextUnit"], Value::Null);
    assert_eq!(e["track"], "practitioner");
    one(&e, "TRACK_NOT_AVAILABLE", "info", "track");
}

// ---------------------------------------------------------------- years: the provisional CY2027 pack (issue 13)

/// The base month moved one year on (2026 dates to 2027, 2025 to 2026).
fn in_2027(v: Value) -> Value {
    serde_json::from_str(&v.to_string().replace("2026-", "2027-").replace("2025-", "2026-")).unwrap()
}

#[test]
fn a_2027_month_is_priced_by_the_provisional_pack_and_says_so() {
    let v = in_2027(entries(base(), vec![rn("a", 3, 25), rn("b", 4, 20)]));
    let e = eval(&v);
    assert_eq!(e["rulePack"], json!({ "id": "medicare-cy2027", "version": "2027.0-proposed", "payer": "Medicare Part B",
        "effectiveFrom": "2027-01-01", "effectiveTo": "2027-12-31", "status": "provisional" }));
    assert_eq!(e["status"], "billable");
    assert_eq!(lines(&e), l(&[("99490", 1), ("99439", 1)]));
    // CY2026 RVUs × the proposed 32.8409: 1.98 × 32.8409 = 65.02; 1.51 × 32.8409 = 49.59.
    assert_eq!((cents(&e["lines"][0]["allowed"]), cents(&e["lines"][1]["allowed"])), (6502, 4959));
    assert_eq!((cents(&e["payment"]["allowed"]), cents(&e["payment"]["coinsurance"])), (11461, 1300 + 992));
    assert_eq!(e["payment"]["conversionFactor"], 32.8409);
    let f = one(&e, "RULE_PACK_PROVISIONAL", "warning", "rulePack");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("proposed rule") && msg.contains("RVU26C"), "{msg}");
    assert!(f["source"].as_str().unwrap().contains("CMS-1848-P"), "{f}");
    // The qualifying APM participant's proposed factor: 1.98 × 33.1693 = 65.68.
    let mut qp = v.clone();
    qp["payment"] = json!({ "qualifyingApmParticipant": true });
    assert_eq!(cents(&eval(&qp)["lines"][0]["allowed"]), 6568);
    // A final pack's answer has no status and no such finding.
    let e = eval(&entries(base(), vec![rn("a", 3, 25)]));
    assert!(e["rulePack"].get("status").is_none());
    assert!(found(&e, "RULE_PACK_PROVISIONAL").is_empty());
}

#[test]
fn the_2027_pack_equals_its_source_rows() {
    let pack: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2027").unwrap()).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let cfs = std::fs::read_to_string(format!("{root}/tools/sources/pfs-conversion-factors.csv")).unwrap();
    let mut seen = 0;
    for row in cfs.lines().skip(1) {
        let c = split_csv(row);
        let key = if c[1].starts_with("qualifying") { "qualifyingApmParticipant" } else { "default" };
        assert_eq!(c[0], "2027");
        assert_eq!(pack["conversionFactors"][key].as_f64().unwrap(), c[2].parse::<f64>().unwrap(), "{key}");
        seen += 1;
    }
    assert_eq!(seen, 2);
    let notes = std::fs::read_to_string(format!("{root}/tools/sources/provisional.csv")).unwrap();
    let want: Vec<Value> = notes.lines().skip(1).map(split_csv).filter(|c| c[0] == "medicare-cy2027").map(|c| json!({ "what": c[1], "source": c[2] })).collect();
    assert_eq!(pack["status"], "provisional");
    assert_eq!(pack["provisional"], Value::Array(want));
    // RVUs carried from CY2026, code for code.
    let y2026: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    assert_eq!(pack["codes"], y2026["codes"]);
    assert_eq!(pack["policies"], y2026["policies"]);
    let list: Value = serde_json::from_str(&api::rule_packs_json()).unwrap();
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"medicare-cy2027"), "{ids:?}");
}

#[test]
fn a_custom_pack_may_be_provisional_but_must_say_so_consistently() {
    let mut pack: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    pack["provisional"] = json!([{ "what": "rates not final", "source": "contract draft 3.1, section 4" }]);
    let mut v = base();
    v["rulePack"] = pack.clone();
    let e = error(&v.to_string());
    assert_eq!(e["code"], "INVALID_RULE_PACK");
    assert_eq!(e["issues"][0]["path"], "rulePack.status");
    pack["status"] = json!("provisional");
    v["rulePack"] = pack;
    let f = one(&eval(&v), "RULE_PACK_PROVISIONAL", "warning", "rulePack");
    assert_eq!(f["message"], "the rule pack is provisional: rates not final");
    assert_eq!(f["source"], "contract draft 3.1, section 4");
}

// ---------------------------------------------------------------- payers and places (issue 13)

#[test]
fn a_locality_prices_with_its_gpcis_and_explicit_numbers_win() {
    let mut v = entries(base(), vec![rn("a", 3, 25), rn("b", 4, 20)]);
    v["payment"] = json!({ "locality": "01182-18" }); // Los Angeles: 1.042, 1.194, 0.690
    let e = eval(&v);
    assert_eq!((cents(&e["lines"][0]["allowed"]), cents(&e["lines"][1]["allowed"])), (7271, 5582));
    assert_eq!((cents(&e["payment"]["allowed"]), cents(&e["payment"]["coinsurance"])), (12853, 1454 + 1116));
    assert_eq!(e["payment"]["locality"], "01182-18");
    let f = one(&e, "LOCALITY_GPCI", "info", "payment.locality");
    assert!(f["message"].as_str().unwrap().contains("work 1.042, PE 1.194, MP 0.69"), "{f}");
    // CY2026 has no GPCI table of its own: CY2025's stands in, and the answer says so.
    assert!(one(&e, "GPCI_STAND_IN", "warning", "payment.locality")["message"].as_str().unwrap().contains("CY2025"));
    v["payment"]["gpci"] = json!({ "pe": 1.0 });
    assert_eq!(cents(&eval(&v)["lines"][0]["allowed"]), 6681, "explicit PE GPCI wins, work and MP from the locality");
    // 2025 has its own table: no stand-in warning. 1.87 RVUs at LA GPCIs × 32.3465 = 66.33.
    let mut v25 = in_year(entries(base(), vec![rn("a", 3, 25)]), "2025");
    v25["consent"]["version"] = json!("practice-ccm-v3");
    v25["consent"]["elements"] = json!(["availability", "costSharing", "rightToStop", "onePractitioner"]);
    v25["payment"] = json!({ "locality": "01182-18" });
    let e = eval(&v25);
    assert_eq!(cents(&e["lines"][0]["allowed"]), 6633);
    assert!(found(&e, "GPCI_STAND_IN").is_empty());
    // Without a locality the output has no locality field (v1 unchanged).
    assert!(eval(&base())["payment"].get("locality").is_none());
}

#[test]
fn a_bad_locality_is_invalid_input_never_a_national_default() {
    for (loc, why) in [("99999-99", "is not a locality"), ("CA", "expected a Medicare locality"), ("01182-1", "expected a Medicare locality")] {
        let mut v = base();
        v["payment"] = json!({ "locality": loc });
        let e = error(&v.to_string());
        assert_eq!(e["code"], "INVALID_INPUT", "{loc}");
        assert_eq!(e["issues"][0]["path"], "payment.locality", "{loc}");
        assert!(e["issues"][0]["message"].as_str().unwrap().contains(why), "{loc}: {e}");
    }
    // A custom pack without a GPCI table cannot price a locality.
    let mut pack: Value = serde_json::from_str(&api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    pack.as_object_mut().unwrap().remove("gpci");
    let mut v = base();
    v["rulePack"] = pack;
    v["payment"] = json!({ "locality": "01182-18" });
    assert!(error(&v.to_string())["issues"][0]["message"].as_str().unwrap().contains("no GPCI table"));
    // The what-if door too.
    let out: Value = serde_json::from_str(&api::what_if_json(r#"{"patients":10,"payment":{"locality":"99999-99"},"bands":[{"track":"staff","minutes":45,"share":1}]}"#)).unwrap();
    assert_eq!(out["ok"], false);
    assert_eq!(out["error"]["issues"][0]["path"], "payment.locality");
}

#[test]
fn rhc_and_fqhc_are_paid_the_national_non_facility_amount() {
    for setting in ["rhc", "fqhc"] {
        let mut v = base();
        v["payment"] = json!({ "setting": setting, "locality": "01182-18", "gpci": { "work": 1.5 } });
        let e = eval(&v);
        assert_eq!(e["status"], "billable");
        assert_eq!(cents(&e["lines"][0]["allowed"]), 6613, "{setting}: national non-facility, no GPCI");
        assert_eq!(e["payment"]["setting"], setting);
        let f = one(&e, "RHC_FQHC_NATIONAL_RATE", "info", "payment.setting");
        assert!(f["message"].as_str().unwrap().contains("405.2464(c)"));
        assert!(found(&e, "LOCALITY_GPCI").is_empty() && found(&e, "RHC_FQHC_G0511_PERIOD").is_empty());
    }
    // Before October 2025, G0511 applied: said plainly, with its amount and source.
    let mut v = in_year(base(), "2025");
    v["consent"]["version"] = json!("practice-ccm-v3");
    v["consent"]["elements"] = json!(["availability", "costSharing", "rightToStop", "onePractitioner"]);
    v["payment"] = json!({ "setting": "rhc" });
    let e = eval(&v);
    let f = one(&e, "RHC_FQHC_G0511_PERIOD", "warning", "serviceMonth");
    assert!(f["message"].as_str().unwrap().contains("G0511") && f["message"].as_str().unwrap().contains("54.67"), "{f}");
    assert_eq!(cents(&e["lines"][0]["allowed"]), 6049, "2025 national non-facility 99490");
    let mut v = with(v, "/serviceMonth", json!("2025-10"));
    v["timeEntries"] = json!([entry("a", "s-1", "rn", "2025-10-03T10:00:00-05:00", "2025-10-03T10:25:00-05:00")]);
    v["carePlan"]["lastReviewed"] = json!("2025-10-02");
    assert!(found(&eval(&v), "RHC_FQHC_G0511_PERIOD").is_empty());
}

#[test]
fn a_qmb_patient_owes_no_coinsurance() {
    let mut v = entries(base(), vec![rn("a", 3, 25), rn("b", 4, 20)]);
    v["patient"]["qmb"] = json!(true);
    let e = eval(&v);
    assert_eq!(cents(&e["payment"]["allowed"]), 6613 + 5044);
    assert_eq!((cents(&e["payment"]["coinsurance"]), cents(&e["lines"][0]["coinsurance"]), cents(&e["lines"][1]["coinsurance"])), (0, 0, 0));
    one(&e, "QMB_NO_COINSURANCE", "info", "patient.qmb");
    v["patient"]["qmb"] = json!("yes");
    assert_eq!(error(&v.to_string())["issues"][0]["path"], "patient.qmb");
}

fn example_pack() -> Value {
    serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/packs/examples/example-medicare-advantage-2026.json")).unwrap()).unwrap()
}

#[test]
fn a_payer_pack_prices_by_contract_and_marks_codes_not_covered() {
    let mut v = entries(base(), vec![rn("a", 3, 25), rn("b", 4, 20)]);
    v["rulePack"] = example_pack();
    let e = eval(&v);
    assert_eq!(e["rulePack"]["id"], "example-ma-plan-2026");
    assert_eq!(lines(&e), l(&[("99490", 1), ("99439", 1)]));
    assert_eq!((cents(&e["lines"][0]["allowed"]), cents(&e["lines"][1]["allowed"])), (5800, 4400));
    assert_eq!(cents(&e["payment"]["coinsurance"]), 0, "the contract charges no coinsurance");
    // 99437 is not covered (warning): the practitioner track bills 99491 and 99437 at 0.
    let mut v = entries(base(), vec![doc("a", 3, 30), doc("b", 4, 30)]);
    v["rulePack"] = example_pack();
    v["track"] = json!("practitioner");
    let e = eval(&v);
    assert_eq!(lines(&e), l(&[("99491", 1), ("99437", 1)]));
    assert_eq!((cents(&e["lines"][0]["allowed"]), cents(&e["lines"][1]["allowed"])), (8000, 0));
    let f = one(&e, "CODE_NOT_COVERED_BY_PAYER", "warning", "rulePack");
    assert!(f["message"].as_str().unwrap().contains("99437"));
    // A payer that denies CCM outright: an error blocks the month.
    let mut pack = example_pack();
    for c in pack["codes"].as_array_mut().unwrap() {
        c["covered"] = json!(false);
        c["notCoveredSeverity"] = json!("error");
    }
    let mut v = entries(base(), vec![rn("a", 3, 25)]);
    v["rulePack"] = pack;
    let e = eval(&v);
    assert_eq!(e["status"], "blocked");
    one(&e, "CODE_NOT_COVERED_BY_PAYER", "error", "rulePack");
}

#[test]
fn bad_contract_prices_are_invalid_rule_packs() {
    for (bad, msg) in [(json!(-1), "from 0"), (json!("58"), "a number")] {
        let mut pack = example_pack();
        pack["codes"][0]["contractAmount"] = bad;
        let mut v = base();
        v["rulePack"] = pack;
        let e = error(&v.to_string());
        assert_eq!(e["code"], "INVALID_RULE_PACK");
        assert_eq!(e["issues"][0]["path"], "rulePack.codes[0].contractAmount");
        assert!(e["issues"][0]["message"].as_str().unwrap().contains(msg));
    }
    let mut pack = example_pack();
    pack["codes"][1]["notCoveredSeverity"] = json!("info");
    pack["codes"][1]["covered"] = json!(false);
    let mut v = base();
    v["rulePack"] = pack;
    assert_eq!(error(&v.to_string())["issues"][0]["path"], "rulePack.codes[1].notCoveredSeverity");
}

/// `ccm_engine::parse` refuses what the JSON door refuses, in the same words (issue 17.4).
#[test]
fn parse_and_the_json_door_say_the_same() {
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(3 * 1024 * 1024));
    for text in ["{", "{\"a\":1,}", "7", "[]", "null", "\"month\"", big.as_str()] {
        let door: Value = serde_json::from_str(&api::evaluate_json(text)).unwrap();
        let err = ccm_engine::parse(text).err().unwrap_or_else(|| panic!("{text:.20} parsed"));
        assert_eq!(serde_json::to_value(&err).unwrap(), door["error"], "{text:.20}");
    }
}

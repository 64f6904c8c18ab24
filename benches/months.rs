//! The benchmark months, as JSON values: deterministic, so every run measures the same work.
//!
//! - `typical()`: 10 entries, the shape of a real staff-track month (three people, one of them
//!   the billing practitioner, interval entries with narratives, one `date` + `minutes` entry).
//! - `sized(n)`: `n` entries spread over the month by eight people, a tenth of them other
//!   services, with overlaps between people and within a person: the heavy month is `sized(500)`,
//!   and the scaling curve uses `sized` from 10 to 2,000.
//! - `worst()`: everything at its contract bound (CONTRACT §2): 2,000 entries all crowded into
//!   the same few hours of two days (every entry overlaps many others, a third of them other
//!   services cutting CCM time), 100 conditions, 200 other services, long narratives.

use serde_json::{json, Value};

const BILLER: &str = "1234567890";

fn base(conditions: Vec<Value>, other: Vec<Value>, entries: Vec<Value>) -> Value {
    json!({
        "serviceMonth": "2026-03",
        "asOf": "2026-03-31",
        "payment": { "setting": "nonFacility", "gpci": { "work": 1.0, "pe": 1.0, "mp": 1.0 } },
        "billingPractitioner": { "id": BILLER, "credential": "MD", "groupId": "TIN-1" },
        "patient": { "ref": "bench-patient", "newPatient": false, "lastVisitDate": "2025-11-03" },
        "conditions": conditions,
        "consent": { "status": "accepted", "date": "2026-01-10", "method": "verbal", "version": "ccm-consent-en-2026.1",
                     "practitionerId": BILLER, "capturedBy": { "name": "Ana Ruiz", "role": "rn" } },
        "initiatingVisit": { "date": "2025-11-03", "type": "em", "practitionerId": BILLER },
        "carePlan": { "established": "2025-11-03", "electronic": true, "accessible24x7": true, "sharedWithPatient": true,
                      "signedBy": BILLER, "signedOn": "2025-11-04", "lastReviewed": "2026-03-02", "revisedOn": ["2026-03-02"] },
        "complexity": { "mdm": "moderate" },
        "supervisionAttested": true,
        "timeEntries": entries,
        "otherServices": other,
    })
}

const NARRATIVES: [&str; 4] = [
    "Reviewed home glucose log with the patient; adjusted the metformin schedule with the pharmacy.",
    "Coordinated a cardiology referral and sent the updated medication list to the specialist.",
    "Called the patient about blood pressure readings; reinforced the low-sodium diet plan.",
    "Reconciled medications after the hospital discharge summary arrived; updated the care plan.",
];

const PEOPLE: [(&str, &str, &str); 8] = [
    ("Ana Ruiz", "rn", "s-1"),
    ("Ben Ode", "ma", "s-2"),
    ("Dr. Kim", "billing_practitioner", BILLER),
    ("Cal Fry", "lpn", "s-3"),
    ("Dee Moss", "clinical_staff", "s-4"),
    ("Eve Lane", "rn", "s-5"),
    ("Fay Hunt", "other_practitioner", "s-6"),
    ("Gus Park", "ma", "s-7"),
];

fn at(day: u32, minute: u32) -> String {
    format!("2026-03-{:02}T{:02}:{:02}:00-05:00", day, minute / 60, minute % 60)
}

fn entry(i: usize, who: usize, day: u32, start: u32, len: u32, service: &str, narrative: &str) -> Value {
    let (name, role, id) = PEOPLE[who % PEOPLE.len()];
    let mut e = json!({
        "id": format!("t{i}"), "performer": { "name": name, "role": role, "id": id },
        "start": at(day, start), "end": at(day, start + len), "narrative": narrative,
    });
    if service != "ccm" {
        e["service"] = json!(service);
    }
    e
}

/// 10 entries: 47 staff minutes and 12 practitioner minutes; bills 99490 + 99439.
pub fn typical() -> Value {
    let mut entries: Vec<Value> = [(0, 2, 600, 12), (1, 4, 540, 8), (0, 6, 615, 9), (2, 9, 480, 12), (1, 11, 700, 5), (0, 16, 630, 7),
        (3, 18, 800, 6), (0, 23, 610, 10), (1, 25, 560, 4)]
        .iter()
        .enumerate()
        .map(|(i, &(who, day, start, len))| entry(i, who, day, start, len, "ccm", NARRATIVES[i % 4]))
        .collect();
    entries.push(json!({ "id": "t9", "performer": { "name": "Ben Ode", "role": "ma", "id": "s-2" }, "date": "2026-03-27", "minutes": 6,
                         "narrative": "Mailed the updated care plan and confirmed receipt with the patient by phone." }));
    base(
        vec![json!({ "code": "E11.9" }), json!({ "code": "I10" }), json!({ "code": "E78.5" })],
        vec![json!({ "code": "99213", "date": "2026-03-02", "practitionerId": BILLER, "groupId": "TIN-1" })],
        entries,
    )
}

/// `typical()` deciding CCM, PCM and APCM (CONTRACT §10): a PCM focus, a disease-specific plan,
/// APCM attested.
pub fn typical_programs() -> Value {
    let mut m = typical();
    m["programs"] = json!(["ccm", "pcm", "apcm"]);
    m["conditions"][0]["pcmFocus"] = json!(true);
    m["carePlan"]["diseaseSpecific"] = json!(true);
    m["apcm"] = json!({ "responsibleForPrimaryCare": true, "elementsAttested": ["access24x7", "continuity", "alternativeCareDelivery",
        "comprehensiveCareManagement", "carePlan", "careTransitions", "careCoordination", "enhancedCommunication",
        "populationManagement", "performanceMeasurement"] });
    m
}

/// `n` entries spread over the month by eight people: overlaps between and within people, a
/// tenth of them other services.
pub fn sized(n: usize) -> Value {
    let entries = (0..n)
        .map(|i| {
            let day = 1 + (i * 7 % 31) as u32;
            let start = 420 + ((i * 37) % 600) as u32;
            let len = 5 + (i * 13 % 25) as u32;
            let service = if i % 10 == 9 { ["tcm", "rpm", "bhi"][i % 3] } else { "ccm" };
            entry(i, i % 8, day, start, len, service, NARRATIVES[i % 4])
        })
        .collect();
    base(
        vec![json!({ "code": "E11.9" }), json!({ "code": "I10" }), json!({ "code": "J44.9" }), json!({ "code": "I50.9" })],
        vec![json!({ "code": "99213", "date": "2026-03-02" }), json!({ "code": "99457", "date": "2026-03-09" })],
        entries,
    )
}

/// Every bound of CONTRACT §2 at once, with as much overlap as the entries can have.
pub fn worst() -> Value {
    let long = "Reviewed the patient's full medication list, home readings and recent specialist notes; \
                coordinated changes with the pharmacy and the cardiology office; updated the shared care plan \
                and confirmed the next steps with the patient and the caregiver by telephone."
        .repeat(2);
    let entries = (0..2000)
        .map(|i| {
            let day = 10 + (i % 2) as u32;
            let start = 480 + ((i * 7) % 240) as u32;
            let len = 10 + (i % 50) as u32;
            let service = if i % 3 == 2 { ["tcm", "rpm", "bhi", "pcm"][i % 4] } else { "ccm" };
            let mut e = entry(i, i % 8, day, start, len, service, &long);
            // Identities by id, by name only, and none: the three identity paths of §6.4.
            match i % 5 {
                3 => {
                    e["performer"] = json!({ "name": format!("Temp {}", i % 40), "role": "rn" });
                }
                4 => {
                    e["performer"] = json!({ "role": "clinical_staff" });
                }
                _ => {}
            }
            e
        })
        .collect();
    let codes = ["E11.9", "I10", "E78.5", "J44.9", "I50.9", "F32.9", "N18.30", "I48.91", "G30.9", "M17.11"];
    let conditions = (0..100).map(|i| json!({ "code": codes[i % codes.len()], "chronic": true })).collect();
    let other_codes = ["99213", "99495", "99457", "99214", "G0181", "99426", "90960", "G0556"];
    let other = (0..200)
        .map(|i| json!({ "code": other_codes[i % other_codes.len()], "date": format!("2026-03-{:02}", 1 + i % 28),
                         "practitionerId": if i % 2 == 0 { BILLER } else { "9999999999" }, "groupId": "TIN-2" }))
        .collect();
    base(conditions, other, entries)
}

//! The FHIR adapter and the claim builder (issue 15): what each FHIR element becomes, the
//! problems with their FHIR paths, the sources, the bounds, and the claim lines to the cent.
//! (Validation of the test Bundles and of the output Claim by a FHIR implementation, medplum, is
//! tests/js/fhir.test.mjs.)
#![cfg(feature = "fhir")]

mod common;

use ccm_engine::fhir::{self, claim::claim_json};
use serde_json::{json, Value};

fn bundle() -> Value {
    serde_json::from_str(&std::fs::read_to_string(common::root().join("tests/data/fhir/month-bundle.json")).unwrap()).unwrap()
}

fn options() -> Value {
    serde_json::from_str(&std::fs::read_to_string(common::root().join("tests/data/fhir/options.json")).unwrap()).unwrap()
}

fn map(b: &Value, o: &Value) -> Value {
    serde_json::from_str(&fhir::from_fhir_json(&b.to_string(), &o.to_string())).unwrap()
}

fn ok(b: &Value, o: &Value) -> Value {
    let r = map(b, o);
    assert_eq!(r["ok"], true, "{r:#}");
    r
}

/// The entry of the Bundle whose resource has this id.
fn entry<'a>(b: &'a mut Value, id: &str) -> &'a mut Value {
    b["entry"].as_array_mut().unwrap().iter_mut().map(|e| &mut e["resource"]).find(|r| r["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

fn push(b: &mut Value, resource: Value) {
    b["entry"].as_array_mut().unwrap().push(json!({ "resource": resource }));
}

/// (severity, path) of each problem whose message contains `text`.
fn problems(r: &Value, text: &str) -> Vec<(String, String)> {
    r["problems"].as_array().unwrap().iter()
        .filter(|p| p["message"].as_str().unwrap().contains(text))
        .map(|p| (p["severity"].as_str().unwrap().to_string(), p["path"].as_str().unwrap().to_string()))
        .collect()
}

fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap() * 100.0).round() as i64
}

#[test]
fn the_example_bundle_maps_to_a_billable_month_with_its_sources() {
    let r = ok(&bundle(), &options());
    let m = &r["month"];
    assert_eq!(r["problems"], json!([]));
    assert_eq!(m["patient"], json!({ "ref": "Patient/p1", "lastVisitDate": "2025-11-03" }));
    assert_eq!(m["conditions"], json!([{ "code": "E11.9" }, { "code": "I10" }]));
    assert_eq!(m["consent"], json!({ "status": "accepted", "date": "2025-11-03", "method": "verbal", "version": "ccm-consent-en-2026.1", "practitionerId": "1234567893" }));
    assert_eq!(m["initiatingVisit"], json!({ "date": "2025-11-03", "type": "em", "practitionerId": "1234567893" }));
    assert_eq!(m["carePlan"]["signedBy"], "1234567893");
    assert_eq!(m["carePlan"]["revisedOn"], json!(["2026-03-02"]), "meta.lastUpdated is a revision");
    let roles: Vec<&str> = m["timeEntries"].as_array().unwrap().iter().map(|t| t["performer"]["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["rn", "billing_practitioner", "rn"], "NUCC 163W00000X is an RN; the NPI is the billing practitioner");
    assert_eq!(m["otherServices"], json!([{ "code": "99213", "date": "2026-03-02", "practitionerId": "1234567893" }]));
    let s = &r["sources"];
    assert_eq!((s["conditions[1]"].as_str(), s["timeEntries[2]"].as_str(), s["otherServices[0]"].as_str()), (Some("Condition/c2"), Some("Task/task1"), Some("Claim/claim-visit#item[0]")));
    assert_eq!((s["serviceMonth"].as_str(), s["supervisionAttested"].as_str()), (Some("options"), Some("options")));
    // Evaluated: the CLI's answer for the mapped month, with the mapping beside it.
    let e: Value = serde_json::from_str(&fhir::evaluate_fhir_json(&bundle().to_string(), &options().to_string())).unwrap();
    assert_eq!(e["evaluation"]["status"], "billable");
    assert_eq!(cents(&e["evaluation"]["payment"]["allowed"]), 11657);
    assert_eq!(e["fhir"]["month"], r["month"]);
    let direct = ccm_engine::evaluate_json(&r["month"].to_string());
    let with: Value = serde_json::from_str(&direct).unwrap();
    assert_eq!(e["evaluation"], with["evaluation"]);
}

#[test]
fn a_bundle_of_the_wrong_shape_or_size_is_refused_with_paths() {
    let code = |b: &str, o: &Value| -> (String, Vec<String>) {
        let r: Value = serde_json::from_str(&fhir::from_fhir_json(b, &o.to_string())).unwrap();
        (r["error"]["code"].as_str().unwrap().to_string(), r["error"]["issues"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap().to_string()).collect())
    };
    assert_eq!(code(r#"{"resourceType":"Patient"}"#, &options()), ("INVALID_INPUT".into(), vec!["Bundle.resourceType".into()]));
    assert_eq!(code(r#"{"resourceType":"Bundle","type":"document","entry":{}}"#, &options()).1, ["Bundle.type", "Bundle.entry"]);
    assert_eq!(code(r#"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"id":"x"}}]}"#, &options()).1, ["Bundle.entry[0].resource.resourceType"]);
    assert_eq!(code("{", &options()).0, "INVALID_JSON");
    // Refused by size before any parsing (a 50 MB Bundle is never read).
    let big = format!("{{\"resourceType\":\"Bundle\",\"pad\":\"{}\"}}", "x".repeat(fhir::MAX_BUNDLE_BYTES));
    assert_eq!(code(&big, &options()).0, "INPUT_TOO_LARGE");
    let many = json!({ "resourceType": "Bundle", "type": "collection", "entry": vec![json!({}); fhir::MAX_ENTRIES + 1] });
    assert_eq!(code(&many.to_string(), &options()).1, ["Bundle.entry"]);
    // Options: every problem at once.
    let bad = json!({ "serviceMonth": "2026-13", "asOf": 7, "timeCodes": [{ "system": "s", "code": "c", "service": "x" }] });
    assert_eq!(code(&bundle().to_string(), &bad).1, ["options.serviceMonth", "options.billingPractitioner.id", "options.asOf", "options.timeCodes[0].service"]);
    // A bad Bundle and bad options: both parts' problems in one answer, the Bundle's first, the
    // worst problem naming the code; the contract's shape with `ok` first (CONTRACT §4).
    let text = fhir::from_fhir_json(r#"{"resourceType":"Patient"}"#, "{");
    assert!(text.starts_with(r#"{"ok":false,"error":{"code":"INVALID_JSON","message":"the Bundle is not what this adapter reads; the options are not valid JSON","issues":[{"path":"Bundle.resourceType","#), "{text}");
    assert_eq!(code(r#"{"resourceType":"Patient"}"#, &bad).1, ["Bundle.resourceType", "options.serviceMonth", "options.billingPractitioner.id", "options.asOf", "options.timeCodes[0].service"]);
    assert!(fhir::from_fhir_json(&bundle().to_string(), &options().to_string()).starts_with(r#"{"ok":true,"month":{"#));
}

#[test]
fn conditions_need_an_active_icd10cm_coding() {
    let mut b = bundle();
    entry(&mut b, "c2")["code"]["coding"].as_array_mut().unwrap().remove(0); // SNOMED only
    push(&mut b, json!({ "resourceType": "Condition", "id": "c3", "subject": { "reference": "Patient/p1" },
        "clinicalStatus": { "coding": [{ "code": "resolved" }] }, "code": { "coding": [{ "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "J44.9" }] } }));
    push(&mut b, json!({ "resourceType": "Condition", "id": "c4", "subject": { "reference": "Patient/p1" },
        "extension": [{ "url": "http://ccm-engine.example/fhir/StructureDefinition/condition-pcm-focus", "valueBoolean": true }],
        "code": { "coding": [{ "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "I50.22" }] } }));
    let r = ok(&b, &options());
    assert_eq!(r["month"]["conditions"], json!([{ "code": "E11.9" }, { "code": "I50.22", "pcmFocus": true }]));
    assert_eq!(problems(&r, "no ICD-10-CM coding"), [("warning".to_string(), "Bundle.entry[5].resource.code.coding".to_string())]);
    assert_eq!(problems(&r, "not active"), [("info".to_string(), "Bundle.entry[13].resource.clinicalStatus".to_string())]);
    assert_eq!(r["sources"]["conditions[1]"], "Condition/c4");
}

#[test]
fn time_comes_from_procedures_tasks_and_encounters() {
    let mut b = bundle();
    // An Encounter with a length (no end time) → a date and minutes; a PCM-coded Procedure → pcm time.
    push(&mut b, json!({ "resourceType": "Encounter", "id": "call", "status": "finished", "subject": { "reference": "Patient/p1" },
        "class": { "code": "VR" }, "type": [{ "coding": [{ "system": "http://www.ama-assn.org/go/cpt", "code": "99490" }] }],
        "period": { "start": "2026-03-20" }, "length": { "value": 9, "unit": "min" },
        "participant": [{ "individual": { "reference": "PractitionerRole/rn-ana-role" } }] }));
    push(&mut b, json!({ "resourceType": "Procedure", "id": "pcm1", "status": "completed", "subject": { "reference": "Patient/p1" },
        "code": { "coding": [{ "system": "http://www.ama-assn.org/go/cpt", "code": "99426" }] },
        "performedPeriod": { "start": "2026-03-21T10:00:00-05:00", "end": "2026-03-21T10:05:00-05:00" },
        "performer": [{ "actor": { "reference": "PractitionerRole/rn-ana-role" } }] }));
    // Not done, and without an end: left out, each with why.
    entry(&mut b, "t2")["status"] = json!("not-done");
    entry(&mut b, "task1")["executionPeriod"] = json!({ "start": "2026-03-18T14:00:00-05:00" });
    let r = ok(&b, &options());
    let t = r["month"]["timeEntries"].as_array().unwrap();
    assert_eq!(t.len(), 3);
    assert_eq!((t[1]["date"].as_str(), t[1]["minutes"].as_i64(), t[1]["id"].as_str()), (Some("2026-03-20"), Some(9), Some("Encounter/call")));
    assert_eq!(t[2]["service"], "pcm");
    assert_eq!(problems(&r, "not done"), [("info".to_string(), "Bundle.entry[10].resource.status".to_string())]);
    assert_eq!(problems(&r, "no start and end"), [("warning".to_string(), "Bundle.entry[11].resource.executionPeriod".to_string())]);
}

#[test]
fn performers_without_a_mapped_role_and_custom_codes() {
    let mut b = bundle();
    entry(&mut b, "rn-ana-role")["code"] = json!([{ "coding": [{ "system": "http://example.org/roles", "code": "care-coordinator" }] }]);
    let r = ok(&b, &options());
    let t = &r["month"]["timeEntries"];
    assert!(t[0]["performer"].get("role").is_none());
    assert_eq!(problems(&r, "role is not one").len(), 2);
    // The practice's own code, given in the options, maps it.
    let mut o = options();
    o["roleCodes"] = json!([{ "system": "http://example.org/roles", "code": "care-coordinator", "role": "clinical_staff" }]);
    let r = ok(&b, &o);
    assert_eq!(r["month"]["timeEntries"][0]["performer"]["role"], "clinical_staff");
    // So does a time code: a practice that logs CCM time as its own code.
    let mut b = bundle();
    entry(&mut b, "t1")["code"] = json!({ "coding": [{ "system": "http://example.org/codes", "code": "ccm-call" }] });
    assert_eq!(ok(&b, &options())["month"]["timeEntries"].as_array().unwrap().len(), 2);
    let mut o = options();
    o["timeCodes"] = json!([{ "system": "http://example.org/codes", "code": "ccm-call", "service": "ccm" }]);
    assert_eq!(ok(&b, &o)["month"]["timeEntries"].as_array().unwrap().len(), 3);
}

#[test]
fn one_patient_per_bundle() {
    let mut b = bundle();
    push(&mut b, json!({ "resourceType": "Patient", "id": "p2" }));
    push(&mut b, json!({ "resourceType": "Condition", "id": "c9", "subject": { "reference": "Patient/p2" },
        "code": { "coding": [{ "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "J44.9" }] } }));
    let r = ok(&b, &options());
    assert_eq!(problems(&r, "more than one Patient"), [("error".to_string(), "Bundle.entry[13].resource".to_string())]);
    assert_eq!(problems(&r, "another patient"), [("warning".to_string(), "Bundle.entry[14].resource.subject".to_string())]);
    assert_eq!(r["month"]["conditions"].as_array().unwrap().len(), 2);
}

#[test]
fn consent_status_and_revocation() {
    let mut b = bundle();
    let c = entry(&mut b, "ccm-consent");
    c["status"] = json!("inactive");
    c["provision"]["period"] = json!({ "start": "2025-11-03", "end": "2026-03-15" });
    let r = ok(&b, &options());
    assert_eq!((r["month"]["consent"]["status"].as_str(), r["month"]["consent"]["revokedOn"].as_str()), (Some("revoked"), Some("2026-03-15")));
    let mut b = bundle();
    entry(&mut b, "ccm-consent")["status"] = json!("rejected");
    assert_eq!(ok(&b, &options())["month"]["consent"]["status"], "declined");
    // An untagged consent is read only when it is the only one.
    let mut b = bundle();
    entry(&mut b, "ccm-consent")["category"] = json!([]);
    let r = ok(&b, &options());
    assert_eq!(r["month"]["consent"]["status"], "accepted");
    assert_eq!(problems(&r, "only Consent").len(), 1);
}

#[test]
fn a_transaction_bundle_resolves_urn_references() {
    let mut b = bundle();
    b["type"] = json!("transaction");
    for e in b["entry"].as_array_mut().unwrap() {
        e["request"] = json!({ "method": "POST", "url": e["resource"]["resourceType"] });
    }
    // References by fullUrl instead of Type/id.
    entry(&mut b, "t1")["performer"][0]["actor"]["reference"] = json!("urn:uuid:practitionerrole-rn-ana-role");
    let r = ok(&b, &options());
    assert_eq!(r["month"]["timeEntries"][0]["performer"]["role"], "rn");
}

#[test]
fn resources_without_an_id_are_named_by_their_full_url() {
    // A transaction as an EHR posts it: no ids, urn:uuid fullUrls. The patient, the sources, the
    // time entries' ids and the claim's patient are the fullUrls, which the Bundle resolves.
    let text = std::fs::read_to_string(common::root().join("tests/data/fhir/transaction.json")).unwrap();
    let b: Value = serde_json::from_str(&text).unwrap();
    let r = ok(&b, &options());
    let patient = b["entry"][0]["fullUrl"].as_str().unwrap();
    assert!(patient.starts_with("urn:uuid:") && b["entry"][0]["resource"]["id"].is_null());
    assert_eq!(r["month"]["patient"]["ref"], patient);
    assert_eq!(r["sources"]["patient"], patient);
    let urls: Vec<&str> = b["entry"].as_array().unwrap().iter().filter_map(|e| e["fullUrl"].as_str()).collect();
    for t in r["month"]["timeEntries"].as_array().unwrap() {
        assert!(urls.contains(&t["id"].as_str().unwrap()), "{t}");
    }
    let c = claim(&r["month"], &context());
    assert_eq!(c["claim"]["patient"]["reference"], patient);
}

#[test]
fn unread_time_and_encounter_reasons() {
    let mut b = bundle();
    // A completed Procedure of the month with a local code: said (info), not dropped in silence.
    push(&mut b, json!({ "resourceType": "Procedure", "id": "local", "status": "completed", "subject": { "reference": "Patient/p1" },
        "code": { "coding": [{ "system": "http://example.org/local", "code": "CC-30" }] },
        "performedPeriod": { "start": "2026-03-20T10:00:00Z", "end": "2026-03-20T10:30:00Z" } }));
    // An Encounter's reasonCode text is its narrative (R4 Encounter has no note).
    push(&mut b, json!({ "resourceType": "Encounter", "id": "call", "status": "finished", "subject": { "reference": "Patient/p1" },
        "class": { "code": "VR" }, "type": [{ "coding": [{ "system": "http://www.ama-assn.org/go/cpt", "code": "99490" }] }],
        "period": { "start": "2026-03-21T10:00:00Z", "end": "2026-03-21T10:10:00Z" },
        "reasonCode": [{ "text": "Call about the home blood pressure log" }] }));
    let r = ok(&b, &options());
    let n = b["entry"].as_array().unwrap().len();
    assert_eq!(problems(&r, "no map names as care-management time"), [("info".to_string(), format!("Bundle.entry[{}].resource.code", n - 2))]);
    let call = r["month"]["timeEntries"].as_array().unwrap().iter().find(|t| t["id"] == "Encounter/call").unwrap();
    assert_eq!(call["narrative"], "Call about the home blood pressure log");
}

fn context() -> Value {
    json!({ "charges": { "99490": 95.0, "99439": 75.0 }, "renderingProvider": { "npi": "1987654323" }, "claimId": "c-1" })
}

fn mapped_month() -> Value {
    ok(&bundle(), &options())["month"].clone()
}

fn claim(month: &Value, ctx: &Value) -> Value {
    serde_json::from_str(&claim_json(&month.to_string(), &ctx.to_string())).unwrap()
}

#[test]
fn claim_lines_of_a_billable_month() {
    let c = claim(&mapped_month(), &context());
    assert_eq!((c["ok"].as_bool(), c["ready"].as_bool(), c["status"].as_str()), (Some(true), Some(true), Some("billable")));
    assert_eq!(c["diagnoses"], json!(["E119", "I10"]));
    assert_eq!(c["lines"], json!([
        { "line": 1, "code": "99490", "units": 1, "charge": 95.0, "unitCharge": 95.0, "diagnosisPointers": [1, 2], "placeOfService": "11",
          "dateOfService": { "from": "2026-03-31", "to": "2026-03-31" }, "renderingNpi": "1987654323" },
        { "line": 2, "code": "99439", "units": 1, "charge": 75.0, "unitCharge": 75.0, "diagnosisPointers": [1, 2], "placeOfService": "11",
          "dateOfService": { "from": "2026-03-31", "to": "2026-03-31" }, "renderingNpi": "1987654323" }]));
    assert_eq!(cents(&c["totalCharge"]), 17000);
    let r = &c["claim"];
    assert_eq!((r["resourceType"].as_str(), r["id"].as_str(), r["use"].as_str()), (Some("Claim"), Some("c-1"), Some("claim")));
    assert_eq!(r["provider"]["identifier"], json!({ "system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893" }));
    assert_eq!(r["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0], json!({ "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E11.9" }));
    assert_eq!(r["item"][1]["productOrService"]["coding"][0]["code"], "99439");
    assert_eq!((r["item"][0]["servicedDate"].as_str(), cents(&r["total"]["value"])), (Some("2026-03-31"), 17000));
    assert_eq!(c["denialRisks"], json!([]));
    // The diagnosis order the practice wants.
    let mut ctx = context();
    ctx["diagnosisOrder"] = json!(["I10"]);
    assert_eq!(claim(&mapped_month(), &ctx)["diagnoses"], json!(["I10", "E119"]));
}

#[test]
fn a_blocked_month_has_no_lines_and_says_how_it_would_be_denied() {
    let mut m = mapped_month();
    m["otherServices"] = json!([{ "code": "99424", "date": "2026-03-10", "practitionerId": "1234567893" }]);
    let c = claim(&m, &context());
    assert_eq!((c["status"].as_str(), c["ready"].as_bool(), c["claim"].is_null()), (Some("blocked"), Some(false), true));
    assert_eq!(c["lines"], json!([]));
    assert_eq!(c["denialRisks"][0]["finding"], "PCM_SAME_MONTH");
    assert_eq!(c["denialRisks"][0]["carc"], "CO-97");
    // The month already billed by the same practitioner: a second claim would be a duplicate.
    let mut m = mapped_month();
    m["otherServices"] = json!([{ "code": "99490", "date": "2026-03-31", "practitionerId": "1234567893" }]);
    let c = claim(&m, &context());
    assert_eq!(c["denialRisks"][0]["carc"], "CO-18");
}

#[test]
fn the_date_of_service_is_the_packs_convention_and_a_claim_waits_for_month_end() {
    // Mid-month, month-end dating: not ready yet.
    let mut m = mapped_month();
    m["asOf"] = json!("2026-03-20");
    let c = claim(&m, &context());
    assert_eq!(c["ready"], false);
    assert!(c["notes"][0].as_str().unwrap().contains("not over"));
    // A pack that dates lines the day their threshold was met.
    let mut pack: Value = serde_json::from_str(&ccm_engine::api::rule_pack_json("medicare-cy2026").unwrap()).unwrap();
    pack["claims"]["dateOfService"] = json!("thresholdMet");
    m["rulePack"] = pack;
    let c = claim(&m, &context());
    assert_eq!(c["lines"][0]["dateOfService"], json!({ "from": "2026-03-04", "to": "2026-03-04" }));
    assert_eq!(c["lines"][1]["dateOfService"], json!({ "from": "2026-03-18", "to": "2026-03-18" }));
    assert_eq!(c["ready"], true);
}

#[test]
fn claim_context_problems_and_missing_charges() {
    let c = claim(&mapped_month(), &json!({ "charges": { "99490": -1 }, "placeOfService": "1", "program": "x" }));
    let paths: Vec<&str> = c["error"]["issues"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["context.placeOfService", "context.charges.99490", "context.program"]);
    let c = claim(&mapped_month(), &json!({ "charges": { "99490": 95 } }));
    assert_eq!((c["ready"].as_bool(), c["lines"][1]["charge"].as_f64()), (Some(false), Some(0.0)));
    assert!(c["notes"][0].as_str().unwrap().contains("99439"));
    // A month that cannot be evaluated answers the engine's own error.
    let c: Value = serde_json::from_str(&claim_json(r#"{"serviceMonth":"x"}"#, "{}")).unwrap();
    assert_eq!(c["error"]["code"], "INVALID_INPUT");
}

#[test]
fn the_recommended_programs_lines_are_claimed() {
    // One condition, PCM focus, 36 staff minutes: PCM 99426 is recommended and claimed.
    let mut m = mapped_month();
    m["conditions"] = json!([{ "code": "I50.22", "pcmFocus": true }]);
    m["carePlan"]["diseaseSpecific"] = json!(true);
    m["programs"] = json!(["ccm", "pcm"]);
    let c = claim(&m, &json!({ "charges": { "99426": 90 } }));
    assert_eq!((c["program"].as_str(), c["status"].as_str()), (Some("pcm"), Some("billable")));
    assert_eq!(c["lines"][0]["code"], "99426");
    assert_eq!(c["diagnoses"], json!(["I5022"]));
}

// ---- Bundles in a panel (issue 16): the options a Bundle gives by itself, and its month ----------

fn data(name: &str) -> String {
    std::fs::read_to_string(common::root().join("tests/data/fhir").join(name)).unwrap()
}

/// `deriveFhirOptions`' answer for a Bundle value: (options, sources).
fn derived(b: &Value) -> (Value, Value) {
    let r: Value = serde_json::from_str(&fhir::derive_options_json(&b.to_string())).unwrap();
    assert_eq!(r["ok"], true, "{r:#}");
    (r["options"].clone(), r["sources"].clone())
}

#[test]
fn the_test_bundles_say_their_month_and_billing_practitioner() {
    // (file, serviceMonth ← source, NPI ← source, credential)
    let cases = [
        ("month-bundle.json", "Task/task1", Some("CarePlan/plan1"), None),
        ("apcm-conflict.json", "Procedure/t1", Some("CarePlan/plan1"), None),
        ("partial.json", "Procedure/t1", None, None), // no CarePlan, no Consent, two Practitioners
        ("searchset.json", "Procedure/t2", Some("CarePlan/plan7"), None),
        ("time-kinds.json", "Encounter/t-enc-length", Some("CarePlan/plan1"), None),
        ("two-patients.json", "Procedure/t1", Some("CarePlan/plan1"), None),
        ("wrong-codings.json", "Task/task-ma", Some("CarePlan/plan1"), None),
        ("transaction.json", "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a0c", Some("urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a08"), Some("MD")),
    ];
    for (file, month_from, npi_from, credential) in cases {
        let d = fhir::derive_options(&data(file)).unwrap();
        assert_eq!(d.service_month.as_deref(), Some("2026-03"), "{file}");
        assert_eq!(d.sources["serviceMonth"], month_from, "{file}");
        assert_eq!(d.npi.as_deref(), npi_from.map(|_| "1234567893"), "{file}");
        assert_eq!(d.sources.get("billingPractitioner.id").and_then(Value::as_str), npi_from, "{file}");
        assert_eq!(d.credential.as_deref(), credential, "{file}");
    }
    let (o, s) = derived(&serde_json::from_str(&data("transaction.json")).unwrap());
    assert_eq!(o, json!({ "serviceMonth": "2026-03", "billingPractitioner": { "id": "1234567893", "credential": "MD" } }));
    assert_eq!(s["billingPractitioner.credential"], "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a02");
    // A Bundle the adapter cannot read says so, as the adapter would.
    let e = fhir::derive_options(&data("not-a-bundle.json")).unwrap_err();
    assert_eq!((e.code.as_str(), e.issues[0].path.as_str()), ("INVALID_INPUT", "Bundle.resourceType"));
    assert_eq!(fhir::derive_options("{").unwrap_err().code, "INVALID_JSON");
}

#[test]
fn the_service_month_is_the_latest_month_of_care_management_time() {
    let time = |id: &str, kind: &str, status: &str, system: &str, code: &str, start: &str| {
        let coding = json!([{ "coding": [{ "system": system, "code": code }] }]);
        match kind {
            "Task" => json!({ "resourceType": "Task", "id": id, "status": status, "code": coding[0], "executionPeriod": { "start": start } }),
            "Encounter" => json!({ "resourceType": "Encounter", "id": id, "status": status, "serviceType": coding[0], "period": { "start": start } }),
            _ => json!({ "resourceType": "Procedure", "id": id, "status": status, "code": coding[0], "performedDateTime": start }),
        }
    };
    let cpt = "http://www.ama-assn.org/go/cpt";
    let month = |extra: Vec<Value>| {
        let mut b = bundle();
        for r in extra {
            push(&mut b, r);
        }
        let d = fhir::derive_options(&b.to_string()).unwrap();
        (d.service_month.unwrap(), d.sources["serviceMonth"].as_str().unwrap().to_string())
    };
    assert_eq!(month(vec![]), ("2026-03".into(), "Task/task1".into()));
    // Later time of any service under the adapter's default codes: PCM by CPT, APCM by HCPCS (either system), an Encounter's serviceType.
    assert_eq!(month(vec![time("p", "Procedure", "completed", cpt, "99426", "2026-04-02")]).0, "2026-04");
    assert_eq!(month(vec![time("g", "Task", "in-progress", "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "G0557", "2026-05-01T09:00:00Z")]).0, "2026-05");
    assert_eq!(month(vec![time("e", "Encounter", "finished", "http://ccm-engine.example/fhir/CodeSystem/care-management-service", "rpm", "2026-06-30")]).0, "2026-06");
    // Not time: not done, a local code, a G code under CPT's system, a visit code, a date that is not a date, a time before.
    let not_time = vec![
        time("planned", "Task", "requested", cpt, "99490", "2026-07-01"),
        time("local", "Procedure", "completed", "http://example.org/local", "CC-30", "2026-07-01"),
        time("g-as-cpt", "Procedure", "completed", cpt, "G0557", "2026-07-01"),
        time("visit", "Encounter", "finished", cpt, "99214", "2026-07-01"),
        time("bad-date", "Procedure", "completed", cpt, "99490", "2026-02-30"),
        time("before", "Procedure", "completed", cpt, "99490", "2026-01-05"),
    ];
    assert_eq!(month(not_time), ("2026-03".into(), "Task/task1".into()));
    // A tie on the day goes to the first in Bundle order.
    assert_eq!(month(vec![time("same-day", "Procedure", "completed", cpt, "99439", "2026-03-18")]).1, "Task/task1");
}

#[test]
fn the_billing_practitioner_is_the_care_plan_author_then_the_consent_then_the_only_npi() {
    let npi = |b: &Value| {
        let d = fhir::derive_options(&b.to_string()).unwrap();
        (d.npi, d.sources.get("billingPractitioner.id").and_then(Value::as_str).map(str::to_string))
    };
    let mut b = bundle();
    assert_eq!(npi(&b), (Some("1234567893".into()), Some("CarePlan/plan1".into())));
    // The author through a PractitionerRole, or by an NPI identifier only.
    entry(&mut b, "plan1")["author"] = json!({ "reference": "PractitionerRole/rn-ana-role" });
    assert_eq!(npi(&b).0.as_deref(), Some("1987654323"));
    entry(&mut b, "plan1")["author"] = json!({ "identifier": { "system": "http://hl7.org/fhir/sid/us-npi", "value": "1111111111" } });
    assert_eq!(npi(&b).0.as_deref(), Some("1111111111"));
    // The CarePlan the adapter reads: an active one over a later draft.
    push(&mut b, json!({ "resourceType": "CarePlan", "id": "draft", "status": "draft", "intent": "plan", "created": "2026-03-20", "author": { "reference": "PractitionerRole/rn-ana-role" } }));
    assert_eq!(npi(&b), (Some("1111111111".into()), Some("CarePlan/plan1".into())));
    // No author: the Consent's practitioner (provision.actor, then performer).
    entry(&mut b, "plan1")["author"] = Value::Null;
    assert_eq!(npi(&b), (Some("1234567893".into()), Some("Consent/ccm-consent".into())));
    let c = entry(&mut b, "ccm-consent");
    c["provision"]["actor"] = json!([{ "reference": { "reference": "Patient/p1" } }]);
    c["performer"] = json!([{ "reference": "PractitionerRole/rn-ana-role" }]);
    assert_eq!(npi(&b).0.as_deref(), Some("1987654323"));
    // Neither: the Bundle's only Practitioner NPI, else none.
    entry(&mut b, "ccm-consent")["performer"] = json!([]);
    assert_eq!(npi(&b), (None, None), "two Practitioners with different NPIs");
    entry(&mut b, "rn-ana")["identifier"] = json!([{ "system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893" }]);
    assert_eq!(npi(&b), (Some("1234567893".into()), Some("Practitioner/dr-lee".into())));
}

#[test]
fn the_credential_is_a_v2_0360_qualification_the_contract_accepts() {
    let credential = |qualification: Value| {
        let mut b = bundle();
        entry(&mut b, "dr-lee")["qualification"] = qualification;
        let d = fhir::derive_options(&b.to_string()).unwrap();
        (d.credential, d.sources.get("billingPractitioner.credential").cloned())
    };
    let q = |system: &str, code: &str| json!({ "code": { "coding": [{ "system": system, "code": code }] } });
    let v2 = fhir::QUALIFICATION;
    assert_eq!(credential(json!([q(v2, "MD")])), (Some("MD".into()), Some(json!("Practitioner/dr-lee"))));
    assert_eq!(credential(json!([q(&format!("{v2}|2.7"), "D.O.")])).0.as_deref(), Some("DO"), "read as the engine reads credentials");
    assert_eq!(credential(json!([q(v2, "PhD"), q(v2, "np")])).0.as_deref(), Some("NP"), "the first one the contract accepts");
    assert_eq!(credential(json!([q(v2, "RN")])).0, None, "not a credential that bills");
    assert_eq!(credential(json!([q("http://example.org/degrees", "MD")])).0, None, "another code system");
    assert_eq!(credential(json!([q(&format!("{v2}-x"), "MD")])).0, None);
    for c in fhir::CREDENTIALS {
        assert_eq!(credential(json!([q(v2, c)])).0.as_deref(), Some(c));
    }
}

/// `panel_month` of a Bundle, evaluated: (the mapping answer, the Result).
fn panel(text: &str, as_of: &str) -> (Value, Value) {
    let r: Value = serde_json::from_str(&fhir::panel_month_json(text, as_of)).unwrap();
    let e: Value = if r["ok"] == true { serde_json::from_str(&ccm_engine::api::evaluate_json(&r["month"].to_string())).unwrap() } else { Value::Null };
    (r, e)
}

#[test]
fn a_panels_bundle_becomes_its_month_with_the_as_of_date() {
    let (r, e) = panel(&data("month-bundle.json"), "2026-03-31");
    let m = &r["month"];
    assert_eq!((m["serviceMonth"].as_str(), m["asOf"].as_str()), (Some("2026-03"), Some("2026-03-31")));
    assert_eq!(m["billingPractitioner"], json!({ "id": "1234567893" }));
    assert_eq!(r["sources"]["serviceMonth"], "Task/task1");
    assert_eq!(r["sources"]["billingPractitioner.id"], "CarePlan/plan1");
    assert_eq!(r["sources"]["asOf"], "options");
    assert!(r["sources"].get("billingPractitioner").is_none());
    // The month is the adapter's for the derived options: the same as from_fhir_json's.
    let mapped = ok(&bundle(), &json!({ "serviceMonth": "2026-03", "asOf": "2026-03-31", "billingPractitioner": { "id": "1234567893" } }));
    assert_eq!(*m, mapped["month"]);
    // Supervision is not in a Bundle (docs/fhir.md): blocked, what the time supports once fixed.
    let ev = &e["evaluation"];
    assert_eq!(ev["status"], "blocked");
    let supported: Vec<(String, i64, i64)> = ev["supportedLines"].as_array().unwrap().iter().map(|l| (l["code"].as_str().unwrap().to_string(), l["units"].as_i64().unwrap(), cents(&l["allowed"]))).collect();
    assert_eq!(supported, [("99490".to_string(), 1, 6613), ("99439".to_string(), 1, 5044)]);
    let errors: Vec<&str> = ev["findings"].as_array().unwrap().iter().filter(|f| f["severity"] == "error").map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(errors, ["SUPERVISION_NOT_ATTESTED"]);
    // Without an as-of date: no asOf (the engine's default, the month's end).
    let (r, _) = panel(&data("month-bundle.json"), "");
    assert!(r["month"].get("asOf").is_none());
    // The transaction's practitioner has a credential: MD, read without a finding; 99490 + 99439 × 2.
    let (r, e) = panel(&data("transaction.json"), "2026-03-31");
    assert_eq!(r["month"]["billingPractitioner"], json!({ "id": "1234567893", "credential": "MD" }));
    let ev = &e["evaluation"];
    assert!(ev["findings"].as_array().unwrap().iter().all(|f| !f["code"].as_str().unwrap().starts_with("PRACTITIONER_")), "{ev:#}");
    assert_eq!(cents(&ev["supportedLines"].as_array().unwrap().iter().map(|l| l["allowed"].as_f64().unwrap()).sum::<f64>().into()), 16701);
}

#[test]
fn a_bundle_that_does_not_say_its_month_or_practitioner_is_refused_by_the_months_paths() {
    let paths = |r: &Value| r["error"]["issues"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    // No care-management time: the as-of date's month; without one, refused.
    let mut b = bundle();
    b["entry"].as_array_mut().unwrap().retain(|e| !matches!(e["resource"]["resourceType"].as_str(), Some("Procedure" | "Task")));
    let (r, e) = panel(&b.to_string(), "2026-04-10");
    assert_eq!((r["month"]["serviceMonth"].as_str(), r["sources"]["serviceMonth"].as_str()), (Some("2026-04"), Some("options")));
    assert_eq!(e["evaluation"]["status"], "blocked");
    let (r, _) = panel(&b.to_string(), "");
    assert_eq!((r["ok"].as_bool(), r["error"]["code"].as_str()), (Some(false), Some("INVALID_INPUT")));
    assert_eq!(paths(&r), ["serviceMonth"]);
    // No practitioner: partial.json (no CarePlan, no Consent, two NPIs); an empty Bundle lacks both.
    let (r, _) = panel(&data("partial.json"), "2026-03-31");
    assert_eq!(paths(&r), ["billingPractitioner.id"]);
    let (r, _) = panel(r#"{"resourceType":"Bundle","type":"collection","entry":[]}"#, "");
    assert_eq!(paths(&r), ["serviceMonth", "billingPractitioner.id"]);
    assert_eq!(r["error"]["message"], "the Bundle does not say which month or billing practitioner it is for");
    let e = fhir::panel_month(&data("month-bundle.json"), Some("2026-13-01")).unwrap_err();
    assert_eq!((e.code.as_str(), e.issues[0].path.as_str()), ("INVALID_INPUT", "asOf"));
    // What the adapter refuses, it refuses here too, with its code and paths.
    for (text, code, path) in [
        (data("not-a-bundle.json"), "INVALID_INPUT", "Bundle.resourceType"),
        (r#"{"resourceType":"Bundle","type":"document"}"#.to_string(), "INVALID_INPUT", "Bundle.type"),
        ("{\"resourceType\": \"Bundle\",".to_string(), "INVALID_JSON", ""),
        (format!("{{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"x\":\"{}\"}}", " ".repeat(fhir::MAX_BUNDLE_BYTES)), "INPUT_TOO_LARGE", ""),
    ] {
        let (r, _) = panel(&text, "2026-03-31");
        assert_eq!((r["error"]["code"].as_str(), paths(&r).first().map(String::as_str).unwrap_or("")), (Some(code), path));
    }
    assert!(fhir::panel_month_json(&data("month-bundle.json"), "").starts_with(r#"{"ok":true,"month":{"#));
}

//! (4) The FHIR adapter and the claim builder (issue 15): the example Bundle (and its options and
//! a claim context) mutated anywhere by `arbitrary` — a value replaced, removed, duplicated or
//! retyped at a random place — or arbitrary text. Every answer is JSON with a boolean `ok`; a
//! mapped month evaluates under the contract's invariants; the claim of a billable month has a
//! line per billable code and a Claim resource; a panel's reading of the Bundle (issue 16) is the
//! adapter's mapping with the options the Bundle gives; nothing panics.

use crate::invariants;
use arbitrary::{Result, Unstructured};
use serde_json::{json, Value};

pub const BUNDLE: &str = include_str!("../../tests/data/fhir/month-bundle.json");
pub const OPTIONS: &str = include_str!("../../tests/data/fhir/options.json");

/// A value of any JSON kind, FHIR-flavoured.
fn value(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0u8..=14)? {
        0 => Value::Null,
        1 => json!(u.arbitrary::<bool>()?),
        2 => json!(u.int_in_range(-3i64..=3000)?),
        3 => json!(*u.choose(&["2026-03-04T10:00:00-05:00", "2026-03-04", "2026-13-40", "", "x"])?),
        4 => json!(*u.choose(&["active", "completed", "finished", "inactive", "rejected", "entered-in-error", "in-progress"])?),
        5 => json!({ "reference": *u.choose(&["Patient/p1", "Practitioner/dr-lee", "PractitionerRole/rn-ana-role", "Patient/p2", "urn:uuid:x", "Foo/"])? }),
        6 => json!({ "coding": [{ "system": *u.choose(&["http://www.ama-assn.org/go/cpt", "http://hl7.org/fhir/sid/icd-10-cm", "x"])?,
            "code": *u.choose(&["99490", "99426", "99214", "E11.9", "I50.22", "G0557", "?"])? }] }),
        7 => json!({ "start": "2026-03-09T09:00:00-05:00", "end": *u.choose(&["2026-03-09T09:31:00-05:00", "2026-03-09T08:00:00-05:00", "2026-04-02T00:00:00Z"])? }),
        8 => json!([]),
        9 => json!({}),
        10 => json!(u.arbitrary::<String>()?),
        11 => json!(1e300),
        12 => json!({ "value": u.int_in_range(0u16..=2000)?, "unit": "min" }),
        _ => json!([{ "url": "http://ccm-engine.example/fhir/StructureDefinition/consent-method", "valueCode": "verbal" }]),
    })
}

/// One change at a random place of `v`.
fn mutate(u: &mut Unstructured, v: &mut Value, depth: u8) -> Result<()> {
    match v {
        Value::Object(m) if !m.is_empty() && depth < 8 && u.ratio(3u8, 4)? => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = u.choose(&keys)?.clone();
            match u.int_in_range(0u8..=9)? {
                0 => {
                    m.remove(&k);
                }
                1 => {
                    m.insert(k, value(u)?);
                }
                _ => mutate(u, m.get_mut(&k).expect("key taken from the map"), depth + 1)?,
            }
        }
        Value::Array(a) if !a.is_empty() && depth < 8 && u.ratio(3u8, 4)? => {
            let i = u.choose_index(a.len())?;
            match u.int_in_range(0u8..=9)? {
                0 => {
                    a.remove(i);
                }
                1 => {
                    let copy = a[i].clone();
                    a.push(copy);
                }
                _ => mutate(u, &mut a[i], depth + 1)?,
            }
        }
        _ => *v = value(u)?,
    }
    Ok(())
}

fn fail(what: &str, input: &str, out: &str) -> ! {
    panic!("{what}\ninput: {input}\noutput: {out}");
}

fn answer(what: &str, input: &str, out: &str) -> Value {
    let v: Value = serde_json::from_str(out).unwrap_or_else(|e| fail(&format!("{what}: not JSON: {e}"), input, out));
    // `ok` first, as the engine's own Result (CONTRACT §4; the CLI's exit code reads it there).
    if !v["ok"].is_boolean() || !out.starts_with("{\"ok\":") {
        fail(&format!("{what}: no boolean ok, first"), input, out);
    }
    v
}

/// The panel's reading (issue 16): the derived options and the month answer in the contract's
/// shape; a month read is the adapter's mapping with the options it names, and evaluates under
/// the contract's invariants.
fn panel(bundle: &str) {
    let derived = answer("derive_options_json", bundle, &ccm_engine::fhir::derive_options_json(bundle));
    let out = ccm_engine::fhir::panel_month_json(bundle, "2026-03-20");
    let read = answer("panel_month_json", bundle, &out);
    if read["ok"] != true {
        return;
    }
    if derived["ok"] != true {
        fail("a Bundle read for the panel whose options could not be derived", bundle, &out);
    }
    let month = &read["month"];
    let options = json!({ "serviceMonth": month["serviceMonth"], "billingPractitioner": month["billingPractitioner"], "asOf": "2026-03-20" });
    let mapped: Value = serde_json::from_str(&ccm_engine::fhir::from_fhir_json(bundle, &options.to_string())).expect("adapter JSON");
    if mapped["month"] != *month {
        fail("panel_month differs from the adapter's mapping with the same options", bundle, &out);
    }
    let direct = ccm_engine::evaluate_json(&month.to_string());
    if let Err(msg) = invariants::check(Some(month), &direct, &[]) {
        fail(&format!("invariant violated (panel): {msg}"), &month.to_string(), &direct);
    }
}

/// One fuzz case.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(raw) = u.ratio(1u8, 8) else { return };
    let (bundle, options) = if raw {
        (String::from_utf8_lossy(u.bytes(u.len()).unwrap_or_default()).into_owned(), OPTIONS.to_string())
    } else {
        let (mut b, mut o): (Value, Value) = (serde_json::from_str(BUNDLE).expect("bundle"), serde_json::from_str(OPTIONS).expect("options"));
        let n = u.int_in_range(1u8..=6).unwrap_or(1);
        for _ in 0..n {
            let target = if u.ratio(1u8, 10).unwrap_or(false) { &mut o } else { &mut b };
            if mutate(&mut u, target, 0).is_err() {
                break;
            }
        }
        (b.to_string(), o.to_string())
    };
    panel(&bundle);
    let mapped = answer("from_fhir_json", &bundle, &ccm_engine::fhir::from_fhir_json(&bundle, &options));
    let evaluated = ccm_engine::fhir::evaluate_fhir_json(&bundle, &options);
    let ev = answer("evaluate_fhir_json", &bundle, &evaluated);
    if mapped["ok"] != true {
        return;
    }
    if mapped["problems"].as_array().is_none() || !mapped["sources"].is_object() {
        fail("a mapping without problems[] or sources{}", &bundle, &mapped.to_string());
    }
    // The mapped month evaluates as the engine evaluates it alone, under the contract's invariants.
    let month = &mapped["month"];
    let direct = ccm_engine::evaluate_json(&month.to_string());
    if let Err(msg) = invariants::check(Some(month), &direct, &[]) {
        fail(&format!("invariant violated: {msg}"), &month.to_string(), &direct);
    }
    let direct: Value = serde_json::from_str(&direct).expect("engine JSON");
    if ev["ok"] != direct["ok"] || ev["evaluation"] != direct["evaluation"] || ev["fhir"]["month"] != *month {
        fail("evaluate_fhir_json differs from mapping then evaluating", &bundle, &evaluated);
    }
    let context = json!({ "charges": { "99490": 95, "99439": 75, "99487": 150, "99489": 80, "99491": 110, "99437": 80 } });
    let out = ccm_engine::fhir::claim::claim_json(&month.to_string(), &context.to_string());
    let claim = answer("claim_json", &month.to_string(), &out);
    if claim["ok"] == true && claim["status"] == "billable" {
        let lines = claim["lines"].as_array().map_or(0, Vec::len);
        let billed = direct["evaluation"]["lines"].as_array().map_or(0, Vec::len);
        if lines != billed || claim["claim"]["resourceType"] != "Claim" {
            fail("a billable claim without its lines or its Claim", &month.to_string(), &out);
        }
    }
}

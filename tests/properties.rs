//! Invariants of the engine, on hundreds of generated months each (issue 3, "Invariants").
//!
//! Months come from the fuzz targets' structure-aware generator (fuzz/src/gen.rs), fed by bytes
//! that proptest draws and shrinks; about half start from an example scenario
//! (../shared/scenarios/examples.jsonl) crossed with a generated month, half are generated whole.
//! The checks are the fuzz targets' own (fuzz/src/invariants.rs, fuzz/src/meta.rs), included by
//! path, so a property and a fuzz target can never disagree about what "correct" means.
//!
//! Cases per property: `CCM_PROPTEST_CASES` (default 300). A failure prints the month as JSON;
//! save it under tests/regressions/ (a month per file) and `regressions_still_pass` replays it.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzzlib;

use arbitrary::Unstructured;
use fuzzlib::{invariants, meta};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use serde_json::{json, Value};
use std::cell::Cell;

fn cases() -> u32 {
    std::env::var("CCM_PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(300)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/properties.proptest-regressions")))),
        max_shrink_iters: 2_000,
        ..Config::default()
    })
}

/// Bytes for the generator; the month is built from them (shrinking bytes simplifies the month).
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..1536)
}

/// A month from `bytes`, and what is left of them for the property's own choices.
fn month_of(bytes: &[u8]) -> (Value, Unstructured<'_>) {
    let mut u = Unstructured::new(bytes);
    let m = fuzzlib::gen::seeded_month(&mut u, fuzzlib::examples()).unwrap_or_else(|_| fuzzlib::examples()[0].clone());
    (m, u)
}

fn eval(m: &Value) -> (String, Option<Value>) {
    let text = ccm_engine::evaluate_json(&m.to_string());
    let v: Value = serde_json::from_str(&text).expect("the engine answers JSON");
    let e = (v["ok"] == true).then(|| v["evaluation"].clone());
    (text, e)
}

fn fail(msg: String) -> TestCaseError {
    TestCaseError::fail(msg)
}

/// Runs `prop` on `cases()` generated months; `hits` counts the cases where the property was not
/// vacuous, and must reach `min_share` of the cases (so a generator drift cannot hide a property).
fn check(name: &str, min_share: f64, prop: impl Fn(&Value, &mut Unstructured, &Cell<u32>) -> Result<(), TestCaseError>) {
    let hits = Cell::new(0u32);
    let mut runner = runner();
    let result = runner.run(&bytes(), |b| {
        let (m, mut u) = month_of(&b);
        prop(&m, &mut u, &hits)
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    let n = cases();
    let share = f64::from(hits.get()) / f64::from(n);
    println!("{name}: {n} cases, {} applicable ({:.0}%)", hits.get(), share * 100.0);
    assert!(share >= min_share, "{name}: only {} of {n} cases exercised the property", hits.get());
}

/// Every result satisfies the contract's structure: add-ons with their base, unit caps, one
/// track, `lines` empty unless billable, an error blocks, a non-billable month says why, counted
/// minutes within the month's span and within the sum of the entries.
#[test]
fn every_result_holds_the_invariants() {
    check("invariants", 0.5, |m, _, hits| {
        let text = m.to_string();
        let out = ccm_engine::evaluate_json(&text);
        invariants::check(Some(m), &out, &[fuzzlib::MARK]).map_err(|e| fail(format!("{e}\ninput: {text}\noutput: {out}")))?;
        let (_, e) = eval(m);
        if let Some(e) = e {
            hits.set(hits.get() + 1);
            let staff = e["time"]["staffMinutes"].as_i64().unwrap_or(0);
            let days = invariants::month_days(e["serviceMonth"].as_str().unwrap_or("")).unwrap_or(0);
            prop_assert!(staff <= days * 1440, "{staff} minutes exceed the month\ninput: {text}");
            if let Some(ms) = meta::entries_ms(m) {
                prop_assert!(staff * 60_000 <= ms, "{staff} counted minutes exceed the entries' {ms} ms\ninput: {text}");
            }
        }
        Ok(())
    });
}

/// A month's statuses are spread: the generator reaches billable, blocked, below-threshold and
/// invalid months (otherwise the other properties would test little).
#[test]
fn generated_months_reach_every_status() {
    let mut seen = std::collections::BTreeMap::<String, u32>::new();
    let mut runner = TestRunner::deterministic();
    for _ in 0..cases() {
        let b = bytes().new_tree(&mut runner).expect("bytes").current();
        let (m, _) = month_of(&b);
        let (o, e) = eval(&m);
        if std::env::var("CCM_SHOW_STATUS").is_ok() {
            // Why months are invalid or blocked (to tune the generator).
            let v: Value = serde_json::from_str(&o).unwrap_or_default();
            let errs: Vec<&Value> = v["evaluation"]["findings"].as_array().into_iter().flatten().filter(|f| f["severity"] == "error").map(|f| &f["code"]).collect();
            println!("status-detail {} {}", v["error"], json!(errs));
        }
        let k = e.map_or("invalid".to_string(), |e| e["status"].as_str().unwrap_or("?").to_string());
        *seen.entry(k).or_default() += 1;
    }
    println!("statuses: {seen:?}");
    for s in ["billable", "blocked", "below_threshold", "invalid"] {
        assert!(seen.get(s).copied().unwrap_or(0) * 50 >= cases(), "status {s} in under 2% of months: {seen:?}");
    }
}

fn with_track(m: &Value, track: &str) -> Value {
    let mut m = m.clone();
    m["track"] = json!(track);
    m
}

const TRACKS: [&str; 4] = ["auto", "staff", "complex", "practitioner"];

fn monotone(before: &Value, after: &Value, what: &str, m: &Value, m2: &Value, forced: bool) -> Result<(), TestCaseError> {
    let (a0, a1) = (meta::allowed_cents(before), meta::allowed_cents(after));
    prop_assert!(a1 >= a0, "{what} lowered allowed from {a0} to {a1} cents\nbefore: {m}\nafter: {m2}");
    if forced {
        prop_assert!(meta::lines_kept(&before["lines"], &after["lines"]),
            "{what} removed a line: {} → {}\nbefore: {m}\nafter: {m2}", before["lines"], after["lines"]);
    }
    Ok(())
}

/// Adding a counted minute never lowers the allowed amount, and with a forced track never
/// removes a line.
#[test]
fn adding_a_counted_minute_never_lowers_allowed() {
    check("add a minute", 0.3, |m, u, hits| {
        let track = *u.choose(&TRACKS).unwrap_or(&"auto");
        let role = *u.choose(&["rn", "billing_practitioner", "ma"]).unwrap_or(&"rn");
        let day: u32 = u.arbitrary().unwrap_or(0);
        let m = with_track(m, track);
        let Some(m2) = meta::add_minutes(&m, role, day, 1) else { return Ok(()) };
        let (Some(e1), (o2, e2)) = (eval(&m).1, eval(&m2)) else { return Ok(()) };
        let e2 = e2.ok_or_else(|| fail(format!("adding a minute made the month invalid: {o2}\nafter: {m2}")))?;
        let pool = if role == "billing_practitioner" { "practitionerMinutes" } else { "staffMinutes" };
        let counted = e2["time"][pool].as_i64() == e1["time"][pool].as_i64().map(|x| x + 1);
        if counted {
            hits.set(hits.get() + 1);
        }
        monotone(&e1, &e2, "adding a minute", &m, &m2, track != "auto")
    });
}

/// Extending any entry by a minute never lowers the allowed amount, and with a forced track
/// never removes a line (the extra minute may or may not count).
#[test]
fn extending_an_entry_never_lowers_allowed() {
    check("extend an entry", 0.3, |m, u, hits| {
        let track = *u.choose(&TRACKS).unwrap_or(&"auto");
        let m = with_track(m, track);
        let n = m["timeEntries"].as_array().map_or(0, Vec::len);
        if n == 0 {
            return Ok(());
        }
        let i = u.choose_index(n).unwrap_or(0);
        let Some(m2) = meta::extend_entry(&m, i) else { return Ok(()) };
        let (Some(e1), (_, Some(e2))) = (eval(&m).1, eval(&m2)) else { return Ok(()) };
        hits.set(hits.get() + 1);
        monotone(&e1, &e2, "extending an entry", &m, &m2, track != "auto")
    });
}

fn same_decision(what: &str, m: &Value, m2: &Value) -> Result<(), TestCaseError> {
    let (o1, e1) = eval(m);
    let (o2, e2) = eval(m2);
    match (e1, e2) {
        (Some(a), Some(b)) => {
            let (da, db) = (meta::decision(&a), meta::decision(&b));
            prop_assert!(da == db, "{what} changed the decision\nbefore: {m}\nafter: {m2}\ndecision before: {da}\ndecision after: {db}");
        }
        (None, None) => {
            let code = |o: &str| serde_json::from_str::<Value>(o).ok().map(|v| v["error"]["code"].clone());
            prop_assert_eq!(code(&o1), code(&o2), "{} changed the error code", what);
        }
        _ => return Err(fail(format!("{what} changed validity\nbefore: {m}\nafter: {m2}\n{o1}\n{o2}"))),
    }
    Ok(())
}

/// Splitting one entry into two adjacent entries changes nothing in the decision.
#[test]
fn splitting_an_entry_changes_nothing() {
    check("split an entry", 0.3, |m, u, hits| {
        let can = meta::splittable(m);
        if can.is_empty() {
            return Ok(());
        }
        let i = can[u.choose_index(can.len()).unwrap_or(0)];
        let k: u32 = u.arbitrary().unwrap_or(0);
        let Some(m2) = meta::split_entry(m, i, k) else { return Ok(()) };
        hits.set(hits.get() + 1);
        same_decision(&format!("splitting entry {i}"), m, &m2)
    });
}

/// Reordering the entries changes nothing in the decision.
#[test]
fn reordering_entries_changes_nothing() {
    check("reorder entries", 0.3, |m, u, hits| {
        let n = m["timeEntries"].as_array().map_or(0, Vec::len);
        if n < 2 {
            return Ok(());
        }
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = u.int_in_range(0..=i).unwrap_or(0);
            order.swap(i, j);
        }
        if order.iter().enumerate().all(|(i, &j)| i == j) {
            order.reverse();
        }
        hits.set(hits.get() + 1);
        same_decision("reordering the entries", m, &meta::reorder(m, &order).expect("a permutation"))
    });
}

/// Moving every entry to another UTC offset with the same local times changes nothing.
#[test]
fn shifting_utc_offsets_changes_nothing() {
    check("shift offsets", 0.3, |m, u, hits| {
        let delta = *u.choose(&[60i32, -60, 90, -180, -300, 330, 600, -600, 45]).unwrap_or(&60);
        let Some(m2) = meta::shift_offsets(m, delta) else { return Ok(()) };
        hits.set(hits.get() + 1);
        same_decision(&format!("shifting offsets by {delta} min"), m, &m2)
    });
}

/// `Evaluation` → JSON → `Evaluation` is lossless and byte-stable; equal inputs (compact or
/// pretty-printed, typed or text) give byte-identical output, every time.
#[test]
fn json_round_trip_and_identical_output() {
    check("round trip", 0.5, |m, _, hits| {
        let text = m.to_string();
        let out = ccm_engine::evaluate_json(&text);
        prop_assert_eq!(&ccm_engine::evaluate_json(&text), &out, "second run differs");
        let pretty = serde_json::to_string_pretty(m).expect("pretty");
        prop_assert_eq!(&ccm_engine::evaluate_json(&pretty), &out, "pretty-printed input differs\ninput: {}", text);
        if let Ok(typed) = ccm_engine::parse(&text) {
            prop_assert_eq!(&ccm_engine::api::result_json(&ccm_engine::evaluate(&typed)), &out, "typed door differs\ninput: {}", text);
        }
        if let Ok(e) = ccm_engine::evaluate_str(&text) {
            hits.set(hits.get() + 1);
            let json = serde_json::to_string(&e).expect("serialize");
            let back: ccm_engine::Evaluation = serde_json::from_str(&json).map_err(|err| fail(format!("{err}: {json}")))?;
            prop_assert!(back == e, "round trip lost information\ninput: {}", text);
            prop_assert_eq!(serde_json::to_string(&back).expect("serialize"), json, "round trip changed bytes");
        }
        Ok(())
    });
}

/// Every saved failing input (tests/regressions/*.json: one month each) passes every check of
/// the fuzz targets: invariants, doors, round trip, and the metamorphic relations.
#[test]
fn regressions_still_pass() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let Ok(rd) = std::fs::read_dir(&dir) else { return };
    let mut files: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    files.sort();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let m: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        // Every choice of the metamorphic checks, from a few byte patterns.
        for seed in [[0u8; 64], [0x55; 64], [0xff; 64]] {
            let mut u = Unstructured::new(&seed);
            fuzzlib::run_month(&m, &mut u);
        }
        if let Some(p) = m.get("rulePack").filter(|p| p.is_object()) {
            fuzzlib::run_pack(&m, p);
        }
        println!("{}: ok", f.display());
    }
}

/// Engine bugs found by the fuzzers, reported and not fixed yet (tests/regressions/open/*.json,
/// listed in fuzz/src/invariants.rs `OPEN_FINDINGS`): in strict mode they must pass. Ignored so
/// the suite stays green until the fixes land; run with `cargo test --test properties -- --ignored`.
#[test]
#[ignore = "open engine findings, reported to the lead (see fuzz/src/invariants.rs OPEN_FINDINGS)"]
fn open_findings_are_fixed() {
    invariants::FORCE_STRICT.store(true, std::sync::atomic::Ordering::Relaxed);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions/open");
    let mut failed = Vec::new();
    for f in std::fs::read_dir(&dir).into_iter().flatten().flatten().map(|e| e.path()) {
        let text = std::fs::read_to_string(&f).expect("read");
        let m: Value = serde_json::from_str(&text).expect("JSON");
        let out = ccm_engine::evaluate_json(&text);
        if let Err(e) = invariants::check(Some(&m), &out, &[]) {
            failed.push(format!("{}: {e}", f.display()));
        }
    }
    assert!(failed.is_empty(), "still open:\n{}", failed.join("\n"));
}

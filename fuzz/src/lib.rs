//! Shared code of the fuzz targets: the generators ([`gen`]), the invariants ([`invariants`]),
//! the metamorphic transformations ([`meta`]), and the `run_*` functions each target calls.
//! Every check panics with the offending input on failure: that is what libFuzzer reports.

pub mod fhir;
pub mod gen;
pub mod invariants;
pub mod meta;

use arbitrary::Unstructured;
use serde_json::value::RawValue;
use serde_json::Value;
pub use gen::MARK;

/// The example scenarios, compiled in: the month and rule-pack targets start from them.
pub const EXAMPLES_JSONL: &str = include_str!("../../../shared/scenarios/examples.jsonl");

pub fn examples() -> &'static [Value] {
    static CELL: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    CELL.get_or_init(|| gen::example_inputs(EXAMPLES_JSONL))
}

fn fail(what: &str, text: &str, out: &str) -> ! {
    panic!("{what}\ninput: {text}\noutput: {out}");
}

/// Evaluates `text` through every Rust door (JSON text, typed, `evaluate_str`) and checks the
/// results: contract invariants, typed = text, determinism, `Evaluation` JSON round trip.
/// `input`: the parsed month when the text is a JSON object. Returns the result text.
pub fn run(text: &str, input: Option<&Value>, forbidden: &[&str]) -> String {
    let out = ccm_engine::evaluate_json(text);
    if let Err(msg) = invariants::check(input, &out, forbidden) {
        fail(&format!("invariant violated: {msg}"), text, &out);
    }
    if let Some(m) = input {
        if let Some(e) = serde_json::from_str::<Value>(&out).ok().filter(|o| o["ok"] == true).map(|o| o["evaluation"].clone()) {
            // Counted minutes never exceed the sum of the entries.
            if let Some(ms) = meta::entries_ms(m) {
                let staff = e["time"]["staffMinutes"].as_i64().unwrap_or(0);
                if staff * 60_000 > ms {
                    fail(&format!("{staff} counted minutes exceed the entries' {ms} ms"), text, &out);
                }
            }
        }
    }
    // The typed door: parse → evaluate gives the same bytes whenever the text parses.
    if let Ok(m) = ccm_engine::parse(text) {
        let typed = ccm_engine::api::result_json(&ccm_engine::evaluate(&m));
        if typed != out {
            fail(&format!("typed door differs: {typed}"), text, &out);
        }
        let again = ccm_engine::api::result_json(&ccm_engine::evaluate(&m));
        if again != typed {
            fail("nondeterministic", text, &out);
        }
    }
    // An `Evaluation` survives a JSON round trip, to the byte.
    if let Ok(e) = ccm_engine::evaluate_str(text) {
        let json = serde_json::to_string(&e).expect("serialize");
        let back: ccm_engine::Evaluation = serde_json::from_str(&json).unwrap_or_else(|err| fail(&format!("Evaluation does not deserialize: {err}"), text, &json));
        if back != e {
            fail("Evaluation round trip lost information", text, &json);
        }
        if serde_json::to_string(&back).expect("serialize") != json {
            fail("Evaluation round trip changed bytes", text, &json);
        }
    }
    out
}

/// The cheaper check of a derived input (the metamorphic variants): the JSON door and the
/// invariants only; the full door comparison already ran on the original.
fn run_light(text: &str, input: &Value) -> String {
    let out = ccm_engine::evaluate_json(text);
    if let Err(msg) = invariants::check(Some(input), &out, &[MARK]) {
        fail(&format!("invariant violated: {msg}"), text, &out);
    }
    out
}

fn is_json_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// (1) JSON text: every door that takes text, on any text.
pub fn run_text(text: &str) {
    // The month's reader against serde_json filling the same slots (`float_roundtrip` is on in
    // this build, so both round decimals correctly): the same texts accepted, the same input read.
    match (ccm_engine::input::parse_root(text), ccm_engine::input::parse_root_serde(text)) {
        (Ok(a), Ok(b)) if a == b => {}
        (Err(_), Err(_)) => {}
        (a, b) => fail(&format!("the reader ({:?}) and serde_json ({:?}) disagree", a.err(), b.err().map(|e| e.to_string())), text, ""),
    }
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    let month = parsed.as_ref().filter(|v| v.is_object());
    let out = run(text, month, &[]);

    // Batch: one Result per element, in order, each equal to evaluating the element alone.
    let batch = ccm_engine::api::evaluate_batch_json(text);
    let results: Vec<Value> = match serde_json::from_str::<Value>(&batch) {
        Ok(Value::Array(a)) => a,
        _ => fail("batch output is not a JSON array", text, &batch),
    };
    match serde_json::from_str::<Vec<&RawValue>>(text) {
        Ok(items) if text.len() <= ccm_engine::input::MAX_JSON_BYTES => {
            if items.len() != results.len() {
                fail("batch: one Result per input", text, &batch);
            }
            let mut expect = String::from("[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    expect.push(',');
                }
                let one = ccm_engine::evaluate_json(item.get());
                let input: Option<Value> = serde_json::from_str(item.get()).ok();
                if let Err(msg) = invariants::check(input.as_ref().filter(|v| v.is_object()), &one, &[]) {
                    fail(&format!("batch item {i}: {msg}"), text, &one);
                }
                expect.push_str(&one);
            }
            expect.push(']');
            if expect != batch {
                fail("batch differs from evaluating each item", text, &batch);
            }
        }
        _ => {
            if results.len() != 1 || results[0]["ok"] != false {
                fail("a batch that is not an array gives one error Result", text, &batch);
            }
        }
    }
    // Wrapping one JSON value in an array gives that value's Result in an array.
    if parsed.is_some() && text.len() < ccm_engine::input::MAX_JSON_BYTES / 2 {
        let wrapped = ccm_engine::api::evaluate_batch_json(&format!("[{text}]"));
        let alone = ccm_engine::evaluate_json(text.trim_matches(is_json_ws));
        if wrapped != format!("[{alone}]") {
            fail("[x] as a batch differs from x alone", text, &wrapped);
        }
        if alone != out {
            fail("surrounding whitespace changed the result", text, &alone);
        }
    }

    // What-if: any text gives a JSON object with a boolean `ok`, and a known error code.
    let w = ccm_engine::api::what_if_json(text);
    check_what_if(text, &w);
}

fn check_what_if(text: &str, w: &str) {
    let v: Value = serde_json::from_str(w).unwrap_or_else(|e| fail(&format!("what-if output is not JSON: {e}"), text, w));
    match &v["ok"] {
        Value::Bool(true) => {}
        Value::Bool(false) => {
            let code = v["error"]["code"].as_str().unwrap_or("");
            if !invariants::ERROR_CODES.contains(&code) {
                fail(&format!("what-if: unknown error code {code:?}"), text, w);
            }
        }
        _ => fail("what-if output without a boolean ok", text, w),
    }
}

fn evaluation(out: &str) -> Option<Value> {
    let v: Value = serde_json::from_str(out).ok()?;
    (v["ok"] == true).then(|| v["evaluation"].clone())
}

/// (2) A generated month: every door, the invariants, and the metamorphic relations of
/// [`meta`], with choices drawn from what is left of `u`.
pub fn run_month(m: &Value, u: &mut Unstructured) {
    let text = m.to_string();
    let out = run(&text, Some(m), &[MARK]);
    // Equal inputs, different bytes (pretty-printed): byte-identical output.
    let pretty = serde_json::to_string_pretty(m).unwrap_or_default();
    if ccm_engine::evaluate_json(&pretty) != out {
        fail("pretty-printed input gives different output", &text, &out);
    }
    let Some(e) = evaluation(&out) else { return };
    let base = meta::decision(&e);
    let same = |what: &str, changed: Option<Value>| {
        let Some(c) = changed else { return };
        let ct = c.to_string();
        let o2 = run_light(&ct, &c);
        match evaluation(&o2) {
            Some(e2) if meta::decision(&e2) == base => {}
            _ => panic!("{what} changed the decision\nbefore: {text}\nafter: {ct}\noutput before: {out}\noutput after: {o2}"),
        }
    };
    let n = m["timeEntries"].as_array().map_or(0, Vec::len);
    // Reorder: a permutation drawn from u.
    if n > 1 {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = u.int_in_range(0..=i).unwrap_or(0);
            order.swap(i, j);
        }
        same("reordering the entries", meta::reorder(m, &order));
    }
    // Split one entry.
    let can = meta::splittable(m);
    if !can.is_empty() {
        let i = can[u.choose_index(can.len()).unwrap_or(0)];
        let k: u32 = u.arbitrary().unwrap_or(0);
        same(&format!("splitting entry {i}"), meta::split_entry(m, i, k));
    }
    // Shift offsets.
    let delta = *u.choose(&[60i32, -60, 90, -300, 330, 600, -600, 30]).unwrap_or(&60);
    same(&format!("shifting offsets by {delta} minutes"), meta::shift_offsets(m, delta));
    // One more counted minute never lowers the allowed amount; with a forced track, keeps lines.
    let role = *u.choose(&["rn", "billing_practitioner"]).unwrap_or(&"rn");
    let day: u32 = u.arbitrary().unwrap_or(0);
    monotone(m, &e, &text, meta::add_minutes(m, role, day, 1), "adding a counted minute");
    if n > 0 {
        let i = u.choose_index(n).unwrap_or(0);
        monotone(m, &e, &text, meta::extend_entry(m, i), &format!("extending entry {i} by a minute"));
    }
}

fn monotone(m: &Value, before: &Value, text: &str, after: Option<Value>, what: &str) {
    let Some(a) = after else { return };
    let at = a.to_string();
    let out = run_light(&at, &a);
    let Some(e2) = evaluation(&out) else { panic!("{what} made a valid month invalid\nbefore: {text}\nafter: {at}\noutput: {out}") };
    if meta::allowed_cents(&e2) < meta::allowed_cents(before) {
        panic!("{what} lowered the allowed amount\nbefore: {text}\nafter: {at}\noutput after: {out}");
    }
    let forced = m["track"].as_str().filter(|t| *t != "auto");
    if forced.is_some() && !meta::lines_kept(&before["lines"], &e2["lines"]) {
        panic!("{what} removed a line on a forced track\nbefore: {text}\nafter: {at}\noutput after: {out}");
    }
}

/// (3) A month with a custom pack: refused as `INVALID_RULE_PACK` or evaluated under its own
/// settings; the same pack in a what-if scenario never panics.
pub fn run_pack(m: &Value, pack: &Value) {
    let text = m.to_string();
    run(&text, Some(m), &[MARK]);
    let scenario = serde_json::json!({
        "rulePack": pack, "serviceMonth": m["serviceMonth"], "patients": 100,
        "bands": [ { "track": "staff", "minutes": 25, "share": 0.5 }, { "track": "complex", "minutes": 95, "share": 0.25 },
                   { "track": "practitioner", "minutes": 65, "share": 0.25 } ],
    });
    let st = scenario.to_string();
    check_what_if(&st, &ccm_engine::api::what_if_json(&st));
}

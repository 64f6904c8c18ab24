//! One implementation, three doors (issue 3): the same generated months through the Rust API,
//! the `ccm` CLI (`evaluate --jsonl`) and the wasm `nodejs` build must give byte-identical JSON.
//!
//! Months: the example scenarios, a few odd texts (invalid JSON, non-objects, blank-adjacent
//! whitespace), and `CCM_DOORS_MONTHS` (default 3,000) months from the fuzz targets' generator
//! (fuzz/src/gen.rs) with a fixed seed. Doors compared, per month:
//! - Rust `evaluate_json(text)`: the reference bytes;
//! - Rust typed: `parse(text)` then `evaluate(&MonthInput)` (when the text parses);
//! - Rust serde: the same Result through the types' `Serialize` derives (the doors' text is
//!   written by hand in src/output.rs, for speed; it must not drift from the derives);
//! - CLI: one `ccm evaluate --jsonl FILE` run over all months, line by line;
//! - wasm: `evaluateJson(text)` (bytes), `evaluate(JSON.parse(text))` and `evaluateBatch` in
//!   chunks of 64 (as values: JS objects have no bytes of their own; compared after
//!   `JSON.stringify`, parsed back here).
//!
//! The wasm part needs `pkg/nodejs` (scripts/build-wasm.sh) and `node`. Without them it is
//! skipped with a message, unless `CCM_DOORS_REQUIRE_WASM=1` (test-all's `doors` section, which
//! runs after the wasm build), where a missing or stale package fails the test.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::root;
#[path = "../fuzz/src/gen.rs"]
mod gen;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The months every door gets, one JSON text per line (no newline inside any of them).
fn months() -> Vec<String> {
    let jsonl = std::fs::read_to_string(root().join("../shared/scenarios/examples.jsonl")).expect("../shared/scenarios/examples.jsonl");
    let examples = gen::example_inputs(&jsonl);
    let mut out: Vec<String> = examples.iter().map(Value::to_string).collect();
    out.extend(
        [
            "{", "[]", "42", "null", "\"text\"", "{}", "{\"serviceMonth\":\"2026-13\"}", "  {\"serviceMonth\":\"2026-03\"}  ",
            "{\"serviceMonth\":\"2026-03\",\"serviceMonth\":\"2026-04\"}", "{\"a\":\"\\u00e9\\ud83d\\ude00\"}",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let n: usize = std::env::var("CCM_DOORS_MONTHS").ok().and_then(|s| s.parse().ok()).unwrap_or(3000);
    for i in 0..n {
        let b = gen::seeded_bytes(i as u64 ^ 0x00C0_FFEE, 1024 + (i % 7) * 512);
        let mut u = arbitrary::Unstructured::new(&b);
        let m = gen::seeded_month(&mut u, &examples).expect("generated month");
        out.push(m.to_string());
    }
    out
}

/// The Result through the types' `Serialize` derives: the hand-written writer (src/output.rs) must
/// give the same bytes, so the derives a Rust caller uses and the doors never disagree.
fn derived_json(r: &Result<ccm_engine::Evaluation, ccm_engine::InputError>) -> String {
    #[derive(serde::Serialize)]
    struct Yes<'a> {
        ok: bool,
        evaluation: &'a ccm_engine::Evaluation,
    }
    #[derive(serde::Serialize)]
    struct No<'a> {
        ok: bool,
        error: &'a ccm_engine::InputError,
    }
    match r {
        Ok(e) => serde_json::to_string(&Yes { ok: true, evaluation: e }),
        Err(e) => serde_json::to_string(&No { ok: false, error: e }),
    }
    .expect("serializes")
}

/// A JSON value with every number as an f64: JS prints the float 0.0 as `0`, so values from
/// `JSON.stringify` are compared by number, not by spelling.
fn numbers_as_f64(v: &Value) -> Value {
    match v {
        Value::Number(n) => n.as_f64().map_or(Value::Null, |x| serde_json::json!(x)),
        Value::Array(a) => Value::Array(a.iter().map(numbers_as_f64).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), numbers_as_f64(x))).collect()),
        x => x.clone(),
    }
}

fn newest_mtime(dir: &Path) -> std::time::SystemTime {
    let mut t = std::time::SystemTime::UNIX_EPOCH;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        let m = if p.is_dir() { newest_mtime(&p) } else { e.metadata().and_then(|m| m.modified()).unwrap_or(t) };
        t = t.max(m);
    }
    t
}

const NODE_SIDE: &str = r#"
const fs = require("fs");
const [pkg, input, outDir] = process.argv.slice(2);
const engine = require(pkg);
const lines = fs.readFileSync(input, "utf8").split("\n");
lines.pop(); // the file ends with a newline
const json = [], object = [], batch = new Array(lines.length).fill("-");
const parsed = [];
for (let i = 0; i < lines.length; i++) {
  json.push(engine.evaluateJson(lines[i]));
  let v;
  try { v = JSON.parse(lines[i]); } catch { object.push("-"); continue; }
  object.push(JSON.stringify(engine.evaluate(v)));
  parsed.push([i, v]);
}
for (let k = 0; k < parsed.length; k += 64) {
  const chunk = parsed.slice(k, k + 64);
  const results = engine.evaluateBatch(chunk.map(([, v]) => v));
  if (results.length !== chunk.length) throw new Error(`evaluateBatch: ${results.length} results for ${chunk.length} inputs`);
  chunk.forEach(([i], j) => { batch[i] = JSON.stringify(results[j]); });
}
fs.writeFileSync(outDir + "/json.jsonl", json.join("\n") + "\n");
fs.writeFileSync(outDir + "/object.jsonl", object.join("\n") + "\n");
fs.writeFileSync(outDir + "/batch.jsonl", batch.join("\n") + "\n");
console.log(`node ${process.version}: ${lines.length} months through evaluateJson, evaluate, evaluateBatch`);
"#;

#[test]
fn three_doors_give_identical_json() {
    let months = months();
    let dir = root().join("target/doors");
    std::fs::create_dir_all(&dir).expect("target/doors");
    let input = dir.join("months.jsonl");
    std::fs::write(&input, months.iter().map(|m| format!("{m}\n")).collect::<String>()).expect("write months");

    // 1. Rust: the reference, and the typed door.
    let reference: Vec<String> = months.iter().map(|m| ccm_engine::evaluate_json(m)).collect();
    let mut statuses = std::collections::BTreeMap::<String, usize>::new();
    for (m, r) in months.iter().zip(&reference) {
        if let Ok(t) = ccm_engine::parse(m) {
            assert_eq!(&ccm_engine::api::result_json(&ccm_engine::evaluate(&t)), r, "typed door differs for {m}");
        }
        assert_eq!(&derived_json(&ccm_engine::evaluate_str(m)), r, "the output writer differs from the serde derives for {m}");
        let v: Value = serde_json::from_str(r).expect("result is JSON");
        let k = v["evaluation"]["status"].as_str().map_or_else(|| format!("error {}", v["error"]["code"].as_str().unwrap_or("?")), str::to_string);
        *statuses.entry(k).or_default() += 1;
    }
    println!("{} months: {statuses:?}", months.len());

    // 2. CLI, streaming all months through one process.
    let out = Command::new(env!("CARGO_BIN_EXE_ccm")).arg("evaluate").arg("--jsonl").arg(&input).output().expect("run ccm");
    let any_invalid = reference.iter().any(|r| r.starts_with("{\"ok\":false"));
    assert_eq!(out.status.code(), Some(if any_invalid { 1 } else { 0 }), "ccm exit code; stderr: {}", String::from_utf8_lossy(&out.stderr));
    let cli = String::from_utf8(out.stdout).expect("CLI output is UTF-8");
    let cli: Vec<&str> = cli.lines().collect();
    assert_eq!(cli.len(), months.len(), "CLI: one Result line per input line");
    let mut diffs = 0;
    for (i, (c, r)) in cli.iter().zip(&reference).enumerate() {
        if c != r {
            diffs += 1;
            if diffs <= 3 {
                eprintln!("CLI differs at line {}:\ninput: {}\nRust: {r}\nCLI:  {c}", i + 1, months[i]);
            }
        }
    }
    assert_eq!(diffs, 0, "{diffs} CLI results differ from the Rust API");
    println!("CLI: {} results byte-identical to the Rust API", cli.len());

    // 3. wasm (nodejs build).
    let pkg = root().join("pkg/nodejs/ccm_engine.js");
    let require = std::env::var("CCM_DOORS_REQUIRE_WASM").is_ok_and(|v| v == "1");
    let node_ok = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if !pkg.exists() || !node_ok {
        let why = if node_ok { "pkg/nodejs is missing (run scripts/build-wasm.sh)" } else { "node is not installed" };
        assert!(!require, "CCM_DOORS_REQUIRE_WASM=1 but {why}");
        println!("SKIPPED the wasm door: {why}; the Rust API and the CLI agree");
        return;
    }
    let wasm_time = std::fs::metadata(root().join("pkg/nodejs/ccm_engine_bg.wasm")).and_then(|m| m.modified()).ok();
    let src_time = newest_mtime(&root().join("src")).max(newest_mtime(&root().join("packs")));
    if wasm_time.map_or(true, |w| w < src_time) {
        assert!(!require, "CCM_DOORS_REQUIRE_WASM=1 but pkg/nodejs is older than src/ (rebuild with scripts/build-wasm.sh)");
        println!("SKIPPED the wasm door: pkg/nodejs is older than src/ or packs/ (rebuild with scripts/build-wasm.sh)");
        return;
    }
    let script = dir.join("node-side.cjs");
    std::fs::write(&script, NODE_SIDE).expect("write node script");
    let out = Command::new("node").arg(&script).arg(&pkg).arg(&input).arg(&dir).output().expect("run node");
    assert!(out.status.success(), "node failed: {}", String::from_utf8_lossy(&out.stderr));
    print!("{}", String::from_utf8_lossy(&out.stdout));
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect(name);
    let (json, object, batch) = (read("json.jsonl"), read("object.jsonl"), read("batch.jsonl"));
    let (json, object, batch): (Vec<&str>, Vec<&str>, Vec<&str>) = (json.lines().collect(), object.lines().collect(), batch.lines().collect());
    assert_eq!(json.len(), months.len());
    let mut diffs = 0;
    let mut as_values = 0;
    for i in 0..months.len() {
        let r = &reference[i];
        if json[i] != r {
            diffs += 1;
            if diffs <= 3 {
                eprintln!("evaluateJson differs at {}:\ninput: {}\nRust: {r}\nwasm: {}", i + 1, months[i], json[i]);
            }
        }
        let rv = numbers_as_f64(&serde_json::from_str(r).expect("JSON"));
        for (door, got) in [("evaluate", object[i]), ("evaluateBatch", batch[i])] {
            if got == "-" {
                continue; // not JSON: only the text door takes it
            }
            as_values += 1;
            let gv = numbers_as_f64(&serde_json::from_str(got).expect("JSON from node"));
            if gv != rv {
                diffs += 1;
                if diffs <= 3 {
                    eprintln!("{door} differs at {}:\ninput: {}\nRust: {r}\nwasm: {got}", i + 1, months[i]);
                }
            }
        }
    }
    assert_eq!(diffs, 0, "{diffs} wasm results differ from the Rust API");
    println!("wasm: {} evaluateJson results byte-identical, {as_values} evaluate/evaluateBatch results equal as values", json.len());
}

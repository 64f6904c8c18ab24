//! The shared example scenarios through the Rust API and through the `ccm` binary, which must
//! agree byte for byte.
mod common;

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn examples_hold_through_the_rust_api() {
    let cases = common::examples();
    assert!(cases.len() >= 12, "expected the 12 published examples, found {}", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let text = ccm_engine::evaluate_json(&c.input.to_string());
        let result: Value = serde_json::from_str(&text).expect("result is JSON");
        let bad = common::check(&result, &c.expect);
        if !bad.is_empty() {
            failures.push(format!("{}: {}", c.name, bad.join("; ")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn typed_api_equals_json_api() {
    for c in common::examples() {
        let text = c.input.to_string();
        let typed = ccm_engine::parse(&text).and_then(|m| ccm_engine::evaluate(&m));
        assert_eq!(ccm_engine::api::result_json(&typed), ccm_engine::evaluate_json(&text), "{}", c.name);
    }
}

/// `ccm evaluate --jsonl -` over `input` (written from a thread: the output pipe fills before a
/// large input is all written).
fn ccm_jsonl(input: String) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccm"))
        .args(["evaluate", "--jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run ccm");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

#[test]
fn cli_gives_the_same_bytes_as_the_library() {
    let cases = common::examples();
    let lines: String = cases.iter().map(|c| c.input.to_string() + "\n").collect();
    let out = ccm_jsonl(lines);
    // One example is an invalid input: exit code 1, every line still printed.
    assert_eq!(out.status.code(), Some(1));
    let got: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(got.len(), cases.len());
    for (c, line) in cases.iter().zip(got) {
        assert_eq!(line, ccm_engine::evaluate_json(&c.input.to_string()), "{}", c.name);
    }
    // Single-object mode gives the same Result.
    let dir = std::env::temp_dir().join(format!("ccm-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, c) in cases.iter().enumerate() {
        let f = dir.join(format!("{i}.json"));
        std::fs::write(&f, serde_json::to_string_pretty(&c.input).unwrap()).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_ccm")).arg("evaluate").arg(&f).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text.trim_end(), ccm_engine::evaluate_json(&c.input.to_string()), "{}", c.name);
        let ok = text.starts_with("{\"ok\":true");
        assert_eq!(out.status.code(), Some(if ok { 0 } else { 1 }), "{}", c.name);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The JSONL reader's edges: CRLF line ends, blank lines (each answered, INVALID_JSON), a line over the size bound (one
/// INPUT_TOO_LARGE Result, its bytes skipped, the next line read normally) and a last line
/// without a newline.
#[test]
fn cli_jsonl_reads_line_edges() {
    let month = std::fs::read_to_string(common::root().join("tests/data/typical.json")).unwrap();
    let month = serde_json::from_str::<serde_json::Value>(&month).unwrap().to_string();
    assert!(ccm_engine::evaluate_json(&month).starts_with(r#"{"ok":true"#));
    let huge = format!("{{\"x\":\"{}\"}}", "a".repeat(ccm_engine::input::MAX_JSON_BYTES + 10));
    let input = format!("{month}\r\n\n   \r\n{huge}\n{month}\n{month}");
    let out = ccm_jsonl(input);
    assert_eq!(out.status.code(), Some(1), "one input was too large");
    let want = ccm_engine::evaluate_json(&month);
    let got: Vec<serde_json::Value> = std::str::from_utf8(&out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(got.len(), 6, "every line, blank ones too, gives a Result");
    let want: serde_json::Value = serde_json::from_str(&want).unwrap();
    assert_eq!(got[0], want);
    assert_eq!((got[1]["error"]["code"].as_str(), got[2]["error"]["code"].as_str()), (Some("INVALID_JSON"), Some("INVALID_JSON")));
    assert_eq!(got[3]["ok"], false);
    assert_eq!(got[3]["error"]["code"], "INPUT_TOO_LARGE");
    assert_eq!(got[4], want);
    assert_eq!(got[5], want, "the last line needs no newline");
}

//! The month's JSON reader (src/reader.rs) against serde_json (`input::parse_root_serde`, the same
//! slots filled through serde): on every text, both accept or both reject, and what they read is
//! equal. (serde_json's `float_roundtrip` is on in this build, a dev-dependency feature, so both
//! round decimals correctly.) Texts: the example scenarios, generated months, hand-picked edge
//! cases of RFC 8259, and thousands of byte-level mutations of valid months.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/src/gen.rs"]
mod gen;

use ccm_engine::input::{parse_root, parse_root_serde};
use std::path::PathBuf;

fn agree(text: &str) -> bool {
    let ours = parse_root(text);
    let theirs = parse_root_serde(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the reader and serde_json read different inputs from {text:?}"),
        (Err(_), Err(_)) => {}
        _ => panic!("the reader says {:?}, serde_json says {:?}, for {text:?}", ours.as_ref().err(), theirs.as_ref().err().map(ToString::to_string)),
    }
    ours.is_ok()
}

fn months() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let jsonl = std::fs::read_to_string(root.join("../shared/scenarios/examples.jsonl")).expect("examples.jsonl");
    let examples = gen::example_inputs(&jsonl);
    let mut out: Vec<String> = examples.iter().map(ToString::to_string).collect();
    let mut mix = gen::Mix(0x5EED);
    for _ in 0..500 {
        let b: Vec<u8> = (0..2048).map(|_| mix.next() as u8).collect();
        let mut u = arbitrary::Unstructured::new(&b);
        out.push(gen::seeded_month(&mut u, &examples).expect("generated month").to_string());
    }
    out
}

#[test]
fn months_read_alike() {
    let months = months();
    for m in &months {
        assert!(agree(m), "a generated month is valid JSON: {m}");
        // Pretty-printed (other whitespace), the same input.
        let v: serde_json::Value = serde_json::from_str(m).unwrap();
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        assert_eq!(parse_root(&pretty).unwrap(), parse_root(m).unwrap());
    }
}

#[test]
fn edge_cases_read_alike() {
    let valid = [
        r#"{}"#, r#" {"serviceMonth":"2026-03"} "#, "\t\r\n{\"serviceMonth\" :\n\"2026-03\"}\r\n", r#"[]"#, "null", "0", "-0", "-0.0",
        r#""text""#, r#"{"serviceMonth":"2026-03","serviceMonth":"2026-04"}"#,
        r#"{"serviceMonth":"2026-03","serviceMonth":null}"#, r#"{"patient":{"ref":"a"},"patient":{"newPatient":true}}"#,
        r#"{"a":"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t"}"#, r#"{"asOf":"\u0032026-03-31"}"#, r#"{"ser\u0076iceMonth":"2026-03"}"#,
        r#"{"serviceMonth":"\ud83d\ude00 🙂 é"}"#, r#"{"payment":{"gpci":{"work":1.034,"pe":0.9999999999999999999,"mp":1E-3}}}"#,
        r#"{"payment":{"gpci":{"work":123456789012345678901234567890,"pe":-1.5e+2,"mp":18446744073709551616}}}"#,
        r#"{"timeEntries":[{"minutes":20},{"minutes":-0},{"minutes":2e1},{"minutes":1.5},null,7,"x",[1,[2]],{}]}"#,
        r#"{"conditions":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}"#, r#"{"unknown":{"a":[{"b":[1,2,{"c":null}]},true,false]}}"#,
        r#"{"rulePack":{"id":"p","nested":{"a":[1,{"b":"\n"}]}}}"#, r#"{"rulePack":"medicare-cy2026"}"#, r#"{"rulePack":["x"]}"#,
        r#"{"timeEntries":{"a":1},"conditions":"E11.9","consent":[],"track":7,"supervisionAttested":"yes"}"#,
        "{\"narrative\":\"tab\\tand é\"}", "[44444444444407373380644244444603406e776]", r#"{"x":[1e400,-1e999]}"#,
        r#"{"x":"\ud800","y":{"\udfff":"\ud83d\u0041"}}"#, r#"{"rulePack":7e0,"timeEntries":[{"minutes":1e2}]}"#,
        r#"{"a":"12345678901234567890123456789012345678\"x"}"#, r#"{"track":{"a":{"\ud800":1e999}}}"#,
        r#"{"track":["\ud800",1e999]}"#, r#"{"x":{"\ud800":1}}"#,
    ];
    for t in valid {
        assert!(agree(t), "valid JSON: {t}");
    }
    let deep_unknown = format!("{{\"x\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
    assert!(agree(&deep_unknown), "an ignored value may nest deeply (as serde_json allows)");
    let deep_wrong = format!("{{\"timeEntries\":[{}{}]}}", "[".repeat(3000), "]".repeat(3000));
    assert!(agree(&deep_wrong));
    // A custom pack is read as a tree, and serde_json's nesting limit (128 levels, counted from
    // the month's own braces) applies to it: exactly at the limit, and one below it.
    for n in 120..=130 {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let pack = format!("{{\"rulePack\":{{\"x\":{}1{}}}}}", open.repeat(n), close.repeat(n));
            // The month's object, the pack, n levels: valid while the deepest is at most the 127th.
            assert_eq!(agree(&pack), n <= 125, "pack nested {n} deep");
            let empty = format!("{{\"rulePack\":{{\"x\":{}[]{}}}}}", "[".repeat(n), "]".repeat(n));
            assert_eq!(agree(&empty), n <= 124, "pack nested {n} deep around an empty array");
        }
    }

    let invalid = [
        "", " ", "{", "}", "[", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "{,}", "{\"a\" 1}", "{'a':1}", "{a:1}", "01", "-",
        "1.", ".5", "1e", "1e+", "+1", "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "tru", "nul", "truex", "\"abc",
        "\"a\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\ud83d\"", "\"\\ud83dx\"", "\"\\ud83d\\n\"", "\"\\ude00\"", "\"\\ud83d\\ud83d\"",
        "\"tab\there\"", "\"nl\nhere\"", "\"\u{1f}\"", "{\"a\":1}x", "{\"a\":1} {}", "{\"a\":1}]", "[1 2]", "{\"a\":1 \"b\":2}",
        "\u{feff}{}", "\u{a0}{}", "{\"a\":1}\u{0}", "// c\n{}", "{\"timeEntries\":[{\"minutes\":1,}]}",
        "{\"x\":[[[[]]]", "{\"x\":{\"y\":{\"z\":1}}", r#"{"asOf":"\ud800"}"#, r#"{"asOf":1e400}"#,
        r#"{"timeEntries":[{"minutes":1e400}]}"#, r#"{"\ud800":1}"#, r#"{"rulePack":{"a":1e400}}"#, r#"{"rulePack":{"a":"\udc00"}}"#,
        r#"{"track":{"\ud800":1}}"#, r#"{"conditions":{"a":1,"\udc00":2}}"#, r#"{"x":"\u12"}"#, r#"{"x":"\q"}"#, "{\"x\":\"a\u{1}\"}", "{\"rulePack\":{\"id\":\"p\",}}", "{\"rulePack\":{\"id\":\"p\"",
    ];
    for t in invalid {
        assert!(!agree(t), "invalid JSON: {t:?}");
    }
}

/// Byte-level mutations of valid months (delete, insert or replace a byte from JSON's
/// alphabet), each checked for agreement: most are invalid somewhere in the middle of a string,
/// a number, a key or a nesting. `CCM_READER_MUTATIONS` sets how many (default 20,000).
#[test]
fn mutations_read_alike() {
    const ALPHABET: &[u8] = b"{}[]\":,\\/ \n\t-+.0123456789eEtrufalsn\x01\x7fu\xc3\xa9";
    let months = months();
    let mut mix = gen::Mix(0xBAD_5EED);
    let (mut ok, mut bad) = (0, 0);
    let rounds: usize = std::env::var("CCM_READER_MUTATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    for round in 0..rounds {
        let mut b = months[round % months.len()].clone().into_bytes();
        for _ in 0..1 + mix.below(3) {
            let at = mix.below(b.len() + 1);
            match mix.below(3) {
                0 if at < b.len() => {
                    b.remove(at);
                }
                1 => b.insert(at, ALPHABET[mix.below(ALPHABET.len())]),
                _ if at < b.len() => b[at] = ALPHABET[mix.below(ALPHABET.len())],
                _ => {}
            }
        }
        let Ok(text) = String::from_utf8(b) else { continue };
        if agree(&text) { ok += 1 } else { bad += 1 }
    }
    println!("{ok} mutated months valid, {bad} invalid");
    assert!(ok > 1000 && bad > 1000, "the mutations exercise both outcomes ({ok} valid, {bad} invalid)");
}

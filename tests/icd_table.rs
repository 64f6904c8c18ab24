//! The embedded ICD-10-CM table (src/icd.rs, src/data/icd10cm.bin) against the shared reference
//! files: every billable code with its CCIR v2026.1 status, every FY2026 header, unknown inputs, and
//! the embedded bytes against a fresh run of tools/gen_icd_table.py.
mod common;

use common::root;
use ccm_engine::icd::{self, Chronic, CodeStatus};
use flate2::read::GzDecoder;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn data(name: &str) -> PathBuf {
    root().join("../shared/data").join(name)
}

/// Minimal CSV splitting: the description columns may be quoted, but only the leading unquoted
/// columns (code, flag) are used here, so splitting on the first two commas is enough.
fn first_two(line: &str) -> (&str, &str) {
    let mut it = line.splitn(3, ',');
    (it.next().unwrap_or(""), it.next().unwrap_or(""))
}

/// (billable codes, header codes) from the FY2026 order file.
fn fy2026() -> (Vec<String>, Vec<String>) {
    let file = std::fs::File::open(data("icd10cm-fy2026.csv.gz")).expect("icd10cm-fy2026.csv.gz");
    let mut text = String::new();
    GzDecoder::new(file).read_to_string(&mut text).expect("gunzip icd10cm-fy2026.csv.gz");
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("code,billable,"), "unexpected header");
    let (mut billable, mut headers) = (Vec::new(), Vec::new());
    for line in lines {
        match first_two(line) {
            (code, "1") => billable.push(code.to_string()),
            (code, "0") => headers.push(code.to_string()),
            other => panic!("unexpected row {other:?}"),
        }
    }
    (billable, headers)
}

/// icd10cm_code → ccir_v2026_1 (as written: "0", "1", "9" or "").
fn ccir() -> HashMap<String, String> {
    let text = std::fs::read_to_string(data("ccir-icd10cm.csv")).expect("ccir-icd10cm.csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("icd10cm_code,ccir_v2026_1,ccir_v2023_1"));
    lines.map(first_two).map(|(c, v)| (c.to_string(), v.to_string())).collect()
}

fn expected(ccir: &HashMap<String, String>, code: &str) -> Chronic {
    match ccir.get(code).map(String::as_str) {
        Some("0") => Chronic::No,
        Some("1") => Chronic::Yes,
        _ => Chronic::Undetermined,
    }
}

#[test]
fn every_billable_code_has_its_ccir_v2026_status() {
    let (billable, _) = fy2026();
    let ccir = ccir();
    assert_eq!(billable.len(), icd::BILLABLE_CODES);
    let mut wrong = Vec::new();
    for code in &billable {
        let want = CodeStatus::Billable(expected(&ccir, code));
        let got = icd::lookup(code);
        if got != want {
            wrong.push(format!("{code}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} mismatches, first: {:?}", wrong.len(), &wrong[..wrong.len().min(10)]);
}

#[test]
fn every_fy2026_header_is_a_header() {
    let (_, headers) = fy2026();
    assert_eq!(headers.len(), 23_467);
    let wrong: Vec<_> = headers.iter().filter(|c| icd::lookup(c) != CodeStatus::Header).collect();
    assert!(wrong.is_empty(), "{} headers not recognized, first: {:?}", wrong.len(), &wrong[..wrong.len().min(10)]);
}

#[test]
fn the_april_2026_codes_missing_from_ccir_are_undetermined() {
    let ccir = ccir();
    let (billable, _) = fy2026();
    let absent: Vec<&str> = billable.iter().map(String::as_str).filter(|c| !ccir.contains_key(*c)).collect();
    assert_eq!(
        absent,
        [
            "D57454", "G40C01", "G40C09", "G40C11", "G40C19", "H36822", "N02B4", "N02B5", "QA00101", "QA00102",
            "QA00109", "QA0011", "QA0012", "QA00131", "QA00139", "QA00141", "QA00142", "QA00149", "QA00151", "QA00159",
            "QA08", "R92343", "Z2981", "Z2989", "Z91158", "Z91A48",
        ]
    );
    for code in absent {
        assert_eq!(icd::lookup(code), CodeStatus::Billable(Chronic::Undetermined), "{code}");
    }
}

#[test]
fn spot_checks() {
    use CodeStatus::*;
    assert_eq!(icd::lookup("E119"), Billable(Chronic::Yes), "type 2 diabetes without complications");
    assert_eq!(icd::lookup("I10"), Billable(Chronic::Yes), "essential hypertension");
    // CCIR v2026.1 (and v2023.1) mark the initial encounter for a femoral neck fracture not chronic.
    assert_eq!(icd::lookup("S72001A"), Billable(Chronic::No), "hip fracture, initial encounter");
    assert_eq!(icd::lookup("E11"), Header);
    assert_eq!(icd::lookup("E116"), Header);
    assert_eq!(icd::lookup("S72001"), Header);
    // Placeholder-X prefixes are not listed as headers by CMS but do begin billable codes.
    assert_eq!(icd::lookup("E1137X"), Header);
    assert_eq!(icd::lookup("E1137X1"), Billable(expected(&ccir(), "E1137X1")));
}

#[test]
fn unknown_and_malformed_inputs() {
    let long = "E".repeat(100);
    for code in [
        "E1190",
        "ZZZ",
        "E11.9",
        "",
        "e119",
        "E1",
        "E",
        "I",
        "119",
        "E119 ",
        " E119",
        "E11\u{e9}",
        "É119",
        "S72001AA",
        &long,
        "\0\0\0",
        "E11\u{0}",
    ] {
        assert_eq!(icd::lookup(code), CodeStatus::Unknown, "{code:?}");
    }
}

/// Every 3- and 4-character string over the code alphabet, and every billable code with its last
/// character replaced or one character appended: the table must agree with the CSV-derived sets.
#[test]
fn neighbourhood_of_real_codes_agrees_with_the_csv() {
    let (billable, _) = fy2026();
    let set: HashSet<&str> = billable.iter().map(String::as_str).collect();
    let prefixes: HashSet<&str> = billable.iter().flat_map(|c| (3..c.len()).map(move |n| &c[..n])).collect();
    let want = |code: &str| {
        if set.contains(code) {
            "billable"
        } else if prefixes.contains(code) {
            "header"
        } else {
            "unknown"
        }
    };
    let got = |code: &str| match icd::lookup(code) {
        CodeStatus::Billable(_) => "billable",
        CodeStatus::Header => "header",
        CodeStatus::Unknown => "unknown",
    };
    let mut candidates = Vec::new();
    for &a in &ALPHABET[10..] {
        for &b in ALPHABET {
            for &c in ALPHABET {
                candidates.push(String::from_utf8(vec![a, b, c]).unwrap());
                for &d in ALPHABET {
                    candidates.push(String::from_utf8(vec![a, b, c, d]).unwrap());
                }
            }
        }
    }
    for code in &billable {
        for &x in ALPHABET {
            let mut replaced = code[..code.len() - 1].to_string();
            replaced.push(x as char);
            candidates.push(replaced);
            if code.len() < 7 {
                candidates.push(format!("{code}{}", x as char));
            }
        }
    }
    let mut wrong = Vec::new();
    for code in &candidates {
        if got(code) != want(code) {
            wrong.push(format!("{code}: got {}, want {}", got(code), want(code)));
        }
    }
    assert!(wrong.is_empty(), "{} disagreements, first: {:?}", wrong.len(), &wrong[..wrong.len().min(10)]);
}

#[test]
fn source_names_both_releases() {
    assert!(icd::SOURCE.contains("ICD-10-CM FY2026"));
    assert!(icd::SOURCE.contains("April 1, 2026"));
    assert!(icd::SOURCE.contains("v2026.1"));
}

#[test]
fn embedded_table_matches_the_generator() {
    if Command::new("python3").arg("--version").output().is_err() {
        println!("note: python3 not found; skipped the tools/gen_icd_table.py --check comparison");
        return;
    }
    let out = Command::new("python3")
        .args(["tools/gen_icd_table.py", "--check"])
        .current_dir(root())
        .output()
        .expect("run tools/gen_icd_table.py --check");
    assert!(
        out.status.success(),
        "src/data/icd10cm.bin differs from the generator's output:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

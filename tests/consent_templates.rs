//! The built-in consent templates (CONTRACT §8): consent/templates.json must match the script
//! files byte for byte, and every `textSha256` must be the SHA-256 of the exact UTF-8 text.
//! Regenerate with `python3 tools/gen_consent.py` after editing a script.
mod common;

use common::root;
use serde_json::Value;
use sha2::{Digest, Sha256};

const ELEMENTS: [&str; 4] = ["availability", "costSharing", "rightToStop", "onePractitioner"];

fn templates() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("consent/templates.json")).expect("consent/templates.json");
    match serde_json::from_str::<Value>(&text).expect("templates.json is JSON") {
        Value::Array(items) => items,
        other => panic!("templates.json must be an array, got {other}"),
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn field<'a>(t: &'a Value, key: &str) -> &'a str {
    t.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("template field {key} must be a string: {t}"))
}

#[test]
fn templates_json_lists_english_and_spanish_sorted_by_version() {
    let items = templates();
    let versions: Vec<&str> = items.iter().map(|t| field(t, "version")).collect();
    let mut sorted = versions.clone();
    sorted.sort();
    assert_eq!(versions, sorted, "templates.json must be sorted by version");
    assert!(versions.contains(&"ccm-consent-en-2026.1"), "{versions:?}");
    assert!(versions.contains(&"ccm-consent-es-2026.1"), "{versions:?}");
    let mut dedup = versions.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), versions.len(), "versions must be unique");
}

#[test]
fn every_template_hash_and_text_match_its_file() {
    for t in templates() {
        let version = field(&t, "version");
        let language = field(&t, "language");
        let text = field(&t, "text");
        let sha = field(&t, "textSha256");
        assert!(version.starts_with(&format!("ccm-consent-{language}-")), "{version} vs language {language}");
        assert!(!field(&t, "title").trim().is_empty(), "{version}: empty title");
        assert_eq!(sha.len(), 64, "{version}: textSha256 must be 64 hex digits");
        assert!(sha.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)), "{version}: lower-case hex");
        assert_eq!(sha, hex_sha256(text.as_bytes()), "{version}: textSha256 is not the SHA-256 of text");

        let file = std::fs::read(root().join(format!("consent/{version}.txt"))).expect("the template's .txt file");
        assert_eq!(String::from_utf8(file.clone()).expect("UTF-8"), text, "{version}: stale templates.json, run tools/gen_consent.py");
        assert_eq!(hex_sha256(&file), sha);

        let elements: Vec<&str> = t["elements"].as_array().expect("elements array").iter().filter_map(Value::as_str).collect();
        assert_eq!(elements, ELEMENTS, "{version}: elements");

        assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{version}: must end with a single newline");
        assert!(!text.contains('\r'), "{version}: LF line ends only");
        assert!(!text.contains('[') && !text.contains(']'), "{version}: no placeholders");
        assert!(text.trim_end().ends_with('?'), "{version}: must close with the consent question");
    }
}

/// Each script must say each required element in so many words (a cheap guard against an edit
/// that drops one; the element list in the JSON is what the engine relies on).
#[test]
fn scripts_cover_the_four_required_elements() {
    let phrases: &[(&str, &[&str])] = &[
        (
            "en",
            &[
                "Chronic Care Management",                // availability
                "24 hours a day, 7 days a week",          // availability: 24/7 access
                "care plan",                              // availability: care plan
                "20 percent coinsurance",                 // cost sharing
                "Part B deductible",                      // cost sharing
                "secondary insurance",                    // cost sharing: other coverage
                "at the end of that calendar month",      // right to stop
                "only one practitioner",                  // one practitioner
                "share your health information",          // information sharing
                "our practice",
            ],
        ),
        (
            "es",
            &[
                "Gestión de Atención Crónica",
                "las 24 horas del día, los 7 días de la semana",
                "plan de atención",
                "coseguro del 20 por ciento",
                "deducible de la Parte B",
                "seguro secundario",
                "al final de ese mes calendario",
                "un solo profesional",
                "compartir su información de salud",
                "nuestro consultorio",
            ],
        ),
    ];
    let items = templates();
    for (language, wanted) in phrases {
        let t = items.iter().find(|t| field(t, "language") == *language).unwrap_or_else(|| panic!("no {language} template"));
        let text = field(t, "text");
        for phrase in *wanted {
            assert!(text.contains(phrase), "{language} script lacks {phrase:?}");
        }
    }
}

//! The registry of finding codes (`ccm_engine::finding::CODES`) against every other place a code
//! appears: the contract, the engine's own source, the TypeScript `FindingCode` union, each
//! built-in pack's `findingRules`, the page's words and the fuzz invariants' severity table. A
//! code added in one place and forgotten in another fails here.

mod common;

use ccm_engine::finding::{default_severity, Severity, CODES};
use std::collections::BTreeSet;

fn registry() -> BTreeSet<&'static str> {
    CODES.iter().map(|c| c.code).collect()
}

fn read(path: &str) -> String {
    let p = common::root().join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Upper-case identifiers of two or more words (`CONSENT_MISSING`) in `text`.
fn codes_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for word in text.split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')) {
        if word.contains('_') && word.len() > 6 && word.starts_with(|c: char| c.is_ascii_uppercase()) && !word.ends_with('_') {
            out.insert(word.to_string());
        }
    }
    out
}

fn differ(what: &str, have: &BTreeSet<String>, want: &BTreeSet<&str>) {
    let missing: Vec<&&str> = want.iter().filter(|c| !have.contains(**c)).collect();
    let extra: Vec<&String> = have.iter().filter(|c| !want.contains(c.as_str())).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{what}: missing {missing:?}, not in the registry {extra:?}");
}

#[test]
fn codes_are_unique_and_severities_come_from_the_registry() {
    assert_eq!(registry().len(), CODES.len(), "a code is listed twice");
    for c in CODES {
        assert_eq!(default_severity(c.code), c.severity.unwrap_or(Severity::Error), "{}", c.code);
        assert!(!c.source.is_empty(), "{} has no source", c.code);
    }
}

/// Every code of CONTRACT §5 and §10 is in the registry with the contract's severity.
#[test]
fn the_contract_codes_are_registered() {
    let contract = read("../shared/CONTRACT.md");
    let section = |from: &str, to: &str| -> String {
        let a = contract.find(from).unwrap_or_else(|| panic!("no {from}"));
        let b = contract[a..].find(to).map_or(contract.len(), |b| a + b);
        contract[a..b].to_string()
    };
    let errors = ["INVALID_JSON", "INVALID_INPUT", "INPUT_TOO_LARGE", "UNKNOWN_RULE_PACK", "NO_RULE_PACK_FOR_MONTH", "INVALID_RULE_PACK"];
    let mut named = codes_in(&section("## 5. Finding codes", "## 6."));
    named.extend(codes_in(&section("New finding codes:", "\n\n")));
    for code in named.iter().filter(|c| !errors.contains(&c.as_str())) {
        assert!(registry().contains(code.as_str()), "CONTRACT names {code}, the registry does not");
    }
    for line in section("## 5. Finding codes", "## 6.").lines().filter(|l| l.starts_with('|')) {
        let sev = ["error", "warning", "info"].into_iter().find(|s| line.trim_end().trim_end_matches('|').trim_end().ends_with(s));
        if let (Some(sev), false) = (sev, line.contains(" / ")) {
            for code in codes_in(line) {
                let reg = CODES.iter().find(|c| c.code == code).unwrap();
                assert_eq!(reg.severity.map(Severity::as_str), Some(sev), "{code}: the contract says {sev}");
            }
        }
    }
}

/// Every code the engine's source reports is registered.
#[test]
fn the_engine_reports_registered_codes_only() {
    let mut used = BTreeSet::new();
    for entry in std::fs::read_dir(common::root().join("src")).unwrap().chain(std::fs::read_dir(common::root().join("src/json")).unwrap()) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("finding.rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices("Finding::") {
                let call = &text[i..text.len().min(i + 200)];
                if let Some(q) = call.find('"') {
                    let code: String = call[q + 1..].chars().take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_').collect();
                    if code.len() > 3 {
                        used.insert(code);
                    }
                }
            }
        }
    }
    assert!(used.len() > 40, "found only {} codes in src/", used.len());
    for code in &used {
        assert!(registry().contains(code.as_str()), "src/ reports {code}, the registry does not list it");
    }
}

#[test]
fn the_typescript_union_lists_exactly_the_registry() {
    let ts = read("src/ts/types.d.ts");
    let a = ts.find("export type FindingCode =").unwrap();
    let b = a + ts[a..].find(';').unwrap();
    let union: BTreeSet<String> = ts[a..b].split('"').skip(1).step_by(2).map(str::to_string).collect();
    differ("types.d.ts FindingCode", &union, &registry());
}

/// Each built-in pack cites a rule for every registered code (but the one a pack without
/// programs reports about itself), and maps no unregistered code; every conflict table names
/// registered codes.
#[test]
fn every_pack_cites_every_code() {
    let ids: serde_json::Value = serde_json::from_str(&ccm_engine::api::rule_packs_json()).unwrap();
    for id in ids.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()) {
        let pack: serde_json::Value = serde_json::from_str(&ccm_engine::api::rule_pack_json(id).unwrap()).unwrap();
        let rules: BTreeSet<String> = pack["findingRules"].as_object().unwrap().keys().cloned().collect();
        let want: BTreeSet<&str> = registry().into_iter().filter(|c| *c != "PROGRAM_NOT_IN_RULE_PACK").collect();
        differ(&format!("{id} findingRules"), &rules, &want);
        let rule_ids: BTreeSet<&str> = pack["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        for (code, rule) in pack["findingRules"].as_object().unwrap() {
            // A final pack never reports RULE_PACK_PROVISIONAL; its rule is listed by provisional ones.
            if code == "RULE_PACK_PROVISIONAL" && pack["status"] != "provisional" {
                continue;
            }
            assert!(rule_ids.contains(rule.as_str().unwrap()), "{id}: {code} cites {rule}, which the pack's rules do not list");
        }
        let tables = [&pack["conflicts"], &pack["programs"]["pcm"]["conflicts"], &pack["programs"]["apcm"]["conflicts"]];
        for row in tables.into_iter().flat_map(|t| t.as_array().unwrap()) {
            let code = row["finding"].as_str().unwrap();
            assert!(registry().contains(code), "{id}: a conflict table names {code}");
        }
    }
}

#[test]
fn the_page_has_words_for_every_code() {
    let words = read("www/js/words.js");
    let a = words.find("export const FINDINGS = {").unwrap();
    let keys: BTreeSet<String> = words[a..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("};"))
        .filter_map(|l| l.trim().strip_suffix(": {").map(str::to_string))
        .collect();
    differ("www/js/words.js FINDINGS", &keys, &registry());
}

#[test]
fn the_fuzz_invariants_agree_with_the_registry() {
    let inv = read("fuzz/src/invariants.rs");
    let a = inv.find("const SEVERITIES").unwrap();
    let b = a + inv[a..].find("];").unwrap();
    let mut table = BTreeSet::new();
    for line in inv[a..b].lines().filter(|l| l.trim_start().starts_with("(\"")) {
        let code = line.split('"').nth(1).unwrap().to_string();
        let sev = line.split("Some(\"").nth(1).map(|s| s.split('"').next().unwrap());
        let reg = CODES.iter().find(|c| c.code == code).unwrap_or_else(|| panic!("the invariants list {code}, the registry does not"));
        // The registry may be stricter (a conflict's contract severity); never different.
        if let Some(sev) = sev {
            assert_eq!(reg.severity.map(Severity::as_str), Some(sev), "{code}");
        }
        table.insert(code);
    }
    differ("fuzz/src/invariants.rs SEVERITIES", &table, &registry());
}

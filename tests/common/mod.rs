//! Shared by the integration tests: the example scenarios and their `expect` checker
//! (../shared/scenarios/README.md).
#![allow(dead_code)]

pub mod months;

use serde_json::Value;
use std::path::PathBuf;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Case {
    pub name: String,
    pub input: Value,
    pub expect: Value,
}

pub fn examples() -> Vec<Case> {
    let path = std::env::var("CCM_EXAMPLES").map(PathBuf::from).unwrap_or_else(|_| root().join("../shared/scenarios/examples.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("example line is JSON");
            Case { name: v["name"].as_str().unwrap_or("?").to_string(), input: v["input"].clone(), expect: v["expect"].clone() }
        })
        .collect()
}

fn pairs(v: &Value) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = v
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    if let Some(p) = x.as_array() {
                        (p[0].as_str().unwrap_or("").to_string(), p[1].as_i64().unwrap_or(-1))
                    } else {
                        (x["code"].as_str().unwrap_or("").to_string(), x["units"].as_i64().unwrap_or(-1))
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap_or(f64::NAN) * 100.0).round() as i64
}

/// Every problem with `result` against `expect`, as messages (empty: it holds).
pub fn check(result: &Value, expect: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let want_ok = expect.get("ok").and_then(Value::as_bool).unwrap_or(true);
    if result["ok"].as_bool() != Some(want_ok) {
        bad.push(format!("ok: want {want_ok}, got {}", result["ok"]));
        return bad;
    }
    if !want_ok {
        if let Some(code) = expect.get("errorCode") {
            if &result["error"]["code"] != code {
                bad.push(format!("error.code: want {code}, got {}", result["error"]["code"]));
            }
        }
        for p in expect.get("issuePaths").and_then(Value::as_array).into_iter().flatten() {
            let p = p.as_str().unwrap_or("");
            let found = result["error"]["issues"].as_array().into_iter().flatten().any(|i| i["path"].as_str().is_some_and(|x| x.starts_with(p)));
            if !found {
                bad.push(format!("no issue path starting with {p}"));
            }
        }
        return bad;
    }
    let e = &result["evaluation"];
    for (key, field) in [("status", "status"), ("track_", "track")] {
        if let Some(want) = expect.get(key) {
            if &e[field] != want {
                bad.push(format!("{field}: want {want}, got {}", e[field]));
            }
        }
    }
    for key in ["lines", "supportedLines"] {
        if let Some(want) = expect.get(key) {
            if pairs(want) != pairs(&e[key]) {
                bad.push(format!("{key}: want {:?}, got {:?}", pairs(want), pairs(&e[key])));
            }
        }
    }
    let codes: Vec<&str> = e["findings"].as_array().into_iter().flatten().filter_map(|f| f["code"].as_str()).collect();
    for f in expect.get("findings").and_then(Value::as_array).into_iter().flatten() {
        if !codes.contains(&f.as_str().unwrap_or("")) {
            bad.push(format!("finding {f} missing (have {codes:?})"));
        }
    }
    for f in expect.get("absentFindings").and_then(Value::as_array).into_iter().flatten() {
        if codes.contains(&f.as_str().unwrap_or("")) {
            bad.push(format!("finding {f} present"));
        }
    }
    if let Some(sev) = expect.get("severity").and_then(Value::as_object) {
        for (code, want) in sev {
            let ok = e["findings"].as_array().into_iter().flatten().any(|f| f["code"] == code.as_str() && &f["severity"] == want);
            if !ok {
                bad.push(format!("no {code} finding with severity {want}"));
            }
        }
    }
    if let Some(t) = expect.get("time").and_then(Value::as_object) {
        for (k, want) in t {
            if &e["time"][k] != want {
                bad.push(format!("time.{k}: want {want}, got {}", e["time"][k]));
            }
        }
    }
    if let Some(want) = expect.get("nextUnit") {
        let got = &e["time"]["nextUnit"];
        match want.as_object() {
            Some(o) => {
                for (k, w) in o {
                    if &got[k] != w {
                        bad.push(format!("nextUnit.{k}: want {w}, got {}", got[k]));
                    }
                }
            }
            None => {
                if got != want {
                    bad.push(format!("nextUnit: want {want}, got {got}"));
                }
            }
        }
    }
    for (key, field) in [("daysLeft", "daysLeft"), ("monthComplete", "monthComplete")] {
        if let Some(want) = expect.get(key) {
            let got = if field == "daysLeft" { &e["time"]["nextUnit"]["daysLeft"] } else { &e["time"][field] };
            if got != want {
                bad.push(format!("{key}: want {want}, got {got}"));
            }
        }
    }
    for key in ["allowed", "coinsurance"] {
        if let Some(want) = expect.get(key) {
            if cents(want) != cents(&e["payment"][key]) {
                bad.push(format!("payment.{key}: want {want}, got {}", e["payment"][key]));
            }
        }
    }
    for t in expect.get("alternativesInclude").and_then(Value::as_array).into_iter().flatten() {
        if !e["alternatives"].as_array().into_iter().flatten().any(|a| &a["track"] == t) {
            bad.push(format!("alternatives lack {t}"));
        }
    }
    if let Some(o) = expect.get("alternativeBlockedBy").and_then(Value::as_object) {
        for (track, code) in o {
            let codes: Vec<&Value> = match code {
                Value::Array(a) => a.iter().collect(),
                c => vec![c],
            };
            let alt = e["alternatives"].as_array().into_iter().flatten().find(|a| a["track"] == track.as_str());
            for c in codes {
                if !alt.is_some_and(|a| a["blockedBy"].as_array().into_iter().flatten().any(|b| b == c)) {
                    bad.push(format!("alternative {track} not blocked by {c}"));
                }
            }
        }
    }
    if let Some(want) = expect.get("consentMatchesClaim") {
        if &e["consent"]["matchesClaim"] != want {
            bad.push(format!("consent.matchesClaim: want {want}, got {}", e["consent"]["matchesClaim"]));
        }
    }
    if let Some(o) = expect.get("checklist").and_then(Value::as_object) {
        for (item, want) in o {
            let got = e["checklist"].as_array().into_iter().flatten().find(|c| c["item"] == item.as_str()).map(|c| c["ok"].clone());
            if got.as_ref() != Some(want) {
                bad.push(format!("checklist.{item}: want {want}, got {got:?}"));
            }
        }
    }
    bad
}

//! What-if revenue projection for a panel (CONTRACT §7), by the same track and price code that
//! evaluates a month: each band's minutes are run through [`crate::tracks::support`] and
//! [`crate::price`] exactly as a month's counted time would be.
//!
//! Input: `{ rulePack?, serviceMonth? (default 2026-01), payment?, patients, eligibleShare? (1),
//! enrollment? (1), bands: [{ track, minutes, share }], staffCostPerHour? (0) }`. Patient-months
//! per band = patients × eligibleShare × enrollment × share. A band "near miss" is 1–5 minutes
//! short of its next code (15–19 or 35–39 minutes on the staff track): the value of that next
//! unit is reported as minutes left on the table. APCM (G0557, level 2) is priced per enrolled
//! patient-month for comparison.

use crate::evaluate::RulePackInfo;
use crate::input::MAX_JSON_BYTES;
use crate::pack::{self, Pack};
use crate::price;
use crate::time::{Pool, MINUTE_US};
use crate::validate::{self, InputError, Issue, PaymentOptions};
use serde::Serialize;
use serde_json::{json, Value};

const MAX_BANDS: usize = 100;
/// A band this close to its next code counts as minutes left on the table.
const NEAR_MISS_MINUTES: i64 = 5;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BandOut {
    track: String,
    minutes: f64,
    share: f64,
    patient_months: f64,
    lines: Vec<LineOut>,
    allowed_per_patient_month: f64,
    allowed: f64,
    coinsurance: f64,
    staff_cost: f64,
    next_unit: Option<Value>,
    near_miss: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LineOut {
    code: String,
    units: i64,
    allowed: f64,
    coinsurance: f64,
}

fn err(issues: Vec<Issue>) -> String {
    let e = InputError::new("INVALID_INPUT", "the what-if scenario is not valid", issues);
    serde_json::to_string(&json!({ "ok": false, "error": e })).unwrap_or_default()
}

fn issue(path: &str, message: &str) -> Issue {
    Issue { path: path.to_string(), message: message.to_string() }
}

// Bounds are whole numbers and formatted as integers: formatting an f64 would link core's float
// printer (about 7 KB gzipped of wasm) for an error message.
fn number(o: &serde_json::Map<String, Value>, key: &str, path: &str, min: u32, max: u32, default: Option<f64>, issues: &mut Vec<Issue>) -> f64 {
    let (lo, hi) = (f64::from(min), f64::from(max));
    match o.get(key) {
        None | Some(Value::Null) if default.is_some() => default.unwrap_or(0.0),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(x) if x.is_finite() && (lo..=hi).contains(&x) => x,
            _ => {
                issues.push(issue(path, &format!("expected a number from {min} to {max}")));
                0.0
            }
        },
        _ => {
            issues.push(issue(path, &format!("expected a number from {min} to {max}")));
            0.0
        }
    }
}

fn round_cents(x: f64) -> f64 {
    (x.round()) / 100.0
}

pub fn project_json(json: &str) -> String {
    if json.len() > MAX_JSON_BYTES {
        return err(vec![issue("", "the scenario is larger than 2 MiB")]);
    }
    let v: Value = match crate::input::Json::parse(json).map(crate::input::Json::into_value) {
        Ok(v) => v,
        Err(_) => {
            let e = InputError::new("INVALID_JSON", "the scenario is not valid JSON", vec![issue("", "invalid JSON")]);
            return serde_json::to_string(&json!({ "ok": false, "error": e })).unwrap_or_default();
        }
    };
    let Some(o) = v.as_object() else { return err(vec![issue("", "expected an object (a what-if scenario)")]) };
    let mut issues = Vec::new();
    let patients = number(o, "patients", "patients", 0, 1_000_000_000, None, &mut issues);
    let eligible = number(o, "eligibleShare", "eligibleShare", 0, 1, Some(1.0), &mut issues);
    let enrollment = number(o, "enrollment", "enrollment", 0, 1, Some(1.0), &mut issues);
    let cost = number(o, "staffCostPerHour", "staffCostPerHour", 0, 1_000_000, Some(0.0), &mut issues);
    let month = match o.get("serviceMonth") {
        None | Some(Value::Null) => validate::parse_month("2026-01"),
        Some(Value::String(s)) => validate::parse_month(s),
        _ => None,
    };
    if month.is_none() {
        issues.push(issue("serviceMonth", "expected a month YYYY-MM"));
    }
    // Payment options: the same lenient reader and checks as a month's (the scenario's `payment`
    // placed in a minimal month, so issue paths read `payment.…` as they do for a month).
    let probe = format!(
        r#"{{"serviceMonth":"2026-01","billingPractitioner":{{"id":"what-if"}},"payment":{}}}"#,
        o.get("payment").map_or_else(|| "null".to_string(), Value::to_string)
    );
    let checked = match crate::input::parse_root(&probe) {
        Ok(root) => validate::check_root(&root).map(|c| c.payment).map_err(|e| e.issues),
        Err(_) => Err(vec![issue("payment", "expected an object")]),
    };
    let payment: PaymentOptions = match checked {
        Ok(p) => p,
        Err(e) => {
            issues.extend(e);
            PaymentOptions::default()
        }
    };
    let mut custom: Option<Pack> = None;
    let pack: Option<&Pack> = match (o.get("rulePack"), &month) {
        (_, None) => None,
        (None | Some(Value::Null), Some(m)) => pack::built_in_for(m.first, m.last),
        (Some(Value::String(id)), _) => pack::built_in_by_id(id),
        (Some(p @ Value::Object(_)), _) => match Pack::from_value(p, "rulePack") {
            Ok(p) => Some(&*custom.insert(p)),
            Err(e) => {
                issues.extend(e);
                None
            }
        },
        _ => None,
    };
    let mut payment = payment;
    if let Some(p) = pack {
        if let Err(i) = crate::price::localize(&mut payment, p) {
            issues.push(i);
        }
    }
    if pack.is_none() && month.is_some() && !issues.iter().any(|i| i.path.starts_with("rulePack")) {
        issues.push(issue("rulePack", "no such rule pack, or none covers serviceMonth"));
    }
    let bands_in: &[Value] = match o.get("bands") {
        Some(Value::Array(a)) if a.len() <= MAX_BANDS => a,
        Some(Value::Array(_)) => {
            issues.push(issue("bands", "at most 100 bands"));
            &[]
        }
        _ => {
            issues.push(issue("bands", "expected an array of { track, minutes, share }"));
            &[]
        }
    };
    let mut bands = Vec::new();
    let mut share_sum = 0.0;
    for (i, b) in bands_in.iter().enumerate() {
        let p = format!("bands[{i}]");
        let Some(bo) = b.as_object() else {
            issues.push(issue(&p, "expected an object"));
            continue;
        };
        let track = match (bo.get("track").and_then(Value::as_str), pack) {
            (Some(t), Some(pk)) if pk.track(t).is_some() => Some(t.to_string()),
            (Some(t), None) if pack::TRACKS.contains(&t) => Some(t.to_string()),
            _ => {
                issues.push(issue(&format!("{p}.track"), "expected staff, complex or practitioner"));
                None
            }
        };
        let minutes = number(bo, "minutes", &format!("{p}.minutes"), 0, 44_640, None, &mut issues);
        let share = number(bo, "share", &format!("{p}.share"), 0, 1, None, &mut issues);
        share_sum += share;
        if let Some(t) = track {
            bands.push((t, minutes, share));
        }
    }
    if share_sum > 1.0 + 1e-9 {
        issues.push(issue("bands", "the bands' shares add up to more than 1"));
    }
    let Some(pack) = pack else { return err(issues) };
    if !issues.is_empty() {
        return err(issues);
    }

    let enrolled = patients * eligible * enrollment;
    let mut out_bands = Vec::new();
    let (mut pm_total, mut allowed_total, mut coins_total, mut cost_total) = (0.0, 0.0, 0.0, 0.0);
    let (mut miss_pm, mut miss_allowed) = (0.0, 0.0);
    for (track, minutes, share) in bands {
        let Some(def) = pack.track(&track) else { continue };
        let whole = minutes.floor() as i64;
        let pool = Pool { by_day: vec![whole * MINUTE_US], total: whole * MINUTE_US };
        let mdm = def.mdm.first().map(String::as_str);
        let t = crate::tracks::support(def, &pool, mdm);
        let pm = enrolled * share;
        let (mut per_a, mut per_c) = (0i64, 0i64);
        let lines: Vec<LineOut> = t.lines.iter().map(|u| {
            let unit = price::unit_cents(u.code, &payment, pack);
            let (a, c) = price::line_cents(unit, u.units, pack, false);
            per_a += a;
            per_c += c;
            LineOut { code: u.code.code.clone(), units: u.units, allowed: price::dollars(a), coinsurance: price::dollars(c) }
        }).collect();
        let allowed = round_cents(per_a as f64 * pm);
        let coins = round_cents(per_c as f64 * pm);
        let staff_cost = round_cents(pm * minutes / 60.0 * cost * 100.0);
        let near = t.next.is_some_and(|(_, n)| n <= NEAR_MISS_MINUTES);
        if near {
            if let Some((code, _)) = t.next {
                miss_pm += pm;
                miss_allowed += round_cents(price::unit_cents(code, &payment, pack) as f64 * pm);
            }
        }
        pm_total += pm;
        allowed_total += allowed;
        coins_total += coins;
        cost_total += staff_cost;
        out_bands.push(BandOut {
            track,
            minutes,
            share,
            patient_months: pm,
            lines,
            allowed_per_patient_month: price::dollars(per_a),
            allowed,
            coinsurance: coins,
            staff_cost,
            next_unit: t.next.map(|(c, n)| json!({ "code": c.code, "minutesNeeded": n })),
            near_miss: near,
        });
    }
    let r2 = |x: f64| (x * 100.0).round() / 100.0;
    let totals = |k: f64| json!({
        "patientMonths": pm_total * k,
        "allowed": r2(allowed_total * k),
        "coinsurance": r2(coins_total * k),
        "staffCost": r2(cost_total * k),
        "margin": r2((allowed_total - cost_total) * k),
        "minutesLeftOnTable": { "patientMonths": miss_pm * k, "allowed": r2(miss_allowed * k) },
    });
    let apcm = pack.comparison.as_ref().map(|(code, rvu)| {
        let per = price::rvu_cents(rvu, &payment, pack);
        let monthly = round_cents(per as f64 * enrolled);
        json!({ "code": code, "perPatientMonth": price::dollars(per), "monthly": monthly, "annual": r2(monthly * 12.0) })
    });
    serde_json::to_string(&json!({
        "ok": true,
        "rulePack": RulePackInfo::of(pack),
        "enrolledPatients": enrolled,
        "bands": out_bands,
        "monthly": totals(1.0),
        "annual": totals(12.0),
        "apcmComparison": apcm,
    }))
    .unwrap_or_default()
}

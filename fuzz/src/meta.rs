//! Metamorphic checks: transformations of a month (as JSON) that must not change the engine's
//! decision, or may only change it one way (issue 3, "Invariants").
//!
//! - split one timed entry into two adjacent entries at a whole minute inside the month;
//! - reorder the entries;
//! - move every timed entry to another UTC offset with the same local times;
//! - add one counted minute, or extend one entry by a minute: the allowed amount never drops,
//!   and with a forced track no line is removed;
//! - counted minutes never exceed the sum of the entries.
//!
//! Shared by the fuzz targets (fuzz/src/lib.rs) and tests/properties.rs (included by path):
//! depends only on `serde_json` and `chrono`.

#![allow(dead_code)]

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::{json, Value};

/// A timed entry's start or end: local wall-clock time and the offset text (`None`: floating).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stamp {
    pub local: NaiveDateTime,
    /// Minutes east of UTC, or `None` for floating time.
    pub offset: Option<i32>,
}

impl Stamp {
    pub fn parse(s: &str) -> Option<Stamp> {
        if s.len() < 19 || !s.is_char_boundary(19) {
            return None;
        }
        let (head, tail) = s.split_at(19);
        let local = NaiveDateTime::parse_from_str(head, "%Y-%m-%dT%H:%M:%S").ok()?;
        let offset = match tail.as_bytes() {
            [] => None,
            [b'Z'] => Some(0),
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let d = |c: &u8| c.is_ascii_digit().then(|| i32::from(c - b'0'));
                let (h, m) = (d(h1)? * 10 + d(h2)?, d(m1)? * 10 + d(m2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                Some(if *sign == b'-' { -(h * 60 + m) } else { h * 60 + m })
            }
            _ => return None,
        };
        Some(Stamp { local, offset })
    }

    pub fn text(&self) -> String {
        let base = self.local.format("%Y-%m-%dT%H:%M:%S").to_string();
        match self.offset {
            None => base,
            Some(o) => {
                let (sign, a) = if o < 0 { ('-', -o) } else { ('+', o) };
                format!("{base}{sign}{:02}:{:02}", a / 60, a % 60)
            }
        }
    }

    /// The instant in minutes-precision UTC terms (floating time as if UTC).
    pub fn utc(&self) -> NaiveDateTime {
        self.local - Duration::minutes(i64::from(self.offset.unwrap_or(0)))
    }
}

/// An entry's start and end, when both are present, parse, and share one offset form.
pub fn interval(e: &Value) -> Option<(Stamp, Stamp)> {
    let s = Stamp::parse(e["start"].as_str()?)?;
    let t = Stamp::parse(e["end"].as_str()?)?;
    (s.offset.is_some() == t.offset.is_some()).then_some((s, t))
}

/// The service month's first day and the first day of the next month.
pub fn month_bounds(m: &Value) -> Option<(NaiveDate, NaiveDate)> {
    let sm = m["serviceMonth"].as_str()?;
    let first = NaiveDate::parse_from_str(&format!("{sm}-01"), "%Y-%m-%d").ok()?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some((first, next))
}

fn entries(m: &Value) -> &[Value] {
    m["timeEntries"].as_array().map_or(&[], Vec::as_slice)
}

/// The same month with entry `i` split at the `k`-th whole minute strictly inside it (and
/// strictly inside the month, in local time), or `None` when entry `i` cannot be split.
pub fn split_entry(m: &Value, i: usize, k: u32) -> Option<Value> {
    let e = entries(m).get(i)?;
    if e.get("date").is_some() || e.get("minutes").is_some() {
        return None;
    }
    let (s, t) = interval(e)?;
    if s.offset != t.offset {
        return None;
    }
    let (first, next) = month_bounds(m)?;
    let lo = s.local.max(first.and_hms_opt(0, 0, 0)?);
    let hi = t.local.min(next.and_hms_opt(0, 0, 0)?);
    // Whole minutes p with lo < p < hi (local), where p is also on a whole minute of the clock.
    let mut p = lo + Duration::minutes(1);
    p -= Duration::seconds(i64::from(chrono::Timelike::second(&p)));
    let room = (hi - p).num_minutes();
    if room < 1 || p <= lo {
        return None;
    }
    let p = p + Duration::minutes(i64::from(k) % room);
    if !(lo < p && p < hi) {
        return None;
    }
    let cut = Stamp { local: p, offset: s.offset }.text();
    let mut a = e.clone();
    let mut b = e.clone();
    a["end"] = json!(cut);
    b["start"] = json!(cut);
    if let Some(id) = e["id"].as_str() {
        b["id"] = json!(format!("{id}-split"));
    }
    let mut out = m.clone();
    let list = out["timeEntries"].as_array_mut()?;
    list[i] = a;
    list.insert(i + 1, b);
    Some(out)
}

/// The indices of entries `split_entry` can split.
pub fn splittable(m: &Value) -> Vec<usize> {
    (0..entries(m).len()).filter(|&i| split_entry(m, i, 0).is_some()).collect()
}

/// The same month with its entries permuted by `order` (a permutation of their indices).
pub fn reorder(m: &Value, order: &[usize]) -> Option<Value> {
    let list = entries(m);
    if order.len() != list.len() {
        return None;
    }
    let mut out = m.clone();
    out["timeEntries"] = Value::Array(order.iter().map(|&i| list[i].clone()).collect());
    Some(out)
}

/// Every timed entry moved by `delta` minutes of UTC offset, its local times unchanged.
/// `None` when the month has no offset-bearing entry, mixes them with floating entries (whose
/// relative position would change), or a new offset would leave ±14:00.
pub fn shift_offsets(m: &Value, delta: i32) -> Option<Value> {
    let mut out = m.clone();
    let mut any = false;
    for e in out["timeEntries"].as_array_mut()?.iter_mut() {
        for key in ["start", "end"] {
            let Some(text) = e.get(key).and_then(Value::as_str) else { continue };
            let Some(st) = Stamp::parse(text) else { continue };
            match st.offset {
                None => return None,
                Some(o) => {
                    let n = o + delta;
                    if !(-14 * 60..=14 * 60).contains(&n) {
                        return None;
                    }
                    e[key] = json!(Stamp { local: st.local, offset: Some(n) }.text());
                    any = true;
                }
            }
        }
    }
    any.then_some(out)
}

/// The same month with one more entry: `minutes` on `day` (0-based day of the month, clamped)
/// by `role`, with a narrative that passes, a name and an id.
pub fn add_minutes(m: &Value, role: &str, day: u32, minutes: u32) -> Option<Value> {
    let (first, next) = month_bounds(m)?;
    let days = (next - first).num_days() as u32;
    let d = first + Duration::days(i64::from(day % days));
    let mut out = m.clone();
    let id = m["billingPractitioner"]["id"].clone();
    let performer = if role == "billing_practitioner" {
        json!({ "role": role, "name": "Added Practitioner", "id": id })
    } else {
        json!({ "role": role, "name": "Added Staff", "id": "added-staff" })
    };
    let entry = json!({
        "id": "added", "performer": performer, "date": d.format("%Y-%m-%d").to_string(), "minutes": minutes,
        "narrative": "Reviewed medication list with the patient and updated the care plan goals",
    });
    match out.get_mut("timeEntries").and_then(Value::as_array_mut) {
        Some(list) => list.push(entry),
        None => out["timeEntries"] = json!([entry]),
    }
    Some(out)
}

/// The same month with CCM entry `i`'s end one minute later (`None` for another service's entry:
/// a longer TCM or RPM interval rightly cuts more CCM time).
pub fn extend_entry(m: &Value, i: usize) -> Option<Value> {
    let e = entries(m).get(i)?;
    if !matches!(e.get("service"), None | Some(Value::Null)) && e["service"] != "ccm" {
        return None;
    }
    let (_, t) = interval(e)?;
    let later = Stamp { local: t.local + Duration::minutes(1), offset: t.offset };
    let mut out = m.clone();
    out["timeEntries"][i]["end"] = json!(later.text());
    Some(out)
}

/// Milliseconds of every entry taken at face value (intervals end − start, `date` + `minutes`
/// entries their minutes), or `None` if some entry cannot be read this way.
pub fn entries_ms(m: &Value) -> Option<i64> {
    let mut sum = 0i64;
    for e in entries(m) {
        if let Some(n) = e.get("minutes").and_then(Value::as_i64) {
            sum += n.max(0) * 60_000;
        } else if let Some(s) = e.get("start").and_then(Value::as_str) {
            let raw = |x: &str| -> Option<NaiveDateTime> {
                let st = Stamp::parse(x).or_else(|| Stamp::parse(&format!("{}:00{}", &x.get(..16)?, x.get(16..)?)))?;
                Some(st.utc())
            };
            let (a, b) = (raw(s)?, raw(e["end"].as_str()?)?);
            sum += (b - a).num_milliseconds().max(0);
        }
    }
    Some(sum)
}

/// The decision of an evaluation: everything but the findings' paths and messages.
/// Findings enter as the sorted set of (code, severity).
pub fn decision(e: &Value) -> Value {
    let mut codes: Vec<(String, String)> = e["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| (f["code"].as_str().unwrap_or("").to_string(), f["severity"].as_str().unwrap_or("").to_string()))
        .collect();
    codes.sort();
    codes.dedup();
    json!({
        "status": e["status"], "track": e["track"], "lines": e["lines"], "supportedLines": e["supportedLines"],
        "payment": e["payment"], "time": e["time"], "alternatives": e["alternatives"], "checklist": e["checklist"],
        "consent": e["consent"], "findings": codes,
    })
}

/// `(code, units)` of a line list.
pub fn units(lines: &Value) -> Vec<(String, i64)> {
    lines
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| (l["code"].as_str().unwrap_or("").to_string(), l["units"].as_i64().unwrap_or(0)))
        .collect()
}

/// Every line of `before` is in `after` with at least as many units.
pub fn lines_kept(before: &Value, after: &Value) -> bool {
    let a = units(after);
    units(before).iter().all(|(c, n)| a.iter().any(|(c2, n2)| c2 == c && n2 >= n))
}

/// Cents of `payment.allowed`.
pub fn allowed_cents(e: &Value) -> i64 {
    (e["payment"]["allowed"].as_f64().unwrap_or(0.0) * 100.0).round() as i64
}

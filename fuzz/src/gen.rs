//! Structure-aware generators driven by `arbitrary`: well-typed months and mutated rule packs.
//!
//! The generator builds well-typed months (valid JSON types everywhere, values mostly drawn from
//! the contract's vocabularies and from dates around the service month, with some edge values
//! mixed in), so the fuzzer spends its time in the engine's rules rather than in its parser.
//! Months are JSON values (never a `Deserialize` of `MonthInput`); typed inputs come from
//! `ccm_engine::parse`.
//!
//! Shared by the fuzz targets (through fuzz/src/lib.rs) and by tests/properties.rs and
//! tests/doors.rs, which include this file by path: it depends only on `arbitrary`,
//! `serde_json` and `ccm_engine`'s public API.

#![allow(dead_code)]

use arbitrary::{Result, Unstructured};
use serde_json::{json, Map, Value};

/// splitmix64: a fixed, dependency-free random stream, for the tests and benchmarks that feed
/// the generator a seeded byte string (tests/doors.rs, tests/reader.rs, benches/engine.rs).
pub struct Mix(pub u64);

impl Mix {
    /// The next 64 bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `n` bytes of the stream seeded with `seed` (each 64-bit word little-endian).
pub fn seeded_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut mix = Mix(seed);
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        out.extend_from_slice(&mix.next().to_le_bytes());
    }
    out.truncate(n);
    out
}

/// Marks every free-text field the generator writes; the output must never contain it.
pub const MARK: &str = "Qz7Free";

const ROLES: &[&str] = &["rn", "lpn", "ma", "clinical_staff", "other_practitioner", "billing_practitioner", "non_clinical"];
const SERVICES: &[&str] = &["ccm", "ccm", "ccm", "ccm", "tcm", "pcm", "rpm", "rtm", "bhi", "chi", "pin", "em", "apcm", "other"];
const SETTINGS: &[&str] = &["community", "community", "community", "inpatient", "snf_part_a"];
const CONDITIONS: &[&str] = &[
    "E11.9", "I10", "E78.5", "J44.9", "I50.9", "F32.9", "N18.30", "E66.9", "I48.91", "G30.9", "E11.65", "E1165", "e11.9",
    "I11.0", "J45.909", "J06.9", "S72.001A", "E11", "I1", "XYZ", "E11.", "E.119", "", " I10 ", "Z99.89", "M17.11",
];
const OTHER_CODES: &[&str] = &[
    "99490", "99439", "99487", "99491", "G0556", "G0557", "99424", "99426", "G0181", "90951", "90970", "99495", "99213",
    "99457", "g0556", "",
];
const TZ: &[&str] = &["-05:00", "-08:00", "Z", "+00:00", "+05:30", "-04:00", "+14:00", "-12:00", ""];
const BILLERS: &[&str] = &["1111111111", "2222222222", "3333333333"];
const MDM: &[&str] = &["straightforward", "low", "moderate", "high"];
const VISIT_TYPES: &[&str] = &["em", "awv", "ippe", "tcm", "phone", "EM", ""];
const METHODS: &[&str] = &["verbal", "written", "electronic"];
const VERSIONS: &[&str] = &["ccm-consent-en-2026.1", "ccm-consent-es-2026.1", "practice-ccm-v3", ""];
const ELEMENTS: &[&str] = &["availability", "costSharing", "rightToStop", "onePractitioner", "other"];
const NARRATIVES: &[&str] = &[
    "Reviewed home glucose log with patient and adjusted the care plan goals",
    "Called pharmacy to reconcile medications after the specialist visit",
    "CCM call - 20 minutes",
    "short",
    "",
    "Coordinated a home health referral and updated the shared care plan",
];

fn pick<'a>(u: &mut Unstructured, xs: &[&'a str]) -> Result<&'a str> {
    Ok(*u.choose(xs)?)
}

/// A civil date as days from 2000-03-01 (so leap days fall at a year's end).
fn civil(days: i64) -> (i64, i64, i64) {
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + 2000 + i64::from(m <= 2);
    (y, m, d)
}

/// Days from 2000-03-01 of y-m-d.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } - 2000;
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

pub fn date_str(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The month being generated: its first day (as days) and length.
struct Ctx {
    first: i64,
    len: i64,
    tz: &'static str,
    /// A "wild" month (about one in four) may hold invalid values: malformed dates, an end before
    /// its start, an unknown role, bad minutes. Others are valid, so the rules get exercised.
    /// When the bytes run out, `arbitrary` answers the low end of every range: tame choices.
    wild: bool,
}

impl Ctx {
    /// A date near the month: mostly within a year before it to a few days after.
    fn date(&self, u: &mut Unstructured) -> Result<Value> {
        Ok(match u.int_in_range(0u8..=19)? {
            0 => json!(null),
            1 if self.wild => json!(pick(u, &["2026-02-30", "2026-3-01", "", "20260301", "2026-13-01", "0000-01-01", "9999-12-31"])?),
            1 => json!(date_str(self.first)),
            2..=6 => json!(date_str(self.first + i64::from(u.int_in_range(0u8..=40)?) - 5)),
            _ => json!(date_str(self.first - i64::from(u.int_in_range(0u16..=800)?) + 30)),
        })
    }
    fn day_in_month(&self, u: &mut Unstructured) -> Result<i64> {
        // Mostly inside the month; sometimes the day after it or the day before it.
        let k = i64::from(u.int_in_range(0u8..=(self.len as u8 + 1))?);
        Ok(if k == self.len + 1 { self.first - 1 } else { self.first + k })
    }
    fn datetime(&self, day: i64, minute: i64, tz: &str, seconds: bool) -> String {
        let day = day + minute.div_euclid(1440);
        let minute = minute.rem_euclid(1440);
        let (h, mi) = (minute / 60, minute % 60);
        if seconds {
            format!("{}T{h:02}:{mi:02}:30{tz}", date_str(day))
        } else {
            format!("{}T{h:02}:{mi:02}:00{tz}", date_str(day))
        }
    }
}

fn entry(u: &mut Unstructured, cx: &Ctx, biller: &str, i: usize) -> Result<Value> {
    let mut e = Map::new();
    if u.ratio(7u8, 8)? {
        e.insert("id".into(), json!(format!("t{i}")));
    }
    if u.ratio(15u8, 16)? {
        let mut p = Map::new();
        let role = match u.int_in_range(0u8..=15)? {
            14 => None,
            15 if cx.wild => Some("janitor"),
            _ => Some(pick(u, ROLES)?),
        };
        if let Some(r) = role {
            p.insert("role".into(), json!(r));
        }
        let who = u.int_in_range(0u8..=4)?;
        if u.ratio(6u8, 7)? {
            p.insert("name".into(), json!(format!("{MARK} Person {who}")));
        }
        match u.int_in_range(0u8..=3)? {
            0 => {}
            1 => {
                p.insert("id".into(), json!(biller));
            }
            _ => {
                p.insert("id".into(), json!(format!("s-{who}")));
            }
        }
        e.insert("performer".into(), Value::Object(p));
    }
    let day = cx.day_in_month(u)?;
    match u.int_in_range(0u8..=9)? {
        0..=6 => {
            let start = i64::from(u.int_in_range(0u16..=1439)?);
            let len = match u.int_in_range(0u8..=9)? {
                0 => 0,
                1 => i64::from(u.int_in_range(0u16..=3000)?),
                2 if cx.wild => -i64::from(u.int_in_range(1u8..=30)?),
                _ => i64::from(u.int_in_range(1u8..=90)?),
            };
            // Mostly the month's own offset; sometimes another (a traveller, a DST change).
            let tz = if u.int_in_range(0u8..=9)? == 9 { pick(u, TZ)? } else { cx.tz };
            // A different end offset (a DST change, or an error) only in wild months.
            let tz_end = if cx.wild && u.int_in_range(0u8..=9)? == 9 { pick(u, TZ)? } else { tz };
            let secs = u.int_in_range(0u8..=7)? == 7;
            if !cx.wild || u.ratio(31u8, 32)? {
                e.insert("start".into(), json!(cx.datetime(day, start, tz, secs)));
            }
            if !cx.wild || u.ratio(31u8, 32)? {
                e.insert("end".into(), json!(cx.datetime(day, start + len, tz_end, false)));
            }
        }
        _ => {
            e.insert("date".into(), json!(date_str(day)));
            let m: Value = match u.int_in_range(0u8..=12)? {
                9 if cx.wild => json!(1441),
                10 if cx.wild => json!(-1),
                11 if cx.wild => json!(12.5),
                12 => json!(1440),
                _ => json!(u.int_in_range(0u8..=60)?),
            };
            e.insert("minutes".into(), m);
            if cx.wild && u.int_in_range(0u8..=39)? == 39 {
                e.insert("start".into(), json!(cx.datetime(day, 600, cx.tz, false)));
            }
        }
    }
    if u.ratio(7u8, 8)? {
        let n = pick(u, NARRATIVES)?;
        e.insert("narrative".into(), json!(if n.len() > 25 { format!("{n} {MARK}") } else { n.to_string() }));
    }
    if u.ratio(1u8, 3)? {
        e.insert("service".into(), json!(pick(u, SERVICES)?));
    }
    if u.ratio(1u8, 4)? {
        e.insert("patientSetting".into(), json!(pick(u, SETTINGS)?));
    }
    Ok(Value::Object(e))
}

/// A well-typed month, as JSON.
pub fn month(u: &mut Unstructured) -> Result<Value> {
    // Half the months are "tidy": every eligibility element in order, so their status follows
    // from the time entries, conflicts and track. Exhausted bytes give a tidy month.
    let tidy = u.int_in_range(0u8..=1)? == 0;
    let wild = !tidy && u.int_in_range(0u8..=2)? == 2;
    let years: &[i64] = if wild { &[2026, 2026, 2025, 2024, 2027] } else { &[2026, 2026, 2025] };
    let year = *u.choose(years)?;
    let mo = i64::from(u.int_in_range(1u8..=12)?);
    let first = days_from_civil(year, mo, 1);
    let next = if mo == 12 { days_from_civil(year + 1, 1, 1) } else { days_from_civil(year, mo + 1, 1) };
    let cx = Ctx { first, len: next - first, tz: pick(u, TZ)?, wild };
    let biller = pick(u, BILLERS)?;
    let mut m = Map::new();
    m.insert("serviceMonth".into(), json!(format!("{year:04}-{mo:02}")));
    if u.ratio(1u8, 3)? {
        m.insert("asOf".into(), cx.date(u)?);
    }
    if u.ratio(1u8, 8)? {
        let ids: &[&str] = if wild { &["medicare-cy2026", "medicare-cy2025", "medicare-cy2099"] } else { &["medicare-cy2026", "medicare-cy2025"] };
        m.insert("rulePack".into(), json!(pick(u, ids)?));
    }
    if u.ratio(1u8, 3)? {
        m.insert("track".into(), json!(pick(u, &["auto", "staff", "complex", "practitioner", "staff", "complex"])?));
    }
    if u.ratio(1u8, 3)? {
        let g = |u: &mut Unstructured| -> Result<Value> {
            Ok(json!(*u.choose(&[1.0f64, 1.0, 0.0, 0.5, 1.234567, 0.9999995, 10.0, 2.5])?))
        };
        m.insert(
            "payment".into(),
            json!({
                "setting": pick(u, &["nonFacility", "facility"])?,
                "qualifyingApmParticipant": u.arbitrary::<bool>()?,
                "gpci": { "work": g(u)?, "pe": g(u)?, "mp": g(u)? },
            }),
        );
    }
    let cred = pick(u, &["MD", "DO", "NP", "PA", "CNS", "CNM", "RN", " MD"])?;
    let mut bp = json!({ "id": biller, "credential": cred });
    if u.ratio(2u8, 3)? {
        bp["groupId"] = json!(pick(u, &["TIN-1", "TIN-2"])?);
    }
    m.insert("billingPractitioner".into(), bp);
    if u.ratio(7u8, 8)? {
        m.insert(
            "patient".into(),
            json!({ "ref": format!("{MARK}-p"), "newPatient": u.ratio(1u8, 5)?, "lastVisitDate": cx.date(u)? }),
        );
    }
    let n = if u.int_in_range(0u8..=7)? == 7 { u.int_in_range(0u8..=1)? } else { u.int_in_range(2u8..=5)? };
    let mut conds = Vec::new();
    for _ in 0..n {
        let mut c = json!({ "code": pick(u, CONDITIONS)? });
        if u.ratio(1u8, 5)? {
            c["chronic"] = json!(u.int_in_range(0u8..=3)? != 3);
        }
        if u.ratio(1u8, 8)? {
            c["significantRisk"] = json!(u.arbitrary::<bool>()?);
        }
        conds.push(c);
    }
    m.insert("conditions".into(), Value::Array(conds));
    if u.ratio(7u8, 8)? {
        let mut c = Map::new();
        let status = pick(u, &["accepted", "accepted", "accepted", "declined", "revoked"])?;
        c.insert("status".into(), json!(status));
        if u.ratio(9u8, 10)? {
            c.insert("date".into(), cx.date(u)?);
        }
        if u.ratio(9u8, 10)? {
            c.insert("method".into(), json!(pick(u, METHODS)?));
        }
        if u.ratio(9u8, 10)? {
            c.insert("version".into(), json!(pick(u, VERSIONS)?));
        }
        if u.ratio(1u8, 2)? {
            let els: Vec<&str> = ELEMENTS.iter().copied().filter(|_| u.ratio(4u8, 5).unwrap_or(true)).collect();
            c.insert("elements".into(), json!(els));
        }
        if u.ratio(3u8, 4)? {
            c.insert("practitionerId".into(), json!(if u.ratio(7u8, 8)? { biller } else { "9999999999" }));
        }
        if status == "revoked" || u.int_in_range(0u8..=9)? == 9 {
            c.insert("revokedOn".into(), cx.date(u)?);
        }
        c.insert("capturedBy".into(), json!({ "name": format!("{MARK} Capturer"), "role": "rn" }));
        m.insert("consent".into(), Value::Object(c));
    }
    if u.ratio(1u8, 2)? {
        m.insert("initiatingVisit".into(), json!({ "date": cx.date(u)?, "type": pick(u, VISIT_TYPES)?, "practitionerId": biller }));
    }
    if u.ratio(7u8, 8)? {
        let flag = |u: &mut Unstructured| -> Result<Value> {
            Ok(match u.int_in_range(0u8..=11)? {
                0 => json!(false),
                1 => json!(null),
                _ => json!(true),
            })
        };
        let revised: Vec<Value> = (0..u.int_in_range(0u8..=2)?).map(|_| cx.date(u)).collect::<Result<_>>()?;
        m.insert(
            "carePlan".into(),
            json!({
                "established": cx.date(u)?, "electronic": flag(u)?, "accessible24x7": flag(u)?,
                "sharedWithPatient": flag(u)?, "signedBy": if u.ratio(9u8, 10)? { biller } else { "someone-else" },
                "signedOn": cx.date(u)?, "lastReviewed": cx.date(u)?, "revisedOn": revised,
            }),
        );
    }
    if u.ratio(1u8, 2)? {
        m.insert("complexity".into(), json!({ "mdm": pick(u, MDM)? }));
    }
    if u.ratio(9u8, 10)? {
        m.insert("supervisionAttested".into(), json!(u.ratio(9u8, 10)?));
    }
    let n = u.arbitrary_len::<[u8; 8]>()?.min(60);
    let entries: Vec<Value> = (0..n).map(|i| entry(u, &cx, biller, i)).collect::<Result<_>>()?;
    m.insert("timeEntries".into(), Value::Array(entries));
    if u.ratio(1u8, 3)? {
        let k = u.int_in_range(0u8..=3)?;
        let mut s = Vec::new();
        for _ in 0..k {
            let mut o = json!({ "code": pick(u, OTHER_CODES)? });
            if u.ratio(3u8, 4)? {
                o["date"] = cx.date(u)?;
            }
            if u.ratio(3u8, 4)? {
                o["practitionerId"] = json!(if u.ratio(1u8, 2)? { biller } else { "4444444444" });
            }
            if u.ratio(1u8, 2)? {
                o["groupId"] = json!(pick(u, &["TIN-1", "TIN-2"])?);
            }
            s.push(o);
        }
        m.insert("otherServices".into(), Value::Array(s));
    }
    if u.int_in_range(0u8..=3)? == 3 {
        let mut c = Map::new();
        if u.ratio(3u8, 4)? {
            c.insert("consentVersion".into(), json!(pick(u, VERSIONS)?));
        }
        if u.int_in_range(0u8..=2)? == 2 {
            c.insert("consentTextSha256".into(), json!(pick(u, &["00ff", "ABC"])?));
        }
        m.insert("claim".into(), Value::Object(c));
    }
    if u.int_in_range(0u8..=15)? == 15 {
        m.insert("someUnknownField".into(), json!({ "nested": [1, 2, 3] }));
    }
    if tidy {
        make_tidy(u, &cx, biller, &mut m)?;
    }
    if u.ratio(1u8, 4)? {
        programs(u, &mut m)?;
    }
    Ok(Value::Object(m))
}

/// CONTRACT §10's inputs: the programs to decide, a PCM focus, a disease-specific plan, APCM's
/// attestations (most of its elements, sometimes all), QMB status.
fn programs(u: &mut Unstructured, m: &mut Map<String, Value>) -> Result<()> {
    let lists: &[&[&str]] = &[&["ccm", "pcm", "apcm"], &["pcm"], &["apcm"], &["ccm"], &["ccm", "apcm"], &[]];
    m.insert("programs".into(), json!(u.choose(lists)?));
    if let Some(Value::Array(conds)) = m.get_mut("conditions") {
        let n = conds.len();
        if n > 0 && u.ratio(3u8, 4)? {
            let i = u.int_in_range(0..=n - 1)?;
            conds[i]["pcmFocus"] = json!(true);
        }
    }
    if let Some(cp) = m.get_mut("carePlan").and_then(Value::as_object_mut) {
        cp.insert("diseaseSpecific".into(), json!(u.ratio(3u8, 4)?));
    }
    const APCM_ELEMENTS: [&str; 10] = ["access24x7", "continuity", "alternativeCareDelivery", "comprehensiveCareManagement", "carePlan",
        "careTransitions", "careCoordination", "enhancedCommunication", "populationManagement", "performanceMeasurement"];
    let all = u.ratio(2u8, 3)?;
    let els: Vec<&str> = APCM_ELEMENTS.iter().copied().filter(|_| all || u.ratio(9u8, 10).unwrap_or(true)).collect();
    m.insert("apcm".into(), json!({ "responsibleForPrimaryCare": u.ratio(7u8, 8)?, "elementsAttested": els }));
    if u.ratio(1u8, 4)? {
        if let Some(p) = m.get_mut("patient").and_then(Value::as_object_mut) {
            p.insert("qmb".into(), json!(true));
        }
    }
    Ok(())
}

/// Chronic condition codes of distinct categories.
const CHRONIC: &[&str] = &["E11.9", "I10", "E78.5", "J44.9", "I50.9", "F32.9", "N18.30", "I48.91", "G30.9", "M17.11"];

/// Replaces a month's eligibility elements by valid ones: two or more chronic conditions,
/// accepted consent with its details before the month, a recent visit, a signed electronic care
/// plan, supervision. Time entries, asOf, track, payment, MDM and other services stay random
/// (other services only non-conflicting codes).
fn make_tidy(u: &mut Unstructured, cx: &Ctx, biller: &str, m: &mut Map<String, Value>) -> Result<()> {
    let before = |u: &mut Unstructured, lo: u16, hi: u16| -> Result<String> { Ok(date_str(cx.first - i64::from(u.int_in_range(lo..=hi)?))) };
    let k = u.int_in_range(2usize..=4)?;
    let start = u.choose_index(CHRONIC.len())?;
    let conds: Vec<Value> = (0..k).map(|i| json!({ "code": CHRONIC[(start + i) % CHRONIC.len()] })).collect();
    m.insert("conditions".into(), Value::Array(conds));
    m.insert("billingPractitioner".into(), json!({ "id": biller, "credential": pick(u, &["MD", "DO", "NP", "PA"])?, "groupId": "TIN-1" }));
    let visit = before(u, 1, 300)?;
    m.insert("patient".into(), json!({ "ref": format!("{MARK}-p"), "newPatient": false, "lastVisitDate": visit }));
    m.insert("initiatingVisit".into(), json!({ "date": visit, "type": pick(u, &["em", "awv", "ippe", "tcm"])?, "practitionerId": biller }));
    let mut consent = json!({
        "status": "accepted", "date": before(u, 0, 300)?, "method": pick(u, METHODS)?,
        "version": pick(u, &["ccm-consent-en-2026.1", "ccm-consent-es-2026.1", "practice-ccm-v3"])?,
        "elements": ["availability", "costSharing", "rightToStop", "onePractitioner"], "practitionerId": biller,
        "capturedBy": { "name": format!("{MARK} Capturer"), "role": "rn" },
    });
    // Sometimes consent starts inside the month: earlier time then does not count.
    if u.int_in_range(0u8..=5)? == 5 {
        consent["date"] = json!(date_str(cx.first + i64::from(u.int_in_range(0u8..=20)?)));
    }
    m.insert("consent".into(), consent);
    let established = before(u, 20, 300)?;
    let mut revised = vec![json!(before(u, 1, 200)?)];
    if u.ratio(1u8, 2)? {
        revised.push(json!(date_str(cx.first + i64::from(u.int_in_range(0u8..=20)?))));
    }
    m.insert("carePlan".into(), json!({
        "established": established, "electronic": true, "accessible24x7": true, "sharedWithPatient": true,
        "signedBy": biller, "signedOn": established, "lastReviewed": before(u, 0, 100)?, "revisedOn": revised,
    }));
    m.insert("supervisionAttested".into(), json!(true));
    m.remove("claim");
    if let Some(Value::Array(rows)) = m.get_mut("otherServices") {
        rows.retain(|r| matches!(r["code"].as_str(), Some("99495" | "99213" | "99457" | "")));
    }
    Ok(())
}

/// A rule pack derived from a built-in one by a few fuzz-chosen mutations (CONTRACT §9).
pub fn mutated_pack(u: &mut Unstructured) -> Result<Value> {
    let id = pick(u, &["medicare-cy2026", "medicare-cy2025"])?;
    let mut p: Value = ccm_engine::api::rule_pack_json(id)
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let n = u.int_in_range(0u8..=6)?;
    for _ in 0..n {
        mutate_pack(u, &mut p)?;
    }
    Ok(p)
}

fn small_number(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0u8..=12)? {
        0 => json!(null),
        1 => json!(-1),
        2 => json!(0),
        3 => json!(1),
        4 => json!(44_640),
        5 => json!(44_641),
        6 => json!(1e300),
        7 => json!(0.5),
        8 => json!("20"),
        9 => json!(1000),
        10 => json!(u64::MAX),
        _ => json!(u.int_in_range(1u8..=90)?),
    })
}

/// `p[outer][key]`, made writable: a missing or non-object `outer` (an earlier mutation may have
/// replaced it by a string) becomes an empty object first, so the mutator never panics.
fn slot<'a>(p: &'a mut Value, outer: &str, key: &str) -> &'a mut Value {
    if !p.is_object() {
        *p = Value::Object(Map::new());
    }
    if !p[outer].is_object() {
        p[outer] = Value::Object(Map::new());
    }
    &mut p[outer][key]
}

fn mutate_pack(u: &mut Unstructured, p: &mut Value) -> Result<()> {
    if !p.is_object() {
        *p = Value::Object(Map::new());
    }
    let ncodes = p["codes"].as_array().map_or(0, Vec::len);
    match u.int_in_range(0u8..=17)? {
        0 | 1 if ncodes > 0 => {
            let i = u.choose_index(ncodes)?;
            let key = pick(u, &["thresholdMinutes", "unitMinutes", "maxUnits"])?;
            p["codes"][i][key] = small_number(u)?;
        }
        2 if ncodes > 0 => {
            let i = u.choose_index(ncodes)?;
            let key = pick(u, &["work", "peNonFacility", "peFacility", "mp"])?;
            p["codes"][i]["rvu"][key] = json!(*u.choose(&[0.0f64, 1000.0, 1000.5, -0.01, 0.005, 123.456789])?);
        }
        3 if ncodes > 0 => {
            let i = u.choose_index(ncodes)?;
            p["codes"][i]["track"] = json!(pick(u, &["staff", "complex", "practitioner", "other"])?);
        }
        4 if ncodes > 0 => {
            let i = u.choose_index(ncodes)?;
            p["codes"][i]["kind"] = json!(pick(u, &["base", "addon", "both"])?);
        }
        5 if ncodes > 0 => {
            let i = u.choose_index(ncodes)?;
            let j = u.choose_index(ncodes)?;
            let code = p["codes"][j]["code"].clone();
            p["codes"][i]["base"] = code;
        }
        6 if ncodes > 0 => {
            let i = u.choose_index(ncodes)?;
            if let Some(a) = p["codes"].as_array_mut() {
                a.remove(i);
            }
        }
        7 if ncodes > 0 => {
            let i = u.choose_index(ncodes)?;
            let c = p["codes"][i].clone();
            if let Some(a) = p["codes"].as_array_mut() {
                a.push(c);
            }
        }
        8 => {
            let order: Vec<&str> = (0..u.int_in_range(0u8..=4)?)
                .map(|_| pick(u, &["staff", "complex", "practitioner", "nope"]))
                .collect::<Result<_>>()?;
            *slot(p, "policies", "trackOrder") = json!(order);
        }
        9 => {
            let key = pick(u, &["minChronicConditions", "conditionCategoryLength", "narrativeMinChars",
                "initiatingVisitMaxMonths", "carePlanStaleMonths"])?;
            *slot(p, "policies", key) = small_number(u)?;
        }
        10 => {
            let key = pick(u, &["staffRoles", "practitionerRoles", "facilitySettings", "eligibleCredentials", "complexMdm", "initiatingVisitTypes"])?;
            let v: Vec<&str> = (0..u.int_in_range(0u8..=3)?)
                .map(|_| pick(u, &["rn", "ma", "billing_practitioner", "non_clinical", "inpatient", "community", "MD", "low", "em", ""]))
                .collect::<Result<_>>()?;
            *slot(p, "policies", key) = json!(v);
        }
        11 => {
            let key = pick(u, &["default", "qualifyingApmParticipant"])?;
            *slot(p, "conversionFactors", key) = json!(*u.choose(&[0.0f64, 1000.0, 1000.0001, 33.4009, -1.0, 0.00005])?);
        }
        12 => p["coinsurancePercent"] = small_number(u)?,
        13 => {
            let key = pick(u, &["effectiveFrom", "effectiveTo"])?;
            p[key] = json!(pick(u, &["2020-01-01", "2030-12-31", "2026-03-15", "bad", ""])?);
            if u.arbitrary()? {
                p["effectiveTo"] = Value::Null;
            }
        }
        14 => {
            let nconf = p["conflicts"].as_array().map_or(0, Vec::len);
            if nconf > 0 {
                let i = u.choose_index(nconf)?;
                let key = pick(u, &["samePractitioner", "sameGroup", "other"])?;
                p["conflicts"][i][key] = json!(pick(u, &["error", "warning", "info", "fatal"])?);
                if u.arbitrary()? {
                    p["conflicts"][i]["codes"] = json!(["99213", "G0556", "99490"]);
                }
            }
        }
        15 => {
            let key = pick(u, &["requiredElements", "builtInVersionsImplyElements"])?;
            *slot(p, "consent", key) = if key == "requiredElements" { json!(["availability", "x"]) } else { json!(u.arbitrary::<bool>()?) };
        }
        16 => {
            let key = pick(u, &["codes", "policies", "conflicts", "rules", "findingRules", "comparison", "id", "version", "consent"])?;
            if let Some(o) = p.as_object_mut() {
                if u.arbitrary()? {
                    o.remove(key);
                } else {
                    o.insert(key.into(), json!(pick(u, &["", "x"])?));
                }
            }
        }
        _ => {
            *slot(p, "policies", "complexRevisionRequired") = json!(u.arbitrary::<bool>()?);
            *slot(p, "policies", "supervisionRequired") = json!(u.arbitrary::<bool>()?);
        }
    }
    Ok(())
}


/// The inputs of the example scenarios (../shared/scenarios/examples.jsonl), as JSON values.
pub fn example_inputs(jsonl: &str) -> Vec<Value> {
    jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| v["input"].clone())
        .filter(Value::is_object)
        .collect()
}

/// A month to fuzz: when the first byte is below 0x80, example `byte % n` crossed with a fresh
/// generated month by the bytes that follow (no bytes left: the example unchanged, which is what
/// the committed seeds hold); otherwise a freshly generated month.
pub fn seeded_month(u: &mut Unstructured, examples: &[Value]) -> Result<Value> {
    let sel: u8 = u.arbitrary()?;
    if sel >= 0x80 || examples.is_empty() {
        return month(u);
    }
    let base = &examples[usize::from(sel) % examples.len()];
    if u.is_empty() {
        return Ok(base.clone());
    }
    let fresh = month(u)?;
    crossover(u, base, &fresh)
}

/// `base` with some of its fields replaced by `fresh`'s, and its entries mixed with fresh ones.
pub fn crossover(u: &mut Unstructured, base: &Value, fresh: &Value) -> Result<Value> {
    let (Some(b), Some(f)) = (base.as_object(), fresh.as_object()) else { return Ok(base.clone()) };
    let mut out = b.clone();
    for (k, v) in f {
        if k == "timeEntries" || k == "serviceMonth" {
            continue;
        }
        if u.int_in_range(0u8..=3)? == 3 {
            out.insert(k.clone(), v.clone());
        }
    }
    for k in b.keys() {
        if k != "serviceMonth" && u.int_in_range(0u8..=23)? == 23 {
            out.remove(k);
        }
    }
    // Entries: keep, drop, duplicate or replace each base entry; maybe append fresh ones (whose
    // dates follow the fresh month, so they land inside or outside the base month).
    let base_entries = b.get("timeEntries").and_then(Value::as_array).cloned().unwrap_or_default();
    let fresh_entries = f.get("timeEntries").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut entries = Vec::new();
    for e in base_entries {
        match u.int_in_range(0u8..=15)? {
            15 => {}
            14 => {
                entries.push(e.clone());
                entries.push(e);
            }
            13 if !fresh_entries.is_empty() => entries.push(u.choose(&fresh_entries)?.clone()),
            _ => entries.push(e),
        }
    }
    if !fresh_entries.is_empty() && u.int_in_range(0u8..=2)? == 2 {
        let k = u.int_in_range(0..=fresh_entries.len())?;
        entries.extend(fresh_entries.into_iter().take(k));
    }
    out.insert("timeEntries".into(), Value::Array(entries));
    Ok(Value::Object(out))
}

/// A month (as [`seeded_month`]) with a mutated built-in pack as its `rulePack` object. The pack
/// is also returned, to be tried in a what-if scenario.
pub fn month_with_pack(u: &mut Unstructured, examples: &[Value]) -> Result<(Value, Value)> {
    // The pack's mutations are drawn first, so the seed bytes [k] give example k unchanged with
    // the unmutated pack of its year.
    let sel: u8 = u.arbitrary()?;
    let n_mut = u.int_in_range(0u8..=6)?;
    let mut m = if sel < 0x80 && !examples.is_empty() {
        examples[usize::from(sel) % examples.len()].clone()
    } else {
        month(u)?
    };
    let year = m["serviceMonth"].as_str().and_then(|s| s.get(..4)).unwrap_or("2026");
    let id = if year == "2025" { "medicare-cy2025" } else { "medicare-cy2026" };
    let mut p: Value = ccm_engine::api::rule_pack_json(id)
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    for _ in 0..n_mut {
        mutate_pack(u, &mut p)?;
    }
    if sel < 0x80 && !u.is_empty() && u.ratio(1u8, 2)? {
        let fresh = month(u)?;
        m = crossover(u, &m, &fresh)?;
    }
    m["rulePack"] = p.clone();
    Ok((m, p))
}

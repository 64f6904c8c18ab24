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
//!
//! With `programs` listing PCM or APCM (CONTRACT §10), each band also says what the same
//! patient-months would pay under each program (`programs`: PCM through its track of the same
//! pool, APCM at level 2, G0557, which needs no minutes) and which pays most (`best`); patients
//! qualify for the programs differently (PCM: one complex condition; APCM: elected by the
//! practice), so this compares payment, not eligibility.
//!
//! The scenario is read by the month's own reader into [`ScenarioIn`] ([`read`]), checked with
//! the month's payment checks ([`check`]), projected ([`project`]) and written ([`write`]).
//! Objects of the answer list their keys in alphabetical order (as they always have).

use crate::evaluation::RulePackInfo;
use crate::input::{BandIn, Obj, PackRef, ScenarioIn, Val, MAX_BANDS, MAX_JSON_BYTES};
use crate::output::Out;
use crate::pack::{self, CodeDef, Pack};
use crate::price;
use crate::time::{Pool, MINUTE_US};
use crate::validate::{self, InputError, Issue, Month, PaymentOptions, Programs};

/// A band this close to its next code counts as minutes left on the table.
const NEAR_MISS_MINUTES: i64 = 5;

/// A checked scenario: numbers in range, a pack that covers it, payment settled.
struct Scenario<'p> {
    pack: &'p Pack,
    payment: PaymentOptions,
    enrolled: f64,
    staff_cost_per_hour: f64,
    bands: Vec<(String, f64, f64)>,
    programs: Programs,
}

struct LineOut {
    code: String,
    units: i64,
    allowed: f64,
    coinsurance: f64,
}

struct BandOut<'p> {
    track: String,
    minutes: f64,
    share: f64,
    patient_months: f64,
    lines: Vec<LineOut>,
    allowed_per_patient_month: f64,
    allowed: f64,
    coinsurance: f64,
    staff_cost: f64,
    next_unit: Option<(&'p CodeDef, i64)>,
    near_miss: bool,
    /// With `programs`: (program, per patient-month in cents, track) of CCM and each program asked for.
    programs: Vec<(&'static str, i64, Option<&'p str>)>,
}

/// Sums over the bands, per month.
#[derive(Default)]
struct Totals {
    patient_months: f64,
    allowed: f64,
    coinsurance: f64,
    staff_cost: f64,
    miss_patient_months: f64,
    miss_allowed: f64,
}

/// The scenario as JSON text → the projection (or the error) as JSON text.
pub fn project_json(json: &str) -> String {
    let mut out = Out::with_capacity(2048);
    let mut custom = None;
    let scenario = read(json);
    match scenario.as_ref().map_err(Clone::clone).and_then(|s| check(s, &mut custom)) {
        Ok(s) => write(&mut out, &s, &project(&s)),
        Err(e) => write_error(&mut out, &e),
    }
    out.into_string()
}

fn invalid(issues: Vec<Issue>) -> InputError {
    InputError::new("INVALID_INPUT", "the what-if scenario is not valid", issues)
}

fn issue(path: &str, message: &str) -> Issue {
    Issue { path: path.to_string(), message: message.to_string() }
}

/// Reads the text into the lenient scenario (only size and syntax can fail here).
fn read(json: &str) -> Result<ScenarioIn<'_>, InputError> {
    if json.len() > MAX_JSON_BYTES {
        return Err(invalid(vec![issue("", "the scenario is larger than 2 MiB")]));
    }
    let mut root: Val<Obj<ScenarioIn>> = Val::Absent;
    if crate::json::reader::read(json, &mut root).is_err() {
        return Err(InputError::new("INVALID_JSON", "the scenario is not valid JSON", vec![issue("", "invalid JSON")]));
    }
    match root {
        Val::Ok(Obj(s)) => Ok(s),
        _ => Err(invalid(vec![issue("", "expected an object (a what-if scenario)")])),
    }
}

// Bounds are whole numbers and formatted as integers: formatting an f64 would link core's float
// printer (about 7 KB gzipped of wasm) for an error message.
fn number(v: &Val<f64>, path: &str, (min, max): (u32, u32), default: Option<f64>, issues: &mut Vec<Issue>) -> f64 {
    match (v, default) {
        (Val::Absent, Some(d)) => d,
        // `+ 0.0`: a -0 given is read as 0, as the scenario's numbers always have been.
        (Val::Ok(x), _) if x.is_finite() && (f64::from(min)..=f64::from(max)).contains(x) => *x + 0.0,
        _ => {
            issues.push(issue(path, &format!("expected a number from {min} to {max}")));
            0.0
        }
    }
}

/// Every problem of the scenario in one pass, in the order of its fields.
fn check<'s, 'p>(s: &'s ScenarioIn<'s>, custom: &'p mut Option<Pack>) -> Result<Scenario<'p>, InputError>
where
    's: 'p,
{
    let mut issues = Vec::new();
    let patients = number(&s.patients, "patients", (0, 1_000_000_000), None, &mut issues);
    let eligible = number(&s.eligible_share, "eligibleShare", (0, 1), Some(1.0), &mut issues);
    let enrollment = number(&s.enrollment, "enrollment", (0, 1), Some(1.0), &mut issues);
    let cost = number(&s.staff_cost_per_hour, "staffCostPerHour", (0, 1_000_000), Some(0.0), &mut issues);
    let month = match &s.service_month {
        Val::Absent => validate::parse_month("2026-01"),
        Val::Ok(m) => validate::parse_month(m),
        _ => None,
    };
    if month.is_none() {
        issues.push(issue("serviceMonth", "expected a month YYYY-MM"));
    }
    let mut payment = validate::payment_options(&s.payment).unwrap_or_else(|e| {
        issues.extend(e);
        PaymentOptions::default()
    });
    let pack = scenario_pack(&s.rule_pack, month.as_ref(), custom, &mut issues);
    if let Some(p) = pack {
        if let Err(i) = price::localize(&mut payment, p) {
            issues.push(i);
        }
    }
    if pack.is_none() && month.is_some() && !issues.iter().any(|i| i.path.starts_with("rulePack")) {
        issues.push(issue("rulePack", "no such rule pack, or none covers serviceMonth"));
    }
    let bands = check_bands(&s.bands, pack, &mut issues);
    let programs = validate::programs_option(&s.programs).unwrap_or_else(|e| {
        issues.extend(e);
        Programs::default()
    });
    match pack {
        Some(pack) if issues.is_empty() => Ok(Scenario { pack, payment, enrolled: patients * eligible * enrollment, staff_cost_per_hour: cost, bands, programs }),
        _ => Err(invalid(issues)),
    }
}

/// The scenario's pack: the built-in one in effect for the month, a built-in id, or the caller's
/// own (validated). `None` when the month is not valid, or for anything else.
fn scenario_pack<'p>(r: &'p Val<PackRef<'p>>, month: Option<&Month>, custom: &'p mut Option<Pack>, issues: &mut Vec<Issue>) -> Option<&'p Pack> {
    let m = month?;
    match r {
        Val::Absent => pack::built_in_for(m.first, m.last),
        Val::Ok(PackRef::Id(id)) => pack::built_in_by_id(id),
        Val::Ok(PackRef::Custom(tree)) => match Pack::from_json(tree, "rulePack") {
            Ok(p) => Some(&*custom.insert(p)),
            Err(e) => {
                issues.extend(e);
                None
            }
        },
        _ => None,
    }
}

/// The bands as (track, minutes, share), each field checked; their shares add up to at most 1.
fn check_bands(v: &Val<crate::input::List<Val<Obj<BandIn>>, MAX_BANDS>>, pack: Option<&Pack>, issues: &mut Vec<Issue>) -> Vec<(String, f64, f64)> {
    let list: &[Val<Obj<BandIn>>] = match v {
        Val::Ok(l) => &l.0,
        Val::TooLarge(_) => {
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
    for (i, b) in list.iter().enumerate() {
        let p = format!("bands[{i}]");
        let Val::Ok(Obj(b)) = b else {
            issues.push(issue(&p, "expected an object"));
            continue;
        };
        let track = match (b.track.ok(), pack) {
            (Some(t), Some(pk)) if pk.track(t).is_some() => Some(t.to_string()),
            (Some(t), None) if pack::TRACKS.contains(&&**t) => Some(t.to_string()),
            _ => {
                issues.push(issue(&format!("{p}.track"), "expected staff, complex or practitioner"));
                None
            }
        };
        let minutes = number(&b.minutes, &format!("{p}.minutes"), (0, 44_640), None, issues);
        let share = number(&b.share, &format!("{p}.share"), (0, 1), None, issues);
        share_sum += share;
        if let Some(t) = track {
            bands.push((t, minutes, share));
        }
    }
    if share_sum > 1.0 + 1e-9 {
        issues.push(issue("bands", "the bands' shares add up to more than 1"));
    }
    bands
}

fn round_cents(x: f64) -> f64 {
    (x.round()) / 100.0
}

/// Each band through the pack's track and prices, and the sums.
fn project<'p>(s: &Scenario<'p>) -> (Vec<BandOut<'p>>, Totals) {
    let mut totals = Totals::default();
    let mut out = Vec::new();
    for (track, minutes, share) in &s.bands {
        let Some(def) = s.pack.track(track) else { continue };
        let whole = minutes.floor() as i64;
        let pool = Pool { by_day: vec![whole * MINUTE_US], total: whole * MINUTE_US };
        let t = crate::tracks::support(def, &pool, def.mdm.first().map(String::as_str));
        let pm = s.enrolled * share;
        let (mut per_a, mut per_c) = (0i64, 0i64);
        let lines: Vec<LineOut> = t
            .lines
            .iter()
            .map(|u| {
                let (a, c) = price::line_cents(price::unit_cents(u.code, &s.payment, s.pack), u.units, s.pack, false);
                per_a += a;
                per_c += c;
                LineOut { code: u.code.code.clone(), units: u.units, allowed: price::dollars(a), coinsurance: price::dollars(c) }
            })
            .collect();
        let programs = if s.programs.any() { band_programs(s, def.practitioner_pool, &pool, per_a) } else { Vec::new() };
        let band = BandOut {
            track: track.clone(),
            minutes: *minutes,
            share: *share,
            patient_months: pm,
            lines,
            allowed_per_patient_month: price::dollars(per_a),
            allowed: round_cents(per_a as f64 * pm),
            coinsurance: round_cents(per_c as f64 * pm),
            staff_cost: round_cents(pm * minutes / 60.0 * s.staff_cost_per_hour * 100.0),
            next_unit: t.next,
            near_miss: t.next.is_some_and(|(_, n)| n <= NEAR_MISS_MINUTES),
            programs,
        };
        if let (true, Some((code, _))) = (band.near_miss, t.next) {
            totals.miss_patient_months += pm;
            totals.miss_allowed += round_cents(price::unit_cents(code, &s.payment, s.pack) as f64 * pm);
        }
        totals.patient_months += pm;
        totals.allowed += band.allowed;
        totals.coinsurance += band.coinsurance;
        totals.staff_cost += band.staff_cost;
        out.push(band);
    }
    (out, totals)
}

/// What a band's patient-months pay a month under each program: CCM (`ccm_cents`), PCM on its
/// track of the band's pool, APCM at level 2 (G0557, the level of two or more conditions).
fn band_programs<'p>(s: &Scenario<'p>, practitioner_pool: bool, pool: &Pool, ccm_cents: i64) -> Vec<(&'static str, i64, Option<&'p str>)> {
    let mut out = vec![("ccm", ccm_cents, None)];
    if let (true, Some(pcm)) = (s.programs.pcm, s.pack.pcm.as_ref()) {
        let best = pcm
            .tracks
            .iter()
            .filter(|t| t.practitioner_pool == practitioner_pool)
            .map(|t| {
                let tt = crate::tracks::support(t, pool, None);
                let cents: i64 = tt.lines.iter().map(|u| price::line_cents(price::unit_cents(u.code, &s.payment, s.pack), u.units, s.pack, false).0).sum();
                (cents, t.name.as_str())
            })
            .fold(None, |b: Option<(i64, &str)>, x| if b.map_or(true, |b| x.0 > b.0) { Some(x) } else { b });
        if let Some((cents, track)) = best {
            out.push(("pcm", cents, Some(track)));
        }
    }
    if let (true, Some(apcm)) = (s.programs.apcm, s.pack.apcm.as_ref()) {
        if let Some(level) = apcm.levels.iter().find(|l| l.min_chronic_conditions >= 2 && !l.qmb) {
            out.push(("apcm", price::unit_cents(&level.code, &s.payment, s.pack), None));
        }
    }
    out
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `{ annual, apcmComparison, bands, enrolledPatients, monthly, ok, rulePack }`.
fn write(out: &mut Out, s: &Scenario, (bands, totals): &(Vec<BandOut>, Totals)) {
    out.raw("{\"annual\":");
    write_totals(out, totals, 12.0);
    out.raw(",\"apcmComparison\":");
    match &s.pack.comparison {
        Some((code, rvu)) => {
            let per = price::rvu_cents(rvu, &s.payment, s.pack);
            let monthly = round_cents(per as f64 * s.enrolled);
            out.raw("{\"annual\":");
            out.num(r2(monthly * 12.0));
            out.raw(",\"code\":");
            out.str(code);
            out.raw(",\"monthly\":");
            out.num(monthly);
            out.raw(",\"perPatientMonth\":");
            out.num(price::dollars(per));
            out.raw("}");
        }
        None => out.raw("null"),
    }
    out.raw(",\"bands\":");
    out.list(bands, write_band);
    out.raw(",\"enrolledPatients\":");
    out.num(s.enrolled);
    out.raw(",\"monthly\":");
    write_totals(out, totals, 1.0);
    out.raw(",\"ok\":true,\"rulePack\":");
    write_pack_info(out, &RulePackInfo::of(s.pack));
    out.raw("}");
}

fn write_totals(out: &mut Out, t: &Totals, k: f64) {
    out.raw("{\"allowed\":");
    out.num(r2(t.allowed * k));
    out.raw(",\"coinsurance\":");
    out.num(r2(t.coinsurance * k));
    out.raw(",\"margin\":");
    out.num(r2((t.allowed - t.staff_cost) * k));
    out.raw(",\"minutesLeftOnTable\":{\"allowed\":");
    out.num(r2(t.miss_allowed * k));
    out.raw(",\"patientMonths\":");
    out.num(t.miss_patient_months * k);
    out.raw("},\"patientMonths\":");
    out.num(t.patient_months * k);
    out.raw(",\"staffCost\":");
    out.num(r2(t.staff_cost * k));
    out.raw("}");
}

fn write_band(out: &mut Out, b: &BandOut) {
    out.raw("{\"allowed\":");
    out.num(b.allowed);
    out.raw(",\"allowedPerPatientMonth\":");
    out.num(b.allowed_per_patient_month);
    out.raw(",\"coinsurance\":");
    out.num(b.coinsurance);
    out.raw(",\"lines\":");
    out.list(&b.lines, |o, l| {
        o.raw("{\"allowed\":");
        o.num(l.allowed);
        o.raw(",\"code\":");
        o.str(&l.code);
        o.raw(",\"coinsurance\":");
        o.num(l.coinsurance);
        o.raw(",\"units\":");
        o.int(l.units);
        o.raw("}");
    });
    out.raw(",\"minutes\":");
    out.num(b.minutes);
    out.raw(",\"nearMiss\":");
    out.bool(b.near_miss);
    out.raw(",\"nextUnit\":");
    match b.next_unit {
        Some((code, n)) => {
            out.raw("{\"code\":");
            out.str(&code.code);
            out.raw(",\"minutesNeeded\":");
            out.int(n);
            out.raw("}");
        }
        None => out.raw("null"),
    }
    out.raw(",\"patientMonths\":");
    out.num(b.patient_months);
    if let Some(best) = b.programs.iter().fold(None, |m: Option<&(&str, i64, Option<&str>)>, x| if m.map_or(true, |m| x.1 > m.1) { Some(x) } else { m }) {
        // Keys in alphabetical order, as everywhere in the answer: apcm, best, ccm, pcm.
        out.raw(",\"programs\":{");
        let find = |id: &str| b.programs.iter().find(|p| p.0 == id);
        if let Some(p) = find("apcm") {
            write_band_program(out, b.patient_months, p);
            out.raw(",");
        }
        out.raw("\"best\":");
        out.str(best.0);
        for p in ["ccm", "pcm"].into_iter().filter_map(find) {
            out.raw(",");
            write_band_program(out, b.patient_months, p);
        }
        out.raw("}");
    }
    out.raw(",\"share\":");
    out.num(b.share);
    out.raw(",\"staffCost\":");
    out.num(b.staff_cost);
    out.raw(",\"track\":");
    out.str(&b.track);
    out.raw("}");
}

/// `"ccm": { allowed, allowedPerPatientMonth, track? }`: a band's patient-months under a program.
fn write_band_program(out: &mut Out, patient_months: f64, (id, cents, track): &(&str, i64, Option<&str>)) {
    out.raw("\"");
    out.raw(id);
    out.raw("\":{\"allowed\":");
    out.num(round_cents(*cents as f64 * patient_months));
    out.raw(",\"allowedPerPatientMonth\":");
    out.num(price::dollars(*cents));
    if let Some(t) = track {
        out.raw(",\"track\":");
        out.str(t);
    }
    out.raw("}");
}

/// The pack's identity, keys in alphabetical order.
fn write_pack_info(out: &mut Out, p: &RulePackInfo) {
    out.raw("{\"effectiveFrom\":");
    out.str(&p.effective_from);
    out.raw(",\"effectiveTo\":");
    out.opt_str(p.effective_to.as_deref());
    out.raw(",\"id\":");
    out.str(&p.id);
    out.raw(",\"payer\":");
    out.str(&p.payer);
    if let Some(status) = &p.status {
        out.raw(",\"status\":");
        out.str(status);
    }
    out.raw(",\"version\":");
    out.str(&p.version);
    out.raw("}");
}

/// `{ error: { code, issues: [{ message, path }], message }, ok: false }`.
fn write_error(out: &mut Out, e: &InputError) {
    out.raw("{\"error\":{\"code\":");
    out.str(&e.code);
    out.raw(",\"issues\":");
    out.list(&e.issues, |o, i| {
        o.raw("{\"message\":");
        o.str(&i.message);
        o.raw(",\"path\":");
        o.str(&i.path);
        o.raw("}");
    });
    out.raw(",\"message\":");
    out.str(&e.message);
    out.raw("},\"ok\":false}");
}

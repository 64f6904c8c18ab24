//! Stage 7: assembling the month's decision (CONTRACT §3, §5) from the earlier stages.

use crate::evaluation::{Alternative, ChecklistItem, Evaluation, Line, NextUnit, Payment, RulePackInfo, TimeSummary};
use crate::finding::Finding;
use crate::pack::{self, Pack, Program, Severity};
use crate::price;
use crate::time::{self, MINUTE_US};
use crate::tracks::{self, TrackTime};
use crate::validate::{self, Checked, InputError, PackChoice, TrackRequest};
use chrono::Days;

/// `RULE_PACK_PROVISIONAL` (warning) for a provisional pack: each provisional fact, and the
/// sources as the finding's source.
pub fn provisional_finding(pack: &Pack) -> Option<Finding> {
    let notes = pack.provisional.as_ref()?;
    let what: Vec<&str> = notes.iter().map(|(w, _)| w.as_str()).collect();
    let message = if what.is_empty() { "the rule pack is provisional".to_string() } else { format!("the rule pack is provisional: {}", what.join("; ")) };
    let mut f = Finding::new(pack, "RULE_PACK_PROVISIONAL", "rulePack".into(), message.into());
    if f.source.is_none() && !notes.is_empty() {
        let mut sources: Vec<&str> = notes.iter().map(|(_, s)| s.as_str()).collect();
        sources.dedup();
        f.source = Some(sources.join("; ").into());
    }
    Some(f)
}

/// Errors first, then warnings, then information; otherwise in pipeline order. (A stable pass
/// through three buckets moves each finding twice; a stable sort moved each about log n times,
/// which on a 2,000-entry month was most of the copying.)
// INVARIANT: `rank()` is 0, 1 or 2.
#[allow(clippy::indexing_slicing)]
pub fn order_findings(findings: &mut Vec<Finding>) {
    let mut by_rank: [Vec<Finding>; 3] = Default::default();
    for f in findings.drain(..) {
        by_rank[usize::from(f.rank())].push(f);
    }
    findings.extend(by_rank.into_iter().flatten());
}

/// Picks the pack: the caller's own (validated), a built-in id, or the built-in in effect.
pub fn resolve_pack<'a>(m: &Checked, custom: &'a mut Option<Pack>) -> Result<&'a Pack, InputError> {
    let month = || m.month.label();
    let pack: &Pack = match &m.pack {
        PackChoice::Default => {
            return pack::built_in_for(m.month.first, m.month.last).ok_or_else(|| {
                InputError::new("NO_RULE_PACK_FOR_MONTH", &format!("no built-in rule pack covers {}", month()),
                    vec![validate::Issue { path: "serviceMonth".into(), message: "no built-in rule pack covers this month".into() }])
            })
        }
        PackChoice::Id(id) => pack::built_in_by_id(id).ok_or_else(|| {
            InputError::new("UNKNOWN_RULE_PACK", "the rule pack id is not a built-in pack",
                vec![validate::Issue { path: "rulePack".into(), message: "unknown rule pack id; see `ccm packs`".into() }])
        })?,
        PackChoice::Custom(v) => {
            let p = Pack::from_json(v, "rulePack")
                .map_err(|issues| InputError::new("INVALID_RULE_PACK", "the rule pack object is not valid", issues))?;
            &*custom.insert(p)
        }
    };
    if !pack.covers(m.month.first, m.month.last) {
        return Err(InputError::new("NO_RULE_PACK_FOR_MONTH", &format!("the rule pack does not cover {}", month()),
            vec![validate::Issue { path: "serviceMonth".into(), message: "outside the rule pack's effective dates".into() }]));
    }
    Ok(pack)
}

fn date_of(m: &Checked, day: Option<usize>) -> Option<String> {
    day.and_then(|d| m.month.first.checked_add_days(Days::new(d as u64))).map(validate::date_text)
}

fn price_lines(m: &Checked, pay: &validate::PaymentOptions, pack: &Pack, t: &TrackTime) -> (Vec<Line>, i64, i64) {
    let (mut total, mut coins) = (0i64, 0i64);
    let lines = t
        .lines
        .iter()
        .map(|u| {
            let unit = price::unit_cents(u.code, pay, pack);
            let (a, c) = price::line_cents(unit, u.units, pack, m.qmb);
            total += a;
            coins += c;
            Line {
                code: u.code.code.clone(),
                units: u.units,
                threshold_met_on: date_of(m, u.met_on),
                allowed: price::dollars(a),
                coinsurance: price::dollars(c),
            }
        })
        .collect();
    (lines, total, coins)
}

/// Evaluates a checked month for a time-based program (CCM, PCM) under a pack, on the track
/// asked for, priced in `context` (see [`price::resolve`]).
pub fn run(m: &Checked, pack: &Pack, program: Program, track: TrackRequest, context: price::Context) -> Evaluation {
    let time = time::count(m, pack, &program);
    decide(m, pack, program, track, context, time)
}

/// [`run`] with the month's time already counted for `program` (the programs of one month can
/// share a count: see [`crate::programs`]).
// INVARIANT: `chosen` and every index here come from enumerating `options`, and `priced` is
// `options` priced one for one; a pack has at least one track (pack validation), so `options[0]`
// exists.
#[allow(clippy::indexing_slicing)]
pub fn decide(m: &Checked, pack: &Pack, program: Program, track: TrackRequest, context: price::Context, mut time: time::TimeCount) -> Evaluation {
    let pay = &context.payment;
    let mut elig = crate::eligibility::assess(m, pack, program.requirements, program.name);
    let conflicts = crate::conflicts::find_conflicts(m, pack, program.conflicts, program.name);
    let options: Vec<TrackTime> = program
        .tracks
        .iter()
        .map(|t| tracks::support(t, if t.practitioner_pool { &time.practitioner } else { &time.staff }, m.mdm))
        .collect();
    let mut priced: Vec<(Vec<Line>, i64, i64)> = options.iter().map(|t| price_lines(m, pay, pack, t)).collect();
    let mut findings: Vec<Finding> = std::mem::take(&mut elig.findings);
    findings.extend(provisional_finding(pack));
    findings.extend(context.findings);
    findings.extend(conflicts);
    findings.append(&mut time.findings);

    let chosen = choose_track(track, &options, &priced);
    track_findings(pack, track, chosen, &options, &mut findings);
    // Each track's lines are moved where they end up: the chosen one's to `supportedLines`, the
    // others' to `alternatives`.
    let supported: Vec<Line> = chosen.map(|i| std::mem::take(&mut priced[i].0)).unwrap_or_default();
    if supported.is_empty() {
        findings.push(below_threshold(pack, chosen, &options));
    }
    if let Some(t) = chosen.map(|i| &options[i]) {
        chosen_track_findings(pack, t, elig.revised_in_month, &mut findings);
    }
    order_findings(&mut findings);

    let status = if findings.iter().any(|f| f.severity == "error") {
        "blocked"
    } else if supported.is_empty() {
        "below_threshold"
    } else {
        "billable"
    };
    let (lines, allowed, coins) = match (status, chosen) {
        ("billable", Some(i)) => (supported.clone(), priced[i].1, priced[i].2),
        _ => (Vec::new(), 0, 0),
    };
    let checklist = checklist(m, &program, &elig, &time, !supported.is_empty());

    Evaluation {
        engine_version: crate::VERSION.into(),
        rule_pack: RulePackInfo::of(pack),
        service_month: m.month.label(),
        status: status.into(),
        track: match track {
            TrackRequest::Forced(name) => Some(name.to_string()),
            TrackRequest::Auto => chosen.map(|i| options[i].track.name.clone()),
        },
        lines,
        supported_lines: supported,
        payment: Payment {
            allowed: price::dollars(allowed),
            coinsurance: price::dollars(coins),
            conversion_factor: pack.conversion_factor(pay.qualifying_apm) as f64 / 10_000.0,
            setting: pay.setting.as_str().into(),
            estimate: true,
            locality: pay.locality.clone(),
        },
        time: TimeSummary {
            staff_minutes: time.staff.minutes(),
            practitioner_minutes: time.practitioner.minutes(),
            excluded_minutes: time.excluded_us / MINUTE_US,
            next_unit: next_unit(m, track, chosen, &options),
            month_complete: m.as_of >= m.month.last,
        },
        alternatives: alternatives(chosen, &options, &mut priced),
        findings,
        checklist,
        consent: elig.consent.take(),
        programs: None,
        recommended: None,
    }
}

/// The documentation checklist (CONTRACT §3): one item per element the month must show.
fn checklist(m: &Checked, program: &Program, elig: &crate::eligibility::Eligibility, time: &time::TimeCount, supported: bool) -> Vec<ChecklistItem> {
    [
        ("staffTimeTotal", supported),
        ("encounterDetails", time.encounter_details_ok && time.staff.total > 0),
        ("carePlanSigned", elig.care_plan_signed),
        ("conditionsWithCodes", program.requirements.min_chronic_conditions.map_or(true, |n| elig.counted_conditions >= n)),
        ("supervisionAttested", m.supervision == Some(true)),
        ("consentOnFile", elig.consent_on_file),
    ]
    .into_iter()
    .map(|(item, ok)| ChecklistItem { item: item.into(), ok })
    .collect()
}

/// The track of the month: the forced one, or with `auto` the available track paying most (ties:
/// the pack's track order).
// INVARIANT: `chosen` and every index here come from enumerating `options`, and `priced` is
// `options` priced one for one; a pack has at least one track (pack validation), so `options[0]`
// exists.
#[allow(clippy::indexing_slicing)]
fn choose_track(track: TrackRequest, options: &[TrackTime], priced: &[(Vec<Line>, i64, i64)]) -> Option<usize> {
    match track {
        TrackRequest::Auto => {
            let mut best: Option<usize> = None;
            for (i, t) in options.iter().enumerate() {
                if t.requirement_met && !t.lines.is_empty() && best.map_or(true, |b| priced[i].1 > priced[b].1) {
                    best = Some(i);
                }
            }
            best
        }
        TrackRequest::Forced(name) => options.iter().position(|t| t.track.name == name),
    }
}

/// A forced track the pack lacks, whose MDM is missing, or whose time reaches no code.
// INVARIANT: `chosen` and every index here come from enumerating `options`, and `priced` is
// `options` priced one for one; a pack has at least one track (pack validation), so `options[0]`
// exists.
#[allow(clippy::indexing_slicing)]
fn track_findings(pack: &Pack, track: TrackRequest, chosen: Option<usize>, options: &[TrackTime], findings: &mut Vec<Finding>) {
    match (track, chosen) {
        (TrackRequest::Forced(name), None) => findings.push(Finding::new(pack, "TRACK_NOT_AVAILABLE", "track".into(),
            format!("the rule pack has no {name} track").into())),
        (TrackRequest::Forced(_), Some(i)) => {
            let t = &options[i];
            if !t.requirement_met {
                findings.push(Finding::new(pack, "COMPLEX_MDM_REQUIRED", "complexity.mdm".into(),
                    format!("the {} track requires medical decision making of {}", t.track.name, t.track.mdm.join(" or ")).into()));
                findings.push(Finding::new(pack, "TRACK_NOT_AVAILABLE", "track".into(),
                    format!("the {} track cannot be billed: the required medical decision making is not documented", t.track.name).into()));
            }
            if t.lines.is_empty() {
                findings.push(Finding::new(pack, "TRACK_NOT_AVAILABLE", "track".into(),
                    format!("the {} track cannot be billed: {} counted minutes, {} needs {}", t.track.name, t.minutes, t.track.base.code, t.track.base.threshold_minutes).into()));
            }
        }
        _ => {}
    }
}

/// `TIME_BELOW_THRESHOLD`: the chosen track's minutes and its base code's threshold (with no
/// track chosen: the first available one).
// INVARIANT: `chosen` and every index here come from enumerating `options`, and `priced` is
// `options` priced one for one; a pack has at least one track (pack validation), so `options[0]`
// exists.
#[allow(clippy::indexing_slicing)]
fn below_threshold(pack: &Pack, chosen: Option<usize>, options: &[TrackTime]) -> Finding {
    let t = match chosen {
        Some(i) => &options[i],
        None => options.iter().find(|t| t.requirement_met).unwrap_or(&options[0]),
    };
    Finding::new(pack, "TIME_BELOW_THRESHOLD", "timeEntries".into(),
        format!("{} minutes counted; {} needs {}", t.minutes, t.track.base.code, t.track.base.threshold_minutes).into())
}

/// The chosen track's own findings: its add-on cap reached or not sourced, a payer's uncovered
/// code, a complex month's missing care-plan revision.
fn chosen_track_findings(pack: &Pack, t: &TrackTime, revised_in_month: bool, findings: &mut Vec<Finding>) {
    if let (true, Some(addon)) = (t.capped, &t.track.addon) {
        findings.push(Finding::cited(pack, "ADDON_CAP_REACHED", Severity::Info, "timeEntries".into(),
            format!("the counted time supports more {} units than the cap of {} allows", addon.code, addon.max_units.unwrap_or(0)).into(),
            addon.rule.as_deref()));
    }
    if let Some(addon) = t.track.addon.as_ref().filter(|a| a.cap_unsourced && t.lines.iter().any(|u| u.code.code == a.code)) {
        findings.push(Finding::cited(pack, "ADDON_CAP_NOT_SOURCED", Severity::Warning, "timeEntries".into(),
            format!("no unit cap for {} was found in the sources: check CMS's practitioner MUE table before billing more than one unit", addon.code).into(),
            addon.rule.as_deref()));
    }
    // A payer pack's uncovered codes among the lines the time supports (priced at 0).
    for code in std::iter::once(&t.track.base).chain(&t.track.addon) {
        if let (Some(sev), true) = (code.not_covered, t.lines.iter().any(|u| u.code.code == code.code)) {
            findings.push(Finding::with_severity(pack, "CODE_NOT_COVERED_BY_PAYER", sev, "rulePack".into(),
                format!("the payer of this rule pack does not cover {}", code.code).into()));
        }
    }
    if !t.track.mdm.is_empty() && pack.policies.complex_revision_required && !revised_in_month {
        findings.push(Finding::new(pack, "COMPLEX_CARE_PLAN_REVISION_NOT_DOCUMENTED", "carePlan.revisedOn".into(),
            "complex CCM expects a care plan revision dated in the service month".into()));
    }
}

/// `nextUnit`: what the chosen track can reach (a forced track the pack lacks reaches nothing;
/// with `auto` below every threshold, the base needing the fewest minutes), and the days left.
// INVARIANT: `chosen` and every index here come from enumerating `options`, and `priced` is
// `options` priced one for one; a pack has at least one track (pack validation), so `options[0]`
// exists.
#[allow(clippy::indexing_slicing)]
fn next_unit(m: &Checked, track: TrackRequest, chosen: Option<usize>, options: &[TrackTime]) -> Option<NextUnit> {
    let next_of = |t: &TrackTime| t.next.map(|(c, n)| (c.code.clone(), n));
    let next: Option<(String, i64)> = match (chosen, track) {
        (Some(i), _) => next_of(&options[i]),
        (None, TrackRequest::Forced(_)) => None,
        (None, TrackRequest::Auto) => options.iter().filter(|t| t.requirement_met).filter_map(next_of).min_by_key(|(_, n)| *n),
    };
    let days_from = m.as_of.max(m.month.first.pred_opt().unwrap_or(m.month.first));
    let days_left = (m.month.last - days_from).num_days().max(0);
    next.map(|(code, minutes_needed)| NextUnit { code, minutes_needed, days_left })
}

/// The tracks not chosen, each with its own lines; only errors block (§5): too little time is not
/// one, it shows as empty lines.
// INVARIANT: `chosen` and every index here come from enumerating `options`, and `priced` is
// `options` priced one for one; a pack has at least one track (pack validation), so `options[0]`
// exists.
#[allow(clippy::indexing_slicing)]
fn alternatives(chosen: Option<usize>, options: &[TrackTime], priced: &mut [(Vec<Line>, i64, i64)]) -> Vec<Alternative> {
    options
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != chosen)
        .map(|(i, t)| {
            let blocked_by = if t.requirement_met { Vec::new() } else { vec!["COMPLEX_MDM_REQUIRED".into()] };
            Alternative { track: t.track.name.clone(), lines: std::mem::take(&mut priced[i].0), allowed: price::dollars(priced[i].1), blocked_by }
        })
        .collect()
}

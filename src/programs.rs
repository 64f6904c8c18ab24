//! Stage 8 (CONTRACT §10): PCM and APCM decided beside CCM, and the one that is allowed and pays
//! most.
//!
//! CCM's entry summarizes the month's own decision. PCM runs the same pipeline as CCM
//! ([`crate::evaluate::run`]) with the pack's `programs.pcm`: its tracks (99426/99427 on the staff
//! pool, 99424/99425 on the practitioner pool), its conflict table, the services whose time counts
//! for it (`ccm` and `pcm`), and its requirements (one focus condition and a disease-specific care
//! plan instead of two conditions). APCM has no time: [`apcm`] checks its requirements and picks
//! the first level of `programs.apcm.levels` that holds. One of the three is billed per
//! practitioner per month, so each entry says what the month would bill under that program; the
//! same minutes are never billed twice. [`recommend`] picks the billable one that pays most.

use crate::evaluate::{self, Finding, Line, ProgramEntry, ProgramNext, Recommended, Text};
use crate::pack::{Apcm, Pack, Severity};
use crate::price;
use crate::validate::{Checked, TrackRequest};
use std::borrow::Cow;

/// The `programs` entries and the recommendation, for a month whose CCM decision is `ccm`.
pub fn decide(m: &Checked, pack: &Pack, context: &price::Context, ccm: &evaluate::Evaluation) -> (Vec<ProgramEntry>, Option<Recommended>) {
    let mut entries = vec![from_evaluation("ccm", ccm, None)];
    if m.programs.pcm {
        entries.push(match pack.pcm() {
            Some(program) => {
                let e = evaluate::run(m, pack, program, TrackRequest::Auto, clone_context(context));
                let findings = e.findings.clone();
                from_evaluation("pcm", &e, Some(findings))
            }
            None => missing(pack, "pcm"),
        });
    }
    if m.programs.apcm {
        entries.push(match &pack.apcm {
            Some(def) => apcm(m, pack, def, context),
            None => missing(pack, "apcm"),
        });
    }
    let recommended = recommend(pack, &mut entries);
    (entries, recommended)
}

fn clone_context(c: &price::Context) -> price::Context {
    price::Context { payment: c.payment.clone(), findings: c.findings.clone() }
}

fn cents(dollars: f64) -> i64 {
    (dollars * 100.0).round() as i64
}

/// `$1,234.56`-free money text: `$1234.56`.
fn money(cents: i64) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

/// The error codes among `findings`, each once, in order.
fn blocking(findings: &[Finding]) -> Vec<Text> {
    let mut out: Vec<Text> = Vec::new();
    for f in findings.iter().filter(|f| f.severity == "error") {
        if !out.contains(&f.code) {
            out.push(f.code.clone());
        }
    }
    out
}

/// "99490 ×1, 99439 ×1"
fn codes_text(lines: &[Line]) -> String {
    lines.iter().map(|l| format!("{} ×{}", l.code, l.units)).collect::<Vec<_>>().join(", ")
}

/// A time-based program's entry from its evaluation.
fn from_evaluation(id: &'static str, e: &evaluate::Evaluation, findings: Option<Vec<Finding>>) -> ProgramEntry {
    let blocked_by = blocking(&e.findings);
    let next = e.time.next_unit.as_ref().map(|n| ProgramNext { code: n.code.clone(), minutes_needed: n.minutes_needed });
    let supported: i64 = e.supported_lines.iter().map(|l| cents(l.allowed)).sum();
    let summary = match &*e.status {
        "billable" => format!("billable: {} for {}", codes_text(&e.lines), money(cents(e.payment.allowed))),
        status => {
            let mut parts = Vec::new();
            if status == "blocked" {
                parts.push(format!("blocked by {}", blocked_by.join(", ")));
                if !e.supported_lines.is_empty() {
                    parts.push(format!("its time supports {} ({})", codes_text(&e.supported_lines), money(supported)));
                }
            }
            if let (Some(n), true) = (&next, e.supported_lines.is_empty()) {
                parts.push(format!("{} needs {} more minute{}", n.code, n.minutes_needed, if n.minutes_needed == 1 { "" } else { "s" }));
            }
            if parts.is_empty() {
                parts.push("no code is supported".into());
            }
            parts.join("; ")
        }
    };
    ProgramEntry {
        program: id.into(),
        status: e.status.clone(),
        track: e.track.clone(),
        lines: e.lines.clone(),
        supported_lines: e.supported_lines.clone(),
        allowed: e.payment.allowed,
        coinsurance: e.payment.coinsurance,
        blocked_by,
        next_unit: next,
        summary,
        findings,
    }
}

/// A program the pack does not define: blocked, and why.
fn missing(pack: &Pack, id: &'static str) -> ProgramEntry {
    let f = Finding::with_severity(pack, "PROGRAM_NOT_IN_RULE_PACK", Severity::Error, "programs".into(),
        format!("the rule pack does not define {id} (programs.{id})").into());
    ProgramEntry {
        program: id.into(),
        status: "blocked".into(),
        track: None,
        lines: Vec::new(),
        supported_lines: Vec::new(),
        allowed: 0.0,
        coinsurance: 0.0,
        blocked_by: vec![f.code.clone()],
        next_unit: None,
        summary: format!("blocked: the rule pack does not define {id}"),
        findings: Some(vec![f]),
    }
}

/// APCM (CONTRACT §10.3): no time threshold, one unit a month, its level by the chronic
/// conditions counted and QMB status.
fn apcm(m: &Checked, pack: &Pack, def: &Apcm, context: &price::Context) -> ProgramEntry {
    let elig = crate::eligibility::check(m, pack, &def.requirements, "APCM");
    let mut findings = elig.findings;
    // No time to cut at the consent date: consent given after the month does not cover it.
    if m.consent.as_ref().and_then(|c| c.date).is_some_and(|d| d > m.month.last) {
        findings.push(Finding::new(pack, "CONSENT_MISSING", "consent.date".into(), "the consent is dated after the service month".into()));
    }
    let missing: Vec<&str> = def.elements.iter().map(String::as_str).filter(|e| !m.apcm.elements_attested.contains(e)).collect();
    if !missing.is_empty() {
        findings.push(Finding::new(pack, "APCM_ELEMENTS_NOT_ATTESTED", "apcm.elementsAttested".into(),
            format!("these APCM service elements are not attested: {}", missing.join(", ")).into()));
    }
    findings.extend(evaluate::provisional_finding(pack));
    findings.extend(context.findings.iter().cloned());
    findings.extend(crate::conflicts::check(m, pack, &def.conflicts, "APCM"));
    let level = def.levels.iter().find(|l| elig.counted_conditions >= l.min_chronic_conditions && (m.qmb || !l.qmb));
    let mut supported = Vec::new();
    if let Some(l) = level {
        let qmb = if m.qmb { "a Qualified Medicare Beneficiary" } else { "not a QMB patient" };
        findings.push(Finding::cited(pack, "APCM_LEVEL", Severity::Info, "conditions".into(),
            format!("{}: {} chronic condition(s) counted, {qmb}", l.code.code, elig.counted_conditions).into(), l.code.rule.as_deref()));
        if let Some(sev) = l.code.not_covered {
            findings.push(Finding::with_severity(pack, "CODE_NOT_COVERED_BY_PAYER", sev, "rulePack".into(),
                format!("the payer of this rule pack does not cover {}", l.code.code).into()));
        }
        let (a, c) = price::line_cents(price::unit_cents(&l.code, &context.payment, pack), 1, pack, m.qmb);
        supported.push(Line { code: l.code.code.clone(), units: 1, threshold_met_on: None, allowed: price::dollars(a), coinsurance: price::dollars(c) });
    }
    cite_over(pack, def, &mut findings);
    evaluate::order_findings(&mut findings);
    let blocked_by = blocking(&findings);
    let status = match (blocked_by.is_empty(), supported.is_empty()) {
        (false, _) => "blocked",
        (true, true) => "below_threshold",
        (true, false) => "billable",
    };
    let lines = if status == "billable" { supported.clone() } else { Vec::new() };
    let (allowed, coinsurance) = lines.first().map_or((0.0, 0.0), |l| (l.allowed, l.coinsurance));
    let summary = match (status, supported.first()) {
        ("billable", Some(l)) => format!("billable: {} ×1 for {}", l.code, money(cents(l.allowed))),
        (_, Some(l)) => format!("blocked by {}; {} would pay {}", blocked_by.join(", "), l.code, money(cents(l.allowed))),
        _ => "no APCM level of the rule pack applies".into(),
    };
    ProgramEntry {
        program: "apcm".into(),
        status: status.into(),
        track: None,
        lines,
        supported_lines: supported,
        allowed,
        coinsurance,
        blocked_by,
        next_unit: None,
        summary,
        findings: Some(findings),
    }
}

/// APCM's own rule for a finding (`programs.apcm.findingRules`: its consent and initiating-visit
/// rule), over the pack's.
fn cite_over(pack: &Pack, def: &Apcm, findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        if let Some(rule) = def.finding_rules.get(&*f.code) {
            f.source = pack.rules.get(rule).map(|s| Cow::Owned(s.clone()));
            f.rule = Some(Cow::Owned(rule.clone()));
        }
    }
}

/// Among billable programs the highest `allowed`; ties go to the earlier of ccm, pcm, apcm
/// (CONTRACT §10.5). APCM recommended: `APCM_PRACTICE_ELECTION` in its findings.
fn recommend(pack: &Pack, entries: &mut [ProgramEntry]) -> Option<Recommended> {
    let mut best: Option<usize> = None;
    for (i, e) in entries.iter().enumerate() {
        if e.status == "billable" && best.map_or(true, |b| cents(e.allowed) > cents(entries[b].allowed)) {
            best = Some(i);
        }
    }
    let b = best?;
    let others: Vec<String> = entries
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != b)
        .map(|(_, e)| match &*e.status {
            "billable" => format!("{} {}", e.program.to_ascii_uppercase(), money(cents(e.allowed))),
            _ => format!("{} not billable", e.program.to_ascii_uppercase()),
        })
        .collect();
    let chosen = &entries[b];
    let mut reason = format!("{} pays the most of the billable programs: {}", chosen.program.to_ascii_uppercase(), money(cents(chosen.allowed)));
    if !others.is_empty() {
        reason.push_str(&format!(" ({})", others.join("; ")));
    }
    let out = Recommended { program: chosen.program.clone(), allowed: chosen.allowed, reason };
    if out.program == "apcm" {
        if let Some(f) = entries[b].findings.as_mut() {
            f.push(Finding::new(pack, "APCM_PRACTICE_ELECTION", "programs".into(),
                "APCM is chosen for a patient by the practice and billed every month, not switched month by month; compare programs over the year before electing it".into()));
        }
    }
    Some(out)
}

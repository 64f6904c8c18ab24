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

use crate::evaluate;
use crate::evaluation::{Evaluation, Line, ProgramEntry, ProgramNext, Recommended};
use crate::finding::{Finding, Text};
use crate::pack::{Apcm, Pack, Severity};
use crate::price;
use crate::time::TimeCount;
use crate::validate::{Checked, TrackRequest};
use std::borrow::Cow;

/// The `programs` entries and the recommendation, for a month whose CCM decision is `ccm`
/// (`pcm_time`: PCM's time count when it is CCM's, see [`shared_time`]).
pub fn decide(m: &Checked, pack: &Pack, context: &price::Context, ccm: &Evaluation, pcm_time: Option<TimeCount>) -> (Vec<ProgramEntry>, Option<Recommended>) {
    let mut entries = vec![from_evaluation("ccm", ccm, None)];
    if m.programs.pcm {
        entries.push(match pack.pcm() {
            Some(program) => {
                let time = pcm_time.unwrap_or_else(|| crate::time::count(m, pack, &program));
                // The shared count is the count (checked in every debug build: the property,
                // door and fuzz tests run thousands of months with programs through here).
                debug_assert_eq!(time, crate::time::count(m, pack, &program));
                let e = evaluate::decide(m, pack, program, TrackRequest::Auto, context.clone(), time);
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

/// PCM's time count taken from CCM's, when every entry counts for both or for neither (no entry
/// of a service PCM counts and CCM does not, such as `pcm`): the same pools, exclusions and
/// findings, other-service time said to be excluded from PCM. `None`: PCM counts its own.
pub fn shared_time(m: &Checked, pack: &Pack, ccm: &TimeCount) -> Option<TimeCount> {
    let pcm = pack.pcm()?;
    let ccm_program = pack.ccm();
    let counts = |services: &[String], s: &str| services.iter().any(|x| x == s);
    let same = m.entries.iter().all(|e| counts(pcm.counted_services, e.service) == counts(ccm_program.counted_services, e.service));
    if !(same && m.programs.pcm) {
        return None;
    }
    let mut time = ccm.clone();
    for f in time.findings.iter_mut().filter(|f| f.code == "TIME_ENTRY_OTHER_SERVICE") {
        f.message = Cow::Borrowed(crate::time::other_service(pcm.name));
    }
    Some(time)
}

fn cents(dollars: f64) -> i64 {
    (dollars * 100.0).round() as i64
}

/// A sentence built by appending (the summaries are written for every program of every month
/// that asks: `format!` cost more than the rest of the program comparison).
#[derive(Default)]
struct Say(String);

impl Say {
    fn s(mut self, text: &str) -> Self {
        self.0.push_str(text);
        self
    }
    fn n(self, n: i64) -> Self {
        let mut b = itoa::Buffer::new();
        let digits = b.format(n).to_string();
        self.s(&digits)
    }
    /// `$1234.56`
    fn money(self, cents: i64) -> Self {
        let cents = cents.max(0);
        let frac = cents % 100;
        self.s("$").n(cents / 100).s(if frac < 10 { ".0" } else { "." }).n(frac)
    }
    /// "99490 ×1, 99439 ×1"
    fn codes(mut self, lines: &[Line]) -> Self {
        for (i, l) in lines.iter().enumerate() {
            self = self.s(if i > 0 { ", " } else { "" }).s(&l.code).s(" ×").n(l.units);
        }
        self
    }
    fn list(mut self, items: &[Text], sep: &str) -> Self {
        for (i, x) in items.iter().enumerate() {
            self = self.s(if i > 0 { sep } else { "" }).s(x);
        }
        self
    }
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

/// A time-based program's entry from its evaluation.
fn from_evaluation(id: &'static str, e: &Evaluation, findings: Option<Vec<Finding>>) -> ProgramEntry {
    let blocked_by = blocking(&e.findings);
    let next = e.time.next_unit.as_ref().map(|n| ProgramNext { code: n.code.clone(), minutes_needed: n.minutes_needed });
    let supported: i64 = e.supported_lines.iter().map(|l| cents(l.allowed)).sum();
    let summary = match &*e.status {
        "billable" => Say::default().s("billable: ").codes(&e.lines).s(" for ").money(cents(e.payment.allowed)),
        status => {
            let mut say = Say::default();
            if status == "blocked" {
                say = say.s("blocked by ").list(&blocked_by, ", ");
                if !e.supported_lines.is_empty() {
                    say = say.s("; its time supports ").codes(&e.supported_lines).s(" (").money(supported).s(")");
                }
            }
            if let (Some(n), true) = (&next, e.supported_lines.is_empty()) {
                let sep = if say.0.is_empty() { "" } else { "; " };
                say = say.s(sep).s(&n.code).s(" needs ").n(n.minutes_needed)
                    .s(if n.minutes_needed == 1 { " more minute" } else { " more minutes" });
            }
            if say.0.is_empty() {
                say = say.s("no code is supported");
            }
            say
        }
    }
    .0;
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
    let elig = crate::eligibility::assess(m, pack, &def.requirements, "APCM");
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
    findings.extend(crate::conflicts::find_conflicts(m, pack, &def.conflicts, "APCM"));
    let level = def.levels.iter().find(|l| elig.counted_conditions >= l.min_chronic_conditions && (m.qmb || !l.qmb));
    let mut supported = Vec::new();
    if let Some(l) = level {
        let qmb = if m.qmb { "a Qualified Medicare Beneficiary" } else { "not a QMB patient" };
        let message = Say::default().s(&l.code.code).s(": ").n(elig.counted_conditions as i64).s(" chronic condition(s) counted, ").s(qmb);
        findings.push(Finding::cited(pack, "APCM_LEVEL", Severity::Info, "conditions".into(), message.0.into(), l.code.rule.as_deref()));
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
        ("billable", Some(l)) => Say::default().s("billable: ").codes(&supported).s(" for ").money(cents(l.allowed)).0,
        (_, Some(l)) => Say::default().s("blocked by ").list(&blocked_by, ", ").s("; ").s(&l.code).s(" would pay ").money(cents(l.allowed)).0,
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
// INVARIANT: `b` comes from enumerating `entries`.
#[allow(clippy::indexing_slicing)]
fn recommend(pack: &Pack, entries: &mut [ProgramEntry]) -> Option<Recommended> {
    let mut best: Option<usize> = None;
    for (i, e) in entries.iter().enumerate() {
        if e.status == "billable" && best.map_or(true, |b| cents(e.allowed) > cents(entries[b].allowed)) {
            best = Some(i);
        }
    }
    let b = best?;
    let chosen = &entries[b];
    let mut say = Say::default().s(&chosen.program.to_ascii_uppercase()).s(" pays the most of the billable programs: ").money(cents(chosen.allowed));
    for (k, (_, e)) in entries.iter().enumerate().filter(|(i, _)| *i != b).enumerate() {
        say = say.s(if k == 0 { " (" } else { "; " }).s(&e.program.to_ascii_uppercase());
        say = if e.status == "billable" { say.s(" ").money(cents(e.allowed)) } else { say.s(" not billable") };
    }
    if entries.len() > 1 {
        say = say.s(")");
    }
    let out = Recommended { program: chosen.program.clone(), allowed: chosen.allowed, reason: say.0 };
    if out.program == "apcm" {
        if let Some(f) = entries[b].findings.as_mut() {
            f.push(Finding::new(pack, "APCM_PRACTICE_ELECTION", "programs".into(),
                "APCM is chosen for a patient by the practice and billed every month, not switched month by month; compare programs over the year before electing it".into()));
        }
    }
    Some(out)
}

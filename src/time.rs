//! Stage 2: counting time (CONTRACT §6.1–6.4, §6.11).
//!
//! Each entry is first judged whole (other service, no role, non-clinical, facility stay, outside
//! the month: the first reason only), then cut to the part that may count: inside the month, on
//! or after the consent date, up to the end of the `asOf` day, and outside every other service's
//! interval. What is left is split at local midnights and merged by [`sweep`], the one function
//! that removes overlap. Everything is in microseconds; minutes are floored only at the end.

use crate::finding::{Finding, Text};
use crate::pack::{Pack, Program};
use crate::validate::{Checked, Entry, When};
use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};

pub const MINUTE_US: i64 = 60_000_000;
pub const DAY_US: i64 = 86_400_000_000;

/// Counted time of one pool, by local day of the service month.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pool {
    pub by_day: Vec<i64>,
    /// Total counted µs, capped at the month's wall-clock span.
    pub total: i64,
}

impl Pool {
    fn new(days: usize) -> Self {
        Pool { by_day: vec![0; days], total: 0 }
    }
    fn finish(&mut self) {
        let cap = self.by_day.len() as i64 * DAY_US;
        self.total = self.by_day.iter().sum::<i64>().min(cap);
    }
    pub fn minutes(&self) -> i64 {
        self.total / MINUTE_US
    }
    /// The first day (index) on which the cumulative time reached `minutes`.
    pub fn reached_on(&self, minutes: i64) -> Option<usize> {
        let target = minutes.saturating_mul(MINUTE_US);
        let mut sum = 0i64;
        for (i, ms) in self.by_day.iter().enumerate() {
            sum += ms;
            if sum >= target {
                return Some(i);
            }
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimeCount {
    pub staff: Pool,
    pub practitioner: Pool,
    pub excluded_us: i64,
    /// Every counted entry shows who (name and role), start/end and a sufficient narrative.
    pub encounter_details_ok: bool,
    pub findings: Vec<Finding>,
}

/// A counted slice of an entry, inside one local day.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: i64,
    end: i64,
    day: u32,
    who: u32,
    entry: u32,
}

fn midnight_us(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_micros())
}

/// Merges sorted, possibly overlapping intervals.
fn union(mut v: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    v.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// `[a, b)` minus the sorted disjoint `cuts`.
fn subtract(a: i64, b: i64, cuts: &[(i64, i64)], out: &mut Vec<(i64, i64)>) {
    let mut cur = a;
    let first = cuts.partition_point(|c| c.1 <= a);
    for &(s, e) in cuts.get(first..).unwrap_or_default() {
        if s >= b {
            break;
        }
        if s > cur {
            out.push((cur, s));
        }
        cur = cur.max(e);
        if cur >= b {
            return;
        }
    }
    if cur < b {
        out.push((cur, b));
    }
}

/// A narrative that documents the work (CONTRACT §6.11): at least `min_chars` characters once
/// trimmed, and more than a restatement of the time or the service.
fn narrative_ok(narrative: &str, min_chars: usize) -> bool {
    if !narrative.is_ascii() {
        let n = narrative.trim();
        return has_chars(n, min_chars) && !is_restatement(n);
    }
    // Nearly every narrative is ASCII: then a byte is a character, and trimming and splitting
    // into words need no decoding. The same decision as above (tests compare the two).
    let n = trim_ascii_whitespace(narrative.as_bytes());
    if n.len() < min_chars {
        return false;
    }
    !only_restates(n.split(|c| !c.is_ascii_alphabetic()))
}

/// `str::trim` on ASCII: Unicode's White_Space in ASCII also has the vertical tab, which
/// `u8::is_ascii_whitespace` leaves out.
fn trim_ascii_whitespace(b: &[u8]) -> &[u8] {
    let space = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let start = b.iter().position(|c| !space(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !space(c)).map_or(start, |i| i + 1);
    b.get(start..end).unwrap_or_default()
}

/// The narrative is no more than a restatement of the time. Words are runs of letters; in
/// scripts written without spaces between words (Chinese, Japanese, Thai, ...) each character is
/// a unit of its own, so a narrative in them is judged by its characters, not by spaces.
pub fn is_restatement(narrative: &str) -> bool {
    only_restates(narrative.split(|c: char| !c.is_alphabetic()).flat_map(units).map(str::as_bytes))
}

/// A word cut into units: each character of an unspaced script alone, other runs whole.
fn units(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut run = 0;
    for (i, c) in word.char_indices() {
        if unspaced(c) {
            out.push(&word[run..i]);
            out.push(&word[i..i + c.len_utf8()]);
            run = i + c.len_utf8();
        }
    }
    out.push(&word[run..]);
    out
}

/// Scripts written without spaces between words: Thai, Lao, Tibetan, Myanmar, Khmer, kana, Han
/// (the CJK ideograph blocks, compatibility ideographs and half-width katakana).
fn unspaced(c: char) -> bool {
    matches!(c as u32, 0x0E00..=0x0FFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x3040..=0x30FF | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x3134F)
}

/// Fewer than two of the words (empty ones skipped) are substantive, not filler.
fn only_restates<'a>(words: impl Iterator<Item = &'a [u8]>) -> bool {
    words.filter(|w| !w.is_empty() && !is_filler_bytes(w) && !is_unspaced_filler(w)).nth(1).is_none()
}

/// One character of an unspaced script that only restates time, a call or the patient, or is a
/// particle (Chinese and Japanese: minute, hour, time, phone, call, about, total, patient, ...).
fn is_unspaced_filler(unit: &[u8]) -> bool {
    const FILLER: &[char] = &['分', '钟', '鐘', '鍾', '小', '时', '時', '间', '間', '秒', '电', '電', '话', '話', '通', '打', '约', '約', '共',
        '计', '計', '次', '和', '与', '與', '的', '了', '患', '者', '病', '人', 'の', 'に', 'で', 'を', 'と', 'は', 'が', 'た'];
    let mut chars = std::str::from_utf8(unit).map_or("".chars(), str::chars);
    match (chars.next(), chars.next()) {
        (Some(c), None) => FILLER.contains(&c),
        _ => false,
    }
}

/// `s` has at least `n` characters. (A character is one to four bytes, so the length in bytes
/// mostly decides; std's `count` is vectorized, stepping through `chars()` was not.)
fn has_chars(s: &str, n: usize) -> bool {
    s.len() >= n && (s.len() >= n.saturating_mul(4) || s.chars().count() >= n)
}

/// A word that only restates time or the service, in any case.
fn is_filler_bytes(word: &[u8]) -> bool {
    // The filler words are ASCII without a `k`, and the one non-ASCII letter whose lowercase is
    // ASCII is the Kelvin sign (→ `k`): a word with any non-ASCII letter is never filler, so an
    // ASCII lowercase on the stack (of the UTF-8 bytes) decides exactly what `to_lowercase` would.
    let mut buf = [0u8; 16];
    let Some(w) = buf.get_mut(..word.len()) else { return false };
    w.copy_from_slice(word);
    w.make_ascii_lowercase();
    matches!(
        &*w,
        b"ccm" | b"chronic" | b"care" | b"management" | b"mgmt" | b"call" | b"called" | b"calls" | b"phone"
            | b"telephone" | b"min" | b"mins" | b"minute" | b"minutes" | b"hr" | b"hrs" | b"hour" | b"hours"
            | b"time" | b"spent" | b"total" | b"of" | b"with" | b"the" | b"a" | b"an" | b"and" | b"for" | b"on"
            | b"in" | b"to" | b"pt" | b"patient" | b"approx" | b"approximately" | b"about" | b"sec" | b"seconds"
            | b"x" | b"services" | b"service" | b"provided" | b"performed" | b"per" | b"month" | b"monthly"
    )
}

/// Counts the month's time for `program`: entries of its `counted_services` count; every other
/// service's time is excluded and cuts what overlaps it.
pub fn count(m: &Checked, pack: &Pack, program: &Program) -> TimeCount {
    let mut c = Counter::new(m, pack, program);
    for (i, e) in m.entries.iter().enumerate() {
        c.entry(i, e);
    }
    c.finish()
}

/// The instants (µs) that bound counted time: the month, and within it from the consent date's
/// local midnight (`lo`) to the end of the `asOf` day (`hi`).
struct Bounds {
    days: usize,
    month_lo: i64,
    month_hi: i64,
    consent_lo: Option<i64>,
    lo: i64,
    hi: i64,
}

impl Bounds {
    fn of(m: &Checked) -> Bounds {
        let month_lo = midnight_us(m.month.first);
        let month_hi = month_lo + m.month.days() * DAY_US;
        let consent_lo = m.consent.as_ref().and_then(|c| c.date).map(midnight_us);
        let as_of_hi = m.as_of.succ_opt().map_or(i64::MAX, midnight_us);
        Bounds {
            days: m.month.days() as usize,
            month_lo,
            month_hi,
            consent_lo,
            lo: consent_lo.map_or(month_lo, |c| c.max(month_lo)),
            hi: month_hi.min(as_of_hi),
        }
    }
}

/// The count in progress: one entry at a time, then the sweep that removes overlap.
struct Counter<'a, 'p> {
    m: &'a Checked<'a>,
    pack: &'p Pack,
    program: &'p Program<'p>,
    b: Bounds,
    /// Other services' intervals: they cut the program's time, whoever performed either.
    cuts: Vec<(i64, i64)>,
    people: People<'a>,
    pieces: Vec<Piece>,
    practitioner_pieces: Vec<Piece>,
    kept: Vec<(i64, i64)>,
    excluded: i64,
    encounter_ok: bool,
    out: TimeCount,
}

impl<'a, 'p> Counter<'a, 'p> {
    fn new(m: &'a Checked<'a>, pack: &'p Pack, program: &'p Program<'p>) -> Self {
        let b = Bounds::of(m);
        let counts = |service: &str| program.counted_services.iter().any(|s| s == service);
        let cuts = union(
            m.entries
                .iter()
                .filter(|e| !counts(e.service))
                .filter_map(|e| match e.when {
                    When::Interval { start, end, .. } if end > start => Some((start, end)),
                    _ => None,
                })
                .collect(),
        );
        let out = TimeCount { staff: Pool::new(b.days), practitioner: Pool::new(b.days), encounter_details_ok: true, ..Default::default() };
        Counter { m, pack, program, b, cuts, people: People::default(), pieces: Vec::with_capacity(m.entries.len() * 2),
            practitioner_pieces: Vec::new(), kept: Vec::new(), excluded: 0, encounter_ok: true, out }
    }

    fn find(&mut self, code: &'static str, path: String, message: Text) {
        self.out.findings.push(Finding::new(self.pack, code, path, message));
    }

    /// Why a whole entry does not count, in §6.4's order: another service, no role, non-clinical
    /// staff, a facility stay.
    fn whole_exclusion(&self, e: &Entry, path: &dyn Fn(&str) -> String) -> Option<(&'static str, String, &'static str)> {
        let pol = &self.pack.policies;
        let role = e.role;
        if !self.program.counted_services.iter().any(|s| s == e.service) {
            Some(("TIME_ENTRY_OTHER_SERVICE", path("service"), other_service(self.program.name)))
        } else if role.is_none() {
            Some(("TIME_ENTRY_PERFORMER_MISSING", path("performer"), "the performer's role is missing, so the entry cannot be classified and does not count"))
        } else if !role.is_some_and(|r| pol.staff_roles.iter().any(|s| s == r)) {
            Some(("TIME_ENTRY_NON_CLINICAL", path("performer.role"), "time of non-clinical staff does not count"))
        } else if pol.facility_settings.iter().any(|s| s == e.setting) {
            Some(("TIME_ENTRY_FACILITY_STAY", path("patientSetting"), "time while the patient is in an inpatient or Part A SNF stay does not count"))
        } else {
            None
        }
    }

    /// Any part of the entry lies in the service month (a zero-length interval: its instant).
    fn inside_month(&self, e: &Entry) -> bool {
        match e.when {
            When::Interval { start, end, offset } => {
                let (s, t) = (start + offset, end + offset);
                if s == t {
                    self.b.month_lo <= s && s < self.b.month_hi
                } else {
                    s < self.b.month_hi && t > self.b.month_lo
                }
            }
            When::Day { date, .. } => self.m.month.contains(date),
        }
    }

    fn entry(&mut self, i: usize, e: &'a Entry<'a>) {
        let path = |f: &str| if f.is_empty() { format!("timeEntries[{i}]") } else { format!("timeEntries[{i}].{f}") };
        // The entry's whole length: what it does not count is excluded time (CONTRACT §6.4,
        // "outside the month" included).
        let whole_us = match e.when {
            When::Interval { start, end, .. } => end - start,
            When::Day { minutes, .. } => minutes * MINUTE_US,
        };
        if let Some((code, p, msg)) = self.whole_exclusion(e, &path) {
            self.excluded += whole_us;
            self.find(code, p, msg.into());
            return;
        }
        if !self.inside_month(e) {
            self.excluded += whole_us;
            self.find("TIME_ENTRY_OUTSIDE_MONTH", path(""), format!("the entry is outside the service month {}", self.m.month.label()).into());
            return;
        }
        let is_billing = e.role.is_some_and(|r| self.pack.policies.practitioner_roles.iter().any(|p| p == r)) || e.performer_id == Some(self.m.billing_id);
        // The documentation findings of a counted entry (§6.11) come before its time findings;
        // an entry that counts nothing reports only why (found below), so they are inserted here
        // once that is known.
        let docs_at = self.out.findings.len();
        let who = self.people.who(e, is_billing);
        let counted = match e.when {
            When::Day { date, minutes } => self.day(date, minutes, whole_us, is_billing, &path),
            When::Interval { start, end, offset } => self.interval(Span { a: start, b: end, offset, who, entry: i as u32, is_billing }, &path),
        };
        if counted {
            let docs = documentation(e, self.pack.policies.narrative_min_chars, &path);
            self.encounter_ok &= docs.is_empty();
            let later = self.out.findings.split_off(docs_at);
            let pack = self.pack;
            self.out.findings.extend(docs.into_iter().map(|(code, p, msg)| Finding::new(pack, code, p, msg)));
            self.out.findings.extend(later);
        }
    }

    /// A `date` + `minutes` entry: added to its day unless before consent or after `asOf`.
    fn day(&mut self, date: NaiveDate, minutes: i64, whole_us: i64, is_billing: bool, path: &dyn Fn(&str) -> String) -> bool {
        if self.b.consent_lo.is_some_and(|c| midnight_us(date) < c) {
            self.find("TIME_ENTRY_BEFORE_CONSENT", path("date"), "time before the consent date does not count".into());
            self.excluded += whole_us;
            return false;
        }
        if date > self.m.as_of {
            self.find("TIME_ENTRY_AFTER_AS_OF", path("date"), "time after the asOf date does not count yet".into());
            self.excluded += whole_us;
            return false;
        }
        let d = crate::validate::day_index(&self.m.month, date);
        for (pool, counts) in [(&mut self.out.staff, true), (&mut self.out.practitioner, is_billing)] {
            if let (true, Some(day)) = (counts, pool.by_day.get_mut(d)) {
                *day += minutes * MINUTE_US;
            }
        }
        true
    }

    /// An interval entry, `span` its whole extent: cut at the month's edges, the consent date and
    /// the end of the `asOf` day (each excluded instant once, under its first reason, §6.4), then
    /// by other services' time, then split at local midnights for the sweep.
    fn interval(&mut self, span: Span, path: &dyn Fn(&str) -> String) -> bool {
        let Bounds { month_lo, month_hi, lo, hi, days, .. } = self.b;
        let (s, t) = (span.a + span.offset, span.b + span.offset);
        let (ms, mt) = (s.max(month_lo), t.min(month_hi));
        if s < month_lo || t > month_hi {
            self.find("TIME_ENTRY_SPLIT_AT_MONTH_END", path(""), "the entry crosses a month boundary; only the part inside the service month counts".into());
            self.excluded += (t - s) - (mt - ms);
        }
        if ms < lo {
            self.find("TIME_ENTRY_BEFORE_CONSENT", path("start"), "time before the consent date does not count".into());
            self.excluded += lo.min(mt) - ms;
        }
        let after_from = hi.max(lo).max(ms);
        if mt > after_from {
            self.find("TIME_ENTRY_AFTER_AS_OF", path("end"), "time after the end of the asOf day does not count yet".into());
            self.excluded += mt - after_from;
        }
        let (a, b) = (ms.max(lo), mt.min(hi));
        if a >= b {
            return false;
        }
        let span = Span { a: a - span.offset, b: b - span.offset, ..span };
        let (pack, findings) = (self.pack, &mut self.out.findings);
        cut_and_split(span, &self.cuts, month_lo, days, &mut self.kept, &mut self.pieces, &mut self.practitioner_pieces, &mut self.excluded, || {
            findings.push(Finding::new(pack, "TIME_DOUBLE_COUNTED", path(""), "part of this entry overlaps time claimed by another service and does not count".into()));
        })
    }

    /// Removes overlap (one sweep per pool), reports it, and closes the pools.
    fn finish(mut self) -> TimeCount {
        let overlaps = sweep(&mut self.pieces, &mut self.out.staff.by_day, self.people.count());
        sweep(&mut self.practitioner_pieces, &mut self.out.practitioner.by_day, self.people.count());
        for (entry, same, other) in overlaps {
            let path = format!("timeEntries[{entry}]");
            if same {
                self.find("TIME_ENTRY_OVERLAP", path.clone(), "the entry overlaps another entry of the same person; the overlap counts once".into());
            }
            if other {
                self.find("TIME_CONCURRENT_STAFF", path, "the entry overlaps another person's entry at the same time; that time counts once".into());
            }
        }
        self.out.staff.finish();
        self.out.practitioner.finish();
        self.out.excluded_us = self.excluded;
        self.out.encounter_details_ok = self.encounter_ok;
        dedupe(&mut self.out.findings);
        self.out
    }
}

/// The message of `TIME_ENTRY_OTHER_SERVICE` (fixed text, lent for the life of the program).
pub fn other_service(program: &str) -> &'static str {
    match program {
        "PCM" => "time claimed by another service does not count toward PCM",
        _ => "time claimed by another service does not count toward CCM",
    }
}

/// The documentation findings of a counted entry (CONTRACT §6.11), in their order: the
/// performer's name, the narrative, start and end.
fn documentation(e: &Entry, min_chars: usize, path: &dyn Fn(&str) -> String) -> Vec<(&'static str, String, Text)> {
    let mut out = Vec::new();
    if e.performer_name.is_none() {
        out.push(("TIME_ENTRY_PERFORMER_MISSING", path("performer.name"), "the performer's name is missing".into()));
    }
    if !e.narrative.is_some_and(|n| narrative_ok(n, min_chars)) {
        out.push(("TIME_ENTRY_NARRATIVE_INSUFFICIENT", path("narrative"),
            format!("the narrative is missing, shorter than {min_chars} characters, or only restates the time").into()));
    }
    if matches!(e.when, When::Day { .. }) {
        out.push(("TIME_ENTRY_NO_START_END", path(""), "the entry has a date and minutes but no start and end time".into()));
    }
    out
}

/// The part of an entry that may count, as absolute instants `[a, b)`, with its offset.
#[derive(Clone, Copy)]
struct Span {
    a: i64,
    b: i64,
    offset: i64,
    who: u32,
    entry: u32,
    is_billing: bool,
}

/// Removes other services' intervals from `span` (adding what they take to `excluded` and
/// calling `double_counted` if they take anything), splits the rest at local midnights into
/// pieces for the sweep, and returns whether anything is left to count.
#[allow(clippy::too_many_arguments)]
fn cut_and_split(span: Span, cuts: &[(i64, i64)], month_lo: i64, days: usize, kept: &mut Vec<(i64, i64)>, pieces: &mut Vec<Piece>,
    practitioner_pieces: &mut Vec<Piece>, excluded: &mut i64, double_counted: impl FnOnce()) -> bool {
    kept.clear();
    subtract(span.a, span.b, cuts, kept);
    let kept_us: i64 = kept.iter().map(|(x, y)| y - x).sum();
    if kept_us < span.b - span.a {
        double_counted();
        *excluded += span.b - span.a - kept_us;
    }
    for &(x, y) in kept.iter() {
        // Split at local midnights: each piece lies on one local day.
        let mut p = x;
        while p < y {
            let local = p + span.offset;
            let day_end = (local.div_euclid(DAY_US) + 1) * DAY_US - span.offset;
            let q = y.min(day_end);
            let day = ((local - month_lo).div_euclid(DAY_US)).clamp(0, days as i64 - 1) as u32;
            let piece = Piece { start: p, end: q, day, who: span.who, entry: span.entry };
            pieces.push(piece);
            if span.is_billing {
                practitioner_pieces.push(piece);
            }
            p = q;
        }
    }
    kept_us > 0
}

/// Who performed each entry, as dense numbers (for the sweep's per-person table): the billing
/// practitioner is 0; then one number per performer id, one per name of a performer without an
/// id (ids and names never match each other), and one per entry naming neither.
#[derive(Default)]
struct People<'a> {
    ids: FxHashMap<&'a str, u32>,
    names: FxHashMap<&'a str, u32>,
    others: u32,
}

impl<'a> People<'a> {
    fn count(&self) -> usize {
        1 + self.ids.len() + self.names.len() + self.others as usize
    }
    fn who(&mut self, e: &'a Entry, is_billing: bool) -> u32 {
        if is_billing {
            return 0;
        }
        let next = self.count() as u32;
        match (e.performer_id, e.performer_name) {
            (Some(id), _) => *self.ids.entry(id).or_insert(next),
            (None, Some(name)) => *self.names.entry(name).or_insert(next),
            (None, None) => {
                self.others += 1;
                next
            }
        }
    }
}

/// Adds the union of `pieces` to `by_day`, each instant once, and returns, per entry, whether it
/// overlapped time already seen of the same person and of another person. O(n log n).
// INVARIANT: `who` numbers come from `People::who` (below `people`) and `day` is clamped to the
// month's days, the length of `by_day`.
#[allow(clippy::indexing_slicing)]
fn sweep(pieces: &mut [Piece], by_day: &mut [i64], people: usize) -> Vec<(u32, bool, bool)> {
    pieces.sort_unstable_by_key(|p| (p.start, p.end, p.day, p.entry));
    let mut covered = i64::MIN;
    let mut last_end = vec![i64::MIN; people];
    // The latest ends of the two people whose time reaches furthest.
    let mut top: [(i64, u32); 2] = [(i64::MIN, u32::MAX), (i64::MIN, u32::MAX)];
    let mut flags: Vec<(u32, bool, bool)> = Vec::new();
    for p in pieces.iter() {
        if p.end > p.start {
            let same = last_end[p.who as usize] > p.start;
            let other_end = if top[0].1 != p.who { top[0].0 } else { top[1].0 };
            let other = other_end > p.start;
            if same || other {
                match flags.last_mut() {
                    Some(f) if f.0 == p.entry => {
                        f.1 |= same;
                        f.2 |= other;
                    }
                    _ => flags.push((p.entry, same, other)),
                }
            }
            let from = covered.max(p.start);
            if p.end > from {
                by_day[p.day as usize] += p.end - from;
                covered = p.end;
            }
        }
        let e = &mut last_end[p.who as usize];
        *e = (*e).max(p.end);
        let mine = *e;
        if top[0].1 == p.who {
            top[0].0 = mine;
        } else if top[1].1 == p.who {
            top[1].0 = mine;
            if top[1].0 > top[0].0 {
                top.swap(0, 1);
            }
        } else if mine > top[1].0 {
            top[1] = (mine, p.who);
            if top[1].0 > top[0].0 {
                top.swap(0, 1);
            }
        }
    }
    flags.sort_unstable();
    flags.dedup_by(|b, a| {
        if a.0 == b.0 {
            a.1 |= b.1;
            a.2 |= b.2;
            true
        } else {
            false
        }
    });
    flags
}

/// Keeps the first finding of each (code, path), without copying either.
fn dedupe(findings: &mut Vec<Finding>) {
    let mut seen = FxHashSet::default();
    let keep: Vec<bool> = findings.iter().map(|f| seen.insert((&*f.code, f.path.as_deref()))).collect();
    drop(seen); // it borrows the findings retained below
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::{has_chars, is_filler_bytes, is_restatement, narrative_ok};

    /// The ASCII path decides as trimming, counting characters and splitting words in Unicode do.
    #[test]
    fn ascii_narratives_decide_as_unicode_ones() {
        let general = |n: &str, min: usize| {
            let t = n.trim();
            has_chars(t, min) && !is_restatement(t)
        };
        let parts = ["", " ", "\t", "\x0b", "\x0c", "\r\n", "\u{85}", "\u{a0}", "a", "CCM", "call", "Reviewed", "glucose", "log",
            "20", "min", "with", "pt", "-", ",", "x", "é", "Minutes", "the", "K", "\u{212A}"];
        let mut seed = 7u64;
        let mut accepted = 0;
        for _ in 0..20_000 {
            let mut n = String::new();
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            for k in 0..(seed >> 60) {
                n.push_str(parts[((seed >> (k * 4 % 56)) % parts.len() as u64) as usize]);
                if (seed >> (k + 3)) & 1 == 1 {
                    n.push(' ');
                }
            }
            for min in [0, 3, 10, 25] {
                assert_eq!(narrative_ok(&n, min), general(&n, min), "{n:?} {min}");
                accepted += usize::from(general(&n, min));
            }
        }
        // Both answers are well represented.
        assert!((10_000..70_000).contains(&accepted), "{accepted}");
        assert!(narrative_ok("\x0b Reviewed glucose log \x0b", 20) && !narrative_ok("\x0bReviewed glucose\x0b", 17));
        assert!(!narrative_ok("CCM call, 20 MINUTES with pt", 10) && !narrative_ok("Reviewed glucose", 20));
    }

    /// The stack lowercase decides exactly what the former `to_lowercase()` + list lookup did.
    #[test]
    fn filler_words_match_unicode_lowercase() {
        const FILLER: &[&str] = &[
            "ccm", "chronic", "care", "management", "mgmt", "call", "called", "calls", "phone", "telephone", "min",
            "mins", "minute", "minutes", "hr", "hrs", "hour", "hours", "time", "spent", "total", "of", "with", "the",
            "a", "an", "and", "for", "on", "in", "to", "pt", "patient", "approx", "approximately", "about", "sec",
            "seconds", "x", "services", "service", "provided", "performed", "per", "month", "monthly",
        ];
        let mut words: Vec<String> = FILLER.iter().flat_map(|w| [w.to_string(), w.to_uppercase(), format!("{w}s"), w[1..].to_string()]).collect();
        words.extend(["\u{212A}", "CC\u{212A}", "İn", "ſpent", "Minuteß", "ＣＣＭ", "tіme", "approximatelyyyyy", "é", ""].map(String::from));
        for w in &words {
            assert_eq!(is_filler_bytes(w.as_bytes()), FILLER.contains(&w.to_lowercase().as_str()), "{w:?}");
        }
        assert!(is_restatement("CCM call, 20 MINUTES with pt"));
        assert!(!is_restatement("Reviewed glucose log"));
        assert!(has_chars("abc", 0) && has_chars("abc", 3) && !has_chars("abc", 4) && has_chars("ééé", 3) && !has_chars("éé", 3));
    }
}

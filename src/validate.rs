//! Stage 1b: from the lenient input to a checked model, reporting every problem in one pass.
//!
//! Each issue names its JSON path (`timeEntries[3].end`). Messages name what was expected, never
//! the text that was sent.

use crate::input::*;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// One problem of an input: where (a JSON path, `timeEntries[3].end`) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// The JSON path (empty: the whole input).
    pub path: String,
    /// What was expected (never the text that was sent).
    pub message: String,
}

/// Why an input cannot be evaluated (CONTRACT §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    /// `INVALID_JSON`, `INVALID_INPUT`, `INPUT_TOO_LARGE`, `UNKNOWN_RULE_PACK`,
    /// `NO_RULE_PACK_FOR_MONTH` or `INVALID_RULE_PACK`.
    pub code: String,
    /// In words.
    pub message: String,
    /// Every problem found, in one pass.
    pub issues: Vec<Issue>,
}

impl InputError {
    /// An error with its code, message and issues.
    pub fn new(code: &str, message: &str, issues: Vec<Issue>) -> Self {
        InputError { code: code.to_string(), message: message.to_string(), issues }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for InputError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackRequest {
    Auto,
    Forced(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    NonFacility,
    Facility,
    /// A rural health clinic or federally qualified health center: the PFS national
    /// non-facility amount, no geographic adjustment (42 CFR 405.2464(c)).
    Rhc,
    Fqhc,
}

impl Setting {
    pub fn as_str(self) -> &'static str {
        match self {
            Setting::NonFacility => "nonFacility",
            Setting::Facility => "facility",
            Setting::Rhc => "rhc",
            Setting::Fqhc => "fqhc",
        }
    }
    pub fn is_clinic(self) -> bool {
        matches!(self, Setting::Rhc | Setting::Fqhc)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PaymentOptions {
    pub setting: Setting,
    pub qualifying_apm: bool,
    /// work, pe, mp; scaled by 10^6.
    pub gpci: [i64; 3],
    /// Which of the three were given in `payment.gpci` (they win over a locality's).
    pub gpci_given: [bool; 3],
    /// `payment.locality`: MAC and locality number, `MMMMM-LL` (e.g. `01112-26`).
    pub locality: Option<String>,
}

impl Default for PaymentOptions {
    fn default() -> Self {
        PaymentOptions { setting: Setting::NonFacility, qualifying_apm: false, gpci: [1_000_000; 3], gpci_given: [false; 3], locality: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    pub year: i32,
    pub month: u32,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Month {
    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }
    /// `YYYY-MM`, written directly for the four-digit years a month can be read with.
    pub fn label(&self) -> String {
        match (u32::try_from(self.year), self.month) {
            (Ok(y @ 0..=9999), m @ 1..=12) => String::from_utf8(year_month(y, m).to_vec()).unwrap_or_default(),
            _ => format!("{:04}-{:02}", self.year, self.month),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Upper case, without the dot.
    pub code: String,
    pub well_formed: bool,
    pub chronic: Option<bool>,
    pub significant_risk: Option<bool>,
    /// `pcmFocus` (read only when PCM is decided).
    pub pcm_focus: bool,
}

/// The programs decided beside CCM (CONTRACT §10; `programs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Programs {
    pub pcm: bool,
    pub apcm: bool,
}

impl Programs {
    /// Any program beside CCM: the output then carries `programs` and `recommended`.
    pub fn any(self) -> bool {
        self.pcm || self.apcm
    }
}

/// `apcm`: the practice's attestations (read only when APCM is decided).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApcmAttest<'a> {
    pub responsible_for_primary_care: Option<bool>,
    pub elements_attested: Vec<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentStatus {
    Accepted,
    Declined,
    Revoked,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Consent<'a> {
    pub status: Option<ConsentStatus>,
    pub date: Option<NaiveDate>,
    pub method: Option<&'static str>,
    pub version: Option<&'a str>,
    pub text_sha256: Option<&'a str>,
    pub practitioner_id: Option<&'a str>,
    pub elements: Vec<&'a str>,
    pub revoked_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Visit<'a> {
    pub date: Option<NaiveDate>,
    pub kind: Option<&'a str>,
    pub practitioner_id: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CarePlan<'a> {
    pub established: Option<NaiveDate>,
    pub electronic: Option<bool>,
    pub accessible_24x7: Option<bool>,
    pub shared_with_patient: Option<bool>,
    pub signed_by: Option<&'a str>,
    pub signed_on: Option<NaiveDate>,
    pub last_reviewed: Option<NaiveDate>,
    pub revised_on: Vec<NaiveDate>,
    /// `diseaseSpecific` (read only when PCM is decided).
    pub disease_specific: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum When {
    /// Absolute instants in µs since the epoch (floating times as if UTC), and the entry's own
    /// offset, which decides its local dates.
    Interval { start: i64, end: i64, offset: i64 },
    Day { date: NaiveDate, minutes: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    pub when: When,
    /// Vocabulary values are the contract's own spellings (no copy of the input).
    pub role: Option<&'static str>,
    pub performer_id: Option<&'a str>,
    pub performer_name: Option<&'a str>,
    pub has_performer: bool,
    pub narrative: Option<&'a str>,
    pub service: &'static str,
    pub setting: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OtherService<'a> {
    pub code: String,
    pub date: Option<NaiveDate>,
    pub practitioner_id: Option<&'a str>,
    pub group_id: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PackChoice<'a> {
    Default,
    Id(String),
    Custom(&'a crate::json::Json<'a>),
}

/// A month that passed validation; its strings borrow from the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<'a> {
    pub month: Month,
    pub as_of: NaiveDate,
    pub pack: PackChoice<'a>,
    pub track: TrackRequest,
    pub payment: PaymentOptions,
    pub billing_id: &'a str,
    pub credential: Option<&'a str>,
    pub group_id: Option<&'a str>,
    pub new_patient: bool,
    /// A Qualified Medicare Beneficiary: owes no coinsurance.
    pub qmb: bool,
    pub last_visit: Option<NaiveDate>,
    pub conditions: Vec<Condition>,
    pub consent: Option<Consent<'a>>,
    pub visit: Option<Visit<'a>>,
    pub care_plan: Option<CarePlan<'a>>,
    pub mdm: Option<&'static str>,
    pub supervision: Option<bool>,
    pub entries: Vec<Entry<'a>>,
    pub other_services: Vec<OtherService<'a>>,
    pub claim_version: Option<&'a str>,
    pub claim_sha: Option<&'a str>,
    pub programs: Programs,
    pub apcm: ApcmAttest<'a>,
}

pub const ROLES: [&str; 7] = ["rn", "lpn", "ma", "clinical_staff", "other_practitioner", "billing_practitioner", "non_clinical"];
pub const SERVICES: [&str; 11] = ["ccm", "tcm", "pcm", "rpm", "rtm", "bhi", "chi", "pin", "em", "apcm", "other"];
pub const SETTINGS: [&str; 3] = ["community", "inpatient", "snf_part_a"];
pub const MDM: [&str; 4] = ["straightforward", "low", "moderate", "high"];
pub const METHODS: [&str; 3] = ["verbal", "written", "electronic"];

// Dates and date-times are parsed by hand rather than with chrono's format parser: the formats are
// fixed, and chrono's parser costs about 6 KB gzipped of wasm. chrono still does the calendar.

/// `n` ASCII digits at `b[at..]` as a number.
fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let d = b.get(at..at + n)?;
    d.iter().try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 {
        return None;
    }
    date_at(b)
}

fn date_at(b: &[u8]) -> Option<NaiveDate> {
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(b, 0, 4)? as i32, digits(b, 5, 2)?, digits(b, 8, 2)?)
}

/// `d` as `YYYY-MM-DD`, as chrono writes it (written directly: through `Display` a date was
/// a fifth of a microsecond, and a month's result writes several).
pub fn date_text(d: NaiveDate) -> String {
    let Ok(y @ 0..=9999) = u32::try_from(d.year()) else { return d.to_string() };
    let mut text = Vec::with_capacity(10);
    text.extend(year_month(y, d.month()));
    text.extend([b'-', digit(d.day() / 10), digit(d.day())]);
    String::from_utf8(text).unwrap_or_default()
}

/// `YYYY-MM` of a year below 10,000 and a month, as bytes.
fn year_month(y: u32, m: u32) -> [u8; 7] {
    [digit(y / 1000), digit(y / 100), digit(y / 10), digit(y), b'-', digit(m / 10), digit(m)]
}

/// The last decimal digit of `n`, as ASCII.
fn digit(n: u32) -> u8 {
    b'0' + (n % 10) as u8
}

// INVARIANT: the length is checked (7) before any index.
#[allow(clippy::indexing_slicing)]
pub fn parse_month(s: &str) -> Option<Month> {
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let (year, month) = (digits(b, 0, 4)? as i32, digits(b, 5, 2)?);
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(year, month + 1, 1)? };
    Some(Month { year, month, first, last: next.pred_opt()? })
}

/// Microseconds from 1970-01-01 to the start of `d`.
fn epoch_us(d: NaiveDate) -> i64 {
    (i64::from(d.num_days_from_ce()) - 719_163) * 86_400_000_000
}

/// RFC 3339 date-time, `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z`, `±HH:MM` or nothing
/// (`T` may be `t` or a space). With an offset → (instant µs, offset µs, true); without one, a
/// floating local time → (as-if-UTC µs, 0, false). Fractions are kept to the microsecond; digits
/// beyond it are dropped (floored), see [`parse_datetime_exact`].
#[cfg_attr(not(feature = "fhir"), allow(dead_code))]
pub fn parse_datetime(s: &str) -> Option<(i64, i64, bool)> {
    parse_datetime_exact(s).map(|(t, o, f, _)| (t, o, f))
}

/// [`parse_datetime`], and whether digits below the microsecond were dropped (so a start can be
/// rounded up to the next microsecond and an entry never grows: CONTRACT §6.2).
// INVARIANT: the length is checked (16 to 40) before the fixed indexes; the fraction's digits are counted
// within the text, and `at` never passes its end.
#[allow(clippy::indexing_slicing)]
pub fn parse_datetime_exact(s: &str) -> Option<(i64, i64, bool, bool)> {
    let b = s.as_bytes();
    if b.len() < 16 || b.len() > 40 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return None;
    }
    let date = date_at(&b[..10])?;
    let (h, m) = (digits(b, 11, 2)?, digits(b, 14, 2)?);
    let mut at = 16;
    let mut us = 0;
    let mut dropped = false;
    if b.get(at) == Some(&b':') {
        us = digits(b, at + 1, 2)? * 1_000_000;
        at += 3;
        if b.get(at) == Some(&b'.') {
            let n = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let frac = &b[at + 1..at + 1 + n.min(6)];
            us += frac.iter().zip([100_000, 10_000, 1000, 100, 10, 1]).map(|(c, w)| u32::from(c - b'0') * w).sum::<u32>();
            dropped = b[at + 1 + n.min(6)..at + 1 + n].iter().any(|&c| c != b'0');
            at += 1 + n;
        }
    }
    if h > 23 || m > 59 || us >= 60_000_000 {
        return None;
    }
    let local = epoch_us(date) + i64::from(h) * 3_600_000_000 + i64::from(m) * 60_000_000 + i64::from(us);
    let (offset, fixed) = match &b[at..] {
        [] => (0, false),
        [b'Z' | b'z'] => (0, true),
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (digits(b, at + 1, 2)?, digits(b, at + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let off = i64::from(oh * 60 + om) * 60_000_000;
            (if *sign == b'-' { -off } else { off }, true)
        }
        _ => return None,
    };
    Some((local - offset, offset, fixed, dropped))
}

/// Normalizes an ICD-10-CM code (dot optional, any case) and checks its shape: a letter, a digit,
/// an alphanumeric, then up to four alphanumerics, the dot (if any) after the third character.
// INVARIANT: `b[0]` and `b[1]` are read after the length (3 to 7) is checked.
#[allow(clippy::indexing_slicing)]
pub fn normalize_icd(raw: &str) -> (String, bool) {
    let t = raw.trim();
    let mut out = String::with_capacity(8);
    let mut ok = !t.is_empty() && t.len() <= 9;
    for (i, ch) in t.chars().enumerate() {
        if ch == '.' {
            ok &= i == 3;
            continue;
        }
        out.push(ch.to_ascii_uppercase());
    }
    let b = out.as_bytes();
    ok &= (3..=7).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_digit()
        && b.iter().all(|c| c.is_ascii_alphanumeric());
    if t.contains('.') && b.len() == 3 {
        ok = false;
    }
    if !ok {
        out.clear();
        out.push_str(&t.chars().take(8).collect::<String>().to_ascii_uppercase());
    }
    (out, ok)
}

struct V {
    issues: Vec<Issue>,
    too_large: bool,
}

impl V {
    fn push(&mut self, path: String, message: impl Into<String>) {
        self.issues.push(Issue { path, message: message.into() });
    }
    /// Reports a wrong type or an oversized value; returns the value when valid.
    fn take<'a, T>(&mut self, v: &'a Val<T>, path: &dyn Fn() -> String, expected: &str) -> Option<&'a T> {
        match v {
            Val::Ok(x) => Some(x),
            Val::Absent => None,
            Val::Wrong(got) => {
                self.push(path(), format!("expected {expected}, found {got}"));
                None
            }
            Val::TooLarge(n) => {
                self.too_large = true;
                self.push(path(), format!("too large ({n}); see the input bounds in CONTRACT §2"));
                None
            }
        }
    }
    fn string<'a>(&mut self, v: &'a Str, path: &dyn Fn() -> String) -> Option<&'a str> {
        self.take(v, path, "a string").map(|s| &**s)
    }
    fn boolean(&mut self, v: &Bool, path: &dyn Fn() -> String) -> Option<bool> {
        self.take(v, path, "true or false").copied()
    }
    fn date(&mut self, v: &Str, path: &dyn Fn() -> String) -> Option<NaiveDate> {
        let s = self.take(v, path, "a date YYYY-MM-DD")?;
        let d = parse_date(s);
        if d.is_none() {
            self.push(path(), "expected a date YYYY-MM-DD");
        }
        d
    }
    fn one_of(&mut self, v: &Str, path: &dyn Fn() -> String, allowed: &[&'static str]) -> Option<&'static str> {
        let s = self.take(v, path, "a string")?;
        let found = allowed.iter().find(|a| **a == s).copied();
        if found.is_none() {
            self.push(path(), format!("expected one of: {}", allowed.join(", ")));
        }
        found
    }
}

/// The top level must be an object.
pub fn check_root<'a>(root: &'a Root) -> Result<Checked<'a>, InputError> {
    let mut v = V { issues: Vec::new(), too_large: false };
    match v.take(root, &String::new, "an object") {
        Some(Obj(input)) => check_month(input),
        None => {
            if v.issues.is_empty() {
                v.push(String::new(), "expected an object (a MonthInput), found null");
            }
            Err(fail(v))
        }
    }
}

/// Checks a month; on failure returns every issue found, in the order of the input's fields.
pub fn check_month<'a>(input: &'a MonthInput) -> Result<Checked<'a>, InputError> {
    let mut v = V { issues: Vec::new(), too_large: false };
    let month = service_month(&mut v, &input.service_month);
    let as_of = v.date(&input.as_of, &|| "asOf".into());
    let pack = match v.take(&input.rule_pack, &|| "rulePack".into(), "a rule pack id or object") {
        None => PackChoice::Default,
        Some(PackRef::Id(id)) => PackChoice::Id(id.to_string()),
        Some(PackRef::Custom(obj)) => PackChoice::Custom(obj),
    };
    let track = match v.one_of(&input.track, &|| "track".into(), &["auto", "staff", "complex", "practitioner"]) {
        None | Some("auto") => TrackRequest::Auto,
        Some(t) => TrackRequest::Forced(t),
    };
    let payment = payment(&mut v, &input.payment);
    let programs = programs(&mut v, &input.programs);
    let (billing_id, credential, group_id) = billing(&mut v, &input.billing_practitioner);
    let (new_patient, last_visit, qmb) = patient(&mut v, &input.patient);
    let conditions = conditions(&mut v, &input.conditions, programs.pcm);
    let consent = v.take(&input.consent, &|| "consent".into(), "an object").map(|Obj(c)| consent(&mut v, c));
    let visit = visit(&mut v, &input.initiating_visit);
    let care_plan = v.take(&input.care_plan, &|| "carePlan".into(), "an object").map(|Obj(cp)| care_plan(&mut v, cp, programs.pcm));
    let apcm = if programs.apcm { apcm(&mut v, &input.apcm) } else { ApcmAttest::default() };
    let mdm = match v.take(&input.complexity, &|| "complexity".into(), "an object") {
        Some(Obj(c)) => v.one_of(&c.mdm, &|| "complexity.mdm".into(), &MDM),
        None => None,
    };
    let supervision = v.boolean(&input.supervision_attested, &|| "supervisionAttested".into());
    let entries = entries(&mut v, &input.time_entries);
    let other_services = other_services(&mut v, &input.other_services);
    let (mut claim_version, mut claim_sha) = (None, None);
    if let Some(Obj(c)) = v.take(&input.claim, &|| "claim".into(), "an object") {
        claim_version = v.string(&c.consent_version, &|| "claim.consentVersion".into());
        claim_sha = v.string(&c.consent_text_sha256, &|| "claim.consentTextSha256".into());
    }
    let (Some(month), Some(billing_id)) = (month, billing_id) else {
        return Err(fail(v));
    };
    finish(v)?;
    Ok(Checked {
        as_of: as_of.unwrap_or(month.last),
        month,
        pack,
        track,
        payment,
        billing_id,
        credential,
        group_id,
        new_patient,
        last_visit,
        qmb,
        conditions,
        consent,
        visit,
        care_plan,
        mdm,
        supervision,
        entries,
        other_services,
        claim_version,
        claim_sha,
        programs,
        apcm,
    })
}

/// `serviceMonth`, required.
fn service_month(v: &mut V, s: &Str) -> Option<Month> {
    match v.take(s, &|| "serviceMonth".into(), "a month YYYY-MM") {
        Some(text) => {
            let m = parse_month(text);
            if m.is_none() {
                v.push("serviceMonth".into(), "expected a month YYYY-MM (month 01-12)");
            }
            m
        }
        None => {
            if s.is_absent() {
                v.push("serviceMonth".into(), "is required (YYYY-MM)");
            }
            None
        }
    }
}

/// `billingPractitioner`: its id (required, not blank), credential and group.
fn billing<'a>(v: &mut V, b: &'a Val<Obj<BillingIn>>) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>) {
    let Some(Obj(b)) = v.take(b, &|| "billingPractitioner".into(), "an object") else {
        if b.is_absent() {
            v.push("billingPractitioner".into(), "is required (with an id)");
        }
        return (None, None, None);
    };
    let mut id = v.string(&b.id, &|| "billingPractitioner.id".into());
    if id.map_or(true, |s| s.trim().is_empty()) {
        if b.id.ok().is_some() || b.id.is_absent() {
            v.push("billingPractitioner.id".into(), "is required (a non-empty string)");
        }
        id = None;
    }
    let credential = v.string(&b.credential, &|| "billingPractitioner.credential".into());
    let group = v.string(&b.group_id, &|| "billingPractitioner.groupId".into());
    (id, credential, group)
}

/// `patient`: (newPatient, lastVisitDate, qmb).
fn patient(v: &mut V, p: &Val<Obj<PatientIn>>) -> (bool, Option<NaiveDate>, bool) {
    let Some(Obj(p)) = v.take(p, &|| "patient".into(), "an object") else { return (false, None, false) };
    let _ = v.string(&p.reference, &|| "patient.ref".into());
    let new_patient = v.boolean(&p.new_patient, &|| "patient.newPatient".into()).unwrap_or(false);
    let qmb = v.boolean(&p.qmb, &|| "patient.qmb".into()).unwrap_or(false);
    let last_visit = v.date(&p.last_visit_date, &|| "patient.lastVisitDate".into());
    (new_patient, last_visit, qmb)
}

/// `conditions`: each code normalized; `pcmFocus` read only when PCM is decided.
fn conditions(v: &mut V, list: &Val<List<Val<Obj<ConditionIn>>, MAX_CONDITIONS>>, pcm: bool) -> Vec<Condition> {
    let mut out = Vec::new();
    each_object(v, list, "conditions", |v, i, c| {
        let code = v.string(&c.code, &|| format!("conditions[{i}].code"));
        if c.code.is_absent() {
            v.push(format!("conditions[{i}].code"), "is required (ICD-10-CM)");
        }
        let chronic = v.boolean(&c.chronic, &|| format!("conditions[{i}].chronic"));
        let significant_risk = v.boolean(&c.significant_risk, &|| format!("conditions[{i}].significantRisk"));
        // §10's inputs are read only when a program that uses them is decided: without
        // `programs` a month is read as v1 read it (unknown fields ignored).
        let pcm_focus = pcm && v.boolean(&c.pcm_focus, &|| format!("conditions[{i}].pcmFocus")) == Some(true);
        if let Some(code) = code {
            let (code, well_formed) = normalize_icd(code);
            out.push(Condition { code, well_formed, chronic, significant_risk, pcm_focus });
        }
    });
    out
}

/// Calls `f` with each object of the list field `name` and its index; the list or an element of
/// the wrong type is reported at its path (a null element: "expected an object, found null").
fn each_object<'a, T, const N: usize>(v: &mut V, list: &'a Val<List<Val<Obj<T>>, N>>, name: &str, mut f: impl FnMut(&mut V, usize, &'a T)) {
    let Some(List(list)) = v.take(list, &|| name.into(), "an array") else { return };
    for (i, e) in list.iter().enumerate() {
        match v.take(e, &|| format!("{name}[{i}]"), "an object") {
            Some(Obj(o)) => f(v, i, o),
            None if e.is_absent() => v.push(format!("{name}[{i}]"), "expected an object, found null"),
            None => {}
        }
    }
}

/// `initiatingVisit`.
fn visit<'a>(v: &mut V, iv: &'a Val<Obj<VisitIn>>) -> Option<Visit<'a>> {
    let Obj(iv) = v.take(iv, &|| "initiatingVisit".into(), "an object")?;
    let date = v.date(&iv.date, &|| "initiatingVisit.date".into());
    let kind = v.string(&iv.kind, &|| "initiatingVisit.type".into());
    let practitioner_id = v.string(&iv.practitioner_id, &|| "initiatingVisit.practitionerId".into());
    Some(Visit { date, kind, practitioner_id })
}

/// `timeEntries`, each checked by [`entry`].
fn entries<'a>(v: &mut V, list: &'a Val<List<Val<Obj<TimeEntryIn>>, MAX_TIME_ENTRIES>>) -> Vec<Entry<'a>> {
    let mut out = Vec::with_capacity(match list {
        Val::Ok(List(l)) => l.len(),
        _ => 0,
    });
    each_object(v, list, "timeEntries", |v, i, e| out.extend(entry(v, e, i)));
    out
}

/// `otherServices`: codes trimmed and upper-cased.
fn other_services<'a>(v: &mut V, list: &'a Val<List<Val<Obj<OtherServiceIn>>, MAX_OTHER_SERVICES>>) -> Vec<OtherService<'a>> {
    let mut out = Vec::new();
    each_object(v, list, "otherServices", |v, i, s| {
        let code = v.string(&s.code, &|| format!("otherServices[{i}].code"));
        if s.code.is_absent() {
            v.push(format!("otherServices[{i}].code"), "is required (CPT/HCPCS)");
        }
        let date = v.date(&s.date, &|| format!("otherServices[{i}].date"));
        let practitioner_id = v.string(&s.practitioner_id, &|| format!("otherServices[{i}].practitionerId"));
        let group_id = v.string(&s.group_id, &|| format!("otherServices[{i}].groupId"));
        if let Some(code) = code {
            out.push(OtherService { code: code.trim().to_ascii_uppercase(), date, practitioner_id, group_id });
        }
    });
    out
}

/// `programs` read outside a month (a what-if scenario's), with a month's checks and paths.
pub fn programs_option(p: &Val<List<Str, MAX_SMALL_LIST>>) -> Result<Programs, Vec<Issue>> {
    let mut v = V { issues: Vec::new(), too_large: false };
    let out = programs(&mut v, p);
    if v.issues.is_empty() { Ok(out) } else { Err(v.issues) }
}

/// `programs`: which of `ccm`, `pcm`, `apcm` to decide (CCM always is).
fn programs(v: &mut V, p: &Val<List<Str, MAX_SMALL_LIST>>) -> Programs {
    let mut out = Programs::default();
    if let Some(List(list)) = v.take(p, &|| "programs".into(), "an array of ccm, pcm, apcm") {
        for (i, x) in list.iter().enumerate() {
            match v.one_of(x, &|| format!("programs[{i}]"), &["ccm", "pcm", "apcm"]) {
                Some("pcm") => out.pcm = true,
                Some("apcm") => out.apcm = true,
                _ => {}
            }
        }
    }
    out
}

fn apcm<'a>(v: &mut V, a: &'a Val<Obj<ApcmIn>>) -> ApcmAttest<'a> {
    let mut out = ApcmAttest::default();
    if let Some(Obj(a)) = v.take(a, &|| "apcm".into(), "an object") {
        out.responsible_for_primary_care = v.boolean(&a.responsible_for_primary_care, &|| "apcm.responsibleForPrimaryCare".into());
        if let Some(List(list)) = v.take(&a.elements_attested, &|| "apcm.elementsAttested".into(), "an array") {
            for (i, e) in list.iter().enumerate() {
                if let Some(s) = v.string(e, &|| format!("apcm.elementsAttested[{i}]")) {
                    out.elements_attested.push(s.trim());
                }
            }
        }
    }
    out
}

fn fail(v: V) -> InputError {
    match finish(v) {
        Err(e) => e,
        Ok(()) => InputError::new("INVALID_INPUT", "the input is not a valid MonthInput", Vec::new()),
    }
}

fn finish(v: V) -> Result<(), InputError> {
    if v.issues.is_empty() {
        return Ok(());
    }
    let n = v.issues.len();
    Err(if v.too_large {
        InputError::new("INPUT_TOO_LARGE", "the input exceeds a bound of CONTRACT §2", v.issues)
    } else {
        let msg = if n == 1 { "1 problem in the input".to_string() } else { format!("{n} problems in the input") };
        InputError { code: "INVALID_INPUT".into(), message: msg, issues: v.issues }
    })
}

/// The payment options of a `payment` object read outside a month (a what-if scenario's), with
/// the same checks, messages and paths as a month's.
pub fn payment_options(p: &Val<Obj<PaymentIn>>) -> Result<PaymentOptions, Vec<Issue>> {
    let mut v = V { issues: Vec::new(), too_large: false };
    let out = payment(&mut v, p);
    if v.issues.is_empty() { Ok(out) } else { Err(v.issues) }
}

// INVARIANT: `i` enumerates the three GPCIs, as the two arrays hold.
#[allow(clippy::indexing_slicing)]
fn payment(v: &mut V, p: &Val<Obj<PaymentIn>>) -> PaymentOptions {
    let mut out = PaymentOptions::default();
    let Some(Obj(p)) = v.take(p, &|| "payment".into(), "an object") else { return out };
    if let Some(s) = v.one_of(&p.setting, &|| "payment.setting".into(), &["nonFacility", "facility", "rhc", "fqhc"]) {
        out.setting = match s {
            "facility" => Setting::Facility,
            "rhc" => Setting::Rhc,
            "fqhc" => Setting::Fqhc,
            _ => Setting::NonFacility,
        };
    }
    if let Some(l) = v.string(&p.locality, &|| "payment.locality".into()) {
        if is_locality(l.trim()) {
            out.locality = Some(l.trim().to_string());
        } else {
            v.push("payment.locality".into(), "expected a Medicare locality: the MAC number and the locality number, e.g. 01112-26");
        }
    }
    out.qualifying_apm = v.boolean(&p.qualifying_apm_participant, &|| "payment.qualifyingApmParticipant".into()).unwrap_or(false);
    if let Some(Obj(g)) = v.take(&p.gpci, &|| "payment.gpci".into(), "an object") {
        for (i, (name, val)) in [("work", &g.work), ("pe", &g.pe), ("mp", &g.mp)].into_iter().enumerate() {
            if let Some(x) = v.take(val, &|| format!("payment.gpci.{name}"), "a number") {
                if x.is_finite() && (0.0..=10.0).contains(x) {
                    out.gpci[i] = (x * 1e6).round() as i64;
                    out.gpci_given[i] = true;
                } else {
                    v.push(format!("payment.gpci.{name}"), "expected a number from 0 to 10");
                }
            }
        }
    }
    out
}

/// `MMMMM-LL`: five digits of the MAC, a dash, two digits of the locality.
// INVARIANT: the length is checked (8) before the indexes.
#[allow(clippy::indexing_slicing)]
fn is_locality(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8 && b[5] == b'-' && b[..5].iter().chain(&b[6..]).all(u8::is_ascii_digit)
}

fn consent<'a>(v: &mut V, c: &'a ConsentIn) -> Consent<'a> {
    let status = match v.one_of(&c.status, &|| "consent.status".into(), &["accepted", "declined", "revoked"]) {
        Some("accepted") => Some(ConsentStatus::Accepted),
        Some("declined") => Some(ConsentStatus::Declined),
        Some(_) => Some(ConsentStatus::Revoked),
        None => None,
    };
    let date = v.date(&c.date, &|| "consent.date".into());
    let method = v.one_of(&c.method, &|| "consent.method".into(), &METHODS);
    let version = v.string(&c.version, &|| "consent.version".into()).filter(|s| !s.trim().is_empty());
    let text_sha256 = v.string(&c.text_sha256, &|| "consent.textSha256".into()).filter(|s| !s.trim().is_empty());
    let practitioner_id = v.string(&c.practitioner_id, &|| "consent.practitionerId".into());
    let mut elements = Vec::new();
    if let Some(List(list)) = v.take(&c.elements, &|| "consent.elements".into(), "an array") {
        for (i, e) in list.iter().enumerate() {
            if let Some(s) = v.string(e, &|| format!("consent.elements[{i}]")) {
                elements.push(s);
            }
        }
    }
    let revoked_on = v.date(&c.revoked_on, &|| "consent.revokedOn".into());
    if let Some(Obj(cb)) = v.take(&c.captured_by, &|| "consent.capturedBy".into(), "an object") {
        let _ = v.string(&cb.name, &|| "consent.capturedBy.name".into());
        let _ = v.string(&cb.role, &|| "consent.capturedBy.role".into());
    }
    Consent { status, date, method, version, text_sha256, practitioner_id, elements, revoked_on }
}

fn care_plan<'a>(v: &mut V, cp: &'a CarePlanIn, pcm: bool) -> CarePlan<'a> {
    let mut revised_on = Vec::new();
    if let Some(List(list)) = v.take(&cp.revised_on, &|| "carePlan.revisedOn".into(), "an array") {
        for (i, d) in list.iter().enumerate() {
            if let Some(d) = v.date(d, &|| format!("carePlan.revisedOn[{i}]")) {
                revised_on.push(d);
            }
        }
    }
    CarePlan {
        established: v.date(&cp.established, &|| "carePlan.established".into()),
        electronic: v.boolean(&cp.electronic, &|| "carePlan.electronic".into()),
        accessible_24x7: v.boolean(&cp.accessible_24x7, &|| "carePlan.accessible24x7".into()),
        shared_with_patient: v.boolean(&cp.shared_with_patient, &|| "carePlan.sharedWithPatient".into()),
        signed_by: v.string(&cp.signed_by, &|| "carePlan.signedBy".into()),
        signed_on: v.date(&cp.signed_on, &|| "carePlan.signedOn".into()),
        last_reviewed: v.date(&cp.last_reviewed, &|| "carePlan.lastReviewed".into()),
        revised_on,
        disease_specific: if pcm { v.boolean(&cp.disease_specific, &|| "carePlan.diseaseSpecific".into()) } else { None },
    }
}

fn entry<'a>(v: &mut V, e: &'a TimeEntryIn, i: usize) -> Option<Entry<'a>> {
    let p = |f: &str| format!("timeEntries[{i}].{f}");
    let _ = v.string(&e.id, &|| p("id"));
    let (mut role, mut performer_id, mut performer_name, mut has_performer) = (None, None, None, false);
    if let Some(Obj(pf)) = v.take(&e.performer, &|| p("performer"), "an object") {
        has_performer = true;
        role = v.one_of(&pf.role, &|| p("performer.role"), &ROLES);
        performer_id = v.string(&pf.id, &|| p("performer.id")).filter(|s| !s.trim().is_empty());
        performer_name = v.string(&pf.name, &|| p("performer.name")).filter(|s| !s.trim().is_empty());
    }
    let narrative = v.string(&e.narrative, &|| p("narrative"));
    let service = v.one_of(&e.service, &|| p("service"), &SERVICES).unwrap_or("ccm");
    let setting = v.one_of(&e.patient_setting, &|| p("patientSetting"), &SETTINGS).unwrap_or("community");
    let has_interval = !e.start.is_absent() || !e.end.is_absent();
    let has_day = !e.date.is_absent() || !e.minutes.is_absent();
    let before = v.issues.len();
    let when = match (has_interval, has_day) {
        (true, true) => {
            v.push(format!("timeEntries[{i}]"), "has both start/end and date/minutes; use one form");
            None
        }
        (true, false) => interval(v, e, &p),
        (false, true) => day(v, e, &p),
        (false, false) => {
            v.push(format!("timeEntries[{i}]"), "needs start and end, or date and minutes");
            None
        }
    };
    if v.issues.len() > before {
        return None;
    }
    Some(Entry { when: when?, role, performer_id, performer_name, has_performer, narrative, service, setting })
}

/// An entry's `start` and `end`: both RFC 3339, both with an offset or both without, in order.
fn interval(v: &mut V, e: &TimeEntryIn, p: &dyn Fn(&str) -> String) -> Option<When> {
    let start = v.take(&e.start, &|| p("start"), "an RFC 3339 date-time").map(|s| (s, parse_datetime_exact(s)));
    let end = v.take(&e.end, &|| p("end"), "an RFC 3339 date-time").map(|s| (s, parse_datetime_exact(s)));
    if e.start.is_absent() {
        v.push(p("start"), "is required with end");
    }
    if e.end.is_absent() {
        v.push(p("end"), "is required with start");
    }
    for (name, x) in [("start", &start), ("end", &end)] {
        if let Some((_, None)) = x {
            v.push(p(name), "expected an RFC 3339 date-time, e.g. 2026-03-04T10:00:00-05:00");
        }
    }
    let (Some((_, Some((s, so, sz, s_dropped)))), Some((_, Some((en, _, ez, _))))) = (start, end) else { return None };
    if sz != ez {
        v.push(p("end"), "start and end must both have an offset or both have none");
        None
    } else if en < s {
        v.push(p("end"), "is before start");
        None
    } else {
        // The entry's local dates follow its start's offset. A start with digits below the
        // microsecond moves up to the next one (the end is floored): never longer.
        let start = s + i64::from(s_dropped);
        Some(When::Interval { start, end: en.max(start), offset: so })
    }
}

/// An entry's `date` and whole `minutes` (0–1440).
fn day(v: &mut V, e: &TimeEntryIn, p: &dyn Fn(&str) -> String) -> Option<When> {
    let date = v.date(&e.date, &|| p("date"));
    if e.date.is_absent() {
        v.push(p("date"), "is required with minutes");
    }
    let minutes = match v.take(&e.minutes, &|| p("minutes"), "a whole number") {
        Some(m) if m.fract() == 0.0 && (0.0..=1440.0).contains(m) => Some(*m as i64),
        Some(_) => {
            v.push(p("minutes"), "expected a whole number from 0 to 1440");
            None
        }
        None => {
            if e.minutes.is_absent() {
                v.push(p("minutes"), "is required with date");
            }
            None
        }
    };
    Some(When::Day { date: date?, minutes: minutes? })
}

/// `d` minus whole months (the same calendar day, clamped to the month's end).
pub fn months_before(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_sub_months(chrono::Months::new(months)).unwrap_or(NaiveDate::MIN)
}

/// Day of month helper used by time counting.
pub fn day_index(month: &Month, d: NaiveDate) -> usize {
    (d.day() as usize).saturating_sub(1).min(month.days() as usize - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDateTime};

    /// Dates and month labels are written as chrono writes them, in and out of the four-digit years.
    #[test]
    fn date_text_matches_chrono() {
        let mut d = NaiveDate::from_ymd_opt(-3, 1, 1).unwrap();
        while d < NaiveDate::from_ymd_opt(10_002, 1, 1).unwrap() {
            assert_eq!(date_text(d), d.to_string());
            d = d.checked_add_days(chrono::Days::new(17)).unwrap();
        }
        for m in ["0000-01", "0999-12", "2026-03", "9999-12"] {
            assert_eq!(parse_month(m).unwrap().label(), m);
        }
        let odd = Month { year: -5, month: 1, ..parse_month("2026-01").unwrap() };
        assert_eq!(odd.label(), format!("{:04}-{:02}", -5, 1));
    }

    /// The hand parser agrees with chrono's RFC 3339 parser wherever chrono accepts, and rejects
    /// what neither accepts.
    #[test]
    fn datetimes_match_chrono() {
        let with_offset = [
            "2026-03-03T10:00:00-05:00", "2026-03-03T10:00:00Z", "2026-03-03t10:00:00z", "2026-03-03 10:00:00+05:30",
            "2026-03-31T23:59:59.999+14:00", "2026-03-01T00:00:00.5-12:00", "2024-02-29T12:30:15.123456789Z",
            "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.250Z",
        ];
        for s in with_offset {
            let c = DateTime::parse_from_rfc3339(s).unwrap();
            let want = (c.timestamp_micros(), i64::from(c.offset().local_minus_utc()) * 1_000_000, true);
            assert_eq!(parse_datetime(s), Some(want), "{s}");
        }
        for s in ["2026-03-03T10:00:00", "2026-03-03T10:00", "2026-03-03T10:00:00.25"] {
            let fmt = if s.len() == 16 { "%Y-%m-%dT%H:%M" } else { "%Y-%m-%dT%H:%M:%S%.f" };
            let c = NaiveDateTime::parse_from_str(s, fmt).unwrap();
            assert_eq!(parse_datetime(s), Some((c.and_utc().timestamp_micros(), 0, false)), "{s}");
        }
        assert_eq!(parse_datetime("2026-03-03T10:00-05:00"), Some((parse_datetime("2026-03-03T15:00Z").unwrap().0, -18_000_000_000, true)));
        for bad in [
            "", "2026-03-03", "2026-02-30T10:00:00Z", "2026-03-03T24:00:00Z", "2026-03-03T10:60:00Z", "2026-03-03T10:00:60Z",
            "2026-03-03T10:00:00.Z", "2026-03-03T10:00:00+5:00", "2026-03-03T10:00:00+24:00", "2026-03-03T10:00:00 Z",
            "2026-03-03X10:00:00Z", "2026-3-03T10:00:00Z", "+2026-03-03T10:00Z", "2026-03-03T10:00:00Zjunk", "２０２６-03-03T10:00Z",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_and_months() {
        assert_eq!(parse_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2025-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-01-01", "2026-01-01T", "2026/01/01", "+026-01-01"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let m = parse_month("2026-02").unwrap();
        assert_eq!((m.first, m.last), (NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()));
        assert_eq!(parse_month("2026-12").unwrap().last, NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        for bad in ["2026-13", "2026-00", "2026-1", "202601", "2026-01-01"] {
            assert!(parse_month(bad).is_none(), "{bad}");
        }
    }
}

//! Rule packs (CONTRACT §9): thresholds, caps, conflicts, rates, policies and citations, as data.
//!
//! The built-in packs are JSON files under `packs/`, generated from `../shared/data` by
//! `tools/gen_packs.py` and embedded at build time. They are parsed once, on first use, by the
//! same validator that checks a caller's own pack, so the two can never disagree.

pub use crate::finding::Severity;
use crate::finding::{default_severity, Finding, Text};
use std::borrow::Cow;
use crate::validate::Issue;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use crate::json::{self, Json, Members};
use std::sync::OnceLock;

/// One embedded built-in pack: its identity (so a month finds its pack, and the packs are listed,
/// without parsing them; a unit test holds every field to the pack's own), and its JSON text.
pub struct BuiltIn {
    /// The pack's `id`.
    pub id: &'static str,
    /// Its `version`.
    pub version: &'static str,
    /// Its `payer`.
    pub payer: &'static str,
    /// `effectiveFrom` and `effectiveTo`, `YYYY-MM-DD`.
    pub from: &'static str,
    /// See `from`.
    pub to: &'static str,
    /// `status: "provisional"`.
    pub provisional: bool,
    /// The pack as JSON.
    pub text: &'static str,
}

/// The embedded built-in packs, oldest first.
pub const BUILT_IN: &[BuiltIn] = &[
    BuiltIn { id: "medicare-cy2025", version: "2025.1", payer: "Medicare Part B", from: "2025-01-01", to: "2025-12-31", provisional: false,
        text: include_str!("../packs/medicare-cy2025.json") },
    BuiltIn { id: "medicare-cy2026", version: "2026.1", payer: "Medicare Part B", from: "2026-01-01", to: "2026-12-31", provisional: false,
        text: include_str!("../packs/medicare-cy2026.json") },
    BuiltIn { id: "medicare-cy2027", version: "2027.0-proposed", payer: "Medicare Part B", from: "2027-01-01", to: "2027-12-31", provisional: true,
        text: include_str!("../packs/medicare-cy2027.json") },
];

pub const TRACKS: [&str; 3] = ["staff", "complex", "practitioner"];

/// Relative value units, scaled by 10^4 (RVUs carry two decimals; four leave room).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rvu {
    pub work: i64,
    pub pe_non_facility: i64,
    pub pe_facility: i64,
    pub mp: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeDef {
    pub code: String,
    pub track: String,
    pub is_addon: bool,
    pub base: Option<String>,
    pub threshold_minutes: i64,
    pub unit_minutes: i64,
    pub max_units: Option<i64>,
    pub rvu: Rvu,
    pub rule: Option<String>,
    /// `contractAmount`: a payer's fixed amount per unit, in cents, instead of RVUs × GPCI × CF.
    pub contract_cents: Option<i64>,
    /// `covered: false`: the payer does not pay the code; the severity of
    /// `CODE_NOT_COVERED_BY_PAYER` (`notCoveredSeverity`, default error).
    pub not_covered: Option<Severity>,
    /// `maxUnitsSourced: false`: no cap was found in the sources (`ADDON_CAP_NOT_SOURCED` when
    /// the add-on is billed: the MUE must be checked).
    pub cap_unsourced: bool,
}

/// One track's codes: a base and at most one add-on.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackDef {
    pub name: String,
    pub base: CodeDef,
    pub addon: Option<CodeDef>,
    /// Counts the billing practitioner's own time only.
    pub practitioner_pool: bool,
    /// Medical decision making levels the track requires (empty: none).
    pub mdm: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub finding: String,
    pub codes: Vec<String>,
    pub same_practitioner: Option<Severity>,
    pub same_group: Option<Severity>,
    pub other: Option<Severity>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policies {
    pub min_chronic_conditions: usize,
    pub condition_category_length: usize,
    pub eligible_credentials: Vec<String>,
    pub complex_revision_required: bool,
    pub initiating_visit_types: Vec<String>,
    pub initiating_visit_max_months: u32,
    /// Severity of a required initiating visit furnished by someone other than the billing
    /// practitioner (`policies.initiatingVisitByBillingPractitioner`; absent or null: not checked).
    pub initiating_visit_by_billing: Option<Severity>,
    pub care_plan_stale_months: u32,
    pub supervision_required: bool,
    pub narrative_min_chars: usize,
    pub staff_roles: Vec<String>,
    pub practitioner_roles: Vec<String>,
    pub non_clinical_roles: Vec<String>,
    pub facility_settings: Vec<String>,
}

/// What a program requires beside its time (CONTRACT §6.6–6.9 for CCM, §10.1 and §10.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Requirements {
    /// At least this many chronic conditions (`CONDITIONS_FEWER_THAN_TWO`); `None`: not required.
    pub min_chronic_conditions: Option<usize>,
    /// Exactly one condition marked `pcmFocus`, valid and chronic (`PCM_FOCUS_CONDITION_MISSING`).
    pub focus_condition: bool,
    /// `carePlan.diseaseSpecific` (`PCM_CARE_PLAN_NOT_DISEASE_SPECIFIC`).
    pub disease_specific_care_plan: bool,
    /// The care plan of §6.9 (exists, electronic, 24/7, shared, signed; stale).
    pub care_plan: bool,
    /// `supervisionAttested`.
    pub supervision: bool,
    /// `apcm.responsibleForPrimaryCare` (`APCM_NOT_PRIMARY_CARE`).
    pub primary_care: bool,
    /// An initiating visit is required when the patient was not seen within this many months.
    pub initiating_visit_max_months: u32,
    /// Consent elements a version other than a built-in template must list.
    pub consent_elements: Vec<String>,
}

/// A time-based program (CCM, PCM): tracks of a base code and an add-on, its conflict table, the
/// services whose time counts for it, and its requirements.
#[derive(Debug, Clone, Copy)]
pub struct Program<'p> {
    /// `"ccm"` or `"pcm"`: the program's id in the output.
    pub id: &'static str,
    /// How messages name it (`"CCM"`, `"PCM"`).
    pub name: &'static str,
    pub tracks: &'p [TrackDef],
    pub conflicts: &'p [Conflict],
    pub counted_services: &'p [String],
    pub requirements: &'p Requirements,
}

/// `programs.pcm` of a pack (CONTRACT §10).
#[derive(Debug, Clone, PartialEq)]
pub struct Pcm {
    pub tracks: Vec<TrackDef>,
    pub conflicts: Vec<Conflict>,
    pub counted_services: Vec<String>,
    pub requirements: Requirements,
}

/// One APCM level: the first level whose requirements hold is billed.
#[derive(Debug, Clone, PartialEq)]
pub struct ApcmLevel {
    pub code: CodeDef,
    pub min_chronic_conditions: usize,
    /// Only for a Qualified Medicare Beneficiary.
    pub qmb: bool,
}

/// `programs.apcm` of a pack (CONTRACT §10.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Apcm {
    pub levels: Vec<ApcmLevel>,
    /// Service elements the practice must attest (`apcm.elementsAttested`).
    pub elements: Vec<String>,
    pub conflicts: Vec<Conflict>,
    pub requirements: Requirements,
    /// Finding code → rule id, over the pack's own for APCM's findings.
    pub finding_rules: FxHashMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    pub id: String,
    pub version: String,
    /// Who pays under these rules (e.g. "Medicare Part B").
    pub payer: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// Conversion factors scaled by 10^4.
    pub cf_default: i64,
    pub cf_qualifying_apm: i64,
    pub coinsurance_percent: i64,
    /// In the pack's `policies.trackOrder`: ties in amount go to the earlier track.
    pub tracks: Vec<TrackDef>,
    pub conflicts: Vec<Conflict>,
    pub required_elements: Vec<String>,
    pub built_in_versions_imply_elements: bool,
    pub policies: Policies,
    pub comparison: Option<(String, Rvu)>,
    /// finding code → rule id. (Hashed: every finding of every month is cited through these.)
    pub finding_rules: FxHashMap<String, String>,
    /// rule id → its source (the first listed, should an id repeat).
    pub rules: FxHashMap<String, String>,
    /// `status: "provisional"`: what is provisional, each with its source (`provisional[]`).
    /// Every evaluation under such a pack carries `RULE_PACK_PROVISIONAL`.
    pub provisional: Option<Vec<(String, String)>>,
    /// GPCIs by locality (`gpci`), for `payment.locality`.
    pub gpci: Option<GpciTable>,
    /// RHC/FQHC: the first date of service of the individual codes (`policies.rhcFqhcIndividualCodesFrom`),
    /// and what applied before it (`policies.rhcFqhcBefore`).
    pub clinic_codes_from: Option<(NaiveDate, String)>,
    /// CCM's requirements, from `policies` and `consent` (v1's pack layout).
    pub ccm_requirements: Requirements,
    /// The services whose time counts for CCM (`ccm`).
    pub ccm_services: Vec<String>,
    /// `programs.pcm`, `programs.apcm` (CONTRACT §10); absent in a v1 pack.
    pub pcm: Option<Pcm>,
    pub apcm: Option<Apcm>,
}

/// A pack's GPCIs by locality (`MMMMM-LL`), each scaled by 10^6.
#[derive(Debug, Clone, PartialEq)]
pub struct GpciTable {
    /// Where the numbers come from (e.g. "CMS GPCI2025, Addendum E (RVU25D)").
    pub source: String,
    /// Set when the table stands in for the pack year's own (what and why).
    pub stand_in: Option<String>,
    pub localities: FxHashMap<String, [i64; 3]>,
}

/// Built-in GPCI tables, referenced by id from a pack's `gpci.table` (embedded once however
/// many packs use them). Generated by tools/gen_packs.py from ../shared/data/gpci-*.csv.
pub const GPCI_TABLES: &[(&str, &str)] = &[("gpci-cy2025", include_str!("../packs/gpci-cy2025.json"))];

impl Pack {
    pub fn covers(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.effective_from <= first && self.effective_to.map_or(true, |to| last <= to)
    }

    pub fn track(&self, name: &str) -> Option<&TrackDef> {
        self.tracks.iter().find(|t| t.name == name)
    }

    /// CCM as a program: the pack's top-level codes, conflicts and policies.
    pub fn ccm(&self) -> Program<'_> {
        Program { id: "ccm", name: "CCM", tracks: &self.tracks, conflicts: &self.conflicts, counted_services: &self.ccm_services, requirements: &self.ccm_requirements }
    }

    /// PCM as a program, when the pack defines it.
    pub fn pcm(&self) -> Option<Program<'_>> {
        self.pcm.as_ref().map(|p| Program { id: "pcm", name: "PCM", tracks: &p.tracks, conflicts: &p.conflicts, counted_services: &p.counted_services, requirements: &p.requirements })
    }

    /// The rule and citation behind a finding code (a code's own rule wins when given).
    pub fn cite<'a>(&'a self, finding: &str, code_rule: Option<&'a str>) -> (Option<&'a str>, Option<&'a str>) {
        let rule = code_rule.or_else(|| self.finding_rules.get(finding).map(String::as_str));
        let source = rule.and_then(|r| self.rules.get(r)).map(String::as_str);
        (rule, source)
    }

    pub fn conversion_factor(&self, qualifying_apm: bool) -> i64 {
        if qualifying_apm {
            self.cf_qualifying_apm
        } else {
            self.cf_default
        }
    }
}

/// Each built-in pack, parsed on first use (a month's evaluation parses only its own pack: the
/// first evaluation's cost). A built-in pack that failed validation would be a build defect
/// (the unit test below proves they pass); it is left out rather than allowed to panic.
static PARSED: [OnceLock<Option<Pack>>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];

fn parsed(i: usize) -> Option<&'static Pack> {
    let (slot, b) = (PARSED.get(i)?, BUILT_IN.get(i)?);
    slot.get_or_init(|| Json::parse(b.text).ok().and_then(|v| Pack::from_json(&v, "").ok())).as_ref()
}

/// Every built-in pack (parsing those not parsed yet): the unit test's view.
#[cfg(test)]
pub fn built_in() -> impl Iterator<Item = &'static Pack> {
    (0..BUILT_IN.len()).filter_map(parsed)
}

/// `pack` itself, as `'static`, when it is one of the built-in packs (only parsed packs can be).
pub fn as_static(pack: &Pack) -> Option<&'static Pack> {
    PARSED.iter().filter_map(|s| s.get()?.as_ref()).find(|p| std::ptr::eq(*p, pack))
}

/// The built-in pack with this id.
pub fn built_in_by_id(id: &str) -> Option<&'static Pack> {
    parsed(BUILT_IN.iter().position(|b| b.id == id)?)
}

/// The JSON text of the built-in pack with this id.
pub fn built_in_text(id: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|b| b.id == id).map(|b| b.text)
}

/// The built-in pack in effect for a month (the latest one that covers it).
pub fn built_in_for(first: NaiveDate, last: NaiveDate) -> Option<&'static Pack> {
    let covers = |b: &BuiltIn| {
        let (from, to) = (crate::validate::parse_date(b.from), crate::validate::parse_date(b.to));
        from.is_some_and(|f| f <= first) && to.map_or(true, |t| last <= t)
    };
    let i = BUILT_IN.iter().enumerate().filter(|(_, b)| covers(b)).max_by_key(|(_, b)| b.from).map(|(i, _)| i)?;
    parsed(i)
}

/// Findings cited from a pack: the rule behind the code (or the code's own) and its source.
impl Finding {
    /// A finding with the code's default severity ([`crate::finding::default_severity`]).
    pub fn new(pack: &Pack, code: impl Into<Text>, path: String, message: Text) -> Self {
        let code = code.into();
        let severity = default_severity(&code);
        Self::cited(pack, code, severity, path, message, None)
    }
    /// A finding with the severity the case (or the pack) decided.
    pub fn with_severity(pack: &Pack, code: impl Into<Text>, severity: Severity, path: String, message: Text) -> Self {
        Self::cited(pack, code, severity, path, message, None)
    }
    /// A finding citing `rule` (a code's own) before the pack's rule for the finding code.
    pub fn cited(pack: &Pack, code: impl Into<Text>, severity: Severity, path: String, message: Text, rule: Option<&str>) -> Self {
        let code = code.into();
        let (r, s) = pack.cite(&code, rule);
        let (rule, source) = match (as_static(pack), r) {
            // The same rule, found again in the program-long pack, lent instead of copied.
            (Some(p), Some(id)) => match p.rules.get_key_value(id) {
                Some((k, v)) => (Some(Cow::Borrowed(k.as_str())), Some(Cow::Borrowed(v.as_str()))),
                None => (Some(Cow::Owned(id.to_string())), None),
            },
            _ => (r.map(|x| Cow::Owned(x.to_string())), s.map(|x| Cow::Owned(x.to_string()))),
        };
        Finding { code, severity: Cow::Borrowed(severity.as_str()), path: Some(path), message, rule, source }
    }
}

// ------------------------------------------------------------------ validation of pack JSON

struct Checker<'a> {
    issues: &'a mut Vec<Issue>,
    prefix: &'a str,
}

impl Checker<'_> {
    fn path(&self, p: &str) -> String {
        match (self.prefix.is_empty(), p.is_empty()) {
            (true, _) => p.to_string(),
            (false, true) => self.prefix.to_string(),
            (false, false) => format!("{}.{}", self.prefix, p),
        }
    }
    fn bad(&mut self, p: &str, msg: &str) {
        let path = self.path(p);
        self.issues.push(Issue { path, message: msg.to_string() });
    }
    fn obj<'v, 'j>(&mut self, v: Option<&'v Json<'j>>, p: &str) -> Option<&'v Members<'j>> {
        match v {
            Some(Json::Obj(m)) => Some(m),
            Some(_) => {
                self.bad(p, "must be an object");
                None
            }
            None => {
                self.bad(p, "is required");
                None
            }
        }
    }
    fn string(&mut self, m: &Members, key: &str, p: &str) -> Option<String> {
        match json::get(m, key) {
            Some(Json::Str(s)) if !s.is_empty() => Some(s.to_string()),
            Some(_) => {
                self.bad(p, "must be a non-empty string");
                None
            }
            None => {
                self.bad(p, "is required");
                None
            }
        }
    }
    fn opt_string(&mut self, m: &Members, key: &str, p: &str) -> Option<String> {
        match json::get(m, key) {
            None | Some(Json::Null) => None,
            Some(Json::Str(s)) => Some(s.to_string()),
            Some(_) => {
                self.bad(p, "must be a string or null");
                None
            }
        }
    }
    fn date(&mut self, m: &Members, key: &str, p: &str, required: bool) -> Option<NaiveDate> {
        match json::get(m, key) {
            None | Some(Json::Null) if !required => None,
            Some(Json::Str(s)) => match crate::validate::parse_date(s) {
                Some(d) => Some(d),
                None => {
                    self.bad(p, "must be a date YYYY-MM-DD");
                    None
                }
            },
            _ => {
                self.bad(p, "must be a date YYYY-MM-DD");
                None
            }
        }
    }
    /// A decimal in [min, max], scaled to an integer.
    fn scaled(&mut self, v: Option<&Json>, p: &str, scale: f64, max: u32) -> Option<i64> {
        match v.and_then(Json::as_f64) {
            Some(x) if x.is_finite() && (0.0..=f64::from(max)).contains(&x) => Some((x * scale).round() as i64),
            Some(_) => {
                self.bad(p, &format!("must be a number from 0 to {max}"));
                None
            }
            None => {
                self.bad(p, "must be a number");
                None
            }
        }
    }
    fn int(&mut self, v: Option<&Json>, p: &str, min: i64, max: i64, nullable: bool) -> Option<Option<i64>> {
        match v {
            None | Some(Json::Null) if nullable => Some(None),
            Some(Json::Num(n)) => match json::whole(*n) {
                Some(x) if (min..=max).contains(&x) => Some(Some(x)),
                _ => {
                    self.bad(p, &format!("must be a whole number from {min} to {max}"));
                    None
                }
            },
            _ => {
                self.bad(p, &format!("must be a whole number from {min} to {max}"));
                None
            }
        }
    }
    fn strings(&mut self, v: Option<&Json>, p: &str) -> Option<Vec<String>> {
        match v {
            Some(Json::Arr(a)) => {
                let mut out = Vec::with_capacity(a.len());
                for (i, x) in a.iter().enumerate() {
                    match x {
                        Json::Str(s) => out.push(s.to_string()),
                        _ => self.bad(&format!("{p}[{i}]"), "must be a string"),
                    }
                }
                Some(out)
            }
            _ => {
                self.bad(p, "must be an array of strings");
                None
            }
        }
    }
    fn boolean(&mut self, v: Option<&Json>, p: &str) -> Option<bool> {
        match v {
            Some(Json::Bool(b)) => Some(*b),
            _ => {
                self.bad(p, "must be true or false");
                None
            }
        }
    }
    fn severity(&mut self, v: Option<&Json>, p: &str) -> Option<Option<Severity>> {
        match v {
            None | Some(Json::Null) => Some(None),
            Some(Json::Str(s)) => match Severity::parse(s) {
                Some(s) => Some(Some(s)),
                None => {
                    self.bad(p, "must be error, warning, info or null");
                    None
                }
            },
            _ => {
                self.bad(p, "must be error, warning, info or null");
                None
            }
        }
    }
    fn rvu(&mut self, v: Option<&Json>, p: &str) -> Option<Rvu> {
        let m = self.obj(v, p)?;
        let work = self.scaled(json::get(m, "work"), &format!("{p}.work"), 1e4, 1000);
        let pn = self.scaled(json::get(m, "peNonFacility"), &format!("{p}.peNonFacility"), 1e4, 1000);
        let pf = self.scaled(json::get(m, "peFacility"), &format!("{p}.peFacility"), 1e4, 1000);
        let mp = self.scaled(json::get(m, "mp"), &format!("{p}.mp"), 1e4, 1000);
        Some(Rvu { work: work?, pe_non_facility: pn?, pe_facility: pf?, mp: mp? })
    }
}

const MAX_MINUTES: i64 = 31 * 24 * 60;

impl Pack {
    /// Validates a pack object; `prefix` is the path of the pack in the caller's input.
    pub fn from_json(v: &Json, prefix: &str) -> Result<Pack, Vec<Issue>> {
        let mut issues = Vec::new();
        let pack = {
            let mut c = Checker { issues: &mut issues, prefix };
            parse_pack(&mut c, v)
        };
        match pack {
            Some(p) if issues.is_empty() => Ok(p),
            _ => {
                if issues.is_empty() {
                    issues.push(Issue { path: prefix.to_string(), message: "is not a valid rule pack".into() });
                }
                Err(issues)
            }
        }
    }
}

fn parse_pack(c: &mut Checker, v: &Json) -> Option<Pack> {
    let m = c.obj(Some(v), "")?;
    let id = c.string(m, "id", "id");
    let version = c.string(m, "version", "version");
    let payer = c.string(m, "payer", "payer");
    let from = c.date(m, "effectiveFrom", "effectiveFrom", true);
    let to = c.date(m, "effectiveTo", "effectiveTo", false);
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            c.bad("effectiveTo", "must not be before effectiveFrom");
        }
    }
    let (cf_default, cf_qp) = parse_conversion_factors(c, m);
    let coins = c.int(json::get(m, "coinsurancePercent"), "coinsurancePercent", 0, 100, false).flatten();
    let policies = parse_policies(c, json::get(m, "policies"));
    let codes = parse_codes(c, json::get(m, "codes"));
    let tracks = match (&codes, &policies) {
        (Some(codes), Some((_, order, mdm))) => build_tracks(c, codes, order, mdm, "policies.trackOrder"),
        _ => None,
    };
    let conflicts = parse_conflicts(c, json::get(m, "conflicts"));
    let (elements, implied) = parse_consent(c, m);
    let comparison = match json::get(m, "comparison") {
        None | Some(Json::Null) => Some(None),
        Some(v) => c.obj(Some(v), "comparison").and_then(|cm| {
            let code = c.string(cm, "code", "comparison.code");
            let rvu = c.rvu(json::get(cm, "rvu"), "comparison.rvu");
            Some(Some((code?, rvu?)))
        }),
    };
    let finding_rules = parse_finding_rules(c, json::get(m, "findingRules"), "findingRules");
    let rules = parse_rules(c, json::get(m, "rules"));
    let provisional = parse_provisional(c, m);
    let gpci = parse_gpci(c, json::get(m, "gpci"));
    let clinic = parse_clinic(c, json::get(m, "policies"));
    let programs = parse_programs(c, json::get(m, "programs"));
    let (policies, _, _) = policies?;
    let ccm_requirements = Requirements {
        min_chronic_conditions: Some(policies.min_chronic_conditions),
        focus_condition: false,
        disease_specific_care_plan: false,
        care_plan: true,
        supervision: policies.supervision_required,
        primary_care: false,
        initiating_visit_max_months: policies.initiating_visit_max_months,
        consent_elements: elements.clone()?,
    };
    let (pcm, apcm) = programs?;
    Some(Pack {
        id: id?,
        version: version?,
        payer: payer?,
        effective_from: from?,
        effective_to: to,
        cf_default: cf_default?,
        cf_qualifying_apm: cf_qp?,
        coinsurance_percent: coins?,
        tracks: tracks?,
        conflicts: conflicts?,
        required_elements: elements?,
        built_in_versions_imply_elements: implied?,
        policies,
        comparison: comparison?,
        finding_rules: finding_rules?,
        rules: rules?,
        provisional: provisional?,
        gpci: gpci?,
        clinic_codes_from: clinic?,
        ccm_requirements,
        ccm_services: vec!["ccm".to_string()],
        pcm,
        apcm,
    })
}

/// `conversionFactors`: `default` and `qualifyingApmParticipant` (the default when absent), ×10^4.
fn parse_conversion_factors(c: &mut Checker, m: &Members) -> (Option<i64>, Option<i64>) {
    let Some(cf) = c.obj(json::get(m, "conversionFactors"), "conversionFactors") else { return (None, None) };
    let d = c.scaled(json::get(cf, "default"), "conversionFactors.default", 1e4, 1000);
    let q = match json::get(cf, "qualifyingApmParticipant") {
        None | Some(Json::Null) => d,
        v => c.scaled(v, "conversionFactors.qualifyingApmParticipant", 1e4, 1000),
    };
    (d, q)
}

/// `consent`: the elements a non-template consent must list, and whether a built-in template
/// version implies them (default true).
fn parse_consent(c: &mut Checker, m: &Members) -> (Option<Vec<String>>, Option<bool>) {
    match c.obj(json::get(m, "consent"), "consent") {
        Some(cm) => (
            c.strings(json::get(cm, "requiredElements"), "consent.requiredElements"),
            match json::get(cm, "builtInVersionsImplyElements") {
                None => Some(true),
                v => c.boolean(v, "consent.builtInVersionsImplyElements"),
            },
        ),
        None => (None, None),
    }
}

/// A finding code → rule id map (absent: empty).
fn parse_finding_rules(c: &mut Checker, v: Option<&Json>, path: &str) -> Option<FxHashMap<String, String>> {
    match v {
        None | Some(Json::Null) => Some(FxHashMap::default()),
        Some(Json::Obj(fr)) => {
            let mut out = FxHashMap::default();
            for (k, v) in json::sorted(fr) {
                match v {
                    Json::Str(r) => {
                        out.insert(k.to_string(), r.to_string());
                    }
                    _ => c.bad(&format!("{path}.{k}"), "must be a rule id"),
                }
            }
            Some(out)
        }
        Some(_) => {
            c.bad(path, "must be an object");
            None
        }
    }
}

/// `rules[]`: rule id → its source (the first listed, should an id repeat).
fn parse_rules(c: &mut Checker, v: Option<&Json>) -> Option<FxHashMap<String, String>> {
    match v {
        None | Some(Json::Null) => Some(FxHashMap::default()),
        Some(Json::Arr(a)) => {
            let mut out = FxHashMap::default();
            for (i, r) in a.iter().enumerate() {
                let p = format!("rules[{i}]");
                if let Some(rm) = c.obj(Some(r), &p) {
                    let id = c.string(rm, "id", &format!("{p}.id"));
                    let source = c.string(rm, "source", &format!("{p}.source"));
                    if let (Some(id), Some(source)) = (id, source) {
                        out.entry(id).or_insert(source);
                    }
                }
            }
            Some(out)
        }
        Some(_) => {
            c.bad("rules", "must be an array");
            None
        }
    }
}

/// `programs` (CONTRACT §10): `pcm` and `apcm`, each optional; absent in a v1 pack.
fn parse_programs(c: &mut Checker, v: Option<&Json>) -> Option<(Option<Pcm>, Option<Apcm>)> {
    let m = match v {
        None | Some(Json::Null) => return Some((None, None)),
        v => c.obj(v, "programs")?,
    };
    let pcm = match json::get(m, "pcm") {
        None | Some(Json::Null) => Some(None),
        v => {
            let prefix = c.path("programs.pcm");
            parse_pcm(&mut Checker { issues: &mut *c.issues, prefix: &prefix }, v).map(Some)
        }
    };
    let apcm = match json::get(m, "apcm") {
        None | Some(Json::Null) => Some(None),
        v => {
            let prefix = c.path("programs.apcm");
            parse_apcm(&mut Checker { issues: &mut *c.issues, prefix: &prefix }, v).map(Some)
        }
    };
    Some((pcm?, apcm?))
}

/// `programs.pcm`: codes and `trackOrder` as CCM's, `countedServices`, `conflicts`, `requirements`.
fn parse_pcm(c: &mut Checker, v: Option<&Json>) -> Option<Pcm> {
    let m = c.obj(v, "")?;
    let codes = parse_codes(c, json::get(m, "codes"));
    let order = c.strings(json::get(m, "trackOrder"), "trackOrder");
    if let Some(o) = &order {
        check_track_order(c, o, "trackOrder");
    }
    let tracks = match (&codes, &order) {
        (Some(codes), Some(order)) => build_tracks(c, codes, order, &[], "trackOrder"),
        _ => None,
    };
    let services = c.strings(json::get(m, "countedServices"), "countedServices");
    let conflicts = parse_conflicts(c, json::get(m, "conflicts"));
    let requirements = parse_requirements(c, json::get(m, "requirements"));
    Some(Pcm { tracks: tracks?, conflicts: conflicts?, counted_services: services?, requirements: requirements? })
}

/// `programs.apcm`: `levels[]` (a code with `minChronicConditions` and `qmb`), `elements`,
/// `conflicts`, `requirements`, and `findingRules` over the pack's.
fn parse_apcm(c: &mut Checker, v: Option<&Json>) -> Option<Apcm> {
    let m = c.obj(v, "")?;
    let levels = match json::get(m, "levels") {
        Some(Json::Arr(a)) if !a.is_empty() => {
            let mut out = Vec::new();
            for (i, l) in a.iter().enumerate() {
                let p = format!("levels[{i}]");
                let Some(lm) = c.obj(Some(l), &p) else { continue };
                let code = c.string(lm, "code", &format!("{p}.code"));
                let min = c.int(json::get(lm, "minChronicConditions"), &format!("{p}.minChronicConditions"), 0, 100, false).flatten();
                let qmb = c.boolean(json::get(lm, "qmb"), &format!("{p}.qmb"));
                let price = parse_price(c, lm, &p);
                let rule = c.opt_string(lm, "rule", &format!("{p}.rule"));
                if let (Some(code), Some(min), Some(qmb), Some((rvu, contract_cents, not_covered))) = (code, min, qmb, price) {
                    let code = CodeDef { code, track: String::new(), is_addon: false, base: None, threshold_minutes: 0, unit_minutes: 0,
                        max_units: Some(1), rvu, rule, contract_cents, not_covered, cap_unsourced: false };
                    out.push(ApcmLevel { code, min_chronic_conditions: min as usize, qmb });
                }
            }
            Some(out)
        }
        _ => {
            c.bad("levels", "must be a non-empty array");
            None
        }
    };
    let elements = c.strings(json::get(m, "elements"), "elements");
    let conflicts = parse_conflicts(c, json::get(m, "conflicts"));
    let requirements = parse_requirements(c, json::get(m, "requirements"));
    let finding_rules = parse_finding_rules(c, json::get(m, "findingRules"), "findingRules");
    Some(Apcm { levels: levels?, elements: elements?, conflicts: conflicts?, requirements: requirements?, finding_rules: finding_rules? })
}

/// A program's `requirements` (see [`Requirements`]).
fn parse_requirements(c: &mut Checker, v: Option<&Json>) -> Option<Requirements> {
    let m = c.obj(v, "requirements")?;
    let flag = |c: &mut Checker, k: &str| c.boolean(json::get(m, k), &format!("requirements.{k}"));
    let min = c.int(json::get(m, "minChronicConditions"), "requirements.minChronicConditions", 0, 100, true);
    let focus = flag(c, "focusCondition");
    let disease = flag(c, "diseaseSpecificCarePlan");
    let care_plan = flag(c, "carePlan");
    let supervision = flag(c, "supervision");
    let primary = flag(c, "primaryCare");
    let months = c.int(json::get(m, "initiatingVisitMaxMonths"), "requirements.initiatingVisitMaxMonths", 0, 1200, false).flatten();
    let elements = c.strings(json::get(m, "consentElements"), "requirements.consentElements");
    Some(Requirements {
        min_chronic_conditions: min?.map(|n| n as usize),
        focus_condition: focus?,
        disease_specific_care_plan: disease?,
        care_plan: care_plan?,
        supervision: supervision?,
        primary_care: primary?,
        initiating_visit_max_months: months? as u32,
        consent_elements: elements?,
    })
}

/// `gpci`: `{ table: "gpci-cy2025" }` (a built-in table) or `{ source, localities: { "MMMMM-LL":
/// { work, pe, mp } } }`, and optionally `standIn` (why the table is not the year's own).
fn parse_gpci(c: &mut Checker, v: Option<&Json>) -> Option<Option<GpciTable>> {
    let m = match v {
        None | Some(Json::Null) => return Some(None),
        Some(v) => c.obj(Some(v), "gpci")?,
    };
    let stand_in = c.opt_string(m, "standIn", "gpci.standIn");
    let builtin;
    let (table, prefix) = match json::get(m, "table") {
        Some(Json::Str(id)) => match GPCI_TABLES.iter().find(|(i, _)| *i == id) {
            Some((_, text)) => {
                builtin = Json::parse(text).ok()?;
                let Json::Obj(table) = &builtin else { return None };
                (&table[..], "gpci.table")
            }
            None => {
                c.bad("gpci.table", "is not a built-in GPCI table (gpci-cy2025)");
                return None;
            }
        },
        Some(_) => {
            c.bad("gpci.table", "must be the id of a built-in GPCI table");
            return None;
        }
        None => (m, "gpci"),
    };
    let source = c.string(table, "source", &format!("{prefix}.source"));
    let rows = c.obj(json::get(table, "localities"), &format!("{prefix}.localities"))?;
    let mut localities = FxHashMap::default();
    for (k, row) in json::sorted(rows) {
        let p = format!("{prefix}.localities.{k}");
        let Some(r) = c.obj(Some(row), &p) else { continue };
        let g = ["work", "pe", "mp"].map(|n| c.scaled(json::get(r, n), &format!("{p}.{n}"), 1e6, 10));
        if let [Some(w), Some(pe), Some(mp)] = g {
            localities.insert(k.to_string(), [w, pe, mp]);
        }
    }
    Some(Some(GpciTable { source: source?, stand_in, localities }))
}

/// `policies.rhcFqhcIndividualCodesFrom` (a date) with `policies.rhcFqhcBefore` (what applied
/// before it); both absent: RHC/FQHC months are priced without a period check.
fn parse_clinic(c: &mut Checker, v: Option<&Json>) -> Option<Option<(NaiveDate, String)>> {
    let Some(Json::Obj(m)) = v else { return Some(None) };
    if !json::has(m, "rhcFqhcIndividualCodesFrom") {
        return Some(None);
    }
    let from = c.date(m, "rhcFqhcIndividualCodesFrom", "policies.rhcFqhcIndividualCodesFrom", true);
    let before = c.string(m, "rhcFqhcBefore", "policies.rhcFqhcBefore");
    Some(Some((from?, before?)))
}

/// `status` (`final`, the default, or `provisional`) and `provisional[]`: `{ what, source }`.
fn parse_provisional(c: &mut Checker, m: &Members) -> Option<Option<Vec<(String, String)>>> {
    let status = match json::get(m, "status") {
        None | Some(Json::Null) => "final",
        Some(Json::Str(s)) if s == "final" || s == "provisional" => &**s,
        Some(_) => {
            c.bad("status", "must be final or provisional");
            return None;
        }
    };
    let mut notes = Vec::new();
    match json::get(m, "provisional") {
        None | Some(Json::Null) => {}
        Some(Json::Arr(a)) => {
            for (i, n) in a.iter().enumerate() {
                let p = format!("provisional[{i}]");
                let Some(nm) = c.obj(Some(n), &p) else { continue };
                let what = c.string(nm, "what", &format!("{p}.what"));
                let source = c.string(nm, "source", &format!("{p}.source"));
                if let (Some(w), Some(s)) = (what, source) {
                    notes.push((w, s));
                }
            }
        }
        Some(_) => {
            c.bad("provisional", "must be an array of { what, source }");
            return None;
        }
    }
    if status == "final" && !notes.is_empty() {
        c.bad("status", "must be provisional when provisional facts are listed");
        return None;
    }
    Some((status == "provisional").then_some(notes))
}

type PolicyParts = (Policies, Vec<String>, Vec<String>);

/// Each listed track is one of [`TRACKS`], listed once.
fn check_track_order(c: &mut Checker, order: &[String], path: &str) {
    for (i, t) in order.iter().enumerate() {
        if !TRACKS.contains(&t.as_str()) {
            c.bad(&format!("{path}[{i}]"), "must be staff, complex or practitioner");
        } else if order.iter().take(i).any(|x| x == t) {
            // A track listed twice would be offered twice (found by fuzzing the pack validator).
            c.bad(&format!("{path}[{i}]"), "lists a track already listed");
        }
    }
}

fn parse_policies(c: &mut Checker, v: Option<&Json>) -> Option<PolicyParts> {
    let m = c.obj(v, "policies")?;
    let int = |c: &mut Checker, k: &str, min: i64, max: i64| c.int(json::get(m, k), &format!("policies.{k}"), min, max, false).flatten();
    let min_cond = int(c, "minChronicConditions", 0, 100);
    let cat = int(c, "conditionCategoryLength", 1, 7);
    let iv_months = int(c, "initiatingVisitMaxMonths", 0, 1200);
    let stale = int(c, "carePlanStaleMonths", 0, 1200);
    let narrative = int(c, "narrativeMinChars", 0, 20_000);
    let creds = c.strings(json::get(m, "eligibleCredentials"), "policies.eligibleCredentials");
    let mdm = c.strings(json::get(m, "complexMdm"), "policies.complexMdm");
    let revision = c.boolean(json::get(m, "complexRevisionRequired"), "policies.complexRevisionRequired");
    let visits = c.strings(json::get(m, "initiatingVisitTypes"), "policies.initiatingVisitTypes");
    let visit_by = c.severity(json::get(m, "initiatingVisitByBillingPractitioner"), "policies.initiatingVisitByBillingPractitioner");
    let supervision = c.boolean(json::get(m, "supervisionRequired"), "policies.supervisionRequired");
    let order = c.strings(json::get(m, "trackOrder"), "policies.trackOrder");
    let staff = c.strings(json::get(m, "staffRoles"), "policies.staffRoles");
    let pract = c.strings(json::get(m, "practitionerRoles"), "policies.practitionerRoles");
    let nonc = c.strings(json::get(m, "nonClinicalRoles"), "policies.nonClinicalRoles");
    let fac = c.strings(json::get(m, "facilitySettings"), "policies.facilitySettings");
    if let Some(o) = &order {
        check_track_order(c, o, "policies.trackOrder");
    }
    Some((
        Policies {
            min_chronic_conditions: min_cond? as usize,
            condition_category_length: cat? as usize,
            eligible_credentials: creds?,
            complex_revision_required: revision?,
            initiating_visit_types: visits?,
            initiating_visit_max_months: iv_months? as u32,
            initiating_visit_by_billing: visit_by?,
            care_plan_stale_months: stale? as u32,
            supervision_required: supervision?,
            narrative_min_chars: narrative? as usize,
            staff_roles: staff?,
            practitioner_roles: pract?,
            non_clinical_roles: nonc?,
            facility_settings: fac?,
        },
        order?,
        mdm?,
    ))
}

fn parse_codes(c: &mut Checker, v: Option<&Json>) -> Option<Vec<CodeDef>> {
    let arr = match v {
        Some(Json::Arr(a)) if !a.is_empty() => a,
        _ => {
            c.bad("codes", "must be a non-empty array");
            return None;
        }
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (i, v) in arr.iter().enumerate() {
        match parse_code(c, v, &format!("codes[{i}]")) {
            Some(code) => out.push(code),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// One entry of `codes`: code, track, kind (a base's threshold, an add-on's base and unit
/// minutes), `maxUnits` (required; null for no cap), price, `maxUnitsSourced`, rule.
fn parse_code(c: &mut Checker, v: &Json, p: &str) -> Option<CodeDef> {
    let m = c.obj(Some(v), p)?;
    let code = c.string(m, "code", &format!("{p}.code"));
    let track = c.string(m, "track", &format!("{p}.track"));
    if let Some(t) = &track {
        if !TRACKS.contains(&t.as_str()) {
            c.bad(&format!("{p}.track"), "must be staff, complex or practitioner");
        }
    }
    let kind = c.string(m, "kind", &format!("{p}.kind"));
    let is_addon = match kind.as_deref() {
        Some("base") => Some(false),
        Some("addon") => Some(true),
        Some(_) => {
            c.bad(&format!("{p}.kind"), "must be base or addon");
            None
        }
        None => None,
    };
    let base = c.opt_string(m, "base", &format!("{p}.base"));
    let (thr, unit) = match is_addon {
        Some(false) => (c.int(json::get(m, "thresholdMinutes"), &format!("{p}.thresholdMinutes"), 1, MAX_MINUTES, false).flatten(), Some(0)),
        Some(true) => {
            if base.is_none() {
                c.bad(&format!("{p}.base"), "an add-on must name its base code");
            }
            (Some(0), c.int(json::get(m, "unitMinutes"), &format!("{p}.unitMinutes"), 1, MAX_MINUTES, false).flatten())
        }
        None => (None, None),
    };
    let max_units = c.int(json::get(m, "maxUnits"), &format!("{p}.maxUnits"), 0, 1000, true);
    if !json::has(m, "maxUnits") {
        c.bad(&format!("{p}.maxUnits"), "is required (a number, or null for no cap)");
    } else if is_addon == Some(false) && matches!(max_units, Some(Some(n)) if n != 1) {
        // A base code is billed once a month; any other cap would contradict the base line
        // (found by fuzzing the pack validator: 0 still billed one unit).
        c.bad(&format!("{p}.maxUnits"), "a base code bills one unit a month: must be 1 (or null)");
    }
    let price = parse_price(c, m, p);
    let cap_unsourced = match json::get(m, "maxUnitsSourced") {
        None | Some(Json::Null) => Some(false),
        v => c.boolean(v, &format!("{p}.maxUnitsSourced")).map(|sourced| !sourced),
    };
    let rule = c.opt_string(m, "rule", &format!("{p}.rule"));
    let (rvu, contract_cents, not_covered) = price?;
    Some(CodeDef {
        code: code?,
        track: track?,
        is_addon: is_addon?,
        base,
        threshold_minutes: thr?,
        unit_minutes: unit?,
        max_units: max_units?,
        rvu,
        rule,
        contract_cents,
        not_covered,
        cap_unsourced: cap_unsourced?,
    })
}

/// How a code is priced: RVUs (optional with a contract amount), `contractAmount` in cents,
/// and `covered: false` with the severity of `CODE_NOT_COVERED_BY_PAYER`.
fn parse_price(c: &mut Checker, m: &Members, p: &str) -> Option<(Rvu, Option<i64>, Option<Severity>)> {
    let contract = match json::get(m, "contractAmount") {
        None | Some(Json::Null) => Some(None),
        v => c.scaled(v, &format!("{p}.contractAmount"), 100.0, 100_000).map(Some),
    };
    let covered = match json::get(m, "covered") {
        None | Some(Json::Null) => Some(true),
        v => c.boolean(v, &format!("{p}.covered")),
    };
    let not_covered = match (covered, json::get(m, "notCoveredSeverity")) {
        (Some(true), _) => Some(None),
        (_, None | Some(Json::Null)) => Some(Some(Severity::Error)),
        (_, v) => match c.severity(v, &format!("{p}.notCoveredSeverity")) {
            Some(Some(Severity::Info)) => {
                c.bad(&format!("{p}.notCoveredSeverity"), "must be error or warning");
                None
            }
            x => x,
        },
    };
    // A contract-priced code needs no RVUs.
    let rvu = match (json::get(m, "rvu"), contract) {
        (None, Some(Some(_))) => Some(Rvu { work: 0, pe_non_facility: 0, pe_facility: 0, mp: 0 }),
        (v, _) => c.rvu(v, &format!("{p}.rvu")),
    };
    Some((rvu?, contract?, not_covered?))
}

fn build_tracks(c: &mut Checker, codes: &[CodeDef], order: &[String], mdm: &[String], order_path: &str) -> Option<Vec<TrackDef>> {
    let mut tracks = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        if codes.iter().take(i).any(|o| o.code == code.code) {
            c.bad(&format!("codes[{i}].code"), "duplicate code");
        }
        if code.is_addon {
            let ok = codes.iter().any(|b| !b.is_addon && Some(&b.code) == code.base.as_ref() && b.track == code.track);
            if !ok {
                c.bad(&format!("codes[{i}].base"), "must name a base code of the same track");
            }
        }
    }
    for name in order {
        let bases: Vec<&CodeDef> = codes.iter().filter(|x| &x.track == name && !x.is_addon).collect();
        let addons: Vec<&CodeDef> = codes.iter().filter(|x| &x.track == name && x.is_addon).collect();
        if bases.is_empty() {
            continue;
        }
        if bases.len() > 1 || addons.len() > 1 {
            c.bad("codes", "each track has exactly one base code and at most one add-on");
            return None;
        }
        tracks.push(TrackDef {
            name: name.clone(),
            // INVARIANT: `bases` is not empty (checked above).
            #[allow(clippy::indexing_slicing)]
            base: bases[0].clone(),
            addon: addons.first().map(|a| (*a).clone()),
            practitioner_pool: name == "practitioner",
            mdm: if name == "complex" { mdm.to_vec() } else { Vec::new() },
        });
    }
    for (i, code) in codes.iter().enumerate() {
        if !order.contains(&code.track) {
            c.bad(&format!("codes[{i}].track"), &format!("is not listed in {order_path}"));
        }
    }
    if tracks.is_empty() {
        c.bad("codes", "no track has a base code");
        return None;
    }
    Some(tracks)
}

fn parse_conflicts(c: &mut Checker, v: Option<&Json>) -> Option<Vec<Conflict>> {
    let arr = match v {
        None | Some(Json::Null) => return Some(Vec::new()),
        Some(Json::Arr(a)) => a,
        Some(_) => {
            c.bad("conflicts", "must be an array");
            return None;
        }
    };
    let mut out = Vec::new();
    for (i, v) in arr.iter().enumerate() {
        let p = format!("conflicts[{i}]");
        let Some(m) = c.obj(Some(v), &p) else { continue };
        let finding = c.string(m, "finding", &format!("{p}.finding"));
        let codes = c.strings(json::get(m, "codes"), &format!("{p}.codes"));
        let sp = c.severity(json::get(m, "samePractitioner"), &format!("{p}.samePractitioner"));
        let sg = c.severity(json::get(m, "sameGroup"), &format!("{p}.sameGroup"));
        let ot = c.severity(json::get(m, "other"), &format!("{p}.other"));
        if let (Some(finding), Some(codes), Some(sp), Some(sg), Some(ot)) = (finding, codes, sp, sg, ot) {
            out.push(Conflict { finding, codes, same_practitioner: sp, same_group: sg, other: ot });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{built_in, BUILT_IN};

    /// Every built-in pack validates, and its identity is the table's (a month picks its pack by
    /// the table's dates, and `rulePacks()` lists the table, before any pack is parsed).
    #[test]
    fn built_in_packs_validate_and_match_their_table_entry() {
        let packs: Vec<_> = built_in().collect();
        assert_eq!(packs.len(), BUILT_IN.len(), "a built-in pack does not validate");
        for (p, b) in packs.iter().zip(BUILT_IN) {
            assert_eq!(p.id, b.id);
            assert_eq!((p.version.as_str(), p.payer.as_str(), p.provisional.is_some()), (b.version, b.payer, b.provisional), "{}", b.id);
            assert_eq!(crate::validate::date_text(p.effective_from), b.from, "{}", b.id);
            assert_eq!(p.effective_to.map(crate::validate::date_text).as_deref(), Some(b.to), "{}", b.id);
        }
    }
}

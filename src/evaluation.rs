//! The decision for one patient-month as the engine answers it (CONTRACT §3, §10): the
//! `Evaluation` and its parts. Every stage can name these types without importing the assembler
//! ([`crate::evaluate`]) that builds them; [`crate::output`] writes them.

use crate::finding::{Finding, Text};
use crate::pack::Pack;
use crate::validate;
use serde::{Deserialize, Serialize};

/// The rule pack a month was decided under (`rulePack`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RulePackInfo {
    /// The pack's id (`medicare-cy2026`).
    pub id: String,
    /// The pack's version.
    pub version: String,
    /// Who pays under its rules (`Medicare Part B`).
    pub payer: String,
    /// First day it applies, `YYYY-MM-DD`.
    pub effective_from: String,
    /// Last day it applies (`null`: open-ended).
    pub effective_to: Option<String>,
    /// `"provisional"` for a pack whose facts are not final (absent otherwise, so a final pack's
    /// output is unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Text>,
}

impl RulePackInfo {
    /// The identity of a pack.
    pub fn of(p: &Pack) -> Self {
        RulePackInfo {
            id: p.id.clone(),
            version: p.version.clone(),
            payer: p.payer.clone(),
            effective_from: validate::date_text(p.effective_from),
            effective_to: p.effective_to.map(validate::date_text),
            status: p.provisional.as_ref().map(|_| "provisional".into()),
        }
    }

    /// The identity of a built-in pack, from its table entry (without parsing the pack).
    pub fn of_built_in(b: &crate::pack::BuiltIn) -> Self {
        RulePackInfo {
            id: b.id.to_string(),
            version: b.version.to_string(),
            payer: b.payer.to_string(),
            effective_from: b.from.to_string(),
            effective_to: Some(b.to.to_string()),
            status: b.provisional.then(|| "provisional".into()),
        }
    }
}


/// One billed (or supported) code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// CPT/HCPCS code.
    pub code: String,
    /// Units of the code.
    pub units: i64,
    /// The local date the pool reached this line's minutes (`null` for APCM).
    pub threshold_met_on: Option<String>,
    /// Allowed amount, dollars (an estimate).
    pub allowed: f64,
    /// The patient's share, dollars.
    pub coinsurance: f64,
}

/// The month's payment (CONTRACT §6.12).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    /// Sum of the lines' allowed amounts.
    pub allowed: f64,
    /// Sum of the lines' coinsurance.
    pub coinsurance: f64,
    /// The conversion factor used.
    pub conversion_factor: f64,
    /// `nonFacility`, `facility`, `rhc` or `fqhc`.
    pub setting: Text,
    /// Always true: amounts are estimates.
    pub estimate: bool,
    /// `payment.locality` when the month was priced by one (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
}

/// The next code within reach (`time.nextUnit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NextUnit {
    /// The next code the track can reach.
    pub code: String,
    /// Minutes still needed for it.
    pub minutes_needed: i64,
    /// Calendar days left in the month after `asOf`.
    pub days_left: i64,
}

/// The month's counted time (`time`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeSummary {
    /// Counted minutes of the staff pool.
    pub staff_minutes: i64,
    /// Counted minutes of the billing practitioner's own pool.
    pub practitioner_minutes: i64,
    /// Minutes of the month's entries that do not count (§6.4).
    pub excluded_minutes: i64,
    /// The next code within reach, or `null`.
    pub next_unit: Option<NextUnit>,
    /// `asOf` is the month's last day or later.
    pub month_complete: bool,
}

/// A track not chosen (`alternatives[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alternative {
    /// The track.
    pub track: String,
    /// What its time supports.
    pub lines: Vec<Line>,
    /// Their allowed amount.
    pub allowed: f64,
    /// The error codes that keep it from being billed.
    pub blocked_by: Vec<Text>,
}

/// One documentation element the month must show (`checklist[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChecklistItem {
    /// The element (`staffTimeTotal`, `consentOnFile`, …).
    pub item: Text,
    /// Whether the month shows it.
    pub ok: bool,
}

/// The consent on file, against the claim's pin (`consent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentSummary {
    /// The consent's version.
    pub version: Option<String>,
    /// The version is a built-in template.
    pub built_in: bool,
    /// The claim's pin matches (`null`: the claim pins nothing).
    pub matches_claim: Option<bool>,
}

/// One program's decision this month (CONTRACT §10): what it bills if chosen, or what it lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramEntry {
    /// `ccm`, `pcm` or `apcm`.
    pub program: Text,
    /// `billable`, `blocked` or `below_threshold`.
    pub status: Text,
    /// CCM's or PCM's track; `null` for APCM.
    pub track: Option<String>,
    /// Empty unless `status` is `billable`.
    pub lines: Vec<Line>,
    /// What the time (APCM: the level) supports, even when blocked.
    pub supported_lines: Vec<Line>,
    /// Allowed amount of its billed lines.
    pub allowed: f64,
    /// The patient's share of them.
    pub coinsurance: f64,
    /// The error codes that block it.
    pub blocked_by: Vec<Text>,
    /// The next code its time can reach.
    pub next_unit: Option<ProgramNext>,
    /// In words: what it bills, or what it needs ("99426 needs 30 staff-pool minutes: 12 to go").
    pub summary: String,
    /// The program's own findings (absent for CCM: they are the evaluation's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<Finding>>,
}

/// The next code a program's time can reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramNext {
    /// The code.
    pub code: String,
    /// Minutes still needed.
    pub minutes_needed: i64,
}

/// The billable program that pays most (CONTRACT §10.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommended {
    /// `ccm`, `pcm` or `apcm`.
    pub program: Text,
    /// What it pays.
    pub allowed: f64,
    /// Why, naming the amounts.
    pub reason: String,
}

/// `Some(None)` for a `null` that was there (serde reads it as absent otherwise).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The decision for one patient-month (CONTRACT §3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// The engine's version.
    pub engine_version: Text,
    /// The rule pack used.
    pub rule_pack: RulePackInfo,
    /// `YYYY-MM`.
    pub service_month: String,
    /// `billable`, `blocked` or `below_threshold`.
    pub status: Text,
    /// The forced track, or with `auto` the chosen one (`null`: none supports a line).
    pub track: Option<String>,
    /// What to bill (empty unless billable).
    pub lines: Vec<Line>,
    /// What the time supports on the track, even when blocked.
    pub supported_lines: Vec<Line>,
    /// Amounts (estimates).
    pub payment: Payment,
    /// Counted time.
    pub time: TimeSummary,
    /// The tracks not chosen.
    pub alternatives: Vec<Alternative>,
    /// Every finding, errors first.
    pub findings: Vec<Finding>,
    /// The documentation checklist.
    pub checklist: Vec<ChecklistItem>,
    /// The consent on file against the claim's pin.
    pub consent: Option<ConsentSummary>,
    /// CONTRACT §10: each program decided, when `programs` asks for more than CCM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programs: Option<Vec<ProgramEntry>>,
    /// With `programs`: the billable program that pays most, or `null`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub recommended: Option<Option<Recommended>>,
}

#[cfg(test)]
mod tests {
    use super::RulePackInfo;
    use crate::pack::{built_in, BUILT_IN};

    /// A built-in pack's identity from its table entry (what `rulePacks()` lists without parsing)
    /// is the identity of the pack itself.
    #[test]
    fn built_in_identity_from_the_table_is_the_packs() {
        let packs: Vec<_> = built_in().collect();
        assert_eq!(packs.len(), BUILT_IN.len(), "a built-in pack does not validate");
        for (p, b) in packs.iter().zip(BUILT_IN) {
            assert_eq!(RulePackInfo::of(p), RulePackInfo::of_built_in(b), "{}", b.id);
        }
    }
}

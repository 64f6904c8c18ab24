//! The decision for one patient-month as the engine answers it (CONTRACT §3, §10): the
//! `Evaluation` and its parts. Every stage can name these types without importing the assembler
//! ([`crate::evaluate`]) that builds them; [`crate::output`] writes them.

use crate::finding::{Finding, Text};
use crate::pack::Pack;
use crate::validate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RulePackInfo {
    pub id: String,
    pub version: String,
    pub payer: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
    /// `"provisional"` for a pack whose facts are not final (absent otherwise, so a final pack's
    /// output is unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Text>,
}

impl RulePackInfo {
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
}


#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub code: String,
    pub units: i64,
    pub threshold_met_on: Option<String>,
    pub allowed: f64,
    pub coinsurance: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub allowed: f64,
    pub coinsurance: f64,
    pub conversion_factor: f64,
    pub setting: Text,
    pub estimate: bool,
    /// `payment.locality` when the month was priced by one (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NextUnit {
    pub code: String,
    pub minutes_needed: i64,
    pub days_left: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeSummary {
    pub staff_minutes: i64,
    pub practitioner_minutes: i64,
    pub excluded_minutes: i64,
    pub next_unit: Option<NextUnit>,
    pub month_complete: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alternative {
    pub track: String,
    pub lines: Vec<Line>,
    pub allowed: f64,
    pub blocked_by: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChecklistItem {
    pub item: Text,
    pub ok: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentSummary {
    pub version: Option<String>,
    pub built_in: bool,
    pub matches_claim: Option<bool>,
}

/// One program's decision this month (CONTRACT §10): what it bills if chosen, or what it lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramEntry {
    /// `ccm`, `pcm` or `apcm`.
    pub program: Text,
    pub status: Text,
    pub track: Option<String>,
    /// Empty unless `status` is `billable`.
    pub lines: Vec<Line>,
    /// What the time (APCM: the level) supports, even when blocked.
    pub supported_lines: Vec<Line>,
    pub allowed: f64,
    pub coinsurance: f64,
    /// The error codes that block it.
    pub blocked_by: Vec<Text>,
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
    pub code: String,
    pub minutes_needed: i64,
}

/// The billable program that pays most (CONTRACT §10.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommended {
    pub program: Text,
    pub allowed: f64,
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
    pub engine_version: Text,
    pub rule_pack: RulePackInfo,
    pub service_month: String,
    pub status: Text,
    pub track: Option<String>,
    pub lines: Vec<Line>,
    pub supported_lines: Vec<Line>,
    pub payment: Payment,
    pub time: TimeSummary,
    pub alternatives: Vec<Alternative>,
    pub findings: Vec<Finding>,
    pub checklist: Vec<ChecklistItem>,
    pub consent: Option<ConsentSummary>,
    /// CONTRACT §10: each program decided, when `programs` asks for more than CCM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programs: Option<Vec<ProgramEntry>>,
    /// With `programs`: the billable program that pays most, or `null`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub recommended: Option<Option<Recommended>>,
}


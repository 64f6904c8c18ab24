//! Findings (CONTRACT §5): the one registry of finding codes — each with its default severity
//! and where it comes from — and the `Finding` every stage reports. (A finding is cited from the
//! rule pack it was decided under: its constructors are [`crate::pack`]'s.)
//!
//! Every other place a code appears is held to [`CODES`] by tests/registry.rs: the TypeScript
//! `FindingCode` union, each built-in pack's `findingRules`, the page's words (www/js/words.js)
//! and the fuzz invariants' severity table. A code added here and forgotten there fails CI.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
/// How much a finding weighs: an error blocks billing, a warning is an audit risk, information explains.
pub enum Severity {
    /// Blocks billing.
    Error,
    /// An audit risk that does not block.
    Warning,
    /// Explains.
    Info,
}

impl Severity {
    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
    /// The severity a pack names (`error`, `warning`, `info`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// One finding code of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The code (`CONSENT_MISSING`).
    pub code: &'static str,
    /// The severity the contract gives it; `None` when it depends on the case or the pack (a
    /// conflict table's row, `notCoveredSeverity`, a revocation's timing).
    pub severity: Option<Severity>,
    /// Where it is defined: a CONTRACT section, or the issue that added it (additive).
    pub source: &'static str,
}

/// Declares the registry and [`default_severity`] from one list.
macro_rules! registry {
    ($( $code:literal => $sev:expr, $src:literal; )*) => {
        /// Every finding code the engine reports, in the contract's order.
        pub const CODES: &[CodeInfo] = &[ $( CodeInfo { code: $code, severity: $sev, source: $src }, )* ];

        /// The default severity of a code (an error for codes whose severity depends on the case:
        /// those are always reported with an explicit one).
        pub fn default_severity(code: &str) -> Severity {
            match code {
                $( $code => match $sev { Some(s) => s, None => Severity::Error }, )*
                _ => Severity::Error,
            }
        }
    };
}

const E: Option<Severity> = Some(Severity::Error);
const W: Option<Severity> = Some(Severity::Warning);
const I: Option<Severity> = Some(Severity::Info);
const CASE: Option<Severity> = None;

registry! {
    "CONDITIONS_FEWER_THAN_TWO" => E, "§5";
    "CONDITION_CODE_INVALID" => W, "§5";
    "CONDITION_NOT_CHRONIC" => W, "§5";
    "CONDITIONS_SAME_CATEGORY" => W, "§5";
    "CONSENT_MISSING" => E, "§5";
    "CONSENT_DECLINED" => E, "§5";
    "CONSENT_ELEMENTS_INCOMPLETE" => E, "§5";
    "CONSENT_DETAILS_MISSING" => E, "§5";
    "CONSENT_PRACTITIONER_MISMATCH" => E, "§5";
    "CONSENT_VERSION_MISMATCH" => E, "§5";
    "CONSENT_REVOKED" => CASE, "§5 (error before the month, info during it)";
    "INITIATING_VISIT_REQUIRED" => E, "§5";
    "INITIATING_VISIT_TOO_OLD" => E, "§5";
    "INITIATING_VISIT_TYPE_INVALID" => E, "§5";
    "INITIATING_VISIT_PRACTITIONER_MISMATCH" => CASE, "issue 12 (pack policy initiatingVisitByBillingPractitioner)";
    "CARE_PLAN_MISSING" => E, "§5";
    "CARE_PLAN_NOT_ELECTRONIC" => E, "§5";
    "CARE_PLAN_NOT_ACCESSIBLE" => E, "§5";
    "CARE_PLAN_NOT_SHARED" => E, "§5";
    "CARE_PLAN_NOT_SIGNED" => E, "§5";
    "CARE_PLAN_STALE" => W, "§5";
    "SUPERVISION_NOT_ATTESTED" => E, "§5";
    "PRACTITIONER_NOT_ELIGIBLE" => E, "§5";
    "PRACTITIONER_CREDENTIAL_READ_AS" => I, "issue 12";
    "TIME_ENTRY_OUTSIDE_MONTH" => I, "§5";
    "TIME_ENTRY_SPLIT_AT_MONTH_END" => I, "§5";
    "TIME_ENTRY_OTHER_SERVICE" => I, "§5";
    "TIME_BELOW_THRESHOLD" => I, "§5";
    "ADDON_CAP_REACHED" => I, "§5";
    "TIME_ENTRY_AFTER_AS_OF" => W, "§5";
    "TIME_ENTRY_OVERLAP" => W, "§5";
    "TIME_CONCURRENT_STAFF" => W, "§5";
    "TIME_DOUBLE_COUNTED" => W, "§5";
    "TIME_ENTRY_NON_CLINICAL" => W, "§5";
    "TIME_ENTRY_FACILITY_STAY" => W, "§5";
    "TIME_ENTRY_BEFORE_CONSENT" => W, "§5";
    "TIME_ENTRY_NO_START_END" => W, "§5";
    "TIME_ENTRY_PERFORMER_MISSING" => W, "§5";
    "TIME_ENTRY_NARRATIVE_INSUFFICIENT" => W, "§5";
    "ANOTHER_PRACTITIONER_BILLED_CCM" => E, "§5 (the pack's conflict table)";
    "PCM_SAME_MONTH" => E, "§5 (the pack's conflict table)";
    "CARE_PLAN_OVERSIGHT_SAME_MONTH" => E, "§5 (the pack's conflict table)";
    "ESRD_SAME_MONTH" => E, "§5 (the pack's conflict table)";
    "APCM_SAME_MONTH" => CASE, "§5 (error for the same practitioner or group, warning for others)";
    "COMPLEX_MDM_REQUIRED" => E, "§5";
    "COMPLEX_CARE_PLAN_REVISION_NOT_DOCUMENTED" => W, "§5";
    "TRACK_NOT_AVAILABLE" => I, "§5";
    "RULE_PACK_PROVISIONAL" => W, "issue 13";
    "LOCALITY_GPCI" => I, "issue 13";
    "GPCI_STAND_IN" => W, "issue 13";
    "QMB_NO_COINSURANCE" => I, "issue 13, §10.6";
    "RHC_FQHC_NATIONAL_RATE" => I, "issue 13";
    "RHC_FQHC_G0511_PERIOD" => W, "issue 13";
    "CODE_NOT_COVERED_BY_PAYER" => CASE, "issue 13 (the pack's notCoveredSeverity)";
    "PCM_FOCUS_CONDITION_MISSING" => E, "§10";
    "PCM_CARE_PLAN_NOT_DISEASE_SPECIFIC" => E, "§10";
    "APCM_NOT_PRIMARY_CARE" => E, "§10";
    "APCM_ELEMENTS_NOT_ATTESTED" => E, "§10";
    "APCM_PRACTICE_ELECTION" => I, "§10";
    "APCM_LEVEL" => I, "issue 14 (§10.3: the level and why)";
    "APCM_BUNDLED_SERVICE_SAME_MONTH" => CASE, "issue 14 (APCM's conflict table, APCM-004)";
    "CCM_SAME_MONTH" => CASE, "issue 14 (PCM's conflict table, PCM-005)";
    "ADDON_CAP_NOT_SOURCED" => W, "issue 14 (§10.2: a cap not found in the sources)";
    "PROGRAM_NOT_IN_RULE_PACK" => E, "issue 14 (a pack without programs.pcm or programs.apcm)";
}

/// Text of a result: the engine's own (finding codes, severities, most messages, status, labels)
/// and a built-in pack's (rule ids, citations) is borrowed for the life of the program; the rest
/// is owned. (A worst-case month has thousands of findings: copying each one's citation was most
/// of their memory; in a typical month the copies were a tenth of its allocations.)
pub type Text = Cow<'static, str>;

/// One finding: a code, its severity, the input path it concerns, a message that never echoes
/// the input's free text, and the rule and source it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// A registered finding code (see [`CODES`]).
    pub code: Text,
    /// `error`, `warning` or `info`.
    pub severity: Text,
    /// The input path it concerns (`timeEntries[1].narrative`).
    pub path: Option<String>,
    /// What, in words; never the input's free text.
    pub message: Text,
    /// The rule id behind it (`CONS-001`).
    pub rule: Option<Text>,
    /// Where the rule comes from (a URL or reference).
    pub source: Option<Text>,
}

impl Finding {
    /// 0 for an error, 1 for a warning, 2 for information.
    pub fn rank(&self) -> u8 {
        match &*self.severity {
            "error" => 0,
            "warning" => 1,
            _ => 2,
        }
    }
}


//! ccm-engine: decides, for one Medicare patient and one calendar month, whether Chronic Care
//! Management may be billed, with which codes and units, and why.
//!
//! The pipeline runs one way, one stage per module: parse (`input`, `json`) → validate →
//! count time (`time`) → eligibility → conflicts → tracks → price → assemble (`evaluate`) →
//! programs (CONTRACT §10) → write (`output`). Thresholds, caps, conflicts, rates and citations
//! live in the rule pack (`pack`), not in code. [`api`] holds the JSON-text entry points every
//! door shares; [`fhir`] the FHIR adapter and the claim builder.
//!
//! The public surface is what callers use: the entry points here and in [`api`], the input
//! schema ([`input`]), the answer ([`evaluation`], [`finding`]), the ICD-10-CM table ([`icd`])
//! and the FHIR adapter ([`fhir`]); rule packs are data (`api::rule_pack_json`). The stages are
//! the crate's own.
//!
//! ```
//! let json = std::fs::read_to_string("tests/data/typical.json").unwrap();
//! let e = ccm_engine::evaluate_str(&json).unwrap();
//! assert_eq!(e.status, "billable");
//! ```

#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod api;
mod conflicts;
mod consent;
mod eligibility;
mod evaluate;
pub mod evaluation;
pub mod finding;
#[cfg(feature = "fhir")]
pub mod fhir;
pub mod icd;
pub mod input;
mod json;
mod output;
mod pack;
mod price;
mod programs;
mod time;
mod tracks;
mod validate;
mod whatif;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use api::{evaluate_json, evaluate_str};
pub use evaluation::Evaluation;
pub use finding::{Finding, Severity, Text};
pub use input::MonthInput;
pub use validate::{InputError, Issue};

/// The engine's version (`engineVersion` in every evaluation).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Evaluates one patient-month. Pure: no clock, no I/O.
pub fn evaluate(input: &MonthInput) -> Result<Evaluation, InputError> {
    let checked = validate::check_month(input)?;
    api::evaluate_checked(&checked)
}

/// Parses a `MonthInput` from JSON text (leniently: type problems are reported by [`evaluate`]).
pub fn parse(json: &str) -> Result<MonthInput<'_>, InputError> {
    // The same errors, in the same words, as the JSON door's (`api::evaluate_json`).
    if json.len() > input::MAX_JSON_BYTES {
        return Err(api::too_large(json.len()));
    }
    match input::parse_root(json) {
        Ok(input::Val::Ok(input::Obj(m))) => Ok(m),
        Ok(other) => Err(validate::check_root(&other).err().unwrap_or_else(|| InputError::new("INVALID_INPUT", "expected an object (a MonthInput)", Vec::new()))),
        Err(e) => Err(api::json_error(e.line, e.column)),
    }
}

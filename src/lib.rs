//! ccm-engine: decides, for one Medicare patient and one calendar month, whether Chronic Care
//! Management may be billed, with which codes and units, and why.
//!
//! The pipeline runs one way, one stage per module:
//! parse ([`input`]) → validate ([`validate`]) → count time ([`time`]) → eligibility
//! ([`eligibility`]) → conflicts ([`conflicts`]) → tracks ([`tracks`]) → price ([`price`]) →
//! assemble ([`evaluate`]) → write ([`output`]). Thresholds, caps, conflicts, rates and citations
//! live in the rule pack ([`pack`]), not in code. [`api`] holds the JSON-text entry points every
//! door shares.
//!
//! ```
//! let json = std::fs::read_to_string("tests/data/typical.json").unwrap();
//! let e = ccm_engine::evaluate_str(&json).unwrap();
//! assert_eq!(e.status, "billable");
//! ```

pub mod api;
pub mod conflicts;
pub mod consent;
pub mod eligibility;
pub mod evaluate;
pub mod evaluation;
pub mod finding;
#[cfg(feature = "fhir")]
pub mod fhir;
pub mod icd;
pub mod input;
pub mod output;
pub mod pack;
pub mod price;
pub mod programs;
pub mod json;
pub use json::reader;
pub mod time;
pub mod tracks;
pub mod validate;
pub mod whatif;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use api::{evaluate_json, evaluate_str};
pub use evaluation::Evaluation;
pub use input::MonthInput;
pub use validate::InputError;

/// The engine's version (`engineVersion` in every evaluation).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Evaluates one patient-month. Pure: no clock, no I/O.
pub fn evaluate(input: &MonthInput) -> Result<Evaluation, InputError> {
    let checked = validate::check_month(input)?;
    api::evaluate_checked(&checked)
}

/// Parses a `MonthInput` from JSON text (leniently: type problems are reported by [`evaluate`]).
pub fn parse(json: &str) -> Result<MonthInput<'_>, InputError> {
    if json.len() > input::MAX_JSON_BYTES {
        return Err(InputError::new("INPUT_TOO_LARGE", "the input exceeds 2 MiB", Vec::new()));
    }
    match input::parse_root(json) {
        Ok(input::Val::Ok(input::Obj(m))) => Ok(m),
        Ok(_) => Err(InputError::new("INVALID_INPUT", "expected an object (a MonthInput)", vec![validate::Issue { path: String::new(), message: "expected an object".into() }])),
        Err(_) => Err(InputError::new("INVALID_JSON", "the input is not valid JSON", Vec::new())),
    }
}

//! FHIR R4 in, claim lines out (issue 15): the adapter between what an EHR holds and what the
//! engine decides. Built with the `fhir` feature (on by default: the CLI and the native library
//! have it); the core wasm module is built without it and the adapter ships as a wasm module of
//! its own (`pkg/fhir/`), so the core stays within its size budget.
//!
//! - [`from_fhir_json`]: a Bundle (searchset, collection or transaction) for one patient and one
//!   month, plus options → the `MonthInput` it builds, the problems found (with FHIR paths,
//!   `Bundle.entry[3].resource.period.end`), and for each part of the month the resource it came
//!   from (`timeEntries[2]` ← `Procedure/abc`). The mapping is [`map`]; the Bundle's index and
//!   reference resolution [`bundle`]; the documented defaults (code systems, extension URLs, role
//!   and service codes) [`options`]. docs/fhir.md is the guide.
//! - [`evaluate_fhir_json`]: the same, then the month evaluated: the contract `Result` with a
//!   `fhir` member (`month`, `sources`, `problems`).
//! - [`claim::claim_json`]: a month (or a mapped Bundle) and a claim context → the CMS-1500/837P
//!   service lines and an R4 `Claim`, with the claim adjustment reason codes the month's findings
//!   predict.
//!
//! Everything is bounded (a Bundle of more than [`MAX_BUNDLE_BYTES`] or [`MAX_ENTRIES`] entries is
//! refused before it is read), nothing panics, and no message echoes the Bundle's free text.

mod bundle;
pub mod claim;
mod map;
mod options;

use serde::Serialize;
use serde_json::Value;

/// Largest Bundle accepted, in bytes of JSON: a month of one patient is far smaller; a 50 MB
/// Bundle is refused, not parsed.
pub const MAX_BUNDLE_BYTES: usize = 8 * 1024 * 1024;
/// Most entries a Bundle may hold.
pub const MAX_ENTRIES: usize = 10_000;
/// Largest options object, in bytes of JSON.
pub const MAX_OPTIONS_BYTES: usize = 256 * 1024;

/// A problem found while mapping: where in the Bundle (a FHIR path), how much it matters, what.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// A FHIR path (`Bundle.entry[3].resource.period.end`).
    pub path: String,
    /// `error` (the Bundle cannot be read as asked), `warning` (data left out or guessed),
    /// `info` (data ignored on purpose, e.g. an inactive condition).
    pub severity: &'static str,
    /// What, in words (never the Bundle's text).
    pub message: String,
}

/// What [`from_fhir_json`] answers when the Bundle can be read.
#[derive(Debug, Clone, Serialize)]
pub struct Mapped {
    /// The `MonthInput` (CONTRACT §2) built from the Bundle and the options.
    pub month: Value,
    /// `MonthInput` path → the resource it came from (`Condition/abc`, `options`).
    pub sources: serde_json::Map<String, Value>,
    /// The problems met, in Bundle order.
    pub problems: Vec<Problem>,
}

/// The contract's error shape (CONTRACT §4) for a Bundle or options that cannot be read.
fn error(code: &str, message: &str, issues: Vec<(String, String)>) -> Value {
    let issues: Vec<Value> = issues.into_iter().map(|(path, message)| serde_json::json!({ "path": path, "message": message })).collect();
    serde_json::json!({ "ok": false, "error": { "code": code, "message": message, "issues": issues } })
}

/// Reads the Bundle and the options and maps them; `Err` is the contract's error Result.
pub fn map_texts(bundle: &str, options: &str) -> Result<Mapped, Value> {
    if bundle.len() > MAX_BUNDLE_BYTES {
        return Err(error("INPUT_TOO_LARGE", "the Bundle exceeds the adapter's bound",
            vec![(String::new(), format!("{} bytes of JSON; at most {MAX_BUNDLE_BYTES} are accepted", bundle.len()))]));
    }
    if options.len() > MAX_OPTIONS_BYTES {
        return Err(error("INPUT_TOO_LARGE", "the options exceed the adapter's bound",
            vec![("options".into(), format!("{} bytes of JSON; at most {MAX_OPTIONS_BYTES} are accepted", options.len()))]));
    }
    let bundle: Value = serde_json::from_str(bundle).map_err(|e| {
        error("INVALID_JSON", "the Bundle is not valid JSON", vec![(String::new(), format!("invalid JSON at line {}, column {}", e.line(), e.column()))])
    })?;
    let options: Value = if options.trim().is_empty() { Value::Object(Default::default()) } else {
        serde_json::from_str(options).map_err(|e| {
            error("INVALID_JSON", "the options are not valid JSON", vec![("options".into(), format!("invalid JSON at line {}, column {}", e.line(), e.column()))])
        })?
    };
    let opts = options::Options::read(&options).map_err(|issues| error("INVALID_INPUT", "the options are not valid", issues))?;
    let index = bundle::Index::read(&bundle).map_err(|issues| error("INVALID_INPUT", "the Bundle is not one this adapter reads", issues))?;
    Ok(map::month(&index, &opts))
}

/// A Bundle and options as JSON text → `{ ok: true, month, sources, problems }` or the
/// contract's error Result.
pub fn from_fhir_json(bundle: &str, options: &str) -> String {
    let out = match map_texts(bundle, options) {
        Ok(m) => serde_json::json!({ "ok": true, "month": m.month, "sources": m.sources, "problems": m.problems }),
        Err(e) => e,
    };
    serde_json::to_string(&out).unwrap_or_default()
}

/// [`from_fhir_json`], then the month evaluated: the contract's `Result` (`{ ok, evaluation }` or
/// `{ ok: false, error }`) with `fhir: { month, sources, problems }` beside it when the Bundle
/// could be mapped.
pub fn evaluate_fhir_json(bundle: &str, options: &str) -> String {
    match map_texts(bundle, options) {
        Ok(m) => {
            let month = serde_json::to_string(&m.month).unwrap_or_default();
            let result = crate::api::evaluate_json(&month);
            let fhir = serde_json::to_string(&serde_json::json!({ "month": m.month, "sources": m.sources, "problems": m.problems })).unwrap_or_default();
            // The engine's Result text, with one more member: `{"ok":…,"evaluation":…,"fhir":…}`.
            match result.strip_suffix('}') {
                Some(head) => format!("{head},\"fhir\":{fhir}}}"),
                None => result,
            }
        }
        Err(e) => serde_json::to_string(&e).unwrap_or_default(),
    }
}

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
//! - [`derive_options`]: what a Bundle says by itself about the options (the service month, the
//!   billing practitioner's NPI and credential: [`derive`]); [`panel_month`]: a Bundle of a panel
//!   file → its month, read with those options and the panel's as-of date (issue 16).
//!
//! Everything is bounded (a Bundle of more than [`MAX_BUNDLE_BYTES`] or [`MAX_ENTRIES`] entries is
//! refused before it is read), nothing panics, and no message echoes the Bundle's free text.

mod bundle;
pub mod claim;
mod derive;
mod map;
mod options;

pub use derive::{Derived, CREDENTIALS, QUALIFICATION};

use crate::{InputError, Issue};
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

/// Why the Bundle or the options cannot be read: every problem of both, in one pass, each with
/// how bad it is (2: too large, 1: not JSON, 0: not what the adapter reads) and whose it is.
#[derive(Default)]
struct Refusal {
    issues: Vec<(u8, bool, Issue)>,
}

impl Refusal {
    fn push(&mut self, rank: u8, options: bool, path: &str, message: String) {
        self.issues.push((rank, options, Issue { path: path.to_string(), message }));
    }

    /// The JSON text read, or its problem noted: the bound first, then the syntax.
    fn read(&mut self, text: &str, limit: usize, options: bool) -> Option<Value> {
        let path = if options { "options" } else { "" };
        if text.len() > limit {
            self.push(2, options, path, format!("{} bytes of JSON; at most {limit} are accepted", text.len()));
            return None;
        }
        serde_json::from_str(text)
            .map_err(|e| self.push(1, options, path, format!("invalid JSON at line {}, column {}", e.line(), e.column())))
            .ok()
    }

    fn note(&mut self, options: bool, issues: Vec<(String, String)>) {
        for (path, message) in issues {
            self.push(0, options, &path, message);
        }
    }

    /// The contract's error (CONTRACT §4): the worst problem names the code, and the message says
    /// what is wrong with each part (the Bundle's issues listed first).
    fn error(mut self) -> InputError {
        self.issues.sort_by_key(|i| i.1);
        let worst = |options: bool| self.issues.iter().filter(|i| i.1 == options).map(|i| i.0).max();
        let say = |part: &str, rank: u8| match rank {
            2 => format!("{part} over the adapter's bound"),
            1 => format!("{part} not valid JSON"),
            _ => format!("{part} not what this adapter reads"),
        };
        let parts: Vec<String> = [(false, "the Bundle is"), (true, "the options are")]
            .iter()
            .filter_map(|&(options, part)| worst(options).map(|rank| say(part, rank)))
            .collect();
        let code = match self.issues.iter().map(|i| i.0).max().unwrap_or(0) {
            2 => "INPUT_TOO_LARGE",
            1 => "INVALID_JSON",
            _ => "INVALID_INPUT",
        };
        InputError::new(code, &parts.join("; "), self.issues.into_iter().map(|i| i.2).collect())
    }
}

/// Reads the Bundle and the options and maps them; `Err` names every problem of both.
pub fn map_texts(bundle: &str, options: &str) -> Result<Mapped, InputError> {
    let mut refusal = Refusal::default();
    let bundle = refusal.read(bundle, MAX_BUNDLE_BYTES, false);
    let options = if options.trim().is_empty() && options.len() <= MAX_OPTIONS_BYTES {
        Some(Value::Object(Default::default()))
    } else {
        refusal.read(options, MAX_OPTIONS_BYTES, true)
    };
    let opts = options.as_ref().and_then(|o| options::Options::read(o).map_err(|i| refusal.note(true, i)).ok());
    let index = bundle.as_ref().and_then(|b| bundle::Index::read(b).map_err(|i| refusal.note(false, i)).ok());
    match (index, opts) {
        (Some(index), Some(opts)) if refusal.issues.is_empty() => Ok(map::month(&index, &opts)),
        _ => Err(refusal.error()),
    }
}

/// `{"ok":true,…}`: the object's members after `ok`, as the engine's own Result puts `ok` first
/// (CONTRACT §4); serde_json writes the rest in key order.
pub(crate) fn ok_text(body: &Value) -> String {
    let text = serde_json::to_string(body).unwrap_or_default();
    match text.strip_prefix('{') {
        Some("}") => "{\"ok\":true}".to_string(),
        Some(rest) => format!("{{\"ok\":true,{rest}"),
        None => text,
    }
}

/// A Bundle and options as JSON text → `{ ok: true, month, problems, sources }` or the
/// contract's error Result.
pub fn from_fhir_json(bundle: &str, options: &str) -> String {
    match map_texts(bundle, options) {
        Ok(m) => ok_text(&serde_json::json!({ "month": m.month, "sources": m.sources, "problems": m.problems })),
        Err(e) => crate::api::result_json(&Err(e)),
    }
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
        Err(e) => crate::api::result_json(&Err(e)),
    }
}

/// Reads the Bundle (bounds, JSON, shape, as [`map_texts`] does) and indexes it.
fn read_bundle<T>(bundle: &str, then: impl FnOnce(&bundle::Index) -> Result<T, InputError>) -> Result<T, InputError> {
    let mut refusal = Refusal::default();
    let value = refusal.read(bundle, MAX_BUNDLE_BYTES, false);
    match value.as_ref().and_then(|b| bundle::Index::read(b).map_err(|i| refusal.note(false, i)).ok()) {
        Some(index) => then(&index),
        None => Err(refusal.error()),
    }
}

/// What a Bundle says by itself about the options it is read with ([`derive`]'s rules): `Err`
/// when the adapter cannot read the Bundle at all (as [`map_texts`] would say).
pub fn derive_options(bundle: &str) -> Result<Derived, InputError> {
    read_bundle(bundle, |ix| Ok(derive::derive(ix)))
}

/// [`derive_options`] as JSON text: `{ ok: true, options: { serviceMonth?, billingPractitioner?:
/// { id, credential? } }, sources: { "serviceMonth": "Task/task1", … } }` or the contract's error.
pub fn derive_options_json(bundle: &str) -> String {
    match derive_options(bundle) {
        Ok(d) => ok_text(&serde_json::json!({ "options": d.options(), "sources": d.sources })),
        Err(e) => crate::api::result_json(&Err(e)),
    }
}

/// The options a panel reads a Bundle with: what the Bundle says, the month of `as_of` when it
/// has no care-management time, and `as_of` itself; `Err` names what is missing by the month's
/// paths (`serviceMonth`, `billingPractitioner.id`), as a month without them would be refused.
fn panel_options(d: &Derived, as_of: Option<&str>) -> Result<Value, InputError> {
    let mut issues = Vec::new();
    let issue = |path: &str, message: &str| Issue { path: path.to_string(), message: message.to_string() };
    let as_of_month = as_of.filter(|a| crate::validate::parse_date(a).is_some()).and_then(|a| a.get(..7));
    if as_of.is_some() && as_of_month.is_none() {
        issues.push(issue("asOf", "expected a date YYYY-MM-DD"));
    }
    let month = d.service_month.as_deref().or(as_of_month);
    if month.is_none() && as_of.is_none() {
        issues.push(issue("serviceMonth", "the Bundle has no care-management time (a Procedure, Task or Encounter under a time code) to take the month from, and no as-of date was given"));
    }
    if d.npi.is_none() {
        issues.push(issue("billingPractitioner.id", "the Bundle names no billing practitioner: no CarePlan author, Consent practitioner or only Practitioner with an NPI"));
    }
    let mut o = d.options();
    match (month, o.as_object_mut()) {
        (Some(m), Some(obj)) if issues.is_empty() => {
            obj.insert("serviceMonth".into(), Value::String(m.to_string()));
            if let Some(a) = as_of {
                obj.insert("asOf".into(), Value::String(a.to_string()));
            }
            Ok(o)
        }
        _ => Err(InputError::new("INVALID_INPUT", "the Bundle does not say which month or billing practitioner it is for", issues)),
    }
}

/// A Bundle of a panel file → its month (issue 16): the Bundle mapped with the options it gives
/// by itself ([`derive_options`]), the service month being `as_of`'s month when the Bundle has no
/// care-management time, and `as_of` (the panel's as-of date) set as the month's `asOf`. The
/// sources name where the month and the practitioner came from (`serviceMonth` ← `Task/task1`,
/// `billingPractitioner.id` ← `CarePlan/plan1`; `options` for the as-of date). `Err`: the
/// adapter's error for a Bundle it cannot read, or `INVALID_INPUT` naming what the Bundle does
/// not say.
pub fn panel_month(bundle: &str, as_of: Option<&str>) -> Result<Mapped, InputError> {
    read_bundle(bundle, |ix| {
        let d = derive::derive(ix);
        let o = panel_options(&d, as_of)?;
        let opts = options::Options::read(&o).map_err(|issues| {
            let mut refusal = Refusal::default();
            refusal.note(true, issues);
            refusal.error()
        })?;
        let mut mapped = map::month(ix, &opts);
        for (path, from) in &d.sources {
            mapped.sources.insert(path.clone(), from.clone());
        }
        if d.sources.contains_key("billingPractitioner.id") {
            mapped.sources.remove("billingPractitioner");
        }
        Ok(mapped)
    })
}

/// [`panel_month`] as JSON text (an empty `as_of`: none): `{ ok: true, month, problems, sources }`
/// (as [`from_fhir_json`]) or the contract's error.
pub fn panel_month_json(bundle: &str, as_of: &str) -> String {
    match panel_month(bundle, Some(as_of).filter(|a| !a.is_empty())) {
        Ok(m) => ok_text(&serde_json::json!({ "month": m.month, "sources": m.sources, "problems": m.problems })),
        Err(e) => crate::api::result_json(&Err(e)),
    }
}

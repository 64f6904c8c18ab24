//! JSON-text entry points shared by the CLI, the wasm bindings and the edge worker
//! (CONTRACT §1, §4). Each returns the contract's `Result` as JSON text and never panics.

use crate::evaluate::{self, Evaluation};
use crate::input::{parse_root, Root, MAX_JSON_BYTES};
use crate::validate::{self, InputError, Issue};
use serde::Serialize;
use serde_json::value::RawValue;

#[derive(Serialize)]
struct Ok<'a, T: Serialize> {
    ok: bool,
    evaluation: &'a T,
}

#[derive(Serialize)]
struct Err<'a> {
    ok: bool,
    error: &'a InputError,
}

fn too_large(bytes: usize) -> InputError {
    InputError::new(
        "INPUT_TOO_LARGE",
        "the input exceeds a bound of CONTRACT §2",
        vec![Issue { path: String::new(), message: format!("{bytes} bytes of JSON; at most {MAX_JSON_BYTES} are accepted") }],
    )
}

// The input is parsed into a `Value`, so only syntax (or nesting deeper than 128) can fail here.
fn json_error(e: &serde_json::Error) -> InputError {
    InputError::new(
        "INVALID_JSON",
        "the input is not valid JSON",
        vec![Issue { path: String::new(), message: format!("invalid JSON at line {}, column {}", e.line(), e.column()) }],
    )
}

/// Parses, checks and evaluates a month given as JSON text.
pub fn evaluate_str(json: &str) -> Result<Evaluation, InputError> {
    if json.len() > MAX_JSON_BYTES {
        return Err(too_large(json.len()));
    }
    let root: Root = parse_root(json).map_err(|e| json_error(&e))?;
    let checked = validate::check_root(&root)?;
    evaluate_checked(&checked)
}

pub fn evaluate_checked(checked: &validate::Checked) -> Result<Evaluation, InputError> {
    let mut custom = None;
    let pack = evaluate::resolve_pack(checked, &mut custom)?;
    Ok(evaluate::run(checked, pack))
}

/// The contract `Result` as JSON text.
pub fn result_json(r: &Result<Evaluation, InputError>) -> String {
    // A typical evaluation is 2-4 KB: one allocation instead of a chain of doublings.
    let mut buf = Vec::with_capacity(4096);
    let out = match r {
        Ok(e) => serde_json::to_writer(&mut buf, &Ok { ok: true, evaluation: e }),
        Err(e) => serde_json::to_writer(&mut buf, &Err { ok: false, error: e }),
    };
    match out.map(|()| String::from_utf8(buf)) {
        Result::Ok(Result::Ok(s)) => s,
        _ => invalid_json_result("the result could not be serialized"),
    }
}

pub fn evaluate_json(json: &str) -> String {
    result_json(&evaluate_str(json))
}

/// An `INVALID_JSON` result, for values that cannot be turned into JSON text at all.
pub fn invalid_json_result(message: &str) -> String {
    let e = InputError::new("INVALID_JSON", message, vec![Issue { path: String::new(), message: message.to_string() }]);
    result_json(&Result::Err(e))
}

/// A JSON array of months → a JSON array of Results, in order. Anything else → one error Result.
pub fn evaluate_batch_json(json: &str) -> String {
    let items: Vec<&RawValue> = match serde_json::from_str(json) {
        Result::Ok(v) => v,
        Result::Err(e) => {
            let err = if e.classify() == serde_json::error::Category::Data {
                InputError::new("INVALID_INPUT", "a batch must be a JSON array of months",
                    vec![Issue { path: String::new(), message: "expected an array".into() }])
            } else {
                json_error(&e)
            };
            return format!("[{}]", result_json(&Result::Err(err)));
        }
    };
    let mut out = String::with_capacity(items.len() * 2048 + 2);
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&evaluate_json(item.get()));
    }
    out.push(']');
    out
}

pub fn what_if_json(json: &str) -> String {
    crate::whatif::project_json(json)
}

/// `[RulePackInfo]` of the built-in packs.
pub fn rule_packs_json() -> String {
    let infos: Vec<_> = crate::pack::built_in().iter().map(evaluate::RulePackInfo::of).collect();
    serde_json::to_string(&infos).unwrap_or_else(|_| "[]".into())
}

/// The full pack JSON of a built-in id, or None.
pub fn rule_pack_json(id: &str) -> Option<String> {
    crate::pack::built_in_text(id).map(str::to_string)
}

pub fn consent_templates_json() -> String {
    crate::consent::TEMPLATES_JSON.to_string()
}

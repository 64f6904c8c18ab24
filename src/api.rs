//! JSON-text entry points shared by the CLI, the wasm bindings and the edge worker
//! (CONTRACT §1, §4). Each returns the contract's `Result` as JSON text and never panics.

use crate::evaluate;
use crate::evaluation::{self, Evaluation};
use crate::input::{parse_root, Root, MAX_JSON_BYTES};
use crate::validate::{self, InputError, Issue};

/// `INPUT_TOO_LARGE` for a text of `bytes` bytes.
pub(crate) fn too_large(bytes: usize) -> InputError {
    InputError::new(
        "INPUT_TOO_LARGE",
        "the input exceeds a bound of CONTRACT §2",
        vec![Issue { path: String::new(), message: format!("{bytes} bytes of JSON; at most {MAX_JSON_BYTES} are accepted") }],
    )
}

// Only syntax can fail when reading: types and bounds are the validator's.
/// `INVALID_JSON` at a line and column.
pub(crate) fn json_error(line: usize, column: usize) -> InputError {
    InputError::new(
        "INVALID_JSON",
        "the input is not valid JSON",
        vec![Issue { path: String::new(), message: format!("invalid JSON at line {line}, column {column}") }],
    )
}

/// Parses, checks and evaluates a month given as JSON text.
pub fn evaluate_str(json: &str) -> Result<Evaluation, InputError> {
    if json.len() > MAX_JSON_BYTES {
        return Err(too_large(json.len()));
    }
    let root: Root = parse_root(json).map_err(|e| json_error(e.line, e.column))?;
    let checked = validate::check_root(&root)?;
    evaluate_checked(&checked)
}

/// Evaluates a checked month: its pack, its payment context, the month, and its programs.
pub(crate) fn evaluate_checked(checked: &validate::Checked) -> Result<Evaluation, InputError> {
    let mut custom = None;
    let pack = evaluate::resolve_pack(checked, &mut custom)?;
    let context = crate::price::resolve(checked, pack)?;
    let ccm = pack.ccm();
    if !checked.programs.any() {
        return Ok(evaluate::run(checked, pack, ccm, checked.track, context));
    }
    let time = crate::time::count(checked, pack, &ccm);
    let pcm_time = crate::programs::shared_time(checked, pack, &time);
    let programs_context = context.clone();
    let mut e = evaluate::decide(checked, pack, ccm, checked.track, context, time);
    let (entries, recommended) = crate::programs::decide(checked, pack, &programs_context, &e, pcm_time);
    e.programs = Some(entries);
    e.recommended = Some(recommended);
    Ok(e)
}

/// The contract `Result` as JSON text (see [`crate::output`]).
pub fn result_json(r: &Result<Evaluation, InputError>) -> String {
    crate::output::result(r)
}

/// A month as JSON text → the contract `Result` as JSON text (CONTRACT §1, §4).
pub fn evaluate_json(json: &str) -> String {
    result_json(&evaluate_str(json))
}

/// The `INPUT_TOO_LARGE` Result for a month of `bytes` bytes (a reader that stopped at the bound
/// need not hold the text to say so).
pub fn too_large_json(bytes: usize) -> String {
    result_json(&Err(too_large(bytes)))
}

/// An `INVALID_JSON` result, for values that cannot be turned into JSON text at all.
pub fn invalid_json_result(message: &str) -> String {
    let e = InputError::new("INVALID_JSON", message, vec![Issue { path: String::new(), message: message.to_string() }]);
    result_json(&Result::Err(e))
}

/// A JSON array of months → a JSON array of Results, in order. Anything else → one error Result.
pub fn evaluate_batch_json(json: &str) -> String {
    // Validate the whole text without building anything, then hand each element's own text to
    // `evaluate_json`, so every month is bounded and read exactly as it would be alone.
    // (serde_json's RawValue would do the splitting, but its `raw_value` feature makes every
    // serializer into `Value` able to parse JSON, which linked serde's type-error formatting and
    // float printing: 14 KB of the gzipped wasm.)
    if let Result::Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(json) {
        return format!("[{}]", result_json(&Result::Err(json_error(e.line(), e.column()))));
    }
    let Some(items) = array_items(json) else {
        let err = InputError::new("INVALID_INPUT", "a batch must be a JSON array of months",
            vec![Issue { path: String::new(), message: "expected an array".into() }]);
        return format!("[{}]", result_json(&Result::Err(err)));
    };
    let mut out = String::with_capacity(items.len() * 2048 + 2);
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&evaluate_json(item));
    }
    out.push(']');
    out
}

/// The elements of a top-level JSON array, as text; `None` when the value is not an array.
/// `json` must already be known to be valid JSON: only strings and nesting need tracking.
fn array_items(json: &str) -> Option<Vec<&str>> {
    let body = json.trim_matches(|c: char| c.is_ascii_whitespace());
    let inner = body.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, 0);
    for (i, b) in inner.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                items.push(inner[start..i].trim_matches(|c: char| c.is_ascii_whitespace()));
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = inner[start..].trim_matches(|c: char| c.is_ascii_whitespace());
    if !items.is_empty() || !last.is_empty() {
        items.push(last);
    }
    Some(items)
}

/// A what-if scenario as JSON text → the projection (CONTRACT §7) as JSON text.
pub fn what_if_json(json: &str) -> String {
    crate::whatif::project_json(json)
}

/// `[RulePackInfo]` of the built-in packs (from their table: listing them parses none, so a
/// page's pack picker costs nothing at load; the table is held to the packs by a unit test).
pub fn rule_packs_json() -> String {
    let infos: Vec<_> = crate::pack::BUILT_IN.iter().map(evaluation::RulePackInfo::of_built_in).collect();
    let mut out = crate::output::Out::with_capacity(256 * infos.len() + 2);
    out.list(&infos, crate::output::Out::pack_info);
    out.into_string()
}

/// The full pack JSON of a built-in id, or None.
pub fn rule_pack_json(id: &str) -> Option<String> {
    crate::pack::built_in_text(id).map(str::to_string)
}

/// The built-in consent templates (CONTRACT §8) as JSON text.
pub fn consent_templates_json() -> String {
    crate::consent::TEMPLATES_JSON.to_string()
}

#[cfg(test)]
mod tests {
    use super::array_items;

    #[test]
    fn array_items_split_at_top_level_commas_only() {
        assert_eq!(array_items("[]"), Some(vec![]));
        assert_eq!(array_items(" [ ] "), Some(vec![]));
        assert_eq!(array_items("[1]"), Some(vec!["1"]));
        assert_eq!(
            array_items(r#"[ {"a":[1,2],"b":"x,]}\"y"} , "s,\\" ,[[]],null ]"#),
            Some(vec![r#"{"a":[1,2],"b":"x,]}\"y"}"#, r#""s,\\""#, "[[]]", "null"])
        );
        assert_eq!(array_items(r#"{"a":1}"#), None);
        assert_eq!(array_items("\"[1]\""), None);
        assert_eq!(array_items("7"), None);
    }
}

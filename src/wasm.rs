//! The JavaScript door: a few lines over the same core as the CLI and the Rust API.
//!
//! Binding style: objects cross the boundary as JSON text (`JSON.stringify` in, `JSON.parse` out),
//! both done by the JS engine's native JSON code. That keeps the module free of a serde ↔ JsValue
//! bridge (smaller wasm), makes `evaluate` and `evaluateJson` byte-for-byte the same decision, and
//! costs one native stringify + parse per call. `evaluateJson` skips even that for callers that
//! already hold text (edge workers). Nothing here throws on bad data: errors are `{ ok: false }`.
use js_sys::JSON;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("ts/types.d.ts");

/// JSON text of a JS value, or the contract error result when it cannot be stringified
/// (cycles, BigInt, `undefined`).
fn to_text(value: &JsValue) -> Result<String, String> {
    match JSON::stringify(value) {
        Ok(s) => s.as_string().ok_or_else(|| crate::api::invalid_json_result("the value is not JSON (undefined or a function)")),
        Err(_) => Err(crate::api::invalid_json_result("the value cannot be turned into JSON (a cycle or a BigInt)")),
    }
}

/// Parses engine output; the engine only ever emits valid JSON, so the fallback is unreachable
/// in practice but still returns a value instead of throwing.
fn from_text(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::NULL)
}

#[wasm_bindgen(js_name = evaluateJson)]
pub fn evaluate_json(json: &str) -> String {
    crate::api::evaluate_json(json)
}

#[wasm_bindgen(unchecked_return_type = "Result")]
pub fn evaluate(#[wasm_bindgen(unchecked_param_type = "MonthInput")] input: JsValue) -> JsValue {
    match to_text(&input) {
        Ok(text) => from_text(&crate::api::evaluate_json(&text)),
        Err(err) => from_text(&err),
    }
}

#[wasm_bindgen(js_name = evaluateBatch, unchecked_return_type = "Result[]")]
pub fn evaluate_batch(#[wasm_bindgen(unchecked_param_type = "MonthInput[]")] inputs: JsValue) -> JsValue {
    match to_text(&inputs) {
        Ok(text) => from_text(&crate::api::evaluate_batch_json(&text)),
        Err(err) => from_text(&format!("[{err}]")),
    }
}

#[wasm_bindgen(js_name = whatIf, unchecked_return_type = "Projection")]
pub fn what_if(#[wasm_bindgen(unchecked_param_type = "WhatIfScenario")] scenario: JsValue) -> JsValue {
    match to_text(&scenario) {
        Ok(text) => from_text(&crate::api::what_if_json(&text)),
        Err(err) => from_text(&err),
    }
}

#[wasm_bindgen(js_name = rulePacks, unchecked_return_type = "RulePackInfo[]")]
pub fn rule_packs() -> JsValue {
    from_text(&crate::api::rule_packs_json())
}

/// The full built-in pack, or `null` for an unknown id.
#[wasm_bindgen(js_name = rulePack, unchecked_return_type = "RulePack | null")]
pub fn rule_pack(id: &str) -> JsValue {
    crate::api::rule_pack_json(id).map_or(JsValue::NULL, |t| from_text(&t))
}

#[wasm_bindgen(js_name = consentTemplates, unchecked_return_type = "ConsentTemplate[]")]
pub fn consent_templates() -> JsValue {
    from_text(&crate::api::consent_templates_json())
}

#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

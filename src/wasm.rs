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

/// The FHIR adapter and the claim builder (issue 15), in the `pkg/fhir` module only.
#[cfg(feature = "fhir")]
mod fhir {
    use super::{from_text, to_text};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(typescript_custom_section)]
    const FHIR_TYPES: &'static str = include_str!("ts/fhir.d.ts");

    /// A JS value as JSON text: a string is taken as the text itself (a Bundle read from a file).
    fn text_of(value: &JsValue) -> Result<String, String> {
        match value.as_string() {
            Some(s) => Ok(s),
            None if value.is_undefined() || value.is_null() => Ok(String::new()),
            None => to_text(value),
        }
    }

    /// `fromFhir(bundle, options)`: `{ ok: true, month, sources, problems }` or `{ ok: false, error }`.
    #[wasm_bindgen(js_name = fromFhir, unchecked_return_type = "FhirMapping")]
    pub fn from_fhir(bundle: JsValue, #[wasm_bindgen(unchecked_param_type = "FhirOptions")] options: JsValue) -> JsValue {
        match (text_of(&bundle), text_of(&options)) {
            (Ok(b), Ok(o)) => from_text(&crate::fhir::from_fhir_json(&b, &o)),
            (Err(e), _) | (_, Err(e)) => from_text(&e),
        }
    }

    #[wasm_bindgen(js_name = fromFhirJson)]
    pub fn from_fhir_json(bundle: &str, options: &str) -> String {
        crate::fhir::from_fhir_json(bundle, options)
    }

    /// `evaluateFhir(bundle, options)`: the contract `Result`, with `fhir: { month, sources, problems }`.
    #[wasm_bindgen(js_name = evaluateFhir, unchecked_return_type = "FhirResult")]
    pub fn evaluate_fhir(bundle: JsValue, #[wasm_bindgen(unchecked_param_type = "FhirOptions")] options: JsValue) -> JsValue {
        match (text_of(&bundle), text_of(&options)) {
            (Ok(b), Ok(o)) => from_text(&crate::fhir::evaluate_fhir_json(&b, &o)),
            (Err(e), _) | (_, Err(e)) => from_text(&e),
        }
    }

    #[wasm_bindgen(js_name = evaluateFhirJson)]
    pub fn evaluate_fhir_json(bundle: &str, options: &str) -> String {
        crate::fhir::evaluate_fhir_json(bundle, options)
    }

    /// `deriveFhirOptions(bundle)`: what the Bundle says by itself about the adapter's options
    /// (service month, billing NPI and credential) and where each came from, or `{ ok: false, error }`.
    #[wasm_bindgen(js_name = deriveFhirOptions, unchecked_return_type = "FhirDerivedOptions")]
    pub fn derive_fhir_options(bundle: JsValue) -> JsValue {
        match text_of(&bundle) {
            Ok(b) => from_text(&crate::fhir::derive_options_json(&b)),
            Err(e) => from_text(&e),
        }
    }

    /// `panelMonth(bundle, asOf?)`: a panel file's Bundle → its month, read with the options the
    /// Bundle gives and the panel's as-of date (docs/fhir.md, "FHIR Bundles in a panel").
    #[wasm_bindgen(js_name = panelMonth, unchecked_return_type = "FhirMapping")]
    pub fn panel_month(bundle: JsValue, #[wasm_bindgen(js_name = asOf)] as_of: Option<String>) -> JsValue {
        match text_of(&bundle) {
            Ok(b) => from_text(&crate::fhir::panel_month_json(&b, as_of.as_deref().unwrap_or(""))),
            Err(e) => from_text(&e),
        }
    }

    /// `panelMonthJson(bundleText, asOf)` (`""`: no as-of date): the same as JSON text, what the
    /// page's panel worker calls.
    #[wasm_bindgen(js_name = panelMonthJson)]
    pub fn panel_month_json(bundle: &str, #[wasm_bindgen(js_name = asOf)] as_of: &str) -> String {
        crate::fhir::panel_month_json(bundle, as_of)
    }

    /// `claim(month, context)`: the claim lines and an R4 Claim (docs/fhir.md).
    #[wasm_bindgen(unchecked_return_type = "ClaimResult")]
    pub fn claim(#[wasm_bindgen(unchecked_param_type = "MonthInput")] month: JsValue, #[wasm_bindgen(unchecked_param_type = "ClaimContext")] context: JsValue) -> JsValue {
        match (text_of(&month), text_of(&context)) {
            (Ok(m), Ok(c)) => from_text(&crate::fhir::claim::claim_json(&m, &c)),
            (Err(e), _) | (_, Err(e)) => from_text(&e),
        }
    }

    #[wasm_bindgen(js_name = claimJson)]
    pub fn claim_json(month: &str, context: &str) -> String {
        crate::fhir::claim::claim_json(month, context)
    }
}

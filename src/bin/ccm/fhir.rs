//! `ccm from-fhir`, `ccm evaluate --fhir` and `ccm claim` (issue 15): the FHIR adapter and the
//! claim builder of `ccm_engine::fhir`, a few lines each.

use super::{is_ok, open, print, read_bounded, usage};
use ccm_engine::fhir;
use std::process::ExitCode;

/// The text of a file (or `-`, stdin) of at most `limit` bytes; `Err` is the exit already given.
fn text(path: &str, limit: usize, what: &str) -> Result<Option<String>, ExitCode> {
    let mut r = open(Some(path)).map_err(|e| usage(&format!("cannot read {what} {path}: {e}")))?;
    match read_bounded(&mut r, limit) {
        Ok(Some(bytes)) => String::from_utf8(bytes).map(Some).map_err(|_| usage(&format!("{what} {path} is not UTF-8 text"))),
        Ok(None) => Ok(None),
        Err(e) => Err(usage(&format!("cannot read {what} {path}: {e}"))),
    }
}

/// The answer for an input over its bound, without holding it.
fn too_large(what: &str, limit: usize) -> String {
    format!(r#"{{"ok":false,"error":{{"code":"INPUT_TOO_LARGE","message":"the {what} exceeds its bound","issues":[{{"path":"","message":"more than {limit} bytes of JSON"}}]}}}}"#)
}

fn answer(out: &str) -> ExitCode {
    let code = if is_ok(out) { ExitCode::SUCCESS } else { ExitCode::from(1) };
    print(out, true, code)
}

/// `ccm from-fhir BUNDLE [--options FILE]` and `ccm evaluate --fhir BUNDLE [--options FILE]`.
pub fn run(bundle: &str, options: Option<&str>, evaluate: bool) -> ExitCode {
    let options = match options.map(|p| text(p, fhir::MAX_OPTIONS_BYTES, "options")) {
        None => String::new(),
        Some(Ok(Some(t))) => t,
        Some(Ok(None)) => return answer(&too_large("options", fhir::MAX_OPTIONS_BYTES)),
        Some(Err(code)) => return code,
    };
    let bundle = match text(bundle, fhir::MAX_BUNDLE_BYTES, "Bundle") {
        Ok(Some(t)) => t,
        Ok(None) => return answer(&too_large("Bundle", fhir::MAX_BUNDLE_BYTES)),
        Err(code) => return code,
    };
    let out = if evaluate { fhir::evaluate_fhir_json(&bundle, &options) } else { fhir::from_fhir_json(&bundle, &options) };
    answer(&out)
}

/// `ccm claim MONTH --context FILE`.
pub fn claim(month: &str, context: Option<&str>) -> ExitCode {
    let context = match context.map(|p| text(p, fhir::MAX_OPTIONS_BYTES, "claim context")) {
        None => String::new(),
        Some(Ok(Some(t))) => t,
        Some(Ok(None)) => return answer(&too_large("claim context", fhir::MAX_OPTIONS_BYTES)),
        Some(Err(code)) => return code,
    };
    let month = match text(month, ccm_engine::input::MAX_JSON_BYTES, "month") {
        Ok(Some(t)) => t,
        Ok(None) => return answer(&ccm_engine::api::too_large_json(ccm_engine::input::MAX_JSON_BYTES + 1)),
        Err(code) => return code,
    };
    answer(&fhir::claim::claim_json(&month, &context))
}

//! (1) The JSON-text doors on arbitrary bytes: `evaluate_json`, `evaluate_batch_json` and
//! `what_if_json` never panic, always answer valid contract JSON, and agree with each other.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI refuses non-UTF-8 before the engine sees it; here lossy text still exercises the parser.
    let text = String::from_utf8_lossy(data);
    ccm_engine_fuzz::run_text(&text);
});

//! (4) The FHIR adapter and the claim builder: the example Bundle mutated anywhere, or arbitrary
//! text (fuzz/src/fhir.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ccm_engine_fuzz::fhir::run(data);
});

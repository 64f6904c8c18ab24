//! (2) Structure-aware: well-typed months (fuzz/src/gen.rs), fresh or crossed with an example
//! scenario, through every Rust door, checked against the invariants (fuzz/src/invariants.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    if let Ok(m) = ccm_engine_fuzz::gen::seeded_month(&mut u, ccm_engine_fuzz::examples()) {
        ccm_engine_fuzz::run_month(&m, &mut u);
    }
});

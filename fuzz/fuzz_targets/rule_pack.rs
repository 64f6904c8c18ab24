//! (3) Custom rule packs: a built-in pack mutated by `arbitrary` (fuzz/src/gen.rs), passed as the
//! month's `rulePack` object and as a what-if scenario's pack. Invalid packs must be refused
//! with `INVALID_RULE_PACK`; valid ones must satisfy every invariant under their own settings.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    if let Ok((m, pack)) = ccm_engine_fuzz::gen::month_with_pack(&mut u, ccm_engine_fuzz::examples()) {
        ccm_engine_fuzz::run_pack(&m, &pack);
    }
});

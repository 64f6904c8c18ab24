//! Criterion benchmarks of the engine (written next; see scripts/bench.sh).
fn main() {}

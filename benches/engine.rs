//! Criterion benchmarks of the engine (issue 3). Run all of them, and the Node and CLI
//! measurements, with `bash scripts/bench.sh`; numbers land in docs/performance.md.
//!
//! Groups (criterion ids `GROUP/NAME`):
//! - `json/{typical,heavy,worst}`: JSON text in → JSON text out (`api::evaluate_json`), what
//!   the CLI, the wasm `evaluateJson` and the edge worker run.
//! - `typed/{typical,heavy,worst}`: `&MonthInput` in → `Evaluation` out (`ccm_engine::evaluate`);
//!   the input is parsed once, outside the timing.
//! - `parse/{typical,heavy,worst}`: JSON text → `MonthInput` only.
//! - `scaling/N`: `json` on `months::sized(N)`, N = 10 … 2,000 time entries: the cost curve;
//!   `scaling_typed/N`: the same months through `evaluate(&MonthInput)` (the rules alone).
//!
//! With `CCM_BENCH_DUMP=DIR` it measures nothing and writes the benchmark months instead
//! (`typical.json`, `heavy.json`, `worst.json`) for the Node harness, plus, with
//! `CCM_BENCH_JSONL=N`, `months.jsonl`: N generated months (fuzz/src/gen.rs, fixed seed), one
//! per line, for the CLI throughput run.

mod months;

// The allocator of the `ccm` binary (src/bin/ccm/main.rs), so the native numbers are the CLI's. The
// library leaves the allocator to its embedder; with glibc's malloc a typical month takes about
// 4 µs more (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../fuzz/src/gen.rs"]
mod gen;

use criterion::{BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

const SCALING: [usize; 8] = [10, 25, 50, 100, 250, 500, 1000, 2000];

fn cases() -> Vec<(&'static str, String)> {
    vec![
        ("typical", months::typical().to_string()),
        ("programs", months::typical_programs().to_string()),
        ("heavy", months::sized(500).to_string()),
        ("worst", months::worst().to_string()),
    ]
}

fn benches(c: &mut Criterion) {
    let cases = cases();
    for (name, text) in &cases {
        // A benchmark of a month that does not evaluate would measure the wrong thing.
        let out = ccm_engine::evaluate_json(text);
        assert!(out.starts_with("{\"ok\":true"), "{name} month does not evaluate: {}", &out[..out.len().min(400)]);
    }

    let mut g = c.benchmark_group("json");
    for (name, text) in &cases {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, t| b.iter(|| ccm_engine::evaluate_json(black_box(t))));
    }
    g.finish();

    let mut g = c.benchmark_group("typed");
    for (name, text) in &cases {
        let m = ccm_engine::parse(text).expect("parses");
        g.bench_with_input(BenchmarkId::from_parameter(name), &m, |b, m| b.iter(|| ccm_engine::evaluate(black_box(m))));
    }
    g.finish();

    let mut g = c.benchmark_group("parse");
    for (name, text) in &cases {
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, t| b.iter(|| ccm_engine::parse(black_box(t))));
    }
    g.finish();

    let mut g = c.benchmark_group("scaling");
    for n in SCALING {
        let text = months::sized(n).to_string();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, t| b.iter(|| ccm_engine::evaluate_json(black_box(t))));
    }
    g.finish();

    // The same curve without parsing and serializing: the rules alone.
    let mut g = c.benchmark_group("scaling_typed");
    for n in SCALING {
        let text = months::sized(n).to_string();
        let m = ccm_engine::parse(&text).expect("parses");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &m, |b, m| b.iter(|| ccm_engine::evaluate(black_box(m))));
    }
    g.finish();
}

fn dump(dir: &str) {
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir).expect("dump dir");
    for (name, text) in cases() {
        std::fs::write(dir.join(format!("{name}.json")), &text).expect("write month");
        println!("{name}.json: {} bytes", text.len());
    }
    for n in SCALING {
        std::fs::write(dir.join(format!("sized-{n}.json")), months::sized(n).to_string()).expect("write month");
    }
    let n: usize = std::env::var("CCM_BENCH_JSONL").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    if n > 0 {
        let jsonl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/scenarios/examples.jsonl")).expect("examples");
        let examples = gen::example_inputs(&jsonl);
        let f = std::fs::File::create(dir.join("months.jsonl")).expect("months.jsonl");
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        let mut total = 0usize;
        for i in 0..n {
            let b = gen::seeded_bytes(i as u64 ^ 0xBE9C_0001, 384);
            let mut u = arbitrary::Unstructured::new(&b);
            let m = gen::seeded_month(&mut u, &examples).expect("generated month").to_string();
            total += m.len() + 1;
            w.write_all(m.as_bytes()).and_then(|_| w.write_all(b"\n")).expect("write");
        }
        w.flush().expect("flush");
        println!("months.jsonl: {n} months, {total} bytes");
    }
}

fn main() {
    if let Ok(dir) = std::env::var("CCM_BENCH_DUMP") {
        dump(&dir);
        return;
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
        .configure_from_args();
    benches(&mut c);
    c.final_summary();
}

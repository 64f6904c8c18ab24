#!/usr/bin/env bash
# Regenerates every performance number of docs/performance.md (issue 3), in one command:
#
#   scripts/bench.sh [--quick] [--no-build] [--no-browser]
#
#  1. builds what it measures: the release `ccm`, the wasm package (scripts/build-wasm.sh)
#  2. writes the benchmark months (benches/months.rs) and N generated months as JSONL
#     (fuzz/src/gen.rs, fixed seed; N = CCM_BENCH_MONTHS, default 1,000,000) into target/bench/
#  3. criterion (benches/engine.rs): json / typed / parse on typical, heavy, worst; scaling curve
#  4. Node harness on the wasm build (bench/wasm.mjs): evaluate vs evaluateJson vs evaluateBatch
#     vs the JSON.parse + JSON.stringify floor; cold start in Node and Chromium
#     then the page's ICD-10-CM search and per-edit evaluation in Chromium (bench/page.mjs),
#     and the page's cold start: module bytes → first verdict (bench/first-verdict.mjs)
#  5. `ccm evaluate --jsonl` on the first 10k, 100k and all N months, under /usr/bin/time -v
#     (wall time, peak resident memory)
#  6. the size budget (scripts/size-budget.sh)
#  7. bench/report.mjs writes the tables into docs/performance.md (between its bench markers)
#
# --quick: 100,000 months and shorter criterion runs (a smoke test of the pipeline; its numbers
# are noisier). No timing here is asserted anywhere: numbers are reported, not tested.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0; build=1; browser=1
for a in "$@"; do
  case $a in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --no-browser) browser=0 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $a" >&2; exit 2 ;;
  esac
done
months=${CCM_BENCH_MONTHS:-1000000}
[ $quick = 1 ] && months=${CCM_BENCH_MONTHS:-100000}
out=target/bench
mkdir -p "$out"
export CARGO_TERM_COLOR=never
step() { printf '\nbench: %s\n' "$*"; }
t_all=$SECONDS

# Environment, for the report.
{
  echo "date=$(date -u +%FT%TZ)"
  echo "commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src packs Cargo.toml || echo '+uncommitted')"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "cores=$(nproc)"
  echo "mem=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')"
  echo "rustc=$(rustc --version)"
  echo "node=$(node --version)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/env.txt"

if [ $build = 1 ]; then
  step "building the release ccm and the wasm package"
  cargo build --release --bin ccm
  bash scripts/build-wasm.sh
fi
[ -x target/release/ccm ] || { echo "bench: target/release/ccm missing (drop --no-build)" >&2; exit 2; }
[ -f pkg/nodejs/ccm_engine.js ] || { echo "bench: pkg/nodejs missing (drop --no-build)" >&2; exit 2; }

step "benchmark months and $months generated months → $out/"
CCM_BENCH_DUMP=$out CCM_BENCH_JSONL=$months cargo bench --bench engine

step "criterion (benches/engine.rs)"
rm -rf target/criterion
if [ $quick = 1 ]; then
  cargo bench --bench engine -- --warm-up-time 0.5 --measurement-time 1 | tee "$out/criterion.txt"
else
  cargo bench --bench engine | tee "$out/criterion.txt"
fi

step "wasm in Node (bench/wasm.mjs)"
browser_flag=()
if [ $browser = 1 ] && [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && [ -d node_modules/playwright-core ]; then browser_flag=(--browser)
else echo "bench: no Chromium or playwright-core: browser cold start not measured"; fi
node bench/wasm.mjs "$out" "${browser_flag[@]}" > "$out/wasm.json"
cat "$out/wasm.json"

rm -f "$out/page.json" "$out/first-verdict.json"
if [ ${#browser_flag[@]} -gt 0 ]; then
  step "the page in Chromium: ICD search and evaluation per edit (bench/page.mjs)"
  node bench/page.mjs > "$out/page.json"
  cat "$out/page.json"
  step "the page's cold start in Chromium (bench/first-verdict.mjs)"
  node bench/first-verdict.mjs > "$out/first-verdict.json"
  cat "$out/first-verdict.json"
fi

step "ccm evaluate --jsonl throughput and peak memory"
: > "$out/cli.txt"
for n in $(printf '%s\n' 10000 100000 "$months" | sort -n -u); do
  [ "$n" -le "$months" ] || continue
  f=$out/months.jsonl
  if [ "$n" != "$months" ]; then f=$out/months-$n.jsonl; head -n "$n" "$out/months.jsonl" > "$f"; fi
  # Exit 1 is expected: some generated months are invalid inputs (their Results say so).
  set +e
  # Output into a pipe (wc counts the results on the other core): writing 0.4-4 GB to a file
  # made the kernel's page cache a second of the 100k run's wall time.
  /usr/bin/time -v target/release/ccm evaluate --jsonl "$f" 2> "$out/time-$n.txt" | wc -lc > "$out/cli-count.txt"
  rc=${PIPESTATUS[0]}
  set -e
  [ $rc -le 1 ] || { echo "bench: ccm failed (exit $rc)"; cat "$out/time-$n.txt"; exit 1; }
  read -r lines out_bytes < "$out/cli-count.txt"
  [ "$lines" = "$n" ] || { echo "bench: $lines results for $n months"; exit 1; }
  printf 'months=%s in_bytes=%s out_bytes=%s wall=%s rss_kb=%s user_s=%s sys_s=%s\n' "$n" "$(wc -c < "$f")" "$out_bytes" \
    "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time-$n.txt")" \
    "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time-$n.txt")" \
    "$(sed -n 's/.*User time (seconds): //p' "$out/time-$n.txt")" \
    "$(sed -n 's/.*System time (seconds): //p' "$out/time-$n.txt")" | tee -a "$out/cli.txt"
  [ "$f" = "$out/months.jsonl" ] || rm -f "$f"
done
rm -f "$out/cli-count.txt"

step "size budget"
CCM_SIZE_REPORT=sections bash scripts/size-budget.sh | tee "$out/size.txt"

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/env.txt"
echo "quick=$quick" >> "$out/env.txt"
step "report → docs/performance.md"
node bench/report.mjs "$out" docs/performance.md
echo "bench: done in $((SECONDS - t_all))s"

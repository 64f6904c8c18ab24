#!/usr/bin/env bash
# Hashes the engine's answers to a fixed, deterministic set of inputs, so a refactoring can be
# shown to change no output byte (issue 17): the example scenarios, N generated months
# (fuzz/src/gen.rs through benches/engine.rs's dump, fixed seed), months with mutated custom rule
# packs and what-if scenarios (tools/golden_inputs.py, fixed seed), and `ccm packs`/`consent`.
#   bash scripts/output-hash.sh [N=3000] > before.txt ... change ... bash scripts/output-hash.sh > after.txt; diff before.txt after.txt
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3000}
dir=target/output-hash
mkdir -p "$dir"
cargo build --quiet --release --bin ccm
ccm=target/release/ccm
if [ ! -f "$dir/months-$n.jsonl" ]; then
  CCM_BENCH_DUMP="$dir" CCM_BENCH_JSONL="$n" cargo bench --quiet --bench engine >/dev/null
  mv "$dir/months.jsonl" "$dir/months-$n.jsonl"
fi
python3 -c 'import json,sys; [print(json.dumps(json.loads(l)["input"],separators=(",",":"))) for l in open(sys.argv[1]) if l.strip()]' ../shared/scenarios/examples.jsonl > "$dir/examples.jsonl"
python3 tools/golden_inputs.py packs > "$dir/pack-months.jsonl"
python3 tools/golden_inputs.py whatif > "$dir/whatif.jsonl"
# The answers are kept in target/output-hash/out/ (the previous run's in out.prev/) for a diff.
rm -rf "$dir/out.prev"; [ -d "$dir/out" ] && mv "$dir/out" "$dir/out.prev"; mkdir -p "$dir/out"
for f in examples "months-$n" pack-months; do
  "$ccm" evaluate --jsonl "$dir/$f.jsonl" > "$dir/out/$f.txt" || true
done
while IFS= read -r line; do printf '%s' "$line" | "$ccm" what-if - || true; done < "$dir/whatif.jsonl" > "$dir/out/whatif.txt"
{ "$ccm" packs; for id in medicare-cy2025 medicare-cy2026 medicare-cy2027; do "$ccm" packs --show "$id"; done; "$ccm" consent; } > "$dir/out/packs.txt"
for f in examples "months-$n" pack-months whatif packs; do
  printf '%-16s %s\n' "$f" "$(sha256sum < "$dir/out/$f.txt" | cut -c1-16)"
done

#!/usr/bin/env bash
# Shows that a change leaves the engine's answers byte for byte as they were (issue 17): runs a
# fixed, deterministic set of inputs through `ccm` — the example scenarios, N generated months
# (fuzz/src/gen.rs through benches/engine.rs's dump, fixed seed), months with mutated custom rule
# packs and what-if scenarios (tools/golden_inputs.py, fixed seed), and the packs/consent
# listings — and prints a hash per set.
#   bash scripts/output-hash.sh [N=3000]                  hashes of this tree's answers
#   bash scripts/output-hash.sh --against REV [N=3000]    also builds REV (a git worktree under
#       target/output-hash/) and compares its answers to the same inputs line by line; exits 1 on
#       any difference (the first few are shown)
# The answers are kept in target/output-hash/out/ (REV's in out-REV/).
set -euo pipefail
cd "$(dirname "$0")/.."
against=""
if [ "${1:-}" = "--against" ]; then against=$2; shift 2; fi
n=${1:-3000}
dir=target/output-hash
mkdir -p "$dir"
cargo build --quiet --release --bin ccm
if [ ! -f "$dir/months-$n.jsonl" ]; then
  CCM_BENCH_DUMP="$dir" CCM_BENCH_JSONL="$n" cargo bench --quiet --bench engine >/dev/null
  mv "$dir/months.jsonl" "$dir/months-$n.jsonl"
fi
python3 -c 'import json,sys; [print(json.dumps(json.loads(l)["input"],separators=(",",":"))) for l in open(sys.argv[1]) if l.strip()]' ../shared/scenarios/examples.jsonl > "$dir/examples.jsonl"
python3 tools/golden_inputs.py packs > "$dir/pack-months.jsonl"
python3 tools/golden_inputs.py whatif > "$dir/whatif.jsonl"

answers() { # CCM OUTDIR
  local ccm=$1 out=$2
  rm -rf "$out"; mkdir -p "$out"
  for f in examples "months-$n" pack-months; do
    "$ccm" evaluate --jsonl "$dir/$f.jsonl" > "$out/$f.txt" || true
  done
  while IFS= read -r line; do printf '%s' "$line" | "$ccm" what-if - || true; done < "$dir/whatif.jsonl" > "$out/whatif.txt"
  { "$ccm" packs; for id in medicare-cy2025 medicare-cy2026 medicare-cy2027; do "$ccm" packs --show "$id"; done; "$ccm" consent; } > "$out/packs.txt"
}
answers target/release/ccm "$dir/out"
for f in examples "months-$n" pack-months whatif packs; do
  printf '%-16s %s\n' "$f" "$(sha256sum < "$dir/out/$f.txt" | cut -c1-16)"
done
[ -n "$against" ] || exit 0

rev=$(git rev-parse --short "$against")
wt=$dir/rev-tree
git worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git worktree add --quiet --detach "$wt" "$rev"
(cd "$wt" && CARGO_TARGET_DIR="$PWD/../rev-target" cargo build --quiet --release --bin ccm)
answers "$dir/rev-target/release/ccm" "$dir/out-$rev"
git worktree remove --force "$wt"
status=0
for f in examples "months-$n" pack-months whatif packs; do
  if cmp -s "$dir/out/$f.txt" "$dir/out-$rev/$f.txt"; then
    printf '%-16s same as %s\n' "$f" "$rev"
  else
    printf '%-16s DIFFERS from %s (%s lines):\n' "$f" "$rev" "$(diff "$dir/out-$rev/$f.txt" "$dir/out/$f.txt" | grep -c '^<' || true)"
    diff "$dir/out-$rev/$f.txt" "$dir/out/$f.txt" | head -4 | cut -c1-400
    status=1
  fi
done
exit $status

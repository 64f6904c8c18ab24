#!/usr/bin/env bash
# Fuzzes the engine with cargo-fuzz (libFuzzer), each target for a fixed time, sequentially.
#
#   scripts/fuzz.sh [-t SECONDS] [TARGET...]      default: 60 s each of json_text month rule_pack fhir
#
# Targets (fuzz/fuzz_targets/): json_text (arbitrary bytes into evaluate_json,
# evaluate_batch_json, what_if_json), month (structure-aware months, fuzz/src/gen.rs, with the
# invariants of fuzz/src/invariants.rs and the metamorphic relations of fuzz/src/meta.rs),
# rule_pack (mutated custom rule packs), fhir (the FHIR adapter and the claim builder on the
# example Bundle mutated anywhere, or arbitrary text: fuzz/src/fhir.rs).
#
# Inputs: the committed corpus fuzz/corpus/TARGET (seeds from ../shared/scenarios/examples.jsonl,
# see fuzz/make-seeds.mjs). New inputs go to fuzz/target/work/TARGET (not committed), crashes to
# fuzz/target/artifacts/TARGET/. Before fuzzing, every committed regression input
# (fuzz/regressions/TARGET/*) is replayed once. Exits 1 on any crash, with its input and message.
#
# Build: nightly toolchain, no sanitizer (the engine has no `unsafe`; AddressSanitizer costs a 5×
# slowdown and finds nothing safe Rust can do), debug assertions on (integer overflow panics).
# Installs cargo-fuzz when missing. Env: FUZZ_SECONDS (default for -t), FUZZ_NICE (default 19).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    -t) seconds=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(json_text month rule_pack fhir)
nice_cmd=(nice -n "${FUZZ_NICE:-19}")

# --- tools ---------------------------------------------------------------------------------------
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: installing the nightly toolchain (minimal profile)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz (cargo install, about a minute)"
  cargo install cargo-fuzz --quiet
fi
echo "fuzz: $(cargo fuzz --version), $(rustc +nightly --version)"

[ -f ../shared/scenarios/examples.jsonl ] || { echo "fuzz: ../shared/scenarios/examples.jsonl missing (the targets compile it in)" >&2; exit 2; }

fuzz_flags=(--sanitizer none --debug-assertions --release)
cd fuzz
t=$SECONDS
"${nice_cmd[@]}" cargo +nightly fuzz build "${fuzz_flags[@]}" 2>&1 | grep -vE '^\s+(Compiling|Downloaded|Downloading)' || { echo "fuzz: build failed" >&2; exit 2; }
echo "fuzz: built the targets in $((SECONDS - t))s"

status=0
summary=()
for target in "${targets[@]}"; do
  [ -f "fuzz_targets/$target.rs" ] || { echo "fuzz: no target $target" >&2; exit 2; }
  work=target/work/$target; art=target/artifacts/$target/; log=target/logs/$target.log
  mkdir -p "$work" "$art" "$(dirname "$log")"

  # Replay the committed crash regressions first (each input runs once).
  if compgen -G "regressions/$target/*" >/dev/null; then
    n=$(ls "regressions/$target" | wc -l)
    if "${nice_cmd[@]}" cargo +nightly fuzz run "${fuzz_flags[@]}" "$target" regressions/"$target"/* \
        -- -artifact_prefix="$art" >"$log.replay" 2>&1; then
      echo "fuzz: $target: $n regression input(s) pass"
    else
      echo "fuzz: $target: a regression input fails again:"; grep -E "panicked|invariant|differs|changed|lowered|removed" "$log.replay" | head -5
      status=1; summary+=("$target: REGRESSION FAILS (see fuzz/$log.replay)"); continue
    fi
  fi

  # Structure-aware targets read a month from the bytes: let inputs be long from the start.
  extra=()
  [ "$target" = json_text ] || extra=(-max_len=4096 -len_control=0)
  echo "fuzz: $target for ${seconds}s (corpus fuzz/corpus/$target, new inputs in fuzz/$work)"
  t=$SECONDS
  set +e
  "${nice_cmd[@]}" cargo +nightly fuzz run "${fuzz_flags[@]}" "$target" "$work" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -artifact_prefix="$art" \
    -print_final_stats=1 "${extra[@]}" >"$log" 2>&1
  rc=$?
  set -e
  took=$((SECONDS - t))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -E 's/^#[0-9]+ +[A-Z]+ +//')
  printf '%s %s %ss runs=%s exit=%s %s\n' "$(date -u +%FT%TZ)" "$target" "$took" "${runs:-?}" "$rc" "$last" >> target/logs/history.txt
  if [ $rc -eq 0 ]; then
    line="$target: ${took}s, ${runs:-?} runs, $last"
    echo "fuzz: $line"
    summary+=("ok    $line")
  else
    status=1
    crash=$(ls -t "$art" 2>/dev/null | head -1)
    echo "fuzz: $target FAILED (exit $rc after ${took}s); input: fuzz/$art$crash"
    grep -E -A3 "panicked at|==ERROR|deadly signal|timeout" "$log" | head -20
    echo "fuzz: commit the input under fuzz/regressions/$target/ with the fix"
    summary+=("FAIL  $target: exit $rc after ${took}s, input fuzz/$art$crash, log fuzz/$log")
  fi
done

echo "fuzz: summary"
printf '  %s\n' "${summary[@]}"
exit $status

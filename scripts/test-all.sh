#!/usr/bin/env bash
# The project's whole test suite (the README's test command; .ci/run runs exactly this).
# Sections run in order; each reports PASS/FAIL with its time. A section whose prerequisite
# failed is skipped. Exits non-zero if anything failed, and ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

passed=0; failed=0; skipped=0
results=()
declare -A ok=()
t_start=$SECONDS

# section NAME [--needs OTHER]... -- COMMAND...
section() {
  local name=$1; shift
  local needs=()
  while [ "$1" = "--needs" ]; do needs+=("$2"); shift 2; done
  [ "$1" = "--" ] && shift
  for n in "${needs[@]}"; do
    if [ "${ok[$n]:-}" != 1 ]; then
      printf '\n=== %s: SKIPPED (needs %s)\n' "$name" "$n"
      results+=("SKIP  $name (needs $n)"); skipped=$((skipped + 1)); return 0
    fi
  done
  printf '\n=== %s\n' "$name"
  local t=$SECONDS rc
  set +e
  ( set -euo pipefail; "$@" ) </dev/null
  rc=$?
  set -e
  if [ $rc -eq 0 ]; then
    ok[$name]=1; passed=$((passed + 1))
    results+=("PASS  $name ($((SECONDS - t))s)")
    printf '=== %s: PASS (%ss)\n' "$name" "$((SECONDS - t))"
  else
    failed=$((failed + 1))
    results+=("FAIL  $name (exit $rc, $((SECONDS - t))s)")
    printf '=== %s: FAIL (exit %s, %ss)\n' "$name" "$rc" "$((SECONDS - t))"
  fi
}

# ---- 1. tools ----------------------------------------------------------------------------------
section setup -- bash scripts/setup.sh

# ---- 2. native (Rust) ---------------------------------------------------------------------------
consent_fresh() {
  if command -v python3 >/dev/null 2>&1; then python3 tools/gen_consent.py --check
  else echo "python3 not found; tests/consent_templates.rs still checks the hashes"; fi
}
section consent-templates -- consent_fresh
# The rule packs are generated from ../shared/data (RVUs, conversion factors) and the domain rules;
# the committed packs must equal a fresh generation.
section rule-packs -- python3 tools/gen_packs.py --check
# The page's data (ICD descriptions, the locality table) and the npm package's locality helper
# (npm/localities.*) are generated from ../shared/data too.
section page-data -- python3 tools/gen_icd_descriptions.py --check
section cargo-test --needs setup -- cargo test
clippy_all() {
  cargo clippy --all-targets -- -D warnings
  # The wasm builds (the core without the FHIR adapter, and the adapter's module): the no-panic lints hold there too.
  cargo clippy --target wasm32-unknown-unknown --lib --no-default-features -- -D warnings
  cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
}
section clippy --needs setup -- clippy_all
section cli-build --needs setup -- cargo build --bin ccm

# ---- 3. wasm build ------------------------------------------------------------------------------
section wasm-build --needs setup -- bash scripts/build-wasm.sh

# ---- 4. wasm in Node (examples, API contract, CLI parity) --------------------------------------
section node-tests --needs wasm-build --needs cli-build -- node --test tests/js/

# ---- 5. TypeScript declarations (typed usage of the generated package) --------------------------
section typescript --needs wasm-build -- node_modules/.bin/tsc --noEmit -p tsconfig.json

# ---- 6. browser tests ---------------------------------------------------------------------------
# The page (www/) end to end in headless Debian Chromium through playwright-core: intake field by
# field, every examples.jsonl input imported, consent en/es with the pin, what-if totals against the
# engine, no off-origin request, CSP, axe-core, keyboard-only, the custom element's events (docs/page.md).
section browser-tests --needs setup --needs wasm-build --needs cli-build -- node --test --test-concurrency=1 tests/browser/

# ---- 7. edge runtime tests ----------------------------------------------------------------------
# (workerd / deno: added here by the edge-test owners)
section edge-tests --needs wasm-build --needs cli-build -- bash edge/test.sh

# ---- 8. size budget -----------------------------------------------------------------------------
section size-budget --needs wasm-build -- bash scripts/size-budget.sh

# ---- 9. hardening (issue 3): three doors, fuzzing ----------------------------------------------
# tests/properties.rs (proptest invariants) runs inside cargo-test. tests/doors.rs runs there too
# but skips its wasm door without a fresh package; here it runs again against the package just
# built, and must not skip.
section doors --needs wasm-build --needs cli-build -- env CCM_DOORS_REQUIRE_WASM=1 cargo test --test doors
# Each cargo-fuzz target for CCM_FUZZ_SECONDS (default 60) on the committed corpus, after
# replaying fuzz/regressions/ (scripts/fuzz.sh; installs cargo-fuzz when missing).
section fuzz --needs setup -- bash scripts/fuzz.sh -t "${CCM_FUZZ_SECONDS:-60}"

# ---- summary ------------------------------------------------------------------------------------
printf '\n=== summary (%ss)\n' "$((SECONDS - t_start))"
printf '  %s\n' "${results[@]}"
if [ "$skipped" -gt 0 ]; then
  printf 'test-all: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
else
  printf 'test-all: %d passed, %d failed\n' "$passed" "$failed"
fi
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]

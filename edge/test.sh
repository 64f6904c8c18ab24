#!/usr/bin/env bash
# Edge tests (scripts/test-all.sh section "edge-tests", after the wasm build and the CLI build):
#   1. the router in Node over a stand-in engine (edge/tests/app.test.mjs);
#   2. the worker on workerd and on deno, each on its own loopback port and stopped by PID,
#      checked against the `ccm` CLI (edge/tests/edge.test.mjs);
#   3. the self-hosting front over each runtime: idle and stalled connections, rejected requests,
#      restarts (edge/tests/front.test.mjs).
# Needs pkg/ (scripts/build-wasm.sh) and target/*/ccm (cargo build --bin ccm).
set -euo pipefail
cd "$(dirname "$0")/.."
bash edge/build.sh
for rt in workerd deno; do
  bin=$(node edge/lib/runtimes.mjs which "$rt")
  echo "edge/test: $("$bin" --version | head -1) ($bin)"
done
node --test --test-concurrency=1 edge/tests/app.test.mjs edge/tests/edge.test.mjs edge/tests/front.test.mjs

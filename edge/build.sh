#!/usr/bin/env bash
# Prepares what the edge worker runs: edge/build/engine/{web,bundler}/, a copy of the wasm package
# (pkg/web for workerd and Cloudflare, pkg/bundler for Deno), and edge/build/engine/fhir/{web,bundler}/,
# the same of the FHIR adapter's module (pkg/fhir/, for POST /v1/fhir/evaluate).
#   - builds pkg/ first (scripts/build-wasm.sh) when it is missing, or older than the crate's sources
#     (src/, consent/, Cargo.toml, Cargo.lock); CCM_EDGE_NO_WASM_BUILD=1 uses pkg/ as it is;
#   - installs the project's tools first (scripts/setup.sh) when the wasm build needs them.
#   - CCM_EDGE_PKG=DIR copies from another built package instead (never builds it).
# Idempotent; used by edge/serve.sh, edge/test.sh, edge/bench.mjs and wrangler's custom build.
set -euo pipefail
edge=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$edge")
cd "$root"

say() { printf 'edge/build: %s\n' "$*" >&2; }

pkg=${CCM_EDGE_PKG:-pkg}
no_build=${CCM_EDGE_NO_WASM_BUILD:-}
[ "$pkg" != pkg ] && no_build=1
need_build=""
for t in web bundler fhir/web fhir/bundler; do
  for f in ccm_engine.js ccm_engine_bg.wasm; do
    [ -f "$pkg/$t/$f" ] || need_build="$pkg/$t/$f is missing"
  done
done
if [ -z "$need_build" ] && [ "$no_build" != 1 ]; then
  newer=$(find src consent Cargo.toml Cargo.lock -type f -newer pkg/web/ccm_engine_bg.wasm -print -quit 2>/dev/null || true)
  [ -n "$newer" ] && need_build="$newer is newer than pkg/"
fi

if [ -n "$need_build" ]; then
  if [ "$no_build" = 1 ]; then
    say "$need_build (not building: CCM_EDGE_NO_WASM_BUILD=1 or CCM_EDGE_PKG set); run scripts/build-wasm.sh"; exit 1
  fi
  say "building the wasm package ($need_build)"
  if ! command -v wasm-bindgen >/dev/null 2>&1 || [ ! -x node_modules/.bin/wasm-opt ]; then
    say "wasm tools missing: running scripts/setup.sh"
    bash scripts/setup.sh >&2
  fi
  bash scripts/build-wasm.sh >&2
fi

# A wasm file that is not wasm (say, caught half-written by a concurrent build) fails here, loudly.
for t in web bundler fhir/web fhir/bundler; do
  magic=$(head -c 4 "$pkg/$t/ccm_engine_bg.wasm" | od -An -tx1 | tr -d ' \n')
  if [ "$magic" != 0061736d ]; then
    say "$pkg/$t/ccm_engine_bg.wasm is not a wasm module (starts with $magic); rebuild it: scripts/build-wasm.sh"; exit 1
  fi
done

# One build.sh at a time (two serve.sh started together would otherwise swap the same directories).
mkdir -p edge/build
if command -v flock >/dev/null 2>&1; then
  exec 9>edge/build/.lock
  flock 9
fi

# Copy into a fresh directory, then swap it in, so a running worker's files never change under it
# half-way (workerd and deno read them at start-up only).
swap_in() { # swap_in TMPDIR OUTDIR
  rm -rf "$2.old"
  if [ -d "$2" ]; then mv "$2" "$2.old"; fi
  mv "$1" "$2"
  rm -rf "$2.old"
}
out=edge/build/engine
tmp=$(mktemp -d edge/build.tmp.XXXXXX); chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
for t in web bundler fhir/web fhir/bundler; do
  mkdir -p "$tmp/$t"
  cp "$pkg/$t/ccm_engine.js" "$pkg/$t/ccm_engine_bg.wasm" "$tmp/$t/"
  for f in ccm_engine_bg.js ccm_engine.d.ts; do
    if [ -f "$pkg/$t/$f" ]; then cp "$pkg/$t/$f" "$tmp/$t/"; fi
  done
  printf '{ "type": "module" }\n' > "$tmp/$t/package.json"
done
swap_in "$tmp" "$out"

# edge/build/deno-deploy/: the Deno entry as a self-contained directory (main.js, app.mjs and the
# bundler engine), for Deno Deploy, whose upload need not include anything outside it.
tmp=$(mktemp -d edge/build.tmp.XXXXXX); chmod 755 "$tmp"
mkdir -p "$tmp/engine"
mkdir -p "$tmp/engine/fhir"
cp "$out/bundler/ccm_engine.js" "$out/bundler/ccm_engine_bg.js" "$out/bundler/ccm_engine_bg.wasm" "$tmp/engine/"
cp "$out/fhir/bundler/ccm_engine.js" "$out/fhir/bundler/ccm_engine_bg.js" "$out/fhir/bundler/ccm_engine_bg.wasm" "$tmp/engine/fhir/"
cp edge/src/app.mjs "$tmp/app.mjs"
sed -e 's#"\.\./build/engine/bundler/ccm_engine\.js"#"./engine/ccm_engine.js"#' \
    -e 's#"\.\./build/engine/fhir/bundler/ccm_engine\.js"#"./engine/fhir/ccm_engine.js"#' edge/src/deno.mjs > "$tmp/main.js"
grep -q '"./engine/ccm_engine.js"' "$tmp/main.js" && grep -q '"./engine/fhir/ccm_engine.js"' "$tmp/main.js" \
  || { say "could not point deno-deploy/main.js at its engines"; exit 1; }
printf '{\n  "lock": false\n}\n' > "$tmp/deno.json"
swap_in "$tmp" edge/build/deno-deploy
trap - EXIT
say "engine $(wc -c < "$out/web/ccm_engine_bg.wasm") bytes of wasm in edge/build/engine/{web,bundler}, FHIR adapter $(wc -c < "$out/fhir/web/ccm_engine_bg.wasm") in edge/build/engine/fhir/{web,bundler}; Deno Deploy directory edge/build/deno-deploy/"

#!/usr/bin/env bash
# Builds the npm package into pkg/: the core wasm module for three targets (web, bundler, nodejs),
# optimized for size, the FHIR adapter's module (the engine with src/fhir/) for the same three
# targets in pkg/fhir/, plus pkg/package.json and pkg/README.md.
#   cargo (profile wasm-release) → wasm-bindgen (per target) → wasm-opt -Oz (npm binaryen, never Debian's)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_OPT=node_modules/.bin/wasm-opt
[ -x "$WASM_OPT" ] || { echo "build-wasm: $WASM_OPT missing; run scripts/setup.sh" >&2; exit 1; }
command -v wasm-bindgen >/dev/null || { echo "build-wasm: wasm-bindgen missing; run scripts/setup.sh" >&2; exit 1; }

t0=$SECONDS
artifact=target/wasm32-unknown-unknown/wasm-release/ccm_engine.wasm
targets=(web bundler nodejs)

# One change to the generated glue: wasm-bindgen copies a string's ASCII prefix into the module
# one character at a time in JavaScript before handing the rest to TextEncoder.encodeInto; for a
# typical 3.4 KB month that loop took 8-10 µs of a 55 µs `evaluateJson` in Node, encodeInto
# itself 0.4 µs. Here encodeInto writes the whole string when it is ASCII (as long in bytes as in
# UTF-16 units) and the same fallback as before takes over at the first character it could not
# fit. The bytes written are the same UTF-8 either way (tests/js/api.test.mjs sends non-ASCII
# text, surrogate pairs and lone surrogates through every entry point). wasm-bindgen is pinned,
# so the block is known; if it is not found the build fails rather than ship unpatched glue.
patch_glue() { # DIR: the three targets' glue under DIR
  node - "$1" "${targets[@]}" <<'JS'
const fs = require("fs");
const loop = `    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }`;
const encodeInto = `    // ccm-engine (scripts/build-wasm.sh): encodeInto instead of a per-character loop.
    const first = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len));
    let offset = first.written;
    if (first.read !== arg.length) {
        arg = arg.slice(first.read);`;
const [dir, ...targets] = process.argv.slice(2);
for (const t of targets) {
  const file = [dir, t, t === "bundler" ? "ccm_engine_bg.js" : "ccm_engine.js"].join("/");
  const text = fs.readFileSync(file, "utf8");
  const parts = text.split(loop);
  if (parts.length !== 2) {
    console.error(`build-wasm: ${file}: wasm-bindgen's string copy loop not found once (found ${parts.length - 1}); glue not patched`);
    process.exit(1);
  }
  fs.writeFileSync(file, parts.join(encodeInto));
  console.log(`build-wasm: ${file}: string copy through TextEncoder.encodeInto`);
}
JS
}

# wasm-opt: optimize each distinct module once (the targets' modules differ only if wasm-bindgen
# named their import modules differently), copy the result to identical ones.
# Features: what rustc enables by default for wasm32-unknown-unknown and wasm-bindgen relies on.
OPT_FLAGS=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
           --enable-mutable-globals --enable-reference-types --enable-multivalue
           --strip-debug --strip-producers)

# build_module DIR CARGO_FLAGS...: cargo → wasm-bindgen (three targets) → glue patch → wasm-opt
# → the targets' package.json markers, into DIR.
build_module() {
  local dir=$1; shift
  echo "build-wasm: cargo build --profile wasm-release --target wasm32-unknown-unknown --lib $*"
  cargo build --profile wasm-release --target wasm32-unknown-unknown --lib "$@"
  [ -f "$artifact" ] || { echo "build-wasm: $artifact not produced" >&2; exit 1; }
  mkdir -p "$dir"
  for t in "${targets[@]}"; do
    wasm-bindgen --remove-name-section --remove-producers-section --target "$t" --out-dir "$dir/$t" "$artifact"
  done
  patch_glue "$dir"
  declare -A done_by_hash=()
  for t in "${targets[@]}"; do
    f="$dir/$t/ccm_engine_bg.wasm"
    h=$(sha256sum "$f" | cut -d' ' -f1)
    if [ -n "${done_by_hash[$h]:-}" ]; then
      cp "${done_by_hash[$h]}" "$f"
      echo "build-wasm: $t module identical to an optimized one; copied"
    else
      "$WASM_OPT" "${OPT_FLAGS[@]}" "$f" -o "$f.opt"
      mv "$f.opt" "$f"
      done_by_hash[$h]=$f
      echo "build-wasm: wasm-opt -Oz $f"
    fi
  done
  # The nodejs target's module format decides how DIR/nodejs/ is marked.
  if grep -qE '^(module\.)?exports\b|require\(' "$dir/nodejs/ccm_engine.js"; then node_format=commonjs; else node_format=module; fi
  printf '{ "type": "%s" }\n' "$node_format" > "$dir/nodejs/package.json"
  printf '{ "type": "module" }\n' > "$dir/web/package.json"
  printf '{ "type": "module" }\n' > "$dir/bundler/package.json"
}

rm -rf pkg
# The FHIR adapter's module first (the engine and the adapter, src/fhir/: issue 15), then the
# core (no default features: the adapter is not in it), so the last artifact is the core's.
build_module pkg/fhir
build_module pkg --no-default-features


version=$(awk -F'"' '/^version *=/ { print $2; exit }' Cargo.toml)
license=$(awk -F'"' '/^license *=/ { print $2; exit }' Cargo.toml)
description=$(awk -F'"' '/^description *=/ { print $2; exit }' Cargo.toml)

# The locality helper (ccm-engine/localities: Medicare localities and findLocality), generated by
# tools/gen_icd_descriptions.py into npm/, ships beside the three builds: ESM, CommonJS, types.
VERSION="$version" LICENSE="$license" DESCRIPTION="$description" node - <<'JS'
const fs = require("fs");
const helper = ["localities.js", "localities.cjs", "localities.d.ts", "localities.d.cts"];
for (const f of helper) fs.copyFileSync(`npm/${f}`, `pkg/${f}`);
const entry = (dir) => ({ types: `./${dir}/ccm_engine.d.ts`, default: `./${dir}/ccm_engine.js` });
const pkg = {
  name: "ccm-engine",
  version: process.env.VERSION,
  description: process.env.DESCRIPTION,
  license: process.env.LICENSE,
  type: "module",
  main: "./nodejs/ccm_engine.js",
  module: "./bundler/ccm_engine.js",
  types: "./bundler/ccm_engine.d.ts",
  exports: {
    ".": {
      types: "./bundler/ccm_engine.d.ts",
      node: "./nodejs/ccm_engine.js",
      browser: "./bundler/ccm_engine.js",
      import: "./bundler/ccm_engine.js",
      default: "./bundler/ccm_engine.js",
    },
    "./web": entry("web"),
    "./bundler": entry("bundler"),
    "./nodejs": entry("nodejs"),
    "./web/ccm_engine_bg.wasm": "./web/ccm_engine_bg.wasm",
    "./fhir": {
      types: "./fhir/bundler/ccm_engine.d.ts",
      node: "./fhir/nodejs/ccm_engine.js",
      browser: "./fhir/bundler/ccm_engine.js",
      import: "./fhir/bundler/ccm_engine.js",
      default: "./fhir/bundler/ccm_engine.js",
    },
    "./fhir/web": entry("fhir/web"),
    "./fhir/bundler": entry("fhir/bundler"),
    "./fhir/nodejs": entry("fhir/nodejs"),
    "./fhir/web/ccm_engine_bg.wasm": "./fhir/web/ccm_engine_bg.wasm",
    "./localities": {
      import: { types: "./localities.d.ts", default: "./localities.js" },
      require: { types: "./localities.d.cts", default: "./localities.cjs" },
      default: "./localities.js",
    },
    "./package.json": "./package.json",
  },
  files: ["web/", "bundler/", "nodejs/", "fhir/", ...helper, "README.md"],
  sideEffects: ["./bundler/ccm_engine.js", "./web/ccm_engine.js", "./nodejs/ccm_engine.js",
    "./fhir/bundler/ccm_engine.js", "./fhir/web/ccm_engine.js", "./fhir/nodejs/ccm_engine.js"],
  keywords: ["medicare", "chronic-care-management", "ccm", "billing", "wasm"],
};
fs.writeFileSync("pkg/package.json", JSON.stringify(pkg, null, 2) + "\n");
JS

cat > pkg/README.md <<MD
# ccm-engine ${version}

Medicare Chronic Care Management (CCM) month rules engine, compiled to WebAssembly: given one
patient's month (conditions, consent, care plan, time entries, other services), it decides whether
CCM may be billed, with which codes, units and estimated payment, and why. Pure: no network, no
storage, no clock.

\`\`\`js
import { evaluate, evaluateJson, evaluateBatch, whatIf, rulePacks, rulePack, consentTemplates, version } from "ccm-engine";
const result = evaluate({ serviceMonth: "2026-03", billingPractitioner: { id: "1234567890" }, /* … */ });
if (result.ok) console.log(result.evaluation.status, result.evaluation.lines);
else console.error(result.error.code, result.error.issues);
\`\`\`

Builds: \`ccm-engine\` (Node: \`nodejs\`, ${node_format}; bundlers and browsers: \`bundler\`),
\`ccm-engine/web\` (native ES module: call \`await init()\` or \`initSync({ module })\` first, e.g. in
edge workers), \`ccm-engine/bundler\`, \`ccm-engine/nodejs\`. Types ship in each \`.d.ts\`.
\`evaluate\` never throws on bad data: it returns \`{ ok: false, error: { code, message, issues } }\`.
Payment amounts are estimates.
MD

fhir_gz=$(gzip -9 -c pkg/fhir/web/ccm_engine_bg.wasm | wc -c)
final=pkg/web/ccm_engine_bg.wasm
raw=$(wc -c < "$final")
gz=$(gzip -9 -c "$final" | wc -c)
echo "build-wasm: nodejs target is ${node_format}"
echo "build-wasm: fhir/ccm_engine_bg.wasm (engine + FHIR adapter) ${fhir_gz} bytes gzip -9"
echo "build-wasm: ccm_engine_bg.wasm ${raw} bytes raw, ${gz} bytes gzip -9 (built in $(( SECONDS - t0 ))s)"

#!/usr/bin/env bash
# Serves the page (www/) and the wasm package (pkg/web, at /pkg/) on http://127.0.0.1:${PORT:-8080}/.
# Builds the wasm first when pkg/web is missing or older than the Rust sources.
#   bash scripts/serve.sh            # PORT=9000 bash scripts/serve.sh for another port
#   bash scripts/serve.sh --no-build # serve what is there
# Only loopback: nothing else on the network can reach it, and the page itself talks to nothing
# but this server.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "serve: unknown argument $a" >&2; exit 2 ;;
  esac
done

command -v node >/dev/null || { echo "serve: node is required" >&2; exit 1; }

wasm=pkg/web/ccm_engine_bg.wasm
stale() {
  [ -f "$wasm" ] || return 0
  [ -n "$(find src Cargo.toml Cargo.lock consent -newer "$wasm" -type f -print -quit 2>/dev/null)" ]
}

if [ "$build" = 1 ] && stale; then
  if ! command -v wasm-bindgen >/dev/null || [ ! -x node_modules/.bin/wasm-opt ]; then
    echo "serve: build tools missing; running scripts/setup.sh first" >&2
    bash scripts/setup.sh
  fi
  bash scripts/build-wasm.sh
fi
[ -f "$wasm" ] || { echo "serve: $wasm missing (run bash scripts/build-wasm.sh)" >&2; exit 1; }

exec node www/server.mjs --port "${PORT:-8080}" --root www --pkg pkg/web

#!/usr/bin/env bash
# Serves the edge worker on 127.0.0.1:PORT in the foreground (Ctrl-C stops it).
#   edge/serve.sh PORT [workerd|deno]        default runtime: workerd
# Builds what it needs first (edge/build.sh: the wasm package, installing tools if missing).
# CORS is off unless CORS_ALLOW_ORIGINS is set (exact origins, comma-separated, or "*").
set -euo pipefail
usage() { echo "usage: edge/serve.sh PORT [workerd|deno]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
port=$1
runtime=${2:-workerd}
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || usage
case "$runtime" in workerd|deno) ;; *) usage ;; esac

edge=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$edge")
cd "$root"

bash edge/build.sh
if ! node edge/lib/runtimes.mjs which "$runtime" >/dev/null 2>&1; then
  echo "edge/serve: $runtime missing from node_modules: npm install" >&2
  npm install --no-audit --no-fund --loglevel=error >&2
fi

mapfile -d '' cmd < <(node edge/lib/runtimes.mjs argv "$runtime" "$port")
[ "${#cmd[@]}" -gt 0 ] || { echo "edge/serve: could not build the $runtime command" >&2; exit 1; }
echo "edge/serve: $runtime on http://127.0.0.1:$port (GET /v1/health, POST /v1/evaluate)" >&2
exec "${cmd[@]}"

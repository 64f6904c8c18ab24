#!/usr/bin/env bash
# Serves the edge worker on 127.0.0.1:PORT in the foreground (Ctrl-C stops it), behind the
# self-hosting front (edge/lib/front.mjs: timeouts, a connection cap, JSON answers for what the
# HTTP layer rejects, and a restart of the runtime when it exits; limits from CCM_EDGE_* variables,
# see edge/README.md "Self-hosting").
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

# As many file descriptors as the hard limit allows: the connection cap, not the kernel, refuses.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec node edge/lib/front.mjs "$runtime" "$port"

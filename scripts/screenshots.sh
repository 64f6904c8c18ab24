#!/usr/bin/env bash
# Makes docs/screenshot-{check,consent,whatif,embed,panel}.png from the running page (headless Chromium
# through playwright-core, the page server on a free 127.0.0.1 port). Builds the wasm if needed.
#   bash scripts/screenshots.sh [check|consent|whatif|embed|panel]...
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ] || [ ! -d node_modules/playwright-core ]; then
  echo "screenshots: browser or playwright-core missing; running scripts/setup.sh" >&2
  bash scripts/setup.sh
fi
if [ ! -f pkg/web/ccm_engine_bg.wasm ]; then
  bash scripts/build-wasm.sh
fi
exec node scripts/screenshots.mjs "$@"

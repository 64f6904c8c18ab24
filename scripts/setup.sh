#!/usr/bin/env bash
# Installs everything the build and the tests need, on a fresh machine of this project's kind
# (see ../shared/TOOLCHAIN.md). Idempotent: each step is skipped when already done.
#   - rustup target wasm32-unknown-unknown
#   - wasm-bindgen-cli at the exact version of the wasm-bindgen crate in Cargo.lock (0.2.130)
#   - npm dev tools from package.json (wasm-opt from binaryen, typescript, playwright-core, workerd, deno, axe-core)
#   - Debian chromium + chromium-driver (headless browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

t_all=$SECONDS
step() { printf 'setup: %s\n' "$*"; }
took() { printf 'setup:   done in %ss\n' "$(( SECONDS - $1 ))"; }

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required but not installed" >&2; exit 1; }
}
need cargo
need rustup
need node
need npm

# --- wasm32 target ------------------------------------------------------------------------------
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "wasm32-unknown-unknown target: present"
else
  t=$SECONDS; step "installing rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
  took $t
fi

# --- wasm-bindgen CLI (must equal the crate version in Cargo.lock) ------------------------------
wbg_version=0.2.130
if [ -f Cargo.lock ]; then
  locked=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  [ -n "$locked" ] && wbg_version=$locked
fi
if command -v wasm-bindgen >/dev/null 2>&1 && [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $wbg_version" ]; then
  step "wasm-bindgen $wbg_version: present"
else
  t=$SECONDS; step "installing wasm-bindgen-cli $wbg_version (cargo install, about 3 minutes cold)"
  # No --locked: the CLI's own lockfile names a crate version this registry does not serve.
  cargo install wasm-bindgen-cli --version "$wbg_version" --quiet
  took $t
fi

# --- npm dev tools -------------------------------------------------------------------------------
stamp=node_modules/.ccm-setup-stamp
want_stamp=$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] && [ -x node_modules/.bin/wasm-opt ] && [ -x node_modules/.bin/tsc ]; then
  step "node_modules: current"
else
  t=$SECONDS; step "npm install (dev tools)"
  # Not `npm ci`: the lockfile npm writes here lacks other platforms' optional packages.
  npm install --no-audit --no-fund --loglevel=error
  # npm may have refreshed the lockfile; stamp what is there now.
  cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1 > "$stamp"
  took $t
fi

# --- headless Chromium ---------------------------------------------------------------------------
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  step "chromium + chromedriver: present"
else
  t=$SECONDS; step "apt-get install chromium chromium-driver"
  sudo_=""
  if [ "$(id -u)" -ne 0 ]; then need sudo; sudo_="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_ apt-get -o DPkg::Lock::Timeout=600 update -qq
  $sudo_ apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium chromium-driver >/dev/null
  took $t
fi

step "all tools ready in $(( SECONDS - t_all ))s"

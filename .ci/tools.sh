#!/usr/bin/env bash
# Installs what is missing, once per machine; re-running skips everything already present.
#   .ci/tools.sh run     build tools (wasm target, cargo-leptos, wasm-bindgen-cli, wasm-opt)
#   .ci/tools.sh test    + Chromium, PostgreSQL, the end-to-end test packages
#   .ci/tools.sh bench   + wrk, Lighthouse
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-run}"
TOOLS="${HOSO_TOOLS_DIR:-$HOME/.cache/hoso/tools}"
CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132
LIGHTHOUSE_VERSION=12.8.2

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_missing=()
need_pkg() { dpkg -s "$1" >/dev/null 2>&1 || apt_missing+=("$1"); }
need_pkg pkg-config
need_pkg libssl-dev
need_pkg build-essential
command -v node >/dev/null 2>&1 || apt_missing+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_missing+=(npm)
if [ "$purpose" = test ]; then
  command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
  command -v psql >/dev/null 2>&1 || apt_missing+=(postgresql)
fi
if [ "$purpose" = bench ]; then
  command -v wrk >/dev/null 2>&1 || apt_missing+=(wrk)
  command -v brotli >/dev/null 2>&1 || apt_missing+=(brotli)
  command -v sqlite3 >/dev/null 2>&1 || apt_missing+=(sqlite3)
  command -v curl >/dev/null 2>&1 || apt_missing+=(curl)
fi
if [ "${#apt_missing[@]}" -gt 0 ]; then
  say "Installing Debian packages: ${apt_missing[*]}"
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$purpose" = test ] && ! cargo fmt --version >/dev/null 2>&1; then
  say "Adding rustfmt (make test checks the format)"
  rustup component add rustfmt
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "Building cargo-leptos $CARGO_LEPTOS_VERSION (once per machine, ~15 min on 2 cores)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "Building wasm-bindgen-cli $WASM_BINDGEN_VERSION (once per machine, ~7 min)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt from the npm registry (binaryen); cargo-leptos finds it on PATH (the Makefile adds it).
if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  say "Installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi

if [ "$purpose" = bench ]; then
  # Lighthouse for make bench-web (12.8.2: 13.x needs Node 22, Debian has 20); it drives Debian's
  # Chromium (CHROME_PATH), no browser download. The browser packages are end2end's.
  if ! "$TOOLS/node_modules/.bin/lighthouse" --version 2>/dev/null | grep -qx "$LIGHTHOUSE_VERSION"; then
    say "Installing Lighthouse $LIGHTHOUSE_VERSION from npm"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --silent "lighthouse@$LIGHTHOUSE_VERSION"
  fi
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
  command -v chromium >/dev/null 2>&1 || { sudo_if_needed apt-get update -qq; DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq chromium >/dev/null; }
fi

if [ "$purpose" = test ]; then
  # The independent FHIR validator (PyPI fhir.resources 6.4.0 = FHIR 4.0.1) and client (fhirpy)
  # in their own venv.
  if ! "$TOOLS/venv/bin/python" -c "import fhir.resources as f, fhirpy; assert f.__version__ == '6.4.0'" 2>/dev/null; then
    say "Installing the FHIR validator and client (fhir.resources 6.4.0, fhirpy 2.0.15 from PyPI)"
    if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
      sudo_if_needed apt-get update -qq
      DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq python3-venv >/dev/null
    fi
    python3 -m venv "$TOOLS/venv"
    "$TOOLS/venv/bin/pip" install -q "fhir.resources==6.4.0" "pydantic==1.10.27" "fhirpy==2.0.15"
  fi
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "Installing the end-to-end test packages (Playwright runner, axe-core; no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
fi

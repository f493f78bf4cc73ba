#!/usr/bin/env bash
# Front-end benchmark (issue 17): the release build served on the demo data, then
# end2end/bench/web.mjs prints each /pkg file raw, gzip and brotli as served, what a citizen's
# first visit transfers (sign-in page, then the record overview after a passkey sign-in in
# Chromium), each later page's extra code, Lighthouse (mobile, default throttling) on four pages
# and the server's render time of two signed-in pages beside /healthz in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${HOSO_TOOLS_DIR:-$HOME/.cache/hoso/tools}/node_modules/.bin:$HOME/.cargo/bin:$PATH"
TARGET="${CARGO_TARGET_DIR:-target}"
PORT="${BENCH_PORT:-3300}"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

say "Release build"
cargo leptos build --release --precompress --split >&2

data="$(mktemp -d /tmp/hoso-bench-web.XXXXXX)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
export DATABASE_URL="sqlite://$data/hoso.db" HOSO_DATA_DIR="$data" HOSO_SEED_DEMO=true \
  HOSO_LISTEN="127.0.0.1:$PORT" HOSO_PUBLIC_URL="http://localhost:$PORT" HOSO_SITE_ROOT=target/site RUST_LOG=warn \
  HOSO_RATE_AUTH_PER_MINUTE=100000 HOSO_RATE_SEARCH_PER_MINUTE=100000
"$TARGET/release/server" >"$data/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "http://localhost:$PORT/healthz" >/dev/null && break; sleep 0.2; done

say "Measuring (Chromium, Lighthouse $(lighthouse --version))"
BENCH_BASE_URL="http://localhost:$PORT" BENCH_DATA_DIR="$data" BENCH_SITE_PKG=target/site/pkg \
  CHROME_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" node end2end/bench/web.mjs

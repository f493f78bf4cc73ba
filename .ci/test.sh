#!/usr/bin/env bash
# Every test: unit and store tests (SQLite and PostgreSQL), in-process HTTP and passkey tests,
# then the browser tests in headless Chromium against the release server. One release build is
# shared: cargo-leptos builds the server and the wasm, and the Rust tests reuse its artifacts.
# Exits non-zero on any failure; the last line sums up.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${HOSO_TOOLS_DIR:-$HOME/.cache/hoso/tools}/node_modules/.bin:$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "Format (cargo fmt --check, rustfmt.toml)"
cargo fmt --all --check

say "PostgreSQL for the store conformance suite"
HOSO_TEST_POSTGRES_URL="$(bash .ci/postgres.sh)"
export HOSO_TEST_POSTGRES_URL

say "Building the portal (server + wasm, release)"
cargo leptos build --release --precompress --split

say "Rust tests (unit, store, HTTP, passkeys)"
log="$(mktemp)"
rust_log="$(mktemp)"
set +e
# cargo-leptos compiles with LEPTOS_OUTPUT_NAME set (leptos reads it at compile time); the same
# value here lets the tests reuse the release artifacts instead of rebuilding leptos and dependents.
# One test at a time: the integration tests each build a whole app (database, router, Leptos) and
# several of them rendering pages concurrently in one process stalled now and then (see README).
LEPTOS_OUTPUT_NAME=hoso cargo test --release --workspace --locked -- --test-threads 1 2>&1 | tee "$log"
rust_status=${PIPESTATUS[0]}
set -e
rust_passed=$( (grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" || true) | awk '{s+=$4} END {print s+0}')
rust_failed=$( (grep -Eo '[0-9]+ failed;' "$log" || true) | awk '{s+=$1} END {print s+0}')
if grep -q "SKIPPED: PostgreSQL" "$log"; then rust_status=1; echo "PostgreSQL suite was skipped" >&2; fi
if grep -q "SKIPPED: FHIR validator" "$log"; then rust_status=1; echo "FHIR validation was skipped" >&2; fi
cp "$log" "$rust_log"

say "Browser tests (Playwright, headless Chromium, virtual authenticator)"
set +e
(cd end2end && npx playwright test) 2>&1 | tee "$log"
e2e_status=${PIPESTATUS[0]}
set -e
e2e_passed=$( (grep -Eo '^ +[0-9]+ passed' "$log" || true) | awk '{s+=$1} END {print s+0}')
e2e_failed=$( (grep -Eo '^ +[0-9]+ failed' "$log" || true) | awk '{s+=$1} END {print s+0}')
rm -f "$log"

# The browser tests' output comes last; repeat why the Rust step failed so a CI log's tail shows it
# (a compile error in any target, examples included, runs no test at all).
if [ "$rust_status" -ne 0 ]; then
  echo
  echo "Rust step failed (exit $rust_status); its errors and failures:"
  grep -E '^(error(\[E[0-9]+\])?:|failures:|    [a-z_:]+$|test .* FAILED|thread .* panicked)' "$rust_log" | head -40 || true
  [ "$rust_passed" -eq 0 ] && echo "no Rust test ran: the test build failed"
fi
rm -f "$rust_log"

echo
echo "rust: ${rust_passed} passed, ${rust_failed} failed"
echo "browser: ${e2e_passed} passed, ${e2e_failed} failed"
if [ "$rust_status" -ne 0 ] || [ "$e2e_status" -ne 0 ]; then
  echo "FAILED: $((rust_passed + e2e_passed)) passed, $((rust_failed + e2e_failed)) failed"
  exit 1
fi
echo "$((rust_passed + e2e_passed)) passed, $((rust_failed + e2e_failed)) failed"

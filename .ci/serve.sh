#!/usr/bin/env bash
# Serves the built portal: loads .env if present, then runs the release server binary, which
# migrates the database, seeds the demo data on first start and prints the demo enrolment codes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then set -a; . ./.env; set +a; fi
export HOSO_SITE_ROOT="${HOSO_SITE_ROOT:-target/site}"
exec "${CARGO_TARGET_DIR:-target}/release/server" "$@"

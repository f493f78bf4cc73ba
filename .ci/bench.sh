#!/usr/bin/env bash
# Benchmark: a synthetic population in SQLite, signed-in users, and HTTP load from a separate
# process (wrk, 64 connections) against (a) the static baseline route and (b) an authorized read of
# one citizen's vaccination list as JSON through the full path (session → policy → store → audit
# write), and (c) a clinician's read of a patient's vaccination list through a consent grant
# (session → grant lookup → policy → store → audit write). Prints requests/s, p50 and p99 of each,
# the ratios to the baseline and (c)/(b), and the wasm bundle size.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${HOSO_TOOLS_DIR:-$HOME/.cache/hoso/tools}/node_modules/.bin:$HOME/.cargo/bin:$PATH"
TARGET="${CARGO_TARGET_DIR:-target}"
PATIENTS="${BENCH_PATIENTS:-10000}"
ENTRIES="${BENCH_ENTRIES:-50}"
USERS="${BENCH_USERS:-256}"
DURATION="${BENCH_DURATION:-20s}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
PORT="${BENCH_PORT:-3200}"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

say "Release build"
cargo leptos build --release --precompress --split >&2
cargo build --release -p server --example bench_sessions >&2

data="$(mktemp -d /tmp/hoso-bench.XXXXXX)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
export DATABASE_URL="sqlite://$data/hoso.db" HOSO_DATA_DIR="$data" HOSO_SEED_DEMO=false \
  HOSO_LISTEN="127.0.0.1:$PORT" HOSO_PUBLIC_URL="http://localhost:$PORT" HOSO_SITE_ROOT=target/site RUST_LOG=warn

say "Populating $PATIENTS people × ~$ENTRIES clinical entries"
"$TARGET/release/server" bench-populate --patients "$PATIENTS" --entries "$ENTRIES" >&2
say "Signing $USERS citizens in (enrolment code → passkey → session)"
"$TARGET/release/examples/bench_sessions" --count "$USERS" > "$data/sessions.txt"
awk '$1 == "citizen" {print $2}' "$data/sessions.txt" > "$data/tokens.txt"
awk '$1 == "citizen" {print $3}' "$data/sessions.txt" > "$data/patients.txt"
clinician_token=$(awk '$1 == "clinician" {print $2}' "$data/sessions.txt")

"$TARGET/release/server" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do curl -sf -H "Host: localhost:$PORT" "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

cat > "$data/read.lua" <<LUA
local tokens = {}
for line in io.lines("$data/tokens.txt") do tokens[#tokens + 1] = line end
local n = math.random(1, #tokens)
request = function()
  n = n % #tokens + 1
  return wrk.format("GET", "/api/vaccinations", { ["Host"] = "localhost:$PORT", ["Cookie"] = "__Host-hoso_session=" .. tokens[n] })
end
response = function(status)
  if status ~= 200 then error("unexpected status " .. status) end
end
LUA

run_wrk() { # name, args...
  local name="$1"; shift
  say "wrk: $name"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" > "$data/$name.txt"
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$data/$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$data/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$data/$name.txt")
  if grep -q "Non-2xx" "$data/$name.txt"; then grep "Non-2xx" "$data/$name.txt" >&2; fi
  echo "$name $rps $p50 $p99"
}

cat > "$data/clinician.lua" <<LUA
local patients = {}
for line in io.lines("$data/patients.txt") do patients[#patients + 1] = line end
local n = math.random(1, #patients)
request = function()
  n = n % #patients + 1
  return wrk.format("GET", "/api/vaccinations?patient_id=" .. patients[n], { ["Host"] = "localhost:$PORT", ["Cookie"] = "__Host-hoso_session=$clinician_token" })
end
response = function(status)
  if status ~= 200 then error("unexpected status " .. status) end
end
LUA

# Warm up, then measure.
wrk -t2 -c"$CONNECTIONS" -d3s -s "$data/read.lua" "http://127.0.0.1:$PORT" >/dev/null
baseline=$(run_wrk baseline -H "Host: localhost:$PORT" "http://127.0.0.1:$PORT/healthz")
read=$(run_wrk citizen_read -s "$data/read.lua" "http://127.0.0.1:$PORT")
clinician=$(run_wrk clinician_read -s "$data/clinician.lua" "http://127.0.0.1:$PORT")
audit_rows=$(sqlite3 "$data/hoso.db" 'select count(*) from audit_event' 2>/dev/null || echo "?")

wasm="$(ls target/site/pkg/hoso*.wasm | head -1)"
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$(brotli -c -q 11 "$wasm" | wc -c)

echo
echo "hoso benchmark — $(date -u +%Y-%m-%d) — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "population: $PATIENTS people, $(sqlite3 "$data/hoso.db" 'select count(*) from clinical_resource' 2>/dev/null || echo '?') clinical entries; $USERS signed-in citizens; wrk $CONNECTIONS connections, $DURATION"
printf '%-14s %12s %10s %10s\n' route "requests/s" p50 p99
set -- $baseline; printf '%-14s %12s %10s %10s\n' "(a) /healthz" "$2" "$3" "$4"; base_rps=$2
set -- $read; printf '%-14s %12s %10s %10s\n' "(b) own vaccinations" "$2" "$3" "$4"; read_rps=$2
set -- $clinician; printf '%-14s %12s %10s %10s\n' "(c) via grant" "$2" "$3" "$4"; clinician_rps=$2
awk -v a="$base_rps" -v b="$read_rps" -v c="$clinician_rps" 'BEGIN { printf "ratio (b)/(a): %.2f   (c)/(a): %.2f   (c)/(b): %.2f (grant check slows the read by %.0f%%)\n", b / a, c / a, c / b, (1 - c / b) * 100 }'
echo "audit rows written: $audit_rows"
printf 'hydrate wasm: %d KB raw, %d KB gzip, %d KB brotli\n' $((raw / 1024)) $((gz / 1024)) $((br / 1024))

#!/usr/bin/env bash
# Benchmark, on SQLite and then on PostgreSQL (BENCH_DATABASES="sqlite postgres"; the local
# PostgreSQL server is installed and started when missing): a synthetic population, signed-in users, and HTTP load from a separate
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

root="$(mktemp -d /tmp/hoso-bench.XXXXXX)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$root"' EXIT
results="$root/results.txt"
: > "$results"

# One database: populate, sign in, serve, measure (a), (b), (c); appends "<db> <name> rps p50 p99"
# lines to $results and the population's size to $root/<db>.population.
bench_on() { # label, DATABASE_URL
  local db="$1" url="$2"
  local data="$root/$db"
  mkdir -p "$data"
  export DATABASE_URL="$url" HOSO_DATA_DIR="$data" HOSO_SEED_DEMO=false \
    HOSO_LISTEN="127.0.0.1:$PORT" HOSO_PUBLIC_URL="http://localhost:$PORT" HOSO_SITE_ROOT=target/site RUST_LOG=warn

  say "[$db] Populating $PATIENTS people × ~$ENTRIES clinical entries"
  "$TARGET/release/server" bench-populate --patients "$PATIENTS" --entries "$ENTRIES" >&2
  say "[$db] Signing $USERS citizens in (enrolment code → passkey → session)"
  "$TARGET/release/examples/bench_sessions" --count "$USERS" > "$data/sessions.txt"
  awk '$1 == "citizen" {print $2}' "$data/sessions.txt" > "$data/tokens.txt"
  awk '$1 == "citizen" {print $3}' "$data/sessions.txt" > "$data/patients.txt"
  local clinician_token
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
  run_wrk "$db" baseline -H "Host: localhost:$PORT" "http://127.0.0.1:$PORT/healthz" >> "$results"
  run_wrk "$db" citizen_read -s "$data/read.lua" "http://127.0.0.1:$PORT" >> "$results"
  run_wrk "$db" clinician_read -s "$data/clinician.lua" "http://127.0.0.1:$PORT" >> "$results"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  "$TARGET/release/server" counts > "$root/$db.population"
}

run_wrk() { # db, name, args...
  local db="$1" name="$2"; shift 2
  say "[$db] wrk: $name"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" > "$root/$db.$name.txt"
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$root/$db.$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$root/$db.$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$root/$db.$name.txt")
  if grep -q "Non-2xx" "$root/$db.$name.txt"; then grep "Non-2xx" "$root/$db.$name.txt" >&2; fi
  echo "$db $name $rps $p50 $p99"
}

databases="${BENCH_DATABASES:-sqlite postgres}"
for db in $databases; do
  case "$db" in
    sqlite) bench_on sqlite "sqlite://$root/sqlite/hoso.db" ;;
    postgres)
      say "PostgreSQL (the machine's local server; installed and started when missing)"
      admin="$(bash .ci/postgres.sh)"
      name="hoso_bench_$$"
      psql "$admin" -qc "drop database if exists $name" -c "create database $name" >&2
      bench_on postgres "${admin%/*}/$name"
      psql "$admin" -qc "drop database $name with (force)" >&2 || true
      ;;
    *) echo "BENCH_DATABASES: sqlite and/or postgres, got $db" >&2; exit 2 ;;
  esac
done

echo
echo "hoso benchmark — $(date -u +%Y-%m-%d) — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "population: $PATIENTS people × ~$ENTRIES entries; $USERS signed-in citizens; wrk $CONNECTIONS connections, $DURATION; server and wrk on the same cores"
for db in $databases; do
  echo
  echo "[$db] $(tr -d '\n' < "$root/$db.population")"
  printf '%-22s %12s %10s %10s\n' route "requests/s" p50 p99
  base=$(awk -v d="$db" '$1 == d && $2 == "baseline"' "$results"); read=$(awk -v d="$db" '$1 == d && $2 == "citizen_read"' "$results")
  clin=$(awk -v d="$db" '$1 == d && $2 == "clinician_read"' "$results")
  set -- $base; printf '%-22s %12s %10s %10s\n' "(a) /healthz" "$3" "$4" "$5"; base_rps=$3
  set -- $read; printf '%-22s %12s %10s %10s\n' "(b) own vaccinations" "$3" "$4" "$5"; read_rps=$3
  set -- $clin; printf '%-22s %12s %10s %10s\n' "(c) via grant" "$3" "$4" "$5"; clinician_rps=$3
  awk -v a="$base_rps" -v b="$read_rps" -v c="$clinician_rps" 'BEGIN { printf "ratio (b)/(a): %.2f   (c)/(a): %.2f   (c)/(b): %.2f (the grant check makes the read %.0f%% slower)\n", b / a, c / a, c / b, (1 - c / b) * 100 }'
done
wasm="$(ls target/site/pkg/hoso*.wasm | head -1)"
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$(brotli -c -q 11 "$wasm" | wc -c)
printf 'hydrate wasm: %d KB raw, %d KB gzip, %d KB brotli\n' $((raw / 1024)) $((gz / 1024)) $((br / 1024))

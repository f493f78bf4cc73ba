#!/usr/bin/env bash
# Builds each candidate FHIR model crate from cold (its own target directory, 2 jobs), times the
# build, measures the stripped release binary, runs the same checks (common.rs) and prints them.
#   bash docs/fhir-crates/run.sh [candidate ...]     (default: baseline fhirbolt helios fhir-model)
# Needs crates.io. Takes long: the model crates are large generated code.
set -uo pipefail
cd "$(dirname "$0")"
out="${HOSO_EVAL_DIR:-$HOME/.cache/hoso/fhir-eval}"
mkdir -p "$out"
candidates=("$@")
[ ${#candidates[@]} -eq 0 ] && candidates=(baseline fhirbolt helios fhir-model)
for name in "${candidates[@]}"; do
  target="$out/target-$name"
  rm -rf "$target"
  start=$(date +%s)
  if (cd "$name" && CARGO_TARGET_DIR="$target" timeout "${HOSO_EVAL_TIMEOUT:-2400}" cargo build --release -j 2 >"$out/$name.build.log" 2>&1); then
    seconds=$(( $(date +%s) - start ))
    bin="$target/release/eval-$name"
    version=$(grep -A1 -E "^name = \"(fhirbolt|helios-fhir|fhir-model|serde_json)\"$" "$name/Cargo.lock" | grep version | head -1 | cut -d'"' -f2)
    printf '%s\tversion\t%s\n' "$name" "$version"
    printf '%s\tcold release build, s (2 jobs)\t%s\n' "$name" "$seconds"
    printf '%s\tstripped binary, bytes\t%s\n' "$name" "$(stat -c %s "$bin")"
    "$bin"
  else
    seconds=$(( $(date +%s) - start ))
    printf '%s\tbuild\tFAILED after %s s: %s\n' "$name" "$seconds" "$(grep -m1 -E '^error' "$out/$name.build.log")"
  fi
done

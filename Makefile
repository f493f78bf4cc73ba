# hoso: the two commands (and a benchmark). See README.md.
SHELL := /bin/bash
export PATH := $(HOME)/.cache/hoso/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run test bench bench-fhir bench-web build

## Install what is missing, build, migrate, seed the demo data and serve on http://127.0.0.1:3000
run:
	@bash .ci/tools.sh run
	cargo leptos build --release --precompress --split
	@HOSO_SEED_DEMO=$${HOSO_SEED_DEMO:-true} bash .ci/serve.sh

## Every test: unit, store (SQLite and PostgreSQL), HTTP, passkeys, browser
test:
	@bash .ci/tools.sh test
	@bash .ci/test.sh

## Release build only
build:
	@bash .ci/tools.sh run
	cargo leptos build --release --precompress --split

## Load benchmark (see BENCHMARKS.md)
bench:
	@bash .ci/tools.sh bench
	@bash .ci/bench.sh

## FHIR import and read benchmark (see BENCHMARKS.md)
bench-fhir:
	@bash .ci/tools.sh run
	LEPTOS_OUTPUT_NAME=hoso cargo run --release --locked -p server --example bench_fhir -- --copies 10 --reads 4000

## Front end: bundle per file (raw, gzip, brotli as served), first-visit transfer, Lighthouse, render time (see BENCHMARKS.md)
bench-web:
	@bash .ci/tools.sh bench
	@bash .ci/bench-web.sh

#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the store tests, starting (and on a
# fresh machine installing) Debian's server when it does not. Prints the URL the tests should use.
set -euo pipefail
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
url="${HOSO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
reachable() { psql "$1" -tAc 'select 1' >/dev/null 2>&1; }
if reachable "$url"; then echo "$url"; exit 0; fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  sudo_if_needed apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq postgresql >&2
fi
version="$(ls /etc/postgresql | sort -V | tail -1)"
sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
for _ in $(seq 1 30); do
  reachable "$url" && { echo "$url"; exit 0; }
  # A fresh Debian cluster asks for a password over TCP: give the postgres role one for the tests.
  if sudo_if_needed su postgres -c "psql -tAc \"alter user postgres password 'hoso-test'\"" >/dev/null 2>&1; then
    alt="postgres://postgres:hoso-test@127.0.0.1:5432/postgres"
    reachable "$alt" && { echo "$alt"; exit 0; }
  fi
  sleep 1
done
echo "PostgreSQL is not reachable at $url" >&2
exit 1

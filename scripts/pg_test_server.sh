#!/usr/bin/env bash
# A PostgreSQL server for the test suite (SPEC §12), on 127.0.0.1, as the postgres user.
# Installs Debian's `postgresql` when missing, creates a cluster when there is none, starts it
# when it is down, gives the postgres role a password when it cannot log in over TCP with one,
# and prints the SQLAlchemy URL the tests take (--pg-url / $OFFICEKIT_TEST_PG_URL).
# Safe to run again, and on a machine where a cluster already runs: then it only checks.
set -euo pipefail

password="${OFFICEKIT_TEST_PG_PASSWORD:-postgres}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
say() { echo "pg_test_server: $*" >&2; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  say "installing Debian's postgresql"
  as_root apt-get update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends postgresql >&2
fi

# "version name port status" of the first online cluster, else of the first one
pick() {
  pg_lsclusters --no-header 2>/dev/null \
    | awk '{ line = $1 " " $2 " " $3 " " $4 } $4 ~ /^online/ { print line; found = 1; exit }
           !first { first = line } END { if (!found && first) print first }'
}
cluster="$(pick)"
if [ -z "$cluster" ]; then
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  say "creating cluster $version/main"
  as_root pg_createcluster "$version" main >&2
  cluster="$(pick)"
fi
read -r version name port status <<<"$cluster"
if [[ "$status" != online* ]]; then
  say "starting cluster $version/$name on port $port"
  as_root pg_ctlcluster "$version" "$name" start >&2
fi
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$port" >&2

login() {
  PGPASSWORD="$password" psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAtc "SELECT 1" \
    >/dev/null 2>&1
}
if ! login; then
  say "setting the password of the postgres role"
  as_postgres psql -p "$port" -d postgres -qc "ALTER ROLE postgres PASSWORD '$password'" >&2
  login || { say "cannot log in as postgres on 127.0.0.1:$port"; exit 1; }
fi
echo "postgresql+psycopg://postgres:$password@127.0.0.1:$port/postgres"

# Sourced by .ci/run: a throwaway PostgreSQL server on loopback for the store's tests.
# Installs Debian's package when initdb is missing, initialises a cluster in a temp dir (owned by
# the `postgres` user when CI runs as root), starts it on a free port, creates a database,
# exports DATELINE_TEST_POSTGRES and stops the server when the calling shell exits.
pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && echo "$dir"; done | sort -V | tail -1
}
if [ -z "$(pg_bin)" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(pg_bin)"
PG_DIR="$(mktemp -d /tmp/dateline-pg.XXXXXX)"
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
PG_USER="$( [ "$(id -u)" = 0 ] && echo postgres || id -un )"
as_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -A trust -U '$PG_USER' >'$PG_DIR/initdb.log' 2>&1"
as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/server.log' -w -o \"-h 127.0.0.1 -p $PG_PORT -k '$PG_DIR'\" start >/dev/null"
trap 'as_pg "\"$PG_BIN/pg_ctl\" -D \"$PG_DIR/data\" -m fast stop" >/dev/null 2>&1 || true; rm -rf "$PG_DIR"' EXIT
as_pg "'$PG_BIN/createdb' -h 127.0.0.1 -p $PG_PORT -U '$PG_USER' dateline_test"
export DATELINE_TEST_POSTGRES="postgresql://$PG_USER@127.0.0.1:$PG_PORT/dateline_test"
echo "PostgreSQL for the store tests: $DATELINE_TEST_POSTGRES"

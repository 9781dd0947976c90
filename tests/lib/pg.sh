# tests/lib/pg.sh — a private PostgreSQL for tests and the demo.
#
# Source it, then:  pg_start DIR   (initdb if needed, start on a Unix socket
# in DIR, export PGHOST PGPORT PGUSER PGDATABASE); pg_stop DIR; pg_restart DIR.
# PostgreSQL refuses to run as root: as root the server runs as the
# `postgres` user (created by Debian's postgresql package), else as the
# current user.

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && echo "$d"; done | sort -V | tail -n 1
}

pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  local dir=$1 bin
  bin=$(pg_bindir)
  [ -n "$bin" ] || { echo "pg.sh: no PostgreSQL server found (apt-get install postgresql)" >&2; return 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; chmod 700 "$dir"; fi
  # The socket directory's parents must be reachable by the server's user.
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_as "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -c listen_addresses='' -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  # A restart keeps the database the caller was using (a test's own).
  export PGHOST=$dir PGPORT=5432 PGUSER=postgres PGDATABASE=${PGDATABASE:-storypress}
  if [ -z "$(psql -qAtc "SELECT 1 FROM pg_database WHERE datname='$PGDATABASE'" postgres)" ]; then
    psql -q -c "CREATE DATABASE \"$PGDATABASE\"" postgres >/dev/null
  fi
}

pg_stop() {
  local dir=$1 bin
  bin=$(pg_bindir)
  [ -f "$dir/data/postmaster.pid" ] || return 0
  pg_as "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

pg_restart() {
  pg_stop "$1"
  pg_start "$1"
}

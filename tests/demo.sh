#!/usr/bin/env bash
# tests/demo.sh BUILD_DIR — `make demo`: a private PostgreSQL and a spool
# under demo/, the sample orders of config/samples/ through every stage with
# the built-in offline providers, then where each order ended.
set -euo pipefail
cd "$(dirname "$0")/.."
SRCDIR=$PWD
BUILD=$SRCDIR/${1:-build}
. tests/lib/pg.sh

DEMO=$SRCDIR/demo
mkdir -p "$DEMO"
chmod 755 "$DEMO"
pgdir=$DEMO/pg
# The server runs as `postgres` when we are root: it must be able to reach
# demo/.  A checkout under a private home directory is not reachable; then
# the server lives in /tmp instead.
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$DEMO"; then
  pgdir=/tmp/storypress-demo-pg
fi
pg_stop "$pgdir" 2>/dev/null || true
unset PGDATABASE
pg_start "$pgdir"
trap 'pg_stop "$pgdir"' EXIT

rm -rf "$DEMO/spool"
cat > "$DEMO/storypress.conf" <<CONF
# The demo's configuration: everything offline, the built-in providers.
spool_dir = $DEMO/spool
database = host=$PGHOST dbname=$PGDATABASE user=$PGUSER
log_level = notice
CONF
export STORYPRESS_CONFIG=$DEMO/storypress.conf
tool=$BUILD/storypress

# A fresh database for each demo run.
psql -q -c "DROP DATABASE IF EXISTS storypress" postgres >/dev/null
psql -q -c "CREATE DATABASE storypress" postgres >/dev/null
"$tool" migrate
"$tool" submit config/samples/*.json
echo "running the pipeline (storypress run --once)..."
start=$(date +%s)
"$tool" run --once
echo "done in $(( $(date +%s) - start )) s"
echo
"$tool" status || true
echo
echo "where each order ended:"
for f in config/samples/*.json; do
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["order_id"])' "$f")
  where=$("$tool" show --json "$id" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["where"] or "nowhere")')
  printf '  %-8s %-9s' "$id" "$where/"
  dir=$DEMO/spool/$where/$id
  if [ -f "$dir/interior.pdf" ]; then
    printf ' %s\n           %s\n' "$dir/interior.pdf" "$dir/cover.pdf"
  elif [ -f "$dir/error.json" ]; then
    printf ' %s\n' "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error"])' "$dir/error.json")"
  else
    echo " $dir"
  fi
done
if [ -d "$DEMO/spool/outbox" ]; then echo; echo "print jobs (outbox): $DEMO/spool/outbox/"; fi

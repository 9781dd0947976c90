# tests/lib/common.sh — helpers for the integration scripts (tests/integ/).
#
# tests/run sets: BUILD (absolute build dir), SPOOL (a fresh spool path),
# TESTTMP (a fresh directory), SRCDIR, PGDIR (the server's directory, for
# pg_stop/pg_start), PGHOST PGPORT PGUSER PGDATABASE (a fresh database).
set -euo pipefail
. "$SRCDIR/tests/lib/pg.sh"

CONF=$TESTTMP/storypress.conf
# A configuration for the test: spool, database from the environment, and
# quick retries.  Extra "key = value" lines may be given as arguments.
write_conf() {
  {
    echo "spool_dir = $SPOOL"
    echo "retry_base = 1"
    echo "retry_cap = 2"
    echo "rescan_interval = 2"
    echo "log_level = info"
    for kv in "$@"; do echo "$kv"; done
  } > "$CONF"
  export STORYPRESS_CONFIG=$CONF
}

fail() { echo "FAIL: $*" >&2; exit 1; }
# plain_only WHY: a load, throughput or kill-loop test runs on the plain
# build only; on the sanitizer build (SAN set by tests/run) it is skipped
# with WHY, so that make check stays short.  Its code paths are run on the
# sanitizer build by the functional tests.
plain_only() { [ -z "${SAN:-}" ] || { echo "skip: plain build only: $*"; exit 77; }; }
ok() { echo "ok: $*"; }

# wait_until SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
wait_until() {
  local limit=$1; shift
  local end=$(( $(date +%s) + limit ))
  until "$@"; do
    [ "$(date +%s)" -lt "$end" ] || return 1
    sleep 0.1
  done
}

# count DIR: entries (not dot names) in a spool directory.
count() { find "$SPOOL/$1" -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l; }

# drop FILE [NAME]: the shop's protocol: write into tmp/, rename into incoming/.
drop() {
  local name=${2:-$(basename "$1")}
  mkdir -p "$SPOOL/tmp" "$SPOOL/incoming"
  cp "$1" "$SPOOL/tmp/.$name.$$"
  mv "$SPOOL/tmp/.$name.$$" "$SPOOL/incoming/$name"
}

# make_order ID [FIELD=JSON...]: a valid order on stdout with that id,
# built from the first sample order.
make_order() {
  local id=$1; shift
  python3 - "$SRCDIR/config/samples" "$id" "$@" <<'PY'
import json, sys, glob
src = sorted(glob.glob(sys.argv[1] + "/*.json"))[0]
o = json.load(open(src))
o["order_id"] = sys.argv[2]
for kv in sys.argv[3:]:
    path, val = kv.split("=", 1)
    keys = path.split(".")
    d = o
    for k in keys[:-1]:
        d = d[k]
    d[keys[-1]] = json.loads(val)
print(json.dumps(o, ensure_ascii=False))
PY
}

sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

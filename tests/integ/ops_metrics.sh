# ops_metrics.sh — `storypress metrics`: the Prometheus text file, written
# atomically to metrics_file, well formed, with the spool's and the
# database's figures as they are; and without a database, the spool's
# figures with storypress_database_up 0 and exit status 1.
. "$SRCDIR/tests/lib/common.sh"

mkdir -p "$TESTTMP/prom"
prom=$TESTTMP/prom/storypress.prom
write_conf "metrics_file = $prom"
sp() { "$BUILD/storypress" "$@"; }
sp migrate >/dev/null
sp status >/dev/null || true

# Two orders waiting in art (one claimed by a worker), one done.
mkdir -p "$SPOOL/art/M1" "$SPOOL/art/.work/w1/M2" "$SPOOL/done/M3"
touch -d '10 minutes ago' "$SPOOL/art/M1"
sql "INSERT INTO customers (id, email, name) VALUES ('c1', 'a@example.com', 'A')"
for o in M1:art M2:art M3:done; do
  sql "INSERT INTO orders (id, customer_id, state, canonical, order_json) VALUES ('${o%:*}', 'c1', '${o#*:}', '${o%:*}', '{}')"
done
sql "INSERT INTO order_events (order_id, from_state, to_state, worker) VALUES
     ('M1', 'incoming', 'story', 't'), ('M1', 'story', 'art', 't'), ('M3', 'print', 'done', 't')"
sql "INSERT INTO rejects (entry, reason, worker) VALUES ('x.json', 'bad', 't')"
sql "INSERT INTO api_calls (order_id, provider, kind, cost, error) VALUES
     ('M1', 'openai', 'image', 0.04, NULL), ('M1', 'openai', 'image', 0.04, 'HTTP 500'),
     ('M1', 'open\"ai', 'story', 0.5, NULL)"

sp metrics || fail "metrics exit status $?"
[ -f "$prom" ] || fail "no $prom"
cat "$prom"
[ "$(ls -A "$TESTTMP/prom")" = storypress.prom ] || fail "left behind: $(ls -A "$TESTTMP/prom")"
has() { grep -qxF "$1" "$prom" || fail "missing: $1"; }
has 'storypress_spool_entries{dir="art"} 1'
has 'storypress_spool_active{dir="art"} 1'
has 'storypress_spool_entries{dir="done"} 1'
has 'storypress_spool_entries{dir="story"} 0'
has 'storypress_orders{state="art"} 2'
has 'storypress_orders{state="done"} 1'
has 'storypress_transitions_total{to="art"} 1'
has 'storypress_rejects_total 1'
has 'storypress_api_calls_total{provider="openai",kind="image"} 2'
has 'storypress_api_errors_total{provider="openai",kind="image"} 1'
has 'storypress_api_cost_usd_total{provider="openai",kind="image"} 0.08'
has 'storypress_api_calls_total{provider="open\"ai",kind="story"} 1'
has 'storypress_database_up 1'
# The format: HELP and TYPE before every family, samples name{labels} value.
python3 - "$prom" <<'PY' || fail "not well-formed Prometheus text"
import re, sys
typed = set()
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.eE+-]+|NaN)$')
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("# TYPE "):
        typed.add(line.split()[2]); continue
    if line.startswith("# HELP "):
        continue
    m = sample.match(line)
    assert m, line
    assert m.group(1) in typed, "no TYPE before " + line
PY
age=$(sed -n 's/^storypress_spool_oldest_seconds{dir="art"} //p' "$prom")
[ "$age" -ge 0 ] || fail "oldest age $age"
ok "metrics file complete and well formed"

# --output -: the same on standard output, nothing written.
rm "$prom"
sp metrics --output - >"$TESTTMP/stdout.prom" || fail "metrics --output - exit status $?"
grep -qxF 'storypress_rejects_total 1' "$TESTTMP/stdout.prom" || fail "--output -"
[ ! -e "$prom" ] || fail "--output - wrote the file"
ok "--output -"

# Without the database: spool figures, database_up 0, exit 1.
set +e
STORYPRESS_DATABASE="host=$TESTTMP/nowhere dbname=x connect_timeout=2" sp metrics 2>"$TESTTMP/err"; st=$?
set -e
[ "$st" = 1 ] || fail "no database: exit $st, want 1"
has 'storypress_database_up 0'
has 'storypress_spool_entries{dir="art"} 1'
grep -q '^storypress_orders' "$prom" && fail "database figures without a database"
ok "without the database: spool figures, storypress_database_up 0, exit 1"

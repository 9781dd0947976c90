# ops_stats.sh — `storypress stats`: orders, events, rejects and API calls
# written at known times, then the per-day counts, the median and 95th
# percentile of the time in each stage, the costs (total and per book) and
# the failures by reason are checked as printed, and as --json.
. "$SRCDIR/tests/lib/common.sh"

write_conf
sp() { "$BUILD/storypress" "$@"; }
sp migrate >/dev/null

sql "INSERT INTO customers (id, email, name) VALUES ('c1', 'c1@example.com', 'C One')"
order() { # ID RECEIVED STATE
  sql "INSERT INTO orders (id, customer_id, state, canonical, order_json, received_at)
       VALUES ('$1', 'c1', '$3', '$1', '{}', '$2+00')"
}
ev() { # ID FROM TO TIME [ERROR]
  local detail=NULL
  [ $# -ge 5 ] && detail="jsonb_build_object('error', '$5')"
  sql "INSERT INTO order_events (order_id, from_state, to_state, at, worker, detail)
       VALUES ('$1', '$2', '$3', '$4+00', 'test', $detail)"
}
api() { # ID KIND COST TIME
  sql "INSERT INTO api_calls (order_id, provider, kind, cost, at) VALUES ('$1', 'openai', '$2', $3, '$4+00')"
}

# Before the window: must not count.
order S0 '2026-02-01 10:00' done
ev S0 incoming story '2026-02-01 10:00:00'; ev S0 story art '2026-02-01 10:00:05'
ev S0 art failed '2026-02-01 10:01:00' 'old failure'
api S0 image 9.99 '2026-02-01 10:00:30'

# Story stays of 10, 20, 30, 40 and 100 s: median 30 s, p95 88 s.
# Art stays of 300, 200, 60 and 120 s: median 160 s, p95 285 s.
order S1 '2026-03-10 10:00' done
ev S1 incoming story '2026-03-10 10:00:00'; ev S1 story art '2026-03-10 10:00:10'
ev S1 art pdf '2026-03-10 10:05:10';       ev S1 pdf print '2026-03-10 10:05:40'
ev S1 print done '2026-03-10 10:15:40'
order S2 '2026-03-10 11:00' done
ev S2 incoming story '2026-03-10 11:00:00'; ev S2 story art '2026-03-10 11:00:20'
ev S2 art pdf '2026-03-10 11:03:40';       ev S2 pdf print '2026-03-10 11:04:10'
ev S2 print done '2026-03-10 11:14:10'
order S3 '2026-03-10 12:00' failed
ev S3 incoming story '2026-03-10 12:00:00'; ev S3 story art '2026-03-10 12:00:30'
ev S3 art failed '2026-03-10 12:01:30' 'art: image provider refused the prompt'
order S4 '2026-03-10 13:00' failed
ev S4 incoming story '2026-03-10 13:00:00'
ev S4 story failed '2026-03-10 13:00:40' "story: the model''s reply is not JSON"
order S5 '2026-03-10 14:00' failed
ev S5 incoming story '2026-03-10 14:00:00'; ev S5 story art '2026-03-10 14:01:40'
ev S5 art failed '2026-03-10 14:03:40' 'art: image provider refused the prompt'
order S6 '2026-03-11 09:00' story
ev S6 incoming story '2026-03-11 09:00:00'
sql "INSERT INTO rejects (entry, reason, worker, at) VALUES
     ('x.json', 'bad', 'test', '2026-03-10 08:00+00'), ('y.json', 'bad', 'test', '2026-03-11 08:00+00')"

# Costs: S1 0.002 + 3 × 0.04 = 0.122, S2 0.004 + 2 × 0.04 = 0.084, S3 0.04.
api S1 story 0.002 '2026-03-10 10:00:05'
for i in 1 2 3; do api S1 image 0.04 '2026-03-10 10:02:00'; done
api S2 story 0.004 '2026-03-10 11:00:10'
for i in 1 2; do api S2 image 0.04 '2026-03-10 11:02:00'; done
api S3 image 0.04 '2026-03-10 12:01:00'

out=$(sp stats --since 2026-03-01); echo "$out"
has() { grep -Eq "$1" <<<"$out" || fail "stats lacks: $1"; }
has '^storypress stats since 2026-03-01 00:00 UTC$'
has '^2026-03-10 +5 +2 +3 +1$'
has '^2026-03-11 +1 +0 +0 +1$'
has '^total +6 +2 +3 +2$'
grep -q '2026-02-01' <<<"$out" && fail "an event before the window is counted"
has '^story +5 +30s +88s$'
has '^art +4 +2m40s +4m45s$'
has '^pdf +2 +30s +30s$'
has '^print +2 +10m00s +10m00s$'
has '^openai image +6 +0\.2400$'
has '^openai story +2 +0\.0060$'
has '^total +8 +0\.2460$'
has '^per book \(2 done\) +0\.1030$'
has '^ +2  art: image provider refused the prompt$'
has "^ +1  story: the model's reply is not JSON$"
grep -q 'old failure' <<<"$out" && fail "a failure before the window is counted"
ok "stats: days, stage times, costs, failures"

sp stats --since 2026-03-01 --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["total"] == {"received": 6, "done": 2, "failed": 3, "rejected": 2}, r["total"]
st = {s["stage"]: s for s in r["stages"]}
assert abs(st["story"]["median_seconds"] - 30) < 1e-6 and abs(st["story"]["p95_seconds"] - 88) < 1e-6, st
assert abs(st["art"]["median_seconds"] - 160) < 1e-6, st
assert r["api"]["calls"] == 8 and abs(r["api"]["cost"] - 0.246) < 1e-9, r["api"]
assert r["api"]["books"] == 2 and abs(r["api"]["cost_per_book"] - 0.103) < 1e-9, r["api"]
assert r["failures"][0] == {"reason": "art: image provider refused the prompt", "count": 2}, r["failures"]
' || fail "stats --json"
ok "stats --json"

# A window with nothing in it, and a bad --since.
out=$(sp stats --since 1s)
grep -Eq '^total +0 +0 +0 +0$' <<<"$out" || fail "empty window: $out"
set +e
sp stats --since yesterday >/dev/null 2>&1; st=$?
set -e
[ "$st" = 2 ] || fail "--since yesterday: exit $st, want 2"
ok "empty window, bad --since"

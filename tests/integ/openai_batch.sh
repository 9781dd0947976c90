#!/usr/bin/env bash
# openai_batch.sh — the art daemon's batch mode with art_provider = openai:
# with openai_max_in_flight = 6 one `storypress-art --once` claims the three
# orders in art/ together and draws their pictures through one pool of
# requests, so the fake sees requests of different books in flight at the
# same time, never more than 6 at once; a book whose pictures the provider
# refuses for good (a content policy) goes to failed/ after asking for no
# more than the requests already in flight, while the other two reach pdf/;
# a SIGTERM in the middle of a batch puts every order back with no attempt
# counted, and the next pass pays only for the pictures still missing.
. "$SRCDIR/tests/lib/common.sh"
plain_only "a throughput run of 200 pictures; the remote art code runs on the sanitizer build in openai_art, openai_hostile and openai_moderation"
. "$SRCDIR/tests/integ/openai_lib.sh"

openai_start
openai_conf "openai_max_in_flight = 6"

# stories_for IDS...: the orders submitted (each child a different age, so
# each book's prompts name its own character) and through the story stage.
stories_for() {
  local id age=3
  for id in "$@"; do
    age=$((age + 1))
    submit "$id" "child.age=$age"
  done
  fake_ctl '{"latency_ms": 0}'
  run_stage story
  for id in "$@"; do
    [ "$(where "$id")" = art ] || fail "$id story: $(where "$id") $(row "$id")"
  done
}

# --- three books in one pass, their requests overlapping ------------------------------------
stories_for B1 B2 B3
fake_ctl '{"latency_ms": 300}'
before=$(fake_stat images)
run_stage art
for id in B1 B2 B3; do
  [ "$(where "$id")" = pdf ] || fail "$id is in $(where "$id"): $(row "$id") $(tail -5 "$DLOG")"
  [ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = '$id' AND kind = 'image' AND http_status = 200")" = 25 ] ||
    fail "$id: $(sql "SELECT count(*) FROM api_calls WHERE order_id = '$id'") image calls, want 25"
done
[ $(( $(fake_stat images) - before )) = 78 ] || fail "$(( $(fake_stat images) - before )) requests for 75 pictures and 3 character sheets"
peak=$(fake_stat peak_in_flight)
[ "$peak" -le 6 ] || fail "$peak requests in flight, more than 6"
[ "$peak" = 6 ] || fail "peak in flight $peak: the pool of 6 was never full"
python3 - "$(curl -fsS "http://127.0.0.1:$OPENAI_PORT/__stats")" <<'PY' || fail "no two books' requests overlapped"
import json, sys
log = [r for r in json.loads(sys.argv[1])["image_log"][-78:] if r["book"]]  # pages, not sheets
books = {r["book"] for r in log}
assert len(books) == 3, books
# Requests of different books in flight at the same moment.
overlaps = sum(1 for a in log for b in log
               if a["book"] < b["book"] and a["t0"] < b["t1"] and b["t0"] < a["t1"])
assert overlaps > 0, "no overlap"
# The most requests of more than one book at once, from the arrivals and answers.
ev = sorted([(r["t0"], 1, r["book"]) for r in log] + [(r["t1"], -1, r["book"]) for r in log])
cur, most = {}, 0
for t, d, b in ev:
    cur[b] = cur.get(b, 0) + d
    most = max(most, sum(1 for v in cur.values() if v > 0))
print("pairs of overlapping requests of different books: %d; books in flight at once: %d"
      % (overlaps, most))
assert most >= 2
PY
ok "B1-B3: one art pass drew the three books together, requests of different books in flight at once, at most 6"

# --- a book refused for good fails alone -----------------------------------------------------
stories_for C1 C2 C3 # C2's child is 5: "a 5-year-old girl" in its prompts only
fake_ctl '{"latency_ms": 300}'
fake_ctl '{"mode": "policy", "count": -1, "endpoint": "images", "match": "a 5-year-old girl"}'
run_stage art
fake_ctl '{"mode": "ok", "match": ""}'
[ "$(where C2)" = failed ] || fail "C2 is in $(where C2): $(row C2)"
failed_reason C2 | grep -q 'safety system' || fail "C2: error.json: $(failed_reason C2)"
for id in C1 C3; do
  [ "$(where "$id")" = pdf ] || fail "$id is in $(where "$id"): $(row "$id") $(tail -5 "$DLOG")"
  [ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = '$id' AND kind = 'image' AND http_status = 200 AND error IS NULL")" = 25 ] ||
    fail "$id: not 25 pictures paid"
done
asked=$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'C2' AND kind IN ('image', 'sheet')")
[ "$asked" -ge 1 ] && [ "$asked" -le 6 ] || fail "C2: $asked requests; after the refusal none should start"
ok "C2 refused (content policy) went to failed/ after $asked requests; C1 and C3 reached pdf/ in the same pass"

# --- SIGTERM in the middle of a batch: every order back, no attempt counted -----------------
stories_for D1 D2 D3
fake_ctl '{"latency_ms": 1500}'
echo "--- storypress-art (SIGTERM)" >>"$DLOG"
"$BUILD/storypress-art" -c "$CONF" 2>>"$DLOG" &
art_pid=$!
in_flight_ge() { [ "$(fake_stat in_flight)" -ge "$1" ]; }
wait_until 20 in_flight_ge 6 || fail "no requests in flight"
kill -TERM "$art_pid"
rc=0
timeout 30 tail --pid="$art_pid" -f /dev/null || fail "the daemon did not stop"
wait "$art_pid" || rc=$?
[ "$rc" = 0 ] || fail "the daemon exited $rc after SIGTERM"
for id in D1 D2 D3; do
  [ "$(where "$id")" = art ] || fail "$id is in $(where "$id") after SIGTERM: $(row "$id")"
  row "$id" | grep -q '^art 0 ' || fail "$id: an attempt was counted for the stop: $(row "$id")"
done
paid=$(sql "SELECT count(*) FROM api_calls WHERE order_id IN ('D1','D2','D3') AND kind = 'image' AND http_status = 200")
[ "$paid" -ge 6 ] || fail "the requests in flight at the stop were not finished: $paid paid"
fake_ctl '{"latency_ms": 0}'
run_stage art
for id in D1 D2 D3; do
  [ "$(where "$id")" = pdf ] || fail "$id is in $(where "$id") after the restart: $(row "$id")"
done
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id IN ('D1','D2','D3') AND kind = 'image' AND http_status = 200")" = 75 ] ||
  fail "D1-D3: not 75 pictures paid once each"
ok "SIGTERM during a batch: $paid pictures in flight finished and kept, the three orders back in art/ with no attempt counted, then drawn without paying twice"

openai_key_not_logged

#!/usr/bin/env bash
# openai_moderation.sh — moderation_blocked (HTTP 400) is permanent for a
# prompt: the page is asked once more with a softened prompt, and a second
# block fails the order with the reason; the paid calls are counted at the
# fake and in api_calls, never a loop.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/openai_lib.sh"

openai_start
openai_conf "openai_max_in_flight = 1"

# --- blocked once, then accepted --------------------------------------------------------
submit M1
run_stage story
e0=$(fake_stat edits)
fake_ctl '{"mode": "moderation", "count": 1, "endpoint": "edits"}'
run_stage art
[ "$(where M1)" = pdf ] || fail "M1 is in $(where M1): $(row M1) $(tail -3 "$DLOG")"
[ $(( $(fake_stat edits) - e0 )) = 26 ] || fail "M1: $(( $(fake_stat edits) - e0 )) edits calls, want 25 + 1 softened"
python3 - "$(curl -fsS "http://127.0.0.1:$OPENAI_PORT/__stats")" <<'PY' || fail "M1: the second request was not softened"
import json, sys
log = json.loads(sys.argv[1])["edit_log"]
assert "gentle, wholesome" not in log[0]["prompt_tail"], log[0]
assert "gentle, wholesome" in log[1]["prompt_tail"], log[1]
assert "The scene:" not in log[1]["prompt"], log[1]["prompt"]
assert sum("gentle, wholesome" in e["prompt_tail"] for e in log) == 1
PY
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'M1' AND kind = 'image' AND http_status = 400 AND error LIKE '%content policy%'")" = 1 ] || fail "M1: the blocked call is not in api_calls"
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'M1' AND kind = 'image' AND http_status = 200")" = 25 ] || fail "M1: not 25 paid pictures"
ok "M1: blocked once, asked once more with a softened prompt, the book finished (26 edits calls)"

# --- blocked twice: the order fails ---------------------------------------------------
submit M2
run_stage story
e0=$(fake_stat edits)
fake_ctl '{"mode": "moderation", "count": 2, "endpoint": "edits"}'
run_stage art
[ "$(where M2)" = failed ] || fail "M2 is in $(where M2): $(row M2)"
failed_reason M2 | grep -q 'cover.jpg: OpenAI refused: the request was blocked by its content policy (HTTP 400).*(the second time with a softened prompt)' || fail "M2: error.json: $(failed_reason M2)"
[ $(( $(fake_stat edits) - e0 )) = 2 ] || fail "M2: $(( $(fake_stat edits) - e0 )) edits calls, want 2"
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'M2' AND kind = 'image'")" = 2 ] || fail "M2: $(sql "SELECT count(*) FROM api_calls WHERE order_id = 'M2' AND kind = 'image'") image calls recorded, want 2"
run_stage art
[ $(( $(fake_stat edits) - e0 )) = 2 ] || fail "M2: asked again after failing"
ok "M2: blocked twice: failed with the reason after 2 edits calls, no more"

# --- the check: a failing page drawn once more, then kept with a warning --------------
openai_conf "openai_max_in_flight = 2" "art_check = vision"
fake_ctl '{"mode": "ok", "check": "fail"}'
submit V1
run_stage story
e0=$(fake_stat edits); c0=$(fake_stat checks)
run_stage art
[ "$(where V1)" = pdf ] || fail "V1 is in $(where V1): $(row V1) $(tail -3 "$DLOG")"
[ $(( $(fake_stat edits) - e0 )) = 50 ] || fail "V1: $(( $(fake_stat edits) - e0 )) edits calls, want 25 × 2"
[ $(( $(fake_stat checks) - c0 )) = 50 ] || fail "V1: $(( $(fake_stat checks) - c0 )) checks, want 50"
w=$(sql "SELECT jsonb_array_length(detail->'warnings') FROM order_events WHERE order_id = 'V1' AND to_state = 'pdf'")
[ "$w" = 25 ] || fail "V1: $w warnings in the event, want 25"
sql "SELECT detail->'warnings'->>0 FROM order_events WHERE order_id = 'V1' AND to_state = 'pdf'" | grep -q 'not the same child (the hair is straight' || fail "V1: warning text"
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'V1' AND kind = 'check' AND cost > 0 AND tokens_in = 1600")" = 50 ] || fail "V1: check costs not recorded"
fake_ctl '{"check": "pass"}'
submit V2
run_stage story
e0=$(fake_stat edits)
run_stage art
[ "$(where V2)" = pdf ] || fail "V2 is in $(where V2): $(row V2)"
[ $(( $(fake_stat edits) - e0 )) = 25 ] || fail "V2: $(( $(fake_stat edits) - e0 )) edits for passing checks"
[ "$(sql "SELECT detail->'warnings' FROM order_events WHERE order_id = 'V2' AND to_state = 'pdf'")" = "" ] || fail "V2: warnings"
ok "art_check = vision: failing pages drawn once more then kept with 25 warnings in the event; passing pages drawn once; 50 checks paid"

#!/usr/bin/env bash
# openai_story.sh — the story stage with story_provider = openai against the
# fake OpenAI: a strict-schema story is accepted and the order moves on to
# art/ with its call and cost in api_calls; a refusal is asked again and the
# second answer kept; a story that breaks story.json is asked 1 + retries
# times, then the order fails with the reason; the costs add up; the API
# key is in no log.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/openai_lib.sh"

openai_start
openai_conf "openai_story_retries = 2"

# --- a good story ---------------------------------------------------------------
submit S1
run_stage story
[ "$(where S1)" = art ] || fail "S1 is in $(where S1): $(row S1) $(tail -5 "$DLOG")"
python3 - "$SPOOL/art/S1/story.json" <<'PY' || fail "S1: story.json"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["provider"] == "openai", s["provider"]
assert s["order_id"] == "S1" and len(s["pages"]) == 24, (s["order_id"], len(s["pages"]))
assert "Maya" in s["title"], s["title"]
PY
read -r n tin tout cost < <(sql "SELECT count(*), sum(tokens_in), sum(tokens_out), sum(cost) FROM api_calls WHERE order_id = 'S1' AND provider = 'openai' AND kind = 'story' AND http_status = 200 AND error IS NULL" | tr '|' ' ')
[ "$n" = 1 ] || fail "S1: $n story calls recorded: $(sql "SELECT * FROM api_calls")"
[ "$tin" -gt 0 ] && [ "$tout" -gt 0 ] || fail "S1: tokens $tin/$tout"
want=$(python3 -c "print('%.6f' % ($tin * 0.40 / 1e6 + $tout * 1.60 / 1e6))")
[ "$cost" = "$want" ] || fail "S1: cost $cost, want $want"
ok "a strict-schema story is accepted: S1 in art/, $tin+$tout tokens cost \$$cost"

# --- a refusal, then a good answer ---------------------------------------------------
fake_ctl '{"mode": "refusal", "count": 1}'
submit S2
run_stage story
[ "$(where S2)" = art ] || fail "S2 is in $(where S2): $(row S2)"
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'S2'")" = 2 ] || fail "S2: not 2 calls"
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'S2' AND error LIKE '%refused%'")" = 1 ] \
  || fail "S2: the refusal is not recorded: $(sql "SELECT error FROM api_calls WHERE order_id = 'S2'")"
ok "a refusal is asked again and the second story kept"

# --- a story that breaks the schema, every time ------------------------------------------
before=$(fake_stat chat)
fake_ctl '{"mode": "bad_story", "count": -1}'
submit S3
run_stage story
[ "$(where S3)" = failed ] || fail "S3 is in $(where S3): $(row S3)"
[ $(( $(fake_stat chat) - before )) = 3 ] || fail "S3: $(( $(fake_stat chat) - before )) requests, want 1 + 2 retries"
failed_reason S3 | grep -q 'pages\[0\]\.scene\.setting' || fail "S3: error.json does not say why: $(failed_reason S3)"
failed_reason S3 | grep -q '3 attempts' || fail "S3: error.json does not count the attempts: $(failed_reason S3)"
failed_event S3 | grep -q 'setting' || fail "S3: the failed event: $(failed_event S3)"
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'S3' AND error LIKE '%mars%' AND cost > 0")" = 3 ] \
  || fail "S3: the 3 paid answers are not recorded"
ok "a story breaking the schema is refused after 3 attempts: $(failed_event S3 | head -c 160)"

# --- costs add up -----------------------------------------------------------------------
total=$(sql "SELECT sum(cost) FROM api_calls")
want=$(sql "SELECT sum(round(tokens_in * 0.40 / 1e6 + tokens_out * 1.60 / 1e6, 6)) FROM api_calls")
[ "$total" = "$want" ] || fail "total cost $total, want $want"
[ "$(sql "SELECT count(*) FROM api_calls")" = 6 ] || fail "$(sql "SELECT count(*) FROM api_calls") calls recorded, want 6"
ok "6 calls recorded, \$$total in all"

openai_key_not_logged

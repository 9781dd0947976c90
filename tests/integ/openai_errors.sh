#!/usr/bin/env bash
# openai_errors.sh — each class of OpenAI error ends where it should, with
# the story stage: insufficient quota, a refused key and a content-policy
# refusal fail the order at once (failed/, with the reason in words); a
# server error and a timeout defer it (still in story/, attempts 1,
# last_error set), and so does a connection closed mid-body; each goes on
# once the fake is well again; a rate
# limit is waited out (Retry-After) and the order goes on in the same pass.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/openai_lib.sh"

openai_start
openai_conf "openai_timeout = 2"

# permanent MODE ID WORDS: the order fails at once with WORDS in its reason.
permanent() {
  fake_ctl "{\"mode\": \"$1\", \"count\": -1}"
  submit "$2"
  run_stage story
  [ "$(where "$2")" = failed ] || fail "$1: $2 is in $(where "$2"): $(row "$2")"
  failed_reason "$2" | grep -qF "$3" || fail "$1: error.json: $(failed_reason "$2")"
  failed_event "$2" | grep -qF "$3" || fail "$1: the failed event: $(failed_event "$2")"
  [ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = '$2' AND http_status IS NOT NULL AND error IS NOT NULL")" -ge 1 ] \
    || fail "$1: the call is not recorded"
  ok "$1: $2 failed: $3"
}
permanent quota E1 "OpenAI refused: insufficient quota on the account"
permanent unauthorized E2 "OpenAI refused: the API key was not accepted"
permanent policy E3 "blocked by its content policy"

# transient MODE ID WORDS: deferred with the reason, then through once well.
transient() {
  fake_ctl "{\"mode\": \"$1\", \"count\": -1}"
  submit "$2"
  run_stage story
  [ "$(where "$2")" = story ] || fail "$1: $2 is in $(where "$2"): $(row "$2")"
  read -r state attempts rest < <(row "$2")
  [ "$state" = story ] && [ "$attempts" = 1 ] || fail "$1: $2 row: $(row "$2")"
  echo "$rest" | grep -qF "$3" || fail "$1: last_error: $rest"
  fake_ctl '{"mode": "ok", "latency_ms": 0}'
  sleep 2.5 # the deferral (retry_base 1 s, with jitter at most 1 s)
  run_stage story
  [ "$(where "$2")" = art ] || fail "$1: $2 did not go on once the fake was well: $(where "$2") $(row "$2")"
  ok "$1: $2 deferred ($3), then through"
}
transient server_error E4 "server error (HTTP 500)"
fake_ctl '{"latency_ms": 4000}'
transient ok E5 "no complete answer"
transient cut E7 "transfer closed with"

# A rate limit: Retry-After 1 s, waited out in the same pass.
fake_ctl '{"mode": "rate_limit", "count": 2, "retry_after": 1}'
submit E6
run_stage story
[ "$(where E6)" = art ] || fail "rate limit: E6 is in $(where E6): $(row E6)"
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'E6' AND http_status = 429")" = 2 ] || fail "E6: 429s not recorded"
ok "a rate limit is waited out (2 × 429, then the story)"

openai_key_not_logged

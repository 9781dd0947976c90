# tests/integ/openai_lib.sh — helpers for the openai providers' integration
# scripts (tests/integ/openai_*.sh), sourced after tests/lib/common.sh.
#
# The fake OpenAI (tests/fakes/fake_openai.py) listens on a port the OS
# picks; the configuration points story_provider and art_provider at it
# with an API key in a file under $TESTTMP.  Orders enter the real way: a
# drop in incoming/ and `storypress-incoming --once`; then the real story
# and art daemons run with --once.  Every daemon's stderr goes to
# $TESTTMP/daemons.log, which openai_key_not_logged searches for the key.
# Every process started here has $TESTTMP on its command line, so tests/run
# finds it, and is stopped on exit.

OPENAI_KEY="sk-test-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
OPENAI_FAKE_PID=
OPENAI_PORT=
DLOG=$TESTTMP/daemons.log

openai_cleanup() {
  [ -n "$OPENAI_FAKE_PID" ] && kill -TERM "$OPENAI_FAKE_PID" 2>/dev/null || true
  [ -n "$OPENAI_FAKE_PID" ] && wait "$OPENAI_FAKE_PID" 2>/dev/null || true
}
trap openai_cleanup EXIT

# openai_start [FAKE FLAGS...]: the fake, on its own port; sets OPENAI_PORT.
openai_start() {
  "$SRCDIR/tests/fakes/fake_openai.py" --timeout 300 --key "$OPENAI_KEY" "$@" \
    >"$TESTTMP/fake.out" 2>"$TESTTMP/fake.err" &
  OPENAI_FAKE_PID=$!
  wait_until 10 grep -q '^PORT ' "$TESTTMP/fake.out" || fail "the fake did not start: $(cat "$TESTTMP/fake.err")"
  OPENAI_PORT=$(awk '/^PORT /{print $2}' "$TESTTMP/fake.out")
  echo "fake OpenAI on 127.0.0.1:$OPENAI_PORT"
}

# openai_conf [KEY = VALUE...]: the test configuration for the openai
# providers (quick retries, 6x9 books asked at their own pixel size).
openai_conf() {
  printf '%s\n' "$OPENAI_KEY" > "$TESTTMP/openai.key"
  chmod 600 "$TESTTMP/openai.key"
  write_conf "story_provider = openai" "art_provider = openai" \
    "openai_base_url = http://127.0.0.1:$OPENAI_PORT/v1" "allow_insecure_http = yes" \
    "openai_api_key_file = $TESTTMP/openai.key" \
    "openai_connect_timeout = 2" "openai_timeout = 10" "openai_rpm = 100000" \
    "trim = 6x9" "max_attempts = 3" "$@"
  "$BUILD/storypress" -c "$CONF" migrate >>"$DLOG" 2>&1 || fail "migrate: $(tail -5 "$DLOG")"
  # A daemon's start makes the spool's skeleton.
  "$BUILD/storypress-incoming" -c "$CONF" --once 2>>"$DLOG" || fail "incoming --once: $(tail -5 "$DLOG")"
}

# fake_ctl JSON: POST /__control.
fake_ctl() {
  curl -fsS -X POST "http://127.0.0.1:$OPENAI_PORT/__control" -d "$1" >/dev/null || fail "fake control $1"
}

# fake_stat KEY: one counter of GET /__stats.
fake_stat() {
  curl -fsS "http://127.0.0.1:$OPENAI_PORT/__stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# submit ID [FIELD=JSON...]: an order dropped and taken in by the real
# incoming daemon; it waits in story/.
submit() {
  local id=$1; shift
  make_order "$id" 'book.trim="6x9"' 'book.pages=24' "$@" > "$TESTTMP/$id.json"
  drop "$TESTTMP/$id.json"
  "$BUILD/storypress-incoming" -c "$CONF" --once 2>>"$DLOG" || fail "incoming --once: $(tail -5 "$DLOG")"
  [ -f "$SPOOL/story/$id/order.json" ] || fail "$id not in story/: $(tail -5 "$DLOG")"
}

# run_stage story|art: one pass of the real daemon (at most RUN_STAGE_TIMEOUT s, 120).
run_stage() {
  echo "--- storypress-$1 --once" >>"$DLOG"
  timeout "${RUN_STAGE_TIMEOUT:-120}" "$BUILD/storypress-$1" -c "$CONF" --once 2>>"$DLOG" || true
}

# where ID: the spool directory the order is in now.
where() {
  local d
  for d in story art pdf print done failed; do
    [ -e "$SPOOL/$d/$1" ] && { echo "$d"; return; }
  done
  echo none
}

# row ID: "state attempts last_error" of the order.
row() { sql "SELECT state || ' ' || attempts || ' ' || coalesce(last_error, '') FROM orders WHERE id = '$1'"; }

# failed_event ID: the reason the database holds for the move to failed/.
failed_event() { sql "SELECT detail->>'error' FROM order_events WHERE order_id = '$1' AND to_state = 'failed'"; }

# failed_reason ID: what error.json says.
failed_reason() { cat "$SPOOL/failed/$1/error.json" 2>/dev/null; }

# openai_key_not_logged: the key is nowhere in the daemons' stderr, the
# error files or the database.
openai_key_not_logged() {
  ! grep -rqF "$OPENAI_KEY" "$DLOG" "$SPOOL" 2>/dev/null || fail "the API key appears in a log or the spool"
  [ "$(sql "SELECT count(*) FROM api_calls WHERE error LIKE '%${OPENAI_KEY:8}%'")" = 0 ] || fail "the API key in api_calls"
  [ "$(sql "SELECT count(*) FROM orders WHERE last_error LIKE '%${OPENAI_KEY:8}%'")" = 0 ] || fail "the API key in orders"
  ok "the API key is in no log, file or row"
}

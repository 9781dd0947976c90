#!/usr/bin/env bash
# backbone_dbdown.sh — PostgreSQL stopped for about 5 s in the middle of a
# run of 100 drops (one in ten invalid): while it is away nothing moves
# (a move is recorded first, so nothing moves unrecorded) and nothing is
# rejected because of it; the daemon never exits; once the server is back,
# processing resumes by itself and every drop ends where it should.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/backbone_lib.sh"

N=100 FIRST=40
# Quick reconnects, so the test does not wait out the default 30 s cap.
write_conf "db_retry_cap = 2" "log_level = notice"
gen_orders "$TESTTMP/drops" D "$N" 10
# Two batches: before and during the outage.
mkdir -p "$TESTTMP/b1" "$TESTTMP/b2"
head -n $((FIRST * 9 / 10)) "$TESTTMP/drops/valid" > "$TESTTMP/b1/valid"
head -n $((FIRST / 10)) "$TESTTMP/drops/invalid" > "$TESTTMP/b1/invalid"
tail -n +$((FIRST * 9 / 10 + 1)) "$TESTTMP/drops/valid" > "$TESTTMP/b2/valid"
tail -n +$((FIRST / 10 + 1)) "$TESTTMP/drops/invalid" > "$TESTTMP/b2/invalid"
for b in b1 b2; do
  while read -r id; do ln -s "$TESTTMP/drops/$id.json" "$TESTTMP/$b/$id.json"; done < <(cat "$TESTTMP/$b/valid" "$TESTTMP/$b/invalid")
done

LOG=$TESTTMP/incoming.log
pid= server_down=
saved_db=$PGDATABASE
server_up() {
  pg_start "$PGDIR" >/dev/null
  export PGDATABASE=$saved_db   # pg_start sets its own default
  server_down=
}
cleanup() {
  [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true
  # Never leave the shared server stopped for the tests that follow.
  [ -z "$server_down" ] || server_up
}
trap cleanup EXIT

"$BUILD/storypress-incoming" -c "$CONF" --worker dbdown 2>>"$LOG" &
pid=$!
alive() { kill -0 "$pid" 2>/dev/null; }
wait_until 30 test -d "$SPOOL/incoming/.work/dbdown" || fail "the daemon did not start: $(cat "$LOG")"

drop_all "$TESTTMP/b1"
wait_until 60 all_placed "$TESTTMP/b1" || fail "the first batch was not placed"
story1=$(count story) rejected1=$(count rejected)
[ "$story1" = $((FIRST * 9 / 10)) ] && [ "$rejected1" = $((FIRST / 10)) ] || fail "first batch: story $story1, rejected $rejected1"
ok "first batch placed: $story1 in story/, $rejected1 rejected"

# --- the outage -------------------------------------------------------------
server_down=1
pg_stop "$PGDIR"
psql -c 'SELECT 1' postgres >/dev/null 2>&1 && fail "the server is still up"
t0=$(date +%s)
drop_all "$TESTTMP/b2" 20
# The daemon tries the drops against a database that is away (60 s in make stress).
sleep "$( [ -n "${STORYPRESS_STRESS:-}" ] && echo 60 || echo 4 )"
alive || fail "the daemon exited while the database was away: $(tail -n 5 "$LOG")"
[ "$(count story)" = "$story1" ] || fail "orders moved to story/ while the database was away"
[ "$(count rejected)" = "$rejected1" ] || fail "drops rejected while the database was away: $(ls "$SPOOL/rejected")"
[ $(( $(count incoming) + $(find "$SPOOL/incoming/.work" -mindepth 2 ! -name '.*' | wc -l) )) = $((N - FIRST)) ] \
  || fail "drops went missing during the outage: $(count incoming) waiting"
ok "database away $(( $(date +%s) - t0 )) s: nothing moved, nothing rejected, daemon up"
server_up
ok "database back"

# --- it resumes by itself ------------------------------------------------------
wait_until 60 all_placed "$TESTTMP/drops" \
  || fail "not resumed: story $(count story), rejected $(count rejected), incoming $(count incoming): $(tail -n 5 "$LOG")"
alive || fail "the daemon exited"
check_final "$TESTTMP/drops"
ok "all $N drops placed after the outage; the database agrees"
grep -q 'connected again\|waiting for the database\|will try again' "$LOG" || fail "the log does not mention the outage"

kill -TERM "$pid"
st=0; wait "$pid" || st=$?; pid=
[ "$st" = 0 ] || fail "exit status $st after SIGTERM"
"$BUILD/storypress" -c "$CONF" fsck || fail "fsck finds differences"
ok "clean stop, fsck clean"

#!/usr/bin/env bash
# backbone_crash.sh — the incoming daemon killed with SIGKILL at random
# moments (every 50–300 ms) while 300 orders (100 on the sanitizer build),
# one in ten invalid, are dropped, and restarted each time.  After a final
# clean run every drop is in exactly one place: each valid id once in
# story/, each invalid drop once in rejected/ with its reason; nothing lost,
# nothing twice; the database agrees and `storypress fsck` is clean.
#
# What makes it hold: a move is recorded before its rename, a repeated drop
# of a recorded order finishes the move instead of doing it twice, and a
# starting worker puts back the claims of dead ones (their flock is free).
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/backbone_lib.sh"

# PAUSE: ms between drops, so that the drops span many kills and the daemon
# is busy at about half of them.  CRASH_N, CRASH_PAUSE, CRASH_EVERY (one
# invalid drop in EVERY; 1: all invalid) to explore by hand.
N=${CRASH_N:-300} PAUSE=${CRASH_PAUSE:-5}
[ -z "${SAN:-}" ] || { N=100; PAUSE=15; }
[ -z "${STORYPRESS_STRESS:-}" ] || { N=3000; PAUSE=2; }
write_conf "log_level = notice"
gen_orders "$TESTTMP/drops" K "$N" "${CRASH_EVERY:-10}"
LOG=$TESTTMP/incoming.log

pid= dropper=
cleanup() {
  [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true
  [ -z "$dropper" ] || kill -9 "$dropper" 2>/dev/null || true
}
trap cleanup EXIT

# The schema first, so that early kills do not all land in the migration.
"$BUILD/storypress" -c "$CONF" migrate || fail "migrate"

drop_all "$TESTTMP/drops" "$PAUSE" &
dropper=$!
kills=0 rounds=0
# Kill while the drops arrive, and a few times more after the last one.
while :; do
  rounds=$((rounds+1))
  [ "$rounds" -lt 400 ] || fail "no end after $rounds rounds"
  "$BUILD/storypress-incoming" -c "$CONF" 2>>"$LOG" &
  pid=$!
  sleep "0.$(printf '%03d' $(( 50 + RANDOM % 251 )))"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills+1)); fi
  wait "$pid" 2>/dev/null || true
  pid=
  if ! kill -0 "$dropper" 2>/dev/null; then
    after=$(( ${after:-0} + 1 ))
    [ "$after" -lt 5 ] || break
  fi
done
wait "$dropper" || fail "the dropper failed"
dropper=
ok "$kills kills in $rounds rounds"

# Work areas of the dead workers are there to be put back (unless the last
# kills all came before a claim).
echo "left by the dead: $(find "$SPOOL/incoming/.work" -mindepth 1 -maxdepth 1 ! -name '*.lock' | wc -l) work areas"

# A final clean run: it puts back the dead workers' claims and drains.
"$BUILD/storypress-incoming" -c "$CONF" --once 2>>"$LOG" || fail "the final --once run failed"
"$BUILD/storypress" -c "$CONF" fsck || fail "fsck finds differences after the crashes"
check_final "$TESTTMP/drops" crash
ok "after $kills kills: every drop in exactly one place, none lost; the database agrees; fsck clean"
grep -c 'put back' "$LOG" | sed 's/^/claims put back: /' || true
grep -c 'recorded before but not in the spool' "$LOG" | sed 's/^/moves finished after a crash: /' || true

#!/usr/bin/env bash
# backbone_race.sh — three incoming workers on one spool while 1000 drops
# (300 on the sanitizer build) arrive, one in ten invalid: every drop ends
# exactly once in story/ or rejected/, nothing stays in incoming/ or a work
# area, and the database agrees with the spool (one row in state story per
# folder, one rejects row per rejected entry, exactly one incoming → story
# event per order).  Claims by rename are what makes this hold.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/backbone_lib.sh"

N=1000
[ -z "${SAN:-}" ] || N=300
WORKERS=3
write_conf "log_level = notice"
gen_orders "$TESTTMP/drops" R "$N" 10

pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for i in $(seq 1 $WORKERS); do
  "$BUILD/storypress-incoming" -c "$CONF" --worker "race$i" 2>>"$TESTTMP/race$i.log" &
  pids+=($!)
done
for i in $(seq 1 $WORKERS); do
  wait_until 30 test -d "$SPOOL/incoming/.work/race$i" || fail "worker $i did not start: $(cat "$TESTTMP/race$i.log")"
done

start=$(date +%s)
drop_all "$TESTTMP/drops"
wait_until 180 all_placed "$TESTTMP/drops" \
  || fail "not done after 180 s: story $(count story), rejected $(count rejected), incoming $(count incoming)"
ok "$N drops placed in $(( $(date +%s) - start )) s by $WORKERS workers"

for p in "${pids[@]}"; do kill -0 "$p" || fail "a worker died"; done
check_final "$TESTTMP/drops"
ok "each drop exactly once in story/ or rejected/; the database agrees"

# Who did what (for the log; the split depends on timing, so no assertion).
sql "SELECT worker, count(*) FROM order_events GROUP BY 1 ORDER BY 1"
sql "SELECT worker, count(*) FROM rejects GROUP BY 1 ORDER BY 1"
! grep -h 'error:' "$TESTTMP"/race*.log | head -n 20 || fail "errors in the workers' logs"

for p in "${pids[@]}"; do kill -TERM "$p"; done
for p in "${pids[@]}"; do st=0; wait "$p" || st=$?; [ "$st" = 0 ] || fail "a worker exited $st"; done
pids=()
[ -z "$(find "$SPOOL/incoming/.work" -mindepth 1 -print -quit)" ] || fail "work areas left after a clean stop"
"$BUILD/storypress" -c "$CONF" fsck || fail "fsck finds differences"
ok "workers stopped cleanly; fsck is clean"

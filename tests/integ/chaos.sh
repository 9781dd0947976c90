# Chaos: the whole pipeline (every stage, two art workers) on many orders
# with the built-in providers, while a driver kills a random stage daemon
# with SIGKILL every 100–500 ms and restarts it, and PostgreSQL is restarted
# once in the middle.  At the end every order is in done/ (none lost, none
# in two places), there is exactly one print job and one outbox job per
# order, and `storypress fsck` is clean — which also checks that every
# order's events are a legal path through the state machine.
#
# make check runs a short version (12 orders, 6 under the sanitizers);
# make stress the long one (500 orders).
. "$SRCDIR/tests/lib/common.sh"
n=12; [ -n "${SAN:-}" ] && n=6; [ -n "${STORYPRESS_STRESS:-}" ] && n=500
write_conf "rescan_interval = 1" "retry_base = 1" "retry_cap = 2" "max_attempts = 100" "db_retry_cap = 1"
tool=$BUILD/storypress
"$tool" migrate >/dev/null
# Books of 24 pages in the quick flat style, so the run stays short.
for i in $(seq 1 "$n"); do
  make_order "C$i" 'book.style="flat"' 'book.pages=24' > "$TESTTMP/C$i.json"
done

workers=(incoming story art art pdf print)
declare -a pids
start() { # index
  local st=${workers[$1]}
  # setsid: the shell does not report each SIGKILL on stderr.
  setsid "$BUILD/storypress-$st" --worker "$st-$1" 2>>"$TESTTMP/$st-$1.log" &
  pids[$1]=$!
}
for i in "${!workers[@]}"; do start "$i"; done
stop_all() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap 'stop_all; pg_start "$PGDIR" >/dev/null 2>&1 || true' EXIT

for i in $(seq 1 "$n"); do drop "$TESTTMP/C$i.json"; done

finished() { [ "$(( $(count done) + $(count failed) ))" -ge "$n" ]; }
kills=0 restarted_pg=0 t0=$(date +%s)
limit=$(( n * 10 + 120 ))
while ! finished; do
  [ $(( $(date +%s) - t0 )) -lt "$limit" ] || { "$tool" status; fail "not finished after ${limit}s"; }
  sleep "0.$(( RANDOM % 400 + 100 ))"
  i=$(( RANDOM % ${#workers[@]} ))
  kill -9 "${pids[$i]}" 2>/dev/null && kills=$((kills+1))
  wait "${pids[$i]}" 2>/dev/null || true
  start "$i"
  if [ $restarted_pg = 0 ] && [ "$(count done)" -ge $(( n / 3 )) ]; then
    pg_stop "$PGDIR"; sleep 2; pg_start "$PGDIR" >/dev/null; restarted_pg=1
    echo "PostgreSQL restarted with $(count done) orders done"
  fi
done
# Let the daemons finish what they hold, then stop them for good.
sleep 2
stop_all
trap 'pg_start "$PGDIR" >/dev/null 2>&1 || true' EXIT
echo "$kills daemons killed in $(( $(date +%s) - t0 )) s"
[ $restarted_pg = 1 ] || fail "PostgreSQL was never restarted"
"$tool" status || true
if [ "$(count failed)" != 0 ]; then
  for d in "$SPOOL"/failed/*/; do cat "$d/error.json"; done
  fail "$(count failed) orders failed"
fi
[ "$(count done)" = "$n" ] || fail "$(count done) of $n orders in done/"
for i in $(seq 1 "$n"); do
  places=$(find "$SPOOL" -name "C$i" -type d -not -path "*/outbox/*" | wc -l)
  [ "$places" = 1 ] || fail "C$i is in $places places"
  [ -f "$SPOOL/done/C$i/interior.pdf" ] || fail "C$i has no interior.pdf"
done
[ "$(sql "SELECT count(*) FROM print_jobs")" = "$n" ] || fail "print jobs: $(sql "SELECT count(*) FROM print_jobs"), expected $n"
[ "$(ls "$SPOOL/outbox" | grep -c '^C')" = "$n" ] || fail "outbox jobs are not one per order"
"$tool" fsck || fail "fsck is not clean"
ok "$n orders done through $kills kills and a database restart; fsck clean"

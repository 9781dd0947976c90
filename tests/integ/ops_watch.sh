# ops_watch.sh — `storypress watch`: lines for notifications sent with the
# payload the daemons send, the filter by order id, real transitions made
# by the tool (hold and release), the progress bar on a terminal, --count,
# reconnection after a database restart, and a clean exit on SIGINT.
. "$SRCDIR/tests/lib/common.sh"

write_conf
sp() { "$BUILD/storypress" "$@"; }
sp migrate >/dev/null
notify() { # ID FROM TO
  sql "SELECT pg_notify('storypress_events', json_build_object('order_id', '$1', 'from', '$2',
       'to', '$3', 'at', '2026-03-10T10:00:00Z', 'worker', 'w-test')::text)" >/dev/null
}
# start_watch NAME ARGS...: watch in the background, returns once it listens.
start_watch() {
  local name=$1; shift
  "$BUILD/storypress" watch "$@" >"$TESTTMP/$name.out" 2>"$TESTTMP/$name.err" &
  echo $! >"$TESTTMP/$name.pid"
  wait_until 20 grep -q '^watching storypress_events' "$TESTTMP/$name.err" ||
    { cat "$TESTTMP/$name.err"; fail "$name: watch did not start listening"; }
}
# finish NAME: waits for the watch to exit by itself; its exit status.
finish() {
  local pid; pid=$(cat "$TESTTMP/$1.pid")
  wait_until 20 sh -c "! kill -0 $pid 2>/dev/null" || { kill "$pid"; fail "$1: watch did not exit"; }
  wait "$pid"
}

# --count 2: two lines, then it exits 0.
start_watch all --count 2
notify W1 story art
notify W2 art pdf
notify W3 pdf print   # after the count: not printed
finish all || fail "watch --count 2 exit status $?"
cat "$TESTTMP/all.out"
[ "$(wc -l <"$TESTTMP/all.out")" = 2 ] || fail "want 2 lines"
grep -qx '2026-03-10T10:00:00Z  W1  story → art  w-test' "$TESTTMP/all.out" || fail "W1 line"
grep -qx '2026-03-10T10:00:00Z  W2  art → pdf  w-test' "$TESTTMP/all.out" || fail "W2 line"
ok "watch --count 2 prints two transitions and exits"

# ID: only that order.
start_watch one W2 --count 1
notify W1 art pdf
notify W2 pdf print
finish one || fail "watch W2 exit status"
[ "$(cat "$TESTTMP/one.out")" = '2026-03-10T10:00:00Z  W2  pdf → print  w-test' ] ||
  fail "watch W2 printed: $(cat "$TESTTMP/one.out")"
ok "watch ID shows that order only"

# Real transitions: hold and release record events and NOTIFY.
sql "INSERT INTO customers (id, email, name) VALUES ('c1', 'c1@example.com', 'C One')"
sql "INSERT INTO orders (id, customer_id, state, canonical, order_json) VALUES ('H1', 'c1', 'art', 'H1', '{}')"
sp status >/dev/null || true
mkdir "$SPOOL/art/H1"; make_order H1 > "$SPOOL/art/H1/order.json"
start_watch real H1 --count 2
sp hold H1 >/dev/null
sp release H1 >/dev/null
finish real || fail "watch H1 exit status"
cat "$TESTTMP/real.out"
grep -Eq '^[0-9-]{10}T[0-9:]{8}Z  H1  art → hold  storypress:' <<<"$(sed -n 1p "$TESTTMP/real.out")" || fail "hold line"
grep -Eq '^[0-9-]{10}T[0-9:]{8}Z  H1  hold → art  storypress:' <<<"$(sed -n 2p "$TESTTMP/real.out")" || fail "release line"
ok "watch sees the tool's hold and release"

# On a terminal: the progress bar (script(1) gives it a pty).
if command -v script >/dev/null; then
  (script -qfec "$BUILD/storypress watch --count 2" /dev/null >"$TESTTMP/tty.out" 2>&1 &)
  wait_until 20 grep -q 'watching storypress_events' "$TESTTMP/tty.out" || fail "watch on a pty did not start"
  notify T1 story art
  notify T1 print done
  wait_until 20 grep -q 'T1  print → done' "$TESTTMP/tty.out" || { cat "$TESTTMP/tty.out"; fail "pty: no done line"; }
  tr -d '\r' <"$TESTTMP/tty.out" >"$TESTTMP/tty.txt"
  grep -q 'T1  story → art  w-test  \[##\.\.\.\] 2/5$' "$TESTTMP/tty.txt" || { cat "$TESTTMP/tty.out"; fail "pty: no bar 2/5"; }
  grep -q 'T1  print → done  w-test  \[#####\] 5/5$' "$TESTTMP/tty.txt" || fail "pty: no bar 5/5"
  grep -q '\[' "$TESTTMP/all.out" && fail "a bar when stdout is not a terminal"
  ok "progress bar on a terminal only"
fi

# The database restarts: watch says so, reconnects, and goes on.
start_watch re --count 1
(pg_restart "$PGDIR") >/dev/null 2>&1 || fail "cannot restart PostgreSQL"
wait_until 30 grep -q '^watching storypress_events again' "$TESTTMP/re.err" ||
  { cat "$TESTTMP/re.err"; fail "watch did not reconnect"; }
grep -q 'connection lost' "$TESTTMP/re.err" || fail "watch did not say the connection was lost"
notify R1 story art
finish re || fail "watch after a restart: exit status $?"
grep -qx '2026-03-10T10:00:00Z  R1  story → art  w-test' "$TESTTMP/re.out" || fail "no line after the restart"
ok "watch reconnects after a database restart"

# SIGINT ends it cleanly.
start_watch int
kill -INT "$(cat "$TESTTMP/int.pid")"
finish int || fail "watch after SIGINT: exit status $?"
ok "SIGINT: exit 0"

set +e
sp watch --count 0 >/dev/null 2>&1; st=$?
set -e
[ "$st" = 2 ] || fail "--count 0: exit $st, want 2"
ok "bad --count is a usage error"

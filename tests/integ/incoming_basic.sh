#!/usr/bin/env bash
# incoming_basic.sh — the incoming daemon as a shop sees it: a valid drop
# becomes story/<id>/order.json (normalised) with its row and its event; a
# bad order, a symlink, a FIFO, a directory, an empty file and a 300 KB file
# all end in rejected/ with a reason while the daemon stays up; the same
# order dropped twice is a no-op; another order under a known id is a
# rejected conflict; SIGTERM stops the daemon cleanly.  Then --once drains
# what arrived while no daemon ran.
. "$SRCDIR/tests/lib/common.sh"

write_conf "trim = 6x9"
IN=$BUILD/storypress-incoming
LOG=$TESTTMP/incoming.log
pid=
stop_daemon() { [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true; }
trap stop_daemon EXIT

# The daemon in the background; -c puts $TESTTMP on its command line, so
# tests/run can find it if this script dies.
"$IN" -c "$CONF" --worker inc1 2>>"$LOG" &
pid=$!
alive() { kill -0 "$pid" 2>/dev/null; }
wait_until 20 test -d "$SPOOL/incoming/.work/inc1" || fail "the daemon did not start: $(cat "$LOG")"
wait_until 20 sql "SELECT 1 FROM orders LIMIT 0" >/dev/null || fail "no schema"

# In rejected/ with a reason: rejected NAME
rejected() { test -f "$SPOOL/rejected/$1/reason"; }
reason() { cat "$SPOOL/rejected/$1/reason"; }
# Nothing waiting and nothing claimed in incoming/.
drained() {
  [ "$(count incoming)" = 0 ] &&
    [ -z "$(find "$SPOOL/incoming/.work" -mindepth 2 -print -quit)" ]
}

# --- a valid drop, with a name to trim and the trim size left out ----------
make_order A2001 'child.name="  Maya  "' > "$TESTTMP/A2001.json"
python3 - "$TESTTMP/A2001.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
del o["book"]["trim"]
json.dump(o, open(sys.argv[1], "w"))
PY
drop "$TESTTMP/A2001.json"
wait_until 10 test -f "$SPOOL/story/A2001/order.json" || fail "A2001 not in story/: $(cat "$LOG")"
python3 - "$SPOOL/story/A2001/order.json" <<'PY' || fail "order.json not normalised"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["order_id"] == "A2001", o["order_id"]
assert o["child"]["name"] == "Maya", repr(o["child"]["name"])
assert o["book"]["trim"] == "6x9", o["book"].get("trim")  # the configured default
PY
wait_until 5 drained || fail "the drop of A2001 is still in incoming/"
[ "$(sql "SELECT state FROM orders WHERE id = 'A2001'")" = story ] || fail "orders row"
[ "$(sql "SELECT count(*) FROM order_events WHERE order_id = 'A2001'")" = 1 ] || fail "events"
[ "$(sql "SELECT from_state || '>' || to_state || ' ' || worker FROM order_events WHERE order_id = 'A2001'")" = "incoming>story inc1" ] \
  || fail "event: $(sql "SELECT * FROM order_events")"
ok "a valid drop is in story/ with its row and one event"

# --- an invalid order ---------------------------------------------------------
make_order B2001 'child.age="five"' > "$TESTTMP/B2001.json"
drop "$TESTTMP/B2001.json"
wait_until 10 rejected B2001.json || fail "B2001 not rejected"
reason B2001.json | grep -q 'child\.age' || fail "the reason does not name child.age: $(reason B2001.json)"
cmp -s "$TESTTMP/B2001.json" "$SPOOL/rejected/B2001.json/B2001.json" || fail "the drop is not kept as dropped"
[ "$(sql "SELECT count(*) FROM orders WHERE id = 'B2001'")" = 0 ] || fail "a rejected order has a row"
[ "$(sql "SELECT count(*) FROM rejects WHERE entry = 'B2001.json' AND reason LIKE '%child.age%'")" = 1 ] \
  || fail "rejects row: $(sql "SELECT * FROM rejects")"
ok "an invalid order is in rejected/ with a reason naming the field"

# --- things that are not order files ---------------------------------------------
ln -s "$TESTTMP/A2001.json" "$SPOOL/incoming/link.json"   # a link to a valid order
mkfifo "$SPOOL/tmp/.fifo" && mv "$SPOOL/tmp/.fifo" "$SPOOL/incoming/fifo.json"
mkdir "$SPOOL/tmp/.dir" && echo '{}' > "$SPOOL/tmp/.dir/x.json" && mv "$SPOOL/tmp/.dir" "$SPOOL/incoming/dir.json"
: > "$SPOOL/tmp/.empty" && mv "$SPOOL/tmp/.empty" "$SPOOL/incoming/empty.json"
head -c 307200 /dev/zero | tr '\0' ' ' > "$SPOOL/tmp/.big" && mv "$SPOOL/tmp/.big" "$SPOOL/incoming/big.json"
printf '{"order_id": "C1", ' > "$SPOOL/tmp/.trunc" && mv "$SPOOL/tmp/.trunc" "$SPOOL/incoming/trunc.json"
for pair in "link.json:symbolic link" "fifo.json:FIFO" "dir.json:directory" "empty.json:empty" \
            "big.json:more than" "trunc.json:"; do
  name=${pair%%:*} what=${pair#*:}
  wait_until 10 rejected "$name" || fail "$name not rejected: $(ls -la "$SPOOL/incoming")"
  [ -s "$SPOOL/rejected/$name/reason" ] || fail "$name: empty reason"
  [ -z "$what" ] || reason "$name" | grep -qi "$what" || fail "$name: reason \"$(reason "$name")\" lacks \"$what\""
  alive || fail "the daemon died on $name: $(tail "$LOG")"
done
# The link is kept as a link (never followed), the FIFO as a FIFO.
[ -L "$SPOOL/rejected/link.json/link.json" ] || fail "the symlink was not moved as is"
[ -p "$SPOOL/rejected/fifo.json/fifo.json" ] || fail "the FIFO was not moved as is"
[ -f "$SPOOL/rejected/dir.json/dir.json/x.json" ] || fail "the directory was not moved whole"
wait_until 5 drained || fail "incoming/ not drained"
[ "$(sql "SELECT count(*) FROM rejects")" = "$(count rejected)" ] || fail "rejects rows != rejected/ entries"
[ "$(count story)" = 1 ] || fail "something else reached story/"
alive || fail "the daemon died"
ok "a symlink, a FIFO, a directory, an empty, a truncated and a 300 KB file are rejected; the daemon is up"

# --- the same order twice ---------------------------------------------------------
nrej=$(count rejected)
drop "$TESTTMP/A2001.json"
wait_until 10 drained || fail "the repeated drop stays in incoming/"
[ "$(count story)" = 1 ] && [ -f "$SPOOL/story/A2001/order.json" ] || fail "story/ changed"
[ "$(sql "SELECT count(*) FROM orders")" = 1 ] || fail "a second row"
[ "$(sql "SELECT count(*) FROM order_events")" = 1 ] || fail "a second event"
[ "$(count rejected)" = "$nrej" ] || fail "the repeat was rejected: $(ls "$SPOOL/rejected")"
ok "the same order again is a no-op"

# --- another order under the same id ---------------------------------------------
make_order A2001 'child.name="Zoé"' > "$TESTTMP/A2001-other.json"
drop "$TESTTMP/A2001-other.json" A2001.json
wait_until 10 rejected A2001.json || fail "the conflicting duplicate was not rejected"
reason A2001.json | grep -q 'A2001' || fail "reason: $(reason A2001.json)"
reason A2001.json | grep -qi 'duplicate' || fail "reason: $(reason A2001.json)"
[ "$(sql "SELECT order_json->'child'->>'name' FROM orders WHERE id = 'A2001'")" = Maya ] || fail "the first order was replaced"
grep -q '"Maya"' "$SPOOL/story/A2001/order.json" || fail "story/A2001 was replaced"
[ "$(sql "SELECT order_id FROM rejects WHERE entry = 'A2001.json'")" = A2001 ] || fail "rejects row lacks the id"
ok "a different order under a known id is rejected as a conflicting duplicate"

# --- the daemon still works, then SIGTERM ---------------------------------------------
make_order A2002 > "$TESTTMP/A2002.json"
drop "$TESTTMP/A2002.json"
wait_until 10 test -f "$SPOOL/story/A2002/order.json" || fail "A2002 not in story/"
alive || fail "the daemon died"
kill -TERM "$pid"
wait_until 5 bash -c "! kill -0 $pid 2>/dev/null" || fail "still running 5 s after SIGTERM"
st=0; wait "$pid" || st=$?
pid=
[ "$st" = 0 ] || fail "exit status $st after SIGTERM"
[ ! -e "$SPOOL/incoming/.work/inc1" ] && [ ! -e "$SPOOL/incoming/.work/inc1.lock" ] \
  || fail "the work area outlived the daemon"
grep -qi 'stopping' "$LOG" || fail "no word of stopping in the log"
ok "SIGTERM: exit 0 within 5 s, work area removed"

# --- drops made while no daemon runs: --once picks them up and exits 0 ----------------
make_order A2003 > "$TESTTMP/A2003.json"
drop "$TESTTMP/A2003.json"
echo 'not json' > "$TESTTMP/D1.json"
drop "$TESTTMP/D1.json"
"$IN" -c "$CONF" --once 2>>"$LOG" || fail "--once failed"
[ -f "$SPOOL/story/A2003/order.json" ] || fail "--once did not take A2003"
rejected D1.json || fail "--once did not reject D1.json"
drained || fail "--once left drops behind"
[ "$(sql "SELECT count(*) FROM orders WHERE state = 'story'")" = "$(count story)" ] || fail "rows != story/"
[ "$(sql "SELECT count(*) FROM rejects")" = "$(count rejected)" ] || fail "rejects != rejected/"
ok "--once drains what waited and exits 0"
if [ -x "$BUILD/storypress" ]; then
  "$BUILD/storypress" -c "$CONF" fsck || fail "fsck finds differences"
  ok "fsck is clean"
fi

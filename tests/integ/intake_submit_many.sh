# `storypress submit` beside a running incoming daemon: 1,000 separate
# calls (300 on the sanitizer build), four at a time, while the daemon takes
# the drops in as they land.
# Every order must reach story/ and none be rejected: a drop appears in
# incoming/ whole and under one name (renameat2, never a second link).
# (STORYPRESS_STRESS=1: 3,000.)  And `submit -c CONF FILE` takes -c as the
# option it is, not the configuration file as an order.
. "$SRCDIR/tests/lib/common.sh"
plain_only "1,000 submits are a load test; submit runs on the sanitizer build in intake_submit_user and hostile_corpus"
write_conf
tool=$BUILD/storypress
"$tool" migrate >/dev/null
# The sanitizer build is three times slower per call: 300 there, as
# backbone_crash.sh does, to keep the test within its minute.
n=1000; [ -z "${SAN:-}" ] || n=300; [ -z "${STORYPRESS_STRESS:-}" ] || n=3000
mkdir -p "$TESTTMP/orders"
python3 - "$SRCDIR/config/samples" "$TESTTMP/orders" "$n" <<'PY'
import json, sys, glob
o = json.load(open(sorted(glob.glob(sys.argv[1] + "/*.json"))[0]))
for i in range(int(sys.argv[3])):
    o["order_id"] = "S%05d" % i
    o["customer"]["id"] = "C-%05d" % i  # no daily quota in the way
    json.dump(o, open("%s/S%05d.json" % (sys.argv[2], i), "w"), ensure_ascii=False)
PY
# The configuration after the command is an option, not an order to drop.
make_order Z1 > "$TESTTMP/Z1.json"
out=$(env -u STORYPRESS_CONFIG "$tool" submit -c "$CONF" "$TESTTMP/Z1.json") || fail "submit -c CONF FILE: $out"
[ "$out" = "$TESTTMP/Z1.json: dropped as incoming/Z1.json" ] || fail "submit -c CONF FILE said: $out"
[ "$(count incoming)" = 1 ] || fail "submit -c CONF FILE dropped $(count incoming) files"
n_all=$((n + 1))
"$BUILD/storypress-incoming" --worker wm 2>"$TESTTMP/incoming.log" & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_until 10 test -f "$SPOOL/incoming/.work/wm.lock" || fail "the daemon did not start"
ls "$TESTTMP"/orders/*.json | xargs -P 4 -n 1 "$tool" submit > "$TESTTMP/submit.out" 2>&1 ||
  { tail -n 5 "$TESTTMP/submit.out"; fail "a submit failed"; }
[ "$(grep -c ': dropped as incoming/' "$TESTTMP/submit.out")" = "$n" ] || fail "not $n drops reported"
all_in() { [ "$(count story)" = "$n_all" ]; }
wait_until 120 all_in || { "$tool" status; fail "$(count story) of $n_all orders in story/"; }
[ "$(count rejected)" = 0 ] || { head -n 3 "$SPOOL"/rejected/*/reason; fail "$(count rejected) drops rejected"; }
[ "$(count incoming)" = 0 ] || fail "drops left in incoming/"
[ "$(find "$SPOOL/tmp" -mindepth 1 | wc -l)" = 0 ] || fail "submit left files in tmp/"
if grep -q "hard links" "$TESTTMP/incoming.log"; then fail "the daemon saw a drop with two links"; fi
[ "$(sql "SELECT count(*) FROM orders WHERE state = 'story'")" = "$n_all" ] || fail "database disagrees"
[ "$(sql "SELECT count(*) FROM rejects")" = 0 ] || fail "rejects recorded"
kill -0 $pid || fail "the daemon died"
kill -TERM $pid; wait $pid || fail "daemon exit status $?"
trap - EXIT
ok "$n submits beside a running daemon: $n orders in story/, none rejected"

# Daily quotas at intake: a customer over its limit is held (quota_policy =
# hold) with the reason in hold.json and the event, or rejected (reject);
# group limits are shared by their members; release sends a held order on.
. "$SRCDIR/tests/lib/common.sh"
write_conf "quota_policy = hold" "quota_timezone = Europe/Paris"
tool=$BUILD/storypress
"$tool" migrate >/dev/null
cust=$(python3 -c 'import json,glob; print(json.load(open(sorted(glob.glob("'"$SRCDIR"'/config/samples/*.json"))[0]))["customer"]["id"])')
"$tool" quota set customer "$cust" 2 >/dev/null
for i in 1 2 3; do make_order "Q$i" > "$TESTTMP/Q$i.json"; drop "$TESTTMP/Q$i.json"; done
"$BUILD/storypress-incoming" --once 2>"$TESTTMP/in.log"
[ "$(count story)" = 2 ] || fail "$(count story) in story/, expected 2"
[ "$(count hold)" = 1 ] || fail "$(count hold) in hold/, expected 1"
held=$(ls "$SPOOL/hold")
grep -q "over its daily quota (2 of 2" "$SPOOL/hold/$held/hold.json" || fail "hold.json does not say why: $(cat "$SPOOL/hold/$held/hold.json")"
grep -q "held: customer $cust: over its daily quota" "$TESTTMP/in.log" || fail "the log does not say why"
[ "$(sql "SELECT to_state FROM order_events WHERE order_id = '$held'")" = hold ] || fail "event not recorded"
"$tool" release "$held" >/dev/null
[ -d "$SPOOL/story/$held" ] || fail "release did not send it to story/"
"$tool" fsck >/dev/null || fail "fsck after release"
# Reject policy, and a group limit shared by two customers.
write_conf "quota_policy = reject"
"$tool" quota unset customer "$cust" >/dev/null
"$tool" quota set group schools 1 >/dev/null
"$tool" quota group add "$cust" schools >/dev/null
"$tool" quota group add OTHER-1 schools >/dev/null
make_order R1 'customer.id="OTHER-1"' > "$TESTTMP/R1.json"; drop "$TESTTMP/R1.json"
"$BUILD/storypress-incoming" --once 2>>"$TESTTMP/in.log"
[ -f "$SPOOL/rejected/R1.json/reason" ] || fail "over the group quota but not rejected"
grep -q "group schools: over its daily quota" "$SPOOL/rejected/R1.json/reason" || fail "reason: $(cat "$SPOOL"/rejected/R1.json/reason)"
ok "quotas hold, reject, count groups, and release works"

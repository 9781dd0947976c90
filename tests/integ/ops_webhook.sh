# The shop's webhook: every transition POSTed in order, signed with
# HMAC-SHA256 over a timestamp and the raw body (t=<unix>,v1=<hex>, checked
# by the receiver with the key, as docs/operations.md shows a shop), retried
# with backoff when the receiver fails, nothing lost or reordered; the
# receiver refuses a wrong signature, a stale timestamp (a replay) and the
# old body-only format.
. "$SRCDIR/tests/lib/common.sh"
printf 'webhook-test-key-1234\n' > "$TESTTMP/key"
log=$TESTTMP/received.jsonl; : > "$log"
coproc RECV { exec python3 "$SRCDIR/tests/fakes/webhook_receiver.py" "$TESTTMP/key" "$log" --fail 2 --timeout 60; }
read -r port <&"${RECV[0]}"
trap 'kill $RECV_PID 2>/dev/null || true; kill $wpid 2>/dev/null || true' EXIT
write_conf "webhook_url = http://127.0.0.1:$port/hook" "allow_insecure_http = yes" "webhook_secret_file = $TESTTMP/key"
tool=$BUILD/storypress
"$tool" migrate >/dev/null
"$tool" webhook --once || fail "first run"          # sets the cursor: no history sent
for i in 1 2 3; do make_order "W$i" > "$TESTTMP/W$i.json"; drop "$TESTTMP/W$i.json"; done
"$BUILD/storypress-incoming" --once 2>/dev/null
"$tool" hold W2 >/dev/null
"$tool" webhook 2>"$TESTTMP/webhook.log" & wpid=$!
delivered() { [ "$(grep -c '"failed": false' "$log")" -ge 4 ]; }
wait_until 30 delivered || { cat "$log"; cat "$TESTTMP/webhook.log"; fail "not delivered"; }
kill -TERM $wpid; wait $wpid || fail "webhook sender exit status $?"
python3 - "$log" <<'PY' || fail "bad deliveries: $(cat "$log")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert all(r["valid"] for r in rows), "a signature did not verify: %r" % [r["why"] for r in rows]
import re, time
for r in rows:
    m = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", r["signature"])
    assert m, r["signature"]
    assert abs(time.time() - int(m.group(1))) < 120, r["signature"]
ok = [r for r in rows if not r["failed"]]
assert len([r for r in rows if r["failed"]]) == 2
ids = [int(r["event"]) for r in ok]
assert ids == sorted(ids) and len(set(ids)) == len(ids) == 4, ids
got = [(r["body"]["order_id"], r["body"]["from"], r["body"]["state"]) for r in ok]
assert got == [("W1", "incoming", "story"), ("W2", "incoming", "story"),
               ("W3", "incoming", "story"), ("W2", "story", "hold")], got
for r in ok:
    b = r["body"]
    assert b["event_id"] == int(r["event"]) and b["at"].endswith("Z") and isinstance(b["detail"], dict)
PY
grep -q "will try again" "$TESTTMP/webhook.log" || fail "the failures were not logged"
# Nothing is sent twice after a restart.
"$tool" webhook --once || fail "second run"
[ "$(grep -c '"failed": false' "$log")" = 4 ] || fail "events sent again after a restart"
# The receiver's check works: a wrong signature, the old body-only format,
# and a delivery replayed an hour later (signed correctly, but stale) are
# all refused with 401.
sign() { # T BODY: the header storypress would send at time T
  printf '%s.%s' "$1" "$2" | python3 -c '
import hashlib, hmac, sys
key = open(sys.argv[1], "rb").read().rstrip(b"\r\n")
print("t=%s,v1=%s" % (sys.argv[2], hmac.new(key, sys.stdin.buffer.read(), hashlib.sha256).hexdigest()))' "$TESTTMP/key" "$1"
}
post() { curl -s -o /dev/null -w '%{http_code}' -H "X-Storypress-Signature: $1" -d "$2" "http://127.0.0.1:$port/hook"; }
now=$(date +%s)
[ "$(post "$(sign "$now" '{"x":1}')" '{"x":1}')" = 204 ] || fail "the receiver refused a good signature"
[ "$(post "t=$now,v1=$(printf '0%.0s' {1..64})" '{"x":1}')" = 401 ] || fail "the receiver accepted a wrong signature"
tail -n 1 "$log" | grep -q '"valid": false' || fail "a wrong signature logged as valid"
[ "$(post "$(sign "$now" '{"x":1}')" '{"x":2}')" = 401 ] || fail "the receiver accepted a changed body"
[ "$(post "$(sign $((now - 3600)) '{"x":1}')" '{"x":1}')" = 401 ] || fail "the receiver accepted a stale timestamp"
tail -n 1 "$log" | grep -q '"why": "stale' || fail "a stale delivery not refused as stale: $(tail -n 1 "$log")"
old=sha256=$(printf '%s' '{"x":1}' | python3 -c 'import hashlib,hmac,sys; print(hmac.new(open(sys.argv[1],"rb").read().rstrip(b"\r\n"), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())' "$TESTTMP/key")
[ "$(post "$old" '{"x":1}')" = 401 ] || fail "the receiver accepted the body-only format"
ok "receiver: good 204; wrong, changed body, stale, body-only 401"
grep -q webhook-test-key "$TESTTMP/webhook.log" && fail "the key was logged"
ok "4 transitions delivered in order, signed, after 2 failures; no repeats"

#!/usr/bin/env bash
# scale_adopt.sh — a host that dies for good (docs/scaling.md): h1 dies with
# orders in story/, one in a worker's claim, and one whose print job Lulu
# created but whose answer never came (SIGKILL in the middle of the POST);
# h2 adopts them from a copy of h1's spool with `storypress adopt`: the
# database gives each to h2 once, h2 finishes them, the print job is found
# at Lulu by its external id and never submitted again; when h1 comes back
# on its old spool it can move none of them (they are h2's); a second adopt
# changes nothing; fsck on h2 is clean.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/print_lib.sh"

S3_PID=
H1_PID=
cleanup() {
  [ -n "$H1_PID" ] && kill -TERM "$H1_PID" 2>/dev/null || true
  [ -n "$S3_PID" ] && kill -TERM "$S3_PID" 2>/dev/null || true
  print_cleanup
}
trap cleanup EXIT

printf 's3-secret-adopt\n' >"$TESTTMP/s3.secret"
"$SRCDIR/tests/fakes/fake_s3.py" --access-key AKADOPT --secret-file "$TESTTMP/s3.secret" \
  --bucket books --port-file "$TESTTMP/s3.port" >"$TESTTMP/s3.out" 2>"$TESTTMP/s3.err" &
S3_PID=$!
wait_until 10 test -s "$TESTTMP/s3.port" || fail "fake S3 did not start"
S3_URL=http://127.0.0.1:$(cat "$TESTTMP/s3.port")
fake_start --fetch-files
fake_ctl '{"advance_steps": 2}'
printf 'test-key\n' >"$TESTTMP/lulu_key"
printf 'test-secret\n' >"$TESTTMP/lulu_secret"

conf_of() { echo "$TESTTMP/$1.conf"; }
spool_of() { echo "$TESTTMP/$1/spool"; }
for h in h1 h2; do
  cat >"$(conf_of $h)" <<CONF
spool_dir = $(spool_of $h)
host_name = $h
retry_base = 1
retry_cap = 2
rescan_interval = 2
rate_limit = shared
rate_lease_seconds = 10
print_provider = lulu
lulu_api_url = $LULU_URL
lulu_client_key_file = $TESTTMP/lulu_key
lulu_client_secret_file = $TESTTMP/lulu_secret
lulu_contact_email = books@shop.example
lulu_poll_interval = 2
lulu_timeout = 3
publish = s3
s3_endpoint = $S3_URL
allow_insecure_http = yes
s3_bucket = books
s3_access_key = AKADOPT
s3_secret_key_file = $TESTTMP/s3.secret
CONF
done
unset STORYPRESS_CONFIG
"$BUILD/storypress" -c "$(conf_of h1)" migrate >/dev/null || fail "migrate"

# --- h1's orders: three in story/ (one claimed by a worker), one being printed ---------
mkdir -p "$(spool_of h1)/tmp" "$(spool_of h1)/incoming"
for id in A1 A2 A3; do
  make_order "$id" >"$TESTTMP/$id.json"
  cp "$TESTTMP/$id.json" "$(spool_of h1)/tmp/.$id"
  mv "$(spool_of h1)/tmp/.$id" "$(spool_of h1)/incoming/$id.json"
done
"$BUILD/storypress-incoming" -c "$(conf_of h1)" --once 2>>"$TESTTMP/h1.log" || fail "h1 incoming"
mkdir -p "$(spool_of h1)/story/.work/h1.999"
mv "$(spool_of h1)/story/A3" "$(spool_of h1)/story/.work/h1.999/A3"

SPOOL=$(spool_of h1) print_orders P1
sql "UPDATE orders SET host = 'h1' WHERE id = 'P1'" >/dev/null
# Its history as h1's stages would have written it (print_orders writes none).
sql "INSERT INTO order_events (order_id, from_state, to_state, worker, host) VALUES
  ('P1', 'incoming', 'story', 'h1.1', 'h1'), ('P1', 'story', 'art', 'h1.1', 'h1'),
  ('P1', 'art', 'pdf', 'h1.1', 'h1'), ('P1', 'pdf', 'print', 'h1.1', 'h1')" >/dev/null
# Lulu creates P1's job and never answers: h1 dies waiting.
fake_ctl '{"hang_posts": 1, "hang_seconds": 60}'
"$BUILD/storypress-print" -c "$(conf_of h1)" >>"$TESTTMP/h1.log" 2>&1 &
H1_PID=$!
wait_until 20 fake_is 'len(s["posts"])' 1 || fail "P1's job not created: $(tail -5 "$TESTTMP/h1.log")"
kill -KILL "$H1_PID"; wait "$H1_PID" 2>/dev/null || true; H1_PID=
fake_ctl '{"release_hangs": true, "hang_posts": 0}'
expect "h1 died with P1's intent recorded" "$(sql "SELECT state || ' ' || host FROM print_jobs WHERE order_id = 'P1'")" "intent h1"

# --- h2 adopts from a copy of h1's spool ---------------------------------------------
cp -a "$(spool_of h1)" "$TESTTMP/h1-copy"
"$BUILD/storypress" -c "$(conf_of h2)" adopt --from-host h1 --spool "$TESTTMP/h1-copy" --dry-run >"$TESTTMP/dry.out" || fail "adopt --dry-run"
expect "a dry run changes no owner" "$(sql "SELECT count(*) FROM orders WHERE host = 'h1'")" 4
out=$("$BUILD/storypress" -c "$(conf_of h2)" adopt --from-host h1 --spool "$TESTTMP/h1-copy") || fail "adopt: $out"
echo "$out"
expect "adopt's summary" "$(tail -1 <<<"$out")" "adopt: 4 orders adopted, 0 finished ones taken over, 0 left alone, 0 failed, 0 of h1's not in the copy"
expect "the database gave every order to h2" "$(sql "SELECT string_agg(id || '=' || host, ' ' ORDER BY id) FROM orders")" "A1=h2 A2=h2 A3=h2 P1=h2"
expect "in h2's spool where they were (a claim put back in its stage)" \
  "$(cd "$(spool_of h2)" && ls -d story/* print/* | tr '\n' ' ')" "print/P1 story/A1 story/A2 story/A3 "
out=$("$BUILD/storypress" -c "$(conf_of h2)" adopt --from-host h1 --spool "$TESTTMP/h1-copy") || fail "adopt again: $out"
grep -q "^A1: already in this spool" <<<"$out" || fail "a second adopt: $out"

# --- h2 finishes them; P1's job is found at Lulu, not submitted again ---------------
"$BUILD/storypress-story" -c "$(conf_of h2)" --once 2>>"$TESTTMP/h2.log" || fail "h2 story"
expect "the stories written by h2" \
  "$(sql "SELECT string_agg(o.id || '=' || e.host, ' ' ORDER BY o.id) FROM orders o JOIN order_events e ON e.order_id = o.id AND e.to_state = 'art' WHERE o.id LIKE 'A%'")" "A1=h2 A2=h2 A3=h2"
"$BUILD/storypress-print" -c "$(conf_of h2)" >>"$TESTTMP/print-0.log" 2>&1 &
PRINT_PIDS+=($!)
wait_until 30 test -d "$(spool_of h2)/done/P1" || fail "P1 not done on h2: $(print_logs | tail -5)"
expect "one print job for P1, ever" "$(fake_py 's["posts"].get("P1")')" 1
expect "the job Lulu made for h1 is the one h2 recorded" \
  "$(sql "SELECT provider_job_id FROM print_jobs WHERE order_id = 'P1'")" "$(fake_py '[j["id"] for j in s["jobs"].values()][0]')"

# --- h1 comes back on its old spool: it can move none of them -----------------------
"$BUILD/storypress-story" -c "$(conf_of h1)" --once 2>>"$TESTTMP/h1-back.log" || true
"$BUILD/storypress-print" -c "$(conf_of h1)" --once 2>>"$TESTTMP/h1-back.log" || true
grep -q "owned by host h2, not by h1" "$TESTTMP/h1-back.log" || fail "h1 came back and was not stopped: $(tail -5 "$TESTTMP/h1-back.log")"
expect "still one print job for P1" "$(fake_py 's["posts"].get("P1")')" 1
expect "no event by h1 after the adoption" \
  "$(sql "SELECT count(*) FROM order_events WHERE host = 'h1' AND (to_state IN ('done', 'failed') OR (order_id LIKE 'A%' AND to_state = 'art'))")" 0
out=$("$BUILD/storypress" -c "$(conf_of h2)" fsck) || fail "fsck on h2: $out"
expect "fsck on h2" "$out" "fsck: 4 orders checked, 0 problems, 0 repaired"
# A sanitizer build reports into the daemons' logs: none may hold a report.
if grep -l "AddressSanitizer\|LeakSanitizer\|runtime error:" "$TESTTMP"/*.log 2>/dev/null; then
  fail "a sanitizer report in a daemon's log"
fi
ok "no sanitizer report in the daemons' logs"

#!/usr/bin/env bash
# scale_hosts.sh — three storypress hosts on one machine and one PostgreSQL
# (three spools, three sets of daemons, host names h1 h2 h3), with
# rate_limit = shared and publish = s3 (docs/scaling.md):
#   - the story stage of every host against one fake OpenAI: the requests
#     of all hosts together never pass the shared limit (token bucket:
#     in any stretch of T seconds at most burst + rpm*T/60, checked on the
#     fake's arrival times; never more in flight than openai_max_in_flight),
#     also when one host's daemons are SIGKILLed in the middle and
#     restarted; every order reaches art/ once, on its own host;
#   - an order id taken by one host is rejected as a duplicate on another;
#   - status --all and stats show every host, fsck on one host checks its
#     own orders only;
#   - the print stage of every host through the fake Lulu with the print
#     files in a fake S3 that verifies SigV4: one job per order, each file
#     fetched by the fake Lulu through its presigned URL, bytes intact, and
#     the objects deleted once Lulu needs them no more.
# N orders per host: 4, or 30 (90 in all) under STORYPRESS_STRESS=1.
. "$SRCDIR/tests/lib/common.sh"
plain_only "three hosts' daemons under load; the limiter, S3 and adoption run on the sanitizer build in test_ratelimit, test_publish_s3 and scale_adopt"
. "$SRCDIR/tests/integ/print_lib.sh"

PER_HOST=4
[ "${STORYPRESS_STRESS:-0}" = 1 ] && PER_HOST=30
RPM=60        # burst: rpm / 12 = 5
IN_FLIGHT=2
HOSTS="h1 h2 h3"
PIDS=()
S3_PID=
OA_PID=
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for p in $S3_PID $OA_PID; do kill -TERM "$p" 2>/dev/null || true; done
  print_cleanup
}
trap cleanup EXIT

# --- the fakes ---------------------------------------------------------------------
"$SRCDIR/tests/fakes/fake_openai.py" --timeout 300 --key sk-scale --latency-ms 300 \
  >"$TESTTMP/oa.out" 2>"$TESTTMP/oa.err" &
OA_PID=$!
wait_until 10 grep -q '^PORT ' "$TESTTMP/oa.out" || fail "fake OpenAI did not start"
OA_PORT=$(awk '/^PORT /{print $2}' "$TESTTMP/oa.out")
printf 's3-secret-%s\n' "$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$TESTTMP/s3.secret"
"$SRCDIR/tests/fakes/fake_s3.py" --access-key AKSCALE --secret-file "$TESTTMP/s3.secret" \
  --region eu-test-1 --bucket books --port-file "$TESTTMP/s3.port" \
  >"$TESTTMP/s3.out" 2>"$TESTTMP/s3.err" &
S3_PID=$!
wait_until 10 test -s "$TESTTMP/s3.port" || fail "fake S3 did not start"
S3_URL=http://127.0.0.1:$(cat "$TESTTMP/s3.port")
fake_start --fetch-files
fake_ctl '{"advance_steps": 2}'
printf 'sk-scale\n' >"$TESTTMP/openai.key"
printf 'test-key\n' >"$TESTTMP/lulu_key"
printf 'test-secret\n' >"$TESTTMP/lulu_secret"
s3_stat() { curl -fsS "$S3_URL/__stats" | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"; }

# conf_of HOST: that host's configuration file (its own spool).
conf_of() { echo "$TESTTMP/$1.conf"; }
spool_of() { echo "$TESTTMP/$1/spool"; }
for h in $HOSTS; do
  cat >"$(conf_of $h)" <<CONF
spool_dir = $(spool_of $h)
host_name = $h
retry_base = 1
retry_cap = 2
rescan_interval = 2
log_level = info
max_attempts = 50
rate_limit = shared
rate_lease_seconds = 10
story_provider = openai
openai_base_url = http://127.0.0.1:$OA_PORT/v1
openai_api_key_file = $TESTTMP/openai.key
openai_rpm = $RPM
openai_max_in_flight = $IN_FLIGHT
openai_timeout = 10
print_provider = lulu
lulu_api_url = $LULU_URL
lulu_client_key_file = $TESTTMP/lulu_key
lulu_client_secret_file = $TESTTMP/lulu_secret
lulu_contact_email = books@shop.example
lulu_poll_interval = 2
lulu_rpm = 600
lulu_max_in_flight = 4
lulu_timeout = 10
publish = s3
s3_endpoint = $S3_URL
allow_insecure_http = yes
s3_region = eu-test-1
s3_bucket = books
s3_access_key = AKSCALE
s3_secret_key_file = $TESTTMP/s3.secret
s3_url_expiry = 600
CONF
done
unset STORYPRESS_CONFIG
"$BUILD/storypress" -c "$(conf_of h1)" migrate >/dev/null || fail "migrate"

# start HOST STAGE: one daemon of that host in the background.
start() {
  "$BUILD/storypress-$2" -c "$(conf_of $1)" >>"$TESTTMP/$1-$2.log" 2>&1 &
  PIDS+=($!)
  eval "PID_$1_$2_${#PIDS[@]}=$!"
  echo $! >>"$TESTTMP/$1.pids"
}

# --- orders spread over the hosts; the story stage under one shared limit ------------
total=0
for h in $HOSTS; do
  mkdir -p "$(spool_of $h)/tmp" "$(spool_of $h)/incoming"
  for i in $(seq 1 $PER_HOST); do
    id=S-$h-$i
    make_order "$id" >"$TESTTMP/$id.json"
    cp "$TESTTMP/$id.json" "$(spool_of $h)/tmp/.$id"
    mv "$(spool_of $h)/tmp/.$id" "$(spool_of $h)/incoming/$id.json"
    total=$((total + 1))
  done
  "$BUILD/storypress-incoming" -c "$(conf_of $h)" --once 2>>"$TESTTMP/$h-incoming.log" \
    || fail "$h incoming: $(tail -3 "$TESTTMP/$h-incoming.log")"
done
expect "every order owned by the host that took it in" \
  "$(sql "SELECT count(*) FROM orders WHERE id LIKE 'S-%' AND id LIKE 'S-' || host || '-%'")" "$total"

for h in $HOSTS; do start $h story; start $h story; done
in_art() { [ "$(sql "SELECT count(*) FROM orders WHERE id LIKE 'S-%' AND state = 'art'")" -ge "$1" ]; }
# In the middle: SIGKILL every daemon of h2 (its leases die with them), then
# start them again on the same spool.
wait_until 60 in_art $((total / 3)) || fail "no progress: $(tail -5 "$TESTTMP"/h1-story.log)"
for p in $(cat "$TESTTMP/h2.pids"); do kill -KILL "$p" 2>/dev/null || true; done
: >"$TESTTMP/h2.pids"
killed_at=$(sql "SELECT count(*) FROM orders WHERE id LIKE 'S-%' AND state = 'art'")
ok "h2's story daemons SIGKILLed with $killed_at of $total stories written"
sleep 1
start h2 story; start h2 story
wait_until $((total * 3 + 60)) in_art $total || fail "stories not all written: $(sql "SELECT id, state, last_error FROM orders WHERE state <> 'art'")"

python3 - "$(curl -fsS "http://127.0.0.1:$OA_PORT/__stats")" "$RPM" "$IN_FLIGHT" "$total" <<'PY' || fail "the shared limit was passed"
import json, sys
s, rpm, mif, total = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t = sorted(s["arrivals"])
burst = max(1, rpm // 12)
assert len(t) >= total, (len(t), total)
worst = 0
for i in range(len(t)):
    for j in range(i, len(t)):
        n = j - i + 1
        allowed = burst + rpm * (t[j] - t[i]) / 60.0 + 1  # +1: arrival jitter
        worst = max(worst, n - allowed)
        assert n <= allowed, "%d requests in %.2f s: more than %.1f" % (n, t[j] - t[i], allowed)
per_min = max(sum(1 for x in t if a <= x < a + 60) for a in t)
assert per_min <= rpm + burst, per_min
assert s["peak_in_flight"] <= mif, s["peak_in_flight"]
print("requests %d, at most %d in any 60 s (limit %d + burst %d), peak in flight %d (limit %d)"
      % (len(t), per_min, rpm, burst, s["peak_in_flight"], mif))
PY
ok "the hosts together stayed under the shared limit"
expect "every story asked for once or retried, each order in art/ on its own host" \
  "$(for h in $HOSTS; do ls "$(spool_of $h)/art"; done | sort | tr '\n' ' ')" \
  "$(sql "SELECT string_agg(id, ' ' ORDER BY id) || ' ' FROM orders WHERE id LIKE 'S-%'")"
expect "every event of an order by its own host" \
  "$(sql "SELECT count(*) FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.id LIKE 'S-%' AND e.host <> o.host")" 0
# A lease the killed daemons held comes back when it expires (10 s).
wait_until 15 sql_is "SELECT count(*) FROM rate_leases WHERE expires_at > now() AND provider = 'openai'" 0 \
  || fail "leases still held: $(sql "SELECT * FROM rate_leases")"
ok "no lease held once the daemons are idle (a killed daemon's lease expired)"
for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
PIDS=()
for h in $HOSTS; do : >"$TESTTMP/$h.pids"; done

# --- one id, one host ----------------------------------------------------------------
cp "$TESTTMP/S-h1-1.json" "$(spool_of h2)/tmp/.dup"
mv "$(spool_of h2)/tmp/.dup" "$(spool_of h2)/incoming/S-h1-1.json"
"$BUILD/storypress-incoming" -c "$(conf_of h2)" --once 2>>"$TESTTMP/h2-incoming.log" || fail "h2 incoming"
[ -f "$(spool_of h2)/rejected/S-h1-1.json/reason" ] || fail "h1's order dropped on h2 was not rejected: $(ls "$(spool_of h2)"/*)"
ok "h1's order id dropped again on h2 is rejected there: $(head -c 120 "$(spool_of h2)/rejected/S-h1-1.json/reason")"
expect "still h1's" "$(sql "SELECT host || ' ' || state FROM orders WHERE id = 'S-h1-1'")" "h1 art"

# --- every host's figures; fsck of one host's own orders ----------------------------
st=$("$BUILD/storypress" -c "$(conf_of h1)" status --all --json)
expect "status --all: every host's orders" \
  "$(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print(" ".join("%s=%d" % (h, s["hosts"][h]["orders"].get("art", 0)) for h in sorted(s["hosts"])), s["this_host"])' "$st")" \
  "h1=$PER_HOST h2=$PER_HOST h3=$PER_HOST h1"
"$BUILD/storypress" -c "$(conf_of h3)" stats --json >"$TESTTMP/stats.json" || fail "stats"
expect "stats: API calls per host" \
  "$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(" ".join(sorted(h["host"] for h in s["hosts"] if h["api_calls"] > 0)))' "$TESTTMP/stats.json")" "h1 h2 h3"
out=$("$BUILD/storypress" -c "$(conf_of h1)" fsck) || fail "fsck on h1 found problems: $out"
expect "fsck on h1 checks h1's orders only" "$out" "fsck: $PER_HOST orders checked, 0 problems, 0 repaired"

# --- print through Lulu, files in S3 -------------------------------------------------
for h in $HOSTS; do
  ids=()
  for i in $(seq 1 $PER_HOST); do ids+=("P-$h-$i"); done
  SPOOL=$(spool_of $h) print_orders "${ids[@]}"
  sql "UPDATE orders SET host = '$h' WHERE id LIKE 'P-$h-%'" >/dev/null
done
done_n() { [ "$(find "$(spool_of $1)/done" -mindepth 1 -maxdepth 1 | wc -l)" -eq "$2" ]; }
bucket_empty() { [ "$(s3_stat 'len(s["objects"])')" = 0 ]; }
for h in $HOSTS; do start $h print; done
wait_until $((total * 2 + 60)) fake_is 'len(s["posts"])' "$total" || fail "jobs not all submitted: $(fake_py 's["posts"]') $(tail -5 "$TESTTMP"/h1-print.log)"
for h in $HOSTS; do
  wait_until $((total * 2 + 60)) done_n $h "$PER_HOST" \
    || fail "$h: not all done: $(ls "$(spool_of $h)"/*/) $(tail -5 "$TESTTMP/$h-print.log")"
done
expect "one print job per order" "$(fake_py 'sorted(set(s["posts"].values()))')" "[1]"
expect "each print job recorded by its host" \
  "$(sql "SELECT count(*) FROM print_jobs j JOIN orders o ON o.id = j.order_id WHERE j.host = o.host AND o.id LIKE 'P-%'")" "$total"
expect "every file fetched by the fake Lulu through its presigned URL, bytes intact" \
  "$(fake_py 'sorted(set(v["status"] for f in s["files_fetched"].values() for v in f.values()))'), $(fake_py 'len(s["files_fetched"])')" "[200], $total"
md5s=$(for h in $HOSTS; do for d in "$(spool_of $h)"/done/P-*; do md5sum "$d/interior.pdf" "$d/cover.pdf" | cut -c1-32; done; done | sort | tr '\n' ' ')
expect "what Lulu fetched is what the hosts made" \
  "$(fake_py '" ".join(sorted(v["md5"] for f in s["files_fetched"].values() for v in f.values())) + " "')" "$md5s"
expect "the presigned URLs expire after s3_url_expiry" \
  "$(fake_py 'sorted(set(li["printable_normalization"][p]["source_url"].split("X-Amz-Expires=")[1].split("&")[0] for j in s["jobs"].values() for li in j["line_items"] for p in ("interior", "cover")))')" "['600']"
expect "no request with a bad signature" "$(s3_stat 's["bad_signatures"]')" 0
expect "uploads" "$(s3_stat 's["puts"] >= 2 * '$total)" True
# A tampered URL is refused by the store.
url=$(fake_py '[li["printable_normalization"]["cover"]["source_url"] for j in s["jobs"].values() for li in j["line_items"]][0]')
code=$(curl -s -o /dev/null -w '%{http_code}' "${url/X-Amz-Expires=600/X-Amz-Expires=601}")
expect "a presigned URL altered is refused" "$code" 403
wait_until 60 bucket_empty \
  || fail "objects left in the bucket once the books shipped: $(s3_stat 's["objects"]')"
ok "the objects were deleted once Lulu needed them no more ($(s3_stat 's["deletes"]') deletes)"
# A sanitizer build reports into the daemons' logs: none may hold a report.
if grep -l "AddressSanitizer\|LeakSanitizer\|runtime error:" "$TESTTMP"/*.log 2>/dev/null; then
  fail "a sanitizer report in a daemon's log"
fi
ok "no sanitizer report in the daemons' logs"

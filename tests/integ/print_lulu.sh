#!/usr/bin/env bash
# print_lulu.sh — orders through Lulu (the fake): one job per order with the
# order's data, the token fetched once for several orders and again after it
# expires or is refused, the cost recorded, the order in done/ once in
# production, tracking recorded when the job ships, the PDFs published under
# unguessable names and removed once shipped or rejected; a REJECTED job and
# a job Lulu refuses (400) end in failed/ with the reason in words.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/print_lib.sh"

# Tokens live 6 s (renewed 1.5 s early); one poll takes a job to
# IN_PRODUCTION, the next to SHIPPED.
fake_start --token-expiry 6
fake_ctl '{"advance_steps": 2, "reject": {"R1": "Interior file: fonts not embedded on page 3"}}'
lulu_conf
"$BUILD/storypress" migrate >/dev/null || fail "migrate"

print_orders L1 L2 L3 R1
print_orders E1 -- shipping.postcode=null
# Enough for the cost calculation, not for a print job (no name, no e-mail).
print_orders E2 -- shipping.name=null shipping.email=null customer.email=null
print_start

wait_until 15 fake_is 'len(s["posts"])' 4 || fail "jobs not submitted: $(fake_py 's["posts"]')"
expect "one token for four orders" "$(fake_py 's["token_requests"]')" 1
expect "one job per order" "$(fake_py '",".join("%s=%d" % kv for kv in sorted(s["posts"].items()))')" "L1=1,L2=1,L3=1,R1=1"
expect "the job carries the order" "$(fake_py '[(j["external_id"], j["shipping_level"], j["contact_email"], j["shipping_address"]["postcode"], j["line_items"][0]["quantity"], j["line_items"][0]["pod_package_id"], j["line_items"][0]["title"]) for j in s["jobs"].values() if j["external_id"] == "L1"][0]')" \
  "('L1', 'MAIL', 'books@shop.example', 'LS6 2QE', 1, '0850X0850.FC.PRE.CW.080CW444.GXX', 'Maya and the Secret of Fern Valley (L1)')"
expect "Lulu found the published files when the job was created" \
  "$(fake_py 'all(v["interior"] and v["cover"] for v in s["files_seen"].values())')" True
names=$(fake_py '" ".join(li["printable_normalization"][p]["source_url"].rsplit("/", 1)[1] for j in s["jobs"].values() for li in j["line_items"] for p in ("interior", "cover"))')
for n in $names; do
  [[ $n =~ ^[0-9a-f]{32}\.pdf$ ]] || fail "published name $n is not 128 random bits in hex"
done
expect "eight distinct published names" "$(echo $names | tr ' ' '\n' | sort -u | wc -l)" 8
expect "published URLs under lulu_publish_url" \
  "$(fake_py 'all(li["printable_normalization"]["cover"]["source_url"].startswith("https://files.example/books/") and "//" not in li["printable_normalization"]["cover"]["source_url"][8:] for j in s["jobs"].values() for li in j["line_items"])')" True
expect "the job ids recorded" \
  "$(sql "SELECT string_agg(order_id || '=' || provider_job_id, ',' ORDER BY order_id) FROM print_jobs WHERE state = 'submitted'")" \
  "$(fake_py '",".join("%s=%s" % (j["external_id"], j["id"]) for j in sorted(s["jobs"].values(), key=lambda j: j["external_id"]))')"
expect "cost recorded (32 pages: 2.50 + 0.64 + 4.99 shipping)" \
  "$(sql "SELECT cost || ' ' || currency FROM print_jobs WHERE order_id = 'L1'")" "8.13 USD"
expect "the print call carries the cost" \
  "$(sql "SELECT cost FROM api_calls WHERE order_id = 'L1' AND kind = 'print' AND error IS NULL")" "8.130000"

wait_until 10 test -f "$SPOOL/failed/E1/error.json" || fail "E1 did not fail"
grep -q 'shipping_address.postcode: This field is required.' "$SPOOL/failed/E1/error.json" \
  || fail "E1: Lulu's field error not in words: $(cat "$SPOOL/failed/E1/error.json")"
ok "E1 (no postcode) failed with Lulu's field error in words"
expect "E1 never became a job" "$(fake_py 's["posts"].get("E1", 0)')" 0
wait_until 10 test -f "$SPOOL/failed/E2/error.json" || fail "E2 did not fail"
grep -q 'HTTP 400: shipping_address.name: This field is required.; shipping_address.email: This field is required.' "$SPOOL/failed/E2/error.json" \
  || fail "E2: Lulu's field errors not in words: $(cat "$SPOOL/failed/E2/error.json")"
expect "E2: the job was refused, not created" "$(fake_py 's["post_attempts"].get("E2", 0), s["posts"].get("E2", 0)')" "1 0"

wait_until 20 in_dir done 3 || fail "L1-L3 not done: $(ls "$SPOOL"/*/)"
wait_until 5 test -f "$SPOOL/failed/R1/error.json" || fail "R1 not failed"
expect "R1's reason" "$(python3 -c "import json;print(json.load(open('$SPOOL/failed/R1/error.json'))['error'])" | grep -o 'ended REJECTED: Interior file: fonts not embedded on page 3')" \
  "ended REJECTED: Interior file: fonts not embedded on page 3"
expect "R1 recorded" "$(sql "SELECT state || ' ' || status || ' ' || (published IS NULL) FROM print_jobs WHERE order_id = 'R1'")" "finished REJECTED true"
for id in L1 L2 L3; do
  python3 - "$SPOOL/done/$id/print.json" "$id" "$(fake_py "[j['id'] for j in s['jobs'].values() if j['external_id'] == '$id'][0]")" <<'PY' || fail "$id: print.json wrong"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["provider"] == "lulu" and p["external_id"] == sys.argv[2], p
assert p["job_id"] == sys.argv[3], p
assert p["status"] == "IN_PRODUCTION", p
assert p["cost"] == "8.13" and p["currency"] == "USD", p
assert p["checksums"]["interior"]["sha256"] and p["checksums"]["cover"]["md5"], p
PY
done
ok "print.json in each done order"
# The first polls came after the 6 s token had to be renewed.
[ "$(fake_py 's["token_requests"]')" -ge 2 ] || fail "the token was not renewed after it expired"
ok "token renewed after expiry"

# Orders in done/ are followed until their jobs ship.
wait_until 20 sql_is "SELECT count(*) FROM print_jobs WHERE state = 'finished' AND status = 'SHIPPED'" 3 \
  || fail "jobs not followed to SHIPPED: $(sql "SELECT order_id, state, status FROM print_jobs")"
expect "tracking recorded" "$(sql "SELECT tracking->0->>'tracking_id' || ' ' || (tracking->0->>'carrier_name') || ' ' || (tracking->0->'tracking_urls'->>0) FROM print_jobs WHERE order_id = 'L2'")" \
  "TRK-$(sql "SELECT provider_job_id FROM print_jobs WHERE order_id = 'L2'")-$(fake_py "[j['line_items'][0]['id'] for j in s['jobs'].values() if j['external_id'] == 'L2'][0]") FakeCarrier https://tracking.example/TRK-$(sql "SELECT provider_job_id FROM print_jobs WHERE order_id = 'L2'")-$(fake_py "[j['line_items'][0]['id'] for j in s['jobs'].values() if j['external_id'] == 'L2'][0]")"
expect "status history kept" "$(sql "SELECT string_agg(x->>'status', ' ') FROM print_jobs, jsonb_array_elements(status_detail) x WHERE order_id = 'L3'")" \
  "CREATED IN_PRODUCTION SHIPPED"
expect "published files removed once shipped or rejected" "$(ls "$TESTTMP/publish" | wc -l)" 0
expect "no published names left in print_jobs" "$(sql "SELECT count(*) FROM print_jobs WHERE published IS NOT NULL")" 0

# A token Lulu refuses: one new token, one retry, no second job.
tokens=$(fake_py 's["token_requests"]')
fake_ctl '{"unauthorized": 1}'
print_orders L4
wait_until 10 sql_is "SELECT state FROM print_jobs WHERE order_id = 'L4'" submitted \
  || fail "L4 not submitted after a 401: $(print_logs | tail -5)"
expect "L4: one job" "$(fake_py 's["posts"]["L4"]')" 1
[ "$(fake_py 's["token_requests"]')" -gt "$tokens" ] || fail "no new token after the 401"
expect "the 401 recorded" "$(sql "SELECT count(*) FROM api_calls WHERE http_status = 401")" 1
ok "a refused token is renewed once"

expect "every kind of call recorded" "$(sql "SELECT string_agg(DISTINCT kind, ' ' ORDER BY kind) FROM api_calls WHERE provider = 'lulu'")" \
  "cost cover-dimensions print status token validate-cover validate-interior validation-status"
print_stop
if grep -q -e 'test-secret' -e 'Bearer' "$TESTTMP"/print-*.log; then fail "a secret in the log"; fi
ok "no secret in the logs"
echo "print_lulu: all good"

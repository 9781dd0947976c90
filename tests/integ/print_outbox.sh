#!/usr/bin/env bash
# print_outbox.sh — the default print provider: each order in print/ becomes
# one job folder in the outbox (the PDFs, hard-linked, and job.json with the
# order, product, shipping data and checksums), print.json in the order,
# a finished print_jobs row; never a second job for one order, even when a
# worker died after writing the job and before recording it.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/print_lib.sh"

write_conf
"$BUILD/storypress" migrate >/dev/null || fail "migrate"
OUT=$SPOOL/outbox

print_orders B1 B2
print_orders B3 -- 'book.trim="6x9"' 'book.binding="paperback"' 'shipping_level="EXPRESS"'

# B4: a worker died after renaming the job into the outbox: the folder is
# there (with the same checksums), the database knows nothing.
print_orders B4
mkdir -p "$OUT/B4"
python3 - "$SPOOL/print/B4" "$OUT/B4/job.json" <<'PY'
import hashlib, json, sys
d = sys.argv[1]
sums = {p: hashlib.sha256(open("%s/%s.pdf" % (d, p), "rb").read()).hexdigest()
        for p in ("interior", "cover")}
json.dump({"order_id": "B4", "made_by": "the worker that died",
           "files": {p: {"sha256": s} for p, s in sums.items()}}, open(sys.argv[2], "w"))
PY
# B5: the outbox holds a different job under that id: never replaced.
print_orders B5
mkdir -p "$OUT/B5"
echo '{"order_id": "B5", "files": {"interior": {"sha256": "00"}, "cover": {"sha256": "11"}}}' \
  >"$OUT/B5/job.json"
# B6: a worker died while building: its .tmp- folder is left behind.
print_orders B6
mkdir -p "$OUT/.tmp-B6" && echo partial >"$OUT/.tmp-B6/interior.pdf"

"$BUILD/storypress-print" -c "$CONF" --once >"$TESTTMP/print-0.log" 2>&1 || fail "storypress-print --once"

expect "five orders in done/" "$(count done)" 5
expect "one order in failed/" "$(ls "$SPOOL/failed")" B5
expect "print/ is empty" "$(count print)" 0

for id in B1 B2 B3 B6; do
  job=$OUT/$id
  [ -f "$job/interior.pdf" ] && [ -f "$job/cover.pdf" ] && [ -f "$job/job.json" ] \
    || fail "$id: job folder incomplete: $(ls "$job")"
  cmp -s "$job/interior.pdf" "$SPOOL/done/$id/interior.pdf" || fail "$id: interior.pdf differs"
  # Same filesystem: hard links, not copies.
  [ "$(stat -c %i "$job/cover.pdf")" = "$(stat -c %i "$SPOOL/done/$id/cover.pdf")" ] \
    || fail "$id: cover.pdf was copied, not linked"
  python3 - "$job" "$SPOOL/done/$id" "$id" <<'PY' || fail "$id: job.json or print.json wrong"
import hashlib, json, sys
job, order_dir, oid = sys.argv[1], sys.argv[2], sys.argv[3]
j = json.load(open(job + "/job.json"))
o = json.load(open(order_dir + "/order.json"))
p = json.load(open(order_dir + "/print.json"))
def sha(f): return hashlib.sha256(open(f, "rb").read()).hexdigest()
assert j["order_id"] == oid, j
assert j["quantity"] == 1
assert j["product"]["trim"] == o["book"]["trim"] and j["product"]["binding"] == o["book"]["binding"]
assert j["product"]["story_pages"] == o["book"]["pages"]
assert j["product"]["page_count"] == o["book"]["pages"] + 8, j["product"]   # counted in the PDF
assert j["product"]["title"].endswith("(%s)" % oid)
assert j["shipping_level"] == o["shipping_level"]
assert j["shipping_address"]["postcode"] == o["shipping"]["postcode"]
assert j["shipping_address"]["phone_number"] == o["shipping"]["phone_number"]
for part in ("interior", "cover"):
    assert j["files"][part]["sha256"] == sha("%s/%s.pdf" % (job, part)), part
    assert p["checksums"][part]["sha256"] == j["files"][part]["sha256"]
assert p["provider"] == "outbox" and p["status"] == "SUBMITTED" and p["job_id"] == oid, p
assert p["outbox"] == job, p
PY
done
ok "job folders: PDFs linked, job.json and print.json with the right fields and checksums"
expect "B3 keeps its product" "$(python3 -c "import json;j=json.load(open('$OUT/B3/job.json'));print(j['product']['trim'],j['product']['binding'],j['shipping_level'])")" "6x9 paperback EXPRESS"

expect "B4: the job already there is kept, not made again" \
  "$(python3 -c "import json;print(json.load(open('$OUT/B4/job.json'))['made_by'])")" "the worker that died"
[ -f "$SPOOL/done/B4/print.json" ] || fail "B4: no print.json"
expect "B5: the other job is left alone" "$(cat "$OUT/B5/job.json" | tr -d '\n' | cut -c1-21)" '{"order_id": "B5", "f'
grep -q "already holds a job for this order made from other files" "$SPOOL/failed/B5/error.json" \
  || fail "B5: error.json does not say why: $(cat "$SPOOL/failed/B5/error.json")"
ok "B5: failed with the reason"
expect "no .tmp- folder left" "$(find "$OUT" -maxdepth 1 -name '.tmp-*' | wc -l)" 0
expect "one folder per order in the outbox" "$(find "$OUT" -mindepth 1 -maxdepth 1 | sort | xargs -n1 basename | tr '\n' ' ')" "B1 B2 B3 B4 B5 B6 "

expect "print_jobs rows" "$(sql "SELECT string_agg(order_id || ':' || provider || ':' || state || ':' || status, ' ' ORDER BY order_id) FROM print_jobs WHERE state = 'finished'")" \
  "B1:outbox:finished:SUBMITTED B2:outbox:finished:SUBMITTED B3:outbox:finished:SUBMITTED B4:outbox:finished:SUBMITTED B6:outbox:finished:SUBMITTED"
expect "events print → done carry the job" \
  "$(sql "SELECT count(*) FROM order_events WHERE from_state = 'print' AND to_state = 'done' AND detail->'print'->>'provider' = 'outbox'")" 5
expect "orders rows in done" "$(sql "SELECT count(*) FROM orders WHERE state = 'done'")" 5

# A crash between recording the move and making it: the folder is back in
# print/ while the database says done.  Nothing new is made.
mv "$SPOOL/done/B1" "$SPOOL/print/B1"
before=$(stat -c %Y "$OUT/B1/job.json")
"$BUILD/storypress-print" -c "$CONF" --once >>"$TESTTMP/print-0.log" 2>&1 || fail "second run"
expect "B1 done again" "$(ls "$SPOOL/done" | grep -c '^B1$')" 1
expect "B1's job untouched" "$(stat -c %Y "$OUT/B1/job.json")" "$before"
expect "still one print_jobs row for B1" "$(sql "SELECT count(*) FROM print_jobs WHERE order_id = 'B1'")" 1
echo "print_outbox: all good"

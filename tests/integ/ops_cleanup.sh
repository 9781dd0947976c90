# ops_cleanup.sh — `storypress cleanup`: retention of done/, failed/ and
# rejected/ by the entries' modification time (backdated here with touch -d),
# purged_at in the database, --dry-run, --older-than, the database retention
# (retention_db_days), a removal left half done, and --json.
. "$SRCDIR/tests/lib/common.sh"

write_conf "retention_days = 30"
sp() { "$BUILD/storypress" "$@"; }
sp migrate >/dev/null
sp status >/dev/null || true   # creates the spool's skeleton

# Three orders in the database and their folders; one rejected drop.
sql "INSERT INTO customers (id, email, name) VALUES ('c1', 'c1@example.com', 'C One')"
for o in D-old:done D-new:done F-old:failed; do
  id=${o%%:*} st=${o#*:}
  sql "INSERT INTO orders (id, customer_id, state, canonical, order_json) VALUES ('$id', 'c1', '$st', '$id', '{}')"
  sql "INSERT INTO order_events (order_id, from_state, to_state, worker) VALUES ('$id', 'print', '$st', 'test')"
  mkdir "$SPOOL/$st/$id"; echo '{}' > "$SPOOL/$st/$id/order.json"
done
echo '{"error": "x"}' > "$SPOOL/failed/F-old/error.json"
mkdir "$SPOOL/rejected/bad-drop.json"; echo "not JSON" > "$SPOOL/rejected/bad-drop.json/reason"
sql "INSERT INTO rejects (entry, reason, worker, at) VALUES ('bad-drop.json', 'not JSON', 'test', now() - interval '100 days')"
touch -d '40 days ago' "$SPOOL/done/D-old" "$SPOOL/failed/F-old" "$SPOOL/rejected/bad-drop.json"
touch -d '29 days ago' "$SPOOL/done/D-new"

# --dry-run: says what would go, removes nothing.
out=$(sp cleanup --dry-run); echo "$out"
for e in done/D-old failed/F-old rejected/bad-drop.json; do
  grep -q "^would remove $e (40d old)$" <<<"$out" || fail "dry run does not list $e"
done
grep -q "D-new" <<<"$out" && fail "dry run lists D-new, 29 days old"
grep -q "^3 entries would be removed (done 1, failed 1, rejected 1), older than 30 days$" <<<"$out" ||
  fail "dry run count line"
[ -d "$SPOOL/done/D-old" ] && [ -d "$SPOOL/failed/F-old" ] && [ -d "$SPOOL/rejected/bad-drop.json" ] ||
  fail "dry run removed something"
[ "$(sql "SELECT count(*) FROM orders WHERE purged_at IS NOT NULL")" = 0 ] || fail "dry run set purged_at"
ok "--dry-run lists the three old entries and removes nothing"

# The real run, with a removal an earlier run left half done.
mkdir -p "$SPOOL/done/.purge-X9/art"; echo x > "$SPOOL/done/.purge-X9/art/page-01.jpg"
out=$(sp cleanup); echo "$out"
for e in done/D-old failed/F-old rejected/bad-drop.json; do
  grep -q "^removed $e (40d old)$" <<<"$out" || fail "cleanup does not report $e"
  [ ! -e "$SPOOL/$e" ] || fail "$e is still there"
done
grep -q "^3 entries removed (done 1, failed 1, rejected 1), older than 30 days$" <<<"$out" ||
  fail "count line"
[ -d "$SPOOL/done/D-new" ] || fail "D-new, 29 days old, was removed"
[ ! -e "$SPOOL/done/.purge-X9" ] || fail "the half-done removal was not finished"
[ "$(sql "SELECT string_agg(id, ',' ORDER BY id) FROM orders WHERE purged_at IS NOT NULL")" = "D-old,F-old" ] ||
  fail "purged_at: $(sql "SELECT id, purged_at FROM orders")"
# The database retention is off (retention_db_days = 0): the rows stay.
[ "$(sql "SELECT count(*) FROM orders")" = 3 ] || fail "orders deleted with retention_db_days = 0"
ok "old entries removed, purged_at set, the young one kept"

# Nothing left to do: a second run removes nothing.
out=$(sp cleanup)
grep -q "^0 entries removed" <<<"$out" || fail "second run: $out"
ok "a second run removes nothing"

# --older-than 0 takes everything; --json reports it.
out=$(sp cleanup --older-than 0 --json)
echo "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["count"] == 1 and r["entries"][0]["name"] == "D-new" and r["entries"][0]["dir"] == "done", r
assert r["dry_run"] is False and r["older_than_days"] == 0, r
' || fail "--json: $out"
[ ! -e "$SPOOL/done/D-new" ] || fail "--older-than 0 kept D-new"
ok "--older-than 0 --json"

# Database retention: purged orders received more than 60 days ago go, with
# their events; rejects older than that whose entry is gone too.
sql "UPDATE orders SET received_at = now() - interval '100 days' WHERE id IN ('D-old', 'F-old')"
write_conf "retention_days = 30" "retention_db_days = 60"
out=$(sp cleanup --dry-run); echo "$out"
grep -q "^database: 2 orders and 1 reject would be deleted, older than 60 days$" <<<"$out" ||
  fail "dry run database line"
[ "$(sql "SELECT count(*) FROM orders")" = 3 ] || fail "dry run deleted orders"
out=$(sp cleanup); echo "$out"
grep -q "^database: 2 orders and 1 reject deleted, older than 60 days$" <<<"$out" || fail "database line"
[ "$(sql "SELECT string_agg(id, ',') FROM orders")" = "D-new" ] || fail "orders left: $(sql "SELECT id FROM orders")"
[ "$(sql "SELECT count(*) FROM order_events WHERE order_id <> 'D-new'")" = 0 ] || fail "events of deleted orders remain"
[ "$(sql "SELECT count(*) FROM rejects")" = 0 ] || fail "old reject remains"
ok "retention_db_days deletes old purged orders, their events, old rejects"

# Bad usage.
set +e
sp cleanup --older-than soon >/dev/null 2>&1; st=$?
set -e
[ "$st" = 2 ] || fail "--older-than soon: exit $st, want 2"
ok "bad --older-than is a usage error"

# ops_quota.sh — `storypress quota`: set, change and unset limits for
# customers and groups, group membership, and the list with today's orders
# (counted from midnight in quota_timezone), as text and --json.
. "$SRCDIR/tests/lib/common.sh"

write_conf "quota_default_daily = 3" "quota_policy = reject"
sp() { "$BUILD/storypress" "$@"; }
sp migrate >/dev/null

out=$(sp quota set customer c1 5); [ "$out" = "customer c1: at most 5 orders a day" ] || fail "set: $out"
sp quota set customer c1 2 >/dev/null          # a change, not a second row
sp quota set group schools 10 >/dev/null
out=$(sp quota group add c1 schools); [ "$out" = "customer c1 added to group schools" ] || fail "add: $out"
out=$(sp quota group add c1 schools); [ "$out" = "customer c1 was already in group schools" ] || fail "add again: $out"
sp quota group add c2 schools >/dev/null
[ "$(sql "SELECT daily_limit FROM quotas WHERE scope = 'customer' AND key = 'c1'")" = 2 ] || fail "c1 limit in the table"
ok "set, change, group add"

# Today's orders: two for c1 and one for c2 now, one for c1 two days ago.
sql "INSERT INTO customers (id, email, name) VALUES ('c1', 'a@example.com', 'A'), ('c2', 'b@example.com', 'B')"
for o in q1:c1:0 q2:c1:0 q3:c2:0 q4:c1:2; do
  IFS=: read -r id cust days <<<"$o"
  sql "INSERT INTO orders (id, customer_id, state, canonical, order_json, received_at)
       VALUES ('$id', '$cust', 'story', '$id', '{}', now() - interval '$days days')"
done
out=$(sp quota list); echo "$out"
grep -Eq '^customer +c1 +2 +2$' <<<"$out" || fail "list: c1 line"
grep -Eq '^group +schools +10 +3$' <<<"$out" || fail "list: schools line"
grep -Eq '^default +\(any other customer\) +3$' <<<"$out" || fail "list: default line"
grep -q '^days start at midnight UTC; over the limit: reject$' <<<"$out" || fail "list: policy line"
grep -Eq '^schools +c2$' <<<"$out" || fail "list: membership"
sp quota list --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
q = {(x["scope"], x["key"]): x for x in r["quotas"]}
assert q[("customer", "c1")]["daily_limit"] == 2 and q[("customer", "c1")]["today"] == 2, q
assert q[("group", "schools")]["today"] == 3, q
assert r["default_daily"] == 3 and r["policy"] == "reject", r
assert {"group": "schools", "customer": "c1"} in r["groups"], r["groups"]
' || fail "quota list --json"
ok "list with today's orders, text and --json"

# unset and remove; errors for what is not there.
out=$(sp quota unset customer c1); [ "$out" = "customer c1: no quota of its own any more" ] || fail "unset: $out"
sp quota group remove c1 schools >/dev/null
set +e
sp quota unset customer c1 2>"$TESTTMP/err"; st1=$?
sp quota group remove c1 schools 2>/dev/null; st2=$?
sp quota set planet mars 3 2>/dev/null; st3=$?
sp quota set customer c1 lots 2>/dev/null; st4=$?
set -e
[ "$st1" = 1 ] && grep -q "customer c1 has no quota" "$TESTTMP/err" || fail "unset twice: $st1"
[ "$st2" = 1 ] || fail "remove twice: exit $st2"
[ "$st3" = 2 ] && [ "$st4" = 2 ] || fail "bad scope / limit: exit $st3 $st4, want 2"
[ "$(sql "SELECT count(*) FROM quotas")" = 1 ] || fail "quotas left: $(sql "SELECT * FROM quotas")"
[ "$(sql "SELECT string_agg(customer_id, ',') FROM customer_groups")" = c2 ] || fail "memberships left"
ok "unset, group remove, errors"

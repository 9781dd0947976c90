#!/usr/bin/env bash
# print_lulu_many.sh — 100 orders, two print daemons, and a Lulu that answers
# 500 to a third of all requests (token, search, POST, status), half of the
# failed POSTs after creating the job: every order ends in done/ and Lulu
# holds exactly 100 jobs, one per order.
. "$SRCDIR/tests/lib/common.sh"
plain_only "100 orders against a failing Lulu are a load test; the Lulu client runs on the sanitizer build in print_lulu, print_lulu_crash and print_lulu_validate"
. "$SRCDIR/tests/integ/print_lib.sh"

N=100
fake_start --fail-rate 0.33 --fail-status 500 --fail-when both --seed 7
fake_ctl '{"advance_steps": 2}'
lulu_conf "lulu_cost_check = false"
export STORYPRESS_RETRY_BASE=1 STORYPRESS_MAX_ATTEMPTS=50
"$BUILD/storypress" migrate >/dev/null || fail "migrate"

ids=$(seq -f 'M%03g' 1 $N)
print_orders $ids
start=$(date +%s)
print_start
print_start
wait_until 90 in_dir done $N \
  || fail "$(count done) of $N done; failed: $(ls "$SPOOL/failed" | head); $(print_logs | tail -5)"
echo "all $N orders done in $(( $(date +%s) - start )) s"

expect "nothing failed" "$(count failed)" 0
expect "$N jobs at Lulu" "$(fake_py 'len(s["jobs"])')" $N
expect "one job per order" "$(fake_py 'sorted(set(s["posts"].values()))')" "[1]"
expect "every order has its job" "$(fake_py '" ".join(sorted(j["external_id"] for j in s["jobs"].values()))')" "$(echo $ids)"
expect "$N distinct job ids recorded" "$(sql "SELECT count(DISTINCT provider_job_id) FROM print_jobs WHERE provider_job_id IS NOT NULL")" $N
expect "recorded ids are Lulu's" \
  "$(sql "SELECT string_agg(order_id || '=' || provider_job_id, ',' ORDER BY order_id) FROM print_jobs")" \
  "$(fake_py '",".join("%s=%s" % (j["external_id"], j["id"]) for j in sorted(s["jobs"].values(), key=lambda j: j["external_id"]))')"
# The failures really happened, and some after Lulu had created the job.
failed_posts=$(fake_py 'sum(s["post_attempts"].values()) - len(s["jobs"])')
adopted=$(cat "$TESTTMP"/print-*.log | grep -c 'adopting it instead of submitting again' || true)
[ "$failed_posts" -gt 0 ] || fail "no POST failed: the test tested nothing"
[ "$adopted" -gt 0 ] || fail "no job was adopted after a 500"
ok "$failed_posts POSTs failed before Lulu created a job; $adopted jobs adopted after their answer was lost"
print_stop
echo "print_lulu_many: all good"

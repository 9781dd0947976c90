#!/usr/bin/env bash
# print_lulu_crash.sh — never a book printed twice, whatever breaks between
# storypress and Lulu:
#   K1  Lulu accepts the job, and the print daemon is killed (SIGKILL) before
#       the answer comes: the restarted daemon finds the job and adopts it.
#   K2  Lulu accepts the job and never answers: the request times out, the
#       retry finds the job and adopts it.
#   K3  the daemon died after recording its intent, before posting: the
#       restarted daemon asks Lulu, finds nothing, and posts once.
# Each ends in done/ with exactly one job at Lulu and one POST.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/print_lib.sh"

fake_start
fake_ctl '{"advance_steps": 2, "hang_ids": ["K1"], "hang_seconds": 60}'
lulu_conf "lulu_timeout = 30"
"$BUILD/storypress" migrate >/dev/null || fail "migrate"

print_orders K1
print_start
wait_until 10 fake_is 's["posts"].get("K1", 0)' 1 || fail "K1 was not posted"
expect "K1: the intent was recorded before the POST" \
  "$(sql "SELECT state || ' ' || coalesce(provider_job_id, '-') FROM print_jobs WHERE order_id = 'K1'")" "intent -"
kill -KILL "$PRINT_PID"
wait "$PRINT_PID" 2>/dev/null || true
PRINT_PIDS=()
ok "daemon killed while Lulu held the answer"
fake_ctl '{"release_hangs": true, "hang_ids": ["K2"], "hang_seconds": 30}'

lulu_conf "lulu_timeout = 2"
print_orders K2 K3
sql "INSERT INTO print_jobs (order_id, provider, state, external_id) VALUES ('K3', 'lulu', 'intent', 'K3')" >/dev/null
print_start
wait_until 30 in_dir done 3 || fail "not all done: $(ls -R "$SPOOL/print" "$SPOOL/failed") $(print_logs | tail -20)"

expect "one job per order at Lulu" "$(fake_py '",".join("%s=%d" % kv for kv in sorted(s["posts"].items()))')" "K1=1,K2=1,K3=1"
expect "one POST per order" "$(fake_py '",".join("%s=%d" % kv for kv in sorted(s["post_attempts"].items()))')" "K1=1,K2=1,K3=1"
expect "three jobs in all" "$(fake_py 'len(s["jobs"])')" 3
expect "the jobs Lulu holds are the ones recorded" \
  "$(sql "SELECT string_agg(order_id || '=' || provider_job_id, ',' ORDER BY order_id) FROM print_jobs")" \
  "$(fake_py '",".join("%s=%s" % (j["external_id"], j["id"]) for j in sorted(s["jobs"].values(), key=lambda j: j["external_id"]))')"
grep -q "K1: Lulu already holds print job .* adopting it" "$TESTTMP"/print-*.log || fail "K1 not adopted"
grep -q "K2: Lulu already holds print job .* adopting it" "$TESTTMP"/print-*.log || fail "K2 not adopted"
grep -q "K3: Lulu already holds" "$TESTTMP"/print-*.log && fail "K3 adopted a job that did not exist"
ok "K1 and K2 adopted, K3 posted"
expect "K2's timeout recorded" \
  "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'K2' AND kind = 'print' AND error LIKE '%no complete answer%'")" 1
expect "searches made" "$(sql "SELECT string_agg(order_id, ',' ORDER BY order_id) FROM (SELECT DISTINCT order_id FROM api_calls WHERE kind = 'search' AND error IS NULL) x")" "K1,K2,K3"
expect "K3's files published once posted" "$(fake_py 'all(v["interior"] and v["cover"] for v in s["files_seen"].values())')" True
print_stop
echo "print_lulu_crash: all good"

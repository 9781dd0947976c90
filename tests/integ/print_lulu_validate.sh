#!/usr/bin/env bash
# print_lulu_validate.sh — Lulu judges the files before a job exists:
#   V1  Lulu's cover validation answers ERROR: the order ends in failed/ with
#       Lulu's words, no print job was created (the fake saw no POST
#       /print-jobs/, print_jobs holds no job id), the files are unpublished.
#   V2  the same for the interior.
#   M1  cover.pdf is not the size Lulu's /cover-dimensions/ answers (a
#       paperback's spread on a hardcover order): failed/ with both sizes,
#       before anything was recorded, published or validated.
#   S1  slow validations (three polls each) and the daemon killed while Lulu
#       validates: the restarted daemon polls the validations it started
#       (recorded ids), starts none anew, and creates exactly one job.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/print_lib.sh"

fake_start
fake_ctl '{"advance_steps": 2, "invalid": {"cover": "The barcode area on the back cover is not empty"}}'
lulu_conf
"$BUILD/storypress" migrate >/dev/null || fail "migrate"

reason() { python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['error'])" "$SPOOL/failed/$1/error.json"; }

print_orders V1
print_start
wait_until 20 test -f "$SPOOL/failed/V1/error.json" || fail "V1 did not fail: $(print_logs | tail -5)"
r=$(reason V1)
grep -qF "Lulu finds cover.pdf invalid: The barcode area on the back cover is not empty" <<<"$r" \
  || fail "V1: Lulu's words not in the reason: $r"
ok "V1 failed with Lulu's reason: $r"
expect "V1: no POST /print-jobs/ reached Lulu" "$(fake_py 's["post_attempts"].get("V1", 0), len(s["jobs"])')" "0 0"
expect "V1: no job recorded" "$(sql "SELECT state || ' ' || coalesce(provider_job_id, '-') || ' ' || never_posted || ' ' || (published IS NULL) FROM print_jobs WHERE order_id = 'V1'")" "intent - true true"
expect "V1: both validations recorded with Lulu's ids" \
  "$(sql "SELECT string_agg(part || '=' || status, ' ' ORDER BY part) FROM print_validations WHERE order_id = 'V1'")" "cover=ERROR interior=NORMALIZED"
expect "V1: the ids are Lulu's" \
  "$(sql "SELECT string_agg(validation_id, ' ' ORDER BY validation_id) FROM print_validations WHERE order_id = 'V1'")" \
  "$(fake_py '" ".join(sorted(s["validations"]))')"
expect "V1: Lulu's errors kept" "$(sql "SELECT errors->>0 FROM print_validations WHERE order_id = 'V1' AND part = 'cover'")" \
  "The barcode area on the back cover is not empty"
expect "V1: every validation call recorded" \
  "$(sql "SELECT string_agg(kind, ' ' ORDER BY kind) FROM (SELECT DISTINCT kind FROM api_calls WHERE order_id = 'V1') x")" \
  "cover-dimensions token validate-cover validate-interior validation-status"
expect "V1: published files removed" "$(ls "$TESTTMP/publish" | wc -l)" 0

fake_ctl '{"invalid": {"cover": "", "interior": "fonts not embedded: Andika-Bold"}}'
print_orders V2
wait_until 20 test -f "$SPOOL/failed/V2/error.json" || fail "V2 did not fail"
r=$(reason V2)
grep -qF "Lulu finds interior.pdf invalid: fonts not embedded: Andika-Bold" <<<"$r" || fail "V2: $r"
expect "V2: no job" "$(fake_py 's["post_attempts"].get("V2", 0)')" 0
ok "V2 failed with Lulu's reason"
fake_ctl '{"invalid": {"interior": ""}}'

# M1: a hardcover order whose cover is a paperback's spread (8.5x8.5, 32
# pages: 17 + 32/444 + 0.06 + 0.25 in wide, 8.75 in high).
PRINT_COVER_PT="1251.509 630" print_orders M1 -- book.binding='"hardcover"'
wait_until 20 test -f "$SPOOL/failed/M1/error.json" || fail "M1 did not fail: $(print_logs | tail -5)"
r=$(reason M1)
grep -qF "cover.pdf is 1251.51 x 630.00 pt, but Lulu asks 1368.00 x 738.00 pt for 0850X0850.FC.PRE.CW.080CW444.GXX with 32 pages" <<<"$r" \
  || fail "M1: both sizes not in the reason: $r"
ok "M1 failed with both sizes: $r"
expect "M1: nothing recorded, published or validated" \
  "$(sql "SELECT (SELECT count(*) FROM print_jobs WHERE order_id = 'M1') || ' ' || (SELECT count(*) FROM print_validations WHERE order_id = 'M1')") $(ls "$TESTTMP/publish" | wc -l)" "0 0 0"
expect "M1: no job at Lulu" "$(fake_py 's["post_attempts"].get("M1", 0)')" 0
expect "M1: Lulu was asked for its product and page count" \
  "$(fake_py '[(d["pod_package_id"], d["interior_page_count"], d["width"], d["height"], d["unit"]) for d in s["dimensions"]][-1]')" \
  "('0850X0850.FC.PRE.CW.080CW444.GXX', 32, '1368.000', '738.000', 'pt')"

# S1: validations that take three polls each; the daemon killed once they
# are under way.
fake_ctl '{"validation_polls": 3}'
before=$(fake_py 's["requests"].get("POST /validate-cover/", 0)')
print_orders S1
wait_until 20 sql_is "SELECT count(*) FROM print_validations WHERE order_id = 'S1' AND status IN ('VALIDATING', 'NORMALIZING')" 2 \
  || fail "S1: validations not started: $(sql "SELECT * FROM print_validations WHERE order_id = 'S1'")"
kill -KILL "$PRINT_PID"; wait "$PRINT_PID" 2>/dev/null || true; PRINT_PIDS=()
ids=$(sql "SELECT string_agg(validation_id, ' ' ORDER BY part) FROM print_validations WHERE order_id = 'S1'")
print_start
wait_until 40 test -d "$SPOOL/done/S1" || fail "S1 not done: $(print_logs | tail -8)"
expect "S1: the same validations polled after the restart" \
  "$(sql "SELECT string_agg(validation_id, ' ' ORDER BY part) FROM print_validations WHERE order_id = 'S1'")" "$ids"
expect "S1: one cover validation started" "$(( $(fake_py 's["requests"].get("POST /validate-cover/", 0)') - before ))" 1
expect "S1: polled until valid" "$(sql "SELECT string_agg(part || '=' || status || '/' || polls, ' ' ORDER BY part) FROM print_validations WHERE order_id = 'S1'")" \
  "cover=NORMALIZED/3 interior=NORMALIZED/3"
expect "S1: exactly one job" "$(fake_py 's["posts"].get("S1", 0), s["post_attempts"].get("S1", 0)')" "1 1"
expect "S1: the job recorded, never_posted cleared" "$(sql "SELECT state || ' ' || never_posted FROM print_jobs WHERE order_id = 'S1'")" "submitted false"
expect "S1: no search needed (nothing was posted before)" "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'S1' AND kind = 'search'")" 0
print_stop
echo "print_lulu_validate: all good"

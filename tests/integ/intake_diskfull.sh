# A full disk while a drop is being rejected: the incoming daemon must back
# off (as after any transient failure: retry_base doubling to retry_cap),
# not spin; leave no scratch folder behind; stop within 5 s of SIGTERM; and
# reject the drop, with its reason, once space is back.  A rejection that a
# SIGKILL interrupted (its scratch folder left in rejected/) is reported by
# `storypress fsck` and finished by `fsck --repair`, or by the next
# incoming worker to start.
# The spool lives on a small tmpfs (as in fault_diskfull.sh): needs root for
# mount(8), skipped (exit 77) otherwise.
. "$SRCDIR/tests/lib/common.sh"
[ "$(id -u)" = 0 ] || { echo "skip: mounting a tmpfs needs root"; exit 77; }
mnt=$TESTTMP/small
mkdir -p "$mnt"
mount -t tmpfs -o size=4m tmpfs "$mnt" || { echo "skip: cannot mount a tmpfs here"; exit 77; }
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; umount -l "$mnt" 2>/dev/null || true' EXIT
SPOOL=$mnt/spool
write_conf "retry_base = 2" "retry_cap = 4"
tool=$BUILD/storypress
"$tool" migrate >/dev/null
"$BUILD/storypress-incoming" --worker wf 2>"$TESTTMP/incoming.log" & pid=$!
wait_until 10 test -f "$SPOOL/incoming/.work/wf.lock" || fail "the daemon did not start"
# A bad drop written while there is room, then the disk filled, then dropped.
echo '{"order_id": "F1", "child": 5}' > "$SPOOL/tmp/.bad"
dd if=/dev/zero of="$mnt/ballast" bs=64k 2>/dev/null || true
mv "$SPOOL/tmp/.bad" "$SPOOL/incoming/bad.json"
waiting() { grep -q "cannot reject now: .*No space left on device; will try again in" "$TESTTMP/incoming.log"; }
wait_until 20 waiting || { tail -n 5 "$TESTTMP/incoming.log"; fail "the full disk was not met, or not deferred"; }
sleep 4
# Backing off, not spinning: a handful of attempts, not thousands.
tries=$(grep -c "cannot reject now" "$TESTTMP/incoming.log")
[ "$tries" -le 5 ] || fail "$tries attempts to reject while the disk was full: no backoff"
[ -z "$(ls -A "$SPOOL/rejected")" ] || fail "left in rejected/: $(ls -A "$SPOOL/rejected")"
[ -e "$SPOOL/incoming/bad.json" ] || fail "the drop is not waiting in incoming/"
kill -0 $pid || fail "the daemon died on the full disk"
kill -TERM $pid
gone() { ! kill -0 $pid 2>/dev/null; }
wait_until 5 gone || fail "the daemon did not stop within 5 s of SIGTERM"
wait $pid || fail "daemon exit status $?"
# Space back: the drop is rejected with its reason.
rm -f "$mnt/ballast"
"$BUILD/storypress-incoming" --worker wf2 2>>"$TESTTMP/incoming.log" & pid=$!
wait_until 20 test -f "$SPOOL/rejected/bad.json/reason" || fail "not rejected once space was back"
grep -q '^child: must be' "$SPOOL/rejected/bad.json/reason" || fail "reason: $(cat "$SPOOL/rejected/bad.json/reason")"
[ -f "$SPOOL/rejected/bad.json/bad.json" ] || fail "the drop is not kept beside its reason"
[ "$(sql "SELECT count(*) FROM rejects")" = 1 ] || fail "rejects: $(sql "SELECT count(*) FROM rejects") rows"
# A rejection a SIGKILL cut short, as the worker leaves it: the scratch
# folder with the reason and the drop, the worker dead (its lock free).
kill -KILL $pid; wait $pid 2>/dev/null || true
scratch=$SPOOL/rejected/.wf2~late.json.tmp
mkdir "$scratch"
echo "order: not valid JSON at line 1, column 1: '[' or '{' expected near 'x'" > "$scratch/reason"
echo x > "$scratch/late.json"
empty=$SPOOL/rejected/.wf2~never-moved.json.tmp
mkdir "$empty"; echo "child: missing" > "$empty/reason"
if out=$("$tool" fsck 2>&1); then fail "fsck found nothing: $out"; fi
echo "$out" | grep -q 'rejected/.wf2~late.json.tmp: an interrupted rejection (its worker wf2 is gone), holding a drop' ||
  fail "fsck did not report the scratch folder: $out"
echo "$out" | grep -q 'rejected/.wf2~never-moved.json.tmp: an interrupted rejection' || fail "fsck: $out"
"$tool" fsck --repair | grep -q 'finished as rejected/late.json — repaired' || fail "fsck --repair did not finish it"
[ -f "$SPOOL/rejected/late.json/late.json" ] && [ -f "$SPOOL/rejected/late.json/reason" ] || fail "late.json not finished"
[ ! -e "$empty" ] || fail "the empty scratch folder is still there"
[ -z "$(find "$SPOOL/rejected" -maxdepth 1 -name '.*.tmp')" ] || fail "scratch left: $(ls -A "$SPOOL/rejected")"
"$tool" fsck >/dev/null || fail "fsck not clean after the repair: $("$tool" fsck)"
# A starting worker mends what dead ones left, as it puts back their claims.
scratch=$SPOOL/rejected/.wf2~late2.json.tmp
mkdir "$scratch"; echo "child: missing" > "$scratch/reason"; echo '{}' > "$scratch/late2.json"
"$BUILD/storypress-incoming" --worker wf3 2>>"$TESTTMP/incoming.log" & pid=$!
wait_until 20 test -f "$SPOOL/rejected/late2.json/late2.json" || fail "a starting worker did not finish the interrupted rejection"
[ ! -e "$scratch" ] || fail "the scratch folder is still there"
kill -TERM $pid; wait $pid || fail "daemon exit status $?"
ok "full disk while rejecting: backed off ($tries tries), stopped on SIGTERM, rejected once space was back; fsck finished an interrupted rejection"

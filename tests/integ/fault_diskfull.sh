# Faults: the disk fills up in the middle of the art and pdf stages.  The
# spool lives on a small tmpfs; three books do not fit.  Each stage must
# treat ENOSPC as transient (defer, never fail, never leave a partial file
# that a later stage takes for whole), keep running, and finish every order
# by itself once space is back (the tmpfs grown) within a backoff period.
# Needs root for mount(8): skipped (exit 77) otherwise.
. "$SRCDIR/tests/lib/common.sh"
[ "$(id -u)" = 0 ] || { echo "skip: mounting a tmpfs needs root"; exit 77; }
mnt=$TESTTMP/small
mkdir -p "$mnt"
mount -t tmpfs -o size=12m tmpfs "$mnt" || { echo "skip: cannot mount a tmpfs here"; exit 77; }
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; umount -l "$mnt" 2>/dev/null || true' EXIT
SPOOL=$mnt/spool
write_conf "retry_base = 1" "retry_cap = 2" "max_attempts = 1000" "rescan_interval = 1"
tool=$BUILD/storypress
"$tool" migrate >/dev/null
for i in 1 2 3; do make_order "D$i" 'book.style="watercolour"' > "$TESTTMP/D$i.json"; drop "$TESTTMP/D$i.json"; done
for st in incoming story art pdf print; do
  "$BUILD/storypress-$st" 2>>"$TESTTMP/$st.log" & done
# Wait until the disk is full and some stage has been told so.
full() { grep -qi "no space left" "$TESTTMP"/*.log; }
wait_until 120 full || { df -h "$mnt"; "$tool" status; fail "the disk never filled"; }
df -h "$mnt" | tail -1
sleep 3
[ "$(count failed)" = 0 ] || fail "an order failed because of the full disk"
for p in $(jobs -p); do kill -0 "$p" || fail "a daemon died on the full disk"; done
# No stage took a partial file: every picture present is a whole JPEG.
# (A worker may move a folder while we look: a file gone is not a fault.)
for f in $(find "$SPOOL" -name '*.jpg' -not -name '.*'); do
  python3 -c '
import sys
try:
    d = open(sys.argv[1], "rb").read()
except FileNotFoundError:
    sys.exit(0)
sys.exit(not (d[:2] == b"\xff\xd8" and d[-2:] == b"\xff\xd9"))' "$f" || fail "$f is not a whole JPEG"
done
echo "space back"
mount -o remount,size=200m "$mnt"
done_all() { [ "$(count done)" = 3 ]; }
wait_until 90 done_all || { "$tool" status; tail -n 5 "$TESTTMP"/*.log; fail "orders did not finish after the disk was freed"; }
[ "$(count failed)" = 0 ] || fail "failed orders"
for i in 1 2 3; do
  pdfinfo "$SPOOL/done/D$i/interior.pdf" >/dev/null || fail "D$i: interior.pdf unreadable"
done
"$tool" fsck || fail "fsck"
grep -h -m1 "no space left" "$TESTTMP"/*.log || true
ok "the disk filled mid-run; orders waited and all finished once space was back"

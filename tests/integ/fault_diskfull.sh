# Faults: the disk fills up in the middle of the art stage, then of the pdf
# stage.  The spool lives on a small tmpfs; three books do not fit.  Each stage must
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
# Phase 1, art: every stage but pdf runs; the pictures fill the disk.
for st in incoming story art print; do
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
echo "space back for art"
mount -o remount,size=200m "$mnt"
in_pdf() { [ "$(count pdf)" = 3 ]; }
wait_until 90 in_pdf || { "$tool" status; fail "the pictures were not finished once space was back"; }
# Phase 2, pdf: a ballast file takes the space that is left, then the pdf
# stage starts and meets the full disk while writing the books.
dd if=/dev/zero of="$mnt/ballast" bs=1M 2>/dev/null || true
"$BUILD/storypress-pdf" 2>>"$TESTTMP/pdf.log" &
pdf_full() { grep -qi "no space left" "$TESTTMP/pdf.log"; }
wait_until 60 pdf_full || { tail -n 5 "$TESTTMP/pdf.log"; fail "the pdf stage never met the full disk"; }
sleep 2
[ "$(count failed)" = 0 ] || fail "an order failed in pdf because of the full disk"
for p in $(jobs -p); do kill -0 "$p" || fail "a daemon died on the full disk"; done
# A failed write frees its space, so one book may still fit while another
# waits: any book under its final name must be whole.
for f in $(find "$SPOOL" -name 'interior.pdf' -o -name 'cover.pdf'); do
  [ -e "$f" ] || continue
  pdfinfo "$f" >/dev/null 2>&1 || [ ! -e "$f" ] || fail "$f is not a whole PDF"
done
echo "space back for pdf"
rm -f "$mnt/ballast"
done_all() { [ "$(count done)" = 3 ]; }
wait_until 90 done_all || { "$tool" status; tail -n 5 "$TESTTMP"/*.log; fail "orders did not finish after the disk was freed"; }
[ "$(count failed)" = 0 ] || fail "failed orders"
for i in 1 2 3; do
  pdfinfo "$SPOOL/done/D$i/interior.pdf" >/dev/null || fail "D$i: interior.pdf unreadable"
done
"$tool" fsck || fail "fsck"
grep -h -m1 "no space left" "$TESTTMP"/*.log || true
ok "the disk filled in art, then in pdf; orders waited and all finished once space was back"

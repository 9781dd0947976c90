#!/usr/bin/env bash
# print_lulu_cover.sh — for every trim and binding the order format allows,
# a book made by the real stages (built-in story, the pdf stage) has the cover
# Lulu asks for: cover.pdf's page (pdfinfo) is the size the fake Lulu's
# /cover-dimensions/ answers for the order's pod_package_id and page count,
# and both are Lulu's published figures, written out below; the print stage
# takes each to done/ with one job.
#
# The figures (docs/print.md, "Cover sizes", gives the sources):
#   paperback (perfect bound, PB): spine = pages / 444 + 0.06 in, 0.125 in
#     bleed around (help.api.lulu.com, "How is spine width calculated?");
#   hardcover (casewrap, CW): spine 0.25 in for 24-84 pages (same article),
#     and 0.75 in of wrap beyond the bleed on every edge (help.lulu.com,
#     "Creating your hardcover casewrap cover"): Lulu's 8.5x8.5 casewrap
#     template for 28 pages is 1368 x 738 pt, a 6x9 casewrap 774 pt high.
# A 24-page story fills 28 pages (title, dedication, ending, colophon): a
# hardcover has 28, a paperback is padded to its minimum of 32.  C7, a
# seventh book like C1, meets a Lulu that answers 10 pt wider: it fails with
# both sizes before a job (or any print_jobs row) exists.  The art
# stage is stood in for by one plain picture per trim at 300 dpi (pdftoppm):
# drawing 150 pictures would take most of a minute and tell nothing here.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/print_lib.sh"

#          id  trim     binding   pages  width     height (pt)
cases="C1 8.5x8.5 hardcover 28 1368.000 738.000
C2 8x10 hardcover 28 1296.000 846.000
C3 6x9 hardcover 28 1008.000 774.000
C4 8.5x8.5 paperback 32 1251.509 630.000
C5 8x10 paperback 32 1179.509 738.000
C6 6x9 paperback 32 891.509 666.000"
all="$cases
C7 8.5x8.5 hardcover 28 1368.000 738.000"

fake_start
fake_ctl '{"advance_steps": 2}'
lulu_conf "lulu_cost_check = false"
tool=$BUILD/storypress
"$tool" migrate >/dev/null || fail "migrate"
while read -r id trim binding pages w h; do
  make_order "$id" "book.trim=\"$trim\"" "book.binding=\"$binding\"" "book.pages=24" >"$TESTTMP/$id.json"
  drop "$TESTTMP/$id.json"
done <<<"$all"
export SOURCE_DATE_EPOCH=1780000000
stage() {
  "$BUILD/storypress-$1" -c "$CONF" --once >>"$TESTTMP/stages.log" 2>&1 || { tail -20 "$TESTTMP/stages.log"; fail "storypress-$1"; }
}
stage incoming
stage story
in_dir art 7 || fail "stories not written: $(tail -5 "$TESTTMP/stages.log")"
# One picture per trim: the page with bleed at 300 dpi, a sky over a meadow.
for t in 8.5x8.5:630:630 8x10:594:738 6x9:450:666; do
  IFS=: read -r trim pw ph <<<"$t"
  python3 - "$TESTTMP/pic-$trim.pdf" "$pw" "$ph" <<'PY'
import sys
w, h = float(sys.argv[2]), float(sys.argv[3])
page = b"0.55 0.75 0.95 rg 0 0 %g %g re f 0.45 0.7 0.35 rg 0 0 %g %g re f" % (w, h, w, h * 0.35)
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents 4 0 R >>" % (w, h),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(page), page)]
out, offs = bytearray(b"%PDF-1.4\n"), []
for i, o in enumerate(objs):
    offs.append(len(out))
    out += b"%d 0 obj\n%s\nendobj\n" % (i + 1, o)
x = len(out)
out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offs)
out += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % x
open(sys.argv[1], "wb").write(out)
PY
  pdftoppm -jpeg -r 300 -singlefile "$TESTTMP/pic-$trim.pdf" "$TESTTMP/pic-$trim" || fail "pdftoppm"
done
while read -r id trim binding pages w h; do
  d=$SPOOL/art/$id
  mkdir -p "$d/art"
  ln "$TESTTMP/pic-$trim.jpg" "$d/art/cover.jpg"
  for n in $(seq -w 1 24); do ln "$TESTTMP/pic-$trim.jpg" "$d/art/page-$n.jpg"; done
  sql "UPDATE orders SET state = 'pdf' WHERE id = '$id'" >/dev/null
  mv "$d" "$SPOOL/pdf/$id"
done <<<"$all"
stage pdf
in_dir print 7 || fail "not all books made"
mv "$SPOOL/print/C7" "$TESTTMP/C7"   # held back until the fake misbehaves
in_dir print 6 || fail "not all books made: $(ls "$SPOOL"/*/) $(tail -5 "$TESTTMP/stages.log")"
while read -r id trim binding pages w h; do
  d=$SPOOL/print/$id
  got=$(pdfinfo "$d/interior.pdf" | awk '/^Pages:/ {print $2}')
  expect "$id: $trim $binding has $pages pages" "$got" "$pages"
  size=$(pdfinfo "$d/cover.pdf" | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p')
  python3 - "$size" "$w" "$h" <<'PY' || fail "$id: cover.pdf is $size pt, Lulu's figure is $w x $h"
import sys
gw, gh = (float(v) for v in sys.argv[1].split())
assert abs(gw - float(sys.argv[2])) < 0.01 and abs(gh - float(sys.argv[3])) < 0.01
PY
  ok "$id: cover.pdf is $size pt, Lulu's published figure"
done <<<"$cases"

print_start
wait_until 40 in_dir done 6 || fail "not all done: $(ls "$SPOOL"/print "$SPOOL"/failed) $(print_logs | tail -8)"
while read -r id trim binding pages w h; do
  pod=$(python3 -c 'import sys; t, b = sys.argv[1:]; w, h = t.split("x"); print("%04dX%04d.FC.PRE.%s.080CW444.GXX" % (round(float(w) * 100), round(float(h) * 100), "PB" if b == "paperback" else "CW"))' "$trim" "$binding")
  expect "$id: the fake's /cover-dimensions/ answer for $pod is Lulu's figure" \
    "$(fake_py "[(d['interior_page_count'], d['width'], d['height']) for d in s['dimensions'] if d['pod_package_id'] == '$pod']")" \
    "[($pages, '$w', '$h')]"
done <<<"$cases"
# C7: Lulu answers a cover 10 pt wider than the one made.
fake_ctl '{"dimensions_off_pt": 10}'
mv "$TESTTMP/C7" "$SPOOL/print/C7"
wait_until 20 test -f "$SPOOL/failed/C7/error.json" || fail "C7 did not fail: $(print_logs | tail -5)"
r=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['error'])" "$SPOOL/failed/C7/error.json")
grep -qF "cover.pdf is 1368.00 x 738.00 pt, but Lulu asks 1378.00 x 738.00 pt for 0850X0850.FC.PRE.CW.080CW444.GXX with 28 pages" <<<"$r" \
  || fail "C7: both sizes not in the reason: $r"
ok "C7 failed with both sizes: $r"
expect "C7: no job at Lulu, no print_jobs row, nothing validated" \
  "$(fake_py 's["post_attempts"].get("C7", 0)') $(sql "SELECT (SELECT count(*) FROM print_jobs WHERE order_id = 'C7') + (SELECT count(*) FROM print_validations WHERE order_id = 'C7')")" "0 0"
expect "one job per book" "$(fake_py '",".join("%s=%d" % kv for kv in sorted(s["posts"].items()))')" "C1=1,C2=1,C3=1,C4=1,C5=1,C6=1"
expect "every cover validated by Lulu" "$(sql "SELECT count(*) FROM print_validations WHERE part = 'cover' AND status = 'NORMALIZED'")" 6
print_stop
echo "print_lulu_cover: all good"

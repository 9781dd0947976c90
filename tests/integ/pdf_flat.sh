# The books of `make demo` are flat, as Lulu asks: the sample orders of
# config/samples/ through every stage, then each interior.pdf and cover.pdf
# written out by qpdf with its objects in clear and read for any live
# transparency (soft masks, transparency groups, constant alpha below 1,
# blend modes); and the round picture of the title page and of the back
# cover rendered with pdftoppm: the ground around its ring is plain, with
# no hairline running into it (tests/integ/pdf_flat_lib.py).
. "$SRCDIR/tests/lib/common.sh"
write_conf
tool=$BUILD/storypress
lib=$SRCDIR/tests/integ/pdf_flat_lib.py
"$tool" migrate
"$tool" submit "$SRCDIR"/config/samples/*.json
timeout 600 "$tool" run --once
n=$(ls "$SRCDIR"/config/samples/*.json | wc -l)
[ "$(count done)" = "$n" ] || { "$tool" list; fail "$(count done) of $n orders in done/"; }
dpi=150
for f in "$SRCDIR"/config/samples/*.json; do
  read -r id trim < <(python3 -c '
import json,sys; o=json.load(open(sys.argv[1])); print(o["order_id"], o["book"].get("trim","8.5x8.5"))' "$f")
  d=$SPOOL/done/$id
  for pdf in interior cover; do
    # qpdf exits 3 for warnings (cairo names the cover picture twice in
    # one resource dictionary); only an error (2) is a broken file.
    st=0; qpdf --qdf --object-streams=disable "$d/$pdf.pdf" "$TESTTMP/$id-$pdf.qdf" 2>/dev/null || st=$?
    [ "$st" = 0 ] || [ "$st" = 3 ] || fail "$id: qpdf cannot read $pdf.pdf (exit $st)"
    found=$(python3 "$lib" transparency "$TESTTMP/$id-$pdf.qdf")
    [ -z "$found" ] || fail "$id: $pdf.pdf has live transparency: $(head -3 <<<"$found")"
    # the same through poppler: no image carries an alpha channel
    alpha=$(pdfimages -list "$d/$pdf.pdf" | awk 'NR > 2 && ($3 == "smask" || $3 == "stencil")')
    [ -z "$alpha" ] || fail "$id: $pdf.pdf has masked images: $alpha"
  done
  # The title page: the first page saying "A story for" (after the
  # bookplate and portrait when the binding adds them).  Its medallion is
  # where render.c puts it: centred in the safe area (0.625 in inside the
  # sheet), 0.56 of its height down, radius 0.24 of its shorter side.
  title=
  for p in 1 2 3; do
    if grep -qE "A story for|Une histoire pour" <<<"$(pdftotext -f $p -l $p "$d/interior.pdf" -)"; then title=$p; break; fi
  done
  [ -n "$title" ] || fail "$id: no title page among the first three"
  pdftoppm -r $dpi -f $title -l $title "$d/interior.pdf" "$TESTTMP/$id-title"
  read -r W H < <(pdfinfo "$d/interior.pdf" | awk '/^Page size/ {print $3, $5}')
  read -r cx cy r < <(python3 -c "
s = $dpi / 72; sw, sh = $W - 90, $H - 90; u = min(sw, sh)
print((45 + sw / 2) * s, (45 + sh * 0.56) * s, 0.24 * u * s)")
  bad=$(python3 "$lib" ring "$TESTTMP/$id-title"-*.ppm "$cx" "$cy" "$r")
  [ -z "$bad" ] || fail "$id: title page (page $title): a line around the round picture at $(head -3 <<<"$bad")"
  # The back cover: its medallion is found down the middle of the back.
  pdftoppm -r $dpi "$d/cover.pdf" "$TESTTMP/$id-cover"
  tw=${trim%x*} th=${trim#*x}
  # A casewrap cover's sheet has Lulu's wrap beyond the bleed on every edge
  # (docs/print.md): it is what the sheet's height has beyond trim + bleed.
  ch=$(pdfinfo "$d/cover.pdf" | awk '/^Page size/ {print $5}')
  x=$(python3 -c "w = ($ch / 72 - $th - 0.25) / 2; print(int((w + 0.125 + $tw / 2) * $dpi))")
  bad=$(python3 "$lib" backring "$TESTTMP/$id-cover"-*.ppm "$x")
  [ -z "$bad" ] || fail "$id: back cover: a line around the round picture at $(head -3 <<<"$bad")"
  ok "$id: interior and cover flat, no line around the round pictures"
done

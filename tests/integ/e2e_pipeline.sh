# End to end: the sample orders through every stage with the built-in
# providers (the daemons themselves, via `storypress run --once`), then the
# books read back with poppler: page count and size for the trim, fonts
# embedded, the child's name in the text; the history of every order a
# valid path; fsck clean; one outbox job per order.
. "$SRCDIR/tests/lib/common.sh"
write_conf
tool=$BUILD/storypress
"$tool" migrate
"$tool" submit "$SRCDIR"/config/samples/*.json
timeout 600 "$tool" run --once
"$tool" status || true
n=$(ls "$SRCDIR"/config/samples/*.json | wc -l)
[ "$(count done)" = "$n" ] || { "$tool" list; fail "$(count done) of $n orders in done/"; }
for f in "$SRCDIR"/config/samples/*.json; do
  read -r id name trim pages < <(python3 -c '
import json,sys; o=json.load(open(sys.argv[1]))
print(o["order_id"], o["child"]["name"].split()[0], o["book"].get("trim","8.5x8.5"), o["book"]["pages"])' "$f")
  d=$SPOOL/done/$id
  for x in order.json story.json art/cover.jpg interior.pdf cover.pdf print.json; do
    [ -s "$d/$x" ] || fail "$id: $x missing"
  done
  [ "$(ls "$d"/art/page-*.jpg | wc -l)" = "$pages" ] || fail "$id: not $pages pictures"
  case $trim in
    8.5x8.5) size="630 x 630 pts" ;;
    8x10) size="594 x 738 pts" ;;
    6x9) size="450 x 666 pts" ;;
  esac
  info=$(pdfinfo "$d/interior.pdf")
  grep -q "Page size: *$size" <<<"$info" || fail "$id: interior page size is not $size: $(echo "$info" | grep 'Page size')"
  got=$(echo "$info" | awk '/^Pages:/ {print $2}')
  [ "$got" -ge "$pages" ] || fail "$id: $got interior pages for $pages story pages"
  [ $((got % 2)) = 0 ] || fail "$id: odd page count $got"
  fonts=$(pdffonts "$d/interior.pdf" | tail -n +3)
  [ -n "$fonts" ] || fail "$id: no fonts in the interior"
  echo "$fonts" | awk '{ if ($(NF-4) != "yes") exit 1 }' || fail "$id: a font is not embedded: $fonts"
  pdffonts "$d/cover.pdf" | tail -n +3 | awk '{ if ($(NF-4) != "yes") exit 1 }' || fail "$id: a cover font is not embedded"
  # Here-strings, not pipes: grep -q exits early, and under pipefail the
  # writer's SIGPIPE would fail the check at random.
  grep -qF "$name" <<<"$(pdftotext "$d/interior.pdf" -)" || fail "$id: $name not in the interior's text"
  grep -qF "$name" <<<"$(pdftotext "$d/cover.pdf" -)" || fail "$id: $name not on the cover"
  path=$(sql "SELECT string_agg(to_state, ' ' ORDER BY id) FROM order_events WHERE order_id = '$id'")
  [ "$path" = "story art pdf print done" ] || fail "$id: history is \"$path\""
  [ -d "$SPOOL/outbox/$id" ] || fail "$id: no outbox job"
  ok "$id: $got pages of $size, fonts embedded, $name in the text"
done
"$tool" fsck || fail "fsck found differences"
[ "$(sql "SELECT count(*) FROM print_jobs")" = "$n" ] || fail "not one print job per order"

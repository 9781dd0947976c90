# Memcheck: every stage daemon under valgrind for an end-to-end run, once
# with one order and once with three.  No invalid access, no definite leak,
# and what is still reachable at exit (caches of fontconfig, pango, GLib)
# does not grow with the number of orders.  Skipped under the sanitizer
# build (ASan and valgrind do not mix) and when valgrind is missing.
. "$SRCDIR/tests/lib/common.sh"
[ -z "${SAN:-}" ] || { echo "skip: the sanitizer build runs under ASan, not valgrind"; exit 77; }
command -v valgrind >/dev/null || { echo "skip: valgrind is not installed"; exit 77; }
write_conf
tool=$BUILD/storypress
"$tool" migrate >/dev/null
vg() { # stage logfile
  valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
    --errors-for-leak-kinds=definite --track-fds=no --num-callers=20 \
    --suppressions="$SRCDIR/tests/valgrind.supp" \
    --log-file="$2" "$BUILD/storypress-$1" --once 2>>"$TESTTMP/daemons.log"
}
reachable() { # logfile: bytes still reachable at exit (summary line), 0 if none
  valgrind_sum=$(grep -h 'still reachable:' "$1" | sed -E 's/.*still reachable: ([0-9,]+) bytes.*/\1/' | tr -d ,)
  echo "${valgrind_sum:-0}"
}
round() { # round-name first-id count
  for i in $(seq "$2" $(( $2 + $3 - 1 ))); do
    make_order "V$i" 'book.style="flat"' 'book.trim="6x9"' > "$TESTTMP/V$i.json"
    drop "$TESTTMP/V$i.json"
  done
  for st in incoming story art pdf print; do
    vg "$st" "$TESTTMP/vg-$1-$st.log" || { cat "$TESTTMP/vg-$1-$st.log"; fail "$st: valgrind found errors ($1)"; }
  done
}
round one 1 1
round three 2 3
[ "$(count done)" = 4 ] || { "$tool" status; fail "$(count done) of 4 orders done"; }
for st in incoming story art pdf print; do
  a=$(reachable "$TESTTMP/vg-one-$st.log"); b=$(reachable "$TESTTMP/vg-three-$st.log")
  echo "$st: reachable at exit $a bytes after 1 order, $b after 3"
  # Lost memory fails the run above (--errors-for-leak-kinds=definite).
  # What is still reachable at exit are caches: fontconfig's, pango's, and
  # cairo's scaled fonts (up to 256 kept; fitting text tries several
  # sizes), which fill up with the first books.  A page's image surface or
  # a book's PDF left behind would be megabytes per order.
  per=$(( (b - a) / 2 ))
  [ "$per" -le 524288 ] || fail "$st: memory still held at exit grows by $per bytes per order ($a → $b)"
done
ok "no memcheck errors and no leaks in any daemon; memory still reachable at exit (caches) stays within 512 KB per order"

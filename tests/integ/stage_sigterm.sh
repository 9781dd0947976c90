# SIGTERM in the middle of a long book: the art daemon stops between
# pictures and exits 0 within 5 s; the order goes back to art/ with no
# attempt counted and the pictures finished so far kept; the next run
# draws only what is missing.
. "$SRCDIR/tests/lib/common.sh"
write_conf
tool=$BUILD/storypress
"$tool" migrate >/dev/null
make_order T1 'book.style="crayon"' 'book.pages=32' > "$TESTTMP/T1.json"
drop "$TESTTMP/T1.json"
"$BUILD/storypress-incoming" --once 2>/dev/null
"$BUILD/storypress-story" --once 2>/dev/null
[ -d "$SPOOL/art/T1" ] || fail "T1 did not reach art/"
"$BUILD/storypress-art" 2>"$TESTTMP/art.log" & pid=$!
started() { ls "$SPOOL"/art/.work/*/T1/art/*.jpg >/dev/null 2>&1; }
wait_until 30 started || fail "the art daemon did not start drawing"
t0=$(date +%s%N)
kill -TERM $pid
st=0; wait $pid || st=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$st" = 0 ] || fail "exit status $st"
[ "$ms" -lt 5000 ] || fail "took $ms ms to stop"
[ -d "$SPOOL/art/T1" ] || fail "the order was not put back in art/: $(find "$SPOOL" -name T1)"
kept=$(ls "$SPOOL/art/T1/art/" | grep -c '\.jpg$')
[ "$kept" -ge 1 ] && [ "$kept" -lt 33 ] || fail "$kept pictures kept"
[ "$(sql "SELECT attempts FROM orders WHERE id = 'T1'")" = 0 ] || fail "an attempt was counted for a stop"
"$BUILD/storypress-art" --once 2>"$TESTTMP/art2.log"
[ -d "$SPOOL/pdf/T1" ] || fail "the book was not finished on the next run"
grep -q "$kept already there" "$TESTTMP/art2.log" || fail "the kept pictures were drawn again: $(cat "$TESTTMP/art2.log")"
ok "stopped in $ms ms with $kept of 33 pictures kept; finished on the next run"

# fsck and a dead worker's claim: reported (exit 1), put back by --repair and
# then seen where it was put, so the next fsck is clean.
. "$SRCDIR/tests/lib/common.sh"
write_conf
"$BUILD/storypress" migrate >/dev/null
make_order K1 > "$TESTTMP/K1.json"; drop "$TESTTMP/K1.json"
"$BUILD/storypress-incoming" --once 2>/dev/null
mkdir -p "$SPOOL/story/.work/ghost"; mv "$SPOOL/story/K1" "$SPOOL/story/.work/ghost/"
st=0; out=$("$BUILD/storypress" fsck) || st=$?
echo "$out"; [ $st = 1 ] || fail "fsck should fail"
grep -q "1 claim of dead worker ghost not put back" <<<"$out" || fail "not reported"
"$BUILD/storypress" fsck --repair; [ -d "$SPOOL/story/K1" ] || fail "not put back"
"$BUILD/storypress" fsck || fail "not clean after repair"
ok "a dead worker's claim is reported, put back by --repair, and fsck is clean after"

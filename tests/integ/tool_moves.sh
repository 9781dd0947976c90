# The operator's moves: hold and release many ids at once, cancel with a
# reason, requeue one id or every failed order, status and list and show in
# text and JSON, submit refusing to replace a waiting drop; every move is an
# event, and fsck stays clean.
. "$SRCDIR/tests/lib/common.sh"
write_conf
tool=$BUILD/storypress
"$tool" migrate >/dev/null
for i in 1 2 3 4; do make_order "M$i" > "$TESTTMP/M$i.json"; done
"$tool" submit "$TESTTMP"/M1.json "$TESTTMP"/M2.json "$TESTTMP"/M3.json "$TESTTMP"/M4.json >/dev/null
if out=$("$tool" submit "$TESTTMP/M1.json" 2>&1); then fail "a second drop of M1 replaced the first"; fi
grep -q "already waits; not replaced" <<<"$out" || fail "submit: $out"
"$BUILD/storypress-incoming" --once 2>/dev/null
[ "$(count story)" = 4 ] || fail "not 4 in story/"

"$tool" hold M1 M2 M3 >/dev/null || fail "hold"
[ "$(count hold)" = 3 ] || fail "hold moved $(count hold)"
grep -q '"from": "story"' "$SPOOL/hold/M1/hold.json" || fail "hold.json"
"$tool" release M1 M2 >/dev/null || fail "release"
[ -d "$SPOOL/story/M1" ] && [ -d "$SPOOL/story/M2" ] && [ ! -e "$SPOOL/story/M1/hold.json" ] || fail "release"
if "$tool" release M4 2>/dev/null; then fail "released an order that was not held"; fi
if "$tool" cancel M3 2>/dev/null; then fail "cancel without --reason"; fi
"$tool" cancel M3 --reason "the customer changed their mind" >/dev/null || fail "cancel"
grep -q "the customer changed their mind" "$SPOOL/failed/M3/error.json" || fail "error.json"
"$tool" requeue M3 >/dev/null || fail "requeue"
[ -d "$SPOOL/story/M3" ] && [ ! -e "$SPOOL/story/M3/error.json" ] || fail "requeue did not bring M3 back"
"$tool" cancel M3 M4 --reason "test" >/dev/null
out=$("$tool" requeue --failed --stage story) || fail "requeue --failed"
grep -q "2 orders requeued" <<<"$out" || fail "requeue --failed: $out"
[ "$(count failed)" = 0 ] || fail "failed/ not emptied"
if "$tool" requeue NOPE 2>/dev/null; then fail "requeued an unknown order"; fi

# Reading commands, in words and in JSON.
"$tool" status >"$TESTTMP/status" || fail "status"
grep -q '^story  *4 ' "$TESTTMP/status" || fail "status: $(cat "$TESTTMP/status")"
"$tool" status --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["story"]["count"] == 4, d' || fail "status --json"
"$tool" list story --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert sorted(r["name"] for r in d) == ["M1","M2","M3","M4"], d' || fail "list --json"
"$tool" show M3 --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
path = [(e["from_state"], e["to_state"]) for e in d["events"]]
assert path == [("incoming","story"),("story","hold"),("hold","failed"),("failed","story"),
                ("story","failed"),("failed","story")], path
assert d["where"] == "story"' || fail "show --json: $("$tool" show M3)"
"$tool" show M3 | grep -q "cancel" || fail "show does not show the cancel"
if "$tool" show ../etc 2>/dev/null; then fail "show took a path"; fi
"$tool" fsck || fail "fsck"
# Every command answers --help with a man-page-like text, and a bad option
# with exit status 2.
for c in submit status list show requeue hold release cancel migrate fsck run config cleanup stats watch quota metrics webhook; do
  "$tool" "$c" --help | grep -q "^SYNOPSIS" || fail "$c --help"
done
st=0; "$tool" status --bogus 2>/dev/null || st=$?
[ "$st" = 2 ] || fail "a bad option gave exit status $st"
ok "hold, release, cancel, requeue, status, list, show, fsck and --help"

# A redo with a remote illustrator: `redo --art` asks the fake OpenAI for
# exactly the pages named (one paid image each), records their cost in
# api_calls and in the redo's row, keeps every other picture's bytes, and
# the order waits in proof/ with the new pictures in its PDF.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/openai_lib.sh"
openai_start
openai_conf "proof_required = yes" "proof_dpi = 20" "openai_price_image = 0.05"
submit R1
run_stage story; run_stage art
timeout 120 "$BUILD/storypress-pdf" -c "$CONF" --once 2>>"$DLOG" || true
d=$SPOOL/proof/R1
[ -d "$d" ] || fail "R1 not in proof/: $(tail -5 "$DLOG")"
paid=$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'R1' AND kind = 'image'")
(cd "$d" && stat -c '%i %n' art/*.jpg) > "$TESTTMP/inodes.before"
"$BUILD/storypress" -c "$CONF" redo R1 --page 4 --page 9 --art --json > "$TESTTMP/redo.json" 2>>"$DLOG" ||
  fail "redo: $(tail -3 "$DLOG")"
[ -d "$d" ] || fail "R1 left proof/"
now=$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'R1' AND kind = 'image'")
[ $((now - paid)) = 2 ] || fail "the redo asked $((now - paid)) images, not 2"
# The fake draws the same picture for the same prompt: which files were
# written anew is told by their inodes (kept ones are the very same files),
# and what was asked by the fake's last prompts (pages 4 and 9's scenes).
(cd "$d" && stat -c '%i %n' art/*.jpg) > "$TESTTMP/inodes.after"
changed=$(diff "$TESTTMP/inodes.before" "$TESTTMP/inodes.after" | grep '^>' | awk '{print $3}' | tr '\n' ' ' || true)
[ "$changed" = "art/page-04.jpg art/page-09.jpg " ] || fail "pictures written anew: $changed"
curl -fsS "http://127.0.0.1:$OPENAI_PORT/__stats" > "$TESTTMP/stats.json"
python3 - "$TESTTMP/stats.json" "$d/story.json" <<'PY' || fail "the fake was not asked for pages 4 and 9"
import json, sys
prompts = json.load(open(sys.argv[1]))["prompts"][-2:]
pages = json.load(open(sys.argv[2]))["pages"]
want = {pages[3]["scene"]["description"], pages[8]["scene"]["description"]}
got = {w for w in want for p in prompts if w in p}
assert got == want, (prompts, want)
PY
[ "$(sql "SELECT cost FROM proof_redos WHERE order_id = 'R1'")" = "0.100000" ] ||
  fail "redo cost: $(sql "SELECT cost FROM proof_redos WHERE order_id = 'R1'")"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["images"] == 2 and abs(r["cost"] - 0.1) < 1e-9 and r["pages"] == [4, 9], r' "$TESTTMP/redo.json" ||
  fail "redo --json: $(cat "$TESTTMP/redo.json")"
rm -rf "$TESTTMP/img"; mkdir "$TESTTMP/img"; pdfimages -all "$d/interior.pdf" "$TESTTMP/img/i"
for p in 04 09; do
  h=$(sha256sum < "$d/art/page-$p.jpg" | awk '{print $1}')
  grep -q "^$h " <<<"$(cd "$TESTTMP/img" && sha256sum *)" || fail "the new page $p is not in the PDF"
done
ok "remote redo: 2 images paid (0.10 USD, recorded), the other pictures kept, the PDF has the new ones"

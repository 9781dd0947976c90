# The proof before print, end to end: an order asking for a proof stops in
# proof/ with previews that are its PDF's pages (count, order, pixels against
# pdftoppm at the same resolution) and a contact sheet; the shop's webhook
# gets proof_ready; `redo --page 3 --text` changes page 3's text only and
# keeps every picture's bytes; `approve` takes it through print to done with
# one print job.
. "$SRCDIR/tests/lib/common.sh"
printf 'proof-test-key-5678\n' > "$TESTTMP/key"
log=$TESTTMP/received.jsonl; : > "$log"
coproc RECV { exec python3 "$SRCDIR/tests/fakes/webhook_receiver.py" "$TESTTMP/key" "$log" --timeout 120; }
read -r port <&"${RECV[0]}"
trap 'kill $RECV_PID 2>/dev/null || true' EXIT
write_conf "webhook_url = http://127.0.0.1:$port/hook" "allow_insecure_http = yes" "webhook_secret_file = $TESTTMP/key" \
  "proof_dpi = 40"
tool=$BUILD/storypress
"$tool" migrate >/dev/null
"$tool" webhook --once || fail "webhook cursor"
make_order P1 'book.proof=true' 'book.pages=24' > "$TESTTMP/P1.json"
make_order P2 > "$TESTTMP/P2.json"           # no proof asked: straight to print
drop "$TESTTMP/P1.json"; drop "$TESTTMP/P2.json"
timeout 300 "$tool" run --once 2>"$TESTTMP/run.log" || { tail "$TESTTMP/run.log"; fail "run"; }
d=$SPOOL/proof/P1
[ -d "$d" ] || { "$tool" list; fail "P1 is not in proof/"; }
[ -d "$SPOOL/done/P2" ] || fail "P2 (no proof) did not go through to done/"
grep -q '^proof' <<<"$("$tool" status)" || fail "status does not show proof: $("$tool" status)"

# Previews: one per PDF page, in order, matching the PDF's pixels.
pages=$(pdfinfo "$d/interior.pdf" | awk '/^Pages:/ {print $2}')
[ "$(ls "$d"/proof/page-*.jpg | wc -l)" = "$pages" ] || fail "$(ls "$d"/proof/page-*.jpg | wc -l) previews for $pages pages"
for f in contact.jpg cover.jpg; do [ -s "$d/proof/$f" ] || fail "proof/$f missing"; done
ppmdiff() { # mean absolute difference of two PPMs, 0..255
  python3 - "$1" "$2" <<'PY'
import sys
def ppm(p):
    d = open(p, "rb").read()
    parts, pos = [], 0
    while len(parts) < 4:
        while d[pos:pos+1].isspace(): pos += 1
        end = pos
        while not d[end:end+1].isspace(): end += 1
        parts.append(d[pos:end]); pos = end
    return int(parts[1]), int(parts[2]), d[pos+1:]
w1, h1, a = ppm(sys.argv[1]); w2, h2, b = ppm(sys.argv[2])
assert abs(w1 - w2) <= 1 and abs(h1 - h2) <= 1, (w1, h1, w2, h2)
w, h = min(w1, w2), min(h1, h2)
tot = 0
for y in range(0, h, 2):
    ra, rb = a[y*w1*3:(y*w1+w)*3], b[y*w2*3:(y*w2+w)*3]
    tot += sum(abs(x - y2) for x, y2 in zip(ra, rb))
print("%.2f" % (tot / (w * ((h + 1) // 2) * 3)))
PY
}
for p in 5 9; do
  pdftoppm -r 40 -f $p -l $p -singlefile "$d/interior.pdf" "$TESTTMP/ref$p"
  djpeg -pnm "$d/proof/page-$(printf %02d $p).jpg" > "$TESTTMP/prev$p.ppm"
done
same=$(ppmdiff "$TESTTMP/ref5.ppm" "$TESTTMP/prev5.ppm")
other=$(ppmdiff "$TESTTMP/ref5.ppm" "$TESTTMP/prev9.ppm")
awk -v s="$same" -v o="$other" 'BEGIN { exit !(s < 12 && o > 3 * s) }' ||
  fail "preview 5 is not PDF page 5 (difference $same, against page 9: $other)"
ok "$pages previews; page 5 differs from the PDF's by $same/255 (page 9: $other)"

# The shop hears of it.
"$tool" webhook --once || fail "webhook delivery"
python3 - "$log" <<'PY' || fail "no proof_ready event: $(cat "$log")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ev = [r["body"] for r in rows if r["valid"] and r["body"].get("event") == "proof_ready"]
assert len(ev) == 1 and ev[0]["order_id"] == "P1" and ev[0]["state"] == "proof", ev
files = ev[0]["detail"]["proof"]["files"]
assert "proof/contact.jpg" in files and "proof/page-01.jpg" in files, files
PY
ok "proof_ready delivered, listing the previews"

# Redo page 3's text: only that page's text changes, every picture stays.
sums() { (cd "$1" && sha256sum art/*.jpg); }
imgs() { rm -rf "$TESTTMP/img"; mkdir "$TESTTMP/img"; pdfimages -all "$1" "$TESTTMP/img/i"; (cd "$TESTTMP/img" && sha256sum * | awk '{print $1}'); }
sums "$d" > "$TESTTMP/art.before"; imgs "$d/interior.pdf" > "$TESTTMP/img.before"
for p in $(seq 1 "$pages"); do pdftotext -f $p -l $p "$d/interior.pdf" - | tr -s ' \n' ' ' ; echo; done > "$TESTTMP/text.before"
echo "Then a kind purple owl landed on the fence and winked at everyone." > "$TESTTMP/new.txt"
"$tool" redo P1 --page 3 --text "$TESTTMP/new.txt" || fail "redo"
[ -d "$d" ] || fail "P1 left proof/ after a redo"
sums "$d" | diff - "$TESTTMP/art.before" || fail "a picture changed with a text redo"
imgs "$d/interior.pdf" | diff - "$TESTTMP/img.before" || fail "the PDF's pictures changed"
for p in $(seq 1 "$pages"); do pdftotext -f $p -l $p "$d/interior.pdf" - | tr -s ' \n' ' ' ; echo; done > "$TESTTMP/text.after"
changed=$(diff "$TESTTMP/text.before" "$TESTTMP/text.after" | grep -c '^>' || true)
[ "$changed" = 1 ] || fail "$changed PDF pages changed text, not 1"
grep -q "purple owl" "$TESTTMP/text.after" || fail "the new text is not in the PDF"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert "purple owl" in s["pages"][2]["text"]; assert all("purple owl" not in p["text"] for i,p in enumerate(s["pages"]) if i!=2)' "$d/story.json" ||
  fail "story.json: page 3 not the only one changed"
[ "$(sql "SELECT count(*) FROM proof_redos WHERE order_id='P1' AND pages='{3}' AND new_text AND NOT new_art")" = 1 ] ||
  fail "the redo is not recorded"
grep -q '^\.redo-' <<<"$(ls -a "$SPOOL/proof")" && fail "scratch left in proof/"
ok "redo of page 3: one page's text changed, every picture byte for byte the same"

# The shop hears proof_ready again, for the new previews; the history
# (proof → proof) is one fsck accepts.
"$tool" webhook --once || fail "webhook delivery after the redo"
python3 - "$log" <<'PY' || fail "no second proof_ready after the redo: $(tail -n 2 "$log")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ev = [r["body"] for r in rows if r["valid"] and r["body"].get("event") == "proof_ready"]
assert len(ev) == 2, ev
r = ev[1]
assert r["order_id"] == "P1" and r["from"] == "proof" and r["state"] == "proof", r
assert r["detail"]["redo"] == 1 and r["detail"]["pages"] == [3], r
assert "proof/page-03.jpg" in r["detail"]["proof"]["files"], r
PY
"$tool" fsck >/dev/null || fail "fsck after a redo: $("$tool" fsck 2>&1 | tail -n 3)"
ok "the redo's proof_ready reached the shop, naming redo 1 and page 3; fsck is clean"

# A redo whose text no font can print is refused at once, naming the
# characters, and changes nothing (it would otherwise fail the book in pdf/).
printf 'A dinosaur \xf0\x9f\xa6\x95 waved.\n' > "$TESTTMP/emoji.txt"
sums "$d" > "$TESTTMP/art.mid"; cp "$d/story.json" "$TESTTMP/story.mid"
out=$("$tool" redo P1 --page 4 --text "$TESTTMP/emoji.txt" 2>&1) && fail "an unprintable redo text was taken"
grep -q "no installed font has a glyph for U+1F995" <<<"$out" || fail "the refusal does not name the character: $out"
cmp -s "$d/story.json" "$TESTTMP/story.mid" || fail "a refused redo changed story.json"
sums "$d" | diff - "$TESTTMP/art.mid" || fail "a refused redo changed a picture"
[ "$(sql "SELECT count(*) FROM proof_redos WHERE order_id='P1'")" = 1 ] || fail "a refused redo was recorded"
ok "a redo text no font can print is refused, naming U+1F995"

# An art redo redraws only its page.
"$tool" redo P1 --page 2 --art >/dev/null || fail "art redo"
sums "$d" > "$TESTTMP/art.after"
[ "$(diff "$TESTTMP/art.before" "$TESTTMP/art.after" | grep -c '^>')" = 1 ] || fail "not exactly one picture redrawn"
grep -q '^>.*art/page-02.jpg$' <<<"$(diff "$TESTTMP/art.before" "$TESTTMP/art.after")" || fail "not page 2 redrawn"
ok "art redo: page 2 redrawn, the others kept"

# Approve: through print to done, one print job.
"$tool" approve P2 2>"$TESTTMP/err" && fail "approved an order not in proof"
grep -q "not in proof" "$TESTTMP/err" || fail "approve P2: $(cat "$TESTTMP/err")"
"$tool" approve P1 || fail "approve"
timeout 120 "$tool" run --once 2>>"$TESTTMP/run.log"
[ -d "$SPOOL/done/P1" ] || { "$tool" list; fail "P1 not done after approve"; }
[ "$(sql "SELECT count(*) FROM print_jobs WHERE order_id='P1'")" = 1 ] || fail "not one print job"
path=$(sql "SELECT string_agg(to_state, ' ' ORDER BY id) FROM order_events WHERE order_id = 'P1'")
[ "$path" = "story art pdf proof proof proof print done" ] || fail "history is \"$path\" (two redos are two proof → proof events)"
"$tool" fsck >/dev/null || fail "fsck found differences"
ok "approved: proof → print → done, one print job, fsck clean"

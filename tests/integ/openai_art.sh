#!/usr/bin/env bash
# openai_art.sh — the art stage with art_provider = openai against the fake
# OpenAI, with the default art settings: a character sheet is drawn once
# per order (images/generations, art/character.png, api_calls kind
# "sheet"), then the cover and all 24 pages are images/edits calls that
# each carry that sheet's bytes as image[]; the 1024×1536 answers are
# upscaled (libvips) to the 6x9 page's 1875×2775 at 300 dpi; the sheet is
# not asked again after a SIGKILL of the art daemon and a restart; a
# server error defers the order and the retry pays only for what is
# missing; below art_min_dpi, or with art_low_res = refuse, the order fails
# with both sizes; no more requests in flight than openai_max_in_flight.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/openai_lib.sh"

openai_start --latency-ms 50
openai_conf "openai_max_in_flight = 3"

# pictures_ok DIR: 25 baseline JPEGs of 1875 × 2775 (6x9 in with bleed at 300 dpi).
pictures_ok() {
  python3 - "$1" <<'PY'
import glob, os, sys
files = sorted(glob.glob(os.path.join(sys.argv[1], "*.jpg")))
names = [os.path.basename(f) for f in files]
want = ["cover.jpg"] + ["page-%02d.jpg" % i for i in range(1, 25)]
assert names == want, names
for f in files:
    d = open(f, "rb").read()
    assert d[:2] == b"\xff\xd8" and d[-2:] == b"\xff\xd9", f
    i = 2
    while True:
        assert d[i] == 0xFF, (f, i)
        m, n = d[i + 1], (d[i + 2] << 8) | d[i + 3]
        if m in (0xC0, 0xC1):
            h, w = (d[i + 5] << 8) | d[i + 6], (d[i + 7] << 8) | d[i + 8]
            assert (w, h) == (1875, 2775), (f, w, h)
            break
        assert m not in (0xC2, 0xDA), (f, "not baseline")
        i += 2 + n
PY
}

# edits_carry_sheet ID FIRST: every edits call from FIRST on carried the
# SHA-256 of ID's stored character sheet as its one image[] part, with
# input_fidelity, at 1024x1536; prints how many there were.
edits_carry_sheet() {
  curl -fsS "http://127.0.0.1:$OPENAI_PORT/__stats" > "$TESTTMP/stats.json"
  python3 - "$TESTTMP/stats.json" "$SPOOL" "$1" "$2" <<'PY'
import glob, hashlib, json, sys
stats, spool, oid, first = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], int(sys.argv[4])
sheet = glob.glob("%s/*/%s/art/character.png" % (spool, oid))
assert len(sheet) == 1, sheet
want = hashlib.sha256(open(sheet[0], "rb").read()).hexdigest()
log = stats["edit_log"][first:]
for e in log:
    assert e["sheets"] == [want], e
    assert e["size"] == "1024x1536" and e["input_fidelity"] == "high", e
    assert "Input image 1 is the character sheet of the main character, Maya" in e["prompt"], e["prompt"]
    assert "5-year-old girl" in e["prompt"] and "dark brown curly hair" in e["prompt"], e["prompt"]
print(len(log))
PY
}

# --- a whole book ---------------------------------------------------------------------
submit P1
run_stage story
[ "$(where P1)" = art ] || fail "P1 story: $(where P1) $(row P1)"
run_stage art
[ "$(where P1)" = pdf ] || fail "P1 is in $(where P1): $(row P1) $(tail -5 "$DLOG")"
pictures_ok "$SPOOL/pdf/P1/art" || fail "P1: pictures"
[ "$(fake_stat generations)" = 1 ] || fail "P1: $(fake_stat generations) generations calls, want the one sheet"
n=$(edits_carry_sheet P1 0) || fail "P1: the edits calls did not all carry the sheet"
[ "$n" = 25 ] || fail "P1: $n edits calls, want 25"
read -r n imgs cost < <(sql "SELECT count(*), sum(images), sum(cost) FROM api_calls WHERE order_id = 'P1' AND kind = 'image' AND provider = 'openai' AND http_status = 200 AND error IS NULL" | tr '|' ' ')
[ "$n $imgs $cost" = "25 25 1.000000" ] || fail "P1: image calls $n, images $imgs, cost $cost"
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'P1' AND kind = 'sheet' AND http_status = 200 AND cost > 0")" = 1 ] || fail "P1: the sheet is not one paid call"
[ "$(fake_stat peak_in_flight)" -le 3 ] || fail "$(fake_stat peak_in_flight) requests in flight, more than 3"
ok "P1: one sheet, then 25 edits calls each carrying it; 25 pictures at 1875×2775 from 1024×1536 answers; at most 3 in flight"

# --- the book goes on to a PDF at 300 dpi ------------------------------------------------
"$BUILD/storypress-pdf" -c "$CONF" --once 2>>"$DLOG" || true
[ -f "$SPOOL/print/P1/interior.pdf" ] || [ -f "$SPOOL/done/P1/interior.pdf" ] || fail "P1: no interior.pdf: $(row P1) $(tail -3 "$DLOG")"
pdf=$SPOOL/print/P1/interior.pdf
[ -f "$pdf" ] || pdf=$SPOOL/done/P1/interior.pdf
# Each page picture placed full-bleed at 300 ppi (the title page shows one smaller, denser).
pdfimages -list "$pdf" | awk 'NR > 2 { if ($4 != 1875 || $5 != 2775 || $13 < 299) bad++; if ($13 >= 299 && $13 <= 301) n++ } END { exit !(n >= 24 && !bad) }' ||
  fail "P1: interior.pdf pictures not 1875×2775 at 300 dpi: $(pdfimages -list "$pdf" | sed -n 3,5p)"
ok "P1: interior.pdf holds the pictures at 300 dpi (pdfimages -list) from the default configuration"

# --- SIGKILL after the sheet: the restart does not ask it again --------------------------
fake_ctl '{"latency_ms": 400}'
submit P2
run_stage story
g0=$(fake_stat generations); e0=$(fake_stat edits)
"$BUILD/storypress-art" -c "$CONF" --once 2>>"$DLOG" &
apid=$!
edits_past() { [ "$(fake_stat edits)" -ge "$1" ]; }
wait_until 20 edits_past $((e0 + 4)) || fail "P2: no page requested: $(tail -3 "$DLOG")"
kill -KILL "$apid"; wait "$apid" 2>/dev/null || true
compgen -G "$SPOOL/art/.work/*/P2/art/character.png" >/dev/null || fail "P2: no sheet stored before the kill"
fake_ctl '{"latency_ms": 50}'
run_stage art   # puts back the dead worker's claim, then draws
[ "$(where P2)" = pdf ] || run_stage art
[ "$(where P2)" = pdf ] || fail "P2 is in $(where P2): $(row P2) $(tail -5 "$DLOG")"
[ $(( $(fake_stat generations) - g0 )) = 1 ] || fail "P2: the sheet was asked $(( $(fake_stat generations) - g0 )) times"
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'P2' AND kind = 'sheet'")" = 1 ] || fail "P2: sheet calls recorded: $(sql "SELECT count(*) FROM api_calls WHERE order_id = 'P2' AND kind = 'sheet'")"
pictures_ok "$SPOOL/pdf/P2/art" || fail "P2: pictures"
edits_carry_sheet P2 "$e0" >/dev/null || fail "P2: an edits call without the stored sheet"
ok "P2: SIGKILL of the art daemon mid-book; the restart reused art/character.png (1 sheet call) and finished"

# --- a server error: deferred, the retry pays only for what is missing -------------------------
submit P3
run_stage story
fake_ctl '{"mode": "server_error", "count": 1, "endpoint": "edits"}'
run_stage art
[ "$(where P3)" = art ] || fail "P3 is in $(where P3): $(row P3)"
row P3 | grep -q '^art 1 .*server error (HTTP 500)' || fail "P3 row: $(row P3)"
sleep 2.5 # the deferral
run_stage art
[ "$(where P3)" = pdf ] || fail "P3 did not go on: $(where P3) $(row P3)"
pictures_ok "$SPOOL/pdf/P3/art" || fail "P3: pictures"
[ "$(sql "SELECT sum(images) FROM api_calls WHERE order_id = 'P3' AND kind = 'image'")" = 25 ] || fail "P3: paid $(sql "SELECT sum(images) FROM api_calls WHERE order_id = 'P3'") pictures, want 25"
[ "$(sql "SELECT count(*) FROM api_calls WHERE order_id = 'P3' AND kind = 'sheet'")" = 1 ] || fail "P3: sheet asked again on the retry"
ok "P3: a 500 deferred the order, the retry asked only the rest: 25 pictures and 1 sheet paid"

# --- below the floor -------------------------------------------------------------------
fake_ctl '{"mode": "small", "count": -1, "endpoint": "edits"}'
submit P4
run_stage story
run_stage art
[ "$(where P4)" = failed ] || fail "P4 is in $(where P4): $(row P4)"
failed_reason P4 | grep -q '512×768 pixels; the 1875×2775 page would print at 82 dpi, below art_min_dpi = 100' || fail "P4: error.json: $(failed_reason P4)"
ok "P4: a 512×768 answer (82 dpi on the page) fails the order, both sizes named"

openai_conf "openai_max_in_flight = 3" "art_low_res = refuse"
fake_ctl '{"mode": "ok"}'
submit P5
run_stage story
run_stage art
[ "$(where P5)" = failed ] || fail "P5 is in $(where P5): $(row P5)"
failed_reason P5 | grep -q '1024×1536 pixels, below the 1875×2775 the page needs at 300 dpi (art_low_res = refuse)' || fail "P5: error.json: $(failed_reason P5)"
ok "P5: art_low_res = refuse fails the order with both sizes"

# --- a recurring companion gets a sheet of its own ----------------------------------------
openai_conf "openai_max_in_flight = 3"
submit P6
run_stage story
comp=$(python3 - "$SPOOL/art/P6/story.json" <<'PY'
import json, sys
p = sys.argv[1]
story = json.load(open(p))
word = story["pages"][0]["scene"]["companions"][0]
for page in story["pages"]:
    page["scene"]["companions"] = [word]
json.dump(story, open(p, "w"), ensure_ascii=False)
print(word)
PY
)
g0=$(fake_stat generations); e0=$(fake_stat edits)
run_stage art
[ "$(where P6)" = pdf ] || fail "P6 is in $(where P6): $(row P6) $(tail -3 "$DLOG")"
[ $(( $(fake_stat generations) - g0 )) = 2 ] || fail "P6: $(( $(fake_stat generations) - g0 )) sheets, want the child's and the companion's"
curl -fsS "http://127.0.0.1:$OPENAI_PORT/__stats" > "$TESTTMP/stats.json"
python3 - "$TESTTMP/stats.json" "$SPOOL/pdf/P6/art" "$e0" "${comp//_/ }" <<'PY' || fail "P6: the edits calls did not carry both sheets"
import hashlib, json, sys
stats, art, first, comp = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3]), sys.argv[4]
want = [hashlib.sha256(open("%s/%s" % (art, f), "rb").read()).hexdigest()
        for f in ("character.png", "companion.png")]
log = stats["edit_log"][first:]
assert len(log) == 25, len(log)
for e in log:
    assert e["sheets"] == want and e["filenames"] == ["character.png", "companion.png"], e
    assert "Input image 2 is the character sheet of the companion, %s" % comp in e["prompt"], e["prompt"]
PY
ok "P6: a companion on every page ($comp): its own sheet, both sheets as image[] in the 25 edits calls"

openai_key_not_logged

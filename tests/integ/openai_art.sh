#!/usr/bin/env bash
# openai_art.sh — the art stage with art_provider = openai against the fake
# OpenAI: a 24-page book gets its 25 pictures at the page's pixel size
# (PNG answers re-encoded as JPEG), each call in api_calls at
# openai_price_image; a JPEG answer of the right size is stored byte for
# byte; pictures already there are not asked again; a server error defers
# the order and the retry pays only for what is missing; an image below
# print resolution fails the order (art_low_res = refuse) or is upscaled
# (upscale); no more requests in flight than openai_max_in_flight.
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

# --- a whole book --------------------------------------------------------------------
submit P1
run_stage story
[ "$(where P1)" = art ] || fail "P1 story: $(where P1) $(row P1)"
run_stage art
[ "$(where P1)" = pdf ] || fail "P1 is in $(where P1): $(row P1) $(tail -5 "$DLOG")"
pictures_ok "$SPOOL/pdf/P1/art" || fail "P1: pictures"
read -r n imgs cost < <(sql "SELECT count(*), sum(images), sum(cost) FROM api_calls WHERE order_id = 'P1' AND kind = 'image' AND provider = 'openai' AND http_status = 200 AND error IS NULL" | tr '|' ' ')
[ "$n $imgs $cost" = "25 25 1.000000" ] || fail "P1: image calls $n, images $imgs, cost $cost"
[ "$(fake_stat peak_in_flight)" -le 3 ] || fail "$(fake_stat peak_in_flight) requests in flight, more than 3"
python3 - "$(curl -fsS "http://127.0.0.1:$OPENAI_PORT/__stats")" <<'PY' || fail "P1: prompts lack the character"
import json, sys
for p in json.loads(sys.argv[1])["prompts"]:
    assert "5-year-old girl" in p and "dark brown curly hair" in p, p
PY
ok "P1: 25 pictures at 1875×2775 from PNG answers, 25 calls at \$0.04, at most 3 in flight"

# --- JPEG answers stored as they are; pictures already there not asked again ---------------
cp "$SPOOL/pdf/P1/art/page-05.jpg" "$TESTTMP/answer.jpg"
fake_ctl "{\"jpeg\": \"$TESTTMP/answer.jpg\"}"
submit P2
run_stage story
mkdir -p "$SPOOL/art/P2/art"
for f in cover.jpg page-01.jpg page-02.jpg; do cp "$SPOOL/pdf/P1/art/$f" "$SPOOL/art/P2/art/$f"; done
before=$(fake_stat images)
run_stage art
[ "$(where P2)" = pdf ] || fail "P2 is in $(where P2): $(row P2)"
[ $(( $(fake_stat images) - before )) = 22 ] || fail "P2: $(( $(fake_stat images) - before )) requests for 22 missing pictures"
cmp -s "$SPOOL/pdf/P2/art/page-03.jpg" "$TESTTMP/answer.jpg" || fail "P2: the JPEG answer was not stored as it is"
cmp -s "$SPOOL/pdf/P2/art/page-01.jpg" "$SPOOL/pdf/P1/art/page-01.jpg" || fail "P2: a picture already there was replaced"
pictures_ok "$SPOOL/pdf/P2/art" || fail "P2: pictures"
ok "P2: 3 pictures already there kept, 22 asked, JPEG answers stored byte for byte"
fake_ctl '{"jpeg": ""}'

# --- a server error: deferred, the retry pays only for what is missing -------------------------
submit P3
run_stage story
fake_ctl '{"mode": "server_error", "count": 1, "endpoint": "images"}'
run_stage art
[ "$(where P3)" = art ] || fail "P3 is in $(where P3): $(row P3)"
row P3 | grep -q '^art 1 .*server error (HTTP 500)' || fail "P3 row: $(row P3)"
had=$(ls "$SPOOL/art/P3/art" 2>/dev/null | grep -c '\.jpg$' || true)
sleep 2.5 # the deferral
run_stage art
[ "$(where P3)" = pdf ] || fail "P3 did not go on: $(where P3) $(row P3)"
pictures_ok "$SPOOL/pdf/P3/art" || fail "P3: pictures"
[ "$(sql "SELECT sum(images) FROM api_calls WHERE order_id = 'P3'")" = 25 ] || fail "P3: paid $(sql "SELECT sum(images) FROM api_calls WHERE order_id = 'P3'") pictures, want 25"
ok "P3: a 500 deferred the order ($had pictures kept), the retry asked only the rest: 25 paid"

# --- below print resolution -----------------------------------------------------------------
fake_ctl '{"mode": "small", "count": -1}'
submit P4
run_stage story
run_stage art
[ "$(where P4)" = failed ] || fail "P4 is in $(where P4): $(row P4)"
failed_reason P4 | grep -q '937×1387 pixels, below the 1875×2775' || fail "P4: error.json: $(failed_reason P4)"
ok "P4: an image below print resolution fails the order: art_low_res = refuse"

openai_conf "openai_max_in_flight = 3" "art_low_res = upscale"
fake_ctl '{"mode": "small", "count": 2}'
submit P5
run_stage story
run_stage art
[ "$(where P5)" = pdf ] || fail "P5 is in $(where P5): $(row P5)"
pictures_ok "$SPOOL/pdf/P5/art" || fail "P5: pictures"
[ "$(grep -c 'P5: .*upscaling the 937×1387 image' "$DLOG")" = 2 ] || fail "P5: no warning for the 2 upscaled pictures"
ok "P5: art_low_res = upscale scales the small images up, with a warning"

openai_key_not_logged

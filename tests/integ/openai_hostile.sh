#!/usr/bin/env bash
# openai_hostile.sh — image answers are untrusted: a JPEG header claiming
# 30000×30000, a 20000×20000 PNG bomb of under 1 MB, a JPEG cut in half, a
# PNG with a damaged IDAT and a 65 MB body are each refused with a reason,
# nothing of them is stored, and the art daemon's peak memory (VmHWM, from
# /usr/bin/time's maximum resident set) stays under 300 MB.
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/integ/openai_lib.sh"

openai_start
# One attempt: a damaged answer fails the order at once, so each case is
# one order; one request in flight: a book stops at its first bad answer.
# art_max_image_px is raised above the page (2775) for the cut JPEG, which
# is a stored page, so that its truncation is what refuses it.
openai_conf "openai_max_in_flight = 1" "max_attempts = 1" "art_max_image_px = 3000"

# A real page to cut in half: one book drawn the normal way.
submit H0
run_stage story
run_stage art
[ "$(where H0)" = pdf ] || fail "H0: $(row H0)"

python3 - "$TESTTMP" "$SPOOL/pdf/H0/art/page-01.jpg" <<'PY'
import struct, sys, zlib
out, page = sys.argv[1], open(sys.argv[2], "rb").read()
def chunk(kind, data):
    c = kind + data
    return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
def png(w, h, colour_type, rows):
    z = zlib.compressobj(9)
    body = b"".join(z.compress(r) for r in rows) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))
# A baseline JPEG header (SOF0) claiming 30000 × 30000, three components.
sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 30000, 30000, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes([1] * 64)
open(out + "/claims30000.jpg", "wb").write(b"\xff\xd8" + dqt + sof + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x00" * 600 + b"\xff\xd9")
# 20000 × 20000 grey: 400 MB of pixels in well under 1 MB.
row = b"\x00" + b"\x00" * 20000
bomb = png(20000, 20000, 0, (row for _ in range(20000)))
assert len(bomb) < 1 << 20, len(bomb)
open(out + "/bomb.png", "wb").write(bomb)
# A page cut in half.
open(out + "/half.jpg", "wb").write(page[: len(page) // 2])
# A 1024 × 1536 PNG whose IDAT is damaged in the middle (its CRC no longer matches).
good = bytearray(png(1024, 1536, 2, (b"\x00" + bytes((i * 7 + y) % 256 for i in range(3072)) for y in range(1536))))
mid = len(good) // 2
good[mid:mid + 64] = b"\xa5" * 64
open(out + "/corrupt.png", "wb").write(bytes(good))
PY

# hostile ID WHAT REASON [FAKE CONTROL]: one order whose first page answer is WHAT.
hostile() {
  local id=$1 what=$2 reason=$3
  submit "$id"
  run_stage story
  if [ "$what" = huge ]; then fake_ctl '{"mode": "huge", "count": -1, "endpoint": "edits"}'
  else fake_ctl "{\"jpeg\": \"$TESTTMP/$what\"}"; fi
  echo "--- storypress-art --once ($id: $what)" >>"$DLOG"
  /usr/bin/time -f '%M' -o "$TESTTMP/$id.rss" timeout 120 "$BUILD/storypress-art" -c "$CONF" --once 2>>"$DLOG" || true
  fake_ctl '{"mode": "ok", "jpeg": ""}'
  [ "$(where "$id")" = failed ] || fail "$id ($what) is in $(where "$id"): $(row "$id")"
  failed_reason "$id" | grep -q -- "$reason" || fail "$id ($what): error.json: $(failed_reason "$id")"
  ! compgen -G "$SPOOL/failed/$id/art/*.jpg" >/dev/null || fail "$id ($what): a picture was stored: $(ls "$SPOOL/failed/$id/art")"
  local kb; kb=$(tail -1 "$TESTTMP/$id.rss")
  case $BUILD in
    *-san) ;; # AddressSanitizer's shadow memory and quarantine are not the daemon's
    *) [ "$kb" -lt 307200 ] || fail "$id ($what): the art daemon peaked at $kb kB" ;;
  esac
  ok "$id: $what refused ($reason), nothing stored, art daemon peak $((kb / 1024)) MB"
}

hostile H1 claims30000.jpg 'the JPEG claims 30000×30000 pixels, above the 3000×3000 accepted (art_max_image_px); not decoded'
hostile H2 bomb.png 'the PNG claims 20000×20000 pixels, above the 3000×3000 accepted'
hostile H3 half.jpg 'cover.jpg: the JPEG is damaged: Premature end of JPEG file'
hostile H4 corrupt.png 'the PNG is damaged'
hostile H5 huge 'the answer is larger than 67108864 bytes'
# The memory bound alone: within the side bound but not the megabytes (the sheet's answer, first).
openai_conf "openai_max_in_flight = 1" "max_attempts = 1" "art_max_image_px = 3000" "art_max_image_mb = 4"
hostile H6 corrupt.png 'character.png: the PNG of 1536×1024 pixels would take 6 MB decoded, above the 4 MB accepted (art_max_image_mb)'

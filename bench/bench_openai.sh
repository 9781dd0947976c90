#!/usr/bin/env bash
# bench_openai.sh [BUILD_DIR] — how close the openai illustrator comes to the
# bound its concurrency sets, with the answer times of images/edits.
#
#   steady  BENCH_BOOKS (4) books of 24 pages whose character sheet is
#           already there (a retried or resumed order; the steady state of a
#           busy queue), the fake answering every edits call after
#           BENCH_LATENCY_MS (60000, as gpt-image edits take 40-130 s), with
#           openai_max_in_flight = BENCH_IN_FLIGHT (50): 100 pictures, the
#           books of one batch sharing the requests in flight.
#   fresh   BENCH_FRESH_BOOKS (8) new books, sheets drawn in the same pass
#           (each book's pages wait for its sheet), in flight 8, answers
#           after BENCH_FRESH_LATENCY_MS (2000): the sheet phase's cost.
# The bound is in_flight / latency images per second.  Two figures each:
#   at the API  requests answered per second from the first arrival to the
#               last answer at the fake (the pipe the bound is about);
#   stored      pictures decoded, upscaled (libvips) to 1875×2775 and
#               stored per second of the whole pass, the last answers'
#               processing included.
# At 2 s answers (fresh) the daemon's one thread is the bound: 8 pictures a
# wave at ~0.25 s of CPU each (decode, libvips, JPEG; bench_upscale) is as
# long as the wave itself.  At 60 s it is not.
# Needs a build (make) and PostgreSQL's server binaries; uses a private
# server and spool under /tmp, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export SRCDIR=$PWD
export BUILD=$SRCDIR/${1:-build}
LATENCY_MS=${BENCH_LATENCY_MS:-60000}
IN_FLIGHT=${BENCH_IN_FLIGHT:-50}
BOOKS=${BENCH_BOOKS:-4}
FRESH_LATENCY_MS=${BENCH_FRESH_LATENCY_MS:-2000}
FRESH_BOOKS=${BENCH_FRESH_BOOKS:-8}
for p in storypress storypress-incoming storypress-story storypress-art; do
  [ -x "$BUILD/$p" ] || { echo "bench_openai: $BUILD/$p missing (make first)" >&2; exit 1; }
done

top=$(mktemp -d /tmp/storypress-bench.XXXXXX)
chmod 755 "$top"
export TESTTMP=$top SPOOL=$top/spool
. tests/lib/common.sh
. tests/integ/openai_lib.sh
pg_start "$top/pg" >/dev/null || { echo "bench_openai: cannot start PostgreSQL" >&2; exit 1; }
bench_cleanup() {
  openai_cleanup
  pg_stop "$top/pg" >/dev/null 2>&1 || true
  rm -rf "$top"
}
trap bench_cleanup EXIT
psql -qX -c "CREATE DATABASE bench" postgres >/dev/null
export PGDATABASE=bench

export RUN_STAGE_TIMEOUT=900 # two waves of 60 s answers and more
openai_start
# round NAME BOOKS IN_FLIGHT LATENCY_MS SHEETS(given|drawn)
round() {
  local name=$1 books=$2 k=$3 lat=$4 sheets=$5 i
  openai_conf "openai_max_in_flight = $k" "log_level = warning"
  fake_ctl '{"latency_ms": 0}'
  for i in $(seq 1 "$books"); do submit "$name$i"; done
  run_stage story
  [ "$(count art)" = "$books" ] || fail "$name: $(count art) books in art/, want $books"
  if [ "$sheets" = given ]; then
    # A sheet from the fake itself, as the first pass of these orders drew it.
    curl -fsS -H "Authorization: Bearer $OPENAI_KEY" -H 'Content-Type: application/json' \
      -d '{"model": "gpt-image-1.5", "prompt": "sheet", "size": "1536x1024", "output_format": "png"}' \
      "http://127.0.0.1:$OPENAI_PORT/v1/images/generations" |
      python3 -c 'import base64, json, sys; sys.stdout.buffer.write(base64.b64decode(json.load(sys.stdin)["data"][0]["b64_json"]))' > "$top/sheet.png"
    for i in $(seq 1 "$books"); do mkdir -p "$SPOOL/art/$name$i/art"; cp "$top/sheet.png" "$SPOOL/art/$name$i/art/character.png"; done
  fi
  fake_ctl "{\"latency_ms\": $lat}"
  local before t0 t1
  before=$(fake_stat images)
  t0=$(date +%s.%N)
  run_stage art
  t1=$(date +%s.%N)
  [ "$(count pdf)" -ge "$books" ] || fail "$name: books not drawn: $(tail -5 "$DLOG")"
  local n=$(( $(fake_stat images) - before ))
  curl -fsS "http://127.0.0.1:$OPENAI_PORT/__stats" > "$top/stats.json"
  python3 - "$name" "$n" "$t0" "$t1" "$k" "$lat" "$top/stats.json" "$books" <<'PY'
import json, math, sys
name, n, t0, t1, k, lat = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), \
    float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]) / 1000.0
stats, books = json.load(open(sys.argv[7])), int(sys.argv[8])
log = stats["image_log"][-n:]
span = max(r["t1"] for r in log) - min(r["t0"] for r in log)
bound = k / lat
api, stored = n / span, n / (t1 - t0)
waves = math.ceil(n / k)
ev = sorted([(r["t0"], 1) for r in log] + [(r["t1"], -1) for r in log], key=lambda e: (e[0], e[1]))
cur = peak = 0
for _, d in ev:
    cur += d
    peak = max(peak, cur)
print("%-6s %3d requests (%d books), %d in flight, answers after %.0f s; bound %.2f/s (%d waves)"
      % (name, n, books, k, lat, bound, waves))
print("       at the API: %6.3f/s = %.3f of the bound (%.1f s first arrival to last answer); "
      "peak in flight %d" % (api, api / bound, span, peak))
print("       stored:     %6.3f/s = %.3f of the bound (%.1f s for the pass, the last answers' "
      "decoding and upscaling included)" % (stored, stored / bound, t1 - t0))
PY
  rm -rf "${SPOOL:?}/pdf/"*
}

round steady "$BOOKS" "$IN_FLIGHT" "$LATENCY_MS" given
round fresh "$FRESH_BOOKS" "$FRESH_BOOKS" "$FRESH_LATENCY_MS" drawn

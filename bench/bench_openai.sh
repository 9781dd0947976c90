#!/usr/bin/env bash
# bench_openai.sh [BUILD_DIR] — how close the openai illustrator comes to the
# bound its concurrency sets.  The fake OpenAI answers every image after a
# fixed latency (BENCH_LATENCY_MS, 2000); one storypress-art daemon
# (--once) draws BENCH_BOOKS books (2) of 32 pages (33 pictures each) with
# openai_max_in_flight = BENCH_IN_FLIGHT (8), the books of one batch
# sharing the requests in flight.  No request waits for another, so the bound is in_flight / latency images per second; the
# script prints images per second and its ratio to that bound, twice:
#   png   the fake answers PNGs: each is decoded, scaled if need be and
#         encoded as JPEG in the daemon, between transfers;
#   jpeg  the fake answers a JPEG of the page's size: stored as it is.
# Needs a build (make) and PostgreSQL's server binaries; uses a private
# server and spool under /tmp, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export SRCDIR=$PWD
export BUILD=$SRCDIR/${1:-build}
LATENCY_MS=${BENCH_LATENCY_MS:-2000}
IN_FLIGHT=${BENCH_IN_FLIGHT:-8}
BOOKS=${BENCH_BOOKS:-2}
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

openai_start
openai_conf "openai_max_in_flight = $IN_FLIGHT" "log_level = warning"

# round NAME: BOOKS books through the story stage, then the timed art pass.
round() {
  local name=$1 i
  for i in $(seq 1 "$BOOKS"); do submit "$name$i" 'book.pages=32'; done
  fake_ctl '{"latency_ms": 0}'
  run_stage story
  [ "$(count art)" = "$BOOKS" ] || fail "$name: $(count art) books in art/, want $BOOKS"
  fake_ctl "{\"latency_ms\": $LATENCY_MS}"
  local before t0 t1
  before=$(fake_stat images)
  t0=$(date +%s.%N)
  run_stage art
  t1=$(date +%s.%N)
  [ "$(count pdf)" -ge "$BOOKS" ] || fail "$name: books not drawn: $(tail -5 "$DLOG")"
  local n=$(( $(fake_stat images) - before ))
  python3 - "$name" "$n" "$t0" "$t1" "$IN_FLIGHT" "$LATENCY_MS" "$(fake_stat peak_in_flight)" "$BOOKS" <<'PY'
import math, sys
name, n, t0, t1, k, lat, peak, books = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), \
    float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]) / 1000.0, sys.argv[7], int(sys.argv[8])
secs = t1 - t0
rate, bound = n / secs, k / lat
# The books of a batch share one pool of k requests: n pictures take at
# least ceil(n / k) waves of one latency each (the last partly empty),
# whatever the daemon does (one book at a time: books × ceil(n / books / k)).
waves = math.ceil(n / k)
print("%-5s %3d images in %6.2f s = %5.2f images/s; bound %d in flight / %.1f s = %.2f/s; "
      "ratio %.2f; against %d waves of %.1f s (one pool for all books): %.2f; peak in flight %s"
      % (name, n, secs, rate, k, lat, bound, rate / bound, waves, lat, waves * lat / secs, peak))
PY
  # Keep one picture the daemon wrote: the JPEG answer of the next round.
  [ -s "$top/answer.jpg" ] || cp "$(find "$SPOOL/pdf" -name page-01.jpg -print -quit)" "$top/answer.jpg"
  rm -rf "${SPOOL:?}/pdf/"*
}

round png
fake_ctl "{\"jpeg\": \"$top/answer.jpg\"}"
round jpeg

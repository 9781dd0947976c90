#!/usr/bin/env bash
# bench/run.sh BUILD_DIR — runs every benchmark against one build: each
# bench/bench_*.sh as a script, each bench/bench_*.c compiled against
# BUILD_DIR/libstorypress.a and run with a fresh work directory.  They share
# a private PostgreSQL started here (tests/lib/pg.sh) in a temporary
# directory and stopped at the end, whatever happens.  `make bench` calls it.
#
#   BENCH=pattern bench/run.sh build    only the benchmarks whose name matches
#   KEEP=1                              keep the temporary directory
set -uo pipefail
cd "$(dirname "$0")/.."
SRCDIR=$PWD
[ $# -le 1 ] || { echo "usage: bench/run.sh [BUILD_DIR]" >&2; exit 2; }
BUILD=$(cd "${1:-build}" && pwd) || exit 2
[ -f "$BUILD/libstorypress.a" ] || { echo "bench/run.sh: $BUILD/libstorypress.a missing: make first" >&2; exit 2; }
. tests/lib/pg.sh

top=$(mktemp -d /tmp/storypress-bench.XXXXXX)
chmod 755 "$top"   # the server's user must reach its socket directory
cleanup() {
  pg_stop "$top/pg"
  if [ -n "${KEEP:-}" ]; then echo "bench files kept in $top"; else rm -rf "$top"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
unset PGDATABASE
pg_start "$top/pg" >/dev/null || { echo "bench/run.sh: cannot start PostgreSQL" >&2; exit 1; }
export BUILD SRCDIR BENCH_TMP=$top

pattern=${BENCH:-}
pkgs=$(sed -n 's/^PKGS *:= *//p' Makefile)
failed=0
echo "storypress benchmarks: $BUILD on $(nproc) CPU(s), $(uname -r)"
for b in bench/bench_*.sh bench/bench_*.c; do
  [ -f "$b" ] || continue
  name=$(basename "$b"); name=${name%.*}
  [ -n "$pattern" ] && [[ $name != *$pattern* ]] && continue
  echo
  echo "== $name"
  start=$(date +%s)
  case $b in
    *.sh) bash "$b"; st=$? ;;
    *.c)
      mkdir -p "$top/bin" "$top/$name"
      # shellcheck disable=SC2046,SC2086
      if cc -std=gnu11 -O2 -D_GNU_SOURCE -Ilib $(pkg-config --cflags $pkgs) -o "$top/bin/$name" "$b" \
           "$BUILD/libstorypress.a" $(pkg-config --libs $pkgs) -lm; then
        "$top/bin/$name" "$top/$name"; st=$?
      else
        echo "$name: does not compile"; st=1
      fi ;;
  esac
  [ "$st" = 0 ] || { echo "$name: FAILED (exit $st)"; failed=$((failed+1)); }
  echo "($name: $(( $(date +%s) - start )) s)"
done
[ "$failed" = 0 ]

#!/usr/bin/env bash
# bench/bench_incoming.sh — what one incoming worker costs.  Run by
# bench/run.sh, which gives it BUILD, SRCDIR, BENCH_TMP and a private
# PostgreSQL (PGHOST...).  Prints:
#   - the latency of 2000 drops, from the rename into incoming/ to the
#     folder's arrival in story/: one at a time (an idle worker), then paced
#     at BENCH_RATE drops/s (default 100, well under one worker's capacity) with queueing;
#   - the throughput of one worker: 2000 drops made beforehand, drained by
#     `storypress-incoming --once`, orders per second of wall time;
#   - where the time goes: syscalls per order under strace -c (fsyncs,
#     database round trips), when strace is installed.
# BENCH_N changes the 2000.
set -euo pipefail
N=${BENCH_N:-2000}
RATE=${BENCH_RATE:-100}
W=$BENCH_TMP/incoming
PY="python3 $SRCDIR/bench/incoming.py"
mkdir -p "$W"
export SPOOL=$W/spool
export PGDATABASE=bench_incoming
psql -qX -c "DROP DATABASE IF EXISTS $PGDATABASE" -c "CREATE DATABASE $PGDATABASE" postgres >/dev/null
cat > "$W/storypress.conf" <<EOF
spool_dir = $SPOOL
log_level = warning
EOF
export STORYPRESS_CONFIG=$W/storypress.conf
"$BUILD/storypress" migrate >/dev/null

echo "spool on $(df -T "$W" | awk 'NR==2 {print $2, $1}'); PostgreSQL $(psql -XAtc 'SHOW server_version' postgres) with fsync=$(psql -XAtc 'SHOW fsync' postgres)"

# --- latency, with the daemon running --------------------------------------
$PY gen "$W/lat1" L "$N"
$PY gen "$W/lat2" P "$N"
pid=
trap '[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true' EXIT
"$BUILD/storypress-incoming" -c "$W/storypress.conf" --worker bench 2>>"$W/incoming.log" &
pid=$!
for _ in $(seq 100); do [ -d "$SPOOL/incoming/.work/bench" ] && break; sleep 0.1; done
[ -d "$SPOOL/incoming/.work/bench" ] || { cat "$W/incoming.log"; exit 1; }
# CPU time and time spent waiting for a CPU (run queue), from
# /proc/PID/schedstat, of the daemon and of its PostgreSQL backend: on a
# shared machine a stall is often just that.
backend=$(psql -XAtc "SELECT pid FROM pg_stat_activity WHERE datname = current_database()
  AND pid <> pg_backend_pid() AND backend_type = 'client backend' LIMIT 1")
sched() { cat "/proc/$pid/schedstat" "/proc/$backend/schedstat" 2>/dev/null | awk '{printf "%s %s ", $1, $2}'; }
sched_report() { # BEFORE AFTER
  awk -v n="$N" -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    printf "  per order: daemon CPU %.2f ms, waiting for a CPU %.2f ms; its database backend CPU %.2f ms, waiting %.2f ms\n",
      (y[1] - x[1]) / 1e6 / n, (y[2] - x[2]) / 1e6 / n, (y[3] - x[3]) / 1e6 / n, (y[4] - x[4]) / 1e6 / n }'
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
s0=$(sched)
BENCH_RAW=$W/lat1.raw $PY latency "$SPOOL" "$W/lat1"
s1=$(sched)
sched_report "$s0" "$s1"
BENCH_RAW=$W/lat2.raw $PY latency "$SPOOL" "$W/lat2" "$RATE"
s2=$(sched)
sched_report "$s1" "$s2"
kill -TERM "$pid"; wait "$pid"; pid=

# --- throughput of one worker: a drain with --once -------------------------
$PY gen "$W/drain" T "$N"
$PY predrop "$SPOOL" "$W/drain"
t0=$(date +%s%N)
"$BUILD/storypress-incoming" -c "$W/storypress.conf" --once 2>>"$W/incoming.log"
t1=$(date +%s%N)
done_n=$(psql -XAtc "SELECT count(*) FROM orders WHERE id LIKE 'T%'")
[ "$done_n" = "$N" ] || { echo "drain: only $done_n of $N orders recorded"; exit 1; }
awk -v n="$N" -v ns=$((t1 - t0)) 'BEGIN { printf "throughput one worker, --once drain of %d: %.2f s, %.0f orders/s (%.2f ms per order)\n", n, ns / 1e9, n / (ns / 1e9), ns / 1e6 / n }'

# --- where the time goes -------------------------------------------------------
if command -v strace >/dev/null; then
  S=500
  $PY gen "$W/trace" S "$S"
  $PY predrop "$SPOOL" "$W/trace"
  strace -f -c -w -o "$W/strace.txt" "$BUILD/storypress-incoming" -c "$W/storypress.conf" --once 2>>"$W/incoming.log"
  echo "syscalls per order under strace -c -w ($S orders; strace slows every call, compare shares, not totals):"
  awk -v n="$S" '
    $1 ~ /^[0-9.]+$/ && NF >= 5 {
      name = $NF; calls = $4; secs = $2
      if (name == "total") next
      total += secs
      if (name ~ /^(fsync|fdatasync)$/) { f += secs; fc += calls }
      else if (name ~ /^(sendto|recvfrom|poll|ppoll)$/) { d += secs; dc[name] = calls }
      else if (name ~ /^(rename|renameat|renameat2)$/) { r += secs; rc += calls }
      else { o += secs }
    }
    END {
      printf "  fsync            %5.1f calls/order  %5.1f%% of syscall time\n", fc / n, 100 * f / total
      printf "  database I/O     %5.1f round trips/order (sendto)  %5.1f%% (sendto, recvfrom, poll)\n", dc["sendto"] / n, 100 * d / total
      printf "  rename           %5.1f calls/order  %5.1f%%\n", rc / n, 100 * r / total
      printf "  everything else                      %5.1f%%\n", 100 * o / total
    }' "$W/strace.txt"
fi

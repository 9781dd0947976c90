#!/usr/bin/env python3
"""bench/incoming.py — the measuring half of bench/bench_incoming.sh.

  incoming.py gen DIR PREFIX N          N valid order drops in DIR
  incoming.py predrop SPOOL DIR         drops them all (the shop's way)
  incoming.py latency SPOOL DIR [RATE]  drops them one by one and measures,
                                        for each, the time from its rename
                                        into incoming/ to its folder's
                                        arrival in story/ (IN_MOVED_TO)

Both timestamps come from this one process and one clock
(time.monotonic_ns), so they compare exactly.  Without RATE each drop waits
for the previous order to arrive (the latency of an idle worker); with RATE
(drops per second) the drops follow a fixed schedule whatever the worker
does, so the figures include queueing.  inotify is reached through ctypes:
no module beyond the standard library.
"""
import ctypes
import glob
import json
import math
import os
import select
import struct
import sys
import time

IN_MOVED_TO = 0x00000080
IN_Q_OVERFLOW = 0x00004000


def gen(out, prefix, n):
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config", "samples")
    base = json.load(open(sorted(glob.glob(src + "/*.json"))[0]))
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        o = json.loads(json.dumps(base))
        o["order_id"] = "%s%05d" % (prefix, i)
        # One customer each, as in a shop: the intake's quota count per
        # customer and day stays small (one customer with thousands of orders
        # a day makes every intake count them all).
        o["customer"]["id"] = "C-%s%05d" % (prefix, i)
        with open(os.path.join(out, o["order_id"] + ".json"), "w") as f:
            json.dump(o, f, ensure_ascii=False)


def drops(d):
    return sorted(f for f in os.listdir(d) if f.endswith(".json"))


def drop_one(spool, d, name):
    """Writes the drop into tmp/ (not timed); returns the rename to make."""
    data = open(os.path.join(d, name), "rb").read()
    tmp = os.path.join(spool, "tmp", ".%s.%d" % (name, os.getpid()))
    with open(tmp, "wb") as f:
        f.write(data)
    return tmp, os.path.join(spool, "incoming", name)


def predrop(spool, d):
    for name in drops(d):
        tmp, dst = drop_one(spool, d, name)
        os.rename(tmp, dst)


class Watch:
    """inotify on one directory: arrivals by name, with the time read."""

    def __init__(self, path):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        if libc.inotify_add_watch(self.fd, path.encode(), IN_MOVED_TO) < 0:
            raise OSError(ctypes.get_errno(), "inotify_add_watch " + path)
        self.arrived = {}

    def read(self, timeout):
        """Waits up to timeout seconds for events; records their names."""
        r, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not r:
            return
        now = time.monotonic_ns()
        try:
            buf = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return
        i = 0
        while i < len(buf):
            _wd, mask, _cookie, ln = struct.unpack_from("iIII", buf, i)
            name = buf[i + 16:i + 16 + ln].rstrip(b"\0").decode()
            i += 16 + ln
            if mask & IN_Q_OVERFLOW:
                sys.exit("inotify queue overflowed: figures would be wrong")
            if mask & IN_MOVED_TO:
                self.arrived.setdefault(name, now)


def pct(sorted_ms, p):
    """The nearest-rank percentile."""
    k = max(1, math.ceil(p / 100.0 * len(sorted_ms)))
    return sorted_ms[k - 1]


def latency(spool, d, rate):
    w = Watch(os.path.join(spool, "story"))
    sent = {}
    names = drops(d)
    start = time.monotonic_ns()
    for i, name in enumerate(names):
        oid = name[:-5]
        tmp, dst = drop_one(spool, d, name)
        if rate:
            due = start + int(i * 1e9 / rate)
            while time.monotonic_ns() < due:
                w.read((due - time.monotonic_ns()) / 1e9)
        sent[oid] = time.monotonic_ns()
        os.rename(tmp, dst)
        if not rate:
            limit = time.monotonic() + 30
            while oid not in w.arrived:
                if time.monotonic() > limit:
                    sys.exit("%s did not reach story/ within 30 s" % oid)
                w.read(1.0)
    limit = time.monotonic() + 60
    while len(w.arrived.keys() & sent.keys()) < len(sent) and time.monotonic() < limit:
        w.read(1.0)
    missing = sent.keys() - w.arrived.keys()
    if missing:
        sys.exit("%d orders never reached story/ (e.g. %s)" % (len(missing), sorted(missing)[0]))
    raw = os.environ.get("BENCH_RAW")
    if raw:
        # one line per drop: id, sent and arrived (ns since the first drop), latency ms
        with open(raw, "w") as f:
            for k in sorted(sent, key=sent.get):
                f.write("%s %d %d %.3f\n" % (k, sent[k] - start, w.arrived[k] - start,
                                             (w.arrived[k] - sent[k]) / 1e6))
    ms = sorted((w.arrived[k] - sent[k]) / 1e6 for k in sent)
    wall = (max(w.arrived[k] for k in sent) - start) / 1e9
    mode = "paced at %g/s" % rate if rate else "one at a time"
    print("latency %-14s n=%d  median %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  (%.0f orders/s over %.1f s)"
          % (mode, len(ms), pct(ms, 50), pct(ms, 90), pct(ms, 99), ms[-1], len(ms) / wall, wall))


def main():
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "gen":
        gen(a[1], a[2], int(a[3]))
    elif len(a) == 3 and a[0] == "predrop":
        predrop(a[1], a[2])
    elif len(a) in (3, 4) and a[0] == "latency":
        latency(a[1], a[2], float(a[3]) if len(a) == 4 else 0)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""webhook_receiver.py KEYFILE LOGFILE [--fail N] [--timeout S] [--tolerance S]

A shop's webhook endpoint for the tests, verifying as docs/operations.md
tells a shop to: listens on 127.0.0.1 (a port the OS picks, printed on
stdout), reads X-Storypress-Signature: t=<unix>,v1=<hex>, computes
HMAC-SHA256 with the key in KEYFILE over "<t>." followed by the raw body,
compares in constant time, and refuses a t further than --tolerance seconds
(default 300) from its clock.  Appends one JSON line per request to LOGFILE:
{"event": ..., "valid": true|false, "why": "..."|null, "signature": header,
"failed": ..., "body": {...}}.  Answers 401 to a request that does not
verify, 500 to the first N that do (--fail N), 204 to the others.  Exits
after --timeout seconds (default 120).
"""
import hashlib, hmac, json, sys, threading, time
from http.server import BaseHTTPRequestHandler, HTTPServer


def opt(name, default):
    return float(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


keyfile, logfile = sys.argv[1], sys.argv[2]
fail = int(opt("--fail", 0))
timeout = opt("--timeout", 120)
tolerance = opt("--tolerance", 300)
key = open(keyfile, "rb").read().rstrip(b"\r\n")
lock = threading.Lock()
state = {"seen": 0}


def verify(header, raw):
    """None when the signature holds and is fresh, else why not."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    t, v1 = parts.get("t", ""), parts.get("v1", "")
    if not t.isdigit() or not v1:
        return "not t=<unix>,v1=<hex>"
    want = hmac.new(key, t.encode() + b"." + raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, v1):
        return "signature does not match"
    if abs(time.time() - int(t)) > tolerance:
        return "stale: t is %d s away" % abs(time.time() - int(t))
    return None


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        header = self.headers.get("X-Storypress-Signature", "")
        why = verify(header, raw)
        with lock:
            failing = False
            if why is None:
                state["seen"] += 1
                failing = state["seen"] <= fail
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            with open(logfile, "a") as f:
                f.write(json.dumps({"event": self.headers.get("X-Storypress-Event"),
                                    "valid": why is None, "why": why, "signature": header,
                                    "failed": failing, "body": body}) + "\n")
        self.send_response(401 if why else 500 if failing else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()


srv = HTTPServer(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
threading.Timer(timeout, srv.shutdown).start()
srv.serve_forever()

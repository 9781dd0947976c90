#!/usr/bin/env python3
"""webhook_receiver.py KEYFILE LOGFILE [--fail N] [--timeout S]

A shop's webhook endpoint for the tests: listens on 127.0.0.1 (a port the
OS picks, printed on stdout), checks X-Storypress-Signature (HMAC-SHA256 of
the raw body with the key in KEYFILE), appends one JSON line per request to
LOGFILE: {"event": ..., "valid": true|false, "body": {...}}, answers 204 —
or 500 to the first N requests.  Exits after --timeout seconds (default 120).
"""
import hashlib, hmac, json, sys, threading
from http.server import BaseHTTPRequestHandler, HTTPServer

keyfile, logfile = sys.argv[1], sys.argv[2]
fail = int(sys.argv[sys.argv.index("--fail") + 1]) if "--fail" in sys.argv else 0
timeout = float(sys.argv[sys.argv.index("--timeout") + 1]) if "--timeout" in sys.argv else 120
key = open(keyfile, "rb").read().rstrip(b"\r\n")
lock = threading.Lock()
state = {"seen": 0}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        want = "sha256=" + hmac.new(key, raw, hashlib.sha256).hexdigest()
        got = self.headers.get("X-Storypress-Signature", "")
        with lock:
            state["seen"] += 1
            failing = state["seen"] <= fail
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            with open(logfile, "a") as f:
                f.write(json.dumps({"event": self.headers.get("X-Storypress-Event"),
                                    "valid": hmac.compare_digest(want, got),
                                    "failed": failing, "body": body}) + "\n")
        self.send_response(500 if failing else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()


srv = HTTPServer(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
threading.Timer(timeout, srv.shutdown).start()
srv.serve_forever()

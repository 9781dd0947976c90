#!/usr/bin/env python3
"""fake_s3.py — a small S3-compatible object store for the tests.

Speaks S3's REST wire format for what storypress uses (path-style PUT,
GET, HEAD, DELETE of /<bucket>/<key>) and checks AWS Signature Version 4
independently of the C code: header-signed requests (Authorization:
AWS4-HMAC-SHA256 ...) and presigned GETs (X-Amz-* query parameters,
expiry included).  A PUT must sign x-amz-content-sha256, whose value must
be the body's SHA-256; x-amz-checksum-sha256 and Content-MD5, when sent,
must match the body (400 BadDigest otherwise); the answer's ETag is the
MD5.  Anything else answers S3's XML error documents (403
SignatureDoesNotMatch, 403 AccessDenied "Request has expired", 404
NoSuchKey).

  fake_s3.py --access-key AK --secret-file F --region R --bucket B --port-file P
  GET /__stats   {"puts", "gets", "deletes", "bad_signatures", "expired",
                  "objects": [keys], "fetched": [keys], "errors": [...]}
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
OBJECTS = {}
STATS = {"puts": 0, "gets": 0, "deletes": 0, "bad_signatures": 0, "expired": 0,
         "fetched": [], "errors": []}
ARGS = None
SECRET = ""


def uri_encode(s, keep_slash):
    safe = "-._~" + ("/" if keep_slash else "")
    return urllib.parse.quote(s, safe=safe)


def signing_key(day, region):
    k = hmac.new(("AWS4" + SECRET).encode(), day.encode(), hashlib.sha256).digest()
    for part in (region, "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def signature(amzdate, scope_day, region, canonical):
    sts = "\n".join(["AWS4-HMAC-SHA256", amzdate, "%s/%s/s3/aws4_request" % (scope_day, region),
                     hashlib.sha256(canonical.encode()).hexdigest()])
    return hmac.new(signing_key(scope_day, region), sts.encode(), hashlib.sha256).hexdigest()


def canonical_query(pairs):
    enc = sorted((uri_encode(k, False), uri_encode(v, False)) for k, v in pairs)
    return "&".join("%s=%s" % kv for kv in enc)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        sys.stderr.write("fake_s3: " + (fmt % a) + "\n")

    def answer(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def s3_error(self, status, code, message):
        with LOCK:
            STATS["errors"].append("%s %s: %s %s" % (self.command, self.path.split("?")[0],
                                                     code, message))
            if code == "SignatureDoesNotMatch":
                STATS["bad_signatures"] += 1
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code>"
                "<Message>%s</Message></Error>" % (code, message)).encode()
        self.answer(status, body, {"Content-Type": "application/xml"})

    def split(self):
        u = urllib.parse.urlsplit(self.path)
        return u.path, urllib.parse.parse_qsl(u.query, keep_blank_values=True)

    def key_of(self, path):
        parts = urllib.parse.unquote(path).split("/", 2)
        if len(parts) < 3 or parts[1] != ARGS.bucket or not parts[2]:
            return None
        return parts[2]

    def check_scope(self, cred):
        try:
            ak, day, region, service, term = cred.split("/")
        except ValueError:
            return None, "malformed credential"
        if ak != ARGS.access_key:
            return None, "unknown access key"
        if region != ARGS.region or service != "s3" or term != "aws4_request":
            return None, "bad credential scope"
        return day, None

    def verify_header_signed(self, body):
        """Authorization header form.  Returns an error string or None."""
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return "no SigV4 Authorization"
        fields = {}
        for part in auth[len("AWS4-HMAC-SHA256 "):].split(","):
            k, _, v = part.strip().partition("=")
            fields[k] = v
        day, err = self.check_scope(fields.get("Credential", ""))
        if err:
            return err
        signed = fields.get("SignedHeaders", "").split(";")
        for need in ("host", "x-amz-date", "x-amz-content-sha256"):
            if need not in signed:
                return "%s not signed" % need
        amzdate = self.headers.get("x-amz-date", "")
        if not amzdate.startswith(day):
            return "x-amz-date outside the credential's day"
        payload = self.headers.get("x-amz-content-sha256", "")
        if payload != hashlib.sha256(body).hexdigest():
            return "x-amz-content-sha256 is not the body's SHA-256"
        path, q = self.split()
        hdrs = []
        for h in signed:
            v = self.headers.get(h)
            if v is None:
                return "signed header %s missing" % h
            hdrs.append("%s:%s\n" % (h, " ".join(v.split())))
        canonical = "\n".join([self.command, path, canonical_query(q), "".join(hdrs),
                               ";".join(signed), payload])
        want = signature(amzdate, day, ARGS.region, canonical)
        if not hmac.compare_digest(want, fields.get("Signature", "")):
            return "signature does not match"
        return None

    def verify_presigned(self):
        path, q = self.split()
        d = dict(q)
        if d.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
            return "not presigned", False
        day, err = self.check_scope(d.get("X-Amz-Credential", ""))
        if err:
            return err, False
        if d.get("X-Amz-SignedHeaders") != "host":
            return "signed headers other than host", False
        amzdate = d.get("X-Amz-Date", "")
        try:
            t = datetime.datetime.strptime(amzdate, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc)
            expires = int(d.get("X-Amz-Expires", ""))
        except ValueError:
            return "bad X-Amz-Date or X-Amz-Expires", False
        if not 1 <= expires <= 604800:
            return "X-Amz-Expires out of range", False
        rest = [(k, v) for k, v in q if k != "X-Amz-Signature"]
        canonical = "\n".join(["GET", path, canonical_query(rest),
                               "host:%s\n" % self.headers.get("Host", ""), "host",
                               "UNSIGNED-PAYLOAD"])
        want = signature(amzdate, day, ARGS.region, canonical)
        if not hmac.compare_digest(want, d.get("X-Amz-Signature", "")):
            return "signature does not match", False
        now = datetime.datetime.now(datetime.timezone.utc)
        if now > t + datetime.timedelta(seconds=expires):
            return "Request has expired", True
        return None, False

    def do_PUT(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n) if n else b""
        err = self.verify_header_signed(body)
        if err:
            return self.s3_error(403, "SignatureDoesNotMatch", err)
        key = self.key_of(self.split()[0])
        if key is None:
            return self.s3_error(404, "NoSuchBucket", "no such bucket")
        sha = base64.b64encode(hashlib.sha256(body).digest()).decode()
        md5 = hashlib.md5(body)
        if self.headers.get("x-amz-checksum-sha256") not in (None, sha):
            return self.s3_error(400, "BadDigest", "x-amz-checksum-sha256 does not match")
        if self.headers.get("Content-MD5") not in (None, base64.b64encode(md5.digest()).decode()):
            return self.s3_error(400, "BadDigest", "Content-MD5 does not match")
        with LOCK:
            OBJECTS[key] = body
            STATS["puts"] += 1
        self.answer(200, b"", {"ETag": '"%s"' % md5.hexdigest(), "x-amz-checksum-sha256": sha})

    def do_DELETE(self):
        err = self.verify_header_signed(b"")
        if err:
            return self.s3_error(403, "SignatureDoesNotMatch", err)
        key = self.key_of(self.split()[0])
        with LOCK:
            OBJECTS.pop(key, None)
            STATS["deletes"] += 1
        self.answer(204)

    def do_GET(self):
        path, _ = self.split()
        if path == "/__stats":
            with LOCK:
                s = dict(STATS, objects=sorted(OBJECTS))
            return self.answer(200, json.dumps(s).encode(), {"Content-Type": "application/json"})
        err, expired = self.verify_presigned()
        if err:
            if expired:
                with LOCK:
                    STATS["expired"] += 1
                return self.s3_error(403, "AccessDenied", err)
            return self.s3_error(403, "SignatureDoesNotMatch", err)
        key = self.key_of(path)
        with LOCK:
            body = OBJECTS.get(key)
            if body is not None:
                STATS["gets"] += 1
                STATS["fetched"].append(key)
        if body is None:
            return self.s3_error(404, "NoSuchKey", "The specified key does not exist.")
        self.answer(200, body, {"Content-Type": "application/pdf",
                                "ETag": '"%s"' % hashlib.md5(body).hexdigest()})


def main():
    global ARGS, SECRET
    p = argparse.ArgumentParser()
    p.add_argument("--access-key", required=True)
    p.add_argument("--secret-file", required=True)
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--bucket", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--timeout", type=int, default=300, help="exit after this many seconds")
    ARGS = p.parse_args()
    SECRET = open(ARGS.secret_file).read().strip()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    threading.Timer(ARGS.timeout, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()

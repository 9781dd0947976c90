#!/usr/bin/env python3
"""fake_lulu.py — a stand-in for Lulu's print API, for the print stage's tests.

Speaks the wire format of ../shared/specs/lulu-print-api.openapi.yml for what
storypress uses: the OAuth2 token endpoint (client credentials, HTTP Basic),
POST/GET /print-jobs/, GET /print-jobs/{id}/, GET /print-jobs/{id}/status/,
POST /print-job-cost-calculations/, POST /cover-dimensions/, POST
/validate-interior/ and /validate-cover/ with their GET /validate-*/{id}/,
with Lulu's (Django REST Framework) error shapes.

Cover dimensions are Lulu's published figures, per pod_package_id and page
count (the sources, also in docs/print.md):
  - perfect bound (PB): spine = pages / 444 + 0.06 in, and coil (CO) and
    saddle stitch (SS) have none ("How is spine width calculated?",
    help.api.lulu.com/en/support/solutions/articles/64000254616);
    width = bleed + back + spine + front + bleed, height = bleed + trim +
    bleed, bleed 0.125 in (the spec's own example: 6x9 PB, 210 pages,
    920 x 666 pt);
  - casewrap (CW): spine from the table of the same article; the sheet is
    printed 0.75 in larger than the spread on every edge ("Creating your
    hardcover casewrap cover", help.lulu.com/en/support/solutions/articles/
    64000308572), e.g. 8.5x8.5 with 28 pages: 1368 x 738 pt, Lulu's template.
Validations read the published file (publish_dir): the interior's page
count, the cover's MediaBox against those dimensions (an ERROR "invalid
file size" as Lulu words it in the spec), and end after validation_polls
status polls.  Listens on 127.0.0.1 on a port the OS picks, prints the port
on stdout, keeps its jobs in memory and in a JSON state file, and exits by
itself after --timeout seconds, or on SIGTERM.

Misbehaviour on demand (flags at start, or POST /__control with JSON):
  delay_ms          wait before every API answer
  token_expiry      seconds a token lives (expired tokens get 401)
  unauthorized      answer 401 to the next N API requests (valid token or not)
  fail_rate         answer fail_status to this fraction of API requests
  fail_status       500, 429, ... (seeded random: --seed)
  fail_when         before (nothing done), after (POST /print-jobs/ creates
                    the job, then fails), both (either, at random)
  hang_posts        the next N POST /print-jobs/ create the job, then hang
                    without answering (hang_seconds, or until release_hangs)
  hang_ids          ["<external_id>", ...]: the same, once, for these orders
  reject            {"<external_id>": "reason"}: that job is REJECTED at its
                    next status poll
  advance           "poll": each status poll moves a job one step along
                    CREATED → PRODUCTION_READY → IN_PRODUCTION → SHIPPED
                    (advance_steps steps); "manual": only set_status moves it
  set_status        {"id": N, "status": "SHIPPED"} (or "external_id")
  release_hangs     true: hanging requests give up now
  revoke_tokens     true: every token issued so far is refused
  invalid           {"cover": "reason", "interior": "reason"}: validations
                    of that file end in ERROR with this reason
  validation_polls  status polls before a validation ends (default 1; the
                    POST itself answers VALIDATING / NORMALIZING): slow
  dimensions_off_pt added to the width Lulu answers for cover dimensions
GET /__state answers the state (also written to --state-file): jobs,
posts (jobs created per external_id), token_requests, requests per route,
validations (id -> record), dimensions (the answers given).
"""

import argparse
import base64
import datetime
import json
import os
import random
import re
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN_PATH = "/auth/realms/glasstree/protocol/openid-connect/token"
STEPS = ["CREATED", "PRODUCTION_READY", "IN_PRODUCTION", "SHIPPED"]
SHIPPING_LEVELS = ["MAIL", "PRIORITY_MAIL", "GROUND_HD", "GROUND_BUS", "GROUND",
                   "EXPEDITED", "EXPRESS"]
PHONE_RE = re.compile(r"^\+?[\d\s\-./()]{8,20}$")
REQUIRED = "This field is required."


# Lulu's casewrap spine widths: (last page count of the range, inches).
CASEWRAP_SPINE = [(84, 0.25), (140, 0.5), (168, 0.625), (194, 0.6875), (222, 0.75),
                  (250, 0.8125), (278, 0.875), (306, 0.9375), (334, 1.0), (360, 1.0625),
                  (388, 1.125), (416, 1.1875), (444, 1.25), (472, 1.3125), (500, 1.375),
                  (528, 1.4375), (556, 1.5), (582, 1.5625), (610, 1.625), (638, 1.6875),
                  (666, 1.75), (694, 1.8125), (722, 1.875), (750, 1.9375), (778, 2.0),
                  (800, 2.0625)]
BLEED_IN = 0.125
CASEWRAP_WRAP_IN = 0.75
# Page limits: paperback at least 32, hardcover at least 24 (Lulu's spine
# width calculator), 800 at most; coil and saddle stitch are not offered by
# storypress and their limits are not checked here (2 to 800).
MIN_PAGES = {"PB": 32, "CW": 24, "CO": 2, "SS": 2}
MAX_PAGES = {"PB": 800, "CW": 800, "CO": 800, "SS": 800}
POD_RE = re.compile(r"^(\d{4})X(\d{4})\.?([A-Z]{2})\.?([A-Z]{3})\.?([A-Z]{2})\.?"
                    r"(\d{3}[A-Z]{2}\d{3})\.?([A-Z])([A-Z])([A-Z])$")


def pod_parts(pod):
    """(trim width in, trim height in, binding code) of a pod_package_id,
    dotted (0850X0850.FC.PRE.CW.080CW444.GXX) or legacy (27 characters)."""
    m = POD_RE.match(pod or "")
    if not m:
        return None
    return int(m.group(1)) / 100.0, int(m.group(2)) / 100.0, m.group(5)


def cover_size_pt(pod, pages):
    """Lulu's cover size for a product and interior page count, in points,
    or an error message (Lulu's words where the spec gives them)."""
    p = pod_parts(pod)
    if not p:
        return None, "Invalid pod_package_id."
    w, h, binding = p
    if binding not in MIN_PAGES:
        return None, "Cover dimensions are not available for this product."
    if pages < MIN_PAGES[binding] or pages > MAX_PAGES[binding]:
        return None, "Page count must be between %d and %d for this product." % (
            MIN_PAGES[binding], MAX_PAGES[binding])
    edge = BLEED_IN
    if binding == "PB":
        spine = pages / 444.0 + 0.06
    elif binding == "CW":
        spine = next(s for last, s in CASEWRAP_SPINE if pages <= last)
        edge += CASEWRAP_WRAP_IN
    else:
        spine = 0.0
    return ((2 * w + spine + 2 * edge) * 72, (h + 2 * edge) * 72), None


MEDIABOX_RE = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
PAGE_RE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_facts(path):
    """(pages, (width, height) of the first MediaBox) of a PDF file, or None
    when it cannot be read.  Enough for the PDFs cairo and the tests write."""
    try:
        data = open(path, "rb").read()
    except OSError:
        return None
    if not data.startswith(b"%PDF-"):
        return None
    m = MEDIABOX_RE.search(data)
    size = None
    if m:
        x0, y0, x1, y1 = (float(v) for v in m.groups())
        size = (x1 - x0, y1 - y0)
    return len(PAGE_RE.findall(data)), size


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


class Fake:
    """The server's state; every access holds self.lock."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.rng = random.Random(args.seed)
        self.settings = {
            "delay_ms": args.delay_ms,
            "token_expiry": args.token_expiry,
            "unauthorized": 0,
            "fail_rate": args.fail_rate,
            "fail_status": args.fail_status,
            "fail_when": args.fail_when,
            "hang_posts": 0,
            "hang_seconds": 30,
            "advance": args.advance,
            "advance_steps": 1,
            "publish_dir": args.publish_dir,
            "publish_url": args.publish_url,
            "validation_polls": 1,
            "dimensions_off_pt": 0,
        }
        self.invalid = {}         # part -> reason
        self.validations = {}     # id -> record (with "part", "polls_left")
        self.next_validation = 1
        self.dimensions = []      # answers of /cover-dimensions/
        self.reject = {}
        self.hang_ids = set()
        self.tokens = {}          # token -> expiry (time.time())
        self.jobs = {}            # id -> job
        self.next_id = 1000
        self.next_line_item = 5000
        self.posts = {}           # external_id -> jobs created
        self.post_attempts = {}   # external_id -> POST requests seen
        self.token_requests = 0
        self.requests = {}
        self.files_seen = {}      # job id -> {"interior": bool, "cover": bool}
        self.fetch_files = getattr(args, "fetch_files", False)
        self.files_fetched = {}   # job id -> {"interior": {"status", "md5"}, ...} (--fetch-files)
        self.release = threading.Event()

    def snapshot(self):
        return {
            "jobs": self.jobs,
            "posts": self.posts,
            "post_attempts": self.post_attempts,
            "token_requests": self.token_requests,
            "requests": self.requests,
            "files_seen": self.files_seen,
            "files_fetched": self.files_fetched,
            "settings": self.settings,
            "validations": self.validations,
            "dimensions": self.dimensions,
        }

    def save(self):
        if not self.args.state_file:
            return
        tmp = self.args.state_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.snapshot(), f, indent=1, sort_keys=True)
        os.replace(tmp, self.args.state_file)


def drf_required(obj, fields, errors):
    for k in fields:
        v = obj.get(k) if isinstance(obj, dict) else None
        if v is None or (isinstance(v, str) and not v.strip()):
            errors[k] = [REQUIRED]


def check_address(addr, full):
    """Errors of a shipping_address (full: the print job's stricter rules)."""
    if not isinstance(addr, dict):
        return {"non_field_errors": ["Invalid data. Expected a dictionary, but got %s."
                                     % type(addr).__name__]}
    e = {}
    req = ["street1", "city", "country_code", "postcode", "phone_number"]
    if full:
        req = ["name", "street1", "city", "country_code", "postcode", "phone_number", "email"]
    drf_required(addr, req, e)
    cc = addr.get("country_code")
    if isinstance(cc, str) and cc and len(cc) != 2:
        e["country_code"] = ["Ensure this field has no more than 2 characters."]
    ph = addr.get("phone_number")
    if isinstance(ph, str) and ph and not PHONE_RE.match(ph):
        e["phone_number"] = ["Enter a valid phone number."]
    if addr.get("country_code") in ("US", "CA", "AU", "MX") and not addr.get("state_code"):
        e["state_code"] = ["A state code is required for this country."]
    return e


def check_job(body):
    e = {}
    if not isinstance(body, dict):
        return {"non_field_errors": ["Invalid data."]}
    drf_required(body, ["contact_email", "shipping_level"], e)
    if body.get("shipping_level") and body["shipping_level"] not in SHIPPING_LEVELS:
        e["shipping_level"] = ['"%s" is not a valid choice.' % body["shipping_level"]]
    if "shipping_address" not in body:
        e["shipping_address"] = [REQUIRED]
    else:
        ae = check_address(body["shipping_address"], True)
        if ae:
            e["shipping_address"] = ae
    items = body.get("line_items")
    if not isinstance(items, list) or not items:
        e["line_items"] = [REQUIRED] if items is None else ["This list may not be empty."]
    else:
        le, bad = [], False
        for it in items:
            x = {}
            if not isinstance(it, dict):
                le.append({"non_field_errors": ["Invalid data."]})
                bad = True
                continue
            q = it.get("quantity")
            if not isinstance(q, int) or q < 1:
                x["quantity"] = [REQUIRED if q is None else "A valid integer is required."]
            if not it.get("title"):
                x["title"] = [REQUIRED]
            if not it.get("printable_id"):
                pn = it.get("printable_normalization")
                if not isinstance(pn, dict):
                    x["printable_normalization"] = [REQUIRED]
                else:
                    pe = {}
                    for part in ("cover", "interior"):
                        src = pn.get(part)
                        if not isinstance(src, dict) or not src.get("source_url"):
                            pe[part] = {"source_url": [REQUIRED]}
                    if not (pn.get("pod_package_id") or it.get("pod_package_id")):
                        pe["pod_package_id"] = [REQUIRED]
                    if pe:
                        x["printable_normalization"] = pe
            le.append(x)
            bad = bad or bool(x)
        if bad:
            e["line_items"] = le
    return e


def check_cost(body):
    e = {}
    if not isinstance(body, dict):
        return {"non_field_errors": ["Invalid data."]}
    drf_required(body, ["shipping_option"], e)
    if body.get("shipping_option") and body["shipping_option"] not in SHIPPING_LEVELS:
        e["shipping_option"] = ['"%s" is not a valid choice.' % body["shipping_option"]]
    if "shipping_address" not in body:
        e["shipping_address"] = [REQUIRED]
    else:
        ae = check_address(body["shipping_address"], False)
        if ae:
            e["shipping_address"] = ae
    items = body.get("line_items")
    if not isinstance(items, list) or not items:
        e["line_items"] = [REQUIRED]
    else:
        le, bad = [], False
        for it in items:
            x = {}
            drf_required(it, ["pod_package_id"], x)
            for k in ("quantity", "page_count"):
                if not isinstance(it.get(k), int) or it.get(k) < 1:
                    x[k] = [REQUIRED]
            le.append(x)
            bad = bad or bool(x)
        if bad:
            e["line_items"] = le
    return e


def status_view(job):
    """GET /print-jobs/{id}/status/: the job's status, with line item statuses."""
    st = dict(job["status"])
    lis = []
    for li in job["line_items"]:
        lis.append({"name": li["status"]["name"], "messages": li["status"].get("messages", {}),
                    "line_item_id": li["id"]})
    st["line_item_statuses"] = lis
    st["print_job_id"] = job["id"]
    return st


def set_job_status(job, name, message=None):
    msgs = {
        "CREATED": "Print-job is currently being validated",
        "PRODUCTION_READY": "Production delay has ended",
        "IN_PRODUCTION": "Print-job submitted to printer",
        "SHIPPED": "All line-items were shipped",
    }
    job["status"] = {"name": name, "message": message or msgs.get(name, name),
                     "changed": now_iso()}
    job["date_modified"] = now_iso()
    for li in job["line_items"]:
        if name == "SHIPPED":
            tid = "TRK-%s-%s" % (job["id"], li["id"])
            url = "https://tracking.example/%s" % tid
            li["status"] = {"name": "SHIPPED", "messages": {
                "tracking_id": tid, "tracking_urls": [url], "carrier_name": "FakeCarrier"}}
            li["tracking_id"] = tid
            li["tracking_urls"] = [url]
            li["carrier_name"] = "FakeCarrier"
        elif name in ("REJECTED", "ERROR", "CANCELED"):
            li["status"] = {"name": "REJECTED" if name != "ERROR" else "ERROR",
                            "messages": {"error": message or name}}
        elif name == "IN_PRODUCTION":
            li["status"] = {"name": "IN_PRODUCTION", "messages": {}}
        else:
            li["status"] = {"name": "CREATED" if name == "CREATED" else "ACCEPTED",
                            "messages": {"info": "Line-item is currently being validated"}}


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-lulu/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet unless asked
        if self.server.fake.args.verbose:
            sys.stderr.write("fake_lulu: " + (fmt % args) + "\n")

    # -- helpers --
    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def answer(self, code, obj=None, extra=None):
        data = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def count(self, route):
        f = self.server.fake
        f.requests[route] = f.requests.get(route, 0) + 1

    def authorised(self):
        """Checks the bearer token; answers 401 and returns False otherwise."""
        f = self.server.fake
        auth = self.headers.get("Authorization", "")
        with f.lock:
            if f.settings["unauthorized"] > 0:
                f.settings["unauthorized"] -= 1
                f.save()
                ok = False
            else:
                tok = auth[7:] if auth.startswith("Bearer ") else None
                ok = tok is not None and f.tokens.get(tok, 0) > time.time()
        if not ok:
            self.answer(401, {"detail": "Authentication credentials were not provided."})
        return ok

    def injected_failure(self):
        """Returns the status to fail with (before doing anything), or None."""
        f = self.server.fake
        with f.lock:
            rate = f.settings["fail_rate"]
            if rate <= 0 or f.rng.random() >= rate:
                return None
            return f.settings["fail_status"]

    def fail(self, code):
        extra = {"Retry-After": "1"} if code == 429 else None
        detail = "Request was throttled." if code == 429 else "Server Error (%d)" % code
        self.answer(code, {"detail": detail}, extra)

    def delay(self):
        ms = self.server.fake.settings["delay_ms"]
        if ms > 0:
            time.sleep(ms / 1000.0)

    # -- routes --
    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        f = self.server.fake
        if u.path == "/__state":
            with f.lock:
                return self.answer(200, f.snapshot())
        self.delay()
        vm = re.fullmatch(r"/validate-(interior|cover)/(\d+)/", u.path)
        if vm:
            with f.lock:
                self.count("GET /validate-%s/{id}/" % vm.group(1))
            if not self.authorised():
                return
            code = self.injected_failure()
            if code:
                return self.fail(code)
            return self.validation_read(vm.group(1), vm.group(2))
        m = re.fullmatch(r"/print-jobs/(\d+)/(status/)?", u.path)
        route = "GET /print-jobs/" if u.path == "/print-jobs/" else (
            "GET /print-jobs/{id}/status/" if m and m.group(2) else
            "GET /print-jobs/{id}/" if m else "GET other")
        with f.lock:
            self.count(route)
        if not self.authorised():
            return
        code = self.injected_failure()
        if code:
            return self.fail(code)
        if u.path == "/print-jobs/":
            return self.list_jobs(urllib.parse.parse_qs(u.query))
        if not m:
            return self.answer(404, {"detail": "Not found."})
        with f.lock:
            job = f.jobs.get(m.group(1))
            if not job:
                return self.answer(404, {"detail": "Not found."})
            if m.group(2):
                self.advance(job)
                f.save()
                return self.answer(200, status_view(job))
            return self.answer(200, job)

    def advance(self, job):
        f = self.server.fake
        name = job["status"]["name"]
        if job["external_id"] in f.reject and name in STEPS[:2]:
            set_job_status(job, "REJECTED", f.reject[job["external_id"]])
            return
        if f.settings["advance"] != "poll" or name not in STEPS:
            return
        i = min(STEPS.index(name) + f.settings["advance_steps"], len(STEPS) - 1)
        if STEPS[i] != name:
            set_job_status(job, STEPS[i])

    def list_jobs(self, q):
        f = self.server.fake
        search = (q.get("search") or [""])[0].lower()
        page = int((q.get("page") or ["1"])[0])
        size = int((q.get("page_size") or ["100"])[0])
        with f.lock:
            jobs = sorted(f.jobs.values(), key=lambda j: j["id"])
            if search:
                def hay(j):
                    parts = [str(j["id"]), j.get("external_id") or "", j["status"]["name"]]
                    for li in j["line_items"]:
                        parts += [li.get("external_id") or "", li.get("title") or ""]
                    return " ".join(parts).lower()
                jobs = [j for j in jobs if search in hay(j)]
            if "status" in q:
                jobs = [j for j in jobs if j["status"]["name"] == q["status"][0]]
            if "id" in q:
                jobs = [j for j in jobs if str(j["id"]) == q["id"][0]]
            total = len(jobs)
            start = (page - 1) * size
            if page < 1 or (start >= total and page > 1):
                return self.answer(404, {"detail": "Invalid page."})
            chunk = jobs[start:start + size]
            base = "http://127.0.0.1:%d/print-jobs/" % self.server.server_address[1]
            nxt = None
            if start + size < total:
                q2 = dict((k, v[0]) for k, v in q.items())
                q2["page"] = str(page + 1)
                nxt = base + "?" + urllib.parse.urlencode(q2)
            prev = None
            if page > 1:
                q2 = dict((k, v[0]) for k, v in q.items())
                q2["page"] = str(page - 1)
                prev = base + "?" + urllib.parse.urlencode(q2)
            return self.answer(200, {"count": total, "next": nxt, "previous": prev,
                                     "results": chunk})

    def do_POST(self):
        u = urllib.parse.urlsplit(self.path)
        f = self.server.fake
        raw = self.body()
        if u.path == "/__control":
            return self.control(raw)
        if u.path == TOKEN_PATH:
            return self.token(raw)
        self.delay()
        with f.lock:
            self.count("POST " + u.path)
        if u.path not in ("/print-jobs/", "/print-job-cost-calculations/",
                          "/cover-dimensions/", "/validate-interior/", "/validate-cover/"):
            return self.answer(404, {"detail": "Not found."})
        if not self.authorised():
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return self.answer(400, {"detail": "JSON parse error."})
        if u.path in ("/cover-dimensions/", "/validate-interior/", "/validate-cover/"):
            code = self.injected_failure()
            if code:
                return self.fail(code)
            if not isinstance(body, dict):
                return self.answer(400, {"non_field_errors": ["Invalid data."]})
            if u.path == "/cover-dimensions/":
                return self.cover_dimensions(body)
            return self.validation_create(u.path.split("-")[1].strip("/"), body)
        if u.path == "/print-job-cost-calculations/":
            code = self.injected_failure()
            if code:
                return self.fail(code)
            return self.cost(body)
        return self.create(body)

    def token(self, raw):
        f = self.server.fake
        with f.lock:
            f.token_requests += 1
            self.count("POST token")
            f.save()
        ctype = self.headers.get("Content-Type", "")
        form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"))
        auth = self.headers.get("Authorization", "")
        want = base64.b64encode(("%s:%s" % (f.args.client_key, f.args.client_secret)).encode())
        if not ctype.startswith("application/x-www-form-urlencoded") or \
                form.get("grant_type") != ["client_credentials"]:
            return self.answer(400, {"error": "unsupported_grant_type",
                                     "error_description": "Unsupported grant_type"})
        if auth != "Basic " + want.decode():
            return self.answer(401, {"error": "unauthorized_client",
                                     "error_description": "Invalid client or Invalid client credentials"})
        code = self.injected_failure()
        if code:
            return self.fail(code)
        tok = base64.urlsafe_b64encode(os.urandom(24)).decode().rstrip("=")
        with f.lock:
            life = f.settings["token_expiry"]
            f.tokens[tok] = time.time() + life
        return self.answer(200, {"access_token": tok, "expires_in": life,
                                 "refresh_expires_in": 0, "token_type": "bearer",
                                 "not-before-policy": 0, "scope": "profile email"})

    def cost(self, body):
        e = check_cost(body)
        if e:
            return self.answer(400, e)
        total = 0.0
        lines = []
        for it in body["line_items"]:
            unit = 2.50 + 0.02 * it["page_count"]
            line = unit * it["quantity"]
            total += line
            lines.append({"cost_excl_discounts": "%.2f" % unit, "discounts": [],
                          "quantity": it["quantity"], "tax_rate": "0.000000",
                          "total_cost_excl_discounts": "%.2f" % line,
                          "total_cost_excl_tax": "%.2f" % line,
                          "total_cost_incl_tax": "%.2f" % line, "total_tax": "0.00",
                          "unit_tier_cost": None})
        ship = 4.99
        return self.answer(201, {
            "currency": "USD", "line_item_costs": lines,
            "shipping_cost": {"tax_rate": "0.000000", "total_cost_excl_tax": "%.2f" % ship,
                              "total_cost_incl_tax": "%.2f" % ship, "total_tax": "0.00"},
            "total_cost_excl_tax": "%.2f" % (total + ship),
            "total_cost_incl_tax": "%.2f" % (total + ship),
            "total_discount_amount": "0.00", "total_tax": "0.00",
            "shipping_address": body["shipping_address"]})

    def create(self, body):
        f = self.server.fake
        ext = body.get("external_id") if isinstance(body, dict) else None
        with f.lock:
            if ext:
                f.post_attempts[ext] = f.post_attempts.get(ext, 0) + 1
            when = f.settings["fail_when"]
            failing = f.settings["fail_rate"] > 0 and f.rng.random() < f.settings["fail_rate"]
            if failing and when == "both":
                when = f.rng.choice(["before", "after"])
            f.save()
        if failing and when == "before":
            return self.fail(f.settings["fail_status"])
        e = check_job(body)
        if e:
            return self.answer(400, e)
        with f.lock:
            jid = f.next_id
            f.next_id += 1
            items = []
            for it in body["line_items"]:
                pn = dict(it.get("printable_normalization") or {})
                items.append({
                    "id": f.next_line_item, "external_id": it.get("external_id"),
                    "title": it.get("title"), "quantity": it["quantity"],
                    "pod_package_id": pn.get("pod_package_id") or it.get("pod_package_id"),
                    "printable_id": None, "printable_normalization": pn,
                    "status": {"name": "CREATED", "messages": {
                        "info": "Line-item is currently being validated"}},
                })
                f.next_line_item += 1
            job = {
                "id": jid, "external_id": ext, "contact_email": body["contact_email"],
                "line_items": items, "shipping_address": body["shipping_address"],
                "shipping_level": body["shipping_level"],
                "shipping_option_level": body["shipping_level"],
                "production_delay": body.get("production_delay", 60),
                "production_due_time": None, "order_id": None,
                "date_created": now_iso(), "date_modified": now_iso(),
                "costs": {"line_item_costs": None, "shipping_cost": None,
                          "total_cost_excl_tax": None, "total_cost_incl_tax": None,
                          "total_tax": None},
            }
            set_job_status(job, "CREATED")
            f.jobs[str(jid)] = job
            if ext:
                f.posts[ext] = f.posts.get(ext, 0) + 1
            f.files_seen[str(jid)] = self.files_present(items)
            if f.fetch_files:
                f.files_fetched[str(jid)] = fetch_source_urls(items)
            hang = f.settings["hang_posts"] > 0 or ext in f.hang_ids
            if hang:
                if ext in f.hang_ids:
                    f.hang_ids.discard(ext)
                else:
                    f.settings["hang_posts"] -= 1
                f.release.clear()
            f.save()
        if hang:
            # Accepted, but the answer never comes: the client's timeout (or
            # its death) decides what happens next.
            f.release.wait(f.settings["hang_seconds"])
            self.close_connection = True
            return
        if failing and when == "after":
            return self.fail(f.settings["fail_status"])
        return self.answer(201, job)

    # -- files validation --
    def cover_dimensions(self, body):
        f = self.server.fake
        e = {}
        drf_required(body, ["pod_package_id", "interior_page_count"], e)
        pages = body.get("interior_page_count")
        if "interior_page_count" not in e and not isinstance(pages, int):
            e["interior_page_count"] = ["A valid integer is required."]
        unit = body.get("unit", "pt")
        if unit not in ("pt", "mm", "inch"):
            e["unit"] = ['"%s" is not a valid choice.' % unit]
        if e:
            return self.answer(400, e)
        size, why = cover_size_pt(body["pod_package_id"], pages)
        if why:
            key = "pod_package_id" if "pod_package_id" in why else "interior_page_count"
            return self.answer(400, {key: [why]})
        w, h = size
        with f.lock:
            w += f.settings["dimensions_off_pt"]
        per = {"pt": 1.0, "mm": 72 / 25.4, "inch": 72.0}[unit]
        ans = {"width": "%.3f" % (w / per), "height": "%.3f" % (h / per), "unit": unit}
        with f.lock:
            f.dimensions.append(dict(ans, pod_package_id=body["pod_package_id"],
                                     interior_page_count=pages))
            f.save()
        return self.answer(201, ans)

    def published_path(self, url):
        """The file a source_url names under the test's publish_dir, or None."""
        d, base = self.server.fake.settings["publish_dir"], self.server.fake.settings["publish_url"]
        if not d or not base or not isinstance(url, str):
            return None
        base = base.rstrip("/") + "/"
        if not url.startswith(base) or "/" in url[len(base):]:
            return None
        return os.path.join(d, url[len(base):])

    def validation_create(self, part, body):
        f = self.server.fake
        e = {}
        drf_required(body, ["source_url"] + (["pod_package_id", "interior_page_count"]
                                              if part == "cover" else []), e)
        pod = body.get("pod_package_id")
        pages = body.get("interior_page_count")
        if part == "cover" and "interior_page_count" not in e and not isinstance(pages, int):
            e["interior_page_count"] = ["A valid integer is required."]
        if pod and not pod_parts(pod):
            e["pod_package_id"] = ["Invalid pod_package_id."]
        if e:
            return self.answer(400, e)
        path = self.published_path(body["source_url"])
        facts = pdf_facts(path) if path else None
        if path is None and f.fetch_files:
            facts = fetched_pdf_facts(body["source_url"])
        errors = []
        if facts is None:
            errors.append("invalid PDF file: the file could not be downloaded or read")
        elif part == "interior":
            if facts[0] < 2:
                errors.append("not enough pages - at least 2 pages are required")
        else:
            want, why = cover_size_pt(pod, pages)
            got = facts[1]
            if why:
                errors.append(why)
            elif not got or abs(got[0] - want[0]) > 1 or abs(got[1] - want[1]) > 1:
                errors.append("invalid file size: the cover is %s pt, the product needs "
                              "%.2f x %.2f pt" % ("%.2f x %.2f" % got if got else "unknown",
                                                  want[0], want[1]))
        with f.lock:
            if f.invalid.get(part):
                errors.append(f.invalid[part])
            vid = f.next_validation
            f.next_validation += 1
            rec = {"id": vid, "source_url": body["source_url"], "errors": None,
                   "status": "NORMALIZING" if part == "cover" else "VALIDATING",
                   "part": part, "pod_package_id": pod,
                   "_polls_left": f.settings["validation_polls"],
                   "_final": ("ERROR", errors) if errors else
                             ("NORMALIZED" if pod else "VALIDATED", None)}
            if part == "interior":
                rec["page_count"] = facts[0] if facts else None
                rec["valid_pod_package_ids"] = None
            if rec["_polls_left"] <= 0:
                rec["status"], rec["errors"] = rec["_final"]
            f.validations[str(vid)] = rec
            f.save()
            return self.answer(201, self.validation_view(rec))

    def validation_view(self, rec):
        return {k: v for k, v in rec.items() if not k.startswith("_") and k != "part"
                and k != "pod_package_id"}

    def validation_read(self, part, vid):
        f = self.server.fake
        with f.lock:
            rec = f.validations.get(vid)
            if not rec or rec["part"] != part:
                return self.answer(404, {"detail": "Not found."})
            if rec["_polls_left"] > 0:
                rec["_polls_left"] -= 1
                if rec["_polls_left"] == 0:
                    rec["status"], rec["errors"] = rec["_final"]
            f.save()
            return self.answer(200, self.validation_view(rec))

    def files_present(self, items):
        """Whether the published files the job names exist (when the test
        told the fake where they are published)."""
        d, url = self.server.fake.settings["publish_dir"], self.server.fake.settings["publish_url"]
        if not d or not url:
            return None
        seen = {}
        for it in items:
            for part in ("interior", "cover"):
                src = (it["printable_normalization"].get(part) or {}).get("source_url", "")
                ok = src.startswith(url.rstrip("/") + "/")
                name = src[len(url.rstrip("/")) + 1:] if ok else ""
                seen[part] = ok and "/" not in name and os.path.isfile(os.path.join(d, name))
        return seen

    def control(self, raw):
        f = self.server.fake
        try:
            c = json.loads(raw or b"{}")
        except ValueError:
            return self.answer(400, {"detail": "bad JSON"})
        with f.lock:
            for k in ("delay_ms", "token_expiry", "unauthorized", "fail_rate", "fail_status",
                      "fail_when", "hang_posts", "hang_seconds", "advance", "advance_steps",
                      "publish_dir", "publish_url", "validation_polls",
                      "dimensions_off_pt"):
                if k in c:
                    f.settings[k] = c[k]
            if "seed" in c:
                f.rng.seed(c["seed"])
            f.reject.update(c.get("reject") or {})
            f.invalid.update(c.get("invalid") or {})
            f.hang_ids.update(c.get("hang_ids") or [])
            if c.get("revoke_tokens"):
                f.tokens.clear()
            if c.get("release_hangs"):
                f.release.set()
            s = c.get("set_status")
            if s:
                for job in f.jobs.values():
                    if str(job["id"]) == str(s.get("id")) or \
                            (s.get("external_id") and job["external_id"] == s["external_id"]):
                        set_job_status(job, s["status"], s.get("message"))
            f.save()
            return self.answer(200, {"settings": f.settings})


def fetched_pdf_facts(url):
    """--fetch-files: a validation reads the file from its URL, as Lulu does
    (a presigned object store URL); None when it cannot be fetched."""
    import tempfile
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=10) as r, \
                tempfile.NamedTemporaryFile(suffix=".pdf") as t:
            t.write(r.read())
            t.flush()
            return pdf_facts(t.name)
    except (OSError, ValueError):
        return None


def fetch_source_urls(items):
    """--fetch-files: GET each file URL of the job as Lulu does (a presigned
    object store URL, say); records the status and the MD5 of what came."""
    import hashlib
    import urllib.error
    import urllib.request
    out = {}
    for it in items:
        for part in ("interior", "cover"):
            src = (it["printable_normalization"].get(part) or {}).get("source_url", "")
            try:
                with urllib.request.urlopen(src, timeout=10) as r:
                    out[part] = {"status": r.status, "md5": hashlib.md5(r.read()).hexdigest()}
            except urllib.error.HTTPError as e:
                out[part] = {"status": e.code, "md5": None}
            except (OSError, ValueError) as e:
                out[part] = {"status": 0, "md5": None, "error": str(e)}
    return out


def main():
    ap = argparse.ArgumentParser(description="fake Lulu print API for tests")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--state-file")
    ap.add_argument("--timeout", type=float, default=300, help="exit after this many seconds")
    ap.add_argument("--client-key", default="test-key")
    ap.add_argument("--client-secret", default="test-secret")
    ap.add_argument("--token-expiry", type=int, default=3600)
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--fail-rate", type=float, default=0.0)
    ap.add_argument("--fail-status", type=int, default=500)
    ap.add_argument("--fail-when", choices=["before", "after", "both"], default="before")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--advance", choices=["poll", "manual"], default="poll")
    ap.add_argument("--publish-dir")
    ap.add_argument("--publish-url")
    ap.add_argument("--fetch-files", action="store_true",
                    help="GET every file URL of a new job and record what came")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.fake = Fake(args)
    with srv.fake.lock:
        srv.fake.save()
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as fp:
            fp.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print(port, flush=True)

    def stop(*_):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer = threading.Timer(args.timeout, stop)
    timer.daemon = True
    timer.start()
    srv.serve_forever(poll_interval=0.2)
    srv.fake.release.set()
    srv.server_close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""fake_openai.py — a stand-in for OpenAI's chat completions and image
generation, for the tests and the benchmark of the openai story and art
providers (lib/story_openai.c, lib/art_openai.c).

Speaks the wire format of ../shared/specs/openai-chat-images.openapi.json for
what storypress uses:
  POST /v1/chat/completions   checks the Bearer key, model, messages and a
      strict json_schema response_format (every object: all properties
      required, additionalProperties false); answers a chat.completion whose
      message content is a valid story.json for the order it finds in the
      user message (a ```json block), words taken from the schema's enums.
  POST /v1/images/generations checks model, prompt, size, quality, n,
      output_format; answers {created, data:[{b64_json}], usage} with a PNG
      it encodes itself (zlib) of the requested size, or, with --jpeg FILE
      (or control "jpeg"), that JPEG file as it is.  Any WxH up to 8192 is
      accepted, so a test can ask for the book's own pixel size.
  POST /v1/images/edits       multipart/form-data, parsed as a server does
      (python's email parser on the boundary the Content-Type names):
      model, prompt, image[] (one to 16 PNG/JPEG/WebP files of at most
      50 MB each), size (1024x1024, 1536x1024, 1024x1536, auto), quality,
      n, output_format, background, input_fidelity (high|low; only for
      gpt-image-1 and later full models), output_compression, user; a
      missing image[], another content type, an oversized part, an unknown
      field are 400s in OpenAI's error shape.  Answers as generations do.
      GET /__stats edit_log: per edits call, the SHA-256 of each image[]
      part, the fields sent, the size.
  POST /v1/chat/completions with image_url parts and json_schema named
      "page_check" (the art stage's check): answers {same_child,
      shows_scene, problems} as control "check" says: "pass" or "fail".
Errors use OpenAI's shape {"error": {"message", "type", "param", "code"}}.

Listens on 127.0.0.1 on a port the OS picks and prints "PORT <n>" on
stdout; exits by itself after --timeout seconds, or on SIGTERM.

Misbehaviour on demand, from flags at start or POST /__control with JSON
{"mode": M, "count": N, "fraction": F,
 "endpoint": "chat"|"images" (generations and edits)|"edits"|"generations"|"all",
 "match": TEXT, "latency_ms": N, "retry_after": S, "jpeg": FILE}:
  mode  ok | rate_limit (429 rate_limit_exceeded, Retry-After and
        x-ratelimit-reset-requests) | quota (429 insufficient_quota) |
        unauthorized (401) | policy (400 content_policy_violation) |
        server_error (500) | truncated (200, JSON cut in half) |
        cut (200, the connection closed mid-body) |
        invalid_json (200, not JSON) | length (finish_reason "length") |
        refusal (message.refusal set) | bad_story (a story breaking the
        schema: an unknown setting) | small (an image of half the size) |
        png (a PNG even when jpeg was asked) | moderation (400
        moderation_blocked, as gpt-image models answer a blocked prompt) |
        huge (a 200 of 65 MB)
  count the next N matching requests get the mode (-1: all of them)
  fraction  or this share of them (seeded random, --seed)
  match only requests whose body holds TEXT get the mode (e.g. one book's
        character, "6-year-old"); "" (the default): every request
GET /__stats answers the counts: requests per endpoint, faults served,
auth failures, images served, the last image prompts, peak concurrency
(peak_in_flight), and image_log: the last 400 image requests, each
{"book": the prompt's character line, "t0", "t1": arrival and answer in
seconds since the fake started}, so a test can see books overlap.
"""

import argparse
import base64
import email.parser
import email.policy
import hashlib
import json
import socket
import random
import re
import signal
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = {"ok", "rate_limit", "quota", "unauthorized", "policy", "server_error",
         "truncated", "cut", "invalid_json", "length", "refusal", "bad_story", "small", "png", "moderation", "huge"}
CHAT_ONLY = {"length", "refusal", "bad_story"}
IMAGE_ONLY = {"small", "png", "moderation", "huge"}
EDIT_SIZES = {"1024x1024", "1536x1024", "1024x1536", "auto"}
EDIT_FIELDS = {"model", "prompt", "image[]", "size", "quality", "n", "output_format",
               "background", "input_fidelity", "output_compression", "user", "mask",
               "moderation"}
PART_MAX = 50 << 20   # an input image, as OpenAI documents
BODY_MAX = 900 << 20  # 16 images and the fields


def png_encode(w, h, rgb):
    """A valid RGB PNG of w × h: a flat colour with a darker band, so the
    picture is not uniform; rows are shared, so even 3000 × 3000 is quick."""
    r, g, b = rgb
    plain = b"\x00" + bytes((r, g, b)) * w
    band = b"\x00" + bytes((r // 2, g // 2, b // 2)) * w
    raw = b"".join(band if (y * 8 // max(h, 1)) % 4 == 1 else plain for y in range(h))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


class Fake:
    """The server's state; every access holds self.lock."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.rng = random.Random(args.seed)
        self.mode = args.mode
        self.count = args.count
        self.fraction = args.fraction
        self.endpoint = args.endpoint
        self.latency_ms = args.latency_ms
        self.retry_after = args.retry_after
        self.jpeg = args.jpeg
        self.match = ""
        self.check = "pass"
        self.t_start = time.monotonic()
        self.stats = {"chat": 0, "images": 0, "faults": 0, "auth_failures": 0,
                      "bad_requests": 0, "images_served": 0, "in_flight": 0,
                      "peak_in_flight": 0, "prompts": [], "faults_by_mode": {},
                      "image_log": [], "edits": 0, "generations": 0, "edit_log": [],
                      "checks": 0, "check_failures": 0}
        self.png_cache = {}

    def control(self, c):
        with self.lock:
            if "mode" in c:
                if c["mode"] not in MODES:
                    raise ValueError("unknown mode %r" % c["mode"])
                self.mode = c["mode"]
                self.count = c.get("count", -1)
                self.fraction = c.get("fraction", 0.0)
            for k in ("endpoint", "latency_ms", "retry_after", "jpeg", "match", "check"):
                if k in c:
                    setattr(self, k, c[k])

    def fault_for(self, endpoint, body=""):
        """The misbehaviour for this request, or "ok"; counts it down."""
        with self.lock:
            m = self.mode
            if m == "ok":
                return "ok"
            if self.match and self.match not in body:
                return "ok"
            kinds = ("images", "edits", "generations")
            if self.endpoint not in ("all", endpoint) and not (
                    self.endpoint == "images" and endpoint in kinds):
                return "ok"
            if endpoint == "chat" and m in IMAGE_ONLY or endpoint in kinds and m in CHAT_ONLY:
                return "ok"
            if self.fraction:
                if self.rng.random() >= self.fraction:
                    return "ok"
            elif self.count == 0:
                return "ok"
            elif self.count > 0:
                self.count -= 1
            self.stats["faults"] += 1
            self.stats["faults_by_mode"][m] = self.stats["faults_by_mode"].get(m, 0) + 1
            return m

    def png(self, w, h, seed):
        key = (w, h, seed % 6)
        with self.lock:
            data = self.png_cache.get(key)
        if data is None:
            palette = [(240, 200, 120), (150, 200, 240), (180, 230, 160),
                       (240, 170, 190), (220, 220, 220), (200, 170, 240)]
            data = png_encode(w, h, palette[seed % 6])
            with self.lock:
                if len(self.png_cache) < 16:
                    self.png_cache[key] = data
        return data


def error_body(message, etype, code, param=None):
    return {"error": {"message": message, "type": etype, "param": param, "code": code}}


def strict_problems(schema, path="schema"):
    """Where a schema breaks the rules of strict Structured Outputs."""
    out = []
    if not isinstance(schema, dict):
        return [path + ": not an object"]
    if schema.get("type") == "object":
        props = schema.get("properties")
        if not isinstance(props, dict):
            out.append(path + ": object without properties")
            props = {}
        if schema.get("additionalProperties") is not False:
            out.append(path + ": additionalProperties must be false")
        if sorted(schema.get("required", [])) != sorted(props):
            out.append(path + ": every property must be required")
        for k, v in props.items():
            out += strict_problems(v, path + "." + k)
    elif schema.get("type") == "array":
        out += strict_problems(schema.get("items"), path + "[]")
    return out


def enum_of(schema, *path):
    s = schema
    for p in path:
        s = s["items"] if p == "[]" else s["properties"][p]
    return s["enum"]


def clean(text):
    return "".join(" " if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 else ch for ch in text).strip()


def make_story(order, schema, broken=False):
    """A story.json for order that story_validate() accepts, every word from
    the schema's enums (so from lib/vocab.h)."""
    child, book = order.get("child", {}), order.get("book", {})
    name = child.get("name", "Sam")
    lang = book.get("language", "en")
    pages = int(book.get("pages", 24))
    scene_s = ["pages", "[]", "scene"]
    settings = enum_of(schema, *scene_s, "setting")
    times = enum_of(schema, *scene_s, "time_of_day")
    weathers = enum_of(schema, *scene_s, "weather")
    actions = enum_of(schema, *scene_s, "action")
    moods = enum_of(schema, *scene_s, "mood")
    objects = enum_of(schema, *scene_s, "objects", "[]")

    def scene(i):
        return {"setting": settings[i % len(settings)], "time_of_day": times[i % len(times)],
                "weather": weathers[i % len(weathers)], "action": actions[i % len(actions)],
                "mood": moods[i % len(moods)], "companions": [objects[i % len(objects)]],
                "objects": [objects[(i + 7) % len(objects)], objects[(i + 11) % len(objects)]],
                "description": "A child in the %s with a friendly %s." % (
                    settings[i % len(settings)], objects[i % len(objects)])}

    if lang == "fr":
        title, ending = "%s et la grande aventure" % name, "Fin"
        line = "Page %d\u00a0: %s avance, le c\u0153ur l\u00e9ger."
        blurb = "Une aventure pour %s." % name
    else:
        title, ending = "%s and the Big Adventure" % name, "The End"
        line = "Page %d: %s takes another brave step."
        blurb = "An adventure for %s." % name
    ded = clean(book.get("dedication") or "") or "For %s." % name
    story = {"version": 1, "order_id": order.get("order_id", ""), "language": lang,
             "provider": "openai", "title": title, "dedication": ded[:400], "blurb": blurb,
             "ending": ending, "cover": {"scene": scene(0)},
             "pages": [{"text": line % (i + 1, name), "scene": scene(i + 1)}
                       for i in range(pages)]}
    if broken:
        story["pages"][0]["scene"]["setting"] = "mars"
    return story


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-openai/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: tests read our stdout for the port
        pass

    def send_json(self, status, obj, headers=None, raw=None):
        data = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_json(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        try:
            return json.loads(body)
        except ValueError:
            return None

    def do_GET(self):
        fake = self.server.fake
        if self.path == "/__stats":
            with fake.lock:
                self.send_json(200, fake.stats)
        else:
            self.send_json(404, error_body("Unknown request URL: GET %s" % self.path,
                                           "invalid_request_error", "unknown_url"))

    def do_POST(self):
        fake = self.server.fake
        if self.path == "/__control":
            try:
                fake.control(self.read_json() or {})
            except (ValueError, TypeError) as exc:
                self.send_json(400, {"error": str(exc)})
                return
            self.send_json(200, {"ok": True})
            return
        if self.path not in ("/v1/chat/completions", "/v1/images/generations",
                             "/v1/images/edits"):
            self.read_json()
            self.send_json(404, error_body("Unknown request URL: POST %s" % self.path,
                                           "invalid_request_error", "unknown_url"))
            return
        endpoint = {"/v1/chat/completions": "chat", "/v1/images/generations": "generations",
                    "/v1/images/edits": "edits"}[self.path]
        t0 = time.monotonic() - fake.t_start
        with fake.lock:
            if endpoint != "chat":
                fake.stats["images"] += 1
            fake.stats[endpoint] += 1
            fake.stats["in_flight"] += 1
            fake.stats["peak_in_flight"] = max(fake.stats["peak_in_flight"],
                                               fake.stats["in_flight"])
            # Arrival times of every request (the last 20000), whoever sent
            # it: tests count requests in any 60 s across several hosts.
            arrivals = fake.stats.setdefault("arrivals", [])
            arrivals.append(round(t0, 4))
            del arrivals[:-20000]
        self.book = ""
        try:
            self.api(fake, endpoint)
        finally:
            with fake.lock:
                fake.stats["in_flight"] -= 1
                if endpoint != "chat":
                    log = fake.stats["image_log"]
                    log.append({"book": self.book, "t0": round(t0, 4),
                                "t1": round(time.monotonic() - fake.t_start, 4)})
                    del log[:-400]

    def bad(self, fake, message, param=None):
        with fake.lock:
            fake.stats["bad_requests"] += 1
        self.send_json(400, error_body(message, "invalid_request_error", None, param))

    def read_form(self, fake):
        """The multipart/form-data body as a dict (image[] a list of
        (filename, content type, bytes)), or None after a 400 sent."""
        ctype = self.headers.get("Content-Type", "")
        n = int(self.headers.get("Content-Length") or 0)
        if n > BODY_MAX:
            self.rfile.read(n)
            self.bad(fake, "The request body is too large.")
            return None
        body = self.rfile.read(n) if n else b""
        if not ctype.startswith("multipart/form-data") or "boundary=" not in ctype:
            self.bad(fake, "Invalid Content-Type header (%s), expected multipart/form-data."
                     % (ctype or "none"))
            return None
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
        if not msg.is_multipart():
            self.bad(fake, "Could not parse multipart form")
            return None
        form = {"image[]": []}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            if name not in EDIT_FIELDS:
                self.bad(fake, "Unknown parameter: '%s'." % name, name)
                return None
            if name == "image[]":
                if len(data) > PART_MAX:
                    self.bad(fake, "Invalid image file: image[%d] is larger than 50 MB."
                             % len(form["image[]"]), "image")
                    return None
                form["image[]"].append((part.get_filename(), part.get_content_type(), data))
            else:
                form[name] = data.decode("utf-8", "replace")
        if "n" in form:
            try:
                form["n"] = int(form["n"])
            except ValueError:
                pass
        return form

    def log_edit(self, fake, rq):
        """What an edits call carried, before any fault is served."""
        imgs = rq.get("image[]", [])
        with fake.lock:
            log = fake.stats["edit_log"]
            log.append({"sheets": [hashlib.sha256(d).hexdigest() for _, _, d in imgs],
                        "filenames": [f for f, _, _ in imgs],
                        "fields": sorted(k for k in rq if k != "image[]"),
                        "size": rq.get("size"), "input_fidelity": rq.get("input_fidelity"),
                        "prompt": rq.get("prompt", "")[:600],
                        "prompt_tail": rq.get("prompt", "")[-300:]})
            del log[:-400]

    def api(self, fake, endpoint):
        rq = self.read_form(fake) if endpoint == "edits" else self.read_json()
        if endpoint == "edits":
            if rq is None:
                return
            self.log_edit(fake, rq)
        if endpoint != "chat" and isinstance(rq, dict) and isinstance(rq.get("prompt"), str):
            found = re.search(r"^The main character.*$", rq["prompt"], re.M)
            self.book = found.group(0) if found else ""
        if fake.latency_ms:
            time.sleep(fake.latency_ms / 1000.0)
        auth = self.headers.get("Authorization", "")
        key = auth[7:] if auth.startswith("Bearer ") else ""
        if not key or (fake.args.key and key != fake.args.key):
            with fake.lock:
                fake.stats["auth_failures"] += 1
            shown = key[:3] + "*" * 10 + key[-4:] if len(key) > 8 else "(none)"
            self.send_json(401, error_body("Incorrect API key provided: %s." % shown,
                                           "invalid_request_error", "invalid_api_key"))
            return
        if not isinstance(rq, dict):
            self.bad(fake, "We could not parse the JSON body of your request.")
            return
        if not isinstance(rq.get("model"), str) or not rq["model"]:
            self.bad(fake, "you must provide a model parameter", "model")
            return
        seen = rq.get("prompt", "") if endpoint == "edits" else json.dumps(rq, ensure_ascii=False)
        mode = fake.fault_for(endpoint, seen if isinstance(seen, str) else "")
        if mode == "moderation":
            self.send_json(400, error_body(
                "Your request was rejected by the safety system. If you believe this is an "
                "error, contact us at help.openai.com and include the request ID req_fake.",
                "image_generation_user_error", "moderation_blocked"))
            return
        if mode == "rate_limit":
            ra = str(fake.retry_after)
            self.send_json(429, error_body(
                "Rate limit reached for requests. Please try again in %ss." % ra,
                "requests", "rate_limit_exceeded"),
                {"Retry-After": ra, "x-ratelimit-reset-requests": "%ss" % ra,
                 "x-ratelimit-remaining-requests": "0"})
            return
        if mode == "quota":
            self.send_json(429, error_body(
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota", "insufficient_quota"))
            return
        if mode == "unauthorized":
            shown = key[:3] + "*" * 10 + key[-4:] if len(key) > 8 else "***"
            self.send_json(401, error_body("Incorrect API key provided: %s." % shown,
                                           "invalid_request_error", "invalid_api_key"))
            return
        if mode == "policy":
            self.send_json(400, error_body(
                "Your request was rejected as a result of our safety system.",
                "invalid_request_error", "content_policy_violation"))
            return
        if mode == "server_error":
            self.send_json(500, error_body("The server had an error while processing your "
                                           "request. Sorry about that!", "server_error", None))
            return
        if endpoint == "chat":
            self.chat(fake, rq, mode)
        elif endpoint == "edits":
            self.edits(fake, rq, mode)
        else:
            self.images(fake, rq, mode)

    def answer(self, obj, mode):
        data = json.dumps(obj).encode()
        if mode == "cut":
            # The connection closes mid-body: the headers promise the whole
            # answer, half of it comes, then nothing.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if mode == "huge":
            data = b'{"created": 1, "data": [{"b64_json": "' + b"A" * (65 << 20) + b'"}]}'
        if mode == "truncated":
            data = data[: len(data) // 2]
        elif mode == "invalid_json":
            data = b"<html><body>502 Bad Gateway</body></html>"
        self.send_json(200, None, raw=data)

    def chat(self, fake, rq, mode):
        msgs = rq.get("messages")
        if not isinstance(msgs, list) or not msgs:
            self.bad(fake, "messages: must be a non-empty array", "messages")
            return
        images = []
        for m in msgs:
            if not isinstance(m, dict) or m.get("role") not in (
                    "system", "developer", "user", "assistant"):
                self.bad(fake, "messages: each needs a role and a content", "messages")
                return
            c = m.get("content")
            if isinstance(c, list) and m["role"] == "user":
                for part in c:
                    if not isinstance(part, dict) or part.get("type") not in ("text", "image_url"):
                        self.bad(fake, "messages: content parts are text or image_url", "messages")
                        return
                    if part["type"] == "image_url":
                        url = (part.get("image_url") or {}).get("url", "")
                        mm = re.match(r"^data:image/(png|jpeg|webp);base64,(.+)$", url, re.S)
                        try:
                            images.append(base64.b64decode(mm.group(2), validate=True))
                        except (AttributeError, ValueError):
                            self.bad(fake, "Invalid image_url: a data URL of an image expected",
                                     "messages")
                            return
                m = dict(m, content="\n".join(p.get("text", "") for p in c))
            elif not isinstance(c, str):
                self.bad(fake, "messages: each needs a role and a content string", "messages")
                return
        rf = rq.get("response_format") or {}
        js = rf.get("json_schema") if isinstance(rf, dict) else None
        if rf.get("type") != "json_schema" or not isinstance(js, dict):
            self.bad(fake, "response_format: json_schema expected", "response_format")
            return
        if not isinstance(js.get("name"), str) or not re.match(r"^[A-Za-z0-9_-]{1,64}$",
                                                                js["name"]):
            self.bad(fake, "response_format.json_schema.name: invalid", "response_format")
            return
        if js.get("strict") is not True:
            self.bad(fake, "response_format.json_schema.strict: must be true here",
                     "response_format")
            return
        problems = strict_problems(js.get("schema"))
        if problems:
            self.bad(fake, "Invalid schema for response_format 'story': " + problems[0],
                     "response_format")
            return
        if js["name"] == "page_check":
            self.page_check(fake, rq, images, mode)
            return
        temp = rq.get("temperature", 1)
        if not isinstance(temp, (int, float)) or not 0 <= temp <= 2:
            self.bad(fake, "temperature: must be from 0 to 2", "temperature")
            return
        user = "\n".join(m["content"] for m in msgs if m["role"] == "user"
                         and isinstance(m["content"], str))
        found = re.search(r"```json\s*(\{.*\})\s*```", user, re.S)
        try:
            order = json.loads(found.group(1)) if found else {}
        except ValueError:
            order = {}
        try:
            story = make_story(order, js["schema"], broken=(mode == "bad_story"))
        except (KeyError, IndexError, TypeError) as exc:
            self.bad(fake, "fake: cannot build a story from this schema: %r" % exc)
            return
        content = json.dumps(story, ensure_ascii=False)
        finish, refusal = "stop", None
        if mode == "length":
            content, finish = content[: len(content) // 3], "length"
        elif mode == "refusal":
            content, refusal = None, "I'm sorry, I can't help with that request."
        prompt_tokens = sum(len(m["content"]) for m in msgs if isinstance(m["content"], str)) // 4
        completion_tokens = len(content or refusal) // 4
        obj = {"id": "chatcmpl-fake%d" % fake.stats["chat"], "object": "chat.completion",
               "created": int(time.time()), "model": rq["model"],
               "choices": [{"index": 0, "finish_reason": finish, "logprobs": None,
                            "message": {"role": "assistant", "content": content,
                                        "refusal": refusal, "annotations": []}}],
               "usage": {"prompt_tokens": prompt_tokens,
                         "completion_tokens": completion_tokens,
                         "total_tokens": prompt_tokens + completion_tokens}}
        self.answer(obj, mode)

    def page_check(self, fake, rq, images, mode):
        """The art stage's check: two images (sheet, page), a verdict."""
        if len(images) != 2 or not all(i[:2] == b"\xff\xd8" or i[:8] == b"\x89PNG\r\n\x1a\n"
                                       for i in images):
            self.bad(fake, "page_check: the sheet and the page expected as images", "messages")
            return
        with fake.lock:
            fake.stats["checks"] += 1
            ok = fake.check == "pass"
            if not ok:
                fake.stats["check_failures"] += 1
        verdict = {"same_child": ok, "shows_scene": True,
                   "problems": "" if ok else "the hair is straight and blond, not dark curly"}
        obj = {"id": "chatcmpl-check%d" % fake.stats["checks"], "object": "chat.completion",
               "created": int(time.time()), "model": rq["model"],
               "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                            "message": {"role": "assistant", "content": json.dumps(verdict),
                                        "refusal": None, "annotations": []}}],
               "usage": {"prompt_tokens": 1600, "completion_tokens": 30, "total_tokens": 1630}}
        self.answer(obj, mode)

    def edits(self, fake, rq, mode):
        imgs = rq.get("image[]", [])
        if not imgs:
            self.bad(fake, "Missing required parameter: 'image'.", "image")
            return
        if len(imgs) > 16:
            self.bad(fake, "Too many images: at most 16.", "image")
            return
        for i, (fname, ctype, data) in enumerate(imgs):
            kind = ("png" if data[:8] == b"\x89PNG\r\n\x1a\n" else
                    "jpeg" if data[:2] == b"\xff\xd8" else
                    "webp" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else None)
            if kind is None or ctype not in ("image/png", "image/jpeg", "image/webp"):
                self.bad(fake, "Invalid file 'image[%d]': unsupported mimetype ('%s'). "
                         "Supported file formats are 'image/jpeg', 'image/png', and "
                         "'image/webp'." % (i, ctype), "image")
                return
        if rq.get("size", "auto") not in EDIT_SIZES:
            self.bad(fake, "Invalid value: '%s'. Supported values are: '1024x1024', "
                     "'1024x1536', '1536x1024', and 'auto'." % rq.get("size"), "size")
            return
        if rq.get("background", "auto") not in ("transparent", "opaque", "auto"):
            self.bad(fake, "background: transparent, opaque or auto", "background")
            return
        if "input_fidelity" in rq:
            if rq["input_fidelity"] not in ("high", "low"):
                self.bad(fake, "input_fidelity: high or low", "input_fidelity")
                return
            if not rq["model"].startswith("gpt-image-") or "mini" in rq["model"]:
                self.bad(fake, "input_fidelity is not supported for model '%s'." % rq["model"],
                         "input_fidelity")
                return
        size = rq.get("size", "auto")
        rq = dict(rq, size="1024x1024" if size == "auto" else size)
        rq.pop("image[]")
        self.images(fake, rq, mode)

    def images(self, fake, rq, mode):
        prompt = rq.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > 32000:
            self.bad(fake, "prompt: a string of 1 to 32000 characters", "prompt")
            return
        size = rq.get("size", "1024x1024")
        sm = re.match(r"^(\d{1,5})x(\d{1,5})$", size if isinstance(size, str) else "")
        if not sm or not (16 <= int(sm.group(1)) <= 8192 and 16 <= int(sm.group(2)) <= 8192):
            self.bad(fake, "size: WIDTHxHEIGHT expected", "size")
            return
        if rq.get("quality", "auto") not in ("standard", "hd", "low", "medium", "high", "auto"):
            self.bad(fake, "quality: invalid", "quality")
            return
        n = rq.get("n", 1)
        if not isinstance(n, int) or not 1 <= n <= 10:
            self.bad(fake, "n: from 1 to 10", "n")
            return
        fmt = rq.get("output_format", "png")
        if fmt not in ("png", "jpeg", "webp"):
            self.bad(fake, "output_format: png, jpeg or webp", "output_format")
            return
        w, h = int(sm.group(1)), int(sm.group(2))
        if mode == "small":
            w, h = w // 2, h // 2
        if fmt == "jpeg" and fake.jpeg and mode != "png":
            with open(fake.jpeg, "rb") as f:
                data = f.read()
        else:
            data = fake.png(w, h, zlib.crc32(prompt.encode()))
        with fake.lock:
            fake.stats["images_served"] += n
            fake.stats["prompts"] = (fake.stats["prompts"] + [prompt])[-8:]
        b64 = base64.b64encode(data).decode()
        tokens = len(prompt) // 4
        obj = {"created": int(time.time()), "data": [{"b64_json": b64} for _ in range(n)],
               "output_format": fmt, "quality": rq.get("quality", "auto"),
               "usage": {"input_tokens": tokens, "output_tokens": 1056 * n,
                         "total_tokens": tokens + 1056 * n,
                         "input_tokens_details": {"text_tokens": tokens, "image_tokens": 0}}}
        self.answer(obj, mode)


class Server(ThreadingHTTPServer):
    # The listen(2) backlog: socketserver passes it at construction, so it
    # is a class attribute (the default, 5, resets connections when 50
    # edits calls arrive at once).
    request_queue_size = 256


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=120, help="exit after this many seconds")
    ap.add_argument("--key", default="", help="the only API key accepted (default: any)")
    ap.add_argument("--mode", default="ok", choices=sorted(MODES))
    ap.add_argument("--count", type=int, default=-1)
    ap.add_argument("--fraction", type=float, default=0.0)
    ap.add_argument("--endpoint", default="all", choices=["all", "chat", "images"])
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--retry-after", type=int, default=1)
    ap.add_argument("--jpeg", default="", help="JPEG file served when jpeg output is asked")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    server = Server(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.fake = Fake(args)
    print("PORT %d" % server.server_address[1], flush=True)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    timer = threading.Timer(args.timeout, stop)
    timer.daemon = True
    timer.start()
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

# tests/integ/print_lib.sh — helpers for the print stage's integration
# scripts (tests/integ/print_*.sh), sourced after tests/lib/common.sh.
#
# Orders are put straight into print/ as the pdf stage would leave them
# (order.json, story.json, interior.pdf, cover.pdf) and recorded in the
# database in state print; the fake Lulu (tests/fakes/fake_lulu.py) stands
# in for the printer.  cover.pdf has the size Lulu asks for the order's
# product and page count (the fake's cover_size_pt: Lulu's published
# figures).  Every process started here has $TESTTMP on its
# command line, so tests/run's cleanup finds it, and is stopped on exit.

PRINT_PIDS=()
FAKE_PID=

print_cleanup() {
  local p
  for p in "${PRINT_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  [ -n "$FAKE_PID" ] && kill -TERM "$FAKE_PID" 2>/dev/null || true
  for p in "${PRINT_PIDS[@]}" $FAKE_PID; do wait "$p" 2>/dev/null || true; done
}
trap print_cleanup EXIT

# print_orders ID... [-- FIELD=JSON...]: order folders in print/ and their
# rows (customer, order in state print).  FIELD=null removes the field.
# PRINT_COVER_PT="W H" in the environment: covers of that size instead.
print_orders() {
  local ids=() sets=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do ids+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  sets=("$@")
  # Built aside and moved in once the rows exist, as the pdf stage hands
  # an order on only after recording it.
  local stage=$TESTTMP/staging id
  mkdir -p "$SPOOL/print" "$stage"
  python3 - "$SRCDIR/config/samples" "$stage" "${#ids[@]}" "${ids[@]}" "${sets[@]}" <<'PY' \
    | psql -qAtX -v ON_ERROR_STOP=1 >/dev/null || fail "print_orders ${ids[*]}"
import glob, json, os, sys
sys.path.insert(0, os.path.join(os.environ["SRCDIR"], "tests", "fakes"))
from fake_lulu import cover_size_pt
samples, dest, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ids, sets = sys.argv[4:4 + n], sys.argv[4 + n:]
base = json.load(open(sorted(glob.glob(samples + "/*.json"))[0]))

def pdf(pages, tag, size=(621, 621)):
    """A small valid PDF with `pages` pages of size (pt); tag makes its
    bytes unique."""
    objs = ["<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [%s] /Count %d >>"
            % (" ".join("%d 0 R" % (3 + i) for i in range(pages)), pages)]
    objs += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.3f %.3f] >>" % size] * pages
    out, offs = bytearray(b"%PDF-1.4\n%% " + tag.encode() + b"\n"), []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i + 1, o.encode())
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)

def q(s):
    return "'" + s.replace("'", "''") + "'"

for oid in ids:
    o = json.loads(json.dumps(base))
    o["order_id"] = oid
    for kv in sets:
        path, val = kv.split("=", 1)
        keys, d = path.split("."), o
        for k in keys[:-1]:
            d = d[k]
        if val == "null":
            d.pop(keys[-1], None)
        else:
            d[keys[-1]] = json.loads(val)
    d = os.path.join(dest, oid)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "order.json"), "w") as f:
        json.dump(o, f, indent=2, ensure_ascii=False)
    with open(os.path.join(d, "story.json"), "w") as f:
        json.dump({"order_id": oid, "title": "%s and the Secret of Fern Valley (%s)"
                   % (o["child"]["name"], oid)}, f)
    pages = o["book"]["pages"] + 8
    with open(os.path.join(d, "interior.pdf"), "wb") as f:
        f.write(pdf(pages, "interior " + oid))
    b = o["book"]
    w, h = b.get("trim", "8.5x8.5").split("x")
    pod = "%04dX%04d.FC.PRE.%s.080CW444.GXX" % (
        round(float(w) * 100), round(float(h) * 100),
        "PB" if b.get("binding") == "paperback" else "CW")
    with open(os.path.join(d, "cover.pdf"), "wb") as f:
        # PRINT_COVER_PT="W H": a cover of another size (a test of the check).
        size = tuple(float(v) for v in os.environ.get("PRINT_COVER_PT", "").split()) \
            or cover_size_pt(pod, pages)[0]
        f.write(pdf(1, "cover " + oid, size))
    c = o["customer"]
    print("INSERT INTO customers (id, email, name) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING;"
          % (q(c["id"]), q(c.get("email", "")), q(c["name"])))
    print("INSERT INTO orders (id, customer_id, state, canonical, order_json) VALUES"
          " (%s, %s, 'print', %s, %s::jsonb);"
          % (q(oid), q(c["id"]), q(json.dumps(o, sort_keys=True)), q(json.dumps(o))))
PY
  for id in "${ids[@]}"; do mv "$stage/$id" "$SPOOL/print/$id"; done
}

# fake_start [FLAG...]: starts the fake Lulu; sets LULU_URL.
fake_start() {
  rm -f "$TESTTMP/lulu.port"
  python3 "$SRCDIR/tests/fakes/fake_lulu.py" --state-file "$TESTTMP/lulu-state.json" \
    --port-file "$TESTTMP/lulu.port" --timeout 300 \
    --client-key test-key --client-secret test-secret \
    --publish-dir "$TESTTMP/publish" --publish-url "https://files.example/books" \
    "$@" >"$TESTTMP/fake-lulu.out" 2>"$TESTTMP/fake-lulu.err" &
  FAKE_PID=$!
  wait_until 10 test -s "$TESTTMP/lulu.port" || fail "the fake Lulu did not start"
  LULU_URL=http://127.0.0.1:$(cat "$TESTTMP/lulu.port")
}

# fake_ctl JSON: changes the fake's behaviour.
fake_ctl() {
  curl -sf -X POST -H 'Content-Type: application/json' -d "$1" "$LULU_URL/__control" >/dev/null \
    || fail "fake_ctl $1"
}

# fake_py EXPR: evaluates a python expression on the fake's state (s).
fake_py() {
  curl -sf "$LULU_URL/__state" | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}

# fake_is EXPR VALUE, sql_is SQL VALUE: for wait_until, which needs a
# command it can run again.
fake_is() { [ "$(fake_py "$1")" = "$2" ]; }
sql_is() { [ "$(sql "$1")" = "$2" ]; }

# lulu_conf [KEY=VALUE...]: a configuration that prints with the fake.
lulu_conf() {
  printf 'test-key\n' >"$TESTTMP/lulu_key"
  printf 'test-secret\n' >"$TESTTMP/lulu_secret"
  mkdir -p "$TESTTMP/publish"
  write_conf "print_provider = lulu" "lulu_api_url = $LULU_URL" "allow_insecure_http = yes" \
    "lulu_client_key_file = $TESTTMP/lulu_key" \
    "lulu_client_secret_file = $TESTTMP/lulu_secret" \
    "lulu_contact_email = books@shop.example" \
    "lulu_publish_dir = $TESTTMP/publish" \
    "lulu_publish_url = https://files.example/books/" \
    "lulu_poll_interval = 5" "lulu_timeout = 10" "$@"
}

# print_start [ARG...]: storypress-print in the background, with the test's
# configuration (so its command line names $TESTTMP), logging into
# $TESTTMP/print-N.log.
print_start() {
  local n=${#PRINT_PIDS[@]}
  "$BUILD/storypress-print" -c "$CONF" "$@" >>"$TESTTMP/print-$n.log" 2>&1 &
  PRINT_PIDS+=($!)
  PRINT_PID=$!
}

# print_stop: SIGTERM to every daemon started, and wait; each must exit 0
# (a sanitizer's report at exit makes it exit otherwise).
print_stop() {
  local p st bad=
  for p in "${PRINT_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PRINT_PIDS[@]}"; do
    st=0; wait "$p" 2>/dev/null || st=$?
    [ "$st" = 0 ] || bad="$bad $p:$st"
  done
  PRINT_PIDS=()
  [ -z "$bad" ] || { print_logs | tail -n 40 >&2; fail "storypress-print exited with (pid:status)$bad"; }
}

print_logs() { cat "$TESTTMP"/print-*.log 2>/dev/null || true; }

# in_dir DIR N: N order folders in DIR.
in_dir() { [ "$(count "$1" 2>/dev/null)" -eq "$2" ]; }

# expect WHAT ACTUAL WANTED
expect() {
  [ "$2" = "$3" ] || { print_logs | tail -n 30 >&2; fail "$1: got '$2', wanted '$3'"; }
  ok "$1"
}

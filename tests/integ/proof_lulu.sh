# With Lulu as the printer, the proof's previews are published like the
# print files (under lulu_publish_dir, readable, the same bytes) and the
# move into proof/ — the webhook's proof_ready — lists their URLs.
. "$SRCDIR/tests/lib/common.sh"
pub=$TESTTMP/pub
write_conf "proof_required = yes" "proof_dpi = 30" "print_provider = lulu" \
  "lulu_publish_dir = $pub" "lulu_publish_url = https://files.example.com/books/" \
  "lulu_contact_email = books@example.com"
tool=$BUILD/storypress
"$tool" migrate >/dev/null
make_order L1 > "$TESTTMP/L1.json"; drop "$TESTTMP/L1.json"
for s in incoming story art pdf; do "$BUILD/storypress-$s" --once 2>>"$TESTTMP/run.log" || fail "$s"; done
d=$SPOOL/proof/L1
[ -d "$d" ] || fail "L1 not in proof/: $(tail -3 "$TESTTMP/run.log")"
detail=$(sql "SELECT detail->'proof' FROM order_events WHERE order_id='L1' AND to_state='proof'")
python3 - "$detail" "$d" "$pub" <<'PY' || fail "published proof: $detail"
import json, os, sys, hashlib, stat
p = json.loads(sys.argv[1])
files, urls = p["files"], p["urls"]
assert len(files) == len(urls) == p["pages"] + 2, (len(files), len(urls), p["pages"])
h = lambda f: hashlib.sha256(open(f, "rb").read()).hexdigest()
for f, u in zip(files, urls):
    prefix = "https://files.example.com/books/proof-L1-"
    assert u.startswith(prefix) and u.endswith("/" + os.path.basename(f)), u
    local = os.path.join(sys.argv[3], u[len("https://files.example.com/books/"):])
    assert h(local) == h(os.path.join(sys.argv[2], f)), local
    assert os.stat(local).st_mode & 0o044 == 0o044, local
PY
ok "$(ls "$pub"/proof-L1-*/ | wc -l) proof files published, listed by URL in the proof_ready event"

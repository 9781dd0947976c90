# backbone_lib.sh — helpers shared by the backbone_*.sh scripts (sourced
# after common.sh; tests/run skips *_lib.sh).
#
#   gen_orders DIR PREFIX N EVERY   N drops in DIR: <PREFIX>NNNNN.json, every
#                                   EVERY-th one an invalid order (0: none);
#                                   DIR/valid and DIR/invalid list the names
#   drop_all DIR [PAUSE_MS]         drops them in order, the shop's way
#   check_final DIR [crash]         every drop ended exactly once where it
#                                   should, nothing left behind, and the
#                                   database agrees with the spool ("crash":
#                                   repeated rejects rows are reported, not
#                                   failed)

gen_orders() {
  python3 - "$SRCDIR/config/samples" "$@" <<'PY'
import glob, json, os, sys
samples, out, prefix, n, every = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
base = json.load(open(sorted(glob.glob(samples + "/*.json"))[0]))
os.makedirs(out, exist_ok=True)
valid, invalid = [], []
for i in range(n):
    oid = "%s%05d" % (prefix, i)
    o = json.loads(json.dumps(base))
    o["order_id"] = oid
    o["child"]["name"] = "Maya"
    bad = every and i % every == every - 1
    if bad:
        o["child"]["age"] = "five"          # one field wrong: rejected, reason names it
    with open(os.path.join(out, oid + ".json"), "w") as f:
        json.dump(o, f, ensure_ascii=False)
    (invalid if bad else valid).append(oid)
open(os.path.join(out, "valid"), "w").write("".join(x + "\n" for x in valid))
open(os.path.join(out, "invalid"), "w").write("".join(x + "\n" for x in invalid))
PY
}

drop_all() {
  python3 - "$SPOOL" "$1" "${2:-0}" <<'PY'
import os, sys, time
spool, src, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]) / 1000.0
names = [l.strip() + ".json" for f in ("valid", "invalid") for l in open(os.path.join(src, f))]
names.sort()
for name in names:
    data = open(os.path.join(src, name), "rb").read()
    tmp = os.path.join(spool, "tmp", ".%s.%d" % (name, os.getpid()))
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, os.path.join(spool, "incoming", name))
    if pause:
        time.sleep(pause)
PY
}

# All drops gone from incoming/, its work areas and tmp/.
incoming_empty() {
  [ "$(count incoming)" = 0 ] &&
    [ -z "$(find "$SPOOL/incoming/.work" -mindepth 2 -print -quit)" ] &&
    [ -z "$(find "$SPOOL/tmp" -mindepth 1 -print -quit)" ]
}

# Every drop accounted for (in story/ or rejected/).
all_placed() { # DIR
  local want
  want=$(cat "$1/valid" "$1/invalid" | wc -l)
  [ $(( $(count story) + $(count rejected) )) -ge "$want" ] && incoming_empty
}

check_final() { # DIR [crash]
  local dir=$1
  incoming_empty || fail "drops left behind: $(find "$SPOOL/incoming" "$SPOOL/tmp" -mindepth 1 | head)"
  # The spool: story/ holds exactly the valid ids, rejected/ exactly the
  # invalid drops (each with the drop itself and its reason), no duplicate
  # anywhere, no order folder elsewhere.
  ls "$SPOOL/story" | sort > "$TESTTMP/in-story"
  sort "$dir/valid" > "$TESTTMP/want-story"
  diff "$TESTTMP/want-story" "$TESTTMP/in-story" > "$TESTTMP/story.diff" \
    || fail "story/ differs from the valid drops: $(head -n 20 "$TESTTMP/story.diff")"
  ls "$SPOOL/rejected" | sort > "$TESTTMP/in-rejected"
  sed 's/$/.json/' "$dir/invalid" | sort > "$TESTTMP/want-rejected"
  diff "$TESTTMP/want-rejected" "$TESTTMP/in-rejected" > "$TESTTMP/rejected.diff" \
    || fail "rejected/ differs from the invalid drops: $(head -n 20 "$TESTTMP/rejected.diff")"
  local name missing=0
  while read -r name; do
    [ -f "$SPOOL/rejected/$name/$name" ] && grep -q 'child\.age' "$SPOOL/rejected/$name/reason" \
      || { echo "rejected/$name: $(ls -A "$SPOOL/rejected/$name")"; missing=$((missing+1)); }
  done < "$TESTTMP/want-rejected"
  [ "$missing" = 0 ] || fail "$missing rejected folders lack the drop or a reason naming child.age"
  local d
  for d in art pdf print done failed hold; do
    [ "$(count "$d")" = 0 ] || fail "orders in $d/: $(ls "$SPOOL/$d" | head)"
  done
  local bad
  bad=$(find "$SPOOL/story" -mindepth 1 -maxdepth 1 -name '.*' ! -name .work)
  [ -z "$bad" ] || fail "scratch left in story/: $bad"
  bad=$(find "$SPOOL/story" -mindepth 1 -maxdepth 1 ! -name '.*' -type d -exec test ! -f '{}/order.json' ';' -print)
  [ -z "$bad" ] || fail "folders without order.json: $bad"
  # The database agrees.
  sql "SELECT id FROM orders WHERE state = 'story' ORDER BY id" > "$TESTTMP/db-story"
  LC_ALL=C sort "$TESTTMP/db-story" -o "$TESTTMP/db-story"
  LC_ALL=C sort "$TESTTMP/in-story" -o "$TESTTMP/in-story"
  diff "$TESTTMP/in-story" "$TESTTMP/db-story" > "$TESTTMP/db.diff" \
    || fail "orders in state story differ from story/: $(head -n 20 "$TESTTMP/db.diff")"
  [ "$(sql "SELECT count(*) FROM orders")" = "$(count story)" ] || fail "orders rows in other states"
  ls "$SPOOL/rejected" | LC_ALL=C sort > "$TESTTMP/in-rejected"
  sql "SELECT DISTINCT entry FROM rejects" | LC_ALL=C sort > "$TESTTMP/db-rejected"
  diff "$TESTTMP/in-rejected" "$TESTTMP/db-rejected" > "$TESTTMP/dbrej.diff" \
    || fail "rejects rows differ from rejected/: $(head -n 20 "$TESTTMP/dbrej.diff")"
  local rows
  rows=$(sql "SELECT count(*) FROM rejects")
  # Even after crashes between a reject's record and its rename: the row is
  # keyed by the drop itself (rejects.drop_key), so the retry adds none.
  [ "$rows" = "$(count rejected)" ] || fail "$rows rejects rows for $(count rejected) entries in rejected/"
  # Scratch folders of interrupted rejects hold a reason at most, never a drop.
  local held
  held=$(find "$SPOOL/rejected" -mindepth 2 -maxdepth 2 -path "$SPOOL/rejected/.*" ! -name reason ! -name '.reason.tmp*')
  [ -z "$held" ] || fail "drops hidden in scratch folders of rejected/: $held"
  local stale
  stale=$(find "$SPOOL/rejected" -mindepth 1 -maxdepth 1 -name '.*' | wc -l)
  [ "$stale" = 0 ] || echo "note: $stale scratch folders of interrupted rejects left in rejected/"
  [ "$(sql "SELECT count(*) FROM order_events WHERE from_state = 'incoming' AND to_state = 'story'")" = "$(count story)" ] \
    || fail "not exactly one incoming → story event per order: $(sql "SELECT order_id, count(*) FROM order_events GROUP BY 1 HAVING count(*) <> 1 LIMIT 10")"
  [ "$(sql "SELECT count(DISTINCT order_id) FROM order_events")" = "$(count story)" ] || fail "events of unknown orders"
  [ "$(sql "SELECT count(*) FROM order_events WHERE NOT (from_state = 'incoming' AND to_state = 'story')")" = 0 ] \
    || fail "unexpected events: $(sql "SELECT order_id, from_state, to_state FROM order_events WHERE to_state <> 'story' LIMIT 5")"
}

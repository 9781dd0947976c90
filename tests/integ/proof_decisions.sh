# The shop's decisions by drop: approve, redo and reject dropped into
# incoming/ like orders, carried out by the incoming stage; bad decisions
# (unknown order, order not in proof, page out of range, text too long,
# unknown field, too many redos, ...) each rejected with a reason naming
# the field, and the order they were about left as it was.
. "$SRCDIR/tests/lib/common.sh"
write_conf "proof_required = yes" "max_redos = 1" "proof_dpi = 30"
tool=$BUILD/storypress
"$tool" migrate >/dev/null
for id in D1 D2 D3; do make_order $id > "$TESTTMP/$id.json"; drop "$TESTTMP/$id.json"; done
make_order D4 'book.proof=false' > "$TESTTMP/D4.json"; drop "$TESTTMP/D4.json"
timeout 300 "$tool" run --once 2>"$TESTTMP/run.log" || { tail "$TESTTMP/run.log"; fail "run"; }
for id in D1 D2 D3; do [ -d "$SPOOL/proof/$id" ] || fail "$id not in proof/"; done
[ -d "$SPOOL/done/D4" ] || fail "D4 (book.proof false) not done"
incoming() { "$BUILD/storypress-incoming" --once 2>>"$TESTTMP/incoming.log"; }
decide() { # NAME JSON: drop a decision
  printf '%s\n' "$2" > "$TESTTMP/$1"; drop "$TESTTMP/$1"
}

# The bad ones first, all at once: each rejected, naming its field.
long=$(python3 -c 'print("a" * 700)')
sha_d2=$(cd "$SPOOL/proof/D2" && sha256sum story.json interior.pdf art/*.jpg)
cat > "$TESTTMP/bad.tsv" <<EOF
unknown-order	order_id	{"decision": "approve", "order_id": "NOPE"}
not-in-proof	order_id	{"decision": "approve", "order_id": "D4"}
reject-not-in-proof	order_id	{"decision": "reject", "order_id": "D4", "reason": "x"}
page-out-of-range	pages[0]	{"decision": "redo", "order_id": "D2", "pages": [99], "text": "Hello there."}
text-too-long	text	{"decision": "redo", "order_id": "D2", "pages": [1], "text": "$long"}
unknown-field	colour	{"decision": "approve", "order_id": "D2", "colour": "red"}
bad-kind	decision	{"decision": "maybe", "order_id": "D2"}
no-order-id	order_id	{"decision": "approve"}
bad-order-id	order_id	{"decision": "approve", "order_id": "../D2"}
no-pages	pages	{"decision": "redo", "order_id": "D2", "text": "Hello there."}
page-not-int	pages[0]	{"decision": "redo", "order_id": "D2", "pages": ["3"], "art": true}
page-twice	pages[1]	{"decision": "redo", "order_id": "D2", "pages": [2, 2], "art": true}
art-not-bool	art	{"decision": "redo", "order_id": "D2", "pages": [2], "art": "yes"}
nothing-to-redo	text	{"decision": "redo", "order_id": "D2", "pages": [2]}
no-reason	reason	{"decision": "reject", "order_id": "D2"}
reason-on-approve	reason	{"decision": "approve", "order_id": "D2", "reason": "fine"}
control-in-text	text	{"decision": "redo", "order_id": "D2", "pages": [2], "text": "a\u0007b"}
not-an-object	decision	{"decision": "approve", "order_id": "D2"} trailing
EOF
n=0
while IFS=$'\t' read -r name field json; do
  decide "$name.json" "$json"; n=$((n + 1))
done < "$TESTTMP/bad.tsv"
incoming
while IFS=$'\t' read -r name field json; do
  r=$SPOOL/rejected/$name.json/reason
  [ -f "$r" ] || fail "$name: not rejected"
  grep -qF -- "$field:" "$r" || fail "$name: reason does not name $field: $(cat "$r")"
done < "$TESTTMP/bad.tsv"
[ "$(cd "$SPOOL/proof/D2" && sha256sum story.json interior.pdf art/*.jpg)" = "$sha_d2" ] ||
  fail "a bad decision changed D2's book"
grep -q "not in proof (it is in done/)" "$SPOOL/rejected/not-in-proof.json/reason" ||
  fail "not-in-proof: $(cat "$SPOOL/rejected/not-in-proof.json/reason")"
ok "$n bad decisions rejected, each naming its field; D2 untouched"

# A redo by drop: the text of pages 2 and 4, the others kept.
before=$(cd "$SPOOL/proof/D1" && sha256sum art/*.jpg)
decide redo-D1.json '{"decision": "redo", "order_id": "D1", "pages": [2, 4], "text": "A bright red kite flew over the hill."}'
incoming
[ -d "$SPOOL/proof/D1" ] || fail "D1 left proof/ after a redo"
[ -e "$SPOOL/incoming/redo-D1.json" ] && fail "the redo drop was not removed"
[ -e "$SPOOL/rejected/redo-D1.json" ] && fail "the redo was rejected: $(cat "$SPOOL/rejected/redo-D1.json/reason")"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); t=[p["text"] for p in s["pages"]]
assert t[1] == t[3] == "A bright red kite flew over the hill." and t.count(t[1]) == 2, t' "$SPOOL/proof/D1/story.json" ||
  fail "D1's story.json"
grep -q "red kite" <<<"$(pdftotext "$SPOOL/proof/D1/interior.pdf" -)" || fail "new text not in D1's PDF"
[ "$(cd "$SPOOL/proof/D1" && sha256sum art/*.jpg)" = "$before" ] || fail "a text redo changed pictures"
[ "$(sql "SELECT by || ' ' || pages::text FROM proof_redos WHERE order_id = 'D1'")" = "shop {2,4}" ] ||
  fail "redo not recorded as the shop's"
# max_redos = 1: a second one is refused, naming the bound.
decide redo2-D1.json '{"decision": "redo", "order_id": "D1", "pages": [1], "art": true}'
incoming
grep -q "max_redos" "$SPOOL/rejected/redo2-D1.json/reason" || fail "a redo past max_redos was not refused"
"$tool" redo D1 --page 1 --art 2>"$TESTTMP/err" && fail "the tool redid past max_redos"
grep -q max_redos "$TESTTMP/err" || fail "redo past max_redos: $(cat "$TESTTMP/err")"
ok "redo by drop: pages 2 and 4 rewritten, pictures kept; max_redos enforced"

# Approve and reject by drop.
decide approve-D1.json '{"decision": "approve", "order_id": "D1"}'
decide reject-D3.json '{"decision": "reject", "order_id": "D3", "reason": "the dedication is wrong"}'
incoming
[ -d "$SPOOL/print/D1" ] || fail "D1 not in print/ after approve"
[ -d "$SPOOL/failed/D3" ] || fail "D3 not in failed/ after reject"
grep -q "the dedication is wrong" "$SPOOL/failed/D3/error.json" || fail "D3's error.json"
[ "$(sql "SELECT to_state FROM order_events WHERE order_id='D3' ORDER BY id DESC LIMIT 1")" = failed ] || fail "D3's history"
timeout 120 "$tool" run --once 2>>"$TESTTMP/run.log"
[ -d "$SPOOL/done/D1" ] || fail "D1 not done"
[ -d "$SPOOL/proof/D2" ] || fail "D2 moved"
"$tool" fsck >/dev/null || fail "fsck found differences"
ok "approve and reject by drop: D1 printed, D3 failed with the shop's reason; fsck clean"
# stats and metrics know the proof.
"$tool" stats --json > "$TESTTMP/stats.json" || fail "stats"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["proof"]
assert (p["proofs"], p["approved"], p["rejected"], p["redos"], p["pages_redone"]) == (3, 1, 1, 1, 2), p' "$TESTTMP/stats.json" ||
  fail "stats: $(cat "$TESTTMP/stats.json")"
"$tool" metrics --output - > "$TESTTMP/metrics.txt" || fail "metrics"
grep -qx 'storypress_spool_entries{dir="proof"} 1' "$TESTTMP/metrics.txt" || fail "metrics: proof/ not counted"
grep -qx 'storypress_proof_redos_total 1' "$TESTTMP/metrics.txt" || fail "metrics: redos not counted"
ok "stats and metrics count the proofs, decisions and redos"

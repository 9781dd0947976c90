# Crash safety of a redo: SIGKILL at random moments of `storypress redo
# --art` leaves the order in proof/ with the old book or the new one, never
# a mix: the interior PDF's pictures are the art folder's, bytes for bytes,
# and the two pages of one redo changed together or not at all.  The next
# decision sweeps what the killed redo left.
. "$SRCDIR/tests/lib/common.sh"
plain_only "a loop of SIGKILLs; redo runs on the sanitizer build in proof_e2e and proof_decisions"
write_conf "proof_required = yes" "max_redos = 100" "proof_dpi = 30"
tool=$BUILD/storypress
"$tool" migrate >/dev/null
make_order C1 > "$TESTTMP/C1.json"; drop "$TESTTMP/C1.json"
timeout 300 "$tool" run --once 2>"$TESTTMP/run.log" || fail "run"
d=$SPOOL/proof/C1
[ -d "$d" ] || fail "C1 not in proof/"
# consistent: the PDF's pictures are exactly the pictures of art/ (pages).
consistent() {
  rm -rf "$TESTTMP/img"; mkdir "$TESTTMP/img"
  pdfimages -all "$d/interior.pdf" "$TESTTMP/img/i" || return 1
  python3 - "$TESTTMP/img" "$d/art" <<'PY'
import hashlib, os, sys
h = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
pdf = {h(os.path.join(sys.argv[1], f)) for f in os.listdir(sys.argv[1])}
art = {h(os.path.join(sys.argv[2], f)) for f in os.listdir(sys.argv[2]) if f.startswith("page-")}
missing, extra = art - pdf, pdf - art - {h(os.path.join(sys.argv[2], "cover.jpg"))}
if missing or extra:
    print("pictures in art/ not in the PDF: %d, in the PDF not in art/: %d" % (len(missing), len(extra)))
    sys.exit(1)
PY
}
consistent || fail "the first book is not consistent"
pages() { sha256sum "$d/art/page-02.jpg" "$d/art/page-05.jpg" | awk '{print $1}' | tr '\n' ' '; }
# How long one such redo takes here, so that the kills land inside one
# whatever the machine's speed.
t0=$(date +%s.%N)
"$tool" redo C1 --page 2 --page 5 --art >/dev/null || fail "a first redo, to time it"
dur=$(python3 -c "print($(date +%s.%N) - $t0)")
consistent || fail "the book after the first redo is not consistent"
killed=0 old=0 new=0
for i in 1 2 3 4 5 6 7 8; do
  before=$(pages)
  "$tool" redo C1 --page 2 --page 5 --art >/dev/null 2>&1 & pid=$!
  sleep "$(python3 -c "import random; print(round(random.uniform(0.02, 0.9 * $dur), 3))")"
  if kill -0 $pid 2>/dev/null; then kill -KILL $pid; killed=$((killed + 1)); fi
  wait $pid 2>/dev/null || true
  [ -d "$d" ] || fail "round $i: C1 is not in proof/ after the kill: $(ls -a "$SPOOL/proof")"
  consistent || fail "round $i: a mix of two books"
  after=$(pages)
  set -- $before; b2=$1 b5=$2; set -- $after; a2=$1 a5=$2
  if [ "$b2" = "$a2" ] && [ "$b5" = "$a5" ]; then old=$((old + 1))
  elif [ "$b2" != "$a2" ] && [ "$b5" != "$a5" ]; then new=$((new + 1))
  else fail "round $i: one page of the redo changed and not the other"; fi
done
[ "$killed" -ge 3 ] || fail "only $killed redos were killed in flight"
# The next redo sweeps the scratch and succeeds.
"$tool" redo C1 --page 3 --art >/dev/null || fail "redo after the kills"
grep -q '^\.redo-' <<<"$(ls -a "$SPOOL/proof")" && fail "scratch left after a redo"
consistent || fail "the last book is not consistent"
"$tool" fsck >/dev/null || fail "fsck found differences"
ok "$killed redos killed in flight: old book $old times, new book $new times, never a mix"

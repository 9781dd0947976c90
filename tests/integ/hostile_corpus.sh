# Hostile input: every drop of tests/corpus/hostile/ (made by
# tests/corpus/make_hostile.py), plus drops that are not plain files (links,
# a FIFO, a socket, a directory, a device, a hard link, a zero-byte file, a
# 100 MB file), dropped among good orders into two running incoming daemons.
# Every bad drop must end in rejected/ with a reason, the daemons must stay
# up, the good orders must all reach story/, and what must be left alone
# (a half-written file in tmp/, a dot file in incoming/) is left alone.
. "$SRCDIR/tests/lib/common.sh"
write_conf
tool=$BUILD/storypress
"$tool" migrate >/dev/null
"$BUILD/storypress-incoming" --worker w1 2>"$TESTTMP/w1.log" & p1=$!
"$BUILD/storypress-incoming" --worker w2 2>"$TESTTMP/w2.log" & p2=$!
trap 'kill $p1 $p2 2>/dev/null || true' EXIT
wait_until 10 test -f "$SPOOL/incoming/.work/w2.lock" || fail "daemons did not start"

bad=0
for f in "$SRCDIR"/tests/corpus/hostile/*.json; do
  drop "$f"; bad=$((bad+1))
done
# Good orders among them (ids G1..G10), one of them with a BOM.
for i in $(seq 1 10); do
  make_order "G$i" > "$TESTTMP/G$i.json"
  drop "$TESTTMP/G$i.json"
done
# Not plain files.
in=$SPOOL/incoming
ln -s /etc/passwd "$in/link-passwd.json"; bad=$((bad+1))
ln -s "$TESTTMP/nowhere" "$in/link-dangling.json"; bad=$((bad+1))
ln -s "$TESTTMP/G1.json" "$in/link-to-order.json"; bad=$((bad+1))
mkfifo "$in/fifo.json"; bad=$((bad+1))
mkdir "$SPOOL/tmp/.dir"; cp "$TESTTMP/G2.json" "$SPOOL/tmp/.dir/"; mv "$SPOOL/tmp/.dir" "$in/dir.json"; bad=$((bad+1))
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$in/socket.json"; bad=$((bad+1))
: > "$SPOOL/tmp/.empty"; mv "$SPOOL/tmp/.empty" "$in/empty.json"; bad=$((bad+1))
truncate -s 100M "$SPOOL/tmp/.huge"; mv "$SPOOL/tmp/.huge" "$in/huge.json"; bad=$((bad+1))
make_order H200 > "$SPOOL/tmp/.linked"; ln "$SPOOL/tmp/.linked" "$TESTTMP/second-name"
mv "$SPOOL/tmp/.linked" "$in/hardlinked.json"; bad=$((bad+1))
if [ "$(id -u)" = 0 ]; then mknod "$in/device.json" c 1 3; bad=$((bad+1)); fi
# Ids equal but for case: the second is refused.
make_order CaseId > "$TESTTMP/c1.json"; drop "$TESTTMP/c1.json"
wait_until 20 test -d "$SPOOL/story/CaseId" || fail "CaseId did not arrive"
make_order caseid > "$TESTTMP/c2.json"; drop "$TESTTMP/c2.json"; bad=$((bad+1))
# Left alone: a file still being written in tmp/, a dot file in incoming/.
echo '{"order_id": "half' > "$SPOOL/tmp/still-writing.json"
echo '{}' > "$in/.partial.json"

total_bad=$bad
all_rejected() { [ "$(count rejected)" -ge "$total_bad" ]; }
wait_until 120 all_rejected || {
  ls -la "$in"; fail "$(count rejected) of $total_bad bad drops rejected"; }
sleep 1
[ "$(count rejected)" = "$total_bad" ] || fail "$(count rejected) rejected, expected $total_bad"
[ "$(count incoming)" = 0 ] || { ls -la "$in"; fail "drops left in incoming/"; }
kill -0 $p1 && kill -0 $p2 || fail "a daemon died"
for d in "$SPOOL"/rejected/*/; do
  [ -s "$d/reason" ] || fail "$d has no reason"
  if grep -q '[[:cntrl:]]' <(tr -d '\n' < "$d/reason"); then fail "$d/reason holds control characters"; fi
done
for i in $(seq 1 10); do [ -f "$SPOOL/story/G$i/order.json" ] || fail "good order G$i did not reach story/"; done
[ "$(count story)" = 11 ] || fail "$(count story) orders in story/, expected 11"
[ -f "$SPOOL/tmp/still-writing.json" ] || fail "a file in tmp/ was touched"
[ -f "$in/.partial.json" ] || fail "a dot file in incoming/ was touched"
[ -f "$TESTTMP/second-name" ] || fail "the hard link's other name was removed"
grep -q "differs only in case" "$SPOOL"/rejected/c2.json/reason || fail "case collision not explained"
grep -q "symbolic link" "$SPOOL"/rejected/link-passwd.json/reason || fail "symlink not explained"
grep -q "FIFO" "$SPOOL"/rejected/fifo.json/reason || fail "FIFO not explained"
grep -q "bytes, more than" "$SPOOL"/rejected/huge.json/reason || fail "huge file not explained"
grep -q "^child.name" "$SPOOL"/rejected/48-rlo-child.json/reason || fail "bidi override not caught by field"
[ "$(sql "SELECT count(*) FROM rejects")" = "$total_bad" ] || fail "rejects table disagrees"
[ "$(sql "SELECT count(*) FROM orders")" = 11 ] || fail "orders table disagrees"
# The daemons stop cleanly.
kill -TERM $p1 $p2
wait $p1 || fail "w1 exit status $?"
wait $p2 || fail "w2 exit status $?"
trap - EXIT
ok "$total_bad hostile drops rejected with reasons, 11 good orders through, daemons up"

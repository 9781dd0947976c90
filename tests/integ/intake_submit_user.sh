# `storypress submit` as the shop's user: an unprivileged member of the drop
# group, under the shipped permissions (systemd/storypress.tmpfiles: the
# root 0710 and tmp/ incoming/ 3770, group storypress-drop; every other
# directory private), with the incoming daemon running.  submit must need
# only tmp/ and incoming/, and the order must reach story/.
# Needs root for useradd: skipped (exit 77) otherwise.
. "$SRCDIR/tests/lib/common.sh"
[ "$(id -u)" = 0 ] || { echo "skip: creating a throwaway user and group needs root"; exit 77; }
command -v useradd >/dev/null && command -v runuser >/dev/null ||
  { echo "skip: useradd or runuser missing"; exit 77; }
suffix=$$
grp=spdrop$suffix user=spshop$suffix
groupadd "$grp" || { echo "skip: groupadd failed"; exit 77; }
useradd --no-create-home --shell /usr/sbin/nologin -G "$grp" "$user" ||
  { groupdel "$grp"; echo "skip: useradd failed"; exit 77; }
cleanup() { kill $pid 2>/dev/null || true; userdel "$user" 2>/dev/null || true; groupdel "$grp" 2>/dev/null || true; }
pid=
trap cleanup EXIT
write_conf
chmod 644 "$CONF"
tool=$BUILD/storypress
"$tool" migrate >/dev/null
# The skeleton as tmpfiles.d makes it, the daemon making the rest.
install -d -g "$grp" -m 0710 "$SPOOL"
install -d -g "$grp" -m 3770 "$SPOOL/tmp" "$SPOOL/incoming"
"$BUILD/storypress-incoming" --worker wu 2>"$TESTTMP/incoming.log" & pid=$!
wait_until 10 test -f "$SPOOL/incoming/.work/wu.lock" || fail "the daemon did not start"
# Every directory but the two is private to the daemons' user.
for d in "$SPOOL"/*/; do
  case $(basename "$d") in tmp|incoming) ;; *) chmod 0700 "$d" ;; esac
done
chmod 0700 "$SPOOL/incoming/.work"
as_shop() { runuser -u "$user" -- "$@"; }
if as_shop ls "$SPOOL" >/dev/null 2>&1; then fail "the shop's user can list the spool: not the shipped permissions"; fi
if as_shop ls "$SPOOL/story" >/dev/null 2>&1; then fail "the shop's user can read story/"; fi
make_order U1 > "$TESTTMP/U1.json"; chmod 644 "$TESTTMP/U1.json"
out=$(as_shop "$tool" -c "$CONF" submit "$TESTTMP/U1.json" 2>&1) || fail "submit as $user: $out"
echo "$out"
# The configuration may also follow the command.
make_order U2 > "$TESTTMP/U2.json"; chmod 644 "$TESTTMP/U2.json"
out=$(as_shop env -u STORYPRESS_CONFIG "$tool" submit -c "$CONF" "$TESTTMP/U2.json" 2>&1) ||
  fail "submit -c after the command: $out"
wait_until 20 test -d "$SPOOL/story/U1" || { cat "$TESTTMP/incoming.log"; fail "U1 did not reach story/"; }
wait_until 20 test -d "$SPOOL/story/U2" || { cat "$TESTTMP/incoming.log"; fail "U2 did not reach story/"; }
[ "$(count rejected)" = 0 ] || fail "a drop was rejected: $(cat "$SPOOL"/rejected/*/reason)"
# A drop that waits is not replaced by the shop either.
make_order U1 > "$TESTTMP/U1b.json"; chmod 644 "$TESTTMP/U1b.json"
kill -STOP $pid
as_shop "$tool" -c "$CONF" submit "$TESTTMP/U1b.json" >/dev/null
if out=$(as_shop "$tool" -c "$CONF" submit "$TESTTMP/U1b.json" 2>&1); then fail "a waiting drop was replaced"; fi
echo "$out" | grep -q "already waits" || fail "unclear refusal: $out"
kill -CONT $pid
kill -0 $pid || fail "the daemon died"
kill -TERM $pid; wait $pid || fail "daemon exit status $?"
pid=
ok "submit as an unprivileged member of the drop group, beside a running daemon: the orders reached story/"

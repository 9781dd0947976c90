# ops_modes.sh — customer data keeps its modes whoever starts the programs:
# run from a shell with umask 022 (the daemons and the tool set their own,
# lib/harden.h), an order's drop, order.json, folders, pictures and PDFs in
# every stage directory it passes are not readable by others (files 0640,
# folders 0750), nothing in the spool is; nothing the daemons make inside a
# setgid incoming/ carries the drop group on; a running daemon shows umask 0027
# and a core limit of 0 in /proc.
. "$SRCDIR/tests/lib/common.sh"
umask 022
write_conf
tool=$BUILD/storypress
"$tool" migrate >/dev/null
# incoming/ as tmpfiles.d makes it: setgid to the drop group (here 65534).
# What the daemons make inside it (work areas, locks, order folders) must
# not inherit that group and carry it on through every stage.
dropgid=65534
(umask 027 && mkdir -p "$SPOOL/incoming") # as tmpfiles.d would: not open to others
chgrp "$dropgid" "$SPOOL/incoming"
chmod 3770 "$SPOOL/incoming"

# No file or folder in the spool open to others, at every step.
closed() {
  local loose
  loose=$(find "$SPOOL" -perm /o=rwx -printf '%m %p\n')
  [ -z "$loose" ] || fail "after $1, open to others: $loose"
  loose=$(find "$SPOOL" -mindepth 1 -gid "$dropgid" ! -path "$SPOOL/incoming" -printf '%p\n')
  [ -z "$loose" ] || fail "after $1, carry the drop group: $loose"
}
# MODE PATH: exact permission bits.
mode_is() {
  local got
  got=$(stat -c %a "$2")
  [ "$got" = "$1" ] || fail "$2: mode $got, want $1"
}

make_order M1 > "$TESTTMP/M1.json"
chmod 644 "$TESTTMP/M1.json"
"$tool" submit "$TESTTMP/M1.json" >/dev/null
drop=$(find "$SPOOL/incoming" -maxdepth 1 -type f | head -1)
[ -n "$drop" ] || fail "no drop in incoming/"
mode_is 640 "$drop"
closed "submit"
prev=incoming
for s in incoming story art pdf print; do
  "$BUILD/storypress-$s" --once 2>>"$TESTTMP/daemons.log" || fail "storypress-$s --once: $(tail -3 "$TESTTMP/daemons.log")"
  next=$(for d in story art pdf print done failed rejected; do [ ! -d "$SPOOL/$d/M1" ] || echo "$d"; done)
  [ -n "$next" ] || fail "M1 not found after storypress-$s"
  [ "$next" != failed ] && [ "$next" != rejected ] || fail "M1 went to $next: $(tail -3 "$TESTTMP/daemons.log")"
  d=$SPOOL/$next/M1
  mode_is 750 "$d"
  mode_is 640 "$d/order.json"
  # Everything the stages wrote into the folder so far.
  while read -r m p; do
    case $m in 640 | 750) ;; *) fail "$p: mode $m after storypress-$s" ;; esac
  done < <(find "$d" -mindepth 1 -printf '%m %p\n')
  closed "storypress-$s"
  ok "after storypress-$s: $next/M1 0750, order.json 0640, $(find "$d" -mindepth 1 | wc -l) entries, none open to others"
  prev=$next
done
[ "$prev" = done ] || fail "M1 ended in $prev"
for f in interior.pdf cover.pdf art/cover.jpg story.json print.json; do mode_is 640 "$SPOOL/done/M1/$f"; done
ok "done/M1: PDFs, pictures, story and print job 0640"

# A running daemon: its umask and its core limit, as the kernel has them.
"$BUILD/storypress-story" 2>>"$TESTTMP/daemons.log" & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
has_umask() { grep -q '^Umask:' "/proc/$pid/status" && [ "$(awk '/^Umask:/ {print $2}' "/proc/$pid/status")" = 0027 ]; }
wait_until 10 has_umask || fail "storypress-story runs with $(grep '^Umask:' "/proc/$pid/status")"
core=$(awk '/^Max core file size/ {print $5, $6}' "/proc/$pid/limits")
[ "$core" = "0 0" ] || fail "storypress-story core limit: $core"
kill -TERM $pid; wait $pid || fail "storypress-story exit status $?"
ok "a running daemon: umask 0027, core limit 0 0"

# ops_systemd.sh — the systemd units: every unit passes `systemd-analyze
# verify` as `make install` would install it, the stage template resolves
# the right daemon for each stage through %j, sysusers.d and tmpfiles.d make
# the user, the groups and the spool's drop directories with the intended
# modes, and the stage unit's sandbox scores an exposure of 2.0 or less in
# `systemd-analyze security --offline=yes`.
#
# Nothing outside $TESTTMP is touched: the units are copies whose paths point
# into $TESTTMP, and sysusers/tmpfiles run with --root.
. "$SRCDIR/tests/lib/common.sh"

command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (Debian package systemd)"
units=$TESTTMP/units libexec=$TESTTMP/libexec bin=$TESTTMP/bin
mkdir -p "$units" "$libexec" "$bin"
stages="incoming story art pdf print"

# The programs the units start.  verify checks that ExecStart= names an
# executable; a stage daemon not built yet (another part of the tree) gets a
# stand-in, so that this test is about the units only.
for s in $stages; do
  if [ -x "$BUILD/storypress-$s" ]; then
    ln -s "$BUILD/storypress-$s" "$libexec/storypress-$s"
  else
    echo "note: $BUILD/storypress-$s is not built; a stand-in takes its place"
    printf '#!/bin/sh\nexit 0\n' > "$libexec/storypress-$s"; chmod 755 "$libexec/storypress-$s"
  fi
done
[ -x "$BUILD/storypress" ] || fail "$BUILD/storypress is not built"
ln -s "$BUILD/storypress" "$bin/storypress"
ln -s "$SRCDIR/systemd/storypress-target-wait" "$libexec/storypress-target-wait"

# As `make install` does: the stage template under each stage's name, the
# default paths rewritten.
subst() {
  sed -e "s#/usr/local/libexec/storypress#$libexec#g" -e "s#/usr/local/bin#$bin#g" \
      -e "s#/usr/local/etc/storypress#$TESTTMP/etc#g" "$1" > "$2"
}
for s in $stages; do subst "$SRCDIR/systemd/storypress-stage@.service" "$units/storypress-$s@.service"; done
for f in storypress.target storypress-cleanup.service storypress-cleanup.timer \
         storypress-metrics.service storypress-metrics.timer storypress-webhook.service \
         storypress-ready.service storypress-stopped.service; do
  subst "$SRCDIR/systemd/$f" "$units/$f"
done

# verify: silent and successful for every unit, and for the instances the
# target wants (storypress-art@2 among them).
verify() {
  local out
  out=$(systemd-analyze verify --man=no "$@" 2>&1) || { echo "$out"; fail "systemd-analyze verify $*"; }
  [ -z "$out" ] || { echo "$out"; fail "systemd-analyze verify $* printed warnings"; }
}
for u in "$units"/*; do verify "$u"; ok "verify $(basename "$u")"; done
for i in incoming@1 story@1 art@1 art@2 art@7 pdf@1 print@1; do
  verify "$units/storypress-$i.service"
done
ok "verify every worker instance"

# %j picks the daemon: with one daemon missing, only its units fail.
rm "$libexec/storypress-pdf"
if systemd-analyze verify --man=no "$units/storypress-pdf@1.service" >/dev/null 2>&1; then
  fail "verify passed without storypress-pdf: the unit does not start the pdf daemon"
fi
verify "$units/storypress-art@2.service"
printf '#!/bin/sh\nexit 0\n' > "$libexec/storypress-pdf"; chmod 755 "$libexec/storypress-pdf"
ok "storypress-pdf@N.service starts storypress-pdf (and only it)"

# The target wants one worker of each stage, two of art, and the timer.
for w in incoming@1 story@1 art@1 art@2 pdf@1 print@1; do
  grep -q "storypress-$w.service" "$units/storypress.target" || fail "storypress.target does not want storypress-$w"
done
grep -q "storypress-cleanup.timer" "$units/storypress.target" || fail "target lacks the cleanup timer"
ok "storypress.target wants every stage, art twice"

# Start and stop wait for the workers: the target is not ordered with them
# (the default would be After=, and its stop would return first); the two
# helpers are, one before it (start), one after it (stop); the workers are
# PartOf= it, the webhook sender too.
grep -q '^DefaultDependencies=no$' "$units/storypress.target" || fail "storypress.target keeps default ordering after its workers"
grep -q '^Wants=storypress-ready.service storypress-stopped.service$' "$units/storypress.target" || fail "target does not want its two helpers"
grep -q '^Before=storypress.target$' "$units/storypress-ready.service" || fail "storypress-ready is not ordered before the target"
grep -q '^After=storypress.target$' "$units/storypress-stopped.service" || fail "storypress-stopped is not ordered after the target"
for u in storypress-art@.service storypress-webhook.service; do
  grep -q '^PartOf=storypress.target$' "$units/$u" || fail "$u is not PartOf=storypress.target"
done
# No core files (API keys), and a memory ceiling, in every long-running unit.
for u in storypress-art@.service storypress-webhook.service storypress-cleanup.service storypress-metrics.service; do
  grep -q '^LimitCORE=0$' "$units/$u" || fail "$u: no LimitCORE=0"
  grep -Eq '^MemoryMax=[0-9]+[KMG]$' "$units/$u" || fail "$u: no MemoryMax="
done
ok "target ordering through its helpers; LimitCORE=0 and MemoryMax= in every service"

# sysusers.d and tmpfiles.d, applied to an empty root.
root=$TESTTMP/root
mkdir -p "$root/etc"
systemd-sysusers --root="$root" "$SRCDIR/systemd/storypress.sysusers" >/dev/null 2>&1 ||
  fail "systemd-sysusers refused storypress.sysusers"
grep -q '^storypress:' "$root/etc/passwd" || fail "no storypress user"
grep -Eq '^storypress-drop:[^:]*:[0-9]+:storypress$' "$root/etc/group" ||
  fail "storypress is not in storypress-drop: $(grep storypress-drop "$root/etc/group")"
systemd-tmpfiles --root="$root" --create "$SRCDIR/systemd/storypress.tmpfiles" ||
  fail "systemd-tmpfiles refused storypress.tmpfiles"
uid=$(awk -F: '$1 == "storypress" {print $3}' "$root/etc/passwd")
dgid=$(awk -F: '$1 == "storypress-drop" {print $3}' "$root/etc/group")
gid=$(awk -F: '$1 == "storypress" {print $3}' "$root/etc/group")
for d in "710 . $dgid" "3770 tmp $dgid" "3770 incoming $dgid" "750 incoming/.work $gid" \
         "750 story $gid" "750 art $gid" "750 pdf $gid" "750 print $gid" "750 hold $gid" \
         "750 done $gid" "750 failed $gid" "750 rejected $gid"; do
  set -- $d
  got=$(stat -c '%a %u %g' "$root/var/spool/storypress/$2")
  [ "$got" = "$1 $uid $3" ] || fail "spool $2: got mode/uid/gid $got, want $1 $uid $3"
done
# The drop group reaches tmp/ and incoming/ only.
others=$(find "$root/var/spool/storypress" -mindepth 1 -group "$dgid" ! -path '*/tmp' ! -path '*/incoming')
[ -z "$others" ] || fail "the drop group owns more than tmp/ and incoming/: $others"
ok "sysusers and tmpfiles: spool 0710 to storypress-drop, tmp/ and incoming/ 3770, the rest 0750 storypress"

# The sandbox's exposure figure.
if ! out=$(systemd-analyze security --offline=yes "$units/storypress-art@.service" 2>&1); then
  if grep -qi 'unrecognized option\|unknown option' <<<"$out"; then
    echo "note: this systemd-analyze ($(systemd-analyze --version | head -1)) has no --offline; exposure not measured"
    exit 0
  fi
  echo "$out"; fail "systemd-analyze security --offline=yes failed"
fi
line=$(grep 'Overall exposure level' <<<"$out") || { echo "$out"; fail "no exposure figure"; }
echo "$line"
exposure=$(echo "$line" | sed -E 's/.*: ([0-9]+\.[0-9]+).*/\1/')
awk -v x="$exposure" 'BEGIN { exit !(x <= 2.0) }' || fail "exposure $exposure is above 2.0"
ok "stage unit exposure $exposure (at most 2.0)"
for f in storypress-cleanup.service storypress-metrics.service storypress-webhook.service \
         storypress-ready.service storypress-stopped.service; do
  out=$(systemd-analyze security --offline=yes "$units/$f" 2>&1) || true
  line=$(grep 'Overall exposure level' <<<"$out") || fail "$f: no exposure figure"
  echo "$line"
done

# ops_install.sh — `make install` into a staging root (DESTDIR) with
# PREFIX=/usr: every program, unit, configuration, data file and man page is
# where it should be, paths in units and man pages follow the prefix, an
# existing configuration is kept, and both man pages render without a single
# groff warning and cover every command and every configuration key.
. "$SRCDIR/tests/lib/common.sh"

root=$TESTTMP/root
# BUILD: the build directory under test; -o all: install it as it is, without
# compiling again (tests/run runs after the build; a tree that other work
# leaves uncompilable for a while must not fail this test).
make -s -C "$SRCDIR" -o all install DESTDIR="$root" PREFIX=/usr BUILD="$BUILD" >"$TESTTMP/make.log" 2>&1 ||
  { cat "$TESTTMP/make.log"; fail "make install failed"; }
ok "make install DESTDIR=... PREFIX=/usr"

expect=(
  usr/bin/storypress
  usr/etc/storypress/storypress.conf
  usr/share/storypress/sql/001_init.sql
  usr/lib/systemd/system/storypress.target
  usr/lib/systemd/system/storypress-cleanup.service
  usr/lib/systemd/system/storypress-cleanup.timer
  usr/lib/systemd/system/storypress-metrics.service
  usr/lib/systemd/system/storypress-metrics.timer
  usr/lib/sysusers.d/storypress.conf
  usr/lib/tmpfiles.d/storypress.conf
  usr/share/man/man8/storypress.8
  usr/share/man/man5/storypress.conf.5
)
for s in incoming story art pdf print; do
  expect+=("usr/lib/systemd/system/storypress-$s@.service")
  # Only the daemons this tree builds (stages/<stage>.c).
  [ -f "$SRCDIR/stages/$s.c" ] && expect+=("usr/libexec/storypress/storypress-$s")
done
for f in "$SRCDIR"/config/samples/*.json; do expect+=("usr/share/storypress/samples/$(basename "$f")"); done
for f in "${expect[@]}"; do [ -f "$root/$f" ] || fail "not installed: /$f"; done
[ -x "$root/usr/bin/storypress" ] || fail "storypress is not executable"
[ ! -e "$root/usr/lib/systemd/system/storypress-stage@.service" ] ||
  fail "the stage unit source is installed under its own name"
ok "${#expect[@]} files installed"
# The daemons run as storypress: the configuration must be readable by them.
[ "$(stat -c %a "$root/usr/etc/storypress/storypress.conf")" = 644 ] ||
  fail "storypress.conf is mode $(stat -c %a "$root/usr/etc/storypress/storypress.conf"), want 644"

# Paths follow PREFIX: nothing points into /usr/local any more.
if grep -rl "/usr/local/" "$root/usr/lib/systemd" "$root/usr/share/man"; then
  fail "/usr/local left in the files above"
fi
grep -q '^ExecStart=/usr/libexec/storypress/storypress-%j -c /usr/etc/storypress/storypress.conf$' \
  "$root/usr/lib/systemd/system/storypress-art@.service" || fail "stage unit ExecStart not rewritten"
grep -q '^ExecStart=/usr/bin/storypress -c /usr/etc/storypress/storypress.conf cleanup$' \
  "$root/usr/lib/systemd/system/storypress-cleanup.service" || fail "cleanup ExecStart not rewritten"
ok "units and man pages point into /usr"

# A second install keeps the operator's configuration.
echo "retention_days = 5" >> "$root/usr/etc/storypress/storypress.conf"
make -s -C "$SRCDIR" -o all install DESTDIR="$root" PREFIX=/usr BUILD="$BUILD" >"$TESTTMP/make.log" 2>&1 ||
  { cat "$TESTTMP/make.log"; fail "second make install failed"; }
grep -q '^retention_days = 5$' "$root/usr/etc/storypress/storypress.conf" ||
  fail "make install replaced an existing storypress.conf"
ok "an existing storypress.conf is kept"

# The man pages: no warning from groff (all warnings on), and man renders them.
for page in man8/storypress.8 man5/storypress.conf.5; do
  f=$root/usr/share/man/$page
  w=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$f" 2>&1) || fail "groff failed on $page: $w"
  [ -z "$w" ] || { echo "$w"; fail "groff warnings in $page"; }
  out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$f" 2>"$TESTTMP/man.err") || fail "man -l $page failed"
  [ ! -s "$TESTTMP/man.err" ] || { cat "$TESTTMP/man.err"; fail "man -l $page complained"; }
  for sect in NAME SYNOPSIS DESCRIPTION FILES "SEE ALSO"; do
    grep -q "^$sect" <<<"$out" || fail "$page has no $sect section"
  done
done
ok "man pages render without warnings"

# Every command of the tool is in storypress(8), every key in storypress.conf(5).
cmds=$("$BUILD/storypress" --help | sed -n '/^COMMANDS/,/^$/p' | awk '/^    [^ ]/ {print $1}')
[ -n "$cmds" ] || fail "no commands in storypress --help"
for c in $cmds; do
  grep -Eq "^\.BI? \"?$c( |\"|$)" "$SRCDIR/man/storypress.8" || fail "storypress.8 lacks the command $c"
done
ok "storypress.8 covers $(echo $cmds | wc -w) commands"
keys=$(env -u STORYPRESS_CONFIG "$BUILD/storypress" config | awk '!/^#/ && NF {print $1}')
[ "$(echo "$keys" | wc -l)" -gt 20 ] || fail "too few keys in storypress config"
for k in $keys; do
  grep -Fq "\\fB$k\\fR = " "$SRCDIR/man/storypress.conf.5" || fail "storypress.conf.5 lacks the key $k"
done
ok "storypress.conf.5 covers $(echo "$keys" | wc -l) keys"

# ops_nspawn.sh — storypress under a real systemd: a Debian 12 container
# booted with systemd-nspawn, `make install` copied into it, PostgreSQL in
# it.  `systemctl start storypress.target` returns with every worker ready;
# an unprivileged member of storypress-drop submits an order while the
# daemons run and it reaches done/; `kill -9` of the art worker drawing it:
# systemd restarts the worker and the order still finishes; `systemctl stop
# storypress.target` returns with every worker gone; no order file is
# readable by others, and the drop group owns tmp/ and incoming/ only.
#
# The container's root is a debootstrap of bookworm from this machine's own
# apt mirror, built once and kept under /var/tmp/storypress-nspawn-rootfs
# (STORYPRESS_NSPAWN_ROOTFS); it is booted with --volatile=overlay, so every
# run starts from the same pristine tree and writes only to a tmpfs.  The
# first run builds it: debootstrap took 89 s on a quiet machine and 214 s on
# a busy one (deb.debian.org); with the root cached the whole test takes
# 13-20 s, so it is part of `make check` on both builds.
# Exits 77 (skipped), saying why, where it cannot run: not root, no
# systemd-nspawn or debootstrap, no mirror reachable, a kernel that will not
# boot a container here.
. "$SRCDIR/tests/lib/common.sh"
plain_only "a Debian container under a real systemd is booted once, with the plain build installed"

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (systemd-nspawn, debootstrap)"
command -v systemd-nspawn >/dev/null || skip "no systemd-nspawn (Debian package systemd-container)"
command -v nsenter >/dev/null || skip "no nsenter (util-linux)"

cache=${STORYPRESS_NSPAWN_ROOTFS:-/var/tmp/storypress-nspawn-rootfs}
# What the container needs: systemd, PostgreSQL, the programs' libraries
# and fonts, and the sanitizers' runtimes for build-san.  A change of this
# list rebuilds the cache (the list is its stamp).
pkgs=systemd,systemd-sysv,dbus,postgresql,libcurl4,libjansson4,libpq5,libcairo2,libpango-1.0-0
pkgs=$pkgs,libpangocairo-1.0-0,libpangoft2-1.0-0,libglib2.0-0,libjpeg62-turbo,libsystemd0
pkgs=$pkgs,libpoppler-glib8,libvips42,libpng16-16
pkgs=$pkgs,fonts-sil-andika,fonts-noto-core,procps,util-linux,libasan8,libubsan1
stamp="bookworm minbase $pkgs"

# The mirror this machine's apt uses (deb822 URIs: or one-line deb), the
# first that serves Debian itself rather than its security archive.
mirror() {
  local u
  u=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
      awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i} /^deb / {for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {print $i; break}}' |
      grep -E '/debian/?$' | head -1) || true
  echo "${u:-http://deb.debian.org/debian}"
}

build_rootfs() {
  command -v debootstrap >/dev/null || skip "no cached root at $cache and no debootstrap to build it"
  local new=$cache.new m t0
  m=$(mirror)
  rm -rf "$new"
  t0=$(date +%s)
  echo "building the container's root with debootstrap from $m (once; cached at $cache)"
  if ! debootstrap --variant=minbase --include="$pkgs" bookworm "$new" "$m" >"$TESTTMP/debootstrap.log" 2>&1; then
    tail -5 "$TESTTMP/debootstrap.log"
    rm -rf "$new"
    skip "debootstrap of bookworm from $m failed (see above)"
  fi
  echo "$stamp" > "$new/.storypress-rootfs"
  rm -rf "$cache"
  mv "$new" "$cache"
  echo "debootstrap: $(( $(date +%s) - t0 )) s"
}

# One builder at a time; a root with another stamp is rebuilt.
exec 9>"$cache.lock"
flock 9
[ "$(cat "$cache/.storypress-rootfs" 2>/dev/null)" = "$stamp" ] || build_rootfs
flock -u 9

# The tree to install: this build, with the default prefix (the programs
# have /usr/local/etc/storypress compiled in).
dest=$TESTTMP/dest
make -s -C "$SRCDIR" -o all install DESTDIR="$dest" BUILD="$BUILD" >"$TESTTMP/make.log" 2>&1 ||
  { cat "$TESTTMP/make.log"; fail "make install failed"; }
# The sanitizer build must not stop a worker for a leak report at SIGTERM
# (the sandbox forbids LSan's ptrace); ASan and UBSan stay on.
if [ -n "$(ldd "$BUILD/storypress-art" | grep libasan)" ]; then
  for s in incoming story art pdf print; do
    mkdir -p "$dest/usr/local/lib/systemd/system/storypress-$s@.service.d"
    printf '[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n' \
      > "$dest/usr/local/lib/systemd/system/storypress-$s@.service.d/san.conf"
  done
fi

# Boot.  --keep-unit --register=no: no machined, no new scope on the host.
t0=$(date +%s)
systemd-nspawn -D "$cache" --volatile=overlay -b --register=no --keep-unit --console=pipe -q \
  -M "storypress-test" >"$TESTTMP/console.log" 2>&1 </dev/null &
nspawn=$!
# SIGTERM asks the container to halt; one that does not within 20 s is killed.
stop_container() {
  kill "$nspawn" 2>/dev/null || return 0
  wait_until 20 sh -c "! kill -0 $nspawn 2>/dev/null" || kill -KILL "$nspawn" 2>/dev/null || true
  wait "$nspawn" 2>/dev/null || true
}
trap stop_container EXIT
# The leader: nspawn's child once it is the container's PID 1 (an
# intermediate child comes and goes before).
leader=
find_leader() {
  leader=$(ps -o pid=,comm= --ppid "$nspawn" | awk '$2 == "systemd" {print $1; exit}')
  [ -n "$leader" ]
}
wait_until 30 find_leader ||
  { cat "$TESTTMP/console.log"; skip "systemd-nspawn did not boot a container here"; }
# ct CMD...: runs CMD in the container, with a clean environment.
ct() {
  nsenter -t "$leader" -a env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 "$@"
}
# "offline" until PID 1 listens, "starting" while it boots.
state=
booted() {
  state=$(ct systemctl is-system-running 2>&1) || true
  case $state in running | degraded) return 0 ;; *) return 1 ;; esac
}
wait_until 90 booted || true
case $state in
  running) ;;
  degraded) ct systemctl --failed --no-pager ;;
  *) tail -20 "$TESTTMP/console.log"; skip "the container's systemd did not finish booting: \"$state\"" ;;
esac
echo "container booted in $(( $(date +%s) - t0 )) s"

# make install, then what a package's scripts would do.
tar -C "$dest" -cf - usr | ct tar -C / --no-overwrite-dir -xf - || fail "cannot copy the install into the container"
ct systemd-sysusers || fail "systemd-sysusers"
ct systemd-tmpfiles --create || fail "systemd-tmpfiles --create"
ct systemctl daemon-reload
ct runuser -u postgres -- createuser storypress || fail "createuser storypress"
ct runuser -u postgres -- createdb -O storypress storypress || fail "createdb storypress"
ct useradd -m -G storypress-drop shop || fail "useradd shop"
ok "installed; storypress user, groups, spool, database"

t1=$(date +%s)
ct systemctl start storypress.target || { ct journalctl -b --no-pager | tail -40; fail "systemctl start storypress.target"; }
workers="storypress-incoming@1 storypress-story@1 storypress-art@1 storypress-art@2 storypress-pdf@1 storypress-print@1"
for w in $workers; do
  st=$(ct systemctl show -P ActiveState,SubState "$w.service" | tr '\n' ' ')
  [ "$st" = "active running " ] || { ct journalctl -u "$w" --no-pager | tail; fail "$w is \"$st\" when start returned"; }
done
ok "systemctl start storypress.target returned with every worker running (ready) in $(( $(date +%s) - t1 )) s"

# The shop submits, as itself, while the daemons run.
sp=/var/spool/storypress
make_order N1 > "$TESTTMP/order.json"
ct install -o shop -m 600 /dev/stdin /home/shop/order.json < "$TESTTMP/order.json"
out=$(ct runuser -u shop -- storypress submit /home/shop/order.json 2>&1) ||
  fail "storypress submit as a member of storypress-drop: $out"
ok "submit as the shop's user: $out"
if ct runuser -u shop -- ls "$sp/story" >/dev/null 2>&1; then
  fail "the shop's user can list $sp/story"
fi
ok "the shop's user cannot look into story/"

# kill -9 the art worker holding the order: systemd restarts it, the order
# finishes (its claim is put back by the next worker to start).
claim=
find_claim() { claim=$(ct sh -c "ls -d $sp/art/.work/*/N1 2>/dev/null" | head -1); [ -n "$claim" ]; }
wait_until 120 find_claim || { ct journalctl -b -u 'storypress-*' --no-pager | tail -30; fail "N1 never claimed by art"; }
pid=${claim%/N1}; pid=${pid##*.}
unit=
for w in storypress-art@1 storypress-art@2; do
  [ "$(ct systemctl show -P MainPID "$w.service")" = "$pid" ] && unit=$w
done
[ -n "$unit" ] || fail "no art unit has main PID $pid (claim $claim)"
n0=$(ct systemctl show -P NRestarts "$unit.service")
ct kill -9 "$pid"
restarted() {
  [ "$(ct systemctl show -P NRestarts "$unit.service")" -gt "$n0" ] &&
    [ "$(ct systemctl show -P ActiveState "$unit.service")" = active ]
}
wait_until 60 restarted || fail "$unit not restarted after kill -9"
ok "kill -9 $unit (pid $pid, drawing N1): systemd restarted it"
done_n1() { ct test -f "$sp/done/N1/interior.pdf"; }
wait_until 180 done_n1 || { ct journalctl -b -u 'storypress-*' --no-pager | tail -40; fail "N1 did not reach done/"; }
path=$(ct runuser -u storypress -- psql -qAtX -c "SELECT string_agg(to_state, ' ' ORDER BY id) FROM order_events WHERE order_id = 'N1'")
case $path in
  "story art "*"pdf print done") ;;
  *) fail "N1's history is \"$path\"" ;;
esac
ok "N1 in done/ with its PDFs; history $path"

# Customer data: nothing in the spool readable or writable by others; the
# drop group owns tmp/ and incoming/ and what the shop dropped, nothing else.
loose=$(ct find "$sp" -perm /o=rwx -printf '%m %p\n')
[ -z "$loose" ] || fail "open to others: $loose"
dgroup=$(ct find "$sp" -mindepth 1 -group storypress-drop ! -path "$sp/tmp" ! -path "$sp/incoming" -printf '%p\n')
[ -z "$dgroup" ] || fail "carry the drop group: $dgroup"
ok "spool: nothing open to others; the drop group on tmp/ and incoming/ only"

t2=$(date +%s)
ct systemctl stop storypress.target || fail "systemctl stop storypress.target"
left=$(ct sh -c "ps -eo comm= | grep '^storypress-' || true")
[ -z "$left" ] || fail "workers still running when stop returned: $left"
for w in $workers; do
  st=$(ct systemctl show -P ActiveState "$w.service")
  [ "$st" = inactive ] || fail "$w is $st after stop"
done
ok "systemctl stop storypress.target returned with every worker gone in $(( $(date +%s) - t2 )) s"
echo "whole run in the container: $(( $(date +%s) - t0 )) s"

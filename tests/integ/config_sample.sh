# The sample configuration documents every key the programs know, and the
# sample itself loads (uncommented) without error.
. "$SRCDIR/tests/lib/common.sh"
empty=$TESTTMP/empty.conf; : > "$empty"
env -u STORYPRESS_CONFIG "$BUILD/storypress" -c "$empty" config | grep -v '^#' | cut -d' ' -f1 | sort > "$TESTTMP/keys"
grep '^#[a-z]' "$SRCDIR/config/storypress.conf" | sed 's/^#//' | cut -d' ' -f1 | sort > "$TESTTMP/documented"
diff -u "$TESTTMP/keys" "$TESTTMP/documented" || fail "config/storypress.conf is out of date: tools/gen-conf.sh build/storypress > config/storypress.conf"
[ "$(wc -l < "$TESTTMP/keys")" -gt 30 ] || fail "too few keys listed"
# Uncommented, the sample is a valid configuration with the same values.
sed 's/^#\([a-z]\)/\1/' "$SRCDIR/config/storypress.conf" > "$TESTTMP/all.conf"
"$BUILD/storypress" -c "$TESTTMP/all.conf" config > /dev/null || fail "the sample does not load"
# A typo is an error that names the file, the line and the key.
printf 'spool_dir = /x\nretry_bsae = 3\n' > "$TESTTMP/typo.conf"
if out=$("$BUILD/storypress" -c "$TESTTMP/typo.conf" config 2>&1); then fail "a typo was accepted"; fi
echo "$out" | grep -q 'typo.conf:2: unknown key "retry_bsae"' || fail "unclear error: $out"
ok "sample configuration complete and loadable"

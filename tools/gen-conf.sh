#!/bin/sh
# gen-conf.sh TOOL > config/storypress.conf — the sample configuration,
# generated from the key table (lib/config.c) so it documents every key.
set -eu
cat <<'HEAD'
# storypress.conf — the configuration of storypress.
#
# "key = value" lines; '#' starts a comment.  Every key is shown here with
# its default, commented out: uncomment to change it.  ${NAME} takes a value
# from the environment; STORYPRESS_<KEY> in the environment overrides a key.
# An unknown key is an error.  Secrets are never values: *_file keys name a
# file, or a systemd credential when the value is a bare name and
# $CREDENTIALS_DIRECTORY is set (LoadCredential=).
#
# Regenerate after adding a key: tools/gen-conf.sh build/storypress > config/storypress.conf
HEAD
empty=$(mktemp)
trap 'rm -f "$empty"' EXIT
env -u STORYPRESS_CONFIG "$1" -c "$empty" config | sed -n '2,$p' | while IFS= read -r line; do
  case $line in
    "# "*) printf '\n%s\n' "$line" ;;
    *) printf '#%s\n' "$line" ;;
  esac
done

#!/bin/sh
# check-install.sh - `make install DESTDIR=<tmp>` and check what it put
# there: the man page renders without a warning, the systemd unit passes
# `systemd-analyze verify` without a word, every file is where it belongs.
#
# Usage: check-install.sh   (from the top of the source tree; installs
# groff, man-db and systemd through deps.sh when missing)
set -eu

sh rig/tools/deps.sh --tools groff:groff man:man-db systemd-analyze:systemd
dest=$(mktemp -d)
root=$(mktemp -d)
trap 'rm -rf "$dest" "$root"' EXIT
fail() { echo "check-install: $*" >&2; exit 1; }

make --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr >/dev/null
for f in usr/bin/rig usr/share/man/man1/rig.1 usr/lib/systemd/system/rig-station.service \
         usr/lib/systemd/system/rig-sync.service \
         etc/rig/fixtures/sim.ini etc/rig/fixtures/pi-bench.ini \
         etc/rig/profiles/production-p25.ini etc/udev/rules.d/60-rig.rules etc/default/rig \
         usr/share/rig/pad-ring-bound.sh; do
  [ -e "$dest/$f" ] || fail "make install did not install /$f"
done
# The pad's ring characterization: runnable, and it looks for the bench's
# fixtures where make install put them (SYSCONFDIR, /etc by default).
tool="$dest/usr/share/rig/pad-ring-bound.sh"
[ -x "$tool" ] || fail "/usr/share/rig/pad-ring-bound.sh is not executable"
grep -q '^sysconfdir=/etc$' "$tool" || fail "pad-ring-bound.sh: no sysconfdir=/etc line"
sh "$tool" --help | grep -q '^Usage: pad-ring-bound.sh' || fail "pad-ring-bound.sh --help: no usage"
echo "check-install: installed $(find "$dest" -type f | wc -l) files"

# The man page: groff warnings (-ww) fail, and man renders it.
warn=$(groff -man -Tutf8 -ww -z "$dest/usr/share/man/man1/rig.1" 2>&1)
[ -z "$warn" ] || fail "groff warns about rig.1: $warn"
lines=$(MANWIDTH=80 man -l "$dest/usr/share/man/man1/rig.1" 2>/dev/null | wc -l)
[ "$lines" -gt 100 ] || fail "man -l rig.1 rendered only $lines lines"
# Every command `rig --help` lists.
cmds=$("$dest/usr/bin/rig" --help 2>&1 | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ "$(echo "$cmds" | wc -w)" -gt 10 ] || fail "rig --help lists no commands"
for cmd in $cmds; do
  MANWIDTH=80 man -l "$dest/usr/share/man/man1/rig.1" 2>/dev/null | grep -q "rig $cmd" ||
    fail "rig.1 does not describe 'rig $cmd'"
done
echo "check-install: man page renders ($lines lines), no groff warnings, every command"

# The unit: verified inside a root that holds the installed tree and this
# machine's own units (sysinit.target ...), so ExecStart= is checked
# against the installed binary and Documentation= against the man page.
cp -a "$dest/." "$root/"
mkdir -p "$root/usr/lib/systemd/system"
cp -an /lib/systemd/system/. "$root/usr/lib/systemd/system/" 2>/dev/null || true
# ExecStart= runs /bin/sh (to read $RIG_STATION_ARGS as words).
mkdir -p "$root/bin" && cp -L /bin/sh "$root/bin/sh"
for unit in rig-station.service rig-sync.service; do
  out=$(MANPATH="$root/usr/share/man" systemd-analyze verify --root="$root" \
          "$root/usr/lib/systemd/system/$unit" 2>&1) ||
    fail "systemd-analyze verify $unit failed: $out"
  [ -z "$out" ] || fail "systemd-analyze verify $unit says: $out"
  echo "check-install: systemd-analyze verify $unit: clean"
done

# Hardening: systemd's own review of each unit, offline; an overall
# exposure above the threshold fails (what is left, and why: station.md).
for unit in rig-station.service:2.0 rig-sync.service:1.5; do
  name=${unit%%:*}; limit=${unit#*:}
  out=$(cd "$root" && systemd-analyze security --offline=yes --root="$root" \
          --threshold="$(echo "$limit" | awk '{print $1 * 10}')" \
          "usr/lib/systemd/system/$name" 2>&1) ||
    fail "systemd-analyze security $name: exposure above $limit: $(echo "$out" | grep -E '✗|Overall')"
  echo "check-install: systemd-analyze security $name: $(echo "$out" | sed -n 's/.*Overall exposure level for [^:]*: //p') (at most $limit)"
done

# $RIG_STATION_ARGS / $RIG_SYNC_ARGS: a quoted value with spaces stays one
# argument. The ExecStart= line as systemd hands it to the shell ($$ is a
# literal $), with /etc/default/rig's quoting as systemd.exec(5) reads an
# EnvironmentFile (outer double quotes removed, as sh does here).
stub="$root/stub-rig"
printf '#!/bin/sh\nfor a in "$@"; do printf "[%%s]" "$a"; done\n' > "$stub"
chmod +x "$stub"
for pair in rig-station.service:RIG_STATION_ARGS:station rig-sync.service:RIG_SYNC_ARGS:sync; do
  unit=${pair%%:*}; var=$(echo "$pair" | cut -d: -f2); cmd=${pair##*:}
  line=$(sed -n 's/^ExecStart=//p' "$root/usr/lib/systemd/system/$unit" | sed 's/\$\$/$/g; s|/usr/bin/rig|'"$stub"'|')
  got=$(env LINE="$line" "$var=--out '/srv/QA reports' --operator \"A B\"" \
          sh -c 'eval "set -- $LINE"; "$@"')
  case "$got" in
    "[$cmd]"*"[--out][/srv/QA reports][--operator][A B]") echo "check-install: $unit: \$$var keeps quoted spaces: $got" ;;
    *) fail "$unit: \$$var split wrong: $got" ;;
  esac
done

echo "check-install: ok"

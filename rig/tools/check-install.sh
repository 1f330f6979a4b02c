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
         etc/rig/profiles/production-p25.ini etc/udev/rules.d/60-rig.rules etc/default/rig; do
  [ -e "$dest/$f" ] || fail "make install did not install /$f"
done
echo "check-install: installed $(find "$dest" -type f | wc -l) files"

# The man page: groff warnings (-ww) fail, and man renders it.
warn=$(groff -man -Tutf8 -ww -z "$dest/usr/share/man/man1/rig.1" 2>&1)
[ -z "$warn" ] || fail "groff warns about rig.1: $warn"
lines=$(MANWIDTH=80 man -l "$dest/usr/share/man/man1/rig.1" 2>/dev/null | wc -l)
[ "$lines" -gt 100 ] || fail "man -l rig.1 rendered only $lines lines"
for cmd in run station analyze monitor pen zero tare loadcell-cal sim ports index sync db history impact; do
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
for unit in rig-station.service rig-sync.service; do
  out=$(MANPATH="$root/usr/share/man" systemd-analyze verify --root="$root" \
          "$root/usr/lib/systemd/system/$unit" 2>&1) ||
    fail "systemd-analyze verify $unit failed: $out"
  [ -z "$out" ] || fail "systemd-analyze verify $unit says: $out"
  echo "check-install: systemd-analyze verify $unit: clean"
done

echo "check-install: ok"

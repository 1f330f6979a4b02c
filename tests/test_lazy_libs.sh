#!/bin/sh
# test_lazy_libs.sh - libraries only some commands need are loaded by those
# commands, when they first need them (rig/core/dynlib.h), not by every
# start of the one binary: `rig analyze` maps neither libpq (and the twenty
# libraries it pulls: OpenSSL, GnuTLS, Kerberos, LDAP ...), nor libsqlite3,
# nor libhogweed and libgmp (before: all mapped, 8.5 MiB of RSS for a
# 1.3 MiB engine). With those
# libraries unreadable (a private mount namespace: /dev/null bound over
# them), `rig --version` and `rig analyze` still work, and the commands
# that need one fail with exit 69 naming the library, what it is needed for
# and its Debian package. With them present, the lazily loaded code works
# (libpq answers "connection refused"; the SQLite index is made).
# The memory figures themselves are `make bench`'s (never asserted here).
. "$(dirname "$0")/lib.sh"
needs python3 "the capture generator tests/gen/make_capture.py"

cap="$tmp/cap.bin"
python3 "$here/gen/make_capture.py" "$cap" --format ild1420 --rate 4000 --seconds 2 >/dev/null ||
  { bad "capture generator"; finish; exit; }
lazy='libpq\.so|libsqlite3\.so|libhogweed\.so|libgmp\.so|libssl\.so|libcrypto\.so|libgnutls\.so|libkrb5\.so|libldap'

# 1. What `rig analyze` maps: read while it waits for its input on a FIFO.
mkfifo "$tmp/fifo"
$RUNNER "$RIG" analyze --format ild1420 --rate 4000 --zero-mm 5 --csv "$tmp/fifo" >"$tmp/fifo.out" 2>&1 &
pid=$! # the rig itself (or qemu running it): no shell in between
# Until it waits in open(2) for a writer (wchan wait_for_partner; where the
# kernel hides wchan, 1 s after its libc is mapped).
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 200 ]; do
  w=$(cat "/proc/$pid/wchan" 2>/dev/null)
  [ "$w" = wait_for_partner ] && break
  [ "$w" = 0 ] && [ $i -ge 10 ] && grep -q 'libc[.-]' "/proc/$pid/maps" 2>/dev/null && break
  sleep 0.1; i=$((i + 1))
done
maps=$(awk '$6 ~ /\.so/ { print $6 }' "/proc/$pid/maps" 2>/dev/null | sort -u)
if [ -n "$RUNNER" ]; then # qemu-user maps the rig's files and its own: not those
  own=$(ldd "$(command -v "${RUNNER%% *}")" 2>/dev/null | awk '$3 ~ /^\// { print $3 }' |
    xargs -r readlink -f | sort -u)
  maps=$(printf '%s\n' "$maps" | grep -vxF "$own")
fi
# (a rig that died before opening the FIFO would leave the writer waiting)
kill -0 $pid 2>/dev/null && { timeout 60 sh -c 'cat "$1" >"$2"' sh "$cap" "$tmp/fifo" || bad "nobody read the FIFO"; }
wait $pid; rc=$?
if [ -z "$maps" ]; then
  bad "rig analyze: no libraries seen in /proc/$pid/maps"
elif found=$(printf '%s\n' "$maps" | grep -E "$lazy"); then
  bad "rig analyze maps libraries it never uses: $(echo $found)"
else
  ok "rig analyze maps $(printf '%s\n' "$maps" | wc -l) files, none of libpq, libsqlite3, libhogweed, libgmp, OpenSSL, GnuTLS, Kerberos, LDAP"
fi
[ $rc -eq 0 ] && grep -q '^ok,' "$tmp/fifo.out" && ok "rig analyze from the FIFO: $(tail -n 1 "$tmp/fifo.out" | cut -c1-40)" ||
  bad "rig analyze from the FIFO: exit $rc: $(tail -n 2 "$tmp/fifo.out")"

# 2. The libraries present: the lazily loaded code runs.
out=$($RUNNER "$RIG" db migrate postgresql://127.0.0.1:1/none 2>&1); rc=$?
case "$rc:$out" in
  69:*"cannot connect"*) ok "libpq loaded: rig db migrate to a closed port: exit 69, cannot connect" ;;
  *) bad "rig db migrate to a closed port: exit $rc: $out" ;;
esac
mkdir -p "$tmp/reports"
out=$($RUNNER "$RIG" index "$tmp/reports" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -s "$tmp/reports/index.sqlite" ] && ok "libsqlite3 loaded: rig index made index.sqlite" ||
  bad "rig index: exit $rc: $out"
out=$($RUNNER "$RIG" keygen --key "$tmp/station.key" 2>&1); rc=$?
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^ed25519 [0-9a-f]\{64\} ' && ok "libhogweed loaded: rig keygen made a key" ||
  bad "rig keygen: exit $rc: $out"

# 3. The libraries unreadable, in a private mount namespace (root, native).
if [ -n "$RUNNER" ]; then
  skip 8 "hiding libraries from a binary under $RUNNER (its loader looks elsewhere)"
elif [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1 || ! unshare -m true 2>/dev/null; then
  skip 8 "a private mount namespace needs root and unshare(1)"
else
  needs mount "binding /dev/null over a library in the namespace (rig/tools/deps.sh)"
  hide='for l in libpq.so.5 libsqlite3.so.0 libhogweed.so.6; do
      p=$(ldconfig -p | sed -n "s/^[[:space:]]*$l (.*) => //p" | head -n 1)
      [ -n "$p" ] && mount --bind /dev/null "$p" || { echo "cannot hide $l"; exit 99; }
    done'
  hidden() { unshare -m sh -c "$hide; exec \"\$@\"" sh "$@"; }
  out=$(hidden "$RIG" --version 2>&1); rc=$?
  [ $rc -eq 0 ] && ok "hidden: rig --version: $out" || bad "hidden: rig --version: exit $rc: $out"
  out=$(hidden "$RIG" analyze --format ild1420 --rate 4000 --zero-mm 5 --csv "$cap" 2>&1); rc=$?
  [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^ok,' && ok "hidden: rig analyze works" ||
    bad "hidden: rig analyze: exit $rc: $out"
  out=$(hidden "$RIG" db migrate postgresql://127.0.0.1:1/none 2>&1); rc=$?
  case "$rc:$out" in
    69:*"libpq.so.5, needed for the line's PostgreSQL results database"*"cannot be loaded"*"install Debian's libpq5"*)
      ok "hidden: rig db migrate: exit 69: $out" ;;
    *) bad "hidden: rig db migrate: exit $rc: $out" ;;
  esac
  out=$(hidden "$RIG" index "$tmp/reports" 2>&1); rc=$?
  case "$rc:$out" in
    69:*"libsqlite3.so.0, needed for the report folder's results index"*"install Debian's libsqlite3-0"*)
      ok "hidden: rig index: exit 69: $out" ;;
    *) bad "hidden: rig index: exit $rc: $out" ;;
  esac
  out=$(hidden "$RIG" keygen --key "$tmp/other.key" 2>&1); rc=$?
  case "$rc:$out" in
    69:*"libhogweed.so.6, needed for the Ed25519 signatures"*"install Debian's libhogweed6"*)
      [ ! -e "$tmp/other.key" ] && ok "hidden: rig keygen: exit 69, names libhogweed, no key file left" ||
        bad "hidden: rig keygen left $tmp/other.key" ;;
    *) bad "hidden: rig keygen: exit $rc: $out" ;;
  esac
  out=$(hidden "$RIG" keygen --key "$tmp/station.key" --show 2>&1); rc=$?
  case "$rc:$out" in
    69:*"station key $tmp/station.key: libhogweed.so.6"*) ok "hidden: rig keygen --show: exit 69, names the key and libhogweed" ;;
    *) bad "hidden: rig keygen --show: exit $rc: $out" ;;
  esac
  out=$(hidden "$RIG" sync --db postgresql://127.0.0.1:1/none --out "$tmp/reports" 2>&1); rc=$?
  { cat "$root/fixtures/sim.ini"; printf '\n[results]\nurl = postgresql://127.0.0.1:1/none\n'; } >"$tmp/line.ini"
  out=$(hidden "$RIG" sync --fixture "$tmp/line.ini" --out "$tmp/reports" 2>&1); rc=$?
  case "$rc:$out" in
    69:*"libpq.so.5, needed for"*) ok "hidden: rig sync with the fixture's [results] url: exit 69, names libpq, not the URL" ;;
    *) bad "hidden: rig sync --fixture: exit $rc: $out" ;;
  esac
  # (sync's exit for a database it cannot reach is 75, try again later)
  case "$rc:$out" in
    0:*) bad "hidden: rig sync: exit 0: $out" ;;
    *"libpq.so.5, needed for"*"install Debian's libpq5"*) ok "hidden: rig sync: exit $rc, names libpq: $out" ;;
    *) bad "hidden: rig sync: exit $rc: $out" ;;
  esac
fi
finish

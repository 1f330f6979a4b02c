#!/bin/sh
# check-deb-install.sh - the package installs on a clean Debian root as an
# administrator would install it: `dpkg -i` (which stops at the missing
# libraries), then `apt-get -f install`. Then: the rig user and its groups
# exist, the man page and docs are there, `rig run` on the installed
# virtual bench PASSes as user rig, the libraries rig loads at run time
# load; `dpkg --purge` leaves no rules behind.
#
# Usage: check-deb-install.sh SUITE DEB     (SUITE: bookworm or trixie)
# The clean root (mmdebstrap --variant=apt, nothing else) is cached in
# $RIG_ROOT_CACHE/SUITE-clean (default /var/cache/rig-roots; make
# check-trixie keeps its own in /var/cache/rig-trixie); each run works on an
# overlay of it, thrown away after. A package of a foreign architecture
# (arm64, armhf) goes on a clean root of that architecture,
# SUITE-ARCH-clean: its dpkg, apt, maintainer scripts and the rig then run
# under qemu-user, which needs the kernel's binfmt_misc to know the
# architecture (rig/tools/binfmt-qemu.sh on ARCH QEMU; checked first). Needs
# root.
set -eu
suite="$1"; deb="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
[ "$(id -u)" = 0 ] || exec sudo -E sh "$0" "$@"
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg-deb -f "$deb" Architecture)
cache="${RIG_ROOT_CACHE:-/var/cache/rig-roots}"
root="$cache/$suite-clean"
native=$(dpkg --print-architecture)
if [ "$arch" != "$native" ]; then
  root="$cache/$suite-$arch-clean"; suite_arch="$suite $arch"
  sh "$(dirname "$0")/deps.sh" --tools arch-test:arch-test
  arch-test "$arch" >/dev/null 2>&1 ||
    { echo "check-deb-install ($suite $arch): this machine cannot run $arch programs (binfmt_misc: rig/tools/binfmt-qemu.sh)" >&2; exit 77; }
fi
fail() { echo "check-deb-install (${suite_arch:-$suite}): $*" >&2; exit 1; }

if [ ! -f "$root/.rig-root-stamp" ]; then
  command -v mmdebstrap >/dev/null 2>&1 || sh "$(dirname "$0")/deps.sh" --tools mmdebstrap:mmdebstrap
  echo "check-deb-install: building a clean Debian $suite $arch root in $root" >&2
  rm -rf "$root.new" && mkdir -p "$cache"
  mmdebstrap --quiet --variant=apt --architectures="$arch" "$suite" "$root.new" http://deb.debian.org/debian
  date -u > "$root.new/.rig-root-stamp"
  rm -rf "$root" && mv "$root.new" "$root"
fi

work="$(mktemp -d /var/tmp/rig-debroot.XXXXXX)"
m="$work/merged"
mkdir -p "$work/upper" "$work/work" "$m"
cleanup() {
  for d in dev/pts dev proc; do umount -l "$m/$d" 2>/dev/null || true; done
  umount -l "$m" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
mount -t overlay overlay -o "lowerdir=$root,upperdir=$work/upper,workdir=$work/work" "$m"
mount -t proc proc "$m/proc"
mount --bind /dev "$m/dev"
mount --bind /dev/pts "$m/dev/pts"
cp /etc/resolv.conf "$m/etc/resolv.conf" 2>/dev/null || true
cp "$deb" "$m/tmp/rig.deb"
in_root() { chroot "$m" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive sh -c "$1"; }

if in_root "dpkg -i /tmp/rig.deb" >"$work/dpkg.out" 2>&1; then
  echo "check-deb-install (${suite_arch:-$suite}): dpkg -i installed it at once (no missing libraries)"
else
  grep -q "dependency problems" "$work/dpkg.out" || fail "dpkg -i: $(tail -5 "$work/dpkg.out")"
  echo "check-deb-install (${suite_arch:-$suite}): dpkg -i stopped at missing dependencies, as expected"
fi
in_root "apt-get update -qq && apt-get -f install -y -qq" >"$work/apt.out" 2>&1 ||
  fail "apt-get -f install: $(tail -5 "$work/apt.out")"
in_root "dpkg-query -W -f '\${Status} \${Version}' rig-bench" | grep -q "install ok installed $version" ||
  fail "rig-bench $version is not installed after apt-get -f install"
groups=$(in_root "id -nG rig") || fail "no user rig: $(cat "$work/apt.out")"
for g in rig dialout gpio; do
  echo " $groups " | grep -q " $g " || fail "user rig is not in group $g ($groups)"
done
for f in /usr/share/man/man1/rig.1.gz /usr/share/doc/rig-bench/copyright /usr/share/doc/rig-bench/station.md.gz \
         /etc/udev/rules.d/60-rig.rules /etc/default/rig /etc/rig/fixtures/sim.ini \
         /usr/share/rig/pad-ring-bound.sh; do
  [ -e "$m$f" ] || fail "$f missing after install"
done
in_root "cd /var/lib/rig 2>/dev/null || mkdir -p /var/lib/rig && chown rig:rig /var/lib/rig; \
  cd /var/lib/rig && runuser -u rig -- rig run --fixture /etc/rig/fixtures/sim.ini --out /var/lib/rig/reports" \
  >"$work/run.out" 2>&1 || fail "rig run as user rig: $(tail -3 "$work/run.out")"
last=$(tail -n 1 "$work/run.out")
echo "$last" | grep -q '^PASS ' || fail "rig run: $last"
echo "check-deb-install (${suite_arch:-$suite}): installed; user rig in rig, dialout, gpio; rig run as rig: $last"
# The libraries rig loads at run time (rig/core/dynlib.h) came with the
# package's Depends: libsqlite3 served the run's index above; libpq answers
# for a closed port, and libhogweed makes a key.
in_root "rig db migrate postgresql://127.0.0.1:1/none" >"$work/pq.out" 2>&1 && fail "rig db migrate to a closed port succeeded"
grep -q 'cannot connect' "$work/pq.out" || fail "libpq: $(tail -2 "$work/pq.out")"
in_root "rig keygen --key /tmp/rig-check.key" >"$work/key.out" 2>&1 || fail "libhogweed: rig keygen: $(tail -2 "$work/key.out")"
grep -q 'results index not updated' "$work/run.out" && fail "libsqlite3: $(grep 'results index' "$work/run.out")"
echo "check-deb-install (${suite_arch:-$suite}): libpq, libsqlite3 and libhogweed load (rig db, rig run's index, rig keygen)"
in_root "dpkg --purge rig-bench" >"$work/purge.out" 2>&1 || fail "dpkg --purge: $(tail -3 "$work/purge.out")"
[ ! -e "$m/etc/udev/rules.d/60-rig.rules" ] || fail "purge left /etc/udev/rules.d/60-rig.rules"
echo "check-deb-install (${suite_arch:-$suite}): purged cleanly"

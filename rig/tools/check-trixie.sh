#!/bin/sh
# check-trixie.sh - `make check-trixie`: the README's commands on Debian 13
# (trixie, what Raspberry Pi OS is built on today) from a clean clone, in a
# root built by trixie-root.sh and cached in $RIG_TRIXIE_CACHE (default
# /var/cache/rig-trixie; `make clean` leaves it alone).
#
# Each run: an overlay on the cached root (thrown away after), a clone of
# this repository's HEAD (committed work only), then `make run`, `make
# check`, the arm64 cross build's suites under qemu-aarch64
# (`make CROSS=aarch64-linux-gnu- check`), the three Debian 13 packages
# with lintian, and the amd64 one installed on a clean Debian 13 root
# (check-deb-install.sh), each timed. Needs root (chroot, mounts); through
# sudo otherwise.
set -eu
if [ "$(id -u)" != 0 ]; then exec sudo -E sh "$0" "$@"; fi
top="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${RIG_TRIXIE_CACHE:-/var/cache/rig-trixie}"
root="$cache/root"

t0=$(date +%s); t_step=$t0
step() {
  now=$(date +%s)
  [ "$now" = "$t0" ] || printf '=== check-trixie: %s s\n' $((now - t_step))
  t_step=$now
  [ -z "${1:-}" ] || printf '\n=== check-trixie: %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"
}

step "Debian 13 root in $root (built when missing or deps.sh changed)"
sh "$top/rig/tools/trixie-root.sh" "$root"

work="$(mktemp -d /var/tmp/rig-trixie.XXXXXX)"
m="$work/merged"
mkdir -p "$work/upper" "$work/work" "$m"
cleanup() {
  for d in sys dev/pts dev proc; do umount -l "$m/$d" 2>/dev/null || true; done
  umount -l "$m" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
mount -t overlay overlay -o "lowerdir=$root,upperdir=$work/upper,workdir=$work/work" "$m"
mount -t proc proc "$m/proc"
mount --bind /dev "$m/dev"
mount --bind /dev/pts "$m/dev/pts"
mount -t sysfs sysfs "$m/sys" 2>/dev/null || mount --bind /sys "$m/sys"
cp /etc/resolv.conf "$m/etc/resolv.conf" 2>/dev/null || true
git -C "$top" bundle create -q "$m/root/rig.bundle" HEAD

inside() { chroot "$m" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 TERM="${TERM:-dumb}" sh -c "cd /root/rig && $1"; }

step "clean clone of HEAD ($(git -C "$top" rev-parse --short HEAD))"
chroot "$m" git clone -q /root/rig.bundle /root/rig
step "make run (Debian 13, libgpiod $(chroot "$m" pkg-config --modversion libgpiod))"
inside "make -j2 run"
step "make check"
inside "make -j2 check"
step "arm64 cross build, suites under qemu-aarch64: make CROSS=aarch64-linux-gnu- check"
inside "make -j2 CROSS=aarch64-linux-gnu- check"
step "Debian 13 packages, lintian: amd64, arm64, armhf (make deb)"
inside "make -j2 deb && make -j2 CROSS=aarch64-linux-gnu- deb && make -j2 CROSS=arm-linux-gnueabihf- deb"
step "the amd64 package on a clean Debian 13: dpkg -i, apt-get -f install, rig run as user rig"
sh "$top/rig/tools/check-deb-install.sh" trixie "$(ls "$m"/root/rig/build/rig-bench_*_amd64.deb)"
step
printf 'check-trixie: passed in %d s\n' $(( $(date +%s) - t0 ))

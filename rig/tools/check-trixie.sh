#!/bin/sh
# check-trixie.sh [core|extra|all] - `make check-trixie` (core) and
# `make check-trixie-extra` (extra): the README's commands on Debian 13
# (trixie, what Raspberry Pi OS is built on today) from a clean clone, in a
# root built by trixie-root.sh and cached in $RIG_TRIXIE_CACHE (default
# /var/cache/rig-trixie; `make clean` leaves it alone).
#
# Each run: an overlay on the cached root (thrown away after), a clone of
# this repository's HEAD (committed work only), then, each timed:
#   core: make run; make check; the arm64 cross build's suites under
#     qemu-aarch64 (make CROSS=aarch64-linux-gnu- check), test_hwemu
#     included: the arm64 rig on the emulated Pi, with umockdev:arm64's
#     preload library that trixie-root.sh unpacks aside; the Debian 13
#     packages for amd64 and arm64 (lintian: no errors), each installed on a
#     clean Debian 13 root of its own architecture (check-deb-install.sh;
#     arm64 under qemu through binfmt_misc, binfmt-qemu.sh; a line SKIPPED:
#     and the reason when the machine cannot);
#   extra: the armhf package, built and installed the same way on a clean
#     armhf root; clang: make CC=clang check (-Werror), own build folder.
# CI runs core first and extra when its time budget allows (.ci/run).
# The clean roots are cached beside the build root ($cache/trixie-clean,
# trixie-arm64-clean, trixie-armhf-clean). RIG_DEB_MAINTAINER is passed to
# make deb. Needs root (chroot, mounts); through sudo otherwise.
set -eu
if [ "$(id -u)" != 0 ]; then exec sudo -E sh "$0" "$@"; fi
what="${1:-core}"
case "$what" in core|extra|all) ;; *) echo "usage: check-trixie.sh [core|extra|all]" >&2; exit 64;; esac
want() { [ "$what" = all ] || [ "$what" = "$1" ]; }
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
  for a in arm64 armhf; do sh "$top/rig/tools/binfmt-qemu.sh" off $a || true; done
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
  LANG=C.UTF-8 TERM="${TERM:-dumb}" ${RIG_DEB_MAINTAINER:+RIG_DEB_MAINTAINER="$RIG_DEB_MAINTAINER"} \
  sh -c "cd /root/rig && $1"; }
armhf=$(cat "$root/.rig-armhf" 2>/dev/null || echo "no record of the armhf libraries in $root")

# install_clean DEB: the package on a clean Debian 13 root of its own
# architecture (arm ones under qemu through binfmt_misc).
install_clean() {
  deb=$(ls $1 | tail -n 1)
  arch=$(dpkg-deb -f "$deb" Architecture)
  step "the $arch package on a clean Debian 13 $arch root: dpkg -i, apt-get -f install, rig run as user rig, purge"
  if [ "$arch" != amd64 ]; then
    qemu="$root/usr/bin/qemu-$([ "$arch" = arm64 ] && echo aarch64 || echo arm)"
    rc=0; why=$(sh "$top/rig/tools/binfmt-qemu.sh" on "$arch" "$qemu" 2>&1) || rc=$?
    echo "$why"
    if [ "$rc" = 77 ]; then
      echo "SKIPPED: Debian 13 $arch package install: ${why#binfmt-qemu.sh: }"
      return 0
    fi
    [ "$rc" = 0 ] || exit "$rc"
  fi
  RIG_ROOT_CACHE="$cache" sh "$top/rig/tools/check-deb-install.sh" trixie "$deb"
  [ "$arch" = amd64 ] || sh "$top/rig/tools/binfmt-qemu.sh" off "$arch"
}

step "clean clone of HEAD ($(git -C "$top" rev-parse --short HEAD))"
chroot "$m" git clone -q /root/rig.bundle /root/rig
if want core; then
  step "make run (Debian 13, libgpiod $(chroot "$m" pkg-config --modversion libgpiod))"
  inside "make -j2 run"
  step "make check"
  inside "make -j2 check"
  step "arm64 cross build, suites under qemu-aarch64: make CROSS=aarch64-linux-gnu- check"
  inside "HWEMU_GUEST_UMOCKDEV=/opt/umockdev-arm64/usr/lib/aarch64-linux-gnu/libumockdev-preload.so.0 \
    make -j2 CROSS=aarch64-linux-gnu- check"
  step "Debian 13 packages (lintian: no errors): amd64, arm64"
  inside "make deb"
  inside "make -j2 CROSS=aarch64-linux-gnu- deb"
  install_clean "$m/root/rig/build/rig-bench_*_amd64.deb"
  install_clean "$m/root/rig/build-aarch64-linux-gnu/rig-bench_*_arm64.deb"
fi

if want extra; then
  step "Debian 13 armhf package (lintian: no errors)"
  if [ "$armhf" = yes ]; then
    inside "make -j2 CROSS=arm-linux-gnueabihf- deb"
    install_clean "$m/root/rig/build-arm-linux-gnueabihf/rig-bench_*_armhf.deb"
  else
    echo "SKIPPED: Debian 13 armhf package: $armhf"
  fi
  step "clang $(chroot "$m" clang -dumpversion): make CC=clang check (-Wall -Wextra -Werror)"
  inside "make -j2 CC=clang BUILD=build-clang check"
fi
step
printf 'check-trixie (%s): passed in %d s\n' "$what" $(( $(date +%s) - t0 ))

#!/bin/sh
# trixie-root.sh - the Debian 13 (trixie) root `make check-trixie` runs in,
# built from Debian's registry with mmdebstrap and cached between runs.
#
# Usage: trixie-root.sh ROOT
# ROOT is amd64 with arm64 and armhf as foreign architectures (multiarch).
# What the build needs comes from rig/tools/deps.sh itself, run inside the
# root for the native, arm64 and armhf builds and for make deb, so the list
# lives in one place; clang is added for the clang build. A
# root whose stamp is not this deps.sh's hash gets deps.sh run again.
# Nothing here is touched by `make clean`; delete ROOT to start cold.
set -eu
root="$1"
here="$(cd "$(dirname "$0")" && pwd)"
stamp="$(cat "$here/deps.sh" "$0" | sha256sum | cut -c1-16)"
current=no
if [ -f "$root/.rig-root-stamp" ] && [ "$(cat "$root/.rig-root-stamp")" = "$stamp" ]; then
  [ "$(cat "$root/.rig-armhf" 2>/dev/null)" != yes ] || exit 0
  current=yes  # only the armhf libraries are missing: try the registry again
fi
if [ "$current" = no ] && [ ! -f "$root/.rig-root-stamp" ]; then
  command -v mmdebstrap >/dev/null 2>&1 || sh "$here/deps.sh" --tools mmdebstrap:mmdebstrap
  echo "trixie-root.sh: building a Debian 13 root in $root (mmdebstrap)" >&2
  rm -rf "$root.new"
  mkdir -p "$(dirname "$root")"
  mmdebstrap --quiet --variant=apt --architectures=amd64,arm64 \
    --include=build-essential,pkg-config,git,ca-certificates \
    trixie "$root.new" http://deb.debian.org/debian
  echo new > "$root.new/.rig-root-stamp"
  rm -rf "$root"
  mv "$root.new" "$root"
fi
echo "trixie-root.sh: installing what deps.sh asks for (native, arm64, armhf, make deb, clang) in $root" >&2
cp "$here/deps.sh" "$root/tmp/rig-deps.sh"
mount -t proc proc "$root/proc"
trap 'umount "$root/proc"' EXIT
[ "$current" = yes ] || chroot "$root" sh -c 'sh /tmp/rig-deps.sh && sh /tmp/rig-deps.sh aarch64-linux-gnu- &&
  sh /tmp/rig-deps.sh --tools dpkg-shlibdeps:dpkg-dev lintian:lintian clang:clang'
# armhf (32-bit Raspberry Pi OS): when Debian's registry cannot serve its
# libraries (seen on bookworm-security while a mirror synced), the root is
# kept without them and check-trixie.sh says SKIPPED for the armhf steps.
if chroot "$root" sh /tmp/rig-deps.sh arm-linux-gnueabihf-; then
  echo yes > "$root/.rig-armhf"
else
  echo "apt could not install the armhf libraries from Debian's registry on $(date -u +%FT%TZ)" > "$root/.rig-armhf"
fi
# tests/test_hwemu.sh under qemu-aarch64 needs umockdev's preload library
# built for arm64; Debian's umockdev is not Multi-Arch (umockdev:arm64 would
# replace the native one), so it is unpacked aside, where check-trixie.sh
# points HWEMU_GUEST_UMOCKDEV. It needs only libc. Without it the suite
# skips under qemu, saying so.
chroot "$root" sh -c 'cd /tmp && rm -rf /opt/umockdev-arm64 && apt-get download -q umockdev:arm64 &&
  dpkg-deb -x umockdev_*_arm64.deb /opt/umockdev-arm64; rm -f umockdev_*_arm64.deb' ||
  echo "trixie-root.sh: umockdev:arm64 not unpacked: test_hwemu will skip under qemu" >&2
chroot "$root" apt-get clean
rm -f "$root/tmp/rig-deps.sh"
echo "$stamp" > "$root/.rig-root-stamp"

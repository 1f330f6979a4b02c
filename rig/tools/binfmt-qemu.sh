#!/bin/sh
# binfmt-qemu.sh - let the kernel run arm64 or armhf programs through a
# static qemu-user, so a foreign Debian root (its dpkg, apt, maintainer
# scripts, the rig) runs under chroot. check-trixie.sh uses it to install
# the arm64 package on a clean arm64 Debian 13 root.
#
# Usage: binfmt-qemu.sh on ARCH QEMU    (ARCH: arm64 or armhf; QEMU: a
#                                        statically linked qemu-aarch64/-arm)
#        binfmt-qemu.sh off ARCH
# "on" mounts binfmt_misc when it is not mounted and registers
# qemu-aarch64 or qemu-arm (the names Debian's qemu-user-binfmt uses, where
# mmdebstrap looks) with flag F: the kernel opens QEMU now, so it need not
# exist inside the root. It exits 77, saying why on stderr, when this
# machine cannot: no binfmt_misc in the kernel, no right to mount it or to
# register (not root, a container without the capability), QEMU not static.
# An entry of that name already there (the system's) is used as it is if it
# has flag F, else "on" exits 77. "off" removes the entry only if "on"
# registered it (a mark in /run). The entries are machine-wide:
# keep them on only for the step that needs them. Needs root.
set -eu
dir=/proc/sys/fs/binfmt_misc
cmd="$1"; arch="$2"
case "$arch" in
  arm64) name=qemu-aarch64
         magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00' ;;
  armhf) name=qemu-arm
         magic='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x28\x00' ;;
  *) echo "binfmt-qemu.sh: unknown architecture '$arch' (arm64 or armhf)" >&2; exit 64 ;;
esac
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
mark="/run/rig-binfmt-$name"
skip() { echo "binfmt-qemu.sh: cannot run $arch programs here: $*" >&2; exit 77; }

if [ "$cmd" = off ]; then
  if [ -e "$mark" ]; then
    [ ! -e "$dir/$name" ] || echo -1 > "$dir/$name"
    rm -f "$mark"
  fi
  exit 0
fi
[ "$cmd" = on ] || { echo "binfmt-qemu.sh: on or off, not '$cmd'" >&2; exit 64; }
qemu="$3"
[ "$(id -u)" = 0 ] || skip "not root (uid $(id -u))"
grep -qw binfmt_misc /proc/filesystems || skip "the kernel has no binfmt_misc (not in /proc/filesystems)"
if [ ! -e "$dir/register" ]; then
  err=$(mount -t binfmt_misc binfmt_misc "$dir" 2>&1) ||
    skip "mount -t binfmt_misc on $dir failed: $err"
fi
[ "$(cat "$dir/status")" = enabled ] || skip "binfmt_misc is disabled ($dir/status)"
if [ -e "$dir/$name" ] && [ ! -e "$mark" ]; then
  grep -q '^enabled' "$dir/$name" || skip "the system's $dir/$name is disabled"
  grep -q '^flags:.*F' "$dir/$name" ||
    skip "the system's $dir/$name has no flag F (its interpreter would have to be inside the root)"
  echo "binfmt-qemu.sh: $arch programs run through the system's $dir/$name" >&2
  exit 0
fi
[ -x "$qemu" ] || skip "no $qemu"
# A dynamically linked qemu would look for its own libraries in the root.
if readelf -l "$qemu" 2>/dev/null | grep -q 'Requesting program interpreter'; then
  skip "$qemu is dynamically linked (a foreign root has no x86-64 libraries for it)"
fi
[ ! -e "$dir/$name" ] || echo -1 > "$dir/$name"
err=$( (printf ':%s:M::%s:%s:%s:F\n' "$name" "$magic" "$mask" "$qemu" > "$dir/register") 2>&1) ||
  skip "registering with $dir/register failed: $err"
touch "$mark"
echo "binfmt-qemu.sh: $arch programs run through $qemu ($dir/$name)" >&2

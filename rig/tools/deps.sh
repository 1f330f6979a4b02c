#!/bin/sh
# deps.sh - make sure the Debian packages a build needs are installed.
#
# Usage: deps.sh [CROSS_PREFIX | fuzz | valgrind]
#        deps.sh --tools COMMAND:PACKAGE...   (tools one target needs, e.g.
#                                              lintian for make deb)
# Checks each dependency the way the build will use it (pkg-config, or the
# header for libcsv, which ships no .pc file) and installs the missing Debian
# packages with apt-get, through sudo when not root. Says what it installs.
set -eu

# apt-get update, tolerating a mirror caught mid-sync: apt then keeps the
# lists it had and says "Some index files failed to download" (exit 100).
# Try twice, then go on with the lists there are: the install that follows
# fails by itself, naming the package, if they really cannot serve it.
update_lists() {
  for try in 1 2; do
    $SUDO apt-get update -qq && return 0
    echo "deps.sh: apt-get update failed (try $try; a mirror syncing?)" >&2
    sleep 20
  done
  echo "deps.sh: going on with the package lists there are" >&2
}

install_missing() {
  [ -z "$missing" ] && exit 0

  echo "deps.sh: installing Debian packages:$missing" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      echo "deps.sh: not root and no sudo; install as root: apt-get install$missing" >&2; exit 69
    fi
  fi
  if [ -n "$arch" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    echo "deps.sh: enabling the $arch architecture (dpkg --add-architecture $arch)" >&2
    $SUDO dpkg --add-architecture "$arch"
    update_lists
  fi
  export DEBIAN_FRONTEND=noninteractive
  # An old or empty package list cannot find anything: update once if needed.
  if ! $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
    update_lists
    $SUDO apt-get install -y -qq --no-install-recommends $missing
  fi
  echo "deps.sh: done" >&2
  exit 0
}

missing=""
arch=""
if [ "${1:-}" = --tools ]; then
  shift
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
  done
  install_missing
fi

cross="${1:-}"
tool=""
case "$cross" in
  "") ;;
  # Extra tools for `make fuzz` and `make valgrind` (never for `make check`).
  fuzz|valgrind) tool="$cross"; cross="" ;;
  aarch64-linux-gnu-) arch=arm64 ;;
  arm-linux-gnueabihf-) arch=armhf ;;
  *) echo "deps.sh: unknown cross prefix '$cross' (known: aarch64-linux-gnu-, arm-linux-gnueabihf-)" >&2; exit 64 ;;
esac

pc_env() {
  if [ -n "$arch" ]; then
    triplet="${cross%-}"
    PKG_CONFIG_LIBDIR="/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig" "$@"
  else
    "$@"
  fi
}

need() { missing="$missing $1"; }

if [ "$tool" = fuzz ]; then
  command -v clang >/dev/null 2>&1 || need clang
  # libFuzzer ships in the compiler-rt package: libclang_rt.fuzzer-<arch>.a
  ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 ||
    need libclang-rt-dev
elif [ "$tool" = valgrind ]; then
  command -v valgrind >/dev/null 2>&1 || need valgrind
fi
command -v pkg-config >/dev/null 2>&1 || need pkg-config
for pair in libserialport:libserialport-dev libgpiod:libgpiod-dev check:check inih:libinih-dev nettle:nettle-dev hogweed:nettle-dev sqlite3:libsqlite3-dev; do
  pc="${pair%%:*}"; deb="${pair#*:}"
  if ! command -v pkg-config >/dev/null 2>&1 || ! pc_env pkg-config --exists "$pc" 2>/dev/null; then
    need "$deb${arch:+:$arch}"
  fi
done
# libpq (the line's results database): libpq-dev cannot be installed for
# two architectures at once, so a cross build uses the native headers; the
# target's libpq5 (multi-arch) is what the rig loads at run time under qemu
# (rig/core/dynlib.h; see the Makefile).
[ -e /usr/include/postgresql/libpq-fe.h ] || need libpq-dev
[ -z "$arch" ] || [ -e "/usr/lib/${cross%-}/libpq.so.5" ] || need "libpq5:$arch"
# The results database's tests: the sqlite3 shell compares indexes, and a
# real PostgreSQL server (initdb, pg_ctl) is started by the tests.
command -v sqlite3 >/dev/null 2>&1 || need sqlite3
# Typing PINs at a real terminal (tests/test_pin_tty.sh) runs rig in tmux.
command -v tmux >/dev/null 2>&1 || need tmux
# The rig's real clock under libfaketime (tests/test_faketime.sh; make
# check-calendar runs all of make check under it).
command -v faketime >/dev/null 2>&1 || need faketime
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need postgresql
# libcsv has no pkg-config file: look for its header and library.
if [ -n "$arch" ]; then
  [ -e "/usr/lib/${cross%-}/libcsv.so" ] || need "libcsv-dev:$arch"
  command -v "${cross}gcc" >/dev/null 2>&1 || need "crossbuild-essential-$arch"
  qemu=qemu-aarch64; [ "$arch" = armhf ] && qemu=qemu-arm
  command -v "$qemu" >/dev/null 2>&1 || need qemu-user
else
  # The header alone is not enough: libcsv-dev:arm64 (for the cross build)
  # installs the same header but no native library.
  native="$(cc -print-multiarch 2>/dev/null || true)"
  { [ -e /usr/include/csv.h ] && { [ -z "$native" ] || [ -e "/usr/lib/$native/libcsv.so" ]; }; } || need libcsv-dev
  command -v cc >/dev/null 2>&1 || need build-essential
  # The acceptance tests of `rig analyze` use an independent generator
  # written in Python (standard library only).
  command -v python3 >/dev/null 2>&1 || need python3
  # pypy3 runs the long ones of those pure-Python generators and hunts
  # faster and makes the same bytes and figures (tests/test_gen_identity.sh);
  # the suites use it where it is installed (tests/lib.sh: GEN_PY).
  command -v pypy3 >/dev/null 2>&1 || need pypy3
  # tests/hwemu: umockdev emulates the USB serial adapters and the GPIO
  # chip's sysfs and /dev nodes (libumockdev-dev to build the emulator,
  # umockdev for the preload library).
  pkg-config --exists umockdev-1.0 2>/dev/null || need libumockdev-dev
  ls /usr/lib/*/libumockdev-preload.so.0 >/dev/null 2>&1 || need umockdev
  # tests/test_junit_outcomes.sh validates JUnit files against the schema.
  command -v xmllint >/dev/null 2>&1 || need libxml2-utils
  # tests/test_lazy_libs.sh hides libraries in a private mount namespace
  # (a minimal Debian root has unshare but no mount).
  command -v mount >/dev/null 2>&1 || need mount
fi

install_missing

#!/bin/sh
# test_hwemu.sh - the real libserialport and libgpiod against emulated
# kernel devices (tests/hwemu/run): a Pi 4's GPIO chip and two USB serial
# adapters wired to the virtual bench in real time. `rig ports` lists them;
# `rig run` on a copy of fixtures/pi-bench.ini with fresh calibration dates
# PASSes; an e-stop, an opened lid and an unplugged adapter end the run as
# on the in-process virtual bench; HX711 reads whose PD_SCK high time the
# process stretched past 60 µs are thrown away and the medians stay right.
# About 45 s (the runs go in real time).
#
# A cross build (RIG_RUNNER="qemu-aarch64 -L ...") runs its own rig and
# hx711_probe under qemu-user, with its own gpio_shim.so and the target's
# umockdev preload library (HWEMU_GUEST_UMOCKDEV, else
# /usr/lib/TRIPLET/libumockdev-preload.so.0) preloaded into them, behind the
# native emulator of HWEMU_NATIVE_BUILD (default build, made by make check).
# Debian's umockdev package is not Multi-Arch, so umockdev:arm64 cannot be
# installed beside the native one: check-trixie.sh unpacks it aside and
# names it; without it the suite is skipped, saying so.
set -u
RIG="${RIG_BIN:-build/rig}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runner="${RIG_RUNNER:-}"
triplet=""
if [ -n "$runner" ]; then
  triplet=$(basename "$(dirname "$RIG")"); triplet=${triplet#build-}; triplet=${triplet%-san}
  guest_umockdev="${HWEMU_GUEST_UMOCKDEV:-/usr/lib/$triplet/libumockdev-preload.so.0}"
  native="${HWEMU_NATIVE_BUILD:-$root/build}"
  if [ ! -e "$guest_umockdev" ]; then
    echo "test_hwemu: SKIP: cross build: no $triplet umockdev preload library ($guest_umockdev): Debian's umockdev is not Multi-Arch, set HWEMU_GUEST_UMOCKDEV to one unpacked from umockdev:ARCH (check-trixie does)"
    exit 77
  fi
  if [ ! -x "$native/hwemu/hwemu" ]; then
    echo "test_hwemu: SKIP: cross build: no native emulator in $native (make check natively first, or set HWEMU_NATIVE_BUILD)"
    exit 77
  fi
fi
case "${FAKETIME:+faketime}${LD_PRELOAD:-}" in *faketime*)
  echo "test_hwemu: SKIP: under libfaketime (make check-calendar): the emulated bench's and the program's clocks would not be the kernel's"
  exit 77 ;;
esac
# One emulated bench at a time on this machine: make checks running at
# once (other worktrees, other users) would share F's bench lock, so one
# run's e-stop at 5 s would strike while it still waits for another's, and
# their real-time answers would queue behind each other.
if [ -z "${HWEMU_SERIALISED:-}" ] && command -v flock >/dev/null 2>&1; then
  HWEMU_SERIALISED=1 exec flock -w 900 /run/lock/rig-hwemu-test.lock sh "$0" "$@"
fi
build=$(cd "$(dirname "$RIG")" && pwd)
if [ -n "$runner" ]; then
  export HWEMU_BUILD="$native" HWEMU_QEMU="$runner"
  export HWEMU_GUEST_PRELOAD="$build/hwemu/gpio_shim.so:$guest_umockdev"
else
  export HWEMU_BUILD="$build"
fi
run() { "$root/tests/hwemu/run" "$@"; }
# The virtual bench in-process, for comparison: under the same runner.
# shellcheck disable=SC2086 # RIG_RUNNER is a command with its options
rig_v() { $runner "$RIG" "$@"; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0 skipped=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
# late CASE FILE...: the case's run stopped because this machine could not
# keep the HX711's real time: the load cell gave up a median with reads
# discarded for timing only (PD_SCK held high past 60 us by the process's
# own clock; no glitch, none saturated). A real bench that slow would stop
# the same way; here it says nothing of the code, so the case is skipped,
# said so and counted (make check lists it), never passed. Seen on a
# 2-core VM at load 0.7 on 2026-12-01, where stop 25's CI had passed it.
late() {
  c=$1; shift
  why=$(grep -ho 'HX711: [0-9]* of [0-9]* good reads after [0-9]* attempts (discarded: [1-9][0-9]* timing, 0 glitch, 0 saturated, [0-9]* settling)' "$@" | head -n 1)
  [ -n "$why" ] || return 1
  echo "skip $c: this machine could not read the HX711 in real time: $why"
  skipped=$((skipped + 1))
  [ -n "${RIG_SKIP_LOG:-}" ] && printf '%s\t1\t%s\n' test_hwemu "$c: machine too slow to read the HX711 in time" >>"$RIG_SKIP_LOG"
  return 0
}
pcv() {
  if [ -n "$triplet" ]; then PKG_CONFIG_LIBDIR=/usr/lib/$triplet/pkgconfig pkg-config --modversion "$1"
  else pkg-config --modversion "$1"; fi
}
echo "libgpiod $(pcv libgpiod), libserialport $(pcv libserialport)${runner:+, under $runner}"

# F: pi-bench.ini whose only change is fresh calibration dates.
today=$(date -u +%Y-%m-%d)
sed -E "s/^(zero_date|cal_date|tare_date) = [0-9-]+/\1 = $today/" "$root/fixtures/pi-bench.ini" >"$tmp/F.ini"
[ "$(diff "$root/fixtures/pi-bench.ini" "$tmp/F.ini" | grep -c '^>')" -eq 3 ] \
  || bad "F differs from pi-bench.ini in more than the 3 dates"

run "$RIG" ports >"$tmp/ports" 2>&1 || bad "rig ports: exit $?: $(cat "$tmp/ports")"
grep -Eq '^ +/dev/ttyUSB0 +USB-RS422 Cable - FT4ILD01 +USB 0403:6001 +serial FT4ILD01$' "$tmp/ports" &&
  grep -Eq '^ +/dev/ttyUSB1 +CP2102 USB to UART Bridge Controller - 0001PEN7 +USB 10c4:ea60' "$tmp/ports" &&
  grep -Eq '^ +gpiochip0 +pinctrl-bcm2711 +58 lines$' "$tmp/ports" &&
  ok "rig ports: both USB adapters (libserialport) and the chip (libgpiod)" ||
  bad "rig ports: $(cat "$tmp/ports")"

# rig run on F: PASS through /dev/rig-pen, /dev/rig-laser and pinctrl-bcm2711.
stat() { sed -n "s/^$1 //p" "$2"; }
HWEMU_STATS="$tmp/pass.stats" run "$RIG" run --fixture "$tmp/F.ini" --out "$tmp/r" --wait-lock 300 \
  >"$tmp/pass.out" 2>"$tmp/pass.err"
rc=$?
last=$(tail -n 1 "$tmp/pass.out")
if [ $rc -eq 0 ] && echo "$last" | grep -q '^PASS MN3-000123 ' &&
   [ "$(stat gpio.requests "$tmp/pass.stats")" -ge 10 ] &&
   [ "$(stat hx711.conversions "$tmp/pass.stats")" -gt 0 ]; then
  ok "rig run --fixture F: $last"
elif ! late "rig run --fixture F" "$tmp/pass.out" "$tmp/pass.err"; then
  bad "rig run --fixture F: exit $rc: $last $(tail -n 3 "$tmp/pass.err") $(cat "$tmp/pass.stats")"
fi

# The fault runs use F with a lock file of their own: a fault at 5 s must
# not strike while the run still waits for another process's bench lock.
sed "s|^lock = .*|lock = $tmp/bench.lock|" "$tmp/F.ini" >"$tmp/Fl.ini"

# The same fault on the virtual bench and on the emulated devices: the same
# ABORTED line (but for the report's path), exit 2, pen power off.
aborted() { grep '^ABORTED: ' "$1"; }
for fault in estop lid_open; do
  rig_v run --fixture "$root/fixtures/sim.ini" --out "$tmp/v" --sim "fault.$fault=t=5" \
    >"$tmp/v.$fault" 2>&1
  HWEMU_SIM="fault.$fault=t=5" HWEMU_STATS="$tmp/$fault.stats" run "$RIG" run \
    --fixture "$tmp/Fl.ini" --out "$tmp/r" >"$tmp/h.$fault" 2>&1
  rc=$?
  want=$(aborted "$tmp/v.$fault"); got=$(aborted "$tmp/h.$fault")
  if [ $rc -eq 2 ] && [ -n "$want" ] && [ "$got" = "$want" ] &&
     [ "$(stat bench.pen_power "$tmp/$fault.stats")" = 0 ] &&
     ls "$tmp"/r/*_ABORTED*.csv >/dev/null 2>&1; then
    ok "fault.$fault at 5 s: '$got', exit 2, pen power off, report written"
  elif ! late "fault.$fault" "$tmp/h.$fault"; then
    bad "fault.$fault: exit $rc, '$got' (virtual bench: '$want') $(tail -n 2 "$tmp/h.$fault")"
  fi
done

# The pen's adapter pulled out at 5 s: a device fault (exit 2), as the
# virtual bench's unplugged laser is.
rig_v run --fixture "$root/fixtures/sim.ini" --out "$tmp/v" --sim fault.laser.unplug=t=5 \
  >"$tmp/v.unplug" 2>&1
vrc=$?
HWEMU_UNPLUG=ttyUSB1@5 HWEMU_STATS="$tmp/unplug.stats" run "$RIG" run --fixture "$tmp/Fl.ini" \
  --out "$tmp/r" >"$tmp/h.unplug" 2>&1
rc=$?
got=$(aborted "$tmp/h.unplug")
if [ $rc -eq $vrc ] && [ $rc -eq 2 ] && echo "$got" | grep -q '/dev/rig-pen: .*went away (unplugged?)' &&
   [ "$(stat bench.pen_power "$tmp/unplug.stats")" = 0 ]; then
  ok "pen adapter unplugged at 5 s: '$got', exit 2 (virtual bench: exit $vrc)"
elif ! late "pen adapter unplugged" "$tmp/h.unplug"; then
  bad "unplug: exit $rc (virtual bench $vrc): '$got' $(tail -n 2 "$tmp/h.unplug")"
fi

# HX711 through libgpiod: every 100th PD_SCK rise the process is stalled
# 150 µs with the line high (HWEMU_STALL). Those reads must be discarded,
# the chip must have powered down (it saw > 60 µs), and the medians must
# be the bench's force: offset + 2.0 N (fixtures/sim.ini) x scale.
HWEMU_STALL=6:100:150 HWEMU_STATS="$tmp/hx.stats" run "$build/hwemu/hx711_probe" "$tmp/F.ini" 6 \
  >"$tmp/hx.out" 2>&1
probe_rc=$?
timing=$(stat timing "$tmp/hx.out"); pd=$(stat hx711.power_downs "$tmp/hx.stats")
expect=$(awk -F' *= *' '$1=="scale_counts_per_n"{s=$2} $1=="offset_counts"{o=$2} END{print o + 2.0 * s}' "$tmp/F.ini")
wrong=$(awk -v e="$expect" '/^median_counts/{d=$2-e; if (d < 0) d=-d; if (d > 30) n++} END{print n+0}' "$tmp/hx.out")
medians=$(grep -c '^median_counts' "$tmp/hx.out")
if [ $probe_rc -ne 0 ] && grep -q "^hx711_probe: load cell .*good reads after" "$tmp/hx.out" && [ "$wrong" -eq 0 ]; then
  # The driver gave up a median 4 times: this machine answered too late
  # for the HX711's timing (a CPU this loaded would fail a real bench
  # too). Nothing is known about the stalls then: skipped, said so.
  echo "skip HX711 stalls: the machine is too loaded to read the HX711 in time: $(grep '^hx711_probe: load cell' "$tmp/hx.out")"
  skipped=$((skipped + 1))
  [ -n "${RIG_SKIP_LOG:-}" ] && printf '%s\t1\t%s\n' test_hwemu "HX711 stalls: machine too loaded to read in time" >>"$RIG_SKIP_LOG"
elif [ "${timing:-0}" -ge 3 ] && [ "${pd:-0}" -ge "${timing:-0}" ] && [ "$medians" -eq 6 ] && [ "$wrong" -eq 0 ]; then
  ok "HX711 with PD_SCK stretched to 150 us: $timing reads discarded (timing), chip powered down $pd times, 6 medians within 30 counts of $expect ($(stat median_retries "$tmp/hx.out") retried)"
else
  bad "HX711 stalls: timing $timing, power-downs $pd, $medians medians, $wrong wrong (expect $expect): $(cat "$tmp/hx.out")"
fi

if [ $fail -ne 0 ]; then echo "test_hwemu: $fail failed, $skipped skipped"
elif [ $skipped -ne 0 ]; then echo "test_hwemu: the cases run passed, $skipped skipped (listed above)"
else echo "test_hwemu: all passed"; fi
[ $fail -eq 0 ]

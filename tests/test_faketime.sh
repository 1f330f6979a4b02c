#!/bin/sh
# test_faketime.sh - the rig's real clock under libfaketime, which make
# check-calendar puts under every process of make check.
#
# The finding (CI on 2026-12-02, and four times before under make
# check-calendar only): a virtual HX711 read in real time stopped with
# "DOUT stayed high for 47 ms ... after a power-down reset too", its chip
# having never powered down (power_downs=0 in the state file). libfaketime
# 0.9.10 shares its start time with every process of its tree through a
# shared memory file that it keeps open read-write on the lowest free
# descriptor. test_edges.sh starts `rig run` with stdout and stderr closed:
# that descriptor was fd 1, so the run wrote its progress lines over the
# start time, and from then on every process in the tree had a start time
# of text. Its CLOCK_MONOTONIC still advanced, but every absolute sleep
# (clock_nanosleep TIMER_ABSTIME) failed at once with EINVAL, and the rig's
# sleep did not look: the HX711's 100 us power-down reset lasted a few us,
# the chip stayed mid-word, and later runs timed out on it. The rig's real
# clock now sleeps what is left relative when the absolute sleep fails or
# wakes early (rig/core/clock.c), and test_edges.sh gives its closed-stdio
# runs a start time of their own.
. "$(dirname "$0")/lib.sh"
needs faketime "deps.sh installs it"

if [ -n "$RUNNER" ]; then
  skip 2 "libfaketime cannot reach a program run by qemu-user ($RUNNER)"
  finish
  exit $?
fi
case "$RIG" in /*) R="$RIG" ;; *) R="$root/$RIG" ;; esac
cp "$root/fixtures/sim.ini" "$tmp/sim.ini"
fx="$tmp/sim.ini"

# A faketime tree of its own (the suite may itself run under make
# check-calendar's), 400 days ahead as there. In it: CLOSED (a command
# run with stdout and stderr closed), then a probe of the tree's absolute
# sleeps, then `rig monitor` whose chip's counters the state file gives.
# An ASan build (make SANITIZE=1 check) refuses to start behind a
# preloaded library unless told not to check the order.
tree() { # tree TAG CLOSED
  env -u LD_PRELOAD -u FAKETIME -u FAKETIME_SHARED \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    faketime -f '+400d' sh -c "
    $2 >&- 2>&-
    if \"\$0\" -c 'import time; time.sleep(0.001)' 2>/dev/null; then echo sleeps; else echo fails; fi >'$tmp/$1.probe'
    '$R' monitor --fixture '$fx' --count 20 --interval-ms 50 --depth-um 1500 --freq-hz 120 \
      --sim state_file='$tmp/$1.state' >'$tmp/$1.out' 2>'$tmp/$1.err'
    echo \$? >'$tmp/$1.rc'" "${py3:-python3}"
}
# The chip's counter NAME from a state file.
counter() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1"; }

# ---- the finding: the tree's start time overwritten ---------------------
tree broken "'$R' monitor --fixture '$fx' --count 2 --interval-ms 50"
if [ "$(cat "$tmp/broken.probe")" != fails ]; then
  # Python 3.11 on sleeps with clock_nanosleep(TIMER_ABSTIME); a
  # libfaketime that keeps its start time whole cannot make the finding.
  skip 1 "this libfaketime's absolute sleeps still work after a run with stdout closed ($(faketime --version 2>&1 | sed -n "s/.*Version/libfaketime/p"))"
else
  rc=$(cat "$tmp/broken.rc")
  [ "$rc" = 0 ] && ok "absolute sleeps broken: rig monitor exit 0" ||
    bad "absolute sleeps broken: rig monitor exit $rc: $(tail -c 400 "$tmp/broken.err")"
  pd=$(counter "$tmp/broken.state" power_downs)
  lost=$(counter "$tmp/broken.state" lost)
  # The old clock: power_downs=0 and 47 conversions lost, every time (the
  # chip mid-word from the first reset on). Conversions lost now are
  # reads the machine preempted mid-word: a few at most.
  if [ "${pd:-0}" -ge 1 ] && [ "${lost:-99}" -lt 10 ]; then
    ok "absolute sleeps broken: the reset powered the chip down ($(tail -1 "$tmp/broken.state"))"
  else
    bad "absolute sleeps broken: the reset did not power the chip down ($(tail -1 "$tmp/broken.state" 2>/dev/null))"
  fi
fi

# ---- test_edges.sh's way: a closed-stdio run with a start time of its own
tree own "env -u FAKETIME_SHARED '$R' monitor --fixture '$fx' --count 2 --interval-ms 50"
[ "$(cat "$tmp/own.probe")" = sleeps ] &&
  ok "a closed-stdio run with its own start time leaves the tree's sleeps whole" ||
  bad "a closed-stdio run with its own start time broke the tree's sleeps"
finish

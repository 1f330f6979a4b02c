#!/bin/sh
# test_gen_identity.sh - the capture generators make the same captures
# under pypy3 as under python3: the suites run tests/gen under pypy3 where
# it is installed (tests/lib.sh: GEN_PY), so a pass of theirs must be the
# pass python3 would give. For a handful of draws of each generator
# (tests/gen/gen_identity.py: blind_capture.py through blind_hunt.py's
# draws, red_capture.py through red_hunt.py's, physics_capture.py through
# coverage.py's, make_capture.py), the SHA-256 of each capture's bytes and
# truth under both; and blind_hunt.py's whole judgement of a draw (its
# figures in full, the motor made again). Without pypy3 the cases are
# skipped, and said so. Needs python3.
. "$(dirname "$0")/lib.sh"
needs python3 "the capture generators"

if ! pypy3=$(command -v pypy3 2>/dev/null); then
  skip 6 "pypy3 not installed: the generators run under python3 alone (make deps installs pypy3)"
  finish
  exit
fi
# Python 3.12 made sum() of floats compensated (Neumaier); pypy3 7.3 is
# Python 3.9-3.11 and sums as python3 did before: under a python3 that
# sums otherwise (Debian 13's 3.13) the captures and truths differ in the
# last bits, from python3 3.11's as much as from pypy3's, so there is no
# single output to hold pypy3 to.
sums='import sys; print(sum([1.0, 1e100, 1.0, -1e100]))'
if [ "$(python3 -c "$sums" 2>&1)" != "$("$pypy3" -c "$sums" 2>/dev/null)" ]; then
  skip 6 "python3 $(python3 -c 'import sys; print(sys.version.split()[0])') sums floats compensated (3.12+), pypy3 does not: their outputs differ in the last bits (the generators run under pypy3, as under python3 3.11)"
  finish
  exit
fi
echo "pypy3: $("$pypy3" -c 'import sys; print(sys.version.split()[0], sys.pypy_version_info[:3])' 2>&1)"
echo "python3: $(python3 -c 'import sys; print(sys.version.split()[0])' 2>&1)"

# same_ NAME CMD...: CMD's output under python3 and under pypy3, compared
# whole (CMD is a tests/gen script and its arguments; stderr apart: pypy3
# warns there when /proc/cpuinfo names no cache size)
same_() {
  name=$1
  shift
  if ! python3 "$@" >"$tmp/py3" 2>"$tmp/py3.err"; then
    bad "$name: python3 failed: $(tail -1 "$tmp/py3.err")"
  elif ! "$pypy3" "$@" >"$tmp/pypy3" 2>"$tmp/pypy3.err"; then
    bad "$name: pypy3 failed: $(tail -1 "$tmp/pypy3.err")"
  elif cmp -s "$tmp/py3" "$tmp/pypy3"; then
    ok "$name: $(wc -l <"$tmp/py3") lines the same"
  else
    bad "$name: python3 and pypy3 differ: $(diff "$tmp/py3" "$tmp/pypy3" | sed -n 2p)"
  fi
}

# capture_ NAME GENERATOR ARGS...: the capture GENERATOR.py makes, with its
# truth, under python3 once and pypy3 three times: the same bytes each time
capture_() {
  name=$1 g=$2
  shift 2
  if ! python3 "$here/gen/$g.py" "$tmp/c.py3" "$@" >/dev/null 2>"$tmp/py3.err"; then
    bad "$name: python3 failed: $(tail -1 "$tmp/py3.err")"
    return
  fi
  for i in 1 2 3; do
    if ! "$pypy3" "$here/gen/$g.py" "$tmp/c.pypy3" "$@" >/dev/null 2>"$tmp/pypy3.err"; then
      bad "$name: pypy3 failed: $(tail -1 "$tmp/pypy3.err")"
      return
    fi
    if ! cmp -s "$tmp/c.py3" "$tmp/c.pypy3" || ! cmp -s "$tmp/c.py3.truth" "$tmp/c.pypy3.truth"; then
      bad "$name: pypy3's capture $i differs: $(wc -c <"$tmp/c.pypy3") bytes, python3's $(wc -c <"$tmp/c.py3")"
      return
    fi
  done
  ok "$name: $(wc -c <"$tmp/c.py3") bytes, the same 3 times"
}

# A file written and left to the collector: pypy3 closes it late and lost
# the end of this one at exit, in 5 of 6 runs (8000 lines cut at 7762)
capture_ "physics_capture --step-factor 1.4 --seed 35: closed whole" physics_capture \
  --rate 4000 --step-factor 1.4 --seed 35
# every kind of blind_hunt.py once, the rates alternating; red_hunt.py's
# first six kinds; physics_capture.py and make_capture.py two draws at
# each rate
same_ "blind_capture: 7 draws, every kind, 1 and 4 kHz" "$here/gen/gen_identity.py" blind 13000 7
same_ "red_capture: 6 draws, 6 kinds, 1 and 4 kHz" "$here/gen/gen_identity.py" red 13000 6
same_ "physics_capture: 4 draws, 1 and 4 kHz" "$here/gen/gen_identity.py" physics 13000 4
same_ "make_capture: 4 draws, 3 shapes, raw bytes with faults and CSV" "$here/gen/gen_identity.py" make 13000 4
# the judge: every figure blind_hunt.py prints (the rig's, the truth's and
# the rates of the motor made again), a start-up on a pad
same_ "blind_hunt --one speed 4000 13001: every figure" "$here/gen/blind_hunt.py" "$RIG" --one speed 4000 13001
finish

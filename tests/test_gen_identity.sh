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
  skip 5 "pypy3 not installed: the generators run under python3 alone (make deps installs pypy3)"
  finish
  exit
fi
echo "pypy3: $("$pypy3" -c 'import sys; print(sys.version.split()[0], sys.pypy_version_info[:3])' 2>&1)"
echo "python3: $(python3 -c 'import sys; print(sys.version.split()[0])' 2>&1)"

# same_ NAME CMD...: CMD's output under python3 and under pypy3, compared
# whole (CMD is a tests/gen script and its arguments)
same_() {
  name=$1
  shift
  if ! python3 "$@" >"$tmp/py3" 2>&1; then
    bad "$name: python3 failed: $(tail -1 "$tmp/py3")"
  elif ! "$pypy3" "$@" >"$tmp/pypy3" 2>&1; then
    bad "$name: pypy3 failed: $(tail -1 "$tmp/pypy3")"
  elif cmp -s "$tmp/py3" "$tmp/pypy3"; then
    ok "$name: $(wc -l <"$tmp/py3") lines the same"
  else
    bad "$name: python3 and pypy3 differ: $(diff "$tmp/py3" "$tmp/pypy3" | sed -n 2p)"
  fi
}

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

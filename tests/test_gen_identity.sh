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
# And the one warm interpreter a suite runs its scripts in (tests/lib.sh:
# gen_warm, gen_py; tests/gen/warm.py) against a fresh one for each: the
# same output, files and exit status, request after request.
. "$(dirname "$0")/lib.sh"
needs python3 "the capture generators"

# warm_ NAME SCRIPT ARGS...: SCRIPT ARGS (stdin: $tmp/stdin) run by a fresh
# "$GEN_PY" and then by the suite's warm one: the same stdout and exit
# status, and the same last line on stderr (a fresh pypy3 may warn there
# first: see same_ below)
warm_() {
  name=$1
  shift
  "$GEN_PY" "$@" <"$tmp/stdin" >"$tmp/cold" 2>"$tmp/cold.err"
  c=$?
  gen_py "$@" <"$tmp/stdin" >"$tmp/warm" 2>"$tmp/warm.err"
  w=$?
  if [ "$c" -ne "$w" ]; then
    bad "$name: exit $c from a fresh $GEN_PY, $w warm: $(tail -1 "$tmp/warm.err")"
  elif ! cmp -s "$tmp/cold" "$tmp/warm"; then
    bad "$name: the outputs differ: $(diff "$tmp/cold" "$tmp/warm" | sed -n 2p)"
  elif [ "$(tail -1 "$tmp/cold.err")" != "$(tail -1 "$tmp/warm.err")" ]; then
    bad "$name: stderr '$(tail -1 "$tmp/cold.err")' fresh, '$(tail -1 "$tmp/warm.err")' warm"
  else
    ok "$name: exit $c, $(wc -l <"$tmp/cold") lines the same"
  fi
}
gen_warm
if [ -z "${warm_pid:-}" ]; then
  skip 9 "no warm interpreter (RIG_GEN_WARM=0, or $GEN_PY could not start tests/gen/warm.py)"
else
  : >"$tmp/stdin"
  # two draws one after another, then a third kind, in the same interpreter
  warm_ "warm blind_hunt --one speed 4000 13001" "$here/gen/blind_hunt.py" "$RIG" --one speed 4000 13001
  # its fresh run's output: same_ below holds python3 to it, where GEN_PY is
  # that pypy3, rather than run the draw in a fresh pypy3 again (1.5 s)
  [ "$c" -eq 0 ] && cp "$tmp/cold" "$tmp/fresh.13001"
  warm_ "warm blind_hunt --one ringing 4000 13002, next" "$here/gen/blind_hunt.py" "$RIG" --one ringing 4000 13002
  warm_ "warm red_hunt --one (its generator in the process)" "$here/gen/red_hunt.py" "$RIG" 1 0 \
    --one "--rate 1000 --freq 90 --noise-um 5 --step 1.15@0.8 --step-hz 10 --seed 12" --check cover,ends
  # a capture written to a file, the same bytes and truth
  gen_py "$here/gen/blind_capture.py" --out "$tmp/w.bin" --truth "$tmp/w.json" --seed 13004 \
    --fs 1000 --exposure-us 120 --noise-kind t3 >/dev/null 2>&1
  "$GEN_PY" "$here/gen/blind_capture.py" --out "$tmp/c.bin" --truth "$tmp/c.json" --seed 13004 \
    --fs 1000 --exposure-us 120 --noise-kind t3 >/dev/null 2>&1
  if [ -s "$tmp/c.bin" ] && cmp -s "$tmp/c.bin" "$tmp/w.bin" && cmp -s "$tmp/c.json" "$tmp/w.json"; then
    ok "warm blind_capture.py --out: $(wc -c <"$tmp/c.bin") bytes and the truth the same"
  else
    bad "warm blind_capture.py --out: the capture or its truth differs ($(wc -c <"$tmp/w.bin") bytes warm, $(wc -c <"$tmp/c.bin") fresh)"
  fi
  # a program on stdin (the suites' heredocs) and its exit status; an
  # exception and a refusal as the interpreter reports them
  printf '%s\n' 'import sys' 'sys.path.insert(0, sys.argv[1])' 'import blind_hunt as bh' \
    'print(sys.argv[2:], bh.draw("mixed", 4000.0, 13005))' 'sys.exit(3)' >"$tmp/stdin"
  warm_ "warm program on stdin, exit 3" - "$here/gen" a "b c"
  printf '%s\n' 'import sys' 'raise ValueError("from " + sys.argv[1])' >"$tmp/stdin"
  warm_ "warm exception: its last line, exit 1" - "$here/gen"
  : >"$tmp/stdin"
  warm_ "warm refusal: sys.exit(message)" "$here/gen/blind_capture.py" --out "$tmp/x.bin" --no-such 1
  # warm.py compiles a script once and again when its size or mtime
  # changes: a script edited between two requests runs as it now reads
  printf '%s\n' 'print("one")' >"$tmp/edited.py"
  a=$(gen_py "$tmp/edited.py" 2>&1)
  printf '%s\n' 'print("two", 2)' >"$tmp/edited.py"
  b=$(gen_py "$tmp/edited.py" 2>&1)
  if [ "$a|$b" = "one|two 2" ]; then
    ok "warm script edited between two requests: the new code run"
  else
    bad "warm script edited between two requests: '$a', then '$b' (expected 'one', then 'two 2')"
  fi
  # spawn.py, how the scripts run the rig (libc's system(), not a fork of
  # the warm interpreter), against subprocess.run: the same exit status
  # (a signal: -N), stdout and stderr as text (universal newlines)
  out=$(gen_py - "$here/gen" <<'PY' 2>&1
import subprocess
import sys
sys.path.insert(0, sys.argv[1])
import spawn
for cmd in ("echo out; echo err >&2; exit 3", "printf 'a\\r\\nb'; echo e >&2; kill -TERM $$"):
    a = spawn.run(["sh", "-c", cmd])
    b = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True)
    same = (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)
    print("same" if same else "differ", a.returncode, repr(a.stdout), repr(a.stderr),
          b.returncode, repr(b.stdout), repr(b.stderr))
PY
)
  case "$out" in
    "same 3 'out\n' 'err\n' "*"same -15 'a\nb' 'e\n' "*) ok "spawn.run as subprocess.run: exit 3, a signal (-15), stdout and stderr" ;;
    *) bad "spawn.run against subprocess.run: $(printf '%s\n' "$out" | tr '\n' ';')" ;;
  esac
fi

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
# warns there when /proc/cpuinfo names no cache size). With pypy3_out set,
# pypy3's output is that file: a fresh pypy3's run of CMD made above.
same_() {
  name=$1
  shift
  if ! python3 "$@" >"$tmp/py3" 2>"$tmp/py3.err"; then
    bad "$name: python3 failed: $(tail -1 "$tmp/py3.err")"
  elif [ -n "${pypy3_out:-}" ]; then
    cp "$pypy3_out" "$tmp/pypy3"
    if cmp -s "$tmp/py3" "$tmp/pypy3"; then
      ok "$name: $(wc -l <"$tmp/py3") lines the same (pypy3's: the fresh run above)"
    else
      bad "$name: python3 and pypy3 (the fresh run above) differ: $(diff "$tmp/py3" "$tmp/pypy3" | sed -n 2p)"
    fi
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
pypy3_out=
[ "$GEN_PY" = "$pypy3" ] && [ -s "$tmp/fresh.13001" ] && pypy3_out=$tmp/fresh.13001
same_ "blind_hunt --one speed 4000 13001: every figure" "$here/gen/blind_hunt.py" "$RIG" --one speed 4000 13001
finish

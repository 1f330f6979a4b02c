#!/bin/sh
# test_edges.sh - the rig at the edges a shell reaches: closed standard
# descriptors, a lock path that names somebody's file. Each case failed
# before its fix (issue 12).
set -u
SRC=$(pwd)
RIG="${RIG_BIN:-build/rig}"
case "$RIG" in /*) ;; *) RIG="$SRC/$RIG" ;; esac
RUNNER="${RIG_RUNNER:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
fail=0
n=0
check() { # check WHAT OK
  n=$((n + 1))
  if [ "$2" = 1 ]; then echo "ok   $1"; else echo "FAIL $1"; fail=$((fail + 1)); fi
}
yes_if() { if "$@"; then echo 1; else echo 0; fi; }
rig() { $RUNNER "$RIG" "$@"; }
PROF="$SRC/profiles/production-p25.ini"

# A copy of the virtual bench with its lock in the case's folder.
fixture() { # fixture DIR -> DIR/sim.ini
  mkdir -p "$1"
  cp "$SRC/fixtures/sim.ini" "$1/sim.ini"
  echo "$1/sim.ini"
}

# Every line of a published report is a CSV record (starts with a quote).
only_records() { ! grep -qv '^"' "$1"; }

# ---- closed standard descriptors (fds 0-2 reopened on /dev/null) --------
# Under make check-calendar, libfaketime holds its tree's shared start time
# open on the lowest free descriptor: with stdout closed that is fd 1, and
# the run's output went over it, breaking every later process's absolute
# sleeps (test_faketime.sh). These runs get a start time of their own.
rig() { env -u FAKETIME_SHARED $RUNNER "$RIG" "$@"; }
for how in 'stdout and stderr' 'stdin, stdout and stderr' 'stderr'; do
  d="$work/fds-$(echo "$how" | tr -c 'a-z' _)"
  fx=$(fixture "$d")
  case "$how" in
    'stdout and stderr') rig run --fixture "$fx" --profile "$PROF" --out "$d/r" >&- 2>&- ;;
    'stdin, stdout and stderr') rig run --fixture "$fx" --profile "$PROF" --out "$d/r" <&- >&- 2>&- ;;
    'stderr') rig run --fixture "$fx" --profile "$PROF" --out "$d/r" >"$d/out" 2>&- ;;
  esac
  rc=$?
  check "closed $how: exit 0 (got $rc)" "$([ $rc = 0 ] && echo 1 || echo 0)"
  rep=$(ls "$d"/r/*_PASS.csv 2>/dev/null | head -1)
  check "closed $how: the report is written" "$([ -n "$rep" ] && echo 1 || echo 0)"
  [ -n "$rep" ] && check "closed $how: no progress line inside the report" \
    "$(yes_if only_records "$rep")"
  check "closed $how: no progress line in any file ($(grep -rl 'rig run:' "$d" | tr '\n' ' '))" \
    "$(yes_if [ -z "$(grep -rl 'rig run:' "$d")" ])"
  check "closed $how: the fixture unchanged" "$(yes_if cmp -s "$fx" "$SRC/fixtures/sim.ini")"
  check "closed $how: summary.csv holds records only" "$(yes_if only_records "$d/r/summary.csv")"
done

rig() { $RUNNER "$RIG" "$@"; }

# ---- a lock path that names the fixture itself -------------------------
d="$work/lock-is-fixture"
fx=$(fixture "$d")
sed -i 's|^lock = .*|lock = sim.ini|' "$fx"
cp "$fx" "$d/before.ini"
rig run --fixture "$fx" --profile "$PROF" --out "$d/r" >"$d/out" 2>"$d/err"
rc=$?
check "lock = the fixture: exit 78 (got $rc)" "$([ $rc = 78 ] && echo 1 || echo 0)"
check "lock = the fixture: the fixture unchanged" "$(yes_if cmp -s "$fx" "$d/before.ini")"
check "lock = the fixture: the message names it ($(head -c 200 "$d/err"))" \
  "$(yes_if grep -q "sim.ini holds .* not a rig lock" "$d/err")"

# ---- rig zero and rig tare at once on one fixture -----------------------
# Each read the fixture, changed its keys and renamed its copy over it: the
# later rename threw the other's change away.
for i in 1 2 3; do
  d="$work/zero-tare-$i"
  fx=$(fixture "$d")
  rig zero --fixture "$fx" --out "$d/reports" --yes --wait-lock 60 >"$d/zero.out" 2>&1 &
  zp=$!
  rig tare --fixture "$fx" --out "$d/reports" --yes --wait-lock 60 >"$d/tare.out" 2>&1 &
  tp=$!
  wait $zp; zrc=$?
  wait $tp; trc=$?
  check "zero and tare at once ($i): both exit 0 (zero $zrc, tare $trc)" \
    "$([ $zrc = 0 ] && [ $trc = 0 ] && echo 1 || echo 0)"
  check "zero and tare at once ($i): both changes in the fixture" \
    "$(yes_if [ "$(grep -c '^zero_mm = 5.000 \|^offset_counts = 80000 ' "$fx")" = 0 ])"
  check "zero and tare at once ($i): 5 changes in its history" \
    "$(yes_if [ "$(grep -c '^20' "$fx.history")" = 5 ])"
done

# ---- hexadecimal numbers are refused wherever a person types one --------
d="$work/hex"
fx=$(fixture "$d")
hex() { # hex WANT_EXIT ARGS...
  want=$1; shift
  rig "$@" --fixture "$fx" >"$d/out" 2>"$d/err" </dev/null
  rc=$?
  check "hex refused: rig $* exits $want (got $rc: $(head -c 120 "$d/err"))" \
    "$([ $rc = "$want" ] && echo 1 || echo 0)"
}
hex 64 loadcell-cal --mass-g 0x10 --yes
hex 78 run --profile "$PROF" --out "$d/r" --sim laser.zero_mm=0x5
hex 78 run --profile "$PROF" --out "$d/r" --sim fault.laser.byte_drop=p=0x1
hex 64 sweep --depths 0x10 --freqs 100 --out "$d/s"
check "hex refused: the fixture unchanged" "$(yes_if cmp -s "$fx" "$SRC/fixtures/sim.ini")"

# ---- every command that talks to the bench takes its lock ---------------
# rig zero during a run took the laser over and aborted the run. Here the
# lock is held by another process (flock(1)): zero, tare, loadcell-cal,
# pen and monitor are refused with 75 and change nothing.
d="$work/lock-held"
fx=$(fixture "$d")
flock "$d/.sim-bench.lock" sleep 30 &
holder=$!
sleep 0.2
for c in "zero --yes --out $d/reports" "tare --yes --out $d/reports" "loadcell-cal --mass-g 100 --yes --out $d/reports" "pen" "monitor --count 1"; do
  # shellcheck disable=SC2086
  rig $c --fixture "$fx" $([ "$c" = pen ] && echo '*IDN?') >"$d/out" 2>"$d/err" </dev/null
  rc=$?
  check "lock held: rig $c exits 75 (got $rc: $(head -c 120 "$d/err"))" \
    "$([ $rc = 75 ] && echo 1 || echo 0)"
done
check "lock held: the fixture unchanged" "$(yes_if cmp -s "$fx" "$SRC/fixtures/sim.ini")"
# --wait-lock talks while it waits: a line at once and every 5 s.
start=$(date +%s)
rig zero --yes --wait-lock 7 --fixture "$fx" --out "$d/reports" >"$d/out" 2>"$d/err" </dev/null
rc=$?
waits=$(grep -c "waiting up to 7 s" "$d/err")
check "lock held: rig zero --wait-lock 7 exits 75 after waiting (got $rc after $(( $(date +%s) - start )) s)" \
  "$([ $rc = 75 ] && [ $(( $(date +%s) - start )) -ge 6 ] && echo 1 || echo 0)"
check "lock held: --wait-lock 7 said it waits at 0 s and 5 s ($waits lines)" \
  "$([ "$waits" = 2 ] && echo 1 || echo 0)"
# flock(1) holds the lock in its child (sleep): end that one, by its pid.
for p in $(ps -o pid= --ppid $holder); do kill "$p"; done
wait $holder 2>/dev/null
rig zero --yes --wait-lock 5 --fixture "$fx" --out "$d/reports" >"$d/out" 2>"$d/err" </dev/null
rc=$?
check "lock free again: rig zero --wait-lock 5 exits 0 (got $rc)" "$([ $rc = 0 ] && echo 1 || echo 0)"
# Their ledger entries go to the folder given, under the test's own; they
# went to ./reports/ledger.txt (the tree) before.
ledger_here() {
  [ "$(grep -c 'rig zero: \|rig tare: ' "$work/zero-tare-1/reports/ledger.txt" 2>/dev/null)" = 2 ] \
    && grep -q 'rig zero: ' "$d/reports/ledger.txt" && ! grep -qs "$work" reports/ledger.txt
}
check "rig zero's and rig tare's ledger entries in the --out folder, none in ./reports" "$(yes_if ledger_here)"

echo "test_edges: $((n - fail)) passed, $fail failed"
[ $fail -eq 0 ]

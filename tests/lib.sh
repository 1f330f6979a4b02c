# lib.sh - what every shell suite starts with, sourced first thing:
#   . "$(dirname "$0")/lib.sh"
# It sets RIG (the binary under test, $RIG_BIN or build/rig), RUNNER (qemu
# for a cross build, $RIG_RUNNER), here (tests/), root (the tree), suite
# (the script's name), tmp (a fresh folder, removed at exit: a suite that
# sets its own trap removes it there too) and fail (0), and gives
#   ok TEXT / bad TEXT   one line per check; bad counts a failure
#   skip N WHY           N cases not run, and why: said, and logged for make
#                        check's closing list (never counted as passed)
#   needs CMD [WHY]      a declared dependency: missing fails the suite (exit
#                        1, never a skip that would pass for a pass)
#   finish               the closing line; its status is the suite's
#   python3              the interpreter python3 starts, resolved once
#   GEN_PY               the interpreter of tests/gen's generators and hunts
#   gen_warm / gen_py    one GEN_PY for the suite's scripts (see below)
set -u
RIG="${RIG_BIN:-build/rig}"
RUNNER="${RIG_RUNNER:-}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
suite=$(basename "$0" .sh)
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
skip() {
  echo "skip $1 case(s): $2"
  [ -n "${RIG_SKIP_LOG:-}" ] && printf '%s\t%s\t%s\n' "$suite" "$1" "$2" >>"$RIG_SKIP_LOG"
  return 0
}
needs() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "$suite: FAIL: $1 not found: this suite declares it as a dependency${2:+ ($2)}"
  exit 1
}
finish() {
  [ "$fail" -eq 0 ] && echo "$suite: all passed" || echo "$suite: $fail failed"
  [ "$fail" -eq 0 ]
}
# python3 is resolved once to the interpreter it starts: a version
# manager's shim (pyenv's is a bash script) costs about 0.5 s of CPU at
# every start, and the capture suites start python hundreds of times. The
# same interpreter runs; without python3 nothing is defined and `needs
# python3` fails as before. It runs without the site module (-S): the
# tests' Python uses the standard library only, and site's start-up hooks
# (the .pth files of installed packages) cost most of a start (pyenv's
# 3.11: 80 ms of CPU, 15 ms with -S, at 800-1000 starts a make check).
if py3=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$py3" ]; then
  python3() { "$py3" -S "$@"; }
fi
# GEN_PY runs the long capture generators and hunts of tests/gen (pure
# Python, standard library only): pypy3 where it is installed (deps.sh
# installs it: it makes the same bytes, figures and truth,
# test_gen_identity), python3 otherwise; RIG_GEN_PY names another. The
# capture suites run their scripts under it in one warm interpreter
# (gen_warm, gen_py below), and a 60 s capture runs under it; other short
# scripts stay on python3: a fresh pypy3 starts and warms up slower (a 2 s
# physics_capture.py: 0.13 s of CPU under python3, 0.3 s under pypy3).
if [ -n "${RIG_GEN_PY:-}" ]; then
  GEN_PY=$RIG_GEN_PY
elif GEN_PY=$(command -v pypy3 2>/dev/null); then
  :
else
  GEN_PY=${py3:-python3}
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
# gen_warm starts one GEN_PY for the rest of the suite (tests/gen/warm.py)
# and gen_py ARGS runs `"$GEN_PY" ARGS` in it: the same output, exit status
# and files, without starting and warming an interpreter at every draw
# (pypy3 compiles the generators' loops once: the blind suite's CPU
# halves). Its output reaches the caller when the script has ended,
# stdout then stderr. Without gen_warm, or with RIG_GEN_WARM=0, gen_py
# starts "$GEN_PY" itself. The interpreter ends with the suite (its
# request pipe, fd 9, closes), which waits for it.
gen_warm() {
  [ "${RIG_GEN_WARM:-1}" = 0 ] && return 0
  mkfifo "$tmp/warm.req" || return 0
  exec 9<>"$tmp/warm.req"
  "$GEN_PY" "$here/gen/warm.py" "$tmp/warm.req" </dev/null 9>&- &
  warm_pid=$!
  # at exit: the pipe closed, the interpreter waited for (its CPU time is
  # then the suite's: make check's .time files count waited children)
  trap 'exec 9>&-; wait "$warm_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
  while [ ! -e "$tmp/warm.req.ready" ]; do
    kill -0 "$warm_pid" 2>/dev/null || { echo "gen_warm: $GEN_PY warm.py did not start" >&2; warm_pid=; return 0; }
    sleep 0.05
  done
}
gen_py() {
  if [ -z "${warm_pid:-}" ]; then
    "$GEN_PY" "$@"
    return
  fi
  kill -0 "$warm_pid" 2>/dev/null || { echo "gen_py: the warm $GEN_PY (pid $warm_pid) has ended" >&2; return 1; }
  _gw=$(mktemp -d "$tmp/warm.XXXXXX") || return 1
  printf '%s\0' "$@" >"$_gw/argv"
  pwd >"$_gw/cwd"
  [ "$1" = - ] && cat >"$_gw/stdin"
  mkfifo "$_gw/done"
  echo "$_gw" >&9
  read -r _gw_rc <"$_gw/done" || _gw_rc=
  cat "$_gw/out" 2>/dev/null
  cat "$_gw/err" >&2 2>/dev/null
  rm -rf "$_gw"
  [ -n "$_gw_rc" ] || { echo "gen_py: the warm $GEN_PY gave no exit status for: $*" >&2; return 1; }
  return "$_gw_rc"
}

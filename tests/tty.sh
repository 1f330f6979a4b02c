# tty.sh - a real terminal (a tmux pane) for the suites that drive one;
# sourced after lib.sh:
#   . "$(dirname "$0")/lib.sh"; . "$here/tty.sh"
# tmux is a declared dependency (deps.sh); it runs under make
# check-calendar's libfaketime too (docs/ci.md). It sets R (the binary's full path) and
# gives, each command with its own tmux server, all ended at exit:
#   start CMD       `rig CMD` in a fresh pane ($TTY_COLS x $TTY_ROWS, in
#                   $tmp), its exit code printed after it as EXIT=N
#   screen          the pane's text (with 100 lines of history)
#   wait_for TEXT   up to 30 s for TEXT on the screen; else shows it (on
#                   stderr, so a caller hiding stdout still shows it), false
#   keys KEY...     tmux send-keys (C-o, Enter, Escape, -l TEXT)
#   type_line TEXT  TEXT and Enter
needs tmux "deps.sh installs it"
R="$root/$RIG"
[ -x "$R" ] || R="$RIG"
TTY_COLS=${TTY_COLS:-150}
TTY_ROWS=${TTY_ROWS:-40}
tty_n=0
sock="$tmp/tmux.0"
trap 'for s in "$tmp"/tmux.*; do tmux -S "$s" kill-server 2>/dev/null; done; rm -rf "$tmp"' EXIT INT TERM

start() {
  tmux -S "$sock" kill-server 2>/dev/null
  tty_n=$((tty_n + 1)); sock="$tmp/tmux.$tty_n"
  tmux -S "$sock" new-session -d -x "$TTY_COLS" -y "$TTY_ROWS" \
    "cd '$tmp' && RIG_KEY='${RIG_KEY:-}' $RUNNER '$R' $1; echo EXIT=\$?; sleep 60"
}
screen() { tmux -S "$sock" capture-pane -p -S -100 2>/dev/null; }
wait_for() {
  i=0
  while [ $i -lt 300 ]; do
    screen | grep -qF "$1" && return 0
    sleep 0.1; i=$((i + 1))
  done
  { echo "  (waited 30 s for '$1'; screen:)"; screen | sed 's/^/  | /'; } >&2
  return 1
}
keys() { tmux -S "$sock" send-keys -t 0 "$@"; }
type_line() { keys -l "$1"; keys Enter; }

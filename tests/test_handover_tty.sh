#!/bin/sh
# test_handover_tty.sh - the change of operator within a shift (Ctrl-O,
# issue 19), at a real terminal (a tmux pane): with [access] the operator
# is signed out at once and the next signs in with ID and PIN (an empty
# sign-in and a wrong PIN refused, the old operator never silently kept);
# the next unit's report names the new operator, the shift report both, the
# ledger each sign-out and sign-in. Without [access] Esc cancels and the
# operator stays. With two sockets the key waits for no socket testing.
. "$(dirname "$0")/lib.sh"
TTY_COLS=100 TTY_ROWS=30
. "$here/tty.sh"
work=$tmp
src=$root
P="$src/profiles/production-p25.ini"
export RIG_KEY="$work/no.key"
# newest DIR: the newest unit report in DIR (not summary.csv, not the shift report).
newest() { ls -t "$1"/2*.csv 2>/dev/null | head -1; }
# op FILE: the operator column of a unit report (its 4th).
op() { sed -n 2p "$1" 2>/dev/null | cut -d, -f4; }
# unit SERIAL DIR: scan, start, wait for the unit's report in DIR.
unit() {
  n0=$(ls "$2"/2*.csv 2>/dev/null | wc -l)
  type_line "$1"
  wait_for "to start" >/dev/null && keys Enter
  i=0; while [ $i -lt 300 ] && [ "$(ls "$2"/2*.csv 2>/dev/null | wc -l)" -le "$n0" ]; do sleep 0.1; i=$((i + 1)); done
  wait_for "Report:" >/dev/null
}

# ---- 1. With access control: ann hands over to olly ---------------------
cp "$src/fixtures/sim.ini" "$work/sim.ini"
printf '\n[access]\noperators = operators.txt\n' >> "$work/sim.ini"
echo 73915 > "$work/ann.pin"; echo 24680 > "$work/olly.pin"
RIG_NEW_PIN_FILE="$work/ann.pin" $RUNNER "$R" operator add ann --name 'Ann Admin' --role admin \
  --fixture "$work/sim.ini" --out "$work/reports" </dev/null >/dev/null 2>&1 || bad "operator add ann"
RIG_PIN_FILE="$work/ann.pin" RIG_NEW_PIN_FILE="$work/olly.pin" $RUNNER "$R" operator add olly \
  --name 'Olly Operator' --role operator --operator ann --fixture "$work/sim.ini" \
  --out "$work/reports" </dev/null >/dev/null 2>&1 || bad "operator add olly"
D="$work/reports"
start "station --fixture sim.ini --profile '$P' --out reports"
if wait_for "Sign in"; then
  type_line ann; wait_for "PIN:" && type_line 73915
  wait_for "scan the serial" >/dev/null
  screen | grep -q "Ctrl-O: change operator" && ok "the scan screen's key line shows Ctrl-O" ||
    bad "no Ctrl-O in the key line: $(screen | tail -1)"
  unit MN3-000301 "$D"
  r1=$(newest "$D")
  grep -q "access control: on (ann Ann Admin, admin)" "$r1" && [ "$(op "$r1")" = '"ann"' ] &&
    ok "unit 1's report names ann" ||
    bad "unit 1's report: $(grep -i 'access control' "$r1")"
  keys C-o
  if wait_for "Change of operator (from ann)"; then
    screen | grep -q "ann is signed out" && ok "Ctrl-O on the result screen: ann is signed out at once" ||
      bad "hand-over screen: $(screen | grep -i ann)"
    grep "operator.signed-out	SIM-01	-	ann" "$D/ledger.txt" >/dev/null &&
      ok "ann's sign-out is in the ledger before the next one signs in" || bad "no sign-out of ann in the ledger"
    keys Enter
    wait_for "Nothing was entered" >/dev/null && ok "an empty sign-in is refused on screen" || bad "empty sign-in not refused"
    type_line olly; wait_for "PIN:" && type_line 11111
    if wait_for "wrong PIN for olly"; then
      s=$(screen)
      echo "$s" | grep -q "operator: ann" && bad "after a wrong PIN the header still names ann" ||
        ok "a wrong PIN is refused; ann is not kept as the operator"
      echo "$s" | grep -q "scan the serial" && bad "a unit can be scanned after a wrong PIN" ||
        ok "after a wrong PIN the station asks to sign in, no unit can be scanned"
    else bad "wrong PIN not refused"; fi
    type_line olly; wait_for "PIN:" && type_line 24680
    if wait_for "olly took over from ann"; then ok "olly signs in with ID and PIN; the shift goes on"
    else bad "olly not signed in"; fi
    screen | grep -q "Unit 2: scan the serial" && ok "the shift's unit count goes on (unit 2)" ||
      bad "unit count: $(screen | grep -i unit)"
    unit MN3-000302 "$D"
    r2=$(newest "$D")
    [ "$r2" != "$r1" ] && grep -q "access control: on (olly Olly Operator, operator)" "$r2" &&
      ok "the next unit's report names olly" || bad "unit 2's report $r2: $(grep -i 'access control' "$r2")"
    [ "$(op "$r2")" = '"olly"' ] && ok "unit 2's operator column is olly" || bad "unit 2's operator: $(op "$r2")"
  else bad "Ctrl-O did not start a change of operator"; fi
  keys C-d; sleep 0.3; keys y
  wait_for "EXIT=" >/dev/null
  screen | grep -q "EXIT=0" && ok "the shift ends normally" || bad "exit: $(screen | grep EXIT=)"
  sh=$(ls "$D"/shift_*.csv 2>/dev/null | head -1)
  if [ -n "$sh" ]; then
    grep -q '^"operators","ann; olly"' "$sh" && ok "the shift report names both operators" ||
      bad "shift report operators: $(grep operators "$sh")"
    grep -q '^"runs_by_operator: ann",1' "$sh" && grep -q '^"runs_by_operator: olly",1' "$sh" &&
      ok "the shift report counts one run each" || bad "runs by operator: $(grep runs_by "$sh")"
    grep -q '^"runs",2' "$sh" && ok "one shift: 2 runs in one report" || bad "runs: $(grep '"runs"' "$sh")"
  else bad "no shift report"; fi
  l="$D/ledger.txt"
  ev=$(cut -f3,6 "$l" | grep -E "operator.signed|access.refused" | tr '\t' ' ' | tr '\n' '|')
  case "$ev" in
    *"operator.signed-in ann|operator.signed-out ann|access.refused olly|operator.signed-in olly|operator.signed-out olly|")
      ok "ledger: ann in, ann out, olly refused, olly in, olly out" ;;
    *) bad "ledger order: $ev" ;;
  esac
else bad "no sign-in screen"; fi

# ---- 2. A hand-over cancelled with access control: nobody, not ann ------
start "station --fixture sim.ini --profile '$P' --out reports"
if wait_for "Sign in"; then
  type_line ann; wait_for "PIN:" && type_line 73915
  wait_for "scan the serial" >/dev/null
  keys C-o
  wait_for "ann is signed out" >/dev/null
  keys Escape
  sleep 0.3
  screen | grep -q "scan the serial" && bad "Esc returned to ann after her sign-out" ||
    ok "with access control Esc does not bring ann back"
  keys C-c
  wait_for "EXIT=" >/dev/null && ok "Ctrl-C at the hand-over's sign-in ends the shift (under nobody)" ||
    bad "the shift did not end"
  tail -1 "$D/ledger.txt" | grep -q "operator.signed-out	SIM-01	-	ann" &&
    ok "ledger: ann's sign-out is the last entry (no second one)" || bad "ledger tail: $(tail -2 "$D/ledger.txt" | cut -f3-6)"
else bad "station 2: no sign-in screen"; fi

# ---- 3. Without access control: Esc cancels, a name hands over ----------
D3="$work/plain"
start "station --fixture '$src/fixtures/sim.ini' --profile '$P' --out plain"
if wait_for "Sign in"; then
  type_line Bea
  wait_for "scan the serial" >/dev/null
  type_line MN3-000311; wait_for "to start" >/dev/null
  keys C-o
  wait_for "Change of operator (from Bea)" >/dev/null && ok "Ctrl-O on the ready screen asks for the next name" ||
    bad "Ctrl-O on the ready screen"
  keys Escape
  if wait_for "cancelled: Bea is still signed in"; then
    screen | grep -q "operator: Bea" && ok "without access control Esc keeps Bea" || bad "header: $(screen | grep -i operator)"
  else bad "cancel"; fi
  keys C-o; wait_for "Change of operator" >/dev/null
  keys Enter; wait_for "Nothing was entered" >/dev/null && ok "an empty name is refused at the hand-over" || bad "empty name"
  type_line Cy
  wait_for "Cy took over from Bea" >/dev/null && ok "Cy takes over by name" || bad "Cy"
  unit MN3-000312 "$D3"
  [ "$(op "$(newest "$D3")")" = '"Cy"' ] && ok "the unit's report names Cy" || bad "report's operator: $(op "$(newest "$D3")")"
  keys C-d; sleep 0.3; keys y
  wait_for "EXIT=" >/dev/null
  ev=$(cut -f3,6 "$D3/ledger.txt" | grep operator.signed | tr '\t' ' ' | tr '\n' '|')
  [ "$ev" = "operator.signed-in Bea|operator.signed-out Bea|operator.signed-in Cy|operator.signed-out Cy|" ] &&
    ok "ledger: Bea in, out (once: the cancel wrote nothing), Cy in, out" || bad "ledger: $ev"
  grep -q '^"runs_by_operator: Bea",0' "$D3"/shift_*.csv && grep -q '^"runs_by_operator: Cy",1' "$D3"/shift_*.csv &&
    ok "shift report: Bea 0 runs, Cy 1" || bad "runs by operator: $(grep runs_by "$D3"/shift_*.csv)"
  grep -q '^"operators","Bea; Cy"' "$D3"/shift_*.csv && ok "shift report: Bea; Cy (Bea with no unit too)" ||
    bad "shift report: $(grep operators "$D3"/shift_*.csv)"
else bad "station 3: no sign-in screen"; fi

# ---- 4. Two sockets: the key waits until no socket is testing ----------
if [ -n "${RIG_RUNNER:-}" ]; then
  skip 1 "two sockets: the station forks a process per socket (fork() hangs under qemu-user)"
else
  mkdir -p "$work/two"
  cp "$src/fixtures/sim-2up.ini" "$work/two/sim-2up.ini"
  start "station --fixture two/sim-2up.ini --profile '$P' --out two/reports --operator Tess --rehearsal"
  if wait_for "Scan for socket A"; then
    screen | grep -q "Ctrl-O: operator" && ok "two sockets: the key line shows Ctrl-O" || bad "two sockets key line: $(screen | tail -1)"
    type_line MN3-000321
    wait_for "TESTING" >/dev/null
    keys C-o
    wait_for "wait until no socket is testing (1 testing now)" >/dev/null &&
      ok "two sockets: Ctrl-O while a socket tests is refused, saying why" || bad "two sockets: no refusal"
    screen | grep -q "operator: Tess" && ok "two sockets: Tess stays signed in" || bad "two sockets: header"
    keys C-d; sleep 0.3; keys y
    wait_for "EXIT=" >/dev/null
  else bad "two sockets: no station"; fi
  start "station --fixture two/sim-2up.ini --profile '$P' --out two/reports --operator Tess"
  if wait_for "Scan for socket A"; then
    type_line MN3-000322
    # Done when the shift counts it (the header: "1 units tested: ...").
    wait_for "1 units tested:" >/dev/null
    keys C-o
    if wait_for "Change of operator (from Tess)"; then
      type_line Uma
      wait_for "Uma took over from Tess" >/dev/null && ok "two sockets: Uma takes over when no socket tests" ||
        bad "two sockets: hand-over"
      n0=$(ls "$work/two/reports"/2*.csv | wc -l)
      type_line MN3-000323
      i=0; while [ $i -lt 300 ] && [ "$(ls "$work/two/reports"/2*.csv | wc -l)" -le "$n0" ]; do sleep 0.1; i=$((i + 1)); done
      sleep 0.5
      [ "$(op "$(newest "$work/two/reports")")" = '"Uma"' ] && ok "two sockets: the next unit's report names Uma" ||
        bad "two sockets: the report's operator: $(op "$(newest "$work/two/reports")")"
    else bad "two sockets: Ctrl-O did not hand over"; fi
    keys C-d; sleep 0.3; keys y
    wait_for "EXIT=" >/dev/null
  else bad "two sockets 2: no station"; fi
fi

finish

#!/bin/sh
# test_pin_tty.sh - PINs typed at a real terminal (a tmux pane): never
# echoed, asked twice for a new person, and checked: rig operator add
# makes the first admin, rig sign with the right PIN signs, with a wrong
# PIN is refused (exit 77). tmux is a declared dependency (deps.sh).
. "$(dirname "$0")/lib.sh"
. "$here/tty.sh"
work=$tmp
src=$root

cp "$src/fixtures/sim.ini" "$work/sim.ini"
printf '\n[access]\noperators = operators.txt\n' >> "$work/sim.ini"
export RIG_KEY="$work/no.key"

# 1. The first admin, new PIN asked twice, never shown.
start "operator add ann --name 'Ann Admin' --role admin --fixture sim.ini --out reports"
if wait_for "new PIN for ann:"; then
  type_line 73915
  wait_for "again:" && type_line 73915
  if wait_for "EXIT="; then
    s=$(screen)
    echo "$s" | grep -q "EXIT=0" && ok "operator add at a terminal: exit 0" || bad "operator add: $(echo "$s" | tail -3)"
    echo "$s" | grep -q 73915 && bad "the PIN was echoed" || ok "the new PIN is not echoed"
  else bad "operator add did not finish"; fi
else bad "no PIN prompt"; fi

# 2. Two different PINs: nothing changes.
start "operator add bob --name 'Bob' --role engineer --operator ann --fixture sim.ini --out reports"
if wait_for "PIN for ann:"; then
  type_line 73915
  wait_for "new PIN for bob:" && type_line 1111
  wait_for "again:" && type_line 2222
  wait_for "EXIT=" && { screen | grep -q "EXIT=64" && screen | grep -q "the two PINs differ" &&
    ok "two different new PINs: refused, exit 64" || bad "different PINs: $(screen | tail -3)"; }
else bad "no admin PIN prompt"; fi

# 3. A report signed at the terminal; a wrong PIN refused.
echo 73915 > "$work/ann.pin"
RIG_PIN_FILE="$work/ann.pin" $RUNNER "$R" run --fixture "$work/sim.ini" --out "$work/reports" \
  --operator ann < /dev/null > "$work/run.out" 2>/dev/null
rep=$(sed -n 's/^PASS [^ ]* \([^ ]*\) .*/\1/p' "$work/run.out")
if [ -n "$rep" ]; then
  start "sign '$rep' --meaning approved --operator ann --fixture sim.ini"
  wait_for "PIN for ann:" && type_line 73915
  if wait_for "EXIT="; then
    s=$(screen)
    echo "$s" | grep -q "EXIT=0" && echo "$s" | grep -q "signed: .*Ann Admin (ann), approved" &&
      ok "signed at a terminal" || bad "sign: $(echo "$s" | tail -3)"
    echo "$s" | grep -q 73915 && bad "the PIN was echoed" || ok "the PIN is not echoed"
  else bad "sign did not finish"; fi
  start "sign '$rep' --meaning reviewed --operator ann --fixture sim.ini"
  wait_for "PIN for ann:" && type_line 00000
  wait_for "EXIT=" && { screen | grep -q "EXIT=77" && screen | grep -q "wrong PIN for ann" &&
    ok "wrong PIN at a terminal: refused, exit 77" || bad "wrong PIN: $(screen | tail -3)"; }
else
  bad "rig run made no report: $(cat "$work/run.out")"
fi

# 4. Station sign-in: ID, then the PIN as stars; a wrong PIN is shown and
# the ID asked again; every step on the record.
start "station --fixture sim.ini --profile '$src/profiles/production-p25.ini' --out reports"
if wait_for "Sign in"; then
  type_line ann
  wait_for "PIN:" && type_line 11111
  if wait_for "wrong PIN for ann"; then ok "station: a wrong PIN is refused on screen"; else bad "station: no refusal shown"; fi
  type_line ann
  wait_for "PIN:" && { tmux -S "$sock" send-keys -t 0 -l 739; sleep 0.3; }
  screen | grep -q "PIN: \*\*\*_" && ok "station: the PIN shows as stars" || bad "station: PIN not starred: $(screen | grep PIN)"
  tmux -S "$sock" send-keys -t 0 -l 15; tmux -S "$sock" send-keys -t 0 Enter
  if wait_for "scan the serial"; then ok "station: signed in with ID and PIN"; else bad "station: not signed in"; fi
  screen | grep -q 73915 && bad "station: the PIN was shown" || ok "station: the PIN is never shown"
  # One unit: its report says who ran it.
  n0=$(ls "$work/reports"/2*.csv 2>/dev/null | wc -l)
  type_line MN3-000123
  wait_for "press Enter to start" >/dev/null && tmux -S "$sock" send-keys -t 0 Enter
  i=0; while [ $i -lt 100 ] && [ "$(ls "$work/reports"/2*.csv 2>/dev/null | wc -l)" -le "$n0" ]; do sleep 0.1; i=$((i + 1)); done
  rep=$(ls -t "$work/reports"/2*.csv 2>/dev/null | head -1)
  grep -q "access control: on (ann Ann Admin, admin)" "$rep" 2>/dev/null &&
    ok "station: the unit's report says access control is on, by ann" || bad "station: report $rep lacks the access line"
  # After a verdict, Ctrl-D asks before it ends the shift.
  wait_for "Ctrl-D: end the shift" >/dev/null && tmux -S "$sock" send-keys -t 0 C-d
  wait_for "End the shift?" >/dev/null && tmux -S "$sock" send-keys -t 0 y
  wait_for "EXIT=" >/dev/null || bad "station: the shift did not end after Ctrl-D, y"
  l="$work/reports/ledger.txt"
  grep -q "	access.refused	station sign-in	-	ann	refused: wrong PIN" "$l" &&
    grep -q "	operator.signed-in	SIM-01	-	ann	station=SIM-01; name=Ann Admin; access control: on (ann Ann Admin, admin)" "$l" &&
    grep -q "	operator.signed-out	SIM-01	-	ann	" "$l" &&
    ok "station: refusal, sign-in and sign-out on the record" || bad "station ledger: $(cut -f3-7 "$l" | tail -4)"
else bad "station: no sign-in screen"; fi

# 5. A profile edited since its first use (above, by the station's unit):
# an operator cannot sign in to use it first, an admin can; on the record.
echo 24680 > "$work/olly.pin"
RIG_PIN_FILE="$work/ann.pin" RIG_NEW_PIN_FILE="$work/olly.pin" $RUNNER "$R" operator add olly \
  --name 'Olly Operator' --role operator --operator ann --fixture "$work/sim.ini" \
  --out "$work/reports" </dev/null >/dev/null 2>&1 || bad "operator add olly from files"
sed 's/^\[profile\]/; limits reviewed\n[profile]/' "$src/profiles/production-p25.ini" > "$work/p25.ini"
start "station --fixture sim.ini --profile '$work/p25.ini' --out reports"
if wait_for "Sign in"; then
  type_line olly
  wait_for "PIN:" && type_line 24680
  if wait_for "an engineer or admin must sign in"; then
    screen | grep -q "production-p25" && ok "station: edited profile, an operator is refused, naming it" ||
      bad "station: refusal does not name the profile: $(screen | grep -i refused)"
  else bad "station: operator signed in to an edited profile"; fi
  type_line ann
  wait_for "PIN:" && type_line 73915
  if wait_for "scan the serial"; then ok "station: an admin signs in to the edited profile"; else bad "station: admin not signed in"; fi
  # Edited again during the shift: the next unit is refused, not run.
  echo "; edited during the shift" >> "$work/p25.ini"
  type_line MN3-000124
  wait_for "press Enter to start" >/dev/null && tmux -S "$sock" send-keys -t 0 Enter
  if wait_for "changed since this shift began"; then ok "station: a profile edited during the shift stops the next unit"
  else bad "station: the unit ran with a profile edited during the shift"; fi
  tmux -S "$sock" send-keys -t 0 C-d; sleep 0.3; tmux -S "$sock" send-keys -t 0 y
  wait_for "EXIT=" >/dev/null
  grep -q "	access.refused	station sign-in: first use of edited profile production-p25	-	olly	refused: olly is operator" \
    "$work/reports/ledger.txt" && ok "station: the refusal is on the record" ||
    bad "station: refusal not logged: $(cut -f3-7 "$work/reports/ledger.txt" | tail -3)"
else bad "station (edited profile): no sign-in screen"; fi

finish

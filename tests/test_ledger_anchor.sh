#!/bin/sh
# test_ledger_anchor.sh - a ledger cut back at an entry boundary together
# with its reports looks intact on the station (rig verify alone: exit 0);
# against a head kept off the station it does not. Heads are kept two
# ways (docs/records.md "An anchor off the station"): written down from
# `rig verify --head` and given back with --anchor, and anchored on the
# line's real PostgreSQL (started here, tests/db/pg.sh) by `rig sync`,
# compared by `rig verify --db`. A ledger rewritten past an anchor is named
# too, and an anchor on the line is never replaced by a later sync.
# The same sync carries the marks of units to be assessed (a failed bench
# check's) to the line, where `rig history --db` shows them.
. "$(dirname "$0")/lib.sh"
PG_TESTS="$here/db"
. "$PG_TESTS/pg.sh"
trap 'pg_teardown; rm -rf "$tmp"' EXIT INT TERM
rig() { $RUNNER "$RIG" "$@"; }
FX="$tmp/sim.ini"
cp "$root/fixtures/sim.ini" "$FX"
R="$tmp/reports"
run() { rig run --fixture "$FX" --out "$R" --sim seed=$1 --sim "pen.serial=MN3-00$1" >/dev/null 2>&1; }
lines() { wc -l < "$R/ledger.txt" | tr -d ' '; }
# The head as `rig verify --head` prints it: "SEQ HASH".
head_of() { rig verify --head "$R" | sed -n 's/.*: head: entry \([0-9]*\), .*, sha256 \([0-9a-f]*\) .*/\1 \2/p'; }

pg_setup "$tmp"; rc=$?
if [ $rc = 77 ]; then echo "$suite: SKIP: no PostgreSQL binaries (deps.sh installs postgresql)"; exit 77; fi
[ $rc = 0 ] || { echo "FAIL cannot start PostgreSQL"; exit 1; }
rig db migrate --passfile "$PG_PASSFILE" "$PG_URL" >/dev/null 2>&1 || bad "rig db migrate"
sync_() { rig sync --out "$R" --db "$PG_URL" --passfile "$PG_PASSFILE" >"$tmp/sync.out" 2>&1; }

for i in 1 2 3; do run $i; done
set -- $(head_of); n=$1; hash_n=$2
[ "$n" = "$(lines)" ] && [ ${#hash_n} = 64 ] && ok "rig verify --head: entry $n, a 64-digit SHA-256" \
  || bad "--head: '$n' '$hash_n' (ledger of $(lines) lines)"
sync_ && grep -q "ledger head anchored on the line: entry $n" "$tmp/sync.out" \
  && ok "rig sync anchors the head on the line (entry $n)" || bad "sync: $(cat "$tmp/sync.out")"
a=$(pg_sql "SELECT seq || ' ' || entry_hash || ' ' || station FROM ledger_anchors")
[ "$a" = "$n $hash_n SIM-01" ] && ok "the line holds entry $n, its hash and the station" || bad "line holds '$a'"
sync_; grep -q "anchored" "$tmp/sync.out" && bad "the same head anchored twice: $(cat "$tmp/sync.out")" \
  || ok "a sync with nothing new anchors nothing again"

for i in 4 5; do run $i; done
set -- $(head_of); m=$1; hash_m=$2
sync_ && grep -q "entry $m" "$tmp/sync.out" && ok "two runs later the new head is anchored (entry $m)" \
  || bad "second anchor: $(cat "$tmp/sync.out")"
rig verify --db "$PG_URL" --passfile "$PG_PASSFILE" "$R" >"$tmp/v0" 2>&1; rc=$?
[ $rc = 0 ] && grep -q "2 anchored head(s) compared" "$tmp/v0" && ok "intact against the line: 2 anchors compared" \
  || bad "verify --db before the cut: exit $rc: $(cat "$tmp/v0")"

# Cut the ledger back to entry n and remove the reports of the cut entries.
cp -r "$R" "$tmp/whole"
cut -f4 "$R/ledger.txt" | tail -n +$((n + 1)) | grep '\.csv$' | while read -r f; do rm -f "$R/$f"; done
head -n "$n" "$tmp/whole/ledger.txt" > "$R/ledger.txt"
rm -f "$R"/index.sqlite*
rig verify "$R" >"$tmp/v1" 2>&1; rc=$?
[ $rc = 0 ] && ok "cut back with its reports: rig verify alone sees nothing (exit 0: why the anchor)" \
  || bad "the cut is visible locally after all (exit $rc): $(cat "$tmp/v1")"
rig verify --db "$PG_URL" --passfile "$PG_PASSFILE" "$R" >"$tmp/v2" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "ledger cut back: the line (SIM-01, anchored .*) holds entry $m (sha256 ${hash_m%"${hash_m#????????????????}"}...), but .* ends at entry $n" "$tmp/v2" \
  && ok "against the line: exit 1, 'ledger cut back' naming entry $m and the end at $n" \
  || bad "verify --db after the cut: exit $rc: $(cat "$tmp/v2")"
rig verify --anchor "$m:$hash_m" "$R" >"$tmp/v3" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "ledger cut back: the head given (--anchor $m:" "$tmp/v3" \
  && ok "against the head written down (--anchor): exit 1, cut back" || bad "--anchor: exit $rc: $(cat "$tmp/v3")"
short=$(echo "$hash_n" | cut -c1-16)
rig verify --anchor "$n:$short" "$R" >/dev/null 2>&1 && ok "--anchor with the summary's 16 digits: intact up to entry $n" \
  || bad "--anchor $n:$short"

# New runs on the cut ledger reach entry m again, with other bytes: rewritten;
# the line keeps the first anchor of entry m.
for i in 6 7; do run $i; done
sync_
rig verify --db "$PG_URL" --passfile "$PG_PASSFILE" "$R" >"$tmp/v4" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "ledger rewritten: entry $m is .*, but the line .* holds ${hash_m%"${hash_m#????????????????}"}" "$tmp/v4" \
  && ok "grown again past the cut: 'ledger rewritten' at entry $m" || bad "rewritten: exit $rc: $(cat "$tmp/v4")"
h=$(pg_sql "SELECT entry_hash FROM ledger_anchors WHERE seq = $m")
[ "$h" = "$hash_m" ] && ok "the line's anchor of entry $m is the first one, not replaced" || bad "anchor of $m now '$h'"

# The station's own index holds the heads the line acknowledged.
rig verify --db "$tmp/whole/index.sqlite" "$tmp/whole" >"$tmp/v5" 2>&1; rc=$?
[ $rc = 0 ] && grep -q "2 anchored head(s) compared" "$tmp/v5" && ok "the whole copy against its index's anchors: intact" \
  || bad "index anchors: exit $rc: $(cat "$tmp/v5")"

# A failed bench check marks the unit judged since the last good one; the
# mark goes to the line with the next sync, once.
C="$tmp/checked.ini"; Q="$tmp/qa"
cp "$FX" "$C"
printf '\n[check]\nreference = %s/fixtures/reference-sim.ini\ninterval_h = 8\n' "$root" >>"$C"
rig check --fixture "$C" --out "$Q" >/dev/null 2>&1 || bad "a good check"
rig run --fixture "$C" --out "$Q" --sim pen.serial=UNIT-Q >/dev/null 2>&1 || bad "unit Q"
rig check --fixture "$C" --out "$Q" --sim laser.zero_mm=5.03 >/dev/null 2>&1
rig sync --out "$Q" --db "$PG_URL" --passfile "$PG_PASSFILE" >"$tmp/sync.out" 2>&1
grep -q "1 unit(s) to be assessed marked on the line" "$tmp/sync.out" && ok "rig sync sends the unit's mark" \
  || bad "marks: $(cat "$tmp/sync.out")"
rig sync --out "$Q" --db "$PG_URL" --passfile "$PG_PASSFILE" >"$tmp/sync.out" 2>&1
grep -q "marked" "$tmp/sync.out" && bad "the mark sent twice: $(cat "$tmp/sync.out")" || ok "and only once"
rig history --db "$PG_URL" --passfile "$PG_PASSFILE" UNIT-Q >"$tmp/h.out" 2>&1
grep -q 'PASS .*\[to be assessed\]' "$tmp/h.out" && ok "rig history --db on the line: UNIT-Q to be assessed" \
  || bad "history on the line: $(cat "$tmp/h.out")"
n=$(pg_sql "SELECT count(*) FROM assessments")
[ "$n" = 1 ] && ok "the line holds one mark" || bad "line marks: $n"

for a in "5" "x:$hash_n" "0:$hash_n" "3:abc" "3:$hash_n$hash_n"; do
  rig verify --anchor "$a" "$R" >/dev/null 2>&1; rc=$?
  [ $rc = 64 ] || bad "--anchor '$a': exit $rc, expected 64"
done
ok "malformed --anchor values: exit 64"
finish

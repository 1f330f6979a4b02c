#!/bin/sh
# test_store_questions.sh - `rig history`, `rig impact` and `rig stats --db`
# agree with the same questions answered from the CSV reports directly
# (tests/db/answers.py, Python's csv module; `rig stats` over the files),
# on the station's index and on the line's PostgreSQL (started here). The
# reports: two stations, retests, a FAIL, an ABORTED run, a unit's serial
# typed in another case. Skips (77) without PostgreSQL's binaries.
. "$(dirname "$0")/lib.sh"
PG_TESTS="$here/db"
. "$PG_TESTS/pg.sh"
trap 'pg_teardown; rm -rf "$tmp"' EXIT INT TERM
rig() { $RUNNER "$RIG" "$@"; }
ans() { python3 "$PG_TESTS/answers.py" "$@"; }
same() { ans same "$1" "$2" >"$tmp/diff" 2>&1; }
pg_setup "$tmp"; rc=$?
if [ $rc = 77 ]; then echo "test_store_questions: SKIP: no PostgreSQL binaries (deps.sh installs postgresql)"; exit 77; fi
[ $rc = 0 ] || { echo "FAIL cannot start PostgreSQL"; exit 1; }
rig db migrate --passfile "$PG_PASSFILE" "$PG_URL" >/dev/null || bad "migrate"

sed 's/^station = .*/station = LINE-A/' "$root/fixtures/sim.ini" > "$tmp/A.ini"
sed -e 's/^station = .*/station = LINE-B/' -e 's/^tare_date = .*/tare_date = 2026-11-19/' \
  "$root/fixtures/sim.ini" > "$tmp/B.ini"
P="$root/profiles/production-p25.ini"
AUD="$root/profiles/audit-p25.ini"
run() { st=$1; shift; rig run --fixture "$tmp/$st.ini" --out "$tmp/$st" "$@" >/dev/null 2>&1; }
run A --profile "$P" --sim seed=1 --sim pen.serial=MN3-000001
run A --profile "$AUD" --mode verify --sim seed=2 --sim pen.serial=MN3-000002 --sim pen.depth_gain=1.08 --sim pen.depth_offset_um=0
run B --profile "$P" --sim seed=3 --sim pen.serial=MN3-000002
run B --profile "$P" --sim seed=4 --sim pen.serial=MN3-000003 --sim fault.estop=verify
sleep 1
run A --profile "$P" --sim seed=5 --sim pen.serial=mn3-000002
run B --profile "$P" --sim seed=6 --sim pen.serial=MN3-000003
run B --profile "$AUD" --mode verify --sim seed=7 --sim pen.serial=MN3-000004
# In run order (start, then run id), as the databases give them.
files=$(ans order "$tmp"/A/2*.csv "$tmp"/B/2*.csv)
filesA=$(ans order "$tmp"/A/2*.csv)
[ "$(echo "$files" | wc -l)" = 7 ] && ok "7 runs on 2 stations" || bad "runs: $(echo "$files" | wc -l)"
rig sync --out "$tmp/A" --db "$PG_URL" --passfile "$PG_PASSFILE" >/dev/null 2>&1 &&
  rig sync --out "$tmp/B" --db "$PG_URL" --passfile "$PG_PASSFILE" >/dev/null 2>&1 \
  && ok "both stations synced" || bad "sync"
# The line holds both stations; a station's index only its own folder.
where_line="--db $PG_URL --passfile $PG_PASSFILE"

# (unknown: no unit's serial, every run with none known: here none)
for serial in MN3-000002 mn3-000003 MN3-000004 MN3-999999 unknown; do
  # shellcheck disable=SC2086
  ans history "$serial" $files > "$tmp/want"
  rig history --csv $where_line "$serial" > "$tmp/got" 2>"$tmp/err"
  same "$tmp/want" "$tmp/got" && ok "history $serial on the line ($(($(wc -l < "$tmp/want") - 1)) runs) = from the CSV files" \
    || bad "history $serial (line): $(cat "$tmp/diff" "$tmp/err")"
  ans history "$serial" "$tmp"/B/2*.csv > "$tmp/want"
  rig history --csv --out "$tmp/B" "$serial" > "$tmp/got" 2>"$tmp/err"
  same "$tmp/want" "$tmp/got" && ok "history $serial in station B's index = from B's files" \
    || bad "history $serial (B): $(cat "$tmp/diff" "$tmp/err")"
done

mid=$(sed -n 2p "$(ls "$tmp"/B/2*.csv | sed -n 2p)" | cut -d, -f2 | tr -d '"')
for st in LINE-A LINE-B; do
  for since in 2026-01-01 "$mid"; do
    # shellcheck disable=SC2086
    ans impact "$st" "$(echo "$since" | sed 's/^\(....-..-..\)$/\1T00:00:00Z/')" $files > "$tmp/want"
    rig impact --csv $where_line --bench "$st" --since "$since" > "$tmp/got" 2>"$tmp/err"
    same "$tmp/want" "$tmp/got" && ok "impact $st since $since ($(($(wc -l < "$tmp/want") - 1)) runs) = from the CSV files" \
      || bad "impact $st since $since: $(cat "$tmp/diff" "$tmp/err")"
  done
done
# shellcheck disable=SC2086
lg=$(ans lastgood LINE-B $files)
rig impact $where_line --bench LINE-B --since-last-good-check > "$tmp/got" 2>&1
# shellcheck disable=SC2086
ans impact LINE-B "$lg" $files > "$tmp/want"
rig impact --csv --out "$tmp/B" --bench LINE-B --since-last-good-check > "$tmp/gotcsv" 2>&1
[ "$lg" = 2026-11-19T00:00:00Z ] && grep -q "since $lg (last good check: loadcell tare_date)" "$tmp/got" && same "$tmp/want" "$tmp/gotcsv" \
  && ok "impact --since-last-good-check starts at the oldest calibration date ($lg, the tare)" \
  || bad "last good check: want $lg: $(cat "$tmp/got" "$tmp/diff")"

# stats: the same statistics code over the files, the index and the line.
# shellcheck disable=SC2086
rig stats --csv $files > "$tmp/want" 2>&1
# shellcheck disable=SC2086
PGPASSFILE="$PG_PASSFILE" rig stats --csv --db "$PG_URL" > "$tmp/got" 2>&1
same "$tmp/want" "$tmp/got" && ok "stats --db (line) = stats over the 7 files ($(($(wc -l < "$tmp/want") - 1)) characteristics)" \
  || bad "stats line: $(cat "$tmp/diff")"
for by in station day; do
  # shellcheck disable=SC2086
  rig stats --csv --by $by $files > "$tmp/want" 2>&1
  PGPASSFILE="$PG_PASSFILE" rig stats --csv --by $by --db "$PG_URL" > "$tmp/got" 2>&1
  same "$tmp/want" "$tmp/got" && ok "stats --by $by --db (line, PGPASSFILE) = over the files" || bad "stats by $by: $(cat "$tmp/diff")"
done
# shellcheck disable=SC2086
rig stats --csv $filesA > "$tmp/want" 2>&1
rig stats --csv --db "$tmp/A" > "$tmp/got" 2>&1
same "$tmp/want" "$tmp/got" && ok "stats --db DIR (station A's index) = over A's files" || bad "stats A: $(cat "$tmp/diff")"
PGPASSFILE="$PG_PASSFILE" rig stats --csv --db "$PG_URL" --station LINE-A > "$tmp/got" 2>&1
same "$tmp/want" "$tmp/got" && ok "stats --station LINE-A (line) = over A's files" || bad "stats station: $(cat "$tmp/diff")"
late=$(for f in $files; do t=$(sed -n 2p "$f" | cut -d, -f2 | tr -d '"'); [ "$t" \> "$mid" ] || [ "$t" = "$mid" ] && echo "$f"; done)
# shellcheck disable=SC2086
rig stats --csv $late > "$tmp/want" 2>&1
PGPASSFILE="$PG_PASSFILE" rig stats --csv --db "$PG_URL" --since "$mid" > "$tmp/got" 2>&1
same "$tmp/want" "$tmp/got" && ok "stats --since $mid (line) = over the $(echo "$late" | wc -l) files since" || bad "stats since: $(cat "$tmp/diff")"
PGPASSFILE="$PG_PASSFILE" rig stats --db "$PG_URL" --profile no-such-profile > "$tmp/got" 2>&1; rc=$?
[ $rc = 0 ] && ok "stats --profile with no run: exit 0" || bad "empty stats: exit $rc: $(cat "$tmp/got")"

rig history --db "postgresql://rig@127.0.0.1:1/none" MN3-000001 > "$tmp/got" 2>&1; rc=$?
[ $rc = 69 ] && ok "unreachable database: exit 69" || bad "unreachable: exit $rc"

finish

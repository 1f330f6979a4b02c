#!/bin/sh
# test_store_index.sh - a report folder's results index (rig/store/index.c):
# every `rig run` indexes its published report; `rig index --rebuild`
# recreates the same content from the reports (compared row by row), also
# from a deleted or damaged index; a report published but not yet indexed
# (a crash between the two) is caught up; a journal (a run still going) and
# files that are not run reports are never indexed; the index never holds
# a run whose report is not in the folder. Needs sqlite3 (deps.sh).
. "$(dirname "$0")/lib.sh"
dump() { sh "$here/db/dump_index.sh" "$1"; }
rep="$tmp/rep"
idx="$rep/index.sqlite"

sed 's/^station = .*/station = LINE-A/' "$root/fixtures/sim.ini" > "$tmp/a.ini"
sed 's/^station = .*/station = LINE-B/' "$root/fixtures/sim.ini" > "$tmp/b.ini"
run() { $RUNNER "$RIG" run --profile "$root/profiles/production-p25.ini" --out "$rep" "$@" >/dev/null 2>"$tmp/err"; }
# PASS, FAIL (audit of a deep pen), ABORTED (e-stop), on two stations.
run --fixture "$tmp/a.ini" --sim seed=1
run --fixture "$tmp/a.ini" --sim seed=2 --sim pen.serial=MN3-000200
run --fixture "$tmp/b.ini" --sim seed=3 --sim fault.estop=verify
$RUNNER "$RIG" run --fixture "$tmp/b.ini" --profile "$root/profiles/audit-p25.ini" --mode verify \
  --out "$rep" --sim seed=4 --sim pen.depth_gain=1.08 --sim pen.depth_offset_um=0 >/dev/null 2>&1
nrep=$(ls "$rep"/2*.csv | wc -l)
nidx=$(sqlite3 "$idx" 'SELECT count(*) FROM runs' 2>&1)
[ "$nrep" = 4 ] && [ "$nidx" = 4 ] && ok "4 runs, 4 reports, 4 runs indexed after each run" \
  || bad "reports $nrep, indexed '$nidx' ($(cat "$tmp/err"))"
v=$(sqlite3 "$idx" "SELECT group_concat(verdict, ',') FROM (SELECT verdict FROM runs ORDER BY verdict)")
[ "$v" = "ABORTED,FAIL,PASS,PASS" ] && ok "verdicts ABORTED, FAIL, PASS, PASS" || bad "verdicts: $v"

# Every report row is a measurements row; the verdict and sums match.
rows=0; for f in "$rep"/2*.csv; do rows=$((rows + $(wc -l < "$f") - 1)); done
m=$(sqlite3 "$idx" 'SELECT count(*) FROM measurements')
[ "$m" = "$rows" ] && ok "every report row indexed ($m rows)" || bad "rows: index $m, reports $rows"
h=$(for f in "$rep"/2*.csv; do sha256sum "$f" | cut -c1-64; done | sort | tr '\n' ' ')
hi=$(sqlite3 "$idx" 'SELECT report_sha256 FROM runs ORDER BY report_sha256' | tr '\n' ' ')
[ "$h" = "$hi" ] && ok "each run carries its report's SHA-256" || bad "hashes: $h / $hi"
l=$(sqlite3 "$idx" 'SELECT count(*) FROM ledger_entries')
lt=$(grep -c '' "$rep/ledger.txt" 2>/dev/null)
[ -n "$lt" ] && [ "$l" = "$lt" ] && [ "$l" -ge 4 ] && ok "every ledger entry indexed ($l)" || bad "ledger: $l indexed, $lt lines"
q=$(sqlite3 "$idx" "SELECT count(*) FROM sync_queue WHERE state = 'queued'")
[ "$q" = 4 ] && ok "each run queued for rig sync" || bad "queued: $q"

dump "$idx" > "$tmp/before"
$RUNNER "$RIG" index --rebuild "$rep" >"$tmp/out" 2>&1 || bad "rig index --rebuild: $(cat "$tmp/out")"
dump "$idx" > "$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && [ -s "$tmp/before" ] \
  && ok "rebuild gives the same content ($(wc -l < "$tmp/before") rows)" \
  || bad "rebuild differs: $(diff "$tmp/before" "$tmp/after" | head -5)"

rm -f "$idx" "$idx-wal" "$idx-shm"
$RUNNER "$RIG" index --rebuild "$rep" >"$tmp/out" 2>&1
dump "$idx" > "$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && ok "rebuilt from nothing: same content" || bad "from nothing differs"

# An index of an older schema: migrated, then rebuilt to fill the new places.
sqlite3 "$idx" 'ALTER TABLE measurements DROP COLUMN measured_full; ALTER TABLE measurements DROP COLUMN uncertainty_full;
  ALTER TABLE measurements DROP COLUMN conformance_probability; DROP TABLE ledger_entries;
  DROP TABLE ledger_anchors; DROP TABLE assessments;
  ALTER TABLE runs DROP COLUMN reason_code; ALTER TABLE runs DROP COLUMN disposition;
  ALTER TABLE runs DROP COLUMN instruction;
  DELETE FROM schema_migrations WHERE version >= 2'
$RUNNER "$RIG" index "$rep" >"$tmp/out" 2>&1
dump "$idx" > "$tmp/after"
v=$(sqlite3 "$idx" 'SELECT max(version) FROM schema_migrations')
cmp -s "$tmp/before" "$tmp/after" && [ "$v" -ge 2 ] && ok "an index of schema 1 is migrated (now $v) and rebuilt: same content" \
  || bad "old index: version $v: $(diff "$tmp/before" "$tmp/after" | head -3)"

# A damaged index file: moved aside, rebuilt.
sqlite3 "$idx" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
rm -f "$idx-wal" "$idx-shm"
printf 'this is not an SQLite database at all, it is garbage........................................................' > "$idx"
$RUNNER "$RIG" index --rebuild "$rep" >"$tmp/out" 2>&1
dump "$idx" > "$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && [ -e "$idx.broken" ] && ok "damaged index moved aside and rebuilt: same content" \
  || bad "damaged index: $(cat "$tmp/out")"
# The same in a folder whose path, with the index's name, is over 255
# bytes: the damage is said by the database layer (its cause), not read
# from the message, which once lost the index's name to a cut: exit 65,
# the index left damaged.
deep="$tmp/$(printf '%0200d' 0 | tr 0 d)/$(printf '%060d' 0 | tr 0 e)"
mkdir -p "$deep"
printf 'this is not an SQLite database at all, it is garbage........................................................' > "$deep/index.sqlite"
$RUNNER "$RIG" index --rebuild "$deep" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ -e "$deep/index.sqlite.broken" ] && [ "$(sqlite3 "$deep/index.sqlite" 'SELECT count(*) FROM runs')" = 0 ] \
  && ok "damaged index in a folder of a long path: moved aside and rebuilt" \
  || bad "damaged index, long path: exit $rc: $(cat "$tmp/out")"

# Published but not indexed (killed between the two): caught up.
first=$(sqlite3 "$idx" 'SELECT run_id FROM runs ORDER BY started_at LIMIT 1')
sqlite3 "$idx" "DELETE FROM measurements WHERE run_id = '$first'; DELETE FROM calibrations WHERE run_id = '$first'; DELETE FROM runs WHERE run_id = '$first'"
$RUNNER "$RIG" index "$rep" >"$tmp/out" 2>&1
dump "$idx" > "$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && grep -q 'added 1 report' "$tmp/out" \
  && ok "a report not yet indexed is caught up by rig index" || bad "catch-up: $(cat "$tmp/out")"

# Never ahead: a journal (run going or killed) and other CSV files are not indexed.
cp "$(ls "$rep"/2*.csv | head -1)" "$rep/3d1c5b0e-0000-4000-8000-000000000000.journal"
printf '"a","b"\r\n1,2\r\n' > "$rep/notes.csv"
$RUNNER "$RIG" index "$rep" >"$tmp/out" 2>&1
n=$(sqlite3 "$idx" 'SELECT count(*) FROM runs')
[ "$n" = 4 ] && grep -q 'skipped.*notes.csv' "$tmp/out" && ok "journal and non-report CSV not indexed (skipped named)" \
  || bad "journal/notes: runs $n: $(cat "$tmp/out")"
rm -f "$rep"/*.journal "$rep/notes.csv"

# A copy of a report under another name: same run id, refused, not doubled.
f=$(ls "$rep"/2*.csv | head -1)
cp "$f" "$rep/29990101T000000Z_copy_PASS.csv"
$RUNNER "$RIG" index "$rep" >"$tmp/out" 2>&1
n=$(sqlite3 "$idx" 'SELECT count(*) FROM runs')
[ "$n" = 4 ] && grep -q 'already indexed from' "$tmp/out" && ok "a copied report (same run id) is refused, not doubled" \
  || bad "copy: runs $n: $(cat "$tmp/out")"
rm -f "$rep/29990101T000000Z_copy_PASS.csv"

# A report deleted from the folder leaves the index on rebuild.
rm -f "$f"
$RUNNER "$RIG" index --rebuild "$rep" >/dev/null 2>&1
n=$(sqlite3 "$idx" 'SELECT count(*) FROM runs'); q=$(sqlite3 "$idx" 'SELECT count(*) FROM sync_queue')
[ "$n" = 3 ] && [ "$q" = 3 ] && ok "rebuild drops a run whose report is gone (runs and queue)" || bad "after delete: runs $n, queue $q"

finish

#!/bin/sh
# test_store_sync.sh - store and forward to a real PostgreSQL (started here
# in a temporary folder by an unprivileged user) through a TCP proxy that
# breaks connections on command (tests/db/proxy.py): every run stored
# exactly once, byte for byte, whatever fails when - database down,
# connection refused, stalled, dropped after COMMIT before the answer, the
# sender killed mid-send, the same run sent twice and from two stations at
# once; other bytes under a stored run id refused and flagged; a report
# changed after it was indexed not sent; the password never in a report,
# index or output. Skips (77) without PostgreSQL's binaries.
set -u
. "$(dirname "$0")/lib.sh"
PG_TESTS="$here/db"
. "$PG_TESTS/pg.sh"
trap 'pg_teardown; rm -rf "$tmp"' EXIT INT TERM
pg_setup "$tmp"; rc=$?
if [ $rc = 77 ]; then echo "test_store_sync: SKIP: no PostgreSQL binaries (deps.sh installs postgresql)"; exit 77; fi
[ $rc = 0 ] || { echo "FAIL cannot start PostgreSQL"; exit 1; }
proxy_start || { echo "FAIL cannot start the proxy"; exit 1; }
rig() { $RUNNER "$RIG" "$@"; }
sync_() { dir=$1; shift; rig sync --out "$dir" --db "$PROXY_URL" --passfile "$PG_PASSFILE" "$@" >"$tmp/out" 2>&1; }
stored() { pg_sql "SELECT count(*) FROM reports"; }

for s in A B; do
  sed "s/^station = .*/station = LINE-$s/" "$root/fixtures/sim.ini" > "$tmp/$s.ini"
  for i in 1 2 3; do
    rig run --fixture "$tmp/$s.ini" --profile "$root/profiles/production-p25.ini" --out "$tmp/$s" \
      --sim seed=$i --sim "pen.serial=MN3-00$i$s" >/dev/null 2>&1
  done
done

# Not migrated yet: refused with what to do; nothing sent.
sync_ "$tmp/A"; rc=$?
[ $rc = 78 ] && grep -q 'rig db migrate' "$tmp/out" && ok "unmigrated database: exit 78, says rig db migrate" \
  || bad "unmigrated: exit $rc: $(cat "$tmp/out")"
rig db migrate --passfile "$PG_PASSFILE" "$PG_URL" >"$tmp/out" 2>&1 && grep -q "schema version $(sh -c 'ls "$0"/*.sql | wc -l' "$root/rig/store/schema")" "$tmp/out" \
  && ok "rig db migrate: $(cat "$tmp/out")" || bad "migrate: $(cat "$tmp/out")"

# A password in the URL is refused and not echoed.
pwurl="postgresql://rig:$PG_PASSWORD@127.0.0.1:$PG_PORT/results"
rig sync --out "$tmp/A" --db "$pwurl" >"$tmp/out" 2>&1; rc=$?
[ $rc = 78 ] && ! grep -q "$PG_PASSWORD" "$tmp/out" && ok "URL with a password refused (78), password not echoed" \
  || bad "password URL: exit $rc: $(cat "$tmp/out")"
printf '\n[results]\nurl = %s\n' "$pwurl" >> "$tmp/B.ini"
rig sync --fixture "$tmp/B.ini" --out "$tmp/B" >"$tmp/out" 2>&1; rc=$?
[ $rc = 78 ] && grep -q 'B.ini:[0-9]*: \[results\] url' "$tmp/out" && ! grep -q "$PG_PASSWORD" "$tmp/out" \
  && ok "fixture URL with a password refused, naming file and line" || bad "fixture password: exit $rc: $(cat "$tmp/out")"
sed -i '/^\[results\]/,$d' "$tmp/B.ini"

# Database down: exit 75, runs stay queued; up again: sent.
pg_stop
sync_ "$tmp/A"; rc=$?
q=$(sqlite3 "$tmp/A/index.sqlite" "SELECT count(*) FROM sync_queue WHERE state = 'queued'")
[ $rc = 75 ] && [ "$q" = 3 ] && ok "database down: exit 75, 3 runs stay queued" || bad "down: exit $rc, queued $q: $(cat "$tmp/out")"
pg_start
proxy_cmd refuse >/dev/null
sync_ "$tmp/A"; rc=$?
[ $rc = 75 ] && ok "connection refused by the proxy: exit 75" || bad "refused: exit $rc"
proxy_cmd accept >/dev/null

# Dropped after COMMIT, before the answer: stored, answer lost; the retry finds it.
proxy_cmd drop-after-commit 1 >/dev/null
sync_ "$tmp/A"; rc=$?
n1=$(stored)
sync_ "$tmp/A"; rc2=$?
n2=$(stored)
[ $rc = 75 ] && [ "$n1" = 1 ] && [ $rc2 = 0 ] && grep -q '2 sent, 1 already stored' "$tmp/out" && [ "$n2" = 3 ] \
  && ok "COMMIT answered to nobody: run stored once, counted as already stored on retry" \
  || bad "drop after commit: exits $rc/$rc2, stored $n1/$n2: $(cat "$tmp/out")"

# Stalled connection: bounded wait, exit 75; killed mid-send: nothing half-stored.
proxy_cmd stall >/dev/null
t0=$(date +%s)
sync_ "$tmp/B" --timeout-ms 1500; rc=$?
t1=$(date +%s)
# Exit 75 is the proof that it gave up (the proxy stalls until resumed
# below); how long it took is printed, not judged.
[ $rc = 75 ] && ok "stalled connection: gave up, exit 75 (after $((t1 - t0)) s, not judged)" \
  || bad "stall: exit $rc after $((t1 - t0)) s: $(cat "$tmp/out")"
proxy_cmd resume >/dev/null
proxy_cmd hold-commit 1 >/dev/null
$RUNNER "$RIG" sync --out "$tmp/B" --db "$PROXY_URL" --passfile "$PG_PASSFILE" >/dev/null 2>&1 &
pid=$!
i=0; while ! proxy_cmd stats | grep -q 'held_commits=1' && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
proxy_cmd reset >/dev/null
n=$(stored); nr=$(pg_sql "SELECT count(*) FROM runs"); nb=$(pg_sql "SELECT count(*) FROM runs WHERE station = 'LINE-B'")
[ $i -lt 200 ] && [ "$n" = 3 ] && [ "$nr" = 3 ] && [ "$nb" = 0 ] \
  && ok "sender killed mid-transaction (COMMIT held): nothing of its run stored" \
  || bad "killed: held after $i polls, reports $n, runs $nr, LINE-B runs $nb"

# Two stations at once, and the same run from both (a copied report).
cp "$(ls "$tmp"/A/2*.csv | head -1)" "$tmp/B/"
rig index --quiet "$tmp/B" >/dev/null 2>&1
sync_ "$tmp/A" & p1=$!
rig sync --out "$tmp/B" --db "$PROXY_URL" --passfile "$PG_PASSFILE" >"$tmp/outB" 2>&1 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
n=$(stored)
d=$(pg_sql "SELECT count(*) - count(DISTINCT run_id) FROM runs")
[ $r1 = 0 ] && [ $r2 = 0 ] && [ "$n" = 6 ] && [ "$d" = 0 ] && grep -q '3 sent, 1 already stored' "$tmp/outB" \
  && ok "two stations at once, one run from both: 6 runs stored once each" \
  || bad "concurrent: exits $r1/$r2, stored $n, dup $d: $(cat "$tmp/outB")"

# Other bytes under a stored run id: refused, flagged, never overwritten.
mkdir -p "$tmp/C"
f=$(ls "$tmp"/A/2*.csv | head -1)
sed 's/every judged measurement passed/every judged measurement passed!/' "$f" > "$tmp/C/$(basename "$f")"
rig index --quiet "$tmp/C" >/dev/null 2>&1
sync_ "$tmp/C"; rc=$?
orig=$(sha256sum "$f" | cut -c1-64)
kept=$(pg_sql "SELECT encode(sha256(content), 'hex') FROM reports WHERE sha256 = '$orig'")
c=$(pg_sql "SELECT count(*) FROM sync_conflicts")
st=$(sqlite3 "$tmp/C/index.sqlite" "SELECT state FROM sync_queue")
[ $rc = 65 ] && [ "$kept" = "$orig" ] && [ "$c" = 1 ] && [ "$st" = conflict ] && grep -q 'refused' "$tmp/out" \
  && ok "same run id, other bytes: exit 65, flagged both sides, original kept" \
  || bad "conflict: exit $rc, kept '$kept' vs '$orig', conflicts $c, state $st: $(cat "$tmp/out")"

# A report changed after it was indexed: not sent, flagged.
rig run --fixture "$tmp/A.ini" --profile "$root/profiles/production-p25.ini" --out "$tmp/A" \
  --sim seed=9 --sim pen.serial=MN3-009A >/dev/null 2>&1
g=$(ls -t "$tmp"/A/2*.csv | head -1)
sed -i 's/every judged measurement passed/every judged measurement passed?/' "$g"
sync_ "$tmp/A"; rc=$?
[ $rc = 65 ] && grep -q 'changed since it was indexed' "$tmp/out" && [ "$(stored)" = 6 ] \
  && ok "report changed after indexing: exit 65, not sent" || bad "changed: exit $rc: $(cat "$tmp/out")"

# Byte for byte: every stored report is the file's bytes; rows all there.
badbytes=0
for f in "$tmp"/A/2*.csv "$tmp"/B/2*.csv; do
  [ "$f" = "$g" ] && continue
  h=$(sha256sum "$f" | cut -c1-64)
  [ "$(pg_sql "SELECT encode(sha256(content), 'hex') FROM reports WHERE sha256 = '$h'")" = "$h" ] || badbytes=$((badbytes + 1))
done
rows=$(pg_sql "SELECT count(*) FROM measurements")
want=0; for f in "$tmp"/A/2*.csv "$tmp"/B/2*.csv; do [ "$f" = "$g" ] && continue; want=$((want + $(wc -l < "$f") - 1)); done
# B holds a copy of one of A's reports: its rows are stored once.
want=$((want - $(wc -l < "$(ls "$tmp"/A/2*.csv | head -1)") + 1))
[ $badbytes = 0 ] && [ "$rows" = "$want" ] && ok "every report stored byte for byte, $rows rows, none twice" \
  || bad "bytes: $badbytes differ; rows $rows, expected $want"

# The password appears nowhere the rig wrote.
if grep -rq "$PG_PASSWORD" "$tmp/A" "$tmp/B" "$tmp/C" "$tmp/out" "$tmp/outB" 2>/dev/null; then
  bad "password found in a report, index or output"
else
  ok "password in no report, index or output"
fi

# A station without [results] url: nothing to do, exit 0.
rig sync --fixture "$tmp/A.ini" --out "$tmp/A" >"$tmp/out" 2>&1; rc=$?
[ $rc = 0 ] && grep -q 'no \[results\] url' "$tmp/out" && ok "no [results] url: exit 0, says so" || bad "no url: exit $rc"

echo "proxy: $(proxy_cmd stats)"
finish

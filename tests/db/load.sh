#!/bin/sh
# load.sh - `make check-db`: the results database under chaos and load, and
# its query times (figures printed, not asserted).
#
#  1. 8 virtual stations x 250 runs each (reports made from a real run,
#     tests/db/genreports.py), indexed, then synced concurrently by
#     `rig sync --follow` through the chaos proxy (tests/db/proxy.py) while
#     it resets a random connection every CHAOS_MS, drops the answers to 20
#     COMMITs, and the database restarts twice (immediate stop: a crash).
#     Afterwards the line must hold exactly the 2000 runs, each report byte
#     for byte (SHA-256 of the stored bytes against the file's), every row,
#     no run twice, and every station's queue empty. Prints runs/s.
#  2. The same 2000 runs into a fresh database without chaos: runs/s.
#  3. 100 000 generated runs in PostgreSQL and in an SQLite index: times of
#     `rig history`, `rig impact` and `rig stats --db` (best of 3).
set -u
RIG="${RIG_BIN:-build/rig}"
RUNNER="${RIG_RUNNER:-}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
case "$RIG" in /*) ;; *) RIG="$root/$RIG" ;; esac
PG_TESTS="$here"
. "$here/pg.sh"
. "$here/bench_queries.sh"
STATIONS=${STATIONS:-8}
RUNS=${RUNS:-250}
CHAOS_MS=${CHAOS_MS:-300}
BENCH_RUNS=${BENCH_RUNS:-100000}
DROPS=${DROPS:-20}
tmp=$(mktemp -d) || exit 1
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; pg_teardown; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
rig() { $RUNNER "$RIG" "$@"; }
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
pg_setup "$tmp"; rc=$?
[ $rc = 77 ] && { echo "check-db: SKIP: no PostgreSQL binaries"; exit 77; }
[ $rc = 0 ] || { echo "FAIL cannot start PostgreSQL"; exit 1; }
proxy_start || { echo "FAIL cannot start the proxy"; exit 1; }
total=$((STATIONS * RUNS))
mkdir -p "$tmp/logs"

# ---- the runs -------------------------------------------------------------
rig run --fixture "$root/fixtures/sim.ini" --profile "$root/profiles/production-p25.ini" \
  --out "$tmp/template" >/dev/null 2>&1 || { echo "FAIL template run"; exit 1; }
template=$(ls "$tmp"/template/2*.csv | head -1)
t0=$(now)
s=1
while [ $s -le "$STATIONS" ]; do
  st=$(printf 'ST-%02d' $s)
  mkdir -p "$tmp/$st"
  python3 "$here/genreports.py" "$template" "$tmp/$st" "$st" "$RUNS" "$s"
  rig index --quiet "$tmp/$st" >/dev/null || bad "index $st"
  s=$((s + 1))
done
echo "made and indexed $total reports on $STATIONS stations in $(secs "$t0" "$(now)") s"
rig db migrate --passfile "$PG_PASSFILE" "$PG_URL" >/dev/null || { echo "FAIL migrate"; exit 1; }

stored() { pg_sql "SELECT count(*) FROM reports" 2>/dev/null || echo -1; }
start_syncs() {  # $1 = URL
  pids=""
  for d in "$tmp"/ST-*/; do
    d=${d%/}
    # not through the rig() function: $! must be the process itself
    $RUNNER "$RIG" sync --follow --interval 1 --backoff-max 2 --timeout-ms 3000 --out "$d" \
      --db "$1" --passfile "$PG_PASSFILE" >"$tmp/logs/${d##*/}.log" 2>&1 &
    pids="$pids $!"
  done
}
stop_syncs() { for p in $pids; do kill "$p" 2>/dev/null; done; for p in $pids; do wait "$p" 2>/dev/null; done; pids=""; }
wait_for() {  # $1 = count, $2 = timeout s
  end=$(($(date +%s) + $2))
  while [ "$(stored)" != "$1" ] && [ "$(date +%s)" -lt $end ]; do sleep 0.2; done
}

# ---- 1. under chaos ---------------------------------------------------------
proxy_cmd chaos "$CHAOS_MS" >/dev/null
proxy_cmd drop-after-commit "$DROPS" >/dev/null
t0=$(now)
start_syncs "$PROXY_URL"
restarts=0
for at in 2 5; do
  while [ "$(secs "$t0" "$(now)" | cut -d. -f1)" -lt $at ]; do sleep 0.1; done
  n=$(stored)
  if pg_restart_crash; then restarts=$((restarts + 1)); echo "database restarted (crash) at ${at} s with $n runs stored"; fi
done
wait_for "$total" 600
t1=$(now)
proxy_cmd chaos 0 >/dev/null
sleep 1.5
stop_syncs
chaos=$(proxy_cmd stats)
n=$(stored)
el=$(secs "$t0" "$t1")
echo "sync under chaos: $n runs in $el s = $(echo "$n $el" | awk '{ printf "%.0f", $1 / $2 }') runs/s ($STATIONS stations at once; proxy: $chaos; $restarts database restarts)"
[ "$n" = "$total" ] && ok "exactly $total runs stored" || bad "stored $n runs, expected $total"
d=$(pg_sql "SELECT (SELECT count(*) FROM runs) - (SELECT count(DISTINCT run_id) FROM runs)")
nr=$(pg_sql "SELECT count(*) FROM runs")
[ "$d" = 0 ] && [ "$nr" = "$total" ] && ok "no run twice ($nr runs rows)" || bad "runs rows $nr, duplicates $d"
for f in "$tmp"/ST-*/2*.csv; do
  printf '%s %s\n' "$(sed -n 2p "$f" | cut -d, -f1 | tr -d '"')" "$(sha256sum "$f" | cut -c1-64)"
done | sort > "$tmp/want"
pg_sql "SELECT run_id || ' ' || encode(sha256(content), 'hex') FROM reports ORDER BY 1" > "$tmp/got"
cmp -s "$tmp/want" "$tmp/got" && ok "every report stored byte for byte (SHA-256 of the stored bytes = the file's)" \
  || bad "stored bytes differ: $(diff "$tmp/want" "$tmp/got" | head -3)"
rows=0; for f in "$tmp"/ST-*/2*.csv; do rows=$((rows + $(wc -l < "$f") - 1)); done
m=$(pg_sql "SELECT count(*) FROM measurements")
[ "$m" = "$rows" ] && ok "every report row stored once ($m rows)" || bad "measurement rows $m, expected $rows"
q=0; for d in "$tmp"/ST-*/; do q=$((q + $(sqlite3 "$d/index.sqlite" "SELECT count(*) FROM sync_queue WHERE state <> 'sent'"))); done
[ "$q" = 0 ] && ok "every station's queue empty (all sent)" || bad "$q runs not marked sent"
echo "  passes that found runs already stored: $(cat "$tmp"/logs/*.log | awk '/already stored/ { for (i = 1; i <= NF; i++) if ($i == "already") s += $(i-1) } END { print s + 0 }') runs; passes that failed: $(cat "$tmp"/logs/*.log | grep -c 'retrying in')"

# ---- 2. without chaos --------------------------------------------------------
pg_sql "CREATE DATABASE clean" >/dev/null
CLEAN="postgresql://rig@127.0.0.1:$PG_PORT/clean"
rig db migrate --passfile "$PG_PASSFILE" "$CLEAN" >/dev/null
for d in "$tmp"/ST-*/; do sqlite3 "$d/index.sqlite" "UPDATE sync_queue SET state = 'queued'"; done
t0=$(now)
for d in "$tmp"/ST-*/; do $RUNNER "$RIG" sync --out "${d%/}" --db "$CLEAN" --passfile "$PG_PASSFILE" >/dev/null 2>&1 & pids="$pids $!"; done
for p in $pids; do wait "$p"; done; pids=""
t1=$(now)
n=$(PG_DB=clean pg_sql "SELECT count(*) FROM reports")
el=$(secs "$t0" "$t1")
echo "sync without chaos: $n runs in $el s = $(echo "$n $el" | awk '{ printf "%.0f", $1 / $2 }') runs/s ($STATIONS stations at once, direct)"
[ "$n" = "$total" ] && ok "clean pass: $total runs" || bad "clean pass: $n"

# ---- 3. query times over generated runs -----------------------------------
bench_queries "$BENCH_RUNS" || bad "query benchmark"

[ $fail -eq 0 ] && echo "check-db: all passed" || echo "check-db: $fail failed"
exit $fail

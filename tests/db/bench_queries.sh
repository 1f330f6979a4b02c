# bench_queries.sh - sourced by load.sh: BENCH_RUNS generated runs (11 rows
# each: six depths, four rates, the verdict; 8 stations, each serial tested
# twice, one run in ten FAIL) in a PostgreSQL database and in an SQLite
# index, then the times of rig history, rig impact and rig stats --db on
# each (best of 3, wall time of the whole command). Figures, not asserts.

bench_gen_pg() {  # $1 = number of runs
  pg_sql "
INSERT INTO runs (run_id, station, operator, pen_model, pen_serial, serial_key, pen_firmware,
  profile, profile_version, profile_sha256, rig_version, started_at, verdict, reason,
  bench_time_s, report_file, report_sha256, report_size)
SELECT 'gen-' || lpad(i::text, 8, '0'), 'ST-' || lpad((i % 8 + 1)::text, 2, '0'), 'op' || (i % 5),
  'MN-300', 'MN3-' || lpad((i / 2)::text, 7, '0'), 'MN3-' || lpad((i / 2)::text, 7, '0'), '1.4.2',
  'production-p25', '1.0', 'x', 'gen',
  to_char(timestamp '2026-01-01' + i * interval '30 seconds', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
  CASE WHEN i % 10 = 0 THEN 'FAIL' ELSE 'PASS' END, 'generated', 24, 'gen.csv', 'x', 1
FROM generate_series(1, $1) i;
INSERT INTO measurements (run_id, seq, phase, step, quantity, unit, commanded, measured, std, n,
  uncertainty, low_limit, high_limit, accept_low, accept_high, result, note, measured_full, uncertainty_full)
SELECT 'gen-' || lpad(i::text, 8, '0'), k, CASE WHEN k = 11 THEN 'run' ELSE 'verify' END,
  CASE WHEN k <= 6 THEN 'depth_sweep' WHEN k <= 10 THEN 'freq_sweep' ELSE 'end' END,
  CASE WHEN k <= 6 THEN 'depth' WHEN k <= 10 THEN 'freq' ELSE 'verdict' END,
  CASE WHEN k <= 6 THEN 'um' WHEN k <= 10 THEN 'Hz' ELSE '' END,
  CASE WHEN k < 11 THEN c END, CASE WHEN k < 11 THEN round((c * (1 + (random() - 0.5) * 0.02))::numeric, 3) END,
  CASE WHEN k < 11 THEN 4 END, CASE WHEN k < 11 THEN 59 END, CASE WHEN k < 11 THEN 2.2 END,
  CASE WHEN k < 11 THEN c * 0.9 END, CASE WHEN k < 11 THEN c * 1.1 END,
  CASE WHEN k < 11 THEN c * 0.9 + 2.2 END, CASE WHEN k < 11 THEN c * 1.1 - 2.2 END,
  CASE WHEN k = 11 THEN (CASE WHEN i % 10 = 0 THEN 'FAIL' ELSE 'PASS' END) ELSE 'PASS' END, '',
  CASE WHEN k < 11 THEN c * (1 + (random() - 0.5) * 0.02) END, CASE WHEN k < 11 THEN 2.2 END
FROM generate_series(1, $1) i CROSS JOIN (VALUES (1, 250.0), (2, 750.0), (3, 1250.0), (4, 1750.0),
  (5, 2250.0), (6, 2500.0), (7, 80.0), (8, 110.0), (9, 130.0), (10, 160.0), (11, 0.0)) AS p(k, c);
ANALYZE;" >/dev/null
}

bench_gen_sqlite() {  # $1 = file, $2 = number of runs
  sqlite3 "$1" "
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $2)
INSERT INTO runs (run_id, station, operator, pen_model, pen_serial, serial_key, pen_firmware,
  profile, profile_version, profile_sha256, rig_version, started_at, verdict, reason,
  bench_time_s, report_file, report_sha256, report_size)
SELECT printf('gen-%08d', i), printf('ST-%02d', i % 8 + 1), 'op' || (i % 5), 'MN-300',
  printf('MN3-%07d', i / 2), printf('MN3-%07d', i / 2), '1.4.2', 'production-p25', '1.0', 'x', 'gen',
  strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-01', '+' || (i * 30) || ' seconds'),
  CASE WHEN i % 10 = 0 THEN 'FAIL' ELSE 'PASS' END, 'generated', 24, 'gen.csv', 'x', 1 FROM g;
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $2),
  p(k, c) AS (VALUES (1, 250.0), (2, 750.0), (3, 1250.0), (4, 1750.0), (5, 2250.0), (6, 2500.0),
    (7, 80.0), (8, 110.0), (9, 130.0), (10, 160.0), (11, 0.0))
INSERT INTO measurements (run_id, seq, phase, step, quantity, unit, commanded, measured, std, n,
  uncertainty, low_limit, high_limit, accept_low, accept_high, result, note, measured_full, uncertainty_full)
SELECT printf('gen-%08d', i), k, CASE WHEN k = 11 THEN 'run' ELSE 'verify' END,
  CASE WHEN k <= 6 THEN 'depth_sweep' WHEN k <= 10 THEN 'freq_sweep' ELSE 'end' END,
  CASE WHEN k <= 6 THEN 'depth' WHEN k <= 10 THEN 'freq' ELSE 'verdict' END,
  CASE WHEN k <= 6 THEN 'um' WHEN k <= 10 THEN 'Hz' ELSE '' END,
  CASE WHEN k < 11 THEN c END, CASE WHEN k < 11 THEN round(c * (1 + (random() % 1000) / 100000.0), 3) END,
  CASE WHEN k < 11 THEN 4 END, CASE WHEN k < 11 THEN 59 END, CASE WHEN k < 11 THEN 2.2 END,
  CASE WHEN k < 11 THEN c * 0.9 END, CASE WHEN k < 11 THEN c * 1.1 END,
  CASE WHEN k < 11 THEN c * 0.9 + 2.2 END, CASE WHEN k < 11 THEN c * 1.1 - 2.2 END,
  CASE WHEN k = 11 THEN (CASE WHEN i % 10 = 0 THEN 'FAIL' ELSE 'PASS' END) ELSE 'PASS' END, '',
  CASE WHEN k < 11 THEN c * (1 + (random() % 1000) / 100000.0) END, CASE WHEN k < 11 THEN 2.2 END
FROM g CROSS JOIN p;
COMMIT; ANALYZE;" >/dev/null
}

# best of 3 wall times of a command, in ms; its output in $tmp/bench.out
bench_time() {
  best=""
  for _ in 1 2 3; do
    a=$(date +%s%N)
    "$@" > "$tmp/bench.out" 2>"$tmp/bench.err" || { echo "FAIL $*: $(cat "$tmp/bench.err")"; return 1; }
    b=$(date +%s%N)
    ms=$(( (b - a) / 1000000 ))
    [ -z "$best" ] || [ $ms -lt "$best" ] && best=$ms
  done
  echo "$best"
}

bench_queries() {  # $1 = number of runs
  n=$1
  pg_sql "CREATE DATABASE bench" >/dev/null
  BENCH_URL="postgresql://rig@127.0.0.1:$PG_PORT/bench"
  rig db migrate --passfile "$PG_PASSFILE" "$BENCH_URL" >/dev/null || return 1
  a=$(date +%s)
  PG_DB=bench bench_gen_pg "$n" || return 1
  echo "generated $n runs ($(PG_DB=bench pg_sql 'SELECT count(*) FROM measurements') rows) in PostgreSQL in $(( $(date +%s) - a )) s"
  a=$(date +%s)
  rig db migrate "$tmp/bench.sqlite" >/dev/null || return 1
  bench_gen_sqlite "$tmp/bench.sqlite" "$n" || return 1
  echo "generated $n runs in an SQLite index in $(( $(date +%s) - a )) s"
  serial=$(printf 'MN3-%07d' $((n / 4)))
  for where in "$BENCH_URL" "$tmp/bench.sqlite"; do
    kind=PostgreSQL; [ "$where" = "$tmp/bench.sqlite" ] && kind=SQLite
    export PGPASSFILE="$PG_PASSFILE"
    t=$(bench_time rig history --db "$where" "$serial") || return 1
    printf '  %-10s history %s: %5d ms (%d runs)\n' "$kind" "$serial" "$t" $(($(wc -l < "$tmp/bench.out") - 2))
    t=$(bench_time rig impact --db "$where" --bench ST-03 --since 2026-02-01) || return 1
    printf '  %-10s impact --bench ST-03 --since 2026-02-01: %5d ms (%s)\n' "$kind" "$t" "$(head -1 "$tmp/bench.out" | sed 's/.*: //')"
    t=$(bench_time rig stats --db "$where" --station ST-03 --since 2026-02-01) || return 1
    printf '  %-10s stats --station ST-03 --since 2026-02-01: %5d ms\n' "$kind" "$t"
    t=$(bench_time rig stats --db "$where") || return 1
    printf '  %-10s stats over all %d runs: %5d ms\n' "$kind" "$n" "$t"
    unset PGPASSFILE
  done
}

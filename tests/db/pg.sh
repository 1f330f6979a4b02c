# pg.sh - sourced by the results database's tests: a real PostgreSQL
# server in a temporary folder, on loopback, run by an unprivileged user
# (nobody, through setpriv, when the tests run as root), with password
# authentication over TCP, plus the chaos proxy (tests/db/proxy.py).
#
#   pg_setup WORK      initdb in WORK/pg, start; sets PG_PORT, PG_URL,
#                      PG_PASSFILE (the only place the password is written)
#   pg_stop / pg_start / pg_restart_crash   (immediate stop, like a crash)
#   proxy_start        sets PROXY_PORT, PROXY_URL; proxy_cmd "reset" ...
#   pg_sql "SQL"       run SQL with psql, unaligned, no headers (database
#                      $PG_DB, default results)
#   pg_teardown        stop the server and the proxy
# Returns 77 from pg_setup when no PostgreSQL binaries are installed.

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

pg_as() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
  else
    "$@"
  fi
}

pg_setup() {
  PG_WORK="$1/pg"
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || return 77
  mkdir -p "$PG_WORK"
  chmod 755 "$1" "$PG_WORK"
  PG_PASSWORD="pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$PG_PASSWORD" > "$PG_WORK/pwfile"
  [ "$(id -u)" = 0 ] && chown -R 65534:65534 "$PG_WORK"
  pg_as "$PG_BIN/initdb" -D "$PG_WORK/data" -U rig --pwfile="$PG_WORK/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >"$PG_WORK/initdb.log" 2>&1 \
    || { cat "$PG_WORK/initdb.log"; return 1; }
  rm -f "$PG_WORK/pwfile"
  PG_PORT=$(pg_free_port)
  pg_start || return 1
  PG_PASSFILE="$1/pgpass"
  printf '127.0.0.1:*:*:rig:%s\n' "$PG_PASSWORD" > "$PG_PASSFILE"
  chmod 600 "$PG_PASSFILE"
  PGPASSFILE="$PG_PASSFILE" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U rig results || return 1
  PG_URL="postgresql://rig@127.0.0.1:$PG_PORT/results"
  export PG_URL PG_PORT PG_PASSFILE PG_PASSWORD
}

pg_start() {
  pg_as "$PG_BIN/pg_ctl" -D "$PG_WORK/data" -l "$PG_WORK/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_WORK -c fsync=off -c max_connections=60" \
    start >/dev/null
}

pg_stop() {
  pg_as "$PG_BIN/pg_ctl" -D "$PG_WORK/data" -m fast -w stop >/dev/null 2>&1
}

pg_restart_crash() {
  pg_as "$PG_BIN/pg_ctl" -D "$PG_WORK/data" -m immediate -w stop >/dev/null 2>&1
  pg_start
}

pg_sql() {
  PGPASSFILE="$PG_PASSFILE" "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U rig -d "${PG_DB:-results}" -c "$1"
}

proxy_start() {
  PROXY_PORT=$(pg_free_port)
  PROXY_CTL=$(pg_free_port)
  python3 "$PG_TESTS/proxy.py" "$PROXY_PORT" "$PG_PORT" "$PROXY_CTL" > "$PG_WORK/proxy.log" 2>&1 &
  PROXY_PID=$!
  i=0
  while ! proxy_cmd stats >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 100 ] && return 1
    sleep 0.05
  done
  PROXY_URL="postgresql://rig@127.0.0.1:$PROXY_PORT/results"
  export PROXY_URL
}

proxy_cmd() {
  python3 -c 'import socket,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),timeout=5)
s.sendall((" ".join(sys.argv[2:])+"\n").encode())
print(s.makefile().readline().strip())' "$PROXY_CTL" "$@"
}

pg_teardown() {
  [ -n "${PROXY_PID:-}" ] && { proxy_cmd quit >/dev/null 2>&1; kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null; }
  [ -n "${PG_WORK:-}" ] && [ -d "$PG_WORK/data" ] && pg_stop
  return 0
}

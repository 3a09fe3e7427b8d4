#!/usr/bin/env bash
# Start (or stop) the real services the backend tests need, on loopback only:
#   a PostgreSQL server (Debian's package, installed here when missing) and `chroma run`.
#   .ci/services.sh start DIR   -> prints the export lines for IPE_TEST_DATABASE_URL / IPE_TEST_CHROMA_URL
#   .ci/services.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?a working directory}
venv_bin=${VENV_BIN:-.venv/bin}
free_port() { "$venv_bin/python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ]; then
    echo "installing PostgreSQL (Debian's postgresql package)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$found"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

case "$cmd" in
  start)
    pg_port=${IPE_PG_PORT:-$(free_port)}
    chroma_port=${IPE_CHROMA_PORT:-$(free_port)}
    bin=$(pg_bin)
    mkdir -p "$dir/pg" "$dir/chroma"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir/pg"; chmod 700 "$dir/pg"; fi
    as_postgres "$bin/initdb -D '$dir/pg/data' -A trust -U postgres --no-sync >'$dir/pg/initdb.log' 2>&1"
    as_postgres "$bin/pg_ctl -D '$dir/pg/data' -l '$dir/pg/server.log' -w -t 60 \
      -o \"-p $pg_port -k '$dir/pg' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start >/dev/null"
    as_postgres "$bin/createdb -h 127.0.0.1 -p $pg_port -U postgres ipe_test"
    "$venv_bin/chroma" run --path "$dir/chroma" --host 127.0.0.1 --port "$chroma_port" \
      >"$dir/chroma.log" 2>&1 &
    echo $! >"$dir/chroma.pid"
    for _ in $(seq 1 120); do
      if "$venv_bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$chroma_port/api/v2/heartbeat', timeout=1)" 2>/dev/null; then
        break
      fi
      sleep 0.5
    done
    echo "export IPE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$pg_port/ipe_test"
    echo "export IPE_TEST_CHROMA_URL=http://127.0.0.1:$chroma_port"
    ;;
  stop)
    if [ -f "$dir/chroma.pid" ]; then kill "$(cat "$dir/chroma.pid")" 2>/dev/null || true; fi
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$bin" ] && [ -d "$dir/pg/data" ]; then
      as_postgres "$bin/pg_ctl -D '$dir/pg/data' -m fast -w stop >/dev/null" || true
    fi
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac

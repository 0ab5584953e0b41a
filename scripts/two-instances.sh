#!/usr/bin/env bash
# Two `berdikari serve` instances on one PostgreSQL behind Debian's nginx, all on 127.0.0.1.
#
#   scripts/two-instances.sh            # runs until Ctrl-C, then stops everything it started
#
# Layout (ports can be set through the environment):
#   nginx        127.0.0.1:$PORT (8080)   the only address a browser uses
#   instance a   127.0.0.1:$PORT_A (8881) berdikari serve
#   instance b   127.0.0.1:$PORT_B (8882) berdikari serve
#   PostgreSQL   127.0.0.1:$PG_PORT (55432), data in a temporary folder, database "berdikari"
#
# Stickiness: an app page may come from either instance (least connections; an instance that
# answers "busy" (503) hands the visit to the other). nginx then sets the cookie bdk_node to the
# instance that served the page, and routes that browser's kernel traffic (websocket, page-close
# shutdown) to it: the kernel lives there. The site's pages can come from either.
#
# Writes $BDK_TWO_DIR/ready (the URLs and the database URL) once everything answers; a test
# waits for that file. Extra `berdikari serve` options: BDK_SERVE_ARGS="--max-kernels 2".
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/.venv/bin"
PORT="${PORT:-8080}"
PORT_A="${PORT_A:-8881}"
PORT_B="${PORT_B:-8882}"
PG_PORT="${PG_PORT:-55432}"
WORK="${BDK_TWO_DIR:-$(mktemp -d /tmp/bdk-two-XXXXXX)}"
mkdir -p "$WORK"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL binaries missing: apt-get install postgresql" >&2; exit 2; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "nginx missing: apt-get install nginx-light" >&2; exit 2; }

PIDS=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ -f "$WORK/pg/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null
  rm -f "$WORK/ready"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL ---------------------------------------------------------------------------------
chmod 755 "$WORK"  # the postgres user must reach its folders
mkdir -p "$WORK/pg" "$WORK/pgrun"
[ "$(id -u)" = 0 ] && chown postgres: "$WORK/pg" "$WORK/pgrun"
as_pg "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --locale=C >"$WORK/initdb.log"
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pgrun/pg.log" -w -t 60 \
  -o "-p $PG_PORT -k $WORK/pgrun -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres berdikari
DB="postgresql://postgres@127.0.0.1:$PG_PORT/berdikari"
"$BIN/berdikari" db upgrade --database-url "$DB" >/dev/null  # once, before both instances start

# --- the site, built once for both instances ----------------------------------------------------
SITE="${BDK_SITE_DIR:-}"
if [ -z "$SITE" ]; then
  SITE="$("$BIN/python" -c "
from pathlib import Path
from berdikari.web.server import ServeOptions, prepare_site
print(prepare_site(ServeOptions(site_dir=Path('$WORK/site'), build_site=True)))")"
fi

# --- two instances ------------------------------------------------------------------------------
# Sessions live in the shared database, so either instance accepts a sign-in made on the other.
# nginx on this machine is the proxy whose X-Forwarded-For tells visitors apart (sign-in limits).
export BERDIKARI_TRUSTED_PROXIES="${BERDIKARI_TRUSTED_PROXIES:-127.0.0.1}"
for name in a b; do
  port="$PORT_A"; [ "$name" = b ] && port="$PORT_B"
  # shellcheck disable=SC2086  # BDK_SERVE_ARGS is a list of options
  BERDIKARI_DATA_DIR="$WORK/data-$name" "$BIN/berdikari" serve --host 127.0.0.1 --port "$port" \
    --database-url "$DB" --site-dir "$SITE" ${BDK_SERVE_ARGS:-} >"$WORK/instance-$name.log" 2>&1 &
  PIDS+=($!)
done

# --- nginx --------------------------------------------------------------------------------------
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 1024; }
http {
  access_log $WORK/nginx/logs/access.log;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
$(sed 's/^/  /' "$ROOT/scripts/nginx-berdikari.conf" \
  | sed "s/__LISTEN__/127.0.0.1:$PORT/; s/__A__/127.0.0.1:$PORT_A/g; s/__B__/127.0.0.1:$PORT_B/g")
}
EOF
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)

# --- wait until all answer ----------------------------------------------------------------------
for url in "http://127.0.0.1:$PORT_A/" "http://127.0.0.1:$PORT_B/" "http://127.0.0.1:$PORT/"; do
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && break
    for pid in "${PIDS[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "a process stopped; logs in $WORK" >&2; tail -20 "$WORK"/instance-*.log >&2; exit 1; }
    done
    sleep 0.5
  done
  curl -fsS -o /dev/null "$url" || { echo "$url does not answer; logs in $WORK" >&2; exit 1; }
done
cat >"$WORK/ready" <<EOF
URL=http://127.0.0.1:$PORT
URL_A=http://127.0.0.1:$PORT_A
URL_B=http://127.0.0.1:$PORT_B
DATABASE_URL=$DB
EOF
echo "Berdikari on two instances: http://127.0.0.1:$PORT (a: $PORT_A, b: $PORT_B; logs in $WORK)"
wait -n "${PIDS[@]}" || true
echo "a process stopped; stopping the rest" >&2

#!/usr/bin/env bash
# Load test of the public portal's front page beside nginx serving the same bytes as a
# static file, in the same run, with wrk (Debian packages `wrk` and `nginx`).
#
#   bench/portal.sh [connections] [seconds]
#
# Builds the release binary, seeds a fresh demo database, serves it on 127.0.0.1:18081
# with the production log level, saves the page `/cong-khai` as a visitor gets it, and
# serves that file with nginx (two workers, access log on, as the app has) on
# 127.0.0.1:18082. Then holds `connections` (default 200) keep-alive connections on each
# for `seconds` (default 20), app first. Prints both of wrk's reports.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${1:-200}
SECS=${2:-20}
PORT=${BENCH_PORT:-18081}
NGINX_PORT=${BENCH_NGINX_PORT:-18082}
THREADS=${BENCH_THREADS:-1}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/songmaytinh

WORK=$(mktemp -d)
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
"$BIN" demo --no-serve --file "$WORK/bench.db" --log-key "$WORK/log.key" >/dev/null 2>&1
RUST_LOG=${RUST_LOG:-info,sqlx=warn} "$BIN" --db "sqlite://$WORK/bench.db" serve --bind "127.0.0.1:$PORT" --log-key "$WORK/log.key" 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

mkdir -p "$WORK/www"
curl -fsS "http://127.0.0.1:$PORT/cong-khai" -o "$WORK/www/index.html"
# nginx's workers run as another user: let them read the page.
chmod 755 "$WORK" "$WORK/www"
chmod 644 "$WORK/www/index.html"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
daemon on;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log $WORK/nginx-access.log;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location / { default_type "text/html; charset=utf-8"; try_files /index.html =404; etag on; }
  }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK"
curl -fsS "http://127.0.0.1:$NGINX_PORT/cong-khai" -o /dev/null

echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $CONNS connections, ${SECS}s, $(wc -c <"$WORK/www/index.html") bytes"
for target in "app http://127.0.0.1:$PORT/cong-khai" "nginx http://127.0.0.1:$NGINX_PORT/cong-khai"; do
  set -- $target
  echo "-- $1"
  wrk -t"$THREADS" -c"$CONNS" -d3s "$2" >/dev/null
  wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency "$2"
done

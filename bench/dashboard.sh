#!/usr/bin/env bash
# Load test of the logged-in dashboard on SQLite, with wrk (Debian package `wrk`).
#
#   bench/dashboard.sh [connections] [seconds] [user]
#
# Builds the release binary, seeds a fresh demo database (Đắk Nông, ~400 schools),
# serves it on 127.0.0.1:18080 with the production log level, logs in through the login
# form like a browser, then holds `connections` (default 200) keep-alive connections on
# GET / for `seconds` (default 30). The user defaults to so_gddt, whose dashboard counts
# the whole province. Prints wrk's report (throughput, p50/p90/p99 latency).
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${1:-200}
SECS=${2:-30}
USER_NAME=${3:-so_gddt}
PORT=${BENCH_PORT:-18080}
THREADS=${BENCH_THREADS:-1}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/songmaytinh

WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$BIN" demo --no-serve --file "$WORK/bench.db" >/dev/null 2>&1
RUST_LOG=${RUST_LOG:-info,sqlx=warn} "$BIN" --db "sqlite://$WORK/bench.db" serve --bind "127.0.0.1:$PORT" 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

# Log in through the form, as a browser does.
JAR="$WORK/cookies"
TOKEN=$(curl -fsS -c "$JAR" "http://127.0.0.1:$PORT/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -fsS -b "$JAR" -c "$JAR" -o /dev/null -X POST \
  --data-urlencode "_csrf=$TOKEN" --data-urlencode "username=$USER_NAME" \
  --data-urlencode "password=maytinh-2022" --data-urlencode "next=/" \
  "http://127.0.0.1:$PORT/login"
SESSION=$(awk '$6 == "smt_session" { print $7 }' "$JAR")
[ -n "$SESSION" ] || { echo "login failed" >&2; exit 1; }
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: smt_session=$SESSION" "http://127.0.0.1:$PORT/")
[ "$STATUS" = 200 ] || { echo "dashboard answered $STATUS" >&2; exit 1; }

echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $CONNS connections, ${SECS}s, user $USER_NAME"
# Warm up, then measure.
wrk -t"$THREADS" -c"$CONNS" -d3s -H "Cookie: smt_session=$SESSION" "http://127.0.0.1:$PORT/" >/dev/null
wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -H "Cookie: smt_session=$SESSION" "http://127.0.0.1:$PORT/"

#!/usr/bin/env bash
# Mixed load on a province-sized demo (bench/load.lua, Debian's wrk), on three set-ups:
#   sqlite    one app server on a SQLite file
#   postgres  one app server on PostgreSQL
#   two       two app servers on one PostgreSQL, behind nginx (round robin)
#
#   bench/load.sh [seconds] [connections]          # default 20 s, 64 connections
#   LOAD_SETUPS="sqlite two" bench/load.sh 10      # some of them
#   LOAD_SCALE=1 LOAD_BIN=target/debug/songmaytinh bench/load.sh 5   # CI's quick pass
#
# The database: the Đắk Nông demo with every generated list LOAD_SCALE times its size
# (default 4: 393 schools, about 20,000 students). Logged-in users (the Department, a
# district office, two schools, the Board, Finance, Sở TT&TT) log in through the form like a
# browser; the mix replays dashboards, lists, searches, a school's upload of its list (the
# real check, in a transaction rolled back, and the file kept for confirmation), the
# handover and signal pages, and public visitors on the portal. PostgreSQL needs
# TEST_POSTGRES_URL (an account that may create databases). Prints wrk's report per
# set-up with every status seen; fails when any response is 400 or more, or a socket
# error occurs (zero errors is the bar).
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${1:-20}
CONNS=${2:-64}
SETUPS=${LOAD_SETUPS:-sqlite postgres two}
SCALE=${LOAD_SCALE:-4}
THREADS=${LOAD_THREADS:-1}
BASE_PORT=${LOAD_PORT:-18180}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ -z "${LOAD_BIN:-}" ]; then
  cargo build --release --quiet
  BIN=${CARGO_TARGET_DIR:-target}/release/songmaytinh
else
  BIN=$LOAD_BIN
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "${PGDB:-}" ]; then
    psql -q "$TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS \"$PGDB\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [ -n "${LOAD_KEEP:-}" ]; then echo "kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the server on port $1 did not start" >&2
  exit 1
}

serve() { # db port log
  RUST_LOG=${RUST_LOG:-info,sqlx=warn} "$BIN" --db "$1" --log-format json serve --bind "127.0.0.1:$2" \
    --log-key "$WORK/log.key" 2>"$3" &
  PIDS+=($!)
  wait_ready "$2"
}

# Logs `user` in through the form at `base`; prints "cookie<TAB>csrf".
login() {
  local base=$1 user=$2 jar="$WORK/jar-$2"
  local token
  token=$(curl -fsS -c "$jar" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -fsS -b "$jar" -c "$jar" -o /dev/null -X POST \
    --data-urlencode "_csrf=$token" --data-urlencode "username=$user" \
    --data-urlencode "password=maytinh-2022" --data-urlencode "next=/" "$base/login"
  local session
  session=$(awk '$6 == "smt_session" { print $7 }' "$jar")
  [ -n "$session" ] || { echo "login of $user failed" >&2; exit 1; }
  local csrf
  csrf=$(curl -fsS -H "Cookie: smt_session=$session" "$base/" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  printf 'smt_session=%s\t%s\n' "$session" "$csrf"
}

# Writes the mix for the servers at `base` to $WORK/requests.tsv.
requests() {
  local base=$1 out="$WORK/requests.tsv"
  : >"$out"
  declare -A C T
  for u in so_gddt phong_663 truong_67661005 truong_67000001 ban_dieu_phoi so_tai_chinh so_tttt; do
    IFS=$'\t' read -r C[$u] T[$u] < <(login "$base" "$u")
  done
  # A school's upload of its list: multipart, the form's token in the body.
  local body="$WORK/upload.bin" boundary=smtloadboundary2022
  {
    printf -- '--%s\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n%s\r\n' "$boundary" "${T[truong_67000001]}"
    printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="danh-sach.xlsx"\r\n' "$boundary"
    printf 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n'
    cat data/samples/h1_truong_a.xlsx
    printf '\r\n--%s--\r\n' "$boundary"
  } >"$body"
  local q
  q=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("Nguyễn"))')
  {
    # weight method path cookie body content-type
    printf '6\tGET\t/\t%s\t-\t-\n' "${C[so_gddt]}"
    printf '6\tGET\t/\t%s\t-\t-\n' "${C[phong_663]}"
    printf '6\tGET\t/\t%s\t-\t-\n' "${C[truong_67661005]}"
    printf '4\tGET\t/\t%s\t-\t-\n' "${C[ban_dieu_phoi]}"
    printf '3\tGET\t/\t%s\t-\t-\n' "${C[so_tai_chinh]}"
    printf '8\tGET\t/students\t%s\t-\t-\n' "${C[phong_663]}"
    printf '5\tGET\t/students/school/67661005\t%s\t-\t-\n' "${C[truong_67661005]}"
    printf '6\tGET\t/students?q=%s\t%s\t-\t-\n' "$q" "${C[so_gddt]}"
    printf '3\tGET\t/units\t%s\t-\t-\n' "${C[so_gddt]}"
    printf '3\tGET\t/devices\t%s\t-\t-\n' "${C[ban_dieu_phoi]}"
    printf '3\tGET\t/handover/students\t%s\t-\t-\n' "${C[truong_67661005]}"
    printf '2\tGET\t/allocation\t%s\t-\t-\n' "${C[ban_dieu_phoi]}"
    printf '2\tGET\t/ledger\t%s\t-\t-\n' "${C[so_tai_chinh]}"
    printf '2\tGET\t/signal/zones\t%s\t-\t-\n' "${C[so_tttt]}"
    printf '1\tPOST\t/students/school/67000001/import\t%s\t%s\tmultipart/form-data; boundary=%s\n' "${C[truong_67000001]}" "$body" "$boundary"
    printf '20\tGET\t/cong-khai\t-\t-\t-\n'
    printf '4\tGET\t/cong-khai/sao-ke\t-\t-\t-\n'
    printf '3\tGET\t/cong-khai/du-lieu/tong-hop.json\t-\t-\t-\n'
    printf '3\tGET\t/cong-khai/tra-cuu\t-\t-\t-\n'
  } >>"$out"
  echo "   each kind alone: best of 3 (ms), weight, request"
  times "$base"
}

# Times each kind of request of the mix against `base`: the best of three, one at a time,
# failing on a status of 400 or more.
times() {
  local base=$1
  while IFS=$'\t' read -r weight method path cookie bodyfile ctype; do
    local args=(-s -o /dev/null -w '%{http_code} %{time_total}\n' -X "$method")
    [ "$cookie" != - ] && args+=(-H "Cookie: $cookie")
    [ "$bodyfile" != - ] && args+=(-H "Content-Type: $ctype" --data-binary "@$bodyfile")
    local best=999999 status t
    for _ in 1 2 3; do
      read -r status t < <(curl "${args[@]}" "$base$path")
      [ "$status" -lt 400 ] || { echo "$method $path answered $status" >&2; exit 1; }
      t=$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')
      [ "$t" -lt "$best" ] && best=$t
    done
    printf '   %6d  %2d  %s %s\n' "$best" "$weight" "$method" "${path%%\?*}"
  done <"$WORK/requests.tsv"
}

run() { # name base db
  requests "$2"
  local counts="SELECT (SELECT COUNT(*) FROM students), (SELECT COUNT(*) FROM units WHERE kind = 'school')"
  local n
  case $3 in
    sqlite://*) n=$(python3 -c "import sqlite3,sys; print(*sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone())" "${3#sqlite://}" "$counts") ;;
    *) n=$(psql -At -F ' ' "$3" -c "$counts") ;;
  esac
  set -- "$1" "$2" "$3" $n
  echo "-- $1: $4 students, $5 schools; $(nproc) cores, $CONNS connections, ${SECS} s, $(wc -l <"$WORK/requests.tsv") kinds of request"
  LOAD_REQUESTS="$WORK/requests.tsv" wrk -t"$THREADS" -c"$CONNS" -d3s -s bench/load.lua "$2" >/dev/null
  # While the load runs, one request of each kind at a time, timed: which kinds the tail is.
  (sleep 1; times "$2" >"$WORK/under-load-$1.txt") &
  local probe=$!
  LOGS_FROM=$(date -u +%Y-%m-%dT%H:%M:%S)
  LOAD_REQUESTS="$WORK/requests.tsv" wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency --timeout 10s \
    -s bench/load.lua "$2" | tee "$WORK/wrk-$1.txt"
  wait "$probe" || true
  echo "   each kind during the run, one at a time (ms), weight, request"
  cat "$WORK/under-load-$1.txt"
  echo "   each kind in the servers' access logs during the run: requests, p50, p99, max (ms)"
  python3 - "$LOGS_FROM" "$WORK/$1"*.log <<'PY'
import json, sys
since, by = sys.argv[1], {}
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8"):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        f = e.get("fields", {})
        if f.get("message") != "finished processing request" or e.get("timestamp", "") < since:
            continue
        span = e.get("span", {})
        key = span.get("method", "") + " " + span.get("path", "")
        by.setdefault(key, []).append(int(str(f.get("latency", "0")).split()[0]))
for key, xs in sorted(by.items(), key=lambda kv: -len(kv[1])):
    xs.sort()
    q = lambda p: xs[min(len(xs) - 1, int(p * len(xs)))]
    print(f"   {len(xs):7d} {q(0.5):6d} {q(0.99):6d} {xs[-1]:6d}  {key}")
PY
  if grep -Eq 'statuses: .*\b([45][0-9][0-9])=' "$WORK/wrk-$1.txt" ||
    grep -Eq 'Non-2xx|socket errors: connect [1-9]|read [1-9]|write [1-9]|timeout [1-9]' "$WORK/wrk-$1.txt"; then
    echo "$1: errors under load (above)" >&2
    FAILED=1
  fi
}

FAILED=0
seeded() { # db: seeds the demo once per database
  "$BIN" demo --no-serve --db "$1" --scale "$SCALE" --log-key "$WORK/log.key" >"$WORK/seed.log" 2>&1 ||
    { cat "$WORK/seed.log" >&2; exit 1; }
}

PORT=$BASE_PORT
for setup in $SETUPS; do
  case $setup in
    sqlite)
      seeded "sqlite://$WORK/load.db"
      serve "sqlite://$WORK/load.db" "$PORT" "$WORK/sqlite.log"
      run sqlite "http://127.0.0.1:$PORT" "sqlite://$WORK/load.db"
      kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
      ;;
    postgres | two)
      [ -n "${TEST_POSTGRES_URL:-}" ] || { echo "$setup needs TEST_POSTGRES_URL" >&2; exit 1; }
      if [ -z "${PGDB:-}" ]; then
        PGDB=smt_load_$$
        psql -q "$TEST_POSTGRES_URL" -c "CREATE DATABASE \"$PGDB\"" >/dev/null
        PGURL="${TEST_POSTGRES_URL%/*}/$PGDB"
        seeded "$PGURL"
      fi
      if [ "$setup" = postgres ]; then
        serve "$PGURL" "$PORT" "$WORK/postgres.log"
        run postgres "http://127.0.0.1:$PORT" "$PGURL"
        kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
      else
        [ -x "$NGINX" ] || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
        A=$((PORT + 1)) B=$((PORT + 2)) FRONT=$((PORT + 3))
        serve "$PGURL" "$A" "$WORK/two-a.log"
        serve "$PGURL" "$B" "$WORK/two-b.log"
        cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_max_body_size 20m;
  upstream app { server 127.0.0.1:$A; server 127.0.0.1:$B; keepalive 64; }
  server {
    listen 127.0.0.1:$FRONT;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
    }
  }
}
CONF
        "$NGINX" -c "$WORK/nginx.conf" -p "$WORK"
        wait_ready "$FRONT"
        run two "http://127.0.0.1:$FRONT" "$PGURL"
        a=$(grep -c 'finished processing' "$WORK/two-a.log" || true)
        b=$(grep -c 'finished processing' "$WORK/two-b.log" || true)
        echo "two: server A answered $a requests, server B $b"
      fi
      ;;
    *) echo "unknown set-up $setup (sqlite, postgres, two)" >&2; exit 1 ;;
  esac
  PORT=$((PORT + 10))
done
exit "$FAILED"

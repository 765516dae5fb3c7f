#!/usr/bin/env bash
# Proof under stress (issue 17), every item from one command:
#
#   bench/proof.sh          # the whole proof
#   bench/proof.sh quick    # the subset .ci/run runs
#
# 1. browser scenarios per role, 3. crash consistency (SIGKILL mid-import), 5. the API
#    schema under schemathesis as several roles, 6. security (CSRF, session fixation,
#    back-off, out-of-scope ids on every route as every role, upload bounds, attachment
#    paths, escaping, formula-safe exports, security headers), 7. backup and restore on
#    both engines, 8. concurrency (the same device, list, account and invoice at once),
#    and two app servers on one PostgreSQL: all in the README's test command, run with
#    PostgreSQL, Chromium and schemathesis required (nothing may be skipped);
# 4. fuzzing: bench/fuzz.sh, each target for FUZZ_SECONDS (60; quick 20);
# 2. load: bench/load.sh on SQLite, PostgreSQL and two app servers behind nginx (20 s
#    each on a province of ~20,000 students; quick: the debug build, the plain demo, 5 s).
#
# Needs what .ci/run installs (PostgreSQL on TEST_POSTGRES_URL, Debian's chromium,
# chromium-driver, wrk, nginx; schemathesis in SCHEMATHESIS); .ci/run sets it all up and
# then calls `bench/proof.sh quick`. Prints each phase's time and result; fails if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-full}
: "${TEST_POSTGRES_URL:?PostgreSQL is needed: set TEST_POSTGRES_URL (see .ci/run)}"
export SONGMAYTINH_REQUIRE_POSTGRES=1 SONGMAYTINH_REQUIRE_BROWSER=1
[ -n "${SCHEMATHESIS:-}" ] && export SONGMAYTINH_REQUIRE_SCHEMATHESIS=1

declare -a SUMMARY
STATUS=0
phase() { # name command...
  local name=$1 started=$SECONDS
  shift
  echo "== $name"
  if "$@"; then
    SUMMARY+=("$(printf '%-58s %5d s  ok' "$name" $((SECONDS - started)))")
  else
    SUMMARY+=("$(printf '%-58s %5d s  FAILED' "$name" $((SECONDS - started)))")
    STATUS=1
  fi
}

tests() {
  local log
  log=$(mktemp)
  # A hung test fails the run with the names of those still running, well inside CI's
  # limit, instead of holding it to the end.
  timeout --signal=KILL "${PROOF_TEST_LIMIT:-50m}" cargo test --workspace 2>&1 | tee "$log"
  local s=${PIPESTATUS[0]}
  if grep -q SKIPPED "$log"; then
    echo "some tests were skipped (see SKIPPED above)" >&2
    s=1
  fi
  grep "test result" "$log" | awk '{p+=$4; f+=$6} END {print "tests: " p " passed, " f " failed"}'
  rm -f "$log"
  return "$s"
}

phase "1,3,5,6,7,8: the test command (browser, crash, API schema, security, backup, concurrency)" tests
if [ "$MODE" = quick ]; then
  phase "4: fuzzing, 20 s per target" env FUZZ_SECONDS="${FUZZ_SECONDS:-20}" FUZZ_KEEP=0 \
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/fuzz" bench/fuzz.sh
  phase "2: load, debug build, plain demo, 5 s per set-up" env LOAD_SCALE=1 \
    LOAD_BIN="${CARGO_TARGET_DIR:-target}/debug/songmaytinh" bench/load.sh 5 4
else
  phase "4: fuzzing, ${FUZZ_SECONDS:-60} s per target" env FUZZ_SECONDS="${FUZZ_SECONDS:-60}" \
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/fuzz" bench/fuzz.sh
  phase "2: load on SQLite, PostgreSQL and two servers" bench/load.sh "${LOAD_SECONDS:-20}" "${LOAD_CONNECTIONS:-64}"
fi

echo "== proof ($MODE)"
printf '%s\n' "${SUMMARY[@]}"
exit "$STATUS"

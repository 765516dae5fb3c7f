#!/usr/bin/env bash
# Fuzzes the readers of offices' files and the parsers under them (fuzz/fuzz_targets/) for a
# bounded time each, with libFuzzer through cargo-fuzz on the stable toolchain (no
# sanitizer: Rust's own checks catch what a sanitizer would in this safe code). Inputs that
# find new paths are added to fuzz/corpus/<target>; a crash is kept in
# fuzz/artifacts/<target>/ and fails the run. `cargo test` replays the committed corpus.
#
#   bench/fuzz.sh            # 60 s per target, new inputs kept in fuzz/corpus
#   FUZZ_SECONDS=20 FUZZ_KEEP=0 bench/fuzz.sh   # CI's short pass: the corpus read, not grown
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH=${FUZZ_SECONDS:-60}
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi
cargo fuzz build --sanitizer none -O
status=0
for target in sheets parsers; do
  case $target in
    sheets) args=(-max_len=65536 -rss_limit_mb=2048 -timeout=10) ;;
    parsers) args=(-max_len=512 -timeout=5) ;;
  esac
  echo "== $target: ${SECONDS_EACH} s"
  dirs=("corpus/$target")
  if [ "${FUZZ_KEEP:-1}" = 0 ]; then
    # libFuzzer writes what it finds into the first directory: a scratch one.
    scratch=$(mktemp -d)
    dirs=("$scratch" "corpus/$target")
  fi
  if ! cargo fuzz run --sanitizer none -O "$target" "${dirs[@]}" -- \
      -max_total_time="$SECONDS_EACH" -print_final_stats=1 "${args[@]}" 2>"/tmp/fuzz-$target.log"; then
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|panicked" "/tmp/fuzz-$target.log" || true
  if ls "artifacts/$target"/crash-* >/dev/null 2>&1; then
    echo "!! $target: crashes in fuzz/artifacts/$target/" >&2
    status=1
  fi
done
exit $status

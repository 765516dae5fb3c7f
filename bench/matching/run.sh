#!/usr/bin/env bash
# The province-wide duplicate search beside Splink 5, on one generated province.
#
#   bench/matching/run.sh [STUDENTS] [DUPLICATES]     # defaults: 100000 3000
#
# 1. installs Splink from PyPI into a virtual environment (target/matching/venv);
# 2. generates the province (generate.py: realistic name frequencies, siblings and twins,
#    planted duplicates of every kind, the truth in its own columns);
# 3. runs songmaytinh's search through the store, as the Board's button does
#    (cargo bench -p songmaytinh --bench matching), and Splink (splink_dedup.py);
# 4. scores both against the truth with the same independent scorer (score.py) and
#    prints the table that docs/PERFORMANCE.md records.
set -euo pipefail
cd "$(dirname "$0")/../.."
students=${1:-100000}
duplicates=${2:-3000}
out=target/matching
mkdir -p "$out"
venv=$out/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/matching/requirements.txt
py=$venv/bin/python

"$py" bench/matching/generate.py --students "$students" --duplicates "$duplicates" --seed 2022 \
  --out "$out/province.csv"

cargo bench -p songmaytinh --bench matching -- \
  --input "$PWD/$out/province.csv" --output "$PWD/$out/ours_groups.csv" --db "$PWD/$out/ours.db" \
  | tail -n 1 >"$out/ours.json"
"$py" bench/matching/splink_dedup.py --input "$out/province.csv" --output "$out/splink_groups.csv" \
  2>"$out/splink_stderr.log" | tail -n 1 >"$out/splink.json"

"$py" bench/matching/score.py --truth "$out/province.csv" --groups "$out/ours_groups.csv" --label songmaytinh \
  2>"$out/ours_score.log" >"$out/ours_score.json"
"$py" bench/matching/score.py --truth "$out/province.csv" --groups "$out/splink_groups.csv" --label splink \
  2>"$out/splink_score.log" >"$out/splink_score.json"

"$py" - "$out" <<'EOF'
import json, sys
out = sys.argv[1]
ours = json.load(open(f"{out}/ours.json"))
ours_s = json.load(open(f"{out}/ours_score.json"))
spl = json.load(open(f"{out}/splink.json"))
spl_s = json.load(open(f"{out}/splink_score.json"))
apply = spl["predict_secs"] + spl["cluster_secs"]
print(f"| matcher | records | true pairs | proposed pairs | precision | recall | time |")
print(f"|---|---:|---:|---:|---:|---:|---:|")
print(f"| songmaytinh (`Store::run_dedup`, SQLite) | {ours['records']:,} | {ours_s['true_pairs']:,} | "
      f"{ours_s['predicted_pairs']:,} | {ours_s['precision']:.4f} | {ours_s['recall']:.4f} | {ours['dedup_secs']:.2f} s |")
print(f"| Splink {spl['splink_version']} (DuckDB), threshold {spl['threshold']} | {spl['records']:,} | {spl_s['true_pairs']:,} | "
      f"{spl_s['predicted_pairs']:,} | {spl_s['precision']:.4f} | {spl_s['recall']:.4f} | {spl['total_secs']:.2f} s |")
print()
print(f"Splink: load {spl['load_secs']:.2f} s, training {spl['train_secs']:.2f} s, prediction {spl['predict_secs']:.2f} s, "
      f"clustering {spl['cluster_secs']:.2f} s. songmaytinh is {spl['total_secs'] / ours['dedup_secs']:.1f}x faster than "
      f"Splink's whole run and {apply / ours['dedup_secs']:.1f}x faster than its prediction and clustering alone "
      f"(a model trained once). Storing the province for songmaytinh took {ours['load_secs']:.2f} s (not timed).")
EOF

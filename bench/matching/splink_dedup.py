#!/usr/bin/env python3
"""De-duplicate a generated province with Splink 5 (DuckDB backend), as a fair baseline.

The model is what an experienced Splink user would build for Vietnamese school lists:

* Preprocessing (DuckDB SQL): Unicode NFC, lower case, Vietnamese diacritics folded (đ→d
  too), spaces collapsed; the name split into family (first word), given (last word) and
  middle (the words between, '' when none), plus the name's words sorted (for swaps);
  village names reduced to a key ("Tổ dân phố 05", "TDP 5" → tdp5; "Thôn 3", "T.3" →
  thon3; "Bon Bu Prăng", "B.BuPrăng" → bonbuprang). cluster_id and kind (the truth) are
  not even loaded into the table Splink reads.
* Blocking rules for prediction: student_code; dob; family + given + birth year; parent +
  given (~2.9 M comparisons on 103,000 records; the counts are printed to stderr).
* Comparisons: student code exact; family, middle and given name each (exact — given also
  exact-with-diacritics —, same words in another order, Damerau-Levenshtein ≤ 1, else),
  term-frequency adjustments on family and given names; dob exact / Levenshtein 1 / within
  a month / within a year; gender; commune + village as one address comparison (TF on the
  village within its commune); parent name (NameComparison, Jaro-Winkler 0.92 / 0.8, TF).
  School is not compared: a duplicate is by definition listed at another school.
* Training, the usual Splink sequence: λ from two near-certain deterministic rules (same
  code; same folded name + dob + commune) with an a-priori recall of 0.7; u by random
  sampling (1e8 pairs, seeded); m by EM on three blocks where duplicates should be most of
  the pairs (see EM_BLOCKING_RULES). No labels: the student code is not used as a label
  (estimate_m_from_label_column) because a child listed twice is usually listed under
  another code or none, so code-sharing pairs are a biased sample of duplicates (their
  names are re-typed identically: no typos, no swaps) and would teach that typos never
  happen.
* The twins guard (default on; --no-twin-guard turns it off). Twins share parent, village
  and dob, so EM learns them as duplicates (m of "given names wholly different" ≈ 0.1).
  As Splink's maintainers advise for twins, the m of that level is fixed so that a wholly
  different given name (not a swap, not one edit) weighs about -26 bits: enough to outweigh
  a whole-household agreement (dob + parent + address + family ≈ 33 bits in this model)
  less the prior's 20 bits. This is domain knowledge, not fitted to the truth.
* Prediction, then connected components (cluster_pairwise_predictions_at_threshold) at
  match probability 0.95, chosen a priori: a false merge hides a child from the list
  (no computer), while a missed duplicate is still caught by the district's approval, so
  links need 19:1 odds; 0.95 is also the value Splink's own examples cluster at.

Output: CSV `record_id,group_id` for every record in a group of ≥ 2 records.
stdout: one JSON line with counts and timings (total_secs excludes the blocking-count
diagnostic, reported apart). stderr: blocking counts, the trained match weights, and —
only after the output is written, and only if the input carries the generator's
cluster_id — a side table of pairwise precision / recall at several thresholds.

Usage: python3 splink_dedup.py --input province.csv --output splink_groups.csv
"""

import argparse
import csv
import json
import logging
import sys
import time
from itertools import combinations

import duckdb
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules

CURVE_THRESHOLDS = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]

# Columns handed to Splink. cluster_id and kind (the generator's truth) are never loaded.
INPUT_COLUMNS = ["record_id", "student_code", "full_name", "gender", "dob", "school_code",
                 "class_name", "village", "commune", "parent_name"]

PREPROCESS_SQL = r"""
CREATE OR REPLACE MACRO vn_fold(s) AS
    regexp_replace(trim(strip_accents(replace(replace(lower(nfc_normalize(s)), 'đ', 'd'), 'Đ', 'd'))),
                   '\s+', ' ', 'g');
CREATE OR REPLACE MACRO vn_lower(s) AS
    regexp_replace(trim(lower(nfc_normalize(s))), '\s+', ' ', 'g');

CREATE OR REPLACE TABLE students AS
WITH base AS (
    SELECT
        CAST(record_id AS BIGINT) AS record_id,
        nullif(regexp_replace(coalesce(student_code, ''), '[^0-9]', '', 'g'), '') AS student_code,
        nullif(vn_lower(coalesce(full_name, '')), '') AS name_raw,
        nullif(vn_fold(coalesce(full_name, '')), '') AS name_fold,
        nullif(vn_fold(coalesce(gender, '')), '') AS gender,
        nullif(trim(coalesce(dob, '')), '') AS dob,
        nullif(vn_fold(coalesce(commune, '')), '') AS commune_fold,
        nullif(vn_fold(coalesce(village, '')), '') AS village_fold,
        nullif(vn_fold(coalesce(parent_name, '')), '') AS parent_fold
    FROM raw_input
), tok AS (
    SELECT *,
        string_split(name_fold, ' ') AS t,
        string_split(name_raw, ' ') AS traw,
        -- village key: letters and digits only, prefixes unified ("Tổ dân phố 05",
        -- "TDP 5", "Tổ 5" → tdp5; "Thôn 3", "T.3" → thon3; "Buôn X", "B.X" → bonx),
        -- leading zeros dropped
        regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            regexp_replace(village_fold, '[^a-z0-9]', '', 'g'),
            '^(todanpho|tdp|to)([0-9])', 'tdp\2'),
            '^(thon|t)([abcefgi-z0-9])', 'thon\2'),
            '^(buon|bon|b)', 'bon'),
            '([a-z])0+([0-9])', '\1\2', 'g') AS village_key
    FROM base
)
SELECT
    record_id, student_code, name_raw, name_fold, gender, dob,
    substr(dob, 1, 4) AS birth_year,
    t[1] AS family_fold,
    CASE WHEN len(t) >= 2 THEN t[-1] END AS given_fold,
    CASE WHEN len(traw) >= 2 THEN traw[-1] END AS given_raw,
    array_to_string(list_slice(t, 2, -2), ' ') AS middle_fold,
    array_to_string(list_sort(t), ' ') AS name_sorted,
    commune_fold, village_key,
    CASE WHEN village_key IS NOT NULL THEN commune_fold || '|' || village_key END AS commune_village,
    parent_fold
FROM tok;
"""


# The twins guard (see the module docstring): m of "given names wholly different" fixed so
# that its match weight is about -26 bits, enough to outweigh a whole-household agreement.
TWIN_GUARD_M = 1e-8


# EM sessions. Each runs on a block where duplicates should be the great majority of the
# pairs (the pair counts are small next to the ~3,700 duplicate pairs λ implies), because
# on looser blocks EM here drifts to a degenerate "everything matches" solution or learns
# families (siblings share parent and village, twins also dob) as matches. The twins guard
# keeps twins out of the first block's match class. Splink keeps the median per level.
EM_BLOCKING_RULES = [
    block_on("dob", "commune_fold"),                         # names, code, gender, parent
    block_on("name_fold", "dob", "parent_fold"),             # code, gender, address
    block_on("name_fold", "parent_fold", "commune_fold"),    # code, dob, gender
]


def build_settings(twin_guard=True):
    """The Splink model: comparisons, blocking rules for prediction."""
    given_else = cll.ElseLevel()
    if twin_guard:
        given_else.configure(m_probability=TWIN_GUARD_M, fix_m_probability=True)
    given = cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given_fold"),
            cll.ExactMatchLevel("given_raw").configure(
                label_for_charts="Exact given name with diacritics",
                tf_adjustment_column="given_fold"),
            cll.ExactMatchLevel("given_fold").configure(
                label_for_charts="Exact given name, diacritics folded",
                tf_adjustment_column="given_fold"),
            cll.CustomLevel("name_sorted_l = name_sorted_r",
                            label_for_charts="Same name words, another order"),
            cll.DamerauLevenshteinLevel("given_fold", 1),
            given_else,
        ],
    )
    middle = cl.CustomComparison(
        output_column_name="middle_name",
        comparison_levels=[
            cll.NullLevel("middle_fold"),
            cll.ExactMatchLevel("middle_fold"),
            cll.CustomLevel("name_sorted_l = name_sorted_r",
                            label_for_charts="Same name words, another order"),
            cll.DamerauLevenshteinLevel("middle_fold", 1),
            cll.ElseLevel(),
        ],
    )
    family = cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            cll.NullLevel("family_fold"),
            cll.ExactMatchLevel("family_fold", term_frequency_adjustments=True),
            cll.DamerauLevenshteinLevel("family_fold", 1),
            cll.ElseLevel(),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("commune_fold"),
            cll.ExactMatchLevel("commune_village").configure(
                label_for_charts="Same commune and village",
                tf_adjustment_column="commune_village"),
            cll.CustomLevel(
                "commune_fold_l = commune_fold_r AND "
                "jaro_winkler_similarity(village_key_l, village_key_r) >= 0.88",
                label_for_charts="Same commune, similar village"),
            cll.CustomLevel(
                "commune_fold_l = commune_fold_r AND "
                "(village_key_l IS NULL OR village_key_r IS NULL)",
                label_for_charts="Same commune, village missing"),
            cll.ExactMatchLevel("commune_fold").configure(
                label_for_charts="Same commune, other village"),
            cll.ElseLevel(),
        ],
    )
    comparisons = [
        cl.ExactMatch("student_code"),
        family,
        middle,
        given,
        cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d",
                                 datetime_thresholds=[1, 1], datetime_metrics=["month", "year"]),
        cl.ExactMatch("gender"),
        address,
        cl.NameComparison("parent_fold", jaro_winkler_thresholds=[0.92, 0.8]),
    ]
    blocking = [
        block_on("student_code"),
        block_on("dob"),
        block_on("family_fold", "given_fold", "birth_year"),
        block_on("parent_fold", "given_fold"),
    ]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def print_model(linker, out):
    """Match weights of the trained model, one line per level."""
    s = linker._settings_obj
    print("trained model: probability_two_random_records_match = %.3g"
          % s._probability_two_random_records_match, file=out)
    for comp in s.comparisons:
        print("  %s" % comp.output_column_name, file=out)
        for lvl in comp._comparison_levels_excluding_null:
            m, u = lvl.m_probability, lvl.u_probability
            bf = lvl._bayes_factor if m is not None and u else None
            weight = "%+.2f" % lvl._log2_bayes_factor if bf else "  n/a"
            print("    %-44s m=%-9s u=%-9s w=%s" % (
                lvl.label_for_charts[:44],
                "%.4g" % m if m is not None else "-", "%.3g" % u if u is not None else "-",
                weight), file=out)


class UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        p = self.parent.setdefault(x, x)
        while p != self.parent[p]:
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        self.parent[x] = p
        return p

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def pairs_of_groups(groups):
    out = set()
    for members in groups:
        out.update(combinations(sorted(members), 2))
    return out


def curve_table(edges, truth_path, out):
    """Side table: cluster at several thresholds and score pairwise against cluster_id.

    Runs only after the model, the prediction and the output are done; the truth is read
    here and nowhere else.
    """
    with open(truth_path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if "cluster_id" not in (reader.fieldnames or []):
            return
        by_cluster = {}
        for row in reader:
            by_cluster.setdefault(row["cluster_id"], []).append(int(row["record_id"]))
    true_pairs = pairs_of_groups(m for m in by_cluster.values() if len(m) > 1)
    print("side table (truth used only here, after the run): pairwise over clusters", file=out)
    print("  %-9s %8s %9s %8s %9s %9s %8s" % ("threshold", "groups", "predicted", "right",
                                             "precision", "recall", "f1"), file=out)
    for t in CURVE_THRESHOLDS:
        uf = UnionFind()
        for a, b, p in edges:
            if p >= t:
                uf.union(a, b)
        groups = {}
        for x in list(uf.parent):
            groups.setdefault(uf.find(x), []).append(x)
        pred = pairs_of_groups(groups.values())
        right = len(pred & true_pairs)
        prec = right / len(pred) if pred else 1.0
        rec = right / len(true_pairs) if true_pairs else 1.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        print("  %-9s %8d %9d %8d %9.4f %9.4f %8.4f" % (t, len(groups), len(pred), right,
                                                       prec, rec, f1), file=out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--threshold", type=float, default=0.95,
                    help="match probability at which pairs are clustered (default 0.95)")
    ap.add_argument("--u-max-pairs", type=float, default=1e8,
                    help="pairs sampled to estimate u (Splink advises 1e8–1e9)")
    ap.add_argument("--seed", type=int, default=2022, help="seed for u sampling")
    ap.add_argument("--save-model", help="write the trained model (Splink JSON) here")
    ap.add_argument("--no-twin-guard", action="store_true",
                    help="plain EM model: leave m of a given-name mismatch to EM")
    ap.add_argument("--no-curve", action="store_true", help="skip the side table")
    ap.add_argument("--verbose", action="store_true", help="Splink's INFO logging")
    args = ap.parse_args()
    err = sys.stderr
    t0 = time.perf_counter()

    # ---- load and preprocess ----------------------------------------------------------
    con = duckdb.connect()
    cols = ", ".join(INPUT_COLUMNS)
    con.execute(
        f"CREATE TABLE raw_input AS SELECT {cols} FROM read_csv(?, header=true, "
        "all_varchar=true, quote='\"', escape='\"')", [args.input]).fetchall()
    con.execute(PREPROCESS_SQL).fetchall()
    n_records = con.execute("SELECT count(*) FROM students").fetchall()[0][0]
    db_api = DuckDBAPI(connection=con)
    sdf = db_api.register("students", dataset_display_name="students")
    t_load = time.perf_counter()

    settings = build_settings(twin_guard=not args.no_twin_guard)
    counts = count_comparisons_from_blocking_rules(
        sdf, blocking_rules=settings.blocking_rules_to_generate_predictions,
        link_type="dedupe_only", unique_id_column_name="record_id",
        record_sample_proportion=1.0)
    print("blocking rules for prediction (exact counts):", file=err)
    for rec in counts:
        print("  %-60s +%-10s cumulative %s" % (
            str(rec.get("blocking_rule", ""))[:60], rec.get("marginal_comparison_count"),
            rec.get("cumulative_comparison_count")), file=err)
    compared_pairs = counts[-1]["cumulative_comparison_count"] if counts else 0
    t_block = time.perf_counter()

    # ---- train ------------------------------------------------------------------------
    linker = Linker(sdf, settings, log_level=logging.INFO if args.verbose else logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("student_code"), block_on("name_fold", "dob", "commune_fold")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_max_pairs,
                                                     seed=args.seed)
    for rule in EM_BLOCKING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    t_train = time.perf_counter()
    print_model(linker, err)
    if args.save_model:
        linker.misc.save_model_to_json(args.save_model, overwrite=True)

    # ---- predict ----------------------------------------------------------------------
    # Keep pairs from the lowest threshold the side table needs; clustering filters again.
    keep = min(CURVE_THRESHOLDS + [args.threshold])
    df_predict = linker.inference.predict(threshold_match_probability=keep)
    t_predict = time.perf_counter()

    # ---- cluster ----------------------------------------------------------------------
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        df_predict, threshold_match_probability=args.threshold)
    rows = con.execute(f"""
        WITH c AS (SELECT cluster_id, record_id FROM {clusters.physical_name}),
        big AS (SELECT cluster_id, min(record_id) AS first_id FROM c
                GROUP BY cluster_id HAVING count(*) >= 2),
        numbered AS (SELECT cluster_id, row_number() OVER (ORDER BY first_id) AS group_id
                     FROM big)
        SELECT c.record_id, n.group_id FROM c JOIN numbered n USING (cluster_id)
        ORDER BY n.group_id, c.record_id
    """).fetchall()
    t_cluster = time.perf_counter()

    with open(args.output, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["record_id", "group_id"])
        w.writerows(rows)
    t_end = time.perf_counter()

    diag = t_block - t_load  # the blocking-count diagnostic is not part of the run's time
    summary = {
        "records": n_records,
        "groups": len({g for _, g in rows}),
        "grouped_records": len(rows),
        "load_secs": round(t_load - t0, 2),
        "train_secs": round(t_train - t_block, 2),
        "predict_secs": round(t_predict - t_train, 2),
        "cluster_secs": round(t_cluster - t_predict, 2),
        "total_secs": round(t_end - t0 - diag, 2),
        "splink_version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "threshold": args.threshold,
        "twin_guard": not args.no_twin_guard,
        "compared_pairs": compared_pairs,
        "blocking_count_secs": round(diag, 2),
    }
    print(json.dumps(summary), flush=True)

    if not args.no_curve:
        edges = con.execute(
            f"SELECT record_id_l, record_id_r, match_probability FROM {df_predict.physical_name}"
        ).fetchall()
        curve_table(edges, args.input, err)


if __name__ == "__main__":
    main()

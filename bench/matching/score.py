#!/usr/bin/env python3
"""Pairwise scoring of a de-duplication against the generator's truth.

True pairs: all unordered pairs of records sharing a cluster_id in the truth CSV.
Predicted pairs: all unordered pairs of records within each predicted group of the
groups CSV (`record_id,group_id`; records not listed are singletons).

stdout: one JSON line
  {label, true_pairs, predicted_pairs, found, right, recall, precision, f1}
where `found` is the number of true pairs that were predicted and `right` the number of
predicted pairs that are true (for pairwise sets the two are equal; both are printed so
that the recall and precision each read off their own numerator).

stderr, when the truth has the optional `kind` column (a–e for duplicates): missed true
pairs by duplicate kind (a pair of two duplicates of one child counts as "dup+dup"), and
false pairs by what the two records share (twins: same parent and dob; siblings: same
parent; namesakes: same folded name and dob; other), with a few examples.

Usage: python3 score.py --truth province.csv --groups splink_groups.csv [--label splink]
"""

import argparse
import csv
import json
import sys
import unicodedata
from collections import Counter
from itertools import combinations


def fold(text):
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    nfd = unicodedata.normalize("NFD", text)
    return " ".join("".join(c for c in nfd if not unicodedata.combining(c)).lower().split())


def pairs_of(groups):
    out = set()
    for members in groups:
        out.update(combinations(sorted(members), 2))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--truth", required=True)
    ap.add_argument("--groups", required=True)
    ap.add_argument("--label", default=None, help="name printed in the JSON (default: file name)")
    ap.add_argument("--examples", type=int, default=8, help="false pairs to show")
    args = ap.parse_args()
    err = sys.stderr

    records = {}
    clusters = {}
    with open(args.truth, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        has_kind = "kind" in (reader.fieldnames or [])
        for row in reader:
            rid = int(row["record_id"])
            records[rid] = row
            clusters.setdefault(row["cluster_id"], []).append(rid)

    groups = {}
    with open(args.groups, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames[:2] != ["record_id", "group_id"]:
            sys.exit("groups file must have header record_id,group_id; got %s" % reader.fieldnames)
        # A record may be in more than one group (songmaytinh proposes a same-code
        # group and a same-person group separately): the proposed pairs are the union
        # of every group's pairs, with no closure across groups.
        for row in reader:
            rid = int(row["record_id"])
            if rid not in records:
                sys.exit("record %d is not in the truth file" % rid)
            members = groups.setdefault(row["group_id"], [])
            if rid in members:
                sys.exit("record %d appears twice in group %s" % (rid, row["group_id"]))
            members.append(rid)

    true_pairs = pairs_of(m for m in clusters.values() if len(m) > 1)
    pred_pairs = pairs_of(m for m in groups.values() if len(m) > 1)
    hit = true_pairs & pred_pairs
    recall = len(hit) / len(true_pairs) if true_pairs else 1.0
    precision = len(hit) / len(pred_pairs) if pred_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result = {
        "label": args.label or args.groups,
        "true_pairs": len(true_pairs),
        "predicted_pairs": len(pred_pairs),
        "found": len(hit),
        "right": len(hit),
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "f1": round(f1, 4),
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)

    # ---- diagnostics (stderr) ---------------------------------------------------------
    sizes = Counter(len(m) for m in groups.values())
    print("predicted group sizes: %s" % dict(sorted(sizes.items())), file=err)

    def pair_kind(a, b):
        ka, kb = records[a].get("kind", ""), records[b].get("kind", "")
        if ka and kb:
            return "dup+dup"
        return ka or kb or "?"

    if has_kind:
        total = Counter(pair_kind(a, b) for a, b in true_pairs)
        missed = Counter(pair_kind(a, b) for a, b in true_pairs - hit)
        print("true pairs by kind (missed / total):", file=err)
        for k in sorted(total):
            print("  %-8s %5d / %-5d recall %.4f" % (k, missed[k], total[k],
                                                     1 - missed[k] / total[k]), file=err)

    def why_false(a, b):
        ra, rb = records[a], records[b]
        same_parent = ra["parent_name"] and fold(ra["parent_name"]) == fold(rb["parent_name"])
        if same_parent and ra["dob"] == rb["dob"]:
            return "twins (same parent, same dob)"
        if same_parent:
            return "siblings (same parent)"
        if fold(ra["full_name"]) == fold(rb["full_name"]) and ra["dob"] == rb["dob"]:
            return "namesakes (same name and dob)"
        if ra["dob"] == rb["dob"]:
            return "same dob, other name"
        return "other"

    false_pairs = sorted(pred_pairs - true_pairs)
    if false_pairs:
        reasons = Counter(why_false(a, b) for a, b in false_pairs)
        print("false pairs by what they share: %s" % dict(reasons.most_common()), file=err)
        cols = ["record_id", "student_code", "full_name", "gender", "dob", "school_code",
                "village", "commune", "parent_name"]
        step = max(1, len(false_pairs) // max(1, args.examples))
        for a, b in false_pairs[::step][: args.examples]:
            print("  false pair (%s):" % why_false(a, b), file=err)
            for r in (a, b):
                print("    " + " | ".join(records[r][c] for c in cols), file=err)
    missed_pairs = sorted(true_pairs - hit)
    if missed_pairs:
        step = max(1, len(missed_pairs) // 4)
        for a, b in missed_pairs[::step][:4]:
            print("  missed pair (%s):" % pair_kind(a, b), file=err)
            for r in (a, b):
                rr = records[r]
                print("    " + " | ".join(rr[c] for c in ["record_id", "student_code", "full_name",
                                                         "dob", "school_code", "village",
                                                         "commune", "parent_name"]), file=err)


if __name__ == "__main__":
    main()

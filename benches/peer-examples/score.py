#!/usr/bin/env python3
"""Scores one source for run.sh: score.py NAME DIR SHOW_MISSES.

Reads DIR/index.tsv (from extract.py) and DIR/pos.json, DIR/neg.json
(leakhound's JSON reports over DIR/pos and DIR/neg) and prints one table
row; with SHOW_MISSES=1 also the plausible positives not detected and the
negatives flagged (with the rules that flagged them), as MISS / FLAG lines.
"""

import json
import os
import sys


def flagged(report_path):
    """Maps each example file name (pos/00001.txt) to the rules that fired."""
    with open(report_path) as f:
        text = f.read()
    hits = {}
    if not text.strip():
        return hits
    for finding in json.loads(text).get("findings", []):
        for loc in finding.get("locations", []):
            p = loc.get("path", "")
            key = "/".join(p.replace("\\", "/").split("/")[-2:])
            hits.setdefault(key, set()).add(finding.get("rule", "?"))
    return hits


def main():
    name, d, show = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
    hits = flagged(os.path.join(d, "pos.json"))
    hits.update(flagged(os.path.join(d, "neg.json")))
    pos = det = neg = flag = 0
    misses, flags = [], []
    with open(os.path.join(d, "index.tsv")) as f:
        for line in f:
            kind, file, rule, plaus, ex = line.rstrip("\n").split("\t", 4)
            if kind == "pos":
                if plaus != "1":
                    continue
                pos += 1
                if file in hits:
                    det += 1
                else:
                    misses.append(f"MISS {name} {rule} {file}\t{ex[:300]}")
            else:
                neg += 1
                if file in hits:
                    flag += 1
                    rules = ",".join(sorted(hits[file]))
                    flags.append(f"FLAG {name} {rule} {file} [{rules}]\t{ex[:300]}")
    pct = lambda a, b: f"{100.0 * a / b:.1f}%" if b else "-"
    print(f"{name:<12} {pos:>10} {pct(det, pos):>9} {neg:>9} {pct(flag, neg):>9}")
    if show:
        for m in misses + flags:
            print(m)


if __name__ == "__main__":
    main()

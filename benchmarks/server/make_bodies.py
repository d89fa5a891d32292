#!/usr/bin/env python3
"""Writes the Cohere v1 rerank bodies of the server benchmarks from the quickstart's Ranking-bench-mini split.

  make_bodies.py DATA_DIR OUT_DIR N [N ...]

DATA_DIR is the quickstart's ranking-bench-mini folder (test.tsv, train.tsv). For each N, OUT_DIR/body-N.json ranks N
passages against the query of the first Passage list of the test split: for N up to that list's size its first N
passages, beyond it every passage of the test and train splits in turn (315 distinct), repeated as needed with the
repeat's number appended, so that every document of a body is distinct. top_n is 3.
"""
import csv
import json
import os
import sys


def passages(path):
    return [r for r in csv.DictReader(open(path, encoding="utf-8"), delimiter="\t") if r["Task"].startswith("Passage-")]


def main():
    data, out, sizes = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3:]]
    test = passages(os.path.join(data, "test.tsv"))
    first = [r for r in test if r["GroupId"] == test[0]["GroupId"]]
    query = first[0]["Query"]
    pool = [r["Candidate"] for r in first]
    pool += [c for c in dict.fromkeys(r["Candidate"] for r in test + passages(os.path.join(data, "train.tsv"))) if c not in pool]
    os.makedirs(out, exist_ok=True)
    for n in sizes:
        documents = [pool[i % len(pool)] + ("" if i < len(pool) else f" ({i // len(pool)})") for i in range(n)]
        with open(os.path.join(out, f"body-{n}.json"), "w", encoding="utf-8") as f:
            json.dump({"query": query, "documents": documents, "top_n": 3}, f)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""check-reference.py - recounts co-occurrence from 'sanctag tag --sentences'
output with an independent Python implementation and compares every pair row
of 'sanctag cooccur' CSV (counts exactly, npmi to 1e-6), per document and per
sentence, by entity and by country.

Usage: check-reference.py SANCTAG FIXTURE.tsv FEED.jsonl [NEWS.jsonl]
With NEWS.jsonl (real articles, not in the repository) its first 4000
articles are checked too, tagged with ICU's country names.
Exit status: 0 pass, 1 fail, 99 harness error.
"""
import csv
import io
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import Counter


def run(args, stdin=None):
    p = subprocess.run(args, input=stdin, capture_output=True)
    if p.returncode not in (0, 1):
        sys.exit(f"check-reference.py: {' '.join(args)}: status {p.returncode}: "
                 f"{p.stderr.decode(errors='replace')}")
    return p.stdout


def reference(records, window, by):
    units = docs = 0
    ent, entdocs, pair, pairdocs = Counter(), Counter(), Counter(), Counter()
    names, labels, countries = {}, {}, {}

    def node(s):
        if by == "entity":
            return s["entity"]
        return s.get("country") or None

    for r in records:
        docs += 1
        if "error" in r:
            units += window == "document"
            continue
        spans = [s for s in r["spans"] if not s.get("nested") and not s.get("suppressor")]
        for s in spans:
            n = node(s)
            if n is None:
                continue
            if by == "entity":
                for d, v in ((names, s.get("name")), (labels, s.get("label")),
                             (countries, s.get("country"))):
                    if v:
                        d[n] = min(d.get(n, v), v)
            else:
                labels[n], countries[n] = "COUNTRY", n
                if s.get("label") == "COUNTRY":
                    names[n] = min(names.get(n, s["name"]), s["name"])
        if window == "document":
            units += 1
            groups = [{node(s) for s in spans} - {None}]
        else:
            units += len(r["sentences"])
            groups = [set() for _ in r["sentences"]]
            for s in spans:
                if node(s) is not None:
                    groups[s["sentence"]].add(node(s))
        seen_n, seen_p = set(), set()
        for g in groups:
            for x in g:
                ent[x] += 1
            for a, b in itertools.combinations(sorted(g), 2):
                pair[(a, b)] += 1
                seen_p.add((a, b))
            seen_n |= g
        for x in seen_n:
            entdocs[x] += 1
        for p in seen_p:
            pairdocs[p] += 1
    rows = {}
    for (a, b), c in pair.items():
        ca, cb = ent[a], ent[b]
        if c >= units:
            npmi = 1.0
        else:
            npmi = (math.log(c) + math.log(units) - math.log(ca) - math.log(cb)) / \
                   (math.log(units) - math.log(c))
        rows[(a, b)] = {
            "period": "all", "a": a, "b": b,
            "a_name": names.get(a, a if by == "country" else ""), "a_label": labels.get(a, ""),
            "a_country": countries.get(a, ""),
            "b_name": names.get(b, b if by == "country" else ""), "b_label": labels.get(b, ""),
            "b_country": countries.get(b, ""),
            "count": c, "documents": pairdocs[(a, b)], "a_count": ca, "b_count": cb,
            "units": units, "total_documents": docs, "npmi": npmi,
        }
    return rows


def compare(name, sanctag, tagged, records, window, by):
    out = run([sanctag, "cooccur", "-q", "--window", window, "--by", by, "-"], stdin=tagged)
    got = {(r["a"], r["b"]): r for r in csv.DictReader(io.StringIO(out.decode()))}
    want = reference(records, window, by)
    bad = 0
    if set(got) != set(want):
        print(f"FAIL {name} {window}/{by}: pairs differ: only sanctag "
              f"{sorted(set(got) - set(want))[:5]}, only reference "
              f"{sorted(set(want) - set(got))[:5]}", file=sys.stderr)
        return 1
    for k, w in want.items():
        g = got[k]
        for f, v in w.items():
            ok = abs(float(g[f]) - v) <= 1.01e-6 if f == "npmi" else str(v) == g[f]
            if not ok:
                bad += 1
                if bad <= 5:
                    print(f"FAIL {name} {window}/{by} {k}: {f} = {g[f]}, reference {v}",
                          file=sys.stderr)
    print(f"{name} {window}/{by}: {len(want)} pairs checked", file=sys.stderr)
    return 1 if bad else 0


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(99)
    sanctag, fixture, feed = sys.argv[1:4]
    if os.environ.get("SANCTAG_WRAPPER"):  # meson test --setup=valgrind
        os.environ["SANCTAG_REAL"] = os.path.abspath(sanctag)
        sanctag = os.environ["SANCTAG_WRAPPER"]
    news = sys.argv[4] if len(sys.argv) == 5 else None
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        sets = [("fixture", [fixture], feed)]
        if news and os.path.isfile(news):
            sample = os.path.join(tmp, "news.jsonl")
            with open(news, "rb") as f, open(sample, "wb") as o:
                o.writelines(itertools.islice(f, 4000))
            sets.append(("news", ["icu:countries"], sample))
        else:
            print("check-reference.py: no news file: real-data check skipped", file=sys.stderr)
        for name, sources, inp in sets:
            db = os.path.join(tmp, name + ".db")
            run([sanctag, "gaz", "build", db] + sources)
            tagged = run([sanctag, "tag", "--jsonl", "--sentences", "--db", db, inp])
            records = [json.loads(l) for l in tagged.decode().splitlines() if l.strip()]
            for window in ("document", "sentence"):
                for by in ("entity", "country"):
                    failed |= compare(name, sanctag, tagged, records, window, by)
    return failed


if __name__ == "__main__":
    sys.exit(main())

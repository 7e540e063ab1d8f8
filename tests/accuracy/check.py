#!/usr/bin/env python3
"""Accuracy regressions of the default gazetteer: one JSON object per line in FILE,

    {"class": "...", "text": "...", "expect": [[surface, label, country?], ...],
     "forbid": [surface, ...]}

Every text is tagged with DB (default options, as users run it).  "expect" is the
COMPLETE list of spans, in document order: surface text, label and, when given,
the country code (use null for "no country").  Any missing, extra or different
span fails.  "forbid" lists surfaces that must not be a span (it restates the
error class the case guards against; a forbidden surface inside "expect" is a
test bug).  Lines starting with '#' and blank lines are ignored.

Usage: check.py SANCTAG DB FILE
"""
import json
import os
import subprocess
import sys


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    sanctag, db, path = sys.argv[1:]
    if os.environ.get("SANCTAG_WRAPPER"):  # meson test --setup=valgrind
        os.environ["SANCTAG_REAL"] = os.path.abspath(sanctag)
        sanctag = os.environ["SANCTAG_WRAPPER"]
    cases = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            c = json.loads(line)
            c["line"] = n
            cases.append(c)
    feed = "".join(json.dumps({"id": str(c["line"]), "text": c["text"]}, ensure_ascii=False) + "\n"
                   for c in cases)
    out = subprocess.run([sanctag, "tag", "--db", db, "--jsonl", "-j", "1", "-"], input=feed,
                         capture_output=True, text=True, encoding="utf-8")
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        return 1
    docs = {d["id"]: d for d in map(json.loads, out.stdout.splitlines())}
    failures = 0
    for c in cases:
        spans = docs[str(c["line"])]["spans"]
        got = [(s["text"], s["label"], s.get("country")) for s in spans]
        problems = []
        for surface in c.get("forbid", []):
            if any(e[0] == surface for e in c["expect"]):
                problems.append(f"test bug: forbidden {surface!r} is also expected")
            if any(g[0] == surface for g in got):
                problems.append(f"forbidden span {surface!r} was emitted")
        want = [tuple(e) for e in c["expect"]]
        same = len(want) == len(got) and all(
            w[0] == g[0] and w[1] == g[1] and (len(w) < 3 or w[2] == g[2])
            for w, g in zip(want, got))
        if not same:
            problems.append("spans differ:\n      want " + json.dumps(want, ensure_ascii=False)
                            + "\n      got  " + json.dumps(got, ensure_ascii=False))
        if problems:
            failures += 1
            print(f"FAIL {path}:{c['line']} [{c.get('class', '?')}] {c['text'][:70]!r}")
            for p in problems:
                print("    " + p)
    print(f"{len(cases) - failures}/{len(cases)} accuracy regression cases pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

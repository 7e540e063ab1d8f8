#!/usr/bin/env python3
"""cooccur.py - CPU time of 'sanctag cooccur' on 12,000 tagged documents
(shaped like the Indonesian news feed: 7 mentions each on average, 800
entities, 16 sentences), per document and per sentence, into CSV and SQLite.
CPU time, not wall time: the machine may be shared. scripts/bench runs it and
reports the figures beside its table (timings live in the bench, never in the
test suite; the counting itself is tested in tests/cooccur).

Usage: cooccur.py SANCTAG
Prints one JSON object: {"document": s, "sentence": s, "sentence-sqlite": s}
(seconds of CPU, user + system). Exit status: 0, or 1 when a run failed.
"""
import json
import os
import random
import resource
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) != 2:
        print("usage: cooccur.py SANCTAG", file=sys.stderr)
        return 2
    sanctag = sys.argv[1]
    result = {}
    rnd = random.Random(7)
    ents = [(f"location:place-{i}", f"Place {i}", "LOCATION", "ID") for i in range(700)] + \
           [(f"country:C{i}", f"Country {i}", "COUNTRY", f"C{i}") for i in range(100)]
    weights = [1.0 / (i + 1) for i in range(len(ents))]  # Zipf-like, as in news
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tagged.jsonl")
        with open(path, "w") as f:
            for d in range(12000):
                nsent = rnd.randint(4, 30)
                spans = []
                for e in rnd.choices(ents, weights, k=rnd.randint(0, 14)):
                    spans.append({"start": 0, "end": 1, "text": e[1], "label": e[2],
                                  "entity": e[0], "name": e[1], "country": e[3],
                                  "alias": {"kind": "name"},
                                  "sentence": rnd.randrange(nsent)})
                f.write(json.dumps({"id": f"d{d}", "offsets": "codepoint", "spans": spans,
                                    "sentences": [[i, i + 1] for i in range(nsent)],
                                    "gazetteer": {"version": "x"}}) + "\n")
        for name, args in (("document", ["--window", "document"]),
                           ("sentence", ["--window", "sentence"]),
                           ("sentence-sqlite", ["--window", "sentence", "-o",
                                                os.path.join(tmp, "out.db")])):
            # CPU time of the child, not wall time: the machine may be shared
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            p = subprocess.run([sanctag, "cooccur", "-q", *args, path], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            result[name] = round(cpu, 3)
            if p.returncode:
                print(p.stderr.decode(errors="replace"), file=sys.stderr)
                failed = 1
    print(json.dumps(result))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""check-perf.py - 'sanctag cooccur' counts 12,000 tagged documents (shaped
like the Indonesian news feed: 7 mentions each on average, 800 entities, 16
sentences) within LIMIT seconds of CPU time, per document and per sentence,
into CSV and SQLite. CPU time, not wall time: the machine may be shared.

Usage: check-perf.py SANCTAG LIMIT_SECONDS
Exit status: 0 pass, 1 too slow or failed, 77 skip (under valgrind), 99 harness error.
"""
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time


def main():
    if len(sys.argv) != 3:
        sys.exit(99)
    sanctag, limit = sys.argv[1], float(sys.argv[2])
    # `meson test --setup=valgrind` (SANCTAG_WRAPPER set): a CPU-time limit means
    # nothing under valgrind, so this is not run there; the counting code it times
    # runs under valgrind in cli.sh, merge.sh, check-reference.py and check-graph.py.
    if os.environ.get("SANCTAG_WRAPPER"):
        print("check-perf.py: skipped under valgrind (a CPU-time check)", file=sys.stderr)
        return 77
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
        for args in (["--window", "document"], ["--window", "sentence"],
                     ["--window", "sentence", "-o", os.path.join(tmp, "out.db")]):
            # CPU time of the child, not wall time: the machine may be shared
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.monotonic()
            p = subprocess.run([sanctag, "cooccur", "-q", *args, path], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
            wall = time.monotonic() - t
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            ok = p.returncode == 0 and cpu <= limit
            print(f"cooccur {' '.join(args[:2])}{' -o .db' if len(args) > 2 else ''}: "
                  f"{cpu:.3f} s CPU, {wall:.3f} s wall (limit {limit} s CPU) "
                  f"{'ok' if ok else 'FAIL'}", file=sys.stderr)
            if p.returncode:
                print(p.stderr.decode(errors="replace"), file=sys.stderr)
            failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

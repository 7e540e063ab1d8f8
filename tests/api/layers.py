#!/usr/bin/env python3
"""Checks that library dependencies point one way (docs/DESIGN.md, "Layers").

Each folder of src/ is a layer with a rank; a file may include the headers of
its own layer and of layers of lower rank, never of a sibling of the same rank
or of a higher one. core/ and util/ must not depend on Jansson (the tagger
builds, tests and profiles without the output layer). Prints every violation
with file and line; exits 1 if there is any.
"""
import os
import re
import sys

RANK = {"util": 0, "core": 1, "gazetteer": 2, "output": 2, "import": 3, "cooccur": 3, "cli": 4}
NO_JANSSON = {"util", "core"}

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "src")
include = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
bad = []
checked = 0
for layer in sorted(os.listdir(src)):
    d = os.path.join(src, layer)
    if not os.path.isdir(d):
        continue
    if layer not in RANK:
        bad.append(f"src/{layer}/: a folder that is not a known layer (add it to tests/layers.py and docs/DESIGN.md)")
        continue
    for name in sorted(os.listdir(d)):
        if not name.endswith((".c", ".h")):
            continue
        path = os.path.join(d, name)
        checked += 1
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                m = include.match(line)
                if not m:
                    continue
                kind, target = m.groups()
                where = f"src/{layer}/{name}:{lineno}"
                if kind == "<":
                    if target == "jansson.h" and layer in NO_JANSSON:
                        bad.append(f"{where}: {layer}/ must not depend on Jansson")
                    continue
                if "/" not in target:
                    # a header of the same folder, or the public API / build config
                    if target in ("sanctag.h", "config.h") or os.path.exists(os.path.join(d, target)):
                        continue
                    bad.append(f"{where}: \"{target}\" is neither in src/{layer}/ nor the public API")
                    continue
                dep = target.split("/", 1)[0]
                if dep not in RANK:
                    bad.append(f"{where}: \"{target}\" names no layer")
                elif dep != layer and RANK[dep] >= RANK[layer]:
                    bad.append(f"{where}: {layer}/ (rank {RANK[layer]}) includes {target} "
                               f"({dep}/, rank {RANK[dep]}): dependencies must point down")
for b in bad:
    print(b)
print(f"layers: {checked} files checked, {len(bad)} violations")
sys.exit(1 if bad else 0)

#!/usr/bin/env python3
"""docs/DESIGN.md stays the map of the code: every source file under src/ is
named in its module map (as `name.c`, `name.h` or `name.c/.h` under its
layer's heading), and every file the map names exists. Usage:
design_map.py SRC_DIR DESIGN_MD"""
import os
import re
import sys

src, design = sys.argv[1], sys.argv[2]
text = open(design, encoding="utf-8").read()
start = text.find("### Module map")
end = text.find("\n## ", start)
if start < 0:
    print(f"{design}: no '### Module map' section")
    sys.exit(1)
section = text[start:end]
named = set()
for m in re.finditer(r"\*\*(\w+)/\*\*(.*?)(?=\n\*\*\w+/\*\*|\Z)", section, flags=re.S):
    layer, body = m.group(1), m.group(2)
    for f in re.findall(r"`([\w.]+(?:/\.h)?)`", body):
        if f.endswith(".c/.h"):
            named.update({f"{layer}/{f[:-4]}c", f"{layer}/{f[:-4]}h"})
        elif f.endswith((".c", ".h")):
            named.add(f"{layer}/{f}")
actual = set()
for root, _, files in os.walk(src):
    for f in files:
        if f.endswith((".c", ".h")):
            actual.add(os.path.relpath(os.path.join(root, f), src))
bad = [f"src/{f}: not in the module map of {design}" for f in sorted(actual - named)]
bad += [f"{design}: the module map names src/{f}, which does not exist" for f in sorted(named - actual)]
for b in bad:
    print(b)
print(f"design map: {len(actual)} files, {len(bad)} problems")
sys.exit(1 if bad else 0)

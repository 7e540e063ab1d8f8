#!/usr/bin/env python3
"""Keeps the code readable in pieces: no source file under src/ over 1,000
lines and no function over 150 lines, unless a comment directly above the
function starts with "Long function:" and says why (docs/DESIGN.md, Layers).
Functions are found by the project's style: a definition's body opens with
"{" at column 0 and closes with "}" at column 0. Prints each violation."""
import os
import sys

MAX_FILE, MAX_FUNC = 1000, 150
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "src")
bad, nfunc = [], 0
for root, _, files in os.walk(src):
    for name in sorted(files):
        if not name.endswith((".c", ".h")):
            continue
        path = os.path.join(root, name)
        rel = os.path.relpath(path, os.path.join(src, ".."))
        lines = open(path, encoding="utf-8").read().split("\n")
        if len(lines) > MAX_FILE:
            bad.append(f"{rel}: {len(lines)} lines (over {MAX_FILE}): split it by responsibility")
        start = None
        for i, line in enumerate(lines):
            if line.startswith("{"):
                start = i
            elif line.startswith("}") and start is not None:
                n = i - start + 1
                nfunc += 1
                if n > MAX_FUNC:
                    j = start - 1
                    while j >= 0 and lines[j].strip() and not lines[j].lstrip().startswith(("/*", "*", "//")):
                        j -= 1  # the signature
                    head = lines[j + 1].strip() if j + 1 < len(lines) else ""
                    comment = []
                    while j >= 0 and lines[j].lstrip().startswith(("/*", "*", "//")):
                        comment.insert(0, lines[j])
                        j -= 1
                    if not any("Long function:" in c for c in comment):
                        bad.append(f"{rel}:{start}: {head} is {n} lines (over {MAX_FUNC}) with no "
                                   f"\"Long function:\" reason above it")
                start = None
for b in bad:
    print(b)
print(f"sizes: {nfunc} functions checked, {len(bad)} violations")
sys.exit(1 if bad else 0)

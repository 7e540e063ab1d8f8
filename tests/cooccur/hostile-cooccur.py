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
import resource
import sys
import tempfile
import xml.etree.ElementTree as ET

from cooctest import Runner

sanctag = sys.argv[1]
T = Runner(sanctag)
failed, run = T.failed, T.run


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

# --- one unit with too many entities (19.12) -----------------------------
def big(i, n, sentence=None):
    spans = [span(f"org:b{k}", f"B{k}") for k in range(n)]
    r = json.loads(record(i, spans))
    if sentence is not None:
        for s in r["spans"]:
            s["sentence"] = sentence
        r["sentences"] = [[0, 1], [1, 2]]
    return json.dumps(r) + "\n"


small = record(1, [span("org:a", "A"), span("org:b", "B")])
feed = (small + big(2, 4000) + small).encode()
p = run(["cooccur"], stdin=feed, ok=(1,))
err = p.stderr.decode()
rows = list(csv.DictReader(io.StringIO(p.stdout.decode())))
if [(r["a"], r["b"], r["count"]) for r in rows] != [("org:a", "org:b", "2")]:
    failed.append(f"4,000 entities: the other documents must still be counted: {rows[:3]}")
if "<stdin>:2: " not in err:
    failed.append(f"4,000 entities: the warning must name the record: {err}")
if "4000 distinct entities" not in err or "--max-unit-entities" not in err:
    failed.append(f"4,000 entities: the warning must give the number and the option: {err}")
if resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > 300 * 1024:
    failed.append("4,000 entities in one unit: more than 300 MB resident "
                  f"({resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} KB)")
# the limit is an option; 0 lifts it
p = run(["cooccur", "-q", "--max-unit-entities", "50", "--table", "entities"],
        stdin=(small + big(2, 51) + big(3, 50)).encode(), ok=(1,))
keys = {r["key"] for r in csv.DictReader(io.StringIO(p.stdout.decode()))}
if "org:b49" not in keys or p.stdout.decode().count("org:b0,") != 1:
    failed.append(f"--max-unit-entities 50: 50 entities counted once, 51 refused: {sorted(keys)}")
p = run(["cooccur", "-q", "--max-unit-entities", "0"], stdin=big(1, 60).encode(), ok=(0,))
if p.stdout.decode().count("\n") != 1 + 60 * 59 // 2:
    failed.append("--max-unit-entities 0: every pair of 60 entities must be counted")
# sentence windows: the sentence is the unit
p = run(["cooccur", "--window", "sentence", "--max-unit-entities", "50"],
        stdin=big(1, 51, sentence=1).encode(), ok=(1,))
if "one sentence has 51 distinct entities" not in p.stderr.decode():
    failed.append(f"--window sentence: the refused unit is a sentence: {p.stderr.decode()}")
if run(["cooccur", "--max-unit-entities", "x"], stdin=b"", ok=(2,)).returncode != 2:
    failed.append("--max-unit-entities x must be a usage error")

T.finish()

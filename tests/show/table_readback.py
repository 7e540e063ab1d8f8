#!/usr/bin/env python3
"""table_readback.py - `sanctag tag --format csv|tsv` read back with Python's
csv module (and, when the sqlite3 shell is there, with `.import`) gives the
spans of the JSON output, row for row; an error document gets a row saying so;
cells a spreadsheet would evaluate start with a single quote; a NUL (a
"\\u0000" in a JSON id or field) is written as U+FFFD, never as a NUL byte.

Usage: table_readback.py SANCTAG TESTS_DATA_DIR
"""

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from showlib import SHOW_DATA, build_db, check, finish, run, setup  # noqa

sanctag, data, scratch = setup(sys.argv[:3])
db = build_db(sanctag, data, scratch, listed=True)
SAMPLE = os.path.normpath(os.path.join(data, "..", "..", "samples", "korut-sanksi.txt"))

feed = os.path.join(scratch, "feed.jsonl")
with open(feed, "w", encoding="utf-8") as f:
    rows = [
        {"id": "q\"uote,comma", "date": "2024-01-02", "src": "=HYPERLINK(\"http://x\",\"y\")",
         "text": "Dewan Keamanan PBB menjatuhkan sanksi kepada Korea Utara; Kim Jong Un menolak."},
        {"id": 7, "date": "-2", "src": "@SUM(A1)", "text": "Korut dan AS\nbertemu di Seoul."},
        {"id": "+tab", "src": "\tx", "text": "Korut tidak ada"},
        {"id": "no-mention", "text": "tidak ada apa-apa"},
        {"id": "empty", "date": None, "text": ""},
        {"id": "multi\nline", "src": ["a", 1], "text": "Kim Jong Un, Korut"},
        {"id": "nul\u0000id", "src": "\u0000=x", "date": ["\u0000"], "text": "Korut"},
    ]
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
DOCS = [feed, SAMPLE, os.path.join(SHOW_DATA, "tricky.txt"), os.path.join(SHOW_DATA, "cjk.txt")]
KEEP = ["--keep", "date,src"]


def neutral(s):
    """The documented rule: = + - @ TAB CR first gets a quote, plain numbers not."""
    import re
    if s and s[0] in "=+-@\t\r" and not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", s):
        return "'" + s
    return s


def cellv(v):
    """A cell as documented: NUL as U+FFFD, then the formula rule."""
    if v is None:
        return ""
    if not isinstance(v, str):
        v = json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    return neutral(v.replace("\0", "\ufffd"))


def expected(records):
    out = []
    for r in records:
        head = [cellv(r.get("id")), cellv(r.get("date")), cellv(r.get("src"))]
        if "error" in r:
            out.append(head + [""] * 12 + [f"{r['error']['code']}: {r['error']['message']}"])
            continue
        for s in r["spans"]:
            sa = s.get("sanctions", {})
            out.append(head + [str(s["start"]), str(s["end"]), cellv(s["text"]), s["label"],
                               s["entity"], cellv(s["name"]), s.get("country", ""),
                               "true" if sa.get("listed") else "false",
                               "; ".join(sa.get("programs", [])), sa.get("source", ""),
                               sa.get("ref", ""), sa.get("listed_on", ""), ""])
    return out


HEADER = ["id", "date", "src", "start", "end", "text", "label", "entity", "name", "country",
          "listed", "programs", "list_source", "list_ref", "listed_on", "error"]

for extra in ([], ["--offsets", "byte"]):
    rc, out, err = run(sanctag, ["tag", "--db", db] + KEEP + extra + DOCS)
    check(rc == 1, f"json: exit {rc} (the empty document is an error): {err}")
    refs = [json.loads(l) for l in out.decode().splitlines()]
    check(any("sanctions" in s for r in refs for s in r["spans"]), "no listed span: proves nothing")
    want = expected(refs)
    for fmt, sep in (("csv", ","), ("tsv", "\t")):
        what = " ".join(["--format", fmt] + extra)
        rc, out, err = run(sanctag, ["tag", "--db", db, "--format", fmt] + KEEP + extra + DOCS)
        check(rc == 1, f"{what}: exit {rc}: {err}")
        check(out.endswith(b"\r\n"), f"{what}: rows are not CRLF-terminated")
        check(b"\0" not in out, f"{what}: a NUL byte in the table")
        got = list(csv.reader(io.StringIO(out.decode("utf-8"), newline=""), delimiter=sep))
        check(got[:1] == [HEADER], f"{what}: header {got[:1]}")
        check(got[1:] == want, f"{what}: rows differ from the JSON output:\n"
              + "\n".join(f"  got  {g}\n  want {w}" for g, w in zip(got[1:], want) if g != w)
              + f"\n  ({len(got) - 1} rows, {len(want)} wanted)")
        # sqlite3 .import reads the same rows
        if fmt == "csv" and shutil.which("sqlite3"):
            path = os.path.join(scratch, "m.csv")
            with open(path, "wb") as f:
                f.write(out)
            sdb = os.path.join(scratch, "m.db")
            if os.path.exists(sdb):
                os.unlink(sdb)
            p = subprocess.run(["sqlite3", sdb, ".import --csv " + path + " m"],
                               capture_output=True, text=True)
            check(p.returncode == 0 and not p.stderr, f"sqlite3 .import: {p.stderr}")
            con = sqlite3.connect(sdb)
            rows = [list(r) for r in con.execute("SELECT * FROM m")]
            cols = [d[0] for d in con.execute("SELECT * FROM m").description]
            con.close()
            check(cols == HEADER, f"sqlite3 .import: columns {cols}")
            check(rows == want, f"sqlite3 .import: rows differ: {rows[:3]}")

# the rule itself, on the cells of the hostile record
rc, out, err = run(sanctag, ["tag", "--db", db, "--format", "csv"] + KEEP + [feed])
text = out.decode()
check(',"\'=HYPERLINK(""http' in text, "a =formula cell is not neutralised and quoted")
check(",-2," in text, "a plain negative number was changed")
check(",'@SUM(A1)," in text, "an @ cell is not neutralised")
check(",'\tx," in text and "\n'+tab," in text, "a TAB-first or +first cell is not neutralised")
check("no-mention" not in text, "a document without mentions has a row")
rc, out, err = run(sanctag, ["tag", "--db", db, "--format", "tsv"] + KEEP + [feed])
check("\t\"'\tx\"\t" in out.decode(), "tsv: a TAB-first cell is not neutralised and quoted")
check("\"multi\nline\"\t\t\"[\"\"a\"\",1]\"\t" in out.decode(), "tsv: a cell with a line break "
      "or a quote is not quoted")
rc, _, err = run(sanctag, ["tag", "--help"])
check("OWASP" in _.decode() and "' before it" in _.decode(), "--help does not give the rule")
finish("table-readback")

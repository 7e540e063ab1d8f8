#!/usr/bin/env python3
"""check-analyst.py - the rough edges of `sanctag cooccur` an analyst meets
first (issue 18.5), on the route fixture (organisations naming other
countries than their own):

- `--with KEY` puts KEY in the first column (a), whichever key sorts first;
- an unknown --with/--without key is a usage error (exit 2, nothing written)
  that suggests the right key (KP -> country:KP, SG -> country:SG; by country
  country:ID -> ID); a well-formed key merely absent is only warned about;
- missing dates say which option brings them (tag --keep date; --date-field);
- duplicate ids are warned about once, with their number;
- --progress always draws a progress line, never (and auto off a terminal)
  none.

Usage: check-analyst.py SANCTAG ROUTES_TSV ROUTES_JSONL
"""
import csv
import io
import json
import os
import sys
import tempfile

from cooctest import Runner

sanctag, routes_tsv, feed = sys.argv[1:4]
T = Runner(sanctag, fatal=False)
failed, run = T.failed, T.run


def rows(p):
    return list(csv.DictReader(io.StringIO(p.stdout.decode())))


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "routes.db")
    run(["gaz", "build", db, routes_tsv], ok=(0,))
    tagged = run(["tag", "--jsonl", "--db", db, "--keep", "date", feed]).stdout
    untagged_dates = run(["tag", "--jsonl", "--db", db, feed]).stdout

    # --with KEY: KEY in column a (country:SG sorts after country:ID and org:...)
    for keys in (["country:SG"], ["country:SG", "org:dpr"]):
        args = [a for k in keys for a in ("--with", k)]
        r = rows(run(["cooccur", "-q"] + args, stdin=tagged, ok=(0,)))
        if not r or any(x["a"] not in keys for x in r):
            failed.append(f"--with {keys}: want the key in column a: "
                          f"{[(x['a'], x['b']) for x in r]}")
        both = [x for x in r if x["a"] in keys and x["b"] in keys]
        if any(x["a"] > x["b"] for x in both):
            failed.append(f"--with {keys}: two --with keys keep a < b: {both}")
    # the counts are the same as without --with, only the orientation changes
    plain = {frozenset((x["a"], x["b"])): x["count"] for x in rows(run(["cooccur", "-q"], stdin=tagged))}
    withr = {frozenset((x["a"], x["b"])): x["count"]
             for x in rows(run(["cooccur", "-q", "--with", "country:SG"], stdin=tagged))}
    if any(plain.get(k) != v for k, v in withr.items()):
        failed.append("--with changed counts")
    r = rows(run(["cooccur", "-q", "--by", "country", "--with", "SG"], stdin=tagged, ok=(0,)))
    if not r or any(x["a"] != "SG" for x in r):
        failed.append(f"--by country --with SG: want SG in column a: {r}")

    # unknown keys: exit 2 with a suggestion, and no output file
    out = os.path.join(tmp, "out.csv")
    for args, want in ((["--with", "KP"], "did you mean --with country:KP"),
                       (["--with", "SG"], "did you mean --with country:SG"),
                       (["--without", "sg"], "did you mean --without country:SG"),
                       (["--with", "Country:sg"], "did you mean --with country:SG"),
                       (["--by", "country", "--with", "country:ID"], "did you mean --with ID"),
                       (["--with", "dpr"], "did you mean --with org:dpr"),
                       (["--with", "parliament"], "such as country:KP")):
        p = run(["cooccur", "-o", out] + args, stdin=tagged, ok=(2,))
        if want not in p.stderr.decode():
            failed.append(f"{args}: want '{want}' in: {p.stderr.decode()}")
        if os.path.exists(out):
            failed.append(f"{args}: exit 2 must write nothing")
            os.unlink(out)
    p = run(["cooccur", "-q", "--with", "person:nobody"], stdin=tagged, ok=(0,))
    if "person:nobody: no such entity key in the input" not in p.stderr.decode():
        failed.append(f"an absent well-formed key: want a warning: {p.stderr.decode()}")

    # missing dates say which option brings them
    p = run(["cooccur", "--period", "month"], stdin=untagged_dates)
    if "--keep date" not in p.stderr.decode():
        failed.append(f"tagged without dates: want the --keep date hint: {p.stderr.decode()}")
    p = run(["cooccur", "--tag", "--db", db, "--period", "month", "--date-field", "published",
             feed])
    if "--date-field NAME" not in p.stderr.decode():
        failed.append(f"--tag without dates: want the --date-field hint: {p.stderr.decode()}")

    # duplicate ids: one warning with the number
    p = run(["cooccur", "-q"], stdin=tagged + tagged)
    err = p.stderr.decode()
    if err.count("repeat the id") != 1 or "6 documents repeat the id" not in err \
            or '"r1"' not in err:
        failed.append(f"a feed read twice: want one warning with the count: {err}")
    if "repeat the id" in run(["cooccur", "-q"], stdin=tagged).stderr.decode():
        failed.append("no duplicates: no warning")
    p = run(["cooccur", "--tag", "--db", db, "-q", feed, feed])
    if "6 documents repeat the id" not in p.stderr.decode():
        failed.append(f"--tag, a feed given twice: want the warning: {p.stderr.decode()}")

    # progress: a line with --progress always, none with never or off a terminal
    many = os.path.join(tmp, "many.jsonl")
    with open(many, "w") as f:
        for i in range(3000):
            f.write(json.dumps({"id": i, "text": "KBRI Singapura dan DPR RI bertemu."}) + "\n")
    p = run(["cooccur", "--tag", "--db", db, "--progress", "always", many], ok=(0,))
    if b"\r\x1b[Ksanctag cooccur: " not in p.stderr or b" documents, " not in p.stderr:
        failed.append(f"--progress always: no progress line: {p.stderr[:300]!r}")
    for extra in (["--progress", "never"], []):
        p = run(["cooccur", "--tag", "--db", db, many] + extra, ok=(0,))
        if b"\x1b[K" in p.stderr:
            failed.append(f"{extra or 'auto off a terminal'}: a progress line was drawn")
    run(["cooccur", "--progress", "sometimes"], stdin=b"", ok=(2,))

T.finish()

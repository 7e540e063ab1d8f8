#!/usr/bin/env python3
"""show_select.py - `sanctag show` on a feed (issue 18 item 6): --id, --grep,
--limit and --listed-only select documents (terminal and HTML alike, in input
order, whatever -j); a page of several documents has a table of contents
linking to per-document anchors; the summary table wraps long cells instead
of cutting them and shows a listed entity's programmes. A --grep pattern that
backtracks without end on a document (issue 19) is stopped by the match's
step limit (ICU's, counted in steps of the match engine, not in time): that
document is a clear error naming the pattern and the document, the others are
shown.

Usage: show_select.py SANCTAG TESTS_DATA_DIR
"""

import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from showlib import build_db, check, env, fail, finish, run, setup, valgrind_check, width  # noqa

sanctag, data, scratch = setup(sys.argv)
db = build_db(sanctag, data, scratch, listed=True)  # Kim Jong Un: un-sc KPi.033 (DPRK)

feed = os.path.join(scratch, "feed.jsonl")
DOCS = [("a", "Korut dan AS bertemu di Seoul."),
        ("b", "Kim Jong Un tiba di Seoul."),
        ("c", "Cuaca cerah hari ini."),
        ("d", "Dewan Keamanan PBB menjatuhkan sanksi kepada Kim Jong Un."),
        ("e", "AS saja.")]
with open(feed, "w", encoding="utf-8") as f:
    for i, t in DOCS:
        f.write(json.dumps({"id": i, "text": t}) + "\n")


def shown(args, jobs="1"):
    """The ids shown (terminal headings) and stderr."""
    rc, out, err = run(sanctag, ["show", "--db", db, "--color", "never", "-j", jobs] + args
                       + [feed])
    check(rc == 0, f"show {args}: exit {rc}: {err}")
    return re.findall(r"^# (\S+)  \(", out.decode(), re.M), err


for j in ("1", "3"):
    ids, err = shown(["--id", "d", "--id", "b"], j)
    check(ids == ["b", "d"], f"--id d --id b -j {j}: {ids}")
    check("2 documents shown, 3 not selected" in err, f"--id: no count on stderr: {err!r}")
    ids, _ = shown(["--grep", "seoul"], j)  # ignores case
    check(ids == ["a", "b"], f"--grep seoul -j {j}: {ids}")
    ids, _ = shown(["--grep", "^AS|cuaca"], j)  # extended regular expression
    check(ids == ["c", "e"], f"--grep '^AS|cuaca' -j {j}: {ids}")
    ids, err = shown(["--limit", "2"], j)
    check(ids == ["a", "b"], f"--limit 2 -j {j}: {ids}")
    check("--limit reached" in err, f"--limit: not said on stderr: {err!r}")
    ids, _ = shown(["--listed-only"], j)
    check(ids == ["b", "d"], f"--listed-only -j {j}: {ids}")
    ids, _ = shown(["--listed-only", "--grep", "PBB", "--limit", "5"], j)
    check(ids == ["d"], f"--listed-only --grep PBB: {ids}")

# --listed-only shows only the listed mentions
rc, out, _ = run(sanctag, ["show", "--db", db, "--color", "never", "--listed-only", "--id", "b",
                           feed])
o = out.decode()
check("[Kim Jong Un][kim-jong-un!]" in o and "[Seoul]" not in o,
      f"--listed-only: mentions of unlisted entities shown: {o!r}")

# a catastrophic pattern: the long run of "a" is an error, the rest is searched
evil = os.path.join(scratch, "evil.jsonl")
with open(evil, "w", encoding="utf-8") as f:
    for i, t in (("long", "a" * 3000), ("ab", "Korut aab"), ("none", "Korut")):
        f.write(json.dumps({"id": i, "text": t}) + "\n")
pattern = "(a{1,100}){1,100}b"
args = ["show", "--db", db, "--color", "never", "--grep", pattern, evil]
try:  # generous: a stopped match takes well under a second
    p = subprocess.run([sanctag] + args, capture_output=True, env=env(), timeout=600)
    err = p.stderr.decode("utf-8", "replace")
    valgrind_check(args, p.returncode, err)
    check(p.returncode == 1, f"--grep {pattern}: exit {p.returncode}, want 1: {err}")
    check(f"evil.jsonl:1: --grep '{pattern}': the match took too long" in err,
          f"--grep {pattern}: no error naming the pattern and the document: {err!r}")
    check("1 document could not be shown" in err and "1 document shown, 1 not selected" in err,
          f"--grep {pattern}: the other documents were not searched: {err!r}")
    check(re.findall(r"^# (\S+)  \(", p.stdout.decode(), re.M) == ["ab"],
          f"--grep {pattern}: shown {p.stdout.decode()[:200]!r}")
except subprocess.TimeoutExpired:
    fail(f"--grep {pattern}: still running after 600 s")

# usage errors
for args in (["--limit", "0"], ["--limit", "x"], ["--grep", "(unclosed"]):
    rc, _, err = run(sanctag, ["show", "--db", db] + args + [feed])
    check(rc == 2, f"show {args}: exit {rc}, want 2: {err}")

# ---- HTML: table of contents and anchors ------------------------------------------
rc, out, err = run(sanctag, ["show", "--db", db, "--html", "--grep", "Kim|Korut", feed])
page = out.decode()
check(rc == 0, f"show --html: exit {rc}: {err}")
toc = re.search(r'<nav class="toc".*?</nav>', page, re.S)
if check(toc is not None, "a page of three documents has no table of contents"):
    links = re.findall(r'<li><a href="#(doc-\d+)">([^<]*)</a>', toc.group(0))
    check([n for _, n in links] == ["a", "b", "d"], f"contents: {links}")
    anchors = re.findall(r'<article class="doc" id="(doc-\d+)" data-id="([^"]*)"', page)
    check(anchors == links, f"contents {links} do not point at the articles {anchors}")
    check("1 listed" in toc.group(0), f"contents do not flag listed entities: {toc.group(0)}")
rc, out, _ = run(sanctag, ["show", "--db", db, "--html", "--id", "a", feed])
check('<nav class="toc"' not in out.decode(), "a page of one document has a table of contents")

# ---- the summary table wraps and shows programmes ---------------------------------
long_doc = os.path.join(scratch, "long.txt")
with open(long_doc, "w", encoding="utf-8") as f:
    f.write("Kim Jong Un, Korut, Korea Utara, DPRK, Democratic People's Republic of Korea, "
            "North Korea dan Korea Utara lagi; Dewan Keamanan PBB dan Kim Jong Un.\n")
for w in (100, 60, 30):
    rc, out, _ = run(sanctag, ["show", "--db", db, "--color", "never", "--width", str(w),
                               long_doc])
    o = out.decode()
    table = o[o.index("\n\n", o.index("\n\n") + 2):]
    check("\u2026" not in o, f"--width {w}: a cell was cut ('…'): {table}")
    check(all(width(x) <= w for x in table.split("\n")), f"--width {w}: a line is wider")
    flat = " ".join(table.split())
    check("un-sc KPi.033 (DPRK)" in flat, f"--width {w}: no programme in the listing: {table}")
    for form in ("Korut", "Korea Utara", "DPRK", "North Korea"):
        check(form in flat, f"--width {w}: form {form!r} lost from the table: {table}")

finish("show-select")

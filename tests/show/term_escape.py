#!/usr/bin/env python3
"""term_escape.py - text from data never reaches the terminal raw (issue 19
item 7): `gaz lookup`, the `gaz import` change listing, `eval --errors` and
`show` write control characters (ESC, BEL, OSC/CSI introducers, C1 controls)
and the bidirectional controls (U+202E and kin) as U+FFFD, so a list name like
"Evil\\x1b]0;PWNED\\x07\\x1b[2J" can neither retitle nor clear the terminal.
`tag` (every format) and `discover` do the same when standard output is a
terminal (a pseudo-terminal here), JSON with \\uXXXX escapes that decode to
the same value; into a pipe their bytes stay exactly as they were (issue 19).
Also: `gaz lookup` prints no empty "listed on" (OFAC lists no date), and
`gaz import -q` is accepted as `cooccur -q` is (issue 18 item 7).

Usage: term_escape.py SANCTAG TESTS_DATA_DIR
"""

import json
import os
import pty
import sqlite3
import subprocess
import sys
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from showlib import build_db, check, env, finish, run, setup, unwrapped  # noqa: E402

sanctag, data, scratch = setup(sys.argv)

EVIL = "Evil\x1b]0;PWNED\x07\x1b[2J\u202eReuters\u009b31m"
RAW = ("\x1b", "\x07", "\u202e", "\u009b")


def clean(what, text, colour=False):
    """No raw control or bidi character in `text` (SGR colour allowed)."""
    if colour:
        import re
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    bad = [c for c in RAW if c in text]
    check(not bad, f"{what}: raw {[hex(ord(c)) for c in bad]} in output: {text[:200]!r}")
    check("\ufffd" in text, f"{what}: no U+FFFD where the controls were: {text[:200]!r}")


def out_text(b):
    return b.decode("utf-8") if isinstance(b, bytes) else b


# ---- gaz import: the change listing --------------------------------------------------
names = os.path.join(scratch, "names.txt")
with open(names, "w", encoding="utf-8") as f:
    f.write(EVIL + "\n")
gdb = os.path.join(scratch, "lines.db")
rc, out, err = run(sanctag, ["gaz", "import", "--create", "--format", "lines", "--label", "ORG",
                             gdb, names])
check(rc == 0, f"gaz import lines: exit {rc}: {err}")
clean("gaz import listing", out_text(out))
check(out_text(out).startswith("+ "), f"gaz import listing: {out_text(out)[:100]!r}")

# -q is --quiet: only the summary line (on stderr)
rc, out, err = run(sanctag, ["gaz", "import", "-q", "--format", "lines", "--label", "ORG",
                             "--source", "other", gdb, names])
check(rc == 0 and out_text(out) == "", f"gaz import -q: exit {rc}, stdout {out!r}: {err}")
check("imported" in err, f"gaz import -q: no summary line: {err!r}")

# ---- gaz lookup: the query, names and aliases ----------------------------------------
rc, out, err = run(sanctag, ["gaz", "lookup", "--db", gdb, EVIL])
check(rc == 0, f"gaz lookup: exit {rc}: {err}")
clean("gaz lookup", out_text(out))
check("Reuters" in out_text(out), "gaz lookup: the name is gone")
# the JSON answer keeps the name exactly (JSON escapes the controls itself)
rc, out, err = run(sanctag, ["gaz", "lookup", "--db", gdb, "--json", EVIL])
check(rc == 0 and json.loads(out)["entities"][0]["name"] == EVIL, f"gaz lookup --json: {out!r}")

# listed without a date (OFAC): no empty "listed on"
ldb = build_db(sanctag, data, scratch, name="listed.db", listed=True)
con = sqlite3.connect(ldb)
con.execute("UPDATE entity SET listed_on = NULL WHERE key = 'person:kim-jong-un'")
con.commit()
con.close()
rc, out, err = run(sanctag, ["gaz", "lookup", "--db", ldb, "Kim Jong Un"])
o = out_text(out)
check(rc == 0 and "LISTED: un-sc KPi.033" in o, f"gaz lookup listed: exit {rc}: {o!r}")
check("listed on" not in o and "(null)" not in o, f"gaz lookup: empty listing date shown: {o!r}")
rc, out, err = run(sanctag, ["gaz", "lookup", "--db", ldb, "Korut"])

# gaz stats: source names come from the command line or the list
rc, out, err = run(sanctag, ["gaz", "import", "-q", "--format", "lines", "--label", "ORG",
                             "--source", "src\x1b]0;T\x07\u202e", gdb, names])
rc, out, err = run(sanctag, ["gaz", "stats", "--db", gdb])
check(rc == 0, f"gaz stats: exit {rc}: {err}")
clean("gaz stats", out_text(out))

# ---- messages on stderr quote data (a parser's excerpt, a file name) -----------------
rc, out, err = run(sanctag, ["tag", "--db", gdb, "--jsonl"],
                   stdin=b'{"id":1,"text":"a"}\n\x1b]0;X\x07\xe2\x80\xae\n')
check(rc == 1, f"tag of a bad line: exit {rc}")
clean("tag messages", err)

# ---- eval --errors: ids and text of the gold file ------------------------------------
gold = os.path.join(scratch, "gold.jsonl")
text = "Korut \u202e" + "Evil\x1b]0;x\x07 dan Seoul."
with open(gold, "w", encoding="utf-8") as f:
    # a gold span the tagger does not find (a miss) and one it finds not (FP)
    f.write(json.dumps({"id": "d\x1b[2J1", "text": text,
                        "spans": [{"start": 6, "end": 9, "label": "ORG"}]}) + "\n")
db = build_db(sanctag, data, scratch)
rc, out, err = run(sanctag, ["eval", "--db", db, "--errors", gold])
check(rc in (0, 1), f"eval --errors: exit {rc}: {err}")
o = out_text(out)
check("MISS" in o and "FP" in o, f"eval --errors: no MISS/FP lines: {o[:300]!r}")
clean("eval --errors", o)

# ---- show: the text and the summary table --------------------------------------------
doc = os.path.join(scratch, "evil.txt")
with open(doc, "w", encoding="utf-8") as f:
    f.write("Korut " + EVIL + " AS\n")
for colour in ("never", "always"):
    rc, out, err = run(sanctag, ["show", "--db", db, "--color", colour, doc])
    check(rc == 0, f"show --color {colour}: exit {rc}: {err}")
    clean(f"show --color {colour}", out_text(out), colour=colour == "always")

# ---- tag and discover with standard output on a terminal (issue 19) ----------------
# C1 controls (CSI U+009B, NEL U+0085), the bidi controls and DEL in ids and text
UNSAFE = "\u0085\u009b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\x7f"


def run_tty(args, stdin=b""):
    """sanctag with standard output on a pseudo-terminal in raw mode (the
    bytes as written, no CR added); returns (status, stdout bytes, stderr)."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    p = subprocess.Popen([sanctag] + args, stdin=subprocess.PIPE, stdout=slave,
                         stderr=subprocess.PIPE, env=env())
    os.close(slave)
    chunks = []
    p.stdin.write(stdin)
    p.stdin.close()
    while True:
        try:
            b = os.read(master, 65536)
        except OSError:  # EIO: every writer of the terminal is gone
            break
        if not b:
            break
        chunks.append(b)
    err = p.stderr.read().decode("utf-8", "replace")
    p.wait(timeout=120)
    os.close(master)
    return p.returncode, b"".join(chunks), err


def lines(text):
    """Lines ended by LF only (str.splitlines() also splits at U+0085)."""
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def raw_unsafe(text):
    return sorted({hex(ord(c)) for c in text
                   if c in UNSAFE or "\x00" <= c < "\x20" and c not in "\t\r\n"})


feed = b"".join(json.dumps({"id": "d" + UNSAFE + str(i), "text": f"Korut {UNSAFE} dan AS {i}."},
                           ensure_ascii=False).encode() + b"\n" for i in (1, 2))
for fmt in ("json", "spacy", "doccano", "conll", "csv", "tsv"):
    args = ["tag", "--db", db, "--jsonl", "--format", fmt, "-"]
    rc_p, piped, _ = run(sanctag, args, stdin=feed)
    rc_t, term, err = run_tty(args, stdin=feed)
    check(rc_p == 0 and rc_t == 0,
          f"tag --format {fmt}: exit {rc_p} piped, {rc_t} on a terminal: {err}")
    t = term.decode("utf-8")
    bad = raw_unsafe(t)
    check(not bad, f"tag --format {fmt} on a terminal: raw {bad}: {t[:300]!r}")
    # into a pipe: the characters as they were (the machine formats are byte-exact)
    # (CoNLL writes a control character token as U+FFFD itself)
    p = piped.decode("utf-8")
    check("\u202e" in p and ("\u009b" in p or fmt == "conll"),
          f"tag --format {fmt} into a pipe: the data changed: {piped[:300]!r}")
    if fmt in ("json", "spacy", "doccano"):
        check(b"\\u202E" in term and b"\\u009B" in term and b"\\u007F" in term,
              f"tag --format {fmt} on a terminal: no \\u escapes: {t[:300]!r}")
        pl = [json.loads(x) for x in lines(piped.decode())]
        tl = [json.loads(x) for x in lines(t)]
        check(pl == tl,
              f"tag --format {fmt}: the terminal's JSON means something else: {t[:300]!r}")
    else:
        check("\ufffd" in t, f"tag --format {fmt} on a terminal: no U+FFFD: {t[:300]!r}")
        check(len(lines(t)) == len(lines(piped.decode())),
              f"tag --format {fmt} on a terminal: rows changed: {t[:300]!r}")
    if fmt in ("csv", "tsv"):
        check(t.count("\r\n") == piped.decode().count("\r\n") and t.endswith("\r\n"),
              f"tag --format {fmt} on a terminal: row ends changed: {t[-40:]!r}")

# discover: names, contexts and known entities are data
root = os.path.dirname(os.path.dirname(data))
cdb = os.path.join(scratch, "cues.db")
rc, out, err = run(sanctag, ["gaz", "build", cdb, os.path.join(data, "fixture.tsv"),
                             os.path.join(root, "gazetteers", "cues.tsv")])
check(rc == 0, f"gaz build with cues: exit {rc}: {err}")
dfeed = b"".join(json.dumps({"id": i, "text": f"Menurut Budi Sulistiyo{UNSAFE}, Korut siap {i}."},
                            ensure_ascii=False).encode() + b"\n" for i in (1, 2))
for fmt in ("tsv", "jsonl"):
    args = ["discover", "--db", cdb, "--format", fmt, "-"]
    rc_p, piped, _ = run(sanctag, args, stdin=dfeed)
    rc_t, term, err = run_tty(args, stdin=dfeed)
    t = term.decode("utf-8")
    check(rc_p == 0 and rc_t == 0 and "Budi Sulistiyo" in t,
          f"discover --format {fmt}: exit {rc_p} piped, {rc_t} on a terminal: {err} {t[:300]!r}")
    check("\u202e" in piped.decode(),
          f"discover --format {fmt} into a pipe: data changed: {piped!r}")
    bad = raw_unsafe(t)
    check(not bad, f"discover --format {fmt} on a terminal: raw {bad}: {t[:400]!r}")
    if fmt == "jsonl":
        check([json.loads(x) for x in lines(t)] ==
              [json.loads(x) for x in lines(piped.decode())],
              f"discover --format jsonl on a terminal: the JSON means something else: {t[:300]!r}")
    else:
        check("\ufffd" in t and t.count("\t") == piped.decode().count("\t"),
              f"discover on a terminal: no U+FFFD or columns changed: {t[:300]!r}")

finish("term-escape")

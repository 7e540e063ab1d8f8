#!/usr/bin/env python3
"""show_terminal.py - `sanctag show` in a terminal: every mention shown once,
in order, with its entity, never split across lines; greedy wrapping to the
width in display columns (wide CJK characters count two); colour by label only
when asked for or on a terminal, honouring NO_COLOR; the summary table agrees
with `sanctag tag`; control characters never reach the terminal.

Usage: show_terminal.py SANCTAG TESTS_DATA_DIR
"""

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from showlib import (SHOW_DATA, build_db, check, env, fail, finish, read_text, run,  # noqa: E402
                     setup, short_key, strip_sgr, tag_json, valgrind_check, width)

sanctag, data, scratch = setup(sys.argv)
db = build_db(sanctag, data, scratch, listed=True)
SAMPLE = os.path.join(data, "..", "..", "samples", "korut-sanksi.txt")
TRICKY = os.path.join(SHOW_DATA, "tricky.txt")
CJK = os.path.join(SHOW_DATA, "cjk.txt")
DOCS = [SAMPLE, TRICKY, CJK]
MENTION = r"\[[^\[\]\n]+\]\[[^\[\]\n]+\]"
LABEL_ANSI = {"COUNTRY": 222, "LOCATION": 209, "ORG": 123, "PERSON": 147}

reference = {d: rec for d, rec in zip(DOCS, tag_json(sanctag, db, DOCS))}


def flat(s):
    return re.sub(r"[\n\r\t\v\f\u2028\u2029\x85]", " ", s)


def expected_mentions(rec):
    out = []
    for s in rec["spans"]:
        tag = short_key(s["entity"], s["label"]) + ("!" if "sanctions" in s else "")
        out.append((flat(s["text"]), tag))
    return out


def split_docs(text):
    """{header id: (text block lines, table lines)} of plain `show` output."""
    docs = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"# (.*?)  \((\d+) mentions? of (\d+) entit(?:y|ies)\)$", lines[i])
        if not m:
            i += 1
            continue
        j = i + 2
        k = j
        while k < len(lines) and not lines[k].startswith("ENTITY  ") and \
                lines[k] != "no entities found" and not re.match(r"\S+  [A-Z]+(  |$)", lines[k]):
            k += 1
        body = lines[j:k]
        if body and body[-1] == "":
            body = body[:-1]
        t = k
        while t < len(lines) and lines[t] != "":
            t += 1
        docs[m.group(1)] = (body, lines[k:t], int(m.group(2)), int(m.group(3)))
        i = t
    return docs


def greedy(line, w):
    """Reference wrapping of one unwrapped line: words (a mention is one unit,
    glued punctuation stays with it) filled greedily; a word wider than a line
    is broken between characters unless it holds a mention."""
    words = re.findall(r"(?:%s|\S)+" % MENTION, line)
    out, cur = [], ""
    for word in words:
        if cur and width(cur) + 1 + width(word) > w:
            out.append(cur)
            cur = ""
        if width(word) > w and not re.search(MENTION, word):
            for ch in word:
                if cur and width(cur + (" " if False else "") + ch) > w:
                    out.append(cur)
                    cur = ""
                cur += ch
            continue
        cur = cur + " " + word if cur else word
    if cur:
        out.append(cur)
    return out


# ---- plain output: mentions, text kept, wrapping --------------------------------
for W in (60, 30):
    rc, out, err = run(sanctag, ["show", "--db", db, "--color=never", "--width", str(W)] + DOCS)
    check(rc == 0, f"show --width {W}: exit {rc}: {err}")
    text = out.decode()
    check("\x1b" not in text, f"--color=never wrote an escape character (width {W})")
    docs = split_docs(text)
    rc0, out0, _ = run(sanctag, ["show", "--db", db, "--color=never", "--width", "0"] + DOCS)
    docs0 = split_docs(out0.decode())
    check(rc0 == 0 and len(docs0) == 3, "--width 0 output has three documents")
    for d in DOCS:
        rec = reference[d]
        if not check(d in docs, f"no header for {d} (width {W})"):
            continue
        body, table, nm, ne = docs[d]
        exp = expected_mentions(rec)
        check(nm == len(exp), f"{d}: header says {nm} mentions, tag found {len(exp)}")
        check(ne == len({s['entity'] for s in rec['spans']}), f"{d}: header entity count {ne}")
        got = re.findall(r"\[([^\[\]\n]+)\]\[([^\[\]\n]+)\]", "\n".join(body))
        check(got == exp, f"{d} (width {W}): mentions\n  {got}\nexpected\n  {exp}")
        # every line fits, except a line holding one mention wider than the width
        for line in body + table:
            if width(line) > W and not re.fullmatch(r"%s\S*" % MENTION, line):
                fail(f"{d}: line wider than {W}: {line!r}")
        # the text is all there: take the markup away, compare word for word
        plain = re.sub(r"\[([^\[\]\n]+)\]\[[^\[\]\n]+\]", r"\1", " ".join(body))
        orig = re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "\ufffd", read_text(d))
        check("".join(plain.split()) == "".join(orig.split()),
              f"{d}: text differs from the document:\n{plain.split()}\n{orig.split()}")
        # wrapping is the greedy fill of the unwrapped lines
        body0 = docs0[d][0]
        nl_in_spans = sum(s["text"].count("\n") for s in rec["spans"])
        check(len(body0) == read_text(d).rstrip("\n").count("\n") + 1 - nl_in_spans,
              f"{d}: --width 0 changed the line structure ({len(body0)} lines)")
        want = [x for line in body0 for x in (greedy(line, W) if line.strip() else [""])]
        check(body == want, f"{d}: wrapped at {W} differently from a greedy fill:\n"
              + "\n".join(f"  got  {a!r}\n  want {b!r}" for a, b in zip(body, want) if a != b)
              + f"\n  ({len(body)} lines, want {len(want)})")

# wide characters were measured: the long CJK sentence fills whole lines of 30 columns
rc, out, _ = run(sanctag, ["show", "--db", db, "--color=never", "--width", "30", CJK])
cjk_lines = [x for x in out.decode().split("\n") if re.fullmatch(r"[\u4e00-\u9fff，。]+", x)]
check(len(cjk_lines) >= 3 and all(width(x) in (29, 30) for x in cjk_lines[:-1]),
      f"CJK lines are not filled to 30 columns: {[(x, width(x)) for x in cjk_lines]}")

# ---- the summary table ------------------------------------------------------------
rc, out, _ = run(sanctag, ["show", "--db", db, "--color=never", "--width", "250", SAMPLE])
body, table, _, _ = split_docs(out.decode())[SAMPLE]
check(table and re.match(r"ENTITY\s+NAME\s+LABEL\s+MENTIONS\s+LISTED\s+FORMS$", table[0]),
      f"table header: {table[:1]}")
rows = [re.split(r"\s{2,}", r.strip()) for r in table[1:]]
spans = reference[SAMPLE]["spans"]
want_rows = {}
for s in spans:
    r = want_rows.setdefault(s["entity"], {"label": s["label"], "n": 0, "forms": [],
                                           "listed": s.get("sanctions")})
    r["n"] += 1
    if s["text"] not in r["forms"]:
        r["forms"].append(s["text"])
check(len(rows) == len(want_rows), f"table has {len(rows)} rows, want {len(want_rows)}")
counts = []
for r in rows:
    if not check(len(r) == 6, f"table row does not have 6 columns: {r}"):
        continue
    key, name, label, n, listed, forms = r
    w = want_rows.get(key)
    if not check(w is not None, f"table row for an entity not tagged: {key}"):
        continue
    counts.append(int(n))
    check(label == w["label"], f"{key}: label {label}, want {w['label']}")
    check(int(n) == w["n"], f"{key}: {n} mentions, want {w['n']}")
    if w["listed"]:  # the listing with its programmes
        want_l = w["listed"]["source"] + " " + w["listed"]["ref"]
        if w["listed"].get("programs"):
            want_l += " (" + ", ".join(w["listed"]["programs"]) + ")"
    else:
        want_l = "-"
    check(listed == want_l, f"{key}: listed '{listed}', want '{want_l}'")
    for f in w["forms"]:
        check(f in forms, f"{key}: form '{f}' missing from '{forms}'")
check(counts == sorted(counts, reverse=True), f"rows not ordered by mentions: {counts}")
check("[Kim Jong Un][kim-jong-un!]" in "\n".join(body), "listed entity not marked with '!'")

# a narrow width: the table turns into two lines per entity, within the width
rc, out, _ = run(sanctag, ["show", "--db", db, "--color=never", "--width", "30", SAMPLE])
_, table, _, _ = split_docs(out.decode())[SAMPLE]
check(table and all(width(x) <= 30 for x in table), f"narrow table wider than 30: {table}")
check(any(x.startswith("country:KP  COUNTRY") for x in table), f"narrow table: {table}")

# ---- colour --------------------------------------------------------------------------
rc, out, err = run(sanctag, ["show", "--db", db, "--color=always", "--width", "60", SAMPLE,
                             TRICKY])
text = out.decode()
check(rc == 0 and "\x1b[48;5;" in text, "--color=always wrote no colour")
seg = re.findall(r"\x1b\[48;5;(\d+);38;5;16m([^\x1b]*)\x1b\[1m\[(.*?)\]\x1b\[0m", text)
want = []
for d in (SAMPLE, TRICKY):
    for s in reference[d]["spans"]:
        want.append((str(LABEL_ANSI[s["label"]]), flat(s["text"]),
                     short_key(s["entity"], s["label"]) + ("!" if "sanctions" in s else "")))
got = [(a, t, strip_sgr(k)) for a, t, k in seg]
check(got == want, f"coloured mentions\n  {got}\nexpected\n  {want}")
check(all("\x1b[38;5;124m" in k for a, t, k in seg if k.endswith("!") or "!" in strip_sgr(k)),
      "a listed entity is not in red")
for line in strip_sgr(text).split("\n"):
    if width(line) > 60 and not line.startswith("# "):
        fail(f"coloured line wider than 60: {line!r}")
check("Korut[KP]" in strip_sgr(text), "no 'Korut[KP]' in the coloured output")
# an explicit --color=always wins over NO_COLOR; never is never
rc, out, _ = run(sanctag, ["show", "--db", db, "--color=always", SAMPLE], NO_COLOR="1")
check("\x1b[" in out.decode(), "--color=always with NO_COLOR set wrote no colour")
rc, out, _ = run(sanctag, ["show", "--db", db, SAMPLE])
check("\x1b" not in out.decode(), "colour written to a pipe with --color=auto")

# COLUMNS is the width when the output is not a terminal
rc, out, _ = run(sanctag, ["show", "--db", db, SAMPLE], COLUMNS="45")
lines = split_docs(out.decode())[SAMPLE][0]
check(max(width(x) for x in lines) <= 45 and max(width(x) for x in lines) > 35,
      f"COLUMNS=45 not honoured: widest line {max(width(x) for x in lines)}")


def on_tty(args, cols=50, **envs):
    """Runs sanctag with standard output on a pseudo-terminal `cols` wide."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
    p = subprocess.Popen([sanctag] + args, stdin=subprocess.DEVNULL, stdout=slave,
                         stderr=subprocess.PIPE, env=env(**envs))
    os.close(slave)
    chunks = []
    while True:
        try:
            b = os.read(master, 65536)
        except OSError:
            break
        if not b:
            break
        chunks.append(b)
    os.close(master)
    p.wait(timeout=60)
    valgrind_check(args, p.returncode, p.stderr.read().decode("utf-8", "replace"))
    return p.returncode, b"".join(chunks).decode().replace("\r\n", "\n")


rc, t = on_tty(["show", "--db", db, SAMPLE], TERM="xterm")
check(rc == 0 and "\x1b[48;5;" in t, "no colour on a terminal with --color=auto")
widest = max(width(x) for x in strip_sgr(t).split("\n") if not x.startswith("# "))
check(35 < widest <= 50, f"not wrapped to the terminal's 50 columns (widest line {widest})")
rc, t = on_tty(["show", "--db", db, SAMPLE], TERM="xterm", NO_COLOR="1")
check("\x1b" not in t, "colour on a terminal although NO_COLOR=1")
rc, t = on_tty(["show", "--db", db, SAMPLE], TERM="xterm", NO_COLOR="")
check("\x1b[48;5;" in t, "an empty NO_COLOR turned colour off")
rc, t = on_tty(["show", "--db", db, SAMPLE], TERM="dumb")
check("\x1b" not in t, "colour on a dumb terminal")
rc, t = on_tty(["show", "--db", db, "--color=never", SAMPLE], TERM="xterm")
check("\x1b" not in t, "colour on a terminal with --color=never")

# ---- control characters never reach the terminal ---------------------------------
for mode in ("never", "always"):
    rc, out, _ = run(sanctag, ["show", "--db", db, "--color=" + mode, TRICKY])
    t = out.decode()
    check("\ufffd[31m" in t, f"--color={mode}: the document's ESC is not shown as U+FFFD")
    check("\x1b[31m" not in t, f"--color={mode}: the document's escape sequence passed through")

# ---- inputs: stdin, JSON Lines with errors, unreadable input, usage ---------------
rc, out, _ = run(sanctag, ["show", "--db", db, "--color=never"], stdin=b"Korut dan AS.\n")
check(rc == 0 and out.decode().startswith("# -  (2 mentions of 2 entities)\n\n"
                                          "[Korut][KP] dan [AS][US].\n"),
      f"stdin: {out.decode()!r}")
p = subprocess.run([sanctag, "show", "--db", db, "--color=never", "--jsonl", "feed.jsonl"],
                   cwd=SHOW_DATA, capture_output=True, env=env(), timeout=60)
valgrind_check(p.args[1:], p.returncode, p.stderr.decode("utf-8", "replace"))
t = p.stdout.decode()
heads = re.findall(r"^# (.*?)  \(", t, re.M)
check(heads == ["d1", "2", "feed.jsonl:6"], f"--jsonl document headers: {heads}")
check(p.returncode == 1, f"--jsonl with bad records: exit {p.returncode}, want 1")
err = p.stderr.decode()
check("feed.jsonl:4" in err and "malformed JSON" in err, f"bad JSON line not reported: {err}")
check("feed.jsonl:5: no field 'text'" in err, f"record without text not reported: {err}")
check("[Dewan Keamanan PBB][un-security-council!]" in t, "--jsonl: a record's mention missing")
bad = os.path.join(scratch, "bad.txt")
with open(bad, "wb") as f:
    f.write(b"Korut \xff AS\n")
rc, out, err = run(sanctag, ["show", "--db", db, bad, SAMPLE])
check(rc == 1 and "invalid UTF-8" in err and "# " + SAMPLE in out.decode(),
      f"invalid UTF-8 document: exit {rc}, {err}")
rc, out, err = run(sanctag, ["show", "--db", db, os.path.join(scratch, "missing.txt")])
check(rc == 3 and "cannot open" in err, f"missing input: exit {rc}, {err}")
for args in (["--color=blue"], ["--width", "x"], ["--width", "-3"], ["--bogus"]):
    rc, out, err = run(sanctag, ["show", "--db", db] + args + [SAMPLE])
    check(rc == 2 and "Try 'sanctag show --help'" in err, f"show {args}: exit {rc}, {err}")
outfile = os.path.join(scratch, "out.txt")
rc, out, err = run(sanctag, ["show", "--db", db, "-o", outfile, SAMPLE])
check(rc == 0 and out == b"" and "\x1b" not in read_text(outfile)
      and "[Korut][KP]" in read_text(outfile), f"show -o FILE: exit {rc}, {err}")

finish("show-terminal")

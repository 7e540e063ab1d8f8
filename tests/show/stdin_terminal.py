#!/usr/bin/env python3
"""stdin_terminal.py - `sanctag tag` (and `show`) with no FILE and standard
input on a terminal say what they wait for, instead of waiting silently
(issue 18 item 7); then the typed text is tagged as usual. Piped input gets
no such line.

Usage: stdin_terminal.py SANCTAG TESTS_DATA_DIR
"""

import os
import pty
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from showlib import build_db, check, env, finish, run, setup  # noqa: E402

sanctag, data, scratch = setup(sys.argv)
db = build_db(sanctag, data, scratch)

for cmd in (["tag"], ["show", "--color", "never"]):
    master, slave = pty.openpty()
    p = subprocess.Popen([sanctag] + cmd + ["--db", db], stdin=slave, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env())
    os.close(slave)
    time.sleep(0.3)
    os.write(master, b"Korut dan AS\n")
    os.write(master, b"\x04")  # Ctrl-D: end of input on a terminal
    try:
        out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    os.close(master)
    err = err.decode("utf-8", "replace")
    name = " ".join(cmd[:1])
    check(p.returncode == 0, f"{name} on a terminal: exit {p.returncode}: {err}")
    check("standard input (a terminal)" in err and "Ctrl-D" in err,
          f"{name} on a terminal: no word of what it waits for: {err!r}")
    check(b"Korut" in out, f"{name} on a terminal: the typed text was not tagged: {out[:200]!r}")

# piped: no such line
rc, out, err = run(sanctag, ["tag", "--db", db], stdin=b"Korut\n")
check(rc == 0 and "terminal" not in err, f"tag from a pipe: exit {rc}, stderr {err!r}")
finish("stdin-terminal")

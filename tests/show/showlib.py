"""showlib.py - helpers shared by the tests in tests/show: run sanctag, build the
fixture gazetteer (optionally with a sanctions listing), measure display width.

Every test is a script run as `python3 TEST.py SANCTAG TESTS_DATA_DIR [...]`;
it prints what it checked and exits 0 (pass), 1 (fail), 77 (skip) or 99
(broken harness).

Under `meson test --setup=valgrind` (SANCTAG_WRAPPER set) setup() returns the
valgrind wrapper in place of the binary (SANCTAG_REAL names the binary), and
run() fails the test on the wrapper's status 97, a memory error or definite
leak, whatever status the caller expected.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SHOW_DATA = os.path.join(HERE, "data")

failures = []
VALGRIND_STATUS = 97  # --error-exitcode of tests/valgrind-sanctag.in


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def finish(name):
    if failures:
        print(f"{name}: {len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print(f"{name}: ok")
    sys.exit(0)


def broken(msg):
    print("broken: " + msg, file=sys.stderr)
    sys.exit(99)


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def setup(argv):
    """Returns (sanctag, tests_data_dir, scratch_dir) from the command line."""
    if len(argv) < 3:
        broken(f"usage: {argv[0]} SANCTAG TESTS_DATA_DIR")
    sanctag = os.path.abspath(argv[1])
    data = os.path.abspath(argv[2])
    if not os.access(sanctag, os.X_OK):
        broken(f"not executable: {sanctag}")
    scratch = tempfile.mkdtemp(prefix="sanctag-show.")
    if os.environ.get("SANCTAG_WRAPPER"):  # meson test --setup=valgrind
        os.environ["SANCTAG_REAL"] = sanctag
        sanctag = os.environ["SANCTAG_WRAPPER"]
    return sanctag, data, scratch


def unwrapped(sanctag):
    """The sanctag binary itself, also under the valgrind wrapper."""
    if os.environ.get("SANCTAG_WRAPPER") and sanctag == os.environ["SANCTAG_WRAPPER"]:
        return os.environ["SANCTAG_REAL"]
    return sanctag


def valgrind_check(args, rc, err):
    """Fails on the valgrind wrapper's status (sanctag never exits 97)."""
    if rc == VALGRIND_STATUS and os.environ.get("SANCTAG_WRAPPER"):
        fail(f"valgrind: sanctag {' '.join(map(str, args))}:\n{err}")


def env(**extra):
    e = dict(os.environ)
    for k in ("SANCTAG_DB", "NO_COLOR", "COLUMNS", "TERM"):
        e.pop(k, None)
    e["LC_ALL"] = "C.UTF-8"
    e.update({k: v for k, v in extra.items() if v is not None})
    return e


def run(sanctag, args, stdin=None, **envs):
    """Runs sanctag; returns (status, stdout bytes, stderr text)."""
    p = subprocess.run([sanctag] + list(args), input=stdin, capture_output=True,
                       env=env(**envs), timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    valgrind_check(args, p.returncode, err)
    return p.returncode, p.stdout, err


LISTING = {
    "person:kim-jong-un": ("un-sc", "KPi.033", '["DPRK"]', "2017-06-02"),
    "org:un-security-council": ("test-list", "T.1", '["ALPHA", "BETA"]', "2020-01-01"),
}


def build_db(sanctag, data, scratch, name="fixture.db", listed=False, tsv=None):
    """Builds a gazetteer from the fixture TSV (or `tsv`); with `listed`, marks
    the entities of LISTING as sanctions-listed (the matcher is then stale and
    recompiled in memory on open, as for any edited gazetteer)."""
    db = os.path.join(scratch, name)
    rc, _, err = run(sanctag, ["gaz", "build", db, tsv or os.path.join(data, "fixture.tsv")])
    if rc != 0:
        broken(f"cannot build {db}: {err}")
    if listed:
        con = sqlite3.connect(db)
        for key, (src, ref, progs, on) in LISTING.items():
            n = con.execute("UPDATE entity SET listed = 1, list_source = ?, list_ref = ?, "
                            "programs = ?, listed_on = ? WHERE key = ?",
                            (src, ref, progs, on, key)).rowcount
            if n != 1:
                broken(f"fixture has no entity {key}")
        con.commit()
        con.close()
    return db


def tag_json(sanctag, db, paths, extra=()):
    """The contract output of `sanctag tag` for `paths`: list of records."""
    rc, out, err = run(sanctag, ["tag", "--db", db] + list(extra) + list(paths))
    if rc not in (0, 1):
        broken(f"sanctag tag failed ({rc}): {err}")
    return [json.loads(line) for line in out.decode().splitlines()]


def read_text(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


SGR = re.compile(r"\x1b\[[0-9;]*m")


def strip_sgr(s):
    return SGR.sub("", s)


def width(s):
    """Terminal columns of `s`: 2 for East Asian wide/fullwidth, 0 for
    combining marks and format characters."""
    w = 0
    for ch in s:
        cat = unicodedata.category(ch)
        if cat in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def short_key(key, label):
    """The entity shown after a mention (mirrors the documented rule)."""
    prefix, sep, rest = key.partition(":")
    if sep and rest and prefix.lower() == label.lower():
        return rest
    return key

#!/usr/bin/python3
"""test_parallel_pipe.py - sanctag as a line filter under GNU parallel --pipe:
the feed cut into blocks of whole lines, each block tagged by its own
`sanctag tag` process, outputs kept in input order (-k), equals one
`sanctag tag` reading the same feed from standard input, byte for byte.

Only documents are compared that carry no error: an error record names the
line number inside the block its process saw.

Usage: test_parallel_pipe.py SANCTAG FIXTURE_TSV
Exit status: 0 pass, 1 fail, 77 skipped (GNU parallel not installed), 99 harness error.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 99
    sanctag, fixture = (os.path.abspath(p) for p in sys.argv[1:])
    timeout = 240
    if os.environ.get("SANCTAG_WRAPPER"):  # meson test --setup=valgrind
        os.environ["SANCTAG_REAL"] = sanctag
        sanctag = os.environ["SANCTAG_WRAPPER"]
        timeout *= 10
    parallel = shutil.which("parallel")
    ver = subprocess.run([parallel, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True).stdout if parallel else ""
    if "GNU parallel" not in ver:
        print("SKIP: GNU parallel is not installed (apt-get install parallel)")
        return 77
    env = dict(os.environ)
    env.pop("SANCTAG_DB", None)
    with tempfile.TemporaryDirectory(prefix="sanctag-parallel-") as tmp:
        db = os.path.join(tmp, "fixture.db")
        r = subprocess.run([sanctag, "gaz", "build", db, fixture], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode:
            sys.stderr.write(r.stderr)
            return 99
        feed = "".join(corpus.lines(corpus.documents(2500))).encode("utf-8")
        block = 64 * 1024
        if len(feed) < 8 * block:
            print("harness: feed of %d bytes is too small for blocks of %d" % (len(feed), block))
            return 99
        tag = [sanctag, "tag", "--jsonl", "--db", db, "-j", "1", "--keep", "date",
               "--offsets", "byte", "-"]
        single = subprocess.run(tag, input=feed, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        home = os.path.join(tmp, "home")  # parallel keeps state in $HOME/.parallel
        os.makedirs(home)
        par = subprocess.run([parallel, "--will-cite", "--pipe", "-k", "--block", str(block),
                              "-j", "2", "--tmpdir", tmp] + tag, input=feed,
                             env=dict(env, HOME=home), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=timeout)
        failures = []
        if single.returncode != 0 or par.returncode != 0:
            failures.append("exit status: single %d, parallel %d\n%s%s"
                            % (single.returncode, par.returncode, single.stderr.decode()[-2000:],
                               par.stderr.decode()[-2000:]))
        a, b = par.stdout.splitlines(), single.stdout.splitlines()
        if len(b) != 2500 or single.stdout.count(b'"start":') < 1000:
            failures.append("the single run wrote %d lines, %d spans"
                            % (len(b), single.stdout.count(b'"start":')))
        if par.stdout != single.stdout:
            k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            failures.append("parallel --pipe output differs at line %d (%d vs %d lines)\n"
                            "  parallel: %r\n  single:   %r"
                            % (k + 1, len(a), len(b), a[k][:300] if k < len(a) else None,
                               b[k][:300] if k < len(b) else None))
        print("%d bytes in ~%d blocks of %d: equal: %s"
              % (len(feed), len(feed) // block + 1, block, par.stdout == single.stdout))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""test_dask_tag.py - scripts/dask_tag.py on a LocalCluster (worker processes on
this machine, loopback only) writes one output shard per input shard, and the
output shards, concatenated in the order sanctag reads the input directory,
equal one `sanctag tag` over that directory byte for byte: documents, error
records (file and line), kept fields and the exit status. Both ways shards can
travel (--io transfer, --io shared) are run; the gazetteer is shipped to the
workers as a file.

Usage: test_dask_tag.py SANCTAG FIXTURE_TSV DASK_TAG_PY
Exit status: 0 pass, 1 fail, 77 skipped (python3-distributed not installed),
99 harness error.
"""
import importlib.util
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 99
    sanctag, fixture, script = (os.path.abspath(p) for p in sys.argv[1:])
    timeout = 240
    if os.environ.get("SANCTAG_WRAPPER"):  # meson test --setup=valgrind
        # the workers inherit SANCTAG_REAL and run the wrapper; a memory error
        # there is exit 97 of a shard, which dask_tag reports as its status 3
        os.environ["SANCTAG_REAL"] = sanctag
        sanctag = os.environ["SANCTAG_WRAPPER"]
        timeout *= 10
    if importlib.util.find_spec("distributed") is None:
        print("SKIP: python3-distributed is not installed (apt-get install python3-distributed)")
        return 77
    env = dict(os.environ)
    env.pop("SANCTAG_DB", None)
    failures = []
    with tempfile.TemporaryDirectory(prefix="sanctag-dask-") as tmp:
        os.chdir(tmp)
        r = subprocess.run([sanctag, "gaz", "build", "fixture.db", fixture], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode:
            sys.stderr.write(r.stderr)
            return 99
        shards = corpus.write_shards("feed")
        extra = ["--keep", "date,source", "--offsets", "utf16", "--sentences"]
        single = subprocess.run([sanctag, "tag", "--db", "fixture.db", "-j", "1"] + extra +
                                ["feed"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if single.returncode != 1:
            sys.stderr.write(single.stderr.decode())
            failures.append("single sanctag run: exit %d, expected 1 (two broken documents)"
                            % single.returncode)
        expected = single.stdout
        if expected.count(b'"start":') < 1000 or expected.count(b'"error":') != 2:
            failures.append("the corpus does not exercise the tagger (spans %d, errors %d)"
                            % (expected.count(b'"start":'), expected.count(b'"error":')))
        for io in ("transfer", "shared"):
            out = "out-" + io
            r = subprocess.run([sys.executable, script, "--workers", "2", "--io", io,
                                "--sanctag", sanctag, "--db", "fixture.db", "feed", out, "--"]
                               + extra, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, timeout=timeout)
            if r.returncode != single.returncode:
                sys.stderr.write(r.stderr[-4000:])
                failures.append("%s: dask_tag exit %d, single run %d"
                                % (io, r.returncode, single.returncode))
            want = []
            for s in shards:
                rel = os.path.relpath(s, "feed")
                rel = rel[:-3] if rel.endswith(".gz") else rel
                rel = rel[:-len(".ndjson")] + ".jsonl" if rel.endswith(".ndjson") else rel
                want.append(os.path.join(out, rel))
            got_files = sorted(os.path.join(d, f)[len(out) + 1:]
                               for d, _, fs in os.walk(out) for f in fs)
            want_files = sorted(os.path.relpath(w, out) for w in want)
            if got_files != want_files:
                failures.append("%s: output shards %s, expected %s" % (io, got_files, want_files))
                continue
            joined = b"".join(open(w, "rb").read() for w in want)
            if joined != expected:
                a, b = joined.splitlines(), expected.splitlines()
                k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                failures.append("%s: output differs from the single run at line %d (%d vs %d "
                                "lines)\n  dask:   %r\n  single: %r"
                                % (io, k + 1, len(a), len(b), a[k][:300] if k < len(a) else None,
                                   b[k][:300] if k < len(b) else None))
            # each input shard's output has as many lines as it has documents
            for s, w in zip(shards, want):
                opener = __import__("gzip").open if s.endswith(".gz") else open
                with opener(s, "rb") as f:
                    docs = sum(1 for line in f if line.strip())
                with open(w, "rb") as f:
                    n = sum(1 for _ in f)
                if n != docs:
                    failures.append("%s: %s has %d lines for %d documents" % (io, w, n, docs))
            print("%s: %d shards, %d bytes, equal to the single run: %s"
                  % (io, len(want), len(joined), joined == expected))
        os.chdir("/")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

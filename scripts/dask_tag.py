#!/usr/bin/python3
"""Tags a directory of JSON Lines shards with sanctag on a Dask cluster.

Usage: scripts/dask_tag.py [OPTIONS] INPUT_DIR OUTPUT_DIR [-- SANCTAG_TAG_OPTION...]

Every shard under INPUT_DIR (*.jsonl, *.ndjson, optionally gzip'd, found the
way `sanctag tag INPUT_DIR` finds them: recursively, in name order, dot files
skipped) is one task: `sanctag tag` runs on it on some worker and its output
becomes OUTPUT_DIR/<same relative path>.jsonl (a ".gz" suffix is dropped, the
output is plain JSON Lines). Concatenating the output shards in name order
gives exactly what one `sanctag tag INPUT_DIR` prints: sanctag is a stateless
line filter, so a document's output line depends only on that document.

The gazetteer given with --db is shipped to the workers as a file (sent once to
each worker and kept in its local directory), so the workers need only the
sanctag program. Without --db each worker uses its own default gazetteer.

Shards travel one of two ways (--io):
  transfer  (default) this process reads each shard, sends it to a worker,
            which writes it to a temporary file, tags it and sends the output
            back; works on any cluster
  shared    workers read the shards and write the outputs themselves; INPUT_DIR
            and OUTPUT_DIR must be the same paths on every worker (a shared
            file system)

Without --scheduler a LocalCluster is started on this machine (worker
processes, one thread each, loopback only).

Examples:
  scripts/dask_tag.py feed/ tagged/
  scripts/dask_tag.py --workers 4 --db my.db feed/ tagged/ -- --keep date,url
  scripts/dask_tag.py --scheduler tcp://10.0.0.5:8786 --sanctag /usr/bin/sanctag \\
      --db my.db feed/ tagged/

Exit status: 0 every document tagged; 1 some documents had errors (each has its
output line with an "error" object); 2 usage error; 3 a shard could not be
tagged (its output is not written) or the cluster failed.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
FORBIDDEN = ("-o", "--output", "-j", "--jobs", "--db", "--jsonl", "--progress")


def find_shards(top):
    """Shard paths under `top` in the order `sanctag tag top` reads them: each
    directory's entries sorted by their bytes (alphasort in the C locale),
    subdirectories walked where they sort, dot files skipped, only JSONL names."""
    out = []

    def walk(d):
        try:
            names = sorted(os.listdir(d), key=os.fsencode)
        except OSError as e:
            raise SystemExit("dask_tag: cannot read %s: %s" % (d, e.strerror))
        for nm in names:
            if nm.startswith("."):
                continue
            p = d + ("" if d.endswith("/") else "/") + nm
            if os.path.isdir(p):
                walk(p)
            elif os.path.isfile(p) and nm.endswith(JSONL_SUFFIXES):
                out.append(p)

    walk(top)
    return out


def output_name(shard, top):
    rel = os.path.relpath(shard, top)
    if rel.endswith(".gz"):
        rel = rel[:-3]
    if rel.endswith(".ndjson"):
        rel = rel[:-len(".ndjson")] + ".jsonl"
    return rel


# ---- what runs on the workers (plain functions: Dask ships them) ----------------


def _worker_dir():
    try:
        from distributed import get_worker
        return get_worker().local_directory
    except (ImportError, ValueError):
        return tempfile.gettempdir()


def _local_gazetteer(blob, digest):
    """The shipped gazetteer as a file in this worker's directory, written once."""
    path = os.path.join(_worker_dir(), "sanctag-gazetteer-%s.db" % digest[:16])
    if not os.path.exists(path):
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, path)  # atomic: a concurrent task sees all or nothing
    return path


def _run_sanctag(sanctag, db, jobs, extra, shard_arg, out_path, cwd):
    cmd = [sanctag, "tag", "--jsonl", "--progress=never", "-j", str(jobs)]
    if db:
        cmd += ["--db", db]
    cmd += list(extra) + ["-o", out_path, "--", shard_arg]
    try:
        r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError as e:
        return 127, "cannot run %s: %s" % (sanctag, e.strerror)
    return r.returncode, r.stderr.decode("utf-8", "replace")


def tag_shard_transfer(sanctag, gaz, jobs, extra, shard_arg, data):
    """Tags shard bytes `data`, named `shard_arg` as the client names it (so
    error records name the same file and line), and returns (exit status,
    stderr, output bytes or None, worker)."""
    import socket
    db = _local_gazetteer(*gaz) if gaz else None
    with tempfile.TemporaryDirectory(dir=_worker_dir()) as tmp:
        # recreate the shard's relative path under tmp, run from tmp
        rel = shard_arg if not os.path.isabs(shard_arg) else os.path.basename(shard_arg)
        rel = os.path.normpath(rel)
        if rel.startswith(".."):
            rel = os.path.basename(rel)
        src = os.path.join(tmp, "in", rel)
        os.makedirs(os.path.dirname(src), exist_ok=True)
        with open(src, "wb") as f:
            f.write(data)
        out = os.path.join(tmp, "out.jsonl")
        rc, err = _run_sanctag(sanctag, db, jobs, extra, rel, out, os.path.join(tmp, "in"))
        body = None
        if rc in (0, 1):
            with open(out, "rb") as f:
                body = f.read()
    return rc, err, body, socket.gethostname() + ":" + str(os.getpid())


def tag_shard_shared(sanctag, gaz, db_path, jobs, extra, shard_arg, out_path, cwd):
    """Tags the shard file itself and writes out_path (atomically, sanctag -o)."""
    import socket
    db = _local_gazetteer(*gaz) if gaz else db_path
    os.makedirs(os.path.dirname(out_path) or ".", exist_ok=True)
    rc, err = _run_sanctag(sanctag, db, jobs, extra, shard_arg, out_path, cwd)
    return rc, err, None, socket.gethostname() + ":" + str(os.getpid())


# ---- the client ---------------------------------------------------------------------


def parse_args(argv):
    extra = []
    if "--" in argv:
        k = argv.index("--")
        argv, extra = argv[:k], argv[k + 1:]
    ap = argparse.ArgumentParser(
        prog="dask_tag.py", usage="%(prog)s [OPTIONS] INPUT_DIR OUTPUT_DIR [-- SANCTAG_TAG_OPTION...]",
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input_dir")
    ap.add_argument("output_dir")
    ap.add_argument("--scheduler", metavar="ADDRESS",
                    help="a running Dask scheduler (tcp://HOST:8786); default: a LocalCluster")
    ap.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2),
                    help="LocalCluster worker processes (default: the number of cores, at "
                         "least 2)")
    ap.add_argument("--sanctag", default=None,
                    help="the sanctag program on the workers (default: 'sanctag' on PATH; "
                         "with a LocalCluster, the one on PATH here, else build/sanctag)")
    ap.add_argument("--db", help="gazetteer to ship to the workers")
    ap.add_argument("--no-ship", action="store_true",
                    help="do not ship --db: workers open the same path (shared file system)")
    ap.add_argument("--io", choices=("transfer", "shared"), default="transfer",
                    help="how shards reach the workers (default: transfer)")
    ap.add_argument("--jobs", type=int, default=1,
                    help="sanctag threads per task (default 1: the cluster gives parallelism)")
    ap.add_argument("--force", action="store_true",
                    help="write into OUTPUT_DIR even if it holds files")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    a = ap.parse_args(argv)
    for x in extra:
        if x.split("=")[0] in FORBIDDEN:
            ap.error("%s is set by dask_tag.py itself" % x)
    a.extra = extra
    return a


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        sys.stderr.write("dask_tag: needs Dask's distributed module "
                         "(Debian: apt-get install python3-distributed)\n")
        return 3
    if not os.path.isdir(a.input_dir):
        sys.stderr.write("dask_tag: %s is not a directory\n" % a.input_dir)
        return 2
    shards = find_shards(a.input_dir)
    if not shards:
        sys.stderr.write("dask_tag: no *.jsonl or *.ndjson shards in %s\n" % a.input_dir)
        return 2
    outs = [os.path.join(a.output_dir, output_name(s, a.input_dir)) for s in shards]
    if len(set(outs)) != len(outs):
        sys.stderr.write("dask_tag: two shards would write the same output "
                         "(x.jsonl and x.ndjson or x.jsonl.gz)\n")
        return 2
    if os.path.isdir(a.output_dir) and os.listdir(a.output_dir) and not a.force:
        sys.stderr.write("dask_tag: %s is not empty (--force writes into it)\n" % a.output_dir)
        return 2
    os.makedirs(a.output_dir, exist_ok=True)

    sanctag = a.sanctag
    if sanctag is None:
        sanctag = "sanctag"
        if not a.scheduler:
            here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "build", "sanctag")
            sanctag = shutil.which("sanctag") or (here if os.path.exists(here) else sanctag)
    elif not a.scheduler and os.path.exists(sanctag):
        sanctag = os.path.abspath(sanctag)

    gaz = None
    db_path = None
    if a.db:
        if a.no_ship:
            db_path = os.path.abspath(a.db)
        else:
            with open(a.db, "rb") as f:
                blob = f.read()
            gaz = (blob, hashlib.sha256(blob).hexdigest())

    t0 = time.monotonic()
    cluster = None
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    status = 0
    try:
        gaz_f = client.scatter([gaz], broadcast=True)[0] if gaz else None
        cwd = os.getcwd()
        nworkers = max(1, len(client.scheduler_info().get("workers", {})))
        pending = list(zip(shards, outs))
        pending.reverse()
        futures = {}

        def submit_next():
            shard, out = pending.pop()
            if a.io == "transfer":
                with open(shard, "rb") as f:
                    data_f = client.scatter(f.read())
                fut = client.submit(tag_shard_transfer, sanctag, gaz_f, a.jobs, a.extra, shard,
                                    data_f, pure=False)
            else:
                fut = client.submit(tag_shard_shared, sanctag, gaz_f, db_path, a.jobs, a.extra,
                                    shard, os.path.abspath(out), cwd, pure=False)
            futures[fut] = (shard, out)
            return fut

        # at most two shards per worker in flight: bounded memory for any number of shards
        queue = as_completed([submit_next() for _ in range(min(len(pending), 2 * nworkers))])
        done = 0
        workers = set()
        for fut in queue:
            shard, out = futures.pop(fut)
            if pending:
                queue.add(submit_next())
            try:
                rc, err, body, where = fut.result()
            except Exception as e:  # the task itself failed: sanctag missing, worker lost
                sys.stderr.write("dask_tag: %s: %s: %s\n" % (shard, type(e).__name__, e))
                status = 3
                continue
            workers.add(where)
            for line in err.splitlines():
                sys.stderr.write("%s: %s\n" % (shard, line))
            if rc not in (0, 1):
                sys.stderr.write("dask_tag: %s: sanctag failed (exit %d); no output written\n"
                                 % (shard, rc))
                status = 3
                continue
            if rc == 1 and status == 0:
                status = 1
            if body is not None:
                os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
                tmp = out + ".part"
                with open(tmp, "wb") as f:
                    f.write(body)
                os.replace(tmp, out)
            done += 1
            if not a.quiet:
                sys.stderr.write("dask_tag: %d/%d %s -> %s\n" % (done, len(shards), shard, out))
        if not a.quiet:
            sys.stderr.write("dask_tag: %d of %d shards on %d worker processes in %.1f s\n"
                             % (done, len(shards), len(workers), time.monotonic() - t0))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return status


if __name__ == "__main__":
    sys.exit(main())

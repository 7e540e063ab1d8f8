#!/usr/bin/env bash
# doc-limit.sh - the per-document size limit (issue 19 item 3): a document or
# JSON line over --max-doc-size gets one `too_big` error record in its place,
# the rest of the feed is tagged, and the over-long document is never held in
# memory (a 256 MiB line, and a gzip'd plain file expanding to 256 MiB, run in
# a few MB); sizes are parsed strictly. show and discover report such a
# document (input and line) and count it (issue 19 re-attack). Memory running
# out on one document is that document's out_of_memory record.
#
# Usage: doc-limit.sh SANCTAG TESTS_DATA_DIR
# Exit status: 0 pass, 1 fail, 99 harness error.

set -u
. "$(dirname -- "$0")/../lib.sh" "$@"
[ $# -eq 2 ] || die "usage: doc-limit.sh SANCTAG TESTS_DATA_DIR"
wrapped=0
[ -n "${SANCTAG_WRAPPER:-}" ] && wrapped=1
py=/usr/bin/python3
db=$tmp/fixture.db
"$sanctag" gaz build "$db" "$2/fixture.tsv" 2>/dev/null || die "gaz build failed"

bad() { fail "$@"; }
# check NAME FILE EXPECT: EXPECT is one word per record, "ok" for a record
# with spans and no error, or an error code
check() {
  local got
  got=$($py -c 'import json,sys
out = []
for l in open(sys.argv[1]):
    d = json.loads(l)
    out.append(d["error"]["code"] if "error" in d else ("ok" if d["spans"] else "nospans"))
print(" ".join(out))' "$2") || got="(not JSON Lines)"
  [ "$got" = "$3" ] || bad "$1: records '$got', expected '$3'"
}

# a feed with one line over a 1 KiB limit between two good ones; the limit is
# the line's length without its newline (and CR): 1024 bytes pass, 1025 do not
$py - "$tmp/feed.jsonl" <<'PY'
import json, sys
def line(i, n):  # a record of exactly n bytes
    head = json.dumps({"id": i, "text": "Korut "})[:-2]
    return head + "x" * (n - len(head) - 2) + '"}'
with open(sys.argv[1], "w", newline="") as f:
    f.write(line("a", 1024) + "\r\n")
    f.write(line("big", 1025) + "\n")
    f.write(line("c", 300) + "\n")
    f.write(line("d", 5000))  # last line without a newline
PY
for j in 1 3; do
  "$sanctag" tag --db "$db" -j $j --max-doc-size 1K "$tmp/feed.jsonl" >"$tmp/out" 2>"$tmp/err"
  st=$?
  [ $st = 1 ] || bad "feed -j $j: exit status $st, expected 1"
  check "feed -j $j" "$tmp/out" "ok too_big ok too_big"
  grep -q 'feed.jsonl:2: document of 1025 bytes is over the limit' "$tmp/err" ||
    bad "feed -j $j: stderr does not name line 2 and its size: $(head -c 300 "$tmp/err")"
done
$py -c 'import json,sys
d = [json.loads(l) for l in open(sys.argv[1])][1]["error"]
assert d["line"] == 2 and d["file"].endswith("feed.jsonl"), d' "$tmp/out" || bad "too_big record lacks file and line"
# the default limit (64 MiB) lets all of them through
"$sanctag" tag --db "$db" "$tmp/feed.jsonl" >"$tmp/out" 2>/dev/null
check "default limit" "$tmp/out" "ok ok ok ok"

# a plain file over the limit: its record carries its name as id
printf 'Korut %02000d' 0 >"$tmp/long.txt"
echo 'Korut' >"$tmp/short.txt"
"$sanctag" tag --db "$db" --max-doc-size 1k "$tmp/long.txt" "$tmp/short.txt" >"$tmp/out" 2>/dev/null
check "plain files" "$tmp/out" "too_big ok"
grep -q "\"id\":\"$tmp/long.txt\"" "$tmp/out" || bad "plain file: too_big record has no id"

# show reports the document and goes on
"$sanctag" show --db "$db" --color never --max-doc-size 1K "$tmp/feed.jsonl" >"$tmp/show" 2>"$tmp/err"
[ "$(grep -c '^# ' "$tmp/show")" = 2 ] || bad "show: not two documents shown"
grep -q 'over the limit' "$tmp/show" "$tmp/err" || bad "show: the skipped document is not reported"

# discover reports it as it reports a bad line (input and line), counts it,
# exits 1, and the names of the rest are still listed
printf '%s\n' '{"id":"n","text":"Menurut Budi Sulistiyo, Korut siap."}' >"$tmp/names.jsonl"
cat "$tmp/feed.jsonl" >>"$tmp/names.jsonl"
"$sanctag" discover --db "$db" --min-docs 1 --max-doc-size 1K "$tmp/names.jsonl" \
  >"$tmp/disc" 2>"$tmp/err"
st=$?
[ $st = 1 ] || bad "discover: exit status $st, expected 1 (documents skipped)"
grep -q 'names.jsonl:3: document of 1025 bytes is over the limit' "$tmp/err" ||
  bad "discover: the over-long line 3 is not reported: $(head -c 300 "$tmp/err")"
grep -q 'names.jsonl:5: document of 5000 bytes is over the limit' "$tmp/err" ||
  bad "discover: the over-long line 5 is not reported: $(head -c 300 "$tmp/err")"
grep -q '2 of 5 documents skipped' "$tmp/err" ||
  bad "discover: the skipped documents are not counted: $(head -c 600 "$tmp/err")"
grep -q 'found in 3 documents' "$tmp/disc" || bad "discover: not 3 documents read: $(head -2 "$tmp/disc")"
"$sanctag" discover --db "$db" --max-doc-size 1.5M "$tmp/names.jsonl" >/dev/null 2>&1
[ $? = 2 ] || bad "discover --max-doc-size 1.5M: not a usage error"

# sizes: suffixes, and strict errors (usage, exit 2)
for s in 500 500K 500k 2M 2MiB 2MB 1G 1T; do
  echo Korut | "$sanctag" tag --db "$db" --max-doc-size "$s" >/dev/null 2>"$tmp/err" ||
    bad "--max-doc-size $s refused: $(cat "$tmp/err")"
done
for s in 0 -1 abc 10X 1.5M 99999999999T ''; do
  echo Korut | "$sanctag" tag --db "$db" --max-doc-size "$s" >/dev/null 2>"$tmp/err"
  st=$?
  [ $st = 2 ] || bad "--max-doc-size '$s': exit status $st, expected 2"
done

# memory: a 256 MiB line and a gzip'd 256 MiB plain file are skipped in a few
# MB (not under valgrind, which has its own footprint)
if [ $wrapped = 0 ]; then
  $py - "$sanctag" "$db" "$tmp" <<'PY' || failed=1
import gzip, os, resource, subprocess, sys
exe, db, tmp = sys.argv[1:4]
big = 256 << 20
with open(tmp + "/huge.jsonl", "wb") as f:
    f.write(b'{"id":"a","text":"Korut"}\n{"id":"huge","text":"')
    chunk = b"x" * (1 << 20)
    for _ in range(big >> 20):
        f.write(chunk)
    f.write(b'"}\n{"id":"c","text":"Korut"}\n')
with gzip.open(tmp + "/bomb.txt.gz", "wb", compresslevel=1) as f:
    for _ in range(big >> 20):
        f.write(chunk)
ok = True
for args, want in ((["--max-doc-size", "4M", tmp + "/huge.jsonl"], 3),
                   (["--max-doc-size", "4M", tmp + "/bomb.txt.gz"], 1),
                   ([tmp + "/bomb.txt.gz"], 1)):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run([exe, "tag", "--db", db, "-j", "2"] + args, capture_output=True)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, the largest child so far
    lines = p.stdout.decode().splitlines()
    if len(lines) != want or '"too_big"' not in p.stdout.decode():
        print("FAIL: %s: %d records, expected %d with a too_big one" % (args, len(lines), want))
        ok = False
    limit = 100 << 10  # KiB: the 64 MiB default limit plus the program
    if rss > limit and not os.environ.get("SANCTAG_SANITIZED"):  # ASan's own memory
        print("FAIL: %s: %d KiB resident, more than %d" % (args, rss, limit))
        ok = False
sys.exit(0 if ok else 1)
PY
fi

# memory running out on one document under a raised limit (ulimit -v; not
# under valgrind or the sanitizers, which map memory of their own): wherever it
# runs out (reading the line, holding it, decoding, tagging, writing the
# output), that document gets an out_of_memory record and the rest of the
# feed is tagged (issue 19 re-attack: the run ended with "out of memory")
if [ $wrapped = 0 ] && [ -z "${SANCTAG_SANITIZED:-}" ]; then
  $py - "$sanctag" "$db" "$tmp" <<'PY' || failed=1
import json, os, subprocess, sys
exe, db, tmp = sys.argv[1:4]
feed = tmp + "/oom.jsonl"
with open(feed, "w") as f:
    f.write(json.dumps({"id": "a", "text": "Korut"}) + "\n")
    f.write('{"id":"big","text":"' + "Korut dan AS bertemu. " * (64 * 1024 * 1024 // 22) + '"}\n')
    f.write(json.dumps({"id": "c", "text": "AS"}) + "\n")
os.makedirs(tmp + "/oomdir")
with open(tmp + "/oomdir/a.txt", "w") as f:
    f.write("Korut")
with open(tmp + "/oomdir/b.txt", "w") as f:
    f.write("Korut dan AS bertemu. " * (64 * 1024 * 1024 // 22))
with open(tmp + "/oomdir/c.txt", "w") as f:
    f.write("AS")

def tag(cap_kib, args):
    cmd = ('ulimit -v %d; db=$1; shift; exec "$0" tag --db "$db" -j 2 --max-doc-size 1G "$@"'
           % cap_kib)
    return subprocess.run(["sh", "-c", cmd, exe, db] + args, capture_output=True, timeout=600)

# what this build needs for a tiny document, in steps of 16 MiB
base = next(k for k in range(32 << 10, 1 << 21, 16 << 10)
            if tag(k, [tmp + "/oomdir/a.txt"]).returncode == 0)
ok = True
for extra_mib, args in ((80, [feed]), (170, [feed]), (320, [feed]), (1100, [feed]),
                        (80, [tmp + "/oomdir"]), (320, ["--format", "csv", feed])):
    p = tag(base + (extra_mib << 10), args)
    out, err = p.stdout.decode(), p.stderr.decode()
    what = "%s under a cap of %d MiB more than a tiny document" % (args[-1], extra_mib)
    if "--format" in args:
        rows = out.splitlines()
        good = (p.returncode == 1 and len(rows) == 4 and rows[1].startswith("a,") and
                rows[3].startswith("c,") and "out_of_memory: " in rows[2])
    else:
        try:
            recs = [json.loads(l) for l in out.splitlines()]
        except ValueError:
            recs = []
        good = (p.returncode == 1 and len(recs) == 3 and recs[0]["spans"] and
                recs[2]["spans"] and recs[1].get("error", {}).get("code") == "out_of_memory")
    if not good:
        print("FAIL: %s: exit %d, expected 1 with an out_of_memory record between two tagged "
              "ones:\n%s\n%s" % (what, p.returncode, out[:600], err[:600]))
        ok = False
sys.exit(0 if ok else 1)
PY
fi

t_done

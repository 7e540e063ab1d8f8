#!/bin/bash
# Hostile gazetteers and killed writers (issue 19): a hot journal left by a
# writer killed at commit, half-created databases, crafted schemas, foreign
# matcher images, and sanctions lists built to make the import explode
# (internal-entity amplification, a row with 160,000 aliases). Every case ends
# in a clear error or a correct result within a time and memory bound.
# Usage: hostile-gaz.sh SANCTAG TESTS_DATA_DIR
set -uo pipefail
. "$(dirname -- "$0")/lib.sh" "$@"
data=$2
py=/usr/bin/python3
export XDG_CACHE_HOME=$tmp/cache # files found to match their matcher (verify.c)
"$sanctag" gaz build "$tmp/f.db" "$data/fixture.tsv" 2>/dev/null || die "cannot build the fixture"
echo 'Korut dan AS.' >"$tmp/a.txt"
tags_korut() { # DB: tag works on it and finds Korut
  "$sanctag" tag --db "$1" "$tmp/a.txt" >"$tmp/out" 2>"$tmp/err" && grep -q '"country:KP"' "$tmp/out"
}

# ---- a writer killed mid-commit leaves a hot journal ------------------------
# A writer that has spilled changed pages into the file is SIGKILLed, as an
# import killed in its commit is: DB-journal is hot (first byte non-zero) and
# the file holds half a transaction. Every read command rolls it back (when it
# may write the file) and says so; the content is the one before the write.
hot_journal() { # DB
  $py - "$1" <<'PY'
import os, signal, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA cache_size = 1")      # spill changed pages into the file
c.execute("BEGIN")
c.execute("UPDATE entity SET name = name || ' changed', key = key || 'x'")
c.execute("UPDATE alias SET text = text || ' changed'")
c.execute("DELETE FROM matcher")
os.kill(os.getpid(), signal.SIGKILL)
PY
  [ -s "$1-journal" ] && [ "$(head -c 1 "$1-journal" | od -An -tx1 | tr -d ' ')" != 00 ]
}
cp "$tmp/f.db" "$tmp/hot.db"
hot_journal "$tmp/hot.db" 2>/dev/null || fail "hot journal: could not make one"
tags_korut "$tmp/hot.db" || fail "hot journal: tag failed: $(cat "$tmp/err")"
grep -q "rolled back a write that was interrupted" "$tmp/err" || fail "hot journal: no notice on stderr"
[ -e "$tmp/hot.db-journal" ] && fail "hot journal: still there after tag"
"$sanctag" gaz stats --db "$tmp/hot.db" >/dev/null 2>"$tmp/err" || fail "hot journal: stats after: $(cat "$tmp/err")"
for cmd in "gaz stats" "gaz lookup Korut"; do
  cp "$tmp/f.db" "$tmp/hot.db"; rm -f "$tmp/hot.db-journal"
  hot_journal "$tmp/hot.db" 2>/dev/null
  read -ra words <<<"$cmd"
  "$sanctag" "${words[0]}" "${words[1]}" --db "$tmp/hot.db" "${words[@]:2}" >/dev/null 2>"$tmp/err" ||
    fail "hot journal: $cmd: $(cat "$tmp/err")"
done
# without write access: a clear error saying what to do (root may write anyway)
if [ "$(id -u)" != 0 ]; then
  cp "$tmp/f.db" "$tmp/hot.db"; rm -f "$tmp/hot.db-journal"
  hot_journal "$tmp/hot.db" 2>/dev/null; chmod 444 "$tmp/hot.db"
  "$sanctag" tag --db "$tmp/hot.db" "$tmp/a.txt" >/dev/null 2>"$tmp/err"; st=$?
  [ $st = 3 ] && grep -q "interrupted.*hot.db-journal.*may write" "$tmp/err" ||
    fail "hot journal, read-only file: status $st: $(cat "$tmp/err")"
  chmod 644 "$tmp/hot.db"
fi
# the real thing, when the list is at hand: kill an import as soon as its
# journal is hot (the window is its commit); tag works afterwards
# (../shared beside the checkout, or beside the directory of worktrees)
un=
for d in "$data/../../../shared" "$data/../../../../shared"; do
  f=$d/data/sanctions/un_sc_consolidated_2026-01-28.xml
  [ -r "$f" ] && { un=$f; break; }
done
if [ -n "$un" ]; then
  cp "$tmp/f.db" "$tmp/k.db"
  $py - "$tmp/k.db" "$sanctag" "$un" <<'PY' || fail "import killed at commit: never saw a hot journal"
import signal, subprocess, sys
db, s, un = sys.argv[1:4]
p = subprocess.Popen([s, "gaz", "import", "--format", "un-xml", db, un],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while p.poll() is None:
    try:
        with open(db + "-journal", "rb") as f:
            if f.read(1) not in (b"", b"\0"):
                p.send_signal(signal.SIGKILL); p.wait(); sys.exit(0)
    except OSError:
        pass
sys.exit(1)
PY
  tags_korut "$tmp/k.db" || fail "import killed at commit: tag failed: $(cat "$tmp/err")"
fi

# ---- a killed or failed create leaves no gazetteer -------------------------
# `gaz import --create` killed while it builds (here: as soon as its file has
# a schema) leaves no DB, so the next --create works and removes the killed
# one's temporary file; a failed one leaves nothing.
kill_create() { # DB LIST: kill `gaz import --create` once DB.new* is written to
  $py - "$1" "$sanctag" "$2" <<'PY'
import glob, os, signal, subprocess, sys
db, s, lst = sys.argv[1:4]
p = subprocess.Popen([s, "gaz", "import", "--create", "--format", "tsv", db, lst],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def written():  # a DB.new* file with bytes in it (files come and go as we look)
    for f in glob.glob(db + ".new*"):
        try:
            if os.path.getsize(f) > 0:
                return True
        except OSError:
            pass
    return False
while p.poll() is None:
    if written():
        p.send_signal(signal.SIGKILL); p.wait(); sys.exit(0)
sys.exit(1)
PY
}
$py -c 'import sys
with open(sys.argv[1], "w") as f:
    f.write("key\tlabel\tname\talias\n")
    for i in range(60000): f.write("org:e%d\tORG\tCompany %d\tAlias %d\n" % (i, i, i))' "$tmp/big.tsv"
kill_create "$tmp/c.db" "$tmp/big.tsv" || fail "killed create: finished before it could be killed"
[ -e "$tmp/c.db" ] && fail "killed create: left $(ls -la "$tmp/c.db")"
"$sanctag" gaz import --create --format tsv "$tmp/c.db" "$data/fixture.tsv" >/dev/null 2>"$tmp/err" ||
  fail "create after a killed one: $(cat "$tmp/err")"
grep -q "c.db.new.*removed, left by a create that was interrupted" "$tmp/err" ||
  fail "create after a killed one: the killed one's file is not removed: $(cat "$tmp/err")"
tags_korut "$tmp/c.db" || fail "create after a killed one: tag: $(cat "$tmp/err")"
printf 'key\tlabel\n' >"$tmp/bad.tsv"
"$sanctag" gaz import --create --format tsv "$tmp/d.db" "$tmp/bad.tsv" >/dev/null 2>"$tmp/err" &&
  fail "create from a bad list succeeded"
[ -e "$tmp/d.db" ] && fail "failed create left $tmp/d.db"
ls "$tmp"/*.new* >/dev/null 2>&1 && fail "failed create left $(ls "$tmp"/*.new*)"

# ---- crafted schemas: tables must be tables with their columns --------------
craft() { # NAME SQL: a copy of the fixture changed by SQL; tag must refuse it quickly
  cp "$tmp/f.db" "$tmp/$1.db"
  $py -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' \
    "$tmp/$1.db" "$2" || { fail "$1: cannot craft"; return; }
  local t0=$SECONDS
  (ulimit -t 20; "$sanctag" tag --db "$tmp/$1.db" "$tmp/a.txt" >/dev/null 2>"$tmp/err"); st=$?
  [ $st = 3 ] && grep -q "not a sanctag gazetteer" "$tmp/err" ||
    fail "$1: status $st after $((SECONDS - t0)) s: $(head -c 300 "$tmp/err")"
}
endless="WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)"
craft endless-view "PRAGMA foreign_keys = OFF; DROP TABLE alias; DROP TABLE entity;
  CREATE VIEW entity(id, key, label, name, country, valid_from, valid_to, listed, programs,
    list_source, list_ref, listed_on, attrs, source_id, origin) AS $endless
    SELECT n, 'k' || n, 'ORG', 'x', NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 1, NULL FROM r;
  CREATE TABLE alias (id INTEGER PRIMARY KEY, entity_id, text, norm, lang, kind, case_policy,
    accents, source_id, origin);
  UPDATE meta SET value = '1' WHERE key = 'dirty';"
grep -q "'entity' is a view" "$tmp/err" || fail "endless-view: error does not say what is wrong"
craft alias-view "PRAGMA foreign_keys = OFF; DROP TABLE alias;
  CREATE VIEW alias(id, entity_id, text, norm, lang, kind, case_policy, accents, source_id, origin)
    AS $endless SELECT n, 1, 'a', 'a', NULL, 'name', 'auto', 'fold', 1, NULL FROM r;
  UPDATE meta SET value = '1' WHERE key = 'dirty';"
craft missing-column "PRAGMA foreign_keys = OFF; ALTER TABLE alias DROP COLUMN origin;"
grep -q "table 'alias' has no column 'origin'" "$tmp/err" || fail "missing-column: error does not name it"
craft no-matcher-table "DROP TABLE matcher;"
# a table added later may be missing, but not be a view when present
craft lexicon-view "DROP TABLE IF EXISTS lexicon;
  CREATE VIEW lexicon(word, class, docs, evidence, source_id) AS $endless
    SELECT 'w' || n, 'common', 1, NULL, 1 FROM r;"
grep -q "'lexicon' is a view" "$tmp/err" || fail "lexicon-view: error does not say what is wrong"
# meta is read first of all (the schema version), cue with the matcher: both
# were read before their kind was checked, and an endless view there hung tag
craft meta-view "PRAGMA foreign_keys = OFF; CREATE TABLE meta_x AS SELECT * FROM meta; DROP TABLE meta;
  CREATE VIEW meta AS $endless SELECT meta_x.* FROM r, meta_x;"
grep -q "'meta' is a view" "$tmp/err" || fail "meta-view: error does not say what is wrong"
craft cue-view "DROP TABLE IF EXISTS cue;
  CREATE VIEW cue(word, norm, role, source_id) AS $endless SELECT 'w' || n, 'w' || n, 'org-head', 1 FROM r;"
grep -q "'cue' is a view" "$tmp/err" || fail "cue-view: error does not say what is wrong"
# ---- a foreign matcher image --------------------------------------------------
# The matcher BLOB of another gazetteer, its version string patched to the
# target's, was used silently (tag emitted entities in no table; stats said
# "current"). The stored image must be the one the rows compile to: else it is
# compiled afresh (and stored when the file may be written), with a notice.
# Also after the file was once found good (the cache must see the change).
printf 'key\tlabel\tname\talias\tsource\norg:zzforeign\tORG\tZzyzx Foreign Corp\tZzyzx Foreign Corp\tx\n' >"$tmp/o.tsv"
"$sanctag" gaz build "$tmp/o.db" "$tmp/o.tsv" 2>/dev/null || fail "foreign matcher: cannot build"
cp "$tmp/f.db" "$tmp/t.db"
sleep 2.1 # older than the cache's racy window
tags_korut "$tmp/t.db" || fail "foreign matcher: clean copy: $(cat "$tmp/err")"
[ -s "$tmp/cache/sanctag/verified" ] || fail "foreign matcher: the clean copy was not remembered"
graft() { # DB: put o.db's matcher into DB, its version strings patched to DB's
  $py - "$1" "$tmp/o.db" <<'PY'
import sqlite3, sys
t, o = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
tv = t.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0]
ov = o.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0]
img = bytearray(o.execute("SELECT image FROM matcher").fetchone()[0])
i = img.find(ov.encode())
img[i:i + len(tv)] = tv.encode()
t.execute("UPDATE matcher SET image = ?, version = ?", (bytes(img), tv))
t.commit()
PY
}
graft "$tmp/t.db"
echo 'Zzyzx Foreign Corp dan Korut.' >"$tmp/z.txt"
"$sanctag" tag --db "$tmp/t.db" "$tmp/z.txt" >"$tmp/out" 2>"$tmp/err"
grep -q zzforeign "$tmp/out" && fail "foreign matcher: tag used it: $(cat "$tmp/out")"
grep -q '"country:KP"' "$tmp/out" || fail "foreign matcher: tag lost the real entities: $(cat "$tmp/out" "$tmp/err")"
grep -q "stored matcher.*is not what the entities and aliases beside it.*compile to" "$tmp/err" ||
  fail "foreign matcher: no notice: $(cat "$tmp/err")"
"$sanctag" gaz stats --db "$tmp/t.db" --json >"$tmp/out" 2>"$tmp/err"
grep -q '"current": *true' "$tmp/out" && ! [ -s "$tmp/err" ] ||
  fail "foreign matcher: not stored afresh: $(cat "$tmp/out" "$tmp/err")"
if [ "$(id -u)" != 0 ]; then # a file it may not write: stats tells the truth
  graft "$tmp/t.db"; chmod 444 "$tmp/t.db"
  "$sanctag" gaz stats --db "$tmp/t.db" >"$tmp/out" 2>"$tmp/err"
  grep -q "NOT COMPILED FROM THIS CONTENT" "$tmp/out" ||
    fail "foreign matcher, read-only: stats says: $(grep matcher "$tmp/out")"
  chmod 644 "$tmp/t.db"
fi

# ---- hostile lists -------------------------------------------------------------
# UN XML with one 100 KB internal entity referenced 20,000 times in a name
# (2 GB once expanded; it took 115 s and 11.7 GB): refused at its declaration.
$py - "$tmp/amp.xml" <<'PY'
import sys
refs = "&e;" * 20000
open(sys.argv[1], "w").write(f"""<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [
<!ENTITY e "{'A' * 100000}">
]>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>
<DATAID>1</DATAID><FIRST_NAME>{refs}</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
<REFERENCE_NUMBER>KPi.1</REFERENCE_NUMBER><LISTED_ON>2020-01-01</LISTED_ON>
</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>
""")
PY
# Resource bounds (ulimit) hold in the plain build; under ASan/UBSan
# (SANCTAG_SANITIZED=1) the shadow memory and the slowdown are the sanitizer's,
# so only the behaviour is checked there.
limits() { [ -n "${SANCTAG_SANITIZED:-}" ] || ulimit "$@"; }
cp "$tmp/f.db" "$tmp/x.db"
(limits -v 2000000 -t 20; "$sanctag" gaz import --format un-xml "$tmp/x.db" "$tmp/amp.xml") >/dev/null 2>"$tmp/err"; st=$?
[ $st = 3 ] && grep -q "amp.xml:3: declares the entity 'e'.*refused" "$tmp/err" ||
  fail "UN XML entity amplification: status $st: $(head -c 300 "$tmp/err")"
# names in CDATA and split by comments still read whole; no DOCTYPE needed
$py - "$tmp/cdata.xml" <<'PY'
import sys
open(sys.argv[1], "w").write("""<?xml version="1.0"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>
<DATAID>1</DATAID><FIRST_NAME>Kim <![CDATA[Jong]]><!-- x --> Zzyzx</FIRST_NAME>
<UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.1</REFERENCE_NUMBER>
<LISTED_ON>2020-01-01</LISTED_ON></INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>
""")
PY
"$sanctag" gaz import --format un-xml "$tmp/x.db" "$tmp/cdata.xml" >/dev/null 2>"$tmp/err" ||
  fail "UN XML with CDATA: $(cat "$tmp/err")"
"$sanctag" gaz lookup --db "$tmp/x.db" "Kim Jong Zzyzx" 2>&1 | grep -q "KPi.1\|Kim Jong Zzyzx\"" ||
  fail "UN XML with CDATA: name not read whole: $("$sanctag" gaz lookup --db "$tmp/x.db" "Kim Jong Zzyzx" 2>&1)"

# One OFAC row with 160,000 weak a.k.a.s (5 MB; de-duplicating them was
# quadratic: 69 s for 4.7 MB): seconds of CPU, and every one is kept.
$py - "$tmp/aka.csv" <<'PY'
import sys
def word(i):
    w = ""
    for _ in range(6):
        w += "BCDFGHJKLMNPQRSTVWXZ"[i % 20]; i //= 20
    return w
akas = "; ".join("a.k.a. 'ALPHA %s TRADING'" % word(i) for i in range(160000))
open(sys.argv[1], "w").write('306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,'
                             '-0- ,-0- ,-0- ,"%s; a.k.a. \'ALPHA BBBBBB TRADING\'."\n' % akas)
PY
cp "$tmp/f.db" "$tmp/x.db"
(limits -t 30; "$sanctag" gaz import --quiet --format ofac-csv "$tmp/x.db" "$tmp/aka.csv") 2>"$tmp/err"; st=$?
[ $st = 0 ] && grep -q "160001 aliases (160000 weak)" "$tmp/err" ||
  fail "160,000 a.k.a.s in one row: status $st: $(head -c 300 "$tmp/err")"

tags_korut "$tmp/f.db" || fail "the fixture itself no longer tags: $(cat "$tmp/err")"

t_done

#!/usr/bin/env python3
"""real-lists.py - `sanctag gaz import` on the real lists kept beside the checkout.

  real-lists.py un-dprk SANCTAG UN.xml
      Imports the UN Security Council consolidated list and checks that every
      INDIVIDUAL and ENTITY of the DPRK (1718) regime (references KPi.* / KPe.*)
      is in the gazetteer with its listing, and is found when its name is written
      in normal case in a sentence (also hyphenated and in capitals for persons).
  real-lists.py ofac SANCTAG SDN.csv ALT.csv
      Imports the OFAC SDN CSV with its alias file and checks the counts against
      the CSV rows (per type, aircraft skipped, alias rows without an entry),
      every entry's programmes and reference, and that every DPRK individual is
      found in text.

Both also check that the import takes seconds, not minutes (not under
`meson test --setup=valgrind`, which runs sanctag through SANCTAG_WRAPPER and
checks memory, not speed; there the OFAC import takes about a minute).
Exit status: 0 pass, 1 fail, 77 skip (a list file is absent), 99 harness error.
"""
import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

VALGRIND = bool(os.environ.get("SANCTAG_WRAPPER"))  # meson test --setup=valgrind

failures = 0


def fail(msg):
    global failures
    failures += 1
    if failures <= 40:
        print("FAIL: " + msg, file=sys.stderr)


def run_import(sanctag, db, fmt, files):
    t0 = time.monotonic()
    p = subprocess.run([sanctag, "gaz", "import", "--create", "--json", "--format", fmt, db]
                       + files, capture_output=True, text=True)
    dt = time.monotonic() - t0
    if p.returncode != 0:
        print("import failed (%d): %s" % (p.returncode, p.stderr), file=sys.stderr)
        sys.exit(1)
    # the time is printed for the log, never checked: timings are scripts/bench's job
    print("import %s: %.2f s; %s" % (fmt, dt, p.stderr.strip()))
    return json.loads(p.stdout)


def tag(sanctag, db, docs):
    """Tags JSONL docs; returns {id: spans}."""
    inp = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    p = subprocess.run([sanctag, "tag", "--db", db, "--jsonl", "-"], input=inp,
                       capture_output=True, text=True)
    if p.returncode != 0:
        print("tag failed (%d): %s" % (p.returncode, p.stderr), file=sys.stderr)
        sys.exit(1)
    return {o["id"]: o["spans"] for o in map(json.loads, p.stdout.splitlines())}


def normal_case(name):
    """How news writes a list name: capitalised words, not all capitals."""
    return " ".join(w.title() if w.upper() == w else w for w in name.split())


PREFIX = "Officials said on Monday that "


def expect_found(spans_by_id, doc_id, key, text):
    spans = spans_by_id.get(doc_id, [])
    # two entries may share a name (OFAC lists two DPRK officials "KIM, Yong
    # Chol"): then the span names one of them and says it is ambiguous
    # "DAEDONG CREDIT BANK (DCB)": the name before the parenthesis is the match
    # (the acronym is an alias of its own)
    whole = (text, re.sub(r"\s*\(.*$", "", text))
    hit = [s for s in spans if s["start"] == len(PREFIX) and s["text"] in whole and
           (s["entity"] == key or s.get("ambiguous"))]
    if not hit:
        fail("%s: '%s' not found as %s (spans: %s)" % (
            doc_id, text, key, [(s["text"], s["entity"]) for s in spans]))
        return
    s = hit[0]
    sa = s.get("sanctions")
    if not sa or not sa.get("listed"):
        fail("%s: span of %s has no sanctions object" % (doc_id, key))


def un_dprk(sanctag, path):
    root = ET.parse(path).getroot()
    records = [(sec.tag, r) for sec in root for r in sec]
    dprk = [(kind, r) for kind, r in records if (r.findtext("UN_LIST_TYPE") or "").strip() == "DPRK"]
    n_ind = sum(1 for kind, _ in dprk if kind == "INDIVIDUALS")
    n_ent = sum(1 for kind, _ in dprk if kind == "ENTITIES")
    if (n_ind, n_ent) != (80, 75):
        fail("the list has %d DPRK individuals and %d entities, expected 80 and 75" % (n_ind, n_ent))
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "un.db")
        report = run_import(sanctag, db, "un-xml", [path])
        if report["entities"] != len(records):
            fail("imported %d entities, the list has %d records" % (report["entities"], len(records)))
        if len(report["added"]) != len(records):
            fail("%d added, expected %d" % (len(report["added"]), len(records)))
        con = sqlite3.connect(db)
        docs, expect = [], []
        for kind, r in dprk:
            ref = r.findtext("REFERENCE_NUMBER").strip()
            key = "un:" + ref
            row = con.execute("SELECT label, listed, programs, list_source, list_ref, listed_on "
                              "FROM entity WHERE key = ?", (key,)).fetchone()
            if not row:
                fail("%s not in the gazetteer" % key)
                continue
            label, listed, programs, source, list_ref, listed_on = row
            want_label = ("PERSON",) if kind == "INDIVIDUALS" else ("ORG", "VESSEL")
            if label not in want_label:
                fail("%s: label %s" % (key, label))
            if (listed, programs, source, list_ref) != (1, '["DPRK"]', "un-sc", ref):
                fail("%s: listing %r" % (key, row))
            if listed_on != (r.findtext("LISTED_ON") or "").strip()[:10]:
                fail("%s: listed_on %s" % (key, listed_on))
            if kind == "INDIVIDUALS":
                parts = [(r.findtext(f) or "").strip() for f in
                         ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
                parts = [p for p in parts if p]
            else:
                parts = [r.findtext("FIRST_NAME").strip()]
            name = normal_case(" ".join(parts))
            forms = [name]
            if kind == "INDIVIDUALS":
                forms.append(" ".join(parts).upper())
                # news hyphenates Korean given names: "Ri Won-ho"
                given = " ".join(parts[1:]).replace("-", " ").split()
                if len(parts) >= 2 and len(given) == 2:
                    forms.append(normal_case(parts[0]) + " " + given[0].title() + "-" + given[1].lower())
            for i, f in enumerate(forms):
                doc_id = "%s#%d" % (ref, i)
                docs.append({"id": doc_id, "text": PREFIX + f + " was involved."})
                expect.append((doc_id, key, f))
        # a few names in one sentence
        spans = tag(sanctag, db, docs + [{
            "id": "together",
            "text": "Ri Won Ho, Jo Yong-chol and the Korea Mining Development Trading "
                    "Corporation met the Tanchon Commercial Bank."}])
        for doc_id, key, f in expect:
            expect_found(spans, doc_id, key, f)
        got = [s["entity"] for s in spans["together"]]
        want = ["un:KPi.033", "un:KPi.034", "un:KPe.001", "un:KPe.003"]
        if got != want:
            fail("together: %s, expected %s" % (got, want))
        print("checked %d DPRK records in %d sentences" % (len(dprk), len(docs) + 1))


def ofac(sanctag, sdn_path, alt_path):
    def rows(path):
        with open(path, encoding="latin-1", newline="") as f:
            return [r for r in csv.reader(f) if r and r != ["\x1a"]]

    def clean(v):
        v = v.strip()
        return "" if v == "-0-" else v

    sdn = [[clean(v) for v in r] for r in rows(sdn_path)]
    alt = [[clean(v) for v in r] for r in rows(alt_path)]
    by_type = {}
    for r in sdn:
        by_type[r[2]] = by_type.get(r[2], 0) + 1
    imported = {r[0] for r in sdn if r[2] != "aircraft"}
    orphans = sum(1 for r in alt if r[0] not in imported)
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "ofac.db")
        report = run_import(sanctag, db, "ofac-csv", [sdn_path, alt_path])
        if report["entities"] != len(imported):
            fail("imported %d entities, sdn.csv has %d that are not aircraft" % (
                report["entities"], len(imported)))
        skipped = report["skipped"]
        if skipped.get("OFAC aircraft", 0) != by_type.get("aircraft", 0):
            fail("skipped %s aircraft, sdn.csv has %d" % (skipped.get("OFAC aircraft"),
                                                          by_type.get("aircraft", 0)))
        if skipped.get("OFAC alt.csv rows naming no imported sdn.csv entry", 0) != orphans:
            fail("skipped %s alt rows, expected %d" % (skipped, orphans))
        con = sqlite3.connect(db)
        for t, label in (("individual", "PERSON"), ("", "ORG"), ("vessel", "VESSEL")):
            n = con.execute("SELECT count(*) FROM entity WHERE label = ?", (label,)).fetchone()[0]
            if n != by_type.get(t, 0):
                fail("%d %s entities, sdn.csv has %d rows of type '%s'" % (n, label,
                                                                        by_type.get(t, 0), t))
        stored = {k: (p, ref, listed, src) for k, p, ref, listed, src in con.execute(
            "SELECT key, programs, list_ref, listed, list_source FROM entity")}
        for r in sdn:
            if r[2] == "aircraft":
                continue
            key = "ofac:" + r[0]
            progs = [p.strip() for p in re.split(r"\]\s*\[", r[3]) if p.strip()]
            want = (json.dumps(progs, separators=(",", ":")), r[0], 1, "ofac-sdn")
            if stored.get(key) != want:
                fail("%s: stored %r, expected %r" % (key, stored.get(key), want))
        # entities with an alias from alt.csv: one per joined ent_num at most
        joined = {r[0] for r in alt if r[0] in imported}
        with_alt = con.execute("SELECT count(DISTINCT entity_id) FROM alias "
                               "WHERE origin LIKE 'OFAC alt.csv%'").fetchone()[0]
        if not (0.95 * len(joined) <= with_alt <= len(joined)):
            fail("%d entities have alt.csv aliases, %d ent_nums have alt rows" % (with_alt,
                                                                                 len(joined)))
        # every DPRK individual, given names first as news writes them
        docs, expect = [], []
        for r in sdn:
            if r[2] != "individual" or "DPRK" not in r[3]:
                continue
            sur, _, given = r[1].partition(", ")
            name = normal_case((given + " " + sur) if given else sur)
            docs.append({"id": r[0], "text": PREFIX + name + " was involved."})
            expect.append((r[0], "ofac:" + r[0], name))
        docs.append({"id": "kim", "text": "Kim Jong Un, KIM JONG UN and Kim Jong-un met the "
                                          "crew of the Chong Chon Gang."})
        spans = tag(sanctag, db, docs)
        for doc_id, key, f in expect:
            expect_found(spans, doc_id, key, f)
        got = [(s["text"], s["entity"]) for s in spans["kim"]]
        want = [("Kim Jong Un", "ofac:20157"), ("KIM JONG UN", "ofac:20157"),
                ("Kim Jong-un", "ofac:20157"), ("Chong Chon Gang", "ofac:17069")]
        if got != want:
            fail("kim: %s, expected %s" % (got, want))
        print("checked %d entries, %d DPRK individuals in text" % (len(sdn), len(expect)))


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 99
    mode, sanctag, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    if VALGRIND:  # run the binary through the valgrind wrapper
        os.environ["SANCTAG_REAL"] = os.path.abspath(sanctag)
        sanctag = os.environ["SANCTAG_WRAPPER"]
    missing = [f for f in files if not os.path.exists(f)]
    if missing:
        print("SKIP: %s not found" % ", ".join(missing))
        return 77
    if mode == "un-dprk" and len(files) == 1:
        un_dprk(sanctag, files[0])
    elif mode == "ofac" and len(files) == 2:
        ofac(sanctag, files[0], files[1])
    else:
        print(__doc__, file=sys.stderr)
        return 99
    if failures:
        print("%d failure(s)" % failures, file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

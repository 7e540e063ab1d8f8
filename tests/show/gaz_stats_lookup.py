#!/usr/bin/env python3
"""gaz_stats_lookup.py - `sanctag gaz stats` agrees with the database it
summarises (counted here independently with SQL), sees a stale matcher,
sanctions listings and aliases that can never match (and those really never
match); `sanctag gaz lookup` answers for surface forms, entity keys and
phrases, with aliases, sources and listing.

Usage: gaz_stats_lookup.py SANCTAG TESTS_DATA_DIR
"""

import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from showlib import build_db, check, finish, run, setup, tag_json  # noqa: E402

sanctag, data, scratch = setup(sys.argv)
db = build_db(sanctag, data, scratch)


def stats(path, *extra):
    rc, out, err = run(sanctag, ["gaz", "stats", "--db", path, "--json"] + list(extra))
    check(rc == 0, f"gaz stats --json: exit {rc}: {err}")
    return json.loads(out)


def sql(path, q, *args):
    con = sqlite3.connect(path)
    try:
        return con.execute(q, args).fetchall()
    finally:
        con.close()


# ---- stats agree with the database ------------------------------------------------
s = stats(db)
check(s["version"] == sql(db, "SELECT value FROM meta WHERE key = 'version'")[0][0], "version")
check(s["schema_version"] == 1, f"schema_version {s['schema_version']}")
check(s["entities"]["total"] == sql(db, "SELECT count(*) FROM entity")[0][0], "entity total")
by_label = dict(sql(db, "SELECT label, count(*) FROM entity GROUP BY label"))
check(s["entities"]["by_label"] == by_label, f"by_label {s['entities']['by_label']} != {by_label}")
check(list(s["entities"]["by_label"].values()) == sorted(by_label.values(), reverse=True),
      "by_label not ordered by count")
check(s["entities"]["by_label_and_source"]["COUNTRY"] == {"fixture": by_label["COUNTRY"]},
      f"by_label_and_source {s['entities']['by_label_and_source']}")
al = s["aliases"]
check(al["total"] == sql(db, "SELECT count(*) FROM alias")[0][0], "alias total")
check(al["by_kind"] == dict(sql(db, "SELECT kind, count(*) FROM alias GROUP BY kind")),
      f"by_kind {al['by_kind']}")
langs = {(k or "-"): n for k, n in sql(db, "SELECT lang, count(*) FROM alias GROUP BY lang")}
check(al["by_lang"] == langs, f"by_lang {al['by_lang']} != {langs}")
check(sum(al["by_case"].values()) == al["total"] and al["by_case"].get("cap") == 1
      and al["by_case"].get("auto (exact)", 0) >= 3, f"by_case {al['by_case']}")
check(al["weak_matched_only_with_weak"] == 1 and al["suppressors_never_emitted"] == 1,
      "weak / suppressor counts")
check(al["shared_by_several_entities"] == 1
      and al["shared_examples"][0]["keys"] == "country:GE,location:georgia-us",
      f"shared aliases {al['shared_examples']}")
check(al["never_match"] == [], f"never_match {al['never_match']}")
src = s["sources"]
row = sql(db, "SELECT name, format, version, imported_at FROM source")[0]
check(len(src) == 1 and (src[0]["name"], src[0]["format"], src[0]["version"],
                         src[0]["imported_at"]) == row
      and src[0]["entities"] == s["entities"]["total"] and src[0]["aliases"] == al["total"],
      f"sources {src} vs {row}")
m = s["matcher"]
check(m["stored"] and m["current"] and m["image_bytes"] == sql(
    db, "SELECT length(image) FROM matcher")[0][0] and m["entities"] == s["entities"]["total"],
      f"matcher {m}")
check(s["listed"]["total"] == 0, "listed total of the fixture")

rc, out, err = run(sanctag, ["gaz", "stats", "--db", db])
text = out.decode()
for want in (f"version         {s['version']}", "schema version  1", "current",
             "entities (14) by label and source", "COUNTRY         6  fixture 6",
             f"aliases ({al['total']})", "can never match: 0", "sanctions-listed entities (0)"):
    check(want in text, f"gaz stats text lacks {want!r}:\n{text}")

# ---- listed entities, a stale matcher -----------------------------------------------
ldb = build_db(sanctag, data, scratch, name="listed.db", listed=True)
ls = stats(ldb)
check(ls["listed"]["total"] == 2
      and ls["listed"]["by_list_source"] == {"un-sc": 1, "test-list": 1}, f"listed {ls['listed']}")
check(ls["listed"]["by_list_source_and_programme"] == {"un-sc": {"DPRK": 1},
                                                        "test-list": {"ALPHA": 1, "BETA": 1}},
      f"programmes {ls['listed']['by_list_source_and_programme']}")
check(ls["matcher"]["stored"] and not ls["matcher"]["current"], "edited gazetteer: matcher not stale")
rc, out, _ = run(sanctag, ["gaz", "stats", "--db", ldb])
check("STALE" in out.decode() and "un-sc" in out.decode() and "DPRK 1" in out.decode(),
      "stats text: stale matcher / listing")

# ---- aliases that can never match ------------------------------------------------------
tsv = os.path.join(scratch, "never.tsv")
with open(tsv, "w", encoding="utf-8") as f:
    f.write("key\tlabel\tname\tcountry\talias\tlang\tkind\tcase\tsource\n"
            "person:mahfud\tPERSON\tMahfud MD\tID\tHore! Mahfud\t\tname\t\tt\n"
            "person:mahfud\tPERSON\tMahfud MD\tID\tMahfud MD\t\tname\t\tt\n"
            "org:x\tORG\tX Corp\t\tWow? X\t\tname\t\tt\n")
ndb = build_db(sanctag, data, scratch, name="never.db", tsv=tsv)
nv = stats(ndb)["aliases"]["never_match"]
check([(x["alias"], x["entity"], x["reason"]) for x in nv] == [
    ("Hore! Mahfud", "person:mahfud", "a sentence break inside"),
    ("Wow? X", "org:x", "a sentence break inside")], f"never_match {nv}")
doc = os.path.join(scratch, "never.txt")
with open(doc, "w", encoding="utf-8") as f:
    f.write("Kata Hore! Mahfud kemarin, kata Wow? X juga. Mahfud MD.\n")
got = [(x["text"], x["entity"]) for x in tag_json(sanctag, ndb, [doc])[0]["spans"]]
check(got == [("Mahfud MD", "person:mahfud")],
      f"an alias reported as never matching matched after all (or nothing did): {got}")

# ---- lookup: surface forms, keys, phrases -----------------------------------------------
def lookup(*names, dbp=ldb):
    rc, out, err = run(sanctag, ["gaz", "lookup", "--db", dbp, "--json"] + list(names))
    return rc, [json.loads(x) for x in out.decode().splitlines()], err


rc, res, err = lookup("KOREA-UTARA", "korut", "as", "Amerika")
check(rc == 0 and [r["normalized"] for r in res] == ["korea utara", "korut", "as", "amerika"],
      f"lookup normalised forms: {rc} {[r.get('normalized') for r in res]} {err}")
check([[e["key"] for e in r["entities"]] for r in res] == [["country:KP"]] * 2 + [["country:US"]] * 2,
      f"lookup entities {[[e['key'] for e in r['entities']] for r in res]}")
check(res[2]["entities"][0]["matches_as_typed"] is False, "'as' (exact-case AS) matches as typed?")
check(res[3]["entities"][0]["matches_as_typed"] is None, "weak alias 'Amerika' matched by tagger?")
kp = res[1]["entities"][0]
check({a["alias"] for a in kp["aliases"]} == {"Korea Utara", "Korut", "North Korea", "DPRK"}
      and all(a["source"] == "fixture" for a in kp["aliases"]) and kp["source"] == "fixture",
      f"aliases and sources of country:KP: {kp}")
rc, res, _ = lookup("Kim Jong-un")
sa = res[0]["entities"][0].get("sanctions", {})
check(rc == 0 and sa.get("listed") is True and sa.get("source") == "un-sc"
      and sa.get("ref") == "KPi.033" and sa.get("programs") == ["DPRK"], f"listing: {sa}")
rc, res, _ = lookup("Korut,", "country:KP", "sanksi DK PBB terhadap Korea Utara")
check(rc == 0, f"lookup of a surface form / key / phrase: exit {rc}")
check([(e["key"], e.get("found_by")) for e in res[0]["entities"]]
      == [("country:KP", {"mention": "Korut"})], f"'Korut,': {res[0]['entities']}")
check([(e["key"], e.get("found_by")) for e in res[1]["entities"]] == [("country:KP", "key")],
      f"'country:KP': {res[1]['entities']}")
check([(e["key"], e["found_by"]["mention"]) for e in res[2]["entities"]]
      == [("org:un-security-council", "DK PBB"), ("country:KP", "Korea Utara")],
      f"phrase: {res[2]['entities']}")
rc, res, _ = lookup("Atlantis", "dolar")
check(rc == 1 and res[0]["entities"] == [] and res[1]["entities"] == [],
      f"a name that resolves to nothing: exit {rc}, {res}")
rc, out, _ = run(sanctag, ["gaz", "lookup", "--db", ldb, "Korut,", "Kim Jong Un"])
t = out.decode()
check('the tagger finds the mention "Korut" in it' in t and "LISTED: un-sc KPi.033" in t,
      f"lookup text output:\n{t}")

finish("gaz-stats-lookup")

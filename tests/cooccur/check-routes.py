#!/usr/bin/env python3
"""One count whichever route (issue 18.4): `sanctag tag | sanctag cooccur` and
`sanctag cooccur --tag` give identical tables for every --by and --window both
support (document, sentence), with and without periods, on a committed
fixture whose organisations name other countries than their own ("KBRI
Singapura": the embassy of Indonesia), and on the dev gold texts when they
are beside the checkout. Output of one gazetteer raises no "another name,
label or country" warning; mixed versions name the entity and both values.

Usage: check-routes.py SANCTAG ROUTES_TSV ROUTES_JSONL GOLD_JSONL
The gold part is skipped when GOLD_JSONL does not exist (exit 77 only if
nothing else ran, which cannot happen: the fixture part always runs).
"""
import json
import os
import sys
import tempfile

from cooctest import Runner

sanctag, routes_tsv, routes_feed, gold = sys.argv[1:5]
CONFLICT = "times an entity had another name"
T = Runner(sanctag)
failed, run = T.failed, T.run


def compare(name, feed, db):
    dbopt = ["--db", db] if db else []
    tagged = run(["tag", "--jsonl", "--sentences", "--keep", "date"] + dbopt + [feed]).stdout
    for by in ("entity", "country"):
        for window in ("document", "sentence"):
            for period in ("none", "month"):
                for table in ("pairs", "entities"):
                    opts = ["--by", by, "--window", window, "--period", period, "--table", table]
                    a = run(["cooccur"] + opts + ["-j", "2"], stdin=tagged)
                    b = run(["cooccur", "--tag"] + dbopt + opts + ["-j", "2", feed])
                    what = f"{name} {' '.join(opts)}"
                    if a.stdout != b.stdout:
                        failed.append(f"{what}: tag | cooccur and cooccur --tag differ")
                        la, lb = a.stdout.decode().splitlines(), b.stdout.decode().splitlines()
                        for x in sorted(set(la) ^ set(lb))[:6]:
                            print(("  tagged: " if x in la else "  --tag:  ") + x, file=sys.stderr)
                    if a.stdout.count(b"\n") < 2:
                        failed.append(f"{what}: empty table")
                    for p, route in ((a, "tag | cooccur"), (b, "cooccur --tag")):
                        if CONFLICT in p.stderr.decode():
                            failed.append(f"{what}: {route} warns of conflicts for output of "
                                          f"one gazetteer: {p.stderr.decode()}")
    return tagged


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "routes.db")
    run(["gaz", "build", db, routes_tsv], ok=(0,))
    tagged = compare("fixture", routes_feed, db)

    # the fixture is what the test is about: an ORG that names another country
    spans = [s for l in tagged.decode().splitlines() for s in json.loads(l).get("spans", [])]
    kbri = [s for s in spans if s["text"] == "KBRI Singapura"]
    if not kbri or any(s.get("country") != "SG" or s.get("entity_country") != "ID" or
                       s.get("named_country") != "SG" for s in kbri):
        failed.append(f"KBRI Singapura: want country SG (as before), entity_country ID, "
                      f"named_country SG: {kbri}")
    dpr = [s for s in spans if s["text"] == "DPR"]
    if not dpr or any("country" in s or "named_country" in s or s.get("entity_country") != "ID"
                      for s in dpr):
        failed.append(f"DPR: want no country, no named_country, entity_country ID: {dpr}")
    person = [s for s in spans if s["label"] == "PERSON"]
    if not person or any(s.get("country") != s.get("entity_country") for s in person):
        failed.append(f"PERSON spans: country must equal entity_country: {person}")

    # by country the embassy counts as Indonesia, never as Singapore
    out = run(["cooccur", "--by", "country", "--label", "ORG,PERSON"], stdin=tagged).stdout
    if b",SG," in out:
        failed.append(f"--by country --label ORG,PERSON counted the embassy as SG:\n{out}")

    # output of another gazetteer version: the warning names entity and values
    recs = [json.loads(l) for l in tagged.decode().splitlines()]
    for s in recs[0]["spans"]:
        if s["entity"] == "org:dpr":
            s["name"] = "Dewan Perwakilan Rakyat"
    mixed = "\n".join(json.dumps(r) for r in recs) + "\n"
    err = run(["cooccur"], stdin=mixed.encode()).stderr.decode()
    if CONFLICT not in err or "org:dpr" not in err or "Dewan Perwakilan Rakyat" not in err \
            or "House of Representatives of Indonesia" not in err:
        failed.append(f"mixed versions: the warning must name org:dpr and both names: {err}")

    # output written before entity_country: ORG countries are not guessed, and said so
    old = []
    for r in recs:
        for s in r.get("spans", []):
            s.pop("entity_country", None)
            s.pop("named_country", None)
        old.append(json.dumps(r))
    err = run(["cooccur", "--by", "country"], stdin=("\n".join(old) + "\n").encode())
    if b",SG," in run(["cooccur", "--by", "country", "--label", "ORG"],
                      stdin=("\n".join(old) + "\n").encode()).stdout:
        failed.append("older output: an ORG's named country was counted as its own")
    if "older" not in err.stderr.decode():
        failed.append(f"older output: no notice: {err.stderr.decode()}")

if os.path.exists(gold):
    compare("gold", gold, None)
else:
    print(f"note: {gold} not found: gold part skipped", file=sys.stderr)

T.finish()

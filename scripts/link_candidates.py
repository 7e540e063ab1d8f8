#!/usr/bin/env python3
"""Propose links between curated gazetteer entities and list records (issue 16 item 3a).

Input: a gazetteer DB made as in docs/alias-policy.md: build/gazetteers/default.db with
  ../shared/data/sanctions/un_sc_consolidated_2026-01-28.xml (gaz import --format un-xml) and
  ../shared/data/sanctions/ofac_sdn_2024-05-03.csv + ofac_alt.csv (gaz import --format ofac-csv) imported.
A candidate: a curated entity (any source other than un-sc / ofac-sdn) and a listed record with the same
label and an alias of the same normalised form (alias.norm; for a curated Indonesian name this goes through
the curated entity's English aliases), whose countries are equal or one is empty; one-word matches only for
aliases of >= 5 letters (shorter acronyms alone are too weak a proof).
Output (stdout, TSV): curated_key, list_source, list_ref, matched alias, list name, curated name.
Each candidate is then checked by hand; true links go into gazetteers/links.tsv.
Usage: scripts/link_candidates.py DB
"""
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
q = """select e.key, e.label, e.name, coalesce(e.country,''), a.norm, a.text, s.name
       from alias a join entity e on e.id = a.entity_id join source s on s.id = e.source_id"""
cur, lst = {}, {}
for key, label, name, country, norm, text, src in db.execute(q):
    if len(norm) < 3:
        continue
    one = ' ' not in norm
    if one and len(norm) < 5:
        continue
    d = lst if src in ('un-sc', 'ofac-sdn') else cur
    d.setdefault((label, norm), []).append((key, name, country, text, src))
out = set()
for (label, norm), cs in cur.items():
    for lk, lname, lc, ltext, src in lst.get((label, norm), []):
        for ck, cname, cc, ctext, _ in cs:
            if cc and lc and cc != lc:
                continue
            ref = lk.split(':', 1)[1]
            out.add((ck, src, ref, ltext, lname, cname))
for r in sorted(out):
    print('\t'.join(r))

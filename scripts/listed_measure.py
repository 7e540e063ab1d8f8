#!/usr/bin/env python3
"""listed_measure.py - the issue-16 figures of README "Sanctions lists on real news".

Usage: scripts/listed_measure.py [--sanctag build/sanctag] [--db build/gazetteers/default.db]
                                 [--lists ../shared/data/sanctions] [--news NEWS.jsonl]
                                 [--gold ../shared/gold/dev.jsonl] [--verdicts TSV ...]
                                 [--check] OUTDIR

Imports the real UN list and OFAC SDN list (sdn + alt) into a copy of the default gazetteer
(OUTDIR/lists.db), tags the news sample with both gazetteers, and prints:
  - CPU time (user+sys) of each import;
  - listed spans and articles (`tag --listed-only`);
  - default-gazetteer COUNTRY/LOCATION spans the import changed: taken by an alias no longer
    than the span, or inside a longer name;
  - `sanctag eval` per label on the dev gold, default and with the lists;
and writes OUTDIR/sample.tsv: 100 listed spans drawn with random.seed(16) (every span when
fewer), with the verdict (T/F) and reason carried over from --verdicts files (same article,
start and end) and left empty for a person to fill in; the precision of the checked ones.
Writes nothing but OUTDIR; the news text never leaves it. --check: exit status 1 when a
COUNTRY/LOCATION span is taken (not merely inside a longer name), 77 when the data is absent.
"""
import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys


def cpu_of(args):
    t0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(args, capture_output=True, text=True)
    t1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit('%s failed: %s' % (' '.join(args), r.stderr))
    return (t1.ru_utime - t0.ru_utime) + (t1.ru_stime - t0.ru_stime)


def tag(sanctag, db, news, out, *extra):
    with open(out, 'w') as f:
        subprocess.run([sanctag, 'tag', '--db', db, '--jsonl', *extra, news], stdout=f,
                       check=True)
    docs = {}
    for line in open(out, encoding='utf-8'):
        d = json.loads(line)
        docs[d['id']] = d['spans']
    return docs


def changed_places(before, after):
    """COUNTRY/LOCATION spans of `before` missing from `after`: (taken, inside longer)."""
    taken, inside = [], []
    for doc, spans in before.items():
        have = {(s['start'], s['end'], s['entity']) for s in after.get(doc, [])}
        for s in spans:
            if s['label'] not in ('COUNTRY', 'LOCATION') or \
                    (s['start'], s['end'], s['entity']) in have:
                continue
            longer = [x for x in after.get(doc, []) if x['start'] <= s['start'] and
                      x['end'] >= s['end'] and x['end'] - x['start'] > s['end'] - s['start']]
            (inside if longer else taken).append((doc, s['text'],
                                                  longer[0]['text'] if longer else ''))
    return taken, inside


def verdicts(paths):
    v = {}
    for p in paths:
        for line in open(p, encoding='utf-8'):
            c = line.rstrip('\n').split('\t')
            if line.startswith('#') or c[0] == 'article_id' or len(c) < 6:
                continue
            # article_id start end span entity [via] verdict reason
            k = 6 if len(c) > 7 else 5
            v[(c[0], c[1], c[2])] = (c[k], c[k + 1] if len(c) > k + 1 else '')
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--sanctag', default='build/sanctag')
    ap.add_argument('--db', default='build/gazetteers/default.db')
    ap.add_argument('--lists', default='../shared/data/sanctions')
    ap.add_argument('--news', default='../shared/data/news/id_news.jsonl')
    ap.add_argument('--gold', default='../shared/gold/dev.jsonl')
    ap.add_argument('--verdicts', nargs='*', default=[])
    ap.add_argument('--check', action='store_true',
                    help='exit 1 when the import takes a COUNTRY/LOCATION span; 77 when the '
                         'lists or the news are absent (for meson test)')
    ap.add_argument('outdir')
    a = ap.parse_args()
    if a.check and not all(os.path.exists(x) for x in (a.lists, a.news)):
        print('skip: %s or %s absent' % (a.lists, a.news))
        return 77
    os.makedirs(a.outdir, exist_ok=True)
    db = os.path.join(a.outdir, 'lists.db')
    shutil.copy(a.db, db)
    un = cpu_of([a.sanctag, 'gaz', 'import', '--quiet', '--format', 'un-xml', db,
                 os.path.join(a.lists, 'un_sc_consolidated_2026-01-28.xml')])
    ofac = cpu_of([a.sanctag, 'gaz', 'import', '--quiet', '--format', 'ofac-csv', db,
                   os.path.join(a.lists, 'ofac_sdn_2024-05-03.csv'),
                   os.path.join(a.lists, 'ofac_alt.csv')])
    print('import CPU (user+sys): UN %.2f s, OFAC %.2f s' % (un, ofac))

    listed = tag(a.sanctag, db, a.news, os.path.join(a.outdir, 'listed.jsonl'), '--listed-only')
    spans = sorted((doc, s['start'], s['end'], s['text'], s['entity'])
                   for doc, ss in listed.items() for s in ss)
    print('listed spans %d in %d articles' % (len(spans), sum(1 for ss in listed.values() if ss)))

    before = tag(a.sanctag, a.db, a.news, os.path.join(a.outdir, 'default.jsonl'))
    after = tag(a.sanctag, db, a.news, os.path.join(a.outdir, 'lists.jsonl'))
    taken, inside = changed_places(before, after)
    print('default COUNTRY/LOCATION spans changed: %d taken, %d inside a longer name' %
          (len(taken), len(inside)))
    for doc, text, longer in taken + inside:
        print('  %s: %s%s' % (doc, text, ' in ' + longer if longer else ''))

    if os.path.exists(a.gold):
        for name, g in (('default', a.db), ('lists', db)):
            e = json.loads(subprocess.run([a.sanctag, 'eval', '--db', g, '--json', a.gold],
                                          capture_output=True, text=True, check=True).stdout)
            print('eval %-8s %s' % (name, '  '.join(
                '%s P %.3f R %.3f' % (k, e['spans'][k]['precision'], e['spans'][k]['recall'])
                for k in ('COUNTRY', 'LOCATION', 'ORG', 'PERSON'))))

    random.seed(16)
    sample = random.sample(spans, 100) if len(spans) > 100 else random.sample(spans, len(spans))
    known = verdicts(a.verdicts)
    t = f = 0
    with open(os.path.join(a.outdir, 'sample.tsv'), 'w', encoding='utf-8') as out:
        out.write('article_id\tstart\tend\tspan\tentity\tverdict\treason\n')
        for doc, s, e, text, ent in sample:
            v, why = known.get((doc, str(s), str(e)), ('', ''))
            t += v == 'T'
            f += v == 'F'
            out.write('\t'.join((doc, str(s), str(e), text, ent, v, why)) + '\n')
    print('sample of %d: %d checked (%d true, %d false)%s; %s' % (
        len(sample), t + f, t, f, ', precision %.2f' % (t / (t + f)) if t + f else '',
        os.path.join(a.outdir, 'sample.tsv')))
    return 1 if a.check and taken else 0


if __name__ == '__main__':
    sys.exit(main())

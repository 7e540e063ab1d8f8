#!/usr/bin/env python3
"""Prototype of the issue-16 import alias policy, measured on the news sample.

Inputs: DB = a copy of build/gazetteers/default.db with the UN XML and the OFAC SDN csv + alt.csv imported
(see docs/alias-policy.md), gazetteers/common-words.tsv, gazetteers/given-names.tsv, gazetteers/links.tsv,
../shared/data/news/id_news.jsonl, build/sanctag.
Usage: scripts/alias_policy_sim.py DB NEWS OUTDIR   (writes OUTDIR/{strict,context}.db, OUTDIR/after.jsonl, prints figures)
"""
import collections, json, os, random, shutil, sqlite3, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DB, NEWS, OUT = sys.argv[1:4]
LISTS = ('un-sc', 'ofac-sdn')
LEGAL_MIN_NAMES = 20      # a word that ends >= 20 listed organisation names is a legal form


def tsv(name):
    rows = {}
    for line in open(os.path.join(ROOT, 'gazetteers', name), encoding='utf-8'):
        if line.startswith('#'):
            continue
        c = line.rstrip('\n').split('\t')
        rows[c[0]] = c[1:]
    return rows


common, given = tsv('common-words.tsv'), tsv('given-names.tsv')
links = [l.rstrip('\n').split('\t') for l in open(os.path.join(ROOT, 'gazetteers', 'links.tsv'), encoding='utf-8')
         if not l.startswith('#') and not l.startswith('curated_key')]
link_of = {('un:' if s == 'un-sc' else 'ofac:') + r: k for k, s, r, _ in links}
sys.argv = ['word_stats']
ns = {'__file__': os.path.join(ROOT, 'scripts', 'word_stats.py')}
exec(open(os.path.join(ROOT, 'scripts', 'word_stats.py')).read().replace("if __name__ == '__main__':\n    main()", ''), ns)
_, df = ns['news_stats']()
allcaps_docs = df['upper']

db = sqlite3.connect(DB)
rows = db.execute("""select a.id, a.text, a.norm, a.kind, a.origin, e.key, e.label, e.name, s.name
                     from alias a join entity e on e.id = a.entity_id join source s on s.id = e.source_id""").fetchall()
curated_norm = collections.defaultdict(set)     # norm -> {(key, label)}
for aid, text, norm, kind, origin, key, label, name, src in rows:
    if src not in LISTS:
        curated_norm[norm].add((key, label))
# legal forms: last words of listed organisation names
last = collections.Counter()
for (name,) in db.execute("""select e.name from entity e join source s on s.id=e.source_id
                             where s.name in ('un-sc','ofac-sdn') and e.label='ORG'"""):
    w = name.replace('(', ' ').replace(')', ' ').replace('.', ' ').replace(',', ' ').split()
    if w:
        last[w[-1].lower()] += 1
legal = {w for w, n in last.items() if n >= LEGAL_MIN_NAMES}

drop, weak, context, why = [], [], [], collections.Counter()
for aid, text, norm, kind, origin, key, label, name, src in rows:
    if src not in LISTS or kind == 'weak':
        continue
    toks = norm.split()
    cur = curated_norm.get(norm, set())
    linked = link_of.get(key)
    if any(l in ('COUNTRY', 'LOCATION') for _, l in cur):
        drop.append(aid); why['R1 collides with a curated COUNTRY/LOCATION alias (drop)'] += 1; continue
    if cur and linked in {k for k, _ in cur}:
        drop.append(aid); why['R6 same as an alias of the linked curated entity (curated key wins)'] += 1; continue
    if cur:
        drop.append(aid); why['R6 collides with an alias of another curated entity (drop)'] += 1; continue
    if len(toks) == 1 and toks[0] in legal:
        drop.append(aid); why['R2 legal-form word alone (drop)'] += 1; continue
    if len(toks) == 1 and label != 'PERSON':
        w = toks[0]
        if w in common or w in given:
            weak.append(aid); why['R4 one-word name is a common word or name token (weak)'] += 1; continue
        if text.isupper() and len(w) <= 5 and allcaps_docs.get(w, 0) >= 1:
            context.append(aid); why['R3 acronym used in the news sample (needs the fuller form)'] += 1; continue
    if label == 'PERSON' and len(toks) >= 2 and all(t in given for t in toks):
        context.append(aid); why['R5 person name of common name tokens only (needs the fuller form)'] += 1; continue

os.makedirs(OUT, exist_ok=True)


def make(path, mode):
    shutil.copy(DB, path)
    d = sqlite3.connect(path)
    d.executemany('delete from alias where id=?', [(i,) for i in drop])
    d.executemany("update alias set kind='weak' where id=?", [(i,) for i in weak])
    if mode == 'strict':
        d.executemany("update alias set kind='weak' where id=?", [(i,) for i in context])
    else:   # only the context aliases are weak: harvested with --weak
        d.execute("delete from alias where kind='weak'")
        d.executemany("update alias set kind='weak' where id=?", [(i,) for i in context])
    for k, s, r, _ in links:   # a linked curated entity is listed (emulates item 3)
        d.execute("update entity set listed=1, list_source=?, list_ref=? where key=? and listed=0", (s, r, k))
    d.commit()
    d.close()


def tag(path, weak_flag):
    cmd = [os.path.join(ROOT, 'build', 'sanctag'), 'tag', '--db', path, '--jsonl', '--listed-only'] + (['--weak'] if weak_flag else []) + [NEWS]
    return [json.loads(l) for l in subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()]


make(os.path.join(OUT, 'strict.db'), 'strict')
make(os.path.join(OUT, 'context.db'), 'context')
strong = tag(os.path.join(OUT, 'strict.db'), False)
ctx = tag(os.path.join(OUT, 'context.db'), True)
canon = lambda k: link_of.get(k, k)
n_ctx_kept = 0
with open(os.path.join(OUT, 'after.jsonl'), 'w') as f:
    for a, b in zip(strong, ctx):
        spans = a['spans']
        ents = {canon(s['entity']) for s in spans}
        for s in b['spans']:
            if s.get('alias', {}).get('kind') == 'weak' and canon(s['entity']) in ents and \
                    not any(t['start'] < s['end'] and s['start'] < t['end'] for t in spans):
                s['context'] = True
                spans.append(s)
                n_ctx_kept += 1
        for s in spans:
            s['entity_linked'] = canon(s['entity'])
        a['spans'] = sorted(spans, key=lambda s: s['start'])
        f.write(json.dumps(a, ensure_ascii=False) + '\n')
print('legal forms (>= %d listed ORG names end with it): %s' % (LEGAL_MIN_NAMES, ' '.join(sorted(legal))))
for k, v in sorted(why.items()):
    print('%6d  %s' % (v, k))
print('context aliases kept because the fuller form is in the document: %d spans' % n_ctx_kept)

#!/usr/bin/env python3
"""Derive gazetteers/common-words.tsv, gazetteers/given-names.tsv and gazetteers/news-names.tsv (issue 16).

Inputs (files a user has):
  ../shared/data/news/id_news.jsonl                    12,037 Indonesian news articles (word statistics only;
                                                       no article text is written)
  /usr/share/dict/american-english                     Debian package wamerican
  /usr/share/hunspell/id_ID.dic                        Debian package hunspell-id
  ../shared/data/ner/idner_news_2k/train.txt           MIT (PER spans)
  ../shared/data/ner/indonlu_nergrit/train_preprocess.txt  Apache-2.0 (PERSON spans)
  gazetteers/{countries,locations,organizations}.tsv   one-word curated aliases, left out of the name expansion
  (indolem_* and en_conll2003 are deliberately NOT read: no licence / not ours to derive from.)

Usage: scripts/word_stats.py [DATA_DIR]   (DATA_DIR defaults to ../shared/data, relative to the repo root)
Writes gazetteers/common-words.tsv, gazetteers/given-names.tsv and gazetteers/news-names.tsv (document
counts of words written in capitals or capitalised in the news; no article text).
"""
import collections
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = sys.argv[1] if len(sys.argv) > 1 else next(
    (d for d in (os.path.join(ROOT, '..', 'shared', 'data'), '/work/shared/data') if os.path.isdir(d)), 'data')
NEWS = os.path.join(DATA, 'news', 'id_news.jsonl')
EN_DICT = '/usr/share/dict/american-english'
ID_DICT = '/usr/share/hunspell/id_ID.dic'
NER = [('idner_news_2k', os.path.join(DATA, 'ner', 'idner_news_2k', 'train.txt'), ' ', 'PER'),
       ('nergrit', os.path.join(DATA, 'ner', 'indonlu_nergrit', 'train_preprocess.txt'), '\t', 'PERSON')]

# Thresholds (justified in docs/alias-policy.md)
COMMON_MIN_DOCS_LOWER = 60      # written in lower case in >= 60 of 12,037 articles (0.5 %)
COMMON_MIN_LOWER_SHARE = 0.5    # ... and in lower case in at least as many articles as capitalised
COMMON_MIN_DOCS_DICT = 25       # or: a dictionary word (en/id) written in lower case in >= 25 articles
GIVEN_MIN_NAMES = 3             # token in >= 3 distinct PERSON names of the NER train splits
GIVEN_MIN_NEWS_CAP = 10         # ... or in >= 1 name there and capitalised in >= 10 news articles
GIVEN_MIN_HONORIFIC = 3         # ... or written after an honorific ("Pak Iqbal") in >= 3 news articles
NEWS_MAX_ACRONYM = 6           # news-names: all-capitals words of 2-6 letters written so in >= 1 article
NEWS_MIN_CAP = 2                # ... and words capitalised (not all capitals) in >= 2 articles
GIVEN_MIN_NEIGHBOUR = 8         # expansion: next to a seed name token in >= 8 articles, lower case <= 10 % of capitalised
HONORIFIC = re.compile(r"\b(?:Pak|Bu|Bapak|Ibu|Mas|Mbak|Kak|Bang|Haji|Hj|Syekh|Ustaz|Ustad|Kiai|KH|Mr|Mrs|Ms)\.? "
                       r"([A-Z][a-z]+)")

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def shape(w):
    if len(w) >= 2 and w.isupper():
        return 'upper'
    if w[0].isupper():
        return 'cap'
    if w.islower():
        return 'lower'
    return 'mixed'


def news_stats():
    docs = 0
    df = {s: collections.Counter() for s in ('lower', 'cap', 'upper', 'honorific')}
    with open(NEWS, encoding='utf-8') as f:
        for line in f:
            d = json.loads(line)
            docs += 1
            seen = set()
            for m in WORD.finditer((d.get('title') or '') + '\n' + d['text']):
                w = m.group(0)
                s = shape(w)
                if s != 'mixed':
                    seen.add((w.lower(), s))
            for m in HONORIFIC.finditer(d['text']):
                seen.add((m.group(1).lower(), 'honorific'))
            for w, s in seen:
                df[s][w] += 1
    return docs, df


def dict_words():
    en, idw = set(), set()
    with open(EN_DICT, encoding='utf-8') as f:
        for line in f:
            w = line.strip()
            if w and w.islower() and "'" not in w:
                en.add(w)
    with open(ID_DICT, encoding='utf-8', errors='replace') as f:
        next(f)
        for line in f:
            w = line.strip().split('/')[0]
            if w and w.islower():
                idw.add(w)
    return en, idw


def person_spans():
    """Distinct PERSON span strings of the NER train splits, per corpus."""
    out = {}
    for name, path, sep, tag in NER:
        spans, cur = set(), []
        with open(path, encoding='utf-8') as f:
            for line in f:
                parts = line.rstrip('\r\n').split(sep)
                lab = parts[-1] if len(parts) >= 2 else 'O'
                tok = parts[0]
                if lab == 'B-' + tag or (lab == 'I-' + tag and not cur):
                    if cur:
                        spans.add(' '.join(cur))
                    cur = [tok]
                elif lab == 'I-' + tag:
                    cur.append(tok)
                else:
                    if cur:
                        spans.add(' '.join(cur))
                    cur = []
            if cur:
                spans.add(' '.join(cur))
        out[name] = spans
    return out


def write_news_names(docs, df):
    """Words the news writes as names: all capitals (acronyms in use) or capitalised, with document counts."""
    rows = []
    for w in set(df['upper']) | set(df['cap']):
        nu, nc, nl = df['upper'][w], df['cap'][w], df['lower'][w]
        acronym = 2 <= len(w) <= NEWS_MAX_ACRONYM and nu >= 1
        if acronym or nc >= NEWS_MIN_CAP:
            rows.append((w, nu, nc, nl))
    rows.sort()
    with open(os.path.join(ROOT, 'gazetteers', 'news-names.tsv'), 'w', encoding='utf-8') as f:
        f.write('# sanctag: words the news writes as names (issue 16 alias policy); made by scripts/word_stats.py\n')
        f.write('# inputs: ../shared/data/news/id_news.jsonl (%d articles; document frequencies only)\n' % docs)
        f.write('# rule: written in all capitals in >= 1 article and %d-%d letters long (an acronym in use), or capitalised in >= %d articles\n'
                % (2, NEWS_MAX_ACRONYM, NEWS_MIN_CAP))
        f.write('# columns: word (lower case), docs_upper (all capitals), docs_cap (capitalised), docs_lower (of %d articles)\n' % docs)
        f.write('word\tdocs_upper\tdocs_cap\tdocs_lower\n')
        for r in rows:
            f.write('%s\t%d\t%d\t%d\n' % r)
    print('news-names: %d rows' % len(rows), file=sys.stderr)


def main():
    docs, df = news_stats()
    en, idw = dict_words()
    header_inputs = ('# inputs: %s (%d articles; document frequencies only), %s (wamerican), %s (hunspell-id)'
                     % ('../shared/data/news/id_news.jsonl', docs, EN_DICT, ID_DICT))
    rows = []
    for w, nl in df['lower'].items():
        if len(w) < 2:
            continue
        nc, nu = df['cap'][w], df['upper'][w]
        indict = ('en' if w in en else '') + ('+' if w in en and w in idw else '') + ('id' if w in idw else '')
        common = (nl >= COMMON_MIN_DOCS_LOWER and nl >= COMMON_MIN_LOWER_SHARE * (nl + nc)) or \
                 (indict and nl >= COMMON_MIN_DOCS_DICT and nl >= nc)
        if common:
            rows.append((w, nl, nc, nu, indict or '-'))
    rows.sort()
    with open(os.path.join(ROOT, 'gazetteers', 'common-words.tsv'), 'w', encoding='utf-8') as f:
        f.write('# sanctag: words too common to be a name on their own (issue 16 alias policy); made by scripts/word_stats.py\n')
        f.write(header_inputs + '\n')
        f.write('# rule: lower-case docs >= %d and >= %.0f%% of (lower+capitalised) docs; or a dictionary word with lower-case docs >= %d and >= capitalised docs\n'
                % (COMMON_MIN_DOCS_LOWER, 100 * COMMON_MIN_LOWER_SHARE, COMMON_MIN_DOCS_DICT))
        f.write('# columns: word (lower case), docs_lower, docs_capitalised, docs_allcaps (of %d articles), dict (en, id, en+id or -)\n' % docs)
        f.write('word\tdocs_lower\tdocs_cap\tdocs_upper\tdict\n')
        for r in rows:
            f.write('%s\t%d\t%d\t%d\t%s\n' % r)
    write_news_names(docs, df)
    # given names / name tokens
    spans = person_spans()
    names = collections.defaultdict(lambda: collections.Counter())
    for corpus, ss in spans.items():
        for s in ss:
            for t in set(WORD.findall(s)):
                if len(t) >= 2 and t[0].isupper():
                    names[t.lower()][corpus] += 1
    grows = []
    for t in set(names) | {w for w, n in df['honorific'].items() if n >= GIVEN_MIN_HONORIFIC}:
        c = names[t]
        total = sum(c.values())
        ncap = df['cap'][t]
        nl = df['lower'][t]
        if total >= GIVEN_MIN_NAMES or (total >= 1 and ncap >= GIVEN_MIN_NEWS_CAP) or \
                df['honorific'][t] >= GIVEN_MIN_HONORIFIC:
            if nl > ncap:      # a common word rather than a name token ("bapak", "ibu")
                continue
            grows.append((t, total, c['idner_news_2k'], c['nergrit'], df['honorific'][t], ncap, nl))
    # one expansion step: capitalised tokens written next to a seed name token ("Muhammad Iqbal",
    # "Abdul Majid") in >= GIVEN_MIN_NEIGHBOUR news articles, never mostly lower case
    seeds = {r[0] for r in grows}
    neigh = collections.Counter()
    pair = re.compile(r"\b([A-Z][a-z]+) (?=([A-Z][a-z]+)\b)")
    with open(NEWS, encoding='utf-8') as f:
        for line in f:
            seen = set()
            for m in pair.finditer(json.loads(line)['text']):
                a, b = m.group(1).lower(), m.group(2).lower()
                if a in seeds and b not in seeds:
                    seen.add(b)
                if b in seeds and a not in seeds:
                    seen.add(a)
            neigh.update(seen)
    # place and organisation words are neighbours of names too ("Muhammad Jakarta"): the curated
    # gazetteer's one-word COUNTRY/LOCATION/ORG aliases are left out of the expansion
    curated = set()
    for fn in ('countries.tsv', 'locations.tsv', 'organizations.tsv'):
        with open(os.path.join(ROOT, 'gazetteers', fn), encoding='utf-8') as f:
            for line in f:
                col = line.rstrip('\n').split('\t')
                if len(col) > 4 and not line.startswith('#') and ' ' not in col[4].strip():
                    curated.add(col[4].strip().lower())
    for t, n in neigh.items():
        if t not in curated and n >= GIVEN_MIN_NEIGHBOUR and n >= 0.25 * df['cap'][t] and df['lower'][t] * 10 <= df['cap'][t] and len(t) >= 2:
            c = names[t]
            grows.append((t, sum(c.values()), c['idner_news_2k'], c['nergrit'], df['honorific'][t], df['cap'][t],
                          df['lower'][t]))
    grows.sort()
    with open(os.path.join(ROOT, 'gazetteers', 'given-names.tsv'), 'w', encoding='utf-8') as f:
        f.write('# sanctag: very common personal name tokens (issue 16 alias policy); made by scripts/word_stats.py\n')
        f.write('# inputs: PERSON spans of ../shared/data/ner/idner_news_2k/train.txt (MIT) and '
                'indonlu_nergrit/train_preprocess.txt (Apache-2.0), %s (document frequencies)\n' % '../shared/data/news/id_news.jsonl')
        f.write('# rule: token in >= %d distinct person names of the two train splits, or in >= 1 and capitalised in >= %d news articles, or after an honorific in >= %d articles;'
                ' tokens written more often in lower case than capitalised in the news are left out;'
                ' plus tokens (not a one-word curated COUNTRY/LOCATION/ORG alias) next to such a token ("Muhammad Iqbal") in >= %d articles and in >= 25 %% of their capitalised articles, and lower case in <= 10 %% of their capitalised articles\n' % (GIVEN_MIN_NAMES, GIVEN_MIN_NEWS_CAP, GIVEN_MIN_HONORIFIC, GIVEN_MIN_NEIGHBOUR))
        f.write('# columns: token (lower case), distinct names (both splits), names idner_news_2k, names nergrit, news docs after an honorific, news docs capitalised, news docs lower case\n')
        f.write('token\tnames\tnames_idner\tnames_nergrit\tdocs_honorific\tdocs_cap\tdocs_lower\n')
        for r in grows:
            f.write('%s\t%d\t%d\t%d\t%d\t%d\t%d\n' % r)
    print('common-words: %d rows; given-names: %d rows' % (len(rows), len(grows)), file=sys.stderr)


if __name__ == '__main__':
    main()

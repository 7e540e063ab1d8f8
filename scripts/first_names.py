#!/usr/bin/env python3
"""Derive gazetteers/first-names.tsv: given names that start a person's full
name by themselves (issue 17), for the name rule "a first name and one or two
more plain name words is a person" ("Rafael Nadal", "Siti Nurbaya").

Inputs (files a user has):
  ../shared/data/ner/idner_news_2k/train.txt               MIT (PER spans)
  ../shared/data/ner/indonlu_nergrit/train_preprocess.txt  Apache-2.0 (PERSON spans)
  gazetteers/given-names.tsv    personal name tokens with their news document counts
                                (scripts/word_stats.py)
  (indolem_* and en_conll2003 are deliberately NOT read: no licence / evaluation only.)

Rule: a token of given-names.tsv is a first name when, in the two train splits,
  - it is the first word of at least MIN_FIRST distinct person names of two words or more,
  - it starts at least as many of them as it continues ("Thomas", "Yusuf" and
    "Swift" end names as often: they would join a name to the word after it),
  - it starts at most half as many ORG/LOC/other names as person names
    ("Kota", "Masjid", "Bank" start places and bodies),
and, in the news, it is written in lower case in at most LOWER_MAX_SHARE of the
articles that capitalise it ("Mari", "Surya", "Tri" are words too), and the review
below does not leave it out (honorifics and titles, which also start the names of
the streets, airports, universities and hospitals named after people: "Jalan Teuku
Umar", "Bandara Raden Inten", "Sheikh Jarrah").

Usage: scripts/first_names.py [DATA_DIR]     (DATA_DIR defaults to ../shared/data)
Writes gazetteers/first-names.tsv.
"""
import collections
import os
import sys

from conll import sentences

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIN_FIRST = 1
LOWER_MAX_SHARE = 0.05
# reviewed: left out, with the reason
LEFT_OUT = {
    'cak': 'honorific (Cak Imin)', 'gus': 'honorific (Gus Dur)', 'raden': 'honorific; airports',
    'sheikh': 'honorific; places (Sheikh Jarrah)', 'sultan': 'title; airports, roads',
    'sunan': 'title; universities, hospitals', 'sutan': 'honorific', 'teuku': 'honorific; streets',
    'tengku': 'honorific; streets', 'laksamana': 'rank (admiral); streets',
    'hasanuddin': 'a hero\'s name on airports, universities, roads',
    'ma': 'a syllable: "Ma\'ruf" is cut at its apostrophe',
}


def spans(path, sep):
    """(label, tokens) of every tagged span of a CoNLL file (BIO, label last)."""
    for sent in sentences(path, sep=sep, col=-1):
        cur = None
        for tok, tag in sent + [('', 'O')]:
            if tag.startswith('B-') or (tag.startswith('I-') and (cur is None or cur[0] != tag[2:])):
                if cur:
                    yield cur
                cur = (tag[2:], [tok])
            elif tag.startswith('I-'):
                cur[1].append(tok)
            else:
                if cur:
                    yield cur
                cur = None


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '..', 'shared', 'data')
    ner = [(os.path.join(data, 'ner', 'idner_news_2k', 'train.txt'), ' ', 'PER'),
           (os.path.join(data, 'ner', 'indonlu_nergrit', 'train_preprocess.txt'), '\t', 'PERSON')]
    first, later, other = (collections.defaultdict(set) for _ in range(3))
    for path, sep, person in ner:
        for label, toks in spans(path, sep):
            name = ' '.join(toks)
            if label == person and len(toks) >= 2:
                first[toks[0].lower()].add(name)
                for t in toks[1:]:
                    later[t.lower()].add(name)
            elif label != person:
                other[toks[0].lower()].add(name)
    rows = []
    with open(os.path.join(ROOT, 'gazetteers', 'given-names.tsv'), encoding='utf-8') as f:
        head = None
        for line in f:
            if line.startswith('#'):
                continue
            cols = line.rstrip('\n').split('\t')
            if head is None:
                head = cols
                continue
            r = dict(zip(head, cols))
            t, cap, low = r['token'], int(r['docs_cap']), int(r['docs_lower'])
            nf, nl, no = len(first[t]), len(later[t]), len(other[t])
            if nf >= MIN_FIRST and nf >= nl and 2 * no <= nf and low <= LOWER_MAX_SHARE * cap \
                    and t not in LEFT_OUT:
                rows.append((t, nf, nl, no, cap, low))
    rows.sort()
    with open(os.path.join(ROOT, 'gazetteers', 'first-names.tsv'), 'w', encoding='utf-8') as f:
        f.write('# sanctag: given names that start a person\'s full name by themselves (issue 17); '
                'made by scripts/first_names.py\n')
        f.write('# inputs: PERSON spans of ../shared/data/ner/idner_news_2k/train.txt (MIT) and '
                'indonlu_nergrit/train_preprocess.txt (Apache-2.0), gazetteers/given-names.tsv '
                '(news document counts)\n')
        f.write('# rule: a given name that starts >= %d distinct person names of two words or more in '
                'the train splits, starts at least as many as it continues, starts at most half as '
                'many other names, and is lower case in <= %d %% of the news articles that '
                'capitalise it; left out on review: %s\n'
                % (MIN_FIRST, round(LOWER_MAX_SHARE * 100),
                   ', '.join('%s (%s)' % kv for kv in sorted(LEFT_OUT.items()))))
        f.write('# columns: token (lower case), person names it starts, person names it continues, '
                'other names it starts, news docs capitalised, news docs lower case\n')
        f.write('token\tfirst_names\tlater_names\tother_names\tdocs_cap\tdocs_lower\n')
        for r in rows:
            f.write('%s\t%d\t%d\t%d\t%d\t%d\n' % r)
    print('first-names: %d rows' % len(rows), file=sys.stderr)


if __name__ == '__main__':
    main()

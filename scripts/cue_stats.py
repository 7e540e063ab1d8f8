#!/usr/bin/env python3
"""Candidate cue words for context name recognition (issue 17, item 2).

Reads the openly licensed NER train splits only:
  ../shared/data/ner/idner_news_2k/train.txt (MIT)
  ../shared/data/ner/indonlu_nergrit/train_preprocess.txt (Apache-2.0)
(never the IndoLEM sets or CoNLL: those are for evaluation only), and prints,
per role, the words that stand next to names most reliably:

  person-title        word right before a PERSON span (Presiden, pelatih, Pak)
  person-before-verb  speech verb right before a PERSON span (kata, ujar)
  person-after-verb   word right after a PERSON span (mengatakan, menegaskan)
  org-head            first word of ORG spans (PT, Universitas, Partai)
  org-tail            last word of ORG spans (FC, Tbk)
  stop                capitalised sentence-initial word that is never inside a name
  nonperson-before    lower-case word right before ORG/LOC/other names at least four
                      times as often as before PERSON names (di, kawasan, klub): the
                      first-name rule takes no person after it (total: names after it)

Columns: word, role, count (times in that position), total (times the word
occurs), ratio. gazetteers/cues.tsv is the reviewed selection of these
candidates (its evidence column quotes the counts printed here).

Usage: scripts/cue_stats.py [DATA_DIR] > candidates.tsv
"""
import collections
import os
import sys

import conll

DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), '..', '..', '..', 'shared', 'data', 'ner')
if not os.path.isdir(DATA):
    DATA = '/work/shared/data/ner'
FILES = [('idner_news_2k/train.txt', ' ', -1), ('indonlu_nergrit/train_preprocess.txt', '\t', 1)]
LAB = {'PER': 'PERSON', 'PERSON': 'PERSON', 'ORG': 'ORG', 'ORGANISATION': 'ORG',
       'LOC': 'LOC', 'PLACE': 'LOC'}


def sentences():
    for name, sep, col in FILES:
        yield from conll.sentences(os.path.join(DATA, name), sep, col)


def spans(sent):
    out, cur = [], None
    for i, (_, tag) in enumerate(sent):
        if tag.startswith('B-') or (tag.startswith('I-') and cur is None):
            if cur:
                out.append(cur)
            cur = [i, i + 1, LAB.get(tag[2:], tag[2:])]
        elif tag.startswith('I-') and cur:
            cur[1] = i + 1
        else:
            if cur:
                out.append(cur)
            cur = None
    if cur:
        out.append(cur)
    return out


def main():
    total = collections.Counter()
    before_per, head, tail = collections.Counter(), collections.Counter(), collections.Counter()
    after_per = collections.Counter()
    before_other, before_any = collections.Counter(), collections.Counter()
    init_cap, in_name = collections.Counter(), collections.Counter()
    for sent in sentences():
        for w, _ in sent:
            total[w.lower()] += 1
        for a, b, lab in spans(sent):
            for k in range(a, b):
                in_name[sent[k][0].lower()] += 1
            if lab == 'PERSON' and a > 0:
                before_per[sent[a - 1][0].lower()] += 1
            w = sent[a - 1][0] if a > 0 else ''
            if a > 0 and sent[a - 1][1] == 'O' and w.islower():
                before_any[w] += 1
                if lab != 'PERSON':
                    before_other[w] += 1
            if lab == 'PERSON' and b < len(sent):
                after_per[sent[b][0].lower()] += 1
            if lab == 'ORG' and b - a >= 2:
                head[sent[a][0].lower()] += 1
                tail[sent[b - 1][0].lower()] += 1
        if sent and sent[0][0][:1].isupper() and sent[0][1] == 'O':
            init_cap[sent[0][0].lower()] += 1
    print('word\trole\tcount\ttotal\tratio')
    for role, c, lo in (('person-title', before_per, 3), ('person-after-verb', after_per, 3),
                        ('org-head', head, 3),
                        ('org-tail', tail, 2), ('stop', init_cap, 3)):
        for w, n in c.most_common():
            if n < lo:
                break
            if role == 'stop' and in_name[w]:
                continue
            print('%s\t%s\t%d\t%d\t%.2f' % (w, role, n, total[w], n / max(total[w], 1)))
    for w, n in before_other.most_common():
        if n < 3:
            break
        if n >= 4 * (before_any[w] - n):
            print('%s\tnonperson-before\t%d\t%d\t%.2f' % (w, n, before_any[w], n / before_any[w]))


if __name__ == '__main__':
    main()

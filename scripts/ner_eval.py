#!/usr/bin/env python3
"""Scores sanctag on a CoNLL-style NER test split (token<TAB>BIO tag, blank line
between sentences), e.g. IndoLEM NER-UI test.01 (issue 17). Evaluation only:
no file read here is used to choose cue words or train anything.

Each sentence is one document (its tokens joined by single spaces). sanctag
spans are mapped to the tokens they cover; a span that does not start and end
on token boundaries counts as a false positive. Scores are strict span
matches per label (PERSON, ORG; LOCATION is COUNTRY or LOCATION, gold LOC or
PLACE), and their micro average.

Usage: scripts/ner_eval.py SANCTAG TEST.tsv [sanctag tag options...]
  e.g. scripts/ner_eval.py build/sanctag ../shared/data/ner/indolem_nerui/test.01.tsv
       scripts/ner_eval.py build/sanctag ...test.01.tsv --names off
"""
import json
import subprocess
import sys

from conll import sentences

LAB = {'PERSON': 'PERSON', 'PER': 'PERSON', 'ORGANIZATION': 'ORG', 'ORGANISATION': 'ORG',
       'ORG': 'ORG', 'LOCATION': 'LOC', 'LOC': 'LOC', 'PLACE': 'LOC', 'COUNTRY': 'LOC'}


def gold_spans(sent):
    out, cur = set(), None
    for i, (_, tag) in enumerate(sent + [('', 'O')]):
        if tag.startswith('I-') and cur and cur[2] == LAB.get(tag[2:]):
            cur[1] = i + 1
            continue
        if cur and cur[2]:
            out.add(tuple(cur))
        cur = [i, i + 1, LAB.get(tag[2:])] if tag[:2] in ('B-', 'I-') else None
    return out


def main():
    sanctag, path, opts = sys.argv[1], sys.argv[2], sys.argv[3:]
    sents = list(sentences(path))
    docs, starts = [], []
    for k, s in enumerate(sents):
        text, st = '', []
        for tok, _ in s:
            if text:
                text += ' '
            st.append(len(text.encode('utf-8')))
            text += tok
        docs.append(json.dumps({'id': k, 'text': text}))
        starts.append(st)
    out = subprocess.run([sanctag, 'tag', '--jsonl', '--offsets', 'byte', *opts, '-'],
                         input='\n'.join(docs) + '\n', capture_output=True, text=True,
                         check=True).stdout.splitlines()
    counts = {l: [0, 0, 0] for l in ('PERSON', 'ORG', 'LOC')}
    for k, line in enumerate(out):
        rec, s, st = json.loads(line), sents[k], starts[k]
        ends = [st[i] + len(s[i][0].encode('utf-8')) for i in range(len(s))]
        pred = set()
        for sp in rec['spans']:
            lab = LAB.get(sp['label'])
            if not lab:
                continue
            a = st.index(sp['start']) if sp['start'] in st else -1
            b = ends.index(sp['end']) + 1 if sp['end'] in ends else -1
            pred.add((a, b, lab) if a >= 0 and b > 0 else (-1, sp['start'], lab))
        gold = gold_spans(s)
        for l in counts:
            g = {x for x in gold if x[2] == l}
            p = {x for x in pred if x[2] == l}
            counts[l][0] += len(g & p)
            counts[l][1] += len(p - g)
            counts[l][2] += len(g - p)
    print('%s: %d sentences, strict span match' % (path, len(sents)))
    print('%-8s %6s %6s %6s %9s %7s %6s' % ('label', 'tp', 'fp', 'fn', 'precision', 'recall', 'f1'))
    counts['ALL'] = [sum(c[i] for c in counts.values()) for i in range(3)]
    for l, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print('%-8s %6d %6d %6d %9.3f %7.3f %6.3f' % (l, tp, fp, fn, p, r, f))


if __name__ == '__main__':
    main()

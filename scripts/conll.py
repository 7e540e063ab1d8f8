"""Sentences of a CoNLL-style NER file: one token a line with its tag in a
column, a blank line between sentences. Shared by the scripts that read the
NER corpora in ../shared/data/ner (cue_stats.py, org_names.py, ner_eval.py).
"""


def sentences(path, sep='\t', col=1):
    """Yields each sentence as a list of (token, tag): the first column and
    column `col` (-1: the last) of the lines split on `sep`."""
    sent = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\r\n')
            if not line.strip():
                if sent:
                    yield sent
                sent = []
                continue
            parts = line.split(sep)
            sent.append((parts[0], parts[col]))
    if sent:
        yield sent

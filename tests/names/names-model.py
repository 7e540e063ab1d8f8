#!/usr/bin/env python3
"""`--names model` (issue 17 item 3): the gazetteer's statistical name model is
asked only under `--names model`; `--names on` (the default) is the rules
alone, byte for byte the same whether or not the gazetteer carries a model.

Usage: names-model.py SANCTAG SOURCE_ROOT
"""
import json
import os
import subprocess
import sys
import tempfile

SANCTAG, ROOT = sys.argv[1], sys.argv[2]
HERE = os.path.join(ROOT, 'tests', 'names')
GAZ = os.path.join(ROOT, 'gazetteers')
wrapper = os.environ.get('SANCTAG_WRAPPER')
CMD = [wrapper, SANCTAG] if wrapper else [SANCTAG]
failures = 0

# two people no cue word announces: only the model can find them
SENTENCE = 'Kemarin Bambang Suryadarma dan Rina Wulandari bertemu untuk membahas kerja sama.\n'


def run(args, stdin=None):
    p = subprocess.run(CMD + args, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit('sanctag %s failed (%d): %s' % (' '.join(args), p.returncode, p.stderr))
    return p.stdout


def check(what, cond, detail=''):
    global failures
    print(('ok: %s' if cond else 'FAIL: %s ' + str(detail)) % what)
    failures += not cond


def tag(db, names, text):
    """The JSONL records without the gazetteer's version (it differs by source)."""
    out = run(['tag', '--db', db, '--names', names, '-'], stdin=text)
    recs = [json.loads(line) for line in out.splitlines()]
    for r in recs:
        r.pop('gazetteer', None)
    return recs


with tempfile.TemporaryDirectory() as tmp:
    base = [os.path.join(HERE, 'names.tsv'), os.path.join(GAZ, 'cues.tsv'),
            os.path.join(GAZ, 'common-words.tsv'), os.path.join(GAZ, 'given-names.tsv')]
    plain, with_model = os.path.join(tmp, 'plain.db'), os.path.join(tmp, 'model.db')
    run(['gaz', 'build', plain] + base)
    model = os.path.join(tmp, 'ner.model')  # the source name 'names' is names.tsv's
    with open(os.path.join(GAZ, 'names.model'), 'rb') as f, open(model, 'wb') as g:
        g.write(f.read())
    run(['gaz', 'build', with_model] + base + [model])

    sp = tag(with_model, 'model', SENTENCE)[0]['spans']
    got = {s['text']: s for s in sp}
    check('--names model finds the people', 'Bambang Suryadarma' in got
          and 'Rina Wulandari' in got, sp)
    check('... as model names, scored >= 0.96',
          all(s.get('found') == 'model' and s['score'] >= 0.96 and s['label'] == 'PERSON'
              for s in got.values()), sp)
    on = tag(with_model, 'on', SENTENCE)[0]['spans']
    check('--names on (rules alone) does not', not any(s.get('found') == 'model' for s in on)
          and 'Bambang Suryadarma' not in {s['text'] for s in on}, on)
    check('--names model without a model is --names on',
          tag(plain, 'model', SENTENCE) == tag(plain, 'on', SENTENCE))

    with open(os.path.join(HERE, 'names-feed.jsonl')) as f:
        feed = f.read() + json.dumps({'id': 'model', 'text': SENTENCE}) + '\n'
    a, b = tag(plain, 'on', feed), tag(with_model, 'on', feed)
    check('--names on output is the same with and without a model (%d records)' % len(a),
          a == b and len(a) > 1)
    check('--names model changes that feed', tag(with_model, 'model', feed) != b)

    # the model is checked at open and parsed on first use: a stored model cut
    # short fails the open; one whose lexicon is out of order (it passes the
    # checks at open) gives the documents that ask it an error record, and the
    # documents of --names on are tagged as ever
    import shutil
    import sqlite3
    cut, bad = os.path.join(tmp, 'cut.db'), os.path.join(tmp, 'bad.db')
    for path in (cut, bad):
        shutil.copy(with_model, path)
    with sqlite3.connect(cut) as con:
        con.execute('UPDATE ner_model SET model = substr(model, 1, 4096)')
    p = subprocess.run(CMD + ['tag', '--db', cut, '-'], input=SENTENCE, capture_output=True,
                       text=True)
    check('a stored model cut short fails the open, naming it',
          p.returncode != 0 and 'stored name model is unusable' in p.stderr, p.stderr)
    with sqlite3.connect(bad) as con:
        blob = bytearray(con.execute('SELECT model FROM ner_model').fetchone()[0])
        head = int.from_bytes(blob[24:28], 'little')  # provenance length
        lex = 28 + head if blob[:8] == b'SNERMDL2' else None
        if lex is not None and int.from_bytes(blob[16:20], 'little') >= 2:
            blob[lex:lex + 4], blob[lex + 4:lex + 8] = blob[lex + 4:lex + 8], blob[lex:lex + 4]
        con.execute('UPDATE ner_model SET model = ?', (bytes(blob),))
    p = subprocess.run(CMD + ['tag', '--db', bad, '--names', 'model', '-'], input=SENTENCE,
                       capture_output=True, text=True)
    recs = [json.loads(line) for line in p.stdout.splitlines()]
    check('a model that fails to parse on first use: the document gets an error record',
          lex is not None and len(recs) == 1 and 'error' in recs[0] and
          'stored name model is unusable' in recs[0]['error']['message'],
          (p.returncode, p.stdout, p.stderr))
    check('... and --names on does not use it', tag(bad, 'on', SENTENCE) == tag(plain, 'on', SENTENCE))

sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""Names outside the gazetteer (issue 17): short forms, acronyms, context cues,
derived keys, --names off, and cue sources in `gaz build`.

Usage: names.py SANCTAG SOURCE_ROOT
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


def run(args, stdin=None, ok=True):
    p = subprocess.run(CMD + args, input=stdin, capture_output=True, text=True)
    if ok and p.returncode != 0:
        sys.exit('sanctag %s failed (%d): %s' % (' '.join(args), p.returncode, p.stderr))
    return p


def check(what, cond, detail=''):
    global failures
    if not cond:
        failures += 1
        print('FAIL: %s %s' % (what, detail))
    else:
        print('ok: %s' % what)


def spans(db, text, *opts):
    out = run(['tag', '--db', db, '--offsets', 'byte', *opts, '-'], stdin=text).stdout
    return [s for line in out.splitlines() for s in json.loads(line)['spans']]


def find(sp, text, start=None):
    for s in sp:
        if s['text'] == text and (start is None or s['start'] == start):
            return s
    return None


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, 'names.db')
    run(['gaz', 'build', db, os.path.join(HERE, 'names.tsv'), os.path.join(GAZ, 'cues.tsv'),
         os.path.join(GAZ, 'common-words.tsv'), os.path.join(GAZ, 'given-names.tsv'),
         os.path.join(GAZ, 'first-names.tsv')])

    # item 1: short forms by any unambiguous part; the given name of an Indonesian
    t = 'Zulkifli Hasan hadir di sini. Zulkifli lalu pulang.'
    s = find(spans(db, t), 'Zulkifli', t.rindex('Zulkifli'))
    check('given name resolves to the full name', s and s['entity'] == 'person:zulkifli-hasan'
          and s.get('propagated'), s)
    s = find(spans(db, t, '--names', 'off'), 'Zulkifli', t.rindex('Zulkifli'))
    check('--names off keeps the old last-token rule', s is None, s)
    t = 'Aung San Suu Kyi tiba pagi ini. Suu Kyi tersenyum.'
    s = find(spans(db, t), 'Suu Kyi')
    check('multi-token short form', s and s['entity'] == 'person:aung-san-suu-kyi', s)
    t = 'Kim Jong Un bertemu Kim Yo Jong kemarin. Kim tersenyum.'
    check('a part two names share stays untagged', find(spans(db, t), 'Kim') is None)

    t = 'Budi mengatakan harga naik. Menurut Menteri Budi Sulistiyo, pasar stabil. Budi pulang.'
    sp = [s for s in spans(db, t) if s['label'] == 'PERSON']
    check('a one-word name before the full name is that name, its part unambiguous',
          [s['entity'] for s in sp] == ['name:person:budi-sulistiyo'] * 3, sp)

    # acronyms only when the letters agree
    t = 'Bantuan Likuiditas Bank Indonesia (BLBI) dibahas. BLBI lama.'
    check('(BLBI) is not Bank Indonesia', all(s['text'] != 'BLBI' for s in spans(db, t)))
    t = 'Badan Narkotika Nasional (BNN) menyita sabu. BNN juga menangkap dua orang.'
    sp = [s for s in spans(db, t) if s['text'] == 'BNN']
    check('(BNN) agrees with Badan Narkotika Nasional',
          len(sp) == 2 and all(s['entity'] == 'org:bnn' for s in sp), sp)

    # item 2: persons after titles and speech verbs, organisations by head and tail
    t = '"Kami siap," kata Budi Sulistiyo di kantornya. Budi menambahkan rencana baru.'
    sp = spans(db, t)
    s, b = find(sp, 'Budi Sulistiyo'), find(sp, 'Budi')
    check('person after a speech verb', s and s['label'] == 'PERSON' and
          s['entity'] == 'name:person:budi-sulistiyo' and s['found'] == 'context' and
          0 < s['score'] <= 1, s)
    check('short form of a derived name', b and b['entity'] == 'name:person:budi-sulistiyo', b)
    t = 'Menteri Luar Negeri Retno Marsudi tiba.'
    s = find(spans(db, t), 'Retno Marsudi')
    check('person after a title and the words of the office', s and s['label'] == 'PERSON', s)
    t = 'Ketua Umum Partai Maju Zulkifli Hasan hadir.'
    sp = spans(db, t)
    check('no person from the office alone', find(sp, 'Umum') is None, sp)
    t = 'Saham PT Sinar Terang Abadi naik. Arema FC menang. Universitas Indonesia membuka kelas.'
    sp = spans(db, t)
    s = find(sp, 'PT Sinar Terang Abadi')
    check('organisation by its head', s and s['label'] == 'ORG' and
          s['entity'] == 'name:org:pt-sinar-terang-abadi', s)
    s = find(sp, 'Arema FC')
    check('organisation by its tail', s and s['entity'] == 'name:org:arema-fc', s)
    s = find(sp, 'Universitas Indonesia')
    check('organisation takes in the country after its head', s and s['label'] == 'ORG' and
          s.get('country') == 'ID' and find(sp, 'Indonesia') is None, sp)

    # a name before "dan" and a second title ends before "dan"
    sp = spans(db, 'Kemarin Presiden Budi Santoso dan Menteri Budi Hartono datang.')
    check('a title inside a run ends the name before it, "dan" left out',
          (find(sp, 'Budi Santoso') or {}).get('label') == 'PERSON' and
          (find(sp, 'Budi Hartono') or {}).get('label') == 'PERSON', sp)
    # one person spelt two ways shares its parts as one name
    t = ('Mantan Menteri Kesehatan Siti Fadilah Supari hadir. Menurut Siti Fadillah Supari, '
         'itu salah. Siti lalu pulang.')
    sp = spans(db, t)
    s = find(sp, 'Siti', t.rindex('Siti'))
    check('a part of two names one letter apart resolves to the first',
          s and s['entity'] == 'name:person:siti-fadilah-supari', sp)
    t = 'Kemarin Presiden Budi Santoso dan Menteri Budi Hartono datang. Budi tersenyum.'
    sp = spans(db, t)
    check('... and a part two different names share to neither',
          find(sp, 'Budi', t.rindex('Budi')) is None, sp)

    # a body's acronym between a title and the name ("Sekjen FFI")
    sp = spans(db, 'Sementara itu Sekjen FFI Edy Prasetyo menolak. Menurut UU Pemilu No. 7 sah.')
    s = find(sp, 'Edy Prasetyo')
    check("a title reaches over a body's acronym", s and s['label'] == 'PERSON', sp)
    check('... after a title only, not a preposition', find(sp, 'Pemilu No') is None, sp)
    sp = spans(db, 'Direktur MNC Sekuritas Dadang menolak. Ketua KBA Pekayon Eko Purwanto hadir. '
                   'Kepala Lingkungan III Budi Santoso pergi.')
    check("... and not over a body's own name, nor a Roman numeral",
          not any(x['text'] in ('Sekuritas Dadang', 'Pekayon Eko Purwanto', 'Budi Santoso')
                  for x in sp), sp)

    # a first name (first-names.tsv) and one or two plain name words, no cue
    t = 'Rekor itu disamai Michael Phelps tahun lalu. Pasangan Joko-Michael kalah.'
    sp = spans(db, t)
    s = find(sp, 'Michael Phelps')
    check('a first name starts a full name by itself', s and s['label'] == 'PERSON' and
          s['found'] == 'context', sp)
    check('... and not a pair of names joined by a hyphen', find(sp, 'Joko-Michael') is None, sp)
    sp = spans(db, 'Dana dari Michael Phelps Swim (MPS) naik.')
    check('... and not a name an acronym follows', not any(x['label'] == 'PERSON' for x in sp),
          sp)
    sp = spans(db, 'Ia naik kapal Michael Phelps ke Jakarta, lalu tinggal di George Town.')
    check('... and not after a word of role nonperson-before (a vessel, a place)',
          not any(x['label'] == 'PERSON' for x in sp), sp)
    sp = spans(db, 'Rekor itu disamai Michael Phelps tahun lalu.', '--names', 'off')
    check('... and not with --names off', sp == [], sp)

    # two full names joined by "dan" (an org-connector): each on its own, and
    # the one without a first name a person beside the one with it
    sp = spans(db, 'Gol dicetak Michael Phelps dan Hendro Siswanto di babak kedua.')
    check('a pair joined by "dan" is two persons',
          (find(sp, 'Michael Phelps') or {}).get('label') == 'PERSON' and
          (find(sp, 'Hendro Siswanto') or {}).get('label') == 'PERSON', sp)
    sp = spans(db, 'Gol dicetak Hendro Siswanto dan Arif Satria di babak kedua.')
    check('... only when one starts with a first name', sp == [], sp)
    sp = spans(db, 'Ia naik kapal Michael Phelps dan Hendro Siswanto ke Jakarta.')
    check('... and not where one name alone would not be one',
          not any(x['label'] == 'PERSON' for x in sp), sp)
    # a list of three names or more with two persons: its full names are persons
    sp = spans(db, 'Hadir pula Michael Phelps, Hendro Siswanto, Michael Jordan dan Arif Satria.')
    check('the plain full names of a list with two persons are persons',
          all((find(sp, n) or {}).get('label') == 'PERSON'
              for n in ('Hendro Siswanto', 'Arif Satria')), sp)
    sp = spans(db, 'Hadir pula Michael Phelps, Hendro Siswanto dan Arif Satria.')
    check('... not with one person only (the pair rule needs "dan" between two)',
          find(sp, 'Hendro Siswanto') is None, sp)
    sp = spans(db, 'Bintang veteran Liga Primer Inggris, Michael Phelps dan Michael Jordan.')
    check('... and not the first of three, which may be what the list stands beside',
          find(sp, 'Liga Primer Inggris') is None, sp)
    sp = spans(db, 'Data kata Michael of Motion Picture Arts naik.')
    check('... and no part of a run that is no pair of full names',
          not any(x['label'] == 'PERSON' for x in sp), sp)

    # item 4: same key in every document; gazetteer aliases win; --names off
    two = run(['tag', '--db', db, '--jsonl', '-'], stdin=json.dumps(
        {'id': 1, 'text': 'Menurut Budi Sulistiyo, harga naik.'}) + '\n' + json.dumps(
        {'id': 2, 'text': 'Pagi ini kata Budi Sulistiyo lagi.'}) + '\n').stdout.splitlines()
    keys = [[s['entity'] for s in json.loads(l)['spans']] for l in two]
    check('same written name, same key in every document',
          keys == [['name:person:budi-sulistiyo']] * 2, keys)
    s = find(spans(db, 'Kemarin kata Kim Jong Un tegas.'), 'Kim Jong Un')
    check('a name equal to an alias is that entity', s and s['entity'] == 'person:kim-jong-un'
          and 'found' not in s, s)
    sp = spans(db, '"Kami siap," kata Budi Sulistiyo.', '--names', 'off')
    check('--names off: no derived spans', sp == [], sp)
    p = run(['tag', '--db', db, '--names', 'maybe', '-'], stdin='x', ok=False)
    check('--names needs on or off', p.returncode == 2 and "'maybe'" in p.stderr, p.stderr)

    # show and cooccur know the derived spans
    t = 'Menurut Budi Sulistiyo, harga naik.'
    out = run(['show', '--color', 'never', '--db', db, '-'], stdin=t).stdout
    check('show marks and lists a derived name', '[Budi Sulistiyo][name:person:budi-sulistiyo]'
          in out and out.count('name:person:budi-sulistiyo') == 2, out)
    doc = json.dumps({'id': 1, 'text': 'Menurut Budi Sulistiyo, Kim Jong Un siap.'}) + '\n'
    out = run(['cooccur', '--tag', '--db', db, '-'], stdin=doc).stdout
    check('cooccur --tag counts a derived name', 'name:person:budi-sulistiyo' in out, out)
    out = run(['cooccur', '--tag', '--names', 'off', '--db', db, '-'], stdin=doc).stdout
    check('cooccur --tag --names off', 'name:person' not in out, out)
    tagged = run(['tag', '--db', db, '--jsonl', '-'], stdin=doc).stdout
    out = run(['cooccur', '-'], stdin=tagged).stdout
    check('cooccur counts derived keys of tagged records', 'name:person:budi-sulistiyo' in out,
          out)

    # item 5: discover lists derived names across a feed as a gaz build source
    feed = os.path.join(tmp, 'feed.jsonl')
    with open(feed, 'w') as f:
        for i, (d, t) in enumerate([
                ('2024-01-05', 'Menurut Budi Sulistiyo, Kim Jong Un siap.'),
                ('2024-02-10', 'Kemarin kata Budi Sulistiyo, harga naik. Arema FC menang.'),
                ('2023-12-01', '"Kami siap," ujar Budi Sulistiyo di Indonesia.'),
                ('2024-03-01', 'Saham PT Sinar Terang Abadi naik di Indonesia.'),
                ('2024-03-02', 'Saham PT Sinar Terang Abadi turun lagi.')]):
            f.write(json.dumps({'id': i, 'date': d, 'text': t}) + '\n')
    out = run(['discover', '--db', db, '-j', '2', feed]).stdout
    rows = [l.split('\t') for l in out.splitlines() if l and not l.startswith('#')]
    check('discover: header and ranked rows', rows[0] == ['key', 'label', 'name', 'alias', 'kind',
                                                          'source'] and
          [r[0] for r in rows[1:]] == ['person:budi-sulistiyo', 'org:pt-sinar-terang-abadi'],
          out)
    check('discover: documents and dates', '# Budi Sulistiyo (PERSON): 3 documents, '
          '2023-12-01 .. 2024-02-10' in out, out)
    check('discover: known entities, listed first then by documents',
          out.index('with country:ID') < out.index('with person:kim-jong-un'), out)
    check('discover: sample contexts', '#   "Menurut Budi Sulistiyo, Kim Jong Un siap."' in out,
          out)
    src = os.path.join(tmp, 'found.tsv')
    run(['discover', '--db', db, '--min-docs', '1', '-o', src, feed])
    db2 = os.path.join(tmp, 'accepted.db')
    run(['gaz', 'build', db2, os.path.join(HERE, 'names.tsv'), src])
    s = find(spans(db2, 'Arema FC menang.', '--names', 'off'), 'Arema FC')
    check('discover output builds into a gazetteer', s and s['entity'] == 'org:arema-fc', s)
    out = run(['discover', '--db', db, '--format', 'jsonl', '--limit', '1', feed]).stdout
    recs = [json.loads(l) for l in out.splitlines()]
    check('discover --format jsonl', len(recs) == 1 and recs[0]['key'] == 'person:budi-sulistiyo'
          and recs[0]['attrs']['discover']['documents'] == 3, out)
    p = run(['discover', '--db', db, '--min-docs', 'x', feed], ok=False)
    check('discover: bad number', p.returncode == 2 and "'x'" in p.stderr, p.stderr)

    # cue sources: errors name the file, line and role
    p = run(['gaz', 'build', os.path.join(tmp, 'bad.db'), os.path.join(HERE, 'bad-cues.tsv')],
            ok=False)
    check('unknown cue role is refused with file and line', p.returncode != 0 and
          'bad-cues.tsv:4' in p.stderr and "'captain'" in p.stderr, p.stderr)

sys.exit(1 if failures else 0)

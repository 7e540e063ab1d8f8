#!/usr/bin/env python3
"""links.py - one entity per real-world thing (issue 16 item 3).

  links.py SANCTAG DEFAULT.db DATA_DIR
      DATA_DIR is tests/data/import/links: un.xml, un-newer.xml (UN format),
      sdn.csv + alt.csv (OFAC format). Imports them into a copy of the default
      gazetteer and checks that the curated entities linked in
      gazetteers/links.tsv carry every list record behind them (and the list
      entities name no span), that an import proposes and applies a link for a
      record with a curated entity's full name (not for another country, nor for
      a rejected namesake), that a newer list keeps the links, that `gaz link` /
      `gaz unlink` round-trip (an unlinked record is not proposed again), and
      that a link source with a bad row is refused with its line. Then the
      filters (item 4): --listed-only, --program, --list-source in tag, show
      and cooccur (tagging, and tagged input), and the output schema.
Exit status: 0 pass, 1 fail.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(ok, msg):
    if not ok:
        failures.append(msg)
        print('FAIL: ' + msg)


def run(args, stdin=None):
    wrap = os.environ.get('SANCTAG_WRAPPER')
    return subprocess.run(([wrap] if wrap else []) + args, capture_output=True, text=True,
                          input=stdin)


TEXT = ('Biro Umum Pengintaian (RGB) Korea Utara, yang oleh PBB disebut Reconnaissance General '
        'Bureau, melapor kepada Kim Jong Un. Korean Central Television, Korean Central News '
        'Agency dan Rodong Sinmun '
        'memberitakan Qasem Soleimani dan Foreign Trade Bank.')


def tag(sanctag, db, text=TEXT, extra=()):
    doc = json.dumps({'id': 't', 'text': text})
    r = run([sanctag, 'tag', '--db', db, '--jsonl', *extra, '-'], stdin=doc + '\n')
    check(r.returncode == 0, 'tag exit %d: %s' % (r.returncode, r.stderr))
    return json.loads(r.stdout.splitlines()[0])['spans'] if r.stdout else []


def by_text(spans):
    return {s['text']: s for s in spans}


def refs(span):
    return [(r['source'], r['ref']) for r in span.get('sanctions', {}).get('records', [])]


def imports(sanctag, db, data, un='un.xml'):
    u = run([sanctag, 'gaz', 'import', '--format', 'un-xml', db, os.path.join(data, un)])
    o = run([sanctag, 'gaz', 'import', '--format', 'ofac-csv', db,
             os.path.join(data, 'sdn.csv'), os.path.join(data, 'alt.csv')])
    check(u.returncode == 0 and o.returncode == 0, 'imports: %s %s' % (u.stderr, o.stderr))
    return u, o


FTEXT = ('Biro Umum Pengintaian dan Kim Jong Un bertemu. Qasem Soleimani di Jakarta. '
         'Al Qaeda dan Foreign Trade Bank.')


def filters(sanctag, db, tmp, schema):
    """--listed-only, --program, --list-source in tag, show and cooccur."""
    texts = lambda extra: [s['text'] for s in tag(sanctag, db, FTEXT, extra)]
    for extra, want in (
            ([], ['Biro Umum Pengintaian', 'Kim Jong Un', 'Qasem Soleimani', 'Jakarta',
                  'Al Qaeda', 'Foreign Trade Bank']),
            (['--listed-only'], ['Biro Umum Pengintaian', 'Kim Jong Un', 'Qasem Soleimani',
                                 'Foreign Trade Bank']),
            # DPRK: DPRK (UN), DPRK2/DPRK3 (OFAC) too
            (['--program', 'DPRK'], ['Biro Umum Pengintaian', 'Kim Jong Un',
                                     'Foreign Trade Bank']),
            (['--program', 'dprk3'], ['Kim Jong Un', 'Foreign Trade Bank']),
            (['--program', 'DPRK,IRAN'], ['Biro Umum Pengintaian', 'Kim Jong Un',
                                          'Qasem Soleimani', 'Foreign Trade Bank']),
            # repeated options add up, as a comma list does
            (['--program', 'DPRK', '--program', 'IRAN'], ['Biro Umum Pengintaian', 'Kim Jong Un',
                                                          'Qasem Soleimani', 'Foreign Trade Bank']),
            (['--list-source', 'un-sc'], ['Biro Umum Pengintaian', 'Qasem Soleimani',
                                          'Foreign Trade Bank']),
            (['--listed-only', '--list-source', 'ofac-sdn', '--program', 'IRAN'], []),
            (['--list-source', 'un-sc', '--program', 'DPRK2'], []),  # per record
            (['--list-source', 'ofac-sdn', '--program', 'DPRK2'], ['Biro Umum Pengintaian'])):
        got = texts(extra)
        check(got == want, 'tag %s: %s' % (' '.join(extra), got))
    r = run([sanctag, 'tag', '--db', db, '--jsonl', '--program', 'DPKR', '-'],
            stdin=json.dumps({'id': 'x', 'text': FTEXT}) + '\n')
    check(r.returncode == 0 and "--program 'DPKR': no listed entity" in r.stderr,
          'unknown programme warned: %s' % r.stderr)
    for args in (['--program', ''], ['--program', 'DPRK,,IRAN'], ['--list-source', ','],
                 ['--program', 'DPRK', '--format', 'conll']):
        r = run([sanctag, 'tag', '--db', db, *args, '-'], stdin=FTEXT)
        check(r.returncode == 2, 'tag %s: exit %d' % (args, r.returncode))

    # show: the same spans
    r = run([sanctag, 'show', '--db', db, '--color', 'never', '--program', 'IRAN', '-'],
            stdin=FTEXT)
    check(r.returncode == 0 and '[Qasem Soleimani]' in r.stdout and '[Kim Jong Un]' not in
          r.stdout and '[Jakarta]' not in r.stdout, 'show --program IRAN: ' + r.stdout)
    r = run([sanctag, 'show', '--db', db, '--color', 'never', '--listed-only', '-'],
            stdin=FTEXT)
    check('[Kim Jong Un]' in r.stdout and '[Jakarta]' not in r.stdout,
          'show --listed-only: ' + r.stdout)
    check('listed: un-sc KPe.031 + ofac-sdn 12210' in r.stdout,
          'show names every record of a linked entity: ' + r.stdout)
    r = run([sanctag, 'show', '--db', db, '--html', '--listed-only', '-'], stdin=FTEXT)
    check('LISTED \u2014 un-sc KPe.031 + ofac-sdn 12210' in r.stdout,
          'show --html hover names every record: %s' % r.stdout[:300])

    # cooccur: counting with --tag, and on tagged output
    feed = os.path.join(tmp, 'feed.jsonl')
    with open(feed, 'w') as f:
        f.write(json.dumps({'id': 'a', 'text': FTEXT}) + '\n')
        f.write(json.dumps({'id': 'b', 'text': 'Kim Jong Un dan Qasem Soleimani.'}) + '\n')
    tagged = os.path.join(tmp, 'tagged.jsonl')
    r = run([sanctag, 'tag', '--db', db, '-o', tagged, feed])
    nodes = lambda out: {k for line in out.splitlines()[1:] for k in line.split(',')[1:6:4]}
    for src, extra in ((feed, ['--tag', '--db', db]), (tagged, [])):
        r = run([sanctag, 'cooccur', *extra, '--program', 'DPRK', src])
        check(r.returncode == 0 and nodes(r.stdout) == {'org:rgb', 'person:kim-jong-un',
                                                        'org:foreign-trade-bank-kp'},
              'cooccur %s --program DPRK: %s %s' % (extra, r.stdout, r.stderr))
        check('mentions of entities not on a sanctions list' in r.stderr,
              'cooccur reports what it left out: ' + r.stderr)
        r = run([sanctag, 'cooccur', *extra, '--list-source', 'un-sc', '--program', 'IRAN',
                 src])
        check(r.returncode == 0 and len(r.stdout.splitlines()) == 1,
              'cooccur un-sc IRAN (one entity, no pair): %s' % r.stdout)
    parts = []
    for i, extra in enumerate((['--listed-only'], [])):
        parts.append(os.path.join(tmp, 'part%d.jsonl' % i))
        r = run([sanctag, 'cooccur', *extra, '-o', parts[-1], tagged])
    meta = json.loads(open(parts[0]).readline())
    check(meta.get('listed') == 'listed' and 'listed' not in json.loads(open(parts[1]).readline()),
          'cooccur meta records the filter only when given: %s' % meta)
    r = run([sanctag, 'cooccur', '--merge', *parts])
    check(r.returncode != 0 and 'listed-only' in r.stderr,
          'merging differently filtered tables is refused: %d %s' % (r.returncode, r.stderr))
    r = run([sanctag, 'cooccur', '--merge', '--program', 'DPRK', parts[0]])
    check(r.returncode == 2, '--merge with --program is a usage error')

    # the output schema accepts sanctions.records
    if schema:
        import_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
        r = subprocess.run([sys.executable, os.path.join(import_path, 'check-schema.py'),
                            sanctag, schema, db, feed], capture_output=True, text=True)
        check(r.returncode == 0, 'check-schema on linked output: %s %s' % (r.stdout[-2000:],
                                                                          r.stderr[-2000:]))


def main():
    sanctag, default_db, data = sys.argv[1:4]
    schema = sys.argv[4] if len(sys.argv) > 4 else None
    tmp = tempfile.mkdtemp(prefix='links-')
    try:
        db = os.path.join(tmp, 'g.db')
        shutil.copy(default_db, db)

        # without the lists: the links name no record, nothing is listed
        plain = by_text(tag(sanctag, db))
        check(plain.get('Biro Umum Pengintaian', {}).get('entity') == 'org:rgb',
              'default: Biro Umum Pengintaian is org:rgb: %s' % plain.keys())
        check(all('sanctions' not in s for s in plain.values()), 'default: a span is listed')

        # the import: a proposal for KPe.901 (same full name, KP), none for
        # KPe.902 (RU, the curated one KP) nor the rejected namesake 17614
        u, o = imports(sanctag, db, data)
        check('link org:kctv <- un-sc:KPe.901' in u.stderr, 'proposal KPe.901: ' + u.stderr)
        check('un-sc:KPe.902' not in u.stderr, 'no proposal for KPe.902 (another country)')
        check('namesake org:kcna ? un-sc:KPe.903' in u.stderr and
              'namesake org:kcna ? un-sc:KPe.904' in u.stderr and
              'link org:kcna' not in u.stderr, 'two records, one name: held back: ' + u.stderr)
        check('ofac-sdn:17614' not in o.stderr, 'no proposal for the rejected namesake 17614')
        dry = run([sanctag, 'gaz', 'import', '--dry-run', '--json', '--format', 'un-xml', db,
                   os.path.join(data, 'un.xml')])
        rep = json.loads(dry.stdout)
        check(rep.get('links_proposed') == [], 'a linked record is not proposed again: %s'
              % rep.get('links_proposed'))
        check(len(rep.get('links_held', [])) == 2, 'held namesakes in --json: %s'
              % rep.get('links_held'))

        sp = tag(sanctag, db)
        t = by_text(sp)
        for name in ('Biro Umum Pengintaian', 'RGB', 'Reconnaissance General Bureau'):
            s = t.get(name, {})
            check(s.get('entity') == 'org:rgb', '%s -> %s' % (name, s.get('entity')))
            check(refs(s) == [('un-sc', 'KPe.031'), ('ofac-sdn', '12210')],
                  '%s records %s' % (name, refs(s)))
            sa = s.get('sanctions', {})
            check(sa.get('listed') is True and sa.get('source') == 'un-sc' and
                  sa.get('ref') == 'KPe.031' and sa.get('listed_on') == '2016-03-02' and
                  sa.get('programs') == ['DPRK', 'DPRK2'], '%s sanctions %s' % (name, sa))
        rec = t.get('RGB', {}).get('sanctions', {}).get('records', [{}, {}])
        check(rec[0] == {'source': 'un-sc', 'ref': 'KPe.031', 'programs': ['DPRK'],
                         'listed_on': '2016-03-02', 'entity': 'un:KPe.031'}, 'UN record %s' % rec)
        check(rec[1] == {'source': 'ofac-sdn', 'ref': '12210', 'programs': ['DPRK', 'DPRK2'],
                         'entity': 'ofac:12210'}, 'OFAC record %s' % rec[1:])
        kim = t.get('Kim Jong Un', {})
        check(kim.get('entity') == 'person:kim-jong-un' and
              refs(kim) == [('ofac-sdn', '20157')], 'Kim Jong Un: %s' % kim)
        check(refs(t.get('Qasem Soleimani', {})) == [('un-sc', 'IRi.039'), ('ofac-sdn', '10481')],
              'Soleimani: %s' % t.get('Qasem Soleimani'))
        check(t.get('Korean Central Television', {}).get('entity') == 'org:kctv' and
              refs(t['Korean Central Television']) == [('un-sc', 'KPe.901')],
              'proposed link applied: %s' % t.get('Korean Central Television'))
        check('sanctions' not in t.get('Rodong Sinmun', {'sanctions': 1}),
              'Rodong Sinmun stays curated, unlisted: %s' % t.get('Rodong Sinmun'))
        check(t.get('Korean Central News Agency', {}).get('entity') == 'org:kcna',
              'held-back namesakes leave the curated entity: %s'
              % t.get('Korean Central News Agency'))
        check(not any(s['entity'].startswith(('un:', 'ofac:')) for s in sp),
              'a list entity named a span: %s' % [s['entity'] for s in sp])

        # gaz lookup shows the links and the merged listing
        lk = run([sanctag, 'gaz', 'lookup', '--db', db, '--json', 'org:rgb'])
        ent = json.loads(lk.stdout)['entities'][0]
        check([(x['source'], x['ref'], x['origin']) for x in ent.get('links', [])] ==
              [('un-sc', 'KPe.031', 'curated'), ('ofac-sdn', '12210', 'curated')],
              'lookup links: %s' % ent.get('links'))
        check(len(ent.get('sanctions', {}).get('records', [])) == 2, 'lookup records')
        lk = run([sanctag, 'gaz', 'lookup', '--db', db, 'Biro Umum Pengintaian'])
        check('link org:rgb <- un-sc:KPe.031 (curated)' in lk.stdout and
              'record ofac-sdn 12210' in lk.stdout, 'lookup text: ' + lk.stdout)

        filters(sanctag, db, tmp, schema)

        # a newer list keeps the links; its new alias names the curated entity
        u, o = imports(sanctag, db, data, un='un-newer.xml')
        t = by_text(tag(sanctag, db, TEXT + ' General Reconnaissance Bureau.'))
        check(refs(t.get('Biro Umum Pengintaian', {})) == [('un-sc', 'KPe.031'),
                                                           ('ofac-sdn', '12210')],
              'after re-import: %s' % t.get('Biro Umum Pengintaian'))
        check(t.get('General Reconnaissance Bureau', {}).get('entity') == 'org:rgb',
              'new list alias -> %s' % t.get('General Reconnaissance Bureau'))
        check(refs(t.get('Korean Central Television', {})) == [('un-sc', 'KPe.901')],
              'proposed link kept after re-import')

        # gaz unlink / gaz link round trip
        r = run([sanctag, 'gaz', 'unlink', db, 'person:kim-jong-un', 'ofac:20157'])
        check(r.returncode == 0 and 'unlinked person:kim-jong-un' in r.stdout,
              'unlink: %d %s %s' % (r.returncode, r.stdout, r.stderr))
        kim = by_text(tag(sanctag, db)).get('Kim Jong Un', {})
        check(kim.get('entity') == 'person:kim-jong-un' and 'sanctions' not in kim,
              'unlinked Kim Jong Un: %s' % kim)
        u, o = imports(sanctag, db, data)
        check('ofac-sdn:20157' not in o.stderr, 'an unlinked record is proposed again: ' + o.stderr)
        check('sanctions' not in by_text(tag(sanctag, db)).get('Kim Jong Un', {}),
              'unlink survives a re-import')
        r = run([sanctag, 'gaz', 'link', '--note', 'same person', db, 'person:kim-jong-un',
                 'ofac-sdn:20157'])
        check(r.returncode == 0 and 'linked person:kim-jong-un <- ofac-sdn:20157' in r.stdout,
              'link: %d %s %s' % (r.returncode, r.stdout, r.stderr))
        kim = by_text(tag(sanctag, db)).get('Kim Jong Un', {})
        check(refs(kim) == [('ofac-sdn', '20157')], 'relinked Kim Jong Un: %s' % kim)
        lk = json.loads(run([sanctag, 'gaz', 'lookup', '--db', db, '--json',
                             'person:kim-jong-un']).stdout)['entities'][0]
        check([(x['origin'], x['note']) for x in lk.get('links', [])] ==
              [('analyst', 'same person')], 'relink origin: %s' % lk.get('links'))

        # errors name what is wrong; nothing is written
        for args, want in (
                (['link', db, 'person:nobody', 'ofac:20157'], "no entity with key 'person:nobody'"),
                (['link', db, 'org:rgb', 'ofac:99999999'], "no list record 'ofac:99999999'"),
                (['link', db, 'un:KPe.031', 'ofac:20157'], 'is a list entity'),
                (['link', db, 'org:kctv', 'un:KPe.031'], "is linked to 'org:rgb' already"),
                (['link', db, 'org:rgb', 'nocolon'], 'SOURCE:REF'),
                (['unlink', db, 'org:rgb', 'un-sc:KPe.999'], 'no link between')):
            r = run([sanctag, 'gaz', *args])
            check(r.returncode == 3 and want in r.stderr,
                  'gaz %s: %d %s' % (' '.join(args[:1] + args[2:]), r.returncode, r.stderr))
        r = run([sanctag, 'gaz', 'link', db, 'org:rgb'])
        check(r.returncode == 2, 'gaz link with 2 arguments: %d' % r.returncode)

        # a link source: a bad status, a link before its curated entity
        src = os.path.join(tmp, 'links.tsv')
        ent_src = os.path.join(tmp, 'orgs.tsv')
        with open(ent_src, 'w') as f:
            f.write('key\tlabel\tname\tcountry\talias\tlang\tkind\tcase\taccents\tvalid_from\t'
                    'valid_to\tsource\tattrs\norg:x\tORG\tX Body\t\tX Body\t\tname\t\t\t\t\ttest\t\n')
        for row, want in (('org:x\tun-sc\tKPe.1\tnote\tmaybe\n', ":3: status 'maybe'"),
                          ('org:y\tun-sc\tKPe.1\tnote\t\n', ":3: " )):
            with open(src, 'w') as f:
                f.write('# links\ncurated_key\tlist_source\tlist_ref\tnote\tstatus\n' + row)
            r = run([sanctag, 'gaz', 'build', os.path.join(tmp, 'b.db'), ent_src, src])
            check(r.returncode != 0 and (src + want) in r.stderr,
                  'link source %r: %d %s' % (row, r.returncode, r.stderr))
        # a link source given before the source of its entity (a shell glob of
        # gazetteers/ sorts links.tsv before organizations.tsv) is added last
        with open(src, 'w') as f:
            f.write('# links\ncurated_key\tlist_source\tlist_ref\tnote\tstatus\n'
                    'org:x\tun-sc\tKPe.1\tnote\t\n')
        r = run([sanctag, 'gaz', 'build', os.path.join(tmp, 'c.db'), src, ent_src])
        check(r.returncode == 0, 'link source before its entities: %d %s' % (r.returncode, r.stderr))
        import sqlite3
        con = sqlite3.connect(os.path.join(tmp, 'c.db'))
        rows = con.execute('SELECT * FROM link').fetchall() if r.returncode == 0 else []
        con.close()
        check([x[1:4] for x in rows] == [('org:x', 'un-sc', 'KPe.1')],
              'link source before its entities: the link is stored: %s' % rows)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print('%d failures' % len(failures))
        return 1
    print('links: all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())

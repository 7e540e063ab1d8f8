#!/usr/bin/env python3
"""Derive gazetteers/ner-orgs.tsv: organisation names of the openly licensed NER train splits (issue 17).

Inputs (files a user has):
  ../shared/data/ner/idner_news_2k/train.txt               MIT (ORG spans)
  ../shared/data/ner/indonlu_nergrit/train_preprocess.txt  Apache-2.0 (ORGANISATION spans)
  gazetteers/{countries,organizations,locations,people,suppressors}.tsv   aliases already curated (not repeated)
  gazetteers/news-names.tsv, gazetteers/common-words.tsv, gazetteers/given-names.tsv
                                                           word statistics of scripts/word_stats.py
  (indolem_* and en_conll2003 are deliberately NOT read: no licence / evaluation only.)

Rule: an ORG span of the train splits becomes an alias when
  - it is written as a name (first letter a capital or digit; no brackets, no lone punctuation token),
  - it is tagged ORG in >= MIN_SENTS sentences of the two splits together,
  - the same token sequence is tagged ORG in at least ORG_SHARE of the sentences it occurs in,
  - it is not already an alias of a curated source (compared case-insensitively),
  - a one-word name is not a common word (common-words.tsv) or a given name (given-names.tsv) and is
    written in lower case in at most LOWER_MAX_SHARE of the news articles that write it at all,
  - and it passed the hand review below (REVIEW: keep with key/name/country, or drop with the reason).
Names not yet reviewed are reported on stderr and not written: the output changes only by review.

Usage: scripts/org_names.py [DATA_DIR]     (DATA_DIR defaults to ../shared/data)
Writes gazetteers/ner-orgs.tsv.
"""
import collections
import os
import re
import sys

from conll import sentences

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = sys.argv[1] if len(sys.argv) > 1 else next(
    (d for d in (os.path.join(ROOT, '..', 'shared', 'data'), '/work/shared/data') if os.path.isdir(d)), 'data')
NER = [('idner-news-2k train (MIT)', os.path.join(DATA, 'ner', 'idner_news_2k', 'train.txt'), ' ', 'ORG'),
       ('IndoNLU NERGRIT train (Apache-2.0)', os.path.join(DATA, 'ner', 'indonlu_nergrit', 'train_preprocess.txt'),
        '\t', 'ORGANISATION')]
GAZ = os.path.join(ROOT, 'gazetteers')
CURATED = ['countries.tsv', 'organizations.tsv', 'locations.tsv', 'people.tsv', 'suppressors.tsv']
OUT = os.path.join(GAZ, 'ner-orgs.tsv')

MIN_SENTS = 2           # tagged ORG in >= 2 sentences of the train splits
ORG_SHARE = 0.5         # ... and ORG in >= half the sentences the token sequence occurs in
LOWER_MAX_SHARE = 0.1   # one-word names: lower case in <= 10 % of the news articles writing the word

REVIEW = {
    # kept: name as written -> key, English name, country (the state the body belongs to), note
    'BATAN': ('keep', 'org:batan', 'National Nuclear Energy Agency (BATAN)', 'ID', 'state agency'),
    'BPH Migas': ('keep', 'org:bph-migas', 'BPH Migas (downstream oil and gas regulator)', 'ID', 'state agency'),
    'Badan Kehormatan': ('keep', 'org:bk-dpr', 'DPR Ethics Council (Badan Kehormatan)', 'ID',
                         'capitalised: the DPR council (case cap)'),
    'Badan Kehormatan Dewan Perwakilan Rakyat': ('keep', 'org:bk-dpr', 'DPR Ethics Council (Badan Kehormatan)', 'ID', ''),
    'Century': ('keep', 'org:bank-century', 'Bank Century', 'ID', 'the bank (bail-out case); case cap'),
    'Chelsea': ('keep', 'org:chelsea', '', '', 'the football club; news: capitalised in 251 articles, lower case in 0'),
    'Departemen Sosial RI': ('keep', 'org:kemensos', '', '', 'former name of the ministry'),
    'Dewa 19': ('keep', 'org:dewa-19', 'Dewa 19', 'ID', 'band'),
    'Domei': ('keep', 'org:domei', 'Domei Tsushin', 'JP', 'news agency (1936-1945)'),
    'Georgia-Pacific': ('keep', 'org:georgia-pacific', 'Georgia-Pacific', 'US', 'company'),
    'Goodnight Electric': ('keep', 'org:goodnight-electric', 'Goodnight Electric', 'ID', 'band'),
    'Great Northern Nekoosa': ('keep', 'org:great-northern-nekoosa', 'Great Northern Nekoosa', 'US', 'company'),
    'HMI': ('keep', 'org:hmi', 'Himpunan Mahasiswa Islam', 'ID', 'student organisation; news: all capitals only'),
    'Harian Merdeka': ('keep', 'org:harian-merdeka', 'Harian Merdeka', 'ID', 'newspaper'),
    'IPPHOS': ('keep', 'org:ipphos', 'IPPHOS (Indonesia Press Photo Service)', 'ID', 'photo agency'),
    'ISAF': ('keep', 'org:isaf', 'International Security Assistance Force', '', 'NATO-led force'),
    'Inter': ('keep', 'org:inter-milan', '', '', 'the football club; news: capitalised in 105 articles, lower case in 2'),
    'JSB': ('keep', 'org:jong-sumatranen-bond', 'Jong Sumatranen Bond', 'ID', 'historical youth organisation'),
    'KIH': ('keep', 'org:koalisi-indonesia-hebat', 'Koalisi Indonesia Hebat', 'ID', 'party coalition (2014)'),
    'KMP': ('keep', 'org:koalisi-merah-putih', 'Koalisi Merah Putih', 'ID', 'party coalition (2014)'),
    'Kabinet Indonesia Bersatu Jilid II': ('keep', 'org:kabinet-indonesia-bersatu-ii', 'Second United Indonesia Cabinet',
                                          'ID', 'cabinet'),
    'KinKi Kids': ('keep', 'org:kinki-kids', 'KinKi Kids', 'JP', 'band'),
    'Lamb of God': ('keep', 'org:lamb-of-god', 'Lamb of God', 'US', 'band'),
    'MDC': ('keep', 'org:mdc-zimbabwe', 'Movement for Democratic Change', 'ZW', 'party; news: not written'),
    'Medco': ('keep', 'org:medco-energi', 'Medco Energi', 'ID', 'company'),
    'Medco Global': ('keep', 'org:medco-global', 'Medco Global', 'ID', 'company'),
    'Nam Air': ('keep', 'org:nam-air', 'NAM Air', 'ID', 'airline'),
    'PKPB': ('keep', 'org:pkpb', 'Partai Karya Peduli Bangsa', 'ID', 'party'),
    'POLSA': ('keep', 'org:polsa', 'Politeknik Sawunggalih Aji', 'ID', 'polytechnic'),
    'PTBA': ('keep', 'org:bukit-asam', '', '', 'ticker of Bukit Asam; news: all capitals only'),
    'Pelita Bandung Raya': ('keep', 'org:pelita-bandung-raya', 'Pelita Bandung Raya', 'ID', 'football club'),
    'Peterpan': ('keep', 'org:peterpan', 'Peterpan', 'ID', 'band'),
    'Pink Floyd': ('keep', 'org:pink-floyd', 'Pink Floyd', 'GB', 'band'),
    'Prambors Band': ('keep', 'org:prambors-band', 'Prambors Band', 'ID', 'band'),
    'Real Oviedo': ('keep', 'org:real-oviedo', 'Real Oviedo', 'ES', 'football club'),
    'Red Hot Chili Peppers': ('keep', 'org:red-hot-chili-peppers', 'Red Hot Chili Peppers', 'US', 'band'),
    'SM Entertainment': ('keep', 'org:sm-entertainment', 'SM Entertainment', 'KR', 'company'),
    'SMA Negeri 2 Tasikmalaya': ('keep', 'org:sman-2-tasikmalaya', 'SMA Negeri 2 Tasikmalaya', 'ID', 'school'),
    'SMA Negeri 24 Bandung': ('keep', 'org:sman-24-bandung', 'SMA Negeri 24 Bandung', 'ID', 'school'),
    'SMA Negeri 3 Malang': ('keep', 'org:sman-3-malang', 'SMA Negeri 3 Malang', 'ID', 'school'),
    'SMA Negeri Purwokerto': ('keep', 'org:sman-purwokerto', 'SMA Negeri Purwokerto', 'ID', 'school'),
    'STKS Bandung': ('keep', 'org:stks-bandung', 'STKS Bandung', 'ID', 'college'),
    'STTN': ('keep', 'org:sttn', 'Sekolah Tinggi Teknologi Nuklir', 'ID', 'college'),
    'Sony Music Entertainment': ('keep', 'org:sony-music', 'Sony Music Entertainment', 'US', 'company'),
    'StatesWest': ('keep', 'org:stateswest', 'StatesWest Airlines', 'US', 'airline'),
    'Superman Is Dead': ('keep', 'org:superman-is-dead', 'Superman Is Dead', 'ID', 'band'),
    'Susi Air': ('keep', 'org:susi-air', 'Susi Air', 'ID', 'airline'),
    'Swing Out Sister': ('keep', 'org:swing-out-sister', 'Swing Out Sister', 'GB', 'band'),
    'The Bobby Doyle Trio': ('keep', 'org:bobby-doyle-trio', 'The Bobby Doyle Trio', 'US', 'band'),
    'The Dance Company': ('keep', 'org:the-dance-company', 'The Dance Company', 'ID', 'band'),
    'The Pink Floyd Sound': ('keep', 'org:pink-floyd', 'Pink Floyd', 'GB', 'early name of the band'),
    'The Virgin': ('keep', 'org:the-virgin', 'The Virgin', 'ID', 'band'),
    'UEU': ('keep', 'org:universitas-esa-unggul', 'Universitas Esa Unggul', 'ID', 'university'),
    'UTSU': ('keep', 'org:utsu', 'Universitas Teknologi Sulawesi Utara', 'ID', 'university'),
    'Unitas': ('keep', 'org:universitas-tamansiswa-padang', 'Universitas Tamansiswa Padang', 'ID', 'university'),
    'Universitas Janabadra': ('keep', 'org:universitas-janabadra', 'Universitas Janabadra', 'ID', 'university'),
    'Vierra': ('keep', 'org:vierra', 'Vierra', 'ID', 'band'),
    'Warner Music Indonesia': ('keep', 'org:warner-music-indonesia', 'Warner Music Indonesia', 'ID', 'company'),
    'Wonder Girls': ('keep', 'org:wonder-girls', 'Wonder Girls', 'KR', 'band'),
    'Yayasan Salib Suci': ('keep', 'org:yayasan-salib-suci', 'Yayasan Salib Suci', 'ID', 'foundation'),
    'YPPIC': ('keep', 'org:yppic', 'YPPIC', 'ID', 'foundation'),
    'Zard': ('keep', 'org:zard', 'Zard', 'JP', 'band'),
    'Antero Black': ('keep', 'org:antero-black', 'Antero Black', 'ID', 'band'),
    # dropped
    'Afrika Bersatu': ('drop', 'generic phrase ("Africa united")'),
    'BK': ('drop', 'ambiguous acronym: written in 11 news articles, also Bimbingan Konseling, Burger King'),
    'BUMN': ('drop', 'class noun (state-owned companies), not one body'),
    'Cathedral': ('drop', 'English common word'),
    'Chronic': ('drop', 'English common word'),
    'DGI': ('drop', 'ambiguous three-letter acronym'),
    'Divisi Utama Liga Indonesia': ('drop', 'a competition: events stay unmarked (gold guidelines)'),
    'Serie A': ('drop', 'a competition: events stay unmarked (gold guidelines)'),
    'Geisha': ('drop', 'common word'),
    'LPP': ('drop', 'class noun (public broadcasting institution)'),
    'Mesa': ('drop', 'common word (table, plateau)'),
    'PD': ('drop', 'ambiguous acronym: written in 20 news articles, mostly "percaya diri"'),
    'POTM': ('drop', 'unknown body, one speaker only'),
    'SAG': ('drop', 'ambiguous three-letter acronym'),
    'SMP Negeri 34': ('drop', 'no city: names a different school in every city'),
    'Saykoji': ('drop', 'a person (rapper)'),
    'Super Junior05': ('drop', 'tokenisation error (glued year)'),
    'The Rev': ('drop', 'a person (drummer)'),
    'Tofu': ('drop', 'common word'),
    'UBM': ('drop', 'ambiguous three-letter acronym'),
    'YPI': ('drop', 'ambiguous three-letter acronym (many foundations)'),
}


def spans(sent, lab):
    out, cur = [], None
    for tok, tag in sent + [('', 'O')]:
        if tag == 'I-' + lab and cur is not None:
            cur.append(tok)
            continue
        if cur:
            out.append(tuple(cur))
        cur = [tok] if tag in ('B-' + lab, 'I-' + lab) else None
    return out


def occurs(toks, seq):
    n = len(seq)
    return any(tuple(toks[i:i + n]) == seq for i in range(len(toks) - n + 1))


def curated_aliases():
    seen = set()
    for name in CURATED:
        with open(os.path.join(GAZ, name), encoding='utf-8') as f:
            cols = None
            for line in f:
                if line.startswith('#') or not line.strip():
                    continue
                row = line.rstrip('\n').split('\t')
                if cols is None or row[0] == 'key':
                    cols = row
                    continue
                d = dict(zip(cols, row))
                if d.get('alias'):
                    seen.add(d['alias'].casefold())
    return seen


def word_lists():
    stats, common, given = {}, set(), set()
    for name, target in (('common-words.tsv', common), ('given-names.tsv', given)):
        with open(os.path.join(GAZ, name), encoding='utf-8') as f:
            for line in f:
                if line.startswith('#') or not line.strip():
                    continue
                w = line.split('\t')[0].strip()
                if w and w != 'word':
                    target.add(w.casefold())
    with open(os.path.join(GAZ, 'news-names.tsv'), encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or line.startswith('word\t'):
                continue
            w, up, cap, low = line.rstrip('\n').split('\t')
            stats[w] = (int(up), int(cap), int(low))
    return stats, common, given


def candidates():
    org = collections.Counter()
    sents = []
    for _, path, sep, lab in NER:
        for s in sentences(path, sep, -1):
            toks = [t for t, _ in s]
            sents.append(toks)
            for sp in set(spans(s, lab)):
                org[sp] += 1
    out = []
    for sp, n in org.items():
        if n < MIN_SENTS:
            continue
        text = ' '.join(sp)
        if not (text[0].isupper() or text[0].isdigit()):
            continue
        if any(not re.search(r'\w', t) and t not in ('&',) for t in sp) or '(' in text or ')' in text:
            continue
        total = sum(1 for toks in sents if occurs(toks, sp))
        if n < ORG_SHARE * total:
            continue
        out.append((text, n, total))
    return sorted(out, key=lambda x: (-x[1], x[0]))


def main():
    curated = curated_aliases()
    stats, common, given = word_lists()
    rows, unreviewed, dropped = [], [], []
    for text, n, total in candidates():
        if text.casefold() in curated:
            continue
        if ' ' not in text:
            w = text.casefold()
            up, cap, low = stats.get(w, (0, 0, 0))
            if w in common or (w in given and not text.isupper()):
                dropped.append((text, 'common word or given name'))
                continue
            if low > LOWER_MAX_SHARE * (up + cap + low):
                dropped.append((text, 'lower case in %d of %d news articles' % (low, up + cap + low)))
                continue
        r = REVIEW.get(text)
        if r is None:
            unreviewed.append((text, n, total))
            continue
        if r[0] == 'drop':
            dropped.append((text, 'review: ' + r[1]))
            continue
        _, key, ename, country, note = r
        case = '' if (' ' not in text and text.isupper()) else 'cap'
        kind = 'abbreviation' if (' ' not in text and text.isupper()) else 'name'
        rows.append((key, 'ORG', ename, country, text, '', kind, case,
                     'NER train splits: ORG in %d of %d sentences%s' % (n, total, '; ' + note if note else '')))
    for text, n, total in unreviewed:
        print('unreviewed: %s\t(ORG in %d of %d sentences)' % (text, n, total), file=sys.stderr)
    for text, why in dropped:
        print('dropped: %s\t%s' % (text, why), file=sys.stderr)
    with open(OUT, 'w', encoding='utf-8') as f:
        f.write('# sanctag: organisation names of the openly licensed NER train splits (issue 17); made by scripts/org_names.py\n')
        f.write('# inputs: %s; %s\n' % (NER[0][0], NER[1][0]))
        f.write('# rule: tagged ORG in >= %d sentences and in >= %d %% of the sentences holding the words; not a curated alias;\n'
                '#   one-word names not a common word or given name and lower case in <= %d %% of the news articles writing them;\n'
                '#   then a hand review (scripts/org_names.py, REVIEW: kept with key, name and country, or dropped with the reason)\n'
                % (MIN_SENTS, ORG_SHARE * 100, LOWER_MAX_SHARE * 100))
        f.write('# source column: the sentence counts that admitted the name, and what the review checked\n')
        f.write('key\tlabel\tname\tcountry\talias\tlang\tkind\tcase\tsource\n')
        for r in sorted(rows, key=lambda r: (r[0], r[4])):
            f.write('\t'.join(r) + '\n')
    print('%d aliases written to %s, %d unreviewed, %d dropped' % (len(rows), OUT, len(unreviewed), len(dropped)),
          file=sys.stderr)


if __name__ == '__main__':
    main()

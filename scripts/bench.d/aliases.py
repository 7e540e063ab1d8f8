#!/usr/bin/python3
"""aliases.py - builds the benchmark alias lists, reproducibly.

Usage: aliases.py --icu REGIONS.tsv --shared SHARED_DATA_DIR --out DIR N [N...]

Writes DIR/aliases-N.txt (one name per line) for each N. The lists are nested:
every list is the first N names of one master order, a round robin over four
pools so that every list mixes all four kinds of names:

  1. ICU region names in every ICU locale (REGIONS.tsv from icu_regions.c:
     "COUNT<TAB>NAME", most widely used first);
  2. sanctions-list names: UN SC consolidated XML (individuals' name parts
     joined, entity names, aliases, names in original script), OFAC SDN CSV and
     OFAC alt.csv (individuals' "LAST, First" turned into "First LAST"), in file
     order;
  3. person, organisation and location names annotated in the NER corpora
     under SHARED_DATA_DIR/ner (BIO, token per line), most frequent first;
  4. composed names: first x last names taken from the NER person names,
     "PT X Y", "X Holdings", "Bank X" ... with words from the NER
     organisation names, drawn with a fixed seed.

Names are kept once by their caseless form (NFKC case fold, hyphens and runs
of spaces as one space), so every list holds N distinct names for a caseless
matcher. Same inputs, same lists, on every run.
"""
import argparse
import collections
import csv
import io
import os
import random
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET

SEED = 20240503
MAX_LEN = 80

_space = re.compile(r"[\s\u2010-\u2012\u2212-]+")


def caseless_key(name):
    k = unicodedata.normalize("NFKC", name).casefold()
    return _space.sub(" ", k).strip()


def clean(name):
    """A usable alias or None: trimmed, one line, has a letter, not a comment."""
    if not name:
        return None
    name = " ".join(name.split())
    if not name or len(name) > MAX_LEN or name[0] == "#":
        return None
    if not any(unicodedata.category(c)[0] == "L" for c in name):
        return None
    letters = sum(1 for c in name if unicodedata.category(c)[0] in "LN")
    if letters < 2:
        return None
    return name


# ---- pool 1: ICU region names ---------------------------------------------

def icu_pool(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            count, _, name = line.rstrip("\n").partition("\t")
            yield name


# ---- pool 2: sanctions lists ------------------------------------------------

def _ofac_person(name):
    # "KIM, Jong Un" -> "Jong Un KIM"
    if ", " in name:
        last, _, first = name.partition(", ")
        if first and "," not in first:
            return first + " " + last
    return name


def sanctions_pool(sdir):
    tree = ET.parse(os.path.join(sdir, "un_sc_consolidated_2026-01-28.xml"))
    root = tree.getroot()
    for ind in root.iter("INDIVIDUAL"):
        parts = [(ind.findtext(t) or "").strip()
                 for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        yield " ".join(p for p in parts if p)
        yield ind.findtext("NAME_ORIGINAL_SCRIPT") or ""
        for a in ind.iter("ALIAS_NAME"):
            yield a.text or ""
    for ent in root.iter("ENTITY"):
        yield ent.findtext("FIRST_NAME") or ""
        yield ent.findtext("NAME_ORIGINAL_SCRIPT") or ""
        for a in ent.iter("ALIAS_NAME"):
            yield a.text or ""
    types = {}
    with open(os.path.join(sdir, "ofac_sdn_2024-05-03.csv"), encoding="latin-1", newline="") as f:
        for row in csv.reader(io.StringIO(f.read().replace("\x1a", ""))):
            if len(row) < 3:
                continue
            types[row[0]] = row[2].strip()
            name = row[1].strip()
            yield _ofac_person(name) if row[2].strip() == "individual" else name
    with open(os.path.join(sdir, "ofac_alt.csv"), encoding="latin-1", newline="") as f:
        for row in csv.reader(f):
            if len(row) < 4:
                continue
            name = row[3].strip()
            yield _ofac_person(name) if types.get(row[0]) == "individual" else name


# ---- pool 3: NER corpora ----------------------------------------------------

NER_KINDS = {
    "PER": "PER", "PERSON": "PER", "PPL": "PER",
    "ORG": "ORG", "ORGANISATION": "ORG", "ORGANIZATION": "ORG",
    "LOC": "LOC", "LOCATION": "LOC", "PLACE": "LOC", "PLC": "LOC",
}

NER_FILES = [
    "idner_news_2k/train.txt", "idner_news_2k/dev.txt", "idner_news_2k/test.txt",
    "indonlu_nergrit/train_preprocess.txt", "indonlu_nergrit/valid_preprocess.txt",
    "indonlu_nergrit/test_preprocess.txt",
    "indonlu_nerp/train_preprocess.txt", "indonlu_nerp/valid_preprocess.txt",
    "indonlu_nerp/test_preprocess.txt",
    "indolem_nerui/nergithub.txt", "indolem_nerugm/nerugm.txt",
    "en_conll2003/test.txt",
]


def ner_spans(path):
    """(kind, [tokens]) for every PER/ORG/LOC span of a BIO file; the token is
    the first column, the tag the last (tab- or space-separated)."""
    cur, kind = [], None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            cols = line.split("\t") if "\t" in line else line.split(" ")
            if not line.strip() or line.startswith("-DOCSTART-") or len(cols) < 2:
                if cur:
                    yield kind, cur
                cur, kind = [], None
                continue
            tok, tag = cols[0], cols[-1]
            if tag.startswith("B-") or (tag.startswith("I-") and not cur):
                if cur:
                    yield kind, cur
                k = NER_KINDS.get(tag[2:])
                cur, kind = ([tok], k) if k else ([], None)
            elif tag.startswith("I-") and cur and NER_KINDS.get(tag[2:]) == kind:
                cur.append(tok)
            else:
                if cur:
                    yield kind, cur
                cur, kind = [], None
    if cur:
        yield kind, cur


_ok_ner = re.compile(r"^[\w .'&-]+$")


def ner_names(ndir):
    counts = collections.Counter()
    persons = collections.Counter()
    orgwords = collections.Counter()
    first_seen = {}
    for rel in NER_FILES:
        path = os.path.join(ndir, rel)
        if not os.path.exists(path):
            continue
        for kind, toks in ner_spans(path):
            name = " ".join(toks)
            name = re.sub(r" ([.,'])", r"\1", name).replace(" - ", "-")
            if not _ok_ner.match(name):
                continue
            counts[name] += 1
            first_seen.setdefault(name, len(first_seen))
            if kind == "PER" and len(toks) >= 2 and all(t.isalpha() and t[:1].isupper() for t in toks):
                persons[(toks[0], toks[-1])] += 1
            if kind == "ORG":
                for t in toks:
                    if t.isalpha() and len(t) >= 4 and t[0].isupper():
                        orgwords[t] += 1
    ranked = sorted(counts, key=lambda n: (-counts[n], first_seen[n]))
    return ranked, persons, orgwords


# ---- pool 4: composed names -------------------------------------------------

def composed_pool(persons, orgwords):
    rnd = random.Random(SEED)
    firsts = sorted({f for f, _ in persons}, key=lambda w: (w.lower(), w))
    lasts = sorted({l for _, l in persons}, key=lambda w: (w.lower(), w))
    words = sorted(orgwords, key=lambda w: (-orgwords[w], w))[:3000]
    if not firsts or not lasts or not words:
        raise SystemExit("aliases.py: the NER corpora gave no names to compose from")
    patterns = [
        lambda: "%s %s" % (rnd.choice(firsts), rnd.choice(lasts)),
        lambda: "%s %s %s" % (rnd.choice(firsts), rnd.choice(firsts), rnd.choice(lasts)),
        lambda: "PT %s %s" % (rnd.choice(words), rnd.choice(words)),
        lambda: "%s Holdings" % rnd.choice(words),
        lambda: "%s %s Group" % (rnd.choice(words), rnd.choice(words)),
        lambda: "Bank %s %s" % (rnd.choice(words), rnd.choice(lasts)),
        lambda: "%s Trading Company" % rnd.choice(lasts),
        lambda: "Yayasan %s %s" % (rnd.choice(firsts), rnd.choice(lasts)),
        lambda: "%s %s Ltd" % (rnd.choice(lasts), rnd.choice(words)),
        lambda: "CV %s %s" % (rnd.choice(firsts), rnd.choice(words)),
    ]
    while True:
        yield rnd.choice(patterns)()


# ---- master order -----------------------------------------------------------

def master(icu_path, shared, total):
    ranked, persons, orgwords = ner_names(os.path.join(shared, "ner"))
    pools = [
        iter(icu_pool(icu_path)),
        iter(sanctions_pool(os.path.join(shared, "sanctions"))),
        iter(ranked),
        composed_pool(persons, orgwords),
    ]
    seen = set()
    out = []
    live = list(range(len(pools)))
    while len(out) < total and live:
        for i in list(live):
            # take the next name of pool i that is new
            while True:
                try:
                    raw = next(pools[i])
                except StopIteration:
                    live.remove(i)
                    break
                name = clean(raw)
                if not name:
                    continue
                k = caseless_key(name)
                if not k or k in seen:
                    continue
                seen.add(k)
                out.append(name)
                break
            if len(out) >= total:
                break
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--icu", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("sizes", nargs="+", type=int)
    a = ap.parse_args()
    names = master(a.icu, a.shared, max(a.sizes))
    if len(names) < max(a.sizes):
        sys.exit("aliases.py: only %d distinct names" % len(names))
    os.makedirs(a.out, exist_ok=True)
    for n in a.sizes:
        path = os.path.join(a.out, "aliases-%d.txt" % n)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            for name in names[:n]:
                f.write(name + "\n")
        os.replace(tmp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

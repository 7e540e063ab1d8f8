#!/usr/bin/env python3
"""The reference article must be tagged completely: every occurrence of every
entity the core issue lists, with the right label and country, one span for
"Dewan Keamanan PBB" / "DK PBB", and nothing inside "dolar AS".

Usage: seed-article.py SANCTAG ARTICLE
Exit 77 (skip) only when ARTICLE does not exist (a checkout without ../shared).
"""
import json
import os
import re
import subprocess
import sys

sanctag, article = sys.argv[1], sys.argv[2]
if os.environ.get("SANCTAG_WRAPPER"):  # meson test --setup=valgrind
    os.environ["SANCTAG_REAL"] = os.path.abspath(sanctag)
    sanctag = os.environ["SANCTAG_WRAPPER"]
if not os.path.exists(article):
    print(f"skip: {article} not found", file=sys.stderr)
    sys.exit(77)
text = open(article, encoding="utf-8").read()
out = subprocess.run([sanctag, "tag", article], check=True, capture_output=True, text=True)
doc = json.loads(out.stdout)
spans = doc["spans"]

# (surface, label, country or None, pattern excluding the occurrences that belong
#  to a longer name or a suppressor)
W = r"(?<![\w])%s(?![\w])"
expect = [
    ("Seoul", "LOCATION", None, W % "Seoul"),
    ("ANTARA", "ORG", None, W % "ANTARA"),
    ("Korea Selatan", "COUNTRY", "KR", W % "Korea Selatan"),
    ("Korsel", "COUNTRY", "KR", W % "Korsel"),
    ("Jepang", "COUNTRY", "JP", W % "Jepang"),
    ("Amerika Serikat", "COUNTRY", "US", W % "Amerika Serikat"),
    ("AS", "COUNTRY", "US", r"(?<!dolar )" + W % "AS"),
    ("Korea Utara", "COUNTRY", "KP", W % "Korea Utara"),
    ("Korut", "COUNTRY", "KP", W % "Korut"),
    ("Dewan Keamanan PBB", "ORG", None, W % "Dewan Keamanan PBB"),
    ("DK PBB", "ORG", None, W % "DK PBB"),
    ("PBB", "ORG", None, r"(?<!DK )(?<!Keamanan )" + W % "PBB"),
    ("Kim Gunn", "PERSON", None, W % "Kim Gunn"),
    ("Takehiro Funakoshi", "PERSON", None, W % "Takehiro Funakoshi"),
    ("Sung Kim", "PERSON", None, W % "Sung Kim"),
    ("Pyongyang", "LOCATION", None, W % "Pyongyang"),
    ("China", "COUNTRY", "CN", W % "China"),
    ("Rusia", "COUNTRY", "RU", W % "Rusia"),
    ("Gedung Putih", "ORG", None, W % "Gedung Putih"),
    ("Kyodo", "ORG", None, W % "Kyodo"),
    ("OANA", "ORG", None, W % "OANA"),
]

failures = []
chars = list(text)
for surface, label, country, pat in expect:
    want = [m.start() for m in re.finditer(pat, text)]
    if not want:
        failures.append(f"test bug: '{surface}' does not occur in the article")
        continue
    got = [s["start"] for s in spans
           if s["text"] == surface and s["label"] == label
           and (country is None or s.get("country") == country)]
    missing = sorted(set(want) - set(got))
    if missing:
        failures.append(f"{surface} {label} {country or ''}: {len(missing)} of {len(want)} "
                        f"occurrences not tagged (codepoint offsets {missing[:5]})")

# nothing inside "dolar AS"
for m in re.finditer(r"dolar AS", text):
    inside = [s for s in spans if s["start"] < m.end() and m.start() < s["end"]]
    if inside:
        failures.append(f"span inside 'dolar AS' at {m.start()}: {inside}")
# one span each for the Security Council names: no PBB span nested in them
for s in spans:
    if s["text"] in ("Dewan Keamanan PBB", "DK PBB"):
        nested = [t for t in spans if t is not s and s["start"] <= t["start"] < s["end"]]
        if nested:
            failures.append(f"{s['text']} at {s['start']} has nested spans {nested}")
# offsets are codepoints into the text as given
for s in spans:
    if text[s["start"]:s["end"]] != s["text"]:
        failures.append(f"offsets do not match text: {s}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"seed article: {len(spans)} spans, all {len(expect)} expected entities at every occurrence")

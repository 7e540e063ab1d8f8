#!/usr/bin/env python3
"""show_html.py - `sanctag show --html`: one standalone page (no script, no
network: a Content-Security-Policy forbids it, and nothing is linked), a
legend of the labels with their colours, every mention as a <mark> with the
right text, label, entity and codepoint offsets (checked against `sanctag tag`),
hover details in the title attribute, the text escaped, and a summary table.

Usage: show_html.py SANCTAG TESTS_DATA_DIR [--chromium]

Without --chromium the generated file is parsed as it is. With --chromium it is
rendered by headless Chromium (/usr/bin/chromium; exit 77, skip, when absent):
the checks run on the DOM Chromium built (--dump-dom), and a screenshot must
show the label colours.
"""

import html.parser
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from showlib import (SHOW_DATA, build_db, check, finish, read_text, run, setup,  # noqa: E402
                     skip, tag_json)

use_chromium = "--chromium" in sys.argv[3:]
chromium = None
if use_chromium:
    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if os.access(
        "/usr/bin/chromium", os.X_OK) else None)
    if not chromium:
        skip("no /usr/bin/chromium (Debian package chromium): HTML not rendered")

sanctag, data, scratch = setup(sys.argv[:3])
db = build_db(sanctag, data, scratch, listed=True)
SAMPLE = os.path.join(data, "..", "..", "samples", "korut-sanksi.txt")
TRICKY = os.path.join(SHOW_DATA, "tricky.txt")
CJK = os.path.join(SHOW_DATA, "cjk.txt")
feed = os.path.join(scratch, "feed.jsonl")
with open(feed, "w", encoding="utf-8") as f:
    f.write('{"id": "<img src=x onerror=alert(1)>&amp;", "text": "Korut </mark><script>x()'
            '</script> AS"}\n')
DOCS = [SAMPLE, TRICKY, CJK]
COLOURS = {"COUNTRY": "#feca74", "LOCATION": "#ff9561", "ORG": "#7aecec", "PERSON": "#aa9cfc"}


class Page(html.parser.HTMLParser):
    """Collects what the checks need from the page."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "source", "col", "area", "base"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []          # open elements: (tag, attrs)
        self.elements = []       # every start tag: (tag, attrs)
        self.articles = []       # dicts: id, h2, marks, text, rows
        self.chips = []
        self.title = ""
        self.styles = ""

    def in_(self, tag, cls=None):
        for t, a in reversed(self.stack):
            if t == tag and (cls is None or cls in a.get("class", "").split()):
                return True
        return False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "article":
            self.articles.append({"id": a.get("data-id"), "h2": "", "marks": [], "text": "",
                                  "rows": []})
        if tag == "mark" and self.articles:
            self.articles[-1]["marks"].append(dict(a, mention=""))
        if tag == "span" and "chip" in a.get("class", "").split():
            self.chips.append(dict(a, text=""))
        if tag == "tr" and "data-entity" in a and self.articles:
            self.articles[-1]["rows"].append([a["data-entity"]])
        if tag == "td" and self.articles and self.articles[-1]["rows"]:
            self.articles[-1]["rows"][-1].append("")
        if tag not in self.VOID:
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, d):
        if self.in_("title"):
            self.title += d
        if self.in_("style"):
            self.styles += d
        if self.in_("span", "chip"):
            self.chips[-1]["text"] += d
        if not self.articles:
            return
        art = self.articles[-1]
        if self.in_("h2") and not self.in_("span", "count"):
            art["h2"] += d
        if self.in_("div", "text") and not self.in_("span", "tag"):
            art["text"] += d
        if self.in_("span", "mention"):
            art["marks"][-1]["mention"] += d
        if self.in_("td") and art["rows"]:
            art["rows"][-1][-1] += d


def page_of(path):
    """The page as Chromium built it (--dump-dom), or as written."""
    if not use_chromium:
        return read_text(path)
    prof = tempfile.mkdtemp(prefix="chromium.", dir=scratch)
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + prof, "--dump-dom", "file://" + path],
                       capture_output=True, timeout=180)
    if p.returncode != 0 or b"<html" not in p.stdout:
        check(False, f"chromium --dump-dom failed ({p.returncode}): {p.stderr.decode()[-2000:]}")
        return ""
    return p.stdout.decode()


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit non-interlaced PNG."""
    with open(path, "rb") as f:
        b = f.read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w, h, bpp = 8, b"", 0, 0, 3
    while pos < len(b):
        n, typ = struct.unpack(">I4s", b[pos:pos + 8])
        body = b[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, "unexpected PNG kind"
            bpp = 3 if ctype == 2 else 4
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            c = prev[x - bpp] if x >= bpp else 0
            up = prev[x]
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + up) & 255
            elif ft == 3:
                line[x] = (line[x] + ((a + up) >> 1)) & 255
            elif ft == 4:
                pa, pb, pc = abs(up - c), abs(a - c), abs(a + up - 2 * c)
                pr = a if pa <= pb and pa <= pc else (up if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


# ---- the page of three articles and a JSON Lines record ---------------------
out = os.path.join(scratch, "page.html")
rc, stdout, err = run(sanctag, ["show", "--db", db, "--html", "-o", out] + DOCS)
check(rc == 0 and stdout == b"", f"show --html -o: exit {rc}: {err}")
raw = read_text(out)
check(raw.startswith("<!DOCTYPE html>"), "not an HTML5 document")
check(re.search(r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';",
                raw) is not None, "no Content-Security-Policy forbidding network access")
# the only links are the table of contents' anchors into the page itself
check(not re.search(r"\bsrc\s*=|\bhref\s*=\s*\"(?!#doc-\d+\")|@import|url\(|<link|<script",
                    raw, re.I), "the page links or loads something, or has a script")

pg = Page()
pg.feed(page_of(out))
check(pg.title == "sanctag: 3 documents", f"page title {pg.title!r}")
check(not any(t == "script" for t, _ in pg.elements), "a <script> element in the DOM")
refs = tag_json(sanctag, db, DOCS)
check(len(pg.articles) == 3, f"{len(pg.articles)} articles, want 3")
labels_seen = []
for art, rec, path in zip(pg.articles, refs, DOCS):
    check(art["id"] == rec["id"] and art["h2"] == rec["id"],
          f"article id {art['id']!r} / heading {art['h2']!r}, want {rec['id']!r}")
    text = read_text(path)
    dom_text = text.replace("\r\n", "\n").replace("\r", "\n")
    dom_text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "\ufffd", dom_text)
    got_text = art["text"].replace("\r\n", "\n").replace("\r", "\n")
    check(got_text == dom_text, f"{path}: the article's text is not the document's:\n"
          f"{got_text!r}\n{dom_text!r}")
    got = [(int(m["data-start"]), int(m["data-end"]), m["data-label"], m["data-entity"],
            m["mention"]) for m in art["marks"]]
    want = [(s["start"], s["end"], s["label"], s["entity"], s["text"]) for s in rec["spans"]]
    check(got == want, f"{path}: marks\n  {got}\nexpected\n  {want}")
    for m, s in zip(art["marks"], rec["spans"]):
        check(text[int(m["data-start"]):int(m["data-end"])] == s["text"],
              f"{path}: data-start/data-end are not codepoint offsets of {s['text']!r}")
        t = m.get("title", "")
        check(f"({s['entity']})" in t and f"label: {s['label']}" in t
              and f"alias: {s['alias']['kind']}" in t and s["name"] in t,
              f"{path}: hover details of {s['text']!r}: {t!r}")
        if "country" in s:
            check(f"country: {s['country']}" in t, f"hover lacks the country: {t!r}")
        if "sanctions" in s:
            sa = s["sanctions"]
            check("listed" in m["class"].split() and m.get("data-listed") == "true",
                  f"{s['text']!r}: listed entity not marked")
            check(f"sanctions: LISTED \u2014 {sa['source']} {sa['ref']}" in t
                  and all(p in t for p in sa["programs"]) and sa["listed_on"] in t,
                  f"hover lacks the listing: {t!r}")
        else:
            check("sanctions: not listed" in t and "listed" not in m["class"].split(),
                  f"{s['text']!r}: hover/listing wrong: {t!r}")
        check(m.get("style", "").replace(" ", "") == "background:" + COLOURS[s["label"]],
              f"{s['text']!r}: colour {m.get('style')!r}, want {COLOURS[s['label']]}")
        labels_seen.append(s["label"])
    # the summary table: one row per entity, with its mention count
    counts = {}
    for s in rec["spans"]:
        counts[s["entity"]] = counts.get(s["entity"], 0) + 1
    rows = {r[0]: r for r in art["rows"]}
    check(set(rows) == set(counts), f"{path}: table entities {sorted(rows)}")
    for key, n in counts.items():
        if key in rows:
            check(rows[key][1] == key and rows[key][4] == str(n),
                  f"{path}: table row {rows[key]}, want {n} mentions")

# the legend: every label shown, with the colour its marks have
legend = {c.get("data-label"): c for c in pg.chips if c.get("data-label")}
check(set(legend) == set(labels_seen), f"legend {sorted(legend)}, labels {set(labels_seen)}")
for lab, c in legend.items():
    check(c["text"] == lab and c.get("style", "").replace(" ", "") == "background:"
          + COLOURS.get(lab, "?"), f"legend chip {c}")
check(any("sanctions-listed" in c["text"] for c in pg.chips), "legend lacks the listed marker")

# ids and text from JSON Lines are escaped, the page title can be set
out2 = os.path.join(scratch, "feed.html")
rc, _, err = run(sanctag, ["show", "--db", db, "--html", "--jsonl", "--title", "Spot <check>",
                           "-o", out2, feed])
pg2 = Page()
pg2.feed(page_of(out2))
check(rc == 0 and pg2.title == "Spot <check>", f"--title: {pg2.title!r} ({err})")
check(not any(t in ("img", "script") for t, _ in pg2.elements),
      "an id or text from the input became markup")
check(len(pg2.articles) == 1 and pg2.articles[0]["h2"] == "<img src=x onerror=alert(1)>&amp;",
      f"escaped id: {pg2.articles[0]['h2'] if pg2.articles else None!r}")
check(pg2.articles and pg2.articles[0]["text"] == "Korut </mark><script>x()</script> AS"
      and [m["mention"] for m in pg2.articles[0]["marks"]] == ["Korut", "AS"],
      "escaped text and its mentions")

# to standard output, one document: its id is the title
rc, stdout, _ = run(sanctag, ["show", "--db", db, "--html", SAMPLE])
check(rc == 0 and f"<title>sanctag: {SAMPLE}</title>" in stdout.decode(),
      "one document on standard output: title is its id")

# ---- what an analyst sees: the colours are painted ------------------------------
if use_chromium:
    shot = os.path.join(scratch, "page.png")
    prof = tempfile.mkdtemp(prefix="chromium.", dir=scratch)
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                        "--user-data-dir=" + prof, "--window-size=1000,900",
                        "--screenshot=" + shot, "file://" + out],
                       capture_output=True, timeout=180)
    if check(p.returncode == 0 and os.path.exists(shot), f"screenshot failed: {p.stderr[-1000:]}"):
        w, h, bpp, rows = png_pixels(shot)
        check((w, h) == (1000, 900), f"screenshot is {w}x{h}")
        found = {}
        for lab, hexc in COLOURS.items():
            rgb = bytes.fromhex(hexc[1:])
            found[lab] = sum(1 for row in rows for x in range(0, w * bpp, bpp)
                             if row[x:x + 3] == rgb)
        print("painted pixels per label colour:", found)
        # the legend chips and table swatches alone paint a few thousand pixels
        # per label; the marks of the first article paint far more
        want_px = {"COUNTRY": 20000, "LOCATION": 10000, "ORG": 10000, "PERSON": 5000}
        check(all(found[lab] >= n for lab, n in want_px.items()),
              f"mentions not painted in their label colours: pixels {found}, want {want_px}")

finish("show-html" + (" (chromium)" if use_chromium else ""))

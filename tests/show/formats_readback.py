#!/usr/bin/env python3
"""formats_readback.py - the interoperability formats of `sanctag tag --format`,
read back the way the tools that consume them read them, must give the spans of
the JSON output (`sanctag tag`, codepoint offsets) for the same documents.

Usage: formats_readback.py SANCTAG TESTS_DATA_DIR FORMAT
  FORMAT: spacy | doccano | conll | brat

  spacy    JSON Lines {"text", "ents": [{"start", "end", "label", "kb_id"}], "meta"}:
           text[start:end] (Python string = codepoint offsets) is the mention;
           the ents are the non-overlapping spans (even with --all)
  doccano  JSON Lines {"id", "text", "label": [[start, end, LABEL]]}: every span
  conll    "-DOCSTART- O" per document, "TOKEN TAG" lines, BIO tags, blank line
           between sentences: the B-/I- chunks are the spans, token for token
  brat     `--format brat -o DIR`: DIR/<name>.txt is the document byte for
           byte, DIR/<name>.ann its T (text-bound, maybe discontinuous) and
           AnnotatorNotes lines, as brat reads them

Exits 77 (skip) while `sanctag tag` does not know --format.
"""

import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from showlib import (SHOW_DATA, broken, build_db, check, fail, finish, read_text, run,  # noqa
                     setup, skip, tag_json)

if len(sys.argv) != 4 or sys.argv[3] not in ("spacy", "doccano", "conll", "brat"):
    broken("usage: formats_readback.py SANCTAG TESTS_DATA_DIR spacy|doccano|conll|brat")
fmt = sys.argv[3]
sanctag, data, scratch = setup(sys.argv[:3])
db = build_db(sanctag, data, scratch, listed=True)
SAMPLE = os.path.normpath(os.path.join(data, "..", "..", "samples", "korut-sanksi.txt"))
# tricky.txt: a mention across a line break, a tab, CRLF, an emoji (one codepoint,
# two UTF-16 units, four bytes), control characters; cjk.txt: wide characters
DOCS = [SAMPLE, os.path.join(SHOW_DATA, "tricky.txt"), os.path.join(SHOW_DATA, "cjk.txt")]


# white space (not a CoNLL token) and control characters (written as U+FFFD)
SPACE = r"[\s\u200b\ufeff]"
CONTROL = r"[\x00-\x08\x0e-\x1f\x7f-\x9f]"


def tag_format(extra, paths):
    args = ["tag", "--db", db, "--format", fmt] + list(extra) + list(paths)
    rc, out, err = run(sanctag, args)
    if rc == 2 and "--format" in err and ("unrecognized" in err or "unknown" in err):
        skip("`sanctag tag` has no --format option yet")
    check(rc == 0, f"sanctag {' '.join(args)}: exit {rc}: {err}")
    return out.decode("utf-8")


def nonnested(spans):
    return [s for s in spans if not s.get("nested")]


for extra in ([], ["--all"]):
    refs = tag_json(sanctag, db, DOCS, extra)
    if extra:
        check(any(s.get("nested") for r in refs for s in r["spans"]),
              "the documents have no nested span with --all: the check below proves nothing")
    texts = [read_text(p) for p in DOCS]
    what = " ".join(["--format", fmt] + extra)

    if fmt in ("spacy", "doccano"):
        lines = tag_format(extra, DOCS).splitlines()
        check(len(lines) == len(DOCS), f"{what}: {len(lines)} lines for {len(DOCS)} documents")
        for line, ref, text in zip(lines, refs, texts):
            rec = json.loads(line)
            check(rec.get("text") == text, f"{what}: text of {ref['id']} differs")
            if fmt == "spacy":
                check(rec.get("meta", {}).get("id") == ref["id"], f"{what}: meta.id {rec.get('meta')}")
                got = [(e["start"], e["end"], e["label"], e["kb_id"]) for e in rec["ents"]]
                want = [(s["start"], s["end"], s["label"], s["entity"])
                        for s in nonnested(ref["spans"])]
                ends = [e["end"] for e in rec["ents"]]
                check(all(a["start"] >= b for a, b in zip(rec["ents"][1:], ends)),
                      f"{what}: ents overlap in {ref['id']}")
            else:
                check(rec.get("id") == ref["id"], f"{what}: id {rec.get('id')}")
                got = [tuple(x) for x in rec["label"]]
                want = [(s["start"], s["end"], s["label"]) for s in ref["spans"]]
            check(got == want, f"{what}: {ref['id']}:\n  {got}\nexpected\n  {want}")
            for s, g in zip(nonnested(ref["spans"]) if fmt == "spacy" else ref["spans"], got):
                check(rec["text"][g[0]:g[1]] == s["text"],
                      f"{what}: text[{g[0]}:{g[1]}] is {rec['text'][g[0]:g[1]]!r}, "
                      f"not {s['text']!r}")

    elif fmt == "conll":
        out = tag_format(extra, DOCS)
        docs = out.split("-DOCSTART- O\n")
        check(docs[0] == "" and len(docs) == len(DOCS) + 1,
              f"{what}: {len(docs) - 1} -DOCSTART- lines for {len(DOCS)} documents")
        for body, ref in zip(docs[1:], refs):
            chunks, cur, prev_tag, nsent = [], None, "O", 0
            check(body.startswith("\n"), f"{what}: no blank line after -DOCSTART-")
            for line in body.split("\n")[1:]:
                if line == "":
                    nsent += 1 if prev_tag != "" else 0
                    prev_tag = ""
                    cur = None
                    continue
                fields = line.split()
                if not check(len(fields) == 2, f"{what}: line is not 'TOKEN TAG': {line!r}"):
                    continue
                tok, tag = fields
                m = re.fullmatch(r"([BI])-(\S+)|O", tag)
                if not check(m is not None, f"{what}: bad tag {tag!r}"):
                    continue
                if tag.startswith("B-"):
                    cur = [m.group(2), [tok]]
                    chunks.append(cur)
                elif tag.startswith("I-"):
                    if check(cur is not None and cur[0] == m.group(2),
                             f"{what}: {tag} does not continue a {m.group(2)} chunk"):
                        cur[1].append(tok)
                else:
                    cur = None
                prev_tag = tag
            want = nonnested(ref["spans"])
            check(len(chunks) == len(want), f"{what}: {ref['id']}: {len(chunks)} chunks, "
                  f"want {len(want)}: {chunks}")
            for (lab, toks), s in zip(chunks, want):
                # tokens are the mention without its white space; hyphens are
                # tokens of their own (Jong - un), labelled as the mention
                check(lab == s["label"] and "".join(toks) == re.sub(SPACE, "", s["text"]),
                      f"{what}: chunk {lab} {toks} is not {s['label']} {s['text']!r}")
            # every character but white space is a token: the text can be rebuilt
            rebuilt = "".join(line.rsplit(" ", 1)[0] for line in body.split("\n") if line)
            text = re.sub(SPACE, "", re.sub(CONTROL, "\ufffd", read_text(ref["id"])))
            check(rebuilt == text, f"{what}: {ref['id']}: the tokens are not the text without "
                  f"white space:\n  {rebuilt[:200]!r}\nvs\n  {text[:200]!r}")
            sent_starts = len(tag_json(sanctag, db, [ref["id"]], ["--sentences"])[0]["sentences"])
            check(nsent == sent_starts, f"{what}: {ref['id']}: {nsent} sentences, want "
                  f"{sent_starts}")

    else:  # brat
        outdir = os.path.join(scratch, "brat" + "-".join(extra))
        os.mkdir(outdir)
        tag_format(extra + ["-o", outdir], DOCS)
        anns = sorted(glob.glob(os.path.join(outdir, "*.ann")))
        txts = sorted(glob.glob(os.path.join(outdir, "*.txt")))
        check(len(anns) == len(DOCS) and len(txts) == len(DOCS),
              f"{what}: {len(txts)} .txt and {len(anns)} .ann files for {len(DOCS)} documents")
        by_text = {}
        for p in DOCS:
            with open(p, "rb") as f:
                by_text[f.read()] = p
        for ann in anns:
            txt = ann[:-4] + ".txt"
            if not check(os.path.exists(txt), f"{what}: {ann} has no .txt"):
                continue
            with open(txt, "rb") as f:
                raw = f.read()
            src = by_text.get(raw)
            if not check(src is not None, f"{what}: {txt} is not one of the documents, as is"):
                continue
            ref = refs[DOCS.index(src)]
            text = raw.decode("utf-8")  # brat reads the text without newline translation
            tids, spans, notes = set(), [], []
            for line in read_text(ann).split("\n"):
                if line == "":
                    continue
                m = re.fullmatch(r"(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)", line)
                n = re.fullmatch(r"#\d+\tAnnotatorNotes (T\d+)\t(.+)", line)
                if m:
                    tids.add(m.group(1))
                    frags = [tuple(map(int, f.split())) for f in m.group(3).split(";")]
                    check(" ".join(text[a:b] for a, b in frags) == m.group(4),
                          f"{what}: {os.path.basename(ann)}: text of {m.group(1)} is not "
                          f"{m.group(4)!r}")
                    check(all("\n" not in text[a:b] and "\t" not in text[a:b] and a < b
                              for a, b in frags), f"{what}: fragment with a line break: {line!r}")
                    spans.append((frags[0][0], frags[-1][1], m.group(2)))
                elif n:
                    notes.append((n.group(1), n.group(2)))
                else:
                    fail(f"{what}: {os.path.basename(ann)}: not a brat line: {line!r}")
            want = [(s["start"], s["end"], s["label"]) for s in ref["spans"]]
            check(spans == want, f"{what}: {src}:\n  {spans}\nexpected\n  {want}")
            check(len(notes) == len(spans) and all(t in tids for t, _ in notes),
                  f"{what}: AnnotatorNotes do not name the text-bound annotations")
            for (t, note), s in zip(notes, ref["spans"]):
                check(note.startswith(s["entity"] + ' "' + s["name"] + '"'),
                      f"{what}: note {note!r} does not name {s['entity']}")
                check((f" country={s['country']} " in note) if "country" in s
                      else " country=" not in note,
                      f"{what}: note {note!r}: country is not the output's {s.get('country')}")
                if "sanctions" in s:
                    check(f"listed={s['sanctions']['source']}:{s['sanctions']['ref']}" in note,
                          f"{what}: note {note!r} lacks the listing")

finish("formats-" + fmt)

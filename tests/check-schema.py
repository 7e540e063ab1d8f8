#!/usr/bin/python3
"""check-schema.py - validates `sanctag tag` output against the JSON Schema and
checks the invariants a schema cannot express.

Usage: check-schema.py SANCTAG SCHEMA DB INPUT...

  SANCTAG  the sanctag binary
  SCHEMA   schema/sanctag-output.schema.json
  DB       a gazetteer database, or a .tsv source (built into a temporary
           database first, e.g. tests/data/fixture.tsv)
  INPUT    files ending in .jsonl are JSON Lines feeds (one document per
           non-blank line, fields "id" and "text"); any other file is one
           plain-text document

Runs, each over all the inputs:
  tag --jsonl                              (the JSONL feeds)
  tag                                      (plain-text files, plus every feed
                                            document's text written to a file)
  tag --jsonl --sentences --all --suppressors
  tag --jsonl --offsets utf16
  tag --jsonl --offsets byte --all
  tag --jsonl --no-propagate
  tag --offsets utf16 --sentences          (the plain-text files again)
and checks every output line: the schema; one line per document, in order;
the id; text == the input sliced in the unit of `offsets` (Python str slicing
for codepoint, the UTF-8 bytes for byte, UTF-16 code units for utf16); spans
sorted by start (longer first on a tie); no overlap unless "nested"; nested /
suppressor only with the options asking for them, and "propagated" exactly
for the propagated alias kinds (short, acronym); sentence ranges ordered and
holding their spans; error objects naming the file and line, invalid UTF-8
and NUL positions agreeing with Python's decoder; the exit status (1 exactly
when some document had an error).

Before any of that, negative self-checks make sure the validator rejects
broken records (a span without "label", a renamed field, ...) and the
invariant checks catch a wrong slice, so the test cannot pass vacuously.

Exit status: 0 pass, 1 failures (the first ones are printed), 99 harness error.
"""

import copy
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:  # pragma: no cover
    print("check-schema.py: python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(77)

MAX_SHOWN = 25


class Failures:
    def __init__(self):
        self.items = []

    def add(self, where, msg):
        self.items.append("%s: %s" % (where, msg))

    def __len__(self):
        return len(self.items)


def harness_error(msg):
    print("check-schema.py: " + msg, file=sys.stderr)
    sys.exit(99)


# ---- reading the inputs the way sanctag does --------------------------------


def jsonl_documents(path):
    """Yields (line_number, raw_line_bytes) for every document line: sanctag
    splits on '\\n', strips trailing '\\r'/'\\n' and skips lines holding only
    spaces and tabs."""
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for i, line in enumerate(lines, 1):
        line = line.rstrip(b"\r\n")
        if line.strip(b" \t") == b"":
            continue
        yield i, line


class Refused(ValueError):
    pass


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys) or any("\0" in k for k in keys):
        raise Refused("duplicate key or NUL in a key")
    return dict(pairs)


def _refuse_constant(name):
    raise Refused("%s is not JSON" % name)


class Big:
    """A number Jansson cannot hold (an integer beyond 64 bits, a real beyond a
    double): sanctag reads it as the string of its digits (docs/DESIGN.md,
    Output contract), and a text field that is one is not text."""

    def __init__(self, text):
        self.text = text


def _int(s):
    v = int(s)
    if not -(2 ** 63) <= v < 2 ** 63:
        return Big(s)
    return v


def _float(s):
    v = float(s)
    if v in (float("inf"), float("-inf")):
        return Big(s)
    return v


def _plain(v):
    """`v` as sanctag passes it on: Big numbers as strings of their digits."""
    if isinstance(v, Big):
        return v.text
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def parse_document(raw, id_field="id", text_field="text"):
    """Returns (ok, id, text): ok is False when the line is not a JSON object
    or is JSON that sanctag's parser (Jansson, duplicate keys rejected)
    refuses; sanctag then reports an error and the id is null. A text field
    that is a number too big for Jansson comes back as a Big (not text)."""
    try:
        obj = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates,
                         parse_constant=_refuse_constant, parse_int=_int, parse_float=_float)
        # lone surrogate escapes ("\ud800") are refused too
        json.dumps(_plain(obj), ensure_ascii=False).encode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError, ValueError, RecursionError):
        return False, None, None
    if not isinstance(obj, dict):
        return False, None, None
    return True, _plain(obj.get(id_field)), obj.get(text_field)


def first_bad_position(data):
    """(code, byte) of the first invalid UTF-8 sequence or NUL byte, or None."""
    bad = None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad = ("invalid_utf8", e.start)
    nul = data.find(b"\0")
    if nul >= 0 and (bad is None or nul < bad[1]):
        bad = ("nul_byte", nul)
    return bad


# ---- offsets ---------------------------------------------------------------


def unit_length(text, unit):
    if unit == "codepoint":
        return len(text)
    if unit == "byte":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def unit_slice(text, unit, start, end):
    """The substring [start, end) in `unit`, or None when the offsets cut a
    character in two."""
    try:
        if unit == "codepoint":
            return text[start:end]
        if unit == "byte":
            return text.encode("utf-8")[start:end].decode("utf-8")
        return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")
    except UnicodeDecodeError:
        return None


# ---- the invariants ----------------------------------------------------------


def overlaps(a, b):
    return a["start"] < b["end"] and b["start"] < a["end"]


def check_record(rec, expect, where, fails, opts):
    """Checks one output record against what the input says it should be.
    expect: dict with id, text (None when the document is expected to fail),
    file, line (0 for plain text), error_code (expected code or None)."""
    if not isinstance(rec, dict):
        fails.add(where, "not a JSON object")
        return
    unit = opts.get("offsets", "codepoint")
    if rec.get("offsets") != unit:
        fails.add(where, "offsets is %r, expected %r" % (rec.get("offsets"), unit))
        return
    if "id" in expect and rec.get("id") != expect["id"]:
        fails.add(where, "id is %r, expected %r" % (rec.get("id"), expect["id"]))
    spans = rec.get("spans")
    if not isinstance(spans, list):
        return  # the schema reports it
    err = rec.get("error")

    if err is not None:
        if not isinstance(err, dict):
            return
        if expect.get("text") is not None and expect.get("error_code") is None:
            # the input looked fine to us: sanctag must agree (except for the
            # emptiness rule, which depends on its tokenizer)
            if err.get("code") != "empty_document":
                fails.add(where, "unexpected error %r for a valid document" % (err,))
        if expect.get("error_code") and err.get("code") != expect["error_code"]:
            fails.add(where, "error code %r, expected %r" % (err.get("code"), expect["error_code"]))
        if "error_byte" in expect and err.get("byte") != expect["error_byte"]:
            fails.add(where, "error byte %r, expected %r" % (err.get("byte"), expect["error_byte"]))
        if expect.get("file") and err.get("file") != expect["file"]:
            fails.add(where, "error file %r, expected %r" % (err.get("file"), expect["file"]))
        if expect.get("line") and err.get("line") != expect["line"]:
            fails.add(where, "error line %r, expected %r" % (err.get("line"), expect["line"]))
        if not expect.get("line") and "line" in err:
            fails.add(where, "error line %r for a plain-text document" % (err.get("line"),))
        if spans:
            fails.add(where, "an error record with spans")
        return

    if expect.get("error_code"):
        fails.add(where, "no error, expected %r" % expect["error_code"])
        return
    text = expect.get("text")
    if not isinstance(text, str):
        fails.add(where, "no error although the input has no text")
        return
    if text == "":
        fails.add(where, "no error for an empty document")
    n = unit_length(text, unit)

    prev = None
    plain = []
    for k, s in enumerate(spans):
        w = "%s span %d" % (where, k)
        if not isinstance(s, dict):
            continue
        a, b = s.get("start"), s.get("end")
        if not (isinstance(a, int) and isinstance(b, int)):
            continue  # the schema reports it
        if not 0 <= a < b <= n:
            fails.add(w, "offsets [%d, %d) outside the text (length %d %s)" % (a, b, n, unit))
            continue
        got = unit_slice(text, unit, a, b)
        if got is None:
            fails.add(w, "[%d, %d) cuts a character in two (%s)" % (a, b, unit))
        elif got != s.get("text"):
            fails.add(w, "text %r but the input holds %r at [%d, %d) (%s)" % (
                s.get("text"), got, a, b, unit))
        if prev is not None:
            if a < prev["start"]:
                fails.add(w, "not sorted by start (%d after %d)" % (a, prev["start"]))
            elif a == prev["start"] and b > prev["end"]:
                fails.add(w, "same start as the previous span but longer (longer comes first)")
        prev = s
        if s.get("nested") and not opts.get("all"):
            fails.add(w, "nested without --all")
        if s.get("suppressor") and not opts.get("suppressors"):
            fails.add(w, "suppressor without --suppressors")
        kind = s.get("alias", {}).get("kind") if isinstance(s.get("alias"), dict) else None
        if bool(s.get("suppressor")) != (kind == "suppressor"):
            fails.add(w, "suppressor flag and alias kind %r disagree" % kind)
        if bool(s.get("propagated")) != (kind in ("short", "acronym")):
            fails.add(w, "propagated flag and alias kind %r disagree" % kind)
        if s.get("propagated") and opts.get("no_propagate"):
            fails.add(w, "propagated with --no-propagate")
        if not s.get("nested"):
            plain.append((k, s))

    # no overlap unless nested; a nested span overlaps some plain one
    for i in range(len(plain)):
        for j in range(i + 1, len(plain)):
            if overlaps(plain[i][1], plain[j][1]):
                fails.add(where, "spans %d and %d overlap and neither is nested" % (
                    plain[i][0], plain[j][0]))
    for k, s in enumerate(spans):
        if isinstance(s, dict) and s.get("nested") and isinstance(s.get("start"), int):
            if not any(overlaps(s, p) for _, p in plain):
                fails.add("%s span %d" % (where, k), "nested but overlaps no other span")

    sentences = rec.get("sentences")
    if opts.get("sentences"):
        if not isinstance(sentences, list):
            fails.add(where, "no sentences with --sentences")
            return
        last_end = 0
        for q, se in enumerate(sentences):
            if not (isinstance(se, list) and len(se) == 2 and all(isinstance(x, int) for x in se)):
                continue  # the schema reports it
            a, b = se
            if not last_end <= a < b <= n:
                fails.add(where, "sentence %d [%d, %d) out of order or outside the text" % (q, a, b))
            elif unit_slice(text, unit, a, b) is None:
                fails.add(where, "sentence %d [%d, %d) cuts a character in two" % (q, a, b))
            last_end = max(last_end, b)
        for k, s in enumerate(spans):
            q = s.get("sentence") if isinstance(s, dict) else None
            if not isinstance(q, int):
                continue
            if not 0 <= q < len(sentences):
                fails.add("%s span %d" % (where, k), "sentence %d does not exist" % q)
                continue
            a, b = sentences[q]
            if not (a <= s["start"] and s["end"] <= b):
                fails.add("%s span %d" % (where, k), "[%d, %d) is not inside its sentence %d [%d, %d)"
                          % (s["start"], s["end"], q, a, b))
    elif sentences is not None:
        fails.add(where, "sentences without --sentences")


# ---- running sanctag -----------------------------------------------------------


def run(sanctag, args, cwd=None):
    p = subprocess.run([sanctag] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       cwd=cwd)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def check_run(name, sanctag, args, expects, validator, fails, opts, cwd=None):
    """Runs sanctag, checks each line against the schema and its expectation."""
    status, out, err = run(sanctag, args, cwd)
    where = "[%s]" % name
    if status not in (0, 1):
        fails.add(where, "exit status %d: %s" % (status, err.strip()[:500]))
        return 0, 0
    if not out.endswith(b"\n") and out:
        fails.add(where, "output does not end with a newline")
    lines = out.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) != len(expects):
        fails.add(where, "%d output lines for %d documents" % (len(lines), len(expects)))
    versions = set()
    nspans = nerrors = 0
    for i, (raw, expect) in enumerate(zip(lines, expects)):
        w = "%s line %d (%s)" % (where, i + 1, expect["what"])
        try:
            rec = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            fails.add(w, "not JSON: %s" % e)
            continue
        for e in sorted(validator.iter_errors(rec), key=lambda e: list(e.absolute_path)):
            path = "/".join(str(x) for x in e.absolute_path)
            fails.add(w, "schema: at /%s: %s" % (path, e.message[:300]))
        check_record(rec, expect, w, fails, opts)
        if isinstance(rec, dict):
            if isinstance(rec.get("gazetteer"), dict):
                versions.add(rec["gazetteer"].get("version"))
            if rec.get("error") is not None:
                nerrors += 1
            elif isinstance(rec.get("spans"), list):
                nspans += len(rec["spans"])
    if len(versions) > 1:
        fails.add(where, "several gazetteer versions in one run: %s" % sorted(map(str, versions)))
    if versions == {""}:
        fails.add(where, "empty gazetteer version")
    want_status = 1 if nerrors else 0
    if status != want_status:
        fails.add(where, "exit status %d with %d error records, expected %d"
                  % (status, nerrors, want_status))
    if nerrors == 0 and err.strip():
        fails.add(where, "standard error without document errors: %s" % err.strip()[:300])
    return nspans, len(lines)


def jsonl_expectations(paths):
    expects = []
    for path in paths:
        for lineno, raw in jsonl_documents(path):
            ok, doc_id, text = parse_document(raw)
            e = {"what": "%s:%d" % (path, lineno), "file": path, "line": lineno}
            if not ok:
                # invalid_json or invalid_record: some error, sanctag's choice
                e["id"] = None
                e["text"] = None
                e["any_error"] = True
            elif not isinstance(text, str):
                e["id"] = doc_id
                e["error_code"] = "invalid_record"
                e["text"] = None
            else:
                e["id"] = doc_id
                e["text"] = text
                if "\0" in text:
                    e["error_code"] = "nul_byte"
                    e["error_byte"] = text.encode("utf-8").find(b"\0")
                elif text == "":
                    e["error_code"] = "empty_document"
            expects.append(e)
    return expects


def plain_expectations(paths):
    expects = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        e = {"what": path, "file": path, "line": 0, "id": path}
        bad = first_bad_position(data)
        if bad:
            e["error_code"], e["error_byte"] = bad
            e["text"] = None
        else:
            e["text"] = data.decode("utf-8")
            if data == b"":
                e["error_code"] = "empty_document"
        expects.append(e)
    return expects


# ---- negative self-checks ----------------------------------------------------


GOOD = {
    "id": "doc-1",
    "offsets": "codepoint",
    "spans": [
        {"start": 3, "end": 8, "text": "Korut", "label": "COUNTRY", "entity": "country:KP",
         "name": "North Korea", "country": "KP", "alias": {"kind": "abbreviation", "lang": "id"},
         "sentence": 0, "future_span_field": [1, "x"]},
        {"start": 5, "end": 8, "text": "rut", "label": "ORG", "entity": "org:x", "name": "X",
         "nested": True, "ambiguous": True, "sentence": 0,
         "sanctions": {"listed": True, "programs": ["DPRK"], "source": "un-sc", "ref": "KPe.001",
                       "listed_on": "2016-03-02"}},
    ],
    "sentences": [[0, 9]],
    "gazetteer": {"version": "0123456789abcdef"},
    "some_future_field": {"added": True},
}
GOOD_TEXT = "Di Korut."
GOOD_ERROR = {
    "id": None, "offsets": "byte", "spans": [],
    "error": {"code": "invalid_json", "message": "f.jsonl:2:3: malformed JSON", "file": "f.jsonl",
              "line": 2, "column": 3},
    "gazetteer": {"version": "0123456789abcdef"},
}


def mutate(base, path, value=None, delete=False, rename=None):
    rec = copy.deepcopy(base)
    obj = rec
    for p in path[:-1]:
        obj = obj[p]
    if delete:
        del obj[path[-1]]
    elif rename:
        obj[rename] = obj.pop(path[-1])
    else:
        obj[path[-1]] = value
    return rec


NEGATIVE = [
    ("span without label", GOOD, dict(path=["spans", 0, "label"], delete=True)),
    ("span label renamed to type", GOOD, dict(path=["spans", 0, "label"], rename="type")),
    ("spans renamed to span", GOOD, dict(path=["spans"], rename="span")),
    ("no id", GOOD, dict(path=["id"], delete=True)),
    ("no gazetteer", GOOD, dict(path=["gazetteer"], delete=True)),
    ("gazetteer version a number", GOOD, dict(path=["gazetteer", "version"], value=1)),
    ("offsets unit unknown", GOOD, dict(path=["offsets"], value="char")),
    ("negative start", GOOD, dict(path=["spans", 0, "start"], value=-1)),
    ("start a string", GOOD, dict(path=["spans", 0, "start"], value="3")),
    ("end a float", GOOD, dict(path=["spans", 0, "end"], value=8.5)),
    ("entity without kind prefix", GOOD, dict(path=["spans", 0, "entity"], value="KP")),
    ("lower-case country", GOOD, dict(path=["spans", 0, "country"], value="kp")),
    ("three-letter country", GOOD, dict(path=["spans", 0, "country"], value="PRK")),
    ("alias kind unknown", GOOD, dict(path=["spans", 0, "alias", "kind"], value="slang")),
    ("nested false", GOOD, dict(path=["spans", 1, "nested"], value=False)),
    ("propagated false", GOOD, dict(path=["spans", 0, "propagated"], value=False)),
    ("suppressor a string", GOOD, dict(path=["spans", 0, "suppressor"], value="yes")),
    ("sanctions listed a string", GOOD, dict(path=["spans", 1, "sanctions", "listed"], value="yes")),
    ("sanctions programs a string", GOOD, dict(path=["spans", 1, "sanctions", "programs"],
                                               value="DPRK")),
    ("sentence index a string", GOOD, dict(path=["spans", 0, "sentence"], value="0")),
    ("span without sentence under --sentences", GOOD, dict(path=["spans", 0, "sentence"],
                                                           delete=True)),
    ("sentence range of three", GOOD, dict(path=["sentences", 0], value=[0, 4, 9])),
    ("sentence range negative", GOOD, dict(path=["sentences", 0], value=[-1, 9])),
    ("spans not an array", GOOD, dict(path=["spans"], value={})),
    ("error with spans", GOOD_ERROR, dict(path=["spans"], value=copy.deepcopy(GOOD["spans"]))),
    ("error code unknown", GOOD_ERROR, dict(path=["error", "code"], value="oops")),
    ("error code ok", GOOD_ERROR, dict(path=["error", "code"], value="ok")),
    ("error without message", GOOD_ERROR, dict(path=["error", "message"], delete=True)),
    ("error line zero", GOOD_ERROR, dict(path=["error", "line"], value=0)),
    ("error byte a string", GOOD_ERROR, dict(path=["error", "byte"], value="5")),
]


def self_check(validator):
    problems = []
    # fields are only ever added: unknown ones must be accepted (GOOD has some)
    for name, base in (("good record", GOOD), ("good error record", GOOD_ERROR)):
        errs = list(validator.iter_errors(base))
        if errs:
            problems.append("%s rejected: %s" % (name, errs[0].message))
    for name, base, how in NEGATIVE:
        rec = mutate(base, **how)
        if validator.is_valid(rec):
            problems.append("schema accepts a broken record: %s" % name)
    # the invariant checks must catch what the schema cannot
    opts = {"offsets": "codepoint", "all": True, "sentences": True}
    expect = {"id": "doc-1", "text": GOOD_TEXT}
    f = Failures()
    check_record(GOOD, expect, "good", f, opts)
    if len(f):
        problems.append("invariant checks reject the good record: %s" % f.items[0])
    semantic = [
        ("wrong slice", mutate(GOOD, ["spans", 0, "start"], 2)),
        ("overlap without nested", mutate(GOOD, ["spans", 1, "nested"], delete=True)),
        ("unsorted spans", mutate(GOOD, ["spans"], list(reversed(GOOD["spans"])))),
        ("span past the end", mutate(GOOD, ["spans", 0, "end"], 99)),
        ("span outside its sentence", mutate(GOOD, ["sentences"], [[0, 4], [4, 9]])),
        ("wrong id", mutate(GOOD, ["id"], "doc-2")),
        ("short form not marked propagated", mutate(GOOD, ["spans", 0, "alias", "kind"], "short")),
    ]
    for name, rec in semantic:
        f = Failures()
        check_record(rec, expect, "neg", f, opts)
        if not len(f):
            problems.append("invariant checks accept a broken record: %s" % name)
    # utf16 and byte slicing: an emoji before the match
    text = "\U0001F600 Korut"
    for unit, a in (("codepoint", 2), ("utf16", 3), ("byte", 5)):
        rec = {"id": 1, "offsets": unit, "gazetteer": {"version": "v"},
               "spans": [{"start": a, "end": a + 5, "text": "Korut", "label": "COUNTRY",
                          "entity": "country:KP", "name": "North Korea"}]}
        f = Failures()
        check_record(rec, {"id": 1, "text": text}, unit, f, {"offsets": unit})
        if len(f):
            problems.append("invariant checks reject correct %s offsets: %s" % (unit, f.items[0]))
        rec["spans"][0]["start"] += 1
        rec["spans"][0]["end"] += 1
        f = Failures()
        check_record(rec, {"id": 1, "text": text}, unit, f, {"offsets": unit})
        if not len(f):
            problems.append("invariant checks accept shifted %s offsets" % unit)
    return problems


# ---- main ------------------------------------------------------------------------


def main(argv):
    if len(argv) < 5:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 99
    sanctag, schema_path, db = os.path.abspath(argv[1]), argv[2], argv[3]
    if os.environ.get("SANCTAG_WRAPPER"):  # meson test --setup=valgrind
        os.environ["SANCTAG_REAL"] = os.path.abspath(sanctag)
        sanctag = os.environ["SANCTAG_WRAPPER"]
    inputs = argv[4:]
    for p in [schema_path, db] + inputs:
        if not os.path.isfile(p):
            harness_error("no such file: %s" % p)
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    dialect = schema.get("$schema", "")
    if "2020-12" in dialect:
        cls = jsonschema.Draft202012Validator
    elif "draft-07" in dialect:
        cls = jsonschema.Draft7Validator
    else:
        harness_error("unsupported $schema %r" % dialect)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        harness_error("the schema itself is invalid: %s" % e.message)
    validator = cls(schema)

    problems = self_check(validator)
    if problems:
        print("check-schema.py: self-check failed:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1

    jsonl_inputs = [p for p in inputs if p.endswith(".jsonl")]
    text_inputs = [p for p in inputs if not p.endswith(".jsonl")]

    with tempfile.TemporaryDirectory(prefix="sanctag-check-schema.") as tmp:
        env_db = db
        if db.endswith(".tsv"):
            env_db = os.path.join(tmp, "gazetteer.db")
            st, _, err = run(sanctag, ["gaz", "build", env_db, db])
            if st != 0:
                harness_error("cannot build %s: %s" % (db, err.strip()))
        env_db = os.path.abspath(env_db)

        # feed documents as plain-text files too (valid, non-empty texts only)
        docs_dir = os.path.join(tmp, "docs")
        os.mkdir(docs_dir)
        doc_files = []
        for path in jsonl_inputs:
            for lineno, raw in jsonl_documents(path):
                ok, _, text = parse_document(raw)
                if not ok or not isinstance(text, str):
                    continue
                try:
                    data = text.encode("utf-8")
                except UnicodeEncodeError:
                    continue
                name = os.path.join(docs_dir, "doc-%05d.txt" % len(doc_files))
                with open(name, "wb") as f:
                    f.write(data)
                doc_files.append(name)
        plain_files = [os.path.abspath(p) for p in text_inputs] + doc_files

        fails = Failures()
        total_spans = total_lines = 0
        jsonl_abs = [os.path.abspath(p) for p in jsonl_inputs]
        runs = []
        if jsonl_abs:
            base = ["tag", "--db", env_db, "--jsonl"]
            exp = jsonl_expectations(jsonl_abs)
            runs += [
                ("jsonl", base + jsonl_abs, exp, {}),
                ("jsonl --sentences --all --suppressors",
                 base + ["--sentences", "--all", "--suppressors"] + jsonl_abs, exp,
                 {"sentences": True, "all": True, "suppressors": True}),
                ("jsonl --offsets utf16", base + ["--offsets", "utf16"] + jsonl_abs, exp,
                 {"offsets": "utf16"}),
                ("jsonl --offsets byte --all", base + ["--offsets", "byte", "--all"] + jsonl_abs,
                 exp, {"offsets": "byte", "all": True}),
                ("jsonl --no-propagate", base + ["--no-propagate"] + jsonl_abs, exp,
                 {"no_propagate": True}),
            ]
        if plain_files:
            exp = plain_expectations(plain_files)
            runs += [
                ("plain", ["tag", "--db", env_db] + plain_files, exp, {}),
                ("plain --offsets utf16 --sentences",
                 ["tag", "--db", env_db, "--offsets", "utf16", "--sentences"] + plain_files, exp,
                 {"offsets": "utf16", "sentences": True}),
            ]
        for name, args, exp, opts in runs:
            opts = dict(opts)
            opts.setdefault("offsets", "codepoint")
            n, lines = check_run(name, sanctag, args, exp, validator, fails, opts)
            total_spans += n
            total_lines += lines

        if total_spans == 0:
            fails.add("inputs", "no spans in any output: the inputs exercise nothing")
        if fails.items:
            print("check-schema.py: %d failure(s)%s:" % (
                len(fails), ", the first %d" % MAX_SHOWN if len(fails) > MAX_SHOWN else ""),
                file=sys.stderr)
            for item in fails.items[:MAX_SHOWN]:
                print("  " + item, file=sys.stderr)
            return 1
        print("check-schema.py: %d records in %d runs, %d spans, %d negative self-checks: ok"
              % (total_lines, len(runs), total_spans, len(NEGATIVE)))
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

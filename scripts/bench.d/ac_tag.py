#!/usr/bin/python3
"""ac_tag.py - the pyahocorasick peer of `sanctag tag` for scripts/bench.

Usage: ac_tag.py ALIASES TEXT OUT

ALIASES has one name per line, TEXT one document per line, OUT receives the
selected matches ("LINE<TAB>START<TAB>END<TAB>ALIAS#", code-point offsets) or
is /dev/null. Same job as hs_tag.c: caseless (Python str.lower, kept to the
text's length so offsets stay valid), a match counts only when the characters
on both sides are not letters, marks or digits, then leftmost-longest
non-overlapping per document. Prints one JSON object: aliases, build_s,
scan_s, bytes (UTF-8 text bytes), docs, matches.
"""
import json
import sys
import time
import unicodedata

import ahocorasick


def lower_same_length(s):
    low = s.lower()
    if len(low) == len(s):
        return low
    # a few characters lower-case to two code points ('İ'): keep those as written
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in s)


_word_cache = {}


def is_word(ch):
    w = _word_cache.get(ch)
    if w is None:
        w = unicodedata.category(ch)[0] in "LMN"
        _word_cache[ch] = w
    return w


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("Usage: ac_tag.py ALIASES TEXT OUT\n")
        return 2
    t0 = time.monotonic()
    auto = ahocorasick.Automaton()
    n = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            name = line.rstrip("\r\n")
            if not name:
                continue
            key = lower_same_length(name)
            if key not in auto:
                auto.add_word(key, (n, len(key)))
            n += 1
    auto.make_automaton()
    t1 = time.monotonic()
    matches = docs = nbytes = 0
    with open(sys.argv[2], encoding="utf-8") as f, open(sys.argv[3], "w", encoding="utf-8",
                                                        buffering=1 << 20) as out:
        for lineno, line in enumerate(f, 1):
            text = line.rstrip("\n")
            if not text:
                continue
            docs += 1
            nbytes += len(text.encode("utf-8"))
            low = lower_same_length(text)
            tlen = len(text)
            found = []
            for end, (ident, length) in auto.iter(low):
                start = end - length + 1
                if start > 0 and is_word(text[start - 1]):
                    continue
                if end + 1 < tlen and is_word(text[end + 1]):
                    continue
                found.append((start, -(end + 1), ident))
            if not found:
                continue
            found.sort()
            cursor = 0
            for start, negend, ident in found:
                if start < cursor:
                    continue
                cursor = -negend
                matches += 1
                out.write("%d\t%d\t%d\t%d\n" % (lineno, start, cursor, ident))
    t2 = time.monotonic()
    print(json.dumps({"aliases": n, "build_s": round(t1 - t0, 4), "scan_s": round(t2 - t1, 4),
                      "bytes": nbytes, "docs": docs, "matches": matches}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

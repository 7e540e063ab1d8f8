#!/bin/bash
# Hostile input: every case ends in a clear error or a correct result, one
# output line per input document, and no crash (a crash or sanitizer report
# makes sanctag exit with a status other than 0/1/2/3).
# Usage: hostile.sh SANCTAG TESTS_DATA_DIR
set -uo pipefail
. "$(dirname -- "$0")/lib.sh" "$@"
data=$2
py=/usr/bin/python3
"$sanctag" gaz build "$tmp/f.db" "$data/fixture.tsv" 2>/dev/null || { echo "cannot build fixture" >&2; exit 99; }
db=$tmp/f.db

# run NAME EXPECTED_LINES ALLOWED_STATUSES ARGS...: runs sanctag tag, checks
# status, line count and that every line is a JSON object (LIGHT=1: only that
# every line starts like one, for the huge cases)
run() {
  local name=$1 lines=$2 ok=$3; shift 3
  "$sanctag" tag --db "$db" "$@" >"$tmp/out" 2>"$tmp/err"
  local st=$?
  [[ " $ok " == *" $st "* ]] || { fail "$name: exit status $st (allowed: $ok); stderr: $(head -c 300 "$tmp/err")"; return; }
  local n; n=$(wc -l <"$tmp/out")
  [ "$n" = "$lines" ] || fail "$name: $n output lines, expected $lines"
  if [ "${LIGHT:-0}" = 1 ]; then
    [ "$(grep -c '^{"id":' "$tmp/out")" = "$lines" ] || fail "$name: output lines are not records"
    return
  fi
  $py -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(l); assert isinstance(d, dict) and "spans" in d' "$tmp/out" || fail "$name: output is not JSON objects"
}

# invalid and overlong UTF-8, lone surrogates (raw bytes and JSON escapes), NUL
printf 'Korut \xc0\xaf AS' >"$tmp/overlong.txt";   run overlong 1 "1" "$tmp/overlong.txt"
printf 'Korut \xed\xa0\x80 AS' >"$tmp/surr.txt";   run raw-surrogate 1 "1" "$tmp/surr.txt"
printf 'Korut \xf8\x88\x80\x80\x80' >"$tmp/5b.txt"; run five-byte 1 "1" "$tmp/5b.txt"
printf 'Korut\x00AS' >"$tmp/nul.txt";              run nul 1 "1" "$tmp/nul.txt"
printf '%s\n' '{"id":1,"text":"Korut \ud800 AS"}' '{"id":2,"text":"\udc00"}' '{"id":3,"text":"ok \ud83d\ude00 Korut"}' \
  '{"id":4,"text":"a\u0000b"}' >"$tmp/esc.jsonl"
run json-surrogates 4 "1" "$tmp/esc.jsonl"
grep -q '"id":3,.*"text":"Korut"' "$tmp/out" || fail "json-surrogates: valid pair document not tagged"

# deeply nested JSON, non-object lines, duplicate ids, huge numbers
$py - "$tmp/nest.jsonl" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"id":"deep","text":"Korut","x":' + "[" * 100000 + "]" * 100000 + "}\n")
    f.write('{"id":"deepobj","text":"Korut","x":' + '{"a":' * 5000 + "1" + "}" * 5000 + "}\n")
    f.write("[1,2,3]\n" "42\n" '"just a string"\n' "null\n" "true\n")
    f.write('{"id":"dup","text":"Korut"}\n{"id":"dup","text":"AS"}\n')
    f.write('{"id":123456789012345678901234567890,"text":"Korut"}\n')
    f.write('{"id":1e400,"text":"Korut"}\n{"id":-1.5e-300,"text":"Korut"}\n')
PY
run nesting-and-scalars 12 "1" "$tmp/nest.jsonl"
[ "$(grep -c '"error"' "$tmp/out")" -ge 5 ] || fail "non-object lines: expected error records"
grep -q '"id":"dup".*"text":"AS"' "$tmp/out" || fail "duplicate ids: second document lost"

# numbers beyond Jansson's range (64-bit integers, doubles) are valid JSON: a
# line holding one is tagged; in the id or a --keep field the number is kept
# as the string of its digits; a text field that is a number stays an error.
# The fast scanner and the Jansson path (an escaped key) agree; show,
# discover, cooccur and stdin detection read such lines too (issue 19).
big=123456789012345678901234567890
printf '%s\n' "{\"id\":\"a\",\"text\":\"Korut\",\"n\":$big}" \
  "{\"id\":\"b\",\"text\":\"Korut\",\"n\":1e999,\"m\":[-99999999999999999999,{\"k\":-1e400}]}" \
  "{\"\\u0069d\":\"c\",\"text\":\"Korut\",\"n\":$big}" \
  "{\"id\":$big,\"text\":\"Korut\"}" \
  "{\"\\u0069d\":-$big,\"text\":\"Korut\",\"n\":-2.5e999}" \
  "{\"id\":\"t\",\"text\":$big}" "{\"id\":\"u\",\"te\\u0078t\":-1e999}" >"$tmp/bignum.jsonl"
run big-numbers 7 "1" --keep n "$tmp/bignum.jsonl"
$py - "$tmp/out" "$big" <<'PY' || fail "big-numbers: $(head -c 600 "$tmp/out")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
big = sys.argv[2]
ids = [r["id"] for r in recs]
assert ids == ["a", "b", "c", big, "-" + big, "t", "u"], ids
for r in recs[:5]:
    assert "error" not in r and r["spans"] and r["spans"][0]["text"] == "Korut", r
assert recs[0]["n"] == big and recs[1]["n"] == "1e999" and recs[2]["n"] == big, recs[:3]
assert recs[4]["n"] == "-2.5e999", recs[4]
for r in recs[5:]:
    assert r["error"]["code"] == "invalid_record" and "not a string" in r["error"]["message"], r
PY
"$sanctag" tag --db "$db" --format csv "$tmp/bignum.jsonl" >"$tmp/out" 2>/dev/null
grep -q "^$big,0,5,Korut," "$tmp/out" || fail "big-numbers: csv has no row with the id's digits"
head -1 "$tmp/bignum.jsonl" | "$sanctag" tag --db "$db" 2>"$tmp/err" >"$tmp/out"
grep -q '"id":"a",.*"text":"Korut"' "$tmp/out" || fail "big-numbers: stdin not read as JSON Lines: $(cat "$tmp/err")"
"$sanctag" show --db "$db" --color never --jsonl "$tmp/bignum.jsonl" >"$tmp/out" 2>"$tmp/err"
[ "$(grep -c '^\[Korut\]\[KP\]' "$tmp/out")" = 5 ] || fail "big-numbers: show did not show 5 documents: $(head -c 300 "$tmp/err")"
head -5 "$tmp/bignum.jsonl" >"$tmp/bignum5.jsonl"
"$sanctag" cooccur --tag --db "$db" "$tmp/bignum5.jsonl" >"$tmp/out" 2>"$tmp/err"
grep -q '^sanctag cooccur: 5 documents (0 error records' "$tmp/err" ||
  fail "big-numbers: cooccur refused lines: $(head -c 300 "$tmp/err")"
"$sanctag" discover --db "$db" --jsonl "$tmp/bignum.jsonl" >/dev/null 2>"$tmp/err"
[ "$(grep -c 'skipped$' "$tmp/err")" = 2 ] && ! grep -q 'too big\|overflow' "$tmp/err" ||
  fail "big-numbers: discover: $(head -c 400 "$tmp/err")"

# SQL metacharacters in ids and text; in gazetteer names and aliases
printf '%s\n' "{\"id\":\"x'; DROP TABLE entity; --\",\"text\":\"Korut' OR 1=1 -- dan AS\"}" >"$tmp/sql.jsonl"
run sql-in-ids 1 "0" "$tmp/sql.jsonl"
printf 'key\tlabel\talias\tsource\norg:x\tORG\tRobert%s); DROP TABLE alias;--\tt\norg:y\tORG\tO%sBrien & Co\tt\n' "'" "'" >"$tmp/sql.tsv"
"$sanctag" gaz build "$tmp/sql.db" "$tmp/sql.tsv" 2>"$tmp/err" || fail "SQL metacharacters in aliases: build failed: $(cat "$tmp/err")"
echo "kata Robert'); DROP TABLE alias;-- dan O'Brien & Co" | "$sanctag" tag --db "$tmp/sql.db" >"$tmp/out" 2>/dev/null
[ "$($py -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["spans"]))' "$tmp/out")" = 2 ] || fail "SQL metacharacters: aliases not matched"

# gazetteer aliases: empty, all punctuation, 10,000 characters
printf 'key\tlabel\talias\tsource\norg:e\tORG\t\tt\n' >"$tmp/empty.tsv"
"$sanctag" gaz build "$tmp/e.db" "$tmp/empty.tsv" 2>"$tmp/err"; st=$?
[ $st = 3 ] && grep -q 'empty.tsv:2: empty alias' "$tmp/err" || fail "empty alias: status $st, $(cat "$tmp/err")"
[ -e "$tmp/e.db" ] && fail "empty alias: database written"
printf 'key\tlabel\talias\tsource\norg:p\tORG\t.,;!?--\tt\n' >"$tmp/punct.tsv"
"$sanctag" gaz build "$tmp/p.db" "$tmp/punct.tsv" 2>"$tmp/err"; st=$?
[ $st = 3 ] && grep -q 'no letters or digits' "$tmp/err" || fail "all-punctuation alias: status $st, $(cat "$tmp/err")"
long=$($py -c 'print("Panjang " * 1250)')
printf 'key\tlabel\talias\tsource\norg:l\tORG\t%s\tt\n' "$long" >"$tmp/long.tsv"
"$sanctag" gaz build "$tmp/l.db" "$tmp/long.tsv" 2>"$tmp/err"; st=$?
[ $st = 3 ] && grep -q 'longer than 1000 bytes' "$tmp/err" || fail "10,000-character alias: status $st, $(cat "$tmp/err")"

# a 100 MB single line, and 1,000,000 tiny documents (-j 2 keeps order)
$py -c '
import sys
chunk = "Korut dan AS bertemu di Seoul. " * 1000
n = 100 * 1000 * 1000 // len(chunk) + 1
with open(sys.argv[1], "w") as f:
    f.write("{\"id\":\"big\",\"text\":\"")
    for _ in range(n): f.write(chunk)
    f.write("\"}\n")' "$tmp/big.jsonl"
# over the default per-document limit (64M, doc-limit.sh): allowed by the option
LIGHT=1 run 100mb-line 1 "0" -j 2 --max-doc-size 128M "$tmp/big.jsonl"
spans=$(grep -o '"label":"COUNTRY"' "$tmp/out" | wc -l)
[ "$spans" -ge 6400000 ] || fail "100 MB line: only $spans country spans"
rm -f "$tmp/big.jsonl"
$py -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(1000000):
        f.write("{\"id\":%d,\"text\":\"%s\"}\n" % (i, "Korut" if i % 3 else "x"))' "$tmp/tiny.jsonl"
LIGHT=1 run million-tiny 1000000 "0" -j 2 "$tmp/tiny.jsonl"
awk -F'[:,]' '$2 != NR - 1 { print "line " NR " has id " $2; exit 1 }' "$tmp/out" || fail "million-tiny: order"
# a feed whose length is an exact multiple of the batch size (65,536 is one
# of 32 and of 256), where the batch that is oldest when the last one fills
# is still being tagged (a slow document at 170 or 1,400 from the end, in
# the fifth batch from the end for batches of 32 or of 256): nothing is
# being filled then, and the oldest batch was once submitted again and the
# run waited for ever (issue 20). The two cases for batch sizes the pipeline
# has used.
$py -c '
import sys
slow = "Korut dan AS bertemu di Seoul. " * 2000
with open(sys.argv[1], "w") as f:
    for i in range(65536):
        t = slow if 65536 - i in (170, 1400) else ("Korut" if i % 3 else "x")
        f.write("{\"id\":%d,\"text\":\"%s\"}\n" % (i, t))' "$tmp/even.jsonl"
for k in 1 2 3; do
  n=$(timeout -s KILL 60 "$sanctag" tag --db "$tmp/f.db" -j 2 "$tmp/even.jsonl" 2>"$tmp/err" | wc -l)
  [ "$n" = 65536 ] || { fail "65,536 documents at -j 2: $n lines out (hung): $(head -c 300 "$tmp/err")"; break; }
done

t_done

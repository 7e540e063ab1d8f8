#!/usr/bin/env bash
# cli.sh - `sanctag gaz import` from the command line: usage errors, the diff
# it prints, all-or-nothing behaviour (a failed import leaves the database byte
# for byte as it was, a failed --create leaves no file), --dry-run, --json, and
# what tagging then shows: "sanctions" on listed spans, --listed-only, --weak.
#
# Usage: cli.sh SANCTAG DATA_DIR   (DATA_DIR = tests/data/import)
# Exit status: 0 pass, 1 fail, 99 harness error.

set -u
. "$(dirname -- "$0")/../lib.sh" "$@"

[ $# -eq 2 ] || die "usage: cli.sh SANCTAG DATA_DIR"
data=$2
[ -f "$data/un/consolidated-v1.xml" ] || die "missing fixtures in $data"
command -v python3 >/dev/null || die "python3 needed"

# run EXPECTED_STATUS ARGS...: runs sanctag, output in $tmp/out and $tmp/err
run() {
    local want=$1
    shift
    "$sanctag" "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    [ "$got" -eq "$want" ] || fail "sanctag $* exited $got, expected $want: $(head -c 400 "$tmp/err")"
}

sum() { sha256sum "$1" | cut -d' ' -f1; }

db=$tmp/lists.db
un1=$data/un/consolidated-v1.xml
un2=$data/un/consolidated-v2.xml

# ---- usage errors: exit 2, nothing created
run 2 gaz import "$db" "$un1"
grep -q -- "--format is required" "$tmp/err" || fail "no --format: $(cat "$tmp/err")"
run 2 gaz import --format un-json "$db" "$un1"
grep -q "unknown format 'un-json'" "$tmp/err" || fail "bad format: $(cat "$tmp/err")"
run 2 gaz import --format un-xml "$db"
run 2 gaz import --format un-xml --no-such-option "$db" "$un1"
[ ! -e "$db" ] || fail "a usage error created $db"
run 0 gaz import --help
grep -q "ofac-csv" "$tmp/out" || fail "gaz import --help lacks the formats"
run 0 gaz --help
grep -q "import" "$tmp/out" || fail "gaz --help does not mention import"

# ---- a missing database is not created without --create
run 3 gaz import --format un-xml "$db" "$un1"
grep -q "gazetteer not found" "$tmp/err" || fail "missing db: $(cat "$tmp/err")"
[ ! -e "$db" ] || fail "import without --create created $db"

# ---- --create with a bad file leaves no file behind
run 3 gaz import --create --format un-xml "$db" "$data/un/bad-date.xml"
grep -q "bad-date.xml:379: ENTITY KPe.007: LISTED_ON '16/07/2009'" "$tmp/err" ||
    fail "bad date message: $(cat "$tmp/err")"
[ ! -e "$db" ] || fail "a failed --create left $db"

# ---- --create and the first import: everything is added
run 0 gaz import --create --format un-xml "$db" "$un1"
[ "$(grep -c '^+ ' "$tmp/out")" -eq 11 ] || fail "first import: $(cat "$tmp/out")"
grep -qx '+ un:KPi.033 PERSON "RI WON HO"' "$tmp/out" || fail "no '+ un:KPi.033' line"
grep -qx '+ un:KPe.990 VESSEL "JIE SHUN"' "$tmp/out" || fail "no '+ un:KPe.990' line"
grep -q "imported un-sc (un-xml, version 2026-01-28T00:00:11.197Z) into $db: 11 entities (11 listed)" \
    "$tmp/err" || fail "summary: $(cat "$tmp/err")"

# ---- a bad import changes nothing, byte for byte, and names file and line
before=$(sum "$db")
run 3 gaz import --format un-xml "$db" "$data/un/bad-mismatched-tag.xml"
grep -q "bad-mismatched-tag.xml:93: malformed XML" "$tmp/err" || fail "xml error: $(cat "$tmp/err")"
grep -q "unchanged" "$tmp/err" || fail "no 'unchanged' note"
run 3 gaz import --format ofac-csv "$db" "$data/ofac/bad-fields.csv" "$data/ofac/alt.csv"
grep -q "bad-fields.csv:4: record 4 has 11 fields" "$tmp/err" || fail "csv error: $(cat "$tmp/err")"
run 3 gaz import --format ftm "$db" "$data/ftm/bad-json.ftm.json"
grep -q "bad-json.ftm.json:3:" "$tmp/err" || fail "json error: $(cat "$tmp/err")"
run 3 gaz import --format tsv --source un-sc "$db" "$data/plain/list.tsv"
grep -q "refusing to replace" "$tmp/err" || fail "source kind: $(cat "$tmp/err")"
[ "$(sum "$db")" = "$before" ] || fail "a failed import changed $db"

# ---- --dry-run shows the diff and writes nothing
run 0 gaz import --dry-run --format un-xml "$db" "$un2"
grep -qx -- '- un:KPi.033 PERSON "RI WON HO"' "$tmp/out" || fail "dry run: $(cat "$tmp/out")"
grep -q "would import un-sc" "$tmp/err" || fail "dry run summary: $(cat "$tmp/err")"
[ "$(sum "$db")" = "$before" ] || fail "--dry-run changed $db"

# ---- re-import: what changed on the list
run 0 gaz import --format un-xml "$db" "$un2"
cat >"$tmp/want" <<'EOF'
+ un:KPi.080 PERSON "TSANG YUNG YUAN"
- un:KPi.033 PERSON "RI WON HO"
~ un:KPe.001 ORG "KOREA MINING DEVELOPMENT TRADING CORPORATION": alias +"Korea Kumryong Trading Corporation"
~ un:KPe.990 VESSEL "JIE SHUN": listed_on "2016-03-02" -> "2016-03-04"
~ un:KPi.034 PERSON "JO YONG CHUL": name "JO YONG CHOL" -> "JO YONG CHUL"; alias +"JO YONG CHUL"; alias +"YONG CHUL JO"; alias -"JO YONG CHOL"; alias -"YONG CHOL JO"
EOF
diff -u "$tmp/want" "$tmp/out" >"$tmp/diff" || fail "re-import diff:
$(cat "$tmp/diff")"
grep -q "+1 -1 ~3 =7" "$tmp/err" || fail "re-import summary: $(cat "$tmp/err")"

# ---- the same list again, as JSON: nothing changed
run 0 gaz import --json --format un-xml "$db" "$un2"
python3 - "$tmp/out" <<'EOF' || fail "--json report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["source"] == "un-sc" and r["format"] == "un-xml", r
assert r["added"] == [] and r["removed"] == [] and r["changed"] == [], r
assert r["unchanged"] == 11 and r["entities"] == 11 and r["dry_run"] is False, r
EOF
run 0 gaz import --quiet --format un-xml "$db" "$un2"
[ ! -s "$tmp/out" ] || fail "--quiet printed: $(cat "$tmp/out")"

# ---- a second list and an unlisted entity beside the UN one
run 0 gaz import --format tsv "$db" "$data/plain/list.tsv"
run 0 gaz import --format ofac-csv "$db" "$data/ofac/sdn.csv" "$data/ofac/alt.csv"

# ---- tagging: sanctions on listed spans, --listed-only, --weak
text='Jo Yong-chul met John Doe and Kim Jong Un; Abu Usman was not there.'
printf '%s' "$text" >"$tmp/doc.txt"
run 0 tag --db "$db" "$tmp/doc.txt"
cp "$tmp/out" "$tmp/all.json"
run 0 tag --db "$db" --listed-only "$tmp/doc.txt"
cp "$tmp/out" "$tmp/listed.json"
run 0 tag --db "$db" --weak "$tmp/doc.txt"
cp "$tmp/out" "$tmp/weak.json"
python3 - "$tmp" <<'EOF' || fail "tagging with the imported lists"
import json, os, sys
d = sys.argv[1]
load = lambda n: json.loads(open(os.path.join(d, n)).read())
spans = lambda doc: [(s["text"], s["entity"]) for s in doc["spans"]]
full = load("all.json")
assert spans(full) == [("Jo Yong-chul", "un:KPi.034"), ("John Doe", "list:doe"),
                       ("Kim Jong Un", "ofac:20157")], spans(full)
jo = full["spans"][0]["sanctions"]
assert jo == {"listed": True, "programs": ["DPRK"], "source": "un-sc", "ref": "KPi.034",
              "listed_on": "2016-11-30",
              "records": [{"source": "un-sc", "ref": "KPi.034", "programs": ["DPRK"],
                           "listed_on": "2016-11-30", "entity": "un:KPi.034"}]}, jo
assert full["spans"][2]["sanctions"]["source"] == "ofac-sdn", full["spans"][2]
assert "sanctions" not in full["spans"][1], full["spans"][1]
listed = load("listed.json")
assert spans(listed) == [("Jo Yong-chul", "un:KPi.034"), ("Kim Jong Un", "ofac:20157")], spans(listed)
assert listed["id"] == full["id"] and listed["gazetteer"] == full["gazetteer"], listed
weak = load("weak.json")
assert ("Abu Usman", "un:QDi.290") in spans(weak), spans(weak)
EOF
run 2 tag --db "$db" --listed-only --no-such-option "$tmp/doc.txt"

[ $failed -eq 0 ] && echo "cli.sh: all checks passed"
exit $failed

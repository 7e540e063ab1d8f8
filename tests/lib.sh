# lib.sh - the start every shell test of sanctag shares. Source it first, with
# the script's own arguments:
#
#     . "$(dirname -- "$0")/lib.sh" "$@"      (tests/)
#     . "$(dirname -- "$0")/../lib.sh" "$@"   (tests/SUITE/)
#
# It sets
#   me       the script's name, for messages;
#   sanctag  $1 as an absolute path, or the valgrind wrapper when
#            `meson test --setup=valgrind` names one in $SANCTAG_WRAPPER (the
#            wrapper runs $SANCTAG_REAL), so valgrind sees sanctag, not bash;
#   tmp      a private directory, removed at exit even where a test made parts
#            of it read-only;
#   failed   0 until fail is called;
# and defines die MSG (harness error: exit 99, the status meson reports as an
# error rather than a failure), fail MSG (record a failure and go on) and
# t_done (exit 1 after any failure, else say so and exit 0). SANCTAG_DB is
# unset and LC_ALL is C, so the caller's environment cannot steer a test.

me=$(basename -- "$0")
die() { echo "$me: $*" >&2; exit 99; }
fail() { echo "FAIL: $*" >&2; failed=1; }
t_done() {
    [ "$failed" = 0 ] || exit 1
    echo "$me: all checks passed"
    exit 0
}
failed=0

[ $# -ge 1 ] || die "usage: $me SANCTAG [ARGS...]"
case $1 in
/*) sanctag=$1 ;;
*) sanctag=$PWD/$1 ;;
esac
[ -x "$sanctag" ] || die "not executable: $sanctag"
if [ -n "${SANCTAG_WRAPPER:-}" ]; then
    export SANCTAG_REAL=$sanctag
    sanctag=$SANCTAG_WRAPPER
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sanctag-${me%.*}.XXXXXX") || die "mktemp failed"
trap 'chmod -R u+w -- "$tmp" 2>/dev/null; rm -rf -- "$tmp"' EXIT
unset SANCTAG_DB
export LC_ALL=C

#!/bin/sh
# Runs every test: unit test binaries, then the end-to-end cases.
# Usage: tests/run.sh BINARY UNIT_DIR
#   BINARY    the quotesmith binary to test
#   UNIT_DIR  folder holding the compiled unit test programs (test_*)
# Each end-to-end case is a folder tests/cases/NAME holding the inputs and
#   cmd              arguments to quotesmith (one line, split on spaces)
#   setup            optional shell script run first, in the case's copy;
#                    $QS_TESTS names the tests folder (for tests/fixtures),
#                    $QS_FAILIO the failure-injection shim (tests/shim),
#                    $QS the binary; exit 77 skips the case (counted)
#   expected-exit    the exit status
#   expected-stdout  optional, compared byte for byte
#   expected-stderr  optional, compared byte for byte
#   check            optional shell script run after, must exit 0; $QS is
#                    the binary under test. A setup or check asserts that
#                    something is absent with "! CMD || exit 1": under
#                    set -e a failing "! CMD" alone does not stop the script
# A case runs in a fresh copy of its folder, with a time limit of
# $QS_CASE_TIMEOUT seconds (default 60: generous, so that a loaded CI
# machine running the sanitizer build never fails a correct case; a hang
# still ends). Every PDF a case writes must pass qpdf --check and embed all
# its fonts.
# QS_LOCALE (e.g. de_DE.UTF-8, a decimal-comma locale; make test runs the
# suite once more so) is the locale quotesmith and the unit tests run
# under (set by the shim UNIT_DIR/setlocale.so, tests/shim; messages stay
# in C): their output must not depend on it. The runner, the cases' setup
# and check scripts and the tools they run stay under LC_ALL=C.
# QS_CASES (a shell pattern, e.g. 'build-*') runs only the end-to-end
# cases whose name matches it, for a quick round while working (the unit
# tests always run): QS_CASES='build-*' make test.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
unitdir=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 skipped=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
qs_locale=${QS_LOCALE:-C}
export LC_ALL=C
# quotesmith under QS_LOCALE, also where a check script runs it as $QS.
preload=""
[ "$qs_locale" != C ] && preload="$unitdir/setlocale.so"
printf '#!/bin/sh\nQS_LOCALE=%s LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}%s" exec "%s" "$@"\n' \
    "$qs_locale" "$preload" "$bin" >"$work/quotesmith"
chmod +x "$work/quotesmith"
if [ "$qs_locale" != C ] &&
    ! locale -a | grep -qix "$(echo "$qs_locale" | sed 's/\.utf-8$/.utf8/I')"; then
    echo "FAIL the locale $qs_locale is not installed (make deps generates it)"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi

fail() { failed=$((failed + 1)); echo "FAIL $*"; }

for t in "$unitdir"/test_*; do
    [ -x "$t" ] || continue
    out=$(QS_LOCALE=$qs_locale LD_PRELOAD=$preload "$t" 2>&1); rc=$?
    n_ok=$(printf '%s\n' "$out" | grep -c '^ok ')
    n_fail=$(printf '%s\n' "$out" | grep -c '^FAIL ')
    passed=$((passed + n_ok)); failed=$((failed + n_fail))
    printf '%s\n' "$out" | grep -A1 '^FAIL ' | sed 's/^/  /'
    if [ "$rc" -ne 0 ] && [ "$n_fail" -eq 0 ]; then
        fail "$(basename "$t") exited $rc"; printf '%s\n' "$out" | tail -5
    fi
done

for dir in "$here"/cases/*/; do
    name=$(basename "$dir")
    [ -f "$dir/cmd" ] || continue
    # shellcheck disable=SC2254
    case $name in ${QS_CASES:-*}) ;; *) continue ;; esac
    case_dir="$work/$name"
    cp -R "$dir" "$case_dir"
    (
        cd "$case_dir" || exit 1
        export QS_TESTS="$here"
        export QS_FAILIO="$unitdir/failio.so"
        if [ -f setup ]; then
            QS="$bin" sh ./setup >setup.log 2>&1; rc=$?
            [ "$rc" -eq 77 ] && { cat setup.log; exit 77; }
            [ "$rc" -ne 0 ] && { echo "setup failed:"; cat setup.log; exit 1; }
        fi
        # shellcheck disable=SC2046
        timeout "${QS_CASE_TIMEOUT:-60}" "$work/quotesmith" $(cat cmd) >actual-stdout 2>actual-stderr </dev/null
        echo $? >actual-exit
        ok=1
        if ! diff -u expected-exit actual-exit >/dev/null; then
            echo "exit: want $(cat expected-exit), got $(cat actual-exit)"; ok=0
        fi
        for s in stdout stderr; do
            [ -f "expected-$s" ] || continue
            if ! cmp -s "expected-$s" "actual-$s"; then
                echo "$s differs:"; diff -u "expected-$s" "actual-$s" | head -20; ok=0
            fi
        done
        if [ -f check ] && ! QS="$work/quotesmith" sh ./check >check.log 2>&1; then
            echo "check failed:"; head -20 check.log; ok=0
        fi
        # Every PDF a case produced passes qpdf --check and embeds every font.
        for pdf in $(find . -name '*.pdf' -newer cmd 2>/dev/null); do
            if ! qpdf --check "$pdf" >/dev/null 2>&1; then
                echo "qpdf --check fails on $pdf"; ok=0
            fi
            if pdffonts "$pdf" 2>/dev/null | awk 'NR > 2 && $(NF-4) != "yes"' | grep -q .; then
                echo "a font is not embedded in $pdf"; ok=0
            fi
        done
        [ "$ok" -eq 1 ]
    ) >"$work/$name.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1))
    elif [ $rc -eq 77 ]; then
        skipped=$((skipped + 1)); echo "SKIP case $name: $(head -1 "$work/$name.log")"
    else
        fail "case $name"; sed 's/^/  /' "$work/$name.log"
    fi
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

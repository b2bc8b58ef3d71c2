#!/bin/sh
# Runs the libFuzzer harnesses built into build/fuzz (fuzz/README.md).
# Usage: fuzz/run.sh smoke|fuzz SECONDS [HARNESS...]
#   smoke  each harness SECONDS (at most 20000 inputs), in a
#          throw-away corpus, over fuzz/corpus/NAME and the crash fixtures in
#          tests/fuzz-regressions/NAME; fails when any input crashes, leaks,
#          trips a sanitizer or times out
#   fuzz   each harness SECONDS, growing the kept corpus build/fuzz/corpus/NAME
#          (seeded from the same folders); goes on after a crash and fails at
#          the end
# HARNESS defaults to every harness: decimal pricelist quote department rules
# template csv. Crashing inputs are written to build/fuzz/artifacts/NAME/.
# Extra libFuzzer flags: FUZZ_ARGS (e.g. FUZZ_ARGS="-jobs=2 -workers=2").
set -u
mode=${1:?usage: fuzz/run.sh smoke|fuzz SECONDS [HARNESS...]}
seconds=${2:?usage: fuzz/run.sh smoke|fuzz SECONDS [HARNESS...]}
shift 2
[ $# -gt 0 ] || set -- decimal pricelist quote department rules template csv
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/fuzz
failed=""

# Leaks are bugs here (every harness frees what one input made).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

for name in "$@"; do
    bin=$out/fuzz_$name
    [ -x "$bin" ] || { echo "fuzz: $bin is missing (make fuzz-build)" >&2; exit 2; }
    seeds=$here/fuzz/corpus/$name
    regressions=$here/tests/fuzz-regressions/$name
    [ -d "$regressions" ] || regressions=
    mkdir -p "$out/artifacts/$name" "$out/logs"
    log=$out/logs/$name-$mode.log
    case $mode in
        smoke)
            corpus=$out/smoke/$name
            rm -rf "$corpus"
            limits="-max_total_time=$seconds -runs=20000"
            ;;
        fuzz)
            corpus=$out/corpus/$name
            limits="-max_total_time=$seconds"
            ;;
        *)
            echo "fuzz: unknown mode '$mode'" >&2
            exit 2
            ;;
    esac
    mkdir -p "$corpus"
    # The first folder receives new inputs; the others are only read.
    # shellcheck disable=SC2086
    "$bin" $limits -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/$name/" ${FUZZ_ARGS:-} \
        "$corpus" "$seeds" $regressions >"$log" 2>&1
    rc=$?
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 |
        sed -E 's/^#([0-9]+)[[:space:]]+[A-Z]+[[:space:]]+/\1 runs, /; s/ (lim|exec\/s|rss): [^ ]*//g')
    speed=$(grep '^stat::average_exec_per_sec' "$log" | sed 's/.*: *//')
    if [ "$rc" -eq 0 ]; then
        echo "fuzz $mode $name: ok: $last, ${speed:-?} exec/s"
    else
        failed="$failed $name"
        echo "fuzz $mode $name: FAILED (exit $rc), log $log"
        grep -E 'ERROR|SUMMARY|runtime error|fuzz: |Test unit written' "$log" | head -12 | sed 's/^/  /'
    fi
done

if [ -n "$failed" ]; then
    echo "fuzz $mode: failed:$failed (reproducers in $out/artifacts; see fuzz/README.md)"
    exit 1
fi

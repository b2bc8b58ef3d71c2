#!/bin/sh
# check promises build (docs/cli.md, "check"): for every case of
# tests/cases whose command reads one quote (build, check, data), runs
# both check and build on the case's inputs and requires the same stderr
# and the same exit status.
# Writing is build's alone: a case's -o and --depfile are dropped, and
# build writes into a fresh folder of its own then; without -o both use
# the default folder in the case's copy (a sent lock there is read by
# both; build writes after check ran). Cases whose setup skips (77)
# are left out. Exits 1 with a diff per case that differs, and fails when
# fewer than min_failing failing cases were compared (the suite lost them).
# Usage: tests/check-build.sh QS   (QS: the quotesmith binary or wrapper)
set -u
qs=$1
# A setup checks the binary itself (nm: a sanitizer build skips cases that
# need ulimit -v): the run.sh wrapper execs it.
bin=$(sed -n 's/.* exec "\(.*\)" "\$@"$/\1/p' "$qs" 2>/dev/null)
[ -n "$bin" ] || bin=$qs
min_failing=60
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
problems=0 compared=0 failing=0

for dir in "$here"/cases/*/; do
    name=$(basename "$dir")
    # shellcheck disable=SC2046
    set -- $(cat "$dir/cmd")
    case "${1:-}" in build|check|data) ;; *) continue ;; esac
    shift
    args="" outdir=""
    while [ $# -gt 0 ]; do
        case "$1" in
        -o) outdir="-o $work/out-$name"; shift; [ $# -gt 0 ] && shift ;;
        --depfile) shift; [ $# -gt 0 ] && shift ;;
        *) args="$args $1"; shift ;;
        esac
    done
    c="$work/$name"
    cp -R "$dir" "$c"
    if [ -f "$c/setup" ] && ! ( cd "$c" && QS="$bin" QS_TESTS="$here" \
            QS_FAILIO=/nonexistent sh ./setup >/dev/null 2>&1 </dev/null ); then
        rm -rf "$c" "$work/out-$name"
        continue
    fi
    # shellcheck disable=SC2086
    ( cd "$c" && "$qs" check $args >/dev/null 2>check.err </dev/null; echo $? >check.rc
      "$qs" build $args $outdir >/dev/null 2>build.err </dev/null
      echo $? >build.rc )
    compared=$((compared + 1))
    [ "$(cat "$c/build.rc")" != 0 ] && failing=$((failing + 1))
    if ! cmp -s "$c/check.rc" "$c/build.rc" || ! cmp -s "$c/check.err" "$c/build.err"; then
        problems=$((problems + 1))
        echo "$name: check exits $(cat "$c/check.rc"), build $(cat "$c/build.rc")"
        diff -u "$c/check.err" "$c/build.err" | sed -n '3,12p'
    fi
    rm -rf "$c" "$work/out-$name"
done

echo "check-build: $compared cases compared, $failing failing, $problems differ"
[ "$failing" -ge "$min_failing" ] || { echo "check-build: fewer than $min_failing failing cases"; exit 1; }
[ "$problems" -eq 0 ]

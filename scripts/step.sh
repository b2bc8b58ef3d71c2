#!/bin/sh
# Runs one step of `make test` and prints one short line for it:
#   scripts/step.sh build NAME COMMAND...   "build NAME ... ok"; the
#       command's output (compiler lines) only when it fails
#   scripts/step.sh suite NAME COMMAND...   "suite NAME: N passed, N failed";
#       the FAIL lines of the suite when there are any
#   scripts/step.sh final NAME COMMAND...   the same, then the suite's own
#       last line "N passed, N failed, N skipped" (the CI reads it)
# Exits with the command's status.
set -u
kind=$1 name=$2
shift 2
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM
"$@" >"$log" 2>&1
rc=$?
case $kind in
build)
    if [ "$rc" -eq 0 ]; then
        echo "build $name ... ok"
    else
        echo "build $name ... FAILED"
        cat "$log"
    fi
    ;;
suite|final)
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    if [ "$rc" -ne 0 ] || [ -z "$summary" ]; then
        grep -v '^ok ' "$log" | grep -v -E '^[0-9]+ passed, [0-9]+ failed' | head -200
    fi
    echo "suite $name: ${summary:-no result (exit $rc)}"
    [ "$kind" = final ] && echo "${summary:-0 passed, 1 failed}"
    ;;
*)
    echo "step.sh: unknown kind '$kind'" >&2
    exit 2
    ;;
esac
exit "$rc"

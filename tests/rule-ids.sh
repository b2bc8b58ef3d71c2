#!/bin/sh
# Holds the one table of rule ids (src/rule_ids.c) against the code and the
# docs. Usage: tests/rule-ids.sh [REPO]; exits 1 with a line per problem.
#   1. the table is sorted, each id once;
#   2. every id the code in src/*.c reports is in the table: a string
#      literal of the form of an id followed by a message literal (the
#      shape of every qs_diag_add and of the stages' report helpers:
#      `"unknown-sku", "unknown SKU '%s'"`, also with the sink between
#      them, `"bad-date", d, "..."`); template.c's terr() names an
#      attribute there, not a rule, and is left out;
#   3. every id of the table occurs as a literal in src/*.c (no stale ids);
#   4. docs/cli.md lists exactly the table, id and description, as rows
#      "| `ID` | DESCRIPTION |" between the lines "<!-- rule-ids -->" and
#      "<!-- /rule-ids -->".
set -u
export LC_ALL=C  # sort and comm order bytes, as the C table is sorted
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
problems=0
problem() { problems=$((problems + 1)); echo "rule-ids: $*"; }

sed -n 's/^ *{"\([a-z0-9-]*\)", "\(.*\)"},$/\1	\2/p' "$repo/src/rule_ids.c" > "$work/table"
cut -f1 "$work/table" > "$work/ids"
[ -s "$work/ids" ] || problem "no ids read from src/rule_ids.c"
sort -u "$work/ids" | cmp -s - "$work/ids" || problem "src/rule_ids.c is not sorted or holds an id twice"

ls "$repo"/src/*.c | grep -v '/rule_ids\.c$' > "$work/files"
# shellcheck disable=SC2046
perl -0777 -ne '
    s/qs_tpl_error\(\s*t\s*,[^,]*,\s*"[^"]*"//g;
    while (/"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)",\s*(?:d,\s*)?"[^"]*[ %]/g) { print "$1\n" }
' $(cat "$work/files") | sort -u > "$work/used"
for id in $(comm -23 "$work/used" "$work/ids"); do
    problem "'$id' is reported in src/ but is not in src/rule_ids.c"
done
for id in $(cat "$work/ids"); do
    # shellcheck disable=SC2046
    grep -qF "\"$id\"" $(cat "$work/files") || problem "'$id' is in the table but no code uses it"
done

sed -n '/^<!-- rule-ids -->$/,/^<!-- \/rule-ids -->$/p' "$repo/docs/cli.md" |
    sed -n 's/^| `\([a-z0-9-]*\)` | \(.*\) |$/\1	\2/p' > "$work/docs"
if ! cmp -s "$work/table" "$work/docs"; then
    problem "docs/cli.md's rule-id table differs from src/rule_ids.c:"
    diff "$work/table" "$work/docs" | head -20
fi
[ "$problems" -eq 0 ] && echo "rule-ids: $(wc -l < "$work/ids") ids, table, code and docs agree"
[ "$problems" -eq 0 ]

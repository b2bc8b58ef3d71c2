#!/bin/sh
# Holds docs/templates.md against schemas/template.xsd: every element and
# attribute name the schema declares must appear in the reference, as
# `name` (code), `name ...` or <name (an element in an example), or
# ` name=` (an attribute in an example). Prints the missing ones and exits
# 1 when there are any, 2 when a file cannot be read.
#
#   sh tests/check-template-doc.sh [XSD] [DOC]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
xsd=${1:-$here/schemas/template.xsd}
doc=${2:-$here/docs/templates.md}
if [ ! -r "$xsd" ] || [ ! -r "$doc" ]; then
    echo "check-template-doc: cannot read $xsd or $doc" >&2
    exit 2
fi

names=$(sed -n 's/.*<xs:\(element\|attribute\) name="\([^"]*\)".*/\1 \2/p' "$xsd" | sort -u)
if [ -z "$names" ]; then
    echo "check-template-doc: no names in $xsd" >&2
    exit 2
fi
missing=$(echo "$names" | while read -r kind name; do
    if [ "$kind" = element ]; then
        grep -Fq -e "<$name" -e "\`$name\`" "$doc" && continue
    else
        grep -Fq -e "\`$name\`" -e "\`$name " -e " $name=" "$doc" && continue
    fi
    echo "$doc: the $kind '$name' of $xsd is not documented"
done)
[ -z "$missing" ] && exit 0
echo "$missing"
exit 1

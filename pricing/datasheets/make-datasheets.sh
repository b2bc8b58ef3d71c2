#!/bin/sh
# Writes the shipped price list's example datasheets (SPEC 9) with
# quotesmith itself: a price list of one product each (cut from
# pricing/pricelist-2026.xml), rendered by `quotesmith catalog` with
# template.xml here. Run from the repository's root after `make`:
#   sh pricing/datasheets/make-datasheets.sh
# The build needs none of this; the PDFs are committed.
set -eu
for sku in SRV-R750 MON-34-UW; do
    name=$(echo "$sku" | tr 'A-Z' 'a-z')
    list=pricing/.datasheet-$name.xml
    {
        sed -n '1,/<tax-rate id="reduced"/p' pricing/pricelist-2026.xml
        sed -n "/<product sku=\"$sku\"/,/<\/product>/p" pricing/pricelist-2026.xml |
            sed 's| <datasheet href="[^"]*"/>||'
        echo '</pricelist>'
    } >"$list"
    ./quotesmith catalog "$list" -t pricing/datasheets/template.xml \
        -o "pricing/datasheets/$name.pdf" || { rm -f "$list"; exit 1; }
    rm -f "$list"
done

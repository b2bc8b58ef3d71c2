#!/bin/sh
# Writes N customer quotes for the leads benchmark (bench/leads.sh) into
# OUTDIR/cNNNNN/quote.xml, all sharing one department (OUTDIR/dept.xml)
# and the shipped price list and rules (copied into OUTDIR). Every 20th
# quote takes its customer from an attendee list row (company, postal
# code, VAT id when the row has one), so the existing-customer path is
# exercised; the others are made-up customers. Deterministic.
#   sh bench/gen-customers.sh N ATTENDEES.csv OUTDIR
set -eu
n=${1:?usage: sh bench/gen-customers.sh N ATTENDEES.csv OUTDIR}
csv=${2:?}
out=${3:?}
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
mkdir -p "$out"
cp "$here/pricing/pricelist-2026.xml" "$here/pricing/rules.xml" "$out/"
mkdir -p "$out/images" && cp "$here"/pricing/images/*.png "$out/images/"
sku=$(sed -n 's/.*<product [^>]*sku="\([^"]*\)".*/\1/p' "$here/pricing/pricelist-2026.xml" | head -n 1)
cat > "$out/dept.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<department version="1" name="services" owner="Bench" approved-by="K. Braun">
  <item sku="$sku" qty="1"/>
</department>
XML
seq -f "$out/c%05g" 1 "$n" | xargs mkdir -p
# Rows with exactly 12 fields and an unquoted company (no line break in
# them) as "company;postal code;VAT id".
awk -F';' 'NR > 1 && NF == 12 && $1 !~ /^"/ { print $1 ";" $8 ";" $12 }' RS='\r\n' "$csv" |
awk -F';' -v n="$n" -v out="$out" '
function x(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); return s }
{ if (NR % 50 == 0 && m < n / 20) { co[++m] = $1; pc[m] = $2; vat[m] = $3 } }
END {
    seed = 4711
    for (i = 1; i <= n; i++) {
        if (i % 20 == 0 && i / 20 <= m) {
            k = i / 20; name = co[k]; plz = pc[k]; v = vat[k]
        } else {
            seed = (seed * 1103515245 + 12345) % 2147483648
            name = "Kunde " i " Handel GmbH"; plz = sprintf("%05d", seed % 100000)
            v = i % 3 == 0 ? sprintf("DE9%08d", i) : ""
        }
        d = sprintf("%s/c%05d", out, i)
        f = d "/quote.xml"
        printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" > f
        printf "<quote version=\"1\" id=\"C-%05d\" lang=\"de\" currency=\"EUR\" status=\"draft\">\n", i > f
        printf "  <date>2026-11-26</date>\n  <valid-until>2026-12-31</valid-until>\n" > f
        printf "  <pricelist href=\"../pricelist-2026.xml\"/>\n  <rules href=\"../rules.xml\"/>\n" > f
        printf "  <seller>\n    <name>Nordlicht Systemhaus GmbH</name>\n" > f
        printf "    <address><street>Am Sandtorkai 54</street><postal-code>20457</postal-code><city>Hamburg</city><country>DE</country></address>\n" > f
        printf "    <vat-id>DE287654324</vat-id>\n    <contact><name>Lena Hoffmann</name><email>lena.hoffmann@example.com</email></contact>\n  </seller>\n" > f
        printf "  <customer id=\"K-%05d\">\n    <name>%s</name>\n", i, x(name) > f
        printf "    <address><street>Hauptstraße %d</street><postal-code>%s</postal-code><city>Bremen</city><country>DE</country></address>\n", i % 200 + 1, plz > f
        if (v != "") printf "    <vat-id>%s</vat-id>\n", v > f
        printf "  </customer>\n  <department name=\"services\" href=\"../dept.xml\"/>\n</quote>\n" > f
        close(f)
    }
}'

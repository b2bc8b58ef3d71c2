#!/bin/sh
# Generates the benchmark inputs (POSIX sh + awk only; no python needed).
#
#   sh bench/gen.sh OUTDIR [SEED]
#
# OUTDIR becomes a project root holding
#   pricelist-2026.xml, rules.xml      copies of the shipped pricing/ files
#   images/                            the price list's product pictures
#   lines-N/quote.xml + DEPT.xml       one quote with N lines, for N in
#                                      $BENCH_SIZES (default 10 100 1000 10000)
#   ordinary/qNNNN/quote.xml + ...     $BENCH_ORDINARY (default 1000) ordinary
#                                      quotes of 20-40 lines each
# Lines use the shipped price list's SKUs in a realistic mix: departments by
# product category (hardware 40 %, software 20 %, services 25 %, logistics
# 10 %, documentation 5 %), whole quantities for pieces and licences,
# decimal ones for metres, days and hours, some quantities large enough to
# reach volume tiers and graduated bands, 10 % of lines with a line
# discount, 4 % optional, 3 % custom lines, groups of 8-15 lines, some item
# descriptions, and a quote discount on every third quote.
# The same SEED (default 42) gives byte-identical files with the same awk.
set -eu

out=${1:?usage: sh bench/gen.sh OUTDIR [SEED]}
seed=${2:-42}
here=$(cd "$(dirname "$0")/.." && pwd)
sizes=${BENCH_SIZES:-10 100 1000 10000}
ordinary=${BENCH_ORDINARY:-1000}

mkdir -p "$out"
cp "$here/pricing/pricelist-2026.xml" "$out/pricelist-2026.xml"
mkdir -p "$out/images" && cp "$here"/pricing/images/*.png "$out/images/"
cp "$here/pricing/rules.xml" "$out/rules.xml"

awk -v out="$out" -v seed="$seed" -v sizes="$sizes" -v ordinary="$ordinary" '
function attr(line, name,    m) {
    if (match(line, name "=\"[^\"]*\"")) {
        m = substr(line, RSTART + length(name) + 2, RLENGTH - length(name) - 3)
        return m
    }
    return ""
}
/<product / {
    cat = attr($0, "category")
    n = ++ncat[cat]
    sku[cat, n] = attr($0, "sku")
    unit[cat, n] = attr($0, "unit")
}
function rnd(n) { return int(rand() * n) }
function pick_dept(    r) {
    r = rnd(100)
    if (r < 40) return "hardware"
    if (r < 60) return "software"
    if (r < 85) return "services"
    if (r < 95) return "logistics"
    return "documentation"
}
# A quantity that suits the unit.
function qty_for(u,    r) {
    r = rnd(100)
    if (u == "m" || u == "km") {
        if (r < 30) return (5 + rnd(500)) ".5"
        return 5 + rnd(800)
    }
    if (u == "Tag") {
        if (r < 40) return rnd(10) ".5"
        return 1 + rnd(10)
    }
    if (u == "Std.") {
        if (r < 20) return (1 + rnd(40)) ".25"
        return 1 + rnd(60)
    }
    if (r < 10) return 20 + rnd(120)   # reaches volume tiers and graduated bands
    return 1 + rnd(12)
}
function item(file, dept, i,    c, n, s, u, q, a, r) {
    if (dept == "services" && rnd(100) < 12) {
        # about 3 % of all lines are custom lines
        printf "    <item sku=\"CUSTOM-%d\" qty=\"1\" unit=\"Pauschale\" price=\"%d.%02d\" tax=\"standard\">\n", \
            i, 200 + rnd(9000), rnd(100) > file
        printf "      <name>Sonderleistung %d</name>\n", i > file
        printf "      <description>Individuell vereinbarte Leistung, Pauschalpreis</description>\n" > file
        printf "    </item>\n" > file
        return
    }
    c = ncat[dept]
    n = 1 + rnd(c)
    s = sku[dept, n]; u = unit[dept, n]
    q = qty_for(u)
    a = ""
    r = rnd(100)
    if (r < 10) {
        split("2 3 5 7.5 10 12.5 15", discs, " ")
        a = a " discount-percent=\"" discs[1 + rnd(7)] "\" reason=\"Projektrabatt\""
    } else if (r < 14) {
        a = a " optional=\"true\""
    }
    if (rnd(100) < 20) {
        printf "    <item sku=\"%s\" qty=\"%s\"%s>\n", s, q, a > file
        printf "      <description>Position %d: %s für den Standort, inklusive Lieferung</description>\n", i, s > file
        printf "    </item>\n" > file
    } else {
        printf "    <item sku=\"%s\" qty=\"%s\"%s/>\n", s, q, a > file
    }
}
function quote(dir, id, nlines, up,    i, d, f, k, count, names, nd, in_group, left, qf) {
    system("mkdir -p \"" dir "\"")
    nd = split("hardware software services logistics documentation", names, " ")
    for (k = 1; k <= nd; k++) count[names[k]] = 0
    for (i = 1; i <= nlines; i++) { d = pick_dept(); count[d]++; line_dept[i] = d }
    for (k = 1; k <= nd; k++) {
        d = names[k]
        if (!count[d]) continue
        f = dir "/" d ".xml"
        printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" > f
        printf "<department version=\"1\" name=\"%s\" owner=\"Bench\" approved-by=\"K. Braun\">\n", d > f
        in_group = 0; left = 0
        for (i = 1; i <= nlines; i++) {
            if (line_dept[i] != d) continue
            if (left == 0) {
                if (in_group) printf "  </group>\n" > f
                printf "  <group title=\"Gruppe %d\">\n", i > f
                in_group = 1; left = 8 + rnd(8)
            }
            item(f, d, i); left--
        }
        if (in_group) printf "  </group>\n" > f
        printf "  <section title=\"Leistungsbeschreibung\"><p>Umfang wie besprochen.</p></section>\n" > f
        printf "</department>\n" > f
        close(f)
    }
    qf = dir "/quote.xml"
    printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" > qf
    printf "<quote version=\"1\" id=\"%s\" lang=\"de\" currency=\"EUR\" status=\"draft\">\n", id > qf
    printf "  <date>2026-11-26</date>\n  <valid-until>2026-12-31</valid-until>\n" > qf
    printf "  <pricelist href=\"%spricelist-2026.xml\"/>\n  <rules href=\"%srules.xml\"/>\n", up, up > qf
    printf "  <seller>\n    <name>Nordlicht Systemhaus GmbH</name>\n" > qf
    printf "    <address><street>Am Sandtorkai 54</street><postal-code>20457</postal-code><city>Hamburg</city><country>DE</country></address>\n" > qf
    printf "    <vat-id>DE287654324</vat-id>\n    <contact><name>Lena Hoffmann</name><email>lena.hoffmann@example.com</email></contact>\n  </seller>\n" > qf
    printf "  <customer id=\"K-%05d\">\n    <name>Kunde %s GmbH</name>\n", rnd(100000), id > qf
    printf "    <address><street>Überseetor 18</street><postal-code>28217</postal-code><city>Bremen</city><country>DE</country></address>\n" > qf
    printf "    <vat-id>DE812345673</vat-id>\n  </customer>\n" > qf
    printf "  <payment-terms days=\"30\" discount-percent=\"2\" discount-days=\"10\"/>\n" > qf
    printf "  <delivery incoterm=\"DAP\" place=\"Bremen\" weeks=\"4\"/>\n" > qf
    if (rnd(3) == 0) printf "  <discount percent=\"%s\" reason=\"Rahmenvertrag\"/>\n", 1 + rnd(5) > qf
    for (k = 1; k <= nd; k++)
        if (count[names[k]])
            printf "  <department name=\"%s\" href=\"%s.xml\"/>\n", names[k], names[k] > qf
    printf "</quote>\n" > qf
    close(qf)
}
END {
    srand(seed)
    n = split(sizes, sz, " ")
    for (j = 1; j <= n; j++)
        quote(out "/lines-" sz[j], "B-" sz[j], sz[j] + 0, "../")
    for (j = 1; j <= ordinary; j++)
        quote(sprintf("%s/ordinary/q%04d", out, j), sprintf("O-%04d", j), 20 + rnd(21), "../../")
}
' "$here/pricing/pricelist-2026.xml"

#!/bin/sh
# Writes a sales history for `quotesmith report` (docs/report.md): N quotes
# of 2026-07..2026-12 by four reps in two teams, each with a hardware and a
# services department priced from pricing/pricelist-2026.xml, plus
# outcomes.xml (2 in 5 won, 1 in 5 lost, 1 in 10 withdrawn, the rest open
# or expired; every 7th from the 3rd, when won, at an agreed amount) and targets.xml scaled to N. Deterministic (an LCG).
#
#   sh bench/gen-history.sh N DIR PRICELIST_HREF
#
# DIR gets DIR/quotes/Q-NNNNN/{quote,hardware,services}.xml, DIR/outcomes.xml
# and DIR/targets.xml; PRICELIST_HREF is the price list as seen from a
# quote's folder (e.g. ../../../../pricing/pricelist-2026.xml).
# samples/sales-history was made with N=12.
set -eu
n=$1 dir=$2 href=$3
mkdir -p "$dir/quotes"
awk -v n="$n" -v dir="$dir" -v href="$href" '
function rnd(m) { seed = (seed * 1103515245 + 12345) % 2147483648; return int(seed / 65536) % m }
function pad(v) { return sprintf("%02d", v) }
BEGIN {
    seed = 42
    split("Lena Hoffmann|Jonas Weber|Tobias Brandt|Aylin Demir", rep, "|")
    split("Muster Logistik GmbH|Hafenkontor Schulte KG|Elbtal Maschinenbau AG|Nordsee Fisch GmbH|Weser Druck GmbH|Alster Immobilien GmbH|Hanse Medizintechnik GmbH|Kieler Werft Service GmbH", cust, "|")
    split("SRV-R750|SRV-R650|NB-PRO-14|MON-27-QHD|NET-SW24-POE|STO-NAS-8|USV-3000-RM|NET-FW-700", hw, "|")
    split("SVC-INST-DAY|SVC-CONS-DAY|SVC-PM-H|SVC-TRAIN|SVC-SUPPORT-1Y", svc, "|")
    split("price|delivery time|features|budget", reason, "|")
    split("Nordwind IT|Baltic Systems|Elbe Data", rival, "|")
    out = dir "/outcomes.xml"
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<outcomes version=\"1\">" > out
    for (i = 1; i <= n; i++) {
        id = sprintf("2026-S%05d", i)
        q = dir "/quotes/Q-" sprintf("%05d", i)
        system("mkdir -p \"" q "\"")
        m = 7 + int((i - 1) * 6 / n); d = 1 + rnd(20)
        date = "2026-" pad(m) "-" pad(d)
        until = (m == 12 ? "2027-01-" : "2026-" pad(m + 1) "-") pad(d)
        r = rep[1 + i % 4]
        f = q "/quote.xml"
        print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" > f
        print "<quote version=\"1\" id=\"" id "\" lang=\"de\" currency=\"EUR\" status=\"final\" owner=\"" r "\">" > f
        print "  <date>" date "</date>\n  <valid-until>" until "</valid-until>" > f
        print "  <pricelist href=\"" href "\"/>" > f
        print "  <seller><name>Nordlicht Systemhaus GmbH</name><address><street>Am Sandtorkai 54</street><postal-code>20457</postal-code><city>Hamburg</city><country>DE</country></address><vat-id>DE287654324</vat-id><contact><name>" r "</name></contact></seller>" > f
        print "  <customer id=\"K-" (10000 + rnd(900)) "\"><name>" cust[1 + rnd(8)] "</name><address><street>Hafenstrasse 1</street><postal-code>20095</postal-code><city>Hamburg</city><country>DE</country></address></customer>" > f
        if (rnd(3) == 0) print "  <discount percent=\"" (3 + 2 * rnd(2)) "\" reason=\"Rahmenvertrag\"/>" > f
        print "  <department name=\"hardware\" href=\"hardware.xml\"/>\n  <department name=\"services\" href=\"services.xml\"/>\n</quote>" > f
        close(f)
        f = q "/hardware.xml"
        print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<department version=\"1\" name=\"hardware\" owner=\"" r "\">" > f
        k = 1 + rnd(3)
        for (j = 1; j <= k; j++) print "  <item sku=\"" hw[1 + (i + j * 3) % 8] "\" qty=\"" (1 + rnd(6)) "\"/>" > f
        print "</department>" > f
        close(f)
        f = q "/services.xml"
        print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<department version=\"1\" name=\"services\" owner=\"" r "\">" > f
        print "  <item sku=\"" svc[1 + rnd(5)] "\" qty=\"" (1 + rnd(8)) "\"/>" > f
        print "</department>" > f
        close(f)
        od = "2026-" pad(m) "-" pad(d + 3 + rnd(6))
        s = (i * 7) % 10
        if (s < 4)
            print "  <outcome quote=\"" id "\" status=\"won\" date=\"" od "\" order-ref=\"PO-" (4000 + i) "\"" (i % 7 == 3 ? " amount=\"25000.00\"" : "") "/>" > out
        else if (s < 6)
            print "  <outcome quote=\"" id "\" status=\"lost\" date=\"" od "\" reason=\"" reason[1 + rnd(4)] "\" competitor=\"" rival[1 + rnd(3)] "\"/>" > out
        else if (s < 7)
            print "  <outcome quote=\"" id "\" status=\"withdrawn\" date=\"" od "\"/>" > out
    }
    print "</outcomes>" > out
    close(out)
    t = dir "/targets.xml"
    unit = n * 6000
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<targets version=\"1\" currency=\"EUR\">" > t
    print "  <team manager=\"Dr. Markus Reimann\"><rep name=\"Lena Hoffmann\"/><rep name=\"Jonas Weber\"/></team>" > t
    print "  <team manager=\"Sabine Krüger\"><rep name=\"Tobias Brandt\"/><rep name=\"Aylin Demir\"/></team>" > t
    print "  <target period=\"2026\" amount=\"" (unit * 2) ".00\"/>" > t
    for (qq = 3; qq <= 4; qq++) {
        print "  <target period=\"2026-Q" qq "\" amount=\"" unit ".00\"/>" > t
        for (k = 1; k <= 4; k++) print "  <target period=\"2026-Q" qq "\" rep=\"" rep[k] "\" amount=\"" int(unit / 4) ".00\"/>" > t
        print "  <target period=\"2026-Q" qq "\" department=\"hardware\" amount=\"" int(unit * 0.7) ".00\"/>" > t
        print "  <target period=\"2026-Q" qq "\" department=\"services\" amount=\"" int(unit * 0.3) ".00\"/>" > t
    }
    print "</targets>" > t
}'

#!/bin/sh
# Writes a trade-fair attendee list as a German Excel export would give
# it (docs/leads.md): UTF-8 with BOM, ';' separators, CRLF, quoted fields
# with line breaks and doubled quotes, duplicates in other letter case,
# bad e-mail addresses, countries as names, existing customers of the
# sample quotes. Deterministic (a fixed linear congruential generator,
# below), no row twice; the first 200 rows are samples/trade-fair's
# attendees.csv, whatever ROWS.
#   scripts/gen-attendees.sh ROWS > attendees.csv
set -eu
rows=${1:-200}
printf '\357\273\277'
awk -v rows="$rows" 'BEGIN {
    seed = 20261127
    split("Spedition|Logistik|Handel|Maschinenbau|Elektro|Lager|Transport|Kühlhaus|Hafen|Papier", a, "|")
    split("Nord|Süd|Weser|Elbe|Rhein|Alpen|Hanse|Ostsee|Main|Isar|Donau|Ruhr", b, "|")
    split("GmbH|GmbH & Co. KG|AG|KG|e.K.|UG (haftungsbeschränkt)|OHG|B.V.|GmbH", f, "|")
    split("Anna|Jonas|Katrin|Lukas|Sophie|Felix|Marie|Paul|Lea|Tobias|Hanna|Niklas", g, "|")
    split("Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Koch|Bauer", h, "|")
    split("Leiter Logistik|Geschäftsführerin|Head of IT|Einkauf|Sachbearbeiter|IT-Leiterin|Werksleiter|Assistenz|Vertrieb|Dr. Leiterin Einkauf", t, "|")
    split("Logistik|Handel|Logistik und Lager|Industrie|Großhandel|Dienstleistung|Handel|Öffentlicher Dienst", ind, "|")
    split("DE|DE|DE|DE|DE|DE|DE|DE|DE|DE|AT|AT|CH|CH|NL|de|DE|DE|AT|Deutschland", c, "|")
    split("10|50|250|1200|80|5000|30|400", emp, "|")
    printf "Firma;Anrede;Name;Position;E-Mail;Telefon;Land;PLZ;Ort;Branche;Mitarbeiter;USt-IdNr.\r\n"
    for (i = 1; i <= rows; i++) {
        company = pick(b) " " pick(a) " " pick(f)
        first = pick(g); last = pick(h)
        domain = tolower(company); gsub(/[^a-z]/, "", domain); domain = substr(domain, 1, 16) ".example"
        mail = tolower(substr(first, 1, 1)) "." tolower(last) "@" domain
        gsub(/ü/, "ue", mail); gsub(/ä/, "ae", mail); gsub(/ö/, "oe", mail)
        country = pick(c)
        plz = country == "DE" || country == "de" ? sprintf("%05d", rnd(99999)) : sprintf("%04d", rnd(9999))
        title = pick(t)
        r = rnd(100)
        if (r < 4) mail = last "(at)" domain                     # a bad e-mail
        else if (r < 6) { company = "Muster Logistik GmbH"; plz = "28217"; country = "DE" }
        else if (r < 7) { company = "\"Nordwind\" IT-Service GmbH"; mail = "info@nordwind-it.example" }
        else if (r < 9) title = title "\r\nStandort " pick(b)     # a line break in a field
        if (i > 10 && rnd(100) < 5) mail = toupper(prev)          # the same person again
        prev = mail
        anrede = first ~ /^(Anna|Katrin|Sophie|Marie|Lea|Hanna)$/ ? "Frau" : "Herr"
        printf "%s;%s;%s %s;%s;%s;+49 %d %d;%s;%s;%s;%s;%s;%s\r\n", q(company), anrede, first, last, \
            q(title), mail, 30 + rnd(900), 100000 + rnd(899999), country, plz, pick(b) "stadt", \
            pick(ind), pick(emp), rnd(100) < 10 ? sprintf("DE%09d", rnd(999999999)) : ""
    }
}
# rnd: a linear congruential generator, seed = (seed * 1103515245 + 12345)
# mod 2^31, whose period is 2^31. While i (the row being made) is at most
# 200, the sample, it keeps the arithmetic those rows were made with: a
# product in doubles, which lose its low bits, so that its rows repeated
# after row 849. Later rows compute it exactly: the multiplier split as
# 16838 * 65536 + 20077 keeps every product below 2^53.
function rnd(n) {
    if (i <= 200)
        seed = (seed * 1103515245 + 12345) % 2147483648
    else
        seed = (seed * 16838 % 2147483648 * 65536 + seed * 20077 + 12345) % 2147483648
    return int(seed / 2147483648 * n)
}
function pick(arr,   n, k) { n = 0; for (k in arr) n++; return arr[1 + rnd(n)] }
function q(s) { if (s ~ /[;"\r\n]/) { gsub(/"/, "\"\"", s); return "\"" s "\"" } return s }'

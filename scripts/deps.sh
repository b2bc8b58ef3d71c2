#!/bin/sh
# Installs the Debian packages quotesmith needs to build and test, when missing.
# Build: libhpdf-dev libxml2-dev libpcre2-dev libpng-dev libjpeg62-turbo-dev nettle-dev
#        libjansson-dev (JSON: src/json.c), libcsv-dev (leads: src/csv_read.c)
#        libsqlite3-dev (report: src/register.c)
# Test:  qpdf poppler-utils clang (sanitizers, libFuzzer) libxml2-utils (xmllint)
#        time (make bench); sqlite3 (the report's register tests); locales,
#        and the de_DE.UTF-8 locale generated
#        (make test runs the suite again under it)
set -eu
packages="gcc make pkg-config libhpdf-dev libxml2-dev libpcre2-dev libpng-dev \
libjpeg62-turbo-dev nettle-dev qpdf poppler-utils clang \
libxml2-utils time"
# diff writes its JSON with jansson.
packages="$packages libjansson-dev locales"
# leads (docs/leads.md): libcsv reads the attendee lists
packages="$packages libcsv-dev"
# PDF/A: the sRGB ICC profile of the output intent, built in (src/pdfa.h);
# jq reads qpdf's JSON in scripts/check-pdfa.sh (tests)
packages="$packages icc-profiles-free jq"
# report: the register of quote figures is an SQLite file (src/register.c)
packages="$packages libsqlite3-dev"
# ... and its tests look into it with the sqlite3 shell
packages="$packages sqlite3"
# PDF streams are deflated with libdeflate (src/pdf_update.c)
packages="$packages libdeflate-dev"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing="$missing $p"
done
# The decimal-comma locale of the second suite run (make test).
has_locale() { locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; }
make_locale() {
    has_locale && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "deps: the locale de_DE.UTF-8 is missing; run as root, or:" >&2
        echo "deps: sudo sed -i 's/^# *de_DE.UTF-8/de_DE.UTF-8/' /etc/locale.gen && sudo locale-gen" >&2
        exit 2
    fi
    echo "deps: generating the locale de_DE.UTF-8"
    grep -q '^# *de_DE.UTF-8 UTF-8' /etc/locale.gen \
        && sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
    grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' >> /etc/locale.gen
    locale-gen >/dev/null
}
if [ -z "$missing" ]; then
    make_locale
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run as root, or: sudo apt-get install$missing" >&2
    exit 2
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
make_locale

#!/bin/sh
# Installs the Debian packages quotesmith needs to build and test, when missing.
# Build: libhpdf-dev libxml2-dev libpcre2-dev libpng-dev libjpeg62-turbo-dev nettle-dev
# Test:  qpdf poppler-utils clang (sanitizers, libFuzzer) libxml2-utils (xmllint)
#        time (make bench)
set -eu
packages="gcc make pkg-config libhpdf-dev libxml2-dev libpcre2-dev libpng-dev \
libjpeg62-turbo-dev nettle-dev qpdf poppler-utils clang \
libxml2-utils time"
# diff writes its JSON with jansson.
packages="$packages libjansson-dev"
# leads (docs/leads.md): libcsv reads the attendee lists
packages="$packages libcsv-dev"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
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

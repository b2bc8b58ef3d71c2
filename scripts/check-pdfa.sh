#!/bin/sh
# Checks a PDF for the PDF/A-3b requirements (ISO 19005-3) that can be seen
# in its objects with qpdf's JSON (qpdf --json, jq) and xmllint; it is not a
# full validator (docs/package.md says what it leaves to one). Usage:
#   scripts/check-pdfa.sh FILE.pdf [ICC_PROFILE]
# Prints one line per check ("ok ..." or "FAIL ..."); exits 1 when one
# fails. ICC_PROFILE (default /usr/share/color/icc/sRGB.icc, when present)
# is compared byte for byte with the output intent's profile.
set -u
pdf=$1
icc=${2:-/usr/share/color/icc/sRGB.icc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0
check() { # check DESCRIPTION COMMAND...
    what=$1
    shift
    if "$@" >/dev/null 2>&1; then echo "ok   $what"; else echo "FAIL $what"; failed=1; fi
}

qpdf --json --json-key=qpdf --json-key=pages --json-stream-data=inline \
    "$pdf" >"$tmp/pdf.json" || { echo "FAIL qpdf cannot read $pdf"; exit 1; }
# q FILTER: runs a jq filter with $o (objects by "N 0 R"), $t (the trailer)
# and $cat (the catalog) defined.
q() {
    jq -r --exit-status '(.qpdf[1]) as $all
        | ($all | with_entries(.key |= sub("^obj:"; ""))) as $o
        | ($all.trailer.value) as $t
        | ($o[$t["/Root"]].value) as $cat
        | ($o | [.[] | (.value // .stream.dict) | objects]) as $dicts
        | '"$1" "$tmp/pdf.json"
}
# The decoded bytes of the stream object "N 0 R".
stream() { q "\$o[\"$1\"].stream.data" | base64 -d; }

# 6.1.2 File header: %PDF-1.n at byte 0 (1.7: PDF/A-3 is based on ISO
# 32000-1), then a comment of four bytes above 127.
check "header %PDF-1.7" sh -c \
    '[ "$(head -c 8 "$1")" = "%PDF-1.7" ] && [ "$(head -c 10 "$1" | tail -c 2 | od -An -c | tr -d " ")" = "\\n%" ]' sh "$pdf"
check "binary comment after the header" sh -c \
    'head -c 14 "$1" | tail -c 4 | od -An -tu1 | awk "{ exit !(\$1 > 127 && \$2 > 127 && \$3 > 127 && \$4 > 127) }"' sh "$pdf"
# 6.1.3 File trailer: an /ID, no /Encrypt.
check "trailer /ID of two strings" q '$t["/ID"] | length == 2'
check "no /Encrypt" q '$t["/Encrypt"] == null'
check "qpdf --check passes" qpdf --check "$pdf"

# 6.6.2 Metadata: an unfiltered XMP stream in the catalog's /Metadata,
# with pdfaid part 3 and a conformance level.
meta=$(q '$cat["/Metadata"]' 2>/dev/null || echo none)
check "catalog /Metadata is an XMP stream (/Type /Metadata /Subtype /XML)" \
    q "\$o[\"$meta\"].stream.dict | .[\"/Type\"] == \"/Metadata\" and .[\"/Subtype\"] == \"/XML\""
check "the metadata stream has no /Filter" q "\$o[\"$meta\"].stream.dict[\"/Filter\"] == null"
stream "$meta" >"$tmp/xmp.xml" 2>/dev/null
check "XMP is well-formed XML" xmllint --noout --nonet "$tmp/xmp.xml"
xmp() { # the text of the XMP property with local name $1 (not one of the
    # extension schemas' descriptions, pdfaExtension:schemas)
    xmllint --nonet --xpath "string((//*[local-name()='$1' and not(ancestor::*[local-name()='schemas'])])[1])" \
        "$tmp/xmp.xml" 2>/dev/null
}
check "pdfaid:part is 3" test "$(xmp part)" = 3
check "pdfaid:conformance is B, U or A" sh -c 'case "$1" in A|B|U) ;; *) exit 1;; esac' sh "$(xmp conformance)"
# PDF/UA-1 (ISO 14289-1, 5): pdfuaid:part 1, a property PDF/A wants
# declared by an extension schema (ISO 19005-3, 6.6.2.3.2).
check "pdfuaid:part is 1" test "$(xmllint --nonet --xpath \
    "string(//*[local-name()='part' and namespace-uri()='http://www.aiim.org/pdfua/ns/id/'])" \
    "$tmp/xmp.xml" 2>/dev/null)" = 1
check "an extension schema declares pdfuaid" test "$(xmllint --nonet --xpath \
    "string(//*[local-name()='schemas']//*[local-name()='namespaceURI'])" \
    "$tmp/xmp.xml" 2>/dev/null)" = "http://www.aiim.org/pdfua/ns/id/"
# 6.6.2.3 The Info entries and their XMP equivalents agree.
info() { q "\$o[\$t[\"/Info\"]].value[\"/$1\"] // \"\" | sub(\"^u:\"; \"\")"; }
xmp_date() { # an XMP date (2026-11-26T00:00:00Z) as a PDF date's digits
    printf '%s' "$1" | tr -d -- '-:T' | sed 's/Z$//'
}
pdf_date() { printf '%s' "$1" | sed -e 's/^D://' -e "s/[Z+'].*$//"; }
check "Info /Title = dc:title" test "$(info Title)" = "$(xmp title)"
check "Info /Author = dc:creator" test "$(info Author)" = "$(xmp creator)"
check "Info /Subject = dc:description" test "$(info Subject)" = "$(xmp description)"
check "Info /Keywords = pdf:Keywords" test "$(info Keywords)" = "$(xmp Keywords)"
check "Info /Creator = xmp:CreatorTool" test "$(info Creator)" = "$(xmp CreatorTool)"
check "Info /Producer = pdf:Producer" test "$(info Producer)" = "$(xmp Producer)"
check "Info /CreationDate = xmp:CreateDate" \
    test "$(pdf_date "$(info CreationDate)")" = "$(xmp_date "$(xmp CreateDate)")"
check "Info /ModDate = xmp:ModifyDate" \
    test "$(pdf_date "$(info ModDate)")" = "$(xmp_date "$(xmp ModifyDate)")"

# 6.2.3 Output intent: GTS_PDFA1 with an RGB ICC profile (N 3, device
# class mntr or prtr, ICC version 2 or 4).
intent=$(q '$cat["/OutputIntents"][0]' 2>/dev/null || echo none)
check "an output intent /S /GTS_PDFA1" q "\$o[\"$intent\"].value[\"/S\"] == \"/GTS_PDFA1\""
profile=$(q "\$o[\"$intent\"].value[\"/DestOutputProfile\"]" 2>/dev/null || echo none)
check "its /DestOutputProfile has /N 3" q "\$o[\"$profile\"].stream.dict[\"/N\"] == 3"
stream "$profile" >"$tmp/profile.icc" 2>/dev/null
check "the profile is an RGB display or printer profile, ICC 2 or 4" sh -c \
    'od -An -tx1 -j8 -N1 "$1" | grep -Eq "0[24]" &&
     [ "$(dd if="$1" bs=1 skip=12 count=8 2>/dev/null)" = "mntrRGB " ] ||
     [ "$(dd if="$1" bs=1 skip=12 count=8 2>/dev/null)" = "prtrRGB " ]' sh "$tmp/profile.icc"
if [ -f "$icc" ]; then
    check "the profile's bytes are $(basename "$icc")'s" cmp "$tmp/profile.icc" "$icc"
fi

# 6.8 Embedded files: each associated file has /F, /UF, /AFRelationship and
# a MIME type; the catalog's /AF lists them.
check "every catalog /AF file spec has /F, /UF, /AFRelationship" \
    q '[$cat["/AF"][]? | $o[.].value | has("/F") and has("/UF") and has("/AFRelationship")] | all'
check "every embedded file stream has a /Subtype (MIME type)" \
    q '[$dicts[] | select(.["/Type"] == "/EmbeddedFile") | has("/Subtype")] | all'

# 6.2.11.4 Fonts: every font program embedded.
check "every font descriptor embeds its font program" \
    q '[$dicts[] | select(.["/Type"] == "/FontDescriptor")
        | has("/FontFile") or has("/FontFile2") or has("/FontFile3")] | all'

# 6.3 Annotations: the print flag set; hidden, invisible and no-view unset.
check "every annotation is printed and visible (/F)" \
    q '[$dicts[] | select(has("/Subtype") and has("/Rect"))
        | (.["/F"] // 0) as $f
        | (($f / 4 | floor) % 2 == 1) and ($f % 2 == 0)
          and (($f / 2 | floor) % 2 == 0) and (($f / 32 | floor) % 2 == 0)] | all'

# 6.1.7, 6.2.8, 6.6.1 What PDF/A forbids.
check "no JavaScript, Launch or other forbidden actions" \
    q '[$dicts[] | select(has("/JS") or (.["/S"] // "" | IN("/JavaScript", "/Launch",
        "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide", "/Rendition",
        "/Trans", "/SetOCGState", "/GoTo3DView")))] | length == 0'
check "no LZW or Crypt filters" \
    q '[$dicts[] | (.["/Filter"] // empty) | (if type == "array" then .[] else . end)
        | select(IN("/LZWDecode", "/Crypt"))] | length == 0'
check "no image with /Interpolate true, /Alternates or /OPI" \
    q '[$dicts[] | select(.["/Interpolate"] == true or has("/Alternates") or has("/OPI"))] | length == 0'
check "no PostScript XObjects, no /AA on the catalog" \
    q '([$dicts[] | select(.["/Subtype"] == "/PS")] | length == 0) and ($cat["/AA"] == null)'
exit $failed

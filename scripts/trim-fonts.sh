#!/bin/sh
# Regenerates the trimmed Noto Sans faces in templates/standard/fonts/ from
# Debian's fonts-noto-core. Run by hand, not by the build; needs the Debian
# packages fonts-noto-core and fonttools (pyftsubset).
#
#   sh scripts/trim-fonts.sh [SRC_DIR] [OUT_DIR]
#
# The subset keeps Basic Latin, Latin-1 Supplement, Latin Extended-A, General
# Punctuation, the euro sign, the spaces and the few symbols quotes use.
# Hinting and OpenType layout tables are dropped: libharu neither shapes nor
# kerns, and PDF viewers rasterise outlines themselves. cmap, hmtx, name, post
# and OS/2 stay, because libharu 2.3.0 reads them when it embeds the font; but
# libharu copies every table except glyf whole into each PDF, so they are kept
# small: 'post' becomes format 3 (no glyph names: PDF text extraction uses our
# ToUnicode CMap, never glyph names) and 'name' keeps only the Windows
# US-English family, style, full and PostScript names, the copyright, and the
# licence and its URL (IDs 0-6, 13, 14; fonts.c needs IDs 2 and 6).
set -eu

src=${1:-/usr/share/fonts/truetype/noto}
out=${2:-$(dirname "$0")/../templates/standard/fonts}

command -v pyftsubset >/dev/null 2>&1 || {
    echo "trim-fonts: pyftsubset missing: apt-get install fonttools" >&2
    exit 2
}

# U+0020-007E Basic Latin, U+00A0-00FF Latin-1 Supplement, U+0100-017F Latin
# Extended-A, U+2000-206F General Punctuation (incl. U+2009 thin space, U+202F
# narrow no-break space, dashes, quotes, ellipsis, bullet, guillemets),
# U+20AC euro, U+2116 numero, U+2122 trade mark, U+2190-2193 arrows, U+2212
# minus, U+2713 check mark. Code points a face lacks are skipped silently by
# pyftsubset; fonts.c's coverage check reports them if a document uses them.
unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+2000-206F,U+20AC,U+2116,\
U+2122,U+2190-2193,U+2212,U+2713"

mkdir -p "$out"
for face in Regular Bold Italic BoldItalic; do
    pyftsubset "$src/NotoSans-$face.ttf" \
        --unicodes="$unicodes" \
        --no-hinting \
        --layout-features='' \
        --drop-tables+=DSIG,GDEF,GPOS,GSUB,gasp,kern \
        --name-IDs='0,1,2,3,4,5,6,13,14' --name-languages=0x0409 \
        --no-name-legacy \
        --no-glyph-names \
        --notdef-outline \
        --recalc-bounds \
        --output-file="$out/NotoSans-$face.ttf"
    echo "trim-fonts: $out/NotoSans-$face.ttf"
done

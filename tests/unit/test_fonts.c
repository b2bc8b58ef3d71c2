/* Unit tests for fonts.c: the shipped faces load and measure, strict UTF-8
 * decoding, coverage checks, glyph ids and tables for the PDF writer, and
 * broken fonts refused with one "font" diagnostic and no crash. Run from
 * the repository root. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fonts.h"

#define FONT_DIR "templates/standard/fonts/"
#define BAD (uint32_t)-1

static const char *const shipped[] = {
    FONT_DIR "NotoSans-Regular.ttf", FONT_DIR "NotoSans-Bold.ttf",
    FONT_DIR "NotoSans-Italic.ttf", FONT_DIR "NotoSans-BoldItalic.ttf",
};

static uint32_t dec(const char *s, size_t n, size_t *used)
{
    return qs_utf8_decode(s, n, used);
}

static void test_utf8(void)
{
    size_t used = 0;
    CHECK(dec("A", 1, &used) == 'A' && used == 1, "ASCII");
    CHECK(dec("\xC3\xA4", 2, &used) == 0xE4 && used == 2, "2-byte ä");
    CHECK(dec("\xE2\x82\xAC", 3, &used) == 0x20AC && used == 3, "3-byte €");
    CHECK(dec("\xF0\x9F\x98\x80", 4, &used) == 0x1F600 && used == 4,
          "4-byte U+1F600");
    CHECK(dec("\xF4\x8F\xBF\xBF", 4, &used) == 0x10FFFF, "U+10FFFF");
    CHECK(dec("\xEF\xBF\xBF", 3, &used) == 0xFFFF, "U+FFFF");
    CHECK(dec("\xC0\x80", 2, &used) == BAD, "overlong NUL (C0 80)");
    CHECK(dec("\xC1\xBF", 2, &used) == BAD, "overlong (C1 BF)");
    CHECK(dec("\xE0\x80\xAF", 3, &used) == BAD, "overlong 3-byte '/'");
    CHECK(dec("\xF0\x8F\xBF\xBF", 4, &used) == BAD, "overlong 4-byte");
    CHECK(dec("\xED\xA0\x80", 3, &used) == BAD, "surrogate U+D800");
    CHECK(dec("\xED\xBF\xBF", 3, &used) == BAD, "surrogate U+DFFF");
    CHECK(dec("\xF4\x90\x80\x80", 4, &used) == BAD, "U+110000");
    CHECK(dec("\xF5\x80\x80\x80", 4, &used) == BAD, "lead byte F5");
    CHECK(dec("\xFF", 1, &used) == BAD, "byte FF");
    CHECK(dec("\x80", 1, &used) == BAD && used == 1, "lone continuation");
    CHECK(dec("\xE2\x82", 2, &used) == BAD, "truncated 3-byte sequence");
    CHECK(dec("\xE2\x82\xAC", 2, &used) == BAD, "sequence cut by n");
    CHECK(dec("\xC3" "A", 2, &used) == BAD && used == 1,
          "bad continuation consumes one byte");
    CHECK(dec("", 0, &used) == BAD, "empty input");
}

static void test_shipped(void)
{
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        qs_diags d;
        qs_diags_init(&d);
        qs_font *f = qs_font_load(shipped[i], shipped[i], &d);
        CHECK(f != NULL && d.count == 0, "%s loads", shipped[i]);
        if (!f) {
            qs_diags_print_text(&d, stdout);
            qs_diags_free(&d);
            continue;
        }
        CHECK(qs_font_advance(f, 'A') > 0, "%s: 'A' has an advance", shipped[i]);
        CHECK(qs_font_advance(f, 0x20AC) > 0, "%s: '€' has an advance", shipped[i]);
        CHECK(qs_font_advance(f, 0x4E00) == -1, "%s: U+4E00 missing", shipped[i]);
        CHECK(qs_font_advance(f, 0x1F600) == -1, "%s: above BMP missing",
              shipped[i]);
        CHECK(qs_font_ascent(f) > 0 && qs_font_descent(f) < 0,
              "%s: ascent > 0 > descent", shipped[i]);
        const char *german = "Grüße – 1.234,56 € „Angebot“ … •\xC2\xA0\xE2\x80\xAF"
                             "Straße ÄÖÜ äöü ‚x‘ «»‹› © ® ™ № × ·";
        CHECK(qs_font_first_missing(f, german) == 0,
              "%s covers German business text (got U+%04X)", shipped[i],
              (unsigned)qs_font_first_missing(f, german));
        size_t size = 0;
        CHECK(qs_font_data(f, &size) != NULL && size > 1000,
              "%s: data kept", shipped[i]);
        CHECK(strcmp(qs_font_path(f), shipped[i]) == 0, "%s: path kept",
              shipped[i]);
        qs_font_free(f);
        qs_diags_free(&d);
    }
}

static void test_measure(void)
{
    qs_diags d;
    qs_diags_init(&d);
    qs_font *f = qs_font_load("tests/assets/font-tiny.ttf", "font-tiny.ttf", &d);
    CHECK(f != NULL && d.count == 0, "tiny test font loads");
    if (!f) {
        qs_diags_free(&d);
        return;
    }
    CHECK(qs_font_advance(f, 'A') == 600, "tiny: 'A' is 600/1000 em");
    CHECK(qs_font_advance(f, 0x20AC) == 550, "tiny: '€' is 550/1000 em");
    CHECK(qs_font_advance(f, 'B') == -1, "tiny: 'B' missing");
    CHECK(qs_font_ascent(f) == 800 && qs_font_descent(f) == -200,
          "tiny: ascent 800, descent -200");
    const char *s = "A A€";
    CHECK(qs_font_width(f, s, strlen(s), 10.0f) == 20.0f,
          "width of 'A A€' at 10 pt is 20 pt (got %g)",
          (double)qs_font_width(f, s, strlen(s), 10.0f));
    const char *shy = "A\xC2\xAD" "A";
    CHECK(qs_font_width(f, shy, strlen(shy), 10.0f) == 12.0f,
          "soft hyphen has width 0");
    CHECK(qs_font_width(f, "AB", 2, 10.0f) == 6.0f, "missing glyph counts 0");
    CHECK(qs_font_width(f, "AAA", 2, 10.0f) == 12.0f, "width honours len");
    CHECK(qs_font_first_missing(f, "A \t\n\xC2\xAD" "A") == 0,
          "spaces, tabs, newlines and soft hyphens are not checked");
    CHECK(qs_font_first_missing(f, "A\xC2\xA0" "A") == 0, "tiny has U+00A0");
    CHECK(qs_font_first_missing(f, "AAB€") == 'B', "first missing is 'B'");
    CHECK(qs_font_first_missing(f, "A\xE2\x80\xAF") == 0x202F,
          "U+202F must be in the font");
    CHECK(qs_font_first_missing(f, "A\xF0\x9F\x98\x80") == 0x1F600,
          "code points above U+FFFF are missing");
    qs_font_free(f);
    qs_diags_free(&d);
}

/* What the PDF writer reads beyond the metrics: glyph ids by code point
 * and tables by tag, bounds-checked. A font whose post table (which the
 * vetting does not need) lies past the end of the file still loads, and
 * qs_font_table gives no such table rather than bytes past the end. */
static void test_tables(void)
{
    qs_diags d;
    qs_diags_init(&d);
    qs_font *f = qs_font_load(FONT_DIR "NotoSans-Regular.ttf", "regular", &d);
    CHECK(f != NULL, "the regular face loads");
    if (!f) {
        qs_diags_free(&d);
        return;
    }
    CHECK(qs_font_glyph(f, 'A') > 0 && qs_font_glyph(f, 'A') != qs_font_glyph(f, 'B'),
          "'A' and 'B' have glyphs of their own");
    CHECK(qs_font_glyph(f, 0x0E3F) == 0 && qs_font_glyph(f, 0x1F600) == 0,
          "no glyph for a Thai baht sign or U+1F600: 0");
    uint32_t len = 1;
    const unsigned char *head = qs_font_table(f, "head", &len);
    CHECK(head && len >= 54 && qs_be32(head + 12) == 0x5F0F3CF5u,
          "the head table by its tag, with its magic number");
    CHECK(qs_font_table(f, "zzzz", &len) == NULL && len == 0,
          "no table 'zzzz': NULL, length 0");
    size_t n;
    const unsigned char *bytes = qs_font_data(f, &n);
    unsigned char *copy = malloc(n);
    memcpy(copy, bytes, n);
    int moved = 0;
    for (unsigned i = 0; i < qs_be16(copy + 4); i++) {
        unsigned char *e = copy + 12 + 16 * (size_t)i;
        if (memcmp(e, "post", 4) == 0) {
            e[8] = (unsigned char)(n >> 24); /* offset: the end of the file */
            e[9] = (unsigned char)(n >> 16);
            e[10] = (unsigned char)(n >> 8);
            e[11] = (unsigned char)n;
            moved = 1;
        }
    }
    qs_font *g = moved ? qs_font_new(copy, n, "post-past-eof.ttf",
                                     "post-past-eof.ttf", &d) : NULL;
    CHECK(g != NULL && d.count == 0, "a font whose post table lies past the "
          "end loads (the vetting does not read post)");
    CHECK(g && qs_font_table(g, "post", &len) == NULL && len == 0,
          "its post table is not given out");
    qs_font_free(g);
    free(copy);
    qs_font_free(f);
    qs_diags_free(&d);
}

static void expect_rejected(const char *file, const char *fragment)
{
    char path[256];
    snprintf(path, sizeof path, "tests/assets/%s", file);
    qs_diags d;
    qs_diags_init(&d);
    qs_font *f = qs_font_load(path, file, &d);
    CHECK(f == NULL, "%s is rejected", file);
    CHECK(d.count == 1, "%s: one diagnostic (got %zu)", file, d.count);
    if (d.count >= 1) {
        CHECK(strcmp(d.items[0].rule, "font") == 0 &&
              d.items[0].severity == QS_SEV_ERROR &&
              strcmp(d.items[0].file, file) == 0,
              "%s: error [font] at the display path", file);
        CHECK(strstr(d.items[0].message, fragment) != NULL,
              "%s: message mentions '%s': %s", file, fragment,
              d.items[0].message);
    }
    qs_font_free(f);
    qs_diags_free(&d);
}

int main(void)
{
    test_utf8();
    test_shipped();
    test_measure();
    test_tables();
    expect_rejected("font-truncated.ttf", "past the end");
    expect_rejected("font-random.ttf", "not a TrueType font");
    expect_rejected("font-cff.otf", "not a TrueType font with glyf outlines");
    expect_rejected("font-offset-past-eof.ttf", "past the end of the file");
    expect_rejected("font-upem0.ttf", "unitsPerEm");
    expect_rejected("font-bad-hmetrics.ttf", "numberOfHMetrics");
    expect_rejected("font-no-cmap.ttf", "'cmap' is missing");
    expect_rejected("font-restricted.ttf", "forbids embedding");
    expect_rejected("font-cmap-record-outside.ttf", "a cmap subtable lies outside");
    expect_rejected("font-composite-bad-ref.ttf", "refers to a glyph the font does not have");
    expect_rejected("font-composite-past-glyph.ttf", "component runs past the glyph");
    expect_rejected("photo.jpg", "not a TrueType font");
    expect_rejected("no-such-font.ttf", "cannot read font");
    expect_rejected(".", "not a regular file");
    return check_failures != 0;
}

/* Unit tests for image.c: good PNG and JPEG files load, broken or hostile
 * ones are refused with one "image" diagnostic and no crash. Fixtures live
 * in tests/assets/ (run from the repository root). */
#include <stdbool.h>
#include <string.h>

#include <zlib.h>

#include "check.h"
#include "image.h"

/* Loads `name` from tests/assets and returns it; *ndiags gets the number of
 * diagnostics added, *msg the last message (or ""). */
static qs_image *load(const char *name, size_t *ndiags, char *msg, size_t cap)
{
    char path[256];
    snprintf(path, sizeof path, "tests/assets/%s", name);
    qs_diags d;
    qs_diags_init(&d);
    qs_image *img = qs_image_load(path, name, &d);
    *ndiags = d.count;
    msg[0] = '\0';
    if (d.count > 0) {
        snprintf(msg, cap, "%s", d.items[d.count - 1].message);
        CHECK(strcmp(d.items[0].rule, "image") == 0, "%s: rule id 'image'", name);
        CHECK(d.items[0].file && strcmp(d.items[0].file, name) == 0,
              "%s: diagnostic names the display path", name);
    }
    qs_diags_free(&d);
    return img;
}

static void expect_rejected(const char *name, const char *fragment)
{
    size_t n;
    char msg[512];
    qs_image *img = load(name, &n, msg, sizeof msg);
    CHECK(img == NULL, "%s is rejected", name);
    CHECK(n == 1, "%s: exactly one diagnostic (got %zu)", name, n);
    CHECK(strstr(msg, fragment) != NULL, "%s: message mentions '%s': %s",
          name, fragment, msg);
    qs_image_free(img);
}

int main(void)
{
    size_t n;
    char msg[512];

    qs_image *png = load("logo-alpha.png", &n, msg, sizeof msg);
    CHECK(png && n == 0, "PNG with alpha loads");
    if (png) {
        CHECK(png->kind == QS_IMAGE_PNG, "kind is PNG");
        CHECK(png->width == 16 && png->height == 8, "PNG is 16x8");
        CHECK(png->rgb && png->rgb[0] == 255 && png->rgb[1] == 40 &&
              png->rgb[2] == 0, "first pixel is (255,40,0)");
        CHECK(png->alpha != NULL, "alpha plane kept");
        CHECK(png->alpha && png->alpha[0] == 255 && png->alpha[15] == 0 &&
              png->alpha[8] == 128, "alpha values 255, 128, 0");
        CHECK(png->jpeg == NULL, "no JPEG bytes for a PNG");
    }
    qs_image_free(png);

    qs_image *p16 = load("rgb16.png", &n, msg, sizeof msg);
    CHECK(p16 && n == 0, "16-bit PNG loads (converted to 8 bits)");
    if (p16) {
        CHECK(p16->width == 4 && p16->height == 4, "16-bit PNG is 4x4");
        CHECK(p16->alpha == NULL, "opaque PNG has no alpha plane");
        /* pixel (1,0) was (16000, 0, 65535) in 16 bits */
        CHECK(p16->rgb[3] == 62 && p16->rgb[4] == 0 && p16->rgb[5] == 255,
              "16-bit samples stripped to their high byte (%u %u %u)",
              p16->rgb[3], p16->rgb[4], p16->rgb[5]);
    }
    qs_image_free(p16);

    qs_image *rgb8 = load("rgb8.png", &n, msg, sizeof msg);
    CHECK(rgb8 && n == 0, "8-bit RGB PNG loads");
    if (rgb8) {
        CHECK(rgb8->width == 8 && rgb8->height == 4, "8-bit RGB PNG is 8x4");
        CHECK(rgb8->rgb == NULL && rgb8->alpha == NULL,
              "its pixels are not kept: the PDF embeds its image data");
        /* 4 rows of 1 + 8 * 3 bytes, deflated, split over two IDATs. */
        unsigned char rows[4 * 25];
        uLongf len = sizeof rows;
        int rc = rgb8->png_data
                     ? uncompress(rows, &len, rgb8->png_data, rgb8->png_data_size)
                     : Z_DATA_ERROR;
        CHECK(rc == Z_OK && len == sizeof rows && rows[0] == 1 && rows[25] == 1 &&
              rows[26] == 0 && rows[27] == 64 && rows[28] == 200,
              "the two IDAT chunks joined: the Sub-filtered rows (zlib %d)", rc);
    }
    qs_image_free(rgb8);

    qs_image *extra = load("rgb8-extra.png", &n, msg, sizeof msg);
    CHECK(extra && n == 0, "8-bit RGB PNG with bytes after its data loads");
    CHECK(extra && extra->png_data == NULL && extra->rgb &&
          extra->rgb[3 * 9 + 1] == 64,
          "libpng warned: the decoded pixels are kept, not the data");
    qs_image_free(extra);

    qs_image *pal = load("palette-trns.png", &n, msg, sizeof msg);
    CHECK(pal && n == 0, "1-bit palette PNG with tRNS loads");
    if (pal) {
        CHECK(pal->alpha != NULL, "tRNS becomes an alpha plane");
        CHECK(pal->rgb[0] == 0 && pal->alpha[0] == 0, "index 0: black, clear");
        CHECK(pal->rgb[3] == 255 && pal->alpha[1] == 255,
              "index 1: white, opaque");
    }
    qs_image_free(pal);

    qs_image *jpg = load("photo.jpg", &n, msg, sizeof msg);
    CHECK(jpg && n == 0, "RGB JPEG loads");
    if (jpg) {
        CHECK(jpg->kind == QS_IMAGE_JPEG, "kind is JPEG");
        CHECK(jpg->width == 32 && jpg->height == 24, "JPEG is 32x24");
        CHECK(jpg->jpeg_components == 3, "JPEG has 3 components");
        CHECK(jpg->jpeg && jpg->jpeg_size == 350 && jpg->jpeg[0] == 0xFF,
              "JPEG bytes kept for passthrough");
        CHECK(jpg->rgb == NULL, "no decoded pixels kept for a JPEG");
    }
    qs_image_free(jpg);

    expect_rejected("truncated.png", "truncated");
    expect_rejected("huge.png", "20000");
    expect_rejected("bomb-rgba.png", "decoding it would take 172 MiB of "
                    "pixels, more than the budget of 64 MiB");
    expect_rejected("bomb-header.png", "172 MiB of pixels");
    expect_rejected("bomb-progressive.jpg", "decoding it would take 207 MiB "
                    "of coefficients, more than the budget of 64 MiB");
    expect_rejected("badcrc.png", "PNG");
    expect_rejected("truncated.jpg", "JPEG");
    expect_rejected("corrupt.jpg", "JPEG");
    expect_rejected("cmyk.jpg", "CMYK");
    expect_rejected("not-an-image.gif", "not a PNG or JPEG");
    expect_rejected("text.png", "not a PNG or JPEG");

    qs_diags d;
    qs_diags_init(&d);
    qs_image *none = qs_image_load("tests/assets/no-such-file.png",
                                   "no-such-file.png", &d);
    CHECK(none == NULL && d.count == 1, "missing file: one diagnostic");
    CHECK(d.environment_failed, "missing file is an environment failure");
    qs_diags_free(&d);

    qs_diags_init(&d);
    none = qs_image_load("tests/assets", "tests/assets", &d);
    CHECK(none == NULL && d.count == 1, "a directory is rejected");
    qs_diags_free(&d);

    return check_failures != 0;
}

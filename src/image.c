/* image: reads PNG and JPEG files and vets them before libharu sees them.
 *
 * The format is sniffed from the magic bytes, never from the extension.
 * PNG is decoded whole with libpng into 8-bit RGB plus an optional alpha
 * plane (16-bit, palette, grey and tRNS images are converted), because
 * libharu draws 16-bit PNGs wrongly and aborts on broken ones. An 8-bit
 * RGB PNG without transparency that decodes without a complaint keeps its
 * image data instead of the pixels: a PDF can embed that zlib stream as it
 * is, so it is never compressed again (the decoding proved it sound). JPEG is
 * decoded whole with libjpeg to prove it is intact, then kept as bytes for
 * libharu to embed unchanged (DCTDecode); CMYK, arithmetic-coded and
 * 12-bit JPEGs are refused, as PDF viewers handle them poorly.
 *
 * Both libraries report errors by longjmp. Every buffer that may be live at
 * a longjmp hangs off a context struct whose address never changes after
 * setjmp, so the error path frees exactly what was allocated. */
#include "image.h"

#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "arena.h"
#include "input.h"
#include "sha256.h"

#define IMAGE_MAX_BYTES (64u * 1024u * 1024u)
#define IMAGE_MAX_SIDE 20000u

/* Checks the dimensions before any pixel buffer is allocated. Returns an
 * error message or NULL. */
static const char *check_size(unsigned long w, unsigned long h)
{
    if (w == 0 || h == 0)
        return "image has no pixels";
    if (w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE)
        return "image is wider or taller than 20000 pixels";
    if ((unsigned long long)w * h > QS_IMAGE_MAX_PIXELS)
        return "image has more than 40 million pixels";
    return NULL;
}

/* Checks that decoding takes at most QS_IMAGE_MAX_DECODE_BYTES: `bytes`
 * is what it would take (`what` says of what). Returns NULL, or an error
 * message in `msg` (of `size` bytes). */
static const char *check_budget(unsigned long long bytes, const char *what,
                                char *msg, size_t size)
{
    if (bytes <= QS_IMAGE_MAX_DECODE_BYTES)
        return NULL;
    snprintf(msg, size, "decoding it would take %llu MiB of %s, more than the "
             "budget of %u MiB; scale it down",
             (bytes + (1u << 20) - 1) >> 20, what, QS_IMAGE_MAX_DECODE_BYTES >> 20);
    return msg;
}

/* ---- PNG ---- */

typedef struct {
    const unsigned char *data;
    size_t size, pos;
    char message[160];     /* libpng's error text, or the budget's */
    bool warned;           /* libpng complained but went on */
    unsigned char *pixels; /* decoded rows, live across png_read_image */
    png_bytep *rows;
    qs_image *img;
} png_ctx;

static void png_read_mem(png_structp png, png_bytep out, size_t n)
{
    png_ctx *c = png_get_io_ptr(png);
    if (n > c->size - c->pos)
        png_error(png, "file is truncated");
    memcpy(out, c->data + c->pos, n);
    c->pos += n;
}

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_ctx *c = png_get_error_ptr(png);
    snprintf(c->message, sizeof c->message, "%s", msg);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    png_ctx *c = png_get_error_ptr(png);
    (void)msg;
    c->warned = true;
}

/* Sets up libpng's conversions to 8-bit RGB or RGBA. */
static void png_set_rgb8(png_structp png, png_infop info)
{
    int type = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    if (depth == 16)
        png_set_strip_16(png);
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
}

/* Splits the interleaved RGBA pixels `px` (malloc'd, taken over) into
 * img->rgb and img->alpha: the alpha plane is copied out, then the RGB
 * values are moved down in place, so the peak is 5 bytes a pixel. Drops
 * the alpha plane when every pixel is opaque. */
static void png_split_alpha(qs_image *img, unsigned char *px)
{
    size_t n = (size_t)img->width * img->height;
    img->alpha = qs_xmalloc(n);
    int opaque = 1;
    for (size_t i = 0; i < n; i++) {
        img->alpha[i] = px[4 * i + 3];
        memmove(px + 3 * i, px + 4 * i, 3);
        if (img->alpha[i] != 255)
            opaque = 0;
    }
    img->rgb = qs_xrealloc(px, n * 3);
    if (opaque) {
        free(img->alpha);
        img->alpha = NULL;
    }
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The PNG's IDAT chunks joined, up to IEND, or NULL when the chunks do not
 * add up (libpng has read and checked them all before this is called). */
static unsigned char *png_image_data(const unsigned char *data, size_t size,
                                     size_t *out_size)
{
    size_t total = 0;
    for (size_t pos = 8; pos + 12 <= size;) {
        uint32_t len = be32(data + pos);
        if (len > size - pos - 12)
            return NULL;
        if (memcmp(data + pos + 4, "IEND", 4) == 0)
            break;
        if (memcmp(data + pos + 4, "IDAT", 4) == 0)
            total += len;
        pos += 12 + (size_t)len;
    }
    if (total == 0)
        return NULL;
    unsigned char *joined = qs_xmalloc(total);
    size_t at = 0;
    for (size_t pos = 8; at < total;) {
        uint32_t len = be32(data + pos);
        if (memcmp(data + pos + 4, "IDAT", 4) == 0) {
            memcpy(joined + at, data + pos + 8, len);
            at += len;
        }
        pos += 12 + (size_t)len;
    }
    *out_size = total;
    return joined;
}

/* Decodes with libpng. Called once the setjmp is armed; never returns to it
 * by longjmp after freeing anything, because everything is freed by the
 * caller from `c`. */
static const char *png_decode(png_structp png, png_infop info, png_ctx *c)
{
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info);
    png_uint_32 h = png_get_image_height(png, info);
    const char *why = check_size(w, h);
    if (why)
        return why;
    bool plain_rgb = png_get_color_type(png, info) == PNG_COLOR_TYPE_RGB &&
                     png_get_bit_depth(png, info) == 8 &&
                     png_get_interlace_type(png, info) == PNG_INTERLACE_NONE &&
                     !png_get_valid(png, info, PNG_INFO_tRNS);
    png_set_rgb8(png, info);
    unsigned channels = png_get_channels(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    if ((channels != 3 && channels != 4) || rowbytes != (size_t)w * channels)
        return "unexpected pixel layout after conversion";
    why = check_budget((unsigned long long)w * h * (channels == 4 ? 5 : 3),
                       "pixels", c->message, sizeof c->message);
    if (why)
        return why;

    c->pixels = qs_xmalloc(rowbytes * h);
    c->rows = qs_xmalloc(sizeof *c->rows * h);
    for (png_uint_32 y = 0; y < h; y++)
        c->rows[y] = c->pixels + (size_t)y * rowbytes;
    png_read_image(png, c->rows);
    png_read_end(png, NULL);

    qs_image *img = c->img;
    img->width = w;
    img->height = h;
    if (channels == 4) {
        png_split_alpha(img, c->pixels);
        c->pixels = NULL;
    } else if (plain_rgb && !c->warned &&
               (img->png_data = png_image_data(c->data, c->size,
                                               &img->png_data_size))) {
        /* The pixels were decoded to vet the data; the PDF gets the data. */
    } else {
        img->rgb = c->pixels;
        c->pixels = NULL;
    }
    return NULL;
}

/* libpng's allocator: a failure ends the run as every other allocation's
 * does ("out of memory", exit 3), not as a broken image. */
static png_voidp png_alloc(png_structp png, png_alloc_size_t size)
{
    (void)png;
    return qs_xmalloc(size);
}

static void png_release(png_structp png, png_voidp p)
{
    (void)png;
    free(p);
}

static qs_image *load_png(const unsigned char *data, size_t size,
                          const char *display, qs_diags *d)
{
    /* On the heap: its fields change between setjmp and a longjmp. */
    png_ctx *c = qs_xcalloc(1, sizeof *c);
    c->data = data;
    c->size = size;
    c->img = qs_xcalloc(1, sizeof *c->img);
    c->img->kind = QS_IMAGE_PNG;

    png_structp png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, c, png_on_error,
                                               png_on_warning, NULL, png_alloc, png_release);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        qs_image_free(c->img);
        free(c);
        qs_diag_add(d, QS_SEV_ERROR, display, 0, 0, "image",
                    "cannot set up the PNG decoder");
        return NULL;
    }
    png_set_read_fn(png, c, png_read_mem);
    png_set_chunk_malloc_max(png, 16u * 1024u * 1024u);

    const char *why = NULL;
    if (setjmp(png_jmpbuf(png))) {
        why = c->message[0] ? c->message : "corrupt PNG";
    } else {
        why = png_decode(png, info, c);
    }
    png_destroy_read_struct(&png, &info, NULL);
    free(c->pixels);
    free(c->rows);
    qs_image *img = c->img;
    if (why) {
        qs_diag_add(d, QS_SEV_ERROR, display, 0, 0, "image",
                    "unusable PNG image: %s", why);
        qs_image_free(img);
        img = NULL;
    }
    free(c);
    return img;
}

/* ---- JPEG ---- */

typedef struct {
    struct jpeg_error_mgr pub;   /* first: libjpeg hands back its address */
    struct jpeg_decompress_struct cinfo;
    jmp_buf jmp;
    char message[JMSG_LENGTH_MAX > 160 ? JMSG_LENGTH_MAX : 160];
    JSAMPLE *row;          /* one decoded scanline, live across reads */
} jpeg_ctx;

static void jpeg_on_error(j_common_ptr cinfo)
{
    jpeg_ctx *c = (jpeg_ctx *)cinfo->err;
    if (cinfo->err->msg_code == JERR_OUT_OF_MEMORY)
        qs_out_of_memory();   /* as every other allocation, not a broken image */
    cinfo->err->format_message(cinfo, c->message);
    longjmp(c->jmp, 1);
}

/* Warnings (corrupt data, premature end of file) are counted, not printed:
 * the decoder recovers from them, but the file is broken. */
static void jpeg_on_message(j_common_ptr cinfo, int level)
{
    jpeg_ctx *c = (jpeg_ctx *)cinfo->err;
    if (level < 0) {
        if (c->pub.num_warnings == 0)
            cinfo->err->format_message(cinfo, c->message);
        c->pub.num_warnings++;
    }
}

static void jpeg_quiet(j_common_ptr cinfo)
{
    (void)cinfo;
}

/* Reads the header and every scanline. Returns an error message or NULL. */
static const char *jpeg_decode(struct jpeg_decompress_struct *cinfo,
                               jpeg_ctx *c, qs_image *img)
{
    jpeg_read_header(cinfo, TRUE);
    const char *why = check_size(cinfo->image_width, cinfo->image_height);
    if (why)
        return why;
    if (cinfo->jpeg_color_space == JCS_CMYK ||
        cinfo->jpeg_color_space == JCS_YCCK)
        return "CMYK JPEG images are not supported; convert it to RGB";
    if (cinfo->num_components != 1 && cinfo->num_components != 3)
        return "JPEG must have 1 (grey) or 3 (colour) components";
    if (cinfo->arith_code)
        return "arithmetic-coded JPEG images are not supported";
    if (cinfo->data_precision != 8)
        return "only 8-bit JPEG images are supported";
    /* A progressive JPEG keeps every DCT coefficient (2 bytes a sample,
     * in 8 x 8 blocks) until the last scan; a baseline one decodes row by
     * row. */
    unsigned long long blocks = ((cinfo->image_width + 15ull) / 8) *
                                ((cinfo->image_height + 15ull) / 8);
    if (cinfo->progressive_mode &&
        (why = check_budget(blocks * 64 * 2 * (unsigned)cinfo->num_components,
                            "coefficients", c->message, sizeof c->message)))
        return why;
    img->width = cinfo->image_width;
    img->height = cinfo->image_height;
    img->jpeg_components = cinfo->num_components;

    jpeg_start_decompress(cinfo);
    size_t stride = (size_t)cinfo->output_width * cinfo->output_components;
    c->row = qs_xmalloc(stride);
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW rows[1] = { c->row };
        if (jpeg_read_scanlines(cinfo, rows, 1) != 1)
            return "JPEG data ends early";
    }
    jpeg_finish_decompress(cinfo);
    if (c->pub.num_warnings > 0)
        return c->message[0] ? c->message : "corrupt JPEG data";
    return NULL;
}

static qs_image *load_jpeg(unsigned char *data, size_t size,
                           const char *display, qs_diags *d)
{
    /* On the heap: its fields change between setjmp and a longjmp. */
    jpeg_ctx *c = qs_xcalloc(1, sizeof *c);
    struct jpeg_decompress_struct *cinfo = &c->cinfo;
    qs_image *img = qs_xcalloc(1, sizeof *img);
    img->kind = QS_IMAGE_JPEG;

    cinfo->err = jpeg_std_error(&c->pub);
    c->pub.error_exit = jpeg_on_error;
    c->pub.emit_message = jpeg_on_message;
    c->pub.output_message = jpeg_quiet;

    const char *why = NULL;
    if (setjmp(c->jmp)) {
        why = c->message[0] ? c->message : "corrupt JPEG";
    } else {
        jpeg_create_decompress(cinfo);
        cinfo->mem->max_memory_to_use = QS_IMAGE_MAX_DECODE_BYTES;
        jpeg_mem_src(cinfo, data, (unsigned long)size);
        why = jpeg_decode(cinfo, c, img);
    }
    jpeg_destroy_decompress(cinfo);
    free(c->row);
    if (why)
        qs_diag_add(d, QS_SEV_ERROR, display, 0, 0, "image",
                    "unusable JPEG image: %s", why);
    free(c);
    if (why) {
        free(data);
        qs_image_free(img);
        return NULL;
    }
    img->jpeg = data;
    img->jpeg_size = size;
    return img;
}

/* ---- entry points ---- */

qs_image *qs_image_new(const unsigned char *data, size_t size, const char *display,
                       qs_diags *d)
{
    static const unsigned char png_magic[8] = { 0x89, 'P', 'N', 'G',
                                                '\r', '\n', 0x1A, '\n' };
    qs_image *img = NULL;
    if (size >= 8 && memcmp(data, png_magic, 8) == 0) {
        img = load_png(data, size, display, d);
    } else if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
        unsigned char *copy = qs_xmalloc(size);
        memcpy(copy, data, size);
        img = load_jpeg(copy, size, display, d); /* keeps or frees copy */
    } else {
        qs_diag_add(d, QS_SEV_ERROR, display, 0, 0, "image",
                    "not a PNG or JPEG image (judged by its content, not its "
                    "name)");
    }
    if (img) {
        qs_sha256(data, size, img->file_sha256);
    }
    return img;
}

qs_image *qs_image_load(const char *path, const char *display, qs_diags *d)
{
    if (!display)
        display = path;
    size_t size;
    unsigned char *data = qs_file_read_reported(path, IMAGE_MAX_BYTES, display, "image", "image",
                                                &size, d);
    if (!data)
        return NULL;
    qs_image *img = qs_image_new(data, size, display, d);
    free(data);
    return img;
}

void qs_image_free(qs_image *img)
{
    if (!img)
        return;
    free(img->rgb);
    free(img->alpha);
    free(img->png_data);
    free(img->jpeg);
    free(img);
}

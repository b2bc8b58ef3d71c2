/* template_res: the fonts and images a template loads, each file once
 * (by its display path, beside doc->fonts and doc->images), the face of a
 * family and style, and the glyph check of every text against its font. */
#include "template_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fonts.h"
#include "image.h"
#include "utf8.h"

/* A template that lacks glyphs for many texts reports this many. */
#define MAX_GLYPH_REPORTS 100

/* Fonts and images are loaded once per display path: `paths` runs beside
 * doc->fonts or doc->images. The index of `path` among the n loaded, or
 * -1. */
static int loaded_index(char *const *paths, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(paths[i], path) == 0)
            return (int)i;
    return -1;
}

/* Keeps `paths` as long as its array after qs_arena_grow moved *cap from
 * `old_cap`. */
static char **paths_follow(char **paths, size_t old_cap, size_t cap)
{
    return cap == old_cap ? paths : qs_xrealloc(paths, cap * sizeof *paths);
}

static int add_font(tpl *t, const xmlNode *n, const char *attr_name)
{
    const char *href = attr(n, attr_name);
    qs_origin at = {t->path, 0, 0};
    qs_tpl_locate(t, n, attr_name, &at.line, &at.col);
    char *path = NULL;
    if (!qs_input_resolve(t->in, t->path, href, &at, &path, t->d)) {
        t->failed = true;
        return -1;
    }
    int known = loaded_index(t->font_paths, t->doc->nfonts, path);
    if (known >= 0) {
        free(path);
        return known;
    }
    qs_input *file = qs_input_read(t->in, path, &at, t->d);
    qs_font *f = file ? qs_font_new(file->data, file->size, file->real, path, t->d) : NULL;
    if (!f) {
        free(path);
        t->failed = true;
        return -1;
    }
    size_t cap = t->fonts_cap;
    t->doc->fonts = qs_arena_grow(t->A, t->doc->fonts, t->doc->nfonts, &t->fonts_cap,
                                  t->doc->nfonts + 1, sizeof(qs_font *));
    t->font_paths = paths_follow(t->font_paths, cap, t->fonts_cap);
    t->font_paths[t->doc->nfonts] = path;
    t->doc->fonts[t->doc->nfonts] = f;
    return (int)t->doc->nfonts++;
}

/* Loads every <font> in declaration order: regular, bold, italic,
 * bold-italic. A missing variant falls back to the nearest face. */
void qs_tpl_load_fonts(tpl *t, const xmlNode *fonts)
{
    size_t n = 0;
    for (const xmlNode *c = fonts->children; c; c = c->next)
        n += is_el(c, "font");
    t->families = qs_arena_array(&t->scratch, n ? n : 1, sizeof(family));
    static const char *const faces[4] = {"href", "bold", "italic", "bold-italic"};
    for (const xmlNode *c = fonts->children; c; c = c->next) {
        if (!is_el(c, "font"))
            continue;
        family *f = &t->families[t->nfamilies++];
        f->name = attr(c, "name");
        for (int i = 0; i < 4; i++)
            f->face[i] = attr(c, faces[i]) ? add_font(t, c, faces[i]) : -1;
        if (f->face[1] < 0)
            f->face[1] = f->face[0];
        if (f->face[2] < 0)
            f->face[2] = f->face[0];
        if (f->face[3] < 0)
            f->face[3] = attr(c, "bold") ? f->face[1] : f->face[2];
    }
}

int qs_tpl_face_of(const tpl *t, int fam, bool bold, bool italic)
{
    if (fam < 0 || (size_t)fam >= t->nfamilies)
        return 0;
    int i = t->families[fam].face[(bold ? 1 : 0) + (italic ? 2 : 0)];
    return i < 0 ? 0 : i;
}

/* Loads (once) the image at display path `path`; returns its index or -1
 * after a diagnostic at `at`. */
int qs_tpl_load_image(tpl *t, const char *path, const qs_origin *at)
{
    int known = loaded_index(t->image_paths, t->doc->nimages, path);
    if (known >= 0)
        return known;
    qs_input *file = qs_input_read(t->in, path, at, t->d);
    qs_image *img = file ? qs_image_new(file->data, file->size, path, t->d) : NULL;
    if (!img) {
        t->failed = true;
        return -1;
    }
    size_t cap = t->images_cap;
    t->doc->images = qs_arena_grow(t->A, t->doc->images, t->doc->nimages,
                                   &t->images_cap, t->doc->nimages + 1, sizeof(qs_image *));
    t->image_paths = paths_follow(t->image_paths, cap, t->images_cap);
    t->image_paths[t->doc->nimages] = qs_xstrdup(path);
    t->doc->images[t->doc->nimages] = img;
    return (int)t->doc->nimages++;
}

/* ---- glyph coverage ---- */

void qs_tpl_check_glyphs(tpl *t, int font, const char *text, const xmlNode *tnode,
                         const xmlNode *dnode)
{
    if (font < 0 || (size_t)font >= t->doc->nfonts)
        return;
    uint32_t cp = qs_font_first_missing(t->doc->fonts[font], text);
    if (!cp)
        return;
    t->failed = true;
    if (++t->glyph_reports > MAX_GLYPH_REPORTS)
        return;
    char shown[8] = "";
    if (cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0))
        shown[qs_utf8_encode(cp, shown)] = '\0'; /* the character itself */
    unsigned line, col;
    qs_tpl_locate(t, tnode, NULL, &line, &col);
    const char *font_path = t->font_paths[font];
    if (dnode)
        qs_diag_add(t->d, QS_SEV_ERROR, t->path, line, col, "missing-glyph",
                    "the font '%s' has no glyph for U+%04X '%s' in the text of %s",
                    font_path, (unsigned)cp, shown, qs_tpl_describe_node(t, dnode));
    else
        qs_diag_add(t->d, QS_SEV_ERROR, t->path, line, col, "missing-glyph",
                    "the font '%s' has no glyph for U+%04X '%s' in the template's text",
                    font_path, (unsigned)cp, shown);
    if (t->glyph_reports == MAX_GLYPH_REPORTS)
        qs_diag_add(t->d, QS_SEV_NOTE, t->path, line, col, "missing-glyph",
                    "further missing glyphs are not reported");
}

/* layout_model: the layout's two objects, the qs_doc it reads and the
 * qs_layout it makes: their set-up, release and free, and the layout's
 * text dump (qs_layout_dump). */
#include "layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM 2.834646f

/* ---- the document ---- */

static void init_master(qs_master *ms)
{
    memset(ms, 0, sizeof *ms);
    ms->width = 595.276f;
    ms->height = 841.89f;
    ms->margin_top = ms->margin_right = ms->margin_bottom = ms->margin_left = 20 * MM;
}

void qs_doc_init(qs_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    qs_arena_init(&doc->arena);
    init_master(&doc->first);
    init_master(&doc->rest);
}

void qs_doc_free(qs_doc *doc)
{
    for (size_t i = 0; i < doc->nfonts; i++)
        if (doc->fonts[i] != NULL)
            qs_font_free(doc->fonts[i]);
    for (size_t i = 0; i < doc->nimages; i++)
        if (doc->images[i] != NULL)
            qs_image_free(doc->images[i]);
    qs_arena_free(&doc->arena);
    memset(doc, 0, sizeof *doc);
}

static const char *keep_string(qs_arena *a, const char *s)
{
    return s ? qs_arena_strdup(a, s) : NULL;
}

void qs_doc_release_flow(qs_doc *doc)
{
    qs_arena keep;
    qs_arena_init(&keep);
    qs_font **fonts = NULL;
    qs_image **images = NULL;
    if (doc->nfonts) {
        fonts = qs_arena_array(&keep, doc->nfonts, sizeof *fonts);
        memcpy(fonts, doc->fonts, doc->nfonts * sizeof *fonts);
    }
    if (doc->nimages) {
        images = qs_arena_array(&keep, doc->nimages, sizeof *images);
        memcpy(images, doc->images, doc->nimages * sizeof *images);
    }
    qs_metadata *m = &doc->meta;
    qs_metadata meta = {
        .title = keep_string(&keep, m->title),
        .author = keep_string(&keep, m->author),
        .subject = keep_string(&keep, m->subject),
        .keywords = keep_string(&keep, m->keywords),
        .creator = keep_string(&keep, m->creator),
        .date = keep_string(&keep, m->date),
        .lang = keep_string(&keep, m->lang),
    };
    const char *watermark = keep_string(&keep, doc->watermark);

    qs_arena_free(&doc->arena);
    doc->arena = keep;
    doc->fonts = fonts;
    doc->images = images;
    doc->meta = meta;
    doc->watermark = watermark;
    doc->flow = (qs_blocks){0};
    doc->first.header = doc->first.footer = (qs_blocks){0};
    doc->rest.header = doc->rest.footer = (qs_blocks){0};
}

/* ---- the layout ---- */

void qs_layout_free(qs_layout *l)
{
    for (size_t i = 0; i < l->npages; i++)
        free(l->pages[i].items);
    free(l->pages);
    free(l->outline);
    free(l->tags);
    qs_arena_free(&l->arena);
    memset(l, 0, sizeof *l);
}

/* ---- dump ---- */

static void put_num(FILE *out, float v)
{
    long n = lround((double)v * 10.0);
    if (n < 0) {
        fputc('-', out);
        n = -n;
    }
    fprintf(out, "%ld.%ld", n / 10, n % 10);
}

static void put_nums(FILE *out, const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputc(' ', out);
        put_num(out, v[i]);
    }
}

static void put_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void dump_item(const qs_item *it, FILE *out)
{
    switch (it->kind) {
    case QS_ITEM_TEXT: {
        float v[2] = {it->x, it->y};
        fputs("  text", out);
        put_nums(out, v, 2);
        fprintf(out, " %d", it->font);
        put_nums(out, &it->size, 1);
        fputc(' ', out);
        put_quoted(out, it->text ? it->text : "");
        break;
    }
    case QS_ITEM_RECT: {
        float v[4] = {it->x, it->y, it->w, it->h};
        fputs("  rect", out);
        put_nums(out, v, 4);
        fprintf(out, " #%02x%02x%02x", it->color.r, it->color.g, it->color.b);
        break;
    }
    case QS_ITEM_LINE: {
        float v[5] = {it->x, it->y, it->x + it->w, it->y + it->h, it->size};
        fputs("  line", out);
        put_nums(out, v, 5);
        /* The colour only when not black, so older dumps read the same. */
        if (it->color.r || it->color.g || it->color.b)
            fprintf(out, " #%02x%02x%02x", it->color.r, it->color.g, it->color.b);
        break;
    }
    case QS_ITEM_IMAGE: {
        float v[4] = {it->x, it->y, it->w, it->h};
        fprintf(out, "  image %d", it->image);
        put_nums(out, v, 4);
        break;
    }
    }
    fputc('\n', out);
}

void qs_layout_dump(const qs_layout *l, FILE *out)
{
    for (size_t p = 0; p < l->npages; p++) {
        const qs_page *pg = &l->pages[p];
        fprintf(out, "page %zu ", p + 1);
        put_num(out, pg->width);
        fputc('x', out);
        put_num(out, pg->height);
        fputc('\n', out);
        for (size_t i = 0; i < pg->count; i++)
            dump_item(&pg->items[i], out);
    }
    for (size_t i = 0; i < l->noutline; i++) {
        const qs_outline_entry *e = &l->outline[i];
        fprintf(out, "outline %d %zu", e->level, e->page + 1);
        put_nums(out, &e->y, 1);
        fputc(' ', out);
        put_quoted(out, e->title);
        fputc('\n', out);
    }
}

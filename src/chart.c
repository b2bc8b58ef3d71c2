/* chart: bar and cumulative line charts as page items; see chart.h. */
#include "chart.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const qs_rgb qs_chart_default_palette[3] = {
    {0x1F, 0x4E, 0x79}, {0xE0, 0x7B, 0x00}, {0xB0, 0xB0, 0xB0}};

qs_chart *qs_chart_new(qs_arena *arena, qs_chart_kind kind)
{
    qs_chart *c = qs_arena_alloc(arena, sizeof *c);
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->height = 150;
    c->size = 7.5f;
    c->currency = "EUR";
    memcpy(c->colors, qs_chart_default_palette, sizeof c->colors);
    c->arena = arena;
    return c;
}

void qs_chart_add(qs_chart *c, const char *label, const char *note, qs_decimal value,
                  bool has_target, qs_decimal target)
{
    if (c->npoints == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        qs_chart_point *bigger = qs_arena_array(c->arena, cap, sizeof *bigger);
        if (c->npoints)
            memcpy(bigger, c->points, c->npoints * sizeof *bigger);
        c->points = bigger;
        c->cap = cap;
    }
    c->points[c->npoints++] = (qs_chart_point){
        qs_arena_strdup(c->arena, label ? label : ""),
        note && *note ? qs_arena_strdup(c->arena, note) : NULL, value, has_target, target};
}

/* ---- the value axis ---- */

/* A step of 1, 2, 2.5 or 5 x 10^k whole currency units that divides the
 * largest amount into at most four intervals; *count gets their number. */
static int64_t axis_step(qs_decimal top, int *count)
{
    int64_t units = top <= 0 ? 1 : (top + QS_DECIMAL_SCALE - 1) / QS_DECIMAL_SCALE;
    int64_t step = 1;
    for (int64_t p = 1; p <= INT64_MAX / 100; p *= 10) {
        const int64_t tenths[] = {10, 20, 25, 50};
        bool found = false;
        for (int i = 0; i < 4 && !found; i++) {
            if (tenths[i] * p % 10 != 0)
                continue;
            step = tenths[i] * p / 10;
            found = units <= 4 * step;
        }
        if (found)
            break;
    }
    *count = (int)((units + step - 1) / step);
    return step;
}

/* A tick's label: money in the document's language, without a fraction of
 * zeros ("150.000 €", "€150,000"). */
static void tick_label(const qs_chart *c, int64_t units, char out[QS_FORMAT_BUFSIZE])
{
    char amount[32];
    snprintf(amount, sizeof amount, "%" PRId64, units);
    if (qs_format_money(amount, c->currency, c->lang, out) != QS_FMT_OK) {
        snprintf(out, QS_FORMAT_BUFSIZE, "%s", amount);
        return;
    }
    char sep = c->lang == QS_LANG_DE ? ',' : '.';
    char *frac = strrchr(out, sep);
    if (!frac || frac[1] != '0')
        return;
    size_t zeros = strspn(frac + 1, "0");
    if (frac[1 + zeros] >= '0' && frac[1 + zeros] <= '9')
        return;
    memmove(frac, frac + 1 + zeros, strlen(frac + 1 + zeros) + 1);
}

/* ---- items ---- */

typedef struct {
    const qs_chart *c;
    qs_font *const *fonts;
    qs_page *page;
    qs_arena *texts;
} pen;

static qs_item *push(pen *p, qs_item_kind kind, float x, float y, qs_rgb color)
{
    qs_page *pg = p->page;
    pg->items = qs_xgrow(pg->items, &pg->cap, pg->count + 1, sizeof *pg->items);
    qs_item *it = &pg->items[pg->count++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->x = x;
    it->y = y;
    it->color = color;
    return it;
}

static void rect(pen *p, float x, float y, float w, float h, qs_rgb color)
{
    qs_item *it = push(p, QS_ITEM_RECT, x, y, color);
    it->w = w;
    it->h = h;
}

static void line(pen *p, float x0, float y0, float x1, float y1, float thickness, qs_rgb color)
{
    qs_item *it = push(p, QS_ITEM_LINE, x0, y0, color);
    it->w = x1 - x0;
    it->h = y1 - y0;
    it->size = thickness;
}

static float text_width(const pen *p, const char *s, float size)
{
    return qs_font_width(p->fonts[p->c->font], s, strlen(s), size);
}

/* A text run with its baseline at y; x is its left end, its right end
 * (align right) or its middle (align center). */
static void text(pen *p, float x, float y, const char *s, float size, qs_align align)
{
    float w = text_width(p, s, size);
    if (align == QS_ALIGN_RIGHT)
        x -= w;
    else if (align == QS_ALIGN_CENTER)
        x -= w / 2;
    qs_item *it = push(p, QS_ITEM_TEXT, x, y, p->c->text_color);
    it->font = p->c->font;
    it->size = size;
    it->text = qs_arena_strdup(p->texts, s);
}

/* The legend, one row at the top: a swatch and a text per series. */
static void legend(pen *p, bool targets)
{
    const qs_chart *c = p->c;
    float s = c->size, x = 0, base = -s * 1.1f;
    if (c->value_legend) {
        if (c->kind == QS_CHART_BARS)
            rect(p, x, base - s * 0.1f, s * 0.9f, s * 0.9f, c->colors[0]);
        else
            line(p, x, base + s * 0.35f, x + s * 1.6f, base + s * 0.35f, 1.8f, c->colors[0]);
        x += (c->kind == QS_CHART_BARS ? s * 0.9f : s * 1.6f) + s * 0.5f;
        text(p, x, base, c->value_legend, s, QS_ALIGN_LEFT);
        x += text_width(p, c->value_legend, s) + s * 2;
    }
    if (c->target_legend && targets) {
        line(p, x, base + s * 0.35f, x + s * 1.6f, base + s * 0.35f,
             c->kind == QS_CHART_BARS ? 2.2f : 1.2f, c->colors[1]);
        x += s * 2.1f;
        text(p, x, base, c->target_legend, s, QS_ALIGN_LEFT);
    }
}

/* The plot area: its left and right x, its bottom and top y. */
typedef struct {
    float left, right, bottom, top;
    double scale;    /* pt per qs_decimal unit */
} plot;

static float y_of(const plot *pl, qs_decimal v)
{
    return pl->bottom + (float)((double)(v < 0 ? 0 : v) * pl->scale);
}

/* The grid lines and money labels of the value axis; sets up *pl. */
static void axis(pen *p, float width, float height, qs_decimal top, plot *pl)
{
    const qs_chart *c = p->c;
    float s = c->size;
    int count;
    int64_t step = axis_step(top, &count);
    char label[QS_FORMAT_BUFSIZE];
    float label_w = 0;
    for (int i = 0; i <= count; i++) {
        tick_label(c, step * i, label);
        float w = text_width(p, label, s);
        label_w = w > label_w ? w : label_w;
    }
    pl->left = label_w + s * 0.6f;
    pl->right = width;
    pl->top = -s * 2.6f;
    pl->bottom = -height + s * 2.2f;
    pl->scale = (double)(pl->top - pl->bottom) / ((double)step * count * QS_DECIMAL_SCALE);
    for (int i = 0; i <= count; i++) {
        float y = y_of(pl, (qs_decimal)(step * i * QS_DECIMAL_SCALE));
        line(p, pl->left, y, pl->right, y, i == 0 ? 0.8f : 0.3f, c->colors[2]);
        tick_label(c, step * i, label);
        text(p, pl->left - s * 0.4f, y - s * 0.35f, label, s, QS_ALIGN_RIGHT);
    }
}

/* The category labels under the plot, each centred in its slot, made
 * smaller (down to 60 %) when wider than the slot. */
static void categories(pen *p, const plot *pl)
{
    const qs_chart *c = p->c;
    float slot = (pl->right - pl->left) / (float)c->npoints;
    for (size_t i = 0; i < c->npoints; i++) {
        const char *s = c->points[i].label;
        float size = c->size, w = text_width(p, s, size);
        if (w > slot * 0.95f)
            size = fmaxf(size * 0.6f, size * slot * 0.95f / w);
        text(p, pl->left + slot * ((float)i + 0.5f), pl->bottom - c->size * 1.3f, s, size,
             QS_ALIGN_CENTER);
    }
}

static void bars(pen *p, const plot *pl)
{
    const qs_chart *c = p->c;
    float slot = (pl->right - pl->left) / (float)c->npoints;
    float bar = fminf(slot * 0.5f, 48);
    for (size_t i = 0; i < c->npoints; i++) {
        const qs_chart_point *pt = &c->points[i];
        float x = pl->left + slot * (float)i + (slot - bar) / 2;
        float y = y_of(pl, pt->value);
        if (y > pl->bottom)
            rect(p, x, pl->bottom, bar, y - pl->bottom, c->colors[0]);
        float top = y;
        if (pt->has_target) {
            float ty = y_of(pl, pt->target), over = fminf(bar * 0.25f, 8);
            line(p, x - over, ty, x + bar + over, ty, 2.2f, c->colors[1]);
            top = fmaxf(top, ty + 1.1f);
        }
        if (pt->note)
            text(p, x + bar / 2, top + c->size * 0.45f, pt->note, c->size, QS_ALIGN_CENTER);
    }
}

/* The running value and target as lines from zero at the left edge to each
 * slot's right end (a month's end), with a square marker per value. */
static void cumulative(pen *p, const plot *pl)
{
    const qs_chart *c = p->c;
    float slot = (pl->right - pl->left) / (float)c->npoints;
    float m = 2.2f;   /* half a marker */
    for (int series = 1; series >= 0; series--) {
        float x0 = pl->left, y0 = pl->bottom;
        for (size_t i = 0; i < c->npoints; i++) {
            const qs_chart_point *pt = &c->points[i];
            if (series == 1 && !pt->has_target)
                break;
            float x = pl->left + slot * (float)(i + 1);
            float y = y_of(pl, series == 0 ? pt->value : pt->target);
            line(p, x0, y0, x, y, series == 0 ? 1.8f : 1.2f, c->colors[series]);
            if (series == 0)
                rect(p, x - m, y - m, 2 * m, 2 * m, c->colors[0]);
            x0 = x;
            y0 = y;
        }
    }
}

float qs_chart_draw(const qs_chart *c, qs_font *const *fonts, float width, qs_page *page,
                    qs_arena *texts)
{
    pen p = {c, fonts, page, texts};
    qs_decimal top = 0;
    bool targets = false;
    for (size_t i = 0; i < c->npoints; i++) {
        const qs_chart_point *pt = &c->points[i];
        top = pt->value > top ? pt->value : top;
        if (pt->has_target) {
            targets = true;
            top = pt->target > top ? pt->target : top;
        }
    }
    legend(&p, targets);
    plot pl;
    axis(&p, width, c->height, top, &pl);
    if (c->npoints == 0)
        return c->height;
    categories(&p, &pl);
    if (c->kind == QS_CHART_BARS)
        bars(&p, &pl);
    else
        cumulative(&p, &pl);
    return c->height;
}

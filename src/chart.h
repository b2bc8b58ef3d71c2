/* chart: charts of the template language's <chart> element
 * (docs/templates.md, "Charts"): a bar chart with target markers (one bar
 * per category) and a cumulative line chart of a value against a target
 * (one point per category, e.g. the months of a period). The template
 * stage fills a qs_chart; the layout engine asks it to draw itself as page
 * items (rectangles, lines, text runs), so a chart is vector graphics in
 * the PDF and plain text in the layout dump. Axis labels are money in the
 * document's language and currency (format.c).
 * Amounts are exact decimals (qs_decimal); only the geometry is float.
 * Ownership: a qs_chart and its points live in the arena given to
 * qs_chart_new (the qs_doc's); the items qs_chart_draw appends belong to
 * the page it appends them to. */
#ifndef QS_CHART_H
#define QS_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "decimal.h"
#include "format.h"
#include "layout.h"

typedef enum {
    QS_CHART_BARS,        /* a bar per point, its target as a marker */
    QS_CHART_CUMULATIVE   /* the value and the target as lines over the points */
} qs_chart_kind;

typedef struct {
    const char *label;    /* the category under the axis */
    const char *note;     /* bars: a text above the bar (e.g. its attainment), or NULL */
    qs_decimal value;
    bool has_target;
    qs_decimal target;
} qs_chart_point;

typedef struct qs_chart {
    qs_chart_kind kind;
    float height;               /* pt, legend and labels included */
    int font;                   /* index into qs_doc.fonts */
    float size;                 /* pt, of every label */
    qs_rgb text_color;
    qs_rgb colors[3];           /* the value, the target, the axis and grid */
    const char *value_legend, *target_legend;   /* legend entries (NULL: none) */
    const char *currency;       /* ISO 4217, for the axis labels */
    qs_lang lang;
    qs_chart_point *points;
    size_t npoints, cap;
    qs_arena *arena;
} qs_chart;

/* The palette of a chart that names none: the report's blue, an orange
 * for targets, a grey for the axis and grid. */
extern const qs_rgb qs_chart_default_palette[3];

/* A chart of `kind` with no points, in `arena`. */
qs_chart *qs_chart_new(qs_arena *arena, qs_chart_kind kind);

/* Appends a point (label and note, which may be NULL, copied into the
 * chart's arena). */
void qs_chart_add(qs_chart *c, const char *label, const char *note, qs_decimal value,
                  bool has_target, qs_decimal target);

/* Draws the chart `width` pt wide into `page`'s items, relative to the
 * chart's top-left corner (x to the right, y upwards: the chart spans y 0
 * to -height). Text is measured with `fonts` and copied into `texts` (the
 * layout's arena). Returns the height used. */
float qs_chart_draw(const qs_chart *c, qs_font *const *fonts, float width, qs_page *page,
                    qs_arena *texts);

#endif

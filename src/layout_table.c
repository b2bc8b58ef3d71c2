/* layout_table: owns the measuring of tables (column widths, cells, rows
 * split across pages, carried-forward sums) and of blocks flowing through
 * columns, as slices for layout.c's paginator (src/layout_int.h). */
#include "layout_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- tables ---- */

static bool parse_amount(const char *text, qs_decimal *v, int *places)
{
    bool neg = text[0] == '-';
    const char *p = neg ? text + 1 : text;
    if (qs_decimal_parse(p, v) != QS_DEC_OK)
        return false;
    if (neg)
        *v = -*v;
    const char *dot = strchr(p, '.');
    int fd = dot ? (int)strlen(dot + 1) : 0;
    if (fd > *places)
        *places = fd;
    return true;
}

/* Column positions (from the container's left edge) and widths; a table
 * with a width of its own is placed by its alignment. */
static bool table_columns(measure *m, const qs_table *t, float width, table_info *ti)
{
    float room = width;
    if (t->width > 0) {
        if (t->width > width + 0.5f) {
            char a[32], b[32];
            qs_lay_fail(m, "a table (%s pt wide) is wider than the space for it (%s pt)",
                        qs_lay_fmt1(t->width, a), qs_lay_fmt1(width, b));
            return false;
        }
        width = t->width;
    }
    ti->x = t->align == QS_ALIGN_RIGHT    ? room - width
          : t->align == QS_ALIGN_CENTER ? (room - width) / 2
                                        : 0;
    ti->col_x = qs_arena_array(&m->scratch, t->ncolumns, sizeof(float));
    ti->col_w = qs_arena_array(&m->scratch, t->ncolumns, sizeof(float));
    float fixed = 0, shares = 0;
    for (size_t c = 0; c < t->ncolumns; c++) {
        if (t->columns[c].width < 0) {
            qs_lay_fail(m, "table column %zu has a negative width", c + 1);
            return false;
        }
        if (t->columns[c].relative)
            shares += t->columns[c].width;
        else
            fixed += t->columns[c].width;
    }
    if (fixed > width + 0.5f) {
        char a[32], b[32];
        qs_lay_fail(m, "table columns (%s pt) are wider than the space for them (%s pt)",
                    qs_lay_fmt1(fixed, a), qs_lay_fmt1(width, b));
        return false;
    }
    float rest = width - fixed > 0 ? width - fixed : 0, x = 0;
    for (size_t c = 0; c < t->ncolumns; c++) {
        const qs_column *col = &t->columns[c];
        float w = !col->relative ? col->width : shares > 0 ? rest * col->width / shares : 0;
        ti->col_x[c] = ti->x + x;
        ti->col_w[c] = w;
        x += w;
    }
    ti->width = x;
    return true;
}

static bool table_carry(measure *m, const qs_table *t, table_info *ti)
{
    ti->carry_foot = t->carry_label_foot != NULL;
    ti->carry_head = t->carry_label_head != NULL;
    if (!ti->carry_foot && !ti->carry_head)
        return true;
    if (qs_lay_font(m, t->carry_style.font) == NULL)
        return false;
    if (t->carry_column >= t->ncolumns) {
        qs_lay_fail(m, "carry column %zu is not a column of the table", t->carry_column + 1);
        return false;
    }
    ti->running = qs_arena_array(&m->scratch, t->nrows ? t->nrows : 1, sizeof(qs_decimal));
    qs_decimal sum = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *a = t->rows[r].carry_amount;
        qs_decimal v;
        if (a != NULL) {
            if (!parse_amount(a, &v, &ti->places)) {
                qs_lay_fail(m, "carry amount '%s' of table row %zu is not a decimal", a, r + 1);
                return false;
            }
            if (!qs_decimal_add(sum, v, &sum)) {
                qs_lay_fail(m, "the carried-forward sum overflows at table row %zu", r + 1);
                return false;
            }
        }
        ti->running[r] = sum;
    }
    if (ti->places > QS_DECIMAL_DIGITS)
        ti->places = QS_DECIMAL_DIGITS;
    ti->carry_h = 2 * t->cell_padding + DEFAULT_LEADING * t->carry_style.size;
    return true;
}

typedef struct {
    slice_vec sv;
    qs_page iv;
    size_t *ranges;    /* per cell, RANGE_STRIDE entries: first slice, end
                        * slice, first column, span, end of the part shown */
    float *heights;    /* per cell: its content's height, padding included */
    float *shifts;     /* per cell: how far a baseline cell moves down */
} row_scratch;

enum { RANGE_STRIDE = 5 };

/* A cell's background (`borders` false) or borders (true): its box runs
 * from x over w and from the row's top (0) down to -h. The borders go
 * over every cell's background, so a neighbour never hides one. */
static void cell_box(const qs_cell *cell, float x, float w, float h, bool borders,
                     qs_page *iv)
{
    if (!borders) {
        if (!cell->has_background)
            return;
        qs_item *it = item_push(iv);
        it->kind = QS_ITEM_RECT;
        it->x = x;
        it->y = -h;
        it->w = w;
        it->h = h;
        it->color = cell->background;
        return;
    }
    /* Each side from corner to corner: top, right, bottom, left. */
    const float from[4][2] = {{x, 0}, {x + w, 0}, {x, -h}, {x, 0}};
    const float run[4][2] = {{w, 0}, {0, -h}, {w, 0}, {0, -h}};
    for (int side = 0; side < 4; side++) {
        const qs_border *b = &cell->border[side];
        if (b->width <= 0)
            continue;
        qs_item *it = item_push(iv);
        it->kind = QS_ITEM_LINE;
        it->x = from[side][0];
        it->y = from[side][1];
        it->w = run[side][0];
        it->h = run[side][1];
        it->size = b->width;
        it->color = b->color;
    }
}

/* A cell's padding on every side: its own, else the table's. */
static float cell_padding(const qs_table *t, const qs_cell *cell)
{
    return cell->has_padding ? cell->padding : t->cell_padding;
}

/* Decimal alignment: per column, the widest part of a line from its
 * decimal mark on among the column's QS_ALIGN_DECIMAL cells (header and
 * rows), measured at the cells' widths. */
static bool decimal_tails(measure *m, const qs_table *t, table_info *ti)
{
    ti->decimal_tail = qs_arena_array(&m->scratch, t->ncolumns, sizeof(float));
    const char *mark = t->decimal_mark ? t->decimal_mark : ".";
    for (size_t r = 0; r <= t->nrows && !m->failed; r++) {
        const qs_row *row = r < t->nrows ? &t->rows[r] : t->header;
        size_t col = 0;
        for (size_t c = 0; row != NULL && c < row->count && col < t->ncolumns; c++) {
            const qs_cell *cell = &row->cells[c];
            size_t span = cell->colspan >= 1 ? (size_t)cell->colspan : 1;
            if (cell->align == QS_ALIGN_DECIMAL) {
                float cw = 0;
                for (size_t k = col; k < col + span && k < t->ncolumns; k++)
                    cw += ti->col_w[k];
                const qs_row *outer = m->row;
                m->row = row;
                float tail = qs_lay_blocks_tail(m, &cell->content,
                                                cw - 2 * cell_padding(t, cell), mark);
                m->row = outer;
                if (tail > ti->decimal_tail[col])
                    ti->decimal_tail[col] = tail;
            }
            col += span;
        }
    }
    return !m->failed;
}

/* How far below its top the first baseline of a cell lies: the highest
 * baseline of the cell's first slice (a line, or a nested table's row),
 * else that slice's bottom; -1 for an empty cell. */
static float first_baseline(const row_scratch *rs, const size_t *r, float pad)
{
    if (r[0] >= r[1])
        return -1;
    const slice *s = &rs->sv.v[r[0]];
    float depth = s->h;
    for (size_t k = s->first; k < s->first + s->count; k++) {
        const qs_item *it = &rs->iv.items[k];
        if (it->kind == QS_ITEM_TEXT && -it->y < depth)
            depth = -it->y;
    }
    return pad + depth;
}

/* Baseline alignment: moves each baseline cell of the row down so that
 * its first baseline meets the lowest first baseline among them (rs->shifts,
 * rs->heights grow by it). Returns the tallest cell's new height. */
static float align_baselines(const qs_table *t, const qs_row *row, row_scratch *rs,
                             float content)
{
    float lowest = -1;
    for (size_t c = 0; c < row->count; c++) {
        rs->shifts[c] = 0;
        if (row->cells[c].valign == QS_VALIGN_BASELINE) {
            float b = first_baseline(rs, &rs->ranges[RANGE_STRIDE * c],
                                     cell_padding(t, &row->cells[c]));
            rs->shifts[c] = b;
            lowest = b > lowest ? b : lowest;
        }
    }
    for (size_t c = 0; c < row->count; c++) {
        if (row->cells[c].valign != QS_VALIGN_BASELINE || rs->shifts[c] < 0) {
            rs->shifts[c] = 0;
            continue;
        }
        rs->shifts[c] = lowest - rs->shifts[c];
        rs->heights[c] += rs->shifts[c];
        content = rs->heights[c] > content ? rs->heights[c] : content;
    }
    return content;
}

/* Measures the cells of one row into rs (ranges, heights; the part shown
 * is all of each cell). Returns the height of the tallest cell, padding
 * included, or -1 after a diagnostic. */
static float measure_cells(measure *m, const qs_table *t, const table_info *ti,
                           const qs_row *row, row_scratch *rs)
{
    rs->sv.n = 0;
    rs->iv.count = 0;
    size_t col = 0;
    float content = 0;
    /* A table in a decimal cell: the outer cell's alignment comes back. */
    const char *outer_mark = m->decimal_mark;
    float outer_tail = m->decimal_tail;
    int row_tag = m->tag;
    for (size_t c = 0; c < row->count; c++) {
        const qs_cell *cell = &row->cells[c];
        size_t span = cell->colspan >= 1 ? (size_t)cell->colspan : 1;
        m->tag = qs_lay_tag_cell(m, row == t->header, span);
        if (span > t->ncolumns - col) {
            qs_lay_fail(m, "a table row has more cells than the table has columns (%zu)",
                        t->ncolumns);
            return -1;
        }
        float cw = 0;
        for (size_t k = col; k < col + span; k++)
            cw += ti->col_w[k];
        size_t *r = &rs->ranges[RANGE_STRIDE * c];
        r[0] = rs->sv.n;
        float pad = cell_padding(t, cell);
        m->decimal_mark = t->decimal_mark ? t->decimal_mark : ".";
        m->decimal_tail = cell->align == QS_ALIGN_DECIMAL ? ti->decimal_tail[col] : 0;
        qs_lay_measure_isolated(m, &cell->content, cw - 2 * pad, (int)cell->align, NULL, &rs->sv,
                                &rs->iv);
        m->decimal_mark = outer_mark;
        m->decimal_tail = outer_tail;
        m->tag = row_tag;
        if (m->failed)
            return -1;
        r[1] = r[4] = rs->sv.n;
        r[2] = col;
        r[3] = span;
        float ch = qs_lay_stack_height(&rs->sv, r[0]) + 2 * pad;
        rs->heights[c] = ch;
        content = ch > content ? ch : content;
        col += span;
    }
    return row->count > 0 ? align_baselines(t, row, rs, content) : 2 * t->cell_padding;
}

/* The height of the continued label atop a part of a split row: none on
 * the first part, nor without a label. */
static float label_height(const qs_table *t, bool first)
{
    return !first && t->continued_label ? DEFAULT_LEADING * t->continued_style.size : 0;
}

/* Appends the items of one part of a row to iv (relative to its top-left):
 * each cell's slices ranges[0] to ranges[4] in `content` pt (padding
 * included), the backgrounds and borders, the rule above (first part
 * only) and, on a later part, the table's continued label above the
 * cells. `whole`: the part is the whole row (cells align vertically; the
 * parts of a split row start at the top). Returns the part's height. */
static float emit_part(measure *m, const qs_table *t, const table_info *ti, const qs_row *row,
                       const qs_rgb *band, const row_scratch *rs, float content, bool first,
                       bool whole, qs_page *iv)
{
    float label_h = label_height(t, first);
    float h = content + label_h;
    const qs_rgb *fill = row->has_background ? &row->background : band;
    if (fill != NULL) {
        qs_item *it = item_push(iv);
        it->kind = QS_ITEM_RECT;
        it->x = ti->x;
        it->y = -h;
        it->w = ti->width;
        it->h = h;
        it->color = *fill;
    }
    if (row->rule_above && first) {
        qs_item *it = item_push(iv);
        it->kind = QS_ITEM_LINE;
        it->x = ti->x;
        it->w = ti->width;
        it->size = THIN_RULE;
    }
    for (int borders = 0; borders < 2; borders++)
        for (size_t c = 0; c < row->count; c++) {
            const size_t *r = &rs->ranges[RANGE_STRIDE * c];
            float x = ti->col_x[r[2]];
            float w = ti->col_x[r[2] + r[3] - 1] + ti->col_w[r[2] + r[3] - 1] - x;
            cell_box(&row->cells[c], x, w, h, borders, iv);
        }
    if (label_h > 0) {
        const qs_span *st = &t->continued_style;
        const qs_font *f = m->doc->fonts[st->font];
        qs_item *it = item_push(iv);
        it->kind = QS_ITEM_TEXT;
        it->x = ti->col_x[0] + t->cell_padding;
        it->y = -t->cell_padding - (label_h - st->size) / 2 -
                (float)qs_font_ascent(f) * st->size / 1000.0f;
        it->font = st->font;
        it->size = st->size;
        it->color = st->color;
        it->text = qs_arena_strdup(&m->out->arena, t->continued_label);
    }
    for (size_t c = 0; c < row->count; c++) {
        const qs_cell *cell = &row->cells[c];
        const size_t *r = &rs->ranges[RANGE_STRIDE * c];
        float x = ti->col_x[r[2]], pad = cell_padding(t, cell);
        float slack = whole ? content - rs->heights[c] : 0;
        float down = cell->valign == QS_VALIGN_BOTTOM     ? slack
                   : cell->valign == QS_VALIGN_MIDDLE   ? slack / 2
                   : cell->valign == QS_VALIGN_BASELINE ? (whole ? rs->shifts[c] : 0)
                                                        : 0;
        qs_lay_stack_slices(&rs->sv, r[0], r[4], &rs->iv, iv, x + pad, -pad - label_h - down);
    }
    return h;
}

/* Appends the items of one row to iv (relative to the row's top-left) and
 * returns its height, or -1 after a diagnostic. */
static float measure_row(measure *m, const qs_table *t, const table_info *ti, const qs_row *row,
                         const qs_rgb *band, row_scratch *rs, qs_page *iv)
{
    float content = measure_cells(m, t, ti, row, rs);
    return content < 0 ? -1 : emit_part(m, t, ti, row, band, rs, content, true, true, iv);
}

/* For one cell: from ranges[0] on, the slices that fit in `room` pt
 * (ranges[4] set past them); returns their height. */
static float fill_part(const row_scratch *rs, size_t c, float room)
{
    size_t *r = &rs->ranges[RANGE_STRIDE * c];
    float h = 0;
    size_t e = r[0];
    for (; e < r[1]; e++) {
        const slice *s = &rs->sv.v[e];
        float add = stacked(s) ? (e == r[0] ? 0 : s->before) + s->h : 0;
        if (h + add > room + EPS)
            break;
        h += add;
    }
    r[4] = e;
    return h;
}

/* Cuts the next part of a row measured into rs: from each cell's
 * ranges[0] on, what fits in `room` pt (the continued label of a later
 * part included), its items appended to iv; the ranges move past it.
 * Returns its height; *more tells whether parts remain. */
static float cut_part(measure *m, const table_info *ti, const qs_row *row, const qs_rgb *band,
                      const row_scratch *rs, float room, bool first, qs_page *iv, bool *more)
{
    const qs_table *t = ti->t;
    room -= label_height(t, first);
    float part = 0;
    for (size_t c = 0; c < row->count; c++) {
        float pad = cell_padding(t, &row->cells[c]);
        float ch = fill_part(rs, c, room - 2 * pad) + 2 * pad;
        part = ch > part ? ch : part;
    }
    float h = emit_part(m, t, ti, row, band, rs, part, first, false, iv);
    *more = false;
    for (size_t c = 0; c < row->count; c++) {
        size_t *rc = &rs->ranges[RANGE_STRIDE * c];
        rc[0] = rc[4];
        *more = *more || rc[0] < rc[1];
    }
    return h;
}

/* Whether every line of every cell of a row measured into rs fits a later
 * part of `room` pt, under the continued label: then each part on a fresh
 * page shows at least one line of a cell. A diagnostic (naming the row's
 * quote line) otherwise. */
static bool lines_fit(measure *m, const qs_table *t, const qs_row *row, const row_scratch *rs,
                      float room)
{
    room -= label_height(t, false);
    for (size_t c = 0; c < row->count; c++) {
        const size_t *r = &rs->ranges[RANGE_STRIDE * c];
        float avail = room - 2 * cell_padding(t, &row->cells[c]);
        for (size_t e = r[0]; e < r[1]; e++) {
            const slice *s = &rs->sv.v[e];
            if (stacked(s) && s->h > avail + EPS) {
                char a[32];
                qs_lay_fail(m, "a line of a cell does not fit on a page (%s pt of room)",
                            qs_lay_fmt1(avail, a));
                return false;
            }
        }
    }
    return true;
}

/* A split row starts on a page only with at least this many lines of each
 * cell there (all of a shorter cell), as a paragraph's orphan rule keeps
 * two lines together; more when the table's `orphans` asks for more. */
enum { LEAST_LINES = 2 };

/* The least first part of a row measured into rs: in each cell its first
 * `lines` lines (slices), and on until the cell's own keeps allow a break
 * (a paragraph's orphan lines, keep-with-next, a kept-together group); the
 * tallest cell's, padding included. */
static float least_part(const qs_table *t, const qs_row *row, const row_scratch *rs,
                        size_t lines)
{
    float least = 0;
    for (size_t c = 0; c < row->count; c++) {
        const size_t *r = &rs->ranges[RANGE_STRIDE * c];
        float h = 0;
        size_t n = 0;
        for (size_t e = r[0]; e < r[1]; e++) {
            const slice *s = &rs->sv.v[e];
            if (n >= lines && rs->sv.v[e - 1].keep == KEEP_NONE)
                break;
            if (stacked(s)) {
                h += (e == r[0] ? 0 : s->before) + s->h;
                n++;
            }
        }
        h += 2 * cell_padding(t, &row->cells[c]);
        least = h > least ? h : least;
    }
    return least;
}

struct split_row {
    const table_info *ti;
    const qs_row *row;
    const qs_rgb *band;
    row_scratch rs;        /* the measured cells: copies in the scratch arena */
    float least;           /* least_part, at most a fresh page's room */
    bool first;            /* the next part is the first */
};

/* A copy of n elements of `size` bytes in the scratch arena. */
static void *scratch_copy(measure *m, const void *from, size_t n, size_t size)
{
    void *to = qs_arena_array(&m->scratch, n, size);
    if (n > 0)
        memcpy(to, from, n * size);
    return to;
}

/* Keeps a row measured into rs for the paginator to cut (its lines each
 * fit a part of `limit` pt, a fresh page's room). */
static split_row *split_row_new(measure *m, const table_info *ti, const qs_row *row,
                                const qs_rgb *band, const row_scratch *rs, float limit)
{
    const qs_table *t = ti->t;
    split_row *sr = qs_arena_alloc(&m->scratch, sizeof *sr);
    sr->ti = ti;
    sr->row = row;
    sr->band = band;
    sr->rs.sv.v = scratch_copy(m, rs->sv.v, rs->sv.n, sizeof *rs->sv.v);
    sr->rs.sv.n = sr->rs.sv.cap = rs->sv.n;
    sr->rs.iv.items = scratch_copy(m, rs->iv.items, rs->iv.count, sizeof *rs->iv.items);
    sr->rs.iv.count = sr->rs.iv.cap = rs->iv.count;
    sr->rs.ranges = scratch_copy(m, rs->ranges, RANGE_STRIDE * row->count, sizeof *rs->ranges);
    sr->rs.heights = scratch_copy(m, rs->heights, row->count, sizeof *rs->heights);
    sr->rs.shifts = scratch_copy(m, rs->shifts, row->count, sizeof *rs->shifts);
    size_t lines = t->orphans > LEAST_LINES ? t->orphans : LEAST_LINES;
    float least = least_part(t, row, rs, lines);
    sr->least = least < limit ? least : limit;
    sr->first = true;
    return sr;
}

float qs_lay_split_least(const split_row *sr)
{
    return sr->least;
}

float qs_lay_split_part(measure *m, split_row *sr, float room, qs_page *pool, bool *more)
{
    float h = cut_part(m, sr->ti, sr->row, sr->band, &sr->rs, room, sr->first, pool, more);
    sr->first = false;
    return h;
}

/* Adds row r of the table (measured into rs, `content` pt high with its
 * padding) as slices: one, or, when it is taller than a page can hold
 * under the repeated header and the carry rows, a split row: in the flow
 * one slice the paginator cuts where the row starts (qs_lay_split_part),
 * apart from it (in a cell) parts cut between its cells' lines, each
 * fitting a page. Keeps: keep-with-previous binds the first part to the
 * slice before, keep-with-next (and a heading, and `orphan`: the row is
 * one of the first rows of its group the orphan rule holds together) the
 * last to the row after. Returns false after a diagnostic. */
static bool add_row(measure *m, const qs_table *t, table_info *ti, size_t r, const qs_rgb *band,
                    row_scratch *rs, float content, bool orphan, slice_vec *sv, qs_page *iv)
{
    const qs_row *row = &t->rows[r];
    float limit = content_height(&m->doc->rest) - ti->header_h -
                  (ti->carry_foot || ti->carry_head ? 2 * ti->carry_h : 0);
    bool split = content > limit + EPS;
    if (split && !lines_fit(m, t, row, rs, limit))
        return false;
    for (bool first = true;; first = false) {
        size_t items = iv->count;
        float h = content;
        bool more = false;
        split_row *later = NULL;
        if (!split)
            h = emit_part(m, t, ti, row, band, rs, content, true, true, iv);
        else if (m->flow)
            later = split_row_new(m, ti, row, band, rs, limit);
        else
            h = cut_part(m, ti, row, band, rs, limit, first, iv, &more);
        slice *s = qs_lay_new_slice(m, sv, SL_ROW, true);
        s->first = items;
        s->count = iv->count - items;
        s->h = h;
        s->table = ti;
        s->row = r;
        s->split = later;
        bool bind_next = row->kind == QS_ROW_HEADING || row->keep_with_next || orphan;
        s->keep = !more && bind_next && r + 1 < t->nrows ? KEEP_STRONG : KEEP_NONE;
        s->what = "a table row";
        if (first && row->keep_with_previous && sv->n >= 2 && sv->v[sv->n - 2].table == ti)
            sv->v[sv->n - 2].keep = KEEP_STRONG;
        if (!more)
            return true;
    }
}

void qs_lay_measure_table(measure *m, const qs_table *t, float width, slice_vec *sv, qs_page *iv)
{
    if (t->ncolumns == 0) {
        qs_lay_fail(m, "a table has no columns");
        return;
    }
    table_info *ti = qs_arena_alloc(&m->scratch, sizeof *ti);
    ti->t = t;
    if (!table_columns(m, t, width, ti) || !table_carry(m, t, ti) ||
        !decimal_tails(m, t, ti))
        return;
    row_scratch rs = {.sv = {0}, .iv = {0}};
    rs.ranges = qs_xcalloc(RANGE_STRIDE * t->ncolumns, sizeof *rs.ranges);
    rs.heights = qs_xcalloc(t->ncolumns, sizeof *rs.heights);
    rs.shifts = qs_xcalloc(t->ncolumns, sizeof *rs.shifts);
    /* Structure: Table > THead > TR > TH, TBody > TR > TD (layout_tags.c). */
    const int table_tag = m->tag;
    const bool tagged = qs_lay_tag_is_table(m, table_tag);
    if (t->header != NULL) {
        size_t first = iv->count;
        if (tagged) {
            m->tag = qs_lay_tag_open(m, "THead", NULL);
            m->tag = qs_lay_tag_open(m, "TR", NULL);
        }
        float h = measure_row(m, t, ti, t->header, NULL, &rs, iv);
        m->tag = table_tag;
        if (h >= 0) {
            qs_item *it = item_push(iv);
            it->kind = QS_ITEM_LINE;
            it->x = ti->x;
            it->y = -h;
            it->w = ti->width;
            it->size = THIN_RULE;
            slice *s = qs_lay_new_slice(m, sv, SL_HEADER, true);
            s->first = first;
            s->count = iv->count - first;
            s->h = h;
            s->table = ti;
            s->keep = t->nrows > 0 ? KEEP_STRONG : KEEP_NONE;
            s->what = "a table header row";
            ti->has_header = true;
            ti->header_first = first;
            ti->header_count = s->count;
            ti->header_h = h;
            ti->header_bg = s->bg;
        }
    }
    size_t stripe = 0, in_group = 0;
    m->tag = tagged && t->nrows > 0 ? qs_lay_tag_open(m, "TBody", NULL) : table_tag;
    const int body_tag = m->tag;
    for (size_t r = 0; r < t->nrows && !m->failed; r++) {
        const qs_row *row = &t->rows[r];
        const qs_rgb *band = NULL;
        if (row->kind == QS_ROW_HEADING)
            stripe = 0;
        else if (row->kind == QS_ROW_BODY && stripe++ % 2 == 1 && t->zebra)
            band = &t->zebra_color;
        /* Orphan rule: a row among its group's first `orphans` - 1 binds
         * the next row of the group. */
        in_group = row->kind == QS_ROW_HEADING ? 0 : in_group + 1;
        bool orphan = row->kind != QS_ROW_HEADING && in_group < t->orphans &&
                      r + 1 < t->nrows && t->rows[r + 1].kind != QS_ROW_HEADING;
        m->row = row;
        m->tag = tagged ? qs_lay_tag_open(m, "TR", NULL) : body_tag;
        float content = measure_cells(m, t, ti, row, &rs);
        bool added = content >= 0 && add_row(m, t, ti, r, band, &rs, content, orphan, sv, iv);
        m->row = NULL;
        m->tag = body_tag;
        if (!added)
            break;
    }
    m->tag = table_tag;
    free(rs.heights);
    free(rs.shifts);
    free(rs.sv.v);
    free(rs.iv.items);
    free(rs.ranges);
}

/* ---- flowing columns ---- */

/* Fills one column from slice `from` of sv up to `limit` pt: returns where
 * it ends (at least one slice further; before a slice tied to the one
 * above it when there is such a break) and its height in *h. */
static size_t column_end(const slice_vec *sv, size_t from, float limit, float *h)
{
    float y = 0;
    size_t i = from, last = from;
    bool first = true;
    for (; i < sv->n; i++) {
        const slice *s = &sv->v[i];
        if (!stacked(s))
            continue;
        float add = (first ? 0 : s->before) + s->h;
        if (!first && y + add > limit + EPS)
            break;
        y += add;
        first = false;
        last = i;
    }
    if (i < sv->n) {
        /* Keeps: end after the last slice not tied to the next one. */
        size_t j = last;
        while (j > from && sv->v[j].keep != KEEP_NONE)
            j--;
        if (sv->v[j].keep == KEEP_NONE && j < last)
            i = j + 1;
    }
    *h = qs_lay_stack_height_range(sv, from, i);
    return i;
}

/* True when slices [from, sv->n) fit into n columns of `limit` pt. */
static bool columns_fit(const slice_vec *sv, size_t from, unsigned n, float limit)
{
    for (unsigned k = 0; k < n && from < sv->n; k++) {
        float h;
        from = column_end(sv, from, limit, &h);
        if (h > limit + EPS)
            return false;
    }
    return from >= sv->n;
}

/* A block flowing through columns: its children are measured at the
 * column width, then dealt into column sets, each one slice: balanced
 * (the shortest height that holds the rest in n columns), or page-high
 * while the rest does not fit on one page. */
void qs_lay_measure_columns(measure *m, const qs_block *b, float width, int cell_align,
                            slice_vec *sv, qs_page *iv)
{
    unsigned n = b->u.group.ncolumns;
    float gap = b->u.group.gap;
    float colw = n > 0 ? (width - gap * (float)(n - 1)) / (float)n : 0;
    if (n < 2 || colw < 1) {
        char a[32], w[32];
        qs_lay_fail(m, "%u columns %s pt apart do not fit into %s pt", n, qs_lay_fmt1(gap, a),
                    qs_lay_fmt1(width, w));
        return;
    }
    slice_vec tsv = {0};
    qs_page tiv = {0};
    qs_lay_measure_isolated(m, &b->u.group.children, colw, cell_align, NULL, &tsv, &tiv);
    float page = fminf(content_height(&m->doc->first), content_height(&m->doc->rest));
    for (size_t from = 0; from < tsv.n && !m->failed;) {
        float limit = page;
        if (columns_fit(&tsv, from, n, page)) {
            float lo = 0;
            for (int it = 0; it < 24; it++) {
                float mid = (lo + limit) / 2;
                if (columns_fit(&tsv, from, n, mid))
                    limit = mid;
                else
                    lo = mid;
            }
        }
        size_t first = iv->count;
        float height = 0;
        for (unsigned k = 0; k < n && from < tsv.n; k++) {
            float h;
            size_t end = column_end(&tsv, from, limit, &h);
            qs_lay_stack_slices(&tsv, from, end, &tiv, iv, (float)k * (colw + gap), 0);
            height = h > height ? h : height;
            from = end;
        }
        slice *s = qs_lay_new_slice(m, sv, SL_BOX, true);
        s->first = first;
        s->count = iv->count - first;
        s->h = height;
        s->what = "a set of columns";
    }
    free(tsv.v);
    free(tiv.items);
}

/* layout: owns the layout engine, which turns a qs_doc (page masters and a
 * flow of blocks) into a qs_layout (pages of positioned items).
 *
 * It works in two passes. Measuring turns every block into "slices":
 * unbreakable horizontal strips (a line of text, a table row, an image) with
 * their items positioned relative to the strip's top-left corner, the space
 * above them, and how strongly each is tied to the next one (orphans and
 * widows, keep-with-next, keep-together). Paginating then places the slices
 * on pages greedily, moving a tied chain of slices to the next page when it
 * does not fit, cuts a table row taller than a page into parts (the first
 * where the row comes), and adds repeated table headers and carried-forward
 * subtotals at table breaks. Headers and footers are measured last, once per
 * page, when the page count is known. Every step is linear in the number of
 * slices.
 * Tables and flowing columns are measured in layout_table.c; the types and
 * helpers the two files share are in layout_int.h.
 *
 * Memory: slices and scratch item arrays are heap arrays freed before
 * qs_layout_run returns; bookkeeping records live in a scratch arena; item
 * texts and outline titles live in the layout's arena; the pages array, the
 * pages' item arrays and the outline array are heap arrays that
 * qs_layout_free releases. */
#include "layout_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

#define MAX_BG_DEPTH 16         /* nested block backgrounds drawn */

/* ---- small helpers ---- */

/* v rounded to 0.1 as text, without the C locale. */
char *qs_lay_fmt1(float v, char buf[32])
{
    long n = lround((double)v * 10.0);
    const char *sign = "";
    if (n < 0) {
        sign = "-";
        n = -n;
    }
    snprintf(buf, 32, "%s%ld.%ld", sign, n / 10, n % 10);
    return buf;
}

void qs_lay_fail(measure *m, const char *fmt, ...)
{
    if (m->failed)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (m->row != NULL && m->row->what != NULL)
        qs_diag_add(m->d, QS_SEV_ERROR, m->row->file, m->row->line, m->row->line ? 1 : 0,
                    "layout", "%s: %s", m->row->what, msg);
    else
        qs_diag_add(m->d, QS_SEV_ERROR, NULL, 0, 0, "layout", "%s", msg);
    m->failed = true;
}

const qs_font *qs_lay_font(measure *m, int idx)
{
    if (idx < 0 || (size_t)idx >= m->doc->nfonts || m->doc->fonts[idx] == NULL) {
        qs_lay_fail(m, "font %d is not loaded", idx);
        return NULL;
    }
    return m->doc->fonts[idx];
}

static bool same_style(const qs_span *a, const qs_span *b)
{
    return a->font == b->font && a->size == b->size && a->color.r == b->color.r &&
           a->color.g == b->color.g && a->color.b == b->color.b;
}

slice *qs_lay_new_slice(measure *m, slice_vec *sv, slice_kind kind, bool consume)
{
    sv->v = qs_xgrow(sv->v, &sv->cap, sv->n + 1, sizeof *sv->v);
    slice *s = &sv->v[sv->n++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->what = "a block";
    if (!consume)
        return s;
    s->before = m->pending;
    m->pending = 0;
    s->outline = m->out_head;
    m->out_head = NULL;
    m->out_tail = &m->out_head;
    s->bg = m->bg;
    return s;
}

/* ---- emitting slices: shared by the paginator and every stacking ---- */

typedef struct {
    const bg_ref *ref[MAX_BG_DEPTH];
    size_t item[MAX_BG_DEPTH];
    float top[MAX_BG_DEPTH];
    size_t n;
} bg_stack;

/* Opens, extends and closes background rects so that each block's rect
 * covers its slices from the first one's top to the last one's bottom. */
static void update_bg(qs_page *dst, bg_stack *bs, const bg_ref *bg, float x0,
                      float top, float bottom)
{
    const bg_ref *chain[MAX_BG_DEPTH] = {0};
    size_t depth = 0;
    for (const bg_ref *r = bg; r != NULL; r = r->parent)
        depth++;
    size_t skip = depth > MAX_BG_DEPTH ? depth - MAX_BG_DEPTH : 0;
    size_t n = depth - skip, k = n;
    for (const bg_ref *r = bg; r != NULL; r = r->parent) {
        if (skip > 0) {
            skip--;
            continue;
        }
        chain[--k] = r;
    }
    size_t common = 0;
    while (common < bs->n && common < n && bs->ref[common] == chain[common])
        common++;
    bs->n = common;
    for (size_t i = common; i < n; i++) {
        qs_item *it = item_push(dst);
        it->kind = QS_ITEM_RECT;
        it->x = x0 + chain[i]->x;
        it->w = chain[i]->w;
        it->color = chain[i]->color;
        bs->ref[i] = chain[i];
        bs->item[i] = dst->count - 1;
        bs->top[i] = top;
    }
    bs->n = n;
    for (size_t i = 0; i < bs->n; i++) {
        qs_item *it = &dst->items[bs->item[i]];
        it->y = bottom;
        it->h = bs->top[i] - bottom;
    }
}

/* Copies items [first, first+count) of pool to dst, offset by (x0, top). */
static void copy_items(qs_page *dst, const qs_page *pool, size_t first, size_t count,
                       float x0, float top)
{
    dst->items = qs_xgrow(dst->items, &dst->cap, dst->count + count, sizeof *dst->items);
    for (size_t k = 0; k < count; k++) {
        qs_item it = pool->items[first + k];
        it.x += x0;
        it.y += top;
        dst->items[dst->count++] = it;
    }
}

static void emit_slice(qs_page *dst, bg_stack *bs, const slice *s, const qs_page *pool,
                       float x0, float top)
{
    if (s->bg != NULL || bs->n > 0)
        update_bg(dst, bs, s->bg, x0, top, top - s->h);
    copy_items(dst, pool, s->first, s->count, x0, top);
}

/* Height of slices [from, to) stacked without pagination. */
float qs_lay_stack_height_range(const slice_vec *sv, size_t from, size_t to)
{
    float h = 0;
    bool first = true;
    for (size_t i = from; i < to; i++) {
        const slice *s = &sv->v[i];
        if (!stacked(s))
            continue;
        h += (first ? 0 : s->before) + s->h;
        first = false;
    }
    return h;
}

/* Height of slices [from, sv->n) stacked without pagination. */
float qs_lay_stack_height(const slice_vec *sv, size_t from)
{
    return qs_lay_stack_height_range(sv, from, sv->n);
}

/* Emits slices [from, to) one under the other from `top` (no pagination:
 * cells, absolute blocks, headers, footers); returns their height. */
float qs_lay_stack_slices(const slice_vec *sv, size_t from, size_t to, const qs_page *pool,
                          qs_page *dst, float x0, float top)
{
    bg_stack bs = {.n = 0};
    float y = top;
    bool first = true;
    for (size_t i = from; i < to; i++) {
        const slice *s = &sv->v[i];
        if (!stacked(s))
            continue;
        if (!first)
            y -= s->before;
        emit_slice(dst, &bs, s, pool, x0, y);
        y -= s->h;
        first = false;
    }
    return top - y;
}

/* ---- paragraphs: tokens ---- */

static token *tok_push(measure *m, tk_kind kind, const qs_span *sp, const qs_font *f)
{
    m->tok = qs_xgrow(m->tok, &m->tokcap, m->ntok + 1, sizeof *m->tok);
    token *t = &m->tok[m->ntok++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->span = sp;
    t->font = f;
    return t;
}

static void tok_text(measure *m, const qs_span *sp, const qs_font *f, const char *s, size_t len)
{
    if (len == 0)
        return;
    token *t = tok_push(m, TK_TEXT, sp, f);
    t->s = s;
    t->len = len;
    t->w = qs_font_width(f, s, len, sp->size);
}

static bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\r';
}

static bool is_control_cp(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* Characters after which a line may break inside a word: hyphens, the en
 * dash, and the slash ("Benutzer/Jahr", "und/oder"); only between two
 * letters of an ordinary word (word_breaks). */
static bool is_break_dash(uint32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2013 || cp == '/';
}

/* A letter of the Latin, Greek or Cyrillic scripts (no digit, no sign). */
static bool is_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x370 && cp <= 0x52F);
}

/* The code point at s (n > 0 bytes), -1 when it is not valid UTF-8. */
static uint32_t next_cp(const char *s, size_t n)
{
    size_t used = 1;
    return (unsigned char)s[0] < 0x80 ? (unsigned char)s[0] : qs_utf8_decode(s, n, &used);
}

static bool is_ascii_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_word_end(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether the word at s (up to the next white space) is an ordinary word,
 * which may break after a hyphen or slash between letters, rather than an
 * address or a code, which never breaks there: an e-mail address (an '@'),
 * a URL ("://", "www."), a domain or file name (a '.' between two letters
 * or digits), or an id, reference or IBAN (digits and no lower-case
 * letter: "RV-2024-017", "SRV-RACK-2U"; a byte above ASCII counts as a
 * lower-case letter). */
static bool word_breaks(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && !is_word_end(s[n]))
        n++;
    bool digit = false, lower = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool alnum_before = i > 0 && is_ascii_alnum(s[i - 1]);
        bool alnum_after = i + 1 < n && is_ascii_alnum(s[i + 1]);
        if (c == '@' || (c == '.' && alnum_before && alnum_after) ||
            (c == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/'))
            return false;
        digit = digit || (c >= '0' && c <= '9');
        lower = lower || (c >= 'a' && c <= 'z') || c >= 0x80;
    }
    if (n >= 4 && (s[0] | 0x20) == 'w' && (s[1] | 0x20) == 'w' &&
        (s[2] | 0x20) == 'w' && s[3] == '.')
        return false;
    return lower || !digit;
}

/* The page a page reference (its anchor the span's text) shows: the
 * anchor's in the pass before, else 0. */
static unsigned ref_page(measure *m, const qs_span *sp)
{
    const char *name = sp->text ? sp->text : "";
    m->refs = true;
    for (size_t i = 0; m->known != NULL && i < m->known->n; i++)
        if (strcmp(m->known->v[i].name, name) == 0)
            return m->known->v[i].page;
    if (m->unresolved == NULL)
        m->unresolved = name;
    return 0;
}

static const char *span_text(measure *m, const qs_span *sp)
{
    if (sp->field == QS_FIELD_PAGEREF) {
        unsigned v = ref_page(m, sp);
        return v == 0 ? "00" : qs_arena_printf(&m->out->arena, "%u", v);
    }
    unsigned v = sp->field == QS_FIELD_PAGE ? m->page_no
               : sp->field == QS_FIELD_PAGES ? m->pages : 0;
    if (sp->field == QS_FIELD_NONE || v == 0)
        return sp->text ? sp->text : "";
    return qs_arena_printf(&m->out->arena, "%u", v);
}

/* Splits one span into tokens. Spaces collapse (also across spans); a break
 * opportunity follows a hyphen, en dash or slash between two letters of an
 * ordinary word (word_breaks). */
static void tokenize_span(measure *m, const qs_span *sp, const qs_font *f)
{
    const char *text = span_text(m, sp);
    size_t len = strlen(text), i = 0, run = SIZE_MAX;
    bool word_start = true, ordinary = true;
    uint32_t prev = 0; /* the character before, 0 after white space */
    while (i < len) {
        /* Most characters are ASCII: no decoder call for them (0.13 M of
         * 2.6 M instructions for the 60-line bench quote). */
        unsigned char byte = (unsigned char)text[i];
        size_t used = 1;
        uint32_t cp = byte < 0x80 ? byte : qs_utf8_decode(text + i, len - i, &used);
        if (used == 0)
            used = 1;
        bool plain = cp != (uint32_t)-1 && !is_space_cp(cp) && cp != '\n' &&
                     cp != 0xAD && !is_control_cp(cp);
        if (plain) {
            if (word_start)
                ordinary = word_breaks(text + i, len - i);
            word_start = false;
            if (run == SIZE_MAX)
                run = i;
            i += used;
            if (is_break_dash(cp) && ordinary && is_letter(prev) && i < len &&
                is_letter(next_cp(text + i, len - i))) {
                tok_text(m, sp, f, text + run, i - run);
                run = SIZE_MAX;
                tok_push(m, TK_HBREAK, sp, f);
            }
            prev = cp;
            continue;
        }
        if (run != SIZE_MAX)
            tok_text(m, sp, f, text + run, i - run);
        run = SIZE_MAX;
        word_start = cp != 0xAD; /* a soft hyphen goes on with the word */
        prev = 0;
        if (cp != (uint32_t)-1 && is_space_cp(cp)) {
            if (m->ntok == 0 || m->tok[m->ntok - 1].kind != TK_SPACE)
                tok_push(m, TK_SPACE, sp, f)->w = qs_font_width(f, " ", 1, sp->size);
        } else if (cp == '\n') {
            tok_push(m, TK_NEWLINE, sp, f);
        } else if (cp == 0xAD) {
            tok_push(m, TK_SHY, sp, f)->w = qs_font_width(f, "-", 1, sp->size);
        }
        i += used;
    }
    if (run != SIZE_MAX)
        tok_text(m, sp, f, text + run, len - run);
}

static bool tokenize(measure *m, const qs_para *p)
{
    m->ntok = 0;
    for (size_t i = 0; i < p->count; i++) {
        const qs_font *f = qs_lay_font(m, p->spans[i].font);
        if (f == NULL)
            return false;
        tokenize_span(m, &p->spans[i], f);
    }
    return true;
}

/* ---- paragraphs: line breaking ---- */

typedef struct {
    bool set;
    size_t t, next;
    float w;
    bool hyphen;
} cand;

static void line_push(measure *m, const line *l)
{
    m->lines = qs_xgrow(m->lines, &m->linecap, m->nlines + 1, sizeof *m->lines);
    m->lines[m->nlines++] = *l;
}

/* Fits bytes [o, len) of text token k into `avail` pt, character by
 * character; returns the end offset of what fits, its width in *w. */
static size_t fit_chars(const token *k, size_t o, float avail, float *w)
{
    float sum = 0;
    while (o < k->len) {
        size_t used = 1;
        qs_utf8_decode(k->s + o, k->len - o, &used);
        if (used == 0)
            used = 1;
        float cw = qs_font_width(k->font, k->s + o, used, k->span->size);
        if (sum + cw > avail + EPS)
            break;
        sum += cw;
        o += used;
    }
    *w = sum;
    return o;
}

static void text_excerpt(const token *k, char out[40])
{
    size_t n = k->len < 30 ? k->len : 30;
    while (n > 0 && n < k->len && ((unsigned char)k->s[n] & 0xC0) == 0x80)
        n--;
    memcpy(out, k->s, n);
    out[n] = '\0';
}

/* Whether token i is a separator ("·", "•", "|") with a space on either
 * side, as between the parts of a footer line. */
static bool spaced_separator(const measure *m, size_t i)
{
    if (i == 0 || i + 1 >= m->ntok || m->tok[i - 1].kind != TK_SPACE ||
        m->tok[i + 1].kind != TK_SPACE || m->tok[i].kind != TK_TEXT)
        return false;
    const token *k = &m->tok[i];
    return (k->len == 1 && k->s[0] == '|') ||
           (k->len == 2 && memcmp(k->s, "\xC2\xB7", 2) == 0) ||
           (k->len == 3 && memcmp(k->s, "\xE2\x80\xA2", 3) == 0);
}

/* The end of the last of `marks` in bytes (o, fit) of token k (past at
 * least one other byte), or 0. */
static size_t last_mark(const token *k, size_t o, size_t fit, const char *marks)
{
    for (size_t end = fit; end > o + 1; end--)
        if (strchr(marks, k->s[end - 1]))
            return end;
    return 0;
}

/* The last resort for a word wider than the line, of which bytes [o, fit)
 * fit: after its last '@' or '/' in them ("lena.hoffmann@" /
 * "nordlicht-systemhaus.de"), else after its last '.', '-' or '_', the
 * mark staying at the line's end; else fit, between two characters. *w
 * becomes the width of the bytes from o to the returned end. */
static size_t emergency_break(const token *k, size_t o, size_t fit, float *w)
{
    if (fit >= k->len)
        return fit;
    size_t end = last_mark(k, o, fit, "@/");
    if (end == 0)
        end = last_mark(k, o, fit, ".-_");
    if (end == 0 || end == fit)
        return fit;
    *w = qs_font_width(k->font, k->s + o, end - o, k->span->size);
    return end;
}

/* Breaks one line starting at token *t, byte *o; advances them past it.
 * Greedy: the line ends at the last break opportunity that fits; a word is
 * broken inside only when it alone is wider than the line: after its last
 * punctuation that fits (emergency_break), else between characters. */
static bool break_one(measure *m, float maxw, size_t *t, size_t *o)
{
    line l = {.t0 = *t, .o0 = *o, .nl = SIZE_MAX};
    float w = 0, glue = 0;
    bool content = false;
    cand c = {.set = false};
    size_t i = *t, off = *o;
    for (;;) {
        if (i >= m->ntok) {
            l.t1 = i;
            l.w = w;
            l.last = true;
            *t = i;
            *o = 0;
            break;
        }
        const token *k = &m->tok[i];
        if (k->kind == TK_SPACE) {
            /* A spaced separator never ends or starts a line: the break
             * before it drops it, the space after it is no break. */
            if (content && !spaced_separator(m, i - 1)) {
                size_t next = spaced_separator(m, i + 1) ? i + 2 : i + 1;
                c = (cand){.set = true, .t = i, .next = next, .w = w};
            }
            if (content)
                glue = k->w;
            i++;
            continue;
        }
        if (k->kind == TK_NEWLINE) {
            l.t1 = i;
            l.w = w;
            l.nl = i;
            l.last = true;
            *t = i + 1;
            *o = 0;
            break;
        }
        if (k->kind == TK_SHY || k->kind == TK_HBREAK) {
            float hw = k->kind == TK_SHY ? k->w : 0;
            if (content && w + hw <= maxw + EPS)
                c = (cand){.set = true, .t = i, .next = i + 1, .w = w + hw,
                           .hyphen = k->kind == TK_SHY};
            i++;
            continue;
        }
        float avail = maxw - w - glue;
        if (off == 0 && k->w <= avail + EPS) {
            w += glue + k->w;
            glue = 0;
            content = true;
            i++;
            continue;
        }
        float fw;
        size_t fit = fit_chars(k, off, avail, &fw);
        if (fit == k->len) {
            w += glue + fw;
            glue = 0;
            content = true;
            i++;
            off = 0;
            continue;
        }
        if (c.set) {
            l.t1 = c.t;
            l.w = c.w;
            l.hyphen = c.hyphen;
            *t = c.next;
            *o = 0;
        } else if (fit > off) {
            fit = emergency_break(k, off, fit, &fw);
            l.t1 = i;
            l.o1 = fit;
            l.w = w + glue + fw;
            *t = i;
            *o = fit;
        } else if (content) {
            l.t1 = i;
            l.o1 = off;
            l.w = w;
            *t = i;
            *o = off;
        } else {
            char ex[40], wb[32];
            text_excerpt(k, ex);
            qs_lay_fail(m, "text '%s' does not fit in a column %s pt wide", ex,
                        qs_lay_fmt1(maxw > 0 ? maxw : 0, wb));
            return false;
        }
        break;
    }
    line_push(m, &l);
    return true;
}

static bool break_lines(measure *m, float maxw)
{
    m->nlines = 0;
    size_t t = 0, o = 0;
    while (t < m->ntok) {
        while (o == 0 && t < m->ntok &&
               (m->tok[t].kind == TK_SPACE || m->tok[t].kind == TK_SHY ||
                m->tok[t].kind == TK_HBREAK))
            t++;
        if (t >= m->ntok)
            break;
        size_t t_before = t, o_before = o;
        if (!break_one(m, maxw, &t, &o))
            return false;
        if (t == t_before && o == o_before) {
            qs_lay_fail(m, "line breaking made no progress");
            return false;
        }
    }
    return true;
}

/* ---- paragraphs: emitting lines ---- */

static void buf_add(measure *m, const char *s, size_t n)
{
    m->buf = qs_xgrow(m->buf, &m->bufcap, m->buflen + n + 1, 1);
    memcpy(m->buf + m->buflen, s, n);
    m->buflen += n;
}

typedef struct {
    const qs_span *style;
    float x, y;
} run_state;

static void run_flush(measure *m, run_state *r, qs_page *iv)
{
    if (r->style != NULL && m->buflen > 0) {
        qs_item *it = item_push(iv);
        it->kind = QS_ITEM_TEXT;
        it->x = r->x;
        it->y = r->y;
        it->font = r->style->font;
        it->size = r->style->size;
        it->color = r->style->color;
        it->text = qs_arena_strndup(&m->out->arena, m->buf, m->buflen);
        it->tag = m->tag;
    }
    r->style = NULL;
    m->buflen = 0;
}

static void run_text(measure *m, run_state *r, qs_page *iv, const qs_span *sp, float x,
                     const char *s, size_t n)
{
    if (r->style == NULL || !same_style(r->style, sp)) {
        run_flush(m, r, iv);
        r->style = sp;
        r->x = x;
    }
    buf_add(m, s, n);
}

/* The tokens of line l: [t0, tend). */
static size_t line_end(const line *l)
{
    return l->o1 > 0 ? l->t1 + 1 : l->t1;
}

static void piece_range(const line *l, size_t k, const token *tk, size_t *a, size_t *b)
{
    *a = k == l->t0 ? l->o0 : 0;
    *b = (k == l->t1 && l->o1 > 0) ? l->o1 : tk->len;
}

typedef struct {
    float size, asc, desc;
} metrics;

static void add_metrics(metrics *mt, const token *tk)
{
    float size = tk->span->size;
    float a = (float)qs_font_ascent(tk->font) * size / 1000.0f;
    float d = -(float)qs_font_descent(tk->font) * size / 1000.0f;
    mt->size = size > mt->size ? size : mt->size;
    mt->asc = a > mt->asc ? a : mt->asc;
    mt->desc = d > mt->desc ? d : mt->desc;
}

/* Where the last occurrence of `mark` lies in bytes [a, b) of s, or SIZE_MAX. */
static size_t last_occurrence(const char *s, size_t a, size_t b, const char *mark)
{
    size_t n = strlen(mark), at = SIZE_MAX;
    for (size_t i = a; n > 0 && i + n <= b; i++)
        if (memcmp(s + i, mark, n) == 0)
            at = i;
    return at;
}

/* The width of line l from its last `mark` on (with the spaces inside that
 * part and a hyphen drawn at its end); 0 when it has none (the line is then
 * right-aligned). */
static float line_tail(measure *m, const line *l, const char *mark)
{
    float tail = -1, space = 0;
    for (size_t k = l->t0; k < line_end(l); k++) {
        const token *tk = &m->tok[k];
        if (tk->kind == TK_SPACE) {
            space = tk->w;
            continue;
        }
        if (tk->kind != TK_TEXT)
            continue;
        size_t a, b;
        piece_range(l, k, tk, &a, &b);
        size_t at = last_occurrence(tk->s, a, b, mark);
        if (at != SIZE_MAX)
            tail = qs_font_width(tk->font, tk->s + at, b - at, tk->span->size);
        else if (tail >= 0)
            tail += space + qs_font_width(tk->font, tk->s + a, b - a, tk->span->size);
        space = 0;
    }
    if (tail >= 0 && l->hyphen)
        tail += m->tok[l->t1].w;
    return tail > 0 ? tail : 0;
}

float qs_lay_blocks_tail(measure *m, const qs_blocks *bs, float width, const char *mark)
{
    float widest = 0;
    for (size_t i = 0; i < bs->count && !m->failed; i++) {
        const qs_block *b = &bs->items[i];
        float tail = 0;
        if (b->kind == QS_BLOCK_GROUP) {
            tail = qs_lay_blocks_tail(m, &b->u.group.children, width, mark);
        } else if (b->kind == QS_BLOCK_PARA && tokenize(m, &b->u.para) &&
                   break_lines(m, width - b->u.para.indent)) {
            for (size_t k = 0; k < m->nlines; k++) {
                float w = line_tail(m, &m->lines[k], mark);
                tail = w > tail ? w : tail;
            }
        }
        widest = tail > widest ? tail : widest;
    }
    return widest;
}

/* Emits the text items of line l (baseline at y) and returns its height. */
static float emit_line(measure *m, const line *l, float maxw, float indent, qs_align align,
                       float leading, float top, qs_page *iv)
{
    size_t tend = line_end(l);
    metrics mt = {0, 0, 0};
    size_t last_text = SIZE_MAX, gaps = 0;
    for (size_t k = l->t0; k < tend; k++) {
        add_metrics(&mt, &m->tok[k]);
        if (m->tok[k].kind == TK_TEXT)
            last_text = k;
    }
    if (l->nl != SIZE_MAX)
        add_metrics(&mt, &m->tok[l->nl]);
    if (l->hyphen)
        add_metrics(&mt, &m->tok[l->t1]);
    float size = mt.size, asc = mt.asc, desc = mt.desc;
    for (size_t k = l->t0; last_text != SIZE_MAX && k < last_text; k++)
        gaps += m->tok[k].kind == TK_SPACE;
    float h = leading * size;
    float baseline = top - (h - (asc + desc)) / 2 - asc;

    float x = indent, extra = 0;
    bool justify = align == QS_ALIGN_JUSTIFY && !l->last && gaps > 0;
    if (align == QS_ALIGN_RIGHT)
        x += maxw - l->w;
    else if (align == QS_ALIGN_CENTER)
        x += (maxw - l->w) / 2;
    else if (justify)
        extra = (maxw - l->w) / (float)gaps;
    else if (align == QS_ALIGN_DECIMAL) {
        /* The mark where the widest part after it still fits; never left
         * of the line's start. */
        float tail = line_tail(m, l, m->decimal_mark ? m->decimal_mark : ".");
        float kept = tail == 0 ? 0 : m->decimal_tail > tail ? m->decimal_tail : tail;
        float dx = maxw - kept - (l->w - tail);
        x += dx > 0 ? dx : 0;
    }

    /* A space between two words ends the run before it, as a character
     * (a word break a text extractor or screen reader sees, PDF 14.8.2.5),
     * where the style changes after it or the line is justified (each word
     * then placed on its own); the x of the next run is the layout's. */
    run_state r = {.style = NULL, .y = baseline};
    m->buflen = 0;
    for (size_t k = l->t0; last_text != SIZE_MAX && k <= last_text; k++) {
        const token *tk = &m->tok[k];
        if (tk->kind == TK_SPACE) {
            if (r.style != NULL && m->buflen > 0 && m->buf[m->buflen - 1] != ' ')
                buf_add(m, " ", 1);
            if (justify)
                run_flush(m, &r, iv);
            x += tk->w + (justify ? extra : 0);
            continue;
        }
        if (tk->kind != TK_TEXT)
            continue;
        size_t a, b;
        piece_range(l, k, tk, &a, &b);
        if (a >= b)
            continue;
        float w = (a == 0 && b == tk->len) ? tk->w
                : qs_font_width(tk->font, tk->s + a, b - a, tk->span->size);
        run_text(m, &r, iv, tk->span, x, tk->s + a, b - a);
        x += w;
    }
    if (l->hyphen)
        run_text(m, &r, iv, m->tok[l->t1].span, x, "-", 1);
    run_flush(m, &r, iv);
    return h;
}

static void measure_para(measure *m, const qs_para *p, float width, int cell_align,
                         slice_vec *sv, qs_page *iv)
{
    if (!tokenize(m, p))
        return;
    float maxw = width - p->indent;
    if (!break_lines(m, maxw))
        return;
    qs_align align = p->align;
    if (cell_align >= 0 && align == QS_ALIGN_LEFT)
        align = (qs_align)cell_align;
    float leading = p->leading > 0 ? p->leading : DEFAULT_LEADING;
    size_t fs = sv->n, n = m->nlines;
    for (size_t i = 0; i < n; i++) {
        size_t first = iv->count;
        float h = emit_line(m, &m->lines[i], maxw, p->indent, align, leading, 0, iv);
        slice *s = qs_lay_new_slice(m, sv, SL_BOX, true);
        s->first = first;
        s->count = iv->count - first;
        s->h = h;
        s->what = "a line of text";
    }
    /* Orphans and widows: at least two lines together at either end; a
     * paragraph of two or three lines moves whole. */
    if (n >= 2 && n <= 3) {
        for (size_t i = fs; i + 1 < fs + n; i++)
            sv->v[i].keep = KEEP_STRONG;
    } else if (n >= 4) {
        sv->v[fs].keep = KEEP_STRONG;
        sv->v[fs + n - 2].keep = KEEP_STRONG;
    }
}

/* ---- blocks ---- */

static void measure_blocks(measure *m, const qs_blocks *bs, float width, int cell_align,
                           slice_vec *sv, qs_page *iv);

/* Measures blocks apart from the flow (cells, absolute blocks, headers and
 * footers): no pending space, outline or background leaks in or out. */
void qs_lay_measure_isolated(measure *m, const qs_blocks *bs, float width, int cell_align,
                             const bg_ref *bg, slice_vec *sv, qs_page *iv)
{
    float pending = m->pending;
    outline_req *head = m->out_head, **tail = m->out_tail;
    const bg_ref *saved_bg = m->bg;
    bool flow = m->flow;
    m->pending = 0;
    m->out_head = NULL;
    m->out_tail = &m->out_head;
    m->bg = bg;
    m->flow = false;
    measure_blocks(m, bs, width, cell_align, sv, iv);
    m->pending = pending;
    m->out_head = head;
    m->out_tail = tail;
    m->bg = saved_bg;
    m->flow = flow;
}

static void measure_image(measure *m, const qs_image_ref *ref, float width,
                          slice_vec *sv, qs_page *iv)
{
    if (ref->image < 0 || (size_t)ref->image >= m->doc->nimages ||
        m->doc->images[ref->image] == NULL) {
        qs_lay_fail(m, "image %d is not loaded", ref->image);
        return;
    }
    const qs_image *img = m->doc->images[ref->image];
    if (img->width == 0 || img->height == 0) {
        qs_lay_fail(m, "image %d has no pixels", ref->image);
        return;
    }
    float pw = (float)img->width, ph = (float)img->height, w, h;
    if (ref->width > 0 && ref->height > 0) {
        float sc = fminf(ref->width / pw, ref->height / ph);
        w = pw * sc;
        h = ph * sc;
    } else if (ref->width > 0) {
        w = ref->width;
        h = ref->width * ph / pw;
    } else if (ref->height > 0) {
        h = ref->height;
        w = ref->height * pw / ph;
    } else {
        w = pw;
        h = ph;
    }
    if (w > width) {
        h = h * width / w;
        w = width;
    }
    size_t first = iv->count;
    qs_item *it = item_push(iv);
    it->kind = QS_ITEM_IMAGE;
    it->image = ref->image;
    it->tag = m->tag;
    it->w = w;
    it->h = h;
    it->y = -h;
    it->x = ref->align == QS_ALIGN_RIGHT ? width - w
          : ref->align == QS_ALIGN_CENTER ? (width - w) / 2 : 0;
    slice *s = qs_lay_new_slice(m, sv, SL_BOX, true);
    s->first = first;
    s->count = 1;
    s->h = h;
    s->what = "an image";
}

static void measure_rule(measure *m, const qs_rule *r, float width, slice_vec *sv, qs_page *iv)
{
    size_t first = iv->count;
    qs_item *it = item_push(iv);
    it->kind = QS_ITEM_LINE;
    it->y = -r->thickness / 2;
    it->w = width;
    it->size = r->thickness;
    it->color = r->color;
    slice *s = qs_lay_new_slice(m, sv, SL_BOX, true);
    s->first = first;
    s->count = 1;
    s->h = r->thickness;
    s->what = "a rule";
}

static void measure_absolute(measure *m, const qs_block *b, slice_vec *sv, qs_page *iv)
{
    slice_vec tsv = {0};
    qs_page tiv = {0};
    const bg_ref *bg = NULL;
    if (b->has_background) {
        bg_ref *r = qs_arena_alloc(&m->scratch, sizeof *r);
        r->w = b->u.group.width;
        r->color = b->background;
        bg = r;
    }
    qs_lay_measure_isolated(m, &b->u.group.children, b->u.group.width, -1, bg, &tsv, &tiv);
    size_t first = iv->count;
    float h = qs_lay_stack_slices(&tsv, 0, tsv.n, &tiv, iv, b->u.group.x, -b->u.group.y);
    slice *s = qs_lay_new_slice(m, sv, SL_ABS, false);
    s->first = first;
    s->count = iv->count - first;
    /* flow_below: h is where the flow may start, from the page top. */
    s->h = b->u.group.flow_below ? b->u.group.y + h + b->space_after : 0;
    if (sv->n >= 2)
        s->keep = sv->v[sv->n - 2].keep;
    free(tsv.v);
    free(tiv.items);
}


static void measure_block(measure *m, const qs_block *b, float width, int cell_align,
                          slice_vec *sv, qs_page *iv)
{
    size_t fs = sv->n;
    const bg_ref *saved_bg = m->bg;
    int saved_tag = m->tag;
    m->tag = qs_lay_tag_block(m, b);
    if (b->kind != QS_BLOCK_SPACE && b->kind != QS_BLOCK_ABSOLUTE)
        m->pending += b->space_before;
    if (b->outline_title != NULL && b->kind != QS_BLOCK_ABSOLUTE) {
        outline_req *o = qs_arena_alloc(&m->scratch, sizeof *o);
        o->title = b->outline_title;
        o->level = b->outline_level;
        *m->out_tail = o;
        m->out_tail = &o->next;
    }
    if (b->anchor != NULL && b->kind != QS_BLOCK_ABSOLUTE) {
        outline_req *o = qs_arena_alloc(&m->scratch, sizeof *o);
        o->anchor = b->anchor;
        *m->out_tail = o;
        m->out_tail = &o->next;
    }
    if (b->has_background && b->kind != QS_BLOCK_ABSOLUTE) {
        bg_ref *r = qs_arena_alloc(&m->scratch, sizeof *r);
        r->parent = m->bg;
        r->w = width;
        r->color = b->background;
        m->bg = r;
    }
    switch (b->kind) {
    case QS_BLOCK_PARA:
        measure_para(m, &b->u.para, width, cell_align, sv, iv);
        break;
    case QS_BLOCK_TABLE:
        qs_lay_measure_table(m, &b->u.table, width, sv, iv);
        break;
    case QS_BLOCK_IMAGE:
        measure_image(m, &b->u.image, width, sv, iv);
        break;
    case QS_BLOCK_RULE:
        measure_rule(m, &b->u.rule, width, sv, iv);
        break;
    case QS_BLOCK_SPACE: {
        slice *s = qs_lay_new_slice(m, sv, SL_SPACER, true);
        s->h = b->space_before;
        s->first = iv->count;
        s->what = "a space";
        break;
    }
    case QS_BLOCK_PAGE_BREAK:
        qs_lay_new_slice(m, sv, SL_BREAK, false);
        break;
    case QS_BLOCK_GROUP:
        measure_blocks(m, &b->u.group.children, width, cell_align, sv, iv);
        break;
    case QS_BLOCK_ABSOLUTE:
        measure_absolute(m, b, sv, iv);
        break;
    case QS_BLOCK_COLUMNS:
        qs_lay_measure_columns(m, b, width, cell_align, sv, iv);
        break;
    case QS_BLOCK_CHART: {
        size_t first = iv->count;
        float h = qs_chart_draw(b->u.chart, m->doc->fonts, width, iv, &m->out->arena);
        qs_lay_tag_items(iv, first, m->tag);
        slice *s = qs_lay_new_slice(m, sv, SL_BOX, true);
        s->first = first;
        s->count = iv->count - first;
        s->h = h;
        s->what = "a chart";
        break;
    }
    }
    m->bg = saved_bg;
    m->tag = saved_tag;
    if (b->kind == QS_BLOCK_ABSOLUTE || b->kind == QS_BLOCK_PAGE_BREAK || m->failed)
        return;
    if (b->keep_together)
        for (size_t i = fs; i + 1 < sv->n; i++)
            if (sv->v[i].keep < KEEP_WEAK)
                sv->v[i].keep = KEEP_WEAK;
    if (b->keep_with_next && sv->n > fs)
        sv->v[sv->n - 1].keep = KEEP_STRONG;
    if (b->keep_with_previous && fs > 0 && sv->n > fs && sv->v[fs - 1].kind != SL_BREAK &&
        sv->v[fs - 1].keep < KEEP_STRONG)
        sv->v[fs - 1].keep = KEEP_STRONG;
    m->pending += b->space_after;
}

static void measure_blocks(measure *m, const qs_blocks *bs, float width, int cell_align,
                           slice_vec *sv, qs_page *iv)
{
    for (size_t i = 0; i < bs->count && !m->failed; i++)
        measure_block(m, &bs->items[i], width, cell_align, sv, iv);
}

/* ---- pagination ---- */

typedef struct {
    measure *m;
    const slice_vec *sv;
    qs_page *pool;         /* the measured items; split rows' parts added */
    qs_layout *out;
    size_t pagecap, outlinecap;
    float left, bottom, cursor;
    bool at_top;       /* no flow slice on this page yet (continuations aside) */
    bool forced;       /* the page began at the start or at a page break */
    size_t placed;     /* slices on this page: a page break skips empty pages */
    const slice *last; /* the last flow slice placed, on any page */
    bg_stack bs;
} pager;

static const qs_master *page_master(const qs_doc *doc, size_t page)
{
    return page == 0 ? &doc->first : &doc->rest;
}


static qs_page *cur_page(pager *P)
{
    return &P->out->pages[P->out->npages - 1];
}

static void new_page(pager *P, bool forced)
{
    qs_layout *out = P->out;
    out->pages = qs_xgrow(out->pages, &P->pagecap, out->npages + 1, sizeof *out->pages);
    qs_page *pg = &out->pages[out->npages++];
    memset(pg, 0, sizeof *pg);
    const qs_master *ms = page_master(P->m->doc, out->npages - 1);
    pg->width = ms->width;
    pg->height = ms->height;
    P->left = ms->margin_left;
    P->bottom = ms->margin_bottom;
    P->cursor = ms->height - ms->margin_top;
    P->at_top = true;
    P->forced = forced;
    P->placed = 0;
    P->bs.n = 0;
}

static void add_outline(pager *P, const outline_req *o, float y)
{
    qs_layout *out = P->out;
    for (; o != NULL; o = o->next) {
        if (o->title == NULL) {
            anchor_vec *f = &P->m->found;
            f->v = qs_xgrow(f->v, &f->cap, f->n + 1, sizeof *f->v);
            f->v[f->n++] = (anchor_page){o->anchor, (unsigned)out->npages};
            continue;
        }
        out->outline = qs_xgrow(out->outline, &P->outlinecap, out->noutline + 1,
                            sizeof *out->outline);
        qs_outline_entry *e = &out->outline[out->noutline++];
        e->title = qs_arena_strdup(&out->arena, o->title);
        e->level = o->level;
        e->page = out->npages - 1;
        e->y = y;
    }
}

static void place(pager *P, const slice *s)
{
    if (s->kind == SL_SPACER && P->at_top && !P->forced)
        return;
    float top = P->cursor - (P->at_top ? 0 : s->before);
    emit_slice(cur_page(P), &P->bs, s, P->pool, P->left, top);
    add_outline(P, s->outline, top);
    P->cursor = top - s->h;
    P->at_top = false;
    P->placed++;
    P->last = s;
}

static void place_abs(pager *P, const slice *s)
{
    qs_page *pg = cur_page(P);
    copy_items(pg, P->pool, s->first, s->count, 0, pg->height);
    if (s->h > 0 && pg->height - s->h < P->cursor)
        P->cursor = pg->height - s->h;
    P->placed++;
}

/* One carried-forward row at the cursor: the label in the first column and
 * the running sum right-aligned in the carry column. */
static void place_carry(pager *P, const table_info *ti, size_t row, bool foot)
{
    const qs_table *t = ti->t;
    measure *m = P->m;
    qs_page *pg = cur_page(P);
    const qs_span *st = &t->carry_style;
    const qs_font *f = m->doc->fonts[st->font];
    float pad = t->cell_padding, top = P->cursor;
    char buf[QS_DECIMAL_BUFSIZE];
    const char *amount = qs_decimal_format(ti->running[row], ti->places, buf);
    if (t->format_carry != NULL)
        amount = t->format_carry(t->format_ctx, &m->out->arena, amount);
    amount = qs_arena_strdup(&m->out->arena, amount ? amount : "");
    const char *label = qs_arena_strdup(&m->out->arena,
                                        foot ? t->carry_label_foot : t->carry_label_head);
    float asc = (float)qs_font_ascent(f) * st->size / 1000.0f;
    float desc = -(float)qs_font_descent(f) * st->size / 1000.0f;
    float lh = DEFAULT_LEADING * st->size;
    float baseline = top - pad - (lh - (asc + desc)) / 2 - asc;
    if (foot) {
        qs_item *it = item_push(pg);
        it->kind = QS_ITEM_LINE;
        it->x = P->left + ti->x;
        it->y = top;
        it->w = ti->width;
        it->size = THIN_RULE;
    }
    const char *texts[2] = {label, amount};
    size_t c = t->carry_column;
    size_t alen = strlen(amount);
    float aw = qs_font_width(f, amount, alen, st->size);
    /* In a decimal-aligned column, the sum's mark goes where the rows'
     * marks are. */
    size_t at = ti->decimal_tail[c] > 0
              ? last_occurrence(amount, 0, alen, t->decimal_mark ? t->decimal_mark : ".") : SIZE_MAX;
    float tail = at != SIZE_MAX ? qs_font_width(f, amount + at, alen - at, st->size) : 0;
    float kept = ti->decimal_tail[c] > tail ? ti->decimal_tail[c] : tail;
    float xs[2] = {P->left + ti->col_x[0] + pad,
                   P->left + ti->col_x[c] + ti->col_w[c] - pad - aw -
                       (at != SIZE_MAX ? kept - tail : 0)};
    for (int i = 0; i < 2; i++) {
        if (texts[i][0] == '\0')
            continue;
        qs_item *it = item_push(pg);
        it->kind = QS_ITEM_TEXT;
        it->x = xs[i];
        it->y = baseline;
        it->font = st->font;
        it->size = st->size;
        it->color = st->color;
        it->text = texts[i];
    }
    P->cursor = top - ti->carry_h;
}

/* Is a break before `next` inside a table, after one of its rows or its
 * header? Then the new page repeats the header (and the carry row). */
static const table_info *continued_table(const pager *P, const slice *next)
{
    if (next->kind != SL_ROW || P->last == NULL || P->last->table != next->table)
        return NULL;
    return next->table;
}

static void break_page(pager *P, const slice *next)
{
    const table_info *ti = continued_table(P, next);
    const slice *last = P->last;
    bool rows = ti != NULL && last->kind == SL_ROW;
    size_t foot = cur_page(P)->count;
    if (rows && ti->carry_foot)
        place_carry(P, ti, last->row, true);
    qs_lay_tag_items(cur_page(P), foot, QS_TAG_PAGINATION);
    new_page(P, false);
    if (ti == NULL)
        return;
    if (ti->has_header) {
        slice hs = {.kind = SL_HEADER, .h = ti->header_h, .first = ti->header_first,
                    .count = ti->header_count, .bg = ti->header_bg};
        emit_slice(cur_page(P), &P->bs, &hs, P->pool, P->left, P->cursor);
        P->cursor -= ti->header_h;
    }
    if (rows && ti->carry_head)
        place_carry(P, ti, last->row, false);
    qs_lay_tag_items(cur_page(P), 0, QS_TAG_PAGINATION);
}

/* A row taller than a page (s->split): its first part in the room left on
 * this page (paginate saw its least part fit there), each later part on a
 * page of its own under the repeated header, filling it. The parts are
 * slices in the scratch arena, their items added to the pool. */
static void place_split(pager *P, const slice *s)
{
    const table_info *ti = s->table;
    float foot = ti->carry_foot ? ti->carry_h : 0;
    bool more = true;
    for (bool first = true; more; first = false) {
        if (!first)
            break_page(P, P->last);
        float room = P->cursor - P->bottom - foot - (first && !P->at_top ? s->before : 0);
        size_t from = P->pool->count;
        float h = qs_lay_split_part(P->m, s->split, room, P->pool, &more);
        slice *part = qs_arena_alloc(&P->m->scratch, sizeof *part);
        *part = *s;
        part->split = NULL;
        part->first = from;
        part->count = P->pool->count - from;
        part->h = h;
        if (!first) {
            part->before = 0;
            part->outline = NULL;
        }
        place(P, part);
    }
}

/* Room a fresh page offers for a chain starting at `s`. */
static float fresh_room(const pager *P, const slice *s)
{
    float room = content_height(&P->m->doc->rest);
    const table_info *ti = continued_table(P, s);
    if (ti != NULL) {
        room -= ti->header_h;
        if (ti->carry_head && P->last->kind == SL_ROW)
            room -= ti->carry_h;
    }
    return room;
}

/* The chain of slices tied to i at `level` or stronger: returns its last
 * index; *h is its height without the first slice's space above, plus the
 * room a carried-forward row needs if the table goes on after it. A split
 * row ends a chain: only its least first part need fit under the slices
 * before it, and its table goes on after that part. */
static size_t chain_end(const pager *P, size_t i, int level, float *h)
{
    const slice_vec *sv = P->sv;
    float sum = 0;
    size_t j = i;
    for (;;) {
        const slice *s = &sv->v[j];
        if (s->kind != SL_ABS)
            sum += (j == i ? 0 : s->before) + (s->split ? qs_lay_split_least(s->split) : s->h);
        if (s->split || s->keep < level || j + 1 >= sv->n || sv->v[j + 1].kind == SL_BREAK)
            break;
        j++;
    }
    const slice *e = &sv->v[j];
    if (e->table != NULL && e->table->carry_foot &&
        (e->split || (j + 1 < sv->n && sv->v[j + 1].kind == SL_ROW &&
                      sv->v[j + 1].table == e->table)))
        sum += e->table->carry_h;
    *h = sum;
    return j;
}

static bool too_tall(pager *P, const slice *s, float h)
{
    char a[32], b[32];
    qs_lay_fail(P->m, "%s (%s pt high) does not fit on a page (%s pt of content height)", s->what,
                qs_lay_fmt1(h, a), qs_lay_fmt1(fresh_room(P, s), b));
    return false;
}

static bool paginate(pager *P)
{
    const slice_vec *sv = P->sv;
    size_t i = 0, weak_until = 0, strong_until = 0;
    new_page(P, true);
    while (i < sv->n) {
        const slice *s = &sv->v[i];
        if (s->kind == SL_BREAK) {
            if (P->placed > 0)
                new_page(P, true);
            i++;
            continue;
        }
        if (s->kind == SL_ABS) {
            place_abs(P, s);
            i++;
            continue;
        }
        int level = i >= weak_until ? KEEP_WEAK : i >= strong_until ? KEEP_STRONG : KEEP_SINGLE;
        for (;;) {
            float h;
            size_t j = chain_end(P, i, level, &h);
            float room = P->cursor - P->bottom;
            float fresh = fresh_room(P, s);
            bool here = h + (P->at_top ? 0 : s->before) <= room + EPS;
            bool there = h <= fresh + EPS && (!P->at_top || fresh > room + EPS);
            if (here || there) {
                if (!here)
                    break_page(P, s);
                for (; i <= j; i++)
                    if (sv->v[i].kind == SL_ABS)
                        place_abs(P, &sv->v[i]);
                    else if (sv->v[i].split)
                        place_split(P, &sv->v[i]);
                    else
                        place(P, &sv->v[i]);
                break;
            }
            if (level == KEEP_SINGLE)
                return too_tall(P, s, h);
            if (level == KEEP_WEAK)
                weak_until = j + 1;
            else
                strong_until = j + 1;
            level = i >= strong_until ? KEEP_STRONG : KEEP_SINGLE;
        }
    }
    add_outline(P, P->m->out_head, P->cursor);
    return true;
}

/* Headers and footers, once per page now that the page count is known. */
static void page_furniture(measure *m, qs_layout *out)
{
    slice_vec sv = {0};
    qs_page iv = {0};
    m->pages = (unsigned)out->npages;
    for (size_t p = 0; p < out->npages && !m->failed; p++) {
        const qs_master *ms = page_master(m->doc, p);
        qs_page *pg = &out->pages[p];
        size_t from = pg->count;
        float w = ms->width - ms->margin_left - ms->margin_right;
        m->page_no = (unsigned)p + 1;
        sv.n = 0;
        iv.count = 0;
        m->tag = QS_TAG_PAGINATION;
        m->furniture = -1;
        qs_lay_measure_isolated(m, &ms->header, w, -1, NULL, &sv, &iv);
        qs_lay_stack_slices(&sv, 0, sv.n, &iv, pg, ms->margin_left, ms->height - ms->header_offset);
        sv.n = 0;
        iv.count = 0;
        m->furniture = 1;
        qs_lay_measure_isolated(m, &ms->footer, w, -1, NULL, &sv, &iv);
        float h = qs_lay_stack_height(&sv, 0);
        qs_lay_stack_slices(&sv, 0, sv.n, &iv, pg, ms->margin_left, ms->footer_offset + h);
        qs_lay_tag_artifacts(pg, from, QS_TAG_PAGINATION);
    }
    free(sv.v);
    free(iv.items);
}

/* ---- public ---- */

/* One pass of the layout: page references show the pages of `known`; the
 * anchors placed go to *found (its array the caller's to free), and
 * *refs tells whether there are page references. */
static bool layout_pass(const qs_doc *doc, qs_layout *out, qs_diags *d, const anchor_vec *known,
                        anchor_vec *found, bool *refs)
{
    memset(out, 0, sizeof *out);
    qs_arena_init(&out->arena);
    out->width = doc->first.width;
    out->height = doc->first.height;
    measure m = {.doc = doc, .out = out, .d = d, .known = known, .flow = true};
    qs_arena_init(&m.scratch);
    m.out_tail = &m.out_head;
    qs_lay_tag_root(&m);
    slice_vec sv = {0};
    qs_page pool = {0};
    float w1 = doc->first.width - doc->first.margin_left - doc->first.margin_right;
    float w2 = doc->rest.width - doc->rest.margin_left - doc->rest.margin_right;
    float width = w1 < w2 ? w1 : w2;
    if (content_height(&doc->first) <= 0 || content_height(&doc->rest) <= 0 || width <= 0)
        qs_lay_fail(&m, "the page margins leave no room for content");
    if (!m.failed)
        measure_blocks(&m, &doc->flow, width, -1, &sv, &pool);
    if (!m.failed) {
        pager P = {.m = &m, .sv = &sv, .pool = &pool, .out = out};
        paginate(&P);
    }
    if (!m.failed)
        page_furniture(&m, out);
    free(sv.v);
    free(pool.items);
    free(m.tok);
    free(m.lines);
    free(m.buf);
    qs_arena_free(&m.scratch);
    *found = m.found;
    *refs = m.refs;
    if (!m.failed && m.refs && known != NULL && m.unresolved != NULL) {
        char shown[QS_ECHO_SIZE];
        qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "layout",
                    "a page reference names '%s', the anchor of no block in the flow",
                    qs_diag_echo(shown, m.unresolved));
        return false;
    }
    return !m.failed;
}

static bool same_pages(const anchor_vec *a, const anchor_vec *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].page != b->v[i].page)
            return false;
    return true;
}

bool qs_layout_run(const qs_doc *doc, qs_layout *out, qs_diags *d)
{
    anchor_vec known = {0}, found = {0};
    bool refs = false;
    bool ok = layout_pass(doc, out, d, NULL, &known, &refs);
    for (int pass = 1; ok && refs && pass < 3; pass++) {
        qs_layout_free(out);
        ok = layout_pass(doc, out, d, &known, &found, &refs);
        bool stable = same_pages(&known, &found);
        free(known.v);
        known = found;
        found = (anchor_vec){0};
        if (stable)
            break;
    }
    free(known.v);
    return ok;
}

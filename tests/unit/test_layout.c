/* Unit tests of the layout engine: documents built by hand, checked on the
 * page model and its text dump. Run from the repository root. */
#include "check.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

#define REGULAR "templates/standard/fonts/NotoSans-Regular.ttf"
#define BOLD "templates/standard/fonts/NotoSans-Bold.ttf"
#define MAX_BLOCKS 4096

static const char *lorem =
    "Wir danken Ihnen für Ihre Anfrage und bieten Ihnen die folgenden Leistungen "
    "zu den unten genannten Bedingungen an. Alle Preise verstehen sich netto "
    "zuzüglich der gesetzlichen Umsatzsteuer. Lieferung und Installation erfolgen "
    "nach Absprache innerhalb von vier Wochen nach Auftragseingang, die Abnahme "
    "wird schriftlich bestätigt und die Rechnung folgt nach der Abnahme.";

/* ---- building documents ---- */

static qs_diags diags;

static void doc_open(qs_doc *doc)
{
    qs_doc_init(doc);
    doc->fonts = qs_arena_array(&doc->arena, 2, sizeof *doc->fonts);
    doc->fonts[0] = qs_font_load(REGULAR, "NotoSans-Regular.ttf", &diags);
    doc->fonts[1] = qs_font_load(BOLD, "NotoSans-Bold.ttf", &diags);
    doc->nfonts = 2;
    doc->flow.items = qs_arena_array(&doc->arena, MAX_BLOCKS, sizeof(qs_block));
}

static qs_block *add_block(qs_doc *doc, qs_blocks *to, qs_block_kind kind)
{
    (void)doc;
    qs_block *b = &to->items[to->count++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static void set_para(qs_doc *doc, qs_block *b, const char *text, int font, float size,
                     qs_align align)
{
    b->kind = QS_BLOCK_PARA;
    b->u.para.spans = qs_arena_array(&doc->arena, 1, sizeof(qs_span));
    b->u.para.spans[0].text = qs_arena_strdup(&doc->arena, text);
    b->u.para.spans[0].font = font;
    b->u.para.spans[0].size = size;
    b->u.para.count = 1;
    b->u.para.align = align;
    b->u.para.leading = 1.25f;
}

static qs_block *add_para(qs_doc *doc, const char *text, float size, qs_align align)
{
    qs_block *b = add_block(doc, &doc->flow, QS_BLOCK_PARA);
    set_para(doc, b, text, 0, size, align);
    return b;
}

static qs_blocks one_para(qs_doc *doc, const char *text, float size, qs_align align)
{
    qs_blocks bs = {qs_arena_array(&doc->arena, 1, sizeof(qs_block)), 1};
    set_para(doc, &bs.items[0], text, 0, size, align);
    return bs;
}

static void set_cell(qs_doc *doc, qs_cell *c, const char *text, qs_align align)
{
    c->content = one_para(doc, text, 9, QS_ALIGN_LEFT);
    c->content.items[0].u.para.leading = 1.2f;
    c->align = align;
    c->colspan = 1;
}

static qs_row make_row(qs_doc *doc, const char *a, const char *b, const char *amount)
{
    qs_row r;
    memset(&r, 0, sizeof r);
    r.cells = qs_arena_array(&doc->arena, 2, sizeof(qs_cell));
    r.count = 2;
    set_cell(doc, &r.cells[0], a, QS_ALIGN_LEFT);
    set_cell(doc, &r.cells[1], b, QS_ALIGN_RIGHT);
    r.carry_amount = amount ? qs_arena_strdup(&doc->arena, amount) : NULL;
    return r;
}

/* A two-column table (60 pt fixed, the rest relative) of n rows "Row i" /
 * "1.10", with a header row "Pos" / "Betrag". */
static qs_table *add_table(qs_doc *doc, size_t n)
{
    qs_block *b = add_block(doc, &doc->flow, QS_BLOCK_TABLE);
    qs_table *t = &b->u.table;
    t->columns = qs_arena_array(&doc->arena, 2, sizeof(qs_column));
    t->columns[0] = (qs_column){60, false};
    t->columns[1] = (qs_column){1, true};
    t->ncolumns = 2;
    t->header = qs_arena_alloc(&doc->arena, sizeof(qs_row));
    *t->header = make_row(doc, "Pos", "Betrag", NULL);
    t->rows = qs_arena_array(&doc->arena, n, sizeof(qs_row));
    t->nrows = n;
    for (size_t i = 0; i < n; i++) {
        char a[32];
        snprintf(a, sizeof a, "Row %zu", i + 1);
        t->rows[i] = make_row(doc, a, "1.10", "1.10");
    }
    t->cell_padding = 2;
    t->zebra = true;
    t->zebra_color = (qs_rgb){0xee, 0xee, 0xee};
    return t;
}

/* ---- reading the page model ---- */

static float item_width(const qs_doc *doc, const qs_item *it)
{
    return qs_font_width(doc->fonts[it->font], it->text, strlen(it->text), it->size);
}

static float right_margin(const qs_doc *doc)
{
    return doc->first.width - doc->first.margin_right;
}

/* Index of the page holding a TEXT item equal to text, or -1. */
static int page_of(const qs_layout *l, const char *text)
{
    for (size_t p = 0; p < l->npages; p++)
        for (size_t i = 0; i < l->pages[p].count; i++) {
            const qs_item *it = &l->pages[p].items[i];
            if (it->kind == QS_ITEM_TEXT && strcmp(it->text, text) == 0)
                return (int)p;
        }
    return -1;
}

static const qs_item *find_text(const qs_layout *l, size_t page, const char *text)
{
    if (page >= l->npages)
        return NULL;
    for (size_t i = 0; i < l->pages[page].count; i++) {
        const qs_item *it = &l->pages[page].items[i];
        if (it->kind == QS_ITEM_TEXT && strcmp(it->text, text) == 0)
            return it;
    }
    return NULL;
}

/* Lines of text on a page: TEXT items grouped by baseline, in order. */
static size_t page_lines(const qs_layout *l, size_t page)
{
    size_t n = 0;
    float y = -1;
    for (size_t i = 0; i < l->pages[page].count; i++) {
        const qs_item *it = &l->pages[page].items[i];
        if (it->kind == QS_ITEM_TEXT && fabsf(it->y - y) > 0.01f) {
            n++;
            y = it->y;
        }
    }
    return n;
}

static bool run(qs_doc *doc, qs_layout *l)
{
    return qs_layout_run(doc, l, &diags);
}

static void done(qs_doc *doc, qs_layout *l)
{
    qs_layout_free(l);
    qs_doc_free(doc);
}

/* ---- tests ---- */

static void test_wrap(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    add_para(&doc, lorem, 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "wrap: layout runs");
    size_t n = 0;
    bool inside = true, no_space_edges = true;
    char joined[2048] = "";
    for (size_t i = 0; i < l.pages[0].count; i++) {
        const qs_item *it = &l.pages[0].items[i];
        if (it->kind != QS_ITEM_TEXT)
            continue;
        n++;
        if (it->x < doc.first.margin_left - 0.01f ||
            it->x + item_width(&doc, it) > right_margin(&doc) + 0.01f)
            inside = false;
        size_t len = strlen(it->text);
        if (it->text[0] == ' ' || it->text[len - 1] == ' ')
            no_space_edges = false;
        if (joined[0])
            strcat(joined, " ");
        strcat(joined, it->text);
    }
    CHECK(l.npages == 1 && n >= 3, "wrap: a long paragraph makes %zu lines", n);
    CHECK(inside, "wrap: every line lies between the margins");
    CHECK(no_space_edges, "wrap: no line starts or ends with a space");
    CHECK_STR(joined, lorem, "wrap: the lines give back the text");
    done(&doc, &l);
}

static void test_long_word(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    doc.first.margin_right = doc.rest.margin_right = doc.first.width - 56.7f - 100;
    const char *word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenhalter";
    add_para(&doc, word, 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "long word: layout runs");
    char joined[256] = "";
    bool fits = true;
    size_t n = 0;
    for (size_t i = 0; i < l.pages[0].count; i++) {
        const qs_item *it = &l.pages[0].items[i];
        n++;
        fits = fits && item_width(&doc, it) <= 100.01f;
        strcat(joined, it->text);
    }
    CHECK(n >= 3 && fits, "long word: broken into %zu pieces within the column", n);
    CHECK_STR(joined, word, "long word: pieces give back the word, no hyphen added");
    done(&doc, &l);
}

static void test_soft_hyphen(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    add_para(&doc, "Die Mehrwert\xC2\xADsteuer", 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "soft hyphen: layout runs");
    CHECK(find_text(&l, 0, "Die Mehrwertsteuer") != NULL,
          "soft hyphen: not drawn when the line does not break there");
    qs_layout_free(&l);
    /* A column where "Die Mehrwert-" fits but "Die Mehrwertsteuer" does not. */
    const qs_font *f = doc.fonts[0];
    float w = qs_font_width(f, "Die Mehrwert-", strlen("Die Mehrwert-"), 11) + 2;
    doc.first.margin_right = doc.rest.margin_right = doc.first.width - 56.7f - w;
    CHECK(run(&doc, &l), "soft hyphen: narrow layout runs");
    CHECK(find_text(&l, 0, "Die Mehrwert-") != NULL && find_text(&l, 0, "steuer") != NULL,
          "soft hyphen: '-' drawn at the break");
    done(&doc, &l);
}

static void test_hyphen_and_nbsp(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    const qs_font *f = doc.fonts[0];
    float w = qs_font_width(f, "bedingungen", 11, 11) + 1;
    doc.first.margin_right = doc.rest.margin_right = doc.first.width - 56.7f - w;
    add_para(&doc, "Liefer-bedingungen", 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "hyphen: layout runs");
    CHECK(find_text(&l, 0, "Liefer-") != NULL && find_text(&l, 0, "bedingungen") != NULL,
          "hyphen: breaks after a hard hyphen");
    qs_layout_free(&l);
    qs_doc_free(&doc);

    /* A unit like "Benutzer/Jahr" breaks after the slash, not inside. */
    doc_open(&doc);
    f = doc.fonts[0];
    w = qs_font_width(f, "Benutzer/", 9, 11) + 1;
    doc.first.margin_right = doc.rest.margin_right = doc.first.width - 56.7f - w;
    add_para(&doc, "Benutzer/Jahr", 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "slash: layout runs");
    CHECK(find_text(&l, 0, "Benutzer/") != NULL && find_text(&l, 0, "Jahr") != NULL,
          "slash: breaks after a slash");
    qs_layout_free(&l);
    qs_doc_free(&doc);

    /* "Summe 10" fits, "Summe 10 000" does not: the no-break space holds. */
    doc_open(&doc);
    f = doc.fonts[0];
    w = qs_font_width(f, "Summe 10", 8, 11) + 1;
    doc.first.margin_right = doc.rest.margin_right = doc.first.width - 56.7f - w;
    add_para(&doc, "Summe 10\xC2\xA0" "000 EUR", 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "nbsp: layout runs");
    CHECK(find_text(&l, 0, "Summe") != NULL && find_text(&l, 0, "10\xC2\xA0" "000") != NULL,
          "nbsp: never breaks at a no-break space");
    done(&doc, &l);
}

/* The lines `text` (9 pt) makes in a column `fits` wide plus 0.5 pt, as
 * "line|line|..." (each line of a plain paragraph is one text item). */
static char *broken_lines(const char *text, const char *fits)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    float w = qs_font_width(doc.fonts[0], fits, strlen(fits), 9) + 0.5f;
    doc.first.margin_right = doc.rest.margin_right = doc.first.width - 56.7f - w;
    add_para(&doc, text, 9, QS_ALIGN_LEFT);
    char *out = calloc(1, 512);
    if (!run(&doc, &l))
        strcpy(out, "(layout failed)");
    for (size_t p = 0; p < l.npages; p++)
        for (size_t i = 0; i < l.pages[p].count; i++) {
            if (out[0])
                strcat(out, "|");
            strncat(out, l.pages[p].items[i].text, 100);
        }
    done(&doc, &l);
    return out;
}

/* Issue 15: no break inside an e-mail address, a URL, an id or a
 * reference; a hyphen breaks only between letters of an ordinary word; a
 * spaced separator never ends or starts a line; a word wider than the line
 * breaks after its last '@' or '/', else after '.', '-' or '_'. */
static void test_no_break_in_codes(void)
{
    static const struct {
        const char *text, *fits, *want, *what;
    } cases[] = {
        {"Ihre Anfrage, Rahmenvertrag RV-2024-017", "Ihre Anfrage, Rahmenvertrag RV-2024-",
         "Ihre Anfrage, Rahmenvertrag|RV-2024-017", "a reference keeps its hyphens"},
        {"Kunde K-10023 SRV-RACK-2U", "Kunde K-10023 SRV-RACK-",
         "Kunde K-10023|SRV-RACK-2U", "an id of capitals and digits keeps its hyphens"},
        {"E-Mail lena.hoffmann@nordlicht-systemhaus.de",
         "E-Mail lena.hoffmann@nordlicht-systemhaus.de",
         "E-Mail lena.hoffmann@nordlicht-systemhaus.de", "an address that fits stays"},
        {"E-Mail lena.hoffmann@nordlicht-systemhaus.de", "lena.hoffmann@nordlicht-systemhaus.de",
         "E-Mail|lena.hoffmann@nordlicht-systemhaus.de", "an e-mail address moves whole"},
        {"Web www.nordlicht-systemhaus.de", "www.nordlicht-systemhaus.de",
         "Web|www.nordlicht-systemhaus.de", "a URL moves whole"},
        {"Siehe https://example.com/a-b/c-d", "Siehe https://example.com/a-",
         "Siehe|https://example.com/a-b/c-d", "a URL keeps its slashes and hyphens"},
        {"Datei nordlicht-angebot.pdf", "nordlicht-angebot.pdf",
         "Datei|nordlicht-angebot.pdf", "a file name keeps its hyphen"},
        {"malte.petersen@nordlicht-systemhaus.de", "malte.petersen@nordlicht",
         "malte.petersen@|nordlicht-systemhaus.de",
         "an address wider than the line breaks after '@', the hyphen never moves"},
        {"www.nordlicht-systemhaus.de/angebote/2026", "www.nordlicht-systemhaus.de/ange",
         "www.nordlicht-systemhaus.de/|angebote/2026", "a long URL breaks after a slash"},
        {"ABCDEFGH-IJKLMNOP", "ABCDEFGH-IJ", "ABCDEFGH-|IJKLMNOP",
         "a long code without '@' or '/' breaks after its hyphen"},
        {"die IT-Infrastruktur", "Infrastruktur", "die IT-|Infrastruktur",
         "an ordinary word breaks after a hyphen between letters"},
        {"ein 10-GbE-Netzwerk", "ein 10-GbE", "ein|10-GbE-|Netzwerk",
         "not after a hyphen next to a digit"},
        {"Anna · Bremen · Hamburg", "Anna · Bremen ·", "Anna · Bremen|Hamburg",
         "a separator never ends a line"},
        {"Anna · Bremen · Hamburg", "Anna · Bremen · Ha", "Anna · Bremen|Hamburg",
         "a separator never starts a line"},
        {"Anna | Bremen • Hamburg", "Anna | Bremen • Ha", "Anna | Bremen|Hamburg",
         "'|' and '•' are separators too"},
        {"Anna ·Bremen", "·Bremen", "Anna|·Bremen", "an unspaced '·' is text"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = broken_lines(cases[i].text, cases[i].fits);
        CHECK_STR(got, cases[i].want, "no break in codes: %s", cases[i].what);
        free(got);
    }
}

static void test_alignment(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    add_para(&doc, "Rechts", 11, QS_ALIGN_RIGHT);
    add_para(&doc, "Mitte", 11, QS_ALIGN_CENTER);
    add_para(&doc, "eins\nzwei drei", 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "align: layout runs");
    const qs_item *r = find_text(&l, 0, "Rechts");
    CHECK(r && fabsf(r->x + item_width(&doc, r) - right_margin(&doc)) < 0.05f,
          "align: right-aligned text ends at the right margin");
    const qs_item *c = find_text(&l, 0, "Mitte");
    float mid = (doc.first.margin_left + right_margin(&doc)) / 2;
    CHECK(c && fabsf(c->x + item_width(&doc, c) / 2 - mid) < 0.05f,
          "align: centred text is centred");
    const qs_item *e = find_text(&l, 0, "eins"), *z = find_text(&l, 0, "zwei drei");
    CHECK(e && z && z->y < e->y, "newline: '\\n' forces a line break");
    done(&doc, &l);

    /* Justify: every line but the last starts at the left margin and ends at
     * the right margin, one item per word, each but the line's last ending
     * in the space that follows it (a word break text extraction and screen
     * readers see); the last line is left-aligned. */
    doc_open(&doc);
    add_para(&doc, lorem, 11, QS_ALIGN_JUSTIFY);
    CHECK(run(&doc, &l), "justify: layout runs");
    float y = -1, line_start = 0, line_end = 0;
    size_t full = 0, lines = 0, items = 0;
    float spaced_y = -1000;
    bool ok = true, word_spaces = true;
    for (size_t i = 0; i <= l.pages[0].count; i++) {
        const qs_item *it = i < l.pages[0].count ? &l.pages[0].items[i] : NULL;
        const qs_item *before = i > 0 ? &l.pages[0].items[i - 1] : NULL;
        bool new_line = it == NULL || fabsf(it->y - y) > 0.01f;
        /* The item before ends a line (no space) or a word (one space). */
        if (before != NULL) {
            size_t n = strlen(before->text);
            bool trailing = n > 0 && before->text[n - 1] == ' ';
            word_spaces = word_spaces && trailing == !new_line &&
                          (n < 2 || before->text[n - 2] != ' ');
        }
        if (new_line) {
            if (lines > 0) {
                full += fabsf(line_end - right_margin(&doc)) < 0.05f;
                ok = ok && fabsf(line_start - doc.first.margin_left) < 0.01f;
            }
            if (it == NULL)
                break;
            lines++;
            y = it->y;
            line_start = it->x;
        }
        items++;
        const char *inner = strchr(it->text, ' ');
        if (inner != NULL && inner[1] != '\0' && spaced_y < it->y)
            spaced_y = it->y;
        line_end = it->x + item_width(&doc, it);
    }
    ok = ok && spaced_y <= y + 0.01f; /* only the last line has inner spaces */
    CHECK(ok && lines >= 3 && full == lines - 1 && items > 2 * lines,
          "justify: %zu of %zu lines span the column, one item per word", full, lines);
    CHECK(word_spaces, "justify: each word but a line's last ends in its space");
    CHECK(line_end < right_margin(&doc) - 1, "justify: the last line is left-aligned");
    done(&doc, &l);
}

static void test_inline_fonts(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_block *b = add_para(&doc, "x", 11, QS_ALIGN_LEFT);
    qs_span *sp = qs_arena_array(&doc.arena, 3, sizeof *sp);
    sp[0] = (qs_span){"Der ", 0, 11, {0, 0, 0}, QS_FIELD_NONE};
    sp[1] = (qs_span){"fette", 1, 11, {0, 0, 0}, QS_FIELD_NONE};
    sp[2] = (qs_span){" Preis", 0, 11, {0, 0, 0}, QS_FIELD_NONE};
    b->u.para.spans = sp;
    b->u.para.count = 3;
    CHECK(run(&doc, &l), "inline: layout runs");
    /* The space where the face changes stays in the text, at the end of
     * the run before it ("Der "), not as a gap alone. */
    const qs_item *a = find_text(&l, 0, "Der "), *f = find_text(&l, 0, "fette ");
    const qs_item *p = find_text(&l, 0, "Preis");
    CHECK(a && f && f->font == 1 && a->font == 0, "inline: one run per font, "
          "each ending in the space after it");
    CHECK(a && f && p && fabsf(a->y - f->y) < 0.01f &&
              f->x > a->x && p->x >= f->x + item_width(&doc, f) - 0.01f,
          "inline: runs follow each other on one baseline");
    done(&doc, &l);
}

/* Fills page 1 with n one-line paragraphs of 12 pt (15 pt high). */
static void fill_lines(qs_doc *doc, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char t[32];
        snprintf(t, sizeof t, "Filler %zu", i + 1);
        add_para(doc, t, 12, QS_ALIGN_LEFT);
    }
}

static size_t lines_per_page(const qs_doc *doc)
{
    float h = doc->first.height - doc->first.margin_top - doc->first.margin_bottom;
    return (size_t)(h / 15.0f);
}

static void test_keep_with_next(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    size_t per = lines_per_page(&doc);
    fill_lines(&doc, per - 1);
    qs_block *h = add_para(&doc, "Heading", 12, QS_ALIGN_LEFT);
    h->keep_with_next = true;
    h->outline_title = "Heading";
    h->outline_level = 1;
    add_para(&doc, lorem, 12, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "keep-with-next: layout runs");
    CHECK(page_of(&l, "Heading") == 1, "keep-with-next: the heading moved to page 2");
    CHECK(l.pages[1].count > 0 && strcmp(l.pages[1].items[0].text, "Heading") == 0,
          "keep-with-next: page 2 starts with the heading");
    CHECK(l.noutline == 1 && l.outline[0].page == 1 && l.outline[0].level == 1 &&
              fabsf(l.outline[0].y - (doc.rest.height - doc.rest.margin_top)) < 0.01f,
          "outline: entry on page 2 at the top of the content area");
    done(&doc, &l);
}

static void test_orphans_widows(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    size_t per = lines_per_page(&doc);
    /* Room for one more line: a paragraph may not leave one line alone. */
    fill_lines(&doc, per - 1);
    add_para(&doc, lorem, 12, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "orphans: layout runs");
    CHECK(page_lines(&l, 0) == per - 1 && l.npages == 2,
          "orphans: no single first line at the page foot (%zu lines on page 1)",
          page_lines(&l, 0));
    size_t total = page_lines(&l, 1);
    qs_layout_free(&l);
    qs_doc_free(&doc);

    /* Room for all but one line: two lines go over, not one. */
    doc_open(&doc);
    fill_lines(&doc, per - (total - 1));
    add_para(&doc, lorem, 12, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "widows: layout runs");
    CHECK(l.npages == 2 && page_lines(&l, 1) == 2,
          "widows: the last line is not alone at the page head (%zu there)",
          l.npages == 2 ? page_lines(&l, 1) : 0);
    qs_layout_free(&l);
    qs_doc_free(&doc);

    /* A three-line paragraph moves whole. */
    doc_open(&doc);
    fill_lines(&doc, per - 2);
    add_para(&doc, "a\nb\nc", 12, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "short paragraph: layout runs");
    CHECK(page_of(&l, "a") == 1 && page_of(&l, "c") == 1,
          "short paragraph: three lines move whole");
    done(&doc, &l);
}

static void test_keep_together_and_break(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    size_t per = lines_per_page(&doc);
    fill_lines(&doc, per - 3);
    qs_block *g = add_block(&doc, &doc.flow, QS_BLOCK_GROUP);
    g->keep_together = true;
    g->u.group.children.items = qs_arena_array(&doc.arena, 5, sizeof(qs_block));
    const char *names[5] = {"g1", "g2", "g3", "g4", "g5"};
    for (int i = 0; i < 5; i++)
        set_para(&doc, add_block(&doc, &g->u.group.children, QS_BLOCK_PARA), names[i], 0,
                 12, QS_ALIGN_LEFT);
    add_block(&doc, &doc.flow, QS_BLOCK_PAGE_BREAK);
    qs_block *after = add_para(&doc, "After break", 12, QS_ALIGN_LEFT);
    after->space_before = 20;
    CHECK(run(&doc, &l), "keep-together: layout runs");
    CHECK(page_of(&l, "g1") == 1 && page_of(&l, "g5") == 1,
          "keep-together: the group moved whole to page 2");
    CHECK(page_of(&l, "After break") == 2 && l.npages == 3,
          "page break: starts a new page");
    const qs_item *a = find_text(&l, 2, "After break");
    const qs_item *g1 = find_text(&l, 1, "g1");
    CHECK(a && g1 && fabsf(a->y - g1->y) < 0.01f,
          "space-before: collapsed at the top of a page");
    done(&doc, &l);
}

static int rows_on_page(const qs_layout *l, size_t page, int *first)
{
    int n = 0;
    *first = -1;
    for (size_t i = 0; i < l->pages[page].count; i++) {
        const qs_item *it = &l->pages[page].items[i];
        int k;
        if (it->kind == QS_ITEM_TEXT && sscanf(it->text, "Row %d", &k) == 1) {
            if (*first < 0)
                *first = k;
            n++;
        }
    }
    return n;
}

static const char *comma_format(void *ctx, qs_arena *a, const char *amount)
{
    (void)ctx;
    char *s = qs_arena_strdup(a, amount);
    char *dot = strchr(s, '.');
    if (dot)
        *dot = ',';
    return s;
}

static void test_big_table(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    add_para(&doc, "Angebot", 14, QS_ALIGN_LEFT);
    qs_table *t = add_table(&doc, 500);
    t->carry_label_foot = "Übertrag";
    t->carry_label_head = "Übertrag";
    t->carry_column = 1;
    t->carry_style = (qs_span){NULL, 1, 9, {0, 0, 0}, QS_FIELD_NONE};
    add_para(&doc, "Ende", 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "table: 500 rows lay out");
    CHECK(l.npages >= 4, "table: spans %zu pages", l.npages);
    bool header_everywhere = true, split = false, sums_ok = true, seq = true;
    int total = 0, expect_first = 1;
    for (size_t p = 0; p < l.npages; p++) {
        int first, n = rows_on_page(&l, p, &first);
        if (n == 0)
            continue;
        header_everywhere = header_everywhere && find_text(&l, p, "Pos") != NULL &&
                            find_text(&l, p, "Betrag") != NULL;
        seq = seq && first == expect_first;
        expect_first += n;
        total += n;
        /* Each row's amount sits on its page: as many "1.10" as rows. */
        int amounts = 0;
        for (size_t i = 0; i < l.pages[p].count; i++)
            amounts += l.pages[p].items[i].kind == QS_ITEM_TEXT &&
                       strcmp(l.pages[p].items[i].text, "1.10") == 0;
        split = split || amounts != n;
        /* The foot carry is the sum of rows so far, the head carry the same
         * sum carried from the page before. */
        char want[32];
        long cents = 110L * total;
        snprintf(want, sizeof want, "%ld.%02ld", cents / 100, cents % 100);
        if (total < 500)
            sums_ok = sums_ok && find_text(&l, p, want) != NULL;
        if (p + 1 < l.npages && total < 500)
            sums_ok = sums_ok && find_text(&l, p + 1, want) != NULL;
    }
    CHECK(header_everywhere, "table: header row on every page");
    CHECK(total == 500 && seq, "table: rows per page sum to 500, in order (%d)", total);
    CHECK(!split, "table: no row split across pages");
    CHECK(sums_ok, "table: carry-forward sums at every foot and head are exact");
    CHECK(page_of(&l, "Übertrag") == 0, "table: carry label at the first page foot");
    size_t zebra = 0;
    for (size_t p = 0; p < l.npages; p++)
        for (size_t i = 0; i < l.pages[p].count; i++) {
            const qs_item *it = &l.pages[p].items[i];
            zebra += it->kind == QS_ITEM_RECT && it->color.r == 0xee;
        }
    CHECK(zebra == 250, "table: every other body row striped (%zu)", zebra);
    CHECK(page_of(&l, "Ende") == (int)l.npages - 1, "table: the flow continues after it");
    done(&doc, &l);
}

/* Page 1 holds exactly 37 rows: the carry is 37 x 1.10 = 40.70. */
static void test_carry_37(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_table *t = add_table(&doc, 60);
    t->carry_label_foot = "Übertrag";
    t->carry_label_head = "Übertrag aus Vorseite";
    t->carry_column = 1;
    t->carry_style = (qs_span){NULL, 1, 9, {0, 0, 0}, QS_FIELD_NONE};
    float row = 2 * 2 + 1.2f * 9; /* padding + one line */
    float content = row * (1 + 37) + t->cell_padding * 2 + 1.2f * 9 + row / 2;
    doc.first.margin_top = doc.first.height - doc.first.margin_bottom - content;
    CHECK(run(&doc, &l), "carry: layout runs");
    int first, n = rows_on_page(&l, 0, &first);
    CHECK(n == 37, "carry: 37 rows on page 1 (%d)", n);
    const qs_item *foot = find_text(&l, 0, "40.70");
    const qs_item *lab = find_text(&l, 0, "Übertrag");
    CHECK(foot && lab && fabsf(foot->y - lab->y) < 0.01f,
          "carry: 'Übertrag ... 40.70' at the foot of page 1");
    CHECK(foot && fabsf(foot->x + item_width(&doc, foot) -
                        (right_margin(&doc) - t->cell_padding)) < 0.05f,
          "carry: sum right-aligned in the carry column");
    const qs_item *head = find_text(&l, 1, "40.70");
    const qs_item *hl = find_text(&l, 1, "Übertrag aus Vorseite");
    const qs_item *hdr = find_text(&l, 1, "Pos");
    const qs_item *r38 = find_text(&l, 1, "Row 38");
    CHECK(head && hl && hdr && r38 && hdr->y > head->y && head->y > r38->y,
          "carry: header, then 'Übertrag aus Vorseite ... 40.70', then row 38 on page 2");
    CHECK(foot && foot->font == 1 && foot->size == 9, "carry: in carry_style's font and size");
    qs_layout_free(&l);
    t->format_carry = comma_format;
    CHECK(run(&doc, &l) && find_text(&l, 0, "40,70") != NULL,
          "carry: format_carry formats the sum");
    done(&doc, &l);
}

static void test_table_keeps(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    size_t per = lines_per_page(&doc);
    fill_lines(&doc, per - 1);
    qs_table *t = add_table(&doc, 3);
    (void)t;
    CHECK(run(&doc, &l), "table keeps: layout runs");
    CHECK(page_of(&l, "Pos") == 1 && page_of(&l, "Row 1") == 1,
          "table keeps: a header is never alone at a page foot");
    qs_layout_free(&l);
    qs_doc_free(&doc);

    doc_open(&doc);
    t = add_table(&doc, 200);
    t->rows[99].kind = QS_ROW_HEADING;
    t->rows[99].cells[0].content.items[0].u.para.spans[0].text = "Gruppe";
    CHECK(run(&doc, &l), "heading row: layout runs");
    CHECK(page_of(&l, "Gruppe") == page_of(&l, "Row 101"),
          "heading row: kept with the next row");
    done(&doc, &l);
}

static void test_page_numbers(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_blocks foot = one_para(&doc, "x", 9, QS_ALIGN_RIGHT);
    qs_span *sp = qs_arena_array(&doc.arena, 4, sizeof *sp);
    sp[0] = (qs_span){"Seite ", 0, 9, {0, 0, 0}, QS_FIELD_NONE};
    sp[1] = (qs_span){"#", 0, 9, {0, 0, 0}, QS_FIELD_PAGE};
    sp[2] = (qs_span){" von ", 0, 9, {0, 0, 0}, QS_FIELD_NONE};
    sp[3] = (qs_span){"#", 0, 9, {0, 0, 0}, QS_FIELD_PAGES};
    foot.items[0].u.para.spans = sp;
    foot.items[0].u.para.count = 4;
    doc.first.footer = doc.rest.footer = foot;
    doc.first.footer_offset = doc.rest.footer_offset = 20;
    doc.rest.header = one_para(&doc, "Angebot Q-1", 9, QS_ALIGN_LEFT);
    doc.rest.header_offset = 20;
    for (int i = 0; i < 9; i++) {
        if (i > 0)
            add_block(&doc, &doc.flow, QS_BLOCK_PAGE_BREAK);
        add_para(&doc, "Inhalt", 11, QS_ALIGN_LEFT);
    }
    CHECK(run(&doc, &l), "page numbers: layout runs");
    CHECK(l.npages == 9, "page numbers: 9 pages");
    const qs_item *s2 = find_text(&l, 1, "Seite 2 von 9");
    CHECK(s2 != NULL, "page numbers: 'Seite 2 von 9' in the footer of page 2");
    CHECK(find_text(&l, 8, "Seite 9 von 9") != NULL, "page numbers: last page");
    CHECK(s2 && fabsf(s2->x + item_width(&doc, s2) - right_margin(&doc)) < 0.05f &&
              s2->y > 20 && s2->y < 20 + 9,
          "footer: right-aligned, ending footer_offset above the page bottom");
    const qs_item *h = find_text(&l, 1, "Angebot Q-1");
    CHECK(h && h->y < doc.rest.height - 20 && h->y > doc.rest.height - 20 - 12 &&
              page_of(&l, "Angebot Q-1") == 1,
          "header: from header_offset below the page top, on later pages only");
    done(&doc, &l);
}

static void test_dump(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_image *img = qs_arena_alloc(&doc.arena, sizeof *img);
    img->width = 200;
    img->height = 100;
    doc.images = qs_arena_array(&doc.arena, 1, sizeof *doc.images);
    doc.images[0] = img;
    doc.nimages = 1;
    qs_block *b = add_para(&doc, "Say \"hi\"", 10, QS_ALIGN_LEFT);
    b->outline_title = "Intro";
    b->has_background = true;
    b->background = (qs_rgb){0xff, 0x80, 0x00};
    qs_block *r = add_block(&doc, &doc.flow, QS_BLOCK_RULE);
    r->u.rule.thickness = 1;
    r->space_before = 5;
    qs_block *im = add_block(&doc, &doc.flow, QS_BLOCK_IMAGE);
    im->u.image.width = 100;
    CHECK(run(&doc, &l), "dump: layout runs");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    qs_layout_dump(&l, f);
    fclose(f);
    /* 10 pt at leading 1.25: a 12.5 pt line from 785.2 (the top margin).
     * Noto Sans ascent 1.069 em, descent 0.293 em: the half-leading is
     * (12.5 - 13.62) / 2, so the baseline is 785.2 + 0.56 - 10.69 = 775.1.
     * The rule (5 pt below) is centred on its 1 pt; the image follows. */
    const char *want =
        "page 1 595.3x841.9\n"
        "  rect 56.7 772.7 481.9 12.5 #ff8000\n"
        "  text 56.7 775.1 0 10.0 \"Say \\\"hi\\\"\"\n"
        "  line 56.7 767.2 538.6 767.2 1.0\n"
        "  image 0 56.7 716.7 100.0 50.0\n"
        "outline 0 1 785.2 \"Intro\"\n";
    CHECK_STR(text, want, "dump: exact text of a small page");
    /* The same bytes under a decimal-comma locale. */
    const char *loc = setlocale(LC_NUMERIC, "de_DE.UTF-8");
    if (loc == NULL)
        loc = setlocale(LC_NUMERIC, "de_DE");
    /* setlocale's string lives only until the next call: keep a copy. */
    char locname[64];
    snprintf(locname, sizeof locname, "%s", loc ? loc : "no de_DE locale installed");
    char *text2 = NULL;
    size_t len2 = 0;
    f = open_memstream(&text2, &len2);
    qs_layout_dump(&l, f);
    fclose(f);
    setlocale(LC_NUMERIC, "C");
    CHECK(strcmp(text, text2) == 0, "dump: independent of the C locale (%s)", locname);
    free(text);
    free(text2);
    doc.nimages = 0; /* the fake image is not the doc's to free */
    done(&doc, &l);
}

/* The dump of a page as text (malloc'd). */
static char *dump_text(const qs_layout *l)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    qs_layout_dump(l, f);
    fclose(f);
    return text;
}

/* The table box model: a 200 pt table placed right, a cell background and
 * borders, vertical alignment in a taller row. */
static void test_table_box(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_block *b = add_block(&doc, &doc.flow, QS_BLOCK_TABLE);
    qs_table *t = &b->u.table;
    t->columns = qs_arena_array(&doc.arena, 2, sizeof(qs_column));
    t->columns[0] = (qs_column){1, true};
    t->columns[1] = (qs_column){80, false};
    t->ncolumns = 2;
    t->width = 200;
    t->align = QS_ALIGN_RIGHT;
    t->cell_padding = 2;
    t->rows = qs_arena_array(&doc.arena, 1, sizeof(qs_row));
    t->nrows = 1;
    t->rows[0] = make_row(&doc, "Summe", "1.10", NULL);
    t->rows[0].has_background = true;
    t->rows[0].background = (qs_rgb){0xee, 0xee, 0xee};
    qs_cell *sum = &t->rows[0].cells[1];
    sum->has_background = true;
    sum->background = (qs_rgb){0x1f, 0x4e, 0x79};
    sum->border[QS_SIDE_TOP] = (qs_border){1, {0xff, 0, 0}};
    sum->border[QS_SIDE_LEFT] = (qs_border){0.5f, {0, 0, 0}};
    sum->valign = QS_VALIGN_BOTTOM;
    /* A second line in the left cell makes the row taller. */
    t->rows[0].cells[0].content.items[0].u.para.spans[0].text = "Summe\nnetto";
    CHECK(run(&doc, &l), "box: layout runs");
    char *text = dump_text(&l);
    /* The table ends at the right margin (538.6): it starts at 338.6; the
     * column of 80 pt at 458.6. One 9 pt line at leading 1.2 is 10.8 pt;
     * two lines and 2 x 2 pt padding make the row 25.6 pt from 785.2 down
     * to 759.6. The right cell's single line sits at the bottom. */
    const char *want =
        "page 1 595.3x841.9\n"
        "  rect 338.6 759.6 200.0 25.6 #eeeeee\n"
        "  rect 458.6 759.6 80.0 25.6 #1f4e79\n"
        "  line 458.6 785.2 538.6 785.2 1.0 #ff0000\n"
        "  line 458.6 785.2 458.6 759.6 0.5\n"
        "  text 340.6 774.3 0 9.0 \"Summe\"\n"
        "  text 340.6 763.5 0 9.0 \"netto\"\n"
        "  text 518.7 763.5 0 9.0 \"1.10\"\n";
    CHECK_STR(text, want, "box: exact dump of a right-placed table with a boxed cell");
    free(text);
    qs_layout_free(&l);

    /* Centred; wider than the text area is an error. */
    t->align = QS_ALIGN_CENTER;
    CHECK(run(&doc, &l), "box: centred table runs");
    text = dump_text(&l);
    CHECK(strstr(text, "  rect 197.6 759.6 200.0 25.6 #eeeeee\n") != NULL,
          "box: a centred table starts at (481.9 - 200) / 2 from the margin");
    free(text);
    qs_layout_free(&l);
    t->width = 500;
    CHECK(!run(&doc, &l), "box: a table wider than the text area fails");
    done(&doc, &l);
}

/* keep-with-previous: a total row never starts a page; a block likewise. */
static void test_keep_with_previous(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    size_t per = lines_per_page(&doc);
    (void)per;
    qs_table *t = add_table(&doc, 200);
    CHECK(run(&doc, &l), "keep-with-previous: layout runs");
    int first;
    int n = rows_on_page(&l, 0, &first);
    char last[32], next[32];
    snprintf(last, sizeof last, "Row %d", n);
    snprintf(next, sizeof next, "Row %d", n + 1);
    CHECK(page_of(&l, next) == 1, "keep-with-previous: without it, row %d starts page 2", n + 1);
    qs_layout_free(&l);
    t->rows[n].keep_with_previous = true;
    CHECK(run(&doc, &l), "keep-with-previous: layout runs with it");
    CHECK(page_of(&l, last) == 1 && page_of(&l, next) == 1,
          "keep-with-previous: row %d moves to page 2 with row %d", n, n + 1);
    qs_layout_free(&l);
    qs_doc_free(&doc);

    doc_open(&doc);
    fill_lines(&doc, lines_per_page(&doc));
    qs_block *b = add_para(&doc, "Nachsatz", 10, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l) && page_of(&l, "Nachsatz") == 1 && l.npages == 2,
          "keep-with-previous: without it, a block starts page 2 alone");
    qs_layout_free(&l);
    b->keep_with_previous = true;
    CHECK(run(&doc, &l) && page_of(&l, "Nachsatz") == 1 && page_lines(&l, 1) == 2,
          "keep-with-previous: the last line goes along (%zu lines on page 2)",
          page_lines(&l, 1));
    done(&doc, &l);
}

static void test_images(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_image img;
    memset(&img, 0, sizeof img);
    img.width = 200;
    img.height = 100;
    qs_image *imgs[1] = {&img};
    doc.images = imgs;
    doc.nimages = 1;
    float sizes[5][2] = {{100, 0}, {0, 25}, {0, 0}, {1000, 0}, {100, 100}};
    for (int i = 0; i < 5; i++) {
        qs_block *b = add_block(&doc, &doc.flow, QS_BLOCK_IMAGE);
        b->u.image.width = sizes[i][0];
        b->u.image.height = sizes[i][1];
        b->u.image.align = i == 4 ? QS_ALIGN_RIGHT : QS_ALIGN_LEFT;
    }
    CHECK(run(&doc, &l), "images: layout runs");
    const qs_item *it[5];
    size_t n = 0;
    for (size_t p = 0; p < l.npages; p++)
        for (size_t i = 0; i < l.pages[p].count && n < 5; i++)
            if (l.pages[p].items[i].kind == QS_ITEM_IMAGE)
                it[n++] = &l.pages[p].items[i];
    CHECK(n == 5, "images: five image items");
    if (n == 5) {
        float colw = right_margin(&doc) - doc.first.margin_left;
        CHECK(fabsf(it[0]->w - 100) < 0.01f && fabsf(it[0]->h - 50) < 0.01f,
              "images: width only keeps the aspect ratio");
        CHECK(fabsf(it[1]->w - 50) < 0.01f && fabsf(it[1]->h - 25) < 0.01f,
              "images: height only keeps the aspect ratio");
        CHECK(fabsf(it[2]->w - 200) < 0.01f && fabsf(it[2]->h - 100) < 0.01f,
              "images: no size means 72 dpi");
        CHECK(fabsf(it[3]->w - colw) < 0.01f && fabsf(it[3]->h - colw / 2) < 0.01f,
              "images: scaled down to the column width");
        CHECK(fabsf(it[4]->w - 100) < 0.01f && fabsf(it[4]->h - 50) < 0.01f &&
                  fabsf(it[4]->x + it[4]->w - right_margin(&doc)) < 0.01f,
              "images: fitted into a box, aligned right");
    }
    doc.nimages = 0;
    doc.images = NULL;
    done(&doc, &l);
}

static void test_absolute(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_block *a = add_block(&doc, &doc.flow, QS_BLOCK_ABSOLUTE);
    a->u.group.x = 70.9f;
    a->u.group.y = 127.6f;
    a->u.group.width = 240.9f;
    a->u.group.children = one_para(&doc, "Muster GmbH\nHauptstraße 1\n12345 Berlin", 10,
                                   QS_ALIGN_LEFT);
    add_para(&doc, "Sehr geehrte Damen und Herren,", 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "absolute: layout runs");
    const qs_item *m = find_text(&l, 0, "Muster GmbH");
    const qs_item *s = find_text(&l, 0, "12345 Berlin");
    const qs_item *f = find_text(&l, 0, "Sehr geehrte Damen und Herren,");
    float top = doc.first.height - 127.6f;
    CHECK(m && fabsf(m->x - 70.9f) < 0.01f && m->y < top && m->y > top - 12.5f,
          "absolute: placed at x, y from the page top");
    CHECK(s && m && fabsf(m->y - s->y - 25) < 0.01f, "absolute: its lines stack");
    float flow_top = doc.first.height - doc.first.margin_top;
    CHECK(f && f->y < flow_top && f->y > flow_top - 14,
          "absolute: the flow does not move");
    qs_layout_free(&l);
    qs_doc_free(&doc);

    /* A cover page of absolute blocks only, then a page break. */
    doc_open(&doc);
    a = add_block(&doc, &doc.flow, QS_BLOCK_ABSOLUTE);
    a->u.group.x = 100;
    a->u.group.y = 300;
    a->u.group.width = 300;
    a->u.group.children = one_para(&doc, "Cover", 24, QS_ALIGN_CENTER);
    add_block(&doc, &doc.flow, QS_BLOCK_PAGE_BREAK);
    add_para(&doc, "Body", 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l) && page_of(&l, "Cover") == 0 && page_of(&l, "Body") == 1,
          "absolute: a cover page of absolute blocks keeps its page break");
    done(&doc, &l);
}

static void test_errors(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_table *t = add_table(&doc, 3);
    char *tall = qs_arena_alloc(&doc.arena, 200 * 2 + 1);
    for (int i = 0; i < 200; i++)
        memcpy(tall + 2 * i, "x\n", 2);
    t->rows[1].cells[0].content.items[0].u.para.spans[0].text = tall;
    t->continued_label = "(continued)";
    t->continued_style = (qs_span){"", 0, 8, {0, 0, 0}, QS_FIELD_NONE};
    size_t before = diags.count;
    bool ok = run(&doc, &l);
    /* The 200 lines of the row, the header on every page, the label atop
     * every part but the first, and "Row 3" after the row. */
    size_t xs = 0, headers = 0, labels = 0;
    for (size_t p = 0; ok && p < l.npages; p++) {
        for (size_t i = 0; i < l.pages[p].count; i++) {
            const qs_item *it = &l.pages[p].items[i];
            if (it->kind != QS_ITEM_TEXT)
                continue;
            xs += strcmp(it->text, "x") == 0;
            headers += strcmp(it->text, "Pos") == 0;
            labels += strcmp(it->text, "(continued)") == 0;
        }
    }
    /* The first part starts under Row 1, each later one fills a page. */
    CHECK(ok && diags.count == before && l.npages >= 3 && xs == 200 &&
              headers == l.npages && labels == l.npages - 1 &&
              page_of(&l, "Row 1") == 0 && page_of(&l, "x") == 0 &&
              page_of(&l, "Row 3") == (int)l.npages - 1,
          "a row taller than a page is split: %zu pages, %zu of 200 lines, %zu headers, "
          "%zu continued labels", ok ? l.npages : 0, xs, headers, labels);
    const qs_item *label = ok ? find_text(&l, 2, "(continued)") : NULL;
    const qs_item *head = ok ? find_text(&l, 2, "Pos") : NULL;
    const qs_item *x = ok ? find_text(&l, 2, "x") : NULL;
    CHECK(label && head && x && label->y < head->y && x->y < label->y,
          "the continued part: header, then the label, then the row's lines");
    qs_layout_free(&l);
    qs_doc_free(&doc);

    /* One line taller than a page: an error at the row's quote line. */
    doc_open(&doc);
    t = add_table(&doc, 3);
    doc.first.margin_top = doc.rest.margin_top = doc.first.height - doc.first.margin_bottom - 100;
    t->rows[1].cells[0].content.items[0].u.para.spans[0].text = ".";
    t->rows[1].cells[0].content.items[0].u.para.spans[0].size = 120;
    t->rows[1].what = "line 2 (SKU SRV)";
    t->rows[1].file = "hw.xml";
    t->rows[1].line = 7;
    before = diags.count;
    ok = run(&doc, &l);
    CHECK(!ok && diags.count == before + 1 && strcmp(diags.items[before].rule, "layout") == 0 &&
              diags.items[before].line == 7 && strcmp(diags.items[before].file, "hw.xml") == 0 &&
              strncmp(diags.items[before].message, "line 2 (SKU SRV): ", 18) == 0,
          "errors: a line taller than a page names the quote line");
    if (diags.count > before)
        printf("     (%s)\n", diags.items[before].message);
    qs_layout_free(&l);
    qs_doc_free(&doc);

    doc_open(&doc);
    t = add_table(&doc, 1);
    t->columns[0].width = doc.first.width; /* nothing left for column 2 */
    doc.first.margin_left = doc.rest.margin_left = 0;
    doc.first.margin_right = doc.rest.margin_right = 0;
    before = diags.count;
    ok = run(&doc, &l);
    CHECK(!ok && diags.count == before + 1, "errors: a word in a 0-wide column");
    if (diags.count > before)
        printf("     (%s)\n", diags.items[before].message);
    qs_layout_free(&l);
    qs_doc_free(&doc);

    doc_open(&doc);
    t = add_table(&doc, 2);
    t->carry_label_foot = "Übertrag";
    t->carry_style.size = 9;
    t->rows[1].carry_amount = "1,10";
    before = diags.count;
    CHECK(!run(&doc, &l) && diags.count == before + 1,
          "errors: a carry amount that is not a decimal");
    done(&doc, &l);
}

/* Cell padding of its own (over the table's), a table and a box nested in
 * a cell, a column span. */
static void test_cell_padding_nesting(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_block *b = add_block(&doc, &doc.flow, QS_BLOCK_TABLE);
    qs_table *t = &b->u.table;
    t->columns = qs_arena_array(&doc.arena, 2, sizeof(qs_column));
    t->columns[0] = (qs_column){100, false};
    t->columns[1] = (qs_column){100, false};
    t->ncolumns = 2;
    t->cell_padding = 2;
    t->rows = qs_arena_array(&doc.arena, 2, sizeof(qs_row));
    t->nrows = 2;
    t->rows[0] = make_row(&doc, "A", "B", NULL);
    t->rows[0].cells[1].has_padding = true;
    t->rows[0].cells[1].padding = 10;
    /* Row 2: one cell over both columns holding a box (a group with a
     * background) and a one-row table of its own. */
    qs_row *r = &t->rows[1];
    r->cells = qs_arena_array(&doc.arena, 1, sizeof(qs_cell));
    r->count = 1;
    r->cells[0].colspan = 2;
    qs_blocks *content = &r->cells[0].content;
    content->items = qs_arena_array(&doc.arena, 2, sizeof(qs_block));
    qs_block *box = add_block(&doc, content, QS_BLOCK_GROUP);
    box->has_background = true;
    box->background = (qs_rgb){0xdd, 0xee, 0xff};
    box->u.group.children = one_para(&doc, "Box", 9, QS_ALIGN_LEFT);
    box->u.group.children.items[0].u.para.leading = 1.2f;
    qs_block *inner = add_block(&doc, content, QS_BLOCK_TABLE);
    qs_table *it = &inner->u.table;
    it->columns = qs_arena_array(&doc.arena, 2, sizeof(qs_column));
    it->columns[0] = (qs_column){1, true};
    it->columns[1] = (qs_column){50, false};
    it->ncolumns = 2;
    it->cell_padding = 1;
    it->rows = qs_arena_array(&doc.arena, 1, sizeof(qs_row));
    it->nrows = 1;
    it->rows[0] = make_row(&doc, "Inner", "9.99", NULL);
    CHECK(run(&doc, &l), "nesting: layout runs");
    char *text = dump_text(&l);
    /* Row 1: the padded cell's 10.8 pt line and 2 x 10 pt make it 30.8 pt
     * (785.2 to 754.4); "A" at 2 pt padding sits at the top (baseline 8.9
     * below), "B" (right-aligned) 10 pt from its cell's edges: 256.7 - 10
     * - 5.9. Row 2 (from 754.4): the cell spans 200 pt; inside its 2 pt
     * padding (x 58.7, width 196) the box's background behind "Box" (10.8
     * pt, to 741.6), then the inner table with 1 pt padding: "Inner" at
     * 59.7, its baseline 741.6 - 1 - 8.9; its fixed column of 50 pt at
     * 204.7, "9.99" right-aligned to 253.7. */
    const char *want =
        "page 1 595.3x841.9\n"
        "  text 58.7 774.3 0 9.0 \"A\"\n"
        "  text 240.8 766.3 0 9.0 \"B\"\n"
        "  rect 58.7 741.6 196.0 10.8 #ddeeff\n"
        "  text 58.7 743.5 0 9.0 \"Box\"\n"
        "  text 59.7 731.7 0 9.0 \"Inner\"\n"
        "  text 235.8 731.7 0 9.0 \"9.99\"\n";
    CHECK_STR(text, want, "nesting: exact dump of a padded cell, a box and a table in a cell");
    free(text);
    done(&doc, &l);
}

/* keep-with-next on a row: it never ends a page. */
static void test_row_keep_with_next(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_table *t = add_table(&doc, 200);
    CHECK(run(&doc, &l), "row keep-with-next: layout runs");
    int first;
    int n = rows_on_page(&l, 0, &first);
    char last[32];
    snprintf(last, sizeof last, "Row %d", n);
    CHECK(page_of(&l, last) == 0, "row keep-with-next: without it, row %d ends page 1", n);
    qs_layout_free(&l);
    t->rows[n - 1].keep_with_next = true;
    CHECK(run(&doc, &l), "row keep-with-next: layout runs with it");
    CHECK(page_of(&l, last) == 1 && rows_on_page(&l, 0, &first) == n - 1,
          "row keep-with-next: row %d moves to page 2 with row %d", n, n + 1);
    done(&doc, &l);
}

/* Flowing columns: balanced on one page; a part taller than a page fills
 * page-high column sets; too narrow columns are an error. */
static void test_columns(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_block *b = add_block(&doc, &doc.flow, QS_BLOCK_COLUMNS);
    b->u.group.ncolumns = 2;
    b->u.group.gap = 20;
    b->u.group.children.items = qs_arena_array(&doc.arena, 5, sizeof(qs_block));
    for (int i = 0; i < 5; i++) {
        char t[16];
        snprintf(t, sizeof t, "Term %d", i + 1);
        set_para(&doc, add_block(&doc, &b->u.group.children, QS_BLOCK_PARA), t, 0, 10,
                 QS_ALIGN_LEFT);
    }
    add_para(&doc, "After", 10, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "columns: layout runs");
    char *text = dump_text(&l);
    /* Columns of (481.9 - 20) / 2 = 230.9 pt: the right one at 307.6.
     * Five 12.5 pt lines balance as three and two; "After" follows the
     * taller column (785.2 - 37.5 = 747.7). */
    const char *want =
        "page 1 595.3x841.9\n"
        "  text 56.7 775.1 0 10.0 \"Term 1\"\n"
        "  text 56.7 762.6 0 10.0 \"Term 2\"\n"
        "  text 56.7 750.1 0 10.0 \"Term 3\"\n"
        "  text 307.6 775.1 0 10.0 \"Term 4\"\n"
        "  text 307.6 762.6 0 10.0 \"Term 5\"\n"
        "  text 56.7 737.6 0 10.0 \"After\"\n";
    CHECK_STR(text, want, "columns: exact dump of five lines in two balanced columns");
    free(text);
    qs_layout_free(&l);
    /* A keep at the column break: "Term 3" goes along with "Term 4". */
    b->u.group.children.items[2].keep_with_next = true;
    CHECK(run(&doc, &l), "columns: layout runs with a keep");
    const qs_item *t2 = find_text(&l, 0, "Term 2"), *t3 = find_text(&l, 0, "Term 3");
    CHECK(t2 && t2->x < 57 && t3 && t3->x > 307 && fabsf(t3->y - 775.1f) < 0.05f,
          "columns: keep-with-next moves a line to the next column");
    qs_layout_free(&l);
    qs_doc_free(&doc);

    /* 150 lines of 12.5 pt: 58 fit a column of 728.5 pt, so a page-high
     * set of 116 lines, then the last 34 balanced as 17 and 17. */
    doc_open(&doc);
    b = add_block(&doc, &doc.flow, QS_BLOCK_COLUMNS);
    b->u.group.ncolumns = 2;
    b->u.group.gap = 20;
    b->u.group.children.items = qs_arena_array(&doc.arena, 150, sizeof(qs_block));
    for (int i = 0; i < 150; i++) {
        char t[16];
        snprintf(t, sizeof t, "Line %d", i + 1);
        set_para(&doc, add_block(&doc, &b->u.group.children, QS_BLOCK_PARA), t, 0, 10,
                 QS_ALIGN_LEFT);
    }
    CHECK(run(&doc, &l), "columns: a long block runs");
    const qs_item *l58 = find_text(&l, 0, "Line 58");
    const qs_item *l59 = find_text(&l, 0, "Line 59");
    const qs_item *l117 = find_text(&l, 1, "Line 117");
    const qs_item *l133 = find_text(&l, 1, "Line 133");
    const qs_item *l134 = find_text(&l, 1, "Line 134");
    CHECK(l.npages == 2 && l58 && l58->x < 57 && fabsf(l58->y - 62.6f) < 0.05f && l59 &&
              l59->x > 307 && fabsf(l59->y - 775.1f) < 0.05f && find_text(&l, 0, "Line 116") &&
              l117 && l117->x < 57 && fabsf(l117->y - 775.1f) < 0.05f && l133 &&
              l133->x < 57 && l134 && l134->x > 307 && fabsf(l134->y - 775.1f) < 0.05f &&
              find_text(&l, 1, "Line 150"),
          "columns: a page-high set, then a balanced rest (%zu pages)", l.npages);
    qs_layout_free(&l);
    b->u.group.gap = 500;
    CHECK(!run(&doc, &l), "columns: columns that do not fit are an error");
    CHECK(diags.count > 0 && strstr(diags.items[diags.count - 1].message,
                                    "2 columns 500.0 pt apart do not fit into 481.9 pt"),
          "columns: the error names the columns and the width");
    done(&doc, &l);
}

/* A one-column table (120 pt, padding 2) of the given cells, aligned
 * `align`, with a header "Preis" of the same alignment. */
static qs_table *add_column_table(qs_doc *doc, const char *const *texts, size_t n,
                                  qs_align align)
{
    qs_block *b = add_block(doc, &doc->flow, QS_BLOCK_TABLE);
    qs_table *t = &b->u.table;
    t->columns = qs_arena_array(&doc->arena, 1, sizeof(qs_column));
    t->columns[0] = (qs_column){120, false};
    t->ncolumns = 1;
    t->cell_padding = 2;
    t->header = qs_arena_alloc(&doc->arena, sizeof(qs_row));
    t->header->cells = qs_arena_array(&doc->arena, 1, sizeof(qs_cell));
    t->header->count = 1;
    set_cell(doc, &t->header->cells[0], "Preis", align);
    t->rows = qs_arena_array(&doc->arena, n, sizeof(qs_row));
    t->nrows = n;
    for (size_t i = 0; i < n; i++) {
        t->rows[i].cells = qs_arena_array(&doc->arena, 1, sizeof(qs_cell));
        t->rows[i].count = 1;
        set_cell(doc, &t->rows[i].cells[0], texts[i], align);
        t->rows[i].cells[0].content.items[0].u.para.align = align;
    }
    return t;
}

/* x of the first byte of `mark` in a text item (the item's font 0). */
static float mark_x(const qs_doc *doc, const qs_item *it, const char *mark)
{
    const char *at = it ? strstr(it->text, mark) : NULL;
    if (at == NULL)
        return -1;
    return it->x + qs_font_width(doc->fonts[it->font], it->text, (size_t)(at - it->text),
                                 it->size);
}

/* Decimal alignment: the commas of "1.190,00 €", "48,100 €" and
 * "0,1250 €" on one line, the widest part after it (",1250 €") ending at
 * the padding; a header without a comma right-aligned; "." in English. */
static void test_decimal_align(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    const char *const de[] = {"1.190,00 €", "48,100 €", "0,1250 €"};
    qs_table *t = add_column_table(&doc, de, 3, QS_ALIGN_DECIMAL);
    t->decimal_mark = ",";
    CHECK(run(&doc, &l), "decimal: layout runs");
    float a = mark_x(&doc, find_text(&l, 0, "1.190,00 €"), ",");
    float b = mark_x(&doc, find_text(&l, 0, "48,100 €"), ",");
    const qs_item *c = find_text(&l, 0, "0,1250 €");
    float cx = mark_x(&doc, c, ",");
    CHECK(a > 0 && fabsf(a - b) < 0.01f && fabsf(a - cx) < 0.01f,
          "decimal: the commas on one line (%.2f %.2f %.2f)", a, b, cx);
    CHECK(c && fabsf(c->x + item_width(&doc, c) - (56.7f + 120 - 2)) < 0.05f,
          "decimal: the widest part after the comma ends at the padding");
    char *text = dump_text(&l);
    const char *want =
        "page 1 595.3x841.9\n"
        "  text 153.8 774.3 0 9.0 \"Preis\"\n"
        "  line 56.7 770.4 176.7 770.4 0.5\n"
        "  text 121.2 759.5 0 9.0 \"1.190,00 €\"\n"
        "  text 133.9 744.7 0 9.0 \"48,100 €\"\n"
        "  text 139.1 729.9 0 9.0 \"0,1250 €\"\n";
    CHECK_STR(text, want, "decimal: exact dump");
    free(text);
    qs_layout_free(&l);
    qs_doc_free(&doc);

    doc_open(&doc);
    const char *const en[] = {"€1,190.00", "€48.1"};
    t = add_column_table(&doc, en, 2, QS_ALIGN_DECIMAL);
    CHECK(run(&doc, &l), "decimal en: layout runs");
    a = mark_x(&doc, find_text(&l, 0, "€1,190.00"), ".");
    b = mark_x(&doc, find_text(&l, 0, "€48.1"), ".");
    CHECK(a > 0 && fabsf(a - b) < 0.01f, "decimal en: the points on one line");
    done(&doc, &l);
}

/* Baseline alignment: a 7 pt label beside a 10 pt value share the first
 * baseline; a top-aligned row does not. */
static void test_valign_baseline(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_table *t = add_table(&doc, 2);
    t->header = NULL;
    t->zebra = false;
    t->cell_padding = 1;
    for (int r = 0; r < 2; r++) {
        t->rows[r] = make_row(&doc, r ? "Datum" : "Kundennummer", r ? "03.12.2026" : "K-10023",
                              NULL);
        t->rows[r].cells[0].content.items[0].u.para.spans[0].size = 7;
        t->rows[r].cells[1].content.items[0].u.para.spans[0].size = 10;
        t->rows[r].cells[1].align = QS_ALIGN_LEFT;
        if (r == 1)
            t->rows[r].cells[0].valign = t->rows[r].cells[1].valign = QS_VALIGN_BASELINE;
    }
    CHECK(run(&doc, &l), "baseline: layout runs");
    const qs_item *k = find_text(&l, 0, "Kundennummer"), *kv = find_text(&l, 0, "K-10023");
    const qs_item *d = find_text(&l, 0, "Datum"), *dv = find_text(&l, 0, "03.12.2026");
    CHECK(k && kv && k->y > kv->y + 1, "baseline: a top-aligned label sits higher");
    CHECK(d && dv && fabsf(d->y - dv->y) < 0.01f, "baseline: label and value on one baseline");
    char *text = dump_text(&l);
    const char *want =
        "page 1 595.3x841.9\n"
        "  text 57.7 777.3 0 7.0 \"Kundennummer\"\n"
        "  text 117.7 774.3 0 10.0 \"K-10023\"\n"
        "  text 57.7 760.3 0 7.0 \"Datum\"\n"
        "  text 117.7 760.3 0 10.0 \"03.12.2026\"\n";
    CHECK_STR(text, want, "baseline: exact dump");
    free(text);
    done(&doc, &l);
}

/* Orphan rule: a group heading with one row at a page foot moves to the
 * next page with its rows when the table asks for 3. */
static void test_table_orphans(void)
{
    qs_doc doc;
    qs_layout l;
    int first, per;
    doc_open(&doc);
    add_table(&doc, 200);
    CHECK(run(&doc, &l), "orphans: plain table runs");
    per = rows_on_page(&l, 0, &first);
    qs_layout_free(&l);
    qs_doc_free(&doc);

    for (unsigned orphans = 0; orphans <= 3; orphans += 3) {
        doc_open(&doc);
        qs_table *t = add_table(&doc, 200);
        t->orphans = orphans;
        /* The heading and one row of its group fill page 1. */
        t->rows[per - 2].kind = QS_ROW_HEADING;
        t->rows[per - 2].cells[0].content.items[0].u.para.spans[0].text = "Gruppe";
        char last[32];
        snprintf(last, sizeof last, "Row %d", per);
        CHECK(run(&doc, &l), "orphans %u: layout runs", orphans);
        int want = orphans ? 1 : 0;
        CHECK(page_of(&l, "Gruppe") == want && page_of(&l, last) == want,
              "orphans %u: heading and first row of the group on page %d", orphans, want + 1);
        done(&doc, &l);
    }
}

/* Where a row taller than a page starts: under the rows before it when
 * two of its lines (as many as the table's `orphans`, if more) fit there,
 * else on the next page, a heading before it coming along; a row that fits
 * a page is never split. Rows are 14.8 pt high, the tall row's lines 24.
 * Apart from the flow (in columns) rows are cut as they always were. */
static void test_split_row_start(void)
{
    qs_doc doc;
    qs_layout l;
    int first;
    doc_open(&doc);
    add_table(&doc, 200);
    CHECK(run(&doc, &l), "split row start: the plain table runs");
    const int per = rows_on_page(&l, 0, &first);
    done(&doc, &l);
    const struct {
        int at;            /* 0-based index of the tall row */
        unsigned orphans;
        bool heading;      /* the row before it is a group heading */
        int lines;         /* of 24 pt */
        int page;          /* where its first line goes */
        size_t here;       /* of its lines on page 1 */
        size_t later;      /* parts after the first, each under the label */
        const char *what;
    } cases[] = {
        {per - 4, 0, false, 50, 0, 2, 2, "room for two lines: it starts under the rows before it"},
        {per - 1, 0, false, 50, 1, 0, 1, "room for less than two lines: it starts the next page"},
        {per - 5, 4, false, 50, 1, 0, 1, "orphans 4, room for less than four lines: the next page"},
        {per - 5, 3, false, 50, 0, 3, 2, "orphans 3, room for three lines: it starts here"},
        {per - 1, 0, true, 50, 1, 0, 1, "its group heading comes along to the next page"},
        {per - 4, 0, false, 20, 1, 0, 0, "a row that fits a page moves to the next one whole"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        doc_open(&doc);
        qs_table *t = add_table(&doc, 200);
        t->orphans = cases[k].orphans;
        t->continued_label = "(continued)";
        t->continued_style = (qs_span){"", 0, 8, {0, 0, 0}, QS_FIELD_NONE};
        int at = cases[k].at, n = cases[k].lines;
        char *tall = qs_arena_alloc(&doc.arena, 2 * (size_t)n + 1);
        for (int i = 0; i < n; i++)
            memcpy(tall + 2 * i, "x\n", 2);
        qs_span *sp = &t->rows[at].cells[0].content.items[0].u.para.spans[0];
        sp->text = tall;
        sp->size = 20;
        if (cases[k].heading) {
            t->rows[at - 1].kind = QS_ROW_HEADING;
            t->rows[at - 1].cells[0].content.items[0].u.para.spans[0].text = "Gruppe";
        }
        bool ok = run(&doc, &l);
        char before[32], after[32];
        snprintf(before, sizeof before, "Row %d", at - 1);
        snprintf(after, sizeof after, "Row %d", at + 2);
        size_t xs = 0, here = 0, labels = 0;
        for (size_t p = 0; ok && p < l.npages; p++)
            for (size_t i = 0; i < l.pages[p].count; i++) {
                const qs_item *it = &l.pages[p].items[i];
                if (it->kind == QS_ITEM_TEXT) {
                    xs += strcmp(it->text, "x") == 0;
                    here += p == 0 && strcmp(it->text, "x") == 0;
                    labels += strcmp(it->text, "(continued)") == 0;
                }
            }
        /* A later part on each page after the first; the next row
         * follows the last part. */
        int want = cases[k].page;
        CHECK(ok && page_of(&l, before) == 0 && page_of(&l, "x") == want &&
                  (!cases[k].heading || page_of(&l, "Gruppe") == want) && xs == (size_t)n &&
                  here == cases[k].here &&
                  labels == cases[k].later &&
                  page_of(&l, after) == want + (int)labels,
              "split row start: %s (first line on page %d, %zu of %d lines, %zu on page 1, "
              "%zu labels, next row on page %d)",
              cases[k].what, ok ? page_of(&l, "x") + 1 : 0, xs, n, here, labels,
              ok ? page_of(&l, after) + 1 : 0);
        done(&doc, &l);
    }

    /* Apart from the flow (in columns), the row is cut into parts that
     * each fill a page-high column. */
    doc_open(&doc);
    qs_block *cols = add_block(&doc, &doc.flow, QS_BLOCK_COLUMNS);
    cols->u.group.ncolumns = 2;
    cols->u.group.gap = 20;
    qs_table *t = add_table(&doc, 3);
    cols->u.group.children = (qs_blocks){&doc.flow.items[1], 1};
    doc.flow.count = 1;
    char *tall = qs_arena_alloc(&doc.arena, 200 * 2 + 1);
    for (int i = 0; i < 200; i++)
        memcpy(tall + 2 * i, "x\n", 2);
    t->rows[1].cells[0].content.items[0].u.para.spans[0].text = tall;
    bool ok = run(&doc, &l);
    size_t xs = 0;
    for (size_t p = 0; ok && p < l.npages; p++)
        for (size_t i = 0; i < l.pages[p].count; i++)
            xs += l.pages[p].items[i].kind == QS_ITEM_TEXT &&
                  strcmp(l.pages[p].items[i].text, "x") == 0;
    const qs_item *x = ok ? find_text(&l, 0, "x") : NULL;
    CHECK(ok && xs == 200 && find_text(&l, 0, "Row 1") && x && x->x > 300 &&
              page_of(&l, "Row 3") == (int)l.npages - 1,
          "split row start: in columns, a tall row is cut into page-high parts, the first "
          "in the next column (%zu pages, %zu of 200 lines)", ok ? l.npages : 0, xs);
    done(&doc, &l);
}

/* An absolute block with flow_below pushes the flow on its page down to
 * space_after below its bottom; without it the flow stays. */
static void test_flow_below(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_block *a = add_block(&doc, &doc.flow, QS_BLOCK_ABSOLUTE);
    a->u.group.x = 300;
    a->u.group.y = 40;
    a->u.group.width = 200;
    a->u.group.flow_below = true;
    a->space_after = 20;
    a->u.group.children = one_para(&doc, "Kundennummer\nIhr Zeichen\nDatum", 10,
                                   QS_ALIGN_LEFT);
    add_para(&doc, "Angebot", 11, QS_ALIGN_LEFT);
    CHECK(run(&doc, &l), "flow below: layout runs");
    char *text = dump_text(&l);
    /* Three 12.5 pt lines from 40 pt: the block ends 77.5 pt from the top,
     * the flow starts 20 pt lower (841.9 - 97.5 = 744.4; the baseline of
     * 11 pt type at leading 1.25 sits 11.1 pt lower). */
    const char *want =
        "page 1 595.3x841.9\n"
        "  text 300.0 791.8 0 10.0 \"Kundennummer\"\n"
        "  text 300.0 779.3 0 10.0 \"Ihr Zeichen\"\n"
        "  text 300.0 766.8 0 10.0 \"Datum\"\n"
        "  text 56.7 733.2 0 11.0 \"Angebot\"\n";
    CHECK_STR(text, want, "flow below: exact dump");
    free(text);
    done(&doc, &l);
}

/* Page references: a contents line shows the page of a later block's
 * anchor (laid out again once the page is known); a reference to no
 * anchor is an error. */
static void test_page_refs(void)
{
    qs_doc doc;
    qs_layout l;
    doc_open(&doc);
    qs_block *toc = add_para(&doc, "Kapitel 2 ", 10, QS_ALIGN_LEFT);
    qs_span *spans = qs_arena_array(&doc.arena, 2, sizeof(qs_span));
    spans[0] = toc->u.para.spans[0];
    spans[1] = (qs_span){"kap2", 0, 10, {0, 0, 0}, QS_FIELD_PAGEREF};
    toc->u.para.spans = spans;
    toc->u.para.count = 2;
    add_block(&doc, &doc.flow, QS_BLOCK_PAGE_BREAK);
    add_para(&doc, "Kapitel 1", 10, QS_ALIGN_LEFT);
    add_block(&doc, &doc.flow, QS_BLOCK_PAGE_BREAK);
    add_para(&doc, "Kapitel 2", 10, QS_ALIGN_LEFT)->anchor = "kap2";
    CHECK(run(&doc, &l), "page refs: layout runs");
    char *text = dump_text(&l);
    const char *want =
        "page 1 595.3x841.9\n"
        "  text 56.7 775.1 0 10.0 \"Kapitel 2 3\"\n"
        "page 2 595.3x841.9\n"
        "  text 56.7 775.1 0 10.0 \"Kapitel 1\"\n"
        "page 3 595.3x841.9\n"
        "  text 56.7 775.1 0 10.0 \"Kapitel 2\"\n";
    CHECK_STR(text, want, "page refs: exact dump, the anchor's page 3");
    free(text);
    qs_layout_free(&l);
    spans[1].text = "kap9";
    size_t before = diags.count;
    CHECK(!run(&doc, &l) && diags.count == before + 1 &&
              strcmp(diags.items[before].message,
                     "a page reference names 'kap9', the anchor of no block in the flow") == 0,
          "page refs: a reference to no anchor is an error");
    done(&doc, &l);
}

int main(void)
{
    qs_diags_init(&diags);
    qs_doc doc;
    doc_open(&doc);
    bool fonts = doc.fonts[0] != NULL && doc.fonts[1] != NULL;
    qs_doc_free(&doc);
    CHECK(fonts, "the test fonts load (run from the repository root)");
    if (!fonts)
        return 1;
    test_wrap();
    test_long_word();
    test_soft_hyphen();
    test_hyphen_and_nbsp();
    test_no_break_in_codes();
    test_alignment();
    test_inline_fonts();
    test_keep_with_next();
    test_orphans_widows();
    test_keep_together_and_break();
    test_big_table();
    test_carry_37();
    test_table_keeps();
    test_page_numbers();
    test_dump();
    test_table_box();
    test_keep_with_previous();
    test_cell_padding_nesting();
    test_row_keep_with_next();
    test_columns();
    test_images();
    test_absolute();
    test_decimal_align();
    test_valign_baseline();
    test_table_orphans();
    test_split_row_start();
    test_flow_below();
    test_page_refs();
    test_errors();
    qs_diags_free(&diags);
    return check_failures != 0;
}

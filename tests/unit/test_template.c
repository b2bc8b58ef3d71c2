/* Unit tests for src/template.c: a small template evaluated against a tiny
 * merged tree (blocks, spans, interpolation, formatting functions,
 * for-each/if, tables with carry-forward, page fields in the footer,
 * metadata, watermark, both languages), template errors reported at
 * exact file:line:col, and the plain XPath paths the template evaluates
 * without libxml2 (xpath.h) checked against libxml2.
 *
 * Each test runs in a fresh temporary project root holding copies of the
 * standard template's Noto Sans faces, so display paths are short and
 * stable ("template.xml"). */
#include "check.h"
#include "template.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "input.h"
#include "layout.h"
#include "xpath.h"

#define NBSP "\xC2\xA0"
#define EURO "\xE2\x82\xAC"

static char repo[4096];
static char workdir[64];

static bool copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    bool ok = in && out;
    char buf[8192];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    return ok;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

/* Makes the temporary project root with fonts/R.ttf and fonts/B.ttf. */
static void setup(void)
{
    if (!getcwd(repo, sizeof repo)) {
        perror("getcwd");
        exit(2);
    }
    strcpy(workdir, "/tmp/qs-test-template-XXXXXX");
    if (!mkdtemp(workdir) || chdir(workdir) != 0) {
        perror("mkdtemp");
        exit(2);
    }
    if (system("mkdir -p fonts") != 0)
        exit(2);
    char from[4200];
    snprintf(from, sizeof from, "%s/templates/standard/fonts/NotoSans-Regular.ttf", repo);
    bool ok = copy_file(from, "fonts/R.ttf");
    snprintf(from, sizeof from, "%s/templates/standard/fonts/NotoSans-Bold.ttf", repo);
    ok = ok && copy_file(from, "fonts/B.ttf");
    if (!ok) {
        fprintf(stderr, "cannot copy the standard template's fonts\n");
        exit(2);
    }
}

static void teardown(void)
{
    if (chdir(repo) != 0)
        return;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", workdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", workdir);
}

static const char *TREE =
    "<quote id=\"2026-0142\" lang=\"de\" currency=\"EUR\" status=\"draft\" src=\"quote.xml\">\n"
    "  <date>2026-11-26</date>\n"
    "  <seller><name>Nordlicht Systemhaus GmbH</name></seller>\n"
    "  <customer><name>Muster Logistik GmbH</name></customer>\n"
    "  <department name=\"hardware\" src=\"hardware.xml\">\n"
    "    <group title=\"Server\">\n"
    "      <line pos=\"1\" qty=\"2.5\" net=\"1234.56\" tax-percent=\"19\" src=\"hardware.xml:5\">"
    "<name>PowerServer R750</name></line>\n"
    "      <line pos=\"2\" qty=\"1000\" net=\"0.125\" tax-percent=\"7\" src=\"hardware.xml:6\">"
    "<name>Kabel</name></line>\n"
    "    </group>\n"
    "  </department>\n"
    "  <totals net=\"1234.685\" gross=\"1469.28\"/>\n"
    "</quote>\n";

static const char *TEMPLATE =
    "<template version=\"1\">\n"
    "  <page size=\"A4\" margin-top=\"20mm\" margin-left=\"25mm\"/>\n"
    "  <fonts><font name=\"sans\" href=\"fonts/R.ttf\" bold=\"fonts/B.ttf\"/></fonts>\n"
    "  <strings><string id=\"pos\"><text lang=\"de\">Pos.</text>"
    "<text lang=\"en\">Item</text></string>"
    "<string id=\"dept-hardware\"><text>Hardware</text></string></strings>\n"
    "  <styles>\n"
    "    <style name=\"body\" font=\"sans\" size=\"10\" color=\"#222222\"/>\n"
    "    <style name=\"small\" parent=\"body\" size=\"8\" color=\"#666666\"/>\n"
    "    <style name=\"heading\" parent=\"body\" bold=\"true\" size=\"14\" space-before=\"6mm\"/>\n"
    "  </styles>\n"
    "  <metadata><title lang=\"de\">Angebot {@id}</title>"
    "<title lang=\"en\">Quotation {@id}</title><author>{seller/name}</author></metadata>\n"
    "  <watermark test=\"@status = 'draft'\" lang=\"de\">ENTWURF</watermark>\n"
    "  <watermark test=\"@status = 'draft'\" lang=\"en\">DRAFT</watermark>\n"
    "  <master page=\"all\" margin-bottom=\"30mm\">\n"
    "    <footer><p style=\"small\" align=\"right\">Seite {page} von {pages}</p></footer>\n"
    "  </master>\n"
    "  <body>\n"
    "    <heading>Angebot {@id}</heading>\n"
    "    <p>Hallo   <b>{customer/name}</b>, Summe {money(totals/@gross)}.</p>\n"
    "    <if test=\"@status = 'final'\"><p>nie</p></if>\n"
    "    <for-each select=\"department\"><p lang=\"de\">Abteilung {t(concat('dept-', @name), @name)} "
    "{t(concat('x-', @name), @name)}</p></for-each>\n"
    "    <table zebra=\"#EEEEEE\" carry-label=\"\xC3\x9C" "bertrag\" carry-column=\"3\">\n"
    "      <column width=\"10mm\" align=\"right\"/><column width=\"1*\"/>"
    "<column width=\"30mm\" align=\"right\"/>\n"
    "      <header><cell>{t('pos')}</cell><cell>Name</cell><cell>Netto</cell></header>\n"
    "      <for-each select=\"department/group/line\">\n"
    "        <row carry=\"@net\"><cell>{@pos}</cell><cell><p>{name}</p>"
    "<p style=\"small\">{qty(@qty)} x {percent(@tax-percent)}</p></cell>"
    "<cell>{money(@net)}</cell></row>\n"
    "      </for-each>\n"
    "      <row kind=\"total\"><cell colspan=\"2\">Summe<if test=\"totals\"> netto</if></cell>"
    "<cell>{money(total(department/group/line/@net))}</cell></row>\n"
    "    </table>\n"
    "    <p>Datum: {date(date)} / {date(date, 'long')} {{x}}</p>\n"
    "  </body>\n"
    "</template>\n";

typedef struct {
    qs_inputs in;
    qs_diags d;
    qs_doc doc;
    xmlDoc *tree;
    bool ok;
} run;

static void build(run *r, const char *template_text, const char *tree_text,
                  const char *lang)
{
    write_file("template.xml", template_text);
    qs_diags_init(&r->d);
    qs_inputs_init(&r->in, ".", QS_DEFAULT_MAX_FILE_SIZE, &r->d);
    r->tree = xmlReadMemory(tree_text, (int)strlen(tree_text), "quote.xml", "UTF-8",
                            XML_PARSE_NONET);
    qs_doc_init(&r->doc);
    r->ok = qs_template_build(&r->in, "template.xml", NULL, r->tree, "quote.xml", lang,
                              &r->doc, &r->d);
}

static void finish(run *r)
{
    qs_doc_free(&r->doc);
    xmlFreeDoc(r->tree);
    qs_inputs_free(&r->in);
    qs_diags_free(&r->d);
}

static void print_diags(const run *r)
{
    for (size_t i = 0; i < r->d.count; i++) {
        const qs_diag *g = &r->d.items[i];
        printf("     diag %s:%u:%u: %s [%s]\n", g->file ? g->file : "-", g->line, g->col,
               g->message, g->rule);
    }
}

/* The concatenated text of a paragraph's spans ("{page}" for fields). */
static const char *para_text(const qs_block *b)
{
    static char buf[1024];
    buf[0] = '\0';
    if (b->kind != QS_BLOCK_PARA)
        return "(not a paragraph)";
    for (size_t i = 0; i < b->u.para.count; i++) {
        const qs_span *s = &b->u.para.spans[i];
        const char *t = s->field == QS_FIELD_PAGE    ? "{page}"
                        : s->field == QS_FIELD_PAGES ? "{pages}"
                                                     : s->text;
        strncat(buf, t, sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

static const char *cell_text(const qs_row *row, size_t cell, size_t para)
{
    if (cell >= row->count || para >= row->cells[cell].content.count)
        return "(none)";
    return para_text(&row->cells[cell].content.items[para]);
}

static void test_build_de(void)
{
    run r;
    build(&r, TEMPLATE, TREE, NULL);
    CHECK(r.ok, "the test template builds");
    CHECK(r.d.count == 0, "without diagnostics (%zu)", r.d.count);
    print_diags(&r);
    qs_doc *doc = &r.doc;
    CHECK(doc->nfonts == 2, "two faces loaded (%zu)", doc->nfonts);
    CHECK(doc->flow.count == 5, "five blocks in the flow (%zu)", doc->flow.count);
    if (doc->flow.count != 5) {
        finish(&r);
        return;
    }
    const qs_block *h = &doc->flow.items[0];
    CHECK_STR(para_text(h), "Angebot 2026-0142", "heading text");
    CHECK(h->outline_title && strcmp(h->outline_title, "Angebot 2026-0142") == 0,
          "the heading is an outline entry");
    CHECK(h->keep_with_next, "a heading keeps with the next block");
    CHECK(h->u.para.spans[0].font == 1 && h->u.para.spans[0].size == 14,
          "heading in bold 14 pt");
    CHECK(h->space_before > 16.9f && h->space_before < 17.1f, "space-before 6mm = 17 pt");

    const qs_block *p = &doc->flow.items[1];
    CHECK_STR(para_text(p), "Hallo Muster Logistik GmbH, Summe 1.469,28" NBSP EURO ".",
              "interpolation, whitespace collapsed, money()");
    CHECK(p->u.para.count == 3, "three spans: regular, bold, regular (%zu)", p->u.para.count);
    if (p->u.para.count == 3) {
        CHECK(p->u.para.spans[0].font == 0 && p->u.para.spans[1].font == 1 &&
                  p->u.para.spans[2].font == 0,
              "<b> selects the bold face");
        CHECK(p->u.para.spans[0].color.r == 0x22, "style colour #222222");
    }
    CHECK_STR(para_text(&doc->flow.items[2]), "Abteilung Hardware hardware",
              "for-each, t() with a computed id and fallback; a false if gives nothing");

    const qs_block *tb = &doc->flow.items[3];
    CHECK(tb->kind == QS_BLOCK_TABLE, "a table");
    if (tb->kind == QS_BLOCK_TABLE) {
        const qs_table *t = &tb->u.table;
        CHECK(t->ncolumns == 3 && !t->columns[0].relative && t->columns[1].relative,
              "three columns, the second relative");
        CHECK(t->nrows == 3, "one row per line plus the total (%zu)", t->nrows);
        CHECK(t->zebra && t->zebra_color.r == 0xEE, "zebra");
        CHECK(t->header && strcmp(cell_text(t->header, 0, 0), "Pos.") == 0,
              "header with t('pos')");
        if (t->nrows == 3) {
            CHECK_STR(cell_text(&t->rows[0], 0, 0), "1", "row 1 pos");
            CHECK(t->rows[0].cells[0].align == QS_ALIGN_RIGHT &&
                      t->rows[0].cells[0].content.items[0].u.para.align == QS_ALIGN_RIGHT,
                  "column alignment reaches the cell's paragraph");
            CHECK_STR(cell_text(&t->rows[0], 1, 0), "PowerServer R750", "row 1 name");
            CHECK_STR(cell_text(&t->rows[0], 1, 1), "2,5 x 19" NBSP "%", "qty() and percent()");
            CHECK_STR(cell_text(&t->rows[1], 1, 1), "1.000 x 7" NBSP "%", "qty 1000");
            CHECK_STR(cell_text(&t->rows[0], 2, 0), "1.234,56" NBSP EURO, "money(@net)");
            CHECK_STR(cell_text(&t->rows[1], 2, 0), "0,125" NBSP EURO, "money keeps 0.125");
            CHECK(t->rows[0].carry_amount && strcmp(t->rows[0].carry_amount, "1234.56") == 0,
                  "carry amount from carry=\"@net\"");
            CHECK(t->rows[2].kind == QS_ROW_TOTAL && t->rows[2].cells[0].colspan == 2 &&
                      t->rows[2].carry_amount == NULL,
                  "total row with colspan");
            CHECK_STR(cell_text(&t->rows[2], 1, 0), "1.234,685" NBSP EURO,
                      "money(total(...)) sums exactly");
            CHECK(t->rows[2].cells[0].content.count == 1, "an inline if continues the cell's paragraph");
            CHECK_STR(cell_text(&t->rows[2], 0, 0), "Summe netto", "inline if in a cell");
        }
        CHECK(t->carry_label_head && strcmp(t->carry_label_head, "\xC3\x9C" "bertrag") == 0 &&
                  t->carry_label_foot && strcmp(t->carry_label_foot, "\xC3\x9C" "bertrag") == 0,
              "carry labels");
        CHECK(t->carry_column == 2, "carry column 3 is index 2");
        qs_arena a;
        qs_arena_init(&a);
        const char *f = t->format_carry ? t->format_carry(t->format_ctx, &a, "12345.6") : "";
        CHECK_STR(f, "12.345,60" NBSP EURO, "carry amounts are formatted as money");
        qs_arena_free(&a);
    }
    CHECK_STR(para_text(&doc->flow.items[4]), "Datum: 26.11.2026 / 26. November 2026 {x}",
              "date() short and long, {{ }} escapes");

    CHECK(doc->first.footer.count == 1 && doc->rest.footer.count == 1,
          "page=\"all\" gives both masters the footer");
    if (doc->first.footer.count == 1) {
        const qs_block *f = &doc->first.footer.items[0];
        CHECK_STR(para_text(f), "Seite {page} von {pages}", "page fields in the footer");
        CHECK(f->u.para.count == 4 && f->u.para.spans[1].field == QS_FIELD_PAGE &&
                  f->u.para.spans[3].field == QS_FIELD_PAGES,
              "fields are their own spans");
        CHECK(f->u.para.align == QS_ALIGN_RIGHT && f->u.para.spans[0].size == 8,
              "footer paragraph right-aligned in the small style");
    }
    CHECK(doc->first.margin_bottom > 85 && doc->first.margin_bottom < 85.1f,
          "master margin-bottom 30mm");
    CHECK(doc->first.margin_left > 70.8f && doc->first.margin_left < 70.9f,
          "page margin-left 25mm");
    CHECK(doc->first.width > 595 && doc->first.width < 596, "A4 width");
    CHECK(doc->meta.title && strcmp(doc->meta.title, "Angebot 2026-0142") == 0, "title (de)");
    CHECK(doc->meta.author && strcmp(doc->meta.author, "Nordlicht Systemhaus GmbH") == 0,
          "author");
    CHECK(doc->meta.creator && strcmp(doc->meta.creator, "quotesmith 0.1.0") == 0, "creator");
    CHECK(doc->meta.date && strcmp(doc->meta.date, "2026-11-26") == 0, "date");
    CHECK(doc->watermark && strcmp(doc->watermark, "ENTWURF") == 0, "German watermark");
    finish(&r);
}

static void test_build_en(void)
{
    run r;
    build(&r, TEMPLATE, TREE, "en");
    CHECK(r.ok && r.d.count == 0, "the test template builds in English");
    print_diags(&r);
    qs_doc *doc = &r.doc;
    CHECK(doc->flow.count == 4, "the lang=\"de\" paragraph is left out (%zu)", doc->flow.count);
    if (doc->flow.count == 4) {
        CHECK_STR(para_text(&doc->flow.items[1]),
                  "Hallo Muster Logistik GmbH, Summe " EURO "1,469.28.", "English money");
        const qs_table *t = &doc->flow.items[2].u.table;
        CHECK(t->header && strcmp(cell_text(t->header, 0, 0), "Item") == 0,
              "English string");
        if (t->nrows == 3)
            CHECK_STR(cell_text(&t->rows[0], 1, 1), "2.5 x 19%", "English qty and percent");
        CHECK_STR(para_text(&doc->flow.items[3]), "Datum: 26 Nov 2026 / 26 November 2026 {x}",
                  "English dates");
    }
    CHECK(doc->meta.title && strcmp(doc->meta.title, "Quotation 2026-0142") == 0,
          "title (en)");
    CHECK(doc->watermark && strcmp(doc->watermark, "DRAFT") == 0, "English watermark");
    finish(&r);
}

static void test_final_has_no_watermark(void)
{
    char *tree = strdup(TREE);
    char *s = strstr(tree, "draft");
    memcpy(s, "final", 5);
    run r;
    build(&r, TEMPLATE, tree, NULL);
    CHECK(r.ok && r.doc.watermark == NULL, "no watermark on a final quote");
    CHECK(r.doc.flow.count == 6, "the if branch is taken (%zu)", r.doc.flow.count);
    finish(&r);
    free(tree);
}

/* Builds `template_text` and expects an error diagnostic at
 * template.xml:line:col with `rule` whose message contains `needle`. */
static void expect_error(const char *what, const char *template_text, const char *tree,
                         unsigned line, unsigned col, const char *rule, const char *needle)
{
    run r;
    build(&r, template_text, tree ? tree : TREE, NULL);
    bool found = false;
    for (size_t i = 0; i < r.d.count; i++) {
        const qs_diag *g = &r.d.items[i];
        if (g->severity == QS_SEV_ERROR && g->file && strcmp(g->file, "template.xml") == 0 &&
            g->line == line && g->col == col && strcmp(g->rule, rule) == 0 &&
            strstr(g->message, needle))
            found = true;
    }
    CHECK(!r.ok, "%s: the build fails", what);
    CHECK(found, "%s: error at template.xml:%u:%u [%s] mentioning '%s'", what, line, col,
          rule, needle);
    if (!found)
        print_diags(&r);
    finish(&r);
}

#define HEAD                                                                  \
    "<template version=\"1\">\n"                                              \
    "  <fonts><font name=\"sans\" href=\"fonts/R.ttf\"/></fonts>\n"

/* format-number and format-date: patterns in both languages. */
static void test_patterns(void)
{
    static const char *text =
        HEAD "  <body>\n"
             "    <p>{format-date(date, 'd. MMMM yyyy')}|{format-date(date, \"'KW' ww\")}|"
             "{format-date(date, 'short')}</p>\n"
             "    <for-each select=\"department/group/line[1]\">\n"
             "      <p>{format-number(@qty, '0.00')}|{format-number(@net, 'amount')}|"
             "{format-number(@net, '#,##0')}|{format-number(@net, 'money')}</p>\n"
             "    </for-each>\n"
             "  </body>\n</template>\n";
    static const struct {
        const char *lang, *dates, *numbers;
    } want[] = {
        {"de", "26. November 2026|KW 48|26.11.2026", "2,50|1.234,56|1.235|1.234,56" NBSP EURO},
        {"en", "26. November 2026|KW 48|26 Nov 2026", "2.50|1,234.56|1,235|" EURO "1,234.56"},
    };
    for (size_t i = 0; i < 2; i++) {
        run r;
        build(&r, text, TREE, want[i].lang);
        CHECK(r.ok && r.d.count == 0 && r.doc.flow.count == 2, "patterns build (%s)",
              want[i].lang);
        print_diags(&r);
        if (r.doc.flow.count == 2) {
            CHECK_STR(para_text(&r.doc.flow.items[0]), want[i].dates, "format-date (%s)",
                      want[i].lang);
            CHECK_STR(para_text(&r.doc.flow.items[1]), want[i].numbers,
                      "format-number (%s)", want[i].lang);
        }
        finish(&r);
    }
}

/* format-iban: the IBAN in groups of four, joined by no-break spaces. */
static void test_format_iban(void)
{
    static const char *text =
        HEAD "  <body>\n"
             "    <p>IBAN {format-iban('de12 3456789012345678 90')}</p>\n"
             "  </body>\n</template>\n";
    run r;
    build(&r, text, TREE, "de");
    CHECK(r.ok && r.d.count == 0 && r.doc.flow.count == 1, "format-iban builds");
    print_diags(&r);
    if (r.doc.flow.count == 1)
        CHECK_STR(para_text(&r.doc.flow.items[0]),
                  "IBAN DE12" NBSP "3456" NBSP "7890" NBSP "1234" NBSP "5678" NBSP "90",
                  "format-iban groups in fours");
    finish(&r);
}

/* country-name: the name in the document's language, in capitals with
 * 'upper'; a code without a name prints as it is. */
static void test_country_name(void)
{
    static const char *text =
        HEAD "  <strings><string id=\"land\"><text>NL</text></string></strings>\n"
             "  <body>\n"
             "    <p>{country-name('CH')}|{country-name('AT', 'upper')}|"
             "{country-name(\"GB\", \"upper\")}|{country-name('XK', 'upper')}|"
             "{country-name(t('land'))}</p>\n"
             "  </body>\n</template>\n";
    static const struct {
        const char *lang, *want;
    } want[] = {
        {"de", "Schweiz|ÖSTERREICH|VEREINIGTES KÖNIGREICH|XK|Niederlande"},
        {"en", "Switzerland|AUSTRIA|UNITED KINGDOM|XK|Netherlands"},
    };
    for (size_t i = 0; i < 2; i++) {
        run r;
        build(&r, text, TREE, want[i].lang);
        CHECK(r.ok && r.d.count == 0 && r.doc.flow.count == 1, "country-name builds (%s)",
              want[i].lang);
        print_diags(&r);
        if (r.doc.flow.count == 1)
            CHECK_STR(para_text(&r.doc.flow.items[0]), want[i].want, "country-name (%s)",
                      want[i].lang);
        finish(&r);
    }
}

/* The table box model from the template: a conditional column (its cells
 * dropped, spans shrunk), table width and placement, cell background,
 * borders (cell over row), vertical alignment, keep-with-previous. */
static void test_table_box(void)
{
    static const char *text =
        HEAD "  <body>\n"
             "    <table width=\"80mm\" align=\"right\" carry-label=\"x\" carry-column=\"3\">\n"
             "      <column width=\"1*\"/>\n"
             "      <column width=\"15mm\" test=\"department/group/line/@discount-percent\"/>\n"
             "      <column width=\"25mm\" align=\"right\"/>\n"
             "      <header border-bottom=\"1pt #1F4E79\"><cell>Name</cell><cell>Rabatt</cell>"
             "<cell>Netto</cell></header>\n"
             "      <for-each select=\"department/group/line\">\n"
             "        <row><cell>{name}</cell><cell>{nosuch-is-never-evaluated(1)}</cell>"
             "<cell background=\"#E4ECF4\" valign=\"middle\" border=\"0.5pt\" "
             "border-top=\"none\">{money(@net)}</cell></row>\n"
             "      </for-each>\n"
             "      <row kind=\"total\" keep-with-previous=\"true\" valign=\"bottom\">"
             "<cell colspan=\"2\">Summe</cell><cell>x</cell></row>\n"
             "    </table>\n"
             "  </body>\n</template>\n";
    run r;
    build(&r, text, TREE, "de");
    /* The hidden column's cells are never evaluated: evaluating
     * nosuch-is-never-evaluated() would be an error (XPath resolves
     * functions when it runs). */
    CHECK(r.ok && r.d.count == 0 && r.doc.flow.count == 1, "box: the table builds");
    print_diags(&r);
    if (r.ok && r.doc.flow.count == 1) {
        const qs_table *t = &r.doc.flow.items[0].u.table;
        CHECK(t->ncolumns == 2 && t->columns[1].width > 70 && t->columns[1].width < 71,
              "box: the discount column is left out (%zu columns)", t->ncolumns);
        CHECK(t->width > 226.7f && t->width < 226.8f && t->align == QS_ALIGN_RIGHT,
              "box: width 80mm, placed right");
        CHECK(t->carry_column == 1, "box: carry-column 3 is the second shown column");
        CHECK(t->header->count == 2 && t->header->cells[0].border[QS_SIDE_BOTTOM].width == 1 &&
                  t->header->cells[1].border[QS_SIDE_BOTTOM].color.b == 0x79,
              "box: the header's border-bottom on each of its cells");
        const qs_row *row = &t->rows[0];
        const qs_cell *net = row->count == 2 ? &row->cells[1] : NULL;
        CHECK(net && net->has_background && net->background.r == 0xE4 &&
                  net->valign == QS_VALIGN_MIDDLE && net->border[QS_SIDE_TOP].width == 0 &&
                  net->border[QS_SIDE_LEFT].width == 0.5f && net->align == QS_ALIGN_RIGHT,
              "box: cell background, valign, border with border-top none");
        const qs_row *total = &t->rows[2];
        CHECK(total->keep_with_previous && total->count == 2 &&
                  total->cells[0].colspan == 1 && total->cells[0].valign == QS_VALIGN_BOTTOM,
              "box: keep-with-previous; a span over the hidden column shrinks; row valign");
    }
    finish(&r);
}

/* The table model of decimal and baseline alignment, orphans and a flow
 * below an absolute block, from the template's attributes; the decimal
 * mark follows the document language. */
static void test_table_align(void)
{
    static const char *text =
        HEAD "  <body>\n"
             "    <absolute x=\"125mm\" y=\"50mm\" width=\"65mm\" flow-below=\"true\" "
             "space-after=\"10pt\"><p>Info</p></absolute>\n"
             "    <table orphans=\"3\" valign=\"baseline\">\n"
             "      <column width=\"1*\"/><column width=\"25mm\" align=\"decimal\"/>\n"
             "      <row valign=\"top\"><cell>a</cell><cell>1</cell></row>\n"
             "      <row><cell>b</cell><cell align=\"right\">2</cell></row>\n"
             "    </table>\n"
             "  </body>\n</template>\n";
    const char *langs[2] = {"de", "en"}, *marks[2] = {",", "."};
    for (int i = 0; i < 2; i++) {
        run r;
        build(&r, text, TREE, langs[i]);
        print_diags(&r);
        CHECK(r.ok && r.doc.flow.count == 2, "align %s: builds", langs[i]);
        if (r.ok && r.doc.flow.count == 2) {
            const qs_block *a = &r.doc.flow.items[0];
            CHECK(a->u.group.flow_below && a->space_after == 10, "align: flow-below, space-after");
            const qs_table *t = &r.doc.flow.items[1].u.table;
            CHECK(t->orphans == 3 && strcmp(t->decimal_mark, marks[i]) == 0,
                  "align %s: orphans 3, decimal mark '%s'", langs[i], marks[i]);
            CHECK(t->rows[0].cells[1].align == QS_ALIGN_DECIMAL &&
                      t->rows[1].cells[1].align == QS_ALIGN_RIGHT,
                  "align: the column's decimal, a cell's own align wins");
            CHECK(t->rows[0].cells[0].valign == QS_VALIGN_TOP &&
                      t->rows[1].cells[0].valign == QS_VALIGN_BASELINE,
                  "align: the table's valign, a row's own wins");
        }
        finish(&r);
    }
    expect_error("decimal on a paragraph",
                 HEAD "  <body>\n"
                      "    <p align=\"decimal\">x</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "schema", "align");
    expect_error("bad table valign",
                 HEAD "  <body>\n"
                      "    <table valign=\"base\"><column width=\"1*\"/>\n"
                      "      <row><cell>x</cell></row>\n"
                      "    </table>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "schema", "valign");
    expect_error("orphans 0",
                 HEAD "  <body>\n"
                      "    <table orphans=\"0\"><column width=\"1*\"/>\n"
                      "      <row><cell>x</cell></row>\n"
                      "    </table>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "schema", "orphans");
    expect_error("flow-below not a boolean",
                 HEAD "  <body>\n"
                      "    <absolute x=\"0\" y=\"0\" width=\"10mm\" flow-below=\"yes\"/>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "schema", "flow-below");
    expect_error("bad space-after of an absolute block",
                 HEAD "  <body>\n"
                      "    <absolute x=\"0\" y=\"0\" width=\"10mm\" space-after=\"8\"/>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 40, "template", "bad length '8'");
}

/* <page-ref to> makes a page reference span (its text the anchor), and a
 * block's anchor attribute names it. */
static void test_page_ref(void)
{
    static const char *text =
        HEAD "  <body>\n"
             "    <p>Seite <page-ref to=\"dept-{department/@name}\"/></p>\n"
             "    <heading anchor=\"dept-{department/@name}\">Hardware</heading>\n"
             "  </body>\n</template>\n";
    run r;
    build(&r, text, TREE, "de");
    print_diags(&r);
    CHECK(r.ok && r.doc.flow.count == 2, "page-ref: builds");
    if (r.ok && r.doc.flow.count == 2) {
        const qs_para *p = &r.doc.flow.items[0].u.para;
        CHECK(p->count == 2 && p->spans[1].field == QS_FIELD_PAGEREF &&
                  strcmp(p->spans[1].text, "dept-hardware") == 0,
              "page-ref: a page reference span to 'dept-hardware'");
        const char *anchor = r.doc.flow.items[1].anchor;
        CHECK(anchor && strcmp(anchor, "dept-hardware") == 0, "page-ref: the heading's anchor");
    }
    finish(&r);
    expect_error("page-ref without to",
                 HEAD "  <body>\n"
                      "    <p>Seite <page-ref/></p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 14, "schema", "to");
    expect_error("page-ref with a bad expression",
                 HEAD "  <body>\n"
                      "    <p>Seite <page-ref to=\"{line[}\"/></p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 24, "template", "line[");
}

static void test_errors(void)
{
    expect_error("bad border",
                 HEAD "  <body>\n"
                      "    <table><column width=\"1*\"/>\n"
                      "      <row><cell border=\"thick\">x</cell></row>\n"
                      "    </table>\n"
                      "  </body>\n</template>\n",
                 NULL, 5, 18, "template",
                 "bad border 'thick' for border (expected none, or a width and a colour");
    expect_error("bad border colour",
                 HEAD "  <body>\n"
                      "    <table><column width=\"1*\"/>\n"
                      "      <row border-bottom=\"1pt blue\"><cell>x</cell></row>\n"
                      "    </table>\n"
                      "  </body>\n</template>\n",
                 NULL, 5, 12, "template", "bad border '1pt blue'");
    expect_error("bad table width",
                 HEAD "  <body>\n"
                      "    <table width=\"80\"><column width=\"1*\"/>\n"
                      "      <row><cell>x</cell></row>\n"
                      "    </table>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 12, "template", "bad length '80'");
    expect_error("bad column test",
                 HEAD "  <body>\n"
                      "    <table><column width=\"1*\" test=\"line[\"/>\n"
                      "      <row><cell>x</cell></row>\n"
                      "    </table>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 31, "template", "line[");
    expect_error("bad valign",
                 HEAD "  <body>\n"
                      "    <table><column width=\"1*\"/>\n"
                      "      <row><cell valign=\"centre\">x</cell></row>\n"
                      "    </table>\n"
                      "  </body>\n</template>\n",
                 NULL, 5, 12, "schema", "valign");
    expect_error("bad date pattern, in a branch never taken",
                 HEAD "  <body>\n"
                      "    <p>x</p>\n"
                      "    <if test=\"false()\">\n"
                      "      <p>{format-date(date, 'KW ww')}</p>\n"
                      "    </if>\n"
                      "  </body>\n</template>\n",
                 NULL, 6, 7, "template",
                 "format-date(): 'KW ww' is not a valid pattern");
    expect_error("bad number pattern",
                 HEAD "  <body>\n"
                      "    <p>{format-number(@net, '0.00000')}</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "template",
                 "format-number(): '0.00000' is not a valid pattern");
    expect_error("computed pattern",
                 HEAD "  <body>\n"
                      "    <p>{format-number(@net, concat('0', '.0'))}</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "template",
                 "format-number() takes its pattern as a quoted literal");
    expect_error("format-date() of a non-date",
                 HEAD "  <body>\n"
                      "    <p>{format-date(@id, 'd.M.yyyy')}</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "template",
                 "format-date(): '2026-0142' from /quote/@id (quote.xml:1): not a calendar date");
    expect_error("format-iban() of a non-IBAN",
                 HEAD "  <body>\n"
                      "    <p>{format-iban(@id)}</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "template",
                 "format-iban(): '2026-0142' from /quote/@id (quote.xml:1): not an IBAN "
                 "(5 to 34 letters and digits)");
    expect_error("country-name() style other than 'upper'",
                 HEAD "  <body>\n"
                      "    <p>x</p>\n"
                      "    <if test=\"false()\"><p>{country-name('CH', 'lower')}</p></if>\n"
                      "  </body>\n</template>\n",
                 NULL, 5, 24, "template", "country-name() style must be 'upper'");
    expect_error("country-name() computed style",
                 HEAD "  <body>\n"
                      "    <p>{country-name('CH', concat('up', 'per'))}</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "template", "country-name() style must be 'upper'");
    expect_error("country-name() with three arguments",
                 HEAD "  <body>\n"
                      "    <p>{country-name('CH', 'upper', 'de')}</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "template", "country-name() takes 1 to 2 arguments");
    expect_error("unknown element",
                 HEAD "  <body>\n"
                      "    <bogus/>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "schema", "bogus");
    expect_error("bad colour",
                 HEAD "  <styles>\n"
                      "    <style name=\"body\" font=\"sans\" color=\"#12345\"/>\n"
                      "  </styles>\n  <body/>\n</template>\n",
                 NULL, 4, 36, "template", "bad colour '#12345'");
    expect_error("bad XPath",
                 HEAD "  <body>\n"
                      "    <for-each select=\"department[\"><p>x</p></for-each>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 15, "template", "department[");
    expect_error("bad XPath in an interpolation",
                 HEAD "  <body>\n"
                      "    <p>Summe: {money(totals/@@net)}</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "template", "totals/@@net");
    expect_error("XPath failing in a test",
                 HEAD "  <body>\n"
                      "    <if test=\"nosuch(@id)\"><p>x</p></if>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 9, "template",
                 "XPath evaluation failed: Unregistered function (function nosuch not found)");
    expect_error("XPath failing in an interpolation",
                 HEAD "  <body>\n"
                      "    <p>x</p>\n"
                      "    <p>Wert {nosuch(@id)}</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 5, 5, "template", "function nosuch not found");
    expect_error("missing font file",
                 "<template version=\"1\">\n"
                 "  <fonts>\n"
                 "    <font name=\"sans\" href=\"fonts/R.ttf\" bold=\"fonts/Missing.ttf\"/>\n"
                 "  </fonts>\n  <body/>\n</template>\n",
                 NULL, 3, 42, "file-not-found", "fonts/Missing.ttf");
    expect_error("unknown style",
                 HEAD "  <body>\n"
                      "    <p style=\"nope\">x</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 8, "template", "unknown style 'nope'");
    expect_error("bad length",
                 HEAD "  <body>\n"
                      "    <spacer height=\"12\"/>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 13, "template", "bad length '12'");
    expect_error("page field outside a master",
                 HEAD "  <body>\n"
                      "    <p>Seite {page}</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "template", "{page}");
    expect_error("unknown string",
                 HEAD "  <body>\n"
                      "    <p>{t('nope')}</p>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 5, "template", "unknown string 'nope'");
    expect_error("row narrower than the table",
                 HEAD "  <body>\n"
                      "    <table><column width=\"1*\"/><column width=\"2*\"/>\n"
                      "      <row><cell>x</cell></row>\n"
                      "    </table>\n"
                      "  </body>\n</template>\n",
                 NULL, 5, 7, "template", "span 1 columns, the table has 2");

    expect_error("for-each loops multiplying without bound",
                 HEAD "  <body>\n"
                      "    <for-each select=\"//node()\">\n"
                      "      <for-each select=\"//node()\">\n"
                      "        <for-each select=\"//node()\">\n"
                      "          <for-each select=\"//node()\"><p>x</p></for-each>\n"
                      "        </for-each>\n"
                      "      </for-each>\n"
                      "    </for-each>\n"
                      "  </body>\n</template>\n",
                 NULL, 7, 21, "template", "more than 500000 blocks");

    /* Runtime errors: a value the formatting functions refuse, and a
     * character the font lacks (U+4E00 in the customer's name). */
    char *tree = strdup(TREE);
    char *net = strstr(tree, "1234.56");
    memcpy(net, "12,3456", 7);
    expect_error("money() of a non-decimal",
                 HEAD "  <body>\n"
                      "    <for-each select=\"department/group/line\">\n"
                      "      <p>{money(@net)}</p>\n"
                      "    </for-each>\n"
                      "  </body>\n</template>\n",
                 tree, 5, 7, "template",
                 "money(): '12,3456' from /quote/department/group/line[1]/@net "
                 "(hardware.xml:5): not a decimal number");
    free(tree);

    tree = strdup(TREE);
    char *name = strstr(tree, "Muster Logistik");
    memcpy(name, "Muster\xE4\xB8\x80", 9);
    expect_error("glyph missing from the font",
                 HEAD "  <body>\n"
                      "    <p>Kunde: <b>{customer/name}</b></p>\n"
                      "  </body>\n</template>\n",
                 tree, 4, 15, "missing-glyph",
                 "no glyph for U+4E00 '\xE4\xB8\x80' in the text of /quote/customer/name");
    free(tree);
}

/* Plain paths from a context that is not an element go to libxml2 (and
 * are compiled only then): the document node, an attribute. */
static void test_plain_paths_elsewhere(void)
{
    run r;
    build(&r,
          HEAD "  <body>\n"
               "    <for-each select=\"/\"><p>doc {quote/@id}</p></for-each>\n"
               "    <for-each select=\"@id\"><p>attr [{name}] [{@x}]</p></for-each>\n"
               "    <for-each select=\"customer/name/text()\"><p>text [{name}]</p>"
               "<if test=\"name\"><p>never</p></if></for-each>\n"
               "  </body>\n</template>\n",
          TREE, NULL);
    CHECK(r.ok && r.doc.flow.count == 3, "three paragraphs (%zu)", r.doc.flow.count);
    if (r.doc.flow.count == 3) {
        CHECK_STR(para_text(&r.doc.flow.items[0]), "doc 2026-0142",
                  "a plain path from the document node");
        CHECK_STR(para_text(&r.doc.flow.items[1]), "attr [] []",
                  "plain paths from an attribute find nothing");
        CHECK_STR(para_text(&r.doc.flow.items[2]), "text []",
                  "a plain path from a text node finds nothing, its test is false");
    }
    print_diags(&r);
    finish(&r);
}

/* The plain paths the template evaluates without libxml2 (xpath.h) give
 * the node libxml2 gives first, or leave the answer to libxml2. */
static void test_plain_paths(void)
{
    static const char *const not_plain[] = {
        "", " a", "a ", "a/", "/a", "a//b", "@a/b", "a/@b/c", "a[1]", "*",
        "x:a", "1a", "-a", ".", "..", "a | b", "text()", "stra\xC3\x9F" "e",
        "a/b/c/d/e/f/g/h/i", "@", "a/@"};
    for (size_t i = 0; i < sizeof not_plain / sizeof not_plain[0]; i++) {
        qs_xpath_path *p = qs_xpath_path_new(not_plain[i]);
        CHECK(p == NULL, "'%s' is not a plain path", not_plain[i]);
        qs_xpath_path_free(p);
    }

    qs_buf xml = {0};
    qs_buf_puts(&xml,
                "<r a=\"1\" div=\"D\" xmlns:z=\"urn:z\">"
                "<div>d1</div><and>A</and><text>T</text><a.b>AB</a.b>"
                "<a-b>H<i>x</i>y</a-b><_x>U</_x><p/><p><q>1</q></p>"
                "<p><q n=\"2\">2</q><q n=\"3\">3</q></p>"
                "<e xmlns=\"urn:x\">ns</e><f z:g=\"zg\" g=\"plain\"/><h z:g=\"zg\"/>"
                "<many>");
    for (int i = 0; i < 1500; i++)
        qs_buf_puts(&xml, i == 1499 ? "<c x=\"last\"/>" : "<c/>");
    qs_buf_puts(&xml, "</many></r>");
    xmlDoc *doc = xmlReadMemory(xml.s, (int)xml.len, "paths.xml", "UTF-8", 0);
    qs_buf_free(&xml);
    xmlNode *root = xmlDocGetRootElement(doc);
    qs_diags d;
    qs_diags_init(&d);
    qs_xpath *x = qs_xpath_new(doc, &d);

    static const char *const exprs[] = {
        "div", "and", "text", "a.b", "a-b", "_x", "@div", "@a", "@nope", "p/q",
        "p/q/@n", "nope/q", "f/@g", "e", "h/@g", "many/c/@x", "a-b/i"};
    xmlNode *contexts[] = {root, root->children, (xmlNode *)root->properties,
                           (xmlNode *)doc};
    int fast = 0;
    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        qs_xpath_path *p = qs_xpath_path_new(exprs[i]);
        CHECK(p != NULL, "'%s' is a plain path", exprs[i]);
        xmlXPathCompExprPtr comp = qs_xpath_compile(x, exprs[i], NULL);
        for (size_t k = 0; p && k < sizeof contexts / sizeof contexts[0]; k++) {
            xmlNode *first = (xmlNode *)&first;
            if (!qs_xpath_path_first(p, contexts[k], &first))
                continue;
            fast++;
            xmlXPathObjectPtr obj = qs_xpath_eval(x, comp, contexts[k], NULL);
            xmlNodeSetPtr set = obj ? obj->nodesetval : NULL;
            if (set && set->nodeNr > 1)
                xmlXPathNodeSetSort(set);
            xmlNode *want = set && set->nodeNr > 0 ? set->nodeTab[0] : NULL;
            CHECK(first == want, "'%s' from context %zu finds libxml2's first node",
                  exprs[i], k);
            xmlXPathFreeObject(obj);
        }
        xmlXPathFreeCompExpr(comp);
        qs_xpath_path_free(p);
    }
    /* From the two element contexts, all but four: e, f/@g (z:g comes
     * first) and h/@g meet a namespace, many/c/@x walks too far. */
    CHECK(fast == 2 * 17 - 4, "the other plain paths are answered directly (%d)", fast);

    xmlNode *first;
    qs_xpath_path *p = qs_xpath_path_new("e");
    CHECK(!qs_xpath_path_first(p, root, &first), "a namespaced element is left to libxml2");
    qs_xpath_path_free(p);
    p = qs_xpath_path_new("h/@g");
    CHECK(!qs_xpath_path_first(p, root, &first), "a namespaced attribute is left to libxml2");
    qs_xpath_path_free(p);
    p = qs_xpath_path_new("many/c/@x");
    CHECK(!qs_xpath_path_first(p, root, &first), "a long walk is left to libxml2");
    qs_xpath_path_free(p);
    p = qs_xpath_path_new("@a");
    CHECK(!qs_xpath_path_first(p, (xmlNode *)doc, &first) &&
              !qs_xpath_path_first(p, (xmlNode *)root->properties, &first),
          "a context that is not an element is left to libxml2");
    qs_xpath_path_free(p);

    qs_xpath_free(x);
    qs_diags_free(&d);
    xmlFreeDoc(doc);
}

/* <image>: {interpolation} in href (relative to the template), fallback
 * when the computed file does not exist, errors at the template's
 * attribute. */
static void test_images(void)
{
    char from[4200];
    snprintf(from, sizeof from, "%s/tests/assets/rgb8.png", repo);
    bool ok = system("mkdir -p img") == 0 && copy_file(from, "img/2026-0142.png");
    snprintf(from, sizeof from, "%s/tests/assets/photo.jpg", repo);
    ok = ok && copy_file(from, "img/none.jpg");
    CHECK(ok, "images: the test images are copied");

    static const struct {
        const char *image;
        unsigned width; /* of the image loaded: 8 (the PNG), 32 (the JPEG) */
    } cases[] = {
        {"<image href=\"img/{@id}.png\" alt=\"x\"/>", 8},
        {"<image href=\"img/{@id}-x.png\" fallback=\"img/none.jpg\" alt=\"x\"/>", 32},
        {"<image select=\"seller/logo\" href=\"img/{@id}.png\" alt=\"x\"/>", 8},
        {"<image select=\"seller/name\" fallback=\"img/{'none'}.jpg\" alt=\"x\"/>", 32},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, HEAD "  <body>\n    %s\n  </body>\n</template>\n",
                 cases[i].image);
        run r;
        build(&r, text, TREE, "de");
        CHECK(r.ok && r.d.count == 0 && r.doc.nimages == 1 && r.doc.flow.count == 1 &&
                  r.doc.flow.items[0].kind == QS_BLOCK_IMAGE,
              "images: %s builds one image", cases[i].image);
        print_diags(&r);
        if (r.doc.nimages == 1)
            CHECK(r.doc.images[0]->width == cases[i].width, "images: %s loads the %u-pixel one",
                  cases[i].image, cases[i].width);
        finish(&r);
    }

    /* Errors at the template line: the missing computed file, the missing
     * fallback (a name from the data is named with its node), a bad
     * interpolation, a fallback leaving the root. */
    expect_error("image href missing",
                 HEAD "  <body>\n    <image href=\"img/{@id}-x.png\" alt=\"x\"/>\n  </body>\n</template>\n",
                 NULL, 4, 12, "template", "image 'img/2026-0142-x.png' does not exist (a fallback");
    expect_error("image fallback missing",
                 HEAD "  <body>\n    <image select=\"seller/name\" fallback=\"img/x.png\" alt=\"x\"/>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 33, "template", "image 'img/x.png' does not exist");
    expect_error("image select missing",
                 HEAD "  <body>\n    <image select=\"seller/name\" alt=\"x\"/>\n  </body>\n</template>\n",
                 NULL, 4, 12, "template",
                 "image 'Nordlicht Systemhaus GmbH' from /quote/seller/name");
    expect_error("image href bad expression",
                 HEAD "  <body>\n    <image href=\"img/{@id(}.png\" alt=\"x\"/>\n  </body>\n</template>\n",
                 NULL, 4, 12, "template", "");
    expect_error("image fallback outside the root",
                 HEAD "  <body>\n    <image href=\"x.png\" fallback=\"../{@id}.png\" alt=\"x\"/>\n"
                      "  </body>\n</template>\n",
                 NULL, 4, 25, "path-outside-root", "leads outside the project root");
}

/* Flowing columns, cell padding, a row's keep-with-next, a table and a box
 * in a cell: from the template into the document model. */
static void test_columns_nesting(void)
{
    static const char *text =
        HEAD "  <body>\n"
             "    <columns count=\"3\" gap=\"4mm\" space-before=\"2pt\"><p>a</p><p>b</p></columns>\n"
             "    <table>\n"
             "      <column width=\"1*\"/><column width=\"30mm\"/>\n"
             "      <row keep-with-next=\"true\"><cell padding=\"3mm\">x</cell><cell>"
             "<group background=\"#DDEEFF\"><p>box</p></group>"
             "<table><column width=\"1*\"/><row><cell>{@id}</cell></row></table>"
             "</cell></row>\n"
             "      <row><cell>y</cell><cell>z</cell></row>\n"
             "    </table>\n"
             "  </body>\n</template>\n";
    run r;
    build(&r, text, TREE, "de");
    CHECK(r.ok && r.d.count == 0 && r.doc.flow.count == 2, "columns: the template builds");
    print_diags(&r);
    if (r.ok && r.doc.flow.count == 2) {
        const qs_block *c = &r.doc.flow.items[0];
        CHECK(c->kind == QS_BLOCK_COLUMNS && c->u.group.ncolumns == 3 &&
                  fabsf(c->u.group.gap - 4 * 72 / 25.4f) < 0.01f &&
                  c->u.group.children.count == 2 && c->space_before == 2,
              "columns: count, gap, children, block attributes");
        const qs_table *t = &r.doc.flow.items[1].u.table;
        const qs_row *row = &t->rows[0];
        CHECK(row->keep_with_next && !t->rows[1].keep_with_next,
              "columns: a row's keep-with-next");
        CHECK(row->cells[0].has_padding && fabsf(row->cells[0].padding - 3 * 72 / 25.4f) < 0.01f &&
                  !row->cells[1].has_padding,
              "columns: a cell's own padding");
        const qs_blocks *in = &row->cells[1].content;
        CHECK(in->count == 2 && in->items[0].kind == QS_BLOCK_GROUP &&
                  in->items[0].has_background && in->items[1].kind == QS_BLOCK_TABLE &&
                  strcmp(cell_text(&in->items[1].u.table.rows[0], 0, 0), "2026-0142") == 0,
              "columns: a box and a table inside a cell");
    }
    finish(&r);

    expect_error("columns count 1",
                 HEAD "  <body>\n    <columns count=\"1\"><p>a</p></columns>\n  </body>\n"
                      "</template>\n",
                 NULL, 4, 14, "template", "count 1: columns are 2 to 8");
    expect_error("columns bad gap",
                 HEAD "  <body>\n    <columns gap=\"wide\"><p>a</p></columns>\n  </body>\n"
                      "</template>\n",
                 NULL, 4, 14, "template", "bad length 'wide' for gap");
    expect_error("cell bad padding",
                 HEAD "  <body>\n    <table><column width=\"1*\"/><row><cell padding=\"-\">a</cell>"
                      "</row></table>\n  </body>\n</template>\n",
                 NULL, 4, 43, "template", "bad length '-' for padding");
}

int main(void)
{
    setup();
    test_plain_paths();
    test_plain_paths_elsewhere();
    test_build_de();
    test_build_en();
    test_final_has_no_watermark();
    test_patterns();
    test_format_iban();
    test_country_name();
    test_table_box();
    test_table_align();
    test_page_ref();
    test_images();
    test_columns_nesting();
    test_errors();
    teardown();
    xmlCleanupParser();
    return check_failures != 0;
}

/* Unit tests of charts (chart.c): charts built by hand, laid out by the
 * layout engine and compared as the layout dump's text. Run from the
 * repository root. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "layout.h"

#define REGULAR "templates/standard/fonts/NotoSans-Regular.ttf"

static qs_diags diags;

/* The dump of a document holding only chart c (a page of A4, 20 mm
 * margins: the chart is 481.9 pt wide, its top at y 785.2). */
static char *dump_of(qs_doc *doc, qs_chart *c)
{
    doc->flow.items = qs_arena_array(&doc->arena, 1, sizeof(qs_block));
    memset(doc->flow.items, 0, sizeof(qs_block));
    doc->flow.items[0].kind = QS_BLOCK_CHART;
    doc->flow.items[0].u.chart = c;
    doc->flow.count = 1;
    qs_layout l;
    bool ok = qs_layout_run(doc, &l, &diags);
    CHECK(ok, "a chart is laid out");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    qs_layout_dump(&l, f);
    fclose(f);
    qs_layout_free(&l);
    return text;
}

/* The lines of text that start with `head` and end with `tail`. */
static size_t count_lines(const char *text, const char *head, const char *tail)
{
    size_t n = 0;
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        n += len >= strlen(head) + strlen(tail) && strncmp(p, head, strlen(head)) == 0 &&
             strncmp(p + len - strlen(tail), tail, strlen(tail)) == 0;
        p += len + (end != NULL);
    }
    return n;
}

static void doc_open(qs_doc *doc)
{
    qs_doc_init(doc);
    doc->fonts = qs_arena_array(&doc->arena, 1, sizeof *doc->fonts);
    doc->fonts[0] = qs_font_load(REGULAR, "NotoSans-Regular.ttf", &diags);
    doc->nfonts = 1;
}

static void test_bars(void)
{
    qs_doc doc;
    doc_open(&doc);
    qs_chart *c = qs_chart_new(&doc.arena, QS_CHART_BARS);
    c->height = 100;
    c->size = 8;
    c->value_legend = "Gewonnen";
    c->target_legend = "Ziel";
    qs_chart_add(c, "Lena", "150 %", 1500000000, true, 1000000000);   /* 150,000 / 100,000 */
    qs_chart_add(c, "Jonas", NULL, 500000000, false, 0);               /* 50,000, no target */
    char *text = dump_of(&doc, c);
    /* The legend (a swatch, a 2.2 pt target line) on the first row, 8.8 pt
     * down. The largest amount, 150,000, gives four ticks of 50,000 (a
     * step of 1, 2, 2.5 or 5 x 10^k, at most four intervals) labelled in
     * German money without the zero cents, right-aligned left of the plot
     * (which starts 4.8 pt right of the widest label, "100.000 €", 36.2
     * pt); the plot runs from y 785.2 - 20.8 (2.6 sizes) down to 785.2 -
     * 100 + 17.6 (2.2 sizes). Two slots of 220.4 pt: Lena's bar (48 pt,
     * centred) reaches the top, her target line (8 pt wider each side)
     * two thirds of it, her note stands 3.6 pt above the bar; Jonas' bar
     * is a third high, with no marker. Labels sit 10.4 pt under the axis. */
    const char *want =
        "page 1 595.3x841.9\n"
        "  rect 56.7 775.6 7.2 7.2 #1f4e79\n"
        "  text 67.9 776.4 0 8.0 \"Gewonnen\"\n"
        "  line 124.7 779.2 137.5 779.2 2.2 #e07b00\n"
        "  text 141.5 776.4 0 8.0 \"Ziel\"\n"
        "  line 97.7 702.8 538.6 702.8 0.8 #b0b0b0\n"
        "  text 83.3 700.0 0 8.0 \"0\u00a0\u20ac\"\n"
        "  line 97.7 723.3 538.6 723.3 0.3 #b0b0b0\n"
        "  text 62.9 720.5 0 8.0 \"50.000\u00a0\u20ac\"\n"
        "  line 97.7 743.9 538.6 743.9 0.3 #b0b0b0\n"
        "  text 58.3 741.1 0 8.0 \"100.000\u00a0\u20ac\"\n"
        "  line 97.7 764.4 538.6 764.4 0.3 #b0b0b0\n"
        "  text 58.3 761.6 0 8.0 \"150.000\u00a0\u20ac\"\n"
        "  text 198.9 692.4 0 8.0 \"Lena\"\n"
        "  text 418.2 692.4 0 8.0 \"Jonas\"\n"
        "  rect 184.0 702.8 48.0 61.6 #1f4e79\n"
        "  line 176.0 743.9 240.0 743.9 2.2 #e07b00\n"
        "  text 196.7 768.0 0 8.0 \"150 %\"\n"
        "  rect 404.4 702.8 48.0 20.5 #1f4e79\n";
    CHECK_STR(text, want, "bars: the exact dump");
    free(text);
    qs_doc_free(&doc);
}

static void test_cumulative(void)
{
    qs_doc doc;
    doc_open(&doc);
    qs_chart *c = qs_chart_new(&doc.arena, QS_CHART_CUMULATIVE);
    c->height = 100;
    c->size = 8;
    c->lang = QS_LANG_EN;
    c->value_legend = "Won";
    c->target_legend = "Target";
    qs_chart_add(c, "Oct", NULL, 0, true, 1000000000);
    qs_chart_add(c, "Nov", NULL, 1038492300, true, 2000000000);
    qs_chart_add(c, "Dec", NULL, 1538492300, true, 3000000000);
    char *text = dump_of(&doc, c);
    /* 300,000 at most: three ticks of 100,000, in English money. */
    CHECK(strstr(text, "\"\u20ac300,000\"") != NULL && strstr(text, "\"\u20ac0\"") != NULL,
          "cumulative: English money on the axis");
    /* The lines start at zero on the left edge: the target first (1.2 pt,
     * behind), then the value (1.8 pt) with a marker at each month end. */
    CHECK(count_lines(text, "  line ", " 1.2 #e07b00") == 3 + 1, "cumulative: 3 target segments "
          "and the legend's");
    CHECK(count_lines(text, "  line ", " 1.8 #1f4e79") == 3 + 1, "cumulative: 3 value segments and "
          "the legend's");
    /* The plot starts at x 95.7 (the widest label, "€300,000", is
     * narrower than the German one); three slots of 147.6 pt. The value
     * 103,849.23 at November's end is 34.6 % of 300,000 up the 61.6 pt. */
    CHECK(strstr(text, "  line 95.7 702.8 243.3 723.3 1.2 #e07b00\n") != NULL,
          "cumulative: the target from zero to 100,000 at October's end");
    CHECK(strstr(text, "  line 95.7 702.8 243.3 702.8 1.8 #1f4e79\n") != NULL &&
          strstr(text, "  line 243.3 702.8 390.9 724.1 1.8 #1f4e79\n") != NULL &&
          strstr(text, "  line 390.9 724.1 538.6 734.4 1.8 #1f4e79\n") != NULL,
          "cumulative: the value from zero, month end by month end");
    CHECK(count_lines(text, "  rect ", " 4.4 4.4 #1f4e79") == 3, "cumulative: a marker per "
          "month");
    free(text);
    qs_doc_free(&doc);
}

int main(void)
{
    qs_diags_init(&diags);
    test_bars();
    test_cumulative();
    qs_diags_free(&diags);
    return check_failures ? 1 : 0;
}

/* naive_libharu: the render benchmark's baseline (bench/render.sh,
 * docs/performance.md "Rendering"). A bare libharu 2.3.0 program that
 * writes a quote document comparable to quotesmith's standard proposal,
 * the naive way:
 *   - both Noto Sans faces (Regular, Bold) loaded whole, untrimmed, from
 *     FONTDIR (Debian's fonts-noto-core) with HPDF_LoadTTFontFromFile,
 *     embedded and subset by libharu, UTF-8 text;
 *   - compression on (HPDF_COMP_ALL right after HPDF_New);
 *   - a cover letter page, then a table of LINES quote lines (position,
 *     name, description, quantity, unit price, amount) with a header row
 *     on every page, rules between rows, a page footer, totals;
 *   - text placed with HPDF_Page_TextOut, no measuring of our own beyond
 *     HPDF_Page_TextWidth for right-aligned figures;
 *   - saved with HPDF_SaveToFile.
 * It does not fix libharu's ToUnicode CMap and has no outline, images or
 * metadata: it is the cost floor of "just use libharu", not a competitor.
 *
 *   cc -O2 -o naive_libharu bench/naive_libharu.c -lhpdf
 *   ./naive_libharu LINES OUT.pdf [FONTDIR]
 *
 * Exit status 0 on success, 1 on a libharu error, 2 on bad arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>

static HPDF_STATUS first_error;

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *data)
{
    (void)data;
    if (!first_error) {
        first_error = error_no;
        fprintf(stderr, "naive_libharu: libharu error 0x%04X (detail %u)\n",
                (unsigned)error_no, (unsigned)detail_no);
    }
}

#define PAGE_W 595.276f
#define PAGE_H 841.89f
#define LEFT 70.87f
#define RIGHT (PAGE_W - 56.69f)
#define ROWS_PER_PAGE 12

static HPDF_Font regular, bold;

static void text(HPDF_Page p, HPDF_Font f, float size, float x, float y,
                 const char *s)
{
    HPDF_Page_BeginText(p);
    HPDF_Page_SetFontAndSize(p, f, size);
    HPDF_Page_TextOut(p, x, y, s);
    HPDF_Page_EndText(p);
}

static void text_right(HPDF_Page p, HPDF_Font f, float size, float x,
                       float y, const char *s)
{
    HPDF_Page_SetFontAndSize(p, f, size);
    text(p, f, size, x - HPDF_Page_TextWidth(p, s), y, s);
}

static void rule(HPDF_Page p, float y, float width)
{
    HPDF_Page_SetLineWidth(p, width);
    HPDF_Page_MoveTo(p, LEFT, y);
    HPDF_Page_LineTo(p, RIGHT, y);
    HPDF_Page_Stroke(p);
}

/* German money format: 12.345,60 € (cents in, no floating point). */
static void money(char *buf, size_t n, long long cents)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", cents / 100);
    char grouped[48];
    size_t len = strlen(digits), k = 0;
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            grouped[k++] = '.';
        grouped[k++] = digits[i];
    }
    grouped[k] = '\0';
    snprintf(buf, n, "%s,%02lld\xC2\xA0\xE2\x82\xAC", grouped, cents % 100);
}

static void footer(HPDF_Page p, int page, int pages)
{
    HPDF_Page_SetRGBFill(p, 0.35f, 0.35f, 0.35f);
    rule(p, 80, 0.5f);
    text(p, regular, 7, LEFT, 68, "Nordlicht Systemhaus GmbH · Am Sandtorkai 54 · 20457 Hamburg");
    text(p, regular, 7, LEFT, 59, "USt-IdNr. DE287654324 · Amtsgericht Hamburg HRB 154321");
    text(p, regular, 7, LEFT, 50, "Hamburger Sparkasse · IBAN DE34200505501234567890 · BIC HASPDEHHXXX");
    char buf[64];
    snprintf(buf, sizeof buf, "Seite %d von %d", page, pages);
    text_right(p, regular, 7, RIGHT, 50, buf);
    HPDF_Page_SetRGBFill(p, 0.1f, 0.1f, 0.1f);
}

static void header_row(HPDF_Page p, float y)
{
    HPDF_Page_SetRGBFill(p, 0.12f, 0.31f, 0.47f);
    HPDF_Page_Rectangle(p, LEFT, y - 4, RIGHT - LEFT, 14.4f);
    HPDF_Page_Fill(p);
    HPDF_Page_SetRGBFill(p, 1, 1, 1);
    text(p, bold, 8, LEFT + 4, y, "Pos.");
    text(p, bold, 8, LEFT + 28, y, "Bezeichnung");
    text_right(p, bold, 8, 370, y, "Menge");
    text_right(p, bold, 8, 440, y, "Einzelpreis");
    text_right(p, bold, 8, RIGHT - 4, y, "Gesamt");
    HPDF_Page_SetRGBFill(p, 0.1f, 0.1f, 0.1f);
}

int main(int argc, char **argv)
{
    if (argc < 3 || atoi(argv[1]) < 1) {
        fprintf(stderr, "usage: naive_libharu LINES OUT.pdf [FONTDIR]\n");
        return 2;
    }
    int lines = atoi(argv[1]);
    const char *out = argv[2];
    const char *dir = argc > 3 ? argv[3] : "/usr/share/fonts/truetype/noto";
    char path[1024];

    HPDF_Doc pdf = HPDF_New(on_error, NULL);
    if (!pdf)
        return 1;
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(pdf);
    HPDF_SetCurrentEncoder(pdf, "UTF-8");
    snprintf(path, sizeof path, "%s/NotoSans-Regular.ttf", dir);
    const char *rname = HPDF_LoadTTFontFromFile(pdf, path, HPDF_TRUE);
    snprintf(path, sizeof path, "%s/NotoSans-Bold.ttf", dir);
    const char *bname = HPDF_LoadTTFontFromFile(pdf, path, HPDF_TRUE);
    if (!rname || !bname) {
        HPDF_Free(pdf);
        return 1;
    }
    regular = HPDF_GetFont(pdf, rname, "UTF-8");
    bold = HPDF_GetFont(pdf, bname, "UTF-8");

    int table_pages = (lines + ROWS_PER_PAGE - 1) / ROWS_PER_PAGE;
    int pages = 1 + table_pages;

    /* Page 1: the cover letter. */
    HPDF_Page p = HPDF_AddPage(pdf);
    HPDF_Page_SetWidth(p, PAGE_W);
    HPDF_Page_SetHeight(p, PAGE_H);
    HPDF_Page_SetRGBFill(p, 0.1f, 0.1f, 0.1f);
    text(p, regular, 7, LEFT, 714, "Nordlicht Systemhaus GmbH · Am Sandtorkai 54 · 20457 Hamburg");
    static const char *const address[] = {
        "Muster Logistik GmbH", "z. Hd. Katrin Schulz", "Überseetor 18", "28217 Bremen",
    };
    for (int i = 0; i < 4; i++)
        text(p, regular, 10, LEFT, 690 - 13 * (float)i, address[i]);
    static const char *const info[][2] = {
        { "Kundennummer", "K-10023" }, { "Angebot Nr.", "2026-0142" },
        { "Datum", "26.11.2026" }, { "Gültig bis", "31.12.2026" },
    };
    for (int i = 0; i < 4; i++) {
        text(p, regular, 8, 360, 700 - 12 * (float)i, info[i][0]);
        text(p, regular, 8, 440, 700 - 12 * (float)i, info[i][1]);
    }
    text(p, bold, 14, LEFT, 560, "Angebot Nr. 2026-0142");
    text(p, bold, 10, LEFT, 540, "IT-Modernisierung Logistikzentrum Bremen – Server, Netzwerk und Arbeitsplätze");
    static const char *const letter[] = {
        "Sehr geehrte Frau Schulz,",
        "",
        "vielen Dank für Ihre Anfrage und das freundliche Gespräch am 12. November. Gern unterbreiten",
        "wir Ihnen unser Angebot für die Modernisierung der IT-Infrastruktur Ihres Logistikzentrums in",
        "der Bremer Überseestadt: neue Virtualisierungs- und Speicherplattform, ein durchgängiges",
        "10-GbE-Netzwerk, mobile Arbeitsplätze sowie Installation, Schulung und Entsorgung.",
        "",
        "Die Preise berücksichtigen die Konditionen unseres Rahmenvertrags (3 % auf die Angebotssumme).",
        "Optionale Positionen sind gekennzeichnet und in der Gesamtsumme nicht enthalten.",
        "",
        "Mit freundlichen Grüßen",
        "",
        "Lena Hoffmann",
    };
    for (int i = 0; i < (int)(sizeof letter / sizeof *letter); i++)
        text(p, regular, 9.5f, LEFT, 510 - 14 * (float)i, letter[i]);
    footer(p, 1, pages);

    /* The table: ROWS_PER_PAGE lines a page, header on every page. */
    long long total = 0;
    for (int line = 0; line < lines; line++) {
        int row = line % ROWS_PER_PAGE;
        if (row == 0) {
            if (line > 0)
                footer(p, 1 + line / ROWS_PER_PAGE, pages);
            p = HPDF_AddPage(pdf);
            HPDF_Page_SetWidth(p, PAGE_W);
            HPDF_Page_SetHeight(p, PAGE_H);
            HPDF_Page_SetRGBFill(p, 0.35f, 0.35f, 0.35f);
            text(p, regular, 7, LEFT, 800, "Angebot Nr. 2026-0142 · Muster Logistik GmbH");
            text_right(p, regular, 7, RIGHT, 800, "26.11.2026");
            HPDF_Page_SetRGBFill(p, 0.1f, 0.1f, 0.1f);
            if (line == 0)
                text(p, bold, 14, LEFT, 760, "Angebot Nr. 2026-0142");
            header_row(p, 730);
            if (line > 0) {
                char carry[64], buf[96];
                money(carry, sizeof carry, total);
                text(p, bold, 8, LEFT + 28, 712, "Übertrag");
                snprintf(buf, sizeof buf, "%s", carry);
                text_right(p, bold, 8, RIGHT - 4, 712, buf);
            }
        }
        float y = 690 - 48 * (float)row;
        long long qty = 1 + line % 24;
        long long price = 1995 + (line * 7919LL) % 250000; /* cents */
        long long amount = qty * price;
        total += amount;
        char buf[160], figure[64];
        snprintf(buf, sizeof buf, "%d", line + 1);
        text_right(p, regular, 9, LEFT + 20, y, buf);
        snprintf(buf, sizeof buf, "Server-Komponente %d – Größe %c, für Übergabe", line + 1,
                 'A' + line % 26);
        text(p, regular, 9, LEFT + 28, y, buf);
        text(p, regular, 7.5f, LEFT + 28, y - 11,
             "Lieferung, Einbau und Prüfung inklusive; Maße und Gewicht laut Datenblatt");
        text(p, regular, 7.5f, LEFT + 28, y - 21, "Garantie 36 Monate, Vor-Ort-Service am nächsten Werktag");
        snprintf(buf, sizeof buf, "%lld Stk.", qty);
        text_right(p, regular, 9, 370, y, buf);
        money(figure, sizeof figure, price);
        text_right(p, regular, 9, 440, y, figure);
        money(figure, sizeof figure, amount);
        text_right(p, regular, 9, RIGHT - 4, y, figure);
        HPDF_Page_SetRGBStroke(p, 0.8f, 0.8f, 0.8f);
        rule(p, y - 30, 0.3f);
    }
    char figure[64];
    float y = 690 - 48 * (float)((lines - 1) % ROWS_PER_PAGE) - 48;
    HPDF_Page_SetRGBStroke(p, 0.1f, 0.1f, 0.1f);
    rule(p, y + 12, 0.8f);
    money(figure, sizeof figure, total);
    text(p, bold, 9, LEFT + 28, y, "Gesamtbetrag netto");
    text_right(p, bold, 9, RIGHT - 4, y, figure);
    money(figure, sizeof figure, total * 19 / 100);
    text(p, regular, 9, LEFT + 28, y - 13, "zuzüglich 19 % USt.");
    text_right(p, regular, 9, RIGHT - 4, y - 13, figure);
    money(figure, sizeof figure, total + total * 19 / 100);
    text(p, bold, 9, LEFT + 28, y - 26, "Gesamtbetrag brutto");
    text_right(p, bold, 9, RIGHT - 4, y - 26, figure);
    footer(p, pages, pages);

    HPDF_SaveToFile(pdf, out);
    HPDF_Free(pdf);
    return first_error ? 1 : 0;
}

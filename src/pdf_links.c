/* pdf_links: addresses in the text as link annotations (see pdf_links.h). */
#include "pdf_links.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fonts.h"

/* How far a link's box reaches below and above the baseline, in em: the
 * descenders and the capitals of a Latin text face. */
#define BOX_BELOW 0.22f
#define BOX_ABOVE 0.80f

static bool is_space_at(const char *s, size_t *n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t') {
        *n = 1;
        return true;
    }
    if (c == 0xC2 && (unsigned char)s[1] == 0xA0) { /* U+00A0 */
        *n = 2;
        return true;
    }
    if (c == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xAF) {
        *n = 3; /* U+202F */
        return true;
    }
    return false;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A host name: labels of letters, digits and inner hyphens joined by dots,
 * at least two, the last of two or more letters. */
static bool is_host(const char *s, size_t n)
{
    size_t labels = 0, i = 0, last = 0;
    while (i < n) {
        size_t start = i;
        while (i < n && (is_alnum(s[i]) || s[i] == '-'))
            i++;
        if (i == start || s[start] == '-' || s[i - 1] == '-')
            return false;
        labels++;
        last = start;
        if (i < n && s[i++] != '.')
            return false;
        if (i == n && s[n - 1] == '.')
            return false;
    }
    if (labels < 2 || n - last < 2)
        return false;
    for (size_t k = last; k < n; k++)
        if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z')))
            return false;
    return true;
}

static bool is_email(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    if (!at || at == s)
        return false;
    for (const char *p = s; p < at; p++)
        if (!is_alnum(*p) && !strchr(".!#$%&'*+/=?^_`{|}~-", *p))
            return false;
    return is_host(at + 1, (size_t)(s + n - at - 1));
}

/* The length of the scheme prefix of a web address ("https://" 8,
 * "http://" 7, "www." 0 with *www set), or -1. */
static int web_prefix(const char *s, size_t n, bool *www)
{
    *www = false;
    if (n > 8 && strncmp(s, "https://", 8) == 0)
        return 8;
    if (n > 7 && strncmp(s, "http://", 7) == 0)
        return 7;
    if (n > 4 && strncmp(s, "www.", 4) == 0) {
        *www = true;
        return 0;
    }
    return -1;
}

static bool is_web(const char *s, size_t n, bool *www)
{
    int skip = web_prefix(s, n, www);
    if (skip < 0)
        return false;
    for (size_t i = 0; i < n; i++) /* printable ASCII without <>"\{}|^` */
        if (s[i] <= ' ' || s[i] > '~' || strchr("<>\"\\{}|^`", s[i]))
            return false;
    const char *host = s + skip;
    size_t hn = strcspn(host, "/?#:");
    if (hn > n - (size_t)skip)
        hn = n - (size_t)skip;
    return is_host(host, hn);
}

bool qs_link_find(const char *text, size_t from, size_t *start, size_t *len,
                  qs_buf *uri)
{
    size_t n = strlen(text), i = from, sp;
    while (i < n) {
        while (i < n && is_space_at(text + i, &sp))
            i += sp;
        size_t w = i;
        while (w < n && !is_space_at(text + w, &sp))
            w++;
        size_t a = i, b = w; /* the word without the punctuation around it */
        while (a < b && strchr("(<[\"'", text[a]))
            a++;
        while (b > a && strchr(".,;:!?)>]\"'", text[b - 1]))
            b--;
        bool www = false;
        if (is_email(text + a, b - a)) {
            qs_buf_puts(uri, "mailto:");
        } else if (!is_web(text + a, b - a, &www)) {
            i = w;
            continue;
        } else if (www) {
            qs_buf_puts(uri, "https://");
        }
        qs_buf_add(uri, text + a, b - a);
        *start = a;
        *len = b - a;
        return true;
    }
    return false;
}

/* Where the links of a page go: the update, the document's fonts, the
 * structure tree and the page's index (tagged as Link), and the page's
 * /Annots references. */
typedef struct {
    qs_pdf_update *u;
    const qs_doc *doc;
    qs_pdf_tags *tags;
    size_t page;
    qs_buf annots;
} linker;

/* One link annotation over bytes [from, to) of text item `it`, to `uri`;
 * its reference appended to the page's. */
static void add_annot(linker *k, const qs_item *it, size_t from, size_t to, const char *uri)
{
    const qs_font *font = k->doc->fonts[it->font];
    float x0 = it->x + qs_font_width(font, it->text, from, it->size);
    float x1 = x0 + qs_font_width(font, it->text + from, to - from, it->size);
    float rect[4] = { x0, it->y - BOX_BELOW * it->size, x1,
                      it->y + BOX_ABOVE * it->size };
    qs_buf d = { 0 };
    qs_buf_puts(&d, "/Type /Annot /Subtype /Link /Rect [");
    for (int k = 0; k < 4; k++) {
        qs_buf_puts(&d, " ");
        qs_pdf_put_number(&d, rect[k]);
    }
    qs_buf_puts(&d, " ] /Border [ 0 0 0 ] /F 4 /Contents ");
    qs_pdf_put_literal(&d, uri);
    qs_buf_puts(&d, " /A << /S /URI /URI ");
    qs_pdf_put_literal(&d, uri);
    qs_buf_puts(&d, " >>");
    unsigned num = qs_pdf_update_new(k->u);
    if (k->tags)
        qs_buf_printf(&d, " /StructParent %u",
                      qs_pdf_tags_annot(k->tags, k->page, it->tag, num));
    qs_pdf_update_dict(k->u, num, d.s);
    qs_buf_printf(&k->annots, "%u 0 R ", num);
    qs_buf_free(&d);
}

/* The links of the addresses within one text item. */
static void item_links(linker *k, const qs_item *it)
{
    size_t from = 0, start, len;
    qs_buf uri = { 0 };
    while (qs_link_find(it->text, from, &start, &len, &uri)) {
        add_annot(k, it, start, start + len, uri.s);
        from = start + len;
        uri.len = 0;
    }
    qs_buf_free(&uri);
}

/* An address the layout broke over two lines: the last word of `a` and the
 * first word of `b` (the next line), when the break lies where a line may
 * break inside an address and only together they make one, get one link
 * each, to the same target. */
static void broken_links(linker *k, const qs_item *a, const qs_item *b)
{
    size_t n = strlen(a->text), s = n, m = strcspn(b->text, " ");
    while (s > 0 && a->text[s - 1] != ' ')
        s--;
    if (s == n || m == 0)
        return;
    size_t start, len, head = n - s;
    /* A line breaks inside an address only after - . / @ _ or before - . */
    if (!strchr("-./@_", a->text[n - 1]) && !strchr("-.", b->text[0]))
        return;
    qs_buf joined = { 0 }, uri = { 0 };
    qs_buf_add(&joined, b->text, m);
    bool alone = qs_link_find(joined.s, 0, &start, &len, &uri);
    joined.len = 0;
    qs_buf_add(&joined, a->text + s, head);
    alone = alone || qs_link_find(joined.s, 0, &start, &len, &uri);
    qs_buf_add(&joined, b->text, m);
    uri.len = 0;
    if (!alone && qs_link_find(joined.s, 0, &start, &len, &uri) &&
        start < head && start + len > head) {
        add_annot(k, a, s + start, n, uri.s);
        add_annot(k, b, 0, start + len - head, uri.s);
    }
    qs_buf_free(&joined);
    qs_buf_free(&uri);
}

/* The next line of text item items[i]'s block: the next text item that
 * starts at the same x, below it (within a few items), or NULL. */
static const qs_item *next_line(const qs_page *page, size_t i)
{
    const qs_item *a = &page->items[i];
    for (size_t k = i + 1; k < page->count && k <= i + 8; k++) {
        const qs_item *b = &page->items[k];
        if (b->kind == QS_ITEM_TEXT && b->text && fabsf(b->x - a->x) < 0.5f &&
            b->y < a->y)
            return b;
    }
    return NULL;
}

bool qs_pdf_links_add(qs_pdf_update *u, const qs_doc *doc, const qs_layout *l,
                      const unsigned *pages, qs_pdf_tags *tags)
{
    bool ok = true;
    linker k = { .u = u, .doc = doc, .tags = tags };
    qs_buf dict = { 0 };
    for (size_t p = 0; ok && p < l->npages; p++) {
        k.annots.len = 0;
        k.page = p;
        const qs_page *page = &l->pages[p];
        for (size_t i = 0; i < page->count; i++) {
            const qs_item *it = &page->items[i];
            if (it->kind != QS_ITEM_TEXT || !it->text)
                continue;
            item_links(&k, it);
            const qs_item *next = next_line(page, i);
            if (next)
                broken_links(&k, it, next);
        }
        if (k.annots.len == 0)
            continue;
        dict.len = 0;
        ok = qs_pdf_update_get_dict(u, pages[p], &dict) &&
             !strstr(dict.s, "/Annots");
        if (ok) {
            dict.len = 0;
            qs_buf_printf(&dict, " /Annots [ %s]", k.annots.s);
            qs_pdf_update_dict_add(u, pages[p], dict.s);
        }
    }
    qs_buf_free(&k.annots);
    qs_buf_free(&dict);
    return ok;
}

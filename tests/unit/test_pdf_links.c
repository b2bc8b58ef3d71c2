/* Unit tests for pdf_links: which words become links, and their URIs. */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "pdf_links.h"

/* The links of `text`, as "start+len=uri" separated by spaces. */
static void links(const char *text, char *out, size_t size)
{
    size_t from = 0, start, len, used = 0;
    out[0] = '\0';
    qs_buf uri = { 0 };
    while (qs_link_find(text, from, &start, &len, &uri)) {
        used += (size_t)snprintf(out + used, size - used, "%s%zu+%zu=%s",
                                 used ? " " : "", start, len, uri.s);
        from = start + len;
        uri.len = 0;
    }
    qs_buf_free(&uri);
}

int main(void)
{
    static const struct { const char *text, *want; } cases[] = {
        { "E-Mail lena@example.com", "7+16=mailto:lena@example.com" },
        { "(lena.hoffmann@nordlicht-systemhaus.de).",
          "1+37=mailto:lena.hoffmann@nordlicht-systemhaus.de" },
        { "www.example.de · https://x.example.org/agb?a=1, http://a.bc",
          "0+14=https://www.example.de 18+29=https://x.example.org/agb?a=1 "
          "49+11=http://a.bc" },
        { "Web:\xC2\xA0www.example.de", "6+14=https://www.example.de" },
        /* Not addresses: no dot or a one-letter top level, a broken
         * part, a bare @, non-ASCII, words with a dot. */
        { "a@b user@host x@y.z lena.hoffmann@nordlicht- @example.com", "" },
        { "www.nordlicht- systemhaus.de RV-2024-017 DE89 3704 0044", "" },
        { "müller@example.de www.exämple.de https://", "" },
        { "-a@example.com", "0+14=mailto:-a@example.com" },
        { "x@-bad.de x@bad-.de x@bad..de", "" },
    };
    char got[512];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        links(cases[i].text, got, sizeof got);
        CHECK_STR(got, cases[i].want, "links in '%s'", cases[i].text);
    }
    return check_failures ? 1 : 0;
}

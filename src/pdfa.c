/* pdfa: the PDF/A-3b parts of the update (see pdfa.h). */
#include "pdfa.h"

#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "utf8.h"

/* The output intent's profile: scripts/embed.sh builds it in from
 * /usr/share/color/icc/sRGB.icc (Makefile, ICC_PROFILE). */
#define ICC_NAME "sRGB.icc"
#define ICC_CONDITION "sRGB IEC61966-2.1"

void qs_pdfa_put_date(qs_buf *b, const qs_pdfa_date *d)
{
    qs_buf_printf(b, "D:%04d%02d%02d%02d%02d%02dZ", d->year, d->month, d->day,
                  d->hour, d->minute, d->second);
}

/* The same date as XMP writes it (ISO 8601). */
static void put_xmp_date(qs_buf *b, const qs_pdfa_date *d)
{
    qs_buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02dZ", d->year, d->month,
                  d->day, d->hour, d->minute, d->second);
}

/* A copy of `s` as both the Info and the XMP can hold it alike: invalid
 * UTF-8 and control characters as U+FFFD; NULL for NULL or "". malloc'd. */
static char *clean(const char *s)
{
    if (!s || !s[0])
        return NULL;
    char *valid = qs_utf8_valid(s);
    qs_buf b = { 0 };
    for (const char *p = valid; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20 || ch == 0x7F)
            qs_buf_puts(&b, "\xEF\xBF\xBD");
        else
            qs_buf_add(&b, p, 1);
    }
    free(valid);
    return b.s;
}

enum { TITLE, AUTHOR, SUBJECT, KEYWORDS, CREATOR, PRODUCER, NFIELDS };

static void write_info(qs_pdf_update *u, char *const f[NFIELDS],
                       const qs_pdfa_date *date)
{
    static const char *const keys[NFIELDS] = {
        "Title", "Author", "Subject", "Keywords", "Creator", "Producer",
    };
    qs_buf d = { 0 };
    qs_buf_puts(&d, "");
    for (int i = 0; i < NFIELDS; i++) {
        if (!f[i])
            continue;
        qs_buf_printf(&d, " /%s ", keys[i]);
        qs_pdf_put_text_string(&d, f[i]);
    }
    for (int k = 0; date && k < 2; k++) {
        qs_buf_puts(&d, k == 0 ? " /CreationDate (" : " /ModDate (");
        qs_pdfa_put_date(&d, date);
        qs_buf_puts(&d, ")");
    }
    if (u->info == 0)
        u->info = qs_pdf_update_new(u);
    qs_pdf_update_dict(u, u->info, d.s);
    qs_buf_free(&d);
}

/* One XMP property holding `value` as XML text: plain, or in an rdf:Alt
 * (language alternatives) or rdf:Seq (an ordered list). */
static void xmp_property(qs_buf *b, const char *name, const char *container,
                         const char *value)
{
    if (!value)
        return;
    qs_buf_printf(b, "   <%s>", name);
    if (container)
        qs_buf_printf(b, "<rdf:%s><rdf:li%s>", container,
                      strcmp(container, "Alt") == 0 ? " xml:lang=\"x-default\"" : "");
    qs_utf8_put_xml(b, value);
    if (container)
        qs_buf_printf(b, "</rdf:li></rdf:%s>", container);
    qs_buf_printf(b, "</%s>\n", name);
}

/* The XMP packet: pdfaid part 3, conformance B, pdfuaid part 1 (the
 * document is tagged per PDF/UA-1, ISO 14289-1 5: pdf_tags.c) with the
 * extension schema PDF/A requires for that property (ISO 19005-3,
 * 6.6.2.3.2), and the Info's values in the properties PDF/A maps them to
 * (6.6.2.3.1). */
static void xmp_packet(qs_buf *b, char *const f[NFIELDS], const qs_pdfa_date *date)
{
    qs_buf_puts(b,
        "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
        " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
        "  <rdf:Description rdf:about=\"\"\n"
        "    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n"
        "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
        "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
        "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
        "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
        "   <pdfaid:part>3</pdfaid:part>\n"
        "   <pdfaid:conformance>B</pdfaid:conformance>\n"
        "   <pdfuaid:part>1</pdfuaid:part>\n"
        "   <dc:format>application/pdf</dc:format>\n");
    xmp_property(b, "dc:title", "Alt", f[TITLE]);
    xmp_property(b, "dc:creator", "Seq", f[AUTHOR]);
    xmp_property(b, "dc:description", "Alt", f[SUBJECT]);
    xmp_property(b, "pdf:Keywords", NULL, f[KEYWORDS]);
    xmp_property(b, "xmp:CreatorTool", NULL, f[CREATOR]);
    xmp_property(b, "pdf:Producer", NULL, f[PRODUCER]);
    if (date) {
        static const char *const names[2] = { "xmp:CreateDate", "xmp:ModifyDate" };
        for (int k = 0; k < 2; k++) {
            qs_buf_printf(b, "   <%s>", names[k]);
            put_xmp_date(b, date);
            qs_buf_printf(b, "</%s>\n", names[k]);
        }
    }
    qs_buf_puts(b,
        "  </rdf:Description>\n"
        "  <rdf:Description rdf:about=\"\"\n"
        "    xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n"
        "    xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n"
        "    xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
        "   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
        "    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n"
        "    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n"
        "    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n"
        "    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n"
        "     <pdfaProperty:name>part</pdfaProperty:name>\n"
        "     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n"
        "     <pdfaProperty:category>internal</pdfaProperty:category>\n"
        "     <pdfaProperty:description>Part of ISO 14289 the document conforms to</pdfaProperty:description>\n"
        "    </rdf:li></rdf:Seq></pdfaSchema:property>\n"
        "   </rdf:li></rdf:Bag></pdfaExtension:schemas>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        "<?xpacket end=\"r\"?>");
}

/* The output intent (sRGB, the colour space every colour in our PDFs is
 * given in) and its ICC stream; returns the intent's object number, 0 when
 * the profile is missing or zlib fails. */
static unsigned output_intent(qs_pdf_update *u)
{
    const qs_embedded_file *icc = NULL;
    for (const qs_embedded_file *e = qs_embedded_files; e->name; e++)
        if (strcmp(e->name, ICC_NAME) == 0)
            icc = e;
    if (!icc)
        return 0;
    unsigned profile = qs_pdf_update_new(u), intent = qs_pdf_update_new(u);
    if (!qs_pdf_update_stream(u, profile, "/N 3", icc->data, icc->size))
        return 0;
    qs_buf d = { 0 };
    qs_buf_printf(&d, "/Type /OutputIntent /S /GTS_PDFA1 "
                  "/OutputConditionIdentifier (%s) /Info (%s) "
                  "/DestOutputProfile %u 0 R", ICC_CONDITION, ICC_CONDITION,
                  profile);
    qs_pdf_update_dict(u, intent, d.s);
    qs_buf_free(&d);
    return intent;
}

bool qs_pdfa_write(qs_pdf_update *u, const qs_pdfa_info *info)
{
    const char *given[NFIELDS] = {
        info->title, info->author, info->subject, info->keywords,
        info->creator, info->producer,
    };
    char *f[NFIELDS];
    for (int i = 0; i < NFIELDS; i++)
        f[i] = clean(given[i]);
    write_info(u, f, info->date);

    qs_buf xmp = { 0 };
    xmp_packet(&xmp, f, info->date);
    for (int i = 0; i < NFIELDS; i++)
        free(f[i]);
    unsigned metadata = qs_pdf_update_new(u);
    qs_pdf_update_raw_stream(u, metadata, "/Type /Metadata /Subtype /XML",
                             (const unsigned char *)xmp.s, xmp.len);
    qs_buf_free(&xmp);
    unsigned intent = output_intent(u);

    qs_buf cat = { 0 };
    qs_buf_printf(&cat, "/Metadata %u 0 R\n/OutputIntents [ %u 0 R ]\n"
                  "/ViewerPreferences << /DisplayDocTitle true >>\n",
                  metadata, intent);
    if (info->lang && info->lang[0]) {
        qs_buf_puts(&cat, "/Lang ");
        qs_pdf_put_literal(&cat, info->lang);
        qs_buf_puts(&cat, "\n");
    }
    qs_pdf_update_catalog_add(u, cat.s);
    qs_buf_free(&cat);
    return intent != 0;
}

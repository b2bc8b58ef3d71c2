/* common: the temporary project root, file copies and the schema loan
 * shared by the harnesses (common.h). */
#include "common.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlschemas.h>

#include "buf.h"
#include "checks.h"
#include "load.h"
#include "merge.h"
#include "price.h"
#include "quote.h"
#include "rules.h"
#include "xpath.h"

#ifndef QS_FUZZ_REPO
#define QS_FUZZ_REPO "."
#endif

static char root[PATH_MAX];
/* Set when an input's diagnostics show the harness's own files did not
 * load (checked after the warm-up). */
static bool setup_broken;

void fz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static const char *repo_dir(void)
{
    const char *env = getenv("QS_FUZZ_REPO");
    return env && *env ? env : QS_FUZZ_REPO;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void cleanup(void)
{
    qs_input_schemas_free();
    if (root[0])
        nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    root[0] = '\0';
}

void fz_setup(const char *tag)
{
    if (root[0])
        return;
    struct stat st;
    const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
                               access("/dev/shm", W_OK) == 0
                           ? "/dev/shm"
                           : "/tmp";
    snprintf(root, sizeof root, "%s/qs-fuzz-%s-XXXXXX", base, tag);
    if (!mkdtemp(root))
        fz_fail("mkdtemp %s: %s", root, strerror(errno));
    /* The loader compares resolved paths against the resolved root. */
    char resolved[PATH_MAX];
    if (!realpath(root, resolved))
        fz_fail("realpath %s: %s", root, strerror(errno));
    snprintf(root, sizeof root, "%s", resolved);
    atexit(cleanup);
}

const char *fz_path(const char *rel)
{
    static char bufs[8][PATH_MAX];
    static unsigned next;
    char *buf = bufs[next++ % 8];
    if ((size_t)snprintf(buf, PATH_MAX, "%s/%s", root, rel) >= PATH_MAX)
        fz_fail("path too long: %s", rel);
    return buf;
}

/* mkdir -p of the folder holding `path`. */
static void make_parents(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + strlen(root) + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            fz_fail("mkdir %s: %s", dir, strerror(errno));
        *p = '/';
    }
}

void fz_write(const char *root_rel, const void *data, size_t size)
{
    const char *path = fz_path(root_rel);
    make_parents(path);
    FILE *f = fopen(path, "wb");
    if (!f)
        fz_fail("cannot write %s: %s", path, strerror(errno));
    bool ok = size == 0 || fwrite(data, 1, size, f) == size;
    if (fclose(f) != 0 || !ok)
        fz_fail("cannot write %s", path);
}

void fz_copy(const char *repo_rel, const char *root_rel)
{
    char from[PATH_MAX];
    snprintf(from, sizeof from, "%s/%s", repo_dir(), repo_rel);
    unsigned char *data;
    size_t size;
    if (qs_file_read(from, 64u * 1024u * 1024u, &data, &size) != QS_READ_OK)
        fz_fail("cannot read %s (set QS_FUZZ_REPO to the repository)", from);
    fz_write(root_rel, data, size);
    free(data);
}

void fz_copy_project(void)
{
    static const char *const copies[][2] = {
        {"pricing/pricelist-2026.xml", "pricing/pricelist-2026.xml"},
        {"pricing/pricelist-2026-promo.xml", "pricing/pricelist-2026-promo.xml"},
        {"pricing/rules.xml", "pricing/rules.xml"},
        {"templates/standard/template.xml", "templates/standard/template.xml"},
        {"tests/fixtures/mini/quote.xml", "q/x/quote-mini.xml"},
        {"tests/fixtures/mini/pricelist.xml", "q/x/pricelist.xml"},
        {"tests/fixtures/mini/hw.xml", "q/x/hw.xml"},
        {"samples/muster-logistik/hardware.xml", "q/x/hardware.xml"},
        {"samples/muster-logistik/services.xml", "q/x/services.xml"},
        {"samples/muster-logistik/logistics.xml", "q/x/logistics.xml"},
        {"samples/muster-logistik/legal.xml", "q/x/legal.xml"},
        {"samples/harbour-analytics/software.xml", "q/x/software.xml"},
        {"templates/standard/fonts/NotoSans-Regular.ttf", "fonts/NotoSans-Regular.ttf"},
        {"templates/standard/fonts/NotoSans-Bold.ttf", "fonts/NotoSans-Bold.ttf"},
        {"templates/standard/fonts/NotoSans-Italic.ttf", "fonts/NotoSans-Italic.ttf"},
        {"templates/standard/fonts/NotoSans-BoldItalic.ttf", "fonts/NotoSans-BoldItalic.ttf"},
        {"templates/standard/fonts/NotoSans-Regular.ttf", "fonts/R.ttf"},
        {"templates/standard/fonts/NotoSans-Bold.ttf", "fonts/B.ttf"},
        {"templates/standard/logo.png", "logo.png"},
        /* the 2026 price list's product pictures (SPEC 9) */
        {"pricing/images/srv-r750.png", "pricing/images/srv-r750.png"},
        {"pricing/images/mon-34-uw.png", "pricing/images/mon-34-uw.png"},
    };
    for (size_t i = 0; i < sizeof copies / sizeof *copies; i++)
        fz_copy(copies[i][0], copies[i][1]);
}

void fz_inputs_init(qs_inputs *in, qs_diags *d)
{
    if (!qs_inputs_init(in, root, QS_DEFAULT_MAX_FILE_SIZE, d))
        fz_fail("cannot use %s as the project root", root);
}


void fz_check_quote(qs_inputs *in, const char *quote_path, qs_diags *d)
{
    qs_quote q;
    bool ok = qs_quote_load(&q, in, quote_path, d) && qs_quote_price(&q, d) &&
              qs_quote_merge(&q, d);
    if (ok) {
        qs_checks_run(q.tree, d);
        qs_xpath *x = qs_xpath_new(q.tree, d);
        for (size_t i = 0; i < q.nrules; i++)
            qs_rules_check(x, q.tree, q.rules[i], d);
        qs_xpath_free(x);
    }
    qs_quote_free(&q);
}

xmlDoc *fz_mini_tree(const char **quote_path)
{
    static qs_inputs in;
    static qs_quote q;
    static char path[PATH_MAX];
    if (!q.tree) {
        qs_diags d;
        qs_diags_init(&d);
        snprintf(path, sizeof path, "%s", fz_path("q/x/quote-mini.xml"));
        fz_inputs_init(&in, &d);
        if (!qs_quote_load(&q, &in, path, &d) || !qs_quote_price(&q, &d) ||
            !qs_quote_merge(&q, &d)) {
            qs_diags_print_text(&d, stderr);
            fz_fail("the fixed quote %s does not load", path);
        }
        qs_diags_free(&d);
    }
    if (quote_path)
        *quote_path = path;
    return q.tree;
}

void fz_warm_up(int (*one)(const uint8_t *, size_t), const char *root_rel)
{
    unsigned char *data;
    size_t size;
    if (qs_file_read(fz_path(root_rel), 64u * 1024u * 1024u, &data, &size) != QS_READ_OK)
        fz_fail("cannot read %s", fz_path(root_rel));
    setup_broken = false;
    one(data, size);
    free(data);
    if (setup_broken)
        fz_fail("%s does not load cleanly in the harness's project root "
                "(run with QS_FUZZ_VERBOSE=1 to see why)", root_rel);
}

void fz_diags_free(qs_diags *d)
{
    static const char *const setup_rules[] = {"schema", "xml-syntax", "file-not-found",
                                              "path-outside-root", "internal"};
    for (size_t i = 0; i < d->count; i++)
        for (size_t k = 0; k < sizeof setup_rules / sizeof *setup_rules; k++)
            if (strcmp(d->items[i].rule, setup_rules[k]) == 0)
                setup_broken = true;
    if (d->environment_failed || d->internal_failed)
        setup_broken = true;
    static int verbose = -1;
    if (verbose < 0) {
        const char *v = getenv("QS_FUZZ_VERBOSE");
        verbose = v && strcmp(v, "1") == 0;
    }
    if (verbose) {
        qs_diags_print_text(d, stderr);
        fprintf(stderr, "fuzz: %zu diagnostics\n", d->count);
    }
    qs_diags_free(d);
}

void fz_write_quote(const char *root_rel, const char *pricelists,
                    const char *department_href)
{
    static const char head[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<quote version=\"1\" id=\"T-1\" lang=\"de\" currency=\"EUR\" status=\"final\">\n"
        "  <date>2026-11-26</date>\n"
        "  <valid-until>2026-12-31</valid-until>\n";
    static const char parties[] =
        "  <rules href=\"../../pricing/rules.xml\"/>\n"
        "  <seller>\n"
        "    <name>Nordlicht Systemhaus GmbH</name>\n"
        "    <address><street>Am Sandtorkai 54</street><postal-code>20457</postal-code>"
        "<city>Hamburg</city><country>DE</country></address>\n"
        "    <vat-id>DE287654324</vat-id>\n"
        "    <contact><name>Lena Hoffmann</name><email>lena@example.com</email></contact>\n"
        "  </seller>\n"
        "  <customer id=\"K-1\">\n"
        "    <name>Muster Logistik GmbH</name>\n"
        "    <address><street>Seetor 18</street><postal-code>28217</postal-code>"
        "<city>Bremen</city><country>DE</country></address>\n"
        "    <vat-id>DE812345673</vat-id>\n"
        "  </customer>\n"
        "  <discount percent=\"3\" reason=\"Rahmenvertrag\"/>\n";
    qs_buf b = {0};
    qs_buf_puts(&b, head);
    qs_buf_puts(&b, pricelists);
    qs_buf_puts(&b, parties);
    qs_buf_printf(&b, "  <department name=\"hardware\" href=\"%s\"/>\n</quote>\n",
                  department_href);
    fz_write(root_rel, b.s, b.len);
    qs_buf_free(&b);
}

int fz_run_referenced(const uint8_t *data, size_t size, const char *fuzzed,
                      qs_format format, const char *quote)
{
    fz_write(fuzzed, data, size);
    qs_diags d;
    qs_inputs in;
    qs_diags_init(&d);
    fz_inputs_init(&in, &d);
    if (qs_input_load_xml(&in, fz_path(fuzzed), format, NULL, &d))
        fz_check_quote(&in, fz_path(quote), &d);
    qs_inputs_free(&in);
    fz_diags_free(&d);
    return 0;
}

/* Unit tests for src/rules.c, src/checks.c, src/xpath.c and src/regex.c:
 * findings of each severity with their exact text and position, message
 * interpolation, PCRE2 and XPath limits (bounded time), invalid regex and
 * XPath with positions, re:test and qs: helpers, the exit-status policy,
 * and every built-in check. Trees and rules are built in memory. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <stdlib.h>
#include <time.h>

#include <libxml/parser.h>

#include "checks.h"
#include "diag.h"
#include "exitcode.h"
#include "input.h"
#include "regex.h"
#include "rules.h"
#include "xpath.h"

#define RULES "pricing/rules.xml"

/* A merged tree like merge.c makes it. Line numbers matter: findings
 * point at them. */
static const char *tree_xml =
    "<quote id=\"2026-0142\" lang=\"de\" currency=\"EUR\" status=\"final\" src=\"samples/t/quote.xml\">\n" /* 1 */
    "  <date>2026-11-26</date>\n"                                                                  /* 2 */
    "  <valid-until>2026-12-31</valid-until>\n"                                                    /* 3 */
    "  <pricelist href=\"../../pricing/p.xml\" id=\"PL-2026-DE\" valid-from=\"2026-01-01\" valid-until=\"2026-12-31\" file=\"pricing/p.xml\"/>\n" /* 4 */
    "  <seller><name>Nordlicht</name><bank><iban>DE89 3704 0044 0532 0130 00</iban></bank></seller>\n" /* 5 */
    "  <customer id=\"K-1\">\n"                                                                    /* 6 */
    "    <name>Muster Logistik GmbH</name>\n"                                                      /* 7 */
    "    <address><street>\xC3\x9C" "berseetor 18</street><postal-code>28217</postal-code><city>Bremen</city><country>DE</country></address>\n" /* 8 */
    "    <vat-id>DE81234567</vat-id>\n"                                                            /* 9 */
    "  </customer>\n"                                                                              /* 10 */
    "  <payment-terms days=\"30\" discount-percent=\"2\" discount-days=\"10\"/>\n"                 /* 11 */
    "  <delivery incoterm=\"DAP\" place=\"Bremen\" weeks=\"4\"/>\n"                                /* 12 */
    "  <department name=\"hardware\" owner=\"Anna\" src=\"samples/t/hardware.xml\">\n"             /* 13 */
    "    <group title=\"Server\">\n"                                                               /* 14 */
    "      <line pos=\"1\" sku=\"SRV-R750\" qty=\"2\" unit=\"Stk.\" list-price=\"8490.00\" unit-price=\"8490.00\" net=\"16980.00\" tax=\"standard\" tax-percent=\"19\" cost=\"6120.00\" margin-percent=\"27.92\" src=\"samples/t/hardware.xml:14\"><name>PowerServer R750</name></line>\n" /* 15 */
    "      <line pos=\"2\" sku=\"SW-X\" qty=\"1\" unit=\"Stk.\" discount-percent=\"20\" list-price=\"1000.00\" unit-price=\"1000.00\" net=\"800.00\" tax=\"standard\" tax-percent=\"19\" cost=\"732.00\" margin-percent=\"8.50\" src=\"samples/t/hardware.xml:17\"><name>Software X</name></line>\n" /* 16 */
    "    </group>\n"
    "  </department>\n"
    "  <department name=\"services\" owner=\"Jonas\" approved-by=\"K. Braun\" src=\"samples/t/services.xml\">\n"
    "    <group title=\"Dienst\"><line pos=\"3\" sku=\"SVC\" qty=\"1\" unit=\"Tag\" discount-percent=\"25\" list-price=\"900.00\" unit-price=\"900.00\" net=\"675.00\" tax=\"standard\" tax-percent=\"19\" src=\"samples/t/services.xml:5\"><name>Tag</name></line></group>\n"
    "  </department>\n"
    "  <totals net=\"17655.00\" discount=\"0.00\" taxable=\"17655.00\" gross=\"21009.45\"><tax id=\"standard\" percent=\"19\" base=\"17655.00\" amount=\"3354.45\"/></totals>\n"
    "</quote>\n";

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static xmlDoc *parse(const char *xml, const char *name)
{
    return xmlReadMemory(xml, (int)strlen(xml), name, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR |
                             XML_PARSE_NOWARNING);
}

/* Runs the rules text over the tree text; diagnostics land in *d. */
static void run_rules(const char *tree_text, const char *rules_text,
                      qs_diags *d)
{
    qs_diags_init(d);
    xmlDoc *tree = parse(tree_text, "tree.xml");
    qs_input rules;
    memset(&rules, 0, sizeof rules);
    rules.path = RULES;
    rules.data = (unsigned char *)rules_text;
    rules.size = strlen(rules_text);
    rules.doc = parse(rules_text, RULES);
    if (!tree || !rules.doc) {
        printf("FAIL: test input does not parse\n");
        check_failures++;
    } else {
        qs_xpath *x = qs_xpath_new(tree, d);
        qs_rules_check(x, tree, &rules, d);
        qs_xpath_free(x);
    }
    xmlFreeDoc(rules.doc);
    free(rules.lines);
    xmlFreeDoc(tree);
}

static void run_checks(const char *tree_text, qs_diags *d)
{
    qs_diags_init(d);
    xmlDoc *tree = parse(tree_text, "tree.xml");
    qs_checks_run(tree, d);
    xmlFreeDoc(tree);
}

static const qs_diag *find(const qs_diags *d, const char *rule, size_t nth)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].rule, rule) == 0 && nth-- == 0)
            return &d->items[i];
    return NULL;
}

static size_t count_rule(const qs_diags *d, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        n += strcmp(d->items[i].rule, rule) == 0;
    return n;
}

/* "file:line:col: severity: message [rule]" of a diagnostic, or "(none)". */
static const char *show(const qs_diag *g)
{
    static char buf[1024];
    if (!g)
        return "(none)";
    snprintf(buf, sizeof buf, "%s:%u:%u: %s: %s [%s]",
             g->file ? g->file : "-", g->line, g->col,
             g->severity == QS_SEV_ERROR      ? "error"
             : g->severity == QS_SEV_APPROVAL ? "approval"
             : g->severity == QS_SEV_WARNING  ? "warning"
                                              : "note",
             g->message, g->rule);
    return buf;
}

static void dump(const qs_diags *d)
{
    for (size_t i = 0; i < d->count; i++)
        printf("     | %s\n", show(&d->items[i]));
}

/* ---- findings of each severity, positions, interpolation ---- */

static const char *policy_rules =
    "<rules version=\"1\">\n"                                                  /* 1 */
    "  <pattern id=\"vat-id\" select=\"/quote/customer/vat-id\"\n"             /* 2 */
    "           regex=\"^DE[0-9]{9}$\" severity=\"error\"\n"                   /* 3 */
    "           message=\"USt-IdNr. '{.}' hat kein g\xC3\xBCltiges Format\"/>\n" /* 4 */
    "  <assert id=\"max-discount\" context=\"//line\"\n"                       /* 5 */
    "          test=\"not(@discount-percent &gt; 15) or ../../@approved-by\"\n" /* 6 */
    "          severity=\"approval\"\n"                                        /* 7 */
    "          message=\"Zeile {@pos}: {@discount-percent} % Rabatt braucht eine Freigabe\"/>\n" /* 8 */
    "  <assert id=\"margin\" context=\"//line[@margin-percent]\" test=\"@margin-percent &gt;= 12\" severity=\"warning\" message=\"Zeile {@pos} ({name}): Marge {@margin-percent} % {{min. 12}} {count(//line) * 2}\"/>\n" /* 9 */
    "  <assert id=\"no-such\" context=\"/quote/nothing\" test=\"false()\" severity=\"error\" message=\"never\"/>\n" /* 10 */
    "  <pattern id=\"no-such-pattern\" select=\"//nothing/@x\" regex=\"^x$\" severity=\"error\" message=\"never\"/>\n" /* 11 */
    "  <assert id=\"braces\" context=\"/quote\" test=\"false()\" severity=\"warning\" message=\"{concat('}', '{')}{{}}\"/>\n" /* 12 */
    "</rules>\n";

static void test_findings(void)
{
    qs_diags d;
    run_rules(tree_xml, policy_rules, &d);

    const qs_diag *g = find(&d, "vat-id", 0);
    CHECK_STR(show(g),
              "samples/t/quote.xml:9:1: error: USt-IdNr. 'DE81234567' hat kein "
              "g\xC3\xBCltiges Format (rule at pricing/rules.xml:2) [vat-id]",
              "pattern finding: error at the field, rule line named");
    CHECK(count_rule(&d, "vat-id") == 1, "one vat-id finding");

    g = find(&d, "max-discount", 0);
    CHECK_STR(show(g),
              "samples/t/hardware.xml:17:1: approval: Zeile 2: 20 % Rabatt "
              "braucht eine Freigabe (rule at pricing/rules.xml:5) [max-discount]",
              "assert finding: approval at the line's src");
    CHECK(count_rule(&d, "max-discount") == 1,
          "approved department's discount is no finding");

    g = find(&d, "margin", 0);
    CHECK_STR(show(g),
              "samples/t/hardware.xml:17:1: warning: Zeile 2 (Software X): Marge "
              "8.50 % {min. 12} 6 (rule at pricing/rules.xml:9) [margin]",
              "warning finding; {{ }} and computed {xpath} interpolated");
    CHECK(count_rule(&d, "margin") == 1, "one margin finding");

    CHECK(count_rule(&d, "no-such") == 0 &&
              count_rule(&d, "no-such-pattern") == 0,
          "rules whose nodes do not exist find nothing");

    g = find(&d, "braces", 0);
    CHECK_STR(show(g),
              "samples/t/quote.xml:1:1: warning: }{{} (rule at "
              "pricing/rules.xml:12) [braces]",
              "braces inside XPath literals and {{}} escapes");

    CHECK(d.count == 4, "exactly four diagnostics (got %zu)", d.count);
    if (d.count != 4)
        dump(&d);
    CHECK(qs_exit_status(&d, /*draft*/ false, /*strict*/ false) == 1,
          "an error blocks");
    qs_diags_free(&d);

    /* Without the error, the approval and the warning remain. */
    const char *fixed_vat = "<vat-id>DE812345673</vat-id>";
    const char *at = strstr(tree_xml, "<vat-id>DE81234567</vat-id>");
    char *t = malloc(strlen(tree_xml) + 2);
    memcpy(t, tree_xml, (size_t)(at - tree_xml));
    strcpy(t + (at - tree_xml), fixed_vat);
    strcat(t, at + strlen("<vat-id>DE81234567</vat-id>"));
    run_rules(t, policy_rules, &d);
    CHECK(d.count == 3 && qs_diags_count(&d, QS_SEV_APPROVAL) == 1 &&
              qs_diags_count(&d, QS_SEV_WARNING) == 2,
          "approval and warnings only");
    CHECK(qs_exit_status(&d, /*draft*/ true, /*strict*/ false) == 0,
          "draft with an approval finding builds");
    CHECK(qs_exit_status(&d, /*draft*/ false, /*strict*/ false) == 1,
          "final with an approval finding does not");
    qs_diags_free(&d);
    free(t);
}

/* ---- the exit-status policy ---- */

static void test_exit_status(void)
{
    qs_diags d;
    qs_diags_init(&d);
    CHECK(qs_exit_status(&d, false, true) == 0, "no findings: 0");
    qs_diag_add(&d, QS_SEV_WARNING, "q.xml", 1, 1, "w", "warn");
    CHECK(qs_exit_status(&d, false, false) == 0, "warning, final: 0");
    CHECK(qs_exit_status(&d, true, false) == 0, "warning, draft: 0");
    CHECK(qs_exit_status(&d, false, true) == 1, "warning, --strict: 1");
    qs_diags_free(&d);

    qs_diags_init(&d);
    qs_diag_add(&d, QS_SEV_APPROVAL, "q.xml", 1, 1, "a", "needs approval");
    CHECK(qs_exit_status(&d, true, false) == 0, "approval, draft: 0");
    CHECK(qs_exit_status(&d, false, false) == 1, "approval, final: 1");
    CHECK(qs_exit_status(&d, true, true) == 1,
          "approval, draft --strict: 1");
    qs_diags_free(&d);

    qs_diags_init(&d);
    qs_diag_add(&d, QS_SEV_ERROR, "q.xml", 1, 1, "e", "broken");
    CHECK(qs_exit_status(&d, true, false) == 1, "error, draft: 1");
    qs_diags_free(&d);

    xmlDoc *t = parse("<quote status=\"draft\"/>", "t.xml");
    xmlDoc *f = parse("<quote status=\"final\"/>", "f.xml");
    CHECK(qs_rules_is_draft(t) && !qs_rules_is_draft(f), "draft detection");
    xmlFreeDoc(t);
    xmlFreeDoc(f);
}

/* ---- limits ---- */

static void test_regex_limit(void)
{
    size_t n = 5000;
    char *tree = malloc(n + 64);
    strcpy(tree, "<quote src=\"q.xml\"><s>");
    size_t at = strlen(tree);
    memset(tree + at, 'a', n);
    strcpy(tree + at + n, "b</s></quote>");

    const char *rules =
        "<rules version=\"1\">\n"
        "  <pattern id=\"evil\" select=\"/quote/s\" regex=\"(a+)+$\" severity=\"error\" message=\"m\"/>\n"
        "  <assert id=\"evil-test\" context=\"/quote/s\"\n"
        "    test=\"not(re:test(., '(a+)+$'))\" severity=\"error\" message=\"m\"/>\n"
        "</rules>\n";
    qs_diags d;
    double t0 = now();
    run_rules(tree, rules, &d);
    double dt = now() - t0;
    CHECK(dt < 1.0, "catastrophic pattern on 5000 a's ends in %.1f ms", dt * 1000);
    CHECK_STR(show(find(&d, "evil", 0)),
              "pricing/rules.xml:2:40: error: PCRE2 match limit exceeded while "
              "matching 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "aaaa...' [evil]",
              "pattern: the match limit is a rule error at the regex");
    CHECK_STR(show(find(&d, "evil-test", 0)),
              "pricing/rules.xml:4:5: error: re:test: PCRE2 match limit exceeded "
              "on regex '(a+)+$' [evil-test]",
              "re:test: the match limit fails the evaluation");
    CHECK(d.count == 2, "no finding besides the two limit errors");
    qs_diags_free(&d);
    free(tree);

    /* The wrapper itself: an error result distinct from no-match. */
    qs_regex_error err;
    qs_regex *re = qs_regex_new("(a+)+$", NULL, &err);
    char s[32];
    memset(s, 'a', 30);
    s[30] = 'b';
    s[31] = '\0';
    t0 = now();
    qs_regex_result r = qs_regex_match(re, s, 31, &err);
    dt = now() - t0;
    CHECK(r == QS_REGEX_ERROR && err.limit, "30 a's + b: limit error");
    CHECK(dt < 0.05, "stopped in %.3f ms", dt * 1000);
    CHECK(qs_regex_match(re, "aaa", 3, &err) == QS_REGEX_MATCH &&
              qs_regex_match(re, "b", 1, &err) == QS_REGEX_NO_MATCH,
          "ordinary match and no-match");
    qs_regex_free(re);
}

static void test_op_limit(void)
{
    size_t n = 3000;
    char *tree = malloc(n * 4 + 64);
    strcpy(tree, "<quote src=\"q.xml\">");
    char *end = tree + strlen(tree);
    for (size_t i = 0; i < n; i++, end += 4)
        memcpy(end, "<l/>", 4);
    strcpy(end, "</quote>");

    const char *slow =
        "<rules version=\"1\">\n"
        "  <assert id=\"slow\" context=\"/quote\" test=\"count(//*[count(//*) &gt; 0]) = 0\"\n"
        "          severity=\"warning\" message=\"m\"/>\n"
        "</rules>\n";
    qs_diags d;
    double t0 = now();
    run_rules(tree, slow, &d);
    double dt = now() - t0;
    CHECK(dt < 1.0, "count(//*[count(//*) > 0]) on 3000 nodes ends in %.1f ms",
          dt * 1000);
    CHECK_STR(show(find(&d, "slow", 0)),
              "pricing/rules.xml:2:38: error: XPath operation limit reached "
              "(more than 5000000 operations) [slow]",
              "test: operation limit is a rule error at the test");
    CHECK(d.count == 1, "one diagnostic for the slow rule");
    qs_diags_free(&d);

    const char *rules =
        "<rules version=\"1\">\n"
        "  <assert id=\"slow-select\" context=\"//*[count(//*) &gt; 0]\" test=\"true()\" severity=\"error\" message=\"m\"/>\n"
        "  <assert id=\"slow-sum\" context=\"//l\"\n"
        "          test=\"count(//*) + count(//*) + count(//*) &gt; 0\" severity=\"error\" message=\"m\"/>\n"
        "  <assert id=\"fast\" context=\"/quote\" test=\"count(//l) = 3000\" severity=\"error\" message=\"m\"/>\n"
        "</rules>\n";
    t0 = now();
    run_rules(tree, rules, &d);
    dt = now() - t0;
    CHECK(dt < 3.0, "op-limited rules end in %.1f ms", dt * 1000);
    CHECK_STR(show(find(&d, "slow-select", 0)),
              "pricing/rules.xml:2:28: error: XPath operation limit reached "
              "(more than 5000000 operations) [slow-select]",
              "context: operation limit is a rule error at the context");
    CHECK_STR(show(find(&d, "slow-sum", 0)),
              "pricing/rules.xml:3:3: error: XPath operation limit reached: "
              "the rule's evaluations took more than 20000000 operations in "
              "all [slow-sum]",
              "a rule merely slow on each of 3000 nodes hits its budget");
    CHECK(d.count == 2, "the fast rule passes after the slow ones");
    if (d.count != 2)
        dump(&d);
    qs_diags_free(&d);
    free(tree);
}

/* ---- broken rules ---- */

static void test_broken_rules(void)
{
    const char *rules =
        "<rules version=\"1\">\n"                                              /* 1 */
        "  <pattern id=\"bad-regex\" select=\"/quote/customer/vat-id\"\n"      /* 2 */
        "           regex=\"^(DE[0-9]{9}$\" severity=\"error\" message=\"m\"/>\n" /* 3 */
        "  <assert id=\"bad-test\" context=\"//line\" test=\"count(//line\" severity=\"error\" message=\"m\"/>\n" /* 4 */
        "  <assert id=\"bad-context\" context=\"//line[\" test=\"true()\" severity=\"error\" message=\"m\"/>\n" /* 5 */
        "  <assert id=\"bad-message\" context=\"/quote\" test=\"false()\" severity=\"warning\"\n" /* 6 */
        "          message=\"Angebot {@id\"/>\n"                                /* 7 */
        "  <assert id=\"bad-interp\" context=\"/quote\" test=\"false()\" severity=\"warning\" message=\"x {1 +}\"/>\n" /* 8 */
        "  <assert id=\"unknown-fn\" context=\"/quote\" test=\"document('/etc/passwd')\" severity=\"error\" message=\"m\"/>\n" /* 9 */
        "  <assert id=\"not-nodes\" context=\"count(//line)\" test=\"true()\" severity=\"error\" message=\"m\"/>\n" /* 10 */
        "  <assert id=\"bad-flag\" context=\"/quote\" test=\"re:test(@id, '2026', 'q')\" severity=\"error\" message=\"m\"/>\n" /* 11 */
        "  <assert id=\"interp-fails\" context=\"/quote\" test=\"false()\" severity=\"warning\" message=\"x {$nope} y\"/>\n" /* 12 */
        "</rules>\n";
    qs_diags d;
    run_rules(tree_xml, rules, &d);
    CHECK_STR(show(find(&d, "bad-regex", 0)),
              "pricing/rules.xml:3:12: error: invalid regex: missing closing "
              "parenthesis at offset 13 [bad-regex]",
              "invalid regex: PCRE2's message and offset at the regex");
    CHECK_STR(show(find(&d, "bad-test", 0)),
              "pricing/rules.xml:4:42: error: invalid XPath expression "
              "'count(//line': Invalid expression at offset 12 [bad-test]",
              "invalid test: libxml2's message and offset at the test");
    CHECK_STR(show(find(&d, "bad-context", 0)),
              "pricing/rules.xml:5:28: error: invalid XPath expression "
              "'//line[': Invalid expression at offset 7 [bad-context]",
              "invalid context at the context");
    CHECK_STR(show(find(&d, "bad-message", 0)),
              "pricing/rules.xml:7:11: error: message: unclosed '{' at offset 8 "
              "(write '{{' for a literal brace) [bad-message]",
              "unclosed brace in a message");
    CHECK_STR(show(find(&d, "bad-message", 1)),
              "samples/t/quote.xml:1:1: warning: Angebot {@id (rule at "
              "pricing/rules.xml:6) [bad-message]",
              "the finding still reports, with the raw message");
    CHECK_STR(show(find(&d, "bad-interp", 0)),
              "pricing/rules.xml:8:78: error: invalid XPath expression "
              "'1 +': Invalid expression at offset 3 [bad-interp]",
              "invalid {xpath} in a message");
    CHECK_STR(show(find(&d, "bad-interp", 1)),
              "samples/t/quote.xml:1:1: warning: x {1 +} (rule at "
              "pricing/rules.xml:8) [bad-interp]",
              "... the finding uses the raw message");
    CHECK_STR(show(find(&d, "unknown-fn", 0)),
              "pricing/rules.xml:9:44: error: XPath evaluation failed: "
              "Unregistered function (function document not found) [unknown-fn]",
              "document() does not exist");
    CHECK_STR(show(find(&d, "not-nodes", 0)),
              "pricing/rules.xml:10:26: error: context must select nodes, but "
              "gives a number [not-nodes]",
              "a context that is not a node-set");
    CHECK_STR(show(find(&d, "bad-flag", 0)),
              "pricing/rules.xml:11:42: error: re:test: invalid regex '2026': "
              "unknown regex flag 'q' (known: i, m, s, x) [bad-flag]",
              "unknown re:test flag");
    CHECK_STR(show(find(&d, "interp-fails", 0)),
              "pricing/rules.xml:12:80: error: XPath evaluation failed: "
              "Undefined variable [interp-fails]",
              "a failing {xpath} is reported at the message");
    CHECK_STR(show(find(&d, "interp-fails", 1)),
              "samples/t/quote.xml:1:1: warning: x {$nope} y (rule at "
              "pricing/rules.xml:12) [interp-fails]",
              "... and the finding keeps the raw message");
    CHECK(d.count == 12, "nothing else reported (got %zu)", d.count);
    if (d.count != 12)
        dump(&d);
    qs_diags_free(&d);
}

/* ---- re:test and qs: helpers ---- */

static void test_functions(void)
{
    const char *rules =
        "<rules version=\"1\">\n"
        "  <assert id=\"caseless\" context=\"/quote/customer\" test=\"re:test(name, '^MUSTER', 'i')\" severity=\"error\" message=\"m\"/>\n"
        "  <assert id=\"case\" context=\"/quote/customer\" test=\"re:test(name, '^MUSTER')\" severity=\"warning\" message=\"case matters\"/>\n"
        "  <assert id=\"multiline\" context=\"/quote\" test=\"re:test('a&#10;b', '^b$', 'm') and not(re:test('a&#10;b', '^b$'))\" severity=\"error\" message=\"m\"/>\n"
        "  <assert id=\"dotall\" context=\"/quote\" test=\"re:test('a&#10;b', 'a.b', 's') and not(re:test('a&#10;b', 'a.b'))\" severity=\"error\" message=\"m\"/>\n"
        "  <assert id=\"extended\" context=\"/quote\" test=\"re:test('ab', 'a b # comment', 'x')\" severity=\"error\" message=\"m\"/>\n"
        "  <assert id=\"utf8\" context=\"/quote/customer/address\" test=\"re:test(street, '^\xC3\x9C.{9} [0-9]+$')\" severity=\"error\" message=\"m\"/>\n"
        "  <assert id=\"iban\" context=\"/quote/seller/bank/iban\" test=\"qs:iban-valid(.)\" severity=\"error\" message=\"IBAN {.}\"/>\n"
        "  <assert id=\"iban-bad\" context=\"/quote/seller/bank/iban\" test=\"qs:iban-valid(translate(., '0', '1'))\" severity=\"error\" message=\"IBAN {translate(., '0', '1')} falsch\"/>\n"
        "  <assert id=\"days\" context=\"/quote\" test=\"qs:days-between(date, valid-until) = 35 and qs:date-valid('2028-02-29') and not(qs:date-valid('2026-02-29'))\" severity=\"error\" message=\"m\"/>\n"
        "</rules>\n";
    qs_diags d;
    run_rules(tree_xml, rules, &d);
    CHECK(!find(&d, "caseless", 0), "re:test with flag i matches");
    CHECK_STR(show(find(&d, "case", 0)),
              "samples/t/quote.xml:6:1: warning: case matters (rule at "
              "pricing/rules.xml:3) [case]",
              "re:test without flags is case-sensitive");
    CHECK(!find(&d, "multiline", 0) && !find(&d, "dotall", 0) &&
              !find(&d, "extended", 0),
          "re:test flags m, s, x");
    CHECK(!find(&d, "utf8", 0), "re:test counts characters, not bytes");
    CHECK(!find(&d, "iban", 0), "qs:iban-valid accepts DE89 3704 0044 0532 0130 00");
    CHECK_STR(show(find(&d, "iban-bad", 0)),
              "samples/t/quote.xml:5:1: error: IBAN DE89 3714 1144 1532 1131 11 "
              "falsch (rule at pricing/rules.xml:9) [iban-bad]",
              "qs:iban-valid rejects a wrong checksum");
    CHECK(!find(&d, "days", 0), "qs:days-between and qs:date-valid");
    CHECK(d.count == 2, "no other findings (got %zu)", d.count);
    if (d.count != 2)
        dump(&d);
    qs_diags_free(&d);

    /* The XPath module directly: compile error with its offset. */
    qs_diags_init(&d);
    xmlDoc *tree = parse(tree_xml, "tree.xml");
    qs_xpath *x = qs_xpath_new(tree, &d);
    qs_xpath_origin o = {"templates/t.xml", 7, 3, "template"};
    xmlXPathCompExprPtr e = qs_xpath_compile(x, "qs:iban-valid('GB82 WEST 1234 5698 7654 32')", &o);
    xmlXPathObjectPtr r = e ? qs_xpath_eval(x, e, NULL, &o) : NULL;
    CHECK(r && r->type == XPATH_BOOLEAN && r->boolval, "qs:iban-valid on a GB IBAN");
    xmlXPathFreeObject(r);
    xmlXPathFreeCompExpr(e);
    e = qs_xpath_compile(x, "1 +", &o);
    CHECK(!e && d.count == 1, "compile error returns NULL with one diagnostic");
    CHECK_STR(show(d.count ? &d.items[0] : NULL),
              "templates/t.xml:7:3: error: invalid XPath expression '1 +': "
              "Invalid expression at offset 3 [template]",
              "compile error at the origin");
    qs_xpath_free(x);
    xmlFreeDoc(tree);
    qs_diags_free(&d);
}

/* The XPath allocation budget: what libxml2 allocates while a context
 * lives counts against it; qs_xpath_reset_budget starts it afresh (leads:
 * one budget per row). 1,100 allocations of 1 MiB, each freed at once,
 * spend it without holding memory. */
static void test_budget_reset(void)
{
    qs_diags d;
    qs_diags_init(&d);
    xmlDoc *tree = parse(tree_xml, "tree.xml");
    qs_xpath *x = qs_xpath_new(tree, &d);
    qs_xpath_origin o = {"leads.xml", 3, 5, "size"};
    xmlXPathCompExprPtr e = qs_xpath_compile(x, "1 = 1", &o);
    for (int i = 0; i < 1100; i++)
        xmlFree(xmlMalloc(1024 * 1024));
    xmlXPathObjectPtr r = e ? qs_xpath_eval(x, e, NULL, &o) : NULL;
    CHECK(!r && d.count == 1, "past the budget, an evaluation fails");
    CHECK_STR(show(d.count ? &d.items[0] : NULL),
              "leads.xml:3:5: error: not evaluated: an earlier XPath expression used up "
              "the budget of 1024 MiB of allocations [size]",
              "the budget's diagnostic");
    xmlXPathFreeObject(r);
    qs_xpath_reset_budget(x);
    r = e ? qs_xpath_eval(x, e, NULL, &o) : NULL;
    CHECK(r && r->type == XPATH_BOOLEAN && r->boolval && d.count == 1,
          "after qs_xpath_reset_budget the same evaluation succeeds");
    xmlXPathFreeObject(r);
    xmlXPathFreeCompExpr(e);
    qs_xpath_free(x);
    xmlFreeDoc(tree);
    qs_diags_free(&d);
}

/* ---- built-in checks ---- */

/* tree_xml with the first occurrence of `from` replaced by `to`. */
static char *variant(const char *from, const char *to)
{
    const char *at = strstr(tree_xml, from);
    if (!at)
        return strdup(tree_xml);
    size_t head = (size_t)(at - tree_xml);
    char *out = malloc(strlen(tree_xml) - strlen(from) + strlen(to) + 1);
    memcpy(out, tree_xml, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

static void builtin(const char *from, const char *to, const char *rule,
                    const char *want)
{
    char *t = variant(from, to);
    qs_diags d;
    run_checks(t, &d);
    CHECK_STR(show(find(&d, rule, 0)), want, "built-in %s", rule);
    if (d.count != 1) {
        CHECK(d.count == 1, "built-in %s: one diagnostic (got %zu)", rule, d.count);
        dump(&d);
    }
    qs_diags_free(&d);
    free(t);
}

static void test_builtins(void)
{
    qs_diags d;
    run_checks(tree_xml, &d);
    CHECK(d.count == 0, "a sound quote passes the built-in checks");
    dump(&d);
    qs_diags_free(&d);

    builtin("<valid-until>2026-12-31", "<valid-until>2026-11-26",
            "validity-order",
            "samples/t/quote.xml:3:1: error: valid-until 2026-11-26 is not "
            "after the quote date 2026-11-26 [validity-order]");
    builtin("<city>Bremen</city>", "<city> </city>", "customer-address",
            "samples/t/quote.xml:6:1: error: a final quote needs the "
            "customer's name and address; missing: city [customer-address]");
    builtin("valid-until=\"2026-12-31\"", "valid-until=\"2026-12-15\"",
            "validity-beyond-pricelist",
            "samples/t/quote.xml:3:1: error: the quote is valid until "
            "2026-12-31, but price list PL-2026-DE (pricing/p.xml) is valid "
            "only until 2026-12-15 [validity-beyond-pricelist]");
    builtin("incoterm=\"DAP\"", "incoterm=\"DAT\"", "incoterm",
            "samples/t/quote.xml:12:1: error: unknown Incoterms 2020 code "
            "'DAT' (DAT became DPU in Incoterms 2020) [incoterm]");
    builtin("incoterm=\"DAP\"", "incoterm=\"dap\"", "incoterm",
            "samples/t/quote.xml:12:1: error: unknown Incoterms 2020 code "
            "'dap'; did you mean 'DAP'? [incoterm]");
    builtin("place=\"Bremen\"", "place=\"  \"", "incoterm-place",
            "samples/t/quote.xml:12:1: error: Incoterm DAP needs a named "
            "place (place=\"...\") [incoterm-place]");
    builtin("incoterm=\"DAP\"", "incoterm=\"FOB\"", "incoterm-sea",
            "samples/t/quote.xml:12:1: warning: Incoterm FOB is for sea and "
            "inland waterway transport only: mark the delivery "
            "by-sea=\"true\", or use FCA [incoterm-sea]");
    builtin("discount-days=\"10\"", "discount-days=\"30\"", "payment-terms",
            "samples/t/quote.xml:11:1: error: the cash discount period of 30 "
            "days must be shorter than the payment period of 30 days "
            "[payment-terms]");
    builtin(" discount-days=\"10\"", "", "payment-terms",
            "samples/t/quote.xml:11:1: error: a cash discount of 2 % needs "
            "discount-days (the period in which it applies) [payment-terms]");

    /* By sea, FOB is fine; a draft may lack the address. */
    char *t = variant("incoterm=\"DAP\"", "incoterm=\"FOB\" by-sea=\"true\"");
    run_checks(t, &d);
    CHECK(d.count == 0, "FOB by sea draws no warning");
    qs_diags_free(&d);
    free(t);
    t = variant("<city>Bremen</city>", "");
    char *draft = NULL;
    const char *st = strstr(t, "status=\"final\"");
    if (st) {
        draft = strdup(t);
        memcpy(draft + (st - t), "status=\"draft\"", 14);
    }
    run_checks(draft ? draft : t, &d);
    CHECK(d.count == 0, "a draft may lack parts of the customer address");
    qs_diags_free(&d);
    free(draft);
    free(t);
}

int main(void)
{
    test_findings();
    test_exit_status();
    test_regex_limit();
    test_op_limit();
    test_broken_rules();
    test_functions();
    test_budget_reset();
    test_builtins();
    xmlCleanupParser();
    return check_failures != 0;
}

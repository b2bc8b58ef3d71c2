/* test_package: the atomic package writer and manifest.json. Writes into
 * fresh temporary directories; runs from the repository root (it loads
 * tests/fixtures/mini). The failure-injection part re-runs this program
 * with the LD_PRELOAD shim tests/shim/failio.c (found as failio.so beside
 * this program, or named by $QS_FAILIO) and is skipped without it.
 * Tests run as root, so a chmod 0555 directory does not stop a write: the
 * unwritable-directory test uses a path under /proc instead (and chmod as
 * well when not root). */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "check.h"
#include "input.h"
#include "priced.h"
#include "package.h"
#include "quote.h"
#include "sha256.h"
#include "version.h"

#define MINI "tests/fixtures/mini"
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

typedef priced_quote run;

static void load(run *r)
{
    priced_load(r, MINI, MINI "/quote.xml");
}

static void unload(run *r)
{
    priced_free(r);
}

static char base[256];   /* this run's scratch directory */

static char *path_in(const char *name)
{
    static char buf[16][512];
    static int next;
    char *p = buf[next++ % 16];
    snprintf(p, 512, "%s/%s", base, name);
    return p;
}

/* The whole file, NUL-terminated (malloc'd), or NULL. */
static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[len] = '\0';
    if (size)
        *size = len;
    return buf;
}

static bool file_is(const char *path, const char *want)
{
    size_t n;
    char *got = slurp(path, &n);
    bool same = got && n == strlen(want) && memcmp(got, want, n) == 0;
    free(got);
    return same;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's entries (without . and ..), sorted, space-separated. */
static const char *listing(const char *dir)
{
    static char out[1024];
    char *names[64];
    size_t n = 0;
    out[0] = '\0';
    DIR *dp = opendir(dir);
    if (!dp)
        return "(none)";
    struct dirent *e;
    while ((e = readdir(dp)) && n < 64)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            names[n++] = strdup(e->d_name);
    closedir(dp);
    qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        strncat(out, i ? " " : "", sizeof out - strlen(out) - 1);
        strncat(out, names[i], sizeof out - strlen(out) - 1);
        free(names[i]);
    }
    return out;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static void file_hash(const char *path, char hex[QS_SHA256_HEX_SIZE], size_t *size)
{
    char *data = slurp(path, size);
    qs_sha256_hex(data, data ? *size : 0, hex);
    free(data);
}

static bool last_diag_is(const qs_diags *d, const char *rule, const char *text)
{
    return d->count > 0 && strcmp(d->items[d->count - 1].rule, rule) == 0 &&
           strstr(d->items[d->count - 1].message, text) != NULL;
}

static void test_sha256(void)
{
    char hex[QS_SHA256_HEX_SIZE];
    CHECK_STR(qs_sha256_hex("abc", 3, hex), SHA_ABC, "sha256(\"abc\")");
    CHECK_STR(qs_sha256_hex(NULL, 0, hex), SHA_EMPTY, "sha256(\"\")");
}

/* The exact manifest for the mini quote and the three outputs below. */
static void expected_manifest(char *out, size_t cap, const char *pdf_sha, size_t pdf_size)
{
    char hq[QS_SHA256_HEX_SIZE], hp[QS_SHA256_HEX_SIZE], hh[QS_SHA256_HEX_SIZE];
    size_t sq, sp, sh;
    file_hash(MINI "/quote.xml", hq, &sq);
    file_hash(MINI "/pricelist.xml", hp, &sp);
    file_hash(MINI "/hw.xml", hh, &sh);
    snprintf(out, cap,
        "{\n"
        "  \"tool\": \"quotesmith\",\n"
        "  \"version\": \"%s\",\n"
        "  \"quote\": \"T-1\",\n"
        "  \"status\": \"final\",\n"
        "  \"currency\": \"EUR\",\n"
        "  \"lang\": \"de\",\n"
        "  \"totals\": {\n"
        "    \"net\": \"107061.06\",\n"
        "    \"discount\": \"3211.83\",\n"
        "    \"taxable\": \"103849.23\",\n"
        "    \"gross\": \"123563.15\",\n"
        "    \"taxes\": [\n"
        "      {\n"
        "        \"id\": \"standard\",\n"
        "        \"percent\": \"19\",\n"
        "        \"base\": \"103704.02\",\n"
        "        \"amount\": \"19703.76\"\n"
        "      },\n"
        "      {\n"
        "        \"id\": \"reduced\",\n"
        "        \"percent\": \"7\",\n"
        "        \"base\": \"145.21\",\n"
        "        \"amount\": \"10.16\"\n"
        "      }\n"
        "    ]\n"
        "  },\n"
        "  \"inputs\": [\n"
        "    {\n      \"path\": \"quote.xml\",\n      \"sha256\": \"%s\",\n      \"size\": %zu\n    },\n"
        "    {\n      \"path\": \"pricelist.xml\",\n      \"sha256\": \"%s\",\n      \"size\": %zu\n    },\n"
        "    {\n      \"path\": \"hw.xml\",\n      \"sha256\": \"%s\",\n      \"size\": %zu\n    }\n"
        "  ],\n"
        "  \"outputs\": [\n"
        "    {\n      \"name\": \"T-1.pdf\",\n      \"size\": %zu,\n      \"sha256\": \"%s\"\n    },\n"
        "    {\n      \"name\": \"T-1.ubl.xml\",\n      \"size\": 3,\n      \"sha256\": \"" SHA_ABC "\"\n    },\n"
        "    {\n      \"name\": \"empty.txt\",\n      \"size\": 0,\n      \"sha256\": \"" SHA_EMPTY "\"\n    }\n"
        "  ],\n"
        "  \"diagnostics\": {\n"
        "    \"error\": 0,\n"
        "    \"approval\": 0,\n"
        "    \"warning\": 1,\n"
        "    \"note\": 2\n"
        "  }\n"
        "}\n",
        QS_VERSION, hq, sq, hp, sp, hh, sh, pdf_size, pdf_sha);
}

static void write_package(run *r, const char *dir, const char *pdf, qs_diags *findings,
                          bool *ok)
{
    qs_output outs[] = {
        {"T-1.pdf", (const unsigned char *)pdf, strlen(pdf)},
        {"T-1.ubl.xml", (const unsigned char *)"abc", 3},
        {"empty.txt", (const unsigned char *)"", 0},
    };
    *ok = qs_package_write(dir, outs, 3, &r->q, findings, &r->d);
}

static void test_good_write_and_rewrite(run *r)
{
    qs_diags findings;
    qs_diags_init(&findings);
    qs_diag_add(&findings, QS_SEV_WARNING, NULL, 0, 0, "margin", "low");
    qs_diag_add(&findings, QS_SEV_NOTE, NULL, 0, 0, "n", "one");
    qs_diag_add(&findings, QS_SEV_NOTE, NULL, 0, 0, "n", "two");

    char dir[512];   /* parent "out" does not exist */
    snprintf(dir, sizeof dir, "%s", path_in("out/T-1"));
    bool ok;
    write_package(r, dir, "%PDF-old\n", &findings, &ok);
    CHECK(ok && r->d.count == 0 && !r->d.environment_failed, "first write succeeds");
    CHECK_STR(listing(dir), "T-1.pdf T-1.ubl.xml empty.txt manifest.json",
              "exactly the package, no temporaries");
    CHECK(file_is(path_in("out/T-1/T-1.pdf"), "%PDF-old\n"), "pdf bytes");
    CHECK(file_is(path_in("out/T-1/T-1.ubl.xml"), "abc"), "ubl bytes");
    CHECK(file_is(path_in("out/T-1/empty.txt"), ""), "empty file");
    struct stat st;
    CHECK(stat(path_in("out/T-1/T-1.pdf"), &st) == 0 && (st.st_mode & 0777) == 0644,
          "mode 0666 & ~umask");

    static char want[8192];
    char hex[QS_SHA256_HEX_SIZE];
    expected_manifest(want, sizeof want, qs_sha256_hex("%PDF-old\n", 9, hex), 9);
    size_t n;
    char *got = slurp(path_in("out/T-1/manifest.json"), &n);
    CHECK(got && strcmp(got, want) == 0, "manifest.json exact (sha256, sizes, paths "
          "relative to the root, totals, counts)");
    if (got && strcmp(got, want) != 0)
        printf("--- got:\n%s--- want:\n%s", got, want);
    free(got);

    size_t msize;
    qs_output outs[] = {
        {"T-1.pdf", (const unsigned char *)"%PDF-old\n", 9},
        {"T-1.ubl.xml", (const unsigned char *)"abc", 3},
        {"empty.txt", (const unsigned char *)"", 0},
    };
    char *m1 = qs_package_manifest(outs, 3, &r->q, &findings, &msize);
    char *m2 = qs_package_manifest(outs, 3, &r->q, &findings, &msize);
    CHECK(strcmp(m1, m2) == 0 && strcmp(m1, want) == 0 && msize == strlen(want),
          "qs_package_manifest: deterministic, same text as written");
    free(m1);
    free(m2);

    write_package(r, dir, "%PDF-new, longer\n", &findings, &ok);
    CHECK(ok && r->d.count == 0, "second write over the package succeeds");
    CHECK(file_is(path_in("out/T-1/T-1.pdf"), "%PDF-new, longer\n"), "pdf replaced");
    CHECK_STR(listing(dir), "T-1.pdf T-1.ubl.xml empty.txt manifest.json",
              "no temporaries or backups after the second write");
    expected_manifest(want, sizeof want, qs_sha256_hex("%PDF-new, longer\n", 17, hex), 17);
    CHECK(file_is(path_in("out/T-1/manifest.json"), want), "manifest replaced");
    qs_diags_free(&findings);
}

static void test_outdir_is_file(run *r)
{
    FILE *f = fopen(path_in("afile"), "w");
    fputs("keep", f);
    fclose(f);
    bool ok;
    write_package(r, path_in("afile"), "x", NULL, &ok);
    CHECK(!ok && r->d.environment_failed, "OUTDIR that is a file: refused, exit 2");
    CHECK(last_diag_is(&r->d, "output", "is not a directory"), "diagnostic [output]");
    CHECK(file_is(path_in("afile"), "keep"), "the file is untouched");
    r->d.environment_failed = 0;

    write_package(r, path_in("afile/sub"), "x", NULL, &ok);
    CHECK(!ok && r->d.environment_failed, "OUTDIR below a file: refused");
    CHECK(last_diag_is(&r->d, "output", "is not a directory"), "diagnostic [output]");
    r->d.environment_failed = 0;
}

static void test_unwritable(run *r)
{
    bool ok;
    write_package(r, "/proc/self/quotesmith-test-out", "x", NULL, &ok);
    CHECK(!ok && r->d.environment_failed, "OUTDIR under /proc: refused, exit 2");
    CHECK(last_diag_is(&r->d, "output", "/proc/self/quotesmith-test-out"),
          "diagnostic names the path");
    r->d.environment_failed = 0;
    if (geteuid() == 0) {
        printf("skip chmod 0555 test: running as root, which ignores it\n");
        return;
    }
    const char *dir = path_in("readonly");
    mkdir(dir, 0755);
    chmod(dir, 0555);
    write_package(r, dir, "x", NULL, &ok);
    CHECK(!ok && r->d.environment_failed, "chmod 0555 OUTDIR: refused");
    CHECK_STR(listing(dir), "", "nothing left inside");
    chmod(dir, 0755);
    r->d.environment_failed = 0;
}

static void test_bad_names(run *r)
{
    static const char *const bad[] = {"../x", "a/b", "", ".", "..", "manifest.json"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qs_output out = {bad[i], (const unsigned char *)"x", 1};
        bool ok = qs_package_write(path_in("bad"), &out, 1, &r->q, NULL, &r->d);
        CHECK(!ok && r->d.internal_failed, "output name '%s' refused", bad[i]);
        r->d.internal_failed = 0;
    }
    qs_output dup[] = {{"a", (const unsigned char *)"x", 1}, {"a", (const unsigned char *)"y", 1}};
    CHECK(!qs_package_write(path_in("bad"), dup, 2, &r->q, NULL, &r->d) && r->d.internal_failed,
          "duplicate names refused");
    r->d.internal_failed = 0;
    CHECK_STR(listing(path_in("bad")), "(none)", "nothing created for bad names");
}

static void test_json_escaping(run *r)
{
    qs_output outs[] = {
        {"a\"b\\c.txt", (const unsigned char *)"", 0},
        {"x\xff.bin", (const unsigned char *)"", 0},
        {"tab\there \xc3\xa4.txt", (const unsigned char *)"", 0},
    };
    size_t n;
    char *m = qs_package_manifest(outs, 3, &r->q, NULL, &n);
    CHECK(strstr(m, "\"name\": \"a\\\"b\\\\c.txt\"") != NULL, "quote and backslash escaped");
    CHECK(strstr(m, "\"name\": \"x\xef\xbf\xbd.bin\"") != NULL, "invalid UTF-8 -> U+FFFD");
    CHECK(strstr(m, "\"name\": \"tab\\there \xc3\xa4.txt\"") != NULL, "tab escaped, UTF-8 kept");
    CHECK(strstr(m, "\"error\": 0,\n    \"approval\": 0,\n    \"warning\": 0,\n    \"note\": 0")
          != NULL, "no findings: zero counts");
    free(m);
}

/* ---- failure injection through the LD_PRELOAD shim ---- */

/* Child mode: write the mini quote's package with outputs saying `tag`.
 * Exit status as quotesmith's: 0 written, 2 environment, 3 internal. */
static int child_write(const char *dir, const char *tag)
{
    run r;
    load(&r);
    if (!r.ok)
        return 3;
    qs_output outs[] = {
        {"T-1.pdf", (const unsigned char *)tag, strlen(tag)},
        {"T-1.ubl.xml", (const unsigned char *)tag, strlen(tag)},
    };
    bool ok = qs_package_write(dir, outs, 2, &r.q, NULL, &r.d);
    qs_diags_print_text(&r.d, stderr);
    int status = ok ? 0 : r.d.internal_failed ? 3 : 2;
    unload(&r);
    return status;
}

/* Runs this program in child mode, with the shim when `fail` is set.
 * Returns the exit status; the child's stderr goes to base/child.err. */
static int spawn(const char *shim, const char *fail, const char *dir, const char *tag)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(path_in("child.err"), "w", stderr))
            _exit(99);
        if (fail) {
            setenv("LD_PRELOAD", shim, 1);
            setenv("QS_FAIL", fail, 1);
            setenv("QS_FAIL_DIR", dir, 1);
            /* An ASan build must accept a library loaded before its runtime. */
            const char *asan = getenv("ASAN_OPTIONS");
            char opts[512];
            snprintf(opts, sizeof opts, "%s%sverify_asan_link_order=0",
                     asan ? asan : "", asan && *asan ? ":" : "");
            setenv("ASAN_OPTIONS", opts, 1);
        }
        execl("/proc/self/exe", "test_package", "--child", dir, tag, (char *)NULL);
        _exit(98);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_shim(const char *self)
{
    char shim[512];
    const char *env = getenv("QS_FAILIO");
    if (env) {
        snprintf(shim, sizeof shim, "%s", env);
    } else {
        char *real = realpath(self, NULL);
        char *slash = real ? strrchr(real, '/') : NULL;
        if (slash)
            *slash = '\0';
        snprintf(shim, sizeof shim, "%s/failio.so", real ? real : ".");
        free(real);
    }
    if (access(shim, R_OK) != 0) {
        printf("skip failure injection: no shim at %s (set QS_FAILIO)\n", shim);
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path_in("shim"));
    CHECK(spawn(shim, NULL, dir, "old") == 0, "shim: the earlier package is written");
    size_t n;
    char *old_manifest = slurp(path_in("shim/manifest.json"), &n);

    static const char *const faults[] = {
        /* open 1 is the folder itself, for its lock */
        "open:ENOSPC:1",    /* the folder cannot be opened to lock it */
        "open:EACCES:2",    /* the first temporary */
        "open:ENOSPC:4",    /* the manifest's temporary */
        "write:ENOSPC:1",   /* disk full on the first write */
        "write:ENOSPC:3",   /* disk full on the manifest */
        "write:EIO:2+",
        "fsync:EIO:2",
        "close:EIO:1",
        "link:EIO:2",       /* the backup of the second file */
        "rename:EIO:1",
        "rename:EIO:2",     /* after the pdf was replaced: rolled back */
        "rename:EXDEV:3",   /* the manifest, last: both outputs rolled back */
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        int status = spawn(shim, faults[i], dir, "new");
        char *err = slurp(path_in("child.err"), &n);
        char *manifest = slurp(path_in("shim/manifest.json"), &n);
        CHECK(status == 2, "%s: exit 2 (got %d)", faults[i], status);
        CHECK(err && strstr(err, "[output]"), "%s: diagnostic [output]", faults[i]);
        CHECK(file_is(path_in("shim/T-1.pdf"), "old") &&
              file_is(path_in("shim/T-1.ubl.xml"), "old") && manifest && old_manifest &&
              strcmp(manifest, old_manifest) == 0,
              "%s: the earlier package is byte-identical", faults[i]);
        CHECK_STR(listing(dir), "T-1.pdf T-1.ubl.xml manifest.json",
                  "%s: no temporary or backup left", faults[i]);
        free(err);
        free(manifest);
    }

    CHECK(spawn(shim, "mkdir:EACCES:1", path_in("shim-new/a"), "new") == 2,
          "mkdir:EACCES:1: exit 2");
    CHECK_STR(listing(path_in("shim-new")), "", "mkdir:EACCES:1: the parent made, not OUTDIR");

    /* Interrupted and short writes are retried, not failures. */
    static const char *const retried[] = {
        "write:EINTR:1,write:EINTR:2", "write:SHORT:1+", "fsync:EINTR:1"
    };
    for (size_t i = 0; i < sizeof retried / sizeof retried[0]; i++) {
        char tag[32];
        snprintf(tag, sizeof tag, "retried-%zu, a longer text", i);
        int status = spawn(shim, retried[i], dir, tag);
        CHECK(status == 0, "%s: written (got %d)", retried[i], status);
        CHECK(file_is(path_in("shim/T-1.pdf"), tag), "%s: new content", retried[i]);
        CHECK_STR(listing(dir), "T-1.pdf T-1.ubl.xml manifest.json",
                  "%s: no temporary left", retried[i]);
    }
    free(old_manifest);
}

/* The one "inside this folder" test (qs_path_below) and the real path of
 * a file that may not exist yet (qs_path_real), which the report's
 * register and the sent lock use: "..", symlinks and missing folders. */
static void test_paths(void)
{
    CHECK_STR(qs_path_below("/a/b/c", "/a"), "b/c", "qs_path_below: below");
    CHECK_STR(qs_path_below("/a", "/a"), "", "qs_path_below: the folder itself");
    CHECK(!qs_path_below("/ab", "/a"), "qs_path_below: /ab is not below /a");
    CHECK(!qs_path_below("/b", "/a/b"), "qs_path_below: a parent is not below");
    CHECK_STR(qs_path_below("/a/b", "/"), "a/b", "qs_path_below: below /");
    CHECK(!qs_path_below(NULL, "/a"), "qs_path_below: NULL is below nothing");

    char real_base[4096], want[4200], link[600];
    CHECK(realpath(base, real_base) != NULL, "scratch directory resolves");
    char *r = qs_path_real(path_in("new/sub/x.sqlite"));
    snprintf(want, sizeof want, "%s/new/sub/x.sqlite", real_base);
    CHECK_STR(r ? r : "(null)", want, "qs_path_real: missing folders appended");
    free(r);
    r = qs_path_real(path_in("new/../../x.sqlite"));
    CHECK(!r, "qs_path_real: a missing folder's \"..\" climbing out is refused");
    free(r);
    r = qs_path_real(path_in("."));
    CHECK_STR(r ? r : "(null)", real_base, "qs_path_real: an existing folder");
    free(r);
    /* A symlink and the ".." after it are followed as the system follows
     * them (to /usr, not to the scratch directory). */
    snprintf(link, sizeof link, "%s", path_in("ln"));
    CHECK(symlink("/usr/share", link) == 0, "symlink ln -> /usr/share");
    r = qs_path_real(path_in("ln/../qs-none/y"));
    CHECK_STR(r ? r : "(null)", "/usr/qs-none/y", "qs_path_real: symlink, then \"..\"");
    free(r);
    unlink(link);
}

int main(int argc, char **argv)
{
    umask(022);
    xmlInitParser();
    if (argc == 4 && strcmp(argv[1], "--child") == 0) {
        int status = child_write(argv[2], argv[3]);
        xmlCleanupParser();
        return status;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(base, sizeof base, "%s/qs-test-package-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(base)) {
        printf("FAIL cannot create a scratch directory\n");
        return 1;
    }
    run r;
    load(&r);
    CHECK(r.ok, "mini fixture loads and prices");
    test_sha256();
    test_paths();
    if (r.ok) {
        test_good_write_and_rewrite(&r);
        test_outdir_is_file(&r);
        test_unwritable(&r);
        test_bad_names(&r);
        test_json_escaping(&r);
    }
    unload(&r);
    test_shim(argv[0]);
    nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    xmlCleanupParser();
    return check_failures ? 1 : 0;
}

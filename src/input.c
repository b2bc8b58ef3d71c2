/* input: safe reading of every input file: confinement to the project root,
 * size caps, a byte-level pre-scan (DOCTYPE, depth, attribute counts),
 * parsing from memory with libxml2's dangerous features off, and schema
 * validation against the schemas built into the binary. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <libxml/xmlschemas.h>

#include "arena.h"
#include "embedded.h"

/* ---- paths ---- */

const char *qs_path_below(const char *real, const char *dir)
{
    size_t n = strlen(dir);
    if (!real || n == 0 || strncmp(real, dir, n) != 0)
        return NULL;
    if (real[n] == '\0' || dir[n - 1] == '/')
        return real + n;
    return real[n] == '/' ? real + n + 1 : NULL;
}

/* Collapses "." and ".." and repeated slashes in a relative or absolute
 * path, in place. A relative path may keep leading ".." segments. */
static void normalise_path(char *path)
{
    bool absolute = path[0] == '/';
    char *segs[PATH_MAX / 2];
    size_t nsegs = 0;
    char *save = NULL;
    char *copy = qs_xstrdup(path);
    for (char *s = strtok_r(copy, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
        if (strcmp(s, ".") == 0)
            continue;
        if (strcmp(s, "..") == 0 && nsegs > 0 && strcmp(segs[nsegs - 1], "..") != 0) {
            nsegs--;
            continue;
        }
        if (strcmp(s, "..") == 0 && absolute)
            continue;
        if (nsegs < sizeof segs / sizeof *segs)
            segs[nsegs++] = s;
    }
    char *out = path;
    if (absolute)
        *out++ = '/';
    for (size_t i = 0; i < nsegs; i++) {
        size_t n = strlen(segs[i]);
        memmove(out, segs[i], n);
        out += n;
        if (i + 1 < nsegs)
            *out++ = '/';
    }
    if (out == path)
        *out++ = '.';
    *out = '\0';
    free(copy);
}

/* The absolute form of a display path, for confinement checks (malloc'd). */
static char *absolute_of(const char *display)
{
    if (display[0] == '/') {
        char *p = qs_xstrdup(display);
        normalise_path(p);
        return p;
    }
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    size_t n = strlen(cwd) + strlen(display) + 2;
    char *p = qs_xmalloc(n);
    snprintf(p, n, "%s/%s", cwd, display);
    normalise_path(p);
    return p;
}

/* `resolved` (a real path) with `rest` (the part below it that does not
 * exist yet) normalised and appended; NULL when `rest` climbs out. */
static char *append_rest(const char *resolved, const char *rest)
{
    char *tail = qs_xmalloc(strlen(rest) + 2);   /* "" normalises to "." */
    strcpy(tail, rest);
    normalise_path(tail);
    char *real = NULL;
    if (strcmp(tail, "..") == 0 || strncmp(tail, "../", 3) == 0)
        real = NULL;
    else if (strcmp(tail, ".") == 0)
        real = qs_xstrdup(resolved);
    else {
        size_t n = strlen(resolved);
        real = qs_xmalloc(n + strlen(tail) + 2);
        sprintf(real, "%s%s%s", resolved, resolved[n - 1] == '/' ? "" : "/", tail);
    }
    free(tail);
    return real;
}

char *qs_path_real(const char *path)
{
    char *abs = path[0] == '/' ? qs_xstrdup(path) : NULL;
    if (!abs) {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            return NULL;
        abs = qs_xmalloc(strlen(cwd) + strlen(path) + 2);
        sprintf(abs, "%s/%s", cwd, path);
    }
    /* Cut the path at its last '/' until what is left exists; the rest is
     * appended to that part's real path, so a ".." or a symlink is
     * followed wherever it exists, as the system will follow it. */
    char *real = NULL;
    size_t cut = strlen(abs);
    for (;;) {
        char saved = abs[cut];
        abs[cut] = '\0';
        char resolved[PATH_MAX];
        bool found = realpath(cut ? abs : "/", resolved) != NULL;
        abs[cut] = saved;
        if (found) {
            real = append_rest(resolved, abs + cut + (abs[cut] == '/'));
            break;
        }
        if ((errno != ENOENT && errno != ENOTDIR) || cut == 0)
            break;
        while (cut > 0 && abs[cut - 1] != '/')
            cut--;
        if (cut == 0)
            break;
        cut--;
    }
    free(abs);
    return real;
}

static void at_origin(const qs_origin *at, const char **file, unsigned *line,
                      unsigned *col)
{
    *file = at ? at->file : NULL;
    *line = at ? at->line : 0;
    *col = at ? at->col : 0;
}

bool qs_inputs_init(qs_inputs *in, const char *root, size_t max_file_size,
                    qs_diags *d)
{
    memset(in, 0, sizeof *in);
    in->max_file_size = max_file_size;
    char resolved[PATH_MAX];
    struct stat st;
    if (!realpath(root, resolved) || stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode)) {
        qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "root",
                    "project root '%s' is not a directory", root);
        qs_diags_set_environment_failed(d);
        return false;
    }
    in->root = qs_xstrdup(resolved);
    return true;
}

void qs_inputs_free(qs_inputs *in)
{
    qs_input *s = in->head;
    while (s) {
        qs_input *next = s->next;
        free(s->path);
        free(s->real);
        free(s->data);
        free(s->lines);
        free(s->elements);
        xmlFreeDoc(s->doc);
        free(s);
        s = next;
    }
    free(in->root);
    memset(in, 0, sizeof *in);
}

void qs_input_release_document(qs_input *s)
{
    if (!s || !s->doc)
        return;
    xmlFreeDoc(s->doc);
    s->doc = NULL;
    free(s->elements);
    s->elements = NULL;
    s->nelements = 0;
    s->elements_indexed = false;
    /* A file that failed keeps failing without a second report. */
    s->released = !s->failed;
}

void qs_inputs_release_documents(qs_inputs *in)
{
    for (qs_input *s = in->head; s; s = s->next)
        qs_input_release_document(s);
}

static bool has_scheme(const char *href)
{
    const char *p = href;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
           (p > href && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')))
        p++;
    return p > href && *p == ':';
}

bool qs_input_resolve(qs_inputs *in, const char *base, const char *href,
                      const qs_origin *at, char **out, qs_diags *d)
{
    const char *file;
    unsigned line, col;
    at_origin(at, &file, &line, &col);
    *out = NULL;
    if (strlen(base) + strlen(href) >= PATH_MAX) {
        qs_diag_add(d, QS_SEV_ERROR, file, line, col, "path-outside-root",
                    "href is longer than %d bytes", PATH_MAX);
        return false;
    }
    if (href[0] == '\0' || href[0] == '/' || has_scheme(href) || strchr(href, '\\')) {
        qs_diag_add(d, QS_SEV_ERROR, file, line, col, "path-outside-root",
                    "href '%s' must be a relative path inside the project root '%s' "
                    "(choose the root with --root)", href, in->root);
        return false;
    }
    const char *slash = strrchr(base, '/');
    size_t dirlen = slash ? (size_t)(slash - base) + 1 : 0;
    size_t n = dirlen + strlen(href) + 1;
    char *path = qs_xmalloc(n);
    memcpy(path, base, dirlen);
    strcpy(path + dirlen, href);
    normalise_path(path);

    char *abs = absolute_of(path);
    if (!abs || !qs_path_below(abs, in->root)) {
        qs_diag_add(d, QS_SEV_ERROR, file, line, col, "path-outside-root",
                    "href '%s' leads outside the project root '%s' "
                    "(choose the root with --root)", href, in->root);
        free(abs);
        free(path);
        return false;
    }
    free(abs);
    *out = path;
    return true;
}

/* ---- reading bytes ---- */

static qs_input *find_input(const qs_inputs *in, const char *real)
{
    for (qs_input *s = in->head; s; s = s->next)
        if (strcmp(s->real, real) == 0)
            return s;
    return NULL;
}

qs_read_status qs_file_read(const char *path, size_t max_size,
                            unsigned char **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    if (fd < 0)
        return QS_READ_ERRNO;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return QS_READ_ERRNO;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return QS_READ_NOT_REGULAR;
    }
    if ((unsigned long long)st.st_size > max_size) {
        close(fd);
        return QS_READ_TOO_LARGE;
    }
    /* Read up to one byte past the cap, in case the file grew meanwhile. */
    size_t cap = max_size + 1, got_total = 0;
    size_t alloc = (size_t)st.st_size + 1;
    unsigned char *buf = qs_xmalloc(alloc + 1);
    for (;;) {
        if (got_total == alloc) {
            if (alloc >= cap)
                break;
            alloc = alloc * 2 < cap ? alloc * 2 : cap;
            buf = qs_xrealloc(buf, alloc + 1);
        }
        ssize_t got = read(fd, buf + got_total, alloc - got_total);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = errno;
            free(buf);
            close(fd);
            errno = err;
            return QS_READ_ERRNO;
        }
        if (got == 0)
            break;
        got_total += (size_t)got;
    }
    close(fd);
    if (got_total > max_size) {
        free(buf);
        return QS_READ_TOO_LARGE;
    }
    buf[got_total] = '\0';
    *data = buf;
    *size = got_total;
    return QS_READ_OK;
}

unsigned char *qs_file_read_reported(const char *path, size_t max_size,
                                     const char *display, const char *rule,
                                     const char *what, size_t *size, qs_diags *d)
{
    unsigned char *data = NULL;
    switch (qs_file_read(path, max_size, &data, size)) {
    case QS_READ_OK:
        break;
    case QS_READ_ERRNO:
        qs_diag_add(d, QS_SEV_ERROR, display, 0, 0, rule, "cannot read %s: %s", what,
                    strerror(errno));
        qs_diags_set_environment_failed(d);
        break;
    case QS_READ_NOT_REGULAR:
        qs_diag_add(d, QS_SEV_ERROR, display, 0, 0, rule, "%s is not a regular file",
                    what);
        break;
    case QS_READ_TOO_LARGE:
        qs_diag_add(d, QS_SEV_ERROR, display, 0, 0, rule,
                    "%s file is larger than %zu bytes", what, max_size);
        break;
    }
    return data;
}

qs_input *qs_input_read(qs_inputs *in, const char *path, const qs_origin *at,
                        qs_diags *d)
{
    const char *file;
    unsigned line, col;
    at_origin(at, &file, &line, &col);
    if (!at)
        file = path;

    char real[PATH_MAX];
    if (!realpath(path, real)) {
        qs_diag_add(d, QS_SEV_ERROR, file, line, col, "file-not-found",
                    "cannot read '%s': %s", path, strerror(errno));
        if (!at)
            qs_diags_set_environment_failed(d);
        return NULL;
    }
    if (!qs_path_below(real, in->root)) {
        qs_diag_add(d, QS_SEV_ERROR, file, line, col, "path-outside-root",
                    "'%s' resolves to '%s', outside the project root '%s' "
                    "(choose the root with --root)", path, real, in->root);
        if (!at)
            qs_diags_set_environment_failed(d);
        return NULL;
    }
    qs_input *seen = find_input(in, real);
    if (seen)
        return seen;

    unsigned char *data = NULL;
    size_t size = 0;
    switch (qs_file_read(real, in->max_file_size, &data, &size)) {
    case QS_READ_OK:
        break;
    case QS_READ_ERRNO:
        qs_diag_add(d, QS_SEV_ERROR, file, line, col, "file-not-found",
                    "cannot read '%s': %s", path, strerror(errno));
        qs_diags_set_environment_failed(d);
        return NULL;
    case QS_READ_NOT_REGULAR:
        qs_diag_add(d, QS_SEV_ERROR, file, line, col, "not-a-file",
                    "'%s' is not a regular file", path);
        if (!at)
            qs_diags_set_environment_failed(d);
        return NULL;
    case QS_READ_TOO_LARGE:
        qs_diag_add(d, QS_SEV_ERROR, file, line, col, "file-too-large",
                    "'%s' is larger than the limit of %zu bytes "
                    "(raise it with --max-file-size)", path, in->max_file_size);
        return NULL;
    }

    size_t run_max = in->max_file_size > SIZE_MAX / QS_MAX_RUN_FILES_FACTOR
                         ? SIZE_MAX : in->max_file_size * QS_MAX_RUN_FILES_FACTOR;
    if (size > run_max - in->bytes) {
        free(data);
        qs_diag_add(d, QS_SEV_ERROR, file, line, col, "file-too-large",
                    "reading '%s' would take the files of this run past %zu bytes "
                    "together (%u times the file size limit)", path, run_max,
                    QS_MAX_RUN_FILES_FACTOR);
        return NULL;
    }
    in->bytes += size;

    qs_input *s = qs_xcalloc(1, sizeof *s);
    s->path = qs_xstrdup(path);
    s->real = qs_xstrdup(real);
    s->data = data;
    s->size = size;
    if (in->tail)
        in->tail->next = s;
    else
        in->head = s;
    in->tail = s;
    return s;
}

/* ---- line and column bookkeeping ---- */

/* Records where each line starts: two memchr passes over the bytes (a byte
 * loop cost 0.4 M instructions for the files of an ordinary build). */
static void index_lines(qs_input *s)
{
    if (s->lines)
        return;
    const unsigned char *p, *end = s->data + s->size;
    size_t n = 1;
    for (p = s->data; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        n++;
    s->lines = qs_xmalloc(n * sizeof *s->lines);
    s->nlines = 0;
    s->lines[s->nlines++] = 0;
    for (p = s->data; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        s->lines[s->nlines++] = (size_t)(p + 1 - s->data);
}

/* The 1-based line and character column of byte offset `off`. */
static void position_of(qs_input *s, size_t off, unsigned *line, unsigned *col)
{
    index_lines(s);
    size_t lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = (unsigned)(lo + 1);
    unsigned c = 1;
    for (size_t i = s->lines[lo]; i < off; i++)
        c += (s->data[i] & 0xC0) != 0x80;
    *col = c;
}

static bool is_name_end(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' ||
           c == '>' || c == '=' || c == '\0';
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Offset of the attribute `name` in the start tag at `tag`, or false. */
static bool find_attribute(const unsigned char *p, size_t n, size_t tag,
                           const char *name, size_t *at)
{
    size_t i = tag + 1, len = strlen(name);
    while (i < n && !is_name_end(p[i]))
        i++;
    for (;;) {
        while (i < n && is_space(p[i]))
            i++;
        if (i >= n || p[i] == '>' || p[i] == '/')
            return false;
        size_t start = i;
        while (i < n && !is_name_end(p[i]))
            i++;
        size_t end = i;
        while (i < n && is_space(p[i]))
            i++;
        if (i >= n || p[i] != '=')
            return false;
        i++;
        while (i < n && is_space(p[i]))
            i++;
        if (i >= n || (p[i] != '"' && p[i] != '\''))
            return false;
        unsigned char quote = p[i++];
        while (i < n && p[i] != quote)
            i++;
        i++;
        if (end - start == len && memcmp(p + start, name, len) == 0) {
            *at = start;
            return true;
        }
    }
}

/* The offset of the last start tag of `name` (len bytes) that begins in
 * the bytes [from, to), in *tag; false when there is none. */
static bool last_tag_start(const qs_input *s, size_t from, size_t to,
                           const xmlChar *name, size_t len, size_t *tag)
{
    bool found = false;
    for (const unsigned char *p = s->data + from;
         (p = memchr(p, '<', to - (size_t)(p - s->data))) != NULL; p++) {
        size_t i = (size_t)(p - s->data);
        if (i + 1 + len < s->size && memcmp(p + 1, name, len) == 0 &&
            is_name_end(p[1 + len])) {
            *tag = i;
            found = true;
        }
    }
    return found;
}

static bool element_offset(qs_input *s, const xmlNode *node, size_t *at);

/* Largest start tag searched back over, in bytes. */
enum { MAX_START_TAG = 64 * 1024 };

void qs_input_locate(const qs_input *src, const xmlNode *node, const char *attr,
                     unsigned *line, unsigned *col)
{
    qs_input *s = (qs_input *)src; /* the line index is a cache */
    size_t big;
    if (node->line == 65535 && s->data && element_offset(s, node, &big)) {
        if (attr)
            find_attribute(s->data, s->size, big, attr, &big);
        position_of(s, big, line, col);
        return;
    }
    long l = xmlGetLineNo(node);
    *line = l > 0 ? (unsigned)l : 0;
    *col = 1;
    if (l < 1 || !s->data)
        return;
    index_lines(s);
    if ((size_t)l > s->nlines)
        return;
    /* libxml2 records the line where a start tag ends: the tag begins at
     * the last "<name" before the end of that line, on that line or one
     * of the lines before it (memchr finds the '<'s of a line). */
    size_t end = (size_t)l < s->nlines ? s->lines[l] : s->size;
    size_t floor = end > MAX_START_TAG ? end - MAX_START_TAG : 0;
    /* The tag as written: "cbc:PriceAmount" for a prefixed element. */
    char qname[256];
    const xmlChar *prefix = node->ns ? node->ns->prefix : NULL;
    snprintf(qname, sizeof qname, "%s%s%s", prefix ? (const char *)prefix : "",
             prefix ? ":" : "", (const char *)node->name);
    size_t len = strlen(qname), tag = 0;
    bool found = false;
    for (size_t k = (size_t)l; !found; k--) {
        size_t from = s->lines[k - 1] > floor ? s->lines[k - 1] : floor;
        found = last_tag_start(s, from, k == (size_t)l ? end : s->lines[k],
                               (const xmlChar *)qname, len, &tag);
        if (from == floor)
            break;
    }
    if (!found)
        return;
    size_t at = tag;
    if (attr)
        find_attribute(s->data, s->size, tag, attr, &at);
    position_of(s, at, line, col);
}

char *qs_xml_collapse_space(char *s)
{
    char *out = s;
    bool space = false;
    for (const char *p = s; *p; p++) {
        if (is_space((unsigned char)*p)) {
            space = out != s;
            continue;
        }
        if (space)
            *out++ = ' ';
        space = false;
        *out++ = *p;
    }
    *out = '\0';
    return s;
}

bool qs_xml_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

const xmlNode *qs_xml_child(const xmlNode *parent, const char *name)
{
    for (const xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (qs_xml_is(c, name))
            return c;
    return NULL;
}

qs_input *qs_input_of_node(const qs_inputs *in, const xmlNode *node)
{
    for (qs_input *s = in->head; s; s = s->next)
        if (s->doc && s->doc == node->doc)
            return s;
    return NULL;
}

/* ---- the pre-scan ---- */

/* Offset of the first `needle` at or after `from`, or n when absent. */
static size_t skip_past(const unsigned char *p, size_t n, size_t from,
                        const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = from; i + k <= n; i++)
        if (memcmp(p + i, needle, k) == 0)
            return i + k;
    return n;
}

/* One piece of markup found by next_tag. */
typedef enum { TAG_START, TAG_END, TAG_DOCTYPE, TAG_OTHER } tag_kind;

typedef struct {
    tag_kind kind;
    size_t at;        /* offset of its '<' */
    unsigned attrs;   /* TAG_START: its attributes ('=' outside quotes) */
    bool empty;       /* TAG_START: written <name .../> */
} xml_tag;

/* Finds the next markup at or after *i (start and end tags, a DOCTYPE,
 * comments, CDATA sections and processing instructions) and moves *i past
 * it. Returns false at the end of the bytes. */
static bool next_tag(const unsigned char *p, size_t n, size_t *i, xml_tag *t)
{
    const unsigned char *lt = *i < n ? memchr(p + *i, '<', n - *i) : NULL;
    if (!lt)
        return false;
    size_t k = (size_t)(lt - p);
    *t = (xml_tag){TAG_OTHER, k, 0, false};
    if (n - k >= 4 && memcmp(p + k, "<!--", 4) == 0) {
        *i = skip_past(p, n, k + 4, "-->");
    } else if (n - k >= 9 && memcmp(p + k, "<![CDATA[", 9) == 0) {
        *i = skip_past(p, n, k + 9, "]]>");
    } else if (n - k >= 2 && p[k + 1] == '?') {
        *i = skip_past(p, n, k + 2, "?>");
    } else if (n - k >= 2 && p[k + 1] == '!') {
        t->kind = TAG_DOCTYPE;
        *i = n;
    } else if (n - k >= 2 && p[k + 1] == '/') {
        t->kind = TAG_END;
        *i = k + 2;
    } else {
        t->kind = TAG_START;
        k++;
        while (k < n && p[k] != '>') {
            if (p[k] == '"' || p[k] == '\'') {
                const unsigned char *close = memchr(p + k + 1, p[k], n - k - 1);
                k = close ? (size_t)(close - p) + 1 : n;
                continue;
            }
            t->attrs += p[k] == '=';
            k++;
        }
        t->empty = k > 0 && k < n && p[k - 1] == '/';
        *i = k;
    }
    return true;
}

/* Walks the bytes once before libxml2 sees them and refuses what it must
 * never parse: a DOCTYPE (entities, external subsets), nesting deeper than
 * QS_MAX_XML_DEPTH, more than QS_MAX_XML_ATTRIBUTES attributes on one
 * element (libxml2 checks duplicates quadratically), and elements past
 * the run's QS_MAX_XML_ELEMENTS (counted in *elements), so no structure is
 * built for an input too large to handle. Malformed XML is left for the
 * parser to report. */
static bool prescan(qs_input *s, size_t *elements, qs_diags *d)
{
    size_t i = 0;
    int depth = 0;
    unsigned line, col;
    xml_tag t;
    while (next_tag(s->data, s->size, &i, &t)) {
        if (t.kind == TAG_DOCTYPE) {
            position_of(s, t.at, &line, &col);
            qs_diag_add(d, QS_SEV_ERROR, s->path, line, col, "doctype",
                        "DOCTYPE and entity declarations are not allowed");
            return false;
        }
        if (t.kind == TAG_END)
            depth--;
        if (t.kind != TAG_START)
            continue;
        if (++*elements > QS_MAX_XML_ELEMENTS) {
            position_of(s, t.at, &line, &col);
            qs_diag_add(d, QS_SEV_ERROR, s->path, line, col, "xml-limits",
                        "more than %u elements in the XML files of this run "
                        "together; split the quote", QS_MAX_XML_ELEMENTS);
            return false;
        }
        if (t.attrs > QS_MAX_XML_ATTRIBUTES) {
            position_of(s, t.at, &line, &col);
            qs_diag_add(d, QS_SEV_ERROR, s->path, line, col, "xml-limits",
                        "element has %u attributes, more than the limit of %d",
                        t.attrs, QS_MAX_XML_ATTRIBUTES);
            return false;
        }
        if (!t.empty && ++depth > QS_MAX_XML_DEPTH) {
            position_of(s, t.at, &line, &col);
            qs_diag_add(d, QS_SEV_ERROR, s->path, line, col, "xml-limits",
                        "elements nested deeper than the limit of %d",
                        QS_MAX_XML_DEPTH);
            return false;
        }
    }
    return true;
}

/* ---- start tags of elements past line 65,535 ----
 *
 * libxml2 2.9 keeps an element's line in 16 bits: from line 65,535 on it
 * says 65,535 (XML_PARSE_BIG_LINES helps text nodes only). Elements and
 * start tags come in the same order, the document's, so the n-th element
 * of the tree starts at the n-th start tag of the bytes. */

typedef struct element_at {
    const xmlNode *node;
    size_t at;        /* offset of its start tag */
} element_at;

static void add_elements(const xmlNode *n, element_at *tab, size_t cap, size_t *count)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (*count < cap)
            tab[*count].node = n;
        ++*count;
        add_elements(n->children, tab, cap, count);
    }
}

static int compare_nodes(const void *a, const void *b)
{
    const xmlNode *x = ((const element_at *)a)->node, *y = ((const element_at *)b)->node;
    return x < y ? -1 : x > y;
}

/* Indexes every element of s->doc by node, with its start tag's offset,
 * once; leaves the index empty when the bytes and the tree disagree. */
static void index_elements(qs_input *s)
{
    if (s->elements_indexed)
        return;
    s->elements_indexed = true;
    size_t cap = 0, i = 0;
    xml_tag t;
    while (next_tag(s->data, s->size, &i, &t))
        cap += t.kind == TAG_START;
    element_at *tab = qs_xcalloc(cap ? cap : 1, sizeof *tab);
    size_t count = 0, k = 0;
    add_elements(xmlDocGetRootElement(s->doc), tab, cap, &count);
    for (i = 0; k < cap && next_tag(s->data, s->size, &i, &t);)
        if (t.kind == TAG_START)
            tab[k++].at = t.at;
    if (count != cap) {
        free(tab);
        return;
    }
    qsort(tab, cap, sizeof *tab, compare_nodes);
    s->elements = tab;
    s->nelements = cap;
}

/* The offset of `node`'s start tag, from the index; false when unknown. */
static bool element_offset(qs_input *s, const xmlNode *node, size_t *at)
{
    if (!s->doc || node->doc != s->doc || node->type != XML_ELEMENT_NODE)
        return false;
    index_elements(s);
    element_at key = {node, 0};
    const element_at *hit = s->nelements
        ? bsearch(&key, s->elements, s->nelements, sizeof key, compare_nodes) : NULL;
    if (hit)
        *at = hit->at;
    return hit != NULL;
}

/* ---- parsing ---- */

typedef struct {
    qs_diags *d;
    qs_input *s;
    const char *rule;
    int errors;
} error_sink;

static void trim_newline(char *msg)
{
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
}

static void collect_error(void *ctx, xmlErrorPtr err)
{
    error_sink *sink = ctx;
    if (!err || err->level == XML_ERR_NONE || err->level == XML_ERR_WARNING)
        return;
    char *msg = qs_xstrdup(err->message ? err->message : "malformed XML");
    trim_newline(msg);
    for (char *c = msg; *c; c++)
        if (*c == '\n')
            *c = ' ';
    if (err->code == XML_ERR_INVALID_CHAR || err->code == XML_ERR_INVALID_ENCODING) {
        free(msg);
        msg = qs_xstrdup("invalid UTF-8; every input file must be UTF-8 encoded");
    }
    unsigned line = err->line > 0 ? (unsigned)err->line : 0;
    unsigned col = err->int2 > 0 ? (unsigned)err->int2 : 0;
    if (err->node && err->domain == XML_FROM_SCHEMASV) {
        qs_input_locate(sink->s, err->node, NULL, &line, &col);
        /* One more than the kept maximum marks "too many". */
        if (sink->s->ninvalid <= QS_MAX_INVALID_KEPT) {
            if (sink->s->ninvalid < QS_MAX_INVALID_KEPT)
                sink->s->invalid[sink->s->ninvalid] = err->node;
            sink->s->ninvalid++;
        }
    }
    if (line == 0)
        line = 1;
    qs_diag_add(sink->d, QS_SEV_ERROR, sink->s->path, line, col ? col : 1,
                sink->rule, "%s", msg);
    free(msg);
    sink->errors++;
}

static xmlParserInputPtr deny_entity_loader(const char *url, const char *id,
                                            xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

/* The entity loader while a built-in schema compiles: an import or
 * include ("../common/UBL-CommonBasicComponents-2.1.xsd") gets the
 * built-in schema of that file name; anything else gets nothing. No file
 * or network access either way. */
static xmlParserInputPtr built_in_schema_loader(const char *url, const char *id,
                                                xmlParserCtxtPtr ctxt)
{
    (void)id;
    const char *slash = url ? strrchr(url, '/') : NULL;
    const char *file = slash ? slash + 1 : url;
    size_t n = file ? strlen(file) : 0;
    if (n < 5 || strcmp(file + n - 4, ".xsd") != 0)
        return NULL;
    for (const qs_embedded_file *f = qs_embedded_files; f->name; f++) {
        if (strlen(f->name) != n - 4 || strncmp(f->name, file, n - 4) != 0)
            continue;
        xmlParserInputPtr input = xmlNewStringInputStream(ctxt, f->data);
        /* The document's base: the imports it makes resolve against it. */
        if (input)
            input->filename = (const char *)xmlStrdup((const xmlChar *)url);
        return input;
    }
    return NULL;
}

/* Removes whitespace-only text nodes from element-only content, so the
 * merged tree prints cleanly; mixed content (letter text) keeps them. */
static void strip_blank_text(xmlNode *node)
{
    bool mixed = false;
    for (xmlNode *c = node->children; c && !mixed; c = c->next)
        mixed = c->type == XML_TEXT_NODE && !xmlIsBlankNode(c);
    xmlNode *c = node->children;
    while (c) {
        xmlNode *next = c->next;
        /* Unless the content is mixed, every text child is blank. */
        if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE ||
            (!mixed && c->type == XML_TEXT_NODE)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_ELEMENT_NODE) {
            strip_blank_text(c);
        }
        c = next;
    }
}

static const char *const format_schema_names[] = {
    [QS_FORMAT_QUOTE] = "quote",
    [QS_FORMAT_PRICELIST] = "pricelist",
    [QS_FORMAT_DEPARTMENT] = "department",
    [QS_FORMAT_RULES] = "rules",
    [QS_FORMAT_TEMPLATE] = "template",
    [QS_FORMAT_UBL_QUOTATION] = "UBL-Quotation-2.1",
    [QS_FORMAT_LEADS] = "leads",
    [QS_FORMAT_OUTCOMES] = "outcomes",
    [QS_FORMAT_TARGETS] = "targets",
};

/* ---- schemas ----
 *
 * libxml2 2.9 checks an xs:unique by comparing each key with every earlier
 * one through its typed-value machinery: quadratic, and 1.9 M instructions
 * for the 58 SKUs of the shipped price list and the 53 strings of the
 * standard template alone. So a schema is compiled in two forms, each on
 * first use:
 *   - lean: without the xs:unique constraints of its root element that
 *     find_duplicate_key checks (a selector of child paths, one attribute
 *     field);
 *   - full: as written.
 * A document is valid when it passes the lean schema and has no two equal
 * keys. find_duplicate_key compares keys with white space collapsed, so it
 * finds every pair libxml2 calls equal (every key in our schemas is a
 * string), and perhaps more. Any other document is validated again against
 * the full schema, which decides and reports: the diagnostics are
 * libxml2's, exactly, and only a rejected document pays for the second
 * schema. Validating the nine inputs of a build went from 5.5 M to 3.3 M
 * instructions (callgrind). */

/* An xs:unique of the root element: `selector` is a union of child paths
 * ("styles/style", "pattern|assert"), `field` the key attribute's name. */
typedef struct {
    char *selector;
    char *field;
} unique_key;

typedef struct {
    xmlDoc *lean_source;   /* the lean schema's document, kept while the
                              schema lives (it may point into it) */
    xmlSchemaPtr lean;
    xmlSchemaPtr full;
    char *root;            /* the root element the keys belong to */
    unique_key *keys;
    size_t nkeys;
} built_in_schema;

/* By format (see qs_input_schemas_compile). */
static built_in_schema schemas[sizeof format_schema_names / sizeof *format_schema_names];

static const qs_embedded_file *schema_source(qs_format format)
{
    for (const qs_embedded_file *f = qs_embedded_files; f->name; f++)
        if (strcmp(f->name, format_schema_names[format]) == 0)
            return f;
    return NULL;
}

static bool is_xsd(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           xmlStrEqual(n->ns->href, BAD_CAST "http://www.w3.org/2001/XMLSchema") &&
           xmlStrEqual(n->name, BAD_CAST name);
}

/* True for names joined by '/' and '|' ("a/b|c"), and nothing else. */
static bool is_child_paths(const char *s)
{
    bool in_name = false;
    for (; *s; s++) {
        if (*s == '/' || *s == '|') {
            if (!in_name)
                return false;
            in_name = false;
        } else if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                   (in_name && ((*s >= '0' && *s <= '9') || *s == '-' ||
                                *s == '_' || *s == '.'))) {
            in_name = true;
        } else {
            return false;
        }
    }
    return in_name;
}

/* The selector and key attribute of an xs:unique that find_duplicate_key
 * can check (one selector of child paths, one field "@name"), as
 * malloc'd strings; false otherwise. */
static bool checkable_unique(const xmlNode *unique, char **selector, char **field)
{
    xmlChar *path = NULL, *attr = NULL;
    int nfields = 0;
    for (const xmlNode *c = unique->children; c; c = c->next) {
        if (is_xsd(c, "selector") && !path)
            path = xmlGetNoNsProp(c, BAD_CAST "xpath");
        else if (is_xsd(c, "field") && nfields++ == 0)
            attr = xmlGetNoNsProp(c, BAD_CAST "xpath");
    }
    bool ok = path && attr && nfields == 1 && is_child_paths((const char *)path) &&
              attr[0] == '@' && is_child_paths((const char *)attr + 1) &&
              !strpbrk((const char *)attr, "/|");
    if (ok) {
        *selector = qs_xstrdup((const char *)path);
        *field = qs_xstrdup((const char *)attr + 1);
    }
    xmlFree(path);
    xmlFree(attr);
    return ok;
}

/* Parses the schema's text, takes the checkable xs:unique constraints of
 * its root element declaration off into s->keys (when the schema declares
 * exactly one global element) and compiles the rest into s->lean. */
static void compile_lean(built_in_schema *s, const qs_embedded_file *f)
{
    s->lean_source = xmlReadMemory((const char *)f->data, (int)f->size, NULL, NULL,
                                   XML_PARSE_NONET | XML_PARSE_COMPACT);
    xmlNode *top = xmlDocGetRootElement(s->lean_source);
    if (!top)
        return;
    xmlNode *decl = NULL;
    size_t ndecls = 0;
    for (xmlNode *c = top->children; c; c = c->next)
        if (is_xsd(c, "element") && ndecls++ == 0)
            decl = c;
    xmlChar *root = decl && ndecls == 1 ? xmlGetNoNsProp(decl, BAD_CAST "name") : NULL;
    if (root) {
        s->root = qs_xstrdup((const char *)root);
        xmlNode *c = decl->children;
        while (c) {
            xmlNode *next = c->next;
            char *selector, *field;
            if (is_xsd(c, "unique") && checkable_unique(c, &selector, &field)) {
                s->keys = qs_xrealloc(s->keys, (s->nkeys + 1) * sizeof *s->keys);
                s->keys[s->nkeys++] = (unique_key){selector, field};
                xmlUnlinkNode(c);
                xmlFreeNode(c);
            }
            c = next;
        }
    }
    xmlFree(root);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewDocParserCtxt(s->lean_source);
    xmlSetExternalEntityLoader(built_in_schema_loader);
    s->lean = xmlSchemaParse(pc);
    xmlSetExternalEntityLoader(deny_entity_loader);
    xmlSchemaFreeParserCtxt(pc);
}

static built_in_schema *schema_for(qs_format format)
{
    built_in_schema *s = &schemas[format];
    const qs_embedded_file *f = schema_source(format);
    if (!s->lean_source && f)
        compile_lean(s, f);
    return s;
}

/* The full schema, compiled on first use, or NULL. */
static xmlSchemaPtr full_schema(qs_format format)
{
    built_in_schema *s = &schemas[format];
    const qs_embedded_file *f = schema_source(format);
    if (!s->full && f) {
        xmlSchemaParserCtxtPtr pc =
            xmlSchemaNewMemParserCtxt((const char *)f->data, (int)f->size);
        xmlSetExternalEntityLoader(built_in_schema_loader);
        s->full = xmlSchemaParse(pc);
        xmlSetExternalEntityLoader(deny_entity_loader);
        xmlSchemaFreeParserCtxt(pc);
    }
    return s->full;
}

void qs_input_schemas_compile(void)
{
    for (size_t i = 0; i < QS_FORMAT_UBL_QUOTATION; i++)
        schema_for((qs_format)i);
}

void qs_input_schemas_free(void)
{
    for (size_t i = 0; i < sizeof schemas / sizeof *schemas; i++) {
        built_in_schema *s = &schemas[i];
        xmlSchemaFree(s->lean);
        xmlSchemaFree(s->full);
        xmlFreeDoc(s->lean_source);
        for (size_t k = 0; k < s->nkeys; k++) {
            free(s->keys[k].selector);
            free(s->keys[k].field);
        }
        free(s->keys);
        free(s->root);
        memset(s, 0, sizeof *s);
    }
}

/* ---- duplicate keys ---- */

typedef struct {
    char **values;
    size_t n, cap;
} key_values;

/* Adds the `field` attribute of every element the child path `path`
 * (up to `end`) finds under `parent`. */
static void collect_keys(const xmlNode *parent, const char *path, const char *end,
                         const char *field, key_values *keys)
{
    const char *slash = memchr(path, '/', (size_t)(end - path));
    size_t len = (size_t)((slash ? slash : end) - path);
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || c->ns || strlen((const char *)c->name) != len ||
            memcmp(c->name, path, len) != 0)
            continue;
        if (slash) {
            collect_keys(c, slash + 1, end, field, keys);
            continue;
        }
        xmlChar *v = xmlGetNoNsProp(c, BAD_CAST field);
        if (!v)
            continue;
        qs_xml_collapse_space((char *)v);
        keys->values = qs_xgrow(keys->values, &keys->cap, keys->n + 1, sizeof *keys->values);
        keys->values[keys->n++] = (char *)v;
    }
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* True when two elements that one of the schema's lifted keys selects
 * have the same key (white space collapsed). */
static bool find_duplicate_key(const built_in_schema *s, const xmlDoc *doc)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!s->nkeys || !root || !s->root || strcmp((const char *)root->name, s->root) != 0)
        return false;
    bool found = false;
    for (size_t k = 0; k < s->nkeys && !found; k++) {
        key_values keys = {0};
        for (const char *path = s->keys[k].selector; *path;) {
            const char *bar = strchr(path, '|');
            const char *end = bar ? bar : path + strlen(path);
            collect_keys(root, path, end, s->keys[k].field, &keys);
            path = bar ? bar + 1 : end;
        }
        if (keys.n > 1)
            qsort(keys.values, keys.n, sizeof *keys.values, compare_strings);
        for (size_t i = 0; i + 1 < keys.n; i++)
            found |= strcmp(keys.values[i], keys.values[i + 1]) == 0;
        for (size_t i = 0; i < keys.n; i++)
            xmlFree(keys.values[i]);
        free(keys.values);
    }
    return found;
}

static void ignore_error(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

/* Validates `doc` against `schema`, sending errors to `on_error`.
 * Returns libxml2's result: 0 when valid. */
static int validate(xmlSchemaPtr schema, xmlDoc *doc, xmlStructuredErrorFunc on_error,
                    void *ctx)
{
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(vc, on_error, ctx);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    return rc;
}

/* The internal error of a built-in schema that does not compile. */
static qs_input *schema_missing(qs_format format, qs_diags *d)
{
    qs_diag_add(d, QS_SEV_ERROR, NULL, 0, 0, "internal",
                "the built-in schema '%s' does not load", format_schema_names[format]);
    return NULL;
}

qs_input *qs_input_load_xml(qs_inputs *in, const char *path, qs_format format,
                            const qs_origin *at, qs_diags *d)
{
    qs_input *s = qs_input_read(in, path, at, d);
    if (!s)
        return NULL;
    if (s->parsed && s->format != format) {
        const char *file;
        unsigned line, col;
        at_origin(at, &file, &line, &col);
        qs_diag_add(d, QS_SEV_ERROR, file ? file : s->path, line, col, "input-reuse",
                    "'%s' is already read as a %s file; it cannot also be a %s file",
                    s->path, format_schema_names[s->format], format_schema_names[format]);
        return NULL;
    }
    if (s->parsed && !s->released)
        return s->failed ? NULL : s;
    /* A released document parsed again was counted the first time. */
    size_t recount = 0, *elements = s->released ? &recount : &in->elements;
    s->parsed = true;
    s->released = false;
    s->format = format;
    s->failed = true;
    s->ninvalid = 0;
    if (s->size == 0) {
        qs_diag_add(d, QS_SEV_ERROR, s->path, 1, 1, "xml-syntax", "the file is empty");
        return NULL;
    }
    if (s->size > INT_MAX || !prescan(s, elements, d))
        return NULL;

    xmlSetExternalEntityLoader(deny_entity_loader);
    error_sink sink = {d, s, "xml-syntax", 0};
    xmlSetStructuredErrorFunc(&sink, collect_error);
    /* Never NOENT, DTDLOAD, XINCLUDE, HUGE or RECOVER. The encoding is
     * forced: every input is UTF-8. COMPACT keeps short texts inside their
     * node instead of a malloc'd string (no one edits an input document;
     * strip_blank_text only frees nodes): about 10 % off parsing. */
    int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
                  XML_PARSE_NOWARNING | XML_PARSE_COMPACT;
    xmlDoc *doc = xmlReadMemory((const char *)s->data, (int)s->size, s->path,
                                "UTF-8", options);
    if (!doc || sink.errors) {
        if (!sink.errors)
            qs_diag_add(d, QS_SEV_ERROR, s->path, 1, 1, "xml-syntax",
                        "not a well-formed XML document");
        xmlSetStructuredErrorFunc(NULL, NULL);
        xmlFreeDoc(doc);
        return NULL;
    }
    strip_blank_text(xmlDocGetRootElement(doc));
    s->doc = doc;

    const built_in_schema *schema = schema_for(format);
    if (!schema->lean) {
        xmlSetStructuredErrorFunc(NULL, NULL);
        return schema_missing(format, d);
    }
    sink.rule = "schema";
    if (validate(schema->lean, doc, ignore_error, NULL) != 0 ||
        find_duplicate_key(schema, doc)) {
        /* Without lifted keys the lean schema is the full one. */
        xmlSchemaPtr full = schema->nkeys ? full_schema(format) : schema->lean;
        int rc = full ? validate(full, doc, collect_error, &sink) : -1;
        xmlSetStructuredErrorFunc(NULL, NULL);
        if (!full)
            return schema_missing(format, d);
        if (rc != 0) {
            if (!sink.errors)
                qs_diag_add(d, QS_SEV_ERROR, s->path, 1, 1, "schema",
                            "document does not match the %s schema",
                            format_schema_names[format]);
            /* A department keeps its document for qs_input_schema_failed
             * when the faults are few and each names its element. */
            if (format != QS_FORMAT_DEPARTMENT || s->ninvalid == 0 ||
                s->ninvalid > QS_MAX_INVALID_KEPT || (size_t)sink.errors != s->ninvalid)
                s->ninvalid = 0;
            return NULL;
        }
    }
    xmlSetStructuredErrorFunc(NULL, NULL);
    s->failed = false;
    return s;
}

qs_input *qs_input_schema_failed(qs_inputs *in, const char *path)
{
    char real[PATH_MAX];
    qs_input *s = realpath(path, real) ? find_input(in, real) : NULL;
    return s && s->failed && s->doc && s->ninvalid > 0 ? s : NULL;
}

bool qs_input_is_invalid(const qs_input *src, const xmlNode *node)
{
    for (size_t i = 0; i < src->ninvalid; i++)
        for (const xmlNode *n = src->invalid[i]; n; n = n->parent)
            if (n == node)
                return true;
    return false;
}

/* ---- libxml2's allocator, watched ----
 * One set of hooks for the whole program: they count failures and charge
 * every size asked for to the meter in force (qs_xml_memory_meter). */

static xmlMallocFunc watched_malloc;
static xmlReallocFunc watched_realloc;
static xmlStrdupFunc watched_strdup;
static bool stop_on_failure = true;
static unsigned long memory_failures;
static qs_xml_meter *meter;

/* libxml2 2.9 is not safe after a failed allocation (its parser has been
 * seen to crash on the next step), so a failure ends the run at once as
 * every other allocation failure does: "out of memory", exit status 3.
 * The unit tests turn this off to test the stages' own checks. */
static void failed_allocation(void)
{
    if (stop_on_failure)
        qs_out_of_memory();
    memory_failures++;
}

static void *watch_malloc(size_t n)
{
    if (meter)
        meter(n);
    void *p = watched_malloc(n);
    if (!p)
        failed_allocation();
    return p;
}

static void *watch_realloc(void *old, size_t n)
{
    if (meter)
        meter(n);
    void *p = watched_realloc(old, n);
    if (!p)
        failed_allocation();
    return p;
}

static char *watch_strdup(const char *s)
{
    if (meter)
        meter(strlen(s) + 1);
    char *p = watched_strdup(s);
    if (!p)
        failed_allocation();
    return p;
}

void qs_xml_memory_watch(bool stop)
{
    stop_on_failure = stop;
    xmlFreeFunc free_fn;
    if (watched_malloc || xmlMemGet(&free_fn, &watched_malloc, &watched_realloc,
                                    &watched_strdup) != 0)
        return;
    xmlMemSetup(free_fn, watch_malloc, watch_realloc, watch_strdup);
}

void qs_xml_memory_meter(qs_xml_meter *charge)
{
    qs_xml_memory_watch(stop_on_failure);
    meter = charge;
}

unsigned long qs_xml_memory_failures(void)
{
    return memory_failures;
}

char *qs_inputs_root_file(const qs_inputs *in, const char *rel)
{
    char cwd[PATH_MAX];
    const char *root = in->root;
    if (getcwd(cwd, sizeof cwd)) {
        size_t n = strlen(cwd);
        if (strcmp(root, cwd) == 0)
            return qs_xstrdup(rel);
        if (strncmp(root, cwd, n) == 0 && root[n] == '/')
            root += n + 1;
    }
    size_t len = strlen(root) + strlen(rel) + 2;
    char *path = qs_xmalloc(len);
    snprintf(path, len, "%s/%s", root, rel);
    return path;
}

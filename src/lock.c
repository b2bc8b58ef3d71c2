/* lock: the sent lock (SPEC 9): compares a sent package's manifest.json
 * with the inputs of the build that would replace it. */
#include "lock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "json.h"
#include "package.h"
#include "sha256.h"
#include "version.h"

/* The input the quote read under the manifest name `name`, or NULL. */
static const qs_input *input_named(const qs_inputs *in, const char *name)
{
    for (const qs_input *f = in->head; f; f = f->next)
        if (strcmp(qs_package_input_path(in, f), name) == 0)
            return f;
    return NULL;
}

/* True when a manifest name stays below the root: relative, no "..". */
static bool name_is_inside(const char *name)
{
    if (!name[0] || name[0] == '/')
        return false;
    for (const char *p = name; p; p = strchr(p, '/')) {
        if (*p == '/')
            p++;
        if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
            return false;
    }
    return true;
}

/* True when the input `name` still has the SHA-256 `hex`: the bytes this
 * run read, else the file below the root. */
static bool input_unchanged(const qs_inputs *in, const char *name, const char *hex)
{
    char now[QS_SHA256_HEX_SIZE];
    const qs_input *f = input_named(in, name);
    if (f) {
        qs_sha256_hex(f->data, f->size, now);
        return strcmp(now, hex) == 0;
    }
    if (!name_is_inside(name))
        return false;
    char *path = qs_xmalloc(strlen(in->root) + strlen(name) + 2);
    sprintf(path, "%s/%s", in->root, name);
    unsigned char *data;
    size_t size;
    bool same = false;
    if (qs_file_read(path, in->max_file_size, &data, &size) == QS_READ_OK) {
        qs_sha256_hex(data, size, now);
        same = strcmp(now, hex) == 0;
        free(data);
    }
    free(path);
    return same;
}

/* The manifest's entry for `name` in its inputs, or NULL. */
static const json_t *listed(const json_t *inputs, const char *name)
{
    for (size_t i = 0; i < json_array_size(inputs); i++) {
        const char *path = qs_json_get_string(json_array_get(inputs, i), "path");
        if (path && strcmp(path, name) == 0)
            return json_array_get(inputs, i);
    }
    return NULL;
}

/* True when a manifest name may be shown in a message as it is: at most
 * 200 bytes, no control characters. */
static bool printable(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x20 || s[n] == 0x7f || n >= 200)
            return false;
    return true;
}

/* The advice of a refusal for a changed input or an unknown manifest. */
static void advise_revision(const qs_quote *q, char *forward, size_t size)
{
    snprintf(forward, size, "raise the revision (revision=\"%u\") to build the change "
             "as a new package", q->revision + 1);
}

/* Why the recorded options (manifest "lang" and "template") refuse this
 * build, into why[] and forward[]; "" when they match. An option the
 * manifest does not record (an earlier quotesmith wrote it) cannot be
 * shown to match: refused like another version. */
static void find_option_change(const json_t *m, const qs_quote *q, const qs_lock_options *o,
                               char *why, size_t size, char *forward, size_t fsize)
{
    char was[QS_ECHO_SIZE], now[QS_ECHO_SIZE];
    const char *lang = qs_json_get_string(m, "lang");
    if (!lang) {
        snprintf(why, size, "its manifest records no language (an earlier quotesmith "
                 "wrote it)");
        advise_revision(q, forward, fsize);
        return;
    }
    if (strcmp(lang, q->lang) != 0) {
        qs_diag_echo(was, lang);
        snprintf(why, size, "it is in language '%s', but this build's is '%s' (%s%s)", was,
                 q->lang, o->lang_option ? "--lang " : "the quote's lang",
                 o->lang_option ? q->lang : "");
        snprintf(forward, fsize, "rebuild it with --lang %s, or build the '%s' one into "
                 "another folder (-o)", was, q->lang);
        return;
    }
    const json_t *tpl = json_object_get(m, "template");
    const char *path = qs_json_get_string(tpl, "path");
    if (!path) {
        snprintf(why, size, "its manifest records no template (an earlier quotesmith "
                 "wrote it)");
        advise_revision(q, forward, fsize);
        return;
    }
    /* A template that does not resolve inside the root is the template
     * stage's error to report, after this check. */
    char *real = o->template_path ? realpath(o->template_path, NULL) : NULL;
    const char *name = qs_path_below(real, q->in->root);
    if (name && name[0] && strcmp(path, name) != 0) {
        const char *from = qs_json_get_string(tpl, "from");
        qs_diag_echo(was, path);
        snprintf(why, size, "it was made with the template '%s', but this build's is "
                 "'%s' (%s)", was, qs_diag_echo(now, name),
                 o->template_option ? "-t" : "the quote's");
        if (o->template_option && from && strcmp(from, "quote") == 0)
            snprintf(forward, fsize, "rebuild it without -t, or build this one into "
                     "another folder (-o)");
        else
            snprintf(forward, fsize, "rebuild it with -t naming '%s', or build this one "
                     "into another folder (-o)", was);
    }
    free(real);
}

/* Why the sent package may not be replaced, into why[size] and the way
 * forward into forward[fsize]; why is "" when it may. */
static void find_change(const json_t *m, const qs_quote *q, const qs_lock_options *o,
                        char *why, size_t size, char *forward, size_t fsize)
{
    const qs_inputs *in = q->in;
    why[0] = '\0';
    advise_revision(q, forward, fsize);
    const char *version = qs_json_get_string(m, "version");
    if (!version || strcmp(version, QS_VERSION) != 0) {
        snprintf(why, size, "another version of quotesmith built it (this is %s)",
                 QS_VERSION);
        return;
    }
    const json_t *inputs = json_object_get(m, "inputs");
    for (size_t i = 0; i < json_array_size(inputs); i++) {
        const json_t *f = json_array_get(inputs, i);
        const char *name = qs_json_get_string(f, "path");
        const char *hex = qs_json_get_string(f, "sha256");
        if (name && hex && input_unchanged(in, name, hex))
            continue;
        if (name && printable(name))
            snprintf(why, size, "its input '%s' has changed since", name);
        else
            snprintf(why, size, "an input it lists has changed since");
        return;
    }
    for (const qs_input *f = in->head; f; f = f->next) {
        const char *name = qs_package_input_path(in, f);
        if (!listed(inputs, name)) {
            snprintf(why, size, "'%.200s' is a new input", name);
            return;
        }
    }
    find_option_change(m, q, o, why, size, forward, fsize);
}

/* True, after a [sent-locked] error, when the sent package in `outdir` is
 * another quote's, or another revision of this one: no change to the
 * inputs makes it this build's package. */
static bool is_other_package(const json_t *m, const char *outdir, const qs_quote *q,
                             qs_diags *d)
{
    char shown[QS_ECHO_SIZE], mine[QS_ECHO_SIZE];
    const char *id = qs_json_get_string(m, "quote");
    const json_t *rev = json_object_get(m, "revision");
    json_int_t revision = rev ? (json_is_integer(rev) ? json_integer_value(rev) : 0) : 1;
    qs_diag_echo(mine, q->id);
    if (!id || strcmp(id, q->id) != 0) {
        qs_diag_add(d, QS_SEV_ERROR, q->at.file, q->at.line, q->at.col, "sent-locked",
                    "'%s' holds the sent package of %s%s%s; a sent package stays as it "
                    "was sent: build quote '%s' into another folder (-o)", outdir,
                    id ? "quote '" : "another quote", id ? qs_diag_echo(shown, id) : "",
                    id ? "'" : "", mine);
        return true;
    }
    if (revision != (json_int_t)q->revision) {
        char which[32] = "another revision";
        if (revision >= 1)
            snprintf(which, sizeof which, "revision %lld", (long long)revision);
        qs_diag_add(d, QS_SEV_ERROR, q->at.file, q->at.line, q->at.col, "sent-locked",
                    "'%s' holds the sent package of %s of quote '%s'; a sent package "
                    "stays as it was sent: build revision %u into another folder (-o)",
                    outdir, which, mine, q->revision);
        return true;
    }
    return false;
}

bool qs_lock_check(const char *outdir, const qs_quote *q, const qs_lock_options *o,
                   qs_diags *d)
{
    char *path = qs_xmalloc(strlen(outdir) + sizeof "/manifest.json");
    sprintf(path, "%s/manifest.json", outdir);
    unsigned char *data;
    size_t size;
    qs_read_status st = qs_file_read(path, q->in->max_file_size, &data, &size);
    free(path);
    if (st != QS_READ_OK)
        return true;
    json_t *m = qs_json_load(data, size);
    free(data);
    const char *status = qs_json_get_string(m, "status");
    bool sent = status && strcmp(status, "sent") == 0;
    bool other = sent && is_other_package(m, outdir, q, d);
    char why[400] = "", forward[320] = "";
    if (sent && !other)
        find_change(m, q, o, why, sizeof why, forward, sizeof forward);
    if (why[0]) {
        qs_diag_add(d, QS_SEV_ERROR, q->at.file, q->at.line, q->at.col, "sent-locked",
                    "'%s' holds a sent package, and %s; a sent quote stays as it was sent: "
                    "%s", outdir, why, forward);
    }
    json_decref(m);
    return !other && why[0] == '\0';
}

/* lock: the sent lock (SPEC 9): compares a sent package's manifest.json
 * with the inputs of the build that would replace it. */
#include "lock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Why the sent package may not be replaced, into why[size]; "" when it
 * may. */
static void find_change(const json_t *m, const qs_inputs *in, char *why, size_t size)
{
    why[0] = '\0';
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
}

bool qs_lock_check(const char *outdir, const qs_quote *q, qs_diags *d)
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
    char why[320] = "";
    if (status && strcmp(status, "sent") == 0)
        find_change(m, q->in, why, sizeof why);
    if (why[0]) {
        qs_diag_add(d, QS_SEV_ERROR, q->at.file, q->at.line, q->at.col, "sent-locked",
                    "'%s' holds a sent package, and %s; a sent quote stays as it "
                    "was sent: raise the revision (revision=\"%u\") to build the "
                    "change as a new package", outdir, why, q->revision + 1);
    }
    json_decref(m);
    return why[0] == '\0';
}

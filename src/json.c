/* json: JSON values in and out through jansson. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "utf8.h"

static json_t *checked(json_t *v)
{
    if (!v)
        qs_out_of_memory(); /* as qs_xmalloc */
    return v;
}

json_t *qs_json_string(const char *s)
{
    char *valid = qs_utf8_valid(s);
    json_t *v = checked(json_string(valid));
    free(valid);
    return v;
}

json_t *qs_json_integer(long long v)
{
    return checked(json_integer((json_int_t)v));
}

void qs_json_set(json_t *obj, const char *key, json_t *value)
{
    if (json_object_set_new(obj, key, value) != 0)
        qs_out_of_memory();
}

void qs_json_append(json_t *array, json_t *value)
{
    if (json_array_append_new(array, value) != 0)
        qs_out_of_memory();
}

/* json_dumps with a final newline; `flags` as jansson's. */
static char *dump(const json_t *v, size_t flags, size_t *len)
{
    char *text = json_dumps(v, flags | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (!text)
        qs_out_of_memory();
    size_t n = strlen(text);
    char *out = realloc(text, n + 2);
    if (!out)
        qs_out_of_memory();
    out[n] = '\n';
    out[n + 1] = '\0';
    if (len)
        *len = n + 1;
    return out;
}

char *qs_json_text(const json_t *v, size_t *len)
{
    return dump(v, JSON_INDENT(2), len);
}

void qs_json_write(const json_t *v, FILE *out)
{
    size_t len;
    char *text = qs_json_text(v, &len);
    fwrite(text, 1, len, out);
    free(text);
}

void qs_json_write_rows(const json_t *array, FILE *out)
{
    size_t n = json_array_size(array);
    fputs(n ? "[\n" : "[]\n", out);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *row = dump(json_array_get(array, i), 0, &len);
        fputc(' ', out);
        fwrite(row, 1, len - 1, out);
        fputs(i + 1 < n ? ",\n" : "\n]\n", out);
        free(row);
    }
}

json_t *qs_json_load(const void *data, size_t size)
{
    json_error_t err;
    return json_loadb(data, size, JSON_REJECT_DUPLICATES, &err);
}

const char *qs_json_get_string(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

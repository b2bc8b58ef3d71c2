/* json: the one JSON writer and reader, over jansson (its public API).
 * Every JSON quotesmith writes (diagnostics, explain --json, manifest.json,
 * SARIF, batch) is a jansson value dumped here; manifest.json is read back
 * with qs_json_load. Strings go in through qs_json_string, which replaces
 * every byte that is not UTF-8 by U+FFFD (jansson refuses such strings; a
 * file name or a message quoting input may hold any byte).
 * Ownership: the json_t values are jansson's reference-counted values
 * (json_decref); the text functions return malloc'd strings. */
#ifndef QS_JSON_H
#define QS_JSON_H

#include <stdio.h>

#include <jansson.h>

/* A new JSON string of `s` (NULL reads as ""), invalid UTF-8 replaced by
 * U+FFFD. Never NULL (aborts when out of memory). */
json_t *qs_json_string(const char *s);

/* A new JSON integer. Never NULL. */
json_t *qs_json_integer(long long v);

/* Sets obj[key] to `value`, taking its reference (json_object_set_new);
 * keys keep the order they were set in. */
void qs_json_set(json_t *obj, const char *key, json_t *value);

/* Appends `value` to `array`, taking its reference. */
void qs_json_append(json_t *array, json_t *value);

/* The text of `v`, indented by two spaces per level, keys in the order
 * set, and a final newline; malloc'd, its length in *len. */
char *qs_json_text(const json_t *v, size_t *len);

/* Writes qs_json_text(v) to `out`. */
void qs_json_write(const json_t *v, FILE *out);

/* Writes `array` one element to a line: "[\n ELEM,\n ELEM\n]\n" with each
 * element on one line (", " and ": " as separators), "[]\n" when empty:
 * the diagnostics layout, one finding per line for grep and diff. */
void qs_json_write_rows(const json_t *array, FILE *out);

/* Parses `size` bytes of JSON; NULL when they are not valid JSON. */
json_t *qs_json_load(const void *data, size_t size);

/* The string member `key` of object `obj`, or NULL when there is none or
 * it is not a string. The pointer lives as long as `obj`. */
const char *qs_json_get_string(const json_t *obj, const char *key);

#endif

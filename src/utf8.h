/* utf8: the one UTF-8 decoder and encoder, and the one rule for text that is not
 * UTF-8 on its way out (JSON, XML reports): each byte that does not start
 * a valid sequence becomes U+FFFD.
 * Ownership: qs_utf8_valid returns a malloc'd string the caller frees. */
#ifndef QS_UTF8_H
#define QS_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Decodes one UTF-8 code point at s (of n bytes left); stores the byte
 * length in *used (1 for an invalid byte, 0 when n is 0). Returns
 * (uint32_t)-1 for invalid UTF-8 (overlongs, surrogates, > U+10FFFF
 * included). */
uint32_t qs_utf8_decode(const char *s, size_t n, size_t *used);
/* Writes code point cp (at most U+10FFFF, no surrogate) as UTF-8 into
 * out; returns its byte length, 1 to 4. */
size_t qs_utf8_encode(uint32_t cp, char out[4]);

/* The code point at *s (*n bytes left), stepping past it: a byte of
 * invalid UTF-8 comes back as (uint32_t)-1, one byte stepped. *n > 0. */
uint32_t qs_utf8_take(const char **s, size_t *n);

/* A copy of the NUL-terminated `s` (NULL reads as "") in which every byte
 * that does not start a valid UTF-8 sequence is replaced by U+FFFD; valid
 * text comes back unchanged. malloc'd. */
char *qs_utf8_valid(const char *s);

/* Appends `s` (NULL reads as "") as XML character data or attribute text
 * (& < > " escaped); characters XML 1.0 cannot hold (control characters
 * other than TAB and LF, invalid UTF-8) become U+FFFD. */
void qs_utf8_put_xml(qs_buf *b, const char *s);

#endif

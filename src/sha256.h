/* sha256: SHA-256 digests as lowercase hex, for manifest.json. A thin
 * wrapper over nettle (link with -lnettle); nothing hand-written. */
#ifndef QS_SHA256_H
#define QS_SHA256_H

#include <stddef.h>

/* 64 hex digits and a terminating NUL. */
#define QS_SHA256_HEX_SIZE 65

/* Writes the SHA-256 of data[0..size) into hex as 64 lowercase hex digits
 * plus NUL. data may be NULL when size is 0. Returns hex. */
char *qs_sha256_hex(const void *data, size_t size, char hex[QS_SHA256_HEX_SIZE]);

#endif

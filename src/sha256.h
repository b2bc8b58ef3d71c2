/* sha256: every SHA-256 quotesmith computes: hex digests for manifest.json,
 * raw digests for images and the PDF's /ID, whole or piece by piece. A
 * thin wrapper over nettle (link with -lnettle); nothing hand-written.
 * Ownership: a qs_sha256 lives on the caller's stack; nothing is
 * allocated. */
#ifndef QS_SHA256_H
#define QS_SHA256_H

#include <stddef.h>

#include <nettle/sha2.h>

/* 64 hex digits and a terminating NUL. */
#define QS_SHA256_HEX_SIZE 65
/* The raw digest. */
#define QS_SHA256_SIZE 32

/* A digest computed piece by piece: qs_sha256_init, qs_sha256_add any
 * number of times, qs_sha256_finish. */
typedef struct {
    struct sha256_ctx ctx;
} qs_sha256_ctx;

void qs_sha256_init(qs_sha256_ctx *h);

/* Adds data[0..size); data may be NULL when size is 0. */
void qs_sha256_add(qs_sha256_ctx *h, const void *data, size_t size);

/* Writes the digest of everything added. */
void qs_sha256_finish(qs_sha256_ctx *h, unsigned char digest[QS_SHA256_SIZE]);

/* The digest of data[0..size) (data may be NULL when size is 0). */
void qs_sha256(const void *data, size_t size, unsigned char digest[QS_SHA256_SIZE]);

/* Writes the SHA-256 of data[0..size) into hex as 64 lowercase hex digits
 * plus NUL. data may be NULL when size is 0. Returns hex. */
char *qs_sha256_hex(const void *data, size_t size, char hex[QS_SHA256_HEX_SIZE]);

#endif

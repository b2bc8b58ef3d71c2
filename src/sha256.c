/* sha256: SHA-256 digests through nettle. */
#include "sha256.h"

void qs_sha256_init(qs_sha256_ctx *h)
{
    sha256_init(&h->ctx);
}

void qs_sha256_add(qs_sha256_ctx *h, const void *data, size_t size)
{
    if (size > 0)
        sha256_update(&h->ctx, size, data);
}

void qs_sha256_finish(qs_sha256_ctx *h, unsigned char digest[QS_SHA256_SIZE])
{
    sha256_digest(&h->ctx, QS_SHA256_SIZE, digest);
}

void qs_sha256(const void *data, size_t size, unsigned char digest[QS_SHA256_SIZE])
{
    qs_sha256_ctx h;
    qs_sha256_init(&h);
    qs_sha256_add(&h, data, size);
    qs_sha256_finish(&h, digest);
}

char *qs_sha256_hex(const void *data, size_t size, char hex[QS_SHA256_HEX_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char digest[QS_SHA256_SIZE];
    qs_sha256(data, size, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * QS_SHA256_SIZE] = '\0';
    return hex;
}

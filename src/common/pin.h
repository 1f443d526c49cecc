/*
 * pin.h: a TLS key's pin as tschatd logs it and users type it:
 * "sha256:" and the base64 of the SHA-256 of the key's
 * SubjectPublicKeyInfo. Only text here; the digest is OpenSSL's, made
 * elsewhere.
 */
#ifndef TSCHAT_PIN_H
#define TSCHAT_PIN_H

#include <stddef.h>

#define PIN_PREFIX	"sha256:"
#define PIN_BYTES	32
/* "sha256:", 44 characters of base64 and a NUL. */
#define PIN_STRLEN	52

/* Write the pin of digest D to OUT. */
void	pin_format(const unsigned char d[PIN_BYTES], char out[PIN_STRLEN]);

/*
 * Read the pin S (LEN bytes) into D: 0, or -1 when it is not one (another
 * prefix, another length, or base64 that is not canonical).
 */
int	pin_parse(const char *s, size_t len, unsigned char d[PIN_BYTES]);

#endif

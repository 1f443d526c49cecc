/*
 * fuzz.h: what the libFuzzer harnesses share: an invariant check that
 * aborts with the reason (assert() vanishes under NDEBUG), and a reader
 * that takes parameters from the front of the fuzzer's input.
 */
#ifndef TSCHAT_FUZZ_H
#define TSCHAT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* An invariant: when it does not hold, say which and where, and abort. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s: ",	\
		    __FILE__, __LINE__, #cond);				\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* The input, consumed from the front for parameters. */
struct input {
	const uint8_t	*p;
	size_t		 len;
};

/* One byte of parameter, or 0 once the input is used up. */
static inline unsigned int
take_byte(struct input *in)
{
	if (in->len == 0)
		return 0;
	in->len--;
	return *in->p++;
}

/* Two bytes, little-endian. */
static inline unsigned int
take_u16(struct input *in)
{
	unsigned int	lo = take_byte(in);

	return lo | take_byte(in) << 8;
}

/* Up to N bytes of data; their count in *LENP. */
static inline const char *
take_bytes(struct input *in, size_t n, size_t *lenp)
{
	const char	*s = (const char *)in->p;

	if (n > in->len)
		n = in->len;
	in->p += n;
	in->len -= n;
	*lenp = n;
	return s;
}

/* A copy of LEN bytes in a buffer of exactly LEN bytes (NUL-free or not),
 * so that AddressSanitizer sees any read past the end. */
static inline char *
exact_copy(const void *s, size_t len)
{
	char	*p = malloc(len > 0 ? len : 1);

	if (p == NULL)
		abort();
	if (len > 0)
		memcpy(p, s, len);
	return p;
}

#endif

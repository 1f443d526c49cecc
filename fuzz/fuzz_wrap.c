/*
 * fuzz_wrap.c: the width-aware wrapper of the message pane (wrap.c), on
 * text as the client gives it: sanitised, so valid UTF-8 without controls,
 * with wide (CJK) characters and combining marks. Invariants: at least one
 * row; rows start at 0 and move forward, each at a character boundary, so
 * no character is ever split; no row is wider than the pane, once the
 * spaces at its break (not shown) are left out; asking for fewer rows
 * gives the same count and the same first rows.
 */
#include "common.h"

#include <locale.h>

#include "sanitize.h"
#include "utf8.h"
#include "wrap.h"

#include "fuzz.h"

#define MAX_ROWS	(64 * 1024)

static size_t	starts[MAX_ROWS], again[MAX_ROWS];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* The client runs in a UTF-8 locale: wcwidth knows wide characters. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		(void)setlocale(LC_CTYPE, "en_US.UTF-8");
	return 0;
}

/* Whether OFF is where a character of S starts (or the end). */
static int
boundary(const char *s, size_t len, size_t off)
{
	size_t	at = 0;
	int32_t	cp;

	while (at < off)
		at += utf8_decode((const unsigned char *)s + at, len - at, &cp);
	return at == off;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input	 in = { data, size };
	const char	*raw;
	char		*s;
	size_t		 rawlen, len, rows, n, i, end, fewer;
	int		 width;

	width = (int)take_byte(&in) % 160;	/* below 2 is taken as 2 */
	fewer = take_byte(&in);
	raw = take_bytes(&in, in.len, &rawlen);
	s = malloc(SANITIZE_MAX(rawlen) + 1);
	if (s == NULL)
		abort();
	len = sanitize(s, raw, rawlen, 0);

	rows = wrap_rows(s, len, width, starts, MAX_ROWS);
	CHECK(rows >= 1, "no rows");
	CHECK(rows <= len + 1 && rows <= MAX_ROWS, "%zu rows for %zu bytes",
	    rows, len);
	CHECK(starts[0] == 0, "the first row starts at %zu", starts[0]);
	for (i = 0; i < rows; i++) {
		end = i + 1 < rows ? starts[i + 1] : len;
		CHECK(i == 0 || starts[i] > starts[i - 1],
		    "row %zu starts at %zu, before row %zu at %zu", i,
		    starts[i], i - 1, starts[i - 1]);
		CHECK(starts[i] < len || (i == 0 && len == 0),
		    "row %zu starts at the end (%zu)", i, len);
		CHECK(boundary(s, len, starts[i]),
		    "row %zu starts inside a character, at byte %zu", i,
		    starts[i]);
		n = end;
		while (n > starts[i] && s[n - 1] == ' ')
			n--;
		CHECK(wrap_width(s + starts[i], n - starts[i]) <=
		    (size_t)(width < 2 ? 2 : width),
		    "row %zu is %zu cells wide, the pane %d", i,
		    wrap_width(s + starts[i], n - starts[i]), width);
	}
	fewer %= rows + 1;
	n = wrap_rows(s, len, width, again, fewer);
	CHECK(n == rows, "%zu rows, then %zu when storing only %zu", rows, n,
	    fewer);
	CHECK(memcmp(starts, again, fewer * sizeof *starts) == 0,
	    "other rows when storing only %zu", fewer);
	free(s);
	return 0;
}

/*
 * stamp.c: formatting message stamps. strftime follows LC_TIME, and a German
 * locale would put "Mi Aug" on the wire, so stamps are made with a C locale
 * object of their own, whatever the user's locale says. A server formats one
 * stamp per second, however many messages it sends.
 */
#include "common.h"

#include <locale.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "stamp.h"

static locale_t
c_locale(void)
{
	static locale_t	loc = (locale_t)0;

	if (loc == (locale_t)0) {
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
		if (loc == (locale_t)0)
			fatal("newlocale");
	}
	return loc;
}

size_t
stamp_format(char *out, size_t size, const char *format, int utc, time_t t)
{
	struct tm	tm;
	size_t		n;

	if (size < 4)
		return 0;
	if ((utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL)
		return 0;
	out[0] = '[';
	n = 0;
	if (*format != '\0') {
		n = strftime_l(out + 1, size - 3, format, &tm, c_locale());
		if (n == 0)
			return 0;
	}
	out[1 + n] = ']';
	out[2 + n] = ' ';
	out[3 + n] = '\0';
	return n + 3;
}

int
stamp_check_format(const char *format)
{
	char	buf[STAMP_MAX_BYTES];
	time_t	t;
	int	month, day;

	if (strlen(format) > TIME_FORMAT_MAX_BYTES)
		return -1;
	/* An empty format makes "[] ", which is allowed. */
	if (*format == '\0')
		return 0;
	/* Every month, with every weekday and both halves of the day. */
	for (month = 0; month < 12; month++) {
		for (day = 0; day < 7; day++) {
			t = 1609459200 + (month * 31 + day) * 86400 +
			    (day % 2) * 13 * 3600;
			if (stamp_format(buf, sizeof buf, format, 1, t) == 0)
				return -1;
		}
	}
	return 0;
}

void
stamp_init(struct stamp *st, const char *format, int utc)
{
	memset(st, 0, sizeof *st);
	st->format = format;
	st->utc = utc;
	st->when = (time_t)-1;
}

const char *
stamp_get(struct stamp *st, time_t t, size_t *lenp)
{
	if (t != st->when) {
		st->len = stamp_format(st->text, sizeof st->text, st->format,
		    st->utc, t);
		if (st->len == 0) {
			/* A checked format cannot fail; keep the frame. */
			memcpy(st->text, "[] ", 4);
			st->len = 3;
		}
		st->when = t;
	}
	*lenp = st->len;
	return st->text;
}

/*
 * check_backlog.c: room histories: the last N lines, oldest first, byte
 * for byte; history off; a history kept after its room ends and found by
 * its name in another case; empty ones freed; memory pressure taking the
 * oldest lines of the least recently active rooms first, never past the
 * bound; pinned rooms emptied but kept; lines too large to keep; buffers
 * reused, so that many adds allocate nothing; and random work against a
 * simple model.
 */
#include "common.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backlog.h"

#include "check_util.h"

#define S(s)		s, sizeof(s) - 1
#define BIG		((size_t)1 << 40)
#define MAX_SEEN	64
#define MAX_LINE	10000

/* What backlog_each gave. */
struct seen {
	unsigned int	 n;
	const char	*ptr[MAX_SEEN];
	size_t		 len[MAX_SEEN];
	char		 text[MAX_SEEN][MAX_LINE];
};

static void
seen_cb(const char *line, size_t len, void *arg)
{
	struct seen	*s = arg;

	/* No ck_assert in loops: each one writes to check's pipe. */
	if (s->n >= MAX_SEEN || len > MAX_LINE)
		ck_abort_msg("more lines, or longer, than the test can hold");
	s->ptr[s->n] = line;
	s->len[s->n] = len;
	memcpy(s->text[s->n], line, len);
	s->n++;
}

static struct seen *
seen_of(const struct backlog_room *r)
{
	static struct seen	s;

	s.n = 0;
	backlog_each(r, seen_cb, &s);
	if (s.n != backlog_lines(r))
		ck_abort_msg("backlog_each gave %u lines, backlog_lines says "
		    "%u", s.n, backlog_lines(r));
	return &s;
}

/* Line I of room TAG: "[stamp] #tag bob: line I" padded with x to LEN. */
static size_t
line_make(char *buf, const char *tag, unsigned int i, size_t len)
{
	int	n = snprintf(buf, len + 1, "[Wed Aug 19 12:00:00] %s bob: %u",
		    tag, i);

	if (n <= 0 || (size_t)n >= len)
		ck_abort_msg("line %u of %s: LEN %zu too short", i, tag, len);
	memset(buf + n, 'x', len - 1 - (size_t)n);
	buf[len - 1] = '\n';
	return len;
}

static void
add_line(struct backlog *b, struct backlog_room *r, const char *tag,
    unsigned int i, size_t len)
{
	char	buf[MAX_LINE];

	backlog_add(b, r, buf, line_make(buf, tag, i, len));
}

/* R must hold exactly lines FIRST to LAST of TAG (none if FIRST > LAST). */
static void
expect_lines(const struct backlog_room *r, const char *tag,
    unsigned int first, unsigned int last, size_t len)
{
	struct seen	*s = seen_of(r);
	char		 want[MAX_LINE];
	unsigned int	 i, n = first > last ? 0 : last - first + 1;

	ck_assert_msg(s->n == n, "%s: expected lines %u to %u (%u), got %u "
	    "lines%s%s", tag, first, last, n, s->n, s->n > 0 ?
	    ", the oldest " : "", s->n > 0 ? esc(s->text[0], s->len[0]) : "");
	for (i = 0; i < n; i++) {
		line_make(want, tag, first + i, len);
		ck_assert_bytes(s->text[i], s->len[i], want, len);
	}
}

/* --- lines kept ---------------------------------------------------------- */

START_TEST(test_backlog_last_n_oldest_first)
{
	struct backlog		*b = backlog_create(5, BIG);
	struct backlog_room	*r = backlog_pin(b, S("#dev"));
	unsigned int		 i;

	ck_assert_msg(r != NULL, "history on: expected a history");
	expect_lines(r, "#dev", 1, 0, 60);
	ck_assert_msg(backlog_bytes(b) == 0, "no line: expected 0 bytes, "
	    "got %zu", backlog_bytes(b));
	for (i = 1; i <= 3; i++)
		add_line(b, r, "#dev", i, 60);
	expect_lines(r, "#dev", 1, 3, 60);
	for (i = 4; i <= 12; i++) {
		add_line(b, r, "#dev", i, 60);
		expect_lines(r, "#dev", i > 5 ? i - 4 : 1, i, 60);
	}
	ck_assert_msg(backlog_bytes(b) >= 5 * 60, "5 lines of 60 bytes: "
	    "expected at least 300 bytes counted, got %zu", backlog_bytes(b));
	backlog_unpin(b, r);
	backlog_free(b);
}
END_TEST

/* Whatever the bytes are, they come back as they went in. */
START_TEST(test_backlog_bytes_as_sent)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} lines[] = {
		{ S("[12:00] alice: hi\r\n") },
		{ S("[12:00] #dev * alice waves\n") },
		{ S("no terminator") },
		{ S("a\0NUL\0inside\n") },
		{ S("\x1B[31mred\x1B[0m \xFF\xFE not UTF-8\n") },
		{ S("") },
		{ S("[12:00] #\xC3\xA9t\xC3\xA9 bob: \xF0\x9F\x98\x80\n") },
	};
	enum { N = ARRAY_SIZE(lines) };
	struct backlog		*b = backlog_create(N, BIG);
	struct backlog_room	*r = backlog_pin(b, S("#dev"));
	struct seen		*s;
	size_t			 i;

	for (i = 0; i < N; i++)
		backlog_add(b, r, lines[i].s, lines[i].len);
	s = seen_of(r);
	ck_assert_msg(s->n == N, "expected %d lines, got %u", N, s->n);
	for (i = 0; i < N; i++)
		ck_assert_bytes(s->text[i], s->len[i], lines[i].s,
		    lines[i].len);
	backlog_unpin(b, r);
	backlog_free(b);
}
END_TEST

static void
never_cb(const char *line, size_t len, void *arg)
{
	ck_abort_msg("history off: expected no line, got \"%s\"",
	    esc(line, len));
}

START_TEST(test_backlog_off)
{
	struct backlog		*b = backlog_create(0, BIG);
	struct backlog_room	*r = backlog_pin(b, S("#dev"));

	ck_assert_msg(r == NULL, "history off: expected no history pinned");
	backlog_add(b, r, S("[12:00] alice: hi\n"));
	backlog_each(r, never_cb, NULL);
	ck_assert_msg(backlog_lines(r) == 0, "history off: expected 0 lines");
	ck_assert_msg(backlog_bytes(b) == 0 && backlog_rooms(b) == 0,
	    "history off: expected nothing held, got %zu bytes in %zu rooms",
	    backlog_bytes(b), backlog_rooms(b));
	backlog_unpin(b, r);
	backlog_free(b);
}
END_TEST

/* --- the life of a history ----------------------------------------------- */

START_TEST(test_backlog_survives_unpin)
{
	struct backlog		*b = backlog_create(10, BIG);
	struct backlog_room	*r, *again;
	unsigned int		 i;
	size_t			 bytes;

	r = backlog_pin(b, S("#Dev"));
	for (i = 1; i <= 4; i++)
		add_line(b, r, "#Dev", i, 70);
	bytes = backlog_bytes(b);
	backlog_unpin(b, r);
	ck_assert_msg(backlog_rooms(b) == 1 && backlog_bytes(b) == bytes,
	    "unpinned with lines: expected it kept, %zu bytes, got %zu rooms "
	    "and %zu bytes", bytes, backlog_rooms(b), backlog_bytes(b));

	/* Made again, in another case. */
	again = backlog_pin(b, S("#dEV"));
	ck_assert_msg(again == r, "\"#dEV\": expected the history of "
	    "\"#Dev\"");
	expect_lines(again, "#Dev", 1, 4, 70);
	add_line(b, again, "#Dev", 5, 70);
	expect_lines(again, "#Dev", 1, 5, 70);
	ck_assert_msg(backlog_pin(b, S("#dev2")) != r, "\"#dev2\": expected "
	    "a history of its own");
	ck_assert_msg(backlog_rooms(b) == 2, "expected 2 histories, got %zu",
	    backlog_rooms(b));
	backlog_unpin(b, again);
	backlog_free(b);	/* #dev2 still pinned: freed all the same */
}
END_TEST

START_TEST(test_backlog_empty_freed)
{
	struct backlog		*b = backlog_create(10, BIG);
	struct backlog_room	*r, *r2;

	r = backlog_pin(b, S("#quiet"));
	ck_assert_msg(backlog_rooms(b) == 1, "pinned: expected 1 history, "
	    "got %zu", backlog_rooms(b));
	backlog_unpin(b, r);
	ck_assert_msg(backlog_rooms(b) == 0 && backlog_bytes(b) == 0,
	    "unpinned and empty: expected it freed, got %zu histories and "
	    "%zu bytes", backlog_rooms(b), backlog_bytes(b));

	/* Pins count: the first unpin of two lets nothing go. */
	r = backlog_pin(b, S("#quiet"));
	r2 = backlog_pin(b, S("#QUIET"));
	ck_assert_msg(r2 == r, "pinned twice: expected one history");
	backlog_unpin(b, r);
	ck_assert_msg(backlog_rooms(b) == 1, "one pin of two left: expected "
	    "it kept, got %zu histories", backlog_rooms(b));
	add_line(b, r2, "#quiet", 1, 50);
	expect_lines(r2, "#quiet", 1, 1, 50);
	backlog_unpin(b, r2);
	ck_assert_msg(backlog_rooms(b) == 1, "unpinned with a line: expected "
	    "it kept");
	backlog_free(b);
}
END_TEST

/* --- memory pressure ----------------------------------------------------- */

/* What a line of LEN bytes and a room named like "#aa" cost, measured. */
static void
measure(size_t len, size_t *line, size_t *room)
{
	struct backlog		*b = backlog_create(10, BIG);
	struct backlog_room	*r = backlog_pin(b, S("#zz"));
	size_t			 one;

	add_line(b, r, "#zz", 1, len);
	one = backlog_bytes(b);
	add_line(b, r, "#zz", 2, len);
	*line = backlog_bytes(b) - one;
	*room = one - *line;
	/* Honest: a line costs its bytes at least, a room its record. */
	ck_assert_msg(*line >= len && *room >= 64, "a line of %zu bytes "
	    "costs %zu, a room %zu: expected the line's bytes at least, and "
	    "64 for the room", len, *line, *room);
	backlog_unpin(b, r);
	backlog_free(b);
}

static void
expect_within(const struct backlog *b, size_t max, const char *when)
{
	if (backlog_bytes(b) > max)
		ck_abort_msg("%s: expected at most %zu bytes, got %zu", when,
		    max, backlog_bytes(b));
}

START_TEST(test_backlog_pressure_least_recent_first)
{
	enum { L = 60 };
	struct backlog		*b;
	struct backlog_room	*a, *bb, *c;
	size_t			 line, room, max;
	unsigned int		 i;

	measure(L, &line, &room);
	max = 3 * room + 9 * line;
	b = backlog_create(10, max);
	a = backlog_pin(b, S("#aa"));
	bb = backlog_pin(b, S("#bb"));
	c = backlog_pin(b, S("#cc"));
	for (i = 1; i <= 3; i++)
		add_line(b, a, "#aa", i, L);
	for (i = 1; i <= 3; i++)
		add_line(b, bb, "#bb", i, L);
	for (i = 1; i <= 3; i++)
		add_line(b, c, "#cc", i, L);
	ck_assert_msg(backlog_bytes(b) == max, "3 rooms of 3 lines: expected "
	    "%zu bytes, got %zu", max, backlog_bytes(b));
	expect_lines(a, "#aa", 1, 3, L);

	/* #aa was added to first: its oldest goes. */
	add_line(b, c, "#cc", 4, L);
	expect_within(b, max, "#cc 4");
	expect_lines(a, "#aa", 2, 3, L);
	expect_lines(bb, "#bb", 1, 3, L);
	expect_lines(c, "#cc", 1, 4, L);

	/* An add makes #aa the most recent: now #bb pays. */
	add_line(b, a, "#aa", 4, L);
	expect_within(b, max, "#aa 4");
	expect_lines(a, "#aa", 2, 4, L);
	expect_lines(bb, "#bb", 2, 3, L);
	expect_lines(c, "#cc", 1, 4, L);

	/* #bb ends; pressure takes its lines, then the history itself. */
	backlog_unpin(b, bb);
	add_line(b, c, "#cc", 5, L);
	expect_lines(bb, "#bb", 3, 3, L);
	add_line(b, c, "#cc", 6, L);
	ck_assert_msg(backlog_rooms(b) == 2, "#bb's last line taken: expected "
	    "its history freed, got %zu histories", backlog_rooms(b));
	ck_assert_msg(backlog_bytes(b) == max - room, "#bb freed: expected "
	    "its room's cost given back, %zu bytes, got %zu", max - room,
	    backlog_bytes(b));
	add_line(b, c, "#cc", 7, L);
	expect_lines(a, "#aa", 2, 4, L);
	expect_lines(c, "#cc", 1, 7, L);
	bb = backlog_pin(b, S("#BB"));
	ck_assert_msg(backlog_lines(bb) == 0, "#bb made again after its "
	    "history went: expected it empty, got %u lines",
	    backlog_lines(bb));

	/* A longer line in #aa: #cc's oldest go, as many as it takes. */
	add_line(b, a, "#aa", 5, 4 * L);
	expect_within(b, max, "#aa's long line");
	ck_assert_msg(backlog_lines(a) == 4, "#aa: expected its 4 lines "
	    "kept, got %u", backlog_lines(a));
	ck_assert_msg(backlog_lines(c) < 7, "#cc: expected it to pay for "
	    "#aa's long line, still %u lines", backlog_lines(c));
	expect_lines(c, "#cc", 8 - backlog_lines(c), 7, L);

	backlog_unpin(b, a);
	backlog_unpin(b, bb);
	backlog_unpin(b, c);
	backlog_free(b);
}
END_TEST

/* A live room loses its lines to pressure, never itself. */
START_TEST(test_backlog_pinned_emptied_kept)
{
	enum { L = 100 };
	struct backlog		*b;
	struct backlog_room	*a, *busy, *again;
	size_t			 line, room, max;
	unsigned int		 i;

	measure(L, &line, &room);
	max = 2 * room + 5 * line;
	b = backlog_create(8, max);
	a = backlog_pin(b, S("#aa"));
	busy = backlog_pin(b, S("#busy"));
	add_line(b, a, "#aa", 1, L);
	add_line(b, a, "#aa", 2, L);
	for (i = 1; i <= 20; i++) {
		add_line(b, busy, "#busy", i, L);
		expect_within(b, max, "#busy");
	}
	ck_assert_msg(backlog_lines(a) == 0, "#aa, pinned, under pressure: "
	    "expected its lines gone, got %u", backlog_lines(a));
	ck_assert_msg(backlog_rooms(b) == 2, "#aa pinned: expected it kept, "
	    "got %zu histories", backlog_rooms(b));
	again = backlog_pin(b, S("#AA"));
	ck_assert_msg(again == a, "#aa pinned: expected the same history "
	    "found");
	backlog_unpin(b, again);
	add_line(b, a, "#aa", 3, L);
	expect_lines(a, "#aa", 3, 3, L);
	expect_within(b, max, "#aa again");
	backlog_unpin(b, a);
	backlog_unpin(b, busy);
	backlog_free(b);
}
END_TEST

START_TEST(test_backlog_huge_line)
{
	enum { L = 150, MAX = 4096 };
	struct backlog		*b = backlog_create(10, MAX);
	struct backlog_room	*a = backlog_pin(b, S("#aa"));
	struct backlog_room	*c = backlog_pin(b, S("#cc"));
	char			*big;
	size_t			 bytes, line, room, alone;

	measure(L, &line, &room);
	big = malloc(3 * MAX);
	ck_assert_msg(big != NULL, "out of memory");
	add_line(b, c, "#cc", 1, L);
	add_line(b, a, "#aa", 1, L);
	add_line(b, a, "#aa", 2, L);
	bytes = backlog_bytes(b);

	/* Larger than the bound, or than what fits beside a room: dropped. */
	memset(big, 'y', 3 * MAX);
	backlog_add(b, a, big, 3 * MAX);
	backlog_add(b, a, big, MAX);
	backlog_add(b, a, big, MAX - room);
	expect_lines(a, "#aa", 1, 2, L);
	expect_lines(c, "#cc", 1, 1, L);
	ck_assert_msg(backlog_bytes(b) == bytes, "a line too large: expected "
	    "nothing changed, %zu bytes, got %zu", bytes, backlog_bytes(b));

	/*
	 * One that fits alone in its room, with less than a short line's
	 * cost to spare, takes the place of every other line.
	 */
	alone = MAX - room - 100;
	add_line(b, a, "#aa", 3, alone);
	expect_within(b, MAX, "a line that fits alone");
	expect_lines(a, "#aa", 3, 3, alone);
	expect_lines(c, "#cc", 1, 0, L);
	backlog_unpin(b, a);
	backlog_unpin(b, c);
	backlog_free(b);
	free(big);
}
END_TEST

/* Lines NEXT, NEXT + 1... of TAG, LEN bytes each, in order. */
struct run {
	const char	*tag;
	unsigned int	 next;
	size_t		 len;
};

static void
run_cb(const char *line, size_t len, void *arg)
{
	struct run	*run = arg;
	char		 want[MAX_LINE];

	line_make(want, run->tag, run->next, run->len);
	if (len != run->len || memcmp(line, want, len) != 0)
		ck_abort_msg("%s: expected \"%s\", got \"%s\"", run->tag,
		    esc(want, run->len), esc(line, len));
	run->next++;
}

/* However many lines a room is allowed, its ring stays within the bound. */
START_TEST(test_backlog_ring_within_bound)
{
	enum { L = 40, MAX = 64 * 1024, ADDS = 5000 };
	struct backlog		*b = backlog_create(1000000, MAX);
	struct backlog_room	*r = backlog_pin(b, S("#long"));
	struct run		 run = { "#long", 0, L };
	unsigned int		 i, kept = 0;

	for (i = 1; i <= ADDS; i++) {
		add_line(b, r, "#long", i, L);
		expect_within(b, MAX, "a ring of 1000000 lines");
		if (i > ADDS / 2 && backlog_lines(r) < kept)
			ck_abort_msg("line %u: expected the history to hold "
			    "steady at %u lines, got %u", i, kept,
			    backlog_lines(r));
		kept = backlog_lines(r);
	}
	ck_assert_msg(kept > 100, "64 KiB: expected more than 100 lines of "
	    "40 bytes, got %u", kept);
	/* The newest lines, in order, up to the last. */
	run.next = ADDS + 1 - kept;
	backlog_each(r, run_cb, &run);
	ck_assert_msg(run.next == ADDS + 1, "expected lines up to %d, got up "
	    "to %u", ADDS, run.next - 1);
	backlog_unpin(b, r);
	backlog_free(b);
}
END_TEST

/* --- no allocation in steady state --------------------------------------- */

static int
ptr_cmp(const void *a, const void *b)
{
	const char	*pa = *(const char *const *)a;
	const char	*pb = *(const char *const *)b;

	return pa < pb ? -1 : pa > pb;
}

/* The buffers R's lines live in, sorted. */
static void
buffers_of(const struct backlog_room *r, const char **out, unsigned int n)
{
	struct seen	*s = seen_of(r);

	ck_assert_msg(s->n == n, "expected %u lines, got %u", n, s->n);
	memcpy(out, s->ptr, n * sizeof *out);
	qsort(out, n, sizeof *out, ptr_cmp);
}

static void
steady(int vary)
{
	enum { N = 20, ADDS = 100000, L = 300 };
	struct backlog		*b = backlog_create(N, BIG);
	struct backlog_room	*r = backlog_pin(b, S("#steady"));
	const char		*before[N], *after[N];
	uint64_t		 rng = 99;
	unsigned int		 i;
	size_t			 bytes, len;

	/*
	 * The first round at the longest, so that every buffer is as large
	 * as it needs: lines of the usual lengths, up to a few hundred
	 * bytes, then fit in the buffers they find.
	 */
	for (i = 1; i <= N; i++)
		add_line(b, r, "#steady", i, L);
	bytes = backlog_bytes(b);
	buffers_of(r, before, N);
	for (i = N + 1; i <= ADDS; i++) {
		len = vary ? 60 + test_random(&rng) % (L - 60 + 1) : L;
		add_line(b, r, "#steady", i, len);
		if (backlog_bytes(b) != bytes)
			ck_abort_msg("%s lines, add %u: expected %zu bytes "
			    "still, got %zu", vary ? "varied" : "equal", i,
			    bytes, backlog_bytes(b));
	}
	buffers_of(r, after, N);
	for (i = 0; i < N; i++)
		ck_assert_msg(before[i] == after[i], "%s lines: expected the "
		    "same %d buffers after %d adds", vary ? "varied" :
		    "equal", N, ADDS);
	backlog_unpin(b, r);
	backlog_free(b);
}

START_TEST(test_backlog_steady_equal_lines)
{
	steady(0);
}
END_TEST

START_TEST(test_backlog_steady_varied_lines)
{
	steady(1);
}
END_TEST

/* A long line's buffer goes back to size once the ring passes it. */
START_TEST(test_backlog_long_line_shrinks)
{
	enum { N = 4, L = 80 };
	struct backlog		*b = backlog_create(N, BIG);
	struct backlog_room	*r = backlog_pin(b, S("#dev"));
	unsigned int		 i;
	size_t			 bytes;

	for (i = 1; i <= N; i++)
		add_line(b, r, "#dev", i, L);
	bytes = backlog_bytes(b);
	add_line(b, r, "#dev", N + 1, 8000);
	ck_assert_msg(backlog_bytes(b) >= bytes + 7500, "a line of 8000 "
	    "bytes: expected it counted, got %zu bytes from %zu",
	    backlog_bytes(b), bytes);
	for (i = N + 2; i <= 2 * N + 1; i++)
		add_line(b, r, "#dev", i, L);
	ck_assert_msg(backlog_bytes(b) == bytes, "the ring past the long "
	    "line: expected %zu bytes again, got %zu", bytes,
	    backlog_bytes(b));
	backlog_unpin(b, r);
	backlog_free(b);
}
END_TEST

/* --- against a model ----------------------------------------------------- */

#define M_ROOMS		6
#define M_LINES		8
#define M_LINE_BYTES	3500

static const char *const m_names[M_ROOMS] = {
	"#lobby", "#dev", "#Ops", "#\xC3\xA9t\xC3\xA9",
	"#\xC3\x89T\xC3\x89", "alice",
};

struct m_line {
	size_t	 len;
	char	*s;
};

struct m_room {
	int			 exists;
	unsigned int		 pins;
	struct backlog_room	*h;
	unsigned int		 n;
	struct m_line		 lines[M_LINES];	/* oldest first */
	unsigned long		 last_add;
};

struct model {
	struct backlog	*b;
	unsigned int	 lines;
	size_t		 max;
	struct m_room	 rooms[M_ROOMS];
	unsigned long	 clock;
	uint64_t	 rng;
};

static void
m_drop_oldest(struct m_room *mr)
{
	free(mr->lines[0].s);
	memmove(mr->lines, mr->lines + 1, (mr->n - 1) * sizeof *mr->lines);
	mr->n--;
}

/* Room I's name with its ASCII letters in random case. */
static size_t
m_name(struct model *m, unsigned int i, char *out)
{
	size_t		len = strlen(m_names[i]), k;
	unsigned char	c;

	for (k = 0; k < len; k++) {
		c = (unsigned char)m_names[i][k];
		if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') &&
		    test_random(&m->rng) % 2)
			c ^= 0x20;
		out[k] = (char)c;
	}
	return len;
}

/*
 * What the backlog holds for room I. An unpinned history may have been
 * freed: it is pinned by name to be seen (a new one is empty, as it
 * should be), and let go again.
 */
static struct seen *
m_seen(struct model *m, unsigned int i)
{
	struct m_room		*mr = &m->rooms[i];
	struct backlog_room	*h;
	struct seen		*s;
	char			 name[64];

	if (mr->pins > 0)
		return seen_of(mr->h);
	h = backlog_pin(m->b, name, m_name(m, i, name));
	s = seen_of(h);
	if (s->n > 0 && h != mr->h)
		ck_abort_msg("%s, unpinned with lines: expected its history "
		    "found again", esc_str(m_names[i]));
	backlog_unpin(m->b, h);
	return s;
}

/* The backlog must hold what the model holds, within the bound. */
static void
m_check(struct model *m, unsigned long step)
{
	struct seen	*s;
	unsigned int	 i, k, exist = 0;
	size_t		 held = 0;

	for (i = 0; i < M_ROOMS; i++) {
		struct m_room	*mr = &m->rooms[i];

		if (!mr->exists)
			continue;
		exist++;
		s = m_seen(m, i);
		if (s->n != mr->n)
			ck_abort_msg("step %lu, %s: expected %u lines, got %u",
			    step, esc_str(m_names[i]), mr->n, s->n);
		for (k = 0; k < mr->n; k++) {
			held += mr->lines[k].len;
			if (s->len[k] != mr->lines[k].len || memcmp(s->text[k],
			    mr->lines[k].s, s->len[k]) != 0)
				ck_abort_msg("step %lu, %s, line %u: expected "
				    "\"%s\", got \"%s\"", step,
				    esc_str(m_names[i]), k,
				    esc(mr->lines[k].s, mr->lines[k].len),
				    esc(s->text[k], s->len[k]));
		}
	}
	if (backlog_rooms(m->b) != exist)
		ck_abort_msg("step %lu: expected %u histories, got %zu", step,
		    exist, backlog_rooms(m->b));
	if (backlog_bytes(m->b) > m->max || backlog_bytes(m->b) < held ||
	    (held == 0) != (backlog_bytes(m->b) == 0))
		ck_abort_msg("step %lu: %zu bytes of lines held: expected that "
		    "many bytes or more, at most %zu, got %zu", step, held,
		    m->max, backlog_bytes(m->b));
}

static void
m_pin(struct model *m, unsigned int i)
{
	struct m_room		*mr = &m->rooms[i];
	struct backlog_room	*h;
	char			 name[64];

	h = backlog_pin(m->b, name, m_name(m, i, name));
	if (mr->exists && h != mr->h)
		ck_abort_msg("%s pinned again: expected its history",
		    esc_str(m_names[i]));
	mr->exists = 1;
	mr->h = h;
	mr->pins++;
}

static void
m_unpin(struct model *m, unsigned int i)
{
	struct m_room	*mr = &m->rooms[i];

	backlog_unpin(m->b, mr->h);
	if (--mr->pins == 0 && mr->n == 0)
		mr->exists = 0;
}

/*
 * Add a line to room I, which is pinned, and see what went: the model
 * keeps LINES a room; past the bound, the backlog must have taken the
 * oldest lines of the least recently added-to rooms, in that order, and
 * not many more than it had to.
 */
static void
m_add(struct model *m, unsigned int i, unsigned long step)
{
	struct m_room	*mr = &m->rooms[i], *order[M_ROOMS], *t;
	struct seen	*s;
	char		*line;
	size_t		 len, room_max, over;
	unsigned int	 k, j, n = 0, dropped, partial;
	int		 kept;

	len = test_random(&m->rng) % 50 == 0 ?
	    2000 + test_random(&m->rng) % (M_LINE_BYTES - 2000) :
	    test_random(&m->rng) % 600;
	if ((line = malloc(len + 1)) == NULL)
		ck_abort_msg("out of memory");
	for (k = 0; k < len; k++)
		line[k] = (char)test_random(&m->rng);
	backlog_add(m->b, mr->h, line, len);

	s = seen_of(mr->h);
	kept = s->n > 0 && s->len[s->n - 1] == len &&
	    memcmp(s->text[s->n - 1], line, len) == 0;
	if (!kept) {
		/* Not kept: nothing changed. Short lines are always kept. */
		if (len < 600)
			ck_abort_msg("step %lu: a line of %zu bytes, bound "
			    "%zu: expected it kept", step, len, m->max);
		free(line);
		m_check(m, step);
		return;
	}
	if (len > m->max)
		ck_abort_msg("step %lu: a line of %zu bytes kept, over the "
		    "bound %zu", step, len, m->max);
	if (mr->n == m->lines)
		m_drop_oldest(mr);
	mr->lines[mr->n].s = line;
	mr->lines[mr->n].len = len;
	mr->n++;
	mr->last_add = ++m->clock;

	/* The rooms with lines, least recently added to first. */
	for (k = 0; k < M_ROOMS; k++) {
		if (!m->rooms[k].exists || m->rooms[k].n == 0)
			continue;
		t = &m->rooms[k];
		for (j = n; j > 0 && order[j - 1]->last_add > t->last_add; j--)
			order[j] = order[j - 1];
		order[j] = t;
		n++;
	}
	/* Whole rooms emptied, then part of one, then none touched. */
	partial = 0;
	over = 0;
	for (k = 0; k < n; k++) {
		t = order[k];
		s = m_seen(m, (unsigned int)(t - m->rooms));
		if (s->n > t->n)
			ck_abort_msg("step %lu: a room holds more than the "
			    "model", step);
		dropped = t->n - s->n;
		if (dropped > 0 && partial)
			ck_abort_msg("step %lu: a room lost lines while a less "
			    "recently active one kept some", step);
		if (dropped < t->n)
			partial = 1;
		room_max = t->n == dropped ? 1024 : 0;
		for (j = 0; j < dropped; j++) {
			/* The last line to go could not have stayed. */
			over = 4 * t->lines[0].len + 1024 + room_max;
			m_drop_oldest(t);
		}
		if (t->n == 0 && t->pins == 0)
			t->exists = 0;
	}
	if (over > 0 && backlog_bytes(m->b) + over <= m->max)
		ck_abort_msg("step %lu: %zu bytes held, bound %zu: lines "
		    "taken that could have stayed", step, backlog_bytes(m->b),
		    m->max);
	m_check(m, step);
}

static void
m_run(uint64_t seed, unsigned long steps)
{
	struct model	 m;
	unsigned int	 i, op;
	unsigned long	 step;

	memset(&m, 0, sizeof m);
	m.rng = seed;
	m.lines = 1 + test_random(&m.rng) % M_LINES;
	m.max = 2048 + test_random(&m.rng) % 8192;
	m.b = backlog_create(m.lines, m.max);
	for (step = 0; step < steps; step++) {
		i = test_random(&m.rng) % M_ROOMS;
		op = test_random(&m.rng) % 100;
		if (op < 8 || (m.rooms[i].pins == 0 && op < 30))
			m_pin(&m, i);
		else if (op < 16 && m.rooms[i].pins > 0)
			m_unpin(&m, i);
		else if (m.rooms[i].pins > 0)
			m_add(&m, i, step);
		m_check(&m, step);
	}
	while (test_random(&m.rng) % 2 == 0) {
		/* Sometimes everything is unpinned before the end. */
		for (i = 0; i < M_ROOMS; i++)
			while (m.rooms[i].pins > 0)
				m_unpin(&m, i);
		m_check(&m, step);
	}
	backlog_free(m.b);
	for (i = 0; i < M_ROOMS; i++)
		while (m.rooms[i].n > 0)
			m_drop_oldest(&m.rooms[i]);
}

START_TEST(test_backlog_model)
{
	uint64_t	seed;

	for (seed = 1; seed <= 40; seed++)
		m_run(seed * 0x9E3779B97F4A7C15ULL, 5000);
}
END_TEST

static Suite *
backlog_suite(void)
{
	Suite	*s = suite_create("backlog");
	TCase	*tc;

	tc = tcase_create("lines");
	tcase_add_test(tc, test_backlog_last_n_oldest_first);
	tcase_add_test(tc, test_backlog_bytes_as_sent);
	tcase_add_test(tc, test_backlog_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("life");
	tcase_add_test(tc, test_backlog_survives_unpin);
	tcase_add_test(tc, test_backlog_empty_freed);
	suite_add_tcase(s, tc);

	tc = tcase_create("pressure");
	tcase_add_test(tc, test_backlog_pressure_least_recent_first);
	tcase_add_test(tc, test_backlog_pinned_emptied_kept);
	tcase_add_test(tc, test_backlog_huge_line);
	tcase_add_test(tc, test_backlog_ring_within_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("reuse");
	tcase_add_test(tc, test_backlog_steady_equal_lines);
	tcase_add_test(tc, test_backlog_steady_varied_lines);
	tcase_add_test(tc, test_backlog_long_line_shrinks);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("model");
	tcase_add_test(tc, test_backlog_model);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(backlog_suite());
}

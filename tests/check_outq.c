/*
 * check_outq.c: output queues of shared chunks: pushing, iovecs, partial
 * and full consumption, byte accounting, merging of contiguous messages,
 * sharing between queues, the ring's growth, and large messages.
 */
#include "common.h"

#include <check.h>

#include <sys/uio.h>

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "outq.h"

#include "check_util.h"

#define OUTQ_EMPTY	{ NULL, 0, 0, 0, 0, 0 }

/* Every byte Q would write now, in order, into OUT (SIZE bytes). */
static size_t
queued(const struct outq *q, char *out, size_t size)
{
	struct iovec	iov[1024];
	size_t		n = 0;
	int		k, i;

	k = outq_iov(q, iov, (int)ARRAY_SIZE(iov), SIZE_MAX);
	for (i = 0; i < k; i++) {
		ck_assert_msg(n + iov[i].iov_len <= size,
		    "expected at most %zu bytes queued, got more", size);
		memcpy(out + n, iov[i].iov_base, iov[i].iov_len);
		n += iov[i].iov_len;
	}
	return n;
}

/* Q must hold exactly WANT (a C string), in NIOV iovec entries. */
static void
expect_queue(const struct outq *q, const char *want, int niov)
{
	struct iovec	iov[64];
	char		buf[4096];
	size_t		n;
	int		k;

	n = queued(q, buf, sizeof buf);
	ck_assert_bytes_str(buf, n, want);
	ck_assert_msg(q->bytes == strlen(want), "bytes: expected %zu, got %zu",
	    strlen(want), q->bytes);
	k = outq_iov(q, iov, (int)ARRAY_SIZE(iov), SIZE_MAX);
	ck_assert_msg(k == niov, "\"%s\": expected %d iovec entries, got %d",
	    esc_str(want), niov, k);
}

/* Q is empty; it gives its ring back when asked to. */
static void
expect_empty(struct outq *q)
{
	struct iovec	iov[4];
	size_t		size = q->size, freed;
	int		k;

	k = outq_iov(q, iov, (int)ARRAY_SIZE(iov), SIZE_MAX);
	ck_assert_msg(k == 0 && q->bytes == 0 && q->count == 0,
	    "expected an empty queue, got %d iovec entries, %zu bytes, %u "
	    "slices", k, q->bytes, (unsigned)q->count);
	freed = outq_shrink(q);
	ck_assert_msg(freed == size * sizeof(struct slice),
	    "outq_shrink of an empty queue of %zu slots: expected %zu bytes "
	    "freed, got %zu", size, size * sizeof(struct slice), freed);
	ck_assert_msg(q->ring == NULL && q->size == 0,
	    "an empty queue after outq_shrink: expected no ring, got %u "
	    "slots", (unsigned)q->size);
}

/* Make one message of LEN bytes from S and return its slice. */
static struct slice
make(const char *s, size_t len)
{
	struct slice	sl;

	memcpy(outq_msg_begin(len), s, len);
	outq_msg_end(len, &sl);
	return sl;
}

static struct slice
make_str(const char *s)
{
	return make(s, strlen(s));
}

/* Each test starts with no writer chunk and an empty pool. */
static void
teardown(void)
{
	outq_shutdown();
}

/* --- basics -------------------------------------------------------------- */

START_TEST(test_outq_empty)
{
	struct outq	q = OUTQ_EMPTY;

	expect_empty(&q);
	outq_append(&q, "", 0);
	expect_empty(&q);
	outq_clear(&q);
	expect_empty(&q);
}
END_TEST

START_TEST(test_outq_append_consume)
{
	struct outq	q = OUTQ_EMPTY;

	outq_append(&q, "hello", 5);
	expect_queue(&q, "hello", 1);
	outq_consume(&q, 2);
	expect_queue(&q, "llo", 1);
	outq_consume(&q, 0);
	expect_queue(&q, "llo", 1);
	outq_consume(&q, 3);
	expect_empty(&q);
}
END_TEST

START_TEST(test_outq_msg_begin_end)
{
	struct outq	 q = OUTQ_EMPTY;
	struct slice	 s;
	char		*p;

	p = outq_msg_begin(100);
	ck_assert_ptr_nonnull(p);
	memcpy(p, "[stamp] text\n", 13);
	outq_msg_end(13, &s);
	ck_assert_msg(s.len == 13, "slice: expected 13 bytes, got %u",
	    (unsigned)s.len);
	outq_push(&q, &s);
	expect_queue(&q, "[stamp] text\n", 1);
	/* An empty message is nothing to send. */
	outq_msg_begin(10);
	outq_msg_end(0, &s);
	outq_push(&q, &s);
	expect_queue(&q, "[stamp] text\n", 1);
	outq_clear(&q);
	expect_empty(&q);
}
END_TEST

START_TEST(test_outq_consume_across_slices)
{
	struct outq	q = OUTQ_EMPTY, other = OUTQ_EMPTY;

	/* Something in between keeps the three apart. */
	outq_append(&q, "abc", 3);
	outq_append(&other, "-", 1);
	outq_append(&q, "def", 3);
	outq_append(&other, "-", 1);
	outq_append(&q, "ghi", 3);
	expect_queue(&q, "abcdefghi", 3);
	outq_consume(&q, 4);
	expect_queue(&q, "efghi", 2);
	outq_consume(&q, 2);
	expect_queue(&q, "ghi", 1);
	outq_consume(&q, 3);
	expect_empty(&q);
	outq_clear(&other);
}
END_TEST

/* --- merging and sharing ------------------------------------------------- */

START_TEST(test_outq_merge_contiguous)
{
	struct outq	q = OUTQ_EMPTY;
	struct slice	a, b, c;

	a = make_str("one\n");
	b = make_str("two\n");
	c = make_str("three\n");
	outq_push(&q, &a);
	outq_push(&q, &b);
	outq_push(&q, &c);
	expect_queue(&q, "one\ntwo\nthree\n", 1);
	ck_assert_int_eq(q.count, 1);
	/* Merging into a partly written slice keeps the written part out. */
	outq_consume(&q, 2);
	a = make_str("four\n");
	outq_push(&q, &a);
	expect_queue(&q, "e\ntwo\nthree\nfour\n", 1);
	outq_clear(&q);
}
END_TEST

START_TEST(test_outq_no_merge_with_gap)
{
	struct outq	q = OUTQ_EMPTY, r = OUTQ_EMPTY;
	struct slice	a, b, c;

	a = make_str("a");
	b = make_str("b");
	c = make_str("c");
	outq_push(&q, &a);
	outq_push(&r, &b);
	outq_push(&q, &c);
	expect_queue(&q, "ac", 2);
	expect_queue(&r, "b", 1);
	/* The same slice twice is two slices, not one of double length. */
	outq_push(&r, &b);
	expect_queue(&r, "bb", 2);
	/* Out of order, then in order again. */
	outq_push(&r, &a);
	outq_push(&r, &b);
	expect_queue(&r, "bbab", 3);
	outq_clear(&q);
	outq_clear(&r);
}
END_TEST

/* One message for many peers is one copy, and each peer writes at its own
 * pace. */
START_TEST(test_outq_shared_slice)
{
	struct outq	 q1 = OUTQ_EMPTY, q2 = OUTQ_EMPTY;
	struct iovec	 v1[2], v2[2];
	struct slice	 s;

	s = make_str("[stamp] alice: hi\n");
	outq_push(&q1, &s);
	outq_push(&q2, &s);
	ck_assert_int_eq(outq_iov(&q1, v1, 2, SIZE_MAX), 1);
	ck_assert_int_eq(outq_iov(&q2, v2, 2, SIZE_MAX), 1);
	ck_assert_msg(v1[0].iov_base == v2[0].iov_base,
	    "a shared message: expected one copy, got %p and %p",
	    v1[0].iov_base, v2[0].iov_base);

	outq_consume(&q1, 8);
	expect_queue(&q1, "alice: hi\n", 1);
	expect_queue(&q2, "[stamp] alice: hi\n", 1);
	outq_consume(&q1, 10);
	expect_empty(&q1);
	expect_queue(&q2, "[stamp] alice: hi\n", 1);
	/* The chunk lives on for q2 while new messages are made. */
	outq_append(&q1, "new", 3);
	expect_queue(&q2, "[stamp] alice: hi\n", 1);
	outq_clear(&q2);
	expect_empty(&q2);
	expect_queue(&q1, "new", 1);
	outq_clear(&q1);
}
END_TEST

/* A peer that goes away drops its queue; the others keep theirs. */
START_TEST(test_outq_clear)
{
	struct outq	q1 = OUTQ_EMPTY, q2 = OUTQ_EMPTY;
	struct slice	s;
	int		i;

	for (i = 0; i < 10; i++) {
		s = make_str("0123456789");
		outq_push(&q1, &s);
		outq_push(&q2, &s);
		outq_append(&q1, "x", 1);
	}
	outq_consume(&q1, 5);
	outq_clear(&q1);
	expect_empty(&q1);
	ck_assert_msg(q1.head_done == 0, "after outq_clear: expected nothing "
	    "half written, got %u", (unsigned)q1.head_done);
	expect_queue(&q2, "0123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345678901234567890123456789",
	    10);
	/* A cleared queue is usable again. */
	outq_append(&q1, "again", 5);
	expect_queue(&q1, "again", 1);
	outq_clear(&q1);
	outq_clear(&q2);
}
END_TEST

/* --- outq_iov's bounds --------------------------------------------------- */

START_TEST(test_outq_iov_limit)
{
	struct outq	q = OUTQ_EMPTY, other = OUTQ_EMPTY;
	struct iovec	iov[8];
	int		k;

	outq_append(&q, "abc", 3);
	outq_append(&other, "-", 1);
	outq_append(&q, "def", 3);
	outq_append(&other, "-", 1);
	outq_append(&q, "ghi", 3);

	k = outq_iov(&q, iov, 8, 4);
	ck_assert_int_eq(k, 2);
	ck_assert_bytes_str(iov[0].iov_base, iov[0].iov_len, "abc");
	ck_assert_bytes_str(iov[1].iov_base, iov[1].iov_len, "d");

	k = outq_iov(&q, iov, 8, 3);
	ck_assert_int_eq(k, 1);
	ck_assert_bytes_str(iov[0].iov_base, iov[0].iov_len, "abc");

	k = outq_iov(&q, iov, 8, 1);
	ck_assert_int_eq(k, 1);
	ck_assert_bytes_str(iov[0].iov_base, iov[0].iov_len, "a");

	k = outq_iov(&q, iov, 8, 0);
	ck_assert_int_eq(k, 0);

	/* At most MAX entries. */
	k = outq_iov(&q, iov, 2, SIZE_MAX);
	ck_assert_int_eq(k, 2);
	ck_assert_bytes_str(iov[1].iov_base, iov[1].iov_len, "def");

	/* After a partial write the first entry starts where it stopped. */
	outq_consume(&q, 1);
	k = outq_iov(&q, iov, 8, 3);
	ck_assert_int_eq(k, 2);
	ck_assert_bytes_str(iov[0].iov_base, iov[0].iov_len, "bc");
	ck_assert_bytes_str(iov[1].iov_base, iov[1].iov_len, "d");

	outq_clear(&q);
	outq_clear(&other);
}
END_TEST

/* --- the ring ------------------------------------------------------------ */

/* The ring grows while its head is not at slot 0: order is kept. */
START_TEST(test_outq_ring_wrap_grow)
{
	struct outq	q = OUTQ_EMPTY, other = OUTQ_EMPTY;
	char		c[2] = "A";
	int		i;

	for (i = 0; i < 4; i++, c[0]++) {
		outq_append(&q, c, 1);
		outq_append(&other, "-", 1);
	}
	expect_queue(&q, "ABCD", 4);
	outq_consume(&q, 2);
	/* Two more wrap around to the first slots; the next one grows. */
	for (i = 0; i < 3; i++, c[0]++) {
		outq_append(&q, c, 1);
		outq_append(&other, "-", 1);
	}
	expect_queue(&q, "CDEFG", 5);
	ck_assert_msg(q.size > 4, "5 slices: expected the ring to grow past 4 "
	    "slots, got %u", (unsigned)q.size);
	for (i = 0; i < 20; i++, c[0]++) {
		outq_append(&q, c, 1);
		outq_append(&other, "-", 1);
	}
	expect_queue(&q, "CDEFGHIJKLMNOPQRSTUVWXYZ[", 25);
	outq_consume(&q, 25);
	expect_empty(&q);
	outq_clear(&other);
}
END_TEST

/*
 * Written to the end, a queue keeps its ring for the next push (a busy
 * peer allocates nothing a write); outq_shrink leaves a queue with
 * something in it alone and frees the ring of an empty one.
 */
START_TEST(test_outq_ring_kept)
{
	struct outq	 q = OUTQ_EMPTY, other = OUTQ_EMPTY;
	struct slice	*ring;

	outq_append(&q, "A", 1);
	outq_append(&other, "-", 1);
	outq_append(&q, "B", 1);
	ring = q.ring;
	ck_assert_msg(ring != NULL && q.size == 4, "2 slices: expected a "
	    "ring of 4 slots, got %u", (unsigned)q.size);
	ck_assert_msg(outq_shrink(&q) == 0 && q.ring == ring,
	    "outq_shrink of a queue of 2 slices: expected nothing freed");
	expect_queue(&q, "AB", 2);
	outq_consume(&q, 2);
	ck_assert_msg(q.ring == ring && q.size == 4 && q.count == 0,
	    "written to the end: expected the ring of 4 slots kept, got %u "
	    "slots", (unsigned)q.size);
	outq_append(&q, "C", 1);
	ck_assert_msg(q.ring == ring, "a push after the queue emptied: "
	    "expected the ring kept to take it");
	expect_queue(&q, "C", 1);
	outq_consume(&q, 1);
	expect_empty(&q);
	ck_assert_msg(outq_shrink(&q) == 0, "outq_shrink twice: expected "
	    "nothing freed the second time");
	outq_clear(&other);
	ck_assert_msg(other.ring == NULL, "outq_clear: expected the ring "
	    "freed");
}
END_TEST

/*
 * Thousands of pushes and partial writes interleaved, with messages that
 * do not merge: the bytes written are exactly the bytes pushed, in order.
 */
START_TEST(test_outq_stress_order)
{
	struct outq	 q = OUTQ_EMPTY, other = OUTQ_EMPTY;
	uint64_t	 seed = 0x6f75747100000001ULL;
	struct iovec	 iov[16];
	char		 msg[64];
	char		*model;
	size_t		 model_cap = 1 << 20, pushed = 0, written = 0;
	size_t		 len, n, want, i, off, max_size = 0;
	uint32_t	 r;
	int		 step, k, j;

	model = malloc(model_cap);
	ck_assert_ptr_nonnull(model);
	for (step = 0; step < 20000; step++) {
		r = test_random(&seed);
		if (r % 3 != 0) {
			len = 1 + (r >> 8) % 40;
			for (i = 0; i < len; i++)
				msg[i] = (char)('!' + (pushed + i) % 90);
			ck_assert_msg(pushed + len <= model_cap, "model full");
			memcpy(model + pushed, msg, len);
			pushed += len;
			outq_append(&q, msg, len);
			/* Every other message is kept from merging. */
			if ((r >> 16) & 1)
				outq_append(&other, "-", 1);
		} else {
			/* A partial write, at most a few slices' worth. */
			want = (r >> 8) % 100;
			k = outq_iov(&q, iov, (int)ARRAY_SIZE(iov), want);
			for (j = 0, off = written; j < k; j++) {
				n = iov[j].iov_len;
				ck_assert_msg(memcmp(iov[j].iov_base,
				    model + off, n) == 0, "step %d: expected "
				    "\"%s\" at byte %zu, got \"%s\"", step,
				    esc(model + off, n), off,
				    esc(iov[j].iov_base, n));
				off += n;
			}
			outq_consume(&q, off - written);
			written = off;
		}
		ck_assert_msg(q.bytes == pushed - written, "step %d: expected "
		    "%zu bytes queued, got %zu", step, pushed - written,
		    q.bytes);
		if (q.size > max_size)
			max_size = q.size;
		if (other.count > 100)
			outq_clear(&other);
	}
	/* Drain what is left. */
	while (q.bytes > 0) {
		k = outq_iov(&q, iov, (int)ARRAY_SIZE(iov), SIZE_MAX);
		for (j = 0; j < k; j++) {
			n = iov[j].iov_len;
			ck_assert_msg(memcmp(iov[j].iov_base, model + written,
			    n) == 0, "draining: expected \"%s\" at byte %zu, "
			    "got \"%s\"", esc(model + written, n), written,
			    esc(iov[j].iov_base, n));
			outq_consume(&q, iov[j].iov_len);
			written += iov[j].iov_len;
		}
	}
	ck_assert_msg(written == pushed, "expected %zu bytes written, got %zu",
	    pushed, written);
	ck_assert_msg(max_size >= 64, "expected the ring to grow to 64 slots "
	    "or more, got %zu at most", max_size);
	expect_empty(&q);
	outq_clear(&other);
	free(model);
}
END_TEST

/* --- large messages ------------------------------------------------------ */

START_TEST(test_outq_large_message)
{
	struct outq	 q1 = OUTQ_EMPTY, q2 = OUTQ_EMPTY;
	size_t		 len = 100 * 1024, i, done;
	struct iovec	 iov[4];
	struct slice	 s;
	char		*big, *p;
	int		 k;

	big = malloc(len);
	ck_assert_ptr_nonnull(big);
	for (i = 0; i < len; i++)
		big[i] = (char)('a' + i % 26);
	outq_append(&q1, "before", 6);
	p = outq_msg_begin(len);
	memcpy(p, big, len);
	outq_msg_end(len, &s);
	outq_push(&q1, &s);
	outq_push(&q2, &s);
	outq_append(&q1, "after", 5);

	ck_assert_msg(q1.bytes == len + 11, "expected %zu bytes, got %zu",
	    len + 11, q1.bytes);
	k = outq_iov(&q2, iov, 4, SIZE_MAX);
	ck_assert_msg(k == 1 && iov[0].iov_len == len &&
	    memcmp(iov[0].iov_base, big, len) == 0,
	    "a 100 KiB message: expected one entry of %zu bytes, the message; "
	    "got %d entries, the first %zu bytes", len, k, iov[0].iov_len);

	/* Written in pieces. */
	outq_consume(&q1, 6);
	for (done = 0; done < len; done += i) {
		i = MINIMUM((size_t)7000, len - done);
		k = outq_iov(&q1, iov, 1, i);
		ck_assert_msg(k == 1 && iov[0].iov_len == i &&
		    memcmp(iov[0].iov_base, big + done, i) == 0,
		    "at byte %zu: expected %zu bytes of the message, got %zu",
		    done, i, k == 1 ? iov[0].iov_len : 0);
		outq_consume(&q1, i);
	}
	expect_queue(&q1, "after", 1);
	outq_clear(&q1);
	ck_assert_msg(q2.bytes == len, "q2: expected %zu bytes untouched, got "
	    "%zu", len, q2.bytes);
	outq_clear(&q2);
	free(big);
}
END_TEST

/* Many messages that fill chunk after chunk, some exactly a chunk. */
START_TEST(test_outq_many_chunks)
{
	struct outq	 q = OUTQ_EMPTY;
	static char	 msg[OUTQ_CHUNK_BYTES], got[OUTQ_CHUNK_BYTES];
	static const size_t sizes[] = {
		1000, OUTQ_CHUNK_BYTES, 3000, 1, 4095, 97
	};
	size_t		 i, j, len, n;
	struct iovec	 iov[2];
	int		 k, round;

	for (round = 0; round < 300; round++) {
		len = sizes[round % ARRAY_SIZE(sizes)];
		for (j = 0; j < len; j++)
			msg[j] = (char)(round + j);
		outq_append(&q, msg, len);
		if (round % 3 != 2)
			continue;
		/* Write the queue out, checking each message. */
		for (i = round - 2; i <= (size_t)round; i++) {
			len = sizes[i % ARRAY_SIZE(sizes)];
			for (j = 0; j < len; j++)
				msg[j] = (char)(i + j);
			for (n = 0; n < len; n += iov[0].iov_len) {
				k = outq_iov(&q, iov, 1, len - n);
				ck_assert_int_eq(k, 1);
				memcpy(got + n, iov[0].iov_base,
				    iov[0].iov_len);
				outq_consume(&q, iov[0].iov_len);
			}
			ck_assert_msg(memcmp(got, msg, len) == 0,
			    "message %zu (%zu bytes): expected its bytes back",
			    i, len);
		}
		expect_empty(&q);
	}
}
END_TEST

/*
 * outq_idle(): chunks kept for reuse are freed at the second call without
 * a chunk begun in between, not at the first; the one being written into
 * stays, and the queues go on after.
 */
START_TEST(test_outq_idle)
{
	struct outq	 q = OUTQ_EMPTY;
	static char	 msg[OUTQ_CHUNK_BYTES];
	int		 i;

	memset(msg, 'x', sizeof msg);
	ck_assert_uint_eq(outq_idle(), 0);	/* nothing at all yet */
	/* Three chunks filled and written: two go back to the pool. */
	for (i = 0; i < 3; i++)
		outq_append(&q, msg, sizeof msg);
	ck_assert_uint_eq(q.bytes, 3 * sizeof msg);
	outq_consume(&q, q.bytes);
	/* Chunks were begun since the last call: nothing freed yet. */
	ck_assert_uint_eq(outq_idle(), 0);
	/* A quiet interval: the pooled chunks go, at least their bytes. */
	ck_assert_uint_ge(outq_idle(), 2 * sizeof msg);
	ck_assert_uint_eq(outq_idle(), 0);
	/* Nothing was broken: a queue takes and gives messages again. */
	outq_append(&q, "after\n", 6);
	expect_queue(&q, "after\n", 1);
	outq_consume(&q, 6);
	expect_empty(&q);
}
END_TEST

/* Writing more than is queued is a bug: the program stops. */
START_TEST(test_outq_consume_too_much)
{
	struct outq	q = OUTQ_EMPTY;

	outq_append(&q, "abc", 3);
	outq_consume(&q, 4);
}
END_TEST

static Suite *
outq_suite(int forking)
{
	Suite	*s = suite_create("outq");
	TCase	*tc;

	tc = tcase_create("basics");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_outq_empty);
	tcase_add_test(tc, test_outq_append_consume);
	tcase_add_test(tc, test_outq_msg_begin_end);
	tcase_add_test(tc, test_outq_consume_across_slices);
	/* Aborting can only be tested in a child process. */
	if (forking)
		tcase_add_test_raise_signal(tc, test_outq_consume_too_much,
		    SIGABRT);
	suite_add_tcase(s, tc);

	tc = tcase_create("sharing");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_outq_merge_contiguous);
	tcase_add_test(tc, test_outq_no_merge_with_gap);
	tcase_add_test(tc, test_outq_shared_slice);
	tcase_add_test(tc, test_outq_clear);
	suite_add_tcase(s, tc);

	tc = tcase_create("iov");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_outq_iov_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("ring");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_outq_ring_wrap_grow);
	tcase_add_test(tc, test_outq_ring_kept);
	tcase_add_test(tc, test_outq_stress_order);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("large");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_outq_large_message);
	tcase_add_test(tc, test_outq_many_chunks);
	tcase_add_test(tc, test_outq_idle);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	const char	*fork_env = getenv("CK_FORK");
	int		 status;

	status = run_suite(outq_suite(fork_env == NULL ||
	    strcmp(fork_env, "no") != 0));
	outq_shutdown();
	return status;
}

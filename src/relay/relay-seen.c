/*
 * relay-seen.c: a bounded set of the sequence numbers seen of one server:
 * a ring that says which number is the oldest, and an open-addressing
 * table that says at once whether a number is held. Both start small and
 * grow to RELAY_SEEN_MAX, so that a server heard of once (a made-up id in
 * the stream, say) costs little.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "relay-seen.h"
#include "xmalloc.h"

#define SEEN_FIRST	16

/* Where SEQ's search starts in a table of SIZE (a power of two) slots. */
static size_t
home(uint64_t seq, size_t size)
{
	/* Fibonacci hashing: consecutive numbers spread over the table. */
	return (size_t)((seq * UINT64_C(0x9E3779B97F4A7C15)) >> 32) &
	    (size - 1);
}

/* The slot that holds SEQ, or the empty one where it would go. */
static size_t
slot(const struct relay_seen *s, uint64_t seq)
{
	size_t	size = 2 * s->cap, i = home(seq, size);

	while (s->table[i] != 0 && s->table[i] != seq)
		i = (i + 1) & (size - 1);
	return i;
}

/*
 * Take SEQ out of the table, moving back the numbers after it that would
 * not be found past the hole (linear probing's deletion, no tombstones).
 */
static void
table_remove(struct relay_seen *s, uint64_t seq)
{
	size_t	size = 2 * s->cap, mask = size - 1, i, j, k;

	i = slot(s, seq);
	if (s->table[i] == 0)
		return;
	for (j = i;;) {
		s->table[i] = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (s->table[j] == 0)
				return;
			k = home(s->table[j], size);
			/* Stays if its home is cyclically in (i, j]. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		s->table[i] = s->table[j];
		i = j;
	}
}

/* Room for twice as many numbers, the oldest first at 0. */
static void
grow(struct relay_seen *s)
{
	size_t		 cap = s->cap == 0 ? SEEN_FIRST : 2 * s->cap, i;
	uint64_t	*order;

	order = xreallocarray(NULL, cap, sizeof *order);
	for (i = 0; i < s->n; i++)
		order[i] = s->order[(s->head + i) % s->cap];
	free(s->order);
	free(s->table);
	s->order = order;
	s->head = 0;
	s->cap = cap;
	s->table = xcalloc(2 * cap, sizeof *s->table);
	for (i = 0; i < s->n; i++)
		s->table[slot(s, order[i])] = order[i];
}

int
relay_seen_check(struct relay_seen *s, uint64_t seq)
{
	if (seq == 0)
		fatalx("relay_seen_check: sequence number 0");
	if (s->cap > 0 && s->table[slot(s, seq)] == seq)
		return 1;
	if (s->n == s->cap && s->cap < RELAY_SEEN_MAX)
		grow(s);
	if (s->cap == 0)
		return 0;	/* grow() always makes room */
	if (s->n == s->cap) {
		/* Full: the oldest gives way. */
		table_remove(s, s->order[s->head]);
		s->order[s->head] = seq;
		s->head = (s->head + 1) % s->cap;
	} else {
		s->order[(s->head + s->n) % s->cap] = seq;
		s->n++;
	}
	s->table[slot(s, seq)] = seq;
	return 0;
}

void
relay_seen_free(struct relay_seen *s)
{
	free(s->order);
	free(s->table);
	memset(s, 0, sizeof *s);
}

/*
 * ratelimit.c: token buckets, refilled lazily from the time elapsed.
 */
#include "common.h"

#include "ratelimit.h"

static double
level(const struct bucket *b, double rate, double burst, double now)
{
	double	t = b->tokens;

	if (now > b->last)
		t += (now - b->last) * rate;
	return t > burst ? burst : t;
}

void
bucket_init(struct bucket *b, double burst, double now)
{
	b->tokens = burst;
	b->last = now;
}

int
bucket_take(struct bucket *b, double rate, double burst, double now)
{
	b->tokens = level(b, rate, burst, now);
	if (now > b->last)
		b->last = now;
	if (b->tokens < 1.0)
		return 0;
	b->tokens -= 1.0;
	return 1;
}

double
bucket_wait(const struct bucket *b, double rate, double burst, double now)
{
	double	t = level(b, rate, burst, now);

	if (t >= 1.0 || rate <= 0.0)
		return 0.0;
	return (1.0 - t) / rate;
}

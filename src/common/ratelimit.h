/*
 * ratelimit.h: a token bucket: RATE events a second on average, BURST at
 * once, for --line-rate and --udp-rate.
 */
#ifndef TSCHAT_RATELIMIT_H
#define TSCHAT_RATELIMIT_H

struct bucket {
	double	tokens;
	double	last;		/* when tokens was last brought up to date */
};

/* A full bucket at time NOW. */
void	bucket_init(struct bucket *, double burst, double now);

/* Take one token at NOW: 1 if there was one, 0 if the bucket is empty. */
int	bucket_take(struct bucket *, double rate, double burst, double now);

/* Seconds from NOW until a token is there (0 if one is). */
double	bucket_wait(const struct bucket *, double rate, double burst,
	    double now);

#endif

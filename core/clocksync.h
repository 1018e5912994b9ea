/* NTP-style clock offset estimation (pure). Both sides use it: the client
 * to convert server time, the server to estimate each connection's delay. */
#ifndef QUIZ_CLOCKSYNC_H
#define QUIZ_CLOCKSYNC_H

#include <stdint.h>

#define CLOCKSYNC_WINDOW 16

struct clocksync_sample {
	int64_t offset; /* theta: server clock - client clock */
	int64_t delay;	/* delta: round trip minus server processing */
};

/* Sliding window of the last CLOCKSYNC_WINDOW samples. The clock offset is
 * taken from the sample with the lowest delay (the least queued, so the
 * least skewed); the one-way delay that compensates answers is half the
 * MEDIAN delay of the window (a central estimate: the lowest of 16 jittered
 * delays sits well below their typical value). Zero-initialise to start. */
struct clocksync {
	struct clocksync_sample s[CLOCKSYNC_WINDOW];
	unsigned n;    /* samples held, <= CLOCKSYNC_WINDOW */
	unsigned next; /* slot the next sample goes to */
};

/* The server's side: it only needs this peer's delays (to compensate its
 * answers), not the clock offsets, so it keeps the same window of delays
 * in 32 bits (microseconds; one past UINT32_MAX, 71 minutes, is kept as
 * UINT32_MAX, far beyond any compensation cap): 68 bytes a connection
 * instead of 264. Zero-initialise to start. */
struct clocksync_delays {
	uint32_t d[CLOCKSYNC_WINDOW];
	uint8_t n;    /* samples held, <= CLOCKSYNC_WINDOW */
	uint8_t next; /* slot the next sample goes to */
};

/* Adds one exchange: t0 client send, t1 server receive, t2 server send,
 * t3 client receive (t0, t3 on the client clock; t1, t2 on the server's).
 * Returns 0, or -EINVAL when the times are inconsistent (negative delay)
 * or one lies outside +-2^61 us (hostile input cannot overflow). */
int clocksync_add(struct clocksync *cs, int64_t t0, int64_t t1, int64_t t2,
		  int64_t t3);
/* Returns 1 and fills *best with the lowest-delay sample, or 0 if empty. */
int clocksync_best(const struct clocksync *cs, struct clocksync_sample *best);
/* Median delay of the window: the middle sample, or the mean of the two
 * middle ones for an even count (rounded down); 0 if no sample. */
int64_t clocksync_median_delay(const struct clocksync *cs);
/* One-way delay estimate (median delay / 2), 0 if no sample. */
int64_t clocksync_one_way(const struct clocksync *cs);

/* The same for a window of delays only: clocksync_delays_add checks an
 * exchange as clocksync_add does (same returns) and keeps its delay;
 * clocksync_delays_median and clocksync_delays_one_way give what
 * clocksync_median_delay and clocksync_one_way give for the same
 * exchanges. */
int clocksync_delays_add(struct clocksync_delays *cd, int64_t t0, int64_t t1,
			 int64_t t2, int64_t t3);
int64_t clocksync_delays_median(const struct clocksync_delays *cd);
int64_t clocksync_delays_one_way(const struct clocksync_delays *cd);
#endif

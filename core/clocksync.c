/* NTP-style offset and delay estimation over a sliding window. */
#include "clocksync.h"

#include <errno.h>

/* Timestamps beyond +-2^61 us (73,000 years) are refused: within it no
 * difference or sum below can overflow int64. Two of the four come from the
 * peer, so they are untrusted. */
#define CLOCKSYNC_TIME_MAX ((int64_t)1 << 61)

/* Whether t lies in the range the arithmetic below is safe for. */
static int clocksync_time_ok(int64_t t)
{
	return t > -CLOCKSYNC_TIME_MAX && t < CLOCKSYNC_TIME_MAX;
}

/* Checks one exchange and computes its delay and offset: 0 or -EINVAL. */
static int clocksync_exchange(int64_t t0, int64_t t1, int64_t t2, int64_t t3,
			      struct clocksync_sample *smp)
{
	if (!clocksync_time_ok(t0) || !clocksync_time_ok(t1) ||
	    !clocksync_time_ok(t2) || !clocksync_time_ok(t3))
		return -EINVAL;
	smp->delay = (t3 - t0) - (t2 - t1);
	if (t3 < t0 || t2 < t1 || smp->delay < 0)
		return -EINVAL;
	smp->offset = ((t1 - t0) + (t2 - t3)) / 2;
	return 0;
}

/* Adds one Ping/Pong exchange to the window. */
int clocksync_add(struct clocksync *cs, int64_t t0, int64_t t1, int64_t t2,
		  int64_t t3)
{
	struct clocksync_sample smp;

	if (clocksync_exchange(t0, t1, t2, t3, &smp) < 0)
		return -EINVAL;
	cs->s[cs->next] = smp;
	cs->next = (cs->next + 1) % CLOCKSYNC_WINDOW;
	if (cs->n < CLOCKSYNC_WINDOW)
		cs->n++;
	return 0;
}

/* Adds one exchange's delay to a window of delays. */
int clocksync_delays_add(struct clocksync_delays *cd, int64_t t0, int64_t t1,
			 int64_t t2, int64_t t3)
{
	struct clocksync_sample smp;

	if (clocksync_exchange(t0, t1, t2, t3, &smp) < 0)
		return -EINVAL;
	cd->d[cd->next] =
	    smp.delay > UINT32_MAX ? UINT32_MAX : (uint32_t)smp.delay;
	cd->next = (uint8_t)((cd->next + 1) % CLOCKSYNC_WINDOW);
	if (cd->n < CLOCKSYNC_WINDOW)
		cd->n++;
	return 0;
}

/* The lowest-delay sample: the one least disturbed by queueing. */
int clocksync_best(const struct clocksync *cs, struct clocksync_sample *best)
{
	unsigned i, b = 0;

	if (cs->n == 0)
		return 0;
	for (i = 1; i < cs->n; i++)
		if (cs->s[i].delay < cs->s[b].delay)
			b = i;
	*best = cs->s[b];
	return 1;
}

/* The median of n delays (insertion sort of at most CLOCKSYNC_WINDOW
 * values; every delay is in [0, 2^63) so the mean of two cannot overflow
 * when halved first). */
static int64_t clocksync_median_of(const int64_t *d, unsigned n)
{
	int64_t v[CLOCKSYNC_WINDOW], x;
	unsigned i, j;

	if (n == 0)
		return 0;
	if (n > CLOCKSYNC_WINDOW)
		n = CLOCKSYNC_WINDOW;
	for (i = 0; i < n; i++) {
		x = d[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	if (n % 2)
		return v[n / 2];
	x = v[n / 2 - 1] / 2 + v[n / 2] / 2;
	if (v[n / 2 - 1] % 2 && v[n / 2] % 2)
		x++;
	return x;
}

/* The median of the window's delays. */
int64_t clocksync_median_delay(const struct clocksync *cs)
{
	int64_t d[CLOCKSYNC_WINDOW];
	unsigned i, n = cs->n > CLOCKSYNC_WINDOW ? CLOCKSYNC_WINDOW : cs->n;

	for (i = 0; i < n; i++)
		d[i] = cs->s[i].delay;
	return clocksync_median_of(d, n);
}

/* The median of a window of delays. */
int64_t clocksync_delays_median(const struct clocksync_delays *cd)
{
	int64_t d[CLOCKSYNC_WINDOW];
	unsigned i, n = cd->n > CLOCKSYNC_WINDOW ? CLOCKSYNC_WINDOW : cd->n;

	for (i = 0; i < n; i++)
		d[i] = cd->d[i];
	return clocksync_median_of(d, n);
}

int64_t clocksync_delays_one_way(const struct clocksync_delays *cd)
{
	return clocksync_delays_median(cd) / 2;
}

/* Half the median round-trip delay: robust to jitter, unlike the
 * minimum, which is right for the offset but biased low for the delay. */
int64_t clocksync_one_way(const struct clocksync *cs)
{
	return clocksync_median_delay(cs) / 2;
}

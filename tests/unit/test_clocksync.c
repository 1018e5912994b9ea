/* Tests of the NTP-style clock sync: offset and delay of one exchange, the
 * lowest-delay sample of the sliding window (the offset), rejection of
 * impossible times, and the one-way delay estimate (half the median delay
 * of the window). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <stdint.h>

#include "clocksync.h"

/* One simulated exchange: the server clock runs `offset` ahead of the
 * client's; the ping takes `up` µs, the server holds it `proc` µs, the pong
 * takes `down` µs. The client sends at client time t0. */
static int exchange(struct clocksync *cs, int64_t offset, int64_t t0,
		    int64_t up, int64_t proc, int64_t down)
{
	int64_t t1 = t0 + up + offset;
	int64_t t2 = t1 + proc;
	int64_t t3 = t2 - offset + down;

	return clocksync_add(cs, t0, t1, t2, t3);
}

struct sync_case {
	int64_t offset, t0, up, proc, down;
	int64_t want_offset, want_delay;
};

ParameterizedTestParameters(clocksync, one_exchange)
{
	static struct sync_case cases[] = {
	    /* symmetric paths: the offset comes out exactly */
	    {1000, 0, 50, 10, 50, 1000, 100},
	    {-250000, 5000000, 1200, 300, 1200, -250000, 2400},
	    {0, 123456789, 0, 0, 0, 0, 0},
	    {7777777777LL, 42, 400, 0, 400, 7777777777LL, 800},
	    /* asymmetric: off by half the difference of the paths */
	    {1000, 0, 80, 10, 20, 1030, 100},
	    {1000, 0, 20, 10, 80, 970, 100},
	    {-5000, 1000000, 3000, 500, 1000, -4000, 4000},
	};

	return cr_make_param_array(struct sync_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct sync_case *c, clocksync, one_exchange)
{
	struct clocksync cs = {0};
	struct clocksync_sample b;

	cr_assert_eq(exchange(&cs, c->offset, c->t0, c->up, c->proc, c->down),
		     0);
	cr_assert_eq(clocksync_best(&cs, &b), 1);
	cr_expect_eq(b.offset, c->want_offset, "offset %lld, want %lld",
		     (long long)b.offset, (long long)c->want_offset);
	cr_expect_eq(b.delay, c->want_delay, "delay %lld, want %lld",
		     (long long)b.delay, (long long)c->want_delay);
	cr_expect_eq(clocksync_one_way(&cs), c->want_delay / 2);
}

Test(clocksync, direct_formula)
{
	struct clocksync cs = {0};
	struct clocksync_sample b;

	/* theta = ((t1-t0)+(t2-t3))/2 = ((1500-100)+(1600-400))/2 = 1300
	 * delta = (t3-t0)-(t2-t1) = 300-100 = 200 */
	cr_assert_eq(clocksync_add(&cs, 100, 1500, 1600, 400), 0);
	cr_assert_eq(clocksync_best(&cs, &b), 1);
	cr_expect_eq(b.offset, 1300);
	cr_expect_eq(b.delay, 200);
	cr_expect_eq(clocksync_one_way(&cs), 100);
}

Test(clocksync, empty)
{
	struct clocksync cs = {0};
	struct clocksync_sample b = {11, 22};

	cr_expect_eq(clocksync_best(&cs, &b), 0);
	cr_expect_eq(clocksync_one_way(&cs), 0);
}

Test(clocksync, lowest_delay_wins)
{
	struct clocksync cs = {0};
	struct clocksync_sample b;

	/* true offset 1000; queueing on the way up skews the noisy ones */
	cr_assert_eq(exchange(&cs, 1000, 0, 900, 10, 100), 0);	   /* d 1000 */
	cr_assert_eq(exchange(&cs, 1000, 10000, 60, 10, 40), 0);   /* d 100 */
	cr_assert_eq(exchange(&cs, 1000, 20000, 100, 10, 400), 0); /* d 500 */
	cr_assert_eq(exchange(&cs, 1000, 30000, 300, 10, 30), 0);  /* d 330 */
	cr_assert_eq(clocksync_best(&cs, &b), 1);
	cr_expect_eq(b.delay, 100);
	cr_expect_eq(b.offset, 1010);
	/* the one-way delay is central: median (330 + 500) / 2, halved */
	cr_expect_eq(clocksync_median_delay(&cs), 415);
	cr_expect_eq(clocksync_one_way(&cs), 207);
}

Test(clocksync, window_slides)
{
	struct clocksync cs = {0};
	struct clocksync_sample b;
	int i;

	/* the best sample ever (delay 20) first ... */
	cr_assert_eq(exchange(&cs, 500, 0, 10, 0, 10), 0);
	/* ... then CLOCKSYNC_WINDOW - 1 worse ones: it is still held */
	for (i = 1; i < CLOCKSYNC_WINDOW; i++) {
		cr_assert_eq(exchange(&cs, 500, i * 10000, 100 + i, 5, 100), 0);
		cr_assert_eq(clocksync_best(&cs, &b), 1);
		cr_assert_eq(b.delay, 20, "after %d more: delay %lld", i,
			     (long long)b.delay);
	}
	cr_expect_eq(cs.n, CLOCKSYNC_WINDOW);
	/* 20, 201 .. 215: the middle two are 207 and 208 */
	cr_expect_eq(clocksync_median_delay(&cs), 207);
	cr_expect_eq(clocksync_one_way(&cs), 103);
	/* one more (the 16th after it) pushes it out of the window */
	cr_assert_eq(exchange(&cs, 500, 999000, 300, 5, 300), 0);
	cr_assert_eq(clocksync_best(&cs, &b), 1);
	cr_expect_eq(b.delay, 201, "best of the window is the 1st worse one");
	cr_expect_eq(cs.n, CLOCKSYNC_WINDOW);
	/* 201 .. 215, 600: the middle two are 208 and 209 */
	cr_expect_eq(clocksync_median_delay(&cs), 208);
	cr_expect_eq(clocksync_one_way(&cs), 104);
}

Test(clocksync, window_keeps_new_best_after_wrap)
{
	struct clocksync cs = {0};
	struct clocksync_sample b;
	int i;

	for (i = 0; i < 3 * CLOCKSYNC_WINDOW + 5; i++)
		cr_assert_eq(exchange(&cs, 0, i * 1000, 500, 0, 500), 0);
	/* a better sample lands in some middle slot of the ring */
	cr_assert_eq(exchange(&cs, -70, 999000, 30, 0, 30), 0);
	cr_assert_eq(clocksync_best(&cs, &b), 1);
	cr_expect_eq(b.delay, 60);
	cr_expect_eq(b.offset, -70);
	cr_expect_eq(cs.n, CLOCKSYNC_WINDOW);
}

struct bad_case {
	int64_t t0, t1, t2, t3;
};

ParameterizedTestParameters(clocksync, inconsistent_rejected)
{
	static struct bad_case cases[] = {
	    {1000, 5000, 5100, 900},  /* reply before the request */
	    {1000, 5000, 4900, 1500}, /* server sent before receiving */
	    {1000, 5000, 5600, 1500}, /* server held it longer than RTT */
	    {0, 0, 1, 0},	      /* negative delay by 1 */
	};

	return cr_make_param_array(struct bad_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, clocksync, inconsistent_rejected)
{
	struct clocksync cs = {0};
	struct clocksync_sample b;

	/* one good sample first: a rejected one must not disturb it */
	cr_assert_eq(clocksync_add(&cs, 0, 100, 110, 30), 0);
	cr_expect_eq(clocksync_add(&cs, c->t0, c->t1, c->t2, c->t3), -EINVAL);
	cr_expect_eq(cs.n, 1);
	cr_assert_eq(clocksync_best(&cs, &b), 1);
	cr_expect_eq(b.delay, 20);
}

Test(clocksync, zero_delay_accepted)
{
	struct clocksync cs = {0};

	/* t3-t0 == t2-t1: delay 0 is consistent (loopback granularity) */
	cr_expect_eq(clocksync_add(&cs, 10, 20, 25, 15), 0);
	cr_expect_eq(clocksync_one_way(&cs), 0);
	cr_expect_eq(cs.n, 1);
}

Test(clocksync, one_way_is_half_of_median_delay)
{
	struct clocksync cs = {0};

	cr_assert_eq(exchange(&cs, 0, 0, 3000, 0, 3000), 0); /* d 6000 */
	cr_expect_eq(clocksync_one_way(&cs), 3000);
	cr_assert_eq(exchange(&cs, 0, 100000, 700, 50, 301), 0); /* d 1001 */
	/* two: the mean of both, (1001 + 6000) / 2 = 3500, halved */
	cr_expect_eq(clocksync_median_delay(&cs), 3500);
	cr_expect_eq(clocksync_one_way(&cs), 1750);
	cr_assert_eq(exchange(&cs, 0, 200000, 800, 0, 800), 0); /* d 1600 */
	/* three: the middle one */
	cr_expect_eq(clocksync_median_delay(&cs), 1600);
	cr_expect_eq(clocksync_one_way(&cs), 800);
}

/* splitmix64 for reproducible jitter. */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Jittered links: every message of a 40 ms (each way) path gets 0..20 ms
 * more (uniform, i.e. 10 +- 10 ms), independently up and down. An answer
 * takes 40 + 10 ms on average, and that is what the median finds; the
 * minimum of the window is the luckiest exchange, several ms short. The
 * offset still comes from the lowest-delay sample. */
Test(clocksync, jitter_median_is_central_min_is_not)
{
	struct clocksync cs = {0};
	struct clocksync_sample b;
	uint64_t seed = 42;
	int64_t up, down, mean_one_way = 40000 + 10000;
	int i;

	for (i = 0; i < 64; i++) {
		up = 40000 + (int64_t)(mix(&seed) % 20001);
		down = 40000 + (int64_t)(mix(&seed) % 20001);
		cr_assert_eq(exchange(&cs, 777, i * 1000000LL, up, 100, down),
			     0);
	}
	cr_assert_eq(clocksync_best(&cs, &b), 1);
	/* the min-delay estimate is far below the typical one-way delay */
	cr_expect_lt(b.delay / 2, mean_one_way - 3000, "min/2 %lld",
		     (long long)(b.delay / 2));
	/* the median is within 2.5 ms of it (16 samples of +-10 ms) */
	cr_expect_gt(clocksync_one_way(&cs), mean_one_way - 2500,
		     "median/2 %lld", (long long)clocksync_one_way(&cs));
	cr_expect_lt(clocksync_one_way(&cs), mean_one_way + 2500,
		     "median/2 %lld", (long long)clocksync_one_way(&cs));
	/* the offset is the lowest-delay sample's: off by at most the
	 * asymmetry of that one exchange (10 ms) */
	cr_expect_lt(b.offset - 777 < 0 ? 777 - b.offset : b.offset - 777,
		     10001);
}

/* The estimate as the window fills: one sample, then each new one moves
 * the median; past CLOCKSYNC_WINDOW the oldest leave. One outlier (a
 * stalled exchange) cannot move the median more than one rank, where it
 * would have dragged a mean by outlier / n. */
Test(clocksync, median_as_the_window_fills)
{
	struct clocksync cs = {0};
	static const int64_t d[] = {100, 300, 200, 900000, 250};
	static const int64_t want[] = {100, 200, 200, 250, 250};
	int i;

	for (i = 0; i < 5; i++) {
		cr_assert_eq(exchange(&cs, 0, i * 10000000LL, d[i] / 2, 0,
				      d[i] - d[i] / 2),
			     0);
		cr_expect_eq(clocksync_median_delay(&cs), want[i],
			     "after %d: median %lld, want %lld", i + 1,
			     (long long)clocksync_median_delay(&cs),
			     (long long)want[i]);
	}
	/* 16 samples of 1000: the first five have left the window */
	for (i = 0; i < CLOCKSYNC_WINDOW; i++)
		cr_assert_eq(
		    exchange(&cs, 0, 100000000LL + i * 10000LL, 500, 0, 500),
		    0);
	cr_expect_eq(cs.n, CLOCKSYNC_WINDOW);
	cr_expect_eq(clocksync_median_delay(&cs), 1000);
	cr_expect_eq(clocksync_one_way(&cs), 500);
}

/* Hostile but accepted delays near the limit (2^62): the mean of the two
 * middle ones must not overflow; refused samples leave the median alone. */
Test(clocksync, median_of_huge_delays)
{
	struct clocksync cs = {0};
	int64_t big = ((int64_t)1 << 61) - 3;

	/* t0 = -big, t3 = big: delay 2^62 - 6 (odd halves) */
	cr_assert_eq(clocksync_add(&cs, -big, 0, 0, big), 0);
	cr_assert_eq(clocksync_add(&cs, -big, 0, 0, big - 1), 0);
	cr_expect_eq(clocksync_median_delay(&cs), 2 * big - 1);
	cr_expect_gt(clocksync_one_way(&cs), 0);
	cr_expect_eq(clocksync_add(&cs, 0, INT64_MIN, INT64_MAX, 10), -EINVAL);
	cr_expect_eq(cs.n, 2);
	cr_expect_eq(clocksync_median_delay(&cs), 2 * big - 1);
}

/* Regression: t1 and t2 come from the peer (a Pong's fields, cast from
 * uint64), and (t2 - t1), (t1 - t0) + (t2 - t3) overflowed int64 for hostile
 * values; the wrapped result even passed the negative-delay check and the
 * sample was kept. Times that far apart are refused. */
ParameterizedTestParameters(clocksync, hostile_times_rejected)
{
	static struct bad_case cases[] = {
	    {0, INT64_MIN, INT64_MAX, 10},
	    {1000, INT64_MAX, INT64_MAX, 1010},
	    {1000, INT64_MIN, INT64_MIN, 1010},
	    {INT64_MIN, 5000, 5010, INT64_MAX},
	    {INT64_MAX - 10, 5000, 5005, INT64_MAX},
	    {1000, -9000000000000000000LL, -9000000000000000000LL + 5, 1010},
	};

	return cr_make_param_array(struct bad_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, clocksync, hostile_times_rejected)
{
	struct clocksync cs = {0};
	struct clocksync_sample b;

	cr_assert_eq(clocksync_add(&cs, 0, 100, 110, 30), 0);
	cr_expect_eq(clocksync_add(&cs, c->t0, c->t1, c->t2, c->t3), -EINVAL);
	cr_expect_eq(cs.n, 1);
	cr_assert_eq(clocksync_best(&cs, &b), 1);
	cr_expect_eq(b.delay, 20);
	cr_expect_eq(b.offset, 90);
}

Test(clocksync, large_but_sane_times_accepted)
{
	struct clocksync cs = {0};
	struct clocksync_sample b;
	int64_t day = 86400LL * 1000000LL;

	/* a server up for ten years, a client clock near zero */
	cr_assert_eq(exchange(&cs, 3650 * day, 5, 700, 30, 700), 0);
	cr_assert_eq(clocksync_best(&cs, &b), 1);
	cr_expect_eq(b.offset, 3650 * day);
	cr_expect_eq(b.delay, 1400);
}

/* The server's window of delays only (struct clocksync_delays) gives the
 * same median and one-way delay as the full window for the same exchanges,
 * refuses the same impossible ones, and slides the same way. */
Test(clocksync, delays_window_matches_full_window)
{
	struct clocksync cs = {0};
	struct clocksync_delays cd = {0};
	uint64_t x = 12345;
	int i;

	cr_expect_eq(clocksync_delays_median(&cd), 0);
	cr_expect_eq(clocksync_delays_one_way(&cd), 0);
	for (i = 0; i < 100; i++) {
		int64_t t0, t1, t2, t3;
		int a, b;

		x = x * 6364136223846793005u + 1442695040888963407u;
		t0 = 1000000 + i * 100000;
		t1 = t0 + 5000000 + (int64_t)(x >> 40) % 80000;
		t2 = t1 + (int64_t)(x >> 20) % 500;
		t3 = t2 - 5000000 + (int64_t)(x >> 45) % 90000;
		if (i % 17 == 5)
			t2 = t1 - 1; /* impossible: refused by both */
		a = clocksync_add(&cs, t0, t1, t2, t3);
		b = clocksync_delays_add(&cd, t0, t1, t2, t3);
		cr_assert_eq(a, b, "exchange %d", i);
		cr_assert_eq(cs.n, cd.n);
		cr_assert_eq(clocksync_median_delay(&cs),
			     clocksync_delays_median(&cd), "exchange %d", i);
		cr_assert_eq(clocksync_one_way(&cs),
			     clocksync_delays_one_way(&cd), "exchange %d", i);
	}
	cr_expect_eq(cd.n, CLOCKSYNC_WINDOW);
	cr_expect_eq(clocksync_delays_add(&cd, 0, -((int64_t)1 << 62), 0, 10),
		     -EINVAL);
}

/* A delay past 32 bits of microseconds is kept as UINT32_MAX. */
Test(clocksync, delays_window_clamps_huge_delay)
{
	struct clocksync_delays cd = {0};

	cr_assert_eq(clocksync_delays_add(&cd, 0, 5, 5, (int64_t)1 << 40), 0);
	cr_expect_eq(clocksync_delays_median(&cd), (int64_t)UINT32_MAX);
	cr_expect_eq(clocksync_delays_one_way(&cd), (int64_t)UINT32_MAX / 2);
}

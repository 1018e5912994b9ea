/* Tests of the speed-round formula round(P * (1 - t/(2T))), t clamped to
 * [0, T], half-way cases rounded up; every expected value worked out by
 * hand. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdint.h>

#include "scoring.h"

#define MS  1000LL
#define SEC 1000000LL

struct speed_case {
	uint32_t points;
	int64_t limit_us;
	int64_t t_us;
	uint32_t want;
};

ParameterizedTestParameters(scoring, speed)
{
	static struct speed_case cases[] = {
	    /* the anchors: t=0 -> P, t=T/2 -> 0.75P, t=T -> P/2 */
	    {1000, 20 * SEC, 0, 1000},
	    {1000, 20 * SEC, 10 * SEC, 750},
	    {1000, 20 * SEC, 20 * SEC, 500},
	    /* P=1000, T=20 s: 1000 - t/40000 (t in µs) */
	    {1000, 20 * SEC, 1 * SEC, 975},
	    {1000, 20 * SEC, 3 * SEC, 925},
	    {1000, 20 * SEC, 5 * SEC, 875},
	    {1000, 20 * SEC, 7 * SEC, 825},
	    {1000, 20 * SEC, 15 * SEC, 625},
	    {1000, 20 * SEC, 1234567, 969},   /* 969.135825 */
	    {1000, 20 * SEC, 1960 * MS, 951}, /* 951.0 */
	    {1000, 20 * SEC, 19999999, 500},  /* 500.000025 */
	    {1000, 20 * SEC, 10 * MS, 1000},  /* 999.75 */
	    {1000, 20 * SEC, 30 * MS, 999},   /* 999.25 */
	    /* exactly half-way: round up */
	    {1000, 20 * SEC, 20 * MS, 1000},   /* 999.5 */
	    {1000, 20 * SEC, 60 * MS, 999},    /* 998.5 */
	    {1000, 20 * SEC, 19980 * MS, 501}, /* 500.5 */
	    {1, 20 * SEC, 20 * SEC, 1},	       /* 0.5 */
	    {3, 20 * SEC, 20 * SEC, 2},	       /* 1.5 */
	    {1, 20 * SEC, 0, 1},
	    /* just off half-way goes the other way */
	    {1000, 20 * SEC, 20 * MS + 1, 999},	 /* 999.499975 */
	    {1000, 20 * SEC, 20 * MS - 1, 1000}, /* 999.500025 */
	    /* other limits */
	    {1000, 3 * SEC, 1 * SEC, 833}, /* 833.33 */
	    {1000, 3 * SEC, 2 * SEC, 667}, /* 666.67 */
	    {100000, 300 * SEC, 300 * SEC, 50000},
	    {100000, 300 * SEC, 75 * SEC, 87500},
	    {UINT32_MAX, 300 * SEC, 0, UINT32_MAX},
	    {UINT32_MAX, 300 * SEC, 300 * SEC, 2147483648u}, /* .5 up */
	    {0, 20 * SEC, 0, 0},
	    /* t below 0 counts as 0, above T as T */
	    {1000, 20 * SEC, -1, 1000},
	    {1000, 20 * SEC, -5 * SEC, 1000},
	    {1000, 20 * SEC, INT64_MIN, 1000},
	    {1000, 20 * SEC, 20 * SEC + 1, 500},
	    {1000, 20 * SEC, 25 * SEC, 500},
	    {1000, 20 * SEC, INT64_MAX, 500},
	    /* no limit: nothing */
	    {1000, 0, 0, 0},
	    {1000, 0, 5 * SEC, 0},
	    {1000, -1, 0, 0},
	    {1000, INT64_MIN, 0, 0},
	};

	return cr_make_param_array(struct speed_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct speed_case *c, scoring, speed)
{
	uint32_t got = scoring_speed(c->points, c->limit_us, c->t_us);

	cr_expect_eq(got, c->want, "P=%u T=%lld t=%lld: got %u, want %u",
		     c->points, (long long)c->limit_us, (long long)c->t_us, got,
		     c->want);
}

/* Faster is never worth less, and every score lies in [P/2, P]. */
Test(scoring, monotonic_and_bounded)
{
	uint32_t prev = UINT32_MAX;
	int64_t t;

	for (t = 0; t <= 20 * SEC; t += 7919) {
		uint32_t s = scoring_speed(1000, 20 * SEC, t);

		cr_assert_leq(s, prev, "t=%lld", (long long)t);
		cr_assert_geq(s, 500, "t=%lld", (long long)t);
		cr_assert_leq(s, 1000, "t=%lld", (long long)t);
		prev = s;
	}
}

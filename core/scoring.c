/* Scoring formulas. */
#include "scoring.h"

/* round(points * (1 - t / (2T))) with t clamped to [0, T], in integers so
 * every platform gives the same result: half-way cases round up. */
uint32_t scoring_speed(uint32_t points, int64_t limit_us, int64_t t_us)
{
	int64_t num, den;

	if (limit_us <= 0)
		return 0;
	if (t_us < 0)
		t_us = 0;
	if (t_us > limit_us)
		t_us = limit_us;
	/* points * (2T - t) / 2T, rounded half up */
	num = (int64_t)points * (2 * limit_us - t_us);
	den = 2 * limit_us;
	return (uint32_t)((2 * num + den) / (2 * den));
}

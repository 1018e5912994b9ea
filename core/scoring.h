/* Scoring formulas (pure). */
#ifndef QUIZ_SCORING_H
#define QUIZ_SCORING_H

#include <stdint.h>

/* Speed round: points for a correct answer with response time t_us to a
 * question worth `points` with limit limit_us:
 *   round(points * (1 - t/(2T))), t clamped to [0, T].
 * Returns 0 when limit_us <= 0. Exact for points <= 100000 and limit_us up
 * to 10^12 (room settings stay far inside both). */
uint32_t scoring_speed(uint32_t points, int64_t limit_us, int64_t t_us);

#endif

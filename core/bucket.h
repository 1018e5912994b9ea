/* A token bucket: the one rate limiter behind the per-connection request
 * rate, the per-address budget of new connections and the budgets of
 * failed room lookups. Pure: the caller passes the time. */
#ifndef QUIZ_BUCKET_H
#define QUIZ_BUCKET_H

#include <stdint.h>

struct bucket {
	double tokens; /* what may be spent now */
	int64_t at_us; /* when tokens was last brought up to date */
};

/* Starts full (burst tokens) at now_us. */
void bucket_init(struct bucket *b, double burst, int64_t now_us);
/* Adds what was earned since the last call, one token every every_us,
 * up to burst (a clock that went back adds nothing). Returns 1 when the
 * bucket is full, else 0. */
int bucket_refill(struct bucket *b, int64_t now_us, double every_us,
		  double burst);
/* Refills, then spends one token if there is one: returns 1, else 0. */
int bucket_take(struct bucket *b, int64_t now_us, double every_us,
		double burst);

#endif

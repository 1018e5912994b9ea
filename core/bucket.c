/* Token buckets. */
#include "bucket.h"

void bucket_init(struct bucket *b, double burst, int64_t now_us)
{
	b->tokens = burst;
	b->at_us = now_us;
}

int bucket_refill(struct bucket *b, int64_t now_us, double every_us,
		  double burst)
{
	if (now_us > b->at_us) {
		if (every_us > 0)
			b->tokens += (double)(now_us - b->at_us) / every_us;
		b->at_us = now_us;
	}
	if (b->tokens >= burst) {
		b->tokens = burst;
		return 1;
	}
	return 0;
}

int bucket_take(struct bucket *b, int64_t now_us, double every_us, double burst)
{
	(void)bucket_refill(b, now_us, every_us, burst);
	if (b->tokens < 1.0)
		return 0;
	b->tokens -= 1.0;
	return 1;
}

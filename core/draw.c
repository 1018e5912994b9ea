/* Reproducible question draw. */
#include "draw.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: one 64-bit output per call. */
uint64_t draw_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform integer in [0, n) without modulo bias. */
static uint32_t draw_below(uint64_t *state, uint32_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = draw_rand(state);
	while (x >= limit);
	return (uint32_t)(x % n);
}

/* Whether an item may be drawn under the filter. */
static int draw_accepts(const struct draw_filter *f, const struct item *it)
{
	if (!f)
		return 1;
	if (f->category && f->category[0] &&
	    (!it->category || strcmp(f->category, it->category) != 0))
		return 0;
	if (f->kinds && !(f->kinds & (1u << it->kind)))
		return 0;
	if (f->min_difficulty && it->difficulty < f->min_difficulty)
		return 0;
	if (f->max_difficulty && it->difficulty > f->max_difficulty)
		return 0;
	return 1;
}

void draw_filter_of_round(const struct round_cfg *r, struct draw_filter *f)
{
	f->category = r->category;
	f->kinds = r->kinds;
	f->min_difficulty = r->min_difficulty;
	f->max_difficulty = r->max_difficulty;
}

size_t draw_count(const struct bank *b, const struct draw_filter *f)
{
	size_t i, n = 0;

	for (i = 0; i < b->n; i++)
		n += (size_t)draw_accepts(f, &b->items[i]);
	return n;
}

/* One drawn question: the options shuffled (draw.h). */
void draw_shuffle(const struct item *it, uint64_t *state,
		  struct room_question *q)
{
	unsigned i, n = it->n_options;

	memset(q, 0, sizeof(*q));
	q->item = it;
	q->n_options = n;
	for (i = 0; i < n; i++)
		q->perm[i] = (uint8_t)i;
	if (it->kind != ITEM_TRUE_FALSE) {
		for (i = n; i > 1; i--) {
			uint32_t j = draw_below(state, i);
			uint8_t t = q->perm[i - 1];

			q->perm[i - 1] = q->perm[j];
			q->perm[j] = t;
		}
	}
	for (i = 0; i < n; i++)
		if (it->correct_mask & (1u << q->perm[i]))
			q->correct_mask |= 1u << i;
}

/* Partial Fisher-Yates over the matching items. */
int draw_questions(const struct bank *b, const struct draw_filter *f,
		   uint32_t count, uint64_t seed, struct room_question *out)
{
	size_t i, n = 0;
	uint32_t *pool, k;
	uint64_t state = seed;

	pool = malloc((b->n ? b->n : 1) * sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	for (i = 0; i < b->n; i++)
		if (draw_accepts(f, &b->items[i]))
			pool[n++] = (uint32_t)i;
	if (count > n)
		count = (uint32_t)n;
	for (k = 0; k < count; k++) {
		uint32_t j = k + draw_below(&state, (uint32_t)(n - k));
		uint32_t t = pool[k];

		pool[k] = pool[j];
		pool[j] = t;
		draw_shuffle(&b->items[pool[k]], &state, &out[k]);
	}
	free(pool);
	return (int)count;
}

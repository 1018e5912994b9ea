/* Reproducible draw of questions from a bank (pure). */
#ifndef QUIZ_DRAW_H
#define QUIZ_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "contest.h"
#include "item.h"
#include "room.h"

/* Which items may be drawn. Zero-initialised: everything. */
struct draw_filter {
	const char *category; /* NULL or "" = any */
	uint32_t kinds;	      /* bit (1 << enum item_kind); 0 = any */
	int min_difficulty;   /* 0 = no bound */
	int max_difficulty;   /* 0 = no bound */
};

/* The selection of a contest round as a filter (strings borrowed). */
void draw_filter_of_round(const struct round_cfg *r, struct draw_filter *f);

/* How many items of b pass the filter (what a draw can take at most). */
size_t draw_count(const struct bank *b, const struct draw_filter *f);

/* Small deterministic PRNG (splitmix64), the same on every platform. */
uint64_t draw_rand(uint64_t *state);

/* Fills one drawn question from it: its options shuffled with the PRNG
 * state (true/false keeps its 正确/错误 order, for readability), the
 * correct mask in display order. Rooms (draw_questions) and a practice
 * round (core/fmt_practice.c) build their questions with it. */
void draw_shuffle(const struct item *it, uint64_t *state,
		  struct room_question *q);

/* Draws up to count distinct items that pass the filter, in an order and
 * with option shuffles fixed by seed, into out. Returns the number drawn
 * (fewer than count when the bank has fewer matching items), or -ENOMEM. */
int draw_questions(const struct bank *b, const struct draw_filter *f,
		   uint32_t count, uint64_t seed, struct room_question *out);

#endif

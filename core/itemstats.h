/* Item analysis (pure): difficulty, discrimination, option shares and
 * flags of one bank item from the responses it received. Knows nothing of
 * where responses come from: server/bank_stats.c turns answers of matches
 * into responses, and practice answers will be turned into the same
 * responses (a score that ranks the person, the mark, the choice). The
 * formulas and thresholds are explained for organisers in docs/BANK.md,
 * "Item analysis". */
#ifndef QUIZ_ITEMSTATS_H
#define QUIZ_ITEMSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "item.h"

/* Share of respondents in each Kelley group (the upper and the lower
 * 27 % by total score). */
#define ITEMSTATS_GROUP_SHARE 0.27
/* too_easy: more than 90 % answer right. */
#define ITEMSTATS_EASY_ABOVE 0.9
/* too_hard: fewer than 20 % answer right. */
#define ITEMSTATS_HARD_BELOW 0.2
/* low_discrimination: D below 0.2 (the usual "revise" line; D >= 0.4 is
 * good, 0.2..0.4 acceptable). */
#define ITEMSTATS_LOW_D_BELOW 0.2
/* Respondents an item needs before any flag is given: with fewer, one
 * answer more or less turns "too easy" into "fine". */
#define ITEMSTATS_MIN_N_ANY 5
/* Default respondents an item needs before low_discrimination is judged
 * (each Kelley group then holds round(0.27 * 20) = 5 people); quizd bank
 * stats --min-n changes it. */
#define ITEMSTATS_MIN_N_DEFAULT 20

/* Flags, one bit each; a higher bit sorts first (more to act on). */
enum itemstats_flag {
	ITEMSTATS_TOO_EASY = 1u << 0,
	ITEMSTATS_TOO_HARD = 1u << 1,
	ITEMSTATS_LOW_DISC = 1u << 2,
	ITEMSTATS_MISLEADING = 1u << 3,
};
#define ITEMSTATS_FLAG_COUNT 4

/* What the formulas need of the item. n_options is 0 for a fill item (or
 * one whose options are unknown): its responses count by the mark only. */
struct itemstats_item {
	unsigned n_options;    /* <= ITEM_MAX_OPTIONS */
	uint32_t correct_mask; /* bank order: bit i = option i is right */
};

/* One response of one respondent to the item. A respondent who was never
 * asked the item gives no response: they are not part of its n, its
 * groups or its shares. */
struct itemstats_response {
	double score; /* ranks the respondent (total score, or a percentile) */
	uint32_t choice; /* options chosen, bank order (bit i = option i) */
	bool has_choice; /* choice is known (an option item) */
	bool correct;	 /* the mark the answer got */
};

/* What the formulas give. */
struct itemstats_result {
	size_t n;		    /* responses */
	size_t correct;		    /* of them marked right */
	double p;		    /* difficulty: correct / n; 0 when n == 0 */
	bool has_d;		    /* a Kelley group has at least one member */
	double group;		    /* members of each group: round(0.27 n) */
	double p_upper, p_lower, d; /* d = p_upper - p_lower (has_d) */
	size_t n_choice;	    /* responses with a known choice */
	double share[ITEM_MAX_OPTIONS]; /* choosing option i / n_choice */
	unsigned flags;			/* enum itemstats_flag bits */
};

/* Computes the statistics of one item from its n responses (r may be NULL
 * when n is 0) into out; min_n is the respondents low_discrimination
 * needs (ITEMSTATS_MIN_N_DEFAULT, or 0 for that default).
 *
 * Kelley groups: the responses are ranked by score; the upper group is
 * the g = round(0.27 n) highest, the lower the g lowest. Respondents tied
 * at a group's boundary share its remaining places equally (each counts
 * with weight places / tied), so the result does not depend on the order
 * of the input and a group always weighs exactly g. When every score is
 * equal both groups are everyone at weight g / n, and D is 0. n < 2
 * gives g = 0: no D (has_d false).
 *
 * Flags (none when n < ITEMSTATS_MIN_N_ANY): too_easy p > 0.9, too_hard
 * p < 0.2, low_discrimination D < 0.2 (only when n >= min_n), misleading:
 * a wrong option chosen by more respondents than a right one (for a
 * multi item: than its least chosen right option).
 * Returns 0, or -EINVAL (out zeroed) for an item with more than
 * ITEM_MAX_OPTIONS options or r NULL with n > 0. */
int itemstats_compute(const struct itemstats_item *it,
		      const struct itemstats_response *r, size_t n,
		      unsigned min_n, struct itemstats_result *out);

/* Turns the raw scores of n respondents into percentile ranks within
 * their group (a match): (below + equal / 2) / size, where below counts
 * the group's respondents with a lower score and equal those with the
 * same score, the respondent included. Scores of matches played with
 * different points then rank on one scale, 0 < rank < 1; a group of one
 * gets 0.5. Returns 0, or -EINVAL when n > 0 and an array is NULL. */
int itemstats_percentile(const uint64_t *group, double *score, size_t n);

/* Name of one flag bit ("too_easy", "too_hard", "low_discrimination",
 * "misleading"), NULL for anything else. */
const char *itemstats_flag_name(unsigned flag);

#endif

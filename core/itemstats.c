/* Item analysis formulas (itemstats.h; docs/BANK.md, "Item analysis"). */
#include "itemstats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* A response's place in the ranking. */
struct itemstats_rank {
	double score;
	size_t idx;
	bool correct;
};

/* Orders a score for sorting: NaN (never produced by quizd, but input is
 * input) ranks below every number. */
static int itemstats_cmp_score(double a, double b)
{
	bool na = isnan(a), nb = isnan(b);

	if (na || nb)
		return na == nb ? 0 : (na ? -1 : 1);
	return a < b ? -1 : a > b;
}

/* Ascending by score, then by input position (a total order). */
static int itemstats_rank_cmp(const void *pa, const void *pb)
{
	const struct itemstats_rank *a = pa, *b = pb;
	int c = itemstats_cmp_score(a->score, b->score);

	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Whether two ranked scores are tied. */
static bool itemstats_tied(double a, double b)
{
	return itemstats_cmp_score(a, b) == 0;
}

/* Weighted number of right answers in a group of g taken from one end of
 * the ranking (rk ascending; from the top when top): whole tie blocks
 * while they fit, then the block across the boundary shares the places
 * left, each member weighing left / block. */
static double itemstats_group_correct(const struct itemstats_rank *rk, size_t n,
				      size_t g, bool top)
{
	size_t left = g, i = 0;
	double sum = 0.0;

	while (left > 0 && i < n) {
		size_t b = 0, c = 0;
		double s = rk[top ? n - 1 - i : i].score;

		while (
		    i + b < n &&
		    itemstats_tied(rk[top ? n - 1 - i - b : i + b].score, s)) {
			c += rk[top ? n - 1 - i - b : i + b].correct;
			b++;
		}
		if (b <= left) {
			sum += (double)c;
			left -= b;
		} else {
			sum += (double)c * (double)left / (double)b;
			left = 0;
		}
		i += b;
	}
	return sum;
}

/* Sets the misleading flag from the option counts. */
static unsigned itemstats_misleading(const struct itemstats_item *it,
				     const size_t *chose)
{
	size_t wrong_max = 0, right_min = SIZE_MAX;
	bool any_wrong = false, any_right = false;
	unsigned i;

	for (i = 0; i < it->n_options; i++) {
		if (it->correct_mask & (1u << i)) {
			any_right = true;
			if (chose[i] < right_min)
				right_min = chose[i];
		} else {
			any_wrong = true;
			if (chose[i] > wrong_max)
				wrong_max = chose[i];
		}
	}
	return any_wrong && any_right && wrong_max > right_min
		   ? ITEMSTATS_MISLEADING
		   : 0;
}

/* Computes one item's statistics (itemstats.h). */
int itemstats_compute(const struct itemstats_item *it,
		      const struct itemstats_response *r, size_t n,
		      unsigned min_n, struct itemstats_result *out)
{
	size_t chose[ITEM_MAX_OPTIONS] = {0}, i, g;
	struct itemstats_rank *rk = NULL;
	unsigned k;

	memset(out, 0, sizeof(*out));
	if (!it || it->n_options > ITEM_MAX_OPTIONS || (n > 0 && !r))
		return -EINVAL;
	if (min_n == 0)
		min_n = ITEMSTATS_MIN_N_DEFAULT;
	out->n = n;
	if (n == 0)
		return 0;

	rk = xcalloc(n, sizeof(*rk));
	for (i = 0; i < n; i++) {
		rk[i].score = r[i].score;
		rk[i].idx = i;
		rk[i].correct = r[i].correct;
		out->correct += r[i].correct;
		if (it->n_options == 0 || !r[i].has_choice)
			continue;
		out->n_choice++;
		for (k = 0; k < it->n_options; k++)
			chose[k] += (r[i].choice >> k) & 1u;
	}
	out->p = (double)out->correct / (double)n;
	for (k = 0; k < it->n_options && out->n_choice; k++)
		out->share[k] = (double)chose[k] / (double)out->n_choice;

	/* round(0.27 n) in integers: no rounding surprise at n = 50, 150... */
	g = (27 * n + 50) / 100;
	out->group = (double)g;
	if (g > 0) {
		qsort(rk, n, sizeof(*rk), itemstats_rank_cmp);
		out->has_d = true;
		out->p_upper =
		    itemstats_group_correct(rk, n, g, true) / (double)g;
		out->p_lower =
		    itemstats_group_correct(rk, n, g, false) / (double)g;
		out->d = out->p_upper - out->p_lower;
	}
	free(rk);

	if (n < ITEMSTATS_MIN_N_ANY)
		return 0;
	if (out->p > ITEMSTATS_EASY_ABOVE)
		out->flags |= ITEMSTATS_TOO_EASY;
	if (out->p < ITEMSTATS_HARD_BELOW)
		out->flags |= ITEMSTATS_TOO_HARD;
	if (out->has_d && n >= min_n && out->d < ITEMSTATS_LOW_D_BELOW)
		out->flags |= ITEMSTATS_LOW_DISC;
	if (out->n_choice > 0)
		out->flags |= itemstats_misleading(it, chose);
	return 0;
}

/* A respondent's place within its group. */
struct itemstats_member {
	uint64_t group;
	double score;
	size_t idx;
};

/* By group, then ascending score, then input position. */
static int itemstats_member_cmp(const void *pa, const void *pb)
{
	const struct itemstats_member *a = pa, *b = pb;
	int c;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	c = itemstats_cmp_score(a->score, b->score);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Replaces raw scores by percentile ranks within groups (itemstats.h). */
int itemstats_percentile(const uint64_t *group, double *score, size_t n)
{
	struct itemstats_member *m;
	size_t i = 0;

	if (n == 0)
		return 0;
	if (!group || !score)
		return -EINVAL;
	m = xcalloc(n, sizeof(*m));
	for (i = 0; i < n; i++) {
		m[i].group = group[i];
		m[i].score = score[i];
		m[i].idx = i;
	}
	qsort(m, n, sizeof(*m), itemstats_member_cmp);
	i = 0;
	while (i < n) {
		size_t end = i, below = 0, j;

		while (end < n && m[end].group == m[i].group)
			end++;
		/* [i, end) is one group; walk its tie blocks */
		j = i;
		while (j < end) {
			size_t b = 0, t;

			while (j + b < end &&
			       itemstats_tied(m[j + b].score, m[j].score))
				b++;
			for (t = j; t < j + b; t++)
				score[m[t].idx] =
				    ((double)below + (double)b / 2.0) /
				    (double)(end - i);
			below += b;
			j += b;
		}
		i = end;
	}
	free(m);
	return 0;
}

/* Name of one flag bit (itemstats.h). */
const char *itemstats_flag_name(unsigned flag)
{
	switch (flag) {
	case ITEMSTATS_TOO_EASY:
		return "too_easy";
	case ITEMSTATS_TOO_HARD:
		return "too_hard";
	case ITEMSTATS_LOW_DISC:
		return "low_discrimination";
	case ITEMSTATS_MISLEADING:
		return "misleading";
	default:
		return NULL;
	}
}

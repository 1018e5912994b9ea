/* Item analysis formulas (core/itemstats.c) on data worked out by hand.
 *
 * The worked example: 12 respondents R1..R12 ranked by total score, four
 * items. "-" = not asked (R11 and R12 never saw Q3).
 *
 *   R    score  Q1 single  Q2 single  Q3 truefalse  Q4 fill
 *               (B right)  (A right)  (正确 right)
 *   R1    95    B  right   C  wrong   正确 right    right
 *   R2    90    B  right   A  right   正确 right    right
 *   R3    80    B  right   A  right   正确 right    right
 *   R4    80    C  wrong   C  wrong   正确 right    right
 *   R5    70    B  right   C  wrong   正确 right    right
 *   R6    60    C  wrong   A  right   正确 right    right
 *   R7    55    B  right   C  wrong   正确 right    right
 *   R8    50    A  wrong   B  wrong   正确 right    right
 *   R9    40    C  wrong   C  wrong   错误 wrong    right
 *   R10   30    B  right   A  right   正确 right    right
 *   R11   20    C  wrong   C  wrong   -             right
 *   R12   10    D  wrong   A  right   -             wrong
 *
 * Groups: n = 12 -> g = round(0.27 * 12) = round(3.24) = 3. Upper: R1,
 * R2, then R3 and R4 tied at 80 share the one place left (weight 1/2
 * each). Lower: R12, R11, R10 (no tie at the boundary: R9 has 40).
 *
 * Q1: p = 6/12 = 0.5. upper = (1 + 1 + 1/2 * (1 + 0)) / 3 = 2.5/3 =
 *     0.8333; lower = (0 + 0 + 1) / 3 = 0.3333; D = 0.5.
 *     shares A 1/12, B 6/12, C 4/12 (R4 R6 R9 R11), D 1/12.
 *     flags: none (C 4 < B 6).
 * Q2: p = 5/12 = 0.4167 (R2 R3 R6 R10 R12). upper = (0 + 1 + 1/2 * (1 +
 *     0)) / 3 = 0.5; lower = (1 + 0 + 1) / 3 = 0.6667; D = -0.1667.
 *     shares A 5/12, B 1/12, C 6/12.
 *     flags: misleading (C 6 > A 5); low_discrimination too when the
 *     minimum n is 10 (D < 0.2), not at the default 20 (n = 12 < 20).
 * Q3: n = 10 -> g = round(2.7) = 3. p = 9/10 = 0.9. upper: R1, R2, R3/R4
 *     at 1/2 each, all right: 1; lower: R10 right, R9 wrong, R8 right:
 *     2/3; D = 1/3. shares 正确 0.9, 错误 0.1.
 *     flags: none (p = 0.9 is not > 0.9).
 * Q4: p = 11/12 = 0.9167. upper 1; lower: R12 wrong, R11, R10 right:
 *     2/3; D = 1/3. No shares (fill). flags: too_easy.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "itemstats.h"

#define EPS 1e-9

/* options by letter, bank order */
#define A    (1u << 0)
#define B    (1u << 1)
#define C    (1u << 2)
#define D    (1u << 3)
#define NONE 0u

static const double scores[12] = {95, 90, 80, 80, 70, 60,
				  55, 50, 40, 30, 20, 10};

/* Responses of the 12 from their choices and marks (asked[i] 0: skip). */
static size_t make(struct itemstats_response *r, const uint32_t *choice,
		   const int *right, const int *asked, bool options)
{
	size_t i, n = 0;

	for (i = 0; i < 12; i++) {
		if (asked && !asked[i])
			continue;
		r[n].score = scores[i];
		r[n].choice = choice ? choice[i] : 0;
		r[n].has_choice = options;
		r[n].correct = right[i] != 0;
		n++;
	}
	return n;
}

static const uint32_t q1_choice[12] = {B, B, B, C, B, C, B, A, C, B, C, D};
static const int q1_right[12] = {1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0};
static const uint32_t q2_choice[12] = {C, A, A, C, C, A, C, B, C, A, C, A};
static const int q2_right[12] = {0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 1};
static const uint32_t q3_choice[12] = {A, A, A, A, A, A, A, A, B, A, 0, 0};
static const int q3_right[12] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0};
static const int q3_asked[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
static const int q4_right[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};

Test(itemstats, worked_q1_single)
{
	struct itemstats_item it = {.n_options = 4, .correct_mask = B};
	struct itemstats_response r[12];
	struct itemstats_result s;
	size_t n = make(r, q1_choice, q1_right, NULL, true);

	cr_assert_eq(itemstats_compute(&it, r, n, 10, &s), 0);
	cr_expect_eq(s.n, 12);
	cr_expect_eq(s.correct, 6);
	cr_expect_float_eq(s.p, 0.5, EPS);
	cr_expect(s.has_d);
	cr_expect_float_eq(s.group, 3.0, EPS);
	cr_expect_float_eq(s.p_upper, 2.5 / 3, EPS);
	cr_expect_float_eq(s.p_lower, 1.0 / 3, EPS);
	cr_expect_float_eq(s.d, 0.5, EPS);
	cr_expect_eq(s.n_choice, 12);
	cr_expect_float_eq(s.share[0], 1.0 / 12, EPS);
	cr_expect_float_eq(s.share[1], 6.0 / 12, EPS);
	cr_expect_float_eq(s.share[2], 4.0 / 12, EPS);
	cr_expect_float_eq(s.share[3], 1.0 / 12, EPS);
	cr_expect_eq(s.flags, 0u);
}

Test(itemstats, worked_q2_misleading_and_negative_d)
{
	struct itemstats_item it = {.n_options = 3, .correct_mask = A};
	struct itemstats_response r[12];
	struct itemstats_result s;
	size_t n = make(r, q2_choice, q2_right, NULL, true);

	cr_assert_eq(itemstats_compute(&it, r, n, 10, &s), 0);
	cr_expect_float_eq(s.p, 5.0 / 12, EPS);
	cr_expect_float_eq(s.p_upper, 0.5, EPS);
	cr_expect_float_eq(s.p_lower, 2.0 / 3, EPS);
	cr_expect_float_eq(s.d, 0.5 - 2.0 / 3, EPS);
	cr_expect_float_eq(s.share[0], 5.0 / 12, EPS);
	cr_expect_float_eq(s.share[1], 1.0 / 12, EPS);
	cr_expect_float_eq(s.share[2], 6.0 / 12, EPS);
	cr_expect_eq(s.flags, ITEMSTATS_MISLEADING | ITEMSTATS_LOW_DISC);

	/* the default minimum (20) does not judge D from 12 respondents */
	cr_assert_eq(itemstats_compute(&it, r, n, 0, &s), 0);
	cr_expect_eq(s.flags, ITEMSTATS_MISLEADING);
	cr_expect_float_eq(s.d, 0.5 - 2.0 / 3, EPS);
}

Test(itemstats, worked_q3_not_asked_and_p_at_threshold)
{
	struct itemstats_item it = {.n_options = 2, .correct_mask = A};
	struct itemstats_response r[12];
	struct itemstats_result s;
	size_t n = make(r, q3_choice, q3_right, q3_asked, true);

	cr_assert_eq(n, 10);
	cr_assert_eq(itemstats_compute(&it, r, n, 10, &s), 0);
	cr_expect_eq(s.n, 10);
	cr_expect_float_eq(s.p, 0.9, EPS);
	cr_expect_float_eq(s.group, 3.0, EPS);
	cr_expect_float_eq(s.p_upper, 1.0, EPS);
	cr_expect_float_eq(s.p_lower, 2.0 / 3, EPS);
	cr_expect_float_eq(s.d, 1.0 / 3, EPS);
	cr_expect_float_eq(s.share[0], 0.9, EPS);
	cr_expect_float_eq(s.share[1], 0.1, EPS);
	cr_expect_eq(s.flags, 0u);
}

Test(itemstats, worked_q4_fill_too_easy)
{
	struct itemstats_item it = {.n_options = 0, .correct_mask = 0};
	struct itemstats_response r[12];
	struct itemstats_result s;
	size_t n = make(r, NULL, q4_right, NULL, false);

	cr_assert_eq(itemstats_compute(&it, r, n, 10, &s), 0);
	cr_expect_float_eq(s.p, 11.0 / 12, EPS);
	cr_expect_float_eq(s.p_upper, 1.0, EPS);
	cr_expect_float_eq(s.p_lower, 2.0 / 3, EPS);
	cr_expect_float_eq(s.d, 1.0 / 3, EPS);
	cr_expect_eq(s.n_choice, 0);
	cr_expect_eq(s.flags, ITEMSTATS_TOO_EASY);
}

/* The input order does not change anything (tied R3/R4 swapped, reversed). */
Test(itemstats, order_independent)
{
	struct itemstats_item it = {.n_options = 4, .correct_mask = B};
	struct itemstats_response r[12], rev[12];
	struct itemstats_result s, t;
	size_t n = make(r, q1_choice, q1_right, NULL, true), i;

	for (i = 0; i < n; i++)
		rev[i] = r[n - 1 - i];
	cr_assert_eq(itemstats_compute(&it, r, n, 10, &s), 0);
	cr_assert_eq(itemstats_compute(&it, rev, n, 10, &t), 0);
	cr_expect_float_eq(t.p_upper, s.p_upper, EPS);
	cr_expect_float_eq(t.p_lower, s.p_lower, EPS);
	cr_expect_float_eq(t.d, s.d, EPS);
	cr_expect_eq(t.flags, s.flags);
}

Test(itemstats, no_respondents)
{
	struct itemstats_item it = {.n_options = 4, .correct_mask = A};
	struct itemstats_result s;

	cr_assert_eq(itemstats_compute(&it, NULL, 0, 0, &s), 0);
	cr_expect_eq(s.n, 0);
	cr_expect_eq(s.p, 0.0);
	cr_expect_not(s.has_d);
	cr_expect_eq(s.n_choice, 0);
	cr_expect_eq(s.flags, 0u);
}

/* One respondent: p is 0 or 1, no groups (round(0.27) = 0), no flag. */
Test(itemstats, one_respondent)
{
	struct itemstats_item it = {.n_options = 4, .correct_mask = A};
	struct itemstats_response r = {
	    .score = 7, .choice = A, .has_choice = true, .correct = true};
	struct itemstats_result s;

	cr_assert_eq(itemstats_compute(&it, &r, 1, 1, &s), 0);
	cr_expect_eq(s.n, 1);
	cr_expect_float_eq(s.p, 1.0, EPS);
	cr_expect_not(s.has_d);
	cr_expect_float_eq(s.share[0], 1.0, EPS);
	cr_expect_eq(s.flags, 0u);
}

/* Two respondents: g = round(0.54) = 1, the better one against the other. */
Test(itemstats, two_respondents)
{
	struct itemstats_item it = {.n_options = 0};
	struct itemstats_response r[2] = {{.score = 1, .correct = false},
					  {.score = 2, .correct = true}};
	struct itemstats_result s;

	cr_assert_eq(itemstats_compute(&it, r, 2, 0, &s), 0);
	cr_expect(s.has_d);
	cr_expect_float_eq(s.group, 1.0, EPS);
	cr_expect_float_eq(s.d, 1.0, EPS);
}

/* All 10 scores equal: both groups are everyone at weight 3/10, D = 0,
 * judged low when n reaches the minimum. */
Test(itemstats, all_same_score)
{
	struct itemstats_item it = {.n_options = 2, .correct_mask = A};
	struct itemstats_response r[10];
	struct itemstats_result s;
	size_t i;

	for (i = 0; i < 10; i++) {
		r[i].score = 50;
		r[i].correct = i < 6;
		r[i].choice = i < 6 ? A : B;
		r[i].has_choice = true;
	}
	cr_assert_eq(itemstats_compute(&it, r, 10, 10, &s), 0);
	cr_expect_float_eq(s.p, 0.6, EPS);
	cr_expect(s.has_d);
	cr_expect_float_eq(s.p_upper, 0.6, EPS);
	cr_expect_float_eq(s.p_lower, 0.6, EPS);
	cr_expect_eq(s.d, 0.0);
	cr_expect_eq(s.flags, ITEMSTATS_LOW_DISC);
	cr_assert_eq(itemstats_compute(&it, r, 10, 11, &s), 0);
	cr_expect_eq(s.flags, 0u);
}

/* too_hard from 5 respondents; 4 are too few for any flag. */
Test(itemstats, too_hard_and_min_any)
{
	struct itemstats_item it = {.n_options = 0};
	struct itemstats_response r[5] = {{.score = 5},
					  {.score = 4},
					  {.score = 3},
					  {.score = 2},
					  {.score = 1}};
	struct itemstats_result s;

	cr_assert_eq(itemstats_compute(&it, r, 5, 0, &s), 0);
	cr_expect_eq(s.p, 0.0);
	cr_expect_eq(s.flags, ITEMSTATS_TOO_HARD);
	cr_assert_eq(itemstats_compute(&it, r, 4, 0, &s), 0);
	cr_expect_eq(s.flags, 0u);
}

/* Multi, right {A, B}; 6 respondents, scores 60..10:
 *   R1 AB right, R2 AC, R3 AC, R4 ABC, R5 AB right, R6 CD.
 * A 5, B 3, C 4, D 1 -> shares 5/6 3/6 4/6 1/6 (a multi's shares add up
 * to more than 1); C (wrong, 4) beats B (right, least chosen, 3):
 * misleading. p = 2/6; g = round(1.62) = 2: upper R1 R2 1/2, lower R6 R5
 * 1/2, D = 0 (not judged: n < 20). A response of unknown choice (R7)
 * counts in n and p only. */
Test(itemstats, multi_misleading)
{
	struct itemstats_item it = {.n_options = 4, .correct_mask = A | B};
	struct itemstats_response r[7] = {
	    {60, A | B, true, true},  {50, A | C, true, false},
	    {40, A | C, true, false}, {30, A | B | C, true, false},
	    {20, A | B, true, true},  {10, C | D, true, false},
	    {35, NONE, false, false},
	};
	struct itemstats_result s;

	cr_assert_eq(itemstats_compute(&it, r, 6, 0, &s), 0);
	cr_expect_float_eq(s.p, 2.0 / 6, EPS);
	cr_expect_float_eq(s.share[0], 5.0 / 6, EPS);
	cr_expect_float_eq(s.share[1], 3.0 / 6, EPS);
	cr_expect_float_eq(s.share[2], 4.0 / 6, EPS);
	cr_expect_float_eq(s.share[3], 1.0 / 6, EPS);
	cr_expect_float_eq(s.d, 0.0, EPS);
	cr_expect_eq(s.flags, ITEMSTATS_MISLEADING);

	cr_assert_eq(itemstats_compute(&it, r, 7, 0, &s), 0);
	cr_expect_eq(s.n, 7);
	cr_expect_eq(s.n_choice, 6);
	cr_expect_float_eq(s.p, 2.0 / 7, EPS);
	cr_expect_float_eq(s.share[2], 4.0 / 6, EPS);
}

/* A wrong option chosen as often as the right one is not misleading. */
Test(itemstats, tie_is_not_misleading)
{
	struct itemstats_item it = {.n_options = 2, .correct_mask = B};
	struct itemstats_response r[6];
	struct itemstats_result s;
	size_t i;

	for (i = 0; i < 6; i++) {
		r[i].score = (double)i;
		r[i].choice = i % 2 ? A : B;
		r[i].has_choice = true;
		r[i].correct = i % 2 == 0;
	}
	cr_assert_eq(itemstats_compute(&it, r, 6, 0, &s), 0);
	cr_expect_float_eq(s.p, 0.5, EPS);
	cr_expect_eq(s.flags & ITEMSTATS_MISLEADING, 0u);
	r[0].choice = A;
	r[0].correct = false;
	cr_assert_eq(itemstats_compute(&it, r, 6, 0, &s), 0);
	cr_expect_eq(s.flags & ITEMSTATS_MISLEADING, ITEMSTATS_MISLEADING);
}

Test(itemstats, invalid_input)
{
	struct itemstats_item it = {.n_options = ITEM_MAX_OPTIONS + 1};
	struct itemstats_item ok = {.n_options = 2, .correct_mask = A};
	struct itemstats_result s;

	cr_expect_eq(itemstats_compute(&it, NULL, 0, 0, &s), -EINVAL);
	cr_expect_eq(itemstats_compute(&ok, NULL, 3, 0, &s), -EINVAL);
	cr_expect_eq(s.n, 0);
}

/* Percentile ranks within groups:
 *   match 1: 10 20 20 40 -> (0 + 1/2)/4, (1 + 2/2)/4 twice, (3 + 1/2)/4
 *   match 2: 5 7        -> 1/4, 3/4
 *   match 3: 100        -> 1/2 (a match of one) */
Test(itemstats, percentile)
{
	uint64_t g[7] = {1, 2, 1, 3, 1, 2, 1};
	double sc[7] = {20, 7, 10, 100, 40, 5, 20};

	cr_assert_eq(itemstats_percentile(g, sc, 7), 0);
	cr_expect_float_eq(sc[0], 0.5, EPS);
	cr_expect_float_eq(sc[1], 0.75, EPS);
	cr_expect_float_eq(sc[2], 0.125, EPS);
	cr_expect_float_eq(sc[3], 0.5, EPS);
	cr_expect_float_eq(sc[4], 0.875, EPS);
	cr_expect_float_eq(sc[5], 0.25, EPS);
	cr_expect_float_eq(sc[6], 0.5, EPS);
	cr_expect_eq(itemstats_percentile(NULL, NULL, 0), 0);
	cr_expect_eq(itemstats_percentile(NULL, sc, 1), -EINVAL);
}

Test(itemstats, flag_names)
{
	cr_expect_str_eq(itemstats_flag_name(ITEMSTATS_TOO_EASY), "too_easy");
	cr_expect_str_eq(itemstats_flag_name(ITEMSTATS_TOO_HARD), "too_hard");
	cr_expect_str_eq(itemstats_flag_name(ITEMSTATS_LOW_DISC),
			 "low_discrimination");
	cr_expect_str_eq(itemstats_flag_name(ITEMSTATS_MISLEADING),
			 "misleading");
	cr_expect_null(itemstats_flag_name(0));
	cr_expect_null(
	    itemstats_flag_name(ITEMSTATS_TOO_EASY | ITEMSTATS_TOO_HARD));
}

/* The practice round of one person (core/fmt_practice.c) with a fake
 * clock: concrete boxes and due times, the timer, early answers, review
 * mode, hostile indexes and shapes, reproducible sequences. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "fmt_practice.h"

#define T0  INT64_C(1764460800000000) /* wall: 2025-11-30 00:00:00 UTC */
#define M0  INT64_C(5000000000)	      /* monotonic: any origin */
#define SEC PRACTICE_SEC_US
#define MIN PRACTICE_MIN_US

/* A heap copy of s (the bank owns its strings). */
static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	cr_assert(d);
	memcpy(d, s, n);
	return d;
}

/* Adds a choice item (n options, correct mask in bank order). */
static void add_choice(struct bank *b, const char *id, enum item_kind kind,
		       const char *cat, unsigned n, uint32_t correct)
{
	struct item it;
	char opt[16];
	unsigned i;

	memset(&it, 0, sizeof(it));
	it.id = dup_str(id);
	it.kind = kind;
	it.stem = dup_str("stem");
	for (i = 0; i < n; i++) {
		snprintf(opt, sizeof(opt), "opt%u", i);
		it.options[i] = dup_str(opt);
	}
	it.n_options = n;
	it.correct_mask = correct;
	it.explanation = dup_str("because");
	it.category = cat ? dup_str(cat) : NULL;
	it.difficulty = 1;
	cr_assert_eq(bank_add(b, &it), 0);
}

/* Adds a fill-in item accepting "党章". */
static void add_fill(struct bank *b, const char *id, const char *cat)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.id = dup_str(id);
	it.kind = ITEM_FILL;
	it.stem = dup_str("fill");
	it.fills[0] = dup_str("党章");
	it.n_fills = 1;
	it.category = cat ? dup_str(cat) : NULL;
	it.difficulty = 1;
	cr_assert_eq(bank_add(b, &it), 0);
}

/* n single-choice items "q0".. of 4 options, option 2 right, category A. */
static struct bank *bank_of(unsigned n)
{
	struct bank *b = bank_new();
	char id[16];
	unsigned i;

	cr_assert(b);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "q%u", i);
		add_choice(b, id, ITEM_SINGLE, "A", 4, 1u << 2);
	}
	return b;
}

/* A sitting with seed, mode and timer over set. */
static void start(struct fmt_practice *fp, struct practice_set *set,
		  uint64_t seed, enum practice_mode mode, int64_t limit_us)
{
	struct fmt_practice_cfg cfg = {.seed = seed,
				       .mode = mode,
				       .time_limit_us = limit_us,
				       .grace_us = 150000};

	cr_assert_eq(fmt_practice_init(fp, set, &cfg), 0);
}

/* A wrong display mask of a single-choice question. */
static uint32_t wrong_mask(const struct room_question *rq)
{
	uint32_t m = 1;

	while (m == rq->correct_mask)
		m <<= 1;
	return m;
}

Test(fmt_practice, right_answer_moves_to_box_one_due_in_ten_minutes)
{
	struct bank *b = bank_of(1);
	struct practice_set *set = practice_set_new(b, 28800);
	struct fmt_practice fp;
	struct fmt_practice_question q;
	struct fmt_practice_result res;
	struct fmt_practice_counts c;
	int64_t wait, wall = T0 + 2 * SEC;
	char want[PRACTICE_TEXT_MAX];

	start(&fp, set, 7, PRACTICE_SCHEDULE, 0);
	fmt_practice_counts(&fp, T0, &c);
	cr_expect_eq(c.items, 1);
	cr_expect_eq(c.fresh, 1);
	cr_expect_eq(c.due, 0);
	cr_assert_eq(fmt_practice_next(&fp, M0, T0, &q, &wait), 0);
	cr_expect_eq(q.q, 0);
	cr_expect_eq(q.why, PRACTICE_PICK_NEW);
	cr_expect_eq(q.box, 0);
	cr_expect_eq(q.deadline_us, 0, "no timer");
	cr_expect_not(q.again);
	cr_expect_eq(q.rq->n_options, 4);
	/* display slot i shows bank option perm[i]: the right one is 2 */
	cr_expect_eq(q.rq->perm[__builtin_ctz(q.rq->correct_mask)], 2);

	cr_assert_eq(fmt_practice_answer(&fp, 0, q.rq->correct_mask, NULL,
					 M0 + 2 * SEC, wall, 0, &res),
		     0);
	cr_expect(res.correct);
	cr_expect_not(res.timed_out);
	cr_expect_eq(res.rt_us, 2 * SEC);
	cr_expect_eq(res.box, 1);
	cr_expect_eq(res.due_at, wall + 10 * MIN);
	cr_expect_eq(res.bank_mask, 1u << 2, "the choice in bank order");
	cr_expect_not(res.in_review);
	cr_expect_eq(res.streak, 1);
	snprintf(want, sizeof(want), "S1 1 0 1 1 0 1 %" PRId64 " %" PRId64,
		 wall + 10 * MIN, wall);
	cr_expect_str_eq(res.item_state, want);
	cr_expect_str_eq(res.person_state,
			 "P1 1 0 2000000 1 1 1 1 20422 1764460802000000");

	/* nothing else: the next is when it falls due */
	cr_expect_eq(
	    fmt_practice_next(&fp, M0 + 3 * SEC, wall + SEC, &q, &wait),
	    -EAGAIN);
	cr_expect_eq(wait, wall + 10 * MIN);
	/* ten minutes on, it is due: box 2, a day later */
	cr_assert_eq(
	    fmt_practice_next(&fp, M0 + 700 * SEC, wall + 10 * MIN, &q, &wait),
	    0);
	cr_expect_eq(q.q, 1);
	cr_expect_eq(q.why, PRACTICE_PICK_DUE);
	cr_expect_eq(q.box, 1);
	cr_assert_eq(fmt_practice_answer(&fp, 1, q.rq->correct_mask, NULL,
					 M0 + 701 * SEC, wall + 10 * MIN + SEC,
					 0, &res),
		     0);
	cr_expect_eq(res.box, 2);
	cr_expect_eq(res.due_at, wall + 10 * MIN + SEC + PRACTICE_DAY_US);
	practice_set_free(set);
	bank_free(b);
}

Test(fmt_practice, wrong_answer_fills_the_book_and_review_asks_only_it)
{
	struct bank *b = bank_of(3);
	struct practice_set *set = practice_set_new(b, 0);
	struct fmt_practice fp;
	struct fmt_practice_question q;
	struct fmt_practice_result res;
	int64_t wait, wall = T0;
	size_t wrong_item = 0;
	int i;

	start(&fp, set, 3, PRACTICE_SCHEDULE, 0);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(fmt_practice_next(&fp, M0, wall, &q, &wait), 0);
		if (i == 1) {
			wrong_item = fp.index;
			cr_assert_eq(
			    fmt_practice_answer(&fp, q.q, wrong_mask(q.rq),
						NULL, M0 + SEC, wall, 0, &res),
			    0);
			cr_expect_not(res.correct);
			cr_expect_eq(res.box, 1);
			cr_expect_eq(res.due_at, wall + MIN);
			cr_expect(res.in_review);
			cr_expect_eq(res.streak, 0);
		} else {
			cr_assert_eq(
			    fmt_practice_answer(&fp, q.q, q.rq->correct_mask,
						NULL, M0 + SEC, wall, 0, &res),
			    0);
		}
		wall += SEC;
	}
	cr_expect_eq(fmt_practice_review_count(&fp), 1);

	/* review mode: only the book's item, early (not due yet) */
	start(&fp, set, 4, PRACTICE_REVIEW, 0);
	cr_assert_eq(fmt_practice_next(&fp, M0, wall, &q, &wait), 0);
	cr_expect_eq(fp.index, wrong_item);
	cr_expect_eq(q.why, PRACTICE_PICK_REVIEW);
	cr_assert_eq(fmt_practice_answer(&fp, 0, q.rq->correct_mask, NULL,
					 M0 + SEC, wall, 0, &res),
		     0);
	cr_expect(res.correct);
	cr_expect_eq(res.box, 1, "early: no promotion");
	cr_expect_eq(res.due_at, T0 + SEC + MIN, "nor a later due time");
	cr_expect(res.in_review, "one right answer does not clear it");
	cr_expect_not(res.left_review);
	cr_assert_eq(
	    fmt_practice_next(&fp, M0 + 2 * SEC, wall + SEC, &q, &wait), 0);
	cr_expect_eq(fp.index, wrong_item, "still the only one in the book");
	cr_assert_eq(fmt_practice_answer(&fp, 1, q.rq->correct_mask, NULL,
					 M0 + 3 * SEC, wall + 2 * SEC, 0, &res),
		     0);
	cr_expect_not(res.in_review);
	cr_expect(res.left_review, "two right in a row clear it");
	cr_expect_eq(
	    fmt_practice_next(&fp, M0 + 4 * SEC, wall + 3 * SEC, &q, &wait),
	    -ENOENT, "an empty book");
	practice_set_free(set);
	bank_free(b);
}

Test(fmt_practice, timer_deadline_grace_and_timeout)
{
	struct bank *b = bank_of(2);
	struct practice_set *set = practice_set_new(b, 0);
	struct fmt_practice fp;
	struct fmt_practice_question q;
	struct fmt_practice_result res;
	int64_t wait;

	start(&fp, set, 9, PRACTICE_SCHEDULE, 5 * SEC);
	cr_assert_eq(fmt_practice_next(&fp, M0, T0, &q, &wait), 0);
	cr_expect_eq(q.deadline_us, M0 + 5 * SEC);
	/* at the deadline + twice the capped delay: in time */
	cr_assert_eq(fmt_practice_answer(&fp, 0, q.rq->correct_mask, NULL,
					 M0 + 5 * SEC + 300000, T0 + 5 * SEC,
					 400000, &res),
		     0);
	cr_expect(res.correct);
	cr_expect_not(res.timed_out);
	cr_expect_eq(res.rt_us, 5 * SEC, "compensation capped at 150 ms");

	/* one microsecond later: wrong and timed out, even if right */
	cr_assert_eq(
	    fmt_practice_next(&fp, M0 + 10 * SEC, T0 + 10 * SEC, &q, &wait), 0);
	cr_assert_eq(fmt_practice_answer(&fp, 1, q.rq->correct_mask, NULL,
					 M0 + 15 * SEC + 300001, T0 + 15 * SEC,
					 150000, &res),
		     0);
	cr_expect_not(res.correct);
	cr_expect(res.timed_out);
	cr_expect_eq(res.box, 1);
	cr_expect(res.in_review);
	cr_expect_eq(res.due_at, T0 + 15 * SEC + MIN);
	practice_set_free(set);
	bank_free(b);
}

Test(fmt_practice, empty_answer_is_wrong_and_resend_keeps_the_clock)
{
	struct bank *b = bank_of(2);
	struct practice_set *set = practice_set_new(b, 0);
	struct fmt_practice fp;
	struct fmt_practice_question q, q2;
	struct fmt_practice_result res;
	int64_t wait;
	uint8_t perm[ITEM_MAX_OPTIONS];

	start(&fp, set, 11, PRACTICE_SCHEDULE, 10 * SEC);
	cr_assert_eq(fmt_practice_next(&fp, M0, T0, &q, &wait), 0);
	memcpy(perm, q.rq->perm, sizeof(perm));
	cr_assert_eq(
	    fmt_practice_next(&fp, M0 + 4 * SEC, T0 + 4 * SEC, &q2, &wait), 0);
	cr_expect(q2.again);
	cr_expect_eq(q2.q, 0);
	cr_expect_eq(q2.shown_us, M0, "a re-send never buys time");
	cr_expect_eq(q2.deadline_us, M0 + 10 * SEC);
	cr_expect_arr_eq(q2.rq->perm, perm, sizeof(perm));
	cr_assert_eq(fmt_practice_answer(&fp, 0, 0, "", M0 + 6 * SEC,
					 T0 + 6 * SEC, 0, &res),
		     0);
	cr_expect_not(res.correct);
	cr_expect_not(res.timed_out);
	cr_expect_eq(res.bank_mask, 0);
	cr_expect(res.in_review);
	practice_set_free(set);
	bank_free(b);
}

Test(fmt_practice, hostile_indexes_and_shapes_change_nothing)
{
	struct bank *b = bank_new();
	struct practice_set *set;
	struct fmt_practice fp;
	struct fmt_practice_question q;
	struct fmt_practice_result res;
	struct fmt_practice_cfg cfg = {.seed = 1};
	char before[PRACTICE_TEXT_MAX], after[PRACTICE_TEXT_MAX];
	char longcat[QUIZ_CATEGORY_MAX + 2];
	int64_t wait;
	uint32_t wm;

	add_choice(b, "s", ITEM_SINGLE, "A", 4, 1u << 1);
	set = practice_set_new(b, 0);
	start(&fp, set, 1, PRACTICE_SCHEDULE, 0);
	cr_expect_eq(fmt_practice_answer(&fp, 0, 1, NULL, M0, T0, 0, &res),
		     -QE_BAD_STATE, "no question asked");
	cr_assert_eq(fmt_practice_next(&fp, M0, T0, &q, &wait), 0);
	practice_person_format(&set->person, before, sizeof(before));
	cr_expect_eq(
	    fmt_practice_answer(&fp, 0, 1u << 4, NULL, M0, T0, 0, &res),
	    -QE_BAD_MESSAGE, "option 4 of 4");
	cr_expect_eq(
	    fmt_practice_answer(&fp, 0, 0xFFFFFFFFu, NULL, M0, T0, 0, &res),
	    -QE_BAD_MESSAGE, "every bit");
	cr_expect_eq(fmt_practice_answer(&fp, 0, 3, NULL, M0, T0, 0, &res),
		     -QE_BAD_MESSAGE, "two choices on a single choice");
	cr_expect_eq(fmt_practice_answer(&fp, 0, 1, "text", M0, T0, 0, &res),
		     -QE_BAD_MESSAGE, "text on a choice");
	cr_expect_eq(fmt_practice_answer(&fp, 1, 1, NULL, M0, T0, 0, &res),
		     -QE_BAD_MESSAGE, "another question");
	cr_expect_eq(
	    fmt_practice_answer(&fp, UINT32_MAX, 1, NULL, M0, T0, 0, &res),
	    -QE_BAD_MESSAGE);
	practice_person_format(&set->person, after, sizeof(after));
	cr_expect_str_eq(before, after, "refusals record nothing");
	cr_expect_eq(set->items[0].seen, 0);
	cr_expect(fp.open);
	wm = wrong_mask(q.rq);
	cr_assert_eq(fmt_practice_answer(&fp, 0, wm, NULL, M0, T0, 0, &res), 0);
	cr_expect_eq(fmt_practice_answer(&fp, 0, wm, NULL, M0, T0, 0, &res),
		     -QE_ALREADY_ANSWERED, "a double answer");
	cr_expect_eq(fmt_practice_answer(&fp, 1, wm, NULL, M0, T0, 0, &res),
		     -QE_BAD_STATE, "nothing open");
	/* a later question answered, then an earlier index */
	cr_assert_eq(fmt_practice_next(&fp, M0, T0 + 2 * MIN, &q, &wait), 0);
	cr_expect_eq(q.q, 1);
	cr_expect_eq(fmt_practice_answer(&fp, 0, 0, NULL, M0, T0, 0, &res),
		     -QE_ALREADY_ANSWERED, "an earlier question, open one");
	cr_assert_eq(
	    fmt_practice_answer(&fp, 1, 0, NULL, M0, T0 + 2 * MIN, 0, &res), 0);
	cr_expect_eq(fmt_practice_answer(&fp, 0, 0, NULL, M0, T0, 0, &res),
		     -QE_ALREADY_ANSWERED, "an earlier question, none open");
	cr_expect_eq(set->items[0].seen, 2, "recorded once per question");

	/* configurations out of range */
	cfg.mode = (enum practice_mode)2;
	cr_expect_eq(fmt_practice_init(&fp, set, &cfg), -QE_BAD_MESSAGE);
	cfg.mode = PRACTICE_REVIEW;
	cfg.time_limit_us = 3 * SEC - 1;
	cr_expect_eq(fmt_practice_init(&fp, set, &cfg), -QE_BAD_MESSAGE);
	cfg.time_limit_us = 300 * SEC + 1;
	cr_expect_eq(fmt_practice_init(&fp, set, &cfg), -QE_BAD_MESSAGE);
	cfg.time_limit_us = 300 * SEC;
	cfg.max_new = FMT_PRACTICE_MAX_NEW + 1;
	cr_expect_eq(fmt_practice_init(&fp, set, &cfg), -QE_BAD_MESSAGE);
	cfg.max_new = 0;
	cfg.kinds = 1u << 4;
	cr_expect_eq(fmt_practice_init(&fp, set, &cfg), -QE_BAD_MESSAGE);
	cfg.kinds = 0;
	memset(longcat, 'x', sizeof(longcat) - 1);
	longcat[sizeof(longcat) - 1] = '\0';
	cfg.category = longcat;
	cr_expect_eq(fmt_practice_init(&fp, set, &cfg), -QE_BAD_MESSAGE);
	longcat[QUIZ_CATEGORY_MAX] = '\0';
	cr_expect_eq(fmt_practice_init(&fp, set, &cfg), 0);
	practice_set_free(set);
	bank_free(b);
}

Test(fmt_practice, fill_and_multi_marked_as_rooms_mark)
{
	struct bank *b = bank_new();
	struct practice_set *set;
	struct fmt_practice fp;
	struct fmt_practice_question q;
	struct fmt_practice_result res;
	struct fmt_practice_cfg cfg = {.seed = 5, .grace_us = 0};
	int64_t wait;

	add_fill(b, "f", "F");
	add_choice(b, "m", ITEM_MULTI, "M", 4, (1u << 0) | (1u << 3));
	set = practice_set_new(b, 0);
	cfg.category = "F";
	cr_assert_eq(fmt_practice_init(&fp, set, &cfg), 0);
	cr_assert_eq(fmt_practice_next(&fp, M0, T0, &q, &wait), 0);
	cr_expect_eq(q.rq->item->kind, ITEM_FILL);
	cr_expect_eq(fmt_practice_answer(&fp, 0, 1, NULL, M0, T0, 0, &res),
		     -QE_BAD_MESSAGE, "a choice on a fill-in");
	/* normalised as in rooms: punctuation and spaces dropped */
	cr_assert_eq(
	    fmt_practice_answer(&fp, 0, 0, " 《党章》 ", M0, T0, 0, &res), 0);
	cr_expect(res.correct);

	cfg.category = "M";
	cr_assert_eq(fmt_practice_init(&fp, set, &cfg), 0);
	cr_assert_eq(fmt_practice_next(&fp, M0, T0, &q, &wait), 0);
	cr_expect_eq(q.rq->item->kind, ITEM_MULTI);
	cr_assert_eq(fmt_practice_answer(&fp, 0, q.rq->correct_mask, NULL, M0,
					 T0, 0, &res),
		     0);
	cr_expect(res.correct);
	cr_expect_eq(res.bank_mask, (1u << 0) | (1u << 3));
	cfg.category = "none";
	cr_assert_eq(fmt_practice_init(&fp, set, &cfg), 0);
	cr_expect_eq(fmt_practice_next(&fp, M0, T0, &q, &wait), -ENOENT);
	practice_set_free(set);
	bank_free(b);
}

/* Plays n questions at one answer a second, right when i % 3 != 1,
 * writing "index:perm" of each into out. */
static void play(uint64_t seed, unsigned n, char *out, size_t cap)
{
	struct bank *b = bank_of(12);
	struct practice_set *set = practice_set_new(b, 0);
	struct fmt_practice fp;
	struct fmt_practice_question q;
	struct fmt_practice_result res;
	size_t o = 0;
	int64_t wait;
	unsigned i, k;

	start(&fp, set, seed, PRACTICE_SCHEDULE, 0);
	for (i = 0; i < n; i++) {
		int64_t t = (int64_t)i * SEC;

		cr_assert_eq(fmt_practice_next(&fp, M0 + t, T0 + t, &q, &wait),
			     0);
		o += (size_t)snprintf(out + o, cap - o, "%zu:", fp.index);
		for (k = 0; k < q.rq->n_options; k++)
			o += (size_t)snprintf(out + o, cap - o, "%u",
					      q.rq->perm[k]);
		o += (size_t)snprintf(out + o, cap - o, " ");
		cr_assert_eq(
		    fmt_practice_answer(
			&fp, q.q,
			i % 3 == 1 ? wrong_mask(q.rq) : q.rq->correct_mask,
			NULL, M0 + t + SEC / 2, T0 + t + SEC / 2, 0, &res),
		    0);
	}
	practice_set_free(set);
	bank_free(b);
}

Test(fmt_practice, the_same_seed_gives_the_same_sequence)
{
	char a[1024], b[1024], c[1024];

	play(42, 12, a, sizeof(a));
	play(42, 12, b, sizeof(b));
	play(43, 12, c, sizeof(c));
	cr_expect_str_eq(a, b);
	cr_expect_str_neq(a, c, "another seed, another order");
}

/* Practice scheduler (core/practice.c): Leitner intervals with concrete
 * times, the 错题本 rule, seeded order, the new-item allowance, filters,
 * progress on a hand-worked history, the store's text forms, hostile
 * values. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "practice.h"

#define T0  INT64_C(1764460800000000) /* 2025-11-30 00:00:00 UTC, in µs */
#define MIN PRACTICE_MIN_US
#define DAY PRACTICE_DAY_US

/* A heap copy of s (the bank owns its strings). */
static char *test_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	cr_assert(d);
	memcpy(d, s, n);
	return d;
}

/* Adds an item with id, kind and category to b. */
static void add_item(struct bank *b, const char *id, enum item_kind kind,
		     const char *cat)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.id = test_strdup(id);
	it.kind = kind;
	it.stem = test_strdup("stem");
	it.category = cat ? test_strdup(cat) : NULL;
	it.difficulty = 1;
	cr_assert_eq(bank_add(b, &it), 0);
}

/* A bank of n single-choice items "q0".."q{n-1}" in category "A". */
static struct bank *bank_of(size_t n)
{
	struct bank *b = bank_new();
	char id[32];
	size_t i;

	cr_assert(b);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "q%zu", i);
		add_item(b, id, ITEM_SINGLE, "A");
	}
	return b;
}

Test(practice, interval_table)
{
	cr_expect_eq(practice_interval(0), 0);
	cr_expect_eq(practice_interval(1), 10 * MIN);
	cr_expect_eq(practice_interval(2), 1 * DAY);
	cr_expect_eq(practice_interval(3), 3 * DAY);
	cr_expect_eq(practice_interval(4), 7 * DAY);
	cr_expect_eq(practice_interval(5), 21 * DAY);
	cr_expect_eq(practice_interval(6), 0, "out of range");
}

Test(practice, new_item_climbs_the_boxes_when_answered_on_time)
{
	struct practice_item st = {0};
	int64_t t = T0;

	cr_expect(practice_due(&st, 0), "a new item is due at once");
	practice_answer(&st, t, true);
	cr_expect_eq(st.box, 1);
	cr_expect_eq(st.due_at, T0 + 10 * MIN);
	t = T0 + 10 * MIN; /* exactly due */
	practice_answer(&st, t, true);
	cr_expect_eq(st.box, 2);
	cr_expect_eq(st.due_at, T0 + 10 * MIN + DAY);
	t = st.due_at + 5 * MIN; /* a little late */
	practice_answer(&st, t, true);
	cr_expect_eq(st.box, 3);
	cr_expect_eq(st.due_at, t + 3 * DAY);
	t = st.due_at;
	practice_answer(&st, t, true);
	cr_expect_eq(st.box, 4);
	cr_expect_eq(st.due_at, t + 7 * DAY);
	t = st.due_at;
	practice_answer(&st, t, true);
	cr_expect_eq(st.box, 5);
	cr_expect_eq(st.due_at, t + 21 * DAY);
	t = st.due_at;
	practice_answer(&st, t, true);
	cr_expect_eq(st.box, 5, "the top box keeps");
	cr_expect_eq(st.due_at, t + 21 * DAY);
	cr_expect_eq(st.seen, 6);
	cr_expect_eq(st.right, 6);
	cr_expect_eq(st.wrong, 0);
	cr_expect_eq(st.streak_right, 6);
	cr_expect_eq(st.last_at, t);
	cr_expect_not(st.in_review);
}

Test(practice, wrong_answer_comes_back_in_a_minute_and_enters_the_book)
{
	struct practice_item st = {0};

	practice_answer(&st, T0, true);
	practice_answer(&st, T0 + 10 * MIN, true);
	practice_answer(&st, T0 + 10 * MIN + DAY, true);
	cr_assert_eq(st.box, 3);
	practice_answer(&st, T0 + 5 * DAY, false);
	cr_expect_eq(st.box, 1);
	cr_expect_eq(st.due_at, T0 + 5 * DAY + 1 * MIN);
	cr_expect(st.in_review);
	cr_expect_eq(st.streak_right, 0);
	cr_expect_eq(st.wrong, 1);
	cr_expect_not(practice_due(&st, T0 + 5 * DAY + 59 * PRACTICE_SEC_US));
	cr_expect(practice_due(&st, T0 + 5 * DAY + 60 * PRACTICE_SEC_US));

	/* a new item answered wrong: box 1, in a minute, in the book */
	struct practice_item n = {0};

	practice_answer(&n, T0, false);
	cr_expect_eq(n.box, 1);
	cr_expect_eq(n.due_at, T0 + MIN);
	cr_expect(n.in_review);
}

Test(practice, early_right_answer_counts_but_does_not_promote)
{
	struct practice_item st = {0};

	practice_answer(&st, T0, false); /* box 1, due T0 + 1 min */
	practice_answer(&st, T0 + 10 * PRACTICE_SEC_US, true);
	cr_expect_eq(st.box, 1, "asked early: no promotion");
	cr_expect_eq(st.due_at, T0 + MIN, "nor a later due time");
	cr_expect_eq(st.streak_right, 1);
	cr_expect(st.in_review, "one right is not enough");
	practice_answer(&st, T0 + MIN, true); /* due now */
	cr_expect_eq(st.box, 2);
	cr_expect_eq(st.due_at, T0 + MIN + DAY);
	cr_expect_not(st.in_review, "two rights in a row clear it");
}

Test(practice, book_needs_two_rights_in_a_row)
{
	struct practice_item st = {0};

	practice_answer(&st, T0, false);
	practice_answer(&st, T0 + 1 * MIN, true);
	cr_expect(st.in_review);
	practice_answer(&st, T0 + 2 * MIN, false);
	cr_expect(st.in_review, "the run starts again");
	practice_answer(&st, T0 + 3 * MIN, true);
	cr_expect(st.in_review);
	practice_answer(&st, T0 + 4 * MIN, true);
	cr_expect_not(st.in_review);
}

Test(practice, review_mode_asks_only_the_book_until_cleared)
{
	struct bank *b = bank_of(4);
	struct practice_set *set = practice_set_new(b, 0);
	struct practice_session s;
	struct practice_filter f = {.mode = PRACTICE_REVIEW};
	struct practice_pick pk;
	int64_t t = T0;
	int asked[4] = {0}, n = 0;

	cr_assert(set);
	practice_session_init(&s, 7);
	cr_expect_eq(practice_next(set, &s, &f, t, &pk), -ENOENT,
		     "an empty book");
	/* q1 and q3 wrong, q0 and q2 right */
	cr_assert_eq(practice_record(set, &s, 0, t, true, 0), 0);
	cr_assert_eq(practice_record(set, &s, 1, t += MIN, false, 0), 0);
	cr_assert_eq(practice_record(set, &s, 2, t += MIN, true, 0), 0);
	cr_assert_eq(practice_record(set, &s, 3, t += MIN, false, 0), 0);
	/* answer every review pick right until the book is empty */
	while (practice_next(set, &s, &f, t, &pk) == 0) {
		cr_assert_eq(pk.why, PRACTICE_PICK_REVIEW);
		cr_assert(pk.index == 1 || pk.index == 3, "asked %zu",
			  pk.index);
		asked[pk.index]++;
		n++;
		cr_assert_lt(n, 10, "the book never empties");
		practice_record(set, &s, pk.index, t += 10 * PRACTICE_SEC_US,
				true, 0);
	}
	cr_expect_eq(asked[1], 2);
	cr_expect_eq(asked[3], 2);
	cr_expect_eq(practice_next(set, &s, &f, t, &pk), -ENOENT);
	practice_set_free(set);
	bank_free(b);
}

Test(practice, review_mode_asks_longest_ago_first)
{
	struct bank *b = bank_of(3);
	struct practice_set *set = practice_set_new(b, 0);
	struct practice_filter f = {.mode = PRACTICE_REVIEW};
	struct practice_pick pk;

	practice_record(set, NULL, 2, T0, false, 0);
	practice_record(set, NULL, 0, T0 + MIN, false, 0);
	cr_assert_eq(practice_next(set, NULL, &f, T0 + 2 * MIN, &pk), 0);
	cr_expect_eq(pk.index, 2);
	practice_record(set, NULL, 2, T0 + 2 * MIN, true, 0);
	cr_assert_eq(practice_next(set, NULL, &f, T0 + 2 * MIN, &pk), 0);
	cr_expect_eq(pk.index, 0, "rotates through the book");
	practice_set_free(set);
	bank_free(b);
}

/* Runs n picks answering each right, 1 s apart, into seq. */
static void run_seq(uint64_t seed, size_t *seq, int n)
{
	struct bank *b = bank_of(30);
	struct practice_set *set = practice_set_new(b, 0);
	struct practice_session s;
	struct practice_pick pk;
	int i;

	practice_session_init(&s, seed);
	for (i = 0; i < n; i++) {
		cr_assert_eq(
		    practice_next(set, &s, NULL, T0 + i * PRACTICE_SEC_US, &pk),
		    0);
		seq[i] = pk.index;
		practice_record(set, &s, pk.index, T0 + i * PRACTICE_SEC_US,
				true, 0);
	}
	practice_set_free(set);
	bank_free(b);
}

Test(practice, order_is_fixed_by_the_seed)
{
	size_t a[15], b[15], c[15];
	int i, same = 1, distinct = 1, j;

	run_seq(42, a, 15);
	run_seq(42, b, 15);
	run_seq(43, c, 15);
	cr_expect_arr_eq(a, b, sizeof(a), "the same seed, the same picks");
	for (i = 0; i < 15; i++) {
		same &= a[i] == c[i];
		for (j = 0; j < i; j++)
			distinct &= a[i] != a[j];
	}
	cr_expect_not(same, "another seed, another order");
	cr_expect(distinct, "no item twice among new items");
}

Test(practice, most_overdue_first)
{
	struct bank *b = bank_of(3);
	struct practice_set *set = practice_set_new(b, 0);
	struct practice_session s;
	struct practice_pick pk;

	practice_session_init(&s, 1);
	s.max_new = 0;
	/* q0 due T0+10m, q1 due T0+1m (wrong), q2 due T0+12m */
	practice_record(set, &s, 0, T0, true, 0);
	practice_record(set, &s, 1, T0, false, 0);
	practice_record(set, &s, 2, T0 + 2 * MIN, true, 0);
	cr_assert_eq(practice_next(set, &s, NULL, T0 + 30 * MIN, &pk), 0);
	cr_expect_eq(pk.index, 1);
	cr_expect_eq(pk.why, PRACTICE_PICK_DUE);
	practice_record(set, &s, 1, T0 + 30 * MIN, true, 0);
	cr_assert_eq(practice_next(set, &s, NULL, T0 + 30 * MIN, &pk), 0);
	cr_expect_eq(pk.index, 0);
	practice_record(set, &s, 0, T0 + 30 * MIN, true, 0);
	cr_assert_eq(practice_next(set, &s, NULL, T0 + 30 * MIN, &pk), 0);
	cr_expect_eq(pk.index, 2);
	practice_record(set, &s, 2, T0 + 30 * MIN, true, 0);
	/* all three in box 2 now, due a day later */
	cr_expect_eq(practice_next(set, &s, NULL, T0 + 31 * MIN, &pk), -EAGAIN);
	cr_expect_eq(pk.wait_until, T0 + 30 * MIN + DAY);
	practice_set_free(set);
	bank_free(b);
}

Test(practice, new_items_are_rationed)
{
	struct bank *b = bank_of(10);
	struct practice_set *set = practice_set_new(b, 0);
	struct practice_session s;
	struct practice_pick pk;
	int i;

	practice_session_init(&s, 9);
	s.max_new = 3;
	for (i = 0; i < 3; i++) {
		cr_assert_eq(practice_next(set, &s, NULL, T0, &pk), 0);
		cr_expect_eq(pk.why, PRACTICE_PICK_NEW);
		practice_record(set, &s, pk.index, T0, true, 0);
	}
	/* three new items in box 1 (due in 10 min), the allowance spent */
	cr_expect_eq(practice_next(set, &s, NULL, T0 + MIN, &pk), -EAGAIN);
	cr_expect_eq(pk.wait_until, T0 + 10 * MIN);
	cr_expect_eq(s.new_count, 3);
	/* a new session brings new items again */
	practice_session_init(&s, 9);
	cr_assert_eq(practice_next(set, &s, NULL, T0 + MIN, &pk), 0);
	cr_expect_eq(pk.why, PRACTICE_PICK_NEW);
	s.max_new = 0;
	cr_expect_eq(practice_next(set, &s, NULL, T0 + MIN, &pk), -EAGAIN,
		     "max_new 0: no new items");
	practice_set_free(set);
	bank_free(b);
}

Test(practice, one_new_item_after_every_gap_while_due_items_wait)
{
	struct bank *b = bank_of(20);
	struct practice_set *set = practice_set_new(b, 0);
	struct practice_session s;
	struct practice_pick pk;
	char why[16] = {0};
	int i;

	/* ten items answered yesterday, now all overdue */
	for (i = 0; i < 10; i++)
		practice_record(set, NULL, (size_t)i, T0 - DAY, true, 0);
	practice_session_init(&s, 3);
	for (i = 0; i < 15; i++) {
		cr_assert_eq(practice_next(set, &s, NULL, T0, &pk), 0);
		why[i] = pk.why == PRACTICE_PICK_NEW ? 'N' : 'D';
		if (pk.why == PRACTICE_PICK_NEW)
			cr_expect_geq(pk.index, 10);
		else
			cr_expect_lt(pk.index, 10);
		practice_record(set, &s, pk.index, T0, true, 0);
	}
	cr_expect_str_eq(why, "DDDDNDDDDNDDNNN",
			 "due first, a new one every 5th, new ones once "
			 "nothing is due");
	practice_set_free(set);
	bank_free(b);
}

Test(practice, filters_by_category_and_kind)
{
	struct bank *b = bank_new();
	struct practice_set *set;
	struct practice_filter f = {0};
	struct practice_pick pk;
	struct practice_session s;
	int i;

	add_item(b, "a1", ITEM_SINGLE, "党史");
	add_item(b, "a2", ITEM_TRUE_FALSE, "党史");
	add_item(b, "b1", ITEM_TRUE_FALSE, "党章");
	add_item(b, "n1", ITEM_FILL, NULL);
	set = practice_set_new(b, 0);
	practice_session_init(&s, 5);
	f.category = "党史";
	f.kinds = 1u << ITEM_TRUE_FALSE;
	for (i = 0; i < 10; i++) {
		cr_assert_eq(practice_next(set, &s, &f, T0, &pk), 0);
		cr_expect_eq(pk.index, 1, "only a2 passes");
		s.answers++; /* another tie-break stream */
	}
	f.category = "党章";
	f.kinds = 1u << ITEM_SINGLE;
	cr_expect_eq(practice_next(set, &s, &f, T0, &pk), -ENOENT);
	f.category = "none such";
	f.kinds = 0;
	cr_expect_eq(practice_next(set, &s, &f, T0, &pk), -ENOENT);
	f.category = NULL;
	f.kinds = 1u << ITEM_FILL;
	cr_assert_eq(practice_next(set, &s, &f, T0, &pk), 0);
	cr_expect_eq(pk.index, 3, "an item without a category");
	/* review mode within a category */
	practice_record(set, &s, 1, T0, false, 0); /* a2 (党史) wrong */
	f.kinds = 0;
	f.mode = PRACTICE_REVIEW;
	f.category = "党章";
	cr_expect_eq(practice_next(set, &s, &f, T0, &pk), -ENOENT);
	f.category = "党史";
	cr_assert_eq(practice_next(set, &s, &f, T0, &pk), 0);
	cr_expect_eq(pk.index, 1);
	practice_set_free(set);
	bank_free(b);
}

Test(practice, empty_bank_and_everything_learned)
{
	struct bank *b = bank_new();
	struct practice_set *set = practice_set_new(b, 0);
	struct practice_pick pk;
	struct practice_progress p;
	int64_t t = T0;
	int k;

	cr_assert(set);
	cr_expect_eq(practice_next(set, NULL, NULL, T0, &pk), -ENOENT);
	cr_assert_eq(practice_progress_init(&p, b), 0);
	cr_expect_eq(practice_progress_add(&p, set, T0), 0);
	cr_expect_eq(p.n_cat, 0);
	cr_expect_eq(practice_mastery(&p, &p.all), 0);
	cr_expect_eq(practice_accuracy(&p.all), 0);
	practice_progress_clear(&p);
	practice_set_free(set);
	bank_free(b);

	/* items never answered and no allowance: nothing, ever */
	b = bank_of(2);
	set = practice_set_new(b, 0);
	{
		struct practice_session s;

		practice_session_init(&s, 1);
		s.max_new = 0;
		cr_expect_eq(practice_next(set, &s, NULL, T0, &pk), -EAGAIN);
		cr_expect_eq(pk.wait_until, PRACTICE_NEVER);
	}
	practice_set_free(set);
	bank_free(b);

	/* one item carried to box 5: nothing to ask for 21 days */
	b = bank_of(1);
	set = practice_set_new(b, 0);
	for (k = 0; k < 5; k++) {
		practice_record(set, NULL, 0, t, true, 0);
		t = set->items[0].due_at;
	}
	cr_assert_eq(set->items[0].box, 5);
	cr_expect_eq(practice_next(set, NULL, NULL, t - 1, &pk), -EAGAIN);
	cr_expect_eq(pk.wait_until, t);
	cr_assert_eq(practice_next(set, NULL, NULL, t, &pk), 0);
	cr_expect_eq(pk.why, PRACTICE_PICK_DUE);
	practice_set_free(set);
	bank_free(b);
}

Test(practice, progress_on_a_hand_worked_history)
{
	struct bank *b = bank_new();
	struct practice_set *ann, *bob;
	struct practice_progress p, team;
	int64_t t;
	int k;

	add_item(b, "a1", ITEM_SINGLE, "A");
	add_item(b, "a2", ITEM_SINGLE, "A");
	add_item(b, "b1", ITEM_SINGLE, "B");
	add_item(b, "a3", ITEM_SINGLE, "A");
	ann = practice_set_new(b, 8 * 3600);
	bob = practice_set_new(b, 8 * 3600);
	/* ann: a1 right on time four times (box 4, mastered), 30 s each */
	t = T0;
	for (k = 0; k < 4; k++) {
		practice_record(ann, NULL, 0, t, true, 30 * PRACTICE_SEC_US);
		t = ann->items[0].due_at;
	}
	/* t is now T0 + 10 min + 1 + 3 + 7 days: day 11 */
	/* a2 wrong then right (in the book still), b1 right; 10 s each */
	practice_record(ann, NULL, 1, t, false, 10 * PRACTICE_SEC_US);
	practice_record(ann, NULL, 1, t + MIN, true, 10 * PRACTICE_SEC_US);
	practice_record(ann, NULL, 2, t + 2 * MIN, true, 10 * PRACTICE_SEC_US);

	cr_assert_eq(practice_progress_init(&p, b), 0);
	cr_assert_eq(practice_progress_add(&p, ann, t + 3 * MIN), 0);
	cr_assert_eq(p.n_cat, 2);
	cr_expect_str_eq(p.cat[0].name, "A");
	cr_expect_eq(p.cat[0].items, 3);
	cr_expect_eq(p.cat[0].seen, 2);
	cr_expect_eq(p.cat[0].mastered, 1);
	cr_expect_eq(p.cat[0].review, 1);
	cr_expect_eq(p.cat[0].right, 5);
	cr_expect_eq(p.cat[0].wrong, 1);
	cr_expect_eq(practice_mastery(&p, &p.cat[0]), 333, "1 of 3");
	cr_expect_eq(practice_accuracy(&p.cat[0]), 833, "5 of 6");
	cr_expect_str_eq(p.cat[1].name, "B");
	cr_expect_eq(p.cat[1].seen, 1);
	cr_expect_eq(p.cat[1].mastered, 0);
	cr_expect_eq(p.all.items, 4);
	cr_expect_eq(p.all.seen, 3);
	cr_expect_eq(p.all.right, 6);
	cr_expect_eq(p.all.wrong, 1);
	cr_expect_eq(practice_accuracy(&p.all), 857, "6 of 7");
	cr_expect_eq(p.time_us, 150 * PRACTICE_SEC_US, "4 × 30 s + 3 × 10 s");
	cr_expect_eq(p.streak, 2, "right, right since the wrong one");
	cr_expect_eq(p.best_streak, 4);
	/* answers (Beijing time) on days 0, 0, 1, 4, 11 → runs 2, 1, 1 */
	cr_expect_eq(p.days, 1);
	cr_expect_eq(p.best_days, 2);
	cr_expect_eq(p.persons, 1);

	/* bob: b1 wrong, 20 s, on the same day */
	practice_record(bob, NULL, 2, t, false, 20 * PRACTICE_SEC_US);
	cr_assert_eq(practice_progress_init(&team, b), 0);
	cr_assert_eq(practice_progress_add(&team, ann, t + 3 * MIN), 0);
	cr_assert_eq(practice_progress_add(&team, bob, t + 3 * MIN), 0);
	cr_expect_eq(team.persons, 2);
	cr_expect_eq(team.cat[1].seen, 2);
	cr_expect_eq(team.cat[1].review, 1);
	cr_expect_eq(practice_mastery(&team, &team.cat[0]), 167, "1 of 2 × 3");
	cr_expect_eq(practice_accuracy(&team.all), 750, "6 of 8");
	cr_expect_eq(team.time_us, 170 * PRACTICE_SEC_US);
	cr_expect_eq(team.best_streak, 4, "the best member's");
	/* two days later ann's run of days is over */
	practice_progress_clear(&p);
	cr_assert_eq(practice_progress_init(&p, b), 0);
	cr_assert_eq(practice_progress_add(&p, ann, t + 2 * DAY), 0);
	cr_expect_eq(p.days, 0);
	cr_expect_eq(p.best_days, 2);
	practice_progress_clear(&p);
	practice_progress_clear(&team);
	practice_set_free(ann);
	practice_set_free(bob);
	bank_free(b);
}

Test(practice, progress_refuses_a_set_over_another_bank)
{
	struct bank *a = bank_of(2), *b = bank_of(2);
	struct practice_set *set = practice_set_new(b, 0);
	struct practice_progress p;

	cr_assert_eq(practice_progress_init(&p, a), 0);
	cr_expect_eq(practice_progress_add(&p, set, T0), -EINVAL);
	practice_progress_clear(&p);
	practice_set_free(set);
	bank_free(a);
	bank_free(b);
}

Test(practice, day_streak_follows_the_local_calendar)
{
	struct bank *b = bank_of(1);
	struct practice_set *set = practice_set_new(b, 8 * 3600);

	/* 23:30 and 00:30 Beijing time (15:30 and 16:30 UTC): two days */
	practice_record(set, NULL, 0, T0 + 15 * 60 * MIN + 30 * MIN, true, 0);
	practice_record(set, NULL, 0, T0 + 16 * 60 * MIN + 30 * MIN, true, 0);
	cr_expect_eq(set->person.days, 2);
	/* the same at UTC: one day */
	set->utc_offset_s = 0;
	memset(&set->person, 0, sizeof(set->person));
	practice_record(set, NULL, 0, T0 + 15 * 60 * MIN + 30 * MIN, true, 0);
	practice_record(set, NULL, 0, T0 + 16 * 60 * MIN + 30 * MIN, true, 0);
	cr_expect_eq(set->person.days, 1);
	practice_set_free(set);
	bank_free(b);
}

Test(practice, text_forms_round_trip)
{
	struct practice_item st = {0}, back;
	struct practice_person pp, pback;
	char buf[PRACTICE_TEXT_MAX];
	int n;

	n = practice_item_format(&st, buf, sizeof(buf));
	cr_expect_str_eq(buf, "S1 0 0 0 0 0 0 0 0");
	cr_expect_eq(n, (int)strlen(buf));
	practice_answer(&st, T0, false);
	practice_answer(&st, T0 + MIN, true);
	practice_item_format(&st, buf, sizeof(buf));
	cr_expect_str_eq(buf,
			 "S1 2 1 2 1 1 1 1764547260000000 1764460860000000");
	memset(&back, 0xff, sizeof(back));
	cr_assert_eq(practice_item_parse(buf, &back), 0);
	cr_expect_eq(memcmp(&back.due_at, &st.due_at, sizeof(int64_t)), 0);
	cr_expect(back.box == st.box && back.in_review == st.in_review &&
		  back.seen == st.seen && back.right == st.right &&
		  back.wrong == st.wrong &&
		  back.streak_right == st.streak_right &&
		  back.last_at == st.last_at);
	/* the worst case fits */
	memset(&st, 0, sizeof(st));
	st.box = 5;
	st.seen = st.right = st.streak_right = UINT32_MAX;
	st.due_at = st.last_at = INT64_MAX;
	cr_expect_gt(practice_item_format(&st, buf, sizeof(buf)), 0);
	cr_expect_eq(practice_item_parse(buf, &back), 0);
	cr_expect_eq(practice_item_format(&st, buf, 10), -ENOSPC);

	memset(&pp, 0, sizeof(pp));
	pp.right = 6;
	pp.wrong = 1;
	pp.time_us = 150000000;
	pp.streak = 2;
	pp.best_streak = 4;
	pp.days = 1;
	pp.best_days = 2;
	pp.last_day = 20425;
	pp.last_at = T0;
	practice_person_format(&pp, buf, sizeof(buf));
	cr_expect_str_eq(buf,
			 "P1 6 1 150000000 2 4 1 2 20425 1764460800000000");
	cr_assert_eq(practice_person_parse(buf, &pback), 0);
	cr_expect_eq(memcmp(&pp, &pback, sizeof(pp)), 0);
}

Test(practice, parse_refuses_malformed_and_inconsistent_text)
{
	static const char *bad[] = {
	    "",
	    "S1",
	    "S2 0 0 0 0 0 0 0 0",
	    "S1 0 0 0 0 0 0 0",	    /* a field short */
	    "S1 0 0 0 0 0 0 0 0 0", /* one too many */
	    "S1 0 0 0 0 0 0 0 0\n",
	    "S1  0 0 0 0 0 0 0 0",
	    "S1 6 0 1 1 0 1 1 1",		    /* box 6 */
	    "S1 1 2 1 0 1 0 1 1",		    /* in_review 2 */
	    "S1 1 0 4294967296 0 0 0 1 1",	    /* over uint32 */
	    "S1 1 0 1 1 0 1 9223372036854775808 1", /* over int64 */
	    "S1 1 0 1 1 0 1 -1 1",
	    "S1 1 0 1 1 0 1 +1 1",
	    "S1 1 0 01 1 0 1 1 1", /* leading zero */
	    "S1 1 0 1 2 0 1 1 1",  /* right > seen */
	    "S1 1 0 2 1 0 2 1 1",  /* streak > right */
	    "S1 0 0 1 1 0 1 1 1",  /* seen, box 0 */
	    "S1 1 0 0 0 0 0 0 0",  /* unseen in box 1 */
	    "S1 0 1 0 0 0 0 0 0",  /* unseen in the book */
	    "S1 1 1 2 2 0 2 1 1",  /* in the book, never wrong */
	    "S1 1 1 3 2 1 2 1 1",  /* in the book after two rights */
	};
	struct practice_item st, keep = {.box = 3, .seen = 9};
	struct practice_person pp;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = keep;
		cr_expect_eq(practice_item_parse(bad[i], &st), -EINVAL, "[%s]",
			     bad[i]);
		cr_expect_eq(memcmp(&st, &keep, sizeof(st)), 0,
			     "untouched after [%s]", bad[i]);
	}
	cr_expect_eq(practice_item_parse(NULL, &st), -EINVAL);
	cr_expect_eq(practice_person_parse("P1 1 0 0 2 1 0 0 0 0", &pp),
		     -EINVAL, "streak above best");
	cr_expect_eq(practice_person_parse("P1 1 0 0 0 0 3 2 0 0", &pp),
		     -EINVAL, "days above best");
	cr_expect_eq(practice_person_parse("P1 1 0 0 0 0 0 0 0", &pp), -EINVAL);
}

Test(practice, set_load_skips_items_not_in_the_bank)
{
	struct bank *b = bank_of(2);
	struct practice_set *set = practice_set_new(b, 0);

	cr_expect_eq(practice_set_load(set, "q1", "S1 2 0 1 1 0 1 5 4"), 0);
	cr_expect_eq(set->items[1].box, 2);
	cr_expect_eq(set->items[1].due_at, 5);
	cr_expect_eq(practice_set_load(set, "gone", "S1 2 0 1 1 0 1 5 4"),
		     -ENOENT);
	cr_expect_eq(practice_set_load(set, NULL, "S1 2 0 1 1 0 1 5 4"),
		     -ENOENT);
	cr_expect_eq(practice_set_load(set, "q0", "garbage"), -EINVAL);
	cr_expect_eq(set->items[0].seen, 0);
	cr_expect_eq(practice_record(set, NULL, 2, T0, true, 0), -EINVAL);
	practice_set_free(set);
	bank_free(b);
}

Test(practice, clock_going_back_schedules_from_the_last_answer)
{
	struct practice_item st = {0};

	practice_answer(&st, T0, true);
	practice_answer(&st, T0 - DAY, true); /* a day earlier: taken as T0 */
	cr_expect_eq(st.last_at, T0);
	cr_expect_eq(st.box, 1, "not due at T0: no promotion");
	practice_answer(&st, T0 - DAY, false);
	cr_expect_eq(st.due_at, T0 + MIN, "from the last answer");
	practice_answer(&st, -5, true); /* negative time */
	cr_expect_eq(st.last_at, T0);

	struct practice_item z = {0};

	practice_answer(&z, -1000, true);
	cr_expect_eq(z.last_at, 0);
	cr_expect_eq(z.due_at, 10 * MIN);
}

Test(practice, huge_values_saturate)
{
	struct bank *b = bank_of(1);
	struct practice_set *set = practice_set_new(b, 0);
	struct practice_item *st = &set->items[0];
	struct practice_progress p;

	st->box = 5;
	st->seen = st->right = st->streak_right = UINT32_MAX;
	st->due_at = 0;
	st->last_at = INT64_MAX - 5;
	practice_record(set, NULL, 0, INT64_MAX - 1, true, INT64_MAX);
	cr_expect_eq(st->seen, UINT32_MAX);
	cr_expect_eq(st->right, UINT32_MAX);
	cr_expect_eq(st->due_at, INT64_MAX, "due never, not wrapped");
	cr_expect_eq(set->person.time_us, PRACTICE_RT_CAP_US, "capped");
	practice_record(set, NULL, 0, 0, true, -7);
	cr_expect_eq(set->person.time_us, PRACTICE_RT_CAP_US,
		     "negative time adds nothing");
	/* a box out of range in memory */
	st->box = 200;
	st->due_at = 0;
	practice_answer(st, INT64_MAX, true);
	cr_expect_eq(st->box, 5);
	set->person.right = UINT64_MAX;
	set->person.time_us = INT64_MAX;
	practice_record(set, NULL, 0, INT64_MAX, true, 1000);
	cr_expect_eq(set->person.right, UINT64_MAX);
	cr_expect_eq(set->person.time_us, INT64_MAX);
	cr_assert_eq(practice_progress_init(&p, b), 0);
	cr_assert_eq(practice_progress_add(&p, set, INT64_MAX), 0);
	cr_expect_eq(practice_accuracy(&p.all), 1000);
	practice_progress_clear(&p);
	cr_expect_eq(practice_permille(UINT64_MAX, UINT64_MAX), 1000);
	cr_expect_eq(practice_permille(1, 3), 333);
	cr_expect_eq(practice_permille(2, 3), 667);
	cr_expect_eq(practice_permille(5, 0), 0);
	practice_set_free(set);
	bank_free(b);
}

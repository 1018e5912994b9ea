/* Tests of quiz practice's model (client/model_practice.c) and its
 * plain-text progress (client/pstats.c): envelopes built in C are fed as
 * practice.c does, with local monotonic times, and the model checked after
 * each: the start and its refusals, a question without and with a timer,
 * the answer keys, "I don't know", a re-sent question, right and wrong
 * results, stale and hostile messages, the wait, the spans of "back in 3
 * days", --kinds, and the --stats text with its columns aligned. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_practice.h"
#include "pstats.h"

#define SEC 1000000ULL
#define MIN (60 * SEC)
#define HR  (60 * MIN)
#define DAY (24 * HR)

static struct pmodel P;

/* Feeds one envelope of case bc carrying body, at local time now. */
static int feed(Quiz__V1__Envelope__BodyCase bc, void *body, uint32_t start,
		uint64_t now)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;

	env.body_case = bc;
	switch (bc) {
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		env.error = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_READY:
		env.practice_ready = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION:
		env.practice_question = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_RESULT:
		env.practice_result = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_WAIT:
		env.practice_wait = body;
		break;
	default:
		break;
	}
	return pmodel_apply(&P, &env, start, now);
}

/* A PracticeReady for 张三 of 一支部 with token tok. */
static int ready(const char *tok)
{
	Quiz__V1__PracticeReady r = QUIZ__V1__PRACTICE_READY__INIT;
	char *cats[] = {"党章党规", "党史"};

	r.person_id = 7;
	r.person_token = (char *)tok;
	r.nickname = "张三";
	r.team = "一支部";
	r.created = true;
	r.sitting = 3;
	r.items = 125;
	r.due = 2;
	r.fresh = 120;
	r.review = 1;
	r.n_categories = 2;
	r.categories = cats;
	return feed(QUIZ__V1__ENVELOPE__BODY_PRACTICE_READY, &r, 0, 0);
}

static char *tf_opts[] = {"正确", "错误"};
static char *abcd[] = {"甲", "乙", "丙", "丁"};

/* PracticeQuestion index idx of kind at local now; limit_ms 0: no timer
 * (the server clock is far from ours: it must not matter). */
static int question(uint32_t idx, int kind, uint32_t limit_ms, uint64_t now)
{
	Quiz__V1__PracticeQuestion pq = QUIZ__V1__PRACTICE_QUESTION__INIT;
	Quiz__V1__Question q = QUIZ__V1__QUESTION__INIT;
	uint64_t srv = 5000 * SEC;

	q.index = idx;
	q.kind = (Quiz__V1__QuestionKind)kind;
	q.stem = "民主集中制是党的根本组织原则。";
	if (kind == QUIZ__V1__QUESTION_KIND__TRUE_FALSE) {
		q.n_options = 2;
		q.options = tf_opts;
	} else if (kind != QUIZ__V1__QUESTION_KIND__FILL) {
		q.n_options = 4;
		q.options = abcd;
	}
	q.category = "党章党规";
	q.reveal_at_us = q.sent_at_us = srv;
	q.time_limit_ms = limit_ms;
	q.deadline_at_us = limit_ms ? srv + limit_ms * 1000ULL : 0;
	pq.question = &q;
	pq.item_id = "q017";
	pq.why = QUIZ__V1__PRACTICE_WHY__WHY_NEW;
	pq.box = 0;
	pq.review = 1;
	return feed(QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION, &pq, 0, now);
}

/* PracticeResult for idx. */
static int result(uint32_t idx, bool correct, uint32_t choice)
{
	Quiz__V1__PracticeResult r = QUIZ__V1__PRACTICE_RESULT__INIT;
	uint32_t cc[1] = {choice};
	uint32_t src[2] = {12, 15};

	r.question_index = idx;
	r.correct = correct;
	r.n_correct_choices = 1;
	r.correct_choices = cc;
	r.explanation = "见党章第十条。";
	r.n_sources = 2;
	r.sources = src;
	r.response_time_us = 2300000;
	r.box = correct ? 1 : 1;
	r.due_unix_us = correct ? 1764547260000000ULL : 1764546660000000ULL;
	r.in_review = !correct;
	r.streak = correct ? 1 : 0;
	r.review = correct ? 1 : 2;
	return feed(QUIZ__V1__ENVELOPE__BODY_PRACTICE_RESULT, &r, 0, 0);
}

static void setup(void)
{
	pmodel_init(&P, "张三", "一支部", PMODEL_SCHEDULE);
}

Test(pmodel, ready_asks_for_the_first_question, .init = setup)
{
	int f;

	cr_expect_eq(P.screen, PSCREEN_CONNECTING);
	f = ready("0123456789abcdef0123456789abcdef");
	cr_expect(f & PMODEL_READY);
	cr_expect(f & PMODEL_NEXT);
	cr_expect(P.ready);
	cr_expect_str_eq(P.token, "0123456789abcdef0123456789abcdef");
	cr_expect_str_eq(P.nick, "张三");
	cr_expect_str_eq(P.team, "一支部");
	cr_expect_eq(P.items, 125);
	cr_expect_eq(P.review, 1);
	cr_expect_eq(P.n_cats, 2);
	cr_expect_str_eq(P.cats[1], "党史");
	cr_expect_eq(P.screen, PSCREEN_LOADING);
}

Test(pmodel, a_hostile_token_is_not_kept, .init = setup)
{
	char longtok[200];

	ready("abc\x1b]52;c;x\x07");
	cr_expect_str_eq(P.token, "", "control characters: not a token");
	memset(longtok, 'a', sizeof(longtok) - 1);
	longtok[sizeof(longtok) - 1] = '\0';
	ready(longtok);
	cr_expect_str_eq(P.token, "", "too long: not a token");
	ready("ab cd");
	cr_expect_str_eq(P.token, "");
}

Test(pmodel, refused_start_and_other_errors, .init = setup)
{
	Quiz__V1__Error e = QUIZ__V1__ERROR__INIT;
	int f;

	e.code = QUIZ__V1__ERROR_CODE__NAME_TAKEN;
	e.ref_seq = 4;
	e.message = "taken";
	f = feed(QUIZ__V1__ENVELOPE__BODY_ERROR, &e, 5, 0);
	cr_expect_not(f & PMODEL_REFUSED, "not about the start");
	cr_expect_eq(P.refused, 0);
	f = feed(QUIZ__V1__ENVELOPE__BODY_ERROR, &e, 4, 0);
	cr_expect(f & PMODEL_REFUSED);
	cr_expect_eq(P.refused, QUIZ__V1__ERROR_CODE__NAME_TAKEN);
	e.code = QUIZ__V1__ERROR_CODE__WRONG_PIN;
	feed(QUIZ__V1__ENVELOPE__BODY_ERROR, &e, 4, 0);
	cr_expect_eq(P.refused, QUIZ__V1__ERROR_CODE__WRONG_PIN);
}

Test(pmodel, no_timer_no_deadline_and_the_live_keys, .init = setup)
{
	Quiz__V1__Answer a;
	uint32_t ch[MODEL_OPTIONS_MAX];
	uint64_t now = 10 * SEC;
	int f;

	ready("tok");
	f = question(0, QUIZ__V1__QUESTION_KIND__SINGLE, 0, now);
	cr_expect(f & MODEL_REDRAW);
	cr_expect_eq(P.screen, PSCREEN_QUESTION);
	cr_expect_not(P.timer);
	cr_expect_eq(P.why, PMODEL_WHY_NEW);
	cr_expect_str_eq(P.item_id, "q017");
	cr_expect_eq(P.q.n_options, 4);
	cr_expect(pmodel_pending(&P));
	/* an hour later the keys still answer: no speed pressure */
	cr_expect_eq(pmodel_expire(&P, now + HR), 0);
	f = pmodel_key(&P, 'c', now + HR);
	cr_expect(f & MODEL_ANSWER);
	cr_assert_eq(pmodel_answer(&P, &a, ch), 0);
	cr_expect_eq(a.question_index, 0);
	cr_expect_eq(a.n_choices, 1);
	cr_expect_eq(a.choices[0], 2);
	/* locked: no second answer */
	cr_expect_eq(pmodel_key(&P, 'a', now + HR), 0);
}

Test(pmodel, right_result_marks_the_options, .init = setup)
{
	uint64_t now = 10 * SEC;

	ready("tok");
	question(0, QUIZ__V1__QUESTION_KIND__SINGLE, 0, now);
	pmodel_key(&P, '3', now);
	cr_expect_eq(result(0, true, 2) & MODEL_REDRAW, MODEL_REDRAW);
	cr_expect_eq(P.screen, PSCREEN_RESULT);
	cr_expect(P.correct);
	cr_expect_eq(P.q.correct_mask, 1u << 2);
	cr_expect_eq(P.q.locked_mask, 1u << 2);
	cr_expect_str_eq(P.q.explanation, "见党章第十条。");
	cr_expect_eq(P.n_sources, 2);
	cr_expect_eq(P.sources[1], 15);
	cr_expect_eq(P.answered, 1);
	cr_expect_eq(P.right, 1);
	cr_expect_eq(P.streak, 1);
	cr_expect_not(pmodel_pending(&P));
	/* the same result again is stale */
	cr_expect_eq(result(0, true, 2), 0);
	cr_expect_eq(P.answered, 1);
}

Test(pmodel, wrong_result_goes_to_the_review_book, .init = setup)
{
	uint64_t now = 10 * SEC;

	ready("tok");
	question(0, QUIZ__V1__QUESTION_KIND__TRUE_FALSE, 0, now);
	pmodel_key(&P, 'b', now);
	result(0, false, 0);
	cr_expect_not(P.correct);
	cr_expect(P.in_review);
	cr_expect_eq(P.review, 2);
	cr_expect_eq(P.q.correct_mask, 1u);
	cr_expect_eq(P.q.locked_mask, 2u);
	cr_expect_eq(P.right, 0);
	cr_expect_eq(P.answered, 1);
	/* the next question (index 1) is a new one */
	question(1, QUIZ__V1__QUESTION_KIND__SINGLE, 0, now);
	cr_expect_eq(P.screen, PSCREEN_QUESTION);
	cr_expect_not(P.q.locked);
	cr_expect_not(P.have_result);
	cr_expect_eq(P.q.correct_mask, 0);
}

Test(pmodel, result_for_another_question_is_ignored, .init = setup)
{
	ready("tok");
	question(3, QUIZ__V1__QUESTION_KIND__SINGLE, 0, SEC);
	pmodel_key(&P, 'a', SEC);
	cr_expect_eq(result(2, true, 0), 0);
	cr_expect_eq(P.screen, PSCREEN_QUESTION);
	cr_expect_not(P.have_result);
}

Test(pmodel, resent_question_keeps_and_resends_the_answer, .init = setup)
{
	int f;

	ready("tok");
	question(0, QUIZ__V1__QUESTION_KIND__MULTI, 0, SEC);
	pmodel_key(&P, 'a', SEC);
	pmodel_key(&P, 'c', SEC);
	f = pmodel_key(&P, '\n', SEC);
	cr_expect(f & MODEL_ANSWER);
	f = question(0, QUIZ__V1__QUESTION_KIND__MULTI, 0, 2 * SEC);
	cr_expect(f & MODEL_ANSWER, "locked, not marked: send again");
	cr_expect(P.q.locked);
	cr_expect_eq(P.q.locked_mask, 5u);
}

Test(pmodel, dont_know_sends_an_empty_answer, .init = setup)
{
	Quiz__V1__Answer a;
	uint32_t ch[MODEL_OPTIONS_MAX];
	int f;

	ready("tok");
	question(0, QUIZ__V1__QUESTION_KIND__SINGLE, 0, SEC);
	f = pmodel_key(&P, '?', SEC);
	cr_expect(f & MODEL_ANSWER);
	cr_expect(P.dont_know);
	cr_assert_eq(pmodel_answer(&P, &a, ch), 0);
	cr_expect_eq(a.n_choices, 0);
	cr_expect(a.text == NULL || a.text[0] == '\0');
	/* a fill-in: Enter on nothing typed is "I don't know" */
	result(0, false, 0);
	question(1, QUIZ__V1__QUESTION_KIND__FILL, 0, SEC);
	cr_expect_eq(model_fill_input(&P.q, " "), MODEL_REDRAW);
	f = pmodel_key(&P, '\n', SEC);
	cr_expect(f & MODEL_ANSWER);
	cr_assert_eq(pmodel_answer(&P, &a, ch), 0);
	cr_expect(a.text == NULL || a.text[0] == '\0');
	/* typed text goes as typed */
	result(1, false, 0);
	question(2, QUIZ__V1__QUESTION_KIND__FILL, 0, SEC);
	model_fill_input(&P.q, "群");
	model_fill_input(&P.q, "众");
	cr_expect(pmodel_key(&P, '\n', SEC) & MODEL_ANSWER);
	cr_assert_eq(pmodel_answer(&P, &a, ch), 0);
	cr_expect_str_eq(a.text, "群众");
}

Test(pmodel, timer_counts_from_arrival_and_expires, .init = setup)
{
	Quiz__V1__Answer a;
	uint32_t ch[MODEL_OPTIONS_MAX];
	uint64_t now = 50 * SEC;
	Quiz__V1__Error e = QUIZ__V1__ERROR__INIT;
	int f, i;

	ready("tok");
	question(0, QUIZ__V1__QUESTION_KIND__SINGLE, 10000, now);
	cr_expect(P.timer);
	cr_expect_eq(P.q.deadline_at, now + 10 * SEC);
	cr_expect_eq(model_time_left_pm(&P.q, now + 5 * SEC), 500);
	cr_expect_eq(pmodel_expire(&P, now + 9 * SEC), 0);
	/* after the deadline no key answers; the timer sends an empty one */
	cr_expect_eq(pmodel_key(&P, 'a', now + 11 * SEC), 0);
	f = pmodel_expire(&P, now + 10 * SEC);
	cr_expect(f & MODEL_ANSWER);
	cr_expect(P.expired);
	cr_assert_eq(pmodel_answer(&P, &a, ch), 0);
	cr_expect_eq(a.n_choices, 0);
	cr_expect_eq(pmodel_expire(&P, now + 12 * SEC), 0, "sent once");
	/* refused (storage): sent again, at most PMODEL_EXPIRE_MAX times */
	e.code = QUIZ__V1__ERROR_CODE__STORAGE_UNAVAILABLE;
	for (i = 1; i < PMODEL_EXPIRE_MAX; i++) {
		feed(QUIZ__V1__ENVELOPE__BODY_ERROR, &e, 0, 0);
		cr_expect_not(P.q.locked);
		cr_expect(pmodel_expire(&P, now + 13 * SEC) & MODEL_ANSWER);
	}
	feed(QUIZ__V1__ENVELOPE__BODY_ERROR, &e, 0, 0);
	cr_expect_eq(pmodel_expire(&P, now + 14 * SEC), 0);
}

Test(pmodel, resent_timer_question_keeps_its_time, .init = setup)
{
	Quiz__V1__PracticeQuestion pq = QUIZ__V1__PRACTICE_QUESTION__INIT;
	Quiz__V1__Question q = QUIZ__V1__QUESTION__INIT;

	ready("tok");
	/* re-sent 4 s into a 10 s question: 6 s left from arrival */
	q.index = 0;
	q.n_options = 2;
	q.options = tf_opts;
	q.kind = QUIZ__V1__QUESTION_KIND__TRUE_FALSE;
	q.reveal_at_us = 1000 * SEC;
	q.sent_at_us = 1004 * SEC;
	q.deadline_at_us = 1010 * SEC;
	q.time_limit_ms = 10000;
	pq.question = &q;
	feed(QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION, &pq, 0, 100 * SEC);
	cr_expect_eq(P.q.deadline_at, 106 * SEC);
	cr_expect_eq(P.q.reveal_at, 96 * SEC);
	/* a deadline past the limit is held to the limit */
	q.index = 1;
	q.deadline_at_us = 9999 * SEC;
	feed(QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION, &pq, 0, 200 * SEC);
	cr_expect_eq(P.q.deadline_at, 210 * SEC);
}

Test(pmodel, hostile_result_is_clamped, .init = setup)
{
	Quiz__V1__PracticeResult r = QUIZ__V1__PRACTICE_RESULT__INIT;
	uint32_t cc[3] = {1, 7, 4000000000u};
	uint32_t src[100];
	unsigned i;

	for (i = 0; i < 100; i++)
		src[i] = i;
	ready("tok");
	question(0, QUIZ__V1__QUESTION_KIND__TRUE_FALSE, 0, SEC);
	pmodel_key(&P, 'a', SEC);
	r.question_index = 0;
	r.n_correct_choices = 3;
	r.correct_choices = cc;
	r.n_sources = 100;
	r.sources = src;
	r.explanation = "a\x1b[2Jb";
	feed(QUIZ__V1__ENVELOPE__BODY_PRACTICE_RESULT, &r, 0, 0);
	cr_expect_eq(P.q.correct_mask, 2u, "only options that exist");
	cr_expect_eq(P.n_sources, PMODEL_SOURCES_MAX);
	cr_expect_null(strchr(P.q.explanation, '\x1b'));
}

Test(pmodel, questions_before_ready_are_ignored, .init = setup)
{
	cr_expect_eq(question(0, QUIZ__V1__QUESTION_KIND__SINGLE, 0, SEC), 0);
	cr_expect_eq(P.screen, PSCREEN_CONNECTING);
	/* a new sitting: a late question of the old one is not shown */
	ready("tok");
	question(0, QUIZ__V1__QUESTION_KIND__SINGLE, 0, SEC);
	pmodel_key(&P, 'a', SEC);
	pmodel_restart(&P, PMODEL_REVIEW);
	cr_expect_eq(P.mode, PMODEL_REVIEW);
	cr_expect_eq(P.screen, PSCREEN_LOADING);
	cr_expect_eq(question(0, QUIZ__V1__QUESTION_KIND__SINGLE, 0, SEC), 0);
	ready("tok");
	cr_expect(question(0, QUIZ__V1__QUESTION_KIND__SINGLE, 0, SEC) &
		  MODEL_REDRAW);
	cr_expect_not(P.q.locked, "index 0 of the new sitting is new");
}

Test(pmodel, wait_nothing_due, .init = setup)
{
	Quiz__V1__PracticeWait w = QUIZ__V1__PRACTICE_WAIT__INIT;

	ready("tok");
	w.next_due_unix_us = 1764547260000000ULL;
	feed(QUIZ__V1__ENVELOPE__BODY_PRACTICE_WAIT, &w, 0, 0);
	cr_expect_eq(P.screen, PSCREEN_WAIT);
	cr_expect_not(P.wait_empty);
	cr_expect_eq(P.next_due_unix_us, 1764547260000000ULL);
	cr_expect_not(pmodel_pending(&P));
	w.empty = true;
	w.next_due_unix_us = 0;
	feed(QUIZ__V1__ENVELOPE__BODY_PRACTICE_WAIT, &w, 0, 0);
	cr_expect(P.wait_empty);
}

Test(pmodel, spans)
{
	uint64_t t = 1764547260000000ULL;
	uint32_t n;

	cr_expect_eq(pmodel_span(t + 29 * SEC, t, &n), PUNIT_NOW);
	cr_expect_eq(pmodel_span(t - DAY, t, &n), PUNIT_NOW, "overdue");
	cr_expect_eq(pmodel_span(t + MIN, t, &n), PUNIT_MIN);
	cr_expect_eq(n, 1);
	/* the relearning minute, read a few ms after the commit */
	cr_expect_eq(pmodel_span(t + MIN - 40000, t, &n), PUNIT_MIN);
	cr_expect_eq(n, 1);
	cr_expect_eq(pmodel_span(t + 10 * MIN + 2 * SEC, t, &n), PUNIT_MIN);
	cr_expect_eq(n, 10);
	cr_expect_eq(pmodel_span(t + 59 * MIN + 50 * SEC, t, &n), PUNIT_HOUR);
	cr_expect_eq(n, 1);
	cr_expect_eq(pmodel_span(t + 5 * HR, t, &n), PUNIT_HOUR);
	cr_expect_eq(n, 5);
	cr_expect_eq(pmodel_span(t + DAY, t, &n), PUNIT_DAY);
	cr_expect_eq(n, 1);
	cr_expect_eq(pmodel_span(t + 3 * DAY - 5 * SEC, t, &n), PUNIT_DAY);
	cr_expect_eq(n, 3);
	cr_expect_eq(pmodel_span(t + 21 * DAY, t, &n), PUNIT_DAY);
	cr_expect_eq(n, 21);
	cr_expect_eq(pmodel_span(0, t, &n), PUNIT_NEVER);
	cr_expect_eq(pmodel_span(UINT64_MAX, t, &n), PUNIT_NEVER);
	cr_expect_eq(pmodel_span((uint64_t)INT64_MAX, t, &n), PUNIT_NEVER);
}

Test(pmodel, kinds)
{
	cr_expect_eq(pmodel_parse_kinds("single"), 1);
	cr_expect_eq(pmodel_parse_kinds("single,multi,tf,fill"), 15);
	cr_expect_eq(pmodel_parse_kinds("tf,true-false"), 4);
	cr_expect_eq(pmodel_parse_kinds("fill,blank"), 8);
	cr_expect_eq(pmodel_parse_kinds(""), -1);
	cr_expect_eq(pmodel_parse_kinds("single,"), -1);
	cr_expect_eq(pmodel_parse_kinds(",single"), -1);
	cr_expect_eq(pmodel_parse_kinds("singles"), -1);
	cr_expect_eq(pmodel_parse_kinds("sing"), -1);
	cr_expect_eq(pmodel_parse_kinds(NULL), -1);
}

/* --- pstats ---------------------------------------------------------- */

/* The text pstats_print writes (static buffer). */
static const char *printed(const struct pstats *st, const char *server)
{
	static char buf[16384];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	cr_assert_not_null(f);
	pstats_print(f, st, server);
	fclose(f);
	return buf;
}

Test(pstats, rates_and_durations)
{
	char b[64];

	pstats_rate(b, sizeof(b), 333);
	cr_expect_str_eq(b, "33.3%");
	pstats_rate(b, sizeof(b), 1000);
	cr_expect_str_eq(b, "100.0%");
	pstats_rate(b, sizeof(b), 5000);
	cr_expect_str_eq(b, "100.0%");
	pstats_rate(b, sizeof(b), 0);
	cr_expect_str_eq(b, "0.0%");
	pstats_duration(b, sizeof(b), 45 * SEC);
	cr_expect_str_eq(b, "45 s");
	pstats_duration(b, sizeof(b), 12 * MIN + 30 * SEC);
	cr_expect_str_eq(b, "12 min");
	pstats_duration(b, sizeof(b), HR + 5 * MIN);
	cr_expect_str_eq(b, "1 h 05 min");
}

Test(pstats, person_table_aligned_in_columns)
{
	Quiz__V1__PracticeStats ps = QUIZ__V1__PRACTICE_STATS__INIT;
	Quiz__V1__PersonProgress me = QUIZ__V1__PERSON_PROGRESS__INIT;
	Quiz__V1__CategoryProgress all = QUIZ__V1__CATEGORY_PROGRESS__INIT,
				   c1 = QUIZ__V1__CATEGORY_PROGRESS__INIT,
				   c2 = QUIZ__V1__CATEGORY_PROGRESS__INIT;
	Quiz__V1__CategoryProgress *cats[2] = {&c1, &c2};
	struct pstats *st = malloc(sizeof(*st));
	const char *out;
	const char *l1, *l2;

	cr_assert_not_null(st);
	c1.category = "党章党规";
	c1.items = 40;
	c1.seen = 12;
	c1.mastered = 3;
	c1.review = 2;
	c1.right = 10;
	c1.wrong = 2;
	c1.mastery_permille = 75;
	c1.accuracy_permille = 833;
	c2.category = "";
	c2.items = 5;
	all.category = "*";
	all.items = 45;
	all.seen = 12;
	all.mastered = 3;
	all.review = 2;
	all.right = 10;
	all.wrong = 2;
	all.mastery_permille = 67;
	all.accuracy_permille = 833;
	me.nickname = "张三";
	me.team = "一支部";
	me.persons = 1;
	me.all = &all;
	me.n_categories = 2;
	me.categories = cats;
	me.time_us = HR + 5 * MIN;
	me.streak = 3;
	me.best_streak = 8;
	me.days = 2;
	me.best_days = 5;
	ps.total = &me;
	pstats_from_proto(st, &ps, false);
	cr_expect_eq(st->n_cats, 2);
	out = printed(st, "127.0.0.1:7878");
	cr_expect(strstr(out, "张三 (一支部) on 127.0.0.1:7878\n") == out, "%s",
		  out);
	cr_expect_not_null(strstr(out, "Time practised 1 h 05 min · last "
				       "never\n"),
			   "%s", out);
	cr_expect_not_null(strstr(out, "Answers 12 (right 10, accuracy 83.3%)\n"
				       "Streak 3 (best 8) · days in a row 2 "
				       "(best 5)\n\n"),
			   "%s", out);
	/* the columns line up in terminal columns: 党章党规 is 8 wide */
	cr_expect_not_null(
	    strstr(out, "Category       Items  Seen  Mastered  Mastery  "
			"Accuracy  Review book\n"
			"党章党规          40    12         3     7.5%     "
			"83.3%            2\n"
			"(no category)      5     0         0     0.0%      "
			"0.0%            0\n"
			"All               45    12         3     6.7%     "
			"83.3%            2\n"),
	    "%s", out);
	cr_expect_null(strstr(out, "Member"), "no members for a person");
	(void)l1;
	(void)l2;
	free(st);
}

Test(pstats, team_board_lists_members)
{
	Quiz__V1__PracticeStats ps = QUIZ__V1__PRACTICE_STATS__INIT;
	Quiz__V1__PersonProgress tot = QUIZ__V1__PERSON_PROGRESS__INIT,
				 m1 = QUIZ__V1__PERSON_PROGRESS__INIT,
				 m2 = QUIZ__V1__PERSON_PROGRESS__INIT;
	Quiz__V1__PersonProgress *mem[2] = {&m1, &m2};
	Quiz__V1__CategoryProgress a1 = QUIZ__V1__CATEGORY_PROGRESS__INIT,
				   a2 = QUIZ__V1__CATEGORY_PROGRESS__INIT;
	struct pstats *st = malloc(sizeof(*st));
	const char *out;

	cr_assert_not_null(st);
	tot.team = "一支部";
	tot.persons = 2;
	m1.nickname = "张三";
	m1.team = "一支部";
	a1.right = 8;
	a1.wrong = 2;
	a1.seen = 9;
	a1.accuracy_permille = 800;
	m1.all = &a1;
	m1.time_us = 12 * MIN;
	m1.days = 2;
	m2.nickname = "Bob";
	m2.team = "一支部";
	a2.accuracy_permille = 4000; /* hostile: held to 100% */
	m2.all = &a2;
	ps.total = &tot;
	ps.n_members = 2;
	ps.members = mem;
	pstats_from_proto(st, &ps, true);
	cr_expect_eq(st->n_members, 2);
	out = printed(st, "h:1");
	cr_expect(strstr(out, "Team 一支部 on h:1: 2 members\n") == out, "%s",
		  out);
	cr_expect_not_null(strstr(out,
				  "Member  Answers  Accuracy  Seen  "
				  "Mastered  Review    Time  Days  "
				  "Latest\n"
				  "张三         10     80.0%     9         "
				  "0       0  12 min     2   never\n"
				  "Bob           0    100.0%     0         "
				  "0       0     0 s     0   never\n"),
			   "%s", out);
	free(st);
}

Test(pstats, missing_total_and_hostile_names)
{
	Quiz__V1__PracticeStats ps = QUIZ__V1__PRACTICE_STATS__INIT;
	Quiz__V1__PersonProgress me = QUIZ__V1__PERSON_PROGRESS__INIT;
	struct pstats *st = malloc(sizeof(*st));
	const char *out;

	cr_assert_not_null(st);
	pstats_from_proto(st, &ps, false);
	cr_expect_eq(st->total.all.items, 0);
	me.nickname = "x\x1b]0;pwn\x07y";
	ps.total = &me;
	pstats_from_proto(st, &ps, false);
	out = printed(st, "s");
	cr_expect_null(strchr(out, '\x1b'), "%s", out);
	cr_expect_null(strchr(out, '\x07'));
	free(st);
}

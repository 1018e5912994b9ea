/* quiz-pscenes: the practice screens of `quiz practice` drawn from its
 * model fed with practice messages built here, no server involved
 * (tests/tui/pscenes.sh captures them in tmux at 80x24, English and
 * zh_CN). The clocks are fixed (local NOW, wall clock WALL) so that bars,
 * spans and dates are stable; keys go to the model as in practice.c, and
 * an answer is marked by the PracticeResult a server would send. 'q'
 * quits.
 *
 * Usage: quiz-pscenes SCENE */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "model_practice.h"
#include "pstats.h"
#include "ui.h"

#define SEC  1000000ULL
#define NOW  (1000 * SEC)
#define WALL 1764547200000000ULL /* 2025-12-01 00:00:00 UTC */

static struct pmodel P;
static struct ui_pview V;
static bool answer_right; /* the scene's answer is marked right */

#define FEED(field, bc, body)                                                  \
	do {                                                                   \
		Quiz__V1__Envelope e_ = QUIZ__V1__ENVELOPE__INIT;              \
		e_.body_case = QUIZ__V1__ENVELOPE__BODY_##bc;                  \
		e_.field = (body);                                             \
		pmodel_apply(&P, &e_, 0, NOW);                                 \
	} while (0)

static char *tf[] = {"正确", "错误"};
static char *four[] = {"坚持党的全面领导", "坚持以人民为中心",
		       "坚持全面深化改革", "坚持新发展理念"};

/* PracticeReady for 张三 of 机关党委第一党支部, 错题本 review. */
static void ready(uint32_t review)
{
	Quiz__V1__PracticeReady r = QUIZ__V1__PRACTICE_READY__INIT;
	Quiz__V1__Welcome w = QUIZ__V1__WELCOME__INIT;
	static char *cats[] = {"党章党规", "党的理论", "治国理政", "组织建设",
			       "作风建设", "组织生活", "党员管理", "纪律廉政"};

	FEED(welcome, WELCOME, &w);
	r.person_token = "0123456789abcdef0123456789abcdef";
	r.nickname = "张三";
	r.team = "机关党委第一党支部";
	r.items = 125;
	r.review = review;
	r.categories = cats;
	r.n_categories = 8;
	FEED(practice_ready, PRACTICE_READY, &r);
}

/* A question of kind; limit_ms 0: no timer (else 4 s of it gone). */
static void question(int kind, uint32_t limit_ms, int why, uint32_t box)
{
	Quiz__V1__PracticeQuestion pq = QUIZ__V1__PRACTICE_QUESTION__INIT;
	Quiz__V1__Question q = QUIZ__V1__QUESTION__INIT;

	q.index = 4;
	q.kind = (Quiz__V1__QuestionKind)kind;
	q.category = "党章党规";
	if (kind == QUIZ__V1__QUESTION_KIND__TRUE_FALSE) {
		q.stem = "党员干部必须增强自我净化、自我完善、自我革新、"
			 "自我提高能力。";
		q.options = tf;
		q.n_options = 2;
	} else if (kind == QUIZ__V1__QUESTION_KIND__FILL) {
		q.stem = "民主集中制既是党的根本组织原则，也是____在党的生活"
			 "中的运用。";
	} else {
		q.stem = "新时代坚持和发展中国特色社会主义的基本方略包括"
			 "____。（多选）";
		q.options = four;
		q.n_options = 4;
	}
	q.reveal_at_us = 500 * SEC;
	q.sent_at_us = limit_ms ? 504 * SEC : 500 * SEC;
	q.time_limit_ms = limit_ms;
	q.deadline_at_us = limit_ms ? 500 * SEC + limit_ms * 1000ULL : 0;
	pq.question = &q;
	pq.item_id = "s001-3";
	pq.why = (Quiz__V1__PracticeWhy)why;
	pq.box = box;
	pq.review = 1;
	FEED(practice_question, PRACTICE_QUESTION, &pq);
}

/* The PracticeResult of the answer on screen. */
static void result(bool correct, bool in_review, bool left, uint64_t due)
{
	Quiz__V1__PracticeResult r = QUIZ__V1__PRACTICE_RESULT__INIT;
	uint32_t cc[2] = {0, 3}, src[2] = {12, 13};

	r.question_index = 4;
	r.correct = correct;
	r.n_correct_choices = P.q.kind == QUIZ__V1__QUESTION_KIND__MULTI  ? 2
			      : P.q.kind == QUIZ__V1__QUESTION_KIND__FILL ? 0
									  : 1;
	r.correct_choices = cc;
	r.correct_text = "群众路线";
	r.explanation = "民主集中制是指：民主基础上的集中和集中指导下的民主"
			"相结合。它既是党的根本组织原则，也是群众路线在党的"
			"生活中的运用。";
	r.n_sources = 2;
	r.sources = src;
	r.response_time_us = 3400000;
	r.box = correct ? 3 : 1;
	r.due_unix_us = due;
	r.in_review = in_review;
	r.left_review = left;
	r.streak = correct ? 4 : 0;
	r.review = in_review ? 2 : 1;
	FEED(practice_result, PRACTICE_RESULT, &r);
}

/* A PracticeStats of the person or the team into the progress page. */
static void stats(bool team)
{
	static struct pstats st;
	Quiz__V1__PracticeStats ps = QUIZ__V1__PRACTICE_STATS__INIT;
	Quiz__V1__PersonProgress tot = QUIZ__V1__PERSON_PROGRESS__INIT,
				 m1 = QUIZ__V1__PERSON_PROGRESS__INIT,
				 m2 = QUIZ__V1__PERSON_PROGRESS__INIT;
	Quiz__V1__PersonProgress *mem[2] = {&m1, &m2};
	Quiz__V1__CategoryProgress all = QUIZ__V1__CATEGORY_PROGRESS__INIT,
				   c[3], *cp[3], a1, a2;
	static const char *names[3] = {"党章党规", "党史学习教育", ""};
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	for (i = 0; i < 3; i++) {
		quiz__v1__category_progress__init(&c[i]);
		c[i].category = (char *)names[i];
		c[i].items = 40 + (uint32_t)i;
		c[i].seen = 12 - (uint64_t)i * 4;
		c[i].mastered = 3 - (uint64_t)i;
		c[i].review = (uint64_t)i;
		c[i].right = 10;
		c[i].wrong = 2 + (uint64_t)i;
		c[i].mastery_permille = 75 - (uint32_t)i * 25;
		c[i].accuracy_permille = 833 - (uint32_t)i * 64;
		cp[i] = &c[i];
	}
	all.items = 125;
	all.seen = 24;
	all.mastered = 6;
	all.review = 3;
	all.right = 30;
	all.wrong = 9;
	all.mastery_permille = 48;
	all.accuracy_permille = 769;
	tot.nickname = team ? "" : "张三";
	tot.team = "机关党委第一党支部";
	tot.persons = team ? 2 : 1;
	tot.all = &all;
	tot.categories = cp;
	tot.n_categories = 3;
	tot.time_us = 3900 * SEC;
	tot.streak = 4;
	tot.best_streak = 9;
	tot.days = 2;
	tot.best_days = 5;
	tot.last_unix_us = WALL - 3600 * SEC;
	ps.total = &tot;
	if (team) {
		quiz__v1__category_progress__init(&a1);
		quiz__v1__category_progress__init(&a2);
		a1.right = 25;
		a1.wrong = 5;
		a1.seen = 20;
		a1.mastered = 5;
		a1.review = 2;
		a1.accuracy_permille = 833;
		a2.right = 5;
		a2.wrong = 4;
		a2.seen = 4;
		a2.mastered = 1;
		a2.review = 1;
		a2.accuracy_permille = 556;
		m1.nickname = "张三";
		m1.all = &a1;
		m1.time_us = 3000 * SEC;
		m1.days = 2;
		m1.last_unix_us = WALL - 3600 * SEC;
		m2.nickname = "Mary Ann";
		m2.all = &a2;
		m2.time_us = 900 * SEC;
		m2.days = 1;
		m2.last_unix_us = WALL - 86400 * SEC;
		ps.members = mem;
		ps.n_members = 2;
	}
	pstats_from_proto(&st, &ps, team);
	f = open_memstream(&text, &len);
	if (!f)
		exit(1);
	pstats_print(f, &st, "127.0.0.1:7878");
	fclose(f);
	V.stats_text = text;
	V.stats_team = team;
}

/* Sets up the scene. Returns 0, or -1 for an unknown name. */
static int scene(const char *name)
{
	Quiz__V1__PracticeWait w = QUIZ__V1__PRACTICE_WAIT__INIT;

	pmodel_init(&P, "张三", "机关党委第一党支部", PMODEL_SCHEDULE);
	if (strcmp(name, "connecting") == 0)
		return 0;
	ready(1);
	if (strcmp(name, "tf") == 0) {
		question(QUIZ__V1__QUESTION_KIND__TRUE_FALSE, 0, PMODEL_WHY_NEW,
			 0);
		answer_right = true;
	} else if (strcmp(name, "multi_timer") == 0) {
		question(QUIZ__V1__QUESTION_KIND__MULTI, 20000, PMODEL_WHY_DUE,
			 2);
	} else if (strcmp(name, "fill") == 0) {
		question(QUIZ__V1__QUESTION_KIND__FILL, 0, PMODEL_WHY_DUE, 3);
	} else if (strcmp(name, "right") == 0) {
		question(QUIZ__V1__QUESTION_KIND__MULTI, 0, PMODEL_WHY_DUE, 2);
		pmodel_key(&P, 'a', NOW);
		pmodel_key(&P, 'd', NOW);
		pmodel_key(&P, '\n', NOW);
		result(true, false, false, WALL + 3 * 86400 * SEC);
	} else if (strcmp(name, "wrong") == 0) {
		question(QUIZ__V1__QUESTION_KIND__TRUE_FALSE, 0, PMODEL_WHY_NEW,
			 0);
		pmodel_key(&P, 'b', NOW);
		result(false, true, false, WALL + 60 * SEC);
	} else if (strcmp(name, "wrong_fill") == 0) {
		question(QUIZ__V1__QUESTION_KIND__FILL, 0, PMODEL_WHY_REVIEW,
			 1);
		model_fill_input(&P.q, "实");
		model_fill_input(&P.q, "事");
		pmodel_key(&P, '\n', NOW);
		result(false, true, false, WALL + 60 * SEC);
	} else if (strcmp(name, "cleared") == 0) {
		P.mode = PMODEL_REVIEW;
		question(QUIZ__V1__QUESTION_KIND__TRUE_FALSE, 0,
			 PMODEL_WHY_REVIEW, 1);
		pmodel_key(&P, 'a', NOW);
		result(true, false, true, WALL + 600 * SEC);
	} else if (strcmp(name, "wait") == 0) {
		w.next_due_unix_us = WALL + 600 * SEC;
		FEED(practice_wait, PRACTICE_WAIT, &w);
	} else if (strcmp(name, "filter_empty") == 0) {
		w.empty = true;
		FEED(practice_wait, PRACTICE_WAIT, &w);
	} else if (strcmp(name, "review_empty") == 0) {
		P.mode = PMODEL_REVIEW;
		P.review = 0;
		w.empty = true;
		FEED(practice_wait, PRACTICE_WAIT, &w);
	} else if (strcmp(name, "stats") == 0 || strcmp(name, "board") == 0) {
		question(QUIZ__V1__QUESTION_KIND__TRUE_FALSE, 0, PMODEL_WHY_NEW,
			 0);
		pmodel_key(&P, 'a', NOW);
		result(true, false, false, WALL + 600 * SEC);
		stats(strcmp(name, "board") == 0);
	} else {
		return -1;
	}
	return 0;
}

/* A key as practice.c takes it; an answer is marked at once. */
static void key(wint_t k)
{
	int f;

	if (P.screen == PSCREEN_QUESTION && P.q.kind == 3 && k != '\r' &&
	    k != '\n') {
		char u[2] = {(char)k, 0};

		model_fill_input(&P.q, u);
		return;
	}
	f = pmodel_key(&P, (int)k, NOW);
	if (f & MODEL_ANSWER) {
		bool ok = answer_right && !P.dont_know; /* "?" is wrong */

		result(ok, !ok, false, WALL + (ok ? 600 : 60) * SEC);
	}
}

int main(int argc, char **argv)
{
	wint_t k;
	int rc;

	i18n_init();
	if (argc != 2 || scene(argv[1]) < 0) {
		fprintf(stderr, "usage: quiz-pscenes SCENE\n");
		return 2;
	}
	V.v.server = "127.0.0.1:7878";
	if (ui_start() < 0)
		return 1;
	for (;;) {
		ui_draw_practice(&P, &V, NOW, WALL);
		rc = ui_getkey(&k);
		if (rc == ERR) {
			napms(50);
			continue;
		}
		if (rc == OK && (k == 'q' || k == 3))
			break;
		if (rc == OK)
			key(k);
	}
	ui_stop();
	return 0;
}

/* The replies of practice (server/practice_srv.c): one person's
 * PracticeReady, PracticeQuestion, PracticeWait, PracticeResult and
 * PracticeStats, each to its own connection. practice_srv.c decides what
 * to say; this file only packs it. */
#include "push.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void push_practice_ready(struct session *ss,
			 const struct push_practice_ready *r, uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeReady m = QUIZ__V1__PRACTICE_READY__INIT;

	m.person_id = r->person_id;
	m.person_token = (char *)r->token;
	m.nickname = (char *)r->nickname;
	m.team = (char *)r->team;
	m.created = r->created;
	m.sitting = r->sitting;
	m.items = r->counts.items;
	m.due = r->counts.due;
	m.fresh = r->counts.fresh;
	m.review = r->counts.review;
	m.n_categories = r->ncategories;
	m.categories = (char **)r->categories;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_READY;
	env.practice_ready = &m;
	session_send_env(ss, &env);
}

void push_practice_question(struct session *ss,
			    const struct fmt_practice_question *q,
			    int64_t limit_us, uint32_t review, int64_t now,
			    uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeQuestion m = QUIZ__V1__PRACTICE_QUESTION__INIT;
	Quiz__V1__Question qm = QUIZ__V1__QUESTION__INIT;
	const struct item *it = q->rq->item;
	char *opts[ITEM_MAX_OPTIONS];
	unsigned i;

	for (i = 0; i < q->rq->n_options; i++)
		opts[i] = it->options[q->rq->perm[i]];
	qm.index = q->q;
	qm.count = 0;
	qm.kind = (Quiz__V1__QuestionKind)it->kind;
	qm.stem = it->stem;
	qm.n_options = q->rq->n_options;
	qm.options = opts;
	qm.reveal_at_us = (uint64_t)now;
	qm.sent_at_us = (uint64_t)now;
	qm.deadline_at_us = (uint64_t)q->deadline_us;
	qm.time_limit_ms = (uint32_t)(limit_us / 1000);
	qm.category = it->category ? it->category : "";
	m.question = &qm;
	m.item_id = it->id;
	m.why = (Quiz__V1__PracticeWhy)q->why;
	m.box = q->box;
	m.review = review;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION;
	env.practice_question = &m;
	session_send_env(ss, &env);
}

void push_practice_wait(struct session *ss, bool empty, uint64_t next_due_us,
			uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeWait w = QUIZ__V1__PRACTICE_WAIT__INIT;

	w.empty = empty;
	w.next_due_unix_us = next_due_us;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_WAIT;
	env.practice_wait = &w;
	session_send_env(ss, &env);
}

void push_practice_result(struct session *ss,
			  const struct fmt_practice_result *r,
			  const struct room_question *rq, uint32_t review,
			  uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeResult m = QUIZ__V1__PRACTICE_RESULT__INIT;
	const struct item *it = rq->item;
	uint32_t correct[ITEM_MAX_OPTIONS], sources[ITEM_MAX_SOURCES];
	char text[4 * QUIZ_FILL_MAX + 64];
	unsigned i;
	size_t n = 0;

	for (i = 0; i < rq->n_options; i++)
		if (r->correct_mask & (1u << i))
			correct[n++] = i;
	for (i = 0; i < it->n_sources && i < ITEM_MAX_SOURCES; i++)
		sources[i] = it->sources[i];
	m.question_index = r->q;
	m.correct = r->correct;
	m.timed_out = r->timed_out;
	m.n_correct_choices = n;
	m.correct_choices = correct;
	m.correct_text = push_key_text(rq, text, sizeof(text));
	m.explanation = it->explanation ? it->explanation : "";
	m.n_sources = i;
	m.sources = sources;
	m.response_time_us =
	    r->rt_us > UINT32_MAX ? UINT32_MAX : (uint32_t)r->rt_us;
	m.box = r->box;
	m.due_unix_us = r->due_at > 0 ? (uint64_t)r->due_at : 0;
	m.in_review = r->in_review;
	m.left_review = r->left_review;
	m.streak = r->streak;
	m.review = review;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_RESULT;
	env.practice_result = &m;
	session_send_env(ss, &env);
}

/* One category's figures into a message. */
static void cat_fill(const struct practice_progress *pg,
		     const struct practice_cat *c, const char *name,
		     Quiz__V1__CategoryProgress *o)
{
	quiz__v1__category_progress__init(o);
	o->category = (char *)name;
	o->items = c->items;
	o->seen = c->seen;
	o->mastered = c->mastered;
	o->review = c->review;
	o->right = c->right;
	o->wrong = c->wrong;
	o->mastery_permille = practice_mastery(pg, c);
	o->accuracy_permille = practice_accuracy(c);
}

/* A progress's totals into a PersonProgress (all: into *all). */
static void person_fill(const struct push_practice_person *pp,
			Quiz__V1__PersonProgress *o,
			Quiz__V1__CategoryProgress *all)
{
	const struct practice_progress *pg = pp->pg;

	quiz__v1__person_progress__init(o);
	o->nickname = (char *)pp->nickname;
	o->team = (char *)pp->team;
	o->persons = pg->persons;
	cat_fill(pg, &pg->all, "*", all);
	o->all = all;
	o->time_us = pg->time_us > 0 ? (uint64_t)pg->time_us : 0;
	o->streak = pg->streak;
	o->best_streak = pg->best_streak;
	o->days = pg->days;
	o->best_days = pg->best_days;
	o->last_unix_us = pg->last_at > 0 ? (uint64_t)pg->last_at : 0;
}

void push_practice_stats(struct session *ss,
			 const struct push_practice_person *total,
			 const struct push_practice_person *members, size_t n,
			 uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeStats m = QUIZ__V1__PRACTICE_STATS__INIT;
	Quiz__V1__PersonProgress tm, *mpp = NULL, **mptr = NULL;
	Quiz__V1__CategoryProgress *cats, **cptr, all, *mall = NULL;
	const struct practice_progress *pg = total->pg;
	size_t i;

	person_fill(total, &tm, &all);
	cats = xcalloc(pg->n_cat ? pg->n_cat : 1, sizeof(*cats));
	cptr = xcalloc(pg->n_cat ? pg->n_cat : 1, sizeof(*cptr));
	for (i = 0; i < pg->n_cat; i++) {
		cat_fill(pg, &pg->cat[i], pg->cat[i].name, &cats[i]);
		cptr[i] = &cats[i];
	}
	tm.n_categories = pg->n_cat;
	tm.categories = cptr;
	m.total = &tm;
	if (members) {
		mpp = xcalloc(n ? n : 1, sizeof(*mpp));
		mptr = xcalloc(n ? n : 1, sizeof(*mptr));
		mall = xcalloc(n ? n : 1, sizeof(*mall));
		for (i = 0; i < n; i++) {
			person_fill(&members[i], &mpp[i], &mall[i]);
			mptr[i] = &mpp[i];
		}
		m.n_members = n;
		m.members = mptr;
	}
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS;
	env.practice_stats = &m;
	session_send_env(ss, &env);
	free(cats);
	free(cptr);
	free(mpp);
	free(mptr);
	free(mall);
}

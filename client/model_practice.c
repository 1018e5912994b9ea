/* The practice client's model (model_practice.h): PracticeReady,
 * PracticeQuestion, PracticeResult and PracticeWait applied to struct
 * pmodel, the question itself through the live contestant's model. */
#include "model_practice.h"

#include <string.h>

#include "model_int.h"
#include "text.h"

#define MINUTE_US (60ULL * 1000000ULL)
#define HOUR_US	  (60ULL * MINUTE_US)
#define DAY_US	  (24ULL * HOUR_US)

/* Starts a model for nick of team in mode. */
void pmodel_init(struct pmodel *pm, const char *nick, const char *team,
		 int mode)
{
	memset(pm, 0, sizeof(*pm));
	model_init(&pm->q, MODE_JOIN, nick);
	model_set_team(&pm->q, team);
	copy_text(pm->nick, sizeof(pm->nick), nick);
	copy_text(pm->team, sizeof(pm->team), team);
	pm->mode = mode == PMODEL_REVIEW ? PMODEL_REVIEW : PMODEL_SCHEDULE;
	pm->screen = PSCREEN_CONNECTING;
}

/* Forgets the question on screen and its result. */
static void forget_question(struct pmodel *pm)
{
	pm->q.have_q = false;
	pm->q.locked = false;
	pm->q.phase = PHASE_LOBBY;
	pm->have_result = false;
	pm->dont_know = false;
	pm->expired = false;
	pm->expire_sends = 0;
	pm->item_id[0] = '\0';
}

/* A new sitting is being asked for in mode. */
void pmodel_restart(struct pmodel *pm, int mode)
{
	forget_question(pm);
	pm->mode = mode == PMODEL_REVIEW ? PMODEL_REVIEW : PMODEL_SCHEDULE;
	pm->ready = false;
	pm->screen = pm->screen == PSCREEN_CONNECTING ? PSCREEN_CONNECTING
						      : PSCREEN_LOADING;
}

/* PracticeReady: the person and the sitting; the first question is asked
 * for at once. */
static int apply_ready(struct pmodel *pm, const Quiz__V1__PracticeReady *r)
{
	size_t i;

	pm->ready = true;
	pm->created = r->created;
	pm->person_id = r->person_id;
	pm->sitting = r->sitting;
	/* the token is ours to present again: printable ASCII only */
	pm->token[0] = '\0';
	if (r->person_token && strlen(r->person_token) < sizeof(pm->token) &&
	    strspn(r->person_token,
		   "0123456789abcdefghijklmnopqrstuvwxyz"
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") == strlen(r->person_token))
		memcpy(pm->token, r->person_token, strlen(r->person_token) + 1);
	if (r->nickname && r->nickname[0]) {
		/* the server's names (a --token may name another person);
		 * the team goes with the name: "" is no team */
		copy_text(pm->nick, sizeof(pm->nick), r->nickname);
		copy_text(pm->q.nick, sizeof(pm->q.nick), r->nickname);
		copy_text(pm->team, sizeof(pm->team), r->team);
		model_set_team(&pm->q, pm->team);
	}
	pm->items = r->items;
	pm->due = r->due;
	pm->fresh = r->fresh;
	pm->review = r->review;
	pm->n_cats = 0;
	for (i = 0; i < r->n_categories && r->categories &&
		    pm->n_cats < PMODEL_CATS_MAX;
	     i++)
		copy_text(pm->cats[pm->n_cats++], MODEL_NAME_MAX,
			  r->categories[i]);
	forget_question(pm);
	pm->q.conn = CONN_ONLINE;
	pm->q.error[0] = '\0';
	pm->q.error_code = 0;
	pm->screen = PSCREEN_LOADING;
	return PMODEL_READY | PMODEL_NEXT | MODEL_REDRAW;
}

/* PracticeQuestion: the next item, through the live question model; the
 * same index again (PracticeNext while unanswered, a reconnect) keeps the
 * answer. */
static int apply_question(struct pmodel *pm,
			  const Quiz__V1__PracticeQuestion *pq, uint64_t now)
{
	const Quiz__V1__Question *q = pq->question;
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Question copy;
	bool same;
	int flags;

	if (!q || !pm->ready)
		return 0;
	same = pm->q.have_q && pm->q.q == q->index && !pm->have_result;
	if (!same) {
		forget_question(pm);
		pm->q.have_q = false;
	}
	/* no buzzer, turn or stake in practice, whatever the server says */
	copy = *q;
	copy.armed_at_us = 0;
	copy.turn = NULL;
	copy.stake = 0;
	copy.round_count = 0;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_QUESTION;
	env.question = &copy;
	flags = model_apply(&pm->q, &env, NULL, NULL);
	pm->q.have_round = false;
	/* the countdown from now, with the server's own durations */
	pm->timer = q->deadline_at_us != 0 && q->time_limit_ms != 0;
	pm->q.reveal_at = now;
	if (pm->timer) {
		uint64_t left = q->deadline_at_us > q->sent_at_us
				    ? q->deadline_at_us - q->sent_at_us
				    : 0;
		uint64_t limit = (uint64_t)q->time_limit_ms * 1000;
		uint64_t gone = limit > left ? limit - left : 0;

		if (left > limit)
			left = limit; /* never more than the limit */
		pm->q.reveal_at = now >= gone ? now - gone : 0;
		pm->q.deadline_at = now + left;
	} else {
		pm->q.deadline_at = UINT64_MAX;
	}
	copy_text(pm->item_id, sizeof(pm->item_id), pq->item_id);
	pm->why = (int)pq->why <= PMODEL_WHY_REVIEW && (int)pq->why >= 0
		      ? (int)pq->why
		      : PMODEL_WHY_DUE;
	pm->box = pq->box;
	pm->review = pq->review;
	pm->screen = PSCREEN_QUESTION;
	return (flags & MODEL_ANSWER) | MODEL_REDRAW;
}

/* PracticeResult: right or wrong, with the answer, the explanation and
 * the schedule. */
static int apply_result(struct pmodel *pm, const Quiz__V1__PracticeResult *r)
{
	struct model *m = &pm->q;
	size_t i;

	if (!m->have_q || m->q != r->question_index || pm->have_result)
		return 0;
	m->correct_mask = 0;
	for (i = 0; i < r->n_correct_choices && r->correct_choices; i++)
		if (r->correct_choices[i] < m->n_options)
			m->correct_mask |= 1u << r->correct_choices[i];
	copy_text(m->correct_text, sizeof(m->correct_text), r->correct_text);
	copy_lines(m->explanation, sizeof(m->explanation), r->explanation);
	m->locked = true; /* whatever was locked is what was marked */
	m->acked = true;
	m->ack_rt_us = r->response_time_us;
	m->phase = PHASE_REVEAL;
	m->error[0] = '\0';
	m->error_code = 0;
	pm->have_result = true;
	pm->correct = r->correct;
	pm->timed_out = r->timed_out;
	pm->rt_us = r->response_time_us;
	pm->r_box = r->box;
	pm->due_unix_us = r->due_unix_us;
	pm->in_review = r->in_review;
	pm->left_review = r->left_review;
	pm->streak = r->streak;
	pm->review = r->review;
	pm->n_sources = 0;
	for (i = 0; i < r->n_sources && r->sources &&
		    pm->n_sources < PMODEL_SOURCES_MAX;
	     i++)
		pm->sources[pm->n_sources++] = r->sources[i];
	if (pm->answered < UINT32_MAX)
		pm->answered++;
	if (r->correct && pm->right < UINT32_MAX)
		pm->right++;
	pm->screen = PSCREEN_RESULT;
	return MODEL_REDRAW;
}

/* PracticeWait: nothing to ask now, or nothing at all. */
static int apply_wait(struct pmodel *pm, const Quiz__V1__PracticeWait *w)
{
	if (!pm->ready)
		return 0;
	forget_question(pm);
	pm->wait_empty = w->empty;
	pm->next_due_unix_us = w->next_due_unix_us;
	pm->screen = PSCREEN_WAIT;
	return MODEL_REDRAW;
}

/* Applies one received envelope. */
int pmodel_apply(struct pmodel *pm, const Quiz__V1__Envelope *env,
		 uint32_t start_seq, uint64_t now)
{
	if (!env)
		return 0;
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		/* a session, not a seat: never a room of ours */
		pm->q.conn = CONN_ONLINE;
		pm->q.restarting = false;
		return MODEL_REDRAW;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		if (!env->error)
			return 0;
		if (start_seq && env->error->ref_seq == start_seq) {
			pm->refused = env->error->code
					  ? (int)env->error->code
					  : QUIZ__V1__ERROR_CODE__INTERNAL;
			copy_text(pm->q.error, sizeof(pm->q.error),
				  env->error->message);
			pm->q.error_code = (int)env->error->code;
			return PMODEL_REFUSED | MODEL_REDRAW;
		}
		{
			int f = model_apply(&pm->q, env, NULL, NULL);

			/* a refused answer that may be sent again was
			 * unlocked: the keys (or the timer) send another */
			if (!pm->q.locked)
				pm->dont_know = pm->expired = false;
			return f;
		}
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_READY:
		return env->practice_ready
			   ? apply_ready(pm, env->practice_ready)
			   : 0;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION:
		return env->practice_question
			   ? apply_question(pm, env->practice_question, now)
			   : 0;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_RESULT:
		return env->practice_result
			   ? apply_result(pm, env->practice_result)
			   : 0;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_WAIT:
		return env->practice_wait ? apply_wait(pm, env->practice_wait)
					  : 0;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS:
		return env->practice_stats ? PMODEL_STATS | MODEL_REDRAW : 0;
	default:
		return 0; /* room messages are not for a practising client */
	}
}

/* Locks an empty answer: "I don't know", or the time ran out. */
static int lock_empty(struct pmodel *pm)
{
	pm->q.locked = true;
	pm->q.locked_mask = 0;
	pm->q.selected = 0;
	return MODEL_ANSWER | MODEL_REDRAW;
}

/* Whether the question on screen takes keys now. */
static bool question_open(const struct pmodel *pm, uint64_t now)
{
	return pm->screen == PSCREEN_QUESTION && pm->q.have_q &&
	       !pm->q.locked && !pm->have_result &&
	       model_phase_at(&pm->q, now) == PHASE_QUESTION &&
	       now <= pm->q.deadline_at;
}

/* A key on the question screen. */
int pmodel_key(struct pmodel *pm, int key, uint64_t now)
{
	bool fill = pm->q.kind == QUIZ__V1__QUESTION_KIND__FILL;
	bool enter = key == '\n' || key == '\r';

	if (!question_open(pm, now))
		return 0;
	if (key == '?' && !fill) {
		pm->dont_know = true;
		return lock_empty(pm);
	}
	if (fill && enter && strspn(pm->q.fill, " ") == strlen(pm->q.fill)) {
		pm->dont_know = true;
		pm->q.fill[0] = '\0';
		return lock_empty(pm);
	}
	return model_key(&pm->q, key, now);
}

/* The per-question timer at local time now. */
int pmodel_expire(struct pmodel *pm, uint64_t now)
{
	if (!pm->timer || pm->screen != PSCREEN_QUESTION || !pm->q.have_q ||
	    pm->q.locked || pm->have_result || now < pm->q.deadline_at ||
	    pm->expire_sends >= PMODEL_EXPIRE_MAX)
		return 0;
	pm->expired = true;
	pm->expire_sends++;
	pm->q.fill[0] = '\0';
	return lock_empty(pm);
}

/* Builds the Answer to send. */
int pmodel_answer(const struct pmodel *pm, Quiz__V1__Answer *a,
		  uint32_t *choices)
{
	if (!pm->q.have_q || !pm->q.locked || pm->have_result)
		return -1;
	if (pm->dont_know || pm->expired) {
		quiz__v1__answer__init(a);
		a->question_index = pm->q.q;
		return 0;
	}
	return model_answer(&pm->q, a, choices);
}

/* Whether an answer is pending. */
bool pmodel_pending(const struct pmodel *pm)
{
	return pm->screen == PSCREEN_QUESTION && pm->q.have_q &&
	       !pm->have_result;
}

/* Rounds a span to the nearest of its unit, at least 1. */
static uint32_t round_span(uint64_t d, uint64_t unit)
{
	uint64_t n = (d + unit / 2) / unit;

	if (n < 1)
		n = 1;
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Rounds the span from now_us to at_us. */
enum pmodel_unit pmodel_span(uint64_t at_us, uint64_t now_us, uint32_t *n)
{
	uint64_t d;

	*n = 0;
	if (!at_us || at_us >= (uint64_t)INT64_MAX)
		return PUNIT_NEVER;
	d = at_us > now_us ? at_us - now_us : 0;
	if (d < MINUTE_US / 2)
		return PUNIT_NOW; /* a minute is a minute from 30 s on */
	if (d < HOUR_US) {
		*n = round_span(d, MINUTE_US);
		if (*n < 60)
			return PUNIT_MIN;
		*n = 1;
		return PUNIT_HOUR;
	}
	if (d < 20 * HOUR_US) {
		*n = round_span(d, HOUR_US);
		return PUNIT_HOUR;
	}
	*n = round_span(d, DAY_US);
	return PUNIT_DAY;
}

/* Parses a --kinds list. */
int pmodel_parse_kinds(const char *s)
{
	static const struct {
		const char *word;
		int kind;
	} words[] = {
	    {"single", QUIZ__V1__QUESTION_KIND__SINGLE},
	    {"multi", QUIZ__V1__QUESTION_KIND__MULTI},
	    {"multiple", QUIZ__V1__QUESTION_KIND__MULTI},
	    {"tf", QUIZ__V1__QUESTION_KIND__TRUE_FALSE},
	    {"true-false", QUIZ__V1__QUESTION_KIND__TRUE_FALSE},
	    {"truefalse", QUIZ__V1__QUESTION_KIND__TRUE_FALSE},
	    {"judge", QUIZ__V1__QUESTION_KIND__TRUE_FALSE},
	    {"fill", QUIZ__V1__QUESTION_KIND__FILL},
	    {"blank", QUIZ__V1__QUESTION_KIND__FILL},
	};
	int bits = 0;

	if (!s || !*s)
		return -1;
	for (;;) {
		size_t n = strcspn(s, ","), i;
		bool found = false;

		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			if (strlen(words[i].word) == n &&
			    strncmp(words[i].word, s, n) == 0) {
				bits |= 1 << words[i].kind;
				found = true;
			}
		}
		if (!found)
			return -1; /* also an empty item */
		if (!s[n])
			break;
		s += n + 1;
	}
	return bits;
}

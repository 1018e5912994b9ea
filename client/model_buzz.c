/* 抢答 and judges in the client's model: BuzzState, BuzzResult,
 * AnswerKey and JudgeRequest applied to struct model (model.h), the
 * buzzer's phase on the local clock, the space bar's press, the judge's
 * keys and the Verdict they build. Bounded copies and clamped counts, as
 * in model.c. */
#include "model.h"

#include <string.h>

#include "model_int.h"

/* Copies a Press. */
static void copy_press(struct model_press *d, const Quiz__V1__Press *p)
{
	memset(d, 0, sizeof(*d));
	d->player_id = p->player_id;
	d->arm = p->arm;
	d->one_way_us = p->one_way_us;
	d->outcome = (int)p->outcome;
	d->gap_us = p->gap_us;
	d->react_us = p->react_us;
	copy_text(d->nick, sizeof(d->nick), p->nickname);
	copy_text(d->team, sizeof(d->team), p->team);
}

/* BuzzState: the buzzer of the question on screen, at every change. A new
 * arming (a rebound) lets this contestant press again. */
int model_apply_buzz_state(struct model *m, const Quiz__V1__BuzzState *b,
			   model_to_local_fn to_local, void *arg)
{
	size_t i;

	if (!same_question(m, b->question_index))
		return 0;
	if (!m->have_buzz || m->buzz_phase != (int)b->phase ||
	    m->buzz_arm != b->arm)
		m->buzz_since = b->sent_at_us
				    ? local_time(to_local, arg, b->sent_at_us)
				    : 0;
	m->q_buzz = true;
	m->have_buzz = true;
	m->buzz_phase = (int)b->phase;
	if (m->buzz_phase < MODEL_BUZZ_READING ||
	    m->buzz_phase > MODEL_BUZZ_DONE)
		m->buzz_phase = MODEL_BUZZ_DONE; /* unknown: nothing to press */
	m->buzz_arm = b->arm;
	m->rebounds_left = b->rebounds_left;
	if (b->armed_at_us)
		m->armed_at = local_time(to_local, arg, b->armed_at_us);
	m->arm_deadline = b->arm_deadline_us
			      ? local_time(to_local, arg, b->arm_deadline_us)
			      : 0;
	m->answer_deadline =
	    b->answer_deadline_us
		? local_time(to_local, arg, b->answer_deadline_us)
		: 0;
	m->winner_id = b->winner_id;
	copy_text(m->winner_nick, sizeof(m->winner_nick), b->winner_nickname);
	copy_text(m->winner_team, sizeof(m->winner_team), b->winner_team);
	m->n_presses = 0;
	for (i = 0; i < b->n_presses && b->presses; i++) {
		if (!b->presses[i] || m->n_presses >= MODEL_PRESSES_MAX)
			continue;
		copy_press(&m->presses[m->n_presses++], b->presses[i]);
	}
	m->n_out = 0;
	for (i = 0; i < b->n_locked_out && b->locked_out; i++)
		if (m->n_out < MODEL_OUT_MAX)
			copy_text(m->out[m->n_out++], MODEL_TEAM_NAME,
				  b->locked_out[i]);
	if (m->buzz_sent && m->buzz_sent_arm != m->buzz_arm)
		m->buzz_sent = false; /* re-armed: press again */
	return MODEL_REDRAW;
}

/* BuzzResult: what became of my press. */
int model_apply_buzz_result(struct model *m, const Quiz__V1__BuzzResult *r)
{
	if (!same_question(m, r->question_index) || !r->press ||
	    m->mode != MODE_JOIN)
		return 0;
	copy_press(&m->my_press, r->press);
	m->have_my_press = true;
	return MODEL_REDRAW;
}

/* A mask of option indexes (out of range ones dropped). */
static uint32_t mask_of(const uint32_t *idx, size_t n)
{
	uint32_t mask = 0;
	size_t i;

	for (i = 0; i < n && idx; i++)
		if (idx[i] < MODEL_OPTIONS_MAX)
			mask |= 1u << idx[i];
	return mask;
}

/* AnswerKey (host, judges): the correct answer before the reveal. */
int model_apply_answer_key(struct model *m, const Quiz__V1__AnswerKey *k)
{
	if (m->mode == MODE_JOIN)
		return 0; /* never shown to a contestant */
	m->have_key = true;
	m->key_q = k->question_index;
	m->key_mask = mask_of(k->correct, k->n_correct);
	copy_text(m->key_text, sizeof(m->key_text), k->correct_text);
	copy_lines(m->key_expl, sizeof(m->key_expl), k->explanation);
	return MODEL_REDRAW;
}

/* The first item not ruled from i on (wrapping), or i when all are. */
static unsigned next_unruled(const struct model *m, unsigned i)
{
	unsigned k;

	for (k = 0; k < m->n_items; k++) {
		unsigned j = (i + k) % m->n_items;

		if (!m->items[j].ruled)
			return j;
	}
	return i < m->n_items ? i : 0;
}

/* JudgeRequest (host, judges): the items awaiting a ruling. */
int model_apply_judge_request(struct model *m, const Quiz__V1__JudgeRequest *r,
			      model_to_local_fn to_local, void *arg)
{
	bool same = m->have_jreq && m->jreq_q == r->question_index;
	size_t i;

	if (m->mode == MODE_JOIN)
		return 0;
	m->have_jreq = true;
	m->jreq_q = r->question_index;
	m->jreq_round = r->round;
	m->jreq_mask = mask_of(r->correct, r->n_correct);
	copy_text(m->jreq_text, sizeof(m->jreq_text), r->correct_text);
	m->jreq_since =
	    r->since_us ? local_time(to_local, arg, r->since_us) : 0;
	m->jreq_done = r->done;
	m->n_items = 0;
	for (i = 0; i < r->n_items && r->items; i++) {
		const Quiz__V1__JudgeItem *it = r->items[i];
		struct model_judge_item *d = &m->items[m->n_items];

		if (!it || m->n_items >= MODEL_ITEMS_MAX)
			continue;
		memset(d, 0, sizeof(*d));
		d->index = it->index;
		d->count = it->count;
		d->player_id = it->player_id;
		d->choices = mask_of(it->choices, it->n_choices);
		d->suggestion = it->suggestion;
		d->ruled = it->ruled;
		d->correct = it->correct;
		copy_text(d->text, sizeof(d->text), it->text);
		copy_text(d->nick, sizeof(d->nick), it->nickname);
		copy_text(d->team, sizeof(d->team), it->team);
		m->n_items++;
	}
	if (!same || m->item_cursor >= m->n_items)
		m->item_cursor = 0;
	m->item_cursor = next_unruled(m, m->item_cursor);
	m->verdict_sent = false; /* the ruling is in (or a new request) */
	return MODEL_REDRAW;
}

/* The buzzer's phase at local time now (-1: no buzzer). */
int model_buzz_phase_at(const struct model *m, uint64_t now)
{
	if (!m->have_q || !m->q_buzz)
		return -1;
	/* a rebound comes as ARMED with armed_at just ahead: locked until
	 * then, whatever the phase says */
	if (m->buzz_phase == MODEL_BUZZ_READING ||
	    m->buzz_phase == MODEL_BUZZ_ARMED)
		return m->armed_at && now < m->armed_at ? MODEL_BUZZ_READING
							: MODEL_BUZZ_ARMED;
	return m->buzz_phase;
}

/* Whether this contestant answers the buzz question on screen now. */
bool model_buzz_answering(const struct model *m)
{
	return m->mode == MODE_JOIN && m->have_q && m->q_buzz && m->have_buzz &&
	       m->buzz_phase == MODEL_BUZZ_ANSWERING && m->player_id &&
	       m->winner_id == m->player_id && m->cur.judge != MODEL_JUDGE_ORAL;
}

/* Whether my team (or I) is locked out of the buzz question. */
bool model_buzz_out(const struct model *m)
{
	unsigned i;

	for (i = 0; i < m->n_out; i++) {
		if (m->team[0] ? model_is_my_team(m, m->out[i])
			       : strcmp(m->out[i], m->nick) == 0)
			return true;
	}
	return false;
}

/* My press of the current arming: BuzzResult, else the BuzzState's. */
const struct model_press *model_my_press(const struct model *m)
{
	unsigned i;

	if (m->mode != MODE_JOIN || !m->have_q || !m->q_buzz)
		return NULL;
	if (m->have_my_press && m->my_press.arm == m->buzz_arm)
		return &m->my_press;
	for (i = 0; i < m->n_presses; i++)
		if (m->player_id && m->presses[i].player_id == m->player_id &&
		    m->presses[i].arm == m->buzz_arm &&
		    m->presses[i].outcome != MODEL_PRESS_PENDING)
			return &m->presses[i];
	return NULL;
}

/* Contestant: the space bar in a buzz question. */
int model_buzz_press(struct model *m, uint64_t now)
{
	if (m->mode != MODE_JOIN || !m->have_q || !m->q_buzz ||
	    m->phase != PHASE_QUESTION || now < m->reveal_at)
		return 0;
	if (m->buzz_phase == MODEL_BUZZ_DONE || m->buzz_sent ||
	    model_buzz_out(m))
		return 0;
	m->buzz_sent = true;
	m->buzz_sent_arm = m->buzz_arm;
	m->buzz_sent_at = now;
	return MODEL_BUZZ | MODEL_REDRAW;
}

/* Builds the Buzz for the press sent. */
int model_buzz(const struct model *m, Quiz__V1__Buzz *b)
{
	if (!m->have_q || !m->q_buzz || !m->buzz_sent)
		return -1;
	quiz__v1__buzz__init(b);
	b->question_index = m->q;
	return 0;
}

/* Whether a ruling is awaited from this connection now. */
bool model_judge_open(const struct model *m)
{
	return m->judge && m->mode != MODE_JOIN && m->have_jreq &&
	       !m->jreq_done && m->n_items && m->have_q && m->jreq_q == m->q &&
	       (m->phase == PHASE_QUESTION || m->phase == PHASE_JUDGING);
}

/* Judge keys: pick an item, rule it, or rule the rest as suggested. */
int model_judge_key(struct model *m, int key)
{
	struct model_judge_item *it;

	if (!model_judge_open(m))
		return 0;
	if (key == MODEL_KEY_UP || key == MODEL_KEY_DOWN) {
		m->item_cursor = (m->item_cursor +
				  (key == MODEL_KEY_UP ? m->n_items - 1 : 1)) %
				 m->n_items;
		return MODEL_REDRAW;
	}
	if (m->verdict_sent)
		return 0;
	if (key == 'a' || key == 'A') {
		m->verdict_sent = true;
		m->verdict_rest = true;
		m->verdict_correct = false;
		m->verdict_item = 0;
		return MODEL_VERDICT | MODEL_REDRAW;
	}
	if (m->item_cursor >= m->n_items)
		return 0;
	it = &m->items[m->item_cursor];
	if (key == 'y' || key == 'Y' || key == '1')
		m->verdict_correct = true;
	else if (key == 'w' || key == 'W' || key == '0' ||
		 (m->mode == MODE_JUDGE && (key == 'n' || key == 'N')))
		m->verdict_correct = false;
	else
		return 0;
	m->verdict_sent = true;
	m->verdict_rest = false;
	m->verdict_item = it->index;
	return MODEL_VERDICT | MODEL_REDRAW;
}

/* Builds the Verdict keyed. */
int model_verdict(const struct model *m, Quiz__V1__Verdict *v)
{
	if (!m->verdict_sent || !m->have_jreq)
		return -1;
	quiz__v1__verdict__init(v);
	v->question_index = m->jreq_q;
	v->item = m->verdict_item;
	v->correct = m->verdict_correct;
	v->rest = m->verdict_rest;
	return 0;
}

/* The reply to the verdict came: the keys rule again. */
void model_verdict_done(struct model *m)
{
	m->verdict_sent = false;
}

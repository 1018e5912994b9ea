/* A practice round of one person: see fmt_practice.h. */
#include "fmt_practice.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "errors.h"

/* The option shuffles draw from their own stream of the sitting's seed
 * (practice_next's tie-breaks use the seed itself). */
#define SHUFFLE_STREAM 0x5851f42d4c957f2dULL
/* Every kind bit of enum item_kind. */
#define KINDS_ALL ((1u << (ITEM_FILL + 1)) - 1)

int fmt_practice_init(struct fmt_practice *fp, struct practice_set *set,
		      const struct fmt_practice_cfg *cfg)
{
	size_t clen = cfg->category ? strlen(cfg->category) : 0;

	if ((cfg->mode != PRACTICE_SCHEDULE && cfg->mode != PRACTICE_REVIEW) ||
	    (cfg->time_limit_us != 0 &&
	     (cfg->time_limit_us < FMT_PRACTICE_LIMIT_MIN_US ||
	      cfg->time_limit_us > FMT_PRACTICE_LIMIT_MAX_US)) ||
	    cfg->max_new > FMT_PRACTICE_MAX_NEW || clen > QUIZ_CATEGORY_MAX ||
	    (cfg->kinds & ~KINDS_ALL) || cfg->grace_us < 0)
		return -QE_BAD_MESSAGE;
	memset(fp, 0, sizeof(*fp));
	fp->set = set;
	practice_session_init(&fp->sess, cfg->seed);
	if (cfg->max_new)
		fp->sess.max_new = cfg->max_new;
	if (clen)
		memcpy(fp->category, cfg->category, clen + 1);
	fp->filter.category = fp->category;
	fp->filter.kinds = cfg->kinds;
	fp->filter.mode = cfg->mode;
	fp->limit_us = cfg->time_limit_us;
	fp->grace_us = cfg->grace_us;
	fp->rng = cfg->seed ^ SHUFFLE_STREAM;
	return 0;
}

void fmt_practice_counts(const struct fmt_practice *fp, int64_t wall_us,
			 struct fmt_practice_counts *out)
{
	const struct bank *b = fp->set->bank;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < fp->set->n && i < b->n; i++) {
		const struct practice_item *st = &fp->set->items[i];

		if (!practice_accepts(&fp->filter, &b->items[i]))
			continue;
		out->items++;
		if (st->seen == 0)
			out->fresh++;
		else if (practice_due(st, wall_us))
			out->due++;
		if (st->in_review)
			out->review++;
	}
}

uint32_t fmt_practice_review_count(const struct fmt_practice *fp)
{
	const struct bank *b = fp->set->bank;
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < fp->set->n && i < b->n; i++)
		if (fp->set->items[i].in_review &&
		    practice_accepts(&fp->filter, &b->items[i]))
			n++;
	return n;
}

/* Fills *out from the open question. */
static void question_of(const struct fmt_practice *fp, bool again,
			struct fmt_practice_question *out)
{
	out->q = fp->q;
	out->rq = &fp->rq;
	out->why = fp->why;
	out->box = fp->set->items[fp->index].box;
	out->shown_us = fp->shown_us;
	out->deadline_us = fp->limit_us ? fp->shown_us + fp->limit_us : 0;
	out->again = again;
}

int fmt_practice_next(struct fmt_practice *fp, int64_t mono_us, int64_t wall_us,
		      struct fmt_practice_question *out, int64_t *wait_until)
{
	struct practice_pick pick;
	int r;

	*wait_until = 0;
	if (fp->open) {
		question_of(fp, true, out);
		return 0;
	}
	r = practice_next(fp->set, &fp->sess, &fp->filter, wall_us, &pick);
	if (r == -EAGAIN)
		*wait_until = pick.wait_until;
	if (r < 0)
		return r;
	fp->index = pick.index;
	fp->why = pick.why;
	fp->q = fp->sess.answers;
	draw_shuffle(&fp->set->bank->items[pick.index], &fp->rng, &fp->rq);
	fp->shown_us = mono_us;
	fp->asked = fp->open = true;
	question_of(fp, false, out);
	return 0;
}

/* Which question an answer may be to: 0, or the refusal. */
static int answer_target(const struct fmt_practice *fp, uint32_t q)
{
	if (!fp->asked)
		return -QE_BAD_STATE;
	if (!fp->open) /* every index up to fp->q was answered */
		return q <= fp->q ? -QE_ALREADY_ANSWERED : -QE_BAD_STATE;
	if (q != fp->q)
		return q < fp->q ? -QE_ALREADY_ANSWERED : -QE_BAD_MESSAGE;
	return 0;
}

int fmt_practice_answer(struct fmt_practice *fp, uint32_t q,
			uint32_t choice_mask, const char *text, int64_t mono_us,
			int64_t wall_us, int64_t one_way_us,
			struct fmt_practice_result *res)
{
	struct practice_set *set = fp->set;
	const struct practice_item *st;
	bool correct = false, was_review;
	int64_t comp, rt;
	unsigned i;
	int r;

	if ((r = answer_target(fp, q)) < 0)
		return r;
	if (fp->index >= set->n)
		return -EINVAL;
	/* no choice and no text: "I don't know", wrong; any other shape is
	 * checked and marked as rooms do */
	if ((choice_mask || (text && text[0])) &&
	    (r = room_mark(&fp->rq, choice_mask, text, &correct)) < 0)
		return r;
	/* the question is shown when it arrives, so both ways are
	 * compensated, as rooms do for a question that reached the seat
	 * late (core/room.c): rt = recv - sent - 2 x one-way, capped */
	comp = one_way_us < 0 ? 0 : one_way_us;
	if (comp > fp->grace_us)
		comp = fp->grace_us;
	rt = mono_us - 2 * comp - fp->shown_us;
	if (rt < 0)
		rt = 0;
	memset(res, 0, sizeof(*res));
	res->timed_out = fp->limit_us && rt > fp->limit_us;
	if (res->timed_out)
		correct = false;
	st = &set->items[fp->index];
	was_review = st->in_review;
	if ((r = practice_record(set, &fp->sess, fp->index, wall_us, correct,
				 rt)) < 0)
		return r;
	fp->open = false;
	res->q = fp->q;
	res->index = fp->index;
	res->correct = correct;
	res->correct_mask = fp->rq.correct_mask;
	for (i = 0; i < fp->rq.n_options; i++)
		if (choice_mask & (1u << i))
			res->bank_mask |= 1u << fp->rq.perm[i];
	res->rt_us = rt;
	res->box = st->box;
	res->due_at = st->due_at;
	res->in_review = st->in_review;
	res->left_review = was_review && !st->in_review;
	res->streak = set->person.streak;
	if (practice_item_format(st, res->item_state, sizeof(res->item_state)) <
		0 ||
	    practice_person_format(&set->person, res->person_state,
				   sizeof(res->person_state)) < 0)
		return -EINVAL; /* cannot happen: PRACTICE_TEXT_MAX fits all */
	return 0;
}

/* The room: the life cycle of a contest (pure: driven by events and the
 * time the caller passes in). Rounds, questions, pause with a game clock,
 * the commit barrier, the event log and the effects live here; players in
 * the roster (roster.c); what a question means in a round in its format
 * (fmt_*.c behind format.h). */
#include "room.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "errors.h"
#include "format.h"
#include "room_int.h"
#include "text.h"
#include "xalloc.h"

/* Seeds of successive rounds' draws are this far apart. */
#define ROUND_SEED_STEP 0x9E3779B97F4A7C15ULL

/* struct room is in room_int.h, shared with room_view.c. */

static void judging_clear(struct room *r);

/* Appends an effect and returns it zeroed but for its kind, q and round. */
static struct room_effect *fx_push(struct room *r, enum room_effect_kind k,
				   uint32_t q)
{
	struct room_effect *e;

	if (r->nfx == r->fxcap) {
		r->fxcap = r->fxcap ? r->fxcap * 2 : 16;
		r->fx = xrealloc(r->fx, r->fxcap * sizeof(*r->fx));
	}
	e = &r->fx[r->nfx++];
	memset(e, 0, sizeof(*e));
	e->kind = k;
	e->q = q;
	e->round = r->ri;
	return e;
}

/* A copy of s that lives until room_effects_clear (NULL stays NULL). */
static const char *fx_str(struct room *r, const char *s)
{
	if (!s)
		return NULL;
	if (r->nstrs == r->strcap) {
		r->strcap = r->strcap ? r->strcap * 2 : 16;
		r->strs = xrealloc(r->strs, r->strcap * sizeof(*r->strs));
	}
	return r->strs[r->nstrs++] = xstrdup(s);
}

/* Logs an accepted input: an FX_EVENT inserted at mark, before the effects
 * the input caused. Returns the event to fill. */
static struct room_event *ev_log(struct room *r, size_t mark,
				 enum room_event_kind k, int64_t at)
{
	struct room_effect e, *slot;

	fx_push(r, FX_EVENT, r->q);
	e = r->fx[r->nfx - 1];
	slot = &r->fx[mark];
	memmove(slot + 1, slot, (r->nfx - 1 - mark) * sizeof(*slot));
	*slot = e;
	slot->u.ev.seq = ++r->seq;
	slot->u.ev.kind = k;
	slot->u.ev.at_us = at;
	r->last_at = at;
	return &slot->u.ev;
}

struct room *room_new(const struct room_settings *s, const struct contest *c,
		      const struct bank *b, const char *host_token)
{
	struct room *r = xcalloc(1, sizeof(*r));

	r->s = *s;
	r->c = *c;
	r->bank = b;
	r->ro = roster_new(s->max_players);
	if (c->nteams && roster_fix_teams(r->ro, c) < 0) {
		room_free(r);
		return NULL;
	}
	r->qs = xcalloc(ROOM_MAX_QUESTIONS, sizeof(*r->qs));
	snprintf(r->host_token, sizeof(r->host_token), "%s",
		 host_token ? host_token : "");
	r->state = ROOM_LOBBY;
	r->paused_remaining = -1;
	return r;
}

void room_free(struct room *r)
{
	if (!r)
		return;
	if (r->vt && r->fst)
		r->vt->end(r->fst);
	free(r->fst);
	judging_clear(r);
	free(r->jans);
	room_effects_clear(r);
	free(r->strs);
	free(r->qs);
	roster_free(r->ro);
	free(r->fx);
	free(r);
}

/* The current round's settings. */
const struct round_cfg *room_round_cfg(const struct room *r)
{
	return &r->c.rounds[r->ri];
}

/* The answer time of the current round's questions. */
static int64_t limit_us(const struct room *r)
{
	return room_round_cfg(r)->time_limit_us;
}

/* What the format sees of the current question. */
void room_ctx(const struct room *r, struct fmt_ctx *c, int64_t now)
{
	memset(c, 0, sizeof(*c));
	c->cfg = room_round_cfg(r);
	c->roster = r->ro;
	c->q = r->q;
	c->question = r->q < r->nq ? &r->qs[r->q] : NULL;
	c->k = r->q - r->round_first[r->ri];
	c->n = r->round_n[r->ri];
	c->now_us = now;
	c->lead_us = r->s.lead_us;
	c->comp_cap_us = r->s.comp_cap_us;
}

/* The timer of an open question: the format's clock, or the deadline
 * (with room for the compensation of a last answer). */
static int64_t open_timer(const struct room *r)
{
	if (r->vt && r->vt->due)
		return r->vt->due(r->fst);
	return r->deadline_at + r->s.comp_cap_us;
}

/* The deadline an open question shows: with a buzzer, the arming's (or,
 * while the winner answers, the answer's); else reveal_at + its time. */
static int64_t open_deadline(const struct room *r)
{
	struct room_buzz b;

	if (r->vt && r->vt->buzz_view && r->vt->buzz_view(r->fst, &b))
		return b.phase == BUZZ_ANSWERING ? b.answer_deadline_us
						 : b.arm_deadline_us;
	return r->reveal_at + limit_us(r);
}

/* The effects of a format's change: FX_BUZZ once per run of consecutive
 * decided presses (once without presses when only its state changed),
 * then FX_JUDGE. */
static void fx_of(struct room *r, const struct fmt_out *o)
{
	struct room_effect *e;
	size_t i = 0, j;

	while (i < o->ndecided) {
		for (j = i + 1;
		     j < o->ndecided && o->decided[j] == o->decided[j - 1] + 1;
		     j++)
			;
		e = fx_push(r, FX_BUZZ, r->q);
		e->u.buzz.first = o->decided[i];
		e->u.buzz.n = (uint32_t)(j - i);
		i = j;
	}
	if (o->buzz && !o->ndecided)
		fx_push(r, FX_BUZZ, r->q);
	if (o->judge)
		fx_push(r, FX_JUDGE, r->q);
}

static void close_question(struct room *r, bool voided, int64_t now);

/* Carries out what a format's change asks: its effects, then the close or
 * the next timer. */
static void apply_out(struct room *r, const struct fmt_out *o, int64_t now)
{
	fx_of(r, o);
	if (o->next == FMT_CLOSE)
		close_question(r, false, now);
	else if (o->next == FMT_VOID)
		close_question(r, true, now);
	else if (r->state == ROOM_OPEN) {
		r->timer_at = open_timer(r);
		r->deadline_at = open_deadline(r);
	}
}

/* Lets go of the judging of the last question. */
static void judging_clear(struct room *r)
{
	size_t i;

	for (i = 0; i < r->njans; i++) {
		free(r->jans[i].text);
		free(r->jans[i].key);
	}
	r->njans = 0;
	r->njitems = 0;
	r->jon = false;
}

/* Draws one named item with its options shuffled by seed. */
static void draw_one(const struct item *it, uint64_t seed,
		     struct room_question *out)
{
	struct item copy = *it;
	struct bank one = {.items = &copy, .n = 1, .cap = 1};

	(void)draw_questions(&one, NULL, 1, seed, out);
	out->item = it;
}

/* Draws up to want questions for round ri after those already drawn, never
 * an item asked before in the match. Returns how many. */
static uint32_t draw_round(struct room *r, uint32_t ri, uint32_t want)
{
	const struct round_cfg *rc = &r->c.rounds[ri];
	const struct bank *b = r->bank;
	struct room_question *out = &r->qs[r->nq];
	uint64_t seed = r->s.seed + (uint64_t)ri * ROUND_SEED_STEP;
	unsigned char *used;
	uint32_t i, n = 0;

	if (want > ROOM_MAX_QUESTIONS - r->nq)
		want = ROOM_MAX_QUESTIONS - r->nq;
	if (!b || !b->n || !want)
		return 0;
	used = xcalloc(b->n, 1);
	for (i = 0; i < r->nq; i++)
		used[r->qs[i].item - b->items] = 1;
	if (rc->nids) {
		/* explicit ids in order; unknown or asked ones are skipped */
		for (i = 0; i < rc->nids && n < want; i++) {
			const struct item *it =
			    bank_find(b, contest_round_id(&r->c, rc, i));

			if (!it || used[it - b->items])
				continue;
			used[it - b->items] = 1;
			draw_one(it, seed + i, &out[n++]);
		}
	} else {
		struct draw_filter f;
		struct bank left = {0};
		uint32_t *map = xmalloc(b->n * sizeof(*map));
		int got;

		draw_filter_of_round(rc, &f);
		left.items = xmalloc(b->n * sizeof(*left.items));
		for (i = 0; i < b->n; i++)
			if (!used[i]) {
				map[left.n] = i;
				left.items[left.n++] = b->items[i];
			}
		left.cap = left.n;
		got = draw_questions(&left, &f, want, seed, out);
		for (i = 0; got > 0 && i < (uint32_t)got; i++)
			out[i].item = &b->items[map[out[i].item - left.items]];
		n = got > 0 ? (uint32_t)got : 0;
		free(left.items);
		free(map);
	}
	for (i = 0; i < n; i++)
		out[i].round = ri;
	r->nq += n;
	free(used);
	return n;
}

/* COUNTDOWN for question r->q: reveal at now + countdown. */
static void begin_countdown(struct room *r, int64_t now)
{
	r->state = ROOM_COUNTDOWN;
	r->reveal_at = now + r->s.countdown_us;
	r->deadline_at = 0;
	r->timer_at = r->reveal_at - r->s.lead_us;
	fx_push(r, FX_COUNTDOWN, r->q)->u.time.at_us = r->reveal_at;
}

/* Tells that stakes may be picked until deadline_at. */
static void fx_wager_open(struct room *r)
{
	struct room_effect *e = fx_push(r, FX_WAGER_OPEN, r->q);

	e->u.time.at_us = r->deadline_at;
	e->u.time.deadline_at_us = r->deadline_at;
}

/* Question r->q begins: its wager phase if the format has one, else its
 * countdown. */
static void begin_question(struct room *r, int64_t now)
{
	struct fmt_ctx c;
	int64_t pre = 0;

	room_ctx(r, &c, now);
	memset(&r->turn, 0, sizeof(r->turn));
	r->turn.team = -1;
	judging_clear(r);
	r->vt->open(r->fst, &c, &r->turn, &pre);
	r->voided = false;
	r->answered = 0;
	memset(r->dist, 0, sizeof(r->dist));
	if (pre <= 0) {
		begin_countdown(r, now);
		return;
	}
	r->state = ROOM_WAGER;
	r->reveal_at = 0;
	r->deadline_at = now + pre;
	r->timer_at = r->deadline_at;
	fx_wager_open(r);
}

/* Sends the question lead_us ahead of its reveal and opens it. */
static void open_question(struct room *r, int64_t now)
{
	struct room_effect *e;
	struct fmt_out o;
	struct fmt_ctx c;

	if (r->reveal_at < now + r->s.lead_us)
		r->reveal_at = now + r->s.lead_us;
	r->deadline_at = r->reveal_at + limit_us(r);
	r->shown_at = r->reveal_at;
	r->state = ROOM_OPEN;
	r->voided = false;
	r->rt_floor = 0;
	r->answered = 0;
	memset(r->dist, 0, sizeof(r->dist));
	r->progress_dirty = true;
	memset(&o, 0, sizeof(o));
	if (r->vt->start) {
		room_ctx(r, &c, r->reveal_at);
		r->vt->start(r->fst, &c, &o);
		r->deadline_at = open_deadline(r);
	}
	e = fx_push(r, FX_QUESTION, r->q);
	e->u.time.reveal_at_us = r->reveal_at;
	e->u.time.deadline_at_us = r->deadline_at;
	if (room_question_keyed(r, r->q))
		fx_push(r, FX_KEY, r->q);
	fx_of(r, &o);
	r->timer_at = open_timer(r);
}

/* Receives the format's bookings at a close. */
static void book_one(void *arg, const struct fmt_book *b)
{
	struct room *r = arg;
	struct room_booking bk;

	memset(&bk, 0, sizeof(bk));
	bk.q = (int32_t)r->q;
	bk.answered = b->answered;
	bk.correct = b->correct;
	bk.delta = b->delta;
	bk.rt_us = b->rt_us;
	bk.stake = b->stake;
	roster_book(r->ro, b->player, &bk, b->time_us);
}

/* Books the question (unless voided) and asks the server for a commit
 * barrier before the reveal. */
static void book_close(struct room *r, bool voided, int64_t now)
{
	struct fmt_ctx c;

	r->state = ROOM_CLOSED;
	r->awaiting_commit = true;
	r->voided = voided;
	r->timer_at = 0;
	if (!voided) {
		room_ctx(r, &c, now);
		r->scored_time += r->vt->close(r->fst, &c, book_one, r);
	}
	fx_push(r, FX_CLOSED, r->q)->u.closed.voided = voided;
}

/* Orders answers kept for a judge by key, then arrival. */
static int jans_cmp(const void *a, const void *b)
{
	const struct room_jans *x = *(const struct room_jans *const *)a;
	const struct room_jans *y = *(const struct room_jans *const *)b;
	int k = strcmp(x->key, y->key);

	return k ? k : (x > y) - (x < y);
}

/* A group of equal keys: its first answer and its size. */
struct jgroup {
	uint32_t first, count, id;
};

/* Most frequent first, then the earliest answer. */
static int jgroup_cmp(const void *a, const void *b)
{
	const struct jgroup *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

/* The closed fill-in question waits for a judge: its distinct answers
 * (grouped by the fill normalisation) become the items to rule. */
static void begin_judging(struct room *r, int64_t now)
{
	struct room_jans **ix = xmalloc(r->njans * sizeof(*ix));
	struct jgroup *g = xmalloc(r->njans * sizeof(*g));
	uint32_t *rank;
	size_t i, ng = 0;

	for (i = 0; i < r->njans; i++)
		ix[i] = &r->jans[i];
	qsort(ix, r->njans, sizeof(*ix), jans_cmp);
	for (i = 0; i < r->njans; i++) {
		if (i == 0 || strcmp(ix[i]->key, ix[i - 1]->key) != 0) {
			g[ng].first = (uint32_t)(ix[i] - r->jans);
			g[ng].count = 0;
			g[ng].id = (uint32_t)ng;
			ng++;
		}
		g[ng - 1].count++;
		ix[i]->item = (int32_t)(ng - 1);
	}
	qsort(g, ng, sizeof(*g), jgroup_cmp);
	rank = xmalloc((ng ? ng : 1) * sizeof(*rank));
	for (i = 0; i < ng; i++)
		rank[g[i].id] = (uint32_t)i;
	r->njitems = ng < ROOM_JUDGE_ITEMS_MAX ? ng : ROOM_JUDGE_ITEMS_MAX;
	for (i = 0; i < r->njitems; i++) {
		struct room_judge_item *it = &r->jitems[i];
		const struct room_jans *a = &r->jans[g[i].first];

		memset(it, 0, sizeof(*it));
		it->index = (uint32_t)i;
		it->text = a->text;
		it->count = g[i].count;
		it->suggestion = a->suggestion;
	}
	for (i = 0; i < r->njans; i++) {
		uint32_t k = rank[r->jans[i].item];

		r->jans[i].item = k < r->njitems ? (int32_t)k : -1;
	}
	free(rank);
	free(ix);
	free(g);
	r->jon = true;
	r->jsince = now;
	r->state = ROOM_JUDGING;
	r->timer_at = 0;
	fx_push(r, FX_JUDGE, r->q);
}

/* Whether the closing question waits for a judge: JUDGE_FILL, a fill-in
 * question, a format that takes rulings, and at least one answer. */
static bool judging_wanted(const struct room *r)
{
	return r->vt->regrade && room_round_cfg(r)->judge == JUDGE_FILL &&
	       r->q < r->nq && r->qs[r->q].item->kind == ITEM_FILL &&
	       r->njans > 0;
}

/* Closes the open question: the format settles what is pending; a
 * question for a judge waits in JUDGING, else it is booked (unless
 * voided). */
static void close_question(struct room *r, bool voided, int64_t now)
{
	struct fmt_out o;
	struct fmt_ctx c;

	if (r->vt->closing && r->state == ROOM_OPEN) {
		memset(&o, 0, sizeof(o));
		room_ctx(r, &c, now);
		r->vt->closing(r->fst, &c, &o);
		fx_of(r, &o);
	}
	if (!voided && r->state == ROOM_OPEN && judging_wanted(r)) {
		begin_judging(r, now);
		return;
	}
	book_close(r, voided, now);
}

/* The round is over: its format lets go of its state. */
static void end_round(struct room *r)
{
	if (r->vt && r->fst)
		r->vt->end(r->fst);
	free(r->fst);
	r->fst = NULL;
	r->in_round = false;
	memset(&r->turn, 0, sizeof(r->turn));
	r->turn.team = -1;
	fx_push(r, FX_ROUND_END, r->q);
}

/* The match is over: final standings. */
static void finish(struct room *r)
{
	if (r->in_round)
		end_round(r);
	r->state = ROOM_FINISHED;
	r->timer_at = 0;
	r->recovered = false;
	r->recover_reveal = false;
	roster_rank(r->ro);
	fx_push(r, FX_LEADERBOARD, r->q)->u.board.final = true;
	fx_push(r, FX_FINISHED, r->q);
}

/* Whether the current question is the last of its round. */
static bool last_in_round(const struct room *r)
{
	return r->q + 1 >= r->round_first[r->ri] + r->round_n[r->ri];
}

/* Whether the current round is the contest's last. */
static bool last_round(const struct room *r)
{
	return r->ri + 1 >= r->c.nrounds;
}

/* The break between rounds: the host (or the auto-advance timer) begins
 * the next one. */
static void round_break(struct room *r, int64_t now)
{
	r->state = ROOM_ROUND_BREAK;
	r->timer_at = r->s.auto_advance ? now + r->s.leaderboard_us : 0;
}

/* Round ri begins: its format fixes its units, its questions are drawn,
 * then its first question begins (a round of no questions ends at once). */
static void begin_round(struct room *r, uint32_t ri, int64_t now)
{
	struct room_effect *e;
	struct fmt_ctx c;
	uint32_t want = 0, n, prev_q = r->q;

	r->ri = ri;
	r->vt = fmt_find(r->c.rounds[ri].format);
	r->round_first[ri] = r->nq;
	r->round_n[ri] = 0;
	if (r->vt) {
		r->q = r->nq;
		r->fst = xcalloc(1, r->vt->state_size ? r->vt->state_size : 1);
		room_ctx(r, &c, now);
		want = r->vt->begin(r->fst, &c);
	}
	n = draw_round(r, ri, want);
	r->round_n[ri] = n;
	r->in_round = true;
	e = fx_push(r, FX_ROUND, r->round_first[ri]);
	e->u.round.first_q = r->round_first[ri];
	e->u.round.n = n;
	if (n == 0) {
		r->q = prev_q; /* still the last question asked */
		end_round(r);
		if (last_round(r))
			finish(r);
		else
			round_break(r, now);
		return;
	}
	r->q = r->round_first[ri];
	begin_question(r, now);
}

/* After the reveal: the leaderboard, or the end after the last question. */
static void after_reveal(struct room *r, int64_t now)
{
	if (last_in_round(r) && last_round(r)) {
		finish(r);
		return;
	}
	r->state = ROOM_LEADERBOARD;
	fx_push(r, FX_LEADERBOARD, r->q);
	r->timer_at = r->s.auto_advance ? now + r->s.leaderboard_us : 0;
}

/* After the leaderboard: the next question, or the round's end. */
static void after_leaderboard(struct room *r, int64_t now)
{
	if (last_in_round(r)) {
		end_round(r);
		round_break(r, now);
		return;
	}
	r->q++;
	begin_question(r, now);
}

/* Moves the room on from a waiting state (timer or host NEXT). */
static int advance(struct room *r, int64_t now)
{
	switch (r->state) {
	case ROOM_WAGER:
		begin_countdown(r, now);
		return 0;
	case ROOM_COUNTDOWN:
		r->reveal_at = now;
		open_question(r, now);
		return 0;
	case ROOM_OPEN:
		close_question(r, false, now);
		return 0;
	case ROOM_CLOSED:
		if (r->awaiting_commit)
			return -QE_BAD_STATE;
		after_reveal(r, now);
		return 0;
	case ROOM_LEADERBOARD:
		after_leaderboard(r, now);
		return 0;
	case ROOM_ROUND_BREAK:
		begin_round(r, r->ri + 1, now);
		return 0;
	default:
		return -QE_BAD_STATE;
	}
}

/* What is left of the paused phase, as FX_PAUSED tells it. */
static int64_t paused_left(const struct room *r)
{
	return r->paused_from == ROOM_OPEN ? r->deadline_at - r->paused_at
					   : r->paused_remaining;
}

/* Freezes the running phase, remembering what is left of it. */
static int pause_room(struct room *r, int64_t now)
{
	struct room_effect *e;

	if (r->state != ROOM_COUNTDOWN && r->state != ROOM_OPEN &&
	    r->state != ROOM_CLOSED && r->state != ROOM_LEADERBOARD &&
	    r->state != ROOM_WAGER && r->state != ROOM_ROUND_BREAK &&
	    r->state != ROOM_JUDGING)
		return -QE_BAD_STATE;
	if (r->state == ROOM_CLOSED && r->awaiting_commit)
		return -QE_BAD_STATE;
	r->recovered = false; /* room_recover sets it after this */
	r->paused_from = r->state;
	/* -1 means "no timer"; an overdue timer (by any amount) fires at once
	 * on resume */
	r->paused_remaining = -1;
	if (r->timer_at)
		r->paused_remaining = r->timer_at > now ? r->timer_at - now : 0;
	r->paused_elapsed = now - r->reveal_at;
	r->paused_at = now;
	r->timer_at = 0;
	r->state = ROOM_PAUSED;
	e = fx_push(r, FX_PAUSED, r->q);
	e->u.paused.remaining_us = r->paused_from == ROOM_OPEN
				       ? r->deadline_at - now
				       : r->paused_remaining;
	return 0;
}

/* Restarts the frozen phase. An open question is re-sent with reveal_at
 * and deadline_at moved by exactly the length of the pause, so the time
 * used before it still counts and the time left is what it was (the
 * re-sent reveal_at may lie in the past; each connection's delay is
 * compensated as for any answer). */
static int resume_room(struct room *r, int64_t now)
{
	struct room_effect *e;
	struct fmt_out o;

	if (r->state != ROOM_PAUSED)
		return -QE_BAD_STATE;
	r->state = r->paused_from;
	r->recovered = false;
	fx_push(r, FX_RESUMED, r->q);
	switch (r->state) {
	case ROOM_OPEN:
		r->reveal_at += now - r->paused_at;
		r->rt_floor = r->paused_elapsed > 0 ? r->paused_elapsed : 0;
		r->shown_at = now;
		memset(&o, 0, sizeof(o));
		if (r->vt->shift)
			r->vt->shift(r->fst, now - r->paused_at, &o);
		r->deadline_at = open_deadline(r);
		e = fx_push(r, FX_QUESTION, r->q);
		e->u.time.reveal_at_us = r->reveal_at;
		e->u.time.deadline_at_us = r->deadline_at;
		fx_of(r, &o);
		r->timer_at = open_timer(r);
		break;
	case ROOM_COUNTDOWN:
		r->timer_at = now + r->paused_remaining;
		r->reveal_at = r->timer_at + r->s.lead_us;
		fx_push(r, FX_COUNTDOWN, r->q)->u.time.at_us = r->reveal_at;
		break;
	case ROOM_WAGER:
		r->timer_at = now + r->paused_remaining;
		r->deadline_at = r->timer_at;
		fx_wager_open(r);
		break;
	case ROOM_JUDGING: /* no clock runs; the ruling is awaited as long */
		r->jsince += now - r->paused_at;
		r->timer_at = 0;
		break;
	default:
		r->timer_at =
		    r->paused_remaining >= 0 ? now + r->paused_remaining : 0;
		break;
	}
	return 0;
}

/* Ends the match now; an open question is voided. */
static int end_match(struct room *r, int64_t now)
{
	struct fmt_out o;
	struct fmt_ctx c;
	enum room_state st = r->state;

	if (st == ROOM_FINISHED)
		return -QE_BAD_STATE;
	if (st == ROOM_PAUSED)
		st = r->paused_from;
	if (st == ROOM_OPEN && r->vt->closing) {
		memset(&o, 0, sizeof(o));
		room_ctx(r, &c, now);
		r->vt->closing(r->fst, &c, &o);
		fx_of(r, &o);
	}
	if (st == ROOM_OPEN || st == ROOM_JUDGING) {
		r->voided = true;
		fx_push(r, FX_CLOSED, r->q)->u.closed.voided = true;
	}
	finish(r);
	return 0;
}

/* A host PAUSE, RESUME or START while the room is held. */
static int held_command(struct room *r, enum room_cmd cmd)
{
	if (cmd != CMD_PAUSE)
		return -QE_STORAGE_UNAVAILABLE;
	if (r->state != ROOM_PAUSED || r->host_paused)
		return -QE_BAD_STATE;
	r->host_paused = true;
	return 0;
}

/* Pauses for the store; see room.h. */
static int hold(struct room *r, int64_t now_us, enum room_pause_reason reason)
{
	struct room_effect *e;

	r->held = true;
	r->hold_reason = reason;
	r->host_paused = false;
	switch (r->state) {
	case ROOM_PAUSED: /* by the host: now also held */
		r->host_paused = true;
		e = fx_push(r, FX_PAUSED, r->q);
		e->u.paused.remaining_us = paused_left(r);
		break;
	case ROOM_CLOSED:
	case ROOM_JUDGING:
		if (r->state == ROOM_CLOSED && !r->awaiting_commit) {
			pause_room(r, now_us);
			break;
		}
		/* no timer runs while the commit (or a judge) is awaited */
		r->paused_from = r->state;
		r->paused_remaining = -1;
		r->paused_elapsed = now_us - r->reveal_at;
		r->paused_at = now_us;
		r->timer_at = 0;
		r->state = ROOM_PAUSED;
		fx_push(r, FX_PAUSED, r->q)->u.paused.remaining_us = -1;
		break;
	case ROOM_COUNTDOWN:
	case ROOM_OPEN:
	case ROOM_LEADERBOARD:
	case ROOM_WAGER:
	case ROOM_ROUND_BREAK:
		pause_room(r, now_us);
		break;
	default: /* lobby, finished: no clock to stop */
		return 0;
	}
	r->fx[r->nfx - 1].u.paused.reason = reason;
	return 0;
}

int room_hold(struct room *r, int64_t now_us, enum room_pause_reason reason)
{
	size_t mark = r->nfx;

	if (r->held)
		return 0;
	hold(r, now_us, reason);
	ev_log(r, mark, EV_HOLD, now_us)->arg = reason;
	return 0;
}

/* Ends a hold; see room.h. */
static int release(struct room *r, int64_t now_us)
{
	struct room_effect *e;

	r->held = false;
	if (r->state != ROOM_PAUSED)
		return 0;
	if (r->host_paused) {
		r->host_paused = false;
		e = fx_push(r, FX_PAUSED, r->q);
		e->u.paused.remaining_us = paused_left(r);
		e->u.paused.reason = room_pause_reason(r);
		return 0;
	}
	return resume_room(r, now_us);
}

int room_release(struct room *r, int64_t now_us)
{
	size_t mark = r->nfx;

	if (!r->held)
		return 0;
	release(r, now_us);
	ev_log(r, mark, EV_RELEASE, now_us);
	return 0;
}

bool room_held(const struct room *r)
{
	return r->held;
}

enum room_pause_reason room_pause_reason(const struct room *r)
{
	if (r->held)
		return r->hold_reason;
	return r->recovered ? ROOM_PAUSE_RECOVERED : ROOM_PAUSE_HOST;
}

/* Pauses a running phase at now for the host's RESUME (reason
 * RECOVERED). */
static void recover_pause(struct room *r, int64_t now)
{
	if (pause_room(r, now) < 0)
		return;
	r->recovered = true;
	r->fx[r->nfx - 1].u.paused.reason = ROOM_PAUSE_RECOVERED;
}

/* Freezes a rebuilt room at at (see room_recover). Returns whether the
 * open question was voided. */
static bool recover(struct room *r, int64_t at, bool void_open)
{
	struct room_effect *e;
	bool voided = false;

	/* a fresh store starts clean: a hold is dropped; what it froze
	 * stays paused (RECOVERED below), but for a close awaiting its
	 * commit, which awaits it again */
	r->held = false;
	r->host_paused = false;
	if (r->state == ROOM_PAUSED && r->paused_from == ROOM_CLOSED &&
	    r->awaiting_commit)
		r->state = ROOM_CLOSED;
	if (void_open && r->state == ROOM_PAUSED &&
	    (r->paused_from == ROOM_OPEN || r->paused_from == ROOM_JUDGING))
		r->state = r->paused_from;
	if (void_open && (r->state == ROOM_OPEN || r->state == ROOM_JUDGING)) {
		close_question(r, true, at);
		voided = true;
	}
	switch (r->state) {
	case ROOM_LOBBY:
	case ROOM_FINISHED: /* no clock to stop */
		break;
	case ROOM_PAUSED: /* by the host (or a hold): now for a restart */
		r->recovered = true;
		e = fx_push(r, FX_PAUSED, r->q);
		e->u.paused.remaining_us = paused_left(r);
		e->u.paused.reason = ROOM_PAUSE_RECOVERED;
		break;
	case ROOM_CLOSED:
		if (r->awaiting_commit) {
			r->recover_reveal = true;
			break;
		}
		recover_pause(r, at);
		break;
	default:
		recover_pause(r, at);
		break;
	}
	return voided;
}

int room_recover(struct room *r, int64_t at_us, bool void_open)
{
	size_t mark = r->nfx;
	bool voided;

	if (r->seq && at_us < r->last_at)
		return -QE_BAD_STATE;
	voided = recover(r, at_us, void_open);
	ev_log(r, mark, EV_RECOVER, at_us)->arg = voided ? 1 : 0;
	return 0;
}

int64_t room_last_event_at(const struct room *r)
{
	return r->last_at;
}

int64_t room_paused_remaining(const struct room *r)
{
	return r->state == ROOM_PAUSED ? paused_left(r) : -1;
}

/* Constant-time comparison of the presented host token. */
static bool token_ok(const struct room *r, const char *tok)
{
	return tok && r->host_token[0] && text_secret_eq(tok, r->host_token);
}

/* A contestant joins. */
int64_t room_join(struct room *r, int64_t now_us, const char *nick,
		  const char *team)
{
	size_t mark = r->nfx;
	struct room_event *ev;
	int64_t id;

	if (r->state == ROOM_FINISHED)
		return -QE_BAD_STATE;
	/* a late joiner missed the questions scored so far: like a contestant
	 * who stayed silent, each counts its limit toward tie-breaks */
	id = roster_join(r->ro, nick, team, r->scored_time);
	if (id < 0)
		return id;
	r->lobby_dirty = true;
	ev = ev_log(r, mark, EV_JOIN, now_us);
	ev->player = (uint32_t)id;
	ev->nick = fx_str(r, nick);
	ev->team = fx_str(r, team && team[0] ? team : NULL);
	return id;
}

/* A contestant leaves the lobby. */
int room_leave(struct room *r, int64_t now_us, uint32_t player_id)
{
	size_t mark = r->nfx;
	int rc;

	if (!roster_player(r->ro, player_id))
		return -QE_BAD_MESSAGE;
	if (r->state != ROOM_LOBBY)
		return -QE_BAD_STATE;
	if ((rc = roster_leave(r->ro, player_id)) < 0)
		return rc;
	r->lobby_dirty = true;
	ev_log(r, mark, EV_LEAVE, now_us)->player = player_id;
	return 0;
}

/* A host command whose token was checked (or that is replayed). */
static int command(struct room *r, int64_t now_us, enum room_cmd cmd,
		   uint32_t arg)
{
	int rc;

	if (r->held &&
	    (cmd == CMD_START || cmd == CMD_PAUSE || cmd == CMD_RESUME))
		return held_command(r, cmd);
	switch (cmd) {
	case CMD_START:
		if (r->state != ROOM_LOBBY || !r->c.nrounds || !r->bank ||
		    !r->bank->n)
			return -QE_BAD_STATE;
		begin_round(r, 0, now_us);
		return 0;
	case CMD_NEXT:
		return advance(r, now_us);
	case CMD_SKIP:
		if (r->state == ROOM_OPEN || r->state == ROOM_JUDGING) {
			close_question(r, true, now_us);
			return 0;
		}
		return advance(r, now_us);
	case CMD_PAUSE:
		return pause_room(r, now_us);
	case CMD_RESUME:
		return resume_room(r, now_us);
	case CMD_KICK:
		if ((rc = roster_kick(r->ro, arg)) < 0)
			return rc;
		r->lobby_dirty = true;
		fx_push(r, FX_KICKED, r->q)->u.player = arg;
		return 0;
	case CMD_END:
		return end_match(r, now_us);
	}
	return -QE_BAD_MESSAGE;
}

/* The event kind a host command is logged as. */
static enum room_event_kind cmd_event(enum room_cmd cmd)
{
	static const enum room_event_kind k[] = {
	    [CMD_START] = EV_START, [CMD_NEXT] = EV_NEXT,
	    [CMD_PAUSE] = EV_PAUSE, [CMD_RESUME] = EV_RESUME,
	    [CMD_SKIP] = EV_SKIP,   [CMD_KICK] = EV_KICK,
	    [CMD_END] = EV_END,
	};

	return k[cmd];
}

int room_command(struct room *r, int64_t now_us, const char *host_token,
		 enum room_cmd cmd, uint32_t arg)
{
	size_t mark = r->nfx;
	struct room_event *ev;
	int rc;

	if (!token_ok(r, host_token))
		return -QE_NOT_HOST;
	if ((unsigned)cmd > CMD_END)
		return -QE_BAD_MESSAGE;
	if ((rc = command(r, now_us, cmd, arg)) < 0)
		return rc;
	ev = ev_log(r, mark, cmd_event(cmd), now_us);
	if (cmd == CMD_KICK)
		ev->player = arg;
	return 0;
}

/* Checks the shape of an answer against the question's kind: text and no
 * choices for FILL, choices and no text for the others. */
static int answer_valid(const struct room_question *qq, uint32_t mask,
			const char *text)
{
	if (qq->item->kind == ITEM_FILL)
		return mask == 0 && text && text[0] &&
		       strlen(text) <= QUIZ_FILL_MAX;
	if (text && text[0])
		return 0;
	if (mask == 0 || mask >= (1u << qq->n_options))
		return 0;
	if (qq->item->kind != ITEM_MULTI && (mask & (mask - 1)))
		return 0;
	return 1;
}

/* Shape check and marking of an answer, shared with the practice round. */
int room_mark(const struct room_question *qq, uint32_t mask, const char *text,
	      bool *correct)
{
	if (!answer_valid(qq, mask, text))
		return -QE_BAD_MESSAGE;
	if (qq->item->kind == ITEM_FILL)
		*correct = item_fill_matches(qq->item, text) != 0;
	else
		*correct = mask == qq->correct_mask;
	return 0;
}

/* Keeps an answer for a judge (JUDGE_FILL rounds of formats that take
 * rulings). */
static void judging_keep(struct room *r, uint32_t player, int team,
			 const char *text, bool suggestion)
{
	struct room_jans *a;
	size_t cap = 3 * strlen(text) + 1;

	if (r->njans == r->jcap) {
		r->jcap = r->jcap ? r->jcap * 2 : 16;
		r->jans = xrealloc(r->jans, r->jcap * sizeof(*r->jans));
	}
	a = &r->jans[r->njans++];
	a->player = player;
	a->team = team;
	a->text = xstrdup(text);
	a->key = xmalloc(cap);
	if (text_normalize(text, a->key, cap) < 0)
		a->key[0] = '\0';
	a->suggestion = suggestion;
	a->item = -1;
}

/* A contestant's answer: checked, judged and timed here, recorded by the
 * format, booked at the close. */
int room_answer_in(struct room *r, const struct room_answer_in *in,
		   int64_t *rt_us)
{
	const struct room_player *p = roster_player(r->ro, in->player);
	const struct room_question *qq;
	struct room_effect *e;
	struct room_event *ev;
	struct fmt_input fi;
	struct fmt_out o;
	struct fmt_ctx c;
	size_t mark = r->nfx;
	int64_t comp, rt, start, shown, late;
	bool own;
	unsigned i;
	int rc;

	if (!p)
		return -QE_BAD_MESSAGE;
	/* in the lobby nothing is drawn yet, and nothing is open */
	if (p->kicked || r->state == ROOM_LOBBY)
		return -QE_BAD_STATE;
	if (in->q >= r->nq)
		return -QE_BAD_MESSAGE;
	if (in->q < r->q ||
	    (in->q == r->q &&
	     (r->state == ROOM_CLOSED || r->state == ROOM_LEADERBOARD ||
	      r->state == ROOM_ROUND_BREAK || r->state == ROOM_FINISHED ||
	      r->state == ROOM_JUDGING)))
		return -QE_TOO_LATE;
	if (r->state != ROOM_OPEN || in->q != r->q ||
	    in->recv_us < r->reveal_at)
		return -QE_BAD_STATE;
	room_ctx(r, &c, in->recv_us);
	if ((rc = r->vt->check(r->fst, &c, in->player, p->team, EV_ANSWER)) < 0)
		return rc;
	qq = &r->qs[in->q];
	memset(&fi, 0, sizeof(fi));
	if ((rc = room_mark(qq, in->choice_mask, in->text, &fi.correct)) < 0)
		return rc;
	comp = in->one_way_us < 0 ? 0 : in->one_way_us;
	if (comp > r->s.comp_cap_us)
		comp = r->s.comp_cap_us;
	/* the response time runs from the start of the answer window, or
	 * from when the question reached this contestant if that was later
	 * (it was sent at sent_us; a re-send after a pause counts from
	 * when it was shown again) */
	start = r->reveal_at;
	own = r->vt->window && r->vt->window(r->fst, &start);
	shown = start > r->shown_at ? start : r->shown_at;
	late = in->sent_us ? in->sent_us + comp - shown : 0;
	rt = in->recv_us - comp - start - (late > 0 ? late : 0);
	if (!own && rt < r->rt_floor)
		rt = r->rt_floor;
	if (rt < 0)
		rt = 0;
	if (rt > limit_us(r))
		return -QE_TOO_LATE;

	fi.kind = EV_ANSWER;
	fi.player = in->player;
	fi.team = p->team;
	fi.rt_us = rt;
	fi.choice_mask = in->choice_mask;
	fi.text = in->text;
	memset(&o, 0, sizeof(o));
	if ((rc = r->vt->input(r->fst, &c, &fi, &o)) < 0)
		return rc;
	if (r->vt->regrade && room_round_cfg(r)->judge == JUDGE_FILL &&
	    qq->item->kind == ITEM_FILL)
		judging_keep(r, in->player, p->team, in->text, fi.correct);
	r->answered++;
	if (qq->item->kind == ITEM_FILL)
		r->dist[fi.correct ? 0 : 1]++;
	for (i = 0; i < qq->n_options; i++)
		if (in->choice_mask & (1u << i))
			r->dist[i]++;
	r->progress_dirty = true;

	e = fx_push(r, FX_ANSWER, in->q);
	e->u.answer.player = in->player;
	e->u.answer.recv_us = in->recv_us;
	e->u.answer.rt_us = rt;
	e->u.answer.comp_us = comp;
	e->u.answer.choice_mask = in->choice_mask;
	e->u.answer.correct = fi.correct;
	apply_out(r, &o, in->recv_us);
	ev = ev_log(r, mark, EV_ANSWER, in->recv_us);
	ev->player = in->player;
	ev->q = in->q;
	ev->choice_mask = in->choice_mask;
	ev->one_way_us = in->one_way_us;
	ev->arg = in->sent_us;
	ev->text = fx_str(r, in->text);
	*rt_us = rt;
	/* everyone has answered: no need to wait for the deadline (the
	 * answer's own replay closes it again at the same time) */
	if (r->s.close_when_all && r->vt == &fmt_speed &&
	    r->state == ROOM_OPEN && r->answered >= roster_active(r->ro))
		close_question(r, false, in->recv_us);
	return 0;
}

/* room_answer_in without the question's send time. */
int room_answer(struct room *r, int64_t recv_us, uint32_t player_id, uint32_t q,
		uint32_t choice_mask, const char *text, int64_t one_way_us,
		int64_t *rt_us)
{
	struct room_answer_in in;

	memset(&in, 0, sizeof(in));
	in.recv_us = recv_us;
	in.player = player_id;
	in.q = q;
	in.choice_mask = choice_mask;
	in.text = text;
	in.one_way_us = one_way_us;
	return room_answer_in(r, &in, rt_us);
}

/* A press of the buzzer: the format decides it, the room logs it. */
int room_buzz(struct room *r, int64_t recv_us, uint32_t player_id, uint32_t q,
	      int64_t one_way_us, int64_t sent_us, int64_t bound_us)
{
	const struct room_player *p = roster_player(r->ro, player_id);
	struct room_event *ev;
	struct fmt_press in;
	struct fmt_out o;
	struct fmt_ctx c;
	size_t mark = r->nfx;
	int rc;

	if (!p)
		return -QE_BAD_MESSAGE;
	if (p->kicked || r->state != ROOM_OPEN || !r->vt->press)
		return -QE_BAD_STATE;
	if (q != r->q)
		return -QE_BAD_MESSAGE;
	room_ctx(r, &c, recv_us);
	memset(&in, 0, sizeof(in));
	in.seq = r->seq + 1; /* ev_log below gives it this seq */
	in.player = player_id;
	in.team = p->team;
	in.recv_us = recv_us;
	in.one_way_us = one_way_us;
	in.sent_us = sent_us;
	in.bound_us = bound_us;
	memset(&o, 0, sizeof(o));
	if ((rc = r->vt->press(r->fst, &c, &in, &o)) < 0)
		return rc;
	apply_out(r, &o, recv_us);
	ev = ev_log(r, mark, EV_BUZZ, recv_us);
	ev->player = player_id;
	ev->q = q;
	ev->one_way_us = one_way_us;
	ev->arg = sent_us;
	ev->arg2 = bound_us;
	return 0;
}

/* A ruling on the items of a closed fill-in question (ROOM_JUDGING); when
 * every item is ruled, the answers are re-marked and the question is
 * booked. */
static int judging_verdict(struct room *r, int64_t now, uint32_t item,
			   bool correct)
{
	struct fmt_ctx c;
	size_t i;
	bool done = true;

	if (item == ROOM_VERDICT_REST) {
		for (i = 0; i < r->njitems; i++)
			if (!r->jitems[i].ruled) {
				r->jitems[i].ruled = true;
				r->jitems[i].correct = r->jitems[i].suggestion;
			}
	} else if (item < r->njitems) {
		r->jitems[item].ruled = true;
		r->jitems[item].correct = correct;
	} else {
		return -QE_BAD_MESSAGE;
	}
	for (i = 0; i < r->njitems; i++)
		done = done && r->jitems[i].ruled;
	fx_push(r, FX_JUDGE, r->q);
	if (!done)
		return 0;
	room_ctx(r, &c, now);
	for (i = 0; i < r->njans; i++) {
		const struct room_jans *a = &r->jans[i];
		bool ok =
		    a->item >= 0 ? r->jitems[a->item].correct : a->suggestion;

		r->vt->regrade(r->fst, &c, a->player, a->team, ok);
	}
	book_close(r, false, now);
	return 0;
}

/* A ruling from the host or a judge. */
int room_verdict(struct room *r, int64_t now_us, uint32_t q, uint32_t item,
		 bool correct, const char *who)
{
	struct room_event *ev;
	struct fmt_out o;
	struct fmt_ctx c;
	size_t mark = r->nfx;
	int rc;

	if (r->state == ROOM_JUDGING) {
		if (q != r->q)
			return -QE_BAD_MESSAGE;
		if ((rc = judging_verdict(r, now_us, item, correct)) < 0)
			return rc;
	} else if (r->state == ROOM_OPEN && r->vt->verdict) {
		if (q != r->q)
			return -QE_BAD_MESSAGE;
		room_ctx(r, &c, now_us);
		memset(&o, 0, sizeof(o));
		if ((rc = r->vt->verdict(r->fst, &c, item, correct, &o)) < 0)
			return rc;
		apply_out(r, &o, now_us);
	} else {
		return -QE_BAD_STATE;
	}
	ev = ev_log(r, mark, EV_VERDICT, now_us);
	ev->q = q;
	ev->arg = item;
	ev->choice_mask = correct ? 1 : 0;
	ev->text = fx_str(r, who);
	return 0;
}

/* A stake on the current question of a WAGER round. */
int room_wager(struct room *r, int64_t now_us, uint32_t player_id, uint32_t q,
	       int32_t stake)
{
	const struct room_player *p = roster_player(r->ro, player_id);
	struct room_effect *e;
	struct room_event *ev;
	struct fmt_input in;
	struct fmt_out o;
	struct fmt_ctx c;
	size_t mark = r->nfx;
	int rc;

	if (!p)
		return -QE_BAD_MESSAGE;
	if (p->kicked || r->state != ROOM_WAGER)
		return -QE_BAD_STATE;
	if (q != r->q)
		return -QE_BAD_MESSAGE;
	room_ctx(r, &c, now_us);
	if ((rc = r->vt->check(r->fst, &c, player_id, p->team, EV_WAGER)) < 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.kind = EV_WAGER;
	in.player = player_id;
	in.team = p->team;
	in.stake = stake;
	memset(&o, 0, sizeof(o));
	if ((rc = r->vt->input(r->fst, &c, &in, &o)) < 0)
		return rc;
	e = fx_push(r, FX_WAGER, q);
	e->u.wager.player = player_id;
	e->u.wager.team = p->team;
	e->u.wager.stake = stake;
	ev = ev_log(r, mark, EV_WAGER, now_us);
	ev->player = player_id;
	ev->q = q;
	ev->arg = stake;
	return 0;
}

void room_tick(struct room *r, int64_t now_us)
{
	size_t mark = r->nfx;

	struct fmt_out o;
	struct fmt_ctx c;

	if (!r->timer_at || now_us < r->timer_at)
		return;
	r->timer_at = 0;
	if (r->state == ROOM_OPEN && r->vt->step) {
		memset(&o, 0, sizeof(o));
		room_ctx(r, &c, now_us);
		r->vt->step(r->fst, &c, &o);
		apply_out(r, &o, now_us);
	} else {
		(void)advance(r, now_us);
	}
	ev_log(r, mark, EV_TICK, now_us);
}

void room_committed(struct room *r, int64_t now_us, uint32_t q)
{
	size_t mark = r->nfx;

	if (r->state != ROOM_CLOSED || !r->awaiting_commit || q != r->q)
		return;
	r->awaiting_commit = false;
	roster_rank(r->ro);
	fx_push(r, FX_REVEAL, q)->u.closed.voided = r->voided;
	r->revealed_q1 = q + 1;
	r->timer_at = r->s.auto_advance ? now_us + r->s.reveal_us : 0;
	if (r->recover_reveal) { /* recovered: wait for the host here */
		r->recover_reveal = false;
		recover_pause(r, now_us);
	}
	ev_log(r, mark, EV_COMMIT, now_us)->q = q;
}

/* Replays one logged input through the entry point that took it. */
int room_apply(struct room *r, const struct room_event *ev)
{
	size_t mark = r->nfx;
	int64_t rt, id;
	int rc;

	switch (ev->kind) {
	case EV_JOIN:
		id = room_join(r, ev->at_us, ev->nick, ev->team);
		if (id > 0 && (uint32_t)id != ev->player)
			return -QE_INTERNAL;
		return (int)id;
	case EV_LEAVE:
		return room_leave(r, ev->at_us, ev->player);
	case EV_KICK:
	case EV_PAUSE:
	case EV_RESUME:
	case EV_SKIP:
	case EV_NEXT:
	case EV_END:
	case EV_START: {
		static const enum room_cmd cmds[] = {
		    [EV_KICK] = CMD_KICK,     [EV_PAUSE] = CMD_PAUSE,
		    [EV_RESUME] = CMD_RESUME, [EV_SKIP] = CMD_SKIP,
		    [EV_NEXT] = CMD_NEXT,     [EV_END] = CMD_END,
		    [EV_START] = CMD_START,
		};
		struct room_event *log;

		if ((rc = command(r, ev->at_us, cmds[ev->kind], ev->player)) <
		    0)
			return rc;
		log = ev_log(r, mark, ev->kind, ev->at_us);
		if (ev->kind == EV_KICK)
			log->player = ev->player;
		return 0;
	}
	case EV_ANSWER: {
		struct room_answer_in in;

		memset(&in, 0, sizeof(in));
		in.recv_us = ev->at_us;
		in.player = ev->player;
		in.q = ev->q;
		in.choice_mask = ev->choice_mask;
		in.text = ev->text;
		in.one_way_us = ev->one_way_us;
		in.sent_us = ev->arg;
		return room_answer_in(r, &in, &rt);
	}
	case EV_WAGER:
		return room_wager(r, ev->at_us, ev->player, ev->q,
				  (int32_t)ev->arg);
	case EV_TICK:
		if (!r->timer_at || ev->at_us < r->timer_at)
			return -QE_BAD_STATE;
		room_tick(r, ev->at_us);
		return 0;
	case EV_COMMIT:
		if (r->state != ROOM_CLOSED || !r->awaiting_commit ||
		    ev->q != r->q)
			return -QE_BAD_STATE;
		room_committed(r, ev->at_us, ev->q);
		return 0;
	case EV_HOLD:
		if (r->held)
			return -QE_BAD_STATE;
		return room_hold(r, ev->at_us, (enum room_pause_reason)ev->arg);
	case EV_RELEASE:
		if (!r->held)
			return -QE_BAD_STATE;
		return room_release(r, ev->at_us);
	case EV_BUZZ:
		return room_buzz(r, ev->at_us, ev->player, ev->q,
				 ev->one_way_us, ev->arg, ev->arg2);
	case EV_VERDICT:
		if (ev->arg < 0 || ev->arg > UINT32_MAX)
			return -QE_BAD_MESSAGE;
		return room_verdict(r, ev->at_us, ev->q, (uint32_t)ev->arg,
				    ev->choice_mask != 0, ev->text);
	case EV_RECOVER:
		return room_recover(r, ev->at_us, ev->arg != 0);
	}
	return -QE_BAD_MESSAGE;
}

int64_t room_timer_at(const struct room *r)
{
	return r->timer_at;
}

const struct room_effect *room_effects(const struct room *r, size_t *n)
{
	*n = r->nfx;
	return r->fx;
}

void room_effects_clear(struct room *r)
{
	size_t i;

	for (i = 0; i < r->nstrs; i++)
		free(r->strs[i]);
	r->nstrs = 0;
	r->nfx = 0;
}

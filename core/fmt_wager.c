/* 风险 (wager): before each question every unit (a team, or a contestant
 * without one) picks a stake from the round's set during a wager phase;
 * the unit's first stake counts, and no stake means the smallest. Then
 * every unit answers the same question, its first answer counting. At the
 * close a right answer books +stake and a wrong one or none -stake to every
 * active member of the unit. Tie-break times do not move. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "xalloc.h"

/* What a unit did on a question. */
struct wg_rec {
	int32_t q; /* the question this record is of; stale otherwise */
	int32_t stake;
	bool answered, correct;
	int64_t rt_us;
};

struct wager_state {
	int32_t q; /* the current question */
	struct wg_rec teams[CONTEST_TEAMS_MAX];
	struct wg_rec *solo; /* contestants without a team, by player id */
	size_t cap;
};

/* The record of a unit, NULL if it has none yet (a solo past the array). */
static const struct wg_rec *wg_find(const struct wager_state *s, int team,
				    uint32_t player)
{
	if (team >= 0)
		return team < CONTEST_TEAMS_MAX ? &s->teams[team] : NULL;
	return player < s->cap ? &s->solo[player] : NULL;
}

/* The record of a unit for the current question, made on demand. */
static struct wg_rec *wg_get(struct wager_state *s, int team, uint32_t player)
{
	struct wg_rec *r;
	size_t i, cap;

	if (team < 0 && player >= s->cap) {
		cap = s->cap ? s->cap * 2 : 64;
		while (cap <= player)
			cap *= 2;
		s->solo = xrealloc(s->solo, cap * sizeof(*s->solo));
		for (i = s->cap; i < cap; i++)
			s->solo[i].q = -1;
		s->cap = cap;
	}
	r = team >= 0 ? &s->teams[team] : &s->solo[player];
	if (r->q != s->q) {
		memset(r, 0, sizeof(*r));
		r->q = s->q;
	}
	return r;
}

/* Whether a record belongs to the current question. */
static bool wg_live(const struct wager_state *s, const struct wg_rec *r)
{
	return r && r->q == s->q;
}

/* The round asks its configured count. */
static uint32_t wg_begin(void *st, const struct fmt_ctx *c)
{
	struct wager_state *s = st;
	size_t i;

	s->q = -1;
	for (i = 0; i < CONTEST_TEAMS_MAX; i++)
		s->teams[i].q = -1;
	return c->cfg->count;
}

/* Everyone may act; the stakes are picked first. */
static void wg_open(void *st, const struct fmt_ctx *c, struct room_turn *out,
		    int64_t *pre_us)
{
	struct wager_state *s = st;

	s->q = (int32_t)c->q;
	out->restricted = false;
	*pre_us = c->cfg->wager_us;
}

/* One stake and one answer per unit. */
static int wg_check(const void *st, const struct fmt_ctx *c, uint32_t player,
		    int team, enum room_event_kind kind)
{
	const struct wager_state *s = st;
	const struct wg_rec *r = wg_find(s, team, player);

	(void)c;
	if (kind == EV_WAGER)
		return wg_live(s, r) && r->stake ? -QE_ALREADY_ANSWERED : 0;
	if (kind == EV_ANSWER)
		return wg_live(s, r) && r->answered ? -QE_ALREADY_ANSWERED : 0;
	return -QE_BAD_STATE;
}

/* Records a stake (one of the round's) or an answer. */
static int wg_input(void *st, const struct fmt_ctx *c,
		    const struct fmt_input *in, struct fmt_out *out)
{
	struct wager_state *s = st;
	struct wg_rec *r;
	uint32_t i;

	(void)out;
	if (in->kind == EV_WAGER) {
		for (i = 0; i < c->cfg->nstakes; i++)
			if (c->cfg->stakes[i] == in->stake)
				break;
		if (in->stake <= 0 || i == c->cfg->nstakes)
			return -QE_BAD_MESSAGE;
		wg_get(s, in->team, in->player)->stake = in->stake;
		return 0;
	}
	if (in->kind != EV_ANSWER)
		return -QE_BAD_STATE;
	r = wg_get(s, in->team, in->player);
	r->answered = true;
	r->correct = in->correct;
	r->rt_us = in->rt_us;
	return 0;
}

/* The smallest stake of the round: what a unit that picked none risks. */
static int32_t wg_min_stake(const struct round_cfg *cfg)
{
	int32_t m = 0;
	uint32_t i;

	for (i = 0; i < cfg->nstakes; i++)
		if (!m || cfg->stakes[i] < m)
			m = cfg->stakes[i];
	return m;
}

/* Books +stake or -stake to every active contestant by its unit. */
static int64_t wg_close(void *st, const struct fmt_ctx *c,
			void (*book)(void *arg, const struct fmt_book *b),
			void *arg)
{
	const struct wager_state *s = st;
	int32_t least = wg_min_stake(c->cfg);
	size_t id, n = roster_slots(c->roster);

	for (id = 1; id <= n; id++) {
		const struct room_player *p = roster_player(c->roster, id);
		const struct wg_rec *r;
		struct fmt_book b;

		if (p->kicked)
			continue;
		r = wg_find(s, p->team, (uint32_t)id);
		if (!wg_live(s, r))
			r = NULL;
		memset(&b, 0, sizeof(b));
		b.player = (uint32_t)id;
		b.stake = r && r->stake ? r->stake : least;
		if (r && r->answered) {
			b.answered = true;
			b.correct = r->correct;
			b.rt_us = r->rt_us;
		}
		b.delta = b.correct ? b.stake : -(int64_t)b.stake;
		book(arg, &b);
	}
	return 0;
}

/* The stake a unit picked on the current question, 0 if none. */
static int32_t wg_stake(const void *st, int team, uint32_t player)
{
	const struct wager_state *s = st;
	const struct wg_rec *r = wg_find(s, team, player);

	return wg_live(s, r) ? r->stake : 0;
}

/* A judge's ruling re-marks the unit's answer. */
static void wg_regrade(void *st, const struct fmt_ctx *c, uint32_t player,
		       int team, bool correct)
{
	struct wager_state *s = st;
	const struct wg_rec *f = wg_find(s, team, player);

	(void)c;
	if (wg_live(s, f) && f->answered)
		wg_get(s, team, player)->correct = correct;
}

/* Frees the records of contestants without a team. */
static void wg_end(void *st)
{
	struct wager_state *s = st;

	free(s->solo);
	s->solo = NULL;
	s->cap = 0;
}

const struct fmt_vt fmt_wager = {
    .format = FMT_WAGER,
    .name = "wager",
    .state_size = sizeof(struct wager_state),
    .begin = wg_begin,
    .open = wg_open,
    .check = wg_check,
    .input = wg_input,
    .close = wg_close,
    .stake = wg_stake,
    .end = wg_end,
    .regrade = wg_regrade,
};

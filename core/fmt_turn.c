/* 必答 (turn): units take the questions in turn. The units are the teams
 * with an active member when the round begins, in team order, or, when no
 * active contestant is in a team, the active contestants in join order.
 * Question k belongs to unit k % units; only its members may answer
 * (others: NOT_YOUR_TURN) and the unit's first answer counts. At the
 * close a right answer books +points and a wrong one the penalty to every
 * active member of the unit; no answer books 0. Tie-break times do not
 * move. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "xalloc.h"

struct turn_state {
	uint32_t *units; /* team indexes, or player ids without teams */
	uint32_t nunits;
	bool teams;    /* the units are teams */
	uint32_t unit; /* whose turn the current question is */
	int32_t q;     /* the question the unit answered, -1 none */
	bool correct;
	int64_t rt_us;
};

/* Fixes the units from the roster at the round's start. */
static uint32_t turn_begin(void *st, const struct fmt_ctx *c)
{
	struct turn_state *s = st;
	size_t i, nt = roster_team_count(c->roster);
	size_t slots = roster_slots(c->roster);
	uint64_t n;

	s->q = -1;
	s->units = xmalloc((nt + slots + 1) * sizeof(*s->units));
	for (i = 0; i < nt; i++)
		if (roster_team_members(c->roster, (int)i))
			s->units[s->nunits++] = (uint32_t)i;
	s->teams = s->nunits > 0;
	for (i = 1; !s->teams && i <= slots; i++)
		if (!roster_player(c->roster, (uint32_t)i)->kicked)
			s->units[s->nunits++] = (uint32_t)i;
	n = (uint64_t)c->cfg->count * s->nunits;
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Question k is unit k % units' turn. */
static void turn_open(void *st, const struct fmt_ctx *c, struct room_turn *out,
		      int64_t *pre_us)
{
	struct turn_state *s = st;

	s->unit = s->units[c->k % s->nunits];
	s->q = -1;
	out->restricted = true;
	out->team = s->teams ? (int)s->unit : -1;
	out->player = s->teams ? 0 : s->unit;
	*pre_us = 0;
}

/* Only the unit whose turn it is, once. */
static int turn_check(const void *st, const struct fmt_ctx *c, uint32_t player,
		      int team, enum room_event_kind kind)
{
	const struct turn_state *s = st;

	if (kind != EV_ANSWER)
		return -QE_BAD_STATE;
	if (s->teams ? team < 0 || (uint32_t)team != s->unit
		     : player != s->unit)
		return -QE_NOT_YOUR_TURN;
	if (s->q == (int32_t)c->q)
		return -QE_ALREADY_ANSWERED;
	return 0;
}

/* Records the unit's answer. */
static int turn_input(void *st, const struct fmt_ctx *c,
		      const struct fmt_input *in, struct fmt_out *out)
{
	struct turn_state *s = st;

	(void)out;
	if (in->kind != EV_ANSWER)
		return -QE_BAD_STATE;
	s->q = (int32_t)c->q;
	s->correct = in->correct;
	s->rt_us = in->rt_us;
	return 0;
}

/* Books the unit's answer to each of its members, nothing to the rest. */
static int64_t turn_close(void *st, const struct fmt_ctx *c,
			  void (*book)(void *arg, const struct fmt_book *b),
			  void *arg)
{
	const struct turn_state *s = st;
	bool answered = s->q == (int32_t)c->q;
	size_t id, n = roster_slots(c->roster);

	for (id = 1; id <= n; id++) {
		const struct room_player *p = roster_player(c->roster, id);
		struct fmt_book b;
		bool mine;

		if (p->kicked)
			continue;
		mine = s->teams ? p->team >= 0 && (uint32_t)p->team == s->unit
				: id == s->unit;
		memset(&b, 0, sizeof(b));
		b.player = (uint32_t)id;
		if (mine && answered) {
			b.answered = true;
			b.correct = s->correct;
			b.rt_us = s->rt_us;
			b.delta = s->correct ? c->cfg->points : c->cfg->penalty;
		}
		book(arg, &b);
	}
	return 0;
}

/* A judge's ruling re-marks the unit's answer. */
static void turn_regrade(void *st, const struct fmt_ctx *c, uint32_t player,
			 int team, bool correct)
{
	struct turn_state *s = st;

	(void)player;
	(void)team;
	if (s->q == (int32_t)c->q)
		s->correct = correct;
}

/* Frees the units. */
static void turn_end(void *st)
{
	struct turn_state *s = st;

	free(s->units);
	s->units = NULL;
	s->nunits = 0;
}

const struct fmt_vt fmt_turn = {
    .format = FMT_TURN,
    .name = "turn",
    .state_size = sizeof(struct turn_state),
    .begin = turn_begin,
    .open = turn_open,
    .check = turn_check,
    .input = turn_input,
    .close = turn_close,
    .stake = NULL,
    .end = turn_end,
    .regrade = turn_regrade,
};

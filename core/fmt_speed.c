/* The speed round: every contestant answers every question; a right answer
 * scores by speed (scoring_speed), a wrong one or none scores 0. The
 * response time of an answer (or the limit without one) adds to the
 * tie-break time. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "scoring.h"
#include "xalloc.h"

/* A contestant's answer to the question q. */
struct spd_rec {
	int32_t q; /* the question answered last, -1 none */
	bool correct;
	int64_t rt_us;
};

struct spd_state {
	struct spd_rec *a; /* indexed by player id */
	size_t cap;
};

/* Grows the records to hold player id. */
static void spd_reserve(struct spd_state *s, uint32_t id)
{
	size_t i, cap;

	if (id < s->cap)
		return;
	cap = s->cap ? s->cap * 2 : 64;
	while (cap <= id)
		cap *= 2;
	s->a = xrealloc(s->a, cap * sizeof(*s->a));
	for (i = s->cap; i < cap; i++)
		s->a[i].q = -1;
	s->cap = cap;
}

/* The round asks its configured count. */
static uint32_t spd_begin(void *st, const struct fmt_ctx *c)
{
	(void)st;
	return c->cfg->count;
}

/* Every contestant may answer; no wager phase. */
static void spd_open(void *st, const struct fmt_ctx *c, struct room_turn *out,
		     int64_t *pre_us)
{
	(void)st;
	(void)c;
	out->restricted = false;
	*pre_us = 0;
}

/* One answer per contestant; no stakes. */
static int spd_check(const void *st, const struct fmt_ctx *c, uint32_t player,
		     int team, enum room_event_kind kind)
{
	const struct spd_state *s = st;

	(void)team;
	if (kind != EV_ANSWER)
		return -QE_BAD_STATE;
	if (player < s->cap && s->a[player].q == (int32_t)c->q)
		return -QE_ALREADY_ANSWERED;
	return 0;
}

/* Records an answer. */
static int spd_input(void *st, const struct fmt_ctx *c,
		     const struct fmt_input *in, struct fmt_out *out)
{
	struct spd_state *s = st;

	(void)out;
	if (in->kind != EV_ANSWER)
		return -QE_BAD_STATE;
	spd_reserve(s, in->player);
	s->a[in->player].q = (int32_t)c->q;
	s->a[in->player].correct = in->correct;
	s->a[in->player].rt_us = in->rt_us;
	return 0;
}

/* Books speed points to every right answer, the time to everyone. */
static int64_t spd_close(void *st, const struct fmt_ctx *c,
			 void (*book)(void *arg, const struct fmt_book *b),
			 void *arg)
{
	const struct spd_state *s = st;
	int64_t limit = c->cfg->time_limit_us;
	uint32_t points = c->cfg->points > 0 ? (uint32_t)c->cfg->points : 0;
	size_t id, n = roster_slots(c->roster);

	for (id = 1; id <= n; id++) {
		const struct room_player *p = roster_player(c->roster, id);
		struct fmt_book b;

		if (p->kicked)
			continue;
		memset(&b, 0, sizeof(b));
		b.player = (uint32_t)id;
		b.time_us = limit;
		if (id < s->cap && s->a[id].q == (int32_t)c->q) {
			b.answered = true;
			b.correct = s->a[id].correct;
			b.rt_us = s->a[id].rt_us;
			b.time_us = b.rt_us;
			if (b.correct)
				b.delta = scoring_speed(points, limit, b.rt_us);
		}
		book(arg, &b);
	}
	return limit;
}

/* A judge's ruling re-marks a recorded answer. */
static void spd_regrade(void *st, const struct fmt_ctx *c, uint32_t player,
			int team, bool correct)
{
	struct spd_state *s = st;

	(void)team;
	if (player < s->cap && s->a[player].q == (int32_t)c->q)
		s->a[player].correct = correct;
}

/* Frees the records. */
static void spd_end(void *st)
{
	struct spd_state *s = st;

	free(s->a);
	s->a = NULL;
	s->cap = 0;
}

const struct fmt_vt fmt_speed = {
    .format = FMT_SPEED,
    .name = "speed",
    .state_size = sizeof(struct spd_state),
    .begin = spd_begin,
    .open = spd_open,
    .check = spd_check,
    .input = spd_input,
    .close = spd_close,
    .stake = NULL,
    .end = spd_end,
    .regrade = spd_regrade,
};

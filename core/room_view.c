/* The room's settings, its contest without a contest file, the names of
 * event kinds, and the read-only views the server builds messages from. */
#include "room.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "room_int.h"

#define MS  1000LL
#define SEC 1000000LL

/* Fills the documented defaults. */
void room_settings_default(struct room_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->question_count = 10;
	s->time_limit_us = 20 * SEC;
	s->points = 1000;
	s->max_players = 10000;
	s->auto_advance = false;
	s->countdown_us = 3 * SEC;
	s->reveal_us = 4 * SEC;
	s->leaderboard_us = 4 * SEC;
	s->lead_us = 250 * MS;
	s->comp_cap_us = 150 * MS;
}

/* Zero means default; anything else must lie in its documented range. */
int room_settings_normalize(struct room_settings *s)
{
	struct room_settings d;

	room_settings_default(&d);
	if (!s->question_count)
		s->question_count = d.question_count;
	if (!s->time_limit_us)
		s->time_limit_us = d.time_limit_us;
	if (!s->points)
		s->points = d.points;
	if (!s->max_players)
		s->max_players = d.max_players;
	if (!s->countdown_us)
		s->countdown_us = d.countdown_us;
	if (!s->reveal_us)
		s->reveal_us = d.reveal_us;
	if (!s->leaderboard_us)
		s->leaderboard_us = d.leaderboard_us;
	if (!s->lead_us)
		s->lead_us = d.lead_us;
	if (!s->comp_cap_us)
		s->comp_cap_us = d.comp_cap_us;
	if (s->countdown_us < 0 || s->reveal_us < 0 || s->leaderboard_us < 0 ||
	    s->lead_us < 0 || s->comp_cap_us < 0)
		return -QE_BAD_MESSAGE;
	if (s->question_count > ROOM_MAX_QUESTIONS ||
	    s->time_limit_us < 3 * SEC || s->time_limit_us > 300 * SEC ||
	    s->points > 100000 || s->max_players > 100000 ||
	    s->countdown_us > 60 * SEC || s->reveal_us > 60 * SEC ||
	    s->leaderboard_us > 60 * SEC || s->lead_us > 5 * SEC ||
	    s->comp_cap_us > SEC || s->countdown_us < s->lead_us)
		return -QE_BAD_MESSAGE;
	s->title[ROOM_TITLE_MAX] = '\0';
	return 0;
}

/* One SPEED round from the settings, no fixed teams, mean with base 0. */
void room_contest_from_settings(struct contest *c,
				const struct room_settings *s,
				const char *category, uint32_t kinds,
				int min_difficulty, int max_difficulty)
{
	struct round_cfg *rc = &c->rounds[0];

	memset(c, 0, sizeof(*c));
	/* a contest needs a title; a room's own title may be empty */
	snprintf(c->title, sizeof(c->title), "%s",
		 s->title[0] ? s->title : "Quiz");
	c->scoring = TEAM_MEAN;
	c->team_base = 0;
	c->nrounds = 1;
	round_cfg_default(rc, FMT_SPEED);
	rc->count = s->question_count;
	rc->time_limit_us = s->time_limit_us;
	rc->points = (int32_t)s->points;
	snprintf(rc->category, sizeof(rc->category), "%s",
		 category ? category : "");
	rc->kinds = kinds;
	rc->min_difficulty = min_difficulty;
	rc->max_difficulty = max_difficulty;
	/* normalized settings are within every range of a round */
	(void)contest_normalize(c, NULL, 0);
}

/* Stored names of event kinds, indexed by kind. */
static const char *const ev_names[] = {
    [EV_JOIN] = "join",	    [EV_LEAVE] = "leave",     [EV_KICK] = "kick",
    [EV_PAUSE] = "pause",   [EV_RESUME] = "resume",   [EV_SKIP] = "skip",
    [EV_NEXT] = "next",	    [EV_END] = "end",	      [EV_ANSWER] = "answer",
    [EV_WAGER] = "wager",   [EV_START] = "start",     [EV_TICK] = "tick",
    [EV_COMMIT] = "commit", [EV_HOLD] = "hold",	      [EV_RELEASE] = "release",
    [EV_BUZZ] = "buzz",	    [EV_VERDICT] = "verdict", [EV_RECOVER] = "recover",
};

#define EV_NAMES (sizeof(ev_names) / sizeof(ev_names[0]))

/* The stored name of an event kind, or NULL. */
const char *room_event_kind_name(enum room_event_kind k)
{
	return (unsigned)k < EV_NAMES ? ev_names[k] : NULL;
}

/* The event kind of a stored name, or 0. */
enum room_event_kind room_event_kind_parse(const char *name)
{
	size_t i;

	for (i = 1; name && i < EV_NAMES; i++)
		if (ev_names[i] && strcmp(ev_names[i], name) == 0)
			return (enum room_event_kind)i;
	return (enum room_event_kind)0;
}

enum room_state room_state(const struct room *r)
{
	return r->state;
}

bool room_revealed(const struct room *r)
{
	enum room_state st =
	    r->state == ROOM_PAUSED ? r->paused_from : r->state;

	return st == ROOM_CLOSED && !r->awaiting_commit;
}

bool room_question_revealed(const struct room *r, uint32_t q)
{
	return r->revealed_q1 == q + 1;
}

enum room_state room_paused_from(const struct room *r)
{
	return r->paused_from;
}

const struct room_settings *room_settings(const struct room *r)
{
	return &r->s;
}

const struct contest *room_contest(const struct room *r)
{
	return &r->c;
}

/* In the break between rounds, the next round. */
uint32_t room_round_index(const struct room *r)
{
	if (r->state == ROOM_ROUND_BREAK ||
	    (r->state == ROOM_PAUSED && r->paused_from == ROOM_ROUND_BREAK))
		return r->ri + 1;
	return r->ri;
}

uint32_t room_question_index(const struct room *r)
{
	return r->q;
}

uint32_t room_question_count(const struct room *r)
{
	return r->nq;
}

uint32_t room_question_in_round(const struct room *r, uint32_t q,
				uint32_t *round_size)
{
	uint32_t ri;

	if (q >= r->nq) {
		if (round_size)
			*round_size = 0;
		return 0;
	}
	ri = r->qs[q].round;
	if (round_size)
		*round_size = r->round_n[ri];
	return q - r->round_first[ri];
}

const struct room_question *room_question(const struct room *r, uint32_t q)
{
	return q < r->nq ? &r->qs[q] : NULL;
}

int64_t room_reveal_at(const struct room *r)
{
	return r->reveal_at;
}

int64_t room_deadline_at(const struct room *r)
{
	return r->deadline_at;
}

bool room_question_voided(const struct room *r)
{
	return r->voided;
}

void room_turn(const struct room *r, struct room_turn *out)
{
	*out = r->turn;
}

int32_t room_stake(const struct room *r, int team, uint32_t player)
{
	if (!r->in_round || !r->vt || !r->vt->stake || !r->fst)
		return 0;
	return r->vt->stake(r->fst, team, player);
}

const struct roster *room_roster(const struct room *r)
{
	return r->ro;
}

size_t room_team_board(const struct room *r, struct team_standing *out,
		       size_t max)
{
	return roster_team_board(r->ro, r->c.scoring, r->c.team_base, out, max);
}

size_t room_player_slots(const struct room *r)
{
	return roster_slots(r->ro);
}

bool room_player_booked(const struct room_player *pl, uint32_t q)
{
	return pl && !pl->kicked && pl->last.q == (int32_t)q &&
	       (pl->last.answered || pl->last.delta);
}

const struct room_player *room_player(const struct room *r, uint32_t id)
{
	return roster_player(r->ro, id);
}

uint32_t room_player_count(const struct room *r)
{
	return roster_active(r->ro);
}

uint32_t room_progress(const struct room *r, uint32_t *dist)
{
	memcpy(dist, r->dist, sizeof(r->dist));
	return r->answered;
}

/* Contestants the format still lets answer the open question. */
uint32_t room_waiting(const struct room *r, uint32_t *ids, size_t max)
{
	struct fmt_ctx c;
	uint32_t n = 0;
	size_t id, slots = roster_slots(r->ro);

	if (r->state != ROOM_OPEN)
		return 0;
	room_ctx(r, &c, 0);
	for (id = 1; id <= slots; id++) {
		const struct room_player *p = roster_player(r->ro, id);

		if (p->kicked || r->vt->check(r->fst, &c, (uint32_t)id, p->team,
					      EV_ANSWER) < 0)
			continue;
		if (n < max)
			ids[n] = p->id;
		n++;
	}
	return n;
}

bool room_lobby_dirty(const struct room *r)
{
	return r->lobby_dirty;
}

bool room_progress_dirty(const struct room *r)
{
	return r->progress_dirty;
}

void room_clear_dirty(struct room *r, bool lobby, bool progress)
{
	if (lobby)
		r->lobby_dirty = false;
	if (progress)
		r->progress_dirty = false;
}

/* The buzzer of the open (or just closed) BUZZ question. */
bool room_question_keyed(const struct room *r, uint32_t q)
{
	const struct round_cfg *rc;
	const struct fmt_vt *vt;

	if (q >= r->nq)
		return false;
	rc = &r->c.rounds[r->qs[q].round];
	vt = fmt_find(rc->format);
	return (vt && vt->keyed) || rc->judge != JUDGE_AUTO;
}

bool room_buzz_view(const struct room *r, struct room_buzz *out)
{
	if ((r->state != ROOM_OPEN && r->state != ROOM_CLOSED) ||
	    !r->in_round || !r->vt || !r->fst || !r->vt->buzz_view)
		return false;
	return r->vt->buzz_view(r->fst, out) && out->q == r->q;
}

/* Whether the player's unit may still press on the open question. */
bool room_buzz_may_press(const struct room *r, uint32_t player_id)
{
	const struct room_player *p = roster_player(r->ro, player_id);
	struct fmt_ctx c;

	if (!p || p->kicked || r->state != ROOM_OPEN || !r->vt ||
	    !r->vt->may_press)
		return false;
	room_ctx(r, &c, 0);
	return r->vt->may_press(r->fst, &c, player_id, p->team);
}

/* The ruling awaited (or given) on the current question. */
bool room_judge_view(const struct room *r, struct room_judge *out)
{
	size_t i;
	bool done = true;

	if (r->jon) {
		memset(out, 0, sizeof(*out));
		for (i = 0; i < r->njitems; i++)
			done = done && r->jitems[i].ruled;
		out->q = r->q;
		out->since_us = r->jsince;
		out->done = done;
		out->items = r->jitems;
		out->nitems = r->njitems;
		return true;
	}
	if (!r->in_round || !r->vt || !r->fst || !r->vt->judge_view)
		return false;
	if (r->state == ROOM_LOBBY || r->state == ROOM_FINISHED ||
	    r->state == ROOM_ROUND_BREAK || r->state == ROOM_WAGER ||
	    r->state == ROOM_COUNTDOWN)
		return false;
	return r->vt->judge_view(r->fst, out) && out->q == r->q;
}

/* The speed-round state machine: pure, driven by events and the time the
 * caller passes in. */
#include "room.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "scoring.h"
#include "text.h"
#include "xalloc.h"

#define MS  1000LL
#define SEC 1000000LL

struct room {
	struct room_settings s;
	struct room_question *qs;
	uint32_t nq;
	char host_token[QUIZ_TOKEN_BUF];

	enum room_state state;
	enum room_state paused_from;
	bool awaiting_commit; /* CLOSED: waiting for the store barrier */
	bool voided;	      /* the current question was skipped */
	uint32_t q;	      /* current question, or the next one */
	int64_t reveal_at;
	int64_t deadline_at;
	int64_t timer_at;
	int64_t paused_remaining; /* -1: no timer was armed */
	int64_t paused_at;	  /* when the room was paused */
	int64_t paused_elapsed;	  /* OPEN: time since reveal at the pause */
	int64_t rt_floor;	  /* time used before a pause: no answer after
				     the resume can be faster than this */
	uint32_t scored;	  /* questions closed and scored so far */

	struct room_player *players;
	size_t np, cap;
	uint32_t active;
	uint32_t *nick_ht; /* open addressing, player id or 0 */
	size_t ht_cap;

	char teams[ROOM_TEAMS_MAX][ROOM_NAME_MAX + 1];
	char team_keys[ROOM_TEAMS_MAX][TEXT_KEY_MAX + 1]; /* text_name_key */
	size_t nteams;

	uint32_t answered;
	uint32_t dist[ITEM_MAX_OPTIONS];
	uint32_t *order; /* player ids by rank, as of the last ranking */
	size_t norder;

	struct room_effect *fx;
	size_t nfx, fxcap;
	bool lobby_dirty, progress_dirty;
	bool held;	  /* room_hold in force */
	bool host_paused; /* held: the host wants it paused afterwards */
	enum room_pause_reason hold_reason;
};

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
	if (s->format != 0)
		return -QE_BAD_MESSAGE;
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

/* Appends an effect and returns it zeroed but for its kind. */
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
	return e;
}

/* Finds the slot of a name key in the table: its id or the empty slot. */
static size_t key_slot(const struct room *r, const char *key)
{
	size_t mask = r->ht_cap - 1, i = text_hash(key) & mask;

	while (r->nick_ht[i] &&
	       strcmp(r->players[r->nick_ht[i] - 1].key, key) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Keeps the nickname table at most half full. */
static void nick_grow(struct room *r)
{
	size_t i;

	if (r->ht_cap && (r->np + 1) * 2 <= r->ht_cap)
		return;
	free(r->nick_ht);
	r->ht_cap = r->ht_cap ? r->ht_cap * 2 : 64;
	r->nick_ht = xcalloc(r->ht_cap, sizeof(*r->nick_ht));
	for (i = 0; i < r->np; i++)
		if (!r->players[i].left)
			r->nick_ht[key_slot(r, r->players[i].key)] =
			    (uint32_t)(i + 1);
}

/* Takes a nickname key out of the table, shifting later entries of its probe
 * chain back so no lookup stops early at the hole. */
static void nick_remove(struct room *r, const char *key)
{
	size_t mask = r->ht_cap - 1, i = key_slot(r, key), j, h;

	if (!r->nick_ht[i])
		return;
	r->nick_ht[i] = 0;
	for (j = (i + 1) & mask; r->nick_ht[j]; j = (j + 1) & mask) {
		h = text_hash(r->players[r->nick_ht[j] - 1].key) & mask;
		/* j may fill the hole unless its home lies in (i, j] */
		if ((j > i && (h <= i || h > j)) ||
		    (j < i && h <= i && h > j)) {
			r->nick_ht[i] = r->nick_ht[j];
			r->nick_ht[j] = 0;
			i = j;
		}
	}
}

struct room *room_new(const struct room_settings *s,
		      const struct room_question *questions, size_t n,
		      const char *host_token)
{
	struct room *r = xcalloc(1, sizeof(*r));

	r->s = *s;
	r->nq = (uint32_t)n;
	r->qs = xmalloc((n ? n : 1) * sizeof(*r->qs));
	if (n)
		memcpy(r->qs, questions, n * sizeof(*r->qs));
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
	free(r->qs);
	free(r->players);
	free(r->nick_ht);
	free(r->order);
	free(r->fx);
	free(r);
}

/* A team nobody in the match belongs to any more (its members left the
 * lobby or were kicked), to be reused; -1 if none. */
static int team_unused(struct room *r)
{
	bool used[ROOM_TEAMS_MAX] = {false};
	size_t i, k;

	for (i = 0; i < r->np; i++)
		if (!r->players[i].kicked && r->players[i].team >= 0)
			used[r->players[i].team] = true;
	for (i = 0; i < r->nteams && used[i]; i++)
		;
	if (i == r->nteams)
		return -1;
	for (k = 0; k < r->np; k++)
		if (r->players[k].team == (int)i)
			r->players[k].team = -1;
	return (int)i;
}

/* Finds or adds a team by name, compared by folded key (key is team's
 * text_name_key); -1 for none, -2 when the table is full. */
static int team_index(struct room *r, const char *team, const char *key)
{
	size_t i;
	int t;

	if (!team || !team[0])
		return -1;
	for (i = 0; i < r->nteams; i++)
		if (strcmp(r->team_keys[i], key) == 0)
			return (int)i;
	if (r->nteams == ROOM_TEAMS_MAX) {
		if ((t = team_unused(r)) < 0)
			return -2;
		snprintf(r->teams[t], sizeof(r->teams[0]), "%s", team);
		snprintf(r->team_keys[t], sizeof(r->team_keys[0]), "%s", key);
		return t;
	}
	snprintf(r->teams[r->nteams], sizeof(r->teams[0]), "%s", team);
	snprintf(r->team_keys[r->nteams], sizeof(r->team_keys[0]), "%s", key);
	return (int)r->nteams++;
}

/* Player ids are never reused, so slots of people who left the lobby stay
 * allocated: this bounds them (and the room's memory). */
static size_t room_slots_max(const struct room *r)
{
	return (size_t)r->s.max_players * ROOM_SLOTS_FACTOR + ROOM_SLOTS_EXTRA;
}

int64_t room_join(struct room *r, int64_t now_us, const char *nick,
		  const char *team)
{
	struct room_player *p;
	char key[TEXT_KEY_MAX + 1], tkey[TEXT_KEY_MAX + 1] = "";
	size_t slot;
	int t;

	(void)now_us;
	if (r->state == ROOM_FINISHED)
		return -QE_BAD_STATE;
	/* names are refused or compared by the rules of text_valid_name and
	 * text_name_key (docs/PROTOCOL.md, JoinRoom) */
	if (!nick || !text_valid_name(nick, ROOM_NAME_MAX) ||
	    text_name_key(nick, key, sizeof(key)) <= 0)
		return -QE_BAD_MESSAGE;
	if (team && team[0] &&
	    (!text_valid_name(team, ROOM_NAME_MAX) ||
	     text_name_key(team, tkey, sizeof(tkey)) <= 0))
		return -QE_BAD_MESSAGE;
	if (r->active >= r->s.max_players || r->np >= room_slots_max(r))
		return -QE_ROOM_FULL;
	nick_grow(r);
	slot = key_slot(r, key);
	if (r->nick_ht[slot])
		return -QE_NAME_TAKEN;
	t = team_index(r, team, tkey);
	if (t == -2)
		return -QE_ROOM_FULL;
	if (r->np == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->players = xrealloc(r->players, r->cap * sizeof(*r->players));
	}
	p = &r->players[r->np++];
	memset(p, 0, sizeof(*p));
	p->id = (uint32_t)r->np;
	snprintf(p->nick, sizeof(p->nick), "%s", nick);
	memcpy(p->key, key, sizeof(p->key));
	p->team = t;
	p->answered_q = -1;
	/* a late joiner missed the questions scored so far: like a contestant
	 * who stayed silent, each counts the full limit toward tie-breaks */
	p->total_time_us = (int64_t)r->scored * r->s.time_limit_us;
	r->nick_ht[slot] = p->id;
	r->active++;
	r->lobby_dirty = true;
	return p->id;
}

int room_leave(struct room *r, uint32_t player_id)
{
	struct room_player *p;

	if (player_id == 0 || player_id > r->np)
		return -QE_BAD_MESSAGE;
	p = &r->players[player_id - 1];
	if (r->state != ROOM_LOBBY || p->kicked)
		return -QE_BAD_STATE;
	nick_remove(r, p->key);
	p->kicked = true;
	p->left = true;
	r->active--;
	r->lobby_dirty = true;
	return 0;
}

/* Orders (score desc, total time asc, join order asc). */
struct rank_key {
	int64_t score;
	int64_t time;
	uint32_t id;
};

static int rank_cmp(const void *a, const void *b)
{
	const struct rank_key *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Recomputes every player's rank and the standings order. */
static void rank_players(struct room *r)
{
	struct rank_key *k = xmalloc((r->np ? r->np : 1) * sizeof(*k));
	size_t i, n = 0;

	for (i = 0; i < r->np; i++) {
		struct room_player *p = &r->players[i];

		p->rank = 0;
		if (p->kicked)
			continue;
		k[n].score = p->score;
		k[n].time = p->total_time_us;
		k[n].id = p->id;
		n++;
	}
	qsort(k, n, sizeof(*k), rank_cmp);
	r->order = xrealloc(r->order, (n ? n : 1) * sizeof(*r->order));
	for (i = 0; i < n; i++) {
		r->order[i] = k[i].id;
		r->players[k[i].id - 1].rank = (uint32_t)(i + 1);
	}
	r->norder = n;
	free(k);
}

/* COUNTDOWN for question r->q: reveal at now + countdown. */
static void begin_countdown(struct room *r, int64_t now)
{
	struct room_effect *e;

	r->state = ROOM_COUNTDOWN;
	r->reveal_at = now + r->s.countdown_us;
	r->deadline_at = 0;
	r->timer_at = r->reveal_at - r->s.lead_us;
	e = fx_push(r, FX_COUNTDOWN, r->q);
	e->at_us = r->reveal_at;
}

/* Sends the question lead_us ahead of its reveal and opens it. */
static void open_question(struct room *r, int64_t now)
{
	struct room_effect *e;

	if (r->reveal_at < now + r->s.lead_us)
		r->reveal_at = now + r->s.lead_us;
	r->deadline_at = r->reveal_at + r->s.time_limit_us;
	r->timer_at = r->deadline_at + r->s.comp_cap_us;
	r->state = ROOM_OPEN;
	r->voided = false;
	r->rt_floor = 0;
	r->answered = 0;
	memset(r->dist, 0, sizeof(r->dist));
	r->progress_dirty = true;
	e = fx_push(r, FX_QUESTION, r->q);
	e->reveal_at_us = r->reveal_at;
	e->deadline_at_us = r->deadline_at;
}

/* Closes the open question, books its scores unless voided, and asks the
 * server for a commit barrier before the reveal. */
static void close_question(struct room *r, bool voided)
{
	struct room_effect *e;
	size_t i;

	r->state = ROOM_CLOSED;
	r->awaiting_commit = true;
	r->voided = voided;
	r->timer_at = 0;
	if (!voided)
		r->scored++;
	for (i = 0; i < r->np && !voided; i++) {
		struct room_player *p = &r->players[i];

		if (p->kicked)
			continue;
		if (p->answered_q == (int32_t)r->q) {
			p->score += p->last_points;
			p->correct += p->last_correct;
			p->total_time_us += p->last_rt_us;
		} else {
			p->total_time_us += r->s.time_limit_us;
		}
	}
	e = fx_push(r, FX_CLOSED, r->q);
	e->voided = voided;
}

/* The match is over: final standings. */
static void finish(struct room *r)
{
	struct room_effect *e;

	r->state = ROOM_FINISHED;
	r->timer_at = 0;
	rank_players(r);
	e = fx_push(r, FX_LEADERBOARD, r->q);
	e->final = true;
	fx_push(r, FX_FINISHED, r->q);
}

/* After the reveal: the leaderboard, or the end after the last question. */
static void after_reveal(struct room *r, int64_t now)
{
	if (r->q + 1 >= r->nq) {
		finish(r);
		return;
	}
	r->state = ROOM_LEADERBOARD;
	fx_push(r, FX_LEADERBOARD, r->q);
	r->timer_at = r->s.auto_advance ? now + r->s.leaderboard_us : 0;
}

/* After the leaderboard: the next question's countdown. */
static void after_leaderboard(struct room *r, int64_t now)
{
	r->q++;
	begin_countdown(r, now);
}

/* Moves the room on from a waiting state (timer or host NEXT). */
static int advance(struct room *r, int64_t now)
{
	switch (r->state) {
	case ROOM_COUNTDOWN:
		r->reveal_at = now;
		open_question(r, now);
		return 0;
	case ROOM_OPEN:
		close_question(r, false);
		return 0;
	case ROOM_CLOSED:
		if (r->awaiting_commit)
			return -QE_BAD_STATE;
		after_reveal(r, now);
		return 0;
	case ROOM_LEADERBOARD:
		after_leaderboard(r, now);
		return 0;
	default:
		return -QE_BAD_STATE;
	}
}

/* Freezes the running phase, remembering what is left of it. */
static int pause_room(struct room *r, int64_t now)
{
	struct room_effect *e;

	if (r->state != ROOM_COUNTDOWN && r->state != ROOM_OPEN &&
	    r->state != ROOM_CLOSED && r->state != ROOM_LEADERBOARD)
		return -QE_BAD_STATE;
	if (r->state == ROOM_CLOSED && r->awaiting_commit)
		return -QE_BAD_STATE;
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
	e->remaining_us = r->paused_from == ROOM_OPEN ? r->deadline_at - now
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

	if (r->state != ROOM_PAUSED)
		return -QE_BAD_STATE;
	r->state = r->paused_from;
	fx_push(r, FX_RESUMED, r->q);
	switch (r->state) {
	case ROOM_OPEN:
		r->reveal_at += now - r->paused_at;
		r->rt_floor = r->paused_elapsed > 0 ? r->paused_elapsed : 0;
		r->deadline_at = r->reveal_at + r->s.time_limit_us;
		r->timer_at = r->deadline_at + r->s.comp_cap_us;
		e = fx_push(r, FX_QUESTION, r->q);
		e->reveal_at_us = r->reveal_at;
		e->deadline_at_us = r->deadline_at;
		break;
	case ROOM_COUNTDOWN:
		r->timer_at = now + r->paused_remaining;
		r->reveal_at = r->timer_at + r->s.lead_us;
		e = fx_push(r, FX_COUNTDOWN, r->q);
		e->at_us = r->reveal_at;
		break;
	default:
		r->timer_at =
		    r->paused_remaining >= 0 ? now + r->paused_remaining : 0;
		break;
	}
	return 0;
}

/* Ends the match now; an open question is voided. */
static int end_match(struct room *r)
{
	if (r->state == ROOM_FINISHED)
		return -QE_BAD_STATE;
	if (r->state == ROOM_OPEN ||
	    (r->state == ROOM_PAUSED && r->paused_from == ROOM_OPEN)) {
		struct room_effect *e;

		r->voided = true;
		e = fx_push(r, FX_CLOSED, r->q);
		e->voided = true;
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

int room_hold(struct room *r, int64_t now_us, enum room_pause_reason reason)
{
	struct room_effect *e;

	if (r->held)
		return 0;
	r->held = true;
	r->hold_reason = reason;
	r->host_paused = false;
	switch (r->state) {
	case ROOM_PAUSED: /* by the host: now also held */
		r->host_paused = true;
		e = fx_push(r, FX_PAUSED, r->q);
		e->remaining_us = r->paused_from == ROOM_OPEN
				      ? r->s.time_limit_us - r->paused_elapsed
				      : r->paused_remaining;
		break;
	case ROOM_CLOSED:
		if (!r->awaiting_commit) {
			pause_room(r, now_us);
			break;
		}
		/* no timer runs while the commit is awaited */
		r->paused_from = ROOM_CLOSED;
		r->paused_remaining = -1;
		r->paused_elapsed = now_us - r->reveal_at;
		r->timer_at = 0;
		r->state = ROOM_PAUSED;
		fx_push(r, FX_PAUSED, r->q)->remaining_us = -1;
		break;
	case ROOM_COUNTDOWN:
	case ROOM_OPEN:
	case ROOM_LEADERBOARD:
		pause_room(r, now_us);
		break;
	default: /* lobby, finished: no clock to stop */
		return 0;
	}
	r->fx[r->nfx - 1].reason = reason;
	return 0;
}

int room_release(struct room *r, int64_t now_us)
{
	struct room_effect *e;

	if (!r->held)
		return 0;
	r->held = false;
	if (r->state != ROOM_PAUSED)
		return 0;
	if (r->host_paused) {
		r->host_paused = false;
		e = fx_push(r, FX_PAUSED, r->q);
		e->remaining_us = r->paused_from == ROOM_OPEN
				      ? r->s.time_limit_us - r->paused_elapsed
				      : r->paused_remaining;
		e->reason = ROOM_PAUSE_HOST;
		return 0;
	}
	return resume_room(r, now_us);
}

bool room_held(const struct room *r)
{
	return r->held;
}

enum room_pause_reason room_pause_reason(const struct room *r)
{
	return r->held ? r->hold_reason : ROOM_PAUSE_HOST;
}

/* Constant-time comparison of the presented host token. */
static bool token_ok(const struct room *r, const char *tok)
{
	return tok && r->host_token[0] && text_secret_eq(tok, r->host_token);
}

int room_command(struct room *r, int64_t now_us, const char *host_token,
		 enum room_cmd cmd, uint32_t arg)
{
	struct room_player *p;

	if (!token_ok(r, host_token))
		return -QE_NOT_HOST;
	if (r->held &&
	    (cmd == CMD_START || cmd == CMD_PAUSE || cmd == CMD_RESUME))
		return held_command(r, cmd);
	switch (cmd) {
	case CMD_START:
		if (r->state != ROOM_LOBBY || r->nq == 0)
			return -QE_BAD_STATE;
		r->q = 0;
		begin_countdown(r, now_us);
		return 0;
	case CMD_NEXT:
		return advance(r, now_us);
	case CMD_SKIP:
		if (r->state == ROOM_OPEN) {
			close_question(r, true);
			return 0;
		}
		return advance(r, now_us);
	case CMD_PAUSE:
		return pause_room(r, now_us);
	case CMD_RESUME:
		return resume_room(r, now_us);
	case CMD_KICK:
		if (arg == 0 || arg > r->np)
			return -QE_BAD_MESSAGE;
		p = &r->players[arg - 1];
		if (p->kicked)
			return -QE_BAD_STATE;
		p->kicked = true;
		r->active--;
		r->lobby_dirty = true;
		fx_push(r, FX_KICKED, r->q)->player = arg;
		return 0;
	case CMD_END:
		return end_match(r);
	}
	return -QE_BAD_MESSAGE;
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

int room_answer(struct room *r, int64_t recv_us, uint32_t player_id, uint32_t q,
		uint32_t choice_mask, const char *text, int64_t one_way_us,
		int64_t *rt_us)
{
	const struct room_question *qq;
	struct room_player *p;
	struct room_effect *e;
	int64_t comp, rt;
	unsigned i;

	if (player_id == 0 || player_id > r->np)
		return -QE_BAD_MESSAGE;
	p = &r->players[player_id - 1];
	if (p->kicked)
		return -QE_BAD_STATE;
	if (q >= r->nq)
		return -QE_BAD_MESSAGE;
	if (q < r->q || (q == r->q && (r->state == ROOM_CLOSED ||
				       r->state == ROOM_LEADERBOARD ||
				       r->state == ROOM_FINISHED)))
		return -QE_TOO_LATE;
	if (r->state != ROOM_OPEN || q != r->q || recv_us < r->reveal_at)
		return -QE_BAD_STATE;
	if (p->answered_q == (int32_t)q)
		return -QE_ALREADY_ANSWERED;
	qq = &r->qs[q];
	if (!answer_valid(qq, choice_mask, text))
		return -QE_BAD_MESSAGE;
	comp = one_way_us < 0 ? 0 : one_way_us;
	if (comp > r->s.comp_cap_us)
		comp = r->s.comp_cap_us;
	rt = recv_us - r->reveal_at - comp;
	if (rt < r->rt_floor)
		rt = r->rt_floor;
	if (rt > r->s.time_limit_us)
		return -QE_TOO_LATE;

	p->answered_q = (int32_t)q;
	p->choice_mask = choice_mask;
	p->last_rt_us = rt;
	if (qq->item->kind == ITEM_FILL)
		p->last_correct = item_fill_matches(qq->item, text) != 0;
	else
		p->last_correct = choice_mask == qq->correct_mask;
	p->last_points =
	    p->last_correct ? scoring_speed(r->s.points, r->s.time_limit_us, rt)
			    : 0;
	r->answered++;
	if (qq->item->kind == ITEM_FILL)
		r->dist[p->last_correct ? 0 : 1]++;
	for (i = 0; i < qq->n_options; i++)
		if (choice_mask & (1u << i))
			r->dist[i]++;
	r->progress_dirty = true;

	e = fx_push(r, FX_ANSWER, q);
	e->player = player_id;
	e->recv_us = recv_us;
	e->rt_us = rt;
	e->choice_mask = choice_mask;
	e->correct = p->last_correct;
	e->points = p->last_points;
	e->comp_us = comp;
	*rt_us = rt;
	return 0;
}

void room_tick(struct room *r, int64_t now_us)
{
	if (!r->timer_at || now_us < r->timer_at)
		return;
	r->timer_at = 0;
	(void)advance(r, now_us);
}

void room_committed(struct room *r, int64_t now_us, uint32_t q)
{
	if (r->state != ROOM_CLOSED || !r->awaiting_commit || q != r->q)
		return;
	r->awaiting_commit = false;
	rank_players(r);
	fx_push(r, FX_REVEAL, q)->voided = r->voided;
	r->timer_at = r->s.auto_advance ? now_us + r->s.reveal_us : 0;
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
	r->nfx = 0;
}

enum room_state room_state(const struct room *r)
{
	return r->state;
}

const struct room_settings *room_settings(const struct room *r)
{
	return &r->s;
}

uint32_t room_question_index(const struct room *r)
{
	return r->q;
}
uint32_t room_question_count(const struct room *r)
{
	return r->nq;
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
size_t room_player_slots(const struct room *r)
{
	return r->np;
}

const struct room_player *room_player(const struct room *r, uint32_t id)
{
	return id && id <= r->np ? &r->players[id - 1] : NULL;
}

uint32_t room_player_count(const struct room *r)
{
	return r->active;
}

uint32_t room_progress(const struct room *r, uint32_t *dist)
{
	memcpy(dist, r->dist, sizeof(r->dist));
	return r->answered;
}

uint32_t room_waiting(const struct room *r, uint32_t *ids, size_t max)
{
	uint32_t n = 0;
	size_t i;

	if (r->state != ROOM_OPEN)
		return 0;
	for (i = 0; i < r->np; i++) {
		const struct room_player *p = &r->players[i];

		if (p->kicked || p->answered_q == (int32_t)r->q)
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

size_t room_standings(const struct room *r, uint32_t *out, size_t max)
{
	size_t n = r->norder < max ? r->norder : max;

	memcpy(out, r->order, n * sizeof(*out));
	return n;
}

size_t room_team_count(const struct room *r)
{
	return r->nteams;
}

const char *room_team_name(const struct room *r, size_t i)
{
	return i < r->nteams ? r->teams[i] : NULL;
}

void room_team_tallies(const struct room *r, uint32_t *members,
		       int64_t *mean_score)
{
	size_t k;

	for (k = 0; k < r->nteams; k++) {
		members[k] = 0;
		mean_score[k] = 0; /* the sum until the division below */
	}
	for (k = 0; k < r->np; k++) {
		const struct room_player *p = &r->players[k];

		if (!p->kicked && p->team >= 0) {
			members[p->team]++;
			mean_score[p->team] += p->score;
		}
	}
	for (k = 0; k < r->nteams; k++)
		if (members[k])
			mean_score[k] /= members[k];
}

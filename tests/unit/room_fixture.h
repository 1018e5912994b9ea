/* A fake clock and a driver for the room (core/room.c), shared by the room,
 * format, roster and replay tests. The clock is a plain int64 the tests
 * move; timers fire when the test says so, and every FX_CLOSED barrier is
 * answered with room_committed the way the server does once the store has
 * committed (unless auto_commit is off). Every effect is logged with the
 * fake time it came out at; every FX_EVENT is copied, strings and all, so a
 * run can be replayed into a fresh room.
 *
 * Each test file is one translation unit and includes this once; the
 * functions are static inline so a file that does not use one of them
 * builds without warnings. */
#ifndef QUIZ_TEST_ROOM_FIXTURE_H
#define QUIZ_TEST_ROOM_FIXTURE_H

#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contest.h"
#include "errors.h"
#include "item.h"
#include "room.h"
#include "roster.h"
#include "xalloc.h"

#define MS	  1000LL
#define SEC	  1000000LL
#define TOKEN	  "host-7f3a9c"
#define LOG_MAX	  16384
#define EVLOG_MAX 16384

static struct bank *bank;
static struct room *R;
static int64_t now;
static bool auto_commit;

/* Every effect seen, with the fake time at which it came out. FX_EVENT
 * strings in fxlog dangle once the room clears its effects: use evlog. */
static struct room_effect fxlog[LOG_MAX];
static int64_t fxtime[LOG_MAX];
static size_t nfx;

/* Every FX_EVENT seen, with its strings copied. */
struct ev_copy {
	struct room_event ev;
	char nick[QUIZ_NAME_MAX * 4 + 1];
	char team[QUIZ_TEAM_MAX * 4 + 1];
	char text[QUIZ_FILL_MAX * 4 + 1];
};
static struct ev_copy evlog[EVLOG_MAX];
static size_t nev;

/* ---- bank ------------------------------------------------------------- */

/* Adds one item to the bank through bank_add (the bank owns the strings). */
static inline void add_item_full(const char *id, enum item_kind kind,
				 const char *const *opts, unsigned nopt,
				 uint32_t mask, const char *const *fills,
				 unsigned nfill, const char *category,
				 int difficulty)
{
	struct item it;
	unsigned i;

	memset(&it, 0, sizeof(it));
	it.id = xstrdup(id);
	it.kind = kind;
	it.stem = xstrdup("stem");
	for (i = 0; i < nopt; i++)
		it.options[i] = xstrdup(opts[i]);
	it.n_options = nopt;
	it.correct_mask = mask;
	for (i = 0; i < nfill; i++)
		it.fills[i] = xstrdup(fills[i]);
	it.n_fills = nfill;
	it.category = xstrdup(category);
	it.difficulty = difficulty;
	cr_assert_eq(bank_add(bank, &it), 0);
}

/* Adds n single-choice items "<prefix>0".. with four options, the first
 * correct, in category cat. */
static inline void add_singles(const char *prefix, int n, const char *cat)
{
	static const char *const opts[] = {"o0", "o1", "o2", "o3"};
	char id[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%s%d", prefix, i);
		add_item_full(id, ITEM_SINGLE, opts, 4, 0x1, NULL, 0, cat,
			      1 + i % 3);
	}
}

/* ---- setup ------------------------------------------------------------ */

static inline void fixture_setup(void)
{
	bank = bank_new();
	cr_assert_not_null(bank);
	R = NULL;
	now = 1000 * SEC;
	auto_commit = true;
	nfx = 0;
	nev = 0;
}

static inline void fixture_teardown(void)
{
	room_free(R);
	R = NULL;
	bank_free(bank);
	bank = NULL;
}

/* Default settings, host-driven. */
static inline struct room_settings settings(void)
{
	struct room_settings s;

	room_settings_default(&s);
	return s;
}

/* An empty contest (no rounds, mean, base 0, teams named freely). */
static inline void contest_init(struct contest *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->title, sizeof(c->title), "test contest");
	c->scoring = TEAM_MEAN;
	c->team_base = 0;
}

/* Appends a round of format f with its defaults. */
static inline struct round_cfg *add_round(struct contest *c,
					  enum round_format f)
{
	struct round_cfg *r;

	cr_assert_lt(c->nrounds, CONTEST_ROUNDS_MAX);
	r = &c->rounds[c->nrounds++];
	round_cfg_default(r, f);
	return r;
}

/* Sets the explicit item ids of round r of c (appended to c's pool). */
static inline void round_ids(struct contest *c, struct round_cfg *r,
			     const char *const *ids, size_t n)
{
	size_t i;

	cr_assert_leq(c->nids + n, CONTEST_IDS_MAX);
	r->first_id = c->nids;
	for (i = 0; i < n; i++)
		snprintf(c->ids[c->nids++], sizeof(c->ids[0]), "%s", ids[i]);
	r->nids = (uint32_t)n;
	r->count = (uint32_t)n;
}

/* Normalizes c and creates R running it. */
static inline void new_room_contest(const struct room_settings *s,
				    struct contest *c)
{
	char err[256] = "";
	int rc = contest_normalize(c, err, sizeof(err));

	cr_assert_eq(rc, 0, "contest_normalize: %d %s", rc, err);
	R = room_new(s, c, bank, TOKEN);
	cr_assert_not_null(R);
}

/* ---- effects ---------------------------------------------------------- */

/* Copies an FX_EVENT, strings and all, into evlog. */
static inline void keep_event(const struct room_event *ev)
{
	struct ev_copy *c;

	cr_assert_lt(nev, EVLOG_MAX);
	c = &evlog[nev++];
	c->ev = *ev;
	c->nick[0] = c->team[0] = c->text[0] = '\0';
	if (ev->nick)
		snprintf(c->nick, sizeof(c->nick), "%s", ev->nick);
	if (ev->team)
		snprintf(c->team, sizeof(c->team), "%s", ev->team);
	if (ev->text)
		snprintf(c->text, sizeof(c->text), "%s", ev->text);
	c->ev.nick = ev->nick ? c->nick : NULL;
	c->ev.team = ev->team ? c->team : NULL;
	c->ev.text = ev->text ? c->text : NULL;
}

/* Moves the room's effects into the log, answering FX_CLOSED barriers
 * (when auto_commit). */
static inline void drain(void)
{
	for (;;) {
		const struct room_effect *e;
		size_t n, i, first = nfx;

		e = room_effects(R, &n);
		if (n == 0)
			return;
		cr_assert_leq(nfx + n, LOG_MAX);
		memcpy(&fxlog[nfx], e, n * sizeof(*e));
		for (i = 0; i < n; i++) {
			fxtime[nfx + i] = now;
			if (e[i].kind == FX_EVENT)
				keep_event(&e[i].u.ev);
		}
		nfx += n;
		room_effects_clear(R);
		for (i = first; i < nfx; i++)
			if (fxlog[i].kind == FX_CLOSED && auto_commit)
				room_committed(R, now, fxlog[i].q);
	}
}

static inline size_t count_fx(enum room_effect_kind k)
{
	size_t i, c = 0;

	for (i = 0; i < nfx; i++)
		c += fxlog[i].kind == k;
	return c;
}

/* Effects of kind k logged since index from. */
static inline size_t count_fx_since(size_t from, enum room_effect_kind k)
{
	size_t i, c = 0;

	for (i = from; i < nfx; i++)
		c += fxlog[i].kind == k;
	return c;
}

/* The last logged effect of kind k, or NULL. */
static inline const struct room_effect *last_fx(enum room_effect_kind k)
{
	size_t i;

	for (i = nfx; i-- > 0;)
		if (fxlog[i].kind == k)
			return &fxlog[i];
	return NULL;
}

/* The last logged non-EVENT effect, or NULL. */
static inline const struct room_effect *last_non_event(void)
{
	size_t i;

	for (i = nfx; i-- > 0;)
		if (fxlog[i].kind != FX_EVENT)
			return &fxlog[i];
	return NULL;
}

/* Events of kind k in the event log. */
static inline size_t count_ev(enum room_event_kind k)
{
	size_t i, c = 0;

	for (i = 0; i < nev; i++)
		c += evlog[i].ev.kind == k;
	return c;
}

/* ---- driving ---------------------------------------------------------- */

/* Fires the armed timer: the clock jumps to it. */
static inline void fire(void)
{
	int64_t t = room_timer_at(R);

	cr_assert_neq(t, 0, "no timer armed (state %d)", room_state(R));
	cr_assert_geq(t, now, "timer in the past");
	now = t;
	room_tick(R, now);
	drain();
}

/* Lets the clock run to t, firing every timer due on the way. */
static inline void run_until(int64_t t)
{
	int guard = 0;

	while (room_timer_at(R) && room_timer_at(R) <= t) {
		cr_assert_lt(guard++, 1000, "timers never settle");
		if (room_timer_at(R) < now) {
			/* the clock already passed it: the timer fires late */
			room_tick(R, now);
			drain();
			continue;
		}
		fire();
	}
	if (t > now)
		now = t;
}

static inline int cmd(enum room_cmd c, uint32_t arg)
{
	int rc = room_command(R, now, TOKEN, c, arg);

	drain();
	return rc;
}

static inline int64_t join_team_rc(const char *nick, const char *team)
{
	int64_t id = room_join(R, now, nick, team);

	drain();
	return id;
}

static inline uint32_t join_team(const char *nick, const char *team)
{
	int64_t id = join_team_rc(nick, team);

	cr_assert_gt(id, 0, "join %s: %lld", nick, (long long)id);
	return (uint32_t)id;
}

static inline uint32_t join(const char *nick)
{
	return join_team(nick, NULL);
}

static inline int leave(uint32_t id)
{
	int rc = room_leave(R, now, id);

	drain();
	return rc;
}

/* An answer received now from a connection with that one-way delay. */
static inline int answer_ow(uint32_t pid, uint32_t q, uint32_t mask,
			    const char *text, int64_t one_way, int64_t *rt)
{
	int64_t dummy = -777;
	int rc =
	    room_answer(R, now, pid, q, mask, text, one_way, rt ? rt : &dummy);

	drain();
	return rc;
}

static inline int answer(uint32_t pid, uint32_t q, uint32_t mask,
			 const char *text)
{
	return answer_ow(pid, q, mask, text, 0, NULL);
}

static inline int wager(uint32_t pid, uint32_t q, int32_t stake)
{
	int rc = room_wager(R, now, pid, q, stake);

	drain();
	return rc;
}

static inline int hold(void)
{
	int rc = room_hold(R, now, ROOM_PAUSE_STORAGE);

	drain();
	return rc;
}

static inline int release(void)
{
	int rc = room_release(R, now);

	drain();
	return rc;
}

static inline const struct room_player *player(uint32_t id)
{
	const struct room_player *p = room_player(R, id);

	cr_assert_not_null(p, "player %u", id);
	return p;
}

/* The correct display mask of question q. */
static inline uint32_t ok_mask(uint32_t q)
{
	const struct room_question *rq = room_question(R, q);

	cr_assert_not_null(rq, "question %u", q);
	return rq->correct_mask;
}

/* One wrong display option of a single-choice question q. */
static inline uint32_t bad_mask(uint32_t q)
{
	const struct room_question *rq = room_question(R, q);
	unsigned k;

	cr_assert_not_null(rq, "question %u", q);
	for (k = 0; k < rq->n_options; k++)
		if (!(rq->correct_mask >> k & 1))
			return 1u << k;
	cr_assert_fail("question %u has no wrong option", q);
	return 0;
}

/* The display mask of a mask in bank option order (bit i: options[i]),
 * for question q; bits beyond its options are kept as they are. */
static inline uint32_t dm(uint32_t q, uint32_t bank_mask)
{
	const struct room_question *rq = room_question(R, q);
	uint32_t out = 0;
	unsigned k;

	cr_assert_not_null(rq, "question %u", q);
	for (k = 0; k < rq->n_options; k++)
		if (bank_mask >> rq->perm[k] & 1)
			out |= 1u << k;
	if (rq->n_options < 32)
		out |= bank_mask & ~((1u << rq->n_options) - 1);
	return out;
}

/* The display slot of bank option i of question q. */
static inline unsigned slot(uint32_t q, unsigned i)
{
	const struct room_question *rq = room_question(R, q);
	unsigned k;

	cr_assert_not_null(rq, "question %u", q);
	for (k = 0; k < rq->n_options; k++)
		if (rq->perm[k] == i)
			return k;
	cr_assert_fail("question %u has no option %u", q, i);
	return 0;
}

/* Moves the room on (timers and host NEXT) until a question is open.
 * Asserts it gets there through the states a round runs through. */
static inline void to_open(void)
{
	int guard = 0;

	while (room_state(R) != ROOM_OPEN) {
		enum room_state st = room_state(R);

		cr_assert_lt(guard++, 20, "never opens (state %d)", st);
		switch (st) {
		case ROOM_LOBBY:
			cr_assert_eq(cmd(CMD_START, 0), 0);
			break;
		case ROOM_WAGER:
		case ROOM_COUNTDOWN:
			fire();
			break;
		case ROOM_CLOSED:
		case ROOM_LEADERBOARD:
		case ROOM_ROUND_BREAK:
			cr_assert_eq(cmd(CMD_NEXT, 0), 0, "NEXT in %d", st);
			break;
		default:
			cr_assert_fail("to_open from state %d", st);
		}
	}
}

/* Moves the room on (timers and host NEXT) until a WAGER phase is open. */
static inline void to_wager(void)
{
	int guard = 0;

	while (room_state(R) != ROOM_WAGER) {
		enum room_state st = room_state(R);

		cr_assert_lt(guard++, 20, "never wagers (state %d)", st);
		switch (st) {
		case ROOM_LOBBY:
			cr_assert_eq(cmd(CMD_START, 0), 0);
			break;
		case ROOM_COUNTDOWN:
			fire();
			break;
		case ROOM_CLOSED:
		case ROOM_LEADERBOARD:
		case ROOM_ROUND_BREAK:
			cr_assert_eq(cmd(CMD_NEXT, 0), 0, "NEXT in %d", st);
			break;
		default:
			cr_assert_fail("to_wager from state %d", st);
		}
	}
}

/* Lets the open question run out: closed, committed and revealed. */
static inline void run_out(void)
{
	run_until(room_deadline_at(R) + room_settings(R)->comp_cap_us);
	cr_assert_eq(room_state(R), ROOM_CLOSED);
}

/* Host NEXT from a reveal until the round break (or the end): returns the
 * state reached. */
static inline enum room_state to_break(void)
{
	int guard = 0;

	while (room_state(R) == ROOM_CLOSED ||
	       room_state(R) == ROOM_LEADERBOARD) {
		cr_assert_lt(guard++, 3, "NEXT never ends the round");
		cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	}
	return room_state(R);
}

/* The score of a team on the board (base included), -999999 if absent. */
static inline int64_t board_score(int team, uint32_t *members)
{
	struct team_standing b[ROOM_TEAMS_MAX];
	const struct contest *c = room_contest(R);
	size_t n, i;

	n = roster_team_board(room_roster(R), c->scoring, c->team_base, b,
			      ROOM_TEAMS_MAX);
	if (n > ROOM_TEAMS_MAX)
		n = ROOM_TEAMS_MAX;
	for (i = 0; i < n; i++)
		if (b[i].team == team) {
			if (members)
				*members = b[i].members;
			return b[i].score;
		}
	return -999999;
}

#endif

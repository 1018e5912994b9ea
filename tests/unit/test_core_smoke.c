/* A smoke test of the contest engine (core/room.c, roster.c, fmt_*.c):
 * one short match of each format, a team board, ties, and a replay of
 * the event log. The thorough tests are test_room.c, test_formats.c,
 * test_roster.c and test_replay.c. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contest.h"
#include "errors.h"
#include "item.h"
#include "room.h"
#include "roster.h"
#include "scoring.h"
#include "xalloc.h"

#define SEC   1000000LL
#define TOKEN "tok"
#define NITEM 12

static struct bank *bank;
static struct room *R;
static int64_t now;

/* Every event the room logged (strings copied), for the replay. */
static struct room_event evs[1024];
static size_t nev;
/* Every effect kind seen, with its q, for comparing runs. */
static int kinds[4096];
static size_t nkinds;

/* A bank of NITEM single-choice items whose right option is 0. */
static void make_bank(void)
{
	int i;

	bank = bank_new();
	for (i = 0; i < NITEM; i++) {
		struct item it;
		char id[16];

		memset(&it, 0, sizeof(it));
		snprintf(id, sizeof(id), "i%d", i);
		it.id = xstrdup(id);
		it.kind = ITEM_SINGLE;
		it.stem = xstrdup("stem");
		it.options[0] = xstrdup("yes");
		it.options[1] = xstrdup("no");
		it.n_options = 2;
		it.correct_mask = 1;
		it.category = xstrdup("c");
		it.difficulty = 1;
		cr_assert_eq(bank_add(bank, &it), 0);
	}
}

/* Drains the effects: logs events, answers every barrier at once. */
static void drain(void)
{
	const struct room_effect *fx;
	uint32_t closed = UINT32_MAX;
	size_t i, n;

	fx = room_effects(R, &n);
	for (i = 0; i < n; i++) {
		if (fx[i].kind == FX_EVENT) {
			struct room_event *e = &evs[nev++];

			*e = fx[i].u.ev;
			cr_assert_eq(e->seq, nev);
			e->nick = e->nick ? xstrdup(e->nick) : NULL;
			e->team = e->team ? xstrdup(e->team) : NULL;
			e->text = e->text ? xstrdup(e->text) : NULL;
			continue;
		}
		kinds[nkinds++] = (int)fx[i].kind * 1000 + (int)fx[i].q;
		if (fx[i].kind == FX_CLOSED)
			closed = fx[i].q;
	}
	room_effects_clear(R);
	if (closed != UINT32_MAX) {
		room_committed(R, now, closed);
		drain();
	}
}

/* Moves the clock to the timer and fires it. */
static void tick(void)
{
	cr_assert_neq(room_timer_at(R), 0);
	now = room_timer_at(R);
	room_tick(R, now);
	drain();
}

/* Runs ticks until the room is in state st. */
static void until(enum room_state st)
{
	int guard = 0;

	while (room_state(R) != st) {
		cr_assert_lt(guard++, 50, "stuck in state %d", room_state(R));
		tick();
	}
}

/* The right display slot of the open question. */
static uint32_t right(void)
{
	return room_question(R, room_question_index(R))->correct_mask;
}

static int answer(uint32_t id, bool ok)
{
	int64_t rt;
	uint32_t m = right();
	int rc;

	now += SEC;
	rc = room_answer(R, now, id, room_question_index(R), ok ? m : m ^ 3u,
			 NULL, 0, &rt);
	drain();
	return rc;
}

static void settings(struct room_settings *s)
{
	room_settings_default(s);
	s->auto_advance = true;
	s->seed = 42;
	cr_assert_eq(room_settings_normalize(s), 0);
}

static void setup(void)
{
	make_bank();
	now = 1000 * SEC;
	nev = nkinds = 0;
}

static void teardown(void)
{
	size_t i;

	room_free(R);
	R = NULL;
	bank_free(bank);
	for (i = 0; i < nev; i++) {
		free((char *)evs[i].nick);
		free((char *)evs[i].team);
		free((char *)evs[i].text);
	}
}

TestSuite(smoke, .init = setup, .fini = teardown);

Test(smoke, speed_scores_at_close_and_ties_share_a_rank)
{
	struct room_settings s;
	struct contest c;
	const struct room_player *p;
	uint32_t ids[4];

	settings(&s);
	s.question_count = 2;
	room_contest_from_settings(&c, &s, NULL, 0, 0, 0);
	cr_assert_eq(contest_normalize(&c, NULL, 0), 0);
	R = room_new(&s, &c, bank, TOKEN);
	cr_assert_eq(room_join(R, now, "a", NULL), 1);
	cr_assert_eq(room_join(R, now, "b", NULL), 2);
	cr_assert_eq(room_join(R, now, "c", NULL), 3);
	cr_assert_eq(room_command(R, now, TOKEN, CMD_START, 0), 0);
	drain();
	until(ROOM_OPEN);
	cr_assert_eq(answer(1, true), 0);
	cr_assert_eq(answer(1, true), -QE_ALREADY_ANSWERED);
	cr_assert_eq(answer(3, false), 0);
	p = room_player(R, 1);
	cr_expect_eq(p->score, 0, "nothing is booked on arrival");
	until(ROOM_LEADERBOARD);
	cr_expect_eq(p->score, scoring_speed(1000, 20 * SEC, 1 * SEC - 250000));
	cr_expect_eq(p->last.delta, p->score);
	cr_expect_eq(room_player(R, 2)->last.answered, false);
	/* b and c: 0 points, b the full limit, c answered: c before b */
	cr_expect_eq(room_player(R, 3)->rank, 2);
	cr_expect_eq(room_player(R, 2)->rank, 3);
	until(ROOM_FINISHED);
	/* nobody answered q1: b and c stay apart by time */
	cr_expect_eq(roster_standings(room_roster(R), ids, 4), 3);
	cr_expect_eq(ids[0], 1);
}

Test(smoke, ties_share_a_rank)
{
	struct room_settings s;
	struct contest c;

	settings(&s);
	s.question_count = 1;
	room_contest_from_settings(&c, &s, NULL, 0, 0, 0);
	cr_assert_eq(contest_normalize(&c, NULL, 0), 0);
	R = room_new(&s, &c, bank, TOKEN);
	room_join(R, now, "a", NULL);
	room_join(R, now, "b", NULL);
	room_join(R, now, "c", NULL);
	room_command(R, now, TOKEN, CMD_START, 0);
	drain();
	until(ROOM_FINISHED);
	cr_expect_eq(room_player(R, 1)->rank, 1);
	cr_expect_eq(room_player(R, 2)->rank, 1);
	cr_expect_eq(room_player(R, 3)->rank, 1);
}

/* Three rounds: turn (1 per team), wager (1), speed (1); two teams. */
static void contest3(struct contest *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->title, sizeof(c->title), "t");
	c->scoring = TEAM_MEAN;
	c->team_base = 100;
	c->nteams = 3;
	snprintf(c->teams[0], sizeof(c->teams[0]),
		 "机关党委第一党支部机关党委第一党支部");
	snprintf(c->teams[1], sizeof(c->teams[1]), "B");
	snprintf(c->teams[2], sizeof(c->teams[2]), "Empty");
	c->nrounds = 3;
	c->rounds[0].format = FMT_TURN;
	c->rounds[0].count = 1;
	c->rounds[1].format = FMT_WAGER;
	c->rounds[1].count = 1;
	c->rounds[2].format = FMT_SPEED;
	c->rounds[2].count = 1;
	cr_assert_eq(contest_normalize(c, NULL, 0), 0);
}

/* Plays contest3 with pauses; leaves the room finished. */
static void play3(void)
{
	struct room_settings s;
	struct contest c;
	struct room_turn t;
	const char *a = "机关党委第一党支部机关党委第一党支部";

	settings(&s);
	contest3(&c);
	R = room_new(&s, &c, bank, TOKEN);
	cr_assert_not_null(R);
	cr_assert_eq(room_join(R, now, "p1", "x"), -QE_BAD_MESSAGE);
	cr_assert_eq(room_join(R, now, "p1", NULL), -QE_BAD_MESSAGE);
	cr_assert_eq(room_join(R, now, "p1", a), 1);
	cr_assert_eq(room_join(R, now, "p2", a), 2);
	cr_assert_eq(room_join(R, now, "p3", "b"), 3);
	cr_assert_eq(room_command(R, now, TOKEN, CMD_START, 0), 0);
	drain();
	/* turn: q0 team 0, q1 team 1 */
	cr_assert_eq(room_question_count(R), 2);
	until(ROOM_OPEN);
	room_turn(R, &t);
	cr_expect(t.restricted);
	cr_expect_eq(t.team, 0);
	cr_expect_eq(answer(3, true), -QE_NOT_YOUR_TURN);
	cr_expect_eq(room_command(R, now, TOKEN, CMD_PAUSE, 0), 0);
	drain();
	now += 5 * SEC;
	cr_expect_eq(room_command(R, now, TOKEN, CMD_RESUME, 0), 0);
	drain();
	cr_expect_eq(answer(2, true), 0);
	cr_expect_eq(answer(1, true), -QE_ALREADY_ANSWERED);
	until(ROOM_LEADERBOARD);
	cr_expect_eq(room_player(R, 1)->score, 10);
	cr_expect_eq(room_player(R, 2)->score, 10);
	cr_expect_eq(room_player(R, 3)->score, 0);
	until(ROOM_OPEN);
	room_turn(R, &t);
	cr_expect_eq(t.team, 1);
	cr_expect_eq(answer(3, false), 0);
	until(ROOM_ROUND_BREAK);
	cr_expect_eq(room_round_index(R), 1);
	now += SEC;
	cr_assert_eq(room_command(R, now, TOKEN, CMD_NEXT, 0), 0);
	drain();
	/* wager */
	cr_assert_eq(room_state(R), ROOM_WAGER);
	cr_expect_eq(room_wager(R, now, 1, room_question_index(R), 15),
		     -QE_BAD_MESSAGE);
	cr_expect_eq(room_wager(R, now, 1, room_question_index(R), 20), 0);
	cr_expect_eq(room_wager(R, now, 2, room_question_index(R), 30),
		     -QE_ALREADY_ANSWERED);
	cr_expect_eq(room_stake(R, 0, 0), 20);
	cr_expect_eq(room_stake(R, 1, 0), 0);
	drain();
	until(ROOM_OPEN);
	cr_expect_eq(answer(1, true), 0);
	cr_expect_eq(answer(2, false), -QE_ALREADY_ANSWERED);
	cr_expect_eq(answer(3, false), 0);
	until(ROOM_LEADERBOARD);
	cr_expect_eq(room_player(R, 1)->score, 30);
	cr_expect_eq(room_player(R, 2)->last.stake, 20);
	cr_expect_eq(room_player(R, 3)->score, -10);
	cr_expect_eq(room_player(R, 3)->last.stake, 10);
	until(ROOM_ROUND_BREAK);
	now += SEC;
	room_command(R, now, TOKEN, CMD_NEXT, 0);
	drain();
	until(ROOM_OPEN);
	cr_expect_eq(answer(3, true), 0);
	until(ROOM_FINISHED);
}

Test(smoke, three_rounds_and_team_board)
{
	struct team_standing tb[4];

	play3();
	cr_expect_eq(room_question_count(R), 4);
	cr_expect_eq(roster_team_board(room_roster(R), TEAM_MEAN, 100, tb, 4),
		     3);
	/* team 1: p3 -10 + speed points; team 0: 30 each; Empty: 100 */
	cr_expect_eq(tb[0].team, 1);
	cr_expect_gt(tb[0].score, 1000);
	cr_expect_eq(tb[1].team, 0);
	cr_expect_eq(tb[1].score, 130);
	cr_expect_eq(tb[1].members, 2);
	cr_expect_eq(tb[2].team, 2);
	cr_expect_eq(tb[2].score, 100);
	cr_expect_eq(tb[2].members, 0);
	cr_expect_eq(tb[2].rank, 3);
}

Test(smoke, replay_gives_the_same_effects_and_scores)
{
	struct room_settings s;
	struct contest c;
	int64_t score[4];
	int k1[4096];
	size_t n1 = 0, i, n;
	struct room_event log[1024];
	size_t nlog;

	play3();
	for (i = 1; i <= 3; i++)
		score[i] = room_player(R, (uint32_t)i)->score;
	memcpy(k1, kinds, nkinds * sizeof(*k1));
	n1 = nkinds;
	memcpy(log, evs, nev * sizeof(*log));
	nlog = nev;
	room_free(R);

	settings(&s);
	contest3(&c);
	R = room_new(&s, &c, bank, TOKEN);
	nkinds = 0;
	nev = 0;
	for (i = 0; i < nlog; i++) {
		const struct room_effect *fx;

		cr_assert_geq(room_apply(R, &log[i]), 0, "event %zu (%s)", i,
			      room_event_kind_name(log[i].kind));
		fx = room_effects(R, &n);
		cr_assert_gt(n, 0);
		cr_assert_eq(fx[0].kind, FX_EVENT);
		cr_assert_eq(fx[0].u.ev.seq, log[i].seq);
		cr_assert_eq(fx[0].u.ev.kind, log[i].kind);
		/* no barrier answers here: the log has the commits */
		for (size_t j = 1; j < n; j++)
			kinds[nkinds++] = (int)fx[j].kind * 1000 + (int)fx[j].q;
		room_effects_clear(R);
	}
	cr_assert_eq(nkinds, n1);
	cr_assert_arr_eq(kinds, k1, n1 * sizeof(*k1));
	for (i = 1; i <= 3; i++)
		cr_expect_eq(room_player(R, (uint32_t)i)->score, score[i]);
	cr_expect_eq(room_state(R), ROOM_FINISHED);
	/* the copied strings belong to log (freed by teardown via evs) */
	memcpy(evs, log, nlog * sizeof(*log));
	nev = nlog;
}

Test(smoke, event_names_round_trip)
{
	int k;

	for (k = EV_JOIN; k <= EV_RELEASE; k++)
		cr_expect_eq(room_event_kind_parse(
				 room_event_kind_name((enum room_event_kind)k)),
			     k);
	cr_expect_null(room_event_kind_name((enum room_event_kind)16));
	cr_expect_eq(room_event_kind_parse("nope"), 0);
}

/* A room of one round of format f (count per unit or in all). */
static void one_round(enum round_format f, uint32_t count)
{
	struct room_settings s;
	struct contest c;

	settings(&s);
	memset(&c, 0, sizeof(c));
	snprintf(c.title, sizeof(c.title), "t");
	c.nrounds = 1;
	c.rounds[0].format = f;
	c.rounds[0].count = count;
	cr_assert_eq(contest_normalize(&c, NULL, 0), 0);
	R = room_new(&s, &c, bank, TOKEN);
}

Test(smoke, turn_without_teams_goes_by_join_order)
{
	struct room_turn t;
	uint32_t ids[4];

	one_round(FMT_TURN, 1);
	room_join(R, now, "a", NULL);
	room_join(R, now, "b", NULL);
	room_join(R, now, "c", NULL);
	room_command(R, now, TOKEN, CMD_START, 0);
	drain();
	cr_assert_eq(room_question_count(R), 3);
	until(ROOM_OPEN);
	room_turn(R, &t);
	cr_expect(t.restricted);
	cr_expect_eq(t.team, -1);
	cr_expect_eq(t.player, 1);
	cr_expect_eq(room_waiting(R, ids, 4), 1);
	cr_expect_eq(ids[0], 1);
	cr_expect_eq(answer(2, true), -QE_NOT_YOUR_TURN);
	until(ROOM_LEADERBOARD);
	until(ROOM_OPEN);
	room_turn(R, &t);
	cr_expect_eq(t.player, 2);
	cr_expect_eq(answer(2, false), 0);
	until(ROOM_FINISHED);
	cr_expect_eq(room_player(R, 1)->score, 0);
	cr_expect_eq(room_player(R, 2)->last.q, 2);
}

Test(smoke, pause_in_wager_moves_the_deadline_by_the_pause)
{
	const struct room_effect *fx;
	int64_t d;
	size_t n;

	one_round(FMT_WAGER, 1);
	room_join(R, now, "a", NULL);
	room_command(R, now, TOKEN, CMD_START, 0);
	drain();
	cr_assert_eq(room_state(R), ROOM_WAGER);
	d = room_deadline_at(R);
	cr_expect_eq(d, now + 15 * SEC);
	now += 4 * SEC;
	cr_assert_eq(room_command(R, now, TOKEN, CMD_PAUSE, 0), 0);
	fx = room_effects(R, &n);
	cr_expect_eq(fx[n - 1].kind, FX_PAUSED);
	cr_expect_eq(fx[n - 1].u.paused.remaining_us, 11 * SEC);
	drain();
	cr_expect_eq(room_wager(R, now, 1, 0, 10), -QE_BAD_STATE);
	now += 7 * SEC;
	cr_assert_eq(room_hold(R, now, ROOM_PAUSE_STORAGE), 0);
	cr_assert_eq(room_release(R, now), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_PAUSED, "the host's pause stays");
	now += 1 * SEC;
	cr_assert_eq(room_command(R, now, TOKEN, CMD_RESUME, 0), 0);
	fx = room_effects(R, &n);
	cr_expect_eq(fx[n - 1].kind, FX_WAGER_OPEN);
	cr_expect_eq(fx[n - 1].u.time.deadline_at_us, d + 8 * SEC);
	cr_expect_eq(room_deadline_at(R), d + 8 * SEC);
	drain();
	cr_expect_eq(room_wager(R, now, 1, 0, 30), 0);
	until(ROOM_OPEN);
	until(ROOM_FINISHED);
	cr_expect_eq(room_player(R, 1)->score, -30);
}

Test(smoke, replay_with_holds_kicks_and_refusals)
{
	struct room_settings s;
	struct contest c;
	struct room_event log[1024];
	size_t nlog, i, n;
	int64_t score[5];

	one_round(FMT_SPEED, 3);
	room_join(R, now, "a", "x");
	room_join(R, now, "b", "y");
	room_join(R, now, "c", NULL);
	room_join(R, now, "d", NULL);
	cr_assert_eq(room_leave(R, now, 4), 0);
	room_command(R, now, TOKEN, CMD_START, 0);
	drain();
	until(ROOM_OPEN);
	cr_expect_eq(answer(1, true), 0);
	cr_expect_eq(answer(1, true), -QE_ALREADY_ANSWERED);
	room_hold(R, now, ROOM_PAUSE_STORAGE);
	now += 3 * SEC;
	room_release(R, now);
	drain();
	cr_expect_eq(answer(2, true), 0);
	room_command(R, now, TOKEN, CMD_KICK, 3);
	drain();
	until(ROOM_LEADERBOARD);
	until(ROOM_OPEN);
	room_command(R, now, TOKEN, CMD_SKIP, 0);
	drain();
	until(ROOM_OPEN);
	cr_expect_eq(answer(2, true), 0);
	until(ROOM_FINISHED);
	for (i = 1; i <= 4; i++)
		score[i] = room_player(R, (uint32_t)i)->score;
	cr_expect_gt(score[1], 0);
	memcpy(log, evs, nev * sizeof(*log));
	nlog = nev;
	room_free(R);

	settings(&s);
	memset(&c, 0, sizeof(c));
	snprintf(c.title, sizeof(c.title), "t");
	c.nrounds = 1;
	c.rounds[0].format = FMT_SPEED;
	c.rounds[0].count = 3;
	cr_assert_eq(contest_normalize(&c, NULL, 0), 0);
	R = room_new(&s, &c, bank, TOKEN);
	for (i = 0; i < nlog; i++) {
		cr_assert_geq(room_apply(R, &log[i]), 0, "event %zu (%s)", i,
			      room_event_kind_name(log[i].kind));
		room_effects(R, &n);
		room_effects_clear(R);
	}
	for (i = 1; i <= 4; i++)
		cr_expect_eq(room_player(R, (uint32_t)i)->score, score[i]);
	cr_expect(room_player(R, 3)->kicked);
	cr_expect(room_player(R, 4)->left);
	cr_expect_eq(room_state(R), ROOM_FINISHED);
}

/* Tests of the room life cycle (core/room.c) with a fake clock, on a
 * contest of one SPEED round (a room made without a contest file), and of
 * the reproducible question draw (core/draw.c). The clock is a plain int64
 * the tests move; timers fire when the test says so, and every FX_CLOSED
 * barrier is answered with room_committed the way the server does once the
 * store has committed (tests/unit/room_fixture.h). Points are booked when a
 * question closes, never when the answer arrives. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "room_fixture.h"

#include "draw.h"
#include "scoring.h"

/* Bank items, in bank order. Masks below are in bank option order; dm()
 * turns them into the display order the room shows them in. */
enum { Q_SINGLE, Q_MULTI, Q_TF, Q_FILL, N_ITEMS };
#define SINGLE_OK 0x1u /* 1921年 */
#define MULTI_OK  0x5u /* options 0 and 2 */
#define TF_OK	  0x2u /* 错误 */

static const char *const item_ids[N_ITEMS] = {"s1", "m1", "t1", "f1"};

/* ---- fixtures -------------------------------------------------------- */

/* Adds one item in the categories the draw tests filter on. */
static void add_item(const char *id, enum item_kind kind,
		     const char *const *opts, unsigned nopt, uint32_t mask,
		     const char *const *fills, unsigned nfill)
{
	add_item_full(id, kind, opts, nopt, mask, fills, nfill,
		      kind == ITEM_FILL ? "history" : "party",
		      1 + (int)kind % 3);
}

static void make_bank(void)
{
	static const char *const single[] = {"1921年", "1935年", "1949年",
					     "1978年"};
	static const char *const multi[] = {"A", "B", "C", "D"};
	static const char *const tf[] = {"正确", "错误"};
	static const char *const fills[] = {"中国共产党", "CPC"};

	add_item("s1", ITEM_SINGLE, single, 4, SINGLE_OK, NULL, 0);
	add_item("m1", ITEM_MULTI, multi, 4, MULTI_OK, NULL, 0);
	add_item("t1", ITEM_TRUE_FALSE, tf, 2, TF_OK, NULL, 0);
	add_item("f1", ITEM_FILL, NULL, 0, 0, fills, 2);
}

static void setup(void)
{
	fixture_setup();
	make_bank();
}

static void teardown(void)
{
	fixture_teardown();
}

TestSuite(room, .init = setup, .fini = teardown);

/* Creates R running one SPEED round that asks the bank items idx[0..n-1]
 * in that order, with the settings' limit and points. */
static void new_room(const struct room_settings *s, const int *idx, size_t n)
{
	const char *ids[N_ITEMS];
	struct contest c;
	struct round_cfg *r;
	size_t i;

	cr_assert_leq(n, N_ITEMS);
	for (i = 0; i < n; i++)
		ids[i] = item_ids[idx[i]];
	contest_init(&c);
	r = add_round(&c, FMT_SPEED);
	round_ids(&c, r, ids, n);
	r->time_limit_us = s->time_limit_us;
	r->points = (int32_t)s->points;
	new_room_contest(s, &c);
}

/* The usual room: one question of each kind, in bank order. */
static void new_room4(const struct room_settings *s)
{
	static const int all[] = {Q_SINGLE, Q_MULTI, Q_TF, Q_FILL};

	new_room(s, all, 4);
}

/* START, then the countdown timer: question 0 is open. */
static void start_and_open(void)
{
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_assert_eq(room_state(R), ROOM_COUNTDOWN);
	fire();
	cr_assert_eq(room_state(R), ROOM_OPEN);
}

/* From the reveal (or the leaderboard) of the current question to the next
 * one open, by host commands. */
static void next_question_open(void)
{
	if (room_state(R) == ROOM_CLOSED)
		cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_assert_eq(room_state(R), ROOM_LEADERBOARD);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_assert_eq(room_state(R), ROOM_COUNTDOWN);
	fire();
	cr_assert_eq(room_state(R), ROOM_OPEN);
}

/* Parameters are copied into each test's own process: no pointers in
 * them, text inline ("\x01" stands for a NULL text). */
#define NO_TEXT "\x01"

/* ---- settings ---------------------------------------------------------- */

Test(room, settings_defaults)
{
	struct room_settings s;

	room_settings_default(&s);
	cr_expect_eq(s.question_count, 10);
	cr_expect_eq(s.time_limit_us, 20 * SEC);
	cr_expect_eq(s.points, 1000);
	cr_expect_eq(s.countdown_us, 3 * SEC);
	cr_expect_eq(s.reveal_us, 4 * SEC);
	cr_expect_eq(s.leaderboard_us, 4 * SEC);
	cr_expect_eq(s.lead_us, 250 * MS);
	cr_expect_eq(s.comp_cap_us, 150 * MS);
	cr_expect_eq(s.max_players, 10000);

	memset(&s, 0, sizeof(s));
	cr_assert_eq(room_settings_normalize(&s), 0);
	cr_expect_eq(s.question_count, 10);
	cr_expect_eq(s.time_limit_us, 20 * SEC);
	cr_expect_eq(s.points, 1000);
	cr_expect_eq(s.lead_us, 250 * MS);
	cr_expect_eq(s.comp_cap_us, 150 * MS);
}

Test(room, settings_out_of_range)
{
	struct room_settings s;

	room_settings_default(&s);
	s.question_count = ROOM_MAX_QUESTIONS + 1;
	cr_expect_eq(room_settings_normalize(&s), -QE_BAD_MESSAGE);
	room_settings_default(&s);
	s.time_limit_us = 1 * SEC;
	cr_expect_eq(room_settings_normalize(&s), -QE_BAD_MESSAGE);
	room_settings_default(&s);
	s.time_limit_us = -5 * SEC;
	cr_expect_eq(room_settings_normalize(&s), -QE_BAD_MESSAGE);
	room_settings_default(&s);
	s.countdown_us = 100 * MS; /* shorter than the lead */
	cr_expect_eq(room_settings_normalize(&s), -QE_BAD_MESSAGE);
}

/* Regression: negative durations passed room_settings_normalize (only
 * upper bounds were checked, and countdown >= lead let a negative lead
 * through), so a room could send its question after the reveal or close it
 * before the deadline. */
Test(room, settings_negative_times_rejected)
{
	struct room_settings s;

	room_settings_default(&s);
	s.lead_us = -1 * SEC;
	cr_expect_eq(room_settings_normalize(&s), -QE_BAD_MESSAGE, "lead");
	room_settings_default(&s);
	s.comp_cap_us = -100 * MS;
	cr_expect_eq(room_settings_normalize(&s), -QE_BAD_MESSAGE, "cap");
	room_settings_default(&s);
	s.reveal_us = -1;
	cr_expect_eq(room_settings_normalize(&s), -QE_BAD_MESSAGE, "reveal");
	room_settings_default(&s);
	s.leaderboard_us = -1;
	cr_expect_eq(room_settings_normalize(&s), -QE_BAD_MESSAGE, "board");
	room_settings_default(&s);
	s.countdown_us = -1;
	cr_expect_eq(room_settings_normalize(&s), -QE_BAD_MESSAGE, "countdown");
	room_settings_default(&s);
	cr_expect_eq(room_settings_normalize(&s), 0);
}

/* The contest of a room made without a contest file: one SPEED round built
 * from the settings, free teams, mean with base 0. */
Test(room, contest_from_settings)
{
	struct room_settings s = settings();
	struct contest c;
	char err[256];

	s.question_count = 7;
	s.time_limit_us = 12 * SEC;
	s.points = 500;
	memset(&c, 0xa5, sizeof(c));
	room_contest_from_settings(&c, &s, "party", 1u << ITEM_SINGLE, 1, 2);
	cr_expect_eq(c.nrounds, 1);
	cr_expect_eq(c.rounds[0].format, FMT_SPEED);
	cr_expect_eq(c.rounds[0].count, 7);
	cr_expect_eq(c.rounds[0].time_limit_us, 12 * SEC);
	cr_expect_eq(c.rounds[0].points, 500);
	cr_expect_eq(c.rounds[0].nids, 0);
	cr_expect_str_eq(c.rounds[0].category, "party");
	cr_expect_eq(c.rounds[0].kinds, 1u << ITEM_SINGLE);
	cr_expect_eq(c.rounds[0].min_difficulty, 1);
	cr_expect_eq(c.rounds[0].max_difficulty, 2);
	cr_expect_eq(c.nteams, 0);
	cr_expect_eq(c.scoring, TEAM_MEAN);
	cr_expect_eq(c.team_base, 0);
	cr_expect_eq(contest_normalize(&c, err, sizeof(err)), 0, "%s", err);
	/* the room draws from that selection: only s1 is a party single */
	R = room_new(&s, &c, bank, TOKEN);
	cr_assert_not_null(R);
	join("a");
	cr_expect_eq(room_question_count(R), 0, "nothing drawn in the lobby");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_assert_eq(room_question_count(R), 1);
	cr_expect_str_eq(room_question(R, 0)->item->id, "s1");
	cr_expect_eq(last_fx(FX_ROUND)->u.round.n, 1);
}

/* ---- a whole host-driven match ----------------------------------------- */

Test(room, whole_match)
{
	struct room_settings s = settings();
	const struct room_effect *e;
	uint32_t alice, bob, carol, dave, order[8];
	int64_t t0, R0, D0, rt;
	size_t i, k, n;
	/* every effect but answers and events, in order, for the whole match:
	 * the round, four questions, then the round's end before the final
	 * leaderboard */
	static const enum room_effect_kind want[] = {
	    FX_ROUND,	    FX_COUNTDOWN,   FX_QUESTION, FX_CLOSED, FX_REVEAL,
	    FX_LEADERBOARD, FX_COUNTDOWN,   FX_QUESTION, FX_CLOSED, FX_REVEAL,
	    FX_LEADERBOARD, FX_COUNTDOWN,   FX_QUESTION, FX_CLOSED, FX_REVEAL,
	    FX_LEADERBOARD, FX_COUNTDOWN,   FX_QUESTION, FX_CLOSED, FX_REVEAL,
	    FX_ROUND_END,   FX_LEADERBOARD, FX_FINISHED,
	};

	new_room4(&s);
	cr_expect_eq(room_state(R), ROOM_LOBBY);
	cr_expect_eq(room_timer_at(R), 0);
	cr_expect_eq(room_question_count(R), 0, "drawn when the round begins");
	alice = join("alice");
	bob = join("bob");
	carol = join("carol");
	dave = join("dave");
	cr_expect_eq(alice, 1);
	cr_expect_eq(bob, 2);
	cr_expect_eq(carol, 3);
	cr_expect_eq(dave, 4);
	cr_expect_eq(room_player_count(R), 4);
	cr_expect_str_eq(player(bob)->nick, "bob");
	cr_expect_eq(player(bob)->last.q, -1, "nothing booked yet");
	cr_expect_eq(answer(alice, 0, 0x1, NULL), -QE_BAD_STATE);

	/* START: the round's questions are drawn, countdown to question 0 */
	t0 = now;
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_assert_eq(room_state(R), ROOM_COUNTDOWN);
	cr_expect_eq(room_question_count(R), 4);
	for (i = 0; i < 4; i++)
		cr_expect_str_eq(room_question(R, (uint32_t)i)->item->id,
				 item_ids[i], "explicit ids in order");
	e = last_fx(FX_ROUND);
	cr_assert_not_null(e);
	cr_expect_eq(e->round, 0);
	cr_expect_eq(e->u.round.first_q, 0);
	cr_expect_eq(e->u.round.n, 4);
	e = last_fx(FX_COUNTDOWN);
	cr_assert_not_null(e);
	cr_expect_eq(e->q, 0);
	cr_expect_eq(e->u.time.at_us, t0 + s.countdown_us);
	cr_expect_eq(answer(alice, 0, dm(0, SINGLE_OK), NULL), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_START, 0), -QE_BAD_STATE);

	/* the question goes out lead_us before its reveal */
	fire();
	cr_assert_eq(room_state(R), ROOM_OPEN);
	e = last_fx(FX_QUESTION);
	cr_assert_not_null(e);
	cr_expect_eq(e->q, 0);
	R0 = e->u.time.reveal_at_us;
	D0 = e->u.time.deadline_at_us;
	cr_expect_eq(R0, t0 + s.countdown_us);
	cr_expect_eq(D0, R0 + s.time_limit_us);
	cr_expect_eq(now, R0 - s.lead_us);
	cr_expect_eq(room_reveal_at(R), R0);
	cr_expect_eq(room_deadline_at(R), D0);
	cr_expect_eq(room_question_index(R), 0);
	/* the close timer leaves room for compensated answers, no more */
	cr_expect_geq(room_timer_at(R), D0);
	cr_expect_leq(room_timer_at(R), D0 + s.comp_cap_us);

	/* not shown yet */
	now = R0 - 1;
	cr_expect_eq(answer(alice, 0, dm(0, SINGLE_OK), NULL), -QE_BAD_STATE);

	/* carol: 100 ms after reveal, one-way 200 ms (capped 150): rt 0 */
	now = R0 + 100 * MS;
	cr_assert_eq(answer_ow(carol, 0, dm(0, SINGLE_OK), NULL, 200 * MS, &rt),
		     0);
	cr_expect_eq(rt, 0);
	e = last_fx(FX_ANSWER);
	cr_assert_not_null(e);
	cr_expect_eq(e->u.answer.player, carol);
	cr_expect_eq(e->q, 0);
	cr_expect_eq(e->u.answer.recv_us, now);
	cr_expect_eq(e->u.answer.rt_us, 0);
	cr_expect_eq(e->u.answer.comp_us, s.comp_cap_us);
	cr_expect_eq(e->u.answer.choice_mask, dm(0, SINGLE_OK));
	cr_expect(e->u.answer.correct);
	cr_expect_eq(player(carol)->score, 0, "booked at close, not now");

	/* bob: wrong, 1 s, one-way 500 ms capped at 150: rt 850 ms */
	now = R0 + 1 * SEC;
	cr_assert_eq(answer_ow(bob, 0, dm(0, 0x2), NULL, 500 * MS, &rt), 0);
	cr_expect_eq(rt, 850 * MS);
	e = last_fx(FX_ANSWER);
	cr_expect_eq(e->u.answer.player, bob);
	cr_expect_eq(e->u.answer.rt_us, 850 * MS);
	cr_expect_eq(e->u.answer.comp_us, 150 * MS);
	cr_expect_not(e->u.answer.correct);

	/* alice: right, 2 s, one-way 40 ms: rt 1.96 s, 951 points */
	now = R0 + 2 * SEC;
	cr_assert_eq(answer_ow(alice, 0, dm(0, SINGLE_OK), NULL, 40 * MS, &rt),
		     0);
	cr_expect_eq(rt, 1960 * MS);
	e = last_fx(FX_ANSWER);
	cr_expect_eq(e->u.answer.player, alice);
	cr_expect_eq(e->u.answer.rt_us, rt);
	cr_expect_eq(e->u.answer.comp_us, 40 * MS);
	cr_expect(e->u.answer.correct);
	cr_expect_eq(player(alice)->score, 0);

	/* one answer per contestant per question */
	now = R0 + 3 * SEC;
	cr_expect_eq(answer(alice, 0, dm(0, SINGLE_OK), NULL),
		     -QE_ALREADY_ANSWERED);
	cr_expect_eq(answer(bob, 0, dm(0, SINGLE_OK), NULL),
		     -QE_ALREADY_ANSWERED);
	cr_expect_eq(count_fx(FX_ANSWER), 3);
	cr_expect_eq(count_fx(FX_CLOSED), 0);

	/* dave is silent; the deadline passes: closed, booked, committed,
	 * revealed */
	run_out();
	e = last_fx(FX_CLOSED);
	cr_assert_not_null(e);
	cr_expect_eq(e->q, 0);
	cr_expect_not(e->u.closed.voided);
	e = last_fx(FX_REVEAL);
	cr_assert_not_null(e);
	cr_expect_eq(e->q, 0);
	cr_expect_not(e->u.closed.voided);
	cr_expect_not(room_question_voided(R));
	cr_expect_eq(player(carol)->score, 1000);
	cr_expect_eq(player(alice)->score, 951);
	cr_expect_eq(player(alice)->score,
		     scoring_speed(1000, s.time_limit_us, 1960 * MS));
	cr_expect_eq(player(bob)->score, 0);
	cr_expect_eq(player(dave)->score, 0);
	cr_expect_eq(player(alice)->correct, 1);
	cr_expect_eq(player(bob)->correct, 0);
	cr_expect_eq(player(alice)->last.q, 0);
	cr_expect_eq(player(alice)->last.delta, 951);
	cr_expect_eq(player(alice)->last.rt_us, 1960 * MS);
	cr_expect(player(alice)->last.answered);
	cr_expect(player(alice)->last.correct);
	cr_expect_eq(player(alice)->last.stake, 0);
	cr_expect(player(bob)->last.answered);
	cr_expect_not(player(bob)->last.correct);
	cr_expect_eq(player(bob)->last.delta, 0);
	cr_expect_not(player(dave)->last.answered);
	cr_expect_eq(player(dave)->last.delta, 0);
	cr_expect_eq(player(carol)->rank, 1);
	cr_expect_eq(player(alice)->rank, 2);
	cr_expect_eq(player(bob)->rank, 3);
	cr_expect_eq(player(dave)->rank, 4);
	cr_expect_eq(room_timer_at(R), 0, "host-driven: waits for NEXT");
	cr_expect_eq(answer(dave, 0, dm(0, SINGLE_OK), NULL), -QE_TOO_LATE);

	/* NEXT: leaderboard; NEXT: countdown to question 1 */
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(room_state(R), ROOM_LEADERBOARD);
	e = last_fx(FX_LEADERBOARD);
	cr_assert_not_null(e);
	cr_expect_eq(e->q, 0);
	cr_expect_not(e->u.board.final);
	cr_expect_eq(answer(dave, 0, dm(0, SINGLE_OK), NULL), -QE_TOO_LATE);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(room_state(R), ROOM_COUNTDOWN);
	cr_expect_eq(room_question_index(R), 1);
	cr_expect_eq(last_fx(FX_COUNTDOWN)->q, 1);
	cr_expect_eq(answer(dave, 0, dm(0, SINGLE_OK), NULL), -QE_TOO_LATE);
	cr_expect_eq(answer(dave, 1, dm(1, MULTI_OK), NULL), -QE_BAD_STATE);

	/* question 1 (multi, all or nothing), closed early by NEXT */
	fire();
	cr_assert_eq(room_state(R), ROOM_OPEN);
	e = last_fx(FX_QUESTION);
	cr_expect_eq(e->q, 1);
	R0 = e->u.time.reveal_at_us;
	now = R0 + 4 * SEC;
	cr_expect_eq(answer(alice, 1, dm(1, MULTI_OK), NULL), 0); /* 900 */
	cr_expect_eq(answer(bob, 1, dm(1, 0x1), NULL), 0);	  /* part */
	cr_expect_eq(answer(carol, 1, 0xf, NULL), 0);		  /* all */
	now = R0 + 10 * SEC;
	cr_expect_eq(answer(dave, 1, dm(1, MULTI_OK), NULL), 0); /* 750 */
	now = R0 + 12 * SEC;
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(last_fx(FX_CLOSED)->q, 1);
	cr_expect_eq(last_fx(FX_REVEAL)->q, 1);
	cr_expect_eq(player(alice)->score, 951 + 900);
	cr_expect_eq(player(bob)->score, 0);
	cr_expect_eq(player(carol)->score, 1000);
	cr_expect_eq(player(dave)->score, 750);
	cr_expect_eq(player(dave)->last.q, 1);
	cr_expect_eq(player(dave)->last.delta, 750);

	/* question 2 (true/false) */
	next_question_open();
	cr_expect_eq(room_question_index(R), 2);
	R0 = room_reveal_at(R);
	now = R0;
	cr_expect_eq(answer(alice, 2, dm(2, TF_OK), NULL), 0); /* 1000 */
	cr_expect_eq(answer(bob, 2, dm(2, 0x1), NULL), 0);     /* wrong */
	cr_expect_eq(answer(carol, 2, 0x3, NULL), -QE_BAD_MESSAGE);
	now = room_deadline_at(R);
	cr_expect_eq(answer(carol, 2, dm(2, TF_OK), NULL), 0); /* 500 */
	run_out();
	cr_expect_eq(player(alice)->score, 951 + 900 + 1000);
	cr_expect_eq(player(carol)->score, 1000 + 500);

	/* question 3 (fill) */
	next_question_open();
	cr_expect_eq(room_question_index(R), 3);
	R0 = room_reveal_at(R);
	now = R0;
	cr_expect_eq(answer(alice, 3, 0, "cpc"), 0); /* 1000 */
	cr_expect_eq(answer(carol, 3, 0, NULL), -QE_BAD_MESSAGE);
	cr_expect_eq(answer(carol, 3, 0, ""), -QE_BAD_MESSAGE);
	now = R0 + 2 * SEC;
	cr_expect_eq(answer(bob, 3, 0, "中国 共产党"), 0); /* 950 */
	cr_expect(last_fx(FX_ANSWER)->u.answer.correct);
	cr_expect_eq(answer(carol, 3, 0, "国民党"), 0); /* wrong */
	cr_expect_not(last_fx(FX_ANSWER)->u.answer.correct);
	run_out();
	cr_expect_eq(last_fx(FX_REVEAL)->q, 3);

	/* NEXT after the last reveal of the last round: the round ends, final
	 * leaderboard, finished */
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(room_state(R), ROOM_FINISHED);
	cr_expect_eq(room_timer_at(R), 0);
	e = last_fx(FX_ROUND_END);
	cr_assert_not_null(e);
	cr_expect_eq(e->round, 0);
	e = last_fx(FX_LEADERBOARD);
	cr_assert_not_null(e);
	cr_expect(e->u.board.final);
	cr_expect_eq(last_non_event()->kind, FX_FINISHED);

	cr_expect_eq(player(alice)->score, 3851);
	cr_expect_eq(player(carol)->score, 1500);
	cr_expect_eq(player(bob)->score, 950);
	cr_expect_eq(player(dave)->score, 750);
	cr_expect_eq(player(alice)->correct, 4);
	cr_expect_eq(player(bob)->correct, 1);
	cr_expect_eq(player(carol)->correct, 2);
	cr_expect_eq(player(dave)->correct, 1);
	n = roster_standings(room_roster(R), order, 8);
	cr_assert_eq(n, 4);
	cr_expect_eq(order[0], alice);
	cr_expect_eq(order[1], carol);
	cr_expect_eq(order[2], bob);
	cr_expect_eq(order[3], dave);
	cr_expect_eq(roster_standings(room_roster(R), order, 2), 2);
	cr_expect_eq(player(alice)->rank, 1);
	cr_expect_eq(player(dave)->rank, 4);

	/* the effect sequence of the whole match */
	for (i = 0, k = 0; i < nfx; i++) {
		if (fxlog[i].kind == FX_ANSWER || fxlog[i].kind == FX_EVENT)
			continue;
		cr_assert_lt(k, sizeof(want) / sizeof(want[0]));
		cr_expect_eq(fxlog[i].kind, want[k], "effect %zu: %d, want %d",
			     k, fxlog[i].kind, want[k]);
		k++;
	}
	cr_expect_eq(k, sizeof(want) / sizeof(want[0]));

	/* nothing moves a finished room */
	cr_expect_eq(room_join(R, now, "erin", NULL), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_START, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_NEXT, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_PAUSE, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_END, 0), -QE_BAD_STATE);
	cr_expect_eq(answer(dave, 3, 0, "cpc"), -QE_TOO_LATE);
}

/* ---- answers ---------------------------------------------------------- */

struct timing_case {
	int64_t after_reveal; /* receive time - reveal_at */
	int64_t one_way;
	int err; /* 0 or the negated error */
	int64_t rt;
	uint32_t points;
};

ParameterizedTestParameters(room, answer_timing)
{
	/* T = 20 s, cap 150 ms; rt = recv - reveal - min(one_way, cap) >= 0 */
	static struct timing_case cases[] = {
	    {2 * SEC, 40 * MS, 0, 1960 * MS, 951},
	    {1 * SEC, 500 * MS, 0, 850 * MS, 979}, /* 978.75 */
	    {1 * SEC, 150 * MS, 0, 850 * MS, 979},
	    {1 * SEC, 149 * MS, 0, 851 * MS, 979}, /* 978.725 */
	    {100 * MS, 200 * MS, 0, 0, 1000},	   /* clamped */
	    {0, 0, 0, 0, 1000},
	    {5 * SEC, 0, 0, 5 * SEC, 875},
	    {-1, 0, -QE_BAD_STATE, 0, 0}, /* before reveal */
	    {-1, 150 * MS, -QE_BAD_STATE, 0, 0},
	    {20 * SEC, 0, 0, 20 * SEC, 500}, /* at the deadline */
	    {20 * SEC + 1, 0, -QE_TOO_LATE, 0, 0},
	    /* arrived late, but on time once its delay is taken off */
	    {20 * SEC + 100 * MS, 100 * MS, 0, 20 * SEC, 500},
	    {20 * SEC + 100 * MS, 500 * MS, 0, 19950 * MS, 501},
	    {20 * SEC + 150 * MS + 1, 1 * SEC, -QE_TOO_LATE, 0, 0},
	};

	return cr_make_param_array(struct timing_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct timing_case *c, room, answer_timing)
{
	struct room_settings s = settings();
	static const int one[] = {Q_SINGLE};
	int64_t rt = -777, R0;
	uint32_t p;
	int rc;

	new_room(&s, one, 1);
	p = join("p");
	start_and_open();
	R0 = room_reveal_at(R);
	now = R0 + c->after_reveal;
	rc = answer_ow(p, 0, dm(0, SINGLE_OK), NULL, c->one_way, &rt);
	cr_assert_eq(rc, c->err, "+%lld ow %lld: rc %d, want %d",
		     (long long)c->after_reveal, (long long)c->one_way, rc,
		     c->err);
	if (c->err) {
		cr_expect_eq(count_fx(FX_ANSWER), 0);
		run_out();
		cr_expect_eq(player(p)->score, 0);
		cr_expect_not(player(p)->last.answered);
		return;
	}
	cr_expect_eq(rt, c->rt, "rt %lld, want %lld", (long long)rt,
		     (long long)c->rt);
	cr_expect_eq(last_fx(FX_ANSWER)->u.answer.rt_us, c->rt);
	cr_expect_eq(player(p)->score, 0, "nothing booked on arrival");
	run_out();
	cr_expect_eq(player(p)->score, c->points);
	cr_expect_eq(player(p)->last.delta, c->points);
	cr_expect_eq(player(p)->last.rt_us, c->rt);
	cr_expect_eq(player(p)->total_time_us, c->rt);
}

struct shape_case {
	int kind;
	uint32_t mask;
	char text[32];
	int err;
	bool correct;
};

ParameterizedTestParameters(room, answer_shape)
{
	static struct shape_case cases[] = {
	    {Q_SINGLE, SINGLE_OK, NO_TEXT, 0, true},
	    {Q_SINGLE, 0x8, NO_TEXT, 0, false},
	    {Q_SINGLE, 0, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_SINGLE, 0x3, NO_TEXT, -QE_BAD_MESSAGE, false}, /* two choices */
	    {Q_SINGLE, 0x9, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_SINGLE, 0x10, NO_TEXT, -QE_BAD_MESSAGE,
	     false}, /* option 4 of 4 */
	    {Q_SINGLE, 0x80, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_SINGLE, 0x80000000u, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_SINGLE, 0xffffffffu, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_MULTI, MULTI_OK, NO_TEXT, 0, true},
	    {Q_MULTI, 0x1, NO_TEXT, 0, false}, /* part of it */
	    {Q_MULTI, 0xf, NO_TEXT, 0, false}, /* too much */
	    {Q_MULTI, 0, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_MULTI, 0x15, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_MULTI, 0x10, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_TF, TF_OK, NO_TEXT, 0, true},
	    {Q_TF, 0x1, NO_TEXT, 0, false},
	    {Q_TF, 0x3, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_TF, 0x4, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_TF, 0, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_FILL, 0, "中国共产党", 0, true},
	    {Q_FILL, 0, "  cpc。", 0, true},
	    {Q_FILL, 0, "ＣＰＣ", 0, true},
	    {Q_FILL, 0, "共产党", 0, false},
	    {Q_FILL, 0, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_FILL, 0, "", -QE_BAD_MESSAGE, false},
	    /* the other kind's field: choices for a fill, text for a choice */
	    {Q_FILL, 0x1, "中国共产党", -QE_BAD_MESSAGE, false},
	    {Q_FILL, 0x1, NO_TEXT, -QE_BAD_MESSAGE, false},
	    {Q_SINGLE, SINGLE_OK, "x", -QE_BAD_MESSAGE, false},
	    {Q_MULTI, MULTI_OK, "x", -QE_BAD_MESSAGE, false},
	    {Q_TF, TF_OK, "x", -QE_BAD_MESSAGE, false},
	};

	return cr_make_param_array(struct shape_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct shape_case *c, room, answer_shape)
{
	struct room_settings s = settings();
	const struct room_effect *e;
	const char *text;
	uint32_t p;
	int rc;

	new_room(&s, &c->kind, 1);
	p = join("p");
	start_and_open();
	now = room_reveal_at(R) + SEC;
	text = strcmp(c->text, NO_TEXT) == 0 ? NULL : c->text;
	rc = answer(p, 0, dm(0, c->mask), text);
	cr_assert_eq(rc, c->err, "kind %d mask %#x: rc %d, want %d", c->kind,
		     c->mask, rc, c->err);
	if (c->err) {
		/* a malformed answer uses nothing up: a good one still goes */
		cr_expect_eq(count_fx(FX_ANSWER), 0);
		cr_expect_eq(answer(p, 0, c->kind == Q_FILL ? 0 : 0x1,
				    c->kind == Q_FILL ? "x" : NULL),
			     0);
		return;
	}
	e = last_fx(FX_ANSWER);
	cr_assert_not_null(e);
	cr_expect_eq(e->u.answer.correct, c->correct);
	run_out();
	cr_expect_eq(player(p)->score, c->correct ? 975 : 0);
	cr_expect_eq(player(p)->last.correct, c->correct);
}

Test(room, answer_bad_question_or_player)
{
	struct room_settings s = settings();
	uint32_t p;

	new_room4(&s);
	p = join("p");
	start_and_open();
	now = room_reveal_at(R) + SEC;
	cr_expect_eq(answer(p, 4, SINGLE_OK, NULL), -QE_BAD_MESSAGE);
	cr_expect_eq(answer(p, UINT32_MAX, SINGLE_OK, NULL), -QE_BAD_MESSAGE);
	/* a later question that exists but is not open */
	cr_expect_eq(answer(p, 1, dm(1, MULTI_OK), NULL), -QE_BAD_STATE);
	cr_expect_lt(answer(0, 0, dm(0, SINGLE_OK), NULL), 0);
	cr_expect_lt(answer(99, 0, dm(0, SINGLE_OK), NULL), 0);
	cr_expect_eq(count_fx(FX_ANSWER), 0);
	cr_expect_eq(answer(p, 0, dm(0, SINGLE_OK), NULL), 0);
}

Test(room, too_late_after_deadline_and_for_past_questions)
{
	struct room_settings s = settings();
	uint32_t a, b;

	new_room4(&s);
	a = join("a");
	b = join("b");
	start_and_open();
	now = room_deadline_at(R) + 1;
	cr_expect_eq(room_state(R), ROOM_OPEN, "close timer not due yet");
	cr_expect_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), -QE_TOO_LATE);
	run_out();
	cr_expect_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), -QE_TOO_LATE);
	cr_expect_eq(player(a)->score, 0);
	next_question_open();
	now = room_reveal_at(R) + SEC;
	cr_expect_eq(answer(b, 0, dm(0, SINGLE_OK), NULL), -QE_TOO_LATE);
	cr_expect_eq(answer(b, 1, dm(1, MULTI_OK), NULL), 0);
}

/* ---- joining ------------------------------------------------------------ */

Test(room, name_taken)
{
	struct room_settings s = settings();
	char nick[16];
	int i;

	new_room4(&s);
	join("alice");
	cr_expect_eq(room_join(R, now, "alice", NULL), -QE_NAME_TAKEN);
	cr_expect_eq(room_join(R, now, "alice", "red"), -QE_NAME_TAKEN);
	cr_expect_eq(room_join(R, now, "Alice", NULL), -QE_NAME_TAKEN);
	cr_expect_eq(join("bob"), 2);
	/* enough names to make any table grow several times */
	for (i = 0; i < 300; i++) {
		snprintf(nick, sizeof(nick), "p%d", i);
		cr_assert_eq(room_join(R, now, nick, NULL), i + 3);
	}
	for (i = 0; i < 300; i++) {
		snprintf(nick, sizeof(nick), "P%d", i);
		cr_assert_eq(room_join(R, now, nick, NULL), -QE_NAME_TAKEN);
	}
	cr_expect_eq(room_player_count(R), 302);
	cr_expect_eq(room_player_slots(R), 302);
	cr_expect_str_eq(player(299 + 3)->nick, "p299");
}

Test(room, bad_names)
{
	struct room_settings s = settings();
	char longest[ROOM_NAME_MAX + 1], too_long[ROOM_NAME_MAX + 2];

	new_room4(&s);
	memset(longest, 'x', ROOM_NAME_MAX);
	longest[ROOM_NAME_MAX] = '\0';
	memset(too_long, 'y', ROOM_NAME_MAX + 1);
	too_long[ROOM_NAME_MAX + 1] = '\0';
	cr_expect_eq(room_join(R, now, NULL, NULL), -QE_BAD_MESSAGE);
	cr_expect_eq(room_join(R, now, "", NULL), -QE_BAD_MESSAGE);
	cr_expect_eq(room_join(R, now, "   ", NULL), -QE_BAD_MESSAGE);
	cr_expect_eq(room_join(R, now, "a\nb", NULL), -QE_BAD_MESSAGE);
	cr_expect_eq(room_join(R, now, "\xff\xfe", NULL), -QE_BAD_MESSAGE);
	cr_expect_eq(room_join(R, now, too_long, NULL), -QE_BAD_MESSAGE);
	cr_expect_eq(room_join(R, now, "ok", "bad\tteam"), -QE_BAD_MESSAGE);
	cr_expect_eq(room_player_count(R), 0);
	cr_expect_eq(join(longest), 1);
	cr_expect_eq(join("张三"), 2);
}

/* Finding 9: names that render as another player's are refused or
 * collide. Before the fix every one of these joined. */
Test(room, nickname_spoofing)
{
	static const char *const refused[] = {
	    "alice\xe2\x80\x8e", /* LRM */
	    "\xe2\x80\x8f"
	    "alice", /* RLM */
	    "ali\xe2\x80\x8b"
	    "ce", /* zero-width space */
	    "ali\xe2\x80\x8d"
	    "ce", /* zero-width joiner */
	    "\xef\xbb\xbf"
	    "alice", /* BOM */
	    "al\xc2\xad"
	    "ice",	    /* soft hyphen */
	    "alice ",	    /* trailing space */
	    " alice",	    /* leading space */
	    "\xe3\x85\xa4", /* Hangul filler: renders blank */
	    "\xe2\xa0\x80", /* Braille blank */
	    "\xef\xb8\x8f", /* a variation selector alone */
	    "\xe2\x80\xae"
	    "ecila", /* right-to-left override */
	};
	static const char *const taken[] = {
	    "ALICE",
	    "Alice",
	    "\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x89\xef\xbd\x83\xef\xbd\x85",
	    "\xef\xbc\xa1\xef\xbd\x8c\xef\xbd\x89\xef\xbd\x83\xef\xbd\x85",
	    "alice\xef\xb8\x8f",
	};
	struct room_settings s = settings();
	size_t i;

	new_room4(&s);
	cr_assert_eq(join("alice"), 1);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		cr_expect_eq(room_join(R, now, refused[i], NULL),
			     -QE_BAD_MESSAGE, "refused[%zu] joined", i);
	for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
		cr_expect_eq(room_join(R, now, taken[i], NULL), -QE_NAME_TAKEN,
			     "taken[%zu] not NAME_TAKEN", i);
	cr_expect_eq(room_player_count(R), 1);
	/* the name is kept as typed; only the comparison folds */
	cr_expect_eq(join("Bob\xe3\x80\x80Smith"), 2);
	cr_expect_str_eq(player(2)->nick, "Bob\xe3\x80\x80Smith");
	cr_expect_eq(room_join(R, now, "bob smith", NULL), -QE_NAME_TAKEN);
	cr_expect_eq(room_join(R, now, "bob  smith", NULL), -QE_NAME_TAKEN);
}

/* Team names follow the same rules; "Red" and "ＲＥＤ" are one team. */
Test(room, team_names_fold)
{
	struct room_settings s = settings();
	int64_t a, b;

	new_room4(&s);
	a = room_join(R, now, "a", "Red");
	b = room_join(R, now, "b", "\xef\xbc\xb2\xef\xbc\xa5\xef\xbc\xa4");
	cr_assert_gt(a, 0);
	cr_assert_gt(b, 0);
	cr_expect_eq(roster_team_count(room_roster(R)), 1);
	cr_expect_str_eq(roster_team_name(room_roster(R), 0), "Red");
	cr_expect_eq(player((uint32_t)b)->team, 0);
	cr_expect_eq(room_join(R, now, "c", "red\xe2\x80\x8b"),
		     -QE_BAD_MESSAGE);
	cr_expect_eq(room_join(R, now, "c", " red"), -QE_BAD_MESSAGE);
	cr_expect_eq(roster_team_count(room_roster(R)), 1);
}

Test(room, room_full)
{
	struct room_settings s = settings();
	uint32_t b;

	s.max_players = 2;
	new_room4(&s);
	join("a");
	b = join("b");
	cr_expect_eq(room_join(R, now, "c", NULL), -QE_ROOM_FULL);
	cr_expect_eq(room_player_count(R), 2);
	/* a kicked contestant gives the seat back */
	cr_assert_eq(cmd(CMD_KICK, b), 0);
	cr_expect_gt(room_join(R, now, "c", NULL), 0);
	cr_expect_eq(room_join(R, now, "d", NULL), -QE_ROOM_FULL);
}

/* A contestant who left the lobby frees the seat, the nickname and the
 * max_players place; the id is not reused; after the start nobody leaves. */
Test(room, leave_lobby_frees_the_seat)
{
	struct room_settings s = settings();
	char nick[16];
	uint32_t a, b;
	int i;

	s.max_players = 2;
	new_room4(&s);
	a = join("alice");
	b = join("bob");
	cr_expect_eq(room_join(R, now, "carol", NULL), -QE_ROOM_FULL);
	cr_assert_eq(room_leave(R, now, a), 0);
	cr_expect(player(a)->left);
	cr_expect(player(a)->kicked);
	cr_expect_eq(room_player_count(R), 1);
	cr_expect_eq(room_leave(R, now, a), -QE_BAD_STATE);
	cr_expect_eq(room_leave(R, now, 99), -QE_BAD_MESSAGE);
	/* the nickname is free again, under a new id */
	cr_expect_eq(room_join(R, now, "bob", NULL), -QE_NAME_TAKEN);
	cr_expect_eq(room_join(R, now, "alice", NULL), 3);
	cr_expect_eq(room_join(R, now, "carol", NULL), -QE_ROOM_FULL);
	/* many join-and-leave cycles: names stay findable (the table deletes
	 * without breaking probe chains) */
	for (i = 0; i < 300; i++) {
		int64_t id;

		snprintf(nick, sizeof(nick), "g%d", i % 97);
		cr_assert_eq(room_leave(R, now, 3 + 3 * (uint32_t)i), 0,
			     "cycle %d", i);
		id = room_join(R, now, nick, NULL);
		cr_assert_eq(id, 4 + 3 * i, "cycle %d: %lld", i, (long long)id);
		cr_assert_eq(room_leave(R, now, (uint32_t)id), 0);
		cr_assert_eq(room_join(R, now, "bob", NULL), -QE_NAME_TAKEN);
		id = room_join(R, now, nick, NULL);
		cr_assert_gt(id, 0);
		cr_assert_eq(room_leave(R, now, (uint32_t)id), 0);
		cr_assert_eq(room_join(R, now, nick, NULL), id + 1);
	}
	cr_expect_eq(room_player_count(R), 2);
	start_and_open();
	cr_expect_eq(room_leave(R, now, b), -QE_BAD_STATE);
	cr_expect_eq(room_player_count(R), 2);
}

/* Ids are never reused: slots of people who left are bounded, so a room's
 * memory cannot grow without bound (the bound is the room's; this only
 * asks that there is one, well below a million). */
Test(room, leave_slots_are_bounded)
{
	struct room_settings s = settings();
	int64_t id = 0;
	uint32_t i;

	s.max_players = 3;
	new_room4(&s);
	for (i = 1; i <= 1000000; i++) {
		id = room_join(R, now, "x", NULL);
		if (id < 0)
			break;
		cr_assert_eq(id, i);
		cr_assert_eq(room_leave(R, now, i), 0);
		room_effects_clear(R);
	}
	cr_expect_eq(id, -QE_ROOM_FULL, "slots never run out");
	cr_expect_eq(room_player_slots(R), i - 1);
	cr_expect_lt(i, 1000000);
}

/* Teams whose members all left are reused once 64 names are taken. */
Test(room, leave_frees_team_names)
{
	struct room_settings s = settings();
	char team[16];
	int64_t id;
	int i;

	new_room4(&s);
	for (i = 0; i < ROOM_TEAMS_MAX; i++) {
		snprintf(team, sizeof(team), "t%d", i);
		id = room_join(R, now, team, team);
		cr_assert_gt(id, 0);
		cr_assert_eq(room_leave(R, now, (uint32_t)id), 0);
	}
	id = room_join(R, now, "late", "new team");
	cr_assert_gt(id, 0);
	cr_expect_str_eq(roster_team_name(room_roster(R),
					  (size_t)player((uint32_t)id)->team),
			 "new team");
}

Test(room, late_join_during_open_question)
{
	struct room_settings s = settings();
	uint32_t late;
	int64_t rt;

	new_room4(&s);
	join("early");
	start_and_open();
	now = room_reveal_at(R) + 1 * SEC;
	late = join("late");
	cr_expect_eq(room_player_count(R), 2);
	now = room_reveal_at(R) + 3 * SEC;
	cr_assert_eq(answer_ow(late, 0, dm(0, SINGLE_OK), NULL, 0, &rt), 0);
	cr_expect_eq(rt, 3 * SEC);
	run_out();
	cr_expect_eq(player(late)->score, 925);
	cr_expect_eq(player(late)->rank, 1);
}

/* ---- host commands ---------------------------------------------------- */

struct token_case {
	char token[32]; /* NO_TEXT: a contestant (NULL token) */
};

ParameterizedTestParameters(room, not_host)
{
	static struct token_case cases[] = {
	    {NO_TEXT},	      {""},
	    {"wrong"},	      {"host-7f3a9"},
	    {"host-7f3a9c "}, {"host-7f3a9cx"},
	    {"HOST-7F3A9C"},  {"host-7f3a9d"},
	};

	return cr_make_param_array(struct token_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct token_case *c, room, not_host)
{
	struct room_settings s = settings();
	enum room_cmd all[] = {CMD_START, CMD_NEXT, CMD_PAUSE, CMD_RESUME,
			       CMD_SKIP,  CMD_KICK, CMD_END};
	const char *tok = strcmp(c->token, NO_TEXT) == 0 ? NULL : c->token;
	size_t i, n;
	uint32_t p;

	new_room4(&s);
	p = join("p");
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		cr_expect_eq(room_command(R, now, tok, all[i], p), -QE_NOT_HOST,
			     "cmd %d", all[i]);
	room_effects(R, &n);
	cr_expect_eq(n, 0);
	cr_expect_eq(room_state(R), ROOM_LOBBY);
	cr_expect_not(player(p)->kicked);
	/* and during a running question */
	start_and_open();
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		cr_expect_eq(room_command(R, now, tok, all[i], p), -QE_NOT_HOST,
			     "cmd %d", all[i]);
	room_effects(R, &n);
	cr_expect_eq(n, 0);
	cr_expect_eq(room_state(R), ROOM_OPEN);
	cr_expect_eq(room_player_count(R), 1);
}

/* A round that draws no question ends at once; the only round being the
 * last, the match finishes (it was refused with BAD_STATE when a room got
 * its questions at creation). */
Test(room, start_without_questions_ends_at_once)
{
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	const struct room_effect *e;

	contest_init(&c);
	r = add_round(&c, FMT_SPEED);
	snprintf(r->category, sizeof(r->category), "no such category");
	new_room_contest(&s, &c);
	join("p");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	e = last_fx(FX_ROUND);
	cr_assert_not_null(e);
	cr_expect_eq(e->u.round.n, 0);
	cr_expect_eq(room_question_count(R), 0);
	cr_expect_eq(count_fx(FX_ROUND_END), 1);
	cr_expect_eq(count_fx(FX_COUNTDOWN), 0);
	cr_expect_eq(room_state(R), ROOM_FINISHED);
	cr_expect_eq(last_non_event()->kind, FX_FINISHED);
	cr_expect_eq(room_timer_at(R), 0);
}

Test(room, commands_out_of_place)
{
	struct room_settings s = settings();

	new_room4(&s);
	join("p");
	cr_expect_eq(cmd(CMD_NEXT, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_PAUSE, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_RESUME, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_SKIP, 0), -QE_BAD_STATE);
	cr_expect_eq(room_state(R), ROOM_LOBBY);
	start_and_open();
	cr_expect_eq(cmd(CMD_RESUME, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_START, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd((enum room_cmd)42, 0), -QE_BAD_MESSAGE);
	cr_expect_eq(room_state(R), ROOM_OPEN);
}

Test(room, pause_and_resume_open_question)
{
	struct room_settings s = settings();
	const struct room_effect *e;
	int64_t R0, D0, R1, D1, paused_at, resumed_at, rt;
	uint32_t a, b;
	size_t n;

	new_room4(&s);
	a = join("a");
	b = join("b");
	start_and_open();
	R0 = room_reveal_at(R);
	D0 = room_deadline_at(R);

	/* 5 s into the question */
	paused_at = now = R0 + 5 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	e = last_fx(FX_PAUSED);
	cr_assert_not_null(e);
	cr_expect_eq(e->q, 0);
	cr_expect_eq(e->u.paused.remaining_us, D0 - paused_at);
	cr_expect_eq(room_timer_at(R), 0, "no timer while paused");
	cr_expect_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_PAUSE, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_NEXT, 0), -QE_BAD_STATE);
	/* a stray tick long after the old deadline changes nothing */
	nfx = 0;
	room_tick(R, D0 + 60 * SEC);
	room_effects(R, &n);
	cr_expect_eq(n, 0);
	cr_expect_eq(room_state(R), ROOM_PAUSED);

	/* 100 s later: the question is sent again with shifted times */
	resumed_at = now = paused_at + 100 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN);
	cr_expect_eq(count_fx(FX_RESUMED), 1);
	e = last_fx(FX_QUESTION);
	cr_assert_not_null(e, "question re-sent on resume");
	cr_expect_eq(e->q, 0);
	R1 = e->u.time.reveal_at_us;
	D1 = e->u.time.deadline_at_us;
	cr_expect_eq(D1 - R1, s.time_limit_us);
	/* both moved by exactly the 100 s of pause: the 5 s used before it
	 * stay used, the time left is what StateChange{PAUSED} said */
	cr_expect_eq(R1, R0 + 100 * SEC);
	cr_expect_eq(D1, D0 + 100 * SEC);
	cr_expect_eq(D1 - resumed_at, D0 - paused_at);
	cr_expect_eq(room_reveal_at(R), R1);
	cr_expect_eq(room_deadline_at(R), D1);
	cr_expect_geq(room_timer_at(R), D1);

	/* 1 s after the resume: 6 s in all */
	now = resumed_at + 1 * SEC;
	cr_assert_eq(answer_ow(a, 0, dm(0, SINGLE_OK), NULL, 0, &rt), 0);
	cr_expect_eq(rt, 6 * SEC);
	cr_expect_eq(player(a)->score, 0);
	/* the old deadline no longer applies, the new one does */
	now = D1 + 1;
	cr_expect_eq(answer(b, 0, dm(0, SINGLE_OK), NULL), -QE_TOO_LATE);
	run_out();
	cr_expect_eq(player(a)->score, 850);
	cr_expect_eq(player(b)->score, 0);
}

/* A pause between the Question push and its reveal_at (the lead): the
 * times move by the pause alone, nothing was used yet. */
Test(room, pause_during_lead_moves_times_by_the_pause)
{
	struct room_settings s = settings();
	const struct room_effect *e;
	int64_t R0, D0;

	new_room4(&s);
	join("a");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	fire(); /* the question goes out lead_us before its reveal */
	cr_assert_eq(room_state(R), ROOM_OPEN);
	R0 = room_reveal_at(R);
	D0 = room_deadline_at(R);
	cr_assert_gt(R0, now);
	now += 100 * MS;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 7 * SEC + 3;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	e = last_fx(FX_QUESTION);
	cr_assert_not_null(e);
	cr_expect_eq(e->u.time.reveal_at_us, R0 + 7 * SEC + 3);
	cr_expect_eq(e->u.time.deadline_at_us, D0 + 7 * SEC + 3);
}

Test(room, pause_and_resume_countdown)
{
	struct room_settings s = settings();
	const struct room_effect *e;
	int64_t t0, at;

	new_room4(&s);
	join("a");
	t0 = now;
	cr_assert_eq(cmd(CMD_START, 0), 0);
	now = t0 + 1 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	e = last_fx(FX_PAUSED);
	cr_assert_not_null(e);
	/* 2 s were left to the reveal (the question itself goes out lead_us
	 * before that) */
	cr_expect_geq(e->u.paused.remaining_us, 2 * SEC - s.lead_us);
	cr_expect_leq(e->u.paused.remaining_us, 2 * SEC);
	cr_expect_eq(room_timer_at(R), 0);

	now = t0 + 61 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_COUNTDOWN);
	e = last_fx(FX_COUNTDOWN);
	cr_assert_not_null(e);
	at = e->u.time.at_us;
	cr_expect_eq(at, now + 2 * SEC, "the 2 s left of the countdown");
	fire();
	cr_assert_eq(room_state(R), ROOM_OPEN);
	cr_expect_eq(last_fx(FX_QUESTION)->u.time.reveal_at_us, at);
	cr_expect_eq(now, at - s.lead_us);
}

Test(room, pause_refused_between_close_and_reveal)
{
	struct room_settings s = settings();
	uint32_t a;
	size_t n0;

	auto_commit = false;
	new_room4(&s);
	a = join("a");
	start_and_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), 0);
	run_out();
	cr_expect_eq(count_fx(FX_CLOSED), 1);
	cr_expect_eq(count_fx(FX_REVEAL), 0, "no reveal before the commit");
	cr_expect_eq(cmd(CMD_PAUSE, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_NEXT, 0), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_SKIP, 0), -QE_BAD_STATE);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	/* a commit for another question is not this one's */
	n0 = nfx;
	room_committed(R, now, 1);
	drain();
	cr_expect_eq(nfx, n0);
	room_committed(R, now, 0);
	drain();
	cr_expect_eq(count_fx(FX_REVEAL), 1);
	cr_expect_eq(last_fx(FX_REVEAL)->q, 0);
	cr_expect_eq(player(a)->rank, 1);
	/* a duplicate commit reveals nothing twice */
	room_committed(R, now, 0);
	drain();
	cr_expect_eq(count_fx(FX_REVEAL), 1);
	/* the reveal itself can be paused */
	cr_expect_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(room_state(R), ROOM_LEADERBOARD);
}

Test(room, pause_keeps_remaining_wait_in_auto_rooms)
{
	struct room_settings s = settings();
	int64_t lb_at;

	s.auto_advance = true;
	new_room4(&s);
	join("a");
	start_and_open();
	run_out();
	cr_assert_eq(room_timer_at(R), now + s.reveal_us);
	fire();
	cr_assert_eq(room_state(R), ROOM_LEADERBOARD);
	lb_at = now;
	cr_assert_eq(room_timer_at(R), lb_at + s.leaderboard_us);
	now = lb_at + 1 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.remaining_us,
		     s.leaderboard_us - SEC);
	now += 100 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_LEADERBOARD);
	cr_expect_eq(room_timer_at(R), now + s.leaderboard_us - SEC);
	fire();
	cr_expect_eq(room_state(R), ROOM_COUNTDOWN);
	cr_expect_eq(room_question_index(R), 1);
}

/* Regression: a PAUSE that arrives when the wait timer is overdue by
 * exactly 1 µs (the host command handled before the timer callback in the
 * same loop turn) stored "-1", the marker for "no timer", and the resumed
 * auto-advancing room never moved again. */
Test(room, pause_with_timer_overdue_by_one_us)
{
	struct room_settings s = settings();
	int64_t due;

	s.auto_advance = true;
	new_room4(&s);
	join("a");
	start_and_open();
	run_out();
	fire();
	cr_assert_eq(room_state(R), ROOM_LEADERBOARD);
	due = room_timer_at(R);
	now = due + 1;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 10 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_assert_eq(room_state(R), ROOM_LEADERBOARD);
	cr_assert_neq(room_timer_at(R), 0, "resumed room has no timer");
	cr_expect_leq(room_timer_at(R), now);
	room_tick(R, now);
	drain();
	cr_expect_eq(room_state(R), ROOM_COUNTDOWN);
}

Test(room, skip_voids_the_question)
{
	struct room_settings s = settings();
	const struct room_effect *e;
	uint32_t a, b;

	new_room4(&s);
	a = join("a");
	b = join("b");
	start_and_open();
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), 0);
	cr_assert_eq(answer(b, 0, dm(0, 0x2), NULL), 0);
	now += 1 * SEC;
	cr_assert_eq(cmd(CMD_SKIP, 0), 0);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	e = last_fx(FX_CLOSED);
	cr_assert_not_null(e);
	cr_expect_eq(e->q, 0);
	cr_expect(e->u.closed.voided);
	e = last_fx(FX_REVEAL);
	cr_assert_not_null(e);
	cr_expect(e->u.closed.voided);
	cr_expect(room_question_voided(R));
	cr_expect_eq(player(a)->score, 0);
	cr_expect_eq(player(a)->correct, 0);
	cr_expect_eq(player(b)->score, 0);
	cr_expect_eq(answer(b, 0, dm(0, SINGLE_OK), NULL), -QE_TOO_LATE);
	/* the next question is a normal one again */
	next_question_open();
	cr_expect_not(room_question_voided(R));
	now = room_reveal_at(R);
	cr_assert_eq(answer(a, 1, dm(1, MULTI_OK), NULL), 0);
	run_out();
	cr_expect_not(last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect_eq(player(a)->score, 1000);
}

Test(room, skip_outside_a_question_moves_on)
{
	struct room_settings s = settings();

	new_room4(&s);
	join("a");
	start_and_open();
	run_out();
	cr_assert_eq(cmd(CMD_SKIP, 0), 0);
	cr_expect_eq(room_state(R), ROOM_LEADERBOARD);
	cr_assert_eq(cmd(CMD_SKIP, 0), 0);
	cr_expect_eq(room_state(R), ROOM_COUNTDOWN);
	cr_expect_eq(room_question_index(R), 1);
	cr_expect_eq(count_fx(FX_CLOSED), 1);
}

Test(room, next_closes_early_and_scores)
{
	struct room_settings s = settings();
	uint32_t a, b;

	new_room4(&s);
	a = join("a");
	b = join("b");
	start_and_open();
	now = room_reveal_at(R) + 2 * SEC;
	cr_assert_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), 0);
	now += 1 * SEC;
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_not(last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect_eq(count_fx(FX_REVEAL), 1);
	cr_expect_eq(player(a)->score, 950);
	cr_expect_eq(answer(b, 0, dm(0, SINGLE_OK), NULL), -QE_TOO_LATE);
}

Test(room, next_during_countdown_reveals_lead_from_now)
{
	struct room_settings s = settings();
	const struct room_effect *e;

	new_room4(&s);
	join("a");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	now += 500 * MS;
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN);
	e = last_fx(FX_QUESTION);
	cr_assert_not_null(e);
	cr_expect_eq(e->u.time.reveal_at_us, now + s.lead_us);
	cr_expect_eq(e->u.time.deadline_at_us,
		     now + s.lead_us + s.time_limit_us);
}

Test(room, kick)
{
	struct room_settings s = settings();
	const struct room_effect *e;
	uint32_t a, b, c, order[4];
	size_t n;

	new_room4(&s);
	a = join("a");
	b = join("b");
	c = join("c");
	start_and_open();
	now = room_reveal_at(R);
	cr_assert_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), 0);
	now += 1 * SEC;
	cr_assert_eq(cmd(CMD_KICK, a), 0);
	e = last_fx(FX_KICKED);
	cr_assert_not_null(e);
	cr_expect_eq(e->u.player, a);
	cr_expect_eq(room_player_count(R), 2);
	cr_expect(player(a)->kicked);
	cr_expect_lt(answer(a, 0, dm(0, SINGLE_OK), NULL), 0);
	cr_expect_eq(cmd(CMD_KICK, a), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_KICK, 0), -QE_BAD_MESSAGE);
	cr_expect_eq(cmd(CMD_KICK, 99), -QE_BAD_MESSAGE);
	cr_assert_eq(answer(b, 0, dm(0, SINGLE_OK), NULL), 0);
	run_out();
	/* a kicked contestant is out of the standings */
	cr_expect_eq(player(a)->score, 0);
	cr_expect_eq(player(a)->rank, 0);
	n = roster_standings(room_roster(R), order, 4);
	cr_assert_eq(n, 2);
	cr_expect_eq(order[0], b);
	cr_expect_eq(order[1], c);
	/* and stays out in the next question */
	next_question_open();
	now = room_reveal_at(R);
	cr_expect_lt(answer(a, 1, dm(1, MULTI_OK), NULL), 0);
	cr_expect_eq(room_player_count(R), 2);
}

Test(room, end_during_open_question)
{
	struct room_settings s = settings();
	const struct room_effect *e;
	uint32_t a;

	new_room4(&s);
	a = join("a");
	start_and_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), 0);
	nfx = 0;
	cr_assert_eq(cmd(CMD_END, 0), 0);
	cr_expect_eq(room_state(R), ROOM_FINISHED);
	cr_expect_eq(room_timer_at(R), 0);
	e = last_fx(FX_CLOSED);
	cr_assert_not_null(e, "the open question is closed, void");
	cr_expect(e->u.closed.voided);
	e = last_fx(FX_LEADERBOARD);
	cr_assert_not_null(e);
	cr_expect(e->u.board.final);
	cr_assert_gt(nfx, 0);
	cr_expect_eq(fxlog[nfx - 1].kind, FX_FINISHED);
	cr_expect_eq(count_fx(FX_FINISHED), 1);
	cr_expect_eq(player(a)->score, 0);
	cr_expect_eq(player(a)->rank, 1);
	cr_expect_lt(answer(a, 0, dm(0, SINGLE_OK), NULL), 0);
	cr_expect_eq(cmd(CMD_END, 0), -QE_BAD_STATE);
}

Test(room, end_from_lobby_and_from_pause)
{
	struct room_settings s = settings();

	new_room4(&s);
	join("a");
	cr_assert_eq(cmd(CMD_END, 0), 0);
	cr_expect_eq(room_state(R), ROOM_FINISHED);
	cr_expect_eq(count_fx(FX_FINISHED), 1);
	cr_expect_eq(count_fx(FX_CLOSED), 0);
	room_free(R);

	new_room4(&s);
	nfx = 0;
	join("a");
	start_and_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_assert_eq(cmd(CMD_END, 0), 0);
	cr_expect_eq(room_state(R), ROOM_FINISHED);
	cr_assert_not_null(last_fx(FX_CLOSED));
	cr_expect(last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect_eq(count_fx(FX_FINISHED), 1);
}

/* ---- ranking ----------------------------------------------------------- */

Test(room, ranking_score_then_time_then_join_order_with_ties)
{
	struct room_settings s = settings();
	uint32_t p[6], order[8];
	size_t n;
	int i;

	new_room4(&s);
	p[1] = join("p1");
	p[2] = join("p2");
	p[3] = join("p3");
	p[4] = join("p4");
	p[5] = join("p5");
	start_and_open();
	now = room_reveal_at(R);
	cr_assert_eq(answer(p[2], 0, dm(0, SINGLE_OK), NULL), 0); /* 1000, 0 */
	cr_assert_eq(answer(p[3], 0, dm(0, SINGLE_OK), NULL), 0); /* 1000, 0 */
	now += 10 * MS;
	cr_assert_eq(answer(p[1], 0, dm(0, SINGLE_OK), NULL),
		     0); /* 1000, 10ms */
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(p[5], 0, dm(0, 0x2), NULL), 0); /* 0, 1 s */
	cr_assert_eq(answer(p[4], 0, dm(0, 0x4), NULL), 0); /* 0, 1 s */
	run_out();
	for (i = 1; i <= 3; i++)
		cr_expect_eq(player(p[i])->score, 1000, "p%d", i);
	n = roster_standings(room_roster(R), order, 8);
	cr_assert_eq(n, 5);
	/* equal scores: lower total time first; equal times: who joined
	 * first */
	cr_expect_eq(order[0], p[2]);
	cr_expect_eq(order[1], p[3]);
	cr_expect_eq(order[2], p[1]);
	cr_expect_eq(order[3], p[4]);
	cr_expect_eq(order[4], p[5]);
	/* equal score and equal time share a rank (并列): 1, 1, 3, 4, 4 */
	cr_expect_eq(player(p[2])->rank, 1);
	cr_expect_eq(player(p[3])->rank, 1);
	cr_expect_eq(player(p[1])->rank, 3);
	cr_expect_eq(player(p[4])->rank, 4);
	cr_expect_eq(player(p[5])->rank, 4);
	cr_expect_eq(player(p[1])->total_time_us, 10 * MS);
	cr_expect_eq(player(p[4])->total_time_us, 1 * SEC);
}

Test(room, ranking_score_beats_time)
{
	struct room_settings s = settings();
	uint32_t slow, fast, order[2];

	new_room4(&s);
	slow = join("slow");
	fast = join("fast");
	start_and_open();
	now = room_reveal_at(R);
	cr_assert_eq(answer(fast, 0, dm(0, 0x2), NULL), 0);
	now += 19 * SEC;
	cr_assert_eq(answer(slow, 0, dm(0, SINGLE_OK), NULL), 0);
	run_out();
	cr_assert_eq(roster_standings(room_roster(R), order, 2), 2);
	cr_expect_eq(order[0], slow);
	cr_expect_eq(order[1], fast);
}

/* Staying silent must not win a tie-break over answering: a question left
 * unanswered weighs at least as much as any answer time in the total. */
Test(room, ranking_silence_is_not_faster)
{
	struct room_settings s = settings();
	uint32_t silent, wrong, order[2];

	new_room4(&s);
	silent = join("silent");
	wrong = join("wrong");
	start_and_open();
	now = room_reveal_at(R) + 15 * SEC;
	cr_assert_eq(answer(wrong, 0, dm(0, 0x2), NULL), 0);
	run_out();
	cr_assert_eq(roster_standings(room_roster(R), order, 2), 2);
	cr_expect_eq(order[0], wrong);
	cr_expect_eq(order[1], silent);
}

/* Regression: a late joiner started with no tie-break time, so after a
 * wrong answer they beat everyone who had played the earlier questions. */
Test(room, late_joiner_counts_missed_questions)
{
	struct room_settings s = settings();
	const struct room_player *late;
	uint32_t early, lj;

	new_room4(&s);
	early = join("early");
	start_and_open();
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(early, 0, dm(0, SINGLE_OK), NULL), 0);
	run_out();
	lj = join("late");
	late = player(lj);
	cr_expect_eq(late->total_time_us, s.time_limit_us,
		     "one scored question missed counts the full limit");
	cr_expect_eq(player(early)->total_time_us, 1 * SEC);
}

/* Regression: right after a resume the re-sent reveal_at lies in the past
 * by the time used before the pause; an answer could get less than that. */
Test(room, resume_never_gives_back_time_used)
{
	struct room_settings s = settings();
	int64_t rt;
	uint32_t a;

	new_room4(&s);
	a = join("a");
	start_and_open();
	now = room_reveal_at(R) + 5 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 30 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	/* at once, from a connection whose delay compensation would take it
	 * below the time used */
	now += 1;
	cr_assert_eq(answer_ow(a, 0, dm(0, SINGLE_OK), NULL, 100 * MS, &rt), 0);
	cr_expect_eq(rt, 5 * SEC, "floor: the 5 s used before the pause");
}

/* ---- live progress, dirty flags, teams ---------------------------------- */

Test(room, waiting_lists_who_has_not_answered)
{
	struct room_settings s = settings();
	uint32_t a, b, c, ids[8];

	new_room4(&s);
	a = join("a");
	b = join("b");
	c = join("c");
	cr_expect_eq(room_waiting(R, ids, 8), 0, "no question open yet");
	start_and_open();
	cr_expect_eq(room_waiting(R, ids, 8), 3);
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(b, 0, dm(0, SINGLE_OK), NULL), 0);
	cr_assert_eq(room_waiting(R, ids, 8), 2);
	cr_expect_eq(ids[0], a, "join order");
	cr_expect_eq(ids[1], c);
	cr_expect_eq(cmd(CMD_KICK, c), 0);
	cr_expect_eq(room_waiting(R, ids, 1), 1,
		     "kicked players are not waited for");
	cr_expect_eq(ids[0], a);
	cr_assert_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), 0);
	cr_expect_eq(room_waiting(R, ids, 8), 0);
}

Test(room, progress_and_dirty_flags)
{
	struct room_settings s = settings();
	static const int multi_first[] = {Q_MULTI, Q_FILL};
	uint32_t a, b, c, dist[ITEM_MAX_OPTIONS];

	new_room(&s, multi_first, 2);
	cr_expect_not(room_lobby_dirty(R));
	a = join("a");
	cr_expect(room_lobby_dirty(R));
	room_clear_dirty(R, true, false);
	cr_expect_not(room_lobby_dirty(R));
	b = join("b");
	c = join("c");
	start_and_open();
	room_clear_dirty(R, true, true);
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, dm(0, 0x5), NULL), 0);
	cr_expect(room_progress_dirty(R));
	cr_assert_eq(answer(b, 0, dm(0, 0x1), NULL), 0);
	cr_expect_eq(room_progress(R, dist), 2);
	/* dist is by display slot: bank option i shows in slot slot(0, i) */
	cr_expect_eq(dist[slot(0, 0)], 2);
	cr_expect_eq(dist[slot(0, 1)], 0);
	cr_expect_eq(dist[slot(0, 2)], 1);
	cr_expect_eq(dist[slot(0, 3)], 0);
	room_clear_dirty(R, false, true);
	cr_expect_not(room_progress_dirty(R));
	/* a refused answer is no progress */
	cr_expect_eq(answer(a, 0, dm(0, 0x5), NULL), -QE_ALREADY_ANSWERED);
	cr_expect_eq(room_progress(R, dist), 2);
	run_out();
	/* the next question starts from zero */
	next_question_open();
	cr_expect_eq(room_progress(R, dist), 0);
	cr_expect_eq(dist[0] + dist[1] + dist[2] + dist[3], 0);
	now = room_reveal_at(R);
	cr_assert_eq(answer(c, 1, 0, "cpc"), 0);
	cr_expect_eq(room_progress(R, dist), 1);
}

Test(room, teams)
{
	struct room_settings s = settings();
	uint32_t a, b, c, members = 0;

	new_room4(&s);
	a = (uint32_t)room_join(R, now, "a", "red");
	b = (uint32_t)room_join(R, now, "b", "red");
	c = (uint32_t)room_join(R, now, "c", "blue");
	join("d");
	cr_assert_eq(roster_team_count(room_roster(R)), 2);
	cr_expect_str_eq(roster_team_name(room_roster(R), 0), "red");
	cr_expect_str_eq(roster_team_name(room_roster(R), 1), "blue");
	cr_expect_null(roster_team_name(room_roster(R), 2));
	cr_expect_eq(player(a)->team, 0);
	cr_expect_eq(player(c)->team, 1);
	cr_expect_eq(player(4)->team, -1);
	start_and_open();
	now = room_reveal_at(R);
	cr_assert_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), 0); /* 1000 */
	cr_assert_eq(answer(b, 0, dm(0, 0x2), NULL), 0);       /* 0 */
	now += SEC;
	cr_assert_eq(answer(c, 0, dm(0, SINGLE_OK), NULL), 0); /* 975 */
	run_out();
	/* a room without a contest file: mean, base 0 */
	cr_expect_eq(board_score(0, &members), 500);
	cr_expect_eq(members, 2);
	cr_expect_eq(board_score(1, &members), 975);
	cr_expect_eq(members, 1);
	cr_assert_eq(cmd(CMD_KICK, b), 0);
	cr_expect_eq(board_score(0, &members), 1000);
	cr_expect_eq(members, 1);
}

/* ---- auto-advance: the whole match on timers alone ---------------------- */

Test(room, auto_advance_runs_the_whole_match)
{
	struct room_settings s = settings();
	static const enum room_effect_kind want[] = {
	    FX_ROUND,	    FX_COUNTDOWN,   FX_QUESTION, FX_CLOSED, FX_REVEAL,
	    FX_LEADERBOARD, FX_COUNTDOWN,   FX_QUESTION, FX_CLOSED, FX_REVEAL,
	    FX_LEADERBOARD, FX_COUNTDOWN,   FX_QUESTION, FX_CLOSED, FX_REVEAL,
	    FX_LEADERBOARD, FX_COUNTDOWN,   FX_QUESTION, FX_CLOSED, FX_REVEAL,
	    FX_ROUND_END,   FX_LEADERBOARD, FX_FINISHED,
	};
	size_t i, k, seen = 0;
	int64_t t0, last_cd = 0, last_reveal = 0, last_closed = 0;
	int64_t last_lb = 0, deadline = 0;
	uint32_t a, b;
	int guard = 0;

	s.auto_advance = true;
	new_room4(&s);
	a = join("a");
	b = join("b");
	t0 = now;
	cr_assert_eq(cmd(CMD_START, 0), 0);
	while (room_state(R) != ROOM_FINISHED) {
		cr_assert_lt(guard++, 100, "stuck in state %d", room_state(R));
		fire();
		/* answer each question 1 s after it shows, as a would */
		for (i = seen; i < nfx; i++) {
			const struct room_effect *e = &fxlog[i];
			const struct room_question *q;

			if (e->kind != FX_QUESTION)
				continue;
			q = room_question(R, e->q);
			cr_assert_not_null(q);
			now = e->u.time.reveal_at_us + SEC;
			cr_assert_eq(
			    answer(a, e->q, q->correct_mask,
				   q->item->kind == ITEM_FILL ? "CPC" : NULL),
			    0);
		}
		seen = nfx;
	}
	cr_expect_eq(room_timer_at(R), 0);

	/* the effects, in order, and the time each came out */
	for (i = 0, k = 0; i < nfx; i++) {
		const struct room_effect *e = &fxlog[i];
		int64_t t = fxtime[i];

		if (e->kind == FX_ANSWER || e->kind == FX_EVENT)
			continue;
		cr_assert_lt(k, sizeof(want) / sizeof(want[0]));
		cr_expect_eq(e->kind, want[k], "effect %zu", k);
		k++;
		switch (e->kind) {
		case FX_ROUND:
			cr_expect_eq(t, t0);
			break;
		case FX_ROUND_END:
			/* the last reveal's wait, then the round ends */
			cr_expect_eq(t, last_reveal + s.reveal_us);
			last_lb = t;
			break;
		case FX_COUNTDOWN:
			cr_expect_eq(t,
				     last_lb ? last_lb + s.leaderboard_us : t0);
			cr_expect_eq(e->u.time.at_us, t + s.countdown_us);
			last_cd = t;
			break;
		case FX_QUESTION:
			cr_expect_eq(e->u.time.reveal_at_us,
				     last_cd + s.countdown_us);
			cr_expect_eq(t, e->u.time.reveal_at_us - s.lead_us);
			deadline = e->u.time.deadline_at_us;
			break;
		case FX_CLOSED:
			cr_expect_geq(t, deadline);
			cr_expect_leq(t, deadline + s.comp_cap_us);
			cr_expect_not(e->u.closed.voided);
			last_closed = t;
			break;
		case FX_REVEAL:
			cr_expect_eq(t, last_closed, "committed at once");
			last_reveal = t;
			break;
		case FX_LEADERBOARD:
			if (e->u.board.final)
				cr_expect_eq(t, last_lb,
					     "with the round's end");
			else
				cr_expect_eq(t, last_reveal + s.reveal_us);
			cr_expect_eq(e->u.board.final, e->q == 3);
			last_lb = t;
			break;
		case FX_FINISHED:
			cr_expect_eq(t, last_lb);
			break;
		default:
			break;
		}
	}
	cr_expect_eq(k, sizeof(want) / sizeof(want[0]));
	cr_expect_eq(count_fx(FX_ANSWER), 4);
	cr_expect_eq(player(a)->score, 4 * 975);
	cr_expect_eq(player(a)->correct, 4);
	cr_expect_eq(player(b)->score, 0);
	cr_expect_eq(player(a)->rank, 1);
	cr_expect_eq(player(b)->rank, 2);
}

/* ---- draw ------------------------------------------------------------- */

TestSuite(draw, .init = setup, .fini = teardown);

/* A bank of n single-choice items with 2..8 options (one correct), plus
 * one true/false and one multi. */
static void big_bank(int n)
{
	static const char *const opts[] = {"o0", "o1", "o2", "o3",
					   "o4", "o5", "o6", "o7"};
	static const char *const tf[] = {"正确", "错误"};
	char id[16];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "b%d", i);
		add_item(id, ITEM_SINGLE, opts, 2 + (unsigned)i % 7,
			 1u << (i % 2), NULL, 0);
	}
	add_item("tf2", ITEM_TRUE_FALSE, tf, 2, 0x1, NULL, 0);
	add_item("mu2", ITEM_MULTI, opts, 8, 0xa5, NULL, 0);
}

Test(draw, reproducible_and_distinct)
{
	struct room_question x[40], y[40];
	int n, i, j, differ = 0;

	big_bank(30);
	n = draw_questions(bank, NULL, 20, 42, x);
	cr_assert_eq(n, 20);
	cr_assert_eq(draw_questions(bank, NULL, 20, 42, y), 20);
	for (i = 0; i < n; i++) {
		cr_expect_eq(x[i].item, y[i].item, "slot %d", i);
		cr_expect_eq(x[i].n_options, y[i].n_options);
		cr_expect_arr_eq(x[i].perm, y[i].perm, sizeof(x[i].perm));
		cr_expect_eq(x[i].correct_mask, y[i].correct_mask);
		for (j = 0; j < i; j++)
			cr_expect_neq(x[i].item, x[j].item, "%d and %d", i, j);
	}
	cr_assert_eq(draw_questions(bank, NULL, 20, 43, y), 20);
	for (i = 0; i < n; i++)
		differ += x[i].item != y[i].item;
	cr_expect_gt(differ, 0, "another seed, another draw");
}

Test(draw, correct_mask_follows_the_shuffle)
{
	struct room_question q[40];
	int n, i, shuffled = 0;
	unsigned k;

	big_bank(30);
	n = draw_questions(bank, NULL, 40, 7, q);
	cr_assert_eq(n, 36, "fewer items than asked: all of them");
	for (i = 0; i < n; i++) {
		const struct item *it = q[i].item;
		uint32_t seen = 0;

		cr_assert_not_null(it);
		cr_expect_eq(q[i].n_options, it->n_options);
		for (k = 0; k < q[i].n_options; k++) {
			bool want = it->correct_mask >> q[i].perm[k] & 1;

			cr_assert_lt(q[i].perm[k], it->n_options);
			seen |= 1u << q[i].perm[k];
			cr_expect_eq((bool)(q[i].correct_mask >> k & 1), want,
				     "%s slot %u", it->id, k);
			shuffled += q[i].perm[k] != k;
		}
		cr_expect_eq(seen, (1u << it->n_options) - 1,
			     "%s: perm is a permutation", it->id);
		cr_expect_eq(q[i].correct_mask >> it->n_options, 0);
		if (it->kind == ITEM_TRUE_FALSE) {
			cr_expect_eq(q[i].perm[0], 0, "正确 stays first");
			cr_expect_eq(q[i].perm[1], 1);
		}
	}
	cr_expect_gt(shuffled, 0, "options are shuffled");
}

Test(draw, filter)
{
	struct draw_filter f;
	struct room_question q[8];
	int n, i;

	memset(&f, 0, sizeof(f));
	f.kinds = 1u << ITEM_FILL | 1u << ITEM_TRUE_FALSE;
	n = draw_questions(bank, &f, 8, 1, q);
	cr_assert_eq(n, 2);
	for (i = 0; i < n; i++)
		cr_expect(q[i].item->kind == ITEM_FILL ||
			  q[i].item->kind == ITEM_TRUE_FALSE);

	memset(&f, 0, sizeof(f));
	f.category = "history";
	cr_assert_eq(draw_questions(bank, &f, 8, 1, q), 1);
	cr_expect_str_eq(q[0].item->id, "f1");

	memset(&f, 0, sizeof(f));
	f.min_difficulty = 2;
	f.max_difficulty = 2;
	cr_assert_eq(draw_questions(bank, &f, 8, 1, q), 1);
	cr_expect_str_eq(q[0].item->id, "m1");
	f.max_difficulty = 0; /* no upper bound: m1 and t1 */
	cr_assert_eq(draw_questions(bank, &f, 8, 1, q), 2);
	for (i = 0; i < 2; i++)
		cr_expect_geq(q[i].item->difficulty, 2);

	memset(&f, 0, sizeof(f));
	f.category = "nope";
	cr_expect_eq(draw_questions(bank, &f, 8, 1, q), 0);
	cr_expect_eq(draw_questions(bank, NULL, 0, 1, q), 0);
	cr_expect_eq(draw_questions(bank, NULL, 2, 1, q), 2);
}

Test(draw, rand_is_splitmix64)
{
	uint64_t st = 0;

	/* reference outputs of splitmix64 seeded with 0 */
	cr_expect_eq(draw_rand(&st), 0xe220a8397b1dcdafULL);
	cr_expect_eq(draw_rand(&st), 0x6e789e6aa1b965f4ULL);
	cr_expect_eq(draw_rand(&st), 0x06c45d188009454fULL);
}

/* ---- storage hold (room_hold / room_release) --------------------------- */

/* Storage down mid-question: the room pauses with reason STORAGE, the game
 * clock stops, answers are refused, host RESUME cannot resume it; the
 * release resumes it with the time used before the hold kept. */
Test(room, hold_pauses_open_question_and_release_resumes)
{
	struct room_settings s = settings();
	const struct room_effect *e;
	uint32_t a;
	int64_t reveal;

	new_room4(&s);
	a = join("a");
	start_and_open();
	reveal = room_reveal_at(R);
	now = reveal + 5 * SEC;
	cr_assert_eq(room_hold(R, now, ROOM_PAUSE_STORAGE), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect(room_held(R));
	cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_STORAGE);
	e = last_fx(FX_PAUSED);
	cr_assert_not_null(e);
	cr_expect_eq(e->u.paused.reason, ROOM_PAUSE_STORAGE);
	cr_expect_eq(e->u.paused.remaining_us, s.time_limit_us - 5 * SEC);
	cr_expect_eq(room_timer_at(R), 0, "the game clock stops");
	/* holding twice is a no-op */
	cr_assert_eq(room_hold(R, now, ROOM_PAUSE_STORAGE), 0);
	drain();
	cr_expect_eq(count_fx(FX_PAUSED), 1);

	now += 30 * SEC;
	cr_expect_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_RESUME, 0), -QE_STORAGE_UNAVAILABLE);
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(count_fx(FX_RESUMED), 0);

	cr_assert_eq(room_release(R, now), 0);
	drain();
	cr_expect(!room_held(R));
	cr_expect_eq(room_state(R), ROOM_OPEN);
	cr_expect_eq(count_fx(FX_RESUMED), 1);
	e = last_fx(FX_QUESTION);
	cr_expect_eq(e->u.time.deadline_at_us - now, s.time_limit_us - 5 * SEC,
		     "only the time used before the hold is gone (times move "
		     "by exactly the length of the pause)");
	/* releasing twice is a no-op */
	cr_assert_eq(room_release(R, now), 0);
	drain();
	cr_expect_eq(count_fx(FX_RESUMED), 1);
}

/* A room the host paused stays paused through a hold: its reason becomes
 * STORAGE, then HOST again on release, and only the host resumes it. */
Test(room, hold_keeps_host_pause)
{
	struct room_settings s = settings();

	new_room4(&s);
	join("a");
	start_and_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_assert_eq(room_hold(R, now, ROOM_PAUSE_STORAGE), 0);
	drain();
	cr_expect_eq(count_fx(FX_PAUSED), 2);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.reason, ROOM_PAUSE_STORAGE);
	cr_expect_eq(cmd(CMD_RESUME, 0), -QE_STORAGE_UNAVAILABLE);
	now += SEC;
	cr_assert_eq(room_release(R, now), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(count_fx(FX_PAUSED), 3);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.reason, ROOM_PAUSE_HOST);
	cr_expect_eq(count_fx(FX_RESUMED), 0);
	cr_expect_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN);
}

/* A host PAUSE during the hold keeps the room paused after it. */
Test(room, host_pause_during_hold_survives_release)
{
	struct room_settings s = settings();

	new_room4(&s);
	join("a");
	start_and_open();
	cr_assert_eq(room_hold(R, now, ROOM_PAUSE_STORAGE), 0);
	drain();
	cr_expect_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(cmd(CMD_PAUSE, 0), -QE_BAD_STATE);
	cr_assert_eq(room_release(R, now), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.reason, ROOM_PAUSE_HOST);
}

/* Held while a closed question waits for its commit: paused (no timer was
 * running); the commit that arrives after the release reveals it. */
Test(room, hold_while_awaiting_commit)
{
	struct room_settings s = settings();
	uint32_t a;

	auto_commit = false;
	new_room4(&s);
	a = join("a");
	start_and_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, dm(0, SINGLE_OK), NULL), 0);
	run_out();
	cr_assert_eq(room_state(R), ROOM_CLOSED);
	cr_assert_eq(room_hold(R, now, ROOM_PAUSE_STORAGE), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.reason, ROOM_PAUSE_STORAGE);
	now += 10 * SEC;
	cr_assert_eq(room_release(R, now), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_eq(count_fx(FX_REVEAL), 0);
	room_committed(R, now, 0);
	drain();
	cr_expect_eq(count_fx(FX_REVEAL), 1);
	cr_expect_gt(player(a)->score, 0);
}

/* A lobby only remembers the hold: START is refused until the release. */
Test(room, hold_in_lobby_refuses_start)
{
	struct room_settings s = settings();

	new_room4(&s);
	join("a");
	cr_assert_eq(room_hold(R, now, ROOM_PAUSE_STORAGE), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_LOBBY);
	cr_expect_eq(count_fx(FX_PAUSED), 0);
	cr_expect_eq(cmd(CMD_START, 0), -QE_STORAGE_UNAVAILABLE);
	cr_assert_eq(room_release(R, now), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_LOBBY);
	cr_expect_eq(cmd(CMD_START, 0), 0);
}

/* Each round format through whole rounds with a fake clock
 * (tests/unit/room_fixture.h): SPEED, TURN (必答) and WAGER (风险), pause
 * and resume in every phase, timeouts, contests of several rounds with
 * their round breaks, rounds without teams, rounds that draw nothing, the
 * 200-question cap and the rule that no item is asked twice in a match.
 * The rules are those of docs/CONTEST.md (and brief8.md). */
#include <criterion/criterion.h>

#include "room_fixture.h"

#include "draw.h"

#define GOLDEN 0x9E3779B97F4A7C15ULL

static void setup(void)
{
	fixture_setup();
	add_singles("q", 40, "c");
}

static void teardown(void)
{
	fixture_teardown();
}

TestSuite(formats, .init = setup, .fini = teardown);

/* A room running one round of format f (count questions; 0: the
 * format's default). */
static struct round_cfg *one_round(struct contest *c, enum round_format f,
				   uint32_t count)
{
	struct round_cfg *r;

	contest_init(c);
	r = add_round(c, f);
	if (count)
		r->count = count;
	return r;
}

/* The number of the unit whose turn it is: its team, or -1 - player. */
static int64_t turn_unit(void)
{
	struct room_turn t;

	room_turn(R, &t);
	cr_assert(t.restricted, "a TURN question is restricted");
	return t.team >= 0 ? t.team : -1 - (int64_t)t.player;
}

/* ---- defaults ---------------------------------------------------------- */

Test(formats, round_defaults)
{
	struct round_cfg r;

	memset(&r, 0xa5, sizeof(r));
	round_cfg_default(&r, FMT_SPEED);
	cr_expect_eq(r.format, FMT_SPEED);
	cr_expect_eq(r.count, 10);
	cr_expect_eq(r.time_limit_us, 20 * SEC);
	cr_expect_eq(r.points, 1000);
	round_cfg_default(&r, FMT_TURN);
	cr_expect_eq(r.format, FMT_TURN);
	cr_expect_eq(r.count, 2);
	cr_expect_eq(r.time_limit_us, 30 * SEC);
	cr_expect_eq(r.points, 10);
	cr_expect_eq(r.penalty, 0);
	round_cfg_default(&r, FMT_WAGER);
	cr_expect_eq(r.format, FMT_WAGER);
	cr_expect_eq(r.count, 3);
	cr_expect_eq(r.wager_us, 15 * SEC);
	cr_expect_eq(r.time_limit_us, 30 * SEC);
	cr_assert_eq(r.nstakes, 3);
	cr_expect_eq(r.stakes[0], 10);
	cr_expect_eq(r.stakes[1], 20);
	cr_expect_eq(r.stakes[2], 30);
}

/* ---- SPEED --------------------------------------------------------------- */

/* Points by speed, booked at the close; equal score and time tie. */
Test(formats, speed_points_and_ties)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_turn t;
	uint32_t a, b, d, e, order[4];
	int64_t R0;

	one_round(&c, FMT_SPEED, 2);
	new_room_contest(&s, &c);
	a = join("a");
	b = join("b");
	d = join("d");
	e = join("e");
	to_open();
	room_turn(R, &t);
	cr_expect_not(t.restricted, "everyone answers a SPEED question");
	R0 = room_reveal_at(R);
	now = R0 + 2 * SEC;
	cr_assert_eq(answer(b, 0, ok_mask(0), NULL), 0);
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	now = R0 + 4 * SEC;
	cr_assert_eq(answer(d, 0, ok_mask(0), NULL), 0);
	cr_assert_eq(answer(e, 0, bad_mask(0), NULL), 0);
	cr_expect_eq(answer(e, 0, ok_mask(0), NULL), -QE_ALREADY_ANSWERED);
	cr_expect_eq(player(a)->score, 0, "nothing booked before the close");
	run_out();
	cr_expect_eq(player(a)->score, 950);
	cr_expect_eq(player(b)->score, 950);
	cr_expect_eq(player(d)->score, 900);
	cr_expect_eq(player(e)->score, 0);
	cr_expect_eq(player(a)->rank, 1);
	cr_expect_eq(player(b)->rank, 1);
	cr_expect_eq(player(d)->rank, 3);
	cr_expect_eq(player(e)->rank, 4);
	cr_assert_eq(roster_standings(room_roster(R), order, 4), 4);
	cr_expect_eq(order[0], a, "join order inside a tie");
	cr_expect_eq(order[1], b);
	cr_expect_eq(order[2], d);
	cr_expect_eq(order[3], e);
	cr_expect_eq(player(e)->last.delta, 0);
	cr_expect(player(e)->last.answered);
	cr_expect_not(player(e)->last.correct);

	/* question 1: only b answers; the tie breaks on time */
	to_open();
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(b, 1, ok_mask(1), NULL), 0);
	run_out();
	cr_expect_eq(player(b)->score, 950 + 975);
	cr_expect_eq(player(a)->score, 950);
	cr_expect_eq(player(a)->total_time_us, 2 * SEC + 20 * SEC);
	cr_expect_eq(player(b)->total_time_us, 3 * SEC);
	cr_expect_eq(player(b)->rank, 1);
	cr_expect_eq(player(a)->rank, 2);
	cr_expect_eq(to_break(), ROOM_FINISHED, "one round only");
	cr_expect_eq(count_fx(FX_ROUND_END), 1);
}

/* ---- TURN (必答) ----------------------------------------------------------
 */

/* Teams take turns in team-index order; only the team whose turn it is
 * answers; its first answer counts, for every member. */
Test(formats, turn_order_over_teams)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_turn t;
	const struct room_effect *e;
	uint32_t a, b, cc, d, solo, q;
	int64_t R0;

	one_round(&c, FMT_TURN, 0);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	cc = join_team("c", "blue");
	b = join_team("b", "red");
	d = join_team("d", "green");
	solo = join("solo");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	e = last_fx(FX_ROUND);
	cr_assert_not_null(e);
	cr_expect_eq(e->u.round.n, 6, "2 per team, 3 teams");
	cr_expect_eq(room_question_count(R), 6);

	/* q0: red */
	to_open();
	cr_expect_eq(turn_unit(), 0);
	room_turn(R, &t);
	cr_expect_eq(t.team, player(a)->team);
	R0 = room_reveal_at(R);
	now = R0 + 1 * SEC;
	cr_expect_eq(answer(cc, 0, ok_mask(0), NULL), -QE_NOT_YOUR_TURN);
	cr_expect_eq(answer(d, 0, ok_mask(0), NULL), -QE_NOT_YOUR_TURN);
	cr_expect_eq(answer(solo, 0, ok_mask(0), NULL), -QE_NOT_YOUR_TURN,
		     "no team: no turn in a team round");
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	cr_expect(last_fx(FX_ANSWER)->u.answer.correct);
	cr_expect_eq(answer(b, 0, bad_mask(0), NULL), -QE_ALREADY_ANSWERED,
		     "the team answered");
	cr_expect_eq(answer(a, 0, ok_mask(0), NULL), -QE_ALREADY_ANSWERED);
	cr_expect_eq(count_fx(FX_ANSWER), 1);
	cr_expect_eq(player(a)->score, 0, "booked at the close");
	run_out();
	cr_expect_eq(player(a)->score, 10);
	cr_expect_eq(player(b)->score, 10, "every member of the team");
	cr_expect_eq(player(cc)->score, 0);
	cr_expect_eq(player(d)->score, 0);
	cr_expect_eq(player(solo)->score, 0);
	cr_expect_eq(player(b)->last.q, 0);
	cr_expect_eq(player(b)->last.delta, 10);
	cr_expect(player(b)->last.answered, "the team answered");
	cr_expect(player(b)->last.correct);
	cr_expect_eq(board_score(0, NULL), 10, "mean moves by the points");

	/* q1: blue answers wrong; penalty 0 */
	to_open();
	cr_expect_eq(turn_unit(), 1);
	now = room_reveal_at(R) + 1 * SEC;
	cr_expect_eq(answer(a, 1, ok_mask(1), NULL), -QE_NOT_YOUR_TURN);
	cr_assert_eq(answer(cc, 1, bad_mask(1), NULL), 0);
	run_out();
	cr_expect_eq(player(cc)->score, 0);
	cr_expect(player(cc)->last.answered);
	cr_expect_not(player(cc)->last.correct);
	cr_expect_eq(player(cc)->last.q, 1);

	/* q2: green is silent: the turn times out, 0 */
	to_open();
	cr_expect_eq(turn_unit(), 2);
	run_out();
	cr_expect_eq(player(d)->score, 0);
	cr_expect_not(player(d)->last.answered);
	cr_expect_eq(player(d)->last.q, 2);

	/* q3: red again; this time b answers first */
	to_open();
	cr_expect_eq(turn_unit(), 0);
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(b, 3, ok_mask(3), NULL), 0);
	cr_expect_eq(answer(a, 3, ok_mask(3), NULL), -QE_ALREADY_ANSWERED);
	run_out();
	cr_expect_eq(player(a)->score, 20);
	cr_expect_eq(player(b)->score, 20);

	/* q4 blue, q5 green: both right */
	for (q = 4; q < 6; q++) {
		uint32_t who = q == 4 ? cc : d;

		to_open();
		cr_expect_eq(turn_unit(), (int64_t)q - 3);
		now = room_reveal_at(R) + 1 * SEC;
		cr_assert_eq(answer(who, q, ok_mask(q), NULL), 0);
		run_out();
	}
	cr_expect_eq(player(cc)->score, 10);
	cr_expect_eq(player(d)->score, 10);
	cr_expect_eq(to_break(), ROOM_FINISHED);
}

/* A wrong answer costs the penalty to every member; the team's first
 * answer counts even when a teammate would have been right. */
Test(formats, turn_first_answer_counts_and_penalty)
{
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	uint32_t a, b, x;

	r = one_round(&c, FMT_TURN, 1);
	r->penalty = -5;
	r->points = 20;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b = join_team("b", "red");
	x = join_team("x", "blue");
	to_open();
	cr_expect_eq(turn_unit(), 0);
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(a, 0, bad_mask(0), NULL), 0);
	cr_expect_eq(answer(b, 0, ok_mask(0), NULL), -QE_ALREADY_ANSWERED);
	run_out();
	cr_expect_eq(player(a)->score, -5);
	cr_expect_eq(player(b)->score, -5);
	cr_expect_eq(player(b)->last.delta, -5);
	cr_expect_eq(player(x)->score, 0);
	cr_expect_eq(board_score(0, NULL), -5);

	to_open();
	cr_expect_eq(turn_unit(), 1);
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(x, 1, ok_mask(1), NULL), 0);
	run_out();
	cr_expect_eq(player(x)->score, 20);
	cr_expect_eq(player(x)->rank, 1);
	cr_expect_eq(player(a)->rank, 2);
	cr_expect_eq(player(b)->rank, 2, "teammates tie");
	cr_expect_eq(to_break(), ROOM_FINISHED);
}

/* Without teams, the contestants take the turns in join order. */
Test(formats, turn_without_teams_contestants_take_turns)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_turn t;
	uint32_t p[3], q, k;

	one_round(&c, FMT_TURN, 1);
	new_room_contest(&s, &c);
	p[0] = join("p0");
	p[1] = join("p1");
	p[2] = join("p2");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_expect_eq(last_fx(FX_ROUND)->u.round.n, 3);
	for (q = 0; q < 3; q++) {
		to_open();
		room_turn(R, &t);
		cr_expect(t.restricted);
		cr_expect_eq(t.team, -1);
		cr_expect_eq(t.player, p[q], "q%u belongs to p%u", q, q);
		now = room_reveal_at(R) + 1 * SEC;
		for (k = 0; k < 3; k++)
			if (k != q)
				cr_expect_eq(answer(p[k], q, ok_mask(q), NULL),
					     -QE_NOT_YOUR_TURN);
		if (q != 1) { /* p1 stays silent on its turn */
			cr_assert_eq(answer(p[q], q, ok_mask(q), NULL), 0);
			cr_expect_eq(answer(p[q], q, ok_mask(q), NULL),
				     -QE_ALREADY_ANSWERED, "q%u", q);
		}
		run_out();
	}
	cr_expect_eq(player(p[0])->score, 10);
	cr_expect_eq(player(p[1])->score, 0, "silent on its turn");
	cr_expect_eq(player(p[2])->score, 10);
	cr_expect_eq(to_break(), ROOM_FINISHED);
}

/* The answering team disconnects (a disconnected contestant is silent to
 * the core; the host may kick it): the turn times out and books 0. */
Test(formats, turn_answering_team_silent_or_gone)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b, x;

	one_round(&c, FMT_TURN, 1);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b = join_team("b", "red");
	x = join_team("x", "blue");
	to_open();
	cr_expect_eq(turn_unit(), 0);
	/* red's connections are gone: nobody answers; the host kicks a */
	now = room_reveal_at(R) + 5 * SEC;
	cr_assert_eq(cmd(CMD_KICK, a), 0);
	cr_expect_eq(answer(x, 0, ok_mask(0), NULL), -QE_NOT_YOUR_TURN);
	run_out();
	cr_expect_eq(player(b)->score, 0);
	cr_expect_not(player(b)->last.answered);
	cr_expect_eq(player(a)->score, 0);
	cr_expect_eq(player(x)->score, 0);

	/* blue's turn; then the whole of red is gone */
	to_open();
	cr_expect_eq(turn_unit(), 1);
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(x, 1, ok_mask(1), NULL), 0);
	run_out();
	cr_expect_eq(player(x)->score, 10);
	cr_expect_eq(player(b)->score, 0);
	cr_expect_eq(to_break(), ROOM_FINISHED);
}

/* A right answer books the points to every member not out, and only them;
 * a member who joins during the round answers for the team. */
Test(formats, turn_books_every_active_member)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b, k, late, x;

	one_round(&c, FMT_TURN, 2);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b = join_team("b", "red");
	k = join_team("k", "red");
	x = join_team("x", "blue");
	to_open();
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(cmd(CMD_KICK, k), 0);
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	run_out();
	cr_expect_eq(player(a)->score, 10);
	cr_expect_eq(player(b)->score, 10);
	cr_expect_eq(player(k)->score, 0, "kicked: out");
	late = join_team("late", "red");
	to_open(); /* blue */
	now = room_reveal_at(R) + 1 * SEC;
	cr_expect_eq(answer(late, 1, ok_mask(1), NULL), -QE_NOT_YOUR_TURN);
	run_out();
	to_open(); /* red */
	cr_expect_eq(turn_unit(), 0);
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(late, 2, ok_mask(2), NULL), 0);
	run_out();
	cr_expect_eq(player(a)->score, 20);
	cr_expect_eq(player(b)->score, 20);
	cr_expect_eq(player(late)->score, 10);
	cr_expect_eq(player(x)->score, 0);
}

/* Units are fixed at the round's start: a team whose members all left
 * the lobby gets no turn. */
Test(formats, turn_units_fixed_at_round_start)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, gone, x;

	one_round(&c, FMT_TURN, 1);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	gone = join_team("gone", "green");
	x = join_team("x", "blue");
	cr_assert_eq(leave(gone), 0);
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_expect_eq(last_fx(FX_ROUND)->u.round.n, 2, "red and blue");
	to_open();
	cr_expect_eq(turn_unit(), player(a)->team);
	run_out();
	to_open();
	cr_expect_eq(turn_unit(), player(x)->team);
	/* a team that appears during the round gets no turn in it */
	cr_assert_gt(join_team_rc("n", "newteam"), 0);
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
}

/* ---- WAGER (风险) -------------------------------------------------------- */

/* Stakes, the default stake, a team's first stake, and ±stake booked. */
Test(formats, wager_stakes_and_booking)
{
	struct room_settings s = settings();
	struct contest c;
	const struct room_effect *e;
	uint32_t a, b, x, solo;
	int64_t t0;

	one_round(&c, FMT_WAGER, 1);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b = join_team("b", "red");
	x = join_team("x", "blue");
	solo = join("solo");
	cr_expect_eq(wager(a, 0, 30), -QE_BAD_STATE, "lobby");
	t0 = now;
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_expect_eq(last_fx(FX_ROUND)->u.round.n, 1);
	cr_assert_eq(room_state(R), ROOM_WAGER);
	e = last_fx(FX_WAGER_OPEN);
	cr_assert_not_null(e);
	cr_expect_eq(e->q, 0);
	cr_expect_eq(e->u.time.deadline_at_us, t0 + 15 * SEC);
	cr_expect_eq(room_deadline_at(R), t0 + 15 * SEC);
	cr_expect_eq(room_timer_at(R), t0 + 15 * SEC);
	cr_expect_eq(answer(a, 0, ok_mask(0), NULL), -QE_BAD_STATE,
		     "no answer while stakes are picked");

	now = t0 + 2 * SEC;
	cr_expect_eq(wager(x, 0, 25), -QE_BAD_MESSAGE, "not a stake");
	cr_expect_eq(wager(x, 0, 0), -QE_BAD_MESSAGE);
	cr_expect_eq(wager(x, 0, -10), -QE_BAD_MESSAGE);
	cr_expect_eq(wager(x, 1, 20), -QE_BAD_MESSAGE, "wrong question");
	cr_expect_eq(count_fx(FX_WAGER), 0);
	cr_assert_eq(wager(a, 0, 30), 0);
	e = last_fx(FX_WAGER);
	cr_assert_not_null(e);
	cr_expect_eq(e->u.wager.player, a);
	cr_expect_eq(e->u.wager.team, player(a)->team);
	cr_expect_eq(e->u.wager.stake, 30);
	cr_expect_eq(wager(b, 0, 10), -QE_ALREADY_ANSWERED, "team's first");
	cr_expect_eq(wager(a, 0, 20), -QE_ALREADY_ANSWERED);
	cr_assert_eq(wager(x, 0, 20), 0);
	cr_expect_eq(count_fx(FX_WAGER), 2);
	cr_expect_eq(room_stake(R, player(a)->team, 0), 30);
	cr_expect_eq(room_stake(R, player(x)->team, 0), 20);
	cr_expect_eq(room_stake(R, -1, solo), 0, "none picked yet");

	/* the phase ends on its timer: countdown, then the question */
	fire();
	cr_expect_eq(now, t0 + 15 * SEC);
	cr_expect_neq(room_state(R), ROOM_WAGER);
	cr_expect_eq(wager(solo, 0, 10), -QE_BAD_STATE, "too late to stake");
	to_open();
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(b, 0, ok_mask(0), NULL), 0);
	cr_expect_eq(answer(a, 0, bad_mask(0), NULL), -QE_ALREADY_ANSWERED);
	cr_assert_eq(answer(x, 0, bad_mask(0), NULL), 0);
	cr_expect_eq(player(a)->score, 0, "booked at the close");
	run_out();
	cr_expect_eq(player(a)->score, 30);
	cr_expect_eq(player(b)->score, 30);
	cr_expect_eq(player(x)->score, -20);
	cr_expect_eq(player(solo)->score, -10, "no stake, no answer: -10");
	cr_expect_eq(player(a)->last.stake, 30);
	cr_expect_eq(player(a)->last.delta, 30);
	cr_expect(player(a)->last.answered);
	cr_expect(player(a)->last.correct);
	cr_expect_eq(player(x)->last.stake, 20);
	cr_expect_eq(player(x)->last.delta, -20);
	cr_expect_not(player(x)->last.correct);
	cr_expect_eq(player(solo)->last.stake, 10);
	cr_expect_eq(player(solo)->last.delta, -10);
	cr_expect_not(player(solo)->last.answered);
	cr_expect_eq(board_score(player(a)->team, NULL), 30);
	cr_expect_eq(board_score(player(x)->team, NULL), -20);
	cr_expect_eq(to_break(), ROOM_FINISHED);
	cr_expect_eq(player(x)->rank, 4, "-20 is last");
	cr_expect_eq(player(solo)->rank, 3);
}

/* Host NEXT ends the wager phase early; stakes after it are refused; a
 * unit that did not stake is booked the smallest stake of the round. */
Test(formats, wager_next_ends_phase_and_default_stake)
{
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	uint32_t a, x;

	r = one_round(&c, FMT_WAGER, 2);
	r->nstakes = 2;
	r->stakes[0] = 5;
	r->stakes[1] = 50;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	x = join_team("x", "blue");
	to_wager();
	cr_expect_eq(wager(a, 0, 10), -QE_BAD_MESSAGE, "not this round's");
	cr_assert_eq(wager(a, 0, 50), 0);
	now += 1 * SEC;
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_neq(room_state(R), ROOM_WAGER);
	cr_expect_eq(wager(x, 0, 5), -QE_BAD_STATE);
	to_open();
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(a, 0, bad_mask(0), NULL), 0);
	cr_assert_eq(answer(x, 0, ok_mask(0), NULL), 0);
	run_out();
	cr_expect_eq(player(a)->score, -50);
	cr_expect_eq(player(x)->score, 5, "default: the smallest stake");
	cr_expect_eq(player(x)->last.stake, 5);

	/* question 1 has a wager phase of its own; stakes start afresh */
	to_wager();
	cr_expect_eq(room_question_index(R), 1);
	cr_expect_eq(room_stake(R, player(a)->team, 0), 0);
	cr_assert_eq(wager(x, 1, 50), 0);
	cr_expect_eq(wager(x, 0, 50), -QE_BAD_MESSAGE, "past question");
	to_open();
	run_out();
	cr_expect_eq(player(a)->score, -55, "no answer: -5");
	cr_expect_eq(player(x)->score, -45, "no answer: -50");
	cr_expect_eq(to_break(), ROOM_FINISHED);
}

/* Without teams each contestant is its own unit. */
Test(formats, wager_without_teams)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t p, q2;

	one_round(&c, FMT_WAGER, 1);
	new_room_contest(&s, &c);
	p = join("p");
	q2 = join("q");
	to_wager();
	cr_assert_eq(wager(p, 0, 20), 0);
	cr_expect_eq(last_fx(FX_WAGER)->u.wager.team, -1);
	cr_assert_eq(wager(q2, 0, 30), 0, "another unit");
	cr_expect_eq(wager(p, 0, 30), -QE_ALREADY_ANSWERED);
	cr_expect_eq(room_stake(R, -1, p), 20);
	cr_expect_eq(room_stake(R, -1, q2), 30);
	to_open();
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(p, 0, ok_mask(0), NULL), 0);
	cr_assert_eq(answer(q2, 0, ok_mask(0), NULL), 0);
	run_out();
	cr_expect_eq(player(p)->score, 20);
	cr_expect_eq(player(q2)->score, 30);
}

/* ---- pause and hold in each phase --------------------------------------- */

/* A pause in the wager phase stops its clock; stakes wait for the
 * resume. */
Test(formats, pause_in_wager_phase)
{
	struct room_settings s = settings();
	struct contest c;
	const struct room_effect *e;
	uint32_t a;
	int64_t D, paused_at;

	one_round(&c, FMT_WAGER, 1);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	to_wager();
	D = room_deadline_at(R);
	paused_at = now = D - 10 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(room_paused_from(R), ROOM_WAGER);
	e = last_fx(FX_PAUSED);
	cr_assert_not_null(e);
	cr_expect_eq(e->u.paused.remaining_us, 10 * SEC);
	cr_expect_eq(e->u.paused.reason, ROOM_PAUSE_HOST);
	cr_expect_eq(room_timer_at(R), 0);
	cr_expect_eq(wager(a, 0, 30), -QE_BAD_STATE);
	/* a stray tick long after the old deadline changes nothing */
	nfx = 0;
	room_tick(R, D + 60 * SEC);
	drain();
	cr_expect_eq(count_fx(FX_COUNTDOWN), 0);
	cr_expect_eq(room_state(R), ROOM_PAUSED);

	now = paused_at + 100 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_WAGER);
	cr_expect_eq(count_fx(FX_RESUMED), 1);
	cr_expect_eq(room_deadline_at(R), D + 100 * SEC);
	cr_expect_eq(room_timer_at(R), D + 100 * SEC);
	e = last_fx(FX_WAGER_OPEN);
	cr_assert_not_null(e, "the wager phase is announced again");
	cr_expect_eq(e->u.time.deadline_at_us, D + 100 * SEC);
	cr_assert_eq(wager(a, 0, 30), 0);
	fire();
	cr_expect_eq(now, D + 100 * SEC);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	run_out();
	cr_expect_eq(player(a)->score, 30);
}

/* A storage hold in the wager phase; the release resumes it. */
Test(formats, hold_in_wager_phase)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a;
	int64_t D;

	one_round(&c, FMT_WAGER, 1);
	new_room_contest(&s, &c);
	a = join("a");
	to_wager();
	D = room_deadline_at(R);
	now += 5 * SEC;
	cr_assert_eq(hold(), 0);
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.reason, ROOM_PAUSE_STORAGE);
	cr_expect_eq(wager(a, 0, 20), -QE_BAD_STATE);
	cr_expect_eq(cmd(CMD_RESUME, 0), -QE_STORAGE_UNAVAILABLE);
	now += 30 * SEC;
	cr_assert_eq(release(), 0);
	cr_expect_eq(room_state(R), ROOM_WAGER);
	cr_expect_eq(room_deadline_at(R), D + 30 * SEC);
	cr_assert_eq(wager(a, 0, 20), 0);
}

/* A pause in the countdown and in the open question of a WAGER round:
 * the stakes survive it. */
Test(formats, pause_in_wager_question)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a;
	int64_t D;

	one_round(&c, FMT_WAGER, 1);
	new_room_contest(&s, &c);
	a = join("a");
	to_wager();
	cr_assert_eq(wager(a, 0, 20), 0);
	fire();
	cr_assert_eq(room_state(R), ROOM_COUNTDOWN);
	now += 1 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(room_paused_from(R), ROOM_COUNTDOWN);
	now += 50 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_COUNTDOWN);
	to_open();
	D = room_deadline_at(R);
	now = room_reveal_at(R) + 3 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(room_paused_from(R), ROOM_OPEN);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.remaining_us, D - now);
	cr_expect_eq(answer(a, 0, ok_mask(0), NULL), -QE_BAD_STATE);
	now += 20 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_deadline_at(R), D + 20 * SEC);
	cr_expect_eq(room_stake(R, -1, a), 20);
	now += 1 * SEC;
	cr_assert_eq(answer(a, 0, bad_mask(0), NULL), 0);
	run_out();
	cr_expect_eq(player(a)->score, -20);
}

/* A pause in a TURN question keeps the turn and the time used. */
Test(formats, pause_in_turn_question)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, x;
	int64_t D, rt;

	one_round(&c, FMT_TURN, 1);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	x = join_team("x", "blue");
	to_open();
	D = room_deadline_at(R);
	now = room_reveal_at(R) + 4 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(answer(a, 0, ok_mask(0), NULL), -QE_BAD_STATE);
	now += 60 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN);
	cr_expect_eq(room_deadline_at(R), D + 60 * SEC);
	cr_expect_eq(turn_unit(), 0);
	cr_expect_eq(answer(x, 0, ok_mask(0), NULL), -QE_NOT_YOUR_TURN);
	now += 1 * SEC;
	cr_assert_eq(answer_ow(a, 0, ok_mask(0), NULL, 0, &rt), 0);
	cr_expect_eq(rt, 5 * SEC);
	run_out();
	cr_expect_eq(player(a)->score, 10);
	cr_expect_eq(player(a)->last.rt_us, 5 * SEC);
}

/* A pause during a round break stays there; resume returns to it. */
Test(formats, pause_in_round_break)
{
	struct room_settings s = settings();
	struct contest c;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 1;
	add_round(&c, FMT_SPEED)->count = 1;
	s.auto_advance = true;
	new_room_contest(&s, &c);
	join("a");
	to_open();
	run_out();
	while (room_state(R) != ROOM_ROUND_BREAK) {
		cr_assert_neq(room_state(R), ROOM_FINISHED);
		fire();
	}
	cr_expect_eq(room_timer_at(R), now + s.leaderboard_us);
	now += 1 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(room_paused_from(R), ROOM_ROUND_BREAK);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.remaining_us,
		     s.leaderboard_us - SEC);
	now += 100 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_ROUND_BREAK);
	cr_expect_eq(room_timer_at(R), now + s.leaderboard_us - SEC);
	fire();
	cr_expect_eq(last_fx(FX_ROUND)->round, 1);
}

/* ---- timeouts ------------------------------------------------------------ */

/* Auto-advance runs a WAGER round on timers alone: stakes time out,
 * answers time out, the unit loses its default stake. */
Test(formats, wager_round_on_timers)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a;
	int guard = 0;

	one_round(&c, FMT_WAGER, 2);
	s.auto_advance = true;
	new_room_contest(&s, &c);
	a = join("a");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	while (room_state(R) != ROOM_FINISHED) {
		cr_assert_lt(guard++, 50, "stuck in %d", room_state(R));
		fire();
	}
	cr_expect_eq(player(a)->score, -20);
	cr_expect_eq(count_fx(FX_WAGER_OPEN), 2);
	cr_expect_eq(count_fx(FX_WAGER), 0);
	cr_expect_eq(count_fx(FX_CLOSED), 2);
	cr_expect_eq(count_fx(FX_ROUND_END), 1);
	cr_expect_eq(count_fx(FX_FINISHED), 1);
}

/* ---- contests of several rounds ----------------------------------------- */

/* 必答, 抢答 (speed), 风险 in one contest: round breaks between them, the
 * host moves on, scores carry over. */
Test(formats, three_rounds_with_breaks)
{
	struct room_settings s = settings();
	struct contest c;
	const struct room_effect *e;
	uint32_t a, x, size = 99;
	size_t mark;

	contest_init(&c);
	c.scoring = TEAM_SUM;
	c.team_base = 100;
	add_round(&c, FMT_TURN)->count = 1;
	add_round(&c, FMT_SPEED)->count = 2;
	add_round(&c, FMT_WAGER)->count = 1;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	x = join_team("x", "blue");
	cr_expect_eq(board_score(0, NULL), 100, "base before anything");

	/* round 0: TURN, 2 questions */
	cr_assert_eq(cmd(CMD_START, 0), 0);
	e = last_fx(FX_ROUND);
	cr_expect_eq(e->round, 0);
	cr_expect_eq(e->u.round.first_q, 0);
	cr_expect_eq(e->u.round.n, 2);
	cr_expect_eq(room_round_index(R), 0);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	run_out();
	to_open();
	cr_expect_eq(room_question_in_round(R, 1, &size), 1);
	cr_expect_eq(size, 2);
	run_out();
	mark = nfx;
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	e = last_fx(FX_ROUND_END);
	cr_assert_not_null(e);
	cr_expect_eq(e->round, 0);
	cr_expect_eq(count_fx_since(mark, FX_ROUND_END), 1);
	cr_expect_eq(count_fx_since(mark, FX_FINISHED), 0);
	cr_expect_eq(room_timer_at(R), 0, "host-driven: waits for NEXT");
	cr_expect_eq(answer(x, 1, ok_mask(1), NULL), -QE_TOO_LATE);
	cr_expect_eq(board_score(0, NULL), 110);
	cr_expect_eq(board_score(1, NULL), 100);

	/* round 1: SPEED, questions 2 and 3 */
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	e = last_fx(FX_ROUND);
	cr_expect_eq(e->round, 1);
	cr_expect_eq(e->u.round.first_q, 2);
	cr_expect_eq(e->u.round.n, 2);
	cr_expect_eq(room_round_index(R), 1);
	cr_expect_eq(room_question_count(R), 4);
	cr_expect_eq(room_question(R, 2)->round, 1);
	to_open();
	cr_expect_eq(room_question_index(R), 2);
	cr_expect_eq(room_question_in_round(R, 2, &size), 0);
	cr_expect_eq(size, 2);
	now = room_reveal_at(R);
	cr_assert_eq(answer(x, 2, ok_mask(2), NULL), 0);
	run_out();
	to_open();
	run_out();
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	cr_expect_eq(last_fx(FX_ROUND_END)->round, 1);
	cr_expect_eq(player(x)->score, 1000);

	/* round 2: WAGER, question 4 */
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(last_fx(FX_ROUND)->round, 2);
	cr_expect_eq(room_state(R), ROOM_WAGER);
	cr_assert_eq(wager(a, 4, 30), 0);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 4, ok_mask(4), NULL), 0);
	cr_assert_eq(answer(x, 4, bad_mask(4), NULL), 0);
	run_out();
	mark = nfx;
	cr_expect_eq(to_break(), ROOM_FINISHED);
	cr_expect_eq(count_fx_since(mark, FX_ROUND_END), 1);
	cr_expect(last_fx(FX_LEADERBOARD)->u.board.final);
	cr_expect_eq(last_non_event()->kind, FX_FINISHED);
	cr_expect_eq(player(a)->score, 10 + 30);
	cr_expect_eq(player(x)->score, 1000 - 10);
	cr_expect_eq(board_score(0, NULL), 140);
	cr_expect_eq(board_score(1, NULL), 1090);
	cr_expect_eq(count_fx(FX_ROUND), 3);
	cr_expect_eq(count_fx(FX_ROUND_END), 3);
}

/* With auto_advance the round break lasts leaderboard_us. */
Test(formats, round_break_on_a_timer)
{
	struct room_settings s = settings();
	struct contest c;
	int64_t t;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 1;
	add_round(&c, FMT_TURN)->count = 1;
	s.auto_advance = true;
	new_room_contest(&s, &c);
	join("a");
	to_open();
	run_out();
	while (room_state(R) != ROOM_ROUND_BREAK) {
		cr_assert_neq(room_state(R), ROOM_FINISHED);
		fire();
	}
	t = now;
	cr_expect_eq(room_timer_at(R), t + s.leaderboard_us);
	fire();
	cr_expect_eq(last_fx(FX_ROUND)->round, 1);
	cr_expect_eq(fxtime[nfx - 1], t + s.leaderboard_us);
	cr_expect_neq(room_state(R), ROOM_ROUND_BREAK);
}

/* A round that draws nothing ends at once; the contest goes on. */
Test(formats, round_that_draws_nothing)
{
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	const struct room_effect *e;
	size_t mark;

	add_singles("d", 2, "d");
	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 1;
	r = add_round(&c, FMT_SPEED);
	snprintf(r->category, sizeof(r->category), "nothing here");
	r = add_round(&c, FMT_SPEED);
	r->count = 1;
	snprintf(r->category, sizeof(r->category), "d");
	new_room_contest(&s, &c);
	join("a");
	to_open();
	run_out();
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	mark = nfx;
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	e = last_fx(FX_ROUND);
	cr_expect_eq(e->round, 1);
	cr_expect_eq(e->u.round.n, 0);
	cr_expect_eq(e->u.round.first_q, 1);
	cr_expect_eq(count_fx_since(mark, FX_ROUND_END), 1);
	cr_expect_eq(count_fx_since(mark, FX_COUNTDOWN), 0);
	cr_expect_eq(room_state(R), ROOM_ROUND_BREAK);
	cr_expect_eq(room_question_count(R), 1);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(last_fx(FX_ROUND)->round, 2);
	cr_expect_eq(last_fx(FX_ROUND)->u.round.n, 1);
	to_open();
	cr_expect_str_eq(room_question(R, 1)->item->category, "d");
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
}

/* A TURN round in a room with nobody in it (the only contestant was
 * kicked) asks nothing. */
Test(formats, turn_round_without_anyone)
{
	struct room_settings s = settings();
	struct contest c;

	contest_init(&c);
	add_round(&c, FMT_TURN);
	new_room_contest(&s, &c);
	cr_assert_eq(cmd(CMD_KICK, join("gone")), 0);
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_expect_eq(last_fx(FX_ROUND)->u.round.n, 0);
	cr_expect_eq(room_state(R), ROOM_FINISHED);
}

/* Each round draws with seed + round × golden, on its own selection. */
Test(formats, draw_seed_per_round)
{
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	struct draw_filter f;
	struct room_question want[8];
	uint32_t i;

	add_singles("d", 12, "d");
	s.seed = 12345;
	contest_init(&c);
	r = add_round(&c, FMT_SPEED);
	r->count = 5;
	snprintf(r->category, sizeof(r->category), "c");
	r = add_round(&c, FMT_SPEED);
	r->count = 6;
	snprintf(r->category, sizeof(r->category), "d");
	new_room_contest(&s, &c);
	join("a");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	memset(&f, 0, sizeof(f));
	f.category = "c";
	cr_assert_eq(draw_questions(bank, &f, 5, 12345, want), 5);
	for (i = 0; i < 5; i++) {
		const struct room_question *q = room_question(R, i);

		cr_assert_not_null(q);
		cr_expect_eq(q->item, want[i].item, "round 0 slot %u", i);
		cr_expect_arr_eq(q->perm, want[i].perm, sizeof(q->perm));
		cr_expect_eq(q->correct_mask, want[i].correct_mask);
		cr_expect_eq(q->round, 0);
	}
	while (room_state(R) != ROOM_ROUND_BREAK) {
		to_open();
		cr_assert_eq(cmd(CMD_SKIP, 0), 0);
		to_break();
	}
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	f.category = "d";
	cr_assert_eq(draw_questions(bank, &f, 6, 12345 + GOLDEN, want), 6);
	cr_assert_eq(room_question_count(R), 11);
	for (i = 0; i < 6; i++) {
		const struct room_question *q = room_question(R, 5 + i);

		cr_expect_eq(q->item, want[i].item, "round 1 slot %u", i);
		cr_expect_eq(q->correct_mask, want[i].correct_mask);
		cr_expect_eq(q->round, 1);
	}
}

/* No item is asked twice in a match: later draws skip what was asked, and
 * an explicit id already asked by an earlier draw is skipped too (the
 * contest check refuses an id listed in two rounds). */
Test(formats, no_item_asked_twice)
{
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	static const char *const ids[] = {"e0", "e1", "e2"};
	uint32_t n, i, j;

	add_singles("e", 3, "e");
	contest_init(&c);
	r = add_round(&c, FMT_SPEED);
	round_ids(&c, r, ids, 2); /* e0, e1 */
	r = add_round(&c, FMT_SPEED);
	r->count = 30;
	snprintf(r->category, sizeof(r->category), "c");
	r = add_round(&c, FMT_SPEED);
	r->count = 20; /* any category: the 10 c left and e2 */
	r = add_round(&c, FMT_SPEED);
	round_ids(&c, r, ids + 2, 1); /* e2: drawn in round 2 already */
	new_room_contest(&s, &c);
	join("a");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	while (room_state(R) != ROOM_FINISHED) {
		if (room_state(R) == ROOM_ROUND_BREAK) {
			cr_assert_eq(cmd(CMD_NEXT, 0), 0);
			continue;
		}
		to_open();
		cr_assert_eq(cmd(CMD_SKIP, 0), 0);
		to_break();
	}
	n = room_question_count(R);
	cr_expect_eq(n, 2 + 30 + 11);
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			cr_assert_neq(room_question(R, i)->item,
				      room_question(R, j)->item,
				      "q%u and q%u: same item", i, j);
	cr_expect_str_eq(room_question(R, 0)->item->id, "e0");
	cr_expect_str_eq(room_question(R, 1)->item->id, "e1");
	cr_assert_eq(count_fx(FX_ROUND), 4);
	cr_expect_eq(last_fx(FX_ROUND)->u.round.n, 0, "e2 was asked");
}

/* A whole match asks at most 200 questions. */
Test(formats, cap_of_200_questions)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t n, i, j;
	int guard = 0;

	add_singles("big", 300, "big");
	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 150;
	add_round(&c, FMT_SPEED)->count = 150;
	add_round(&c, FMT_SPEED)->count = 10;
	new_room_contest(&s, &c);
	join("a");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_expect_eq(last_fx(FX_ROUND)->u.round.n, 150);
	while (room_state(R) != ROOM_FINISHED) {
		cr_assert_lt(guard++, 1000);
		if (room_state(R) == ROOM_ROUND_BREAK) {
			cr_assert_eq(cmd(CMD_NEXT, 0), 0);
			continue;
		}
		to_open();
		cr_assert_eq(cmd(CMD_SKIP, 0), 0);
		to_break();
		/* keep the log small: only rounds matter here */
		if (nfx > LOG_MAX / 2) {
			size_t k, m = 0;

			for (k = 0; k < nfx; k++)
				if (fxlog[k].kind == FX_ROUND ||
				    fxlog[k].kind == FX_ROUND_END)
					fxlog[m++] = fxlog[k];
			nfx = m;
			nev = 0;
		}
	}
	n = room_question_count(R);
	cr_expect_eq(n, ROOM_MAX_QUESTIONS);
	cr_assert_eq(count_fx(FX_ROUND), 3);
	for (i = 0, j = 0; i < nfx; i++)
		if (fxlog[i].kind == FX_ROUND) {
			static const uint32_t want[] = {150, 50, 0};

			cr_expect_eq(fxlog[i].u.round.n, want[j], "round %u",
				     j);
			j++;
		}
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			cr_assert_neq(room_question(R, i)->item,
				      room_question(R, j)->item);
	cr_expect_null(room_question(R, n));
}

/* ---- skips, ends and stray inputs in the new phases ---------------------- */

/* A skipped question books nothing: no stake lost, no turn points. SKIP
 * in a wager phase only moves on, as NEXT does (as SKIP outside an open
 * question always did): the question is still asked, the stakes stand. */
Test(formats, skip_books_nothing_in_wager_and_turn)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, x;

	contest_init(&c);
	add_round(&c, FMT_WAGER)->count = 1;
	add_round(&c, FMT_TURN)->count = 1;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	x = join_team("x", "blue");
	/* q0: SKIP ends its wager phase */
	to_wager();
	cr_assert_eq(wager(a, 0, 30), 0);
	cr_assert_eq(cmd(CMD_SKIP, 0), 0);
	cr_expect_neq(room_state(R), ROOM_WAGER);
	cr_expect_eq(wager(x, 0, 10), -QE_BAD_STATE);
	/* then skipped while open, after answers: nothing booked */
	to_open();
	cr_assert_eq(room_question_index(R), 0);
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	cr_assert_eq(answer(x, 0, bad_mask(0), NULL), 0);
	cr_assert_eq(cmd(CMD_SKIP, 0), 0);
	cr_expect(last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect_eq(player(a)->score, 0);
	cr_expect_eq(player(x)->score, 0);
	/* q1: a TURN question skipped after red answered right */
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 1, ok_mask(1), NULL), 0);
	cr_assert_eq(cmd(CMD_SKIP, 0), 0);
	cr_expect(last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect_eq(player(a)->score, 0);
	cr_expect_eq(board_score(player(a)->team, NULL), 0);
}

/* END in a wager phase finishes the match without booking the stakes. */
Test(formats, end_in_wager_phase)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a;

	one_round(&c, FMT_WAGER, 2);
	new_room_contest(&s, &c);
	a = join("a");
	to_wager();
	cr_assert_eq(wager(a, 0, 30), 0);
	cr_assert_eq(cmd(CMD_END, 0), 0);
	cr_expect_eq(room_state(R), ROOM_FINISHED);
	cr_expect_eq(room_timer_at(R), 0);
	cr_expect_eq(player(a)->score, 0);
	cr_expect(last_fx(FX_LEADERBOARD)->u.board.final);
	cr_expect_eq(last_non_event()->kind, FX_FINISHED);
	cr_expect_eq(count_fx(FX_FINISHED), 1);
	cr_expect_eq(wager(a, 0, 10), -QE_BAD_STATE);
}

/* A stake outside a WAGER round is refused and changes nothing. */
Test(formats, wager_outside_wager_rounds)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 1;
	add_round(&c, FMT_TURN)->count = 1;
	new_room_contest(&s, &c);
	a = join("a");
	to_open();
	now = room_reveal_at(R);
	cr_expect_eq(wager(a, 0, 10), -QE_BAD_STATE);
	cr_expect_eq(count_fx(FX_WAGER), 0);
	run_out();
	cr_expect_eq(wager(a, 0, 10), -QE_BAD_STATE);
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	cr_expect_eq(wager(a, 1, 10), -QE_BAD_STATE);
	to_open();
	now = room_reveal_at(R);
	cr_expect_eq(wager(a, 1, 10), -QE_BAD_STATE);
	cr_expect_eq(count_fx(FX_WAGER), 0);
	cr_expect_eq(count_ev(EV_WAGER), 0);
}

/* Who is waited for: in a TURN question the members of the team whose
 * turn it is, until the team answered; in a WAGER question every unit
 * until it answered. */
Test(formats, waiting_and_progress_by_unit)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b, x, ids[8], dist[ITEM_MAX_OPTIONS];

	contest_init(&c);
	add_round(&c, FMT_TURN)->count = 1;
	add_round(&c, FMT_WAGER)->count = 1;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b = join_team("b", "red");
	x = join_team("x", "blue");
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(room_waiting(R, ids, 8), 2, "red only");
	cr_expect_eq(ids[0], a);
	cr_expect_eq(ids[1], b);
	cr_assert_eq(answer(b, 0, ok_mask(0), NULL), 0);
	cr_expect_eq(room_waiting(R, ids, 8), 0, "red answered");
	cr_expect_eq(room_progress(R, dist), 1);
	run_out();
	to_open(); /* blue's turn */
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(room_waiting(R, ids, 8), 1);
	cr_expect_eq(ids[0], x);
	run_out();
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	to_open(); /* the WAGER question */
	now = room_reveal_at(R) + SEC;
	cr_expect_eq(room_waiting(R, ids, 8), 3);
	cr_assert_eq(answer(a, 2, ok_mask(2), NULL), 0);
	cr_assert_eq(room_waiting(R, ids, 8), 1, "red answered as one");
	cr_expect_eq(ids[0], x);
	cr_assert_eq(answer(x, 2, ok_mask(2), NULL), 0);
	cr_expect_eq(room_waiting(R, ids, 8), 0);
	cr_expect_eq(room_progress(R, dist), 2);
}

/* A member who joins the team after its stake plays under that stake. */
Test(formats, late_member_plays_the_team_stake)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, late;

	one_round(&c, FMT_WAGER, 1);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	to_wager();
	cr_assert_eq(wager(a, 0, 30), 0);
	late = join_team("late", "red");
	cr_expect_eq(wager(late, 0, 10), -QE_ALREADY_ANSWERED);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(late, 0, ok_mask(0), NULL), 0);
	cr_expect_eq(answer(a, 0, ok_mask(0), NULL), -QE_ALREADY_ANSWERED);
	run_out();
	cr_expect_eq(player(a)->score, 30);
	cr_expect_eq(player(late)->score, 30);
	cr_expect_eq(player(late)->last.stake, 30);
}

/* In a TURN round without teams, a contestant who joins after the round
 * began has no turn in it. */
Test(formats, turn_late_contestant_has_no_turn)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t p, q2, late;

	one_round(&c, FMT_TURN, 1);
	new_room_contest(&s, &c);
	p = join("p");
	q2 = join("q");
	to_open();
	late = join("late");
	now = room_reveal_at(R) + SEC;
	cr_expect_eq(answer(late, 0, ok_mask(0), NULL), -QE_NOT_YOUR_TURN);
	cr_assert_eq(answer(p, 0, ok_mask(0), NULL), 0);
	run_out();
	to_open();
	cr_expect_eq(turn_unit(), -1 - (int64_t)q2);
	cr_expect_eq(room_question_count(R), 2, "two units at the start");
	cr_expect_eq(player(late)->score, 0);
}

/* A storage hold in a round break pauses it: no round begins while held
 * (NEXT refused), the release returns to the break. */
Test(formats, hold_in_round_break)
{
	struct room_settings s = settings();
	struct contest c;
	size_t mark;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 1;
	add_round(&c, FMT_SPEED)->count = 1;
	new_room_contest(&s, &c);
	join("a");
	to_open();
	run_out();
	cr_assert_eq(to_break(), ROOM_ROUND_BREAK);
	cr_assert_eq(hold(), 0);
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(room_paused_from(R), ROOM_ROUND_BREAK);
	mark = nfx;
	cr_expect_lt(cmd(CMD_NEXT, 0), 0, "no round begins while held");
	cr_expect_eq(count_fx_since(mark, FX_ROUND), 0);
	cr_expect_eq(room_question_count(R), 1);
	cr_assert_eq(release(), 0);
	cr_expect_eq(room_state(R), ROOM_ROUND_BREAK);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(last_fx(FX_ROUND)->round, 1);
}

/* The tie-break time of a late joiner: the limit of every scored question
 * before the join, over rounds; a voided question counts for nobody. */
Test(formats, late_joiner_time_over_rounds)
{
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	uint32_t a, late;

	contest_init(&c);
	r = add_round(&c, FMT_SPEED);
	r->count = 2;
	r->time_limit_us = 10 * SEC;
	r = add_round(&c, FMT_SPEED);
	r->count = 2;
	r->time_limit_us = 30 * SEC;
	new_room_contest(&s, &c);
	a = join("a");
	to_open();
	now = room_reveal_at(R) + 2 * SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	run_out();
	to_open();
	cr_assert_eq(cmd(CMD_SKIP, 0), 0); /* q1 voided */
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	to_open();
	run_out(); /* q2: a silent, 30 s */
	late = join("late");
	cr_expect_eq(player(late)->total_time_us, 10 * SEC + 30 * SEC);
	cr_expect_eq(player(a)->total_time_us, 2 * SEC + 30 * SEC);
	to_open();
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(late, 3, ok_mask(3), NULL), 0);
	run_out();
	cr_expect_eq(player(late)->total_time_us, 41 * SEC);
	cr_expect_eq(player(a)->total_time_us, 62 * SEC);
}

/* A team whose members were all kicked before the round has no turn; a
 * contestant kicked before a no-team round neither. */
Test(formats, turn_units_skip_kicked)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, k, x;

	contest_init(&c);
	add_round(&c, FMT_TURN)->count = 1;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	k = join_team("k", "green");
	x = join_team("x", "blue");
	cr_assert_eq(cmd(CMD_KICK, k), 0);
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_expect_eq(last_fx(FX_ROUND)->u.round.n, 2);
	to_open();
	cr_expect_eq(turn_unit(), player(a)->team);
	run_out();
	to_open();
	cr_expect_eq(turn_unit(), player(x)->team);
	room_free(R);
	nfx = nev = 0;

	contest_init(&c);
	add_round(&c, FMT_TURN)->count = 1;
	new_room_contest(&s, &c);
	a = join("a");
	k = join("k");
	x = join("x");
	cr_assert_eq(cmd(CMD_KICK, k), 0);
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_expect_eq(last_fx(FX_ROUND)->u.round.n, 2);
	to_open();
	cr_expect_eq(turn_unit(), -1 - (int64_t)a);
	run_out();
	to_open();
	cr_expect_eq(turn_unit(), -1 - (int64_t)x);
}

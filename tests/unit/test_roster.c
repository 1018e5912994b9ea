/* Tests of the roster (core/roster.c) through a room driven by the fake
 * clock of tests/unit/room_fixture.h: ranking with ties (并列), team boards
 * (base + sum or mean, the mean rounded toward zero), the fixed team list
 * of a contest and team names up to 64 bytes. */
#include <criterion/criterion.h>

#include "room_fixture.h"

static void setup(void)
{
	fixture_setup();
	add_singles("q", 20, "c");
}

static void teardown(void)
{
	fixture_teardown();
}

TestSuite(roster, .init = setup, .fini = teardown);

/* A contest of rounds of format f (count questions each). */
static void contest_of(struct contest *c, enum team_scoring sc, int64_t base,
		       enum round_format f, uint32_t count)
{
	contest_init(c);
	c->scoring = sc;
	c->team_base = base;
	add_round(c, f)->count = count;
}

/* The whole board. */
static size_t board(struct team_standing *b)
{
	const struct contest *c = room_contest(R);

	return roster_team_board(room_roster(R), c->scoring, c->team_base, b,
				 ROOM_TEAMS_MAX);
}

/* A name of n bytes: n / 3 CJK characters (3 bytes each), then n % 3
 * ASCII letters. */
static void cjk_name(char *out, size_t n)
{
	size_t i;

	for (i = 0; i + 3 <= n; i += 3)
		memcpy(out + i, "党", 3);
	for (; i < n; i++)
		out[i] = 'x';
	out[n] = '\0';
}

/* ---- ranking ------------------------------------------------------------ */

/* Equal score and equal total time share a rank: 1, 1, 3; the order
 * inside a tie is join order; the same score with another time does not
 * tie. */
Test(roster, ranking_with_ties)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b, d, e, f, order[8];
	int64_t R0;

	contest_of(&c, TEAM_MEAN, 0, FMT_SPEED, 1);
	new_room_contest(&s, &c);
	a = join("a");
	b = join("b");
	d = join("d");
	e = join("e");
	f = join("f");
	to_open();
	R0 = room_reveal_at(R);
	now = R0 + 1 * SEC;
	cr_assert_eq(answer(b, 0, ok_mask(0), NULL), 0); /* 975, 1 s */
	cr_assert_eq(answer(d, 0, ok_mask(0), NULL), 0); /* 975, 1 s */
	now = R0 + 2 * SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);  /* 950, 2 s */
	cr_assert_eq(answer(e, 0, bad_mask(0), NULL), 0); /* 0, 2 s */
	/* f silent: 0, 20 s */
	run_out();
	cr_expect_eq(player(b)->rank, 1);
	cr_expect_eq(player(d)->rank, 1);
	cr_expect_eq(player(a)->rank, 3);
	cr_expect_eq(player(e)->rank, 4);
	cr_expect_eq(player(f)->rank, 5, "same score, more time: no tie");
	cr_assert_eq(roster_standings(room_roster(R), order, 8), 5);
	cr_expect_eq(order[0], b);
	cr_expect_eq(order[1], d);
	cr_expect_eq(order[2], a);
	cr_expect_eq(order[3], e);
	cr_expect_eq(order[4], f);
	cr_expect_eq(roster_standings(room_roster(R), order, 1), 1);
	cr_expect_eq(order[0], b);
}

/* Three tied for first: 1, 1, 1, 4. */
Test(roster, ranking_three_way_tie)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t p[4];
	int i;

	contest_of(&c, TEAM_MEAN, 0, FMT_SPEED, 1);
	new_room_contest(&s, &c);
	p[0] = join("p0");
	p[1] = join("p1");
	p[2] = join("p2");
	p[3] = join("p3");
	to_open();
	now = room_reveal_at(R) + 3 * SEC;
	for (i = 3; i >= 1; i--) /* answer order does not matter */
		cr_assert_eq(answer(p[i], 0, ok_mask(0), NULL), 0);
	run_out();
	cr_expect_eq(player(p[1])->rank, 1);
	cr_expect_eq(player(p[2])->rank, 1);
	cr_expect_eq(player(p[3])->rank, 1);
	cr_expect_eq(player(p[0])->rank, 4);
}

/* ---- team boards --------------------------------------------------------- */

/* SPEED: red a 1000, b 0; blue c 975. MEAN: red 500, blue 975; SUM: red
 * 1000, blue 975; the base is added to both; kicked members leave. */
static void speed_board(enum team_scoring sc, int64_t base)
{
	struct room_settings s = settings();
	struct contest c;
	struct team_standing b[ROOM_TEAMS_MAX];
	uint32_t a, bb, cc;
	size_t n;

	contest_of(&c, sc, base, FMT_SPEED, 2);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	bb = join_team("b", "red");
	cc = join_team("c", "blue");
	join("solo");
	n = board(b);
	cr_assert_eq(n, 2, "teams with members; not the solo player");
	cr_expect_eq(b[0].score, base);
	cr_expect_eq(b[0].rank, 1);
	cr_expect_eq(b[1].rank, 1, "equal scores share a rank");
	to_open();
	now = room_reveal_at(R);
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	cr_assert_eq(answer(bb, 0, bad_mask(0), NULL), 0);
	now += SEC;
	cr_assert_eq(answer(cc, 0, ok_mask(0), NULL), 0);
	run_out();
	n = board(b);
	cr_assert_eq(n, 2);
	if (sc == TEAM_MEAN) {
		/* blue 975 > red 500 */
		cr_expect_eq(b[0].team, player(cc)->team);
		cr_expect_eq(b[0].points, 975);
		cr_expect_eq(b[0].score, base + 975);
		cr_expect_eq(b[0].members, 1);
		cr_expect_eq(b[0].rank, 1);
		cr_expect_eq(b[0].last_delta, 975);
		cr_expect_eq(b[1].team, player(a)->team);
		cr_expect_eq(b[1].points, 500);
		cr_expect_eq(b[1].score, base + 500);
		cr_expect_eq(b[1].members, 2);
		cr_expect_eq(b[1].rank, 2);
		cr_expect_eq(b[1].last_delta, 500);
	} else {
		cr_expect_eq(b[0].team, player(a)->team);
		cr_expect_eq(b[0].points, 1000);
		cr_expect_eq(b[0].score, base + 1000);
		cr_expect_eq(b[0].members, 2);
		cr_expect_eq(b[0].last_delta, 1000);
		cr_expect_eq(b[1].team, player(cc)->team);
		cr_expect_eq(b[1].score, base + 975);
		cr_expect_eq(b[1].rank, 2);
	}
	/* a kicked member leaves the aggregate */
	cr_assert_eq(cmd(CMD_KICK, bb), 0);
	cr_expect_eq(board_score(player(a)->team, NULL), base + 1000);
	cr_assert_eq(cmd(CMD_KICK, a), 0);
	n = board(b);
	cr_expect_eq(board_score(player(a)->team, NULL), -999999,
		     "a free team without members is not shown");
	cr_expect_eq(n, 1);
}

Test(roster, board_mean_base_0)
{
	speed_board(TEAM_MEAN, 0);
}

Test(roster, board_mean_base_100)
{
	speed_board(TEAM_MEAN, 100);
}

Test(roster, board_sum_base_100)
{
	speed_board(TEAM_SUM, 100);
}

Test(roster, board_sum_negative_base)
{
	speed_board(TEAM_SUM, -50);
}

/* The team answers as one: a MEAN board moves by exactly the points, a
 * SUM board by points × members. */
Test(roster, team_answers_as_one)
{
	static const enum team_scoring scs[] = {TEAM_MEAN, TEAM_SUM};
	size_t i;

	for (i = 0; i < 2; i++) {
		struct room_settings s = settings();
		struct contest c;
		uint32_t a;

		contest_of(&c, scs[i], 100, FMT_TURN, 1);
		new_room_contest(&s, &c);
		a = join_team("a", "red");
		join_team("b", "red");
		join_team("c", "red");
		to_open();
		now = room_reveal_at(R) + SEC;
		cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
		run_out();
		cr_expect_eq(board_score(0, NULL),
			     scs[i] == TEAM_MEAN ? 110 : 130, "scoring %d",
			     scs[i]);
		room_free(R);
		R = NULL;
		nfx = nev = 0;
	}
}

/* The mean is rounded toward zero, for negative points too: red has
 * -10, -10 and a late joiner's 0: -20 / 3 is -6, not -7; blue has 975 and
 * 0: 487. */
Test(roster, mean_rounds_toward_zero)
{
	struct room_settings s = settings();
	struct contest c;
	struct team_standing b[ROOM_TEAMS_MAX];
	uint32_t a;
	size_t n, i;

	contest_init(&c);
	c.scoring = TEAM_MEAN;
	c.team_base = 100;
	add_round(&c, FMT_WAGER)->count = 1;
	add_round(&c, FMT_SPEED)->count = 1;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	join_team("b", "red");
	to_wager();
	to_open();
	run_out(); /* no stake, no answer: -10 each */
	cr_expect_eq(player(a)->score, -10);
	cr_expect_eq(board_score(0, NULL), 100 - 10);
	join_team("late", "red");
	cr_expect_eq(board_score(0, NULL), 100 - 6, "-20/3 toward zero");
	n = board(b);
	cr_assert_eq(n, 1);
	cr_expect_eq(b[0].points, -6);
	cr_expect_eq(b[0].members, 3);

	/* blue: 975 and 0 in the speed round: 487 */
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	join_team("x", "blue");
	join_team("y", "blue");
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(4, 1, ok_mask(1), NULL), 0);
	run_out();
	n = board(b);
	cr_assert_eq(n, 2);
	for (i = 0; i < n; i++)
		if (b[i].team == player(4)->team) {
			cr_expect_eq(b[i].points, 487);
			cr_expect_eq(b[i].score, 587);
			cr_expect_eq(b[i].rank, 1);
		} else {
			cr_expect_eq(b[i].points, -6);
			cr_expect_eq(b[i].rank, 2);
		}
}

/* ---- fixed team list ------------------------------------------------------
 */

/* A contest with a fixed list: a join must name one of its teams (folded
 * by text_name_key); teams without members are on the board at the base,
 * ordered by score then name, tied. */
Test(roster, fixed_team_list)
{
	struct room_settings s = settings();
	struct contest c;
	struct team_standing b[ROOM_TEAMS_MAX];
	char longest[QUIZ_TEAM_MAX + 1];
	int64_t id;
	uint32_t a;
	size_t n;

	cjk_name(longest, QUIZ_TEAM_MAX);
	contest_of(&c, TEAM_SUM, 100, FMT_SPEED, 1);
	snprintf(c.teams[0], sizeof(c.teams[0]), "gamma");
	snprintf(c.teams[1], sizeof(c.teams[1]), "alpha");
	snprintf(c.teams[2], sizeof(c.teams[2]), "%s", longest);
	snprintf(c.teams[3], sizeof(c.teams[3]), "beta");
	c.nteams = 4;
	new_room_contest(&s, &c);

	cr_expect_eq(roster_team_count(room_roster(R)), 4);
	cr_expect_str_eq(roster_team_name(room_roster(R), 0), "gamma");
	cr_expect_str_eq(roster_team_name(room_roster(R), 2), longest);
	n = board(b);
	cr_assert_eq(n, 4, "every team of the list, members or not");
	cr_expect_eq(b[0].team, 1, "alpha");
	cr_expect_eq(b[1].team, 3, "beta");
	cr_expect_eq(b[2].team, 0, "gamma");
	cr_expect_eq(b[3].team, 2, "the CJK name sorts after ASCII");
	cr_expect_eq(b[0].score, 100);
	cr_expect_eq(b[0].members, 0);
	cr_expect_eq(b[0].rank, 1);
	cr_expect_eq(b[3].rank, 1);

	cr_expect_eq(join_team_rc("a", "delta"), -QE_BAD_MESSAGE, "not listed");
	cr_expect_eq(join_team_rc("a", NULL), -QE_BAD_MESSAGE, "team required");
	cr_expect_eq(join_team_rc("a", ""), -QE_BAD_MESSAGE);
	cr_expect_eq(room_player_count(R), 0);
	a = join_team("a", "ALPHA");
	cr_expect_eq(player(a)->team, 1, "folded to the listed team");
	id = join_team_rc("b", longest);
	cr_assert_gt(id, 0, "a 64-byte team name");
	cr_expect_eq(player((uint32_t)id)->team, 2);
	cr_expect_eq(roster_team_count(room_roster(R)), 4, "no new team");

	to_open();
	now = room_reveal_at(R);
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	run_out();
	n = board(b);
	cr_assert_eq(n, 4);
	cr_expect_eq(b[0].team, 1);
	cr_expect_eq(b[0].score, 1100);
	cr_expect_eq(b[0].rank, 1);
	cr_expect_eq(b[1].team, 3, "beta: tied at the base, by name");
	cr_expect_eq(b[1].rank, 2);
	cr_expect_eq(b[2].team, 0);
	cr_expect_eq(b[2].rank, 2);
	cr_expect_eq(b[3].team, 2);
	cr_expect_eq(b[3].members, 1);
	cr_expect_eq(b[3].rank, 2);
}

/* Team names: 64 bytes of CJK accepted, 65 refused, free teams or
 * fixed. */
Test(roster, team_name_length)
{
	struct room_settings s = settings();
	struct contest c;
	char n64[QUIZ_TEAM_MAX + 1], n65[QUIZ_TEAM_MAX + 2];
	char err[256];
	int64_t id;

	cjk_name(n64, 64);
	cjk_name(n65, 65);
	contest_of(&c, TEAM_MEAN, 0, FMT_SPEED, 1);
	new_room_contest(&s, &c);
	id = join_team_rc("a", n64);
	cr_assert_gt(id, 0);
	cr_expect_str_eq(roster_team_name(room_roster(R),
					  (size_t)player((uint32_t)id)->team),
			 n64);
	cr_expect_eq(join_team_rc("b", n65), -QE_BAD_MESSAGE);
	cr_expect_gt(join_team_rc("c", "机关党委第一党支部"), 0);
	cr_expect_eq(roster_team_count(room_roster(R)), 2);

	/* a 65-byte name cannot be on a fixed list */
	contest_of(&c, TEAM_MEAN, 0, FMT_SPEED, 1);
	memset(c.teams[0], 'x', QUIZ_TEAM_MAX);
	c.teams[0][QUIZ_TEAM_MAX] = '\0';
	c.nteams = 1;
	cr_expect_eq(contest_normalize(&c, err, sizeof(err)), 0, "%s", err);
	snprintf(c.teams[1], sizeof(c.teams[1]), "%s", "bad\tname");
	c.nteams = 2;
	cr_expect_eq(contest_normalize(&c, err, sizeof(err)), -QE_BAD_MESSAGE);
	snprintf(c.teams[1], sizeof(c.teams[1]), "%s", "X");
	snprintf(c.teams[0], sizeof(c.teams[0]), "%s", "x");
	cr_expect_eq(contest_normalize(&c, err, sizeof(err)), -QE_BAD_MESSAGE,
		     "the same team twice (folded)");
}

/* A room without a fixed list: at most 64 teams in use. */
Test(roster, team_limit)
{
	struct room_settings s = settings();
	struct contest c;
	char nick[16], team[16];
	int i;

	contest_of(&c, TEAM_MEAN, 0, FMT_SPEED, 1);
	new_room_contest(&s, &c);
	for (i = 0; i < ROOM_TEAMS_MAX; i++) {
		snprintf(nick, sizeof(nick), "p%d", i);
		snprintf(team, sizeof(team), "t%d", i);
		join_team(nick, team);
	}
	cr_expect_eq(join_team_rc("one more", "t64"), -QE_ROOM_FULL);
	cr_expect_gt(join_team_rc("joins t0", "T0"), 0);
	cr_expect_eq(roster_team_count(room_roster(R)), ROOM_TEAMS_MAX);
}

/* room_team_board is the roster's board with the contest's scoring and
 * base; a listed team whose members left the lobby stays on it, empty. */
Test(roster, room_board_and_left_members)
{
	struct room_settings s = settings();
	struct contest c;
	struct team_standing x[ROOM_TEAMS_MAX], y[ROOM_TEAMS_MAX];
	uint32_t a, b;
	size_t n, m, i;

	contest_of(&c, TEAM_MEAN, 100, FMT_SPEED, 1);
	snprintf(c.teams[0], sizeof(c.teams[0]), "red");
	snprintf(c.teams[1], sizeof(c.teams[1]), "blue");
	c.nteams = 2;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b = join_team("b", "blue");
	cr_assert_eq(leave(b), 0);
	to_open();
	now = room_reveal_at(R);
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	run_out();
	n = board(x);
	m = room_team_board(R, y, ROOM_TEAMS_MAX);
	cr_assert_eq(n, 2);
	cr_assert_eq(m, n);
	for (i = 0; i < n; i++) {
		cr_expect_eq(x[i].team, y[i].team);
		cr_expect_eq(x[i].score, y[i].score);
		cr_expect_eq(x[i].rank, y[i].rank);
		cr_expect_eq(x[i].members, y[i].members);
	}
	cr_expect_eq(x[0].team, 0);
	cr_expect_eq(x[0].score, 1100);
	cr_expect_eq(x[1].team, 1, "blue, left empty, still listed");
	cr_expect_eq(x[1].members, 0);
	cr_expect_eq(x[1].score, 100);
	cr_expect_eq(room_team_board(R, y, 1), 2, "how many in all");
	cr_expect_eq(y[0].team, 0);
}

/* Kicked contestants are out of the standings and unranked; the others
 * rank among themselves. */
Test(roster, kicked_out_of_standings)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b, d, order[4];

	contest_of(&c, TEAM_MEAN, 0, FMT_SPEED, 2);
	new_room_contest(&s, &c);
	a = join("a");
	b = join("b");
	d = join("d");
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	cr_assert_eq(answer(b, 0, ok_mask(0), NULL), 0);
	run_out();
	cr_expect_eq(player(a)->rank, 1);
	cr_expect_eq(player(b)->rank, 1);
	cr_assert_eq(cmd(CMD_KICK, a), 0);
	to_open();
	run_out();
	cr_expect_eq(player(a)->rank, 0);
	cr_expect_eq(player(b)->rank, 1);
	cr_expect_eq(player(d)->rank, 2);
	cr_assert_eq(roster_standings(room_roster(R), order, 4), 2);
	cr_expect_eq(order[0], b);
	cr_expect_eq(order[1], d);
}

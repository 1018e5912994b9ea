/* Tests for core/contest.c (defaults, ranges, formats) and
 * server/contest_file.c (the INI format of docs/CONTEST.md: line numbers,
 * unknown keys, lists, limits), and the shipped branch-contest.ini against
 * the bundled bank. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank_csv.h"
#include "contest.h"
#include "contest_file.h"
#include "errors.h"

#define HEAD "[contest]\ntitle = T\n"

/* Parses text into a new contest; errors into *e. */
static struct contest *parse(const char *text, struct contest_file_errors *e,
			     int *rc)
{
	struct contest *c = calloc(1, sizeof(*c));

	cr_assert(c);
	memset(e, 0, sizeof(*e));
	*rc = contest_file_parse(text, strlen(text), c, e, NULL);
	for (unsigned i = 0; i < e->n; i++)
		cr_log_info("line %u: %s", e->v[i].line, e->v[i].msg);
	return c;
}

/* Whether some kept error is on line and contains want. */
static int has_error(const struct contest_file_errors *e, unsigned line,
		     const char *want)
{
	for (unsigned i = 0; i < e->n; i++)
		if (e->v[i].line == line && strstr(e->v[i].msg, want))
			return 1;
	return 0;
}

Test(contest, round_defaults)
{
	struct round_cfg r;

	round_cfg_default(&r, FMT_SPEED);
	cr_expect_eq(r.format, FMT_SPEED);
	cr_expect_eq(r.count, 10);
	cr_expect_eq(r.time_limit_us, 20000000);
	cr_expect_eq(r.points, 1000);
	cr_expect_eq(r.nstakes, 0);

	round_cfg_default(&r, FMT_TURN);
	cr_expect_eq(r.count, 2);
	cr_expect_eq(r.time_limit_us, 30000000);
	cr_expect_eq(r.points, 10);
	cr_expect_eq(r.penalty, 0);

	round_cfg_default(&r, FMT_WAGER);
	cr_expect_eq(r.count, 3);
	cr_expect_eq(r.wager_us, 15000000);
	cr_expect_eq(r.time_limit_us, 30000000);
	cr_expect_eq(r.nstakes, 3);
	cr_expect_eq(r.stakes[0], 10);
	cr_expect_eq(r.stakes[1], 20);
	cr_expect_eq(r.stakes[2], 30);
	cr_expect_eq(r.points, 0);
}

Test(contest, normalize_fills_zero_fields)
{
	struct contest *c = calloc(1, sizeof(*c));
	char err[200];

	strcpy(c->title, "Quiz");
	c->nrounds = 3;
	c->rounds[0].format = FMT_SPEED;
	c->rounds[1].format = FMT_TURN;
	c->rounds[1].penalty = -5;
	c->rounds[2].format = FMT_WAGER;
	c->rounds[2].count = 4;
	cr_assert_eq(contest_normalize(c, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(c->rounds[0].count, 10);
	cr_expect_eq(c->rounds[0].points, 1000);
	cr_expect_str_eq(c->rounds[0].name, "Round 1");
	cr_expect_eq(c->rounds[1].points, 10);
	cr_expect_eq(c->rounds[1].penalty, -5);
	cr_expect_eq(c->rounds[1].time_limit_us, 30000000);
	cr_expect_eq(c->rounds[2].count, 4);
	cr_expect_eq(c->rounds[2].nstakes, 3);
	cr_expect_eq(c->rounds[2].wager_us, 15000000);
	/* normalising again changes nothing */
	struct contest *d = malloc(sizeof(*d));
	memcpy(d, c, sizeof(*d));
	cr_assert_eq(contest_normalize(d, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(memcmp(c, d, sizeof(*c)), 0);
	free(d);
	free(c);
}

Test(contest, normalize_checks_structs)
{
	struct contest *c = calloc(1, sizeof(*c));
	char err[200];

	strcpy(c->title, "Quiz");
	c->nrounds = 1;
	c->rounds[0].format = (enum round_format)7;
	cr_expect_eq(contest_normalize(c, err, sizeof(err)), -QE_BAD_MESSAGE);
	cr_expect(strstr(err, "round 1: format 7 is unknown"), "%s", err);

	memset(&c->rounds[0], 0, sizeof(c->rounds[0]));
	c->rounds[0].kinds = 1u << 5;
	cr_expect_eq(contest_normalize(c, err, sizeof(err)), -QE_BAD_MESSAGE);
	cr_expect(strstr(err, "round 1: kinds"), "%s", err);

	memset(&c->rounds[0], 0, sizeof(c->rounds[0]));
	c->rounds[0].nids = CONTEST_IDS_MAX + 1;
	cr_expect_eq(contest_normalize(c, err, sizeof(err)), -QE_BAD_MESSAGE);
	cr_expect(strstr(err, "round 1: ids lists 201"), "%s", err);

	memset(&c->rounds[0], 0, sizeof(c->rounds[0]));
	memset(c->teams[0], 'a', sizeof(c->teams[0])); /* no NUL */
	c->nteams = 1;
	cr_expect_eq(contest_normalize(c, err, sizeof(err)), -QE_BAD_MESSAGE);
	cr_expect(strstr(err, "teams: team 1"), "%s", err);

	c->nteams = 0;
	c->scoring = (enum team_scoring)2;
	cr_expect_eq(contest_normalize(c, err, sizeof(err)), -QE_BAD_MESSAGE);
	cr_expect(strstr(err, "scoring"), "%s", err);
	c->scoring = TEAM_SUM;

	c->nrounds = 0;
	cr_expect_eq(contest_normalize(c, err, sizeof(err)), -QE_BAD_MESSAGE);
	cr_expect(strstr(err, "1..16 rounds"), "%s", err);
	c->nrounds = 1;
	cr_expect_eq(contest_normalize(c, err, sizeof(err)), 0, "%s", err);
	free(c);
}

Test(contest, runnable_and_formats)
{
	struct contest *c = calloc(1, sizeof(*c));
	char err[200] = "";

	c->nrounds = 3;
	c->rounds[0].format = FMT_SPEED;
	c->rounds[1].format = FMT_TURN;
	c->rounds[2].format = FMT_WAGER;
	cr_expect(contest_runnable(c, err, sizeof(err)));
	cr_expect_eq(contest_formats(c),
		     (1u << FMT_SPEED) | (1u << FMT_TURN) | (1u << FMT_WAGER));
	c->rounds[1].format = FMT_BUZZ;
	cr_expect(contest_runnable(c, err, sizeof(err)), "buzz runs: %s", err);
	c->rounds[1].format = FMT_PRACTICE;
	cr_expect_not(contest_runnable(c, err, sizeof(err)));
	cr_expect(strstr(err, "round 2: the practice format is not yet"));
	cr_expect_eq(contest_formats(c), (1u << FMT_SPEED) |
					     (1u << FMT_PRACTICE) |
					     (1u << FMT_WAGER));
	free(c);
}

/* A file, the line of its (first) error and what it must say. Parameters
 * are copied into each test process, so they hold arrays. */
struct file_case {
	char text[400];
	unsigned line;
	char want[96];
};

ParameterizedTestParameters(contest, file_errors)
{
	static struct file_case cases[] = {
	    /* ranges (contest_normalize), blamed on the key's line */
	    {HEAD "[round.1]\nformat = speed\ntime = 2\n", 5,
	     "round 1: time must be 3..300 seconds (got 2)"},
	    {HEAD "[round.1]\nformat = speed\ntime = 301\n", 5,
	     "time must be 3..300"},
	    {HEAD "[round.1]\nformat = wager\nwager_time = 2\n", 5,
	     "round 1: wager_time must be 3..120"},
	    {HEAD "[round.1]\nformat = wager\nwager_time = 121\n", 5,
	     "wager_time must be 3..120"},
	    {HEAD "[round.1]\nformat = speed\npoints = 100001\n", 5,
	     "points must be 1..100000 in a speed round"},
	    {HEAD "[round.1]\nformat = speed\npoints = -1\n", 5,
	     "points must be 1..100000"},
	    {HEAD "[round.1]\npoints = 1001\nformat = turn\n", 4,
	     "round 1: points must be 1..1000 in a turn round (got 1001)"},
	    {HEAD "[round.1]\nformat = turn\npenalty = 1\n", 5,
	     "penalty must be -1000..0"},
	    {HEAD "[round.1]\nformat = turn\npenalty = -1001\n", 5,
	     "penalty must be -1000..0"},
	    {HEAD "[round.1]\nformat = speed\npenalty = -1\n", 5,
	     "penalty applies only to turn and buzz rounds"},
	    {HEAD "[round.1]\nformat = wager\npenalty = 0\n", 5,
	     "penalty applies only to turn and buzz rounds"},
	    {HEAD "[round.1]\nformat = buzz\nreading = 0\n", 5,
	     "reading = 0 is not allowed"},
	    {HEAD "[round.1]\nformat = buzz\nreading = 61\n", 5,
	     "round 1: reading must be auto or 1..60 seconds (got 61)"},
	    {HEAD "[round.1]\nformat = buzz\nreading = soon\n", 5,
	     "reading: 'soon' is not a whole number"},
	    {HEAD "[round.1]\nformat = buzz\narm_time = 2\n", 5,
	     "round 1: arm_time must be 3..300 seconds (got 2)"},
	    {HEAD "[round.1]\nformat = buzz\ntie_ms = 1001\n", 5,
	     "round 1: tie_ms must be 1..1000 milliseconds (got 1001)"},
	    {HEAD "[round.1]\nformat = buzz\nfoul = 5\n", 5,
	     "round 1: foul must be -1000..0 (got 5)"},
	    {HEAD "[round.1]\nformat = buzz\nrebounds = 11\n", 5,
	     "round 1: rebounds must be 0..10 (got 11)"},
	    {HEAD "[round.1]\nformat = buzz\nrebounds = -1\n", 5,
	     "rebounds must be 0 or more"},
	    {HEAD "[round.1]\nformat = buzz\npoints = 1001\n", 5,
	     "points must be 1..1000 in a buzz round"},
	    {HEAD "[round.1]\nformat = buzz\njudge = maybe\n", 5,
	     "judge: unknown mode 'maybe'"},
	    {HEAD "[round.1]\nformat = speed\njudge = oral\n", 5,
	     "round 1: judge = oral applies only to buzz rounds"},
	    {HEAD "[round.1]\nformat = speed\nfoul = -5\n", 5,
	     "round 1: foul applies only to buzz rounds"},
	    {HEAD "[round.1]\nformat = turn\nrebounds = 0\n", 5,
	     "round 1: rebounds applies only to buzz rounds"},
	    {HEAD "[round.1]\nformat = wager\narm_time = 10\n", 5,
	     "round 1: arm_time applies only to buzz rounds"},
	    {HEAD "[round.1]\nformat = speed\ntie_ms = 10\n", 5,
	     "round 1: tie_ms applies only to buzz rounds"},
	    {HEAD "[round.1]\nformat = speed\nreading = 5\n", 5,
	     "round 1: reading applies only to buzz rounds"},
	    {HEAD "[round.1]\nformat = turn\nwager_time = 10\n", 5,
	     "wager_time applies only to wager rounds"},
	    {HEAD "[round.1]\nformat = speed\nstakes = 10\n", 5,
	     "stakes apply only to wager rounds"},
	    {HEAD "[round.1]\nformat = wager\npoints = 10\n", 5,
	     "points do not apply to a wager round"},
	    {HEAD "[round.1]\nformat = wager\nstakes = 0, 10\n", 5,
	     "each stake must be 1..1000"},
	    {HEAD "[round.1]\nformat = wager\nstakes = 10, 1001\n", 5,
	     "each stake must be 1..1000"},
	    {HEAD "[round.1]\nformat = wager\nstakes = 10, 10\n", 5,
	     "distinct and ascending"},
	    {HEAD "[round.1]\nformat = wager\nstakes = 20, 10\n", 5,
	     "distinct and ascending (10 after 20)"},
	    {HEAD "[round.1]\nformat = wager\nstakes = 1,2,3,4,5,6,7,8,9\n", 5,
	     "stakes: at most 8"},
	    {HEAD "[round.1]\nformat = speed\ncount = 201\n", 5,
	     "count must be 1..200"},
	    {HEAD "[round.1]\nformat = speed\ncount = -1\n", 5,
	     "count: '-1' is not a whole number"},
	    {HEAD "[round.1]\nformat = speed\ncount = 0\n", 5,
	     "count = 0 is not allowed"},
	    {HEAD "[round.1]\nformat = speed\ndifficulty = 4\n", 5,
	     "difficulty must be 1..3"},
	    {HEAD "[round.1]\nformat = speed\ndifficulty = -1\n", 5,
	     "difficulty must be 1..3"},
	    {HEAD "[round.1]\nformat = speed\ndifficulty = 3-1\n", 5,
	     "lower bound is above the upper"},
	    {HEAD "[round.1]\nformat = speed\ndifficulty = 1-x\n", 5,
	     "difficulty: 'x' is not a whole number"},
	    {HEAD "[round.1]\nformat = speed\nids = a, b\ncount = 3\n", 6,
	     "count 3 is more than the 2 ids listed"},
	    {HEAD "[round.1]\nformat = speed\nids = a, b, a\n", 5,
	     "item 'a' is listed twice"},
	    {HEAD "[round.1]\nformat = speed\nids = a\n[round.2]\n"
		  "format = speed\nids = a\n",
	     8, "round 2: ids: item 'a' is already asked in round 1"},
	    {HEAD "[round.1]\nformat = speed\nids = a\ncategory = x\n", 5,
	     "ids name the questions"},
	    {HEAD "[round.1]\nformat = speed\nids = "
		  "abcdefghijabcdefghijabcdefghijabc\n",
	     5, "longer than 32 bytes"},
	    {HEAD "[round.1]\nformat = speed\nkinds = single, essay\n", 5,
	     "unknown kind 'essay'"},
	    {HEAD "[round.1]\nformat = quiz\n", 4, "unknown format 'quiz'"},
	    {HEAD "[round.1]\nname = \xe2\x80\x8b\nformat = speed\n", 4,
	     "round 1: name"},
	    {HEAD "[round.1]\ncount = 3\n", 3, "[round.1] has no format"},
	    {"[contest]\ntitle = T\nbase = 100001\n[round.1]\nformat = speed\n",
	     3, "base must be -100000..100000"},
	    {"[contest]\ntitle = T\nbase = -100001\n[round.1]\nformat = "
	     "speed\n",
	     3, "base must be -100000..100000"},
	    {"[contest]\ntitle = T\nscoring = avg\n[round.1]\nformat = speed\n",
	     3, "scoring: 'avg' is neither mean nor sum"},
	    {"[contest]\nscoring = sum\n[round.1]\nformat = speed\n", 0,
	     "title is missing"},
	    {"[contest]\ntitle = \n[round.1]\nformat = speed\n", 2,
	     "'title' has no value"},
	    {"[contest]\ntitle = T\n", 0, "a contest has 1..16 rounds (got 0)"},
	    {"[contest]\ntitle = T\nteams = Alpha, ALPHA\n[round.1]\n"
	     "format = speed\n",
	     3, "team 2 'ALPHA' is the same name as team 1 'Alpha'"},
	    {"[contest]\ntitle = T\nteams = Alpha\nteams = ａｌｐｈａ\n"
	     "[round.1]\nformat = speed\n",
	     4, "is the same name as team 1"},
	    {"[contest]\ntitle = T\nteams = A,,B\n[round.1]\nformat = speed\n",
	     3, "teams: empty entry"},
	    /* the INI itself */
	    {"title = T\n[round.1]\nformat = speed\n", 1,
	     "'title' comes before any section"},
	    {HEAD "[round.1]\nformat = speed\n[round.3]\nformat = speed\n", 5,
	     "[round.3] should be [round.2]"},
	    {HEAD "[round.0]\nformat = speed\n", 3,
	     "unknown section [round.0]"},
	    {HEAD "[round]\nformat = speed\n", 3, "unknown section [round]"},
	    {HEAD "[rounds.1]\nformat = speed\n", 3, "unknown section"},
	    {HEAD "[round.1]\nformat = speed\n[contest]\n", 5,
	     "[contest] appears again (first on line 1)"},
	    {HEAD "[round.1\nformat = speed\n", 3, "closing ']'"},
	    {HEAD "[round.1]\nformat = speed\npoints = 5\npoints = 6\n", 6,
	     "'points' is already set on line 5 in [round.1]"},
	    {HEAD "[round.1]\nformat = speed\njust words\n", 5,
	     "expected 'key = value', a [section] or a comment"},
	    {HEAD "[round.1]\nformat = speed\ntime = 30 # s\n", 5,
	     "time: '30 # s' is not a whole number"},
	    {HEAD "[round.1]\nformat = speed\ntime = 20\n  30\n", 6,
	     "'time' takes one line"},
	    {HEAD "[round.1]\nformat = speed\nids = a,\n  points = 3\n", 6,
	     "an indented line continues 'ids'"},
	};

	return cr_make_param_array(struct file_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct file_case *fc, contest, file_errors)
{
	struct contest_file_errors e;
	struct contest *c;
	int rc;

	c = parse(fc->text, &e, &rc);
	cr_expect_eq(rc, -QE_BAD_MESSAGE, "accepted:\n%s", fc->text);
	cr_expect(has_error(&e, fc->line, fc->want),
		  "no error on line %u saying \"%s\" (first: line %u: %s)",
		  fc->line, fc->want, e.n ? e.v[0].line : 0,
		  e.n ? e.v[0].msg : "none");
	free(c);
}

Test(contest, unknown_key_line_number)
{
	const char *text = "; a contest\n"
			   "[contest]\n"
			   "title = 知识竞赛\n"
			   "\n"
			   "[round.1]\n"
			   "format = turn\n"
			   "\n"
			   "[round.2]\n"
			   "format = speed\n"
			   "# comment\n"
			   "count = 5\n"
			   "pionts = 10\n"
			   "colour = red ; inline comment\n";
	struct contest_file_errors e;
	char first[300];
	int rc;
	struct contest *c = parse(text, &e, &rc);

	cr_expect_eq(rc, -QE_BAD_MESSAGE);
	cr_assert_eq(e.total, 2);
	cr_expect_eq(e.v[0].line, 12);
	cr_expect_str_eq(e.v[0].msg, "unknown key 'pionts' in [round.2]");
	cr_expect_eq(e.v[1].line, 13);
	cr_expect_str_eq(e.v[1].msg, "unknown key 'colour' in [round.2]");
	contest_file_first_error(&e, first, sizeof(first));
	cr_expect_str_eq(first, "line 12: unknown key 'pionts' in [round.2]");
	free(c);
}

Test(contest, file_values_and_defaults)
{
	const char *text = "\xEF\xBB\xBF[contest]\r\n"
			   "title = 党建知识竞赛\r\n"
			   "scoring = sum\r\n"
			   "base = -50\r\n"
			   "teams = 机关党委第一党支部，第二党支部,\r\n"
			   "   离退休干部党支部\r\n"
			   "teams = Team D\r\n"
			   "[round.1]\r\n"
			   "name = 必答题\r\n"
			   "format = 必答\r\n"
			   "penalty = -5\r\n"
			   "kinds = single, 判断\r\n"
			   "difficulty = 1 - 2\r\n"
			   "[round.2]\r\n"
			   "format = 风险\r\n"
			   "stakes = 5, 50, 500\r\n"
			   "time = 45\r\n"
			   "wager_time = 10\r\n"
			   "category = 党的理论\r\n"
			   "[round.3]\r\n"
			   "format = speed\r\n"
			   "ids = s001-1, s001-2,\r\n"
			   "  s002-1\r\n"
			   "count = 2\r\n";
	struct contest_file_errors e;
	int rc;
	struct contest *c = parse(text, &e, &rc);

	cr_assert_eq(rc, 0);
	cr_expect_str_eq(c->title, "党建知识竞赛");
	cr_expect_eq(c->scoring, TEAM_SUM);
	cr_expect_eq(c->team_base, -50);
	cr_assert_eq(c->nteams, 4);
	cr_expect_str_eq(c->teams[0], "机关党委第一党支部");
	cr_expect_str_eq(c->teams[1], "第二党支部");
	cr_expect_str_eq(c->teams[2], "离退休干部党支部");
	cr_expect_str_eq(c->teams[3], "Team D");
	cr_assert_eq(c->nrounds, 3);
	cr_expect_str_eq(c->rounds[0].name, "必答题");
	cr_expect_eq(c->rounds[0].format, FMT_TURN);
	cr_expect_eq(c->rounds[0].count, 2);
	cr_expect_eq(c->rounds[0].points, 10);
	cr_expect_eq(c->rounds[0].penalty, -5);
	cr_expect_eq(c->rounds[0].kinds,
		     (1u << ITEM_SINGLE) | (1u << ITEM_TRUE_FALSE));
	cr_expect_eq(c->rounds[0].min_difficulty, 1);
	cr_expect_eq(c->rounds[0].max_difficulty, 2);
	cr_expect_eq(c->rounds[1].format, FMT_WAGER);
	cr_expect_eq(c->rounds[1].count, 3);
	cr_expect_eq(c->rounds[1].nstakes, 3);
	cr_expect_eq(c->rounds[1].stakes[2], 500);
	cr_expect_eq(c->rounds[1].time_limit_us, 45000000);
	cr_expect_eq(c->rounds[1].wager_us, 10000000);
	cr_expect_str_eq(c->rounds[1].category, "党的理论");
	cr_expect_str_eq(c->rounds[1].name, "Round 2");
	cr_expect_eq(c->rounds[2].format, FMT_SPEED);
	cr_assert_eq(c->rounds[2].nids, 3);
	cr_expect_str_eq(contest_round_id(c, &c->rounds[2], 2), "s002-1");
	cr_expect_eq(c->rounds[2].count, 2);
	cr_expect_eq(c->rounds[2].points, 1000);
	free(c);
}

Test(contest, file_defaults_base_100_mean)
{
	struct contest_file_errors e;
	int rc;
	struct contest *c = parse(HEAD "[round.1]\nformat = speed\n", &e, &rc);

	cr_assert_eq(rc, 0);
	cr_expect_eq(c->team_base, 100);
	cr_expect_eq(c->scoring, TEAM_MEAN);
	cr_expect_eq(c->nteams, 0);
	cr_expect_eq(c->rounds[0].count, 10);
	free(c);
}

/* A buzz round with its defaults, and one with every key; a zero
 * written on purpose stays zero (RC_GIVEN_*). */
Test(contest, file_buzz_round)
{
	struct contest_file_errors e;
	char err[200];
	int rc;
	struct contest *c =
	    parse(HEAD "[round.1]\nformat = 抢答\n[round.2]\nformat = buzz\n"
		       "reading = 6\narm_time = 30\ntie_ms = 35\ntime = 25\n"
		       "points = 20\npenalty = 0\nfoul = -5\nrebounds = 0\n"
		       "judge = 口述\n[round.3]\nformat = speed\n"
		       "judge = fill\n[round.4]\nformat = buzz\n"
		       "reading = 自动\njudge = 填空\nfoul = 0\n",
		  &e, &rc);

	cr_assert_eq(rc, 0, "%s", e.n ? e.v[0].msg : "");
	cr_expect(contest_runnable(c, err, sizeof(err)), "%s", err);
	cr_expect_eq(c->rounds[0].format, FMT_BUZZ);
	cr_expect_eq(c->rounds[0].count, 10);
	cr_expect_eq(c->rounds[0].reading_us, 0);
	cr_expect_eq(c->rounds[0].arm_us, 20000000);
	cr_expect_eq(c->rounds[0].tie_us, 20000);
	cr_expect_eq(c->rounds[0].time_limit_us, 20000000);
	cr_expect_eq(c->rounds[0].points, 10);
	cr_expect_eq(c->rounds[0].penalty, -10);
	cr_expect_eq(c->rounds[0].foul, -10);
	cr_expect_eq(c->rounds[0].rebounds, 1);
	cr_expect_eq(c->rounds[0].judge, JUDGE_AUTO);
	cr_expect_eq(c->rounds[0].given, 0);
	cr_expect_eq(c->rounds[1].reading_us, 6000000);
	cr_expect_eq(c->rounds[1].arm_us, 30000000);
	cr_expect_eq(c->rounds[1].tie_us, 35000);
	cr_expect_eq(c->rounds[1].time_limit_us, 25000000);
	cr_expect_eq(c->rounds[1].points, 20);
	cr_expect_eq(c->rounds[1].penalty, 0, "penalty 0 is kept");
	cr_expect_eq(c->rounds[1].foul, -5);
	cr_expect_eq(c->rounds[1].rebounds, 0, "rebounds 0 is kept");
	cr_expect_eq(c->rounds[1].judge, JUDGE_ORAL);
	cr_expect_eq(c->rounds[1].given,
		     RC_GIVEN_PENALTY | RC_GIVEN_FOUL | RC_GIVEN_REBOUNDS);
	cr_expect_eq(c->rounds[2].judge, JUDGE_FILL);
	cr_expect_eq(c->rounds[3].judge, JUDGE_FILL);
	cr_expect_eq(c->rounds[3].reading_us, 0);
	cr_expect_eq(c->rounds[3].foul, 0, "foul 0 is kept");
	cr_expect_eq(c->rounds[3].penalty, -10);
	cr_expect_eq(contest_formats(c), (1u << FMT_BUZZ) | (1u << FMT_SPEED));
	free(c);
}

/* A name of n bytes: CJK characters (3 bytes) padded with ASCII. */
static void cjk_name(char *out, size_t n)
{
	size_t i = 0;

	out[0] = '\0';
	while (n - i >= 3) {
		strcat(out, "党");
		i += 3;
	}
	while (i++ < n)
		strcat(out, "x");
}

Test(contest, team_names_64_bytes)
{
	char name[80], text[300];
	struct contest_file_errors e;
	struct contest *c;
	int rc;

	cjk_name(name, 64);
	cr_assert_eq(strlen(name), 64);
	snprintf(text, sizeof(text),
		 "[contest]\ntitle = T\nteams = %s\n[round.1]\nformat = turn\n",
		 name);
	c = parse(text, &e, &rc);
	cr_expect_eq(rc, 0);
	cr_expect_str_eq(c->teams[0], name);
	free(c);

	cjk_name(name, 65);
	cr_assert_eq(strlen(name), 65);
	snprintf(text, sizeof(text),
		 "[contest]\ntitle = T\nteams = %s\n[round.1]\nformat = turn\n",
		 name);
	c = parse(text, &e, &rc);
	cr_expect_eq(rc, -QE_BAD_MESSAGE);
	cr_expect(has_error(&e, 3,
			    "is 65 bytes long; a team name has at most "
			    "64 bytes"));
	free(c);

	/* 21 CJK characters + 1 is the longest; 22 CJK is 66 bytes */
	cr_expect_eq(strlen("机关党委第一党支部"), 27);
}

Test(contest, team_limit_64)
{
	char *text = malloc(CONTEST_TEXT_MAX);
	struct contest_file_errors e;
	struct contest *c;
	int rc, i;

	strcpy(text, "[contest]\ntitle = T\n");
	for (i = 0; i < 65; i++)
		sprintf(text + strlen(text), "teams = 第%d党支部\n", i + 1);
	strcat(text, "[round.1]\nformat = speed\n");
	c = parse(text, &e, &rc);
	cr_expect_eq(rc, -QE_BAD_MESSAGE);
	cr_expect(has_error(&e, 67, "teams: at most 64 teams"));
	free(c);
	free(text);
}

Test(contest, round_limit_16)
{
	char text[1024] = HEAD;
	struct contest_file_errors e;
	struct contest *c;
	int rc, i;

	for (i = 1; i <= 17; i++)
		sprintf(text + strlen(text), "[round.%d]\nformat = speed\n", i);
	c = parse(text, &e, &rc);
	cr_expect_eq(rc, -QE_BAD_MESSAGE);
	cr_expect(has_error(&e, 3 + 16 * 2, "at most 16 rounds"));
	free(c);
}

Test(contest, title_limit_128)
{
	char text[400], title[200];
	struct contest_file_errors e;
	struct contest *c;
	int rc;

	cjk_name(title, 128);
	snprintf(text, sizeof(text),
		 "[contest]\ntitle = %s\n[round.1]\nformat = speed\n", title);
	c = parse(text, &e, &rc);
	cr_expect_eq(rc, 0);
	free(c);
	cjk_name(title, 129);
	snprintf(text, sizeof(text),
		 "[contest]\ntitle = %s\n[round.1]\nformat = speed\n", title);
	c = parse(text, &e, &rc);
	cr_expect_eq(rc, -QE_BAD_MESSAGE);
	cr_expect(has_error(&e, 2, "title is 129 bytes long; at most 128"));
	free(c);
}

Test(contest, refuses_nul_long_files_lines_and_bad_utf8)
{
	struct contest_file_errors e = {0};
	struct contest *c = calloc(1, sizeof(*c));
	char *big = malloc(CONTEST_TEXT_MAX + 2);
	char line[400];
	const char nul[] = "[contest]\ntitle = T\0x\n";
	int rc;

	rc = contest_file_parse(nul, sizeof(nul) - 1, c, &e, NULL);
	cr_expect_eq(rc, -QE_BAD_MESSAGE);
	cr_expect(has_error(&e, 0, "NUL byte"));

	memset(big, '\n', CONTEST_TEXT_MAX + 1);
	memset(&e, 0, sizeof(e));
	rc = contest_file_parse(big, CONTEST_TEXT_MAX + 1, c, &e, NULL);
	cr_expect_eq(rc, -QE_BAD_MESSAGE);
	cr_expect(has_error(&e, 0, "at most 32768"));

	/* a line longer than libinih's buffer is refused, not split */
	memset(line, 0, sizeof(line));
	strcpy(line, HEAD "[round.1]\nformat = speed\nids = a");
	memset(line + strlen(line), 'b', CONTEST_FILE_LINE_MAX);
	strcat(line, "\ncount = 1\n");
	memset(&e, 0, sizeof(e));
	rc = contest_file_parse(line, strlen(line), c, &e, NULL);
	cr_expect_eq(rc, -QE_BAD_MESSAGE);
	cr_expect_eq(e.total, 1);
	cr_expect(has_error(&e, 5, "at most 196"));

	free(c);
	c = parse(HEAD "[round.1]\nname = \xff\xfe\nformat = speed\n", &e, &rc);
	cr_expect_eq(rc, -QE_BAD_MESSAGE);
	cr_expect(has_error(&e, 4, "not valid UTF-8"));
	free(c);
	free(big);
}

/* Whether item it passes round r's draw (the rule of core/draw.c). */
static int draws(const struct round_cfg *r, const struct item *it)
{
	return (!r->category[0] || strcmp(r->category, it->category) == 0) &&
	       (!r->kinds || (r->kinds & (1u << it->kind))) &&
	       (!r->min_difficulty || it->difficulty >= r->min_difficulty) &&
	       (!r->max_difficulty || it->difficulty <= r->max_difficulty);
}

Test(contest, shipped_branch_contest)
{
	struct contest_file_errors e = {0};
	struct bank_errors be = {0};
	struct contest *c = calloc(1, sizeof(*c));
	struct bank *b = bank_new();
	char *text, err[200];
	size_t len, j;
	unsigned i, have;

	cr_assert_eq(contest_file_read(QUIZ_DATA_DIR
				       "/contests/branch-contest.ini",
				       &text, &len, &e),
		     0);
	cr_assert_eq(contest_file_parse(text, len, c, &e, NULL), 0,
		     "line %u: %s", e.n ? e.v[0].line : 0,
		     e.n ? e.v[0].msg : "");
	cr_expect(contest_runnable(c, err, sizeof(err)), "%s", err);
	cr_expect_eq(c->team_base, 100);
	cr_expect_eq(c->scoring, TEAM_MEAN);
	cr_expect_eq(c->nteams, 0, "the shipped file fixes no teams");
	cr_assert_eq(c->nrounds, 3);
	cr_expect_eq(c->rounds[0].format, FMT_TURN);
	cr_expect_eq(c->rounds[0].count, 2);
	cr_expect_eq(c->rounds[1].format, FMT_BUZZ, "抢答 is a buzz round");
	cr_expect_eq(c->rounds[1].judge, JUDGE_AUTO);
	cr_expect_eq(c->rounds[1].reading_us, 0, "reading from the stem");
	cr_expect_eq(c->rounds[1].points, 10);
	cr_expect_eq(c->rounds[1].penalty, -10);
	cr_expect_eq(c->rounds[1].foul, -10);
	cr_expect_eq(c->rounds[1].rebounds, 1);
	cr_expect_eq(c->rounds[2].format, FMT_WAGER);
	cr_expect_eq(contest_formats(c),
		     (1u << FMT_BUZZ) | (1u << FMT_TURN) | (1u << FMT_WAGER));

	cr_assert_eq(bank_csv_load_path(QUIZ_DATA_DIR "/bank", b, &be), 0);
	for (i = 0; i < c->nrounds; i++) {
		const struct round_cfg *r = &c->rounds[i];
		/* a turn round for 4 teams, as the integration test plays */
		unsigned need = r->count * (r->format == FMT_TURN ? 4 : 1);

		for (have = 0, j = 0; j < b->n; j++)
			have += (unsigned)draws(r, &b->items[j]);
		cr_expect_geq(have, need, "round %u: %u items for %u", i + 1,
			      have, need);
	}
	bank_errors_clear(&be);
	bank_free(b);
	free(text);
	free(c);
}

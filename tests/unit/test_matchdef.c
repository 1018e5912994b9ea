/* Match definitions: what is written reads back the same, and text that
 * is not a definition is refused with its line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "matchdef.h"

/* A contest using every field: two fixed teams, three rounds. */
static void sample(struct room_settings *s, struct contest *c)
{
	room_settings_default(s);
	snprintf(s->title, sizeof(s->title), "党建知识竞赛 = round 1");
	s->seed = 0xfedcba9876543210ULL;
	s->auto_advance = true;
	s->close_when_all = true;
	s->time_limit_us = 12345678;
	memset(c, 0, sizeof(*c));
	snprintf(c->title, sizeof(c->title), "机关党委 contest");
	c->scoring = TEAM_SUM;
	c->team_base = -50;
	c->nteams = 2;
	snprintf(c->teams[0], sizeof(c->teams[0]), "机关党委第一党支部");
	snprintf(c->teams[1], sizeof(c->teams[1]), "Team, two");
	c->nrounds = 5;
	round_cfg_default(&c->rounds[0], FMT_TURN);
	c->rounds[0].penalty = -5;
	c->rounds[0].nids = 2;
	c->nids = 2;
	snprintf(c->ids[0], sizeof(c->ids[0]), "Q001");
	snprintf(c->ids[1], sizeof(c->ids[1]), "Q117");
	round_cfg_default(&c->rounds[1], FMT_SPEED);
	snprintf(c->rounds[1].category, sizeof(c->rounds[1].category),
		 "党的组织");
	c->rounds[1].kinds = 5;
	c->rounds[1].min_difficulty = 1;
	c->rounds[1].max_difficulty = 2;
	round_cfg_default(&c->rounds[2], FMT_WAGER);
	c->rounds[2].nstakes = 4;
	c->rounds[2].stakes[3] = 50;
	/* a buzz round with a zero written on purpose, and a judge */
	round_cfg_default(&c->rounds[3], FMT_BUZZ);
	c->rounds[3].reading_us = 6000000;
	c->rounds[3].arm_us = 25000000;
	c->rounds[3].tie_us = 35000;
	c->rounds[3].foul = -7;
	c->rounds[3].rebounds = 0;
	c->rounds[3].penalty = 0;
	c->rounds[3].judge = JUDGE_ORAL;
	c->rounds[3].given = RC_GIVEN_REBOUNDS | RC_GIVEN_PENALTY;
	round_cfg_default(&c->rounds[4], FMT_SPEED);
	c->rounds[4].judge = JUDGE_FILL;
}

Test(matchdef, round_trip)
{
	struct room_settings s, s2;
	struct contest *c = calloc(2, sizeof(*c));
	char err[100], *text;

	sample(&s, &c[0]);
	text = matchdef_write(&s, &c[0]);
	cr_assert_eq(matchdef_read(text, &s2, &c[1], err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_eq(memcmp(&s, &s2, sizeof(s)), 0, "settings differ");
	cr_expect(s2.close_when_all);
	cr_expect(strstr(text, "\nclose_when_all=1\n") != NULL);
	cr_expect_str_eq(c[1].teams[0], "机关党委第一党支部");
	cr_expect_eq(c[1].rounds[0].penalty, -5);
	cr_expect_str_eq(contest_round_id(&c[1], &c[1].rounds[0], 1), "Q117");
	cr_expect_eq(c[1].rounds[2].stakes[3], 50);
	cr_expect_eq(c[1].team_base, -50);
	cr_expect_eq(c[1].rounds[3].format, FMT_BUZZ);
	cr_expect_eq(c[1].rounds[3].reading_us, 6000000);
	cr_expect_eq(c[1].rounds[3].arm_us, 25000000);
	cr_expect_eq(c[1].rounds[3].tie_us, 35000);
	cr_expect_eq(c[1].rounds[3].foul, -7);
	cr_expect_eq(c[1].rounds[3].judge, JUDGE_ORAL);
	cr_expect_eq(c[1].rounds[3].given,
		     RC_GIVEN_REBOUNDS | RC_GIVEN_PENALTY);
	cr_expect_eq(c[1].rounds[4].judge, JUDGE_FILL);
	/* normalized again, the zeros written on purpose stay */
	cr_assert_eq(contest_normalize(&c[1], err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(c[1].rounds[3].rebounds, 0);
	cr_expect_eq(c[1].rounds[3].penalty, 0);
	cr_expect_eq(c[1].rounds[3].foul, -7);
	cr_assert_eq(contest_normalize(&c[0], err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(memcmp(&c[0], &c[1], sizeof(*c)), 0, "contest differs");
	free(text);
	free(c);
}

Test(matchdef, refuses_other_text)
{
	static const char *bad[] = {
	    "",
	    "[contest]\ntitle = x\n",
	    "quizd-match 1\nseed=12x\n",
	    "quizd-match 1\nround.count=3\n", /* a round key before a round */
	    "quizd-match 1\nround=1\n",	      /* rounds start at 0 */
	    "quizd-match 1\nround=0\nround.judge=3\n", /* no such mode */
	    "quizd-match 1\nround=0\nround.rebounds=-1\n",
	    "quizd-match 1\nnonsense=1\n",
	    "quizd-match 1\nauto_advance=2\n",
	    "quizd-match 1\nclose_when_all=7\n",
	};
	struct room_settings s;
	struct contest *c = calloc(1, sizeof(*c));
	char err[100];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(matchdef_read(bad[i], &s, c, err, sizeof(err)),
			     -QE_BAD_MESSAGE, "accepted: %s", bad[i]);
		cr_expect(strstr(err, "line") != NULL, "no line in '%s'", err);
	}
	free(c);
}

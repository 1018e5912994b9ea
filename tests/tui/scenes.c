/* quiz-scenes: the contest screens of quiz drawn from a model fed with
 * protocol messages built here, no server involved (tests/tui/scenes.sh
 * captures them in tmux and checks their text at 80x24). Each scene is a
 * short sequence of envelopes as a server of docs/PROTOCOL.md sends them;
 * the screen is drawn at a fixed clock so that bars and seconds are
 * stable. Keys go to the model as in quiz: a stake picked in the wager
 * scene is acknowledged by a WagerAck as the server would; 'q' quits.
 *
 * tests/tui/bigscreen.sh draws the projector's scenes at 200x50 as well
 * (reveal_quarter: 1, 2, 0 and 0 answers, 3 of 4 players answered).
 *
 * The buzz scenes (buzz_*) run round 2 as a 抢答 round; judge scenes
 * show the host's and `quiz judge`'s panel.
 *
 * Usage: quiz-scenes join|host|screen|judge SCENE */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "model.h"
#include "ui.h"

#define SEC 1000000ULL
#define NOW (1000 * SEC) /* the fixed local clock of every scene */

static struct model M;
/* the contestant's nickname (the longnick scene changes it) */
static const char *me = "小明";

/* Feeds one envelope whose body pointer is set by the caller. */
static int feed(Quiz__V1__Envelope *env)
{
	return model_apply(&M, env, NULL, NULL);
}

#define FEED(field, bc, body)                                                  \
	do {                                                                   \
		Quiz__V1__Envelope e_ = QUIZ__V1__ENVELOPE__INIT;              \
		e_.body_case = QUIZ__V1__ENVELOPE__BODY_##bc;                  \
		e_.field = (body);                                             \
		feed(&e_);                                                     \
	} while (0)

static uint32_t stakes[] = {10, 20, 30};
static Quiz__V1__RoundInfo rinfo[3], *rptr[3];

/* The three rounds of the branch contest. */
static void rounds_init(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		quiz__v1__round_info__init(&rinfo[i]);
		rinfo[i].index = (uint32_t)i;
		rptr[i] = &rinfo[i];
	}
	rinfo[0].format = QUIZ__V1__ROUND_FORMAT__REQUIRED;
	rinfo[0].name = "必答题";
	rinfo[0].points = 10;
	rinfo[0].time_limit_ms = 30000;
	rinfo[0].questions = 4;
	rinfo[1].format = QUIZ__V1__ROUND_FORMAT__SPEED;
	rinfo[1].name = "抢答题";
	rinfo[1].points = 1000;
	rinfo[1].first_question = 4;
	rinfo[2].format = QUIZ__V1__ROUND_FORMAT__WAGER;
	rinfo[2].name = "风险题";
	rinfo[2].stakes = stakes;
	rinfo[2].n_stakes = 3;
	rinfo[2].wager_ms = 15000;
	rinfo[2].first_question = 8;
	rinfo[2].questions = 2;
}

/* Joined (contestant 小明 of 一支部, player 7) or Watching / RoomCreated,
 * in a contest of three rounds at round, state. */
static void enter(enum model_mode mode, uint32_t round, int state)
{
	Quiz__V1__ContestInfo ci = QUIZ__V1__CONTEST_INFO__INIT;
	Quiz__V1__RoomSettings st = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__Welcome w = QUIZ__V1__WELCOME__INIT;

	model_init(&M, mode, mode == MODE_JOIN ? me : NULL);
	if (mode == MODE_JOIN)
		model_set_team(&M, "一支部");
	w.session = "s";
	w.resume_token = "t";
	FEED(welcome, WELCOME, &w);
	rounds_init();
	ci.title = "支部知识竞赛";
	ci.scoring = QUIZ__V1__TEAM_SCORING__TEAM_MEAN;
	ci.team_base = 100;
	ci.rounds = rptr;
	ci.n_rounds = 3;
	st.question_count = 10;
	if (mode == MODE_JOIN) {
		Quiz__V1__Joined j = QUIZ__V1__JOINED__INIT;

		j.player_id = 7;
		j.code = "ABCD-EFGH";
		j.settings = &st;
		j.state = (Quiz__V1__RoomState)state;
		j.players = 4;
		j.contest = &ci;
		j.round = round;
		FEED(joined, JOINED, &j);
	} else if (mode == MODE_HOST) {
		Quiz__V1__RoomCreated rc = QUIZ__V1__ROOM_CREATED__INIT;

		rc.code = "ABCD-EFGH";
		rc.host_token = "tok";
		rc.judge_token = "7K3M9Q2W8X4Y6Z1A";
		rc.settings = &st;
		rc.contest = &ci;
		FEED(room_created, ROOM_CREATED, &rc);
		if (state != QUIZ__V1__ROOM_STATE__LOBBY) {
			Quiz__V1__StateChange sc = QUIZ__V1__STATE_CHANGE__INIT;

			sc.state = (Quiz__V1__RoomState)state;
			FEED(state_change, STATE_CHANGE, &sc);
		}
	} else {
		Quiz__V1__Watching wa = QUIZ__V1__WATCHING__INIT;

		wa.code = "ABCD-EFGH";
		wa.judge = mode == MODE_JUDGE;
		wa.settings = &st;
		wa.state = (Quiz__V1__RoomState)state;
		wa.contest = &ci;
		wa.round = round;
		FEED(watching, WATCHING, &wa);
	}
}

/* RoundStart of round r. */
static void round_start(uint32_t r)
{
	Quiz__V1__RoundStart rs = QUIZ__V1__ROUND_START__INIT;

	rs.round = &rinfo[r];
	rs.rounds = 3;
	FEED(round_start, ROUND_START, &rs);
}

/* Turn t of 4 for question q, of team (or contestant nick). */
static void turn(Quiz__V1__Turn *t, uint32_t q, char *team, uint32_t no)
{
	quiz__v1__turn__init(t);
	t->question_index = q;
	t->team = team;
	t->turn = no;
	t->turns = 4;
}

static char *opts[] = {"1919年", "1921年", "1927年", "1949年"};

/* Question q (4 options, 20 s from NOW - 5 s) of round r at round_index. */
static void question(uint32_t q, uint32_t r, uint32_t ri, uint32_t rc,
		     Quiz__V1__Turn *t, uint32_t stake)
{
	Quiz__V1__Question b = QUIZ__V1__QUESTION__INIT;

	b.index = q;
	b.count = 10;
	b.kind = QUIZ__V1__QUESTION_KIND__SINGLE;
	b.stem = "中国共产党成立于哪一年？";
	b.options = opts;
	b.n_options = 4;
	b.reveal_at_us = NOW - 5 * SEC;
	b.deadline_at_us = NOW + 15 * SEC;
	b.time_limit_ms = 20000;
	b.points = rinfo[r].points > 0 ? (uint32_t)rinfo[r].points : 0;
	b.category = "党史";
	b.round = r;
	b.round_index = ri;
	b.round_count = rc;
	b.turn = t;
	b.stake = stake;
	FEED(question, QUESTION, &b);
}

static Quiz__V1__TeamStanding ts[3], *tsp[3];
static Quiz__V1__TeamBoard board = QUIZ__V1__TEAM_BOARD__INIT;
static char *best1[] = {"张三", "小明", "王五"};
static char *best2[] = {"Bob", "李小龙"};

/* The team board: 一支部 and 二支部 tied at 130, 三支部 90. */
static Quiz__V1__TeamBoard *teams(bool final)
{
	int i;

	for (i = 0; i < 3; i++) {
		quiz__v1__team_standing__init(&ts[i]);
		tsp[i] = &ts[i];
	}
	ts[0].rank = 1;
	ts[0].team = "一支部";
	ts[0].members = 3;
	ts[0].score = 130;
	ts[0].points = 30;
	ts[0].last_delta = 30;
	ts[0].stake = 30;
	ts[1].rank = 1;
	ts[1].team = "二支部";
	ts[1].members = 2;
	ts[1].score = 130;
	ts[1].points = 30;
	ts[1].last_delta = -20;
	ts[1].stake = 20;
	ts[2].rank = 3;
	ts[2].team = "三支部";
	ts[2].members = 1;
	ts[2].score = 90;
	ts[2].points = -10;
	ts[2].last_delta = -10;
	ts[2].stake = 10;
	if (final) {
		ts[0].top_members = best1;
		ts[0].n_top_members = 3;
		ts[1].top_members = best2;
		ts[1].n_top_members = 2;
	}
	board.scoring = QUIZ__V1__TEAM_SCORING__TEAM_MEAN;
	board.team_base = 100;
	board.teams = tsp;
	board.n_teams = 3;
	return &board;
}

static Quiz__V1__Standing st[4], *stp[4];

/* Individual standings: 张三 and 小明 tied first. */
static void standings(void)
{
	static char *nick[] = {"张三", "小明", "Bob", "李小龙"};
	static char *team[] = {"一支部", "一支部", "二支部", "二支部"};
	static int64_t score[] = {60, 60, 40, -20};
	static uint32_t rank[] = {1, 1, 3, 4};
	int i;

	for (i = 0; i < 4; i++) {
		quiz__v1__standing__init(&st[i]);
		st[i].rank = rank[i];
		st[i].player_id = (uint32_t)i + 6;
		st[i].nickname = nick[i];
		st[i].team = team[i];
		st[i].score = score[i];
		stp[i] = &st[i];
	}
}

/* The answers of the reveal per option, how many answered, of how many
 * players (reveal_quarter: 1, 2, 0 and 0, 3 of 4 answered). */
static uint32_t dist[] = {0, 3, 1, 0}, answered = 4, players = 6;

/* The reveal of question q (option B right) with its board and my result
 * (delta, stake, answered by me or by my team). */
static void reveal(uint32_t q, int64_t delta, uint32_t stake, bool correct,
		   bool mine)
{
	Quiz__V1__Reveal rv = QUIZ__V1__REVEAL__INIT;
	Quiz__V1__Result r = QUIZ__V1__RESULT__INIT;
	static uint32_t right[] = {1};

	rv.question_index = q;
	rv.correct = right;
	rv.n_correct = 1;
	rv.distribution = dist;
	rv.n_distribution = 4;
	rv.answered = answered;
	rv.players = players;
	rv.teams = teams(false);
	FEED(reveal, REVEAL, &rv);
	if (M.mode != MODE_JOIN)
		return;
	r.question_index = q;
	r.answered = mine;
	r.team_answered = true;
	r.correct = correct;
	r.delta = delta;
	r.points = delta > 0 ? (uint32_t)delta : 0;
	r.stake = stake;
	r.total = 60;
	r.rank = 1;
	r.players = 6;
	r.response_time_us = 3200000;
	FEED(result, RESULT, &r);
}

/* Round 2 (index 1) as a buzz round marked by judge, begun. */
static void buzz_round(int judge)
{
	rinfo[1].format = QUIZ__V1__ROUND_FORMAT__BUZZ;
	rinfo[1].points = 10;
	rinfo[1].penalty = -10;
	rinfo[1].foul = -10;
	rinfo[1].reading_ms = 5000;
	rinfo[1].arm_ms = 20000;
	rinfo[1].tie_ms = 20;
	rinfo[1].rebounds = 1;
	rinfo[1].time_limit_ms = 20000;
	rinfo[1].questions = 4;
	rinfo[1].judge = (Quiz__V1__JudgeMode)judge;
	round_start(1);
}

/* Buzz question 4 (of round 2), revealed at NOW - 3 s, armed at armed. */
static void buzz_question(uint64_t armed, int kind)
{
	Quiz__V1__Question b = QUIZ__V1__QUESTION__INIT;

	b.index = 4;
	b.count = 10;
	b.kind = (Quiz__V1__QuestionKind)kind;
	b.stem = "中国共产党成立于哪一年？";
	if (kind != QUIZ__V1__QUESTION_KIND__FILL) {
		b.options = opts;
		b.n_options = 4;
	}
	b.reveal_at_us = NOW - 3 * SEC;
	b.deadline_at_us = NOW + 40 * SEC;
	b.time_limit_ms = 20000;
	b.points = 10;
	b.category = "党史";
	b.round = 1;
	b.round_index = 0;
	b.round_count = 4;
	b.armed_at_us = armed;
	FEED(question, QUESTION, &b);
}

static Quiz__V1__Press pr[3], *prp[3];
static char *out1[] = {"三支部"};

/* BuzzState of question 4: phase, arming, winner (0 none: 二支部's Bob
 * otherwise, 7 me); with presses, Bob won, 小明 slower by 23 ms and 王五
 * of 三支部 fouled. */
static void buzz_state(int phase, uint32_t arm, uint32_t winner, bool presses)
{
	Quiz__V1__BuzzState b = QUIZ__V1__BUZZ_STATE__INIT;
	static char *nick[] = {"Bob", "小明", "王五"};
	static char *team[] = {"二支部", "一支部", "三支部"};
	static int outc[] = {1, 2, 4};
	static int64_t gap[] = {0, 23400, 0};
	int i;

	for (i = 0; i < 3; i++) {
		quiz__v1__press__init(&pr[i]);
		pr[i].player_id = i == 1 ? 7 : (uint32_t)(9 + i);
		pr[i].nickname = nick[i];
		pr[i].team = team[i];
		pr[i].outcome = (Quiz__V1__PressOutcome)outc[i];
		pr[i].gap_us = gap[i];
		pr[i].react_us = i == 2 ? -1200000 : 310000 + gap[i];
		pr[i].one_way_us = 12000;
		prp[i] = &pr[i];
	}
	if (winner == 7) {
		pr[0].player_id = 7;
		pr[0].nickname = "小明";
		pr[0].team = "一支部";
		pr[1].player_id = 9;
		pr[1].nickname = "Bob";
		pr[1].team = "二支部";
	}
	b.question_index = 4;
	b.round = 1;
	b.phase = (Quiz__V1__BuzzPhase)phase;
	b.arm = arm;
	b.rebounds_left = arm ? 0 : 1;
	b.armed_at_us = arm ? NOW - SEC / 2 : M.armed_at;
	b.arm_deadline_us = b.armed_at_us + 20 * SEC;
	b.winner_id = winner;
	b.winner_nickname = winner == 7 ? "小明" : winner ? "Bob" : "";
	b.winner_team = winner == 7 ? "一支部" : winner ? "二支部" : "";
	if (phase == QUIZ__V1__BUZZ_PHASE__BUZZ_ANSWERING)
		b.answer_deadline_us = NOW + 17 * SEC;
	if (presses) {
		b.presses = prp;
		b.n_presses = 3;
		b.locked_out = out1;
		b.n_locked_out = 1;
	}
	b.sent_at_us = NOW - 3 * SEC;
	FEED(buzz_state, BUZZ_STATE, &b);
}

/* My press's decision (contestant 7): the press of the list that is
 * mine. */
static void buzz_result(void)
{
	Quiz__V1__BuzzResult r = QUIZ__V1__BUZZ_RESULT__INIT;
	int i;

	if (M.mode != MODE_JOIN)
		return;
	for (i = 0; i < 3; i++)
		if (pr[i].player_id == 7)
			r.press = &pr[i];
	r.question_index = 4;
	FEED(buzz_result, BUZZ_RESULT, &r);
}

/* The AnswerKey of question 4 (host, judges). */
static void answer_key(const char *text)
{
	Quiz__V1__AnswerKey k = QUIZ__V1__ANSWER_KEY__INIT;
	static uint32_t right[] = {1};

	k.question_index = 4;
	if (text)
		k.correct_text = (char *)text;
	else {
		k.correct = right;
		k.n_correct = 1;
	}
	FEED(answer_key, ANSWER_KEY, &k);
}

static Quiz__V1__JudgeItem ji[3], *jip[3];

/* The JudgeRequest of question 4: Bob's oral answer (buzz), or three
 * groups of fill-in answers, the second ruled right. */
static void judge_request(bool fill)
{
	Quiz__V1__JudgeRequest r = QUIZ__V1__JUDGE_REQUEST__INIT;
	static char *text[] = {"全心全意为人民服务", "为人民服务", "服务群众"};
	static uint32_t cnt[] = {12, 3, 1};
	int i;

	for (i = 0; i < 3; i++) {
		quiz__v1__judge_item__init(&ji[i]);
		ji[i].index = (uint32_t)i;
		jip[i] = &ji[i];
		if (fill) {
			ji[i].text = text[i];
			ji[i].count = cnt[i];
			ji[i].suggestion = i == 0;
		}
	}
	if (fill) {
		ji[1].ruled = true;
		ji[1].correct = true;
		r.n_items = 3;
		r.correct_text = "全心全意为人民服务";
	} else {
		ji[0].player_id = 9;
		ji[0].nickname = "Bob";
		ji[0].team = "二支部";
		ji[0].count = 1;
		r.n_items = 1;
	}
	r.question_index = 4;
	r.round = 1;
	r.items = jip;
	r.since_us = NOW - 7 * SEC;
	FEED(judge_request, JUDGE_REQUEST, &r);
}

/* The buzz scenes (round 2 as 抢答). Returns 0, or -1 for an unknown
 * scene. */
static int buzz_scene(enum model_mode mode, const char *name)
{
	int single = QUIZ__V1__QUESTION_KIND__SINGLE;

	enter(mode, 1, QUIZ__V1__ROOM_STATE__QUESTION_OPEN);
	if (strcmp(name, "buzz_countdown") == 0) {
		Quiz__V1__Countdown cd = QUIZ__V1__COUNTDOWN__INIT;

		buzz_round(QUIZ__V1__JUDGE_MODE__JUDGE_ORAL);
		cd.question_index = 4;
		cd.question_count = 10;
		cd.start_at_us = NOW + 3 * SEC;
		FEED(countdown, COUNTDOWN, &cd);
	} else if (strcmp(name, "buzz_reading") == 0) {
		buzz_round(QUIZ__V1__JUDGE_MODE__JUDGE_AUTO);
		buzz_question(NOW + 2 * SEC, single);
		buzz_state(QUIZ__V1__BUZZ_PHASE__BUZZ_READING, 0, 0, false);
		answer_key(NULL);
	} else if (strcmp(name, "buzz_armed") == 0 ||
		   strcmp(name, "buzz_pressed") == 0) {
		buzz_round(QUIZ__V1__JUDGE_MODE__JUDGE_AUTO);
		buzz_question(NOW - 2 * SEC, single);
		buzz_state(QUIZ__V1__BUZZ_PHASE__BUZZ_READING, 0, 0, false);
		answer_key(NULL);
		if (strcmp(name, "buzz_pressed") == 0)
			model_buzz_press(&M, NOW);
	} else if (strcmp(name, "buzz_slower") == 0 ||
		   strcmp(name, "buzz_won") == 0) {
		bool won = strcmp(name, "buzz_won") == 0;

		buzz_round(QUIZ__V1__JUDGE_MODE__JUDGE_AUTO);
		buzz_question(NOW - 2 * SEC, single);
		model_buzz_press(&M, NOW - SEC);
		buzz_state(QUIZ__V1__BUZZ_PHASE__BUZZ_ANSWERING, 0, won ? 7 : 9,
			   true);
		buzz_result();
		answer_key(NULL);
	} else if (strcmp(name, "buzz_judge") == 0) {
		buzz_round(QUIZ__V1__JUDGE_MODE__JUDGE_ORAL);
		buzz_question(NOW - 2 * SEC, single);
		buzz_state(QUIZ__V1__BUZZ_PHASE__BUZZ_JUDGING, 0, 9, true);
		answer_key(NULL);
		judge_request(false);
	} else if (strcmp(name, "buzz_rebound") == 0) {
		buzz_round(QUIZ__V1__JUDGE_MODE__JUDGE_ORAL);
		buzz_question(NOW - 2 * SEC, single);
		out1[0] = "二支部";
		buzz_state(QUIZ__V1__BUZZ_PHASE__BUZZ_ARMED, 1, 0, true);
	} else if (strcmp(name, "judging") == 0) {
		Quiz__V1__StateChange sc = QUIZ__V1__STATE_CHANGE__INIT;

		rinfo[1].judge = QUIZ__V1__JUDGE_MODE__JUDGE_FILL;
		round_start(1);
		buzz_question(0, QUIZ__V1__QUESTION_KIND__FILL);
		answer_key("全心全意为人民服务");
		sc.state = QUIZ__V1__ROOM_STATE__JUDGING;
		sc.at_us = NOW - 7 * SEC;
		FEED(state_change, STATE_CHANGE, &sc);
		judge_request(true);
	} else {
		return -1;
	}
	return 0;
}

/* The contestant's scenes of issue 12: a multi-select reveal with the
 * options picked (multi_reveal), an explanation too long for the screen
 * (explanation), a nickname too long for the header (longnick). */
static int contestant_scene(enum model_mode mode, const char *name)
{
	static uint32_t right[] = {1, 2};
	static char expl[MODEL_TEXT_MAX];
	Quiz__V1__Question b = QUIZ__V1__QUESTION__INIT;
	Quiz__V1__Reveal rv = QUIZ__V1__REVEAL__INIT;
	Quiz__V1__Result r = QUIZ__V1__RESULT__INIT;
	size_t o = 0;
	int i;

	if (strcmp(name, "longnick") == 0)
		me = "Alexandra-Konstantinopoulou-Wang";
	enter(mode, 1, QUIZ__V1__ROOM_STATE__QUESTION_OPEN);
	round_start(1);
	b.index = 5;
	b.count = 10;
	b.kind = strcmp(name, "multi_reveal") == 0
		     ? QUIZ__V1__QUESTION_KIND__MULTI
		     : QUIZ__V1__QUESTION_KIND__SINGLE;
	b.stem = "中国共产党成立于哪一年？";
	b.options = opts;
	b.n_options = 4;
	b.reveal_at_us = NOW - 5 * SEC;
	b.deadline_at_us = NOW + 15 * SEC;
	b.time_limit_ms = 20000;
	b.points = 1000;
	b.category = "党史";
	b.round = 1;
	b.round_index = 1;
	b.round_count = 4;
	FEED(question, QUESTION, &b);
	if (strcmp(name, "longnick") == 0)
		return 0;
	if (mode == MODE_JOIN) {
		/* picked: A and B (multi), or B */
		if (b.kind == QUIZ__V1__QUESTION_KIND__MULTI) {
			model_key(&M, 'a', NOW);
			model_key(&M, 'b', NOW);
			model_key(&M, '\n', NOW);
		} else {
			model_key(&M, 'b', NOW);
		}
	}
	for (i = 1; i <= 20 && o < sizeof(expl) - 64; i++)
		o += (size_t)snprintf(expl + o, sizeof(expl) - o,
				      "%d. 第%d条解析%s\n", i, i,
				      i == 20 ? "（最后一条）" : "");
	rv.question_index = 5;
	rv.correct = right;
	rv.n_correct = b.kind == QUIZ__V1__QUESTION_KIND__MULTI ? 2 : 1;
	rv.answered = 4;
	rv.players = 6;
	rv.explanation =
	    strcmp(name, "explanation") == 0 ? expl : "1921年7月。";
	FEED(reveal, REVEAL, &rv);
	r.question_index = 5;
	r.answered = true;
	r.correct = b.kind != QUIZ__V1__QUESTION_KIND__MULTI;
	r.delta = r.correct ? 920 : 0;
	r.points = r.correct ? 920 : 0;
	r.total = 980;
	r.rank = 1;
	r.players = 6;
	r.response_time_us = 3200000;
	FEED(result, RESULT, &r);
	return 0;
}

/* Builds the scene's model. Returns 0, or -1 for an unknown scene. */
static int scene(enum model_mode mode, const char *name)
{
	Quiz__V1__Turn t;

	if (strncmp(name, "buzz_", 5) == 0 || strcmp(name, "judging") == 0)
		return buzz_scene(mode, name);
	if (strcmp(name, "multi_reveal") == 0 ||
	    strcmp(name, "explanation") == 0 || strcmp(name, "longnick") == 0)
		return contestant_scene(mode, name);
	if (strcmp(name, "lobby") == 0) {
		enter(mode, 0, QUIZ__V1__ROOM_STATE__LOBBY);
	} else if (strcmp(name, "countdown") == 0) {
		Quiz__V1__Countdown cd = QUIZ__V1__COUNTDOWN__INIT;

		enter(mode, 0, QUIZ__V1__ROOM_STATE__LOBBY);
		round_start(0);
		turn(&t, 0, "一支部", 1);
		FEED(turn, TURN, &t);
		cd.question_index = 0;
		cd.question_count = 10;
		cd.start_at_us = NOW + 3 * SEC;
		FEED(countdown, COUNTDOWN, &cd);
	} else if (strcmp(name, "myturn") == 0 ||
		   strcmp(name, "otherturn") == 0) {
		bool mine = strcmp(name, "myturn") == 0;

		enter(mode, 0, QUIZ__V1__ROOM_STATE__QUESTION_OPEN);
		round_start(0);
		turn(&t, 1, mine ? "一支部" : "二支部", 2);
		question(1, 0, 1, 4, &t, 0);
	} else if (strcmp(name, "reveal") == 0 ||
		   strcmp(name, "reveal_quarter") == 0) {
		if (strcmp(name, "reveal_quarter") == 0) {
			dist[0] = 1;
			dist[1] = 2;
			dist[2] = 0;
			dist[3] = 0;
			answered = 3;
			players = 4;
		}
		enter(mode, 0, QUIZ__V1__ROOM_STATE__QUESTION_OPEN);
		round_start(0);
		turn(&t, 1, "一支部", 2);
		question(1, 0, 1, 4, &t, 0);
		reveal(1, 10, 0, true, false);
	} else if (strcmp(name, "wager") == 0 ||
		   strcmp(name, "wager_member") == 0) {
		Quiz__V1__WagerRequest wr = QUIZ__V1__WAGER_REQUEST__INIT;

		enter(mode, 1, QUIZ__V1__ROOM_STATE__ROUND_BREAK);
		round_start(2);
		wr.question_index = 8;
		wr.round = 2;
		wr.stakes = stakes;
		wr.n_stakes = 3;
		wr.deadline_at_us = NOW + 10 * SEC;
		wr.category = "党史";
		FEED(wager_request, WAGER_REQUEST, &wr);
		if (strcmp(name, "wager_member") == 0) {
			Quiz__V1__WagerAck a = QUIZ__V1__WAGER_ACK__INIT;

			a.question_index = 8;
			a.stake = 20;
			a.player_id = 6;
			a.nickname = "张三";
			FEED(wager_ack, WAGER_ACK, &a);
		}
	} else if (strcmp(name, "wager_question") == 0) {
		enter(mode, 2, QUIZ__V1__ROOM_STATE__QUESTION_OPEN);
		round_start(2);
		question(8, 2, 0, 2, NULL, 30);
	} else if (strcmp(name, "wager_lost") == 0) {
		enter(mode, 2, QUIZ__V1__ROOM_STATE__QUESTION_OPEN);
		round_start(2);
		question(8, 2, 0, 2, NULL, 20);
		reveal(8, -20, 20, false, true);
	} else if (strcmp(name, "leaderboard") == 0) {
		Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;

		enter(mode, 0, QUIZ__V1__ROOM_STATE__QUESTION_OPEN);
		round_start(0);
		question(1, 0, 1, 4, NULL, 0);
		standings();
		lb.question_index = 1;
		lb.top = stp;
		lb.n_top = 4;
		lb.players = 6;
		lb.teams = teams(false);
		lb.round = 0;
		FEED(leaderboard, LEADERBOARD, &lb);
	} else if (strcmp(name, "break") == 0) {
		Quiz__V1__RoundEnd re = QUIZ__V1__ROUND_END__INIT;

		enter(mode, 0, QUIZ__V1__ROOM_STATE__QUESTION_OPEN);
		round_start(0);
		standings();
		re.round = 0;
		re.rounds = 3;
		re.teams = teams(false);
		re.top = stp;
		re.n_top = 4;
		FEED(round_end, ROUND_END, &re);
	} else if (strcmp(name, "longteam") == 0 ||
		   strcmp(name, "longteam_final") == 0) {
		/* issue 12: a team of 13 Chinese characters (39 bytes) shows
		 * whole on the boards at 80x24 */
		static char longteam[] = "机关党委第一党支部第二党小组";
		Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;
		bool fin = strcmp(name, "longteam_final") == 0;

		enter(mode, 2, QUIZ__V1__ROOM_STATE__QUESTION_OPEN);
		round_start(2);
		question(9, 2, 1, 2, NULL, 0);
		standings();
		st[0].team = st[1].team = longteam;
		lb.question_index = 9;
		lb.top = stp;
		lb.n_top = 4;
		lb.players = 6;
		lb.teams = teams(fin);
		ts[0].team = longteam;
		lb.final = fin;
		lb.round = 2;
		FEED(leaderboard, LEADERBOARD, &lb);
	} else if (strcmp(name, "final") == 0) {
		Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;

		enter(mode, 2, QUIZ__V1__ROOM_STATE__QUESTION_OPEN);
		round_start(2);
		question(9, 2, 1, 2, NULL, 30);
		reveal(9, 30, 30, true, true);
		standings();
		lb.question_index = 9;
		lb.top = stp;
		lb.n_top = 4;
		lb.players = 6;
		lb.teams = teams(true);
		lb.final = true;
		lb.round = 2;
		FEED(leaderboard, LEADERBOARD, &lb);
	} else {
		return -1;
	}
	return 0;
}

/* One key to the model, as quiz's key_join does; a stake is acked. */
static int key(wint_t k)
{
	int flags = M.mode == MODE_JOIN ? model_key(&M, (int)k, NOW)
					: model_judge_key(&M, (int)k);

	if (flags & MODEL_WAGER) {
		Quiz__V1__Wager w;
		Quiz__V1__WagerAck a = QUIZ__V1__WAGER_ACK__INIT;

		if (model_wager(&M, &w) == 0) {
			a.question_index = w.question_index;
			a.stake = w.stake;
			a.player_id = M.player_id;
			a.nickname = M.nick;
			FEED(wager_ack, WAGER_ACK, &a);
		}
	}
	return flags;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum model_mode mode;
	} modes[] = {{"join", MODE_JOIN},
		     {"host", MODE_HOST},
		     {"screen", MODE_SCREEN},
		     {"judge", MODE_JUDGE}};
	struct ui_view v;
	size_t i;
	wint_t k;
	int rc;

	i18n_init();
	if (argc != 3) {
		fprintf(stderr,
			"usage: quiz-scenes join|host|screen|judge SCENE\n");
		return 2;
	}
	for (i = 0; i < 4 && strcmp(argv[1], modes[i].name); i++)
		;
	if (i == 4 || scene(modes[i].mode, argv[2]) < 0) {
		fprintf(stderr, "quiz-scenes: unknown mode or scene\n");
		return 2;
	}
	memset(&v, 0, sizeof(v));
	v.server = "127.0.0.1:7878";
	if (ui_start() < 0)
		return 1;
	for (;;) {
		ui_draw(&M, &v, NOW);
		rc = ui_getkey(&k);
		if (rc == ERR) {
			napms(50);
			continue;
		}
		if (rc == OK && (k == 'q' || k == 3))
			break;
		if (rc == KEY_CODE_YES && k == KEY_RESIZE)
			continue;
		if (rc == KEY_CODE_YES && M.mode == MODE_JOIN &&
		    (k == KEY_UP || k == KEY_DOWN || k == KEY_PPAGE ||
		     k == KEY_NPAGE)) {
			/* the reveal's explanation scrolls, as in quiz */
			int page = (int)ui_expl_page();

			model_scroll(&M,
				     k == KEY_UP      ? -1
				     : k == KEY_DOWN  ? 1
				     : k == KEY_PPAGE ? -page
						      : page,
				     ui_expl_overflow());
			continue;
		}
		if (rc == OK)
			key(k);
	}
	ui_stop();
	return 0;
}

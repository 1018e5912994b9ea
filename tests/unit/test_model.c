/* Tests of the terminal client's model (client/model.c): envelopes built in
 * C are fed to it the way quiz.c does, with a fake clock conversion (the
 * server runs OFFSET ahead of the client), and the model is checked after
 * each: a whole match as a contestant, multi-select, fill-in typing with
 * CJK, the host's live progress, pause/resume, kick, refusals, hostile
 * messages and the countdown bar. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "text.h"

#define MS     1000ULL
#define SEC    1000000ULL
#define OFFSET (100 * SEC) /* server clock - client clock */

/* Server clock: question q is revealed at REVEAL(q) with a 20 s limit. */
#define REVEAL(q)   ((1000 + 60 * (uint64_t)(q)) * SEC)
#define DEADLINE(q) (REVEAL(q) + 20 * SEC)
#define LOCAL(t)    ((t)-OFFSET)

static struct model M;

/* The clock sync of the tests: local = server - OFFSET. */
static uint64_t to_local(void *arg, uint64_t server_us)
{
	(void)arg;
	return server_us - OFFSET;
}

/* Feeds one envelope carrying body (of the type body_case names). */
static int feed(struct model *m, Quiz__V1__Envelope__BodyCase bc, void *body)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;

	env.body_case = bc;
	switch (bc) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		env.welcome = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		env.error = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED:
		env.room_created = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_JOINED:
		env.joined = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_WATCHING:
		env.watching = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK:
		env.answer_ack = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_LOBBY_UPDATE:
		env.lobby_update = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_COUNTDOWN:
		env.countdown = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_QUESTION:
		env.question = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_PROGRESS:
		env.progress = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_REVEAL:
		env.reveal = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_RESULT:
		env.result = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_LEADERBOARD:
		env.leaderboard = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE:
		env.state_change = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_KICKED:
		env.kicked = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_OK:
		env.ok = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROUND_START:
		env.round_start = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROUND_END:
		env.round_end = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_TURN:
		env.turn = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_WAGER_REQUEST:
		env.wager_request = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_WAGER_ACK:
		env.wager_ack = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_BUZZ_STATE:
		env.buzz_state = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_BUZZ_RESULT:
		env.buzz_result = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_ANSWER_KEY:
		env.answer_key = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_JUDGE_REQUEST:
		env.judge_request = body;
		break;
	case QUIZ__V1__ENVELOPE__BODY_HOST_STATUS:
		env.host_status = body;
		break;
	default:
		cr_assert_fail("feed: body case %d not handled", (int)bc);
	}
	return model_apply(m, &env, to_local, NULL);
}

#define BODY(X) QUIZ__V1__ENVELOPE__BODY_##X

static char *opt4[] = {"1919年", "1921年", "1927年", "1949年"};
static char *opt_tf[] = {"正确", "错误"};

/* Sends Question q of kind with the given options (server times). */
static int feed_question(struct model *m, uint32_t q, int kind, char **opts,
			 size_t n, uint64_t reveal, uint64_t deadline)
{
	Quiz__V1__Question b = QUIZ__V1__QUESTION__INIT;

	b.index = q;
	b.count = 3;
	b.kind = (Quiz__V1__QuestionKind)kind;
	b.stem = "中国共产党成立于哪一年？";
	b.options = opts;
	b.n_options = n;
	b.reveal_at_us = reveal;
	b.deadline_at_us = deadline;
	b.time_limit_ms = 20000;
	b.points = 1000;
	b.category = "党史";
	b.sent_at_us = reveal - 250 * MS;
	return feed(m, BODY(QUESTION), &b);
}

/* Sends a StateChange. */
static int feed_state(struct model *m, int state, uint64_t at,
		      uint64_t remaining)
{
	Quiz__V1__StateChange b = QUIZ__V1__STATE_CHANGE__INIT;

	b.state = (Quiz__V1__RoomState)state;
	b.at_us = at;
	b.remaining_us = remaining;
	return feed(m, BODY(STATE_CHANGE), &b);
}

/* Sends an Error. */
static int feed_error(struct model *m, int code, char *msg)
{
	Quiz__V1__Error b = QUIZ__V1__ERROR__INIT;

	b.code = (Quiz__V1__ErrorCode)code;
	b.message = msg;
	return feed(m, BODY(ERROR), &b);
}

/* A contestant joined to a lobby. */
static void joined(struct model *m, const char *nick)
{
	Quiz__V1__Welcome w = QUIZ__V1__WELCOME__INIT;
	Quiz__V1__Joined j = QUIZ__V1__JOINED__INIT;
	Quiz__V1__RoomSettings s = QUIZ__V1__ROOM_SETTINGS__INIT;

	model_init(m, MODE_JOIN, nick);
	w.session = "s1";
	w.resume_token = "tok";
	w.server_time_us = 900 * SEC;
	w.protocol_version = 1;
	feed(m, BODY(WELCOME), &w);
	s.title = "党史知识竞赛";
	s.question_count = 3;
	s.time_limit_ms = 20000;
	s.points = 1000;
	j.player_id = 7;
	j.code = "428113";
	j.settings = &s;
	j.state = QUIZ__V1__ROOM_STATE__LOBBY;
	j.players = 1;
	cr_assert_eq(feed(m, BODY(JOINED), &j), MODEL_REDRAW);
}

/* A contestant looking at question q (kind), revealed locally. */
static uint64_t in_question(struct model *m, uint32_t q, int kind)
{
	joined(m, "小明");
	if (kind == QUIZ__V1__QUESTION_KIND__FILL)
		feed_question(m, q, kind, NULL, 0, REVEAL(q), DEADLINE(q));
	else if (kind == QUIZ__V1__QUESTION_KIND__TRUE_FALSE)
		feed_question(m, q, kind, opt_tf, 2, REVEAL(q), DEADLINE(q));
	else
		feed_question(m, q, kind, opt4, 4, REVEAL(q), DEADLINE(q));
	return LOCAL(REVEAL(q)) + 2 * SEC;
}

Test(model, init)
{
	model_init(&M, MODE_JOIN, "小明");
	cr_expect_eq(M.mode, MODE_JOIN);
	cr_expect_eq(M.conn, CONN_CONNECTING);
	cr_expect_eq(M.phase, PHASE_CONNECTING);
	cr_expect_str_eq(M.nick, "小明");
	cr_expect_eq(M.n_options, 0);
	cr_expect_not(M.have_q);
	cr_expect_eq(model_time_left_pm(&M, 12345), 0);
	cr_expect_eq(model_key(&M, 'a', 12345), 0);

	model_init(&M, MODE_SCREEN, NULL);
	cr_expect_str_eq(M.nick, "");
}

/* A whole three-question match as contestant 7. */
Test(model, match_as_contestant)
{
	Quiz__V1__LobbyUpdate lu = QUIZ__V1__LOBBY_UPDATE__INIT;
	Quiz__V1__TeamTally t1 = QUIZ__V1__TEAM_TALLY__INIT;
	Quiz__V1__TeamTally t2 = QUIZ__V1__TEAM_TALLY__INIT;
	Quiz__V1__TeamTally *teams[] = {&t1, &t2};
	Quiz__V1__Countdown cd = QUIZ__V1__COUNTDOWN__INIT;
	Quiz__V1__AnswerAck ack = QUIZ__V1__ANSWER_ACK__INIT;
	Quiz__V1__Reveal rv = QUIZ__V1__REVEAL__INIT;
	Quiz__V1__Result rs = QUIZ__V1__RESULT__INIT;
	Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;
	Quiz__V1__Standing s1 = QUIZ__V1__STANDING__INIT;
	Quiz__V1__Standing s2 = QUIZ__V1__STANDING__INIT;
	Quiz__V1__Standing *top[] = {&s1, &s2};
	Quiz__V1__Answer a;
	uint32_t choices[MODEL_OPTIONS_MAX];
	uint32_t correct[] = {1}, dist[] = {1, 3, 0, 1};
	uint64_t r0 = LOCAL(REVEAL(0)), now;

	joined(&M, "小明");
	cr_expect_eq(M.conn, CONN_ONLINE);
	cr_expect_eq(M.phase, PHASE_LOBBY);
	cr_expect_eq(M.player_id, 7);
	cr_expect_str_eq(M.code, "428113");
	cr_expect_str_eq(M.title, "党史知识竞赛");
	cr_expect_eq(M.question_count, 3);
	cr_expect_eq(M.time_limit_ms, 20000);
	cr_expect_eq(M.points, 1000);
	cr_expect_eq(M.players, 1);

	t1.team = "一支部";
	t1.players = 3;
	t2.team = "二支部";
	t2.players = 2;
	lu.players = 5;
	lu.teams = teams;
	lu.n_teams = 2;
	cr_expect_eq(feed(&M, BODY(LOBBY_UPDATE), &lu), MODEL_REDRAW);
	cr_expect_eq(M.players, 5);
	cr_assert_eq(M.n_teams, 2);
	cr_expect_str_eq(M.teams[1].name, "二支部");
	cr_expect_eq(M.teams[0].players, 3);
	cr_expect_eq(M.phase, PHASE_LOBBY);

	cd.question_index = 0;
	cd.question_count = 3;
	cd.start_at_us = REVEAL(0);
	cr_expect_eq(feed(&M, BODY(COUNTDOWN), &cd), MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_COUNTDOWN);
	cr_expect_eq(M.next_q, 0);
	cr_expect_eq(M.q_count, 3);
	cr_expect_eq(M.countdown_to, r0);

	/* the question arrives 250 ms early: still the countdown on screen */
	cr_expect_eq(feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opt4,
				   4, REVEAL(0), DEADLINE(0)),
		     MODEL_REDRAW);
	cr_expect(M.have_q);
	cr_expect_eq(M.phase, PHASE_QUESTION);
	cr_expect_eq(M.reveal_at, r0);
	cr_expect_eq(M.deadline_at, LOCAL(DEADLINE(0)));
	cr_expect_eq(M.n_options, 4);
	cr_expect_str_eq(M.options[1], "1921年");
	cr_expect_str_eq(M.stem, "中国共产党成立于哪一年？");
	cr_expect_str_eq(M.category, "党史");
	cr_expect_eq(M.q_points, 1000);
	cr_expect_eq(M.q_limit_ms, 20000);
	cr_expect_eq(model_phase_at(&M, r0 - 250 * MS), PHASE_COUNTDOWN);
	cr_expect_eq(model_phase_at(&M, r0 - 1), PHASE_COUNTDOWN);
	cr_expect_eq(model_time_left_pm(&M, r0 - 1), 0);
	cr_expect_eq(model_key(&M, 'b', r0 - 1), 0,
		     "no answer before reveal_at");
	cr_expect_not(M.locked);
	cr_expect_eq(model_phase_at(&M, r0), PHASE_QUESTION);
	cr_expect_eq(model_time_left_pm(&M, r0), 1000);

	now = r0 + 3 * SEC;
	cr_expect_eq(model_key(&M, 'b', now), MODEL_ANSWER | MODEL_REDRAW);
	cr_expect(M.locked);
	cr_expect_eq(M.locked_mask, 0x2);
	cr_expect_eq(model_key(&M, 'c', now), 0, "locked: no second answer");
	cr_expect_eq(M.locked_mask, 0x2);
	cr_assert_eq(model_answer(&M, &a, choices), 0);
	cr_expect_eq(a.question_index, 0);
	cr_assert_eq(a.n_choices, 1);
	cr_expect_eq(a.choices[0], 1);

	ack.question_index = 0;
	ack.response_time_us = 2900000;
	cr_expect_eq(feed(&M, BODY(ANSWER_ACK), &ack), MODEL_REDRAW);
	cr_expect(M.acked);
	cr_expect_eq(M.ack_rt_us, 2900000);

	rv.question_index = 0;
	rv.correct = correct;
	rv.n_correct = 1;
	rv.distribution = dist;
	rv.n_distribution = 4;
	rv.answered = 5;
	rv.players = 5;
	rv.explanation = "1921年7月，中共一大在上海召开。";
	cr_expect_eq(feed(&M, BODY(REVEAL), &rv), MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_REVEAL);
	cr_expect_eq(model_phase_at(&M, now), PHASE_REVEAL);
	cr_expect_eq(M.correct_mask, 0x2);
	cr_expect_eq(M.n_dist, 4);
	cr_expect_eq(M.dist[1], 3);
	cr_expect_eq(M.answered, 5);
	cr_expect_not(M.voided);
	cr_expect_str_eq(M.explanation, "1921年7月，中共一大在上海召开。");
	cr_expect_eq(model_time_left_pm(&M, now), 0);

	rs.question_index = 0;
	rs.answered = true;
	rs.correct = true;
	rs.points = 928;
	rs.response_time_us = 2900000;
	rs.total = 928;
	rs.rank = 1;
	rs.players = 5;
	cr_expect_eq(feed(&M, BODY(RESULT), &rs), MODEL_REDRAW);
	cr_expect(M.have_result);
	cr_expect(M.r_answered);
	cr_expect(M.r_correct);
	cr_expect_eq(M.r_points, 928);
	cr_expect_eq(M.r_rt_us, 2900000);
	cr_expect_eq(M.r_total, 928);
	cr_expect_eq(M.r_rank, 1);

	s1.rank = 1;
	s1.player_id = 7;
	s1.nickname = "小明";
	s1.team = "一支部";
	s1.score = 928;
	s1.correct = 1;
	s2.rank = 2;
	s2.player_id = 3;
	s2.nickname = "李华";
	s2.score = 900;
	lb.question_index = 0;
	lb.top = top;
	lb.n_top = 2;
	lb.players = 5;
	cr_expect_eq(feed(&M, BODY(LEADERBOARD), &lb), MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_LEADERBOARD);
	cr_expect_not(M.final);
	cr_assert_eq(M.n_top, 2);
	cr_expect_str_eq(M.top[0].nick, "小明");
	cr_expect_str_eq(M.top[0].team, "一支部");
	cr_expect_str_eq(M.top[1].nick, "李华");
	cr_expect_str_eq(M.top[1].team, "");
	cr_expect_eq(M.top[1].score, 900);

	/* question 1: a new index forgets the previous answer and result */
	cd.question_index = 1;
	cd.start_at_us = REVEAL(1);
	feed(&M, BODY(COUNTDOWN), &cd);
	cr_expect_eq(M.phase, PHASE_COUNTDOWN);
	feed_question(&M, 1, QUIZ__V1__QUESTION_KIND__TRUE_FALSE, opt_tf, 2,
		      REVEAL(1), DEADLINE(1));
	cr_expect_eq(M.q, 1);
	cr_expect_not(M.locked);
	cr_expect_not(M.acked);
	cr_expect_not(M.have_result);
	cr_expect_eq(M.correct_mask, 0);
	cr_expect_str_eq(M.explanation, "");
	cr_expect_eq(M.n_options, 2);
	now = LOCAL(REVEAL(1)) + SEC;
	cr_expect_eq(model_key(&M, 'c', now), 0, "only two options");
	cr_expect_eq(model_key(&M, '2', now), MODEL_ANSWER | MODEL_REDRAW);
	cr_expect_eq(M.locked_mask, 0x2);

	/* a reveal without an answer from us (question 2 unanswered) */
	feed_question(&M, 2, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(2), DEADLINE(2));
	rv.question_index = 2;
	feed(&M, BODY(REVEAL), &rv);
	rs.question_index = 2;
	rs.answered = false;
	rs.correct = false;
	rs.points = 0;
	feed(&M, BODY(RESULT), &rs);
	cr_expect(M.have_result);
	cr_expect_not(M.r_answered);
	cr_expect_not(M.locked);

	lb.question_index = 2;
	lb.final = true;
	cr_expect_eq(feed(&M, BODY(LEADERBOARD), &lb), MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_FINISHED);
	cr_expect(M.final);
	cr_expect_eq(feed_state(&M, QUIZ__V1__ROOM_STATE__FINISHED, 0, 0),
		     MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_FINISHED);
	cr_expect_eq(model_phase_at(&M, now), PHASE_FINISHED);
	cr_expect_eq(model_key(&M, 'a', now), 0);
}

/* Pushes about another question index change nothing. */
Test(model, stale_pushes_ignored)
{
	Quiz__V1__AnswerAck ack = QUIZ__V1__ANSWER_ACK__INIT;
	Quiz__V1__Reveal rv = QUIZ__V1__REVEAL__INIT;
	Quiz__V1__Result rs = QUIZ__V1__RESULT__INIT;
	uint64_t now = in_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE);

	model_key(&M, 'a', now);
	ack.question_index = 0;
	cr_expect_eq(feed(&M, BODY(ANSWER_ACK), &ack), 0);
	cr_expect_not(M.acked);
	rv.question_index = 0;
	cr_expect_eq(feed(&M, BODY(REVEAL), &rv), 0);
	cr_expect_eq(M.phase, PHASE_QUESTION);
	rs.question_index = 5;
	cr_expect_eq(feed(&M, BODY(RESULT), &rs), 0);
	cr_expect_not(M.have_result);
}

Test(model, multi_toggle_and_confirm)
{
	Quiz__V1__Answer a;
	uint32_t choices[MODEL_OPTIONS_MAX];
	uint64_t now = in_question(&M, 0, QUIZ__V1__QUESTION_KIND__MULTI);

	cr_expect_eq(model_key(&M, '\n', now), 0, "nothing selected");
	cr_expect_not(M.locked);
	cr_expect_eq(model_key(&M, 'a', now), MODEL_REDRAW);
	cr_expect_eq(model_key(&M, 'C', now), MODEL_REDRAW);
	cr_expect_eq(model_key(&M, '4', now), MODEL_REDRAW);
	cr_expect_eq(M.selected, 0xD);
	cr_expect_eq(model_key(&M, 'd', now), MODEL_REDRAW);
	cr_expect_eq(M.selected, 0x5, "a second press toggles off");
	cr_expect_not(M.locked);
	cr_expect_eq(model_key(&M, 'e', now), 0, "no option E");
	cr_expect_eq(model_answer(&M, &a, choices), -1, "not locked yet");

	/* cursor: down moves past A, space toggles B */
	cr_expect_eq(model_key(&M, MODEL_KEY_DOWN, now), MODEL_REDRAW);
	cr_expect_eq(model_key(&M, MODEL_KEY_UP, now), MODEL_REDRAW);
	cr_expect_eq(model_key(&M, MODEL_KEY_DOWN, now), MODEL_REDRAW);
	cr_expect_eq(M.cursor, 3, "cursor starts at the last key (D)");
	cr_expect_eq(model_key(&M, MODEL_KEY_DOWN, now), MODEL_REDRAW);
	cr_expect_eq(M.cursor, 0, "wraps");
	cr_expect_eq(model_key(&M, MODEL_KEY_DOWN, now), MODEL_REDRAW);
	cr_expect_eq(model_key(&M, ' ', now), MODEL_REDRAW);
	cr_expect_eq(M.selected, 0x7);

	cr_expect_eq(model_key(&M, '\n', now), MODEL_ANSWER | MODEL_REDRAW);
	cr_expect(M.locked);
	cr_expect_eq(M.locked_mask, 0x7);
	cr_expect_eq(model_key(&M, 'd', now), 0);
	cr_expect_eq(M.locked_mask, 0x7);
	cr_assert_eq(model_answer(&M, &a, choices), 0);
	cr_assert_eq(a.n_choices, 3);
	cr_expect_eq(a.choices[0], 0);
	cr_expect_eq(a.choices[1], 1);
	cr_expect_eq(a.choices[2], 2);
}

Test(model, single_cursor_enter)
{
	uint64_t now = in_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE);

	cr_expect_eq(model_key(&M, '\n', now), 0,
		     "Enter without a cursor does not pick A by accident");
	cr_expect_eq(model_key(&M, ' ', now), 0);
	cr_expect_eq(model_key(&M, MODEL_KEY_DOWN, now), MODEL_REDRAW);
	cr_expect_eq(model_key(&M, MODEL_KEY_DOWN, now), MODEL_REDRAW);
	cr_expect_eq(model_key(&M, '\r', now), MODEL_ANSWER | MODEL_REDRAW);
	cr_expect_eq(M.locked_mask, 0x2);
}

Test(model, fill_typing_cjk_backspace)
{
	Quiz__V1__Answer a;
	Quiz__V1__Reveal rv = QUIZ__V1__REVEAL__INIT;
	uint32_t choices[MODEL_OPTIONS_MAX], dist[] = {3, 2};
	uint64_t now = in_question(&M, 0, QUIZ__V1__QUESTION_KIND__FILL);
	int i;

	cr_expect_eq(M.n_options, 0);
	cr_expect_eq(model_key(&M, '\n', now), 0, "empty text");
	cr_expect_eq(model_fill_input(&M, " "), MODEL_REDRAW);
	cr_expect_eq(model_key(&M, '\n', now), 0, "blank text");
	cr_expect_eq(model_fill_backspace(&M), MODEL_REDRAW);
	cr_expect_eq(model_fill_backspace(&M), 0, "nothing to delete");

	cr_expect_eq(model_fill_input(&M, "遵"), MODEL_REDRAW);
	cr_expect_eq(model_fill_input(&M, "义"), MODEL_REDRAW);
	cr_expect_eq(model_fill_input(&M, "x"), MODEL_REDRAW);
	cr_expect_eq(model_fill_input(&M, "😀"), MODEL_REDRAW);
	cr_expect_str_eq(M.fill, "遵义x😀");
	cr_expect_eq(model_fill_backspace(&M), MODEL_REDRAW);
	cr_expect_str_eq(M.fill, "遵义x", "4-byte character removed whole");
	cr_expect_eq(model_fill_backspace(&M), MODEL_REDRAW);
	cr_expect_eq(model_fill_backspace(&M), MODEL_REDRAW);
	cr_expect_str_eq(M.fill, "遵", "3-byte character removed whole");
	cr_expect_eq(model_fill_input(&M, "义会议"), MODEL_REDRAW,
		     "pasted text");

	/* refused: invalid UTF-8, controls, half a character, empty */
	cr_expect_eq(model_fill_input(&M, "\xe4\xb9"), 0);
	cr_expect_eq(model_fill_input(&M, "\xff"), 0);
	cr_expect_eq(model_fill_input(&M, "\x1b"), 0);
	cr_expect_eq(model_fill_input(&M, "\n"), 0);
	cr_expect_eq(model_fill_input(&M, "\xe2\x80\xae"), 0, "RLO");
	cr_expect_eq(model_fill_input(&M, ""), 0);
	cr_expect_eq(model_fill_input(&M, NULL), 0);
	cr_expect_str_eq(M.fill, "遵义会议");

	/* letters are text here, not option keys */
	cr_expect_eq(model_key(&M, 'a', now), 0);

	cr_expect_eq(model_key(&M, '\n', now), MODEL_ANSWER | MODEL_REDRAW);
	cr_expect(M.locked);
	cr_expect_eq(model_fill_input(&M, "a"), 0, "locked");
	cr_expect_eq(model_fill_backspace(&M), 0, "locked");
	cr_assert_eq(model_answer(&M, &a, choices), 0);
	cr_expect_eq(a.question_index, 0);
	cr_expect_eq(a.n_choices, 0);
	cr_expect_str_eq(a.text, "遵义会议");

	rv.question_index = 0;
	rv.distribution = dist;
	rv.n_distribution = 2;
	rv.correct_text = "遵义会议";
	feed(&M, BODY(REVEAL), &rv);
	cr_expect_str_eq(M.correct_text, "遵义会议");
	cr_expect_eq(M.n_dist, 2);
	cr_expect_eq(M.dist[0], 3);

	/* the length limit: 42 three-byte characters fit in 128, not 43 */
	in_question(&M, 1, QUIZ__V1__QUESTION_KIND__FILL);
	for (i = 0; i < 42; i++)
		cr_assert_eq(model_fill_input(&M, "中"), MODEL_REDRAW);
	cr_expect_eq(model_fill_input(&M, "中"), 0);
	cr_expect_eq(model_fill_input(&M, "ab"), MODEL_REDRAW);
	cr_expect_eq(strlen(M.fill), MODEL_FILL_MAX);
	cr_expect_eq(model_fill_input(&M, "c"), 0);
}

Test(model, fill_input_only_for_fill_questions)
{
	in_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE);
	cr_expect_eq(model_fill_input(&M, "a"), 0);
	cr_expect_eq(model_fill_backspace(&M), 0);
	cr_expect_str_eq(M.fill, "");
}

/* The host sees live progress and never answers. */
Test(model, host_progress)
{
	Quiz__V1__RoomCreated rc = QUIZ__V1__ROOM_CREATED__INIT;
	Quiz__V1__RoomSettings s = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__Progress p = QUIZ__V1__PROGRESS__INIT;
	uint32_t d1[] = {0, 1, 0, 0}, d2[] = {2, 5, 1, 0};
	uint64_t now;

	model_init(&M, MODE_HOST, NULL);
	s.title = "支部竞赛";
	s.question_count = 10;
	s.time_limit_ms = 20000;
	s.points = 1000;
	rc.code = "123456";
	rc.host_token = "host-7f3a9c";
	rc.settings = &s;
	rc.match_id = 9;
	cr_expect_eq(feed(&M, BODY(ROOM_CREATED), &rc), MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_LOBBY);
	cr_expect_eq(M.conn, CONN_ONLINE);
	cr_expect_str_eq(M.code, "123456");
	cr_expect_str_eq(M.host_token, "host-7f3a9c");
	cr_expect_str_eq(M.title, "支部竞赛");
	cr_expect_eq(M.question_count, 10);

	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(0), DEADLINE(0));
	now = LOCAL(REVEAL(0)) + SEC;
	cr_expect_eq(model_key(&M, 'a', now), 0, "the host never answers");
	cr_expect_not(M.locked);
	cr_expect_eq(model_key(&M, '\n', now), 0);

	p.question_index = 0;
	p.answered = 1;
	p.players = 8;
	p.distribution = d1;
	p.n_distribution = 4;
	cr_expect_eq(feed(&M, BODY(PROGRESS), &p), MODEL_REDRAW);
	cr_expect_eq(M.answered, 1);
	cr_expect_eq(M.players, 8);
	cr_expect_eq(M.dist[1], 1);
	p.answered = 8;
	p.distribution = d2;
	feed(&M, BODY(PROGRESS), &p);
	cr_expect_eq(M.answered, 8);
	cr_expect_eq(M.dist[0], 2);
	cr_expect_eq(M.dist[1], 5);
	cr_expect_eq(M.dist[2], 1);
	cr_expect_eq(M.n_dist, 4);

	p.question_index = 1;
	p.answered = 99;
	cr_expect_eq(feed(&M, BODY(PROGRESS), &p), 0, "another question");
	cr_expect_eq(M.answered, 8);
}

/* The host sees who has not answered yet; the list is clamped and a new
 * question clears it. */
Test(model, host_waiting_list)
{
	Quiz__V1__Progress p = QUIZ__V1__PROGRESS__INIT;
	char *names[40];
	char buf[40][16];
	uint32_t d[] = {1, 0, 0, 0};
	int i;

	model_init(&M, MODE_HOST, NULL);
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(0), DEADLINE(0));
	for (i = 0; i < 40; i++) {
		snprintf(buf[i], sizeof(buf[i]), "选手%d", i);
		names[i] = buf[i];
	}
	p.question_index = 0;
	p.answered = 1;
	p.players = 3;
	p.distribution = d;
	p.n_distribution = 4;
	p.waiting_count = 2;
	p.n_waiting = 2;
	p.waiting = names;
	p.offline = 1; /* a seat with no connection: not waited for */
	cr_expect_eq(feed(&M, BODY(PROGRESS), &p), MODEL_REDRAW);
	cr_expect_eq(M.waiting_count, 2);
	cr_expect_eq(M.offline, 1);
	cr_expect_eq(M.n_waiting, 2);
	cr_expect_str_eq(M.waiting[0], "选手0");
	cr_expect_str_eq(M.waiting[1], "选手1");

	/* a hostile server sends more names than the model keeps */
	p.waiting_count = 5000;
	p.n_waiting = 40;
	feed(&M, BODY(PROGRESS), &p);
	cr_expect_eq(M.waiting_count, 5000);
	cr_expect_eq(M.n_waiting, MODEL_MISSING_MAX);
	cr_expect_str_eq(M.waiting[MODEL_MISSING_MAX - 1], "选手31");

	feed_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(1), DEADLINE(1));
	cr_expect_eq(M.waiting_count, 0);
	cr_expect_eq(M.offline, 0);
	cr_expect_eq(M.n_waiting, 0);
}

/* A screen watches and never answers. */
Test(model, screen_watching)
{
	Quiz__V1__Watching w = QUIZ__V1__WATCHING__INIT;

	model_init(&M, MODE_SCREEN, NULL);
	w.code = "654321";
	w.state = QUIZ__V1__ROOM_STATE__COUNTDOWN;
	cr_expect_eq(feed(&M, BODY(WATCHING), &w), MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_COUNTDOWN);
	cr_expect_str_eq(M.code, "654321");
	cr_expect_str_eq(M.title, "", "no settings sent: nothing copied");
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(0), DEADLINE(0));
	cr_expect_eq(model_key(&M, 'a', LOCAL(REVEAL(0)) + SEC), 0);
}

/* A host taking the seat back learns the judge token again; a judge or a
 * screen is never given one. */
Test(model, host_watching_gets_judge_token)
{
	Quiz__V1__Watching w = QUIZ__V1__WATCHING__INIT;

	model_init(&M, MODE_HOST, NULL);
	w.code = "ABCD-EFGH";
	w.state = QUIZ__V1__ROOM_STATE__LOBBY;
	w.host = true;
	w.judge = true;
	w.judge_token = "7K3M9Q2W8X4Y6Z1A";
	cr_expect_eq(feed(&M, BODY(WATCHING), &w), MODEL_REDRAW);
	cr_expect_str_eq(M.judge_token, "7K3M9Q2W8X4Y6Z1A");
	cr_expect(M.judge);

	model_init(&M, MODE_JUDGE, NULL);
	w.host = false;
	cr_expect_eq(feed(&M, BODY(WATCHING), &w), MODEL_REDRAW);
	cr_expect_str_eq(M.judge_token, "", "only a host keeps the token");
}

/* Pause in a question, resume, the question re-sent with new times. */
Test(model, pause_resume_resend)
{
	uint64_t now = in_question(&M, 1, QUIZ__V1__QUESTION_KIND__MULTI);
	uint64_t shift = 30 * SEC;

	model_key(&M, 'b', now);
	model_key(&M, 'c', now);
	cr_expect_eq(model_key(&M, '\n', now), MODEL_ANSWER | MODEL_REDRAW);

	cr_expect_eq(feed_state(&M, QUIZ__V1__ROOM_STATE__PAUSED,
				REVEAL(1) + 2 * SEC, 18 * SEC),
		     MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_PAUSED);
	cr_expect_eq(M.phase_before_pause, PHASE_QUESTION);
	cr_expect_eq(M.paused_remaining_us, 18 * SEC);
	cr_expect_eq(model_phase_at(&M, now), PHASE_PAUSED);
	cr_expect_eq(model_time_left_pm(&M, now), 0);
	cr_expect_eq(model_key(&M, 'a', now), 0);
	/* a second PAUSED keeps what was interrupted */
	feed_state(&M, QUIZ__V1__ROOM_STATE__PAUSED, REVEAL(1), 17 * SEC);
	cr_expect_eq(M.phase_before_pause, PHASE_QUESTION);
	cr_expect_eq(M.paused_remaining_us, 17 * SEC);

	cr_expect_eq(feed_state(&M, QUIZ__V1__ROOM_STATE__QUESTION_OPEN,
				REVEAL(1) + shift, 0),
		     MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_QUESTION);
	feed_question(&M, 1, QUIZ__V1__QUESTION_KIND__MULTI, opt4, 4,
		      REVEAL(1) + shift, DEADLINE(1) + shift);
	cr_expect(M.locked, "same index: the locked answer stays");
	cr_expect_eq(M.locked_mask, 0x6);
	cr_expect_eq(M.reveal_at, LOCAL(REVEAL(1) + shift));
	cr_expect_eq(M.deadline_at, LOCAL(DEADLINE(1) + shift));
	now = LOCAL(REVEAL(1) + shift) + 10 * SEC;
	cr_expect_eq(model_time_left_pm(&M, now), 500);
	cr_expect_eq(model_key(&M, 'a', now), 0, "still locked");
}

/* Pause before answering: the answer can be given after the resume. */
Test(model, pause_resume_unlocked)
{
	uint64_t now = in_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE);

	feed_state(&M, QUIZ__V1__ROOM_STATE__PAUSED, REVEAL(0), 10 * SEC);
	cr_expect_eq(model_key(&M, 'a', now), 0);
	feed_state(&M, QUIZ__V1__ROOM_STATE__QUESTION_OPEN, REVEAL(0), 0);
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(0) - 5 * SEC, DEADLINE(0) - 5 * SEC);
	cr_expect_eq(model_phase_at(&M, now), PHASE_QUESTION,
		     "reveal_at moved into the past: shown at once");
	cr_expect_eq(model_key(&M, 'a', now), MODEL_ANSWER | MODEL_REDRAW);
}

/* Pause during a countdown; resume restarts it from the time left. */
Test(model, pause_resume_countdown)
{
	Quiz__V1__Countdown cd = QUIZ__V1__COUNTDOWN__INIT;

	joined(&M, "小明");
	cd.question_index = 0;
	cd.question_count = 3;
	cd.start_at_us = REVEAL(0);
	feed(&M, BODY(COUNTDOWN), &cd);
	feed_state(&M, QUIZ__V1__ROOM_STATE__PAUSED, REVEAL(0) - SEC, SEC);
	cr_expect_eq(M.phase_before_pause, PHASE_COUNTDOWN);
	feed_state(&M, QUIZ__V1__ROOM_STATE__COUNTDOWN, REVEAL(0) + 50 * SEC,
		   0);
	cr_expect_eq(M.phase, PHASE_COUNTDOWN);
	cr_expect_eq(M.countdown_to, LOCAL(REVEAL(0) + 51 * SEC));
	/* the re-sent Countdown wins */
	cd.start_at_us = REVEAL(0) + 52 * SEC;
	feed(&M, BODY(COUNTDOWN), &cd);
	cr_expect_eq(M.countdown_to, LOCAL(REVEAL(0) + 52 * SEC));

	/* pause on the leaderboard, resume to the leaderboard */
	feed_state(&M, QUIZ__V1__ROOM_STATE__LEADERBOARD, 0, 0);
	feed_state(&M, QUIZ__V1__ROOM_STATE__PAUSED, 0, 2 * SEC);
	cr_expect_eq(M.phase_before_pause, PHASE_LEADERBOARD);
	feed_state(&M, QUIZ__V1__ROOM_STATE__LEADERBOARD, 0, 0);
	cr_expect_eq(M.phase, PHASE_LEADERBOARD);
}

/* Joining a room already paused mid-question. */
Test(model, join_paused_room)
{
	Quiz__V1__Joined j = QUIZ__V1__JOINED__INIT;

	model_init(&M, MODE_JOIN, "小红");
	j.player_id = 4;
	j.code = "428113";
	j.state = QUIZ__V1__ROOM_STATE__PAUSED;
	feed(&M, BODY(JOINED), &j);
	cr_expect_eq(M.phase, PHASE_PAUSED);
	cr_expect_eq(M.phase_before_pause, PHASE_LOBBY);
	feed_question(&M, 2, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(2), DEADLINE(2));
	cr_expect_eq(M.phase, PHASE_PAUSED, "still paused");
	cr_expect_eq(M.phase_before_pause, PHASE_QUESTION);
	cr_expect(M.have_q);
}

Test(model, kicked)
{
	Quiz__V1__Kicked k = QUIZ__V1__KICKED__INIT;
	uint64_t now = in_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE);

	feed_error(&M, QUIZ__V1__ERROR_CODE__TOO_LATE, "too late");
	k.reason = "主持人已将你移出房间";
	cr_expect_eq(feed(&M, BODY(KICKED), &k), MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_KICKED);
	cr_expect_eq(M.conn, CONN_CLOSED);
	cr_expect_str_eq(M.error, "主持人已将你移出房间");
	cr_expect_eq(M.error_code, 0);
	cr_expect_eq(model_key(&M, 'a', now), 0);
	cr_expect_eq(model_phase_at(&M, now), PHASE_KICKED);
	cr_expect_eq(feed_state(&M, QUIZ__V1__ROOM_STATE__QUESTION_OPEN, 0, 0),
		     0);
	cr_expect_eq(M.phase, PHASE_KICKED);
}

Test(model, connection_events)
{
	joined(&M, "小明");
	model_set_conn(&M, CONN_RECONNECTING);
	cr_expect_eq(M.conn, CONN_RECONNECTING);
	cr_expect_eq(M.phase, PHASE_LOBBY, "the screen stays");
	model_set_conn(&M, CONN_CLOSED);
	cr_expect_eq(M.conn, CONN_CLOSED);
}

/* A resumed session: Welcome names the seat, Joined and the question
 * follow; the answer locked before the drop stays. */
Test(model, resume_after_reconnect)
{
	Quiz__V1__Welcome w = QUIZ__V1__WELCOME__INIT;
	Quiz__V1__Joined j = QUIZ__V1__JOINED__INIT;
	uint64_t now = in_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE);

	model_key(&M, 'c', now);
	model_set_conn(&M, CONN_RECONNECTING);
	w.room_code = "428113";
	w.player_id = 7;
	cr_expect_eq(feed(&M, BODY(WELCOME), &w), MODEL_REDRAW);
	cr_expect_eq(M.conn, CONN_ONLINE);
	cr_expect_eq(M.player_id, 7);
	j.player_id = 7;
	j.code = "428113";
	j.state = QUIZ__V1__ROOM_STATE__QUESTION_OPEN;
	j.players = 5;
	feed(&M, BODY(JOINED), &j);
	cr_expect_eq(M.phase, PHASE_QUESTION);
	cr_expect_eq(feed_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE, opt4,
				   4, REVEAL(1), DEADLINE(1)),
		     MODEL_ANSWER | MODEL_REDRAW,
		     "never acknowledged: send it again");
	cr_expect(M.locked);
	cr_expect_eq(M.locked_mask, 0x4);
	feed_error(&M, QUIZ__V1__ERROR_CODE__ALREADY_ANSWERED, "dup");
	cr_expect(M.locked);
}

/* An acknowledged answer is not sent again on a re-sent question. */
Test(model, resend_acked_not_again)
{
	Quiz__V1__AnswerAck ack = QUIZ__V1__ANSWER_ACK__INIT;
	uint64_t now = in_question(&M, 1, QUIZ__V1__QUESTION_KIND__FILL);

	cr_expect_eq(feed_question(&M, 1, QUIZ__V1__QUESTION_KIND__FILL, NULL,
				   0, REVEAL(1), DEADLINE(1)),
		     MODEL_REDRAW, "nothing locked");
	model_fill_input(&M, "七一");
	model_key(&M, '\n', now);
	ack.question_index = 1;
	feed(&M, BODY(ANSWER_ACK), &ack);
	cr_expect_eq(feed_question(&M, 1, QUIZ__V1__QUESTION_KIND__FILL, NULL,
				   0, REVEAL(1), DEADLINE(1)),
		     MODEL_REDRAW);
	cr_expect_str_eq(M.fill, "七一");
	cr_expect(M.acked);
}

Test(model, errors_keep_phase)
{
	uint64_t now;

	model_init(&M, MODE_JOIN, "小明");
	cr_expect_eq(
	    feed_error(&M, QUIZ__V1__ERROR_CODE__NAME_TAKEN, "昵称已被使用"),
	    MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_CONNECTING);
	cr_expect_eq(M.error_code, QUIZ__V1__ERROR_CODE__NAME_TAKEN);
	cr_expect_str_eq(M.error, "昵称已被使用");
	feed_error(&M, QUIZ__V1__ERROR_CODE__ROOM_NOT_FOUND, "no such room");
	cr_expect_eq(M.phase, PHASE_CONNECTING);
	cr_expect_eq(M.error_code, QUIZ__V1__ERROR_CODE__ROOM_NOT_FOUND);
	cr_expect_str_eq(M.error, "no such room");

	/* a later success clears the status line */
	joined(&M, "小明");
	feed_error(&M, QUIZ__V1__ERROR_CODE__RATE_LIMITED, "slow down");
	cr_expect_eq(M.phase, PHASE_LOBBY);
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(0), DEADLINE(0));
	cr_expect_str_eq(M.error, "");
	cr_expect_eq(M.error_code, 0);

	/* TOO_LATE keeps the lock; BAD_STATE lets the contestant retry */
	now = LOCAL(REVEAL(0)) + SEC;
	model_key(&M, 'a', now);
	feed_error(&M, QUIZ__V1__ERROR_CODE__TOO_LATE, "too late");
	cr_expect(M.locked);
	cr_expect_eq(M.phase, PHASE_QUESTION);
	feed_error(&M, QUIZ__V1__ERROR_CODE__ALREADY_ANSWERED, "again");
	cr_expect(M.locked);
	feed_error(&M, QUIZ__V1__ERROR_CODE__BAD_STATE, "not open");
	cr_expect_not(M.locked);
	cr_expect_eq(model_key(&M, 'b', now), MODEL_ANSWER | MODEL_REDRAW);

	/* once acknowledged, no refusal unlocks it */
	{
		Quiz__V1__AnswerAck ack = QUIZ__V1__ANSWER_ACK__INIT;

		feed(&M, BODY(ANSWER_ACK), &ack);
		feed_error(&M, QUIZ__V1__ERROR_CODE__BAD_STATE, "x");
		cr_expect(M.locked);
	}
	/* an empty message is stored empty, with its code */
	feed_error(&M, QUIZ__V1__ERROR_CODE__INTERNAL, "");
	cr_expect_str_eq(M.error, "");
	cr_expect_eq(M.error_code, QUIZ__V1__ERROR_CODE__INTERNAL);
}

/* Messages with nothing to show change nothing. */
Test(model, ignored_messages)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ok ok = QUIZ__V1__OK__INIT;

	joined(&M, "小明");
	cr_expect_eq(feed(&M, BODY(OK), &ok), 0);
	cr_expect_eq(model_apply(&M, &env, to_local, NULL), 0, "no body");
	cr_expect_eq(model_apply(&M, NULL, to_local, NULL), 0);
	env.body_case = BODY(QUESTION); /* body case set, pointer NULL */
	cr_expect_eq(model_apply(&M, &env, to_local, NULL), 0);
	env.body_case = (Quiz__V1__Envelope__BodyCase)99;
	cr_expect_eq(model_apply(&M, &env, to_local, NULL), 0);
	cr_expect_eq(M.phase, PHASE_LOBBY);
	cr_expect_not(M.have_q);
	/* no converter: server times are taken as local */
	{
		Quiz__V1__Countdown cd = QUIZ__V1__COUNTDOWN__INIT;

		cd.start_at_us = 77;
		env.body_case = BODY(COUNTDOWN);
		env.countdown = &cd;
		model_apply(&M, &env, NULL, NULL);
		cr_expect_eq(M.countdown_to, 77);
	}
}

/* n copies of unit after prefix, in buf. */
static char *repeat(char *buf, size_t cap, const char *prefix, const char *unit,
		    size_t n)
{
	size_t i;

	cr_assert_lt(strlen(prefix) + n * strlen(unit), cap);
	strcpy(buf, prefix);
	for (i = 0; i < n; i++)
		strcat(buf, unit);
	return buf;
}

/* Over-long strings are cut at a UTF-8 boundary and stay valid. */
Test(model, hostile_long_strings)
{
	static char stem[8192], opt[2048], title[1024], nick[512], code[256],
	    expl[8192];
	Quiz__V1__Question q = QUIZ__V1__QUESTION__INIT;
	Quiz__V1__RoomCreated rc = QUIZ__V1__ROOM_CREATED__INIT;
	Quiz__V1__RoomSettings s = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;
	Quiz__V1__Standing st = QUIZ__V1__STANDING__INIT;
	Quiz__V1__Standing *top[] = {&st};
	Quiz__V1__Reveal rv = QUIZ__V1__REVEAL__INIT;
	Quiz__V1__Error er = QUIZ__V1__ERROR__INIT;
	char *opts[1] = {opt};

	model_init(&M, MODE_HOST, NULL);
	s.title = repeat(title, sizeof(title), "", "中", 50);
	rc.code = repeat(code, sizeof(code), "", "9", 100);
	rc.host_token = repeat(nick, sizeof(nick), "", "t", 200);
	rc.settings = &s;
	feed(&M, BODY(ROOM_CREATED), &rc);
	cr_expect_eq(strlen(M.title), 126, "42 of 50 characters fit in 127");
	cr_expect(text_utf8_valid(M.title, strlen(M.title)));
	cr_expect_eq(strlen(M.code), sizeof(M.code) - 1);
	cr_expect_eq(strlen(M.host_token), sizeof(M.host_token) - 1);

	q.stem = repeat(stem, sizeof(stem), "a", "中", 2000);
	q.options = opts;
	q.n_options = 1;
	repeat(opt, sizeof(opt), "ab", "国", 500);
	q.category = repeat(nick, sizeof(nick), "", "😀", 100);
	q.deadline_at_us = 10 * SEC;
	feed(&M, BODY(QUESTION), &q);
	cr_expect_eq(strlen(M.stem), 1 + 3 * 340);
	cr_expect(text_utf8_valid(M.stem, strlen(M.stem)));
	cr_expect_eq(strlen(M.options[0]), 2 + 3 * 84);
	cr_expect(text_utf8_valid(M.options[0], strlen(M.options[0])));
	cr_expect_eq(strlen(M.category), 60, "15 four-byte characters");
	cr_expect(text_utf8_valid(M.category, strlen(M.category)));

	rv.explanation = repeat(expl, sizeof(expl), "", "é", 3000);
	rv.correct_text = opt;
	feed(&M, BODY(REVEAL), &rv);
	cr_expect_eq(strlen(M.explanation), MODEL_TEXT_MAX - 2,
		     "two-byte characters: 1022 of 1023");
	cr_expect(text_utf8_valid(M.explanation, strlen(M.explanation)));
	cr_expect_eq(strlen(M.correct_text), 2 + 3 * 84);

	st.nickname = repeat(nick, sizeof(nick), "x", "李", 100);
	st.team = title;
	lb.top = top;
	lb.n_top = 1;
	feed(&M, BODY(LEADERBOARD), &lb);
	cr_expect_eq(strlen(M.top[0].nick), 1 + 3 * 20);
	cr_expect_eq(strlen(M.top[0].team), 63);
	cr_expect(text_utf8_valid(M.top[0].nick, strlen(M.top[0].nick)));

	er.message = stem;
	feed(&M, BODY(ERROR), &er);
	cr_expect_eq(strlen(M.error), 1 + 3 * 52);
	cr_expect(text_utf8_valid(M.error, strlen(M.error)));

	/* each invalid byte becomes U+FFFD; NULL strings become "" */
	er.message = "\xff\xfe ok";
	feed(&M, BODY(ERROR), &er);
	cr_expect_str_eq(M.error, "\xef\xbf\xbd\xef\xbf\xbd ok");
	er.message = NULL;
	feed(&M, BODY(ERROR), &er);
	cr_expect_str_eq(M.error, "");
}

/* Counts and indexes past the arrays are clamped or ignored. */
Test(model, hostile_counts)
{
	static char *opts[50];
	static uint32_t big[1000];
	static Quiz__V1__TeamTally tt[1000], *tp[1000];
	static Quiz__V1__Standing st[50], *sp[50];
	Quiz__V1__LobbyUpdate lu = QUIZ__V1__LOBBY_UPDATE__INIT;
	Quiz__V1__Progress p = QUIZ__V1__PROGRESS__INIT;
	Quiz__V1__Reveal rv = QUIZ__V1__REVEAL__INIT;
	Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;
	uint32_t correct[] = {9, 100, UINT32_MAX, 2, 31, 32};
	uint64_t now;
	size_t i;

	for (i = 0; i < 50; i++)
		opts[i] = "选项";
	for (i = 0; i < 1000; i++) {
		big[i] = (uint32_t)i + 1;
		quiz__v1__team_tally__init(&tt[i]);
		tt[i].team = "队";
		tp[i] = &tt[i];
	}
	for (i = 0; i < 50; i++) {
		quiz__v1__standing__init(&st[i]);
		st[i].rank = (uint32_t)i + 1;
		st[i].nickname = "某";
		sp[i] = &st[i];
	}

	joined(&M, "小明");
	lu.players = UINT32_MAX;
	lu.teams = tp;
	lu.n_teams = 1000;
	feed(&M, BODY(LOBBY_UPDATE), &lu);
	cr_expect_eq(M.n_teams, MODEL_TEAMS_MAX);
	cr_expect_eq(M.players, UINT32_MAX);

	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opts, 50,
		      REVEAL(0), DEADLINE(0));
	cr_expect_eq(M.n_options, MODEL_OPTIONS_MAX);
	now = LOCAL(REVEAL(0)) + SEC;
	cr_expect_eq(model_key(&M, 'h', now), MODEL_ANSWER | MODEL_REDRAW);
	cr_expect_eq(M.locked_mask, 0x80);

	p.question_index = 0;
	p.distribution = big;
	p.n_distribution = 1000;
	feed(&M, BODY(PROGRESS), &p);
	cr_expect_eq(M.n_dist, MODEL_OPTIONS_MAX);
	cr_expect_eq(M.dist[7], 8);

	rv.question_index = 0;
	rv.correct = correct;
	rv.n_correct = 6;
	rv.distribution = big;
	rv.n_distribution = 1000;
	feed(&M, BODY(REVEAL), &rv);
	cr_expect_eq(M.correct_mask, 0x4, "out-of-range indexes ignored");
	cr_expect_eq(M.n_dist, MODEL_OPTIONS_MAX);

	lb.top = sp;
	lb.n_top = 50;
	feed(&M, BODY(LEADERBOARD), &lb);
	cr_expect_eq(M.n_top, MODEL_TOP_MAX);
	cr_expect_eq(M.top[9].rank, 10);

	/* NULL entries in repeated fields are skipped */
	tp[0] = NULL;
	lu.n_teams = 3;
	feed(&M, BODY(LOBBY_UPDATE), &lu);
	cr_expect_eq(M.n_teams, 2);
	tp[0] = &tt[0];
}

/* Unknown kinds, missing options, a deadline before the reveal. */
Test(model, hostile_question_fields)
{
	char *opts[] = {"甲", NULL, "丙"};
	uint64_t now;

	joined(&M, "小明");
	feed_question(&M, 0, 99, opts, 3, REVEAL(0), DEADLINE(0));
	cr_expect_eq(M.kind, QUIZ__V1__QUESTION_KIND__SINGLE);
	cr_expect_eq(M.n_options, 3);
	cr_expect_str_eq(M.options[1], "");

	feed_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE, NULL, 4,
		      REVEAL(1), DEADLINE(1));
	cr_expect_eq(M.n_options, 0, "count without an array");
	now = LOCAL(REVEAL(1)) + SEC;
	cr_expect_eq(model_key(&M, 'a', now), 0);

	feed_question(&M, 2, QUIZ__V1__QUESTION_KIND__FILL, opts, 3, REVEAL(2),
		      DEADLINE(2));
	cr_expect_eq(M.n_options, 0, "fill-in has no options");

	feed_question(&M, 3, QUIZ__V1__QUESTION_KIND__SINGLE, opts, 3,
		      REVEAL(3), REVEAL(3) - SEC);
	cr_expect_eq(M.deadline_at, M.reveal_at);
	now = LOCAL(REVEAL(3));
	cr_expect_eq(model_time_left_pm(&M, now), 0);

	/* a re-sent index with fewer options drops choices past the end */
	in_question(&M, 4, QUIZ__V1__QUESTION_KIND__MULTI);
	now = LOCAL(REVEAL(4)) + SEC;
	model_key(&M, 'a', now);
	model_key(&M, 'd', now);
	feed_question(&M, 4, QUIZ__V1__QUESTION_KIND__MULTI, opts, 3, REVEAL(4),
		      DEADLINE(4));
	cr_expect_eq(M.selected, 0x1);
}

/* The countdown bar: per mille of the question's time left. */
struct pm_case {
	uint64_t reveal, deadline, now; /* local */
	bool question;			/* phase QUESTION (else REVEAL) */
	unsigned pm;
};

ParameterizedTestParameters(model, time_left_pm)
{
	static struct pm_case cases[] = {
	    {1000, 21000, 999, true, 0}, /* before reveal_at */
	    {1000, 21000, 1000, true, 1000},
	    {1000, 21000, 11000, true, 500},
	    {1000, 21000, 16000, true, 250},
	    {1000, 21000, 20980, true, 1},
	    {1000, 21000, 20999, true, 0}, /* rounds down */
	    {1000, 21000, 21000, true, 0},
	    {1000, 21000, 99000, true, 0},  /* after the deadline */
	    {1000, 21000, 11000, false, 0}, /* revealed */
	    {1000, 1000, 1000, true, 0},    /* zero-length question */
	    {0, UINT64_MAX, 0, true, 1000}, /* no overflow */
	    {0, UINT64_MAX, UINT64_MAX / 2, true, 500},
	    {0, UINT64_MAX, UINT64_MAX - 1, true, 0},
	    {5, 300000005, 150000005, true, 500},
	};

	return cr_make_param_array(struct pm_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct pm_case *c, model, time_left_pm)
{
	model_init(&M, MODE_SCREEN, NULL);
	M.have_q = true;
	M.phase = c->question ? PHASE_QUESTION : PHASE_REVEAL;
	M.reveal_at = c->reveal;
	M.deadline_at = c->deadline;
	cr_expect_eq(
	    model_time_left_pm(&M, c->now), c->pm,
	    "reveal %llu deadline %llu now %llu: %u, expected %u",
	    (unsigned long long)c->reveal, (unsigned long long)c->deadline,
	    (unsigned long long)c->now, model_time_left_pm(&M, c->now), c->pm);
}

/* Key handling: one key on a fresh question (or after a setup). */
enum key_when {
	AT_OPEN,
	BEFORE_REVEAL,
	AFTER_DEADLINE,
	WHEN_LOCKED,
	IN_REVEAL
};

struct key_case {
	int mode;
	int kind;
	unsigned n_options;
	enum key_when when;
	int key;
	int flags;     /* expected return */
	uint32_t mask; /* expected locked_mask (locked) or selected */
	bool locked;
};

#define KS QUIZ__V1__QUESTION_KIND__SINGLE
#define KM QUIZ__V1__QUESTION_KIND__MULTI
#define KT QUIZ__V1__QUESTION_KIND__TRUE_FALSE
#define KF QUIZ__V1__QUESTION_KIND__FILL
#define AR (MODEL_ANSWER | MODEL_REDRAW)

ParameterizedTestParameters(model, keys)
{
	static struct key_case cases[] = {
	    /* single: letters, upper case, digits lock at once */
	    {MODE_JOIN, KS, 4, AT_OPEN, 'a', AR, 0x1, true},
	    {MODE_JOIN, KS, 4, AT_OPEN, 'D', AR, 0x8, true},
	    {MODE_JOIN, KS, 4, AT_OPEN, '3', AR, 0x4, true},
	    {MODE_JOIN, KS, 4, AT_OPEN, 'e', 0, 0, false},
	    {MODE_JOIN, KS, 4, AT_OPEN, '5', 0, 0, false},
	    {MODE_JOIN, KS, 4, AT_OPEN, '0', 0, 0, false},
	    {MODE_JOIN, KS, 4, AT_OPEN, 'z', 0, 0, false},
	    {MODE_JOIN, KS, 4, AT_OPEN, 'i', 0, 0, false},
	    {MODE_JOIN, KS, 4, AT_OPEN, '9', 0, 0, false},
	    {MODE_JOIN, KS, 4, AT_OPEN, '\n', 0, 0, false},
	    {MODE_JOIN, KS, 4, AT_OPEN, ' ', 0, 0, false},
	    {MODE_JOIN, KS, 4, AT_OPEN, -1, 0, 0, false},
	    {MODE_JOIN, KS, 4, AT_OPEN, 0x4e2d, 0, 0, false},
	    {MODE_JOIN, KS, 8, AT_OPEN, 'h', AR, 0x80, true},
	    {MODE_JOIN, KS, 8, AT_OPEN, 'H', AR, 0x80, true},
	    {MODE_JOIN, KS, 8, AT_OPEN, '8', AR, 0x80, true},
	    {MODE_JOIN, KS, 4, BEFORE_REVEAL, 'a', 0, 0, false},
	    {MODE_JOIN, KS, 4, AFTER_DEADLINE, 'a', 0, 0, false},
	    {MODE_JOIN, KS, 4, WHEN_LOCKED, 'c', 0, 0x2, true},
	    {MODE_JOIN, KS, 4, IN_REVEAL, 'a', 0, 0, false},
	    /* true/false */
	    {MODE_JOIN, KT, 2, AT_OPEN, 'a', AR, 0x1, true},
	    {MODE_JOIN, KT, 2, AT_OPEN, '2', AR, 0x2, true},
	    {MODE_JOIN, KT, 2, AT_OPEN, 'c', 0, 0, false},
	    /* multi: keys toggle, nothing is sent */
	    {MODE_JOIN, KM, 4, AT_OPEN, 'b', MODEL_REDRAW, 0x2, false},
	    {MODE_JOIN, KM, 4, AT_OPEN, '4', MODEL_REDRAW, 0x8, false},
	    {MODE_JOIN, KM, 4, AT_OPEN, '\n', 0, 0, false},
	    {MODE_JOIN, KM, 4, AT_OPEN, 'e', 0, 0, false},
	    {MODE_JOIN, KM, 4, WHEN_LOCKED, '\n', 0, 0x2, true},
	    {MODE_JOIN, KM, 4, BEFORE_REVEAL, 'a', 0, 0, false},
	    /* fill: option keys are not answers */
	    {MODE_JOIN, KF, 0, AT_OPEN, 'a', 0, 0, false},
	    {MODE_JOIN, KF, 0, AT_OPEN, '1', 0, 0, false},
	    {MODE_JOIN, KF, 0, AT_OPEN, '\n', 0, 0, false},
	    /* host and screen never answer */
	    {MODE_HOST, KS, 4, AT_OPEN, 'a', 0, 0, false},
	    {MODE_HOST, KM, 4, AT_OPEN, 'a', 0, 0, false},
	    {MODE_SCREEN, KS, 4, AT_OPEN, 'a', 0, 0, false},
	    {MODE_SCREEN, KT, 2, AT_OPEN, '1', 0, 0, false},
	};

	return cr_make_param_array(struct key_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct key_case *c, model, keys)
{
	static char *opts[8] = {"一", "二", "三", "四", "五", "六", "七", "八"};
	uint64_t r = LOCAL(REVEAL(0)), now;
	int got;

	model_init(&M, (enum model_mode)c->mode, "小明");
	feed_question(&M, 0, c->kind, opts, c->n_options, REVEAL(0),
		      DEADLINE(0));
	cr_assert_eq(M.n_options, c->n_options);
	now = r + SEC;
	switch (c->when) {
	case AT_OPEN:
		break;
	case BEFORE_REVEAL:
		now = r - 1;
		break;
	case AFTER_DEADLINE:
		now = LOCAL(DEADLINE(0)) + 1;
		break;
	case WHEN_LOCKED:
		model_key(&M, 'b', now);
		if (c->kind == KM)
			model_key(&M, '\n', now);
		cr_assert(M.locked);
		break;
	case IN_REVEAL: {
		Quiz__V1__Reveal rv = QUIZ__V1__REVEAL__INIT;

		feed(&M, BODY(REVEAL), &rv);
		break;
	}
	}
	got = model_key(&M, c->key, now);
	cr_expect_eq(got, c->flags, "key %d: flags %d, expected %d", c->key,
		     got, c->flags);
	cr_expect_eq(M.locked, c->locked);
	cr_expect_eq(c->locked ? M.locked_mask : M.selected, c->mask,
		     "key %d: mask %#x, expected %#x", c->key,
		     c->locked ? M.locked_mask : M.selected, c->mask);
}

/* Every refusal code has its own sentence; unknown codes a generic one. */
Test(model, error_text)
{
	int i, j;

	for (i = 1; i <= QUIZ__V1__ERROR_CODE__NOT_JUDGE; i++) {
		cr_assert_not_null(model_error_text(i));
		cr_expect_str_neq(model_error_text(i), model_error_text(0));
		for (j = 1; j < i; j++)
			cr_expect_str_neq(model_error_text(i),
					  model_error_text(j));
	}
	cr_expect_str_eq(model_error_text(QUIZ__V1__ERROR_CODE__NAME_TAKEN),
			 "That nickname is already taken in this room");
	cr_expect_str_eq(model_error_text(-1), model_error_text(0));
	cr_expect_str_eq(model_error_text(QUIZ__V1__ERROR_CODE__NOT_JUDGE + 1),
			 model_error_text(0));
	cr_expect_str_eq(model_error_text(QUIZ__V1__ERROR_CODE__NOT_JUDGE),
			 "Only the host or a judge can rule on answers");
	cr_expect_str_eq(model_error_text(QUIZ__V1__ERROR_CODE__NOT_YOUR_TURN),
			 "Not your turn: another team answers this question");
	cr_expect_str_eq(
	    model_error_text(QUIZ__V1__ERROR_CODE__UNSUPPORTED_FORMAT),
	    "This room runs a round format this client cannot play: "
	    "update quiz");
	cr_expect_str_eq(model_error_text(1 << 30), model_error_text(0));
}

/* No byte a terminal obeys: C0 but LF (when keep_lf), DEL, C1 as a UTF-8
 * character or as a raw byte, and nothing that is not valid UTF-8. */
static void expect_inert(const char *what, const char *s, bool keep_lf)
{
	size_t i, len = strlen(s);

	cr_expect(text_utf8_valid(s, len), "%s: not valid UTF-8", what);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		cr_expect(c >= 0x20 || (keep_lf && c == '\n'),
			  "%s: byte 0x%02x at %zu", what, c, i);
		cr_expect_neq(c, 0x7f, "%s: DEL at %zu", what, i);
		/* a C1 control encoded in UTF-8 is 0xc2 0x80..0x9f */
		if (c == 0xc2 && i + 1 < len)
			cr_expect(!((unsigned char)s[i + 1] >= 0x80 &&
				    (unsigned char)s[i + 1] <= 0x9f),
				  "%s: C1 control at %zu", what, i);
	}
}

/* Finding 7: escape sequences from the server never reach the terminal. */
Test(model, hostile_escape_sequences)
{
	static const char *const evil[] = {
	    "\x1b]52;c;SGVsbG8gY2xpcGJvYXJk\x07copied", /* OSC 52 clipboard */
	    "\x1b]2;pwned\x1b\\title",			/* OSC 2 window title */
	    "\x1b[31mred\x1b[0m",			/* SGR */
	    "over\rwrite",				/* CR */
	    "\xc2\x9b"
	    "31mC1 CSI", /* C1 CSI as UTF-8 */
	    "\x9b"
	    "31m raw 8-bit CSI", /* C1 CSI as a raw byte */
	    "\xc2\x9d"
	    "0;x\xc2\x9c C1 OSC", /* C1 OSC ... ST */
	    "bell\x07\x08\x7f\x0b\x0c",
	    "line\nbreak\xe2\x80\xa8sep",
	};
	Quiz__V1__Question q = QUIZ__V1__QUESTION__INIT;
	Quiz__V1__Error er = QUIZ__V1__ERROR__INIT;
	Quiz__V1__LobbyUpdate lu = QUIZ__V1__LOBBY_UPDATE__INIT;
	Quiz__V1__TeamTally tt = QUIZ__V1__TEAM_TALLY__INIT;
	Quiz__V1__TeamTally *tts[] = {&tt};
	Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;
	Quiz__V1__Standing st = QUIZ__V1__STANDING__INIT;
	Quiz__V1__Standing *top[] = {&st};
	Quiz__V1__Reveal rv = QUIZ__V1__REVEAL__INIT;
	Quiz__V1__Joined jn = QUIZ__V1__JOINED__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	char *opts[2];
	size_t i, n = sizeof(evil) / sizeof(evil[0]);

	for (i = 0; i < n; i++) {
		const char *e = evil[i];

		model_init(&M, MODE_JOIN, "me");
		rs.title = (char *)e;
		jn.code = (char *)e;
		jn.settings = &rs;
		feed(&M, BODY(JOINED), &jn);
		expect_inert("Joined.code", M.code, false);
		expect_inert("title", M.title, false);

		q.stem = (char *)e;
		q.category = (char *)e;
		opts[0] = opts[1] = (char *)e;
		q.options = opts;
		q.n_options = 2;
		q.deadline_at_us = 10 * SEC;
		feed(&M, BODY(QUESTION), &q);
		expect_inert("Question.stem", M.stem, true);
		expect_inert("Question.category", M.category, false);
		expect_inert("Question.options[1]", M.options[1], false);

		rv.explanation = (char *)e;
		rv.correct_text = (char *)e;
		feed(&M, BODY(REVEAL), &rv);
		expect_inert("Reveal.explanation", M.explanation, true);
		expect_inert("Reveal.correct_text", M.correct_text, false);

		tt.team = (char *)e;
		lu.teams = tts;
		lu.n_teams = 1;
		lu.players = 3;
		feed(&M, BODY(LOBBY_UPDATE), &lu);
		cr_assert_eq(M.n_teams, 1);
		expect_inert("LobbyUpdate.team", M.teams[0].name, false);

		st.nickname = (char *)e;
		st.team = (char *)e;
		lb.top = top;
		lb.n_top = 1;
		feed(&M, BODY(LEADERBOARD), &lb);
		expect_inert("Leaderboard.nickname", M.top[0].nick, false);
		expect_inert("Leaderboard.team", M.top[0].team, false);

		er.message = (char *)e;
		feed(&M, BODY(ERROR), &er);
		expect_inert("Error.message", M.error, false);
	}
	/* the printable rest is kept */
	er.message = "\x1b[31mred\x1b[0m";
	feed(&M, BODY(ERROR), &er);
	cr_expect_str_eq(M.error, "[31mred[0m");
	q.stem = "line one\r\nline two";
	feed(&M, BODY(QUESTION), &q);
	cr_expect_str_eq(M.stem, "line one\nline two");
}

/* A storage pause carries its reason; STORAGE_UNAVAILABLE for an answer
 * not yet acknowledged unlocks it (it was not recorded: answer again). */
Test(model, storage_pause_and_refusal)
{
	Quiz__V1__StateChange b = QUIZ__V1__STATE_CHANGE__INIT;
	uint64_t now = in_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE);

	cr_expect_eq(model_key(&M, 'a', now), MODEL_ANSWER | MODEL_REDRAW);
	feed_error(&M, QUIZ__V1__ERROR_CODE__STORAGE_UNAVAILABLE, "full");
	cr_expect_not(M.locked, "not recorded: the contestant may retry");
	cr_expect_not(M.acked);
	cr_expect_eq(model_key(&M, 'b', now), MODEL_ANSWER | MODEL_REDRAW);

	b.state = QUIZ__V1__ROOM_STATE__PAUSED;
	b.remaining_us = 5 * SEC;
	b.reason = QUIZ__V1__PAUSE_REASON__PAUSE_STORAGE;
	feed(&M, BODY(STATE_CHANGE), &b);
	cr_expect_eq(M.phase, PHASE_PAUSED);
	cr_expect_eq(M.pause_reason, 1);
	cr_expect_not(M.acked, "a pause acknowledges nothing");
	b.reason = QUIZ__V1__PAUSE_REASON__PAUSE_HOST;
	feed(&M, BODY(STATE_CHANGE), &b);
	cr_expect_eq(M.pause_reason, 0);
}

/* ---- a server restart and the host's presence (issue 10) ------------ */

/* Sends HostStatus{connected}. */
static int feed_host(struct model *m, bool connected)
{
	Quiz__V1__HostStatus h = QUIZ__V1__HOST_STATUS__INIT;

	h.connected = connected;
	return feed(m, BODY(HOST_STATUS), &h);
}

/* SHUTTING_DOWN: "server restarting" through the reconnect attempts until
 * the next Welcome, which also clears the refusal from the status line. */
Test(model, shutting_down_until_welcome)
{
	Quiz__V1__Welcome w = QUIZ__V1__WELCOME__INIT;
	uint64_t now = in_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE);

	cr_expect_not(M.restarting);
	cr_expect_eq(model_key(&M, 'b', now), MODEL_ANSWER | MODEL_REDRAW);
	feed_error(&M, QUIZ__V1__ERROR_CODE__SHUTTING_DOWN,
		   "server restarting");
	cr_expect(M.restarting);
	cr_expect(M.locked, "the answer stays locked (it may be resent)");
	model_set_conn(&M, CONN_RECONNECTING);
	cr_expect(M.restarting, "a closed connection keeps it");
	model_set_conn(&M, CONN_CONNECTING);
	cr_expect(M.restarting);
	w.room_code = "428113";
	w.player_id = 7;
	feed(&M, BODY(WELCOME), &w);
	cr_expect_not(M.restarting);
	cr_expect_eq(M.conn, CONN_ONLINE);
	cr_expect_eq(M.error[0], '\0', "the stop notice is over");
	cr_expect_eq(M.error_code, 0);
	/* another refusal is kept by a Welcome */
	feed_error(&M, QUIZ__V1__ERROR_CODE__TOO_LATE, "late");
	feed(&M, BODY(WELCOME), &w);
	cr_expect_eq(M.error_code, QUIZ__V1__ERROR_CODE__TOO_LATE);
	cr_expect_not(M.restarting);
}

/* PAUSE_RECOVERED: the rebuilt room waits for the host; RESUME ends it. */
Test(model, recovered_pause)
{
	Quiz__V1__StateChange b = QUIZ__V1__STATE_CHANGE__INIT;
	uint64_t now = in_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE);

	(void)now;
	b.state = QUIZ__V1__ROOM_STATE__PAUSED;
	b.at_us = REVEAL(1) + 4 * SEC;
	b.remaining_us = 16 * SEC;
	b.reason = QUIZ__V1__PAUSE_REASON__PAUSE_RECOVERED;
	cr_expect_eq(feed(&M, BODY(STATE_CHANGE), &b), MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_PAUSED);
	cr_expect_eq(M.pause_reason, MODEL_PAUSE_RECOVERED);
	cr_expect_eq(M.phase_before_pause, PHASE_QUESTION);
	cr_expect_eq(M.paused_remaining_us, 16 * SEC);
	feed_state(&M, QUIZ__V1__ROOM_STATE__QUESTION_OPEN,
		   REVEAL(1) + 90 * SEC, 0);
	cr_expect_eq(M.phase, PHASE_QUESTION);
}

/* HostStatus: the host left (contestants and screens see it), came back;
 * the host's own console ignores it. */
Test(model, host_status)
{
	Quiz__V1__Watching wt = QUIZ__V1__WATCHING__INIT;

	joined(&M, "小明");
	cr_expect_not(M.host_away);
	cr_expect_eq(feed_host(&M, false), MODEL_REDRAW);
	cr_expect(M.host_away);
	cr_expect_eq(feed_host(&M, false), 0, "no change, no redraw");
	cr_expect_eq(M.phase, PHASE_LOBBY, "the phase stays");
	cr_expect_eq(feed_host(&M, true), MODEL_REDRAW);
	cr_expect_not(M.host_away);

	model_init(&M, MODE_SCREEN, NULL);
	wt.code = "428113";
	wt.state = QUIZ__V1__ROOM_STATE__LOBBY;
	feed(&M, BODY(WATCHING), &wt);
	feed_host(&M, false);
	cr_expect(M.host_away, "screens see it too");

	model_init(&M, MODE_HOST, NULL);
	cr_expect_eq(feed_host(&M, false), 0);
	cr_expect_not(M.host_away, "the host is here");
}

/* ---- contests: rounds, turns, wagers, team boards (issue 8) ---------- */

static uint32_t stakes3[] = {10, 20, 30};

/* The three rounds of a branch contest: 必答, 抢答 (speed), 风险. */
static void contest_rounds(Quiz__V1__RoundInfo *r, Quiz__V1__RoundInfo **rp)
{
	int i;

	for (i = 0; i < 3; i++) {
		quiz__v1__round_info__init(&r[i]);
		r[i].index = (uint32_t)i;
		rp[i] = &r[i];
	}
	r[0].format = QUIZ__V1__ROUND_FORMAT__REQUIRED;
	r[0].name = "必答题";
	r[0].time_limit_ms = 30000;
	r[0].points = 10;
	r[1].format = QUIZ__V1__ROUND_FORMAT__SPEED;
	r[1].name = "抢答题";
	r[1].points = 1000;
	r[2].format = QUIZ__V1__ROUND_FORMAT__WAGER;
	r[2].name = "风险题";
	r[2].stakes = stakes3;
	r[2].n_stakes = 3;
	r[2].wager_ms = 15000;
}

/* A contestant of team (NULL: none) joined to a contest in round. */
static void joined_contest(struct model *m, const char *team, uint32_t round,
			   int state)
{
	Quiz__V1__Joined j = QUIZ__V1__JOINED__INIT;
	Quiz__V1__ContestInfo ci = QUIZ__V1__CONTEST_INFO__INIT;
	Quiz__V1__RoundInfo r[3], *rp[3];
	char *teams[] = {"一支部", "二支部"};

	joined(m, "小明");
	model_set_team(m, team);
	contest_rounds(r, rp);
	ci.title = "支部竞赛";
	ci.scoring = QUIZ__V1__TEAM_SCORING__TEAM_SUM;
	ci.team_base = 100;
	ci.rounds = rp;
	ci.n_rounds = 3;
	ci.teams = teams;
	ci.n_teams = 2;
	j.player_id = 7;
	j.code = "ABCD-EFGH";
	j.state = (Quiz__V1__RoomState)state;
	j.contest = &ci;
	j.round = round;
	cr_assert_eq(feed(m, BODY(JOINED), &j), MODEL_REDRAW);
}

Test(model, contest_in_joined)
{
	joined_contest(&M, "一支部", 1, QUIZ__V1__ROOM_STATE__ROUND_BREAK);
	cr_expect(M.contest);
	cr_expect_str_eq(M.title, "支部竞赛");
	cr_expect_eq(M.scoring, 1);
	cr_expect_eq(M.team_base, 100);
	cr_assert_eq(M.n_rounds, 3);
	cr_expect_eq(M.rounds_total, 3);
	cr_expect_eq(M.n_fixed_teams, 2);
	cr_expect_str_eq(M.rounds[0].name, "必答题");
	cr_expect_eq(M.rounds[2].format, MODEL_FMT_WAGER);
	cr_expect_eq(M.rounds[2].n_stakes, 3);
	cr_expect_eq(M.rounds[2].stakes[2], 30);
	cr_expect_eq(M.rounds[2].wager_ms, 15000);
	cr_expect(M.have_round);
	cr_expect_eq(M.round, 1);
	cr_expect_str_eq(M.cur.name, "抢答题");
	cr_expect_eq(M.phase, PHASE_ROUND_BREAK);
	cr_expect_str_eq(M.team, "一支部");

	/* a screen watching a room in its wager phase */
	{
		Quiz__V1__Watching w = QUIZ__V1__WATCHING__INIT;
		Quiz__V1__ContestInfo ci = QUIZ__V1__CONTEST_INFO__INIT;
		Quiz__V1__RoundInfo r[3], *rp[3];

		contest_rounds(r, rp);
		ci.rounds = rp;
		ci.n_rounds = 3;
		model_init(&M, MODE_SCREEN, NULL);
		w.code = "ABCD-EFGH";
		w.state = QUIZ__V1__ROOM_STATE__WAGERING;
		w.contest = &ci;
		w.round = 2;
		feed(&M, BODY(WATCHING), &w);
		cr_expect_eq(M.phase, PHASE_WAGER);
		cr_expect_eq(M.cur.format, MODEL_FMT_WAGER);
		cr_expect_str_eq(M.title, "", "no contest title: kept");
	}
}

/* A RoomCreated with a contest; a room without one has no rounds. */
Test(model, contest_in_room_created)
{
	Quiz__V1__RoomCreated rc = QUIZ__V1__ROOM_CREATED__INIT;
	Quiz__V1__ContestInfo ci = QUIZ__V1__CONTEST_INFO__INIT;
	Quiz__V1__RoundInfo r[3], *rp[3];

	model_init(&M, MODE_HOST, NULL);
	rc.code = "ABCD-EFGH";
	rc.host_token = "tok";
	feed(&M, BODY(ROOM_CREATED), &rc);
	cr_expect_not(M.contest);
	cr_expect_eq(M.n_rounds, 0);
	cr_expect_not(M.have_round);

	contest_rounds(r, rp);
	ci.title = "支部竞赛";
	ci.rounds = rp;
	ci.n_rounds = 3;
	rc.contest = &ci;
	feed(&M, BODY(ROOM_CREATED), &rc);
	cr_expect(M.contest);
	cr_expect_eq(M.n_rounds, 3);
	cr_expect_eq(M.phase, PHASE_LOBBY);
	cr_expect_str_eq(M.title, "支部竞赛");
}

/* RoundStart, RoundEnd (a break, then the last round: no break). */
Test(model, round_start_and_end)
{
	Quiz__V1__RoundStart rs = QUIZ__V1__ROUND_START__INIT;
	Quiz__V1__RoundEnd re = QUIZ__V1__ROUND_END__INIT;
	Quiz__V1__RoundInfo ri = QUIZ__V1__ROUND_INFO__INIT;
	Quiz__V1__TeamBoard tb = QUIZ__V1__TEAM_BOARD__INIT;
	Quiz__V1__TeamStanding t[3], *tp[3];
	Quiz__V1__Standing s1 = QUIZ__V1__STANDING__INIT;
	Quiz__V1__Standing *top[] = {&s1};
	uint32_t i, n;
	int k;

	joined_contest(&M, "一支部", 0, QUIZ__V1__ROOM_STATE__LOBBY);
	ri.index = 0;
	ri.format = QUIZ__V1__ROUND_FORMAT__REQUIRED;
	ri.name = "必答题";
	ri.questions = 4;
	ri.first_question = 0;
	rs.round = &ri;
	rs.rounds = 3;
	cr_expect_eq(feed(&M, BODY(ROUND_START), &rs), MODEL_REDRAW);
	cr_expect(M.have_round);
	cr_expect_eq(M.round, 0);
	cr_expect_eq(M.cur.questions, 4);
	cr_expect_eq(M.rounds[0].questions, 4, "the contest learns it too");
	cr_expect_eq(M.phase, PHASE_LOBBY, "the countdown moves on");
	model_round_pos(&M, 2, &i, &n);
	cr_expect_eq(i, 3);
	cr_expect_eq(n, 4);

	for (k = 0; k < 3; k++) {
		quiz__v1__team_standing__init(&t[k]);
		tp[k] = &t[k];
	}
	t[0].rank = 1;
	t[0].team = "一支部";
	t[0].members = 3;
	t[0].score = 130;
	t[0].points = 30;
	t[0].last_delta = 10;
	t[1].rank = 1;
	t[1].team = "二支部";
	t[1].members = 2;
	t[1].score = 130;
	t[1].last_delta = -10;
	t[2].rank = 3;
	t[2].team = "三支部";
	t[2].score = 90;
	tb.scoring = QUIZ__V1__TEAM_SCORING__TEAM_SUM;
	tb.team_base = 100;
	tb.teams = tp;
	tb.n_teams = 3;
	s1.rank = 1;
	s1.nickname = "张三";
	s1.score = 20;
	re.round = 0;
	re.rounds = 3;
	re.teams = &tb;
	re.top = top;
	re.n_top = 1;
	cr_expect_eq(feed(&M, BODY(ROUND_END), &re), MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_ROUND_BREAK);
	cr_expect(M.round_ended);
	cr_expect_eq(M.ended_round, 0);
	cr_assert(M.board.have);
	cr_assert_eq(M.board.n, 3);
	cr_expect_eq(M.board.scoring, 1);
	cr_expect_eq(M.board.base, 100);
	cr_expect(M.board.rows[0].tied, "1 and 1: 并列");
	cr_expect(M.board.rows[1].tied);
	cr_expect_not(M.board.rows[2].tied);
	cr_expect_eq(M.board.rows[1].last_delta, -10);
	cr_expect_eq(M.board.rows[0].members, 3);
	cr_expect_eq(M.n_top, 1);
	cr_expect_str_eq(M.top[0].nick, "张三");
	cr_expect_not(M.top[0].tied);

	/* the next round begins: StateChange ROUND_BREAK is idempotent */
	feed_state(&M, QUIZ__V1__ROOM_STATE__ROUND_BREAK, 0, 0);
	cr_expect_eq(M.phase, PHASE_ROUND_BREAK);
	ri.index = 2;
	ri.format = QUIZ__V1__ROUND_FORMAT__WAGER;
	ri.name = "风险题";
	feed(&M, BODY(ROUND_START), &rs);
	cr_expect_eq(M.round, 2);
	cr_expect_eq(M.phase, PHASE_ROUND_BREAK, "until its countdown");
	cr_expect_eq(M.ended_round, 0, "the break still shows round 1");
	/* the last round's end: no break, the final leaderboard follows */
	M.phase = PHASE_LEADERBOARD;
	re.round = 2;
	feed(&M, BODY(ROUND_END), &re);
	cr_expect_eq(M.phase, PHASE_LEADERBOARD);
	cr_expect(M.round_ended);

	/* RoundStart without its RoundInfo: nothing */
	rs.round = NULL;
	cr_expect_eq(feed(&M, BODY(ROUND_START), &rs), 0);
}

/* Turn (必答): my team's turn opens the keys, another team's shuts them. */
Test(model, turn_my_team_and_others)
{
	Quiz__V1__Turn t = QUIZ__V1__TURN__INIT;
	Quiz__V1__Question q = QUIZ__V1__QUESTION__INIT;
	uint64_t now = LOCAL(REVEAL(0)) + SEC;

	joined_contest(&M, "ＹＩ支部", 0, QUIZ__V1__ROOM_STATE__COUNTDOWN);
	t.question_index = 0;
	t.round = 0;
	t.team = "yi支部"; /* the same team by its name key */
	t.turn = 1;
	t.turns = 4;
	cr_expect_eq(feed(&M, BODY(TURN), &t), MODEL_REDRAW);
	cr_expect(M.have_turn);
	cr_expect_eq(M.turn_no, 1);
	cr_expect_eq(M.turns, 4);
	cr_expect(model_is_my_team(&M, "yi支部"));
	cr_expect_not(model_is_my_team(&M, "二支部"));
	cr_expect_not(model_is_my_team(&M, ""));
	/* the question without a turn field keeps the pushed turn */
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(0), DEADLINE(0));
	cr_expect(M.have_turn);
	cr_expect(model_my_turn(&M));
	cr_expect_eq(model_key(&M, 'b', now), MODEL_ANSWER | MODEL_REDRAW);

	/* question 1 is 二支部's, carried in Question.turn */
	t.question_index = 1;
	t.team = "二支部";
	t.turn = 2;
	q.index = 1;
	q.count = 8;
	q.kind = QUIZ__V1__QUESTION_KIND__SINGLE;
	q.stem = "问题";
	q.options = opt4;
	q.n_options = 4;
	q.reveal_at_us = REVEAL(1);
	q.deadline_at_us = DEADLINE(1);
	q.round = 0;
	q.round_index = 1;
	q.round_count = 4;
	q.points = 10;
	q.turn = &t;
	feed(&M, BODY(QUESTION), &q);
	now = LOCAL(REVEAL(1)) + SEC;
	cr_expect_str_eq(M.turn_team, "二支部");
	cr_expect_eq(M.turn_no, 2);
	cr_expect_not(model_my_turn(&M));
	cr_expect_eq(model_key(&M, 'a', now), 0, "not my turn: keys off");
	cr_expect_not(M.locked);
	cr_expect_eq(M.q_round_index, 1);
	cr_expect_eq(M.q_round_count, 4);

	/* a next question without any turn: everyone answers */
	q.index = 2;
	q.turn = NULL;
	q.reveal_at_us = REVEAL(2);
	q.deadline_at_us = DEADLINE(2);
	feed(&M, BODY(QUESTION), &q);
	cr_expect_not(M.have_turn);
	cr_expect(model_my_turn(&M));

	/* host and screens never have a turn of their own */
	M.mode = MODE_HOST;
	cr_expect_not(model_my_turn(&M));
}

/* Without teams, the turn names a contestant by id; fill-in typing is off
 * when the turn is someone else's. */
Test(model, turn_by_player_and_fill)
{
	Quiz__V1__Turn t = QUIZ__V1__TURN__INIT;
	Quiz__V1__Question q = QUIZ__V1__QUESTION__INIT;

	joined_contest(&M, NULL, 0, QUIZ__V1__ROOM_STATE__COUNTDOWN);
	t.question_index = 0;
	t.player_id = 8;
	t.nickname = "张三";
	q.index = 0;
	q.kind = QUIZ__V1__QUESTION_KIND__FILL;
	q.stem = "填空";
	q.reveal_at_us = REVEAL(0);
	q.deadline_at_us = DEADLINE(0);
	q.turn = &t;
	feed(&M, BODY(QUESTION), &q);
	cr_expect_not(model_my_turn(&M));
	cr_expect_eq(model_fill_input(&M, "群"), 0);
	cr_expect_str_eq(M.fill, "");

	t.player_id = 7; /* me */
	feed(&M, BODY(QUESTION), &q);
	cr_expect(model_my_turn(&M));
	cr_expect_eq(model_fill_input(&M, "群"), MODEL_REDRAW);

	/* a team turn with no team of mine: not mine */
	t.team = "一支部";
	feed(&M, BODY(QUESTION), &q);
	cr_expect_not(model_my_turn(&M));
}

/* NOT_YOUR_TURN unlocks the answer and shuts the keys for the question. */
Test(model, not_your_turn_refusal)
{
	uint64_t now = in_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE);

	cr_expect_eq(model_key(&M, 'a', now), MODEL_ANSWER | MODEL_REDRAW);
	cr_expect_eq(
	    feed_error(&M, QUIZ__V1__ERROR_CODE__NOT_YOUR_TURN, "not yours"),
	    MODEL_REDRAW);
	cr_expect_not(M.locked);
	cr_expect(M.turn_refused);
	cr_expect_eq(M.error_code, QUIZ__V1__ERROR_CODE__NOT_YOUR_TURN);
	cr_expect_not(model_my_turn(&M));
	cr_expect_eq(model_key(&M, 'b', now), 0);
	/* the next question opens them again */
	feed_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(1), DEADLINE(1));
	cr_expect_not(M.turn_refused);
	cr_expect(model_my_turn(&M));
}

/* Sends a WagerRequest for question q with the default stakes. */
static int feed_wager_request(struct model *m, uint32_t q, uint64_t deadline)
{
	Quiz__V1__WagerRequest w = QUIZ__V1__WAGER_REQUEST__INIT;

	w.question_index = q;
	w.round = 2;
	w.stakes = stakes3;
	w.n_stakes = 3;
	w.deadline_at_us = deadline;
	w.category = "党史";
	return feed(m, BODY(WAGER_REQUEST), &w);
}

/* Sends a WagerAck of stake by player pid. */
static int feed_wager_ack(struct model *m, uint32_t q, uint32_t stake,
			  uint32_t pid, char *nick)
{
	Quiz__V1__WagerAck a = QUIZ__V1__WAGER_ACK__INIT;

	a.question_index = q;
	a.stake = stake;
	a.player_id = pid;
	a.nickname = nick;
	return feed(m, BODY(WAGER_ACK), &a);
}

/* 风险: pick a stake by its key, the ack confirms it, the question carries
 * it, the result books -stake. */
Test(model, wager_pick_and_ack)
{
	Quiz__V1__Wager w;
	Quiz__V1__Question q = QUIZ__V1__QUESTION__INIT;
	Quiz__V1__Result r = QUIZ__V1__RESULT__INIT;
	uint64_t dl = 500 * SEC, now = LOCAL(dl) - 10 * SEC;
	uint32_t i, n;

	joined_contest(&M, "一支部", 2, QUIZ__V1__ROOM_STATE__ROUND_BREAK);
	cr_expect_eq(model_wager(&M, &w), -1, "nothing picked");
	cr_expect_eq(feed_wager_request(&M, 6, dl), MODEL_REDRAW);
	cr_expect_eq(M.phase, PHASE_WAGER);
	cr_expect_eq(model_phase_at(&M, now), PHASE_WAGER);
	cr_expect_eq(M.n_stakes, 3);
	cr_expect_eq(M.wager_q, 6);
	cr_expect_eq(M.wager_deadline, LOCAL(dl));
	cr_expect_str_eq(M.wager_category, "党史");
	cr_expect_eq(model_wager_left_pm(&M, now), 666);
	cr_expect_eq(model_wager_left_pm(&M, LOCAL(dl)), 0);
	cr_expect_eq(model_wager_left_pm(&M, 0), 1000);

	cr_expect_eq(model_key(&M, '4', now), 0, "no fourth stake");
	cr_expect_eq(model_key(&M, 'a', now), 0);
	cr_expect_eq(model_key(&M, '2', now), MODEL_WAGER | MODEL_REDRAW);
	cr_expect_eq(M.wager_sent, 20);
	cr_expect_eq(model_key(&M, '3', now), 0, "one stake on its way");
	cr_assert_eq(model_wager(&M, &w), 0);
	cr_expect_eq(w.question_index, 6);
	cr_expect_eq(w.stake, 20);

	/* a retryable refusal lets the stake be picked again */
	feed_error(&M, QUIZ__V1__ERROR_CODE__RATE_LIMITED, "slow");
	cr_expect_eq(M.wager_sent, 0);
	cr_expect_eq(model_key(&M, '3', now), MODEL_WAGER | MODEL_REDRAW);
	/* TOO_LATE keeps it */
	feed_error(&M, QUIZ__V1__ERROR_CODE__TOO_LATE, "late");
	cr_expect_eq(M.wager_sent, 30);

	cr_expect_eq(feed_wager_ack(&M, 5, 10, 7, "小明"), 0, "stale ack");
	cr_expect_eq(feed_wager_ack(&M, 6, 30, 7, "小明"), MODEL_REDRAW);
	cr_expect_eq(M.wager_stake, 30);
	cr_expect_eq(M.wager_sent, 0);
	cr_expect_eq(model_key(&M, '1', now), 0, "confirmed: no change");

	/* the question: its stake, its place in the round */
	q.index = 6;
	q.count = 9;
	q.kind = QUIZ__V1__QUESTION_KIND__TRUE_FALSE;
	q.stem = "判断";
	q.options = opt_tf;
	q.n_options = 2;
	q.reveal_at_us = REVEAL(6);
	q.deadline_at_us = DEADLINE(6);
	q.round = 2;
	q.round_index = 0;
	q.round_count = 2;
	q.stake = 30;
	feed(&M, BODY(QUESTION), &q);
	cr_expect_eq(M.phase, PHASE_QUESTION);
	cr_expect_eq(M.q_stake, 30);
	model_round_pos(&M, 6, &i, &n);
	cr_expect_eq(i, 1);
	cr_expect_eq(n, 2);
	cr_expect_eq(M.wager_stake, 30, "the stake stays on screen");
	/* re-sent without Question.stake: the acknowledged stake is shown */
	q.stake = 0;
	feed(&M, BODY(QUESTION), &q);
	cr_expect_eq(M.q_stake, 30);

	r.question_index = 6;
	r.answered = true;
	r.correct = false;
	r.delta = -30;
	r.stake = 30;
	r.total = -10;
	feed(&M, BODY(RESULT), &r);
	cr_expect_eq(M.r_delta, -30);
	cr_expect_eq(M.r_stake, 30);
	cr_expect_eq(M.r_total, -10);
	cr_expect_eq(M.r_points, 0);
}

/* A team member sees the stake another member picked, and cannot pick. */
Test(model, wager_team_member_sees_choice)
{
	uint64_t dl = 500 * SEC, now = LOCAL(dl) - SEC;

	joined_contest(&M, "一支部", 2, QUIZ__V1__ROOM_STATE__WAGERING);
	feed_wager_request(&M, 3, dl);
	cr_expect_eq(feed_wager_ack(&M, 3, 20, 9, "张三"), MODEL_REDRAW);
	cr_expect_eq(M.wager_stake, 20);
	cr_expect_eq(M.wager_by_pid, 9);
	cr_expect_str_eq(M.wager_by, "张三");
	cr_expect_eq(model_key(&M, '1', now), 0);
	/* the same request re-sent (resume) keeps the choice */
	feed_wager_request(&M, 3, dl + SEC);
	cr_expect_eq(M.wager_stake, 20);
	/* the next question's request starts afresh */
	feed_wager_request(&M, 4, dl + 60 * SEC);
	cr_expect_eq(M.wager_stake, 0);
	cr_expect_str_eq(M.wager_by, "");
	/* past the deadline: no key */
	cr_expect_eq(model_key(&M, '1', LOCAL(dl + 60 * SEC) + 1), 0);
	/* host and screen: keys do nothing */
	M.mode = MODE_SCREEN;
	cr_expect_eq(model_key(&M, '1', now), 0);
}

/* Pause in the wager phase: back to WAGER with the remaining time. */
Test(model, wager_pause_resume)
{
	uint64_t dl = 500 * SEC;

	joined_contest(&M, "一支部", 2, QUIZ__V1__ROOM_STATE__LOBBY);
	feed_wager_request(&M, 3, dl);
	feed_state(&M, QUIZ__V1__ROOM_STATE__PAUSED, 490 * SEC, 10 * SEC);
	cr_expect_eq(M.phase, PHASE_PAUSED);
	cr_expect_eq(M.phase_before_pause, PHASE_WAGER);
	cr_expect_eq(model_key(&M, '1', LOCAL(490 * SEC)), 0, "paused");
	feed_state(&M, QUIZ__V1__ROOM_STATE__WAGERING, 600 * SEC, 0);
	cr_expect_eq(M.phase, PHASE_WAGER);
	cr_expect_eq(M.wager_deadline, LOCAL(610 * SEC));
	/* a request arriving while paused is kept for after */
	feed_state(&M, QUIZ__V1__ROOM_STATE__PAUSED, 605 * SEC, 5 * SEC);
	feed_wager_request(&M, 3, 700 * SEC);
	cr_expect_eq(M.phase, PHASE_PAUSED);
	cr_expect_eq(M.phase_before_pause, PHASE_WAGER);
}

/* Result: signed deltas, the team answering for me, an old server. */
Test(model, result_signed_delta)
{
	Quiz__V1__Result r = QUIZ__V1__RESULT__INIT;

	in_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE);
	r.question_index = 0;
	r.correct = true;
	r.team_answered = true;
	r.delta = 10;
	r.points = 10;
	r.total = 110;
	feed(&M, BODY(RESULT), &r);
	cr_expect_not(M.r_answered);
	cr_expect(M.r_team_answered);
	cr_expect_eq(M.r_delta, 10);

	r.delta = INT64_MIN;
	r.points = 0;
	feed(&M, BODY(RESULT), &r);
	cr_expect_eq(M.r_delta, INT64_MIN);

	/* a server older than deltas: points only */
	r.delta = 0;
	r.points = 937;
	feed(&M, BODY(RESULT), &r);
	cr_expect_eq(M.r_delta, 937);
}

/* Reveal and Leaderboard carry the live board; tied individuals. */
Test(model, boards_and_ties)
{
	Quiz__V1__Reveal rv = QUIZ__V1__REVEAL__INIT;
	Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;
	Quiz__V1__TeamBoard tb = QUIZ__V1__TEAM_BOARD__INIT;
	Quiz__V1__TeamStanding t1 = QUIZ__V1__TEAM_STANDING__INIT;
	Quiz__V1__TeamStanding *tp[] = {&t1};
	Quiz__V1__Standing s[3], *sp[3];
	char *best[] = {"张三", "李小龙"};
	int i;

	joined_contest(&M, "一支部", 1, QUIZ__V1__ROOM_STATE__LOBBY);
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(0), DEADLINE(0));
	t1.rank = 1;
	t1.team = "一支部";
	t1.stake = 20;
	t1.top_members = best;
	t1.n_top_members = 2;
	tb.teams = tp;
	tb.n_teams = 1;
	rv.question_index = 0;
	rv.teams = &tb;
	feed(&M, BODY(REVEAL), &rv);
	cr_assert(M.board.have);
	cr_expect_eq(M.board.n, 1);
	cr_expect_eq(M.board.rows[0].stake, 20);
	cr_expect_eq(M.board.rows[0].n_top, 2);
	cr_expect_str_eq(M.board.rows[0].top[1], "李小龙");
	cr_expect_not(M.board.rows[0].tied);

	for (i = 0; i < 3; i++) {
		quiz__v1__standing__init(&s[i]);
		s[i].nickname = "某";
		sp[i] = &s[i];
	}
	s[0].rank = 1;
	s[1].rank = 1;
	s[2].rank = 3;
	lb.top = sp;
	lb.n_top = 3;
	lb.round = 2;
	lb.final = true;
	feed(&M, BODY(LEADERBOARD), &lb);
	cr_expect_not(M.board.have, "no board in the message: none");
	cr_expect(M.top[0].tied);
	cr_expect(M.top[1].tied);
	cr_expect_not(M.top[2].tied);
	cr_expect_eq(M.round, 2, "Leaderboard.round");
	cr_expect_eq(M.phase, PHASE_FINISHED);
}

/* Hostile contest messages: counts past every array, long names, escape
 * sequences, a round index past the contest. */
Test(model, hostile_contest_messages)
{
	static Quiz__V1__RoundInfo ri[100], *rip[100];
	static Quiz__V1__TeamStanding ts[1000], *tsp[1000];
	static uint32_t manystakes[1000];
	static char *names[100];
	static char longname[1024];
	Quiz__V1__ContestInfo ci = QUIZ__V1__CONTEST_INFO__INIT;
	Quiz__V1__Joined j = QUIZ__V1__JOINED__INIT;
	Quiz__V1__TeamBoard tb = QUIZ__V1__TEAM_BOARD__INIT;
	Quiz__V1__RoundEnd re = QUIZ__V1__ROUND_END__INIT;
	Quiz__V1__RoundStart rs = QUIZ__V1__ROUND_START__INIT;
	Quiz__V1__WagerRequest wr = QUIZ__V1__WAGER_REQUEST__INIT;
	Quiz__V1__Turn t = QUIZ__V1__TURN__INIT;
	Quiz__V1__Kicked k = QUIZ__V1__KICKED__INIT;
	size_t i;

	repeat(longname, sizeof(longname), "\x1b]52;c;x\x07", "党", 300);
	for (i = 0; i < 1000; i++)
		manystakes[i] = (uint32_t)i + 1;
	for (i = 0; i < 100; i++) {
		quiz__v1__round_info__init(&ri[i]);
		ri[i].name = longname;
		ri[i].stakes = manystakes;
		ri[i].n_stakes = 1000;
		ri[i].format = (Quiz__V1__RoundFormat)77;
		rip[i] = &ri[i];
		names[i] = longname;
	}
	for (i = 0; i < 1000; i++) {
		quiz__v1__team_standing__init(&ts[i]);
		ts[i].team = longname;
		ts[i].rank = 1;
		ts[i].top_members = names;
		ts[i].n_top_members = 100;
		tsp[i] = &ts[i];
	}
	joined(&M, "小明");
	ci.title = longname;
	ci.rounds = rip;
	ci.n_rounds = 100;
	ci.teams = names;
	ci.n_teams = 100;
	j.contest = &ci;
	j.round = UINT32_MAX;
	j.code = "X";
	feed(&M, BODY(JOINED), &j);
	cr_expect_eq(M.n_rounds, MODEL_ROUNDS_MAX);
	cr_expect_eq(M.rounds[0].n_stakes, MODEL_STAKES_MAX);
	cr_expect_eq(M.n_fixed_teams, MODEL_TEAMS_MAX);
	cr_expect_eq(M.round, UINT32_MAX);
	cr_expect_eq(M.cur.n_stakes, 0, "a round past the contest: empty");
	expect_inert("round name", M.rounds[0].name, false);
	expect_inert("title", M.title, false);
	cr_expect_lt(strlen(M.rounds[0].name), sizeof(M.rounds[0].name));

	tb.teams = tsp;
	tb.n_teams = 1000;
	re.teams = &tb;
	re.round = UINT32_MAX;
	re.rounds = 0;
	feed(&M, BODY(ROUND_END), &re);
	cr_expect_eq(M.board.n, MODEL_TEAMS_MAX);
	cr_expect_eq(M.board.rows[63].n_top, MODEL_MEMBERS_MAX);
	cr_expect(M.board.rows[0].tied);
	expect_inert("team", M.board.rows[5].name, false);
	expect_inert("member", M.board.rows[5].top[4], false);
	cr_expect_lt(strlen(M.board.rows[5].name), MODEL_TEAM_NAME);

	/* NULL entries skipped */
	tsp[0] = NULL;
	tb.n_teams = 3;
	feed(&M, BODY(ROUND_END), &re);
	cr_expect_eq(M.board.n, 2);
	tsp[0] = &ts[0];

	quiz__v1__round_info__init(&ri[0]);
	ri[0].index = UINT32_MAX;
	rs.round = &ri[0];
	feed(&M, BODY(ROUND_START), &rs);
	cr_expect_eq(M.n_rounds, MODEL_ROUNDS_MAX, "no round past the array");

	wr.stakes = manystakes;
	wr.n_stakes = 1000;
	wr.category = longname;
	wr.deadline_at_us = UINT64_MAX;
	feed(&M, BODY(WAGER_REQUEST), &wr);
	cr_expect_eq(M.n_stakes, MODEL_STAKES_MAX);
	expect_inert("category", M.wager_category, false);
	cr_expect_leq(model_wager_left_pm(&M, 0), 1000);
	cr_expect_eq(model_key(&M, '8', 0), MODEL_WAGER | MODEL_REDRAW);
	cr_expect_eq(M.wager_sent, 8);
	/* a zero stake is not sent */
	manystakes[0] = 0;
	wr.question_index = 1;
	feed(&M, BODY(WAGER_REQUEST), &wr);
	cr_expect_eq(model_key(&M, '1', 0), 0);
	manystakes[0] = 1;

	t.team = longname;
	t.nickname = longname;
	feed(&M, BODY(TURN), &t);
	expect_inert("turn team", M.turn_team, false);
	expect_inert("turn nick", M.turn_nick, false);

	/* once kicked, a turn or a wager request changes nothing */
	k.reason = "bye";
	feed(&M, BODY(KICKED), &k);
	cr_expect_eq(feed(&M, BODY(TURN), &t), 0);
	feed(&M, BODY(WAGER_REQUEST), &wr);
	cr_expect_eq(M.phase, PHASE_KICKED);
	feed(&M, BODY(ROUND_END), &re);
	cr_expect_eq(M.phase, PHASE_KICKED);
}

/* --- 抢答 (BUZZ) and judges ------------------------------------------- */

#define ARMED(q) (REVEAL(q) + 5 * SEC) /* the buzzer arms (server clock) */

/* RoundStart of a buzz round (index 0) marked by judge. */
static void buzz_round(struct model *m, int judge)
{
	Quiz__V1__RoundStart rs = QUIZ__V1__ROUND_START__INIT;
	Quiz__V1__RoundInfo ri = QUIZ__V1__ROUND_INFO__INIT;

	ri.index = 0;
	ri.format = QUIZ__V1__ROUND_FORMAT__BUZZ;
	ri.name = "抢答题";
	ri.questions = 3;
	ri.time_limit_ms = 20000;
	ri.points = 10;
	ri.penalty = -10;
	ri.reading_ms = 5000;
	ri.arm_ms = 20000;
	ri.tie_ms = 20;
	ri.foul = -10;
	ri.rebounds = 1;
	ri.judge = (Quiz__V1__JudgeMode)judge;
	rs.round = &ri;
	rs.rounds = 1;
	cr_assert_eq(feed(m, BODY(ROUND_START), &rs), MODEL_REDRAW);
}

/* Question q of the buzz round (kind, 4 options unless fill-in), armed at
 * ARMED(q). */
static int buzz_question(struct model *m, uint32_t q, int kind)
{
	Quiz__V1__Question b = QUIZ__V1__QUESTION__INIT;

	b.index = q;
	b.count = 3;
	b.kind = (Quiz__V1__QuestionKind)kind;
	b.stem = "中国共产党成立于哪一年？";
	if (kind != QUIZ__V1__QUESTION_KIND__FILL) {
		b.options = opt4;
		b.n_options = 4;
	}
	b.reveal_at_us = REVEAL(q);
	b.deadline_at_us = DEADLINE(q);
	b.time_limit_ms = 20000;
	b.points = 10;
	b.round = 0;
	b.round_index = q;
	b.round_count = 3;
	b.armed_at_us = ARMED(q);
	return feed(m, BODY(QUESTION), &b);
}

/* Contestant 小明 (player 7) of team ("" none) in a buzz round marked by
 * judge, looking at question 0 (kind). */
static void buzz_contestant(struct model *m, const char *team, int judge,
			    int kind)
{
	joined(m, "小明");
	model_set_team(m, team);
	buzz_round(m, judge);
	buzz_question(m, 0, kind);
}

/* A press (server fields) for BuzzState / BuzzResult. */
static void press(Quiz__V1__Press *p, uint32_t pid, char *nick, char *team,
		  int outcome, int64_t gap, uint32_t arm)
{
	quiz__v1__press__init(p);
	p->player_id = pid;
	p->nickname = nick;
	p->team = team;
	p->outcome = (Quiz__V1__PressOutcome)outcome;
	p->gap_us = gap;
	p->react_us = outcome == MODEL_PRESS_FOUL ? -800 * (int64_t)MS
						  : 120 * (int64_t)MS + gap;
	p->received_at_us = ARMED(0) + 200 * MS;
	p->one_way_us = 4000;
	p->arm = arm;
}

/* A BuzzState of question q. */
static int buzz_state(struct model *m, uint32_t q, int phase, uint32_t arm,
		      uint32_t winner, Quiz__V1__Press **presses, size_t n,
		      char **out, size_t n_out)
{
	Quiz__V1__BuzzState b = QUIZ__V1__BUZZ_STATE__INIT;

	b.question_index = q;
	b.phase = (Quiz__V1__BuzzPhase)phase;
	b.arm = arm;
	b.rebounds_left = arm ? 0 : 1;
	b.armed_at_us = arm ? ARMED(q) + 30 * SEC : ARMED(q);
	b.arm_deadline_us = b.armed_at_us + 20 * SEC;
	b.winner_id = winner;
	b.winner_nickname = winner == 7 ? "小明" : winner ? "Bob" : "";
	b.winner_team = winner == 7 ? "一支部" : winner ? "二支部" : "";
	if (phase == MODEL_BUZZ_ANSWERING)
		b.answer_deadline_us = ARMED(q) + 21 * SEC;
	b.presses = presses;
	b.n_presses = n;
	b.locked_out = out;
	b.n_locked_out = n_out;
	b.sent_at_us = ARMED(q) + 1 * SEC;
	return feed(m, BODY(BUZZ_STATE), &b);
}

/* A BuzzResult for question q. */
static int buzz_result(struct model *m, uint32_t q, Quiz__V1__Press *p)
{
	Quiz__V1__BuzzResult r = QUIZ__V1__BUZZ_RESULT__INIT;

	r.question_index = q;
	r.press = p;
	return feed(m, BODY(BUZZ_RESULT), &r);
}

/* RoundInfo's buzz fields reach the model, in RoundStart and contests. */
Test(model, buzz_round_info)
{
	joined(&M, "小明");
	buzz_round(&M, MODEL_JUDGE_ORAL);
	cr_expect_eq(M.cur.format, MODEL_FMT_BUZZ);
	cr_expect_eq(M.cur.reading_ms, 5000);
	cr_expect_eq(M.cur.arm_ms, 20000);
	cr_expect_eq(M.cur.tie_ms, 20);
	cr_expect_eq(M.cur.foul, -10);
	cr_expect_eq(M.cur.rebounds, 1);
	cr_expect_eq(M.cur.judge, MODEL_JUDGE_ORAL);
	cr_expect_eq(M.cur.penalty, -10);
	cr_expect_eq(M.rounds[0].judge, MODEL_JUDGE_ORAL);
}

/* The question shows while it is read (READING), turns ARMED at armed_at
 * on the local clock, and the space bar presses once per arming, before
 * armed_at too (the server calls the foul). */
Test(model, buzz_reading_armed_and_press)
{
	Quiz__V1__Buzz b;
	uint64_t r = LOCAL(REVEAL(0)), a = LOCAL(ARMED(0));

	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	cr_expect(M.q_buzz);
	cr_expect_eq(M.armed_at, a, "armed_at converted to the local clock");
	cr_expect_eq(model_buzz_phase_at(&M, r + SEC), MODEL_BUZZ_READING);
	cr_expect_eq(model_buzz_phase_at(&M, a - 1), MODEL_BUZZ_READING);
	cr_expect_eq(model_buzz_phase_at(&M, a), MODEL_BUZZ_ARMED);
	cr_expect_not(model_my_turn(&M), "nobody answers before a win");
	cr_expect_eq(model_buzz(&M, &b), -1, "nothing pressed yet");

	/* before the reveal: nothing; option keys never answer */
	cr_expect_eq(model_key(&M, ' ', r - 1), 0);
	cr_expect_eq(model_key(&M, 'a', a + SEC), 0);
	cr_expect_not(M.locked);
	/* an early press is sent (a foul for the server to call) */
	cr_expect_eq(model_key(&M, ' ', r + SEC), MODEL_BUZZ | MODEL_REDRAW);
	cr_expect(M.buzz_sent);
	cr_expect_eq(M.buzz_sent_at, r + SEC, "the local 已按下 at once");
	cr_expect_eq(model_buzz(&M, &b), 0);
	cr_expect_eq(b.question_index, 0);
	cr_expect_eq(model_key(&M, ' ', r + 2 * SEC), 0, "once per arming");
	cr_expect_null(model_my_press(&M), "not decided yet");

	/* the same through model_buzz_press, and never for host or screen */
	cr_expect_eq(model_buzz_press(&M, a), 0);
	model_init(&M, MODE_SCREEN, NULL);
	cr_expect_eq(model_buzz_press(&M, a), 0);
	cr_expect_eq(model_buzz_phase_at(&M, a), -1, "no buzzer on screen");
}

/* A foul: BuzzResult tells me, the BuzzState locks my team out, and the
 * space bar sends nothing more on this question. */
Test(model, buzz_foul_locks_out)
{
	Quiz__V1__Press p, p2, *pp[2] = {&p2, &p};
	char *out[] = {"一支部"};
	uint64_t r = LOCAL(REVEAL(0)), a = LOCAL(ARMED(0));
	const struct model_press *mine;

	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	model_key(&M, ' ', r + SEC);
	press(&p, 7, "小明", "一支部", MODEL_PRESS_FOUL, 0, 0);
	cr_expect_eq(buzz_result(&M, 0, &p), MODEL_REDRAW);
	mine = model_my_press(&M);
	cr_assert_not_null(mine);
	cr_expect_eq(mine->outcome, MODEL_PRESS_FOUL);
	cr_expect_eq(mine->react_us, -800 * (int64_t)MS);
	cr_expect_eq(mine->one_way_us, 4000);
	cr_expect_str_eq(mine->team, "一支部");

	press(&p2, 9, "Bob", "二支部", MODEL_PRESS_WON, 0, 0);
	cr_expect_eq(
	    buzz_state(&M, 0, MODEL_BUZZ_ANSWERING, 0, 9, pp, 2, out, 1),
	    MODEL_REDRAW);
	cr_expect(model_buzz_out(&M));
	cr_expect_eq(M.n_presses, 2);
	cr_expect_str_eq(M.presses[0].nick, "Bob");
	cr_expect_eq(M.presses[1].outcome, MODEL_PRESS_FOUL);
	cr_expect_eq(M.winner_id, 9);
	cr_expect_str_eq(M.winner_team, "二支部");
	cr_expect_eq(M.answer_deadline, LOCAL(ARMED(0) + 21 * SEC));
	cr_expect_not(model_buzz_answering(&M), "Bob answers, not me");
	cr_expect_eq(model_key(&M, 'b', a + SEC), 0);

	/* a rebound: my team is still out, so nothing is sent */
	buzz_state(&M, 0, MODEL_BUZZ_ARMED, 1, 0, pp, 2, out, 1);
	cr_expect_not(M.buzz_sent, "a new arming");
	cr_expect_eq(model_key(&M, ' ', a + 31 * SEC), 0);
	cr_expect_null(model_my_press(&M), "the foul was in arming 0");

	/* a contestant without a team is out by nickname */
	buzz_contestant(&M, "", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	out[0] = "小明";
	buzz_state(&M, 0, MODEL_BUZZ_ARMED, 0, 0, NULL, 0, out, 1);
	cr_expect(model_buzz_out(&M));
	cr_expect_eq(model_key(&M, ' ', a + SEC), 0);
}

/* Slower by 23 ms: the gap comes from BuzzResult, or from my press in the
 * BuzzState when the result has not come. */
Test(model, buzz_slower_gap)
{
	Quiz__V1__Press w, me, *pp[2] = {&w, &me};
	uint64_t a = LOCAL(ARMED(0));

	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	cr_expect_eq(model_key(&M, ' ', a + 100 * MS),
		     MODEL_BUZZ | MODEL_REDRAW);
	press(&w, 9, "Bob", "二支部", MODEL_PRESS_WON, 0, 0);
	press(&me, 7, "小明", "一支部", MODEL_PRESS_SLOWER, 23 * (int64_t)MS,
	      0);
	buzz_state(&M, 0, MODEL_BUZZ_ANSWERING, 0, 9, pp, 2, NULL, 0);
	cr_assert_not_null(model_my_press(&M));
	cr_expect_eq(model_my_press(&M)->outcome, MODEL_PRESS_SLOWER);
	cr_expect_eq(model_my_press(&M)->gap_us, 23000);
	me.gap_us = 24000;
	buzz_result(&M, 0, &me);
	cr_expect_eq(model_my_press(&M)->gap_us, 24000, "BuzzResult first");
	/* a pending press in the list is not a decision */
	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	press(&me, 7, "小明", "一支部", MODEL_PRESS_PENDING, 0, 0);
	buzz_state(&M, 0, MODEL_BUZZ_ARMED, 0, 0, pp + 1, 1, NULL, 0);
	cr_expect_null(model_my_press(&M));
}

/* The winner answers on screen until the answer deadline (choices and
 * fill-in); the others' keys do nothing. */
Test(model, buzz_winner_answers)
{
	Quiz__V1__Press w, *pp[1] = {&w};
	Quiz__V1__Answer ans;
	uint32_t choices[MODEL_OPTIONS_MAX];
	uint64_t a = LOCAL(ARMED(0)), dl = LOCAL(ARMED(0) + 21 * SEC);

	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	model_key(&M, ' ', a + 50 * MS);
	press(&w, 7, "小明", "一支部", MODEL_PRESS_WON, 0, 0);
	buzz_result(&M, 0, &w);
	buzz_state(&M, 0, MODEL_BUZZ_ANSWERING, 0, 7, pp, 1, NULL, 0);
	cr_expect(model_buzz_answering(&M));
	cr_expect(model_my_turn(&M));
	cr_expect_eq(model_my_press(&M)->outcome, MODEL_PRESS_WON);
	cr_expect_eq(model_key(&M, 'b', dl + 1), 0, "after the deadline");
	cr_expect_eq(model_key(&M, 'b', a + SEC), MODEL_ANSWER | MODEL_REDRAW);
	cr_expect_eq(model_answer(&M, &ans, choices), 0);
	cr_expect_eq(ans.n_choices, 1);
	cr_expect_eq(choices[0], 1);

	/* a fill-in question: the winner types, the others cannot */
	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__FILL);
	cr_expect_eq(model_fill_input(&M, "党"), 0, "no winner yet");
	buzz_state(&M, 0, MODEL_BUZZ_ANSWERING, 0, 7, pp, 1, NULL, 0);
	cr_expect_eq(model_fill_input(&M, "党"), MODEL_REDRAW);
	cr_expect_eq(model_fill_input(&M, " "), MODEL_REDRAW,
		     "space types while answering");
	cr_expect_str_eq(M.fill, "党 ");
	cr_expect_not(M.buzz_sent);
	cr_expect_eq(model_key(&M, '\n', a + SEC), MODEL_ANSWER | MODEL_REDRAW);
	buzz_state(&M, 0, MODEL_BUZZ_ANSWERING, 0, 9, pp, 1, NULL, 0);
	cr_expect_not(model_buzz_answering(&M));

	/* an oral round: the winner answers aloud, no key answers */
	buzz_contestant(&M, "一支部", MODEL_JUDGE_ORAL,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	buzz_state(&M, 0, MODEL_BUZZ_ANSWERING, 0, 7, pp, 1, NULL, 0);
	cr_expect_not(model_buzz_answering(&M));
	cr_expect_eq(model_key(&M, 'b', a + SEC), 0);
}

/* A rebound re-arms: a contestant who pressed in arming 0 presses again;
 * the READING of a rebound turns ARMED at its own armed_at. */
Test(model, buzz_rebound)
{
	Quiz__V1__Press s, *pp[1] = {&s};
	char *out[] = {"二支部"};
	uint64_t a = LOCAL(ARMED(0)), a1 = LOCAL(ARMED(0) + 30 * SEC);

	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	model_key(&M, ' ', a + 80 * MS);
	press(&s, 7, "小明", "一支部", MODEL_PRESS_SLOWER, 37 * (int64_t)MS, 0);
	buzz_result(&M, 0, &s);
	cr_expect_eq(model_key(&M, ' ', a + SEC), 0);
	buzz_state(&M, 0, MODEL_BUZZ_READING, 1, 0, pp, 1, out, 1);
	cr_expect_eq(M.buzz_arm, 1);
	cr_expect_not(model_buzz_out(&M), "二支部 is out, not mine");
	cr_expect_null(model_my_press(&M), "the slower press was arming 0");
	cr_expect_eq(model_buzz_phase_at(&M, a1 - 1), MODEL_BUZZ_READING);
	cr_expect_eq(model_buzz_phase_at(&M, a1), MODEL_BUZZ_ARMED);
	cr_expect_eq(model_key(&M, ' ', a1 + 10 * MS),
		     MODEL_BUZZ | MODEL_REDRAW);
	cr_expect_eq(M.buzz_sent_arm, 1);
	/* a rebound as the server sends it: ARMED with armed_at ahead is
	 * locked until armed_at */
	buzz_state(&M, 0, MODEL_BUZZ_ARMED, 1, 0, pp, 1, out, 1);
	cr_expect_eq(model_buzz_phase_at(&M, a1 - 1), MODEL_BUZZ_READING);
	cr_expect_eq(model_buzz_phase_at(&M, a1), MODEL_BUZZ_ARMED);
	/* the same arming again: the press stays sent */
	buzz_state(&M, 0, MODEL_BUZZ_ARMED, 1, 0, pp, 1, out, 1);
	cr_expect(M.buzz_sent);
	/* DONE: nothing to press */
	buzz_state(&M, 0, MODEL_BUZZ_DONE, 2, 0, pp, 1, out, 1);
	cr_expect_eq(model_buzz_phase_at(&M, a1 + SEC), MODEL_BUZZ_DONE);
	cr_expect_eq(model_key(&M, ' ', a1 + SEC), 0);
}

/* A refused press (BAD_STATE: paused, say) can be pressed again;
 * ALREADY_ANSWERED keeps it; NOT_YOUR_TURN does not switch off the
 * buzzer for the rest of the question. */
Test(model, buzz_refusals)
{
	Quiz__V1__Press w, *pp[1] = {&w};
	uint64_t a = LOCAL(ARMED(0));

	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	model_key(&M, ' ', a + SEC);
	feed_error(&M, QUIZ__V1__ERROR_CODE__ALREADY_ANSWERED, "dup");
	cr_expect(M.buzz_sent);
	feed_error(&M, QUIZ__V1__ERROR_CODE__BAD_STATE, "paused");
	cr_expect_not(M.buzz_sent);
	cr_expect_eq(model_key(&M, ' ', a + SEC), MODEL_BUZZ | MODEL_REDRAW);
	feed_error(&M, QUIZ__V1__ERROR_CODE__NOT_YOUR_TURN, "not the winner");
	cr_expect_not(M.turn_refused);
	press(&w, 7, "小明", "一支部", MODEL_PRESS_WON, 0, 0);
	buzz_state(&M, 0, MODEL_BUZZ_ANSWERING, 0, 7, pp, 1, NULL, 0);
	cr_expect(model_my_turn(&M));
}

/* BuzzState or BuzzResult of another question, and a new question, leave
 * nothing of the old buzzer. A resent Question keeps it. */
Test(model, buzz_stale_and_new_question)
{
	Quiz__V1__Press w, *pp[1] = {&w};
	uint64_t a = LOCAL(ARMED(0));

	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	press(&w, 9, "Bob", "二支部", MODEL_PRESS_WON, 0, 0);
	cr_expect_eq(
	    buzz_state(&M, 5, MODEL_BUZZ_ANSWERING, 0, 9, pp, 1, NULL, 0), 0);
	cr_expect_eq(buzz_result(&M, 5, &w), 0);
	cr_expect_not(M.have_buzz);
	model_key(&M, ' ', a + SEC);
	buzz_state(&M, 0, MODEL_BUZZ_ANSWERING, 0, 9, pp, 1, NULL, 0);
	buzz_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE); /* resent */
	cr_expect(M.have_buzz);
	cr_expect_not(M.buzz_sent, "not decided: may be lost, press again");
	cr_expect_eq(M.n_presses, 1);
	cr_expect_eq(model_key(&M, ' ', a + 2 * SEC),
		     MODEL_BUZZ | MODEL_REDRAW);
	press(&w, 7, "小明", "一支部", MODEL_PRESS_SLOWER, 5000, 0);
	buzz_result(&M, 0, &w);
	buzz_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE); /* resent */
	cr_expect(M.buzz_sent, "decided: kept");
	buzz_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE);
	cr_expect(M.q_buzz);
	cr_expect_not(M.have_buzz);
	cr_expect_not(M.buzz_sent);
	cr_expect_eq(M.n_presses, 0);
	cr_expect_eq(M.winner_id, 0);
	cr_expect_eq(M.armed_at, LOCAL(ARMED(1)));
	/* a question of another round without armed_at has no buzzer */
	joined(&M, "小明");
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(0), DEADLINE(0));
	cr_expect_not(M.q_buzz);
	cr_expect_eq(model_key(&M, ' ', LOCAL(REVEAL(0)) + SEC), 0);
}

/* A host with the judge token in RoomCreated (shown in the lobby). */
static void host_created(struct model *m)
{
	Quiz__V1__RoomCreated rc = QUIZ__V1__ROOM_CREATED__INIT;

	model_init(m, MODE_HOST, NULL);
	rc.code = "ABCD-EFGH";
	rc.host_token = "tok";
	rc.judge_token = "7K3M9Q2W8X4Y6Z1A";
	feed(m, BODY(ROOM_CREATED), &rc);
}

/* JudgeItem i: the buzz winner (player set) or a group of count. */
static void item(Quiz__V1__JudgeItem *it, uint32_t index, char *text,
		 uint32_t count, bool sugg, uint32_t pid)
{
	quiz__v1__judge_item__init(it);
	it->index = index;
	it->text = text;
	it->count = count;
	it->suggestion = sugg;
	it->player_id = pid;
	it->nickname = pid ? "Bob" : "";
	it->team = pid ? "二支部" : "";
}

/* A JudgeRequest for question q. */
static int judge_request(struct model *m, uint32_t q,
			 Quiz__V1__JudgeItem **items, size_t n, bool done)
{
	Quiz__V1__JudgeRequest r = QUIZ__V1__JUDGE_REQUEST__INIT;
	uint32_t correct[] = {1};

	r.question_index = q;
	r.items = items;
	r.n_items = n;
	r.correct = correct;
	r.n_correct = 1;
	r.correct_text = "";
	r.since_us = ARMED(q) + 2 * SEC;
	r.done = done;
	return feed(m, BODY(JUDGE_REQUEST), &r);
}

/* The host judges an oral buzz answer: the AnswerKey, the item, one key
 * rules it, keys wait for the server, the ruling comes back. */
Test(model, judge_host_oral)
{
	Quiz__V1__AnswerKey k = QUIZ__V1__ANSWER_KEY__INIT;
	Quiz__V1__JudgeItem it, *ip[1] = {&it};
	Quiz__V1__Verdict v;
	uint32_t correct[] = {1};

	host_created(&M);
	cr_expect(M.judge);
	cr_expect_str_eq(M.judge_token, "7K3M9Q2W8X4Y6Z1A");
	buzz_round(&M, MODEL_JUDGE_ORAL);
	buzz_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE);
	k.question_index = 0;
	k.correct = correct;
	k.n_correct = 1;
	k.explanation = "1921 年 7 月";
	cr_expect_eq(feed(&M, BODY(ANSWER_KEY), &k), MODEL_REDRAW);
	cr_expect(M.have_key);
	cr_expect_eq(M.key_mask, 2);
	cr_expect_str_eq(M.key_expl, "1921 年 7 月");
	cr_expect_not(model_judge_open(&M));
	cr_expect_eq(model_judge_key(&M, 'y'), 0, "nothing awaited");

	item(&it, 0, "", 1, false, 9);
	cr_expect_eq(judge_request(&M, 0, ip, 1, false), MODEL_REDRAW);
	cr_expect(model_judge_open(&M));
	cr_expect_eq(M.n_items, 1);
	cr_expect_eq(M.items[0].player_id, 9);
	cr_expect_str_eq(M.items[0].nick, "Bob");
	cr_expect_eq(M.jreq_since, LOCAL(ARMED(0) + 2 * SEC));
	cr_expect_eq(M.jreq_mask, 2);
	cr_expect_eq(model_judge_key(&M, 'n'), 0, "the host's n is next");
	cr_expect_eq(model_judge_key(&M, 'x'), 0);
	cr_expect_eq(model_verdict(&M, &v), -1);
	cr_expect_eq(model_judge_key(&M, 'w'), MODEL_VERDICT | MODEL_REDRAW);
	cr_expect_eq(model_verdict(&M, &v), 0);
	cr_expect_eq(v.question_index, 0);
	cr_expect_eq(v.item, 0);
	cr_expect_not(v.correct);
	cr_expect_not(v.rest);
	cr_expect_eq(model_judge_key(&M, 'y'), 0, "one verdict at a time");
	model_verdict_done(&M);
	cr_expect_eq(model_judge_key(&M, '1'), MODEL_VERDICT | MODEL_REDRAW);
	cr_expect_eq(model_verdict(&M, &v), 0);
	cr_expect(v.correct);
	/* the server's ruling: done, nothing more awaited */
	it.ruled = true;
	it.correct = true;
	judge_request(&M, 0, ip, 1, true);
	cr_expect_not(M.verdict_sent);
	cr_expect_not(model_judge_open(&M));
	cr_expect(M.items[0].ruled);
	cr_expect(M.items[0].correct);
	/* a request for another question than the one on screen: not open */
	it.ruled = false;
	judge_request(&M, 4, ip, 1, false);
	cr_expect_not(model_judge_open(&M));
}

/* Grouped fill-in answers (state JUDGING): the cursor moves with the
 * arrows and skips ruled items, 'a' rules the rest as suggested, a
 * refusal (NOT_JUDGE) frees the keys and has its sentence. */
Test(model, judge_fill_groups)
{
	Quiz__V1__JudgeItem it[3], *ip[3] = {&it[0], &it[1], &it[2]};
	Quiz__V1__Verdict v;

	host_created(&M);
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__FILL, NULL, 0, REVEAL(0),
		      DEADLINE(0));
	cr_expect_not(M.q_buzz);
	feed_state(&M, QUIZ__V1__ROOM_STATE__JUDGING, DEADLINE(0) + SEC, 0);
	cr_expect_eq(M.phase, PHASE_JUDGING);
	cr_expect_eq(M.judging_since, LOCAL(DEADLINE(0) + SEC));
	cr_expect_eq(model_phase_at(&M, LOCAL(DEADLINE(0)) + 2 * SEC),
		     PHASE_JUDGING);
	item(&it[0], 0, "全心全意为人民服务", 12, true, 0);
	item(&it[1], 1, "为人民服务", 3, false, 0);
	item(&it[2], 2, "服务人民", 1, false, 0);
	judge_request(&M, 0, ip, 3, false);
	cr_expect(model_judge_open(&M));
	cr_expect_eq(M.items[0].count, 12);
	cr_expect(M.items[0].suggestion);
	cr_expect_eq(M.item_cursor, 0);
	cr_expect_eq(model_judge_key(&M, MODEL_KEY_DOWN), MODEL_REDRAW);
	cr_expect_eq(M.item_cursor, 1);
	cr_expect_eq(model_judge_key(&M, MODEL_KEY_UP), MODEL_REDRAW);
	cr_expect_eq(model_judge_key(&M, MODEL_KEY_UP), MODEL_REDRAW);
	cr_expect_eq(M.item_cursor, 2, "wraps");
	model_judge_key(&M, MODEL_KEY_DOWN);
	model_judge_key(&M, MODEL_KEY_DOWN);
	cr_expect_eq(model_judge_key(&M, 'y'), MODEL_VERDICT | MODEL_REDRAW);
	model_verdict(&M, &v);
	cr_expect_eq(v.item, 1);
	cr_expect(v.correct, "a synonym accepted");
	feed_error(&M, QUIZ__V1__ERROR_CODE__NOT_JUDGE, "not a judge");
	cr_expect_eq(M.error_code, QUIZ__V1__ERROR_CODE__NOT_JUDGE);
	cr_expect_not(M.verdict_sent);
	cr_expect_eq(M.phase, PHASE_JUDGING, "a refusal keeps the phase");
	/* item 1 ruled: the cursor moves on to the next unruled one */
	it[1].ruled = true;
	it[1].correct = true;
	judge_request(&M, 0, ip, 3, false);
	cr_expect_eq(M.item_cursor, 2);
	cr_expect_eq(model_judge_key(&M, 'a'), MODEL_VERDICT | MODEL_REDRAW);
	model_verdict(&M, &v);
	cr_expect(v.rest);
	/* the reveal ends the judging */
	{
		Quiz__V1__Reveal r = QUIZ__V1__REVEAL__INIT;

		r.question_index = 0;
		r.correct_text = "全心全意为人民服务";
		feed(&M, BODY(REVEAL), &r);
		cr_expect_eq(M.phase, PHASE_REVEAL);
		cr_expect_not(model_judge_open(&M));
	}
}

/* `quiz judge`: Watching.judge makes a judge ('n' rules wrong there); a
 * screen without it never rules; a contestant never sees the key. */
Test(model, judge_watching_and_contestant)
{
	Quiz__V1__Watching w = QUIZ__V1__WATCHING__INIT;
	Quiz__V1__AnswerKey k = QUIZ__V1__ANSWER_KEY__INIT;
	Quiz__V1__JudgeItem it, *ip[1] = {&it};
	Quiz__V1__Verdict v;

	model_init(&M, MODE_JUDGE, NULL);
	w.code = "ABCD-EFGH";
	w.state = QUIZ__V1__ROOM_STATE__JUDGING;
	w.judge = true;
	feed(&M, BODY(WATCHING), &w);
	cr_expect(M.judge);
	cr_expect_eq(M.phase, PHASE_JUDGING);
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__FILL, NULL, 0, REVEAL(0),
		      DEADLINE(0));
	feed_state(&M, QUIZ__V1__ROOM_STATE__JUDGING, DEADLINE(0), 0);
	item(&it, 0, "民主集中制", 2, true, 0);
	judge_request(&M, 0, ip, 1, false);
	cr_expect_eq(model_judge_key(&M, 'n'), MODEL_VERDICT | MODEL_REDRAW);
	model_verdict(&M, &v);
	cr_expect_not(v.correct);

	model_init(&M, MODE_JUDGE, NULL);
	w.judge = false;
	feed(&M, BODY(WATCHING), &w);
	cr_expect_not(M.judge, "the token was not taken");
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__FILL, NULL, 0, REVEAL(0),
		      DEADLINE(0));
	feed_state(&M, QUIZ__V1__ROOM_STATE__JUDGING, DEADLINE(0), 0);
	judge_request(&M, 0, ip, 1, false);
	cr_expect_not(model_judge_open(&M));
	cr_expect_eq(model_judge_key(&M, 'y'), 0);

	/* a contestant: AnswerKey and JudgeRequest are not for it */
	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	k.question_index = 0;
	k.correct_text = "secret";
	cr_expect_eq(feed(&M, BODY(ANSWER_KEY), &k), 0);
	cr_expect_eq(judge_request(&M, 0, ip, 1, false), 0);
	cr_expect_not(M.have_key);
	cr_expect_not(M.have_jreq);
	cr_expect_str_eq(M.key_text, "");
	cr_expect_eq(model_judge_key(&M, 'y'), 0);
	/* a contestant in JUDGING sees the phase */
	feed_state(&M, QUIZ__V1__ROOM_STATE__JUDGING, DEADLINE(0), 0);
	cr_expect_eq(M.phase, PHASE_JUDGING);
	/* paused and resumed in JUDGING: since when stays */
	feed_state(&M, QUIZ__V1__ROOM_STATE__PAUSED, DEADLINE(0) + SEC, 0);
	feed_state(&M, QUIZ__V1__ROOM_STATE__JUDGING, DEADLINE(0) + 9 * SEC, 0);
	cr_expect_eq(M.phase, PHASE_JUDGING);
	cr_expect_eq(M.judging_since, LOCAL(DEADLINE(0) + 9 * SEC));
}

/* Hostile buzz and judge messages: counts clamped, strings inert, NULL
 * entries skipped, unknown phases taken as DONE. */
Test(model, hostile_buzz_and_judge)
{
	static Quiz__V1__Press ps[100], *pp[100];
	static Quiz__V1__JudgeItem its[200], *ip[200];
	static char *outs[100];
	static char longname[1024];
	uint32_t many[100];
	size_t i;

	repeat(longname, sizeof(longname), "\x1b[2J\x9b", "抢", 300);
	for (i = 0; i < 100; i++) {
		press(&ps[i], (uint32_t)i, longname, longname,
		      MODEL_PRESS_SLOWER, (int64_t)i, 0);
		pp[i] = &ps[i];
		outs[i] = longname;
		many[i] = (uint32_t)i * 1000;
	}
	for (i = 0; i < 200; i++) {
		item(&its[i], (uint32_t)i, longname, 1, false, 0);
		its[i].nickname = longname;
		its[i].choices = many;
		its[i].n_choices = 100;
		ip[i] = &its[i];
	}
	buzz_contestant(&M, "一支部", MODEL_JUDGE_AUTO,
			QUIZ__V1__QUESTION_KIND__SINGLE);
	pp[0] = NULL;
	buzz_state(&M, 0, MODEL_BUZZ_ARMED, 0, 0, pp, 100, outs, 100);
	cr_expect_eq(M.n_presses, MODEL_PRESSES_MAX);
	cr_expect_eq(M.presses[0].player_id, 1, "NULL skipped");
	cr_expect_eq(M.n_out, MODEL_OUT_MAX);
	expect_inert("press nick", M.presses[3].nick, false);
	expect_inert("press team", M.presses[3].team, false);
	expect_inert("locked out", M.out[15], false);
	buzz_state(&M, 0, 77, 0, 0, NULL, 0, NULL, 0);
	cr_expect_eq(M.buzz_phase, MODEL_BUZZ_DONE);
	cr_expect_eq(model_key(&M, ' ', LOCAL(ARMED(0))), 0);
	cr_expect_eq(buzz_result(&M, 0, NULL), 0, "no press");

	host_created(&M);
	feed_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(0), DEADLINE(0));
	ip[1] = NULL;
	judge_request(&M, 0, ip, 200, false);
	cr_expect_eq(M.n_items, MODEL_ITEMS_MAX);
	cr_expect_eq(M.items[1].index, 2, "NULL skipped");
	cr_expect_eq(M.items[0].choices, 0x1, "options past 8 dropped");
	expect_inert("item text", M.items[5].text, false);
	expect_inert("item nick", M.items[5].nick, false);
	{
		Quiz__V1__AnswerKey k = QUIZ__V1__ANSWER_KEY__INIT;

		k.correct = many;
		k.n_correct = 100;
		k.correct_text = longname;
		k.explanation = longname;
		feed(&M, BODY(ANSWER_KEY), &k);
		cr_expect_eq(M.key_mask, 0x1);
		expect_inert("key", M.key_text, false);
		expect_inert("explanation", M.key_expl, true);
	}
	/* a judge token longer than the buffer is cut */
	{
		Quiz__V1__RoomCreated rc = QUIZ__V1__ROOM_CREATED__INIT;

		rc.code = "ABCD-EFGH";
		rc.judge_token = longname;
		feed(&M, BODY(ROOM_CREATED), &rc);
		cr_expect_lt(strlen(M.judge_token), sizeof(M.judge_token));
		expect_inert("judge token", M.judge_token, false);
	}
}

/* Issue 12: the explanation of a reveal scrolls within what did not fit,
 * and a new question starts it from the top again. */
Test(model, explanation_scroll)
{
	Quiz__V1__Reveal r = QUIZ__V1__REVEAL__INIT;
	uint32_t right[] = {1};

	in_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE);
	r.question_index = 0;
	r.correct = right;
	r.n_correct = 1;
	r.explanation = "一条很长的解析";
	feed(&M, BODY(REVEAL), &r);
	cr_assert_eq(M.phase, PHASE_REVEAL);
	cr_expect_eq(M.expl_top, 0);
	cr_expect_eq(model_scroll(&M, -1, 5), 0, "already at the top");
	cr_expect_eq(model_scroll(&M, 1, 5), MODEL_REDRAW);
	cr_expect_eq(M.expl_top, 1);
	cr_expect_eq(model_scroll(&M, 10, 5), MODEL_REDRAW);
	cr_expect_eq(M.expl_top, 5, "kept at the last line that did not fit");
	cr_expect_eq(model_scroll(&M, 1, 5), 0);
	/* a resize that lets more fit: the top follows */
	cr_expect_eq(model_scroll(&M, 0, 2), MODEL_REDRAW);
	cr_expect_eq(M.expl_top, 2);
	cr_expect_eq(model_scroll(&M, -3, 2), MODEL_REDRAW);
	cr_expect_eq(M.expl_top, 0);
	cr_expect_eq(model_scroll(&M, 1, 0), 0, "nothing to scroll");
	cr_expect_eq(model_scroll(&M, -2147483647 - 1, 5), 0);
	model_scroll(&M, 4, 5);
	feed_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE, opt4, 4,
		      REVEAL(1), DEADLINE(1));
	cr_expect_eq(M.expl_top, 0, "the next question starts at the top");
}

/* Issue 12: the host ends the match during a question (no Result for
 * it): the final standings still give this contestant their rank. */
Test(model, final_rank_after_early_end)
{
	Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;
	Quiz__V1__Standing s[2] = {QUIZ__V1__STANDING__INIT,
				   QUIZ__V1__STANDING__INIT};
	Quiz__V1__Standing *sp[2] = {&s[0], &s[1]};

	in_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE);
	cr_assert_not(M.have_result);
	s[0].rank = 1;
	s[0].player_id = 3;
	s[0].nickname = "张三";
	s[0].score = 1900;
	s[1].rank = 2;
	s[1].player_id = 7; /* me (joined() gives player 7) */
	s[1].nickname = "小明";
	s[1].score = 937;
	lb.question_index = 1;
	lb.top = sp;
	lb.n_top = 2;
	lb.players = 2;
	lb.final = true;
	feed(&M, BODY(LEADERBOARD), &lb);
	cr_assert_eq(M.phase, PHASE_FINISHED);
	cr_expect(M.have_result);
	cr_expect_eq(M.r_rank, 2);
	cr_expect_eq(M.r_total, 937);
	cr_expect_eq(M.players, 2);

	/* not among the standings: nothing invented */
	in_question(&M, 1, QUIZ__V1__QUESTION_KIND__SINGLE);
	s[1].player_id = 8;
	s[1].nickname = "Bob";
	feed(&M, BODY(LEADERBOARD), &lb);
	cr_expect_not(M.have_result);

	/* a screen has no rank of its own */
	model_init(&M, MODE_SCREEN, NULL);
	feed(&M, BODY(LEADERBOARD), &lb);
	cr_expect_not(M.have_result);
}

/* Issue 12: after the final standings, quizd sends each contestant its
 * Result of the last question again (final total and rank) when the host
 * ended the match before its reveal; a contestant outside the top
 * standings, or still at the previous question (the end came during a
 * countdown), takes the total and rank from it. */
Test(model, final_result_outside_top)
{
	Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;
	Quiz__V1__Result r = QUIZ__V1__RESULT__INIT;

	in_question(&M, 0, QUIZ__V1__QUESTION_KIND__SINGLE);
	r.question_index = 1; /* the countdown's question, never shown */
	r.total = 420;
	r.rank = 14;
	r.players = 30;
	cr_expect_eq(feed(&M, BODY(RESULT), &r), 0,
		     "before the end: another question's Result is stale");
	cr_expect_not(M.have_result);
	lb.question_index = 1;
	lb.final = true;
	lb.players = 30;
	feed(&M, BODY(LEADERBOARD), &lb);
	cr_assert_eq(M.phase, PHASE_FINISHED);
	cr_expect_not(M.have_result, "not among the (empty) standings");
	cr_expect_eq(feed(&M, BODY(RESULT), &r), MODEL_REDRAW);
	cr_expect(M.have_result);
	cr_expect_eq(M.r_rank, 14);
	cr_expect_eq(M.r_total, 420);
	cr_expect_eq(M.players, 30);
}

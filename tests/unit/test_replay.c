/* Replay of the event log (room_apply): matches of every format are run
 * with the fake clock of tests/unit/room_fixture.h, their FX_EVENT effects
 * recorded (joins, answers, stakes, ticks, commits, holds, kicks, pauses,
 * ...), then replayed in order into a fresh room made from the same
 * settings, contest, bank and host token. The replay must rebuild the same
 * state, the same players (score, correct, total time, rank, last booking),
 * the same team board and the same effects; refused inputs are never in
 * the log. */
#include <criterion/criterion.h>

#include "room_fixture.h"

static void setup(void)
{
	fixture_setup();
	add_singles("q", 40, "c");
}

static void teardown(void)
{
	fixture_teardown();
}

TestSuite(replay, .init = setup, .fini = teardown);

/* ---- the record of a run ------------------------------------------------ */

#define PLAYERS_MAX 64

static struct room_effect rec_fx[LOG_MAX]; /* non-EVENT effects */
static size_t rec_nfx;
static struct ev_copy rec_ev[EVLOG_MAX];
static size_t rec_nev;
static struct room_player rec_pl[PLAYERS_MAX];
static size_t rec_slots;
static struct team_standing rec_board[ROOM_TEAMS_MAX];
static size_t rec_nboard;
static enum room_state rec_state;
static uint32_t rec_nq, rec_qi, rec_round;
static int64_t rec_timer;
static const struct item *rec_items[ROOM_MAX_QUESTIONS];

/* The team board of R. */
static size_t board(struct team_standing *b)
{
	const struct contest *c = room_contest(R);
	size_t n = roster_team_board(room_roster(R), c->scoring, c->team_base,
				     b, ROOM_TEAMS_MAX);

	return n < ROOM_TEAMS_MAX ? n : ROOM_TEAMS_MAX;
}

/* Keeps what the run of R produced and what R is now. */
static void record(void)
{
	size_t i;

	rec_nfx = 0;
	for (i = 0; i < nfx; i++)
		if (fxlog[i].kind != FX_EVENT)
			rec_fx[rec_nfx++] = fxlog[i];
	rec_nev = nev;
	for (i = 0; i < nev; i++) {
		rec_ev[i] = evlog[i];
		rec_ev[i].ev.nick = evlog[i].ev.nick ? rec_ev[i].nick : NULL;
		rec_ev[i].ev.team = evlog[i].ev.team ? rec_ev[i].team : NULL;
		rec_ev[i].ev.text = evlog[i].ev.text ? rec_ev[i].text : NULL;
	}
	rec_slots = room_player_slots(R);
	cr_assert_leq(rec_slots, PLAYERS_MAX);
	for (i = 1; i <= rec_slots; i++)
		rec_pl[i - 1] = *player((uint32_t)i);
	rec_nboard = board(rec_board);
	rec_state = room_state(R);
	rec_nq = room_question_count(R);
	rec_qi = room_question_index(R);
	rec_round = room_round_index(R);
	rec_timer = room_timer_at(R);
	cr_assert_leq(rec_nq, ROOM_MAX_QUESTIONS);
	for (i = 0; i < rec_nq; i++)
		rec_items[i] = room_question(R, (uint32_t)i)->item;
}

/* Whether two effects say the same. */
static bool fx_same(const struct room_effect *a, const struct room_effect *b)
{
	if (a->kind != b->kind || a->q != b->q || a->round != b->round)
		return false;
	switch (a->kind) {
	case FX_ROUND:
		return a->u.round.first_q == b->u.round.first_q &&
		       a->u.round.n == b->u.round.n;
	case FX_WAGER_OPEN:
	case FX_COUNTDOWN:
	case FX_QUESTION:
		return a->u.time.at_us == b->u.time.at_us &&
		       a->u.time.reveal_at_us == b->u.time.reveal_at_us &&
		       a->u.time.deadline_at_us == b->u.time.deadline_at_us;
	case FX_WAGER:
		return a->u.wager.player == b->u.wager.player &&
		       a->u.wager.team == b->u.wager.team &&
		       a->u.wager.stake == b->u.wager.stake;
	case FX_ANSWER:
		return a->u.answer.player == b->u.answer.player &&
		       a->u.answer.recv_us == b->u.answer.recv_us &&
		       a->u.answer.rt_us == b->u.answer.rt_us &&
		       a->u.answer.comp_us == b->u.answer.comp_us &&
		       a->u.answer.choice_mask == b->u.answer.choice_mask &&
		       a->u.answer.correct == b->u.answer.correct;
	case FX_CLOSED:
	case FX_REVEAL:
		return a->u.closed.voided == b->u.closed.voided;
	case FX_LEADERBOARD:
		return a->u.board.final == b->u.board.final;
	case FX_PAUSED:
		return a->u.paused.remaining_us == b->u.paused.remaining_us &&
		       a->u.paused.reason == b->u.paused.reason;
	case FX_KICKED:
		return a->u.player == b->u.player;
	case FX_BUZZ:
		return a->u.buzz.first == b->u.buzz.first &&
		       a->u.buzz.n == b->u.buzz.n;
	default:
		return true;
	}
}

static bool str_same(const char *a, const char *b)
{
	if (!a || !b)
		return (a ? *a : 0) == (b ? *b : 0);
	return strcmp(a, b) == 0;
}

/* Replays the recorded events into a fresh room and compares. */
static void replay_and_compare(const struct room_settings *s,
			       const struct contest *c)
{
	struct team_standing b[ROOM_TEAMS_MAX];
	size_t i, k, n;

	cr_assert_gt(rec_nev, 0, "nothing was recorded");
	room_free(R);
	R = room_new(s, c, bank, TOKEN);
	cr_assert_not_null(R);
	nfx = nev = 0;
	auto_commit = false; /* commits are in the log */
	for (i = 0; i < rec_nev; i++) {
		const struct room_event *ev = &rec_ev[i].ev;
		int rc;

		now = ev->at_us;
		rc = room_apply(R, ev);
		cr_assert_geq(rc, 0, "event %zu (seq %llu, %s) refused: %d", i,
			      (unsigned long long)ev->seq,
			      room_event_kind_name(ev->kind), rc);
		drain();
	}

	/* the same events again, with the same numbers */
	cr_expect_eq(nev, rec_nev, "events: %zu, recorded %zu", nev, rec_nev);
	for (i = 0; i < nev && i < rec_nev; i++) {
		const struct room_event *x = &evlog[i].ev, *y = &rec_ev[i].ev;

		cr_expect(
		    x->seq == y->seq && x->kind == y->kind &&
			x->at_us == y->at_us && x->player == y->player &&
			x->q == y->q && x->choice_mask == y->choice_mask &&
			x->one_way_us == y->one_way_us && x->arg == y->arg &&
			x->arg2 == y->arg2 && str_same(x->nick, y->nick) &&
			str_same(x->team, y->team) &&
			str_same(x->text, y->text),
		    "event %zu differs (seq %llu kind %d)", i,
		    (unsigned long long)y->seq, y->kind);
	}

	/* the same effects */
	for (i = 0, k = 0; i < nfx; i++) {
		if (fxlog[i].kind == FX_EVENT)
			continue;
		cr_assert_lt(k, rec_nfx, "more effects in the replay");
		cr_expect(fx_same(&fxlog[i], &rec_fx[k]),
			  "effect %zu: kind %d q %u, recorded kind %d q %u", k,
			  fxlog[i].kind, fxlog[i].q, rec_fx[k].kind,
			  rec_fx[k].q);
		k++;
	}
	cr_expect_eq(k, rec_nfx, "effects: %zu, recorded %zu", k, rec_nfx);

	/* the same room */
	cr_expect_eq(room_state(R), rec_state);
	cr_expect_eq(room_question_count(R), rec_nq);
	cr_expect_eq(room_question_index(R), rec_qi);
	cr_expect_eq(room_round_index(R), rec_round);
	cr_expect_eq(room_timer_at(R), rec_timer);
	for (i = 0; i < rec_nq && i < room_question_count(R); i++)
		cr_expect_eq(room_question(R, (uint32_t)i)->item, rec_items[i],
			     "question %zu", i);
	cr_assert_eq(room_player_slots(R), rec_slots);
	for (i = 1; i <= rec_slots; i++) {
		const struct room_player *p = player((uint32_t)i);
		const struct room_player *w = &rec_pl[i - 1];

		cr_expect_str_eq(p->nick, w->nick);
		cr_expect_eq(p->team, w->team, "player %zu", i);
		cr_expect_eq(p->kicked, w->kicked, "player %zu", i);
		cr_expect_eq(p->left, w->left, "player %zu", i);
		cr_expect_eq(p->score, w->score, "player %zu score %lld, %lld",
			     i, (long long)p->score, (long long)w->score);
		cr_expect_eq(p->correct, w->correct, "player %zu", i);
		cr_expect_eq(p->total_time_us, w->total_time_us, "player %zu",
			     i);
		cr_expect_eq(p->rank, w->rank, "player %zu", i);
		cr_expect_eq(p->last.q, w->last.q, "player %zu", i);
		cr_expect_eq(p->last.answered, w->last.answered, "player %zu",
			     i);
		cr_expect_eq(p->last.correct, w->last.correct, "player %zu", i);
		cr_expect_eq(p->last.delta, w->last.delta, "player %zu", i);
		cr_expect_eq(p->last.rt_us, w->last.rt_us, "player %zu", i);
		cr_expect_eq(p->last.stake, w->last.stake, "player %zu", i);
	}
	n = board(b);
	cr_assert_eq(n, rec_nboard);
	for (i = 0; i < n; i++) {
		cr_expect_eq(b[i].team, rec_board[i].team, "line %zu", i);
		cr_expect_eq(b[i].rank, rec_board[i].rank, "line %zu", i);
		cr_expect_eq(b[i].members, rec_board[i].members, "line %zu", i);
		cr_expect_eq(b[i].points, rec_board[i].points, "line %zu", i);
		cr_expect_eq(b[i].score, rec_board[i].score, "line %zu", i);
		cr_expect_eq(b[i].last_delta, rec_board[i].last_delta,
			     "line %zu", i);
	}
}

/* A host command with the token a requester presented. */
static int cmd_as(const char *token, enum room_cmd c)
{
	int rc = room_command(R, now, token, c, 0);

	drain();
	return rc;
}

/* Every input a run must have logged at least once. */
static void expect_logged(const enum room_event_kind *kinds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cr_expect_gt(count_ev(kinds[i]), 0, "no %s in the log",
			     room_event_kind_name(kinds[i]));
}

/* seq runs 1, 2, 3, ... */
static void expect_seq(void)
{
	size_t i;

	for (i = 0; i < nev; i++)
		cr_assert_eq(evlog[i].ev.seq, i + 1, "event %zu", i);
}

/* ---- names ----------------------------------------------------------------
 */

Test(replay, event_kind_names)
{
	static const struct {
		enum room_event_kind k;
		const char *name;
	} all[] = {
	    {EV_JOIN, "join"},	     {EV_LEAVE, "leave"},
	    {EV_KICK, "kick"},	     {EV_PAUSE, "pause"},
	    {EV_RESUME, "resume"},   {EV_SKIP, "skip"},
	    {EV_NEXT, "next"},	     {EV_END, "end"},
	    {EV_ANSWER, "answer"},   {EV_WAGER, "wager"},
	    {EV_START, "start"},     {EV_TICK, "tick"},
	    {EV_COMMIT, "commit"},   {EV_HOLD, "hold"},
	    {EV_RELEASE, "release"}, {EV_BUZZ, "buzz"},
	    {EV_VERDICT, "verdict"}, {EV_RECOVER, "recover"},
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		cr_expect_str_eq(room_event_kind_name(all[i].k), all[i].name);
		cr_expect_eq(room_event_kind_parse(all[i].name), all[i].k);
	}
	cr_expect_null(room_event_kind_name((enum room_event_kind)0));
	cr_expect_null(room_event_kind_name((enum room_event_kind)19));
	cr_expect_null(room_event_kind_name((enum room_event_kind)99));
	cr_expect_eq(room_event_kind_parse("BUZZ"), 0);
	cr_expect_eq(room_event_kind_parse("JOIN"), 0);
	cr_expect_eq(room_event_kind_parse(""), 0);
}

/* Each accepted input is one FX_EVENT carrying what replay needs. */
Test(replay, events_carry_the_inputs)
{
	struct room_settings s = settings();
	struct contest c;
	const struct room_event *ev;
	uint32_t a, x;
	int64_t t;

	contest_init(&c);
	add_round(&c, FMT_WAGER)->count = 1;
	new_room_contest(&s, &c);
	a = join_team("alice", "red");
	cr_assert_eq(nev, 1);
	ev = &evlog[0].ev;
	cr_expect_eq(ev->kind, EV_JOIN);
	cr_expect_eq(ev->seq, 1);
	cr_expect_eq(ev->at_us, now);
	cr_expect_eq(ev->player, a);
	cr_expect_str_eq(ev->nick, "alice");
	cr_expect_str_eq(ev->team, "red");
	x = join("x");
	cr_expect_eq(evlog[1].ev.player, x);
	cr_expect(evlog[1].ev.team == NULL || evlog[1].ev.team[0] == '\0');
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_expect_eq(evlog[nev - 1].ev.kind, EV_START);
	now += SEC;
	cr_assert_eq(wager(a, 0, 20), 0);
	ev = &evlog[nev - 1].ev;
	cr_expect_eq(ev->kind, EV_WAGER);
	cr_expect_eq(ev->player, a);
	cr_expect_eq(ev->q, 0);
	cr_expect_eq(ev->arg, 20);
	cr_expect_eq(ev->at_us, now);
	t = room_timer_at(R);
	fire();
	cr_expect_eq(count_ev(EV_TICK), 1);
	cr_expect_eq(evlog[nev - 1].ev.at_us, t);
	to_open();
	now = room_reveal_at(R) + 2 * SEC;
	cr_assert_eq(answer_ow(a, 0, ok_mask(0), NULL, 30 * MS, NULL), 0);
	ev = &evlog[nev - 1].ev;
	cr_expect_eq(ev->kind, EV_ANSWER);
	cr_expect_eq(ev->player, a);
	cr_expect_eq(ev->q, 0);
	cr_expect_eq(ev->choice_mask, ok_mask(0));
	cr_expect_eq(ev->at_us, now, "the receive time");
	cr_expect_eq(ev->one_way_us, 30 * MS);
	cr_assert_eq(hold(), 0);
	ev = &evlog[nev - 1].ev;
	cr_expect_eq(ev->kind, EV_HOLD);
	cr_expect_eq(ev->arg, ROOM_PAUSE_STORAGE);
	cr_assert_eq(release(), 0);
	cr_expect_eq(evlog[nev - 1].ev.kind, EV_RELEASE);
	cr_assert_eq(cmd(CMD_KICK, x), 0);
	cr_expect_eq(evlog[nev - 1].ev.kind, EV_KICK);
	cr_expect_eq(evlog[nev - 1].ev.player, x);
	run_out();
	cr_expect_eq(count_ev(EV_COMMIT), 1);
	expect_seq();
}

/* ---- replays of whole matches ----------------------------------------------
 */

/* SPEED: answers with delay compensation, a late join, a host pause, a
 * storage hold, NEXT closing early, a skipped question, a kick. */
Test(replay, speed_match)
{
	static const enum room_event_kind kinds[] = {
	    EV_JOIN,  EV_KICK,	 EV_PAUSE, EV_RESUME, EV_SKIP, EV_NEXT,
	    EV_START, EV_ANSWER, EV_TICK,  EV_COMMIT, EV_HOLD, EV_RELEASE,
	};
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b, d, late;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 4;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b = join_team("b", "red");
	d = join_team("d", "blue");
	to_open();
	now = room_reveal_at(R) + 1234 * MS;
	cr_assert_eq(answer_ow(a, 0, ok_mask(0), NULL, 80 * MS, NULL), 0);
	now += 3 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 40 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	now += 2 * SEC;
	cr_assert_eq(answer(b, 0, bad_mask(0), NULL), 0);
	run_out();
	late = join_team("late", "blue");
	to_open();
	now = room_reveal_at(R) + 700 * MS;
	cr_assert_eq(answer(late, 1, ok_mask(1), NULL), 0);
	cr_assert_eq(hold(), 0);
	now += 10 * SEC;
	cr_assert_eq(release(), 0);
	now += 1 * SEC;
	cr_assert_eq(answer(d, 1, ok_mask(1), NULL), 0);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0); /* closes early */
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 2, ok_mask(2), NULL), 0);
	cr_assert_eq(cmd(CMD_SKIP, 0), 0);
	to_open();
	cr_assert_eq(cmd(CMD_KICK, b), 0);
	now = room_reveal_at(R) + 5 * SEC;
	cr_assert_eq(answer(d, 3, ok_mask(3), NULL), 0);
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	expect_logged(kinds, sizeof(kinds) / sizeof(kinds[0]));
	expect_seq();
	record();
	cr_expect_gt(rec_pl[a - 1].score, 0);
	replay_and_compare(&s, &c);
}

/* close_when_all: a question closes at the answer that completes the
 * room, long before its deadline; one that not everyone answered waits
 * for its deadline; a kicked contestant is not waited for; the replay
 * closes at the same instants. */
Test(replay, close_when_all)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b, d;
	int64_t t, dl;

	s.close_when_all = true;
	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 3;
	new_room_contest(&s, &c);
	a = join("a");
	b = join("b");
	d = join("d");
	to_open();
	dl = room_deadline_at(R);
	now = room_reveal_at(R) + 1 * SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	now += SEC;
	cr_assert_eq(answer(b, 0, bad_mask(0), NULL), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN, "2 of 3 answered: open");
	now += SEC;
	t = now;
	cr_assert_eq(answer(d, 0, ok_mask(0), NULL), 0);
	cr_expect_neq(room_state(R), ROOM_OPEN, "3 of 3: closed at once");
	cr_expect_not_null(last_fx(FX_CLOSED));
	cr_expect_eq(fxtime[nfx - 1] <= t, true);
	cr_expect_lt(t, dl - 10 * SEC, "well before the deadline");
	cr_expect_gt(player(a)->score, 0, "booked at the early close");
	/* question 1: one does not answer, so it runs to its deadline */
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 1, ok_mask(1), NULL), 0);
	cr_assert_eq(answer(b, 1, ok_mask(1), NULL), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN, "d has not answered");
	run_out();
	/* question 2: d is kicked, so two answers complete the room */
	to_open();
	cr_assert_eq(cmd(CMD_KICK, d), 0);
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 2, ok_mask(2), NULL), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN);
	cr_assert_eq(answer(b, 2, ok_mask(2), NULL), 0);
	cr_expect_neq(room_state(R), ROOM_OPEN, "2 of 2 left: closed");
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	expect_seq();
	record();
	replay_and_compare(&s, &c);
}

/* The same match without the setting: the last answer leaves the
 * question open until its deadline. */
/* Which question was revealed last is the room's, so a rebuilt room knows
 * it too (quizd owes Results at a final board after an unrevealed one). */
Test(replay, revealed_question_survives_a_replay)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 3;
	new_room_contest(&s, &c);
	a = join("a");
	to_open();
	cr_expect_not(room_question_revealed(R, 0), "open: not revealed");
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	run_out();
	cr_expect(room_question_revealed(R, 0));
	to_open();
	cr_expect(room_question_revealed(R, 0), "q1 open: q0 the last");
	cr_expect_not(room_question_revealed(R, 1));
	cr_assert_eq(cmd(CMD_END, 0), 0);
	cr_expect_not(room_question_revealed(R, 1), "ended before q1's reveal");
	record();
	replay_and_compare(&s, &c);
	cr_expect(room_question_revealed(R, 0), "the replay knows it");
	cr_expect_not(room_question_revealed(R, 1));
}

Test(replay, close_when_all_off_waits)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 1;
	new_room_contest(&s, &c);
	a = join("a");
	b = join("b");
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	cr_assert_eq(answer(b, 0, ok_mask(0), NULL), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN, "open until the deadline");
}

/* TURN with teams: turns, first answers, a silent team, a pause, an END
 * in the middle of the round. */
Test(replay, turn_match)
{
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	uint32_t a, b, x;

	contest_init(&c);
	c.scoring = TEAM_SUM;
	c.team_base = 100;
	r = add_round(&c, FMT_TURN);
	r->count = 3;
	r->penalty = -3;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	x = join_team("x", "blue");
	b = join_team("b", "red");
	to_open(); /* red */
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(b, 0, ok_mask(0), NULL), 0);
	run_out();
	to_open(); /* blue */
	now = room_reveal_at(R) + 2 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 9 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_assert_eq(answer(x, 1, bad_mask(1), NULL), 0);
	run_out();
	to_open(); /* red, silent */
	run_out();
	to_open(); /* blue */
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(x, 3, ok_mask(3), NULL), 0);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	to_open(); /* red */
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 4, bad_mask(4), NULL), 0);
	cr_assert_eq(cmd(CMD_END, 0), 0);
	cr_expect_eq(room_state(R), ROOM_FINISHED);
	expect_seq();
	record();
	cr_expect_eq(rec_pl[b - 1].score, 10);
	cr_expect_eq(rec_pl[x - 1].score, 7);
	replay_and_compare(&s, &c);
}

/* WAGER: stakes, a default stake, NEXT ending the wager phase, a pause in
 * the wager phase, a kick. */
Test(replay, wager_match)
{
	static const enum room_event_kind kinds[] = {EV_WAGER, EV_NEXT,
						     EV_PAUSE, EV_RESUME};
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b, x, solo;

	contest_init(&c);
	add_round(&c, FMT_WAGER)->count = 3;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b = join_team("b", "red");
	x = join_team("x", "blue");
	solo = join("solo");
	to_wager();
	now += 2 * SEC;
	cr_assert_eq(wager(b, 0, 30), 0);
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 20 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	now += 1 * SEC;
	cr_assert_eq(wager(solo, 0, 20), 0);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	cr_assert_eq(answer(x, 0, ok_mask(0), NULL), 0);
	cr_assert_eq(answer(solo, 0, bad_mask(0), NULL), 0);
	run_out();
	to_wager();
	now += SEC;
	cr_assert_eq(wager(x, 1, 30), 0);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0); /* ends the wager phase */
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(x, 1, bad_mask(1), NULL), 0);
	cr_assert_eq(cmd(CMD_KICK, b), 0);
	run_out();
	to_wager();
	to_open();
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	expect_logged(kinds, sizeof(kinds) / sizeof(kinds[0]));
	expect_seq();
	record();
	cr_expect_eq(rec_pl[x - 1].score, 10 - 30 - 10);
	replay_and_compare(&s, &c);
}

/* A three-round contest on timers alone (auto_advance): ticks drive it;
 * one round draws nothing. */
Test(replay, contest_on_timers)
{
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	uint32_t a, x;
	size_t seen = 0, i;
	int guard = 0;

	contest_init(&c);
	c.team_base = 100;
	add_round(&c, FMT_TURN)->count = 1;
	r = add_round(&c, FMT_SPEED);
	snprintf(r->category, sizeof(r->category), "none");
	add_round(&c, FMT_SPEED)->count = 2;
	add_round(&c, FMT_WAGER)->count = 1;
	s.auto_advance = true;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	x = join_team("x", "blue");
	cr_assert_eq(cmd(CMD_START, 0), 0);
	while (room_state(R) != ROOM_FINISHED) {
		cr_assert_lt(guard++, 200, "stuck in %d", room_state(R));
		fire();
		for (i = seen; i < nfx; i++) {
			const struct room_effect *e = &fxlog[i];
			struct room_turn t;

			if (e->kind == FX_WAGER_OPEN) {
				cr_assert_eq(wager(a, e->q, 30), 0);
				continue;
			}
			if (e->kind != FX_QUESTION)
				continue;
			now = e->u.time.reveal_at_us + (e->q + 1) * SEC;
			room_turn(R, &t);
			if (!t.restricted || t.team == player(a)->team)
				cr_assert_eq(
				    answer(a, e->q, ok_mask(e->q), NULL), 0);
			if (!t.restricted || t.team == player(x)->team)
				cr_assert_eq(
				    answer(x, e->q, bad_mask(e->q), NULL), 0);
		}
		seen = nfx;
	}
	cr_expect_eq(count_fx(FX_ROUND), 4);
	expect_seq();
	record();
	replay_and_compare(&s, &c);
}

/* Commits that come late (the store is slow), a hold while a closed
 * question waits for its commit, joins and leaves in the lobby. */
Test(replay, late_commits_and_lobby_leaves)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, g;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 2;
	new_room_contest(&s, &c);
	a = join("a");
	g = join("g");
	cr_assert_eq(leave(g), 0);
	g = join("g");
	join("h");
	auto_commit = false;
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	run_out();
	cr_assert_eq(hold(), 0);
	now += 5 * SEC;
	cr_assert_eq(release(), 0);
	now += 1 * SEC;
	room_committed(R, now, 0);
	drain();
	cr_expect_eq(count_fx(FX_REVEAL), 1);
	to_open();
	now = room_reveal_at(R) + 3 * SEC;
	cr_assert_eq(answer(g, 1, ok_mask(1), NULL), 0);
	run_out();
	now += 2 * SEC;
	room_committed(R, now, 1);
	drain();
	cr_expect_eq(count_ev(EV_LEAVE), 1);
	cr_expect_eq(count_ev(EV_COMMIT), 2);
	expect_seq();
	record();
	replay_and_compare(&s, &c);
}

/* Refused inputs are not logged, and the replay of a run full of them
 * still matches. */
Test(replay, refused_inputs_are_not_logged)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b, x;
	size_t before;

#define REFUSED(call, err)                                                     \
	do {                                                                   \
		before = nev;                                                  \
		cr_expect_eq((call), (err), #call);                            \
		cr_expect_eq(nev, before, "refused, yet logged: " #call);      \
	} while (0)

	contest_init(&c);
	add_round(&c, FMT_TURN)->count = 1;
	add_round(&c, FMT_WAGER)->count = 1;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b = join_team("b", "red");
	x = join_team("x", "blue");
	REFUSED(join_team_rc("A", NULL), -QE_NAME_TAKEN);
	REFUSED(join_team_rc("bad\tname", NULL), -QE_BAD_MESSAGE);
	REFUSED(leave(99), -QE_BAD_MESSAGE);
	REFUSED(cmd(CMD_NEXT, 0), -QE_BAD_STATE);
	REFUSED(cmd_as("wrong", CMD_START), -QE_NOT_HOST);
	REFUSED(cmd_as(NULL, CMD_START), -QE_NOT_HOST);
	REFUSED(answer(a, 0, 0x1, NULL), -QE_BAD_STATE);
	REFUSED(wager(a, 0, 10), -QE_BAD_STATE);
	to_open(); /* red's turn */
	now = room_reveal_at(R) + SEC;
	REFUSED(answer(x, 0, ok_mask(0), NULL), -QE_NOT_YOUR_TURN);
	REFUSED(answer(a, 0, 0, NULL), -QE_BAD_MESSAGE);
	REFUSED(answer(a, 7, ok_mask(0), NULL), -QE_BAD_MESSAGE);
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	REFUSED(answer(b, 0, ok_mask(0), NULL), -QE_ALREADY_ANSWERED);
	REFUSED(cmd(CMD_START, 0), -QE_BAD_STATE);
	REFUSED(cmd(CMD_RESUME, 0), -QE_BAD_STATE);
	REFUSED(cmd(CMD_KICK, 99), -QE_BAD_MESSAGE);
	REFUSED(leave(a), -QE_BAD_STATE);
	run_out();
	REFUSED(answer(a, 0, ok_mask(0), NULL), -QE_TOO_LATE);
	to_open(); /* blue's turn */
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(hold(), 0);
	REFUSED(cmd(CMD_RESUME, 0), -QE_STORAGE_UNAVAILABLE);
	REFUSED(answer(x, 1, ok_mask(1), NULL), -QE_BAD_STATE);
	cr_assert_eq(release(), 0);
	run_out();
	to_wager();
	REFUSED(wager(a, 2, 15), -QE_BAD_MESSAGE);
	REFUSED(wager(a, 3, 10), -QE_BAD_MESSAGE);
	cr_assert_eq(wager(a, 2, 20), 0);
	REFUSED(wager(b, 2, 30), -QE_ALREADY_ANSWERED);
	cr_assert_eq(cmd(CMD_KICK, x), 0);
	REFUSED(wager(x, 2, 10), -QE_BAD_STATE);
	REFUSED(cmd(CMD_KICK, x), -QE_BAD_STATE);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(b, 2, ok_mask(2), NULL), 0);
	REFUSED(answer(a, 2, ok_mask(2), NULL), -QE_ALREADY_ANSWERED);
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	REFUSED(cmd(CMD_END, 0), -QE_BAD_STATE);
	REFUSED(join_team_rc("late", NULL), -QE_BAD_STATE);
#undef REFUSED
	expect_seq();
	record();
	cr_expect_eq(rec_pl[a - 1].score, 10 + 20);
	replay_and_compare(&s, &c);
}

/* A replayed event that the room refuses returns the refusal. */
Test(replay, apply_returns_the_entry_points_result)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_event ev;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 1;
	new_room_contest(&s, &c);
	join("a");
	memset(&ev, 0, sizeof(ev));
	ev.seq = 2;
	ev.kind = EV_JOIN;
	ev.at_us = now;
	ev.nick = "a";
	cr_expect_eq(room_apply(R, &ev), -QE_NAME_TAKEN);
	ev.kind = EV_NEXT;
	cr_expect_eq(room_apply(R, &ev), -QE_BAD_STATE);
	ev.kind = EV_START;
	cr_expect_eq(room_apply(R, &ev), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_COUNTDOWN);
	ev.kind = (enum room_event_kind)99;
	cr_expect_lt(room_apply(R, &ev), 0);
}

/* Inputs that change nothing are not logged either: a tick before its
 * timer or while paused, a commit of another question or a second one, a
 * second hold, a release of a room not held. The replay still matches. */
Test(replay, no_op_inputs_are_not_logged)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a;
	size_t before;

#define NOOP(call)                                                             \
	do {                                                                   \
		before = nev;                                                  \
		call;                                                          \
		drain();                                                       \
		cr_expect_eq(nev, before,                                      \
			     "changed nothing, yet logged: " #call);           \
	} while (0)

	contest_init(&c);
	add_round(&c, FMT_WAGER)->count = 2;
	new_room_contest(&s, &c);
	a = join("a");
	NOOP(room_release(R, now));
	NOOP(room_tick(R, now));
	cr_assert_eq(cmd(CMD_START, 0), 0);
	NOOP(room_tick(R, room_timer_at(R) - 1));
	cr_assert_eq(wager(a, 0, 20), 0);
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	NOOP(room_tick(R, now + 60 * SEC));
	now += 10 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_assert_eq(hold(), 0);
	NOOP(room_hold(R, now, ROOM_PAUSE_STORAGE));
	now += SEC;
	cr_assert_eq(release(), 0);
	NOOP(room_release(R, now));
	auto_commit = false;
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	run_out();
	NOOP(room_committed(R, now, 1));
	room_committed(R, now, 0);
	drain();
	NOOP(room_committed(R, now, 0));
	auto_commit = true;
	to_wager();
	to_open();
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	NOOP(room_tick(R, now + SEC));
	NOOP(room_committed(R, now, 1));
#undef NOOP
	expect_seq();
	record();
	cr_expect_eq(rec_pl[a - 1].score, 20 - 10);
	replay_and_compare(&s, &c);
}

/* A contest with a fixed team list (joins folded onto listed names), a
 * TURN round and a WAGER round, replayed. */
Test(replay, fixed_teams_contest)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b, x;

	contest_init(&c);
	c.scoring = TEAM_SUM;
	c.team_base = 100;
	snprintf(c.teams[0], sizeof(c.teams[0]), "机关党委第一党支部");
	snprintf(c.teams[1], sizeof(c.teams[1]), "Red");
	snprintf(c.teams[2], sizeof(c.teams[2]), "empty");
	c.nteams = 3;
	add_round(&c, FMT_TURN)->count = 1;
	add_round(&c, FMT_WAGER)->count = 1;
	new_room_contest(&s, &c);
	a = join_team("a", "ＲＥＤ");
	b = join_team("b", "机关党委第一党支部");
	x = join_team("x", "red");
	cr_expect_eq(player(a)->team, 1);
	cr_expect_eq(player(x)->team, 1);
	to_open(); /* team 0: b */
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(b, 0, ok_mask(0), NULL), 0);
	run_out();
	to_open(); /* team 1: a or x */
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(x, 1, bad_mask(1), NULL), 0);
	run_out();
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_assert_eq(wager(a, 2, 30), 0);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 2, ok_mask(2), NULL), 0);
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	expect_seq();
	record();
	cr_expect_eq(rec_nboard, 3);
	cr_expect_eq(rec_pl[a - 1].score, 30);
	cr_expect_eq(rec_pl[b - 1].score, 10 - 10);
	replay_and_compare(&s, &c);
}

/* A buzz round (a foul, a compensated window, a late press, a rebound, a
 * pause, a winner who never answers) and a speed round whose fill-in
 * answers a judge rules (JUDGE_FILL), replayed. */
Test(replay, buzz_and_judge_match)
{
	static const enum room_event_kind kinds[] = {EV_BUZZ, EV_VERDICT,
						     EV_PAUSE, EV_TICK};
	static const char *const fills[] = {"实事求是"};
	static const char *const ids[] = {"f0"};
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	struct room_buzz bz;
	uint32_t a, b, x, g;
	int64_t armed;

	add_item_full("f0", ITEM_FILL, NULL, 0, 0, fills, 1, "c", 1);
	contest_init(&c);
	add_round(&c, FMT_BUZZ)->count = 2;
	r = add_round(&c, FMT_SPEED);
	r->judge = JUDGE_FILL;
	round_ids(&c, r, ids, 1);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b = join_team("b", "red");
	x = join_team("x", "blue");
	g = join("g");
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(room_buzz(R, now, b, 0, 0, 0, 0), 0); /* foul */
	drain();
	cr_assert(room_buzz_view(R, &bz));
	armed = bz.armed_at_us;
	run_until(armed + 40 * MS);
	cr_assert_eq(room_buzz(R, now, g, 0, 0, 0, 30 * MS), 0);
	drain();
	now += 15 * MS;
	cr_assert_eq(room_buzz(R, now, x, 0, 25 * MS, 0, 30 * MS), 0);
	drain();
	run_until(armed + 200 * MS);
	cr_assert_eq(room_buzz(R, now, a, 0, 0, 0, 0), 0); /* ignored */
	drain();
	now += 2 * SEC;
	cr_assert_eq(answer(x, 0, bad_mask(0), NULL), 0); /* a rebound */
	now += 100 * MS;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 5 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_assert(room_buzz_view(R, &bz));
	run_until(bz.armed_at_us + 300 * MS);
	/* the rebound was written to g when it was announced (a lead ahead
	 * of its arming) */
	cr_assert_eq(
	    room_buzz(R, now, g, 0, 10 * MS, bz.armed_at_us - 250 * MS, 0), 0);
	drain();
	cr_assert(room_buzz_view(R, &bz));
	run_until(bz.window_end_us + 20 * SEC + 150 * MS); /* never answers */
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	to_open();
	run_until(room_deadline_at(R) + 150 * MS); /* void */
	cr_expect(room_question_voided(R));
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	to_open();
	now = room_reveal_at(R) + 2 * SEC;
	cr_assert_eq(answer(a, 2, 0, "实事求是"), 0);
	cr_assert_eq(answer(x, 2, 0, "实事 求事"), 0);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(room_state(R), ROOM_JUDGING);
	now += 4 * SEC;
	cr_assert_eq(room_verdict(R, now, 2, 1, true, "judge"), 0);
	drain();
	cr_assert_eq(room_verdict(R, now, 2, ROOM_VERDICT_REST, false, "host"),
		     0);
	drain();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	expect_logged(kinds, sizeof(kinds) / sizeof(kinds[0]));
	expect_seq();
	record();
	cr_expect_eq(rec_pl[a - 1].score, -10 + 950);
	cr_expect_eq(rec_pl[x - 1].score, -10 + 950);
	cr_expect_eq(rec_pl[g - 1].score, -10);
	replay_and_compare(&s, &c);
}

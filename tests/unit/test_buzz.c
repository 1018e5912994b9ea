/* 抢答 (core/fmt_buzz.c) and judges (room_verdict, JUDGE_FILL) with the
 * fake clock of tests/unit/room_fixture.h: fouls, the tie window decided
 * by compensated reaction (against arrival order), exact ties, late
 * presses, rebounds, void questions, a winner who never answers, a pause
 * in the answer window, oral judging, JUDGE_FILL in a speed round, the
 * late-question rule of every answer, team units, and the replay of a
 * whole buzz round. The rules are those of docs/CONTEST.md. */
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

TestSuite(buzz, .init = setup, .fini = teardown);

/* The reading time of the fixture's stems ("stem": 4 characters). */
#define READ (3 * SEC)
#define LEAD (250 * MS)
#define CAP  (150 * MS)

/* A contest of one buzz round of count questions. */
static struct round_cfg *buzz_round(struct contest *c, uint32_t count)
{
	struct round_cfg *r;

	contest_init(c);
	r = add_round(c, FMT_BUZZ);
	r->count = count;
	return r;
}

/* A press received at t with that one-way delay, the arming written to
 * the connection at sent (0 unknown) and the room's largest delay bound. */
static int press_at(uint32_t pid, int64_t t, int64_t one_way, int64_t sent,
		    int64_t bound)
{
	int rc;

	if (t > now)
		run_until(t);
	now = t;
	rc = room_buzz(R, now, pid, room_question_index(R), one_way, sent,
		       bound);
	drain();
	return rc;
}

/* A press now without delay. */
static int press(uint32_t pid)
{
	return press_at(pid, now, 0, 0, 0);
}

/* The buzzer of the open question (asserted to exist). */
static struct room_buzz bz(void)
{
	struct room_buzz b;

	cr_assert(room_buzz_view(R, &b), "no buzzer (state %d)", room_state(R));
	return b;
}

/* The last press of the open question. */
static struct room_press last_press(void)
{
	struct room_buzz b = bz();

	cr_assert_gt(b.npresses, 0);
	return b.presses[b.npresses - 1];
}

/* The press of player pid in arming arm. */
static struct room_press press_of(uint32_t pid, uint32_t arm)
{
	struct room_buzz b = bz();
	size_t i;

	for (i = 0; i < b.npresses; i++)
		if (b.presses[i].player == pid && b.presses[i].arm == arm)
			return b.presses[i];
	cr_assert_fail("no press of %u in arming %u", pid, arm);
	return b.presses[0];
}

/* Moves the clock to when the buzzer is armed. */
static int64_t to_armed(void)
{
	int64_t at = bz().armed_at_us;

	run_until(at);
	cr_assert_eq(bz().phase, BUZZ_ARMED);
	return at;
}

/* The winner answers now, right or wrong (single-choice items). */
static int answer_buzz(uint32_t pid, bool right)
{
	uint32_t q = room_question_index(R);

	return answer(pid, q, right ? ok_mask(q) : bad_mask(q), NULL);
}

/* ---- reading time ------------------------------------------------------ */

Test(buzz, reading_time_from_the_stem)
{
	struct round_cfg cfg;
	struct item it;

	round_cfg_default(&cfg, FMT_BUZZ);
	memset(&it, 0, sizeof(it));
	it.stem = "stem";
	cr_expect_eq(room_buzz_reading_us(&cfg, &it), 3 * SEC, "clamped up");
	/* 25 Chinese characters (75 bytes): 5 s, counted in characters */
	it.stem = "中国共产党的根本宗旨是全心全意为人民服务实现共产主";
	cr_expect_eq(room_buzz_reading_us(&cfg, &it), 5 * SEC);
	it.stem = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
		  "一二三四五六七八九十一二三四五六七八九十一二三四五";
	cr_expect_eq(room_buzz_reading_us(&cfg, &it), 10 * SEC, "clamped");
	it.stem = "abcdefghijklmnopqrstu"; /* 21 characters */
	cr_expect_eq(room_buzz_reading_us(&cfg, &it), 4200 * MS);
	cfg.reading_us = 7 * SEC;
	cr_expect_eq(room_buzz_reading_us(&cfg, &it), 7 * SEC, "configured");
}

Test(buzz, defaults)
{
	struct round_cfg r;

	round_cfg_default(&r, FMT_BUZZ);
	cr_expect_eq(r.count, 10);
	cr_expect_eq(r.reading_us, 0);
	cr_expect_eq(r.arm_us, 20 * SEC);
	cr_expect_eq(r.tie_us, 20 * MS);
	cr_expect_eq(r.time_limit_us, 20 * SEC);
	cr_expect_eq(r.points, 10);
	cr_expect_eq(r.penalty, -10);
	cr_expect_eq(r.foul, -10);
	cr_expect_eq(r.rebounds, 1);
	cr_expect_eq(r.judge, JUDGE_AUTO);
}

/* ---- the buzzer --------------------------------------------------------- */

/* The question opens with its key, READING, then ARMED on a tick; a foul
 * puts the whole team out; another team wins and answers right. */
Test(buzz, foul_then_a_win)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_press p;
	struct room_buzz b;
	uint32_t a, b2, x;
	int64_t reveal, armed, t;
	size_t mark;

	buzz_round(&c, 1);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b2 = join_team("b", "red");
	x = join_team("x", "blue");
	to_open();
	reveal = room_reveal_at(R);
	cr_expect_eq(count_fx(FX_KEY), 1);
	b = bz();
	cr_expect_eq(b.phase, BUZZ_READING);
	cr_expect_eq(b.armed_at_us, reveal + READ);
	cr_expect_eq(b.arm_deadline_us, reveal + READ + 20 * SEC);
	cr_expect_eq(b.rebounds_left, 1);
	cr_expect_eq(room_timer_at(R), reveal + READ);
	cr_expect_eq(last_fx(FX_QUESTION)->u.time.deadline_at_us,
		     reveal + READ + 20 * SEC, "the arming's deadline");
	cr_expect_eq(room_deadline_at(R), reveal + READ + 20 * SEC);
	cr_expect(room_buzz_may_press(R, a));

	mark = nfx;
	cr_assert_eq(press_at(a, reveal + SEC, 0, 0, 0), 0);
	p = last_press();
	cr_expect_eq(p.outcome, PRESS_FOUL);
	cr_expect_eq(p.react_us, -2 * SEC);
	cr_expect_eq(p.player, a);
	cr_expect_eq(p.team, player(a)->team);
	cr_expect_eq(count_fx_since(mark, FX_BUZZ), 1);
	cr_expect_eq(last_fx(FX_BUZZ)->u.buzz.first, 0);
	cr_expect_eq(last_fx(FX_BUZZ)->u.buzz.n, 1);
	cr_expect(!room_buzz_may_press(R, b2), "the team is out");
	cr_expect(room_buzz_may_press(R, x));
	/* a second press of a contestant in one arming: refused, unlogged */
	mark = nev;
	cr_expect_eq(press(a), -QE_ALREADY_ANSWERED);
	cr_expect_eq(nev, mark);

	armed = to_armed();
	cr_expect_eq(armed, reveal + READ);
	cr_assert_eq(press_at(b2, armed + 100 * MS, 0, 0, 0), 0);
	cr_expect_eq(last_press().outcome, PRESS_IGNORED, "team out");
	cr_assert_eq(press_at(x, armed + 200 * MS, 0, 0, 0), 0);
	p = last_press();
	cr_expect_eq(p.outcome, PRESS_PENDING);
	cr_expect_eq(p.react_us, 200 * MS);
	cr_expect_eq(bz().window_end_us, armed + 220 * MS);
	t = room_timer_at(R);
	cr_expect_eq(t, armed + 220 * MS);
	fire();
	b = bz();
	cr_expect_eq(b.phase, BUZZ_ANSWERING);
	cr_expect_eq(b.winner, x);
	cr_expect_eq(b.answer_deadline_us, armed + 220 * MS + 20 * SEC);
	cr_expect_eq(press_of(x, 0).outcome, PRESS_WON);
	cr_expect_eq(press_of(x, 0).gap_us, 0);
	cr_expect_eq(room_timer_at(R), b.answer_deadline_us + CAP);
	cr_expect_eq(room_deadline_at(R), b.answer_deadline_us);

	now += 2 * SEC;
	cr_expect_eq(answer_buzz(a, true), -QE_NOT_YOUR_TURN);
	cr_assert_eq(answer_buzz(x, true), 0);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_eq(bz().phase, BUZZ_DONE);
	cr_expect(!last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect_eq(player(a)->score, -10);
	cr_expect_eq(player(b2)->score, -10);
	cr_expect_eq(player(x)->score, 10);
	cr_expect(player(x)->last.correct);
	cr_expect_eq(player(x)->last.rt_us, 2 * SEC, "from the window's end");
	cr_expect(!player(a)->last.answered);
	cr_expect_eq(player(a)->total_time_us, 0, "no tie-break time");
	cr_expect_eq(count_ev(EV_BUZZ), 3, "the refused press is not logged");
}

/* The tie window: compensation decides against arrival order; a press
 * after the window loses although its compensated time is earlier, and
 * is recorded LATE with a negative gap. */
Test(buzz, tie_window_and_a_late_press)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_press p;
	uint32_t p1, p2, p3;
	int64_t armed;
	size_t mark;

	buzz_round(&c, 1);
	new_room_contest(&s, &c);
	p1 = join("p1");
	p2 = join("p2");
	p3 = join("p3");
	to_open();
	armed = to_armed();
	/* p1: no delay, reacts in 50 ms; the room's slowest link is 40 ms */
	cr_assert_eq(press_at(p1, armed + 50 * MS, 0, 0, 40 * MS), 0);
	cr_expect_eq(bz().window_end_us, armed + 50 * MS + 20 * MS + 40 * MS);
	/* p2 arrives later, but 30 ms of it was the link: reacted in 30 */
	cr_assert_eq(press_at(p2, armed + 60 * MS, 30 * MS, 0, 40 * MS), 0);
	cr_expect_eq(last_press().outcome, PRESS_PENDING);
	cr_expect_eq(last_press().react_us, 30 * MS);
	mark = nfx;
	fire();
	cr_expect_eq(now, armed + 110 * MS, "decided at the window's end");
	cr_expect_eq(bz().winner, p2);
	cr_expect_eq(press_of(p2, 0).outcome, PRESS_WON);
	cr_expect_eq(press_of(p1, 0).outcome, PRESS_SLOWER);
	cr_expect_eq(press_of(p1, 0).gap_us, 20 * MS);
	cr_expect_eq(count_fx_since(mark, FX_BUZZ), 1);
	cr_expect_eq(last_fx(FX_BUZZ)->u.buzz.first, 0);
	cr_expect_eq(last_fx(FX_BUZZ)->u.buzz.n, 2);
	/* p3 reacted in 10 ms over a 140 ms link: too late all the same */
	cr_assert_eq(press_at(p3, armed + 150 * MS, 140 * MS, 0, 40 * MS), 0);
	p = last_press();
	cr_expect_eq(p.outcome, PRESS_LATE);
	cr_expect_eq(p.react_us, 10 * MS);
	cr_expect_eq(p.gap_us, -20 * MS);
	cr_expect_eq(last_fx(FX_BUZZ)->u.buzz.first, 2);
	cr_expect_eq(last_fx(FX_BUZZ)->u.buzz.n, 1);
	cr_expect_eq(bz().winner, p2);
}

/* The compensation is capped, and so is the bound that widens the
 * window; a press that the arming reached late (sent_us) reacts from its
 * arrival. */
Test(buzz, capped_compensation_and_sent_time)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_press p;
	uint32_t p1, p2;
	int64_t armed;

	buzz_round(&c, 1);
	new_room_contest(&s, &c);
	p1 = join("p1");
	p2 = join("p2");
	to_open();
	armed = to_armed();
	/* claims 5 s of delay: 150 ms are compensated; bound 900 ms: 150 */
	cr_assert_eq(press_at(p1, armed + 400 * MS, 5 * SEC, 0, 900 * MS), 0);
	p = last_press();
	cr_expect_eq(p.comp_us, CAP);
	cr_expect_eq(p.react_us, 250 * MS);
	cr_expect_eq(bz().window_end_us, armed + 400 * MS + 20 * MS);
	/* the question was written to p2 100 ms after the arming: it saw
	 * the arming at sent + 20 ms */
	cr_assert_eq(
	    press_at(p2, armed + 410 * MS, 20 * MS, armed + 100 * MS, 0), 0);
	p = last_press();
	cr_expect_eq(p.react_us, 410 * MS - 20 * MS - 120 * MS);
	fire();
	cr_expect_eq(bz().winner, p1);
	cr_expect_eq(press_of(p2, 0).gap_us, 20 * MS);
}

/* Exact ties: the earlier receive wins; at the same receive, the lower
 * event seq. */
Test(buzz, exact_ties)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t p1, p2, p3;
	int64_t armed;

	buzz_round(&c, 2);
	new_room_contest(&s, &c);
	p1 = join("p1");
	p2 = join("p2");
	p3 = join("p3");
	to_open();
	armed = to_armed();
	cr_assert_eq(press_at(p1, armed + 50 * MS, 10 * MS, 0, 0), 0);
	cr_assert_eq(press_at(p2, armed + 45 * MS, 5 * MS, 0, 0), 0);
	cr_expect_eq(press_of(p1, 0).react_us, press_of(p2, 0).react_us);
	fire();
	cr_expect_eq(bz().winner, p2, "earlier receive");
	cr_expect_eq(press_of(p1, 0).outcome, PRESS_SLOWER);
	cr_expect_eq(press_of(p1, 0).gap_us, 0);
	now += SEC;
	cr_assert_eq(answer_buzz(p2, true), 0);
	(void)p3;

	to_open();
	armed = to_armed();
	cr_assert_eq(press_at(p3, armed + 70 * MS, 0, 0, 0), 0);
	cr_assert_eq(press_at(p1, armed + 70 * MS, 0, 0, 0), 0);
	cr_expect_lt(press_of(p3, 0).seq, press_of(p1, 0).seq);
	fire();
	cr_expect_eq(bz().winner, p3, "lower seq");
	cr_expect_eq(press_of(p1, 0).gap_us, 0);
}

/* A wrong answer re-arms the buzzer lead_us later for the units still
 * in: the answered team is ignored, a press before the new arming is a
 * foul, another team wins the rebound. */
Test(buzz, rebound_won_by_another_team)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_buzz b;
	uint32_t a, x, g;
	int64_t armed, t;

	buzz_round(&c, 1);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	x = join_team("x", "blue");
	g = join_team("g", "green");
	to_open();
	armed = to_armed();
	cr_assert_eq(press_at(a, armed + 100 * MS, 0, 0, 0), 0);
	fire();
	now += 3 * SEC;
	t = now;
	cr_assert_eq(answer_buzz(a, false), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN);
	b = bz();
	cr_expect_eq(b.phase, BUZZ_ARMED);
	cr_expect_eq(b.arm, 1);
	cr_expect_eq(b.rebounds_left, 0);
	cr_expect_eq(b.winner, 0);
	cr_expect_eq(b.armed_at_us, t + LEAD);
	cr_expect_eq(b.arm_deadline_us, t + LEAD + 20 * SEC);
	cr_expect(!room_buzz_may_press(R, a));

	/* x pressed before the rebound was written to it (sent 0), then
	 * 10 ms after it reached it (written at t + 50 ms, 20 ms away): the
	 * first press was meant for arming 0, late for it and no foul; the
	 * second, after x knew, is a foul, and a third in the same arming is
	 * refused */
	cr_assert_eq(press_at(x, t + 20 * MS, 0, 0, 0), 0);
	cr_expect_eq(last_press().outcome, PRESS_LATE, "crossed the rebound");
	cr_expect_eq(last_press().arm, 0);
	cr_expect_eq(last_press().react_us, t + 20 * MS - armed);
	cr_expect_eq(last_press().gap_us, t + 20 * MS - armed - 100 * MS);
	cr_expect(room_buzz_may_press(R, x), "a crossed press costs nothing");
	cr_expect_eq(press_at(x, t + 40 * MS, 0, 0, 0), -QE_ALREADY_ANSWERED,
		     "one crossed press per arming");
	cr_assert_eq(press_at(x, t + 200 * MS, 20 * MS, t + 50 * MS, 0), 0);
	cr_expect_eq(last_press().outcome, PRESS_FOUL, "before the re-arm");
	cr_expect_eq(last_press().arm, 1);
	cr_expect_eq(press_at(x, t + 210 * MS, 20 * MS, t + 50 * MS, 0),
		     -QE_ALREADY_ANSWERED);
	cr_assert_eq(press_at(a, t + 300 * MS, 0, t, 0), 0);
	cr_expect_eq(last_press().outcome, PRESS_IGNORED, "answered: out");
	/* sent_us: the ARMED BuzzState reached g 100 ms after it was
	 * written at t */
	cr_assert_eq(press_at(g, t + LEAD + 500 * MS, 100 * MS, t, 0), 0);
	cr_expect_eq(last_press().react_us, 400 * MS);
	fire();
	cr_expect_eq(bz().winner, g);
	now += SEC;
	cr_assert_eq(answer_buzz(g, true), 0);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_eq(player(a)->score, -10);
	cr_expect(player(a)->last.answered);
	cr_expect_eq(player(x)->score, -10);
	cr_expect_eq(player(g)->score, 10);
}

/* No press within arm_time of the arming: the question is void. */
Test(buzz, no_press_voids_the_question)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a;
	int64_t reveal;

	buzz_round(&c, 2);
	new_room_contest(&s, &c);
	a = join("a");
	to_open();
	reveal = room_reveal_at(R);
	run_until(reveal + READ + 20 * SEC + CAP - 1);
	cr_expect_eq(room_state(R), ROOM_OPEN);
	run_until(reveal + READ + 20 * SEC + CAP);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect(last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect(room_question_voided(R));
	cr_expect_eq(player(a)->last.q, -1, "nothing booked");
	cr_expect_eq(bz().phase, BUZZ_DONE);
	/* a press after the close is refused */
	cr_expect_eq(press(a), -QE_BAD_STATE);
}

/* The winner never answers (gone): at the deadline it is wrong, the
 * buzzer re-arms; nobody presses: the question closes and books it. */
Test(buzz, winner_disconnects)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, x;
	int64_t armed, dl;

	buzz_round(&c, 1);
	new_room_contest(&s, &c);
	a = join("a");
	x = join("x");
	to_open();
	armed = to_armed();
	cr_assert_eq(press_at(a, armed + 80 * MS, 0, 0, 0), 0);
	fire();
	dl = bz().answer_deadline_us;
	cr_expect_eq(dl, armed + 100 * MS + 20 * SEC);
	fire();
	cr_expect_eq(now, dl + CAP);
	cr_expect_eq(bz().arm, 1);
	cr_expect_eq(bz().armed_at_us, dl + CAP + LEAD);
	cr_expect_eq(room_state(R), ROOM_OPEN);
	/* too late to answer now */
	cr_expect_eq(answer_buzz(a, true), -QE_NOT_YOUR_TURN);
	run_until(dl + CAP + LEAD + 20 * SEC + CAP);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect(!last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect_eq(player(a)->score, -10);
	cr_expect(!player(a)->last.answered);
	cr_expect_eq(player(x)->score, 0);
	cr_expect_eq(player(x)->last.q, 0);
}

/* An answer after its compensated deadline is too late; within the cap
 * of compensation it is still taken. */
Test(buzz, answer_deadline_is_compensated)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a;
	int64_t armed, dl, rt;

	buzz_round(&c, 1);
	new_room_contest(&s, &c);
	a = join("a");
	join("x");
	to_open();
	armed = to_armed();
	cr_assert_eq(press_at(a, armed + 80 * MS, 0, 0, 0), 0);
	fire();
	dl = bz().answer_deadline_us;
	now = dl + 100 * MS;
	cr_expect_eq(answer_ow(a, 0, ok_mask(0), NULL, 50 * MS, &rt),
		     -QE_TOO_LATE);
	cr_assert_eq(answer_ow(a, 0, ok_mask(0), NULL, 120 * MS, &rt), 0);
	cr_expect_eq(rt, 20 * SEC - 20 * MS);
	cr_expect_eq(player(a)->score, 10);
}

/* A pause in the answer window shifts every buzzer time; the answer is
 * taken within the shifted window and timed without the pause. */
Test(buzz, pause_in_the_answer_window)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_buzz b;
	uint32_t a;
	int64_t armed, we, rt;
	size_t mark;

	buzz_round(&c, 1);
	new_room_contest(&s, &c);
	a = join("a");
	join("x");
	to_open();
	armed = to_armed();
	cr_assert_eq(press_at(a, armed + 80 * MS, 0, 0, 0), 0);
	fire();
	we = bz().window_end_us;
	now = we + 5 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect(!room_buzz_view(R, &b), "no buzzer view while paused");
	cr_expect_eq(room_timer_at(R), 0);
	now += 30 * SEC;
	mark = nfx;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(count_fx_since(mark, FX_QUESTION), 1);
	cr_expect_eq(count_fx_since(mark, FX_BUZZ), 1, "BuzzState re-sent");
	b = bz();
	cr_expect_eq(b.window_end_us, we + 30 * SEC);
	cr_expect_eq(b.answer_deadline_us, we + 30 * SEC + 20 * SEC);
	cr_expect_eq(b.armed_at_us, armed + 30 * SEC);
	cr_expect_eq(room_timer_at(R), we + 50 * SEC + CAP);
	now += 14 * SEC; /* 19 s of the window used; unshifted it was over */
	cr_assert_eq(answer_ow(a, 0, ok_mask(0), NULL, 0, &rt), 0);
	cr_expect_eq(rt, 19 * SEC);
	cr_expect_eq(player(a)->score, 10);
	cr_expect_eq(player(a)->last.rt_us, 19 * SEC);
}

/* A pause while reading: the arming moves by the pause. */
Test(buzz, pause_while_reading)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a;
	int64_t reveal;

	buzz_round(&c, 1);
	new_room_contest(&s, &c);
	a = join("a");
	to_open();
	reveal = room_reveal_at(R);
	now = reveal + SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 10 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(bz().armed_at_us, reveal + READ + 10 * SEC);
	cr_expect_eq(room_timer_at(R), reveal + READ + 10 * SEC);
	cr_assert_eq(press_at(a, reveal + READ + 5 * SEC, 0, 0, 0), 0);
	cr_expect_eq(last_press().outcome, PRESS_FOUL);
}

/* Host NEXT closes now: a decided foul is booked, a winner who has not
 * answered is not; SKIP voids. */
Test(buzz, next_books_what_was_decided_skip_voids)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, x;
	int64_t armed;

	buzz_round(&c, 2);
	new_room_contest(&s, &c);
	a = join("a");
	x = join("x");
	to_open();
	cr_assert_eq(press_at(x, room_reveal_at(R) + SEC, 0, 0, 0), 0);
	armed = to_armed();
	cr_assert_eq(press_at(a, armed + 10 * MS, 0, 0, 0), 0);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0); /* the window is still open */
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_eq(press_of(a, 0).outcome, PRESS_WON, "decided at close");
	cr_expect_eq(bz().phase, BUZZ_DONE);
	cr_expect_eq(player(a)->score, 0);
	cr_expect(!player(a)->last.answered);
	cr_expect_eq(player(x)->score, -10);

	to_open();
	cr_assert_eq(press_at(x, room_reveal_at(R) + SEC, 0, 0, 0), 0);
	cr_assert_eq(cmd(CMD_SKIP, 0), 0);
	cr_expect(last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect_eq(player(x)->score, -10, "the foul of a skipped question");
}

/* Everyone fouls: nobody may press, the question closes at once. */
Test(buzz, everyone_out_closes)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, x;

	buzz_round(&c, 1);
	new_room_contest(&s, &c);
	a = join("a");
	x = join("x");
	to_open();
	now = room_reveal_at(R) + 100 * MS;
	cr_assert_eq(press(a), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN);
	cr_assert_eq(press(x), 0);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect(!last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect_eq(player(a)->score, -10);
	cr_expect_eq(player(x)->score, -10);
}

/* Team units: any member presses, every member is booked, a foul locks
 * the whole team out. */
Test(buzz, team_units)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t a, b2, d, x;
	int64_t armed;

	buzz_round(&c, 2);
	c.scoring = TEAM_MEAN;
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b2 = join_team("b", "red");
	d = join_team("d", "red");
	x = join_team("x", "blue");
	to_open();
	cr_assert_eq(press_at(b2, room_reveal_at(R) + SEC, 0, 0, 0), 0);
	armed = to_armed();
	cr_assert_eq(press_at(a, armed + 10 * MS, 0, 0, 0), 0);
	cr_expect_eq(last_press().outcome, PRESS_IGNORED);
	cr_assert_eq(press_at(d, armed + 20 * MS, 0, 0, 0), 0);
	cr_expect_eq(last_press().outcome, PRESS_IGNORED);
	cr_assert_eq(press_at(x, armed + 30 * MS, 0, 0, 0), 0);
	fire();
	now += SEC;
	cr_assert_eq(answer_buzz(x, true), 0);
	cr_expect_eq(player(a)->score, -10);
	cr_expect_eq(player(b2)->score, -10);
	cr_expect_eq(player(d)->score, -10);
	cr_expect_eq(player(x)->score, 10);

	to_open();
	armed = to_armed();
	cr_assert_eq(press_at(d, armed + 10 * MS, 0, 0, 0), 0);
	fire();
	cr_expect_eq(answer_buzz(a, true), -QE_NOT_YOUR_TURN,
		     "the presser answers");
	now += SEC;
	cr_assert_eq(answer_buzz(d, true), 0);
	cr_expect_eq(player(a)->score, 0);
	cr_expect_eq(player(b2)->score, 0);
	cr_expect_eq(player(d)->score, 0);
	cr_expect(player(a)->last.correct);
	cr_expect_eq(player(a)->last.delta, 10);
	cr_expect_eq(board_score(player(a)->team, NULL), 0);
	cr_expect_eq(board_score(player(x)->team, NULL), 10);
}

/* ---- judges ------------------------------------------------------------- */

/* Judge ORAL: the winner answers aloud; one verdict decides; a wrong one
 * re-arms; a typed answer is refused. */
Test(buzz, oral_judging)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_judge j;
	uint32_t a, x;
	int64_t armed;
	size_t mark;

	buzz_round(&c, 1)->judge = JUDGE_ORAL;
	new_room_contest(&s, &c);
	a = join("a");
	x = join("x");
	cr_expect(!room_judge_view(R, &j));
	to_open();
	cr_expect_eq(count_fx(FX_KEY), 1);
	cr_expect(room_question_keyed(R, 0), "a buzz round keys its questions");
	cr_expect(!room_question_keyed(R, 99), "no such question");
	cr_expect_eq(room_verdict(R, now, 0, 0, true, "host"), -QE_BAD_STATE);
	armed = to_armed();
	cr_assert_eq(press_at(a, armed + 10 * MS, 0, 0, 0), 0);
	mark = nfx;
	fire();
	cr_expect_eq(count_fx_since(mark, FX_JUDGE), 1);
	cr_expect_eq(bz().phase, BUZZ_JUDGING);
	cr_expect_eq(room_timer_at(R), 0, "the round waits for the verdict");
	cr_assert(room_judge_view(R, &j));
	cr_expect_eq(j.nitems, 1);
	cr_expect_str_eq(j.items[0].text, "");
	cr_expect_eq(j.items[0].player, a);
	cr_expect(!j.items[0].suggestion);
	cr_expect(!j.done);
	cr_expect_eq(j.since_us, armed + 30 * MS);
	now += 5 * SEC;
	cr_expect_eq(answer_buzz(a, true), -QE_ALREADY_ANSWERED);
	cr_expect_eq(room_verdict(R, now, 1, 0, true, "host"), -QE_BAD_MESSAGE);
	cr_expect_eq(room_verdict(R, now, 0, 3, true, "host"), -QE_BAD_MESSAGE);
	cr_assert_eq(room_verdict(R, now, 0, 0, false, "judge"), 0);
	drain();
	cr_expect_eq(evlog[nev - 1].ev.kind, EV_VERDICT);
	cr_expect_str_eq(evlog[nev - 1].ev.text, "judge");
	cr_expect_eq(evlog[nev - 1].ev.choice_mask, 0);
	cr_expect_eq(bz().arm, 1);
	cr_assert(room_judge_view(R, &j));
	cr_expect(j.done);
	cr_expect(!j.items[0].correct);
	armed = bz().armed_at_us;
	cr_assert_eq(press_at(x, armed + 10 * MS, 0, armed - LEAD, 0), 0);
	fire();
	cr_assert(room_judge_view(R, &j));
	cr_expect(!j.done);
	cr_expect_eq(j.items[0].player, x);
	cr_assert_eq(room_verdict(R, now, 0, 0, true, "host"), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_eq(player(a)->score, -10);
	cr_expect_eq(player(x)->score, 10);
}

/* Judge FILL in a buzz round: a typed fill-in answer goes to the judge
 * with the automatic suggestion; REST takes it. */
Test(buzz, fill_judge_in_a_buzz_round)
{
	static const char *const fills[] = {"全心全意为人民服务"};
	static const char *const ids[] = {"f0"};
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	struct room_judge j;
	uint32_t a;
	int64_t armed;

	add_item_full("f0", ITEM_FILL, NULL, 0, 0, fills, 1, "c", 1);
	r = buzz_round(&c, 1);
	r->judge = JUDGE_FILL;
	round_ids(&c, r, ids, 1);
	new_room_contest(&s, &c);
	a = join("a");
	join("x");
	to_open();
	armed = to_armed();
	cr_assert_eq(press_at(a, armed + 10 * MS, 0, 0, 0), 0);
	fire();
	cr_expect_eq(bz().phase, BUZZ_ANSWERING);
	now += 2 * SEC;
	cr_assert_eq(answer(a, 0, 0, "全心全意，为人民服务"), 0);
	cr_expect_eq(bz().phase, BUZZ_JUDGING);
	cr_assert(room_judge_view(R, &j));
	cr_expect_str_eq(j.items[0].text, "全心全意，为人民服务");
	cr_expect(j.items[0].suggestion);
	cr_assert_eq(room_verdict(R, now, 0, ROOM_VERDICT_REST, false, "host"),
		     0);
	drain();
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_eq(player(a)->score, 10);
}

/* JUDGE_FILL in a speed round: the closed question waits in JUDGING with
 * the distinct answers grouped by the fill normalisation, most frequent
 * first; a near answer is accepted; REST rules the rest as suggested;
 * then the answers are re-marked and booked. */
Test(buzz, fill_judge_in_a_speed_round)
{
	static const char *const fills[] = {"全心全意为人民服务"};
	static const char *const ids[] = {"f0", "q0"};
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	struct room_judge j;
	uint32_t p[6];
	int64_t reveal;
	size_t mark;
	int i;

	add_item_full("f0", ITEM_FILL, NULL, 0, 0, fills, 1, "c", 1);
	contest_init(&c);
	r = add_round(&c, FMT_SPEED);
	r->judge = JUDGE_FILL;
	round_ids(&c, r, ids, 2);
	new_room_contest(&s, &c);
	for (i = 0; i < 6; i++) {
		char nick[8];

		snprintf(nick, sizeof(nick), "p%d", i);
		p[i] = join(nick);
	}
	to_open();
	cr_expect_eq(count_fx(FX_KEY), 1, "a judge round sends the key");
	reveal = room_reveal_at(R);
	now = reveal + 2 * SEC;
	cr_assert_eq(answer(p[0], 0, 0, "为人民服务"), 0);
	cr_assert_eq(answer(p[1], 0, 0, "全心全意为人民服务"), 0);
	cr_assert_eq(answer(p[2], 0, 0, "人民"), 0);
	cr_assert_eq(answer(p[3], 0, 0, "全心全意 为人民服务。"), 0);
	cr_assert_eq(answer(p[4], 0, 0, "为人民服务！"), 0);
	cr_assert_eq(answer(p[5], 0, 0, "ＡＢＣ"), 0);
	cr_expect(!last_fx(FX_ANSWER)->u.answer.correct);
	mark = nfx;
	run_until(reveal + 20 * SEC + CAP);
	cr_expect_eq(room_state(R), ROOM_JUDGING);
	cr_expect_eq(count_fx_since(mark, FX_CLOSED), 0);
	cr_expect_eq(count_fx_since(mark, FX_JUDGE), 1);
	cr_expect_eq(room_timer_at(R), 0, "no timer: it waits");
	cr_expect_eq(answer(p[0], 0, ok_mask(0), NULL), -QE_TOO_LATE);
	cr_assert(room_judge_view(R, &j));
	cr_assert_eq(j.nitems, 4);
	cr_expect_eq(j.since_us, reveal + 20 * SEC + CAP);
	cr_expect_str_eq(j.items[0].text, "为人民服务");
	cr_expect_eq(j.items[0].count, 2);
	cr_expect(!j.items[0].suggestion);
	cr_expect_str_eq(j.items[1].text, "全心全意为人民服务");
	cr_expect_eq(j.items[1].count, 2);
	cr_expect(j.items[1].suggestion);
	cr_expect_str_eq(j.items[2].text, "人民");
	cr_expect_eq(j.items[2].count, 1);
	cr_expect_str_eq(j.items[3].text, "ＡＢＣ");
	cr_expect(!j.done);
	/* a pause and a storage hold wait like the judge */
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(room_verdict(R, now, 0, 0, true, "host"), -QE_BAD_STATE);
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_JUDGING);
	cr_expect_eq(room_verdict(R, now, 0, 4, true, "host"), -QE_BAD_MESSAGE);
	cr_expect_eq(room_verdict(R, now, 1, 0, true, "host"), -QE_BAD_MESSAGE);
	cr_assert_eq(room_verdict(R, now, 0, 0, true, "judge"), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_JUDGING, "items left to rule");
	cr_assert_eq(room_verdict(R, now, 0, ROOM_VERDICT_REST, false, "host"),
		     0);
	drain();
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_eq(count_fx_since(mark, FX_CLOSED), 1);
	cr_expect_eq(count_fx_since(mark, FX_REVEAL), 1);
	cr_assert(room_judge_view(R, &j));
	cr_expect(j.done);
	cr_expect(j.items[0].correct);
	cr_expect(j.items[1].correct);
	cr_expect(!j.items[2].correct);
	/* 2 s of 20: 1000 * (1 - 2/40) = 950 */
	cr_expect_eq(player(p[0])->score, 950, "near answer accepted");
	cr_expect_eq(player(p[1])->score, 950);
	cr_expect_eq(player(p[2])->score, 0);
	cr_expect_eq(player(p[3])->score, 950);
	cr_expect_eq(player(p[4])->score, 950);
	cr_expect_eq(player(p[5])->score, 0);
	cr_expect(player(p[4])->last.correct);

	/* a choice question in the same round is marked as usual */
	to_open();
	cr_expect(!room_judge_view(R, &j));
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(p[0], 1, ok_mask(1), NULL), 0);
	run_until(room_deadline_at(R) + CAP);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
}

/* More than 64 distinct answers: 64 items, the rest keep their
 * suggestion; with no answer at all the question is booked at once. */
Test(buzz, fill_judge_caps_items)
{
	static const char *const fills[] = {"a0"};
	static const char *const ids[] = {"f0", "f1"};
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	struct room_judge j;
	uint32_t p[70];
	int i;

	add_item_full("f0", ITEM_FILL, NULL, 0, 0, fills, 1, "c", 1);
	add_item_full("f1", ITEM_FILL, NULL, 0, 0, fills, 1, "c", 1);
	contest_init(&c);
	r = add_round(&c, FMT_SPEED);
	r->judge = JUDGE_FILL;
	round_ids(&c, r, ids, 2);
	s.max_players = 100;
	new_room_contest(&s, &c);
	for (i = 0; i < 70; i++) {
		char nick[8];

		snprintf(nick, sizeof(nick), "p%d", i);
		p[i] = join(nick);
	}
	to_open();
	now = room_reveal_at(R) + SEC;
	for (i = 0; i < 70; i++) {
		char text[8];

		snprintf(text, sizeof(text), "a%d", i);
		cr_assert_eq(answer(p[i], 0, 0, text), 0);
	}
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_assert(room_judge_view(R, &j));
	cr_expect_eq(j.nitems, ROOM_JUDGE_ITEMS_MAX);
	cr_expect_str_eq(j.items[0].text, "a0", "ties: the earliest first");
	cr_assert_eq(hold(), 0);
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(room_paused_from(R), ROOM_JUDGING);
	cr_expect_eq(room_verdict(R, now, 0, 0, true, "host"), -QE_BAD_STATE);
	cr_assert_eq(release(), 0);
	cr_expect_eq(room_state(R), ROOM_JUDGING);
	cr_expect_eq(room_timer_at(R), 0);
	cr_assert_eq(room_verdict(R, now, 0, ROOM_VERDICT_REST, true, "host"),
		     0);
	drain();
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect(player(p[0])->last.correct);
	cr_expect(!player(p[69])->last.correct);
	cr_expect(player(p[69])->last.answered);

	to_open();
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_expect_eq(room_state(R), ROOM_CLOSED, "nothing to judge");
}

/* Judge FILL in a turn round: the unit's answer is re-marked. */
Test(buzz, fill_judge_in_a_turn_round)
{
	static const char *const fills[] = {"实事求是"};
	static const char *const ids[] = {"f0"};
	struct room_settings s = settings();
	struct contest c;
	struct round_cfg *r;
	uint32_t a, b2;

	add_item_full("f0", ITEM_FILL, NULL, 0, 0, fills, 1, "c", 1);
	contest_init(&c);
	r = add_round(&c, FMT_TURN);
	r->judge = JUDGE_FILL;
	r->count = 1;
	round_ids(&c, r, ids, 1);
	new_room_contest(&s, &c);
	a = join_team("a", "red");
	b2 = join_team("b", "red");
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(b2, 0, 0, "实事求事"), 0);
	run_until(room_deadline_at(R) + CAP);
	cr_assert_eq(room_state(R), ROOM_JUDGING);
	cr_assert_eq(room_verdict(R, now, 0, 0, true, "host"), 0);
	drain();
	cr_expect_eq(player(a)->score, 10);
	cr_expect_eq(player(b2)->score, 10);
}

/* ---- the late-question rule -------------------------------------------- */

/* A speed answer whose question reached the contestant after reveal_at
 * is timed from its arrival; an early send changes nothing; the liar
 * gains at most the cap. */
Test(buzz, late_question_speed_answer)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_answer_in in;
	uint32_t a, b2, d;
	int64_t reveal, rt;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 1;
	new_room_contest(&s, &c);
	a = join("a");
	b2 = join("b");
	d = join("d");
	to_open();
	cr_expect(!room_question_keyed(R, room_question_index(R)),
		  "a speed round without a judge sends no key");
	reveal = room_reveal_at(R);
	now = reveal + 2 * SEC;
	memset(&in, 0, sizeof(in));
	in.recv_us = now;
	in.q = 0;
	in.choice_mask = ok_mask(0);
	/* written 50 ms after reveal, 50 ms on the way: shown 100 ms late */
	in.player = a;
	in.one_way_us = 50 * MS;
	in.sent_us = reveal + 50 * MS;
	cr_assert_eq(room_answer_in(R, &in, &rt), 0);
	cr_expect_eq(rt, 2 * SEC - 50 * MS - 100 * MS);
	drain();
	cr_expect_eq(evlog[nev - 1].ev.arg, reveal + 50 * MS, "logged");
	/* written well before reveal: timed from reveal_at */
	in.player = b2;
	in.sent_us = reveal - LEAD;
	cr_assert_eq(room_answer_in(R, &in, &rt), 0);
	cr_expect_eq(rt, 2 * SEC - 50 * MS);
	drain();
	/* a liar's delay is capped at 150 ms each way */
	in.player = d;
	in.one_way_us = 900 * MS;
	in.sent_us = reveal;
	cr_assert_eq(room_answer_in(R, &in, &rt), 0);
	cr_expect_eq(rt, 2 * SEC - CAP - CAP);
	drain();
	run_until(room_deadline_at(R) + CAP);
	cr_expect_eq(player(a)->last.rt_us, 2 * SEC - 150 * MS);
}

/* ---- replay ------------------------------------------------------------- */

#define KEEP_MAX 64

static struct room_press kept[KEEP_MAX];
static size_t nkept;
static int64_t kept_q[ROOM_MAX_QUESTIONS];

/* Keeps the presses of a question once it is closed. */
static void keep_closed(void)
{
	struct room_buzz b;
	size_t i;

	if (room_state(R) != ROOM_CLOSED || !room_buzz_view(R, &b) ||
	    kept_q[b.q])
		return;
	kept_q[b.q] = 1;
	for (i = 0; i < b.npresses; i++) {
		cr_assert_lt(nkept, KEEP_MAX);
		kept[nkept++] = b.presses[i];
	}
}

/* A whole buzz round (fouls, ties, a late press, rebounds, oral
 * verdicts, a pause, a winner gone) replayed into a fresh room: the same
 * presses with the same outcomes, the same effects and scores. */
Test(buzz, replay_gives_the_same_decisions)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_press first[KEEP_MAX];
	struct room_player pl[8];
	uint32_t a, b2, x, g, h, ids[5];
	size_t nfirst, i, fx_first, k;
	struct room_effect *fx0;
	int64_t armed;

	contest_init(&c);
	add_round(&c, FMT_BUZZ)->count = 3;
	add_round(&c, FMT_BUZZ)->count = 1;
	c.rounds[1].judge = JUDGE_ORAL;
	c.rounds[1].rebounds = 2;
	new_room_contest(&s, &c);
	memset(kept_q, 0, sizeof(kept_q));
	nkept = 0;
	a = join_team("a", "red");
	b2 = join_team("b", "red");
	x = join_team("x", "blue");
	g = join("g");
	h = join("h");
	ids[0] = a, ids[1] = b2, ids[2] = x, ids[3] = g, ids[4] = h;

	/* q0: a foul, a compensated tie, a late press, a right answer */
	to_open();
	cr_assert_eq(press_at(b2, room_reveal_at(R) + SEC, 0, 0, 0), 0);
	armed = to_armed();
	cr_assert_eq(press_at(g, armed + 50 * MS, 0, 0, 40 * MS), 0);
	cr_assert_eq(press_at(x, armed + 60 * MS, 30 * MS, 0, 40 * MS), 0);
	cr_assert_eq(press_at(a, armed + 70 * MS, 0, 0, 40 * MS), 0);
	cr_assert_eq(press_at(g, armed + 65 * MS, 0, 0, 0),
		     -QE_ALREADY_ANSWERED);
	fire();
	cr_assert_eq(press_at(h, armed + 200 * MS, 100 * MS, 0, 40 * MS), 0);
	now += SEC;
	cr_assert_eq(answer_buzz(x, true), 0);
	keep_closed();
	/* q1: wrong, a rebound with a pause in it, the winner gone */
	to_open();
	armed = to_armed();
	cr_assert_eq(press_at(a, armed + 90 * MS, 20 * MS, 0, 20 * MS), 0);
	fire();
	now += 2 * SEC;
	cr_assert_eq(answer_buzz(a, false), 0);
	now += 100 * MS;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 7 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	armed = bz().armed_at_us;
	cr_assert_eq(press_at(g, armed + 300 * MS, 0, now, 0), 0);
	fire();
	run_until(bz().answer_deadline_us + CAP);
	keep_closed();
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	/* q2: nobody: void */
	to_open();
	run_until(bz().arm_deadline_us + CAP);
	keep_closed();
	cr_expect(room_question_voided(R));
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	/* round 2, oral: a wrong verdict, a rebound, a right one */
	to_open();
	armed = to_armed();
	cr_assert_eq(press_at(x, armed + 10 * MS, 0, 0, 0), 0);
	fire();
	now += 3 * SEC;
	cr_assert_eq(
	    room_verdict(R, now, room_question_index(R), 0, false, "judge"), 0);
	drain();
	armed = bz().armed_at_us;
	cr_assert_eq(press_at(a, armed + 10 * MS, 0, armed - LEAD, 0), 0);
	fire();
	cr_assert_eq(
	    room_verdict(R, now, room_question_index(R), 0, true, "host"), 0);
	drain();
	keep_closed();
	cr_expect_eq(to_break(), ROOM_FINISHED);

	cr_expect_eq(player(x)->score, 10 - 10);
	cr_expect_eq(player(a)->score, -10 - 10 + 10, "foul, wrong, right");
	cr_expect_eq(player(b2)->score, -10 - 10 + 10);
	cr_expect_eq(player(g)->score, -10);
	cr_expect_eq(player(h)->score, 0);
	cr_expect_gt(count_ev(EV_BUZZ), 8);
	cr_expect_eq(count_ev(EV_VERDICT), 2);
	memcpy(first, kept, nkept * sizeof(kept[0]));
	nfirst = nkept;
	cr_assert_gt(nfirst, 8);
	for (i = 0; i < 5; i++)
		pl[i] = *player(ids[i]);
	fx_first = nfx;
	fx0 = xmalloc(nfx * sizeof(*fx0));
	memcpy(fx0, fxlog, nfx * sizeof(*fx0));

	/* the replay */
	{
		struct ev_copy *evs = xmalloc(nev * sizeof(*evs));
		size_t n = nev;

		memcpy(evs, evlog, n * sizeof(*evs));
		for (i = 0; i < n; i++) {
			evs[i].ev.nick = evlog[i].ev.nick ? evs[i].nick : NULL;
			evs[i].ev.team = evlog[i].ev.team ? evs[i].team : NULL;
			evs[i].ev.text = evlog[i].ev.text ? evs[i].text : NULL;
		}
		room_free(R);
		R = room_new(&s, &c, bank, TOKEN);
		cr_assert_not_null(R);
		nfx = nev = 0;
		nkept = 0;
		memset(kept_q, 0, sizeof(kept_q));
		auto_commit = false;
		for (i = 0; i < n; i++) {
			int rc;

			now = evs[i].ev.at_us;
			rc = room_apply(R, &evs[i].ev);
			cr_assert_geq(rc, 0, "event %zu (%s) refused: %d", i,
				      room_event_kind_name(evs[i].ev.kind), rc);
			drain();
			keep_closed();
		}
		cr_expect_eq(nev, n);
		for (i = 0; i < n && i < nev; i++) {
			cr_expect_eq(evlog[i].ev.seq, evs[i].ev.seq);
			cr_expect_eq(evlog[i].ev.kind, evs[i].ev.kind);
			cr_expect_eq(evlog[i].ev.arg, evs[i].ev.arg);
			cr_expect_eq(evlog[i].ev.arg2, evs[i].ev.arg2);
		}
		free(evs);
	}
	cr_assert_eq(nkept, nfirst);
	for (i = 0; i < nfirst; i++) {
		cr_expect_eq(kept[i].seq, first[i].seq, "press %zu", i);
		cr_expect_eq(kept[i].player, first[i].player, "press %zu", i);
		cr_expect_eq(kept[i].arm, first[i].arm, "press %zu", i);
		cr_expect_eq(kept[i].recv_us, first[i].recv_us, "press %zu", i);
		cr_expect_eq(kept[i].comp_us, first[i].comp_us, "press %zu", i);
		cr_expect_eq(kept[i].react_us, first[i].react_us, "press %zu",
			     i);
		cr_expect_eq(kept[i].gap_us, first[i].gap_us, "press %zu", i);
		cr_expect_eq(kept[i].outcome, first[i].outcome, "press %zu", i);
	}
	for (i = 0; i < 5; i++) {
		const struct room_player *p = player(ids[i]);

		cr_expect_eq(p->score, pl[i].score, "player %u", ids[i]);
		cr_expect_eq(p->correct, pl[i].correct);
		cr_expect_eq(p->rank, pl[i].rank);
		cr_expect_eq(p->last.delta, pl[i].last.delta);
	}
	/* the same FX_BUZZ and FX_JUDGE effects, in the same order */
	for (i = 0, k = 0; i < fx_first; i++) {
		if (fx0[i].kind != FX_BUZZ && fx0[i].kind != FX_JUDGE)
			continue;
		while (k < nfx && fxlog[k].kind != FX_BUZZ &&
		       fxlog[k].kind != FX_JUDGE)
			k++;
		cr_assert_lt(k, nfx, "fewer buzz effects in the replay");
		cr_expect_eq(fxlog[k].kind, fx0[i].kind);
		cr_expect_eq(fxlog[k].u.buzz.first, fx0[i].u.buzz.first);
		cr_expect_eq(fxlog[k].u.buzz.n, fx0[i].u.buzz.n);
		k++;
	}
	free(fx0);
	/* outcomes seen: every kind */
	{
		bool seen[6] = {false};

		for (i = 0; i < nfirst; i++)
			seen[first[i].outcome] = true;
		cr_expect(seen[PRESS_WON] && seen[PRESS_SLOWER] &&
			  seen[PRESS_LATE] && seen[PRESS_FOUL] &&
			  seen[PRESS_IGNORED]);
		cr_expect(!seen[PRESS_PENDING]);
	}
}

/* After a pause the question is re-sent: a re-send that arrives after the
 * resume is not charged either, and the time used before the pause still
 * counts; a TURN answer follows the same rule. */
Test(buzz, late_question_after_a_resume_and_in_turn)
{
	struct room_settings s = settings();
	struct contest c;
	struct room_answer_in in;
	uint32_t a, x;
	int64_t reveal, resumed, rt;

	contest_init(&c);
	add_round(&c, FMT_SPEED)->count = 1;
	add_round(&c, FMT_TURN)->count = 1;
	new_room_contest(&s, &c);
	a = join("a");
	x = join("x");
	to_open();
	reveal = room_reveal_at(R);
	now = reveal + 3 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 10 * SEC;
	resumed = now;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	memset(&in, 0, sizeof(in));
	in.q = 0;
	in.choice_mask = ok_mask(0);
	in.one_way_us = 40 * MS;
	/* re-sent at the resume, shown 40 ms later; answered 2 s after */
	in.player = a;
	in.sent_us = resumed;
	in.recv_us = resumed + 40 * MS + 2 * SEC + 40 * MS;
	now = in.recv_us;
	cr_assert_eq(room_answer_in(R, &in, &rt), 0);
	cr_expect_eq(rt, 3 * SEC + 2 * SEC);
	drain();
	/* the first send's time (before the pause) changes nothing */
	in.player = x;
	in.sent_us = reveal - LEAD;
	cr_assert_eq(room_answer_in(R, &in, &rt), 0);
	cr_expect_eq(rt, 3 * SEC + 2 * SEC + 40 * MS);
	drain();
	run_until(room_deadline_at(R) + CAP);
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);

	to_open(); /* a's turn (join order) */
	reveal = room_reveal_at(R);
	in.q = 1;
	in.choice_mask = ok_mask(1);
	in.player = a;
	in.one_way_us = 60 * MS;
	in.sent_us = reveal + 90 * MS; /* shown 150 ms late */
	in.recv_us = reveal + 4 * SEC;
	now = in.recv_us;
	cr_assert_eq(room_answer_in(R, &in, &rt), 0);
	cr_expect_eq(rt, 4 * SEC - 60 * MS - 150 * MS);
	drain();
	run_until(room_deadline_at(R) + CAP);
	cr_expect_eq(player(a)->last.rt_us, 4 * SEC - 210 * MS);
	cr_expect_eq(player(a)->last.delta, 10);
}

/* A foul decided inside an open window splits the window's decision into
 * runs of consecutive presses: one FX_BUZZ each, so no press is told (or
 * stored) twice. A kicked contestant may not press. */
Test(buzz, decided_presses_come_in_runs)
{
	struct room_settings s = settings();
	struct contest c;
	uint32_t p1, p2, p3, k;
	int64_t armed;
	size_t mark, i, seen[4] = {0};

	buzz_round(&c, 1);
	new_room_contest(&s, &c);
	p1 = join("p1");
	p2 = join("p2");
	p3 = join("p3");
	k = join("k");
	to_open();
	cr_assert_eq(cmd(CMD_KICK, k), 0);
	armed = to_armed();
	cr_expect_eq(press_at(k, armed + 5 * MS, 0, 0, 0), -QE_BAD_STATE);
	cr_assert_eq(press_at(p1, armed + 10 * MS, 0, 0, 0), 0);
	mark = nfx;
	/* reached the server after the arming, but compensated before it */
	cr_assert_eq(press_at(p2, armed + 15 * MS, 50 * MS, 0, 0), 0);
	cr_expect_eq(last_press().outcome, PRESS_FOUL);
	cr_expect_eq(last_press().react_us, -35 * MS);
	cr_assert_eq(press_at(p3, armed + 20 * MS, 0, 0, 0), 0);
	fire();
	cr_expect_eq(bz().winner, p1);
	cr_expect_eq(press_of(p3, 0).outcome, PRESS_SLOWER);
	cr_expect_eq(press_of(p3, 0).gap_us, 10 * MS);
	/* every press is in exactly one FX_BUZZ */
	for (i = mark; i < nfx; i++) {
		const struct room_effect *e = &fxlog[i];
		uint32_t j;

		if (e->kind != FX_BUZZ)
			continue;
		for (j = e->u.buzz.first; j < e->u.buzz.first + e->u.buzz.n;
		     j++) {
			cr_assert_lt(j, 3);
			seen[j]++;
		}
	}
	cr_expect_eq(seen[0], 1);
	cr_expect_eq(seen[1], 1);
	cr_expect_eq(seen[2], 1);
	cr_expect_eq(count_fx_since(mark, FX_BUZZ), 3,
		     "the foul, then two runs of the window");
}

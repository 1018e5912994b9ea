/* Restart survival (room_recover): a match of every format is played live
 * with the fake clock of tests/unit/room_fixture.h and its event log kept;
 * the log is cut after every event, each prefix replayed into a new room
 * made from the same settings, contest and bank, and the room recovered
 * at the time of the prefix's last event. The recovered room must be
 * paused with reason RECOVERED (LOBBY and FINISHED untouched), keep what
 * was committed and the time the phase had left, resume from the host's
 * RESUME at a later time of the same clock and at a smaller one (a reboot
 * resets the monotonic clock), play to the end, and replay, recovery and
 * all, to the same scores, ranks and team board. */
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

TestSuite(recover, .init = setup, .fini = teardown);

#define PLAYERS_MAX 16
#define REBOOT_NOW  (5 * SEC) /* a fresh monotonic clock after a reboot */
#define LATER	    (3600 * SEC)

static struct room_settings S;
static struct contest C;

/* The live run, then the run of a recovered room. */
static struct ev_copy orig[EVLOG_MAX];
static size_t norig;
static struct ev_copy full[EVLOG_MAX];
static size_t nfull;

/* What a room is worth at the end. */
struct snap {
	enum room_state state;
	size_t slots;
	struct room_player pl[PLAYERS_MAX];
	struct team_standing board[ROOM_TEAMS_MAX];
	size_t nboard;
};

/* ---- helpers -------------------------------------------------------------
 */

/* Copies n events with their strings, the pointers moved to the copy. */
static void copy_log(struct ev_copy *dst, const struct ev_copy *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		dst[i] = src[i];
		dst[i].ev.nick = src[i].ev.nick ? dst[i].nick : NULL;
		dst[i].ev.team = src[i].ev.team ? dst[i].team : NULL;
		dst[i].ev.text = src[i].ev.text ? dst[i].text : NULL;
	}
}

/* A new R from S, C and the bank, with empty logs. */
static void fresh_room(void)
{
	room_free(R);
	R = room_new(&S, &C, bank, TOKEN);
	cr_assert_not_null(R);
	nfx = nev = 0;
}

/* Replays n logged events into R (commits are in the log). */
static void apply_log(const struct ev_copy *log, size_t n)
{
	size_t i;

	auto_commit = false;
	for (i = 0; i < n; i++) {
		const struct room_event *ev = &log[i].ev;
		int rc;

		now = ev->at_us;
		rc = room_apply(R, ev);
		cr_assert_geq(rc, 0, "event %zu (seq %llu, %s) refused: %d", i,
			      (unsigned long long)ev->seq,
			      room_event_kind_name(ev->kind), rc);
		drain();
	}
}

static void snap_take(struct snap *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->state = room_state(R);
	s->slots = room_player_slots(R);
	cr_assert_leq(s->slots, PLAYERS_MAX);
	for (i = 1; i <= s->slots; i++)
		s->pl[i - 1] = *player((uint32_t)i);
	s->nboard = room_team_board(R, s->board, ROOM_TEAMS_MAX);
	if (s->nboard > ROOM_TEAMS_MAX)
		s->nboard = ROOM_TEAMS_MAX;
}

/* Scores, ranks, times and the team board agree (timing too unless
 * scores_only). */
static void snap_expect_eq(const struct snap *a, const struct snap *b,
			   bool scores_only, const char *what)
{
	size_t i;

	if (!scores_only)
		cr_expect_eq(a->state, b->state, "%s: state", what);
	cr_assert_eq(a->slots, b->slots, "%s: players", what);
	for (i = 0; i < a->slots; i++) {
		const struct room_player *x = &a->pl[i], *y = &b->pl[i];

		cr_expect_eq(x->score, y->score,
			     "%s: player %zu score %lld %lld", what, i + 1,
			     (long long)x->score, (long long)y->score);
		cr_expect_eq(x->correct, y->correct, "%s: player %zu", what,
			     i + 1);
		if (scores_only)
			continue;
		cr_expect_eq(x->rank, y->rank, "%s: player %zu rank", what,
			     i + 1);
		cr_expect_eq(x->total_time_us, y->total_time_us,
			     "%s: player %zu time", what, i + 1);
		cr_expect_eq(x->last.q, y->last.q, "%s: player %zu", what,
			     i + 1);
		cr_expect_eq(x->last.delta, y->last.delta, "%s: player %zu",
			     what, i + 1);
	}
	if (scores_only)
		return;
	cr_assert_eq(a->nboard, b->nboard, "%s: board", what);
	for (i = 0; i < a->nboard; i++) {
		cr_expect_eq(a->board[i].team, b->board[i].team, "%s: line %zu",
			     what, i);
		cr_expect_eq(a->board[i].rank, b->board[i].rank, "%s: line %zu",
			     what, i);
		cr_expect_eq(a->board[i].score, b->board[i].score,
			     "%s: line %zu", what, i);
		cr_expect_eq(a->board[i].points, b->board[i].points,
			     "%s: line %zu", what, i);
	}
}

/* Fires the armed timer (late if the clock is already past it). */
static void step_timer(void)
{
	int64_t t = room_timer_at(R);

	cr_assert_neq(t, 0, "no timer armed (state %d)", room_state(R));
	if (t > now)
		now = t;
	room_tick(R, now);
	drain();
}

/* The open question is played: a buzzer is pressed and answered right, a
 * ruling is given; else every contestant answers, some right, some wrong,
 * and the time runs out. */
static void play_open(void)
{
	uint32_t q = room_question_index(R), p, n;
	struct room_buzz bz;

	n = (uint32_t)room_player_slots(R);
	if (room_buzz_view(R, &bz)) {
		switch (bz.phase) {
		case BUZZ_ARMED:
			for (p = 1; p <= n; p++)
				if (room_buzz_may_press(R, p)) {
					(void)room_buzz(R, now, p, q, 0, 0, 0);
					drain();
					break;
				}
			step_timer();
			return;
		case BUZZ_ANSWERING:
			if (answer(bz.winner, q, ok_mask(q), NULL) < 0)
				step_timer();
			return;
		case BUZZ_JUDGING:
			cr_assert_eq(room_verdict(R, now, q, 0, true, "host"),
				     0);
			drain();
			return;
		default:
			step_timer();
			return;
		}
	}
	if (room_reveal_at(R) + 500 * MS > now)
		now = room_reveal_at(R) + 500 * MS;
	for (p = 1; p <= n; p++) {
		const struct room_question *rq = room_question(R, q);

		if (rq->item->kind == ITEM_FILL)
			(void)answer(p, q, 0, (p + q) % 3 ? "right" : "wrong");
		else
			(void)answer(
			    p, q, (p + q) % 3 ? ok_mask(q) : bad_mask(q), NULL);
		now += 300 * MS;
	}
	if (room_state(R) == ROOM_OPEN)
		step_timer();
}

/* Plays whatever is left of the match to its end. */
static void finish_match(void)
{
	int guard = 0;
	uint32_t p, n;

	auto_commit = true;
	while (room_state(R) != ROOM_FINISHED) {
		enum room_state st = room_state(R);

		cr_assert_lt(guard++, 500, "never finishes (state %d)", st);
		switch (st) {
		case ROOM_LOBBY:
			cr_assert_eq(cmd(CMD_START, 0), 0);
			break;
		case ROOM_WAGER:
			n = (uint32_t)room_player_slots(R);
			for (p = 1; p <= n; p++)
				(void)wager(p, room_question_index(R),
					    p % 2 ? 20 : 30);
			step_timer();
			break;
		case ROOM_COUNTDOWN:
			step_timer();
			break;
		case ROOM_OPEN:
			play_open();
			break;
		case ROOM_JUDGING:
			cr_assert_eq(
			    room_verdict(R, now, room_question_index(R),
					 ROOM_VERDICT_REST, false, "host"),
			    0);
			drain();
			break;
		case ROOM_CLOSED:
		case ROOM_LEADERBOARD:
		case ROOM_ROUND_BREAK:
			cr_assert_eq(cmd(CMD_NEXT, 0), 0, "NEXT in %d", st);
			break;
		default:
			cr_assert_fail("finish_match in state %d", st);
		}
	}
}

/* Whether the last FX_CLOSED of the log still waits for its reveal. */
static bool commit_awaited(void)
{
	size_t i;

	for (i = nfx; i-- > 0;) {
		if (fxlog[i].kind == FX_REVEAL)
			return false;
		if (fxlog[i].kind == FX_CLOSED)
			return true;
	}
	return false;
}

/* The last FX_EVENT R logged. */
static const struct room_event *last_event(void)
{
	cr_assert_gt(nev, 0);
	return &evlog[nev - 1].ev;
}

/* ---- one restart ---------------------------------------------------------
 */

/* How a restart goes: the question voided or not, the clock of the
 * resume, and a second restart during the recovered pause. */
struct restart {
	bool void_open;
	int64_t resume_at; /* 0: LATER after the recovery */
	bool twice;
};

/* Checks the room R just recovered at at (mark: the first effect of the
 * recovery). st0/from0/pending0: the state before it. Returns what the
 * FX_PAUSED of the recovery says is left (-2: not paused). */
static int64_t check_recovered(size_t mark, int64_t at, enum room_state st0,
			       enum room_state from0, bool pending0,
			       int64_t left0, bool voided, int64_t commit_at,
			       const struct snap *before, size_t k)
{
	const struct room_effect *e;
	const struct room_event *ev;
	struct snap mid;
	uint32_t q = room_question_index(R);
	size_t m2;

	ev = last_event();
	cr_assert_eq(ev->kind, EV_RECOVER, "cut %zu", k);
	cr_expect_eq(ev->at_us, at, "cut %zu", k);
	cr_expect_eq(ev->arg, voided ? 1 : 0, "cut %zu", k);
	cr_expect_eq(room_last_event_at(R), at);
	cr_expect(!room_held(R), "cut %zu: the hold is dropped", k);
	snap_take(&mid);
	snap_expect_eq(&mid, before, true, "recovery keeps the scores");
	if (st0 == ROOM_LOBBY || st0 == ROOM_FINISHED) {
		cr_expect_eq(room_state(R), st0, "cut %zu", k);
		cr_expect_eq(count_fx_since(mark, FX_PAUSED), 0, "cut %zu", k);
		return -2;
	}
	if (voided || pending0) {
		if (voided) {
			e = last_fx(FX_CLOSED);
			cr_assert(e && e - fxlog >= (ptrdiff_t)mark,
				  "cut %zu: no FX_CLOSED", k);
			cr_expect(e->u.closed.voided, "cut %zu", k);
		}
		cr_assert_eq(room_state(R), ROOM_CLOSED, "cut %zu", k);
		cr_expect_eq(count_fx_since(mark, FX_PAUSED), 0, "cut %zu", k);
		/* the caller calls room_committed again once stored */
		m2 = nfx;
		now = commit_at;
		room_committed(R, now, q);
		drain();
		cr_expect_eq(count_fx_since(m2, FX_REVEAL), 1, "cut %zu", k);
		cr_expect_eq(last_fx(FX_REVEAL)->u.closed.voided,
			     last_fx(FX_CLOSED)->u.closed.voided, "cut %zu", k);
		cr_expect(!voided || last_fx(FX_REVEAL)->u.closed.voided,
			  "cut %zu", k);
		cr_assert_eq(room_state(R), ROOM_PAUSED, "cut %zu", k);
		cr_expect_eq(room_paused_from(R), ROOM_CLOSED, "cut %zu", k);
		cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_RECOVERED,
			     "cut %zu", k);
		e = last_fx(FX_PAUSED);
		cr_expect_eq(e->u.paused.reason, ROOM_PAUSE_RECOVERED);
		snap_take(&mid);
		/* a voided question scores nothing */
		snap_expect_eq(&mid, before, true, "after the reveal");
		return e->u.paused.remaining_us;
	}
	cr_assert_eq(room_state(R), ROOM_PAUSED, "cut %zu: state", k);
	cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_RECOVERED, "cut %zu", k);
	cr_expect_eq(room_paused_from(R), st0 == ROOM_PAUSED ? from0 : st0,
		     "cut %zu", k);
	cr_expect_eq(count_fx_since(mark, FX_PAUSED), 1, "cut %zu", k);
	e = last_fx(FX_PAUSED);
	cr_expect_eq(e->u.paused.reason, ROOM_PAUSE_RECOVERED, "cut %zu", k);
	cr_expect_eq(e->u.paused.remaining_us, left0,
		     "cut %zu: remaining %lld, expected %lld", k,
		     (long long)e->u.paused.remaining_us, (long long)left0);
	cr_expect_eq(room_timer_at(R), 0, "cut %zu: no timer while paused", k);
	return e->u.paused.remaining_us;
}

/* What the phase of R has left at at, as a pause would tell it. */
static int64_t left_at(int64_t at)
{
	const struct room_effect *e;
	int64_t t = room_timer_at(R);

	switch (room_state(R)) {
	case ROOM_OPEN:
		return room_deadline_at(R) - at;
	case ROOM_PAUSED:
		e = last_fx(FX_PAUSED);
		cr_assert_not_null(e);
		return e->u.paused.remaining_us;
	default:
		return t ? (t > at ? t - at : 0) : -1;
	}
}

/* Restarts the recorded match after its first k events, resumes it and
 * plays it to the end; then replays the whole log of that run into a new
 * room and compares. Fills out with the end. */
static void restart_case(size_t k, const struct restart *how, struct snap *out)
{
	struct snap before, rep;
	enum room_state st0, from0, from;
	uint32_t ans0, ans1, dist[ITEM_MAX_OPTIONS];
	int64_t at, left0, left, resume_at;
	bool pending0, voidable;
	size_t mark;

	cr_assert_gt(k, 0);
	at = orig[k - 1].ev.at_us;
	fresh_room();
	apply_log(orig, k);
	cr_assert_eq(room_last_event_at(R), at, "cut %zu", k);
	st0 = room_state(R);
	from0 = room_paused_from(R);
	pending0 = (st0 == ROOM_CLOSED ||
		    (st0 == ROOM_PAUSED && from0 == ROOM_CLOSED)) &&
		   commit_awaited();
	voidable =
	    how->void_open && (st0 == ROOM_OPEN || st0 == ROOM_JUDGING ||
			       (st0 == ROOM_PAUSED &&
				(from0 == ROOM_OPEN || from0 == ROOM_JUDGING)));
	left0 = left_at(at);
	ans0 = room_progress(R, dist);
	snap_take(&before);

	/* the restart */
	mark = nfx;
	now = at;
	cr_assert_eq(room_recover(R, at, how->void_open), 0, "cut %zu", k);
	drain();
	resume_at = how->resume_at ? how->resume_at : at + LATER;
	left = check_recovered(mark, at, st0, from0, pending0, left0, voidable,
			       resume_at - SEC, &before, k);
	if (!voidable && st0 != ROOM_LOBBY && st0 != ROOM_FINISHED) {
		ans1 = room_progress(R, dist);
		cr_expect_eq(ans1, ans0, "cut %zu: answers kept", k);
	}

	if (how->twice) {
		/* restarted again during the recovered pause */
		enum room_state st1 = room_state(R);
		enum room_state f1 = room_paused_from(R);
		int64_t at2;

		nfull = nev;
		copy_log(full, evlog, nev);
		fresh_room();
		apply_log(full, nfull);
		at2 = room_last_event_at(R);
		cr_expect_eq(at2, full[nfull - 1].ev.at_us);
		mark = nfx;
		cr_assert_eq(room_recover(R, at2, how->void_open), 0);
		drain();
		cr_expect_eq(room_state(R), st1, "cut %zu: second recovery", k);
		cr_expect_eq(last_event()->arg, 0, "nothing open to void");
		if (st1 == ROOM_PAUSED) {
			cr_expect_eq(room_paused_from(R), f1);
			cr_expect_eq(room_pause_reason(R),
				     ROOM_PAUSE_RECOVERED);
			cr_expect_eq(count_fx_since(mark, FX_PAUSED), 1);
			cr_expect_eq(last_fx(FX_PAUSED)->u.paused.remaining_us,
				     left, "cut %zu: second recovery", k);
		}
	}

	/* the host resumes */
	now = resume_at;
	if (room_state(R) == ROOM_PAUSED) {
		from = room_paused_from(R);
		cr_assert_eq(cmd(CMD_RESUME, 0), 0, "cut %zu", k);
		cr_expect_eq(room_state(R), from);
		switch (from) {
		case ROOM_OPEN:
			cr_expect_eq(room_deadline_at(R), now + left,
				     "cut %zu: deadline %lld, expected %lld", k,
				     (long long)room_deadline_at(R),
				     (long long)(now + left));
			break;
		case ROOM_COUNTDOWN:
		case ROOM_WAGER:
			cr_expect_eq(room_timer_at(R), now + left, "cut %zu",
				     k);
			break;
		default:
			cr_expect_eq(room_timer_at(R),
				     left >= 0 ? now + left : 0, "cut %zu", k);
			break;
		}
	}
	finish_match();
	snap_take(out);

	/* the whole log (prefix, recovery, the rest) replays the same */
	nfull = nev;
	copy_log(full, evlog, nev);
	cr_expect_geq(nfull, k + 1);
	fresh_room();
	apply_log(full, nfull);
	snap_take(&rep);
	snap_expect_eq(&rep, out, false, "replay of the recovered run");
}

/* Keeps the live run's log. */
static void keep_orig(void)
{
	norig = nev;
	copy_log(orig, evlog, nev);
}

/* Every cut of the recorded match, each restarted four ways: continued or
 * voided, resumed later in the same clock or after a reboot; the two
 * clocks end the same. Every third cut is also restarted twice. Returns
 * how many cuts were in each state. */
static void every_cut(size_t *seen)
{
	struct snap later, reboot;
	struct restart how;
	char what[80];
	size_t k;

	cr_assert_gt(norig, 0);
	for (k = 1; k <= norig; k++) {
		int v;

		for (v = 0; v < 2; v++) {
			memset(&how, 0, sizeof(how));
			how.void_open = v;
			how.twice = k % 3 == 0;
			restart_case(k, &how, &later);
			how.resume_at = REBOOT_NOW;
			how.twice = k % 3 == 1;
			restart_case(k, &how, &reboot);
			snprintf(what, sizeof(what),
				 "cut %zu%s: a later resume and a reboot", k,
				 v ? " (void)" : "");
			snap_expect_eq(&later, &reboot, false, what);
		}
		/* which state that cut was in */
		fresh_room();
		apply_log(orig, k);
		seen[room_state(R)]++;
	}
}

/* ---- names and refusals --------------------------------------------------
 */

Test(recover, event_name_and_refusals)
{
	struct room_event ev;
	uint32_t a;
	int64_t t;

	cr_expect_str_eq(room_event_kind_name(EV_RECOVER), "recover");
	cr_expect_eq(room_event_kind_parse("recover"), EV_RECOVER);
	S = settings();
	contest_init(&C);
	add_round(&C, FMT_SPEED)->count = 2;
	new_room_contest(&S, &C);
	cr_expect_eq(room_last_event_at(R), 0);
	a = join("a");
	now += 7 * SEC;
	cr_assert_eq(cmd(CMD_START, 0), 0);
	cr_expect_eq(room_last_event_at(R), 1007 * SEC);
	/* before the last event: refused, not logged */
	cr_expect_eq(room_recover(R, 1006 * SEC, false), -QE_BAD_STATE);
	drain();
	cr_expect_eq(nev, 2);
	cr_expect_eq(room_state(R), ROOM_COUNTDOWN);
	/* in the lobby nothing is paused; the room plays on */
	fresh_room();
	now = 1000 * SEC;
	a = join("a");
	cr_assert_eq(room_recover(R, now, true), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_LOBBY);
	cr_expect_eq(count_fx(FX_PAUSED), 0);
	cr_expect_eq(last_event()->kind, EV_RECOVER);
	cr_expect_eq(last_event()->arg, 0);
	cr_expect_eq(room_command(R, now, TOKEN, CMD_RESUME, 0), -QE_BAD_STATE);
	to_open();
	now = room_reveal_at(R) + 2 * SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	t = now;
	/* room_apply replays an EV_RECOVER like room_recover */
	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_RECOVER;
	ev.at_us = t;
	cr_assert_eq(room_apply(R, &ev), 0);
	drain();
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_RECOVERED);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.remaining_us, 18 * SEC);
	cr_expect_eq(last_event()->kind, EV_RECOVER);
	/* a host PAUSE is refused while paused; a hold and its release keep
	 * the reason */
	cr_expect_eq(room_command(R, now, TOKEN, CMD_PAUSE, 0), -QE_BAD_STATE);
	cr_assert_eq(hold(), 0);
	cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_STORAGE);
	cr_assert_eq(release(), 0);
	cr_expect_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_RECOVERED);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.reason, ROOM_PAUSE_RECOVERED);
	/* the RESUME ends it; a later host pause is the host's */
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_OPEN);
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_HOST);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.reason, ROOM_PAUSE_HOST);
	(void)a;
}

/* ---- concrete numbers ----------------------------------------------------
 */

/* A speed question with one answer in: restarted, resumed after a reboot,
 * the answer keeps its 1.234 s (969 points) and the next one is timed
 * from the shifted reveal; both equal a run without a restart. */
Test(recover, speed_keeps_time_and_answers)
{
	uint32_t a, b, x, dist[ITEM_MAX_OPTIONS];
	int64_t rt = 0, at;
	struct snap plain, rec;

	S = settings();
	contest_init(&C);
	add_round(&C, FMT_SPEED)->count = 2;
	new_room_contest(&S, &C);
	a = join_team("a", "red");
	b = join_team("b", "red");
	x = join_team("x", "blue");
	to_open();
	now = room_reveal_at(R) + 1234 * MS;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	at = now;
	keep_orig();
	/* the run without a restart: b answers 1 s later */
	now += SEC;
	cr_assert_eq(answer_ow(b, 0, ok_mask(0), NULL, 0, &rt), 0);
	cr_expect_eq(rt, 2234 * MS);
	run_out();
	snap_take(&plain);
	cr_expect_eq(plain.pl[a - 1].score, 969);
	cr_expect_eq(plain.pl[b - 1].score, 944);

	/* restarted at the answer, resumed at 5 s of a new clock */
	fresh_room();
	apply_log(orig, norig);
	cr_assert_eq(room_recover(R, at, false), 0);
	drain();
	auto_commit = true;
	cr_assert_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_RECOVERED);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.remaining_us,
		     20 * SEC - 1234 * MS);
	/* what a contestant catching up is told */
	cr_expect_eq(room_paused_remaining(R), 20 * SEC - 1234 * MS);
	cr_expect_eq(room_progress(R, dist), 1);
	now = REBOOT_NOW;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_paused_remaining(R), -1);
	cr_expect_eq(room_deadline_at(R), REBOOT_NOW + 18766 * MS);
	cr_expect_eq(room_reveal_at(R), REBOOT_NOW - 1234 * MS);
	cr_expect_eq(room_timer_at(R), REBOOT_NOW + 18766 * MS + 150 * MS);
	cr_expect_eq(last_fx(FX_QUESTION)->u.time.deadline_at_us,
		     REBOOT_NOW + 18766 * MS);
	now += SEC;
	cr_assert_eq(answer_ow(b, 0, ok_mask(0), NULL, 0, &rt), 0);
	cr_expect_eq(rt, 2234 * MS);
	run_out();
	snap_take(&rec);
	snap_expect_eq(&rec, &plain, false, "restart vs none");
	cr_expect_eq(rec.pl[a - 1].score, 969);
	cr_expect_eq(rec.pl[x - 1].score, 0);
	/* the question's ticks are in the new clock; the log replays */
	cr_expect_lt(last_event()->at_us, at);
	nfull = nev;
	copy_log(full, evlog, nev);
	fresh_room();
	apply_log(full, nfull);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_eq(player(a)->score, 969);
	cr_expect_eq(player(b)->score, 944);
}

/* void_open: the open question scores nothing, is revealed voided, and
 * the room waits at the reveal; the next question plays normally. */
Test(recover, void_open_pauses_at_the_reveal)
{
	uint32_t a, x;
	int64_t at;
	size_t mark;

	S = settings();
	contest_init(&C);
	add_round(&C, FMT_SPEED)->count = 2;
	new_room_contest(&S, &C);
	a = join("a");
	x = join("x");
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	now += SEC;
	cr_assert_eq(answer(x, 0, ok_mask(0), NULL), 0);
	at = now;
	keep_orig();
	fresh_room();
	apply_log(orig, norig);
	mark = nfx;
	cr_assert_eq(room_recover(R, at, true), 0);
	drain();
	cr_expect_eq(count_fx_since(mark, FX_CLOSED), 1);
	cr_expect(last_fx(FX_CLOSED)->u.closed.voided);
	cr_expect_eq(count_fx_since(mark, FX_PAUSED), 0);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	cr_expect_eq(last_event()->arg, 1);
	now = REBOOT_NOW;
	room_committed(R, now, 0);
	drain();
	cr_expect(last_fx(FX_REVEAL)->u.closed.voided);
	cr_expect(room_question_voided(R));
	cr_assert_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(room_paused_from(R), ROOM_CLOSED);
	cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_RECOVERED);
	cr_expect_eq(player(a)->score, 0);
	cr_expect_eq(player(x)->score, 0);
	cr_expect_eq(player(a)->correct, 0);
	now += 10 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	auto_commit = true;
	to_open();
	cr_expect_eq(room_question_index(R), 1);
	now = room_reveal_at(R) + 2 * SEC;
	cr_assert_eq(answer(x, 1, ok_mask(1), NULL), 0);
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	cr_expect_eq(player(x)->score, 950);
	cr_expect_eq(player(a)->score, 0);
	cr_expect_eq(player(x)->rank, 1);
	cr_expect_eq(player(a)->rank, 2);
}

/* A host pause and a storage hold on top of it are recovered: the hold is
 * dropped, the pause's remaining time kept, the reason is RECOVERED. */
Test(recover, host_pause_and_hold)
{
	uint32_t a;
	int64_t at;

	S = settings();
	contest_init(&C);
	add_round(&C, FMT_SPEED)->count = 1;
	new_room_contest(&S, &C);
	a = join("a");
	to_open();
	now = room_reveal_at(R) + 4 * SEC;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 30 * SEC;
	cr_assert_eq(hold(), 0);
	now += 30 * SEC;
	cr_assert_eq(join("late"), 2);
	at = now;
	keep_orig();
	fresh_room();
	apply_log(orig, norig);
	cr_expect(room_held(R));
	cr_assert_eq(room_recover(R, at, false), 0);
	drain();
	cr_expect(!room_held(R));
	cr_assert_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_RECOVERED);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.remaining_us, 16 * SEC);
	now = 2 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_deadline_at(R), 18 * SEC);
	now = 3 * SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	run_out();
	/* answered 5 s into the question: 1000 * (40 - 5) / 40 */
	cr_expect_eq(player(a)->score, 875);
}

/* ---- every cut of a match of each format ---------------------------------
 */

/* SPEED and a fill-in SPEED round a judge rules (JUDGE_FILL): answers,
 * a host pause, a hold while a commit is awaited, a hold while open, a
 * round break, judging. */
Test(recover, speed_every_cut)
{
	static const char *const fills[] = {"right"};
	static const char *const ids[] = {"f0"};
	struct round_cfg *r;
	size_t seen[16] = {0};
	uint32_t a, b, x;

	add_item_full("f0", ITEM_FILL, NULL, 0, 0, fills, 1, "f", 1);
	S = settings();
	contest_init(&C);
	r = add_round(&C, FMT_SPEED);
	r->count = 3;
	snprintf(r->category, sizeof(r->category), "c");
	r = add_round(&C, FMT_SPEED);
	r->judge = JUDGE_FILL;
	round_ids(&C, r, ids, 1);
	new_room_contest(&S, &C);
	a = join_team("a", "red");
	b = join_team("b", "red");
	x = join_team("x", "blue");
	to_open();
	now = room_reveal_at(R) + 1234 * MS;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	now += SEC;
	cr_assert_eq(answer(x, 0, bad_mask(0), NULL), 0);
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 30 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	now += 2 * SEC;
	cr_assert_eq(answer(b, 0, ok_mask(0), NULL), 0);
	auto_commit = false;
	run_out(); /* awaiting the commit */
	cr_assert_eq(hold(), 0);
	now += 2 * SEC;
	cr_assert_eq(release(), 0);
	now += SEC;
	room_committed(R, now, 0);
	drain();
	auto_commit = true;
	cr_assert_eq(cmd(CMD_NEXT, 0), 0); /* leaderboard */
	cr_assert_eq(cmd(CMD_NEXT, 0), 0); /* countdown */
	fire();
	now = room_reveal_at(R) + 5 * SEC;
	cr_assert_eq(answer(x, 1, ok_mask(1), NULL), 0);
	cr_assert_eq(hold(), 0);
	now += 3 * SEC;
	cr_assert_eq(release(), 0);
	run_out();
	to_open();
	run_out(); /* silent */
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 3, 0, "right"), 0);
	cr_assert_eq(answer(x, 3, 0, "wrong"), 0);
	run_until(room_deadline_at(R) + 150 * MS);
	cr_expect_eq(room_state(R), ROOM_JUDGING);
	now += SEC;
	cr_assert_eq(room_verdict(R, now, 3, 0, true, "judge"), 0);
	drain();
	cr_assert_eq(room_verdict(R, now, 3, ROOM_VERDICT_REST, false, "host"),
		     0);
	drain();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	cr_expect_eq(player(a)->score, 969 + 975);
	keep_orig();
	every_cut(seen);
	cr_expect_gt(seen[ROOM_LOBBY], 0);
	cr_expect_gt(seen[ROOM_COUNTDOWN], 0);
	cr_expect_gt(seen[ROOM_OPEN], 0);
	cr_expect_gt(seen[ROOM_CLOSED], 0);
	cr_expect_gt(seen[ROOM_LEADERBOARD], 0);
	cr_expect_gt(seen[ROOM_PAUSED], 0);
	cr_expect_gt(seen[ROOM_ROUND_BREAK], 0);
	cr_expect_gt(seen[ROOM_JUDGING], 0);
	cr_expect_gt(seen[ROOM_FINISHED], 0);
}

/* TURN (必答) with teams: turns, a silent team, a host pause. */
Test(recover, turn_every_cut)
{
	struct round_cfg *r;
	size_t seen[16] = {0};
	uint32_t a, b, x;

	S = settings();
	contest_init(&C);
	C.scoring = TEAM_SUM;
	C.team_base = 100;
	r = add_round(&C, FMT_TURN);
	r->count = 2;
	r->penalty = -3;
	new_room_contest(&S, &C);
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
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	cr_expect_eq(player(b)->score, 10);
	cr_expect_eq(player(x)->score, 7);
	(void)a;
	keep_orig();
	every_cut(seen);
	cr_expect_gt(seen[ROOM_OPEN], 0);
	cr_expect_gt(seen[ROOM_PAUSED], 0);
	cr_expect_gt(seen[ROOM_LEADERBOARD], 0);
}

/* WAGER: stakes, a pause in the wager phase, NEXT ending it. */
Test(recover, wager_every_cut)
{
	size_t seen[16] = {0};
	uint32_t a, b, x, solo;

	S = settings();
	contest_init(&C);
	add_round(&C, FMT_WAGER)->count = 2;
	new_room_contest(&S, &C);
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
	now += SEC;
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
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(x, 1, bad_mask(1), NULL), 0);
	run_out();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	/* q0: red staked 30 (a right), blue 10 (x right), solo 20 (wrong);
	 * q1: red 10 and solo 10 unanswered, blue 30 wrong */
	cr_expect_eq(player(a)->score, 30 - 10);
	cr_expect_eq(player(x)->score, 10 - 30);
	cr_expect_eq(player(solo)->score, -20 - 10);
	keep_orig();
	every_cut(seen);
	cr_expect_gt(seen[ROOM_WAGER], 0);
	cr_expect_gt(seen[ROOM_OPEN], 0);
	cr_expect_gt(seen[ROOM_PAUSED], 0);
}

/* BUZZ (抢答): a foul, a tie window, a wrong answer and its rebound, a
 * pause while armed, and an oral round a judge rules. Cuts fall in the
 * reading, armed, answering and judging phases. */
Test(recover, buzz_every_cut)
{
	size_t seen[16] = {0}, phases[8] = {0}, k;
	struct room_buzz bz;
	uint32_t a, b, x, g;

	S = settings();
	contest_init(&C);
	add_round(&C, FMT_BUZZ)->count = 2;
	add_round(&C, FMT_BUZZ)->count = 1;
	C.rounds[1].judge = JUDGE_ORAL;
	new_room_contest(&S, &C);
	a = join_team("a", "red");
	b = join_team("b", "red");
	x = join_team("x", "blue");
	g = join("g");
	/* q0 */
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(room_buzz(R, now, b, 0, 0, 0, 0), 0); /* foul */
	drain();
	cr_assert(room_buzz_view(R, &bz));
	run_until(bz.armed_at_us + 40 * MS);
	cr_assert_eq(room_buzz(R, now, g, 0, 0, 0, 30 * MS), 0);
	drain();
	now += 10 * MS;
	cr_assert_eq(room_buzz(R, now, x, 0, 25 * MS, 0, 30 * MS), 0);
	drain();
	run_until(bz.armed_at_us + 300 * MS);
	cr_assert(room_buzz_view(R, &bz));
	cr_assert_eq(bz.phase, BUZZ_ANSWERING);
	now += 2 * SEC;
	cr_assert_eq(answer(bz.winner, 0, bad_mask(0), NULL), 0); /* rebound */
	cr_assert(room_buzz_view(R, &bz));
	run_until(bz.armed_at_us + 100 * MS);
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	now += 5 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_assert(room_buzz_view(R, &bz));
	run_until(bz.armed_at_us + 400 * MS);
	/* the rebound was written to g a lead ahead of its arming */
	cr_assert_eq(
	    room_buzz(R, now, g, 0, 10 * MS, bz.armed_at_us - 250 * MS, 0), 0);
	drain();
	cr_assert(room_buzz_view(R, &bz));
	run_until(bz.window_end_us + SEC);
	cr_assert(room_buzz_view(R, &bz));
	cr_assert_eq(bz.phase, BUZZ_ANSWERING);
	cr_assert_eq(bz.winner, g);
	cr_assert_eq(answer(g, 0, ok_mask(0), NULL), 0);
	cr_expect_eq(room_state(R), ROOM_CLOSED);
	/* q1: nobody presses */
	to_open();
	cr_assert(room_buzz_view(R, &bz));
	run_until(bz.arm_deadline_us + 150 * MS);
	cr_expect_eq(to_break(), ROOM_ROUND_BREAK);
	/* q2, oral */
	to_open();
	cr_assert(room_buzz_view(R, &bz));
	run_until(bz.armed_at_us + 50 * MS);
	cr_assert_eq(room_buzz(R, now, x, 2, 0, 0, 0), 0);
	drain();
	run_until(bz.armed_at_us + SEC);
	cr_assert(room_buzz_view(R, &bz));
	cr_assert_eq(bz.phase, BUZZ_JUDGING);
	now += 3 * SEC;
	cr_assert_eq(room_verdict(R, now, 2, 0, true, "judge"), 0);
	drain();
	cr_expect_eq(to_break(), ROOM_FINISHED);
	/* q0: red fouled (-10 each), x (blue) won and was wrong (-10), g won
	 * the rebound (+10); q2: x right (+10) */
	cr_expect_eq(player(a)->score, -10);
	cr_expect_eq(player(b)->score, -10);
	cr_expect_eq(player(x)->score, -10 + 10);
	cr_expect_eq(player(g)->score, 10);
	keep_orig();
	/* which buzzer phase each cut is in */
	for (k = 1; k <= norig; k++) {
		fresh_room();
		apply_log(orig, k);
		if (room_buzz_view(R, &bz) && room_state(R) == ROOM_OPEN)
			phases[bz.phase]++;
	}
	cr_expect_gt(phases[BUZZ_READING], 0);
	cr_expect_gt(phases[BUZZ_ARMED], 0);
	cr_expect_gt(phases[BUZZ_ANSWERING], 0);
	cr_expect_gt(phases[BUZZ_JUDGING], 0);
	every_cut(seen);
	cr_expect_gt(seen[ROOM_OPEN], 0);
	cr_expect_gt(seen[ROOM_PAUSED], 0);
	cr_expect_gt(seen[ROOM_ROUND_BREAK], 0);
}

/* Restarted, resumed after a reboot, and restarted again in the new clock
 * (its last event earlier than the first recovery's): it resumes and
 * ends as the log replays. */
Test(recover, twice_across_reboots)
{
	uint32_t a, x, dist[ITEM_MAX_OPTIONS];
	int64_t at1, at2;
	struct snap end, rep;

	S = settings();
	contest_init(&C);
	add_round(&C, FMT_SPEED)->count = 2;
	new_room_contest(&S, &C);
	a = join("a");
	x = join("x");
	to_open();
	now = room_reveal_at(R) + 3 * SEC;
	cr_assert_eq(answer(a, 0, ok_mask(0), NULL), 0);
	at1 = now;
	keep_orig();
	fresh_room();
	apply_log(orig, norig);
	cr_assert_eq(room_recover(R, at1, false), 0);
	drain();
	now = REBOOT_NOW;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	now += 4 * SEC; /* 7 s into the question */
	cr_assert_eq(answer(x, 0, ok_mask(0), NULL), 0);
	at2 = now;
	cr_expect_lt(at2, at1);
	/* second restart */
	nfull = nev;
	copy_log(full, evlog, nev);
	fresh_room();
	apply_log(full, nfull);
	cr_expect_eq(room_last_event_at(R), at2);
	cr_assert_eq(room_recover(R, at2, false), 0);
	drain();
	cr_assert_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(room_pause_reason(R), ROOM_PAUSE_RECOVERED);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.remaining_us, 13 * SEC);
	cr_expect_eq(room_progress(R, dist), 2);
	now = 1 * SEC;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_expect_eq(room_deadline_at(R), 14 * SEC);
	finish_match();
	snap_take(&end);
	/* q0: a at 3 s (925), x at 7 s (825); q1 (finish_match): a right at
	 * 0.5 s (988), x wrong */
	cr_expect_eq(player(a)->score, 925 + 988);
	cr_expect_eq(player(x)->score, 825);
	cr_expect_eq(player(x)->last.q, 1);
	nfull = nev;
	copy_log(full, evlog, nev);
	fresh_room();
	apply_log(full, nfull);
	snap_take(&rep);
	snap_expect_eq(&rep, &end, false, "replay of two restarts");
	cr_expect_eq(count_ev(EV_RECOVER), 2);
}

/* A ruling awaited at the restart is awaited as long after the resume:
 * the judge view's since moves with the other times (JUDGE_FILL judging,
 * and a buzz winner's oral answer). */
Test(recover, judging_waits_as_long)
{
	static const char *const fills[] = {"right"};
	static const char *const ids[] = {"f0"};
	struct round_cfg *r;
	struct room_judge j;
	struct room_buzz bz;
	uint32_t a, x;
	int64_t since;

	add_item_full("f0", ITEM_FILL, NULL, 0, 0, fills, 1, "f", 1);
	S = settings();
	contest_init(&C);
	r = add_round(&C, FMT_SPEED);
	r->judge = JUDGE_FILL;
	round_ids(&C, r, ids, 1);
	r = add_round(&C, FMT_BUZZ);
	r->count = 1;
	r->judge = JUDGE_ORAL;
	snprintf(r->category, sizeof(r->category), "c");
	new_room_contest(&S, &C);
	a = join("a");
	x = join("x");
	to_open();
	now = room_reveal_at(R) + SEC;
	cr_assert_eq(answer(a, 0, 0, "right"), 0);
	cr_assert_eq(cmd(CMD_NEXT, 0), 0);
	cr_assert_eq(room_state(R), ROOM_JUDGING);
	cr_assert(room_judge_view(R, &j));
	since = j.since_us;
	cr_expect_eq(since, now);
	now += 2 * SEC;
	cr_assert_eq(join("late"), 3); /* the last event, 2 s later */
	keep_orig();
	fresh_room();
	apply_log(orig, norig);
	cr_assert_eq(room_recover(R, now, false), 0);
	drain();
	cr_assert_eq(room_state(R), ROOM_PAUSED);
	cr_expect_eq(room_paused_from(R), ROOM_JUDGING);
	cr_expect_eq(last_fx(FX_PAUSED)->u.paused.remaining_us, -1);
	now = REBOOT_NOW;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_assert_eq(room_state(R), ROOM_JUDGING);
	cr_expect_eq(room_timer_at(R), 0);
	cr_assert(room_judge_view(R, &j));
	cr_expect_eq(j.since_us, REBOOT_NOW - 2 * SEC);
	cr_assert_eq(room_verdict(R, now, 0, 0, true, "judge"), 0);
	auto_commit = true;
	drain();
	cr_expect_eq(player(a)->score, 975);

	/* the oral round: x wins the buzzer, the ruling waits */
	to_open();
	cr_assert(room_buzz_view(R, &bz));
	run_until(bz.armed_at_us + 50 * MS);
	cr_assert_eq(room_buzz(R, now, x, 1, 0, 0, 0), 0);
	drain();
	run_until(bz.armed_at_us + SEC);
	cr_assert(room_buzz_view(R, &bz));
	cr_assert_eq(bz.phase, BUZZ_JUDGING);
	cr_assert(room_judge_view(R, &j));
	since = j.since_us;
	now += 3 * SEC;
	cr_assert_eq(join("later"), 4);
	nfull = nev;
	copy_log(full, evlog, nev);
	fresh_room();
	apply_log(full, nfull);
	cr_assert_eq(room_recover(R, now, false), 0);
	drain();
	cr_expect_eq(room_paused_from(R), ROOM_OPEN);
	now = 2 * SEC; /* rebooted again */
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_assert(room_judge_view(R, &j));
	cr_expect_eq(j.since_us, 2 * SEC - (full[nfull - 1].ev.at_us - since));
	cr_assert_eq(room_verdict(R, now, 1, 0, true, "judge"), 0);
	auto_commit = true;
	drain();
	cr_expect_eq(player(x)->score, 10);
	cr_expect_eq(player(a)->score, 975);
}

/* A press that crossed a rebound's announcement is timed from the arming
 * before, in the clock after a reboot too. */
Test(recover, crossed_press_after_a_reboot)
{
	struct room_buzz bz;
	const struct room_press *p;
	uint32_t x, g;
	int64_t a0;

	S = settings();
	contest_init(&C);
	add_round(&C, FMT_BUZZ)->count = 1;
	new_room_contest(&S, &C);
	x = join("x");
	g = join("g");
	to_open();
	cr_assert(room_buzz_view(R, &bz));
	a0 = bz.armed_at_us;
	run_until(a0 + 30 * MS);
	cr_assert_eq(room_buzz(R, now, x, 0, 0, 0, 0), 0);
	drain();
	run_until(a0 + 2 * SEC);
	cr_assert(room_buzz_view(R, &bz));
	cr_assert_eq(bz.phase, BUZZ_ANSWERING);
	cr_assert_eq(answer(x, 0, bad_mask(0), NULL), 0); /* a rebound */
	cr_assert(room_buzz_view(R, &bz));
	cr_expect_eq(bz.arm, 1);
	cr_expect_eq(bz.armed_at_us, a0 + 2250 * MS);
	now = a0 + 2500 * MS;
	cr_assert_eq(cmd(CMD_PAUSE, 0), 0);
	keep_orig();
	fresh_room();
	apply_log(orig, norig);
	cr_assert_eq(room_recover(R, now, false), 0);
	drain();
	now = REBOOT_NOW;
	cr_assert_eq(cmd(CMD_RESUME, 0), 0);
	cr_assert(room_buzz_view(R, &bz));
	cr_expect_eq(bz.armed_at_us, REBOOT_NOW - 250 * MS);
	now += 100 * MS;
	cr_assert_eq(room_buzz(R, now, g, 0, 0, 0, 0), 0); /* crossed */
	drain();
	cr_assert(room_buzz_view(R, &bz));
	p = &bz.presses[bz.npresses - 1];
	cr_expect_eq(p->player, g);
	cr_expect_eq(p->arm, 0);
	cr_expect_eq(p->outcome, PRESS_LATE);
	cr_expect_eq(p->react_us, 2600 * MS);
	cr_expect_eq(p->gap_us, 2570 * MS);
}

/* 抢答 (buzz): the question is shown with the buzzer locked for a reading
 * time, then armed; the first valid press opens a tie window, and when it
 * closes the press with the smallest compensated reaction wins and its
 * contestant answers (on screen, or aloud for a judge). Right books
 * +points, wrong (or nothing by the deadline) the penalty and, while
 * rebounds are left, re-arms the buzzer for the units not out; a press
 * before the arming is a foul. A unit is a team (any member presses, every
 * active member is booked) or a contestant without one. The rules, with
 * every number, are in docs/CONTEST.md; every press is kept in arrival
 * order with its times and outcome (struct room_press). */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "xalloc.h"

#define MS  1000LL
#define SEC 1000000LL

/* Reading time from the stem: the bundled bank's median stem is 25
 * characters, read in 5 s (docs/CONTEST.md). */
#define READ_US_PER_CHAR (200 * MS)
#define READ_MIN_US	 (3 * SEC)
#define READ_MAX_US	 (10 * SEC)

/* What a unit did on the question (booked at the close). */
enum bz_result { BZ_NONE = 0, BZ_RIGHT, BZ_WRONG, BZ_FOUL };

/* A unit's record on the current question. */
struct bz_unit {
	int32_t q; /* the question it is of; stale otherwise */
	bool out;  /* fouled or answered: may not press again */
	enum bz_result result;
	bool answered; /* gave an answer (a timeout is wrong, unanswered) */
	int64_t rt_us;
};

/* The arming a contestant last pressed in (and the last arming it sent a
 * press that crossed a rebound's announcement, see bz_press). */
struct bz_pl {
	int32_t q;
	uint32_t arm;
	uint32_t crossed;
};

struct buzz_state {
	int32_t q; /* the current question, -1 none */
	enum buzz_phase phase;
	uint32_t arm, rebounds_left;
	int64_t armed_at, arm_deadline, window_end, answer_deadline;
	int64_t cap_us, lead_us; /* the room's, fixed at the start */
	bool window;		 /* a tie window is open, not decided */
	uint32_t winner;
	int winner_team;
	int64_t winner_react;
	int64_t prev_armed_at, prev_react; /* the arming before a rebound:
					      its time and winner's react */
	uint32_t scan; /* bz_any_may_press: ids below are out or kicked */
	struct room_press *pr; /* presses in arrival order */
	size_t npr, prcap;
	/* the pauses' shifts of the question's times so far, and its value
	 * when each press came (prshift[i] for pr[i]) */
	int64_t shifted;
	int64_t *prshift;
	size_t prscap;
	uint32_t *dec; /* presses decided by the current call */
	size_t ndec, deccap;
	struct bz_unit teams[CONTEST_TEAMS_MAX];
	struct bz_unit *solo; /* contestants without a team, by id */
	size_t solocap;
	struct bz_pl *pl; /* by player id */
	size_t plcap;
	/* the ruling on the winner's answer (judge ORAL, or FILL on a
	 * fill-in question) */
	bool jon;
	struct room_judge_item jitem;
	char *jtext;
	int64_t jsince, jrt;
};

/* Counts the UTF-8 characters of s (bytes that do not continue one). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The reading time of a question (room.h). */
int64_t room_buzz_reading_us(const struct round_cfg *cfg, const struct item *it)
{
	int64_t us;

	if (cfg && cfg->reading_us > 0)
		return cfg->reading_us;
	us = it ? (int64_t)utf8_chars(it->stem) * READ_US_PER_CHAR
		: 25 * READ_US_PER_CHAR;
	if (us < READ_MIN_US)
		us = READ_MIN_US;
	if (us > READ_MAX_US)
		us = READ_MAX_US;
	return us;
}

/* Grows an array of elements of size sz to hold index i; new elements are
 * filled with byte fill. */
static void *bz_grow(void *a, size_t *cap, size_t i, size_t sz, int fill)
{
	size_t ncap;

	if (i < *cap)
		return a;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap <= i)
		ncap *= 2;
	a = xrealloc(a, ncap * sz);
	memset((char *)a + *cap * sz, fill, (ncap - *cap) * sz);
	*cap = ncap;
	return a;
}

/* The record of a unit if it has one on the current question. */
static const struct bz_unit *bz_find(const struct buzz_state *s, int team,
				     uint32_t player)
{
	const struct bz_unit *u = NULL;

	if (team >= 0 && team < CONTEST_TEAMS_MAX)
		u = &s->teams[team];
	else if (team < 0 && player < s->solocap)
		u = &s->solo[player];
	return u && u->q == s->q ? u : NULL;
}

/* The record of a unit on the current question, made on demand. */
static struct bz_unit *bz_get(struct buzz_state *s, int team, uint32_t player)
{
	struct bz_unit *u;

	if (team >= CONTEST_TEAMS_MAX)
		team = CONTEST_TEAMS_MAX - 1; /* cannot happen: roster cap */
	if (team < 0)
		s->solo = bz_grow(s->solo, &s->solocap, player,
				  sizeof(*s->solo), 0xFF);
	u = team >= 0 ? &s->teams[team] : &s->solo[player];
	if (u->q != s->q) {
		memset(u, 0, sizeof(*u));
		u->q = s->q;
	}
	return u;
}

/* Whether a unit is out of the current question. */
static bool bz_out(const struct buzz_state *s, int team, uint32_t player)
{
	const struct bz_unit *u = bz_find(s, team, player);

	return u && u->out;
}

/* Whether some active contestant's unit may still press. Being out or
 * kicked lasts the question, so the scan resumes where it stopped: a
 * question costs one pass over the roster however many press. */
static bool bz_any_may_press(struct buzz_state *s, const struct fmt_ctx *c)
{
	size_t n = roster_slots(c->roster);

	for (; s->scan <= n; s->scan++) {
		const struct room_player *p = roster_player(c->roster, s->scan);

		if (!p->kicked && !bz_out(s, p->team, s->scan))
			return true;
	}
	return false;
}

/* Notes press i as decided by the current call. */
static void bz_decided(struct buzz_state *s, size_t i, struct fmt_out *out)
{
	s->dec = bz_grow(s->dec, &s->deccap, s->ndec, sizeof(*s->dec), 0);
	s->dec[s->ndec++] = (uint32_t)i;
	out->decided = s->dec;
	out->ndecided = s->ndec;
	out->buzz = true;
}

/* When press i came, in the clock of the question's times now: moved by
 * the pauses since it came, so presses on both sides of a pause (even of
 * a restart's, whose shift may be negative) keep the order they came in. */
static int64_t bz_recv_now(const struct buzz_state *s, size_t i)
{
	return s->pr[i].recv_us + (s->shifted - s->prshift[i]);
}

/* Whether press a beats press b: smaller reaction, then earlier receive,
 * then the lower event seq. */
static bool bz_beats(const struct buzz_state *s, size_t a, size_t b)
{
	const struct room_press *x = &s->pr[a], *y = &s->pr[b];

	if (x->react_us != y->react_us)
		return x->react_us < y->react_us;
	if (bz_recv_now(s, a) != bz_recv_now(s, b))
		return bz_recv_now(s, a) < bz_recv_now(s, b);
	return x->seq < y->seq;
}

/* The buzzer closes the question: booked if a unit did anything. */
static void bz_done(struct buzz_state *s, struct fmt_out *out)
{
	size_t i;
	bool any = false;

	s->phase = BUZZ_DONE;
	out->buzz = true;
	for (i = 0; i < s->npr && !any; i++)
		any = s->pr[i].outcome == PRESS_FOUL ||
		      s->pr[i].outcome == PRESS_WON;
	out->next = any ? FMT_CLOSE : FMT_VOID;
}

/* Opens the ruling on the winner's answer. */
static void bz_judge(struct buzz_state *s, int64_t now, const char *text,
		     uint32_t mask, bool suggestion, int64_t rt,
		     struct fmt_out *out)
{
	free(s->jtext);
	s->jtext = xstrdup(text ? text : "");
	memset(&s->jitem, 0, sizeof(s->jitem));
	s->jitem.index = 0;
	s->jitem.text = s->jtext;
	s->jitem.choice_mask = mask;
	s->jitem.count = 1;
	s->jitem.suggestion = suggestion;
	s->jitem.player = s->winner;
	s->jon = true;
	s->jsince = now;
	s->jrt = rt;
	s->phase = BUZZ_JUDGING;
	out->judge = true;
	out->buzz = true;
}

/* The tie window closes: the best press wins, the others of the window
 * are slower by their gap. */
static void bz_decide(struct buzz_state *s, const struct fmt_ctx *c,
		      struct fmt_out *out)
{
	struct room_press *w = NULL;
	size_t i;

	for (i = 0; i < s->npr; i++) {
		struct room_press *p = &s->pr[i];

		if (p->outcome == PRESS_PENDING && p->arm == s->arm &&
		    (!w || bz_beats(s, i, (size_t)(w - s->pr))))
			w = p;
	}
	s->window = false;
	if (!w)
		return;
	s->winner = w->player;
	s->winner_team = w->team;
	s->winner_react = w->react_us;
	for (i = 0; i < s->npr; i++) {
		struct room_press *p = &s->pr[i];

		if (p->outcome != PRESS_PENDING || p->arm != s->arm)
			continue;
		p->outcome = p == w ? PRESS_WON : PRESS_SLOWER;
		p->gap_us = p->react_us - w->react_us;
		bz_decided(s, i, out);
	}
	s->answer_deadline = s->window_end + c->cfg->time_limit_us;
	s->phase = BUZZ_ANSWERING;
	out->buzz = true;
	if (c->cfg->judge == JUDGE_ORAL)
		bz_judge(s, s->window_end, "", 0, false, 0, out);
}

/* The winner's unit is right: the question closes. */
static void bz_right(struct buzz_state *s, int64_t rt, struct fmt_out *out)
{
	struct bz_unit *u = bz_get(s, s->winner_team, s->winner);

	u->out = true;
	u->result = BZ_RIGHT;
	u->answered = true;
	u->rt_us = rt;
	bz_done(s, out);
}

/* The winner's unit is wrong (or silent): a rebound, or the close. */
static void bz_wrong(struct buzz_state *s, const struct fmt_ctx *c,
		     bool answered, int64_t rt, struct fmt_out *out)
{
	struct bz_unit *u = bz_get(s, s->winner_team, s->winner);

	u->out = true;
	u->result = BZ_WRONG;
	u->answered = answered;
	u->rt_us = rt;
	out->buzz = true;
	if (s->rebounds_left == 0 || !bz_any_may_press(s, c)) {
		bz_done(s, out);
		return;
	}
	s->rebounds_left--;
	s->arm++;
	s->prev_armed_at = s->armed_at;
	s->prev_react = s->winner_react;
	s->armed_at = c->now_us + s->lead_us;
	s->arm_deadline = s->armed_at + c->cfg->arm_us;
	s->window = false;
	s->winner = 0;
	s->winner_team = -1;
	s->phase = BUZZ_ARMED;
}

/* The round asks its configured count. */
static uint32_t bz_begin(void *st, const struct fmt_ctx *c)
{
	struct buzz_state *s = st;
	size_t i;

	s->q = -1;
	for (i = 0; i < CONTEST_TEAMS_MAX; i++)
		s->teams[i].q = -1;
	return c->cfg->count;
}

/* A question begins: everyone may press, the buzzer waits for the
 * reveal. */
static void bz_open(void *st, const struct fmt_ctx *c, struct room_turn *out,
		    int64_t *pre_us)
{
	struct buzz_state *s = st;

	s->q = (int32_t)c->q;
	s->phase = BUZZ_READING;
	s->arm = 0;
	s->rebounds_left = c->cfg->rebounds;
	s->armed_at = s->arm_deadline = s->window_end = 0;
	s->answer_deadline = 0;
	s->window = false;
	s->winner = 0;
	s->winner_team = -1;
	s->npr = 0;
	s->shifted = 0;
	s->scan = 1;
	s->jon = false;
	free(s->jtext);
	s->jtext = NULL;
	out->restricted = false;
	*pre_us = 0;
}

/* The question is revealed at c->now_us: the reading runs, then the
 * arming. */
static void bz_start(void *st, const struct fmt_ctx *c, struct fmt_out *out)
{
	struct buzz_state *s = st;

	s->cap_us = c->comp_cap_us;
	s->lead_us = c->lead_us;
	s->armed_at =
	    c->now_us + room_buzz_reading_us(
			    c->cfg, c->question ? c->question->item : NULL);
	s->arm_deadline = s->armed_at + c->cfg->arm_us;
	s->phase = BUZZ_READING;
	out->buzz = true;
}

/* When the buzzer's clock needs the room next. */
static int64_t bz_due(const void *st)
{
	const struct buzz_state *s = st;

	if (s->q < 0)
		return 0;
	switch (s->phase) {
	case BUZZ_READING:
		return s->armed_at;
	case BUZZ_ARMED:
		return s->window ? s->window_end : s->arm_deadline + s->cap_us;
	case BUZZ_ANSWERING:
		return s->answer_deadline + s->cap_us;
	default:
		return 0;
	}
}

/* Runs what is due at c->now_us: the arming, the window's decision, the
 * end of an arming without a press, the answer's deadline. */
static void bz_step(void *st, const struct fmt_ctx *c, struct fmt_out *out)
{
	struct buzz_state *s = st;
	int64_t due;
	int guard = 0;

	s->ndec = 0;
	while ((due = bz_due(s)) != 0 && due <= c->now_us && guard++ < 8) {
		switch (s->phase) {
		case BUZZ_READING:
			s->phase = BUZZ_ARMED;
			out->buzz = true;
			break;
		case BUZZ_ARMED:
			if (s->window)
				bz_decide(s, c, out);
			else
				bz_done(s, out);
			break;
		case BUZZ_ANSWERING:
			bz_wrong(s, c, false, c->cfg->time_limit_us, out);
			break;
		default:
			return;
		}
		if (s->phase == BUZZ_DONE)
			return;
	}
}

/* A pause moves every time of the buzzer (by < 0 after a reboot). */
static void bz_shift(void *st, int64_t by, struct fmt_out *out)
{
	struct buzz_state *s = st;

	s->shifted += by;
	s->armed_at += by;
	s->arm_deadline += by;
	s->prev_armed_at += by;
	if (s->jon)
		s->jsince += by;
	if (s->window || s->phase == BUZZ_ANSWERING ||
	    s->phase == BUZZ_JUDGING) {
		s->window_end += by;
		s->answer_deadline += by;
	}
	out->buzz = true;
}

/* The winner's answer is timed from the window's decision. */
static bool bz_window(const void *st, int64_t *start_us)
{
	const struct buzz_state *s = st;

	*start_us = s->window_end;
	return true;
}

/* A press: decided at once (foul, ignored, late) or pending in the tie
 * window. */
static int bz_press(void *st, const struct fmt_ctx *c,
		    const struct fmt_press *in, struct fmt_out *out)
{
	struct buzz_state *s = st;
	struct room_press *p;
	struct bz_unit *u;
	struct bz_pl *me;
	int64_t comp, seen;
	bool crossed;
	size_t i;

	s->ndec = 0;
	if (s->q < 0 || s->phase == BUZZ_DONE)
		return -QE_BAD_STATE;
	comp = in->one_way_us < 0 ? 0 : in->one_way_us;
	if (comp > s->cap_us)
		comp = s->cap_us;
	/* A press made before a rebound's announcement could reach the
	 * contestant (not written to it yet, or pressed before it arrived)
	 * was meant for the arming before: it is late for that one, never a
	 * foul in this one, and the contestant may still press in this. */
	crossed = s->arm > 0 &&
		  (!in->sent_us || in->recv_us - comp < in->sent_us + comp);
	s->pl = bz_grow(s->pl, &s->plcap, in->player, sizeof(*s->pl), 0xFF);
	me = &s->pl[in->player];
	if (me->q != s->q) {
		me->q = s->q;
		me->arm = UINT32_MAX;
		me->crossed = UINT32_MAX;
	}
	if (crossed ? me->crossed == s->arm : me->arm == s->arm)
		return -QE_ALREADY_ANSWERED;
	if (crossed)
		me->crossed = s->arm;
	else
		me->arm = s->arm;
	/* what was due before this press arrived */
	if (s->phase == BUZZ_READING && in->recv_us >= s->armed_at) {
		s->phase = BUZZ_ARMED;
		out->buzz = true;
	}
	if (s->phase == BUZZ_ARMED && s->window && in->recv_us > s->window_end)
		bz_decide(s, c, out);

	seen = s->armed_at;
	if (in->sent_us && in->sent_us + comp > seen)
		seen = in->sent_us + comp;
	s->pr = bz_grow(s->pr, &s->prcap, s->npr, sizeof(*s->pr), 0);
	s->prshift =
	    bz_grow(s->prshift, &s->prscap, s->npr, sizeof(*s->prshift), 0);
	s->prshift[s->npr] = s->shifted;
	i = s->npr++;
	p = &s->pr[i];
	memset(p, 0, sizeof(*p));
	p->seq = in->seq;
	p->player = in->player;
	p->team = in->team;
	p->arm = s->arm;
	p->recv_us = in->recv_us;
	p->comp_us = comp;
	p->react_us = (in->recv_us - comp) - seen;
	p->outcome = PRESS_PENDING;

	u = bz_get(s, in->team, in->player);
	if (crossed) {
		p->arm = s->arm - 1;
		p->react_us = (in->recv_us - comp) - s->prev_armed_at;
		p->outcome = u->out ? PRESS_IGNORED : PRESS_LATE;
		p->gap_us = u->out ? 0 : p->react_us - s->prev_react;
	} else if (u->out) {
		p->outcome = PRESS_IGNORED;
	} else if (s->phase == BUZZ_ANSWERING || s->phase == BUZZ_JUDGING) {
		p->outcome = PRESS_LATE;
		p->gap_us = p->react_us - s->winner_react;
	} else if (in->recv_us < s->armed_at || p->react_us < 0) {
		p->outcome = PRESS_FOUL;
		u->out = true;
		u->result = BZ_FOUL;
	} else if (in->recv_us - comp > s->arm_deadline) {
		p->outcome = PRESS_IGNORED; /* the arming was over */
	} else {
		int64_t b = in->bound_us < s->cap_us ? in->bound_us : s->cap_us;
		int64_t extra = b - comp > 0 ? b - comp : 0;

		if (!s->window) {
			s->window = true;
			s->window_end = in->recv_us + c->cfg->tie_us + extra;
			out->buzz = true;
		}
		return 0;
	}
	bz_decided(s, i, out);
	if (p->outcome == PRESS_FOUL && !s->window &&
	    (s->phase == BUZZ_READING || s->phase == BUZZ_ARMED) &&
	    !bz_any_may_press(s, c))
		bz_done(s, out);
	return 0;
}

/* Only the winner answers, while the answer window is open. */
static int bz_check(const void *st, const struct fmt_ctx *c, uint32_t player,
		    int team, enum room_event_kind kind)
{
	const struct buzz_state *s = st;

	(void)c;
	(void)team;
	if (kind != EV_ANSWER)
		return -QE_BAD_STATE;
	if (s->q < 0 || player != s->winner)
		return -QE_NOT_YOUR_TURN;
	if (s->phase == BUZZ_JUDGING)
		return -QE_ALREADY_ANSWERED;
	return s->phase == BUZZ_ANSWERING ? 0 : -QE_NOT_YOUR_TURN;
}

/* The winner's answer: to a judge (FILL on a fill-in question), or marked
 * now. */
static int bz_input(void *st, const struct fmt_ctx *c,
		    const struct fmt_input *in, struct fmt_out *out)
{
	struct buzz_state *s = st;

	s->ndec = 0;
	if (in->kind != EV_ANSWER || s->phase != BUZZ_ANSWERING)
		return -QE_BAD_STATE;
	if (c->cfg->judge == JUDGE_FILL && c->question &&
	    c->question->item->kind == ITEM_FILL) {
		bz_judge(s, c->now_us, in->text, in->choice_mask, in->correct,
			 in->rt_us, out);
		return 0;
	}
	if (in->correct)
		bz_right(s, in->rt_us, out);
	else
		bz_wrong(s, c, true, in->rt_us, out);
	return 0;
}

/* A judge rules on the winner's answer. */
static int bz_verdict(void *st, const struct fmt_ctx *c, uint32_t item,
		      bool correct, struct fmt_out *out)
{
	struct buzz_state *s = st;

	s->ndec = 0;
	if (s->phase != BUZZ_JUDGING || !s->jon || s->jitem.ruled)
		return -QE_BAD_STATE;
	if (item != 0 && item != ROOM_VERDICT_REST)
		return -QE_BAD_MESSAGE;
	if (item == ROOM_VERDICT_REST)
		correct = s->jitem.suggestion;
	s->jitem.ruled = true;
	s->jitem.correct = correct;
	out->judge = true;
	if (correct)
		bz_right(s, s->jrt, out);
	else
		bz_wrong(s, c, true, s->jrt, out);
	return 0;
}

/* The question closes by the host or the buzzer: a pending window is
 * decided (its winner is not booked without an answer). */
static void bz_closing(void *st, const struct fmt_ctx *c, struct fmt_out *out)
{
	struct buzz_state *s = st;

	s->ndec = 0;
	if (s->q < 0)
		return;
	if (s->window)
		bz_decide(s, c, out);
	if (s->phase != BUZZ_DONE) {
		s->phase = BUZZ_DONE;
		out->buzz = true;
	}
}

/* Books each unit's result to its active members. */
static int64_t bz_close(void *st, const struct fmt_ctx *c,
			void (*book)(void *arg, const struct fmt_book *b),
			void *arg)
{
	const struct buzz_state *s = st;
	size_t id, n = roster_slots(c->roster);

	for (id = 1; id <= n; id++) {
		const struct room_player *p =
		    roster_player(c->roster, (uint32_t)id);
		const struct bz_unit *u;
		struct fmt_book b;

		if (p->kicked)
			continue;
		u = bz_find(s, p->team, (uint32_t)id);
		memset(&b, 0, sizeof(b));
		b.player = (uint32_t)id;
		if (u && u->result == BZ_RIGHT) {
			b.answered = b.correct = true;
			b.rt_us = u->rt_us;
			b.delta = c->cfg->points;
		} else if (u && u->result == BZ_WRONG) {
			b.answered = u->answered;
			b.rt_us = u->rt_us;
			b.delta = c->cfg->penalty;
		} else if (u && u->result == BZ_FOUL) {
			b.delta = c->cfg->foul;
		}
		book(arg, &b);
	}
	return 0;
}

/* The buzzer of the current question. */
static bool bz_view(const void *st, struct room_buzz *out)
{
	const struct buzz_state *s = st;

	if (s->q < 0)
		return false;
	memset(out, 0, sizeof(*out));
	out->q = (uint32_t)s->q;
	out->phase = s->phase;
	out->arm = s->arm;
	out->rebounds_left = s->rebounds_left;
	out->armed_at_us = s->armed_at;
	out->arm_deadline_us = s->arm_deadline;
	if (s->window || s->winner)
		out->window_end_us = s->window_end;
	if (s->winner)
		out->answer_deadline_us = s->answer_deadline;
	out->winner = s->winner;
	out->presses = s->pr;
	out->npresses = s->npr;
	return true;
}

/* The ruling on the winner's answer, if one was asked for. */
static bool bz_judge_view(const void *st, struct room_judge *out)
{
	const struct buzz_state *s = st;

	if (s->q < 0 || !s->jon)
		return false;
	memset(out, 0, sizeof(*out));
	out->q = (uint32_t)s->q;
	out->since_us = s->jsince;
	out->done = s->jitem.ruled;
	out->items = &s->jitem;
	out->nitems = 1;
	return true;
}

/* Whether the player's unit may still press. */
static bool bz_may_press(const void *st, const struct fmt_ctx *c,
			 uint32_t player, int team)
{
	const struct buzz_state *s = st;

	(void)c;
	return s->q >= 0 && s->q == (int32_t)c->q && s->phase != BUZZ_DONE &&
	       !bz_out(s, team, player);
}

/* Frees the records. */
static void bz_end(void *st)
{
	struct buzz_state *s = st;

	free(s->pr);
	free(s->prshift);
	free(s->dec);
	free(s->solo);
	free(s->pl);
	free(s->jtext);
	memset(s, 0, sizeof(*s));
	s->q = -1;
}

const struct fmt_vt fmt_buzz = {
    .format = FMT_BUZZ,
    .name = "buzz",
    .state_size = sizeof(struct buzz_state),
    .begin = bz_begin,
    .open = bz_open,
    .check = bz_check,
    .input = bz_input,
    .close = bz_close,
    .stake = NULL,
    .end = bz_end,
    .regrade = NULL,
    .keyed = true,
    .start = bz_start,
    .due = bz_due,
    .step = bz_step,
    .shift = bz_shift,
    .window = bz_window,
    .closing = bz_closing,
    .press = bz_press,
    .verdict = bz_verdict,
    .buzz_view = bz_view,
    .judge_view = bz_judge_view,
    .may_press = bz_may_press,
};

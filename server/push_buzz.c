/* The pushes of the buzzer (抢答) and of judges: BuzzState to everyone,
 * BuzzResult to a presser, AnswerKey and JudgeRequest to the host and the
 * judges. See push.h and docs/PROTOCOL.md ("The buzzer", "Judges"). */
#include "push.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

#define BUZZ_PRESSES_MAX 16 /* presses in a BuzzState */
#define LOCKED_OUT_MAX	 64 /* names in BuzzState.locked_out */
#define KEY_TEXT_MAX	 (ITEM_MAX_FILLS * (QUIZ_FILL_MAX + 3) + 1)

/* A team's name, or "" (borrowed from the roster). */
static const char *team_name(const struct lroom *lr, int team)
{
	return team >= 0 ? roster_team_name(room_roster(lr->room), (size_t)team)
			 : "";
}

/* Fills one Press from the room's record (strings borrowed). */
static void press_fill(const struct lroom *lr, const struct room_press *p,
		       Quiz__V1__Press *o)
{
	const struct room_player *pl = room_player(lr->room, p->player);

	quiz__v1__press__init(o);
	o->player_id = p->player;
	o->nickname = (char *)(pl ? pl->nick : "");
	o->team = (char *)team_name(lr, p->team);
	o->outcome = (Quiz__V1__PressOutcome)p->outcome;
	o->gap_us = p->gap_us;
	o->react_us = p->react_us;
	o->received_at_us = p->recv_us > 0 ? (uint64_t)p->recv_us : 0;
	o->one_way_us = p->comp_us > 0 ? (uint32_t)p->comp_us : 0;
	o->arm = p->arm;
}

/* Order of presses in a BuzzState: latest arming first, its winner first,
 * then by compensated time (then arrival, then seq: a total order). */
static bool press_before(const struct room_press *a, const struct room_press *b)
{
	if (a->arm != b->arm)
		return a->arm > b->arm;
	if ((a->outcome == PRESS_WON) != (b->outcome == PRESS_WON))
		return a->outcome == PRESS_WON;
	if (a->react_us != b->react_us)
		return a->react_us < b->react_us;
	if (a->recv_us != b->recv_us)
		return a->recv_us < b->recv_us;
	return a->seq < b->seq;
}

/* The first BUZZ_PRESSES_MAX decided presses in BuzzState order (a bounded
 * insertion: a question may have thousands of presses). Returns how many. */
static size_t buzz_select(const struct room_buzz *b,
			  const struct room_press **sel)
{
	size_t i, n = 0, k;

	for (i = 0; i < b->npresses; i++) {
		const struct room_press *p = &b->presses[i];

		if (p->outcome == PRESS_PENDING)
			continue;
		if (n == BUZZ_PRESSES_MAX && !press_before(p, sel[n - 1]))
			continue;
		k = n < BUZZ_PRESSES_MAX ? n++ : n - 1;
		while (k > 0 && press_before(p, sel[k - 1])) {
			sel[k] = sel[k - 1];
			k--;
		}
		sel[k] = p;
	}
	return n;
}

/* The units out of this question: a foul, or a win of an earlier arming
 * (the answer was wrong or late). Team names, nicknames without a team;
 * each once. Returns how many. */
static size_t buzz_locked_out(const struct lroom *lr, const struct room_buzz *b,
			      char **names)
{
	uint64_t teams = 0; /* ROOM_TEAMS_MAX is 64 */
	uint32_t solo[LOCKED_OUT_MAX];
	size_t i, k, n = 0, nsolo = 0;

	for (i = 0; i < b->npresses && n < LOCKED_OUT_MAX; i++) {
		const struct room_press *p = &b->presses[i];
		const struct room_player *pl;

		if (p->outcome != PRESS_FOUL &&
		    !(p->outcome == PRESS_WON && p->arm < b->arm))
			continue;
		if (p->team >= 0 && p->team < 64) {
			if (teams & (1ull << p->team))
				continue;
			teams |= 1ull << p->team;
			names[n++] = (char *)team_name(lr, p->team);
			continue;
		}
		for (k = 0; k < nsolo && solo[k] != p->player; k++)
			;
		if (k < nsolo || !(pl = room_player(lr->room, p->player)))
			continue;
		solo[nsolo++] = p->player;
		names[n++] = (char *)pl->nick;
	}
	return n;
}

/* Sends a packed BuzzState to one session, stamping when the arming of a
 * rebound reached a contestant's seat. */
static void buzz_send(struct lroom *lr, struct session *ss, struct wbuf *wb,
		      const struct room_buzz *b)
{
	session_send(ss, wb);
	if (ss->role == ROLE_PLAYER && b->arm > 0 &&
	    (b->phase == BUZZ_READING || b->phase == BUZZ_ARMED))
		seats_stamp_arm(lr, ss->player, b->q, b->arm, net_now_us());
}

void push_buzz_state(struct lroom *lr, struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__BuzzState m = QUIZ__V1__BUZZ_STATE__INIT;
	Quiz__V1__Press pr[BUZZ_PRESSES_MAX], *ppr[BUZZ_PRESSES_MAX];
	const struct room_press *sel[BUZZ_PRESSES_MAX];
	char *locked[LOCKED_OUT_MAX];
	const struct room_question *qq;
	const struct room_player *w;
	struct room_buzz b;
	struct session *ws;
	struct wbuf *wb;
	size_t i, n;

	if (!room_buzz_view(lr->room, &b) ||
	    !(qq = room_question(lr->room, b.q)))
		return;
	m.question_index = b.q;
	m.round = qq->round;
	m.phase = (Quiz__V1__BuzzPhase)b.phase;
	m.arm = b.arm;
	m.rebounds_left = b.rebounds_left;
	m.armed_at_us = b.armed_at_us > 0 ? (uint64_t)b.armed_at_us : 0;
	m.arm_deadline_us =
	    b.arm_deadline_us > 0 ? (uint64_t)b.arm_deadline_us : 0;
	m.answer_deadline_us =
	    b.answer_deadline_us > 0 ? (uint64_t)b.answer_deadline_us : 0;
	if (b.winner && (w = room_player(lr->room, b.winner))) {
		m.winner_id = b.winner;
		m.winner_nickname = (char *)w->nick;
		m.winner_team = (char *)team_name(lr, w->team);
	}
	n = buzz_select(&b, sel);
	for (i = 0; i < n; i++) {
		press_fill(lr, sel[i], &pr[i]);
		ppr[i] = &pr[i];
	}
	m.n_presses = n;
	m.presses = ppr;
	m.n_locked_out = buzz_locked_out(lr, &b, locked);
	m.locked_out = locked;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_BUZZ_STATE;
	env.buzz_state = &m;
	m.sent_at_us = (uint64_t)net_now_us();
	/* one packing for every recipient */
	if (!(wb = server_pack(&env))) {
		log_error(lr->tag, "BuzzState too large to frame");
		return;
	}
	if (only) {
		buzz_send(lr, only, wb, &b);
	} else {
		for (i = 1; i < lr->nseats; i++)
			if (lr->seats[i])
				buzz_send(lr, lr->seats[i], wb, &b);
		for (ws = lr->watchers; ws; ws = ws->wnext)
			session_send(ws, wb);
	}
	wbuf_unref(wb);
}

void push_buzz_result(struct lroom *lr, uint32_t q, const struct room_press *p)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__BuzzResult m = QUIZ__V1__BUZZ_RESULT__INIT;
	Quiz__V1__Press pr;

	if (p->player >= lr->nseats || !lr->seats[p->player])
		return;
	press_fill(lr, p, &pr);
	m.question_index = q;
	m.press = &pr;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_BUZZ_RESULT;
	env.buzz_result = &m;
	session_send_env(lr->seats[p->player], &env);
}

/* The correct options of q (display order) into out; returns how many. */
static size_t key_options(const struct room_question *qq, uint32_t *out)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < qq->n_options; i++)
		if (qq->correct_mask & (1u << i))
			out[n++] = i;
	return n;
}

/* The accepted answers of a fill-in question, " / " between them. */
char *push_key_text(const struct room_question *qq, char *buf, size_t cap)
{
	size_t o = 0;
	unsigned i;

	buf[0] = '\0';
	if (qq->item->kind != ITEM_FILL)
		return buf;
	for (i = 0; i < qq->item->n_fills && o < cap; i++) {
		int w = snprintf(buf + o, cap - o, "%s%s", i ? " / " : "",
				 qq->item->fills[i]);

		if (w < 0 || (size_t)w >= cap - o) {
			buf[o] = '\0'; /* whole answers only */
			break;
		}
		o += (size_t)w;
	}
	return buf;
}

void push_answer_key(struct lroom *lr, uint32_t q, struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__AnswerKey m = QUIZ__V1__ANSWER_KEY__INIT;
	const struct room_question *qq = room_question(lr->room, q);
	uint32_t correct[ITEM_MAX_OPTIONS];
	char text[KEY_TEXT_MAX];

	if (!qq || (only && !push_insider(only)))
		return;
	m.question_index = q;
	m.n_correct = key_options(qq, correct);
	m.correct = correct;
	m.correct_text = push_key_text(qq, text, sizeof(text));
	m.explanation = qq->item->explanation ? qq->item->explanation : "";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER_KEY;
	env.answer_key = &m;
	if (only)
		session_send_env(only, &env);
	else
		push_watchers(lr, &env, true);
}

void push_judge_request(struct lroom *lr, struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__JudgeRequest m = QUIZ__V1__JUDGE_REQUEST__INIT;
	Quiz__V1__JudgeItem it[ROOM_JUDGE_ITEMS_MAX];
	Quiz__V1__JudgeItem *pit[ROOM_JUDGE_ITEMS_MAX];
	uint32_t choices[ROOM_JUDGE_ITEMS_MAX][ITEM_MAX_OPTIONS];
	const struct room_question *qq;
	uint32_t correct[ITEM_MAX_OPTIONS];
	char text[KEY_TEXT_MAX];
	struct room_judge j;
	size_t i;

	if ((only && !push_insider(only)) || !room_judge_view(lr->room, &j) ||
	    !(qq = room_question(lr->room, j.q)))
		return;
	for (i = 0; i < j.nitems && i < ROOM_JUDGE_ITEMS_MAX; i++) {
		const struct room_judge_item *ji = &j.items[i];
		const struct room_player *pl =
		    ji->player ? room_player(lr->room, ji->player) : NULL;
		unsigned k;

		quiz__v1__judge_item__init(&it[i]);
		it[i].index = ji->index;
		it[i].text = (char *)(ji->text ? ji->text : "");
		it[i].n_choices = 0;
		for (k = 0; k < ITEM_MAX_OPTIONS; k++)
			if (ji->choice_mask & (1u << k))
				choices[i][it[i].n_choices++] = k;
		it[i].choices = choices[i];
		it[i].count = ji->count;
		it[i].suggestion = ji->suggestion;
		it[i].player_id = ji->player;
		it[i].nickname = (char *)(pl ? pl->nick : "");
		it[i].team = (char *)(pl ? team_name(lr, pl->team) : "");
		it[i].ruled = ji->ruled;
		it[i].correct = ji->correct;
		pit[i] = &it[i];
	}
	m.question_index = j.q;
	m.round = qq->round;
	m.n_items = i;
	m.items = pit;
	m.n_correct = key_options(qq, correct);
	m.correct = correct;
	m.correct_text = push_key_text(qq, text, sizeof(text));
	m.since_us = j.since_us > 0 ? (uint64_t)j.since_us : 0;
	m.done = j.done;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JUDGE_REQUEST;
	env.judge_request = &m;
	if (only)
		session_send_env(only, &env);
	else
		push_watchers(lr, &env, true);
}

void push_buzz_catch_up(struct lroom *lr, struct session *ss)
{
	enum room_state st = room_state(lr->room);
	uint32_t q = room_question_index(lr->room);

	if (st == ROOM_PAUSED)
		st = room_paused_from(lr->room);
	if (st == ROOM_OPEN)
		push_buzz_state(lr, ss);
	if (!push_insider(ss) || (st != ROOM_OPEN && st != ROOM_JUDGING))
		return;
	if (room_question_keyed(lr->room, q))
		push_answer_key(lr, q, ss);
	push_judge_request(lr, ss);
}

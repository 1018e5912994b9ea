/* Messages built from a live room's state: see push.h. */
#include "push.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

#define WAITING_MAX 20 /* names of non-answerers in a Progress */

/* Packs a push once and writes the same bytes to every seat and watcher. */
void push_bcast(struct lroom *lr, const Quiz__V1__Envelope *env,
		bool contestants, bool watchers)
{
	struct wbuf *b = server_pack(env);
	struct session *w;
	size_t i;

	if (!b) {
		log_error(lr->tag, "broadcast too large to frame");
		return;
	}
	for (i = 1; contestants && i < lr->nseats; i++)
		if (lr->seats[i])
			session_send(lr->seats[i], b);
	for (w = lr->watchers; watchers && w; w = w->wnext)
		session_send(w, b);
	wbuf_unref(b);
}

bool push_insider(const struct session *ss)
{
	return ss->role == ROLE_HOST || ss->judge;
}

void push_watchers(struct lroom *lr, const Quiz__V1__Envelope *env,
		   bool insiders)
{
	struct wbuf *b = NULL;
	struct session *w;

	for (w = lr->watchers; w; w = w->wnext) {
		if (push_insider(w) != insiders)
			continue;
		if (!b && !(b = server_pack(env))) {
			log_error(lr->tag, "push too large to frame");
			return;
		}
		session_send(w, b);
	}
	wbuf_unref(b);
}

void push_settings(const struct lroom *lr, Quiz__V1__RoomSettings *o,
		   Quiz__V1__QuestionKind *kinds)
{
	const struct room_settings *s = room_settings(lr->room);
	const struct round_cfg *r0 = &room_contest(lr->room)->rounds[0];
	unsigned k;

	/* the first round's numbers: a room without a contest file has
	 * only that one */
	o->format = (Quiz__V1__RoundFormat)r0->format;
	o->title = (char *)s->title;
	o->question_count = s->question_count;
	o->time_limit_ms = (uint32_t)(r0->time_limit_us / 1000);
	o->points = r0->points > 0 ? (uint32_t)r0->points : 0;
	o->seed = s->seed;
	o->max_players = s->max_players;
	o->auto_advance = s->auto_advance;
	o->close_when_all = s->close_when_all;
	o->countdown_ms = (uint32_t)(s->countdown_us / 1000);
	o->reveal_ms = (uint32_t)(s->reveal_us / 1000);
	o->leaderboard_ms = (uint32_t)(s->leaderboard_us / 1000);
	o->category = (char *)r0->category;
	o->min_difficulty = (uint32_t)r0->min_difficulty;
	o->max_difficulty = (uint32_t)r0->max_difficulty;
	o->n_kinds = 0;
	for (k = 0; k <= ITEM_FILL; k++)
		if (r0->kinds & (1u << k))
			kinds[o->n_kinds++] = (Quiz__V1__QuestionKind)k;
	o->kinds = o->n_kinds ? kinds : NULL;
}

/* Builds the Question push; never includes which option is correct. */
void push_question(struct lroom *lr, uint32_t q, struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Question m = QUIZ__V1__QUESTION__INIT;
	const struct room_question *qq = room_question(lr->room, q);
	const struct round_cfg *rc = &room_contest(lr->room)->rounds[qq->round];
	Quiz__V1__Turn turn = QUIZ__V1__TURN__INIT;
	char *opts[ITEM_MAX_OPTIONS];
	struct room_buzz buzz;
	struct session *w;
	struct wbuf *b;
	size_t i;

	for (i = 0; i < qq->n_options; i++)
		opts[i] = qq->item->options[qq->perm[i]];
	m.index = q;
	m.count = room_question_count(lr->room);
	m.kind = (Quiz__V1__QuestionKind)qq->item->kind;
	m.stem = qq->item->stem;
	m.n_options = qq->n_options;
	m.options = opts;
	m.reveal_at_us = (uint64_t)room_reveal_at(lr->room);
	m.deadline_at_us = (uint64_t)room_deadline_at(lr->room);
	m.time_limit_ms = (uint32_t)(rc->time_limit_us / 1000);
	m.points = rc->points > 0 ? (uint32_t)rc->points : 0;
	m.category = qq->item->category ? qq->item->category : "";
	m.round = qq->round;
	m.round_index = room_question_in_round(lr->room, q, &m.round_count);
	if (push_turn_fill(lr, q, &turn))
		m.turn = &turn;
	if (room_buzz_view(lr->room, &buzz) && buzz.q == q &&
	    buzz.armed_at_us > 0)
		m.armed_at_us = (uint64_t)buzz.armed_at_us;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_QUESTION;
	env.question = &m;
	m.sent_at_us = (uint64_t)net_now_us();
	if (!(b = server_pack(&env))) {
		log_error(lr->tag, "question too large to frame");
		return;
	}
	/* packed once; each contestant's seat keeps when the question first
	 * reached it (the late-question rule, docs/PROTOCOL.md) */
	if (only) {
		session_send(only, b);
		if (only->role == ROLE_PLAYER)
			seats_stamp_q(lr, only->player, q, net_now_us(), false);
	} else {
		for (i = 1; i < lr->nseats; i++) {
			if (!lr->seats[i])
				continue;
			session_send(lr->seats[i], b);
			seats_stamp_q(lr, (uint32_t)i, q, net_now_us(), true);
		}
		for (w = lr->watchers; w; w = w->wnext)
			session_send(w, b);
	}
	wbuf_unref(b);
}

void push_countdown(struct lroom *lr, const struct room_effect *e)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Countdown m = QUIZ__V1__COUNTDOWN__INIT;

	m.question_index = e->q;
	m.question_count = room_question_count(lr->room);
	m.start_at_us = (uint64_t)e->u.time.at_us;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_COUNTDOWN;
	env.countdown = &m;
	push_bcast(lr, &env, true, true);
}

/* Contestant i's own Result of question q into res (q's booking, its
 * rank and total). */
static void result_fill(struct lroom *lr, uint32_t q, uint32_t i, bool voided,
			Quiz__V1__Result *res)
{
	const struct room_player *p = room_player(lr->room, i);
	bool booked = p->last.q == (int32_t)q && !voided;

	res->question_index = q;
	/* answered: this contestant did (also on a voided question);
	 * team_answered: the team's answer was booked for it */
	res->answered = lr->answered_q[i] == q + 1;
	res->team_answered = booked && p->last.answered && p->team >= 0;
	res->correct =
	    booked && p->last.correct && (res->answered || res->team_answered);
	res->delta = booked ? p->last.delta : 0;
	res->points = res->delta > 0 ? (uint32_t)res->delta : 0;
	res->stake = booked && p->last.stake > 0 ? (uint32_t)p->last.stake : 0;
	res->response_time_us =
	    res->answered && booked ? (uint32_t)p->last.rt_us : 0;
	res->total = p->score;
	res->rank = p->rank;
}

/* Each contestant's own Result of question q, or only that connection's
 * when only is set: its own seat, no walk of the room (a reconnect storm
 * catches up thousands of them). With first (the packed Reveal), each
 * seat gets it and its Result in one write, and a seat without a Result
 * the Reveal alone: half the system calls of a reveal to ten thousand. */
static void push_results(struct lroom *lr, uint32_t q, bool voided,
			 struct session *only, struct wbuf *first)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Result res = QUIZ__V1__RESULT__INIT;
	uint32_t i;

	env.body_case = QUIZ__V1__ENVELOPE__BODY_RESULT;
	env.result = &res;
	res.players = room_player_count(lr->room);
	for (i = only ? only->player : 1;
	     i < lr->nseats && (!only || i == only->player); i++) {
		const struct room_player *p = room_player(lr->room, i);
		struct wbuf *pair[2] = {first, NULL};

		if (!lr->seats[i])
			continue;
		if (!p || p->kicked ||
		    (only &&
		     (only->role != ROLE_PLAYER || lr->seats[i] != only))) {
			if (first)
				session_send(lr->seats[i], first);
			continue;
		}
		result_fill(lr, q, i, voided, &res);
		if (!(pair[1] = server_pack(&env))) {
			log_error(lr->tag, "result too large to frame");
			continue;
		}
		if (first)
			session_sendv(lr->seats[i], pair, 2);
		else
			session_send(lr->seats[i], pair[1]);
		wbuf_unref(pair[1]);
	}
}

/* The reveal of q, then each contestant's own result: to everyone (only
 * NULL), or to one connection catching up on a revealed question (its
 * own Result if it is a contestant's). */
static void push_reveal_to(struct lroom *lr, uint32_t q, struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Reveal m = QUIZ__V1__REVEAL__INIT;
	const struct room_question *qq = room_question(lr->room, q);
	uint32_t dist[ITEM_MAX_OPTIONS], correct[ITEM_MAX_OPTIONS], nc = 0;
	bool voided = room_question_voided(lr->room);
	struct push_board *board;
	struct session *w;
	struct wbuf *b;
	unsigned i;

	m.question_index = q;
	m.answered = room_progress(lr->room, dist);
	m.players = room_player_count(lr->room);
	for (i = 0; i < qq->n_options; i++)
		if (qq->correct_mask & (1u << i))
			correct[nc++] = i;
	m.n_correct = nc;
	m.correct = correct;
	m.n_distribution = qq->item->kind == ITEM_FILL ? 2 : qq->n_options;
	m.distribution = dist;
	m.voided = voided;
	m.explanation = qq->item->explanation ? qq->item->explanation : "";
	m.correct_text = qq->item->kind == ITEM_FILL && qq->item->n_fills
			     ? qq->item->fills[0]
			     : "";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_REVEAL;
	env.reveal = &m;
	board = push_board_new(lr, false);
	m.teams = board ? &board->tb : NULL;
	m.sent_at_us = (uint64_t)net_now_us();
	if (only) {
		session_send_env(only, &env);
		push_results(lr, q, voided, only, NULL);
	} else if ((b = server_pack(&env))) {
		/* each seat its Reveal and Result together, then the
		 * watchers */
		push_results(lr, q, voided, NULL, b);
		for (w = lr->watchers; w; w = w->wnext)
			session_send(w, b);
		wbuf_unref(b);
	} else {
		log_error(lr->tag, "reveal too large to frame");
	}
	push_board_free(board);
}

void push_final_results(struct lroom *lr, uint32_t q, struct session *only)
{
	push_results(lr, q, room_question_voided(lr->room), only, NULL);
}

void push_reveal(struct lroom *lr, uint32_t q)
{
	push_reveal_to(lr, q, NULL);
}

/* The top standings (at most ROOM_TOP_N) into st, pointed to by pst;
 * returns how many. Strings are borrowed from the room. */
size_t push_top(struct lroom *lr, Quiz__V1__Standing *st,
		Quiz__V1__Standing **pst)
{
	const struct roster *ro = room_roster(lr->room);
	uint32_t ids[ROOM_TOP_N];
	size_t i, n = roster_standings(ro, ids, ROOM_TOP_N);

	for (i = 0; i < n; i++) {
		const struct room_player *p = room_player(lr->room, ids[i]);

		quiz__v1__standing__init(&st[i]);
		st[i].rank = p->rank;
		st[i].player_id = p->id;
		st[i].nickname = (char *)p->nick;
		st[i].team =
		    (char *)(p->team >= 0
				 ? roster_team_name(ro, (size_t)p->team)
				 : "");
		st[i].score = p->score;
		st[i].total_time_us = (uint64_t)p->total_time_us;
		st[i].correct = p->correct;
		pst[i] = &st[i];
	}
	return n;
}

/* A Leaderboard of the top standings. */
static void push_build_leaderboard(struct lroom *lr, uint32_t q, bool final,
				   Quiz__V1__Envelope *env,
				   Quiz__V1__Leaderboard *m,
				   Quiz__V1__Standing *st,
				   Quiz__V1__Standing **pst)
{
	size_t n = push_top(lr, st, pst);

	m->question_index = q;
	m->n_top = n;
	m->top = pst;
	m->final = final;
	m->players = room_player_count(lr->room);
	m->round = room_round_index(lr->room);
	env->body_case = QUIZ__V1__ENVELOPE__BODY_LEADERBOARD;
	env->leaderboard = m;
}

void push_leaderboard(struct lroom *lr, uint32_t q, bool final,
		      struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Leaderboard m = QUIZ__V1__LEADERBOARD__INIT;
	Quiz__V1__Standing st[ROOM_TOP_N], *pst[ROOM_TOP_N];

	struct push_board *board = push_board_new(lr, final);

	push_build_leaderboard(lr, q, final, &env, &m, st, pst);
	m.teams = board ? &board->tb : NULL;
	if (only)
		session_send_env(only, &env);
	else
		push_bcast(lr, &env, true, true);
	push_board_free(board);
}

void push_state(struct lroom *lr, enum room_state st, int64_t remaining)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__StateChange m = QUIZ__V1__STATE_CHANGE__INIT;

	m.state = (Quiz__V1__RoomState)st;
	m.at_us = (uint64_t)net_now_us();
	m.remaining_us = remaining > 0 ? (uint64_t)remaining : 0;
	if (st == ROOM_PAUSED) /* host, or storage (room_hold) */
		m.reason = (Quiz__V1__PauseReason)room_pause_reason(lr->room);
	env.body_case = QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE;
	env.state_change = &m;
	push_bcast(lr, &env, true, true);
}

void push_joined(struct lroom *lr, struct session *ss, uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Joined j = QUIZ__V1__JOINED__INIT;
	struct push_contest ci;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__QuestionKind kinds[ITEM_FILL + 1];

	push_settings(lr, &rs, kinds);
	j.player_id = ss->player;
	j.code = lr->code;
	j.settings = &rs;
	j.state = (Quiz__V1__RoomState)room_state(lr->room);
	j.players = room_player_count(lr->room);
	j.round = room_round_index(lr->room);
	push_contest_fill(lr, &ci);
	j.contest = &ci.ci;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOINED;
	env.joined = &j;
	session_send_env(ss, &env);
}

void push_join_fill(const struct server *srv, struct push_join *j)
{
	size_t i;

	j->n = joinaddr_get(srv->listen_host, srv->listen_port, j->addr,
			    JOINADDR_MAX);
	for (i = 0; i < j->n; i++)
		j->ptr[i] = j->addr[i];
}

static void push_lobby_to(struct lroom *lr, struct session *only);

void push_watching(struct lroom *lr, struct session *ss, uint32_t seq)
{
	struct push_join join;
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Watching w = QUIZ__V1__WATCHING__INIT;
	struct push_contest ci;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__QuestionKind kinds[ITEM_FILL + 1];

	push_settings(lr, &rs, kinds);
	w.code = lr->code;
	w.settings = &rs;
	w.state = (Quiz__V1__RoomState)room_state(lr->room);
	w.host = ss->role == ROLE_HOST;
	w.judge = push_insider(ss);
	if (ss->role == ROLE_HOST) {
		w.judge_token = lr->judge_token;
		push_join_fill(ss->srv, &join);
		w.join_addresses = join.ptr;
		w.n_join_addresses = join.n;
	}
	w.round = room_round_index(lr->room);
	push_contest_fill(lr, &ci);
	w.contest = &ci.ci;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCHING;
	env.watching = &w;
	session_send_env(ss, &env);
	push_lobby_to(lr, ss); /* the roster, before any change */
}

/* What a late or returning member needs to catch up. */
void push_catch_up(struct lroom *lr, struct session *ss)
{
	enum room_state st = room_state(lr->room);
	uint32_t q = room_question_index(lr->room);

	/* a question revealed while this connection was away: the reveal
	 * and its own result (before a pause's StateChange) */
	if (room_revealed(lr->room))
		push_reveal_to(lr, q, ss);
	if (st == ROOM_OPEN) {
		push_question(lr, q, ss);
		/* a host or screen back in the middle of a question: the
		 * answers so far and who is awaited now, not at the next
		 * answer */
		if (ss->role == ROLE_HOST || ss->role == ROLE_SCREEN)
			push_progress_to(lr, ss);
	} else if (st == ROOM_WAGER) {
		push_wager_request_to(lr, q, room_deadline_at(lr->room), ss);
		push_stake_catch_up(lr, ss, q);
	} else if (st == ROOM_ROUND_BREAK)
		push_round_end(lr, room_round_index(lr->room) - 1, ss);
	else if (st == ROOM_LEADERBOARD || st == ROOM_FINISHED)
		push_leaderboard(lr, q, st == ROOM_FINISHED, ss);
	if (st == ROOM_FINISHED)
		push_final_results(lr, q, ss); /* a contestant: its rank */
	else if (st == ROOM_PAUSED) { /* Joined/Watching carry no reason */
		Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__StateChange m = QUIZ__V1__STATE_CHANGE__INIT;

		m.state = QUIZ__V1__ROOM_STATE__PAUSED;
		m.at_us = (uint64_t)net_now_us();
		m.remaining_us = room_paused_remaining(lr->room) > 0
				     ? (uint64_t)room_paused_remaining(lr->room)
				     : 0;
		m.reason = (Quiz__V1__PauseReason)room_pause_reason(lr->room);
		env.body_case = QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE;
		env.state_change = &m;
		session_send_env(ss, &env);
	}
	push_buzz_catch_up(lr, ss);
	push_host_status(lr, ss);
}

/* Contestants (not kicked) whose seat has no connection: offline. */
static uint32_t push_offline(const struct lroom *lr)
{
	size_t i, n = room_player_slots(lr->room);
	uint32_t off = 0;

	for (i = 1; i <= n; i++) {
		const struct room_player *p =
		    room_player(lr->room, (uint32_t)i);

		if (p && !p->kicked && (i >= lr->nseats || !lr->seats[i]))
			off++;
	}
	return off;
}

void push_progress(struct lroom *lr)
{
	push_progress_to(lr, NULL);
}

void push_progress_to(struct lroom *lr, struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Progress m = QUIZ__V1__PROGRESS__INIT;
	uint32_t q = room_question_index(lr->room);
	const struct room_question *qq = room_question(lr->room, q);
	uint32_t dist[ITEM_MAX_OPTIONS], *ids, nw, all;
	size_t i, slots = room_player_slots(lr->room);
	char *names[WAITING_MAX];

	m.question_index = q;
	m.answered = room_progress(lr->room, dist);
	m.players = room_player_count(lr->room);
	m.n_distribution = qq->item->kind == ITEM_FILL ? 2 : qq->n_options;
	m.distribution = dist;
	/* a seat with no connection is not waited for: it is offline */
	ids = xmalloc((slots ? slots : 1) * sizeof(*ids));
	all = room_waiting(lr->room, ids, slots);
	if (all > slots)
		all = (uint32_t)slots;
	for (i = 0, nw = 0; i < all; i++) {
		if (ids[i] >= lr->nseats || !lr->seats[ids[i]])
			continue;
		if (nw < WAITING_MAX)
			names[nw] = (char *)room_player(lr->room, ids[i])->nick;
		nw++;
	}
	free(ids);
	m.waiting_count = nw;
	m.n_waiting = nw < WAITING_MAX ? nw : WAITING_MAX;
	m.waiting = names;
	m.offline = push_offline(lr);
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PROGRESS;
	env.progress = &m;
	if (only && push_insider(only)) {
		session_send_env(only, &env);
		return;
	}
	if (!only)
		push_watchers(lr, &env, true);
	/* screens need no token: anything that could help answer (the live
	 * distribution, who has not answered) stays with the host */
	m.n_distribution = 0;
	m.n_waiting = 0;
	m.waiting_count = 0;
	m.offline = 0;
	if (only)
		session_send_env(only, &env);
	else
		push_watchers(lr, &env, false);
}

void push_host_status(struct lroom *lr, struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__HostStatus m = QUIZ__V1__HOST_STATUS__INIT;
	struct wbuf *b;
	struct session *w;
	size_t i;

	m.connected = seats_host_online(lr);
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HOST_STATUS;
	env.host_status = &m;
	if (only) {
		session_send_env(only, &env);
		return;
	}
	if (!(b = server_pack(&env)))
		return;
	for (i = 1; i < lr->nseats; i++)
		if (lr->seats[i])
			session_send(lr->seats[i], b);
	for (w = lr->watchers; w; w = w->wnext)
		if (w->role != ROLE_HOST)
			session_send(w, b);
	wbuf_unref(b);
}

/* The lobby update with its roster (the latest PUSH_ROSTER_MAX
 * contestants in the match, in join order), to the host and screens, or
 * to only one of them. */
static void push_roster(struct lroom *lr, Quiz__V1__Envelope *env,
			Quiz__V1__LobbyUpdate *m, struct session *only)
{
	Quiz__V1__LobbyPlayer lp[PUSH_ROSTER_MAX], *plp[PUSH_ROSTER_MAX];
	const struct roster *ro = room_roster(lr->room);
	size_t id = roster_slots(ro), n = 0, i;

	/* newest first from the top, then turned into join order */
	while (id > 0 && n < PUSH_ROSTER_MAX) {
		const struct room_player *p = roster_player(ro, (uint32_t)id);

		if (p && !p->kicked && !p->left) {
			quiz__v1__lobby_player__init(&lp[n]);
			lp[n].player_id = p->id;
			lp[n].nickname = (char *)p->nick;
			lp[n].team =
			    (char *)(p->team >= 0
					 ? roster_team_name(ro, (size_t)p->team)
					 : "");
			lp[n].online = id < lr->nseats && lr->seats[id];
			n++;
		}
		id--;
	}
	for (i = 0; i < n; i++)
		plp[i] = &lp[n - 1 - i];
	m->roster = plp;
	m->n_roster = n;
	if (only)
		session_send_env(only, env);
	else
		push_bcast(lr, env, false, true);
	m->roster = NULL;
	m->n_roster = 0;
}

/* The lobby's counts and team tallies: to every contestant (only NULL),
 * and with the roster to the host and screens; or to one watcher. */
static void push_lobby_to(struct lroom *lr, struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__LobbyUpdate m = QUIZ__V1__LOBBY_UPDATE__INIT;
	Quiz__V1__TeamTally tt[ROOM_TEAMS_MAX], *ptt[ROOM_TEAMS_MAX];
	const struct contest *c = room_contest(lr->room);
	const struct roster *ro = room_roster(lr->room);
	struct team_standing tb[ROOM_TEAMS_MAX];
	size_t i, nt;

	/* the score is the board's (base + sum or mean), as ContestInfo
	 * says */
	nt =
	    roster_team_board(ro, c->scoring, c->team_base, tb, ROOM_TEAMS_MAX);
	if (nt > ROOM_TEAMS_MAX)
		nt = ROOM_TEAMS_MAX;
	for (i = 0; i < nt; i++) {
		quiz__v1__team_tally__init(&tt[i]);
		tt[i].team = (char *)roster_team_name(ro, (size_t)tb[i].team);
		tt[i].players = tb[i].members;
		tt[i].score = tb[i].score;
		ptt[i] = &tt[i];
	}
	m.players = room_player_count(lr->room);
	m.n_teams = nt;
	m.teams = ptt;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_LOBBY_UPDATE;
	env.lobby_update = &m;
	if (!only)
		push_bcast(lr, &env, true, false);
	if (only || lr->watchers)
		push_roster(lr, &env, &m, only);
}

void push_lobby(struct lroom *lr)
{
	push_lobby_to(lr, NULL);
}

void push_ok(struct session *ss, uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ok ok = QUIZ__V1__OK__INIT;

	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_OK;
	env.ok = &ok;
	session_send_env(ss, &env);
}

void push_answer_ack(struct session *ss, uint32_t q, int64_t rt_us,
		     int64_t recv_us, uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__AnswerAck m = QUIZ__V1__ANSWER_ACK__INIT;

	m.question_index = q;
	m.response_time_us = (uint32_t)rt_us;
	m.received_at_us = (uint64_t)recv_us;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK;
	env.answer_ack = &m;
	session_send_env(ss, &env);
}

void push_kicked(struct session *ss, const char *reason)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Kicked m = QUIZ__V1__KICKED__INIT;

	m.reason = (char *)reason;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_KICKED;
	env.kicked = &m;
	session_send_env(ss, &env);
}

/* The pushes of contests: what a room's contest is (ContestInfo), rounds
 * beginning and ending, whose turn it is, stakes, and team boards. See
 * push.h and docs/PROTOCOL.md ("Contests"). */
#include "push.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

#define TOP_MEMBERS 5 /* nicknames per team on a final board */

/* First match index and size of round i, from the questions drawn so far
 * (0 and 0 before it begins). */
static uint32_t round_span(const struct room *r, uint32_t round,
			   uint32_t *first)
{
	uint32_t q, n = 0, nq = room_question_count(r);

	*first = 0;
	for (q = 0; q < nq; q++) {
		if (room_question(r, q)->round != round)
			continue;
		if (!n)
			*first = q;
		n++;
	}
	return n;
}

/* Fills one RoundInfo (stakes: storage for CONTEST_STAKES_MAX). */
static void round_fill(const struct lroom *lr, uint32_t i,
		       Quiz__V1__RoundInfo *o, uint32_t *stakes)
{
	const struct round_cfg *rc = &room_contest(lr->room)->rounds[i];
	uint32_t k;

	quiz__v1__round_info__init(o);
	o->index = i;
	o->format = (Quiz__V1__RoundFormat)rc->format;
	o->name = (char *)rc->name;
	o->questions = round_span(lr->room, i, &o->first_question);
	o->time_limit_ms = (uint32_t)(rc->time_limit_us / 1000);
	o->points = rc->points;
	o->penalty = rc->penalty;
	o->wager_ms = (uint32_t)(rc->wager_us / 1000);
	o->reading_ms = (uint32_t)(rc->reading_us / 1000);
	o->arm_ms = (uint32_t)(rc->arm_us / 1000);
	o->tie_ms = (uint32_t)(rc->tie_us / 1000);
	o->foul = rc->foul;
	o->rebounds = rc->rebounds;
	o->judge = (Quiz__V1__JudgeMode)rc->judge;
	for (k = 0; k < rc->nstakes && k < CONTEST_STAKES_MAX; k++)
		stakes[k] = (uint32_t)rc->stakes[k];
	o->n_stakes = k;
	o->stakes = k ? stakes : NULL;
}

void push_contest_fill(const struct lroom *lr, struct push_contest *out)
{
	const struct contest *c = room_contest(lr->room);
	uint32_t i;

	quiz__v1__contest_info__init(&out->ci);
	out->ci.title = (char *)c->title;
	out->ci.scoring = (Quiz__V1__TeamScoring)c->scoring;
	out->ci.team_base = c->team_base;
	for (i = 0; i < c->nrounds && i < CONTEST_ROUNDS_MAX; i++) {
		round_fill(lr, i, &out->ri[i], out->stakes[i]);
		out->pri[i] = &out->ri[i];
	}
	out->ci.n_rounds = i;
	out->ci.rounds = out->pri;
	for (i = 0; i < c->nteams && i < CONTEST_TEAMS_MAX; i++)
		out->teams[i] = (char *)c->teams[i];
	out->ci.n_teams = i;
	out->ci.teams = i ? out->teams : NULL;
}

/* The best members of every team, in standings order, for a final
 * board. */
static void board_members(struct lroom *lr, struct push_board *b, size_t nt)
{
	const struct roster *ro = room_roster(lr->room);
	size_t slots = room_player_slots(lr->room), n, i, k;
	uint32_t *ids = xmalloc((slots ? slots : 1) * sizeof(*ids));
	int line[ROOM_TEAMS_MAX];

	for (k = 0; k < ROOM_TEAMS_MAX; k++)
		line[k] = -1;
	for (k = 0; k < nt; k++)
		line[b->raw[k].team] = (int)k;
	n = roster_standings(ro, ids, slots);
	for (i = 0; i < n; i++) {
		const struct room_player *p = room_player(lr->room, ids[i]);
		Quiz__V1__TeamStanding *t;

		if (p->team < 0 || line[p->team] < 0)
			continue;
		t = &b->ts[line[p->team]];
		if (t->n_top_members < TOP_MEMBERS)
			t->top_members[t->n_top_members++] = (char *)p->nick;
	}
	free(ids);
}

struct push_board *push_board_new(struct lroom *lr, bool members)
{
	const struct contest *c = room_contest(lr->room);
	const struct roster *ro = room_roster(lr->room);
	uint32_t q = room_question_index(lr->room);
	struct push_board *b;
	size_t i, k, nt;

	if (!roster_team_count(ro) && !c->nteams)
		return NULL;
	b = xcalloc(1, sizeof(*b));
	nt = roster_team_board(ro, c->scoring, c->team_base, b->raw,
			       ROOM_TEAMS_MAX);
	if (nt > ROOM_TEAMS_MAX)
		nt = ROOM_TEAMS_MAX;
	quiz__v1__team_board__init(&b->tb);
	b->tb.scoring = (Quiz__V1__TeamScoring)c->scoring;
	b->tb.team_base = c->team_base;
	for (i = 0; i < nt; i++) {
		Quiz__V1__TeamStanding *t = &b->ts[i];

		quiz__v1__team_standing__init(t);
		t->rank = b->raw[i].rank;
		t->team = (char *)roster_team_name(ro, (size_t)b->raw[i].team);
		t->members = b->raw[i].members;
		t->score = b->raw[i].score;
		t->points = b->raw[i].points;
		t->last_delta = b->raw[i].last_delta;
		t->top_members = b->names[i];
		b->pts[i] = t;
	}
	/* the stake a team had on the last question: every member booked
	 * the same one */
	for (k = 1; k <= room_player_slots(lr->room); k++) {
		const struct room_player *p = room_player(lr->room, k);

		if (p->kicked || p->team < 0 || p->last.stake <= 0 ||
		    p->last.q != (int32_t)q)
			continue;
		for (i = 0; i < nt; i++)
			if (b->raw[i].team == p->team)
				b->ts[i].stake = (uint32_t)p->last.stake;
	}
	if (members)
		board_members(lr, b, nt);
	b->tb.n_teams = nt;
	b->tb.teams = b->pts;
	return b;
}

void push_board_free(struct push_board *b)
{
	free(b);
}

bool push_turn_fill(const struct lroom *lr, uint32_t q, Quiz__V1__Turn *out)
{
	const struct roster *ro = room_roster(lr->room);
	const struct room_question *qq = room_question(lr->room, q);
	struct room_turn t;
	uint32_t size;

	room_turn(lr->room, &t);
	if (!t.restricted)
		return false;
	quiz__v1__turn__init(out);
	out->question_index = q;
	out->round = qq->round;
	out->turn = room_question_in_round(lr->room, q, &size) + 1;
	out->turns = size;
	if (t.team >= 0) {
		out->team = (char *)roster_team_name(ro, (size_t)t.team);
	} else if (t.player) {
		out->player_id = t.player;
		out->nickname = (char *)room_player(lr->room, t.player)->nick;
	}
	return true;
}

void push_round_start(struct lroom *lr, uint32_t round)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__RoundStart m = QUIZ__V1__ROUND_START__INIT;
	Quiz__V1__RoundInfo ri;
	uint32_t stakes[CONTEST_STAKES_MAX];

	round_fill(lr, round, &ri, stakes);
	m.round = &ri;
	m.rounds = room_contest(lr->room)->nrounds;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ROUND_START;
	env.round_start = &m;
	push_bcast(lr, &env, true, true);
}

void push_round_end(struct lroom *lr, uint32_t round, struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__RoundEnd m = QUIZ__V1__ROUND_END__INIT;
	Quiz__V1__Standing st[ROOM_TOP_N], *pst[ROOM_TOP_N];
	struct push_board *board = push_board_new(lr, true);

	m.round = round;
	m.rounds = room_contest(lr->room)->nrounds;
	m.teams = board ? &board->tb : NULL;
	m.n_top = push_top(lr, st, pst);
	m.top = pst;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ROUND_END;
	env.round_end = &m;
	if (only)
		session_send_env(only, &env);
	else
		push_bcast(lr, &env, true, true);
	push_board_free(board);
}

void push_wager_request_to(struct lroom *lr, uint32_t q, int64_t deadline_us,
			   struct session *only)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__WagerRequest m = QUIZ__V1__WAGER_REQUEST__INIT;
	const struct room_question *qq = room_question(lr->room, q);
	const struct round_cfg *rc;
	uint32_t stakes[CONTEST_STAKES_MAX], k;

	if (!qq)
		return;
	rc = &room_contest(lr->room)->rounds[qq->round];
	for (k = 0; k < rc->nstakes && k < CONTEST_STAKES_MAX; k++)
		stakes[k] = (uint32_t)rc->stakes[k];
	m.question_index = q;
	m.round = qq->round;
	m.n_stakes = k;
	m.stakes = stakes;
	m.deadline_at_us = deadline_us > 0 ? (uint64_t)deadline_us : 0;
	m.category = qq->item->category ? qq->item->category : "";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WAGER_REQUEST;
	env.wager_request = &m;
	if (only)
		session_send_env(only, &env);
	else
		push_bcast(lr, &env, true, true);
}

void push_wager_request(struct lroom *lr, const struct room_effect *e)
{
	push_wager_request_to(lr, e->q, e->u.time.deadline_at_us, NULL);
}

void push_wager_ack(struct lroom *lr, uint32_t player, uint32_t q,
		    int32_t stake, uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__WagerAck m = QUIZ__V1__WAGER_ACK__INIT;
	const struct room_player *p = room_player(lr->room, player);
	struct session *w;
	struct wbuf *b;
	size_t i;

	if (!p)
		return;
	m.question_index = q;
	m.stake = stake > 0 ? (uint32_t)stake : 0;
	m.player_id = player;
	m.nickname = (char *)p->nick;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WAGER_ACK;
	env.wager_ack = &m;
	/* the reply to the one who staked; one push, packed once, to the
	 * rest of the team and to the host */
	if (player < lr->nseats && lr->seats[player]) {
		env.seq = seq;
		session_send_env(lr->seats[player], &env);
	}
	env.seq = 0;
	if (!(b = server_pack(&env)))
		return;
	for (i = 1; p->team >= 0 && i < lr->nseats; i++) {
		const struct room_player *o = room_player(lr->room, i);

		if (i != player && lr->seats[i] && o && o->team == p->team)
			session_send(lr->seats[i], b);
	}
	for (w = lr->watchers; w; w = w->wnext)
		if (w->role == ROLE_HOST)
			session_send(w, b);
	wbuf_unref(b);
}

void push_stake_catch_up(struct lroom *lr, struct session *ss, uint32_t q)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__WagerAck m = QUIZ__V1__WAGER_ACK__INIT;
	const struct room_player *p;
	int32_t stake;

	if (ss->role != ROLE_PLAYER || !(p = room_player(lr->room, ss->player)))
		return;
	stake = room_stake(lr->room, p->team, p->id);
	if (stake <= 0)
		return;
	/* who picked it is not kept: the acknowledgement names nobody */
	m.question_index = q;
	m.stake = (uint32_t)stake;
	m.nickname = "";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WAGER_ACK;
	env.wager_ack = &m;
	session_send_env(ss, &env);
}

void push_room_created(struct lroom *lr, struct session *ss, uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__RoomCreated rc = QUIZ__V1__ROOM_CREATED__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__QuestionKind kinds[ITEM_FILL + 1];
	struct push_contest ci;
	struct push_join join;

	push_settings(lr, &rs, kinds);
	push_contest_fill(lr, &ci);
	push_join_fill(ss->srv, &join);
	rc.join_addresses = join.ptr;
	rc.n_join_addresses = join.n;
	rc.code = lr->code;
	rc.host_token = lr->host_token;
	rc.judge_token = lr->judge_token;
	rc.settings = &rs;
	rc.match_id = lr->match_id;
	rc.contest = &ci.ci;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED;
	env.room_created = &rc;
	session_send_env(ss, &env);
}

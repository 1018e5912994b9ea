/* A live room: the bridge from the pure core's effects to messages
 * (push.c) and store writes, its timers, its storage pause, and its
 * expiry. */
#include "hub.h"
#include "hub_int.h"
#include "push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "guard.h"
#include "log.h"
#include "room.h"
#include "store.h"
#include "xalloc.h"

#define COALESCE_MS	 100 /* progress to host/screens: at most 10 a second */
#define LOBBY_EVERY	 3 /* lobby counts: every 3rd tick, about 3 a second, */
#define LOBBY_SLOWER	 1000 /* and one tick later per this many players */
#define IDLE_CHECK_TICKS 10   /* expiry of idle rooms: checked once a second */

static void on_room_timer(uv_timer_t *t);
static void on_coalesce(uv_timer_t *t);

/* Arms the room's one timer at the time the core asked for. libuv timers
 * count whole milliseconds, so round up; an early wake-up is harmless (the
 * core ignores it and the timer is armed again). */
static void lroom_arm(struct lroom *lr)
{
	int64_t at = room_timer_at(lr->room), now;
	uint64_t delay_ms = 0;

	if (!at) {
		uv_timer_stop(&lr->timer);
		return;
	}
	uv_update_time(lr->hub->srv->loop);
	now = net_now_us();
	if (at > now)
		delay_ms = (uint64_t)((at - now + 999) / 1000);
	uv_timer_start(&lr->timer, on_room_timer, delay_ms, 0);
}

static void lroom_kick_seat(struct lroom *lr, uint32_t pid)
{
	struct session *ss;

	if (pid >= lr->nseats || !(ss = lr->seats[pid]))
		return;
	push_kicked(ss, "removed by the host");
	lr->seats[pid] = NULL;
	ss->room = NULL;
	ss->role = ROLE_NONE;
	conn_close(ss->conn, 1);
}

struct lroom *lroom_alloc(struct hub *h, const char *code, const char *owner)
{
	struct lroom *lr = xcalloc(1, sizeof(*lr));

	lr->hub = h;
	snprintf(lr->code, sizeof(lr->code), "%s", code);
	snprintf(lr->owner, sizeof(lr->owner), "%s", owner);
	lr->joins = guard_count_new();
	snprintf(lr->tag, sizeof(lr->tag), "r%s", lr->code);
	server_random_hex(lr->host_token, QUIZ_TOKEN_HEX / 2);
	return lr;
}

/* Persists the final results of every contestant and every team. */
static void lroom_store_results(struct lroom *lr)
{
	struct store *st = lr->hub->srv->store;
	const struct contest *c = room_contest(lr->room);
	struct team_standing tb[ROOM_TEAMS_MAX];
	size_t i, n = room_player_slots(lr->room), nt, nr = 0;
	struct store_result *v = store_results_new(n);

	for (i = 1; i <= n; i++) {
		const struct room_player *p =
		    room_player(lr->room, (uint32_t)i);
		struct store_result *r = &v[nr];

		if (p->kicked)
			continue;
		r->match = lr->match_id;
		r->player = p->id;
		r->rank = p->rank;
		r->score = p->score;
		r->correct = p->correct;
		r->total_time_us = p->total_time_us;
		nr++;
	}
	/* one operation: 40 bytes a contestant queued, not an op each */
	store_results_push(st, v, nr);
	nt = roster_team_board(room_roster(lr->room), c->scoring, c->team_base,
			       tb, ROOM_TEAMS_MAX);
	for (i = 0; i < nt && i < ROOM_TEAMS_MAX; i++) {
		struct store_team_result tr = {
		    .match = lr->match_id,
		    .team = roster_team_name(room_roster(lr->room),
					     (size_t)tb[i].team),
		    .rank = tb[i].rank,
		    .members = tb[i].members,
		    .score = tb[i].score,
		    .points = tb[i].points,
		};

		store_team_result(st, &tr);
	}
	store_match_end(st, lr->match_id, !lr->ended_by_host);
}

void lroom_finish(struct lroom *lr)
{
	lroom_store_results(lr);
	lr->finished_at = net_now_us();
	log_info(lr->tag, "match %llu finished",
		 (unsigned long long)lr->match_id);
}

/* The log row of an event the room accepted (strings borrowed from ev). */
static struct store_event lroom_event(const struct lroom *lr,
				      const struct room_event *ev)
{
	struct store_event se = {
	    .match = lr->match_id,
	    .seq = ev->seq,
	    .kind = room_event_kind_name(ev->kind),
	    .at_us = ev->at_us,
	    .player = ev->player,
	    .q = ev->q,
	    .choice_mask = ev->choice_mask,
	    .one_way_us = ev->one_way_us,
	    .arg = ev->arg,
	    .arg2 = ev->arg2,
	    .nick = ev->nick,
	    .team = ev->team,
	    .text = ev->text,
	};

	return se;
}

/* An event the room accepted goes to the log. */
static void lroom_store_event(struct lroom *lr, const struct room_event *ev)
{
	struct store_event se = lroom_event(lr, ev);

	store_event(lr->hub->srv->store, &se, 0);
}

/* The questions a round drew go with the match. */
static void lroom_store_round(struct lroom *lr, const struct room_effect *e)
{
	const char *ids[ROOM_MAX_QUESTIONS];
	uint8_t perms[ROOM_MAX_QUESTIONS][ITEM_MAX_OPTIONS];
	uint32_t i, n = e->u.round.n;

	if (n > ROOM_MAX_QUESTIONS)
		n = ROOM_MAX_QUESTIONS;
	for (i = 0; i < n; i++) {
		const struct room_question *qq =
		    room_question(lr->room, e->u.round.first_q + i);

		ids[i] = qq->item->id;
		memcpy(perms[i], qq->perm, ITEM_MAX_OPTIONS);
	}
	if (n)
		store_match_questions(
		    lr->hub->srv->store, lr->match_id, e->round,
		    e->u.round.first_q, n, ids,
		    (const uint8_t(*)[ITEM_MAX_OPTIONS])perms);
}

/* Something of this request that waits for a commit, with a fresh token
 * (pushed by the caller once the store has the operation). */
static struct pending lroom_pend(struct lroom *lr, enum pend_kind kind,
				 uint32_t player, uint32_t q,
				 const struct lroom_req *req)
{
	struct pending p;

	memset(&p, 0, sizeof(p));
	p.token = ++lr->hub->next_token;
	p.kind = kind;
	p.room = lr;
	p.player = player;
	p.q = q;
	p.seq = req ? req->seq : 0;
	return p;
}

/* What question q booked for every player, with the close barrier whose
 * commit lets the room reveal it. */
static void lroom_store_close(struct lroom *lr, const struct room_effect *e)
{
	struct hub *h = lr->hub;
	struct store *st = h->srv->store;
	size_t i, nb = 0, n = room_player_slots(lr->room);
	struct store_booking *v = NULL;
	struct pending p;

	if (e->u.closed.voided)
		store_void_question(st, lr->match_id, e->q);
	else
		v = store_bookings_new(n);
	for (i = 1; v && i <= n; i++) {
		const struct room_player *pl =
		    room_player(lr->room, (uint32_t)i);
		struct store_booking *b = &v[nb];

		if (!room_player_booked(pl, e->q))
			continue;
		b->match = lr->match_id;
		b->q = e->q;
		b->player = pl->id;
		b->delta = pl->last.delta;
		b->answered = pl->last.answered;
		b->correct = pl->last.correct;
		b->stake = pl->last.stake;
		nb++;
	}
	/* one queue entry for the whole close, not one per contestant,
	 * filled in place */
	store_bookings_push(st, v, nb);
	p = lroom_pend(lr, PEND_CLOSED, 0, e->q, NULL);
	store_question_closed(st, lr->match_id, e->q, p.token);
	hub_pend_push(h, &p);
}

/* An accepted answer is stored with its event (ev, the FX_EVENT that came
 * before it; NULL if none), in one operation; its ack waits for the
 * commit of both. */
static void lroom_store_answer(struct lroom *lr, const struct room_effect *e,
			       const struct lroom_req *req,
			       const struct room_event *ev)
{
	struct hub *h = lr->hub;
	struct store_event se;
	struct store_answer a = {
	    .match = lr->match_id,
	    .player = e->u.answer.player,
	    .q = e->q,
	    .choice_mask = e->u.answer.choice_mask,
	    .text = req ? req->text : NULL,
	    .recv_us = e->u.answer.recv_us,
	    .one_way_us = e->u.answer.comp_us,
	    .rt_us = e->u.answer.rt_us,
	    .correct = e->u.answer.correct,
	    .points = 0, /* booked when the question closes */
	    .event = NULL,
	};
	struct pending p;

	if (a.player < lr->nseats)
		lr->answered_q[a.player] = e->q + 1;
	if (ev) {
		se = lroom_event(lr, ev);
		a.event = &se;
	}
	p = lroom_pend(lr, PEND_ACK, e->u.answer.player, e->q, req);
	p.rt_us = e->u.answer.rt_us;
	p.recv_us = e->u.answer.recv_us;
	/* hub_answer checked store_accepting: only this thread queues, so
	 * the bound cannot be passed here */
	if (store_answer(h->srv->store, &a, p.token) < 0) {
		log_error(lr->tag, "answer not queued");
		return;
	}
	hub_pend_push(h, &p);
}

/* An accepted stake: its event (ev, the FX_EVENT before it) is written
 * with the token its WagerAck waits for, so the ack promises the stake is
 * in the log (a lost event gets an Error instead). */
static void lroom_store_wager(struct lroom *lr, const struct room_effect *e,
			      const struct lroom_req *req,
			      const struct room_event *ev)
{
	struct pending p =
	    lroom_pend(lr, PEND_WAGER, e->u.wager.player, e->q, req);
	struct store_event se;

	p.stake = e->u.wager.stake;
	if (ev) {
		se = lroom_event(lr, ev);
		store_event(lr->hub->srv->store, &se, p.token);
	} else {
		store_barrier(lr->hub->srv->store, p.token);
	}
	hub_pend_push(lr->hub, &p);
}

/* Name of a decided press outcome as the presses table has it; NULL for
 * one not decided (the store refuses it). */
static const char *press_outcome_name(enum press_outcome o)
{
	switch (o) {
	case PRESS_WON:
		return "won";
	case PRESS_SLOWER:
		return "slower";
	case PRESS_LATE:
		return "late";
	case PRESS_FOUL:
		return "foul";
	case PRESS_IGNORED:
		return "ignored";
	case PRESS_PENDING:
		break;
	}
	return NULL;
}

/* The buzzer changed (FX_BUZZ): the presses it decided are stored as one
 * operation; once committed each presser gets its BuzzResult and everyone
 * the BuzzState (pend_buzz_done in hub.c). A change that decided nothing
 * waits for a barrier, so BuzzStates keep their order. */
static void lroom_store_buzz(struct lroom *lr, const struct room_effect *e)
{
	struct hub *h = lr->hub;
	uint32_t i, first = e->u.buzz.first, n = e->u.buzz.n;
	struct store_press *v = NULL;
	struct room_buzz b;
	struct pending p;

	if (n && (!room_buzz_view(lr->room, &b) || b.q != e->q ||
		  first > b.npresses || n > b.npresses - first)) {
		log_error(lr->tag, "q%u: %u decided presses not in the view",
			  (unsigned)e->q, (unsigned)n);
		n = 0;
	}
	p = lroom_pend(lr, PEND_BUZZ, 0, e->q, NULL);
	if (n) {
		p.presses = xmalloc(n * sizeof(*p.presses));
		memcpy(p.presses, b.presses + first, n * sizeof(*p.presses));
		p.npresses = n;
		v = xcalloc(n, sizeof(*v));
	}
	for (i = 0; i < n; i++) {
		const struct room_press *pr = &p.presses[i];

		v[i].match = lr->match_id;
		v[i].seq = pr->seq;
		v[i].q = e->q;
		v[i].player = pr->player;
		v[i].arm = pr->arm;
		v[i].recv_us = pr->recv_us;
		v[i].comp_us = pr->comp_us;
		v[i].react_us = pr->react_us;
		v[i].gap_us = pr->gap_us;
		v[i].outcome = press_outcome_name(pr->outcome);
	}
	store_presses(h->srv->store, v, n, p.token);
	free(v);
	hub_pend_push(h, &p);
}

void lroom_buzz_flush(struct lroom *lr)
{
	if (!lr->buzz_dirty)
		return;
	lr->buzz_dirty = false;
	push_buzz_state(lr, NULL);
}

void lroom_bound_refresh(struct lroom *lr)
{
	int64_t bound = 0, d;
	size_t i;

	for (i = 1; i < lr->nseats; i++) {
		if (!lr->seats[i])
			continue;
		d = seats_delay(lr, lr->seats[i]);
		if (d > bound)
			bound = d;
	}
	lr->bound_us = bound;
}

/* A question opens: a buzzer's bound is taken afresh. */
static void lroom_question(struct lroom *lr, uint32_t q)
{
	struct room_buzz b;

	if (room_buzz_view(lr->room, &b) && b.q == q)
		lroom_bound_refresh(lr);
	push_question(lr, q, NULL);
}

/* A ruling is awaited or was given: a closed question waiting for its
 * judge tells everyone (StateChange JUDGING, once); the host and judges
 * get the items. */
static void lroom_judge(struct lroom *lr, const struct room_effect *e)
{
	struct room_judge j;
	size_t i;

	/* a buzz winner's item is their own answer, also an oral one: their
	 * Result says they answered */
	if (room_judge_view(lr->room, &j) && j.q == e->q)
		for (i = 0; i < j.nitems; i++)
			if (j.items[i].player && j.items[i].player < lr->nseats)
				lr->answered_q[j.items[i].player] = e->q + 1;
	if (room_state(lr->room) == ROOM_JUDGING &&
	    lr->judging_q1 != e->q + 1) {
		lr->judging_q1 = e->q + 1;
		push_state(lr, ROOM_JUDGING, 0);
	}
	push_judge_request(lr, NULL);
}

/* Turns every effect the core produced into messages and store writes.
 * req is the request being handled (its seq, and the FILL text of an
 * answer), else NULL. */
void lroom_flush(struct lroom *lr, const struct lroom_req *req)
{
	/* the event of an answer or a stake comes first among its effects;
	 * it is held to be written with the FX_ANSWER or FX_WAGER after it */
	const struct room_event *held = NULL;
	const struct room_effect *fx;
	bool resumed = false, buzzed = false;
	struct store *st = lr->hub->srv->store;
	size_t i, n;

	fx = room_effects(lr->room, &n);
	/* what one input wrote commits whole (its event, the bookings of a
	 * close, the results of the finish): a replay after a crash finds
	 * the derived rows agreeing with the events */
	if (n)
		store_group_begin(st);
	for (i = 0; i < n; i++) {
		const struct room_effect *e = &fx[i];

		switch (e->kind) {
		case FX_EVENT:
			if (held) /* never expected: keep the log in order */
				lroom_store_event(lr, held);
			held = NULL;
			if (e->u.ev.kind == EV_ANSWER ||
			    e->u.ev.kind == EV_WAGER)
				held = &e->u.ev;
			else
				lroom_store_event(lr, &e->u.ev);
			break;
		case FX_ROUND:
			lroom_store_round(lr, e);
			push_round_start(lr, e->round);
			break;
		case FX_WAGER_OPEN:
			push_wager_request(lr, e);
			break;
		case FX_WAGER:
			lroom_store_wager(lr, e, req, held);
			held = NULL;
			break;
		case FX_COUNTDOWN:
			push_countdown(lr, e);
			break;
		case FX_QUESTION:
			lroom_question(lr, e->q);
			/* the host (and judges) see the answer of every
			 * question; a keyed one gets it from FX_KEY */
			if (!room_question_keyed(lr->room, e->q))
				push_answer_key(lr, e->q, NULL);
			break;
		case FX_ANSWER:
			lroom_store_answer(lr, e, req, held);
			held = NULL;
			break;
		case FX_CLOSED:
			lroom_store_close(lr, e);
			break;
		case FX_REVEAL:
			push_reveal(lr, e->q);
			break;
		case FX_LEADERBOARD:
			push_leaderboard(lr, e->q, e->u.board.final, NULL);
			/* ended by the host before q's reveal: no Result
			 * told the contestants their final rank yet */
			if (e->u.board.final &&
			    !room_question_revealed(lr->room, e->q))
				push_final_results(lr, e->q, NULL);
			break;
		case FX_ROUND_END:
			push_round_end(lr, e->round, NULL);
			if (room_state(lr->room) == ROOM_ROUND_BREAK)
				push_state(lr, ROOM_ROUND_BREAK, 0);
			break;
		case FX_PAUSED:
			push_state(lr, ROOM_PAUSED, e->u.paused.remaining_us);
			break;
		case FX_RESUMED:
			push_state(lr, room_state(lr->room), 0);
			resumed = true;
			break;
		case FX_KICKED:
			lroom_kick_seat(lr, e->u.player);
			break;
		case FX_FINISHED:
			lroom_finish(lr);
			push_state(lr, ROOM_FINISHED, 0);
			break;
		case FX_BUZZ:
			lroom_store_buzz(lr, e);
			buzzed = true;
			break;
		case FX_JUDGE:
			lroom_judge(lr, e);
			break;
		case FX_KEY:
			push_answer_key(lr, e->q, NULL);
			break;
		}
	}
	/* a resumed buzzer is shown again (its times moved by the pause) */
	if (resumed && !buzzed)
		push_buzz_state(lr, NULL);
	if (held) /* never expected: an event without its answer */
		lroom_store_event(lr, held);
	if (n)
		store_group_end(st);
	room_effects_clear(lr->room);
	lroom_arm(lr);
}

/* The room's timer is due. The tick waits for this loop iteration's reads
 * (server/afterio.h): answers already in the socket buffers when a
 * question's time runs out are judged before it closes. */
static void on_room_timer(uv_timer_t *t)
{
	struct lroom *lr = t->data;

	afterio_arm(&lr->after_io);
}

/* The due tick, after the reads. */
static void lroom_tick(void *arg)
{
	struct lroom *lr = arg;

	room_tick(lr->room, net_now_us());
	lroom_flush(lr, NULL);
}

/* Frees a room's memory (its handles are closed). */
void lroom_free(struct lroom *lr)
{
	room_free(lr->room);
	guard_count_free(lr->joins);
	free(lr->gone_at);
	free(lr->gone);
	free(lr->seats);
	free(lr->one_way);
	free(lr->answered_q);
	free(lr->sent);
	free(lr);
}

static void on_lroom_handle_closed(uv_handle_t *hd)
{
	struct lroom *lr = hd->data;

	if (--lr->closing_handles == 0)
		lroom_free(lr);
}

/* Whether a store completion still refers to the room. */
static bool lroom_pending(const struct lroom *lr)
{
	const struct hub *h = lr->hub;
	size_t i;

	for (i = 0; i < h->plen; i++)
		if (h->pend[(h->phead + i) % h->pcap].room == lr)
			return true;
	return false;
}

/* Forgets a finished room after its linger time: members are detached (they
 * stay connected and may join another room), resume tokens revoked, and
 * the room freed once libuv has closed its timers. */
static void lroom_remove(struct lroom *lr)
{
	struct hub *h = lr->hub;
	struct lroom **pp;
	struct session *w, *wn;
	size_t i;

	if (lroom_pending(lr))
		return; /* try again next tick */
	for (pp = &h->rooms; *pp && *pp != lr; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = lr->next;
	h->nrooms--;
	for (i = 1; i < lr->nseats; i++) {
		if (lr->seats[i]) {
			lr->seats[i]->room = NULL;
			lr->seats[i]->role = ROLE_NONE;
		}
	}
	for (w = lr->watchers; w; w = wn) {
		wn = w->wnext;
		w->room = NULL;
		w->role = ROLE_NONE;
		w->judge = false;
		w->wprev = w->wnext = NULL;
	}
	seats_ref_drop_room(h, lr);
	if (!lr->finished_at)
		store_match_end(h->srv->store, lr->match_id, false);
	guard_rooms_add(h->guard, lr->owner, -1, net_now_us());
	log_info(lr->tag, "removed (%s)",
		 lr->finished_at ? "finished" : "abandoned: nobody connected");
	lr->closing_handles = 4;
	uv_close((uv_handle_t *)&lr->timer, on_lroom_handle_closed);
	afterio_close(&lr->after_io, on_lroom_handle_closed, lr);
	uv_close((uv_handle_t *)&lr->coalesce, on_lroom_handle_closed);
}

/* A room is forgotten once its match finished room_linger_s ago, or once
 * nobody has been connected to it for that long (an abandoned lobby, or a
 * match everyone left). The idle check runs about once a second. */
static bool lroom_expired(struct lroom *lr)
{
	int64_t now = net_now_us();
	int64_t linger = (int64_t)lr->hub->srv->cfg.room_linger_s * 1000000;
	bool anyone = lr->watchers != NULL;
	size_t i;

	if (lr->finished_at)
		return now - lr->finished_at > linger;
	if (lr->ticks % IDLE_CHECK_TICKS)
		return false;
	for (i = 1; !anyone && i < lr->nseats; i++)
		anyone = lr->seats[i] != NULL;
	if (anyone) {
		lr->idle_since = 0;
		return false;
	}
	if (!lr->idle_since)
		lr->idle_since = now;
	return now - lr->idle_since > linger;
}

/* Pauses the room while the store cannot commit (store_stalled: a batch
 * has been failing for longer than the stall bound) and resumes it once
 * commits succeed again. Checked every coalesce tick. */
static void lroom_storage_check(struct lroom *lr)
{
	bool down = store_stalled(lr->hub->srv->store);
	int64_t now = net_now_us();
	uint32_t q;

	if (down == room_held(lr->room))
		return;
	if (down) {
		room_hold(lr->room, now, ROOM_PAUSE_STORAGE);
		if (room_state(lr->room) == ROOM_PAUSED)
			log_warn(lr->tag, "storage unavailable: room paused");
		else if (room_state(lr->room) == ROOM_LOBBY)
			log_warn(lr->tag, "storage unavailable: START refused");
		lroom_flush(lr, NULL);
		return;
	}
	if (room_state(lr->room) == ROOM_PAUSED)
		log_warn(lr->tag, "storage back: room resumed");
	room_release(lr->room, now);
	q = lr->closed_ready;
	lr->closed_ready = 0;
	if (q)
		room_committed(lr->room, now, q - 1);
	lroom_flush(lr, NULL);
}

/* Starts a new room's timers and puts it in the registry. */
void lroom_start(struct lroom *lr)
{
	struct hub *h = lr->hub;

	uv_timer_init(h->srv->loop, &lr->timer);
	lr->timer.data = lr;
	afterio_init(h->srv->loop, &lr->after_io, lroom_tick, lr);
	uv_timer_init(h->srv->loop, &lr->coalesce);
	lr->coalesce.data = lr;
	uv_timer_start(&lr->coalesce, on_coalesce, COALESCE_MS, COALESCE_MS);
	lr->next = h->rooms;
	h->rooms = lr;
	h->nrooms++;
}

/* Coalesced pushes: live progress to host and screens, lobby counts to all;
 * and the room's expiry. */
static void on_coalesce(uv_timer_t *t)
{
	struct lroom *lr = t->data;
	bool lobby, progress;

	lr->ticks++;
	if (lroom_expired(lr)) {
		lroom_remove(lr);
		return;
	}
	lroom_storage_check(lr);
	if (lr->ticks % IDLE_CHECK_TICKS == 0) {
		struct room_buzz b;
		size_t nfx;

		if (room_buzz_view(lr->room, &b)) /* once a second */
			lroom_bound_refresh(lr);

		seats_gone_expire(lr);
		room_effects(lr->room, &nfx);
		if (nfx) /* the leaves of seats freed */
			lroom_flush(lr, NULL);
	}
	/* a lobby count goes to every contestant: in a join storm of ten
	 * thousand, three a second were half of quizd's writes */
	lobby = room_lobby_dirty(lr->room) &&
		lr->ticks % (LOBBY_EVERY +
			     room_player_count(lr->room) / LOBBY_SLOWER) ==
		    0;
	progress =
	    room_progress_dirty(lr->room) && room_state(lr->room) == ROOM_OPEN;

	if (progress && lr->watchers)
		push_progress(lr);
	if (lobby)
		push_lobby(lr);
	room_clear_dirty(lr->room, lobby, progress || !lr->watchers);
}

bool hub_answer_window(const struct session *ss)
{
	const struct lroom *lr = ss->room;

	if (!lr || ss->role != ROLE_PLAYER || ss->player >= lr->nseats ||
	    room_state(lr->room) != ROOM_OPEN)
		return false;
	return lr->answered_q[ss->player] != room_question_index(lr->room) + 1;
}

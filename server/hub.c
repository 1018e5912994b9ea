/* Live rooms: registry, effects to messages, timers, store completions. */
#include "hub.h"
#include "hub_int.h"
#include "push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "errors.h"
#include "guard.h"
#include "log.h"
#include "room.h"
#include "roomcode.h"
#include "store.h"
#include "text.h"
#include "xalloc.h"

#define COALESCE_MS	 100 /* progress to host/screens: at most 10 a second */
#define LOBBY_EVERY	 3  /* lobby counts: every 3rd tick, about 3 a second */
#define IDLE_CHECK_TICKS 10 /* expiry of idle rooms: checked once a second */
#define CODE_MAX	 ROOMCODE_INPUT_MAX
#define CODE_TRIES	 16 /* random codes tried before SERVER_FULL */
#define HOST_KEY_MAX	 64

const char *hub_room_code(const struct lroom *r)
{
	return r->code;
}
uint32_t hub_room_count(const struct hub *h)
{
	return h->nrooms;
}

struct hub *hub_new(struct server *srv)
{
	struct hub *h = xcalloc(1, sizeof(*h));

	h->srv = srv;
	if (srv->cfg.max_rooms > HUB_ROOMS_MAX)
		srv->cfg.max_rooms = HUB_ROOMS_MAX;
	h->guard = guard_new();
	return h;
}

/* ---- resume tokens ---------------------------------------------------- */

static struct seat_ref *ref_find(struct hub *h, const char *token)
{
	size_t i, mask;

	if (!h->refcap)
		return NULL;
	mask = h->refcap - 1;
	for (i = text_hash(token) & mask; h->refs[i].token[0];
	     i = (i + 1) & mask)
		if (text_secret_eq(token, h->refs[i].token))
			return &h->refs[i];
	return NULL;
}

static void ref_put(struct hub *h, const char *token, struct lroom *lr,
		    uint32_t player);

/* Rebuilds the token table with room for cap entries, keeping only the
 * tokens whose room is live (a removed room's tokens go). */
static void ref_rebuild(struct hub *h, size_t cap)
{
	struct seat_ref *old = h->refs;
	size_t i, oldcap = h->refcap;

	h->refcap = cap;
	h->refs = xcalloc(h->refcap, sizeof(*h->refs));
	h->nrefs = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].token[0] && old[i].room)
			ref_put(h, old[i].token, old[i].room, old[i].player);
	free(old);
}

static void ref_put(struct hub *h, const char *token, struct lroom *lr,
		    uint32_t player)
{
	size_t i, mask;

	if ((h->nrefs + 1) * 2 > h->refcap)
		ref_rebuild(h, h->refcap ? h->refcap * 2 : 256);
	mask = h->refcap - 1;
	for (i = text_hash(token) & mask; h->refs[i].token[0];
	     i = (i + 1) & mask)
		if (strcmp(h->refs[i].token, token) == 0)
			break;
	if (!h->refs[i].token[0])
		h->nrefs++;
	snprintf(h->refs[i].token, sizeof(h->refs[i].token), "%s", token);
	h->refs[i].room = lr;
	h->refs[i].player = player;
}

/* ---- store completions ------------------------------------------------ */

static void pend_push(struct hub *h, const struct pending *p)
{
	if (h->plen == h->pcap) {
		size_t i, ncap = h->pcap ? h->pcap * 2 : 1024;
		struct pending *n = xmalloc(ncap * sizeof(*n));

		for (i = 0; i < h->plen; i++)
			n[i] = h->pend[(h->phead + i) % h->pcap];
		free(h->pend);
		h->pend = n;
		h->pcap = ncap;
		h->phead = 0;
	}
	h->pend[(h->phead + h->plen) % h->pcap] = *p;
	h->plen++;
}

/* The request an answer came with: what its store row and its ack need
 * beyond the core's FX_ANSWER. */
struct answer_req {
	uint32_t seq;
	const char *text; /* FILL text or NULL */
};

static void lroom_flush(struct lroom *lr, const struct answer_req *req);

static void send_room_created(struct lroom *lr);

/* One pending item's commit is done: ack the answer, reveal, or announce
 * the room. lost: the store could never write it (a caller bug, logged and
 * counted by the store; quizd exits non-zero): the answer gets an Error
 * instead of an ack, and the room goes on. */
static void pend_done(struct hub *h, const struct pending *p, bool lost)
{
	struct lroom *lr = p->room;

	if (p->kind == PEND_CREATED) {
		if (lost)
			log_error(lr->tag, "match %llu was not recorded",
				  (unsigned long long)lr->match_id);
		send_room_created(lr);
	} else if (p->kind == PEND_ACK) {
		Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__AnswerAck m = QUIZ__V1__ANSWER_ACK__INIT;

		if (p->player >= lr->nseats || !lr->seats[p->player])
			return;
		if (lost) {
			log_error(lr->tag, "answer of player %u to q%u lost",
				  (unsigned)p->player, (unsigned)p->q);
			session_error(lr->seats[p->player], -QE_INTERNAL,
				      p->seq, "the answer could not be saved");
			return;
		}
		m.question_index = p->q;
		m.response_time_us = (uint32_t)p->rt_us;
		m.received_at_us = (uint64_t)p->recv_us;
		env.seq = p->seq;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK;
		env.answer_ack = &m;
		session_send_env(lr->seats[p->player], &env);
	} else {
		if (lost)
			log_error(lr->tag, "close of q%u not recorded",
				  (unsigned)p->q);
		if (room_held(lr->room)) { /* paused: reveal on release */
			lr->closed_ready = p->q + 1;
			return;
		}
		room_committed(lr->room, net_now_us(), p->q);
		lroom_flush(lr, NULL);
	}
	(void)h;
}

void hub_store_ready(struct hub *h)
{
	uint64_t toks[256];
	size_t n, i;

	while ((n = store_poll(h->srv->store, toks, 256)) > 0) {
		/* the store publishes every token, in order, once its
		 * operation committed (or flagged: lost for good) */
		for (i = 0; i < n; i++) {
			uint64_t tok = toks[i] & ~STORE_TOKEN_LOST;
			bool lost = (toks[i] & STORE_TOKEN_LOST) != 0;

			while (h->plen && h->pend[h->phead].token <= tok) {
				struct pending p = h->pend[h->phead];

				h->phead = (h->phead + 1) % h->pcap;
				h->plen--;
				pend_done(h, &p, lost && p.token == tok);
			}
		}
	}
}

/* ---- effects ----------------------------------------------------------- */

static void on_room_timer(uv_timer_t *t);

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

static void kick_seat(struct lroom *lr, uint32_t pid)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Kicked m = QUIZ__V1__KICKED__INIT;
	struct session *ss;

	if (pid >= lr->nseats || !(ss = lr->seats[pid]))
		return;
	m.reason = "removed by the host";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_KICKED;
	env.kicked = &m;
	session_send_env(ss, &env);
	lr->seats[pid] = NULL;
	ss->room = NULL;
	ss->role = ROLE_NONE;
	conn_close(ss->conn, 1);
}

/* Persists the final results of every contestant. */
static void store_results(struct lroom *lr)
{
	struct store *st = lr->hub->srv->store;
	size_t i, n = room_player_slots(lr->room);

	for (i = 1; i <= n; i++) {
		const struct room_player *p =
		    room_player(lr->room, (uint32_t)i);
		struct store_result r;

		if (p->kicked)
			continue;
		r.match = lr->match_id;
		r.player = p->id;
		r.rank = p->rank;
		r.score = p->score;
		r.correct = p->correct;
		r.total_time_us = p->total_time_us;
		store_result(st, &r);
	}
	store_match_end(st, lr->match_id, !lr->ended_by_host);
}

/* Turns every effect the core produced into messages and store writes.
 * req is the answer being handled (FX_ANSWER comes only from one), else
 * NULL. */
static void lroom_flush(struct lroom *lr, const struct answer_req *req)
{
	struct hub *h = lr->hub;
	struct store *st = h->srv->store;
	const struct room_effect *fx;
	struct pending p;
	size_t i, n;

	fx = room_effects(lr->room, &n);
	for (i = 0; i < n; i++) {
		const struct room_effect *e = &fx[i];

		switch (e->kind) {
		case FX_COUNTDOWN:
			push_countdown(lr, e);
			break;
		case FX_QUESTION:
			push_question(lr, e->q, NULL);
			break;
		case FX_ANSWER: {
			struct store_answer a = {
			    .match = lr->match_id,
			    .player = e->player,
			    .q = e->q,
			    .choice_mask = e->choice_mask,
			    .text = req ? req->text : NULL,
			    .recv_us = e->recv_us,
			    .one_way_us = e->comp_us,
			    .rt_us = e->rt_us,
			    .correct = e->correct,
			    .points = e->points,
			};

			memset(&p, 0, sizeof(p));
			p.token = ++h->next_token;
			p.kind = PEND_ACK;
			p.room = lr;
			p.player = e->player;
			p.q = e->q;
			p.seq = req ? req->seq : 0;
			p.rt_us = e->rt_us;
			p.recv_us = e->recv_us;
			/* hub_answer checked store_accepting: only this
			 * thread queues, so the bound cannot be passed here */
			if (store_answer(st, &a, p.token) < 0) {
				log_error(lr->tag, "answer not queued");
				break;
			}
			pend_push(h, &p);
			break;
		}
		case FX_CLOSED:
			if (e->voided)
				store_void_question(st, lr->match_id, e->q);
			memset(&p, 0, sizeof(p));
			p.token = ++h->next_token;
			p.kind = PEND_CLOSED;
			p.room = lr;
			p.q = e->q;
			store_question_closed(st, lr->match_id, e->q, p.token);
			pend_push(h, &p);
			break;
		case FX_REVEAL:
			push_reveal(lr, e->q);
			break;
		case FX_LEADERBOARD:
			push_leaderboard(lr, e->q, e->final, NULL);
			break;
		case FX_PAUSED:
			push_state(lr, ROOM_PAUSED, e->remaining_us);
			break;
		case FX_RESUMED:
			push_state(lr, room_state(lr->room), 0);
			break;
		case FX_KICKED:
			kick_seat(lr, e->player);
			break;
		case FX_FINISHED:
			store_results(lr);
			push_state(lr, ROOM_FINISHED, 0);
			lr->finished_at = net_now_us();
			log_info(lr->tag, "match %llu finished",
				 (unsigned long long)lr->match_id);
			break;
		}
	}
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
static void lroom_free(struct lroom *lr)
{
	room_free(lr->room);
	guard_count_free(lr->joins);
	free(lr->gone_at);
	free(lr->gone);
	free(lr->seats);
	free(lr->one_way);
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
		w->wprev = w->wnext = NULL;
	}
	for (i = 0; i < h->refcap; i++)
		if (h->refs[i].room == lr)
			h->refs[i].room = NULL;
	ref_rebuild(h, h->refcap); /* drop them: the table never only grows */
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

/* Remembers that a contestant's lobby seat emptied now. */
static void gone_push(struct lroom *lr, uint32_t pid)
{
	int64_t now = net_now_us();

	if (lr->gone_head && lr->gone_head * 2 >= lr->gone_len) {
		memmove(lr->gone, lr->gone + lr->gone_head,
			(lr->gone_len - lr->gone_head) * sizeof(*lr->gone));
		lr->gone_len -= lr->gone_head;
		lr->gone_head = 0;
	}
	if (lr->gone_len == lr->gone_cap) {
		lr->gone_cap = lr->gone_cap ? lr->gone_cap * 2 : 16;
		lr->gone = xrealloc(lr->gone, lr->gone_cap * sizeof(*lr->gone));
	}
	lr->gone[lr->gone_len].player = pid;
	lr->gone[lr->gone_len].at = now;
	lr->gone_len++;
	lr->gone_at[pid] = now;
}

/* Frees the oldest lobby seat still waiting out its grace, for a newcomer
 * to a full room: a seat nobody sits on does not keep a person out.
 * Returns whether one was freed. */
static bool gone_evict_one(struct lroom *lr)
{
	while (lr->gone_head < lr->gone_len) {
		const struct gone *g = &lr->gone[lr->gone_head++];

		if (lr->gone_at[g->player] == g->at && !lr->seats[g->player] &&
		    room_leave(lr->room, g->player) == 0) {
			log_debug(lr->tag,
				  "player %u gone from the lobby: seat given "
				  "to a newcomer",
				  g->player);
			return true;
		}
	}
	return false;
}

/* Frees the lobby seats whose owners have been gone for the grace period:
 * their nickname and max_players place go to others and their resume
 * token stops working. Once the match runs seats are kept (the score
 * matters); the queue is then just dropped. */
static void gone_expire(struct lroom *lr)
{
	int64_t now = net_now_us();
	int64_t grace = (int64_t)lr->hub->srv->cfg.lobby_grace_s * 1000000;

	while (lr->gone_head < lr->gone_len) {
		const struct gone *g = &lr->gone[lr->gone_head];

		if (room_state(lr->room) == ROOM_LOBBY && now - g->at < grace)
			break;
		if (room_state(lr->room) == ROOM_LOBBY &&
		    lr->gone_at[g->player] == g->at && !lr->seats[g->player] &&
		    room_leave(lr->room, g->player) == 0)
			log_debug(lr->tag,
				  "player %u left the lobby: seat freed",
				  g->player);
		lr->gone_head++;
	}
	if (lr->gone_head == lr->gone_len)
		lr->gone_head = lr->gone_len = 0;
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
	if (lr->ticks % IDLE_CHECK_TICKS == 0)
		gone_expire(lr);
	lobby = room_lobby_dirty(lr->room) && lr->ticks % LOBBY_EVERY == 0;
	progress =
	    room_progress_dirty(lr->room) && room_state(lr->room) == ROOM_OPEN;

	if (progress && lr->watchers)
		push_progress(lr);
	if (lobby)
		push_lobby(lr);
	room_clear_dirty(lr->room, lobby, progress || !lr->watchers);
}

/* ---- requests ---------------------------------------------------------- */

static struct lroom *find_room(struct hub *h, const char *code)
{
	struct lroom *lr;

	for (lr = h->rooms; lr; lr = lr->next)
		if (strcmp(lr->code, code) == 0)
			return lr;
	return NULL;
}

/* A fresh random code no live room uses. Returns 0, or -QE_SERVER_FULL
 * after CODE_TRIES codes in use (max_rooms keeps that from happening: with
 * HUB_ROOMS_MAX rooms live a try collides with odds below 1e-8). */
static int new_code(struct hub *h, char out[ROOMCODE_SIZE])
{
	uint64_t x;
	int i;

	for (i = 0; i < CODE_TRIES; i++) {
		server_random(&x, sizeof(x));
		roomcode_format(x, out);
		if (!find_room(h, out))
			return 0;
	}
	return -QE_SERVER_FULL;
}

/* A room lookup by a typed code, accounted per address: a failure spends
 * from the address's and the server's budget; over budget the code is not
 * even looked up. Returns 0 and sets *out, or -QE_RATE_LIMITED,
 * -QE_ROOM_NOT_FOUND. */
static int lookup_room(struct hub *h, struct session *ss, const char *code,
		       const char *what, struct lroom **out)
{
	const char *ip = conn_peer(ss->conn);
	char canon[ROOMCODE_SIZE];
	int64_t now = net_now_us();

	if (!guard_lookup_ok(h->guard, ip, now))
		return -QE_RATE_LIMITED;
	if (roomcode_normalize(code, canon) < 0 ||
	    !(*out = find_room(h, canon))) {
		guard_lookup_failed(h->guard, ip, now, what);
		return -QE_ROOM_NOT_FOUND;
	}
	return 0;
}

static void watcher_add(struct lroom *lr, struct session *ss)
{
	ss->wprev = NULL;
	ss->wnext = lr->watchers;
	if (lr->watchers)
		lr->watchers->wprev = ss;
	lr->watchers = ss;
}

static void watcher_remove(struct lroom *lr, struct session *ss)
{
	if (ss->wprev)
		ss->wprev->wnext = ss->wnext;
	else if (lr->watchers == ss)
		lr->watchers = ss->wnext;
	if (ss->wnext)
		ss->wnext->wprev = ss->wprev;
	ss->wprev = ss->wnext = NULL;
}

/* Checks and converts the requested settings (zero = default). */
static int settings_from_pb(const Quiz__V1__RoomSettings *in,
			    struct room_settings *s, struct draw_filter *f)
{
	size_t i;

	room_settings_default(s);
	s->question_count = 0;
	s->time_limit_us = s->points = 0;
	memset(f, 0, sizeof(*f));
	if (!in)
		return room_settings_normalize(s);
	if (strlen(in->title) > QUIZ_TITLE_MAX ||
	    strlen(in->category) > QUIZ_CATEGORY_MAX ||
	    (in->title[0] && !text_valid_name(in->title, QUIZ_TITLE_MAX)) ||
	    in->n_kinds > 4 || in->min_difficulty > 3 ||
	    in->max_difficulty > 3 ||
	    (in->max_difficulty && in->min_difficulty > in->max_difficulty))
		return -QE_BAD_MESSAGE;
	for (i = 0; i < in->n_kinds; i++) {
		if ((unsigned)in->kinds[i] > ITEM_FILL)
			return -QE_BAD_MESSAGE;
		f->kinds |= 1u << in->kinds[i];
	}
	f->min_difficulty = (int)in->min_difficulty;
	f->max_difficulty = (int)in->max_difficulty;
	s->format = (int)in->format;
	snprintf(s->title, sizeof(s->title), "%s", in->title);
	s->question_count = in->question_count;
	s->time_limit_us = (int64_t)in->time_limit_ms * 1000;
	s->points = in->points;
	s->seed = in->seed;
	s->max_players = in->max_players;
	s->auto_advance = in->auto_advance;
	s->countdown_us = (int64_t)in->countdown_ms * 1000;
	s->reveal_us = (int64_t)in->reveal_ms * 1000;
	s->leaderboard_us = (int64_t)in->leaderboard_ms * 1000;
	f->category = in->category[0] ? in->category : NULL;
	return room_settings_normalize(s);
}

int hub_create_room(struct hub *h, struct session *ss,
		    const Quiz__V1__CreateRoom *m, uint32_t seq)
{
	struct room_question qs[ROOM_MAX_QUESTIONS];
	const char *ids[ROOM_MAX_QUESTIONS];
	uint8_t perms[ROOM_MAX_QUESTIONS][ITEM_MAX_OPTIONS];
	struct draw_filter f;
	struct store_match sm;
	const struct server_config *cfg = &h->srv->cfg;
	char code[ROOMCODE_SIZE];
	struct room_settings s;
	struct pending p;
	struct lroom *lr;
	const char *ip;
	int r, i;

	if (ss->room)
		return -QE_BAD_STATE; /* one live room per connection */
	if (strlen(m->host_key) > HOST_KEY_MAX)
		return -QE_BAD_MESSAGE;
	ip = conn_peer(ss->conn);
	if (cfg->host_key) {
		if (!guard_lookup_ok(h->guard, ip, net_now_us()))
			return -QE_RATE_LIMITED;
		if (!text_secret_eq(m->host_key, cfg->host_key)) {
			guard_lookup_failed(h->guard, ip, net_now_us(),
					    "create");
			return -QE_WRONG_PIN;
		}
	}
	if (guard_rooms(h->guard, ip) >= cfg->rooms_per_addr) {
		log_debug("guard", "%s: %u live rooms, create refused", ip,
			  guard_rooms(h->guard, ip));
		return -QE_RATE_LIMITED;
	}
	if (h->nrooms >= cfg->max_rooms || new_code(h, code) < 0)
		return -QE_SERVER_FULL;
	if (store_stalled(h->srv->store))
		return -QE_STORAGE_UNAVAILABLE;
	r = settings_from_pb(m->settings, &s, &f);
	if (r < 0)
		return r;
	while (!s.seed)
		server_random(&s.seed, sizeof(s.seed));
	r = draw_questions(h->srv->bank, &f, s.question_count, s.seed, qs);
	if (r <= 0)
		return r < 0 ? -QE_INTERNAL : -QE_BAD_MESSAGE;
	if ((uint32_t)r < s.question_count)
		log_info(conn_tag(ss->conn),
			 "%u questions asked, %d match: the room has %d",
			 s.question_count, r, r);
	/* fewer match than asked: the room runs with those, and
	 * RoomCreated.settings.question_count says how many */
	s.question_count = (uint32_t)r;

	if (guard_rooms_add(h->guard, ip, 1, net_now_us()) < 0)
		return -QE_SERVER_FULL;
	lr = xcalloc(1, sizeof(*lr));
	lr->hub = h;
	lr->filter = f;
	snprintf(lr->category, sizeof(lr->category), "%s",
		 f.category ? f.category : "");
	lr->filter.category = lr->category[0] ? lr->category : NULL;
	memcpy(lr->code, code, sizeof(lr->code));
	snprintf(lr->owner, sizeof(lr->owner), "%s", ip);
	lr->joins = guard_count_new();
	snprintf(lr->tag, sizeof(lr->tag), "r%s", lr->code);
	server_random_hex(lr->host_token, QUIZ_TOKEN_HEX / 2);
	lr->room = room_new(&s, qs, (size_t)r, lr->host_token);
	for (i = 0; i < r; i++) {
		ids[i] = qs[i].item->id;
		memcpy(perms[i], qs[i].perm, ITEM_MAX_OPTIONS);
	}
	sm.code = lr->code;
	sm.title = s.title;
	sm.format = s.format;
	sm.question_count = s.question_count;
	sm.time_limit_us = s.time_limit_us;
	sm.points = s.points;
	sm.seed = s.seed;
	sm.question_ids = ids;
	sm.perms = (const uint8_t(*)[ITEM_MAX_OPTIONS])perms;
	/* RoomCreated goes out once the match row is committed: an id
	 * announced is never reused after a crash */
	memset(&p, 0, sizeof(p));
	p.token = ++h->next_token;
	p.kind = PEND_CREATED;
	p.room = lr;
	lr->match_id = store_match_begin_notify(h->srv->store, &sm, p.token);
	if (lr->match_id)
		pend_push(h, &p);
	lr->creator = ss;
	lr->create_seq = seq;
	uv_timer_init(h->srv->loop, &lr->timer);
	lr->timer.data = lr;
	afterio_init(h->srv->loop, &lr->after_io, lroom_tick, lr);
	uv_timer_init(h->srv->loop, &lr->coalesce);
	lr->coalesce.data = lr;
	uv_timer_start(&lr->coalesce, on_coalesce, COALESCE_MS, COALESCE_MS);
	lr->next = h->rooms;
	h->rooms = lr;
	h->nrooms++;

	ss->room = lr;
	ss->role = ROLE_HOST;
	watcher_add(lr, ss);
	ref_put(h, ss->token, lr, 0);
	log_info(lr->tag, "created by %s: %u questions, match %llu",
		 conn_tag(ss->conn), s.question_count,
		 (unsigned long long)lr->match_id);
	if (!lr->match_id)
		send_room_created(lr); /* not recorded (logged by the store) */
	return 0;
}

/* Announces the room to its creator once its match row is committed. */
static void send_room_created(struct lroom *lr)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__RoomCreated rc = QUIZ__V1__ROOM_CREATED__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__QuestionKind kinds[ITEM_FILL + 1];
	struct session *ss = lr->creator;

	lr->creator = NULL;
	if (!ss || ss->room != lr)
		return; /* the host left before the commit */
	push_settings(lr, &rs, kinds);
	rc.code = lr->code;
	rc.host_token = lr->host_token;
	rc.settings = &rs;
	rc.match_id = lr->match_id;
	env.seq = lr->create_seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED;
	env.room_created = &rc;
	session_send_env(ss, &env);
}

/* Seats a session on a player id, growing the seat table. */
static void seat(struct lroom *lr, uint32_t pid, struct session *ss)
{
	if (pid >= lr->nseats) {
		size_t n = lr->nseats ? lr->nseats : 64;

		while (n <= pid)
			n *= 2;
		lr->seats = xrealloc(lr->seats, n * sizeof(*lr->seats));
		memset(lr->seats + lr->nseats, 0,
		       (n - lr->nseats) * sizeof(*lr->seats));
		lr->one_way = xrealloc(lr->one_way, n * sizeof(*lr->one_way));
		memset(lr->one_way + lr->nseats, 0,
		       (n - lr->nseats) * sizeof(*lr->one_way));
		lr->gone_at = xrealloc(lr->gone_at, n * sizeof(*lr->gone_at));
		memset(lr->gone_at + lr->nseats, 0,
		       (n - lr->nseats) * sizeof(*lr->gone_at));
		lr->nseats = n;
	}
	lr->seats[pid] = ss;
	lr->gone_at[pid] = 0;
	ss->room = lr;
	ss->player = pid;
	ss->role = ROLE_PLAYER;
}

/* Keeps a contestant connection's delay estimate with its seat as the
 * connection leaves it, for the connection that resumes the seat. */
static void seat_keep_delay(struct lroom *lr, const struct session *ss)
{
	if (ss->player < lr->nseats && ss->cs.n)
		lr->one_way[ss->player] = clocksync_one_way(&ss->cs);
}

/* The one-way delay that compensates a contestant's answer: its
 * connection's estimate; before a resumed connection's first Pong, the one
 * its seat kept (a resume must not cost a contestant its uplink delay). */
static int64_t seat_delay(const struct lroom *lr, const struct session *ss)
{
	if (ss->cs.n || ss->player >= lr->nseats)
		return clocksync_one_way(&ss->cs);
	return lr->one_way[ss->player];
}

int hub_join(struct hub *h, struct session *ss, const Quiz__V1__JoinRoom *m,
	     uint32_t seq)
{
	const char *ip = conn_peer(ss->conn);
	struct lroom *lr;
	int64_t pid;
	int r;

	if (ss->room)
		return -QE_BAD_STATE;
	if (strlen(m->code) > QUIZ_CODE_INPUT_MAX)
		return -QE_BAD_MESSAGE;
	r = lookup_room(h, ss, m->code, "join", &lr);
	if (r < 0)
		return r;
	if (guard_count_get(lr->joins, ip) >= h->srv->cfg.joins_per_addr) {
		log_debug(lr->tag, "%s: %u joins from %s, refused",
			  conn_tag(ss->conn), guard_count_get(lr->joins, ip),
			  ip);
		return -QE_ROOM_FULL;
	}
	pid = room_join(lr->room, net_now_us(), m->nickname, m->team);
	if (pid == -QE_ROOM_FULL && room_state(lr->room) == ROOM_LOBBY &&
	    room_player_count(lr->room) >=
		room_settings(lr->room)->max_players &&
	    gone_evict_one(lr))
		pid = room_join(lr->room, net_now_us(), m->nickname, m->team);
	if (pid < 0)
		return (int)pid;
	guard_count_inc(lr->joins, ip);
	seat(lr, (uint32_t)pid, ss);
	ref_put(h, ss->token, lr, (uint32_t)pid);
	store_player(h->srv->store, lr->match_id, (uint32_t)pid, m->nickname,
		     m->team);
	push_joined(lr, ss, seq);
	push_catch_up(lr, ss);
	log_debug(lr->tag, "%s joined as player %lld", conn_tag(ss->conn),
		  (long long)pid);
	return 0;
}

/* The newer host wins: any other connection in the host seat becomes a
 * screen, and is told so by an Error NOT_HOST push (seq 0, ref_seq 0). */
static void host_take_seat(struct lroom *lr, struct session *ss)
{
	struct session *w;

	for (w = lr->watchers; w; w = w->wnext) {
		if (w == ss || w->role != ROLE_HOST)
			continue;
		w->role = ROLE_SCREEN;
		session_error(w, QE_NOT_HOST, 0,
			      "another connection took the host seat; this one "
			      "now watches as a screen");
		log_info(lr->tag, "host seat: %s replaces %s",
			 conn_tag(ss->conn), conn_tag(w->conn));
	}
	ss->role = ROLE_HOST;
}

int hub_watch(struct hub *h, struct session *ss, const Quiz__V1__WatchRoom *m,
	      uint32_t seq)
{
	struct lroom *lr;
	int r;

	if (ss->room)
		return -QE_BAD_STATE;
	if (strlen(m->code) > QUIZ_CODE_INPUT_MAX ||
	    strlen(m->host_token) > QUIZ_TOKEN_INPUT_MAX)
		return -QE_BAD_MESSAGE;
	r = lookup_room(h, ss, m->code, "watch", &lr);
	if (r < 0)
		return r;
	if (m->host_token[0]) {
		if (!text_secret_eq(m->host_token, lr->host_token)) {
			guard_lookup_failed(h->guard, conn_peer(ss->conn),
					    net_now_us(), "host token");
			return -QE_WRONG_PIN;
		}
		host_take_seat(lr, ss);
		ref_put(h, ss->token, lr, 0);
	} else {
		ss->role = ROLE_SCREEN;
	}
	ss->room = lr;
	watcher_add(lr, ss);
	push_watching(lr, ss, seq);
	push_catch_up(lr, ss);
	return 0;
}

int hub_command(struct hub *h, struct session *ss,
		const Quiz__V1__HostCommand *m, uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ok ok = QUIZ__V1__OK__INIT;
	struct lroom *lr = ss->room;
	int r;

	(void)h;
	if (!lr)
		return -QE_NOT_HOST;
	if ((unsigned)m->action > (unsigned)CMD_END)
		return -QE_BAD_MESSAGE;
	r = room_command(lr->room, net_now_us(),
			 ss->role == ROLE_HOST ? lr->host_token : NULL,
			 (enum room_cmd)m->action, m->player_id);
	if (r < 0)
		return r;
	if (m->action == QUIZ__V1__HOST_COMMAND__ACTION__END)
		lr->ended_by_host = true;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_OK;
	env.ok = &ok;
	session_send_env(ss, &env);
	log_info(lr->tag, "host command %d", (int)m->action);
	lroom_flush(lr, NULL);
	return 0;
}

int hub_answer(struct hub *h, struct session *ss, const Quiz__V1__Answer *m,
	       int64_t recv_us, uint32_t seq)
{
	struct lroom *lr = ss->room;
	struct answer_req req;
	uint32_t mask = 0;
	int64_t rt;
	size_t i;
	int r;

	(void)h;
	if (!lr || ss->role != ROLE_PLAYER)
		return -QE_BAD_STATE;
	if (m->n_choices > ITEM_MAX_OPTIONS ||
	    strlen(m->text) > QUIZ_FILL_MAX ||
	    !text_utf8_valid(m->text, strlen(m->text)))
		return -QE_BAD_MESSAGE;
	for (i = 0; i < m->n_choices; i++) {
		if (m->choices[i] >= ITEM_MAX_OPTIONS ||
		    (mask & (1u << m->choices[i])))
			return -QE_BAD_MESSAGE;
		mask |= 1u << m->choices[i];
	}
	/* past the write queue's bound: refused before the room records it,
	 * so the contestant may answer again */
	if (!store_accepting(lr->hub->srv->store))
		return -QE_STORAGE_UNAVAILABLE;
	req.seq = seq;
	req.text = m->text[0] ? m->text : NULL;
	r = room_answer(lr->room, recv_us, ss->player, m->question_index, mask,
			m->text, seat_delay(lr, ss), &rt);
	if (r == 0)
		lroom_flush(lr, &req);
	return r;
}

int hub_resume(struct hub *h, struct session *ss, const char *token)
{
	struct seat_ref *ref = ref_find(h, token);
	struct lroom *lr;

	if (!ref || !ref->room)
		return 0;
	lr = ref->room;
	if (ref->player == 0) {
		ss->room = lr;
		host_take_seat(lr, ss);
		watcher_add(lr, ss);
		return 1;
	}
	if (room_player(lr->room, ref->player)->kicked)
		return 0;
	if (ref->player < lr->nseats && lr->seats[ref->player]) {
		/* the old connection is still around: the newer one wins; the
		 * old one is told why (Kicked, so it does not resume in turn)
		 * and closed */
		struct session *old = lr->seats[ref->player];
		Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__Kicked k = QUIZ__V1__KICKED__INIT;

		seat_keep_delay(lr, old);
		k.reason = "this seat was resumed from another connection";
		env.body_case = QUIZ__V1__ENVELOPE__BODY_KICKED;
		env.kicked = &k;
		session_send_env(old, &env);
		old->room = NULL;
		old->role = ROLE_NONE;
		conn_close(old->conn, 1);
	}
	seat(lr, ref->player, ss);
	return 1;
}

void hub_snapshot(struct hub *h, struct session *ss)
{
	(void)h;
	if (!ss->room)
		return;
	if (ss->role == ROLE_PLAYER)
		push_joined(ss->room, ss, 0);
	else
		push_watching(ss->room, ss, 0);
	push_catch_up(ss->room, ss);
}

void hub_detach(struct hub *h, struct session *ss)
{
	struct lroom *lr = ss->room;

	(void)h;
	if (!lr)
		return;
	if (lr->creator == ss)
		lr->creator = NULL;
	if (ss->role == ROLE_PLAYER) {
		if (ss->player < lr->nseats && lr->seats[ss->player] == ss) {
			seat_keep_delay(lr, ss);
			lr->seats[ss->player] = NULL;
			if (room_state(lr->room) == ROOM_LOBBY)
				gone_push(lr, ss->player);
		}
	} else {
		watcher_remove(lr, ss);
	}
	ss->room = NULL;
	ss->role = ROLE_NONE;
}

void hub_shutdown(struct hub *h)
{
	struct lroom *lr;

	for (lr = h->rooms; lr; lr = lr->next) {
		if (lr->finished_at || !lr->match_id)
			continue;
		store_match_interrupted(h->srv->store, lr->match_id);
		log_info(lr->tag, "match %llu interrupted",
			 (unsigned long long)lr->match_id);
	}
}

void hub_close(struct hub *h)
{
	struct lroom *lr;

	for (lr = h->rooms; lr; lr = lr->next) {
		uv_close((uv_handle_t *)&lr->timer, NULL);
		afterio_close(&lr->after_io, NULL, NULL);
		uv_close((uv_handle_t *)&lr->coalesce, NULL);
	}
}

void hub_free(struct hub *h)
{
	struct lroom *lr, *next;

	if (!h)
		return;
	for (lr = h->rooms; lr; lr = next) {
		next = lr->next;
		lroom_free(lr);
	}
	guard_free(h->guard);
	free(h->refs);
	free(h->pend);
	free(h);
}

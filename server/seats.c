/* Seats and their owners: the resume-token table, contestants' seats
 * (with the delay estimate a seat keeps across connections), lobby seats
 * left empty, the host seat and the watcher list. */
#include "hub.h"
#include "hub_int.h"
#include "push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "text.h"
#include "xalloc.h"

/* Reads a token hash's 64 hex digits into its bytes; -1 if it is not
 * that. */
static int ref_hash_bin(const char *hex, uint8_t out[TOKEN_HASH_HEX / 2])
{
	return text_hex_bytes(hex, TOKEN_HASH_HEX, out);
}

/* The home slot of a hash: its first bytes (SHA-256 spreads them). */
static size_t ref_home(const uint8_t *hash, size_t mask)
{
	uint64_t x;

	memcpy(&x, hash, sizeof(x));
	return (size_t)x & mask;
}

/* Whether two hashes are equal, in constant time. */
static bool ref_hash_eq(const uint8_t *a, const uint8_t *b)
{
	volatile uint8_t diff = 0;
	size_t i;

	for (i = 0; i < TOKEN_HASH_HEX / 2; i++)
		diff |= (uint8_t)(a[i] ^ b[i]);
	return diff == 0;
}

/* The slot of a binary hash in the index: the one holding its entry, or
 * the empty slot it would take. */
static size_t ref_slot(const struct hub *h, const uint8_t *hash)
{
	size_t mask = h->slotcap - 1, i;

	for (i = ref_home(hash, mask); h->slots[i]; i = (i + 1) & mask)
		if (ref_hash_eq(hash, h->refs[h->slots[i] - 1].hash))
			break;
	return i;
}

/* The seat a resume token was given for, by the token's hash, or NULL. */
struct seat_ref *seats_ref_find(struct hub *h, const char *hash)
{
	uint8_t bin[TOKEN_HASH_HEX / 2];
	size_t i;

	if (!h->slotcap || ref_hash_bin(hash, bin) < 0)
		return NULL;
	i = ref_slot(h, bin);
	return h->slots[i] ? &h->refs[h->slots[i] - 1] : NULL;
}

/* Puts a binary hash's seat in the table (the index has room). */
static void ref_put_bin(struct hub *h, const uint8_t *hash, struct lroom *lr,
			uint32_t player)
{
	size_t i = ref_slot(h, hash);
	struct seat_ref *r;

	if (!h->slots[i]) {
		if (h->nrefs == h->refcap) {
			/* doubles; the spare capacity stays untouched */
			h->refcap = h->refcap ? h->refcap * 2 : 256;
			h->refs =
			    xrealloc(h->refs, h->refcap * sizeof(*h->refs));
		}
		r = &h->refs[h->nrefs++];
		memcpy(r->hash, hash, sizeof(r->hash));
		h->slots[i] = (uint32_t)h->nrefs;
	} else {
		r = &h->refs[h->slots[i] - 1];
	}
	r->room = lr;
	r->player = player;
}

/* Rebuilds the token table with an index of slotcap slots, keeping only
 * the tokens whose room is live (a removed room's tokens go). */
static void seats_ref_rebuild(struct hub *h, size_t slotcap)
{
	size_t i, n = h->nrefs, k = 0;

	for (i = 0; i < n; i++)
		if (h->refs[i].room)
			h->refs[k++] = h->refs[i];
	free(h->slots);
	h->slotcap = slotcap;
	h->slots = xcalloc(h->slotcap, sizeof(*h->slots));
	h->nrefs = 0;
	for (i = 0; i < k; i++) {
		struct seat_ref e = h->refs[i]; /* put again at index i */

		ref_put_bin(h, e.hash, e.room, e.player);
	}
}

/* Gives the token of hash `hash` the seat (room, player; 0: the host).
 * The index is kept at most three quarters full. */
void seats_ref_put(struct hub *h, const char *hash, struct lroom *lr,
		   uint32_t player)
{
	uint8_t bin[TOKEN_HASH_HEX / 2];

	if (ref_hash_bin(hash, bin) < 0) {
		log_error("hub", "not a token hash: seat not recorded");
		return;
	}
	if ((h->nrefs + 1) * 4 > h->slotcap * 3)
		seats_ref_rebuild(h, h->slotcap ? h->slotcap * 2 : 256);
	ref_put_bin(h, bin, lr, player);
}

/* Remembers that a contestant's lobby seat emptied now. */
void seats_gone_push(struct lroom *lr, uint32_t pid)
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
bool seats_gone_evict_one(struct lroom *lr)
{
	while (lr->gone_head < lr->gone_len) {
		const struct gone *g = &lr->gone[lr->gone_head++];

		if (lr->gone_at[g->player] == g->at && !lr->seats[g->player] &&
		    room_leave(lr->room, net_now_us(), g->player) == 0) {
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
void seats_gone_expire(struct lroom *lr)
{
	int64_t now = net_now_us();
	int64_t grace = (int64_t)lr->hub->srv->cfg.lobby_grace_s * 1000000;

	while (lr->gone_head < lr->gone_len) {
		const struct gone *g = &lr->gone[lr->gone_head];

		if (room_state(lr->room) == ROOM_LOBBY && now - g->at < grace)
			break;
		if (room_state(lr->room) == ROOM_LOBBY &&
		    lr->gone_at[g->player] == g->at && !lr->seats[g->player] &&
		    room_leave(lr->room, net_now_us(), g->player) == 0)
			log_debug(lr->tag,
				  "player %u left the lobby: seat freed",
				  g->player);
		lr->gone_head++;
	}
	if (lr->gone_head == lr->gone_len)
		lr->gone_head = lr->gone_len = 0;
}
void seats_watcher_add(struct lroom *lr, struct session *ss)
{
	ss->wprev = NULL;
	ss->wnext = lr->watchers;
	if (lr->watchers)
		lr->watchers->wprev = ss;
	lr->watchers = ss;
}

void seats_watcher_remove(struct lroom *lr, struct session *ss)
{
	if (ss->wprev)
		ss->wprev->wnext = ss->wnext;
	else if (lr->watchers == ss)
		lr->watchers = ss->wnext;
	if (ss->wnext)
		ss->wnext->wprev = ss->wprev;
	ss->wprev = ss->wnext = NULL;
}

/* Grows the seat arrays to hold player ids below n. Capacity doubles,
 * but only the entries up to n are written: the rest of a large array
 * (mmap'd: see main.c) stays untouched and costs no resident memory. */
void seats_grow(struct lroom *lr, size_t n)
{
	size_t cap = lr->seatcap ? lr->seatcap : 64, old = lr->nseats;

	if (n <= old)
		return;
	if (n > lr->seatcap) {
		while (cap < n)
			cap *= 2;
		lr->seats = xrealloc(lr->seats, cap * sizeof(*lr->seats));
		lr->one_way = xrealloc(lr->one_way, cap * sizeof(*lr->one_way));
		lr->gone_at = xrealloc(lr->gone_at, cap * sizeof(*lr->gone_at));
		lr->answered_q =
		    xrealloc(lr->answered_q, cap * sizeof(*lr->answered_q));
		lr->sent = xrealloc(lr->sent, cap * sizeof(*lr->sent));
		lr->seatcap = cap;
	}
	memset(lr->seats + old, 0, (n - old) * sizeof(*lr->seats));
	memset(lr->one_way + old, 0, (n - old) * sizeof(*lr->one_way));
	memset(lr->gone_at + old, 0, (n - old) * sizeof(*lr->gone_at));
	memset(lr->answered_q + old, 0, (n - old) * sizeof(*lr->answered_q));
	memset(lr->sent + old, 0, (n - old) * sizeof(*lr->sent));
	lr->nseats = n;
}

/* Seats a session on a player id, growing the seat table. */
void seats_take(struct lroom *lr, uint32_t pid, struct session *ss)
{
	seats_grow(lr, (size_t)pid + 1);
	lr->seats[pid] = ss;
	lr->gone_at[pid] = 0;
	ss->room = lr;
	ss->player = pid;
	ss->role = ROLE_PLAYER;
}

/* Keeps a contestant connection's delay estimate with its seat as the
 * connection leaves it, for the connection that resumes the seat. */
void seats_keep_delay(struct lroom *lr, const struct session *ss)
{
	int64_t d = conn_remote_delay(ss->conn);

	if (ss->player >= lr->nseats)
		return;
	if (d >= 0)
		lr->one_way[ss->player] = d;
	else if (ss->cs.n)
		lr->one_way[ss->player] = clocksync_delays_one_way(&ss->cs);
}

/* The one-way delay that compensates a contestant's answer: its
 * connection's estimate (a remote peer's: its edge's); before a resumed
 * connection's first Pong (or its edge's first estimate), the one its seat
 * kept (a resume must not cost a contestant its uplink delay). */
int64_t seats_delay(const struct lroom *lr, const struct session *ss)
{
	int64_t d = conn_remote_delay(ss->conn); /* < 0 for a local one */

	if (d >= 0)
		return d;
	if (ss->player >= lr->nseats || (!conn_is_remote(ss->conn) && ss->cs.n))
		return clocksync_delays_one_way(&ss->cs);
	return lr->one_way[ss->player];
}

void seats_stamp_q(struct lroom *lr, uint32_t pid, uint32_t q, int64_t at,
		   bool resend)
{
	struct seat_sent *s;

	if (pid >= lr->nseats)
		return;
	s = &lr->sent[pid];
	if (s->q1 != q + 1) {
		s->q1 = q + 1;
		s->q_us = s->q_last_us = at;
	} else if (resend) {
		s->q_last_us = at;
	}
}

void seats_stamp_arm(struct lroom *lr, uint32_t pid, uint32_t q, uint32_t arm,
		     int64_t at)
{
	struct seat_sent *s;

	if (pid >= lr->nseats || !arm)
		return;
	s = &lr->sent[pid];
	if (s->arm_q1 != q + 1 || s->arm != arm) {
		s->arm_q1 = q + 1;
		s->arm = arm;
		s->arm_us = at;
	}
}

int64_t seats_q_sent(const struct lroom *lr, uint32_t pid, uint32_t q)
{
	if (pid >= lr->nseats || lr->sent[pid].q1 != q + 1)
		return 0;
	return lr->sent[pid].q_last_us;
}

int64_t seats_arm_sent(const struct lroom *lr, uint32_t pid, uint32_t q,
		       uint32_t arm)
{
	const struct seat_sent *s;

	if (pid >= lr->nseats)
		return 0;
	s = &lr->sent[pid];
	if (!arm) /* the first write: the buzzer's times move with a pause */
		return s->q1 == q + 1 ? s->q_us : 0;
	return s->arm_q1 == q + 1 && s->arm == arm ? s->arm_us : 0;
}

/* The newer host wins: any other connection in the host seat becomes a
 * screen, and is told so by an Error NOT_HOST push (seq 0, ref_seq 0). */
void seats_host_take(struct lroom *lr, struct session *ss)
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

bool seats_host_online(const struct lroom *lr)
{
	const struct session *w;

	for (w = lr->watchers; w; w = w->wnext)
		if (w->role == ROLE_HOST)
			return true;
	return false;
}

void seats_host_status(struct lroom *lr)
{
	bool on = seats_host_online(lr);

	if (on == lr->host_shown)
		return;
	lr->host_shown = on;
	log_info(lr->tag, "host %s", on ? "connected" : "gone");
	push_host_status(lr, NULL);
}

/* Forgets every token of a room being removed (the table is rebuilt
 * without them: it never only grows). */
void seats_ref_drop_room(struct hub *h, struct lroom *lr)
{
	size_t i;

	for (i = 0; i < h->nrefs; i++)
		if (h->refs[i].room == lr)
			h->refs[i].room = NULL;
	seats_ref_rebuild(h, h->slotcap);
}

bool hub_has_token_hash(struct hub *h, const char *hash)
{
	struct seat_ref *ref = seats_ref_find(h, hash);

	return ref && ref->room;
}

int hub_resume(struct hub *h, struct session *ss, const char *token)
{
	char hash[TOKEN_HASH_HEX + 1];
	struct seat_ref *ref;
	struct lroom *lr;

	token_hash_hex(token, hash);
	ref = seats_ref_find(h, hash);
	if (!ref || !ref->room)
		return 0;
	lr = ref->room;
	if (ref->player == 0) {
		ss->room = lr;
		seats_host_take(lr, ss);
		seats_watcher_add(lr, ss);
		seats_host_status(lr);
		return 1;
	}
	if (room_player(lr->room, ref->player)->kicked)
		return 0;
	if (ref->player < lr->nseats && lr->seats[ref->player]) {
		/* the old connection is still around: the newer one wins; the
		 * old one is told why (Kicked, so it does not resume in turn)
		 * and closed */
		struct session *old = lr->seats[ref->player];

		seats_keep_delay(lr, old);
		push_kicked(old,
			    "this seat was resumed from another connection");
		old->room = NULL;
		old->role = ROLE_NONE;
		conn_close(old->conn, 1);
	}
	seats_take(lr, ref->player, ss);
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
			seats_keep_delay(lr, ss);
			lr->seats[ss->player] = NULL;
			if (room_state(lr->room) == ROOM_LOBBY)
				seats_gone_push(lr, ss->player);
		}
	} else {
		seats_watcher_remove(lr, ss);
	}
	ss->room = NULL;
	ss->role = ROLE_NONE;
	ss->judge = false;
	seats_host_status(lr); /* the host seat may have emptied */
}

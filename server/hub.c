/* The hub: the registry of live rooms by code, and the completions of
 * store writes that acknowledgements, reveals and RoomCreated wait for.
 * Requests are in hub_req.c, seats in seats.c, a live room's effects and
 * timers in lroom.c. */
#include "hub.h"
#include "hub_int.h"
#include "push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "guard.h"
#include "log.h"
#include "practice_srv.h"
#include "room.h"
#include "roomcode.h"
#include "store.h"
#include "xalloc.h"

#define CODE_TRIES 16 /* random codes tried before SERVER_FULL */

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

/* ---- store completions ------------------------------------------------ */

/* Queues something that waits for the store (tokens rise, so FIFO). */
void hub_pend_push(struct hub *h, const struct pending *p)
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

/* The presses a buzzer change decided are stored: each presser is told
 * (BuzzResult), and the room owes everyone a BuzzState, sent once per
 * round of completions (hub_store_ready). lost: the presses could not be
 * written; the pressers get Error INTERNAL instead, and the room goes on. */
static void pend_buzz_done(struct hub *h, const struct pending *p, bool lost)
{
	struct lroom *lr = p->room;
	uint32_t i;

	if (lost)
		log_error(lr->tag, "%u press(es) on q%u not recorded",
			  (unsigned)p->npresses, (unsigned)p->q);
	for (i = 0; i < p->npresses; i++) {
		const struct room_press *pr = &p->presses[i];

		if (!lost)
			push_buzz_result(lr, p->q, pr);
		else if (pr->player < lr->nseats && lr->seats[pr->player])
			session_error(lr->seats[pr->player], -QE_INTERNAL, 0,
				      "the press could not be saved");
	}
	free(p->presses);
	lr->buzz_dirty = true;
	if (!lr->buzz_listed) {
		lr->buzz_listed = true;
		lr->buzz_next = h->buzz_dirty;
		h->buzz_dirty = lr;
	}
}

/* One pending item's commit is done: ack the answer, reveal, or announce
 * the room. lost: the store could never write it (a caller bug, logged and
 * counted by the store; quizd exits non-zero): the answer gets an Error
 * instead of an ack, and the room goes on. */
static void pend_done(struct hub *h, const struct pending *p, bool lost)
{
	struct lroom *lr = p->room;

	if (p->kind == PEND_PRACTICE) {
		practice_srv_done(p->practice, lost);
	} else if (p->kind == PEND_CREATED) {
		if (lost)
			log_error(lr->tag, "match %llu was not recorded",
				  (unsigned long long)lr->match_id);
		hub_send_room_created(lr);
	} else if (p->kind == PEND_WAGER) {
		if (!lost) {
			push_wager_ack(lr, p->player, p->q, p->stake, p->seq);
			return;
		}
		/* as for a lost answer: the staker is told, not acked */
		log_error(lr->tag, "stake of player %u on q%u lost",
			  (unsigned)p->player, (unsigned)p->q);
		if (p->player < lr->nseats && lr->seats[p->player])
			session_error(lr->seats[p->player], -QE_INTERNAL,
				      p->seq, "the stake could not be saved");
	} else if (p->kind == PEND_BUZZ) {
		pend_buzz_done(h, p, lost);
	} else if (p->kind == PEND_ACK) {
		if (p->player >= lr->nseats || !lr->seats[p->player])
			return;
		if (lost) {
			log_error(lr->tag, "answer of player %u to q%u lost",
				  (unsigned)p->player, (unsigned)p->q);
			session_error(lr->seats[p->player], -QE_INTERNAL,
				      p->seq, "the answer could not be saved");
			return;
		}
		push_answer_ack(lr->seats[p->player], p->q, p->rt_us,
				p->recv_us, p->seq);
	} else {
		if (lost)
			log_error(lr->tag, "close of q%u not recorded",
				  (unsigned)p->q);
		lroom_buzz_flush(lr); /* the buzzer's last word comes first */
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
	/* one BuzzState per room for all the changes just committed */
	while (h->buzz_dirty) {
		struct lroom *lr = h->buzz_dirty;

		h->buzz_dirty = lr->buzz_next;
		lr->buzz_next = NULL;
		lr->buzz_listed = false;
		lroom_buzz_flush(lr);
	}
}

/* ---- the registry ----------------------------------------------------- */

/* The live room of a code in canonical form, or NULL. */
struct lroom *hub_find_room(struct hub *h, const char *code)
{
	struct lroom *lr;

	for (lr = h->rooms; lr; lr = lr->next)
		if (strcmp(lr->code, code) == 0)
			return lr;
	return NULL;
}

bool hub_has_code(struct hub *h, const char *code)
{
	char canon[ROOMCODE_SIZE];

	return roomcode_normalize(code, canon) == 0 &&
	       hub_find_room(h, canon) != NULL;
}

/* A fresh random code no live room uses. Returns 0, or -QE_SERVER_FULL
 * after CODE_TRIES codes in use (max_rooms keeps that from happening: with
 * HUB_ROOMS_MAX rooms live a try collides with odds below 1e-8). */
int hub_new_code(struct hub *h, char out[ROOMCODE_SIZE])
{
	uint64_t x;
	int i;

	for (i = 0; i < CODE_TRIES; i++) {
		server_random(&x, sizeof(x));
		roomcode_format(x, out);
		if (!hub_find_room(h, out))
			return 0;
	}
	return -QE_SERVER_FULL;
}

/* A room lookup by a typed code, accounted per address: a failure spends
 * from the address's and the server's budget; over budget the code is not
 * even looked up. Returns 0 and sets *out, or -QE_RATE_LIMITED,
 * -QE_ROOM_NOT_FOUND. */
int hub_lookup_room(struct hub *h, struct session *ss, const char *code,
		    const char *what, struct lroom **out)
{
	const char *ip = conn_peer(ss->conn);
	char canon[ROOMCODE_SIZE];
	int64_t now = net_now_us();

	if (!guard_lookup_ok(h->guard, ip, now))
		return -QE_RATE_LIMITED;
	if (roomcode_normalize(code, canon) < 0 ||
	    !(*out = hub_find_room(h, canon))) {
		guard_lookup_failed(h->guard, ip, now, what);
		return -QE_ROOM_NOT_FOUND;
	}
	return 0;
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
	/* completions that never came: the presses they carried */
	for (; h->plen; h->plen--, h->phead = (h->phead + 1) % h->pcap) {
		free(h->pend[h->phead].presses);
		practice_srv_pend_free(h->pend[h->phead].practice);
	}
	guard_free(h->guard);
	free(h->refs);
	free(h->slots);
	free(h->pend);
	free(h);
}

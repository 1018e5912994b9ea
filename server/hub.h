/* Live rooms: the registry by code, the bridge from the pure room core to
 * messages (effects -> broadcasts), timers, and the store. Each function
 * that answers a request sends its own reply on success and returns 0, or
 * returns a negative quiz error code for the caller to send as Error. */
#ifndef QUIZ_HUB_H
#define QUIZ_HUB_H

#include <stdbool.h>
#include <stdint.h>

#include "contest.h"
#include "room.h"
#include "server.h"

/* Live rooms at most, whatever --max-rooms says: far below the 2^40 codes,
 * so that codes cannot be found by guessing (docs/PROTOCOL.md) and a fresh
 * random code is almost never taken. */
#define HUB_ROOMS_MAX 10000

/* Creates the hub; clamps srv->cfg.max_rooms to HUB_ROOMS_MAX. */
struct hub *hub_new(struct server *srv);
/* quizd is stopping: every match still running is recorded as
 * interrupted (before hub_close). */
void hub_shutdown(struct hub *h);
/* Closes every room's timers (libuv handles). */
void hub_close(struct hub *h);
/* Frees the hub and its rooms after the loop has closed their handles.
 * Accepts NULL. */
void hub_free(struct hub *h);
/* The code of a live room. */
const char *hub_room_code(const struct lroom *r);

/* The requests, as the session decoded and checked them (protobuf stops at
 * the session: server/decode.h). */
struct hub_create {
	struct room_settings settings; /* normalized; seed 0: pick one */
	const struct contest *contest; /* normalized; the room copies it */
	const char *contest_text;      /* the file as sent, or NULL */
	const char *host_key;	       /* "" when none was sent */
	uint32_t seq;
};
struct hub_join {
	const char *code, *nickname, *team;
	uint32_t seq;
	char *why; /* a refusal may write its sentence here (why_cap bytes) */
	size_t why_cap;
};

int hub_create_room(struct hub *h, struct session *ss,
		    const struct hub_create *req);
int hub_join(struct hub *h, struct session *ss, const struct hub_join *req);
/* host_token "" watches as a screen; judge_token (with host_token "") as
 * a judge, a screen that may rule. */
int hub_watch(struct hub *h, struct session *ss, const char *code,
	      const char *host_token, const char *judge_token, uint32_t seq);
int hub_command(struct hub *h, struct session *ss, enum room_cmd cmd,
		uint32_t player, uint32_t seq);
/* choice_mask: bit i for display option i; text: FILL answer or NULL. */
int hub_answer(struct hub *h, struct session *ss, uint32_t q,
	       uint32_t choice_mask, const char *text, int64_t recv_us,
	       uint32_t seq);
int hub_wager(struct hub *h, struct session *ss, uint32_t q, int32_t stake,
	      uint32_t seq);
/* A press of the buzzer received at recv_us (kernel time). No reply on
 * success: BuzzResult and BuzzState follow the decision. */
int hub_buzz(struct hub *h, struct session *ss, uint32_t q, int64_t recv_us,
	     uint32_t seq);
/* A ruling, from the host or a judge (else -QE_NOT_JUDGE); Ok on success. */
struct hub_verdict {
	uint32_t q;
	uint32_t item; /* ROOM_VERDICT_REST: the rest as suggested */
	bool correct;
};
int hub_verdict(struct hub *h, struct session *ss, const struct hub_verdict *v,
		uint32_t seq);

/* Takes back the seat that token was given for, found by the token's
 * SHA-256 (the table holds hashes only, also those of the seats a rebuilt
 * room read from the store; the host token of RoomCreated names the host
 * seat). Returns 1 if a seat was found (ss is attached to it), 0 if not. */
int hub_resume(struct hub *h, struct session *ss, const char *token);
/* Whether this quizd has the live room of a code (typed leniently), or a
 * seat for the token whose hash is given (64 hex digits): what an owner
 * answers to an edge's WHO (docs/CLUSTER.md, "Routing"). */
bool hub_has_code(struct hub *h, const char *code);
bool hub_has_token_hash(struct hub *h, const char *hash);
/* Sends a resumed session what it needs to redraw: the room, and the open
 * question if any. */
void hub_snapshot(struct hub *h, struct session *ss);
/* The session is closing: free its seat for a later resume. */
void hub_detach(struct hub *h, struct session *ss);
/* Whether ss is a contestant whose room has a question open that it has
 * not answered yet: its answer may come any moment, and bytes that follow
 * it in the kernel's queue before the loop reads it (a Pong) would date it
 * late, so refresh pings wait (server/session.c). */
bool hub_answer_window(const struct session *ss);

/* The store reported commits: ack answers and reveal closed questions. */
void hub_store_ready(struct hub *h);

/* Start-up, before listening (server/rebuild.c): rebuilds every match the
 * store left 'running' or 'interrupted' as a live room under its code, by
 * replaying its events (docs/PROTOCOL.md, "Restart"). Returns how many
 * rooms were rebuilt; *failed counts the matches that could not be (left
 * as they are, logged). */
int hub_rebuild(struct hub *h, uint32_t *failed);

/* Counters for logs and tests. */
uint32_t hub_room_count(const struct hub *h);

#endif

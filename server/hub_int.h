/* Private to the hub and push modules: the live room and hub structs. */
#ifndef QUIZ_HUB_INT_H
#define QUIZ_HUB_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "guard.h"
#include "afterio.h"
#include "room.h"
#include "roomcode.h"
#include "server.h"
#include "tokenhash.h"

/* What waits for a commit: an AnswerAck, a reveal, a RoomCreated, a
 * WagerAck, the BuzzResults and BuzzState of a buzzer change, a practice
 * reply (PracticeResult, the PracticeReady of a new person). */
enum pend_kind {
	PEND_ACK,
	PEND_CLOSED,
	PEND_CREATED,
	PEND_WAGER,
	PEND_BUZZ,
	PEND_PRACTICE
};

struct practice_pend;

/* Something waiting for the store to commit (FIFO: tokens rise). */
struct pending {
	uint64_t token;
	enum pend_kind kind;
	struct lroom *room;
	uint32_t player, q, seq;
	int64_t rt_us, recv_us;
	int32_t stake;
	/* PEND_BUZZ: copies of the presses the change decided (heap, freed
	 * when done) */
	struct room_press *presses;
	uint32_t npresses;
	/* PEND_PRACTICE: the reply (server/practice_srv.c; room is NULL) */
	struct practice_pend *practice;
};

/* When the question, and the arming of a rebound, reached a seat: the
 * first write of each to any connection of the seat (so a connection that
 * resumes the seat does not restart the clock), and for answers the
 * room's latest send of the question (its re-send after a pause: the core
 * times from the resume). sent_us of answers and presses. */
struct seat_sent {
	uint32_t q1;	   /* q + 1 of the question stamped, 0 none */
	int64_t q_us;	   /* its first write */
	int64_t q_last_us; /* its latest write by the room (not a catch-up) */
	uint32_t arm_q1;   /* q + 1 of the rebound stamped, 0 none */
	uint32_t arm;	   /* which arming (> 0) */
	int64_t arm_us;	   /* the first write of a BuzzState of it */
};

/* The request whose effects are being flushed: its seq (for replies that
 * wait for a commit) and an answer's FILL text. */
struct lroom_req {
	uint32_t seq;
	const char *text;
};

/* A lobby seat that emptied at `at`: freed after the grace period unless
 * its owner came back (gone_at[player] no longer equals at). */
struct gone {
	uint32_t player;
	int64_t at;
};

struct lroom {
	struct hub *hub;
	struct lroom *next;
	struct room *room;
	char code[ROOMCODE_SIZE]; /* grouped: "ABCD-EFGH" */
	char tag[12];
	char owner[48]; /* the creator's address (rooms per address) */
	struct guard_count *joins; /* joins per address */
	int64_t *gone_at;	   /* by player id: when the seat emptied in
				      the lobby, 0 if it did not */
	struct gone *gone;	   /* FIFO of lobby seats emptied */
	size_t gone_head, gone_len, gone_cap;
	/* the core's internal host token (room_command); never leaves quizd
	 * for a rebuilt room */
	char host_token[QUIZ_TOKEN_BUF];
	/* JUDGE_TOKEN_SYMBOLS symbols; "" for a rebuilt room (only its hash
	 * survives a restart) */
	char judge_token[QUIZ_TOKEN_BUF];
	/* hashes of the host token of RoomCreated (WatchRoom host_token) and
	 * of the judge token, as the store keeps them */
	char host_hash[TOKEN_HASH_HEX + 1];
	char judge_hash[TOKEN_HASH_HEX + 1];
	bool host_shown; /* the HostStatus last broadcast */
	uint64_t match_id;
	uint32_t formats; /* bit (1 << format) of every round's format */
	bool ended_by_host;
	struct session *creator; /* until RoomCreated went out (NULL: gone) */
	uint32_t create_seq;
	uint32_t
	    closed_ready; /* q + 1 committed while held: reveal on release */
	struct session **seats; /* by player id; NULL while disconnected */
	/* by player id: the one-way delay estimate of the seat's last
	 * connection, which compensates a resumed connection's answers until
	 * it has an estimate of its own */
	int64_t *one_way;
	uint32_t *answered_q;	/* by player id: q + 1 of the player's own last
				   accepted answer (Result.answered) */
	struct seat_sent *sent; /* by player id */
	size_t nseats;		/* ids below this are valid (zeroed) */
	size_t seatcap;		/* allocated; only [0, nseats) touched */
	struct session *watchers; /* host, judges and screens */
	/* the largest one-way delay of the connected contestants (a press's
	 * bound_us), refreshed at each buzz question and once a second while
	 * one is open, never walked per press */
	int64_t bound_us;
	bool buzz_dirty;	 /* a BuzzState is due (hub_store_ready) */
	bool buzz_listed;	 /* on hub.buzz_dirty */
	struct lroom *buzz_next; /* the hub's list of rooms owing one */
	uint32_t judging_q1;	 /* q + 1 whose JUDGING was announced */
	uv_timer_t timer;
	struct afterio after_io; /* the due tick, after the iteration's reads */
	uv_timer_t coalesce;
	unsigned ticks;
	int64_t finished_at; /* 0 while the match runs */
	int64_t idle_since;  /* nobody connected since then; 0: someone is */
	int closing_handles; /* removal: handles still closing */
};

/* A resume token's hash (SHA-256: tokens are never kept in clear, so the
 * table can be rebuilt from the store after a restart), in binary (the
 * store and the API speak its 64 hex digits), and the seat it was given
 * for. 48 bytes: the table holds one per contestant. */
struct seat_ref {
	uint8_t hash[TOKEN_HASH_HEX / 2];
	struct lroom *room; /* NULL: revoked */
	uint32_t player;    /* 0 for the host */
};

struct hub {
	struct server *srv;
	struct lroom *rooms;
	uint32_t nrooms;
	/* the resume table: entries in the order given (refcap allocated),
	 * and an open-addressing index of them by token hash (slots[i] - 1
	 * is an entry, 0 a free slot): 48 bytes an entry and 4 a slot, not
	 * 48 bytes a slot */
	struct seat_ref *refs;
	size_t nrefs, refcap;
	uint32_t *slots;
	size_t slotcap;
	struct pending *pend; /* ring */
	size_t phead, plen, pcap;
	uint64_t next_token;
	struct guard *guard;	  /* per-address accounting */
	struct lroom *buzz_dirty; /* rooms owing a BuzzState */
};

/* hub.c */
void hub_pend_push(struct hub *h, const struct pending *p);
struct lroom *hub_find_room(struct hub *h, const char *code);
int hub_new_code(struct hub *h, char out[ROOMCODE_SIZE]);
/* A room lookup by a typed code, accounted per address: a failure spends
 * from the address's and the server's budget; over budget the code is not
 * even looked up. Returns 0 and sets *out, or -QE_RATE_LIMITED,
 * -QE_ROOM_NOT_FOUND. */
int hub_lookup_room(struct hub *h, struct session *ss, const char *code,
		    const char *what, struct lroom **out);

/* hub_req.c */
void hub_send_room_created(struct lroom *lr);

/* Judge tokens: 16 Crockford base32 symbols (80 bits), typed by people:
 * read like room codes (any case, O as 0, I and L as 1, '-' and spaces
 * skipped). */
#define JUDGE_TOKEN_SYMBOLS 16

/* lroom.c */
void lroom_start(struct lroom *lr);
/* Refreshes lr->bound_us from the connected contestants' delays. */
void lroom_bound_refresh(struct lroom *lr);
/* Sends the BuzzState owed by a room whose buzzer changed (buzz_dirty). */
void lroom_buzz_flush(struct lroom *lr);
void lroom_flush(struct lroom *lr, const struct lroom_req *req);
void lroom_free(struct lroom *lr);

/* Persists a finished match's results and marks it finished (FX_FINISHED,
 * or a rebuilt room whose replay reached the end). */
void lroom_finish(struct lroom *lr);
/* A new live room on code, with its guard accounting: not started. */
struct lroom *lroom_alloc(struct hub *h, const char *code, const char *owner);

/* seats.c: the resume table is keyed by the hash of the token
 * (token_hash_hex: 64 lowercase hex digits; seats_ref_find finds nothing
 * for other text, and seats_ref_put ignores it) */
struct seat_ref *seats_ref_find(struct hub *h, const char *hash);
void seats_ref_put(struct hub *h, const char *hash, struct lroom *lr,
		   uint32_t player);
/* Grows the seat arrays to hold player ids below n. */
void seats_grow(struct lroom *lr, size_t n);
/* Tells contestants and screens whether a host is connected, if that
 * changed since the last time (HostStatus). */
void seats_host_status(struct lroom *lr);
/* Whether a connection holds the host seat. */
bool seats_host_online(const struct lroom *lr);
void seats_ref_drop_room(struct hub *h, struct lroom *lr);
void seats_take(struct lroom *lr, uint32_t pid, struct session *ss);
void seats_keep_delay(struct lroom *lr, const struct session *ss);
/* The one-way delay that compensates a contestant's answer: its
 * connection's estimate; before a resumed connection's first Pong, the one
 * its seat kept. */
int64_t seats_delay(const struct lroom *lr, const struct session *ss);
/* When the arming the player may press on now reached its seat (the
 * question's first write for arming 0, the BuzzState's for a rebound); 0
 * if unknown. And when question q last reached it from the room (answers:
 * the re-send after a pause counts, a catch-up of a resumed connection
 * does not). */
int64_t seats_arm_sent(const struct lroom *lr, uint32_t pid, uint32_t q,
		       uint32_t arm);
int64_t seats_q_sent(const struct lroom *lr, uint32_t pid, uint32_t q);
/* A write of question q (or of a BuzzState of rebound arm > 0 of q) to a
 * seat's connection at `at`; only the first of each is kept, but for
 * answers a send to the whole room (resend: not a catch-up) moves the
 * question's latest write. */
void seats_stamp_q(struct lroom *lr, uint32_t pid, uint32_t q, int64_t at,
		   bool resend);
void seats_stamp_arm(struct lroom *lr, uint32_t pid, uint32_t q, uint32_t arm,
		     int64_t at);
void seats_host_take(struct lroom *lr, struct session *ss);
void seats_watcher_add(struct lroom *lr, struct session *ss);
void seats_watcher_remove(struct lroom *lr, struct session *ss);
void seats_gone_push(struct lroom *lr, uint32_t pid);
bool seats_gone_evict_one(struct lroom *lr);
void seats_gone_expire(struct lroom *lr);

#endif

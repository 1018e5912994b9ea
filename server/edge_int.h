/* Private to quizd --edge: edge.c (contestants: sockets, clock sync, the
 * Welcome it gives) and edge_owner.c (owners: their batches, beats and
 * clocks, routing a contestant to the owner of its room). */
#ifndef QUIZ_EDGE_INT_H
#define QUIZ_EDGE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "bucket.h"
#include "clocksync.h"
#include "cluster.h"
#include "cluster_wire.h"
#include "edge.h"
#include "idmap.h"
#include "net.h"
#include "nlink.h"

/* A WHO unanswered this long: the contestant goes to the default owner
 * (which answers ROOM_NOT_FOUND, or a new session for an unknown token). */
#define EDGE_WHO_WAIT_US 300000
/* An answered room code is kept this long (a join storm asks once). */
#define EDGE_CODE_TTL_US 5000000
#define EDGE_CODES	 64
/* What a contestant may send while its route is asked for. */
#define EDGE_HELD_MAX 8

/* One owner node, as this edge knows it. */
struct eowner {
	struct eowner *next;
	struct edge *e;
	char name[CW_NAME_MAX + 1];
	char subject[sizeof(CLUSTER_SUBJ_NODE) + CW_NAME_MAX + 1];
	uint64_t epoch; /* 0 until heard */
	int64_t heard_at;
	bool alive; /* answered a beat since the link came up */
	/* its clock: offset from ours (lowest round trip of the beats) and
	 * the bound of that offset's error (half the round trip) */
	struct clocksync cs;
	int64_t offset, offset_err;
	struct cw_buf out; /* the batch to it */
	size_t beat_rec;   /* where the batch's BEAT is, 0 none */
	uint32_t nconns;   /* contestants routed to it */
};

/* A frame held while the contestant's route is asked for. */
struct held {
	int64_t recv_us; /* local clock */
	uint32_t len;
	uint8_t *payload;
};

enum econn_state {
	EC_NEW,	     /* nothing yet */
	EC_ASKING,   /* a WHO is out: frames are held */
	EC_WELCOMED, /* the edge's own Welcome given: no route yet */
	EC_ROUTED    /* relayed to owner */
};

struct econn {
	struct conn *c;
	struct eowner *owner; /* EC_ROUTED */
	enum econn_state state;
	uint64_t qid; /* EC_ASKING: the WHO it waits for */
	/* the Hello, kept until routed; and whether the edge welcomed it
	 * (then the owner adopts token and its own Welcome is dropped) */
	struct held hello;
	bool edge_welcome, drop_welcome;
	uint8_t token[CW_TOKEN_RAW];
	struct held *held; /* EDGE_HELD_MAX, allocated at the first held */
	uint8_t nheld;
	struct clocksync_delays cs;
	struct bucket pings; /* Pings it may send */
	int64_t ping_t0;     /* our Ping awaiting its Pong (local clock) */
	int64_t ping_at;     /* when the last went out, or the open */
	unsigned pongs;
	uint8_t pings_lost;
	bool welcomed;	   /* a Welcome reached it: pings may start */
	bool ending;	   /* an Error sent (edge_fail), the close under way */
	bool q_open;	   /* a Question reached it, no answer or Reveal yet */
	int64_t reveal_at; /* the last Question's reveal_at (owner clock) */
};

/* A WHO out: its key, and which owner answered (or none yet). */
struct equery {
	uint64_t qid;
	enum cw_who kind;
	char key[CW_KEY_MAX + 1];
	int64_t at;
	uint64_t hashed; /* a code's key hash in qcodes, 0 if not there */
	uint64_t *eids;	 /* the contestants waiting on it */
	size_t n, cap;
};

struct ecode {
	char code[CW_KEY_MAX + 1];
	struct eowner *owner;
	int64_t until;
};

struct edge {
	uv_loop_t *loop;
	const struct edge_options *o;
	struct net *net;
	struct nlink *l;
	uint64_t epoch;
	struct idmap conns; /* conn id -> struct econn */
	struct eowner *owners, *dflt;
	struct cw_buf who; /* the batch of WHOs */
	struct equery *queries;
	size_t nqueries, capq;
	/* qid -> index + 1 in queries, and a pending code's key hash ->
	 * the same: a storm of resumes (each its own question) or of joins
	 * finds its query without walking the others */
	struct idmap qids, qcodes;
	uint64_t next_qid;
	struct ecode codes[EDGE_CODES];
	uv_check_t flush;
	uv_idle_t kick;
	uv_timer_t tick, beat, stop;
	uv_signal_t sig_int, sig_term;
	struct wbuf *notices[NET_NOTICE_COUNT];
	bool stopping;
	int64_t stop_deadline;
	uint64_t frames_in, frames_out, routed_away;
};

/* edge.c */
void edge_send_env(struct econn *ec, const void *env);
/* Answers the Pings held while the contestant had no route. */
void edge_answer_held_pings(struct edge *e, struct econn *ec);
/* Every contestant (of owner o, or all if NULL) is closed: their sessions
 * there are gone; they come back with their resume tokens. */
void edge_close_all(struct edge *e, struct eowner *o, const char *why);

/* edge_owner.c */
struct eowner *eowner_get(struct edge *e, const char *name);
/* Makes room in o's batch for a record (its header, the idle kick). */
void eowner_begin(struct eowner *o);
void edge_flush_all(struct edge *e);
void edge_beat_all(struct edge *e);
/* Relays one of the contestant's frames to its owner. */
void edge_relay(struct edge *e, struct econn *ec, const uint8_t *payload,
		size_t len, int64_t recv_us);
/* Decides where a contestant goes at a frame that names a room or a
 * token (or any other first request); see docs/CLUSTER.md, "Routing". */
void edge_route_by(struct edge *e, struct econn *ec, enum cw_who kind,
		   const char *key);
void edge_route(struct edge *e, struct econn *ec, struct eowner *o);
/* Holds a frame while the route is asked for; false if full. */
bool edge_hold(struct econn *ec, const uint8_t *payload, size_t len,
	       int64_t recv_us);
void edge_release(struct econn *ec);
/* WHOs past EDGE_WHO_WAIT_US: their contestants go to the default owner. */
void edge_queries_expire(struct edge *e, int64_t now);
void on_owner_msg(const uint8_t *data, size_t len, void *arg);
void edge_owners_free(struct edge *e);

#endif

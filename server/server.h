/* quizd internals shared by the session (per-connection dispatch) and hub
 * (live rooms) modules. Layering: net (sockets, frames) -> session (decode,
 * validate, dispatch) -> hub (rooms, effects to messages, store) -> room
 * (pure core) / store. */
#ifndef QUIZ_SERVER_H
#define QUIZ_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "afterio.h"
#include "bucket.h"
#include "clocksync.h"
#include "item.h"
#include "net.h"
#include "quiz_limits.h"
#include "quiz.pb-c.h"

struct store;
struct hub;
struct lroom;
struct pconn;
struct practice_srv;

struct server_config {
	uint32_t max_conns;
	uint32_t max_conns_per_addr; /* a hall behind one NAT shares one */
	uint32_t conn_rate_per_addr; /* new connections a second from one
					address after a burst of 20 s worth */
	size_t max_out_bytes;
	size_t max_in_bytes;	   /* partial frames, all connections */
	uint32_t hello_timeout_ms; /* Hello must come within this */
	uint32_t frame_timeout_ms; /* a frame begun must end within this */
	uint32_t ping_timeout_ms;  /* a Ping unanswered this long is lost;
				      PING_LOST_MAX lost in a row close */
	uint32_t max_rooms;
	uint32_t rate_per_sec; /* requests per second per connection */
	uint32_t rate_burst;
	uint32_t room_linger_s;	 /* a finished room is forgotten after this */
	uint32_t lobby_grace_s;	 /* a lobby seat left empty is freed after */
	uint32_t joins_per_addr; /* joins from one address into one room */
	uint32_t rooms_per_addr; /* live rooms created from one address */
	const char *host_key;	 /* CreateRoom must carry it; NULL: no key */
	int64_t comp_cap_us;	 /* compensation cap of the rooms created */
	/* quizd --interrupted void: a question open when quizd stopped is
	 * voided in the rebuilt room (default false: it continues with the
	 * time it had left) */
	bool void_interrupted;
	/* practice: where calendar days start, seconds east of UTC (quizd
	 * --utc-offset; default the local time zone's) */
	int32_t utc_offset_s;
};

/* Fills the defaults documented in README (quizd --help). */
void server_config_default(struct server_config *c);

enum session_role { ROLE_NONE, ROLE_PLAYER, ROLE_HOST, ROLE_SCREEN };

/* One connection's protocol state. Ordered to leave no padding: there is
 * one per contestant (docs/BENCHMARKS.md, "Memory per contestant"). */
struct session {
	struct conn *conn;
	struct server *srv;
	int64_t ping_t0; /* Ping awaiting its Pong, 0 if none */
	/* when the last Ping was sent; before Hello (no Ping yet), when the
	 * connection opened: the Hello deadline counts from it */
	int64_t ping_at;
	struct bucket rate; /* requests it may make now */
	struct lroom *room;
	struct session *wprev, *wnext; /* room watcher list (host, screens) */
	struct pconn *practice; /* practising (server/practice_srv.c): in no
				   room */
	/* resume token given in Welcome, raw (session_token_hex writes its
	 * QUIZ_TOKEN_HEX digits) */
	uint8_t token[QUIZ_TOKEN_HEX / 2];
	struct clocksync_delays cs; /* this peer's delays */
	unsigned pongs;
	uint32_t player;
	uint32_t formats;   /* bit (1 << RoundFormat) the client plays */
	uint8_t role;	    /* enum session_role */
	uint8_t pings_lost; /* in a row; a Pong resets it */
	uint8_t strikes;    /* RATE_LIMITED in a row; too many close */
	bool hello;
	bool ending; /* session_fail ran: the close is under way */
	bool judge;  /* ROLE_SCREEN with the judge token: may rule */
};

struct server {
	uv_loop_t *loop;
	struct server_config cfg;
	struct net *net;
	struct store *store;
	const struct bank *bank;
	struct hub *hub;
	struct practice_srv *practice; /* persons and their practice state */
	uv_timer_t ping_timer;
	struct afterio ping_after_io; /* pings go out after the reads */
	uint32_t nsessions;
	struct wbuf *notices[NET_NOTICE_COUNT]; /* packed Errors net sends */
	char listen_host[256];			/* as given to server_listen */
	int listen_port;			/* the port bound */
};

/* session.c */
struct server *server_new(uv_loop_t *loop, const struct server_config *cfg,
			  struct store *store, const struct bank *bank);
int server_listen(struct server *s, const char *host, int port, int *bound);
/* The server is stopping: running matches are recorded as interrupted and
 * every peer gets Error{SHUTTING_DOWN} (packed once) and a graceful close.
 * The loop keeps running so that the goodbyes are written. */
void server_shutdown(struct server *s);
/* Closes the listener, every connection and every room's handles. Run the
 * loop until it returns, then server_free(). */
void server_close(struct server *s);
/* Frees the server and its rooms once the loop has no handles of it left.
 * Accepts NULL. */
void server_free(struct server *s);

/* Sends a packed frame to one session (drops a slow peer). */
void session_send(struct session *ss, struct wbuf *b);
/* Several frames in one write when nothing is queued (net.h conn_sendv). */
void session_sendv(struct session *ss, struct wbuf *const *bs, unsigned n);
/* Packs env (seq given) and sends it to one session. */
void session_send_env(struct session *ss, Quiz__V1__Envelope *env);
/* Sends Error{code, message, ref_seq} in an envelope whose seq is ref_seq
 * too (the refused request's seq; 0 for a push). */
void session_error(struct session *ss, int code, uint32_t ref_seq,
		   const char *msg);

/* Writes a session's resume token as QUIZ_TOKEN_HEX lowercase hex digits
 * and a NUL. */
void session_token_hex(const struct session *ss, char out[QUIZ_TOKEN_BUF]);

/* Fills buf with n bytes of system randomness (aborts if there is none:
 * codes and tokens must not be guessable). */
void server_random(void *buf, size_t n);
/* Writes 2 * nbytes random hex digits and a NUL to out (nbytes <= 32). */
void server_random_hex(char *out, size_t nbytes);

/* Packs a push (seq 0) once into a shareable buffer; NULL if too large. */
struct wbuf *server_pack(const Quiz__V1__Envelope *env);
/* The net limits of a configuration, and the Errors net sends when it
 * refuses or ends a connection itself (quizd and quizd --edge). */
void server_net_limits(const struct server_config *cfg, struct net_limits *lim);
void server_notices_pack(struct wbuf *notices[NET_NOTICE_COUNT]);
/* An Error push (seq 0) of code (an internal QE_ code) and msg, packed. */
struct wbuf *server_error_pack(int code, const char *msg);
/* Logs that c is being ended with code: at debug for a timeout (what a
 * flood of idle peers makes), else at info. */
void server_log_closing(struct conn *c, int code, const char *msg);
/* A new reference to the Error of notice what (net's notice callback). */
struct wbuf *server_notice(struct wbuf *const notices[NET_NOTICE_COUNT],
			   enum net_notice what);

#endif

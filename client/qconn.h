/* Client side of the quiz protocol over one libuv TCP connection, shared by
 * quiz-bench and the terminal client. It owns the socket, the framing and
 * the protocol housekeeping (Hello, Ping/Pong clock sync) and hands every
 * other decoded Envelope to the caller. Its Hello lists the round formats
 * the caller plays (qconn_options.formats): by default SPEED, REQUIRED and
 * WAGER, which both clients play; quiz adds BUZZ.
 *
 * Lifecycle: qconn_new() -> qconn_configure() (optional) -> qconn_connect()
 * -> ... -> qconn_close(). The memory is released only after libuv has
 * closed the handles: cb->on_close runs, then the qconn is freed, so the
 * pointer must not be used after on_close returns. on_close runs exactly
 * once for every qconn that was created, whatever the reason of the close.
 *
 * Clocks: "local" times are this process's monotonic clock in microseconds
 * (qconn_now_us(), i.e. uv_hrtime() / 1000); "server" times are the
 * server's, as carried in *_us fields. The clock sync converts between them.
 *
 * The library writes with write(2): a process using it should ignore
 * SIGPIPE. It prints nothing. */
#ifndef QUIZ_QCONN_H
#define QUIZ_QCONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "quiz.pb-c.h"

struct qconn;

struct qconn_callbacks {
	/* The TCP connect finished: status 0 (Hello has been queued) or a
	 * negative libuv error, in which case the connection is being closed
	 * and on_close follows. Optional. */
	void (*on_connect)(struct qconn *c, int status);
	/* One decoded envelope from the server, Ping and Pong excepted (they
	 * are answered and consumed here). Welcome is passed on after its
	 * session and resume token are stored. recv_us is the local clock when
	 * the bytes were read. env is freed when the callback returns. The
	 * callback may call qconn_send() and qconn_close(). */
	void (*on_message)(struct qconn *c, const Quiz__V1__Envelope *env,
			   uint64_t recv_us);
	/* The connection is closed. reason: 0 after qconn_close(), UV_EOF
	 * when the server closed it, -QE_BAD_FRAME / -QE_BAD_MESSAGE when the
	 * server sent something we refuse, or a negative libuv error. c is
	 * freed right after the callback returns. Optional. */
	void (*on_close)(struct qconn *c, int reason);
};

struct qconn_options {
	const char *client; /* Hello.client, at most 64 bytes; NULL:
			       "quizclient/VERSION" */
	const char
	    *resume_token;   /* Hello.resume_token; NULL or "": new session */
	unsigned ping_burst; /* Pings right after Welcome (default 5) */
	unsigned ping_burst_ms;	   /* spacing of those (default 50) */
	unsigned ping_interval_ms; /* then one every this often (default 2000);
				      0: none */
	size_t out_cap; /* cap on queued output bytes (default 1 MiB) */
	/* Hello.formats as bits QCONN_FORMAT(quiz.v1.RoundFormat); 0:
	 * QCONN_FORMATS_DEFAULT (SPEED, REQUIRED, WAGER) */
	unsigned formats;
};

#define QCONN_FORMAT(f) (1u << (unsigned)(f))
#define QCONN_FORMATS_DEFAULT                                                  \
	(QCONN_FORMAT(QUIZ__V1__ROUND_FORMAT__SPEED) |                         \
	 QCONN_FORMAT(QUIZ__V1__ROUND_FORMAT__REQUIRED) |                      \
	 QCONN_FORMAT(QUIZ__V1__ROUND_FORMAT__WAGER))

/* Local monotonic clock in microseconds (uv_hrtime() / 1000). */
uint64_t qconn_now_us(void);

#define QCONN_BACKOFF_MIN_MS 500  /* the shortest wait before a retry */
#define QCONN_BACKOFF_MAX_MS 8000 /* the cap doubles up to this */

/* The wait before the next reconnect attempt, in ms: full jitter, a
 * random time between QCONN_BACKOFF_MIN_MS and *cap_ms, which then
 * doubles (up to QCONN_BACKOFF_MAX_MS), so that the clients of a
 * restarted server do not all come back at the same instant. rng is the
 * caller's draw_rand state. */
unsigned qconn_backoff(unsigned *cap_ms, uint64_t *rng);

/* Parses "HOST:PORT" where HOST is an IPv4 literal, an IPv6 literal in
 * brackets ("[::1]:7878") or "localhost" (127.0.0.1). Returns 0 and fills
 * *out, or -EINVAL. */
int qconn_parse_addr(const char *hostport, struct sockaddr_storage *out);

/* Allocates a connection on loop with the given callbacks (copied) and user
 * data. Returns NULL on failure (nothing to close then). */
struct qconn *qconn_new(uv_loop_t *loop, const struct qconn_callbacks *cb,
			void *data);

/* Sets options before qconn_connect(); strings are copied. Fields left 0 or
 * NULL keep their defaults. Returns 0, -EBUSY once connecting, or -EINVAL
 * when a string is too long. */
int qconn_configure(struct qconn *c, const struct qconn_options *opt);

/* Starts connecting to addr. On failure (returned as a negative libuv
 * error) nothing is closed: call qconn_close(). On success the outcome is
 * reported through on_connect / on_close. */
int qconn_connect(struct qconn *c, const struct sockaddr *addr);

/* Packs env (its seq is set here), queues the write and returns the seq
 * (>= 1). Returns -EPIPE when closing, -QE_BAD_FRAME if the message does
 * not fit a frame, -ENOBUFS when the queued output would pass the cap, or
 * a negative libuv error. The caller keeps ownership of env. */
int64_t qconn_send(struct qconn *c, Quiz__V1__Envelope *env);

/* Closes the connection (idempotent); on_close(c, 0) follows from the loop
 * unless a close was already under way. Accepts NULL. */
void qconn_close(struct qconn *c);
/* Same as qconn_close(): the memory is freed from the close callback, as
 * libuv requires. Accepts NULL. */
void qconn_free(struct qconn *c);

void *qconn_data(const struct qconn *c);
void qconn_set_data(struct qconn *c, void *data);
uv_loop_t *qconn_loop(const struct qconn *c);

/* 1 once Welcome was received on this connection. */
int qconn_welcomed(const struct qconn *c);
/* 1 once qconn_close() was called or the connection failed. */
int qconn_closing(const struct qconn *c);
/* Session id and resume token from Welcome ("" before). The token is the
 * hook for reconnecting: give it to qconn_configure() of a new qconn to
 * take the seat back. Valid until on_close returns. */
const char *qconn_session(const struct qconn *c);
const char *qconn_resume_token(const struct qconn *c);
/* The address given to qconn_connect() (for a reconnect). */
const struct sockaddr *qconn_peer(const struct qconn *c);

/* Clock sync. Number of Pong samples taken so far (all time). */
unsigned qconn_sync_samples(const struct qconn *c);
/* Best estimate of server clock - local clock (0 before any sample). */
int64_t qconn_offset_us(const struct qconn *c);
/* Best round-trip delay estimate (-1 before any sample). */
int64_t qconn_rtt_us(const struct qconn *c);
/* Server clock now, by the current estimate. */
uint64_t qconn_server_now(const struct qconn *c);
/* Converts a server time to the local clock and back. */
uint64_t qconn_to_local(const struct qconn *c, uint64_t server_us);
uint64_t qconn_to_server(const struct qconn *c, uint64_t local_us);

#endif

/* Sockets and framing (libuv). net owns the listener and each connection's
 * socket, input buffer and output queue; it hands whole frames upward and
 * knows nothing of their content. */
#ifndef QUIZ_NET_H
#define QUIZ_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* A reference-counted frame: packed once, written to many connections. */
struct wbuf {
	uint32_t refs;
	size_t len;
	uint8_t data[];
};

/* Allocates a buffer of len bytes with one reference. Aborts on OOM. */
struct wbuf *wbuf_new(size_t len);
void wbuf_ref(struct wbuf *b);
/* Drops a reference; frees at zero. Accepts NULL. */
void wbuf_unref(struct wbuf *b);

struct net_limits {
	uint32_t max_conns;	     /* beyond this, new peers are refused */
	uint32_t max_conns_per_addr; /* the same for one peer address */
	size_t max_out_bytes;	   /* queued output per connection before it is
				      dropped */
	size_t max_in_bytes;	   /* partial input buffered across all
				      connections; a peer that would pass it is
				      dropped */
	uint32_t frame_timeout_ms; /* a frame begun but not completed in
				      this time ends the connection */
	uint32_t conn_rate_per_addr; /* new connections a second from one
					address, after a burst of 20 s worth;
					0: no limit */
};

/* Why net itself ends or refuses a connection; the layer above supplies
 * the frame (an Error) telling the peer. */
enum net_notice {
	NET_FULL,	   /* over max_conns */
	NET_FULL_ADDR,	   /* over max_conns_per_addr */
	NET_FULL_FDS,	   /* the process is out of file descriptors */
	NET_FULL_INPUT,	   /* the input budget (max_in_bytes) is spent */
	NET_FRAME_TIMEOUT, /* a partial frame was not completed in time */
	NET_RATE_ADDR,	   /* over conn_rate_per_addr */
	NET_NOTICE_COUNT
};

struct conn;

struct net_callbacks {
	void (*on_open)(struct conn *c, void *arg);
	/* One whole frame. recv_us is when it arrived: the kernel's receive
	 * time of the segment holding its last byte, however late it is read
	 * (the loop's poll time when the kernel gives none). Bytes that
	 * arrive behind a frame still unread may be merged into its buffer
	 * and date it later, never earlier. */
	void (*on_frame)(struct conn *c, const uint8_t *payload, size_t len,
			 int64_t recv_us, void *arg);
	/* The peer sent a frame length of 0, over FRAME_MAX or over the
	 * connection's conn_set_frame_max(). */
	void (*on_bad_frame)(struct conn *c, void *arg);
	/* The frame to send before net refuses or ends a connection for
	 * the reason given: a new reference, or NULL to send nothing. Also
	 * used for peers refused before any struct conn exists. */
	struct wbuf *(*notice)(enum net_notice what, void *arg);
	/* The connection is gone (after this the pointer is invalid). */
	void (*on_close)(struct conn *c, void *arg);
};

struct net;

/* Server monotonic clock in microseconds (the only clock that decides). */
int64_t net_now_us(void);

/* Takes this loop iteration's receive stamp now, if not yet taken. Call it
 * first in any other poll-phase callback (the store's wake-up) so frames
 * read after that callback keep the time the poll returned. */
void net_mark(struct net *n);

struct net *net_new(uv_loop_t *loop, const struct net_limits *lim,
		    const struct net_callbacks *cb, void *arg);
/* Binds and listens on host:port (port 0 = ephemeral). Sets *bound to the
 * port actually bound. Returns 0 or a negative libuv error. */
int net_listen(struct net *n, const char *host, int port, int *bound);
/* Stops taking connections (the listening socket is closed: a peer that
 * tries now is refused); those open stay. */
void net_stop_listening(struct net *n);
/* Stops listening and closes every connection; frees n when done. */
void net_close(struct net *n);
uint32_t net_conn_count(const struct net *n);
/* The connections, newest first, for a walk that visits each (the layer
 * above keeps no list of its own): conn_next gives the one after c, or
 * NULL. A connection closed during the walk stays listed until its
 * on_close, which comes after the walk. */
struct conn *net_conns(const struct net *n);
struct conn *conn_next(const struct conn *c);
/* A place in that list kept across loop turns (the ping round's round
 * robin, server/session.c): NULL or a live connection; a connection that
 * goes away moves it to the one after. */
struct conn *net_cursor(const struct net *n);
void net_set_cursor(struct net *n, struct conn *c);

/* Queues one frame (takes its own reference). When the connection's queue
 * would pass max_out_bytes it is dropped instead and -ENOBUFS returned. A
 * remote connection's frames go to its sink at once (nothing is queued
 * here): -EPIPE if it is closing, else the sink's answer. */
int conn_send(struct conn *c, struct wbuf *b);
/* Queues n (1..CONN_SENDV_MAX) frames for c as conn_send does, written in
 * one system call when nothing is queued (a reveal and a contestant's own
 * result). 0 or a negative errno (-EINVAL for a bad n). */
#define CONN_SENDV_MAX 4
int conn_sendv(struct conn *c, struct wbuf *const *bs, unsigned n);
/* Closes after the queued output is flushed (graceful) or at once. */
void conn_close(struct conn *c, int graceful);
uint64_t conn_id(const struct conn *c);
/* "c42": written into one of a few rotating buffers, valid until a few
 * more calls (enough for a log line naming two connections); copy it to
 * keep it. */
const char *conn_tag(const struct conn *c);
/* The peer's IP address as text ("127.0.0.1", "::1"; "?" if unknown): the
 * key of per-address accounting. */
const char *conn_peer(const struct conn *c);
void conn_set_data(struct conn *c, void *data);
void *conn_data(const struct conn *c);
/* Bytes queued for the socket (0 for a remote connection). */
size_t conn_queued(const struct conn *c);
/* Caps the payload length this connection may send (FRAME_MAX by default;
 * smaller before the handshake so an unknown peer cannot make us buffer
 * much). A longer frame header calls on_bad_frame. */
void conn_set_frame_max(struct conn *c, size_t max);

/* Remote connections (quizd --nats, docs/CLUSTER.md): a peer whose socket an
 * edge node holds. The net callbacks see it as any connection; its output
 * goes to the sink instead of a socket. */
struct net_remote_sink {
	/* Frames for the peer, in order (the same wbufs conn_sendv got; the
	 * sink takes its own references if it keeps them). Returns 0, or < 0
	 * to have the connection closed (e.g. the edge's backlog is full):
	 * conn_sendv then returns that code. */
	int (*send)(struct conn *c, struct wbuf *const *bs, unsigned n,
		    void *arg);
	/* conn_close was called on it (once): the edge should close the
	 * socket, gracefully (after what was sent) if graceful. on_close
	 * follows later in the loop, as for a socket. Neither callback may
	 * call net_remote_gone on c. */
	void (*close)(struct conn *c, int graceful, void *arg);
};
/* A new remote connection from peer address ip (text, as conn_peer gives
 * it; NULL for "?"); calls on_open, which may already close it (then the
 * sink's close comes before this returns: sink_arg, not the returned
 * pointer, is how the sink knows its peer). NULL if net is closing. Remote
 * connections are not counted against max_conns / per-address caps (the
 * edge enforces them) but are in net_conns' list and net_conn_count. */
struct conn *net_remote_open(struct net *n, const struct net_remote_sink *sink,
			     void *sink_arg, const char *ip);
/* A whole frame from the remote peer: checked against the frame limits
 * like a local one (len 0 or over conn_set_frame_max -> on_bad_frame),
 * then on_frame(recv_us). one_way_us: the edge's estimate of the peer's
 * one-way delay (< 0: none yet), kept for conn_remote_delay. Ignored on a
 * closing connection. */
void net_remote_frame(struct conn *c, const uint8_t *payload, size_t len,
		      int64_t recv_us, int64_t one_way_us);
/* The edge lost the peer (or the edge itself is gone): the connection ends
 * now: on_close is called before this returns, the sink's close is not (nor
 * the on_close a conn_close already had pending). c is invalid after. */
void net_remote_gone(struct conn *c);
bool conn_is_remote(const struct conn *c);
/* The edge's latest one-way delay estimate for a remote peer, < 0 if none
 * (and for local connections). */
int64_t conn_remote_delay(const struct conn *c);
/* The resume token an edge gave the remote peer in its own Welcome
 * (NET_TOKEN_RAW bytes): the session takes it as the peer's token instead
 * of drawing one (docs/CLUSTER.md, "Routing"). No-op on a local
 * connection; conn_remote_token copies it out, false if there is none. */
#define NET_TOKEN_RAW 16
void net_remote_set_token(struct conn *c, const uint8_t *token);
bool conn_remote_token(const struct conn *c, uint8_t *out);
/* The cluster module's own per-connection pointer (remote connections;
 * conn_set_data's pointer belongs to the layer above). Setting it on a
 * local connection is a no-op and reading it gives NULL. */
void conn_set_remote_data(struct conn *c, void *data);
void *conn_remote_data(const struct conn *c);

#endif

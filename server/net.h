/* Sockets and framing (libuv). net owns the listener and each connection's
 * socket, input buffer and output queue; it hands whole frames upward and
 * knows nothing of their content. */
#ifndef QUIZ_NET_H
#define QUIZ_NET_H

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
	uint32_t
	    max_conns; /* beyond this, on_full is called and the peer closed */
	size_t max_out_bytes; /* queued output per connection before it is
				 dropped */
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
	/* The peer sent a frame length of 0 or over FRAME_MAX. */
	void (*on_bad_frame)(struct conn *c, void *arg);
	/* A connection over max_conns: tell it and net closes it. */
	void (*on_full)(struct conn *c, void *arg);
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
/* Stops listening and closes every connection; frees n when done. */
void net_close(struct net *n);
uint32_t net_conn_count(const struct net *n);

/* Queues one frame (takes its own reference). When the connection's queue
 * would pass max_out_bytes it is dropped instead and -ENOBUFS returned. */
int conn_send(struct conn *c, struct wbuf *b);
/* Closes after the queued output is flushed (graceful) or at once. */
void conn_close(struct conn *c, int graceful);
uint64_t conn_id(const struct conn *c);
const char *conn_tag(const struct conn *c); /* "c42" */
/* The peer's IP address as text ("127.0.0.1", "::1"; "?" if unknown): the
 * key of per-address accounting. */
const char *conn_peer(const struct conn *c);
void conn_set_data(struct conn *c, void *data);
void *conn_data(const struct conn *c);
size_t conn_queued(const struct conn *c);

#endif

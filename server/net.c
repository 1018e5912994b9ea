/* Listener, connections, input framing and output queues. */
#include "net.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bucket.h"
#include "frame.h"
#include "kstamp.h"
#include "log.h"
#include "text.h"
#include "xalloc.h"

#define READ_CHUNK (FRAME_HEADER + FRAME_MAX)
/* per-address counts: chains stay short */
#define ADDR_BUCKETS 4096
/* accepts per poll wake-up, so reads keep up */
#define ACCEPT_BATCH 128
/* a graceful close that takes longer (peer not reading) is made abrupt */
#define CLOSE_GRACE_US 2000000
/* a closing peer that sends more than this is cut at once */
#define DISCARD_MAX (256 * 1024)
#define IN_MIN_CAP  256
/* partial-frame buffers larger than this are freed when empty */
#define IN_KEEP_CAP 4096
/* Bytes looked at (MSG_PEEK) before each read to find the frames in it; a
 * frame longer than this is dated by a second, copy-free peek. */
#define PEEK_MAX 2048
/* Frames one read may complete, each with its own kernel receive time (a
 * contestant rarely has more than a few queued; more take another read). */
#define READ_STAMPS 8

/* Live connections from one peer address, and its budget of new ones (a
 * token bucket: kept after the last connection closes until it is full
 * again, so reconnecting in a loop cannot reset it). */
struct addr_count {
	struct addr_count *next;
	uint32_t n;
	struct bucket budget; /* new connections it may open now */
	char ip[48];
};

/* The burst of new connections one address may open at once, in seconds of
 * its rate: a hall behind one NAT whose contestants all connect when the
 * host says so. */
#define CONN_BURST_S 20

struct net {
	uv_loop_t *loop;
	int lfd;	      /* listening socket, -1 before net_listen */
	int listener_closing; /* its poll handle is being closed */
	uv_poll_t lpoll;      /* readiness of lfd: we accept ourselves */
	uv_timer_t retry;     /* re-arms lpoll after running out of fds */
	uv_timer_t sweep;     /* partial-frame and closing timeouts */
	int reserve_fd;	      /* kept open to be given up at the fd limit */
	uv_check_t check;
	uv_idle_t idle; /* runs while remote closes are pending */
	struct net_limits lim;
	struct net_callbacks cb;
	void *arg;
	struct conn *conns;  /* doubly linked list of live connections */
	struct conn *cursor; /* net_cursor: NULL or one of conns */
	/* remote connections closed whose on_close waits for the idle */
	struct rconn *rpending;
	uint32_t nconns;
	uint64_t next_id;
	int64_t stamp;	/* receive time of this loop iteration, 0 if unset */
	uint8_t *chunk; /* shared read buffer */
	/* kernel receive times of the frames the read under way completes,
	 * in order: each the arrival of the segment holding the frame's last
	 * byte. Planned by on_alloc and used by on_read of the same
	 * connection (libuv calls them back to back), so one set serves all
	 * connections. */
	int64_t stamps[READ_STAMPS];
	unsigned nstamps;
	unsigned stamp_next; /* the next frame completed takes stamps[this] */
	size_t in_bytes;     /* capacity of all partial-frame buffers */
	struct addr_count *addrs[ADDR_BUCKETS];
	uint64_t refused[NET_NOTICE_COUNT]; /* since the last log line */
	int64_t refused_logged_at;
	int closing;
	int idle_closing;
	int handles_open;
};

/* One connection. Kept small (issue 13: a contestant's memory): what
 * only one read needs lives in struct net, the peer's address text in its
 * addr_count, the shutdown request is allocated when a graceful close
 * begins, and the tag ("c42") is written when asked for. */
struct conn {
	uv_tcp_t tcp;
	struct net *net;
	struct conn *prev, *next;
	uint64_t id;
	void *data;
	struct addr_count *addr; /* its ip is the peer's address text */
	int64_t accepted_us;	 /* no byte of it arrived before this */
	uint8_t *in;		 /* partial frame carried over between reads */
	uint32_t in_len, in_cap;
	/* while open: when the partial frame's first byte came; while
	 * closing: when the close began */
	int64_t since;
	uint32_t
	    out_bytes; /* queued; net_new keeps max_out_bytes below 4 GiB */
	uint32_t frame_max;   /* longest payload this peer may send */
	uint32_t discarded;   /* bytes read and dropped while closing */
	unsigned drained : 1; /* the next read would find nothing: skip it */
	unsigned kstamps : 1; /* the socket gives kernel receive times */
	unsigned closing : 1;
	unsigned shut_done : 1; /* a graceful close waits for both */
	unsigned peer_eof : 1;
	unsigned announced : 1; /* on_open was called */
	unsigned remote : 1;	/* a struct rconn: no socket (tcp unused) */
};

/* A remote connection (net_remote_open): the socket is an edge node's, so
 * the struct conn's own socket state stays unused and what only a remote
 * connection needs lives here, not in every local one. */
struct rconn {
	struct conn c; /* first: a remote struct conn * is a struct rconn * */
	const struct net_remote_sink *sink;
	void *sink_arg;
	void *data;	  /* conn_remote_data */
	int64_t delay_us; /* the edge's one-way delay estimate, < 0: none */
	uint8_t token[NET_TOKEN_RAW]; /* net_remote_set_token */
	bool has_token;
	/* n->rpending while its on_close waits (conn_close defers it as
	 * uv_close does for a socket) */
	struct rconn *pend_prev, *pend_next;
	bool pending;
};

struct wreq {
	uv_write_t req;
	struct conn *c;
	size_t len;  /* bytes queued by this request */
	unsigned nb; /* buffers held */
	struct wbuf *b[];
};

int64_t net_now_us(void)
{
	return (int64_t)(uv_hrtime() / 1000);
}

uint64_t conn_id(const struct conn *c)
{
	return c->id;
}
/* Tags are written into a few rotating buffers, so that one log line can
 * name two connections (the loop thread is the only caller). */
#define TAG_SLOTS 8

const char *conn_tag(const struct conn *c)
{
	static char tags[TAG_SLOTS][24];
	static unsigned next;
	char *t = tags[next++ % TAG_SLOTS];

	snprintf(t, sizeof(tags[0]), "c%llu", (unsigned long long)c->id);
	return t;
}
const char *conn_peer(const struct conn *c)
{
	return c->addr ? c->addr->ip : "?";
}

/* Writes an address as text ("?" when it cannot be). */
static void addr_text(const struct sockaddr_storage *ss, char *out, size_t cap)
{
	int r;

	if (ss->ss_family == AF_INET6)
		r = uv_ip6_name((const struct sockaddr_in6 *)ss, out, cap);
	else if (ss->ss_family == AF_INET)
		r = uv_ip4_name((const struct sockaddr_in *)ss, out, cap);
	else
		r = -1;
	if (r < 0)
		snprintf(out, cap, "?");
}
void conn_set_data(struct conn *c, void *data)
{
	c->data = data;
}
void *conn_data(const struct conn *c)
{
	return c->data;
}
size_t conn_queued(const struct conn *c)
{
	return c->out_bytes;
}
uint32_t net_conn_count(const struct net *n)
{
	return n->nconns;
}
struct conn *net_conns(const struct net *n)
{
	return n->conns;
}
struct conn *conn_next(const struct conn *c)
{
	return c->next;
}
struct conn *net_cursor(const struct net *n)
{
	return n->cursor;
}
void net_set_cursor(struct net *n, struct conn *c)
{
	n->cursor = c;
}
void conn_set_frame_max(struct conn *c, size_t max)
{
	c->frame_max = (uint32_t)(max < FRAME_MAX ? max : FRAME_MAX);
}

/* The live-connection count of one address, created at 0 if absent. */
static struct addr_count *addr_get(struct net *n, const char *ip)
{
	size_t b = text_hash(ip) & (ADDR_BUCKETS - 1);
	struct addr_count *a;

	for (a = n->addrs[b]; a; a = a->next)
		if (strcmp(a->ip, ip) == 0)
			return a;
	a = xcalloc(1, sizeof(*a));
	snprintf(a->ip, sizeof(a->ip), "%s", ip);
	bucket_init(&a->budget,
		    (double)n->lim.conn_rate_per_addr * CONN_BURST_S,
		    net_now_us());
	a->next = n->addrs[b];
	n->addrs[b] = a;
	return a;
}

/* Counts of an address, 0 if it has no connection. */
static uint32_t addr_conns(struct net *n, const char *ip)
{
	struct addr_count *a;

	for (a = n->addrs[text_hash(ip) & (ADDR_BUCKETS - 1)]; a; a = a->next)
		if (strcmp(a->ip, ip) == 0)
			return a->n;
	return 0;
}

/* Brings an address's connection budget up to now; returns whether it is
 * full (nothing to remember about the address). */
static bool addr_refill(const struct net *n, struct addr_count *a, int64_t now)
{
	double rate = n->lim.conn_rate_per_addr;

	return bucket_refill(&a->budget, now, rate ? 1e6 / rate : 0,
			     rate * CONN_BURST_S);
}

/* Spends one new connection of an address's budget; false when it has
 * none left (or true always when there is no rate limit). */
static bool addr_take(struct net *n, struct addr_count *a)
{
	double rate = n->lim.conn_rate_per_addr;

	return !rate || bucket_take(&a->budget, net_now_us(), 1e6 / rate,
				    rate * CONN_BURST_S);
}

/* Frees an address's entry if nothing about it is worth keeping: no live
 * connection and a full budget. */
static void addr_forget(struct net *n, struct addr_count *a, int64_t now)
{
	struct addr_count **pp;

	if (a->n || (n->lim.conn_rate_per_addr && !addr_refill(n, a, now)))
		return;
	for (pp = &n->addrs[text_hash(a->ip) & (ADDR_BUCKETS - 1)]; *pp;
	     pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			free(a);
			return;
		}
}

/* Drops one connection of an address. */
static void addr_put(struct net *n, struct addr_count *a)
{
	if (!a || --a->n)
		return;
	addr_forget(n, a, net_now_us());
}

/* Forgets the addresses whose budget has filled up again. */
static void addr_sweep(struct net *n, int64_t now)
{
	size_t i;

	for (i = 0; i < ADDR_BUCKETS; i++) {
		struct addr_count *a = n->addrs[i], *next;

		for (; a; a = next) {
			next = a->next;
			addr_forget(n, a, now);
		}
	}
}

/* The read stamp is taken once per loop iteration, at the first read after
 * the poll returned; the check phase (after poll) clears it. So every frame
 * that arrived in one poll gets the same time however long the callbacks
 * before it took: a score never depends on how busy the server is. */
static int64_t net_stamp(struct net *n)
{
	if (!n->stamp)
		n->stamp = net_now_us();
	return n->stamp;
}

void net_mark(struct net *n)
{
	(void)net_stamp(n);
}

static void on_check(uv_check_t *h)
{
	struct net *n = h->data;

	n->stamp = 0;
}

/* Frees the net once it is closing and nothing of it is left open. */
static void net_maybe_free(struct net *n)
{
	size_t i;

	if (n->closing && n->handles_open == 0 && n->nconns == 0) {
		for (i = 0; i < ADDR_BUCKETS; i++)
			while (n->addrs[i]) {
				struct addr_count *a = n->addrs[i];

				n->addrs[i] = a->next;
				free(a);
			}
		if (n->reserve_fd >= 0)
			close(n->reserve_fd);
		free(n->chunk);
		free(n);
	}
}

/* Frees the net once its own handles are closed. */
static void on_net_handle_closed(uv_handle_t *h)
{
	struct net *n = h->data;

	n->handles_open--;
	net_maybe_free(n);
}

/* Tells the layer above a connection is gone and frees it. */
static void conn_free(struct conn *c)
{
	struct net *n = c->net;

	if (c->announced && n->cb.on_close)
		n->cb.on_close(c, n->arg);
	if (n->cursor == c)
		n->cursor = c->next;
	if (c->prev)
		c->prev->next = c->next;
	else
		n->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	n->nconns--;
	addr_put(n, c->addr);
	n->in_bytes -= c->in_cap;
	free(c->in);
	free(c);
	net_maybe_free(n);
}

/* Frees a connection once libuv has closed its handle. */
static void on_conn_closed(uv_handle_t *h)
{
	conn_free(h->data);
}

/* Remote connections. conn_close of one defers its on_close to the idle
 * phase, as uv_close does for a socket: the caller goes on using it (and
 * its session) after conn_close returns. */

static struct rconn *rconn_of(const struct conn *c)
{
	return (struct rconn *)c;
}

static void on_remote_idle(uv_idle_t *h);

/* Runs the idle while closes are pending; stops it otherwise, and closes
 * it once the net is closing and none is left. */
static void remote_settle(struct net *n)
{
	if (n->rpending) {
		uv_idle_start(&n->idle, on_remote_idle);
		return;
	}
	uv_idle_stop(&n->idle);
	if (n->closing && !n->idle_closing) {
		n->idle_closing = 1;
		uv_close((uv_handle_t *)&n->idle, on_net_handle_closed);
	}
}

static void remote_unpend(struct rconn *r)
{
	struct net *n = r->c.net;

	if (!r->pending)
		return;
	if (r->pend_prev)
		r->pend_prev->pend_next = r->pend_next;
	else
		n->rpending = r->pend_next;
	if (r->pend_next)
		r->pend_next->pend_prev = r->pend_prev;
	r->pending = false;
}

/* The deferred on_close of each remote connection closed since the last
 * run (and of any that those on_close calls close). */
static void on_remote_idle(uv_idle_t *h)
{
	struct net *n = h->data;

	while (n->rpending) {
		struct rconn *r = n->rpending;

		remote_unpend(r);
		conn_free(&r->c);
	}
	remote_settle(n);
}

/* conn_close of a remote connection (marked closing): the edge is told,
 * on_close waits for the idle. */
static void remote_close(struct conn *c, int graceful)
{
	struct rconn *r = rconn_of(c);
	struct net *n = c->net;

	r->pend_prev = NULL;
	r->pend_next = n->rpending;
	if (n->rpending)
		n->rpending->pend_prev = r;
	n->rpending = r;
	r->pending = true;
	remote_settle(n);
	r->sink->close(c, graceful, r->sink_arg);
}

/* conn_sendv of a remote connection (open, n checked). */
static int remote_send(struct conn *c, struct wbuf *const *bs, unsigned n)
{
	struct rconn *r = rconn_of(c);
	int rc = r->sink->send(c, bs, n, r->sink_arg);

	if (rc >= 0)
		return 0;
	log_debug(conn_tag(c), "closing: the edge refused output (%d)", rc);
	conn_close(c, 0);
	return rc;
}

struct conn *net_remote_open(struct net *n, const struct net_remote_sink *sink,
			     void *sink_arg, const char *ip)
{
	struct rconn *r;
	struct conn *c;

	if (n->closing)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->sink = sink;
	r->sink_arg = sink_arg;
	r->delay_us = -1;
	c = &r->c;
	c->net = n;
	c->id = ++n->next_id;
	c->frame_max = FRAME_MAX;
	c->remote = 1;
	c->next = n->conns;
	if (n->conns)
		n->conns->prev = c;
	n->conns = c;
	n->nconns++;
	c->addr = addr_get(n, ip ? ip : "?");
	c->addr->n++;
	c->accepted_us = net_now_us();
	c->announced = 1;
	n->cb.on_open(c, n->arg);
	return c;
}

void net_remote_frame(struct conn *c, const uint8_t *payload, size_t len,
		      int64_t recv_us, int64_t one_way_us)
{
	struct net *n = c->net;

	if (c->closing)
		return;
	if (one_way_us >= 0)
		rconn_of(c)->delay_us = one_way_us;
	if (len == 0 || len > c->frame_max) {
		n->cb.on_bad_frame(c, n->arg);
		return;
	}
	n->cb.on_frame(c, payload, len, recv_us, n->arg);
}

void net_remote_gone(struct conn *c)
{
	struct net *n = c->net;

	c->closing = 1;
	remote_unpend(rconn_of(c));
	remote_settle(n);
	conn_free(c);
}

bool conn_is_remote(const struct conn *c)
{
	return c->remote;
}

int64_t conn_remote_delay(const struct conn *c)
{
	return c->remote ? rconn_of(c)->delay_us : -1;
}

void net_remote_set_token(struct conn *c, const uint8_t *token)
{
	if (!c->remote)
		return;
	memcpy(rconn_of(c)->token, token, NET_TOKEN_RAW);
	rconn_of(c)->has_token = true;
}

bool conn_remote_token(const struct conn *c, uint8_t *out)
{
	if (!c->remote || !rconn_of(c)->has_token)
		return false;
	memcpy(out, rconn_of(c)->token, NET_TOKEN_RAW);
	return true;
}

void conn_set_remote_data(struct conn *c, void *data)
{
	if (c->remote)
		rconn_of(c)->data = data;
}

void *conn_remote_data(const struct conn *c)
{
	return c->remote ? rconn_of(c)->data : NULL;
}

/* Closes the handle unless that is under way. */
static void conn_release(struct conn *c)
{
	if (!uv_is_closing((uv_handle_t *)&c->tcp))
		uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct conn *c = req->data;

	free(req);
	/* UV_ECANCELED when the sweep closed it first */
	c->shut_done = 1;
	if (status < 0 || c->peer_eof)
		conn_release(c);
}

static void on_alloc_discard(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)suggested;
	buf->base = (char *)c->net->chunk;
	buf->len = READ_CHUNK;
}

/* Reads and drops what a closing peer still sends, until its EOF: closing
 * a socket with unread input sends a reset, which can destroy our last
 * words (the Error) in the peer's receive queue before it reads them. */
static void on_read_discard(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	(void)buf;
	if (nread > 0)
		c->discarded += (uint32_t)nread; /* a read is <= READ_CHUNK */
	if (nread >= 0 && c->discarded <= DISCARD_MAX)
		return;
	c->peer_eof = 1;
	uv_read_stop(s);
	if (c->shut_done || nread >= 0)
		conn_release(c);
}

void conn_close(struct conn *c, int graceful)
{
	uv_shutdown_t *shut;

	if (c->closing)
		return;
	c->closing = 1;
	if (c->remote) {
		remote_close(c, graceful);
		return;
	}
	c->since = net_now_us();
	uv_read_stop((uv_stream_t *)&c->tcp);
	if (graceful) {
		/* freed by on_shutdown, which libuv always calls (with
		 * UV_ECANCELED if the handle is closed first) */
		shut = xmalloc(sizeof(*shut));
		shut->data = c;
		if (uv_shutdown(shut, (uv_stream_t *)&c->tcp, on_shutdown) ==
		    0) {
			uv_read_start((uv_stream_t *)&c->tcp, on_alloc_discard,
				      on_read_discard);
			return;
		}
		free(shut);
	}
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static void on_write(uv_write_t *req, int status)
{
	struct wreq *w = (struct wreq *)req;
	unsigned i;

	w->c->out_bytes -= (uint32_t)w->len;
	for (i = 0; i < w->nb; i++)
		wbuf_unref(w->b[i]);
	if (status < 0 && !w->c->closing) {
		log_debug(conn_tag(w->c), "write failed: %s",
			  uv_strerror(status));
		conn_close(w->c, 0);
	}
	free(w);
}

int conn_sendv(struct conn *c, struct wbuf *const *bs, unsigned n)
{
	uv_buf_t buf[CONN_SENDV_MAX];
	unsigned i, first = 0;
	size_t total = 0;
	struct wreq *w;
	int r;

	if (c->closing)
		return -EPIPE;
	if (n == 0 || n > CONN_SENDV_MAX)
		return -EINVAL;
	if (c->remote)
		return remote_send(c, bs, n);
	for (i = 0; i < n; i++) {
		buf[i] = uv_buf_init((char *)bs[i]->data, (unsigned)bs[i]->len);
		total += bs[i]->len;
	}
	if (c->out_bytes == 0) {
		/* nothing queued: try to write it all now without allocating,
		 * the buffers in one system call */
		r = uv_try_write((uv_stream_t *)&c->tcp, buf, n);
		if (r == (int)total)
			return 0;
		if (r > 0) {
			size_t done = (size_t)r;

			total -= done;
			while (done >= buf[first].len)
				done -= buf[first++].len;
			buf[first].base += done;
			buf[first].len -= done;
		} else if (r != UV_EAGAIN) {
			conn_close(c, 0);
			return -EPIPE;
		}
	}
	if (c->out_bytes + total > c->net->lim.max_out_bytes) {
		log_warn(conn_tag(c),
			 "output queue over %zu bytes: dropping slow peer",
			 c->net->lim.max_out_bytes);
		conn_close(c, 0);
		return -ENOBUFS;
	}
	w = xmalloc(sizeof(*w) + (n - first) * sizeof(w->b[0]));
	w->c = c;
	w->len = total;
	w->nb = n - first;
	for (i = first; i < n; i++) {
		w->b[i - first] = bs[i];
		wbuf_ref(bs[i]);
	}
	c->out_bytes += (uint32_t)total;
	r = uv_write(&w->req, (uv_stream_t *)&c->tcp, buf + first, n - first,
		     on_write);
	if (r < 0) {
		c->out_bytes -= (uint32_t)total;
		for (i = 0; i < w->nb; i++)
			wbuf_unref(w->b[i]);
		free(w);
		conn_close(c, 0);
		return -EPIPE;
	}
	return 0;
}

int conn_send(struct conn *c, struct wbuf *b)
{
	return conn_sendv(c, &b, 1);
}

/* Asks the kernel to timestamp each received segment (SO_TIMESTAMPNS). */
static void conn_enable_kstamps(struct conn *c)
{
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0 && kstamp_enable(fd))
		c->kstamps = 1;
}

/* Peeks at up to len bytes of the socket without consuming them (into
 * buf, or copying nothing when buf is NULL) and sets *stamp to the
 * kernel's receive time, on our monotonic clock, of the last buffer the
 * peek reached; 0 if unknown (proto/kstamp.h). Linux TCP reports the
 * SO_TIMESTAMPNS of the last skb copied, and when it merges queued
 * segments into one skb it keeps the newest time: so a peek ending at a
 * frame's last byte gives the arrival of the segment that completed the
 * frame, or of one after it, never of one before. Returns the bytes seen,
 * 0 at end of stream, or a negative errno (-EAGAIN: nothing yet).
 * libuv's stream reads drop ancillary data, hence this peek before each
 * read. */
static ssize_t conn_peek(struct conn *c, void *buf, size_t len, int64_t *stamp)
{
	uv_os_fd_t fd;

	*stamp = 0;
	if (uv_fileno((uv_handle_t *)&c->tcp, &fd) != 0)
		return -EBADF;
	return kstamp_peek(fd, buf, len, stamp);
}

/* The payload length in a frame header (big-endian). */
static size_t frame_len_of(const uint8_t h[FRAME_HEADER])
{
	return (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 |
	       h[3];
}

/* Plans the next read so that every frame it completes is dated by the
 * segment that completed it, not by the oldest unread byte (a Ping, or an
 * answer's length header sent ahead of its body while the loop was busy).
 * One peek shows the queued bytes and where the frames in them end; a
 * frame that ends before the last byte seen gets a copy-free peek of its
 * own. Fills c->stamps; returns the bytes to read (the frames found and
 * any partial tail), or 0 when there is nothing to read now. */
static size_t conn_plan_read(struct conn *c)
{
	struct net *n = c->net;
	uint8_t *p = n->chunk, hdr[FRAME_HEADER];
	size_t have, need, end, len, last = 0;
	int64_t stamp;
	ssize_t got, seen;

	n->nstamps = 0;
	n->stamp_next = 0;
	if (c->drained) {
		c->drained = 0;
		return 0;
	}
	seen = conn_peek(c, p, PEEK_MAX, &stamp);
	if (seen == -EAGAIN)
		return 0;
	if (seen <= 0)
		return READ_CHUNK; /* end of stream or an error: let the read
				      report it */
	/* the frame under way may have begun in an earlier read */
	have = c->in_len < FRAME_HEADER ? c->in_len : FRAME_HEADER;
	need = FRAME_HEADER - have;
	if ((size_t)seen < need)
		goto all; /* not even a whole header yet */
	if (have)
		memcpy(hdr, c->in, have);
	memcpy(hdr + have, p, need);
	len = frame_len_of(hdr);
	if (len == 0 || len > FRAME_MAX)
		goto all; /* the framing reports it */
	end = FRAME_HEADER + len - c->in_len;
	if (end > (size_t)seen && seen == PEEK_MAX) {
		/* a long frame: is the rest of it queued too? */
		got = conn_peek(c, NULL, end, &stamp);
		if (got == (ssize_t)end) {
			n->stamps[n->nstamps++] = stamp;
			return end;
		}
		if (got <= 0)
			return (size_t)seen;
		c->drained = 1; /* got is all there is */
		return (size_t)got;
	}
	while (end <= (size_t)seen && n->nstamps < READ_STAMPS) {
		int64_t s = stamp;

		if (end < (size_t)seen &&
		    conn_peek(c, NULL, end, &s) != (ssize_t)end)
			s = 0;
		n->stamps[n->nstamps++] = s;
		last = end;
		if ((size_t)seen - end < FRAME_HEADER)
			break;
		len = frame_len_of(p + end);
		if (len == 0 || len > FRAME_MAX)
			break; /* the framing reports it */
		end += FRAME_HEADER + len;
	}
	if (n->nstamps == READ_STAMPS)
		return last; /* the next read takes the rest */
all:
	if (seen < PEEK_MAX)
		c->drained = 1; /* all that was queued */
	return (size_t)seen;
}

/* Sizes the read (see conn_plan_read). A zero-length buffer makes libuv
 * call on_read with UV_ENOBUFS and wait for the next poll. */
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)suggested;
	buf->base = (char *)c->net->chunk;
	c->net->nstamps = 0;
	c->net->stamp_next = 0;
	buf->len = c->kstamps ? conn_plan_read(c) : READ_CHUNK;
}

/* Logs refusals at most once a second, so a flood cannot flood the log. */
static void net_count_refusal(struct net *n, enum net_notice what)
{
	static const char *const why[NET_NOTICE_COUNT] = {
	    "server full",
	    "per-address cap",
	    "out of file descriptors",
	    "input budget spent",
	    "frame timeout",
	    "new connections too fast from one address"};
	int64_t now = net_now_us();
	int i;

	n->refused[what]++;
	if (now - n->refused_logged_at < 1000000)
		return;
	n->refused_logged_at = now;
	for (i = 0; i < NET_NOTICE_COUNT; i++)
		if (n->refused[i]) {
			log_warn("net",
				 "%llu connection(s) refused or ended: %s",
				 (unsigned long long)n->refused[i], why[i]);
			n->refused[i] = 0;
		}
}

/* Tells the peer why (the upper layer's frame), then closes gracefully. */
static void conn_end(struct conn *c, enum net_notice what)
{
	struct net *n = c->net;
	struct wbuf *b = n->cb.notice ? n->cb.notice(what, n->arg) : NULL;

	net_count_refusal(n, what);
	if (b) {
		(void)conn_send(c, b);
		wbuf_unref(b);
	}
	conn_close(c, 1);
}

/* The receive time of the i-th frame a read completes: its kernel time
 * when that is sane (not later than now, not before the connection was
 * accepted) however long ago it was, else this loop iteration's. */
static int64_t conn_stamp(struct conn *c, int64_t now)
{
	struct net *n = c->net;
	unsigned i = n->stamp_next++;
	int64_t k = i < n->nstamps ? n->stamps[i] : 0;

	if (k > 0 && k >= c->accepted_us && k <= now)
		return k;
	return net_stamp(n);
}

/* Hands every whole frame in buf upward, each with its receive time;
 * returns bytes consumed or -1 when the connection must close (bad frame,
 * or closed by the callback). */
static int64_t conn_frames(struct conn *c, const uint8_t *buf, size_t len)
{
	struct net *n = c->net;
	int64_t now = net_now_us();
	size_t off = 0;

	while (off < len && !c->closing) {
		const uint8_t *payload;
		size_t plen;
		int64_t r;

		if (len - off >= FRAME_HEADER &&
		    frame_len_of(buf + off) > c->frame_max) {
			n->cb.on_bad_frame(c, n->arg);
			return -1;
		}
		r = frame_parse(buf + off, len - off, &payload, &plen);
		if (r == 0)
			break;
		if (r < 0) {
			n->cb.on_bad_frame(c, n->arg);
			return -1;
		}
		n->cb.on_frame(c, payload, plen, conn_stamp(c, now), n->arg);
		off += (size_t)r;
	}
	return c->closing ? -1 : (int64_t)off;
}

/* Makes room for need bytes of partial frame (at most limit), charging the
 * net-wide input budget; a peer that would pass the budget is ended.
 * Returns 0 or -1 (connection closing). */
static int conn_reserve(struct conn *c, size_t need, size_t limit)
{
	struct net *n = c->net;
	size_t cap;

	if (need <= c->in_cap)
		return 0;
	cap = c->in_cap * 2 > need ? c->in_cap * 2 : need;
	if (cap > limit)
		cap = limit > need ? limit : need;
	if (cap < IN_MIN_CAP)
		cap = IN_MIN_CAP;
	if (n->in_bytes - c->in_cap + cap > n->lim.max_in_bytes) {
		log_debug(conn_tag(c),
			  "closing: input budget of %zu bytes spent",
			  n->lim.max_in_bytes);
		conn_end(c, NET_FULL_INPUT);
		return -1;
	}
	c->in = xrealloc(c->in, cap);
	n->in_bytes += cap - c->in_cap;
	c->in_cap = (uint32_t)cap;
	return 0;
}

/* Keeps the unparsed tail of a read: the start of a new frame. */
static void conn_keep(struct conn *c, const uint8_t *p, size_t len)
{
	size_t limit = FRAME_HEADER + c->frame_max;

	if (len >= FRAME_HEADER)
		limit = FRAME_HEADER + frame_len_of(p);
	if (conn_reserve(c, len, limit) < 0)
		return;
	memcpy(c->in, p, len);
	c->in_len = (uint32_t)len;
	c->since = net_now_us();
}

/* Appends to the carried partial frame the bytes of p that belong to it
 * (header first) and hands it up once whole. Returns the bytes of p used,
 * or -1 when the connection is closing. */
static int64_t conn_fill(struct conn *c, const uint8_t *p, size_t len)
{
	struct net *n = c->net;
	size_t take = 0, size, more;

	if (c->in_len < FRAME_HEADER) {
		take = FRAME_HEADER - c->in_len;
		if (take > len)
			take = len;
		memcpy(c->in + c->in_len, p, take); /* in_cap >= IN_MIN_CAP */
		c->in_len += (uint32_t)take;
		if (c->in_len < FRAME_HEADER)
			return (int64_t)take;
	}
	size = frame_len_of(c->in);
	if (size == 0 || size > c->frame_max) {
		n->cb.on_bad_frame(c, n->arg);
		return -1;
	}
	size += FRAME_HEADER;
	more = size - c->in_len;
	if (more > len - take)
		more = len - take;
	if (conn_reserve(c, c->in_len + more, size) < 0)
		return -1;
	memcpy(c->in + c->in_len, p + take, more);
	c->in_len += (uint32_t)more;
	take += more;
	if (c->in_len < size)
		return (int64_t)take;
	if (conn_frames(c, c->in, c->in_len) < 0)
		return -1;
	c->in_len = 0;
	if (c->in_cap > IN_KEEP_CAP) {
		n->in_bytes -= c->in_cap;
		free(c->in);
		c->in = NULL;
		c->in_cap = 0;
	}
	return (int64_t)take;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;
	int64_t used;
	const uint8_t *p = (const uint8_t *)buf->base;
	size_t len = nread > 0 ? (size_t)nread : 0;

	if (nread == UV_ENOBUFS)
		return; /* on_alloc found nothing to read: wait for the poll */
	if (nread < 0) {
		if (nread != UV_EOF)
			log_debug(conn_tag(c), "read: %s",
				  uv_strerror((int)nread));
		conn_close(c, 0);
		return;
	}
	if (len == 0 || c->closing)
		return;
	(void)net_stamp(c->net);
	if (c->in_len) {
		/* a frame is split across reads: complete it first */
		used = conn_fill(c, p, len);
		if (used < 0 || c->in_len)
			return;
		p += used;
		len -= (size_t)used;
	}
	used = conn_frames(c, p, len);
	if (used >= 0 && (size_t)used < len)
		conn_keep(c, p + used, len - (size_t)used);
}

/* Ends partial frames that took too long, and graceful closes that stall
 * (a peer that stopped reading never lets the shutdown complete). */
static void on_sweep(uv_timer_t *t)
{
	struct net *n = t->data;
	int64_t now = net_now_us();
	int64_t limit = (int64_t)n->lim.frame_timeout_ms * 1000;
	struct conn *c, *next;

	if (n->lim.conn_rate_per_addr)
		addr_sweep(n, now);
	for (c = n->conns; c; c = next) {
		next = c->next;
		if (c->remote)
			continue; /* the edge times its own peers */
		if (c->closing) {
			if (now - c->since > CLOSE_GRACE_US)
				conn_release(c);
			continue;
		}
		if (c->in_len && now - c->since > limit) {
			log_debug(conn_tag(c),
				  "closing: frame not completed in %u ms",
				  n->lim.frame_timeout_ms);
			conn_end(c, NET_FRAME_TIMEOUT);
		}
	}
}

/* Refuses an accepted socket that gets no struct conn: writes the notice
 * (it fits any fresh socket buffer), reads what the peer already sent so
 * that close() sends FIN rather than a reset that could destroy the
 * notice, and closes. */
static void net_refuse(struct net *n, int fd, enum net_notice what)
{
	struct wbuf *b = n->cb.notice ? n->cb.notice(what, n->arg) : NULL;
	int i;

	net_count_refusal(n, what);
	if (b) {
		(void)send(fd, b->data, b->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		wbuf_unref(b);
	}
	for (i = 0; i < 4; i++)
		if (recv(fd, n->chunk, READ_CHUNK, MSG_DONTWAIT) <= 0)
			break;
	close(fd);
}

/* Makes a struct conn of an accepted socket and starts reading it. */
static void conn_start(struct net *n, int fd, const char *ip)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->net = n;
	c->id = ++n->next_id;
	c->frame_max = FRAME_MAX;
	uv_tcp_init(n->loop, &c->tcp);
	c->tcp.data = c;
	c->next = n->conns;
	if (n->conns)
		n->conns->prev = c;
	n->conns = c;
	n->nconns++;
	c->addr = addr_get(n, ip);
	c->addr->n++;
	if (uv_tcp_open(&c->tcp, fd) < 0) {
		close(fd);
		conn_close(c, 0);
		return;
	}
	c->accepted_us = net_now_us();
	uv_tcp_nodelay(&c->tcp, 1);
	conn_enable_kstamps(c);
	c->announced = 1;
	n->cb.on_open(c, n->arg);
	if (!c->closing)
		uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

static void on_listen_io(uv_poll_t *p, int status, int events);

static void on_retry(uv_timer_t *t)
{
	struct net *n = t->data;

	if (!n->closing)
		uv_poll_start(&n->lpoll, UV_READABLE, on_listen_io);
}

/* At the fd limit: gives up the reserve fd to accept one peer, tells it the
 * server is full and closes it, then takes the reserve back (libuv would
 * close such peers without a word). Returns 0, or -1 when nothing more can
 * be accepted now (then accepting pauses briefly instead of spinning). */
static int net_accept_at_limit(struct net *n)
{
	int fd;

	if (n->reserve_fd < 0)
		n->reserve_fd = open("/dev/null", O_RDONLY);
	if (n->reserve_fd < 0)
		goto pause;
	close(n->reserve_fd);
	fd = accept(n->lfd, NULL, NULL);
	n->reserve_fd = -1;
	if (fd >= 0)
		net_refuse(n, fd, NET_FULL_FDS);
	n->reserve_fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		return 0;
pause:
	uv_poll_stop(&n->lpoll);
	uv_timer_start(&n->retry, on_retry, 100, 0);
	return -1;
}

/* Accepts pending peers (a batch per wake-up) and refuses, with a reason,
 * those over the connection caps. */
static void on_listen_io(uv_poll_t *p, int status, int events)
{
	struct net *n = p->data;
	int i;

	(void)events;
	if (status < 0) {
		log_warn("net", "listener: %s", uv_strerror(status));
		return;
	}
	for (i = 0; i < ACCEPT_BATCH && !n->closing; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char ip[48];
		int fd = accept(n->lfd, (struct sockaddr *)&ss, &len);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				if (net_accept_at_limit(n) < 0)
					return;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("net", "accept: %s", strerror(errno));
			return;
		}
		addr_text(&ss, ip, sizeof(ip));
		if (n->nconns >= n->lim.max_conns)
			net_refuse(n, fd, NET_FULL);
		else if (addr_conns(n, ip) >= n->lim.max_conns_per_addr)
			net_refuse(n, fd, NET_FULL_ADDR);
		else if (!addr_take(n, addr_get(n, ip)))
			net_refuse(n, fd, NET_RATE_ADDR);
		else
			conn_start(n, fd, ip);
	}
}

struct net *net_new(uv_loop_t *loop, const struct net_limits *lim,
		    const struct net_callbacks *cb, void *arg)
{
	struct net *n = xcalloc(1, sizeof(*n));
	uint64_t every;

	n->loop = loop;
	n->lim = *lim;
	if (n->lim.max_out_bytes > UINT32_MAX - READ_CHUNK)
		n->lim.max_out_bytes = UINT32_MAX - READ_CHUNK;
	n->cb = *cb;
	n->arg = arg;
	n->lfd = -1;
	n->reserve_fd = open("/dev/null", O_RDONLY);
	n->chunk = xmalloc(READ_CHUNK);
	uv_check_init(loop, &n->check);
	n->check.data = n;
	uv_check_start(&n->check, on_check);
	uv_unref((uv_handle_t *)&n->check);
	uv_timer_init(loop, &n->retry);
	n->retry.data = n;
	uv_timer_init(loop, &n->sweep);
	n->sweep.data = n;
	every = lim->frame_timeout_ms / 4;
	every = every < 20 ? 20 : every > 1000 ? 1000 : every;
	uv_timer_start(&n->sweep, on_sweep, every, every);
	uv_unref((uv_handle_t *)&n->sweep);
	uv_idle_init(loop, &n->idle);
	n->idle.data = n;
	n->handles_open = 4;
	return n;
}

int net_listen(struct net *n, const char *host, int port, int *bound)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int r, fd = -1, on = 1;

	memset(&ss, 0, sizeof(ss));
	r = uv_ip4_addr(host, port, (struct sockaddr_in *)&ss);
	if (r < 0)
		r = uv_ip6_addr(host, port, (struct sockaddr_in6 *)&ss);
	if (r < 0)
		return r;
	if (n->lfd >= 0)
		return -EALREADY;
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    bind(fd, (struct sockaddr *)&ss,
		 ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					  : sizeof(struct sockaddr_in)) < 0 ||
	    listen(fd, 4096) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		goto fail;
	r = uv_poll_init_socket(n->loop, &n->lpoll, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	n->lfd = fd;
	n->lpoll.data = n;
	n->handles_open++;
	uv_poll_start(&n->lpoll, UV_READABLE, on_listen_io);
	*bound = ntohs(ss.ss_family == AF_INET6
			   ? ((struct sockaddr_in6 *)&ss)->sin6_port
			   : ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
fail:
	r = -errno;
	close(fd);
	return r;
}

/* The listener's poll handle is closed: now its socket can be. */
static void on_listener_closed(uv_handle_t *h)
{
	struct net *n = h->data;

	close(n->lfd);
	n->lfd = -1;
	on_net_handle_closed(h);
}

void net_stop_listening(struct net *n)
{
	if (n->lfd < 0 || n->listener_closing)
		return;
	n->listener_closing = 1;
	uv_close((uv_handle_t *)&n->lpoll, on_listener_closed);
}

void net_close(struct net *n)
{
	struct conn *c, *next;

	n->closing = 1;
	for (c = n->conns; c; c = next) {
		next = c->next;
		conn_close(c, 0);
	}
	net_stop_listening(n);
	remote_settle(n); /* closes the idle once the pending closes ran */
	uv_close((uv_handle_t *)&n->check, on_net_handle_closed);
	uv_close((uv_handle_t *)&n->retry, on_net_handle_closed);
	uv_close((uv_handle_t *)&n->sweep, on_net_handle_closed);
}

/* Listener, connections, input framing and output queues. */
#include "net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "frame.h"
#include "log.h"
#include "xalloc.h"

#define READ_CHUNK (FRAME_HEADER + FRAME_MAX)
/* Bytes looked at (MSG_PEEK) before each read to find the frames in it; a
 * frame longer than this is dated by a second, copy-free peek. */
#define PEEK_MAX 2048
/* Frames one read may complete, each with its own kernel receive time. */
#define READ_STAMPS 32
#if defined(SO_TIMESTAMPNS) && !defined(SCM_TIMESTAMPNS)
#define SCM_TIMESTAMPNS SO_TIMESTAMPNS /* as Linux defines it */
#endif

struct net {
	uv_loop_t *loop;
	uv_tcp_t listener;
	uv_check_t check;
	struct net_limits lim;
	struct net_callbacks cb;
	void *arg;
	struct conn *conns; /* doubly linked list of live connections */
	uint32_t nconns;
	uint64_t next_id;
	int64_t stamp;	/* receive time of this loop iteration, 0 if unset */
	uint8_t *chunk; /* shared read buffer */
	int closing;
	int handles_open;
};

struct conn {
	uv_tcp_t tcp;
	struct net *net;
	struct conn *prev, *next;
	uint64_t id;
	char tag[24];
	char peer[48]; /* IP address text, the key of per-address limits */
	void *data;
	int64_t accepted_us; /* no byte of it arrived before this */
	/* kernel receive times of the frames the next read completes, in
	 * order: each the arrival of the segment holding the frame's last
	 * byte */
	int64_t stamps[READ_STAMPS];
	unsigned nstamps;
	int drained; /* the next read would find nothing: skip it */
	int kstamps; /* the socket delivers kernel receive timestamps */
	uint8_t *in; /* partial frame carried over between reads */
	size_t in_len, in_cap;
	size_t out_bytes;
	int closing;
	int announced; /* on_open was called */
	uv_shutdown_t shut;
};

struct wreq {
	uv_write_t req;
	struct conn *c;
	struct wbuf *b;
};

struct wbuf *wbuf_new(size_t len)
{
	struct wbuf *b = xmalloc(sizeof(*b) + len);

	b->refs = 1;
	b->len = len;
	return b;
}

void wbuf_ref(struct wbuf *b)
{
	b->refs++;
}

void wbuf_unref(struct wbuf *b)
{
	if (b && --b->refs == 0)
		free(b);
}

int64_t net_now_us(void)
{
	return (int64_t)(uv_hrtime() / 1000);
}

uint64_t conn_id(const struct conn *c)
{
	return c->id;
}
const char *conn_tag(const struct conn *c)
{
	return c->tag;
}
const char *conn_peer(const struct conn *c)
{
	return c->peer;
}

/* Records the peer's address text ("?" when it cannot be read). */
static void conn_read_peer(struct conn *c)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss), r;

	snprintf(c->peer, sizeof(c->peer), "?");
	if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET6)
		r = uv_ip6_name((struct sockaddr_in6 *)&ss, c->peer,
				sizeof(c->peer));
	else
		r = uv_ip4_name((struct sockaddr_in *)&ss, c->peer,
				sizeof(c->peer));
	if (r < 0)
		snprintf(c->peer, sizeof(c->peer), "?");
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
	if (n->closing && n->handles_open == 0 && n->nconns == 0) {
		free(n->chunk);
		free(n);
	}
}

/* Frees a connection once libuv has closed its handle. */
static void on_conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data;
	struct net *n = c->net;

	if (c->announced && n->cb.on_close)
		n->cb.on_close(c, n->arg);
	if (c->prev)
		c->prev->next = c->next;
	else
		n->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	n->nconns--;
	free(c->in);
	free(c);
	net_maybe_free(n);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct conn *c = req->data;

	(void)status;
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

void conn_close(struct conn *c, int graceful)
{
	if (c->closing)
		return;
	c->closing = 1;
	uv_read_stop((uv_stream_t *)&c->tcp);
	c->shut.data = c;
	if (graceful &&
	    uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown) == 0)
		return;
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static void on_write(uv_write_t *req, int status)
{
	struct wreq *w = (struct wreq *)req;

	w->c->out_bytes -= w->b->len;
	wbuf_unref(w->b);
	if (status < 0 && !w->c->closing) {
		log_debug(w->c->tag, "write failed: %s", uv_strerror(status));
		conn_close(w->c, 0);
	}
	free(w);
}

int conn_send(struct conn *c, struct wbuf *b)
{
	struct wreq *w;
	uv_buf_t buf;
	int r;

	if (c->closing)
		return -EPIPE;
	buf = uv_buf_init((char *)b->data, (unsigned)b->len);
	if (c->out_bytes == 0) {
		/* nothing queued: try to write it all now without allocating */
		r = uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);
		if (r == (int)b->len)
			return 0;
		if (r > 0) {
			buf.base += r;
			buf.len -= (size_t)r;
		} else if (r != UV_EAGAIN) {
			conn_close(c, 0);
			return -EPIPE;
		}
	}
	if (c->out_bytes + b->len > c->net->lim.max_out_bytes) {
		log_warn(c->tag,
			 "output queue over %zu bytes: dropping slow peer",
			 c->net->lim.max_out_bytes);
		conn_close(c, 0);
		return -ENOBUFS;
	}
	w = xmalloc(sizeof(*w));
	w->c = c;
	w->b = b;
	wbuf_ref(b);
	c->out_bytes += b->len;
	r = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_write);
	if (r < 0) {
		c->out_bytes -= b->len;
		wbuf_unref(b);
		free(w);
		conn_close(c, 0);
		return -EPIPE;
	}
	return 0;
}

/* Asks the kernel to timestamp each received segment (SO_TIMESTAMPNS). */
static void conn_enable_kstamps(struct conn *c)
{
#ifdef SO_TIMESTAMPNS
	uv_os_fd_t fd;
	int on = 1;

	if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == 0)
		c->kstamps = 1;
#else
	(void)c;
#endif
}

/* Peeks at up to len bytes of the socket without consuming them (into
 * buf, or copying nothing when buf is NULL) and sets *stamp to the
 * kernel's receive time, on our monotonic clock, of the last buffer the
 * peek reached; 0 if unknown. Linux TCP reports the SO_TIMESTAMPNS of the
 * last skb copied, and when it merges queued segments into one skb it
 * keeps the newest time: so a peek ending at a frame's last byte gives
 * the arrival of the segment that completed the frame, or of one after it,
 * never of one before. Returns the bytes seen, 0 at end of stream, or a
 * negative errno (-EAGAIN: nothing yet). libuv's stream reads drop
 * ancillary data, hence this peek before each read. */
static ssize_t conn_peek(struct conn *c, void *buf, size_t len, int64_t *stamp)
{
#ifdef SO_TIMESTAMPNS
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg;
	struct cmsghdr *cm;
	struct iovec iov;
	uv_os_fd_t fd;
	ssize_t n;

	*stamp = 0;
	if (uv_fileno((uv_handle_t *)&c->tcp, &fd) != 0)
		return -EBADF;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	/* MSG_TRUNC: TCP walks the bytes (and their timestamps) but copies
	 * nothing */
	do
		n = recvmsg(fd, &msg,
			    MSG_PEEK | MSG_DONTWAIT | (buf ? 0 : MSG_TRUNC));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts, rt, mono;
			int64_t real_now, mono_now, k;

			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			clock_gettime(CLOCK_REALTIME, &rt);
			clock_gettime(CLOCK_MONOTONIC, &mono);
			real_now =
			    (int64_t)rt.tv_sec * 1000000 + rt.tv_nsec / 1000;
			mono_now = (int64_t)mono.tv_sec * 1000000 +
				   mono.tv_nsec / 1000;
			k = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
			/* the same instant on the monotonic clock (uv_hrtime)
			 */
			*stamp = k - real_now + mono_now;
		}
	}
	return n;
#else
	(void)c;
	(void)buf;
	(void)len;
	*stamp = 0;
	return -ENOTSUP;
#endif
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
	uint8_t *p = c->net->chunk, hdr[FRAME_HEADER];
	size_t have, need, end, len, last = 0;
	int64_t stamp;
	ssize_t n, got;

	c->nstamps = 0;
	if (c->drained) {
		c->drained = 0;
		return 0;
	}
	n = conn_peek(c, p, PEEK_MAX, &stamp);
	if (n == -EAGAIN)
		return 0;
	if (n <= 0)
		return READ_CHUNK; /* end of stream or an error: let the read
				      report it */
	/* the frame under way may have begun in an earlier read */
	have = c->in_len < FRAME_HEADER ? c->in_len : FRAME_HEADER;
	need = FRAME_HEADER - have;
	if ((size_t)n < need)
		goto all; /* not even a whole header yet */
	if (have)
		memcpy(hdr, c->in, have);
	memcpy(hdr + have, p, need);
	len = frame_len_of(hdr);
	if (len == 0 || len > FRAME_MAX)
		goto all; /* the framing reports it */
	end = FRAME_HEADER + len - c->in_len;
	if (end > (size_t)n && n == PEEK_MAX) {
		/* a long frame: is the rest of it queued too? */
		got = conn_peek(c, NULL, end, &stamp);
		if (got == (ssize_t)end) {
			c->stamps[c->nstamps++] = stamp;
			return end;
		}
		if (got <= 0)
			return (size_t)n;
		c->drained = 1; /* got is all there is */
		return (size_t)got;
	}
	while (end <= (size_t)n && c->nstamps < READ_STAMPS) {
		int64_t s = stamp;

		if (end < (size_t)n &&
		    conn_peek(c, NULL, end, &s) != (ssize_t)end)
			s = 0;
		c->stamps[c->nstamps++] = s;
		last = end;
		if ((size_t)n - end < FRAME_HEADER)
			break;
		len = frame_len_of(p + end);
		if (len == 0 || len > FRAME_MAX)
			break; /* the framing reports it */
		end += FRAME_HEADER + len;
	}
	if (c->nstamps == READ_STAMPS)
		return last; /* the next read takes the rest */
all:
	if (n < PEEK_MAX)
		c->drained = 1; /* all that was queued */
	return (size_t)n;
}

/* Sizes the read (see conn_plan_read). A zero-length buffer makes libuv
 * call on_read with UV_ENOBUFS and wait for the next poll. */
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)suggested;
	buf->base = (char *)c->net->chunk;
	buf->len = c->kstamps ? conn_plan_read(c) : READ_CHUNK;
}

/* The receive time of the i-th frame a read completes: its kernel time
 * when that is sane (not later than now, not before the connection was
 * accepted) however long ago it was, else this loop iteration's. */
static int64_t conn_stamp(struct conn *c, unsigned i, int64_t now)
{
	int64_t k = i < c->nstamps ? c->stamps[i] : 0;

	if (k > 0 && k >= c->accepted_us && k <= now)
		return k;
	return net_stamp(c->net);
}

/* Hands every whole frame in buf upward, each with its receive time;
 * returns bytes consumed or -1 when the connection must close (bad frame,
 * or closed by the callback). */
static int64_t conn_frames(struct conn *c, const uint8_t *buf, size_t len)
{
	struct net *n = c->net;
	int64_t now = net_now_us();
	unsigned i = 0;
	size_t off = 0;

	while (off < len && !c->closing) {
		const uint8_t *payload;
		size_t plen;
		int64_t r = frame_parse(buf + off, len - off, &payload, &plen);

		if (r == 0)
			break;
		if (r < 0) {
			n->cb.on_bad_frame(c, n->arg);
			return -1;
		}
		n->cb.on_frame(c, payload, plen, conn_stamp(c, i++, now),
			       n->arg);
		off += (size_t)r;
	}
	return c->closing ? -1 : (int64_t)off;
}

/* Keeps the unparsed tail of a read for the next one. */
static void conn_keep(struct conn *c, const uint8_t *p, size_t len)
{
	if (len > c->in_cap) {
		c->in_cap = len < 256 ? 256 : len;
		c->in = xrealloc(c->in, c->in_cap);
	}
	memmove(c->in, p, len);
	c->in_len = len;
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
			log_debug(c->tag, "read: %s", uv_strerror((int)nread));
		conn_close(c, 0);
		return;
	}
	if (len == 0)
		return;
	(void)net_stamp(c->net);
	if (c->in_len) {
		/* a frame is split across reads: append what completes it */
		size_t need = c->in_len + len;

		if (need > c->in_cap) {
			c->in_cap = need;
			c->in = xrealloc(c->in, c->in_cap);
		}
		memcpy(c->in + c->in_len, p, len);
		c->in_len = need;
		used = conn_frames(c, c->in, c->in_len);
		if (used < 0)
			return;
		conn_keep(c, c->in + used, c->in_len - (size_t)used);
		if (c->in_len == 0 && c->in_cap > 4096) {
			free(c->in);
			c->in = NULL;
			c->in_cap = 0;
		}
		return;
	}
	used = conn_frames(c, p, len);
	if (used >= 0 && (size_t)used < len)
		conn_keep(c, p + used, len - (size_t)used);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct net *n = server->data;
	struct conn *c;

	if (status < 0) {
		log_warn("net", "accept: %s", uv_strerror(status));
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->net = n;
	c->id = ++n->next_id;
	snprintf(c->tag, sizeof(c->tag), "c%llu", (unsigned long long)c->id);
	uv_tcp_init(n->loop, &c->tcp);
	c->tcp.data = c;
	c->next = n->conns;
	if (n->conns)
		n->conns->prev = c;
	n->conns = c;
	n->nconns++;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
		conn_close(c, 0);
		return;
	}
	c->accepted_us = net_now_us();
	uv_tcp_nodelay(&c->tcp, 1);
	conn_read_peer(c);
	conn_enable_kstamps(c);
	if (n->nconns > n->lim.max_conns) {
		n->cb.on_full(c, n->arg);
		conn_close(c, 1);
		return;
	}
	c->announced = 1;
	n->cb.on_open(c, n->arg);
	if (!c->closing)
		uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

struct net *net_new(uv_loop_t *loop, const struct net_limits *lim,
		    const struct net_callbacks *cb, void *arg)
{
	struct net *n = xcalloc(1, sizeof(*n));

	n->loop = loop;
	n->lim = *lim;
	n->cb = *cb;
	n->arg = arg;
	n->chunk = xmalloc(READ_CHUNK);
	uv_tcp_init(loop, &n->listener);
	n->listener.data = n;
	uv_check_init(loop, &n->check);
	n->check.data = n;
	uv_check_start(&n->check, on_check);
	uv_unref((uv_handle_t *)&n->check);
	n->handles_open = 2;
	return n;
}

int net_listen(struct net *n, const char *host, int port, int *bound)
{
	struct sockaddr_storage ss;
	int r, len = sizeof(ss);

	r = uv_ip4_addr(host, port, (struct sockaddr_in *)&ss);
	if (r < 0)
		r = uv_ip6_addr(host, port, (struct sockaddr_in6 *)&ss);
	if (r < 0)
		return r;
	r = uv_tcp_bind(&n->listener, (struct sockaddr *)&ss, 0);
	if (r < 0)
		return r;
	r = uv_listen((uv_stream_t *)&n->listener, 4096, on_connection);
	if (r < 0)
		return r;
	r = uv_tcp_getsockname(&n->listener, (struct sockaddr *)&ss, &len);
	if (r < 0)
		return r;
	*bound = ntohs(ss.ss_family == AF_INET6
			   ? ((struct sockaddr_in6 *)&ss)->sin6_port
			   : ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

/* Frees the net once its own handles are closed. */
static void on_net_handle_closed(uv_handle_t *h)
{
	struct net *n = h->data;

	n->handles_open--;
	net_maybe_free(n);
}

void net_close(struct net *n)
{
	struct conn *c, *next;

	n->closing = 1;
	for (c = n->conns; c; c = next) {
		next = c->next;
		conn_close(c, 0);
	}
	uv_close((uv_handle_t *)&n->listener, on_net_handle_closed);
	uv_close((uv_handle_t *)&n->check, on_net_handle_closed);
}

/* One client connection: socket, framing, handshake and clock sync. */
#include "qconn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clocksync.h"
#include "draw.h"
#include "errors.h"
#include "frame.h"
#include "kstamp.h"
#include "quiz_limits.h"
#include "wire.h"

#ifndef QUIZ_VERSION
#define QUIZ_VERSION "0"
#endif

#define QCONN_READ_CHUNK     4096 /* read buffer grows by this much */
#define QCONN_IN_MAX	     (FRAME_HEADER + FRAME_MAX)
#define QCONN_DEFAULT_CLIENT "quizclient/" QUIZ_VERSION
#define QCONN_HOLD_US	     10000000 /* longest Ping hold for an unacked answer */
/* Hello.client, and the resume token and session limits */
#define QCONN_CLIENT_MAX QUIZ_CLIENT_NAME_MAX
#define QCONN_TOKEN_MAX	 QUIZ_TOKEN_INPUT_MAX

enum qconn_phase { QC_NEW, QC_CONNECTING, QC_HELLO, QC_READY };

struct qconn {
	uv_tcp_t tcp;
	uv_timer_t ping_timer;
	uv_connect_t connect_req;
	uv_loop_t *loop;
	struct qconn_callbacks cb;
	void *data;
	enum qconn_phase phase;
	int closing;
	int pending_close; /* handles not yet closed */
	int close_reason;
	struct sockaddr_storage peer;

	char client[QCONN_CLIENT_MAX + 1];
	char hello_token[QCONN_TOKEN_MAX + 1];
	unsigned ping_burst, ping_burst_ms, ping_interval_ms;
	size_t out_cap;
	unsigned formats; /* Hello.formats: bit (1 << RoundFormat) each */

	uint32_t seq;
	char session[QCONN_TOKEN_MAX + 1];
	char token[QCONN_TOKEN_MAX + 1];

	unsigned pings_sent;
	unsigned samples;
	/* an Answer awaiting its AnswerAck: our Pings wait (bytes that follow
	 * an answer unread by a stalled server can date it late) */
	uint32_t answer_seq;
	uint64_t answer_at;
	struct clocksync cs;

	uint8_t *in;
	size_t in_len, in_cap;
	int kstamps;	/* the socket delivers kernel receive timestamps */
	int64_t kstamp; /* the next read's frame arrived then (0: unknown) */
};

/* A queued write: the frame lives right after the request until the write
 * callback. */
struct qconn_write {
	uv_write_t req;
	struct qconn *c;
	size_t len;
	uint8_t buf[];
};

uint64_t qconn_now_us(void)
{
	return uv_hrtime() / 1000;
}

/* Copies at most cap bytes of a string; -EINVAL if it is longer. */
static int copy_bounded(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n > cap)
		return -EINVAL;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

/* Parses a decimal port 1..65535. */
static int parse_port(const char *s, int *port)
{
	long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (*s - '0');
		if (v > 65535)
			return -EINVAL;
	}
	if (v == 0)
		return -EINVAL;
	*port = (int)v;
	return 0;
}

int qconn_parse_addr(const char *hostport, struct sockaddr_storage *out)
{
	char host[64];
	const char *colon, *h = hostport;
	size_t hl;
	int port;

	if (!hostport)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (*h == '[') {
		const char *end = strchr(h, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		hl = (size_t)(end - h - 1);
		if (hl == 0 || hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, h + 1, hl);
		host[hl] = '\0';
		if (parse_port(end + 2, &port) < 0)
			return -EINVAL;
		if (uv_ip6_addr(host, port, (struct sockaddr_in6 *)out) < 0)
			return -EINVAL;
		return 0;
	}
	colon = strrchr(h, ':');
	if (!colon)
		return -EINVAL;
	hl = (size_t)(colon - h);
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (strchr(host, ':')) /* bare IPv6 needs brackets */
		return -EINVAL;
	if (parse_port(colon + 1, &port) < 0)
		return -EINVAL;
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (uv_ip4_addr(host, port, (struct sockaddr_in *)out) < 0)
		return -EINVAL;
	return 0;
}

struct qconn *qconn_new(uv_loop_t *loop, const struct qconn_callbacks *cb,
			void *data)
{
	struct qconn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (uv_tcp_init(loop, &c->tcp) < 0) {
		free(c);
		return NULL;
	}
	uv_timer_init(loop, &c->ping_timer);
	c->tcp.data = c;
	c->ping_timer.data = c;
	c->loop = loop;
	if (cb)
		c->cb = *cb;
	c->data = data;
	strcpy(c->client, QCONN_DEFAULT_CLIENT);
	c->ping_burst = 5;
	c->ping_burst_ms = 50;
	c->ping_interval_ms = 2000;
	c->out_cap = 1 << 20;
	c->formats = QCONN_FORMATS_DEFAULT;
	return c;
}

int qconn_configure(struct qconn *c, const struct qconn_options *opt)
{
	if (c->phase != QC_NEW)
		return -EBUSY;
	if ((opt->client && strlen(opt->client) > QCONN_CLIENT_MAX) ||
	    (opt->resume_token && strlen(opt->resume_token) > QCONN_TOKEN_MAX))
		return -EINVAL;
	if (opt->client)
		copy_bounded(c->client, QCONN_CLIENT_MAX, opt->client);
	if (opt->resume_token)
		copy_bounded(c->hello_token, QCONN_TOKEN_MAX,
			     opt->resume_token);
	if (opt->ping_burst)
		c->ping_burst = opt->ping_burst;
	if (opt->ping_burst_ms)
		c->ping_burst_ms = opt->ping_burst_ms;
	if (opt->ping_interval_ms)
		c->ping_interval_ms = opt->ping_interval_ms;
	if (opt->out_cap)
		c->out_cap = opt->out_cap;
	if (opt->formats)
		c->formats = opt->formats;
	return 0;
}

/* Runs when each of our handles is closed; the last one frees. */
static void on_handle_closed(uv_handle_t *h)
{
	struct qconn *c = h->data;

	if (--c->pending_close > 0)
		return;
	if (c->cb.on_close)
		c->cb.on_close(c, c->close_reason);
	free(c->in);
	free(c);
}

/* Starts closing with a reason; later calls keep the first reason. */
static void qconn_shut(struct qconn *c, int reason)
{
	if (c->closing)
		return;
	c->closing = 1;
	c->close_reason = reason;
	c->pending_close = 2;
	uv_close((uv_handle_t *)&c->ping_timer, on_handle_closed);
	uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
}

void qconn_close(struct qconn *c)
{
	if (c)
		qconn_shut(c, 0);
}

void qconn_free(struct qconn *c)
{
	qconn_close(c);
}

/* Frees a write once the kernel has the bytes (or the write failed). */
static void on_written(uv_write_t *req, int status)
{
	struct qconn_write *w = (struct qconn_write *)req;
	struct qconn *c = w->c;

	free(w);
	if (status < 0 && status != UV_ECANCELED)
		qconn_shut(c, status);
}

int64_t qconn_send(struct qconn *c, Quiz__V1__Envelope *env)
{
	struct qconn_write *w;
	size_t n;
	uv_buf_t buf;
	int rc;

	if (c->closing || c->phase < QC_HELLO)
		return -EPIPE;
	if (++c->seq == 0) /* seq 0 is for server pushes */
		c->seq = 1;
	env->seq = c->seq;
	if (env->body_case == QUIZ__V1__ENVELOPE__BODY_ANSWER) {
		c->answer_seq = c->seq;
		c->answer_at = qconn_now_us();
	}
	n = wire_frame_size(env);
	if (n <= FRAME_HEADER || n > QCONN_IN_MAX)
		return -QE_BAD_FRAME;
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) + n >
	    c->out_cap)
		return -ENOBUFS;
	w = malloc(sizeof(*w) + n);
	if (!w)
		return -ENOMEM;
	w->c = c;
	w->len = n;
	if (wire_pack_at(env, w->buf, 0, n) < 0) {
		free(w);
		return -QE_BAD_FRAME;
	}
	buf = uv_buf_init((char *)w->buf, (unsigned)n);
	rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_written);
	if (rc < 0) {
		free(w);
		return rc;
	}
	return env->seq;
}

/* Sends one Ping carrying our clock. */
static void send_ping(struct qconn *c)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ping p = QUIZ__V1__PING__INIT;

	env.body_case = QUIZ__V1__ENVELOPE__BODY_PING;
	env.ping = &p;
	p.t0 = qconn_now_us();
	(void)qconn_send(c, &env);
}

/* Ping schedule: a quick burst after Welcome, then a slow refresh. */
static void on_ping_timer(uv_timer_t *t)
{
	struct qconn *c = t->data;

	if (c->answer_seq && qconn_now_us() - c->answer_at < QCONN_HOLD_US)
		return;
	send_ping(c);
	if (++c->pings_sent == c->ping_burst) {
		if (c->ping_interval_ms)
			uv_timer_set_repeat(t, c->ping_interval_ms);
		else
			uv_timer_stop(t);
	}
}

/* Answers the server's Ping so it can estimate our delay. */
static void answer_ping(struct qconn *c, const Quiz__V1__Ping *p,
			uint64_t recv_us)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;

	env.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
	env.pong = &pong;
	pong.t0 = p->t0;
	pong.t1 = recv_us;
	pong.t2 = qconn_now_us();
	(void)qconn_send(c, &env);
}

/* A Pong to one of our Pings: one more clock-sync sample. */
static void take_pong(struct qconn *c, const Quiz__V1__Pong *p,
		      uint64_t recv_us)
{
	if (p->t0 == 0 || p->t0 > recv_us)
		return; /* not one of ours */
	if (clocksync_add(&c->cs, (int64_t)p->t0, (int64_t)p->t1,
			  (int64_t)p->t2, (int64_t)recv_us) == 0)
		c->samples++;
}

/* Stores the Welcome and starts the clock-sync pings. */
static void take_welcome(struct qconn *c, const Quiz__V1__Welcome *w)
{
	copy_bounded(c->session, QCONN_TOKEN_MAX,
		     strlen(w->session) <= QCONN_TOKEN_MAX ? w->session : "");
	copy_bounded(
	    c->token, QCONN_TOKEN_MAX,
	    strlen(w->resume_token) <= QCONN_TOKEN_MAX ? w->resume_token : "");
	c->phase = QC_READY;
	c->pings_sent = 0;
	if (c->ping_burst)
		uv_timer_start(&c->ping_timer, on_ping_timer, 0,
			       c->ping_burst_ms);
}

/* Handles one decoded envelope. */
static void dispatch(struct qconn *c, const Quiz__V1__Envelope *env,
		     uint64_t recv_us)
{
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_PING:
		answer_ping(c, env->ping, recv_us);
		return;
	case QUIZ__V1__ENVELOPE__BODY_PONG:
		take_pong(c, env->pong, recv_us);
		return;
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		if (c->phase == QC_HELLO)
			take_welcome(c, env->welcome);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK:
		if (env->seq == c->answer_seq)
			c->answer_seq = 0;
		break;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		if (env->error->ref_seq == c->answer_seq)
			c->answer_seq = 0;
		break;
	default:
		break;
	}
	if (c->cb.on_message)
		c->cb.on_message(c, env, recv_us);
}

/* With kernel receive timestamps: sizes the next read to end at the end
 * of the frame in progress when all of it is queued, and dates it by the
 * segment that completed it (c->kstamp), so a frame is timed by its
 * arrival, not by when a busy loop read it (quiz-bench reads thousands of
 * sockets in one loop; a Pong dated late skews the clock sync). dst is
 * where the read goes (room bytes). Returns the bytes to read: room when
 * nothing can be planned (an incomplete frame, or nothing queued: the
 * read reports it); never 0. */
static size_t plan_read(struct qconn *c, uint8_t *dst, size_t room)
{
	uint8_t hdr[FRAME_HEADER];
	size_t have = c->in_len, len, need;
	int64_t stamp;
	uv_os_fd_t fd;
	ssize_t n;

	c->kstamp = 0;
	if (uv_fileno((uv_handle_t *)&c->tcp, &fd) != 0)
		return room;
	if (have < FRAME_HEADER) {
		need = FRAME_HEADER - have;
		if (room < need)
			return room;
		n = kstamp_peek(fd, dst, need, &stamp);
		if (n < (ssize_t)need)
			return room;
		memcpy(hdr, c->in, have);
		memcpy(hdr + have, dst, need);
	} else {
		memcpy(hdr, c->in, FRAME_HEADER);
	}
	len = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 |
	      (size_t)hdr[2] << 8 | hdr[3];
	if (len == 0 || len > FRAME_MAX)
		return room; /* the framing reports it */
	need = FRAME_HEADER + len - have;
	if (need > room)
		return room;
	n = kstamp_peek(fd, NULL, need, &stamp);
	if (n != (ssize_t)need)
		return room; /* not all here yet */
	c->kstamp = stamp;
	return need;
}

/* Gives libuv room at the end of the input buffer, enough for the frame in
 * progress when its header is known. */
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct qconn *c = h->data;
	size_t want = c->in_len + QCONN_READ_CHUNK;
	const uint8_t *p = c->in;
	size_t need;

	(void)suggested;
	if (c->in_len >= FRAME_HEADER) {
		need = FRAME_HEADER + ((size_t)p[0] << 24 | (size_t)p[1] << 16 |
				       (size_t)p[2] << 8 | p[3]);
		if (need > want)
			want = need;
	}
	if (want > QCONN_IN_MAX)
		want = QCONN_IN_MAX;
	if (c->in_cap < want) {
		uint8_t *n = realloc(c->in, want);

		if (n) {
			c->in = n;
			c->in_cap = want;
		}
	}
	buf->base = (char *)c->in + c->in_len;
	buf->len = c->in_cap - c->in_len; /* 0 -> UV_ENOBUFS -> closed */
	if (c->kstamps && buf->len)
		buf->len = plan_read(c, (uint8_t *)buf->base, buf->len);
}

/* Takes every whole frame out of the input buffer. */
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct qconn *c = s->data;
	uint64_t recv_us = qconn_now_us();
	size_t off = 0;

	/* the kernel's time when sane (not in the future) */
	if (c->kstamp > 0 && (uint64_t)c->kstamp <= recv_us)
		recv_us = (uint64_t)c->kstamp;
	c->kstamp = 0;

	(void)buf;
	if (nread < 0) {
		qconn_shut(c, (int)nread);
		return;
	}
	c->in_len += (size_t)nread;
	while (!c->closing) {
		const uint8_t *payload;
		size_t plen;
		int64_t n =
		    frame_parse(c->in + off, c->in_len - off, &payload, &plen);
		Quiz__V1__Envelope *env;

		if (n == 0)
			break;
		if (n < 0) {
			qconn_shut(c, -QE_BAD_FRAME);
			return;
		}
		env = wire_unpack(payload, plen);
		if (!env) {
			qconn_shut(c, -QE_BAD_MESSAGE);
			return;
		}
		off += (size_t)n;
		dispatch(c, env, recv_us);
		wire_free(env);
	}
	if (c->closing)
		return;
	if (off) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
	if (c->in_len == 0 && c->in_cap > 4 * QCONN_READ_CHUNK) {
		free(c->in); /* a big frame went through: give it back */
		c->in = NULL;
		c->in_cap = 0;
	}
}

/* Connected: read, and say Hello first. */
static void on_connected(uv_connect_t *req, int status)
{
	struct qconn *c = req->data;
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	Quiz__V1__RoundFormat formats[32];
	size_t n_formats = 0;
	unsigned f;
	int64_t rc;

	if (c->closing)
		return; /* UV_ECANCELED after qconn_close() */
	if (status == 0)
		status =
		    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
	if (status == 0) {
		uv_os_fd_t fd;

		c->phase = QC_HELLO;
		uv_tcp_nodelay(&c->tcp, 1);
		if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0)
			c->kstamps = kstamp_enable(fd);
		env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
		env.hello = &h;
		h.protocol_version = QUIZ_PROTOCOL_VERSION;
		h.client = c->client;
		h.resume_token = c->hello_token;
		for (f = 0; f < 32; f++)
			if (c->formats & (1u << f))
				formats[n_formats++] = (Quiz__V1__RoundFormat)f;
		h.formats = formats;
		h.n_formats = n_formats;
		rc = qconn_send(c, &env);
		if (rc < 0)
			status = (int)rc;
	}
	if (c->cb.on_connect)
		c->cb.on_connect(c, status);
	if (status < 0)
		qconn_shut(c, status);
}

int qconn_connect(struct qconn *c, const struct sockaddr *addr)
{
	size_t len = addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						 : sizeof(struct sockaddr_in);
	int rc;

	if (c->phase != QC_NEW || c->closing)
		return UV_EALREADY;
	memcpy(&c->peer, addr, len);
	c->connect_req.data = c;
	rc = uv_tcp_connect(&c->connect_req, &c->tcp, addr, on_connected);
	if (rc == 0)
		c->phase = QC_CONNECTING;
	return rc;
}

void *qconn_data(const struct qconn *c)
{
	return c->data;
}

void qconn_set_data(struct qconn *c, void *data)
{
	c->data = data;
}

uv_loop_t *qconn_loop(const struct qconn *c)
{
	return c->loop;
}

int qconn_welcomed(const struct qconn *c)
{
	return c->phase == QC_READY;
}

int qconn_closing(const struct qconn *c)
{
	return c->closing;
}

const char *qconn_session(const struct qconn *c)
{
	return c->session;
}

const char *qconn_resume_token(const struct qconn *c)
{
	return c->token;
}

const struct sockaddr *qconn_peer(const struct qconn *c)
{
	return (const struct sockaddr *)&c->peer;
}

unsigned qconn_sync_samples(const struct qconn *c)
{
	return c->samples;
}

int64_t qconn_offset_us(const struct qconn *c)
{
	struct clocksync_sample b;

	return clocksync_best(&c->cs, &b) ? b.offset : 0;
}

int64_t qconn_rtt_us(const struct qconn *c)
{
	struct clocksync_sample b;

	return clocksync_best(&c->cs, &b) ? b.delay : -1;
}

uint64_t qconn_server_now(const struct qconn *c)
{
	return qconn_to_server(c, qconn_now_us());
}

uint64_t qconn_to_local(const struct qconn *c, uint64_t server_us)
{
	return (uint64_t)((int64_t)server_us - qconn_offset_us(c));
}

uint64_t qconn_to_server(const struct qconn *c, uint64_t local_us)
{
	return (uint64_t)((int64_t)local_us + qconn_offset_us(c));
}

unsigned qconn_backoff(unsigned *cap_ms, uint64_t *rng)
{
	unsigned cap =
	    *cap_ms < QCONN_BACKOFF_MIN_MS ? QCONN_BACKOFF_MIN_MS : *cap_ms;
	unsigned d =
	    QCONN_BACKOFF_MIN_MS +
	    (unsigned)(draw_rand(rng) % (cap - QCONN_BACKOFF_MIN_MS + 1));

	*cap_ms =
	    cap * 2 > QCONN_BACKOFF_MAX_MS ? QCONN_BACKOFF_MAX_MS : cap * 2;
	return d;
}

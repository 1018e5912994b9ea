/* quiz-floor's sockets: the listener, reads reassembled into whole frames
 * (at most FLOOR_IN_MAX bytes kept per peer), and writes done as quizd's
 * server/net.c does them: a frame packed once, uv_try_write while nothing
 * is queued, else uv_write holding a reference; a peer over FLOOR_OUT_MAX
 * queued is dropped. */
#include "floor_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "wire.h"

/* The server clock (see floor_int.h). */
uint64_t floor_now_us(void)
{
	return uv_hrtime() / 1000; /* quizd's net_now_us() */
}

/* Packs env as one frame with one reference, or NULL (too large). */
struct fbuf *floor_pack(const Quiz__V1__Envelope *env)
{
	size_t n = wire_frame_size(env);
	struct fbuf *b;

	if (n <= FRAME_HEADER || n > FRAME_HEADER + FRAME_MAX)
		return NULL;
	b = malloc(sizeof(*b) + n);
	if (!b)
		return NULL;
	b->refs = 1;
	b->len = n;
	if (wire_pack_at(env, b->data, 0, n) < 0) {
		free(b);
		return NULL;
	}
	return b;
}

/* Drops a reference; frees at zero. */
void floor_unref(struct fbuf *b)
{
	if (b && --b->refs == 0)
		free(b);
}

/* Frees a connection once libuv has closed its handle. */
static void on_conn_closed(uv_handle_t *h)
{
	struct fconn *c = h->data;
	struct floor *f = c->f;

	if (c->prev)
		c->prev->next = c->next;
	else
		f->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	f->nconns--;
	if (c->id) {
		f->seats[c->id] = NULL;
		f->left++;
	}
	free(c->in);
	free(c);
	floor_check_end(f);
}

/* The queued output is flushed (or failed): close. */
static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct fconn *c = req->data;

	(void)status;
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

/* Closes a connection, after its queued output when graceful. */
void floor_conn_close(struct fconn *c, int graceful)
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

/* A queued write is done: its reference dropped, a failed peer closed. */
static void on_write(uv_write_t *req, int status)
{
	struct fwreq *w = (struct fwreq *)req;

	w->c->out_bytes -= w->b->len;
	floor_unref(w->b);
	if (status < 0)
		floor_conn_close(w->c, 0);
	free(w);
}

/* Writes one frame as quizd's conn_send does: at once with uv_try_write
 * when nothing is queued, the rest through uv_write holding a reference;
 * a peer whose queue would pass FLOOR_OUT_MAX is dropped. */
static void conn_send(struct fconn *c, struct fbuf *b)
{
	struct floor *f = c->f;
	struct fwreq *w;
	uv_buf_t buf;
	int r;

	if (c->closing)
		return;
	buf = uv_buf_init((char *)b->data, (unsigned)b->len);
	if (c->out_bytes == 0) {
		r = uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);
		if (r == (int)b->len) {
			f->writes_whole++;
			return;
		}
		if (r > 0) {
			f->writes_partial++;
			buf.base += r;
			buf.len -= (size_t)r;
		} else if (r != UV_EAGAIN) {
			floor_conn_close(c, 0);
			return;
		}
	}
	if (c->out_bytes + b->len > FLOOR_OUT_MAX) {
		f->dropped_slow++;
		floor_conn_close(c, 0);
		return;
	}
	w = malloc(sizeof(*w));
	if (!w) {
		floor_conn_close(c, 0);
		return;
	}
	f->writes_queued++;
	w->c = c;
	w->b = b;
	b->refs++;
	c->out_bytes += b->len;
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_write) < 0) {
		c->out_bytes -= b->len;
		floor_unref(b);
		free(w);
		floor_conn_close(c, 0);
	}
}

/* Packs env and writes it to one connection. */
void floor_conn_send_env(struct fconn *c, const Quiz__V1__Envelope *env)
{
	struct fbuf *b = floor_pack(env);

	if (!b)
		return;
	conn_send(c, b);
	floor_unref(b);
}

/* Sends an Error replying to seq and closes once it is written. */
void floor_conn_fail(struct fconn *c, Quiz__V1__ErrorCode code, uint32_t seq,
		     const char *msg)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Error e = QUIZ__V1__ERROR__INIT;

	e.code = code;
	e.message = (char *)msg;
	e.ref_seq = seq;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ERROR;
	env.error = &e;
	c->f->bad_peers++;
	floor_conn_send_env(c, &env);
	floor_conn_close(c, 1);
}

/* The payload length a frame header announces (big-endian). */
static size_t header_len(const uint8_t *h)
{
	return (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 |
	       h[3];
}

/* Keeps the start of a frame that has not all come yet. 0 or -ENOMEM. */
static int conn_keep(struct fconn *c, const uint8_t *p, size_t n)
{
	if (!c->in && !(c->in = malloc(FLOOR_IN_MAX)))
		return -ENOMEM;
	memcpy(c->in, p, n);
	c->in_len = n;
	return 0;
}

/* Takes n bytes read from c: whole frames at once, the start of one
 * kept (its length checked from the header before anything is kept past
 * it, so at most FLOOR_IN_MAX bytes). */
static void conn_input(struct fconn *c, const uint8_t *p, size_t n,
		       uint64_t recv)
{
	const uint8_t *frame;
	size_t have, need, k, len;

	while (n && !c->closing) {
		frame = p;
		have = n;
		len = 0;
		if (c->in_len) { /* complete the frame under way */
			need = c->in_len < FRAME_HEADER
				   ? FRAME_HEADER
				   : FRAME_HEADER + header_len(c->in);
			k = need - c->in_len < n ? need - c->in_len : n;
			memcpy(c->in + c->in_len, p, k);
			c->in_len += k;
			p += k;
			n -= k;
			frame = c->in;
			have = c->in_len;
		}
		if (have >= FRAME_HEADER) {
			len = header_len(frame);
			if (len == 0 || len > FLOOR_IN_MAX - FRAME_HEADER) {
				floor_conn_fail(c,
						QUIZ__V1__ERROR_CODE__BAD_FRAME,
						0, "bad frame length");
				return;
			}
		}
		if (have < FRAME_HEADER || have < FRAME_HEADER + len) {
			if (frame == c->in)
				continue; /* the rest of p, if any */
			if (conn_keep(c, p, n) < 0)
				floor_conn_close(c, 0);
			return;
		}
		floor_frame(c, frame + FRAME_HEADER, len, recv);
		if (frame == c->in) {
			c->in_len = 0;
			free(c->in);
			c->in = NULL;
		} else {
			p += FRAME_HEADER + len;
			n -= FRAME_HEADER + len;
		}
	}
}

/* Every read goes into the one shared chunk (quizd reads the same way). */
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct fconn *c = h->data;

	(void)suggested;
	buf->base = (char *)c->f->chunk;
	buf->len = FLOOR_READ_CHUNK;
}

/* Bytes from a peer, or its end. */
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct fconn *c = s->data;

	/* t1 of a Pong: when the read came (quizd takes the kernel's
	 * receive stamp; an idle floor reads at once) */
	if (nread > 0)
		conn_input(c, (const uint8_t *)buf->base, (size_t)nread,
			   floor_now_us());
	else if (nread < 0)
		floor_conn_close(c, 0);
}

/* A peer connects: taken up to --players + FLOOR_SPARE_CONNS at once. */
static void on_connection(uv_stream_t *server, int status)
{
	struct floor *f = server->data;
	struct fconn *c;

	if (status < 0 || f->stopping)
		return;
	c = calloc(1, sizeof(*c));
	if (!c || uv_tcp_init(f->loop, &c->tcp) < 0) {
		free(c);
		return;
	}
	c->f = f;
	c->tcp.data = c;
	c->next = f->conns;
	if (f->conns)
		f->conns->prev = c;
	f->conns = c;
	f->nconns++;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
		floor_conn_close(c, 0);
		return;
	}
	if (f->nconns > f->o.players + FLOOR_SPARE_CONNS) {
		f->refused++;
		floor_conn_close(c, 0);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0)
		floor_conn_close(c, 0);
}

/* Writes one packed broadcast to every seated contestant, in seat
 * order (quizd's push_bcast); returns how long the writes took. */
uint64_t floor_bcast(struct floor *f, struct fbuf *b, uint64_t start)
{
	unsigned i;

	for (i = 1; i <= f->joined; i++)
		if (f->seats[i])
			conn_send(f->seats[i], b);
	return floor_now_us() - start;
}

/* Binds and listens; writes --port-file. 0 or a negative libuv error. */
int floor_listen(struct floor *f)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss), r;
	FILE *pf;

	memset(&ss, 0, sizeof(ss));
	r = uv_ip4_addr(f->o.host, f->o.port, (struct sockaddr_in *)&ss);
	if (r < 0)
		r = uv_ip6_addr(f->o.host, f->o.port,
				(struct sockaddr_in6 *)&ss);
	if (r < 0)
		return r;
	f->server.data = f;
	if ((r = uv_tcp_bind(&f->server, (struct sockaddr *)&ss, 0)) < 0 ||
	    (r = uv_listen((uv_stream_t *)&f->server, 4096, on_connection)) <
		0 ||
	    (r = uv_tcp_getsockname(&f->server, (struct sockaddr *)&ss, &len)) <
		0)
		return r;
	if (f->o.port_file) {
		pf = fopen(f->o.port_file, "w");
		if (!pf)
			return -errno;
		fprintf(pf, "%d\n",
			ntohs(ss.ss_family == AF_INET6
				  ? ((struct sockaddr_in6 *)&ss)->sin6_port
				  : ((struct sockaddr_in *)&ss)->sin_port));
		if (fclose(pf) != 0)
			return -errno;
	}
	return 0;
}

/* quiz-bench's injected delays (--delay-ms, --delay-up-ms, --delay-down-ms,
 * --jitter-ms): an in-process TCP relay. Each contestant's qconn connects to
 * a listener of ours on 127.0.0.1; the relay opens its own connection to
 * quizd and copies the bytes both ways, each chunk held until its due time:
 * due = max(previous due of that direction, read time + delay + jitter).
 * Everything the contestant sends (Hello, Pong, Ping, Answer, Buzz ...)
 * waits its up delay, everything quizd sends waits the down delay, so the
 * clock sync on both sides only ever sees real-looking traffic and the
 * byte stream is never reordered. The due times are kept by one timerfd
 * (CLOCK_MONOTONIC, the clock of qconn_now_us()), to the microsecond, not
 * by libuv's millisecond timers. The relay runs its own libuv loop in its
 * own thread, so the contestants' work in the main loop (1,000 sockets
 * decoding a broadcast) does not hold the bytes of others past their due
 * time; how late it still was is counted (relay_late_us in the report).
 * The host connection does not go through here.
 *
 * Which accepted connection is which contestant: the main thread connects
 * the contestants one at a time (the next only once the previous connect
 * completed, i.e. sits in our accept queue) and appends each one's delays
 * to a FIFO before connecting; the relay takes the FIFO's head for each
 * connection it accepts. */
#define _GNU_SOURCE /* syscall(SYS_gettid): a thread's own nice value */
#include "bench_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "bench_stats.h"
#include "qconn.h"

/* One chunk of bytes read from one side, waiting to be written to the
 * other. len 0: the source closed (quizd's EOF travels down delayed). */
struct relay_chunk {
	uv_write_t req;
	struct relay *r;
	int up; /* 1: contestant to quizd */
	uint64_t due, seq;
	size_t len;
	char data[];
};

/* One contestant's link as the main thread hands it over. */
struct relay_spec {
	int64_t up_us, down_us, jitter_us;
	uint64_t rng;
	struct sockaddr_storage server; /* its --connect address */
};

/* One contestant's relayed connection. */
struct relay {
	struct relay_set *rs;
	uv_tcp_t in;  /* accepted: the contestant's qconn */
	uv_tcp_t out; /* ours, to quizd */
	uv_connect_t creq;
	int64_t up_us, down_us, jitter_us;
	uint64_t last_due[2]; /* [0] down, [1] up */
	uint64_t rng;
	unsigned pending; /* chunks not yet written or freed */
	int closing, closed;
	struct relay *next; /* b->relays */
};

/* The relay's state (one per bench). Everything but the FIFO (under mu)
 * and the counters (read after the join) belongs to the relay thread. */
struct relay_set {
	uv_loop_t loop;
	uv_thread_t thread;
	uv_async_t stop;
	uv_mutex_t mu;
	struct relay_spec *fifo; /* one per contestant, in connect order */
	unsigned fifo_n, fifo_head, fifo_cap;
	uint64_t late_n, late_sum, late_max, late_500, late_1000;
	uv_tcp_t listener;
	uv_poll_t poll;
	int tfd;
	uint64_t armed; /* due time the timerfd is set for, 0: none */
	struct relay_chunk **heap;
	size_t n, cap;
	uint64_t seq;
	struct relay *relays;
	int stopping, running;
	uint64_t seed; /* --seed, or the random one of a run without it */
};

static char relay_rbuf[65536];

/* splitmix64, per relay (its jitter). */
static uint64_t relay_rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Whether chunk a is due before chunk b (due time, then arrival). */
static int chunk_before(const struct relay_chunk *a,
			const struct relay_chunk *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

/* Pushes a chunk on the min-heap. */
static int heap_push(struct relay_set *rs, struct relay_chunk *c)
{
	size_t i, up;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 1024;
		struct relay_chunk **h = realloc(rs->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		rs->heap = h;
		rs->cap = cap;
	}
	i = rs->n++;
	while (i > 0) {
		up = (i - 1) / 2;
		if (!chunk_before(c, rs->heap[up]))
			break;
		rs->heap[i] = rs->heap[up];
		i = up;
	}
	rs->heap[i] = c;
	return 0;
}

/* Pops the earliest chunk of the heap (n > 0). */
static struct relay_chunk *heap_pop(struct relay_set *rs)
{
	struct relay_chunk *top = rs->heap[0], *last = rs->heap[--rs->n];
	size_t i = 0, k;

	while ((k = 2 * i + 1) < rs->n) {
		if (k + 1 < rs->n && chunk_before(rs->heap[k + 1], rs->heap[k]))
			k++;
		if (!chunk_before(rs->heap[k], last))
			break;
		rs->heap[i] = rs->heap[k];
		i = k;
	}
	if (rs->n)
		rs->heap[i] = last;
	return top;
}

/* Frees a relay once both handles are closed and no chunk refers to it. */
static void relay_maybe_free(struct relay *r)
{
	struct relay_set *rs;
	struct relay **pp;

	if (r->closed < 2 || r->pending)
		return;
	rs = r->rs;
	for (pp = &rs->relays; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	free(r);
}

/* A relay handle closed. */
static void relay_on_closed(uv_handle_t *h)
{
	struct relay *r = h->data;

	r->closed++;
	relay_maybe_free(r);
}

/* Closes both sides of a relay (idempotent). */
static void relay_close(struct relay *r)
{
	if (r->closing)
		return;
	r->closing = 1;
	uv_close((uv_handle_t *)&r->in, relay_on_closed);
	uv_close((uv_handle_t *)&r->out, relay_on_closed);
}

/* Drops a chunk. */
static void chunk_free(struct relay_chunk *c)
{
	struct relay *r = c->r;

	r->pending--;
	free(c);
	relay_maybe_free(r);
}

/* A chunk was written (or cancelled by a close). */
static void relay_on_write(uv_write_t *req, int status)
{
	struct relay_chunk *c = req->data;

	if (status < 0)
		relay_close(c->r);
	chunk_free(c);
}

/* Writes a due chunk to its destination (a close marker closes). */
static void chunk_deliver(struct relay_chunk *c)
{
	struct relay *r = c->r;
	uv_buf_t buf;

	if (r->closing || c->len == 0) {
		if (c->len == 0)
			relay_close(r);
		chunk_free(c);
		return;
	}
	buf = uv_buf_init(c->data, (unsigned)c->len);
	c->req.data = c;
	if (uv_write(&c->req, (uv_stream_t *)(c->up ? &r->out : &r->in), &buf,
		     1, relay_on_write) < 0) {
		relay_close(r);
		chunk_free(c);
	}
}

/* Sets the timerfd for the earliest due chunk (or disarms it). */
static void relay_arm(struct relay_set *rs)
{
	struct itimerspec its;
	uint64_t due = rs->n ? rs->heap[0]->due : 0;

	if (due == rs->armed)
		return;
	memset(&its, 0, sizeof(its));
	if (due) {
		its.it_value.tv_sec = (time_t)(due / 1000000);
		its.it_value.tv_nsec = (long)(due % 1000000) * 1000;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(rs->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		rs->armed = due;
}

/* Writes every chunk whose time has come. */
static void relay_flush(struct relay_set *rs)
{
	uint64_t now = qconn_now_us();

	while (rs->n && rs->heap[0]->due <= now) {
		struct relay_chunk *c = heap_pop(rs);
		uint64_t late = now - c->due;

		/* how late the relay itself is: counted in the report */
		rs->late_n++;
		rs->late_sum += late;
		if (late > rs->late_max)
			rs->late_max = late;
		rs->late_500 += late >= 500;
		rs->late_1000 += late >= 1000;
		chunk_deliver(c);
		if (!rs->n || rs->heap[0]->due > now)
			now = qconn_now_us();
	}
	relay_arm(rs);
}

/* The timerfd fired. */
static void relay_on_tick(uv_poll_t *h, int status, int events)
{
	struct relay_set *rs = h->data;
	uint64_t exp;

	(void)status;
	(void)events;
	if (read(rs->tfd, &exp, sizeof(exp)) < 0 && errno != EAGAIN)
		return;
	rs->armed = 0;
	relay_flush(rs);
}

/* The jitter of one message: uniform in [-J, +J] (0 without). */
static int64_t relay_jitter(struct relay *r)
{
	if (r->jitter_us <= 0)
		return 0;
	return (int64_t)(relay_rng(&r->rng) %
			 (uint64_t)(2 * r->jitter_us + 1)) -
	       r->jitter_us;
}

/* Queues bytes read from one side (len 0: that side closed). */
static void relay_queue(struct relay *r, int up, const char *data, size_t len)
{
	struct relay_set *rs = r->rs;
	struct relay_chunk *c = malloc(sizeof(*c) + len);
	uint64_t now = qconn_now_us(), due;

	if (!c) {
		relay_close(r);
		return;
	}
	due = bench_relay_due(r->last_due[up], now, up ? r->up_us : r->down_us,
			      relay_jitter(r));
	r->last_due[up] = due;
	c->r = r;
	c->up = up;
	c->due = due;
	c->seq = rs->seq++;
	c->len = len;
	if (len)
		memcpy(c->data, data, len);
	r->pending++;
	if (heap_push(rs, c) < 0) {
		chunk_free(c);
		relay_close(r);
		return;
	}
	relay_flush(rs);
}

/* One buffer for every read: it is copied into a chunk at once. */
static void relay_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	(void)h;
	(void)hint;
	*buf = uv_buf_init(relay_rbuf, sizeof(relay_rbuf));
}

/* Bytes from the contestant: up to quizd, later. */
static void relay_on_read_in(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct relay *r = s->data;

	if (n > 0)
		relay_queue(r, 1, buf->base, (size_t)n);
	else if (n < 0)
		relay_close(r); /* the contestant left: nothing more to say */
}

/* Bytes from quizd: down to the contestant, later; its close too. */
static void relay_on_read_out(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct relay *r = s->data;

	if (n > 0) {
		relay_queue(r, 0, buf->base, (size_t)n);
	} else if (n < 0) {
		uv_read_stop(s);
		relay_queue(r, 0, NULL, 0);
	}
}

/* Our connection to quizd is up: start copying both ways. */
static void relay_on_connect(uv_connect_t *req, int status)
{
	struct relay *r = req->data;

	if (status < 0 || r->closing) {
		relay_close(r);
		return;
	}
	uv_tcp_nodelay(&r->out, 1);
	if (uv_read_start((uv_stream_t *)&r->out, relay_alloc,
			  relay_on_read_out) < 0 ||
	    uv_read_start((uv_stream_t *)&r->in, relay_alloc,
			  relay_on_read_in) < 0)
		relay_close(r);
}

/* A contestant connected to the listener: the FIFO's head (contestants
 * connect one at a time, so there is no doubt which). */
static void relay_on_accept(uv_stream_t *server, int status)
{
	struct relay_set *rs = server->data;
	struct relay_spec sp;
	struct relay *r;
	int have = 0;

	if (status < 0)
		return;
	r = calloc(1, sizeof(*r));
	if (!r)
		return;
	uv_mutex_lock(&rs->mu);
	if (rs->fifo_head < rs->fifo_n) {
		sp = rs->fifo[rs->fifo_head++];
		have = 1;
	}
	uv_mutex_unlock(&rs->mu);
	r->rs = rs;
	uv_tcp_init(server->loop, &r->in);
	uv_tcp_init(server->loop, &r->out);
	r->in.data = r;
	r->out.data = r;
	r->creq.data = r;
	r->next = rs->relays;
	rs->relays = r;
	if (uv_accept(server, (uv_stream_t *)&r->in) < 0 || !have ||
	    rs->stopping) {
		relay_close(r);
		return;
	}
	uv_tcp_nodelay(&r->in, 1);
	r->up_us = sp.up_us;
	r->down_us = sp.down_us;
	r->jitter_us = sp.jitter_us;
	r->rng = sp.rng;
	if (uv_tcp_connect(&r->creq, &r->out,
			   (const struct sockaddr *)&sp.server,
			   relay_on_connect) < 0)
		relay_close(r);
}

/* Draws every contestant's delays from the seed: constant per contestant
 * and direction, uniform over the ranges in microseconds. */
static void relay_draw(struct bench *b)
{
	uint64_t s = b->relay->seed ^ 0xde1a7de1a7ULL;
	unsigned i;

	for (i = 0; i < b->o.players; i++) {
		struct player *p = &b->players[i];
		const struct bench_opts *o = &b->o;
		uint64_t span;

		span = (uint64_t)(o->up_max - o->up_min) * 1000 + 1;
		p->up_us =
		    (int64_t)o->up_min * 1000 + (int64_t)(relay_rng(&s) % span);
		if (o->symmetric) {
			p->down_us = p->up_us;
			continue;
		}
		span = (uint64_t)(o->down_max - o->down_min) * 1000 + 1;
		p->down_us = (int64_t)o->down_min * 1000 +
			     (int64_t)(relay_rng(&s) % span);
	}
}

/* Hands contestant p's link to the relay: its connection is the next one
 * the relay accepts (the caller connects it right after). */
int bench_relay_expect(struct bench *b, const struct player *p)
{
	struct relay_set *rs = b->relay;
	struct relay_spec sp;
	int rc = 0;

	sp.up_us = p->up_us;
	sp.down_us = p->down_us;
	sp.jitter_us = (int64_t)b->o.jitter_ms * 1000;
	sp.rng = rs->seed ^ (0x5eedULL + p->idx * 0x100000001b3ULL);
	memcpy(&sp.server, &b->o.addrs[p->addr], sizeof(sp.server));
	uv_mutex_lock(&rs->mu);
	if (rs->fifo_n < rs->fifo_cap)
		rs->fifo[rs->fifo_n++] = sp;
	else
		rc = -ENOSPC;
	uv_mutex_unlock(&rs->mu);
	return rc;
}

/* The poll handle closed: the timerfd can go. */
static void relay_on_poll_closed(uv_handle_t *h)
{
	struct relay_set *rs = h->data;

	close(rs->tfd);
	rs->tfd = -1;
}

/* In the relay thread: closes the listener, the timer and every relay;
 * chunks not yet due are dropped. The loop then runs dry. */
static void relay_on_stop(uv_async_t *a)
{
	struct relay_set *rs = a->data;
	struct relay *r;

	if (rs->stopping)
		return;
	rs->stopping = 1;
	while (rs->n)
		chunk_free(heap_pop(rs));
	for (r = rs->relays; r; r = r->next)
		relay_close(r);
	uv_close((uv_handle_t *)&rs->listener, NULL);
	uv_close((uv_handle_t *)&rs->poll, relay_on_poll_closed);
	uv_close((uv_handle_t *)&rs->stop, NULL);
}

/* The relay thread: its loop until stopped. It asks for a higher
 * scheduling priority (nice -10; best effort, it needs the privilege):
 * it works little but must be on time, while quizd and the contestants'
 * loop share the same cores. */
static void relay_thread(void *arg)
{
	struct relay_set *rs = arg;

	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), -10);
	uv_run(&rs->loop, UV_RUN_DEFAULT);
}

/* Starts the relay: draws the delays, listens on 127.0.0.1 (port chosen by
 * the system, into b->relay_addr), opens the timerfd and starts the relay
 * thread. */
int bench_relay_start(struct bench *b)
{
	struct relay_set *rs = calloc(1, sizeof(*rs));
	struct sockaddr_in sin;
	int len = sizeof(b->relay_addr), rc;

	if (!rs)
		return -ENOMEM;
	rs->seed = b->rng; /* not drawn from yet: --seed or random */
	b->relay = rs;
	relay_draw(b);
	b->relay = NULL;
	rs->fifo_cap = b->o.players;
	rs->fifo = calloc(rs->fifo_cap, sizeof(*rs->fifo));
	rs->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (!rs->fifo || rs->tfd < 0 || uv_loop_init(&rs->loop) < 0) {
		if (rs->tfd >= 0)
			close(rs->tfd);
		free(rs->fifo);
		free(rs);
		return -ENOMEM;
	}
	b->relay = rs;
	uv_mutex_init(&rs->mu);
	uv_async_init(&rs->loop, &rs->stop, relay_on_stop);
	rs->stop.data = rs;
	uv_tcp_init(&rs->loop, &rs->listener);
	rs->listener.data = rs;
	uv_poll_init(&rs->loop, &rs->poll, rs->tfd);
	rs->poll.data = rs;
	uv_ip4_addr("127.0.0.1", 0, &sin);
	rc = uv_tcp_bind(&rs->listener, (const struct sockaddr *)&sin, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&rs->listener, 128,
			       relay_on_accept);
	if (rc == 0)
		rc = uv_tcp_getsockname(
		    &rs->listener, (struct sockaddr *)&b->relay_addr, &len);
	if (rc == 0)
		rc = uv_poll_start(&rs->poll, UV_READABLE, relay_on_tick);
	if (rc == 0)
		rc = uv_thread_create(&rs->thread, relay_thread, rs);
	if (rc == 0)
		rs->running = 1;
	return rc;
}

/* Asks the relay thread to close everything (from the main thread). */
void bench_relay_stop(struct bench *b)
{
	if (b->relay && b->relay->running)
		uv_async_send(&b->relay->stop);
}

/* Waits for the relay thread, keeps its counters in b and frees it. */
void bench_relay_free(struct bench *b)
{
	struct relay_set *rs = b->relay;

	if (!rs)
		return;
	if (rs->running) {
		uv_thread_join(&rs->thread);
		uv_loop_close(&rs->loop);
	}
	b->relay_late_n = rs->late_n;
	b->relay_late_sum = rs->late_sum;
	b->relay_late_max = rs->late_max;
	b->relay_late_500 = rs->late_500;
	b->relay_late_1000 = rs->late_1000;
	uv_mutex_destroy(&rs->mu);
	free(rs->fifo);
	free(rs->heap);
	free(rs);
	b->relay = NULL;
}

/* quizd --edge (edge.h). */
#include "edge.h"

#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bucket.h"
#include "clocksync.h"
#include "cluster.h"
#include "cluster_wire.h"
#include "frame.h"
#include "idmap.h"
#include "log.h"
#include "net.h"
#include "nlink.h"
#include "quiz.pb-c.h"
#include "xalloc.h"

/* Pings to contestants, as quizd's sessions schedule them (session.c):
 * warm-up samples after Welcome, then a refresh; none while a question is
 * open and unanswered (a Pong merged with an answer would date it late). */
#define EDGE_TICK_MS	   50
#define EDGE_PING_BURST	   5
#define EDGE_BURST_US	   150000
#define EDGE_REFRESH_US	   5000000
#define EDGE_PING_LOST_MAX 3
/* Pings a contestant may send: quizd's request rate (20 a second, a burst
 * of 40); past it the connection is closed. */
#define EDGE_PING_RATE_US 50000
#define EDGE_PING_BURST_N 40
/* A batch to the owner is published at this size even mid-iteration. */
#define EDGE_BATCH_BYTES   (256 * 1024)
#define EDGE_STOP_GRACE_MS 1000

struct econn {
	struct conn *c;
	struct clocksync_delays cs;
	struct bucket pings; /* Pings it may send */
	int64_t ping_t0;     /* our Ping awaiting its Pong (owner clock) */
	int64_t ping_at;     /* when the last went out (local clock) */
	unsigned pongs;
	uint8_t pings_lost;
	bool welcomed;	   /* the owner sent it Welcome: pings may start */
	bool q_open;	   /* a Question reached it, no answer or Reveal yet */
	int64_t reveal_at; /* the last Question's reveal_at (owner clock) */
};

struct edge {
	uv_loop_t *loop;
	const struct edge_options *o;
	struct net *net;
	struct nlink *l;
	char to_owner[sizeof(CLUSTER_SUBJ_NODE) + CW_NAME_MAX + 1];
	uint64_t epoch;
	struct idmap conns; /* conn id -> struct econn */
	struct cw_buf out;  /* the batch to the owner */
	uv_check_t flush;
	uv_idle_t kick;
	uv_timer_t tick, beat, stop;
	uv_signal_t sig_int, sig_term;
	struct wbuf *notices[NET_NOTICE_COUNT];
	/* the owner: its clock (offset from ours, from the beats), its epoch,
	 * when it was last heard */
	struct clocksync owner_cs;
	int64_t offset;
	/* how far off offset may be: half the round trip of its sample */
	int64_t offset_err;
	size_t beat_rec; /* where the batch's BEAT record is, 0 none */
	uint64_t owner_epoch;
	int64_t owner_heard_at;
	bool owner_alive;
	bool stopping;
	int64_t stop_deadline;
	uint64_t frames_in, frames_out;
};

static int64_t owner_now(const struct edge *e)
{
	return net_now_us() + e->offset;
}

/* --- the batch to the owner --- */

static void on_kick(uv_idle_t *h)
{
	(void)h;
}

/* Makes room for a record: the batch's header, and the idle handle that
 * keeps the poll from blocking until the batch goes out. */
static void out_begin(struct edge *e)
{
	if (!e->out.len)
		cw_begin(&e->out, CW_TO_OWNER, e->o->node, e->epoch);
	if (!e->out.records)
		uv_idle_start(&e->kick, on_kick);
}

static void out_flush(struct edge *e)
{
	if (!e->out.records)
		return;
	/* the beat's t0 is when it leaves, not when it was queued: the
	 * owner's clock is estimated from it */
	if (e->beat_rec)
		cw_beat_stamp(&e->out, e->beat_rec, net_now_us());
	e->beat_rec = 0;
	if (nlink_publish(e->l, e->to_owner, e->out.data, e->out.len) < 0)
		log_warn("edge", "publish to the owner failed: %u records lost",
			 (unsigned)e->out.records);
	cw_begin(&e->out, CW_TO_OWNER, e->o->node, e->epoch);
}

static void out_maybe_flush(struct edge *e)
{
	if (e->out.len >= EDGE_BATCH_BYTES)
		out_flush(e);
}

/* After each loop iteration: what the iteration's reads relayed. */
static void on_flush(uv_check_t *h)
{
	struct edge *e = h->data;

	out_flush(e);
	uv_idle_stop(&e->kick);
}

/* --- contestants --- */

static void edge_send_env(struct econn *ec, const Quiz__V1__Envelope *env)
{
	struct wbuf *b = server_pack(env);

	if (!b)
		return;
	(void)conn_send(ec->c, b);
	wbuf_unref(b);
}

static void edge_ping(struct edge *e, struct econn *ec)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ping p = QUIZ__V1__PING__INIT;

	ec->ping_at = net_now_us();
	ec->ping_t0 = ec->ping_at + e->offset;
	p.t0 = (uint64_t)ec->ping_t0;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PING;
	env.ping = &p;
	edge_send_env(ec, &env);
}

static void on_open(struct conn *c, void *arg)
{
	struct edge *e = arg;
	struct econn *ec = xcalloc(1, sizeof(*ec));

	ec->c = c;
	ec->ping_at = net_now_us();
	bucket_init(&ec->pings, EDGE_PING_BURST_N, ec->ping_at);
	conn_set_data(c, ec);
	/* until the owner has answered a beat since the link came up, what
	 * we publish may reach no subscriber (NATS keeps nothing): the
	 * contestant retries with backoff instead of waiting on a lost Hello */
	if (!e->owner_alive) {
		log_info(conn_tag(c), "owner %s not reachable: closing",
			 e->o->owner);
		conn_close(c, 0);
		return;
	}
	/* what a contestant may send before Hello: quizd's session limits it
	 * again on the owner */
	idmap_put(&e->conns, conn_id(c), ec);
	out_begin(e);
	cw_open(&e->out, conn_id(c), conn_peer(c));
}

/* A frame from a contestant: clock sync here, the rest to the owner. */
static void on_frame(struct conn *c, const uint8_t *payload, size_t len,
		     int64_t recv_us, void *arg)
{
	struct edge *e = arg;
	struct econn *ec = conn_data(c);
	Quiz__V1__Envelope *env;
	int64_t at = recv_us + e->offset;

	if (!ec)
		return;
	env = quiz__v1__envelope__unpack(NULL, len, payload);
	if (env && env->body_case == QUIZ__V1__ENVELOPE__BODY_PING) {
		Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;

		if (!bucket_take(&ec->pings, recv_us, EDGE_PING_RATE_US,
				 EDGE_PING_BURST_N)) {
			log_warn(conn_tag(c), "Pings past the rate: closing");
			conn_close(c, 0);
		} else {
			pong.t0 = env->ping->t0;
			pong.t1 = (uint64_t)at;
			pong.t2 = (uint64_t)owner_now(e);
			out.seq = env->seq;
			out.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
			out.pong = &pong;
			edge_send_env(ec, &out);
		}
		quiz__v1__envelope__free_unpacked(env, NULL);
		return;
	}
	if (env && env->body_case == QUIZ__V1__ENVELOPE__BODY_PONG) {
		if (ec->ping_t0 && (int64_t)env->pong->t0 == ec->ping_t0) {
			ec->ping_t0 = 0;
			ec->pings_lost = 0;
			if (clocksync_delays_add(
				&ec->cs, (int64_t)env->pong->t0,
				(int64_t)env->pong->t1, (int64_t)env->pong->t2,
				at) == 0)
				ec->pongs++;
		}
		quiz__v1__envelope__free_unpacked(env, NULL);
		return;
	}
	if (env && env->body_case == QUIZ__V1__ENVELOPE__BODY_ANSWER) {
		ec->q_open = false;
		/* our reading of the owner's clock is off by up to
		 * offset_err: an answer that may have come after reveal_at
		 * is dated at reveal_at, not refused as early */
		if (at < ec->reveal_at && ec->reveal_at - at <= e->offset_err)
			at = ec->reveal_at;
	}
	if (env)
		quiz__v1__envelope__free_unpacked(env, NULL);
	/* anything else, even what does not decode: the owner's session
	 * answers it as quizd always does */
	out_begin(e);
	cw_frame(&e->out, conn_id(c), at,
		 ec->cs.n ? clocksync_delays_one_way(&ec->cs) : -1, payload,
		 (uint32_t)len);
	e->frames_in++;
	out_maybe_flush(e);
}

static void on_bad_frame(struct conn *c, void *arg)
{
	(void)arg;
	log_info(conn_tag(c), "bad frame length: closing");
	conn_close(c, 0);
}

static struct wbuf *on_notice(enum net_notice what, void *arg)
{
	struct edge *e = arg;

	return server_notice(e->notices, what);
}

static void on_close(struct conn *c, void *arg)
{
	struct edge *e = arg;
	struct econn *ec = conn_data(c);

	if (!ec)
		return;
	idmap_del(&e->conns, conn_id(c));
	if (!e->stopping || nlink_up(e->l)) {
		out_begin(e);
		cw_gone(&e->out, conn_id(c));
	}
	free(ec);
}

/* Every contestant's socket closes: the owner is gone or restarted, so
 * their sessions there are gone too; they come back with their resume
 * tokens (to this edge or another). */
static void edge_close_all(struct edge *e, const char *why)
{
	struct conn *c, *next;

	/* a new epoch: the owner drops whatever it still holds of ours at
	 * the first message it gets, even if a GONE of ours was lost */
	server_random(&e->epoch, sizeof(e->epoch));
	if (e->out.records)
		out_flush(e);
	cw_begin(&e->out, CW_TO_OWNER, e->o->node, e->epoch);

	if (net_conn_count(e->net))
		log_warn("edge", "%s: closing %u connection(s)", why,
			 net_conn_count(e->net));
	for (c = net_conns(e->net); c; c = next) {
		next = conn_next(c);
		conn_close(c, 1);
	}
}

/* --- the owner --- */

/* Marks who may be pinged: a Question opens the window of its recipients,
 * a Reveal or Result closes it; Welcome lets pings start. */
static void note_sent(const uint8_t *bytes, size_t len, struct econn **to,
		      uint32_t n)
{
	Quiz__V1__Envelope *env;
	int64_t reveal_at;
	uint32_t i;
	int kind;

	if (len <= FRAME_HEADER)
		return;
	env = quiz__v1__envelope__unpack(NULL, len - FRAME_HEADER,
					 bytes + FRAME_HEADER);
	if (!env)
		return;
	kind = env->body_case;
	reveal_at = kind == QUIZ__V1__ENVELOPE__BODY_QUESTION
			? (int64_t)env->question->reveal_at_us
			: 0;
	quiz__v1__envelope__free_unpacked(env, NULL);
	for (i = 0; i < n; i++) {
		if (!to[i])
			continue;
		if (kind == QUIZ__V1__ENVELOPE__BODY_WELCOME) {
			to[i]->welcomed = true;
		} else if (kind == QUIZ__V1__ENVELOPE__BODY_QUESTION) {
			to[i]->q_open = true;
			to[i]->reveal_at = reveal_at;
		} else if (kind == QUIZ__V1__ENVELOPE__BODY_REVEAL ||
			   kind == QUIZ__V1__ENVELOPE__BODY_RESULT)
			to[i]->q_open = false;
	}
}

/* A SEND: the frame is copied into one wbuf and written to each. */
static void owner_send(struct edge *e, const struct cw_rec *r)
{
	struct econn *stack[64], **to = stack;
	struct wbuf *b;
	uint32_t i;

	if (r->len <= FRAME_HEADER || !r->n)
		return;
	if (r->n > 64)
		to = xmalloc(r->n * sizeof(*to));
	for (i = 0; i < r->n; i++)
		to[i] = idmap_get(&e->conns, cw_eid(r, i));
	note_sent(r->bytes, r->len, to, r->n);
	b = wbuf_new(r->len);
	memcpy(b->data, r->bytes, r->len);
	for (i = 0; i < r->n; i++) {
		if (!to[i])
			continue; /* gone meanwhile */
		(void)conn_send(to[i]->c, b);
		e->frames_out++;
	}
	wbuf_unref(b);
	if (to != stack)
		free(to);
}

static void on_owner_msg(const uint8_t *data, size_t len, void *arg)
{
	struct edge *e = arg;
	struct cw_reader rd;
	struct cw_header h;
	struct cw_rec r;
	struct econn *ec;
	int k;

	if (e->stopping)
		return;
	if (cw_read_header(&rd, data, len, &h) < 0 || h.dir != CW_TO_EDGE ||
	    strcmp(h.name, e->o->owner) != 0) {
		log_warn("edge", "a message that is not our owner's: ignored");
		return;
	}
	if (e->owner_epoch && h.epoch != e->owner_epoch)
		edge_close_all(e, "the owner restarted");
	e->owner_epoch = h.epoch;
	e->owner_heard_at = net_now_us();
	if (!e->owner_alive)
		log_info("edge", "owner %s is there", e->o->owner);
	e->owner_alive = true;
	net_mark(e->net);
	while ((k = cw_next(&rd, &r)) > 0) {
		switch (r.type) {
		case CW_SEND:
			owner_send(e, &r);
			break;
		case CW_CLOSE:
			if ((ec = idmap_get(&e->conns, r.eid)))
				conn_close(ec->c, r.graceful);
			break;
		case CW_BEAT:
			/* our clock ping, answered: the owner's clock */
			if (clocksync_add(&e->owner_cs, r.t0, r.t1, r.t2,
					  e->owner_heard_at) == 0) {
				struct clocksync_sample best;

				if (clocksync_best(&e->owner_cs, &best)) {
					if (llabs(best.offset - e->offset) >
						50 ||
					    !e->offset_err)
						log_info(
						    "edge",
						    "owner clock: %+" PRId64
						    " us from ours, "
						    "+-%" PRId64 " us",
						    best.offset,
						    best.delay / 2);
					e->offset = best.offset;
					e->offset_err = best.delay / 2;
				}
			}
			break;
		default:
			break; /* not for an edge */
		}
	}
	if (k < 0)
		log_warn("edge", "owner: malformed record: rest ignored");
}

static void on_beat(uv_timer_t *t)
{
	struct edge *e = t->data;
	int64_t now = net_now_us();

	if (e->owner_alive &&
	    now - e->owner_heard_at > CLUSTER_DEAD_MS * 1000LL) {
		e->owner_alive = false;
		edge_close_all(e, "the owner is silent");
	}
	out_begin(e);
	e->beat_rec = e->out.len;
	cw_beat(&e->out, now, 0, 0);
}

static void on_link(int up, void *arg)
{
	struct edge *e = arg;

	log_info("edge", "NATS link %s", up ? "up" : "down");
	if (up) { /* a beat at once: the owner answers, we take contestants */
		out_begin(e);
		e->beat_rec = e->out.len;
		cw_beat(&e->out, net_now_us(), 0, 0);
	} else {
		e->owner_alive = false;
		edge_close_all(e, "the NATS link is down");
	}
}

/* The pings: warm-up, refresh, lost ones. */
static void on_tick(uv_timer_t *t)
{
	struct edge *e = t->data;
	int64_t now = net_now_us();
	int64_t lost_us = (int64_t)e->o->cfg.ping_timeout_ms * 1000;
	/* a second more than the owner's own Hello deadline */
	int64_t hello_us = (int64_t)e->o->cfg.hello_timeout_ms * 1000 + 1000000;
	struct conn *c, *next;

	for (c = net_conns(e->net); c; c = next) {
		struct econn *ec = conn_data(c);

		next = conn_next(c);
		if (!ec)
			continue;
		if (!ec->welcomed) {
			/* the owner's session times the Hello out; this
			 * catches a Hello or Welcome lost on the way */
			if (now - ec->ping_at > hello_us) {
				log_info(conn_tag(c), "no Welcome in time");
				conn_close(c, 0);
			}
			continue;
		}
		if (ec->ping_t0 && now - ec->ping_at > lost_us) {
			ec->ping_t0 = 0;
			if (++ec->pings_lost >= EDGE_PING_LOST_MAX) {
				log_info(conn_tag(c), "pings unanswered");
				conn_close(c, 0);
				continue;
			}
		}
		if (ec->ping_t0 || (ec->pongs && ec->q_open))
			continue;
		if (ec->pongs < EDGE_PING_BURST
			? now - ec->ping_at >= EDGE_BURST_US
			: now - ec->ping_at >= EDGE_REFRESH_US)
			edge_ping(e, ec);
	}
}

/* --- start and stop --- */

static void edge_stop_now(struct edge *e)
{
	uv_timer_stop(&e->stop);
	net_close(e->net);
	out_flush(e);
	nlink_close(e->l);
	uv_close((uv_handle_t *)&e->flush, NULL);
	uv_close((uv_handle_t *)&e->kick, NULL);
	uv_close((uv_handle_t *)&e->tick, NULL);
	uv_close((uv_handle_t *)&e->beat, NULL);
	uv_close((uv_handle_t *)&e->stop, NULL);
}

static void on_stop_timer(uv_timer_t *t)
{
	struct edge *e = t->data;

	if (net_conn_count(e->net) == 0 || net_now_us() >= e->stop_deadline)
		edge_stop_now(e);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct edge *e = h->data;

	log_info("edge", "signal %d: shutting down", signum);
	uv_signal_stop(&e->sig_int);
	uv_signal_stop(&e->sig_term);
	uv_close((uv_handle_t *)&e->sig_int, NULL);
	uv_close((uv_handle_t *)&e->sig_term, NULL);
	net_stop_listening(e->net);
	edge_close_all(e, "shutting down");
	e->stopping = true;
	e->stop_deadline = net_now_us() + EDGE_STOP_GRACE_MS * 1000LL;
	uv_timer_start(&e->stop, on_stop_timer, 0, 20);
}

int edge_run(const struct edge_options *o)
{
	struct edge e = {0};
	struct net_callbacks cb = {
	    .on_open = on_open,
	    .on_frame = on_frame,
	    .on_bad_frame = on_bad_frame,
	    .notice = on_notice,
	    .on_close = on_close,
	};
	struct net_limits lim;
	char err[256], subject[sizeof(CLUSTER_SUBJ_EDGE) + CW_NAME_MAX + 1];
	int bound = 0, r, i;

	e.loop = uv_default_loop();
	e.o = o;
	server_random(&e.epoch, sizeof(e.epoch));
	snprintf(e.to_owner, sizeof(e.to_owner), "%s.%s", CLUSTER_SUBJ_NODE,
		 o->owner);
	e.l = nlink_open(e.loop, o->nats_url, o->node, on_link, &e, err,
			 sizeof(err));
	if (!e.l) {
		fprintf(stderr, "quizd: %s\n", err);
		return 1;
	}
	snprintf(subject, sizeof(subject), "%s.%s", CLUSTER_SUBJ_EDGE, o->node);
	if (nlink_subscribe(e.l, subject, on_owner_msg, &e) < 0) {
		fprintf(stderr, "quizd: cannot subscribe to %s\n", subject);
		nlink_close(e.l);
		uv_run(e.loop, UV_RUN_DEFAULT);
		return 1;
	}
	server_net_limits(&o->cfg, &lim);
	server_notices_pack(e.notices);
	e.net = net_new(e.loop, &lim, &cb, &e);
	r = net_listen(e.net, o->listen_host, o->listen_port, &bound);
	if (r < 0) {
		fprintf(stderr, "quizd: cannot listen on %s:%d: %s\n",
			o->listen_host, o->listen_port, uv_strerror(r));
		net_close(e.net);
		nlink_close(e.l);
		uv_run(e.loop, UV_RUN_DEFAULT);
		for (i = 0; i < NET_NOTICE_COUNT; i++)
			wbuf_unref(e.notices[i]);
		return 1;
	}
	if (o->port_file) {
		FILE *f = fopen(o->port_file, "w");

		if (f) {
			fprintf(f, "%d\n", bound);
			fclose(f);
		}
	}
	uv_check_init(e.loop, &e.flush);
	uv_idle_init(e.loop, &e.kick);
	uv_timer_init(e.loop, &e.tick);
	uv_timer_init(e.loop, &e.beat);
	uv_timer_init(e.loop, &e.stop);
	e.flush.data = e.kick.data = &e;
	e.tick.data = e.beat.data = e.stop.data = &e;
	uv_check_start(&e.flush, on_flush);
	uv_timer_start(&e.tick, on_tick, EDGE_TICK_MS, EDGE_TICK_MS);
	uv_timer_start(&e.beat, on_beat, 0, CLUSTER_BEAT_MS);
	uv_signal_init(e.loop, &e.sig_int);
	uv_signal_init(e.loop, &e.sig_term);
	e.sig_int.data = e.sig_term.data = &e;
	uv_signal_start(&e.sig_int, on_signal, SIGINT);
	uv_signal_start(&e.sig_term, on_signal, SIGTERM);
	log_info("edge", "quizd edge %s listening on %s:%d, owner %s via %s",
		 o->node, o->listen_host, bound, o->owner, o->nats_url);
	uv_run(e.loop, UV_RUN_DEFAULT);
	log_info("edge", "stopped: %llu frames relayed in, %llu written out",
		 (unsigned long long)e.frames_in,
		 (unsigned long long)e.frames_out);
	for (i = 0; i < NET_NOTICE_COUNT; i++)
		wbuf_unref(e.notices[i]);
	idmap_free(&e.conns);
	cw_buf_free(&e.out);
	uv_loop_close(e.loop);
	return 0;
}

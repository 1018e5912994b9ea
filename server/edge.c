/* quizd --edge (edge.h), the contestants' side: their sockets, clock
 * sync, the Welcome the edge gives itself, and relaying (edge_owner.c has
 * the owners and the routing; docs/CLUSTER.md). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edge_int.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "quiz.pb-c.h"
#include "quiz_limits.h"
#include "text.h"
#include "wire.h"
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
/* Before its Hello a peer may send only frames this small (as quizd). */
#define EDGE_HELLO_FRAME_MAX 1024
#define EDGE_STOP_GRACE_MS   1000

void edge_send_env(struct econn *ec, const void *envp)
{
	struct wbuf *b = server_pack(envp);

	if (!b)
		return;
	(void)conn_send(ec->c, b);
	wbuf_unref(b);
}

/* Ends a contestant's connection for what it sent (or did not), as
 * quizd's session would: an Error with its stable code, then the close
 * once it is written. */
static void edge_fail(struct econn *ec, int code, const char *msg)
{
	struct wbuf *b;

	if (ec->ending)
		return;
	ec->ending = true;
	server_log_closing(ec->c, code, msg);
	if ((b = server_error_pack(code, msg))) {
		(void)conn_send(ec->c, b);
		wbuf_unref(b);
	}
	conn_close(ec->c, 1);
}

/* Our Ping measures the contestant's delay only: its times are ours. */
static void edge_ping(struct econn *ec)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ping p = QUIZ__V1__PING__INIT;

	ec->ping_at = ec->ping_t0 = net_now_us();
	p.t0 = (uint64_t)ec->ping_t0;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PING;
	env.ping = &p;
	edge_send_env(ec, &env);
}

/* The contestant's Ping, answered in its owner's clock: the contestant
 * syncs its clock to the owner's through us. */
static void edge_pong(struct econn *ec, uint32_t seq, uint64_t t0,
		      int64_t recv_us)
{
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;
	int64_t off = ec->owner->offset;

	pong.t0 = t0;
	pong.t1 = (uint64_t)(recv_us + off);
	pong.t2 = (uint64_t)(net_now_us() + off);
	out.seq = seq;
	out.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
	out.pong = &pong;
	edge_send_env(ec, &out);
}

void edge_answer_held_pings(struct edge *e, struct econn *ec)
{
	uint8_t i;

	(void)e;
	for (i = 0; i < ec->nheld; i++) {
		Quiz__V1__Envelope *env = quiz__v1__envelope__unpack(
		    NULL, ec->held[i].len, ec->held[i].payload);

		if (env && env->body_case == QUIZ__V1__ENVELOPE__BODY_PING)
			edge_pong(ec, env->seq, env->ping->t0,
				  ec->held[i].recv_us);
		if (env)
			quiz__v1__envelope__free_unpacked(env, NULL);
	}
}

/* The edge's own Welcome to a new session (no resume token): the route
 * waits for the first request that names a room. Its token goes to the
 * owner with the contestant (the owner's session takes it). */
static void edge_welcome(struct edge *e, struct econn *ec, uint32_t seq)
{
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Welcome w = QUIZ__V1__WELCOME__INIT;
	char token[CW_TOKEN_RAW * 2 + 1], sess[40];

	server_random(ec->token, sizeof(ec->token));
	text_bytes_hex(ec->token, sizeof(ec->token), token);
	snprintf(sess, sizeof(sess), "%s-%s", e->o->node, conn_tag(ec->c));
	w.session = sess;
	w.resume_token = token;
	w.protocol_version = QUIZ_PROTOCOL_VERSION;
	w.room_code = (char *)"";
	w.server_time_us = (uint64_t)(net_now_us() + e->dflt->offset);
	out.seq = seq;
	out.body_case = QUIZ__V1__ENVELOPE__BODY_WELCOME;
	out.welcome = &w;
	edge_send_env(ec, &out);
	ec->edge_welcome = true;
	ec->welcomed = true;
	ec->state = EC_WELCOMED;
}

static void on_open(struct conn *c, void *arg)
{
	struct edge *e = arg;
	struct econn *ec = xcalloc(1, sizeof(*ec));

	ec->c = c;
	ec->ping_at = net_now_us();
	bucket_init(&ec->pings, EDGE_PING_BURST_N, ec->ping_at);
	conn_set_data(c, ec);
	idmap_put(&e->conns, conn_id(c), ec);
	conn_set_frame_max(c, EDGE_HELLO_FRAME_MAX);
	/* until the default owner has answered a beat since the link came
	 * up, what we publish may reach no subscriber (NATS keeps nothing):
	 * the contestant retries with backoff */
	if (!e->dflt->alive) {
		log_info(conn_tag(c), "owner %s not reachable: closing",
			 e->dflt->name);
		conn_close(c, 0);
	}
}

/* The first frame: a Hello. With a resume token the owner that holds its
 * seat is asked for; without, the edge welcomes it itself. Anything else
 * goes to the default owner, which answers it as quizd does. */
static void first_frame(struct edge *e, struct econn *ec,
			const Quiz__V1__Envelope *env, const uint8_t *payload,
			size_t len, int64_t recv_us)
{
	const Quiz__V1__Hello *h = env ? env->hello : NULL;

	ec->hello.recv_us = recv_us;
	ec->hello.len = (uint32_t)len;
	ec->hello.payload = xmalloc(len ? len : 1);
	memcpy(ec->hello.payload, payload, len);
	if (!env || env->body_case != QUIZ__V1__ENVELOPE__BODY_HELLO ||
	    h->protocol_version != QUIZ_PROTOCOL_VERSION ||
	    strlen(h->client) > QUIZ_CLIENT_NAME_MAX ||
	    strlen(h->resume_token) > QUIZ_TOKEN_INPUT_MAX) {
		edge_route(e, ec, e->dflt);
		return;
	}
	conn_set_frame_max(ec->c, FRAME_MAX);
	if (h->resume_token[0])
		edge_route_by(e, ec, CW_WHO_TOKEN, h->resume_token);
	else
		edge_welcome(e, ec, env->seq);
}

/* A request after the edge's own Welcome: a room code decides the owner,
 * anything else (a new room, practice, categories) goes to the default. */
static void welcomed_frame(struct edge *e, struct econn *ec,
			   const Quiz__V1__Envelope *env)
{
	const char *code = NULL;

	if (env && env->body_case == QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM)
		code = env->join_room->code;
	else if (env && env->body_case == QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM)
		code = env->watch_room->code;
	if (code && code[0] && strlen(code) <= CW_KEY_MAX)
		edge_route_by(e, ec, CW_WHO_CODE, code);
	else
		edge_route(e, ec, e->dflt);
}

/* A frame from a contestant: clock sync here, the rest to its owner. */
static void on_frame(struct conn *c, const uint8_t *payload, size_t len,
		     int64_t recv_us, void *arg)
{
	struct edge *e = arg;
	struct econn *ec = conn_data(c);
	Quiz__V1__Envelope *env;
	int kind;

	if (!ec || ec->ending)
		return;
	env = quiz__v1__envelope__unpack(NULL, len, payload);
	kind = env ? (int)env->body_case : 0;
	if (kind == QUIZ__V1__ENVELOPE__BODY_PING && ec->state != EC_NEW) {
		if (!bucket_take(&ec->pings, recv_us, EDGE_PING_RATE_US,
				 EDGE_PING_BURST_N)) {
			edge_fail(ec, QE_RATE_LIMITED, "too many Pings");
		} else if (ec->state == EC_ROUTED) {
			edge_pong(ec, env->seq, env->ping->t0, recv_us);
		} else {
			/* no owner yet, so no clock to answer in: the
			 * Pong goes out once routed (a sample's delay
			 * leaves out the wait) */
			(void)edge_hold(ec, payload, len, recv_us);
		}
	} else if (kind == QUIZ__V1__ENVELOPE__BODY_PONG) {
		if (ec->ping_t0 && (int64_t)env->pong->t0 == ec->ping_t0) {
			ec->ping_t0 = 0;
			ec->pings_lost = 0;
			if (clocksync_delays_add(
				&ec->cs, (int64_t)env->pong->t0,
				(int64_t)env->pong->t1, (int64_t)env->pong->t2,
				recv_us) == 0)
				ec->pongs++;
		}
	} else if (ec->state == EC_NEW) {
		first_frame(e, ec, env, payload, len, recv_us);
	} else if (ec->state != EC_ROUTED) {
		if (!edge_hold(ec, payload, len, recv_us)) {
			edge_fail(ec, QE_RATE_LIMITED,
				  "too many frames before the first reply");
		} else if (ec->state == EC_WELCOMED) {
			welcomed_frame(e, ec, env);
		}
	} else {
		int64_t at = recv_us + ec->owner->offset;

		if (kind == QUIZ__V1__ENVELOPE__BODY_ANSWER) {
			ec->q_open = false;
			/* our reading of the owner's clock is off by up to
			 * offset_err: an answer that may have come after
			 * reveal_at is dated at reveal_at, not refused */
			if (at < ec->reveal_at &&
			    ec->reveal_at - at <= ec->owner->offset_err)
				recv_us = ec->reveal_at - ec->owner->offset;
		}
		/* anything else, even what does not decode: the owner's
		 * session answers it as quizd always does */
		edge_relay(e, ec, payload, len, recv_us);
	}
	if (env)
		quiz__v1__envelope__free_unpacked(env, NULL);
}

static void on_bad_frame(struct conn *c, void *arg)
{
	struct econn *ec = conn_data(c);

	(void)arg;
	if (!ec) {
		conn_close(c, 0);
		return;
	}
	edge_fail(ec, QE_BAD_FRAME,
		  ec->state == EC_NEW
		      ? "frame length must be 1..1024 before Hello"
		      : "frame length must be 1..65536");
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
	if (ec->state == EC_ROUTED) {
		ec->owner->nconns--;
		if (!e->stopping || nlink_up(e->l)) {
			eowner_begin(ec->owner);
			cw_gone(&ec->owner->out, conn_id(c));
		}
	}
	edge_release(ec);
	free(ec);
}

void edge_close_all(struct edge *e, struct eowner *o, const char *why)
{
	struct conn *c, *next;
	unsigned n = 0;

	if (!o) {
		/* a new epoch: every owner drops whatever it still holds of
		 * ours at the first message it gets, even if a GONE of ours
		 * was lost */
		edge_flush_all(e);
		server_random(&e->epoch, sizeof(e->epoch));
		for (o = e->owners; o; o = o->next)
			o->out.len = 0;
		o = NULL;
	}
	for (c = net_conns(e->net); c; c = next) {
		struct econn *ec = conn_data(c);

		next = conn_next(c);
		if (o && (!ec || ec->owner != o))
			continue;
		conn_close(c, 1);
		n++;
	}
	if (n)
		log_warn("edge", "%s: closing %u connection(s)", why, n);
}

static void on_link(int up, void *arg)
{
	struct edge *e = arg;
	struct eowner *o;

	log_info("edge", "NATS link %s", up ? "up" : "down");
	if (up) { /* beats at once: owners answer, we take contestants */
		edge_beat_all(e);
		return;
	}
	for (o = e->owners; o; o = o->next)
		o->alive = false;
	edge_close_all(e, NULL, "the NATS link is down");
}

/* The pings (warm-up, refresh, lost ones), the Welcome deadline and the
 * WHOs unanswered. */
static void on_tick(uv_timer_t *t)
{
	struct edge *e = t->data;
	int64_t now = net_now_us();
	int64_t lost_us = (int64_t)e->o->cfg.ping_timeout_ms * 1000;
	int64_t hello_us = (int64_t)e->o->cfg.hello_timeout_ms * 1000;
	struct conn *c, *next;

	edge_queries_expire(e, now);
	for (c = net_conns(e->net); c; c = next) {
		struct econn *ec = conn_data(c);

		next = conn_next(c);
		if (!ec || ec->ending)
			continue;
		if (!ec->welcomed) {
			/* the owner's session times the Hello out; this
			 * catches a Hello or Welcome lost on the way */
			if (ec->state == EC_NEW && now - ec->ping_at > hello_us)
				edge_fail(ec, QE_TIMEOUT, "no Hello in time");
			/* a second more than the owner's own Hello deadline */
			else if (now - ec->ping_at > hello_us + 1000000)
				edge_fail(ec, QE_TIMEOUT, "no Welcome in time");
			continue;
		}
		if (ec->ping_t0 && now - ec->ping_at > lost_us) {
			ec->ping_t0 = 0;
			if (++ec->pings_lost >= EDGE_PING_LOST_MAX) {
				edge_fail(ec, QE_TIMEOUT, "pings unanswered");
				continue;
			}
		}
		if (ec->ping_t0 || (ec->pongs && ec->q_open))
			continue;
		if (ec->pongs < EDGE_PING_BURST
			? now - ec->ping_at >= EDGE_BURST_US
			: now - ec->ping_at >= EDGE_REFRESH_US)
			edge_ping(ec);
	}
}

static void on_beat(uv_timer_t *t)
{
	edge_beat_all(t->data);
}

/* After each loop iteration: what the iteration relayed and asked. */
static void on_flush(uv_check_t *h)
{
	struct edge *e = h->data;

	edge_flush_all(e);
	uv_idle_stop(&e->kick);
}

/* --- start and stop --- */

static void edge_stop_now(struct edge *e)
{
	uv_timer_stop(&e->stop);
	net_close(e->net);
	edge_flush_all(e);
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
	edge_close_all(e, NULL, "shutting down");
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
	e.dflt = eowner_get(&e, o->owner);
	uv_check_init(e.loop, &e.flush);
	uv_idle_init(e.loop, &e.kick);
	e.flush.data = e.kick.data = &e;
	e.l = nlink_open(e.loop, o->nats_url, o->node, on_link, &e, err,
			 sizeof(err));
	if (!e.l) {
		fprintf(stderr, "quizd: %s\n", err);
		uv_close((uv_handle_t *)&e.flush, NULL);
		uv_close((uv_handle_t *)&e.kick, NULL);
		uv_run(e.loop, UV_RUN_DEFAULT);
		edge_owners_free(&e);
		return 1;
	}
	snprintf(subject, sizeof(subject), "%s.%s", CLUSTER_SUBJ_EDGE, o->node);
	server_net_limits(&o->cfg, &lim);
	server_notices_pack(e.notices);
	e.net = net_new(e.loop, &lim, &cb, &e);
	r = nlink_subscribe(e.l, subject, on_owner_msg, &e) < 0
		? -1
		: net_listen(e.net, o->listen_host, o->listen_port, &bound);
	if (r < 0) {
		if (r == -1)
			fprintf(stderr, "quizd: cannot subscribe to %s\n",
				subject);
		else
			fprintf(stderr, "quizd: cannot listen on %s:%d: %s\n",
				o->listen_host, o->listen_port, uv_strerror(r));
		net_close(e.net);
		nlink_close(e.l);
		uv_close((uv_handle_t *)&e.flush, NULL);
		uv_close((uv_handle_t *)&e.kick, NULL);
		uv_run(e.loop, UV_RUN_DEFAULT);
		for (i = 0; i < NET_NOTICE_COUNT; i++)
			wbuf_unref(e.notices[i]);
		edge_owners_free(&e);
		return 1;
	}
	if (o->port_file) {
		FILE *f = fopen(o->port_file, "w");

		if (f) {
			fprintf(f, "%d\n", bound);
			fclose(f);
		}
	}
	uv_timer_init(e.loop, &e.tick);
	uv_timer_init(e.loop, &e.beat);
	uv_timer_init(e.loop, &e.stop);
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
	log_info("edge",
		 "stopped: %" PRIu64 " frames relayed in, %" PRIu64
		 " written out, %" PRIu64 " contestant(s) routed past %s",
		 e.frames_in, e.frames_out, e.routed_away, o->owner);
	for (i = 0; i < NET_NOTICE_COUNT; i++)
		wbuf_unref(e.notices[i]);
	idmap_free(&e.conns);
	edge_owners_free(&e);
	uv_loop_close(e.loop);
	return 0;
}

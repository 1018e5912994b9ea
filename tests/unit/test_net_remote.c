/* net.c's remote connections (quizd --nats): a peer whose socket an edge
 * node holds, seen by the callbacks as any connection. Its frames come in
 * through net_remote_frame, its output goes to a sink, and its on_close
 * comes later in the loop after conn_close (as uv_close gives it for a
 * socket), at once after net_remote_gone. Also the two hooks above net:
 * no Ping is sent to a remote peer, but the Hello deadline holds. */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "frame.h"
#include "item.h"
#include "net.h"
#include "server.h"
#include "wire.h"

/* What the net callbacks saw. */
static struct {
	struct conn *opened;
	int opens, frames, bad, closed;
	struct conn *closed_conn;
	uint8_t payload[64];
	size_t len;
	int64_t recv_us;
	int close_in_open; /* on_open closes the connection, gracefully */
	int sink_closes_at_close; /* sink closes seen when on_close came */
} cb_seen;

/* What the sink saw. */
static struct {
	int sends, closes, graceful;
	int result; /* what send returns */
	struct wbuf *bs[CONN_SENDV_MAX];
	uint32_t refs[CONN_SENDV_MAX];
	unsigned n;
	void *arg;
} sink_seen;

static void t_open(struct conn *c, void *arg)
{
	(void)arg;
	cb_seen.opened = c;
	cb_seen.opens++;
	if (cb_seen.close_in_open)
		conn_close(c, 1);
}

static void t_frame(struct conn *c, const uint8_t *p, size_t len, int64_t at,
		    void *arg)
{
	(void)c, (void)arg;
	cb_seen.frames++;
	cb_seen.len = len;
	cb_seen.recv_us = at;
	memcpy(cb_seen.payload, p,
	       len < sizeof(cb_seen.payload) ? len : sizeof(cb_seen.payload));
}

static void t_bad(struct conn *c, void *arg)
{
	(void)c, (void)arg;
	cb_seen.bad++;
}

static struct wbuf *t_notice(enum net_notice what, void *arg)
{
	(void)what, (void)arg;
	return NULL;
}

static void t_close(struct conn *c, void *arg)
{
	(void)arg;
	cb_seen.closed++;
	cb_seen.closed_conn = c;
	cb_seen.sink_closes_at_close = sink_seen.closes;
}

static int s_send(struct conn *c, struct wbuf *const *bs, unsigned n, void *arg)
{
	unsigned i;

	(void)c;
	sink_seen.sends++;
	sink_seen.n = n;
	sink_seen.arg = arg;
	for (i = 0; i < n && i < CONN_SENDV_MAX; i++) {
		sink_seen.bs[i] = bs[i];
		sink_seen.refs[i] = bs[i]->refs;
	}
	return sink_seen.result;
}

static void s_close(struct conn *c, int graceful, void *arg)
{
	(void)c;
	sink_seen.closes++;
	sink_seen.graceful = graceful;
	sink_seen.arg = arg;
}

static const struct net_remote_sink sink = {s_send, s_close};
static int sink_tag; /* its address is the sink's arg */

/* A net on loop with tight caps (one connection, one per address), which
 * remote connections do not count against. No listener: nothing but the
 * remote connections and the net's own handles is on the loop. */
static struct net *net_for_test(uv_loop_t *loop)
{
	const struct net_limits lim = {
	    .max_conns = 1,
	    .max_conns_per_addr = 1,
	    .max_out_bytes = 1024,
	    .max_in_bytes = 1 << 20,
	    .frame_timeout_ms = 20, /* the sweep must leave remote ones be */
	    .conn_rate_per_addr = 1,
	};
	static const struct net_callbacks cb = {t_open, t_frame, t_bad,
						t_notice, t_close};

	memset(&cb_seen, 0, sizeof(cb_seen));
	memset(&sink_seen, 0, sizeof(sink_seen));
	cr_assert_eq(uv_loop_init(loop), 0);
	return net_new(loop, &lim, &cb, NULL);
}

/* A remote connection from ip, checked to have been announced. */
static struct conn *open_remote(struct net *n, const char *ip)
{
	int opens = cb_seen.opens;
	struct conn *c = net_remote_open(n, &sink, &sink_tag, ip);

	cr_assert_not_null(c);
	cr_assert_eq(cb_seen.opens, opens + 1, "on_open not called");
	cr_assert_eq(cb_seen.opened, c);
	return c;
}

/* Closes the net and runs the loop dry: it must end by itself. */
static void net_done(uv_loop_t *loop, struct net *n)
{
	net_close(n);
	uv_run(loop, UV_RUN_DEFAULT);
	cr_expect_eq(uv_loop_close(loop), 0, "a handle was left open");
}

Test(net_remote, open_is_an_ordinary_connection)
{
	uv_loop_t loop;
	struct net *n = net_for_test(&loop);
	struct conn *a = open_remote(n, "10.0.0.7");
	struct conn *b = open_remote(n, "10.0.0.7");
	struct timespec ms = {0, 1000000};
	int i, data;

	cr_expect_str_eq(conn_peer(a), "10.0.0.7");
	cr_expect(conn_is_remote(a));
	cr_expect_neq(conn_id(a), conn_id(b));
	cr_expect_str_neq(conn_tag(a), conn_tag(b));
	/* counted and listed, though over both caps */
	cr_expect_eq(net_conn_count(n), 2);
	cr_expect_eq(net_conns(n), b);
	cr_expect_eq(conn_next(b), a);
	cr_expect_eq(conn_remote_delay(a), -1, "no estimate yet");
	cr_expect_eq(conn_queued(a), 0);
	cr_expect_null(conn_remote_data(a));
	conn_set_remote_data(a, &data);
	cr_expect_eq(conn_remote_data(a), &data);
	cr_expect_null(conn_remote_data(b));
	cr_expect_str_eq(conn_peer(open_remote(n, NULL)), "?");
	/* the sweep (every 20 ms here) neither times them out nor touches
	 * their unused socket */
	for (i = 0; i < 60; i++) {
		uv_run(&loop, UV_RUN_NOWAIT);
		nanosleep(&ms, NULL);
	}
	cr_expect_eq(cb_seen.closed, 0);
	cr_expect_eq(sink_seen.closes, 0);
	net_done(&loop, n);
	cr_expect_eq(cb_seen.closed, 3);
}

Test(net_remote, frames_keep_their_time_and_delay)
{
	uv_loop_t loop;
	struct net *n = net_for_test(&loop);
	struct conn *c = open_remote(n, "10.0.0.7");

	net_remote_frame(c, (const uint8_t *)"abc", 3, 123456789, 4200);
	cr_expect_eq(cb_seen.frames, 1);
	cr_expect_eq(cb_seen.len, 3);
	cr_expect_eq(memcmp(cb_seen.payload, "abc", 3), 0);
	cr_expect_eq(cb_seen.recv_us, 123456789);
	cr_expect_eq(conn_remote_delay(c), 4200);
	/* a frame without an estimate keeps the last one */
	net_remote_frame(c, (const uint8_t *)"de", 2, 123456999, -1);
	cr_expect_eq(cb_seen.frames, 2);
	cr_expect_eq(cb_seen.recv_us, 123456999);
	cr_expect_eq(conn_remote_delay(c), 4200);
	net_remote_frame(c, (const uint8_t *)"f", 1, 123457000, 3900);
	cr_expect_eq(conn_remote_delay(c), 3900);
	cr_expect_eq(cb_seen.bad, 0);
	net_done(&loop, n);
}

Test(net_remote, bad_frames)
{
	static const uint8_t five[5] = "12345";
	uv_loop_t loop;
	struct net *n = net_for_test(&loop);
	struct conn *c = open_remote(n, "10.0.0.7");

	net_remote_frame(c, five, 0, 1, -1);
	cr_expect_eq(cb_seen.bad, 1, "len 0 is not a frame");
	cr_expect_eq(cb_seen.frames, 0);
	conn_set_frame_max(c, 4);
	net_remote_frame(c, five, 5, 1, -1);
	cr_expect_eq(cb_seen.bad, 2, "over the connection's frame_max");
	cr_expect_eq(cb_seen.frames, 0);
	net_remote_frame(c, five, 4, 1, -1);
	cr_expect_eq(cb_seen.frames, 1, "at frame_max");
	cr_expect_eq(cb_seen.bad, 2);
	net_done(&loop, n);
}

Test(net_remote, sendv_goes_to_the_sink_in_order)
{
	uv_loop_t loop;
	struct net *n = net_for_test(&loop);
	struct conn *c = open_remote(n, "10.0.0.7");
	struct wbuf *b[3];
	int i;

	for (i = 0; i < 3; i++)
		b[i] = wbuf_new(600); /* 1800 bytes: over max_out_bytes */
	cr_expect_eq(conn_sendv(c, b, 3), 0);
	cr_expect_eq(sink_seen.sends, 1);
	cr_expect_eq(sink_seen.n, 3);
	cr_expect_eq(sink_seen.arg, &sink_tag);
	for (i = 0; i < 3; i++) {
		cr_expect_eq(sink_seen.bs[i], b[i], "frame %d out of order", i);
		cr_expect_eq(sink_seen.refs[i], 1, "net took a reference");
		cr_expect_eq(b[i]->refs, 1, "net kept a reference");
	}
	cr_expect_eq(conn_queued(c), 0);
	cr_expect_eq(conn_send(c, b[2]), 0);
	cr_expect_eq(sink_seen.sends, 2);
	cr_expect_eq(sink_seen.n, 1);
	cr_expect_eq(sink_seen.bs[0], b[2]);
	cr_expect_eq(conn_sendv(c, b, 0), -EINVAL);
	cr_expect_eq(conn_sendv(c, b, CONN_SENDV_MAX + 1), -EINVAL);
	cr_expect_eq(sink_seen.sends, 2);
	cr_expect_eq(sink_seen.closes, 0);
	for (i = 0; i < 3; i++)
		wbuf_unref(b[i]);
	net_done(&loop, n);
}

Test(net_remote, sink_refusal_closes)
{
	uv_loop_t loop;
	struct net *n = net_for_test(&loop);
	struct conn *c = open_remote(n, "10.0.0.7");
	struct wbuf *b = wbuf_new(8);

	sink_seen.result = -ENOBUFS;
	cr_expect_eq(conn_send(c, b), -ENOBUFS);
	cr_expect_eq(sink_seen.closes, 1, "the refusal did not close it");
	cr_expect_eq(sink_seen.graceful, 0);
	cr_expect_eq(conn_send(c, b), -EPIPE);
	cr_expect_eq(sink_seen.sends, 1, "a closing connection sent");
	cr_expect_eq(b->refs, 1);
	wbuf_unref(b);
	uv_run(&loop, UV_RUN_NOWAIT);
	cr_expect_eq(cb_seen.closed, 1);
	net_done(&loop, n);
}

Test(net_remote, close_is_deferred_to_the_loop)
{
	uv_loop_t loop;
	struct net *n = net_for_test(&loop);
	struct conn *keep = open_remote(n, "10.0.0.8");
	struct conn *c = open_remote(n, "10.0.0.7");
	struct wbuf *b = wbuf_new(8);

	conn_close(c, 1);
	cr_expect_eq(sink_seen.closes, 1);
	cr_expect_eq(sink_seen.graceful, 1);
	conn_close(c, 0);
	cr_expect_eq(sink_seen.closes, 1, "the sink heard of it twice");
	/* the caller may still use it: it is listed, frames are ignored,
	 * sends refused */
	cr_expect_eq(cb_seen.closed, 0, "on_close came inside conn_close");
	cr_expect_eq(net_conns(n), c);
	cr_expect_eq(net_conn_count(n), 2);
	net_remote_frame(c, (const uint8_t *)"x", 1, 1, -1);
	cr_expect_eq(cb_seen.frames, 0, "a frame reached a closing one");
	cr_expect_eq(conn_send(c, b), -EPIPE);
	wbuf_unref(b);
	uv_run(&loop, UV_RUN_NOWAIT);
	cr_expect_eq(cb_seen.closed, 1, "on_close not run by the loop");
	cr_expect_eq(cb_seen.closed_conn, c);
	cr_expect_eq(net_conn_count(n), 1);
	cr_expect_eq(net_conns(n), keep);
	/* the idle is stopped again: a loop with nothing else to do ends */
	cr_expect_eq(uv_run(&loop, UV_RUN_NOWAIT), 0, "the loop stays busy");
	net_done(&loop, n);
	cr_expect_eq(cb_seen.closed, 2);
}

/* on_open may close the connection: the sink hears of it during
 * net_remote_open, on_close still comes from the loop. */
Test(net_remote, closed_by_on_open)
{
	uv_loop_t loop;
	struct net *n = net_for_test(&loop);
	struct conn *c;

	cb_seen.close_in_open = 1;
	c = open_remote(n, "10.0.0.7");
	cr_expect_eq(sink_seen.closes, 1);
	cr_expect_eq(sink_seen.graceful, 1);
	cr_expect_eq(cb_seen.closed, 0);
	uv_run(&loop, UV_RUN_ONCE);
	cr_expect_eq(cb_seen.closed, 1);
	cr_expect_eq(cb_seen.closed_conn, c);
	net_done(&loop, n);
}

Test(net_remote, gone_ends_at_once)
{
	uv_loop_t loop;
	struct net *n = net_for_test(&loop);
	struct conn *c = open_remote(n, "10.0.0.7");
	struct conn *d = open_remote(n, "10.0.0.7");

	net_remote_gone(c);
	cr_expect_eq(cb_seen.closed, 1, "on_close not called at once");
	cr_expect_eq(cb_seen.closed_conn, c);
	cr_expect_eq(sink_seen.closes, 0, "the sink was told to close");
	cr_expect_eq(net_conn_count(n), 1);
	/* gone while a close is pending: one on_close, now */
	conn_close(d, 1);
	net_remote_gone(d);
	cr_expect_eq(cb_seen.closed, 2);
	cr_expect_eq(cb_seen.closed_conn, d);
	cr_expect_eq(net_conn_count(n), 0);
	uv_run(&loop, UV_RUN_NOWAIT);
	cr_expect_eq(cb_seen.closed, 2, "the pending on_close ran too");
	net_done(&loop, n);
	cr_expect_eq(cb_seen.closed, 2);
}

Test(net_remote, net_close_ends_them)
{
	uv_loop_t loop;
	struct net *n = net_for_test(&loop);
	struct conn *pending = open_remote(n, "10.0.0.7");

	(void)open_remote(n, "10.0.0.8");
	(void)open_remote(n, "10.0.0.9");
	conn_close(pending, 1);
	net_close(n);
	cr_expect_eq(sink_seen.closes, 3, "net_close did not tell the sink");
	cr_expect_eq(sink_seen.graceful, 0);
	cr_expect_null(net_remote_open(n, &sink, NULL, "10.0.0.1"),
		       "opened on a closing net");
	cr_expect_eq(cb_seen.opens, 3);
	/* runs until the net is freed: hangs (the test times out) if a
	 * handle stayed open */
	uv_run(&loop, UV_RUN_DEFAULT);
	cr_expect_eq(cb_seen.closed, 3);
	cr_expect_eq(sink_seen.closes, 3);
	cr_expect_eq(cb_seen.sink_closes_at_close, 3,
		     "on_close came before the sink's close");
	cr_expect_eq(uv_loop_close(&loop), 0);
}

/* ---- above net: a remote contestant of a real server ----------------- */

/* The bodies of the frames a session's sink got, in order. */
static struct {
	int n, closes;
	Quiz__V1__Envelope__BodyCase body[64];
	int error_code; /* of the last Error */
} peer;

static int p_send(struct conn *c, struct wbuf *const *bs, unsigned n, void *arg)
{
	unsigned i;

	(void)c, (void)arg;
	for (i = 0; i < n; i++) {
		Quiz__V1__Envelope *env = wire_unpack(
		    bs[i]->data + FRAME_HEADER, bs[i]->len - FRAME_HEADER);

		cr_assert_not_null(env, "the sink got an undecodable frame");
		if (peer.n < 64)
			peer.body[peer.n++] = env->body_case;
		if (env->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR)
			peer.error_code = (int)env->error->code;
		wire_free(env);
	}
	return 0;
}

static void p_close(struct conn *c, int graceful, void *arg)
{
	(void)c, (void)graceful, (void)arg;
	peer.closes++;
}

static const struct net_remote_sink psink = {p_send, p_close};

static int peer_got(Quiz__V1__Envelope__BodyCase body)
{
	int i, k = 0;

	for (i = 0; i < peer.n; i++)
		k += peer.body[i] == body;
	return k;
}

/* A server without store and with an empty bank (enough for a Hello) and
 * one remote connection to it. */
static struct server *
server_with_remote(uv_loop_t *loop, uint32_t hello_timeout_ms, struct conn **c)
{
	static const struct bank empty;
	struct server_config cfg;
	struct server *s;

	memset(&peer, 0, sizeof(peer));
	server_config_default(&cfg);
	cfg.hello_timeout_ms = hello_timeout_ms;
	cr_assert_eq(uv_loop_init(loop), 0);
	s = server_new(loop, &cfg, NULL, &empty);
	*c = net_remote_open(s->net, &psink, NULL, "10.0.0.7");
	cr_assert_not_null(*c);
	cr_assert_eq(s->nsessions, 1);
	return s;
}

/* Runs the loop for about ms milliseconds (ping ticks every 50). */
static void run_for(uv_loop_t *loop, int ms)
{
	struct timespec one = {0, 1000000};
	int i;

	for (i = 0; i < ms; i++) {
		uv_run(loop, UV_RUN_NOWAIT);
		nanosleep(&one, NULL);
	}
}

static void server_done(uv_loop_t *loop, struct server *s)
{
	server_close(s);
	uv_run(loop, UV_RUN_DEFAULT);
	cr_expect_eq(s->nsessions, 0);
	server_free(s);
	cr_expect_eq(uv_loop_close(loop), 0);
}

/* Its edge pings it: the server sends it no Ping, neither right after
 * the Welcome nor in the warm-up rounds that follow. */
Test(net_remote, no_ping_to_a_remote_peer)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	uv_loop_t loop;
	struct conn *c;
	struct server *s = server_with_remote(&loop, 5000, &c);
	uint8_t *frame;
	size_t len;

	h.protocol_version = QUIZ_PROTOCOL_VERSION;
	h.client = "test";
	h.resume_token = "";
	env.seq = 1;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	frame = wire_pack(&env, &len);
	cr_assert_not_null(frame);
	net_remote_frame(c, frame + FRAME_HEADER, len - FRAME_HEADER,
			 net_now_us(), 1500);
	free(frame);
	cr_expect_eq(peer_got(QUIZ__V1__ENVELOPE__BODY_WELCOME), 1);
	run_for(&loop, 600); /* > 3 warm-up pings' worth */
	cr_expect_eq(peer_got(QUIZ__V1__ENVELOPE__BODY_PING), 0,
		     "a Ping went to a remote peer");
	cr_expect_eq(peer.closes, 0);
	server_done(&loop, s);
}

/* ... but the Hello deadline holds for it as for any peer. */
Test(net_remote, hello_deadline_holds)
{
	uv_loop_t loop;
	struct conn *c;
	struct server *s = server_with_remote(&loop, 100, &c);

	run_for(&loop, 500);
	cr_expect_eq(peer.closes, 1, "no Hello, not closed");
	cr_expect_eq(peer_got(QUIZ__V1__ENVELOPE__BODY_ERROR), 1);
	cr_expect_eq(peer.error_code, QUIZ__V1__ERROR_CODE__TIMEOUT);
	cr_expect_eq(s->nsessions, 0, "its session was not closed");
	server_done(&loop, s);
}

/* Per-connection dispatch: the handshake, validation of every request and
 * the switch that hands it to the hub; clock-sync pings. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "frame.h"
#include "decode.h"
#include "hub.h"
#include "item.h"
#include "log.h"
#include "practice_srv.h"
#include "quiz_limits.h"
#include "text.h"
#include "wire.h"
#include "xalloc.h"

/* Clock-sync pings: PING_BURST warm-up samples after Welcome, taken
 * PING_BURST_US apart (at least) so one busy moment cannot spoil them all;
 * each session's schedule is checked every PING_SWEEP_TICKS * PING_TICK_MS
 * (ping_round); then each session is re-pinged every
 * PING_REFRESH_US; a Ping unanswered for cfg.ping_timeout_ms is lost, and
 * after PING_LOST_MAX lost in a row the peer is taken for gone. */
#define PING_BURST	5
#define PING_BURST_US	150000
#define PING_TICK_MS	50
#define PING_REFRESH_US 5000000
#define PING_LOST_MAX	3
/* the ping round visits 1/PING_SWEEP_TICKS of the sessions a tick: each
 * one every PING_SWEEP_TICKS * PING_TICK_MS (200 ms) */
#define PING_SWEEP_TICKS 4
/* Before Hello a peer may send only frames this small: a Hello is under
 * 200 bytes, and an unknown peer must not make us buffer 64 KiB. */
#define HELLO_FRAME_MAX 1024
/* This many RATE_LIMITED in a row (no request accepted in between: the
 * peer ignores the refusals) close the connection. */
#define RATE_STRIKES_MAX 20

void server_config_default(struct server_config *c)
{
	c->max_conns = 20000;
	/* a hall of 500 behind one NAT, with reconnects and screens, stays
	 * far below; one address can hold at most a tenth of max_conns */
	c->max_conns_per_addr = 2000;
	c->conn_rate_per_addr = 50;
	c->max_out_bytes = 256 * 1024;
	c->max_in_bytes = 64u << 20;
	c->hello_timeout_ms = 5000;
	c->frame_timeout_ms = 10000;
	c->ping_timeout_ms = 10000;
	c->max_rooms = 1000;
	c->rate_per_sec = 20;
	c->rate_burst = 40;
	c->room_linger_s = 300;
	c->lobby_grace_s = 30;
	c->joins_per_addr = 2000;
	c->rooms_per_addr = 20;
	c->host_key = NULL;
	c->comp_cap_us = 150000;
	c->utc_offset_s = practice_srv_local_offset();
}

struct wbuf *server_pack(const Quiz__V1__Envelope *env)
{
	size_t n = wire_frame_size(env);
	struct wbuf *b;

	if (n <= 4 || n > 4 + 65536)
		return NULL;
	b = wbuf_new(n);
	if (wire_pack_at(env, b->data, 0, n) < 0) {
		wbuf_unref(b);
		return NULL;
	}
	return b;
}

void session_send(struct session *ss, struct wbuf *b)
{
	if (ss->conn)
		(void)conn_send(ss->conn, b);
}

void session_sendv(struct session *ss, struct wbuf *const *bs, unsigned n)
{
	if (ss->conn)
		(void)conn_sendv(ss->conn, bs, n);
}

void session_send_env(struct session *ss, Quiz__V1__Envelope *env)
{
	struct wbuf *b = server_pack(env);

	if (!b) {
		log_error(conn_tag(ss->conn), "reply too large to frame");
		return;
	}
	session_send(ss, b);
	wbuf_unref(b);
}

void session_error(struct session *ss, int code, uint32_t ref_seq,
		   const char *msg)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Error e = QUIZ__V1__ERROR__INIT;

	e.code = (Quiz__V1__ErrorCode)quiz_wire_code(code);
	e.message = (char *)(msg ? msg : quiz_error_text(code));
	e.ref_seq = ref_seq;
	env.seq = ref_seq; /* a reply: the request's seq (0 for a push) */
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ERROR;
	env.error = &e;
	session_send_env(ss, &env);
	log_debug(conn_tag(ss->conn), "error %s: %s", quiz_error_name(code),
		  e.message);
}

/* Sends Error and closes the connection once it is written. */
void server_log_closing(struct conn *c, int code, const char *msg)
{
	/* timeouts are what a flood of idle peers produces: keep them out
	 * of the default log */
	if (code == QE_TIMEOUT)
		log_debug(conn_tag(c), "closing: %s (%s)",
			  quiz_error_name(code), msg);
	else
		log_info(conn_tag(c), "closing: %s (%s)", quiz_error_name(code),
			 msg);
}

static void session_fail(struct session *ss, int code, uint32_t ref_seq,
			 const char *msg)
{
	server_log_closing(ss->conn, code, msg);
	ss->ending = true;
	session_error(ss, code, ref_seq, msg);
	conn_close(ss->conn, 1);
}

/* Sends a Ping carrying our clock; the Pong gives this peer's delay. Never
 * to a remote peer: its edge pings it and sends us the delay with each
 * frame (conn_remote_delay), and our Ping would measure the edge's link
 * too. */
static void session_ping(struct session *ss)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ping p = QUIZ__V1__PING__INIT;

	if (conn_is_remote(ss->conn))
		return;
	ss->ping_t0 = net_now_us();
	ss->ping_at = ss->ping_t0;
	p.t0 = (uint64_t)ss->ping_t0;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PING;
	env.ping = &p;
	session_send_env(ss, &env);
}

void server_random(void *buf, size_t n)
{
	int r = uv_random(NULL, NULL, buf, n, 0, NULL);

	if (r < 0) {
		/* tokens must not be guessable: no weaker fallback */
		log_error("main", "no system randomness: %s", uv_strerror(r));
		abort();
	}
}

void server_random_hex(char *out, size_t nbytes)
{
	uint8_t raw[32];

	if (nbytes > sizeof(raw))
		nbytes = sizeof(raw);
	server_random(raw, nbytes);
	text_bytes_hex(raw, nbytes, out);
}

void session_token_hex(const struct session *ss, char out[QUIZ_TOKEN_BUF])
{
	text_bytes_hex(ss->token, sizeof(ss->token), out);
}

/* Reads a resume token of QUIZ_TOKEN_HEX lowercase hex digits (the form
 * we give) into its bytes; -1 if it is not that. */
static int token_raw(const char *text, uint8_t out[QUIZ_TOKEN_HEX / 2])
{
	return text_hex_bytes(text, QUIZ_TOKEN_HEX, out);
}

/* Copies a peer's string for a log line: printable ASCII as is, any other
 * byte as \xNN, so no control or escape sequence reaches a terminal or a
 * log viewer. Returns out. */
static const char *log_safe(const char *s, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s && o + 5 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			out[o++] = (char)ch;
			continue;
		}
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[ch >> 4];
		out[o++] = hex[ch & 15];
	}
	out[o] = '\0';
	return out;
}

/* The handshake: Hello must come first and speak our version. */
static void session_hello(struct session *ss, const Quiz__V1__Envelope *env)
{
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Welcome w = QUIZ__V1__WELCOME__INIT;
	const Quiz__V1__Hello *h = env->hello;
	char sess[24], client[QUIZ_CLIENT_NAME_MAX * 4 + 8];
	char token[QUIZ_TOKEN_BUF];
	uint8_t raw[QUIZ_TOKEN_HEX / 2];

	if (env->body_case != QUIZ__V1__ENVELOPE__BODY_HELLO) {
		session_fail(ss, QE_BAD_MESSAGE, env->seq,
			     "the first message must be Hello");
		return;
	}
	if (h->protocol_version != QUIZ_PROTOCOL_VERSION) {
		session_fail(ss, QE_UNSUPPORTED_VERSION, env->seq,
			     "protocol version 1 only");
		return;
	}
	if (strlen(h->client) > QUIZ_CLIENT_NAME_MAX ||
	    strlen(h->resume_token) > QUIZ_TOKEN_INPUT_MAX) {
		session_fail(ss, QE_BAD_MESSAGE, env->seq, "field too long");
		return;
	}
	if (decode_formats(h, &ss->formats) < 0) {
		session_fail(ss, QE_BAD_MESSAGE, env->seq, "bad formats list");
		return;
	}
	ss->hello = true;
	conn_set_frame_max(ss->conn, FRAME_MAX);
	server_random(ss->token, sizeof(ss->token));
	/* a token that resumes is one we gave: QUIZ_TOKEN_HEX lowercase hex
	 * digits, kept raw; any other text is an unknown token */
	if (token_raw(h->resume_token, raw) == 0 &&
	    hub_resume(ss->srv->hub, ss, h->resume_token))
		memcpy(ss->token, raw, sizeof(ss->token));
	else if (conn_remote_token(ss->conn, raw)) /* the edge's Welcome */
		memcpy(ss->token, raw, sizeof(ss->token));
	session_token_hex(ss, token);
	snprintf(sess, sizeof(sess), "%s", conn_tag(ss->conn));
	w.session = sess;
	w.resume_token = token;
	w.protocol_version = QUIZ_PROTOCOL_VERSION;
	w.player_id = ss->player;
	w.host = ss->role == ROLE_HOST;
	w.room_code = (char *)(ss->room ? hub_room_code(ss->room) : "");
	out.seq = env->seq;
	out.body_case = QUIZ__V1__ENVELOPE__BODY_WELCOME;
	out.welcome = &w;
	w.server_time_us = (uint64_t)net_now_us();
	session_send_env(ss, &out);
	log_debug(conn_tag(ss->conn), "hello from '%s'%s",
		  log_safe(h->client, client, sizeof(client)),
		  ss->room ? " (resumed)" : "");
	if (ss->room)
		hub_snapshot(ss->srv->hub, ss);
	session_ping(ss);
}

/* Token bucket per connection; a flood gets RATE_LIMITED. */
static bool session_rate_ok(struct session *ss, int64_t now)
{
	const struct server_config *c = &ss->srv->cfg;

	return bucket_take(&ss->rate, now,
			   c->rate_per_sec ? 1e6 / c->rate_per_sec : 0,
			   c->rate_burst);
}

/* A Pong to one of our Pings: one more delay sample for this peer. */
static void session_pong(struct session *ss, const Quiz__V1__Pong *p,
			 int64_t recv_us)
{
	if (!ss->ping_t0 || (int64_t)p->t0 != ss->ping_t0)
		return; /* stale or forged: ignore */
	ss->ping_t0 = 0;
	ss->pings_lost = 0;
	if (clocksync_delays_add(&ss->cs, (int64_t)p->t0, (int64_t)p->t1,
				 (int64_t)p->t2, recv_us) < 0)
		return;
	ss->pongs++;
}

/* CreateRoom: decoded (contest file parsed) and handed to the hub; a
 * refusal carries the parser's sentence (the file's line). */
static void session_create(struct session *ss, const Quiz__V1__Envelope *env)
{
	struct hub_create req;
	struct contest *c;
	char err[DECODE_ERR_MAX];
	int r;

	r = decode_create(env->create_room, env->seq, ss->srv->bank, &req, &c,
			  err, sizeof(err));
	if (r == 0)
		r = hub_create_room(ss->srv->hub, ss, &req);
	free(c);
	if (r < 0)
		session_error(ss, r, env->seq, err[0] ? err : NULL);
}

/* Dispatches one decoded request after the handshake. */
#define CATEGORIES_MAX 256 /* categories named in a Categories reply */

/* The bank's categories and how many questions each has, in order of
 * first appearance (quiz host --list-categories). */
static void session_categories(struct session *ss, uint32_t seq)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Categories m = QUIZ__V1__CATEGORIES__INIT;
	Quiz__V1__CategoryCount cc[CATEGORIES_MAX], *pcc[CATEGORIES_MAX];
	const struct bank *b = ss->srv->bank;
	size_t i, k, n = 0;

	for (i = 0; b && i < b->n; i++) {
		const char *c =
		    b->items[i].category ? b->items[i].category : "";

		for (k = 0; k < n && strcmp(cc[k].category, c) != 0; k++)
			;
		if (k == n) {
			if (n == CATEGORIES_MAX)
				continue;
			quiz__v1__category_count__init(&cc[n]);
			cc[n].category = (char *)c;
			pcc[n] = &cc[n];
			n++;
		}
		cc[k].items++;
	}
	m.categories = pcc;
	m.n_categories = n;
	m.items = b ? (uint32_t)b->n : 0;
	env.seq = seq;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CATEGORIES;
	env.categories = &m;
	session_send_env(ss, &env);
}

static void session_dispatch(struct session *ss, const Quiz__V1__Envelope *env,
			     int64_t recv_us)
{
	struct hub *h = ss->srv->hub;
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;
	int r = 0;

	if (env->body_case != QUIZ__V1__ENVELOPE__BODY_PONG) {
		if (!session_rate_ok(ss, recv_us)) {
			if (++ss->strikes >= RATE_STRIKES_MAX)
				session_fail(ss, QE_RATE_LIMITED, env->seq,
					     "kept sending past the rate "
					     "limit");
			else
				session_error(ss, QE_RATE_LIMITED, env->seq,
					      NULL);
			return;
		}
		ss->strikes = 0;
	}
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_PING:
		pong.t0 = env->ping->t0;
		pong.t1 = (uint64_t)recv_us;
		pong.t2 = (uint64_t)net_now_us();
		out.seq = env->seq;
		out.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
		out.pong = &pong;
		session_send_env(ss, &out);
		return;
	case QUIZ__V1__ENVELOPE__BODY_PONG:
		session_pong(ss, env->pong, recv_us);
		return;
	default:
		break;
	}
	/* a practising connection is in no room (server/practice_srv.c) */
	if (ss->practice &&
	    (env->body_case == QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM ||
	     env->body_case == QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM ||
	     env->body_case == QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM)) {
		session_error(ss, QE_BAD_STATE, env->seq,
			      "this connection is practising");
		return;
	}
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM:
		session_create(ss, env);
		return;
	case QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM: {
		char why[DECODE_ERR_MAX] = "";
		struct hub_join j = {.code = env->join_room->code,
				     .nickname = env->join_room->nickname,
				     .team = env->join_room->team,
				     .seq = env->seq,
				     .why = why,
				     .why_cap = sizeof(why)};

		r = hub_join(h, ss, &j);
		if (r < 0 && why[0]) {
			session_error(ss, r, env->seq, why);
			return;
		}
		break;
	}
	case QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM:
		r = hub_watch(h, ss, env->watch_room->code,
			      env->watch_room->host_token,
			      env->watch_room->judge_token, env->seq);
		break;
	case QUIZ__V1__ENVELOPE__BODY_HOST_COMMAND:
		r = hub_command(h, ss, (enum room_cmd)env->host_command->action,
				env->host_command->player_id, env->seq);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ANSWER: {
		const char *text;
		uint32_t mask;

		r = decode_answer(env->answer, &mask, &text);
		if (r == 0 && ss->practice)
			r = practice_srv_answer(ss->srv->practice, ss,
						env->answer->question_index,
						mask, text, recv_us, env->seq);
		else if (r == 0)
			r = hub_answer(h, ss, env->answer->question_index, mask,
				       text, recv_us, env->seq);
		break;
	}
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_START: {
		struct practice_srv_start ps;

		r = decode_practice_start(env->practice_start, &ps);
		if (r == 0)
			r = practice_srv_start(ss->srv->practice, ss, &ps,
					       env->seq);
		break;
	}
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_NEXT:
		r = practice_srv_next(ss->srv->practice, ss, env->seq);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS_REQUEST:
		r = practice_srv_stats(ss->srv->practice, ss,
				       env->practice_stats_request->team,
				       env->seq);
		break;
	case QUIZ__V1__ENVELOPE__BODY_BUZZ:
		r = hub_buzz(h, ss, env->buzz->question_index, recv_us,
			     env->seq);
		break;
	case QUIZ__V1__ENVELOPE__BODY_VERDICT: {
		struct hub_verdict v;

		r = decode_verdict(env->verdict, &v);
		if (r == 0)
			r = hub_verdict(h, ss, &v, env->seq);
		break;
	}
	case QUIZ__V1__ENVELOPE__BODY_WAGER:
		r = env->wager->stake > INT32_MAX
			? -QE_BAD_MESSAGE
			: hub_wager(h, ss, env->wager->question_index,
				    (int32_t)env->wager->stake, env->seq);
		break;
	case QUIZ__V1__ENVELOPE__BODY_LIST_CATEGORIES:
		session_categories(ss, env->seq);
		return;
	case QUIZ__V1__ENVELOPE__BODY_HELLO:
		r = -QE_BAD_STATE;
		break;
	default:
		r = -QE_BAD_MESSAGE; /* a server-to-client message, or empty */
		break;
	}
	if (r < 0)
		session_error(ss, r, env->seq, NULL);
}

static void on_open(struct conn *c, void *arg)
{
	struct server *s = arg;
	struct session *ss = xcalloc(1, sizeof(*ss));

	ss->conn = c;
	ss->srv = s;
	ss->ping_at = net_now_us();
	bucket_init(&ss->rate, s->cfg.rate_burst, ss->ping_at);
	conn_set_frame_max(c, HELLO_FRAME_MAX);
	s->nsessions++;
	conn_set_data(c, ss);
	log_debug(conn_tag(c), "connected");
}

static void on_frame(struct conn *c, const uint8_t *payload, size_t len,
		     int64_t recv_us, void *arg)
{
	struct session *ss = conn_data(c);
	Quiz__V1__Envelope *env = wire_unpack(payload, len);

	(void)arg;
	if (!env) {
		session_fail(ss, QE_BAD_MESSAGE, 0, "undecodable message");
		return;
	}
	if (!ss->hello)
		session_hello(ss, env);
	else
		session_dispatch(ss, env, recv_us);
	wire_free(env);
}

static void on_bad_frame(struct conn *c, void *arg)
{
	struct session *ss = conn_data(c);

	(void)arg;
	session_fail(ss, QE_BAD_FRAME, 0,
		     ss->hello ? "frame length must be 1..65536"
			       : "frame length must be 1..1024 before Hello");
}

/* Packs an Error push (seq 0): what net sends when it refuses or ends a
 * connection itself, and what the edge sends before its own closes. */
struct wbuf *server_error_pack(int code, const char *msg)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Error e = QUIZ__V1__ERROR__INIT;

	e.code = (Quiz__V1__ErrorCode)quiz_wire_code(code);
	e.message = (char *)msg;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ERROR;
	env.error = &e;
	return server_pack(&env);
}

struct wbuf *server_notice(struct wbuf *const notices[NET_NOTICE_COUNT],
			   enum net_notice what)
{
	struct wbuf *b = notices[what];

	if (b)
		wbuf_ref(b);
	return b;
}

static struct wbuf *on_notice(enum net_notice what, void *arg)
{
	struct server *s = arg;

	return server_notice(s->notices, what);
}

static void on_close(struct conn *c, void *arg)
{
	struct server *s = arg;
	struct session *ss = conn_data(c);

	if (!ss)
		return;
	if (ss->room && s->hub)
		hub_detach(s->hub, ss);
	practice_srv_detach(ss);
	s->nsessions--;
	log_debug(conn_tag(c), "closed");
	free(ss);
}

/* Keeps every peer's delay estimate fresh: a few warm-up pings spread
 * over the first second, then one every PING_REFRESH_US. Refresh pings are
 * rationed per tick so peers that joined together are not all pinged in
 * the same instant (a burst of pings and pongs would delay the answers
 * arriving then). The delay estimate is the median of the window (the
 * clock offset: its lowest-delay sample), so a few samples taken while
 * either side was busy do not distort it. */
static void ping_round(struct server *s)
{
	int64_t now = net_now_us();
	uint32_t budget =
	    s->nsessions / (PING_REFRESH_US / 1000 / PING_TICK_MS) + 1;
	uint32_t quota = s->nsessions / PING_SWEEP_TICKS + 1;
	int64_t hello_us = (int64_t)s->cfg.hello_timeout_ms * 1000;
	int64_t lost_us = (int64_t)s->cfg.ping_timeout_ms * 1000;
	struct session *ss;
	struct conn *c, *start, *next;

	/* a share of the sessions each tick, round robin by their
	 * connections (net's list) from where the last tick stopped: walking
	 * ten thousand every tick held the loop for a millisecond twenty
	 * times a second */
	start = net_cursor(s->net) ? net_cursor(s->net) : net_conns(s->net);
	for (c = start; c && quota; c = next == start ? NULL : next) {
		bool warm;

		quota--;
		next = conn_next(c) ? conn_next(c) : net_conns(s->net);
		net_set_cursor(s->net, next);
		if (!(ss = conn_data(c)))
			continue;
		warm = ss->pongs < PING_BURST;
		if (ss->ending)
			continue;
		if (!ss->hello) {
			if (now - ss->ping_at > hello_us)
				session_fail(ss, QE_TIMEOUT, 0,
					     "no Hello in time");
			continue;
		}
		if (conn_is_remote(c))
			continue; /* pinged by its edge (session_ping) */
		if (ss->ping_t0 && now - ss->ping_t0 > lost_us) {
			ss->ping_t0 = 0;
			if (++ss->pings_lost >= PING_LOST_MAX) {
				session_fail(ss, QE_TIMEOUT, 0,
					     "pings unanswered");
				continue;
			}
		}
		if (ss->ping_t0)
			continue;
		/* no Ping while an answer may come (hub_answer_window),
		 * except to a peer without a single sample yet */
		if (ss->pongs && hub_answer_window(ss))
			continue;
		if (warm && now - ss->ping_at >= PING_BURST_US) {
			session_ping(ss);
		} else if (!warm && budget &&
			   now - ss->ping_at >= PING_REFRESH_US) {
			session_ping(ss);
			budget--;
		}
	}
}

/* The ping tick is due. The pings wait for this loop iteration's reads
 * (server/afterio.h): a peer answers a Ping at once, and a Pong that reached
 * us before an answer still unread from a stall would be merged by the
 * kernel into the answer's receive buffer and date it late. */
static void on_ping_tick(uv_timer_t *t)
{
	struct server *s = t->data;

	afterio_arm(&s->ping_after_io);
}

/* The ping round, after the reads. */
static void ping_round_cb(void *arg)
{
	ping_round(arg);
}

void server_net_limits(const struct server_config *cfg, struct net_limits *lim)
{
	lim->max_conns = cfg->max_conns;
	lim->max_conns_per_addr = cfg->max_conns_per_addr;
	lim->max_out_bytes = cfg->max_out_bytes;
	lim->max_in_bytes = cfg->max_in_bytes;
	lim->frame_timeout_ms = cfg->frame_timeout_ms;
	lim->conn_rate_per_addr = cfg->conn_rate_per_addr;
}

void server_notices_pack(struct wbuf *notices[NET_NOTICE_COUNT])
{
	notices[NET_FULL] = server_error_pack(QE_SERVER_FULL, "server full");
	notices[NET_FULL_ADDR] = server_error_pack(
	    QE_SERVER_FULL, "too many connections from your address");
	notices[NET_FULL_FDS] = server_error_pack(
	    QE_SERVER_FULL, "server full (no file descriptors)");
	notices[NET_FULL_INPUT] = server_error_pack(
	    QE_SERVER_FULL, "server busy: input buffers full");
	notices[NET_FRAME_TIMEOUT] =
	    server_error_pack(QE_TIMEOUT, "frame not completed in time");
	notices[NET_RATE_ADDR] = server_error_pack(
	    QE_RATE_LIMITED, "too many new connections from your address");
}

struct server *server_new(uv_loop_t *loop, const struct server_config *cfg,
			  struct store *store, const struct bank *bank)
{
	struct server *s = xcalloc(1, sizeof(*s));
	struct net_limits lim;
	struct net_callbacks cb = {
	    .on_open = on_open,
	    .on_frame = on_frame,
	    .on_bad_frame = on_bad_frame,
	    .notice = on_notice,
	    .on_close = on_close,
	};

	s->loop = loop;
	s->cfg = *cfg;
	s->store = store;
	s->bank = bank;
	server_net_limits(cfg, &lim);
	server_notices_pack(s->notices);
	s->net = net_new(loop, &lim, &cb, s);
	s->hub = hub_new(s);
	s->practice = practice_srv_new(s);
	uv_timer_init(loop, &s->ping_timer);
	s->ping_timer.data = s;
	afterio_init(loop, &s->ping_after_io, ping_round_cb, s);
	uv_timer_start(&s->ping_timer, on_ping_tick, PING_TICK_MS,
		       PING_TICK_MS);
	return s;
}

int server_listen(struct server *s, const char *host, int port, int *bound)
{
	int r = net_listen(s->net, host, port, bound);

	if (r == 0) {
		snprintf(s->listen_host, sizeof(s->listen_host), "%s", host);
		s->listen_port = *bound;
	}
	return r;
}

void server_shutdown(struct server *s)
{
	struct session *ss;
	struct conn *c;
	struct wbuf *b =
	    server_error_pack(QE_SHUTTING_DOWN, "server restarting");

	/* no new connection: a client retrying during the grace would be
	 * seated again by this process, which is going away */
	net_stop_listening(s->net);
	hub_shutdown(s->hub);
	for (c = net_conns(s->net); c; c = conn_next(c)) {
		if (!(ss = conn_data(c)))
			continue;
		if (b)
			session_send(ss, b);
		conn_close(ss->conn, 1);
	}
	wbuf_unref(b);
}

void server_close(struct server *s)
{
	uv_timer_stop(&s->ping_timer);
	net_close(s->net);
	hub_close(s->hub);
	uv_close((uv_handle_t *)&s->ping_timer, NULL);
	afterio_close(&s->ping_after_io, NULL, NULL);
}

void server_free(struct server *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < NET_NOTICE_COUNT; i++)
		wbuf_unref(s->notices[i]);
	hub_free(s->hub); /* before the persons its pending replies name */
	practice_srv_free(s->practice);
	free(s);
}

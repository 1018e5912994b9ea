/* quiz-floor: the floor quizd's fan-out is measured against (issue 13).
 * A plain libuv TCP server with nothing of quizd (no rooms, no SQLite, no
 * game core, no kernel receive stamps) that speaks just enough of the
 * protocol for `quiz-bench --floor`: Hello -> Welcome, Ping -> Pong,
 * JoinRoom -> Joined (player ids 1..N in join order). Once --players N
 * have joined and --settle-ms has passed (their clock sync settles as in
 * a real match), it broadcasts --questions Q Questions --interval-ms
 * apart, each followed half an interval later by its Reveal, then the
 * final Leaderboard and StateChange FINISHED, and exits once every
 * contestant has gone. Every broadcast is packed once (sent_at_us read
 * just before packing, as quizd does) and the same bytes are written to
 * every contestant the way quizd's net.c writes them: uv_try_write while
 * nothing is queued, else uv_write holding a reference to the buffer. One
 * line of JSON on stdout at exit. Exit status: 0 the whole match was
 * broadcast and everyone left, 1 timeout, signal or failure, 2 usage. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

#include "frame.h"
#include "quiz.pb-c.h"
#include "wire.h"

#ifndef QUIZ_VERSION
#define QUIZ_VERSION "0"
#endif

#define FLOOR_PLAYERS_MAX   100000
#define FLOOR_QUESTIONS_MAX 200		 /* quiz-bench's --questions cap */
#define FLOOR_IN_MAX	    4096	 /* longest frame taken from a peer */
#define FLOOR_OUT_MAX	    (256 * 1024) /* quizd's default max_out_bytes */
#define FLOOR_READ_CHUNK    65536	 /* one read buffer for every peer */
#define FLOOR_SPARE_CONNS   64	   /* peers beyond --players still taken */
#define FLOOR_LEAD_US	    250000 /* quizd's default lead (room.h) */
#define FLOOR_POINTS	    1000
#define FLOOR_CODE_MAX	    16 /* code echoed in Joined */

/* One question of the bundled bank (data/bank/part1.csv, s016-2), of the
 * bank's median size: the Question and Reveal frames are as big as
 * quizd's. Correct: B (index 1). */
static const char floor_stem[] = "下列哪一项属于“四个全面”？";
static const char *const floor_options[] = {"全面推进共同富裕", "全面依法治国",
					    "全面协调发展", "全面扩大开放"};
#define FLOOR_NOPTIONS 4
#define FLOOR_CORRECT  1
static const char floor_category[] = "治国理政";
static const char floor_explanation[] =
    "“四个全面”是指：全面建成小康社会、全面深化改革、全面依法治国、"
    "全面从严治党。";

/* A frame packed once and written to many connections (quizd's wbuf). */
struct fbuf {
	uint32_t refs;
	size_t len;
	uint8_t data[];
};

struct floor;

struct fconn {
	uv_tcp_t tcp;
	uv_shutdown_t shut;
	struct floor *f;
	struct fconn *prev, *next;
	uint32_t id; /* player id once joined, else 0 */
	int hello, closing;
	size_t out_bytes; /* queued in uv_write requests */
	uint8_t *in;	  /* a partial frame (FLOOR_IN_MAX), or NULL */
	size_t in_len;
};

struct fwreq {
	uv_write_t req;
	struct fconn *c;
	struct fbuf *b;
};

struct floor_opts {
	char host[64];
	int port;
	const char *port_file;
	unsigned players, questions;
	unsigned interval_ms, settle_ms, time_limit_ms;
	unsigned timeout_s, linger_s;
	int reveal;
};

enum floor_phase {
	PH_JOINING,  /* waiting for --players joins */
	PH_SETTLE,   /* all joined: clock sync settles */
	PH_OPEN,     /* question q broadcast */
	PH_REVEALED, /* its Reveal broadcast */
	PH_DONE	     /* final sent: waiting for everyone to leave */
};

struct floor {
	uv_loop_t *loop;
	struct floor_opts o;
	uv_tcp_t server;
	uv_timer_t timer, timeout;
	uv_signal_t sigint, sigterm;
	int stopping, status, timed_out;
	enum floor_phase phase;
	unsigned q; /* current question */
	struct fconn *conns;
	unsigned nconns, joined, left;
	struct fconn **seats; /* [1..players] in join order */
	uint64_t next_session, rng;
	uint8_t *chunk;
	/* what the summary reports */
	unsigned questions_sent, reveals_sent;
	size_t question_bytes, reveal_bytes;
	uint64_t *bcast_us; /* per question: first to last socket write */
	uint64_t writes_whole, writes_partial, writes_queued, dropped_slow;
	uint64_t bad_peers, refused;
};

static uint64_t now_us(void)
{
	return uv_hrtime() / 1000; /* quizd's net_now_us() */
}

/* Packs env as one frame with one reference, or NULL (too large). */
static struct fbuf *fbuf_pack(const Quiz__V1__Envelope *env)
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

static void fbuf_unref(struct fbuf *b)
{
	if (b && --b->refs == 0)
		free(b);
}

static void floor_check_end(struct floor *f);

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

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct fconn *c = req->data;

	(void)status;
	uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

/* Closes a connection, after its queued output when graceful. */
static void conn_close(struct fconn *c, int graceful)
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
	struct fwreq *w = (struct fwreq *)req;

	w->c->out_bytes -= w->b->len;
	fbuf_unref(w->b);
	if (status < 0)
		conn_close(w->c, 0);
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
			conn_close(c, 0);
			return;
		}
	}
	if (c->out_bytes + b->len > FLOOR_OUT_MAX) {
		f->dropped_slow++;
		conn_close(c, 0);
		return;
	}
	w = malloc(sizeof(*w));
	if (!w) {
		conn_close(c, 0);
		return;
	}
	f->writes_queued++;
	w->c = c;
	w->b = b;
	b->refs++;
	c->out_bytes += b->len;
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_write) < 0) {
		c->out_bytes -= b->len;
		fbuf_unref(b);
		free(w);
		conn_close(c, 0);
	}
}

/* Packs env and writes it to one connection. */
static void conn_send_env(struct fconn *c, const Quiz__V1__Envelope *env)
{
	struct fbuf *b = fbuf_pack(env);

	if (!b)
		return;
	conn_send(c, b);
	fbuf_unref(b);
}

/* Sends an Error replying to seq and closes once it is written. */
static void conn_fail(struct fconn *c, Quiz__V1__ErrorCode code, uint32_t seq,
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
	conn_send_env(c, &env);
	conn_close(c, 1);
}

/* splitmix64 for the resume tokens (the floor keeps no seat: a token
 * only has to look like quizd's, 32 hex digits). */
static uint64_t floor_rand(struct floor *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Hello: Welcome as quizd fills it (server_time_us read last). */
static void floor_hello(struct fconn *c, const Quiz__V1__Envelope *env)
{
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Welcome w = QUIZ__V1__WELCOME__INIT;
	struct floor *f = c->f;
	char sess[24], token[33];

	if (env->body_case != QUIZ__V1__ENVELOPE__BODY_HELLO) {
		conn_fail(c, QUIZ__V1__ERROR_CODE__BAD_MESSAGE, env->seq,
			  "the first message must be Hello");
		return;
	}
	if (env->hello->protocol_version != QUIZ_PROTOCOL_VERSION) {
		conn_fail(c, QUIZ__V1__ERROR_CODE__UNSUPPORTED_VERSION,
			  env->seq, "protocol version 1 only");
		return;
	}
	c->hello = 1;
	snprintf(sess, sizeof(sess), "f%" PRIu64, ++f->next_session);
	snprintf(token, sizeof(token), "%016" PRIx64 "%016" PRIx64,
		 floor_rand(f), floor_rand(f));
	w.session = sess;
	w.resume_token = token;
	w.protocol_version = QUIZ_PROTOCOL_VERSION;
	w.room_code = "";
	out.seq = env->seq;
	out.body_case = QUIZ__V1__ENVELOPE__BODY_WELCOME;
	out.welcome = &w;
	w.server_time_us = now_us();
	conn_send_env(c, &out);
}

static void floor_arm(struct floor *f, uint64_t ms);

/* JoinRoom: any code; seat i + 1 for the i-th join, up to --players. */
static void floor_join(struct fconn *c, const Quiz__V1__Envelope *env)
{
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Joined j = QUIZ__V1__JOINED__INIT;
	Quiz__V1__RoomSettings st = QUIZ__V1__ROOM_SETTINGS__INIT;
	struct floor *f = c->f;
	char code[FLOOR_CODE_MAX + 1];

	if (c->id || f->phase != PH_JOINING) {
		conn_fail(c,
			  c->id ? QUIZ__V1__ERROR_CODE__BAD_STATE
				: QUIZ__V1__ERROR_CODE__TOO_LATE,
			  env->seq,
			  "the floor takes one join per seat, before "
			  "it starts");
		return;
	}
	if (!env->join_room->code[0] ||
	    strlen(env->join_room->code) > FLOOR_CODE_MAX) {
		conn_fail(c, QUIZ__V1__ERROR_CODE__ROOM_NOT_FOUND, env->seq,
			  "no such room");
		return;
	}
	snprintf(code, sizeof(code), "%s", env->join_room->code);
	c->id = ++f->joined;
	f->seats[c->id] = c;
	st.format = QUIZ__V1__ROUND_FORMAT__SPEED;
	st.title = "quiz-floor";
	st.question_count = f->o.questions;
	st.time_limit_ms = f->o.time_limit_ms;
	st.points = FLOOR_POINTS;
	st.auto_advance = 1;
	j.player_id = c->id;
	j.code = code;
	j.settings = &st;
	j.state = QUIZ__V1__ROOM_STATE__LOBBY;
	j.players = f->joined;
	out.seq = env->seq;
	out.body_case = QUIZ__V1__ENVELOPE__BODY_JOINED;
	out.joined = &j;
	conn_send_env(c, &out);
	if (f->joined == f->o.players) {
		f->phase = PH_SETTLE;
		floor_arm(f, f->o.settle_ms);
	}
}

/* One whole frame from a peer. */
static void floor_frame(struct fconn *c, const uint8_t *p, size_t len,
			uint64_t recv)
{
	Quiz__V1__Envelope *env = wire_unpack(p, len);
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;

	if (!env) {
		conn_fail(c, QUIZ__V1__ERROR_CODE__BAD_MESSAGE, 0,
			  "undecodable message");
		return;
	}
	if (!c->hello) {
		floor_hello(c, env);
		wire_free(env);
		return;
	}
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_PING: /* as quizd's session_dispatch */
		pong.t0 = env->ping->t0;
		pong.t1 = recv;
		pong.t2 = now_us();
		out.seq = env->seq;
		out.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
		out.pong = &pong;
		conn_send_env(c, &out);
		break;
	case QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM:
		floor_join(c, env);
		break;
	default: /* Pongs and anything else: nothing to do here */
		break;
	}
	wire_free(env);
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
				conn_fail(c, QUIZ__V1__ERROR_CODE__BAD_FRAME, 0,
					  "bad frame length");
				return;
			}
		}
		if (have < FRAME_HEADER || have < FRAME_HEADER + len) {
			if (frame == c->in)
				continue; /* the rest of p, if any */
			if (conn_keep(c, p, n) < 0)
				conn_close(c, 0);
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

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct fconn *c = h->data;

	(void)suggested;
	buf->base = (char *)c->f->chunk;
	buf->len = FLOOR_READ_CHUNK;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct fconn *c = s->data;

	/* t1 of a Pong: when the read came (quizd takes the kernel's
	 * receive stamp; an idle floor reads at once) */
	if (nread > 0)
		conn_input(c, (const uint8_t *)buf->base, (size_t)nread,
			   now_us());
	else if (nread < 0)
		conn_close(c, 0);
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
		conn_close(c, 0);
		return;
	}
	if (f->nconns > f->o.players + FLOOR_SPARE_CONNS) {
		f->refused++;
		conn_close(c, 0);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0)
		conn_close(c, 0);
}

/* Writes one packed broadcast to every seated contestant, in seat
 * order (quizd's push_bcast); returns how long the writes took. */
static uint64_t floor_bcast(struct floor *f, struct fbuf *b, uint64_t start)
{
	unsigned i;

	for (i = 1; i <= f->joined; i++)
		if (f->seats[i])
			conn_send(f->seats[i], b);
	return now_us() - start;
}

/* Question f->q: packed once, sent_at_us read just before packing. */
static void floor_question(struct floor *f)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Question m = QUIZ__V1__QUESTION__INIT;
	uint64_t sent;
	struct fbuf *b;

	m.index = f->q;
	m.count = f->o.questions;
	m.kind = QUIZ__V1__QUESTION_KIND__SINGLE;
	m.stem = (char *)floor_stem;
	m.n_options = FLOOR_NOPTIONS;
	m.options = (char **)floor_options;
	m.time_limit_ms = f->o.time_limit_ms;
	m.points = FLOOR_POINTS;
	m.category = (char *)floor_category;
	m.round = 0;
	m.round_index = f->q;
	m.round_count = f->o.questions;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_QUESTION;
	env.question = &m;
	sent = now_us();
	m.reveal_at_us = sent + FLOOR_LEAD_US;
	m.deadline_at_us = m.reveal_at_us + (uint64_t)f->o.time_limit_ms * 1000;
	m.sent_at_us = sent;
	b = fbuf_pack(&env);
	if (!b)
		return;
	f->question_bytes = b->len;
	f->bcast_us[f->q] = floor_bcast(f, b, sent);
	fbuf_unref(b);
	f->questions_sent++;
}

/* The Reveal of question f->q (nobody answered). */
static void floor_reveal(struct floor *f)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Reveal m = QUIZ__V1__REVEAL__INIT;
	uint32_t correct = FLOOR_CORRECT, dist[FLOOR_NOPTIONS] = {0};
	struct fbuf *b;

	m.question_index = f->q;
	m.n_correct = 1;
	m.correct = &correct;
	m.n_distribution = FLOOR_NOPTIONS;
	m.distribution = dist;
	m.players = f->joined;
	m.explanation = (char *)floor_explanation;
	m.correct_text = "";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_REVEAL;
	env.reveal = &m;
	m.sent_at_us = now_us();
	b = fbuf_pack(&env);
	if (!b)
		return;
	f->reveal_bytes = b->len;
	(void)floor_bcast(f, b, m.sent_at_us);
	fbuf_unref(b);
	f->reveals_sent++;
}

/* The end: the final Leaderboard (no standings: nobody scored), then
 * FINISHED, on which quiz-bench's contestants leave. */
static void floor_final(struct floor *f)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Leaderboard lb = QUIZ__V1__LEADERBOARD__INIT;
	Quiz__V1__StateChange sc = QUIZ__V1__STATE_CHANGE__INIT;
	struct fbuf *b;

	lb.question_index = f->o.questions - 1;
	lb.final = 1;
	lb.players = f->joined;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_LEADERBOARD;
	env.leaderboard = &lb;
	if ((b = fbuf_pack(&env))) {
		(void)floor_bcast(f, b, now_us());
		fbuf_unref(b);
	}
	sc.state = QUIZ__V1__ROOM_STATE__FINISHED;
	sc.at_us = now_us();
	env.body_case = QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE;
	env.state_change = &sc;
	if ((b = fbuf_pack(&env))) {
		(void)floor_bcast(f, b, now_us());
		fbuf_unref(b);
	}
}

static void floor_stop(struct floor *f, int status);

/* The match's clock: settle, then question, reveal, question, ...,
 * final, then --linger-s for the contestants to leave. */
static void on_timer(uv_timer_t *t)
{
	struct floor *f = t->data;
	unsigned half = f->o.interval_ms / 2;

	switch (f->phase) {
	case PH_JOINING:
		break;
	case PH_SETTLE:
		f->q = 0;
		floor_question(f);
		f->phase = PH_OPEN;
		floor_arm(f, f->o.reveal ? half : f->o.interval_ms);
		break;
	case PH_OPEN:
	case PH_REVEALED:
		if (f->phase == PH_OPEN && f->o.reveal) {
			floor_reveal(f);
			f->phase = PH_REVEALED;
			floor_arm(f, f->o.interval_ms - half);
			break;
		}
		if (++f->q < f->o.questions) {
			floor_question(f);
			f->phase = PH_OPEN;
			floor_arm(f, f->o.reveal ? half : f->o.interval_ms);
			break;
		}
		floor_final(f);
		f->phase = PH_DONE;
		floor_arm(f, (uint64_t)f->o.linger_s * 1000);
		floor_check_end(f);
		break;
	case PH_DONE:
		fprintf(stderr,
			"quiz-floor: %u contestants still connected %u s "
			"after the end: closing them\n",
			f->nconns, f->o.linger_s);
		floor_stop(f, 0);
		break;
	}
}

static void floor_arm(struct floor *f, uint64_t ms)
{
	uv_timer_start(&f->timer, on_timer, ms, 0);
}

/* Done once the end was sent and every connection has gone. */
static void floor_check_end(struct floor *f)
{
	if (f->phase == PH_DONE && f->nconns == 0)
		floor_stop(f, 0);
}

/* Closes the listener, the timers and every connection; the loop then
 * runs dry. */
static void floor_stop(struct floor *f, int status)
{
	struct fconn *c;

	if (f->stopping)
		return;
	f->stopping = 1;
	f->status = status;
	uv_close((uv_handle_t *)&f->server, NULL);
	uv_close((uv_handle_t *)&f->timer, NULL);
	uv_close((uv_handle_t *)&f->timeout, NULL);
	uv_close((uv_handle_t *)&f->sigint, NULL);
	uv_close((uv_handle_t *)&f->sigterm, NULL);
	for (c = f->conns; c; c = c->next)
		conn_close(c, 0);
}

static void on_timeout(uv_timer_t *t)
{
	struct floor *f = t->data;

	fprintf(stderr,
		"quiz-floor: timeout after %u s (%u of %u joined, %u "
		"questions sent)\n",
		f->o.timeout_s, f->joined, f->o.players, f->questions_sent);
	f->timed_out = 1;
	floor_stop(f, 1);
}

static void on_signal(uv_signal_t *s, int signum)
{
	struct floor *f = s->data;

	fprintf(stderr, "quiz-floor: signal %d: stopping\n", signum);
	floor_stop(f, 1);
}

/* The summary: one JSON object on stdout. */
static void floor_report(const struct floor *f)
{
	uint64_t max = 0, sum = 0;
	unsigned i;

	printf("{\"players\":%u,\"joined\":%u,\"left\":%u,\"questions\":%u,"
	       "\"questions_sent\":%u,\"reveals_sent\":%u,"
	       "\"frame_bytes\":{\"question\":%zu,\"reveal\":%zu},"
	       "\"question_broadcast_us\":[",
	       f->o.players, f->joined, f->left, f->o.questions,
	       f->questions_sent, f->reveals_sent, f->question_bytes,
	       f->reveal_bytes);
	for (i = 0; i < f->questions_sent; i++) {
		printf("%s%" PRIu64, i ? "," : "", f->bcast_us[i]);
		sum += f->bcast_us[i];
		if (f->bcast_us[i] > max)
			max = f->bcast_us[i];
	}
	printf("],\"question_broadcast_max_us\":%" PRIu64
	       ",\"question_broadcast_mean_us\":%" PRIu64
	       ",\"writes\":{\"whole\":%" PRIu64 ",\"partial\":%" PRIu64
	       ",\"queued\":%" PRIu64 "},\"dropped_slow\":%" PRIu64
	       ",\"bad_peers\":%" PRIu64 ",\"refused\":%" PRIu64
	       ",\"timed_out\":%s}\n",
	       max, f->questions_sent ? sum / f->questions_sent : 0,
	       f->writes_whole, f->writes_partial, f->writes_queued,
	       f->dropped_slow, f->bad_peers, f->refused,
	       f->timed_out ? "true" : "false");
	fflush(stdout);
}

static void floor_usage(FILE *out)
{
	fputs(
	    "usage: quiz-floor [--listen HOST:PORT] [--port-file FILE] "
	    "--players N\n"
	    "                  [--questions Q] [--interval-ms MS] "
	    "[--settle-ms MS]\n"
	    "                  [--time-limit-ms T] [--no-reveal] "
	    "[--timeout-s S]\n"
	    "                  [--linger-s S] [--help] [--version]\n"
	    "\n"
	    "The floor of quizd's fan-out (docs/BENCHMARKS.md): a plain libuv "
	    "server\n"
	    "with nothing of quizd that answers Hello, Ping and JoinRoom "
	    "(any code),\n"
	    "and once N contestants have joined and MS of --settle-ms have "
	    "passed,\n"
	    "broadcasts Q Questions of quizd's size, each packed once and "
	    "written to\n"
	    "every socket as quizd writes, then the final Leaderboard and "
	    "FINISHED.\n"
	    "Measure it with quiz-bench --floor; scripts/scale.sh runs both "
	    "it and\n"
	    "quizd and prints the ratio. One JSON summary on stdout at "
	    "exit.\n"
	    "\n"
	    "  --listen HOST:PORT   where to listen (127.0.0.1:0: an "
	    "ephemeral port)\n"
	    "  --port-file FILE     write the bound port there once "
	    "listening\n"
	    "  --players N          contestants to wait for (1..100000)\n"
	    "  --questions Q        questions to broadcast (1..200, 3)\n"
	    "  --interval-ms MS     from one Question to the next "
	    "(100..60000, 1000)\n"
	    "  --settle-ms MS       after the last join, before the first "
	    "Question\n"
	    "                       (0..60000, 2000)\n"
	    "  --time-limit-ms T    Question.time_limit_ms (1000..300000, "
	    "10000)\n"
	    "  --no-reveal          no Reveal half an interval after each "
	    "Question\n"
	    "  --timeout-s S        give up after S s, exit 1 (1..86400, "
	    "600)\n"
	    "  --linger-s S         after the end, close contestants still "
	    "there\n"
	    "                       after S s (1..3600, 30)\n"
	    "\n"
	    "Exit status: 0 the match was broadcast and everyone left, 1 "
	    "timeout,\n"
	    "signal or failure, 2 usage.\n",
	    out);
}

/* An unsigned option within lo..hi; prints why not. */
static int opt_uint(const char *name, const char *s, unsigned lo, unsigned hi,
		    unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || *s == '-' || v < lo || v > hi) {
		fprintf(stderr, "quiz-floor: --%s wants %u..%u, got '%s'\n",
			name, lo, hi, s);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

/* HOST:PORT ([v6]:PORT) into o->host and o->port. */
static int parse_listen(const char *s, struct floor_opts *o)
{
	const char *colon = strrchr(s, ':');
	unsigned port;
	size_t n;

	if (!colon)
		return -EINVAL;
	n = (size_t)(colon - s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(o->host))
		return -EINVAL;
	memcpy(o->host, s, n);
	o->host[n] = '\0';
	if (opt_uint("listen", colon + 1, 0, 65535, &port) < 0)
		return -EINVAL;
	o->port = (int)port;
	return 0;
}

/* Returns 0 to run, 1 after --help or --version, -EINVAL on a usage
 * error (message printed). */
static int floor_args(int argc, char **argv, struct floor_opts *o)
{
	static const struct option longs[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"port-file", required_argument, NULL, 'f'},
	    {"players", required_argument, NULL, 'n'},
	    {"questions", required_argument, NULL, 'q'},
	    {"interval-ms", required_argument, NULL, 'i'},
	    {"settle-ms", required_argument, NULL, 's'},
	    {"time-limit-ms", required_argument, NULL, 'T'},
	    {"no-reveal", no_argument, NULL, 'R'},
	    {"timeout-s", required_argument, NULL, 'o'},
	    {"linger-s", required_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int ch, r = 0;

	memset(o, 0, sizeof(*o));
	snprintf(o->host, sizeof(o->host), "127.0.0.1");
	o->questions = 3;
	o->interval_ms = 1000;
	o->settle_ms = 2000;
	o->time_limit_ms = 10000;
	o->timeout_s = 600;
	o->linger_s = 30;
	o->reveal = 1;
	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if (parse_listen(optarg, o) < 0) {
				fprintf(stderr, "quiz-floor: --listen wants "
						"HOST:PORT\n");
				return -EINVAL;
			}
			break;
		case 'f':
			o->port_file = optarg;
			break;
		case 'n':
			r = opt_uint("players", optarg, 1, FLOOR_PLAYERS_MAX,
				     &o->players);
			break;
		case 'q':
			r = opt_uint("questions", optarg, 1,
				     FLOOR_QUESTIONS_MAX, &o->questions);
			break;
		case 'i':
			r = opt_uint("interval-ms", optarg, 100, 60000,
				     &o->interval_ms);
			break;
		case 's':
			r = opt_uint("settle-ms", optarg, 0, 60000,
				     &o->settle_ms);
			break;
		case 'T':
			r = opt_uint("time-limit-ms", optarg, 1000, 300000,
				     &o->time_limit_ms);
			break;
		case 'R':
			o->reveal = 0;
			break;
		case 'o':
			r = opt_uint("timeout-s", optarg, 1, 86400,
				     &o->timeout_s);
			break;
		case 'L':
			r = opt_uint("linger-s", optarg, 1, 3600, &o->linger_s);
			break;
		case 'h':
			floor_usage(stdout);
			return 1;
		case 'V':
			printf("quiz-floor %s (protocol %d)\n", QUIZ_VERSION,
			       QUIZ_PROTOCOL_VERSION);
			return 1;
		default:
			floor_usage(stderr);
			return -EINVAL;
		}
		if (r < 0)
			return r;
	}
	if (optind < argc) {
		fprintf(stderr, "quiz-floor: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	if (!o->players) {
		fprintf(stderr, "quiz-floor: --players is required (see "
				"--help)\n");
		return -EINVAL;
	}
	return 0;
}

/* Binds and listens; writes --port-file. 0 or a negative libuv error. */
static int floor_listen(struct floor *f)
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

/* Thousands of sockets need a high descriptor limit. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	struct floor f;
	uv_loop_t loop;
	int r;

	memset(&f, 0, sizeof(f));
	r = floor_args(argc, argv, &f.o);
	if (r)
		return r > 0 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	f.seats = calloc((size_t)f.o.players + 1, sizeof(*f.seats));
	f.bcast_us = calloc(f.o.questions, sizeof(*f.bcast_us));
	f.chunk = malloc(FLOOR_READ_CHUNK);
	if (!f.seats || !f.bcast_us || !f.chunk || uv_loop_init(&loop) < 0) {
		fprintf(stderr, "quiz-floor: cannot allocate\n");
		return 1;
	}
	f.loop = &loop;
	f.rng = uv_hrtime();
	uv_tcp_init(&loop, &f.server);
	uv_timer_init(&loop, &f.timer);
	uv_timer_init(&loop, &f.timeout);
	uv_signal_init(&loop, &f.sigint);
	uv_signal_init(&loop, &f.sigterm);
	f.timer.data = f.timeout.data = &f;
	f.sigint.data = f.sigterm.data = &f;
	r = floor_listen(&f);
	if (r < 0) {
		fprintf(stderr, "quiz-floor: cannot listen on %s:%d: %s\n",
			f.o.host, f.o.port, uv_strerror(r));
		floor_stop(&f, 1);
	} else {
		uv_timer_start(&f.timeout, on_timeout,
			       (uint64_t)f.o.timeout_s * 1000, 0);
		uv_signal_start(&f.sigint, on_signal, SIGINT);
		uv_signal_start(&f.sigterm, on_signal, SIGTERM);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&loop) < 0)
		fprintf(stderr, "quiz-floor: loop still has handles\n");
	if (r == 0)
		floor_report(&f);
	free(f.seats);
	free(f.bcast_us);
	free(f.chunk);
	return f.status;
}

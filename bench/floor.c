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
#include "floor_int.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "wire.h"

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

static void floor_arm(struct floor *f, uint64_t ms);

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
		floor_conn_fail(c, QUIZ__V1__ERROR_CODE__BAD_MESSAGE, env->seq,
				"the first message must be Hello");
		return;
	}
	if (env->hello->protocol_version != QUIZ_PROTOCOL_VERSION) {
		floor_conn_fail(c, QUIZ__V1__ERROR_CODE__UNSUPPORTED_VERSION,
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
	w.server_time_us = floor_now_us();
	floor_conn_send_env(c, &out);
}

/* JoinRoom: any code; seat i + 1 for the i-th join, up to --players. */
static void floor_join(struct fconn *c, const Quiz__V1__Envelope *env)
{
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Joined j = QUIZ__V1__JOINED__INIT;
	Quiz__V1__RoomSettings st = QUIZ__V1__ROOM_SETTINGS__INIT;
	struct floor *f = c->f;
	char code[FLOOR_CODE_MAX + 1];

	if (c->id || f->phase != PH_JOINING) {
		floor_conn_fail(c,
				c->id ? QUIZ__V1__ERROR_CODE__BAD_STATE
				      : QUIZ__V1__ERROR_CODE__TOO_LATE,
				env->seq,
				"the floor takes one join per seat, before "
				"it starts");
		return;
	}
	if (!env->join_room->code[0] ||
	    strlen(env->join_room->code) > FLOOR_CODE_MAX) {
		floor_conn_fail(c, QUIZ__V1__ERROR_CODE__ROOM_NOT_FOUND,
				env->seq, "no such room");
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
	floor_conn_send_env(c, &out);
	if (f->joined == f->o.players) {
		f->phase = PH_SETTLE;
		floor_arm(f, f->o.settle_ms);
	}
}

/* One whole frame from a peer. */
void floor_frame(struct fconn *c, const uint8_t *p, size_t len, uint64_t recv)
{
	Quiz__V1__Envelope *env = wire_unpack(p, len);
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;

	if (!env) {
		floor_conn_fail(c, QUIZ__V1__ERROR_CODE__BAD_MESSAGE, 0,
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
		pong.t2 = floor_now_us();
		out.seq = env->seq;
		out.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
		out.pong = &pong;
		floor_conn_send_env(c, &out);
		break;
	case QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM:
		floor_join(c, env);
		break;
	default: /* Pongs and anything else: nothing to do here */
		break;
	}
	wire_free(env);
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
	sent = floor_now_us();
	m.reveal_at_us = sent + FLOOR_LEAD_US;
	m.deadline_at_us = m.reveal_at_us + (uint64_t)f->o.time_limit_ms * 1000;
	m.sent_at_us = sent;
	b = floor_pack(&env);
	if (!b)
		return;
	f->question_bytes = b->len;
	f->bcast_us[f->q] = floor_bcast(f, b, sent);
	floor_unref(b);
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
	m.sent_at_us = floor_now_us();
	b = floor_pack(&env);
	if (!b)
		return;
	f->reveal_bytes = b->len;
	(void)floor_bcast(f, b, m.sent_at_us);
	floor_unref(b);
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
	if ((b = floor_pack(&env))) {
		(void)floor_bcast(f, b, floor_now_us());
		floor_unref(b);
	}
	sc.state = QUIZ__V1__ROOM_STATE__FINISHED;
	sc.at_us = floor_now_us();
	env.body_case = QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE;
	env.state_change = &sc;
	if ((b = floor_pack(&env))) {
		(void)floor_bcast(f, b, floor_now_us());
		floor_unref(b);
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
		floor_stop(f, 1);
		break;
	}
}

/* The match timer fires in ms. */
static void floor_arm(struct floor *f, uint64_t ms)
{
	uv_timer_start(&f->timer, on_timer, ms, 0);
}

/* Done once the end was sent and every connection has gone. */
void floor_check_end(struct floor *f)
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
		floor_conn_close(c, 0);
}

/* --timeout-s passed: stop, exit 1. */
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

/* SIGINT or SIGTERM: stop, exit 1. */
static void on_signal(uv_signal_t *s, int signum)
{
	struct floor *f = s->data;

	fprintf(stderr, "quiz-floor: signal %d: stopping\n", signum);
	floor_stop(f, 1);
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

/* Protocol conformance: a plain blocking-socket client written from
 * proto/quiz.proto and docs/PROTOCOL.md, checking the answers the doc gives
 * to the questions a client author asks (which seq an Error carries, what
 * the settings echo, what a second Hello, an empty envelope, an answer to a
 * future question or choices for a fill question get, who holds the host
 * seat after a second host, what a replaced connection receives, ...).
 *
 *   quiz-conform PORT
 *
 * Prints one line per check ("ok - ..." or "FAIL - ...") and exits 0 when
 * every check passed, 1 otherwise. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "wire.h"

#define WAIT_MS	 5000	    /* longest wait for any one reply or push */
#define CATEGORY "党章党规" /* a bank category holding FILL questions */

typedef Quiz__V1__Envelope Env;

struct peer {
	const char *name;
	int fd;
	uint32_t seq; /* last request number used */
	bool closed;  /* EOF seen */
	uint8_t buf[FRAME_HEADER + FRAME_MAX];
	size_t len;
};

static int port;
static int failures;

/* Records one check. */
static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static void die(const char *what)
{
	printf("FAIL - %s (giving up)\n", what);
	exit(1);
}

static void peer_open(struct peer *p, const char *name)
{
	struct sockaddr_in sa;

	memset(p, 0, sizeof(*p));
	p->name = name;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (p->fd < 0 || connect(p->fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
}

static void peer_close(struct peer *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* Sends env with the next seq (or the seq already in env when keep_seq).
 * Returns the seq sent. */
static uint32_t peer_send(struct peer *p, Env *env, bool keep_seq)
{
	size_t n, off = 0;
	uint8_t *b;

	if (!keep_seq)
		env->seq = ++p->seq;
	b = wire_pack(env, &n);
	if (!b)
		die("pack");
	while (off < n) {
		ssize_t w = send(p->fd, b + off, n - off, MSG_NOSIGNAL);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(b);
	return env->seq;
}

/* The next envelope, or NULL after WAIT_MS of silence or at EOF (then
 * p->closed). Answers the server's Pings as the doc asks. */
static Env *peer_next(struct peer *p)
{
	for (;;) {
		struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
		const uint8_t *payload;
		size_t plen;
		int64_t n = frame_parse(p->buf, p->len, &payload, &plen);
		ssize_t r;

		if (n < 0)
			die("bad frame from the server");
		if (n > 0) {
			Env *env = wire_unpack(payload, plen);

			memmove(p->buf, p->buf + n, p->len - (size_t)n);
			p->len -= (size_t)n;
			if (!env)
				die("undecodable message from the server");
			if (env->body_case == QUIZ__V1__ENVELOPE__BODY_PING) {
				Env o = QUIZ__V1__ENVELOPE__INIT;
				Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;
				struct timespec ts;

				clock_gettime(CLOCK_MONOTONIC, &ts);
				pong.t0 = env->ping->t0;
				pong.t1 = pong.t2 =
				    (uint64_t)ts.tv_sec * 1000000 +
				    (uint64_t)ts.tv_nsec / 1000;
				o.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
				o.pong = &pong;
				o.seq = 0;
				peer_send(p, &o, true);
				wire_free(env);
				continue;
			}
			return env;
		}
		if (poll(&pfd, 1, WAIT_MS) <= 0)
			return NULL;
		r = recv(p->fd, p->buf + p->len, sizeof(p->buf) - p->len, 0);
		if (r <= 0) {
			p->closed = true;
			return NULL;
		}
		p->len += (size_t)r;
	}
}

/* Reads until a message of the given kind (skipping others); NULL if none
 * came. */
static Env *peer_wait(struct peer *p, Quiz__V1__Envelope__BodyCase kind)
{
	Env *e;

	while ((e = peer_next(p))) {
		if (e->body_case == kind)
			return e;
		wire_free(e);
	}
	return NULL;
}

/* Reads until the reply to seq (any message whose Envelope.seq is seq, or an
 * Error whose ref_seq is seq); pushes (seq 0) are skipped. */
static Env *peer_reply(struct peer *p, uint32_t seq)
{
	Env *e;

	while ((e = peer_next(p))) {
		if (e->seq == seq ||
		    (e->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR &&
		     e->error->ref_seq == seq))
			return e;
		wire_free(e);
	}
	return NULL;
}

/* Sends env and checks that it is refused with code, in an Error whose
 * Envelope.seq and ref_seq both equal the request's seq. */
static void expect_error(struct peer *p, Env *env, Quiz__V1__ErrorCode code,
			 const char *what)
{
	uint32_t seq = peer_send(p, env, false);
	Env *r = peer_reply(p, seq);

	if (!r) {
		check(false, "%s: no reply to seq %u", what, seq);
		return;
	}
	if (r->body_case != QUIZ__V1__ENVELOPE__BODY_ERROR) {
		check(false, "%s: got body %d, not Error", what,
		      (int)r->body_case);
	} else {
		check(r->error->code == code && r->seq == seq &&
			  r->error->ref_seq == seq,
		      "%s: Error %d (want %d), Envelope.seq %u, ref_seq %u "
		      "(want %u)",
		      what, (int)r->error->code, (int)code, r->seq,
		      r->error->ref_seq, seq);
	}
	wire_free(r);
}

/* Sends env and returns the reply of the wanted kind (NULL, after a
 * failed check, if something else came). */
static Env *expect_reply(struct peer *p, Env *env,
			 Quiz__V1__Envelope__BodyCase kind, const char *what)
{
	uint32_t seq = peer_send(p, env, false);
	Env *r = peer_reply(p, seq);

	if (r && r->body_case == kind)
		return r;
	check(false, "%s: want body %d, got %s %d (%s)", what, (int)kind,
	      r ? "body" : "nothing", r ? (int)r->body_case : 0,
	      r && r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR
		  ? r->error->message
		  : "");
	if (r)
		wire_free(r);
	return NULL;
}

/* The handshake; returns the Welcome (caller frees). */
static Env *hello(struct peer *p, const char *resume_token)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	Env *w;

	h.protocol_version = 1;
	h.client = "quiz-conform/1";
	h.resume_token = (char *)(resume_token ? resume_token : "");
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	w = expect_reply(p, &env, QUIZ__V1__ENVELOPE__BODY_WELCOME, "Hello");
	if (!w)
		die("no Welcome");
	return w;
}

/* Still open and answering: a Ping gets its Pong with the same seq. */
static void expect_alive(struct peer *p, const char *what)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ping ping = QUIZ__V1__PING__INIT;
	Env *r;

	ping.t0 = 5;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PING;
	env.ping = &ping;
	r = expect_reply(p, &env, QUIZ__V1__ENVELOPE__BODY_PONG, what);
	if (r) {
		check(r->pong->t0 == 5 && r->pong->t1 <= r->pong->t2,
		      "%s: Pong{t0 echoed, t1 <= t2} with the Ping's seq",
		      what);
		wire_free(r);
	}
}

static void host_command(Env *env, Quiz__V1__HostCommand *hc,
			 Quiz__V1__HostCommand__Action a, uint32_t player)
{
	quiz__v1__host_command__init(hc);
	hc->action = a;
	hc->player_id = player;
	env->body_case = QUIZ__V1__ENVELOPE__BODY_HOST_COMMAND;
	env->host_command = hc;
}

/* The filter echoed in a RoomSettings is the one asked for. */
static void check_settings(const Quiz__V1__RoomSettings *s, const char *where,
			   uint32_t count)
{
	check(s && !strcmp(s->category, CATEGORY) && s->n_kinds == 1 &&
		  s->kinds[0] == QUIZ__V1__QUESTION_KIND__FILL &&
		  s->min_difficulty == 1 && s->max_difficulty == 3 &&
		  s->question_count == count && !strcmp(s->title, "conform") &&
		  s->countdown_ms == 500,
	      "%s.settings echo category, kinds, difficulty range, title, "
	      "countdown and %u questions",
	      where, count);
}

/* Checks that need no room: seq of errors, second Hello, empty envelope,
 * HostCommand outside a room, a too-long Hello.client. */
static void no_room_checks(void)
{
	struct peer a, b;
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	Quiz__V1__HostCommand hc;
	char longname[66];
	Env *w, *r;

	peer_open(&a, "a");
	w = hello(&a, NULL);
	check(w->seq == 1 && strlen(w->welcome->resume_token) == 32,
	      "Welcome carries the Hello's seq and a 32-hex resume token");
	wire_free(w);
	a.seq = 6;
	j.code = "NOSUCHRM";
	j.nickname = "x";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	expect_error(&a, &env, QUIZ__V1__ERROR_CODE__ROOM_NOT_FOUND,
		     "JoinRoom of an unknown code");

	h.protocol_version = 1;
	h.client = "again";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	expect_error(&a, &env, QUIZ__V1__ERROR_CODE__BAD_STATE,
		     "a second Hello");
	expect_alive(&a, "after a second Hello the connection stays open");

	env.body_case = QUIZ__V1__ENVELOPE__BODY__NOT_SET;
	expect_error(&a, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "an envelope with no body");
	expect_alive(&a, "after an empty envelope the connection stays open");

	host_command(&env, &hc, QUIZ__V1__HOST_COMMAND__ACTION__START, 0);
	expect_error(&a, &env, QUIZ__V1__ERROR_CODE__NOT_HOST,
		     "HostCommand from outside a room");
	host_command(&env, &hc, QUIZ__V1__HOST_COMMAND__ACTION__KICK, 3);
	expect_error(&a, &env, QUIZ__V1__ERROR_CODE__NOT_HOST,
		     "KICK from outside a room");
	peer_close(&a);

	/* Hello.client of 65 bytes: BAD_MESSAGE with the seq, then closed */
	peer_open(&b, "b");
	memset(longname, 'c', 65);
	longname[65] = '\0';
	h.client = longname;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	b.seq = 40;
	expect_error(&b, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "Hello.client of 65 bytes");
	r = peer_next(&b);
	check(!r && b.closed, "... and the connection is closed");
	if (r)
		wire_free(r);
	peer_close(&b);
}

/* Waits for the Question push of index q; sleeps until its reveal_at
 * (server clock: the wait is reveal_at - sent_at) and returns it. */
static Env *wait_question(struct peer *p, uint32_t q)
{
	Env *e;

	while ((e = peer_wait(p, QUIZ__V1__ENVELOPE__BODY_QUESTION))) {
		if (e->question->index == q) {
			uint64_t lead =
			    e->question->reveal_at_us > e->question->sent_at_us
				? e->question->reveal_at_us -
				      e->question->sent_at_us
				: 0;

			struct timespec ts;

			lead += 50000;
			ts.tv_sec = (time_t)(lead / 1000000);
			ts.tv_nsec = (long)(lead % 1000000) * 1000;
			nanosleep(&ts, NULL);
			return e;
		}
		wire_free(e);
	}
	return NULL;
}

static void answer(Env *env, Quiz__V1__Answer *a, uint32_t q, uint32_t *choices,
		   size_t n, const char *text)
{
	quiz__v1__answer__init(a);
	a->question_index = q;
	a->choices = choices;
	a->n_choices = n;
	a->text = (char *)(text ? text : "");
	env->body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
	env->answer = a;
}

/* A room with a filter: settings echo, two hosts, KICK, answers of the
 * wrong shape or to a future question, a replaced connection, END with a
 * question open. */
static void room_checks(void)
{
	struct peer h1, h2, p, p2, scr;
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	Quiz__V1__WatchRoom wr = QUIZ__V1__WATCH_ROOM__INIT;
	Quiz__V1__HostCommand hc;
	Quiz__V1__Answer ans;
	Quiz__V1__QuestionKind fill = QUIZ__V1__QUESTION_KIND__FILL;
	uint32_t zero = 0, count, pid;
	char code[32], host_token[80], token[80];
	bool revealed = false, final = false, finished = false;
	Env *r, *w;

	peer_open(&h1, "host1");
	wire_free(hello(&h1, NULL));
	rs.title = "conform";
	rs.category = CATEGORY;
	rs.n_kinds = 1;
	rs.kinds = &fill;
	rs.min_difficulty = 1;
	rs.max_difficulty = 3;
	rs.question_count = 200;
	rs.countdown_ms = 500;
	cr.settings = &rs;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	r = expect_reply(&h1, &env, QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED,
			 "CreateRoom");
	if (!r)
		die("no room");
	count = r->room_created->settings->question_count;
	check(count >= 2 && count < 200,
	      "200 questions asked, %u match the filter: RoomCreated.settings "
	      "says how many the room has",
	      count);
	check_settings(r->room_created->settings, "RoomCreated", count);
	snprintf(code, sizeof(code), "%s", r->room_created->code);
	snprintf(host_token, sizeof(host_token), "%s",
		 r->room_created->host_token);
	wire_free(r);

	peer_open(&p, "player");
	w = hello(&p, NULL);
	snprintf(token, sizeof(token), "%s", w->welcome->resume_token);
	wire_free(w);
	j.code = code;
	j.nickname = "conformist";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	r = expect_reply(&p, &env, QUIZ__V1__ENVELOPE__BODY_JOINED, "JoinRoom");
	if (!r)
		die("not joined");
	pid = r->joined->player_id;
	check_settings(r->joined->settings, "Joined", count);
	wire_free(r);

	peer_open(&scr, "screen");
	wire_free(hello(&scr, NULL));
	wr.code = code;
	wr.host_token = "";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &wr;
	r = expect_reply(&scr, &env, QUIZ__V1__ENVELOPE__BODY_WATCHING,
			 "WatchRoom as a screen");
	if (r) {
		check(!r->watching->host, "a screen is not the host");
		check_settings(r->watching->settings, "Watching", count);
		wire_free(r);
	}

	/* KICK of an unknown player id */
	host_command(&env, &hc, QUIZ__V1__HOST_COMMAND__ACTION__KICK, 999);
	expect_error(&h1, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "KICK of an unknown player id");

	/* a second host: the newer one wins, the older is told and demoted */
	peer_open(&h2, "host2");
	wire_free(hello(&h2, NULL));
	wr.host_token = host_token;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &wr;
	r = expect_reply(&h2, &env, QUIZ__V1__ENVELOPE__BODY_WATCHING,
			 "WatchRoom with the host token");
	if (r) {
		check(r->watching->host, "the second host is the host");
		wire_free(r);
	}
	r = peer_wait(&h1, QUIZ__V1__ENVELOPE__BODY_ERROR);
	check(r && r->error->code == QUIZ__V1__ERROR_CODE__NOT_HOST &&
		  r->seq == 0 && r->error->ref_seq == 0,
	      "the first host is told (Error NOT_HOST push, seq 0)");
	if (r)
		wire_free(r);
	host_command(&env, &hc, QUIZ__V1__HOST_COMMAND__ACTION__START, 0);
	expect_error(&h1, &env, QUIZ__V1__ERROR_CODE__NOT_HOST,
		     "START from the replaced host");
	expect_alive(&h1, "the replaced host stays connected (as a screen)");
	host_command(&env, &hc, QUIZ__V1__HOST_COMMAND__ACTION__START, 0);
	r = expect_reply(&h2, &env, QUIZ__V1__ENVELOPE__BODY_OK,
			 "START from the new host");
	if (r) {
		check(true, "START from the new host: Ok with its seq");
		wire_free(r);
	}

	/* question 0 is a FILL question (the filter says so) */
	r = wait_question(&p, 0);
	if (!r)
		die("no Question 0");
	check(r->question->kind == QUIZ__V1__QUESTION_KIND__FILL &&
		  r->question->count == count,
	      "Question 0 is FILL, Question.count is the settings' count");
	wire_free(r);
	answer(&env, &ans, 0, &zero, 1, "x");
	expect_error(&p, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "choices sent (with text) for a fill question");
	answer(&env, &ans, 0, &zero, 1, NULL);
	expect_error(&p, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "choices sent (no text) for a fill question");
	answer(&env, &ans, 1, NULL, 0, "x");
	expect_error(&p, &env, QUIZ__V1__ERROR_CODE__BAD_STATE,
		     "an answer to a future question");
	answer(&env, &ans, count, NULL, 0, "x");
	expect_error(&p, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "an answer to a question index past the count");
	answer(&env, &ans, 0, NULL, 0, "x");
	r = expect_reply(&p, &env, QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK,
			 "a well-formed fill answer");
	if (r) {
		check(r->answer_ack->question_index == 0,
		      "AnswerAck with the Answer's seq");
		wire_free(r);
	}

	/* the seat resumed from another connection: same player, same token;
	 * the old connection gets Kicked and is closed */
	peer_open(&p2, "player2");
	w = hello(&p2, token);
	check(w->welcome->player_id == pid &&
		  !strcmp(w->welcome->room_code, code) &&
		  !strcmp(w->welcome->resume_token, token),
	      "resume: Welcome names the same seat and the same token");
	wire_free(w);
	r = peer_wait(&p2, QUIZ__V1__ENVELOPE__BODY_JOINED);
	check(r && r->seq == 0 && r->joined->player_id == pid,
	      "resume: Joined (seq 0) follows the Welcome");
	if (r)
		wire_free(r);
	r = peer_wait(&p, QUIZ__V1__ENVELOPE__BODY_KICKED);
	check(r != NULL, "the replaced connection gets Kicked");
	if (r)
		wire_free(r);
	r = peer_next(&p);
	check(!r && p.closed, "... and is closed");
	if (r)
		wire_free(r);

	/* END with the question open: no Reveal, a final Leaderboard, then
	 * StateChange FINISHED */
	host_command(&env, &hc, QUIZ__V1__HOST_COMMAND__ACTION__END, 0);
	r = expect_reply(&h2, &env, QUIZ__V1__ENVELOPE__BODY_OK, "END");
	if (r)
		wire_free(r);
	while (!finished && (r = peer_next(&p2))) {
		if (r->body_case == QUIZ__V1__ENVELOPE__BODY_REVEAL)
			revealed = true;
		if (r->body_case == QUIZ__V1__ENVELOPE__BODY_LEADERBOARD)
			final = r->leaderboard->final;
		if (r->body_case == QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE &&
		    r->state_change->state == QUIZ__V1__ROOM_STATE__FINISHED)
			finished = true;
		wire_free(r);
	}
	check(!revealed && final && finished,
	      "END with a question open: no Reveal, final Leaderboard, "
	      "FINISHED");

	peer_close(&h1);
	peer_close(&h2);
	peer_close(&p);
	peer_close(&p2);
	peer_close(&scr);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: quiz-conform PORT\n");
		return 2;
	}
	port = atoi(argv[1]);
	no_room_checks();
	room_checks();
	printf("%s: %d check(s) failed\n", failures ? "FAIL" : "PASS",
	       failures);
	return failures ? 1 : 0;
}

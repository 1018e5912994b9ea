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
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tclient.h"

#define WAIT_MS	 5000	    /* longest wait for any one reply or push */
#define CATEGORY "党章党规" /* a bank category holding FILL questions */

typedef Quiz__V1__Envelope Env;

struct peer {
	const char *name;
	int fd;
	uint32_t seq;	/* last request number used */
	bool closed;	/* EOF seen */
	unsigned pings; /* the server's Pings answered */
	struct tc_reader rd;
};

static int port;

static void peer_open(struct peer *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->fd = tc_dial(port, NULL);
	if (p->fd < 0)
		tc_die("connect");
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
	if (!keep_seq)
		env->seq = ++p->seq;
	if (tc_send_env(p->fd, env) == -ENOMEM)
		tc_die("pack");
	return env->seq;
}

/* Answers the server's Ping env (freed) as the doc asks, and counts it. */
static void peer_pong(struct peer *p, Env *env)
{
	Env o = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;

	pong.t0 = env->ping->t0;
	pong.t1 = pong.t2 = (uint64_t)tc_now_us();
	o.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
	o.pong = &pong;
	o.seq = 0;
	peer_send(p, &o, true);
	wire_free(env);
	p->pings++;
}

/* The next envelope, or NULL after WAIT_MS of silence or at EOF (then
 * p->closed). Answers the server's Pings as the doc asks. */
static Env *peer_next(struct peer *p)
{
	for (;;) {
		Env *env;
		int r = tc_next(p->fd, &p->rd, WAIT_MS, &env);

		if (r == -EBADMSG)
			tc_die("bad frame from the server");
		if (r == -EPROTO)
			tc_die("undecodable message from the server");
		if (r == -ENOTCONN)
			p->closed = true;
		if (r < 0)
			return NULL;
		if (env->body_case == QUIZ__V1__ENVELOPE__BODY_PING) {
			peer_pong(p, env);
			continue;
		}
		return env;
	}
}

/* Reads for ms, answering Pings and dropping anything else; returns how
 * many Pings came. */
static unsigned peer_listen(struct peer *p, int ms)
{
	int64_t end = tc_now_ms() + ms, left;
	unsigned before = p->pings;
	Env *env;

	while ((left = end - tc_now_ms()) > 0 &&
	       tc_next(p->fd, &p->rd, (int)left, &env) == 0) {
		if (env->body_case == QUIZ__V1__ENVELOPE__BODY_PING)
			peer_pong(p, env);
		else
			wire_free(env);
	}
	return p->pings - before;
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
		tc_check(false, "%s: no reply to seq %u", what, seq);
		return;
	}
	if (r->body_case != QUIZ__V1__ENVELOPE__BODY_ERROR) {
		tc_check(false, "%s: got body %d, not Error", what,
			 (int)r->body_case);
	} else {
		tc_check(r->error->code == code && r->seq == seq &&
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
	tc_check(false, "%s: want body %d, got %s %d (%s)", what, (int)kind,
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

	tc_hello_env(&env, &h, "quiz-conform/1", resume_token);
	w = expect_reply(p, &env, QUIZ__V1__ENVELOPE__BODY_WELCOME, "Hello");
	if (!w)
		tc_die("no Welcome");
	return w;
}

/* A Hello from a client that plays the contest formats (SPEED, REQUIRED,
 * WAGER, BUZZ). */
static Env *hello_contests(struct peer *p)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	Quiz__V1__RoundFormat f[] = {
	    QUIZ__V1__ROUND_FORMAT__SPEED, QUIZ__V1__ROUND_FORMAT__REQUIRED,
	    QUIZ__V1__ROUND_FORMAT__WAGER, QUIZ__V1__ROUND_FORMAT__BUZZ};
	Env *w;

	tc_hello_env(&env, &h, "quiz-conform/1", NULL);
	h.n_formats = 4;
	h.formats = f;
	w = expect_reply(p, &env, QUIZ__V1__ENVELOPE__BODY_WELCOME, "Hello");
	if (!w)
		tc_die("no Welcome");
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
		tc_check(r->pong->t0 == 5 && r->pong->t1 <= r->pong->t2,
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
	tc_check(s && !strcmp(s->category, CATEGORY) && s->n_kinds == 1 &&
		     s->kinds[0] == QUIZ__V1__QUESTION_KIND__FILL &&
		     s->min_difficulty == 1 && s->max_difficulty == 3 &&
		     s->question_count == count &&
		     !strcmp(s->title, "conform") && s->countdown_ms == 500,
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
	tc_check(w->seq == 1 && strlen(w->welcome->resume_token) == 32,
		 "Welcome carries the Hello's seq and a 32-hex resume token");
	wire_free(w);
	a.seq = 6;
	j.code = "NOSUCHRM";
	j.nickname = "x";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	expect_error(&a, &env, QUIZ__V1__ERROR_CODE__ROOM_NOT_FOUND,
		     "JoinRoom of an unknown code");

	tc_hello_env(&env, &h, "again", NULL);
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
	tc_check(!r && b.closed, "... and the connection is closed");
	if (r)
		wire_free(r);
	peer_close(&b);

	/* Hello.resume_token of 65 bytes: the same */
	peer_open(&b, "c");
	h.client = "quiz-conform/1";
	h.resume_token = longname;
	b.seq = 50;
	expect_error(&b, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "Hello.resume_token of 65 bytes");
	r = peer_next(&b);
	tc_check(!r && b.closed, "... and the connection is closed");
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

static void buzz(Env *env, Quiz__V1__Buzz *b, uint32_t q)
{
	quiz__v1__buzz__init(b);
	b->question_index = q;
	env->body_case = QUIZ__V1__ENVELOPE__BODY_BUZZ;
	env->buzz = b;
}

static void verdict(Env *env, Quiz__V1__Verdict *v, uint32_t q, uint32_t item,
		    bool correct)
{
	quiz__v1__verdict__init(v);
	v->question_index = q;
	v->item = item;
	v->correct = correct;
	env->body_case = QUIZ__V1__ENVELOPE__BODY_VERDICT;
	env->verdict = v;
}

/* The room the checks below share: one match, driven step by step. */
static struct {
	struct peer h1, h2, h3, p, p2, p3, scr;
	char code[32], host_token[80], token[80], h2_token[80];
	uint32_t count, pid;
	uint64_t reveal0, deadline0;
} R;

static void cmd_ok(struct peer *host, Quiz__V1__HostCommand__Action a,
		   uint32_t player, const char *what)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__HostCommand hc;
	Env *r;

	host_command(&env, &hc, a, player);
	r = expect_reply(host, &env, QUIZ__V1__ENVELOPE__BODY_OK, what);
	if (r)
		wire_free(r);
}

/* Contests (PROTOCOL.md "Contests"): a contest file in CreateRoom, a
 * refused file with its line, a fixed team list, a client that does not
 * play the room's formats, a non-speed format without a file. */
static void contest_checks(void)
{
	static const char text[] = "[contest]\n"
				   "title = conform contest\n"
				   "teams = 红队, 蓝队\n"
				   "[round.1]\n"
				   "name = 必答题\n"
				   "format = turn\n"
				   "count = 1\n";
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	struct peer host, old, newc;
	const Quiz__V1__ContestInfo *ci;
	char code[32];
	Env *r;

	peer_open(&host, "contest host");
	wire_free(hello_contests(&host));
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	cr.contest = "[contest]\ntitle = x\n[round.1]\nformat = turn\n"
		     "pionts = 10\n";
	r = peer_reply(&host, peer_send(&host, &env, false));
	tc_check(r && r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR &&
		     r->error->code == QUIZ__V1__ERROR_CODE__BAD_MESSAGE &&
		     strstr(r->error->message, "line 5"),
		 "a contest file with an unknown key: BAD_MESSAGE naming its "
		 "line (%s)",
		 r && r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR
		     ? r->error->message
		     : "no Error");
	wire_free(r);
	cr.contest = "";
	rs.format = QUIZ__V1__ROUND_FORMAT__WAGER;
	cr.settings = &rs;
	expect_error(&host, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "a WAGER room without a contest file");
	cr.settings = NULL;
	cr.contest = (char *)text;
	r = expect_reply(&host, &env, QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED,
			 "CreateRoom with a contest file");
	if (!r)
		tc_die("no contest room");
	snprintf(code, sizeof(code), "%s", r->room_created->code);
	ci = r->room_created->contest;
	tc_check(
	    ci && !strcmp(ci->title, "conform contest") && ci->n_rounds == 1 &&
		ci->rounds[0]->format == QUIZ__V1__ROUND_FORMAT__REQUIRED &&
		ci->rounds[0]->points == 10 && ci->n_teams == 2 &&
		ci->scoring == QUIZ__V1__TEAM_SCORING__TEAM_MEAN &&
		ci->team_base == 100,
	    "RoomCreated.contest: title, one REQUIRED round of +10, two "
	    "fixed teams, mean, base 100");
	wire_free(r);

	peer_open(&old, "old client");
	wire_free(hello(&old, NULL));
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	j.code = code;
	j.nickname = "旧客户端";
	j.team = "红队";
	expect_error(&old, &env, QUIZ__V1__ERROR_CODE__UNSUPPORTED_FORMAT,
		     "a client without REQUIRED in Hello.formats joins a 必答 "
		     "room");
	peer_close(&old);

	peer_open(&newc, "new client");
	wire_free(hello_contests(&newc));
	j.nickname = "新客户端";
	j.team = "";
	expect_error(&newc, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "no team in a room with a fixed team list");
	j.team = "绿队";
	r = peer_reply(&newc, peer_send(&newc, &env, false));
	tc_check(r && r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR &&
		     r->error->code == QUIZ__V1__ERROR_CODE__BAD_MESSAGE &&
		     strstr(r->error->message, "红队") &&
		     strstr(r->error->message, "蓝队"),
		 "a team not on the fixed list: BAD_MESSAGE naming the teams "
		 "(%s)",
		 r && r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR
		     ? r->error->message
		     : "no Error");
	wire_free(r);
	j.team = "蓝队";
	r = expect_reply(&newc, &env, QUIZ__V1__ENVELOPE__BODY_JOINED,
			 "JoinRoom with a team of the list");
	tc_check(r && r->joined->contest && r->joined->contest->n_rounds == 1,
		 "Joined.contest describes the room's contest");
	wire_free(r);
	peer_close(&newc);
	peer_close(&host);
}

/* 风险: a contestant who joins during the wager phase after its team
 * staked is told the stake (a WagerAck push after the WagerRequest). */
static void contest_wager_checks(void)
{
	static const char text[] = "[contest]\n"
				   "title = conform wager\n"
				   "teams = 红队, 蓝队\n"
				   "[round.1]\n"
				   "format = wager\n"
				   "count = 1\n"
				   "wager_time = 60\n";
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	Quiz__V1__Wager w = QUIZ__V1__WAGER__INIT;
	struct peer host, a, b;
	char code[32];
	uint32_t q;
	Env *r;

	peer_open(&host, "wager host");
	wire_free(hello_contests(&host));
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	cr.contest = (char *)text;
	r = expect_reply(&host, &env, QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED,
			 "CreateRoom of a wager contest");
	if (!r)
		tc_die("no wager room");
	snprintf(code, sizeof(code), "%s", r->room_created->code);
	wire_free(r);
	peer_open(&a, "wager a");
	wire_free(hello_contests(&a));
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	j.code = code;
	j.nickname = "甲";
	j.team = "红队";
	r = expect_reply(&a, &env, QUIZ__V1__ENVELOPE__BODY_JOINED, "join 甲");
	wire_free(r);
	cmd_ok(&host, QUIZ__V1__HOST_COMMAND__ACTION__START, 0, "START");
	r = peer_wait(&a, QUIZ__V1__ENVELOPE__BODY_WAGER_REQUEST);
	if (!r) {
		tc_check(false, "WagerRequest after START");
		return;
	}
	q = r->wager_request->question_index;
	tc_check(r->wager_request->n_stakes == 3 &&
		     r->wager_request->stakes[1] == 20,
		 "WagerRequest offers the stakes 10/20/30");
	wire_free(r);
	w.question_index = q;
	w.stake = 25;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WAGER;
	env.wager = &w;
	expect_error(&a, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "a stake not among the round's stakes");
	w.stake = 20;
	r = expect_reply(&a, &env, QUIZ__V1__ENVELOPE__BODY_WAGER_ACK,
			 "Wager 20");
	tc_check(r && r->wager_ack->stake == 20, "WagerAck{stake 20}");
	wire_free(r);

	peer_open(&b, "wager b");
	wire_free(hello_contests(&b));
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	j.nickname = "乙";
	r = expect_reply(&b, &env, QUIZ__V1__ENVELOPE__BODY_JOINED,
			 "join 乙 during the wager phase");
	wire_free(r);
	r = peer_wait(&b, QUIZ__V1__ENVELOPE__BODY_WAGER_ACK);
	tc_check(r && r->wager_ack->stake == 20 &&
		     r->wager_ack->player_id == 0 && r->seq == 0,
		 "a teammate joining in the wager phase is told the team's "
		 "stake (WagerAck push, player_id 0)");
	wire_free(r);
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WAGER;
	env.wager = &w;
	w.stake = 30;
	expect_error(&b, &env, QUIZ__V1__ERROR_CODE__ALREADY_ANSWERED,
		     "a second stake of the team");
	peer_close(&b);
	peer_close(&a);
	peer_close(&host);
}

/* A room drawn with a filter (FILL questions of one category, more asked
 * than there are): the settings echo in RoomCreated, Joined, Watching. */
static void room_setup(void)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	Quiz__V1__WatchRoom wr = QUIZ__V1__WATCH_ROOM__INIT;
	Quiz__V1__QuestionKind fill = QUIZ__V1__QUESTION_KIND__FILL;
	Env *r, *w;

	peer_open(&R.h1, "host1");
	wire_free(hello(&R.h1, NULL));
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
	r = expect_reply(&R.h1, &env, QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED,
			 "CreateRoom");
	if (!r)
		tc_die("no room");
	R.count = r->room_created->settings->question_count;
	tc_check(
	    R.count >= 2 && R.count < 200,
	    "200 questions asked, %u match the filter: RoomCreated.settings "
	    "says how many the room has",
	    R.count);
	check_settings(r->room_created->settings, "RoomCreated", R.count);
	snprintf(R.code, sizeof(R.code), "%s", r->room_created->code);
	snprintf(R.host_token, sizeof(R.host_token), "%s",
		 r->room_created->host_token);
	wire_free(r);

	peer_open(&R.p, "player");
	w = hello(&R.p, NULL);
	snprintf(R.token, sizeof(R.token), "%s", w->welcome->resume_token);
	wire_free(w);
	j.code = R.code;
	j.nickname = "conformist";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	r = expect_reply(&R.p, &env, QUIZ__V1__ENVELOPE__BODY_JOINED,
			 "JoinRoom");
	if (!r)
		tc_die("not joined");
	R.pid = r->joined->player_id;
	check_settings(r->joined->settings, "Joined", R.count);
	wire_free(r);

	peer_open(&R.scr, "screen");
	wire_free(hello(&R.scr, NULL));
	wr.code = R.code;
	wr.host_token = "";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &wr;
	r = expect_reply(&R.scr, &env, QUIZ__V1__ENVELOPE__BODY_WATCHING,
			 "WatchRoom as a screen");
	if (r) {
		tc_check(!r->watching->host, "a screen is not the host");
		check_settings(r->watching->settings, "Watching", R.count);
		wire_free(r);
	}
}

/* The demoted host gets an Error NOT_HOST push and its commands fail. */
static void check_demoted(struct peer *old, const char *who)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__HostCommand hc;
	Env *r = peer_wait(old, QUIZ__V1__ENVELOPE__BODY_ERROR);

	tc_check(r && r->error->code == QUIZ__V1__ERROR_CODE__NOT_HOST &&
		     r->seq == 0 && r->error->ref_seq == 0,
		 "%s is told (Error NOT_HOST push, seq 0)", who);
	if (r)
		wire_free(r);
	host_command(&env, &hc, QUIZ__V1__HOST_COMMAND__ACTION__PAUSE, 0);
	expect_error(old, &env, QUIZ__V1__ERROR_CODE__NOT_HOST, who);
	expect_alive(old, "the replaced host stays connected (as a screen)");
}

/* KICK of an unknown id; a second host by WatchRoom{host_token}. */
static void room_two_hosts(void)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__WatchRoom wr = QUIZ__V1__WATCH_ROOM__INIT;
	Quiz__V1__HostCommand hc;
	Env *r, *w;

	host_command(&env, &hc, QUIZ__V1__HOST_COMMAND__ACTION__KICK, 999);
	expect_error(&R.h1, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "KICK of an unknown player id");

	peer_open(&R.h2, "host2");
	w = hello(&R.h2, NULL);
	snprintf(R.h2_token, sizeof(R.h2_token), "%s",
		 w->welcome->resume_token);
	wire_free(w);
	wr.code = R.code;
	wr.host_token = R.host_token;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &wr;
	r = expect_reply(&R.h2, &env, QUIZ__V1__ENVELOPE__BODY_WATCHING,
			 "WatchRoom with the host token");
	if (r) {
		tc_check(r->watching->host, "the second host is the host");
		tc_check(r->watching->judge_token &&
			     strlen(r->watching->judge_token) == 16,
			 "the host taking the seat back gets the judge token");
		wire_free(r);
	}
	check_demoted(&R.h1, "the first host, replaced by WatchRoom");
	cmd_ok(&R.h2, QUIZ__V1__HOST_COMMAND__ACTION__START, 0,
	       "START from the new host");
}

/* Question 0 (FILL): answers of the wrong shape, to a later question,
 * past the count; then a good one. */
static void room_answers(void)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Answer ans;
	Quiz__V1__Buzz bz;
	uint32_t zero = 0;
	Env *r = wait_question(&R.p, 0);

	if (!r)
		tc_die("no Question 0");
	tc_check(r->question->kind == QUIZ__V1__QUESTION_KIND__FILL &&
		     r->question->count == R.count,
		 "Question 0 is FILL, Question.count is the settings' count");
	R.reveal0 = r->question->reveal_at_us;
	R.deadline0 = r->question->deadline_at_us;
	wire_free(r);
	/* past its warm-up, a contestant is pinged every 5 s, but not while
	 * its answer may come: a Pong right behind an unread answer would date
	 * it late (docs/PROTOCOL.md) */
	tc_check(peer_listen(&R.p, 6000) == 0,
		 "no Ping for 6 s while the question is open and unanswered");
	answer(&env, &ans, 0, &zero, 1, "x");
	expect_error(&R.p, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "choices sent (with text) for a fill question");
	answer(&env, &ans, 0, &zero, 1, NULL);
	expect_error(&R.p, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "choices sent (no text) for a fill question");
	answer(&env, &ans, 1, NULL, 0, "x");
	expect_error(&R.p, &env, QUIZ__V1__ERROR_CODE__BAD_STATE,
		     "an answer to a future question");
	answer(&env, &ans, R.count, NULL, 0, "x");
	expect_error(&R.p, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "an answer to a question index past the count");
	buzz(&env, &bz, 0);
	expect_error(&R.p, &env, QUIZ__V1__ERROR_CODE__BAD_STATE,
		     "Buzz in a speed round");
	answer(&env, &ans, 0, NULL, 0, "x");
	r = expect_reply(&R.p, &env, QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK,
			 "a well-formed fill answer");
	if (r) {
		tc_check(r->answer_ack->question_index == 0,
			 "AnswerAck with the Answer's seq");
		wire_free(r);
	}
	tc_check(peer_listen(&R.p, 1500) > 0,
		 "the Pings come again once it has answered");
}

/* The seat resumed from another connection: same player, same token; the
 * old connection gets Kicked and is closed. */
static void room_resume(void)
{
	Env *r, *w;

	peer_open(&R.p2, "player2");
	w = hello(&R.p2, R.token);
	tc_check(w->welcome->player_id == R.pid &&
		     !strcmp(w->welcome->room_code, R.code) &&
		     !strcmp(w->welcome->resume_token, R.token),
		 "resume: Welcome names the same seat and the same token");
	wire_free(w);
	r = peer_wait(&R.p2, QUIZ__V1__ENVELOPE__BODY_JOINED);
	tc_check(r && r->seq == 0 && r->joined->player_id == R.pid,
		 "resume: Joined (seq 0) follows the Welcome");
	if (r)
		wire_free(r);
	r = peer_wait(&R.p, QUIZ__V1__ENVELOPE__BODY_KICKED);
	tc_check(r != NULL, "the replaced connection gets Kicked");
	if (r)
		wire_free(r);
	r = peer_next(&R.p);
	tc_check(!r && R.p.closed, "... and is closed");
	if (r)
		wire_free(r);
}

/* PAUSE, 300 ms, RESUME: the question is re-sent with reveal_at and
 * deadline_at moved by the pause, the time left what PAUSED said. Server
 * times only, so the tolerance is for the few microseconds between the
 * command and its push (5 ms, generous). */
static void room_pause(void)
{
	struct timespec ts = {0, 300 * 1000000L};
	uint64_t remaining = 0, resumed_at = 0;
	int64_t moved, left;
	Env *r;

	cmd_ok(&R.h2, QUIZ__V1__HOST_COMMAND__ACTION__PAUSE, 0, "PAUSE");
	r = peer_wait(&R.p2, QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE);
	if (r && r->state_change->state == QUIZ__V1__ROOM_STATE__PAUSED)
		remaining = r->state_change->remaining_us;
	tc_check(remaining > 0, "PAUSE: StateChange{PAUSED, remaining_us}");
	if (r)
		wire_free(r);
	nanosleep(&ts, NULL);
	cmd_ok(&R.h2, QUIZ__V1__HOST_COMMAND__ACTION__RESUME, 0, "RESUME");
	r = peer_wait(&R.p2, QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE);
	if (r)
		resumed_at = r->state_change->at_us;
	if (r)
		wire_free(r);
	r = peer_wait(&R.p2, QUIZ__V1__ENVELOPE__BODY_QUESTION);
	if (!r || !resumed_at) {
		tc_check(false, "RESUME: StateChange and the Question re-sent");
		if (r)
			wire_free(r);
		return;
	}
	moved = (int64_t)(r->question->reveal_at_us - R.reveal0);
	left = (int64_t)(r->question->deadline_at_us - resumed_at);
	tc_check(r->question->deadline_at_us - R.deadline0 == (uint64_t)moved &&
		     moved >= 300000 && moved < 300000 + 2000000 &&
		     llabs(left - (int64_t)remaining) <= 5000,
		 "RESUME: reveal_at and deadline_at moved by the pause (%lld "
		 "us), time left %lld us = remaining_us %llu",
		 (long long)moved, (long long)left,
		 (unsigned long long)remaining);
	wire_free(r);
}

/* SKIP voids the open question: Reveal{voided}, nothing scored. KICK: the
 * seat is gone for good; the nickname stays taken; another name joins as
 * a new contestant. */
static void room_skip_kick(void)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	Env *r, *w;

	cmd_ok(&R.h2, QUIZ__V1__HOST_COMMAND__ACTION__SKIP, 0, "SKIP");
	r = peer_wait(&R.p2, QUIZ__V1__ENVELOPE__BODY_REVEAL);
	tc_check(r && r->reveal->voided, "SKIP of an open question: voided");
	if (r)
		wire_free(r);
	r = peer_wait(&R.p2, QUIZ__V1__ENVELOPE__BODY_RESULT);
	tc_check(r && r->result->answered && r->result->points == 0 &&
		     r->result->total == 0 && !r->result->correct,
		 "a voided question scores nothing (Result)");
	if (r)
		wire_free(r);

	cmd_ok(&R.h2, QUIZ__V1__HOST_COMMAND__ACTION__KICK, R.pid, "KICK");
	r = peer_wait(&R.p2, QUIZ__V1__ENVELOPE__BODY_KICKED);
	tc_check(r != NULL, "the kicked contestant gets Kicked");
	if (r)
		wire_free(r);
	peer_open(&R.p3, "player3");
	w = hello(&R.p3, R.token);
	tc_check(!w->welcome->room_code[0] && w->welcome->player_id == 0 &&
		     strcmp(w->welcome->resume_token, R.token) != 0,
		 "a kicked seat's token names no seat: fresh session");
	wire_free(w);
	j.code = R.code;
	j.nickname = "conformist";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	expect_error(&R.p3, &env, QUIZ__V1__ERROR_CODE__NAME_TAKEN,
		     "a kicked player's nickname stays taken");
	j.nickname = "conformist2";
	r = expect_reply(&R.p3, &env, QUIZ__V1__ENVELOPE__BODY_JOINED,
			 "rejoin under another nickname");
	if (r) {
		tc_check(r->joined->player_id != R.pid,
			 "... as a new contestant (player %u, was %u)",
			 r->joined->player_id, R.pid);
		wire_free(r);
	}
}

/* A host seat taken by resuming the host's token, then END with the next
 * question open: no Reveal, a final Leaderboard, StateChange FINISHED. */
static void room_end(void)
{
	bool revealed = false, final = false, finished = false;
	Env *r, *w;

	cmd_ok(&R.h2, QUIZ__V1__HOST_COMMAND__ACTION__NEXT, 0,
	       "NEXT (leaderboard)");
	cmd_ok(&R.h2, QUIZ__V1__HOST_COMMAND__ACTION__NEXT, 0,
	       "NEXT (countdown)");
	r = wait_question(&R.p3, 1);
	tc_check(r != NULL, "Question 1 is open");
	if (r)
		wire_free(r);

	peer_open(&R.h3, "host3");
	w = hello(&R.h3, R.h2_token);
	tc_check(w->welcome->host && !strcmp(w->welcome->room_code, R.code),
		 "a Hello with the host's resume token takes the host seat");
	wire_free(w);
	check_demoted(&R.h2, "the host replaced by a resume");

	cmd_ok(&R.h3, QUIZ__V1__HOST_COMMAND__ACTION__END, 0, "END");
	while (!finished && (r = peer_next(&R.p3))) {
		if (r->body_case == QUIZ__V1__ENVELOPE__BODY_REVEAL)
			revealed = true;
		if (r->body_case == QUIZ__V1__ENVELOPE__BODY_LEADERBOARD)
			final = r->leaderboard->final;
		if (r->body_case == QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE &&
		    r->state_change->state == QUIZ__V1__ROOM_STATE__FINISHED)
			finished = true;
		wire_free(r);
	}
	tc_check(!revealed && final && finished,
		 "END with a question open: no Reveal, final Leaderboard, "
		 "FINISHED");
}

/* ---- the buzzer (PROTOCOL.md "The buzzer", "Judges") ---- */

static struct {
	struct peer host, a, b, judge;
	char code[32], judge_token[80];
	uint32_t pid_a, pid_b;
	Quiz__V1__QuestionKind kind; /* of the last Question seen */
} B;

/* An answer of the right shape for a question of B.kind. */
static void buzz_answer(Env *env, Quiz__V1__Answer *a, uint32_t q)
{
	static uint32_t zero = 0;

	if (B.kind == QUIZ__V1__QUESTION_KIND__FILL)
		answer(env, a, q, NULL, 0, "x");
	else
		answer(env, a, q, &zero, 1, NULL);
}

/* How long after armed_at (server clock) a valid press is sent: more than
 * the compensation cap (150 ms), since this client answers the server's
 * Pings only when it reads, which can make its delay estimate, and so its
 * compensation, as large as the cap: a press must still come after the
 * arming as the server sees it (react >= 0). */
#define PRESS_AFTER_US 200000

/* Sleeps until the server clock reads t (both sides read the same
 * CLOCK_MONOTONIC: quizd and this test run on one machine). */
static void sleep_until_us(uint64_t t)
{
	int64_t now = tc_now_us();

	if ((int64_t)t > now) {
		struct timespec ts;
		int64_t d = (int64_t)t - now;

		ts.tv_sec = (time_t)(d / 1000000);
		ts.tv_nsec = (long)(d % 1000000) * 1000;
		nanosleep(&ts, NULL);
	}
}

/* The next BuzzResult for question q on p (NULL if none came). */
static Env *wait_buzz_result(struct peer *p, uint32_t q)
{
	Env *e;

	while ((e = peer_wait(p, QUIZ__V1__ENVELOPE__BODY_BUZZ_RESULT))) {
		if (e->buzz_result->question_index == q &&
		    e->buzz_result->press)
			return e;
		wire_free(e);
	}
	return NULL;
}

/* The next BuzzState of question q in the given phase on p. */
static Env *wait_buzz_state(struct peer *p, uint32_t q, Quiz__V1__BuzzPhase ph)
{
	Env *e;

	while ((e = peer_wait(p, QUIZ__V1__ENVELOPE__BODY_BUZZ_STATE))) {
		if (e->buzz_state->question_index == q &&
		    e->buzz_state->phase == ph)
			return e;
		wire_free(e);
	}
	return NULL;
}

/* Waits for Question q on p; returns its armed_at (0 if none came) and
 * its kind in B.kind. */
static uint64_t buzz_question(struct peer *p, uint32_t q, const char *who)
{
	Env *r;
	uint64_t armed;

	while ((r = peer_wait(p, QUIZ__V1__ENVELOPE__BODY_QUESTION))) {
		if (r->question->index == q)
			break;
		wire_free(r);
	}
	if (!r) {
		tc_check(false, "%s: Question %u of the buzz contest", who, q);
		return 0;
	}
	armed = r->question->armed_at_us;
	B.kind = r->question->kind;
	tc_check(
	    armed > r->question->reveal_at_us,
	    "%s: Question %u of a BUZZ round has armed_at_us after "
	    "reveal_at_us (+%lld ms)",
	    who, q,
	    (long long)((int64_t)(armed - r->question->reveal_at_us) / 1000));
	wire_free(r);
	return armed;
}

/* A contestant joins the buzz room. */
static uint32_t buzz_join(struct peer *p, const char *name)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	uint32_t id = 0;
	Env *r;

	peer_open(p, name);
	wire_free(hello_contests(p));
	j.code = B.code;
	j.nickname = (char *)name;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	r = expect_reply(p, &env, QUIZ__V1__ENVELOPE__BODY_JOINED, name);
	if (!r)
		tc_die("not joined to the buzz room");
	id = r->joined->player_id;
	wire_free(r);
	return id;
}

/* A buzz contest (two buzz rounds, the second oral), its judge token, the
 * judge, the two contestants. */
static void buzz_setup(void)
{
	static const char text[] = "[contest]\n"
				   "title = conform buzz\n"
				   "[round.1]\n"
				   "format = buzz\n"
				   "count = 2\n"
				   "reading = 1\n"
				   "arm_time = 3\n"
				   "[round.2]\n"
				   "format = buzz\n"
				   "count = 1\n"
				   "reading = 1\n"
				   "judge = oral\n";
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__WatchRoom wr = QUIZ__V1__WATCH_ROOM__INIT;
	const Quiz__V1__RoundInfo *ri;
	struct peer bad;
	Env *r;

	peer_open(&B.host, "buzz host");
	wire_free(hello_contests(&B.host));
	rs.auto_advance = true;
	rs.countdown_ms = 500;
	rs.reveal_ms = 300;
	rs.leaderboard_ms = 300;
	cr.settings = &rs;
	cr.contest = (char *)text;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	r = expect_reply(&B.host, &env, QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED,
			 "CreateRoom of a buzz contest");
	if (!r)
		tc_die("no buzz room");
	snprintf(B.code, sizeof(B.code), "%s", r->room_created->code);
	snprintf(B.judge_token, sizeof(B.judge_token), "%s",
		 r->room_created->judge_token);
	tc_check(
	    strlen(B.judge_token) == 16 &&
		strspn(B.judge_token, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") == 16,
	    "RoomCreated.judge_token: 16 Crockford base32 symbols (%s)",
	    B.judge_token);
	ri = r->room_created->contest && r->room_created->contest->n_rounds == 2
		 ? r->room_created->contest->rounds[1]
		 : NULL;
	tc_check(ri && ri->format == QUIZ__V1__ROUND_FORMAT__BUZZ &&
		     ri->judge == QUIZ__V1__JUDGE_MODE__JUDGE_ORAL &&
		     ri->reading_ms == 1000 && ri->tie_ms == 20 &&
		     ri->arm_ms == 20000 && ri->foul == -10 &&
		     ri->rebounds == 1,
		 "RoundInfo of a buzz round: judge ORAL, reading 1000 ms, tie "
		 "20 ms, arm 20 s, foul -10, 1 rebound");
	wire_free(r);

	/* a wrong judge token, then the right one (lower case, grouped:
	 * read like a room code) */
	peer_open(&bad, "bad judge");
	wire_free(hello_contests(&bad));
	wr.code = B.code;
	wr.host_token = "";
	wr.judge_token = "0123456789abcdef0123456789abcdef0123456789abcdef"
			 "0123456789abcdefX";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &wr;
	expect_error(&bad, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "WatchRoom with a judge token over 64 bytes");
	wr.judge_token = "0000000000000000";
	expect_error(&bad, &env, QUIZ__V1__ERROR_CODE__WRONG_PIN,
		     "WatchRoom with a wrong judge token");
	peer_close(&bad);

	peer_open(&B.judge, "judge");
	wire_free(hello_contests(&B.judge));
	{
		char typed[40];
		size_t i, o = 0;

		for (i = 0; B.judge_token[i] && o + 2 < sizeof(typed); i++) {
			if (i && i % 4 == 0)
				typed[o++] = '-';
			typed[o++] = (char)(B.judge_token[i] >= 'A' &&
						    B.judge_token[i] <= 'Z'
						? B.judge_token[i] - 'A' + 'a'
						: B.judge_token[i]);
		}
		typed[o] = '\0';
		wr.judge_token = typed;
		r = expect_reply(&B.judge, &env,
				 QUIZ__V1__ENVELOPE__BODY_WATCHING,
				 "WatchRoom with the judge token");
	}
	tc_check(r && r->watching->judge && !r->watching->host,
		 "a judge: Watching{judge: true, host: false}");
	tc_check(
	    r && (!r->watching->judge_token || !r->watching->judge_token[0]),
	    "a judge is not sent the judge token");
	wire_free(r);

	B.pid_a = buzz_join(&B.a, "抢答甲");
	B.pid_b = buzz_join(&B.b, "抢答乙");
	cmd_ok(&B.host, QUIZ__V1__HOST_COMMAND__ACTION__START, 0,
	       "START the buzz contest");
}

/* Question 0: a foul (a press before armed_at), a win. */
static void buzz_foul_and_win(void)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Buzz bz;
	Quiz__V1__Answer ans;
	int64_t t0, t1;
	uint64_t armed_a = buzz_question(&B.a, 0, "甲");
	uint64_t armed_b = buzz_question(&B.b, 0, "乙");
	const Quiz__V1__Press *pr;
	Env *r;

	if (!armed_a || !armed_b)
		return;
	r = peer_wait(&B.judge, QUIZ__V1__ENVELOPE__BODY_ANSWER_KEY);
	tc_check(r && r->answer_key->question_index == 0 &&
		     (r->answer_key->n_correct > 0 ||
		      r->answer_key->correct_text[0]),
		 "the judge gets the AnswerKey of a buzz question as it opens");
	wire_free(r);
	buzz(&env, &bz, 0);
	peer_send(&B.a, &env, false); /* in the reading time: a foul */
	r = wait_buzz_result(&B.a, 0);
	pr = r ? r->buzz_result->press : NULL;
	tc_check(
	    pr && pr->outcome == QUIZ__V1__PRESS_OUTCOME__PRESS_FOUL &&
		pr->react_us < 0 && pr->player_id == B.pid_a,
	    "a press before armed_at: BuzzResult FOUL, react_us < 0 (%lld)",
	    pr ? (long long)pr->react_us : 0LL);
	wire_free(r);

	buzz(&env, &bz, 99);
	expect_error(&B.b, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "Buzz of a question index past the count");
	sleep_until_us(armed_b + PRESS_AFTER_US);
	buzz(&env, &bz, 0);
	t0 = tc_now_us();
	peer_send(&B.b, &env, false);
	r = wait_buzz_result(&B.b, 0);
	t1 = tc_now_us();
	pr = r ? r->buzz_result->press : NULL;
	tc_check(pr && pr->outcome == QUIZ__V1__PRESS_OUTCOME__PRESS_WON &&
		     pr->react_us >= 0 && pr->gap_us == 0 && pr->arm == 0,
		 "a press after armed_at: BuzzResult WON (react %lld us; the "
		 "result came %lld us after the press: tie window and commit)",
		 pr ? (long long)pr->react_us : 0LL, (long long)(t1 - t0));
	wire_free(r);
	r = wait_buzz_state(&B.b, 0, QUIZ__V1__BUZZ_PHASE__BUZZ_ANSWERING);
	tc_check(r && r->buzz_state->winner_id == B.pid_b &&
		     !strcmp(r->buzz_state->winner_nickname, "抢答乙") &&
		     r->buzz_state->answer_deadline_us > 0 &&
		     r->buzz_state->n_presses == 2 &&
		     r->buzz_state->presses[0]->outcome ==
			 QUIZ__V1__PRESS_OUTCOME__PRESS_WON &&
		     r->buzz_state->n_locked_out == 1 &&
		     !strcmp(r->buzz_state->locked_out[0], "抢答甲"),
		 "BuzzState ANSWERING: the winner, the deadline, the presses "
		 "(winner first) and the fouled contestant locked out");
	wire_free(r);
	buzz(&env, &bz, 0);
	expect_error(&B.b, &env, QUIZ__V1__ERROR_CODE__ALREADY_ANSWERED,
		     "a second press in the same arming");
	buzz_answer(&env, &ans, 0);
	expect_error(&B.a, &env, QUIZ__V1__ERROR_CODE__NOT_YOUR_TURN,
		     "an answer from a contestant who did not win the buzz");
	r = expect_reply(&B.b, &env, QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK,
			 "the winner answers");
	wire_free(r);
	r = peer_wait(&B.b, QUIZ__V1__ENVELOPE__BODY_REVEAL);
	tc_check(r && r->reveal->question_index == 0,
		 "question 0 closes and is revealed");
	wire_free(r);
}

/* The answer key of question q, as the judge received it (caller frees). */
static Env *judge_key(uint32_t q)
{
	Env *r;

	while ((r = peer_wait(&B.judge, QUIZ__V1__ENVELOPE__BODY_ANSWER_KEY)) &&
	       r->answer_key->question_index != q)
		wire_free(r);
	return r;
}

/* An answer to q of B.kind, right or wrong by the key. text: storage. */
static void keyed_answer(Env *env, Quiz__V1__Answer *a, uint32_t q,
			 const Quiz__V1__AnswerKey *k, bool right,
			 uint32_t *choices, char *text, size_t cap)
{
	size_t i, j, n = 0;

	if (B.kind == QUIZ__V1__QUESTION_KIND__FILL) {
		if (right) {
			snprintf(text, cap, "%s", k->correct_text);
			text[strcspn(text, "/")] = '\0';
			while (n = strlen(text), n && text[n - 1] == ' ')
				text[n - 1] = '\0';
		} else {
			snprintf(text, cap, "%s", "不是这个答案");
		}
		answer(env, a, q, NULL, 0, text);
		return;
	}
	if (right) {
		for (i = 0; i < k->n_correct; i++)
			choices[n++] = k->correct[i];
	} else {
		for (i = 0; !n && i < 8; i++) {
			for (j = 0; j < k->n_correct && k->correct[j] != i; j++)
				;
			if (j == k->n_correct)
				choices[n++] = (uint32_t)i;
		}
	}
	answer(env, a, q, choices, n, NULL);
}

/* Question 1: a press while the winner answers is LATE (the presser's
 * unit is not out); a Verdict from a contestant is NOT_JUDGE; the winner
 * answers wrong and the buzzer re-arms for the other, who wins the
 * rebound and answers right. */
static void buzz_late_and_rebound(void)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Buzz bz;
	Quiz__V1__Verdict v;
	Quiz__V1__Answer ans;
	uint64_t armed_b = buzz_question(&B.b, 1, "乙");
	const Quiz__V1__Press *pr;
	uint32_t choices[8];
	char text[160];
	Env *r, *key;

	if (!armed_b || !buzz_question(&B.a, 1, "甲"))
		return;
	key = judge_key(1);
	if (!key) {
		tc_check(false, "the judge gets the AnswerKey of question 1");
		return;
	}
	sleep_until_us(armed_b + PRESS_AFTER_US);
	buzz(&env, &bz, 1);
	peer_send(&B.b, &env, false);
	r = wait_buzz_state(&B.b, 1, QUIZ__V1__BUZZ_PHASE__BUZZ_ANSWERING);
	tc_check(r && r->buzz_state->winner_id == B.pid_b,
		 "question 1: 乙 wins the buzz");
	wire_free(r);
	buzz(&env, &bz, 1);
	peer_send(&B.a, &env, false);
	r = wait_buzz_result(&B.a, 1);
	pr = r ? r->buzz_result->press : NULL;
	tc_check(pr && pr->outcome == QUIZ__V1__PRESS_OUTCOME__PRESS_LATE,
		 "a press while the winner answers, from a unit not out: LATE "
		 "(outcome %d)",
		 pr ? (int)pr->outcome : -1);
	wire_free(r);
	verdict(&env, &v, 1, 0, true);
	expect_error(&B.a, &env, QUIZ__V1__ERROR_CODE__NOT_JUDGE,
		     "a Verdict from a contestant");
	keyed_answer(&env, &ans, 1, key->answer_key, false, choices, text,
		     sizeof(text));
	r = expect_reply(&B.b, &env, QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK,
			 "the winner of question 1 answers wrong");
	wire_free(r);

	/* the rebound: a new arming for 甲 (乙 is out) */
	r = wait_buzz_state(&B.a, 1, QUIZ__V1__BUZZ_PHASE__BUZZ_ARMED);
	while (r && r->buzz_state->arm != 1) {
		wire_free(r);
		r = wait_buzz_state(&B.a, 1, QUIZ__V1__BUZZ_PHASE__BUZZ_ARMED);
	}
	tc_check(r && r->buzz_state->armed_at_us > 0 &&
		     r->buzz_state->n_locked_out == 1 &&
		     !strcmp(r->buzz_state->locked_out[0], "抢答乙"),
		 "a wrong answer re-arms the buzzer (BuzzState ARMED, arm 1, "
		 "the loser locked out)");
	if (r)
		sleep_until_us(r->buzz_state->armed_at_us + PRESS_AFTER_US);
	wire_free(r);
	buzz(&env, &bz, 1);
	peer_send(&B.b, &env, false);
	r = wait_buzz_result(&B.b, 1);
	pr = r ? r->buzz_result->press : NULL;
	tc_check(
	    pr && pr->outcome == QUIZ__V1__PRESS_OUTCOME__PRESS_IGNORED &&
		pr->arm == 1,
	    "a press from a unit out of the question: IGNORED (outcome %d)",
	    pr ? (int)pr->outcome : -1);
	wire_free(r);
	peer_send(&B.a, &env, false);
	r = wait_buzz_result(&B.a, 1);
	pr = r ? r->buzz_result->press : NULL;
	tc_check(
	    pr && pr->outcome == QUIZ__V1__PRESS_OUTCOME__PRESS_WON &&
		pr->arm == 1 && pr->react_us >= 0,
	    "the rebound is won by the other contestant (arm 1, react %lld "
	    "us)",
	    pr ? (long long)pr->react_us : 0LL);
	wire_free(r);
	keyed_answer(&env, &ans, 1, key->answer_key, true, choices, text,
		     sizeof(text));
	r = expect_reply(&B.a, &env, QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK,
			 "the rebound's winner answers right");
	wire_free(r);
	wire_free(key);
	while ((r = peer_wait(&B.a, QUIZ__V1__ENVELOPE__BODY_RESULT)) &&
	       r->result->question_index != 1)
		wire_free(r);
	tc_check(r && r->result->correct && r->result->delta == 10,
		 "the rebound's winner is booked +10 (delta %lld)",
		 r ? (long long)r->result->delta : 0LL);
	wire_free(r);
	while ((r = peer_wait(&B.b, QUIZ__V1__ENVELOPE__BODY_RESULT)) &&
	       r->result->question_index != 1)
		wire_free(r);
	tc_check(r && !r->result->correct && r->result->delta == -10,
		 "the first winner, wrong, is booked -10 (delta %lld)",
		 r ? (long long)r->result->delta : 0LL);
	wire_free(r);
}

/* Round 2, oral: the judge gets the AnswerKey, then a JudgeRequest with
 * the winner's item; its Verdict is taken (Ok) and the question closes. */
static void buzz_oral(void)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Buzz bz;
	Quiz__V1__Verdict v;
	uint64_t armed_b = buzz_question(&B.b, 2, "乙");
	const Quiz__V1__JudgeRequest *jr;
	Env *r;

	if (!armed_b)
		return;
	while ((r = peer_wait(&B.judge, QUIZ__V1__ENVELOPE__BODY_ANSWER_KEY)) &&
	       r->answer_key->question_index != 2)
		wire_free(r);
	tc_check(r != NULL,
		 "the judge gets the AnswerKey of the oral question");
	wire_free(r);
	sleep_until_us(armed_b + PRESS_AFTER_US);
	buzz(&env, &bz, 2);
	peer_send(&B.b, &env, false);
	r = wait_buzz_state(&B.b, 2, QUIZ__V1__BUZZ_PHASE__BUZZ_JUDGING);
	tc_check(r && r->buzz_state->winner_id == B.pid_b,
		 "an oral round: the winner goes straight to BUZZ_JUDGING");
	wire_free(r);
	{ /* a screen that comes now catches up with the buzzer */
		Quiz__V1__WatchRoom wr = QUIZ__V1__WATCH_ROOM__INIT;
		struct peer scr;

		peer_open(&scr, "buzz screen");
		wire_free(hello_contests(&scr));
		wr.code = B.code;
		wr.host_token = "";
		env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
		env.watch_room = &wr;
		wire_free(expect_reply(&scr, &env,
				       QUIZ__V1__ENVELOPE__BODY_WATCHING,
				       "a screen watches the buzz room"));
		r = wait_buzz_state(&scr, 2,
				    QUIZ__V1__BUZZ_PHASE__BUZZ_JUDGING);
		tc_check(r && r->buzz_state->winner_id == B.pid_b &&
			     r->buzz_state->n_presses == 1,
			 "a screen watching mid-question gets the BuzzState");
		wire_free(r);
		while ((r = peer_next(&scr)) &&
		       r->body_case != QUIZ__V1__ENVELOPE__BODY_ANSWER_KEY &&
		       r->body_case != QUIZ__V1__ENVELOPE__BODY_JUDGE_REQUEST)
			wire_free(r);
		tc_check(!r,
			 "... and no AnswerKey or JudgeRequest (a screen is "
			 "not a judge)");
		wire_free(r);
		peer_close(&scr);
	}
	while (
	    (r = peer_wait(&B.judge, QUIZ__V1__ENVELOPE__BODY_JUDGE_REQUEST)) &&
	    r->judge_request->question_index != 2)
		wire_free(r);
	jr = r ? r->judge_request : NULL;
	tc_check(
	    jr && jr->n_items == 1 && jr->items[0]->player_id == B.pid_b &&
		!jr->items[0]->text[0] && !jr->done &&
		(jr->n_correct > 0 || jr->correct_text[0]),
	    "the judge gets a JudgeRequest: one item (the winner, no text), "
	    "with the correct answer");
	wire_free(r);
	verdict(&env, &v, 2, 0, true);
	r = expect_reply(&B.judge, &env, QUIZ__V1__ENVELOPE__BODY_OK,
			 "the judge's Verdict");
	wire_free(r);
	while ((r = peer_wait(&B.b, QUIZ__V1__ENVELOPE__BODY_RESULT)) &&
	       r->result->question_index != 2)
		wire_free(r);
	tc_check(
	    r && r->result->correct && r->result->delta == 10,
	    "ruled right: the winner's Result books +10 (correct %d, delta "
	    "%lld)",
	    r ? r->result->correct : -1, r ? (long long)r->result->delta : 0LL);
	wire_free(r);
	/* the last question: the match finishes (its log can be replayed) */
	while ((r = peer_wait(&B.b, QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE)) &&
	       r->state_change->state != QUIZ__V1__ROOM_STATE__FINISHED)
		wire_free(r);
	tc_check(r != NULL, "the buzz contest finishes");
	wire_free(r);
	peer_close(&B.judge);
	peer_close(&B.a);
	peer_close(&B.b);
	peer_close(&B.host);
}

/* JUDGE_FILL in a speed round: the close of a fill-in question waits in
 * JUDGING (StateChange to everyone); a judge who watches then catches up
 * with the AnswerKey and the JudgeRequest, rules, and the question is
 * booked by the ruling. */
static void judge_fill_checks(void)
{
	static const char text[] = "[contest]\n"
				   "title = conform judge\n"
				   "[round.1]\n"
				   "format = speed\n"
				   "count = 1\n"
				   "kinds = fill\n"
				   "judge = fill\n";
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__WatchRoom wr = QUIZ__V1__WATCH_ROOM__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	Quiz__V1__Answer ans;
	Quiz__V1__Verdict v;
	struct peer host, c, c2, judge;
	char code[32], token[80], ctoken[80];
	struct timespec gap = {0, 600 * 1000000L};
	const Quiz__V1__JudgeRequest *jr;
	bool key = false;
	Env *r;

	peer_open(&host, "fill host");
	wire_free(hello_contests(&host));
	rs.countdown_ms = 500;
	cr.settings = &rs;
	cr.contest = (char *)text;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	r = expect_reply(&host, &env, QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED,
			 "CreateRoom with a JUDGE_FILL round");
	if (!r)
		tc_die("no judge room");
	snprintf(code, sizeof(code), "%s", r->room_created->code);
	snprintf(token, sizeof(token), "%s", r->room_created->judge_token);
	wire_free(r);
	peer_open(&c, "fill contestant");
	r = hello_contests(&c);
	snprintf(ctoken, sizeof(ctoken), "%s", r->welcome->resume_token);
	wire_free(r);
	j.code = code;
	j.nickname = "填空者";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	wire_free(expect_reply(&c, &env, QUIZ__V1__ENVELOPE__BODY_JOINED,
			       "join the judge room"));
	cmd_ok(&host, QUIZ__V1__HOST_COMMAND__ACTION__START, 0, "START");
	r = wait_question(&c, 0);
	if (!r)
		tc_die("no fill question");
	wire_free(r);
	/* paused and resumed: the question is re-sent (the answer is timed
	 * from the re-send: integration_buzz_replay looks at its event) */
	cmd_ok(&host, QUIZ__V1__HOST_COMMAND__ACTION__PAUSE, 0, "PAUSE");
	cmd_ok(&host, QUIZ__V1__HOST_COMMAND__ACTION__RESUME, 0, "RESUME");
	r = peer_wait(&c, QUIZ__V1__ENVELOPE__BODY_QUESTION);
	tc_check(r != NULL, "the question is re-sent after RESUME");
	wire_free(r);
	/* 600 ms later the seat is resumed from a new connection, which gets
	 * the question again: that copy does not restart the clock (the
	 * response time is over 600 ms less the compensation, at most the
	 * 150 ms cap) */
	nanosleep(&gap, NULL);
	peer_open(&c2, "fill contestant again");
	{
		Env henv = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
		Quiz__V1__RoundFormat f = QUIZ__V1__ROUND_FORMAT__SPEED;

		tc_hello_env(&henv, &h, "quiz-conform/1", ctoken);
		h.n_formats = 1;
		h.formats = &f;
		wire_free(expect_reply(&c2, &henv,
				       QUIZ__V1__ENVELOPE__BODY_WELCOME,
				       "Hello resuming the seat"));
	}
	r = peer_wait(&c2, QUIZ__V1__ENVELOPE__BODY_QUESTION);
	tc_check(r != NULL, "the resumed connection gets the open question");
	wire_free(r);
	peer_close(&c);
	c = c2;
	answer(&env, &ans, 0, NULL, 0, "一个近义词");
	r = expect_reply(&c, &env, QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK,
			 "a fill answer");
	tc_check(r && r->answer_ack->response_time_us >= 400000,
		 "an answer right after resuming the seat is timed from the "
		 "room's send, not the resumed copy (%u us)",
		 r ? r->answer_ack->response_time_us : 0);
	wire_free(r);
	cmd_ok(&host, QUIZ__V1__HOST_COMMAND__ACTION__NEXT, 0,
	       "NEXT closes the fill question");
	r = peer_wait(&c, QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE);
	tc_check(r && r->state_change->state == QUIZ__V1__ROOM_STATE__JUDGING,
		 "the close waits for a judge: StateChange{JUDGING} (%d)",
		 r ? (int)r->state_change->state : -1);
	wire_free(r);

	peer_open(&judge, "fill judge");
	wire_free(hello_contests(&judge));
	wr.code = code;
	wr.host_token = "";
	wr.judge_token = token;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &wr;
	r = expect_reply(&judge, &env, QUIZ__V1__ENVELOPE__BODY_WATCHING,
			 "a judge watches during JUDGING");
	tc_check(r && r->watching->judge &&
		     r->watching->state == QUIZ__V1__ROOM_STATE__JUDGING,
		 "Watching{judge, state JUDGING}");
	wire_free(r);
	while ((r = peer_next(&judge)) &&
	       r->body_case != QUIZ__V1__ENVELOPE__BODY_JUDGE_REQUEST) {
		if (r->body_case == QUIZ__V1__ENVELOPE__BODY_ANSWER_KEY)
			key = r->answer_key->correct_text[0] != '\0';
		wire_free(r);
	}
	jr = r ? r->judge_request : NULL;
	tc_check(
	    key && jr && jr->n_items == 1 && jr->items[0]->count == 1 &&
		!strcmp(jr->items[0]->text, "一个近义词") &&
		!jr->items[0]->suggestion && !jr->done && jr->since_us > 0 &&
		jr->correct_text[0],
	    "a judge catching up gets the AnswerKey, then the JudgeRequest "
	    "(one group: the text, count 1, suggestion wrong)");
	wire_free(r);
	verdict(&env, &v, 0, 1, true);
	expect_error(&judge, &env, QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		     "a Verdict on an item that is not there");
	verdict(&env, &v, 0, 0, true);
	wire_free(expect_reply(&judge, &env, QUIZ__V1__ENVELOPE__BODY_OK,
			       "the judge accepts the near answer"));
	r = peer_wait(&c, QUIZ__V1__ENVELOPE__BODY_RESULT);
	tc_check(r && r->result->correct && r->result->delta > 0,
		 "the ruling books the answer right (delta %lld)",
		 r ? (long long)r->result->delta : 0LL);
	wire_free(r);
	cmd_ok(&host, QUIZ__V1__HOST_COMMAND__ACTION__END, 0, "END");
	r = peer_wait(&c, QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE);
	while (r && r->state_change->state != QUIZ__V1__ROOM_STATE__FINISHED) {
		wire_free(r);
		r = peer_wait(&c, QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE);
	}
	tc_check(r != NULL, "the judge room finishes");
	wire_free(r);
	peer_close(&judge);
	peer_close(&c);
	peer_close(&host);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: quiz-conform PORT\n");
		return 2;
	}
	port = atoi(argv[1]);
	no_room_checks();
	contest_checks();
	contest_wager_checks();
	room_setup();
	room_two_hosts();
	room_answers();
	room_resume();
	room_pause();
	room_skip_kick();
	room_end();
	buzz_setup();
	buzz_foul_and_win();
	buzz_late_and_rebound();
	buzz_oral();
	judge_fill_checks();
	printf("%s: %d check(s) failed\n", tc_failures ? "FAIL" : "PASS",
	       tc_failures);
	return tc_failures ? 1 : 0;
}

/* A match across a restart of quizd (issue 10), as a host and three
 * contestants see it; tests/integration/restart.sh stops quizd between the
 * two halves.
 *
 *   quiz-restart play PORT STATE
 *     creates a room (3 questions of 6 s, auto advance), seats three
 *     contestants, plays question 0 (all answer), then on question 1 the
 *     third contestant's connection goes (the host's Progress must count
 *     it offline, not waiting) and two contestants answer and are
 *     acknowledged; writes STATE (the code, the
 *     host token, each contestant's resume token, player id and score) and
 *     STATE.ready, then stays connected until the server goes away and
 *     prints "notices N": the connections that got Error{SHUTTING_DOWN,
 *     "server restarting"} before the close.
 *   quiz-restart resume PORT STATE continue|void
 *     after the restart: the contestants take their seats back by token
 *     (Welcome names the room and their id; the room is PAUSED, reason
 *     RECOVERED; HostStatus false), a wrong host token is refused, the host
 *     reclaims the room with WatchRoom{code, host_token} (HostStatus true
 *     to the contestants, no judge token), leaves (HostStatus false) and
 *     comes back by Hello{host_token} (true), RESUMEs it, and the match is
 *     played to the end: continue: question 1 comes back with the time it
 *     had left and the answers kept; void: question 1 scores nothing.
 *     Every Result's total must equal the score before it plus its delta.
 *     Writes STATE.final: "player_id|total" per contestant.
 *   quiz-restart lobby PORT STATE / lobby-resume PORT STATE
 *     a lobby of two contestants across a restart: one takes its seat
 *     back, the other's is freed after the lobby grace.
 *   quiz-restart host-resume PORT STATE
 *     the host alone reclaims a rebuilt room, finds it PAUSED (RECOVERED),
 *     resumes it and waits for FINISHED.
 *
 * The questions are true/false and the contestants pick different options,
 * so someone scores on every question.
 *
 * Prints one line per check and exits 0 when all passed, 1 otherwise. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tclient.h"

#define WAIT_MS	      9000  /* longest silence while waiting for a push */
#define WAIT_TOTAL_MS 30000 /* and for one message, whatever else comes */
#define NPLAYERS      3
#define TIME_MS	      6000
#define SLACK_MS      400 /* time left after the restart vs before */
#define TOKEN_MAX     80

typedef Quiz__V1__Envelope Env;

struct peer {
	int fd;
	uint32_t seq;
	bool closed;
	struct tc_reader rd;
};

struct state {
	char code[32], host_token[TOKEN_MAX], judge_token[TOKEN_MAX];
	char token[NPLAYERS][TOKEN_MAX];
	uint32_t id[NPLAYERS];
	int64_t total[NPLAYERS];
	int answered1[NPLAYERS]; /* answered question 1 before the stop */
	int64_t left_ms;	 /* question 1's time left at the last ack */
};

static int port;
static struct peer host, cs[NPLAYERS];
static struct state st;

static void sleep_us(int64_t us)
{
	struct timespec ts = {.tv_sec = (time_t)(us / 1000000),
			      .tv_nsec = (long)(us % 1000000) * 1000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void peer_open(struct peer *p)
{
	memset(p, 0, sizeof(*p));
	p->fd = tc_dial(port, NULL);
	if (p->fd < 0)
		tc_die("connect");
}

/* Sends env with the next seq; returns it. */
static uint32_t peer_send(struct peer *p, Env *env)
{
	env->seq = ++p->seq;
	if (tc_send_env(p->fd, env) < 0)
		tc_die("send");
	return env->seq;
}

/* The next envelope (Pings answered), or NULL after WAIT_MS of silence
 * or at EOF (then p->closed). */
static Env *peer_next(struct peer *p, int ms)
{
	for (;;) {
		Env *env;
		int r = tc_next(p->fd, &p->rd, ms, &env);

		if (r == -ENOTCONN)
			p->closed = true;
		if (r == -EBADMSG || r == -EPROTO)
			tc_die("bad frame from the server");
		if (r < 0)
			return NULL;
		if (env->body_case == QUIZ__V1__ENVELOPE__BODY_PING) {
			Env o = QUIZ__V1__ENVELOPE__INIT;
			Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;

			pong.t0 = env->ping->t0;
			pong.t1 = pong.t2 = (uint64_t)tc_now_us();
			o.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
			o.pong = &pong;
			if (tc_send_env(p->fd, &o) < 0)
				p->closed = true;
			wire_free(env);
			continue;
		}
		return env;
	}
}

/* Reads until a message of kind (others skipped); NULL if none came. */
static Env *peer_wait(struct peer *p, Quiz__V1__Envelope__BodyCase kind)
{
	int64_t until = tc_now_ms() + WAIT_TOTAL_MS;
	Env *e;

	while (tc_now_ms() < until && (e = peer_next(p, WAIT_MS))) {
		if (e->body_case == kind)
			return e;
		wire_free(e);
	}
	return NULL;
}

/* Reads until the reply to seq (pushes skipped). */
static Env *peer_reply(struct peer *p, uint32_t seq)
{
	int64_t until = tc_now_ms() + WAIT_TOTAL_MS;
	Env *e;

	while (tc_now_ms() < until && (e = peer_next(p, WAIT_MS))) {
		if (e->seq == seq ||
		    (e->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR &&
		     e->error->ref_seq == seq))
			return e;
		wire_free(e);
	}
	return NULL;
}

/* Sends env; returns the reply if it is of kind, else dies. */
static Env *request(struct peer *p, Env *env, Quiz__V1__Envelope__BodyCase kind,
		    const char *what)
{
	Env *r = peer_reply(p, peer_send(p, env));

	if (!r || r->body_case != kind) {
		printf("FAIL - %s: got %s %d (%s)\n", what,
		       r ? "body" : "nothing", r ? (int)r->body_case : 0,
		       r && r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR
			   ? r->error->message
			   : "");
		exit(1);
	}
	return r;
}

static Env *hello(struct peer *p, const char *token)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;

	tc_hello_env(&env, &h, "quiz-restart/1", token);
	return request(p, &env, QUIZ__V1__ENVELOPE__BODY_WELCOME, "Hello");
}

/* A host command; returns the reply. */
static Env *command(struct peer *p, Quiz__V1__HostCommand__Action a)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__HostCommand hc = QUIZ__V1__HOST_COMMAND__INIT;

	hc.action = a;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HOST_COMMAND;
	env.host_command = &hc;
	return peer_reply(p, peer_send(p, &env));
}

/* Sends an answer (option 0, or the player's index among the options)
 * to question q; returns the reply (AnswerAck or Error). */
static Env *answer(struct peer *p, uint32_t q, uint32_t choice)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Answer a = QUIZ__V1__ANSWER__INIT;

	a.question_index = q;
	a.n_choices = 1;
	a.choices = &choice;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
	env.answer = &a;
	return peer_reply(p, peer_send(p, &env));
}

/* Waits for Question q on a contestant's connection. */
static Env *wait_question(struct peer *p, uint32_t q)
{
	Env *e;

	while ((e = peer_wait(p, QUIZ__V1__ENVELOPE__BODY_QUESTION))) {
		if (e->question->index == q) {
			/* answers count from reveal_at (server clock) */
			int64_t early = (int64_t)e->question->reveal_at_us -
					(int64_t)e->question->sent_at_us;

			if (early > 0)
				sleep_us(early + 20000);
			return e;
		}
		wire_free(e);
	}
	printf("FAIL - no Question %u (giving up)\n", q);
	exit(1);
}

/* Waits for the Result of q; checks total = score before + delta and
 * keeps the total. seen_other: set if a Result of another question came
 * first. Returns the Result envelope. */
static Env *wait_result(int i, uint32_t q, bool *seen_other)
{
	Env *e;

	while ((e = peer_wait(&cs[i], QUIZ__V1__ENVELOPE__BODY_RESULT))) {
		if (e->result->question_index == q)
			break;
		if (seen_other)
			*seen_other = true;
		wire_free(e);
	}
	if (!e) {
		printf("FAIL - player %u: no Result of q%u (giving up)\n",
		       st.id[i], q);
		exit(1);
	}
	tc_check(e->result->total == st.total[i] + e->result->delta,
		 "player %u q%u: total %" PRId64 " = %" PRId64
		 " before + delta "
		 "%" PRId64,
		 st.id[i], q, e->result->total, st.total[i], e->result->delta);
	st.total[i] = e->result->total;
	return e;
}

static void save_state(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		tc_die("write state");
	fprintf(f, "%s %s %s %" PRId64 "\n", st.code, st.host_token,
		st.judge_token, st.left_ms);
	for (i = 0; i < NPLAYERS; i++)
		fprintf(f, "%s %u %" PRId64 " %d\n", st.token[i], st.id[i],
			st.total[i], st.answered1[i]);
	fclose(f);
}

static void load_state(const char *path)
{
	FILE *f = fopen(path, "r");
	int i;

	if (!f || fscanf(f, "%31s %79s %79s %" SCNd64, st.code, st.host_token,
			 st.judge_token, &st.left_ms) != 4)
		tc_die("read state");
	for (i = 0; i < NPLAYERS; i++)
		if (fscanf(f, "%79s %u %" SCNd64 " %d", st.token[i], &st.id[i],
			   &st.total[i], &st.answered1[i]) != 4)
			tc_die("read state");
	fclose(f);
}

/* The host's Progress once both answers of q1 are in: the offline third
 * contestant is not on the waiting list, and is counted offline. */
static void host_progress(void)
{
	Env *e;

	while ((e = peer_wait(&host, QUIZ__V1__ENVELOPE__BODY_PROGRESS))) {
		if (e->progress->question_index == 1 &&
		    e->progress->answered == 2)
			break;
		wire_free(e);
	}
	tc_check(e && e->progress->waiting_count == 0 &&
		     e->progress->n_waiting == 0 && e->progress->offline == 1,
		 "host Progress q1: 2 answered, waiting %u (want 0), offline "
		 "%u (want 1)",
		 e ? e->progress->waiting_count : 99,
		 e ? e->progress->offline : 99);
	wire_free(e);
}

/* The first half: a room, three contestants, question 0 played, two
 * answers to question 1 acknowledged; then wait for the server to go. */
static int play(const char *path)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__QuestionKind kind = QUIZ__V1__QUESTION_KIND__TRUE_FALSE;
	int64_t deadline = 0, last_recv = 0;
	char ready[512], nick[16];
	int i, notices = 0;
	Env *r;
	FILE *f;

	peer_open(&host);
	wire_free(hello(&host, NULL));
	rs.title = "restart";
	rs.question_count = 3;
	rs.time_limit_ms = TIME_MS;
	rs.auto_advance = true;
	rs.countdown_ms = 1000;
	rs.reveal_ms = 600;
	rs.leaderboard_ms = 600;
	rs.n_kinds = 1;
	rs.kinds = &kind;
	cr.settings = &rs;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	r = request(&host, &env, QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED,
		    "CreateRoom");
	snprintf(st.code, sizeof(st.code), "%s", r->room_created->code);
	snprintf(st.host_token, sizeof(st.host_token), "%s",
		 r->room_created->host_token);
	snprintf(st.judge_token, sizeof(st.judge_token), "%s",
		 r->room_created->judge_token);
	wire_free(r);
	for (i = 0; i < NPLAYERS; i++) {
		Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
		Env je = QUIZ__V1__ENVELOPE__INIT;

		peer_open(&cs[i]);
		r = hello(&cs[i], NULL);
		snprintf(st.token[i], sizeof(st.token[i]), "%s",
			 r->welcome->resume_token);
		wire_free(r);
		snprintf(nick, sizeof(nick), "p%d", i + 1);
		j.code = st.code;
		j.nickname = nick;
		je.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
		je.join_room = &j;
		r = request(&cs[i], &je, QUIZ__V1__ENVELOPE__BODY_JOINED,
			    "JoinRoom");
		st.id[i] = r->joined->player_id;
		wire_free(r);
	}
	r = command(&host, QUIZ__V1__HOST_COMMAND__ACTION__START);
	if (!r || r->body_case != QUIZ__V1__ENVELOPE__BODY_OK)
		tc_die("START refused");
	wire_free(r);
	/* question 0: everyone answers (different options) */
	for (i = 0; i < NPLAYERS; i++) {
		Env *q = wait_question(&cs[i], 0);

		wire_free(q);
		r = answer(&cs[i], 0, (uint32_t)i % 2);
		if (!r || r->body_case != QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK)
			tc_die("answer to q0 not acknowledged");
		wire_free(r);
	}
	for (i = 0; i < NPLAYERS; i++)
		wire_free(wait_result(i, 0, NULL));
	tc_check(st.total[0] + st.total[1] + st.total[2] > 0,
		 "someone scored on q0 (scores to carry over the restart)");
	/* question 1: two answers acknowledged, the third never sent */
	for (i = 0; i < NPLAYERS; i++) {
		Env *q = wait_question(&cs[i], 1);

		deadline = (int64_t)q->question->deadline_at_us;
		wire_free(q);
	}
	/* the third contestant's connection goes: offline, not waited for */
	close(cs[2].fd);
	cs[2].closed = true;
	for (i = 0; i < 2; i++) {
		r = answer(&cs[i], 1, (uint32_t)i);
		if (!r || r->body_case != QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK)
			tc_die("answer to q1 not acknowledged");
		if ((int64_t)r->answer_ack->received_at_us > last_recv)
			last_recv = (int64_t)r->answer_ack->received_at_us;
		st.answered1[i] = 1;
		wire_free(r);
	}
	st.left_ms = (deadline - last_recv) / 1000;
	host_progress();
	save_state(path);
	printf("ok - played q0, two answers to q1 acknowledged (%" PRId64
	       " ms left), room %s\n",
	       st.left_ms, st.code);
	fflush(stdout);
	snprintf(ready, sizeof(ready), "%s.ready", path);
	if (!(f = fopen(ready, "w")))
		tc_die("write ready");
	fclose(f);
	/* until the server goes: who was told it is restarting */
	for (i = 0; i <= NPLAYERS; i++) {
		struct peer *p = i ? &cs[i - 1] : &host;
		int64_t until = tc_now_ms() + 60000;

		if (p->closed)
			continue;
		while (!p->closed && tc_now_ms() < until) {
			Env *e = peer_next(p, 1000);

			if (!e)
				continue;
			if (e->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR &&
			    e->error->code ==
				QUIZ__V1__ERROR_CODE__SHUTTING_DOWN &&
			    strcmp(e->error->message, "server restarting") == 0)
				notices++;
			wire_free(e);
		}
		close(p->fd);
	}
	printf("notices %d\n", notices);
	return tc_failures ? 1 : 0;
}

/* Reads a resumed contestant's catch-up until its HostStatus: the room is
 * PAUSED for the RECOVERED reason and has no host. */
static void resumed_catch_up(int i, bool voided)
{
	bool paused = false, joined = false, reveal = false, result = false;
	Env *e;

	while ((e = peer_next(&cs[i], WAIT_MS))) {
		Quiz__V1__Envelope__BodyCase k = e->body_case;

		if (k == QUIZ__V1__ENVELOPE__BODY_JOINED)
			joined = e->joined->player_id == st.id[i];
		/* paused at the reveal of the voided q1 (--interrupted void):
		 * a contestant coming back is shown it, and its own Result
		 * books nothing; a continued q1 is still open: no reveal */
		if (k == QUIZ__V1__ENVELOPE__BODY_REVEAL)
			reveal =
			    e->reveal->question_index == 1 && e->reveal->voided;
		if (k == QUIZ__V1__ENVELOPE__BODY_RESULT) {
			result = e->result->question_index == 1;
			tc_check(result && e->result->delta == 0 &&
				     e->result->total == st.total[i],
				 "player %u: the catch-up's Result of the "
				 "voided q1 books nothing (delta %" PRId64 ")",
				 st.id[i], e->result->delta);
		}
		if (k == QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE &&
		    e->state_change->state == QUIZ__V1__ROOM_STATE__PAUSED)
			paused = e->state_change->reason ==
				 QUIZ__V1__PAUSE_REASON__PAUSE_RECOVERED;
		if (k == QUIZ__V1__ENVELOPE__BODY_HOST_STATUS) {
			tc_check(joined && paused && !e->host_status->connected,
				 "player %u: Joined, PAUSED (RECOVERED), "
				 "HostStatus{false}",
				 st.id[i]);
			tc_check(reveal == voided && result == voided,
				 "player %u: %s", st.id[i],
				 voided
				     ? "the voided q1's Reveal and Result in "
				       "the catch-up"
				     : "no reveal in the catch-up (q1 open)");
			wire_free(e);
			return;
		}
		wire_free(e);
	}
	tc_check(false, "player %u: no HostStatus after the resume", st.id[i]);
}

/* The second half, after the restart. */
static int resume(const char *path, bool voided)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__WatchRoom w = QUIZ__V1__WATCH_ROOM__INIT;
	struct peer bad;
	char final[512];
	int i;
	Env *r;
	FILE *f;

	load_state(path);
	for (i = 0; i < NPLAYERS; i++) {
		peer_open(&cs[i]);
		r = hello(&cs[i], st.token[i]);
		tc_check(strcmp(r->welcome->room_code, st.code) == 0 &&
			     r->welcome->player_id == st.id[i] &&
			     strcmp(r->welcome->resume_token, st.token[i]) == 0,
			 "player %u: seated again by its token (Welcome room "
			 "'%s', id %u)",
			 st.id[i], r->welcome->room_code,
			 r->welcome->player_id);
		wire_free(r);
		resumed_catch_up(i, voided);
	}
	/* a wrong host token is refused */
	peer_open(&bad);
	wire_free(hello(&bad, NULL));
	w.code = st.code;
	w.host_token = "0123456789abcdef0123456789abcdef";
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &w;
	r = peer_reply(&bad, peer_send(&bad, &env));
	tc_check(r && r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR &&
		     r->error->code == QUIZ__V1__ERROR_CODE__WRONG_PIN,
		 "a wrong host token: WRONG_PIN");
	wire_free(r);
	/* a judge watches again with the judge token (checked by its hash),
	 * typed in lower case */
	{
		char lower[TOKEN_MAX];
		size_t k;

		for (k = 0; st.judge_token[k] && k + 1 < sizeof(lower); k++)
			lower[k] = (char)(st.judge_token[k] >= 'A' &&
						  st.judge_token[k] <= 'Z'
					      ? st.judge_token[k] - 'A' + 'a'
					      : st.judge_token[k]);
		lower[k] = '\0';
		w.host_token = "";
		w.judge_token = lower;
		r = peer_reply(&bad, peer_send(&bad, &env));
		tc_check(
		    r && r->body_case == QUIZ__V1__ENVELOPE__BODY_WATCHING &&
			r->watching->judge && !r->watching->host,
		    "a judge watches the rebuilt room with its token");
		wire_free(r);
		w.judge_token = "";
	}
	close(bad.fd);
	/* the host takes the room back by its token */
	peer_open(&host);
	wire_free(hello(&host, NULL));
	w.host_token = st.host_token;
	r = request(&host, &env, QUIZ__V1__ENVELOPE__BODY_WATCHING,
		    "WatchRoom host_token");
	tc_check(r->watching->host && r->watching->judge_token[0] == '\0' &&
		     r->watching->state == QUIZ__V1__ROOM_STATE__PAUSED,
		 "host reclaims by WatchRoom{host_token}: host, PAUSED, no "
		 "judge token (only its hash survived)");
	wire_free(r);
	for (i = 0; i < NPLAYERS; i++) {
		r = peer_wait(&cs[i], QUIZ__V1__ENVELOPE__BODY_HOST_STATUS);
		tc_check(r && r->host_status->connected,
			 "player %u: HostStatus{true} once the host is back",
			 st.id[i]);
		wire_free(r);
	}
	/* the host's connection goes and comes back by its host token */
	close(host.fd);
	for (i = 0; i < NPLAYERS; i++) {
		r = peer_wait(&cs[i], QUIZ__V1__ENVELOPE__BODY_HOST_STATUS);
		tc_check(r && !r->host_status->connected,
			 "player %u: HostStatus{false} when the host leaves",
			 st.id[i]);
		wire_free(r);
	}
	peer_open(&host);
	r = hello(&host, st.host_token);
	tc_check(r->welcome->host &&
		     strcmp(r->welcome->room_code, st.code) == 0,
		 "host back by Hello{resume_token: host_token}");
	wire_free(r);
	for (i = 0; i < NPLAYERS; i++) {
		r = peer_wait(&cs[i], QUIZ__V1__ENVELOPE__BODY_HOST_STATUS);
		tc_check(r && r->host_status->connected,
			 "player %u: HostStatus{true} again", st.id[i]);
		wire_free(r);
	}
	r = command(&host, QUIZ__V1__HOST_COMMAND__ACTION__RESUME);
	tc_check(r && r->body_case == QUIZ__V1__ENVELOPE__BODY_OK,
		 "host RESUME accepted");
	wire_free(r);
	if (!voided) {
		for (i = 0; i < NPLAYERS; i++) {
			Env *q = wait_question(&cs[i], 1);
			int64_t left = ((int64_t)q->question->deadline_at_us -
					(int64_t)q->question->sent_at_us) /
				       1000;

			tc_check(left > st.left_ms - SLACK_MS &&
				     left <= st.left_ms + 50,
				 "player %u: q1 back with %" PRId64
				 " ms left (had %" PRId64 ")",
				 st.id[i], left, st.left_ms);
			wire_free(q);
		}
		for (i = 0; i < NPLAYERS; i++) {
			r = answer(&cs[i], 1, 0);
			if (st.answered1[i])
				tc_check(
				    r &&
					r->body_case ==
					    QUIZ__V1__ENVELOPE__BODY_ERROR &&
					r->error->code ==
					    QUIZ__V1__ERROR_CODE__ALREADY_ANSWERED,
				    "player %u: its q1 answer was kept "
				    "(ALREADY_ANSWERED)",
				    st.id[i]);
			else
				tc_check(
				    r &&
					r->body_case ==
					    QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK,
				    "player %u: answers q1 after the restart",
				    st.id[i]);
			wire_free(r);
		}
		for (i = 0; i < NPLAYERS; i++) {
			r = wait_result(i, 1, NULL);
			tc_check(r->result->answered,
				 "player %u: q1 Result says answered",
				 st.id[i]);
			wire_free(r);
		}
	}
	/* question 2: everyone answers; in void mode no Result of q1 may
	 * come first (it was voided and revealed before anyone was back) */
	for (i = 0; i < NPLAYERS; i++) {
		Env *q = wait_question(&cs[i], 2);

		wire_free(q);
		r = answer(&cs[i], 2, (uint32_t)i % 2);
		tc_check(r && r->body_case ==
				  QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK,
			 "player %u: answers q2", st.id[i]);
		wire_free(r);
	}
	for (i = 0; i < NPLAYERS; i++) {
		bool other = false;

		wire_free(wait_result(i, 2, &other));
		if (voided)
			tc_check(!other,
				 "player %u: no Result of the voided q1",
				 st.id[i]);
	}
	for (i = 0; i < NPLAYERS; i++) {
		Env *e;

		while ((e = peer_wait(&cs[i],
				      QUIZ__V1__ENVELOPE__BODY_LEADERBOARD)) &&
		       !e->leaderboard->final)
			wire_free(e);
		tc_check(e != NULL, "player %u: final leaderboard", st.id[i]);
		wire_free(e);
	}
	snprintf(final, sizeof(final), "%s.final", path);
	if (!(f = fopen(final, "w")))
		tc_die("write final");
	for (i = 0; i < NPLAYERS; i++)
		fprintf(f, "%u|%" PRId64 "\n", st.id[i], st.total[i]);
	fclose(f);
	return tc_failures ? 1 : 0;
}

/* Joins contestant i as "p<i+1>"; returns the reply. */
static Env *join(struct peer *p, int i)
{
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	Env je = QUIZ__V1__ENVELOPE__INIT;
	char nick[16];

	snprintf(nick, sizeof(nick), "p%d", i + 1);
	j.code = st.code;
	j.nickname = nick;
	je.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	je.join_room = &j;
	return peer_reply(p, peer_send(p, &je));
}

/* A lobby across a restart, first half: a room and two contestants, then
 * STATE and STATE.ready; the connections stay until the server goes. */
static int lobby(const char *path)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	char ready[512];
	int i;
	Env *r;
	FILE *f;

	peer_open(&host);
	wire_free(hello(&host, NULL));
	rs.title = "lobby";
	cr.settings = &rs;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	r = request(&host, &env, QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED,
		    "CreateRoom");
	snprintf(st.code, sizeof(st.code), "%s", r->room_created->code);
	snprintf(st.host_token, sizeof(st.host_token), "%s",
		 r->room_created->host_token);
	snprintf(st.judge_token, sizeof(st.judge_token), "%s",
		 r->room_created->judge_token);
	wire_free(r);
	for (i = 0; i < 2; i++) {
		peer_open(&cs[i]);
		r = hello(&cs[i], NULL);
		snprintf(st.token[i], sizeof(st.token[i]), "%s",
			 r->welcome->resume_token);
		wire_free(r);
		r = join(&cs[i], i);
		if (!r || r->body_case != QUIZ__V1__ENVELOPE__BODY_JOINED)
			tc_die("JoinRoom");
		st.id[i] = r->joined->player_id;
		wire_free(r);
	}
	snprintf(st.token[2], sizeof(st.token[2]), "-");
	save_state(path);
	snprintf(ready, sizeof(ready), "%s.ready", path);
	if (!(f = fopen(ready, "w")))
		tc_die("write ready");
	fclose(f);
	for (i = 0; i <= 2; i++) {
		struct peer *p = i ? &cs[i - 1] : &host;
		int64_t until = tc_now_ms() + 60000;

		while (!p->closed && tc_now_ms() < until) {
			Env *e = peer_next(p, 1000);

			wire_free(e);
		}
		close(p->fd);
	}
	return 0;
}

/* Second half: the first contestant is seated again in the LOBBY by its
 * token; the second never comes back, and once the lobby grace (quizd
 * --lobby-grace-s 1) is over its nickname is free for a newcomer. */
static int lobby_resume(const char *path)
{
	struct peer late;
	Env *r;
	int tries;

	load_state(path);
	peer_open(&cs[0]);
	r = hello(&cs[0], st.token[0]);
	tc_check(strcmp(r->welcome->room_code, st.code) == 0 &&
		     r->welcome->player_id == st.id[0],
		 "lobby: player %u seated again by its token", st.id[0]);
	wire_free(r);
	r = peer_wait(&cs[0], QUIZ__V1__ENVELOPE__BODY_JOINED);
	tc_check(r && r->joined->state == QUIZ__V1__ROOM_STATE__LOBBY &&
		     r->joined->players == 2,
		 "lobby: Joined in LOBBY with 2 players (the other's seat kept "
		 "for the grace)");
	wire_free(r);
	peer_open(&late);
	wire_free(hello(&late, NULL));
	for (tries = 0; tries < 40; tries++) {
		r = join(&late, 1);
		if (r && r->body_case == QUIZ__V1__ENVELOPE__BODY_JOINED)
			break;
		wire_free(r);
		r = NULL;
		sleep_us(250000);
	}
	tc_check(r != NULL, "lobby: the seat of the contestant who did not "
			    "come back was freed after the grace");
	wire_free(r);
	return tc_failures ? 1 : 0;
}

/* The host alone: reclaims a rebuilt room, finds it PAUSED (RECOVERED),
 * resumes it and waits for the end. */
static int host_resume(const char *path)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__WatchRoom w = QUIZ__V1__WATCH_ROOM__INIT;
	bool paused = false, finished = false;
	Env *r;

	load_state(path);
	peer_open(&host);
	wire_free(hello(&host, NULL));
	w.code = st.code;
	w.host_token = st.host_token;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &w;
	wire_free(request(&host, &env, QUIZ__V1__ENVELOPE__BODY_WATCHING,
			  "WatchRoom host_token"));
	while ((r = peer_wait(&host, QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE))) {
		paused =
		    r->state_change->state == QUIZ__V1__ROOM_STATE__PAUSED &&
		    r->state_change->reason ==
			QUIZ__V1__PAUSE_REASON__PAUSE_RECOVERED;
		wire_free(r);
		if (paused)
			break;
	}
	tc_check(paused, "the rebuilt room is PAUSED (RECOVERED)");
	r = command(&host, QUIZ__V1__HOST_COMMAND__ACTION__RESUME);
	tc_check(r && r->body_case == QUIZ__V1__ENVELOPE__BODY_OK,
		 "host RESUME accepted");
	wire_free(r);
	while (!finished &&
	       (r = peer_wait(&host, QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE))) {
		finished =
		    r->state_change->state == QUIZ__V1__ROOM_STATE__FINISHED;
		wire_free(r);
	}
	tc_check(finished, "the match finishes");
	return tc_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "play") == 0) {
		port = atoi(argv[2]);
		return play(argv[3]);
	}
	if (argc == 4 && strcmp(argv[1], "lobby") == 0) {
		port = atoi(argv[2]);
		return lobby(argv[3]);
	}
	if (argc == 4 && strcmp(argv[1], "lobby-resume") == 0) {
		port = atoi(argv[2]);
		return lobby_resume(argv[3]);
	}
	if (argc == 4 && strcmp(argv[1], "host-resume") == 0) {
		port = atoi(argv[2]);
		return host_resume(argv[3]);
	}
	if (argc == 5 && strcmp(argv[1], "resume") == 0) {
		port = atoi(argv[2]);
		return resume(argv[3], strcmp(argv[4], "void") == 0);
	}
	fprintf(stderr, "Usage: quiz-restart play PORT STATE\n"
			"       quiz-restart resume PORT STATE continue|void\n"
			"       quiz-restart host-resume PORT STATE\n"
			"       quiz-restart lobby|lobby-resume PORT STATE\n");
	return 2;
}

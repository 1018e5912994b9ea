/* Timing under stalls and resumes (integration test tool): a host and a
 * few contestants on plain sockets against a real quizd, which the tool
 * itself stops (SIGSTOP) and continues (SIGCONT) at chosen moments.
 *
 *   quiz-stall PORT QUIZD_PID deadline|header|resume
 *
 * deadline: quizd is stopped for 2.5 s across a question's deadline while
 *   contestants answer at known times. Every answer sent before the
 *   deadline must be accepted with the response time its contestant
 *   measured (within 5 ms); one sent after the deadline must get TOO_LATE.
 * header: while quizd is stopped, an answer's 4-byte length header is
 *   sent, and its body 40 ms later. AnswerAck.received_at_us must date the
 *   body, the frame's last byte (within 3 ms). Three contestants try it.
 * resume: contestants behind an injected delay of 50 ms each way (the tool
 *   holds back its own frames in both directions) resume their seat, one
 *   after its old connection is gone and one while it is still open, and
 *   answer at once, before their new connection's first Pong. The response
 *   time must include the full compensation (within 5 ms).
 *
 * The contestants convert server times with the Welcome/Pong clock sync,
 * as a real client does. quizd is always continued before the tool exits.
 * Prints what it measured; exit 0 when all holds, 1 otherwise, 2 usage. */
#define _GNU_SOURCE /* ppoll: the delay lines need sub-millisecond waits */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clocksync.h"
#include "frame.h"
#include "tclient.h"

#define MAX_PEERS	  16
#define INBUF		  (1 << 17)
#define RT_TOLERANCE_US	  5000 /* recorded vs measured response time */
#define RECV_TOLERANCE_US 3000 /* received_at vs the body's send time */
#define WIRE_TOO_LATE	  10   /* ErrorCode.TOO_LATE on the wire */

/* A frame held back by the injected delay. */
struct held {
	struct held *next;
	int64_t due; /* local time it goes out (or is taken in) */
	size_t len;
	uint8_t data[];
};

struct peer {
	const char *name;
	int fd; /* -1: closed */
	int64_t delay_us;
	uint8_t in[INBUF];
	size_t in_len;
	struct held *outq, *inq; /* FIFO delay lines */
	struct clocksync cs;	 /* our Pings: the server clock */
	uint32_t seq;
	char token[80];
	char code[20];
	int welcomed, created, joined, oks;
	int have_q;
	uint32_t q;
	int64_t reveal_at, deadline_at; /* server clock */
	/* the one answer this peer sends */
	uint32_t ans_seq;
	int64_t ans_sent; /* local */
	int64_t plan;	  /* local time to send it, 0: none */
	int acked, err;
	uint32_t ack_rt;
	int64_t ack_recv; /* server clock */
};

static struct peer *peers[MAX_PEERS];
static int npeers;
static int port;
static pid_t quizd;
static volatile sig_atomic_t quizd_stopped;

static void sleep_us(int64_t us)
{
	struct timespec ts = {.tv_sec = us / 1000000,
			      .tv_nsec = (long)(us % 1000000) * 1000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Whether quizd is stopped, from /proc (so the test does not race the
 * signal's delivery). */
static int quizd_is_stopped(void)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)quizd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
}

static void quizd_stop(void)
{
	int i;

	quizd_stopped = 1;
	kill(quizd, SIGSTOP);
	for (i = 0; i < 200 && !quizd_is_stopped(); i++)
		sleep_us(500);
}

static void quizd_continue(void)
{
	kill(quizd, SIGCONT);
	quizd_stopped = 0;
}

/* Never leave quizd stopped behind us. */
static void at_exit(void)
{
	if (quizd_stopped)
		kill(quizd, SIGCONT);
}

static void on_signal(int sig)
{
	if (quizd_stopped)
		kill(quizd, SIGCONT);
	signal(sig, SIG_DFL);
	raise(sig);
}

static struct held *held_new(const uint8_t *p, size_t len, int64_t due)
{
	struct held *h = malloc(sizeof(*h) + len);

	if (!h) {
		fprintf(stderr, "quiz-stall: out of memory\n");
		exit(1);
	}
	h->next = NULL;
	h->due = due;
	h->len = len;
	memcpy(h->data, p, len);
	return h;
}

static void held_append(struct held **q, struct held *h)
{
	while (*q)
		q = &(*q)->next;
	*q = h;
}

/* Sends bytes now, or after the injected delay. */
static void peer_write(struct peer *p, const uint8_t *b, size_t n)
{
	if (p->fd < 0)
		return;
	if (p->delay_us == 0) {
		if (tc_send_all(p->fd, b, n) < 0) {
			close(p->fd);
			p->fd = -1;
		}
		return;
	}
	held_append(&p->outq, held_new(b, n, tc_now_us() + p->delay_us));
}

/* Packs env with the peer's next seq and sends it; returns the seq. */
static uint32_t peer_send(struct peer *p, Quiz__V1__Envelope *env)
{
	uint8_t *b;
	size_t n;

	env->seq = ++p->seq;
	b = wire_pack(env, &n);
	if (!b) {
		fprintf(stderr, "quiz-stall: cannot pack\n");
		exit(1);
	}
	peer_write(p, b, n);
	free(b);
	return env->seq;
}

/* Server clock of a local time, and back (the peer's clock sync). */
static int64_t to_server(const struct peer *p, int64_t local)
{
	struct clocksync_sample b;

	return local + (clocksync_best(&p->cs, &b) ? b.offset : 0);
}

static int64_t to_local(const struct peer *p, int64_t server)
{
	struct clocksync_sample b;

	return server - (clocksync_best(&p->cs, &b) ? b.offset : 0);
}

static void peer_ping(struct peer *p)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ping ping = QUIZ__V1__PING__INIT;

	ping.t0 = (uint64_t)tc_now_us();
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PING;
	env.ping = &ping;
	(void)peer_send(p, &env);
}

/* Takes one envelope from the server, as if it arrived at local time t. */
static void peer_take(struct peer *p, const Quiz__V1__Envelope *e, int64_t t)
{
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;

	switch (e->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_PING:
		pong.t0 = e->ping->t0;
		pong.t1 = (uint64_t)t;
		pong.t2 = (uint64_t)tc_now_us();
		out.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
		out.pong = &pong;
		(void)peer_send(p, &out);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PONG:
		(void)clocksync_add(&p->cs, (int64_t)e->pong->t0,
				    (int64_t)e->pong->t1, (int64_t)e->pong->t2,
				    t);
		break;
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		snprintf(p->token, sizeof(p->token), "%s",
			 e->welcome->resume_token);
		p->welcomed = 1;
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED:
		snprintf(p->code, sizeof(p->code), "%s", e->room_created->code);
		p->created = 1;
		break;
	case QUIZ__V1__ENVELOPE__BODY_JOINED:
		p->joined = 1;
		break;
	case QUIZ__V1__ENVELOPE__BODY_OK:
		p->oks++;
		break;
	case QUIZ__V1__ENVELOPE__BODY_QUESTION:
		p->have_q = 1;
		p->q = e->question->index;
		p->reveal_at = (int64_t)e->question->reveal_at_us;
		p->deadline_at = (int64_t)e->question->deadline_at_us;
		break;
	case QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK:
		if (p->ans_seq && e->seq == p->ans_seq) {
			p->acked = 1;
			p->ack_rt = e->answer_ack->response_time_us;
			p->ack_recv = (int64_t)e->answer_ack->received_at_us;
		}
		break;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		if (p->ans_seq && e->error->ref_seq == p->ans_seq)
			p->err = e->error->code;
		else
			fprintf(stderr, "quiz-stall: %s: error %d: %s\n",
				p->name, e->error->code, e->error->message);
		break;
	default:
		break;
	}
}

/* Decodes one frame's payload and takes it (or holds it back). */
static void peer_frame(struct peer *p, const uint8_t *frame, size_t len,
		       int64_t t)
{
	Quiz__V1__Envelope *e;

	if (p->delay_us) {
		held_append(&p->inq, held_new(frame, len, t + p->delay_us));
		return;
	}
	e = wire_unpack(frame + FRAME_HEADER, len - FRAME_HEADER);
	if (e) {
		peer_take(p, e, t);
		wire_free(e);
	}
}

/* Reads what the socket has and takes every whole frame. */
static void peer_read(struct peer *p)
{
	int64_t t = tc_now_us();
	ssize_t r;

	r = recv(p->fd, p->in + p->in_len, sizeof(p->in) - p->in_len,
		 MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		close(p->fd);
		p->fd = -1;
		return;
	}
	p->in_len += (size_t)r;
	for (;;) {
		const uint8_t *payload;
		size_t plen;
		int64_t n = frame_parse(p->in, p->in_len, &payload, &plen);

		if (n <= 0) {
			if (n < 0) {
				close(p->fd);
				p->fd = -1;
			}
			return;
		}
		peer_frame(p, p->in, (size_t)n, t);
		memmove(p->in, p->in + n, p->in_len - (size_t)n);
		p->in_len -= (size_t)n;
	}
}

/* Moves due frames along the delay lines; returns the next due time. */
static int64_t peer_delays(struct peer *p, int64_t now, int64_t next)
{
	while (p->outq && p->outq->due <= now) {
		struct held *h = p->outq;

		p->outq = h->next;
		if (p->fd >= 0 && tc_send_all(p->fd, h->data, h->len) < 0) {
			close(p->fd);
			p->fd = -1;
		}
		free(h);
	}
	while (p->inq && p->inq->due <= now) {
		struct held *h = p->inq;
		Quiz__V1__Envelope *e;

		p->inq = h->next;
		e = wire_unpack(h->data + FRAME_HEADER, h->len - FRAME_HEADER);
		if (e) {
			peer_take(p, e, h->due);
			wire_free(e);
		}
		free(h);
	}
	if (p->outq && p->outq->due < next)
		next = p->outq->due;
	if (p->inq && p->inq->due < next)
		next = p->inq->due;
	if (p->plan && p->plan < next)
		next = p->plan;
	return next;
}

static void peer_answer(struct peer *p);

/* Runs every peer (reads, delay lines, planned answers) until local time
 * `until` or until done() holds. Returns 1 if done() held. */
static int pump(int64_t until, int (*done)(void))
{
	for (;;) {
		struct pollfd pfd[MAX_PEERS];
		struct peer *who[MAX_PEERS];
		int64_t now = tc_now_us(), next = until;
		struct timespec ts;
		int i, n = 0;

		for (i = 0; i < npeers; i++) {
			struct peer *p = peers[i];

			if (p->plan && p->plan <= now) {
				p->plan = 0;
				peer_answer(p);
			}
			next = peer_delays(p, now, next);
			if (p->fd >= 0) {
				pfd[n].fd = p->fd;
				pfd[n].events = POLLIN;
				who[n++] = p;
			}
		}
		if (done && done())
			return 1;
		if (now >= until)
			return 0;
		ts.tv_sec = (next - now) / 1000000;
		ts.tv_nsec = (long)((next - now) % 1000000) * 1000;
		if (ppoll(pfd, (nfds_t)n, &ts, NULL) <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
				peer_read(who[i]);
	}
}

static struct peer *peer_new(const char *name, int64_t delay_us)
{
	struct peer *p = calloc(1, sizeof(*p));

	if (!p || npeers == MAX_PEERS) {
		fprintf(stderr, "quiz-stall: too many peers\n");
		exit(1);
	}
	p->name = name;
	p->fd = -1;
	p->delay_us = delay_us;
	peers[npeers++] = p;
	return p;
}

/* Connects and says Hello (with a resume token, or none). */
static void peer_connect(struct peer *p, const char *token)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	int one = 1;

	p->fd = tc_dial(port, NULL);
	if (p->fd < 0) {
		errno = -p->fd;
		perror("quiz-stall: connect");
		exit(1);
	}
	setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	tc_hello_env(&env, &h, "quiz-stall", token);
	(void)peer_send(p, &env);
}

/* Sends the peer's Answer (choice 0 to the open question) now. */
static void peer_answer(struct peer *p)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Answer a = QUIZ__V1__ANSWER__INIT;
	uint32_t choice = 0;

	a.question_index = p->q;
	a.n_choices = 1;
	a.choices = &choice;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
	env.answer = &a;
	p->ans_sent = tc_now_us();
	p->ans_seq = peer_send(p, &env);
}

/* ---- waiting for states of all peers ---------------------------------- */

static struct peer *host;
static struct peer *players[MAX_PEERS];
static int nplayers;

static int host_created(void)
{
	return host->created;
}

static int host_ok(void)
{
	return host->oks > 0;
}

static int all_joined(void)
{
	int i;

	for (i = 0; i < nplayers; i++)
		if (!players[i]->joined)
			return 0;
	return 1;
}

static int all_synced(void)
{
	int i;

	for (i = 0; i < nplayers; i++)
		if (players[i]->cs.n < 8)
			return 0;
	return 1;
}

static int all_have_q(void)
{
	int i;

	for (i = 0; i < nplayers; i++)
		if (!players[i]->have_q)
			return 0;
	return 1;
}

static int all_judged(void)
{
	int i;

	for (i = 0; i < nplayers; i++)
		if (players[i]->ans_seq && !players[i]->acked &&
		    !players[i]->err)
			return 0;
	return 1;
}

/* Waits for done() for at most ms; exits with a message if it never holds. */
static void wait_for(int (*done)(void), int64_t ms, const char *what)
{
	if (!pump(tc_now_us() + ms * 1000, done)) {
		printf("quiz-stall: timed out waiting for %s\n", what);
		exit(1);
	}
}

/* The host creates a one-question speed room that runs by itself; the
 * contestants join and sync their clocks; the host starts; everyone waits
 * for the question. */
static void setup(int n, int64_t delay_us, uint32_t limit_ms)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings rs = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	Quiz__V1__HostCommand hc = QUIZ__V1__HOST_COMMAND__INIT;
	static char names[MAX_PEERS][24];
	Quiz__V1__QuestionKind single = QUIZ__V1__QUESTION_KIND__SINGLE;
	int i, k;

	host = peer_new("host", 0);
	peer_connect(host, NULL);
	rs.title = "stall";
	rs.question_count = 1;
	rs.time_limit_ms = limit_ms;
	rs.auto_advance = 1;
	rs.countdown_ms = 500;
	rs.reveal_ms = 500;
	rs.leaderboard_ms = 500;
	rs.kinds = &single; /* choice 0 is a valid answer to each */
	rs.n_kinds = 1;
	cr.settings = &rs;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	(void)peer_send(host, &env);
	wait_for(host_created, 3000, "RoomCreated");
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "stall-%d", i);
		players[nplayers++] = peer_new(names[i], delay_us);
		peer_connect(players[i], NULL);
		j.code = host->code;
		j.nickname = names[i];
		env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
		env.join_room = &j;
		(void)peer_send(players[i], &env);
	}
	wait_for(all_joined, 5000, "Joined");
	/* our clock sync, meanwhile quizd's warm-up pings measure us */
	for (k = 0; k < 10; k++) {
		for (i = 0; i < nplayers; i++)
			peer_ping(players[i]);
		pump(tc_now_us() + 100000, NULL);
	}
	wait_for(all_synced, 3000, "clock sync");
	hc.action = QUIZ__V1__HOST_COMMAND__ACTION__START;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HOST_COMMAND;
	env.host_command = &hc;
	(void)peer_send(host, &env);
	wait_for(host_ok, 3000, "Ok to START");
	wait_for(all_have_q, 5000, "the question");
}

/* The contestant's own measure of its answer's response time. */
static int64_t measured_rt(const struct peer *p)
{
	return to_server(p, p->ans_sent) - p->reveal_at;
}

/* ---- the three tests ---------------------------------------------------- */

/* quizd stopped from 2 s before the deadline to 0.5 s after it. */
static int test_deadline(void)
{
	const int n = 12;
	int64_t deadline, stop_at, cont_at, worst = 0;
	int i, before = 0, acked = 0, late = 0, mism = 0, ok = 1;

	setup(n, 0, 3000);
	deadline = players[0]->deadline_at;
	/* two answers before the stop, nine while quizd is stopped but
	 * before the deadline, the last after the deadline */
	for (i = 0; i < n; i++) {
		struct peer *p = players[i];
		int64_t at;

		if (i < 2)
			at = p->reveal_at + 300000 + i * 300000;
		else if (i < n - 1)
			at = deadline - 1800000 + (i - 2) * 200000;
		else
			at = deadline + 200000;
		p->plan = to_local(p, at);
	}
	stop_at = to_local(players[0], deadline - 2000000);
	cont_at = to_local(players[0], deadline + 500000);
	pump(stop_at, NULL);
	quizd_stop();
	pump(cont_at, NULL);
	quizd_continue();
	wait_for(all_judged, 10000, "the answers' acks");
	for (i = 0; i < n; i++) {
		struct peer *p = players[i];
		int64_t sent = to_server(p, p->ans_sent);
		int64_t d = p->acked ? (int64_t)p->ack_rt - measured_rt(p) : 0;

		if (sent >= deadline) {
			if (p->err != WIRE_TOO_LATE) {
				printf("  %s: sent %.1f ms after the deadline, "
				       "not refused TOO_LATE\n",
				       p->name,
				       (double)(sent - deadline) / 1e3);
				ok = 0;
			}
			continue;
		}
		before++;
		if (!p->acked) {
			late += p->err == WIRE_TOO_LATE;
			printf("  %s: sent %.1f ms before the deadline: error "
			       "%d\n",
			       p->name, (double)(deadline - sent) / 1e3,
			       p->err);
			ok = 0;
			continue;
		}
		acked++;
		if (d < 0 ? -d > worst : d > worst)
			worst = d < 0 ? -d : d;
		if (d > RT_TOLERANCE_US || d < -RT_TOLERANCE_US) {
			mism++;
			printf("  %s: recorded rt %u us, measured %lld us "
			       "(diff %+.1f ms)\n",
			       p->name, p->ack_rt, (long long)measured_rt(p),
			       (double)d / 1e3);
			ok = 0;
		}
	}
	printf("deadline: quizd stopped 2.5 s across the deadline; %d answers "
	       "sent before it: %d acked, %d TOO_LATE, %d rt mismatches "
	       "(max |diff| %.2f ms, tolerance %d ms)\n",
	       before, acked, late, mism, (double)worst / 1e3,
	       RT_TOLERANCE_US / 1000);
	return ok;
}

/* Header while quizd is stopped, body 40 ms later, then continue. */
static int test_header(void)
{
	const int n = 3;
	int i, ok = 1;

	setup(n, 0, 10000);
	pump(to_local(players[0], players[0]->reveal_at) + 200000, NULL);
	for (i = 0; i < n; i++) {
		struct peer *p = players[i];
		Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__Answer a = QUIZ__V1__ANSWER__INIT;
		uint32_t choice = 0;
		int64_t t_head, err_body, err_head, d;
		uint8_t *b;
		size_t len;

		a.question_index = p->q;
		a.n_choices = 1;
		a.choices = &choice;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
		env.answer = &a;
		env.seq = ++p->seq;
		p->ans_seq = env.seq;
		b = wire_pack(&env, &len);
		if (!b)
			return 0;
		quizd_stop();
		t_head = tc_now_us();
		tc_send_all(p->fd, b, FRAME_HEADER);
		sleep_us(40000);
		p->ans_sent = tc_now_us();
		tc_send_all(p->fd, b + FRAME_HEADER, len - FRAME_HEADER);
		free(b);
		sleep_us(20000);
		quizd_continue();
		wait_for(all_judged, 5000, "the AnswerAck");
		if (!p->acked) {
			printf("  %s: answer refused (error %d)\n", p->name,
			       p->err);
			ok = 0;
			continue;
		}
		err_body = p->ack_recv - to_server(p, p->ans_sent);
		err_head = p->ack_recv - to_server(p, t_head);
		d = (int64_t)p->ack_rt - measured_rt(p);
		printf("header: %s: header sent %.1f ms before the body; "
		       "received_at - body sent = %+.2f ms (- header sent = "
		       "%+.2f ms); rt recorded - measured = %+.2f ms\n",
		       p->name, (double)(p->ans_sent - t_head) / 1e3,
		       (double)err_body / 1e3, (double)err_head / 1e3,
		       (double)d / 1e3);
		if (err_body < -RECV_TOLERANCE_US ||
		    err_body > RECV_TOLERANCE_US || d < -RECV_TOLERANCE_US ||
		    d > RECV_TOLERANCE_US)
			ok = 0;
		pump(tc_now_us() + 100000, NULL);
	}
	return ok;
}

/* A new connection for p's seat: Hello with its token, then the answer
 * right away. The clock sync carries over (same machine clocks). */
static struct peer *resume_and_answer(struct peer *p, const char *name)
{
	struct peer *r = peer_new(name, p->delay_us);

	r->cs = p->cs;
	r->have_q = p->have_q;
	r->q = p->q;
	r->reveal_at = p->reveal_at;
	r->deadline_at = p->deadline_at;
	peer_connect(r, p->token);
	peer_answer(r);
	return r;
}

/* Contestants behind 50 ms each way resume and answer at once. */
static int test_resume(void)
{
	const int64_t delay = 50000;
	struct peer *a, *b, *a2, *b2;
	int i, ok = 1;

	setup(2, delay, 20000);
	a = players[0];
	b = players[1];
	pump(to_local(a, a->reveal_at) + 300000, NULL);
	/* a: the old connection is gone before the resume arrives */
	close(a->fd);
	a->fd = -1;
	pump(tc_now_us() + 300000, NULL);
	a2 = resume_and_answer(a, "resumed-after-close");
	/* b: the old connection is still open when the resume arrives */
	b2 = resume_and_answer(b, "resumed-while-open");
	nplayers = 0;
	players[nplayers++] = a2;
	players[nplayers++] = b2;
	wait_for(all_judged, 5000, "the answers' acks");
	for (i = 0; i < nplayers; i++) {
		struct peer *p = players[i];
		int64_t d = (int64_t)p->ack_rt - measured_rt(p);

		if (!p->acked) {
			printf("  %s: answer refused (error %d)\n", p->name,
			       p->err);
			ok = 0;
			continue;
		}
		printf("resume: %s, %lld ms each way: recorded rt %u us, "
		       "measured %lld us (diff %+.2f ms)\n",
		       p->name, (long long)(delay / 1000), p->ack_rt,
		       (long long)measured_rt(p), (double)d / 1e3);
		if (d > RT_TOLERANCE_US || d < -RT_TOLERANCE_US)
			ok = 0;
	}
	return ok;
}

int main(int argc, char **argv)
{
	const char *mode;
	int ok;

	if (argc != 4) {
		fprintf(stderr, "usage: quiz-stall PORT QUIZD_PID "
				"deadline|header|resume\n");
		return 2;
	}
	port = atoi(argv[1]);
	quizd = (pid_t)atoi(argv[2]);
	mode = argv[3];
	if (port <= 0 || quizd <= 1) {
		fprintf(stderr, "quiz-stall: bad port or pid\n");
		return 2;
	}
	atexit(at_exit);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(mode, "deadline") == 0)
		ok = test_deadline();
	else if (strcmp(mode, "header") == 0)
		ok = test_header();
	else if (strcmp(mode, "resume") == 0)
		ok = test_resume();
	else {
		fprintf(stderr, "quiz-stall: unknown mode %s\n", mode);
		return 2;
	}
	printf("%s: %s\n", mode, ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

/* A hostile client for the room guards (tests/integration/rooms.sh): it
 * guesses room codes, makes join-and-leave cycles, opens many rooms and
 * watches a match as a screen, and prints what it achieved. The script
 * decides pass or fail from the figures (and the exit status).
 *
 *   quiz-guard PORT guess NROOMS SECONDS [watch]
 *       creates NROOMS rooms, then guesses codes (JoinRoom, or WatchRoom
 *       as a screen with "watch") for SECONDS on fresh
 *       connections (a burst of requests each), in the format the server
 *       issues; prints guesses, how many reached a lookup (ROOM_NOT_FOUND),
 *       how many were RATE_LIMITED and how many rooms were found.
 *   quiz-guard PORT rooms N [KEY]
 *       tries to create N rooms from this address, one connection each
 *       (with host key KEY); prints how many were created and the errors.
 *   quiz-guard PORT ghost CYCLES WAIT_S SRC
 *       a host makes a room of 100 seats; from source address SRC, CYCLES
 *       join-and-leave cycles; WAIT_S seconds later a real player joins
 *       (from 127.0.0.1). Exit 0 when the real player got in.
 *   quiz-guard PORT grace GRACE_S
 *       a contestant joins and drops; its resume token must give the seat
 *       back at once, and name no seat GRACE_S + 2 s later (the nickname
 *       is free again). Exit 0 when so.
 *   quiz-guard PORT screen
 *       a host, two contestants and a screen; one contestant answers.
 *       Exit 0 when the host saw the distribution and the waiting list and
 *       the screen saw the answered count but neither of those.
 *
 * Exit 1 when the server did not behave, 2 on a usage or setup error. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "roomcode.h"
#include "tclient.h"

#define BURST                                                                  \
	39     /* joins per fresh connection (the per-connection bucket        \
		  holds 40 requests) */
#define PAR 16 /* connections guessing at once */

struct peer {
	int fd;
	struct tc_reader rd;
};

static int port;

/* Seconds on a monotonic clock. */
static double now_s(void)
{
	return (double)tc_now_us() / 1e6;
}

/* Connects to the server from src (NULL: any). Exits 2 on failure. */
static struct peer *peer_open(const char *src)
{
	struct peer *p = calloc(1, sizeof(*p));

	if (!p)
		exit(2);
	p->fd = tc_dial(port, src);
	if (p->fd < 0) {
		fprintf(stderr, "quiz-guard: connect from %s: %s\n",
			src ? src : "any address", strerror(-p->fd));
		exit(2);
	}
	return p;
}

static void peer_close(struct peer *p)
{
	if (p) {
		close(p->fd);
		free(p);
	}
}

/* Appends env's frame to out (at most cap bytes). Returns the new length. */
static size_t pack_into(uint8_t *out, size_t len, size_t cap,
			Quiz__V1__Envelope *env)
{
	size_t n;
	uint8_t *b = wire_pack(env, &n);

	if (!b || len + n > cap)
		exit(2);
	memcpy(out + len, b, n);
	free(b);
	return len + n;
}

/* Packs and sends env. Returns 0 or -1. */
static int peer_send(struct peer *p, Quiz__V1__Envelope *env)
{
	return tc_send_env(p->fd, env) < 0 ? -1 : 0;
}

/* The next envelope within ms, or NULL (timeout, EOF, bad frame). */
static Quiz__V1__Envelope *peer_next(struct peer *p, int ms)
{
	Quiz__V1__Envelope *env;
	int r;

	while ((r = tc_next(p->fd, &p->rd, ms, &env)) == -EPROTO)
		;
	return r == 0 ? env : NULL;
}

/* The next envelope of one of two kinds (pushes in between are skipped). */
static Quiz__V1__Envelope *peer_wait(struct peer *p, int kind1, int kind2,
				     int ms)
{
	Quiz__V1__Envelope *env;
	double until = now_s() + ms / 1000.0;

	while (now_s() < until &&
	       (env = peer_next(p, (int)((until - now_s()) * 1000) + 1))) {
		if ((int)env->body_case == kind1 ||
		    (int)env->body_case == kind2)
			return env;
		wire_free(env);
	}
	return NULL;
}

/* Says Hello (with a resume token, or NULL) and waits for Welcome. Returns
 * the player id it names (0: none), or -1. Copies the resume token to
 * token_out (33 bytes) when given. */
static int peer_hello_tok(struct peer *p, const char *token, char *token_out)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT, *r;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	int pid;

	tc_hello_env(&env, &h, "quiz-guard", token);
	env.seq = 1;
	if (peer_send(p, &env) < 0)
		return -1;
	r = peer_wait(p, QUIZ__V1__ENVELOPE__BODY_WELCOME, -1, 5000);
	if (!r)
		return -1;
	pid = (int)r->welcome->player_id;
	if (token_out)
		snprintf(token_out, 33, "%s", r->welcome->resume_token);
	wire_free(r);
	return pid;
}

static int peer_hello(struct peer *p)
{
	return peer_hello_tok(p, NULL, NULL) < 0 ? -1 : 0;
}

/* Creates a room. Returns 0 and copies its code and host token, or the
 * wire error code (> 0), or -1 on no reply. */
static int peer_create(struct peer *p, const char *key, uint32_t max_players,
		       char *code, size_t cap, char *token)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT, *r;
	Quiz__V1__CreateRoom c = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings s = QUIZ__V1__ROOM_SETTINGS__INIT;
	int rc = -1;

	s.question_count = 1;
	s.max_players = max_players;
	s.time_limit_ms = 10000;
	c.settings = &s;
	c.host_key = (char *)(key ? key : "");
	env.seq = 2;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &c;
	if (peer_send(p, &env) < 0)
		return -1;
	r = peer_wait(p, QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED,
		      QUIZ__V1__ENVELOPE__BODY_ERROR, 5000);
	if (!r)
		return -1;
	if (r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR) {
		rc = r->error->code;
	} else {
		snprintf(code, cap, "%s", r->room_created->code);
		if (token)
			snprintf(token, 40, "%s", r->room_created->host_token);
		rc = 0;
	}
	wire_free(r);
	return rc;
}

static void join_env(Quiz__V1__Envelope *env, Quiz__V1__JoinRoom *j,
		     uint32_t seq, const char *code, const char *nick)
{
	j->code = (char *)code;
	j->nickname = (char *)nick;
	env->seq = seq;
	env->body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env->join_room = j;
}

/* Joins; returns 0 (Joined) or the wire error code, -1 on no reply. */
static int peer_join(struct peer *p, const char *code, const char *nick)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT, *r;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	int rc;

	join_env(&env, &j, 3, code, nick);
	if (peer_send(p, &env) < 0)
		return -1;
	r = peer_wait(p, QUIZ__V1__ENVELOPE__BODY_JOINED,
		      QUIZ__V1__ENVELOPE__BODY_ERROR, 5000);
	if (!r)
		return -1;
	rc = r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR
		 ? (int)r->error->code
		 : 0;
	wire_free(r);
	return rc;
}

static uint64_t rnd(void)
{
	static uint64_t x;

	if (!x)
		x = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull ^
		    (uint64_t)getpid();
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* A guess in the server's format: 6 digits (the old codes) or base32. */
static void guess_code(bool digits, char *out)
{
	if (digits)
		snprintf(out, ROOMCODE_SIZE, "%06u",
			 (unsigned)(rnd() % 1000000u));
	else
		roomcode_format(rnd(), out);
}

static int mode_guess(int nrooms, double secs, bool watch)
{
	struct peer **hosts = calloc((size_t)nrooms, sizeof(*hosts));
	char code[32];
	bool digits = true;
	uint64_t guesses = 0, reached = 0, limited = 0, found = 0, other = 0;
	double t0, el;
	int i, made = 0;

	for (i = 0; i < nrooms; i++) {
		hosts[i] = peer_open(NULL);
		if (peer_hello(hosts[i]) < 0 ||
		    peer_create(hosts[i], NULL, 0, code, sizeof(code), NULL))
			break;
		made++;
		digits = strlen(code) == 6;
	}
	if (made < nrooms) {
		fprintf(stderr, "quiz-guard: only %d rooms created\n", made);
		return 2;
	}
	t0 = now_s();
	while ((el = now_s() - t0) < secs) {
		static uint8_t batch[PAR][BURST * 64 + 64];
		struct peer *ps[PAR];
		int k;

		for (k = 0; k < PAR; k++) {
			Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
			Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
			Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
			Quiz__V1__WatchRoom w = QUIZ__V1__WATCH_ROOM__INIT;
			char g[ROOMCODE_SIZE];
			size_t n;
			int b;

			ps[k] = peer_open(NULL);
			tc_hello_env(&env, &h, "quiz-guard", NULL);
			env.seq = 1;
			n = pack_into(batch[k], 0, sizeof(batch[k]), &env);
			for (b = 0; b < BURST; b++) {
				guess_code(digits, g);
				join_env(&env, &j, 2 + (uint32_t)b, g, "g");
				if (watch) {
					w.code = g;
					env.body_case =
					    QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
					env.watch_room = &w;
				}
				n = pack_into(batch[k], n, sizeof(batch[k]),
					      &env);
			}
			if (tc_send_all(ps[k]->fd, batch[k], n) == 0)
				guesses += BURST;
		}
		for (k = 0; k < PAR; k++) {
			Quiz__V1__Envelope *r;
			int got = 0;

			while (got < BURST && (r = peer_next(ps[k], 2000))) {
				if (r->body_case ==
					QUIZ__V1__ENVELOPE__BODY_JOINED ||
				    r->body_case ==
					QUIZ__V1__ENVELOPE__BODY_WATCHING) {
					found++;
					got++;
				} else if (r->body_case ==
					   QUIZ__V1__ENVELOPE__BODY_ERROR) {
					int c = r->error->code;

					got++;
					if (c ==
					    quiz_wire_code(-QE_ROOM_NOT_FOUND))
						reached++;
					else if (c == quiz_wire_code(
							  -QE_RATE_LIMITED))
						limited++;
					else
						other++;
				}
				wire_free(r);
			}
			peer_close(ps[k]);
		}
	}
	printf("guess (%s): %d rooms; %llu guesses in %.1f s (%.0f/s); %llu "
	       "reached a lookup, %llu rate limited, %llu other; %llu rooms "
	       "found\n",
	       watch ? "WatchRoom" : "JoinRoom", nrooms,
	       (unsigned long long)guesses, el, guesses / el,
	       (unsigned long long)reached, (unsigned long long)limited,
	       (unsigned long long)other, (unsigned long long)found);
	for (i = 0; i < nrooms; i++)
		peer_close(hosts[i]);
	free(hosts);
	return 0;
}

static int mode_rooms(int n, const char *key)
{
	struct peer **ps = calloc((size_t)n, sizeof(*ps));
	int i, made = 0, errs[64] = {0}, e;
	char code[32];

	for (i = 0; i < n; i++) {
		ps[i] = peer_open(NULL);
		if (peer_hello(ps[i]) < 0)
			return 2;
		e = peer_create(ps[i], key, 0, code, sizeof(code), NULL);
		if (e == 0)
			made++;
		else if (e > 0 && e < 64)
			errs[e]++;
		else
			errs[0]++;
	}
	printf("rooms: %d of %d created", made, n);
	for (e = 0; e < 64; e++)
		if (errs[e])
			printf(", %d %s", errs[e],
			       e ? quiz_error_name(QE_BASE + e) : "no reply");
	printf("\n");
	for (i = 0; i < n; i++)
		peer_close(ps[i]);
	free(ps);
	return 0;
}

/* A contestant leaves the lobby: within the grace the token gives the seat
 * back; after it the token names no seat and the nickname is free. */
static int mode_grace(int grace_s)
{
	struct peer *host = peer_open(NULL), *p;
	char code[32], tok[33];
	int back, later, again;

	if (peer_hello(host) < 0 ||
	    peer_create(host, NULL, 0, code, sizeof(code), NULL))
		return 2;
	p = peer_open(NULL);
	if (peer_hello_tok(p, NULL, tok) < 0 || peer_join(p, code, "carol"))
		return 2;
	peer_close(p);
	p = peer_open(NULL);
	back = peer_hello_tok(p, tok, NULL); /* within the grace */
	peer_close(p);
	sleep((unsigned)grace_s + 2);
	p = peer_open(NULL);
	later = peer_hello_tok(p, tok, NULL); /* after it */
	again = later == 0 ? peer_join(p, code, "carol") : -1;
	peer_close(p);
	peer_close(host);
	printf("grace: resumed as player %d within the grace; after it the "
	       "token named player %d; joining as carol again: %s\n",
	       back, later,
	       again == 0  ? "Joined"
	       : again > 0 ? quiz_error_name(QE_BASE + again)
			   : "not tried");
	return back > 0 && later == 0 && again == 0 ? 0 : 1;
}

static int mode_ghost(int cycles, int wait_s, const char *src)
{
	struct peer *host = peer_open(NULL), *p;
	char code[32], nick[32];
	int i, joined = 0, refused = 0, r;
	double t0;

	if (peer_hello(host) < 0 ||
	    peer_create(host, NULL, 100, code, sizeof(code), NULL))
		return 2;
	t0 = now_s();
	for (i = 0; i < cycles; i++) {
		p = peer_open(src);
		snprintf(nick, sizeof(nick), "ghost%d", i);
		if (peer_hello(p) == 0 && peer_join(p, code, nick) == 0)
			joined++;
		else
			refused++;
		peer_close(p);
	}
	printf("ghost: %d cycles from %s in %.1f s: %d joined, %d refused\n",
	       cycles, src, now_s() - t0, joined, refused);
	sleep((unsigned)wait_s);
	p = peer_open(NULL);
	r = peer_hello(p) == 0 ? peer_join(p, code, "real player") : -1;
	printf("ghost: a real player %s (%s)\n", r == 0 ? "got in" : "did NOT",
	       r == 0  ? "Joined"
	       : r > 0 ? quiz_error_name(QE_BASE + r)
		       : "no reply");
	peer_close(p);
	peer_close(host);
	return r == 0 ? 0 : 1;
}

/* Reads host and screen pushes for a while; tallies what each Progress
 * carried. */
struct seen {
	int progress, with_dist, with_waiting;
	uint32_t max_answered;
};

static void tally(struct peer *p, struct seen *s, int ms)
{
	Quiz__V1__Envelope *r;
	double until = now_s() + ms / 1000.0;

	while (now_s() < until) {
		if (!(r = peer_next(p, 50)))
			continue;
		if (r->body_case == QUIZ__V1__ENVELOPE__BODY_PROGRESS) {
			Quiz__V1__Progress *m = r->progress;
			uint32_t sum = 0;
			size_t i;

			for (i = 0; i < m->n_distribution; i++)
				sum += m->distribution[i];
			s->progress++;
			s->with_dist += sum > 0;
			s->with_waiting += m->n_waiting > 0 || m->waiting_count;
			if (m->answered > s->max_answered)
				s->max_answered = m->answered;
		}
		wire_free(r);
	}
}

static int mode_screen(void)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT, *r;
	Quiz__V1__HostCommand hc = QUIZ__V1__HOST_COMMAND__INIT;
	Quiz__V1__WatchRoom w = QUIZ__V1__WATCH_ROOM__INIT;
	Quiz__V1__Answer a = QUIZ__V1__ANSWER__INIT;
	struct peer *host = peer_open(NULL), *c1 = peer_open(NULL),
		    *c2 = peer_open(NULL), *scr = peer_open(NULL);
	struct seen sh = {0}, ss = {0};
	uint32_t choice = 0;
	char code[32];
	double until;

	if (peer_hello(host) < 0 || peer_hello(c1) < 0 || peer_hello(c2) < 0 ||
	    peer_hello(scr) < 0 ||
	    peer_create(host, NULL, 0, code, sizeof(code), NULL) ||
	    peer_join(c1, code, "alice") || peer_join(c2, code, "bob"))
		return 2;
	w.code = code;
	env.seq = 5;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &w;
	peer_send(scr, &env);
	hc.action = QUIZ__V1__HOST_COMMAND__ACTION__START;
	env.seq = 6;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HOST_COMMAND;
	env.host_command = &hc;
	peer_send(host, &env);
	r = peer_wait(c1, QUIZ__V1__ENVELOPE__BODY_QUESTION, -1, 10000);
	if (!r)
		return 2;
	a.question_index = r->question->index;
	if (r->question->kind == QUIZ__V1__QUESTION_KIND__FILL) {
		a.text = "guess";
	} else {
		a.n_choices = 1;
		a.choices = &choice;
	}
	/* answers count from reveal_at (the question comes a lead earlier) */
	until = now_s() + 5;
	for (;;) {
		Quiz__V1__Envelope *x;

		wire_free(r);
		nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
		env.seq = 7;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
		env.answer = &a;
		peer_send(c1, &env);
		x = peer_wait(c1, QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK,
			      QUIZ__V1__ENVELOPE__BODY_ERROR, 3000);
		if (!x || now_s() > until)
			return 2;
		if (x->body_case == QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK) {
			wire_free(x);
			break;
		}
		r = x;
	}
	tally(host, &sh, 1000);
	tally(scr, &ss, 300);
	printf("screen: host saw %d Progress (%d with a distribution, %d "
	       "with a waiting list, answered up to %u); screen saw %d (%d, "
	       "%d, answered up to %u)\n",
	       sh.progress, sh.with_dist, sh.with_waiting, sh.max_answered,
	       ss.progress, ss.with_dist, ss.with_waiting, ss.max_answered);
	peer_close(host);
	peer_close(c1);
	peer_close(c2);
	peer_close(scr);
	return sh.with_dist && sh.with_waiting && ss.max_answered == 1 &&
		       !ss.with_dist && !ss.with_waiting
		   ? 0
		   : 1;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		goto usage;
	port = atoi(argv[1]);
	if (strcmp(argv[2], "guess") == 0 && (argc == 5 || argc == 6))
		return mode_guess(atoi(argv[3]), atof(argv[4]),
				  argc == 6 && strcmp(argv[5], "watch") == 0);
	if (strcmp(argv[2], "rooms") == 0 && (argc == 4 || argc == 5))
		return mode_rooms(atoi(argv[3]), argc == 5 ? argv[4] : NULL);
	if (strcmp(argv[2], "ghost") == 0 && argc == 6)
		return mode_ghost(atoi(argv[3]), atoi(argv[4]), argv[5]);
	if (strcmp(argv[2], "grace") == 0 && argc == 4)
		return mode_grace(atoi(argv[3]));
	if (strcmp(argv[2], "screen") == 0 && argc == 3)
		return mode_screen();
usage:
	fprintf(stderr,
		"usage: quiz-guard PORT guess NROOMS SECONDS [watch] | rooms "
		"N [KEY] | ghost CYCLES WAIT_S SRC | grace GRACE_S | screen\n");
	return 2;
}

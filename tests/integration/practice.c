/* Practice mode end to end (issue 11), a scripted client on tclient:
 *
 *   quiz-practice-test PORT BANK STATE first   a person practises; a second
 *       connection takes the token back; NAME_TAKEN, WRONG_PIN; hostile
 *       fields; a second member of the team; the team board. Writes what
 *       it expects to survive a restart into STATE.
 *   quiz-practice-test PORT BANK STATE again   after a restart of quizd on
 *       the same database: the same person, history, 错题本 and board.
 *   quiz-practice-test PORT BANK STATE locked  one more answer while
 *       another process holds the database's write lock: prints how long
 *       the PracticeResult took (it waits for the commit).
 *   quiz-practice-test PORT BANK STATE lost  with triggers that refuse
 *       the writes (practice.sh): a registration and an answer the store
 *       loses for good are answered with Error INTERNAL, never with a
 *       PracticeReady or a PracticeResult; the lost person leaves no
 *       trace (its connection practises no more, its name is not taken).
 *
 * BANK is the bank quizd imported (the client looks up the right answers
 * by item id). Prints "ok - ..." / "FAIL - ..." per check; exits 0 when
 * every check passed. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bank_csv.h"
#include "item.h"
#include "tclient.h"

#define WAIT_MS	 5000
#define NICK_A	 "练习者甲"
#define NICK_B	 "练习者乙"
#define NICK_C	 "练习者丙" /* practice.sh's trigger refuses this person */
#define TEAM	 "第一党支部"
#define BOOK_MAX 64

typedef Quiz__V1__Envelope Env;

struct peer {
	int fd;
	uint32_t seq;
	struct tc_reader rd;
};

static int port;
static struct bank *bank;

/* A new connection after its Welcome. */
static struct peer *peer_open(void)
{
	struct peer *p = calloc(1, sizeof(*p));
	Env env = QUIZ__V1__ENVELOPE__INIT, *w = NULL;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;

	if (!p)
		tc_die("out of memory");
	if ((p->fd = tc_dial(port, NULL)) < 0)
		tc_die("connect");
	tc_hello_env(&env, &h, "quiz-practice-test/1", NULL);
	env.seq = ++p->seq;
	if (tc_send_env(p->fd, &env) < 0 ||
	    tc_next(p->fd, &p->rd, WAIT_MS, &w) < 0 ||
	    w->body_case != QUIZ__V1__ENVELOPE__BODY_WELCOME)
		tc_die("no Welcome");
	wire_free(w);
	return p;
}

static void peer_close(struct peer *p)
{
	close(p->fd);
	free(p);
}

/* The next envelope that is not a Ping (answered), or NULL. */
static Env *peer_next(struct peer *p, int ms)
{
	for (;;) {
		Env *env;

		if (tc_next(p->fd, &p->rd, ms, &env) < 0)
			return NULL;
		if (env->body_case == QUIZ__V1__ENVELOPE__BODY_PING) {
			Env o = QUIZ__V1__ENVELOPE__INIT;
			Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;

			pong.t0 = env->ping->t0;
			pong.t1 = pong.t2 = (uint64_t)tc_now_us();
			o.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
			o.pong = &pong;
			(void)tc_send_env(p->fd, &o);
			wire_free(env);
			continue;
		}
		return env;
	}
}

/* Sends env with the next seq; returns its reply (an envelope with that
 * seq, or an Error naming it), or NULL. */
static Env *request(struct peer *p, Env *env)
{
	/* under quizd's 20 requests a second per connection */
	struct timespec pace = {.tv_sec = 0, .tv_nsec = 55000000};
	Env *r;

	nanosleep(&pace, NULL);
	env->seq = ++p->seq;
	if (tc_send_env(p->fd, env) < 0)
		return NULL;
	while ((r = peer_next(p, WAIT_MS))) {
		if (r->seq == env->seq ||
		    (r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR &&
		     r->error->ref_seq == env->seq))
			return r;
		wire_free(r);
	}
	return NULL;
}

/* Checks that r is an Error with code; frees r. */
static void want_error(Env *r, Quiz__V1__ErrorCode code, const char *what)
{
	tc_check(r && r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR &&
		     r->error->code == code,
		 "%s: Error %d (got %s %d)", what, (int)code,
		 r ? "body" : "nothing",
		 r ? (r->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR
			  ? (int)r->error->code
			  : -(int)r->body_case)
		   : 0);
	if (r)
		wire_free(r);
}

/* Returns r if it is of kind, else fails the check, frees r, NULL. */
static Env *want(Env *r, Quiz__V1__Envelope__BodyCase kind, const char *what)
{
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

/* A PracticeStart. */
struct start {
	const char *token, *nickname, *team, *category;
	int mode;
	uint32_t limit_ms, max_new;
	int kind; /* -1 none, else one kinds entry */
};

static Env *practice_start(struct peer *p, const struct start *s)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeStart m = QUIZ__V1__PRACTICE_START__INIT;
	Quiz__V1__QuestionKind k;

	m.person_token = (char *)(s->token ? s->token : "");
	m.nickname = (char *)(s->nickname ? s->nickname : "");
	m.team = (char *)(s->team ? s->team : "");
	m.category = (char *)(s->category ? s->category : "");
	m.mode = (Quiz__V1__PracticeMode)s->mode;
	m.time_limit_ms = s->limit_ms;
	m.max_new = s->max_new;
	if (s->kind >= 0) {
		k = (Quiz__V1__QuestionKind)s->kind;
		m.n_kinds = 1;
		m.kinds = &k;
	}
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_START;
	env.practice_start = &m;
	return request(p, &env);
}

static Env *practice_next(struct peer *p)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeNext m = QUIZ__V1__PRACTICE_NEXT__INIT;

	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_NEXT;
	env.practice_next = &m;
	return request(p, &env);
}

static Env *answer(struct peer *p, uint32_t q, const uint32_t *choices,
		   size_t n, const char *text)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Answer m = QUIZ__V1__ANSWER__INIT;

	m.question_index = q;
	m.n_choices = n;
	m.choices = (uint32_t *)choices;
	m.text = (char *)(text ? text : "");
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
	env.answer = &m;
	return request(p, &env);
}

static Env *stats(struct peer *p, bool team)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeStatsRequest m =
	    QUIZ__V1__PRACTICE_STATS_REQUEST__INIT;

	m.team = team;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS_REQUEST;
	env.practice_stats_request = &m;
	return request(p, &env);
}

/* Answers the question right (how = 'R'), wrong ('W') or not at all
 * ('E': no choice, no text); returns the reply. */
static Env *answer_as(struct peer *p, const Quiz__V1__PracticeQuestion *pq,
		      char how)
{
	const struct item *it = bank_find(bank, pq->item_id);
	const Quiz__V1__Question *q = pq->question;
	uint32_t ch[ITEM_MAX_OPTIONS];
	size_t i, j, n = 0;

	if (!it)
		tc_die("a question whose item the bank does not have");
	if (how == 'E')
		return answer(p, q->index, NULL, 0, NULL);
	if (it->kind == ITEM_FILL)
		return answer(p, q->index, NULL, 0,
			      how == 'R' ? it->fills[0] : "不是这个答案");
	for (i = 0; i < q->n_options; i++) {
		for (j = 0; j < it->n_options; j++)
			if (strcmp(q->options[i], it->options[j]) == 0)
				break;
		if (j == it->n_options)
			tc_die("an option the bank item does not have");
		if (((it->correct_mask >> j) & 1) == (how == 'R'))
			ch[n++] = (uint32_t)i;
	}
	/* wrong: one option that is not right (single, true/false), or one
	 * right option of several (multi) */
	if (how == 'W' && it->kind == ITEM_MULTI) {
		n = 0;
		for (i = 0; i < q->n_options && !n; i++)
			for (j = 0; j < it->n_options; j++)
				if (!strcmp(q->options[i], it->options[j]) &&
				    ((it->correct_mask >> j) & 1))
					ch[n++] = (uint32_t)i;
	}
	if (how == 'W')
		n = n ? 1 : 0;
	return answer(p, q->index, ch, n, NULL);
}

/* Wall clock µs. */
static int64_t wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* What the person has done, as the client counted it. */
struct tally {
	uint64_t right, wrong, seen;
	char book[BOOK_MAX][64]; /* items in the 错题本 */
	size_t nbook;
};

/* Keeps the book in step with one result on item id. */
static void book_note(struct tally *t, const char *id, bool in_review)
{
	size_t i;

	for (i = 0; i < t->nbook && strcmp(t->book[i], id); i++)
		;
	if (in_review && i == t->nbook && t->nbook < BOOK_MAX)
		snprintf(t->book[t->nbook++], sizeof(t->book[0]), "%s", id);
	if (!in_review && i < t->nbook)
		memmove(&t->book[i], &t->book[i + 1],
			(t->nbook - i - 1) * sizeof(t->book[0])),
		    t->nbook--;
}

static bool in_book(const struct tally *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->nbook; i++)
		if (!strcmp(t->book[i], id))
			return true;
	return false;
}

/* One question: Next, then an answer how; checks the result against the
 * rules. Returns the item id asked (static storage) or NULL. */
static const char *one(struct peer *p, struct tally *t, char how,
		       const char *what, Quiz__V1__PracticeWhy *why)
{
	static char id[64];
	Env *qe, *re;
	const Quiz__V1__PracticeQuestion *pq;
	const Quiz__V1__PracticeResult *r;
	bool right = how == 'R', was_seen;
	int64_t before;

	qe = want(practice_next(p), QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION,
		  what);
	if (!qe)
		return NULL;
	pq = qe->practice_question;
	snprintf(id, sizeof(id), "%s", pq->item_id);
	if (why)
		*why = pq->why;
	was_seen = pq->box != 0;
	before = wall_us();
	re = want(answer_as(p, pq, how),
		  QUIZ__V1__ENVELOPE__BODY_PRACTICE_RESULT, what);
	if (!re) {
		wire_free(qe);
		return NULL;
	}
	r = re->practice_result;
	tc_check(r->question_index == pq->question->index &&
		     r->correct == right && !r->timed_out,
		 "%s: %s result for q%u (correct %d, want %d)", what,
		 pq->item_id, r->question_index, r->correct, right);
	if (!right)
		tc_check(r->box == 1 && r->in_review &&
			     r->due_unix_us >= (uint64_t)before + 59000000 &&
			     r->due_unix_us <= (uint64_t)wall_us() + 61000000,
			 "%s: wrong: box 1 (%u), in the book, due in a minute",
			 what, r->box);
	else if (!was_seen)
		tc_check(r->box == 1 &&
			     r->due_unix_us >= (uint64_t)before + 599000000 &&
			     r->due_unix_us <= (uint64_t)wall_us() + 601000000,
			 "%s: new and right: box 1 (%u), due in ten minutes",
			 what, r->box);
	if (!was_seen)
		t->seen++;
	if (right)
		t->right++;
	else
		t->wrong++;
	book_note(t, pq->item_id, r->in_review);
	tc_check(r->review == t->nbook, "%s: the book holds %u (want %zu)",
		 what, r->review, t->nbook);
	/* a second answer to the same question, and one with nothing open */
	want_error(answer_as(p, pq, 'R'),
		   QUIZ__V1__ERROR_CODE__ALREADY_ANSWERED,
		   "a second answer to the same question");
	want_error(answer(p, pq->question->index + 1, NULL, 0, NULL),
		   QUIZ__V1__ERROR_CODE__BAD_STATE,
		   "an answer with no question open");
	wire_free(qe);
	wire_free(re);
	return id;
}

/* Checks a PersonProgress's whole-bank figures against the tally. */
static void check_progress(const Quiz__V1__PersonProgress *pp,
			   const struct tally *t, const char *what)
{
	tc_check(pp && pp->all && pp->persons == 1 &&
		     pp->all->seen == t->seen && pp->all->right == t->right &&
		     pp->all->wrong == t->wrong &&
		     pp->all->review == t->nbook &&
		     pp->all->items == (uint32_t)bank->n,
		 "%s: seen %" PRIu64 " right %" PRIu64 " wrong %" PRIu64
		 " review %" PRIu64 " (want %" PRIu64 " %" PRIu64 " %" PRIu64
		 " %zu)",
		 what, pp && pp->all ? pp->all->seen : 0,
		 pp && pp->all ? pp->all->right : 0,
		 pp && pp->all ? pp->all->wrong : 0,
		 pp && pp->all ? pp->all->review : 0, t->seen, t->right,
		 t->wrong, t->nbook);
}

/* The person's own board, checked. */
static void check_stats(struct peer *p, const struct tally *t, const char *what)
{
	Env *r = want(stats(p, false), QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS,
		      what);

	if (!r)
		return;
	check_progress(r->practice_stats->total, t, what);
	tc_check(r->practice_stats->total->n_categories > 0 &&
		     !strcmp(r->practice_stats->total->nickname, NICK_A),
		 "%s: per category, by name", what);
	wire_free(r);
}

/* The team board: two members, their sums. */
static void check_team(struct peer *p, const struct tally *a,
		       const struct tally *b, const char *what)
{
	Env *r =
	    want(stats(p, true), QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS, what);
	const Quiz__V1__PracticeStats *s;

	if (!r)
		return;
	s = r->practice_stats;
	tc_check(s->total && s->total->persons == 2 && s->total->all &&
		     s->total->all->right == a->right + b->right &&
		     s->total->all->wrong == a->wrong + b->wrong &&
		     s->total->all->items == (uint32_t)bank->n &&
		     !strcmp(s->total->team, TEAM),
		 "%s: the team sums two members", what);
	tc_check(s->n_members == 2 &&
		     !strcmp(s->members[0]->nickname, NICK_A) &&
		     !strcmp(s->members[1]->nickname, NICK_B) &&
		     s->members[0]->all->right == a->right &&
		     s->members[1]->all->right == b->right,
		 "%s: members, most answers first", what);
	wire_free(r);
}

/* Hostile and refused starts on a fresh connection. */
static void hostile(void)
{
	struct peer *c = peer_open();
	struct start s = {.nickname = NICK_A, .team = TEAM, .kind = -1};
	char longtok[80], longnick[40];
	uint32_t bad_choice = 9;

	want_error(practice_next(c), QUIZ__V1__ERROR_CODE__BAD_STATE,
		   "PracticeNext before PracticeStart");
	want_error(stats(c, false), QUIZ__V1__ERROR_CODE__BAD_STATE,
		   "PracticeStatsRequest before PracticeStart");
	want_error(answer(c, 0, NULL, 0, NULL), QUIZ__V1__ERROR_CODE__BAD_STATE,
		   "an Answer before PracticeStart");
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__NAME_TAKEN,
		   "a new person with a taken nickname and team");
	s.token = "0123456789abcdef0123456789abcdef";
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__WRONG_PIN,
		   "an unknown token");
	memset(longtok, 'a', 65);
	longtok[65] = '\0';
	s.token = longtok;
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		   "a token of 65 bytes");
	s.token = NULL;
	memset(longnick, 'n', 33);
	longnick[33] = '\0';
	s.nickname = longnick;
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		   "a nickname of 33 bytes");
	s.nickname = "";
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		   "a new person without a nickname");
	s.nickname = "bad\x01name";
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		   "a control character in the nickname");
	s.nickname = NICK_B;
	s.kind = 7;
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		   "kinds [7]");
	s.kind = -1;
	s.mode = 9;
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		   "mode 9");
	s.mode = 0;
	s.limit_ms = 2999;
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		   "time_limit_ms 2999");
	s.limit_ms = 300001;
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		   "time_limit_ms 300001");
	s.limit_ms = 0;
	s.max_new = 1001;
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		   "max_new 1001");
	s.max_new = 0;
	want_error(answer(c, 0, &bad_choice, 1, NULL),
		   QUIZ__V1__ERROR_CODE__BAD_MESSAGE,
		   "an Answer with choice 9");
	/* the connection still works */
	want_error(practice_next(c), QUIZ__V1__ERROR_CODE__BAD_STATE,
		   "the connection survives the refusals");
	peer_close(c);
}

/* Checks a PracticeReady; returns it (or dies). */
static Env *ready(Env *r, bool created, uint64_t pid, const char *nick,
		  const char *what)
{
	const Quiz__V1__PracticeReady *m;

	if (!(r = want(r, QUIZ__V1__ENVELOPE__BODY_PRACTICE_READY, what)))
		tc_die(what);
	m = r->practice_ready;
	tc_check(m->created == created && (!pid || m->person_id == pid) &&
		     m->person_id > 0 && strlen(m->person_token) == 32 &&
		     !strcmp(m->nickname, nick) && !strcmp(m->team, TEAM) &&
		     m->sitting > 0 && m->items == (uint32_t)bank->n &&
		     m->n_categories > 0,
		 "%s: PracticeReady (created %d, person %" PRIu64 ")", what,
		 m->created, m->person_id);
	return r;
}

/* The timer: a 3 s question answered after 3.5 s is wrong, timed out. */
static void timed_out(struct peer *a, struct tally *t)
{
	struct start s = {.limit_ms = 3000, .kind = -1};
	Env *qe, *re;
	const Quiz__V1__PracticeQuestion *pq;
	bool was_new;

	wire_free(ready(practice_start(a, &s), false, 0, NICK_A,
			"a sitting with a 3 s timer"));
	qe = want(practice_next(a), QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION,
		  "a timed question");
	if (!qe)
		return;
	pq = qe->practice_question;
	was_new = pq->box == 0;
	tc_check(pq->question->time_limit_ms == 3000 &&
		     pq->question->deadline_at_us ==
			 pq->question->reveal_at_us + 3000000,
		 "a timed question: its deadline 3 s after it was sent");
	{
		struct timespec ts = {.tv_sec = 3, .tv_nsec = 500000000};

		nanosleep(&ts, NULL);
	}
	re = want(answer_as(a, pq, 'R'),
		  QUIZ__V1__ENVELOPE__BODY_PRACTICE_RESULT, "a late answer");
	if (re) {
		tc_check(re->practice_result->timed_out &&
			     !re->practice_result->correct &&
			     re->practice_result->in_review,
			 "a right answer after the deadline: wrong, timed out, "
			 "in the book");
		t->wrong++;
		t->seen += was_new;
		book_note(t, pq->item_id, true);
		wire_free(re);
	}
	wire_free(qe);
}

static void join_refused(struct peer *c)
{
	Env env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;

	j.code = "ABCD-EFGH";
	j.nickname = NICK_B;
	j.team = TEAM;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	want_error(request(c, &env), QUIZ__V1__ERROR_CODE__BAD_STATE,
		   "JoinRoom on a practising connection");
}

static int run_first(const char *path)
{
	struct peer *a = peer_open(), *b, *c;
	struct tally ta, tb;
	struct start s = {.nickname = NICK_A, .team = TEAM, .kind = -1};
	struct start rv = {.mode = 1, .kind = -1};
	const char *plan = "RWRERR", *id;
	char token[64], wid[64] = "", eid[64] = "";
	Quiz__V1__PracticeWhy why;
	uint64_t pid;
	Env *r, *q1, *q2;
	FILE *f;
	size_t i;

	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	r = ready(practice_start(a, &s), true, 0, NICK_A, "a new person");
	tc_check(r->practice_ready->fresh == (uint32_t)bank->n &&
		     r->practice_ready->due == 0 &&
		     r->practice_ready->review == 0,
		 "a new person: every item new, nothing due, an empty book");
	snprintf(token, sizeof(token), "%s", r->practice_ready->person_token);
	pid = r->practice_ready->person_id;
	wire_free(r);

	/* a PracticeNext while a question is open sends it again */
	q1 = want(practice_next(a), QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION,
		  "the first question");
	q2 = want(practice_next(a), QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION,
		  "the first question again");
	if (!q1 || !q2)
		tc_die("no first question");
	tc_check(q1->practice_question->question->index == 0 &&
		     q2->practice_question->question->index == 0 &&
		     !strcmp(q1->practice_question->item_id,
			     q2->practice_question->item_id) &&
		     q1->practice_question->why ==
			 QUIZ__V1__PRACTICE_WHY__WHY_NEW &&
		     q1->practice_question->question->count == 0 &&
		     q1->practice_question->question->deadline_at_us == 0,
		 "an open question is sent again, the same");
	wire_free(q1);
	wire_free(q2);

	for (i = 0; plan[i]; i++) {
		char what[64];

		snprintf(what, sizeof(what), "answer %zu (%c)", i, plan[i]);
		if (!(id = one(a, &ta, plan[i], what, NULL)))
			tc_die(what);
		if (plan[i] == 'W')
			snprintf(wid, sizeof(wid), "%s", id);
		if (plan[i] == 'E')
			snprintf(eid, sizeof(eid), "%s", id);
	}
	tc_check(ta.nbook == 2 && in_book(&ta, wid) && in_book(&ta, eid),
		 "the wrong and the empty answer are in the book");
	check_stats(a, &ta, "the own board after six answers");

	/* review mode asks only the book, the longest ago first; two right
	 * answers in a row clear an item */
	r = ready(practice_start(a, &rv), false, pid, NICK_A, "review mode");
	tc_check(r->practice_ready->review == 2 &&
		     !strcmp(r->practice_ready->person_token, token),
		 "review mode: the book holds 2, the same token");
	wire_free(r);
	id = one(a, &ta, 'R', "review 1", &why);
	tc_check(id && !strcmp(id, wid) &&
		     why == QUIZ__V1__PRACTICE_WHY__WHY_REVIEW,
		 "review 1 asks the wrong answer's item");
	id = one(a, &ta, 'R', "review 2", &why);
	tc_check(id && !strcmp(id, eid), "review 2 asks the empty answer's");
	id = one(a, &ta, 'R', "review 3", &why);
	tc_check(id && !strcmp(id, wid) && ta.nbook == 1 && in_book(&ta, eid),
		 "review 3: the first item again, two right: out of the book");

	timed_out(a, &ta);
	check_stats(a, &ta, "the own board");

	/* the token on a second connection: the same person and history */
	b = peer_open();
	s.token = token;
	r = ready(practice_start(b, &s), false, pid, NICK_A,
		  "the token on a second connection");
	tc_check(r->practice_ready->review == ta.nbook &&
		     r->practice_ready->fresh == bank->n - ta.seen,
		 "the second connection sees the same book and history");
	wire_free(r);
	check_stats(b, &ta, "the board on the second connection");
	peer_close(b);

	hostile();

	/* a second member of the team */
	c = peer_open();
	s.token = NULL;
	s.nickname = NICK_B;
	r = ready(practice_start(c, &s), true, 0, NICK_B, "a second member");
	tc_check(r->practice_ready->person_id != pid, "another person");
	wire_free(r);
	join_refused(c);
	one(c, &tb, 'R', "member 2, answer 1", NULL);
	one(c, &tb, 'W', "member 2, answer 2", NULL);
	check_team(c, &ta, &tb, "the team board");
	peer_close(c);
	peer_close(a);

	if (!(f = fopen(path, "w")))
		tc_die("cannot write the state file");
	fprintf(f,
		"%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		" %" PRIu64 " %" PRIu64 " %zu\n",
		token, pid, ta.seen, ta.right, ta.wrong, tb.seen, tb.right,
		tb.wrong, ta.nbook);
	for (i = 0; i < ta.nbook; i++)
		fprintf(f, "%s\n", ta.book[i]);
	fclose(f);
	return 0;
}

static int run_again(const char *path)
{
	struct peer *a, *c;
	struct tally ta, tb;
	struct start s = {.kind = -1}, rv = {.mode = 1, .kind = -1};
	char token[64];
	uint64_t pid;
	Quiz__V1__PracticeWhy why;
	const char *id;
	Env *r;
	FILE *f;
	size_t i, n;

	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	if (!(f = fopen(path, "r")) ||
	    fscanf(f,
		   "%63s %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %zu",
		   token, &pid, &ta.seen, &ta.right, &ta.wrong, &tb.seen,
		   &tb.right, &tb.wrong, &n) != 9 ||
	    n > BOOK_MAX)
		tc_die("cannot read the state file");
	for (i = 0; i < n; i++)
		if (fscanf(f, "%63s", ta.book[i]) != 1)
			tc_die("cannot read the book");
	ta.nbook = n;
	fclose(f);

	a = peer_open();
	s.token = token;
	r = ready(practice_start(a, &s), false, pid, NICK_A,
		  "the token after a restart");
	tc_check(r->practice_ready->review == ta.nbook &&
		     r->practice_ready->fresh == bank->n - ta.seen,
		 "after the restart: the same book (%u) and history",
		 r->practice_ready->review);
	wire_free(r);
	check_stats(a, &ta, "the own board after the restart");
	check_team(a, &ta, &tb, "the team board after the restart");
	r = ready(practice_start(a, &rv), false, pid, NICK_A,
		  "review mode after the restart");
	wire_free(r);
	id = one(a, &ta, 'W', "review after the restart", &why);
	tc_check(id && in_book(&ta, id) &&
		     why == QUIZ__V1__PRACTICE_WHY__WHY_REVIEW,
		 "review after the restart asks a book item");
	peer_close(a);

	c = peer_open();
	s.token = NULL;
	s.nickname = NICK_B;
	s.team = TEAM;
	want_error(practice_start(c, &s), QUIZ__V1__ERROR_CODE__NAME_TAKEN,
		   "a taken name after the restart");
	peer_close(c);
	return 0;
}

/* With the database locked by another process: the PracticeResult waits
 * for the commit. Prints "result after MS ms". */
static int run_locked(const char *path)
{
	struct start s = {.kind = -1};
	struct peer *a;
	char token[64];
	Env *qe, *re;
	int64_t t0;
	FILE *f;

	if (!(f = fopen(path, "r")) || fscanf(f, "%63s", token) != 1)
		tc_die("cannot read the state file");
	fclose(f);
	/* a connection that answers and closes before the commit: its
	 * reply must be dropped, the connection never touched again */
	a = peer_open();
	s.token = token;
	wire_free(ready(practice_start(a, &s), false, 0, NICK_A,
			"a connection that will not wait"));
	qe = want(practice_next(a), QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION,
		  "a question for the connection that will not wait");
	if (!qe)
		tc_die("no question");
	{
		Env env = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__Answer m = QUIZ__V1__ANSWER__INIT;

		m.question_index = qe->practice_question->question->index;
		m.text = "";
		env.seq = ++a->seq;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
		env.answer = &m;
		if (tc_send_env(a->fd, &env) < 0)
			tc_die("send");
	}
	wire_free(qe);
	peer_close(a);

	a = peer_open();
	wire_free(ready(practice_start(a, &s), false, 0, NICK_A,
			"the token, the database locked"));
	qe = want(practice_next(a), QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION,
		  "a question, the database locked");
	if (!qe)
		tc_die("no question");
	t0 = tc_now_ms();
	re = want(answer_as(a, qe->practice_question, 'R'),
		  QUIZ__V1__ENVELOPE__BODY_PRACTICE_RESULT,
		  "a result once the lock is gone");
	if (re) {
		tc_check(re->practice_result->correct,
			 "the answer committed late is right");
		printf("result after %lld ms\n", (long long)(tc_now_ms() - t0));
		wire_free(re);
	}
	wire_free(qe);
	peer_close(a);
	return 0;
}

/* With triggers refusing NICK_C's persons row and the answers of the
 * person in STATE: both writes are lost for good, and the client is told
 * so (Error INTERNAL) instead of being told they are saved. */
static int run_lost(const char *path)
{
	struct start s = {.kind = -1};
	struct peer *a;
	char token[64];
	Env *qe;
	FILE *f;

	if (!(f = fopen(path, "r")) || fscanf(f, "%63s", token) != 1)
		tc_die("cannot read the state file");
	fclose(f);
	a = peer_open();
	s.nickname = NICK_C;
	s.team = TEAM;
	want_error(practice_start(a, &s), QUIZ__V1__ERROR_CODE__INTERNAL,
		   "a registration the store lost");
	/* never registered: the connection practises no more, and the
	 * name is not taken by a person that does not exist */
	want_error(practice_next(a), QUIZ__V1__ERROR_CODE__BAD_STATE,
		   "a question after the registration was lost");
	peer_close(a);
	a = peer_open();
	want_error(practice_start(a, &s), QUIZ__V1__ERROR_CODE__INTERNAL,
		   "the lost registration tried again (not NAME_TAKEN)");
	peer_close(a);

	a = peer_open();
	memset(&s, 0, sizeof(s));
	s.kind = -1;
	s.token = token;
	wire_free(ready(practice_start(a, &s), false, 0, NICK_A,
			"the token, answers refused by the store"));
	qe = want(practice_next(a), QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION,
		  "a question, answers refused by the store");
	if (!qe)
		tc_die("no question");
	want_error(answer_as(a, qe->practice_question, 'R'),
		   QUIZ__V1__ERROR_CODE__INTERNAL, "an answer the store lost");
	wire_free(qe);
	peer_close(a);
	return 0;
}

int main(int argc, char **argv)
{
	struct bank_errors errs;

	if (argc != 5) {
		fprintf(stderr, "usage: quiz-practice-test PORT BANK STATE "
				"first|again|locked|lost\n");
		return 2;
	}
	port = atoi(argv[1]);
	memset(&errs, 0, sizeof(errs));
	bank = bank_new();
	if (!bank || bank_csv_load_path(argv[2], bank, &errs) < 0)
		tc_die("cannot load the bank");
	bank_errors_clear(&errs);
	if (!strcmp(argv[4], "first"))
		run_first(argv[3]);
	else if (!strcmp(argv[4], "again"))
		run_again(argv[3]);
	else if (!strcmp(argv[4], "locked"))
		run_locked(argv[3]);
	else if (!strcmp(argv[4], "lost"))
		run_lost(argv[3]);
	else
		tc_die("mode: first, again, locked or lost");
	bank_free(bank);
	printf("%s: %d failure(s)\n", argv[4], tc_failures);
	return tc_failures ? 1 : 0;
}

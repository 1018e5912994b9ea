/* quiz-bench --practice N: N practising clients (docs/PRACTICE.md,
 * docs/PROTOCOL.md "Practice") alongside the live match of the same run.
 * Each connects, sends PracticeStart as a new person (a nickname unique
 * to the run), then loops PracticeNext -> PracticeQuestion -> Answer
 * (after a think time; right with probability --accuracy when the bank
 * knows the item, else a random choice) -> PracticeResult. A PracticeWait
 * starts a sitting in the other mode (schedule <-> review, the 错题本); two
 * sittings in a row with nothing to ask make the client sleep until the
 * next item falls due (at most 5 s) and start a schedule sitting again.
 *
 * They run in a thread of their own with its own libuv loop, so the live
 * contestants' loop (whose receive times are the fan-out figures) does not
 * also work through the practising sockets; the two loops share the
 * machine's cores as any two processes would. The practice thread reads
 * b->o and b->bank only (both fixed before it starts); it tells the main
 * loop through an async handle once every client has had its first
 * PracticeReady (or failed), and the host waits for that before START, so
 * the whole match runs under the practice load. The main loop's stop
 * (the match over, or the timeout) stops the practising clients: those
 * waiting for a reply get BENCH_PRACTICE_DRAIN_MS to receive it. */
#define _GNU_SOURCE /* RUSAGE_THREAD: the practice thread's CPU time */
#include "bench_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "bench_stats.h"
#include "draw.h"
#include "errors.h"
#include "item.h"
#include "qconn.h"

#define BENCH_PRACTICE_DRAIN_MS 5000 /* replies awaited after the stop */
#define BENCH_PRACTICE_SLEEP_MS 5000 /* longest sleep on nothing to ask */
#define BENCH_PRACTICE_ERRS	20   /* errors before a client gives up */

/* Where one practising client is. */
enum pc_state {
	PC_IDLE,
	PC_CONNECTING, /* connect, Hello, Welcome */
	PC_STARTING,   /* PracticeStart sent */
	PC_ASKING,     /* PracticeNext sent */
	PC_THINKING,   /* a question in hand, the think timer running */
	PC_ANSWERED,   /* Answer sent, no PracticeResult yet */
	PC_SLEEPING,   /* nothing to ask: timer, then PracticeStart */
	PC_GONE
};

struct pclient {
	struct bench_practice *pr;
	struct qconn *c;
	unsigned idx;
	enum pc_state state;
	uv_timer_t timer;
	int timer_live;
	int ready;	     /* had its first PracticeReady */
	int mode;	     /* quiz.v1.PracticeMode of the sitting */
	unsigned asked;	     /* questions in this sitting */
	unsigned empty;	     /* sittings in a row that asked nothing */
	unsigned errs;	     /* errors on this client */
	uint64_t sent_local; /* the pending request went out (local) */
	uint32_t req_seq;    /* its seq */
	uint32_t qindex;     /* Question.index of the question in hand */
	int want;	     /* 1 right, 0 wrong, -1 unknown */
	uint32_t pick;	     /* choices as bits */
	const char *text;    /* FILL answer, or NULL */
	uint64_t person_id;  /* PracticeReady.person_id */
};

struct bench_practice {
	struct bench *b; /* b->o and b->bank only */
	uv_loop_t loop;
	uv_thread_t thread;
	int thread_live;
	uv_async_t stop_async;
	uv_timer_t ramp_timer, drain_timer;
	int drain_live;
	struct pclient *cl;
	unsigned n, next, inflight, up, gone;
	int stopping, told_up;
	uint64_t rng;
	char run[16];
	/* figures */
	uint64_t t_first, t_stop; /* first Answer sent, the stop (local) */
	uint64_t ready, created, sittings, review_sittings, questions;
	uint64_t sent, results, correct, resent, waits, waits_empty, sleeps;
	uint64_t why[3];
	uint64_t errors_total, errors[BENCH_NCODES]; /* Error received */
	uint64_t local_errors, unexpected; /* ours; unexpected: of them */
	uint64_t conn_failed, dropped, lost, mm_correct, mm_index, mm_ready;
	int64_t *rt, *next_rt; /* Answer -> Result, Next -> Question (us) */
	size_t n_rt, cap_rt, n_next, cap_next;
	double cpu_s; /* the practice thread's CPU time (RUSAGE_THREAD) */
};

/* Uniform in [0, 1) from the practice thread's own stream. */
static double prng_unit(uint64_t *s)
{
	return (double)(draw_rand(s) >> 11) / 9007199254740992.0;
}

/* Appends one sample to a growing array; a failed allocation drops it
 * (counted nowhere: the figures then have fewer samples, never wrong
 * ones). */
static void sample_add(int64_t **v, size_t *n, size_t *cap, int64_t x)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4096;
		int64_t *nv = realloc(*v, nc * sizeof(**v));

		if (!nv)
			return;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = x;
}

static void pc_close(struct pclient *p);

/* Counts an error on client p: an Error received (its wire code) or,
 * with code -1, one the bench found; a client with too many gives up. */
static void pc_error(struct pclient *p, int code, const char *what)
{
	struct bench_practice *pr = p->pr;

	if (code < 0) {
		pr->local_errors++;
	} else {
		pr->errors_total++;
		pr->errors[code < BENCH_NCODES ? code : 0]++;
	}
	if (pr->errors_total + pr->local_errors <= BENCH_MAX_EXAMPLES)
		fprintf(stderr, "quiz-bench: practice-%u: %s\n", p->idx, what);
	if (++p->errs >= BENCH_PRACTICE_ERRS)
		pc_close(p);
}

/* Sends env on p's connection as its pending request. */
static int pc_send(struct pclient *p, Quiz__V1__Envelope *env,
		   enum pc_state next)
{
	uint64_t now = qconn_now_us();
	int64_t seq;

	if (!p->c || qconn_closing(p->c))
		return -EPIPE;
	seq = qconn_send(p->c, env);
	if (seq < 0) {
		pc_error(p, -1, "cannot send");
		pc_close(p);
		return (int)seq;
	}
	p->req_seq = (uint32_t)seq;
	p->sent_local = now;
	p->state = next;
	return 0;
}

/* Starts a sitting in mode (the first one registers a new person). */
static void pc_start(struct pclient *p, int mode)
{
	struct bench_practice *pr = p->pr;
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeStart ps = QUIZ__V1__PRACTICE_START__INIT;
	char nick[40], team[24];

	snprintf(nick, sizeof(nick), "p%s-%u", pr->run, p->idx);
	snprintf(team, sizeof(team), "practice-%u", p->idx % 10);
	ps.nickname = nick;
	ps.team = team;
	ps.mode = (Quiz__V1__PracticeMode)mode;
	p->mode = mode;
	p->asked = 0;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_START;
	env.practice_start = &ps;
	pc_send(p, &env, PC_STARTING);
}

/* Asks for the next item. */
static void pc_next(struct pclient *p)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeNext pn = QUIZ__V1__PRACTICE_NEXT__INIT;

	if (p->pr->stopping) {
		pc_close(p);
		return;
	}
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_NEXT;
	env.practice_next = &pn;
	pc_send(p, &env, PC_ASKING);
}

/* Sends the answer chosen for the question in hand. */
static void pc_answer(struct pclient *p)
{
	struct bench_practice *pr = p->pr;
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Answer ans = QUIZ__V1__ANSWER__INIT;
	uint32_t choices[32];
	size_t n = 0;
	unsigned i;

	for (i = 0; i < 32; i++)
		if (p->pick & (1u << i))
			choices[n++] = i;
	ans.question_index = p->qindex;
	ans.choices = choices;
	ans.n_choices = n;
	ans.text = (char *)(p->text ? p->text : "");
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
	env.answer = &ans;
	if (pc_send(p, &env, PC_ANSWERED) < 0)
		return;
	pr->sent++;
	if (!pr->t_first)
		pr->t_first = p->sent_local;
}

/* The think time (or a sleep) is over. */
static void pc_on_timer(uv_timer_t *t)
{
	struct pclient *p = t->data;

	if (!p->c || qconn_closing(p->c) || p->pr->stopping)
		return;
	if (p->state == PC_THINKING)
		pc_answer(p);
	else if (p->state == PC_SLEEPING)
		pc_start(p, 0);
}

/* The correct options of item it in the order the question shows them
 * (by text; true/false by position when the texts are not the item's).
 * Returns the mask, 0 when unknown. */
static uint32_t item_mask(const struct item *it, const Quiz__V1__Question *m)
{
	uint32_t mask = 0;
	size_t k;
	unsigned j;

	for (k = 0; k < m->n_options && k < 32; k++) {
		for (j = 0; j < it->n_options; j++)
			if (it->options[j] &&
			    !strcmp(it->options[j], m->options[k]))
				break;
		if (j == it->n_options) {
			/* 正确/错误 not spelled out in the item: by position
			 * (as client/bench.c's bq_resolve) */
			if (m->kind == QUIZ__V1__QUESTION_KIND__TRUE_FALSE)
				return it->correct_mask;
			return 0;
		}
		if (it->correct_mask & (1u << j))
			mask |= 1u << k;
	}
	return m->n_options > 32 ? 0 : mask;
}

/* The bank item with this id (else this stem), or NULL. */
static const struct item *pc_item(const struct bench_practice *pr,
				  const char *id, const char *stem)
{
	const struct bank *bk = pr->b->bank;
	size_t i;

	if (!bk)
		return NULL;
	for (i = 0; i < bk->n; i++)
		if (bk->items[i].id && id && !strcmp(bk->items[i].id, id))
			return &bk->items[i];
	for (i = 0; i < bk->n; i++)
		if (bk->items[i].stem && stem &&
		    !strcmp(bk->items[i].stem, stem))
			return &bk->items[i];
	return NULL;
}

/* Chooses the answer to question m: right with probability --accuracy
 * when the item is known, else a random choice (FILL: "x"). */
static void pc_choose(struct pclient *p, const Quiz__V1__Question *m,
		      const struct item *it)
{
	struct bench_practice *pr = p->pr;
	unsigned n = m->n_options < 32 ? (unsigned)m->n_options : 32, i, k;
	uint32_t mask = it ? item_mask(it, m) : 0, all, pick = 0;

	p->want = -1;
	p->pick = 0;
	p->text = NULL;
	if (m->kind == QUIZ__V1__QUESTION_KIND__FILL) {
		if (it && it->n_fills &&
		    prng_unit(&pr->rng) < pr->b->o.accuracy) {
			p->text = it->fills[0];
			p->want = 1;
		} else {
			p->text = "x";
		}
		return;
	}
	if (n == 0) {
		p->text = ""; /* "I don't know" */
		return;
	}
	all = n == 32 ? 0xffffffffu : (1u << n) - 1;
	if (mask)
		p->want = prng_unit(&pr->rng) < pr->b->o.accuracy;
	if (p->want == 1) {
		if (m->kind == QUIZ__V1__QUESTION_KIND__MULTI) {
			p->pick = mask;
		} else {
			for (i = 0; i < n && !(mask & (1u << i)); i++)
				;
			p->pick = 1u << i;
		}
		return;
	}
	for (k = 0; k < 16; k++) {
		if (m->kind == QUIZ__V1__QUESTION_KIND__MULTI)
			pick = (uint32_t)draw_rand(&pr->rng) & all;
		else
			pick = 1u << (unsigned)(draw_rand(&pr->rng) % n);
		if (pick && (p->want != 0 || pick != mask))
			break;
	}
	if (!pick || (p->want == 0 && pick == mask)) {
		pick = 1;
		p->want = -1;
	}
	p->pick = pick;
}

/* A PracticeQuestion: choose, then think. */
static void pc_question(struct pclient *p, const Quiz__V1__PracticeQuestion *m,
			uint64_t recv)
{
	struct bench_practice *pr = p->pr;
	const struct bench_opts *o = &pr->b->o;
	uint64_t think;

	if (p->state != PC_ASKING || !m->question) {
		pr->unexpected++;
		pc_error(p, -1, "PracticeQuestion not asked for");
		return;
	}
	sample_add(&pr->next_rt, &pr->n_next, &pr->cap_next,
		   (int64_t)(recv - p->sent_local));
	pr->questions++;
	if (m->why < 3)
		pr->why[m->why]++;
	p->asked++;
	p->qindex = m->question->index;
	pc_choose(p, m->question, pc_item(pr, m->item_id, m->question->stem));
	think = o->practice_think_min;
	if (o->practice_think_max > o->practice_think_min)
		think += draw_rand(&pr->rng) %
			 (o->practice_think_max - o->practice_think_min + 1);
	p->state = PC_THINKING;
	if (pr->stopping) {
		pc_close(p);
		return;
	}
	uv_timer_start(&p->timer, pc_on_timer, think, 0);
}

/* A PracticeResult: check it, then ask for the next item. */
static void pc_result(struct pclient *p, const Quiz__V1__PracticeResult *m,
		      uint64_t recv)
{
	struct bench_practice *pr = p->pr;

	if (p->state != PC_ANSWERED) {
		pr->unexpected++;
		pc_error(p, -1, "PracticeResult with no answer pending");
		return;
	}
	sample_add(&pr->rt, &pr->n_rt, &pr->cap_rt,
		   (int64_t)(recv - p->sent_local));
	pr->results++;
	pr->correct += m->correct != 0;
	if (m->question_index != p->qindex) {
		pr->mm_index++;
		if (pr->mm_index <= BENCH_MAX_EXAMPLES)
			fprintf(stderr,
				"quiz-bench: practice-%u: result for "
				"question %u, answered %u\n",
				p->idx, m->question_index, p->qindex);
	}
	if (p->want >= 0 && (int)m->correct != p->want && !m->timed_out) {
		pr->mm_correct++;
		if (pr->mm_correct <= BENCH_MAX_EXAMPLES)
			fprintf(stderr,
				"quiz-bench: practice-%u: answered %s by the "
				"bank, server says %s\n",
				p->idx, p->want ? "right" : "wrong",
				m->correct ? "correct" : "wrong");
	}
	pc_next(p);
}

/* A PracticeWait: the other mode, or a sleep when two sittings in a row
 * had nothing to ask. */
static void pc_wait(struct pclient *p, const Quiz__V1__PracticeWait *m)
{
	struct bench_practice *pr = p->pr;
	uint64_t ms = BENCH_PRACTICE_SLEEP_MS;
	struct timespec ts;

	if (p->state != PC_ASKING) {
		pr->unexpected++;
		pc_error(p, -1, "PracticeWait not asked for");
		return;
	}
	pr->waits++;
	pr->waits_empty += m->empty != 0;
	if (pr->stopping) {
		pc_close(p);
		return;
	}
	p->empty = p->asked ? 0 : p->empty + 1;
	if (p->empty < 2) {
		pc_start(p, !p->mode);
		return;
	}
	p->empty = 0;
	pr->sleeps++;
	if (m->next_due_unix_us && clock_gettime(CLOCK_REALTIME, &ts) == 0) {
		uint64_t now = (uint64_t)ts.tv_sec * 1000000u +
			       (uint64_t)ts.tv_nsec / 1000u;

		if (m->next_due_unix_us > now &&
		    (m->next_due_unix_us - now) / 1000 < ms)
			ms = (m->next_due_unix_us - now) / 1000 + 1;
		else if (m->next_due_unix_us <= now)
			ms = 1;
	}
	p->state = PC_SLEEPING;
	uv_timer_start(&p->timer, pc_on_timer, ms, 0);
}

/* Tells the main loop once every client has started (or failed). */
static void pr_maybe_up(struct bench_practice *pr)
{
	struct bench *b = pr->b;

	if (pr->told_up || pr->next < pr->n || pr->up + pr->gone < pr->n)
		return;
	pr->told_up = 1;
	uv_mutex_lock(&b->practice_mu);
	if (!b->practice_async_closed)
		uv_async_send(&b->practice_async);
	uv_mutex_unlock(&b->practice_mu);
}

/* A PracticeReady: the first registers the person; then ask. */
static void pc_ready(struct pclient *p, const Quiz__V1__PracticeReady *m)
{
	struct bench_practice *pr = p->pr;

	if (p->state != PC_STARTING) {
		pr->unexpected++;
		pc_error(p, -1, "PracticeReady not asked for");
		return;
	}
	pr->sittings++;
	pr->review_sittings += p->mode == 1;
	if (!p->ready) {
		p->ready = 1;
		pr->ready++;
		pr->created += m->created != 0;
		p->person_id = m->person_id;
		if (!m->created || !m->person_token || !*m->person_token) {
			pr->mm_ready++;
			pc_error(p, -1, "first PracticeReady: no new person");
		}
		pr->inflight--;
		pr->up++;
		pr_maybe_up(pr);
	} else if (m->person_id != p->person_id || m->created) {
		pr->mm_ready++;
		pc_error(p, -1, "PracticeReady: another person");
	}
	if (p->c)
		pc_next(p);
}

/* An Error: counted; a refused Answer for want of storage is sent again,
 * anything else asks for the next item (or ends a client not started). */
static void pc_refused(struct pclient *p, const Quiz__V1__Error *e)
{
	char what[160];
	unsigned code = (unsigned)e->code;

	snprintf(what, sizeof(what), "Error %s (ref %u): %.100s",
		 quiz_error_name((int)code + QE_BASE), e->ref_seq,
		 e->message ? e->message : "");
	pc_error(p, (int)code, what);
	if (!p->c || qconn_closing(p->c))
		return;
	if (p->state == PC_STARTING && !p->ready) {
		pc_close(p);
	} else if (p->state == PC_ANSWERED && e->ref_seq == p->req_seq &&
		   code == QE_STORAGE_UNAVAILABLE - QE_BASE) {
		p->pr->resent++;
		pc_answer(p);
	} else if (p->state == PC_STARTING || p->state == PC_ASKING ||
		   p->state == PC_ANSWERED) {
		pc_next(p);
	}
}

/* Every message on a practising connection (Ping/Pong are qconn's). */
static void pc_on_message(struct qconn *c, const Quiz__V1__Envelope *env,
			  uint64_t recv)
{
	struct pclient *p = qconn_data(c);

	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		if (p->state == PC_CONNECTING)
			pc_start(p, 0);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_READY:
		pc_ready(p, env->practice_ready);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION:
		pc_question(p, env->practice_question, recv);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_RESULT:
		pc_result(p, env->practice_result, recv);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_WAIT:
		pc_wait(p, env->practice_wait);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		pc_refused(p, env->error);
		break;
	default:
		p->pr->unexpected++;
		pc_error(p, -1, "unexpected message");
		break;
	}
}

/* A connection closed: a failure before its first PracticeReady (unless
 * stopping), a drop when the server closed it, a reply lost when the
 * drain closed it with a request out. */
static void pc_on_close(struct qconn *c, int reason)
{
	struct pclient *p = qconn_data(c);
	struct bench_practice *pr = p->pr;

	p->c = NULL;
	if (p->timer_live) {
		p->timer_live = 0;
		uv_close((uv_handle_t *)&p->timer, NULL);
	}
	if (!p->ready) {
		pr->inflight--;
		if (!pr->stopping) {
			pr->conn_failed++;
			if (pr->conn_failed <= BENCH_MAX_EXAMPLES)
				fprintf(stderr,
					"quiz-bench: practice-%u: closed "
					"before PracticeReady (%s)\n",
					p->idx,
					reason <= -QE_BASE
					    ? quiz_error_text(reason)
					: reason < 0 ? uv_strerror(reason)
						     : "closed");
		}
	} else if (pr->stopping) {
		if (p->state == PC_ANSWERED || p->state == PC_ASKING ||
		    p->state == PC_STARTING)
			pr->lost++; /* its reply never came within the drain */
	} else if (p->state != PC_GONE) {
		pr->dropped++;
		if (pr->dropped <= BENCH_MAX_EXAMPLES)
			fprintf(stderr,
				"quiz-bench: practice-%u: dropped (%s)\n",
				p->idx,
				reason <= -QE_BASE ? quiz_error_text(reason)
				: reason < 0	   ? uv_strerror(reason)
						   : "closed");
	}
	p->state = PC_GONE;
	pr->gone++;
	pr_maybe_up(pr);
	if (pr->stopping && pr->gone == pr->next && pr->drain_live) {
		pr->drain_live = 0;
		uv_close((uv_handle_t *)&pr->drain_timer, NULL);
	}
}

static const struct qconn_callbacks pc_cb = {
    .on_message = pc_on_message,
    .on_close = pc_on_close,
};

/* Closes client p on purpose (its timer stopped): neither a drop nor a
 * lost reply. */
static void pc_close(struct pclient *p)
{
	if (!p->c || qconn_closing(p->c))
		return;
	p->state = PC_GONE;
	if (p->timer_live)
		uv_timer_stop(&p->timer);
	qconn_close(p->c);
}

/* Opens one practising connection. */
static void pc_connect(struct bench_practice *pr, struct pclient *p)
{
	struct qconn_options opt = {.client = "quiz-bench/" QUIZ_VERSION};

	p->state = PC_CONNECTING;
	pr->inflight++;
	uv_timer_init(&pr->loop, &p->timer);
	p->timer.data = p;
	p->timer_live = 1;
	p->c = qconn_new(&pr->loop, &pc_cb, p);
	if (!p->c) {
		uv_close((uv_handle_t *)&p->timer, NULL);
		p->timer_live = 0;
		pr->inflight--;
		pr->conn_failed++;
		pr->gone++;
		p->state = PC_GONE;
		return;
	}
	qconn_configure(p->c, &opt);
	if (qconn_connect(p->c, (const struct sockaddr *)&pr->b->o.addrs[0]) <
	    0)
		qconn_close(p->c);
}

/* Opens connections, at most --ramp of them before their PracticeReady. */
static void pr_on_ramp(uv_timer_t *t)
{
	struct bench_practice *pr = t->data;

	while (!pr->stopping && pr->next < pr->n &&
	       pr->inflight < pr->b->o.ramp)
		pc_connect(pr, &pr->cl[pr->next++]);
	if (pr->next == pr->n || pr->stopping) {
		uv_timer_stop(t);
		pr_maybe_up(pr);
	}
}

/* The drain is over: whoever still waits is closed (and counted lost). */
static void pr_on_drain(uv_timer_t *t)
{
	struct bench_practice *pr = t->data;
	unsigned i;

	for (i = 0; i < pr->next; i++)
		if (pr->cl[i].c)
			qconn_close(pr->cl[i].c);
	pr->drain_live = 0;
	uv_close((uv_handle_t *)t, NULL);
}

/* The main loop stopped: no new requests; clients with a request out get
 * the drain to receive its reply, the others close now. */
static void pr_on_stop(uv_async_t *a)
{
	struct bench_practice *pr = a->data;
	unsigned i;

	uv_close((uv_handle_t *)a, NULL);
	if (pr->stopping)
		return;
	pr->stopping = 1;
	pr->t_stop = qconn_now_us();
	uv_close((uv_handle_t *)&pr->ramp_timer, NULL);
	for (i = 0; i < pr->next; i++) {
		struct pclient *p = &pr->cl[i];

		if (p->timer_live)
			uv_timer_stop(&p->timer);
		if (p->c && p->state != PC_ANSWERED && p->state != PC_ASKING &&
		    p->state != PC_STARTING)
			qconn_close(p->c);
	}
	if (pr->gone < pr->next) {
		uv_timer_start(&pr->drain_timer, pr_on_drain,
			       BENCH_PRACTICE_DRAIN_MS, 0);
	} else {
		pr->drain_live = 0;
		uv_close((uv_handle_t *)&pr->drain_timer, NULL);
	}
}

/* The practice thread: its loop runs until the stop and the drain. */
static void pr_thread(void *arg)
{
	struct bench_practice *pr = arg;
	struct rusage ru;

	uv_run(&pr->loop, UV_RUN_DEFAULT);
	if (getrusage(RUSAGE_THREAD, &ru) == 0)
		pr->cpu_s =
		    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Allocates the clients, starts the practice loop's timers and its
 * thread. */
int bench_practice_start(struct bench *b)
{
	struct bench_practice *pr;
	uint64_t id;
	int rc;

	pr = calloc(1, sizeof(*pr));
	if (!pr)
		return -ENOMEM;
	b->practice = pr;
	pr->b = b;
	pr->n = b->o.practice;
	pr->cl = calloc(pr->n, sizeof(*pr->cl));
	if (!pr->cl)
		return -ENOMEM;
	/* the run id keeps the nicknames unique across runs on one
	 * database; the choices follow --seed */
	id = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ uv_hrtime();
	snprintf(pr->run, sizeof(pr->run), "%06" PRIx64,
		 draw_rand(&id) & 0xffffff);
	pr->rng = (b->o.seed ? b->o.seed : uv_hrtime()) ^ 0x5052414354494345ULL;
	for (unsigned i = 0; i < pr->n; i++) {
		pr->cl[i].pr = pr;
		pr->cl[i].idx = i;
	}
	rc = uv_loop_init(&pr->loop);
	if (rc < 0)
		return rc;
	uv_async_init(&pr->loop, &pr->stop_async, pr_on_stop);
	pr->stop_async.data = pr;
	uv_timer_init(&pr->loop, &pr->ramp_timer);
	pr->ramp_timer.data = pr;
	uv_timer_init(&pr->loop, &pr->drain_timer);
	pr->drain_timer.data = pr;
	pr->drain_live = 1;
	uv_timer_start(&pr->ramp_timer, pr_on_ramp, 0, 1);
	rc = uv_thread_create(&pr->thread, pr_thread, pr);
	if (rc < 0)
		return rc;
	pr->thread_live = 1;
	return 0;
}

/* From the main thread: no more "up" signal, and the practice loop
 * stops. */
void bench_practice_stop(struct bench *b)
{
	if (!b->o.practice)
		return;
	uv_mutex_lock(&b->practice_mu);
	if (!b->practice_async_closed) {
		b->practice_async_closed = 1;
		uv_close((uv_handle_t *)&b->practice_async, NULL);
	}
	uv_mutex_unlock(&b->practice_mu);
	if (b->practice && b->practice->thread_live)
		uv_async_send(&b->practice->stop_async);
}

/* Joins the practice thread and closes its loop. */
void bench_practice_join(struct bench *b)
{
	struct bench_practice *pr = b->practice;

	if (!pr || !pr->thread_live)
		return;
	uv_thread_join(&pr->thread);
	pr->thread_live = 0;
	if (uv_loop_close(&pr->loop) < 0)
		fprintf(stderr, "quiz-bench: practice loop still has "
				"handles\n");
}

/* The sum of everything that fails a practice run. */
uint64_t bench_practice_failures(const struct bench *b)
{
	const struct bench_practice *pr = b->practice;

	if (!b->o.practice)
		return 0;
	if (!pr)
		return 1;
	return pr->errors_total + pr->local_errors + pr->conn_failed +
	       pr->dropped + pr->lost + pr->mm_correct + pr->mm_index +
	       (pr->results == 0);
}

/* The "practice" object of the JSON (sorts the samples in place). */
void bench_report_practice(struct bench *b, FILE *f)
{
	struct bench_practice *pr = b->practice;
	uint64_t end, window;
	struct rusage ru;
	double self_s = -1;

	if (!b->o.practice || !pr)
		return;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		self_s =
		    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	end = pr->t_stop ? pr->t_stop : b->t_end;
	window = pr->t_first && end > pr->t_first ? end - pr->t_first : 0;
	fprintf(
	    f,
	    ",\"practice\":{\"clients\":%u,\"run\":\"%s\","
	    "\"think_ms\":[%u,%u],\"ready\":%" PRIu64 ",\"created\":%" PRIu64
	    ",\"connections_failed\":%" PRIu64 ",\"dropped\":%" PRIu64
	    ",\"sittings\":%" PRIu64 ",\"review_sittings\":%" PRIu64
	    ",\"questions\":%" PRIu64 ",\"why\":{\"due\":%" PRIu64
	    ",\"new\":%" PRIu64 ",\"review\":%" PRIu64
	    "},\"answers\":{\"sent\":%" PRIu64 ",\"results\":%" PRIu64
	    ",\"correct\":%" PRIu64 ",\"resent\":%" PRIu64
	    ",\"lost_at_stop\":%" PRIu64 "},\"waits\":%" PRIu64
	    ",\"waits_empty\":%" PRIu64 ",\"sleeps\":%" PRIu64
	    ",\"errors\":%" PRIu64 ",\"bench_errors\":%" PRIu64
	    ",\"unexpected\":%" PRIu64 ",\"error_codes\":",
	    pr->n, pr->run, b->o.practice_think_min, b->o.practice_think_max,
	    pr->ready, pr->created, pr->conn_failed, pr->dropped, pr->sittings,
	    pr->review_sittings, pr->questions, pr->why[0], pr->why[1],
	    pr->why[2], pr->sent, pr->results, pr->correct, pr->resent,
	    pr->lost, pr->waits, pr->waits_empty, pr->sleeps, pr->errors_total,
	    pr->local_errors, pr->unexpected);
	bench_json_codes(f, pr->errors, BENCH_NCODES);
	fprintf(f,
		",\"mismatches\":{\"correct\":%" PRIu64 ",\"index\":%" PRIu64
		",\"ready\":%" PRIu64 "},\"result_us\":",
		pr->mm_correct, pr->mm_index, pr->mm_ready);
	bench_json_stats(f, bench_stats_of(pr->rt, pr->n_rt));
	fputs(",\"next_us\":", f);
	bench_json_stats(f, bench_stats_of(pr->next_rt, pr->n_next));
	fprintf(f,
		",\"answers_per_second\":%.1f,\"window_s\":%.3f,"
		"\"cpu_s\":%.2f,\"bench_cpu_s\":%.2f,\"failures\":%" PRIu64 "}",
		window ? (double)pr->results * 1e6 / (double)window : 0.0,
		(double)window / 1e6, pr->cpu_s, self_s,
		bench_practice_failures(b));
}

/* Frees the samples and the clients. */
void bench_practice_free(struct bench *b)
{
	struct bench_practice *pr = b->practice;

	if (!pr)
		return;
	free(pr->rt);
	free(pr->next_rt);
	free(pr->cl);
	free(pr);
	b->practice = NULL;
}

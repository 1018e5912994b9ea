/* quiz-bench: headless contestants in one process and one libuv loop. It
 * hosts a speed round or a contest file (or joins a room by code), answers
 * every question on the synced clock (in a 必答 round only the team with
 * the turn, plus a share of deliberate out-of-turn tries; in a 风险 round
 * after staking), measures fan-out and reveal skew, checks what the server
 * reports against the scoring rules and its own measurements, and prints
 * one JSON object. Exit status: 0 all good, 1 mismatches or an incomplete
 * match, 2 usage. */
#include "bench_int.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

#include "bench_stats.h"
#include "errors.h"
#include "item.h"
#include "qconn.h"
#include "scoring.h"
#include "wire.h"

/* --bank wiring: the CSV loader lives in server/bank_csv.h (library
 * quizbank). Its include directory is only visible when quiz-bench links
 * quizbank, so the bank support switches itself on with that link. */
#if defined(__has_include)
#if __has_include("bank_csv.h")
#include "bank_csv.h"
#define BENCH_HAVE_BANK 1
#endif
#endif

/* Why a connection closed, for people: a quiz code, a libuv error or a
 * plain close. */
static const char *bench_strerror(int reason)
{
	if (reason <= -QE_BASE)
		return quiz_error_text(reason);
	return reason < 0 ? uv_strerror(reason) : "closed";
}

/* splitmix64: small, seedable, good enough for think times and choices. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

/* Uniform in [0, n); n >= 1. */
static unsigned rng_below(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

/* The seeded generator for client/bench_buzz.c. */
double bench_rng_unit(struct bench *b)
{
	return rng_unit(&b->rng);
}

/* Uniform in [0, n) for client/bench_buzz.c; n >= 1. */
unsigned bench_rng_below(struct bench *b, unsigned n)
{
	return rng_below(&b->rng, n);
}

/* Prints a mismatch example to stderr (the first few only). */
void bench_example(struct bench *b, const char *fmt, ...)
{
	va_list ap;

	if (b->examples++ >= BENCH_MAX_EXAMPLES)
		return;
	va_start(ap, fmt);
	fputs("quiz-bench: mismatch: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* --bank wiring: loads the bank CSVs from dir (or one CSV file). Records
 * with errors are reported and left out; the valid ones are used. */
static struct bank *bench_load_bank(const char *dir)
{
#ifdef BENCH_HAVE_BANK
	struct bank_errors errs = {0};
	struct bank *bk = bank_new();
	size_t i;
	int rc;

	if (!bk)
		return NULL;
	rc = bank_csv_load_path(dir, bk, &errs);
	for (i = 0; i < errs.n && i < BENCH_MAX_EXAMPLES; i++)
		fprintf(stderr, "quiz-bench: %s:%u: %s\n", errs.v[i].file,
			errs.v[i].line, errs.v[i].message);
	bank_errors_clear(&errs);
	if ((rc < 0 && rc != -EINVAL) || bk->n == 0) {
		fprintf(stderr, "quiz-bench: no usable bank in %s\n", dir);
		bank_free(bk);
		return NULL;
	}
	return bk;
#else
	(void)dir;
	fprintf(stderr,
		"quiz-bench: built without the bank library "
		"(quizbank, server/bank_csv.h): --bank is unavailable\n");
	return NULL;
#endif
}

/* Releases a loaded bank. */
static void bench_free_bank(struct bank *bk)
{
#ifdef BENCH_HAVE_BANK
	bank_free(bk);
#else
	(void)bk;
#endif
}

/* Sends a host command; returns its seq or a negative error. */
static int64_t bench_host_cmd(struct bench *b,
			      Quiz__V1__HostCommand__Action action)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__HostCommand hc = QUIZ__V1__HOST_COMMAND__INIT;

	if (!b->host)
		return -EPIPE;
	hc.action = action;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HOST_COMMAND;
	env.host_command = &hc;
	return qconn_send(b->host, &env);
}

/* The host's NEXT (round break, --hurry). */
static void bench_host_next(struct bench *b)
{
	if (bench_host_cmd(b, QUIZ__V1__HOST_COMMAND__ACTION__NEXT) > 0)
		b->host_next++;
}

/* Whether a contestant counts for --hurry: joined and still connected. */
static int player_live(const struct player *p)
{
	return p->state == P_JOINED && p->c && p->pq && !p->finished;
}

/* --hurry: once every live contestant has its answer to question qi acked
 * or refused (or chose not to answer), the host closes it with NEXT. */
static void bench_hurry(struct bench *b, unsigned qi)
{
	struct bq *q;
	unsigned i;

	if (!b->o.hurry || !b->host || b->stopping || qi >= b->nq)
		return;
	q = &b->q[qi];
	if (q->hurried || q->host_revealed || q->acked == 0 ||
	    q->format == QUIZ_BENCH_BUZZ)
		return;
	for (i = 0; i < b->o.players; i++) {
		const struct player *p = &b->players[i];
		const struct pq *a;

		if (!player_live(p))
			continue;
		a = &p->pq[qi];
		if (!a->got_question ||
		    (a->intends && !a->acked && !a->refused))
			return;
	}
	q->hurried = 1;
	bench_host_next(b);
}

/* --hurry: once every live contestant's stake for question qi is acked or
 * refused, the host ends the wager phase with NEXT. */
static void bench_hurry_wager(struct bench *b, unsigned qi)
{
	struct bq *q;
	unsigned i, acked = 0;

	if (!b->o.hurry || !b->host || b->stopping || qi >= b->nq)
		return;
	q = &b->q[qi];
	if (q->w_hurried || q->seen)
		return;
	for (i = 0; i < b->o.players; i++) {
		const struct player *p = &b->players[i];
		const struct pq *a;

		if (!player_live(p))
			continue;
		a = &p->pq[qi];
		if (!a->w_req || !a->w_sent || !(a->w_acked || a->w_refused))
			return;
		acked += a->w_acked;
	}
	if (!acked)
		return;
	q->w_hurried = 1;
	bench_host_next(b);
}

/* Names the teams and spreads the contestants over them: a contest's
 * fixed list (the first --teams of it), else team-1 .. team-N. */
static void bench_setup_teams(struct bench *b, const Quiz__V1__ContestInfo *ci)
{
	unsigned n = b->o.teams, i;

	if (ci && ci->n_teams) {
		if (!n || n > ci->n_teams)
			n = (unsigned)ci->n_teams;
		if (n > BENCH_TEAMS_MAX)
			n = BENCH_TEAMS_MAX;
		for (i = 0; i < n; i++)
			snprintf(b->team_names[i], sizeof(b->team_names[i]),
				 "%s", ci->teams[i]);
	} else {
		for (i = 0; i < n; i++)
			snprintf(b->team_names[i], sizeof(b->team_names[i]),
				 "team-%u", i + 1);
	}
	b->nteams = n;
	for (i = 0; i < b->o.players; i++)
		b->players[i].team = n ? (int)(i % n) : -1;
}

/* Keeps a ContestInfo (the first one seen): scoring, base, rounds. */
static void bench_contest_info(struct bench *b, const Quiz__V1__ContestInfo *ci)
{
	size_t i, k;

	if (!ci || b->have_info)
		return;
	b->have_info = 1;
	snprintf(b->title, sizeof(b->title), "%s", ci->title);
	b->scoring = ci->scoring;
	b->base = ci->team_base;
	for (i = 0; i < ci->n_rounds && i < BENCH_ROUNDS_MAX; i++) {
		const Quiz__V1__RoundInfo *ri = ci->rounds[i];
		struct bench_round *r = &b->rounds[i];

		r->known = 1;
		r->format = ri->format;
		r->points = ri->points;
		r->penalty = ri->penalty;
		for (k = 0; k < ri->n_stakes && k < BENCH_STAKES_MAX; k++)
			r->stakes[k] = ri->stakes[k];
		r->nstakes = (unsigned)k;
	}
	b->nrounds = (unsigned)i;
}

/* A RoundStart: the round as the server runs it. */
static void bench_round_start(struct bench *b, const Quiz__V1__RoundStart *m)
{
	const Quiz__V1__RoundInfo *ri = m->round;
	struct bench_round *r;
	size_t k;

	if (!ri || ri->index >= BENCH_ROUNDS_MAX)
		return;
	r = &b->rounds[ri->index];
	if (ri->index >= b->nrounds)
		b->nrounds = ri->index + 1;
	if (r->known == 2)
		return;
	if (r->known && r->format != (int)ri->format) {
		b->mm_turn++;
		bench_example(b, "round %u: RoundStart format %d, contest %d",
			      ri->index, ri->format, r->format);
	}
	r->known = 2;
	b->rounds_started++;
	r->format = ri->format;
	r->points = ri->points;
	r->penalty = ri->penalty;
	for (k = 0; k < ri->n_stakes && k < BENCH_STAKES_MAX; k++)
		r->stakes[k] = ri->stakes[k];
	r->nstakes = (unsigned)k;
}

/* The format of round r as announced (SPEED when unknown). */
static int bench_round_format(const struct bench *b, uint32_t r)
{
	if (r < BENCH_ROUNDS_MAX && b->rounds[r].known)
		return b->rounds[r].format;
	return QUIZ__V1__ROUND_FORMAT__SPEED;
}

/* The player with this id, or NULL. */
static struct player *bench_player_by_id(struct bench *b, uint32_t id)
{
	unsigned i;

	for (i = 0; id && i < b->o.players; i++)
		if (b->players[i].pq && b->players[i].id == id)
			return &b->players[i];
	return NULL;
}

/* Whose turn question q is (必答), from Question.turn or a Turn push. */
static void bench_set_turn(struct bench *b, struct bq *q,
			   const Quiz__V1__Turn *t)
{
	if (q->has_turn)
		return;
	q->has_turn = 1;
	q->turn_player = t->player_id;
	q->turn_team = -1;
	if (t->team && *t->team) {
		q->turn_team = bench_team_index(b, t->team);
		if (q->turn_team < 0) {
			q->turn_team = -2; /* nobody of ours */
			b->mm_turn++;
			bench_example(b, "q%u: turn of team '%s', not ours",
				      t->question_index, t->team);
		}
	}
}

/* Whether player p may answer question q: everyone, or in a 必答 round
 * the members of the team (or the contestant) with the turn. */
static int player_has_turn(const struct player *p, const struct bq *q)
{
	if (q->format != QUIZ__V1__ROUND_FORMAT__REQUIRED)
		return 1;
	if (q->turn_team >= 0)
		return p->team == q->turn_team;
	if (q->turn_team == -2)
		return 0;
	return q->turn_player == p->id;
}

/* Checks the individual standings of a board: ranks with ties, and each
 * contestant's team as we joined it. */
static void bench_standings(struct bench *b, Quiz__V1__Standing **top, size_t n,
			    const char *what)
{
	struct bench_rank_line v[BENCH_TOP_MAX];
	unsigned bad;
	size_t i;

	if (n > BENCH_TOP_MAX)
		n = BENCH_TOP_MAX;
	for (i = 0; i < n; i++) {
		const struct player *p =
		    bench_player_by_id(b, top[i]->player_id);
		const char *want;

		v[i].score = top[i]->score;
		v[i].time_us = top[i]->total_time_us;
		v[i].rank = top[i]->rank;
		if (!p)
			continue;
		want = p->team >= 0 ? b->team_names[p->team] : "";
		if (strcmp(top[i]->team, want) != 0) {
			b->mm_member++;
			bench_example(b, "%s: %s in team '%s', joined '%s'",
				      what, top[i]->nickname, top[i]->team,
				      want);
		}
	}
	bad = bench_rank_errors(v, n);
	if (bad) {
		b->mm_rank += bad;
		bench_example(b, "%s: %u standings misranked or out of order",
			      what, bad);
	}
}

/* Keeps the first copy of a team board (checked at the end) and checks
 * its ranks and its scoring now. */
static void bench_board(struct bench *b, enum bench_board_kind kind, int q,
			uint32_t round, int final,
			const Quiz__V1__TeamBoard *tb)
{
	struct bench_rank_line v[BENCH_TEAMS_MAX];
	struct bench_board *bd;
	unsigned bad;
	size_t i;

	if (!b->contest || !tb)
		return;
	for (i = 0; i < b->nboards; i++) {
		bd = &b->boards[i];
		if (bd->kind == kind &&
		    (kind == BOARD_ROUND_END
			 ? bd->round == round
			 : bd->q == q && bd->final == final))
			return;
	}
	if (b->nboards == b->cap_boards) {
		size_t cap = b->cap_boards ? 2 * b->cap_boards : 64;
		struct bench_board *nb = realloc(b->boards, cap * sizeof(*nb));

		if (!nb)
			return;
		b->boards = nb;
		b->cap_boards = cap;
	}
	bd = &b->boards[b->nboards];
	memset(bd, 0, sizeof(*bd));
	bd->kind = kind;
	bd->q = q;
	bd->round = round;
	bd->final = final;
	bd->scoring = tb->scoring;
	bd->base = tb->team_base;
	bd->n = (unsigned)(tb->n_teams < BENCH_TEAMS_MAX ? tb->n_teams
							 : BENCH_TEAMS_MAX);
	bd->t = calloc(bd->n ? bd->n : 1, sizeof(*bd->t));
	if (!bd->t)
		return;
	b->nboards++;
	for (i = 0; i < bd->n; i++) {
		const Quiz__V1__TeamStanding *ts = tb->teams[i];
		struct bench_team_line *t = &bd->t[i];

		snprintf(t->team, sizeof(t->team), "%s", ts->team);
		t->rank = ts->rank;
		t->members = ts->members;
		t->score = ts->score;
		t->points = ts->points;
		t->stake = ts->stake;
		v[i].score = ts->score;
		v[i].time_us = 0;
		v[i].rank = ts->rank;
	}
	bad = bench_rank_errors(v, bd->n);
	if (bad) {
		b->mm_rank += bad;
		bench_example(b,
			      "team board (kind %d, q%d): %u teams misranked",
			      (int)kind, q, bad);
	}
	if (b->have_info &&
	    (bd->scoring != b->scoring || bd->base != b->base)) {
		b->mm_team++;
		bench_example(b,
			      "team board (kind %d, q%d): scoring %d base "
			      "%" PRId64 ", contest says %d base %" PRId64,
			      (int)kind, q, bd->scoring, bd->base, b->scoring,
			      b->base);
	}
}

/* A Leaderboard's first copy: standings checked, team board kept. */
static void bench_leaderboard(struct bench *b, const Quiz__V1__Leaderboard *l)
{
	int bit = l->final ? 2 : 1;

	if (!b->contest)
		return;
	if (b->q && l->question_index < b->nq) {
		if (b->q[l->question_index].lb_checked & bit)
			return;
		b->q[l->question_index].lb_checked |= bit;
	}
	bench_standings(b, l->top, l->n_top, "leaderboard");
	bench_board(b, BOARD_LEADERBOARD, (int)l->question_index, l->round,
		    l->final, l->teams);
}

/* A RoundEnd: standings and team board (as of the last reveal the
 * receiver saw); the host moves on to the next round. */
static void bench_round_end(struct bench *b, const Quiz__V1__RoundEnd *m,
			    int last_revealed, int from_host)
{
	struct bench_round *r;

	if (m->round >= BENCH_ROUNDS_MAX)
		return;
	r = &b->rounds[m->round];
	if (from_host && m->round + 1 < m->rounds && !r->next_sent) {
		r->next_sent = 1;
		bench_host_next(b);
	}
	if (r->end_seen)
		return;
	r->end_seen = 1;
	b->rounds_ended++;
	if (!b->contest)
		return;
	bench_standings(b, m->top, m->n_top, "round end");
	bench_board(b, BOARD_ROUND_END, last_revealed, m->round, 0, m->teams);
}

/* Stops the run when every contestant is done and the host saw the end
 * (with --procs: every worker reported its end). */
static void bench_check_end(struct bench *b)
{
	int ended;

	bench_procs_note(b);
	if (b->stopping || b->next < b->o.players || b->inflight)
		return;
	ended = bench_procs_ended(b); /* -1: no workers of its own */
	if (!ended ||
	    (ended < 0 && b->finished + b->dropped + b->failed < b->o.players))
		return;
	if (b->host && !b->host_finished && b->finished)
		return;
	bench_stop(b);
}

/* Asks the host to start once every contestant has joined or failed. */
static void bench_maybe_start(struct bench *b)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__HostCommand hc = QUIZ__V1__HOST_COMMAND__INIT;
	int64_t seq;

	bench_procs_note(b); /* a worker: its joining may be over */
	if (!b->host || b->started || b->joined + b->failed < b->o.players)
		return;
	if (b->o.practice && !b->practice_up)
		return; /* the match runs under the whole practice load */
	b->started = 1;
	if (b->joined == 0) {
		fprintf(stderr, "quiz-bench: no contestant joined\n");
		bench_stop(b);
		return;
	}
	hc.action = QUIZ__V1__HOST_COMMAND__ACTION__START;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HOST_COMMAND;
	env.host_command = &hc;
	seq = qconn_send(b->host, &env);
	if (seq < 0) {
		fprintf(stderr, "quiz-bench: cannot send START: %" PRId64 "\n",
			seq);
		b->fatal = 1;
		bench_stop(b);
		return;
	}
	b->start_seq = (uint32_t)seq;
}

/* Allocates the per-question tables once the question count is known. */
static int bench_set_questions(struct bench *b, unsigned nq)
{
	if (b->q)
		return 0;
	if (nq == 0 || nq > 1000)
		return -EINVAL;
	b->q = calloc(nq, sizeof(*b->q));
	if (!b->q)
		return -ENOMEM;
	b->nq = nq;
	return 0;
}

/* Finds the bank item of a question by its stem and maps its correct
 * options onto the question's option order (by text, or by position when
 * the texts are not in the bank item). */
static void bq_resolve(struct bench *b, struct bq *q,
		       const Quiz__V1__Question *m)
{
	const struct item *it = NULL;
	size_t i;
	unsigned k, j;

	q->resolved = 1;
	if (!b->bank)
		return;
	for (i = 0; i < b->bank->n; i++) {
		if (b->bank->items[i].stem &&
		    strcmp(b->bank->items[i].stem, m->stem) == 0) {
			it = &b->bank->items[i];
			break;
		}
	}
	q->item = it;
	if (!it || m->kind == QUIZ__V1__QUESTION_KIND__FILL)
		return;
	q->mask = 0;
	q->mask_known = 1;
	for (k = 0; k < m->n_options && k < 32; k++) {
		for (j = 0; j < it->n_options; j++)
			if (it->options[j] &&
			    !strcmp(it->options[j], m->options[k]))
				break;
		if (j == it->n_options) {
			q->mask_known = 0;
			break;
		}
		if (it->correct_mask & (1u << j))
			q->mask |= 1u << k;
	}
	if (!q->mask_known && m->kind == QUIZ__V1__QUESTION_KIND__TRUE_FALSE) {
		/* 正确/错误 not spelled out in the item: by position */
		q->mask = it->correct_mask;
		q->mask_known = 1;
	}
	if (q->mask == 0)
		q->mask_known = 0;
}

#define BENCH_SPIN_US 2500 /* longest busy wait for a reveal moment */
/* The reveal sweep wakes this long before the first reveal moment and
 * busy-waits through them: libuv runs the timers due before it first
 * (thousands of clock-sync pings of contestants that joined together come
 * due in clumps), and a sweep that woke 2.5 or 10 ms early was late by up
 * to 3 ms. Each worker spins this long per question, while quizd waits
 * for the answers. */
#define BENCH_SWEEP_EARLY_US 50000

/* Arms the player's timer for a local time. libuv timers count whole
 * milliseconds from a truncated loop clock, so a timer armed for the floor
 * may fire up to 2 ms early and never late by that rounding; with early
 * set the callback then waits out the rest (player_wait_until), which keeps
 * the reveal moment precise to the microsecond instead of ~1 ms late. */
static void player_arm(struct player *p, uint64_t local_us, int early,
		       uv_timer_cb cb)
{
	uv_loop_t *loop = p->b->loop;
	uint64_t now, ms;

	uv_update_time(loop);
	now = qconn_now_us();
	if (local_us <= now)
		ms = 0;
	else if (early)
		ms = (local_us - now) / 1000;
	else
		ms = (local_us - now + 999) / 1000 + 1;
	uv_timer_start(&p->timer, cb, ms, 0);
}

/* Busy-waits until local_us if it is at most BENCH_SPIN_US away. Returns 0
 * when the moment is reached, -EAGAIN when it is further (re-arm). */
static int player_wait_until(uint64_t local_us)
{
	uint64_t now = qconn_now_us();

	if (now + BENCH_SPIN_US < local_us)
		return -EAGAIN;
	while (now < local_us)
		now = qconn_now_us();
	return 0;
}

/* Fills the Answer for question q: right with probability --accuracy when
 * the bank knows the answer, otherwise random. */
static void player_choose(struct player *p, struct bq *q, struct pq *a,
			  uint32_t *choices, size_t *n_choices,
			  const char **text)
{
	struct bench *b = p->b;
	unsigned n = q->n_options, i, k;
	uint32_t pick;

	*n_choices = 0;
	*text = NULL;
	a->want = -1;
	if (q->kind == QUIZ__V1__QUESTION_KIND__FILL) {
		if (q->item && q->item->n_fills &&
		    rng_unit(&b->rng) < b->o.accuracy) {
			*text = q->item->fills[0];
			a->want = 1;
		} else {
			*text = "x";
		}
		return;
	}
	if (n == 0)
		return;
	if (n > 32)
		n = 32;
	if (q->mask_known)
		a->want = rng_unit(&b->rng) < b->o.accuracy;
	if (q->kind == QUIZ__V1__QUESTION_KIND__MULTI) {
		uint32_t all = n == 32 ? 0xffffffffu : (1u << n) - 1;

		if (a->want == 1) {
			pick = q->mask;
		} else {
			for (k = 0; k < 16; k++) {
				pick = (uint32_t)rng_next(&b->rng) & all;
				if (pick && (a->want != 0 || pick != q->mask))
					break;
			}
			if (!pick || (a->want == 0 && pick == q->mask)) {
				pick = 1;
				a->want = -1;
			}
		}
		for (i = 0; i < n; i++)
			if (pick & (1u << i))
				choices[(*n_choices)++] = i;
		return;
	}
	if (a->want == 1) {
		for (i = 0; i < n && !(q->mask & (1u << i)); i++)
			;
	} else if (a->want == 0) {
		unsigned wrong = 0;

		for (i = 0; i < n; i++)
			wrong += !(q->mask & (1u << i));
		if (wrong == 0) {
			a->want = -1;
			i = rng_below(&b->rng, n);
		} else {
			k = rng_below(&b->rng, wrong);
			for (i = 0; i < n; i++)
				if (!(q->mask & (1u << i)) && k-- == 0)
					break;
		}
	} else {
		i = rng_below(&b->rng, n);
	}
	choices[(*n_choices)++] = i < n ? i : 0;
}

/* Sends the answer to question qi as chosen (again after a reconnect:
 * the same choice) and notes when, in server time. */
static void player_send_answer(struct player *p, unsigned qi)
{
	struct bench *b = p->b;
	struct bq *q = &b->q[qi];
	struct pq *a = &p->pq[qi];
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Answer ans = QUIZ__V1__ANSWER__INIT;
	uint32_t choices[32];
	size_t n_choices = 0;
	unsigned i;
	uint64_t now;
	int64_t seq;
	int again = a->sent;

	for (i = 0; i < 32; i++)
		if (a->pick & (1u << i))
			choices[n_choices++] = i;
	ans.question_index = qi;
	ans.choices = choices;
	ans.n_choices = n_choices;
	ans.text = (char *)(a->fill == 1   ? q->item->fills[0]
			    : a->fill == 2 ? "x"
					   : "");
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
	env.answer = &ans;
	now = qconn_now_us();
	seq = qconn_send(p->c, &env);
	if (seq < 0) {
		if (!again)
			a->intends = 0;
		return;
	}
	a->sent_local = now;
	a->sent = 1;
	a->seq = (uint32_t)seq;
	a->sent_conn = p->conns;
	a->measured_rt = (int64_t)qconn_to_server(p->c, now) -
			 (int64_t)(a->reveal_at ? a->reveal_at : q->reveal_at);
	/* sent while the room is paused (a storage stall): the server times
	 * it from the question's re-send at the resume, which we have not
	 * seen yet; no time check */
	if (p->paused)
		a->disturbed = 1;
	if (again) {
		a->disturbed = 1;
		b->resent++;
		return;
	}
	b->oot_sent += a->oot;
	b->sent++;
	q->sent++;
	if (!q->first_send || now < q->first_send)
		q->first_send = now;
}

/* The think time is over: choose and send the answer. */
static void player_answer(struct player *p)
{
	struct bench *b = p->b;
	struct bq *q = &b->q[p->cur];
	struct pq *a = &p->pq[p->cur];
	uint32_t choices[32];
	size_t n_choices, i;
	const char *text;

	if (!a->chosen) {
		player_choose(p, q, a, choices, &n_choices, &text);
		if (!n_choices && !text) {
			a->intends = 0;
			bench_hurry(b, (unsigned)p->cur);
			return;
		}
		a->chosen = 1;
		a->pick = 0;
		for (i = 0; i < n_choices; i++)
			a->pick |= 1u << choices[i];
		a->fill = !text ? 0 : strcmp(text, "x") == 0 ? 2 : 1;
	}
	player_send_answer(p, (unsigned)p->cur);
}

/* Sends a stake for question qi. */
static void player_send_wager(struct player *p, unsigned qi, uint32_t stake)
{
	struct bench *b = p->b;
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Wager w = QUIZ__V1__WAGER__INIT;
	struct pq *a = &p->pq[qi];
	int64_t seq;

	if (a->w_sent)
		return;
	w.question_index = qi;
	w.stake = stake;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WAGER;
	env.wager = &w;
	seq = qconn_send(p->c, &env);
	if (seq < 0)
		return;
	a->w_sent = 1;
	a->w_seq = (uint32_t)seq;
	a->w_stake = stake;
	b->w_sent++;
}

/* Whether p stakes first for its unit: the first live member of its team
 * (every contestant without a team stakes for itself). */
static int player_is_staker(const struct player *p)
{
	const struct bench *b = p->b;
	unsigned i;

	if (p->team < 0)
		return 1;
	for (i = 0; i < b->o.players; i++) {
		const struct player *o = &b->players[i];

		if (o->team == p->team && player_live(o))
			return o == p;
	}
	return 1;
}

static void on_player_timer(uv_timer_t *t);
static void player_shown(struct player *p, uint64_t now);

/* Arms the player's timer for a local time (client/bench_buzz.c). */
void bench_player_arm(struct player *p, uint64_t local_us, int early)
{
	player_arm(p, local_us, early, on_player_timer);
}

/* Spins to local_us when it is close (client/bench_buzz.c). */
int bench_player_wait(uint64_t local_us)
{
	return player_wait_until(local_us);
}

/* Sends the answer to question p->cur (client/bench_buzz.c). */
void bench_player_answer(struct player *p)
{
	player_answer(p);
}

/* The player's timer callback (client/bench_buzz.c). */
void bench_on_player_timer(uv_timer_t *t)
{
	on_player_timer(t);
}

/* 风险: a WagerRequest. The unit's first member stakes at once, a stake
 * drawn from the round's; its teammates try too, 20-200 ms later, and
 * must be refused with ALREADY_ANSWERED (or be the first). */
static void player_wager_request(struct player *p,
				 const Quiz__V1__WagerRequest *m)
{
	struct bench *b = p->b;
	struct bq *q;
	struct pq *a;
	uint32_t stake;
	size_t i;

	if (!p->pq || m->question_index >= b->nq || !m->n_stakes)
		return;
	q = &b->q[m->question_index];
	q->format = QUIZ__V1__ROUND_FORMAT__WAGER;
	q->round = (int)m->round;
	if (!q->min_stake)
		for (i = 0; i < m->n_stakes; i++)
			if (!q->min_stake || m->stakes[i] < q->min_stake)
				q->min_stake = m->stakes[i];
	a = &p->pq[m->question_index];
	if (a->w_req)
		return;
	a->w_req = 1;
	stake = m->stakes[rng_below(&b->rng, (unsigned)m->n_stakes)];
	if (player_is_staker(p) || p->cur >= 0) {
		player_send_wager(p, m->question_index, stake);
		return;
	}
	p->wager_q = (int)m->question_index;
	p->wager_stake = stake;
	p->phase = 2;
	uv_timer_start(&p->timer, on_player_timer, 20 + rng_below(&b->rng, 181),
		       0);
}

/* A WagerAck: the reply to our stake, or a teammate's pushed. */
static void player_wager_ack(struct player *p, const Quiz__V1__WagerAck *m,
			     uint32_t seq)
{
	struct bench *b = p->b;
	const struct player *who;
	struct pq *a;

	if (!p->pq || m->question_index >= b->nq)
		return;
	a = &p->pq[m->question_index];
	if (seq && a->w_sent && seq == a->w_seq) {
		a->w_acked = 1;
		b->w_acked++;
		if (m->stake != a->w_stake || m->player_id != p->id) {
			b->mm_wager++;
			bench_example(b,
				      "bench-%u q%u: staked %u, WagerAck says "
				      "%u by %u",
				      p->idx, m->question_index, a->w_stake,
				      m->stake, m->player_id);
		}
	} else if (seq) {
		b->mm_wager++;
		bench_example(b, "bench-%u: WagerAck seq %u matches no wager",
			      p->idx, seq);
	} else {
		b->w_pushed++;
		who = bench_player_by_id(b, m->player_id);
		if (!who || who->team != p->team || p->team < 0) {
			b->mm_wager++;
			bench_example(b,
				      "bench-%u q%u: pushed the stake of "
				      "player %u, not a teammate",
				      p->idx, m->question_index, m->player_id);
		}
	}
	if (a->w_seen && a->w_seen != m->stake) {
		b->mm_wager++;
		bench_example(b, "bench-%u q%u: two stakes told, %u and %u",
			      p->idx, m->question_index, a->w_seen, m->stake);
	}
	a->w_seen = m->stake;
	bench_hurry_wager(b, m->question_index);
}

/* The player's timer: first the reveal moment (skew sample), then the end
 * of the think time (answer). */
static void on_player_timer(uv_timer_t *t)
{
	struct player *p = t->data;

	if (p->phase == 2) { /* a teammate's stake, after the first one */
		if (p->c && p->wager_q >= 0)
			player_send_wager(p, (unsigned)p->wager_q,
					  p->wager_stake);
		p->wager_q = -1;
		return;
	}
	if (p->phase >= 3) { /* buzz: a press or the winner's answer */
		bench_buzz_timer(p);
		return;
	}
	if (!p->c || p->cur < 0)
		return;
	if (p->phase == 0) {
		if (player_wait_until(p->reveal_local) < 0) {
			player_arm(p, p->reveal_local, 1, on_player_timer);
			return;
		}
		player_shown(p, qconn_now_us());
		return;
	}
	player_answer(p);
	p->cur = -1;
}

/* The reveal moment of question p->cur came at now (local clock): the
 * reveal skew sample, then the think time and the answer timer. The skew
 * is measured on the machine's monotonic clock, which quizd and
 * quiz-bench share: |shown - reveal_at| is how far from the server's
 * reveal_at this screen showed the question, its clock-sync error
 * included; a Question that arrived after its reveal moment was shown on
 * arrival (its kernel receive time). */
static void player_shown(struct player *p, uint64_t now)
{
	struct bench *b = p->b;
	struct bq *q = &b->q[p->cur];
	uint64_t shown =
	    p->pq[p->cur].q_recv > p->reveal_local ? p->pq[p->cur].q_recv : now;
	int64_t skew = (int64_t)shown - (int64_t)q->reveal_at;
	unsigned think, cap;

	if (q->n_skew < b->o.players && !p->pq[p->cur].disturbed)
		q->skew[q->n_skew++] = skew < 0 ? -skew : skew;
	think = b->o.think_min;
	if (b->o.think_max > b->o.think_min)
		think +=
		    rng_below(&b->rng, b->o.think_max - b->o.think_min + 1);
	cap = q->time_limit_ms > 1000 ? q->time_limit_ms - 500
				      : q->time_limit_ms / 2;
	if (think > cap)
		think = cap;
	p->phase = 1;
	if (b->relay) /* the contestant thinks from its screen */
		p->answer_local = p->pq[p->cur].shown + (uint64_t)think * 1000;
	else
		p->answer_local = qconn_to_local(
		    p->c, p->pq[p->cur].reveal_at + (uint64_t)think * 1000);
	player_arm(p, p->answer_local, 0, on_player_timer);
}

/* The reveal sweep: every contestant's reveal moment, kept in one list
 * and met by one timer that busy-waits through them in time order. Ten
 * thousand per-contestant timers due in the same millisecond would run one
 * after the other, each paying for the ones before it: that is the
 * bench's loop, not a screen (a real client has one timer and nothing
 * else to do). The sweep first notes every due moment as it passes, then
 * arms the answer timers. */
static int reveal_due_cmp(const void *x, const void *y)
{
	const struct reveal_due *a = x, *b = y;

	return a->at < b->at ? -1 : a->at > b->at;
}

static void on_reveal_sweep(uv_timer_t *t);

/* Arms the sweep for the earliest reveal moment at (local clock). */
static void reveal_sweep_arm(struct bench *b, uint64_t at)
{
	uint64_t now;

	if (b->stopping)
		return;
	b->rv_armed_at = at;
	uv_update_time(b->loop);
	now = qconn_now_us();
	uv_timer_start(&b->rv_timer, on_reveal_sweep,
		       at <= now + BENCH_SWEEP_EARLY_US
			   ? 0
			   : (at - now - BENCH_SWEEP_EARLY_US) / 1000,
		       0);
}

/* Whether a reveal entry still stands: p waits for that very reveal. */
static int reveal_due_live(const struct reveal_due *e)
{
	const struct player *p = e->p;

	return p->c && p->cur == e->q && p->phase == 0 &&
	       p->reveal_local == e->at;
}

static void on_reveal_sweep(uv_timer_t *t)
{
	struct bench *b = t->data;
	size_t i, n;
	uint64_t now = qconn_now_us();

	qsort(b->rv, b->nrv, sizeof(*b->rv), reveal_due_cmp);
	for (n = 0; n < b->nrv && b->rv[n].at <= now + BENCH_SWEEP_EARLY_US;
	     n++) {
		while (now < b->rv[n].at)
			now = qconn_now_us();
		b->rv[n].fired = now;
	}
	for (i = 0; i < n; i++)
		if (reveal_due_live(&b->rv[i]))
			player_shown(b->rv[i].p, b->rv[i].fired);
	memmove(b->rv, b->rv + n, (b->nrv - n) * sizeof(*b->rv));
	b->nrv -= n;
	if (b->nrv) /* sorted: the first is the earliest */
		reveal_sweep_arm(b, b->rv[0].at);
}

/* p shows question p->cur at p->reveal_local: into the sweep. */
static void reveal_sweep_add(struct player *p)
{
	struct bench *b = p->b;

	if (b->nrv == b->cap_rv) {
		size_t cap = b->cap_rv ? 2 * b->cap_rv : 1024;
		struct reveal_due *n = realloc(b->rv, cap * sizeof(*n));

		if (!n) { /* its own timer then */
			player_arm(p, p->reveal_local, 1, on_player_timer);
			return;
		}
		b->rv = n;
		b->cap_rv = cap;
	}
	b->rv[b->nrv].p = p;
	b->rv[b->nrv].q = p->cur;
	b->rv[b->nrv].at = p->reveal_local;
	b->nrv++;
	/* the timer stands for the earliest moment: moved only by an
	 * earlier one (ten thousand Questions arrive in a few ms) */
	if (b->nrv == 1 || p->reveal_local < b->rv_armed_at)
		reveal_sweep_arm(b, p->reveal_local);
}

/* A Question received again (after a reconnect, or a RESUME moving its
 * times): an answer sent on an earlier connection and never acked goes
 * again at once, one not sent yet waits for the question's new reveal. */
static void player_question_again(struct player *p, const Quiz__V1__Question *m)
{
	struct bench *b = p->b;
	struct pq *a = &p->pq[m->index];

	a->reveal_at = m->reveal_at_us;
	/* an answer still unacked when the question moved: the server times
	 * it from whichever send of the question it went with */
	if (a->sent && !a->acked)
		a->disturbed = 1;
	if (!a->intends || a->acked || a->already || a->refused ||
	    b->q[m->index].format == QUIZ_BENCH_BUZZ || p->paused)
		return;
	if (a->sent) {
		if (a->sent_conn != p->conns)
			player_send_answer(p, m->index);
		return;
	}
	a->disturbed = 1;
	p->cur = (int)m->index;
	p->phase = 0;
	p->reveal_local = qconn_to_local(p->c, m->reveal_at_us);
	player_arm(p, p->reveal_local, 1, on_player_timer);
}

/* A Question: fan-out sample, then the reveal timer. */
static void player_question(struct player *p, const Quiz__V1__Question *m,
			    uint64_t recv)
{
	struct bench *b = p->b;
	struct bq *q;

	if (!p->pq || m->index >= b->nq) {
		bench_example(b,
			      "question index %u out of range (bench knows %u)",
			      m->index, b->nq);
		return;
	}
	q = &b->q[m->index];
	p->paused = 0; /* a Question is sent only while it is open */
	if (!q->seen) {
		q->seen = 1;
		q->kind = m->kind;
		q->n_options = (unsigned)m->n_options;
		q->reveal_at = m->reveal_at_us;
		q->deadline_at = m->deadline_at_us;
		q->sent_at = m->sent_at_us;
		q->time_limit_ms = m->time_limit_ms;
		q->points = m->points;
		q->round = (int)m->round;
		if (q->format != QUIZ__V1__ROUND_FORMAT__WAGER)
			q->format = m->turn ? QUIZ__V1__ROUND_FORMAT__REQUIRED
					    : bench_round_format(b, m->round);
		if (m->turn)
			bench_set_turn(b, q, m->turn);
		if (q->format == QUIZ__V1__ROUND_FORMAT__REQUIRED &&
		    !q->has_turn) {
			b->mm_turn++;
			bench_example(b, "q%u: 必答 question without a turn",
				      m->index);
		}
		q->fan_q = calloc(b->o.players, sizeof(int64_t));
		q->fan_r = calloc(b->o.players, sizeof(int64_t));
		q->skew = calloc(b->o.players, sizeof(int64_t));
		if (!q->fan_q || !q->fan_r || !q->skew) {
			fprintf(stderr, "quiz-bench: out of memory\n");
			exit(1);
		}
		bq_resolve(b, q, m);
	}
	if (p->pq[m->index].got_question) {
		/* a resend: after a reconnect or a RESUME (measured once) */
		player_question_again(p, m);
		return;
	}
	p->pq[m->index].got_question = 1;
	p->pq[m->index].reveal_at = m->reveal_at_us;
	if (p->conns > 1) /* caught up after a reconnect: no samples */
		p->pq[m->index].disturbed = 1;
	p->pq[m->index].q_stake = m->stake;
	if (q->n_fan_q < b->o.players && !p->pq[m->index].disturbed)
		q->fan_q[q->n_fan_q++] = (int64_t)qconn_to_server(p->c, recv) -
					 (int64_t)m->sent_at_us;
	if (p->wager_q >= 0) { /* a stake still waiting: too late now */
		p->wager_q = -1;
		uv_timer_stop(&p->timer);
	}
	p->pq[m->index].q_recv = recv;
	if (b->o.floor) /* quiz-floor: measured, never answered */
		return;
	if (m->armed_at_us || q->format == QUIZ_BENCH_BUZZ) {
		q->format = QUIZ_BENCH_BUZZ;
		bench_buzz_question(p, m, recv);
		return;
	}
	p->pq[m->index].intends = 1;
	if (!player_has_turn(p, q)) {
		if (rng_unit(&b->rng) < b->o.out_of_turn) {
			p->pq[m->index].oot = 1;
		} else {
			p->pq[m->index].intends = 0;
			bench_hurry(b, m->index);
			return;
		}
	}
	p->cur = (int)m->index;
	p->phase = 0;
	p->reveal_local = qconn_to_local(p->c, m->reveal_at_us);
	p->pq[m->index].shown = recv > p->reveal_local ? recv : p->reveal_local;
	reveal_sweep_add(p);
}

/* Checks one Result against the formula, the ack and our measurement. */
static void player_result(struct player *p, const Quiz__V1__Result *r)
{
	struct bench *b = p->b;
	struct bq *q;
	struct pq *a;
	uint32_t expect;
	int64_t d;

	if (!p->pq || r->question_index >= b->nq)
		return;
	q = &b->q[r->question_index];
	a = &p->pq[r->question_index];
	if (a->result)
		return;
	a->result = 1;
	a->res_answered = r->answered;
	a->res_correct = r->correct;
	a->res_points = r->points;
	a->res_rt = r->response_time_us;
	a->res_total = r->total;
	a->res_delta = r->delta;
	a->res_stake = r->stake;
	a->res_team_answered = r->team_answered;
	if (p->resync) { /* back from a drop: Results missed while away? */
		unsigned k;
		int missed = 0;

		p->resync = 0;
		for (k = 0; k < r->question_index; k++)
			if (b->q[k].revealed && !p->pq[k].result)
				missed++;
		if (missed) {
			b->results_away += (uint64_t)missed;
			p->sum = r->total -
				 (b->contest ? r->delta : (int64_t)r->points);
		}
	}
	p->sum += b->contest ? r->delta : (int64_t)r->points;
	p->last_total = r->total;
	if (b->contest && (int64_t)r->points != (r->delta > 0 ? r->delta : 0)) {
		b->mm_delta++;
		bench_example(b, "bench-%u q%u: points %u, delta %" PRId64,
			      p->idx, r->question_index, r->points, r->delta);
	}
	if (r->total != p->sum) {
		if (b->contest)
			b->mm_delta++;
		else
			b->mm_score++;
		bench_example(b,
			      "bench-%u q%u: total %" PRId64
			      ", sum of its points "
			      "%" PRId64,
			      p->idx, r->question_index, r->total, p->sum);
	}
	if (!r->answered) {
		if (a->acked) {
			b->mm_ack++;
			bench_example(
			    b,
			    "bench-%u q%u: answer acked but Result says "
			    "not answered",
			    p->idx, r->question_index);
		}
		return;
	}
	if (a->sent && !a->acked && (a->disturbed || a->already)) {
		/* sent before a drop and committed, its ack lost: the Result
		 * says what was booked; no time checks */
		return;
	}
	if (!a->sent || !a->acked) {
		b->mm_ack++;
		bench_example(
		    b, "bench-%u q%u: Result answered but the answer was %s",
		    p->idx, r->question_index,
		    a->sent ? "not acked" : "never sent");
		return;
	}
	expect = r->correct ? scoring_speed(q->points,
					    (int64_t)q->time_limit_ms * 1000,
					    r->response_time_us)
			    : 0;
	if (q->voided)
		expect = 0;
	/* 必答 and 风险 bookings need the whole unit: checked at the end */
	if (q->format == QUIZ__V1__ROUND_FORMAT__SPEED && r->points != expect) {
		b->mm_score++;
		bench_example(b,
			      "bench-%u q%u: points %u, formula gives %u "
			      "(correct %d, rt %u us, P %u, T %u ms)",
			      p->idx, r->question_index, r->points, expect,
			      r->correct, r->response_time_us, q->points,
			      q->time_limit_ms);
	}
	d = (int64_t)r->response_time_us - a->measured_rt;
	/* with injected delays the fairness report judges the times */
	if (!b->relay && q->format != QUIZ_BENCH_BUZZ && !a->disturbed &&
	    (d > BENCH_RT_TOLERANCE_US || d < -BENCH_RT_TOLERANCE_US)) {
		b->mm_rt++;
		bench_example(b,
			      "bench-%u q%u: server rt %u us, measured %" PRId64
			      " us (diff %" PRId64 "; our clock offset %" PRId64
			      " us, best rtt %" PRId64 " us, %u samples)",
			      p->idx, r->question_index, r->response_time_us,
			      a->measured_rt, d,
			      p->c ? qconn_offset_us(p->c) : 0,
			      p->c ? qconn_rtt_us(p->c) : 0,
			      p->c ? qconn_sync_samples(p->c) : 0);
	}
	if (r->response_time_us != a->ack_rt) {
		b->mm_ack++;
		bench_example(
		    b, "bench-%u q%u: Result rt %u us, AnswerAck rt %u us",
		    p->idx, r->question_index, r->response_time_us, a->ack_rt);
	}
	if (!q->voided && a->want >= 0 && (int)r->correct != a->want) {
		b->mm_correct++;
		bench_example(
		    b,
		    "bench-%u q%u: answered %s by the bank, server says "
		    "%s",
		    p->idx, r->question_index, a->want ? "right" : "wrong",
		    r->correct ? "correct" : "wrong");
	}
}

/* Keeps the standings of the final leaderboard. */
static void bench_final(struct bench *b, const Quiz__V1__Leaderboard *l)
{
	size_t i;

	if (b->have_final)
		return;
	b->have_final = 1;
	for (i = 0; i < l->n_top && i < BENCH_TOP_MAX; i++) {
		struct standing *s = &b->top[i];

		s->rank = l->top[i]->rank;
		s->player_id = l->top[i]->player_id;
		s->score = l->top[i]->score;
		snprintf(s->nickname, sizeof(s->nickname), "%s",
			 l->top[i]->nickname);
	}
	b->n_top = (unsigned)i;
}

/* Reveal: fan-out sample; the first copy also checks the correct options
 * against the bank. */
static void bench_reveal(struct bench *b, struct qconn *c,
			 const Quiz__V1__Reveal *m, uint64_t recv, int sample)
{
	struct bq *q;
	uint32_t mask = 0;
	size_t i;

	if (!b->q || m->question_index >= b->nq)
		return;
	q = &b->q[m->question_index];
	if (!sample)
		q->host_revealed = 1;
	bench_board(b, BOARD_REVEAL, (int)m->question_index, 0, 0, m->teams);
	if (sample && q->fan_r && q->n_fan_r < b->o.players)
		q->fan_r[q->n_fan_r++] =
		    (int64_t)qconn_to_server(c, recv) - (int64_t)m->sent_at_us;
	if (sample && recv > q->reveal_last)
		q->reveal_last = recv;
	if (!q->reveal_sent)
		q->reveal_sent = m->sent_at_us;
	if (q->revealed)
		return;
	q->revealed = 1;
	q->voided = m->voided;
	if (!q->mask_known || m->voided)
		return;
	for (i = 0; i < m->n_correct; i++)
		if (m->correct[i] < 32)
			mask |= 1u << m->correct[i];
	if (mask != q->mask) {
		b->mm_correct++;
		bench_example(b, "q%u: Reveal correct set 0x%x, bank says 0x%x",
			      m->question_index, mask, q->mask);
	}
}

/* Counts an Error that refused something other than an answer. */
static void bench_error(struct bench *b, const char *who,
			const Quiz__V1__Error *e)
{
	unsigned code = (unsigned)e->code;

	b->errors_total++;
	b->errors[code < BENCH_NCODES ? code : 0]++;
	if (b->errors_total <= BENCH_MAX_EXAMPLES)
		fprintf(stderr, "quiz-bench: %s: error %s: %s\n", who,
			quiz_error_name((int)code), e->message);
}

/* Finds which question an answer reply refers to, by seq. */
static int player_answer_by_seq(struct player *p, uint32_t seq)
{
	unsigned i;

	for (i = p->b->nq; i-- > 0;)
		if (p->pq[i].sent && p->pq[i].seq == seq)
			return (int)i;
	return -1;
}

/* An answer refused: out of turn it must be NOT_YOUR_TURN, in turn it
 * must not be. */
static void player_refused(struct player *p, unsigned qi,
			   const Quiz__V1__Error *e)
{
	struct bench *b = p->b;
	int nyt = e->code == QUIZ__V1__ERROR_CODE__NOT_YOUR_TURN;

	if (p->pq[qi].oot && nyt) {
		b->oot_refused++;
	} else if (p->pq[qi].oot || nyt) {
		b->mm_turn++;
		bench_example(b, "bench-%u q%u: %s answer refused with %s",
			      p->idx, qi,
			      p->pq[qi].oot ? "out-of-turn" : "in-turn",
			      quiz_error_name((int)e->code));
	}
	bench_hurry(b, qi);
}

/* Finds which question a stake reply refers to, by seq. */
static int player_wager_by_seq(struct player *p, uint32_t seq)
{
	unsigned i;

	for (i = p->b->nq; i-- > 0;)
		if (p->pq[i].w_sent && p->pq[i].w_seq == seq)
			return (int)i;
	return -1;
}

/* A stake refused: a teammate staked first (ALREADY_ANSWERED), nothing
 * else is expected. */
static void player_wager_refused(struct player *p, unsigned qi,
				 const Quiz__V1__Error *e)
{
	struct bench *b = p->b;

	p->pq[qi].w_refused = 1;
	if (e->code == QUIZ__V1__ERROR_CODE__ALREADY_ANSWERED && p->team >= 0) {
		b->w_already++;
	} else {
		b->mm_wager++;
		bench_example(b, "bench-%u q%u: stake %u refused with %s: %s",
			      p->idx, qi, p->pq[qi].w_stake,
			      quiz_error_name((int)e->code), e->message);
	}
	bench_hurry_wager(b, qi);
}

/* Joins the room once the handshake is done. */
static void player_join(struct player *p)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	char nick[32];
	int64_t seq;

	snprintf(nick, sizeof(nick), "bench-%u", p->idx);
	j.code = p->b->code;
	j.nickname = nick;
	if (p->team >= 0)
		j.team = p->b->team_names[p->team];
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &j;
	seq = qconn_send(p->c, &env);
	if (seq < 0) {
		qconn_close(p->c);
		return;
	}
	p->join_seq = (uint32_t)seq;
	p->state = P_JOINING;
}

/* Joined: the seat is ours. */
static void player_joined(struct player *p, const Quiz__V1__Joined *m)
{
	struct bench *b = p->b;
	unsigned nq = m->settings && m->settings->question_count
			  ? m->settings->question_count
			  : b->o.questions;

	if (b->o.contest_path || m->contest)
		nq = BENCH_CONTEST_Q;
	bench_contest_info(b, m->contest);

	if (bench_set_questions(b, nq) < 0 ||
	    !(p->pq = calloc(b->nq, sizeof(*p->pq)))) {
		fprintf(stderr, "quiz-bench: bad question count %u\n", nq);
		qconn_close(p->c);
		return;
	}
	p->id = m->player_id;
	p->state = P_JOINED;
	{
		uint64_t now = qconn_now_us();

		p->join_us = (uint32_t)(now - p->conn_at);
		if (now > b->t_last_joined)
			b->t_last_joined = now;
	}
	b->inflight--;
	b->joined++;
	bench_maybe_start(b);
}

static void player_on_message(struct qconn *c, const Quiz__V1__Envelope *env,
			      uint64_t recv);
static void player_on_connect(struct qconn *c, int status);
static void player_on_close(struct qconn *c, int reason);

static void player_reseat_later(struct player *p);
static void bench_host_maybe_resume(struct bench *b);

/* The callbacks of every contestant connection. */
static const struct qconn_callbacks player_cb = {
    .on_connect = player_on_connect,
    .on_message = player_on_message,
    .on_close = player_on_close,
};

/* A reconnecting contestant is done with (seated, given up or stopped). */
static void player_unseated_done(struct player *p)
{
	struct bench *b = p->b;

	b->unseated--;
	bench_episode_seated(b);
	bench_host_maybe_resume(b);
	bench_procs_note(b);
}

/* The backoff is over: connect again presenting the resume token. */
static void on_reseat_timer(uv_timer_t *t)
{
	struct player *p = t->data;
	struct bench *b = p->b;
	struct qconn_options opt = {
	    .client = "quiz-bench/" QUIZ_VERSION,
	    .resume_token = p->token,
	    .formats = QCONN_FORMATS_DEFAULT |
		       QCONN_FORMAT(QUIZ__V1__ROUND_FORMAT__BUZZ)};

	if (b->stopping || p->state != P_RESEAT || p->c)
		return;
	bench_episode_attempt(b);
	p->attempt++;
	/* each attempt at the next front door: when one edge of a cluster
	 * dies its contestants move on to another with their tokens */
	p->addr = bench_addr_next(b, p->addr);
	p->c = qconn_new(b->loop, &player_cb, p);
	if (!p->c) {
		player_reseat_later(p);
		return;
	}
	qconn_configure(p->c, &opt);
	if (qconn_connect(p->c, (const struct sockaddr *)&b->o.addrs[p->addr]) <
	    0)
		qconn_close(p->c); /* on_close schedules the next try */
}

/* Waits a full-jitter backoff before the next reconnect attempt, or
 * gives up --reconnect-s after the drop (the server is not coming back). */
static void player_reseat_later(struct player *p)
{
	struct bench *b = p->b;

	if (b->stopping || !p->timer_live)
		return;
	if (qconn_now_us() - p->drop_at >
	    (uint64_t)b->o.reconnect_s * 1000000) {
		b->reseat_lost++;
		if (b->reseat_lost <= BENCH_MAX_EXAMPLES)
			fprintf(stderr,
				"quiz-bench: bench-%u: not seated again "
				"within %u s: given up\n",
				p->idx, b->o.reconnect_s);
		p->state = P_GONE;
		b->dropped++;
		player_unseated_done(p);
		bench_check_end(b);
		return;
	}
	uv_timer_start(&p->timer, on_reseat_timer,
		       bench_backoff_ms(b, p->attempt), 0);
}

/* Welcome on a reconnect: seated again (Joined follows) or the seat is
 * gone (the server does not know the token). */
static void player_welcome_back(struct player *p, const Quiz__V1__Welcome *w)
{
	struct bench *b = p->b;

	if (w->room_code && *w->room_code && w->player_id == p->id)
		return;
	b->reseat_lost++;
	if (b->reseat_lost <= BENCH_MAX_EXAMPLES)
		fprintf(stderr,
			"quiz-bench: bench-%u: seat not taken back "
			"(Welcome room '%s' player %u)\n",
			p->idx, w->room_code ? w->room_code : "", w->player_id);
	p->state = P_GONE;
	b->dropped++;
	player_unseated_done(p);
	qconn_close(p->c);
	bench_check_end(b);
}

/* Joined (seq 0) after a reconnect: the seat is ours again. A question
 * still open comes next (player_question_again). */
static void player_reseated(struct player *p, const Quiz__V1__Joined *m)
{
	struct bench *b = p->b;

	if (m->player_id != p->id) {
		b->reseat_lost++;
		fprintf(stderr,
			"quiz-bench: bench-%u: reseated as player %u, "
			"was %u\n",
			p->idx, m->player_id, p->id);
		p->state = P_GONE;
		b->dropped++;
		player_unseated_done(p);
		qconn_close(p->c);
		bench_check_end(b);
		return;
	}
	p->state = P_JOINED;
	p->attempt = 0;
	p->resync = 1;
	p->paused = m->state == QUIZ__V1__ROOM_STATE__PAUSED;
	b->reconnects++;
	b->addr_reconnects[p->addr]++;
	player_unseated_done(p);
	if (m->state == QUIZ__V1__ROOM_STATE__FINISHED && !p->finished) {
		p->finished = 1;
		b->finished++;
		qconn_close(p->c);
	}
}

static void player_on_message(struct qconn *c, const Quiz__V1__Envelope *env,
			      uint64_t recv)
{
	struct player *p = qconn_data(c);
	struct bench *b = p->b;
	int qi;
	char who[32];

	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		if (p->state == P_RESEAT) {
			player_welcome_back(p, env->welcome);
			break;
		}
		snprintf(p->token, sizeof(p->token), "%s",
			 qconn_resume_token(c));
		player_join(p);
		break;
	case QUIZ__V1__ENVELOPE__BODY_JOINED:
		if (p->state == P_JOINING)
			player_joined(p, env->joined);
		else if (p->state == P_RESEAT)
			player_reseated(p, env->joined);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		qi = p->pq ? player_answer_by_seq(p, env->error->ref_seq) : -1;
		if (qi >= 0 && env->error->ref_seq &&
		    env->error->code ==
			QUIZ__V1__ERROR_CODE__ALREADY_ANSWERED &&
		    p->pq[qi].disturbed && !p->pq[qi].acked) {
			/* a re-sent answer the server has: the DB must too
			 * (checked against --acks by the caller) */
			p->pq[qi].already = 1;
			b->already++;
			bench_acks_line(b, p->id, (uint32_t)qi, -1);
			bench_hurry(b, (unsigned)qi);
			break;
		}
		if (qi >= 0 && env->error->ref_seq) {
			unsigned code = (unsigned)env->error->code;

			p->pq[qi].refused = 1;
			b->refused_total++;
			b->refused[code < BENCH_NCODES ? code : 0]++;
			player_refused(p, (unsigned)qi, env->error);
			break;
		}
		if (p->pq && bench_buzz_refused(p, env->error->ref_seq,
						(int)env->error->code))
			break;
		qi = p->pq ? player_wager_by_seq(p, env->error->ref_seq) : -1;
		if (qi >= 0 && env->error->ref_seq) {
			player_wager_refused(p, (unsigned)qi, env->error);
			break;
		}
		snprintf(who, sizeof(who), "bench-%u", p->idx);
		bench_error(b, who, env->error);
		if (p->state == P_JOINING)
			qconn_close(c);
		break;
	case QUIZ__V1__ENVELOPE__BODY_QUESTION:
		player_question(p, env->question, recv);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK:
		qi = p->pq ? player_answer_by_seq(p, env->seq) : -1;
		if (qi < 0 || p->pq[qi].acked ||
		    (unsigned)qi != env->answer_ack->question_index) {
			b->mm_ack++;
			bench_example(
			    b,
			    "bench-%u: AnswerAck seq %u q%u matches no "
			    "answer",
			    p->idx, env->seq, env->answer_ack->question_index);
			break;
		}
		p->pq[qi].acked = 1;
		p->pq[qi].ack_rt = env->answer_ack->response_time_us;
		if (recv > p->pq[qi].sent_local)
			p->pq[qi].ack_us =
			    (uint32_t)(recv - p->pq[qi].sent_local);
		bench_acks_line(b, p->id, (uint32_t)qi,
				env->answer_ack->response_time_us);
		b->acked++;
		b->q[qi].acked++;
		if (recv > b->q[qi].last_ack)
			b->q[qi].last_ack = recv;
		if (p->pq[qi].oot) {
			b->mm_turn++;
			bench_example(b,
				      "bench-%u q%u: answer out of turn "
				      "accepted",
				      p->idx, qi);
		}
		bench_hurry(b, (unsigned)qi);
		break;
	case QUIZ__V1__ENVELOPE__BODY_REVEAL:
		bench_reveal(b, c, env->reveal, recv, 1);
		if ((int)env->reveal->question_index > p->last_revealed)
			p->last_revealed = (int)env->reveal->question_index;
		break;
	case QUIZ__V1__ENVELOPE__BODY_RESULT:
		player_result(p, env->result);
		break;
	case QUIZ__V1__ENVELOPE__BODY_LEADERBOARD:
		if (env->leaderboard->final)
			bench_final(b, env->leaderboard);
		bench_leaderboard(b, env->leaderboard);
		break;
	case QUIZ__V1__ENVELOPE__BODY_WAGER_REQUEST:
		player_wager_request(p, env->wager_request);
		break;
	case QUIZ__V1__ENVELOPE__BODY_BUZZ_STATE:
		bench_buzz_state(p, env->buzz_state);
		break;
	case QUIZ__V1__ENVELOPE__BODY_BUZZ_RESULT:
		bench_buzz_result(p, env->buzz_result);
		break;
	case QUIZ__V1__ENVELOPE__BODY_WAGER_ACK:
		player_wager_ack(p, env->wager_ack, env->seq);
		break;
	case QUIZ__V1__ENVELOPE__BODY_TURN:
		if (b->q && env->turn->question_index < b->nq)
			bench_set_turn(b, &b->q[env->turn->question_index],
				       env->turn);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROUND_START:
		bench_round_start(b, env->round_start);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROUND_END:
		bench_round_end(b, env->round_end, p->last_revealed, 0);
		break;
	case QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE:
		p->paused =
		    env->state_change->state == QUIZ__V1__ROOM_STATE__PAUSED;
		if (env->state_change->state ==
			QUIZ__V1__ROOM_STATE__FINISHED &&
		    !p->finished) {
			p->finished = 1;
			b->finished++;
			qconn_close(c);
		}
		break;
	case QUIZ__V1__ENVELOPE__BODY_KICKED:
		p->kicked = 1;
		b->kicked++;
		snprintf(who, sizeof(who), "bench-%u", p->idx);
		fprintf(stderr, "quiz-bench: %s kicked: %s\n", who,
			env->kicked->reason);
		break;
	default:
		break;
	}
}

/* The TCP connect finished: through the relay, the next contestant may
 * connect now (this one sits in the relay's accept queue). */
static void player_on_connect(struct qconn *c, int status)
{
	struct player *p = qconn_data(c);

	(void)status;
	if (p->b->relay_waiting == p)
		p->b->relay_waiting = NULL;
}

static void player_on_close(struct qconn *c, int reason)
{
	struct player *p = qconn_data(c);
	struct bench *b = p->b;

	p->c = NULL;
	if (b->relay_waiting == p)
		b->relay_waiting = NULL;
	if (p->timer_live)
		uv_timer_stop(&p->timer);
	if (p->state == P_RESEAT && !b->stopping) {
		player_reseat_later(p); /* refused, or closed before Joined */
		return;
	}
	if (p->state == P_RESEAT) {
		player_unseated_done(p);
	} else if (p->state == P_JOINED && !p->finished && !p->kicked &&
		   !b->stopping && !b->o.no_reconnect && !b->relay &&
		   p->token[0]) {
		/* the server closed or went away: take the seat back */
		p->state = P_RESEAT;
		p->drop_at = qconn_now_us();
		p->conns++;
		p->attempt = 0;
		p->cur = -1;
		p->wager_q = -1;
		b->unseated++;
		bench_procs_note(b);
		player_reseat_later(p);
		return;
	}
	if (p->state == P_CONNECTING || p->state == P_JOINING) {
		b->inflight--;
		b->failed++;
		if (!b->stopping && b->failed <= BENCH_MAX_EXAMPLES)
			fprintf(stderr,
				"quiz-bench: bench-%u: connection "
				"failed before joining (%s)\n",
				p->idx, bench_strerror(reason));
		bench_maybe_start(b);
	} else if (p->state == P_JOINED && !p->finished) {
		b->dropped++;
		if (!b->stopping)
			fprintf(stderr, "quiz-bench: bench-%u: dropped (%s)\n",
				p->idx, bench_strerror(reason));
	}
	p->state = P_GONE;
	bench_check_end(b);
}

/* Opens one contestant connection. */
static void player_start(struct bench *b, struct player *p)
{
	const struct sockaddr_storage *to;
	struct qconn_options opt = {
	    .client = "quiz-bench/" QUIZ_VERSION,
	    .formats = QCONN_FORMATS_DEFAULT |
		       QCONN_FORMAT(QUIZ__V1__ROUND_FORMAT__BUZZ)};

	p->state = P_CONNECTING;
	p->cur = -1;
	p->conn_at = qconn_now_us();
	if (!b->t_first_conn)
		b->t_first_conn = p->conn_at;
	b->inflight++;
	uv_timer_init(b->loop, &p->timer);
	p->timer.data = p;
	p->timer_live = 1;
	p->conns = 1;
	p->addr = p->idx % b->o.naddrs; /* the global index: even over procs */
	p->c = qconn_new(b->loop, &player_cb, p);
	if (!p->c) {
		b->inflight--;
		b->failed++;
		p->state = P_GONE;
		return;
	}
	qconn_configure(p->c, &opt);
	if (b->relay) {
		if (bench_relay_expect(b, p) < 0) {
			qconn_close(p->c);
			return;
		}
		b->relay_waiting = p;
	}
	to = b->relay ? &b->relay_addr : &b->o.addrs[p->addr];
	if (qconn_connect(p->c, (const struct sockaddr *)to) < 0)
		qconn_close(p->c);
}

/* Opens connections a batch per loop turn, keeping at most --ramp of them
 * between connect and Joined so the listen backlog never overflows. */
static void on_ramp(uv_timer_t *t)
{
	struct bench *b = t->data;

	/* through the relay one connect at a time: the relay takes the
	 * next connection it accepts for the contestant waiting */
	while (b->next < b->o.players && b->inflight < b->o.ramp &&
	       !b->relay_waiting)
		player_start(b, &b->players[b->next++]);
	if (b->next == b->o.players) {
		uv_timer_stop(t);
		bench_maybe_start(b);
		bench_check_end(b);
	}
}

static void host_watch(struct bench *b, struct qconn *c);
static void on_host_timer(uv_timer_t *t);
static void host_on_close(struct qconn *c, int reason);

static void host_on_message(struct qconn *c, const Quiz__V1__Envelope *env,
			    uint64_t recv)
{
	struct bench *b = qconn_data(c);
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings st = QUIZ__V1__ROOM_SETTINGS__INIT;
	const Quiz__V1__RoomCreated *rc;
	int64_t seq;

	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		if (b->host_token[0]) { /* a reconnect: the seat back */
			host_watch(b, c);
			break;
		}
		st.format = QUIZ__V1__ROUND_FORMAT__SPEED;
		st.title = "quiz-bench";
		st.question_count = b->o.questions;
		st.time_limit_ms = b->o.time_limit_ms;
		st.seed = b->o.seed;
		st.auto_advance = 1;
		st.max_players = b->o.players; /* past the default 10,000 */
		st.countdown_ms = 1000;
		st.reveal_ms = 1000;
		st.leaderboard_ms = 1000;
		if (b->o.contest_text) {
			st.question_count = 0; /* the contest's rounds */
			cr.contest = b->o.contest_text;
			/* the round break lasts leaderboard_ms: the host's
			 * NEXT must land in it, not in the next round's
			 * wager phase, even on a loaded machine */
			st.leaderboard_ms = 2000;
		}
		cr.settings = &st;
		out.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
		out.create_room = &cr;
		seq = qconn_send(c, &out);
		if (seq < 0) {
			b->fatal = 1;
			bench_stop(b);
			return;
		}
		b->create_seq = (uint32_t)seq;
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED:
		rc = env->room_created;
		bench_contest_info(b, rc->contest);
		if (b->contest)
			bench_setup_teams(b, rc->contest);
		if (b->o.contest_path && !rc->contest)
			fprintf(stderr, "quiz-bench: RoomCreated without its "
					"contest\n");
		if (strlen(rc->code) > BENCH_CODE_MAX ||
		    bench_set_questions(b, b->o.contest_path ? BENCH_CONTEST_Q
					   : rc->settings &&
						   rc->settings->question_count
					       ? rc->settings->question_count
					       : b->o.questions) < 0) {
			fprintf(stderr, "quiz-bench: bad RoomCreated\n");
			b->fatal = 1;
			bench_stop(b);
			return;
		}
		snprintf(b->code, sizeof(b->code), "%s", rc->code);
		snprintf(b->host_token, sizeof(b->host_token), "%s",
			 rc->host_token ? rc->host_token : "");
		bench_procs_code(b); /* --procs: the workers join now */
		uv_timer_start(&b->ramp_timer, on_ramp, 0, 1);
		break;
	case QUIZ__V1__ENVELOPE__BODY_WATCHING:
		if (!env->watching->host) {
			fprintf(stderr, "quiz-bench: WatchRoom did not give "
					"the host seat back\n");
			b->fatal = 1;
			bench_stop(b);
			return;
		}
		b->host_watching = 1;
		b->host_attempt = 0;
		b->host_drop_at = 0;
		b->host_reconnects++;
		if (env->watching->state == QUIZ__V1__ROOM_STATE__FINISHED) {
			b->host_finished = 1;
			bench_check_end(b);
		}
		break;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		bench_error(b, "host", env->error);
		if (env->error->ref_seq &&
		    (env->error->ref_seq == b->create_seq ||
		     env->error->ref_seq == b->watch_seq ||
		     env->error->ref_seq == b->start_seq)) {
			b->fatal = 1;
			bench_stop(b);
		}
		break;
	case QUIZ__V1__ENVELOPE__BODY_REVEAL:
		bench_reveal(b, c, env->reveal, recv, 0);
		if ((int)env->reveal->question_index > b->host_last_revealed)
			b->host_last_revealed =
			    (int)env->reveal->question_index;
		break;
	case QUIZ__V1__ENVELOPE__BODY_LEADERBOARD:
		if (env->leaderboard->final)
			bench_final(b, env->leaderboard);
		bench_leaderboard(b, env->leaderboard);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROUND_START:
		bench_round_start(b, env->round_start);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROUND_END:
		bench_round_end(b, env->round_end, b->host_last_revealed, 1);
		break;
	case QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE:
		if (env->state_change->state ==
		    QUIZ__V1__ROOM_STATE__FINISHED) {
			b->host_finished = 1;
			bench_check_end(b);
		}
		if (env->state_change->state == QUIZ__V1__ROOM_STATE__PAUSED &&
		    env->state_change->reason ==
			QUIZ__V1__PAUSE_REASON__PAUSE_RECOVERED) {
			if (!b->resume_due)
				b->resume_due_at = qconn_now_us();
			b->resume_due = 1;
			bench_host_maybe_resume(b);
		} else {
			b->resume_due = 0;
		}
		break;
	default:
		break;
	}
}

/* The host's RESUME of a room rebuilt after a restart: once every
 * dropped contestant is seated again, or --resume-wait-ms after the
 * pause was seen. */
static void bench_host_maybe_resume(struct bench *b)
{
	if (!b->resume_due || !b->host || !b->host_watching || b->stopping)
		return;
	if (b->unseated && qconn_now_us() - b->resume_due_at <
			       (uint64_t)b->o.resume_wait_ms * 1000) {
		if (!uv_is_active((uv_handle_t *)&b->host_timer))
			uv_timer_start(&b->host_timer, on_host_timer, 50, 0);
		return;
	}
	b->resume_due = 0;
	if (bench_host_cmd(b, QUIZ__V1__HOST_COMMAND__ACTION__RESUME) > 0)
		b->resumes_sent++;
}

/* Takes the host seat back: WatchRoom{code, host_token}. */
static void host_watch(struct bench *b, struct qconn *c)
{
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__WatchRoom w = QUIZ__V1__WATCH_ROOM__INIT;
	int64_t seq;

	w.code = b->code;
	w.host_token = b->host_token;
	out.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	out.watch_room = &w;
	seq = qconn_send(c, &out);
	if (seq < 0) {
		qconn_close(c);
		return;
	}
	b->watch_seq = (uint32_t)seq;
}

/* The host's connection, configured, not connected yet (NULL: out of
 * memory). */
static struct qconn *host_new(struct bench *b)
{
	static const struct qconn_callbacks host_cb = {
	    .on_message = host_on_message,
	    .on_close = host_on_close,
	};
	struct qconn_options hopt = {
	    .client = "quiz-bench-host/" QUIZ_VERSION,
	    .formats = QCONN_FORMATS_DEFAULT |
		       QCONN_FORMAT(QUIZ__V1__ROUND_FORMAT__BUZZ)};
	struct qconn *c = qconn_new(b->loop, &host_cb, b);

	if (c)
		qconn_configure(c, &hopt);
	return c;
}

/* The host timer: a reconnect after its backoff, or the RESUME wait. */
static void on_host_timer(uv_timer_t *t)
{
	struct bench *b = t->data;

	if (b->stopping)
		return;
	if (b->host) {
		bench_host_maybe_resume(b);
		return;
	}
	b->host_attempt++;
	b->host_addr = bench_addr_next(b, b->host_addr);
	b->host = host_new(b);
	if (!b->host) {
		uv_timer_start(&b->host_timer, on_host_timer,
			       bench_backoff_ms(b, b->host_attempt), 0);
		return;
	}
	if (qconn_connect(b->host,
			  (const struct sockaddr *)&b->o.addrs[b->host_addr]) <
	    0)
		qconn_close(b->host); /* host_on_close tries again */
}

static void host_on_close(struct qconn *c, int reason)
{
	struct bench *b = qconn_data(c);

	b->host = NULL;
	b->host_watching = 0;
	if (!b->host_drop_at)
		b->host_drop_at = qconn_now_us();
	if (!b->stopping && !b->host_finished && !b->fatal &&
	    !b->o.no_reconnect && b->host_token[0] &&
	    qconn_now_us() - b->host_drop_at <=
		(uint64_t)b->o.reconnect_s * 1000000) {
		uv_timer_start(&b->host_timer, on_host_timer,
			       bench_backoff_ms(b, b->host_attempt), 0);
		return;
	}
	if (!b->stopping && !b->host_finished) {
		fprintf(stderr, "quiz-bench: host connection closed (%s)\n",
			bench_strerror(reason));
		b->fatal = 1;
		bench_stop(b);
	}
}

/* Global timeout: report what we have and fail. */
static void on_timeout(uv_timer_t *t)
{
	struct bench *b = t->data;

	fprintf(stderr, "quiz-bench: timeout after %u s\n", b->o.timeout_s);
	b->timed_out = 1;
	bench_stop(b);
}

/* Closes every connection and timer; the loop then runs dry. */
void bench_stop(struct bench *b)
{
	unsigned i;

	if (b->stopping)
		return;
	b->stopping = 1;
	b->t_end = qconn_now_us();
	uv_close((uv_handle_t *)&b->ramp_timer, NULL);
	uv_close((uv_handle_t *)&b->rv_timer, NULL);
	uv_close((uv_handle_t *)&b->timeout_timer, NULL);
	uv_close((uv_handle_t *)&b->host_timer, NULL);
	qconn_close(b->host);
	bench_relay_stop(b);
	bench_practice_stop(b);
	bench_procs_stop(b);
	for (i = 0; i < b->o.players; i++) {
		struct player *p = &b->players[i];

		qconn_close(p->c);
		if (p->timer_live) {
			p->timer_live = 0;
			uv_close((uv_handle_t *)&p->timer, NULL);
		}
	}
}

/* Main loop: every practising client had its first PracticeReady (or
 * failed): the host may START. */
static void on_practice_up(uv_async_t *a)
{
	struct bench *b = a->data;

	b->practice_up = 1;
	bench_maybe_start(b);
}

/* --practice: the main loop's async handle, then the practice thread.
 * Returns 0 or a negative error (message printed). */
static int bench_practice_init(struct bench *b)
{
	int rc;

	if ((rc = uv_mutex_init(&b->practice_mu)) < 0 ||
	    (rc = uv_async_init(b->loop, &b->practice_async, on_practice_up)) <
		0) {
		fprintf(stderr, "quiz-bench: --practice: %s\n",
			uv_strerror(rc));
		return rc;
	}
	b->practice_async.data = b;
	rc = bench_practice_start(b);
	if (rc < 0)
		fprintf(stderr,
			"quiz-bench: cannot start the practising clients: "
			"%s\n",
			rc == -ENOMEM ? "out of memory" : uv_strerror(rc));
	return rc;
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

/* Releases everything after the loop has closed every handle. */
static void bench_free(struct bench *b)
{
	unsigned i;

	bench_buzz_free(b);
	for (i = 0; b->players && i < b->o.players; i++)
		free(b->players[i].pq);
	for (i = 0; b->q && i < b->nq; i++) {
		free(b->q[i].fan_q);
		free(b->q[i].fan_r);
		free(b->q[i].skew);
	}
	for (i = 0; i < b->nboards; i++)
		free(b->boards[i].t);
	free(b->boards);
	free(b->eps);
	free(b->rv);
	free(b->o.contest_text);
	free(b->q);
	free(b->players);
	bench_relay_free(b);
	if (b->o.practice) {
		bench_practice_free(b);
		uv_mutex_destroy(&b->practice_mu);
	}
	bench_free_bank(b->bank);
}

/* A worker's counts came (client/bench_procs.c): START once all joined
 * or failed, RESUME once none is unseated, the end once all stopped. */
void bench_progress(struct bench *b)
{
	bench_maybe_start(b);
	bench_host_maybe_resume(b);
	bench_check_end(b);
}

/* The run in this process: players, loop, host or --code, until the
 * loop runs dry. */
int bench_run(struct bench *b)
{
	uv_loop_t loop;
	unsigned i;
	int rc;

	b->players = calloc(b->o.players, sizeof(*b->players));
	if (!b->players || uv_loop_init(&loop) < 0) {
		fprintf(stderr, "quiz-bench: cannot allocate\n");
		return 1;
	}
	b->loop = &loop;
	for (i = 0; i < b->o.players; i++) {
		b->players[i].b = b;
		b->players[i].idx = b->idx_base + i;
		b->players[i].cur = -1;
		b->players[i].team = -1;
		b->players[i].last_revealed = -1;
		b->players[i].wager_q = -1;
	}
	b->host_last_revealed = -1;
	b->contest = b->o.contest_path || b->o.teams;
	if (b->contest && !b->o.contest_path)
		bench_setup_teams(b, NULL); /* --teams: team-1 .. team-N */
	uv_timer_init(&loop, &b->ramp_timer);
	uv_timer_init(&loop, &b->rv_timer);
	b->rv_timer.data = b;
	uv_timer_init(&loop, &b->timeout_timer);
	uv_timer_init(&loop, &b->host_timer);
	b->host_timer.data = b;
	b->ramp_timer.data = b;
	b->timeout_timer.data = b;
	uv_timer_start(&b->timeout_timer, on_timeout,
		       (uint64_t)b->o.timeout_s * 1000, 0);
	if (b->o.delays && (rc = bench_relay_start(b)) < 0) {
		fprintf(stderr,
			"quiz-bench: cannot start the delay relay: %s\n",
			uv_strerror(rc));
		return 1;
	}
	b->t_start = qconn_now_us();
	if (b->o.practice && bench_practice_init(b) < 0)
		return 1;
	if (b->procs && (rc = bench_procs_loop_start(b)) < 0) {
		fprintf(stderr, "quiz-bench: --procs: %s\n", uv_strerror(rc));
		return 1;
	}
	if (b->o.code) {
		snprintf(b->code, sizeof(b->code), "%s", b->o.code);
		uv_timer_start(&b->ramp_timer, on_ramp, 0, 1);
	} else {
		b->host = host_new(b);
		if (!b->host) {
			fprintf(stderr, "quiz-bench: cannot allocate\n");
			return 1;
		}
		rc = qconn_connect(b->host,
				   (const struct sockaddr *)&b->o.addrs[0]);
		if (rc < 0) {
			fprintf(stderr, "quiz-bench: connect: %s\n",
				uv_strerror(rc));
			qconn_close(b->host);
			b->fatal = 1;
			bench_stop(b);
		}
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	bench_relay_free(b);	/* joins the relay thread: its counters */
	bench_practice_join(b); /* after the drain: its figures */
	if (uv_loop_close(&loop) < 0)
		fprintf(stderr, "quiz-bench: loop still has handles\n");
	b->loop = NULL;
	if (b->acks_f && fclose(b->acks_f) != 0) {
		fprintf(stderr, "quiz-bench: cannot write %s\n", b->o.acks_out);
		b->fatal = 1;
	}
	b->acks_f = NULL;
	return 0;
}

/* Checks, reports and frees; returns the exit status. */
int bench_finish(struct bench *b)
{
	uint64_t missing;
	int complete, status;

	if (bench_standings_write(b) < 0)
		b->fatal = 1;
	missing = bench_report_missing(b);
	bench_report_check_final(b);
	if (b->contest)
		bench_report_check_contest(b);
	complete = !b->fatal && !b->timed_out && b->joined == b->o.players &&
		   b->finished == b->o.players && b->q && missing == 0;
	bench_report(b, stdout, complete, missing);
	if (b->o.json_out) {
		FILE *f = fopen(b->o.json_out, "w");

		if (f) {
			bench_report(b, f, complete, missing);
			fclose(f);
		} else {
			fprintf(stderr, "quiz-bench: cannot write %s: %s\n",
				b->o.json_out, strerror(errno));
			complete = 0;
		}
	}
	if (b->o.told_out) {
		FILE *f = fopen(b->o.told_out, "w");

		if (f) {
			bench_report_told(b, f);
			fclose(f);
		} else {
			fprintf(stderr, "quiz-bench: cannot write %s: %s\n",
				b->o.told_out, strerror(errno));
			complete = 0;
		}
	}
	/* buzz: a wrong winner at a true gap >= 5 ms fails the run when
	 * the delays were symmetric within the default cap (150 ms) */
	if (bench_buzz_seen(b) && bench_buzz_wrong(b) &&
	    (!b->o.delays ||
	     (b->o.symmetric && b->o.up_max + b->o.jitter_ms <= 150))) {
		fprintf(stderr,
			"quiz-bench: %" PRIu64 " wrong buzz winners at a true "
			"gap of 5 ms or more\n",
			b->bz_wrong_ge5);
		complete = 0;
	}
	if (bench_practice_failures(b)) { /* the match may be fine */
		fprintf(stderr,
			"quiz-bench: practising clients: %" PRIu64
			" failures (see \"practice\" in the JSON)\n",
			bench_practice_failures(b));
		complete = 0;
	}
	status = complete && b->mm_score + b->mm_rt + b->mm_ack +
				     b->mm_correct +
				     bench_contest_mismatches(b) ==
				 0
		     ? 0
		     : 1;
	bench_free(b);
	return status;
}

int main(int argc, char **argv)
{
	struct bench b;
	int rc;

	memset(&b, 0, sizeof(b));
	rc = bench_args_parse(argc, argv, &b.o);
	if (rc)
		return rc > 0 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	if (b.o.bank_dir && !(b.bank = bench_load_bank(b.o.bank_dir)))
		return 2;
	if (bench_acks_open(&b) < 0)
		return 2;
	if (b.o.procs > 1)
		return bench_procs_main(&b);
	b.rng = b.o.seed ? b.o.seed : uv_hrtime();
	rc = bench_run(&b);
	if (rc)
		return rc;
	return bench_finish(&b);
}

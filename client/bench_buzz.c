/* quiz-bench in 抢答 (BUZZ) rounds: contestants press the buzzer at
 * planned true instants, some before it arms (--foul), the winner answers
 * (right with probability --accuracy, so rebounds happen), and the report
 * says how often the server's winner is the contestant who truly pressed
 * first, by true gap, and how far the compensated reaction times are from
 * the true ones. "True" is the contestant's own clock: a press is timed
 * when the Buzz is handed to the socket (before any injected up delay),
 * from armed_at as the contestant's synced clock shows it. */
#include "bench_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"
#include "qconn.h"
#include "wire.h"

#define BZ_GAP_US 5000 /* the fairness goal: 0 wrong winners at >= 5 ms */

/* The buzz bookkeeping of question qi (allocated on first use). */
static struct bq_buzz *bz_of(struct bench *b, unsigned qi)
{
	struct bq *q = &b->q[qi];

	if (!q->bz) {
		q->bz = calloc(1, sizeof(*q->bz));
		if (!q->bz)
			return NULL;
	}
	return q->bz;
}

/* The press records of player p on question qi. */
static struct pz *pz_of(struct player *p, unsigned qi)
{
	struct pq *a = &p->pq[qi];

	if (!a->z)
		a->z = calloc(BENCH_ARMS_MAX, sizeof(*a->z));
	return a->z;
}

/* Whether player p may still press on question qi (not fouled, not the
 * winner of an earlier arming). */
static int bz_may_press(const struct player *p, unsigned qi)
{
	return !p->pq[qi].bz_out;
}

/* Draws the plan of one arming for every contestant: one leader A with a
 * reaction of 150..450 ms, a runner-up B close behind it (by turns 5..15
 * ms, 2..5 ms, under 2 ms), everyone else 25..300 ms after A; on the first
 * arming each contestant fouls with probability --foul (pressing 0.2..1.5
 * s before the buzzer arms). */
static int bz_plan(struct bench *b, unsigned qi, unsigned k)
{
	struct bq_buzz *bz = bz_of(b, qi);
	struct bz_arm *arm;
	unsigned n = b->o.players, i, A, B, live = 0, tries;
	int64_t ra, gap;

	if (!bz)
		return -1;
	arm = &bz->arm[k];
	if (arm->plan)
		return 0;
	arm->plan = calloc(n, sizeof(*arm->plan));
	arm->foul = calloc(n, 1);
	if (!arm->plan || !arm->foul)
		return -1;
	for (i = 0; i < n; i++) {
		struct player *p = &b->players[i];

		if (!p->pq || !bz_may_press(p, qi))
			continue;
		if (k == 0 && b->o.foul > 0 && bench_rng_unit(b) < b->o.foul) {
			arm->foul[i] = 1;
			arm->plan[i] =
			    -(int64_t)(200000 + bench_rng_below(b, 1300001));
			b->bz_fouls_planned++;
			continue;
		}
		live++;
		arm->plan[i] = 25000 + bench_rng_below(b, 275001);
	}
	if (!live)
		return 0;
	/* the leader and the runner-up among those who press validly */
	for (tries = 0, A = n; tries < 4 * n && A == n; tries++) {
		i = bench_rng_below(b, n);
		if (b->players[i].pq && bz_may_press(&b->players[i], qi) &&
		    !arm->foul[i])
			A = i;
	}
	if (A == n)
		return 0;
	ra = 150000 + bench_rng_below(b, 300001);
	for (i = 0; i < n; i++)
		if (i != A && !arm->foul[i])
			arm->plan[i] += ra;
	arm->plan[A] = ra;
	for (tries = 0, B = n; live > 1 && tries < 4 * n && B == n; tries++) {
		i = bench_rng_below(b, n);
		if (i != A && b->players[i].pq &&
		    bz_may_press(&b->players[i], qi) && !arm->foul[i])
			B = i;
	}
	if (B == n)
		return 0;
	switch (b->bz_armings_planned++ % 3) {
	case 0:
		gap = 5000 + bench_rng_below(b, 10001); /* 5..15 ms */
		break;
	case 1:
		gap = 2100 + bench_rng_below(b, 2801); /* 2.1..4.9 ms */
		break;
	default:
		gap = 200 + bench_rng_below(b, 1701); /* 0.2..1.9 ms */
		break;
	}
	arm->plan[B] = ra + gap;
	return 0;
}

/* Arms player p's press for arming k of question qi, whose buzzer arms at
 * server time armed_at (once per arming). */
static void bz_schedule(struct player *p, unsigned qi, unsigned k,
			uint64_t armed_at)
{
	struct bench *b = p->b;
	struct bq_buzz *bz;
	struct pz *z;
	uint64_t at, now;
	size_t i = (size_t)(p - b->players); /* p->idx is global (--procs) */

	if (k >= BENCH_ARMS_MAX || !armed_at || !p->c)
		return;
	bz = bz_of(b, qi);
	z = pz_of(p, qi);
	if (!bz || !z || z[k].planned)
		return;
	if (!bz->arm[k].armed_at)
		bz->arm[k].armed_at = armed_at;
	z[k].planned = 1;
	if (!bz_may_press(p, qi) || bz_plan(b, qi, k) < 0 || !bz->arm[k].plan)
		return;
	z[k].armed_local = qconn_to_local(p->c, armed_at);
	z[k].sync_us = qconn_rtt_us(p->c) > 0 ? qconn_rtt_us(p->c) / 2 : 0;
	z[k].foul_plan = bz->arm[k].foul[i];
	at = (uint64_t)((int64_t)z[k].armed_local + bz->arm[k].plan[i]);
	now = qconn_now_us();
	if (z[k].foul_plan && at < now + 1000)
		at = now + 1000; /* the question came late: foul at once */
	p->cur = (int)qi;
	p->bz_arm = (int)k;
	p->bz_at = at;
	p->phase = 3;
	bench_player_arm(p, at, 1);
}

/* A Question of a buzz round: its first arming is known already. */
void bench_buzz_question(struct player *p, const Quiz__V1__Question *m,
			 uint64_t recv)
{
	(void)recv;
	p->pq[m->index].intends = 0; /* answers only as a winner */
	bz_schedule(p, m->index, 0, m->armed_at_us);
}

/* Presses the buzzer now (the timer of phase 3). */
static void bz_press(struct player *p)
{
	struct bench *b = p->b;
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Buzz bz = QUIZ__V1__BUZZ__INIT;
	unsigned qi = (unsigned)p->cur, k = (unsigned)p->bz_arm;
	struct pz *z = pz_of(p, qi);
	uint64_t now;
	int64_t seq;

	if (!z || z[k].pressed || !bz_may_press(p, qi))
		return;
	bz.question_index = qi;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_BUZZ;
	env.buzz = &bz;
	now = qconn_now_us();
	seq = qconn_send(p->c, &env);
	if (seq < 0)
		return;
	z[k].pressed = 1;
	z[k].press_local = now;
	z[k].seq = (uint32_t)seq;
	b->bz_presses++;
	if (z[k].foul_plan)
		p->pq[qi].bz_out = 1; /* it may not press again */
}

/* The buzz timers: a press (phase 3) or the winner's answer (phase 4). */
void bench_buzz_timer(struct player *p)
{
	if (!p->c || p->cur < 0)
		return;
	if (p->phase == 3) {
		if (bench_player_wait(p->bz_at) < 0) {
			bench_player_arm(p, p->bz_at, 1);
			return;
		}
		bz_press(p);
		return;
	}
	if (p->phase == 4) {
		p->pq[p->cur].intends = 1;
		bench_player_answer(p);
	}
}

/* A BuzzState: an arming to press in, or our turn to answer. */
void bench_buzz_state(struct player *p, const Quiz__V1__BuzzState *m)
{
	struct bench *b = p->b;
	unsigned qi = m->question_index, k = m->arm;
	struct bq_buzz *bz;
	struct pq *a;

	if (!p->pq || qi >= b->nq || k >= BENCH_ARMS_MAX)
		return;
	bz = bz_of(b, qi);
	if (!bz)
		return;
	a = &p->pq[qi];
	if ((m->phase == QUIZ__V1__BUZZ_PHASE__BUZZ_ANSWERING ||
	     m->phase == QUIZ__V1__BUZZ_PHASE__BUZZ_JUDGING) &&
	    m->winner_id) {
		if (!bz->arm[k].winner_id)
			bz->arm[k].winner_id = m->winner_id;
		if (m->winner_id == p->id && !a->bz_won) {
			a->bz_won = 1;
			a->bz_out = 1; /* answered: out of the rebound */
			if (m->phase == QUIZ__V1__BUZZ_PHASE__BUZZ_ANSWERING &&
			    !a->sent) {
				p->cur = (int)qi;
				p->phase = 4;
				uv_timer_start(&p->timer, bench_on_player_timer,
					       100 + bench_rng_below(b, 201),
					       0);
			}
		}
		return;
	}
	if (m->phase == QUIZ__V1__BUZZ_PHASE__BUZZ_DONE) {
		/* over: a press still planned would only be refused */
		if (p->phase == 3 && p->cur == (int)qi) {
			uv_timer_stop(&p->timer);
			p->cur = -1;
		}
		return;
	}
	if (m->phase == QUIZ__V1__BUZZ_PHASE__BUZZ_READING ||
	    m->phase == QUIZ__V1__BUZZ_PHASE__BUZZ_ARMED) {
		/* a press still planned for an earlier arming: too late now */
		if (p->phase == 3 && p->cur == (int)qi && p->bz_arm < (int)k)
			uv_timer_stop(&p->timer);
		if (k > 0 && !bz->arm[k].armed_at)
			b->bz_rebounds++;
		bz_schedule(p, qi, k, m->armed_at_us);
	}
}

/* An Error: 1 when it refuses one of our presses (counted), else 0. */
int bench_buzz_refused(struct player *p, uint32_t ref_seq, int code)
{
	struct bench *b = p->b;
	unsigned qi, k;

	for (qi = 0; ref_seq && p->pq && qi < b->nq; qi++) {
		const struct pz *z = p->pq[qi].z;

		for (k = 0; z && k < BENCH_ARMS_MAX; k++)
			if (z[k].pressed && z[k].seq == ref_seq) {
				b->bz_refused++;
				if (code != QUIZ__V1__ERROR_CODE__BAD_STATE &&
				    code !=
					QUIZ__V1__ERROR_CODE__ALREADY_ANSWERED)
					bench_example(b,
						      "bench-%u q%u: press "
						      "refused with %d",
						      p->idx, qi, code);
				return 1;
			}
	}
	return 0;
}

/* A BuzzResult: what became of our press. */
void bench_buzz_result(struct player *p, const Quiz__V1__BuzzResult *m)
{
	struct bench *b = p->b;
	const Quiz__V1__Press *pr = m->press;
	unsigned qi = m->question_index, k;
	struct pz *z;

	if (!pr || !p->pq || qi >= b->nq || pr->arm >= BENCH_ARMS_MAX)
		return;
	k = pr->arm;
	z = pz_of(p, qi);
	if (!z)
		return;
	if (!z[k].pressed) {
		/* a press meant for an earlier arming that reached the server
		 * in this one (the rebound's news was still on its way down):
		 * the server's view counts, but it is no planned press */
		unsigned j;

		for (j = k; j-- > 0;)
			if (z[j].pressed && !z[j].result)
				break;
		if (j < k) {
			z[j].result = 1;
			z[j].crossed = 1;
			z[j].outcome = (uint8_t)pr->outcome;
			b->bz_crossed++;
			if (pr->outcome < 6)
				b->bz_outcomes[pr->outcome]++;
			if (pr->outcome == QUIZ__V1__PRESS_OUTCOME__PRESS_FOUL)
				p->pq[qi].bz_out = 1;
			return;
		}
	}
	if (!z[k].pressed || z[k].result) {
		b->bz_unexpected++;
		bench_example(b, "bench-%u q%u arm %u: BuzzResult for no press",
			      p->idx, qi, k);
		return;
	}
	z[k].result = 1;
	z[k].outcome = (uint8_t)pr->outcome;
	z[k].srv_react = pr->react_us;
	z[k].srv_gap = pr->gap_us;
	z[k].one_way = pr->one_way_us;
	if (pr->outcome < 6)
		b->bz_outcomes[pr->outcome]++;
	if (pr->outcome == QUIZ__V1__PRESS_OUTCOME__PRESS_FOUL) {
		p->pq[qi].bz_out = 1;
		if (z[k].foul_plan)
			b->bz_fouls_seen++;
		else
			b->bz_fouls_unplanned++;
	} else if (z[k].foul_plan) {
		b->bz_fouls_missed++;
		bench_example(b,
			      "bench-%u q%u: pressed %" PRId64
			      " us before arming, decided %d",
			      p->idx, qi,
			      (int64_t)(z[k].armed_local - z[k].press_local),
			      (int)pr->outcome);
	}
}

/* Whether a press outcome is a valid press that was ranked. */
static int bz_ranked(uint8_t o)
{
	return o == QUIZ__V1__PRESS_OUTCOME__PRESS_WON ||
	       o == QUIZ__V1__PRESS_OUTCOME__PRESS_SLOWER ||
	       o == QUIZ__V1__PRESS_OUTCOME__PRESS_LATE;
}

/* Goes over every arming: the true first presser against the server's
 * winner, by true gap; the compensated time's error. Fills the counters
 * of b (bz_by_gap, bz_wrong_ge5) and returns the error samples (count in
 * *n; the caller frees). */
static int64_t *bz_tally(struct bench *b, size_t *n, int64_t **resid_out)
{
	size_t cap = 16, m = 0;
	int64_t *err = malloc(cap * sizeof(*err));
	int64_t *resid = malloc(cap * sizeof(*resid));
	unsigned qi, k, i;

	*n = 0;
	if (!err || !resid) {
		free(err);
		free(resid);
		return NULL;
	}
	memset(b->bz_by_gap, 0, sizeof(b->bz_by_gap));
	b->bz_wrong_ge5 = 0;
	b->bz_armings = 0;
	for (qi = 0; qi < b->nq; qi++) {
		const struct bq_buzz *bz = b->q[qi].bz;

		if (!bz)
			continue;
		for (k = 0; k < BENCH_ARMS_MAX; k++) {
			int64_t t1 = INT64_MAX, t2 = INT64_MAX, tw = 0;
			int64_t e1 = 0, ew = 0; /* their clocks' uncertainty */
			unsigned first = b->o.players, wi = b->o.players;
			int have_w = 0, bucket;

			if (!bz->arm[k].armed_at)
				continue;
			for (i = 0; i < b->o.players; i++) {
				const struct player *p = &b->players[i];
				const struct pz *z;
				int64_t t;

				if (!p->pq || !(z = p->pq[qi].z) ||
				    !z[k].pressed || !z[k].result ||
				    z[k].foul_plan || z[k].crossed)
					continue;
				t = (int64_t)(z[k].press_local -
					      z[k].armed_local);
				if (t < t1) {
					t2 = t1;
					t1 = t;
					e1 = z[k].sync_us;
					first = i;
				} else if (t < t2) {
					t2 = t;
				}
				if (z[k].outcome ==
				    QUIZ__V1__PRESS_OUTCOME__PRESS_WON) {
					have_w = 1;
					tw = t;
					ew = z[k].sync_us;
					wi = i;
					if (p->id != bz->arm[k].winner_id &&
					    bz->arm[k].winner_id)
						b->bz_unexpected++;
				}
				if (bz_ranked(z[k].outcome)) {
					if (m == cap) {
						int64_t *e = realloc(
						    err, 2 * cap * sizeof(*e));

						if (!e)
							continue;
						err = e;
						e = realloc(resid,
							    2 * cap *
								sizeof(*e));
						if (!e)
							continue;
						resid = e;
						cap *= 2;
					}
					/* against armed_at on the shared
					 * clock, less the floor (up-down)/2 */
					resid[m] =
					    z[k].srv_react -
					    ((int64_t)z[k].press_local -
					     (int64_t)bz->arm[k].armed_at) -
					    (p->up_us - p->down_us) / 2;
					err[m++] = z[k].srv_react - t;
				}
			}
			if (first == b->o.players || !have_w)
				continue;
			b->bz_armings++;
			bucket = t2 == INT64_MAX || t2 - t1 >= BZ_GAP_US ? 0
				 : t2 - t1 >= 2000			 ? 1
									 : 2;
			b->bz_by_gap[bucket][0]++;
			if (wi == first)
				b->bz_by_gap[bucket][1]++;
			else if (tw - t1 >= BZ_GAP_US + e1 + ew)
				/* a true gap known only to within each
				 * contestant's clock uncertainty (RTT / 2:
				 * loopback ~0.05 ms; more on a loaded host) */
				b->bz_wrong_ge5++;
		}
	}
	*n = m;
	if (resid_out)
		*resid_out = resid;
	else
		free(resid);
	return err;
}

/* Wrong winners at a true gap of 5 ms or more (bench_report_buzz must
 * have run, or this tallies now). */
uint64_t bench_buzz_wrong(struct bench *b)
{
	size_t n;

	free(bz_tally(b, &n, NULL));
	return b->bz_wrong_ge5;
}

/* Whether the run had a buzz round at all. */
int bench_buzz_seen(const struct bench *b)
{
	unsigned qi;

	for (qi = 0; b->q && qi < b->nq; qi++)
		if (b->q[qi].bz)
			return 1;
	return 0;
}

/* The "buzz" object of the JSON. */
void bench_report_buzz(struct bench *b, FILE *f)
{
	static const char *const names[] = {"ge5ms", "2to5ms", "lt2ms"};
	size_t n;
	int64_t *resid = NULL, *err = bz_tally(b, &n, &resid);
	struct bench_stats sg, ab, rs;
	double mean = bench_mean(err, n);
	unsigned i;

	if (!err)
		return;
	sg = bench_stats_of(err, n);
	for (i = 0; i < n; i++) {
		if (err[i] < 0)
			err[i] = -err[i];
		if (resid[i] < 0)
			resid[i] = -resid[i];
	}
	ab = bench_stats_of(err, n);
	rs = bench_stats_of(resid, n);
	fprintf(f, ",\"buzz\":{\"armings\":%u,\"by_true_gap\":{",
		b->bz_armings);
	for (i = 0; i < 3; i++)
		fprintf(f,
			"%s\"%s\":{\"armings\":%" PRIu64
			",\"right_winner\":%" PRIu64 "}",
			i ? "," : "", names[i], b->bz_by_gap[i][0],
			b->bz_by_gap[i][1]);
	fprintf(f,
		"},\"wrong_winners_ge5ms\":%" PRIu64 ",\"react_error_us\":"
		"{\"n\":%zu,\"mean\":%.1f,\"p50\":%" PRId64
		",\"abs_p50\":%" PRId64 ",\"abs_p99\":%" PRId64
		",\"abs_max\":%" PRId64 "},\"presses\":%" PRIu64
		",\"refused\":%" PRIu64 ",\"crossed\":%" PRIu64
		",\"rebounds\":%" PRIu64 ",\"fouls\":{\"planned\":%" PRIu64
		",\"seen\":%" PRIu64 ",\"unplanned\":%" PRIu64
		",\"missed\":%" PRIu64 "},\"outcomes\":{\"pending\":%" PRIu64
		",\"won\":%" PRIu64 ",\"slower\":%" PRIu64 ",\"late\":%" PRIu64
		",\"foul\":%" PRIu64 ",\"ignored\":%" PRIu64
		"},\"unexpected\":%" PRIu64
		",\"react_error_vs_armed_at_minus_half_asymmetry_us\":{"
		"\"abs_p50\":%" PRId64 ",\"abs_p99\":%" PRId64
		",\"abs_max\":%" PRId64 "}}",
		b->bz_wrong_ge5, n, mean, sg.p50, ab.p50, ab.p99, ab.max,
		b->bz_presses, b->bz_refused, b->bz_crossed, b->bz_rebounds,
		b->bz_fouls_planned, b->bz_fouls_seen, b->bz_fouls_unplanned,
		b->bz_fouls_missed, b->bz_outcomes[0], b->bz_outcomes[1],
		b->bz_outcomes[2], b->bz_outcomes[3], b->bz_outcomes[4],
		b->bz_outcomes[5], b->bz_unexpected, rs.p50, rs.p99, rs.max);
	free(err);
	free(resid);
}

/* Frees the buzz bookkeeping. */
void bench_buzz_free(struct bench *b)
{
	unsigned qi, k, i;

	for (qi = 0; b->q && qi < b->nq; qi++) {
		struct bq_buzz *bz = b->q[qi].bz;

		if (!bz)
			continue;
		for (k = 0; k < BENCH_ARMS_MAX; k++) {
			free(bz->arm[k].plan);
			free(bz->arm[k].foul);
		}
		free(bz);
	}
	for (i = 0; b->players && i < b->o.players; i++)
		for (qi = 0; b->players[i].pq && qi < b->nq; qi++)
			free(b->players[i].pq[qi].z);
}

/* quiz-bench's JSON summary (client/bench.c runs the match): the
 * end-of-run checks that need every contestant's Results (the final
 * standings; in a contest every booking of a unit and every team board),
 * the one JSON object printed on stdout (and to --json-out), and the
 * --told file. */
#include "bench_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_stats.h"

/* Stats over the union of one sample kind of every question. */
static struct bench_stats stats_all(struct bench *b, int which)
{
	size_t n = 0, k;
	unsigned i;
	int64_t *all;
	struct bench_stats s = {0, 0, 0, 0};

	for (i = 0; i < b->nq; i++)
		n += which == 0	  ? b->q[i].n_fan_q
		     : which == 1 ? b->q[i].n_fan_r
				  : b->q[i].n_skew;
	if (!n || !(all = malloc(n * sizeof(*all))))
		return s;
	for (i = 0, k = 0; i < b->nq; i++) {
		struct bq *q = &b->q[i];
		const int64_t *v = which == 0	? q->fan_q
				   : which == 1 ? q->fan_r
						: q->skew;
		size_t m = which == 0	? q->n_fan_q
			   : which == 1 ? q->n_fan_r
					: q->n_skew;

		if (m)
			memcpy(all + k, v, m * sizeof(*v));
		k += m;
	}
	s = bench_stats_of(all, n);
	free(all);
	return s;
}

/* The final standings must carry the totals the players were told. */
void bench_report_check_final(struct bench *b)
{
	unsigned i, k;
	int last = -1;

	for (i = 0; b->q && i < b->nq; i++)
		if (b->q[i].revealed)
			last = (int)i;

	for (i = 0; i < b->n_top; i++) {
		for (k = 0; k < b->o.players; k++) {
			const struct player *p = &b->players[k];

			if (!p->pq || p->id != b->top[i].player_id)
				continue;
			/* away at the end (a restart): its last total is
			 * not the final one */
			if (last >= 0 && !p->pq[last].result)
				break;
			if (p->last_total != b->top[i].score) {
				b->mm_score++;
				bench_example(
				    b,
				    "final leaderboard: %s score %" PRId64
				    ", its last Result total %" PRId64,
				    b->top[i].nickname, b->top[i].score,
				    p->last_total);
			}
			break;
		}
	}
}

/* Sum of the contest mismatch counters. */
uint64_t bench_contest_mismatches(const struct bench *b)
{
	return b->mm_team + b->mm_wager + b->mm_turn + b->mm_delta +
	       b->mm_rank + b->mm_member;
}

/* Index of a team by name, or -1. */
int bench_team_index(const struct bench *b, const char *name)
{
	unsigned i;

	for (i = 0; i < b->nteams; i++)
		if (strcmp(b->team_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* The total a player was told as of question q: the Result of the latest
 * question at or before q (0 before any). */
static int64_t total_as_of(const struct bench *b, const struct player *p, int q)
{
	int k;

	for (k = q < (int)b->nq ? q : (int)b->nq - 1; k >= 0; k--)
		if (p->pq[k].result)
			return p->pq[k].res_total;
	return 0;
}

/* Whether p's unit had the turn at question q (必答). */
static int player_in_turn(const struct bench *b, const struct player *p,
			  const struct bq *q)
{
	(void)b;
	if (q->turn_team >= 0)
		return p->team == q->turn_team;
	if (q->turn_team == -2 || !q->has_turn)
		return 0;
	return p->id == q->turn_player;
}

/* Whether player p is in unit u: team u (>= 0), or itself (u = -1 - idx)
 * when it has no team. */
static int in_unit(const struct player *p, int u)
{
	return u >= 0 ? p->team == u : p->team < 0 && (int)p->idx == -1 - u;
}

/* Checks the bookings of one unit (a team, or a contestant without one)
 * for a 必答 or 风险 question: one counted answer at most, every member
 * booked the same, by the rules. */
static void check_unit(struct bench *b, unsigned qi, int u)
{
	const struct bq *q = &b->q[qi];
	const struct bench_round *r =
	    q->round >= 0 && q->round < BENCH_ROUNDS_MAX ? &b->rounds[q->round]
							 : NULL;
	int wager = q->format == 3, answered = 0, correct = 0, in_turn = 0;
	uint64_t *mm = wager ? &b->mm_wager : &b->mm_turn;
	uint32_t stake = 0, acks = 0;
	unsigned i, n = 0;
	int64_t want;

	for (i = 0; i < b->o.players; i++) {
		const struct player *p = &b->players[i];
		const struct pq *a;

		if (!p->pq || !in_unit(p, u) || !p->pq[qi].result)
			continue;
		a = &p->pq[qi];
		n++;
		if (a->res_answered) {
			answered++;
			correct = a->res_correct;
		}
		acks += a->w_acked;
		if (a->w_seen && !stake)
			stake = a->w_seen;
		if (a->w_seen && a->w_seen != stake) {
			(*mm)++;
			bench_example(b,
				      "q%u: the unit of bench-%u told two "
				      "stakes",
				      qi, p->idx);
		}
		if (!wager && player_in_turn(b, p, q))
			in_turn = 1;
	}
	if (!n)
		return;
	if (answered > 1 || acks > 1) {
		(*mm)++;
		bench_example(b,
			      "q%u: %d answers and %u stakes counted for one "
			      "unit",
			      qi, answered, acks);
	}
	if (wager && !stake)
		stake = q->min_stake; /* nobody staked: the smallest */
	want = wager ? bench_wager_delta(stake, answered, correct)
		     : bench_turn_delta(in_turn, answered, correct,
					r ? r->points : (int32_t)q->points,
					r ? r->penalty : 0);
	if (q->voided)
		want = 0;
	for (i = 0; i < b->o.players; i++) {
		const struct player *p = &b->players[i];
		const struct pq *a;

		if (!p->pq || !in_unit(p, u) || !p->pq[qi].result)
			continue;
		a = &p->pq[qi];
		if (a->res_delta != want ||
		    (wager && !q->voided && a->res_stake != stake) ||
		    (wager && a->q_stake && a->q_stake != stake) ||
		    (!q->voided && u >= 0 &&
		     (int)a->res_team_answered != !!answered)) {
			(*mm)++;
			bench_example(b,
				      "bench-%u q%u (%s): delta %" PRId64
				      " stake %u (question said %u) team "
				      "answered %d; expected %" PRId64
				      " stake %u answered %d correct %d",
				      p->idx, qi, wager ? "wager" : "turn",
				      a->res_delta, a->res_stake, a->q_stake,
				      a->res_team_answered, want, stake,
				      answered, correct);
		}
	}
}

/* The stake of team ti at question qi as its members were told (the
 * round's smallest when nobody staked). */
static uint32_t team_stake(const struct bench *b, unsigned qi, int ti)
{
	unsigned i;

	for (i = 0; i < b->o.players; i++)
		if (b->players[i].pq && b->players[i].team == ti &&
		    b->players[i].pq[qi].w_seen)
			return b->players[i].pq[qi].w_seen;
	return b->q[qi].min_stake;
}

/* One team board against the members' totals as of its question. */
static void check_board(struct bench *b, const struct bench_board *bd)
{
	int64_t *totals =
	    calloc(b->o.players ? b->o.players : 1, sizeof(*totals));
	unsigned i, k, n;
	int64_t want;
	int seen[BENCH_TEAMS_MAX] = {0};

	if (!totals)
		return;
	for (i = 0; i < bd->n; i++) {
		const struct bench_team_line *t = &bd->t[i];
		int ti = bench_team_index(b, t->team);

		b->team_lines++;
		if (ti < 0 && t->members == 0 && t->score == bd->base &&
		    t->points == 0)
			continue; /* a team of the fixed list nobody joined */
		if (ti < 0) {
			b->mm_team++;
			bench_example(b,
				      "team board (kind %d, q%d): team '%s' "
				      "unknown",
				      (int)bd->kind, bd->q, t->team);
			continue;
		}
		seen[ti] = 1;
		for (k = 0, n = 0; k < b->o.players; k++) {
			const struct player *p = &b->players[k];

			if (p->pq && p->team == ti)
				totals[n++] = total_as_of(b, p, bd->q);
		}
		want = bench_team_score(bd->base, bd->scoring == 1, totals, n);
		if (t->members != n) {
			b->mm_member++;
			bench_example(b,
				      "team board (kind %d, q%d): %s has %u "
				      "members, we joined %u",
				      (int)bd->kind, bd->q, t->team, t->members,
				      n);
		}
		if (bd->kind == BOARD_REVEAL && bd->q >= 0 &&
		    bd->q < (int)b->nq && b->q[bd->q].format == 3 &&
		    !b->q[bd->q].voided &&
		    t->stake != team_stake(b, (unsigned)bd->q, ti)) {
			b->mm_wager++;
			bench_example(b, "reveal q%d: %s stake %u, told %u",
				      bd->q, t->team, t->stake,
				      team_stake(b, (unsigned)bd->q, ti));
		}
		if (t->score != want || t->points != want - bd->base) {
			b->mm_team++;
			bench_example(b,
				      "team board (kind %d, q%d): %s score "
				      "%" PRId64 " points %" PRId64
				      ", members' totals give %" PRId64,
				      (int)bd->kind, bd->q, t->team, t->score,
				      t->points, want);
		}
	}
	for (i = 0; i < b->nteams; i++) {
		for (k = 0; k < b->o.players; k++)
			if (b->players[k].pq && b->players[k].team == (int)i)
				break;
		if (k < b->o.players && !seen[i]) {
			b->mm_team++;
			bench_example(b,
				      "team board (kind %d, q%d): %s missing",
				      (int)bd->kind, bd->q, b->team_names[i]);
		}
	}
	free(totals);
}

/* Every 必答 and 风险 booking by unit, and every team board kept. */
void bench_report_check_contest(struct bench *b)
{
	unsigned qi, i;
	size_t k;

	for (qi = 0; b->q && qi < b->nq; qi++) {
		const struct bq *q = &b->q[qi];

		if (!q->revealed || (q->format != 1 && q->format != 3))
			continue;
		for (i = 0; i < b->nteams; i++)
			check_unit(b, qi, (int)i);
		for (i = 0; i < b->o.players; i++)
			if (b->players[i].team < 0)
				check_unit(b, qi, -1 - (int)i);
	}
	for (k = 0; k < b->nboards; k++)
		check_board(b, &b->boards[k]);
	if (b->oot_refused != b->oot_sent) {
		b->mm_turn++;
		bench_example(b,
			      "%" PRIu64 " answers out of turn, %" PRIu64
			      " refused with NOT_YOUR_TURN",
			      b->oot_sent, b->oot_refused);
	}
}

/* Counts Results that never came for a question that was revealed. */
uint64_t bench_report_missing(const struct bench *b)
{
	uint64_t missing = 0;
	unsigned i, k;

	if (b->o.floor) /* quiz-floor reveals, but sends no Result */
		return 0;
	for (i = 0; i < b->o.players; i++) {
		const struct player *p = &b->players[i];

		/* a contestant back from a drop missed the Results sent
		 * while it was away (counted as results_missed_away) */
		if (!p->pq || p->conns > 1)
			continue;
		for (k = 0; k < b->nq; k++)
			if (b->q[k].revealed && !p->pq[k].result)
				missing++;
	}
	return missing;
}

/* The "contest" object of the summary. */
static void report_contest(const struct bench *b, FILE *f)
{
	unsigned i, revealed = 0;

	for (i = 0; b->q && i < b->nq; i++)
		revealed += b->q[i].revealed;
	fputs(",\"contest\":{\"file\":", f);
	if (b->o.contest_path)
		bench_json_str(f, b->o.contest_path);
	else
		fputs("null", f);
	fputs(",\"title\":", f);
	bench_json_str(f, b->title);
	fprintf(f,
		",\"scoring\":\"%s\",\"team_base\":%" PRId64
		",\"rounds\":%u,\"rounds_started\":%u,\"rounds_ended\":%u,"
		"\"questions_revealed\":%u,\"teams\":[",
		b->scoring == 1 ? "sum" : "mean", b->base, b->nrounds,
		b->rounds_started, b->rounds_ended, revealed);
	for (i = 0; i < b->nteams; i++) {
		fputs(i ? "," : "", f);
		bench_json_str(f, b->team_names[i]);
	}
	fprintf(f,
		"],\"boards_checked\":%zu,\"team_lines_checked\":%" PRIu64
		",\"host_next\":%" PRIu64 ",\"out_of_turn\":{\"sent\":%" PRIu64
		",\"refused\":%" PRIu64 "},\"wagers\":{\"sent\":%" PRIu64
		",\"acked\":%" PRIu64 ",\"already_answered\":%" PRIu64
		",\"pushed\":%" PRIu64 "},",
		b->nboards, b->team_lines, b->host_next, b->oot_sent,
		b->oot_refused, b->w_sent, b->w_acked, b->w_already,
		b->w_pushed);
	fprintf(f,
		"\"mismatches\":{\"team_score\":%" PRIu64 ",\"wager\":%" PRIu64
		",\"turn\":%" PRIu64 ",\"delta\":%" PRIu64 ",\"rank\":%" PRIu64
		",\"membership\":%" PRIu64 ",\"total\":%" PRIu64 "}}",
		b->mm_team, b->mm_wager, b->mm_turn, b->mm_delta, b->mm_rank,
		b->mm_member, bench_contest_mismatches(b));
}

/* Writes what the contestants were told (--told). */
void bench_report_told(const struct bench *b, FILE *f)
{
	const struct bench_board *fin = NULL;
	unsigned i, k;
	int first;
	size_t n;

	/* the final leaderboard's board, else the last board received */
	for (n = 0; n < b->nboards; n++)
		if (!fin || !fin->final)
			fin = &b->boards[n];
	fputs("{\"code\":", f);
	bench_json_str(f, b->code);
	fputs(",\"players\":[", f);
	for (i = 0, first = 1; i < b->o.players; i++) {
		const struct player *p = &b->players[i];

		if (!p->pq)
			continue;
		fprintf(f,
			"%s{\"player_id\":%u,\"nickname\":\"bench-%u\","
			"\"team\":",
			first ? "" : ",", p->id, p->idx);
		bench_json_str(f, p->team >= 0 ? b->team_names[p->team] : "");
		fprintf(f, ",\"total\":%" PRId64 "}", p->last_total);
		first = 0;
	}
	fputs("],\"results\":[", f);
	for (i = 0, first = 1; i < b->o.players; i++) {
		const struct player *p = &b->players[i];

		for (k = 0; p->pq && k < b->nq; k++) {
			const struct pq *a = &p->pq[k];

			if (!a->result)
				continue;
			fprintf(f,
				"%s{\"player_id\":%u,\"q\":%u,\"answered\":%s,"
				"\"correct\":%s,\"delta\":%" PRId64
				",\"stake\":%u,\"total\":%" PRId64 "}",
				first ? "" : ",", p->id, k,
				a->res_answered ? "true" : "false",
				a->res_correct ? "true" : "false", a->res_delta,
				a->res_stake, a->res_total);
			first = 0;
		}
	}
	fputs("],\"teams\":[", f);
	for (i = 0; fin && i < fin->n; i++) {
		const struct bench_team_line *t = &fin->t[i];

		fputs(i ? ",{\"team\":" : "{\"team\":", f);
		bench_json_str(f, t->team);
		fprintf(f,
			",\"rank\":%u,\"members\":%u,\"score\":%" PRId64
			",\"points\":%" PRId64 "}",
			t->rank, t->members, t->score, t->points);
	}
	fprintf(f, "],\"teams_final\":%s}\n",
		fin && fin->final ? "true" : "false");
}

/* Signed-error stats as JSON: n, mean, p50 (signed), and p50, p99, max of
 * the absolute values. Sorts v. */
static void json_error(FILE *f, int64_t *v, size_t n)
{
	struct bench_stats sg, ab;
	double mean = bench_mean(v, n);
	size_t i;

	sg = bench_stats_of(v, n);
	for (i = 0; i < n; i++)
		if (v[i] < 0)
			v[i] = -v[i];
	ab = bench_stats_of(v, n);
	if (!n) {
		fputs("{\"n\":0}", f);
		return;
	}
	fprintf(f,
		"{\"n\":%zu,\"mean\":%.1f,\"p50\":%" PRId64
		",\"abs_p50\":%" PRId64 ",\"abs_p99\":%" PRId64
		",\"abs_max\":%" PRId64 "}",
		n, mean, sg.p50, ab.p50, ab.p99, ab.max);
}

/* The server's response time of an answer: the Result's, else the
 * AnswerAck's; -1 when neither came. */
static int64_t server_rt(const struct pq *a)
{
	if (a->result && a->res_answered)
		return a->res_rt;
	if (a->acked)
		return a->ack_rt;
	return -1;
}

/* The fairness object (injected delays): for every answer, the true
 * response time (sent - shown, shown = the later of reveal_at on the
 * contestant's synced clock and the Question's arrival) against the
 * server's; ranking inversions per question at >= 5 ms; the answers whose
 * Question arrived after reveal_at; and the error against reveal_at on
 * the shared clock, whose floor is (up - down) / 2. */
void bench_report_fairness(struct bench *b, FILE *f)
{
	size_t cap = (size_t)b->o.players * (b->nq ? b->nq : 1), n = 0, nl = 0;
	int64_t *err = calloc(cap ? cap : 1, sizeof(int64_t));
	int64_t *phys = calloc(cap ? cap : 1, sizeof(int64_t));
	int64_t *resid = calloc(cap ? cap : 1, sizeof(int64_t));
	int64_t *late_err = calloc(cap ? cap : 1, sizeof(int64_t));
	int64_t *late_by = calloc(cap ? cap : 1, sizeof(int64_t));
	int64_t *tr = calloc(b->o.players ? b->o.players : 1, sizeof(int64_t));
	int64_t *sr = calloc(b->o.players ? b->o.players : 1, sizeof(int64_t));
	uint64_t inv = 0, pairs = 0, pq_pairs;
	unsigned i, k, m, first = 1;
	const struct bench_opts *o = &b->o;

	fprintf(f,
		",\"fairness\":{\"delays\":{\"symmetric\":%s,\"up_ms\":[%u,"
		"%u],\"down_ms\":[%u,%u],\"jitter_ms\":%u}",
		o->symmetric ? "true" : "false", o->up_min, o->up_max,
		o->down_min, o->down_max, o->jitter_ms);
	fprintf(f,
		",\"relay_late_us\":{\"chunks\":%" PRIu64
		",\"mean\":%.1f,\"max\":%" PRIu64 ",\"ge_500us\":%" PRIu64
		",\"ge_1ms\":%" PRIu64 "}",
		b->relay_late_n,
		b->relay_late_n
		    ? (double)b->relay_late_sum / (double)b->relay_late_n
		    : 0.0,
		b->relay_late_max, b->relay_late_500, b->relay_late_1000);
	if (!err || !phys || !resid || !late_err || !late_by || !tr || !sr)
		goto out;
	fputs(",\"speed\":{\"per_question_mean_error_us\":[", f);
	for (k = 0; k < b->nq; k++) {
		const struct bq *q = &b->q[k];
		size_t n0 = n;

		if (!q->seen || q->format != QUIZ_BENCH_SPEED)
			continue;
		for (i = 0, m = 0; i < o->players; i++) {
			const struct player *p = &b->players[i];
			const struct pq *a;
			int64_t srt, trt, prt, show;

			if (!p->pq)
				continue;
			a = &p->pq[k];
			srt = server_rt(a);
			if (!a->sent || !a->sent_local || srt < 0)
				continue;
			trt = (int64_t)(a->sent_local - a->shown);
			show = (int64_t)a->q_recv > (int64_t)q->reveal_at
				   ? (int64_t)a->q_recv
				   : (int64_t)q->reveal_at;
			prt = (int64_t)a->sent_local - show;
			err[n] = srt - trt;
			phys[n] = srt - prt;
			resid[n] = phys[n] - (p->up_us - p->down_us) / 2;
			if ((int64_t)a->q_recv > (int64_t)q->reveal_at) {
				late_by[nl] =
				    (int64_t)a->q_recv - (int64_t)q->reveal_at;
				late_err[nl++] = err[n];
			}
			n++;
			tr[m] = trt;
			sr[m++] = srt;
		}
		inv += bench_inversions(tr, sr, m, 5000, &pq_pairs);
		pairs += pq_pairs;
		fprintf(f, "%s%.1f", first ? "" : ",",
			bench_mean(err + n0, n - n0));
		first = 0;
	}
	fprintf(f,
		"],\"inversions_5ms\":%" PRIu64 ",\"pairs_5ms\":%" PRIu64
		",\"error_us\":",
		inv, pairs);
	json_error(f, err, n);
	fputs(",\"error_vs_reveal_at_us\":", f);
	json_error(f, phys, n);
	fputs(",\"error_vs_reveal_at_minus_half_asymmetry_us\":", f);
	json_error(f, resid, n);
	fputs(",\"late\":{\"lateness_us\":", f);
	json_error(f, late_by, nl);
	fputs(",\"error_us\":", f);
	json_error(f, late_err, nl);
	fputs("}}", f);
out:
	fputc('}', f);
	free(err);
	free(phys);
	free(resid);
	free(late_err);
	free(late_by);
	free(tr);
	free(sr);
}

/* Answer sent to AnswerAck received, over every acked answer (local
 * clock: includes the commit the ack waits for). */
static struct bench_stats stats_ack(const struct bench *b)
{
	struct bench_stats s;
	int64_t *v = calloc(b->acked ? b->acked : 1, sizeof(*v));
	size_t n = 0;
	unsigned i, k;

	for (i = 0; v && i < b->o.players; i++) {
		const struct player *p = &b->players[i];

		for (k = 0; p->pq && k < b->nq; k++)
			if (p->pq[k].acked && n < b->acked)
				v[n++] = p->pq[k].ack_us;
	}
	s = bench_stats_of(v, v ? n : 0);
	free(v);
	return s;
}

/* First connect to Joined, over every contestant that joined. */
static struct bench_stats stats_join(const struct bench *b)
{
	struct bench_stats s;
	int64_t *v = calloc(b->o.players ? b->o.players : 1, sizeof(*v));
	size_t n = 0;
	unsigned i;

	for (i = 0; v && i < b->o.players; i++)
		if (b->players[i].join_us)
			v[n++] = b->players[i].join_us;
	s = bench_stats_of(v, v ? n : 0);
	free(v);
	return s;
}

/* quiz-bench's CPU time in seconds: this process (every thread) and its
 * workers (--procs, once reaped); taken once, so stdout and --json-out
 * say the same. */
static double bench_cpu_s(void)
{
	static double s = -1;
	struct rusage self, kids;

	if (s >= 0)
		return s;
	s = 0;
	if (getrusage(RUSAGE_SELF, &self) == 0)
		s += (double)self.ru_utime.tv_sec +
		     (double)self.ru_stime.tv_sec +
		     (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec) /
			 1e6;
	if (getrusage(RUSAGE_CHILDREN, &kids) == 0)
		s += (double)kids.ru_utime.tv_sec +
		     (double)kids.ru_stime.tv_sec +
		     (double)(kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) /
			 1e6;
	return s;
}

/* Writes the JSON summary. */
void bench_report(struct bench *b, FILE *f, int complete, uint64_t missing)
{
	uint64_t mm = b->mm_score + b->mm_rt + b->mm_ack + b->mm_correct;
	uint64_t window = 0;
	unsigned i, k;
	int first;

	for (i = 0; i < b->nq; i++)
		if (b->q[i].last_ack > b->q[i].first_send)
			window += b->q[i].last_ack - b->q[i].first_send;
	fprintf(f,
		"{\"players\":%u,\"joined\":%u,\"connections_failed\":%u,"
		"\"dropped\":%u,\"finished\":%u,\"complete\":%s,"
		"\"timed_out\":%s,\"code\":",
		b->o.players, b->joined, b->failed, b->dropped, b->finished,
		complete ? "true" : "false", b->timed_out ? "true" : "false");
	bench_json_str(f, b->code);
	fprintf(f, ",\"questions\":%u,\"bank\":%s,", b->nq,
		b->bank ? "true" : "false");
	fprintf(f,
		"\"answers\":{\"sent\":%" PRIu64 ",\"acked\":%" PRIu64
		",\"refused_total\":%" PRIu64 ",\"refused\":",
		b->sent, b->acked, b->refused_total);
	bench_json_codes(f, b->refused, BENCH_NCODES);
	fprintf(f,
		"},\"errors\":%" PRIu64 ",\"error_codes\":", b->errors_total);
	bench_json_codes(f, b->errors, BENCH_NCODES);
	fprintf(f, ",\"results_missing\":%" PRIu64 ",", missing);
	fprintf(f,
		"\"mismatches\":{\"score\":%" PRIu64 ",\"rt\":%" PRIu64
		",\"ack\":%" PRIu64 ",\"correct\":%" PRIu64
		",\"total\":%" PRIu64 "},",
		b->mm_score, b->mm_rt, b->mm_ack, b->mm_correct, mm);
	fputs("\"fanout_us\":{\"question\":", f);
	bench_json_stats(f, stats_all(b, 0));
	fputs(",\"reveal\":", f);
	bench_json_stats(f, stats_all(b, 1));
	fputs("},\"reveal_skew_us\":", f);
	bench_json_stats(f, stats_all(b, 2));
	fputs(",\"ack_us\":", f);
	bench_json_stats(f, stats_ack(b));
	fprintf(f, ",\"join\":{\"window_ms\":%.1f,\"us\":",
		b->t_last_joined > b->t_first_conn
		    ? (double)(b->t_last_joined - b->t_first_conn) / 1000
		    : 0.0);
	bench_json_stats(f, stats_join(b));
	fputc('}', f);
	fputs(",\"per_question\":[", f);
	for (i = 0, first = 1; i < b->nq; i++) {
		struct bq *q = &b->q[i];
		struct bench_stats fq, fr, sk;
		int64_t sent_after = 0, last_after = 0;

		if (!q->seen)
			continue;
		/* the reveal after the question's deadline: packed, and
		 * received by the last contestant (one machine: one clock) */
		if (q->reveal_sent && q->deadline_at) {
			sent_after =
			    (int64_t)q->reveal_sent - (int64_t)q->deadline_at;
			last_after =
			    (int64_t)q->reveal_last - (int64_t)q->deadline_at;
		}
		fq = bench_stats_of(q->fan_q, q->n_fan_q);
		fr = bench_stats_of(q->fan_r, q->n_fan_r);
		sk = bench_stats_of(q->skew, q->n_skew);
		fprintf(
		    f,
		    "%s{\"index\":%u,\"fanout_p50_us\":%" PRId64
		    ",\"fanout_p99_us\":%" PRId64 ",\"fanout_max_us\":%" PRId64
		    ",\"reveal_fanout_p50_us\":%" PRId64
		    ",\"reveal_fanout_p99_us\":%" PRId64
		    ",\"reveal_fanout_max_us\":%" PRId64
		    ",\"skew_p50_us\":%" PRId64 ",\"skew_p99_us\":%" PRId64
		    ",\"skew_max_us\":%" PRId64
		    ",\"reveal_sent_after_deadline_us\":%" PRId64
		    ",\"last_reveal_after_deadline_us\":%" PRId64
		    ",\"sent\":%u,\"answered\":%u,\"bank_item\":%s}",
		    first ? "" : ",", i, fq.p50, fq.p99, fq.max, fr.p50, fr.p99,
		    fr.max, sk.p50, sk.p99, sk.max, sent_after, last_after,
		    q->sent, q->acked, q->item ? "true" : "false");
		first = 0;
	}
	{
		int64_t sent_max = 0, last_max = 0;

		for (i = 0; i < b->nq; i++) {
			const struct bq *q = &b->q[i];

			if (!q->seen || !q->reveal_sent || !q->deadline_at)
				continue;
			if ((int64_t)(q->reveal_sent - q->deadline_at) >
			    sent_max)
				sent_max =
				    (int64_t)(q->reveal_sent - q->deadline_at);
			if ((int64_t)(q->reveal_last - q->deadline_at) >
			    last_max)
				last_max =
				    (int64_t)(q->reveal_last - q->deadline_at);
		}
		fprintf(f,
			"],\"reveal_after_deadline_us\":{\"sent_max\":%" PRId64
			",\"last_received_max\":%" PRId64 "}",
			sent_max, last_max);
	}
	fprintf(f,
		",\"answers_per_second\":%.1f,\"answer_window_s\":%.3f,"
		"\"duration_s\":%.3f,\"procs\":%u,\"bench_cpu_s\":%.2f,"
		"\"final_leaderboard\":[",
		window ? (double)b->acked * 1e6 / (double)window : 0.0,
		(double)window / 1e6, (double)(b->t_end - b->t_start) / 1e6,
		b->o.procs ? b->o.procs : 1, bench_cpu_s());
	for (i = 0; i < b->n_top; i++) {
		fprintf(f, "%s{\"rank\":%u,\"player_id\":%u,\"nickname\":",
			i ? "," : "", b->top[i].rank, b->top[i].player_id);
		bench_json_str(f, b->top[i].nickname);
		fprintf(f, ",\"score\":%" PRId64 "}", b->top[i].score);
	}
	fputc(']', f);
	if (b->contest)
		report_contest(b, f);
	if (b->o.delays)
		bench_report_fairness(b, f);
	if (bench_buzz_seen(b))
		bench_report_buzz(b, f);
	bench_report_addrs(b, f);
	bench_report_restarts(b, f);
	bench_report_practice(b, f);
	if (b->o.results) {
		fputs(",\"results\":[", f);
		for (i = 0, first = 1; i < b->o.players; i++) {
			const struct player *p = &b->players[i];

			for (k = 0; p->pq && k < b->nq; k++) {
				const struct pq *a = &p->pq[k];

				if (!a->result)
					continue;
				fprintf(
				    f,
				    "%s{\"player_id\":%u,\"nickname\":"
				    "\"bench-%u\",\"q\":%u,\"answered\":%s,"
				    "\"correct\":%s,\"points\":%u,"
				    "\"response_time_us\":%u,\"total\":%" PRId64
				    ",\"measured_rt_us\":%" PRId64,
				    first ? "" : ",", p->id, p->idx, k,
				    a->res_answered ? "true" : "false",
				    a->res_correct ? "true" : "false",
				    a->res_points, a->res_rt, a->res_total,
				    a->sent ? a->measured_rt : -1);
				if (b->o.delays && a->sent && a->sent_local)
					fprintf(
					    f,
					    ",\"true_rt_us\":%" PRId64
					    ",\"sent_local_us\":%" PRIu64
					    ",\"up_us\":%" PRId64
					    ",\"down_us\":%" PRId64,
					    (int64_t)(a->sent_local - a->shown),
					    a->sent_local, p->up_us,
					    p->down_us);
				fputc('}', f);
				first = 0;
			}
		}
		fputc(']', f);
	}
	fputs("}\n", f);
}

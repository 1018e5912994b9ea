/* quiz-bench's JSON summary (client/bench.c runs the match): the
 * end-of-run checks that need every contestant's Results, and the one JSON
 * object printed on stdout (and to --json-out). */
#include "bench_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

	for (i = 0; i < b->n_top; i++) {
		for (k = 0; k < b->o.players; k++) {
			const struct player *p = &b->players[k];

			if (!p->pq || p->id != b->top[i].player_id)
				continue;
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

/* Counts Results that never came for a question that was revealed. */
uint64_t bench_report_missing(const struct bench *b)
{
	uint64_t missing = 0;
	unsigned i, k;

	for (i = 0; i < b->o.players; i++) {
		const struct player *p = &b->players[i];

		if (!p->pq)
			continue;
		for (k = 0; k < b->nq; k++)
			if (b->q[k].revealed && !p->pq[k].result)
				missing++;
	}
	return missing;
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
	fputs(",\"per_question\":[", f);
	for (i = 0, first = 1; i < b->nq; i++) {
		struct bq *q = &b->q[i];
		struct bench_stats fq, fr, sk;

		if (!q->seen)
			continue;
		fq = bench_stats_of(q->fan_q, q->n_fan_q);
		fr = bench_stats_of(q->fan_r, q->n_fan_r);
		sk = bench_stats_of(q->skew, q->n_skew);
		fprintf(f,
			"%s{\"index\":%u,\"fanout_p50_us\":%" PRId64
			",\"fanout_p99_us\":%" PRId64
			",\"fanout_max_us\":%" PRId64
			",\"reveal_fanout_p50_us\":%" PRId64
			",\"reveal_fanout_p99_us\":%" PRId64
			",\"reveal_fanout_max_us\":%" PRId64
			",\"skew_p50_us\":%" PRId64 ",\"skew_p99_us\":%" PRId64
			",\"skew_max_us\":%" PRId64
			",\"sent\":%u,\"answered\":%u,\"bank_item\":%s}",
			first ? "" : ",", i, fq.p50, fq.p99, fq.max, fr.p50,
			fr.p99, fr.max, sk.p50, sk.p99, sk.max, q->sent,
			q->acked, q->item ? "true" : "false");
		first = 0;
	}
	fprintf(f,
		"],\"answers_per_second\":%.1f,\"answer_window_s\":%.3f,"
		"\"duration_s\":%.3f,\"final_leaderboard\":[",
		window ? (double)b->acked * 1e6 / (double)window : 0.0,
		(double)window / 1e6, (double)(b->t_end - b->t_start) / 1e6);
	for (i = 0; i < b->n_top; i++) {
		fprintf(f, "%s{\"rank\":%u,\"player_id\":%u,\"nickname\":",
			i ? "," : "", b->top[i].rank, b->top[i].player_id);
		bench_json_str(f, b->top[i].nickname);
		fprintf(f, ",\"score\":%" PRId64 "}", b->top[i].score);
	}
	fputc(']', f);
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
				    ",\"measured_rt_us\":%" PRId64 "}",
				    first ? "" : ",", p->id, p->idx, k,
				    a->res_answered ? "true" : "false",
				    a->res_correct ? "true" : "false",
				    a->res_points, a->res_rt, a->res_total,
				    a->sent ? a->measured_rt : -1);
				first = 0;
			}
		}
		fputc(']', f);
	}
	fputs("}\n", f);
}

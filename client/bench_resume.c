/* quiz-bench across server restarts: the reconnect backoff (full jitter),
 * the restart episodes (first reconnect attempt to every contestant
 * seated again), the --acks and --standings files, the "restarts"
 * object of the JSON and the --connect addresses a reconnect moves over
 * ("connect", "per_addr"). The reconnects themselves are in client/bench.c. */
#include "bench_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_stats.h"
#include "qconn.h"

/* Wall clock in milliseconds. */
uint64_t bench_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Full jitter: uniform in [0, min(cap, base * 2^attempt)] ms. */
uint64_t bench_backoff_ms(struct bench *b, unsigned attempt)
{
	uint64_t ceil = b->o.backoff_base_ms;
	unsigned i;

	for (i = 0; i < attempt && ceil < b->o.backoff_cap_ms; i++)
		ceil *= 2;
	if (ceil > b->o.backoff_cap_ms)
		ceil = b->o.backoff_cap_ms;
	return (uint64_t)(bench_rng_unit(b) * (double)(ceil + 1));
}

/* A reconnect attempt starts: the first one opens an episode. */
void bench_episode_attempt(struct bench *b)
{
	b->reconnect_attempts++;
	if (b->outage || !b->unseated)
		return;
	b->outage = 1;
	b->ep_start = qconn_now_us();
	b->ep_start_wall_ms = bench_wall_ms();
}

/* A contestant seated again (or given up): the last one closes the
 * episode. */
void bench_episode_seated(struct bench *b)
{
	struct bench_episode *e;

	if (!b->outage || b->unseated)
		return;
	b->outage = 0;
	if (b->neps == b->cap_eps) {
		size_t cap = b->cap_eps ? 2 * b->cap_eps : 16;
		struct bench_episode *n = realloc(b->eps, cap * sizeof(*n));

		if (!n)
			return;
		b->eps = n;
		b->cap_eps = cap;
	}
	e = &b->eps[b->neps++];
	e->start_wall_ms = b->ep_start_wall_ms;
	e->seated_wall_ms = bench_wall_ms();
	e->us = qconn_now_us() - b->ep_start;
	e->start_us = b->ep_start;
}

/* Opens the --acks file (truncated). */
int bench_acks_open(struct bench *b)
{
	if (!b->o.acks_out)
		return 0;
	b->acks_f = fopen(b->o.acks_out, "w");
	if (!b->acks_f) {
		fprintf(stderr, "quiz-bench: cannot write %s: %s\n",
			b->o.acks_out, strerror(errno));
		return -errno;
	}
	return 0;
}

/* One acknowledged answer; rt < 0: an ALREADY_ANSWERED to a re-send. */
void bench_acks_line(struct bench *b, uint32_t id, uint32_t q, int64_t rt)
{
	if (!b->acks_f)
		return;
	if (rt < 0)
		fprintf(b->acks_f, "%" PRIu32 " %" PRIu32 " already\n", id, q);
	else
		fprintf(b->acks_f, "%" PRIu32 " %" PRIu32 " %" PRId64 "\n", id,
			q, rt);
}

/* Writes the --standings file. */
int bench_standings_write(const struct bench *b)
{
	FILE *f;
	unsigned i;
	int last = -1;

	if (!b->o.standings_out)
		return 0;
	f = fopen(b->o.standings_out, "w");
	if (!f) {
		fprintf(stderr, "quiz-bench: cannot write %s: %s\n",
			b->o.standings_out, strerror(errno));
		return -errno;
	}
	for (i = 0; i < b->n_top; i++)
		fprintf(f, "%" PRIu32 " %" PRId64 " %" PRIu32 "\n",
			b->top[i].player_id, b->top[i].score, b->top[i].rank);
	for (i = 0; b->q && i < b->nq; i++)
		if (b->q[i].revealed)
			last = (int)i;
	for (i = 0; last >= 0 && i < b->o.players; i++) {
		const struct player *p = &b->players[i];

		if (p->pq && p->pq[last].result)
			fprintf(f, "# total %" PRIu32 " %" PRId64 "\n", p->id,
				p->last_total);
	}
	if (fclose(f) != 0)
		return -EIO;
	return 0;
}

/* The "restarts" object: reconnects, episodes seen and their times. */
void bench_report_restarts(const struct bench *b, FILE *f)
{
	int64_t *v = calloc(b->neps ? b->neps : 1, sizeof(*v));
	struct bench_stats s;
	size_t i;

	for (i = 0; v && i < b->neps; i++)
		v[i] = (int64_t)(b->eps[i].us / 1000);
	s = bench_stats_of(v, v ? b->neps : 0);
	fprintf(
	    f,
	    ",\"restarts\":{\"seen\":%zu,\"open\":%s,\"reconnects\":%" PRIu64
	    ",\"attempts\":%" PRIu64 ",\"seats_lost\":%" PRIu64
	    ",\"kicked\":%" PRIu64 ",\"resent\":%" PRIu64
	    ",\"already_answered\":%" PRIu64 ",\"results_missed_away\":%" PRIu64
	    ",\"host_reconnects\":%" PRIu64 ",\"resumes_sent\":%" PRIu64
	    ",\"seated_ms\":{\"median\":%" PRId64 ",\"p99\":%" PRId64
	    ",\"max\":%" PRId64 "},\"episodes\":[",
	    b->neps, b->outage ? "true" : "false", b->reconnects,
	    b->reconnect_attempts, b->reseat_lost, b->kicked, b->resent,
	    b->already, b->results_away, b->host_reconnects, b->resumes_sent,
	    s.p50, s.p99, s.max);
	for (i = 0; i < b->neps; i++)
		fprintf(f,
			"%s{\"start_ms\":%" PRIu64 ",\"seated_ms\":%" PRIu64
			",\"us\":%" PRIu64 "}",
			i ? "," : "", b->eps[i].start_wall_ms,
			b->eps[i].seated_wall_ms, b->eps[i].us);
	fputs("]}", f);
	free(v);
}

unsigned bench_addr_next(const struct bench *b, unsigned i)
{
	return b->o.naddrs > 1 ? (i + 1) % b->o.naddrs : 0;
}

void bench_report_addrs(const struct bench *b, FILE *f)
{
	unsigned n[BENCH_ADDRS_MAX] = {0};
	unsigned i;

	/* every contestant that was started counts once, at the address
	 * of its last connection (or attempt) */
	for (i = 0; i < b->o.players; i++)
		if (b->players[i].conns && b->players[i].addr < b->o.naddrs)
			n[b->players[i].addr]++;
	fputs(",\"connect\":[", f);
	for (i = 0; i < b->o.naddrs; i++) {
		if (i)
			fputc(',', f);
		bench_json_str(f, b->o.addr_text[i]);
	}
	fputs("],\"per_addr\":[", f);
	for (i = 0; i < b->o.naddrs; i++) {
		fputs(i ? ",{\"addr\":" : "{\"addr\":", f);
		bench_json_str(f, b->o.addr_text[i]);
		fprintf(f, ",\"contestants\":%u,\"reconnects\":%" PRIu64 "}",
			n[i], b->addr_reconnects[i]);
	}
	fputc(']', f);
}

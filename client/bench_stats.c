/* quiz-bench's numbers and output: nearest-rank percentiles over the
 * samples it measured, and the pieces of the JSON summary that do not need
 * the bench's own state (string escaping, a stats object, error counters).
 * bench.c assembles the summary from these. */
#include "bench_stats.h"

#include <inttypes.h>
#include <stdlib.h>

#include "errors.h"

/* Orders int64 samples ascending. */
static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of n ascending-sorted samples: the smallest value
 * with at least p% of the samples at or below it. n must be >= 1. */
int64_t bench_stats_pct(const int64_t *v, size_t n, unsigned p)
{
	size_t rank = (p * n + 99) / 100;

	if (rank == 0)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

/* Sorts v in place and takes p50, p99 and max. */
struct bench_stats bench_stats_of(int64_t *v, size_t n)
{
	struct bench_stats s = {0, 0, 0, 0};

	if (n == 0)
		return s;
	qsort(v, n, sizeof(*v), cmp_i64);
	s.n = n;
	s.p50 = bench_stats_pct(v, n, 50);
	s.p99 = bench_stats_pct(v, n, 99);
	s.max = v[n - 1];
	return s;
}

/* Writes s as a JSON string: escapes, and replaces invalid UTF-8. */
void bench_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		unsigned n = 0, i;

		if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p++);
			continue;
		}
		if (*p < 0x20) {
			fprintf(f, "\\u%04x", *p++);
			continue;
		}
		if (*p < 0x80) {
			fputc(*p++, f);
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3;
		for (i = 1; n && i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		fwrite(p, 1, n + 1, f);
		p += n + 1;
	}
	fputc('"', f);
}

/* {"n":..,"p50":..,"p99":..,"max":..}, nulls when there is no sample. */
void bench_json_stats(FILE *f, struct bench_stats s)
{
	if (!s.n) {
		fputs("{\"n\":0,\"p50\":null,\"p99\":null,\"max\":null}", f);
		return;
	}
	fprintf(f,
		"{\"n\":%zu,\"p50\":%" PRId64 ",\"p99\":%" PRId64
		",\"max\":%" PRId64 "}",
		s.n, s.p50, s.p99, s.max);
}

/* Prints the named error counters as a JSON object. */
void bench_json_codes(FILE *f, const uint64_t *counts, unsigned n)
{
	unsigned i;
	int first = 1;

	fputc('{', f);
	for (i = 0; i < n; i++) {
		if (!counts[i])
			continue;
		fprintf(f, "%s", first ? "" : ",");
		bench_json_str(f, quiz_error_name((int)i));
		fprintf(f, ":%" PRIu64, counts[i]);
		first = 0;
	}
	fputc('}', f);
}

/* Competition ranking with ties: counts lines out of order or misranked. */
unsigned bench_rank_errors(const struct bench_rank_line *v, size_t n)
{
	unsigned bad = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t want = (uint32_t)i + 1;

		if (i > 0) {
			const struct bench_rank_line *a = &v[i - 1], *b = &v[i];

			if (b->score > a->score ||
			    (b->score == a->score && b->time_us < a->time_us)) {
				bad++;
				continue;
			}
			if (b->score == a->score && b->time_us == a->time_us)
				want = a->rank;
		}
		if (v[i].rank != want)
			bad++;
	}
	return bad;
}

/* base + sum, or + mean truncated toward zero (C division does that). */
int64_t bench_team_score(int64_t base, int sum, const int64_t *totals, size_t n)
{
	int64_t s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += totals[i];
	if (!sum && n)
		s /= (int64_t)n;
	return base + s;
}

/* +stake for a right answer, -stake for a wrong one or none. */
int64_t bench_wager_delta(uint32_t stake, int unit_answered, int correct)
{
	return unit_answered && correct ? (int64_t)stake : -(int64_t)stake;
}

/* points or penalty for the unit with the turn, 0 otherwise. */
int64_t bench_turn_delta(int in_turn, int unit_answered, int correct,
			 int32_t points, int32_t penalty)
{
	if (!in_turn || !unit_answered)
		return 0;
	return correct ? points : penalty;
}

/* Ranking inversions over every pair at least min_gap apart in truth. */
uint64_t bench_inversions(const int64_t *truth, const int64_t *server, size_t n,
			  int64_t min_gap, uint64_t *pairs)
{
	uint64_t inv = 0, np = 0;
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			int64_t dt = truth[i] - truth[j];
			int64_t ds = server[i] - server[j];

			if (dt < min_gap && dt > -min_gap)
				continue;
			np++;
			if (ds == 0 || (ds < 0) != (dt < 0))
				inv++;
		}
	*pairs = np;
	return inv;
}

/* Mean of n samples. */
double bench_mean(const int64_t *v, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (double)v[i];
	return n ? s / (double)n : 0.0;
}

/* Due time of a relayed chunk: now + delay + jitter, clamped to now and
 * to the previous due time of its direction. */
uint64_t bench_relay_due(uint64_t prev, uint64_t now, int64_t delay_us,
			 int64_t jitter_us)
{
	int64_t d = delay_us + jitter_us;
	uint64_t due = now + (d > 0 ? (uint64_t)d : 0);

	return due < prev ? prev : due;
}

/* Statistics and JSON output for quiz-bench (client/bench.c); not used by
 * anything else. Nothing here allocates or keeps state. */
#ifndef QUIZ_BENCH_STATS_H
#define QUIZ_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Sample count and nearest-rank percentiles; all 0 when n is 0. */
struct bench_stats {
	size_t n;
	int64_t p50, p99, max;
};

/* Nearest-rank percentile of n ascending-sorted samples: the smallest value
 * with at least p% of the samples at or below it (p 0 gives the first, p
 * 100 and above the last). n must be >= 1. */
int64_t bench_stats_pct(const int64_t *v, size_t n, unsigned p);
/* Sorts v in place (ascending) and takes p50, p99 and max. n may be 0 (v is
 * then not read; the result is all zeros). */
struct bench_stats bench_stats_of(int64_t *v, size_t n);

/* Writes s to f as a JSON string literal: '"' and '\\' backslash-escaped,
 * bytes below 0x20 as \u00XX, well-formed UTF-8 sequences copied as they
 * are, and each byte that does not start one written as \ufffd. Lead bytes
 * are checked (C2..F4) and continuation bytes counted, but overlong E0/F0
 * forms, surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..)
 * are not rejected. */
void bench_json_str(FILE *f, const char *s);
/* Writes {"n":..,"p50":..,"p99":..,"max":..}, with nulls when s.n is 0. */
void bench_json_stats(FILE *f, struct bench_stats s);
/* Writes the non-zero counts[0..n) as a JSON object keyed by error name
 * (quiz_error_name); {} when all are zero. */
void bench_json_codes(FILE *f, const uint64_t *counts, unsigned n);

/* The contest self-checks (client/bench_report.c), pure so they can be
 * unit-tested. */

/* One line of a board for the rank check: the line's score, its tie-break
 * time (0 for team boards) and the rank the server gave it. */
struct bench_rank_line {
	int64_t score;
	uint64_t time_us;
	uint32_t rank;
};
/* Counts the lines that break competition ranking with ties (并列): lines
 * in order of score descending then time ascending, the first ranked 1, a
 * line equal to the one before (score and time) sharing its rank, any
 * other line ranked by its 1-based position. A line out of order counts
 * too. Returns 0 when the board is right. */
unsigned bench_rank_errors(const struct bench_rank_line *v, size_t n);
/* A team's score: base + the sum of the members' totals (sum != 0) or
 * their mean rounded toward zero (0 members: base). */
int64_t bench_team_score(int64_t base, int sum, const int64_t *totals,
			 size_t n);
/* 风险: the delta a member of a unit is booked: +stake when the unit
 * answered right, -stake when it answered wrong or not at all. */
int64_t bench_wager_delta(uint32_t stake, int unit_answered, int correct);
/* 必答: the delta a contestant is booked: 0 when their unit did not have
 * the turn or did not answer, else points (right) or penalty (wrong). */
int64_t bench_turn_delta(int in_turn, int unit_answered, int correct,
			 int32_t points, int32_t penalty);

/* Fairness (injected delays): ranking inversions among n answers of one
 * question. Over every pair whose true times differ by at least min_gap,
 * counts those the server ordered otherwise (the other way round, or
 * equal). *pairs gets the number of such pairs. */
uint64_t bench_inversions(const int64_t *truth, const int64_t *server, size_t n,
			  int64_t min_gap, uint64_t *pairs);
/* The injected delays (client/bench_relay.c): when a chunk read at now
 * is due, given the previous due time of its direction: now + delay +
 * jitter, never less than now (a delay is never negative) nor than prev
 * (the byte stream is never reordered). */
uint64_t bench_relay_due(uint64_t prev, uint64_t now, int64_t delay_us,
			 int64_t jitter_us);
/* Mean of n samples (0 when n is 0). */
double bench_mean(const int64_t *v, size_t n);

#endif

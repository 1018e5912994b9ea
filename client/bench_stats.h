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

#endif

/* Tests for client/bench_stats.c: nearest-rank percentiles, the stats and
 * error-counter JSON objects, and JSON string escaping (including what
 * happens to invalid UTF-8). Expected values are worked out by hand. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"
#include "errors.h"

/* Runs one writer into a memory stream; returns the text (caller frees). */
#define CAPTURE(buf, call)                                                     \
	do {                                                                   \
		size_t cap_len_ = 0;                                           \
		FILE *f = open_memstream(&(buf), &cap_len_);                   \
		cr_assert_not_null(f);                                         \
		call;                                                          \
		cr_assert_eq(fclose(f), 0);                                    \
		cr_assert_eq(strlen(buf), cap_len_, "no NUL in the output");   \
	} while (0)

/* --- percentiles --- */

/* Parameters are copied into each test process, so they hold arrays, not
 * pointers. */
struct pct_case {
	int64_t v[8]; /* ascending */
	size_t n;
	unsigned p;
	int64_t want;
};

ParameterizedTestParameters(bench_stats, pct)
{
	static struct pct_case cases[] = {
	    /* one element: every percentile is that element */
	    {{7}, 1, 0, 7},
	    {{7}, 1, 50, 7},
	    {{7}, 1, 99, 7},
	    {{7}, 1, 100, 7},
	    /* two: rank ceil(p * 2 / 100) */
	    {{10, 20}, 2, 50, 10},
	    {{10, 20}, 2, 51, 20},
	    {{10, 20}, 2, 99, 20},
	    /* four: p50 is rank 2, p75 rank 3, p76 rank 4 */
	    {{1, 2, 3, 4}, 4, 25, 1},
	    {{1, 2, 3, 4}, 4, 26, 2},
	    {{1, 2, 3, 4}, 4, 50, 2},
	    {{1, 2, 3, 4}, 4, 75, 3},
	    {{1, 2, 3, 4}, 4, 76, 4},
	    {{1, 2, 3, 4}, 4, 99, 4},
	    /* p 0 is the smallest, p 100 and above the largest */
	    {{1, 2, 3, 4}, 4, 0, 1},
	    {{1, 2, 3, 4}, 4, 100, 4},
	    {{1, 2, 3, 4}, 4, 250, 4},
	    /* five, negatives (skew samples can be negative) */
	    {{-30, -20, -10, 0, 10}, 5, 50, -10},
	    {{-30, -20, -10, 0, 10}, 5, 99, 10},
	    {{-30, -20, -10, 0, 10}, 5, 20, -30},
	    {{-30, -20, -10, 0, 10}, 5, 21, -20},
	};

	return cr_make_param_array(struct pct_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct pct_case *c, bench_stats, pct)
{
	int64_t got = bench_stats_pct(c->v, c->n, c->p);

	cr_expect_eq(got, c->want, "p%u of %zu samples: %lld, expected %lld",
		     c->p, c->n, (long long)got, (long long)c->want);
}

/* p50/p99/max of 1..100 are 50, 99 and 100; of 1..1000, 500, 990, 1000. */
Test(bench_stats, of_ranges)
{
	int64_t v[1000];
	struct bench_stats s;
	size_t i;

	for (i = 0; i < 100; i++)
		v[i] =
		    (int64_t)(100 - i); /* descending: bench_stats_of sorts */
	s = bench_stats_of(v, 100);
	cr_expect_eq(s.n, 100);
	cr_expect_eq(s.p50, 50);
	cr_expect_eq(s.p99, 99);
	cr_expect_eq(s.max, 100);

	for (i = 0; i < 1000; i++)
		v[i] = (int64_t)((i * 367) % 1000) + 1; /* a permutation */
	s = bench_stats_of(v, 1000);
	cr_expect_eq(s.n, 1000);
	cr_expect_eq(s.p50, 500);
	cr_expect_eq(s.p99, 990);
	cr_expect_eq(s.max, 1000);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(v[i], (int64_t)i + 1, "sorted in place");
}

/* A small unsorted table: sorted in place, then ranked. */
Test(bench_stats, of_small)
{
	int64_t v[] = {30, -5, 20, 10, 20};
	const int64_t sorted[] = {-5, 10, 20, 20, 30};
	struct bench_stats s = bench_stats_of(v, 5);

	cr_expect_eq(s.n, 5);
	cr_expect_eq(s.p50, 20); /* rank 3 */
	cr_expect_eq(s.p99, 30); /* rank 5 */
	cr_expect_eq(s.max, 30);
	cr_expect_arr_eq(v, sorted, sizeof(sorted));
}

/* The comparison must not overflow at the ends of the range. */
Test(bench_stats, of_extremes)
{
	int64_t v[] = {INT64_MAX, 0, INT64_MIN, -1, 1};
	struct bench_stats s = bench_stats_of(v, 5);

	cr_expect_eq(v[0], INT64_MIN);
	cr_expect_eq(v[4], INT64_MAX);
	cr_expect_eq(s.p50, 0);
	cr_expect_eq(s.max, INT64_MAX);
}

/* One sample: n 1 and every statistic equal to it. */
Test(bench_stats, of_one)
{
	int64_t v[] = {-42};
	struct bench_stats s = bench_stats_of(v, 1);

	cr_expect_eq(s.n, 1);
	cr_expect_eq(s.p50, -42);
	cr_expect_eq(s.p99, -42);
	cr_expect_eq(s.max, -42);
}

/* No samples: all zeros, and the (NULL) array is not touched. */
Test(bench_stats, of_empty)
{
	struct bench_stats s = bench_stats_of(NULL, 0);

	cr_expect_eq(s.n, 0);
	cr_expect_eq(s.p50, 0);
	cr_expect_eq(s.p99, 0);
	cr_expect_eq(s.max, 0);
}

/* --- JSON --- */

struct str_case {
	char in[32];
	char want[96];
};

ParameterizedTestParameters(bench_stats, json_str)
{
	static struct str_case cases[] = {
	    {"", "\"\""},
	    {"plain ascii 123", "\"plain ascii 123\""},
	    {"say \"hi\"", "\"say \\\"hi\\\"\""},
	    {"a\\b", "\"a\\\\b\""},
	    {"\\\"", "\"\\\\\\\"\""},
	    /* every byte below 0x20 is \u00XX, lower-case hex */
	    {"\x01", "\"\\u0001\""},
	    {"a\nb\tc\rd", "\"a\\u000ab\\u0009c\\u000dd\""},
	    {"\x1f\x1b", "\"\\u001f\\u001b\""},
	    /* 0x20 and DEL are copied */
	    {" \x7f", "\" \x7f\""},
	    /* well-formed UTF-8 is copied: 2, 3 and 4 bytes, CJK */
	    {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
	    {"全心全意为人民服务", "\"全心全意为人民服务\""},
	    {"“四个意识”", "\"“四个意识”\""},
	    {"\xf0\x9f\x98\x80!", "\"\xf0\x9f\x98\x80!\""},
	    {"\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""}, /* U+10FFFF */
	    /* each byte that does not start a well-formed sequence becomes
	     * \ufffd, and the next byte is looked at afresh */
	    {"\x80", "\"\\ufffd\""}, /* stray continuation */
	    {"a\xbf"
	     "b",
	     "\"a\\ufffdb\""},
	    {"\xc0\xaf", "\"\\ufffd\\ufffd\""}, /* overlong '/' */
	    {"\xc1\xbf", "\"\\ufffd\\ufffd\""},
	    {"\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
	    {"\xff", "\"\\ufffd\""},
	    {"\xc3", "\"\\ufffd\""}, /* cut at the end */
	    {"\xe4\xb8", "\"\\ufffd\\ufffd\""},
	    {"\xf0\x9f\x98", "\"\\ufffd\\ufffd\\ufffd\""},
	    {"\xc3"
	     "A",
	     "\"\\ufffdA\""},			      /* not a continuation */
	    {"\xe4\xb8\"", "\"\\ufffd\\ufffd\\\"\""}, /* cut by a quote */
	    {"\xe4"
	     "\x01",
	     "\"\\ufffd\\u0001\""},
	    /* only the lead byte and the continuation count are checked:
	     * these pass through as bench.c has always written them */
	    {"\xe0\x80\x80", "\"\xe0\x80\x80\""},	  /* overlong NUL */
	    {"\xed\xa0\x80", "\"\xed\xa0\x80\""},	  /* surrogate */
	    {"\xf4\x90\x80\x80", "\"\xf4\x90\x80\x80\""}, /* > U+10FFFF */
	};

	return cr_make_param_array(struct str_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct str_case *c, bench_stats, json_str)
{
	char *out = NULL;

	CAPTURE(out, bench_json_str(f, c->in));
	cr_expect_str_eq(out, c->want);
	free(out);
}

/* The stats object: numbers, or nulls when there is no sample. */
Test(bench_stats, json_stats)
{
	struct bench_stats s = {3, 50, -7, 9000000000LL};
	struct bench_stats none = {0, 0, 0, 0};
	char *out = NULL;

	CAPTURE(out, bench_json_stats(f, s));
	cr_expect_str_eq(out, "{\"n\":3,\"p50\":50,\"p99\":-7,"
			      "\"max\":9000000000}");
	free(out);
	out = NULL;
	CAPTURE(out, bench_json_stats(f, none));
	cr_expect_str_eq(out, "{\"n\":0,\"p50\":null,\"p99\":null,"
			      "\"max\":null}");
	free(out);
}

/* Error counters: only the non-zero ones, keyed by name, in code order. */
Test(bench_stats, json_codes)
{
	uint64_t counts[16] = {0};
	char *out = NULL;

	CAPTURE(out, bench_json_codes(f, counts, 16));
	cr_expect_str_eq(out, "{}");
	free(out);

	counts[quiz_wire_code(QE_TOO_LATE)] = 3;
	counts[quiz_wire_code(QE_BAD_FRAME)] = 1;
	counts[15] = 18446744073709551615ULL; /* a name: STORAGE_UNAVAILABLE */
	out = NULL;
	CAPTURE(out, bench_json_codes(f, counts, 16));
	cr_expect_str_eq(out, "{\"BAD_FRAME\":1,\"TOO_LATE\":3,"
			      "\"STORAGE_UNAVAILABLE\":18446744073709551615}");
	free(out);

	/* n bounds the walk */
	out = NULL;
	CAPTURE(out, bench_json_codes(f, counts,
				      (unsigned)quiz_wire_code(QE_TOO_LATE)));
	cr_expect_str_eq(out, "{\"BAD_FRAME\":1}");
	free(out);
}

/* --- contest checks --- */

/* Competition ranking: ties share a rank, the next line skips (1, 1, 3). */
Test(bench_stats, rank_ties)
{
	const struct bench_rank_line ok[] = {
	    {30, 100, 1}, {30, 100, 1}, {30, 200, 3}, {10, 0, 4}, {-5, 0, 5},
	};
	const struct bench_rank_line team[] = {
	    {120, 0, 1}, {110, 0, 2}, {110, 0, 2}, {110, 0, 2}, {90, 0, 5},
	};
	const struct bench_rank_line no_tie[] = {
	    {30, 100, 1}, {30, 100, 2}, /* equal: must share rank 1 */
	};
	const struct bench_rank_line false_tie[] = {
	    {30, 100, 1}, {30, 101, 1}, /* slower: rank 2 */
	};
	const struct bench_rank_line dense[] = {
	    {30, 0, 1}, {30, 0, 1}, {20, 0, 2}, /* 1, 1, 3, not 1, 1, 2 */
	};
	const struct bench_rank_line order[] = {
	    {10, 0, 1}, {20, 0, 2}, /* ascending: out of order */
	};
	const struct bench_rank_line first[] = {{5, 0, 2}};

	cr_expect_eq(bench_rank_errors(ok, 5), 0);
	cr_expect_eq(bench_rank_errors(team, 5), 0);
	cr_expect_eq(bench_rank_errors(no_tie, 2), 1);
	cr_expect_eq(bench_rank_errors(false_tie, 2), 1);
	cr_expect_eq(bench_rank_errors(dense, 3), 1);
	cr_expect_eq(bench_rank_errors(order, 2), 1);
	cr_expect_eq(bench_rank_errors(first, 1), 1);
	cr_expect_eq(bench_rank_errors(NULL, 0), 0);
}

/* Team scores: base + sum, or base + mean rounded toward zero. */
Test(bench_stats, team_score)
{
	const int64_t t[] = {10, 20, 31};
	const int64_t neg[] = {-10, -21};
	const int64_t mixed[] = {-30, 10, 0, 1};

	cr_expect_eq(bench_team_score(100, 1, t, 3), 161);
	cr_expect_eq(bench_team_score(100, 0, t, 3), 120); /* 61/3 = 20 */
	cr_expect_eq(bench_team_score(0, 0, neg, 2), -15); /* -31/2 = -15 */
	cr_expect_eq(bench_team_score(100, 0, neg, 2), 85);
	cr_expect_eq(bench_team_score(0, 0, mixed, 4), -4); /* -19/4 */
	cr_expect_eq(bench_team_score(0, 1, mixed, 4), -19);
	cr_expect_eq(bench_team_score(100, 0, NULL, 0), 100);
	cr_expect_eq(bench_team_score(100, 1, NULL, 0), 100);
}

/* 风险: right +stake; wrong or no answer -stake. */
Test(bench_stats, wager_delta)
{
	cr_expect_eq(bench_wager_delta(20, 1, 1), 20);
	cr_expect_eq(bench_wager_delta(20, 1, 0), -20);
	cr_expect_eq(bench_wager_delta(30, 0, 0), -30);
	cr_expect_eq(bench_wager_delta(30, 0, 1), -30); /* unanswered */
}

/* 必答: only the unit with the turn scores; no answer books 0. */
Test(bench_stats, turn_delta)
{
	cr_expect_eq(bench_turn_delta(1, 1, 1, 10, -5), 10);
	cr_expect_eq(bench_turn_delta(1, 1, 0, 10, -5), -5);
	cr_expect_eq(bench_turn_delta(1, 0, 0, 10, -5), 0);
	cr_expect_eq(bench_turn_delta(0, 1, 1, 10, -5), 0);
	cr_expect_eq(bench_turn_delta(0, 0, 0, 10, 0), 0);
}

/* Fairness: an inversion is a pair at least min_gap apart in truth that the
 * server ordered the other way or tied; pairs closer than that are not
 * counted at all. */
Test(bench_stats, inversions)
{
	const int64_t truth[] = {1000, 7000, 9000, 20000};
	const int64_t same[] = {1500, 7500, 9500, 20500};
	/* 7000 and 9000 swap (2 ms apart: not a pair); 1000 and 20000 tie */
	const int64_t swap_close[] = {5, 9100, 9000, 5};
	uint64_t pairs = 99;

	cr_expect_eq(bench_inversions(truth, same, 4, 5000, &pairs), 0);
	/* pairs >= 5 ms: (0,1) (0,2) (0,3) (1,3) (2,3) */
	cr_expect_eq(pairs, 5);
	/* (0,1): 5 < 9100 fine; (0,2) fine; (0,3) tie: 1; (1,3): 9100 >
	 * 5 but truth 7000 < 20000: 1; (2,3): 1 */
	cr_expect_eq(bench_inversions(truth, swap_close, 4, 5000, &pairs), 3);
	cr_expect_eq(pairs, 5);
	/* with no minimum gap every pair counts, the close swap too */
	cr_expect_eq(bench_inversions(truth, swap_close, 4, 0, &pairs), 4);
	cr_expect_eq(pairs, 6);
	cr_expect_eq(bench_inversions(truth, same, 0, 5000, &pairs), 0);
	cr_expect_eq(pairs, 0);
	cr_expect_eq(bench_inversions(truth, same, 1, 5000, &pairs), 0);
	cr_expect_eq(pairs, 0);
}

/* Mean of signed samples; 0 for none. */
Test(bench_stats, mean)
{
	const int64_t v[] = {-3, 5, 10, -4};

	cr_expect_float_eq(bench_mean(v, 4), 2.0, 1e-9);
	cr_expect_float_eq(bench_mean(v, 1), -3.0, 1e-9);
	cr_expect_float_eq(bench_mean(NULL, 0), 0.0, 1e-9);
}

/* Injected delays: due = now + delay + jitter, never before now (a
 * negative sum is no delay) and never before the previous chunk of the
 * same direction (no reordering: a later chunk with less jitter waits). */
Test(bench_stats, relay_due)
{
	cr_expect_eq(bench_relay_due(0, 1000, 50000, 0), 51000);
	cr_expect_eq(bench_relay_due(0, 1000, 50000, -7000), 44000);
	cr_expect_eq(bench_relay_due(0, 1000, 50000, 9000), 60000);
	/* 2 ms delay, -10 ms jitter: due now, not in the past */
	cr_expect_eq(bench_relay_due(0, 1000, 2000, -10000), 1000);
	/* the previous chunk is due later: this one waits for it */
	cr_expect_eq(bench_relay_due(60000, 2000, 50000, -9000), 60000);
	cr_expect_eq(bench_relay_due(60000, 2000, 50000, 9000), 61000);
	/* equal dues keep their order (the heap breaks ties by arrival) */
	cr_expect_eq(bench_relay_due(51000, 1000, 50000, 0), 51000);
}

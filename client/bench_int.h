/* Private to quiz-bench: the run state shared by client/bench.c (the loop,
 * host and contestants, checks), client/bench_args.c (command line) and
 * client/bench_report.c (JSON summary). Not a library interface. */
#ifndef QUIZ_BENCH_INT_H
#define QUIZ_BENCH_INT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <uv.h>

#include "quiz_limits.h"

#ifndef QUIZ_VERSION
#define QUIZ_VERSION "0"
#endif

#define BENCH_RT_TOLERANCE_US 5000 /* |server rt - measured rt| allowed */
#define BENCH_MAX_EXAMPLES    10   /* mismatch examples printed */
#define BENCH_MAX_PLAYERS     100000
#define BENCH_CODE_MAX	      QUIZ_CODE_INPUT_MAX
#define BENCH_TOP_MAX	      10
#define BENCH_NCODES	      32 /* wire error codes counted (0..31) */

struct bench_opts {
	const char *connect;
	struct sockaddr_storage addr;
	unsigned players;
	unsigned questions;
	double accuracy;
	unsigned think_min, think_max; /* ms */
	const char *code;
	const char *bank_dir;
	unsigned time_limit_ms;
	uint64_t seed;
	const char *json_out;
	unsigned timeout_s;
	unsigned ramp; /* connections in flight at most */
	int results;
};

/* One contestant's view of one question. */
struct pq {
	uint8_t got_question, sent, acked, refused, result;
	uint8_t res_answered, res_correct;
	int8_t want;  /* 1 chose right, 0 chose wrong, -1 unknown */
	uint32_t seq; /* Answer seq */
	uint32_t ack_rt;
	uint32_t res_points, res_rt;
	int64_t measured_rt;
	int64_t res_total;
};

/* What the bench knows of one question (the same for every contestant). */
struct bq {
	int seen;
	int kind;
	unsigned n_options;
	uint64_t reveal_at, deadline_at, sent_at;
	uint32_t time_limit_ms, points;
	int resolved; /* bank lookup done */
	const struct item *item;
	int mask_known;
	uint32_t mask; /* correct options by question index */
	int revealed, voided;
	int64_t *fan_q, *fan_r, *skew; /* samples, one per contestant */
	unsigned n_fan_q, n_fan_r, n_skew;
	unsigned sent, acked;
	uint64_t first_send, last_ack; /* local clock */
};

enum player_state { P_IDLE, P_CONNECTING, P_JOINING, P_JOINED, P_GONE };

struct player {
	struct bench *b;
	struct qconn *c;
	unsigned idx;
	enum player_state state;
	uint32_t id;
	uint32_t join_seq;
	int finished;
	int timer_live;
	uv_timer_t timer;
	int cur;   /* question the timer is for */
	int phase; /* 0: reveal pending, 1: answer pending */
	uint64_t reveal_local, answer_local;
	int64_t sum, last_total; /* points of the Results so far, last total */
	struct pq *pq;
};

struct standing {
	uint32_t rank, player_id;
	int64_t score;
	char nickname[64];
};

struct bench {
	uv_loop_t *loop;
	struct bench_opts o;
	struct bank *bank;
	uint64_t rng;
	struct player *players;
	struct qconn *host;
	int host_finished;
	uint32_t create_seq, start_seq;
	char code[BENCH_CODE_MAX + 1];
	unsigned nq;
	struct bq *q;
	uv_timer_t ramp_timer, timeout_timer;
	unsigned next, inflight, joined, failed, finished, dropped;
	int started, stopping, timed_out, fatal;
	uint64_t sent, acked, refused[BENCH_NCODES], errors[BENCH_NCODES];
	uint64_t errors_total, refused_total;
	uint64_t mm_score, mm_rt, mm_ack, mm_correct, examples;
	uint64_t t_start, t_end;
	struct standing top[BENCH_TOP_MAX];
	unsigned n_top;
	int have_final;
};

/* Command line into o (defaults filled in). Returns 0 to run, 1 when
 * --help or --version printed what was asked (exit 0), or -EINVAL on a
 * usage error (message already on stderr; exit 2). */
int bench_args_parse(int argc, char **argv, struct bench_opts *o);

/* Prints a mismatch example to stderr (the first BENCH_MAX_EXAMPLES only);
 * counts every call in b->examples. */
void bench_example(struct bench *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Results that never came for a question that was revealed, over every
 * contestant. */
uint64_t bench_report_missing(const struct bench *b);
/* Compares the final leaderboard with each player's last Result total and
 * counts a score mismatch (with an example) for every difference. */
void bench_report_check_final(struct bench *b);
/* Writes the JSON summary object and a newline to f. complete and missing
 * come from main (bench_report_missing). Sorts each question's samples in
 * place (bench_stats_of); nothing else in b changes. */
void bench_report(struct bench *b, FILE *f, int complete, uint64_t missing);

#endif

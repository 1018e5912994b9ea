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
#define BENCH_PROCS_MAX	      64 /* --procs */
#define BENCH_CODE_MAX	      QUIZ_CODE_INPUT_MAX
#define BENCH_TOP_MAX	      10
#define BENCH_NCODES	      32    /* wire error codes counted (0..31) */
#define BENCH_TEAMS_MAX	      64    /* teams (CONTEST_TEAMS_MAX) */
#define BENCH_ROUNDS_MAX      16    /* rounds of a contest */
#define BENCH_STAKES_MAX      8	    /* stakes of a 风险 round */
#define BENCH_CONTEST_Q	      200   /* questions of a whole match at most */
#define BENCH_CONTEST_MAX     32768 /* bytes of a contest file */
#define QUIZ_BENCH_SPEED      0	    /* quiz.v1.RoundFormat SPEED */
#define QUIZ_BENCH_BUZZ	      2	    /* quiz.v1.RoundFormat BUZZ */
#define QUIZ_BENCH_TOKEN_MAX  64    /* Hello.resume_token, host token */
#define BENCH_ADDRS_MAX	      16    /* --connect addresses */
#define BENCH_ADDR_TEXT	      96    /* one of them as given, NUL included */

struct bench_opts {
	const char *connect;
	/* --connect's addresses, in order (the front doors of one cluster):
	 * the host uses addrs[0], contestant i addrs[i % naddrs] */
	struct sockaddr_storage addrs[BENCH_ADDRS_MAX];
	char addr_text[BENCH_ADDRS_MAX][BENCH_ADDR_TEXT];
	unsigned naddrs;
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
	/* contests (--contest): the file's text, sent in CreateRoom */
	const char *contest_path;
	char *contest_text;
	unsigned teams;	    /* --teams: contestants spread over N teams */
	double out_of_turn; /* share of others answering out of turn */
	const char *told_out;
	int hurry; /* host closes questions and wagers once all are in */
	/* injected delays (client/bench_relay.c), ms */
	int delays;    /* any of the delay options given */
	int symmetric; /* --delay-ms: down = up */
	unsigned up_min, up_max, down_min, down_max;
	unsigned jitter_ms;
	/* buzz rounds */
	double foul; /* --foul: share of contestants pressing early */
	/* server restarts (client/bench_resume.c) */
	int no_reconnect;	  /* --no-reconnect: a drop is final */
	unsigned backoff_base_ms; /* --backoff-ms BASE-CAP (50-2000) */
	unsigned backoff_cap_ms;
	unsigned resume_wait_ms;   /* host: RESUME at most this late (10000) */
	unsigned reconnect_s;	   /* --reconnect-s: give up after (15) */
	const char *acks_out;	   /* --acks FILE */
	const char *standings_out; /* --standings FILE */
	/* practising clients (client/bench_practice.c) */
	unsigned practice; /* --practice N: 0 none */
	unsigned practice_think_min, practice_think_max; /* ms */
	/* contestant processes (client/bench_procs.c) */
	unsigned procs; /* --procs: 1 runs everything in this process */
	/* --floor: contestants of quiz-floor (bench/floor.c) that only
	 * measure: they join, keep their clock sync, sample the fan-out of
	 * every Question and Reveal, never answer, leave at FINISHED */
	int floor;
};

#define BENCH_ARMS_MAX 4 /* armings of a buzz question kept (1 + rebounds) */

/* One contestant's press in one arming of a buzz question. */
struct pz {
	uint8_t planned, pressed, result, outcome, foul_plan;
	uint8_t crossed; /* decided in a later arming than planned */
	uint32_t seq;
	uint64_t armed_local; /* armed_at as its synced clock shows it */
	int64_t sync_us;      /* how far off that can be: the best RTT / 2 */
	uint64_t press_local; /* the Buzz handed to the socket */
	int64_t srv_react, srv_gap;
	uint32_t one_way;
};

/* One arming of a buzz question: its plan for every contestant. */
struct bz_arm {
	uint64_t armed_at;  /* server time */
	int64_t *plan;	    /* per contestant: press this long after */
	uint8_t *foul;	    /* per contestant: a planned foul */
	uint32_t winner_id; /* as BuzzState told */
};

struct bq_buzz {
	struct bz_arm arm[BENCH_ARMS_MAX];
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
	/* contests */
	uint8_t intends; /* decided to answer (0: stays silent) */
	uint8_t oot;	 /* 必答: answer sent out of turn on purpose */
	uint8_t res_team_answered; /* Result.team_answered */
	uint8_t w_req;		   /* WagerRequest seen */
	uint8_t w_sent, w_acked, w_refused;
	uint32_t w_seq, w_stake; /* the Wager sent */
	uint32_t w_seen;	 /* the unit's stake as a WagerAck said (0) */
	uint32_t q_stake;	 /* Question.stake */
	uint32_t res_stake;
	int64_t res_delta;
	/* fairness (local clock = server clock on one machine) */
	uint64_t q_recv;     /* Question received (after the down delay) */
	uint64_t shown;	     /* max(reveal_at on its synced clock, q_recv) */
	uint64_t sent_local; /* Answer handed to the socket (before up) */
	struct pz *z;	     /* buzz: BENCH_ARMS_MAX presses, or NULL */
	uint8_t bz_out, bz_won;
	/* restarts */
	uint8_t chosen;	    /* pick / fill decided (sent again as is) */
	uint8_t fill;	    /* 1: the bank's fill text, 2: "x" */
	uint8_t already;    /* re-sent, refused ALREADY_ANSWERED */
	uint8_t disturbed;  /* a drop touched it: time checks skipped */
	uint32_t pick;	    /* the options chosen, by question index */
	uint32_t sent_conn; /* p->conns when the Answer went out */
	uint32_t ack_us;    /* AnswerAck received - Answer sent (local) */
	uint64_t reveal_at; /* Question.reveal_at_us as last received */
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
	uint64_t reveal_sent;	       /* Reveal.sent_at_us */
	uint64_t reveal_last; /* the last Reveal received (shared clock) */
	/* contests */
	int round;     /* Question.round */
	int format;    /* quiz.v1.RoundFormat of its round */
	int has_turn;  /* 必答: Question.turn or Turn seen */
	int turn_team; /* team index with the turn, -1: a contestant */
	uint32_t turn_player;
	uint32_t min_stake;	/* 风险: the smallest of the round's stakes */
	int hurried, w_hurried; /* host NEXT sent (question, wager phase) */
	int host_revealed;	/* the host got its Reveal */
	int lb_checked;		/* bit 1: leaderboard ranks checked; 2: final */
	struct bq_buzz *bz;	/* buzz rounds, else NULL */
};

/* A round as the contest announced it. */
struct bench_round {
	int known;
	int format;
	int32_t points, penalty;
	uint32_t stakes[BENCH_STAKES_MAX];
	unsigned nstakes;
	int next_sent; /* host NEXT sent in the break after it */
	int end_seen;  /* its RoundEnd standings checked */
};

/* One line of a team board as received. */
struct bench_team_line {
	char team[QUIZ_TEAM_MAX + 1];
	uint32_t rank, members;
	int64_t score, points;
	uint32_t stake; /* 风险: the stake booked at the last question */
};

enum bench_board_kind { BOARD_REVEAL, BOARD_LEADERBOARD, BOARD_ROUND_END };

/* A team board as received (first copy of each), checked at the end
 * against the members' totals as of question q. */
struct bench_board {
	enum bench_board_kind kind;
	int q;		/* the last question booked on it; -1 none */
	uint32_t round; /* ROUND_END: its round */
	int final;	/* the final leaderboard */
	int scoring;	/* quiz.v1.TeamScoring */
	int64_t base;
	unsigned n;
	struct bench_team_line *t;
};

/* P_RESEAT: joined once, its connection dropped; reconnecting with its
 * resume token (backoff timer, then connect, Welcome, Joined). */
enum player_state {
	P_IDLE,
	P_CONNECTING,
	P_JOINING,
	P_JOINED,
	P_RESEAT,
	P_GONE
};

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
	int team;	   /* index into bench.team_names, -1 none */
	int last_revealed; /* latest Reveal received, -1 none */
	int wager_q;	   /* 风险: the question of a Wager waiting to go */
	uint32_t wager_stake;
	int64_t up_us, down_us; /* injected delays (constant), 0 without */
	int bz_arm;		/* buzz: the arming of the press timer */
	uint64_t bz_at;		/* buzz: when to press (local) */
	/* restarts */
	char token[QUIZ_BENCH_TOKEN_MAX + 1]; /* Welcome.resume_token */
	unsigned attempt; /* reconnect attempts since the drop */
	uint32_t conns;	  /* connections made (1 + reconnects) */
	int paused;	  /* the room is paused, as last told */
	int kicked;	  /* Kicked: no reconnect */
	int resync;	  /* missed Results while away: totals restart */
	uint64_t drop_at; /* local: when it dropped (P_RESEAT) */
	uint64_t conn_at; /* local: its first connect began */
	uint32_t join_us; /* first connect to Joined, 0 not joined */
	unsigned addr;	  /* o.addrs index of its last connection */
};

/* A contestant's reveal moment in the sweep (client/bench.c): question q
 * is shown at local time at; fired: when the sweep met it. */
struct reveal_due {
	struct player *p;
	int q;
	uint64_t at, fired;
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
	uv_timer_t rv_timer;   /* the reveal sweep */
	struct reveal_due *rv; /* reveal moments to come */
	size_t nrv, cap_rv;
	uint64_t rv_armed_at; /* the moment the sweep's timer stands for */
	unsigned next, inflight, joined, failed, finished, dropped;
	int started, stopping, timed_out, fatal;
	uint64_t sent, acked, refused[BENCH_NCODES], errors[BENCH_NCODES];
	uint64_t errors_total, refused_total;
	uint64_t mm_score, mm_rt, mm_ack, mm_correct, examples;
	uint64_t t_start, t_end;
	uint64_t t_first_conn, t_last_joined; /* local: joining's window */
	struct standing top[BENCH_TOP_MAX];
	unsigned n_top;
	int have_final;
	/* contests (--contest or --teams) */
	int contest; /* contest checks on */
	char team_names[BENCH_TEAMS_MAX][QUIZ_TEAM_MAX + 1];
	unsigned nteams;
	int have_info; /* ContestInfo seen */
	char title[QUIZ_TITLE_MAX + 1];
	int scoring;  /* quiz.v1.TeamScoring */
	int64_t base; /* team base score */
	struct bench_round rounds[BENCH_ROUNDS_MAX];
	unsigned nrounds, rounds_started, rounds_ended;
	struct bench_board *boards;
	size_t nboards, cap_boards;
	int host_last_revealed;
	unsigned lb_checked; /* leaderboards whose ranks were checked */
	uint64_t oot_sent, oot_refused, w_sent, w_acked, w_already, w_pushed;
	uint64_t host_next, team_lines;
	uint64_t mm_team, mm_wager, mm_turn, mm_delta, mm_rank, mm_member;
	/* injected delays (client/bench_relay.c) */
	struct relay_set *relay;
	struct player *relay_waiting; /* connecting to the relay */
	struct sockaddr_storage relay_addr;
	uint64_t relay_late_n, relay_late_sum, relay_late_max; /* us */
	uint64_t relay_late_500, relay_late_1000; /* chunks >= 0.5, 1 ms */
	/* buzz rounds (client/bench_buzz.c) */
	uint64_t bz_fouls_planned, bz_fouls_seen, bz_fouls_unplanned;
	uint64_t bz_fouls_missed, bz_armings_planned, bz_presses, bz_rebounds;
	uint64_t bz_outcomes[6], bz_unexpected, bz_wrong_ge5, bz_refused;
	uint64_t bz_crossed;
	uint64_t bz_by_gap[3][2]; /* >= 5, 2..5, < 2 ms: armings, right */
	unsigned bz_armings;
	/* server restarts (client/bench_resume.c) */
	FILE *acks_f;	   /* --acks */
	unsigned unseated; /* contestants in P_RESEAT */
	int outage;	   /* an episode is open: someone is reseating */
	uint64_t ep_start; /* its first reconnect attempt (local) */
	uint64_t ep_start_wall_ms;
	struct bench_episode *eps; /* closed episodes */
	size_t neps, cap_eps;
	uint64_t reconnects, reconnect_attempts, reseat_lost, already;
	uint64_t resent, results_away, kicked;
	char host_token[QUIZ_BENCH_TOKEN_MAX + 1]; /* RoomCreated.host_token */
	uv_timer_t host_timer; /* host: reconnect backoff, RESUME wait */
	unsigned host_attempt;
	uint32_t watch_seq;
	int host_watching;	/* WatchRoom answered: host seat ours again */
	int resume_due;		/* paused RECOVERED: RESUME to send */
	uint64_t resume_due_at; /* local: when it became due */
	uint64_t host_reconnects, resumes_sent;
	uint64_t host_drop_at; /* local: when the host seat was lost, 0 */
	unsigned host_addr;    /* o.addrs index of the host's connection */
	/* per o.addrs index: contestants' reconnects that landed on it */
	uint64_t addr_reconnects[BENCH_ADDRS_MAX];
	/* practising clients (client/bench_practice.c), --practice only */
	struct bench_practice *practice;
	uv_async_t practice_async; /* main loop: all practising clients up */
	uv_mutex_t practice_mu;	   /* guards practice_async_closed */
	int practice_async_closed;
	int practice_up; /* the async came: the host may START */
	/* several processes (client/bench_procs.c), --procs N > 1 */
	struct bench_procs *procs; /* NULL with --procs 1 */
	unsigned idx_base;	   /* global index of players[0] (a worker) */
};

/* One restart as the contestants lived it: from the first reconnect
 * attempt to the moment every dropped contestant was seated again. */
struct bench_episode {
	uint64_t start_wall_ms, seated_wall_ms; /* CLOCK_REALTIME */
	uint64_t us;				/* seated - start (monotonic) */
	uint64_t start_us; /* its first attempt (monotonic, local) */
};

/* Shared by client/bench.c and client/bench_buzz.c: the seeded generator
 * (uniform in [0, 1) and in [0, n)), the player's timer (armed for a local
 * time; early: up to 2 ms early, then bench_player_wait spins to the
 * microsecond, -EAGAIN when still further), the answer of question
 * p->cur, and the timer callback. */
double bench_rng_unit(struct bench *b);
unsigned bench_rng_below(struct bench *b, unsigned n);
void bench_player_arm(struct player *p, uint64_t local_us, int early);
int bench_player_wait(uint64_t local_us);
void bench_player_answer(struct player *p);
void bench_on_player_timer(uv_timer_t *t);

#include "quiz.pb-c.h"

/* Buzz rounds (client/bench_buzz.c): a Question of a buzz round, a
 * BuzzState, a BuzzResult, the press and answer timers (phases 3, 4). */
void bench_buzz_question(struct player *p, const Quiz__V1__Question *m,
			 uint64_t recv);
void bench_buzz_state(struct player *p, const Quiz__V1__BuzzState *m);
void bench_buzz_result(struct player *p, const Quiz__V1__BuzzResult *m);
/* An Error refusing one of p's presses: counted, returns 1; else 0. */
int bench_buzz_refused(struct player *p, uint32_t ref_seq, int code);
void bench_buzz_timer(struct player *p);
/* The "buzz" object of the JSON; the wrong winners at >= 5 ms; whether a
 * buzz question was seen; frees the bookkeeping. */
void bench_report_buzz(struct bench *b, FILE *f);
uint64_t bench_buzz_wrong(struct bench *b);
int bench_buzz_seen(const struct bench *b);
void bench_buzz_free(struct bench *b);

/* Starts the delay relay: draws each contestant's delays from the seed,
 * listens on 127.0.0.1 (b->relay_addr) for the contestants' connections.
 * Returns 0 or a negative error. */
int bench_relay_start(struct bench *b);
/* Hands contestant p's delays to the relay before p connects to
 * b->relay_addr: the relay takes them for the next connection it accepts,
 * so the caller connects one contestant at a time. 0 or -ENOSPC. */
int bench_relay_expect(struct bench *b, const struct player *p);
/* Asks the relay thread to close the listener, the timer and every
 * relayed connection (then its loop runs dry). */
void bench_relay_stop(struct bench *b);
/* Joins the relay thread (after bench_relay_stop), keeps its counters
 * (relay_late_*) and frees it; no-op when there is none. */
void bench_relay_free(struct bench *b);
/* The fairness object of the JSON (bench_report.c): speed-round response
 * time error against the true times, ranking inversions. */
void bench_report_fairness(struct bench *b, FILE *f);

/* Sum of the contest mismatch counters. */
uint64_t bench_contest_mismatches(const struct bench *b);
/* Index of a team by name in b->team_names, or -1. */
int bench_team_index(const struct bench *b, const char *name);
/* The end-of-run contest checks: every booking of a 必答 and 风险
 * question against its unit's answer and stake, and every team board kept
 * against the members' totals (bench_report.c). */
void bench_report_check_contest(struct bench *b);
/* Writes what the contestants were told (--told): each contestant's
 * team and last total, every Result, and the final team board. */
void bench_report_told(const struct bench *b, FILE *f);

/* Command line into o (defaults filled in). Returns 0 to run, 1 when
 * --help or --version printed what was asked (exit 0), or -EINVAL on a
 * usage error (message already on stderr; exit 2). */
int bench_args_parse(int argc, char **argv, struct bench_opts *o);

/* Server restarts (client/bench_resume.c). The full-jitter backoff
 * before reconnect attempt n (0-based): uniform in
 * [0, min(cap, base * 2^n)] ms. */
uint64_t bench_backoff_ms(struct bench *b, unsigned attempt);
/* A reconnect attempt starts (the first one with a contestant unseated
 * opens an episode); a contestant was seated again or given up
 * (b->unseated already updated: the last one closes it). */
void bench_episode_attempt(struct bench *b);
void bench_episode_seated(struct bench *b);
/* Opens --acks (0 or -errno); writes one AnswerAck ("ID Q RT") or one
 * ALREADY_ANSWERED of a re-sent answer ("ID Q already"). */
int bench_acks_open(struct bench *b);
void bench_acks_line(struct bench *b, uint32_t id, uint32_t q, int64_t rt);
/* Writes --standings: the final leaderboard, "ID SCORE RANK" a line, then
 * "# total ID SCORE" for each contestant whose last Result was the match's
 * last question. 0 or -errno. */
int bench_standings_write(const struct bench *b);
/* The "restarts" object of the JSON. */
void bench_report_restarts(const struct bench *b, FILE *f);
/* The next address to try after a drop: the one after i in --connect's
 * list (i itself with one address). */
unsigned bench_addr_next(const struct bench *b, unsigned i);
/* "connect" and "per_addr" of the JSON: the addresses, and per address
 * the contestants last connected through it and the reconnects that
 * landed on it. */
void bench_report_addrs(const struct bench *b, FILE *f);
/* Wall clock in ms (CLOCK_REALTIME). */
uint64_t bench_wall_ms(void);

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

/* Practising clients (client/bench_practice.c), with --practice N. The
 * caller has initialised b->practice_async (on the main loop: it fires
 * once every practising client had its first PracticeReady or failed) and
 * b->practice_mu. Starts the practice thread with its own loop and the N
 * clients; 0 or a negative error. */
int bench_practice_start(struct bench *b);
/* From the main loop's stop: closes b->practice_async and tells the
 * practice thread to stop (clients with a request out get a short drain
 * for its reply). No-op without --practice. */
void bench_practice_stop(struct bench *b);
/* Joins the practice thread after the main loop has run dry. */
void bench_practice_join(struct bench *b);
/* What fails the run: errors received or found, connections failed or
 * dropped, replies lost, mismatches, plus 1 when no PracticeResult came
 * at all. 0 without --practice. */
uint64_t bench_practice_failures(const struct bench *b);
/* The "practice" object of the JSON (after bench_practice_join). */
void bench_report_practice(struct bench *b, FILE *f);
/* Frees the practising clients' bookkeeping. */
void bench_practice_free(struct bench *b);

/* The run in this process (client/bench.c): the players (o.players of
 * them, nicknamed from b->idx_base), the loop, the host unless o.code is set,
 * until the loop runs dry. Returns 0, or 1 when it could not start
 * (message printed). */
int bench_run(struct bench *b);
/* The end-of-run checks, the JSON (stdout, --json-out), --told and
 * --standings on the state left by bench_run (or merged from the
 * workers); frees b. Returns the exit status (0 or 1). */
int bench_finish(struct bench *b);
/* Stops the run: closes every connection and timer, the loop then runs
 * dry (client/bench.c). Idempotent. */
void bench_stop(struct bench *b);
/* A worker's counts changed (client/bench_procs.c): the host may START,
 * RESUME or see the end. */
void bench_progress(struct bench *b);

/* Several processes (client/bench_procs.c), --procs N > 1: forks N
 * workers, each running a contiguous slice of the contestants on the
 * --code path once the room code comes down its socket; this process
 * hosts, follows their progress, and merges their state when they exit.
 * Returns the exit status (the workers never return). */
int bench_procs_main(struct bench *b);
/* Parent: the room code is known (b->code): sends it to the workers. */
void bench_procs_code(struct bench *b);
/* Worker: tells the parent what changed (joining over, unseated or not,
 * stopped). No-op in the parent and without --procs. */
void bench_procs_note(struct bench *b);
/* From bench_stop: a worker reports its end; the parent closes the
 * workers' sockets (telling the ones still running to stop). */
void bench_procs_stop(struct bench *b);
/* Parent: 1 when every worker reported its end, 0 when one has not;
 * -1 in a worker or without --procs (no workers to wait for). */
int bench_procs_ended(const struct bench *b);
/* Opens the workers' sockets on b->loop (parent), or the worker's own
 * (a closed socket stops the worker). 0 or a negative error. */
int bench_procs_loop_start(struct bench *b);

#endif

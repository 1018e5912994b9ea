/* quiz-bench's command line: --help text, option parsing and the limits
 * on every option (client/bench.c runs the match). */
#include "bench_int.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qconn.h"
#include "wire.h"

/* Prints the --help text to f. */
static void bench_args_usage(FILE *f)
{
	fputs(
	    "usage: quiz-bench --connect HOST:PORT[,...] --players N "
	    "--questions Q\n"
	    "                  [--accuracy P] [--think-ms MIN-MAX] [--code "
	    "CODE]\n"
	    "                  [--bank DIR] [--time-limit-ms T] [--seed S]\n"
	    "                  [--json-out FILE] [--timeout-s S] [--ramp N]\n"
	    "                  [--results] [--contest FILE] [--teams N]\n"
	    "                  [--out-of-turn P] [--hurry] [--told FILE]\n"
	    "                  [--delay-ms A-B | --delay-up-ms A-B "
	    "--delay-down-ms A-B]\n"
	    "                  [--jitter-ms J] [--foul P]\n"
	    "                  [--practice N [--practice-think MIN-MAX]] "
	    "[--procs N] [--floor]\n"
	    "                  [--help] [--version]\n"
	    "\n"
	    "Runs N headless contestants against quizd, in --procs "
	    "processes. Without\n"
	    "--code it also hosts: creates a speed-round room (auto advance) "
	    "and\n"
	    "starts it once everyone joined. Prints one JSON summary on "
	    "stdout.\n"
	    "\n"
	    "  --connect HOST:PORT[,HOST:PORT...]\n"
	    "                        server (IPv4, [IPv6] or localhost), or "
	    "up to 16\n"
	    "                        front doors of one cluster (edges): the "
	    "host and\n"
	    "                        the practising clients use the first, "
	    "contestant i\n"
	    "                        (global index) address i % K of K; a "
	    "dropped\n"
	    "                        connection tries the next address on "
	    "each\n"
	    "                        reconnect. JSON: \"connect\", "
	    "\"per_addr\"\n"
	    "  --players N           contestants (1..100000)\n"
	    "  --questions Q         questions in the room (1..200)\n"
	    "  --accuracy P          chance of a right answer when --bank "
	    "knows it (0.7)\n"
	    "  --think-ms MIN-MAX    think time after the reveal (300-3000)\n"
	    "  --code CODE           join this room instead of hosting one\n"
	    "  --bank DIR            bank CSVs: answer right with probability "
	    "P\n"
	    "  --time-limit-ms T     question time limit when hosting (10000)\n"
	    "  --seed S              draw seed and bench randomness (0: "
	    "random)\n"
	    "  --json-out FILE       also write the JSON summary to FILE\n"
	    "  --timeout-s S         give up after S seconds, exit 1 (300)\n"
	    "  --ramp N              connections between connect and Joined "
	    "(64; shared\n"
	    "                        out between the --procs workers)\n"
	    "  --results             add every contestant's Result to the "
	    "JSON\n"
	    "  --contest FILE        host this contest file (docs/CONTEST.md) "
	    "instead\n"
	    "                        of a speed round; --questions is then "
	    "not needed\n"
	    "  --teams N             spread the contestants over N teams "
	    "(1..64); a\n"
	    "                        contest's fixed team list gives the "
	    "names\n"
	    "  --out-of-turn P       必答: share of the contestants without "
	    "the turn\n"
	    "                        who answer anyway, to be refused "
	    "(0.25)\n"
	    "  --hurry               the host closes a question (and a wager "
	    "phase)\n"
	    "                        with NEXT once every contestant is done\n"
	    "  --told FILE           write each contestant's results and the "
	    "final\n"
	    "                        team board, as told, to FILE (JSON)\n"
	    "  --delay-ms A-B        inject a constant delay per contestant, "
	    "the same\n"
	    "                        each way, drawn from A..B ms with the "
	    "seed\n"
	    "  --delay-up-ms A-B     asymmetric: contestant to server, A..B "
	    "ms\n"
	    "  --delay-down-ms A-B   asymmetric: server to contestant, A..B "
	    "ms\n"
	    "  --jitter-ms J         plus -J..+J ms per message and direction "
	    "(the\n"
	    "                        byte stream is never reordered)\n"
	    "                        Delays go through an in-process relay: "
	    "everything\n"
	    "                        a contestant sends waits the up delay, "
	    "all it\n"
	    "                        receives the down delay; the host is "
	    "direct. The\n"
	    "                        JSON then has a \"fairness\" object "
	    "(BENCHMARKS.md)\n"
	    "  --foul P              buzz rounds: share of contestants "
	    "pressing before\n"
	    "                        the buzzer arms, per question (0)\n"
	    "  --backoff-ms BASE-CAP a contestant (or the host) whose "
	    "connection drops\n"
	    "                        reconnects after random(0, min(CAP, "
	    "BASE * 2^n)) ms\n"
	    "                        (full jitter, n: attempts so far; "
	    "50-2000) and\n"
	    "                        takes its seat back with its resume "
	    "token (the host\n"
	    "                        with WatchRoom and its host token)\n"
	    "  --reconnect-s S       give a seat up when not taken back "
	    "within S s of\n"
	    "                        the drop (15)\n"
	    "  --no-reconnect        a dropped connection is final\n"
	    "  --resume-wait-ms W    host: RESUME a room paused RECOVERED "
	    "once every\n"
	    "                        dropped contestant is back, or after W "
	    "ms (10000)\n"
	    "  --acks FILE           each AnswerAck, one line \"PLAYER_ID Q "
	    "RT_US\"; a\n"
	    "                        re-sent answer refused ALREADY_ANSWERED:"
	    " \"PLAYER_ID Q\n"
	    "                        already\"\n"
	    "  --standings FILE      the final leaderboard, \"PLAYER_ID SCORE "
	    "RANK\" a\n"
	    "                        line, then \"# total PLAYER_ID SCORE\" "
	    "for each\n"
	    "                        contestant told the last Result\n"
	    "  --practice N          also run N practising clients (1..100000) "
	    "for as\n"
	    "                        long as the match lasts: each a new "
	    "person\n"
	    "                        (PracticeStart), then PracticeNext, "
	    "Answer "
	    "after\n"
	    "                        a think time (right with probability P "
	    "when\n"
	    "                        --bank knows the item), PracticeResult, "
	    "again;\n"
	    "                        on PracticeWait a sitting in the other "
	    "mode "
	    "(the\n"
	    "                        review book). The host STARTs once all "
	    "are\n"
	    "                        practising. JSON: a \"practice\" object\n"
	    "  --practice-think MIN-MAX  their think time, ms (500-1500)\n"
	    "  --procs N             spread the contestants over N worker "
	    "processes\n"
	    "                        (1..64; default: the online cores, or 1 "
	    "with --code\n"
	    "                        but not --floor);\n"
	    "                        this process hosts and merges one JSON. "
	    "--contest,\n"
	    "                        --teams, the delay options, --foul, "
	    "--practice,\n"
	    "                        --hurry and --told need --procs 1 (the "
	    "default\n"
	    "                        with them; more is refused)\n"
	    "  --floor               contestants of quiz-floor (the floor of "
	    "the fan-out,\n"
	    "                        docs/BENCHMARKS.md): join (--code, "
	    "default FLOOR),\n"
	    "                        sync, measure every Question and "
	    "Reveal, never\n"
	    "                        answer; not with --contest, --teams, "
	    "delays,\n"
	    "                        --practice or --hurry\n"
	    "\n"
	    "Exit status: 0 when the match finished, every contestant joined "
	    "and\n"
	    "no check failed (in a buzz round: no wrong winner at a true gap "
	    "of\n"
	    ">= 5 ms, when the delays are symmetric within 150 ms); 1 on a "
	    "mismatch\n"
	    "or an incomplete match, or with --practice any practising "
	    "client's\n"
	    "error, failure or lost reply, or no PracticeResult at all, or "
	    "a worker\n"
	    "process (--procs) killed or failed; 2 on usage.\n"
	    "answers_per_second = acked answers / sum over questions of the "
	    "time\n"
	    "from the first answer sent to the last AnswerAck received.\n",
	    f);
}

/* Parses an unsigned decimal in [min, max]. */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Parses an unsigned int option or complains. */
static int opt_uint(const char *name, const char *s, unsigned min, unsigned max,
		    unsigned *out)
{
	uint64_t v;

	if (parse_u64(s, min, max, &v) < 0) {
		fprintf(stderr, "quiz-bench: --%s wants a number in %u..%u\n",
			name, min, max);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

/* "MIN-MAX" or "N" in milliseconds. */
static int parse_think(const char *s, unsigned *lo, unsigned *hi)
{
	char buf[32];
	char *dash;
	uint64_t a, b;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (parse_u64(buf, 0, 300000, &a) < 0)
		return -EINVAL;
	b = a;
	if (dash && parse_u64(dash + 1, 0, 300000, &b) < 0)
		return -EINVAL;
	if (b < a)
		return -EINVAL;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
}

/* Reads the contest file into o->contest_text (at most
 * BENCH_CONTEST_MAX bytes). */
static int read_contest(struct bench_opts *o)
{
	FILE *f = fopen(o->contest_path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "quiz-bench: cannot read %s: %s\n",
			o->contest_path, strerror(errno));
		return -EINVAL;
	}
	o->contest_text = malloc(BENCH_CONTEST_MAX + 2);
	if (!o->contest_text) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(o->contest_text, 1, BENCH_CONTEST_MAX + 1, f);
	fclose(f);
	if (n > BENCH_CONTEST_MAX || n == 0) {
		fprintf(stderr, "quiz-bench: %s: %s\n", o->contest_path,
			n ? "over 32768 bytes" : "empty");
		free(o->contest_text);
		o->contest_text = NULL;
		return -EINVAL;
	}
	o->contest_text[n] = '\0';
	return 0;
}

/* --connect HOST:PORT[,HOST:PORT...]: up to BENCH_ADDRS_MAX addresses
 * into o->addrs and o->addr_text. A bad one (empty, too long, not an
 * address) is named. 0 or -EINVAL. */
static int parse_connect(struct bench_opts *o)
{
	const char *s = o->connect, *comma;
	size_t len;

	o->naddrs = 0;
	for (;;) {
		char *text;

		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		if (o->naddrs == BENCH_ADDRS_MAX) {
			fprintf(stderr,
				"quiz-bench: --connect takes at most %d "
				"addresses\n",
				BENCH_ADDRS_MAX);
			return -EINVAL;
		}
		text = o->addr_text[o->naddrs];
		if (len < BENCH_ADDR_TEXT) {
			memcpy(text, s, len);
			text[len] = '\0';
		}
		if (len >= BENCH_ADDR_TEXT ||
		    qconn_parse_addr(text, &o->addrs[o->naddrs]) < 0) {
			fprintf(stderr,
				"quiz-bench: bad --connect address '%.*s' "
				"(HOST:PORT)\n",
				(int)len, s);
			return -EINVAL;
		}
		o->naddrs++;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* The option that needs every contestant in one process (the host reads
 * their state, or one plan or relay spans them all), or NULL. */
static const char *needs_one_process(const struct bench_opts *o, int foul)
{
	if (o->contest_path)
		return "--contest";
	if (o->teams)
		return "--teams";
	if (o->delays)
		return "--delay-ms, --delay-up-ms, --delay-down-ms or "
		       "--jitter-ms";
	if (foul)
		return "--foul";
	if (o->practice)
		return "--practice";
	if (o->hurry)
		return "--hurry";
	if (o->told_out)
		return "--told";
	return NULL;
}

/* --procs: refused above 1 with an option that needs one process;
 * defaults to the online cores for a hosted run without such options and
 * for --floor (a floor run is measured as the quizd run it is compared
 * with), 1 otherwise (--code joins a room of any kind); never more
 * processes than contestants. */
static int bench_args_procs(struct bench_opts *o, int foul)
{
	const char *one = needs_one_process(o, foul);
	long cores;

	if (o->procs > 1 && one) {
		fprintf(stderr,
			"quiz-bench: --procs %u: %s needs every contestant "
			"in one process (--procs 1)\n",
			o->procs, one);
		return -EINVAL;
	}
	if (!o->procs) {
		cores = sysconf(_SC_NPROCESSORS_ONLN);
		o->procs = one || (o->code && !o->floor) || cores < 1 ? 1
			   : cores > BENCH_PROCS_MAX ? BENCH_PROCS_MAX
						     : (unsigned)cores;
	}
	if (o->procs > o->players)
		o->procs = o->players;
	return 0;
}

/* Parses the command line; returns 0, 1 for --help/--version (done), or
 * -EINVAL on a usage error (message printed). */
int bench_args_parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
	    {"connect", required_argument, NULL, 'c'},
	    {"players", required_argument, NULL, 'n'},
	    {"questions", required_argument, NULL, 'q'},
	    {"accuracy", required_argument, NULL, 'a'},
	    {"think-ms", required_argument, NULL, 't'},
	    {"code", required_argument, NULL, 'C'},
	    {"bank", required_argument, NULL, 'b'},
	    {"time-limit-ms", required_argument, NULL, 'T'},
	    {"seed", required_argument, NULL, 's'},
	    {"json-out", required_argument, NULL, 'j'},
	    {"timeout-s", required_argument, NULL, 'o'},
	    {"ramp", required_argument, NULL, 'r'},
	    {"results", no_argument, NULL, 'R'},
	    {"contest", required_argument, NULL, 'K'},
	    {"teams", required_argument, NULL, 'e'},
	    {"out-of-turn", required_argument, NULL, 'O'},
	    {"hurry", no_argument, NULL, 'H'},
	    {"told", required_argument, NULL, 'L'},
	    {"delay-ms", required_argument, NULL, 'D'},
	    {"delay-up-ms", required_argument, NULL, 'U'},
	    {"delay-down-ms", required_argument, NULL, 'W'},
	    {"jitter-ms", required_argument, NULL, 'J'},
	    {"foul", required_argument, NULL, 'F'},
	    {"backoff-ms", required_argument, NULL, 'B'},
	    {"no-reconnect", no_argument, NULL, 'N'},
	    {"reconnect-s", required_argument, NULL, 'G'},
	    {"resume-wait-ms", required_argument, NULL, 'w'},
	    {"acks", required_argument, NULL, 'A'},
	    {"standings", required_argument, NULL, 'S'},
	    {"practice", required_argument, NULL, 'P'},
	    {"practice-think", required_argument, NULL, 'k'},
	    {"procs", required_argument, NULL, 'p'},
	    {"floor", no_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int ch, practice_think = 0, foul = 0;

	memset(o, 0, sizeof(*o));
	o->accuracy = 0.7;
	o->think_min = 300;
	o->think_max = 3000;
	o->time_limit_ms = 10000;
	o->timeout_s = 300;
	o->ramp = 64;
	o->out_of_turn = 0.25;
	o->backoff_base_ms = 50;
	o->backoff_cap_ms = 2000;
	o->resume_wait_ms = 10000;
	o->reconnect_s = 15;
	o->practice_think_min = 500;
	o->practice_think_max = 1500;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->connect = optarg;
			break;
		case 'n':
			if (opt_uint("players", optarg, 1, BENCH_MAX_PLAYERS,
				     &o->players) < 0)
				return -EINVAL;
			break;
		case 'q':
			if (opt_uint("questions", optarg, 1, 200,
				     &o->questions) < 0)
				return -EINVAL;
			break;
		case 'a':
			errno = 0;
			o->accuracy = strtod(optarg, &end);
			if (errno || *end || end == optarg ||
			    !(o->accuracy >= 0.0 && o->accuracy <= 1.0)) {
				fprintf(stderr, "quiz-bench: --accuracy wants "
						"0..1\n");
				return -EINVAL;
			}
			break;
		case 't':
			if (parse_think(optarg, &o->think_min, &o->think_max) <
			    0) {
				fprintf(stderr, "quiz-bench: --think-ms wants "
						"MIN-MAX (ms)\n");
				return -EINVAL;
			}
			break;
		case 'C':
			if (!*optarg || strlen(optarg) > BENCH_CODE_MAX) {
				fprintf(stderr, "quiz-bench: bad --code\n");
				return -EINVAL;
			}
			o->code = optarg;
			break;
		case 'b':
			o->bank_dir = optarg;
			break;
		case 'T':
			if (opt_uint("time-limit-ms", optarg, 3000, 300000,
				     &o->time_limit_ms) < 0)
				return -EINVAL;
			break;
		case 's':
			if (parse_u64(optarg, 0, UINT64_MAX, &o->seed) < 0) {
				fprintf(stderr, "quiz-bench: bad --seed\n");
				return -EINVAL;
			}
			break;
		case 'j':
			o->json_out = optarg;
			break;
		case 'o':
			if (opt_uint("timeout-s", optarg, 1, 86400,
				     &o->timeout_s) < 0)
				return -EINVAL;
			break;
		case 'r':
			if (opt_uint("ramp", optarg, 1, 100000, &o->ramp) < 0)
				return -EINVAL;
			break;
		case 'R':
			o->results = 1;
			break;
		case 'K':
			o->contest_path = optarg;
			break;
		case 'e':
			if (opt_uint("teams", optarg, 1, BENCH_TEAMS_MAX,
				     &o->teams) < 0)
				return -EINVAL;
			break;
		case 'O':
			errno = 0;
			o->out_of_turn = strtod(optarg, &end);
			if (errno || *end || end == optarg ||
			    !(o->out_of_turn >= 0.0 && o->out_of_turn <= 1.0)) {
				fprintf(stderr, "quiz-bench: --out-of-turn "
						"wants 0..1\n");
				return -EINVAL;
			}
			break;
		case 'H':
			o->hurry = 1;
			break;
		case 'L':
			o->told_out = optarg;
			break;
		case 'D':
		case 'U':
		case 'W':
			if (parse_think(
				optarg, ch == 'W' ? &o->down_min : &o->up_min,
				ch == 'W' ? &o->down_max : &o->up_max) < 0 ||
			    (ch == 'W' ? o->down_max : o->up_max) > 10000) {
				fprintf(stderr,
					"quiz-bench: --%s wants A-B "
					"(ms, at most 10000)\n",
					ch == 'D'   ? "delay-ms"
					: ch == 'U' ? "delay-up-ms"
						    : "delay-down-ms");
				return -EINVAL;
			}
			if (ch == 'D')
				o->symmetric = 1;
			o->delays |= ch == 'D' ? 1 : ch == 'U' ? 2 : 4;
			break;
		case 'J':
			if (opt_uint("jitter-ms", optarg, 0, 10000,
				     &o->jitter_ms) < 0)
				return -EINVAL;
			o->delays |= 8;
			break;
		case 'F':
			errno = 0;
			o->foul = strtod(optarg, &end);
			if (errno || *end || end == optarg ||
			    !(o->foul >= 0.0 && o->foul <= 1.0)) {
				fprintf(stderr, "quiz-bench: --foul wants "
						"0..1\n");
				return -EINVAL;
			}
			foul = 1;
			break;
		case 'B':
			if (parse_think(optarg, &o->backoff_base_ms,
					&o->backoff_cap_ms) < 0 ||
			    o->backoff_base_ms == 0 ||
			    o->backoff_cap_ms > 60000) {
				fprintf(stderr,
					"quiz-bench: --backoff-ms wants "
					"BASE-CAP (ms, 1..60000)\n");
				return -EINVAL;
			}
			break;
		case 'N':
			o->no_reconnect = 1;
			break;
		case 'G':
			if (opt_uint("reconnect-s", optarg, 1, 86400,
				     &o->reconnect_s) < 0)
				return -EINVAL;
			break;
		case 'w':
			if (opt_uint("resume-wait-ms", optarg, 0, 600000,
				     &o->resume_wait_ms) < 0)
				return -EINVAL;
			break;
		case 'A':
			o->acks_out = optarg;
			break;
		case 'S':
			o->standings_out = optarg;
			break;
		case 'P':
			if (opt_uint("practice", optarg, 1, BENCH_MAX_PLAYERS,
				     &o->practice) < 0)
				return -EINVAL;
			break;
		case 'k':
			if (parse_think(optarg, &o->practice_think_min,
					&o->practice_think_max) < 0) {
				fprintf(stderr, "quiz-bench: --practice-think "
						"wants MIN-MAX or MS (ms, "
						"0..300000)\n");
				return -EINVAL;
			}
			practice_think = 1;
			break;
		case 'p':
			if (opt_uint("procs", optarg, 1, BENCH_PROCS_MAX,
				     &o->procs) < 0)
				return -EINVAL;
			break;
		case 'f':
			o->floor = 1;
			break;
		case 'h':
			bench_args_usage(stdout);
			return 1;
		case 'V':
			printf("quiz-bench %s (protocol %d)\n", QUIZ_VERSION,
			       QUIZ_PROTOCOL_VERSION);
			return 1;
		default:
			bench_args_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "quiz-bench: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	if (o->floor && !o->code)
		o->code = "FLOOR"; /* quiz-floor takes any code */
	if (!o->connect || !o->players ||
	    (!o->questions && !o->code && !o->contest_path)) {
		fprintf(stderr, "quiz-bench: --connect, --players and "
				"--questions (or --contest) are required (see "
				"--help)\n");
		return -EINVAL;
	}
	if (practice_think && !o->practice) {
		fprintf(stderr, "quiz-bench: --practice-think needs "
				"--practice N\n");
		return -EINVAL;
	}
	if (o->floor && (o->contest_path || o->teams || o->delays ||
			 o->practice || o->hurry)) {
		fprintf(stderr, "quiz-bench: --floor only measures: not with "
				"--contest, --teams, delays, --practice or "
				"--hurry\n");
		return -EINVAL;
	}
	if (o->contest_path && o->code) {
		fprintf(stderr, "quiz-bench: --contest hosts: not with "
				"--code\n");
		return -EINVAL;
	}
	if ((o->delays & 1) && (o->delays & 6)) {
		fprintf(stderr, "quiz-bench: --delay-ms is symmetric: not with "
				"--delay-up-ms or --delay-down-ms\n");
		return -EINVAL;
	}
	if (o->delays && !o->symmetric && (o->delays & 6) != 6 &&
	    (o->delays & 6)) {
		fprintf(stderr, "quiz-bench: --delay-up-ms and "
				"--delay-down-ms go together\n");
		return -EINVAL;
	}
	if (o->delays && !(o->delays & 7))
		o->symmetric = 1; /* --jitter-ms alone: 0 ms links */
	if (o->symmetric) {
		o->down_min = o->up_min;
		o->down_max = o->up_max;
	}
	if (bench_args_procs(o, foul) < 0)
		return -EINVAL;
	if (o->contest_path && read_contest(o) < 0)
		return -EINVAL;
	if (parse_connect(o) < 0)
		return -EINVAL;
	return 0;
}

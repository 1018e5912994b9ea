/* quiz-bench's command line: --help text, option parsing and the limits
 * on every option (client/bench.c runs the match). */
#include "bench_int.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qconn.h"
#include "wire.h"

/* Prints the --help text to f. */
static void bench_args_usage(FILE *f)
{
	fputs(
	    "usage: quiz-bench --connect HOST:PORT --players N --questions Q\n"
	    "                  [--accuracy P] [--think-ms MIN-MAX] [--code "
	    "CODE]\n"
	    "                  [--bank DIR] [--time-limit-ms T] [--seed S]\n"
	    "                  [--json-out FILE] [--timeout-s S] [--ramp N]\n"
	    "                  [--results] [--help] [--version]\n"
	    "\n"
	    "Runs N headless contestants in one process against quizd. "
	    "Without\n"
	    "--code it also hosts: creates a speed-round room (auto advance) "
	    "and\n"
	    "starts it once everyone joined. Prints one JSON summary on "
	    "stdout.\n"
	    "\n"
	    "  --connect HOST:PORT   server (IPv4, [IPv6] or localhost)\n"
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
	    "(64)\n"
	    "  --results             add every contestant's Result to the "
	    "JSON\n"
	    "\n"
	    "Exit status: 0 when the match finished, every contestant joined "
	    "and\n"
	    "no check failed; 1 on a mismatch or an incomplete match; 2 on "
	    "usage.\n"
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
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	o->accuracy = 0.7;
	o->think_min = 300;
	o->think_max = 3000;
	o->time_limit_ms = 10000;
	o->timeout_s = 300;
	o->ramp = 64;
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
	if (!o->connect || !o->players || (!o->questions && !o->code)) {
		fprintf(stderr, "quiz-bench: --connect, --players and "
				"--questions are required (see --help)\n");
		return -EINVAL;
	}
	if (qconn_parse_addr(o->connect, &o->addr) < 0) {
		fprintf(stderr, "quiz-bench: bad --connect '%s' (HOST:PORT)\n",
			o->connect);
		return -EINVAL;
	}
	return 0;
}

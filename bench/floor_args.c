/* quiz-floor's command line (--help, limits on every option) and its JSON
 * summary. */
#include "floor_int.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

/* The summary: one JSON object on stdout. */
void floor_report(const struct floor *f)
{
	uint64_t max = 0, sum = 0;
	unsigned i;

	printf("{\"players\":%u,\"joined\":%u,\"left\":%u,\"questions\":%u,"
	       "\"questions_sent\":%u,\"reveals_sent\":%u,"
	       "\"frame_bytes\":{\"question\":%zu,\"reveal\":%zu},"
	       "\"question_broadcast_us\":[",
	       f->o.players, f->joined, f->left, f->o.questions,
	       f->questions_sent, f->reveals_sent, f->question_bytes,
	       f->reveal_bytes);
	for (i = 0; i < f->questions_sent; i++) {
		printf("%s%" PRIu64, i ? "," : "", f->bcast_us[i]);
		sum += f->bcast_us[i];
		if (f->bcast_us[i] > max)
			max = f->bcast_us[i];
	}
	printf("],\"question_broadcast_max_us\":%" PRIu64
	       ",\"question_broadcast_mean_us\":%" PRIu64
	       ",\"writes\":{\"whole\":%" PRIu64 ",\"partial\":%" PRIu64
	       ",\"queued\":%" PRIu64 "},\"dropped_slow\":%" PRIu64
	       ",\"bad_peers\":%" PRIu64 ",\"refused\":%" PRIu64
	       ",\"timed_out\":%s}\n",
	       max, f->questions_sent ? sum / f->questions_sent : 0,
	       f->writes_whole, f->writes_partial, f->writes_queued,
	       f->dropped_slow, f->bad_peers, f->refused,
	       f->timed_out ? "true" : "false");
	fflush(stdout);
}

/* The --help text. */
static void floor_usage(FILE *out)
{
	fputs(
	    "usage: quiz-floor [--listen HOST:PORT] [--port-file FILE] "
	    "--players N\n"
	    "                  [--questions Q] [--interval-ms MS] "
	    "[--settle-ms MS]\n"
	    "                  [--time-limit-ms T] [--no-reveal] "
	    "[--timeout-s S]\n"
	    "                  [--linger-s S] [--help] [--version]\n"
	    "\n"
	    "The floor of quizd's fan-out (docs/BENCHMARKS.md): a plain libuv "
	    "server\n"
	    "with nothing of quizd that answers Hello, Ping and JoinRoom "
	    "(any code),\n"
	    "and once N contestants have joined and MS of --settle-ms have "
	    "passed,\n"
	    "broadcasts Q Questions of quizd's size, each packed once and "
	    "written to\n"
	    "every socket as quizd writes, then the final Leaderboard and "
	    "FINISHED.\n"
	    "Measure it with quiz-bench --floor; scripts/scale.sh runs both "
	    "it and\n"
	    "quizd and prints the ratio. One JSON summary on stdout at "
	    "exit.\n"
	    "\n"
	    "  --listen HOST:PORT   where to listen (127.0.0.1:0: an "
	    "ephemeral port)\n"
	    "  --port-file FILE     write the bound port there once "
	    "listening\n"
	    "  --players N          contestants to wait for (1..100000)\n"
	    "  --questions Q        questions to broadcast (1..200, 3)\n"
	    "  --interval-ms MS     from one Question to the next "
	    "(100..60000, 1000)\n"
	    "  --settle-ms MS       after the last join, before the first "
	    "Question\n"
	    "                       (0..60000, 2000)\n"
	    "  --time-limit-ms T    Question.time_limit_ms (1000..300000, "
	    "10000)\n"
	    "  --no-reveal          no Reveal half an interval after each "
	    "Question\n"
	    "  --timeout-s S        give up after S s, exit 1 (1..86400, "
	    "600)\n"
	    "  --linger-s S         after the end, close contestants still "
	    "there\n"
	    "                       after S s, exit 1 (1..3600, 30)\n"
	    "\n"
	    "Exit status: 0 the match was broadcast and everyone left, 1 "
	    "timeout,\n"
	    "signal or failure, 2 usage.\n",
	    out);
}

/* An unsigned option within lo..hi; prints why not. */
static int opt_uint(const char *name, const char *s, unsigned lo, unsigned hi,
		    unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || *s == '-' || v < lo || v > hi) {
		fprintf(stderr, "quiz-floor: --%s wants %u..%u, got '%s'\n",
			name, lo, hi, s);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

/* HOST:PORT ([v6]:PORT) into o->host and o->port. */
static int parse_listen(const char *s, struct floor_opts *o)
{
	const char *colon = strrchr(s, ':');
	unsigned port;
	size_t n;

	if (!colon)
		return -EINVAL;
	n = (size_t)(colon - s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(o->host))
		return -EINVAL;
	memcpy(o->host, s, n);
	o->host[n] = '\0';
	if (opt_uint("listen", colon + 1, 0, 65535, &port) < 0)
		return -EINVAL;
	o->port = (int)port;
	return 0;
}

/* Returns 0 to run, 1 after --help or --version, -EINVAL on a usage
 * error (message printed). */
int floor_args(int argc, char **argv, struct floor_opts *o)
{
	static const struct option longs[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"port-file", required_argument, NULL, 'f'},
	    {"players", required_argument, NULL, 'n'},
	    {"questions", required_argument, NULL, 'q'},
	    {"interval-ms", required_argument, NULL, 'i'},
	    {"settle-ms", required_argument, NULL, 's'},
	    {"time-limit-ms", required_argument, NULL, 'T'},
	    {"no-reveal", no_argument, NULL, 'R'},
	    {"timeout-s", required_argument, NULL, 'o'},
	    {"linger-s", required_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int ch, r = 0;

	memset(o, 0, sizeof(*o));
	snprintf(o->host, sizeof(o->host), "127.0.0.1");
	o->questions = 3;
	o->interval_ms = 1000;
	o->settle_ms = 2000;
	o->time_limit_ms = 10000;
	o->timeout_s = 600;
	o->linger_s = 30;
	o->reveal = 1;
	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if (parse_listen(optarg, o) < 0) {
				fprintf(stderr, "quiz-floor: --listen wants "
						"HOST:PORT\n");
				return -EINVAL;
			}
			break;
		case 'f':
			o->port_file = optarg;
			break;
		case 'n':
			r = opt_uint("players", optarg, 1, FLOOR_PLAYERS_MAX,
				     &o->players);
			break;
		case 'q':
			r = opt_uint("questions", optarg, 1,
				     FLOOR_QUESTIONS_MAX, &o->questions);
			break;
		case 'i':
			r = opt_uint("interval-ms", optarg, 100, 60000,
				     &o->interval_ms);
			break;
		case 's':
			r = opt_uint("settle-ms", optarg, 0, 60000,
				     &o->settle_ms);
			break;
		case 'T':
			r = opt_uint("time-limit-ms", optarg, 1000, 300000,
				     &o->time_limit_ms);
			break;
		case 'R':
			o->reveal = 0;
			break;
		case 'o':
			r = opt_uint("timeout-s", optarg, 1, 86400,
				     &o->timeout_s);
			break;
		case 'L':
			r = opt_uint("linger-s", optarg, 1, 3600, &o->linger_s);
			break;
		case 'h':
			floor_usage(stdout);
			return 1;
		case 'V':
			printf("quiz-floor %s (protocol %d)\n", QUIZ_VERSION,
			       QUIZ_PROTOCOL_VERSION);
			return 1;
		default:
			floor_usage(stderr);
			return -EINVAL;
		}
		if (r < 0)
			return r;
	}
	if (optind < argc) {
		fprintf(stderr, "quiz-floor: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	if (!o->players) {
		fprintf(stderr, "quiz-floor: --players is required (see "
				"--help)\n");
		return -EINVAL;
	}
	return 0;
}

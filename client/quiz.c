/* quiz: the terminal client. One libuv loop drives the server connection
 * (qconn), the keyboard (stdin through uv_poll), signals (resize, Ctrl-C)
 * and the countdown redraw timer. Messages go into the curses-free model;
 * keys go through small handlers that return action flags; ui_draw()
 * paints the model. A dropped connection is retried with backoff (full
 * jitter) and the seat taken back with the Welcome's resume token; the
 * seats are also kept in the state file (seatfile.h), so a contestant who
 * starts quiz again, or a host with --resume, gets the seat back.
 * `quiz practice` is a program of its own on the same pieces (practice.c),
 * entered from main(). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <termios.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <uv.h>

#include "draw.h"
#include "i18n.h"
#include "model.h"
#include "practice.h"
#include "qconn.h"
#include "roomcode.h"
#include "door.h"
#include "oneshot.h"
#include "seatfile.h"
#include "shell.h"
#include "text.h"
#include "ui.h"

#define BACKOFF_CAP_MS	 1000	  /* the first retry's longest wait */
#define APP_HOST_CMD	 (1 << 8) /* a host command is pending: send it */
#define QUIZ_CONTEST_MAX 32768	  /* bytes of CreateRoom.contest */

struct app {
	uv_loop_t *loop;
	enum model_mode mode;
	struct model m;
	struct ui_view v;
	struct sockaddr_storage addr;
	struct qconn *c;

	/* options */
	const char *code, *name, *team, *title, *category, *host_key;
	const char *contest_path;
	char judge_token[QUIZ_TOKEN_INPUT_MAX + 1]; /* quiz judge --token */
	char *contest; /* the contest file's text (host --contest) */
	char code_buf[ROOMCODE_SIZE]; /* the typed code, normalised */
	uint32_t questions, time_limit_ms, points;
	uint64_t seed;
	bool auto_adv;
	bool close_all;	      /* host --close-when-all */
	bool list_categories; /* host --list-categories: print, exit */

	/* resume token of the last Welcome (or, before the first, the one
	 * saved in the state file) */
	char token[QUIZ_TOKEN_INPUT_MAX + 1];
	bool token_saved;     /* token came from the state file */
	char seat_path[4096]; /* the state file ("" unusable) */
	const char *resume;   /* host --resume CODE, normalised */
	bool resuming;	      /* the host's first WatchRoom is on its way */
	unsigned backoff_ms;  /* the cap of the next retry's wait */
	uint64_t rng;	      /* full jitter */
	int cmd;	      /* pending host command action */
	uint32_t cmd_pid;
	uint32_t cmd_seq;
	const char *cmd_name;
	uint32_t create_seq;  /* the CreateRoom request */
	uint32_t watch_seq;   /* the judge's (or --resume's) WatchRoom */
	uint32_t join_seq;    /* the contestant's JoinRoom, the screen's
				 WatchRoom: a refusal ends quiz */
	bool join_refused;    /* it was refused (ROOM_NOT_FOUND, …) */
	uint32_t verdict_seq; /* the Verdict on its way */
	bool refused;	      /* the server refused to create the room */
	int exit_code;

	struct shell sh; /* the loop, the terminal, the timers */
};

static void app_connect(struct app *a);
static void app_after(struct app *a, int flags);

/* Usage of one mode (NULL: the whole program). */
static void usage(FILE *f, const char *mode)
{
	if (!mode || strcmp(mode, "join") == 0) {
		fprintf(f, "%s\n  %s\n",
			_("Usage: quiz join HOST:PORT CODE --name NAME "
			  "[--team TEAM]"),
			_("Join a room as a contestant."));
		if (mode)
			fprintf(f, "  --name NAME  %s\n  --team TEAM  %s\n",
				_("your nickname: at most 32 bytes, which is "
				  "10 Chinese characters or 32 letters"),
				_("your team or branch: at most 64 bytes, "
				  "which is 21 Chinese characters or 64 "
				  "letters (required when the contest has a "
				  "fixed team list)"));
		fputc('\n', f);
	}
	if (!mode || strcmp(mode, "host") == 0) {
		fprintf(f, "%s\n  %s\n",
			_("Usage: quiz host HOST:PORT [--contest FILE] "
			  "[--title T] [--questions N] [--time S] "
			  "[--points P] [--seed S] [--category C] [--auto] "
			  "[--close-when-all] [--host-key K]\n"
			  "       quiz host HOST:PORT --resume CODE\n"
			  "       quiz host HOST:PORT --list-categories"),
			_("Create a room and run it from the host console."));
		if (mode)
			fprintf(f,
				"  --contest FILE     %s\n"
				"  --title T          %s\n"
				"  --questions N      %s\n"
				"  --time S           %s\n"
				"  --time-limit-ms T  %s\n"
				"  --points P         %s\n"
				"  --seed S           %s\n"
				"  --category C       %s\n"
				"  --auto             %s\n"
				"  --close-when-all   %s\n"
				"  --list-categories  %s\n"
				"  --host-key K       %s\n"
				"  --resume CODE      %s\n",
				_("run the contest in FILE (docs/CONTEST.md, "
				  "at most 32768 bytes)"),
				_("room title shown on every screen"),
				_("questions in the match, 1-200 (10)"),
				_("seconds per question, 3-300, e.g. 20 or "
				  "7.5 (20)"),
				_("the same in milliseconds, 3000-300000"),
				_("points of a question, 1-100000 (1000)"),
				_("draw seed: same seed, same questions"),
				_("draw only from this category"),
				_("advance without the host pressing n"),
				_("close a question as soon as everyone has "
				  "answered"),
				_("print the bank's categories and their "
				  "questions, then exit"),
				_("the server's host key, if it has one"),
				_("take back the host console of room CODE "
				  "(the host token saved when it was "
				  "created)"));
		fputc('\n', f);
	}
	if (!mode) {
		practice_usage(f, false);
		fputc('\n', f);
	}
	if (!mode || strcmp(mode, "screen") == 0)
		fprintf(f, "%s\n  %s\n\n",
			_("Usage: quiz screen HOST:PORT CODE"),
			_("Show a room on the big screen (read-only)."));
	if (!mode || strcmp(mode, "judge") == 0) {
		fprintf(f, "%s\n  %s\n",
			_("Usage: quiz judge HOST:PORT CODE [--token TOKEN]"),
			_("Rule on buzz-in and fill-in answers as a judge."));
		if (mode)
			fprintf(f, "  --token TOKEN  %s\n",
				_("the judge token the host's lobby shows "
				  "(asked for when not given)"));
		fputc('\n', f);
	}
	if (!mode || strcmp(mode, "door") == 0)
		fprintf(f, "%s\n  %s\n\n", _("Usage: quiz door HOST:PORT"),
			_("Ask for the room code, a name and a team, then "
			  "join (the SSH door, docs/INSTALL.md)."));
	fprintf(f, "%s\n  --help     %s\n  --version  %s\n",
		_("Options of every mode:"), _("this text"),
		_("print the version"));
	if (!mode)
		fprintf(f, "\n%s\n",
			_("LANG selects the language; NO_COLOR "
			  "turns colour off."));
}

/* Prints the bank's categories as they come (Categories). */
static int print_categories(struct oneshot *o, const Quiz__V1__Envelope *env,
			    void *arg)
{
	const struct app *a = arg;
	const Quiz__V1__Categories *m = env->categories;
	size_t i, w = 0;

	(void)o;
	if (env->body_case != QUIZ__V1__ENVELOPE__BODY_CATEGORIES || !m)
		return 0;
	for (i = 0; i < m->n_categories; i++)
		if (m->categories[i] && m->categories[i]->category &&
		    text_display_width(m->categories[i]->category) > w)
			w = text_display_width(m->categories[i]->category);
	printf(_("Categories of the bank on %s (%u questions):\n"), a->v.server,
	       m->items);
	for (i = 0; i < m->n_categories; i++) {
		const Quiz__V1__CategoryCount *c = m->categories[i];
		const char *name = c && c->category && c->category[0]
				       ? c->category
				       : _("(none)");

		if (!c)
			continue;
		printf("  %s%*s  %4u\n", name,
		       (int)(w - text_display_width(name)), "", c->items);
	}
	printf(_("Draw from one with: quiz host %s --category NAME\n"),
	       a->v.server);
	return 1;
}

/* quiz host --list-categories: asks, prints, exits (no curses). */
static int list_categories(struct app *a)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__ListCategories lc = QUIZ__V1__LIST_CATEGORIES__INIT;
	struct oneshot_spec spec = {.server = a->v.server,
				    .req = &env,
				    .on_reply = print_categories,
				    .arg = a,
				    .wait_ms = 10000};

	env.body_case = QUIZ__V1__ENVELOPE__BODY_LIST_CATEGORIES;
	env.list_categories = &lc;
	return oneshot_run((const struct sockaddr *)&a->addr, &spec);
}

/* Parses seconds ("20", "7.5") into milliseconds within [lo, hi]. */
static int parse_secs(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	double d;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || !(d >= 0) || d > 1e9)
		return -EINVAL;
	d = d * 1000.0 + 0.5;
	if (d < (double)lo || d > (double)hi + 0.5)
		return -EINVAL;
	*out = (uint64_t)d;
	return 0;
}

/* Parses an unsigned number within [lo, hi]. */
static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Reads the --contest file (at most QUIZ_CONTEST_MAX bytes) into
 * a->contest. Returns 0, or -EINVAL with the reason printed. The server
 * checks what it says. */
static int read_contest(struct app *a)
{
	FILE *f = fopen(a->contest_path, "rb");
	size_t n;
	int rc = -EINVAL;

	if (!f) {
		fprintf(stderr, "quiz host: %s: %s\n", a->contest_path,
			strerror(errno));
		return -EINVAL;
	}
	a->contest = malloc(QUIZ_CONTEST_MAX + 2);
	if (!a->contest)
		goto fail;
	n = fread(a->contest, 1, QUIZ_CONTEST_MAX + 1, f);
	if (ferror(f)) {
		fprintf(stderr, "quiz host: %s: %s\n", a->contest_path,
			strerror(errno));
		goto fail;
	}
	if (n > QUIZ_CONTEST_MAX) {
		fprintf(stderr,
			_("quiz host: %s: a contest file holds at most "
			  "%d bytes\n"),
			a->contest_path, QUIZ_CONTEST_MAX);
		goto fail;
	}
	if (n == 0 || memchr(a->contest, '\0', n)) {
		fprintf(stderr,
			_("quiz host: %s: not a contest file (empty, "
			  "or binary)\n"),
			a->contest_path);
		goto fail;
	}
	a->contest[n] = '\0';
	rc = 0;
fail:
	fclose(f);
	if (rc < 0) {
		free(a->contest);
		a->contest = NULL;
	}
	return rc;
}

/* Takes a judge token: 1-64 printable ASCII bytes, spaces and hyphens
 * dropped (the server compares the symbols). Returns 0, or -EINVAL with
 * the reason printed. */
static int set_token(struct app *a, const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '-' || *s == '\n' || *s == '\r')
			continue;
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e ||
		    n >= QUIZ_TOKEN_INPUT_MAX) {
			fprintf(stderr, "quiz judge: %s\n",
				_("--token wants the judge token (letters and "
				  "digits)"));
			return -EINVAL;
		}
		a->judge_token[n++] = *s;
	}
	a->judge_token[n] = '\0';
	if (!n) {
		fprintf(stderr, "quiz judge: %s\n",
			_("--token wants the judge token (letters and "
			  "digits)"));
		return -EINVAL;
	}
	return 0;
}

/* Asks for the judge token on the terminal, without echo. Returns 0, or
 * -EINVAL (message printed). */
static int ask_token(struct app *a)
{
	char line[QUIZ_TOKEN_INPUT_MAX * 2 + 2];
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	char *got;

	fprintf(stderr, "%s", _("Judge token: "));
	fflush(stderr);
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ICANON;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	got = fgets(line, sizeof(line), stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!got || strspn(line, " -\r\n") == strlen(line)) {
		fprintf(stderr, "quiz judge: %s\n", _("no judge token given"));
		return -EINVAL;
	}
	return set_token(a, line);
}

/* Parses the mode's arguments into a. Returns 0, 1 after --help or
 * --version (exit 0), or -EINVAL (message printed). */
static int parse_args(int argc, char **argv, struct app *a)
{
	enum {
		O_TITLE = 256,
		O_QUESTIONS,
		O_TIME,
		O_POINTS,
		O_SEED,
		O_CAT,
		O_HOST_KEY,
		O_AUTO,
		O_CONTEST,
		O_TEAM,
		O_RESUME,
		O_TOKEN,
		O_TIME_S,
		O_CLOSE_ALL,
		O_LIST_CATS
	};
	static const struct option opts[] = {
	    {"name", required_argument, NULL, 'n'},
	    {"team", required_argument, NULL, O_TEAM},
	    {"title", required_argument, NULL, O_TITLE},
	    {"questions", required_argument, NULL, O_QUESTIONS},
	    {"time-limit-ms", required_argument, NULL, O_TIME},
	    {"time", required_argument, NULL, O_TIME_S},
	    {"close-when-all", no_argument, NULL, O_CLOSE_ALL},
	    {"list-categories", no_argument, NULL, O_LIST_CATS},
	    {"points", required_argument, NULL, O_POINTS},
	    {"seed", required_argument, NULL, O_SEED},
	    {"category", required_argument, NULL, O_CAT},
	    {"auto", no_argument, NULL, O_AUTO},
	    {"host-key", required_argument, NULL, O_HOST_KEY},
	    {"contest", required_argument, NULL, O_CONTEST},
	    {"token", required_argument, NULL, O_TOKEN},
	    {"resume", required_argument, NULL, O_RESUME},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *mode = argc > 1 ? argv[1] : NULL, *pos[3];
	unsigned npos = 0;
	uint64_t v;
	int c;

	if (!mode) {
		usage(stderr, NULL);
		return -EINVAL;
	}
	if (strcmp(mode, "--help") == 0 || strcmp(mode, "-h") == 0) {
		usage(stdout, NULL);
		return 1;
	}
	if (strcmp(mode, "--version") == 0) {
		printf("quiz %s\n", QUIZ_VERSION);
		return 1;
	}
	if (strcmp(mode, "join") == 0)
		a->mode = MODE_JOIN;
	else if (strcmp(mode, "host") == 0)
		a->mode = MODE_HOST;
	else if (strcmp(mode, "screen") == 0 || strcmp(mode, "watch") == 0)
		a->mode = MODE_SCREEN;
	else if (strcmp(mode, "judge") == 0)
		a->mode = MODE_JUDGE;
	else {
		fprintf(stderr, "quiz: %s '%s'\n\n", _("unknown mode"), mode);
		usage(stderr, NULL);
		return -EINVAL;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "n:hV", opts, NULL)) !=
	       -1) {
		int bad = 0;

		if (a->mode != MODE_JOIN && (c == 'n' || c == O_TEAM))
			bad = 1;
		if (a->mode != MODE_HOST &&
		    ((c >= O_TITLE && c <= O_CONTEST) || c == O_RESUME ||
		     c == O_TIME_S || c == O_CLOSE_ALL || c == O_LIST_CATS))
			bad = 1;
		if (a->mode != MODE_JUDGE && c == O_TOKEN)
			bad = 1;
		if (bad) {
			fprintf(stderr, "quiz %s: %s\n", mode,
				_("option not valid in this mode"));
			return -EINVAL;
		}
		switch (c) {
		case 'n':
			a->name = optarg;
			break;
		case O_TEAM:
			a->team = optarg;
			break;
		case O_TITLE:
			a->title = optarg;
			break;
		case O_CAT:
			a->category = optarg;
			break;
		case O_QUESTIONS:
			if (parse_u64(optarg, 1, 200, &v) < 0)
				goto badnum;
			a->questions = (uint32_t)v;
			break;
		case O_TIME:
			if (parse_u64(optarg, 3000, 300000, &v) < 0)
				goto badnum;
			a->time_limit_ms = (uint32_t)v;
			break;
		case O_TIME_S:
			if (parse_secs(optarg, 3000, 300000, &v) < 0)
				goto badnum;
			a->time_limit_ms = (uint32_t)v;
			break;
		case O_CLOSE_ALL:
			a->close_all = true;
			break;
		case O_LIST_CATS:
			a->list_categories = true;
			break;
		case O_POINTS:
			if (parse_u64(optarg, 1, 100000, &v) < 0)
				goto badnum;
			a->points = (uint32_t)v;
			break;
		case O_SEED:
			if (parse_u64(optarg, 1, UINT64_MAX, &v) < 0)
				goto badnum;
			a->seed = v;
			break;
		case O_AUTO:
			a->auto_adv = true;
			break;
		case O_CONTEST:
			a->contest_path = optarg;
			break;
		case O_TOKEN:
			if (set_token(a, optarg) < 0)
				return -EINVAL;
			break;
		case O_RESUME:
			if (roomcode_normalize(optarg, a->code_buf) < 0) {
				fprintf(stderr, "quiz host: %s (%s)\n",
					_("bad room code"),
					_("8 letters and digits, like "
					  "ABCD-EFGH"));
				return -EINVAL;
			}
			a->resume = a->code_buf;
			break;
		case O_HOST_KEY:
			if (!*optarg || strlen(optarg) > 64) {
				fprintf(stderr, "quiz host: %s\n",
					_("--host-key wants 1-64 bytes"));
				return -EINVAL;
			}
			a->host_key = optarg;
			break;
		case 'h':
			usage(stdout, mode);
			return 1;
		case 'V':
			printf("quiz %s\n", QUIZ_VERSION);
			return 1;
		default:
			usage(stderr, mode);
			return -EINVAL;
		}
		continue;
	badnum:
		fprintf(stderr, "quiz %s: %s '%s'\n", mode,
			_("number out of range:"), optarg);
		return -EINVAL;
	}
	while (optind < argc - 1 && npos < 3)
		pos[npos++] = argv[1 + optind++];
	if (optind < argc - 1 || npos != (a->mode == MODE_HOST ? 1u : 2u)) {
		usage(stderr, mode);
		return -EINVAL;
	}
	a->v.server = pos[0];
	if (qconn_parse_addr(pos[0], &a->addr) < 0) {
		fprintf(stderr, "quiz: %s '%s'\n",
			_("bad server address (HOST:PORT)"), pos[0]);
		return -EINVAL;
	}
	if (npos > 1) {
		/* any case, with or without the hyphen; O and I/L read as
		 * 0 and 1 */
		if (roomcode_normalize(pos[1], a->code_buf) < 0) {
			fprintf(stderr, "quiz: %s (%s)\n", _("bad room code"),
				_("8 letters and digits, like ABCD-EFGH"));
			return -EINVAL;
		}
		a->code = a->code_buf;
	}
	if (a->mode == MODE_JOIN) {
		if (!a->name) {
			fprintf(stderr, "quiz join: %s\n",
				_("--name NAME is required: your nickname, at "
				  "most 10 Chinese characters or 32 letters "
				  "(32 bytes)"));
			return -EINVAL;
		}
		if (ui_name_refused("quiz join", _("the nickname"), a->name,
				    QUIZ_NAME_MAX) ||
		    (a->team && ui_name_refused("quiz join", _("the team name"),
						a->team, QUIZ_TEAM_MAX)))
			return -EINVAL;
	}
	if (a->title && strlen(a->title) > QUIZ_TITLE_MAX) {
		fprintf(stderr, "quiz host: %s\n", _("--title too long"));
		return -EINVAL;
	}
	if (a->title && a->title[0] &&
	    !text_valid_name(a->title, QUIZ_TITLE_MAX)) {
		/* the server refuses it too (docs/PROTOCOL.md, names) */
		fprintf(stderr, "quiz host: %s\n",
			_("--title must be printable, without spaces at "
			  "either end"));
		return -EINVAL;
	}
	if (a->category && strlen(a->category) > QUIZ_CATEGORY_MAX) {
		fprintf(stderr, "quiz host: %s\n", _("--category too long"));
		return -EINVAL;
	}
	if (a->contest_path && read_contest(a) < 0)
		return -EINVAL;
	if (a->mode == MODE_JUDGE && !a->judge_token[0] && ask_token(a) < 0)
		return -EINVAL;
	return 0;
}

/* Paints the screen now. */
static void app_draw(struct app *a)
{
	uint64_t now = qconn_now_us();

	if (strcmp(a->v.notice, a->v.notice_seen) != 0) {
		memcpy(a->v.notice_seen, a->v.notice, sizeof(a->v.notice));
		a->v.notice_at = now;
	}
	ui_draw(&a->m, &a->v, now);
}

/* Redraws 10 times a second while something counts down. */
static void on_tick(void *arg)
{
	app_after(arg, MODEL_REDRAW);
}

/* Starts or stops the countdown timer for what is on screen. */
static void app_schedule(struct app *a)
{
	uint64_t now = qconn_now_us();
	enum model_phase ph = model_phase_at(&a->m, now);
	bool need = ph == PHASE_COUNTDOWN || ph == PHASE_QUESTION ||
		    ph == PHASE_WAGER || ph == PHASE_JUDGING ||
		    a->m.phase == PHASE_COUNTDOWN ||
		    a->m.phase == PHASE_QUESTION || a->v.reconnecting;

	shell_tick(&a->sh, need);
	/* the question appears at its reveal_at to the millisecond, not at
	 * the next tick */
	if (a->m.have_q && a->m.reveal_at > now)
		shell_redraw_at(&a->sh, a->m.reveal_at);
}

/* Sends env on the live connection; returns the seq or a negative error. */
static int64_t app_send(struct app *a, Quiz__V1__Envelope *env)
{
	if (!a->c || !qconn_welcomed(a->c))
		return -ENOTCONN;
	return qconn_send(a->c, env);
}

/* Takes the notice away when it is text: what it said is no longer so
 * (an answer "not sent" was sent after the reconnect). */
static void app_notice_clear(struct app *a, const char *text)
{
	if (strcmp(a->v.notice, text) == 0)
		a->v.notice[0] = '\0';
}

/* Sends the locked answer. */
static void app_send_answer(struct app *a)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Answer ans = QUIZ__V1__ANSWER__INIT;
	uint32_t choices[MODEL_OPTIONS_MAX];

	if (model_answer(&a->m, &ans, choices) < 0)
		return;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
	env.answer = &ans;
	a->m.error[0] = 0;
	if (app_send(a, &env) < 0)
		snprintf(a->v.notice, sizeof(a->v.notice), "%s",
			 _("Not connected: the answer was not sent"));
	else
		app_notice_clear(a,
				 _("Not connected: the answer was not sent"));
}

/* Sends the stake picked in the wager phase. */
static void app_send_wager(struct app *a)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Wager w;

	if (model_wager(&a->m, &w) < 0)
		return;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WAGER;
	env.wager = &w;
	a->m.error[0] = 0;
	if (app_send(a, &env) < 0) {
		a->m.wager_sent = 0; /* pick again once back online */
		snprintf(a->v.notice, sizeof(a->v.notice), "%s",
			 _("Not connected: the stake was not sent"));
	} else {
		app_notice_clear(a, _("Not connected: the stake was not sent"));
	}
}

/* Sends the press of the buzzer (抢答). */
static void app_send_buzz(struct app *a)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Buzz b;

	if (model_buzz(&a->m, &b) < 0)
		return;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_BUZZ;
	env.buzz = &b;
	a->m.error[0] = 0;
	if (app_send(a, &env) < 0) {
		a->m.buzz_sent = false; /* press again once back online */
		snprintf(a->v.notice, sizeof(a->v.notice), "%s",
			 _("Not connected: the buzzer press was not sent"));
	} else {
		app_notice_clear(a, _("Not connected: the buzzer press was not "
				      "sent"));
	}
}

/* Sends the ruling keyed on the judge panel. */
static void app_send_verdict(struct app *a)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Verdict vd;
	int64_t seq;

	if (model_verdict(&a->m, &vd) < 0)
		return;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_VERDICT;
	env.verdict = &vd;
	a->m.error[0] = 0;
	seq = app_send(a, &env);
	if (seq < 0) {
		model_verdict_done(&a->m);
		snprintf(a->v.notice, sizeof(a->v.notice), "%s",
			 _("Not connected: the ruling was not sent"));
		return;
	}
	a->verdict_seq = (uint32_t)seq;
	snprintf(a->v.notice, sizeof(a->v.notice), "%s",
		 vd.rest      ? _("Ruling sent: the rest as suggested")
		 : vd.correct ? _("Ruling sent: right")
			      : _("Ruling sent: wrong"));
}

/* Sends the pending host command. */
static void app_send_cmd(struct app *a)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__HostCommand hc = QUIZ__V1__HOST_COMMAND__INIT;
	int64_t seq;

	hc.action = (Quiz__V1__HostCommand__Action)a->cmd;
	hc.player_id = a->cmd_pid;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HOST_COMMAND;
	env.host_command = &hc;
	a->m.error[0] = 0;
	seq = app_send(a, &env);
	if (seq < 0) {
		snprintf(a->v.notice, sizeof(a->v.notice), "%s",
			 _("Not connected: the command was not sent"));
		return;
	}
	a->cmd_seq = (uint32_t)seq;
	snprintf(a->v.notice, sizeof(a->v.notice), _("Sent: %s"), a->cmd_name);
}

/* The first request of the mode on a fresh (not re-seated) session. */
static void app_first_request(struct app *a)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;
	Quiz__V1__WatchRoom w = QUIZ__V1__WATCH_ROOM__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings st = QUIZ__V1__ROOM_SETTINGS__INIT;
	int64_t seq;

	switch (a->mode) {
	case MODE_JOIN:
		j.code = (char *)a->code;
		j.nickname = (char *)a->name;
		j.team = (char *)(a->team ? a->team : "");
		env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
		env.join_room = &j;
		break;
	case MODE_SCREEN:
		w.code = (char *)a->code;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
		env.watch_room = &w;
		break;
	case MODE_JUDGE:
		w.code = (char *)a->code;
		w.judge_token = a->judge_token;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
		env.watch_room = &w;
		seq = app_send(a, &env);
		a->watch_seq = seq > 0 ? (uint32_t)seq : 0;
		return;
	case MODE_HOST:
		if (a->m.code[0] && a->m.host_token[0]) {
			/* the seat was not resumed: take it back by token */
			w.code = a->m.code;
			w.host_token = a->m.host_token;
			env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
			env.watch_room = &w;
			seq = app_send(a, &env);
			/* --resume: a refusal ends quiz with the reason */
			a->watch_seq =
			    a->resuming && seq > 0 ? (uint32_t)seq : 0;
			return;
		}
		st.format = QUIZ__V1__ROUND_FORMAT__SPEED;
		st.title = (char *)(a->title ? a->title : "");
		st.category = (char *)(a->category ? a->category : "");
		st.question_count = a->questions;
		st.time_limit_ms = a->time_limit_ms;
		st.points = a->points;
		st.seed = a->seed;
		st.auto_advance = a->auto_adv;
		st.close_when_all = a->close_all;
		cr.settings = &st;
		cr.host_key = (char *)(a->host_key ? a->host_key : "");
		cr.contest = a->contest ? a->contest : "";
		env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
		env.create_room = &cr;
		seq = app_send(a, &env);
		a->create_seq = seq > 0 ? (uint32_t)seq : 0;
		return;
	}
	/* join or watch: a refusal (no such room, name taken, full) is the
	 * end, said once on the normal screen */
	seq = app_send(a, &env);
	a->join_seq = seq > 0 ? (uint32_t)seq : 0;
}

/* The state file's key for this client's seat in room code (normalised
 * into norm); false when there is no state file or the code is not one. */
static bool app_seat_key(const struct app *a, const char *code,
			 char norm[ROOMCODE_SIZE], struct seatfile_key *k)
{
	if (!a->seat_path[0] || !code || roomcode_normalize(code, norm) < 0)
		return false;
	k->server = a->v.server;
	k->code = norm;
	k->role = a->mode == MODE_HOST ? "host" : "join";
	k->name = a->mode == MODE_HOST ? "-" : a->name;
	k->team = NULL; /* practice only */
	return true;
}

/* Saves this client's seat in the state file: the session token of a
 * contestant (after Joined), the host token of a host (RoomCreated). */
static void app_seat_save(struct app *a)
{
	const char *tok = a->mode == MODE_HOST ? a->m.host_token : a->token;
	char code[ROOMCODE_SIZE];
	struct seatfile_key k;

	if (a->mode != MODE_JOIN && a->mode != MODE_HOST)
		return;
	if (!tok[0] || !app_seat_key(a, a->m.code, code, &k))
		return;
	if (seatfile_save(a->seat_path, &k, tok) < 0)
		snprintf(a->v.notice, sizeof(a->v.notice), "%s",
			 _("Could not save the seat in the state file"));
}

/* Forgets this client's seat in room code (stale, kicked, refused). */
static void app_seat_forget(struct app *a, const char *code)
{
	char norm[ROOMCODE_SIZE];
	struct seatfile_key k;

	if (app_seat_key(a, code, norm, &k))
		seatfile_forget(a->seat_path, &k);
}

/* Looks up the saved token of this client's seat in room code into buf
 * (len bytes). Returns 0, or a negative errno (-ENOENT: none). */
static int app_seat_find(struct app *a, const char *code, char *buf, size_t len)
{
	char norm[ROOMCODE_SIZE];
	struct seatfile_key k;

	if (!app_seat_key(a, code, norm, &k))
		return -ENOENT;
	return seatfile_find(a->seat_path, &k, buf, len);
}

/* Welcome: keep its resume token (the one presented when the seat was
 * taken back, else a new session's), then join/create/watch unless the
 * token already put us back on our seat. A token from the state file that
 * did not seat us is stale: its line goes. */
static void app_welcome(struct app *a, const Quiz__V1__Welcome *w)
{
	bool seated = w->room_code && w->room_code[0];

	if (a->token_saved && !seated && a->mode == MODE_JOIN)
		app_seat_forget(a, a->code);
	a->token_saved = false;
	if (w->resume_token && w->resume_token[0])
		snprintf(a->token, sizeof(a->token), "%s", w->resume_token);
	a->backoff_ms = BACKOFF_CAP_MS;
	a->v.reconnecting = false;
	a->v.welcomed = true;
	a->v.tries = 0;
	model_set_conn(&a->m, CONN_ONLINE);
	if (!seated)
		app_first_request(a);
}

static uint64_t app_to_local(void *arg, uint64_t server_us)
{
	struct app *a = arg;

	return a->c ? qconn_to_local(a->c, server_us) : server_us;
}

static void on_message(struct qconn *c, const Quiz__V1__Envelope *env,
		       uint64_t recv_us)
{
	struct app *a = qconn_data(c);
	int flags;

	(void)recv_us;
	if (a->sh.quitting)
		return;
	flags = model_apply(&a->m, env, app_to_local, a);
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		app_welcome(a, env->welcome);
		break;
	case QUIZ__V1__ENVELOPE__BODY_OK:
		if (env->seq && env->seq == a->cmd_seq && a->cmd_name)
			snprintf(a->v.notice, sizeof(a->v.notice),
				 _("Done: %s"), a->cmd_name);
		if (env->seq && env->seq == a->verdict_seq) {
			model_verdict_done(&a->m);
			snprintf(a->v.notice, sizeof(a->v.notice), "%s",
				 _("Ruling taken"));
		}
		break;
	case QUIZ__V1__ENVELOPE__BODY_JOINED:
		a->join_seq = 0;
		app_seat_save(a);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED:
		a->create_seq = 0; /* later refusals are not about it */
		app_seat_save(a);
		break;
	case QUIZ__V1__ENVELOPE__BODY_KICKED:
		if (a->mode == MODE_JOIN)
			app_seat_forget(a, a->m.code);
		break;
	case QUIZ__V1__ENVELOPE__BODY_WATCHING:
		a->join_seq = 0;
		if (a->mode == MODE_HOST) {
			a->resuming = false;
			a->watch_seq = 0;
		}
		if (a->mode == MODE_JUDGE && env->watching &&
		    !env->watching->judge) {
			/* watching, but not as a judge: the token is not
			 * this room's */
			snprintf(a->m.error, sizeof(a->m.error), "%s",
				 _("The server did not take the judge token: "
				   "this connection only watches"));
			a->m.error_code = 0;
		}
		break;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		a->v.notice[0] = 0;
		if (env->error &&
		    ((a->create_seq && env->error->ref_seq == a->create_seq) ||
		     (a->watch_seq && env->error->ref_seq == a->watch_seq))) {
			/* nothing to run: say why on the normal screen */
			if (a->resuming &&
			    (env->error->code ==
				 QUIZ__V1__ERROR_CODE__ROOM_NOT_FOUND ||
			     env->error->code ==
				 QUIZ__V1__ERROR_CODE__WRONG_PIN))
				app_seat_forget(a, a->resume);
			a->refused = true;
			a->exit_code = 1;
			flags |= MODEL_QUIT;
		} else if (env->error && a->join_seq &&
			   env->error->ref_seq == a->join_seq) {
			/* no room with that code, the name taken, …: nothing
			 * to wait for */
			a->join_refused = true;
			a->exit_code = 1;
			flags |= MODEL_QUIT;
		}
		break;
	default:
		break;
	}
	app_after(a, flags | MODEL_REDRAW);
}

/* The wait before the next retry (qconn_backoff: full jitter, doubling
 * cap). */
static unsigned app_backoff(struct app *a)
{
	return qconn_backoff(&a->backoff_ms, &a->rng);
}

/* Tries the connection again after the backoff. */
static void on_retry(void *arg)
{
	struct app *a = arg;

	if (!a->c)
		app_connect(a);
}

/* Why a connection attempt failed, in words (translated for the usual
 * reasons, libuv's English otherwise). */
static const char *conn_error_text(int reason)
{
	switch (reason) {
	case UV_ECONNREFUSED:
		return _("connection refused");
	case UV_ETIMEDOUT:
		return _("timed out");
	case UV_EHOSTUNREACH:
		return _("host unreachable");
	case UV_ENETUNREACH:
		return _("network unreachable");
	case UV_ECONNRESET:
		return _("connection reset");
	default:
		return reason < 0 && reason != UV_EOF
			   ? uv_strerror(reason)
			   : _("closed before the handshake");
	}
}

static void on_close(struct qconn *c, int reason)
{
	struct app *a = qconn_data(c);
	uint64_t now = qconn_now_us();
	unsigned wait;

	if (a->c == c)
		a->c = NULL;
	if (a->sh.quitting)
		return;
	if (!qconn_welcomed(c)) {
		/* this try never got as far as a Welcome: counted and said */
		a->v.tries++;
		snprintf(a->v.try_error, sizeof(a->v.try_error), "%s",
			 conn_error_text(reason));
	}
	if (a->m.conn == CONN_CLOSED || a->m.phase == PHASE_KICKED ||
	    a->m.phase == PHASE_FINISHED) {
		model_set_conn(&a->m, CONN_CLOSED);
		a->v.reconnecting = false;
		app_after(a, MODEL_REDRAW);
		return;
	}
	model_set_conn(&a->m, CONN_RECONNECTING);
	a->v.reconnecting = true;
	wait = app_backoff(a);
	a->v.retry_at = now + (uint64_t)wait * 1000;
	shell_retry(&a->sh, wait);
	app_after(a, MODEL_REDRAW);
}

/* Opens a connection (the first, or a retry with the resume token). */
static void app_connect(struct app *a)
{
	static const struct qconn_callbacks cb = {
	    .on_message = on_message,
	    .on_close = on_close,
	};
	struct qconn_options opt = {
	    .client = "quiz/" QUIZ_VERSION,
	    .resume_token = a->token[0] ? a->token : NULL,
	    .formats = QCONN_FORMATS_DEFAULT |
		       QCONN_FORMAT(QUIZ__V1__ROUND_FORMAT__BUZZ),
	};

	a->c = qconn_new(a->loop, &cb, a);
	if (!a->c) {
		shell_retry(&a->sh, app_backoff(a));
		return;
	}
	qconn_configure(a->c, &opt);
	if (qconn_connect(a->c, (const struct sockaddr *)&a->addr) < 0)
		qconn_close(a->c); /* on_close schedules the retry */
}

/* Sets the pending host command. */
static int host_cmd(struct app *a, int action, const char *name)
{
	a->cmd = action;
	a->cmd_pid = 0;
	a->cmd_name = name;
	return APP_HOST_CMD | MODEL_REDRAW;
}

/* The key after "Quit? y/n" (or "End the match? y/n"): y does it, any
 * other key takes the question back. */
static int key_confirm(struct app *a, int rc, wint_t k)
{
	int what = a->v.confirm;

	a->v.confirm = 0;
	if (rc != OK || (k != 'y' && k != 'Y'))
		return MODEL_REDRAW;
	if (what == 'e')
		return host_cmd(a, QUIZ__V1__HOST_COMMAND__ACTION__END,
				_("end"));
	if (what == 'x') {
		int f = host_cmd(a, QUIZ__V1__HOST_COMMAND__ACTION__KICK,
				 _("kick"));

		a->cmd_pid = a->v.kick_id;
		return f;
	}
	return MODEL_QUIT;
}

/* Whether a contestant's match runs: quitting then asks first. */
static bool join_running(const struct model *m)
{
	return m->conn != CONN_CLOSED && m->phase != PHASE_CONNECTING &&
	       m->phase != PHASE_LOBBY && m->phase != PHASE_FINISHED &&
	       m->phase != PHASE_KICKED;
}

/* Contestant keys: option letters/digits, multi-select toggles and Enter,
 * typed fill-in text (any UTF-8), q to quit outside typing (asking y/n
 * while the match runs). */
static int key_join(struct app *a, int rc, wint_t k, uint64_t now)
{
	struct model *m = &a->m;
	enum model_phase ph = model_phase_at(m, now);
	char u[5];

	if (a->v.confirm)
		return key_confirm(a, rc, k);

	if (ph == PHASE_QUESTION && !m->locked && m->kind == 3 &&
	    (!m->q_buzz || model_my_turn(m))) {
		if (ui_key_backspace(rc, k))
			return model_fill_backspace(m) | MODEL_REDRAW;
		if (ui_key_enter(rc, k))
			return model_key(m, '\n', now);
		if (rc == OK && k >= 0x20 && k != 127 && k <= 0x10ffff &&
		    !text_is_control((uint32_t)k)) {
			ui_utf8_put(u, (uint32_t)k);
			return model_fill_input(m, u) | MODEL_REDRAW;
		}
		return 0;
	}
	if (rc == OK && (k == 'q' || k == 'Q')) {
		if (!join_running(m))
			return MODEL_QUIT;
		a->v.confirm = 'q';
		return MODEL_REDRAW;
	}
	if (ph == PHASE_QUESTION && m->q_buzz && !model_my_turn(m))
		return rc == OK && k == ' ' ? model_buzz_press(m, now) : 0;
	if (ph == PHASE_WAGER && rc == OK && k < 128)
		return model_key(m, (int)k, now); /* a stake's digit */
	if (ph == PHASE_REVEAL && rc == KEY_CODE_YES &&
	    (k == KEY_UP || k == KEY_DOWN || k == KEY_PPAGE ||
	     k == KEY_NPAGE)) {
		/* the explanation scrolls within what did not fit */
		int page = (int)ui_expl_page();

		return model_scroll(m,
				    k == KEY_UP	     ? -1
				    : k == KEY_DOWN  ? 1
				    : k == KEY_PPAGE ? -page
						     : page,
				    ui_expl_overflow());
	}
	if (ph != PHASE_QUESTION)
		return 0;
	if (ui_key_enter(rc, k))
		return model_key(m, '\n', now);
	if (rc == KEY_CODE_YES && (k == KEY_UP || k == KEY_DOWN))
		return model_key(m, k == KEY_UP ? MODEL_KEY_UP : MODEL_KEY_DOWN,
				 now);
	if (rc == OK && k < 128)
		return model_key(m, (int)k, now);
	return 0;
}

/* Judge panel keys (host and judge): arrows, y/1 right, w/0 wrong (n
 * too for a judge), a the rest as suggested. 0 when not taken. */
static int key_judge(struct app *a, int rc, wint_t k)
{
	if (!model_judge_open(&a->m))
		return 0;
	if (rc == KEY_CODE_YES && (k == KEY_UP || k == KEY_DOWN))
		return model_judge_key(&a->m, k == KEY_UP ? MODEL_KEY_UP
							  : MODEL_KEY_DOWN);
	if (rc == OK && k < 128 && k != 'q' && k != 'Q')
		return model_judge_key(&a->m, (int)k);
	return 0;
}

/* Host keys: s n p k x e q (e and q ask y/n); x opens the roster, where
 * the arrows pick and Enter asks y/n before the kick. */
static int key_host(struct app *a, int rc, wint_t k)
{
	struct ui_view *v = &a->v;
	int f;

	if (v->kick_prompt) {
		unsigned nr = a->m.n_roster;

		if (rc == KEY_CODE_YES && (k == KEY_UP || k == KEY_LEFT)) {
			if (v->kick_sel > 0)
				v->kick_sel--;
		} else if (rc == KEY_CODE_YES &&
			   (k == KEY_DOWN || k == KEY_RIGHT)) {
			if (v->kick_sel + 1 < nr)
				v->kick_sel++;
		} else if (ui_key_enter(rc, k) && nr) {
			const struct model_member *mm =
			    &a->m.roster[v->kick_sel < nr ? v->kick_sel
							  : nr - 1];

			v->kick_prompt = false;
			v->kick_id = mm->id;
			snprintf(v->kick_nick, sizeof(v->kick_nick), "%s",
				 mm->nick);
			v->confirm = 'x';
		} else if (rc == OK && (k == 27 || k == 'q')) {
			v->kick_prompt = false;
		}
		return MODEL_REDRAW;
	}
	if (v->confirm)
		return key_confirm(a, rc, k);
	if ((f = key_judge(a, rc, k)) != 0)
		return f;
	if (rc != OK)
		return 0;
	switch (k) {
	case 's':
		return host_cmd(a, QUIZ__V1__HOST_COMMAND__ACTION__START,
				_("start"));
	case 'n':
		return host_cmd(a, QUIZ__V1__HOST_COMMAND__ACTION__NEXT,
				_("next"));
	case 'p':
		if (a->m.phase == PHASE_PAUSED)
			return host_cmd(a,
					QUIZ__V1__HOST_COMMAND__ACTION__RESUME,
					_("resume"));
		return host_cmd(a, QUIZ__V1__HOST_COMMAND__ACTION__PAUSE,
				_("pause"));
	case 'k':
		return host_cmd(a, QUIZ__V1__HOST_COMMAND__ACTION__SKIP,
				_("skip"));
	case 'e':
		v->confirm = 'e';
		return MODEL_REDRAW;
	case 'x':
		v->kick_prompt = true;
		/* the newest first: the one who just joined by mistake */
		v->kick_sel = a->m.n_roster ? a->m.n_roster - 1 : 0;
		return MODEL_REDRAW;
	case 'q':
	case 'Q':
		if (a->m.conn == CONN_CLOSED || a->m.phase == PHASE_KICKED)
			return MODEL_QUIT;
		v->confirm = 'q';
		return MODEL_REDRAW;
	default:
		return 0;
	}
}

/* One key: Ctrl-C and resize for every mode, then the mode's keys. */
static int app_key(struct app *a, int rc, wint_t k, uint64_t now)
{
	if (rc == OK && k == 3)
		return MODEL_QUIT;
	if (rc == KEY_CODE_YES && k == KEY_RESIZE)
		return MODEL_REDRAW;
	switch (a->mode) {
	case MODE_JOIN:
		return key_join(a, rc, k, now);
	case MODE_HOST:
		return key_host(a, rc, k);
	case MODE_JUDGE: {
		int f = key_judge(a, rc, k);

		if (f)
			return f;
	}
		return rc == OK && (k == 'q' || k == 'Q') ? MODEL_QUIT : 0;
	default:
		return rc == OK && (k == 'q' || k == 'Q') ? MODEL_QUIT : 0;
	}
}

/* Stops everything: the loop ends once the handles are closed. */
static void app_quit(struct app *a)
{
	if (a->sh.quitting)
		return;
	shell_quit(&a->sh); /* quitting first: on_close does not retry */
	qconn_close(a->c);
}

/* Acts on flags from a handler: send, quit, redraw, timer. */
static void app_after(struct app *a, int flags)
{
	if (a->sh.quitting)
		return;
	if (flags & MODEL_ANSWER)
		app_send_answer(a);
	if (flags & MODEL_WAGER)
		app_send_wager(a);
	if (flags & MODEL_BUZZ)
		app_send_buzz(a);
	if (flags & MODEL_VERDICT)
		app_send_verdict(a);
	if (flags & APP_HOST_CMD)
		app_send_cmd(a);
	if (flags & MODEL_QUIT) {
		app_quit(a);
		return;
	}
	if (flags)
		app_draw(a);
	app_schedule(a);
}

/* One key, for the shell. */
static int shell_key(void *arg, int rc, wint_t k, uint64_t now)
{
	return app_key(arg, rc, k, now);
}

/* Flags, for the shell. */
static void shell_after(void *arg, int flags)
{
	app_after(arg, flags);
}

/* Prints "quiz: [label ]text" on the normal screen, text being server
 * text: sanitised again (text_sanitize, as the model does), and where the
 * terminal is not UTF-8 every non-ASCII character printed as '?', since
 * there the bytes of a character could be taken as C1 controls. */
static void app_print_server(FILE *f, const char *label, const char *text)
{
	char buf[MODEL_TEXT_MAX];
	size_t len = text_sanitize(buf, sizeof(buf), text, 0), i = 0, o = 0;

	while (!ui_utf8() && i < len) {
		uint32_t cp;
		int k = text_utf8_next(buf + i, len - i, &cp);

		buf[o++] = k == 1 ? buf[i] : '?';
		i += k > 0 ? (size_t)k : 1;
		if (i >= len)
			buf[o] = '\0';
	}
	fprintf(f, "quiz: %s%s%s\n", label ? label : "", label ? " " : "", buf);
}

/* A line on the normal screen after the UI is gone. */
static void app_summary(const struct app *a)
{
	if (a->refused) {
		app_print_server(
		    stderr,
		    a->mode == MODE_JUDGE ? _("the server refused the judge:")
		    : a->resume	 ? _("the server did not give the room back:")
		    : a->contest ? _("the server refused the contest:")
				 : _("the server refused to create the room:"),
		    a->mode == MODE_JUDGE &&
			    a->m.error_code == QUIZ__V1__ERROR_CODE__WRONG_PIN
			? _("wrong judge token")
		    : a->m.error[0] ? a->m.error
				    : _(model_error_text(a->m.error_code)));
		return;
	}
	if (a->join_refused) {
		int code = a->m.error_code;

		if (code == QUIZ__V1__ERROR_CODE__ROOM_NOT_FOUND)
			fprintf(stderr,
				_("quiz: no room %s on %s: check the code the "
				  "host shows\n"),
				a->code, a->v.server);
		else
			app_print_server(
			    stderr,
			    a->mode == MODE_JOIN
				? _("could not join the room:")
				: _("could not watch the room:"),
			    code && code != QUIZ__V1__ERROR_CODE__BAD_MESSAGE
				? _(model_error_text(code))
			    : a->m.error[0] ? a->m.error
					    : _(model_error_text(code)));
		return;
	}
	if (!a->v.welcomed && a->v.tries) {
		fprintf(stderr,
			a->v.tries == 1
			    ? _("quiz: cannot reach %s (%u try failed: %s)\n")
			    : _("quiz: cannot reach %s (%u tries failed: "
				"%s)\n"),
			a->v.server, a->v.tries, a->v.try_error);
		return;
	}
	if (a->mode == MODE_HOST && a->m.code[0])
		app_print_server(stdout, _("room"), a->m.code);
	if (a->mode == MODE_JOIN && a->m.have_result)
		printf(_("quiz: rank %u of %u, %lld points\n"), a->m.r_rank,
		       a->m.players, (long long)a->m.r_total);
	if (a->m.error[0])
		app_print_server(stdout, NULL, a->m.error);
}

int main(int argc, char **argv)
{
	static const struct shell_ops ops = {
	    .key = shell_key,
	    .after = shell_after,
	    .tick = on_tick,
	    .retry = on_retry,
	};
	struct app a;
	struct door door;
	uv_loop_t loop;
	int rc;

	i18n_init();
	if (argc > 1 && strcmp(argv[1], "practice") == 0)
		return practice_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "door") == 0) {
		/* the SSH door: ask, then go on as quiz join */
		if (argc == 3 && strcmp(argv[2], "--help") == 0) {
			usage(stdout, "door");
			return 0;
		}
		if (argc != 3) {
			usage(stderr, "door");
			return 2;
		}
		if (door_ask(stdin, stdout, argv[2], &door) < 0)
			return 1;
		argc = door.argc;
		argv = door.argv;
	}
	memset(&a, 0, sizeof(a));
	/* the hints name quiz as it was run when that was a relative path
	 * (build/quiz from the source tree), else as installed */
	a.v.prog = argv[0] && strchr(argv[0], '/') && argv[0][0] != '/'
		       ? argv[0]
		       : "quiz";
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc > 0 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);
	if (a.list_categories)
		return list_categories(&a);
	model_init(&a.m, a.mode, a.mode == MODE_JOIN ? a.name : NULL);
	model_set_team(&a.m, a.team);
	a.backoff_ms = BACKOFF_CAP_MS;
	a.rng = uv_hrtime() ^ ((uint64_t)getpid() << 32);
	if (seatfile_path(a.seat_path, sizeof(a.seat_path)) < 0)
		a.seat_path[0] = '\0';
	if (a.mode == MODE_JOIN &&
	    app_seat_find(&a, a.code, a.token, sizeof(a.token)) == 0)
		a.token_saved = true; /* presented in Hello: the same seat */
	if (a.mode == MODE_HOST && a.resume) {
		if (app_seat_find(&a, a.resume, a.m.host_token,
				  sizeof(a.m.host_token)) < 0) {
			fprintf(stderr,
				_("quiz host: no host token saved for room %s "
				  "on %s (%s): --resume takes back a room "
				  "created by quiz host as this user\n"),
				a.resume, a.v.server,
				a.seat_path[0] ? a.seat_path
					       : _("no state file"));
			return 2;
		}
		snprintf(a.m.code, sizeof(a.m.code), "%s", a.resume);
		a.resuming = true;
	}
	a.loop = &loop;
	if (shell_start(&a.sh, &loop, &ops, &a))
		return 1;
	app_connect(&a);
	app_after(&a, MODEL_REDRAW);
	shell_run(&a.sh);
	app_summary(&a);
	free(a.contest);
	if (!a.v.welcomed && a.v.tries && !a.exit_code)
		a.exit_code = 1; /* never reached the server */
	return a.exit_code;
}

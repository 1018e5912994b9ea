/* quiz practice: one person drilling the bank alone, self-paced (issue 11,
 * docs/PRACTICE.md). The same libuv loop as the live client drives the
 * connection (qconn), the keyboard, signals and a redraw timer; messages
 * go into the curses-free practice model (model_practice.h), keys through
 * handlers that return action flags, ui_draw_practice() paints it.
 *
 * Who you are: a person is a nickname and a team on a server, named by a
 * personal token that the server gives at the first PracticeReady. The
 * token is kept in the client's state file (seatfile.h, role "practice")
 * and presented on every start, so the history continues; --show-token
 * prints it to carry to another device and --token uses one given. A saved
 * token the server does not know is said so, never replaced silently by a
 * new person.
 *
 * `quiz practice HOST:PORT --stats [--team-board]` prints the progress as
 * plain text, without curses, so it can be piped. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "practice.h"
#include "practice_int.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <uv.h>

#include "draw.h"
#include "i18n.h"
#include "model_practice.h"
#include "pstats.h"
#include "qconn.h"
#include "seatfile.h"
#include "text.h"
#include "ui.h"

#define BACKOFF_CAP_MS 1000
#define START_AGAIN_MS 1000 /* a start refused for storage: again after */

/* struct papp: practice_int.h */

/* Usage of quiz practice (full: the options too). */
void practice_usage(FILE *f, bool full)
{
	fprintf(f, "%s\n  %s\n",
		_("Usage: quiz practice HOST:PORT --name NAME [--team TEAM] "
		  "[--category C] [--kinds single,multi,tf,fill] [--review] "
		  "[--time SECONDS] [--new N] [--token TOKEN]\n"
		  "       quiz practice HOST:PORT --name NAME [--team TEAM] "
		  "--show-token\n"
		  "       quiz practice HOST:PORT --name NAME [--team TEAM] "
		  "--stats [--team-board]"),
		_("Practise alone at your own pace; progress is kept on the "
		  "server."));
	if (!full)
		return;
	fprintf(f,
		"  --name NAME       %s\n"
		"  --team TEAM       %s\n"
		"  --category C      %s\n"
		"  --kinds LIST      %s\n"
		"  --review          %s\n"
		"  --time SECONDS    %s\n"
		"  --new N           %s\n"
		"  --token TOKEN     %s\n"
		"  --show-token      %s\n"
		"  --forget-token    %s\n"
		"  --stats           %s\n"
		"  --team-board      %s\n",
		_("your nickname: at most 32 bytes, which is 10 Chinese "
		  "characters or 32 letters"),
		_("your team or branch: at most 64 bytes, which is 21 Chinese "
		  "characters or 64 letters"),
		_("only questions of this category"),
		_("only these kinds: single, multi, tf, fill (comma "
		  "separated)"),
		_("review mode: only the questions in your review book "
		  "(错题本)"),
		_("a time limit per question, 3-300 s (default: none)"),
		_("new questions in this sitting, 1-1000 (default 20)"),
		_("your personal token from another device (--show-token "
		  "prints it)"),
		_("print the personal token saved for NAME and TEAM, and "
		  "exit"),
		_("register NAME anew instead of presenting the saved token, "
		  "which the new one replaces (the old history stays on the "
		  "server, out of reach)"),
		_("print your progress as plain text, and exit"),
		_("with --stats: your team's board, every member"));
	fprintf(f, "%s\n",
		_("Keys: the answer keys of quiz join; ? I don't know; Enter "
		  "next; r review book; s schedule; p progress; q quit."));
}

/* Parses an unsigned number within [lo, hi]. */
static int parse_num(const char *s, unsigned long lo, unsigned long hi,
		     uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Takes a personal token: 1-64 letters, digits, '-' or '_'. */
static int take_token(struct papp *a, const char *s)
{
	size_t n = strlen(s);

	if (!n || n > QUIZ_TOKEN_INPUT_MAX ||
	    strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz"
		      "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") != n) {
		fprintf(stderr, "quiz practice: %s\n",
			_("--token wants the personal token (letters and "
			  "digits, as --show-token prints it)"));
		return -EINVAL;
	}
	memcpy(a->token, s, n + 1);
	a->token_given = true;
	return 0;
}

/* Parses the arguments after "practice". Returns 0, 1 after --help or
 * --version, or -EINVAL (message printed). */
static int parse_args(int argc, char **argv, struct papp *a)
{
	enum {
		O_TEAM = 256,
		O_CAT,
		O_KINDS,
		O_REVIEW,
		O_TIME,
		O_NEW,
		O_TOKEN,
		O_SHOW,
		O_FORGET,
		O_STATS,
		O_BOARD,
	};
	static const struct option opts[] = {
	    {"name", required_argument, NULL, 'n'},
	    {"team", required_argument, NULL, O_TEAM},
	    {"category", required_argument, NULL, O_CAT},
	    {"kinds", required_argument, NULL, O_KINDS},
	    {"review", no_argument, NULL, O_REVIEW},
	    {"time", required_argument, NULL, O_TIME},
	    {"new", required_argument, NULL, O_NEW},
	    {"token", required_argument, NULL, O_TOKEN},
	    {"show-token", no_argument, NULL, O_SHOW},
	    {"forget-token", no_argument, NULL, O_FORGET},
	    {"stats", no_argument, NULL, O_STATS},
	    {"team-board", no_argument, NULL, O_BOARD},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	uint32_t v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "n:hV", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
			a->name = optarg;
			break;
		case O_TEAM:
			a->team = optarg;
			break;
		case O_CAT:
			a->category = optarg;
			break;
		case O_KINDS:
			a->kinds = pmodel_parse_kinds(optarg);
			if (a->kinds < 0) {
				fprintf(stderr, "quiz practice: %s '%s'\n",
					_("--kinds takes single, multi, tf and "
					  "fill, comma separated:"),
					optarg);
				return -EINVAL;
			}
			break;
		case O_REVIEW:
			a->mode = PMODEL_REVIEW;
			break;
		case O_TIME:
			if (parse_num(optarg, 3, 300, &v) < 0)
				goto badnum;
			a->time_ms = v * 1000;
			break;
		case O_NEW:
			if (parse_num(optarg, 1, 1000, &v) < 0)
				goto badnum;
			a->max_new = v;
			break;
		case O_TOKEN:
			if (take_token(a, optarg) < 0)
				return -EINVAL;
			break;
		case O_SHOW:
			a->show_token = true;
			break;
		case O_FORGET:
			a->forget_token = true;
			break;
		case O_STATS:
			a->stats = true;
			break;
		case O_BOARD:
			a->team_board = true;
			break;
		case 'h':
			practice_usage(stdout, true);
			return 1;
		case 'V':
			printf("quiz %s\n", QUIZ_VERSION);
			return 1;
		default:
			practice_usage(stderr, true);
			return -EINVAL;
		}
		continue;
	badnum:
		fprintf(stderr, "quiz practice: %s '%s'\n",
			_("number out of range:"), optarg);
		return -EINVAL;
	}
	if (optind != argc - 2) {
		practice_usage(stderr, false);
		return -EINVAL;
	}
	a->server = argv[1 + optind];
	a->pv.v.server = a->server;
	if (qconn_parse_addr(a->server, &a->addr) < 0) {
		fprintf(stderr, "quiz: %s '%s'\n",
			_("bad server address (HOST:PORT)"), a->server);
		return -EINVAL;
	}
	if (a->name && ui_name_refused("quiz practice", _("the nickname"),
				       a->name, QUIZ_NAME_MAX))
		return -EINVAL;
	if (!a->name && !a->token_given) {
		fprintf(stderr, "quiz practice: %s\n",
			_("--name NAME is required (or --token TOKEN)"));
		return -EINVAL;
	}
	if (a->team && a->team[0] &&
	    ui_name_refused("quiz practice", _("the team name"), a->team,
			    QUIZ_TEAM_MAX))
		return -EINVAL;
	if (a->category &&
	    (strlen(a->category) > QUIZ_CATEGORY_MAX ||
	     !text_utf8_valid(a->category, strlen(a->category)))) {
		fprintf(stderr, "quiz practice: %s\n",
			_("--category too long"));
		return -EINVAL;
	}
	if (a->team_board && !a->stats) {
		fprintf(stderr, "quiz practice: %s\n",
			_("--team-board goes with --stats"));
		return -EINVAL;
	}
	if ((a->show_token && (a->stats || a->token_given)) ||
	    (a->forget_token && (a->token_given || a->stats))) {
		fprintf(stderr, "quiz practice: %s\n",
			_("--show-token, --forget-token, --token and --stats "
			  "do not go together"));
		return -EINVAL;
	}
	if ((a->show_token || a->forget_token) && !a->name) {
		fprintf(stderr, "quiz practice: %s\n",
			_("--name NAME is required"));
		return -EINVAL;
	}
	return 0;
}

/* The state file's key of a person: this server, nick and team. */
bool practice_seat_key(const struct papp *a, const char *nick, const char *team,
		       struct seatfile_key *k)
{
	if (!a->seat_path[0] || !nick || !nick[0])
		return false;
	memset(k, 0, sizeof(*k));
	k->server = a->server;
	k->role = "practice";
	k->name = nick;
	k->team = team && team[0] ? team : NULL;
	return true;
}

/* "张三 (一支部)" or "张三" for messages. */
void practice_who(char *buf, size_t len, const char *nick, const char *team)
{
	if (team && team[0])
		snprintf(buf, len, "%s (%s)", nick, team);
	else
		snprintf(buf, len, "%s", nick ? nick : "");
}

/* Saves the person's token under the server's names and, when they
 * differ, under the names given on the command line (which find it next
 * time). */
static void save_token(struct papp *a)
{
	struct seatfile_key k;
	int rc = 0;

	if (!a->pm.token[0])
		return;
	snprintf(a->token, sizeof(a->token), "%s", a->pm.token);
	if (practice_seat_key(a, a->pm.nick, a->pm.team, &k))
		rc = seatfile_save(a->seat_path, &k, a->pm.token);
	if (a->name && practice_seat_key(a, a->name, a->team, &k) &&
	    (strcmp(a->name, a->pm.nick) != 0 ||
	     strcmp(a->team ? a->team : "", a->pm.team) != 0))
		rc |= seatfile_save(a->seat_path, &k, a->pm.token);
	if (rc < 0 || !a->seat_path[0])
		snprintf(a->pv.v.notice, sizeof(a->pv.v.notice), "%s",
			 _("Could not save the personal token in the state "
			   "file: note it with --show-token"));
}

/* Sends env on the live connection; returns the seq or a negative error. */
static int64_t app_send(struct papp *a, Quiz__V1__Envelope *env)
{
	if (!a->c || !qconn_welcomed(a->c))
		return -ENOTCONN;
	return qconn_send(a->c, env);
}

/* Sends PracticeStart for the sitting (mode, filter, timer, new items),
 * with the token when there is one, else the names of a new person. */
void practice_send_start(struct papp *a, int mode)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeStart ps = QUIZ__V1__PRACTICE_START__INIT;
	Quiz__V1__QuestionKind kinds[4];
	size_t n = 0;
	int64_t seq;
	int i;

	for (i = 0; i < 4; i++)
		if (a->kinds & (1 << i))
			kinds[n++] = (Quiz__V1__QuestionKind)i;
	ps.person_token = a->token;
	ps.nickname = (char *)(a->name ? a->name : "");
	ps.team = (char *)(a->team ? a->team : "");
	ps.category = (char *)(a->category ? a->category : "");
	ps.n_kinds = n;
	ps.kinds = n ? kinds : NULL;
	ps.mode = mode == PMODEL_REVIEW
		      ? QUIZ__V1__PRACTICE_MODE__MODE_REVIEW
		      : QUIZ__V1__PRACTICE_MODE__MODE_SCHEDULE;
	ps.time_limit_ms = a->time_ms;
	ps.max_new = a->max_new;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_START;
	env.practice_start = &ps;
	a->mode = mode;
	pmodel_restart(&a->pm, mode);
	seq = app_send(a, &env);
	a->start_seq = seq > 0 ? (uint32_t)seq : 0;
}

/* Sends PracticeNext. */
static void send_next(struct papp *a)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeNext pn = QUIZ__V1__PRACTICE_NEXT__INIT;

	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_NEXT;
	env.practice_next = &pn;
	a->pm.q.error[0] = '\0';
	a->pm.q.error_code = 0;
	if (app_send(a, &env) < 0) {
		snprintf(a->pv.v.notice, sizeof(a->pv.v.notice), "%s",
			 _("Not connected: try again once online"));
		return;
	}
	if (a->pm.screen == PSCREEN_RESULT || a->pm.screen == PSCREEN_WAIT)
		a->pm.screen = PSCREEN_LOADING;
}

/* Sends the locked answer (or the empty one). */
static void send_answer(struct papp *a)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Answer ans = QUIZ__V1__ANSWER__INIT;
	uint32_t choices[MODEL_OPTIONS_MAX];

	if (pmodel_answer(&a->pm, &ans, choices) < 0)
		return;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
	env.answer = &ans;
	a->pm.q.error[0] = '\0';
	a->pm.q.error_code = 0;
	if (app_send(a, &env) < 0)
		snprintf(a->pv.v.notice, sizeof(a->pv.v.notice), "%s",
			 _("Not connected: the answer was not sent"));
}

/* Asks for the progress page (team: the team board). */
static void send_stats(struct papp *a, bool team)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeStatsRequest r =
	    QUIZ__V1__PRACTICE_STATS_REQUEST__INIT;

	r.team = team;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS_REQUEST;
	env.practice_stats_request = &r;
	free(a->stats_text);
	a->stats_text = NULL;
	a->pv.stats_text = NULL;
	a->pv.stats_team = team;
	a->pv.stats_wait = app_send(a, &env) > 0;
	if (!a->pv.stats_wait)
		snprintf(a->pv.v.notice, sizeof(a->pv.v.notice), "%s",
			 _("Not connected: try again once online"));
}

/* Keeps a PracticeStats as the progress page's text. */
static void take_stats(struct papp *a, const Quiz__V1__PracticeStats *ps)
{
	size_t len = 0;
	FILE *f;

	if (!a->st)
		a->st = malloc(sizeof(*a->st));
	if (!a->st)
		return;
	pstats_from_proto(a->st, ps, a->pv.stats_team);
	free(a->stats_text);
	a->stats_text = NULL;
	f = open_memstream(&a->stats_text, &len);
	if (!f)
		return;
	pstats_print(f, a->st, a->server);
	fclose(f);
	a->pv.stats_text = a->stats_text;
}

/* --- the interactive loop -------------------------------------------- */

static void app_connect(struct papp *a);
static void app_after(struct papp *a, int flags);

/* Paints the screen now. */
static void app_draw(struct papp *a)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ui_draw_practice(&a->pm, &a->pv, qconn_now_us(),
			 (uint64_t)ts.tv_sec * 1000000 +
			     (uint64_t)ts.tv_nsec / 1000);
}

/* Redraws 10 times a second while a timer or a retry counts down, and
 * sends the empty answer when the question's time is up. */
static void on_tick(void *arg)
{
	struct papp *a = arg;

	app_after(a, MODEL_REDRAW | pmodel_expire(&a->pm, qconn_now_us()));
}

/* Starts or stops the redraw timer. */
static void app_schedule(struct papp *a)
{
	bool need = (a->pm.timer && a->pm.screen == PSCREEN_QUESTION &&
		     !a->pm.have_result) ||
		    a->pv.v.reconnecting;

	shell_tick(&a->sh, need);
}

/* The wait before the next retry (full jitter, doubling cap). */
static unsigned app_backoff(struct papp *a)
{
	return qconn_backoff(&a->backoff_ms, &a->rng);
}

static void on_retry(void *arg)
{
	struct papp *a = arg;

	if (!a->c)
		app_connect(a);
	else if (a->start_again && qconn_welcomed(a->c))
		practice_send_start(a, a->mode);
	a->start_again = false;
}

static void on_message(struct qconn *c, const Quiz__V1__Envelope *env,
		       uint64_t recv_us)
{
	struct papp *a = qconn_data(c);
	int flags;

	(void)recv_us;
	if (a->sh.quitting)
		return;
	flags = pmodel_apply(&a->pm, env, a->start_seq, qconn_now_us());
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		a->backoff_ms = BACKOFF_CAP_MS;
		a->pv.v.reconnecting = false;
		a->pv.v.notice[0] = '\0';
		practice_send_start(a, a->mode);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_READY:
		a->start_seq = 0;
		a->token_saved = false; /* the server knows it: it is good */
		save_token(a);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS:
		if (a->pv.stats_wait) {
			a->pv.stats_wait = false;
			take_stats(a, env->practice_stats);
		}
		break;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		if (env->error &&
		    env->error->code == QUIZ__V1__ERROR_CODE__SHUTTING_DOWN)
			a->pm.q.restarting = true;
		if (a->pv.stats_wait && env->error &&
		    env->error->code == QUIZ__V1__ERROR_CODE__BAD_STATE)
			a->pv.stats_wait = false;
		break;
	default:
		break;
	}
	if ((flags & PMODEL_REFUSED) &&
	    a->pm.refused == QUIZ__V1__ERROR_CODE__STORAGE_UNAVAILABLE) {
		/* nothing recorded: the start is sent again in a moment */
		a->pm.refused = 0;
		a->pm.q.error[0] = '\0';
		a->pm.q.error_code = 0;
		a->start_seq = 0;
		a->start_again = true;
		snprintf(a->pv.v.notice, sizeof(a->pv.v.notice), "%s",
			 _("The server cannot save right now: trying again…"));
		shell_retry(&a->sh, START_AGAIN_MS);
		flags &= ~PMODEL_REFUSED;
	}
	if (flags & PMODEL_REFUSED) {
		a->refused = true;
		a->exit_code = 1;
		flags |= MODEL_QUIT;
	}
	app_after(a, flags | MODEL_REDRAW);
}

static void on_close(struct qconn *c, int reason)
{
	struct papp *a = qconn_data(c);
	unsigned wait;

	(void)reason;
	if (a->c == c)
		a->c = NULL;
	if (a->sh.quitting)
		return;
	model_set_conn(&a->pm.q, CONN_RECONNECTING);
	a->pv.v.reconnecting = true;
	a->pv.stats_wait = false;
	wait = app_backoff(a);
	a->pv.v.retry_at = qconn_now_us() + (uint64_t)wait * 1000;
	shell_retry(&a->sh, wait);
	app_after(a, MODEL_REDRAW);
}

/* Opens a connection (the first, or a retry: PracticeStart again). */
static void app_connect(struct papp *a)
{
	static const struct qconn_callbacks cb = {
	    .on_message = on_message,
	    .on_close = on_close,
	};
	struct qconn_options opt = {.client = "quiz/" QUIZ_VERSION};

	a->c = qconn_new(a->loop, &cb, a);
	if (!a->c) {
		shell_retry(&a->sh, app_backoff(a));
		return;
	}
	qconn_configure(a->c, &opt);
	if (qconn_connect(a->c, (const struct sockaddr *)&a->addr) < 0)
		qconn_close(a->c); /* on_close schedules the retry */
}

/* Keys of the question screen: the live contestant's, '?' for "I don't
 * know", q to quit (asking first: the answer is pending). */
static int key_question(struct papp *a, int rc, wint_t k, uint64_t now)
{
	struct pmodel *pm = &a->pm;
	bool open =
	    !pm->q.locked && !pm->have_result && now <= pm->q.deadline_at;
	char u[5];

	if (open && pm->q.kind == QUIZ__V1__QUESTION_KIND__FILL) {
		if (ui_key_backspace(rc, k))
			return model_fill_backspace(&pm->q) | MODEL_REDRAW;
		if (ui_key_enter(rc, k))
			return pmodel_key(pm, '\n', now);
		if (rc == OK && k >= 0x20 && k != 127 && k <= 0x10ffff &&
		    !text_is_control((uint32_t)k)) {
			ui_utf8_put(u, (uint32_t)k);
			return model_fill_input(&pm->q, u) | MODEL_REDRAW;
		}
		return 0;
	}
	if (rc == OK && (k == 'q' || k == 'Q')) {
		a->pv.v.confirm = 'q';
		return MODEL_REDRAW;
	}
	if (rc == OK && (k == 'n' || k == 'N') && pm->q.locked &&
	    pm->q.error[0])
		return PMODEL_NEXT | MODEL_REDRAW; /* refused: ask again */
	if (!open)
		return 0;
	if (ui_key_enter(rc, k))
		return pmodel_key(pm, '\n', now);
	if (rc == KEY_CODE_YES && (k == KEY_UP || k == KEY_DOWN))
		return pmodel_key(
		    pm, k == KEY_UP ? MODEL_KEY_UP : MODEL_KEY_DOWN, now);
	if (rc == OK && k < 128)
		return pmodel_key(pm, (int)k, now);
	return 0;
}

/* Flags of the app besides MODEL_* and PMODEL_*. */
enum {
	APP_REVIEW = 1 << 16,	 /* start a review sitting */
	APP_SCHEDULE = 1 << 17,	 /* start a schedule sitting */
	APP_STATS = 1 << 18,	 /* ask for the progress page */
	APP_TEAM_STATS = 1 << 19 /* ask for the team board */
};

/* One key. */
static int app_key(struct papp *a, int rc, wint_t k, uint64_t now)
{
	struct pmodel *pm = &a->pm;
	bool ch = rc == OK;

	if (ch && k == 3)
		return MODEL_QUIT;
	if (rc == KEY_CODE_YES && k == KEY_RESIZE)
		return MODEL_REDRAW;
	if (a->pv.v.confirm) {
		a->pv.v.confirm = 0;
		return ch && (k == 'y' || k == 'Y') ? MODEL_QUIT : MODEL_REDRAW;
	}
	if (a->pv.stats_text || a->pv.stats_wait) {
		if (ch && (k == 'b' || k == 'B') && !a->pv.stats_team)
			return APP_TEAM_STATS | MODEL_REDRAW;
		a->pv.stats_wait = false;
		a->pv.stats_text = NULL;
		return MODEL_REDRAW;
	}
	if (pm->screen == PSCREEN_QUESTION)
		return key_question(a, rc, k, now);
	if (ch && (k == 'q' || k == 'Q'))
		return MODEL_QUIT; /* nothing pending */
	if (pm->screen != PSCREEN_RESULT && pm->screen != PSCREEN_WAIT)
		return 0;
	if (ui_key_enter(rc, k) || (ch && (k == 'n' || k == 'N' || k == ' ')))
		return PMODEL_NEXT | MODEL_REDRAW;
	if (ch && (k == 'r' || k == 'R') && pm->mode == PMODEL_SCHEDULE)
		return APP_REVIEW | MODEL_REDRAW;
	if (ch && (k == 's' || k == 'S') && pm->mode == PMODEL_REVIEW)
		return APP_SCHEDULE | MODEL_REDRAW;
	if (ch && (k == 'p' || k == 'P'))
		return APP_STATS | MODEL_REDRAW;
	return 0;
}

/* Stops everything: the loop ends once the handles are closed. */
static void app_quit(struct papp *a)
{
	if (a->sh.quitting)
		return;
	shell_quit(&a->sh); /* quitting first: on_close does not retry */
	qconn_close(a->c);
}

/* Acts on flags from a handler: send, quit, redraw, timer. */
static void app_after(struct papp *a, int flags)
{
	if (a->sh.quitting)
		return;
	if (flags & MODEL_ANSWER)
		send_answer(a);
	if (flags & APP_REVIEW)
		practice_send_start(a, PMODEL_REVIEW);
	if (flags & APP_SCHEDULE)
		practice_send_start(a, PMODEL_SCHEDULE);
	if (flags & PMODEL_NEXT)
		send_next(a);
	if (flags & (APP_STATS | APP_TEAM_STATS))
		send_stats(a, (flags & APP_TEAM_STATS) != 0);
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

/* --- main ------------------------------------------------------------ */

/* Runs the practice screen until q. Returns the exit status. */
static int run_ui(struct papp *a)
{
	static const struct shell_ops ops = {
	    .key = shell_key,
	    .after = shell_after,
	    .tick = on_tick,
	    .retry = on_retry,
	    .each_key = true, /* a queued "n" then "1": in order */
	};
	uv_loop_t loop;

	a->loop = &loop;
	if (shell_start(&a->sh, &loop, &ops, a))
		return 1;
	app_connect(a);
	app_after(a, MODEL_REDRAW);
	shell_run(&a->sh);
	if (a->refused) {
		practice_print_refusal(a, a->pm.refused, a->pm.q.error);
		return 1;
	}
	if (a->pm.answered)
		printf(_("quiz practice: %u answered, %u right; review book "
			 "%u\n"),
		       a->pm.answered, a->pm.right, a->pm.review);
	return a->exit_code;
}

/* quiz practice ...: argv[1] is "practice". */
int practice_main(int argc, char **argv)
{
	struct papp *a = calloc(1, sizeof(*a));
	int rc;

	if (!a)
		return 1;
	rc = parse_args(argc, argv, a);
	if (rc) {
		free(a);
		return rc > 0 ? 0 : 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (seatfile_path(a->seat_path, sizeof(a->seat_path)) < 0)
		a->seat_path[0] = '\0';
	if (a->show_token) {
		rc = practice_show_token(a);
		goto out;
	}
	/* --forget-token: the saved token is not presented; its line is
	 * replaced only once the server has registered the new person (a
	 * refusal, NAME_TAKEN above all, leaves it as it was) */
	if (!a->forget_token && !a->token_given && practice_find_token(a) == 0)
		a->token_saved = true;
	if (a->stats && !a->token[0]) {
		char w[MODEL_NAME_MAX + MODEL_TEAM_NAME + 8];

		practice_who(w, sizeof(w), a->name, a->team);
		fprintf(stderr,
			_("quiz practice: no personal token saved for %s on %s "
			  "(%s): practise first, or give --token\n"),
			w, a->server,
			a->seat_path[0] ? a->seat_path : _("no state file"));
		rc = 2;
		goto out;
	}
	pmodel_init(&a->pm, a->name, a->team, a->mode);
	a->backoff_ms = BACKOFF_CAP_MS;
	a->rng = uv_hrtime() ^ ((uint64_t)getpid() << 32);
	rc = a->stats ? practice_run_stats(a) : run_ui(a);
out:
	free(a->st);
	free(a->stats_text);
	free(a);
	return rc;
}

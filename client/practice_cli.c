/* quiz practice without the screen (practice_int.h): the refusals said on
 * the normal screen, --show-token, and --stats, which connects, starts
 * with the saved (or given) token, asks for the progress, prints it as
 * plain text and exits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "model_practice.h"
#include "oneshot.h"
#include "practice_int.h"
#include "pstats.h"
#include "qconn.h"
#include "seatfile.h"
#include "text.h"

#define STATS_WAIT_MS  10000 /* --stats gives up after this */
#define STATS_AGAIN_MS 1000  /* a start refused for storage: again after */
#define STATS_TRIES    5     /* at most this many times */

/* Prints server text sanitised (as the model copies it). */
static void print_server(FILE *f, const char *text)
{
	char buf[MODEL_TEXT_MAX];

	text_sanitize(buf, sizeof(buf), text, 0);
	fprintf(f, "%s", buf);
}

/* Why the start was refused, on the normal screen: a saved token the
 * server does not know, a name that has history here, or the reason. */
void practice_print_refusal(const struct papp *a, int code, const char *msg)
{
	char w[MODEL_NAME_MAX + MODEL_TEAM_NAME + 8];

	practice_who(w, sizeof(w), a->name ? a->name : a->pm.nick, a->team);
	if (code == QUIZ__V1__ERROR_CODE__WRONG_PIN && a->token_given) {
		fprintf(stderr,
			_("quiz practice: %s does not know this personal "
			  "token: check it (quiz practice %s --name NAME "
			  "--show-token on the device that has it). Nothing "
			  "was created.\n"),
			a->server, a->server);
	} else if (code == QUIZ__V1__ERROR_CODE__WRONG_PIN) {
		fprintf(stderr,
			_("quiz practice: %s does not know the personal token "
			  "saved for %s (%s). Nothing was created: your "
			  "history is not used under a new person. If the "
			  "server's database was replaced, start afresh with "
			  "--forget-token; if you practised with another "
			  "token, give it with --token.\n"),
			a->server, w, a->seat_path);
	} else if (code == QUIZ__V1__ERROR_CODE__NAME_TAKEN) {
		fprintf(stderr,
			_("quiz practice: %s already has a practice history on "
			  "%s, and this device has no token for it. If it is "
			  "yours, print the token on the device you practised "
			  "on (quiz practice %s --name NAME [--team TEAM] "
			  "--show-token) and start here with --token TOKEN. "
			  "Otherwise choose another --name or --team.\n"),
			w, a->server, a->server);
	} else {
		fprintf(stderr, "quiz practice: %s ",
			_("the server refused to start practice:"));
		if (msg && msg[0])
			print_server(stderr, msg);
		else
			fputs(_(model_error_text(code)), stderr);
		fputc('\n', stderr);
	}
}

/* Looks up the saved token of NAME/TEAM on the server. */
int practice_find_token(struct papp *a)
{
	struct seatfile_key k;

	if (!practice_seat_key(a, a->name, a->team, &k))
		return -ENOENT;
	return seatfile_find(a->seat_path, &k, a->token, sizeof(a->token));
}

/* --show-token: prints the saved token on stdout. */
int practice_show_token(struct papp *a)
{
	char w[MODEL_NAME_MAX + MODEL_TEAM_NAME + 8];

	practice_who(w, sizeof(w), a->name, a->team);
	if (practice_find_token(a) < 0) {
		fprintf(stderr,
			_("quiz practice: no personal token saved for %s on %s "
			  "(%s)\n"),
			w, a->server,
			a->seat_path[0] ? a->seat_path : _("no state file"));
		return 2; /* as --stats and host --resume: nothing to go on */
	}
	printf("%s\n", a->token);
	return 0;
}

/* --- --stats: plain text, no curses ---------------------------------- */

/* The state of a --stats run. */
struct pcli {
	struct papp *a;
	unsigned tries; /* starts sent again after STORAGE_UNAVAILABLE */
};

/* Prints an Error that is not about the start: the server's reason. */
static void cli_print_error(const Quiz__V1__Error *e)
{
	fprintf(stderr, "quiz practice: ");
	if (e->message && e->message[0])
		print_server(stderr, e->message);
	else
		fputs(_(model_error_text((int)e->code)), stderr);
	fputc('\n', stderr);
}

/* Welcome: the start; PracticeReady: the request; PracticeStats: printed,
 * done; a start refused for storage (nothing recorded) is sent again
 * after a while, any other Error is said and ends the run. env NULL: the
 * while has passed. */
static int cli_reply(struct oneshot *o, const Quiz__V1__Envelope *env,
		     void *arg)
{
	struct pcli *p = arg;
	struct papp *a = p->a;
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeStatsRequest r =
	    QUIZ__V1__PRACTICE_STATS_REQUEST__INIT;

	a->c = oneshot_conn(o);
	if (!env) {
		if (qconn_welcomed(a->c))
			practice_send_start(a, PMODEL_SCHEDULE);
		return 0;
	}
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		practice_send_start(a, PMODEL_SCHEDULE);
		return 0;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_READY:
		a->start_seq = 0;
		r.team = a->team_board;
		out.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS_REQUEST;
		out.practice_stats_request = &r;
		if (qconn_send(a->c, &out) < 0)
			qconn_close(a->c); /* said as a connection ended */
		return 0;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS:
		pstats_from_proto(a->st, env->practice_stats, a->team_board);
		pstats_print(stdout, a->st, a->server);
		fflush(stdout);
		return 1;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		if (!env->error)
			return 0;
		if (a->start_seq && env->error->ref_seq == a->start_seq &&
		    env->error->code ==
			QUIZ__V1__ERROR_CODE__STORAGE_UNAVAILABLE &&
		    p->tries < STATS_TRIES) {
			p->tries++;
			a->start_seq = 0;
			oneshot_later(o, STATS_AGAIN_MS);
			return 0;
		}
		if (a->start_seq && env->error->ref_seq == a->start_seq)
			practice_print_refusal(a, (int)env->error->code,
					       env->error->message);
		else
			cli_print_error(env->error);
		return -1;
	default:
		return 0;
	}
}

/* The connection ended before the progress came. */
static void cli_closed(const char *server, const char *why)
{
	fprintf(stderr,
		_("quiz practice: the connection to %s ended before "
		  "the progress came (%s)\n"),
		server, why);
}

/* --stats: connects, starts with the token, asks, prints, exits. */
int practice_run_stats(struct papp *a)
{
	struct pcli p = {.a = a};
	char late[160];
	struct oneshot_spec spec = {
	    .server = a->server,
	    .on_reply = cli_reply,
	    .arg = &p,
	    .own_errors = true,
	    .wait_ms = STATS_WAIT_MS,
	    .say_closed = cli_closed,
	    .late_line = late,
	};
	int rc;

	a->st = malloc(sizeof(*a->st));
	if (!a->st)
		return 1;
	snprintf(late, sizeof(late), "quiz practice: %s\n",
		 _("no answer from the server in time"));
	rc = oneshot_run((const struct sockaddr *)&a->addr, &spec);
	a->c = NULL;
	return rc;
}

/* quiz practice without the screen (practice_int.h): the refusals said on
 * the normal screen, --show-token, and --stats, which connects, starts
 * with the saved (or given) token, asks for the progress, prints it as
 * plain text and exits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "i18n.h"
#include "model_practice.h"
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

struct pcli {
	struct papp *a;
	uv_timer_t timeout, again;
	unsigned tries; /* starts sent again after STORAGE_UNAVAILABLE */
	int rc;
};

/* Sends the start again (it was refused for storage: nothing recorded). */
static void cli_again(uv_timer_t *t)
{
	struct pcli *p = t->data;

	if (p->a->c && qconn_welcomed(p->a->c))
		practice_send_start(p->a, PMODEL_SCHEDULE);
}

static void cli_message(struct qconn *c, const Quiz__V1__Envelope *env,
			uint64_t recv_us)
{
	struct pcli *p = qconn_data(c);
	struct papp *a = p->a;
	Quiz__V1__Envelope out = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeStatsRequest r =
	    QUIZ__V1__PRACTICE_STATS_REQUEST__INIT;
	int64_t seq;

	(void)recv_us;
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		a->c = c;
		practice_send_start(a, PMODEL_SCHEDULE);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_READY:
		a->start_seq = 0;
		r.team = a->team_board;
		out.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS_REQUEST;
		out.practice_stats_request = &r;
		seq = qconn_send(c, &out);
		if (seq < 0)
			qconn_close(c);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS:
		pstats_from_proto(a->st, env->practice_stats, a->team_board);
		pstats_print(stdout, a->st, a->server);
		fflush(stdout);
		p->rc = 0;
		qconn_close(c);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		if (!env->error)
			break;
		if (a->start_seq && env->error->ref_seq == a->start_seq &&
		    env->error->code ==
			QUIZ__V1__ERROR_CODE__STORAGE_UNAVAILABLE &&
		    p->tries < STATS_TRIES) {
			p->tries++;
			a->start_seq = 0;
			uv_timer_start(&p->again, cli_again, STATS_AGAIN_MS, 0);
			break;
		}
		if (a->start_seq && env->error->ref_seq == a->start_seq)
			practice_print_refusal(a, (int)env->error->code,
					       env->error->message);
		else {
			fprintf(stderr, "quiz practice: ");
			if (env->error->message && env->error->message[0])
				print_server(stderr, env->error->message);
			else
				fputs(
				    _(model_error_text((int)env->error->code)),
				    stderr);
			fputc('\n', stderr);
		}
		p->rc = 1;
		qconn_close(c);
		break;
	default:
		break;
	}
}

static void cli_close(struct qconn *c, int reason)
{
	struct pcli *p = qconn_data(c);

	if (p->rc < 0) {
		fprintf(stderr,
			_("quiz practice: the connection to %s ended before "
			  "the progress came (%s)\n"),
			p->a->server, reason ? uv_strerror(reason) : "closed");
		p->rc = 1;
	}
	p->a->c = NULL;
	uv_timer_stop(&p->timeout);
	uv_close((uv_handle_t *)&p->timeout, NULL);
	uv_close((uv_handle_t *)&p->again, NULL);
}

static void cli_timeout(uv_timer_t *t)
{
	struct pcli *p = t->data;

	fprintf(stderr, "quiz practice: %s\n",
		_("no answer from the server in time"));
	p->rc = 1;
	if (p->a->c)
		qconn_close(p->a->c); /* cli_close closes the timers */
}

/* --stats: connects, starts with the token, asks, prints, exits. */
int practice_run_stats(struct papp *a)
{
	static const struct qconn_callbacks cb = {
	    .on_message = cli_message,
	    .on_close = cli_close,
	};
	struct qconn_options opt = {.client = "quiz/" QUIZ_VERSION};
	struct pcli p = {.a = a, .rc = -1};
	uv_loop_t loop;
	struct qconn *c;

	a->st = malloc(sizeof(*a->st));
	if (!a->st || uv_loop_init(&loop) < 0)
		return 1;
	a->loop = &loop;
	uv_timer_init(&loop, &p.timeout);
	uv_timer_init(&loop, &p.again);
	p.timeout.data = p.again.data = &p;
	uv_timer_start(&p.timeout, cli_timeout, STATS_WAIT_MS, 0);
	c = qconn_new(&loop, &cb, &p);
	if (!c) {
		uv_close((uv_handle_t *)&p.timeout, NULL);
		uv_close((uv_handle_t *)&p.again, NULL);
		uv_run(&loop, UV_RUN_DEFAULT);
		uv_loop_close(&loop);
		return 1;
	}
	a->c = c;
	qconn_configure(c, &opt);
	if (qconn_connect(c, (const struct sockaddr *)&a->addr) < 0)
		qconn_close(c);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return p.rc == 0 ? 0 : 1;
}

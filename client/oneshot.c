/* One request and its reply, without curses (oneshot.h). */
#include "oneshot.h"

#include <stdio.h>

#include "i18n.h"
#include "model.h"
#include "qconn.h"

struct oneshot {
	Quiz__V1__Envelope *req;
	oneshot_reply_fn on_reply;
	void *arg;
	const char *server;
	struct qconn *c;
	uv_timer_t timeout;
	int rc; /* -1 until decided */
};

/* Prints a server's text, control characters as '?'. */
static void print_text(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/* Welcome: the request; Error: the reason; anything else: the callback. */
static void on_message(struct qconn *c, const Quiz__V1__Envelope *env,
		       uint64_t recv_us)
{
	struct oneshot *o = qconn_data(c);
	int r;

	(void)recv_us;
	if (o->rc >= 0)
		return;
	if (env->body_case == QUIZ__V1__ENVELOPE__BODY_WELCOME) {
		if (qconn_send(c, o->req) < 0) {
			o->rc = 1;
			qconn_close(c);
		}
		return;
	}
	if (env->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR && env->error) {
		fprintf(stderr, "quiz: %s: ", o->server);
		if (env->error->message && env->error->message[0])
			print_text(stderr, env->error->message);
		else
			fputs(_(model_error_text((int)env->error->code)),
			      stderr);
		fputc('\n', stderr);
		o->rc = 1;
		qconn_close(c);
		return;
	}
	r = o->on_reply(env, o->arg);
	if (r != 0) {
		o->rc = r > 0 ? 0 : 1;
		qconn_close(c);
	}
}

/* The connection ended: before the reply, that is a failure. */
static void on_close(struct qconn *c, int reason)
{
	struct oneshot *o = qconn_data(c);

	if (o->rc < 0) {
		fprintf(stderr, _("quiz: cannot reach %s (%s)\n"), o->server,
			reason ? uv_strerror(reason) : _("closed"));
		o->rc = 1;
	}
	o->c = NULL;
	uv_timer_stop(&o->timeout);
	uv_close((uv_handle_t *)&o->timeout, NULL);
}

/* No reply in time. */
static void on_timeout(uv_timer_t *t)
{
	struct oneshot *o = t->data;

	fprintf(stderr, _("quiz: no answer from %s in time\n"), o->server);
	o->rc = 1;
	if (o->c)
		qconn_close(o->c);
	else
		uv_close((uv_handle_t *)&o->timeout, NULL);
}

int oneshot_run(const struct sockaddr *addr, const char *server,
		Quiz__V1__Envelope *req, oneshot_reply_fn on_reply, void *arg,
		unsigned wait_ms)
{
	static const struct qconn_callbacks cb = {
	    .on_message = on_message,
	    .on_close = on_close,
	};
	struct qconn_options opt = {.client = "quiz/" QUIZ_VERSION,
				    .ping_interval_ms = 0};
	struct oneshot o = {.req = req,
			    .on_reply = on_reply,
			    .arg = arg,
			    .server = server,
			    .rc = -1};
	uv_loop_t loop;

	if (uv_loop_init(&loop) < 0)
		return 1;
	uv_timer_init(&loop, &o.timeout);
	o.timeout.data = &o;
	uv_timer_start(&o.timeout, on_timeout, wait_ms, 0);
	o.c = qconn_new(&loop, &cb, &o);
	if (!o.c) {
		uv_close((uv_handle_t *)&o.timeout, NULL);
		o.rc = 1;
	} else {
		qconn_configure(o.c, &opt);
		if (qconn_connect(o.c, addr) < 0)
			qconn_close(o.c);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return o.rc == 0 ? 0 : 1;
}

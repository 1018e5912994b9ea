/* One request and its reply, without curses (oneshot.h). */
#include "oneshot.h"

#include <stdio.h>

#include "i18n.h"
#include "model.h"

struct oneshot {
	const struct oneshot_spec *spec;
	struct qconn *c;
	uv_timer_t timeout, later;
	int rc; /* -1 until decided */
};

/* Prints a server's text, control characters as '?'. */
static void print_text(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/* Takes the callback's answer: done or refused closes the connection. */
static void decide(struct oneshot *o, int r)
{
	if (r != 0 && o->rc < 0) {
		o->rc = r > 0 ? 0 : 1;
		qconn_close(o->c);
	}
}

/* Welcome: the request; Error: the reason; anything else: the callback. */
static void on_message(struct qconn *c, const Quiz__V1__Envelope *env,
		       uint64_t recv_us)
{
	struct oneshot *o = qconn_data(c);
	const struct oneshot_spec *s = o->spec;

	(void)recv_us;
	if (o->rc >= 0)
		return;
	if (env->body_case == QUIZ__V1__ENVELOPE__BODY_WELCOME && s->req) {
		if (qconn_send(c, s->req) < 0) {
			o->rc = 1;
			qconn_close(c);
		}
		return;
	}
	if (env->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR && env->error &&
	    !s->own_errors) {
		fprintf(stderr, "quiz: %s: ", s->server);
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
	decide(o, s->on_reply(o, env, s->arg));
}

/* The connection ended: before the reply, that is a failure. */
static void on_close(struct qconn *c, int reason)
{
	struct oneshot *o = qconn_data(c);
	const struct oneshot_spec *s = o->spec;

	if (o->rc < 0) {
		const char *why = reason ? uv_strerror(reason) : _("closed");

		if (s->say_closed)
			s->say_closed(s->server, why);
		else
			fprintf(stderr, _("quiz: cannot reach %s (%s)\n"),
				s->server, why);
		o->rc = 1;
	}
	o->c = NULL;
	uv_timer_stop(&o->timeout);
	uv_close((uv_handle_t *)&o->timeout, NULL);
	uv_close((uv_handle_t *)&o->later, NULL);
}

/* No reply in time. */
static void on_timeout(uv_timer_t *t)
{
	struct oneshot *o = t->data;

	if (o->spec->late_line)
		fputs(o->spec->late_line, stderr);
	else
		fprintf(stderr, _("quiz: no answer from %s in time\n"),
			o->spec->server);
	o->rc = 1;
	qconn_close(o->c); /* on_close closes the timers */
}

/* The delay of oneshot_later has passed. */
static void on_later(uv_timer_t *t)
{
	struct oneshot *o = t->data;

	if (o->rc < 0 && o->c)
		decide(o, o->spec->on_reply(o, NULL, o->spec->arg));
}

struct qconn *oneshot_conn(struct oneshot *o)
{
	return o->c;
}

void oneshot_later(struct oneshot *o, unsigned ms)
{
	uv_timer_start(&o->later, on_later, ms, 0);
}

int oneshot_run(const struct sockaddr *addr, const struct oneshot_spec *spec)
{
	static const struct qconn_callbacks cb = {
	    .on_message = on_message,
	    .on_close = on_close,
	};
	struct qconn_options opt = {.client = "quiz/" QUIZ_VERSION,
				    .ping_interval_ms = 0};
	struct oneshot o = {.spec = spec, .rc = -1};
	uv_loop_t loop;

	if (uv_loop_init(&loop) < 0)
		return 1;
	uv_timer_init(&loop, &o.timeout);
	uv_timer_init(&loop, &o.later);
	o.timeout.data = o.later.data = &o;
	o.c = qconn_new(&loop, &cb, &o);
	if (!o.c) {
		uv_close((uv_handle_t *)&o.timeout, NULL);
		uv_close((uv_handle_t *)&o.later, NULL);
		o.rc = 1;
	} else {
		uv_timer_start(&o.timeout, on_timeout, spec->wait_ms, 0);
		qconn_configure(o.c, &opt);
		if (qconn_connect(o.c, addr) < 0)
			qconn_close(o.c);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return o.rc == 0 ? 0 : 1;
}

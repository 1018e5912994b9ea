/* The skeleton of a terminal client (shell.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "shell.h"

#include <curses.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "i18n.h"
#include "model.h"
#include "qconn.h"
#include "ui.h"

static void on_tick(uv_timer_t *t)
{
	struct shell *sh = t->data;

	sh->ops->tick(sh->app);
}

static void on_retry(uv_timer_t *t)
{
	struct shell *sh = t->data;

	if (!sh->quitting)
		sh->ops->retry(sh->app);
}

/* Reads every key there is and hands the flags over. */
static void on_stdin(uv_poll_t *h, int status, int events)
{
	struct shell *sh = h->data;
	uint64_t now = qconn_now_us();
	int rc, flags = 0, n = 0;
	wint_t k;

	(void)events;
	if (status < 0) {
		sh->ops->after(sh->app, MODEL_QUIT);
		return;
	}
	while (!(flags & MODEL_QUIT) && (rc = ui_getkey(&k)) != ERR) {
		int f = sh->ops->key(sh->app, rc, k, now);

		flags |= f;
		n++;
		if (sh->ops->each_key && (f & ~MODEL_REDRAW)) {
			sh->ops->after(sh->app, f);
			flags &= MODEL_REDRAW | MODEL_QUIT;
		}
	}
	/* a hung-up terminal reads as endless nothing: give up */
	sh->idle_reads = n ? 0 : sh->idle_reads + 1;
	if (sh->idle_reads > 1000)
		flags |= MODEL_QUIT;
	sh->ops->after(sh->app, flags);
}

static void on_signal(uv_signal_t *s, int signum)
{
	struct shell *sh = s->data;

	if (signum == SIGWINCH) {
		ui_resize();
		sh->ops->after(sh->app, MODEL_REDRAW);
		return;
	}
	sh->ops->after(sh->app, MODEL_QUIT);
}

int shell_start(struct shell *sh, uv_loop_t *loop, const struct shell_ops *ops,
		void *app)
{
	static const int sigs[4] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
	size_t i;

	sh->ops = ops;
	sh->app = app;
	sh->loop = loop;
	if (uv_loop_init(loop) < 0) {
		fprintf(stderr, "%s", _("quiz: cannot start the event loop\n"));
		return 1;
	}
	if (ui_start() < 0)
		return 1;
	sh->stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
	uv_timer_init(loop, &sh->tick);
	uv_timer_init(loop, &sh->retry);
	uv_timer_init(loop, &sh->at);
	sh->tick.data = sh->retry.data = sh->at.data = sh;
	if (uv_poll_init(loop, &sh->in, STDIN_FILENO) < 0) {
		ui_stop();
		fprintf(stderr, "%s", _("quiz: cannot poll the terminal\n"));
		return 1;
	}
	/* libuv made the terminal non-blocking, which would also make the
	 * shared stdout drop output: put it back (curses reads in nodelay
	 * mode only when poll said readable) */
	if (sh->stdin_flags >= 0)
		fcntl(STDIN_FILENO, F_SETFL, sh->stdin_flags);
	sh->in.data = sh;
	uv_poll_start(&sh->in, UV_READABLE, on_stdin);
	for (i = 0; i < 4; i++) {
		uv_signal_init(loop, &sh->sig[i]);
		sh->sig[i].data = sh;
		uv_signal_start(&sh->sig[i], on_signal, sigs[i]);
	}
	/* a resize between ui_start and the SIGWINCH handler above was seen
	 * by nobody: take the terminal's size again now */
	ui_resize();
	return 0;
}

void shell_run(struct shell *sh)
{
	uv_run(sh->loop, UV_RUN_DEFAULT);
	ui_stop();
	if (sh->stdin_flags >= 0)
		fcntl(STDIN_FILENO, F_SETFL, sh->stdin_flags);
	uv_loop_close(sh->loop);
}

void shell_quit(struct shell *sh)
{
	size_t i;

	if (sh->quitting)
		return;
	sh->quitting = true;
	uv_close((uv_handle_t *)&sh->tick, NULL);
	uv_close((uv_handle_t *)&sh->retry, NULL);
	uv_close((uv_handle_t *)&sh->at, NULL);
	uv_close((uv_handle_t *)&sh->in, NULL);
	for (i = 0; i < sizeof(sh->sig) / sizeof(sh->sig[0]); i++)
		uv_close((uv_handle_t *)&sh->sig[i], NULL);
}

void shell_tick(struct shell *sh, bool need)
{
	if (sh->quitting)
		return;
	if (need && !sh->ticking)
		uv_timer_start(&sh->tick, on_tick, SHELL_TICK_MS,
			       SHELL_TICK_MS);
	else if (!need && sh->ticking)
		uv_timer_stop(&sh->tick);
	sh->ticking = need;
}

void shell_redraw_at(struct shell *sh, uint64_t local_us)
{
	uint64_t now = qconn_now_us();

	if (sh->quitting || local_us == sh->at_us)
		return;
	sh->at_us = local_us;
	uv_update_time(sh->loop);
	/* libuv's timers run on whole milliseconds: round up, so the
	 * redraw never comes before the moment */
	uv_timer_start(&sh->at, on_tick,
		       local_us > now ? (local_us - now + 999) / 1000 : 0, 0);
}

void shell_retry(struct shell *sh, unsigned ms)
{
	uv_timer_start(&sh->retry, on_retry, ms, 0);
}

/* The skeleton of a terminal client, shared by quiz and quiz practice:
 * the curses screen started and stopped, stdin polled on the libuv loop
 * (keys read until none is left), SIGINT/SIGTERM/SIGHUP quit and SIGWINCH
 * resizes, a redraw tick while something counts down and a one-shot
 * retry timer. The application keeps its own logic behind shell_ops. */
#ifndef QUIZ_SHELL_H
#define QUIZ_SHELL_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#include <uv.h>

/* What the application does; app is shell_start's. */
struct shell_ops {
	/* one key (ui_getkey's rc and key): MODEL_* flags */
	int (*key)(void *app, int rc, wint_t k, uint64_t now);
	/* acts on flags (send, redraw; MODEL_QUIT calls shell_quit) */
	void (*after)(void *app, int flags);
	/* the tick: every SHELL_TICK_MS while shell_tick(sh, true) */
	void (*tick)(void *app);
	/* the retry timer started by shell_retry has fired */
	void (*retry)(void *app);
	/* act on each key in order (flags beyond MODEL_REDRAW handed to
	 * after at once: a queued "n" then "1"); else the flags of all keys
	 * read are handed over together */
	bool each_key;
};

#define SHELL_TICK_MS 100 /* the redraw tick */

struct shell {
	const struct shell_ops *ops;
	void *app;
	uv_loop_t *loop;
	uv_timer_t tick, retry;
	uv_timer_t at;	/* shell_redraw_at */
	uint64_t at_us; /* its moment, 0 none */
	uv_poll_t in;
	uv_signal_t sig[4];
	bool ticking, quitting;
	int stdin_flags;
	unsigned idle_reads;
};

/* Starts the loop (loop: the caller's, not yet initialised), the screen,
 * the stdin poll and the signals. Returns 0, or 1 after saying why on
 * stderr (nothing to close). */
int shell_start(struct shell *sh, uv_loop_t *loop, const struct shell_ops *ops,
		void *app);

/* Runs the loop until shell_quit has closed every handle, then stops the
 * screen and closes the loop. */
void shell_run(struct shell *sh);

/* Closes the shell's handles (once); the loop ends when the application
 * has closed its own. */
void shell_quit(struct shell *sh);

/* Starts or stops the tick. */
void shell_tick(struct shell *sh, bool need);

/* Calls ops->tick (a redraw) once at local_us (qconn_now_us's clock), to
 * the millisecond: a question must appear at its reveal_at, not at the
 * next tick (up to SHELL_TICK_MS later). The same moment again is a
 * no-op; another moves it. */
void shell_redraw_at(struct shell *sh, uint64_t local_us);

/* Calls ops->retry after ms (once; again moves it). */
void shell_retry(struct shell *sh, unsigned ms);

#endif

/* One request and its reply, without curses: connects, sends the request
 * after Welcome, hands every later message to a callback until it says
 * done, and stops on an Error, a closed connection or a timeout (a line
 * on stderr each). For command-line modes that print and exit, such as
 * `quiz host --list-categories` and `quiz practice --stats`. */
#ifndef QUIZ_ONESHOT_H
#define QUIZ_ONESHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "qconn.h"
#include "quiz.pb-c.h"

struct oneshot;

/* The reply callback: 1 when the reply is complete (the connection is
 * closed and oneshot_run returns 0), 0 to wait for more, -1 on a reply
 * it refuses (oneshot_run returns 1). env is NULL when a oneshot_later
 * delay has passed. */
typedef int (*oneshot_reply_fn)(struct oneshot *o,
				const Quiz__V1__Envelope *env, void *arg);

/* What to ask and what to say. */
struct oneshot_spec {
	const char *server; /* as typed, for messages */
	/* sent after Welcome; NULL: on_reply gets the Welcome and sends */
	Quiz__V1__Envelope *req;
	oneshot_reply_fn on_reply;
	void *arg;
	bool own_errors; /* on_reply gets Errors too (else one is printed
			    as "quiz: SERVER: why" and the run fails) */
	unsigned wait_ms;
	/* the connection ended before the reply: says so, given the server
	 * and why; NULL: "quiz: cannot reach SERVER (why)" */
	void (*say_closed)(const char *server, const char *why);
	/* no reply within wait_ms: the whole line; NULL: "quiz: no answer
	 * from SERVER in time" */
	const char *late_line;
};

/* Runs spec against the server at addr. Returns 0 on success, 1 on
 * failure. */
int oneshot_run(const struct sockaddr *addr, const struct oneshot_spec *spec);

/* The connection of a run (for on_reply to send on). */
struct qconn *oneshot_conn(struct oneshot *o);

/* Calls on_reply with env NULL after ms (once; a second call moves it). */
void oneshot_later(struct oneshot *o, unsigned ms);

#endif

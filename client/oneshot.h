/* One request and its reply, without curses: connects, sends the request
 * after Welcome, hands every later message to a callback until it says
 * done, and stops on an Error, a closed connection or a timeout (a line
 * on stderr each). For command-line modes that print and exit, such as
 * `quiz host --list-categories`. */
#ifndef QUIZ_ONESHOT_H
#define QUIZ_ONESHOT_H

#include <sys/socket.h>

#include "quiz.pb-c.h"

/* The reply callback: 1 when the reply is complete (the connection is
 * closed and oneshot_run returns 0), 0 to wait for more, -1 on a reply
 * it refuses (oneshot_run returns 1). */
typedef int (*oneshot_reply_fn)(const Quiz__V1__Envelope *env, void *arg);

/* Runs req against the server at addr (server: as typed, for messages)
 * for at most wait_ms. Returns 0 on success, 1 on failure. */
int oneshot_run(const struct sockaddr *addr, const char *server,
		Quiz__V1__Envelope *req, oneshot_reply_fn on_reply, void *arg,
		unsigned wait_ms);

#endif

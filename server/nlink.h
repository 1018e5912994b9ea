/* The NATS link of a quizd node (docs/CLUSTER.md): one connection to the
 * NATS server, kept up by libnats (reconnecting forever), whose messages
 * and state changes are handed to the libuv loop. libnats delivers on its
 * own threads; nlink queues what they deliver and wakes the loop
 * (uv_async), so every callback below runs on the loop thread. */
#ifndef QUIZ_NLINK_H
#define QUIZ_NLINK_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct nlink;

/* A message on a subscribed subject. */
typedef void (*nlink_msg_fn)(const uint8_t *data, size_t len, void *arg);
/* The link came up (up = 1: connected or reconnected) or went down. */
typedef void (*nlink_state_fn)(int up, void *arg);

/* Connects to url (nats://HOST:PORT) as name; retries in the background if
 * the server is not there yet (state_fn reports when it comes up). NULL
 * and a sentence in err if the options are refused. */
struct nlink *nlink_open(uv_loop_t *loop, const char *url, const char *name,
			 nlink_state_fn state_fn, void *arg, char *err,
			 size_t errcap);
/* Subscribes to subject; fn gets each message on the loop. 0 or -1. */
int nlink_subscribe(struct nlink *l, const char *subject, nlink_msg_fn fn,
		    void *arg);
/* Publishes (buffered by libnats while reconnecting). 0 or -1. */
int nlink_publish(struct nlink *l, const char *subject, const void *data,
		  size_t len);
/* Whether the link is up now. */
int nlink_up(const struct nlink *l);
/* Closes the connection and the loop handle; the loop must run once more
 * for the handle to close (it frees itself then). */
void nlink_close(struct nlink *l);

#endif

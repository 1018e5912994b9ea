/* Blocking-socket helpers shared by the integration test tools (quiz-hostile,
 * quiz-storage-watch, quiz-conform, quiz-guard, quiz-stall): dial
 * 127.0.0.1, send whole buffers and envelopes, say Hello, and read the next
 * envelope with a timeout through a frame reassembly buffer.
 *
 * Every function returns 0 (or a value it names) or a negative errno. */
#ifndef QUIZ_TCLIENT_H
#define QUIZ_TCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define TC_BUF (1 << 17) /* reassembly buffer: holds any whole frame */

/* Bytes read from one connection and not yet taken as envelopes. Zero it
 * (or set len to 0) before the first tc_next() on a new connection. */
struct tc_reader {
	uint8_t buf[TC_BUF];
	size_t len;
};

/* Checks that failed so far (tc_check). */
extern int tc_failures;

/* Prints one check as "ok - ..." or "FAIL - ..." and counts a failure. */
void tc_check(bool ok, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints "FAIL - what (giving up)" and exits 1. */
void tc_die(const char *what) __attribute__((noreturn));

/* Milliseconds on a monotonic clock. */
int64_t tc_now_ms(void);

/* Microseconds on the same monotonic clock. */
int64_t tc_now_us(void);

/* A new TCP connection to 127.0.0.1:port, first bound to source address
 * src when src is not NULL (e.g. "127.0.0.2"). Returns the socket, or a
 * negative errno (from socket, bind, connect; -EINVAL for a bad src). */
int tc_dial(int port, const char *src);

/* Sends all n bytes of p (retrying after EINTR, never raising SIGPIPE).
 * Returns 0, or -EPIPE / a negative errno when the connection failed. */
int tc_send_all(int fd, const void *p, size_t n);

/* Packs env into one frame and sends all of it. Returns 0, -ENOMEM when
 * env cannot be packed, or the error of tc_send_all(). */
int tc_send_env(int fd, Quiz__V1__Envelope *env);

/* Fills env (body only, not seq) and h as a Hello of this protocol version
 * from client, with resume token token (NULL: none). The strings are
 * referenced, not copied. */
void tc_hello_env(Quiz__V1__Envelope *env, Quiz__V1__Hello *h,
		  const char *client, const char *token);

/* Sends a Hello with seq 1 from client, without a resume token. Returns 0
 * or the error of tc_send_env(). */
int tc_hello(int fd, const char *client);

/* Takes the next envelope from r, reading fd for at most ms of silence at
 * a time. Returns 0 and sets *out (free it with wire_free), or
 * -ETIMEDOUT after ms without a byte, -ENOTCONN when the peer closed the
 * connection (EOF or a receive error), -EBADMSG on a bad frame header (the
 * bytes stay), -EPROTO for a frame holding no Envelope (it is dropped, so
 * the next call goes on after it). */
int tc_next(int fd, struct tc_reader *r, int ms, Quiz__V1__Envelope **out);

#endif

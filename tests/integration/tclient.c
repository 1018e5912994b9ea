/* Blocking-socket helpers for the integration test tools (see tclient.h). */
#include "tclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"

int tc_failures;

void tc_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		tc_failures++;
}

void tc_die(const char *what)
{
	printf("FAIL - %s (giving up)\n", what);
	exit(1);
}

/* Milliseconds on a monotonic clock. */
int64_t tc_now_ms(void)
{
	return tc_now_us() / 1000;
}

/* Microseconds on a monotonic clock. */
int64_t tc_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Connects to 127.0.0.1:port, from src when given. */
int tc_dial(int port, const char *src)
{
	struct sockaddr_in sa;
	int fd, err;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	if (src) {
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		if (inet_pton(AF_INET, src, &sa.sin_addr) != 1) {
			err = -EINVAL;
			goto fail;
		}
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			err = -errno;
			goto fail;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

/* Sends every byte of p. */
int tc_send_all(int fd, const void *p, size_t n)
{
	const uint8_t *c = p;

	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EPIPE;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Packs and sends one envelope. */
int tc_send_env(int fd, Quiz__V1__Envelope *env)
{
	size_t n;
	uint8_t *b = wire_pack(env, &n);
	int r;

	if (!b)
		return -ENOMEM;
	r = tc_send_all(fd, b, n);
	free(b);
	return r;
}

/* Fills a Hello envelope. */
void tc_hello_env(Quiz__V1__Envelope *env, Quiz__V1__Hello *h,
		  const char *client, const char *token)
{
	h->protocol_version = QUIZ_PROTOCOL_VERSION;
	h->client = (char *)client;
	h->resume_token = (char *)(token ? token : "");
	env->body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env->hello = h;
}

/* Sends a plain Hello with seq 1. */
int tc_hello(int fd, const char *client)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;

	tc_hello_env(&env, &h, client, NULL);
	env.seq = 1;
	return tc_send_env(fd, &env);
}

/* Takes one whole frame from r, or reads more within ms. */
int tc_next(int fd, struct tc_reader *r, int ms, Quiz__V1__Envelope **out)
{
	*out = NULL;
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		const uint8_t *payload;
		size_t plen;
		int64_t n = frame_parse(r->buf, r->len, &payload, &plen);
		ssize_t got;

		if (n < 0)
			return -EBADMSG;
		if (n > 0) {
			*out = wire_unpack(payload, plen);
			memmove(r->buf, r->buf + n, r->len - (size_t)n);
			r->len -= (size_t)n;
			return *out ? 0 : -EPROTO;
		}
		if (poll(&pfd, 1, ms) <= 0)
			return -ETIMEDOUT;
		got = recv(fd, r->buf + r->len, sizeof(r->buf) - r->len, 0);
		if (got <= 0)
			return -ENOTCONN;
		r->len += (size_t)got;
	}
}

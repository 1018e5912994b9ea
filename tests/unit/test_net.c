/* net.c on a real loop and loopback sockets: the output cap. A peer that
 * stops reading is dropped once its queued output passes max_out_bytes
 * (conn_send says -ENOBUFS), and nobody else is affected. The integration
 * tests close flooders earlier (rate strikes), so this path is run here. */
#include <criterion/criterion.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "net.h"

static struct conn *opened;
static int closed;

/* Runs the loop's ready callbacks, then sleeps a millisecond. */
static void turn(uv_loop_t *loop)
{
	struct timespec ms = {0, 1000000};

	uv_run(loop, UV_RUN_NOWAIT);
	nanosleep(&ms, NULL);
}

static void t_open(struct conn *c, void *arg)
{
	(void)arg;
	opened = c;
}

static void t_frame(struct conn *c, const uint8_t *p, size_t len, int64_t at,
		    void *arg)
{
	(void)c, (void)p, (void)len, (void)at, (void)arg;
}

static void t_bad(struct conn *c, void *arg)
{
	(void)c, (void)arg;
}

static struct wbuf *t_notice(enum net_notice what, void *arg)
{
	(void)what, (void)arg;
	return NULL;
}

static void t_close(struct conn *c, void *arg)
{
	(void)c, (void)arg;
	closed++;
}

/* A client socket that never reads, with a small receive buffer. */
static int dial_noread(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), small = 4096;

	cr_assert(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0,
		     "connect: %s", strerror(errno));
	return fd;
}

/* A net on loop listening on loopback, with one client socket that never
 * reads (returned in *fd) accepted: opened is set. max_out_bytes is the
 * output cap under test. */
static struct net *net_with_peer(uv_loop_t *loop, size_t max_out_bytes, int *fd)
{
	const struct net_limits lim = {
	    .max_conns = 10,
	    .max_conns_per_addr = 10,
	    .max_out_bytes = max_out_bytes,
	    .max_in_bytes = 1 << 20,
	    .frame_timeout_ms = 10000,
	    .conn_rate_per_addr = 0,
	};
	static const struct net_callbacks cb = {t_open, t_frame, t_bad,
						t_notice, t_close};
	struct net *n;
	int port = 0, i;

	opened = NULL;
	closed = 0;
	cr_assert_eq(uv_loop_init(loop), 0);
	n = net_new(loop, &lim, &cb, NULL);
	cr_assert_eq(net_listen(n, "127.0.0.1", 0, &port), 0);
	*fd = dial_noread(port);
	for (i = 0; i < 200 && !opened; i++)
		turn(loop);
	cr_assert_not_null(opened, "the connection was not accepted");
	return n;
}

/* Closes the peer and the net, and runs the loop dry. */
static void net_done(uv_loop_t *loop, struct net *n, int fd)
{
	close(fd);
	net_close(n);
	uv_run(loop, UV_RUN_DEFAULT);
	cr_expect_eq(uv_loop_close(loop), 0);
}

Test(net, slow_reader_dropped_at_output_cap)
{
	uv_loop_t loop;
	struct net *n;
	struct wbuf *b;
	int fd, i, r = 0;

	n = net_with_peer(&loop, 64 * 1024, &fd);

	b = wbuf_new(16 * 1024);
	memset(b->data, 'x', b->len);
	/* the kernel's buffers take the first megabytes; then the queue
	 * grows past the cap and the peer is dropped */
	for (i = 0; i < 4096 && r == 0; i++)
		r = conn_send(opened, b);
	wbuf_unref(b);
	cr_expect_eq(r, -ENOBUFS, "conn_send returned %d after %d frames", r,
		     i);
	for (i = 0; i < 200 && !closed; i++)
		turn(&loop);
	cr_expect_eq(closed, 1, "the slow peer was not closed");
	net_done(&loop, n, fd);
}

/* conn_sendv: frames given together arrive whole and in order, also when
 * the kernel takes only part of them (a small receive buffer read
 * slowly) and the rest waits in the write queue. */
Test(net, sendv_keeps_order_through_partial_writes)
{
	enum { ROUNDS = 200 };
	static const size_t len[3] = {5000, 7001, 3};
	size_t total = ROUNDS * (len[0] + len[1] + len[2]), got = 0, k;
	uint8_t *in = malloc(total);
	uv_loop_t loop;
	struct net *n;
	int fd, i, j;

	cr_assert_not_null(in);
	n = net_with_peer(&loop, 64 << 20, &fd);
	for (i = 0; i < ROUNDS; i++) {
		struct wbuf *b[3];

		for (j = 0; j < 3; j++) {
			b[j] = wbuf_new(len[j]);
			memset(b[j]->data, 'a' + (i * 3 + j) % 26, len[j]);
		}
		cr_assert_eq(conn_sendv(opened, b, 3), 0, "round %d", i);
		for (j = 0; j < 3; j++)
			wbuf_unref(b[j]);
	}
	cr_expect_eq(conn_sendv(opened, NULL, 0), -EINVAL);
	for (i = 0; i < 20000 && got < total; i++) {
		ssize_t r = recv(fd, in + got, total - got, MSG_DONTWAIT);

		if (r > 0)
			got += (size_t)r;
		turn(&loop);
	}
	cr_assert_eq(got, total, "read %zu of %zu bytes", got, total);
	for (i = 0, k = 0; i < ROUNDS; i++)
		for (j = 0; j < 3; j++)
			for (size_t m = 0; m < len[j]; m++, k++)
				if (in[k] != 'a' + (i * 3 + j) % 26)
					cr_assert_fail("byte %zu: round %d "
						       "frame %d out of order",
						       k, i, j);
	cr_expect_eq(closed, 0);
	free(in);
	net_done(&loop, n, fd);
}

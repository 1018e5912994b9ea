/* A hostile client for the integration test: connects to quizd, misbehaves
 * in one way, and checks that the server answers with the expected Error
 * code and closes the connection.
 *
 *   quiz-hostile PORT garbage|oversize|zero|nohello|badversion|noread
 *   quiz-hostile PORT idle|partial|nopong|bigprehello|pingflood|escclient
 *   quiz-hostile PORT peruser N | memhold N SIZE SECS | pingstorm SECS
 *
 * noread: says Hello, then floods requests without ever reading the
 * replies; the server must drop it (at the output cap, or for flooding).
 * idle: sends nothing (TIMEOUT and close expected); partial: Hello, then 3
 * bytes of a header (TIMEOUT); nopong: Hello, reads but never answers a
 * Ping (TIMEOUT); bigprehello: a 2 KiB frame before Hello (BAD_FRAME);
 * pingflood: Hello, then Pings as fast as it can (RATE_LIMITED and close);
 * escclient: a Hello whose client name holds escape sequences (Welcome).
 * peruser N: N connections at once, each says Hello; prints how many got
 * Welcome, SERVER_FULL, or a bare close.
 * memhold N SIZE SECS: N connections each say Hello, then send all but the
 * last byte of a SIZE-byte frame; prints "ready", holds them SECS seconds,
 * then prints how many were ended by the server and with which Error.
 * pingstorm SECS: pingflood again and again on new connections for SECS.
 * abandon: creates a room and leaves; prints the room code (the server must
 * forget the room once nobody has been connected for --room-linger-s).
 * badtitle: asks for rooms titled with escape sequences, BEL, CR and
 * invisible format characters; each must get BAD_MESSAGE, and a plain
 * title must still create a room.
 *
 * Exit 0 when the server reacted as the protocol says, 1 otherwise. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "frame.h"
#include "tclient.h"

/* The next envelope from the server, or NULL at EOF (then *closed is set),
 * after 8 s of silence, or on a bad frame. One connection per process, so
 * the buffer can be static. Free the result with wire_free(). */
static Quiz__V1__Envelope *next_env(int fd, int *closed)
{
	static struct tc_reader rd;
	Quiz__V1__Envelope *env;
	int r;

	while ((r = tc_next(fd, &rd, 8000, &env)) == -EPROTO)
		;
	*closed = r == -ENOTCONN;
	return r == 0 ? env : NULL;
}

static char last_msg[256]; /* message of the last Error read */

/* Reads until EOF (or 8 s of silence). Returns the Error code seen (0 if none)
 * and sets *closed when the server closed the connection. */
static int read_reply(int fd, int *closed)
{
	Quiz__V1__Envelope *env;
	int code = 0;

	while ((env = next_env(fd, closed))) {
		if (env->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR) {
			code = env->error->code;
			snprintf(last_msg, sizeof(last_msg), "%s",
				 env->error->message);
		}
		wire_free(env);
	}
	return code;
}

/* The first envelope on fd (its own buffer, so many connections can be
 * read in turn): its Error code, 0 for anything else, -1 when the server
 * closed without a word, -2 after ms of silence. */
static int first_reply(int fd, int ms)
{
	static struct tc_reader rd;
	Quiz__V1__Envelope *env;
	int r, code = 0;

	rd.len = 0;
	r = tc_next(fd, &rd, ms, &env);
	if (r == -ETIMEDOUT)
		return -2;
	if (r < 0 && r != -EPROTO)
		return -1;
	if (env && env->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR)
		code = env->error->code;
	wire_free(env);
	return code;
}

/* Sends all of p, waiting at most 1 s at a time for the socket to take
 * more: 0, -1 when the connection failed, -2 when the server stopped
 * reading without closing (a blocking send would hang for ever). */
static int send_bounded(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		struct pollfd pfd = {.fd = fd, .events = POLLOUT};
		ssize_t w;

		if (poll(&pfd, 1, 1000) <= 0)
			return -2;
		w = send(fd, c, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Floods Pings without reading; returns 0 once the server has closed the
 * connection (the send fails), 1 if it still accepts bytes after 20 s or
 * stops reading them without closing. */
static int flood_noread(int fd)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ping p = QUIZ__V1__PING__INIT;
	static uint8_t batch[1000 * 16];
	size_t n, one, off = 0;
	uint8_t *b;
	time_t start = time(NULL);
	int i, small = 4096;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (tc_hello(fd, "hostile-noread") < 0)
		return 1;
	env.seq = 1;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PING;
	env.ping = &p;
	p.t0 = 1;
	b = wire_pack(&env, &one);
	for (i = 0; i < 1000 && off + one <= sizeof(batch); i++, off += one)
		memcpy(batch + off, b, one);
	free(b);
	n = off;
	while (time(NULL) - start < 20) {
		int r = send_bounded(fd, batch, n);

		if (r == -1) {
			printf("hostile noread: dropped by the server after "
			       "%ld s (%s)\n",
			       (long)(time(NULL) - start), strerror(errno));
			return 0;
		}
		if (r == -2 && time(NULL) - start >= 20)
			break;
	}
	printf("hostile noread: NOT dropped\n");
	return 1;
}

/* Says Hello, creates a room, prints its code once RoomCreated arrives. */
static int create_and_leave(int fd)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__Envelope *e;
	int closed;

	if (tc_hello(fd, "hostile-abandon") < 0)
		return 1;
	env.seq = 2;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	if (tc_send_env(fd, &env) < 0)
		return 1;
	while ((e = next_env(fd, &closed))) {
		int done =
		    e->body_case == QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED;

		if (done)
			printf("%s\n", e->room_created->code);
		wire_free(e);
		if (done)
			return 0;
	}
	return 1;
}

/* The wire code of the next Error, or 0 for RoomCreated, skipping other
 * pushes; -1 when the connection ends or stays silent. */
static int next_create_reply(int fd)
{
	Quiz__V1__Envelope *e;
	int closed;

	while ((e = next_env(fd, &closed))) {
		int r = -2;

		if (e->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR)
			r = (int)e->error->code;
		else if (e->body_case == QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED)
			r = 0;
		wire_free(e);
		if (r != -2)
			return r;
	}
	return -1;
}

/* Issue 7, finding 8: room titles that would write to every player's
 * terminal are refused; returns 0 when each got BAD_MESSAGE and a plain
 * title still made a room. */
static int bad_titles(int fd)
{
	static const char *const bad[] = {
	    "\x1b]0;pwned\x07",	  /* OSC 0: window title */
	    "\x1b]52;c;SGk=\x07", /* OSC 52: clipboard */
	    "red\x1b[31m",	  /* CSI SGR */
	    "bell\x07",
	    "over\rwrite",
	    "\xc2\x9b"
	    "31m", /* C1 CSI */
	    "\xe2\x80\xae"
	    "eltit",		 /* right-to-left override */
	    "title\xe2\x80\x8b", /* zero-width space */
	    " padded",
	};
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings st = QUIZ__V1__ROOM_SETTINGS__INIT;
	size_t i;
	int r;

	if (tc_hello(fd, "hostile-badtitle") < 0)
		return 1;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	cr.settings = &st;
	for (i = 0; i <= sizeof(bad) / sizeof(bad[0]); i++) {
		int last = i == sizeof(bad) / sizeof(bad[0]);

		st.title = (char *)(last ? "Branch 3 \xe7\xac\xac\xe4\xb8\x89"
					 : bad[i]);
		env.seq = (uint32_t)(2 + i);
		if (tc_send_env(fd, &env) < 0)
			return 1;
		r = next_create_reply(fd);
		if (last ? r != 0 : r != quiz_wire_code(QE_BAD_MESSAGE)) {
			printf("hostile badtitle: title %zu got %s\n", i,
			       r == 0  ? "a room"
			       : r < 0 ? "no reply"
				       : quiz_error_name(r));
			return 1;
		}
	}
	printf("hostile badtitle: %zu titles refused, a plain one accepted\n",
	       sizeof(bad) / sizeof(bad[0]));
	return 0;
}

/* Lets this process hold as many sockets as its hard limit allows. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* peruser N: N connections at once, each says Hello; counts the answers.
 * Returns 0 when every connection got an answer (none a bare close). */
static int many_conns(int port, int n)
{
	int *fds = calloc((size_t)n, sizeof(int));
	int i, welcome = 0, full = 0, bare = 0, other = 0, failed = 0;

	if (!fds)
		return 1;
	for (i = 0; i < n; i++) {
		fds[i] = tc_dial(port, NULL);
		if (fds[i] < 0 || tc_hello(fds[i], "hostile-peruser") < 0)
			failed++;
	}
	for (i = 0; i < n; i++) {
		int r = fds[i] < 0 ? -3 : first_reply(fds[i], 3000);

		if (r == 0)
			welcome++;
		else if (r == quiz_wire_code(QE_SERVER_FULL))
			full++;
		else if (r == -1)
			bare++;
		else if (r != -3)
			other++;
	}
	/* closed only now: a slot freed early would let a peer still in the
	 * listen backlog in */
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	printf("hostile peruser %d: welcome=%d full=%d bare=%d other=%d "
	       "failed=%d\n",
	       n, welcome, full, bare, other, failed);
	return bare || other || failed ? 1 : 0;
}

/* connrate N: N connections one after another, as fast as the server
 * answers, each says Hello and closes on the reply: a client reconnecting
 * in a loop. Counts Welcomes and RATE_LIMITED refusals; returns 0 unless
 * a connection got something else or nothing. */
static int conn_rate(int port, int n)
{
	int i, welcome = 0, limited = 0, other = 0;

	for (i = 0; i < n; i++) {
		int fd = tc_dial(port, NULL), r;

		if (fd < 0 || tc_hello(fd, "hostile-connrate") < 0) {
			other++;
			if (fd >= 0)
				close(fd);
			continue;
		}
		r = first_reply(fd, 3000);
		if (r == 0)
			welcome++;
		else if (r == quiz_wire_code(QE_RATE_LIMITED))
			limited++;
		else
			other++;
		close(fd);
	}
	printf("hostile connrate %d: welcome=%d ratelimited=%d other=%d\n", n,
	       welcome, limited, other);
	return other ? 1 : 0;
}

/* Reads fd until the server closes it or ms of silence: the last Error
 * code seen (0 if none); *closed set when the server closed. */
static int last_error(int fd, int ms, int *closed)
{
	static struct tc_reader rd;
	Quiz__V1__Envelope *env;
	int r, code = 0;

	rd.len = 0;
	*closed = 0;
	while ((r = tc_next(fd, &rd, ms, &env)) == 0 || r == -EPROTO) {
		if (env && env->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR)
			code = env->error->code;
		wire_free(env);
	}
	*closed = r == -ENOTCONN;
	return code;
}

/* memhold N SIZE SECS: N peers each hold a frame one byte short. */
static int mem_hold(int port, int n, size_t size, int secs)
{
	int *fds = calloc((size_t)n, sizeof(int));
	uint8_t *frame = calloc(1, size + 4);
	int i, full = 0, timeout = 0, open_ = 0, other = 0;

	if (!fds || !frame)
		return 1;
	frame[0] = (uint8_t)(size >> 24);
	frame[1] = (uint8_t)(size >> 16);
	frame[2] = (uint8_t)(size >> 8);
	frame[3] = (uint8_t)size;
	for (i = 0; i < n; i++) {
		fds[i] = tc_dial(port, NULL);
		if (fds[i] < 0)
			continue;
		/* a refused peer's send fails: its answer is read below */
		if (tc_hello(fds[i], "hostile-memhold") == 0)
			(void)send_bounded(fds[i], frame, size + 4 - 1);
	}
	printf("ready\n");
	fflush(stdout);
	sleep((unsigned)secs);
	for (i = 0; i < n; i++) {
		int code = 0, closed = 0;

		if (fds[i] < 0)
			continue;
		/* Welcome and Pings come first; an Error ends the peer */
		code = last_error(fds[i], 100, &closed);
		if (code == quiz_wire_code(QE_SERVER_FULL))
			full++;
		else if (code == quiz_wire_code(QE_TIMEOUT))
			timeout++;
		else if (!closed)
			open_++;
		else
			other++;
		close(fds[i]);
	}
	printf("hostile memhold %d x %zu: held=%d full=%d timeout=%d "
	       "other=%d\n",
	       n, size, open_, full, timeout, other);
	free(fds);
	free(frame);
	return 0;
}

/* Pings as fast as possible while draining replies; returns 0 once the
 * server closes the connection with RATE_LIMITED after at most 50 such
 * refusals (it stops a flooder early, not when its output queue fills), 1
 * otherwise or if not closed within 10 s. *sent counts the Pings written. */
static int ping_flood(int fd, long *sent)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ping p = QUIZ__V1__PING__INIT;
	static uint8_t rx[1 << 16], batch[100 * 16];
	size_t one, off = 0, rl = 0;
	uint8_t *b;
	long long start = tc_now_ms();
	int code = 0, i, refused = 0;

	if (tc_hello(fd, "hostile-pingflood") < 0)
		return 1;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PING;
	env.ping = &p;
	p.t0 = 1;
	env.seq = 2;
	b = wire_pack(&env, &one);
	for (i = 0; i < 100 && off + one <= sizeof(batch); i++, off += one)
		memcpy(batch + off, b, one);
	free(b);
	while (tc_now_ms() - start < 10000) {
		ssize_t r;

		if (send(fd, batch, off, MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
			*sent += (long)(off / one);
		r = recv(fd, rx + rl, sizeof(rx) - rl, MSG_DONTWAIT);
		if (r == 0 ||
		    (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			break;
		if (r > 0)
			rl += (size_t)r;
		for (;;) {
			const uint8_t *payload;
			size_t plen;
			int64_t n = frame_parse(rx, rl, &payload, &plen);
			Quiz__V1__Envelope *e;

			if (n <= 0)
				break;
			e = wire_unpack(payload, plen);
			if (e &&
			    e->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR) {
				code = e->error->code;
				refused++;
			}
			wire_free(e);
			memmove(rx, rx + n, rl - (size_t)n);
			rl -= (size_t)n;
		}
		if (rl == sizeof(rx))
			rl = 0;
	}
	if (refused > 50)
		printf("hostile pingflood: %d refusals before the close\n",
		       refused);
	return tc_now_ms() - start < 10000 && refused <= 50 &&
		       code == quiz_wire_code(QE_RATE_LIMITED)
		   ? 0
		   : 1;
}

int main(int argc, char **argv)
{
	const char *mode;
	int fd, want, got, closed;

	if (argc < 3) {
		fprintf(stderr,
			"usage: quiz-hostile PORT "
			"garbage|oversize|zero|nohello|badversion|noread|"
			"abandon|idle|partial|nopong|bigprehello|pingflood|"
			"escclient|badtitle\n"
			"       quiz-hostile PORT peruser N | memhold N SIZE "
			"SECS | pingstorm SECS | connrate N\n");
		return 2;
	}
	mode = argv[2];
	raise_fd_limit();
	if (strcmp(mode, "peruser") == 0 && argc == 4)
		return many_conns(atoi(argv[1]), atoi(argv[3]));
	if (strcmp(mode, "connrate") == 0 && argc == 4)
		return conn_rate(atoi(argv[1]), atoi(argv[3]));
	if (strcmp(mode, "memhold") == 0 && argc == 6)
		return mem_hold(atoi(argv[1]), atoi(argv[3]),
				(size_t)atol(argv[4]), atoi(argv[5]));
	if (strcmp(mode, "pingstorm") == 0 && argc == 4) {
		long long end = tc_now_ms() + atoi(argv[3]) * 1000LL;
		long sent = 0, conns = 0, shut = 0;

		while (tc_now_ms() < end) {
			fd = tc_dial(atoi(argv[1]), NULL);
			if (fd < 0)
				continue;
			conns++;
			if (ping_flood(fd, &sent) == 0)
				shut++;
			close(fd);
		}
		printf("hostile pingstorm: %ld connections, %ld closed for "
		       "flooding, %ld pings sent\n",
		       conns, shut, sent);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "quiz-hostile: bad arguments for %s\n", mode);
		return 2;
	}
	fd = tc_dial(atoi(argv[1]), NULL);
	if (fd < 0) {
		errno = -fd;
		perror("connect");
		return 1;
	}
	if (strcmp(mode, "abandon") == 0) {
		int r = create_and_leave(fd);

		close(fd);
		return r;
	}
	if (strcmp(mode, "badtitle") == 0) {
		int r = bad_titles(fd);

		close(fd);
		return r;
	}
	if (strcmp(mode, "noread") == 0) {
		int r = flood_noread(fd);

		close(fd);
		return r;
	}
	if (strcmp(mode, "pingflood") == 0) {
		long sent = 0;
		long long t0 = tc_now_ms();
		int r = ping_flood(fd, &sent);

		close(fd);
		printf("hostile pingflood: %s after %lld ms (%ld pings)\n",
		       r == 0 ? "closed (RATE_LIMITED)" : "NOT closed",
		       tc_now_ms() - t0, sent);
		return r;
	}
	if (strcmp(mode, "garbage") == 0) {
		/* a plausible length, then bytes that are no Envelope */
		static const uint8_t g[] = {0,	  0,	0,    8,    0xff, 0xff,
					    0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
		want = QE_BAD_MESSAGE;
		tc_send_all(fd, g, sizeof(g));
	} else if (strcmp(mode, "oversize") == 0) {
		static const uint8_t g[] = {0x7f, 0xff, 0xff, 0xff, 1, 2, 3};
		want = QE_BAD_FRAME;
		tc_send_all(fd, g, sizeof(g));
	} else if (strcmp(mode, "zero") == 0) {
		static const uint8_t g[] = {0, 0, 0, 0};
		want = QE_BAD_FRAME;
		tc_send_all(fd, g, sizeof(g));
	} else if (strcmp(mode, "nohello") == 0) {
		Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;

		j.code = "000000";
		j.nickname = "intruder";
		env.seq = 1;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
		env.join_room = &j;
		want = QE_BAD_MESSAGE;
		tc_send_env(fd, &env);
	} else if (strcmp(mode, "idle") == 0) {
		want = QE_TIMEOUT;
	} else if (strcmp(mode, "partial") == 0) {
		static const uint8_t g[] = {0, 0, 1};
		want = QE_TIMEOUT;
		tc_hello(fd, "hostile-partial");
		tc_send_all(fd, g, sizeof(g));
	} else if (strcmp(mode, "nopong") == 0) {
		want = QE_TIMEOUT;
		tc_hello(fd, "hostile-nopong");
	} else if (strcmp(mode, "bigprehello") == 0) {
		static uint8_t g[4 + 2048] = {0, 0, 8, 0};
		want = QE_BAD_FRAME;
		tc_send_all(fd, g, sizeof(g));
	} else if (strcmp(mode, "escclient") == 0) {
		Quiz__V1__Envelope *e;
		int ok = 0;

		tc_hello(fd, "evil\x1b]0;pwned\x07\x1b[2J\r\n\x9b"
			     "31m");
		e = next_env(fd, &closed);
		ok = e && e->body_case == QUIZ__V1__ENVELOPE__BODY_WELCOME;
		wire_free(e);
		close(fd);
		printf("hostile escclient: %s\n",
		       ok ? "welcomed" : "NOT welcomed");
		return ok ? 0 : 1;
	} else if (strcmp(mode, "badversion") == 0) {
		Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;

		tc_hello_env(&env, &h, "hostile", NULL);
		h.protocol_version = 99;
		env.seq = 1;
		want = QE_UNSUPPORTED_VERSION;
		tc_send_env(fd, &env);
	} else {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}
	{
		long long t0 = tc_now_ms();

		got = read_reply(fd, &closed);
		close(fd);
		printf("hostile %s: error %s (%s), %s after %lld ms\n", mode,
		       got ? quiz_error_name(got) : "none", last_msg,
		       closed ? "closed" : "NOT closed", tc_now_ms() - t0);
	}
	return got == quiz_wire_code(want) && closed ? 0 : 1;
}

/* A hostile client for the integration test: connects to quizd, misbehaves
 * in one way, and checks that the server answers with the expected Error
 * code and closes the connection.
 *
 *   quiz-hostile PORT garbage|oversize|zero|nohello|badversion|noread
 *
 * noread: says Hello, then floods requests without ever reading the
 * replies; the server must drop it once its queued output passes the cap.
 * abandon: creates a room and leaves; prints the room code (the server must
 * forget the room once nobody has been connected for --room-linger-s).
 * badtitle: asks for rooms titled with escape sequences, BEL, CR and
 * invisible format characters; each must get BAD_MESSAGE, and a plain
 * title must still create a room.
 *
 * Exit 0 when the server reacted as the protocol says, 1 otherwise. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "frame.h"
#include "wire.h"

static int send_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The next envelope from the server, or NULL at EOF (then *closed is set),
 * after 5 s of silence, or on a bad frame. One connection per process, so
 * the buffer can be static. Free the result with wire_free(). */
static Quiz__V1__Envelope *next_env(int fd, int *closed)
{
	static uint8_t buf[1 << 17];
	static size_t len;

	*closed = 0;
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		const uint8_t *payload;
		size_t plen;
		int64_t n = frame_parse(buf, len, &payload, &plen);
		ssize_t r;

		if (n < 0)
			return NULL;
		if (n > 0) {
			Quiz__V1__Envelope *env = wire_unpack(payload, plen);

			memmove(buf, buf + n, len - (size_t)n);
			len -= (size_t)n;
			if (env)
				return env;
			continue;
		}
		if (poll(&pfd, 1, 5000) <= 0)
			return NULL;
		r = recv(fd, buf + len, sizeof(buf) - len, 0);
		if (r <= 0) {
			*closed = 1;
			return NULL;
		}
		len += (size_t)r;
	}
}

/* Reads until EOF (or 5 s). Returns the Error code seen (0 if none) and
 * sets *closed when the server closed the connection. */
static int read_reply(int fd, int *closed)
{
	Quiz__V1__Envelope *env;
	int code = 0;

	while ((env = next_env(fd, closed))) {
		if (env->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR)
			code = env->error->code;
		wire_free(env);
	}
	return code;
}

static int send_env(int fd, Quiz__V1__Envelope *env)
{
	size_t n;
	uint8_t *b = wire_pack(env, &n);
	int r;

	if (!b)
		return -1;
	r = send_all(fd, b, n);
	free(b);
	return r;
}

/* Floods Pings without reading; returns 0 once the server has closed the
 * connection (the send fails), 1 if it still accepts bytes after 20 s. */
static int flood_noread(int fd)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	Quiz__V1__Ping p = QUIZ__V1__PING__INIT;
	static uint8_t batch[1000 * 16];
	size_t n, one, off = 0;
	uint8_t *b;
	time_t start = time(NULL);
	int i, small = 4096;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	h.protocol_version = QUIZ_PROTOCOL_VERSION;
	h.client = "hostile-noread";
	env.seq = 1;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	if (send_env(fd, &env) < 0)
		return 1;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_PING;
	env.ping = &p;
	p.t0 = 1;
	b = wire_pack(&env, &one);
	for (i = 0; i < 1000 && off + one <= sizeof(batch); i++, off += one)
		memcpy(batch + off, b, one);
	free(b);
	n = off;
	while (time(NULL) - start < 20) {
		if (send_all(fd, batch, n) < 0) {
			printf("hostile noread: dropped by the server after "
			       "%ld s (%s)\n",
			       (long)(time(NULL) - start), strerror(errno));
			return 0;
		}
	}
	printf("hostile noread: NOT dropped\n");
	return 1;
}

/* Says Hello, creates a room, prints its code once RoomCreated arrives. */
static int create_and_leave(int fd)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__Envelope *e;
	int closed;

	h.protocol_version = QUIZ_PROTOCOL_VERSION;
	h.client = "hostile-abandon";
	env.seq = 1;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	if (send_env(fd, &env) < 0)
		return 1;
	env.seq = 2;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	if (send_env(fd, &env) < 0)
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
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings st = QUIZ__V1__ROOM_SETTINGS__INIT;
	size_t i;
	int r;

	h.protocol_version = QUIZ_PROTOCOL_VERSION;
	h.client = "hostile-badtitle";
	env.seq = 1;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	if (send_env(fd, &env) < 0)
		return 1;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &cr;
	cr.settings = &st;
	for (i = 0; i <= sizeof(bad) / sizeof(bad[0]); i++) {
		int last = i == sizeof(bad) / sizeof(bad[0]);

		st.title = (char *)(last ? "Branch 3 \xe7\xac\xac\xe4\xb8\x89"
					 : bad[i]);
		env.seq = (uint32_t)(2 + i);
		if (send_env(fd, &env) < 0)
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

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	const char *mode;
	int fd, want, got, closed;

	if (argc != 3) {
		fprintf(stderr, "usage: quiz-hostile PORT "
				"garbage|oversize|zero|nohello|badversion|"
				"noread|abandon|badtitle\n");
		return 2;
	}
	mode = argv[2];
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
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
	if (strcmp(mode, "garbage") == 0) {
		/* a plausible length, then bytes that are no Envelope */
		static const uint8_t g[] = {0,	  0,	0,    8,    0xff, 0xff,
					    0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
		want = QE_BAD_MESSAGE;
		send_all(fd, g, sizeof(g));
	} else if (strcmp(mode, "oversize") == 0) {
		static const uint8_t g[] = {0x7f, 0xff, 0xff, 0xff, 1, 2, 3};
		want = QE_BAD_FRAME;
		send_all(fd, g, sizeof(g));
	} else if (strcmp(mode, "zero") == 0) {
		static const uint8_t g[] = {0, 0, 0, 0};
		want = QE_BAD_FRAME;
		send_all(fd, g, sizeof(g));
	} else if (strcmp(mode, "nohello") == 0) {
		Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__JoinRoom j = QUIZ__V1__JOIN_ROOM__INIT;

		j.code = "000000";
		j.nickname = "intruder";
		env.seq = 1;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
		env.join_room = &j;
		want = QE_BAD_MESSAGE;
		send_env(fd, &env);
	} else if (strcmp(mode, "badversion") == 0) {
		Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
		Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;

		h.protocol_version = 99;
		h.client = "hostile";
		env.seq = 1;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
		env.hello = &h;
		want = QE_UNSUPPORTED_VERSION;
		send_env(fd, &env);
	} else {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}
	got = read_reply(fd, &closed);
	close(fd);
	printf("hostile %s: error %s, %s\n", mode, quiz_error_name(got),
	       closed ? "closed" : "NOT closed");
	return got == quiz_wire_code(want) && closed ? 0 : 1;
}

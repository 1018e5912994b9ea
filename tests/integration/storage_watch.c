/* A screen for the storage integration test: watches a room and prints, one
 * line each with milliseconds since start, every StateChange (state and
 * pause reason), every Error (by name) and the close.
 *
 *   quiz-storage-watch PORT CODE [SECONDS]
 *   quiz-storage-watch PORT create
 *
 * create: creates a room and prints "<ms> created CODE match ID" when
 * RoomCreated arrives (or "<ms> error NAME"), then exits.
 *
 * Exits 0 when the server closed the connection, 1 on a connect or
 * protocol failure or after SECONDS (default 120) without a close. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "frame.h"
#include "wire.h"

static int64_t start_ms;

/* Monotonic milliseconds. */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Packs and sends one envelope. Returns 0 or -1. */
static int send_env(int fd, Quiz__V1__Envelope *env)
{
	size_t n, off = 0;
	uint8_t *b = wire_pack(env, &n);

	if (!b)
		return -1;
	while (off < n) {
		ssize_t w = send(fd, b + off, n - off, MSG_NOSIGNAL);

		if (w <= 0) {
			free(b);
			return -1;
		}
		off += (size_t)w;
	}
	free(b);
	return 0;
}

/* Prints one envelope if it is of interest. */
static void show(const Quiz__V1__Envelope *env)
{
	long t = (long)(now_ms() - start_ms);

	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE:
		printf("%ld state %d reason %d\n", t,
		       (int)env->state_change->state,
		       (int)env->state_change->reason);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		printf("%ld error %s ref_seq %u\n", t,
		       quiz_error_name((int)env->error->code),
		       env->error->ref_seq);
		break;
	case QUIZ__V1__ENVELOPE__BODY_WATCHING:
		printf("%ld watching\n", t);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED:
		printf("%ld created %s match %llu\n", t,
		       env->room_created->code,
		       (unsigned long long)env->room_created->match_id);
		break;
	default:
		break;
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 17];
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	Quiz__V1__WatchRoom w = QUIZ__V1__WATCH_ROOM__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	bool create;
	struct sockaddr_in sa;
	int64_t limit;
	size_t len = 0;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: quiz-storage-watch PORT CODE [S]\n");
		return 2;
	}
	limit = (argc > 3 ? atoi(argv[3]) : 120) * 1000LL;
	create = strcmp(argv[2], "create") == 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		return 1;
	}
	start_ms = now_ms();
	h.protocol_version = QUIZ_PROTOCOL_VERSION;
	h.client = "storage-watch";
	env.seq = 1;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	if (send_env(fd, &env) < 0)
		return 1;
	w.code = argv[2];
	w.host_token = "";
	env.seq = 2;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &w;
	if (create) {
		env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
		env.create_room = &cr;
	}
	if (send_env(fd, &env) < 0)
		return 1;
	while (now_ms() - start_ms < limit) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		const uint8_t *payload;
		size_t plen;
		int64_t n = frame_parse(buf, len, &payload, &plen);
		ssize_t r;

		if (n < 0)
			return 1;
		if (n > 0) {
			Quiz__V1__Envelope *e = wire_unpack(payload, plen);

			if (e) {
				bool done =
				    create &&
				    (e->body_case ==
					 QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED ||
				     e->body_case ==
					 QUIZ__V1__ENVELOPE__BODY_ERROR);

				show(e);
				wire_free(e);
				if (done)
					return 0;
			}
			memmove(buf, buf + n, len - (size_t)n);
			len -= (size_t)n;
			continue;
		}
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		r = recv(fd, buf + len, sizeof(buf) - len, 0);
		if (r <= 0) {
			printf("%ld closed\n", (long)(now_ms() - start_ms));
			return 0;
		}
		len += (size_t)r;
	}
	printf("%ld timeout\n", (long)(now_ms() - start_ms));
	return 1;
}

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
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "tclient.h"

static int64_t start_ms;

/* Prints one envelope if it is of interest. */
static void show(const Quiz__V1__Envelope *env)
{
	long t = (long)(tc_now_ms() - start_ms);

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
	static struct tc_reader rd;
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__WatchRoom w = QUIZ__V1__WATCH_ROOM__INIT;
	Quiz__V1__CreateRoom cr = QUIZ__V1__CREATE_ROOM__INIT;
	bool create;
	int64_t limit;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: quiz-storage-watch PORT CODE [S]\n");
		return 2;
	}
	limit = (argc > 3 ? atoi(argv[3]) : 120) * 1000LL;
	create = strcmp(argv[2], "create") == 0;
	fd = tc_dial(atoi(argv[1]), NULL);
	if (fd < 0) {
		errno = -fd;
		perror("connect");
		return 1;
	}
	start_ms = tc_now_ms();
	if (tc_hello(fd, "storage-watch") < 0)
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
	if (tc_send_env(fd, &env) < 0)
		return 1;
	while (tc_now_ms() - start_ms < limit) {
		Quiz__V1__Envelope *e;
		int r = tc_next(fd, &rd, 200, &e);
		bool done;

		if (r == -EBADMSG)
			return 1;
		if (r == -ENOTCONN) {
			printf("%ld closed\n", (long)(tc_now_ms() - start_ms));
			return 0;
		}
		if (r < 0)
			continue;
		done = create &&
		       (e->body_case == QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED ||
			e->body_case == QUIZ__V1__ENVELOPE__BODY_ERROR);
		show(e);
		wire_free(e);
		if (done)
			return 0;
	}
	printf("%ld timeout\n", (long)(tc_now_ms() - start_ms));
	return 1;
}

/* A callback run after this loop iteration's reads: armed from a timer, it
 * waits for the poll phase, so bytes already in the socket buffers are read
 * (and dated by their kernel receive time) first, however late a busy loop
 * got to the timer. An idle handle makes that poll return at once. Used by
 * the room timers (a question closes only after the answers that reached
 * the machine in time are read) and by the ping round (a Pong must not land
 * behind an answer still unread). */
#ifndef QUIZ_AFTERIO_H
#define QUIZ_AFTERIO_H

#include <uv.h>

struct afterio {
	uv_idle_t idle;	  /* keeps the poll from blocking while armed */
	uv_check_t check; /* runs fn after the poll's reads */
	void (*fn)(void *arg);
	void *arg;
};

/* Initialises both handles on loop; fn(arg) runs once per afterio_arm. */
void afterio_init(uv_loop_t *loop, struct afterio *a, void (*fn)(void *),
		  void *arg);
/* Runs fn once, after this iteration's reads (again arming is a no-op). */
void afterio_arm(struct afterio *a);
/* Closes both handles; close_cb (may be NULL) is called once for each,
 * with the handle's data set to data. */
void afterio_close(struct afterio *a, uv_close_cb close_cb, void *data);

#endif

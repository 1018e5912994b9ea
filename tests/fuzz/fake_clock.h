/* A fuzzed monotonic clock for the dispatch target: net_now_us() and the
 * libuv loop time (uv_now, the timers) both read it, so advancing it fires
 * the server's and the rooms' timers on the next uv_run. It replaces
 * clock_gettime for the monotonic clocks while it is enabled (the
 * executable's definition interposes the C library's for libuv); the
 * other clocks, and every clock while disabled, are the real ones. */
#ifndef QUIZ_FAKE_CLOCK_H
#define QUIZ_FAKE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Turns the fake on or off (off: the real clocks). */
void fake_clock_enable(bool on);
/* Sets the fake time, in microseconds. */
void fake_clock_set(int64_t us);
/* Moves the fake time forward by d microseconds (d >= 0). */
void fake_clock_advance(int64_t d);
int64_t fake_clock_now(void);

#endif

/* The fuzzed monotonic clock (see fake_clock.h). */
#define _GNU_SOURCE
#include "fake_clock.h"

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int clock_gettime(clockid_t id, struct timespec *ts);

static bool fake_on;
static int64_t fake_now = 1000000000; /* 1000 s: never 0, the "unset" */

void fake_clock_enable(bool on)
{
	fake_on = on;
}

void fake_clock_set(int64_t us)
{
	fake_now = us;
}

void fake_clock_advance(int64_t d)
{
	if (d > 0)
		fake_now += d;
}

int64_t fake_clock_now(void)
{
	return fake_now;
}

/* Interposes the C library's clock_gettime: libuv's loop time comes from
 * CLOCK_MONOTONIC (or its coarse variant). */
int clock_gettime(clockid_t id, struct timespec *ts)
{
	if (fake_on && (id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_COARSE ||
			id == CLOCK_MONOTONIC_RAW || id == CLOCK_BOOTTIME)) {
		ts->tv_sec = (time_t)(fake_now / 1000000);
		ts->tv_nsec = (long)(fake_now % 1000000) * 1000;
		return 0;
	}
	return (int)syscall(SYS_clock_gettime, id, ts);
}

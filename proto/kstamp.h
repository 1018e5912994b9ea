/* Kernel receive timestamps of a TCP socket (SO_TIMESTAMPNS), on the
 * monotonic clock both quizd and its clients keep time in (uv_hrtime).
 * Shared by the server's reads (server/net.c) and the client's
 * (client/qconn.c): an arrival is dated when its bytes reached the host,
 * not when a busy loop got round to reading them. */
#ifndef QUIZ_KSTAMP_H
#define QUIZ_KSTAMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Asks the kernel to timestamp each segment received on fd. 1 when it
 * will, 0 when this system cannot. */
int kstamp_enable(int fd);

/* Peeks at up to len bytes of fd without consuming them (copied into buf,
 * or nothing copied when buf is NULL) and sets *mono_us to the kernel's
 * receive time, on the monotonic clock in microseconds, of the last
 * segment the peek reached (Linux TCP reports the newest timestamp of the
 * buffers it walked); 0 when unknown. Returns the bytes seen, 0 at end of
 * stream, or a negative errno (-EAGAIN: nothing queued). */
ssize_t kstamp_peek(int fd, void *buf, size_t len, int64_t *mono_us);

#endif

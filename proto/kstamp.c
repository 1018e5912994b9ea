/* Kernel receive timestamps: see kstamp.h. */
#include "kstamp.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#if defined(SO_TIMESTAMPNS) && !defined(SCM_TIMESTAMPNS)
#define SCM_TIMESTAMPNS SO_TIMESTAMPNS /* as Linux defines it */
#endif

int kstamp_enable(int fd)
{
#ifdef SO_TIMESTAMPNS
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == 0;
#else
	(void)fd;
	return 0;
#endif
}

static int64_t ts_us(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000 + t->tv_nsec / 1000;
}

ssize_t kstamp_peek(int fd, void *buf, size_t len, int64_t *mono_us)
{
#ifdef SO_TIMESTAMPNS
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg;
	struct cmsghdr *cm;
	struct iovec iov;
	ssize_t n;

	*mono_us = 0;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	/* MSG_TRUNC: TCP walks the bytes (and their timestamps) but copies
	 * nothing */
	do
		n = recvmsg(fd, &msg,
			    MSG_PEEK | MSG_DONTWAIT | (buf ? 0 : MSG_TRUNC));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts, rt, mono;

			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			clock_gettime(CLOCK_REALTIME, &rt);
			clock_gettime(CLOCK_MONOTONIC, &mono);
			/* the same instant on the monotonic clock */
			*mono_us = ts_us(&ts) - ts_us(&rt) + ts_us(&mono);
		}
	}
	return n;
#else
	(void)fd;
	(void)buf;
	(void)len;
	*mono_us = 0;
	return -ENOTSUP;
#endif
}

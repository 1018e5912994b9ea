/* Levelled logging with wall-clock timestamps. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level log_level = LOG_INFO;

int log_parse_level(const char *s)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void log_set_level(enum log_level l)
{
	log_level = l;
}

int log_enabled(enum log_level l)
{
	return l <= log_level;
}

/* Writes one line: time, level, tag, message. */
void log_msg(enum log_level l, const char *tag, const char *fmt, ...)
{
	static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
	char ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;

	if (!log_enabled(l))
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ %-5s [%s] ", ts, now.tv_nsec / 1000000,
		names[l], tag ? tag : "-");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

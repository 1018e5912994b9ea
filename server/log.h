/* Minimal levelled logging to stderr. Every line carries a tag naming the
 * connection ("c42") or room ("r123456") it concerns. */
#ifndef QUIZ_LOG_H
#define QUIZ_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Parses "error", "warn", "info", "debug". Returns the level or -1. */
int log_parse_level(const char *s);
void log_set_level(enum log_level l);
int log_enabled(enum log_level l);
void log_msg(enum log_level l, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(tag, ...) log_msg(LOG_ERROR, tag, __VA_ARGS__)
#define log_warn(tag, ...)  log_msg(LOG_WARN, tag, __VA_ARGS__)
#define log_info(tag, ...)  log_msg(LOG_INFO, tag, __VA_ARGS__)
#define log_debug(tag, ...)                                                    \
	do {                                                                   \
		if (log_enabled(LOG_DEBUG))                                    \
			log_msg(LOG_DEBUG, tag, __VA_ARGS__);                  \
	} while (0)

#endif

/* Error codes shared by every layer. The values equal quiz.v1.ErrorCode on
 * the wire; functions return them negated (-QE_TOO_LATE). */
#ifndef QUIZ_ERRORS_H
#define QUIZ_ERRORS_H

enum quiz_error {
	QE_OK = 0,
	QE_BAD_FRAME = 1,
	QE_BAD_MESSAGE = 2,
	QE_UNSUPPORTED_VERSION = 3,
	QE_ROOM_NOT_FOUND = 4,
	QE_ROOM_FULL = 5,
	QE_NAME_TAKEN = 6,
	QE_WRONG_PIN = 7,
	QE_NOT_HOST = 8,
	QE_BAD_STATE = 9,
	QE_TOO_LATE = 10,
	QE_ALREADY_ANSWERED = 11,
	QE_RATE_LIMITED = 12,
	QE_SERVER_FULL = 13,
	QE_INTERNAL = 14,
};

/* Stable upper-case name of a code ("TOO_LATE"), "UNKNOWN" otherwise. */
const char *quiz_error_name(int code);
/* A short English sentence for people ("no room has that code"). */
const char *quiz_error_text(int code);

#endif

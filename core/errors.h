/* One error space, as libuv has: functions return 0 or a negative code,
 * which is either a negative errno (-ENOMEM, -EIO, ...) or a negated quiz
 * code (-QE_TOO_LATE). Quiz codes sit at QE_BASE and above, so they never
 * collide with errno or libuv values (libuv's own codes are above -4096).
 * The wire code of quiz.v1.ErrorCode is QE_x - QE_BASE; only the protocol
 * edge converts (quiz_wire_code), nothing inside sees wire numbers. */
#ifndef QUIZ_ERRORS_H
#define QUIZ_ERRORS_H

#define QE_BASE 5000

enum quiz_error {
	QE_OK = 0,
	QE_BAD_FRAME = QE_BASE + 1,
	QE_BAD_MESSAGE = QE_BASE + 2,
	QE_UNSUPPORTED_VERSION = QE_BASE + 3,
	QE_ROOM_NOT_FOUND = QE_BASE + 4,
	QE_ROOM_FULL = QE_BASE + 5,
	QE_NAME_TAKEN = QE_BASE + 6,
	QE_WRONG_PIN = QE_BASE + 7,
	QE_NOT_HOST = QE_BASE + 8,
	QE_BAD_STATE = QE_BASE + 9,
	QE_TOO_LATE = QE_BASE + 10,
	QE_ALREADY_ANSWERED = QE_BASE + 11,
	QE_RATE_LIMITED = QE_BASE + 12,
	QE_SERVER_FULL = QE_BASE + 13,
	QE_INTERNAL = QE_BASE + 14,
	QE_STORAGE_UNAVAILABLE = QE_BASE + 15,
	QE_TIMEOUT = QE_BASE + 16,
	QE_SHUTTING_DOWN = QE_BASE + 17,
	QE_NOT_YOUR_TURN = QE_BASE + 18,
	QE_UNSUPPORTED_FORMAT = QE_BASE + 19,
	QE_NOT_JUDGE = QE_BASE + 20,
	QE__END
};

/* Number of wire codes (0 .. QE_WIRE_COUNT - 1). */
#define QE_WIRE_COUNT (QE__END - QE_BASE)

/* The quiz.v1.ErrorCode for an error: a quiz code (negated or not) gives
 * its wire number, anything else (an errno) gives INTERNAL. */
int quiz_wire_code(int err);
/* Stable upper-case name ("TOO_LATE") of a wire code or of a quiz code
 * (negated or not); "UNKNOWN" otherwise. */
const char *quiz_error_name(int code);
/* A short English sentence for people ("no room has that code"), for a wire
 * code or a quiz code (negated or not). */
const char *quiz_error_text(int code);
/* A sentence for any negative error: a quiz code's text, else strerror. */
const char *quiz_strerror(int err);

#endif

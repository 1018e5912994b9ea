/* Names and texts of the error codes, and the one conversion to the wire. */
#include "errors.h"

#include <string.h>

static const char *const names[QE_WIRE_COUNT] = {
    "OK",
    "BAD_FRAME",
    "BAD_MESSAGE",
    "UNSUPPORTED_VERSION",
    "ROOM_NOT_FOUND",
    "ROOM_FULL",
    "NAME_TAKEN",
    "WRONG_PIN",
    "NOT_HOST",
    "BAD_STATE",
    "TOO_LATE",
    "ALREADY_ANSWERED",
    "RATE_LIMITED",
    "SERVER_FULL",
    "INTERNAL",
    "STORAGE_UNAVAILABLE",
    "TIMEOUT",
    "SHUTTING_DOWN",
    "NOT_YOUR_TURN",
    "UNSUPPORTED_FORMAT",
    "NOT_JUDGE",
};

static const char *const texts[QE_WIRE_COUNT] = {
    "ok",
    "frame length must be 1..65536",
    "malformed message or field out of range",
    "protocol version not supported",
    "no room has that code",
    "the room is full",
    "that nickname is taken in this room",
    "wrong host, judge or server key",
    "only the host can do that",
    "not possible in the room's current state",
    "too late: the question is closed",
    "you already answered this question",
    "too many requests: slow down",
    "the server is full",
    "internal server error",
    "storage unavailable: not saved, try again",
    "timed out",
    "the server is shutting down",
    "not your turn: another team is answering",
    "this room uses a round format your client does not know; update it",
    "only the host or a judge can rule on answers",
};

/* Index into the tables for a wire code or a quiz code, or -1. */
static int quiz_index(int code)
{
	if (code < 0)
		code = -code;
	if (code >= QE_BASE)
		code -= QE_BASE;
	return code < QE_WIRE_COUNT ? code : -1;
}

/* Returns the wire code of an internal error. */
int quiz_wire_code(int err)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		return 0;
	if (err > QE_BASE && err < QE__END)
		return err - QE_BASE;
	return QE_INTERNAL - QE_BASE;
}

/* Returns the wire name of an error code. */
const char *quiz_error_name(int code)
{
	int i = quiz_index(code);

	return i < 0 ? "UNKNOWN" : names[i];
}

/* Returns the default human-readable message of an error code. */
const char *quiz_error_text(int code)
{
	int i = quiz_index(code);

	return i < 0 ? "unknown error" : texts[i];
}

/* Returns a sentence for any negative error code. */
const char *quiz_strerror(int err)
{
	if (err <= -QE_BASE || err >= QE_BASE)
		return quiz_error_text(err);
	return strerror(err < 0 ? -err : err);
}

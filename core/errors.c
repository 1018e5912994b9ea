/* Names of the stable error codes. */
#include "errors.h"

/* Returns the wire name of an error code. */
const char *quiz_error_name(int code)
{
	static const char *const names[] = {
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
	};

	if (code < 0)
		code = -code;
	if (code >= (int)(sizeof(names) / sizeof(names[0])))
		return "UNKNOWN";
	return names[code];
}

/* Returns the default human-readable message of an error code. */
const char *quiz_error_text(int code)
{
	static const char *const texts[] = {
	    "ok",
	    "frame length must be 1..65536",
	    "malformed message or field out of range",
	    "protocol version not supported",
	    "no room has that code",
	    "the room is full",
	    "that nickname is taken in this room",
	    "wrong host token",
	    "only the host can do that",
	    "not possible in the room's current state",
	    "too late: the question is closed",
	    "you already answered this question",
	    "too many requests: slow down",
	    "the server is full",
	    "internal server error",
	};

	if (code < 0)
		code = -code;
	if (code >= (int)(sizeof(texts) / sizeof(texts[0])))
		return "unknown error";
	return texts[code];
}

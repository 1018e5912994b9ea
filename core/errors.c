/* Names of the stable error codes. */
#include "errors.h"

/* Returns the wire name of an error code. */
const char *quiz_error_name(int code)
{
	static const char *const names[] = {
		"OK", "BAD_FRAME", "BAD_MESSAGE", "UNSUPPORTED_VERSION",
		"ROOM_NOT_FOUND", "ROOM_FULL", "NAME_TAKEN", "WRONG_PIN",
		"NOT_HOST", "BAD_STATE", "TOO_LATE", "ALREADY_ANSWERED",
		"RATE_LIMITED", "SERVER_FULL", "INTERNAL",
	};

	if (code < 0)
		code = -code;
	if (code >= (int)(sizeof(names) / sizeof(names[0])))
		return "UNKNOWN";
	return names[code];
}

/* The definition of a match as text: the room settings and the contest
 * exactly as the room was made from them, so that the match can be made
 * again (replay, audit, resume after a restart). Stored in
 * matches.definition (docs/STORAGE.md). One "key=value" per line; the
 * first line is "quizd-match 1". Pure: no I/O. */
#ifndef QUIZ_MATCHDEF_H
#define QUIZ_MATCHDEF_H

#include <stddef.h>

#include "contest.h"
#include "room.h"

/* Writes the definition into a malloc'd NUL-terminated string (the caller
 * frees it). Never fails (aborts on OOM). */
char *matchdef_write(const struct room_settings *s, const struct contest *c);

/* Reads a definition written by matchdef_write into *s and *c (c may be
 * large: the caller provides it). Returns 0, or -QE_BAD_MESSAGE with the
 * line at fault in err (cap bytes) for text it did not write. */
int matchdef_read(const char *text, struct room_settings *s, struct contest *c,
		  char *err, size_t cap);

#endif

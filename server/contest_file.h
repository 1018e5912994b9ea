/* Contest files: the INI text of docs/CONTEST.md, read with libinih into a
 * struct contest, with every problem reported on its line. */
#ifndef QUIZ_CONTEST_FILE_H
#define QUIZ_CONTEST_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "contest.h"

#define CONTEST_FILE_ERRORS_KEEP 32  /* messages kept; more are counted */
#define CONTEST_FILE_MSG_MAX	 240 /* bytes of one message */
/* The longest line, without its line ending: libinih's line buffer
 * (INI_MAX_LINE 200 in Debian's build) less "\r\n" and the NUL, less one. */
#define CONTEST_FILE_LINE_MAX 196

/* One problem; line 0 is about the whole file. */
struct contest_file_error {
	unsigned line;
	char msg[CONTEST_FILE_MSG_MAX];
};

/* The problems of one file, in the order found. Zero initialisation is an
 * empty list. */
struct contest_file_errors {
	struct contest_file_error v[CONTEST_FILE_ERRORS_KEEP];
	unsigned n;	/* kept */
	unsigned total; /* found */
};

/* The keys of a [round.N] section, to say which line set what. */
enum contest_file_key {
	CFK_NAME,
	CFK_FORMAT,
	CFK_COUNT,
	CFK_TIME,
	CFK_WAGER_TIME,
	CFK_POINTS,
	CFK_PENALTY,
	CFK_STAKES,
	CFK_CATEGORY,
	CFK_KINDS,
	CFK_DIFFICULTY,
	CFK_IDS,
	CFK_READING,
	CFK_ARM_TIME,
	CFK_TIE_MS,
	CFK_FOUL,
	CFK_REBOUNDS,
	CFK_JUDGE,
	CFK_COUNT_
};

/* The line each part of the contest was written on (0: not written). */
struct contest_file_lines {
	unsigned title, scoring, base;
	unsigned teams[CONTEST_TEAMS_MAX];
	unsigned round[CONTEST_ROUNDS_MAX]; /* its [round.N] header */
	unsigned key[CONTEST_ROUNDS_MAX][CFK_COUNT_];
	unsigned ids[CONTEST_ROUNDS_MAX][CONTEST_IDS_MAX];
};

/* Parses len bytes of contest text into *c (overwritten whole; the
 * defaults of contest files are base 100, mean), then contest_normalize.
 * Refuses text longer than CONTEST_TEXT_MAX, NUL bytes, invalid UTF-8,
 * lines longer than CONTEST_FILE_LINE_MAX, unknown sections, keys and
 * values, and every range of contest_normalize. Appends each problem to
 * errs and, when lines is not NULL, records where things were written.
 * Returns 0, or -QE_BAD_MESSAGE when errs->total > 0. Does not check the
 * formats against this build (contest_runnable) nor the bank. */
int contest_file_parse(const char *text, size_t len, struct contest *c,
		       struct contest_file_errors *errs,
		       struct contest_file_lines *lines);

/* Reads the file at path into *text (malloc'd, NUL-terminated; the caller
 * frees it) and its length into *len. Returns 0, -EFBIG when it is longer
 * than CONTEST_TEXT_MAX, or a negative errno; on failure records the
 * reason in errs with line 0. */
int contest_file_read(const char *path, char **text, size_t *len,
		      struct contest_file_errors *errs);

/* Appends a problem on line (0: the whole file) to errs. */
void contest_file_error(struct contest_file_errors *errs, unsigned line,
			const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes the first problem as "line N: message" (or the message alone for
 * line 0) into out (cap bytes), for a reply to a host. */
void contest_file_first_error(const struct contest_file_errors *errs, char *out,
			      size_t cap);

/* Prints every kept problem as "FILE:LINE: message" ("FILE: message" for
 * line 0), then how many more were found. */
void contest_file_errors_print(const struct contest_file_errors *errs,
			       const char *file, FILE *out);

/* The file spelling of a format ("speed", "turn", ...). */
const char *contest_file_format_name(enum round_format f);

#endif

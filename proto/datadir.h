/* Where the shipped data is: the question bank and the contest files
 * (DATADIR_DATA: share/quizd, with bank/ and contests/ in it) and the
 * client's translations (DATADIR_LOCALE: share/locale). Found relative to
 * the running program, so an installed tree (or a copy of it) works from
 * any directory under any prefix; a program run where it was built falls
 * back to the source and build trees. */
#ifndef QUIZ_DATADIR_H
#define QUIZ_DATADIR_H

#include <stddef.h>

enum datadir_kind {
	DATADIR_DATA = 0,
	DATADIR_LOCALE = 1,
};

/* Writes the directory of kind k, joined with sub when sub is not NULL
 * (e.g. "bank"), into out (cap bytes) and returns out: the installed
 * place (the program's directory joined with the path from the install's
 * bindir, fixed at build time) when that directory exists, else the
 * build-time tree. Never fails: a program whose location cannot be read
 * gives the tree path; a path too long for out gives "". */
const char *datadir_get(enum datadir_kind k, const char *sub, char *out,
			size_t cap);

#endif

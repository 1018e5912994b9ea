/* `quiz door HOST:PORT`: the SSH door's client (docs/INSTALL.md, "SSH
 * door"). Run as an account's forced command, it asks on the terminal for
 * the room code, a nickname and a team, then plays as `quiz join`. */
#ifndef QUIZ_DOOR_H
#define QUIZ_DOOR_H

#include <stdio.h>

#include "quiz_limits.h"
#include "roomcode.h"

#define DOOR_TRIES 5 /* a wrong answer is asked again this often */

struct door {
	char code[ROOMCODE_SIZE];     /* normalised */
	char name[QUIZ_NAME_MAX + 1]; /* trimmed, checked */
	char team[QUIZ_TEAM_MAX + 1]; /* "" none */
	char *argv[10];		      /* quiz join SERVER CODE --name NAME
					 [--team TEAM] */
	int argc;
};

/* Asks on out and reads from in: the room code (any case, with or
 * without the hyphen), the nickname and the team (empty: none), each
 * asked again after a bad answer, DOOR_TRIES times at most. Then fills
 * d->argv with the `quiz join` command line for server (borrowed). Returns
 * 0, or -1 at the end of input or after too many bad answers (a line
 * said why). */
int door_ask(FILE *in, FILE *out, const char *server, struct door *d);

#endif

/* `quiz practice` (issue 11): the practice screen, --show-token and the
 * plain-text --stats, entered from quiz.c's main. */
#ifndef QUIZ_PRACTICE_H
#define QUIZ_PRACTICE_H

#include <stdbool.h>
#include <stdio.h>

/* Runs `quiz practice ...` (argv[1] is "practice"). Returns the exit
 * status: 0 ok, 1 failure (refused, no connection), 2 usage. */
int practice_main(int argc, char **argv);

/* Prints the usage of quiz practice to f (full: every option). */
void practice_usage(FILE *f, bool full);

#endif

/* The `quizd bank check` command. */
#ifndef QUIZ_BANK_CLI_H
#define QUIZ_BANK_CLI_H

#include <stdio.h>

#include "item.h"

/* Runs `quizd bank check [--help] FILE|DIR...`; argv[0] is the word
 * "check" and the operands follow. Loads every operand (a directory: its
 * *.csv files in name order) into one bank, so ids must be unique across
 * all of them, prints each problem to stderr as FILE:LINE: message and a
 * summary to stdout. Returns the exit status: 0 valid, 1 invalid (or
 * unreadable, or no item at all), 2 usage error. */
int bank_cli_check(int argc, char **argv);

/* Prints the summary of a bank to out: items by kind, by category and by
 * difficulty, and which seed items 1..125 no item rests on. */
void bank_cli_summary(FILE *out, const struct bank *b);

#endif

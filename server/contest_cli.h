/* The `quizd contest check` command. */
#ifndef QUIZ_CONTEST_CLI_H
#define QUIZ_CONTEST_CLI_H

/* Runs `quizd contest ...`: argv[0] is the word after "contest" ("check"
 * or "--help"), the operands follow. `check [--db PATH | --bank DIR] FILE`
 * parses a contest file (docs/CONTEST.md), prints each problem to stderr
 * as FILE:LINE: message, then a summary to stdout: title, team scoring,
 * teams, and each round's format, questions, times, points or stakes and
 * how many bank items its selection matches (a warning when fewer than it
 * needs; an explicit id not in the bank is an error). The bank is the
 * bundled CSV bank unless --db or --bank names another. Returns the exit
 * status: 0 valid, 1 invalid (or the bank cannot be read), 2 usage. */
int contest_cli(int argc, char **argv);

#endif

/* `quizd results`: the standings and statistics of stored matches, listed,
 * shown and exported as CSV or XLSX (docs/RESULTS.md). */
#ifndef QUIZ_RESULTS_CLI_H
#define QUIZ_RESULTS_CLI_H

/* Runs `quizd results list|show|export ...`; argv[0] is the subcommand.
 * Prints to stdout (the listing, the export without -o) and stderr (errors).
 * Returns the exit status: 0 ok, 1 failure (no such database or match, I/O
 * error), 2 usage error. */
int results_cli(int argc, char **argv);

#endif

/* `quizd bank stats`: item analysis of the bank from the answers stored
 * in a quizd database (docs/BANK.md, "Item analysis"). */
#ifndef QUIZ_BANK_STATS_H
#define QUIZ_BANK_STATS_H

/* Runs `quizd bank stats [--db PATH] [--min-n N] [--json] [--flagged]`;
 * argv[0] is "stats", default_db the database when --db is not given.
 * Opens the database read-only (never creates it). Returns the exit
 * status: 0 (also for a database without answers: "no answers yet"),
 * 1 a database that cannot be read, 2 a usage error or no such database. */
int bank_stats_cli(int argc, char **argv, const char *default_db);

#endif

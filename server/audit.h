/* `quizd audit verify` and `quizd audit show`: the event log of a match
 * checked against its hash chain and replayed through the core
 * (docs/AUDIT.md). */
#ifndef QUIZ_AUDIT_H
#define QUIZ_AUDIT_H

/* Runs `quizd audit ...`: argv[0] is the word after "audit" ("verify",
 * "show" or "--help"), its options and operands follow.
 *
 *   verify --db DB MATCH | --all   recomputes each match's hash chain,
 *       replays its events through the core (room_apply) and compares what
 *       the replay books with the bookings, answers, presses, drawn
 *       questions and (once ended) results and team_results rows; one line
 *       per match on stdout.
 *   show --db DB MATCH   prints the match's events readably, one a line.
 *
 * Returns the exit status: 0 every check passed (show: printed), 1 a
 * difference (or nothing that could be verified), 2 usage or I/O (no such
 * database or match). */
int audit_cli(int argc, char **argv);

#endif

/* Practice progress as `quiz practice --stats` prints it (issue 11): a
 * PracticeStats message turned into our own struct at the edge (strings
 * sanitised and bounded, counts clamped), then printed as plain text with
 * its columns aligned in terminal columns (a CJK character takes two), so
 * it reads in a terminal and pipes into other tools. No curses; the same
 * text is shown inside the practice screen. */
#ifndef QUIZ_PSTATS_H
#define QUIZ_PSTATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

#define PSTATS_CATS_MAX	   64  /* categories of the total */
#define PSTATS_MEMBERS_MAX 200 /* members of a team board (the proto's cap) */

/* One category's figures (CategoryProgress). */
struct pstats_cat {
	char name[MODEL_NAME_MAX]; /* "" for items without one */
	uint32_t items;
	uint64_t seen, mastered, review, right, wrong;
	uint32_t mastery_pm, accuracy_pm; /* thousandths, as the server gave */
};

/* One person, or a team summed (PersonProgress). */
struct pstats_person {
	char nick[MODEL_NAME_MAX]; /* "" for a team's total */
	char team[MODEL_TEAM_NAME];
	uint32_t persons;
	struct pstats_cat all;
	uint64_t time_us;
	uint32_t streak, best_streak, days, best_days;
	uint64_t last_unix_us; /* 0: never */
};

struct pstats {
	bool team; /* a team board (members listed) */
	struct pstats_person total;
	struct pstats_cat cats[PSTATS_CATS_MAX];
	unsigned n_cats;
	struct pstats_person members[PSTATS_MEMBERS_MAX];
	unsigned n_members;
};

/* Copies a PracticeStats into st (team: it answers a team request).
 * Strings are sanitised and cut to fit, rates above 1000 are taken as
 * 1000, lists beyond the caps are dropped, a missing total is zeros. */
void pstats_from_proto(struct pstats *st, const Quiz__V1__PracticeStats *ps,
		       bool team);

/* Prints st as plain text to f: who and where (server: HOST:PORT as
 * typed), time practised, streaks, then a table of the categories
 * (items, seen, mastered, 掌握率, accuracy, 错题本) and the whole bank;
 * for a team also a table of the members (who practised how much).
 * Dates are local time. Strings follow LANG. */
void pstats_print(FILE *f, const struct pstats *st, const char *server);

/* Writes a rate in thousandths as "33.3%" into buf. */
void pstats_rate(char *buf, size_t len, uint32_t permille);

/* Writes a time practised as "45 s", "12 min" or "1 h 05 min" into buf
 * (translated). */
void pstats_duration(char *buf, size_t len, uint64_t us);

#endif

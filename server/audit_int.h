/* Inside `quizd audit`: what verify (audit.c) and show (audit_show.c)
 * share: the database opened as quizd opens it, and a stored match made
 * again from its definition. */
#ifndef QUIZ_AUDIT_INT_H
#define QUIZ_AUDIT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "contest.h"
#include "evhash.h"
#include "item.h"
#include "room.h"
#include "store.h"

/* The database of an audit: the store (for the bank and the match logs)
 * and a read-only connection of our own for the derived tables. */
struct audit_db {
	const char *path;
	struct store *store;
	struct bank *bank; /* as quizd loads it: the same draws */
	sqlite3 *ro;
};

/* Opens path (which must exist: the store would create it) and loads the
 * bank. Prints why not to stderr. Returns 0 or -1. */
int audit_db_open(struct audit_db *d, const char *path, const char *cmd);
void audit_db_close(struct audit_db *d);

/* One stored match, made again. */
struct audit_match {
	struct store_match_log log;
	bool loaded;
	struct room_settings s;
	struct contest *c;
	struct room *r; /* made from log.definition; NULL until audit_room */
};

/* Reads match id whole. Returns 0, -QE_ROOM_NOT_FOUND or another negative
 * error. */
int audit_match_load(struct audit_db *d, uint64_t id, struct audit_match *m);
/* Makes the room the match started with (its definition, the bank).
 * Returns 0, or -1 with the reason in err (no definition, a definition
 * that does not read, teams room_new refuses). */
int audit_room(struct audit_db *d, struct audit_match *m, char *err,
	       size_t cap);
/* Frees what load and room made; m may be reused. */
void audit_match_free(struct audit_match *m);

/* The room's event of a stored row (strings borrowed from the row). */
void audit_event_in(const struct store_event *se, struct room_event *ev);

/* Outcome of a decided press as the presses table names it. */
const char *audit_outcome_name(enum press_outcome o);

/* An answer the replay accepted (FX_ANSWER). */
struct audit_answer {
	uint32_t q, player, choice_mask;
	int64_t recv_us, comp_us, rt_us;
	bool correct;
	const char *text; /* the event's (owned by the log), NULL none */
};

/* A press the replay decided (FX_BUZZ), with its question. */
struct audit_press {
	struct room_press p;
	uint32_t q;
	bool stored; /* a presses row matched it */
};

/* One match being verified (audit_verify.c replays, audit_compare.c
 * compares). */
struct audit_verify {
	struct audit_db *d;
	struct audit_match *m;
	uint64_t match;
	unsigned diffs;
	char head[EVHASH_HEX + 1]; /* "" no chain */
	uint64_t chain_from;	   /* first seq with a hash, 0 none */
	bool finished;		   /* the replay reached FX_FINISHED */
	bool voided[ROOM_MAX_QUESTIONS];
	struct store_booking *bk;
	size_t nbk, capbk;
	struct audit_answer *an;
	size_t nan, capan;
	struct audit_press *pr;
	size_t npr, cappr;
	size_t stored_bookings, stored_presses;
};

/* Prints one difference of the match being verified ("match N: ..."). */
void audit_differ(struct audit_verify *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Compares the derived tables with what the replay kept in v (the match's
 * state as stored: state); differences go through audit_differ. */
void audit_compare(struct audit_verify *v, const char *state);

/* `quizd audit verify` of the n matches ids (audit_verify.c) or of every
 * match with a definition; `quizd audit show` of one (audit_show.c).
 * Each returns the exit status (audit.h). */
int audit_verify(struct audit_db *d, const uint64_t *ids, size_t n);
int audit_verify_all(struct audit_db *d);
int audit_show(struct audit_db *d, uint64_t id);

#endif

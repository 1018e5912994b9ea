/* Practice: a Leitner spaced-repetition schedule over the bank, the 错题本
 * (review) rule and progress figures, for one person or summed over a team.
 * Pure: no clock reads, no I/O. Times are wall-clock Unix time in µs passed
 * in by the caller (a schedule spans days and restarts, so never the
 * server's monotonic clock). docs/PRACTICE.md explains the rules. */
#ifndef QUIZ_PRACTICE_H
#define QUIZ_PRACTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "item.h"

#define PRACTICE_SEC_US INT64_C(1000000)
#define PRACTICE_MIN_US (60 * PRACTICE_SEC_US)
#define PRACTICE_DAY_US (24 * 60 * PRACTICE_MIN_US)
#define PRACTICE_NEVER	INT64_MAX

/* Leitner boxes 0..5. Box 0 is a new item (never answered, due at once); a
 * right answer on a due item moves it up one box and makes it due after
 * that box's interval; a wrong answer puts it in box 1, due after
 * PRACTICE_RELEARN_US, and into the 错题本. */
#define PRACTICE_BOXES	    6
#define PRACTICE_BOX0_US    0			   /* new: due now */
#define PRACTICE_BOX1_US    (10 * PRACTICE_MIN_US) /* 10 minutes */
#define PRACTICE_BOX2_US    (1 * PRACTICE_DAY_US)  /* 1 day */
#define PRACTICE_BOX3_US    (3 * PRACTICE_DAY_US)  /* 3 days */
#define PRACTICE_BOX4_US    (7 * PRACTICE_DAY_US)  /* 7 days */
#define PRACTICE_BOX5_US    (21 * PRACTICE_DAY_US) /* 21 days */
#define PRACTICE_RELEARN_US (1 * PRACTICE_MIN_US)  /* after a wrong answer */
/* An item in this box or above counts as mastered (it was recalled after a
 * wait of at least 3 days). */
#define PRACTICE_MASTERED_BOX 4
/* Right answers in a row that take an item out of the 错题本. */
#define PRACTICE_REVIEW_CLEAR 2
/* One answer adds at most this much to the time practised (a question
 * left open while its reader walks away does not count for hours). */
#define PRACTICE_RT_CAP_US (5 * PRACTICE_MIN_US)
/* Session defaults: at most this many new items in one session, and while
 * due items wait, one new item after every PRACTICE_NEW_GAP other answers. */
#define PRACTICE_NEW_PER_SESSION 20
#define PRACTICE_NEW_GAP	 4

/* The interval of a box (0 for a box out of range). */
int64_t practice_interval(unsigned box);

/* One person's state for one item. All zero: a new item. */
struct practice_item {
	uint8_t box;	       /* 0..PRACTICE_BOXES-1 */
	bool in_review;	       /* in the 错题本 */
	uint32_t seen;	       /* answers given (right + wrong, saturating) */
	uint32_t right;	       /* right answers */
	uint32_t wrong;	       /* wrong answers (a timeout is wrong) */
	uint32_t streak_right; /* right answers in a row, this item */
	int64_t due_at;	       /* µs; 0 for a new item */
	int64_t last_at;       /* µs of the last answer; 0 = never */
};

/* Applies one answer at now_us to an item (see the header comment). A right
 * answer before due_at (an item asked early, in review mode) counts but
 * neither moves the box nor the due time. A clock that went back is taken
 * as st->last_at. Counters saturate. */
void practice_answer(struct practice_item *st, int64_t now_us, bool correct);

/* Whether the item is due at now_us (new items always are). */
bool practice_due(const struct practice_item *st, int64_t now_us);

/* One person's totals over every item. */
struct practice_person {
	uint64_t right, wrong;
	int64_t time_us;      /* sum of answer times, each capped */
	uint32_t streak;      /* right answers in a row (any item) */
	uint32_t best_streak; /* the longest such run */
	uint32_t days;	      /* calendar days in a row with an answer */
	uint32_t best_days;   /* the longest such run */
	int64_t last_day;     /* local day number of the last answer */
	int64_t last_at;      /* µs of the last answer; 0 = never */
};

/* One person's practice over a bank: the states are parallel to
 * bank->items (items[i] belongs to bank->items[i]). */
struct practice_set {
	const struct bank *bank; /* borrowed; must outlive the set */
	struct practice_item *items;
	size_t n;
	struct practice_person person;
	int32_t utc_offset_s; /* where calendar days start (China: 28800) */
};

/* A new set over b with every item new, or NULL on allocation failure. */
struct practice_set *practice_set_new(const struct bank *b,
				      int32_t utc_offset_s);
/* Accepts NULL. */
void practice_set_free(struct practice_set *set);
/* Loads one stored item state (practice_item_parse text) under the item's
 * bank id. Returns 0, -ENOENT when the bank has no such item (it was
 * deleted: the caller skips the row) or -EINVAL for bad text. */
int practice_set_load(struct practice_set *set, const char *item_id,
		      const char *text);

/* What one sitting has done: the new-item allowance. */
struct practice_session {
	uint64_t seed;	    /* tie-breaks; the same seed, the same picks */
	uint32_t answers;   /* answers recorded in this session */
	uint32_t new_count; /* new items answered in this session */
	uint32_t since_new; /* answers since the last new item */
	uint32_t max_new;   /* allowance of new items (0: none) */
	uint32_t new_gap;   /* while due items wait (0: new first) */
};

/* A session with the default allowance. */
void practice_session_init(struct practice_session *s, uint64_t seed);

enum practice_mode {
	PRACTICE_SCHEDULE = 0, /* due items, then new ones */
	PRACTICE_REVIEW = 1,   /* only the 错题本 */
};

/* Which items may be asked. NULL or zero-initialised: all, scheduled. */
struct practice_filter {
	const char *category; /* NULL or "" = any */
	uint32_t kinds;	      /* bit (1 << enum item_kind); 0 = any */
	enum practice_mode mode;
};

/* Whether an item passes the filter's category and kinds (the mode aside).
 * f may be NULL: every item does. */
bool practice_accepts(const struct practice_filter *f, const struct item *it);

enum practice_why {
	PRACTICE_PICK_DUE = 0,
	PRACTICE_PICK_NEW = 1,
	PRACTICE_PICK_REVIEW = 2,
};

struct practice_pick {
	size_t index; /* into bank->items and set->items */
	enum practice_why why;
	int64_t wait_until; /* -EAGAIN: when something falls due, or NEVER */
};

/* Chooses the next item at now_us. Schedule mode: the most overdue due
 * item; a new item when nothing is due, or when due items wait and
 * s->since_new >= s->new_gap; new items only while s->new_count <
 * s->max_new. Review mode: the 错题本 item answered longest ago. Ties are
 * broken by the session seed and answer count. s may be NULL (a fresh
 * default session with seed 0). Returns 0 with *pick filled, -ENOENT when
 * no item passes the filter (empty bank, empty 错题本), or -EAGAIN when
 * nothing may be asked now (pick->wait_until says when something will). */
int practice_next(const struct practice_set *set,
		  const struct practice_session *s,
		  const struct practice_filter *f, int64_t now_us,
		  struct practice_pick *pick);

/* Records an answer to set->items[index]: the item's schedule, the
 * person's totals (rt_us clamped to 0..PRACTICE_RT_CAP_US) and the
 * session's counts (s may be NULL). Returns 0 or -EINVAL (bad index). */
int practice_record(struct practice_set *set, struct practice_session *s,
		    size_t index, int64_t now_us, bool correct, int64_t rt_us);

/* Text forms for the store: one line of decimal fields, no newline.
 *   item:   "S1 box in_review seen right wrong streak_right due_at last_at"
 *   person: "P1 right wrong time_us streak best_streak days best_days
 *            last_day last_at"
 * Format returns the length, or -ENOSPC when cap is too small; parse
 * returns 0, or -EINVAL for anything malformed or inconsistent (and leaves
 * *out untouched). */
#define PRACTICE_TEXT_MAX 200
int practice_item_format(const struct practice_item *st, char *buf, size_t cap);
int practice_item_parse(const char *text, struct practice_item *out);
int practice_person_format(const struct practice_person *p, char *buf,
			   size_t cap);
int practice_person_parse(const char *text, struct practice_person *out);

/* Figures of one category, summed over the persons added. */
struct practice_cat {
	const char *name;  /* borrowed from the bank; "" when none */
	uint32_t items;	   /* bank items in the category */
	uint64_t seen;	   /* items answered at least once */
	uint64_t mastered; /* items in box >= PRACTICE_MASTERED_BOX */
	uint64_t review;   /* items in the 错题本 */
	uint64_t right, wrong;
};

/* Progress of one person, or of a team (every member added). */
struct practice_progress {
	const struct bank *bank;
	struct practice_cat *cat; /* in order of first appearance in the bank */
	size_t n_cat;
	uint32_t *cat_of; /* the category of each bank item */
	uint32_t persons;
	struct practice_cat all; /* every category */
	int64_t time_us;
	/* one person: theirs; a team: the largest among its members */
	uint32_t streak, best_streak, days, best_days;
	int64_t last_at; /* the latest answer */
};

/* Empty progress over the bank's categories. Returns 0 or -ENOMEM. */
int practice_progress_init(struct practice_progress *p, const struct bank *b);
/* Frees what init allocated. Accepts a zeroed struct. */
void practice_progress_clear(struct practice_progress *p);
/* Adds one person's set at now_us (a day streak not continued yesterday or
 * today counts 0). Returns 0, or -EINVAL when the set is over another
 * bank. */
int practice_progress_add(struct practice_progress *p,
			  const struct practice_set *set, int64_t now_us);
/* part / whole in thousandths, rounded; 0 when whole is 0. */
uint32_t practice_permille(uint64_t part, uint64_t whole);
/* 掌握率 of a category in thousandths: mastered / (items × persons). */
uint32_t practice_mastery(const struct practice_progress *p,
			  const struct practice_cat *c);
/* Accuracy in thousandths: right / (right + wrong). */
uint32_t practice_accuracy(const struct practice_cat *c);

#endif

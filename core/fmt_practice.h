/* A practice round: one person drilling the bank alone (issue 11). Pure:
 * no clock reads, no I/O. It is the core's round of one person: the pick
 * comes from the practice scheduler (core/practice.h), the question is
 * built as a room builds its questions (draw_shuffle: the options shuffled
 * by a seeded PRNG, the correct mask in display order), the answer is
 * marked by the rooms' own rule (room_mark), and the result is recorded in
 * the person's practice set (practice_record), with the texts the store
 * keeps. No live room is made: no host, no countdown, no broadcast.
 *
 * Two clocks, both passed in by the caller: the question's timing (when
 * it was shown, its deadline, the response time) is on the server's
 * monotonic clock, as in rooms; the schedule (due times, day streaks) is
 * on the wall clock (CLOCK_REALTIME µs), since it spans days and restarts.
 * docs/PRACTICE.md, last section, says how quizd uses it. */
#ifndef QUIZ_FMT_PRACTICE_H
#define QUIZ_FMT_PRACTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "practice.h"
#include "quiz_limits.h"
#include "room.h"

/* A per-question timer, when there is one: 3 s .. 5 min
 * (PracticeStart.time_limit_ms). */
#define FMT_PRACTICE_LIMIT_MIN_US (3 * PRACTICE_SEC_US)
#define FMT_PRACTICE_LIMIT_MAX_US (300 * PRACTICE_SEC_US)
/* New items allowed in one sitting at most (PracticeStart.max_new). */
#define FMT_PRACTICE_MAX_NEW 1000

/* What a sitting asked for. */
struct fmt_practice_cfg {
	uint64_t seed;		 /* the schedule's tie-breaks and shuffles */
	enum practice_mode mode; /* schedule or review (错题本) */
	const char *category;	 /* NULL or "" any; copied */
	uint32_t kinds;		 /* bit (1 << item_kind); 0 any */
	int64_t time_limit_us;	 /* 0: no timer */
	uint32_t max_new;	 /* 0: the default (PRACTICE_NEW_PER_SESSION) */
	int64_t grace_us;	 /* cap on the delay compensation (rooms'
				    comp_cap_us) */
};

/* A sitting: one person's round over their practice set. */
struct fmt_practice {
	struct practice_set *set; /* borrowed: the person's state */
	struct practice_session sess;
	struct practice_filter filter; /* category points into category[] */
	char category[QUIZ_CATEGORY_MAX + 1];
	int64_t limit_us, grace_us;
	uint64_t rng; /* option shuffles */
	uint32_t q;   /* index of the open (or last) question */
	bool asked;   /* a question was asked in this sitting */
	bool open;    /* ... and it is not answered yet */
	size_t index; /* its item (bank->items, set->items) */
	enum practice_why why;
	struct room_question rq; /* its options as shown */
	int64_t shown_us;	 /* monotonic: when it was first sent */
};

/* Starts a sitting over set (borrowed, must outlive fp). Returns 0, or
 * -QE_BAD_MESSAGE for a configuration out of range (mode, time limit,
 * max_new, a category over QUIZ_CATEGORY_MAX bytes). */
int fmt_practice_init(struct fmt_practice *fp, struct practice_set *set,
		      const struct fmt_practice_cfg *cfg);

/* Counts over the items passing the sitting's category and kinds (the mode
 * aside) at wall_us. */
struct fmt_practice_counts {
	uint32_t items;	 /* passing the filter */
	uint32_t due;	 /* answered before and due now */
	uint32_t fresh;	 /* never answered */
	uint32_t review; /* in the 错题本 */
};
void fmt_practice_counts(const struct fmt_practice *fp, int64_t wall_us,
			 struct fmt_practice_counts *out);

/* The question to send. */
struct fmt_practice_question {
	uint32_t q; /* answers so far in this sitting */
	const struct room_question *rq;
	enum practice_why why;
	unsigned box;	     /* its Leitner box now (0: new) */
	int64_t shown_us;    /* monotonic: when it was first sent */
	int64_t deadline_us; /* monotonic; 0 without a timer */
	bool again;	     /* the open question, sent again */
};

/* The next question at mono_us / wall_us. An open question is returned
 * again (again = true, its first send time and deadline unchanged, so a
 * re-send never buys time). Returns 0, -ENOENT when nothing passes the
 * filter (an empty 错题本, a category with no items), or -EAGAIN when
 * nothing may be asked now (*wait_until: when an item falls due, or
 * PRACTICE_NEVER). */
int fmt_practice_next(struct fmt_practice *fp, int64_t mono_us, int64_t wall_us,
		      struct fmt_practice_question *out, int64_t *wait_until);

/* What an answer did; the texts are what the store keeps. */
struct fmt_practice_result {
	uint32_t q;
	size_t index; /* the item (bank->items) */
	bool correct, timed_out;
	uint32_t correct_mask; /* display order */
	uint32_t bank_mask;    /* the answer's choices, bank order */
	int64_t rt_us;	       /* response time (compensated, >= 0) */
	unsigned box;	       /* after the answer */
	int64_t due_at;	       /* wall clock */
	bool in_review, left_review;
	uint32_t streak; /* right answers in a row, any item */
	char item_state[PRACTICE_TEXT_MAX];
	char person_state[PRACTICE_TEXT_MAX];
};

/* An answer to question q received at mono_us / wall_us, one_way_us the
 * sender's one-way delay. The response time runs from the question's
 * first send less twice the one-way delay capped at grace_us (the
 * question travelled one way, the answer the other: rooms' rule for a
 * question that reached the seat late). choice_mask is in display order;
 * text a FILL answer or NULL. No choice and no text: "I don't know",
 * wrong. Shapes as in rooms (room_mark). A response time over the limit
 * (an answer after the deadline + compensation) is wrong and timed_out. On
 * success the answer is recorded in the set (practice_record) and *res filled.
 * Returns 0, or (nothing changed) -QE_BAD_STATE (no question open),
 * -QE_ALREADY_ANSWERED (q was answered), -QE_BAD_MESSAGE (another q, or a
 * bad shape), -EINVAL (a broken set). */
int fmt_practice_answer(struct fmt_practice *fp, uint32_t q,
			uint32_t choice_mask, const char *text, int64_t mono_us,
			int64_t wall_us, int64_t one_way_us,
			struct fmt_practice_result *res);

/* Items of the set in the 错题本 passing the sitting's filter. */
uint32_t fmt_practice_review_count(const struct fmt_practice *fp);

#endif

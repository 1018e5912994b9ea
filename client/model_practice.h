/* The practice client's model (`quiz practice`, issue 11): one person
 * drilling the bank alone, self-paced. Built from the practice messages
 * (PracticeReady, PracticeQuestion, PracticeResult, PracticeWait, Error)
 * alone, no curses and no sockets, so it is unit-tested by feeding it
 * envelopes. The question on screen and the answer keys are the live
 * contestant's model (struct model in MODE_JOIN, model_key and friends),
 * so the keys behave as in `quiz join`; this module adds the person, the
 * sitting, the result with its Leitner box and the 错题本, and the wait.
 *
 * Times: a question's countdown (only with a per-question timer) runs on
 * the client's monotonic clock from the moment the question arrived, with
 * the server's own durations (deadline - sent_at), so no clock sync is
 * needed. Schedule times (due, next due) are wall-clock µs since 1970, as
 * the server sends them. */
#ifndef QUIZ_MODEL_PRACTICE_H
#define QUIZ_MODEL_PRACTICE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

#define PMODEL_SOURCES_MAX 16 /* statement numbers shown with a result */
#define PMODEL_CATS_MAX	   64 /* categories listed by PracticeReady */
#define PMODEL_ID_MAX	   64 /* bytes of an item id (with NUL) */
#define PMODEL_EXPIRE_MAX  3  /* empty answers sent for one expired timer */

/* What the practice screen shows. */
enum pmodel_screen {
	PSCREEN_CONNECTING, /* no PracticeReady yet */
	PSCREEN_LOADING,    /* ready, the next question asked for */
	PSCREEN_QUESTION,   /* a question open (or its answer on its way) */
	PSCREEN_RESULT,	    /* right or wrong, the explanation, the box */
	PSCREEN_WAIT,	    /* nothing to ask now (PracticeWait) */
};

/* quiz.v1.PracticeMode and PracticeWhy values. */
enum { PMODEL_SCHEDULE = 0, PMODEL_REVIEW = 1 };
enum { PMODEL_WHY_DUE = 0, PMODEL_WHY_NEW = 1, PMODEL_WHY_REVIEW = 2 };

/* A time span rounded for "back in 3 days". */
enum pmodel_unit { PUNIT_NOW, PUNIT_MIN, PUNIT_HOUR, PUNIT_DAY, PUNIT_NEVER };

struct pmodel {
	struct model q; /* the question and the answer keys (MODE_JOIN) */
	enum pmodel_screen screen;
	int mode; /* PMODEL_SCHEDULE or PMODEL_REVIEW */

	/* the person and the sitting (PracticeReady) */
	bool ready;
	bool created; /* this start registered a new person */
	uint64_t person_id, sitting;
	char token[QUIZ_TOKEN_INPUT_MAX + 1];
	char nick[MODEL_NAME_MAX];
	char team[MODEL_TEAM_NAME];
	uint32_t items, due, fresh; /* passing the filter */
	uint32_t review; /* items in the 错题本 (filtered), latest */
	char cats[PMODEL_CATS_MAX][MODEL_NAME_MAX];
	unsigned n_cats;

	/* since the program started (every sitting) */
	uint32_t answered, right;

	/* the question on screen (PracticeQuestion) */
	char item_id[PMODEL_ID_MAX];
	int why;	       /* PMODEL_WHY_* (an unknown value: DUE) */
	uint32_t box;	       /* its box when asked (0: new) */
	bool timer;	       /* it has a deadline */
	bool dont_know;	       /* the answer sent is "I don't know" */
	bool expired;	       /* the timer ran out: an empty answer went */
	unsigned expire_sends; /* empty answers sent for it */

	/* its result (PracticeResult) */
	bool have_result;
	bool correct, timed_out, in_review, left_review;
	uint32_t r_box, streak, rt_us;
	uint64_t due_unix_us;
	uint32_t sources[PMODEL_SOURCES_MAX];
	unsigned n_sources;

	/* nothing to ask (PracticeWait) */
	bool wait_empty;
	uint64_t next_due_unix_us; /* 0: never */

	/* the start was refused (Error to PracticeStart): its code */
	int refused;
};

/* Flags returned by pmodel_apply and the key handlers, besides MODEL_*. */
enum {
	PMODEL_NEXT = 1 << 10,	  /* send PracticeNext */
	PMODEL_READY = 1 << 11,	  /* a PracticeReady came: keep its token */
	PMODEL_REFUSED = 1 << 12, /* the start was refused (pm->refused) */
	PMODEL_STATS = 1 << 13,	  /* a PracticeStats came */
};

/* Starts a model for nick (NULL: not known yet, --token) of team (NULL or
 * "": none), in mode (PMODEL_SCHEDULE or PMODEL_REVIEW). */
void pmodel_init(struct pmodel *pm, const char *nick, const char *team,
		 int mode);

/* A new sitting is being asked for in mode (PracticeStart sent again:
 * another mode, or after a reconnect): the question on screen is
 * forgotten and the screen shows LOADING until the PracticeReady (stays
 * CONNECTING before the first). */
void pmodel_restart(struct pmodel *pm, int mode);

/* Applies one received envelope at local time now. start_seq is the seq
 * of the PracticeStart on its way (0: none): an Error to it refuses the
 * start (PMODEL_REFUSED, pm->refused). Returns MODEL_* and PMODEL_* flags:
 * PMODEL_NEXT after a PracticeReady (ask for the first question),
 * MODEL_ANSWER when a question is re-sent while its answer is locked but
 * not yet marked. Every string is copied with a bound and sanitised,
 * every count clamped: a hostile server cannot overrun the model. */
int pmodel_apply(struct pmodel *pm, const Quiz__V1__Envelope *env,
		 uint32_t start_seq, uint64_t now);

/* A key on the question screen: as model_key (letters, digits, arrows,
 * Space, Enter), plus '?' (a choice question) for "I don't know", sent as
 * an empty answer, and Enter on an empty fill-in answer likewise. Returns
 * MODEL_* flags (MODEL_ANSWER: send pmodel_answer()). */
int pmodel_key(struct pmodel *pm, int key, uint64_t now);

/* The per-question timer at local time now: once it ran out with no
 * answer locked, locks an empty one (at most PMODEL_EXPIRE_MAX times for
 * a question, in case the server refuses it) and returns MODEL_ANSWER |
 * MODEL_REDRAW; else 0. */
int pmodel_expire(struct pmodel *pm, uint64_t now);

/* Builds the Answer to send (choices must hold MODEL_OPTIONS_MAX): the
 * locked choice, or an empty one ("I don't know", time out). Returns 0, or
 * -1 when nothing is locked. */
int pmodel_answer(const struct pmodel *pm, Quiz__V1__Answer *a,
		  uint32_t *choices);

/* Whether an answer is pending: a question on screen not yet marked
 * (quitting then asks first). */
bool pmodel_pending(const struct pmodel *pm);

/* Rounds the span from now_us to at_us (wall clock, µs) for "back in 3
 * days": below 30 s NOW, then minutes below an hour, hours below 20
 * hours, else days (each rounded to the nearest, at least 1), so a due
 * time a minute after the answer reads "1 minute" when it arrives a few
 * ms later; at_us 0 or INT64_MAX and over: NEVER. Returns the unit and
 * the count in *n. */
enum pmodel_unit pmodel_span(uint64_t at_us, uint64_t now_us, uint32_t *n);

/* Parses a --kinds list ("single,multi,tf,fill"; also "true-false",
 * "truefalse", "judge" for true/false, "blank" for fill-in) into bits
 * 1 << quiz.v1.QuestionKind. Returns the bits (> 0), or -1 for an empty
 * list, an empty item or an unknown word. */
int pmodel_parse_kinds(const char *s);

#endif

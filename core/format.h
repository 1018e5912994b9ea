/* The interface of a round format (pure, private to core/). The room runs
 * the life cycle, the clock, pause and the commit barrier; a format only
 * says who may act on a question, what an input means, and what the
 * question books when it closes. Each format is one file (fmt_speed.c,
 * fmt_turn.c, fmt_wager.c); adding one touches no other: write the file,
 * add its vtable to fmt_table in format.c.
 *
 * SKETCH from the lead: the core helper may reshape the details, but keep
 * one vtable per format, no switch(format) in room.c, and points booked
 * only in close(). */
#ifndef QUIZ_FORMAT_H
#define QUIZ_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contest.h"
#include "room.h"
#include "roster.h"

/* What a format sees of the room. */
struct fmt_ctx {
	const struct round_cfg *cfg;
	const struct roster *roster;
	const struct room_question *question; /* the question being asked */
	uint32_t k;			      /* its index within the round */
	int64_t now_us;
};

/* An accepted input handed to a format: an answer (already judged for
 * correctness and timed by the room) or a stake. */
struct fmt_input {
	enum room_event_kind kind; /* EV_ANSWER or EV_WAGER */
	uint32_t player;
	int team;
	bool correct;
	int64_t rt_us;
	int32_t stake;
};

/* One booking a format makes at close: signed points to a player. */
struct fmt_book {
	uint32_t player;
	bool answered, correct;
	int64_t delta;
	int64_t rt_us;
	int32_t stake;
};

struct fmt_vt {
	enum round_format format;
	const char *name;
	size_t state_size;
	/* How many questions the round asks, given the roster at its start. */
	uint32_t (*questions)(const struct round_cfg *cfg,
			      const struct roster *ro);
	/* The round begins (state zeroed, state_size bytes). Returns 0 or
	 * -ENOMEM. */
	int (*begin)(void *st, const struct fmt_ctx *c);
	/* A question opens: who may act (out), and whether a wager phase
	 * comes first (*pre_us > 0: its length). */
	void (*open)(void *st, const struct fmt_ctx *c, struct room_turn *out,
		     int64_t *pre_us);
	/* An input. Returns 0 (accepted), or -QE_NOT_YOUR_TURN,
	 * -QE_ALREADY_ANSWERED, -QE_BAD_MESSAGE, -QE_BAD_STATE. */
	int (*input)(void *st, const struct fmt_ctx *c,
		     const struct fmt_input *in);
	/* The question closes: book(arg, b) for every player whose score or
	 * record it changes. voided: nothing is booked. */
	void (*close)(void *st, const struct fmt_ctx *c, bool voided,
		      void (*book)(void *arg, const struct fmt_book *b),
		      void *arg);
	/* The round ends: release state. */
	void (*end)(void *st);
};

/* The vtable of a format, or NULL if this build does not run it. */
const struct fmt_vt *fmt_find(enum round_format f);

extern const struct fmt_vt fmt_speed, fmt_turn, fmt_wager;

#endif

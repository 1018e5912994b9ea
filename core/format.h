/* The interface of a round format (pure, private to core/). The room runs
 * the life cycle, the clock, pause, the commit barrier, the draw, and the
 * checks every answer shares (question kind and shape, deadline with the
 * delay compensation, response time, correctness). A format only says how
 * many questions a round asks, who may act on a question, what an accepted
 * input means to it, and what the question books when it closes. Each
 * format is one file (fmt_speed.c, fmt_turn.c, fmt_wager.c, fmt_buzz.c); adding
 * one touches no other: write the file, add its vtable to fmt_table in
 * format.c.
 *
 * Per-question state lives in the format's state (allocated by the room,
 * state_size bytes, zeroed at the round's start), never in the players:
 * a format that needs a record per player keeps one array indexed by
 * player id and grows it on demand. */
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
	const struct room_question *question; /* NULL in begin() */
	uint32_t q;			      /* its index in the match */
	uint32_t k;			      /* its index within the round */
	uint32_t n;			      /* questions in the round */
	int64_t now_us;
	int64_t lead_us;     /* room settings: a question's lead */
	int64_t comp_cap_us; /* and the compensation cap */
};

/* An accepted input handed to a format: an answer (already judged for
 * correctness and timed by the room) or a stake. */
struct fmt_input {
	enum room_event_kind kind; /* EV_ANSWER or EV_WAGER */
	uint32_t player;
	int team; /* the player's team, -1 none */
	bool correct;
	int64_t rt_us;
	int32_t stake;
	uint32_t choice_mask; /* EV_ANSWER: as given (display order) */
	const char *text;     /* EV_ANSWER: as typed (borrowed) */
};

/* A press of the buzzer handed to a format (room_buzz): seq is the one
 * its EV_BUZZ gets. */
struct fmt_press {
	uint64_t seq;
	uint32_t player;
	int team;
	int64_t recv_us, one_way_us, sent_us, bound_us;
};

/* What the room must do after a call into a format's buzzer or judge. */
enum fmt_next {
	FMT_GO_ON = 0, /* the question stays open */
	FMT_CLOSE = 1, /* close it and book it */
	FMT_VOID = 2,  /* close it, nothing booked */
};

/* What a call into a format changed: the room turns it into effects
 * (FX_BUZZ once per run of consecutive decided presses, or once with none
 * when only the state changed; FX_JUDGE; the close). decided points into
 * the format's state (valid until its next call). */
struct fmt_out {
	bool buzz;
	const uint32_t *decided; /* indexes into the presses, ascending */
	size_t ndecided;
	bool judge;
	enum fmt_next next;
};

/* One booking a format makes at close: signed points and a record to a
 * player, and the tie-break time added to its total. */
struct fmt_book {
	uint32_t player;
	bool answered, correct;
	int64_t delta;
	int64_t rt_us;
	int64_t time_us; /* added to total_time_us */
	int32_t stake;
};

struct fmt_vt {
	enum round_format format;
	const char *name;
	size_t state_size;
	/* The round begins (state zeroed): fixes what the round needs from
	 * the roster at its start and returns how many questions it asks
	 * (the room may draw fewer). */
	uint32_t (*begin)(void *st, const struct fmt_ctx *c);
	/* A question opens: who may act (out, zeroed), and the length of a
	 * wager phase before its countdown (*pre_us, 0: none). */
	void (*open)(void *st, const struct fmt_ctx *c, struct room_turn *out,
		     int64_t *pre_us);
	/* Whether the player may give an input of this kind now: 0, or
	 * -QE_NOT_YOUR_TURN, -QE_ALREADY_ANSWERED, -QE_BAD_STATE. The room
	 * calls it before its own checks of the answer, and for
	 * room_waiting. */
	int (*check)(const void *st, const struct fmt_ctx *c, uint32_t player,
		     int team, enum room_event_kind kind);
	/* Records an accepted input (check passed). A stake is checked
	 * here: -QE_BAD_MESSAGE for one not of the round. Returns 0 or an
	 * error, and then records nothing. out (zeroed by the room) says
	 * what the input changed beyond its record (a buzzer's answer). */
	int (*input)(void *st, const struct fmt_ctx *c,
		     const struct fmt_input *in, struct fmt_out *out);
	/* The question closes (not voided): book(arg, b) once for every
	 * contestant not out. Returns the tie-break time a contestant who
	 * joined later is charged for this question (SPEED: the limit). */
	int64_t (*close)(void *st, const struct fmt_ctx *c,
			 void (*book)(void *arg, const struct fmt_book *b),
			 void *arg);
	/* The stake of a unit on the current question (team >= 0, or the
	 * player without a team), 0 if none picked; NULL if no stakes. */
	int32_t (*stake)(const void *st, int team, uint32_t player);
	/* The round ends: release what begin and input allocated. */
	void (*end)(void *st);

	/* Optional hooks (NULL: the format has none). */

	/* The room's judge rulings of JUDGE_FILL: re-marks the recorded
	 * answer of player (of team) before close books it. A format
	 * without it judges its own answers (BUZZ). */
	void (*regrade)(void *st, const struct fmt_ctx *c, uint32_t player,
			int team, bool correct);
	/* Always send the correct answer to host and judges at the open
	 * (FX_KEY), whatever the round's judge mode. */
	bool keyed;
	/* A clock inside the open question: the question was revealed at
	 * c->now_us (also the start of its buzzer); due() is when step()
	 * must run next (0: never), and the room's timer of an open
	 * question is due() instead of its deadline. shift() moves every
	 * time by a pause's length. */
	void (*start)(void *st, const struct fmt_ctx *c, struct fmt_out *out);
	int64_t (*due)(const void *st);
	void (*step)(void *st, const struct fmt_ctx *c, struct fmt_out *out);
	void (*shift)(void *st, int64_t by_us, struct fmt_out *out);
	/* The answer window: an answer's response time runs from *start_us
	 * (instead of reveal_at). false: the room's own window. */
	bool (*window)(const void *st, int64_t *start_us);
	/* The question closes now, with or without bookings (host NEXT,
	 * SKIP, END, or the format's own FMT_CLOSE): settle what is
	 * pending. */
	void (*closing)(void *st, const struct fmt_ctx *c, struct fmt_out *out);
	/* A press of the buzzer: 0 (logged, decided in out), or
	 * -QE_ALREADY_ANSWERED (not logged). */
	int (*press)(void *st, const struct fmt_ctx *c,
		     const struct fmt_press *in, struct fmt_out *out);
	/* A ruling on the format's own judge item: 0, -QE_BAD_STATE (none
	 * awaited), -QE_BAD_MESSAGE (item). */
	int (*verdict)(void *st, const struct fmt_ctx *c, uint32_t item,
		       bool correct, struct fmt_out *out);
	/* Views of the buzzer and of the format's own judging; false when
	 * there is none on the current question. */
	bool (*buzz_view)(const void *st, struct room_buzz *out);
	bool (*judge_view)(const void *st, struct room_judge *out);
	/* Whether the player's unit may still press. */
	bool (*may_press)(const void *st, const struct fmt_ctx *c,
			  uint32_t player, int team);
};

/* The vtable of a format, or NULL if this build does not run it. */
const struct fmt_vt *fmt_find(enum round_format f);

extern const struct fmt_vt fmt_speed, fmt_turn, fmt_wager, fmt_buzz;

#endif

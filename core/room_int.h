/* The inside of a room, shared by room.c (the life cycle and the entry
 * points) and room_view.c (settings, event names and read-only views).
 * Private to core/. */
#ifndef QUIZ_ROOM_INT_H
#define QUIZ_ROOM_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "contest.h"
#include "format.h"
#include "room.h"
#include "roster.h"

/* An answer kept for a judge (JUDGE_FILL in a round whose format takes
 * rulings: fmt_vt.regrade). */
struct room_jans {
	uint32_t player;
	int team;
	char *text; /* as typed */
	char *key;  /* the fill normalisation: answers group by it */
	bool suggestion;
	int32_t item; /* its judge item, -1: beyond the items */
};

struct room {
	struct room_settings s;
	struct contest c;
	const struct bank *bank;
	char host_token[QUIZ_TOKEN_BUF];
	struct roster *ro;

	struct room_question *qs; /* ROOM_MAX_QUESTIONS, drawn round by round */
	uint32_t nq;
	uint32_t round_first[CONTEST_ROUNDS_MAX], round_n[CONTEST_ROUNDS_MAX];
	uint32_t ri;   /* current round (in ROUND_BREAK: the one that ended) */
	bool in_round; /* between FX_ROUND and FX_ROUND_END */
	const struct fmt_vt *vt; /* the current round's format */
	void *fst;		 /* and its state */
	struct room_turn turn;	 /* who may act on the current question */

	enum room_state state;
	enum room_state paused_from;
	bool awaiting_commit; /* CLOSED: waiting for the store barrier */
	bool voided;	      /* the current question was skipped */
	uint32_t q;	      /* current question, or the next one */
	uint32_t revealed_q1; /* q + 1 of the last question revealed, 0 none */
	int64_t reveal_at;
	int64_t deadline_at;
	int64_t timer_at;
	int64_t paused_remaining; /* -1: no timer was armed */
	int64_t paused_at;	  /* when the room was paused */
	int64_t paused_elapsed;	  /* OPEN: time since reveal at the pause */
	int64_t rt_floor;	  /* time used before a pause: no answer after
				     the resume can be faster than this */
	int64_t scored_time;	  /* tie-break time a late joiner is charged */

	uint32_t answered;
	uint32_t dist[ITEM_MAX_OPTIONS];

	struct room_effect *fx;
	size_t nfx, fxcap;
	char **strs; /* strings the effects borrow, freed on clear */
	size_t nstrs, strcap;
	uint64_t seq; /* of the last FX_EVENT */
	bool lobby_dirty, progress_dirty;
	bool held;	  /* room_hold in force */
	bool host_paused; /* held: the host wants it paused afterwards */
	enum room_pause_reason hold_reason;
	bool recovered;	     /* paused by room_recover until the RESUME */
	bool recover_reveal; /* recovered awaiting a commit: pause at the
				reveal */
	int64_t last_at;     /* at_us of the last logged event */
	int64_t shown_at;    /* OPEN: when the question was last (re)shown */

	/* JUDGE_FILL judging of the current question (room_judge_view) */
	struct room_jans *jans;
	size_t njans, jcap;
	struct room_judge_item jitems[ROOM_JUDGE_ITEMS_MAX];
	size_t njitems;
	bool jon; /* items were made for the current question */
	int64_t jsince;
};

/* The current round's settings. */
const struct round_cfg *room_round_cfg(const struct room *r);
/* What the format sees of the current question at now. */
void room_ctx(const struct room *r, struct fmt_ctx *c, int64_t now);

#endif

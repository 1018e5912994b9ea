/* The room state machine of a speed round (pure: events and the current
 * time in, effects out). It never reads a clock and never does I/O; it
 * refers to players by id. The server drains the effects after every call
 * and arms one timer at room_timer_at().
 *
 * Life: LOBBY -> COUNTDOWN -> QUESTION_OPEN -> QUESTION_CLOSED (commit, then
 * reveal) -> LEADERBOARD -> COUNTDOWN ... -> FINISHED; PAUSED from any
 * running state. */
#ifndef QUIZ_ROOM_H
#define QUIZ_ROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "item.h"
#include "quiz_limits.h"
#include "text.h"

/* Values equal quiz.v1.RoomState. */
enum room_state {
	ROOM_LOBBY = 0,
	ROOM_COUNTDOWN = 1,
	ROOM_OPEN = 2,
	ROOM_CLOSED = 3,
	ROOM_LEADERBOARD = 4,
	ROOM_PAUSED = 5,
	ROOM_FINISHED = 6,
};

/* Why a room is paused; values equal quiz.v1.PauseReason. */
enum room_pause_reason {
	ROOM_PAUSE_HOST = 0,
	ROOM_PAUSE_STORAGE = 1,
};

/* Values equal quiz.v1.HostCommand.Action. */
enum room_cmd {
	CMD_START = 0,
	CMD_NEXT = 1,
	CMD_PAUSE = 2,
	CMD_RESUME = 3,
	CMD_SKIP = 4,
	CMD_KICK = 5,
	CMD_END = 6,
};

#define ROOM_NAME_MAX	   QUIZ_NAME_MAX
#define ROOM_TITLE_MAX	   QUIZ_TITLE_MAX
#define ROOM_TEAMS_MAX	   64
#define ROOM_MAX_QUESTIONS 200
#define ROOM_TOP_N	   10
/* Player slots (ids are never reused) are capped at max_players *
 * ROOM_SLOTS_FACTOR + ROOM_SLOTS_EXTRA: people who left the lobby keep an
 * id, and this bounds the room's memory. */
#define ROOM_SLOTS_FACTOR 4
#define ROOM_SLOTS_EXTRA  10000

struct room_settings {
	int format; /* quiz.v1.RoundFormat; only SPEED (0) runs in v1 */
	char title[ROOM_TITLE_MAX + 1];
	uint32_t question_count;
	int64_t time_limit_us;
	uint32_t points;
	uint64_t seed;
	uint32_t max_players;
	bool auto_advance;
	int64_t countdown_us;
	int64_t reveal_us;
	int64_t leaderboard_us;
	int64_t lead_us;     /* a question is sent this long before reveal_at */
	int64_t comp_cap_us; /* cap on the one-way delay compensation */
};

/* Fills defaults: 10 questions, 20 s, 1000 points, 3 s countdown, 4 s reveal,
 * 4 s leaderboard, 250 ms lead, 150 ms compensation cap, 10000 players. */
void room_settings_default(struct room_settings *s);
/* Replaces zero fields by defaults and checks ranges. Returns 0 or
 * -QE_BAD_MESSAGE. */
int room_settings_normalize(struct room_settings *s);

/* A drawn question: a bank item with its options in display order. */
struct room_question {
	const struct item *item; /* borrowed: the bank outlives the room */
	uint8_t
	    perm[ITEM_MAX_OPTIONS]; /* display slot i shows options[perm[i]] */
	unsigned n_options;
	uint32_t correct_mask; /* in display order */
};

struct room_player {
	uint32_t id; /* 1-based, never reused in a room */
	char nick[ROOM_NAME_MAX + 1];
	char key[TEXT_KEY_MAX + 1]; /* text_name_key(nick): NAME_TAKEN compares
				       these, not the nicks */
	int team;    /* index into the room's teams, -1 for none */
	bool kicked; /* out of the match: removed by the host, or left */
	bool left;   /* left the lobby: the seat and nickname were freed */
	int64_t score;
	int64_t total_time_us; /* tie-break: response times of answered
				  questions plus the full limit for each scored
				  question not answered (also those before a
				  late join) */
	uint32_t correct;
	uint32_t rank; /* as of the last reveal (1-based) */
	/* the current question */
	int32_t answered_q; /* index of the last question answered, -1 none */
	uint32_t choice_mask;
	bool last_correct;
	uint32_t last_points;
	int64_t last_rt_us;
};

enum room_effect_kind {
	FX_COUNTDOWN, /* q, at_us = when the question is revealed */
	FX_QUESTION,  /* q, reveal_at, deadline_at (also re-sent on resume) */
	FX_ANSWER,    /* an accepted answer to persist: player, q, ... */
	FX_CLOSED,    /* q closed; persist a barrier and call room_committed */
	FX_REVEAL,    /* q: broadcast reveal + per-player results */
	FX_LEADERBOARD, /* q: leaderboard (final = finished) */
	FX_PAUSED,	/* remaining_us, reason */
	FX_RESUMED,
	FX_KICKED,   /* player */
	FX_FINISHED, /* match over; persist results */
};

struct room_effect {
	enum room_effect_kind kind;
	uint32_t q;
	uint32_t player;
	int64_t at_us;
	int64_t reveal_at_us;
	int64_t deadline_at_us;
	int64_t remaining_us;
	/* FX_ANSWER */
	int64_t recv_us;
	int64_t rt_us;
	int64_t comp_us; /* one-way delay compensation applied */
	uint32_t choice_mask;
	bool correct;
	uint32_t points;
	/* FX_CLOSED / FX_LEADERBOARD */
	bool voided;
	bool final;
	/* FX_PAUSED */
	enum room_pause_reason reason;
};

struct room;

/* Creates a room. questions (n of them) are copied; host_token is the secret
 * that authorises host commands. Returns NULL on allocation failure. */
struct room *room_new(const struct room_settings *s,
		      const struct room_question *questions, size_t n,
		      const char *host_token);
/* Frees the room. Accepts NULL. */
void room_free(struct room *r);

/* A contestant joins (any state but FINISHED). Returns the new player id
 * (> 0), or -QE_NAME_TAKEN, -QE_ROOM_FULL (players, player slots, or 64
 * teams in use),
 * -QE_BAD_MESSAGE (bad name or team), -QE_BAD_STATE. */
int64_t room_join(struct room *r, int64_t now_us, const char *nick,
		  const char *team);

/* A contestant who left during the LOBBY gives the seat up: the nickname
 * and the max_players place are freed, the id stays taken (kicked and left
 * are set; no results, no standings). Returns 0, -QE_BAD_STATE (not in the
 * lobby, or already out) or -QE_BAD_MESSAGE (unknown id). */
int room_leave(struct room *r, uint32_t player_id);

/* A host command. host_token is what the requester presented (NULL for a
 * contestant). arg is the player id for CMD_KICK. Returns 0, -QE_NOT_HOST,
 * -QE_BAD_STATE or -QE_BAD_MESSAGE. */
int room_command(struct room *r, int64_t now_us, const char *host_token,
		 enum room_cmd cmd, uint32_t arg);

/* A contestant's answer, received at recv_us (server clock) from a
 * connection whose one-way delay is estimated at one_way_us. choice_mask
 * has bit i for display option i; text is the FILL answer (may be NULL).
 * On success returns 0 and sets *rt_us to the recorded (compensated)
 * response time: recv - reveal_at - min(one_way, cap), at least 0 and at
 * least the time used before a pause of this question. The deadline is
 * judged on that compensated time, so an answer that arrives after
 * deadline_at but within the compensation is accepted. Errors:
 * -QE_BAD_STATE (not open, before reveal_at, paused, kicked player),
 * -QE_TOO_LATE, -QE_ALREADY_ANSWERED, -QE_BAD_MESSAGE (unknown player,
 * wrong question index, empty or out-of-range choice). */
int room_answer(struct room *r, int64_t recv_us, uint32_t player_id, uint32_t q,
		uint32_t choice_mask, const char *text, int64_t one_way_us,
		int64_t *rt_us);

/* The timer armed at room_timer_at() fired (now_us >= that time). */
void room_tick(struct room *r, int64_t now_us);

/* The store committed everything up to the FX_CLOSED barrier of q: the
 * room reveals it. */
void room_committed(struct room *r, int64_t now_us, uint32_t q);

/* The server cannot go on (storage down): a running room pauses like a
 * host pause (FX_PAUSED with reason; the game clock stops), also while a
 * closed question waits for its commit; a room the host had paused stays
 * paused and only its reason changes. While held, host PAUSE only marks
 * the room to stay paused after the hold, and START and RESUME are refused
 * with -QE_STORAGE_UNAVAILABLE. A lobby or finished room only remembers
 * the hold. Holding a held room does nothing. Returns 0. */
int room_hold(struct room *r, int64_t now_us, enum room_pause_reason reason);
/* Ends a hold: the room resumes as from a host RESUME (FX_RESUMED...),
 * unless the host paused it, in which case it stays paused with reason
 * HOST (FX_PAUSED). A room not held is left alone. Returns 0. */
int room_release(struct room *r, int64_t now_us);
/* Whether room_hold is in force. */
bool room_held(const struct room *r);
/* Why the room is paused (meaningful in ROOM_PAUSED). */
enum room_pause_reason room_pause_reason(const struct room *r);

/* When room_tick must be called next, or 0 for no timer. */
int64_t room_timer_at(const struct room *r);

/* Effects produced since the last room_effects_clear(). */
const struct room_effect *room_effects(const struct room *r, size_t *n);
void room_effects_clear(struct room *r);

/* Read-only views for building messages. */
enum room_state room_state(const struct room *r);
const struct room_settings *room_settings(const struct room *r);
uint32_t room_question_index(const struct room *r); /* current or next */
uint32_t room_question_count(const struct room *r);
const struct room_question *room_question(const struct room *r, uint32_t q);
/* reveal_at/deadline_at of the current question (0 if none). */
int64_t room_reveal_at(const struct room *r);
int64_t room_deadline_at(const struct room *r);
bool room_question_voided(const struct room *r);

/* Players: ids run 1..room_player_slots(); kicked players stay in place. */
size_t room_player_slots(const struct room *r);
const struct room_player *room_player(const struct room *r, uint32_t id);
uint32_t room_player_count(const struct room *r); /* joined, not kicked */

/* Live progress of the open question: answered count and per-option
 * distribution (dist has ITEM_MAX_OPTIONS entries). Returns answered. */
uint32_t room_progress(const struct room *r, uint32_t *dist);
/* Contestants (not kicked) who have not answered the open question: writes
 * the ids of the first max of them, in join order, to ids and returns how
 * many there are in all (0 when no question is open). */
uint32_t room_waiting(const struct room *r, uint32_t *ids, size_t max);
/* Set when the lobby or the progress changed; the server coalesces
 * broadcasts and clears them. */
bool room_lobby_dirty(const struct room *r);
bool room_progress_dirty(const struct room *r);
void room_clear_dirty(struct room *r, bool lobby, bool progress);

/* Standings as of the last reveal: players sorted by score desc, total
 * response time asc, join order asc. Returns how many were written (at
 * most max) to out as player ids. */
size_t room_standings(const struct room *r, uint32_t *out, size_t max);

/* Teams seen so far. */
size_t room_team_count(const struct room *r);
const char *room_team_name(const struct room *r, size_t i);
/* Members (not kicked) and mean score of every team, in one pass over the
 * players: members and mean_score have room_team_count() entries. */
void room_team_tallies(const struct room *r, uint32_t *members,
		       int64_t *mean_score);

#endif

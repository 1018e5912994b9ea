/* The roster of a room (pure): players, nicknames and teams, the points
 * booked to them, ranking with ties (并列) and team boards. The room owns
 * one roster; formats read it and book points through the room. */
#ifndef QUIZ_ROSTER_H
#define QUIZ_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contest.h"
#include "quiz_limits.h"
#include "text.h"

/* What the last booked question did to a player (for Result messages). */
struct room_booking {
	int32_t q; /* question index, -1: none booked yet */
	bool
	    answered; /* the player (or, in a team format, the team) answered */
	bool correct;
	int64_t delta; /* signed points booked */
	int64_t rt_us; /* own compensated response time, if answered */
	int32_t stake; /* WAGER: the stake that was booked, else 0 */
};

struct room_player {
	uint32_t id;	   /* 1-based, never reused in a room */
	uint32_t key_hash; /* text_hash(text_name_key(nick)): the key itself
			      is made again from nick when hashes match, so a
			      seat does not carry TEXT_KEY_MAX bytes */
	char nick[QUIZ_NAME_MAX + 1];
	bool kicked;   /* out of the match: removed by the host, or left */
	bool left;     /* left the lobby: the seat and nickname were freed */
	int team;      /* index into the roster's teams, -1 none */
	int64_t score; /* signed */
	int64_t total_time_us; /* tie-break (docs/PROTOCOL.md, Standing) */
	uint32_t correct;
	uint32_t rank; /* as of the last ranking; tied players share it */
	struct room_booking last;
};

/* One line of a team board. */
struct team_standing {
	int team;	    /* index into the roster's teams */
	uint32_t rank;	    /* 1-based; equal scores share a rank */
	uint32_t members;   /* not kicked */
	int64_t points;	    /* sum or mean (rounded toward zero) of members */
	int64_t score;	    /* base + points */
	int64_t last_delta; /* change at the last booked question */
};

/* Player slots (ids are never reused) are capped at max_players *
 * ROSTER_SLOTS_FACTOR + ROSTER_SLOTS_EXTRA: people who left the lobby keep
 * an id, and this bounds the roster's memory. */
#define ROSTER_SLOTS_FACTOR 4
#define ROSTER_SLOTS_EXTRA  10000

struct roster;

/* A roster for at most max_players contestants at a time. Aborts on OOM. */
struct roster *roster_new(uint32_t max_players);
/* Frees the roster. Accepts NULL. */
void roster_free(struct roster *ro);

/* Fixes the team list to c's (c->nteams > 0): teams are indexed in c's
 * order, shown on boards even without members, and a join must name one.
 * Call before any join. Returns 0, or -QE_BAD_MESSAGE (a bad or repeated
 * name, compared by text_name_key). */
int roster_fix_teams(struct roster *ro, const struct contest *c);
/* Whether the team list is fixed. */
bool roster_teams_fixed(const struct roster *ro);

/* Adds a contestant named nick in team (NULL or "" for none; with a fixed
 * list, required and one of it). total_time_us is the tie-break time it
 * starts with (the limits of the questions it missed). Returns the new id
 * (> 0), -QE_BAD_MESSAGE (bad name or team, a team not on the fixed list),
 * -QE_NAME_TAKEN, -QE_ROOM_FULL (players, slots, or 64 teams in use). */
int64_t roster_join(struct roster *ro, const char *nick, const char *team,
		    int64_t total_time_us);
/* The contestant gives the seat up (lobby): nickname and place are freed,
 * the id stays taken, kicked and left are set. Returns 0, -QE_BAD_MESSAGE
 * (unknown id) or -QE_BAD_STATE (already out). */
int roster_leave(struct roster *ro, uint32_t id);
/* The contestant is out of the match (kicked): keeps nickname and id.
 * Returns 0, -QE_BAD_MESSAGE (unknown id) or -QE_BAD_STATE (already out). */
int roster_kick(struct roster *ro, uint32_t id);

/* Books one question to a player: score += b->delta, correct +=
 * b->correct, total_time_us += time_us, last = *b. */
void roster_book(struct roster *ro, uint32_t id, const struct room_booking *b,
		 int64_t time_us);
/* Recomputes every rank and the standings order (players with equal score
 * and total time share a rank: 1, 1, 3). */
void roster_rank(struct roster *ro);

/* Index of a team by name (text_name_key), or -1. */
int roster_team_find(const struct roster *ro, const char *name);
/* Active (not kicked) members of a team. */
uint32_t roster_team_members(const struct roster *ro, int team);

size_t roster_slots(const struct roster *ro);
const struct room_player *roster_player(const struct roster *ro, uint32_t id);
uint32_t roster_active(const struct roster *ro);

size_t roster_team_count(const struct roster *ro);
const char *roster_team_name(const struct roster *ro, size_t i);

/* Standings as of the last ranking: players by score desc, total time asc,
 * join order asc; players with equal score and time share a rank. Returns
 * how many ids were written (at most max). */
size_t roster_standings(const struct roster *ro, uint32_t *out, size_t max);

/* The team board: one line per team that has a member or is on the fixed
 * list, by score desc then name; writes at most max lines and returns how
 * many teams there are. */
size_t roster_team_board(const struct roster *ro, enum team_scoring sc,
			 int64_t base, struct team_standing *out, size_t max);

#endif

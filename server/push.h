/* Messages built from a live room's state and sent to its members: the
 * pushes of a round (countdown, question, reveal and results, leaderboard,
 * state changes) and the replies that describe a room (Joined, Watching).
 * A broadcast is packed once and the same bytes go to every recipient. */
#ifndef QUIZ_PUSH_H
#define QUIZ_PUSH_H

#include <stdbool.h>
#include <stdint.h>

#include "fmt_practice.h"
#include "hub_int.h"
#include "joinaddr.h"

/* Packs env once and writes it to the seated contestants and/or the
 * watchers (host, screens). */
/* Whether a session may see what helps answer before the reveal (the
 * correct answer, the live distribution): the host and judges. */
bool push_insider(const struct session *ss);
/* Packs a push once for the watchers who are insiders (host and judges),
 * or for the other screens. */
void push_watchers(struct lroom *lr, const Quiz__V1__Envelope *env,
		   bool insiders);
void push_bcast(struct lroom *lr, const Quiz__V1__Envelope *env,
		bool contestants, bool watchers);
/* Fills a RoomSettings message with the room's settings as the server
 * applied them, the draw filter included (strings borrowed from lr; kinds
 * is storage for the kinds list, ITEM_FILL + 1 entries). */
void push_settings(const struct lroom *lr, Quiz__V1__RoomSettings *o,
		   Quiz__V1__QuestionKind *kinds);
/* The accepted answers of a fill-in question, " / " between them, whole
 * answers only (AnswerKey, PracticeResult); "" for the other kinds.
 * Returns buf. */
char *push_key_text(const struct room_question *qq, char *buf, size_t cap);
/* The question (never its answer) to everyone, or to one session. */
void push_question(struct lroom *lr, uint32_t q, struct session *only);
void push_countdown(struct lroom *lr, const struct room_effect *e);
/* Live progress of the open question: to the host the answered count, the
 * distribution and who has not answered yet (count and first names); to
 * screens (no token needed) only the answered and player counts. */
void push_progress(struct lroom *lr);
/* The same to one host or screen catching up (insider or not as it is). */
void push_progress_to(struct lroom *lr, struct session *only);
/* Lobby counts and team tallies (mean score) to everyone. */
void push_lobby(struct lroom *lr);
/* The reveal to everyone, then each contestant's own Result. */
void push_reveal(struct lroom *lr, uint32_t q);
/* After the final Leaderboard: each contestant's own Result of q again (its
 * final total and rank; nothing booked when q was voided), to everyone
 * (only NULL) or to one contestant catching up; a match the host ended
 * before q's reveal has no other. */
void push_final_results(struct lroom *lr, uint32_t q, struct session *only);
/* The top standings to everyone, or to one session. */
void push_leaderboard(struct lroom *lr, uint32_t q, bool final,
		      struct session *only);
void push_state(struct lroom *lr, enum room_state st, int64_t remaining);
void push_joined(struct lroom *lr, struct session *ss, uint32_t seq);
void push_watching(struct lroom *lr, struct session *ss, uint32_t seq);
/* The addresses contestants should type (server/joinaddr.h), for the
 * join_addresses of RoomCreated and a host's Watching. */
struct push_join {
	char addr[JOINADDR_MAX][JOINADDR_LEN];
	char *ptr[JOINADDR_MAX];
	size_t n;
};
void push_join_fill(const struct server *srv, struct push_join *j);
/* Contestants named in a lobby update's roster at most. */
#define PUSH_ROSTER_MAX 200
/* HostStatus{connected}: whether a connection holds the host seat, to the
 * contestants and screens, or to one session. */
void push_host_status(struct lroom *lr, struct session *only);
/* What a late or returning member needs to catch up (HostStatus last). */
void push_catch_up(struct lroom *lr, struct session *ss);

/* The top standings into st (ROOM_TOP_N entries), pointed to by pst;
 * returns how many. */
size_t push_top(struct lroom *lr, Quiz__V1__Standing *st,
		Quiz__V1__Standing **pst);

/* Replies and notices to one session: Ok{}, an AnswerAck (after the
 * commit), Kicked{reason}. */
void push_ok(struct session *ss, uint32_t seq);
void push_answer_ack(struct session *ss, uint32_t q, int64_t rt_us,
		     int64_t recv_us, uint32_t seq);
void push_kicked(struct session *ss, const char *reason);

/* ---- push_contest.c ---- */

/* Storage for a ContestInfo message built from a room's contest. */
struct push_contest {
	Quiz__V1__ContestInfo ci;
	Quiz__V1__RoundInfo ri[CONTEST_ROUNDS_MAX];
	Quiz__V1__RoundInfo *pri[CONTEST_ROUNDS_MAX];
	uint32_t stakes[CONTEST_ROUNDS_MAX][CONTEST_STAKES_MAX];
	char *teams[CONTEST_TEAMS_MAX];
};
void push_contest_fill(const struct lroom *lr, struct push_contest *out);

/* A TeamBoard message of a room (heap: 64 teams with their names). */
struct push_board {
	Quiz__V1__TeamBoard tb;
	Quiz__V1__TeamStanding ts[ROOM_TEAMS_MAX];
	Quiz__V1__TeamStanding *pts[ROOM_TEAMS_MAX];
	char *names[ROOM_TEAMS_MAX][5];
	struct team_standing raw[ROOM_TEAMS_MAX];
};
/* The live team board, or NULL when the room has no teams. members: also
 * the best few members of each team (final boards). Free with
 * push_board_free. */
struct push_board *push_board_new(struct lroom *lr, bool members);
void push_board_free(struct push_board *b);
/* Fills out with whose turn question q is; false if anyone may answer. */
bool push_turn_fill(const struct lroom *lr, uint32_t q, Quiz__V1__Turn *out);
void push_round_start(struct lroom *lr, uint32_t round);
/* The round's end with the team board and top standings, to everyone or
 * to one session. */
void push_round_end(struct lroom *lr, uint32_t round, struct session *only);
void push_wager_request(struct lroom *lr, const struct room_effect *e);
void push_wager_request_to(struct lroom *lr, uint32_t q, int64_t deadline_us,
			   struct session *only);
/* WagerAck: the reply (seq) to the contestant who staked, and a push to
 * the other members of the team and to the host. */
void push_wager_ack(struct lroom *lr, uint32_t player, uint32_t q,
		    int32_t stake, uint32_t seq);
void push_room_created(struct lroom *lr, struct session *ss, uint32_t seq);
/* A contestant who (re)joins during a wager phase is told the stake its
 * team (or itself, without a team) already picked: a WagerAck push naming
 * nobody (player_id 0). */
void push_stake_catch_up(struct lroom *lr, struct session *ss, uint32_t q);

/* ---- push_practice.c: practice's replies to one connection ---- */

/* PracticeReady: who practises (token as the person sent or got it), the
 * sitting and its counts; strings borrowed. */
struct push_practice_ready {
	uint64_t person_id, sitting;
	const char *token, *nickname, *team;
	bool created; /* a new person, registered */
	struct fmt_practice_counts counts;
	const char *const *categories; /* the bank's, first appearance */
	size_t ncategories;
};
void push_practice_ready(struct session *ss,
			 const struct push_practice_ready *r, uint32_t seq);
/* PracticeQuestion sent at now (monotonic), review the 错题本's count. */
void push_practice_question(struct session *ss,
			    const struct fmt_practice_question *q,
			    int64_t limit_us, uint32_t review, int64_t now,
			    uint32_t seq);
/* PracticeWait: nothing to ask (empty: nothing passes the filter), the
 * next due time (0 unknown). */
void push_practice_wait(struct session *ss, bool empty, uint64_t next_due_us,
			uint32_t seq);
/* PracticeResult of an answer to rq (as shown), review the 错题本 after. */
void push_practice_result(struct session *ss,
			  const struct fmt_practice_result *r,
			  const struct room_question *rq, uint32_t review,
			  uint32_t seq);
/* One PersonProgress of a PracticeStats: names borrowed. */
struct push_practice_person {
	const char *nickname, *team;
	const struct practice_progress *pg;
};
/* PracticeStats: the total (with its categories) and, when members is
 * not NULL, n members (a team board). */
void push_practice_stats(struct session *ss,
			 const struct push_practice_person *total,
			 const struct push_practice_person *members, size_t n,
			 uint32_t seq);

/* ---- push_buzz.c ---- */

/* The buzzer of the open question (room_buzz_view) to everyone, or to one
 * session; packed once. Writing the arming of a rebound to a contestant
 * stamps its seat (seats_stamp_arm). Nothing when no buzzer is open. */
void push_buzz_state(struct lroom *lr, struct session *only);
/* What became of one press, to its presser (if connected). */
void push_buzz_result(struct lroom *lr, uint32_t q, const struct room_press *p);
/* The correct answer of q to the host and judges, or to one of them. */
void push_answer_key(struct lroom *lr, uint32_t q, struct session *only);
/* The ruling awaited or given (room_judge_view) to the host and judges,
 * or to one of them; nothing when there is none. */
void push_judge_request(struct lroom *lr, struct session *only);
/* A member catching up: the BuzzState of an open buzzer; to the host or a
 * judge also the AnswerKey and JudgeRequest when relevant. */
void push_buzz_catch_up(struct lroom *lr, struct session *ss);

#endif

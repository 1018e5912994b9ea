/* Messages built from a live room's state and sent to its members: the
 * pushes of a round (countdown, question, reveal and results, leaderboard,
 * state changes) and the replies that describe a room (Joined, Watching).
 * A broadcast is packed once and the same bytes go to every recipient. */
#ifndef QUIZ_PUSH_H
#define QUIZ_PUSH_H

#include <stdbool.h>
#include <stdint.h>

#include "hub_int.h"

/* Packs env once and writes it to the seated contestants and/or the
 * watchers (host, screens). */
void push_bcast(struct lroom *lr, const Quiz__V1__Envelope *env,
		bool contestants, bool watchers);
/* Fills a RoomSettings message with the room's settings as the server
 * applied them, the draw filter included (strings borrowed from lr; kinds
 * is storage for the kinds list, ITEM_FILL + 1 entries). */
void push_settings(const struct lroom *lr, Quiz__V1__RoomSettings *o,
		   Quiz__V1__QuestionKind *kinds);
/* The question (never its answer) to everyone, or to one session. */
void push_question(struct lroom *lr, uint32_t q, struct session *only);
void push_countdown(struct lroom *lr, const struct room_effect *e);
/* Live progress of the open question: to the host the answered count, the
 * distribution and who has not answered yet (count and first names); to
 * screens (no token needed) only the answered and player counts. */
void push_progress(struct lroom *lr);
/* Lobby counts and team tallies (mean score) to everyone. */
void push_lobby(struct lroom *lr);
/* The reveal to everyone, then each contestant's own Result. */
void push_reveal(struct lroom *lr, uint32_t q);
/* The top standings to everyone, or to one session. */
void push_leaderboard(struct lroom *lr, uint32_t q, bool final,
		      struct session *only);
void push_state(struct lroom *lr, enum room_state st, int64_t remaining);
void push_joined(struct lroom *lr, struct session *ss, uint32_t seq);
void push_watching(struct lroom *lr, struct session *ss, uint32_t seq);
/* What a late or returning member needs to catch up. */
void push_catch_up(struct lroom *lr, struct session *ss);

#endif

/* The derived tables of a replayed match compared with the replay
 * (audit_verify.c made it): bookings, answers, presses, drawn questions,
 * results, team results and the match's state; every difference printed
 * with audit_differ. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

/* A contestant's name for a message ("player 3 (Ann)"), from the replay. */
static const char *who(const struct audit_verify *v, uint32_t player, char *buf,
		       size_t cap)
{
	const struct room_player *p =
	    v->m->r && player && player <= room_player_slots(v->m->r)
		? room_player(v->m->r, player)
		: NULL;

	if (p && p->nick[0])
		snprintf(buf, cap, "player %u (%s)", (unsigned)player, p->nick);
	else
		snprintf(buf, cap, "player %u", (unsigned)player);
	return buf;
}

/* Text column (NULL as ""). */
static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

/* Prepares a statement on the read-only connection, bound to the match.
 * NULL (printed) on failure. */
static sqlite3_stmt *prep(struct audit_verify *v, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(v->d->ro, sql, -1, &st, NULL) != SQLITE_OK) {
		audit_differ(v, "cannot read the database: %s",
			     sqlite3_errmsg(v->d->ro));
		return NULL;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)v->match);
	return st;
}

/* Orders bookings by question, then player, then the order the replay
 * booked them in (kept in .match while settling). */
static int booking_cmp(const void *a, const void *b)
{
	const struct store_booking *x = a, *y = b;

	if (x->q != y->q)
		return x->q < y->q ? -1 : 1;
	if (x->player != y->player)
		return x->player < y->player ? -1 : 1;
	return x->match < y->match ? -1 : x->match > y->match;
}

/* Sorts the replayed bookings and keeps the last of each (q, player), as
 * the store's INSERT OR REPLACE does. */
static void bookings_settle(struct audit_verify *v)
{
	size_t i, n = 0;

	if (!v->nbk)
		return;
	for (i = 0; i < v->nbk; i++)
		v->bk[i].match = i;
	qsort(v->bk, v->nbk, sizeof(*v->bk), booking_cmp);
	for (i = 0; i < v->nbk; i++) {
		if (n && v->bk[n - 1].q == v->bk[i].q &&
		    v->bk[n - 1].player == v->bk[i].player)
			n--; /* a later booking of the pair replaces it */
		v->bk[n++] = v->bk[i];
	}
	v->nbk = n;
	for (i = 0; i < n; i++)
		v->bk[i].match = v->match;
}

/* The replayed booking of (q, player), or NULL. */
static const struct store_booking *booking_find(const struct audit_verify *v,
						uint32_t q, uint32_t player)
{
	size_t lo = 0, hi = v->nbk;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct store_booking *b = &v->bk[mid];

		if (b->q == q && b->player == player)
			return b;
		if (b->q < q || (b->q == q && b->player < player))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Compares the bookings table with the replayed bookings. */
static void compare_bookings(struct audit_verify *v)
{
	sqlite3_stmt *st = prep(v, "SELECT q, player_id, delta, answered,"
				   " correct, stake FROM bookings WHERE"
				   " match_id = ?1 ORDER BY q, player_id");
	size_t k = 0;
	char nm[96];

	if (!st)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t q = (uint32_t)sqlite3_column_int64(st, 0);
		uint32_t pl = (uint32_t)sqlite3_column_int64(st, 1);
		const struct store_booking *b;

		v->stored_bookings++;
		while (k < v->nbk &&
		       (v->bk[k].q < q ||
			(v->bk[k].q == q && v->bk[k].player < pl))) {
			b = &v->bk[k++];
			audit_differ(v,
				     "booking q%u %s: booked on replay (delta "
				     "%" PRId64 "), not stored",
				     (unsigned)b->q,
				     who(v, b->player, nm, sizeof(nm)),
				     b->delta);
		}
		if (k == v->nbk || v->bk[k].q != q || v->bk[k].player != pl) {
			audit_differ(v,
				     "booking q%u %s: stored (delta %" PRId64
				     "), not booked on replay",
				     (unsigned)q, who(v, pl, nm, sizeof(nm)),
				     (int64_t)sqlite3_column_int64(st, 2));
			continue;
		}
		b = &v->bk[k++];
#define BOOKING_FIELD(i, name, val)                                            \
	do {                                                                   \
		if (sqlite3_column_int64(st, i) != (int64_t)(val))             \
			audit_differ(v,                                        \
				     "booking q%u %s: " name                   \
				     " stored %" PRId64 ", replayed %" PRId64, \
				     (unsigned)q, who(v, pl, nm, sizeof(nm)),  \
				     (int64_t)sqlite3_column_int64(st, i),     \
				     (int64_t)(val));                          \
	} while (0)
		BOOKING_FIELD(2, "delta", b->delta);
		BOOKING_FIELD(3, "answered", b->answered);
		BOOKING_FIELD(4, "correct", b->correct);
		BOOKING_FIELD(5, "stake", b->stake);
#undef BOOKING_FIELD
	}
	sqlite3_finalize(st);
	for (; k < v->nbk; k++)
		audit_differ(v,
			     "booking q%u %s: booked on replay (delta %" PRId64
			     "), not stored",
			     (unsigned)v->bk[k].q,
			     who(v, v->bk[k].player, nm, sizeof(nm)),
			     v->bk[k].delta);
}

/* Orders replayed answers by question, then player. */
static int answer_cmp(const void *a, const void *b)
{
	const struct audit_answer *x = a, *y = b;

	if (x->q != y->q)
		return x->q < y->q ? -1 : 1;
	return x->player < y->player ? -1 : x->player > y->player;
}

/* Compares the answers table with the replayed answers: what was
 * accepted, with its compensation and response time, the automatic mark,
 * and the points its question's close booked (0 once voided). */
static void compare_answers(struct audit_verify *v)
{
	sqlite3_stmt *st = prep(
	    v, "SELECT q, player_id, choice_mask, recv_us, one_way_us, rt_us,"
	       " correct, points, voided, text FROM answers WHERE match_id = ?1"
	       " ORDER BY q, player_id");
	size_t k = 0;
	char nm[96];

	if (!st)
		return;
	if (v->nan)
		qsort(v->an, v->nan, sizeof(*v->an), answer_cmp);
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t q = (uint32_t)sqlite3_column_int64(st, 0);
		uint32_t pl = (uint32_t)sqlite3_column_int64(st, 1);
		const struct store_booking *b;
		const struct audit_answer *a;
		bool voided;

		while (k < v->nan &&
		       (v->an[k].q < q ||
			(v->an[k].q == q && v->an[k].player < pl))) {
			a = &v->an[k++];
			audit_differ(
			    v, "answer q%u %s: accepted on replay, not stored",
			    (unsigned)a->q, who(v, a->player, nm, sizeof(nm)));
		}
		if (k == v->nan || v->an[k].q != q || v->an[k].player != pl) {
			audit_differ(
			    v, "answer q%u %s: stored, not accepted on replay",
			    (unsigned)q, who(v, pl, nm, sizeof(nm)));
			continue;
		}
		a = &v->an[k++];
		voided = q < ROOM_MAX_QUESTIONS && v->voided[q];
		b = voided ? NULL : booking_find(v, q, pl);
#define ANSWER_FIELD(i, name, val)                                             \
	do {                                                                   \
		if (sqlite3_column_int64(st, i) != (int64_t)(val))             \
			audit_differ(v,                                        \
				     "answer q%u %s: " name " stored %" PRId64 \
				     ", replayed %" PRId64,                    \
				     (unsigned)q, who(v, pl, nm, sizeof(nm)),  \
				     (int64_t)sqlite3_column_int64(st, i),     \
				     (int64_t)(val));                          \
	} while (0)
		ANSWER_FIELD(2, "choice", a->choice_mask);
		ANSWER_FIELD(3, "recv_us", a->recv_us);
		ANSWER_FIELD(4, "compensation", a->comp_us);
		ANSWER_FIELD(5, "rt_us", a->rt_us);
		ANSWER_FIELD(6, "correct", a->correct);
		ANSWER_FIELD(7, "points", b ? b->delta : 0);
		ANSWER_FIELD(8, "voided", voided);
#undef ANSWER_FIELD
		if ((sqlite3_column_type(st, 9) == SQLITE_NULL) != !a->text ||
		    (a->text && strcmp(a->text, col(st, 9)) != 0))
			audit_differ(
			    v,
			    "answer q%u %s: text stored %s%s%s, logged %s%s%s",
			    (unsigned)q, who(v, pl, nm, sizeof(nm)),
			    sqlite3_column_type(st, 9) == SQLITE_NULL ? ""
								      : "\"",
			    sqlite3_column_type(st, 9) == SQLITE_NULL
				? "NULL"
				: col(st, 9),
			    sqlite3_column_type(st, 9) == SQLITE_NULL ? ""
								      : "\"",
			    a->text ? "\"" : "", a->text ? a->text : "NULL",
			    a->text ? "\"" : "");
	}
	sqlite3_finalize(st);
	for (; k < v->nan; k++)
		audit_differ(v, "answer q%u %s: accepted on replay, not stored",
			     (unsigned)v->an[k].q,
			     who(v, v->an[k].player, nm, sizeof(nm)));
}

/* Orders replayed presses by the seq of their event. */
static int press_cmp(const void *a, const void *b)
{
	const struct audit_press *x = a, *y = b;

	return x->p.seq < y->p.seq ? -1 : x->p.seq > y->p.seq;
}

/* Compares the presses table with the replayed decisions: outcome,
 * arming, compensation, reaction and gap, none missing, none extra. */
static void compare_presses(struct audit_verify *v)
{
	sqlite3_stmt *st = prep(v, "SELECT seq, q, player_id, arm, recv_us,"
				   " comp_us, react_us, gap_us, outcome FROM"
				   " presses WHERE match_id = ?1 ORDER BY seq");
	size_t i, k = 0;

	if (!st)
		return;
	if (v->npr)
		qsort(v->pr, v->npr, sizeof(*v->pr), press_cmp);
	for (i = 1; i < v->npr; i++)
		if (v->pr[i].p.seq == v->pr[i - 1].p.seq)
			audit_differ(
			    v, "press seq %" PRIu64 " decided twice on replay",
			    v->pr[i].p.seq);
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
		const struct room_press *p;

		v->stored_presses++;
		while (k < v->npr && v->pr[k].p.seq < seq)
			k++;
		if (k == v->npr || v->pr[k].p.seq != seq) {
			audit_differ(v,
				     "press seq %" PRIu64
				     ": stored (%s), not decided "
				     "on replay",
				     seq, col(st, 8));
			continue;
		}
		p = &v->pr[k].p;
		v->pr[k].stored = true;
		if (strcmp(audit_outcome_name(p->outcome), col(st, 8)) != 0)
			audit_differ(v,
				     "press seq %" PRIu64
				     ": outcome stored %s, replayed %s",
				     seq, col(st, 8),
				     audit_outcome_name(p->outcome));
#define PRESS_FIELD(i, name, val)                                              \
	do {                                                                   \
		if (sqlite3_column_int64(st, i) != (int64_t)(val))             \
			audit_differ(v,                                        \
				     "press seq %" PRIu64 ": " name            \
				     " stored %" PRId64 ", replayed %" PRId64, \
				     seq,                                      \
				     (int64_t)sqlite3_column_int64(st, i),     \
				     (int64_t)(val));                          \
	} while (0)
		PRESS_FIELD(1, "q", v->pr[k].q);
		PRESS_FIELD(2, "player", p->player);
		PRESS_FIELD(3, "arm", p->arm);
		PRESS_FIELD(4, "recv_us", p->recv_us);
		PRESS_FIELD(5, "comp_us", p->comp_us);
		PRESS_FIELD(6, "react_us", p->react_us);
		PRESS_FIELD(7, "gap_us", p->gap_us);
#undef PRESS_FIELD
	}
	sqlite3_finalize(st);
	for (i = 0; i < v->npr; i++)
		if (!v->pr[i].stored)
			audit_differ(v,
				     "press seq %" PRIu64
				     ": decided on replay (%s), "
				     "not stored",
				     v->pr[i].p.seq,
				     audit_outcome_name(v->pr[i].p.outcome));
}

/* Compares match_questions with the questions the replay drew (the same
 * bank in the same order draws the same: a bank changed since the match
 * shows here first). */
static void compare_draws(struct audit_verify *v)
{
	sqlite3_stmt *st = prep(v, "SELECT idx, question_id, perm FROM"
				   " match_questions WHERE match_id = ?1"
				   " ORDER BY idx");
	uint32_t q = 0, n = room_question_count(v->m->r);

	if (!st)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t idx = (uint32_t)sqlite3_column_int64(st, 0);
		const struct room_question *qq;
		char perm[8 * ITEM_MAX_OPTIONS + 4];
		size_t i, len = 0;

		if (idx != q || q >= n) {
			audit_differ(v, "question %u: stored as drawn (%s), %s",
				     (unsigned)idx, col(st, 1),
				     q >= n ? "not drawn on replay"
					    : "out of order");
			sqlite3_finalize(st);
			return;
		}
		qq = room_question(v->m->r, q++);
		perm[len++] = '[';
		for (i = 0; i < ITEM_MAX_OPTIONS; i++)
			len += (size_t)snprintf(perm + len, sizeof(perm) - len,
						"%s%u", i ? "," : "",
						(unsigned)qq->perm[i]);
		snprintf(perm + len, sizeof(perm) - len, "]");
		if (strcmp(qq->item->id, col(st, 1)) != 0)
			audit_differ(
			    v,
			    "question %u: stored %s, drawn on replay %s (was "
			    "the bank changed?)",
			    (unsigned)idx, col(st, 1), qq->item->id);
		else if (sqlite3_column_type(st, 2) != SQLITE_NULL &&
			 strcmp(perm, col(st, 2)) != 0)
			audit_differ(
			    v,
			    "question %u: option order stored %s, replayed "
			    "%s",
			    (unsigned)idx, col(st, 2), perm);
	}
	sqlite3_finalize(st);
	if (q < n)
		audit_differ(v, "question %u: drawn on replay (%s), not stored",
			     (unsigned)q, room_question(v->m->r, q)->item->id);
}

/* Compares results with the replayed standings once the replay finished
 * (a contestant not out has one row each, none else); before, none may be
 * stored. */
static void compare_results(struct audit_verify *v)
{
	struct room *r = v->m->r;
	sqlite3_stmt *st = prep(v, "SELECT player_id, rank, score, correct,"
				   " total_time_us FROM results WHERE"
				   " match_id = ?1 ORDER BY player_id");
	size_t slots = room_player_slots(r);
	uint32_t want = 0; /* results the replay gives */
	char nm[96];
	int rows = 0;

	if (!st)
		return;
	for (size_t i = 1; v->finished && i <= slots; i++)
		if (!room_player(r, (uint32_t)i)->kicked)
			want++;
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t id = (uint32_t)sqlite3_column_int64(st, 0);
		const struct room_player *p =
		    id && id <= slots ? room_player(r, id) : NULL;

		rows++;
		if (!v->finished) {
			audit_differ(v,
				     "results stored, but the replay did not "
				     "finish the match");
			break;
		}
		if (!p || p->kicked) {
			audit_differ(v,
				     "result of %s stored, not a contestant at "
				     "the end of the replay",
				     who(v, id, nm, sizeof(nm)));
			continue;
		}
#define RESULT_FIELD(i, name, val)                                             \
	do {                                                                   \
		if (sqlite3_column_int64(st, i) != (int64_t)(val))             \
			audit_differ(v,                                        \
				     "result of %s: " name " stored %" PRId64  \
				     ", replayed %" PRId64,                    \
				     who(v, id, nm, sizeof(nm)),               \
				     (int64_t)sqlite3_column_int64(st, i),     \
				     (int64_t)(val));                          \
	} while (0)
		RESULT_FIELD(1, "rank", p->rank);
		RESULT_FIELD(2, "score", p->score);
		RESULT_FIELD(3, "correct", p->correct);
		RESULT_FIELD(4, "total time", p->total_time_us);
#undef RESULT_FIELD
	}
	sqlite3_finalize(st);
	if (v->finished && (uint32_t)rows != want)
		audit_differ(
		    v, "%d result rows stored, the replay has %u contestants",
		    rows, (unsigned)want);
}

/* Compares team_results with the replayed team board (after the finish;
 * none before). */
static void compare_teams(struct audit_verify *v)
{
	struct team_standing tb[ROOM_TEAMS_MAX];
	struct room *r = v->m->r;
	sqlite3_stmt *st = prep(v, "SELECT team, rank, members, score, points"
				   " FROM team_results WHERE match_id = ?1");
	size_t nt = 0, i;
	bool seen[ROOM_TEAMS_MAX] = {false};

	if (!st)
		return;
	if (v->finished) {
		nt = room_team_board(r, tb, ROOM_TEAMS_MAX);
		if (nt > ROOM_TEAMS_MAX)
			nt = ROOM_TEAMS_MAX;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = col(st, 0);
		const struct team_standing *t = NULL;

		if (!v->finished) {
			audit_differ(v,
				     "team results stored, but the replay did "
				     "not finish the match");
			break;
		}
		for (i = 0; i < nt; i++)
			if (strcmp(roster_team_name(room_roster(r),
						    (size_t)tb[i].team),
				   name) == 0) {
				t = &tb[i];
				seen[i] = true;
				break;
			}
		if (!t) {
			audit_differ(
			    v, "team %s: stored, not on the replayed board",
			    name);
			continue;
		}
#define TEAM_FIELD(i, what, val)                                               \
	do {                                                                   \
		if (sqlite3_column_int64(st, i) != (int64_t)(val))             \
			audit_differ(v,                                        \
				     "team %s: " what " stored %" PRId64       \
				     ", replayed %" PRId64,                    \
				     name,                                     \
				     (int64_t)sqlite3_column_int64(st, i),     \
				     (int64_t)(val));                          \
	} while (0)
		TEAM_FIELD(1, "rank", t->rank);
		TEAM_FIELD(2, "members", t->members);
		TEAM_FIELD(3, "score", t->score);
		TEAM_FIELD(4, "points", t->points);
#undef TEAM_FIELD
	}
	sqlite3_finalize(st);
	for (i = 0; i < nt; i++)
		if (!seen[i])
			audit_differ(
			    v, "team %s: on the replayed board, not stored",
			    roster_team_name(room_roster(r),
					     (size_t)tb[i].team));
}

/* The match's state agrees with the replay: a finished match (or one the
 * host ended by an END event) replays to FINISHED, and one that replays
 * to FINISHED is no longer running. */
static void compare_state(struct audit_verify *v, const char *state)
{
	const struct store_match_log *lg = &v->m->log;
	bool ended_by_event = false;
	size_t i;

	for (i = 0; i < lg->nevents; i++)
		if (lg->events[i].e.kind &&
		    strcmp(lg->events[i].e.kind, "end") == 0)
			ended_by_event = true;
	if ((strcmp(state, "finished") == 0 || ended_by_event) &&
	    room_state(v->m->r) != ROOM_FINISHED)
		audit_differ(v, "state %s%s, but the replay ends in state %d",
			     state, ended_by_event ? " (an end event)" : "",
			     (int)room_state(v->m->r));
	if (v->finished && (strcmp(state, "running") == 0 ||
			    strcmp(state, "interrupted") == 0))
		audit_differ(
		    v, "the replay finished the match, its state is %s", state);
}

/* Compares every derived table with the replay (audit_int.h). */
void audit_compare(struct audit_verify *v, const char *state)
{
	bookings_settle(v);
	compare_bookings(v);
	compare_answers(v);
	compare_presses(v);
	compare_draws(v);
	compare_results(v);
	compare_teams(v);
	compare_state(v, state);
}

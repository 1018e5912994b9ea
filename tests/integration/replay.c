/* The event log's promise, checked on a real database: every match whose
 * definition and events quizd stored is made again from its definition
 * and its events replayed through the core (room_apply); the scores, ranks
 * and team standings that come out must equal the results quizd stored,
 * and every press of the buzzer must be decided as the presses table says
 * (outcome, arming, compensation, reaction and gap), none missing, none
 * extra.
 *
 *   quiz-replay DB        exit 0: every match that ended replays exactly;
 *                         1: a difference (printed); 2: usage or I/O */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "errors.h"
#include "item.h"
#include "matchdef.h"
#include "room.h"
#include "store.h"
#include "xalloc.h"

static int differences;

/* Prints one difference. */
static void differ(uint64_t match, const char *what, int64_t want, int64_t got)
{
	printf("match %" PRIu64 ": %s: stored %" PRId64 ", replayed %" PRId64
	       "\n",
	       match, what, want, got);
	differences++;
}

/* Copies a text column (NULL as ""), bounded. */
static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

/* The presses the replay decided (FX_BUZZ), of the match being replayed,
 * each with its question. */
struct rpress {
	struct room_press p;
	uint32_t q;
	bool stored; /* a presses row matched it */
};
static struct rpress *rp;
static size_t nrp, caprp;

/* Keeps the presses an FX_BUZZ of the replayed room decided. */
static void keep_presses(uint64_t match, const struct room *r,
			 const struct room_effect *e)
{
	struct room_buzz b;
	uint32_t i;

	if (!e->u.buzz.n)
		return;
	if (!room_buzz_view(r, &b) || b.q != e->q ||
	    e->u.buzz.first > b.npresses ||
	    e->u.buzz.n > b.npresses - e->u.buzz.first) {
		printf("match %" PRIu64 ": q%u: decided presses not in the"
		       " buzzer's view\n",
		       match, (unsigned)e->q);
		differences++;
		return;
	}
	for (i = 0; i < e->u.buzz.n; i++) {
		if (nrp == caprp) {
			caprp = caprp ? 2 * caprp : 64;
			rp = xrealloc(rp, caprp * sizeof(*rp));
		}
		rp[nrp].q = e->q;
		rp[nrp].stored = false;
		rp[nrp++].p = b.presses[e->u.buzz.first + i];
	}
}

/* Orders replayed presses by the seq of their event. */
static int press_cmp(const void *a, const void *b)
{
	const struct rpress *x = a, *y = b;

	return x->p.seq < y->p.seq ? -1 : x->p.seq > y->p.seq;
}

/* Name of a decided outcome as the presses table has it. */
static const char *outcome_name(enum press_outcome o)
{
	static const char *const names[] = {"pending", "won",  "slower",
					    "late",    "foul", "ignored"};

	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

/* Compares the presses table of a match with the replayed decisions. */
static void compare_presses(sqlite3 *db, uint64_t match)
{
	sqlite3_stmt *st;
	size_t i, k = 0;

	if (nrp) /* (qsort of NULL is undefined, even for 0) */
		qsort(rp, nrp, sizeof(*rp), press_cmp);
	for (i = 1; i < nrp; i++)
		if (rp[i].p.seq == rp[i - 1].p.seq) {
			printf("match %" PRIu64 ": press %" PRIu64
			       " decided twice on replay\n",
			       match, rp[i].p.seq);
			differences++;
		}
	sqlite3_prepare_v2(db,
			   "SELECT seq, q, player_id, arm, recv_us, comp_us,"
			   " react_us, gap_us, outcome FROM presses"
			   " WHERE match_id = ?1 ORDER BY seq",
			   -1, &st, NULL);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)match);
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
		const struct room_press *p;
		char what[64];

		while (k < nrp && rp[k].p.seq < seq)
			k++;
		if (k == nrp || rp[k].p.seq != seq) {
			differ(match, "stored press not decided on replay",
			       (int64_t)seq, 0);
			continue;
		}
		p = &rp[k].p;
		rp[k].stored = true;
		snprintf(what, sizeof(what), "press %" PRIu64 " outcome", seq);
		if (strcmp(outcome_name(p->outcome), col(st, 8)) != 0) {
			printf(
			    "match %" PRIu64 ": %s: stored %s, replayed %s\n",
			    match, what, col(st, 8), outcome_name(p->outcome));
			differences++;
		}
#define PRESS_FIELD(i, name, val)                                              \
	do {                                                                   \
		snprintf(what, sizeof(what), "press %" PRIu64 " %s", seq,      \
			 name);                                                \
		if (sqlite3_column_int64(st, i) != (int64_t)(val))             \
			differ(match, what, sqlite3_column_int64(st, i),       \
			       (int64_t)(val));                                \
	} while (0)
		PRESS_FIELD(1, "q", rp[k].q);
		PRESS_FIELD(2, "player", p->player);
		PRESS_FIELD(3, "arm", p->arm);
		PRESS_FIELD(4, "recv", p->recv_us);
		PRESS_FIELD(5, "comp", p->comp_us);
		PRESS_FIELD(6, "react", p->react_us);
		PRESS_FIELD(7, "gap", p->gap_us);
#undef PRESS_FIELD
	}
	sqlite3_finalize(st);
	for (i = 0; i < nrp; i++)
		if (!rp[i].stored)
			differ(match, "press decided on replay, not stored", 0,
			       (int64_t)rp[i].p.seq);
}

/* Replays the events of one match into r. Returns the number applied, or
 * -1 on a database error. */
static int replay_events(sqlite3 *db, uint64_t match, struct room *r)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	if (sqlite3_prepare_v2(
		db,
		"SELECT seq, kind, at_us, player_id, q,"
		" choice_mask, one_way_us, arg, nick, team, text,"
		" arg2 FROM events WHERE match_id = ?1"
		" ORDER BY seq",
		-1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)match);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct room_event ev;
		int64_t res;

		memset(&ev, 0, sizeof(ev));
		ev.seq = (uint64_t)sqlite3_column_int64(st, 0);
		ev.kind = room_event_kind_parse(col(st, 1));
		ev.at_us = sqlite3_column_int64(st, 2);
		ev.player = (uint32_t)sqlite3_column_int64(st, 3);
		ev.q = (uint32_t)sqlite3_column_int64(st, 4);
		ev.choice_mask = (uint32_t)sqlite3_column_int64(st, 5);
		ev.one_way_us = sqlite3_column_int64(st, 6);
		ev.arg = sqlite3_column_int64(st, 7);
		ev.nick = sqlite3_column_type(st, 8) == SQLITE_NULL
			      ? NULL
			      : col(st, 8);
		ev.team = sqlite3_column_type(st, 9) == SQLITE_NULL
			      ? NULL
			      : col(st, 9);
		ev.text = sqlite3_column_type(st, 10) == SQLITE_NULL
			      ? NULL
			      : col(st, 10);
		ev.arg2 = sqlite3_column_int64(st, 11);
		res = room_apply(r, &ev);
		if (res < 0 && !(ev.kind == EV_JOIN && res > 0)) {
			printf("match %" PRIu64 ": event %" PRIu64
			       " (%s) refused on replay: %s\n",
			       match, ev.seq, col(st, 1),
			       quiz_strerror((int)res));
			differences++;
		}
		{
			const struct room_effect *fx;
			size_t i, nfx;

			fx = room_effects(r, &nfx);
			for (i = 0; i < nfx; i++)
				if (fx[i].kind == FX_BUZZ)
					keep_presses(match, r, &fx[i]);
		}
		room_effects_clear(r);
		n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

/* Compares the stored results and team results with the replayed room. */
static void compare(sqlite3 *db, uint64_t match, const struct room *r)
{
	struct team_standing tb[ROOM_TEAMS_MAX];
	sqlite3_stmt *st;
	size_t nt, i;
	int rows = 0;

	sqlite3_prepare_v2(db,
			   "SELECT player_id, rank, score, correct,"
			   " total_time_us FROM results WHERE match_id = ?1",
			   -1, &st, NULL);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)match);
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t id = (uint32_t)sqlite3_column_int64(st, 0);
		const struct room_player *p = room_player(r, id);
		char what[64];

		rows++;
		if (!p) {
			differ(match, "player in results", id, 0);
			continue;
		}
		snprintf(what, sizeof(what), "player %u score", id);
		if (sqlite3_column_int64(st, 2) != p->score)
			differ(match, what, sqlite3_column_int64(st, 2),
			       p->score);
		snprintf(what, sizeof(what), "player %u rank", id);
		if (sqlite3_column_int64(st, 1) != p->rank)
			differ(match, what, sqlite3_column_int64(st, 1),
			       p->rank);
		snprintf(what, sizeof(what), "player %u correct", id);
		if (sqlite3_column_int64(st, 3) != p->correct)
			differ(match, what, sqlite3_column_int64(st, 3),
			       p->correct);
		snprintf(what, sizeof(what), "player %u total time", id);
		if (sqlite3_column_int64(st, 4) != p->total_time_us)
			differ(match, what, sqlite3_column_int64(st, 4),
			       p->total_time_us);
	}
	sqlite3_finalize(st);
	if (rows != (int)room_player_count(r))
		differ(match, "contestants with results", rows,
		       room_player_count(r));

	nt = room_team_board(r, tb, ROOM_TEAMS_MAX);
	sqlite3_prepare_v2(db,
			   "SELECT rank, score, members FROM team_results"
			   " WHERE match_id = ?1 AND team = ?2",
			   -1, &st, NULL);
	for (i = 0; i < nt && i < ROOM_TEAMS_MAX; i++) {
		const char *name =
		    roster_team_name(room_roster(r), (size_t)tb[i].team);

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)match);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			printf("match %" PRIu64 ": team %s not stored\n", match,
			       name);
			differences++;
			continue;
		}
		if (sqlite3_column_int64(st, 1) != tb[i].score)
			differ(match, name, sqlite3_column_int64(st, 1),
			       tb[i].score);
		if (sqlite3_column_int64(st, 0) != tb[i].rank)
			differ(match, "team rank", sqlite3_column_int64(st, 0),
			       tb[i].rank);
	}
	sqlite3_finalize(st);
}

int main(int argc, char **argv)
{
	struct bank *bank = bank_new();
	struct contest *c = xcalloc(1, sizeof(*c));
	struct room_settings s;
	struct store *store;
	sqlite3_stmt *st;
	sqlite3 *db;
	char *err = NULL, msg[200];
	int matches = 0, events = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: quiz-replay DB\n");
		return 2;
	}
	/* the bank as quizd loaded it (the same order: the same draws) */
	store = store_open(argv[1], NULL, NULL, &err);
	if (!store || store_load_bank(store, bank) < 0) {
		fprintf(stderr, "quiz-replay: %s\n", err ? err : "no bank");
		return 2;
	}
	store_close(store);
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		return 2;
	sqlite3_prepare_v2(db,
			   "SELECT id, definition, state = 'finished' OR"
			   " EXISTS (SELECT 1 FROM events e WHERE e.match_id ="
			   " m.id AND e.kind = 'end') FROM matches m"
			   " WHERE state IN ('finished', 'ended') AND"
			   " definition IS NOT NULL ORDER BY id",
			   -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t match = (uint64_t)sqlite3_column_int64(st, 0);
		struct room *r;
		int n;

		if (matchdef_read(col(st, 1), &s, c, msg, sizeof(msg)) < 0) {
			printf("match %" PRIu64 ": %s\n", match, msg);
			differences++;
			continue;
		}
		/* host commands in the log were accepted with the host's
		 * token: the replayed room only needs one of its own */
		r = room_new(&s, c, bank, "replay");
		nrp = 0;
		n = replay_events(db, match, r);
		if (n < 0) {
			fprintf(stderr, "quiz-replay: %s\n",
				sqlite3_errmsg(db));
			return 2;
		}
		/* played to the end or ended by the host; a room removed
		 * unplayed ('ended' too) has nothing to finish */
		if (sqlite3_column_int(st, 2) && room_state(r) != ROOM_FINISHED)
			differ(match, "replayed to FINISHED", ROOM_FINISHED,
			       room_state(r));
		compare(db, match, r);
		compare_presses(db, match);
		room_free(r);
		matches++;
		events += n;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	printf("%s: %d finished match(es), %d events replayed, %d "
	       "difference(s)\n",
	       differences ? "FAIL" : "PASS", matches, events, differences);
	free(rp);
	free(c);
	bank_free(bank);
	return differences || !matches ? 1 : 0;
}

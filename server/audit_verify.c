/* `quizd audit verify`: a match's events checked against their hash chain,
 * then made again through the core (room_apply, as quizd rebuilds a room)
 * and what the replay books compared with what quizd stored: bookings,
 * answers, presses, drawn questions, and once it ended the results and
 * team results. One implementation for the tests and for people
 * (docs/AUDIT.md). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"
#include "errors.h"
#include "evhash.h"
#include "xalloc.h"

/* An answer the replay accepted (FX_ANSWER). */
struct vanswer {
	uint32_t q, player, choice_mask;
	int64_t recv_us, comp_us, rt_us;
	bool correct;
	const char *text; /* the event's (owned by the log), NULL none */
};

/* A press the replay decided (FX_BUZZ), with its question. */
struct vpress {
	struct room_press p;
	uint32_t q;
	bool stored; /* a presses row matched it */
};

/* One match being verified. */
struct verify {
	struct audit_db *d;
	struct audit_match *m;
	uint64_t match;
	unsigned diffs;
	char head[EVHASH_HEX + 1]; /* "" no chain */
	uint64_t chain_from;	   /* first seq with a hash, 0 none */
	bool finished;		   /* the replay reached FX_FINISHED */
	bool voided[ROOM_MAX_QUESTIONS];
	struct store_booking *bk;
	size_t nbk, capbk;
	struct vanswer *an;
	size_t nan, capan;
	struct vpress *pr;
	size_t npr, cappr;
	size_t stored_bookings, stored_presses;
};

/* Prints one difference of the match. */
__attribute__((format(printf, 2, 3))) static void differ(struct verify *v,
							 const char *fmt, ...)
{
	va_list ap;

	printf("match %" PRIu64 ": ", v->match);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	v->diffs++;
}

/* A contestant's name for a message ("player 3 (Ann)"), from the replay. */
static const char *who(const struct verify *v, uint32_t player, char *buf,
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
static sqlite3_stmt *prep(struct verify *v, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(v->d->ro, sql, -1, &st, NULL) != SQLITE_OK) {
		differ(v, "cannot read the database: %s",
		       sqlite3_errmsg(v->d->ro));
		return NULL;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)v->match);
	return st;
}

/* --- the chain --- */

/* Recomputes the chain: the first seq whose stored hash differs from the
 * recomputed one, a gap in seq, or a row without a hash inside the chain
 * is a difference (only the first is reported: every later link depends
 * on it). Rows stored before v5 (no hash) may precede the chain. */
static void verify_chain(struct verify *v)
{
	const struct store_match_log *lg = &v->m->log;
	char prev[EVHASH_HEX + 1] = "", calc[EVHASH_HEX + 1];
	uint64_t want = 1;
	size_t i;

	v->head[0] = '\0';
	v->chain_from = 0;
	for (i = 0; i < lg->nevents; i++) {
		const struct store_event_row *row = &lg->events[i];
		uint64_t seq = row->e.seq;

		if (seq != want) {
			if (want == 1)
				differ(v,
				       "chain: seq 1 missing (the events "
				       "begin at seq %" PRIu64 ")",
				       seq);
			else
				differ(v,
				       "chain: seq %" PRIu64
				       " missing (seq %" PRIu64
				       " is followed by %" PRIu64 ")",
				       want, want - 1, seq);
			return;
		}
		want++;
		if (!row->hash[0]) {
			if (v->chain_from) {
				differ(v,
				       "chain: seq %" PRIu64
				       " has no hash (the chain began at "
				       "seq %" PRIu64 ")",
				       seq, v->chain_from);
				return;
			}
			continue; /* stored before schema v5 */
		}
		if (!v->chain_from)
			v->chain_from = seq;
		if (evhash_hex(prev, &row->e, calc) < 0) {
			differ(v, "chain: seq %" PRIu64 ": bad previous hash",
			       seq);
			return;
		}
		if (strcmp(calc, row->hash) != 0) {
			differ(v,
			       "chain broken at seq %" PRIu64
			       " (%s): stored hash %.16s..., recomputed "
			       "%.16s...",
			       seq, row->e.kind ? row->e.kind : "?", row->hash,
			       calc);
			return;
		}
		memcpy(prev, row->hash, sizeof(prev));
	}
	if (v->chain_from)
		memcpy(v->head, prev, sizeof(v->head));
}

/* --- the replay --- */

/* Keeps what question q booked at its close (as lroom_store_close writes
 * it: every contestant not out whose last booking is q and who answered
 * or got points). */
static void keep_bookings(struct verify *v, const struct room_effect *e)
{
	struct room *r = v->m->r;
	size_t i, n = room_player_slots(r);

	if (e->q < ROOM_MAX_QUESTIONS)
		v->voided[e->q] = e->u.closed.voided;
	if (e->u.closed.voided)
		return;
	for (i = 1; i <= n; i++) {
		const struct room_player *pl = room_player(r, (uint32_t)i);
		struct store_booking *b;

		if (pl->kicked || pl->last.q != (int32_t)e->q ||
		    (!pl->last.answered && !pl->last.delta))
			continue;
		if (v->nbk == v->capbk) {
			v->capbk = v->capbk ? 2 * v->capbk : 64;
			v->bk = xrealloc(v->bk, v->capbk * sizeof(*v->bk));
		}
		b = &v->bk[v->nbk++];
		memset(b, 0, sizeof(*b));
		b->match = v->match;
		b->q = e->q;
		b->player = pl->id;
		b->delta = pl->last.delta;
		b->answered = pl->last.answered;
		b->correct = pl->last.correct;
		b->stake = pl->last.stake;
	}
}

/* Keeps an accepted answer. */
static void keep_answer(struct verify *v, const struct room_effect *e,
			const char *text)
{
	struct vanswer *a;

	if (v->nan == v->capan) {
		v->capan = v->capan ? 2 * v->capan : 64;
		v->an = xrealloc(v->an, v->capan * sizeof(*v->an));
	}
	a = &v->an[v->nan++];
	a->q = e->q;
	a->player = e->u.answer.player;
	a->choice_mask = e->u.answer.choice_mask;
	a->recv_us = e->u.answer.recv_us;
	a->comp_us = e->u.answer.comp_us;
	a->rt_us = e->u.answer.rt_us;
	a->correct = e->u.answer.correct;
	a->text = text;
}

/* Keeps the presses an FX_BUZZ decided. */
static void keep_presses(struct verify *v, uint64_t seq,
			 const struct room_effect *e)
{
	struct room_buzz b;
	uint32_t i;

	if (!e->u.buzz.n)
		return;
	if (!room_buzz_view(v->m->r, &b) || b.q != e->q ||
	    e->u.buzz.first > b.npresses ||
	    e->u.buzz.n > b.npresses - e->u.buzz.first) {
		differ(v,
		       "seq %" PRIu64 ": q%u: decided presses not in the "
		       "buzzer's view",
		       seq, (unsigned)e->q);
		return;
	}
	for (i = 0; i < e->u.buzz.n; i++) {
		if (v->npr == v->cappr) {
			v->cappr = v->cappr ? 2 * v->cappr : 64;
			v->pr = xrealloc(v->pr, v->cappr * sizeof(*v->pr));
		}
		v->pr[v->npr].q = e->q;
		v->pr[v->npr].stored = false;
		v->pr[v->npr++].p = b.presses[e->u.buzz.first + i];
	}
}

/* Feeds every stored event to room_apply in seq order and keeps what the
 * replay books. Each event must be accepted and logged again as itself
 * (one FX_EVENT, same seq and kind). */
static void verify_replay(struct verify *v)
{
	const struct store_match_log *lg = &v->m->log;
	struct room *r = v->m->r;
	size_t i, k, nfx;
	uint64_t refused = 0;

	for (i = 0; i < lg->nevents; i++) {
		const struct store_event *se = &lg->events[i].e;
		const struct room_effect *fx;
		struct room_event ev;
		unsigned logged = 0;
		int rc;

		audit_event_in(se, &ev);
		if (!ev.kind) {
			differ(v, "seq %" PRIu64 ": unknown kind '%s'", se->seq,
			       se->kind ? se->kind : "");
			refused++;
			continue;
		}
		rc = room_apply(r, &ev);
		if (rc < 0) {
			differ(v, "seq %" PRIu64 " (%s) refused on replay: %s",
			       se->seq, se->kind, quiz_strerror(rc));
			refused++;
		}
		fx = room_effects(r, &nfx);
		for (k = 0; k < nfx; k++) {
			const struct room_effect *e = &fx[k];

			switch (e->kind) {
			case FX_EVENT:
				logged++;
				/* a refused event took no seq in the room */
				if (e->u.ev.seq != se->seq - refused ||
				    e->u.ev.kind != ev.kind)
					differ(
					    v,
					    "seq %" PRIu64
					    " (%s) is logged on replay as "
					    "seq %" PRIu64 " (%s)",
					    se->seq, se->kind, e->u.ev.seq,
					    room_event_kind_name(e->u.ev.kind));
				break;
			case FX_ANSWER:
				keep_answer(v, e, se->text);
				break;
			case FX_CLOSED:
				keep_bookings(v, e);
				break;
			case FX_BUZZ:
				keep_presses(v, se->seq, e);
				break;
			case FX_FINISHED:
				v->finished = true;
				break;
			default:
				break;
			}
		}
		if (rc >= 0 && logged != 1)
			differ(v,
			       "seq %" PRIu64 " (%s): the replay logged %u "
			       "events for it",
			       se->seq, se->kind, logged);
		room_effects_clear(r);
	}
}

/* --- the comparisons --- */

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
static void bookings_settle(struct verify *v)
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
static const struct store_booking *booking_find(const struct verify *v,
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
static void compare_bookings(struct verify *v)
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
			differ(v,
			       "booking q%u %s: booked on replay (delta "
			       "%" PRId64 "), not stored",
			       (unsigned)b->q,
			       who(v, b->player, nm, sizeof(nm)), b->delta);
		}
		if (k == v->nbk || v->bk[k].q != q || v->bk[k].player != pl) {
			differ(v,
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
			differ(v,                                              \
			       "booking q%u %s: " name " stored %" PRId64      \
			       ", replayed %" PRId64,                          \
			       (unsigned)q, who(v, pl, nm, sizeof(nm)),        \
			       (int64_t)sqlite3_column_int64(st, i),           \
			       (int64_t)(val));                                \
	} while (0)
		BOOKING_FIELD(2, "delta", b->delta);
		BOOKING_FIELD(3, "answered", b->answered);
		BOOKING_FIELD(4, "correct", b->correct);
		BOOKING_FIELD(5, "stake", b->stake);
#undef BOOKING_FIELD
	}
	sqlite3_finalize(st);
	for (; k < v->nbk; k++)
		differ(v,
		       "booking q%u %s: booked on replay (delta %" PRId64
		       "), not stored",
		       (unsigned)v->bk[k].q,
		       who(v, v->bk[k].player, nm, sizeof(nm)), v->bk[k].delta);
}

/* Orders replayed answers by question, then player. */
static int answer_cmp(const void *a, const void *b)
{
	const struct vanswer *x = a, *y = b;

	if (x->q != y->q)
		return x->q < y->q ? -1 : 1;
	return x->player < y->player ? -1 : x->player > y->player;
}

/* Compares the answers table with the replayed answers: what was
 * accepted, with its compensation and response time, the automatic mark,
 * and the points its question's close booked (0 once voided). */
static void compare_answers(struct verify *v)
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
		const struct vanswer *a;
		bool voided;

		while (k < v->nan &&
		       (v->an[k].q < q ||
			(v->an[k].q == q && v->an[k].player < pl))) {
			a = &v->an[k++];
			differ(
			    v, "answer q%u %s: accepted on replay, not stored",
			    (unsigned)a->q, who(v, a->player, nm, sizeof(nm)));
		}
		if (k == v->nan || v->an[k].q != q || v->an[k].player != pl) {
			differ(v,
			       "answer q%u %s: stored, not accepted on replay",
			       (unsigned)q, who(v, pl, nm, sizeof(nm)));
			continue;
		}
		a = &v->an[k++];
		voided = q < ROOM_MAX_QUESTIONS && v->voided[q];
		b = voided ? NULL : booking_find(v, q, pl);
#define ANSWER_FIELD(i, name, val)                                             \
	do {                                                                   \
		if (sqlite3_column_int64(st, i) != (int64_t)(val))             \
			differ(v,                                              \
			       "answer q%u %s: " name " stored %" PRId64       \
			       ", replayed %" PRId64,                          \
			       (unsigned)q, who(v, pl, nm, sizeof(nm)),        \
			       (int64_t)sqlite3_column_int64(st, i),           \
			       (int64_t)(val));                                \
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
			differ(
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
		differ(v, "answer q%u %s: accepted on replay, not stored",
		       (unsigned)v->an[k].q,
		       who(v, v->an[k].player, nm, sizeof(nm)));
}

/* Orders replayed presses by the seq of their event. */
static int press_cmp(const void *a, const void *b)
{
	const struct vpress *x = a, *y = b;

	return x->p.seq < y->p.seq ? -1 : x->p.seq > y->p.seq;
}

/* Compares the presses table with the replayed decisions: outcome,
 * arming, compensation, reaction and gap, none missing, none extra. */
static void compare_presses(struct verify *v)
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
			differ(v,
			       "press seq %" PRIu64 " decided twice on replay",
			       v->pr[i].p.seq);
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
		const struct room_press *p;

		v->stored_presses++;
		while (k < v->npr && v->pr[k].p.seq < seq)
			k++;
		if (k == v->npr || v->pr[k].p.seq != seq) {
			differ(v,
			       "press seq %" PRIu64
			       ": stored (%s), not decided "
			       "on replay",
			       seq, col(st, 8));
			continue;
		}
		p = &v->pr[k].p;
		v->pr[k].stored = true;
		if (strcmp(audit_outcome_name(p->outcome), col(st, 8)) != 0)
			differ(v,
			       "press seq %" PRIu64
			       ": outcome stored %s, replayed %s",
			       seq, col(st, 8), audit_outcome_name(p->outcome));
#define PRESS_FIELD(i, name, val)                                              \
	do {                                                                   \
		if (sqlite3_column_int64(st, i) != (int64_t)(val))             \
			differ(v,                                              \
			       "press seq %" PRIu64 ": " name                  \
			       " stored %" PRId64 ", replayed %" PRId64,       \
			       seq, (int64_t)sqlite3_column_int64(st, i),      \
			       (int64_t)(val));                                \
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
			differ(v,
			       "press seq %" PRIu64 ": decided on replay (%s), "
			       "not stored",
			       v->pr[i].p.seq,
			       audit_outcome_name(v->pr[i].p.outcome));
}

/* Compares match_questions with the questions the replay drew (the same
 * bank in the same order draws the same: a bank changed since the match
 * shows here first). */
static void compare_draws(struct verify *v)
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
			differ(v, "question %u: stored as drawn (%s), %s",
			       (unsigned)idx, col(st, 1),
			       q >= n ? "not drawn on replay" : "out of order");
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
			differ(
			    v,
			    "question %u: stored %s, drawn on replay %s (was "
			    "the bank changed?)",
			    (unsigned)idx, col(st, 1), qq->item->id);
		else if (sqlite3_column_type(st, 2) != SQLITE_NULL &&
			 strcmp(perm, col(st, 2)) != 0)
			differ(v,
			       "question %u: option order stored %s, replayed "
			       "%s",
			       (unsigned)idx, col(st, 2), perm);
	}
	sqlite3_finalize(st);
	if (q < n)
		differ(v, "question %u: drawn on replay (%s), not stored",
		       (unsigned)q, room_question(v->m->r, q)->item->id);
}

/* Compares results with the replayed standings once the replay finished
 * (a contestant not out has one row each, none else); before, none may be
 * stored. */
static void compare_results(struct verify *v)
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
			differ(v, "results stored, but the replay did not "
				  "finish the match");
			break;
		}
		if (!p || p->kicked) {
			differ(v,
			       "result of %s stored, not a contestant at "
			       "the end of the replay",
			       who(v, id, nm, sizeof(nm)));
			continue;
		}
#define RESULT_FIELD(i, name, val)                                             \
	do {                                                                   \
		if (sqlite3_column_int64(st, i) != (int64_t)(val))             \
			differ(v,                                              \
			       "result of %s: " name " stored %" PRId64        \
			       ", replayed %" PRId64,                          \
			       who(v, id, nm, sizeof(nm)),                     \
			       (int64_t)sqlite3_column_int64(st, i),           \
			       (int64_t)(val));                                \
	} while (0)
		RESULT_FIELD(1, "rank", p->rank);
		RESULT_FIELD(2, "score", p->score);
		RESULT_FIELD(3, "correct", p->correct);
		RESULT_FIELD(4, "total time", p->total_time_us);
#undef RESULT_FIELD
	}
	sqlite3_finalize(st);
	if (v->finished && (uint32_t)rows != want)
		differ(v,
		       "%d result rows stored, the replay has %u contestants",
		       rows, (unsigned)want);
}

/* Compares team_results with the replayed team board (after the finish;
 * none before). */
static void compare_teams(struct verify *v)
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
			differ(v, "team results stored, but the replay did "
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
			differ(v, "team %s: stored, not on the replayed board",
			       name);
			continue;
		}
#define TEAM_FIELD(i, what, val)                                               \
	do {                                                                   \
		if (sqlite3_column_int64(st, i) != (int64_t)(val))             \
			differ(v,                                              \
			       "team %s: " what " stored %" PRId64             \
			       ", replayed %" PRId64,                          \
			       name, (int64_t)sqlite3_column_int64(st, i),     \
			       (int64_t)(val));                                \
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
			differ(v, "team %s: on the replayed board, not stored",
			       roster_team_name(room_roster(r),
						(size_t)tb[i].team));
}

/* The match's state agrees with the replay: a finished match (or one the
 * host ended by an END event) replays to FINISHED, and one that replays
 * to FINISHED is no longer running. */
static void compare_state(struct verify *v, const char *state)
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
		differ(v, "state %s%s, but the replay ends in state %d", state,
		       ended_by_event ? " (an end event)" : "",
		       (int)room_state(v->m->r));
	if (v->finished && (strcmp(state, "running") == 0 ||
			    strcmp(state, "interrupted") == 0))
		differ(v, "the replay finished the match, its state is %s",
		       state);
}

/* --- one match --- */

/* Loads a match and opens a read snapshot that holds exactly the events
 * loaded (a live quizd may be appending; one input's rows commit
 * together, so the derived rows of that snapshot match those events).
 * Returns 0, 2 (printed) when the match cannot be read. */
static int verify_load(struct verify *v, char *state, size_t cap)
{
	struct audit_match *m = v->m;
	int attempt, rc;

	for (attempt = 0; attempt < 5; attempt++) {
		sqlite3_stmt *st = NULL;
		uint64_t last = 0, nstored = 0;
		bool found = false;

		rc = audit_match_load(v->d, v->match, m);
		if (rc == -QE_ROOM_NOT_FOUND) {
			printf("match %" PRIu64 ": no such match\n", v->match);
			return 2;
		}
		if (rc < 0) {
			printf("match %" PRIu64 ": cannot be read: %s\n",
			       v->match, quiz_strerror(rc));
			return 2;
		}
		if (m->log.nevents)
			last = m->log.events[m->log.nevents - 1].e.seq;
		if (sqlite3_exec(v->d->ro, "BEGIN", NULL, NULL, NULL) !=
			SQLITE_OK ||
		    sqlite3_prepare_v2(
			v->d->ro,
			"SELECT state, (SELECT coalesce(max(seq), 0) FROM"
			" events WHERE match_id = ?1) FROM matches WHERE id ="
			" ?1",
			-1, &st, NULL) != SQLITE_OK) {
			printf("match %" PRIu64 ": cannot be read: %s\n",
			       v->match, sqlite3_errmsg(v->d->ro));
			sqlite3_finalize(st);
			return 2;
		}
		sqlite3_bind_int64(st, 1, (sqlite3_int64)v->match);
		if (sqlite3_step(st) == SQLITE_ROW) {
			found = true;
			snprintf(state, cap, "%s", col(st, 0));
			nstored = (uint64_t)sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
		if (found && nstored == last)
			return 0;
		sqlite3_exec(v->d->ro, "ROLLBACK", NULL, NULL, NULL);
		audit_match_free(m);
	}
	printf("match %" PRIu64 ": still being written; try again\n", v->match);
	return 2;
}

/* Verifies one match (printing its line). Returns 0 ok, 1 a difference,
 * 2 not readable. */
static int verify_one(struct audit_db *d, uint64_t id)
{
	struct audit_match m;
	struct verify *v = xcalloc(1, sizeof(*v));
	char state[32] = "", err[256];
	int rc;

	v->d = d;
	v->m = &m;
	v->match = id;
	memset(&m, 0, sizeof(m));
	rc = verify_load(v, state, sizeof(state));
	if (rc)
		goto out;
	verify_chain(v);
	if (audit_room(d, &m, err, sizeof(err)) < 0) {
		differ(v, "%s", err);
	} else {
		verify_replay(v);
		bookings_settle(v);
		compare_bookings(v);
		compare_answers(v);
		compare_presses(v);
		compare_draws(v);
		compare_results(v);
		compare_teams(v);
		compare_state(v, state);
	}
	sqlite3_exec(d->ro, "COMMIT", NULL, NULL, NULL);
	if (v->diffs) {
		printf("match %" PRIu64 ": FAIL: %u difference%s\n", id,
		       v->diffs, v->diffs == 1 ? "" : "s");
		rc = 1;
	} else {
		printf("match %" PRIu64 ": ok: %zu events, chain head %s, %zu "
		       "bookings, %zu presses",
		       id, m.log.nevents, v->head[0] ? v->head : "none",
		       v->stored_bookings, v->stored_presses);
		if (v->chain_from > 1)
			printf(" (no chain before seq %" PRIu64 ")",
			       v->chain_from);
		else if (!v->chain_from && m.log.nevents)
			printf(" (no chain: stored before schema v5)");
		printf(", %s\n", state);
	}
out:
	audit_match_free(&m);
	free(v->bk);
	free(v->an);
	free(v->pr);
	free(v);
	return rc;
}

/* `quizd audit verify MATCH...` (audit_int.h). */
int audit_verify(struct audit_db *d, const uint64_t *ids, size_t n)
{
	int worst = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int rc = verify_one(d, ids[i]);

		if (rc > worst)
			worst = rc;
	}
	return worst;
}

/* `quizd audit verify --all` (audit_int.h): every match with a
 * definition; none at all is a failure (nothing was verified). */
int audit_verify_all(struct audit_db *d)
{
	sqlite3_stmt *st = NULL;
	uint64_t *ids = NULL;
	size_t n = 0, cap = 0, bad = 0, i;
	int worst = 0;

	if (sqlite3_prepare_v2(d->ro,
			       "SELECT id FROM matches WHERE definition IS NOT"
			       " NULL ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "quizd audit verify: %s: %s\n", d->path,
			sqlite3_errmsg(d->ro));
		return 2;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = (uint64_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (!n) {
		printf("no match with a definition in %s: nothing verified\n",
		       d->path);
		return 1;
	}
	for (i = 0; i < n; i++) {
		int rc = verify_one(d, ids[i]);

		if (rc)
			bad++;
		if (rc > worst)
			worst = rc;
	}
	printf("%s: %zu match%s verified, %zu with differences\n",
	       worst ? "FAIL" : "ok", n, n == 1 ? "" : "es", bad);
	free(ids);
	return worst;
}

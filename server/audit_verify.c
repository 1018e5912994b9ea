/* `quizd audit verify`: a match's events checked against their hash chain,
 * then made again through the core (room_apply, as quizd rebuilds a room);
 * audit_compare.c compares what the replay booked with what quizd stored.
 * One implementation for the tests and for people (docs/AUDIT.md). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"
#include "errors.h"
#include "evhash.h"
#include "xalloc.h"

/* Prints one difference of the match. */
void audit_differ(struct audit_verify *v, const char *fmt, ...)
{
	va_list ap;

	printf("match %" PRIu64 ": ", v->match);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	v->diffs++;
}

/* --- the chain --- */

/* Recomputes the chain: the first seq whose stored hash differs from the
 * recomputed one, a gap in seq, or a row without a hash inside the chain
 * is a difference (only the first is reported: every later link depends
 * on it). Rows stored before v5 (no hash) may precede the chain. */
static void verify_chain(struct audit_verify *v)
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
				audit_differ(v,
					     "chain: seq 1 missing (the events "
					     "begin at seq %" PRIu64 ")",
					     seq);
			else
				audit_differ(v,
					     "chain: seq %" PRIu64
					     " missing (seq %" PRIu64
					     " is followed by %" PRIu64 ")",
					     want, want - 1, seq);
			return;
		}
		want++;
		if (!row->hash[0]) {
			if (v->chain_from) {
				audit_differ(v,
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
			audit_differ(
			    v, "chain: seq %" PRIu64 ": bad previous hash",
			    seq);
			return;
		}
		if (strcmp(calc, row->hash) != 0) {
			audit_differ(v,
				     "chain broken at seq %" PRIu64
				     " (%s): stored hash %.16s..., recomputed "
				     "%.16s...",
				     seq, row->e.kind ? row->e.kind : "?",
				     row->hash, calc);
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
static void keep_bookings(struct audit_verify *v, const struct room_effect *e)
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

		if (!room_player_booked(pl, e->q))
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
static void keep_answer(struct audit_verify *v, const struct room_effect *e,
			const char *text)
{
	struct audit_answer *a;

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
static void keep_presses(struct audit_verify *v, uint64_t seq,
			 const struct room_effect *e)
{
	struct room_buzz b;
	uint32_t i;

	if (!e->u.buzz.n)
		return;
	if (!room_buzz_view(v->m->r, &b) || b.q != e->q ||
	    e->u.buzz.first > b.npresses ||
	    e->u.buzz.n > b.npresses - e->u.buzz.first) {
		audit_differ(v,
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
static void verify_replay(struct audit_verify *v)
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
			audit_differ(v, "seq %" PRIu64 ": unknown kind '%s'",
				     se->seq, se->kind ? se->kind : "");
			refused++;
			continue;
		}
		rc = room_apply(r, &ev);
		if (rc < 0) {
			audit_differ(
			    v, "seq %" PRIu64 " (%s) refused on replay: %s",
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
					audit_differ(
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
			audit_differ(v,
				     "seq %" PRIu64
				     " (%s): the replay logged %u "
				     "events for it",
				     se->seq, se->kind, logged);
		room_effects_clear(r);
	}
}

/* --- one match --- */

/* Loads a match and opens a read snapshot that holds exactly the events
 * loaded (a live quizd may be appending; one input's rows commit
 * together, so the derived rows of that snapshot match those events).
 * Returns 0, 2 (printed) when the match cannot be read. */
static int verify_load(struct audit_verify *v, char *state, size_t cap)
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
			snprintf(state, cap, "%s",
				 (const char *)sqlite3_column_text(st, 0));
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
	struct audit_verify *v = xcalloc(1, sizeof(*v));
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
		audit_differ(v, "%s", err);
	} else {
		verify_replay(v);
		audit_compare(v, state);
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

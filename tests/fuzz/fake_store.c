/* An in-memory server/store.h for the dispatch target (see fake_store.h).
 * Besides completing operations it checks what the hub writes: notify
 * tokens rise; each match's events come with seq 1, 2, 3, ...; and each
 * player's result equals the sum, over the questions that were not
 * voided, of what the question booked for them (store_booking, at close)
 * or, for a question with no booking, of their answer's points
 * (docs/STORAGE.md). */
#include "fake_store.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "fuzz_util.h"
#include "practice.h"
#include "xalloc.h"

#define ANSWERS_MAX  4096 /* answers remembered for the results check */
#define BOOKINGS_MAX 4096 /* bookings remembered for the results check */
#define VOIDS_MAX    256
#define MATCHES_MAX  256 /* matches whose event seq is followed */

struct fake_answer {
	uint64_t match;
	uint32_t player, q;
	int64_t points;
};

struct store {
	void (*wake)(void *);
	void *arg;
	uint64_t *queue; /* notify tokens of uncommitted operations (0: none) */
	size_t nq, qcap;
	uint64_t *ready; /* committed, waiting for store_poll */
	size_t nready, rcap;
	uint64_t last_token;
	uint64_t next_match;
	struct store_stats stats;
	bool stalled; /* fake_store_fault: nothing commits */
	bool full;    /* fake_store_fault: the queue refuses answers */
	struct fake_answer answers[ANSWERS_MAX];
	size_t nanswers;
	struct fake_answer bookings[BOOKINGS_MAX]; /* points = delta */
	size_t nbookings;
	bool answers_overflow;
	struct {
		uint64_t match, seq; /* last seq logged */
	} logs[MATCHES_MAX];
	size_t nlogs;
	struct {
		uint64_t match;
		uint32_t q;
	} voids[VOIDS_MAX];
	size_t nvoids;
	unsigned group_depth; /* store_group_begin/end nesting */
};

struct store *store_open(const char *path, void (*wake)(void *), void *arg,
			 char **err)
{
	struct store *s = xcalloc(1, sizeof(*s));

	(void)path;
	if (err)
		*err = NULL;
	s->wake = wake;
	s->arg = arg;
	return s;
}

uint64_t store_close(struct store *s)
{
	uint64_t lost;

	if (!s)
		return 0;
	lost = s->nq; /* what a real store could not commit */
	free(s->queue);
	free(s->ready);
	free(s);
	return lost;
}

void store_set_max_pages(struct store *s, uint32_t max_pages)
{
	(void)s;
	(void)max_pages;
}

void store_set_busy_ms(struct store *s, int ms)
{
	(void)s;
	(void)ms;
}

void store_set_stall_ms(struct store *s, int ms)
{
	(void)s;
	(void)ms;
}

void store_set_queue_max(struct store *s, size_t bytes)
{
	(void)s;
	(void)bytes;
}

bool store_stalled(struct store *s)
{
	return s->stalled;
}

bool store_accepting(struct store *s)
{
	return !s->full;
}

void fake_store_fault(struct store *s, bool stalled, bool full)
{
	s->stalled = stalled;
	s->full = full;
}

int store_schema_version(void)
{
	return 0;
}

int store_import_bank(struct store *s, const struct bank *b)
{
	(void)s;
	return (int)b->n;
}

int store_load_bank(struct store *s, struct bank *b)
{
	(void)s;
	(void)b;
	return 0;
}

int64_t store_question_count(struct store *s)
{
	(void)s;
	return 0;
}

/* Queues one operation; notify != 0 asks for a completion. */
static void fake_op(struct store *s, uint64_t notify)
{
	if (notify) {
		FUZZ_CHECK(notify > s->last_token,
			   "store notify tokens must rise");
		s->last_token = notify;
	}
	if (s->nq == s->qcap) {
		s->qcap = s->qcap ? s->qcap * 2 : 64;
		s->queue = xrealloc(s->queue, s->qcap * sizeof(*s->queue));
	}
	s->queue[s->nq++] = notify;
}

uint64_t store_match_begin(struct store *s, const struct store_match *m)
{
	(void)m;
	fake_op(s, 0);
	return ++s->next_match;
}

void store_player(struct store *s, uint64_t match, uint32_t player,
		  const char *nick, const char *team)
{
	(void)match;
	(void)player;
	(void)nick;
	(void)team;
	fake_op(s, 0);
}

/* A match's events must come with seq 1, 2, 3... (written alone or with
 * their answer). */
static void fake_event(struct store *s, const struct store_event *e)
{
	size_t i;

	FUZZ_CHECK(e->kind && *e->kind, "an event without a kind");
	for (i = 0; i < s->nlogs && s->logs[i].match != e->match; i++)
		;
	if (i == s->nlogs && s->nlogs < MATCHES_MAX) {
		s->logs[i].match = e->match;
		s->logs[i].seq = 0;
		s->nlogs++;
	}
	if (i < s->nlogs) {
		FUZZ_CHECK(e->seq == s->logs[i].seq + 1,
			   "a match's events must come with seq 1, 2, 3...");
		s->logs[i].seq = e->seq;
	}
}

void store_event(struct store *s, const struct store_event *e, uint64_t notify)
{
	fake_event(s, e);
	fake_op(s, notify);
}

int store_answer(struct store *s, const struct store_answer *a, uint64_t notify)
{
	if (s->full)
		return -QE_STORAGE_UNAVAILABLE;
	if (a->event)
		fake_event(s, a->event);
	if (s->nanswers < ANSWERS_MAX) {
		struct fake_answer *f = &s->answers[s->nanswers++];

		f->match = a->match;
		f->player = a->player;
		f->q = a->q;
		f->points = a->points;
	} else {
		s->answers_overflow = true;
	}
	fake_op(s, notify);
	return 0;
}

void store_void_question(struct store *s, uint64_t match, uint32_t q)
{
	if (s->nvoids < VOIDS_MAX) {
		s->voids[s->nvoids].match = match;
		s->voids[s->nvoids].q = q;
		s->nvoids++;
	} else {
		s->answers_overflow = true;
	}
	fake_op(s, 0);
}

void store_question_closed(struct store *s, uint64_t match, uint32_t q,
			   uint64_t notify)
{
	(void)match;
	(void)q;
	fake_op(s, notify);
}

/* Whether question q of match was voided. */
static bool fake_voided(const struct store *s, uint64_t match, uint32_t q)
{
	size_t i;

	for (i = 0; i < s->nvoids; i++)
		if (s->voids[i].match == match && s->voids[i].q == q)
			return true;
	return false;
}

/* The booking of (match, player, q), or NULL. */
static const struct fake_answer *
fake_booking(const struct store *s, uint64_t match, uint32_t player, uint32_t q)
{
	size_t i;

	for (i = 0; i < s->nbookings; i++)
		if (s->bookings[i].match == match &&
		    s->bookings[i].player == player && s->bookings[i].q == q)
			return &s->bookings[i];
	return NULL;
}

void store_result(struct store *s, const struct store_result *r)
{
	int64_t sum = 0;
	size_t i;

	/* booked questions: the booking, answered or not */
	for (i = 0; i < s->nbookings; i++) {
		const struct fake_answer *b = &s->bookings[i];

		if (b->match == r->match && b->player == r->player &&
		    !fake_voided(s, b->match, b->q))
			sum += b->points;
	}
	/* the others: the answer's points as received */
	for (i = 0; i < s->nanswers; i++) {
		const struct fake_answer *a = &s->answers[i];

		if (a->match == r->match && a->player == r->player &&
		    !fake_voided(s, a->match, a->q) &&
		    !fake_booking(s, a->match, a->player, a->q))
			sum += a->points;
	}
	if (!s->answers_overflow)
		FUZZ_CHECK(sum == r->score,
			   "a result differs from what its questions booked");
	fake_op(s, 0);
}

void store_results(struct store *s, const struct store_result *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_result(s, &v[i]);
}

struct store_result *store_results_new(size_t n)
{
	return xmalloc((n ? n : 1) * sizeof(struct store_result));
}

void store_results_push(struct store *s, struct store_result *rows, size_t used)
{
	store_results(s, rows, used);
	free(rows);
}

struct store_booking *store_bookings_new(size_t n)
{
	return xmalloc((n ? n : 1) * sizeof(struct store_booking));
}

void store_bookings_push(struct store *s, struct store_booking *rows,
			 size_t used)
{
	store_bookings(s, rows, used);
	free(rows);
}

void store_match_end(struct store *s, uint64_t match, bool finished)
{
	(void)match;
	(void)finished;
	fake_op(s, 0);
}

void store_match_interrupted(struct store *s, uint64_t match)
{
	(void)match;
	fake_op(s, 0);
}

uint64_t store_match_begin_notify(struct store *s, const struct store_match *m,
				  uint64_t notify)
{
	(void)m;
	fake_op(s, notify);
	return ++s->next_match;
}

void store_match_contest(struct store *s, uint64_t match, const char *text)
{
	(void)match;
	FUZZ_CHECK(text != NULL, "a match contest without text");
	fake_op(s, 0);
}

void store_match_definition(struct store *s, uint64_t match, const char *text)
{
	(void)match;
	FUZZ_CHECK(text && !strncmp(text, "quizd-match 1\n", 14),
		   "a match definition that is not one");
	fake_op(s, 0);
}

void store_match_judge(struct store *s, uint64_t match,
		       const char *token_hash_hex)
{
	(void)match;
	FUZZ_CHECK(token_hash_hex && strlen(token_hash_hex) == 64,
		   "a judge token hash that is not 64 hex digits");
	fake_op(s, 0);
}

/* The presses of one decision: one op, every outcome named (none: a
 * change of the buzzer alone, whose BuzzState waits for what was queued
 * before it). */
void store_presses(struct store *s, const struct store_press *v, size_t n,
		   uint64_t notify)
{
	size_t i;

	for (i = 0; i < n; i++)
		FUZZ_CHECK(v[i].outcome && *v[i].outcome && v[i].seq > 0,
			   "a press without its outcome or event seq");
	fake_op(s, notify);
}

void store_match_questions(struct store *s, uint64_t match, uint32_t round,
			   uint32_t first, uint32_t n,
			   const char *const *question_ids,
			   const uint8_t (*perms)[ITEM_MAX_OPTIONS])
{
	(void)match;
	(void)round;
	(void)first;
	(void)perms;
	FUZZ_CHECK(!n || question_ids, "round questions without ids");
	fake_op(s, 0);
}

/* Keeps one booking (replacing an earlier one of the same question). */
static void fake_book(struct store *s, const struct store_booking *b)
{
	struct fake_answer *f =
	    (struct fake_answer *)fake_booking(s, b->match, b->player, b->q);

	/* booked again: replaced, as INSERT OR REPLACE does */
	if (!f && s->nbookings < BOOKINGS_MAX)
		f = &s->bookings[s->nbookings++];
	if (f) {
		f->match = b->match;
		f->player = b->player;
		f->q = b->q;
		f->points = b->delta;
	} else {
		s->answers_overflow = true;
	}
}

void store_booking(struct store *s, const struct store_booking *b)
{
	fake_book(s, b);
	fake_op(s, 0);
}

void store_bookings(struct store *s, const struct store_booking *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fake_book(s, &v[i]);
	fake_op(s, 0);
}

void store_seat(struct store *s, uint64_t match, uint32_t player,
		const char *token_hash_hex)
{
	size_t i, n = token_hash_hex ? strlen(token_hash_hex) : 0;

	(void)match;
	(void)player;
	/* a hash, never the token itself */
	FUZZ_CHECK(n == 64, "a seat without a 64-digit token hash");
	for (i = 0; i < n; i++)
		FUZZ_CHECK(
		    (token_hash_hex[i] >= '0' && token_hash_hex[i] <= '9') ||
			(token_hash_hex[i] >= 'a' && token_hash_hex[i] <= 'f'),
		    "a seat's token hash is not lowercase hex");
	fake_op(s, 0);
}

void store_team_result(struct store *s, const struct store_team_result *r)
{
	FUZZ_CHECK(r->team != NULL, "a team result without a team");
	fake_op(s, 0);
}

void store_barrier(struct store *s, uint64_t notify)
{
	fake_op(s, notify);
}

/* Groups change nothing here (every op commits alone, in order); only
 * their pairing is checked. */
void store_group_begin(struct store *s)
{
	s->group_depth++;
}

void store_group_end(struct store *s)
{
	FUZZ_CHECK(s->group_depth > 0,
		   "store_group_end without store_group_begin");
	s->group_depth--;
}

void store_set_durability(struct store *s, bool full)
{
	(void)s;
	(void)full;
}

void store_match_running(struct store *s, uint64_t match)
{
	(void)match;
	fake_op(s, 0);
}

/* Nothing is stored across runs: no match to read back. */
int store_load_match(struct store *s, uint64_t match,
		     struct store_match_log *out)
{
	(void)s;
	(void)match;
	memset(out, 0, sizeof(*out));
	return -QE_ROOM_NOT_FOUND;
}

int store_unfinished(struct store *s, uint64_t **ids)
{
	(void)s;
	*ids = NULL;
	return 0;
}

void store_match_log_free(struct store_match_log *m)
{
	(void)m;
}

/* Practice (schema v6): what the server writes is checked as the real
 * store checks it before queueing (a hash, never a token; state lines the
 * core parses), then completed like any operation. */
static void fake_hash_check(const char *h, const char *what)
{
	size_t i, n = h ? strlen(h) : 0;

	FUZZ_CHECK(n == 64, what);
	for (i = 0; i < n; i++)
		FUZZ_CHECK((h[i] >= '0' && h[i] <= '9') ||
			       (h[i] >= 'a' && h[i] <= 'f'),
			   what);
}

void store_person(struct store *s, const struct store_person *p,
		  uint64_t notify)
{
	FUZZ_CHECK(p->id > 0 && p->nickname && *p->nickname,
		   "a person without an id or a nickname");
	fake_hash_check(p->token_hash,
			"a person's token hash is not 64 lowercase hex digits");
	fake_op(s, notify);
}

void store_sitting(struct store *s, const struct store_sitting *t)
{
	FUZZ_CHECK(t->id > 0 && t->person > 0, "a sitting without ids");
	FUZZ_CHECK(t->mode == 0 || t->mode == 1, "a sitting's mode");
	fake_op(s, 0);
}

int store_practice_answer(struct store *s,
			  const struct store_practice_answer *a,
			  uint64_t notify)
{
	struct practice_item it;
	struct practice_person pp;

	if (s->full)
		return -QE_STORAGE_UNAVAILABLE;
	FUZZ_CHECK(a->person > 0 && a->sitting > 0 && a->item_id,
		   "a practice answer without person, sitting or item");
	FUZZ_CHECK(a->item_state &&
		       practice_item_parse(a->item_state, &it) == 0,
		   "a practice answer's item state does not parse");
	FUZZ_CHECK(a->person_state &&
		       practice_person_parse(a->person_state, &pp) == 0,
		   "a practice answer's person state does not parse");
	fake_op(s, notify);
	return 0;
}

/* Nothing is stored across runs: nobody has practised yet. */
int store_load_practice(struct store *s, struct store_practice *out)
{
	(void)s;
	memset(out, 0, sizeof(*out));
	return 0;
}

void store_practice_free(struct store_practice *p)
{
	if (p)
		memset(p, 0, sizeof(*p));
}

size_t store_poll(struct store *s, uint64_t *out, size_t max)
{
	size_t n = s->nready < max ? s->nready : max;

	if (!n)
		return 0;
	memcpy(out, s->ready, n * sizeof(*out));
	memmove(s->ready, s->ready + n, (s->nready - n) * sizeof(*s->ready));
	s->nready -= n;
	return n;
}

void store_stats(struct store *s, struct store_stats *out)
{
	*out = s->stats;
}

size_t fake_store_commit(struct store *s, size_t max)
{
	size_t n = s->nq < max ? s->nq : max, i;
	bool notify = false;

	if (s->stalled)
		return 0; /* a failing disk: the writer keeps retrying */
	for (i = 0; i < n; i++) {
		if (!s->queue[i])
			continue;
		if (s->nready == s->rcap) {
			s->rcap = s->rcap ? s->rcap * 2 : 64;
			s->ready =
			    xrealloc(s->ready, s->rcap * sizeof(*s->ready));
		}
		s->ready[s->nready++] = s->queue[i];
		notify = true;
	}
	if (!n)
		return 0;
	memmove(s->queue, s->queue + n, (s->nq - n) * sizeof(*s->queue));
	s->nq -= n;
	{
		s->stats.batches++;
		s->stats.ops += n;
	}
	if (notify && s->wake)
		s->wake(s->arg);
	return n;
}

size_t fake_store_queued(const struct store *s)
{
	return s->nq;
}

/* Practice in the store (schema v6, docs/STORAGE.md "Practice"): the
 * queued operations that keep a person's practice on disk (a person, a
 * sitting, an answer with the item's and the person's new state) and the
 * start-up loader that reads every person back. The operations go through
 * the writer like any other (server/store_writer.c; their SQL is in the
 * catalogue of server/store_ops.c); the loader reads on the sync
 * connection under sync_lock, in one snapshot. */
#include "store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "practice.h"
#include "xalloc.h"

/* True if id fits the INTEGER PRIMARY KEY of a practice table (> 0). */
static bool practice_id_ok(uint64_t id)
{
	return id != 0 && id <= INT64_MAX;
}

/* True if str is a state line of the given kind (core/practice.h): the
 * store never writes a line the server could not read back. */
static bool practice_state_ok(const char *str, bool person)
{
	struct practice_person p;
	struct practice_item it;

	if (!str || strnlen(str, PRACTICE_TEXT_MAX + 1) > PRACTICE_TEXT_MAX)
		return false;
	return person ? practice_person_parse(str, &p) == 0
		      : practice_item_parse(str, &it) == 0;
}

void store_person(struct store *s, const struct store_person *p,
		  uint64_t notify)
{
	char state[PRACTICE_TEXT_MAX + 1];
	struct practice_person zero;
	const char *team;
	struct op *op;

	if (!s)
		return;
	memset(&zero, 0, sizeof(zero));
	if (!p || !practice_id_ok(p->id) || !p->nickname || !*p->nickname ||
	    !store_str_ok(p->nickname) || !store_str_ok(p->team) ||
	    !store_hash_ok(p->token_hash) ||
	    practice_person_format(&zero, state, sizeof(state)) < 0) {
		store_op_reject(s, "person", p ? p->id : 0, notify);
		return;
	}
	team = p->team ? p->team : "";
	op = store_op_new(
	    p->id, notify, 1, 6,
	    store_op_strsize(p->nickname) + store_op_strsize(team) +
		store_op_strsize(p->token_hash) + store_op_strsize(state));
	store_op_step(op, OPS_PERSON);
	store_op_int(op, (int64_t)p->id);
	store_op_text(op, p->nickname);
	store_op_text(op, team);
	store_op_text(op, p->token_hash);
	store_op_text(op, state);
	store_op_int(op, p->created_unix_us);
	store_push(s, op);
}

void store_sitting(struct store *s, const struct store_sitting *t)
{
	const char *cat;
	struct op *op;

	if (!s)
		return;
	if (!t || !practice_id_ok(t->id) || !practice_id_ok(t->person) ||
	    (t->mode != PRACTICE_SCHEDULE && t->mode != PRACTICE_REVIEW) ||
	    !store_str_ok(t->category)) {
		store_op_reject(s, "sitting", t ? t->person : 0, 0);
		return;
	}
	cat = t->category ? t->category : "";
	op = store_op_new(t->person, 0, 1, 8, store_op_strsize(cat));
	store_op_step(op, OPS_SITTING);
	store_op_int(op, (int64_t)t->id);
	store_op_int(op, (int64_t)t->person);
	store_op_int(op, t->started_unix_us);
	/* two's complement bit pattern: SQLite has no unsigned type */
	store_op_int(op, (int64_t)t->seed);
	store_op_int(op, t->mode);
	store_op_text(op, cat);
	store_op_int(op, t->kinds);
	store_op_int(op, t->time_limit_ms);
	store_push(s, op);
}

/* Whether a practice answer can be written as given. */
static bool practice_answer_ok(const struct store_practice_answer *a)
{
	return a && practice_id_ok(a->person) && practice_id_ok(a->sitting) &&
	       a->item_id && *a->item_id && store_str_ok(a->item_id) &&
	       store_str_ok(a->text) &&
	       practice_state_ok(a->item_state, false) &&
	       practice_state_ok(a->person_state, true);
}

int store_practice_answer(struct store *s,
			  const struct store_practice_answer *a,
			  uint64_t notify)
{
	struct op *op;

	if (!s)
		return -EINVAL;
	if (!store_accepting(s)) {
		store_count_refused(s);
		return -QE_STORAGE_UNAVAILABLE;
	}
	if (!practice_answer_ok(a)) {
		store_op_reject(s, "practice answer", a ? a->person : 0,
				notify);
		return 0;
	}
	/* three statements, one operation (one savepoint): the answer, the
	 * item's state and the person's are on disk together or not at all,
	 * and notify covers the three */
	op = store_op_new(a->person, notify, 3, 9 + 3 + 2,
			  store_op_strsize(a->item_id) * 2 +
			      store_op_strsize(a->text) +
			      store_op_strsize(a->item_state) +
			      store_op_strsize(a->person_state));
	store_op_step(op, OPS_PANSWER);
	store_op_int(op, (int64_t)a->person);
	store_op_int(op, (int64_t)a->sitting);
	store_op_text(op, a->item_id);
	store_op_int(op, a->at_unix_us);
	store_op_int(op, a->choice_mask);
	store_op_text(op, a->text);
	store_op_int(op, a->correct ? 1 : 0);
	store_op_int(op, a->timed_out ? 1 : 0);
	store_op_int(op, a->rt_us);
	store_op_step(op, OPS_PITEM);
	store_op_int(op, (int64_t)a->person);
	store_op_text(op, a->item_id);
	store_op_text(op, a->item_state);
	/* last: an unknown person changes no row, and the whole op is lost */
	store_op_step(op, OPS_PSTATE);
	store_op_int(op, (int64_t)a->person);
	store_op_text(op, a->person_state);
	store_push(s, op);
	return 0;
}

/* --- The loader. --- */

/* clang-format off */
static const char *const practice_sql[] = {
	"SELECT id, nickname, team, token_hash, state, created_at"
	" FROM persons ORDER BY id",
	"SELECT person, item_id, state FROM practice_items"
	" ORDER BY person, item_id",
	"SELECT coalesce(max(id), 0) FROM practice_sittings",
};
/* clang-format on */

enum { PQ_PERSONS, PQ_ITEMS, PQ_MAX_SITTING, PQ__COUNT };

/* A heap copy of a text column; "" for NULL (a column our schema keeps
 * NOT NULL, but the file may have been made by someone else). */
static char *practice_column(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return xstrdup(t ? (const char *)t : "");
}

/* Reads every persons row into out (ascending ids). */
static int practice_read_persons(sqlite3_stmt *st, struct store_practice *out)
{
	struct store_person_row *row;
	const unsigned char *h;
	size_t cap = 0;
	int64_t id;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (id <= 0) /* not an id the server allocates: skipped */
			continue;
		if (out->npersons == cap) {
			cap = cap ? cap * 2 : 64;
			out->persons =
			    xrealloc(out->persons, cap * sizeof(*out->persons));
		}
		row = &out->persons[out->npersons++];
		memset(row, 0, sizeof(*row));
		row->id = (uint64_t)id;
		row->nickname = practice_column(st, 1);
		row->team = practice_column(st, 2);
		row->state = practice_column(st, 4);
		row->created_unix_us = sqlite3_column_int64(st, 5);
		/* a hash of another length cannot be a token's: left "",
		 * which no token hashes to */
		h = sqlite3_column_text(st, 3);
		if (h && strlen((const char *)h) == 64)
			memcpy(row->token_hash, h, 65);
		if ((uint64_t)id > out->max_person)
			out->max_person = (uint64_t)id;
	}
	return rc == SQLITE_DONE ? 0 : store_errno(rc);
}

/* The person row with this id (persons ascending), or NULL. */
static struct store_person_row *practice_find(struct store_practice *p,
					      int64_t id)
{
	size_t lo = 0, hi = p->npersons, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((int64_t)p->persons[mid].id == id)
			return &p->persons[mid];
		if ((int64_t)p->persons[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Reads every practice_items row into its person (ordered by person, so
 * each person's rows come together). A row of no known person is
 * skipped. */
static int practice_read_items(sqlite3_stmt *st, struct store_practice *out)
{
	struct store_person_row *pr = NULL;
	struct store_practice_item_row *it;
	size_t cap = 0;
	int64_t person;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		person = sqlite3_column_int64(st, 0);
		if (!pr || (int64_t)pr->id != person) {
			pr = practice_find(out, person);
			cap = pr ? pr->nitems : 0;
		}
		if (!pr)
			continue;
		if (pr->nitems == cap) {
			cap = cap ? cap * 2 : 32;
			pr->items =
			    xrealloc(pr->items, cap * sizeof(*pr->items));
		}
		it = &pr->items[pr->nitems++];
		it->item_id = practice_column(st, 1);
		it->state = practice_column(st, 2);
	}
	return rc == SQLITE_DONE ? 0 : store_errno(rc);
}

int store_load_practice(struct store *s, struct store_practice *out)
{
	sqlite3_stmt *st[PQ__COUNT] = {NULL};
	int64_t max_sitting = 0;
	int rc, ret = 0;
	bool in_read = false;
	size_t i;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&s->sync_lock);
	for (i = 0; i < PQ__COUNT; i++) {
		rc = sqlite3_prepare_v2(s->sdb, practice_sql[i], -1, &st[i],
					NULL);
		if (rc != SQLITE_OK) {
			fprintf(stderr, "store: practice load: %s\n",
				sqlite3_errmsg(s->sdb));
			ret = store_errno(rc);
			goto out;
		}
	}
	/* one snapshot: the writer may commit meanwhile */
	rc = store_step(s->sdb, s->sst[SST_READ], "practice begin");
	if (rc != SQLITE_OK) {
		ret = store_errno(rc);
		goto out;
	}
	in_read = true;
	ret = practice_read_persons(st[PQ_PERSONS], out);
	if (!ret)
		ret = practice_read_items(st[PQ_ITEMS], out);
	if (!ret) {
		rc = sqlite3_step(st[PQ_MAX_SITTING]);
		if (rc == SQLITE_ROW) {
			max_sitting =
			    sqlite3_column_int64(st[PQ_MAX_SITTING], 0);
			out->max_sitting =
			    max_sitting > 0 ? (uint64_t)max_sitting : 0;
		} else {
			ret = store_errno(rc);
		}
	}
out:
	for (i = 0; i < PQ__COUNT; i++)
		sqlite3_finalize(st[i]);
	if (in_read)
		store_step(s->sdb, s->sst[SST_COMMIT], "practice end");
	pthread_mutex_unlock(&s->sync_lock);
	if (ret < 0)
		store_practice_free(out);
	return ret;
}

void store_practice_free(struct store_practice *p)
{
	struct store_person_row *row;
	size_t i, j;

	if (!p)
		return;
	for (i = 0; i < p->npersons; i++) {
		row = &p->persons[i];
		for (j = 0; j < row->nitems; j++) {
			free(row->items[j].item_id);
			free(row->items[j].state);
		}
		free(row->items);
		free(row->nickname);
		free(row->team);
		free(row->state);
	}
	free(p->persons);
	memset(p, 0, sizeof(*p));
}

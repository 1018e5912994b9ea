/* The synchronous side of the store: importing a question bank into the
 * questions table and loading it back, and reading a match's log back for
 * its rebuild, on the sync connection under sync_lock (see
 * server/store_writer.c for the two connections). For start-up and the
 * command-line tools only, never the event loop. JSON arrays are written
 * by hand here and read back through SQLite's json_each. */
#include "store_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "xalloc.h"

/* clang-format off */
const char *const store_sst_sql[SST__COUNT] = {
	[SST_BEGIN] = "BEGIN IMMEDIATE",
	[SST_COMMIT] = "COMMIT",
	[SST_ROLLBACK] = "ROLLBACK",
	/* updated_at moves only when the content changed */
	[SST_UPSERT] = "INSERT INTO questions (id, kind, stem, options,"
		       " correct_mask, fills, explanation, category, difficulty,"
		       " sources, basis, updated_at) VALUES (?1, ?2, ?3, ?4, ?5,"
		       " ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
		       " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,"
		       " stem = excluded.stem, options = excluded.options,"
		       " correct_mask = excluded.correct_mask,"
		       " fills = excluded.fills,"
		       " explanation = excluded.explanation,"
		       " category = excluded.category,"
		       " difficulty = excluded.difficulty,"
		       " sources = excluded.sources, basis = excluded.basis,"
		       " updated_at = excluded.updated_at"
		       " WHERE kind IS NOT excluded.kind"
		       " OR stem IS NOT excluded.stem"
		       " OR options IS NOT excluded.options"
		       " OR correct_mask IS NOT excluded.correct_mask"
		       " OR fills IS NOT excluded.fills"
		       " OR explanation IS NOT excluded.explanation"
		       " OR category IS NOT excluded.category"
		       " OR difficulty IS NOT excluded.difficulty"
		       " OR sources IS NOT excluded.sources"
		       " OR basis IS NOT excluded.basis",
	[SST_COUNT] = "SELECT count(*) FROM questions",
	/* by id: the draw depends on bank order, which must not depend on
	 * the history of imports */
	[SST_LOAD] = "SELECT id, kind, stem, options, correct_mask, fills,"
		     " explanation, category, difficulty, sources, basis"
		     " FROM questions ORDER BY id",
	/* unpacks a JSON array column without a JSON parser in C */
	[SST_EACH] = "SELECT value FROM json_each(?1) ORDER BY key",
	/* deferred: a snapshot from the first read on, no write lock */
	[SST_READ] = "BEGIN",
	[SST_MATCH] = "SELECT code, state, definition, judge_hash,"
		      " last_closed_q FROM matches WHERE id = ?1",
	[SST_SEATS] = "SELECT player_id, token_hash FROM seats"
		      " WHERE match_id = ?1 ORDER BY player_id",
	[SST_EVENTS] = "SELECT seq, kind, at_us, player_id, q, choice_mask,"
		       " one_way_us, arg, arg2, nick, team, text, hash"
		       " FROM events WHERE match_id = ?1 ORDER BY seq",
	[SST_UNFINISHED] = "SELECT id FROM matches WHERE state IN"
			   " ('running', 'interrupted') ORDER BY id",
};
/* clang-format on */

/* A growable string for JSON arrays. */
struct jbuf {
	char *p;
	size_t n, cap;
};

/* Appends n bytes. */
static void jbuf_put(struct jbuf *j, const char *src, size_t n)
{
	if (j->n + n + 1 > j->cap) {
		while (j->n + n + 1 > j->cap)
			j->cap = j->cap ? j->cap * 2 : 128;
		j->p = xrealloc(j->p, j->cap);
	}
	memcpy(j->p + j->n, src, n);
	j->n += n;
	j->p[j->n] = '\0';
}

/* Appends a JSON string literal (UTF-8 passes through). */
static void jbuf_str(struct jbuf *j, const char *str)
{
	char esc[8];
	const unsigned char *c;

	jbuf_put(j, "\"", 1);
	for (c = (const unsigned char *)str; *c; c++) {
		if (*c == '"' || *c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*c;
			jbuf_put(j, esc, 2);
		} else if (*c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *c);
			jbuf_put(j, esc, 6);
		} else {
			jbuf_put(j, (const char *)c, 1);
		}
	}
	jbuf_put(j, "\"", 1);
}

/* Builds a JSON array of n strings into j (reset first). */
static int jbuf_strings(struct jbuf *j, char *const *v, unsigned n)
{
	unsigned i;

	j->n = 0;
	jbuf_put(j, "[", 1);
	for (i = 0; i < n; i++) {
		if (!v[i] || !store_str_ok(v[i]))
			return -EINVAL;
		if (i)
			jbuf_put(j, ",", 1);
		jbuf_str(j, v[i]);
	}
	jbuf_put(j, "]", 1);
	return 0;
}

/* Binds one bank item to the upsert statement. */
static int store_bind_item(sqlite3_stmt *st, const struct item *it,
			   int64_t now_us, struct jbuf *opts,
			   struct jbuf *fills, char *sources, size_t cap)
{
	const char *kind = item_kind_name(it->kind);
	size_t n = 0;
	unsigned i;

	if (!it->id || !*it->id || !it->stem || !kind ||
	    it->n_options > ITEM_MAX_OPTIONS || it->n_fills > ITEM_MAX_FILLS ||
	    it->n_sources > ITEM_MAX_SOURCES || !store_str_ok(it->id) ||
	    !store_str_ok(it->stem) || !store_str_ok(it->explanation) ||
	    !store_str_ok(it->category) || !store_str_ok(it->basis))
		return -EINVAL;
	if (jbuf_strings(opts, it->options, it->n_options) < 0 ||
	    jbuf_strings(fills, it->fills, it->n_fills) < 0)
		return -EINVAL;
	sources[n++] = '[';
	for (i = 0; i < it->n_sources; i++)
		n += (size_t)snprintf(sources + n, cap - n, "%s%u",
				      i ? "," : "", it->sources[i]);
	sources[n++] = ']';
	sources[n] = '\0';

	store_bind_text(st, 1, it->id);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, it->stem);
	store_bind_text(st, 4, opts->p);
	sqlite3_bind_int64(st, 5, it->correct_mask);
	store_bind_text(st, 6, fills->p);
	store_bind_text(st, 7, it->explanation);
	store_bind_text(st, 8, it->category);
	sqlite3_bind_int(st, 9, it->difficulty);
	store_bind_text(st, 10, sources);
	store_bind_text(st, 11, it->basis);
	sqlite3_bind_int64(st, 12, now_us);
	return 0;
}

int store_import_bank(struct store *s, const struct bank *b)
{
	struct jbuf opts = {0}, fills = {0};
	char sources[ITEM_MAX_SOURCES * 12 + 4];
	int64_t now_us = store_wall_us();
	sqlite3_stmt *up;
	size_t i;
	int rc, ret;

	if (!s || !b || b->n > INT32_MAX)
		return -EINVAL;
	pthread_mutex_lock(&s->sync_lock);
	up = s->sst[SST_UPSERT];
	rc = store_step(s->sdb, s->sst[SST_BEGIN], "import begin");
	if (rc != SQLITE_OK) {
		ret = store_errno(rc);
		goto out;
	}
	for (i = 0; i < b->n; i++) {
		ret = store_bind_item(up, &b->items[i], now_us, &opts, &fills,
				      sources, sizeof(sources));
		if (ret < 0) {
			sqlite3_clear_bindings(up);
			fprintf(stderr,
				"store: import: item %zu (%s) invalid\n", i,
				b->items[i].id ? b->items[i].id : "?");
			goto rollback;
		}
		rc = store_step(s->sdb, up, "question upsert");
		if (rc != SQLITE_OK) {
			ret = store_errno(rc);
			goto rollback;
		}
	}
	rc = store_step(s->sdb, s->sst[SST_COMMIT], "import commit");
	if (rc != SQLITE_OK) {
		ret = store_errno(rc);
		goto rollback;
	}
	ret = (int)b->n;
	goto out;
rollback:
	if (!sqlite3_get_autocommit(s->sdb))
		store_step(s->sdb, s->sst[SST_ROLLBACK], "import rollback");
out:
	pthread_mutex_unlock(&s->sync_lock);
	free(opts.p);
	free(fills.p);
	return ret;
}

/* Copies a nullable text column (NULL stays NULL). */
static char *store_column_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? xstrdup((const char *)t) : NULL;
}

/* Unpacks the JSON array in column col of row into at most max strings
 * (strs) or unsigned numbers (nums). Returns the count or a negative
 * error. */
static int store_unpack(struct store *s, sqlite3_stmt *row, int col,
			char **strs, unsigned *nums, unsigned max)
{
	sqlite3_stmt *each = s->sst[SST_EACH];
	const unsigned char *t;
	unsigned n = 0;
	int rc, ret = 0;

	t = sqlite3_column_text(row, col);
	if (!t)
		return 0;
	sqlite3_bind_text(each, 1, (const char *)t, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(each)) == SQLITE_ROW) {
		if (n == max) {
			ret = -EINVAL;
			break;
		}
		if (strs) {
			t = sqlite3_column_text(each, 0);
			if (!t) {
				ret = -EINVAL;
				break;
			}
			strs[n++] = xstrdup((const char *)t);
		} else {
			nums[n++] = (unsigned)sqlite3_column_int64(each, 0);
		}
	}
	if (!ret && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_errno(rc);
	sqlite3_reset(each);
	sqlite3_clear_bindings(each);
	if (ret < 0) {
		/* the caller's counts do not cover these yet */
		while (strs && n > 0) {
			n--;
			free(strs[n]);
			strs[n] = NULL;
		}
		return ret;
	}
	return (int)n;
}

/* Rebuilds one item from the current row of SST_LOAD into it. */
static int store_row_item(struct store *s, sqlite3_stmt *st, struct item *it)
{
	int k = item_kind_parse((const char *)sqlite3_column_text(st, 1));
	int n;

	memset(it, 0, sizeof(*it));
	if (k < 0)
		return k;
	it->kind = (enum item_kind)k;
	it->id = store_column_dup(st, 0);
	it->stem = store_column_dup(st, 2);
	if (!it->id || !it->stem)
		return -EINVAL;
	n = store_unpack(s, st, 3, it->options, NULL, ITEM_MAX_OPTIONS);
	if (n < 0)
		return n;
	it->n_options = (unsigned)n;
	it->correct_mask = (uint32_t)sqlite3_column_int64(st, 4);
	n = store_unpack(s, st, 5, it->fills, NULL, ITEM_MAX_FILLS);
	if (n < 0)
		return n;
	it->n_fills = (unsigned)n;
	it->explanation = store_column_dup(st, 6);
	it->category = store_column_dup(st, 7);
	it->difficulty = sqlite3_column_int(st, 8);
	n = store_unpack(s, st, 9, NULL, it->sources, ITEM_MAX_SOURCES);
	if (n < 0)
		return n;
	it->n_sources = (unsigned)n;
	it->basis = store_column_dup(st, 10);
	return 0;
}

int store_load_bank(struct store *s, struct bank *b)
{
	sqlite3_stmt *st;
	struct item it;
	int rc, ret = 0, n = 0;

	if (!s || !b)
		return -EINVAL;
	pthread_mutex_lock(&s->sync_lock);
	st = s->sst[SST_LOAD];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret = store_row_item(s, st, &it);
		if (ret == 0)
			ret = bank_add(b, &it);
		if (ret < 0) {
			fprintf(stderr, "store: load: question %s unusable\n",
				it.id ? it.id : "?");
			item_clear(&it);
			break;
		}
		n++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_errno(rc);
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->sync_lock);
	return ret < 0 ? ret : n;
}

int64_t store_question_count(struct store *s)
{
	sqlite3_stmt *st;
	int64_t n = -EIO;
	int rc;

	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&s->sync_lock);
	st = s->sst[SST_COUNT];
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		n = store_errno(rc);
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->sync_lock);
	return n;
}

/* --- Match logs (schema v5): what a rebuild at start-up replays. --- */

/* Copies a text column into a fixed buffer; "" for NULL. Returns -EINVAL
 * if it does not fit (a row no writer of ours made). */
static int store_column_copy(sqlite3_stmt *st, int col, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? strlen((const char *)t) : 0;

	if (n >= cap)
		return -EINVAL;
	memcpy(out, t ? (const char *)t : "", n);
	out[n] = '\0';
	return 0;
}

/* Reads the matches row into m. Returns 0, -QE_ROOM_NOT_FOUND or an
 * error. */
static int store_log_match(struct store *s, uint64_t match,
			   struct store_match_log *m)
{
	sqlite3_stmt *st = s->sst[SST_MATCH];
	int rc, ret;

	sqlite3_bind_int64(st, 1, (int64_t)match);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		ret = -QE_ROOM_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		ret = store_errno(rc);
		goto out;
	}
	ret = store_column_copy(st, 0, m->code, sizeof(m->code));
	if (!ret)
		ret = store_column_copy(st, 1, m->state, sizeof(m->state));
	if (!ret)
		ret = store_column_copy(st, 3, m->judge_hash,
					sizeof(m->judge_hash));
	if (ret)
		goto out;
	m->definition = store_column_dup(st, 2);
	m->last_closed_q = sqlite3_column_type(st, 4) == SQLITE_NULL
			       ? -1
			       : sqlite3_column_int64(st, 4);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/* Reads the match's seats rows into m. */
static int store_log_seats(struct store *s, uint64_t match,
			   struct store_match_log *m)
{
	sqlite3_stmt *st = s->sst[SST_SEATS];
	struct store_seat_row *row;
	size_t cap = 0;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, (int64_t)match);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (m->nseats == cap) {
			cap = cap ? cap * 2 : 16;
			m->seats = xrealloc(m->seats, cap * sizeof(*m->seats));
		}
		row = &m->seats[m->nseats];
		row->player = (uint32_t)sqlite3_column_int64(st, 0);
		ret = store_column_copy(st, 1, row->hash, sizeof(row->hash));
		if (ret)
			break;
		m->nseats++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_errno(rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/* Fills one event row from the current row of SST_EVENTS (strings
 * copied, NULL kept NULL). */
static int store_log_event(sqlite3_stmt *st, uint64_t match,
			   struct store_event_row *row)
{
	struct store_event *e = &row->e;

	memset(row, 0, sizeof(*row));
	e->match = match;
	e->seq = (uint64_t)sqlite3_column_int64(st, 0);
	e->kind = store_column_dup(st, 1);
	e->at_us = sqlite3_column_int64(st, 2);
	e->player = (uint32_t)sqlite3_column_int64(st, 3);
	e->q = (uint32_t)sqlite3_column_int64(st, 4);
	e->choice_mask = (uint32_t)sqlite3_column_int64(st, 5);
	e->one_way_us = sqlite3_column_int64(st, 6);
	e->arg = sqlite3_column_int64(st, 7);
	e->arg2 = sqlite3_column_int64(st, 8);
	e->nick = store_column_dup(st, 9);
	e->team = store_column_dup(st, 10);
	e->text = store_column_dup(st, 11);
	if (!e->kind)
		return -EINVAL;
	return store_column_copy(st, 12, row->hash, sizeof(row->hash));
}

/* Frees the strings of one event row. */
static void store_event_row_clear(struct store_event_row *row)
{
	free((char *)row->e.kind);
	free((char *)row->e.nick);
	free((char *)row->e.team);
	free((char *)row->e.text);
	memset(row, 0, sizeof(*row));
}

/* Reads the match's events in seq order into m. */
static int store_log_events(struct store *s, uint64_t match,
			    struct store_match_log *m)
{
	sqlite3_stmt *st = s->sst[SST_EVENTS];
	size_t cap = 0;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, (int64_t)match);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (m->nevents == cap) {
			cap = cap ? cap * 2 : 64;
			m->events =
			    xrealloc(m->events, cap * sizeof(*m->events));
		}
		ret = store_log_event(st, match, &m->events[m->nevents]);
		if (ret) {
			store_event_row_clear(&m->events[m->nevents]);
			break;
		}
		m->nevents++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_errno(rc);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

int store_load_match(struct store *s, uint64_t match,
		     struct store_match_log *out)
{
	int rc, ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!s || !match || match > INT64_MAX)
		return !s ? -EINVAL : -QE_ROOM_NOT_FOUND;
	out->match = match;
	pthread_mutex_lock(&s->sync_lock);
	/* one snapshot: the writer may commit meanwhile */
	rc = store_step(s->sdb, s->sst[SST_READ], "log begin");
	if (rc != SQLITE_OK) {
		ret = store_errno(rc);
		goto out;
	}
	ret = store_log_match(s, match, out);
	if (!ret)
		ret = store_log_seats(s, match, out);
	if (!ret)
		ret = store_log_events(s, match, out);
	store_step(s->sdb, s->sst[SST_COMMIT], "log end");
out:
	pthread_mutex_unlock(&s->sync_lock);
	if (ret < 0) {
		store_match_log_free(out);
		memset(out, 0, sizeof(*out));
	}
	return ret;
}

int store_unfinished(struct store *s, uint64_t **ids)
{
	sqlite3_stmt *st;
	uint64_t *v = NULL;
	size_t n = 0, cap = 0;
	int rc, ret = 0;

	if (!ids)
		return -EINVAL;
	*ids = NULL;
	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&s->sync_lock);
	st = s->sst[SST_UNFINISHED];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == INT_MAX) {
			ret = -EOVERFLOW;
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = (uint64_t)sqlite3_column_int64(st, 0);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_errno(rc);
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->sync_lock);
	if (ret < 0) {
		free(v);
		return ret;
	}
	*ids = v;
	return (int)n;
}

void store_match_log_free(struct store_match_log *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nevents; i++)
		store_event_row_clear(&m->events[i]);
	free(m->events);
	free(m->seats);
	free(m->definition);
	m->events = NULL;
	m->seats = NULL;
	m->definition = NULL;
	m->nevents = m->nseats = 0;
}

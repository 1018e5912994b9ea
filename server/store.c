/* The SQLite store: schema migrations, one writer thread that commits queued
 * operations in batched transactions, and the synchronous bank import
 * (server/store_bank.c; what both halves share is in server/store_int.h).
 *
 * Two connections: the writer connection belongs to the writer thread (it is
 * only touched by store_open before the thread starts and by store_close
 * after it is joined); the sync connection serves store_import_bank and
 * store_question_count under sync_lock. Both use BEGIN IMMEDIATE, so they
 * wait for each other through busy_timeout instead of deadlocking. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errors.h"
#include "store_int.h"
#include "xalloc.h"

#define STORE_BATCH_MAX	     4096    /* operations per transaction */
#define STORE_BUSY_MS	     10000   /* sync connection: wait for the lock */
#define STORE_BACKOFF_MIN_US 10000   /* first retry of a failed batch */
#define STORE_BACKOFF_MAX_US 1000000 /* retries back off up to this */
#define STORE_WAL_AUTO_PAGES 256     /* wal_autocheckpoint */
#define STORE_CKPT_FRAMES    1024    /* truncate the WAL when idle past */
#define STORE_QUESTIONS_MAX  10000   /* questions per match */

/* clang-format off */
static const char *const wst_sql[WST__COUNT] = {
	[WST_BEGIN] = "BEGIN IMMEDIATE",
	[WST_COMMIT] = "COMMIT",
	[WST_ROLLBACK] = "ROLLBACK",
	[WST_MATCH] = "INSERT INTO matches (id, code, title, format,"
		      " question_count, time_limit_us, points, seed, state,"
		      " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		      " 'running', ?9)",
	[WST_MATCH_Q] = "INSERT INTO match_questions (match_id, idx,"
			" question_id, perm) VALUES (?1, ?2, ?3, ?4)",
	[WST_PLAYER] = "INSERT INTO players (match_id, player_id, nick, team,"
		       " joined_at) VALUES (?1, ?2, ?3, ?4, ?5)"
		       " ON CONFLICT (match_id, player_id) DO UPDATE SET"
		       " nick = excluded.nick, team = excluded.team",
	[WST_ANSWER] = "INSERT INTO answers (match_id, player_id, q,"
		       " choice_mask, text, recv_us, one_way_us, rt_us,"
		       " correct, points) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		       " ?8, ?9, ?10)",
	[WST_VOID] = "UPDATE answers SET voided = 1, points = 0"
		     " WHERE match_id = ?1 AND q = ?2",
	[WST_CLOSED] = "UPDATE matches SET last_closed_q = ?2 WHERE id = ?1",
	[WST_RESULT] = "INSERT INTO results (match_id, player_id, rank, score,"
		       " correct, total_time_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
		       " ON CONFLICT (match_id, player_id) DO UPDATE SET"
		       " rank = excluded.rank, score = excluded.score,"
		       " correct = excluded.correct,"
		       " total_time_us = excluded.total_time_us",
	[WST_END] = "UPDATE matches SET state = ?2, ended_at = ?3 WHERE id = ?1",
	[WST_SAVEPOINT] = "SAVEPOINT op",
	[WST_RELEASE] = "RELEASE op",
	[WST_ROLLBACK_TO] = "ROLLBACK TO op",
};
/* clang-format on */

enum op_kind {
	OP_MATCH,
	OP_PLAYER,
	OP_ANSWER,
	OP_VOID,
	OP_CLOSED,
	OP_RESULT,
	OP_END,
	OP_BARRIER,
};

/* clang-format off */
static const char *const op_names[] = {
	[OP_MATCH] = "match", [OP_PLAYER] = "player",
	[OP_ANSWER] = "answer", [OP_VOID] = "void",
	[OP_CLOSED] = "closed", [OP_RESULT] = "result",
	[OP_END] = "end", [OP_BARRIER] = "barrier",
};
/* clang-format on */

/* One queued operation; owns copies of everything it writes. */
struct op {
	struct op *next;
	enum op_kind kind;
	bool lost;    /* refused or failed for good: never written */
	size_t bytes; /* counted in queued_bytes */
	uint64_t notify;
	uint64_t match;
	uint32_t player;
	uint32_t q;
	char *s1;	 /* code, nick, answer text */
	char *s2;	 /* title, team */
	int64_t wall_us; /* created_at, joined_at, ended_at */
	union {
		struct {
			int format;
			uint32_t count;
			int64_t time_limit_us;
			uint32_t points;
			uint64_t seed;
			char **ids;
			uint8_t (*perms)[ITEM_MAX_OPTIONS];
		} m;
		struct {
			uint32_t choice_mask;
			int64_t recv_us;
			int64_t one_way_us;
			int64_t rt_us;
			bool correct;
			uint32_t points;
		} a;
		struct {
			uint32_t rank;
			int64_t score;
			uint32_t correct;
			int64_t total_time_us;
		} r;
		const char *end_state; /* static: finished/ended/interrupted */
	} u;
};

/* Wall-clock time in microseconds since the Unix epoch. */
int64_t store_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Sets *err to a heap copy of a formatted message (NULL if that fails). */
void store_set_err(char **err, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	*err = strdup(buf);
}

/* Maps an SQLite result code to a negative errno. */
int store_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
		return -EINVAL;
	default:
		return -EIO;
	}
}

/* Steps a statement that returns no rows, then resets it for reuse.
 * Returns SQLITE_OK or the error code (logged with what). */
int store_step(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		rc = SQLITE_OK;
	} else {
		fprintf(stderr, "store: %s failed: %s (%d)\n", what,
			sqlite3_errmsg(db), rc);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* Binds a string, or NULL for a NULL pointer. */
int store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Opens one connection with the per-connection settings. */
static int store_connect(const char *path, int flags, sqlite3 **out, char **err)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		store_set_err(err, "store: cannot open %s: %s", path,
			      db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	/* NORMAL in WAL mode: a commit is in the OS once COMMIT returns, so it
	 * survives kill -9; only power loss can lose the last ones
	 * (docs/STORAGE.md). */
	rc = sqlite3_exec(db,
			  "PRAGMA foreign_keys = ON;"
			  "PRAGMA synchronous = NORMAL;",
			  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		store_set_err(err, "store: %s: %s", path,
			      msg ? msg : sqlite3_errstr(rc));
		goto fail;
	}
	*out = db;
	return 0;
fail:
	sqlite3_free(msg);
	sqlite3_close(db);
	return -1;
}

/* Creates the database file readable by its owner only (0600) if it does
 * not exist yet: SQLite gives the -wal and -shm files the mode of the
 * database, so answers and tokens are never readable by other local users
 * whatever the umask. An existing file keeps its mode. Returns 0 or a
 * negative errno. */
static int store_create_private(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	/* the umask may have taken bits away, never added: set exactly 0600 */
	if (fchmod(fd, 0600) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	close(fd);
	return 0;
}

/* Prepares a table of persistent statements. */
static int store_prepare(sqlite3 *db, const char *const *sql, size_t n,
			 sqlite3_stmt **out, char **err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (sqlite3_prepare_v3(db, sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &out[i],
				       NULL) != SQLITE_OK) {
			store_set_err(err, "store: prepare \"%.60s\": %s",
				      sql[i], sqlite3_errmsg(db));
			return -1;
		}
	}
	return 0;
}

/* Frees one operation and its copies. */
static void op_free(struct op *op)
{
	uint32_t i;

	if (!op)
		return;
	if (op->kind == OP_MATCH) {
		for (i = 0; op->u.m.ids && i < op->u.m.count; i++)
			free(op->u.m.ids[i]);
		free(op->u.m.ids);
		free(op->u.m.perms);
	}
	free(op->s1);
	free(op->s2);
	free(op);
}

/* Appends "[a,b,...]" for a display permutation. */
static void store_perm_json(const uint8_t *perm, char *out, size_t cap)
{
	size_t i, n = 0;

	out[n++] = '[';
	for (i = 0; i < ITEM_MAX_OPTIONS && n + 5 < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%u", i ? "," : "",
				      (unsigned)perm[i]);
	out[n++] = ']';
	out[n] = '\0';
}

/* Runs the statements of one operation on the writer connection. Returns
 * SQLITE_OK or the first error. */
static int store_exec_op(struct store *s, struct op *op)
{
	sqlite3_stmt *st;
	char perm[64];
	uint32_t i;
	int rc;

	switch (op->kind) {
	case OP_MATCH:
		st = s->wst[WST_MATCH];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)op->match);
		store_bind_text(st, 2, op->s1);
		store_bind_text(st, 3, op->s2);
		sqlite3_bind_int(st, 4, op->u.m.format);
		sqlite3_bind_int64(st, 5, op->u.m.count);
		sqlite3_bind_int64(st, 6, op->u.m.time_limit_us);
		sqlite3_bind_int64(st, 7, op->u.m.points);
		/* two's complement bit pattern: SQLite has no unsigned type */
		sqlite3_bind_int64(st, 8, (sqlite3_int64)op->u.m.seed);
		sqlite3_bind_int64(st, 9, op->wall_us);
		rc = store_step(s->wdb, st, "match insert");
		for (i = 0; rc == SQLITE_OK && i < op->u.m.count; i++) {
			st = s->wst[WST_MATCH_Q];
			sqlite3_bind_int64(st, 1, (sqlite3_int64)op->match);
			sqlite3_bind_int64(st, 2, i);
			store_bind_text(st, 3, op->u.m.ids[i]);
			if (op->u.m.perms) {
				store_perm_json(op->u.m.perms[i], perm,
						sizeof(perm));
				store_bind_text(st, 4, perm);
			}
			rc = store_step(s->wdb, st, "match question insert");
		}
		return rc;
	case OP_PLAYER:
		st = s->wst[WST_PLAYER];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)op->match);
		sqlite3_bind_int64(st, 2, op->player);
		store_bind_text(st, 3, op->s1);
		store_bind_text(st, 4, op->s2);
		sqlite3_bind_int64(st, 5, op->wall_us);
		return store_step(s->wdb, st, "player insert");
	case OP_ANSWER:
		st = s->wst[WST_ANSWER];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)op->match);
		sqlite3_bind_int64(st, 2, op->player);
		sqlite3_bind_int64(st, 3, op->q);
		sqlite3_bind_int64(st, 4, op->u.a.choice_mask);
		store_bind_text(st, 5, op->s1);
		sqlite3_bind_int64(st, 6, op->u.a.recv_us);
		sqlite3_bind_int64(st, 7, op->u.a.one_way_us);
		sqlite3_bind_int64(st, 8, op->u.a.rt_us);
		sqlite3_bind_int(st, 9, op->u.a.correct ? 1 : 0);
		sqlite3_bind_int64(st, 10, op->u.a.points);
		return store_step(s->wdb, st, "answer insert");
	case OP_VOID:
		st = s->wst[WST_VOID];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)op->match);
		sqlite3_bind_int64(st, 2, op->q);
		return store_step(s->wdb, st, "void question");
	case OP_CLOSED:
		st = s->wst[WST_CLOSED];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)op->match);
		sqlite3_bind_int64(st, 2, op->q);
		rc = store_step(s->wdb, st, "question closed");
		break;
	case OP_RESULT:
		st = s->wst[WST_RESULT];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)op->match);
		sqlite3_bind_int64(st, 2, op->player);
		sqlite3_bind_int64(st, 3, op->u.r.rank);
		sqlite3_bind_int64(st, 4, op->u.r.score);
		sqlite3_bind_int64(st, 5, op->u.r.correct);
		sqlite3_bind_int64(st, 6, op->u.r.total_time_us);
		return store_step(s->wdb, st, "result insert");
	case OP_END:
		st = s->wst[WST_END];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)op->match);
		store_bind_text(st, 2, op->u.end_state);
		sqlite3_bind_int64(st, 3, op->wall_us);
		rc = store_step(s->wdb, st, "match end");
		break;
	case OP_BARRIER:
	default:
		return SQLITE_OK;
	}
	/* an update of a match that was never recorded is a caller bug */
	if (rc == SQLITE_OK && sqlite3_changes(s->wdb) == 0) {
		fprintf(stderr, "store: %s: no match %" PRIu64 "\n",
			op_names[op->kind], op->match);
		rc = SQLITE_NOTFOUND;
	}
	return rc;
}

/* Primary result codes an operation can never succeed after: a retry would
 * fail the same way (a caller bug, not a storage fault). */
static bool store_permanent(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
	case SQLITE_NOTFOUND:
	case SQLITE_RANGE:
		return true;
	default:
		return false;
	}
}

/* Runs one operation inside the open transaction. OP_MATCH has several
 * statements: a savepoint keeps it whole if one fails for good. */
static int store_run_op(struct store *s, struct op *op)
{
	int rc;

	if (op->kind != OP_MATCH)
		return store_exec_op(s, op);
	rc = store_step(s->wdb, s->wst[WST_SAVEPOINT], "savepoint");
	if (rc != SQLITE_OK)
		return rc;
	rc = store_exec_op(s, op);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(s->wdb))
		store_step(s->wdb, s->wst[WST_ROLLBACK_TO], "rollback to");
	if (!sqlite3_get_autocommit(s->wdb))
		store_step(s->wdb, s->wst[WST_RELEASE], "release");
	return rc;
}

/* One try at committing a batch. An operation that fails for good is
 * marked lost and left out; any other failure rolls the transaction back.
 * Returns SQLITE_OK once committed, else the error of the lost attempt. */
static int store_attempt(struct store *s, struct op *batch)
{
	struct op *op;
	int rc;

	rc = store_step(s->wdb, s->wst[WST_BEGIN], "begin");
	if (rc != SQLITE_OK)
		return rc;
	for (op = batch; op; op = op->next) {
		if (op->kind == OP_BARRIER || op->lost)
			continue;
		rc = store_run_op(s, op);
		if (rc == SQLITE_OK)
			continue;
		if (store_permanent(rc) && !sqlite3_get_autocommit(s->wdb)) {
			fprintf(
			    stderr,
			    "store: %s op (match %" PRIu64 " player %" PRIu32
			    " q %" PRIu32 ") can never be written: lost\n",
			    op_names[op->kind], op->match, op->player, op->q);
			op->lost = true;
			continue;
		}
		goto rollback;
	}
	rc = store_step(s->wdb, s->wst[WST_COMMIT], "commit");
	if (rc == SQLITE_OK)
		return SQLITE_OK;
rollback:
	if (!sqlite3_get_autocommit(s->wdb))
		store_step(s->wdb, s->wst[WST_ROLLBACK], "rollback");
	return rc;
}

/* Appends a token to the completed list (lock held). */
static void store_done_push(struct store *s, uint64_t token)
{
	if (s->done_n == s->done_cap && s->done_head > 0) {
		memmove(s->done, s->done + s->done_head,
			(s->done_n - s->done_head) * sizeof(*s->done));
		s->done_n -= s->done_head;
		s->done_head = 0;
	}
	if (s->done_n == s->done_cap) {
		s->done_cap = s->done_cap ? s->done_cap * 2 : 64;
		s->done = xrealloc(s->done, s->done_cap * sizeof(*s->done));
	}
	s->done[s->done_n++] = token;
}

/* Monotonic time in microseconds. */
int64_t store_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Applies changed settings to the writer connection (writer thread). */
static void store_apply_cfg(struct store *s)
{
	char sql[80];
	uint32_t pages;
	int busy;

	pthread_mutex_lock(&s->lock);
	if (!s->cfg_dirty) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	s->cfg_dirty = false;
	pages = s->max_pages;
	busy = s->busy_ms;
	pthread_mutex_unlock(&s->lock);
	sqlite3_busy_timeout(s->wdb, busy);
	/* 4294967294 is SQLite's largest cap: no cap */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lu",
		 pages ? (unsigned long)pages : 4294967294UL);
	sqlite3_exec(s->wdb, sql, NULL, NULL, NULL);
}

/* Copies the WAL back and truncates it to zero bytes, so a full volume gets
 * its space back (writer thread; fails harmlessly while readers hold it). */
static void store_checkpoint(struct store *s)
{
	int log = 0, done = 0;

	sqlite3_wal_checkpoint_v2(s->wdb, NULL, SQLITE_CHECKPOINT_TRUNCATE,
				  &log, &done);
}

/* Sleeps up to us, waking early when store_close gives up. */
static void store_backoff(struct store *s, int64_t us)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += us / 1000000;
	ts.tv_nsec += (long)(us % 1000000) * 1000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	/* the queue's condition also signals new work: wait out the delay */
	while (!s->abandoned &&
	       pthread_cond_timedwait(&s->cond, &s->lock, &ts) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&s->lock);
}

/* Whether to stop retrying: store_close's final bound has passed. */
static bool store_give_up(struct store *s)
{
	bool give_up;

	pthread_mutex_lock(&s->lock);
	if (s->stopping && !s->abandoned && store_mono_us() >= s->stop_deadline)
		s->abandoned = true;
	give_up = s->abandoned;
	pthread_mutex_unlock(&s->lock);
	return give_up;
}

/* Commits one batch, retrying with backoff until it commits (or store_close
 * gives up), then publishes its tokens in order and frees it. Tokens of
 * operations that were not written carry STORE_TOKEN_LOST. */
static void store_run_batch(struct store *s, struct op *batch)
{
	uint64_t writes = 0, lost = 0, tokens = 0, retries = 0;
	int64_t backoff = STORE_BACKOFF_MIN_US;
	bool committed = false, stopping;
	struct op *op, *next;
	size_t bytes = 0;
	int rc;

	for (op = batch; op; op = op->next) {
		bytes += op->bytes;
		if (op->kind != OP_BARRIER && !op->lost)
			writes++;
	}
	while (writes && !committed) {
		if (store_give_up(s))
			break;
		store_apply_cfg(s);
		rc = store_attempt(s, batch);
		if (rc == SQLITE_OK) {
			committed = true;
			break;
		}
		retries++;
		if (retries == 1 || retries % 50 == 0)
			fprintf(stderr,
				"store: batch of %" PRIu64
				" ops not committed (%s, attempt %" PRIu64
				"); retrying\n",
				writes, sqlite3_errstr(rc), retries);
		pthread_mutex_lock(&s->lock);
		s->stats.retries++;
		pthread_mutex_unlock(&s->lock);
		if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR)
			store_checkpoint(s);
		store_backoff(s, backoff);
		backoff = backoff * 2 > STORE_BACKOFF_MAX_US
			      ? STORE_BACKOFF_MAX_US
			      : backoff * 2;
	}
	if (committed && retries) {
		fprintf(stderr,
			"store: batch of %" PRIu64
			" ops committed after %" PRIu64 " retries\n",
			writes, retries);
		store_checkpoint(s); /* give back what the failures used */
	}

	pthread_mutex_lock(&s->lock);
	s->inflight_since = 0;
	s->queued_bytes -= bytes;
	if (committed)
		s->stats.batches++;
	for (op = batch; op; op = op->next) {
		if (op->kind == OP_BARRIER)
			continue;
		if (op->lost || !committed) {
			lost += !op->lost; /* abandoned at shutdown */
			op->lost = true;
			s->stats.failures++;
		} else {
			s->stats.ops++;
		}
	}
	/* only what is on disk is announced (lost ones flagged), in order;
	 * after store_close gave up nobody polls any more */
	for (op = batch; op; op = op->next) {
		if (!op->notify)
			continue;
		if (!committed && writes)
			continue;
		store_done_push(s,
				op->notify | (op->lost ? STORE_TOKEN_LOST : 0));
		tokens++;
	}
	stopping = s->stopping;
	pthread_mutex_unlock(&s->lock);
	if (lost)
		fprintf(stderr,
			"store: %" PRIu64 " ops abandoned at shutdown\n", lost);

	for (op = batch; op; op = next) {
		next = op->next;
		op_free(op);
	}
	/* nobody polls once store_close has begun, and the loop may be
	 * tearing its wake-up handle down */
	if (tokens && s->wake && !stopping)
		s->wake(s->wake_arg);
}

/* The writer thread: takes everything queued (up to a batch) and commits
 * it, until store_close asks it to stop and the queue is empty. When the
 * queue runs dry after failures or a large WAL, the WAL is truncated. */
static void *store_writer(void *arg)
{
	struct store *s = arg;
	struct op *batch, *last;
	size_t n;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		if (!s->head && !s->stopping &&
		    s->wal_frames >= STORE_CKPT_FRAMES) {
			s->wal_frames = 0;
			pthread_mutex_unlock(&s->lock);
			store_checkpoint(s);
			continue;
		}
		while (!s->head && !s->stopping)
			pthread_cond_wait(&s->cond, &s->lock);
		if (!s->head) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		batch = last = s->head;
		for (n = 1; n < STORE_BATCH_MAX && last->next; n++)
			last = last->next;
		s->head = last->next;
		if (!s->head)
			s->tail = NULL;
		last->next = NULL;
		s->inflight_since = store_mono_us();
		pthread_mutex_unlock(&s->lock);
		store_run_batch(s, batch);
	}
	return NULL;
}

/* Counts the WAL's frames after each commit (SQLite's wal hook), then
 * runs the automatic checkpoint the hook replaces. */
static int store_wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store *s = arg;

	pthread_mutex_lock(&s->lock);
	s->wal_frames = (size_t)frames;
	pthread_mutex_unlock(&s->lock);
	if (frames >= STORE_WAL_AUTO_PAGES)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
					  NULL, NULL);
	return SQLITE_OK;
}

/* Bytes an operation holds, for the queue bound. */
static size_t op_bytes(const struct op *op)
{
	size_t n = sizeof(*op);
	uint32_t i;

	n += op->s1 ? strlen(op->s1) + 1 : 0;
	n += op->s2 ? strlen(op->s2) + 1 : 0;
	if (op->kind == OP_MATCH) {
		n += op->u.m.count *
		     (sizeof(*op->u.m.ids) + sizeof(*op->u.m.perms));
		for (i = 0; i < op->u.m.count; i++)
			n += strlen(op->u.m.ids[i]) + 1;
	}
	return n;
}

/* Queues an operation for the writer thread. */
static void store_push(struct store *s, struct op *op)
{
	op->bytes = op_bytes(op);
	pthread_mutex_lock(&s->lock);
	op->next = NULL;
	s->queued_bytes += op->bytes;
	if (s->tail) {
		s->tail->next = op;
	} else {
		s->head = op;
		/* the writer only sleeps on an empty queue */
		pthread_cond_signal(&s->cond);
	}
	s->tail = op;
	pthread_mutex_unlock(&s->lock);
}

/* Allocates an operation. */
static struct op *op_new(enum op_kind kind, uint64_t match, uint64_t notify)
{
	struct op *op = xcalloc(1, sizeof(*op));

	op->kind = kind;
	op->match = match;
	op->notify = notify;
	return op;
}

/* True if s is NULL or at most STORE_STR_MAX bytes. */
bool store_str_ok(const char *str)
{
	return !str || strnlen(str, STORE_STR_MAX + 1) <= STORE_STR_MAX;
}

/* Copies a string that passed store_str_ok (NULL stays NULL). */
static char *store_strdup(const char *str)
{
	return str ? xstrdup(str) : NULL;
}

/* Refuses an operation with bad input: logs, counts it as lost, and still
 * delivers its token in order, flagged STORE_TOKEN_LOST, so the caller is
 * neither left waiting nor told it was written. */
static void store_reject(struct store *s, const char *what, uint64_t match,
			 uint64_t notify)
{
	struct op *op;

	fprintf(stderr, "store: %s for match %" PRIu64 " refused: bad input\n",
		what, match);
	pthread_mutex_lock(&s->lock);
	s->stats.failures++;
	pthread_mutex_unlock(&s->lock);
	if (notify) {
		op = op_new(OP_BARRIER, match, notify);
		op->lost = true;
		store_push(s, op);
	}
}

struct store *store_open(const char *path, void (*wake)(void *), void *arg,
			 char **err)
{
	struct store *s;
	int64_t max_id = 0;

	if (err)
		*err = NULL;
	if (!path || !*path) {
		store_set_err(err, "store: no database path");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		store_set_err(err, "store: out of memory");
		return NULL;
	}
	s->wake = wake;
	s->wake_arg = arg;
	s->busy_ms = STORE_BUSY_MS_DEFAULT;
	s->stall_ms = STORE_STALL_MS_DEFAULT;
	s->queue_max = STORE_QUEUE_MAX_DEFAULT;
	s->cfg_dirty = true;
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		store_set_err(err, "store: mutex init failed");
		return NULL;
	}
	if (pthread_mutex_init(&s->sync_lock, NULL) != 0) {
		pthread_mutex_destroy(&s->lock);
		free(s);
		store_set_err(err, "store: mutex init failed");
		return NULL;
	}
	if (pthread_cond_init(&s->cond, NULL) != 0) {
		pthread_mutex_destroy(&s->sync_lock);
		pthread_mutex_destroy(&s->lock);
		free(s);
		store_set_err(err, "store: condition init failed");
		return NULL;
	}
	s->locks_ready = true;

	if (strcmp(path, ":memory:") != 0 && store_create_private(path) < 0) {
		store_set_err(err, "store: cannot create %s: %s", path,
			      strerror(errno));
		goto fail;
	}
	if (store_connect(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			  &s->wdb, err) < 0)
		goto fail;
	if (store_set_wal(s->wdb, path, err) < 0)
		goto fail;
	if (store_migrate(s->wdb, path, err) < 0)
		goto fail;
	if (store_connect(path, SQLITE_OPEN_READWRITE, &s->sdb, err) < 0)
		goto fail;
	if (store_prepare(s->wdb, wst_sql, WST__COUNT, s->wst, err) < 0 ||
	    store_prepare(s->sdb, store_sst_sql, SST__COUNT, s->sst, err) < 0)
		goto fail;
	if (store_query_int(s->wdb, "SELECT coalesce(max(id), 0) FROM matches",
			    &max_id) != SQLITE_OK ||
	    max_id < 0) {
		store_set_err(err, "store: %s: cannot read match ids: %s", path,
			      sqlite3_errmsg(s->wdb));
		goto fail;
	}
	s->next_match = (uint64_t)max_id + 1;
	sqlite3_wal_hook(s->wdb, store_wal_hook, s);
	if (pthread_create(&s->thread, NULL, store_writer, s) != 0) {
		store_set_err(err, "store: cannot start the writer thread");
		goto fail;
	}
	s->thread_started = true;
	return s;
fail:
	store_close(s);
	return NULL;
}

uint64_t store_close(struct store *s)
{
	struct op *op, *next;
	uint64_t lost;
	size_t i;

	if (!s)
		return 0;
	if (s->thread_started) {
		pthread_mutex_lock(&s->lock);
		s->stopping = true;
		s->stop_deadline =
		    store_mono_us() + STORE_FINAL_MS_DEFAULT * 1000LL;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	for (op = s->head; op; op = next) {
		next = op->next;
		if (op->kind != OP_BARRIER && !op->lost)
			s->stats.failures++;
		op_free(op);
	}
	lost = s->stats.failures;
	for (i = 0; i < WST__COUNT; i++)
		sqlite3_finalize(s->wst[i]);
	for (i = 0; i < SST__COUNT; i++)
		sqlite3_finalize(s->sst[i]);
	if (s->sdb && sqlite3_close(s->sdb) != SQLITE_OK)
		fprintf(stderr, "store: close: %s\n", sqlite3_errmsg(s->sdb));
	/* last connection: checkpoints the WAL into the main file */
	if (s->wdb && sqlite3_close(s->wdb) != SQLITE_OK)
		fprintf(stderr, "store: close: %s\n", sqlite3_errmsg(s->wdb));
	free(s->done);
	if (s->locks_ready) {
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->sync_lock);
		pthread_mutex_destroy(&s->lock);
	}
	free(s);
	return lost;
}

uint64_t store_match_begin(struct store *s, const struct store_match *m)
{
	return store_match_begin_notify(s, m, 0);
}

uint64_t store_match_begin_notify(struct store *s, const struct store_match *m,
				  uint64_t notify)
{
	struct op *op;
	uint64_t id;
	uint32_t i;

	if (!s || !m || !m->code || m->question_count > STORE_QUESTIONS_MAX ||
	    (m->question_count && !m->question_ids) || !store_str_ok(m->code) ||
	    !store_str_ok(m->title))
		return 0;
	for (i = 0; i < m->question_count; i++)
		if (!m->question_ids[i] || !store_str_ok(m->question_ids[i]))
			return 0;

	op = op_new(OP_MATCH, 0, notify);
	op->s1 = xstrdup(m->code);
	op->s2 = store_strdup(m->title);
	op->wall_us = store_wall_us();
	op->u.m.format = m->format;
	op->u.m.count = m->question_count;
	op->u.m.time_limit_us = m->time_limit_us;
	op->u.m.points = m->points;
	op->u.m.seed = m->seed;
	op->u.m.ids = xcalloc(m->question_count, sizeof(*op->u.m.ids));
	for (i = 0; i < m->question_count; i++)
		op->u.m.ids[i] = xstrdup(m->question_ids[i]);
	if (m->perms && m->question_count) {
		op->u.m.perms =
		    xcalloc(m->question_count, sizeof(*op->u.m.perms));
		memcpy(op->u.m.perms, m->perms,
		       m->question_count * sizeof(*op->u.m.perms));
	}

	pthread_mutex_lock(&s->lock);
	id = s->next_match++;
	pthread_mutex_unlock(&s->lock);
	op->match = id;
	store_push(s, op);
	return id;
}

void store_player(struct store *s, uint64_t match, uint32_t player,
		  const char *nick, const char *team)
{
	struct op *op;

	if (!s)
		return;
	if (!nick || !store_str_ok(nick) || !store_str_ok(team)) {
		store_reject(s, "player", match, 0);
		return;
	}
	op = op_new(OP_PLAYER, match, 0);
	op->player = player;
	op->s1 = xstrdup(nick);
	op->s2 = store_strdup(team);
	op->wall_us = store_wall_us();
	store_push(s, op);
}

int store_answer(struct store *s, const struct store_answer *a, uint64_t notify)
{
	struct op *op;

	if (!s)
		return -EINVAL;
	if (!store_accepting(s)) {
		pthread_mutex_lock(&s->lock);
		s->stats.refused++;
		pthread_mutex_unlock(&s->lock);
		return -QE_STORAGE_UNAVAILABLE;
	}
	if (!a || !store_str_ok(a->text)) {
		store_reject(s, "answer", a ? a->match : 0, notify);
		return 0;
	}
	op = op_new(OP_ANSWER, a->match, notify);
	op->player = a->player;
	op->q = a->q;
	op->s1 = store_strdup(a->text);
	op->u.a.choice_mask = a->choice_mask;
	op->u.a.recv_us = a->recv_us;
	op->u.a.one_way_us = a->one_way_us;
	op->u.a.rt_us = a->rt_us;
	op->u.a.correct = a->correct;
	op->u.a.points = a->points;
	store_push(s, op);
	return 0;
}

void store_void_question(struct store *s, uint64_t match, uint32_t q)
{
	struct op *op;

	if (!s)
		return;
	op = op_new(OP_VOID, match, 0);
	op->q = q;
	store_push(s, op);
}

void store_question_closed(struct store *s, uint64_t match, uint32_t q,
			   uint64_t notify)
{
	struct op *op;

	if (!s)
		return;
	op = op_new(OP_CLOSED, match, notify);
	op->q = q;
	store_push(s, op);
}

void store_result(struct store *s, const struct store_result *r)
{
	struct op *op;

	if (!s)
		return;
	if (!r) {
		store_reject(s, "result", 0, 0);
		return;
	}
	op = op_new(OP_RESULT, r->match, 0);
	op->player = r->player;
	op->u.r.rank = r->rank;
	op->u.r.score = r->score;
	op->u.r.correct = r->correct;
	op->u.r.total_time_us = r->total_time_us;
	store_push(s, op);
}

/* Queues the final state of a match. */
static void store_end_state(struct store *s, uint64_t match, const char *state)
{
	struct op *op;

	if (!s)
		return;
	op = op_new(OP_END, match, 0);
	op->u.end_state = state;
	op->wall_us = store_wall_us();
	store_push(s, op);
}

void store_match_end(struct store *s, uint64_t match, bool finished)
{
	store_end_state(s, match, finished ? "finished" : "ended");
}

void store_match_interrupted(struct store *s, uint64_t match)
{
	store_end_state(s, match, "interrupted");
}

void store_set_max_pages(struct store *s, uint32_t max_pages)
{
	pthread_mutex_lock(&s->lock);
	s->max_pages = max_pages;
	s->cfg_dirty = true;
	pthread_mutex_unlock(&s->lock);
}

void store_set_busy_ms(struct store *s, int ms)
{
	pthread_mutex_lock(&s->lock);
	s->busy_ms = ms > 0 ? ms : 1;
	s->cfg_dirty = true;
	pthread_mutex_unlock(&s->lock);
}

void store_set_stall_ms(struct store *s, int ms)
{
	pthread_mutex_lock(&s->lock);
	s->stall_ms = ms > 0 ? ms : 1;
	pthread_mutex_unlock(&s->lock);
}

void store_set_queue_max(struct store *s, size_t bytes)
{
	pthread_mutex_lock(&s->lock);
	s->queue_max = bytes ? bytes : 1;
	pthread_mutex_unlock(&s->lock);
}

bool store_stalled(struct store *s)
{
	bool stalled;

	if (!s)
		return false;
	pthread_mutex_lock(&s->lock);
	stalled = s->inflight_since &&
		  store_mono_us() - s->inflight_since >= s->stall_ms * 1000LL;
	pthread_mutex_unlock(&s->lock);
	return stalled;
}

bool store_accepting(struct store *s)
{
	bool ok;

	if (!s)
		return false;
	pthread_mutex_lock(&s->lock);
	ok = s->queued_bytes < s->queue_max;
	pthread_mutex_unlock(&s->lock);
	return ok;
}

void store_barrier(struct store *s, uint64_t notify)
{
	if (!s || !notify)
		return;
	store_push(s, op_new(OP_BARRIER, 0, notify));
}

size_t store_poll(struct store *s, uint64_t *out, size_t max)
{
	size_t n;

	if (!s || !out)
		return 0;
	pthread_mutex_lock(&s->lock);
	n = s->done_n - s->done_head;
	if (n > max)
		n = max;
	if (n)
		memcpy(out, s->done + s->done_head, n * sizeof(*out));
	s->done_head += n;
	if (s->done_head == s->done_n)
		s->done_head = s->done_n = 0;
	pthread_mutex_unlock(&s->lock);
	return n;
}

void store_stats(struct store *s, struct store_stats *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof(*out));
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	*out = s->stats;
	pthread_mutex_unlock(&s->lock);
}

/* The store's writer: store_open and store_close, the queue of operations,
 * and the one thread that commits them in batched transactions, retrying a
 * failing batch with backoff, reporting a stall, and keeping the WAL
 * bounded. What each operation writes is the catalogue's business
 * (server/store_ops.c); the writer only runs an operation's steps.
 *
 * Two connections: the writer connection belongs to the writer thread (it
 * is only touched by store_open before the thread starts and by
 * store_close after it is joined); the sync connection serves
 * store_import_bank, store_question_count and the match logs read back at
 * start-up under sync_lock (server/store_bank.c). Both write with BEGIN
 * IMMEDIATE, so they wait for each other through busy_timeout instead of
 * deadlocking.
 *
 * Groups (store_group_begin/end) are gathered on the event loop thread and
 * queued under one lock; each op but a group's last says so (group_next),
 * and the writer never ends a batch on such an op. */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store_int.h"
#include "xalloc.h"

#define STORE_BATCH_MAX	     4096    /* operations per transaction */
#define STORE_BACKOFF_MIN_US 10000   /* first retry of a failed batch */
#define STORE_BACKOFF_MAX_US 1000000 /* retries back off up to this */
#define STORE_WAL_AUTO_PAGES 256     /* wal_autocheckpoint */
#define STORE_CKPT_FRAMES    1024    /* truncate the WAL when idle past */

/* clang-format off */
static const char *const wst_sql[WST__COUNT] = {
	[WST_BEGIN] = "BEGIN IMMEDIATE",
	[WST_COMMIT] = "COMMIT",
	[WST_ROLLBACK] = "ROLLBACK",
	[WST_SAVEPOINT] = "SAVEPOINT op",
	[WST_RELEASE] = "RELEASE op",
	[WST_ROLLBACK_TO] = "ROLLBACK TO op",
};
/* clang-format on */

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

/* Runs one operation inside the open transaction. One with several
 * statements runs inside a savepoint, so it stays whole if one of them
 * fails for good. */
static int store_run_op(struct store *s, struct op *op)
{
	int rc;

	if (op->nsteps < 2)
		return store_op_exec(s, op);
	rc = store_step(s->wdb, s->wst[WST_SAVEPOINT], "savepoint");
	if (rc != SQLITE_OK)
		return rc;
	rc = store_op_exec(s, op);
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
		if (!op->nsteps || op->lost)
			continue;
		rc = store_run_op(s, op);
		if (rc == SQLITE_OK)
			continue;
		if (store_permanent(rc) && !sqlite3_get_autocommit(s->wdb)) {
			fprintf(stderr,
				"store: %s op (match %" PRIu64
				") can never be written: lost\n",
				store_op_name(op), op->match);
			op->lost = true;
			continue;
		}
		goto rollback;
	}
	/* replicated: the sequence this batch takes in the stream, kept with
	 * it (a restart compares it with the stream's) */
	if (s->repl_fn) {
		rc = store_repl_mark(s, batch);
		if (rc != SQLITE_OK)
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

/* Applies changed settings to the writer connection (writer thread). */
static void store_apply_cfg(struct store *s)
{
	char sql[80];
	uint32_t pages;
	bool full;
	int busy;

	pthread_mutex_lock(&s->lock);
	if (!s->cfg_dirty) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	s->cfg_dirty = false;
	pages = s->max_pages;
	busy = s->busy_ms;
	full = s->durable_full;
	pthread_mutex_unlock(&s->lock);
	sqlite3_busy_timeout(s->wdb, busy);
	/* 4294967294 is SQLite's largest cap: no cap */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lu",
		 pages ? (unsigned long)pages : 4294967294UL);
	sqlite3_exec(s->wdb, sql, NULL, NULL, NULL);
	/* FULL: the WAL is fsynced at every commit (survives a power cut);
	 * NORMAL: only at checkpoints (a commit survives the process) */
	if (sqlite3_exec(s->wdb,
			 full ? "PRAGMA synchronous = FULL"
			      : "PRAGMA synchronous = NORMAL",
			 NULL, NULL, NULL) != SQLITE_OK)
		fprintf(stderr, "store: synchronous: %s\n",
			sqlite3_errmsg(s->wdb));
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

/* Puts a committed batch in the replication stream before its tokens go
 * out (an ack is a promise that the other node has it too), retrying with
 * backoff while the link is down; the room pauses meanwhile as for a
 * stalled disk (inflight_since is still set). */
static void store_publish(struct store *s)
{
	int64_t backoff = STORE_BACKOFF_MIN_US;
	uint64_t tries = 0;

	while (s->repl_fn(s->repl_arg, s->repl_seq + 1, s->repl_chunks,
			  s->repl_out.data, s->repl_out.len) != 0) {
		if (++tries == 1 || tries % 50 == 0)
			fprintf(stderr,
				"store: batch %" PRIu64
				" not replicated yet (attempt %" PRIu64
				"); retrying\n",
				s->repl_seq + 1, tries);
		if (store_give_up(s))
			return;
		store_backoff(s, backoff);
		backoff = backoff * 2 > STORE_BACKOFF_MAX_US
			      ? STORE_BACKOFF_MAX_US
			      : backoff * 2;
	}
	s->repl_seq += s->repl_chunks;
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
		if (op->nsteps && !op->lost)
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
	if (committed && s->repl_fn)
		store_publish(s);

	pthread_mutex_lock(&s->lock);
	s->inflight_since = 0;
	s->queued_bytes -= bytes;
	if (committed)
		s->stats.batches++;
	for (op = batch; op; op = op->next) {
		if (!op->nsteps)
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
		free(op);
	}
	/* nobody polls once store_close has begun, and the loop may be
	 * tearing its wake-up handle down */
	if (tokens && s->wake && !stopping)
		s->wake(s->wake_arg);
}

/* The writer thread: takes everything queued (up to a batch, never
 * cutting a group: a batch extends to the end of the group it reached)
 * and commits it, until store_close asks it to stop and the queue is
 * empty. When the queue runs dry after failures or a large WAL, the WAL
 * is truncated. */
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
		/* a group is queued whole (store_group_end), so a group's
		 * next op is always there */
		for (n = 1;
		     (n < STORE_BATCH_MAX || last->group_next) && last->next;
		     n++)
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

/* Appends the list first..last (bytes in all) to the writer's queue under
 * one lock: the writer sees all of it or none. */
static void store_enqueue(struct store *s, struct op *first, struct op *last,
			  size_t bytes)
{
	pthread_mutex_lock(&s->lock);
	last->next = NULL;
	s->queued_bytes += bytes;
	if (s->tail) {
		s->tail->next = first;
	} else {
		s->head = first;
		/* the writer only sleeps on an empty queue */
		pthread_cond_signal(&s->cond);
	}
	s->tail = last;
	pthread_mutex_unlock(&s->lock);
}

/* Queues an operation for the writer thread; inside a group it waits with
 * the group's others until the outermost store_group_end. */
void store_push(struct store *s, struct op *op)
{
	op->next = NULL;
	op->group_next = false;
	if (s->group_depth) {
		if (s->group_tail) {
			s->group_tail->group_next = true;
			s->group_tail->next = op;
		} else {
			s->group_head = op;
		}
		s->group_tail = op;
		s->group_bytes += op->bytes;
		return;
	}
	store_enqueue(s, op, op, op->bytes);
}

/* Sends the open group's ops to the queue, together. */
static void store_group_flush(struct store *s)
{
	if (s->group_head)
		store_enqueue(s, s->group_head, s->group_tail, s->group_bytes);
	s->group_head = s->group_tail = NULL;
	s->group_bytes = 0;
}

void store_group_begin(struct store *s)
{
	if (s)
		s->group_depth++;
}

void store_group_end(struct store *s)
{
	if (!s || !s->group_depth)
		return;
	if (--s->group_depth == 0)
		store_group_flush(s);
}

/* Allocates the next match id (known at once, before any commit). */
uint64_t store_next_match(struct store *s)
{
	uint64_t id;

	pthread_mutex_lock(&s->lock);
	id = s->next_match++;
	pthread_mutex_unlock(&s->lock);
	return id;
}

/* The highest match id recorded or allocated (0: none). */
uint64_t store_last_match(struct store *s)
{
	uint64_t id;

	pthread_mutex_lock(&s->lock);
	id = s->next_match - 1;
	pthread_mutex_unlock(&s->lock);
	return id;
}

/* Counts an operation refused before it was queued. */
void store_count_failure(struct store *s)
{
	pthread_mutex_lock(&s->lock);
	s->stats.failures++;
	pthread_mutex_unlock(&s->lock);
}

/* Counts an answer refused by the queue bound. */
void store_count_refused(struct store *s)
{
	pthread_mutex_lock(&s->lock);
	s->stats.refused++;
	pthread_mutex_unlock(&s->lock);
}

/* Opens the store: connections, migrations, statements, then the writer
 * thread. */
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
	    store_ops_prepare(s, err) < 0 ||
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

/* Stops the writer once the queue is written (or abandoned), closes. */
uint64_t store_close(struct store *s)
{
	struct op *op, *next;
	uint64_t lost;
	size_t i;

	if (!s)
		return 0;
	/* a group left open is queued: its ops were asked for */
	s->group_depth = 0;
	store_group_flush(s);
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
		if (op->nsteps && !op->lost)
			s->stats.failures++;
		free(op);
	}
	lost = s->stats.failures;
	for (i = 0; i < WST__COUNT; i++)
		sqlite3_finalize(s->wst[i]);
	store_ops_finalize(s);
	for (i = 0; i < SST__COUNT; i++)
		sqlite3_finalize(s->sst[i]);
	if (s->sdb && sqlite3_close(s->sdb) != SQLITE_OK)
		fprintf(stderr, "store: close: %s\n", sqlite3_errmsg(s->sdb));
	/* last connection: checkpoints the WAL into the main file */
	if (s->wdb && sqlite3_close(s->wdb) != SQLITE_OK)
		fprintf(stderr, "store: close: %s\n", sqlite3_errmsg(s->wdb));
	free(s->done);
	free(s->repl_key);
	free(s->repl_out.data);
	if (s->locks_ready) {
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->sync_lock);
		pthread_mutex_destroy(&s->lock);
	}
	free(s);
	return lost;
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

void store_set_durability(struct store *s, bool full)
{
	pthread_mutex_lock(&s->lock);
	s->durable_full = full;
	s->cfg_dirty = true;
	pthread_mutex_unlock(&s->lock);
}

bool store_accepting(struct store *s)
{
	bool ok;

	if (!s)
		return false;
	pthread_mutex_lock(&s->lock);
	/* an open group's ops count too (group_bytes: this thread's) */
	ok = s->queued_bytes + s->group_bytes < s->queue_max;
	pthread_mutex_unlock(&s->lock);
	return ok;
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

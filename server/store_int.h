/* Private to the store: what server/store.c (migrations, writer thread,
 * queued operations) and server/store_bank.c (the synchronous bank side)
 * share. Nothing outside those two files includes this; the API is
 * server/store.h. */
#ifndef QUIZ_STORE_INT_H
#define QUIZ_STORE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

#define STORE_STR_MAX 4096 /* longest string accepted into an op */

/* Statements of the writer connection. */
enum wst {
	WST_BEGIN,
	WST_COMMIT,
	WST_ROLLBACK,
	WST_MATCH,
	WST_MATCH_Q,
	WST_PLAYER,
	WST_ANSWER,
	WST_VOID,
	WST_CLOSED,
	WST_RESULT,
	WST_END,
	WST_SAVEPOINT,
	WST_RELEASE,
	WST_ROLLBACK_TO,
	WST__COUNT
};

/* Statements of the sync connection. */
enum sst {
	SST_BEGIN,
	SST_COMMIT,
	SST_ROLLBACK,
	SST_UPSERT,
	SST_COUNT,
	SST_LOAD,
	SST_EACH,
	SST__COUNT
};

/* SQL of the sync statements, indexed by enum sst (server/store_bank.c). */
extern const char *const store_sst_sql[SST__COUNT];

struct op;

/* The handle behind the opaque struct store of store.h. */
struct store {
	sqlite3 *wdb; /* writer thread only */
	sqlite3_stmt *wst[WST__COUNT];

	pthread_mutex_t sync_lock; /* guards sdb and its statements */
	sqlite3 *sdb;
	sqlite3_stmt *sst[SST__COUNT];

	void (*wake)(void *);
	void *wake_arg;
	pthread_t thread;
	bool thread_started;
	bool locks_ready;

	pthread_mutex_t lock; /* guards everything below */
	pthread_cond_t cond;
	struct op *head, *tail;
	bool stopping;
	uint64_t *done; /* committed notify tokens, done[done_head..done_n) */
	size_t done_head, done_n, done_cap;
	uint64_t next_match;
	struct store_stats stats;
	size_t queued_bytes;	/* queued and in-flight operations */
	size_t queue_max;	/* store_answer refuses past this */
	int busy_ms;		/* busy timeout of the writer connection */
	uint32_t max_pages;	/* 0: no cap */
	bool cfg_dirty;		/* busy_ms or max_pages changed */
	int stall_ms;		/* store_stalled() after this long */
	int64_t inflight_since; /* monotonic us: current batch began, 0 none */
	int64_t stop_deadline;	/* monotonic us: store_close gives up then */
	bool abandoned;		/* store_close gave up on the queue */
	size_t wal_frames;	/* WAL frames after the last commit */
};

/* Monotonic time in microseconds. */
int64_t store_mono_us(void);

/* Sets *err to a heap copy of a formatted message (nothing if err is
 * NULL; NULL if the copy fails). */
void store_set_err(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reads one integer from a pragma or query. Returns an SQLite code. */
int store_query_int(sqlite3 *db, const char *sql, int64_t *out);
/* Switches the file to WAL; refuses one that stays in another mode.
 * Returns 0, or -1 with *err set (server/store_schema.c). */
int store_set_wal(sqlite3 *db, const char *path, char **err);
/* Applies the missing forward migrations, one transaction each, and
 * refuses a database newer than this code. Returns 0, or -1 with *err set
 * (server/store_schema.c). */
int store_migrate(sqlite3 *db, const char *path, char **err);

/* Wall-clock time in microseconds since the Unix epoch. */
int64_t store_wall_us(void);
/* Maps an SQLite result code to a negative errno. */
int store_errno(int rc);
/* Steps a statement that returns no rows, then resets it for reuse.
 * Returns SQLITE_OK or the error code (logged with what). */
int store_step(sqlite3 *db, sqlite3_stmt *st, const char *what);
/* Binds a string, or NULL for a NULL pointer. */
int store_bind_text(sqlite3_stmt *st, int i, const char *s);
/* True if s is NULL or at most STORE_STR_MAX bytes. */
bool store_str_ok(const char *str);

#endif

/* Private to the store: what its files share. server/store_writer.c opens
 * the store and runs the writer thread; server/store_ops.c is the catalogue
 * of queued operations; server/store_schema.c holds the migrations and the
 * connection helpers; server/store_bank.c is the synchronous side (the
 * bank, match logs read back). server/evhash.c computes the event chain's
 * links (quizd_evhash, registered by store_ops.c). Nothing outside those
 * files includes this; the API is server/store.h. */
#ifndef QUIZ_STORE_INT_H
#define QUIZ_STORE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

#define STORE_STR_MAX	    4096  /* longest string accepted into an op */
#define STORE_QUESTIONS_MAX 10000 /* questions per match */

/* Control statements of the writer connection (server/store_writer.c). */
enum wst {
	WST_BEGIN,
	WST_COMMIT,
	WST_ROLLBACK,
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
	SST_READ,	/* a read snapshot (deferred BEGIN) */
	SST_MATCH,	/* one matches row */
	SST_SEATS,	/* its seats */
	SST_EVENTS,	/* its events in seq order */
	SST_UNFINISHED, /* ids left running or interrupted */
	SST__COUNT
};

/* SQL of the sync statements, indexed by enum sst (server/store_bank.c). */
extern const char *const store_sst_sql[SST__COUNT];

/* The statements of the catalogue (server/store_ops.c). */
enum op_sql {
	OPS_MATCH,
	OPS_MATCH_Q,
	OPS_MATCH_COUNT,
	OPS_CONTEST,
	OPS_DEFINITION,
	OPS_PLAYER,
	OPS_ANSWER,
	OPS_VOID,
	OPS_CLOSED,
	OPS_RESULT,
	OPS_END,
	OPS_RUNNING,
	OPS_EVENT,
	OPS_BOOKING,
	OPS_BOOKING_POINTS,
	OPS_SEAT,
	OPS_TEAM_RESULT,
	OPS_PRESS,
	OPS_JUDGE_HASH,
	/* practice (schema v6): filled by server/store_practice.c */
	OPS_PERSON,
	OPS_SITTING,
	OPS_PANSWER,
	OPS_PITEM,
	OPS_PSTATE,
	OPS_REPL_SEQ, /* replication: repl_state's row (server/store_repl.c) */
	OPS__COUNT
};

/* One value bound to a statement parameter of a queued operation. */
struct op_val {
	union {
		int64_t i;
		const char *s; /* in the operation's own block */
	} u;
	uint8_t type; /* OPV_NULL, OPV_INT, OPV_TEXT */
};

enum { OPV_NULL, OPV_INT, OPV_TEXT };

/* One statement of an operation: a catalogue entry and its values
 * (parameters ?1.. in order). */
struct op_step {
	uint16_t sql;	/* index into the catalogue (server/store_ops.c) */
	uint16_t nval;	/* values of this step, or OP_ROW */
	uint32_t first; /* index of its first value in op->vals (OP_ROW: of
			   its row in the op's string block) */
};

/* A step whose values are one row of a typed array kept in the op's
 * string block, bound by the step's statement (store_bookings: 32 bytes a
 * booking queued instead of 192 as 11 generic values and 2 steps). */
#define OP_ROW UINT16_MAX

/* One queued operation: one allocation holding its steps, their values and
 * copies of their strings (built by server/store_ops.c, freed with free()).
 * An operation without steps is a barrier: a token and nothing to write. */
struct op {
	struct op *next;
	bool lost;	 /* refused or failed for good: never written */
	bool group_next; /* the next op is of the same group: no cut here */
	/* an op of typed rows (store_bookings_push, store_results_push):
	 * no stored steps; each row runs statements row_sql[0 ..
	 * row_nsql), and nsteps counts them (rows * row_nsql) */
	uint8_t row_nsql;
	uint16_t row_sql[2];
	size_t bytes; /* the block's size, counted in queued_bytes */
	uint64_t notify;
	uint64_t match;		      /* for the log */
	uint32_t nsteps, nvals;	      /* filled so far */
	uint32_t cap_steps, cap_vals; /* room made by op_new */
	struct op_step *steps;
	struct op_val *vals;
	char *strs; /* string copies: strs[0 .. str_used) of str_cap */
	size_t str_used, str_cap;
};

/* A growing byte buffer (replication's encoder). */
struct repl_buf {
	uint8_t *data;
	size_t len, cap;
};

/* The handle behind the opaque struct store of store.h. */
struct store {
	sqlite3 *wdb; /* writer thread only */
	sqlite3_stmt *wst[WST__COUNT];
	sqlite3_stmt **ost; /* the catalogue's statements (store_ops.c) */

	pthread_mutex_t sync_lock; /* guards sdb and its statements */
	sqlite3 *sdb;
	sqlite3_stmt *sst[SST__COUNT];

	void (*wake)(void *);
	void *wake_arg;
	pthread_t thread;
	bool thread_started;
	bool locks_ready;

	/* the open group (event loop thread only): its ops wait here and go
	 * to the queue together at the outermost store_group_end */
	unsigned group_depth;
	struct op *group_head, *group_tail;
	size_t group_bytes;

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
	bool durable_full;	/* synchronous=FULL, else NORMAL */
	bool cfg_dirty;		/* busy_ms, max_pages or durability changed */
	int stall_ms;		/* store_stalled() after this long */
	int64_t inflight_since; /* monotonic us: current batch began, 0 none */
	int64_t stop_deadline;	/* monotonic us: store_close gives up then */
	bool abandoned;		/* store_close gave up on the queue */
	size_t wal_frames;	/* WAL frames after the last commit */

	/* replication (server/store_repl.c): set before the first write;
	 * repl_seq and the buffer are the writer thread's */
	store_repl_fn repl_fn;
	void *repl_arg;
	char *repl_key;		  /* this stream's row in repl_state */
	uint64_t repl_seq;	  /* the last sequence published */
	size_t repl_chunk;	  /* bytes of a batch a message holds */
	uint32_t repl_chunks;	  /* messages of the batch being committed */
	struct repl_buf repl_out; /* the batch being committed, encoded */
};

/* --- server/store_writer.c: the queue. --- */

/* Queues an operation for the writer thread (takes it). */
void store_push(struct store *s, struct op *op);
/* Allocates the next match id. */
uint64_t store_next_match(struct store *s);
/* Counts an operation that will never be written (refused input). */
void store_count_failure(struct store *s);
/* Counts an answer refused by the queue bound. */
void store_count_refused(struct store *s);

/* --- server/store_ops.c: the catalogue of operations. --- */

/* Registers the chain's SQL function (quizd_evhash, server/evhash.h) on
 * the writer connection, then prepares the catalogue's statements into
 * s->ost. Returns 0, or -1 with *err set. */
int store_ops_prepare(struct store *s, char **err);
/* Finalizes and frees what store_ops_prepare made (accepts none made). */
void store_ops_finalize(struct store *s);
/* Runs the steps of one operation inside the open transaction (writer
 * thread). Returns SQLITE_OK or the first error; an update that must find
 * its row and finds none is SQLITE_NOTFOUND. */
int store_op_exec(struct store *s, const struct op *op);
/* The values of a row step (OP_ROW) into out[0..7): how many (0: not a
 * row statement). */
uint32_t store_op_row_values(const struct op *op, const struct op_step *step,
			     int64_t *out);
/* Name of an operation for the log: its first statement's ("barrier"
 * for none). */
const char *store_op_name(const struct op *op);
/* Allocates a barrier: a token in order and nothing to write. */
struct op *store_op_barrier(uint64_t match, uint64_t notify);
/* Building an operation: sized first (store_op_new: steps, values, string
 * bytes as store_op_strsize counts them), then filled in order: a step,
 * its values. Filling past the size aborts (a broken invariant). */
struct op *store_op_new(uint64_t match, uint64_t notify, uint32_t nsteps,
			uint32_t nvals, size_t strbytes);
size_t store_op_strsize(const char *str);
void store_op_step(struct op *op, enum op_sql sql);
void store_op_int(struct op *op, int64_t i);
/* Copies str into the operation (NULL binds NULL). */
void store_op_text(struct op *op, const char *str);
/* Refuses an operation with bad input: logged, counted as lost, its token
 * (if any) still delivered in order with STORE_TOKEN_LOST. */
void store_op_reject(struct store *s, const char *what, uint64_t match,
		     uint64_t notify);
/* True if h is 64 lowercase hex digits (a hash, never a raw token). */
bool store_hash_ok(const char *h);

/* --- server/store_repl.c: replication (docs/CLUSTER.md "Takeover"). --- */

/* Encodes the operations of the batch being committed (those not lost)
 * into s->repl_out, and writes repl_state's row for it (its sequences,
 * repl_seq + 1 .. + repl_chunks) inside the open transaction (writer
 * thread). */
int store_repl_mark(struct store *s, const struct op *batch);
/* Encodes the operations of batch that are not lost into b (its bytes
 * replaced). */
void store_repl_encode(struct repl_buf *b, const struct op *batch);
/* Decodes a batch into a list of operations (linked by next, each freed
 * with free()). A claim decodes to no operation. 0, or -EINVAL for bytes
 * the encoder could not have written (nothing allocated then). */
int store_repl_decode(const void *data, size_t len, struct op **head);

/* --- server/store_schema.c: the schema and the connections. --- */

/* Monotonic time in microseconds. */
int64_t store_mono_us(void);
/* Wall-clock time in microseconds since the Unix epoch. */
int64_t store_wall_us(void);
/* Sets *err to a heap copy of a formatted message (nothing if err is
 * NULL; NULL if the copy fails). */
void store_set_err(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reads one integer from a pragma or query. Returns an SQLite code. */
int store_query_int(sqlite3 *db, const char *sql, int64_t *out);
/* Creates the database file owner-only (0600) if it does not exist yet.
 * Returns 0 or a negative errno. */
int store_create_private(const char *path);
/* Opens one connection with the per-connection settings. Returns 0, or
 * -1 with *err set. */
int store_connect(const char *path, int flags, sqlite3 **out, char **err);
/* Prepares a table of persistent statements. Returns 0, or -1 with *err
 * set. */
int store_prepare(sqlite3 *db, const char *const *sql, size_t n,
		  sqlite3_stmt **out, char **err);
/* Switches the file to WAL; refuses one that stays in another mode.
 * Returns 0, or -1 with *err set. */
int store_set_wal(sqlite3 *db, const char *path, char **err);
/* Applies the missing forward migrations, one transaction each, and
 * refuses a database newer than this code. Returns 0, or -1 with *err
 * set. */
int store_migrate(sqlite3 *db, const char *path, char **err);
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

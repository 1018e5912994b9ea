/* The schema of the store: the forward migrations (PRAGMA user_version),
 * WAL mode, and the connection helpers both the writer and the sync
 * connection use (opening, statements, error codes, clocks). The API is
 * server/store.h; what the store's files share is in server/store_int.h. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_int.h"

#define STORE_WAL_LIMIT 1048576 /* journal_size_limit, bytes */
#define STORE_BUSY_MS	10000	/* initial busy timeout of a connection */
/* Page cache of each connection, KiB (SQLite's default is 2,000): the
 * writer appends at the right edge of its tables and indexes, and the OS
 * keeps the rest of the file cached; a bigger cache only costs quizd
 * resident memory (docs/BENCHMARKS.md, "Memory per contestant"). */
#define STORE_CACHE_KIB 512
#define QUIZ_STR2(x)	#x
#define QUIZ_STR(x)	QUIZ_STR2(x)

/* Forward migrations: migrations[v - 1] takes the schema from v - 1 to v.
 * Never edit a released entry; append a new one. */
/* clang-format off */
static const char *const store_migrations[] = {
	/* 1: initial schema */
	"CREATE TABLE questions ("
	" id TEXT PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" stem TEXT NOT NULL,"
	" options TEXT NOT NULL,"
	" correct_mask INTEGER NOT NULL,"
	" fills TEXT NOT NULL,"
	" explanation TEXT,"
	" category TEXT,"
	" difficulty INTEGER NOT NULL,"
	" sources TEXT NOT NULL,"
	" basis TEXT,"
	" updated_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE matches ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL,"
	" title TEXT,"
	" format INTEGER NOT NULL,"
	" question_count INTEGER NOT NULL,"
	" time_limit_us INTEGER NOT NULL,"
	" points INTEGER NOT NULL,"
	" seed INTEGER NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'running'"
	"  CHECK (state IN ('running', 'finished', 'ended')),"
	" last_closed_q INTEGER,"
	" created_at INTEGER NOT NULL,"
	" ended_at INTEGER"
	") STRICT;"
	"CREATE INDEX matches_code ON matches(code);"
	"CREATE INDEX matches_state ON matches(state);"
	"CREATE TABLE match_questions ("
	" match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL,"
	" question_id TEXT NOT NULL,"
	" perm TEXT,"
	" PRIMARY KEY (match_id, idx)"
	") STRICT;"
	"CREATE TABLE players ("
	" match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,"
	" player_id INTEGER NOT NULL,"
	" nick TEXT NOT NULL,"
	" team TEXT,"
	" joined_at INTEGER NOT NULL,"
	" PRIMARY KEY (match_id, player_id)"
	") STRICT;"
	"CREATE TABLE answers ("
	" match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,"
	" player_id INTEGER NOT NULL,"
	" q INTEGER NOT NULL,"
	" choice_mask INTEGER NOT NULL,"
	" text TEXT,"
	" recv_us INTEGER NOT NULL,"
	" one_way_us INTEGER NOT NULL,"
	" rt_us INTEGER NOT NULL,"
	" correct INTEGER NOT NULL,"
	" points INTEGER NOT NULL,"
	" voided INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (match_id, player_id, q)"
	") STRICT;"
	"CREATE INDEX answers_question ON answers(match_id, q);"
	"CREATE TABLE results ("
	" match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,"
	" player_id INTEGER NOT NULL,"
	" rank INTEGER NOT NULL,"
	" score INTEGER NOT NULL,"
	" correct INTEGER NOT NULL,"
	" total_time_us INTEGER NOT NULL,"
	" PRIMARY KEY (match_id, player_id)"
	") STRICT;"
	"CREATE INDEX results_rank ON results(match_id, rank);",
	/* 2: matches.state may be 'interrupted' (quizd stopped mid-match).
	 * A CHECK cannot be altered: the table is rebuilt the way SQLite
	 * documents (lang_altertable.html, "other kinds of table schema
	 * changes"); store_migrate turns foreign_keys off around it and runs
	 * foreign_key_check before the commit. */
	"CREATE TABLE matches_v2 ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL,"
	" title TEXT,"
	" format INTEGER NOT NULL,"
	" question_count INTEGER NOT NULL,"
	" time_limit_us INTEGER NOT NULL,"
	" points INTEGER NOT NULL,"
	" seed INTEGER NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'running'"
	"  CHECK (state IN ('running', 'finished', 'ended', 'interrupted')),"
	" last_closed_q INTEGER,"
	" created_at INTEGER NOT NULL,"
	" ended_at INTEGER"
	") STRICT;"
	"INSERT INTO matches_v2 (id, code, title, format, question_count,"
	" time_limit_us, points, seed, state, last_closed_q, created_at,"
	" ended_at) SELECT id, code, title, format, question_count,"
	" time_limit_us, points, seed, state, last_closed_q, created_at,"
	" ended_at FROM matches;"
	"DROP TABLE matches;"
	"ALTER TABLE matches_v2 RENAME TO matches;"
	"CREATE INDEX matches_code ON matches(code);"
	"CREATE INDEX matches_state ON matches(state);",
	/* 3: contests and the event log. Columns are only added (ALTER TABLE
	 * ADD COLUMN keeps every row), tables only created. */
	"ALTER TABLE matches ADD COLUMN contest TEXT;"
	"ALTER TABLE matches ADD COLUMN definition TEXT;"
	"ALTER TABLE match_questions ADD COLUMN"
	" round INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE events ("
	" match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL CHECK (seq > 0),"
	" kind TEXT NOT NULL CHECK (kind <> ''),"
	" at_us INTEGER NOT NULL,"
	" player_id INTEGER NOT NULL,"
	" q INTEGER NOT NULL,"
	" choice_mask INTEGER NOT NULL,"
	" one_way_us INTEGER NOT NULL,"
	" arg INTEGER NOT NULL,"
	" nick TEXT,"
	" team TEXT,"
	" text TEXT,"
	" PRIMARY KEY (match_id, seq)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE bookings ("
	" match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,"
	" q INTEGER NOT NULL,"
	" player_id INTEGER NOT NULL,"
	" delta INTEGER NOT NULL,"
	" answered INTEGER NOT NULL CHECK (answered IN (0, 1)),"
	" correct INTEGER NOT NULL CHECK (correct IN (0, 1)),"
	" stake INTEGER NOT NULL,"
	" PRIMARY KEY (match_id, q, player_id)"
	") STRICT;"
	"CREATE INDEX bookings_player ON bookings(match_id, player_id);"
	"CREATE TABLE seats ("
	" match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,"
	" player_id INTEGER NOT NULL,"
	" token_hash TEXT NOT NULL CHECK (length(token_hash) = 64"
	"  AND token_hash NOT GLOB '*[^0-9a-f]*'),"
	" PRIMARY KEY (match_id, player_id)"
	") STRICT;"
	"CREATE TABLE team_results ("
	" match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,"
	" team TEXT NOT NULL,"
	" rank INTEGER NOT NULL,"
	" members INTEGER NOT NULL,"
	" score INTEGER NOT NULL,"
	" points INTEGER NOT NULL,"
	" PRIMARY KEY (match_id, team)"
	") STRICT;"
	"CREATE INDEX team_results_rank ON team_results(match_id, rank);",
	/* 4: the buzzer (抢答) and judges. Only additions again: events.arg2
	 * (EV_BUZZ bound_us), the presses of the buzzer as decided, and the
	 * hash of a room's judge token. */
	"ALTER TABLE events ADD COLUMN arg2 INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE matches ADD COLUMN judge_hash TEXT CHECK (judge_hash IS"
	" NULL OR (length(judge_hash) = 64"
	" AND judge_hash NOT GLOB '*[^0-9a-f]*'));"
	"CREATE TABLE presses ("
	" match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL CHECK (seq > 0),"
	" q INTEGER NOT NULL,"
	" player_id INTEGER NOT NULL,"
	" arm INTEGER NOT NULL,"
	" recv_us INTEGER NOT NULL,"
	" comp_us INTEGER NOT NULL,"
	" react_us INTEGER NOT NULL,"
	" gap_us INTEGER NOT NULL,"
	" outcome TEXT NOT NULL CHECK (outcome IN ('won', 'slower', 'late',"
	" 'foul', 'ignored')),"
	" PRIMARY KEY (match_id, seq)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX presses_question ON presses(match_id, q);",
	/* 5: restart survival. The event log's hash chain: events.hash, the
	 * link the writer computes inside each insert (server/evhash.h);
	 * rows stored before are left NULL (a chain after them starts
	 * again from genesis). An insert CHECKs only the length: the
	 * writer's own function made the digits, and a hex GLOB on every
	 * insert cost a third of the writer's event rate (191k against 295k
	 * events/s); an UPDATE of it (by hand) is checked by the trigger. */
	("ALTER TABLE events ADD COLUMN hash TEXT CHECK (hash IS NULL OR"
	 " length(hash) = 64);"
	 "CREATE TRIGGER events_hash_hex BEFORE UPDATE OF hash ON events"
	 " WHEN NEW.hash GLOB '*[^0-9a-f]*'"
	 " BEGIN SELECT RAISE(ABORT, 'events.hash: 64 lowercase hex digits');"
	 " END;"),
	/* 6: practice (issue 11). Only new tables: a person (a nickname in a
	 * team, known by the hash of their personal token), their state per
	 * bank item (core/practice.h's text forms, kept as written: a row
	 * whose item left the bank or whose text does not parse is skipped
	 * by the reader, never refused here), their sittings and every
	 * answer. Item ids are not foreign keys: a bank edit must not take
	 * a person's history with it. */
	"CREATE TABLE persons ("
	" id INTEGER PRIMARY KEY CHECK (id > 0),"
	" nickname TEXT NOT NULL CHECK (nickname <> ''),"
	" team TEXT NOT NULL DEFAULT '',"
	" token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),"
	" state TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" UNIQUE (nickname, team)"
	") STRICT;"
	"CREATE TABLE practice_items ("
	" person INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,"
	" item_id TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" PRIMARY KEY (person, item_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE practice_sittings ("
	" id INTEGER PRIMARY KEY CHECK (id > 0),"
	" person INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,"
	" started_at INTEGER NOT NULL,"
	" seed INTEGER NOT NULL,"
	" mode INTEGER NOT NULL CHECK (mode IN (0, 1)),"
	" category TEXT NOT NULL DEFAULT '',"
	" kinds INTEGER NOT NULL,"
	" time_limit_ms INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX practice_sittings_person ON practice_sittings(person);"
	"CREATE TABLE practice_answers ("
	" id INTEGER PRIMARY KEY,"
	" person INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,"
	" sitting INTEGER NOT NULL"
	"  REFERENCES practice_sittings(id) ON DELETE CASCADE,"
	" item_id TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" choice_mask INTEGER NOT NULL,"
	" text TEXT,"
	" correct INTEGER NOT NULL CHECK (correct IN (0, 1)),"
	" timed_out INTEGER NOT NULL CHECK (timed_out IN (0, 1)),"
	" rt_us INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX practice_answers_item ON practice_answers(item_id);"
	"CREATE INDEX practice_answers_person ON practice_answers(person, at);"
	"CREATE INDEX practice_answers_sitting ON practice_answers(sitting);",
	/* v7: how far this database has a cluster owner's replication
	 * stream (docs/CLUSTER.md "Takeover"): the owner writes the stream
	 * sequences its batch will take (first .. seq: a batch may take
	 * several messages) inside that batch's transaction, a standby
	 * those of each batch it applies */
	"CREATE TABLE repl_state ("
	" stream TEXT PRIMARY KEY,"
	" seq INTEGER NOT NULL CHECK (seq >= 0),"
	" first INTEGER NOT NULL CHECK (first >= 0 AND first <= seq)"
	") STRICT;",
};
/* clang-format on */

#define STORE_SCHEMA_VERSION                                                   \
	((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

/* The schema version this code migrates to. */
int store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}

/* Monotonic time in microseconds. */
int64_t store_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

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

/* Steps a statement that returns no rows, then resets it for reuse. */
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

/* True if s is NULL or at most STORE_STR_MAX bytes. */
bool store_str_ok(const char *str)
{
	return !str || strnlen(str, STORE_STR_MAX + 1) <= STORE_STR_MAX;
}

/* Opens one connection with the per-connection settings. */
int store_connect(const char *path, int flags, sqlite3 **out, char **err)
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
			  "PRAGMA synchronous = NORMAL;"
			  "PRAGMA cache_size = -" QUIZ_STR(STORE_CACHE_KIB) ";",
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
 * database, so answers and token hashes are never readable by other local
 * users whatever the umask. An existing file keeps its mode. */
int store_create_private(const char *path)
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
int store_prepare(sqlite3 *db, const char *const *sql, size_t n,
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

/* Reads one integer from a pragma or query. */
int store_query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* Switches the file to WAL; refuses anything that stays in another mode. */
int store_set_wal(sqlite3 *db, const char *path, char **err)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *mode;
	int rc, ret = -1;

	rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		store_set_err(err, "store: %s: cannot enable WAL: %s", path,
			      sqlite3_errmsg(db));
		goto out;
	}
	mode = sqlite3_column_text(st, 0);
	if (!mode || strcmp((const char *)mode, "wal") != 0) {
		store_set_err(err, "store: %s: journal mode is %s, not wal",
			      path, mode ? (const char *)mode : "?");
		goto out;
	}
	/* the WAL is bounded: truncated back to this after a checkpoint */
	if (sqlite3_exec(
		db,
		"PRAGMA journal_size_limit = " QUIZ_STR(STORE_WAL_LIMIT) ";",
		NULL, NULL, NULL) != SQLITE_OK) {
		store_set_err(err, "store: %s: journal_size_limit: %s", path,
			      sqlite3_errmsg(db));
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

/* Rows PRAGMA foreign_key_check reports (0 when consistent), or -1. */
static int store_fk_violations(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

/* Applies the missing migrations, one transaction each; refuses a database
 * newer than this code. */
int store_migrate(sqlite3 *db, const char *path, char **err)
{
	char *msg = NULL;
	char sql[64];
	int64_t v;
	int rc;

	/* a no-op inside a transaction: off before, on again after (table
	 * rebuilds must not cascade) */
	sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	for (;;) {
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
		if (rc != SQLITE_OK)
			goto sql_fail;
		/* read inside the transaction: another process may migrate */
		rc = store_query_int(db, "PRAGMA user_version", &v);
		if (rc != SQLITE_OK)
			goto sql_fail;
		if (v > STORE_SCHEMA_VERSION) {
			store_set_err(err,
				      "store: %s has schema version %" PRId64
				      ", newer than this program knows (%d);"
				      " use a newer quizd",
				      path, v, STORE_SCHEMA_VERSION);
			goto fail;
		}
		if (v < 0) {
			store_set_err(err,
				      "store: %s: bad schema version %" PRId64,
				      path, v);
			goto fail;
		}
		if (v == STORE_SCHEMA_VERSION)
			break;
		rc = sqlite3_exec(db, store_migrations[v], NULL, NULL, &msg);
		if (rc != SQLITE_OK)
			goto sql_fail;
		if (store_fk_violations(db) != 0) {
			store_set_err(
			    err,
			    "store: %s: migration to %d breaks foreign"
			    " keys",
			    path, (int)v + 1);
			goto fail;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
			 (int)v + 1);
		rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
		if (rc != SQLITE_OK)
			goto sql_fail;
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &msg);
		if (rc != SQLITE_OK)
			goto sql_fail;
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return 0;
sql_fail:
	store_set_err(err, "store: %s: migration failed: %s", path,
		      msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
fail:
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return -1;
}

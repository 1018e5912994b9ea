/* The schema of the store: the forward migrations (PRAGMA user_version),
 * WAL mode, and what both the writer and the sync connection read of it.
 * The API is server/store.h; what the store's files share is in
 * server/store_int.h. */
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

#define STORE_WAL_LIMIT 1048576 /* journal_size_limit, bytes */
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
};
/* clang-format on */

#define STORE_SCHEMA_VERSION                                                   \
	((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

/* The schema version this code migrates to. */
int store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
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

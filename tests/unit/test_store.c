/* Tests of the SQLite store: migrations, bank import, the writer thread's
 * batching and notify tokens, and what is on disk afterwards (read back
 * through a separate sqlite3 connection). */
#include <criterion/criterion.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errors.h"
#include "item.h"
#include "store.h"
#include "tokenhash.h"

static char db_path[64];

/* Counts wake-ups so a test can sleep until the writer has news. */
struct waker {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned wakes;
};

static struct waker waker = {PTHREAD_MUTEX_INITIALIZER,
			     PTHREAD_COND_INITIALIZER, 0};

static void on_wake(void *arg)
{
	struct waker *w = arg;

	pthread_mutex_lock(&w->lock);
	w->wakes++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void db_setup(void)
{
	int fd;

	strcpy(db_path, "/tmp/quiz_store_test_XXXXXX");
	fd = mkstemp(db_path);
	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	close(fd); /* an empty file is a valid empty database */
	waker.wakes = 0;
}

static void db_teardown(void)
{
	char p[96];

	unlink(db_path);
	snprintf(p, sizeof(p), "%s-wal", db_path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db_path);
	unlink(p);
}

static struct store *open_store(void)
{
	char *err = NULL;
	struct store *s = store_open(db_path, on_wake, &waker, &err);

	cr_assert_not_null(s, "store_open: %s", err ? err : "?");
	return s;
}

/* Collects want tokens into out, waiting on the wake callback; fails the
 * test after 20 s. */
static void wait_tokens(struct store *s, uint64_t *out, size_t want)
{
	struct timespec deadline;
	size_t n = 0;
	unsigned seen;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 20;
	for (;;) {
		pthread_mutex_lock(&waker.lock);
		seen = waker.wakes;
		pthread_mutex_unlock(&waker.lock);
		n += store_poll(s, out + n, want - n);
		if (n == want)
			return;
		pthread_mutex_lock(&waker.lock);
		while (waker.wakes == seen) {
			if (pthread_cond_timedwait(&waker.cond, &waker.lock,
						   &deadline) == ETIMEDOUT)
				break;
		}
		pthread_mutex_unlock(&waker.lock);
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		cr_assert(now.tv_sec < deadline.tv_sec,
			  "timed out with %zu of %zu tokens", n, want);
	}
}

/* Waits for one barrier's token. */
static void sync_store(struct store *s, uint64_t token)
{
	uint64_t got = 0;

	store_barrier(s, token);
	wait_tokens(s, &got, 1);
	cr_assert_eq(got, token);
}

static sqlite3 *open_reader(void)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL),
		     SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* Runs a query returning one integer. */
static int64_t q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
		     "%s: %s", sql, sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: %s", sql,
		     sqlite3_errmsg(db));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Runs a query returning one string (copied into buf; "(null)" for NULL). */
static const char *q_text(sqlite3 *db, const char *sql, char *buf, size_t cap)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *t;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
		     "%s: %s", sql, sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	t = sqlite3_column_text(st, 0);
	snprintf(buf, cap, "%s", t ? (const char *)t : "(null)");
	sqlite3_finalize(st);
	return buf;
}

static void add_item(struct bank *b, const char *id, enum item_kind kind,
		     const char *stem, unsigned n_opts, const char *const *opts,
		     uint32_t mask)
{
	struct item it;
	unsigned i;

	memset(&it, 0, sizeof(it));
	it.id = strdup(id);
	it.kind = kind;
	it.stem = strdup(stem);
	for (i = 0; i < n_opts; i++)
		it.options[i] = strdup(opts[i]);
	it.n_options = n_opts;
	it.correct_mask = mask;
	it.explanation = strdup("因为 \"引号\" 和 \\ 反斜杠");
	it.category = strdup("党章");
	it.difficulty = 2;
	it.sources[0] = 3;
	it.sources[1] = 17;
	it.n_sources = 2;
	if (kind == ITEM_TRUE_FALSE)
		it.basis = strdup("党的基层组织是党在社会基层组织中的战斗堡垒");
	if (kind == ITEM_FILL) {
		it.fills[0] = strdup("三");
		it.fills[1] = strdup("3");
		it.n_fills = 2;
	}
	cr_assert_eq(bank_add(b, &it), 0);
}

static struct bank *sample_bank(void)
{
	static const char *const abcd[] = {"甲", "乙", "丙", "丁"};
	static const char *const tf[] = {"正确", "错误"};
	struct bank *b = bank_new();

	cr_assert_not_null(b);
	add_item(b, "q001", ITEM_SINGLE, "单选题？", 4, abcd, 1u << 2);
	add_item(b, "q002", ITEM_MULTI, "多选题？", 4, abcd, 0x5);
	add_item(b, "q003", ITEM_TRUE_FALSE, "判断题。", 2, tf, 1u);
	add_item(b, "q004", ITEM_FILL, "填空：___ 人以上", 0, NULL, 0);
	return b;
}

/* Records a match with two questions and returns its id. */
static uint64_t begin_match(struct store *s)
{
	static const char *const ids[] = {"q001", "q002"};
	static const uint8_t perms[2][ITEM_MAX_OPTIONS] = {
	    {2, 0, 3, 1},
	    {1, 0, 2, 3},
	};
	struct store_match m = {
	    .code = "482913",
	    .title = "支部知识赛",
	    .format = 0,
	    .question_count = 2,
	    .time_limit_us = 20000000,
	    .points = 1000,
	    .seed = 0xfedcba9876543210ull,
	    .question_ids = ids,
	    .perms = perms,
	};
	uint64_t id = store_match_begin(s, &m);

	cr_assert_neq(id, 0);
	return id;
}

static struct store_answer answer(uint64_t match, uint32_t player, uint32_t q,
				  uint32_t points)
{
	struct store_answer a = {
	    .match = match,
	    .player = player,
	    .q = q,
	    .choice_mask = 1u << (player % 4),
	    .text = NULL,
	    .recv_us = 1000000 + player,
	    .one_way_us = 1500,
	    .rt_us = 2000 + player,
	    .correct = points > 0,
	    .points = points,
	};
	return a;
}

TestSuite(store, .init = db_setup, .fini = db_teardown, .timeout = 60);

Test(store, fresh_db_gets_current_version)
{
	struct store *s = open_store();
	sqlite3 *db;
	char buf[32];

	cr_assert_geq(store_schema_version(), 1);
	db = open_reader();
	cr_expect_eq(q_int(db, "PRAGMA user_version"), store_schema_version());
	cr_expect_str_eq(q_text(db, "PRAGMA journal_mode", buf, sizeof(buf)),
			 "wal");
	cr_expect_eq(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
			       "type = 'table' AND name IN ('questions',"
			       " 'matches', 'match_questions', 'players',"
			       " 'answers', 'results', 'events', 'bookings',"
			       " 'seats', 'team_results')"),
		     10);
	cr_expect_eq(store_question_count(s), 0);
	sqlite3_close(db);
	store_close(s);
}

/* The database and its -wal and -shm files are created 0600, whatever
 * the umask: answers and token hashes are not for other local users. */
Test(store, files_created_owner_only, .init = db_setup, .fini = db_teardown)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	struct store *s;
	struct stat st;
	mode_t old = umask(0);
	char p[96];
	size_t i;

	unlink(db_path); /* a fresh database, created by the store */
	s = open_store();
	umask(old);
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", db_path, suffix[i]);
		cr_assert_eq(stat(p, &st), 0, "%s: %s", p, strerror(errno));
		cr_expect_eq(st.st_mode & 0777, 0600, "%s has mode %o", p,
			     (unsigned)(st.st_mode & 0777));
	}
	store_close(s);
}

Test(store, reopen_is_noop)
{
	struct store *s = open_store();
	struct bank *b = sample_bank();
	sqlite3 *db;

	cr_assert_eq(store_import_bank(s, b), 4);
	store_close(s);
	s = open_store();
	cr_expect_eq(store_question_count(s), 4);
	store_close(s);
	db = open_reader();
	cr_expect_eq(q_int(db, "PRAGMA user_version"), store_schema_version());
	sqlite3_close(db);
	bank_free(b);
}

Test(store, too_new_version_refused)
{
	struct store *s = open_store();
	sqlite3 *db;
	char sql[64], *err = NULL;

	store_close(s);
	db = open_reader();
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 store_schema_version() + 1);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	s = store_open(db_path, NULL, NULL, &err);
	cr_expect_null(s);
	cr_assert_not_null(err);
	cr_expect(strstr(err, "newer") != NULL, "message: %s", err);
	free(err);
	store_close(s);
}

Test(store, bad_path_refused)
{
	char *err = NULL;
	struct store *s;

	s = store_open("/nonexistent-dir/quiz.db", NULL, NULL, &err);
	cr_expect_null(s);
	cr_expect_not_null(err);
	free(err);
	err = NULL;
	cr_expect_null(store_open(NULL, NULL, NULL, &err));
	free(err);
	store_close(NULL);
}

Test(store, import_is_idempotent)
{
	struct store *s = open_store();
	struct bank *b = sample_bank();
	sqlite3 *db;
	int64_t t1, t2;
	char buf[256];

	cr_assert_eq(store_import_bank(s, b), 4);
	cr_expect_eq(store_question_count(s), 4);
	db = open_reader();
	t1 = q_int(db, "SELECT updated_at FROM questions WHERE id = 'q002'");
	sleep_ms(2);
	cr_assert_eq(store_import_bank(s, b), 4);
	cr_expect_eq(store_question_count(s), 4);
	/* unchanged content keeps its timestamp */
	t2 = q_int(db, "SELECT updated_at FROM questions WHERE id = 'q002'");
	cr_expect_eq(t1, t2);

	cr_expect_str_eq(q_text(db,
				"SELECT options FROM questions WHERE"
				" id = 'q001'",
				buf, sizeof(buf)),
			 "[\"甲\",\"乙\",\"丙\",\"丁\"]");
	cr_expect_str_eq(q_text(db,
				"SELECT fills FROM questions WHERE"
				" id = 'q004'",
				buf, sizeof(buf)),
			 "[\"三\",\"3\"]");
	cr_expect_str_eq(q_text(db,
				"SELECT sources FROM questions WHERE"
				" id = 'q004'",
				buf, sizeof(buf)),
			 "[3,17]");
	cr_expect_str_eq(q_text(db,
				"SELECT kind FROM questions WHERE"
				" id = 'q003'",
				buf, sizeof(buf)),
			 item_kind_name(ITEM_TRUE_FALSE));
	cr_expect_eq(q_int(db, "SELECT correct_mask FROM questions WHERE"
			       " id = 'q002'"),
		     5);
	cr_expect_eq(q_int(db, "SELECT basis IS NULL FROM questions WHERE"
			       " id = 'q001'"),
		     1);
	cr_expect_eq(q_int(db,
			   "SELECT json_valid(options) AND json_valid(fills)"
			   " AND json_valid(sources) FROM questions"
			   " WHERE id = 'q001'"),
		     1);
	cr_expect_str_eq(q_text(db,
				"SELECT explanation FROM questions WHERE"
				" id = 'q001'",
				buf, sizeof(buf)),
			 "因为 \"引号\" 和 \\ 反斜杠");

	/* a changed item is updated in place */
	free(b->items[1].stem);
	b->items[1].stem = strdup("改过的多选题？");
	cr_assert_eq(store_import_bank(s, b), 4);
	cr_expect_eq(store_question_count(s), 4);
	cr_expect_str_eq(q_text(db,
				"SELECT stem FROM questions WHERE"
				" id = 'q002'",
				buf, sizeof(buf)),
			 "改过的多选题？");
	cr_expect_gt(q_int(db, "SELECT updated_at FROM questions WHERE"
			       " id = 'q002'"),
		     t1);
	sqlite3_close(db);
	store_close(s);
	bank_free(b);
}

/* Compares two items field by field. */
static void expect_same_item(const struct item *a, const struct item *b)
{
	unsigned i;

	cr_expect_str_eq(a->id, b->id);
	cr_expect_eq(a->kind, b->kind, "%s kind", a->id);
	cr_expect_str_eq(a->stem, b->stem);
	cr_assert_eq(a->n_options, b->n_options, "%s options", a->id);
	for (i = 0; i < a->n_options; i++)
		cr_expect_str_eq(a->options[i], b->options[i]);
	cr_expect_eq(a->correct_mask, b->correct_mask);
	cr_assert_eq(a->n_fills, b->n_fills, "%s fills", a->id);
	for (i = 0; i < a->n_fills; i++)
		cr_expect_str_eq(a->fills[i], b->fills[i]);
	cr_expect_str_eq(a->explanation, b->explanation);
	cr_expect_str_eq(a->category, b->category);
	cr_expect_eq(a->difficulty, b->difficulty);
	cr_assert_eq(a->n_sources, b->n_sources);
	for (i = 0; i < a->n_sources; i++)
		cr_expect_eq(a->sources[i], b->sources[i]);
	if (a->basis && b->basis)
		cr_expect_str_eq(a->basis, b->basis);
	else
		cr_expect(!a->basis && !b->basis, "%s basis", a->id);
}

Test(store, load_bank_returns_imported_items)
{
	struct store *s = open_store();
	struct bank *b = sample_bank(), *got = bank_new();
	size_t i;

	cr_assert_not_null(got);
	/* reversed import order: loading is by id, not by history */
	struct item tmp = b->items[0];
	b->items[0] = b->items[3];
	b->items[3] = tmp;
	cr_assert_eq(store_import_bank(s, b), 4);
	cr_assert_eq(store_load_bank(s, got), 4);
	cr_assert_eq(got->n, 4);
	cr_expect_str_eq(got->items[0].id, "q001");
	cr_expect_str_eq(got->items[3].id, "q004");
	for (i = 0; i < got->n; i++) {
		const struct item *want = bank_find(b, got->items[i].id);

		cr_assert_not_null(want, "%s", got->items[i].id);
		expect_same_item(want, &got->items[i]);
	}
	bank_free(got);
	store_close(s);
	bank_free(b);
}

Test(store, load_bank_refuses_corrupt_row)
{
	struct store *s = open_store();
	struct bank *b = sample_bank(), *got = bank_new();
	sqlite3 *db;

	cr_assert_eq(store_import_bank(s, b), 4);
	db = open_reader();
	cr_assert_eq(sqlite3_exec(db,
				  "UPDATE questions SET options ="
				  " '[\"1\",\"2\",\"3\",\"4\",\"5\","
				  "\"6\",\"7\",\"8\",\"9\"]'"
				  " WHERE id = 'q002'",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
				  "UPDATE questions SET kind = 'essay'"
				  " WHERE id = 'q004'",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(db);
	cr_expect_lt(store_load_bank(s, got), 0);
	cr_expect_eq(got->n, 1); /* q001 loaded before q002 was refused */
	bank_free(got);
	store_close(s);
	bank_free(b);
}

Test(store, import_rejects_bad_item_atomically)
{
	struct store *s = open_store();
	struct bank *b = sample_bank();

	free(b->items[3].stem);
	b->items[3].stem = NULL;
	cr_expect_lt(store_import_bank(s, b), 0);
	/* one transaction: nothing of the batch is kept */
	cr_expect_eq(store_question_count(s), 0);
	store_close(s);
	bank_free(b);
}

Test(store, match_round_trip)
{
	struct store *s = open_store();
	struct store_answer a;
	struct store_result r = {
	    .rank = 1,
	    .score = 1875,
	    .correct = 2,
	    .total_time_us = 4321,
	};
	uint64_t id, tok[2];
	sqlite3 *db;
	char buf[128];

	id = begin_match(s);
	cr_expect_eq(begin_match(s), id + 1);
	store_player(s, id, 1, "小王", "一支部");
	store_player(s, id, 2, "老李", NULL);
	a = answer(id, 1, 0, 875);
	store_answer(s, &a, 0);
	a = answer(id, 2, 0, 0);
	a.text = "三";
	store_answer(s, &a, 0);
	store_question_closed(s, id, 0, 7);
	r.match = id;
	r.player = 1;
	store_result(s, &r);
	store_match_end(s, id, true);
	store_match_end(s, id + 1, false);
	store_barrier(s, 8);
	wait_tokens(s, tok, 2);
	cr_expect_eq(tok[0], 7);
	cr_expect_eq(tok[1], 8);

	db = open_reader();
	cr_expect_str_eq(q_text(db,
				"SELECT code || '|' || title || '|' || state"
				" FROM matches WHERE id = 1",
				buf, sizeof(buf)),
			 "482913|支部知识赛|finished");
	cr_expect_eq(id, 1);
	cr_expect_eq(q_int(db, "SELECT seed FROM matches WHERE id = 1"),
		     (int64_t)0xfedcba9876543210ull);
	cr_expect_eq(
	    q_int(db, "SELECT time_limit_us FROM matches WHERE id = 1"),
	    20000000);
	cr_expect_eq(q_int(db, "SELECT points * 10 + question_count FROM"
			       " matches WHERE id = 1"),
		     10002);
	cr_expect_eq(
	    q_int(db, "SELECT last_closed_q FROM matches WHERE id = 1"), 0);
	cr_expect_eq(q_int(db, "SELECT ended_at >= created_at AND created_at >"
			       " 1600000000000000 FROM matches WHERE id = 1"),
		     1);
	cr_expect_str_eq(q_text(db, "SELECT state FROM matches WHERE id = 2",
				buf, sizeof(buf)),
			 "ended");
	cr_expect_str_eq(q_text(db,
				"SELECT group_concat(question_id || perm,"
				" ';') FROM (SELECT * FROM match_questions"
				" WHERE match_id = 1 ORDER BY idx)",
				buf, sizeof(buf)),
			 "q001[2,0,3,1,0,0,0,0];q002[1,0,2,3,0,0,0,0]");
	cr_expect_str_eq(q_text(db,
				"SELECT nick || '/' || team FROM players"
				" WHERE match_id = 1 AND player_id = 1",
				buf, sizeof(buf)),
			 "小王/一支部");
	cr_expect_eq(q_int(db, "SELECT team IS NULL FROM players WHERE"
			       " match_id = 1 AND player_id = 2"),
		     1);
	cr_expect_eq(q_int(db, "SELECT choice_mask FROM answers WHERE"
			       " match_id = 1 AND player_id = 1 AND q = 0"),
		     2);
	cr_expect_eq(q_int(db, "SELECT recv_us FROM answers WHERE"
			       " match_id = 1 AND player_id = 1"),
		     1000001);
	cr_expect_eq(q_int(db, "SELECT one_way_us + rt_us FROM answers WHERE"
			       " match_id = 1 AND player_id = 1"),
		     1500 + 2001);
	cr_expect_eq(q_int(db, "SELECT points * 10 + correct FROM answers"
			       " WHERE match_id = 1 AND player_id = 1"),
		     8751);
	cr_expect_eq(q_int(db, "SELECT text IS NULL FROM answers WHERE"
			       " match_id = 1 AND player_id = 1"),
		     1);
	cr_expect_str_eq(q_text(db,
				"SELECT text FROM answers WHERE"
				" match_id = 1 AND player_id = 2",
				buf, sizeof(buf)),
			 "三");
	cr_expect_eq(q_int(db, "SELECT rank * 10000 + score FROM results WHERE"
			       " match_id = 1 AND player_id = 1"),
		     11875);
	cr_expect_eq(q_int(db, "SELECT total_time_us FROM results WHERE"
			       " match_id = 1 AND player_id = 1"),
		     4321);

	struct store_stats st;
	store_stats(s, &st);
	cr_expect_eq(st.failures, 0);
	cr_expect_eq(st.ops, 10);
	sqlite3_close(db);
	store_close(s);
}

Test(store, void_question_zeroes_points)
{
	struct store *s = open_store();
	struct store_answer a;
	uint64_t id;
	sqlite3 *db;

	id = begin_match(s);
	a = answer(id, 1, 0, 900);
	store_answer(s, &a, 0);
	a = answer(id, 2, 0, 800);
	store_answer(s, &a, 0);
	a = answer(id, 1, 1, 700);
	store_answer(s, &a, 0);
	store_void_question(s, id, 0);
	sync_store(s, 1);

	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers WHERE q = 0 AND"
			       " points = 0 AND voided = 1"),
		     2);
	cr_expect_eq(q_int(db, "SELECT points * 10 + voided FROM answers"
			       " WHERE q = 1"),
		     7000);
	/* the answer itself is kept */
	cr_expect_eq(q_int(db, "SELECT sum(correct) FROM answers WHERE q = 0"),
		     2);
	sqlite3_close(db);
	store_close(s);
}

Test(store, batches_commit_many_ops)
{
	struct store *s = open_store();
	struct store_answer a;
	struct store_stats st;
	uint64_t id;
	uint32_t i;
	sqlite3 *db;

	id = begin_match(s);
	for (i = 1; i <= 10000; i++) {
		a = answer(id, i, 0, 500);
		store_answer(s, &a, 0);
	}
	sync_store(s, 42);
	store_stats(s, &st);
	cr_expect_eq(st.ops, 10001);
	cr_expect_eq(st.failures, 0);
	cr_expect_geq(st.batches, 3); /* 4096 ops per batch at most */
	cr_expect_lt(st.batches, 1000, "batches = %llu",
		     (unsigned long long)st.batches);

	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), 10000);
	cr_expect_eq(q_int(db, "SELECT sum(player_id) FROM answers"),
		     10000LL * 10001 / 2);
	sqlite3_close(db);
	store_close(s);
}

Test(store, tokens_come_back_in_order)
{
	struct store *s = open_store();
	struct store_answer a;
	uint64_t id, got[200], t;
	size_t n = 0;

	id = begin_match(s);
	for (t = 1; t <= 200; t++) {
		if (t % 3 == 0) {
			store_barrier(s, t);
		} else if (t % 3 == 1) {
			a = answer(id, (uint32_t)t, 0, 10);
			store_answer(s, &a, t);
		} else {
			store_question_closed(s, id, (uint32_t)t, t);
		}
	}
	/* take them in small bites to exercise partial polls */
	while (n < 200) {
		size_t want = n + 7 <= 200 ? 7 : 200 - n;

		wait_tokens(s, got + n, want);
		n += want;
	}
	for (t = 0; t < 200; t++)
		cr_expect_eq(got[t], t + 1, "token %llu is %llu",
			     (unsigned long long)t, (unsigned long long)got[t]);
	cr_expect_eq(store_poll(s, got, 200), 0);
	store_close(s);
}

Test(store, close_commits_pending_ops)
{
	struct store *s = open_store();
	struct store_answer a;
	uint64_t id;
	uint32_t i;
	sqlite3 *db;

	id = begin_match(s);
	store_player(s, id, 1, "a", NULL);
	for (i = 1; i <= 100; i++) {
		a = answer(id, i, 0, 100);
		store_answer(s, &a, 0);
	}
	store_match_end(s, id, false);
	store_close(s);

	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), 100);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM matches WHERE"
			       " state = 'ended'"),
		     1);
	sqlite3_close(db);

	/* match ids continue after a restart */
	s = open_store();
	cr_expect_eq(begin_match(s), id + 1);
	store_close(s);
}

Test(store, failing_op_keeps_rest_of_batch)
{
	struct store *s = open_store();
	struct store_answer a;
	struct store_stats st;
	uint64_t id;
	sqlite3 *blocker, *db;

	id = begin_match(s);
	sync_store(s, 1);
	store_stats(s, &st);
	cr_assert_eq(st.batches, 1);

	/* Hold the write lock so the writer stalls on its next batch while
	 * the ops under test queue up behind it as one batch. */
	blocker = open_reader();
	cr_assert_eq(sqlite3_exec(blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL),
		     SQLITE_OK);
	store_player(s, id, 9, "first", NULL);
	sleep_ms(200);
	a = answer(id, 1, 0, 111);
	store_answer(s, &a, 0);
	a = answer(id, 1, 0, 999); /* same primary key */
	store_answer(s, &a, 0);
	a = answer(id, 2, 0, 222);
	store_answer(s, &a, 0);
	cr_assert_eq(sqlite3_exec(blocker, "COMMIT", NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(blocker);
	sync_store(s, 2);

	store_stats(s, &st);
	cr_expect_eq(st.failures, 1);
	cr_expect_leq(st.batches, 3);
	cr_expect_eq(st.ops, 4); /* match, player, two answers */
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), 2);
	cr_expect_eq(q_int(db, "SELECT points FROM answers WHERE"
			       " player_id = 1"),
		     111);
	cr_expect_eq(q_int(db, "SELECT points FROM answers WHERE"
			       " player_id = 2"),
		     222);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM players"), 1);
	sqlite3_close(db);
	store_close(s);
}

Test(store, update_of_unknown_match_fails)
{
	struct store *s = open_store();
	struct store_stats st;

	store_question_closed(s, 999, 0, 0);
	store_match_end(s, 999, true);
	sync_store(s, 5);
	store_stats(s, &st);
	cr_expect_eq(st.failures, 2);
	cr_expect_eq(st.ops, 0);
	store_close(s);
}

Test(store, oversized_input_refused_but_token_delivered)
{
	struct store *s = open_store();
	struct store_answer a;
	struct store_stats st;
	uint64_t id, tok = 0;
	char *big;
	sqlite3 *db;

	id = begin_match(s);
	big = malloc(100000);
	cr_assert_not_null(big);
	memset(big, 'x', 99999);
	big[99999] = '\0';
	a = answer(id, 1, 0, 10);
	a.text = big;
	store_answer(s, &a, 77);
	store_player(s, id, 1, big, NULL);
	wait_tokens(s, &tok, 1);
	/* the token comes back in order, flagged: nothing was written */
	cr_expect_eq(tok, 77 | STORE_TOKEN_LOST);
	store_stats(s, &st);
	cr_expect_eq(st.failures, 2);
	free(big);
	store_close(s);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), 0);
	sqlite3_close(db);
}

/* The durability promise: once a token came back, the rows survive the
 * process being killed with SIGKILL (no close, no checkpoint). */
Test(store, acknowledged_rows_survive_kill9)
{
	sqlite3 *db;
	pid_t pid;
	int status;

	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct store *s = store_open(db_path, on_wake, &waker, NULL);
		struct store_answer a;
		uint64_t id, tok = 0;
		uint32_t i;

		if (!s)
			_exit(3);
		id = begin_match(s);
		for (i = 1; i <= 500; i++) {
			a = answer(id, i, 0, 100);
			store_answer(s, &a, 0);
		}
		store_barrier(s, 1);
		while (store_poll(s, &tok, 1) == 0)
			sleep_ms(1);
		raise(SIGKILL);
		_exit(4);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "child status %d", status);

	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), 500);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM matches"), 1);
	sqlite3_close(db);
}

/* Pages the database file holds now (through a second connection). */
static int64_t page_count(void)
{
	sqlite3 *db = open_reader();
	int64_t n = q_int(db, "PRAGMA page_count");

	sqlite3_close(db);
	return n;
}

/* A long FILL text so each answer needs pages of its own. */
static char long_text[3000];

/* The disk "fills" (max_page_count caps the file at its current size):
 * nothing queued meanwhile is announced; once space returns every queued
 * operation commits, in order, and only then are the tokens published. */
Test(store, full_disk_retries_until_space_returns)
{
	struct store *s = open_store();
	struct store_answer a;
	struct store_stats st;
	uint64_t id, toks[40], got;
	uint32_t i;
	sqlite3 *db;

	memset(long_text, 'y', sizeof(long_text) - 1);
	id = begin_match(s);
	/* one answer first, so the table's only page has no room for another:
	 * whatever the writer takes in its first batch needs a page more */
	a = answer(id, 0, 0, 0);
	a.text = long_text;
	cr_assert_eq(store_answer(s, &a, 0), 0);
	sync_store(s, 1);
	store_set_max_pages(s, 1); /* no growth past the current size */
	for (i = 1; i <= 40; i++) {
		a = answer(id, i, 0, 10 * i);
		a.text = long_text;
		cr_assert_eq(store_answer(s, &a, 100 + i), 0);
	}
	sleep_ms(500);
	cr_expect_eq(store_poll(s, &got, 1), 0,
		     "a token was published for an uncommitted answer");
	store_stats(s, &st);
	cr_expect_gt(st.retries, 0);
	cr_expect_eq(st.failures, 0);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), 1);
	sqlite3_close(db);

	store_set_max_pages(s, 0); /* space returns */
	wait_tokens(s, toks, 40);
	for (i = 0; i < 40; i++)
		cr_expect_eq(toks[i], 101 + i);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), 41);
	cr_expect_eq(q_int(db, "SELECT sum(points) FROM answers"), 8200);
	sqlite3_close(db);
	cr_expect_eq(store_close(s), 0);
	cr_expect_gt(page_count(), 1);
}

/* Another connection holds the write lock for longer than the writer's
 * busy timeout: the batch is retried, store_stalled() turns true past the
 * stall bound, and everything commits once the lock is released. */
Test(store, write_lock_held_past_busy_timeout)
{
	struct store *s = open_store();
	struct store_answer a;
	uint64_t id, tok = 0, got;
	sqlite3 *blocker, *db;

	store_set_busy_ms(s, 50);
	store_set_stall_ms(s, 300);
	id = begin_match(s);
	sync_store(s, 1);
	cr_expect(!store_stalled(s));
	blocker = open_reader();
	cr_assert_eq(sqlite3_exec(blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL),
		     SQLITE_OK);
	a = answer(id, 1, 0, 500);
	cr_assert_eq(store_answer(s, &a, 2), 0);
	sleep_ms(700);
	cr_expect(store_stalled(s), "no stall reported after 700 ms");
	cr_expect_eq(store_poll(s, &got, 1), 0);
	cr_assert_eq(sqlite3_exec(blocker, "COMMIT", NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(blocker);
	wait_tokens(s, &tok, 1);
	cr_expect_eq(tok, 2);
	cr_expect(!store_stalled(s));
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT points FROM answers"), 500);
	sqlite3_close(db);
	cr_expect_eq(store_close(s), 0);
}

/* Past the queue bound an answer is refused with STORAGE_UNAVAILABLE and
 * gets no token; what was queued before is still written. */
Test(store, queue_bound_refuses_answers)
{
	struct store *s = open_store();
	struct store_answer a;
	struct store_stats st;
	uint64_t id, tok = 0;
	uint32_t i, ok = 0, refused = 0;
	sqlite3 *blocker, *db;

	store_set_busy_ms(s, 20);
	id = begin_match(s);
	sync_store(s, 1);
	store_set_queue_max(s, 4096);
	blocker = open_reader();
	cr_assert_eq(sqlite3_exec(blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL),
		     SQLITE_OK);
	for (i = 1; i <= 200; i++) {
		a = answer(id, i, 0, 1);
		if (store_answer(s, &a, 0) == 0)
			ok++;
		else
			refused++;
	}
	cr_expect_gt(ok, 0);
	cr_expect_gt(refused, 0);
	a = answer(id, 999, 0, 1);
	cr_expect_eq(store_answer(s, &a, 5), -QE_STORAGE_UNAVAILABLE);
	cr_expect(!store_accepting(s));
	cr_assert_eq(sqlite3_exec(blocker, "COMMIT", NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(blocker);
	store_barrier(s, 6);
	wait_tokens(s, &tok, 1);
	cr_expect_eq(tok, 6, "the refused answer's token was published");
	store_stats(s, &st);
	cr_expect_eq(st.refused, refused + 1);
	cr_expect(store_accepting(s));
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), ok);
	sqlite3_close(db);
	cr_expect_eq(store_close(s), 0);
}

/* Writes that cannot commit before the final bound of store_close are
 * reported as lost (quizd then exits non-zero). */
Test(store, close_reports_uncommitted_writes)
{
	struct store *s = open_store();
	struct store_answer a;
	uint64_t id;
	sqlite3 *blocker, *db;

	store_set_busy_ms(s, 20);
	id = begin_match(s);
	sync_store(s, 1);
	blocker = open_reader();
	cr_assert_eq(sqlite3_exec(blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL),
		     SQLITE_OK);
	a = answer(id, 1, 0, 1);
	store_answer(s, &a, 0);
	a = answer(id, 2, 0, 1);
	store_answer(s, &a, 0);
	cr_expect_eq(store_close(s), 2);
	sqlite3_exec(blocker, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(blocker);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), 0);
	sqlite3_close(db);
}

/* A match can be recorded as interrupted (schema 2). */
Test(store, match_interrupted_state)
{
	struct store *s = open_store();
	uint64_t id;
	sqlite3 *db;

	id = begin_match(s);
	store_match_interrupted(s, id);
	sync_store(s, 1);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM matches"
			       " WHERE state = 'interrupted'"),
		     1);
	sqlite3_close(db);
	cr_expect_eq(store_close(s), 0);
}

/* The schema of version 1 (as released), with one row in every table:
 * match 7 with question q1, player 1 "ann", her answer (900 points) and
 * her result. */
static const char v1_sql[] =
    "PRAGMA journal_mode = WAL;"
    "CREATE TABLE questions (id TEXT PRIMARY KEY, kind TEXT NOT"
    " NULL, stem TEXT NOT NULL, options TEXT NOT NULL,"
    " correct_mask INTEGER NOT NULL, fills TEXT NOT NULL,"
    " explanation TEXT, category TEXT, difficulty INTEGER NOT NULL,"
    " sources TEXT NOT NULL, basis TEXT, updated_at INTEGER NOT"
    " NULL) STRICT;"
    "CREATE TABLE matches (id INTEGER PRIMARY KEY, code TEXT NOT"
    " NULL, title TEXT, format INTEGER NOT NULL, question_count"
    " INTEGER NOT NULL, time_limit_us INTEGER NOT NULL, points"
    " INTEGER NOT NULL, seed INTEGER NOT NULL, state TEXT NOT NULL"
    " DEFAULT 'running' CHECK (state IN ('running', 'finished',"
    " 'ended')), last_closed_q INTEGER, created_at INTEGER NOT"
    " NULL, ended_at INTEGER) STRICT;"
    "CREATE INDEX matches_code ON matches(code);"
    "CREATE INDEX matches_state ON matches(state);"
    "CREATE TABLE match_questions (match_id INTEGER NOT NULL"
    " REFERENCES matches(id) ON DELETE CASCADE, idx INTEGER NOT"
    " NULL, question_id TEXT NOT NULL, perm TEXT, PRIMARY KEY"
    " (match_id, idx)) STRICT;"
    "CREATE TABLE players (match_id INTEGER NOT NULL REFERENCES"
    " matches(id) ON DELETE CASCADE, player_id INTEGER NOT NULL,"
    " nick TEXT NOT NULL, team TEXT, joined_at INTEGER NOT NULL,"
    " PRIMARY KEY (match_id, player_id)) STRICT;"
    "CREATE TABLE answers (match_id INTEGER NOT NULL REFERENCES"
    " matches(id) ON DELETE CASCADE, player_id INTEGER NOT NULL,"
    " q INTEGER NOT NULL, choice_mask INTEGER NOT NULL, text TEXT,"
    " recv_us INTEGER NOT NULL, one_way_us INTEGER NOT NULL, rt_us"
    " INTEGER NOT NULL, correct INTEGER NOT NULL, points INTEGER"
    " NOT NULL, voided INTEGER NOT NULL DEFAULT 0, PRIMARY KEY"
    " (match_id, player_id, q)) STRICT;"
    "CREATE INDEX answers_question ON answers(match_id, q);"
    "CREATE TABLE results (match_id INTEGER NOT NULL REFERENCES"
    " matches(id) ON DELETE CASCADE, player_id INTEGER NOT NULL,"
    " rank INTEGER NOT NULL, score INTEGER NOT NULL, correct"
    " INTEGER NOT NULL, total_time_us INTEGER NOT NULL, PRIMARY KEY"
    " (match_id, player_id)) STRICT;"
    "CREATE INDEX results_rank ON results(match_id, rank);"
    "INSERT INTO matches VALUES (7, '123456', 't', 0, 1, 20000000,"
    " 1000, 42, 'finished', 0, 1, 2);"
    "INSERT INTO match_questions VALUES (7, 0, 'q1', NULL);"
    "INSERT INTO players VALUES (7, 1, 'ann', NULL, 1);"
    "INSERT INTO answers VALUES (7, 1, 0, 1, NULL, 5, 0, 5, 1,"
    " 900, 0);"
    "INSERT INTO results VALUES (7, 1, 1, 900, 1, 5);"
    "PRAGMA user_version = 1;";

/* Version 2 as released: matches rebuilt with 'interrupted' allowed (the
 * steps of migration 2), and match 8 interrupted. */
static const char v2_sql[] =
    "CREATE TABLE matches_v2 (id INTEGER PRIMARY KEY, code TEXT NOT NULL,"
    " title TEXT, format INTEGER NOT NULL, question_count INTEGER NOT NULL,"
    " time_limit_us INTEGER NOT NULL, points INTEGER NOT NULL,"
    " seed INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'running'"
    " CHECK (state IN ('running', 'finished', 'ended', 'interrupted')),"
    " last_closed_q INTEGER, created_at INTEGER NOT NULL,"
    " ended_at INTEGER) STRICT;"
    "INSERT INTO matches_v2 SELECT * FROM matches;"
    "DROP TABLE matches;"
    "ALTER TABLE matches_v2 RENAME TO matches;"
    "CREATE INDEX matches_code ON matches(code);"
    "CREATE INDEX matches_state ON matches(state);"
    "INSERT INTO matches VALUES (8, '654321', 'u', 0, 0, 20000000,"
    " 1000, 43, 'interrupted', NULL, 3, NULL);"
    "PRAGMA user_version = 2;";

/* Writes a database of an old schema version (1 or 2) with its rows. */
static void make_old_db(int version)
{
	sqlite3 *db = open_reader();

	cr_assert_eq(sqlite3_exec(db, v1_sql, NULL, NULL, NULL), SQLITE_OK,
		     "%s", sqlite3_errmsg(db));
	if (version >= 2)
		cr_assert_eq(sqlite3_exec(db, v2_sql, NULL, NULL, NULL),
			     SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* A version 1 database with data migrates to the current version: rows
 * and foreign keys kept, children not cascaded away, 'interrupted'
 * accepted. */
Test(store, migrates_v1_with_data)
{
	struct store *s;
	sqlite3 *db;
	uint64_t id;

	make_old_db(1);
	s = open_store();
	id = begin_match(s);
	cr_expect_eq(id, 8);
	store_match_interrupted(s, id);
	sync_store(s, 1);
	cr_expect_eq(store_close(s), 0);

	db = open_reader();
	cr_expect_eq(q_int(db, "PRAGMA user_version"), store_schema_version());
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers WHERE"
			       " match_id = 7"),
		     1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM results"), 1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM players"), 1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM match_questions WHERE"
			       " match_id = 7"),
		     1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM matches WHERE state ="
			       " 'interrupted'"),
		     1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM pragma_foreign_key_check"),
		     0);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE name"
			       " = 'matches_state'"),
		     1);
	sqlite3_close(db);
}

/* A statement that can never succeed (same primary key twice: a caller
 * bug) does not block the queue: it is isolated, its token comes back in
 * order flagged STORE_TOKEN_LOST, the others plain, and it counts as lost
 * in what store_close reports. */
Test(store, permanent_failure_isolated_and_flagged)
{
	struct store *s = open_store();
	struct store_answer a;
	uint64_t id, toks[3];
	sqlite3 *db;

	id = begin_match(s);
	a = answer(id, 1, 0, 10);
	store_answer(s, &a, 1);
	a = answer(id, 1, 0, 20); /* duplicate */
	store_answer(s, &a, 2);
	a = answer(id, 2, 0, 30);
	store_answer(s, &a, 3);
	wait_tokens(s, toks, 3);
	cr_expect_eq(toks[0], 1);
	cr_expect_eq(toks[1], 2 | STORE_TOKEN_LOST);
	cr_expect_eq(toks[2], 3);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT sum(points) FROM answers"), 40);
	sqlite3_close(db);
	cr_expect_eq(store_close(s), 1);
}

/* --- Schema 3: contests and the event log. --- */

/* A version 2 database with data migrates to 3: every row kept, the old
 * draw is round 0, no contest, the new tables exist, and the new ops work
 * on the old matches. */
Test(store, migrates_v2_to_v3_with_data)
{
	struct store_booking b = {
	    .match = 7, .q = 0, .player = 1, .delta = -30, .answered = true};
	struct store_event e = {
	    .match = 8, .seq = 1, .kind = "join", .player = 1, .nick = "bob"};
	struct store *s;
	sqlite3 *db;
	char buf[64];

	make_old_db(2);
	s = open_store();
	store_event(s, &e, 0);
	store_booking(s, &b);
	cr_expect_eq(begin_match(s), 9);
	sync_store(s, 1);
	cr_expect_eq(store_close(s), 0);

	db = open_reader();
	cr_expect_eq(q_int(db, "PRAGMA user_version"), store_schema_version());
	cr_expect_geq(store_schema_version(), 3);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
			       "type = 'table' AND name IN ('events',"
			       " 'bookings', 'seats', 'team_results')"),
		     4);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM matches"), 3);
	cr_expect_str_eq(q_text(db,
				"SELECT group_concat(id || state, ',') FROM"
				" (SELECT * FROM matches ORDER BY id)",
				buf, sizeof(buf)),
			 "7finished,8interrupted,9running");
	cr_expect_eq(q_int(db, "SELECT count(*) FROM matches WHERE"
			       " contest IS NULL"),
		     3);
	cr_expect_str_eq(q_text(db,
				"SELECT question_id || '/' || round FROM"
				" match_questions WHERE match_id = 7",
				buf, sizeof(buf)),
			 "q1/0");
	cr_expect_eq(q_int(db, "SELECT count(*) FROM players"), 1);
	cr_expect_eq(q_int(db, "SELECT score FROM results WHERE"
			       " match_id = 7"),
		     900);
	/* the booking reached the old answer */
	cr_expect_eq(q_int(db, "SELECT points FROM answers WHERE"
			       " match_id = 7"),
		     -30);
	cr_expect_str_eq(q_text(db,
				"SELECT kind || nick FROM events WHERE"
				" match_id = 8",
				buf, sizeof(buf)),
			 "joinbob");
	cr_expect_eq(q_int(db, "SELECT count(*) FROM pragma_foreign_key_check"),
		     0);
	/* STRICT like the others */
	cr_expect_eq(q_int(db, "SELECT count(*) FROM pragma_table_list WHERE"
			       " name IN ('events', 'bookings', 'seats',"
			       " 'team_results') AND strict = 1"),
		     4);
	sqlite3_close(db);
}

/* The contest text, the draw round by round (the match begins with no
 * questions), seats, team results: written and read back. */
Test(store, contest_ops_round_trip)
{
	static const char *const r0[] = {"q001", "q002"};
	static const char *const r1[] = {"q003"};
	static const uint8_t perms[2][ITEM_MAX_OPTIONS] = {{1, 0, 3, 2},
							   {0, 1}};
	static const char contest[] = "[contest]\ntitle = 支部赛\n"
				      "scoring = mean\nbase = 100\n";
	struct store_match m = {.code = "111222",
				.title = "支部赛",
				.time_limit_us = 30000000,
				.points = 10};
	struct store_team_result tr = {.team = "机关党委第一党支部",
				       .rank = 1,
				       .members = 3,
				       .score = 130,
				       .points = 30};
	char hash[65], buf[256];
	struct store_stats st;
	struct store *s;
	uint64_t id, other;
	sqlite3 *db;

	s = open_store();
	id = store_match_begin(s, &m);
	cr_assert_neq(id, 0);
	store_match_contest(s, id, contest);
	store_match_questions(s, id, 0, 0, 2, r0, perms);
	store_match_questions(s, id, 1, 2, 1, r1, NULL);
	token_hash_hex("0123456789abcdef0123456789abcdef", hash);
	store_seat(s, id, 0, hash);
	token_hash_hex("host? no: player 1", hash);
	store_seat(s, id, 1, hash);
	store_seat(s, id, 1, hash); /* a resumed seat: the same row */
	tr.match = id;
	store_team_result(s, &tr);
	tr.team = "二支部";
	tr.rank = 2;
	tr.score = 70;
	tr.points = -30; /* a team below its base */
	store_team_result(s, &tr);
	/* a match begun with its first draw, then a round appended */
	other = begin_match(s);
	store_match_questions(s, other, 1, 2, 1, r1, NULL);
	sync_store(s, 1);
	store_stats(s, &st);
	cr_expect_eq(st.failures, 0);
	cr_expect_eq(store_close(s), 0);

	db = open_reader();
	cr_expect_str_eq(
	    q_text(db, "SELECT contest FROM matches", buf, sizeof(buf)),
	    contest);
	cr_expect_eq(q_int(db, "SELECT question_count FROM matches WHERE"
			       " id = 1"),
		     3);
	cr_expect_str_eq(
	    q_text(db,
		   "SELECT group_concat(idx || question_id || round, ',') ||"
		   " '/' || (SELECT question_count FROM matches WHERE id = 2)"
		   " FROM (SELECT * FROM match_questions WHERE match_id = 2"
		   " ORDER BY idx)",
		   buf, sizeof(buf)),
	    "0q0010,1q0020,2q0031/3");
	cr_expect_str_eq(
	    q_text(db,
		   "SELECT group_concat(idx || ':' || question_id || ':' ||"
		   " round || ':' || coalesce(perm, '-'), ';') FROM (SELECT *"
		   " FROM match_questions WHERE match_id = 1 ORDER BY idx)",
		   buf, sizeof(buf)),
	    "0:q001:0:[1,0,3,2,0,0,0,0];1:q002:0:[0,1,0,0,0,0,0,0];"
	    "2:q003:1:-");
	cr_expect_eq(q_int(db, "SELECT count(*) FROM seats"), 2);
	token_hash_hex("0123456789abcdef0123456789abcdef", hash);
	cr_expect_str_eq(q_text(db,
				"SELECT token_hash FROM seats WHERE"
				" player_id = 0",
				buf, sizeof(buf)),
			 hash);
	/* only hashes: the token itself is nowhere */
	cr_expect_eq(q_int(db, "SELECT count(*) FROM seats WHERE token_hash"
			       " LIKE '%0123456789abcdef0123456789abcdef%'"),
		     0);
	cr_expect_str_eq(
	    q_text(db,
		   "SELECT group_concat(rank || team || members || '/' ||"
		   " score || '/' || points, ';') FROM (SELECT * FROM"
		   " team_results ORDER BY rank)",
		   buf, sizeof(buf)),
	    "1机关党委第一党支部3/130/30;2二支部3/70/-30");
	sqlite3_close(db);
}

/* Round questions of a match that was never recorded are lost whole (no
 * row left behind); a bad seat hash (a raw token) is refused. */
Test(store, contest_ops_refuse_bad_input)
{
	static const char *const ids[] = {"q001", "q002"};
	struct store_stats st;
	struct store *s;
	uint64_t id;
	sqlite3 *db;

	s = open_store();
	id = begin_match(s);
	store_match_questions(s, 999, 0, 0, 2, ids, NULL);
	store_match_questions(s, id, 1, 9999, 2, ids, NULL); /* too many */
	store_seat(s, id, 1, "0123456789abcdef0123456789abcdef");
	store_seat(s, id, 2, NULL);
	store_match_contest(s, 999, "x");
	store_match_contest(s, id, NULL);
	sync_store(s, 1);
	store_stats(s, &st);
	cr_expect_eq(st.failures, 6);
	cr_expect_eq(store_close(s), 6);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM match_questions"), 2);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM seats"), 0);
	sqlite3_close(db);
}

/* Bookings at close: signed deltas, answers.points follows its booking
 * (written 0 at receipt), a player who did not answer gets a booking
 * only, a booking again replaces it, a voided answer stays at 0. */
Test(store, bookings_signed_and_set_answer_points)
{
	struct store_booking b = {.q = 0};
	struct store_answer a;
	struct store *s;
	uint64_t id;
	sqlite3 *db;
	char buf[128];

	s = open_store();
	id = begin_match(s);
	a = answer(id, 1, 0, 0);
	a.correct = true;
	store_answer(s, &a, 0);
	a = answer(id, 2, 0, 0);
	store_answer(s, &a, 0);
	a = answer(id, 3, 1, 0);
	store_answer(s, &a, 0);
	b.match = id;
	b.player = 1; /* wager, right */
	b.delta = 30;
	b.answered = b.correct = true;
	b.stake = 30;
	store_booking(s, &b);
	b.player = 2; /* wager, wrong */
	b.delta = -20;
	b.correct = false;
	b.stake = 20;
	store_booking(s, &b);
	b.player = 4; /* no answer: the smallest stake lost */
	b.delta = -10;
	b.answered = false;
	b.stake = 10;
	store_booking(s, &b);
	b.player = 2; /* booked again: replaced */
	b.delta = -40;
	b.answered = true;
	b.stake = 40;
	store_booking(s, &b);
	store_void_question(s, id, 1);
	b.q = 1;
	b.player = 3;
	b.delta = 0;
	b.stake = 0;
	store_booking(s, &b);
	b.delta = 77; /* even so, a voided answer scores 0 */
	store_booking(s, &b);
	sync_store(s, 1);
	cr_expect_eq(store_close(s), 0);

	db = open_reader();
	cr_expect_str_eq(
	    q_text(db,
		   "SELECT group_concat(q || ':' || player_id || '=' || delta"
		   " || '/' || answered || correct || '/' || stake, ';') FROM"
		   " (SELECT * FROM bookings ORDER BY q, player_id)",
		   buf, sizeof(buf)),
	    "0:1=30/11/30;0:2=-40/10/40;0:4=-10/00/10;1:3=77/10/0");
	cr_expect_str_eq(q_text(db,
				"SELECT group_concat(player_id || '=' ||"
				" points, ';') FROM (SELECT * FROM answers"
				" ORDER BY q, player_id)",
				buf, sizeof(buf)),
			 "1=30;2=-40;3=0");
	cr_expect_eq(q_int(db, "SELECT typeof(delta) = 'integer' AND delta < 0"
			       " FROM bookings WHERE player_id = 4"),
		     1);
	sqlite3_close(db);
}

/* Event kinds as the room names them. */
static const char *const event_kinds[] = {
    "join",   "leave", "kick",	"pause", "resume", "skip", "next",    "end",
    "answer", "wager", "start", "tick",	 "commit", "hold", "release",
};

/* 10,000 events of one match: all kept, in seq order, every field as
 * given; a second match's stream interleaved stays apart. */
Test(store, event_stream_kept_in_seq_order)
{
	struct store_event e;
	struct store_stats st;
	sqlite3_stmt *q = NULL;
	struct store *s;
	uint64_t id, other, seq = 0;
	uint32_t i;
	sqlite3 *db;
	char nick[32];

	s = open_store();
	id = begin_match(s);
	other = begin_match(s);
	for (i = 1; i <= 10000; i++) {
		memset(&e, 0, sizeof(e));
		e.match = id;
		e.seq = i;
		e.kind = event_kinds[i % 15];
		e.at_us = 1000000LL * i;
		e.player = i % 60;
		e.q = i / 100;
		e.choice_mask = i & 0xf;
		e.one_way_us = 1500 + i;
		e.arg = -(int64_t)i; /* signed */
		if (i % 15 == 0) {
			snprintf(nick, sizeof(nick), "选手%u", i);
			e.nick = nick;
			e.team = "一支部";
		}
		if (i % 15 == 8)
			e.text = "三";
		store_event(s, &e, 0);
		if (i % 100 == 0) {
			e.match = other;
			e.seq = i / 100;
			store_event(s, &e, 0);
		}
	}
	sync_store(s, 1);
	store_stats(s, &st);
	cr_expect_eq(st.failures, 0);
	cr_expect_lt(st.batches, 1000); /* batched, not one per event */
	cr_expect_eq(store_close(s), 0);

	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM events"), 10100);
	cr_assert_eq(sqlite3_prepare_v2(db,
					"SELECT seq, kind, at_us, player_id, q,"
					" choice_mask, one_way_us, arg, nick,"
					" team, text FROM events WHERE"
					" match_id = ?1 ORDER BY seq",
					-1, &q, NULL),
		     SQLITE_OK);
	sqlite3_bind_int64(q, 1, (sqlite3_int64)id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		i = (uint32_t)++seq;
		cr_assert_eq(sqlite3_column_int64(q, 0), (int64_t)seq);
		cr_assert_str_eq((const char *)sqlite3_column_text(q, 1),
				 event_kinds[i % 15]);
		cr_assert_eq(sqlite3_column_int64(q, 2), 1000000LL * i);
		cr_assert_eq(sqlite3_column_int64(q, 3), i % 60);
		cr_assert_eq(sqlite3_column_int64(q, 4), i / 100);
		cr_assert_eq(sqlite3_column_int64(q, 5), i & 0xf);
		cr_assert_eq(sqlite3_column_int64(q, 6), 1500 + i);
		cr_assert_eq(sqlite3_column_int64(q, 7), -(int64_t)i);
		cr_assert_eq(sqlite3_column_type(q, 8) == SQLITE_NULL,
			     i % 15 != 0);
		cr_assert_eq(sqlite3_column_type(q, 10) == SQLITE_NULL,
			     i % 15 != 8);
	}
	sqlite3_finalize(q);
	cr_expect_eq(seq, 10000);
	/* the table is stored by (match_id, seq): a plain scan is the order
	 * of the log */
	cr_expect_eq(q_int(db, "SELECT count(*) FROM (SELECT seq, row_number()"
			       " OVER () AS n FROM events WHERE match_id = 1)"
			       " WHERE seq <> n"),
		     0);
	cr_expect_str_eq(q_text(db,
				"SELECT nick || '/' || team FROM events"
				" WHERE match_id = 1 AND seq = 15",
				nick, sizeof(nick)),
			 "选手15/一支部");
	cr_expect_eq(q_int(db, "SELECT max(seq) * 1000 + count(*) FROM events"
			       " WHERE match_id = 2"),
		     100100);
	sqlite3_close(db);
}

/* A duplicate (match, seq) is a caller bug: isolated and counted lost,
 * while the rest of its batch (events before and after it, an answer
 * whose token comes back plain) commits. */
Test(store, duplicate_event_isolated)
{
	struct store_event e = {.kind = "answer", .player = 1};
	struct store_answer a;
	struct store_stats st;
	sqlite3 *blocker, *db;
	struct store *s;
	uint64_t id, toks[2];
	char buf[64];

	s = open_store();
	id = begin_match(s);
	sync_store(s, 1);
	store_stats(s, &st);
	cr_assert_eq(st.batches, 1);

	/* hold the write lock: the writer stalls on the first event while
	 * the rest queue up behind it as one batch */
	blocker = open_reader();
	cr_assert_eq(sqlite3_exec(blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL),
		     SQLITE_OK);
	e.match = id;
	e.seq = 1;
	e.text = "first";
	store_event(s, &e, 0);
	sleep_ms(200);
	e.seq = 2;
	e.text = "second";
	store_event(s, &e, 0);
	e.text = "duplicate";
	store_event(s, &e, 0);
	e.seq = 3;
	e.text = "third";
	store_event(s, &e, 0);
	a = answer(id, 1, 0, 0);
	store_answer(s, &a, 2);
	store_barrier(s, 3);
	sleep_ms(100);
	cr_assert_eq(sqlite3_exec(blocker, "COMMIT", NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(blocker);
	wait_tokens(s, toks, 2);
	cr_expect_eq(toks[0], 2);
	cr_expect_eq(toks[1], 3);

	store_stats(s, &st);
	cr_expect_eq(st.failures, 1);
	/* the match, the first event, then the rest together */
	cr_expect_eq(st.batches, 3, "batches: %llu",
		     (unsigned long long)st.batches);
	cr_expect_eq(st.ops, 5); /* match, three events, the answer */
	db = open_reader();
	cr_expect_str_eq(q_text(db,
				"SELECT group_concat(seq || text, ',') FROM"
				" events",
				buf, sizeof(buf)),
			 "1first,2second,3third");
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), 1);
	sqlite3_close(db);
	cr_expect_eq(store_close(s), 1);
}

/* A close's bookings go as one operation: every row, one op counted. */
Test(store, bookings_of_a_close_are_one_op)
{
	struct store_booking v[3];
	struct store_stats st, st2;
	struct store *s;
	sqlite3 *db;
	uint64_t id, base;
	int i;

	s = open_store();
	id = begin_match(s);
	sync_store(s, 1);
	store_stats(s, &st);
	sync_store(s, 2); /* what a barrier alone counts */
	store_stats(s, &st2);
	base = st2.ops - st.ops;
	st = st2;
	memset(v, 0, sizeof(v));
	for (i = 0; i < 3; i++) {
		v[i].match = id;
		v[i].q = 2;
		v[i].player = (uint32_t)i + 1;
		v[i].delta = -10 * (i + 1);
		v[i].stake = 10 * (i + 1);
	}
	store_bookings(s, v, 3);
	store_bookings(s, v, 0); /* nothing to book: no op */
	sync_store(s, 3);
	store_stats(s, &st2);
	cr_expect_eq(st2.ops - st.ops, base + 1, "ops: %llu",
		     (unsigned long long)(st2.ops - st.ops));
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT sum(delta) FROM bookings WHERE q = 2"),
		     -60);
	sqlite3_close(db);
	cr_expect_eq(store_close(s), 0);
}

/* An answer and its event are one write: both are kept, or (a duplicate
 * seq) neither, and the answer's token is then flagged lost, so its ack
 * becomes an Error. */
Test(store, answer_with_its_event_is_one_write)
{
	struct store_event e = {.kind = "answer"};
	struct store_answer a;
	uint64_t id, toks[3];
	struct store *s;
	sqlite3 *db;
	char buf[64];

	s = open_store();
	id = begin_match(s);
	e.match = id;
	e.seq = 1;
	e.kind = "join";
	store_event(s, &e, 0);
	e.kind = "answer";
	e.seq = 2;
	e.player = 1;
	a = answer(id, 1, 0, 0);
	a.event = &e;
	store_answer(s, &a, 1);
	e.player = 2; /* seq 2 again: refused by the key */
	a = answer(id, 2, 0, 0);
	a.event = &e;
	store_answer(s, &a, 2);
	e.seq = 3;
	e.player = 3;
	a = answer(id, 3, 0, 0);
	a.event = &e;
	store_answer(s, &a, 3);
	wait_tokens(s, toks, 3);
	cr_expect_eq(toks[0], 1);
	cr_expect_eq(toks[1], 2 | STORE_TOKEN_LOST, "token %llx",
		     (unsigned long long)toks[1]);
	cr_expect_eq(toks[2], 3);
	db = open_reader();
	cr_expect_str_eq(q_text(db,
				"SELECT group_concat(seq || kind || player_id,"
				" ',') FROM events",
				buf, sizeof(buf)),
			 "1join0,2answer1,3answer3");
	cr_expect_str_eq(q_text(db,
				"SELECT group_concat(player_id, ',') FROM"
				" answers",
				buf, sizeof(buf)),
			 "1,3");
	sqlite3_close(db);
	cr_expect_eq(store_close(s), 1);
}

/* An event with no kind, seq 0 or of an unknown match is never written. */
Test(store, bad_events_refused)
{
	struct store_event e = {.seq = 1, .kind = "join"};
	struct store *s = open_store();
	uint64_t id = begin_match(s);
	sqlite3 *db;

	e.match = 999; /* no such match: a foreign key */
	store_event(s, &e, 0);
	e.match = id;
	e.kind = NULL;
	store_event(s, &e, 0);
	e.kind = "";
	store_event(s, &e, 0);
	e.kind = "join";
	e.seq = 0;
	store_event(s, &e, 0);
	store_event(s, NULL, 0);
	sync_store(s, 1);
	cr_expect_eq(store_close(s), 5);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM events"), 0);
	sqlite3_close(db);
}

/* SHA-256 known answers (FIPS 180-2 "abc", and the empty string). */
Test(store, token_hash_known_answers)
{
	char out[65];

	token_hash_hex("abc", out);
	cr_expect_str_eq(out, "ba7816bf8f01cfea414140de5dae2223"
			      "b00361a396177a9cb410ff61f20015ad");
	token_hash_hex("", out);
	cr_expect_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb924"
			      "27ae41e4649b934ca495991b7852b855");
	token_hash_hex(
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", out);
	cr_expect_str_eq(out, "248d6a61d20638b8e5c026930c3e6039"
			      "a33ce45964ff2167f6ecedd419db06c1");
}

/* --- Schema 4: the buzzer and judges. --- */

/* Version 3 as released (the steps of migration 3 on top of v2), with a
 * match, an event and a booking. */
static const char v3_sql[] =
    "ALTER TABLE matches ADD COLUMN contest TEXT;"
    "ALTER TABLE matches ADD COLUMN definition TEXT;"
    "ALTER TABLE match_questions ADD COLUMN"
    " round INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE events (match_id INTEGER NOT NULL REFERENCES matches(id)"
    " ON DELETE CASCADE, seq INTEGER NOT NULL CHECK (seq > 0), kind TEXT"
    " NOT NULL CHECK (kind <> ''), at_us INTEGER NOT NULL, player_id"
    " INTEGER NOT NULL, q INTEGER NOT NULL, choice_mask INTEGER NOT NULL,"
    " one_way_us INTEGER NOT NULL, arg INTEGER NOT NULL, nick TEXT, team"
    " TEXT, text TEXT, PRIMARY KEY (match_id, seq)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE bookings (match_id INTEGER NOT NULL REFERENCES"
    " matches(id) ON DELETE CASCADE, q INTEGER NOT NULL, player_id INTEGER"
    " NOT NULL, delta INTEGER NOT NULL, answered INTEGER NOT NULL CHECK"
    " (answered IN (0, 1)), correct INTEGER NOT NULL CHECK (correct IN (0,"
    " 1)), stake INTEGER NOT NULL, PRIMARY KEY (match_id, q, player_id))"
    " STRICT;"
    "CREATE INDEX bookings_player ON bookings(match_id, player_id);"
    "CREATE TABLE seats (match_id INTEGER NOT NULL REFERENCES matches(id)"
    " ON DELETE CASCADE, player_id INTEGER NOT NULL, token_hash TEXT NOT"
    " NULL CHECK (length(token_hash) = 64 AND token_hash NOT GLOB"
    " '*[^0-9a-f]*'), PRIMARY KEY (match_id, player_id)) STRICT;"
    "CREATE TABLE team_results (match_id INTEGER NOT NULL REFERENCES"
    " matches(id) ON DELETE CASCADE, team TEXT NOT NULL, rank INTEGER NOT"
    " NULL, members INTEGER NOT NULL, score INTEGER NOT NULL, points"
    " INTEGER NOT NULL, PRIMARY KEY (match_id, team)) STRICT;"
    "CREATE INDEX team_results_rank ON team_results(match_id, rank);"
    "INSERT INTO events VALUES (8, 1, 'join', 5, 1, 0, 0, 0, 0, 'ann',"
    " NULL, NULL);"
    "INSERT INTO events VALUES (8, 2, 'wager', 6, 1, 0, 0, 0, 20, NULL,"
    " NULL, NULL);"
    "INSERT INTO bookings VALUES (7, 0, 1, 900, 1, 1, 0);"
    "PRAGMA user_version = 3;";

/* Three presses of one decision, as quizd stores them. */
static void sample_presses(struct store_press *v, uint64_t match, uint64_t seq0)
{
	static const char *const outcome[] = {"won", "slower", "foul"};
	int i;

	memset(v, 0, 3 * sizeof(*v));
	for (i = 0; i < 3; i++) {
		v[i].match = match;
		v[i].seq = seq0 + (uint64_t)i;
		v[i].q = 4;
		v[i].player = (uint32_t)i + 1;
		v[i].arm = i == 2 ? 0 : 1;
		v[i].recv_us = 5000000 + 1000 * i;
		v[i].comp_us = 20000 + i;
		v[i].react_us = i == 2 ? -3000 : 100000 + 23000 * i;
		v[i].gap_us = 23000 * i;
		v[i].outcome = outcome[i];
	}
}

/* A version 3 database with data migrates to 4: rows kept, the old events
 * get arg2 0, presses and matches.judge_hash exist and take writes, and
 * an event's arg2 is written. */
Test(store, migrates_v3_to_v4_with_data)
{
	struct store_event e = {
	    .seq = 3, .kind = "buzz", .player = 1, .arg = 111, .arg2 = 222};
	struct store_press v[3];
	struct store *s;
	sqlite3 *db;
	char buf[160], hash[65];

	make_old_db(2);
	db = open_reader();
	cr_assert_eq(sqlite3_exec(db, v3_sql, NULL, NULL, NULL), SQLITE_OK,
		     "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
	s = open_store();
	e.match = 8;
	store_event(s, &e, 0);
	sample_presses(v, 8, 3);
	store_presses(s, v, 3, 0);
	token_hash_hex("judge", hash);
	store_match_judge(s, 8, hash);
	sync_store(s, 1);
	cr_expect_eq(store_close(s), 0);

	db = open_reader();
	/* to 4, and on to the current version */
	cr_expect_eq(q_int(db, "PRAGMA user_version"), store_schema_version());
	cr_expect_str_eq(q_text(db,
				"SELECT group_concat(seq || kind || arg || '/'"
				" || arg2, ',') FROM events WHERE match_id = 8",
				buf, sizeof(buf)),
			 "1join0/0,2wager20/0,3buzz111/222");
	cr_expect_eq(q_int(db, "SELECT count(*) FROM bookings"), 1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM presses WHERE"
			       " match_id = 8"),
		     3);
	cr_expect_str_eq(q_text(db,
				"SELECT judge_hash FROM matches WHERE id = 8",
				buf, sizeof(buf)),
			 hash);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM matches WHERE"
			       " judge_hash IS NULL"),
		     1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM pragma_table_list WHERE"
			       " name = 'presses' AND strict = 1"),
		     1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM pragma_foreign_key_check"),
		     0);
	/* the table refuses what no press can be */
	cr_expect_neq(sqlite3_exec(db,
				   "INSERT INTO presses VALUES (8, 99, 0, 1, 0,"
				   " 0, 0, 0, 0, 'pending')",
				   NULL, NULL, NULL),
		      SQLITE_OK);
	cr_expect_neq(sqlite3_exec(db,
				   "UPDATE matches SET judge_hash = 'abc'"
				   " WHERE id = 8",
				   NULL, NULL, NULL),
		      SQLITE_OK);
	sqlite3_close(db);
}

/* The presses of a decision are one operation: every field read back,
 * its token published once all are committed; one op counted. */
Test(store, presses_written_and_read_back)
{
	struct store_press v[3];
	struct store_stats st, st2;
	struct store *s;
	sqlite3 *db;
	uint64_t id, tok, base;
	char buf[256];

	s = open_store();
	id = begin_match(s);
	sync_store(s, 1);
	store_stats(s, &st);
	sync_store(s, 2);
	store_stats(s, &st2);
	base = st2.ops - st.ops;
	st = st2;
	sample_presses(v, id, 10);
	store_presses(s, v, 3, 3);
	wait_tokens(s, &tok, 1);
	cr_expect_eq(tok, 3);
	store_stats(s, &st2);
	cr_expect_eq(st2.ops - st.ops, base + 1);
	db = open_reader();
	cr_expect_str_eq(
	    q_text(db,
		   "SELECT group_concat(seq || ':' || q || ':' || player_id"
		   " || ':' || arm || ':' || recv_us || ':' || comp_us || ':'"
		   " || react_us || ':' || gap_us || ':' || outcome, ',') FROM"
		   " (SELECT * FROM presses ORDER BY seq)",
		   buf, sizeof(buf)),
	    "10:4:1:1:5000000:20000:100000:0:won,"
	    "11:4:2:1:5001000:20001:123000:23000:slower,"
	    "12:4:3:0:5002000:20002:-3000:46000:foul");
	sqlite3_close(db);
	/* nothing decided: the token alone */
	store_presses(s, v, 0, 4);
	wait_tokens(s, &tok, 1);
	cr_expect_eq(tok, 4);
	cr_expect_eq(store_close(s), 0);
}

/* A presses op that can never be written (a seq stored already, or an
 * outcome no press has) is lost whole: none of its rows, its token
 * flagged STORE_TOKEN_LOST (as a lost answer's), the rest of the batch
 * kept. */
Test(store, lost_presses_flag_their_token)
{
	struct store_press v[3], w[3];
	uint64_t id, toks[4];
	struct store *s;
	sqlite3 *db;

	s = open_store();
	id = begin_match(s);
	sample_presses(v, id, 1);
	store_presses(s, v, 3, 1);
	sample_presses(w, id, 3); /* seq 3 again, with 4 and 5 */
	store_presses(s, w, 3, 2);
	sample_presses(w, id, 6);
	w[1].outcome = "pending";
	store_presses(s, w, 3, 3);
	sample_presses(w, id, 9);
	store_presses(s, w, 3, 4);
	wait_tokens(s, toks, 4);
	cr_expect_eq(toks[0], 1);
	cr_expect_eq(toks[1], 2 | STORE_TOKEN_LOST, "token %llx",
		     (unsigned long long)toks[1]);
	cr_expect_eq(toks[2], 3 | STORE_TOKEN_LOST, "token %llx",
		     (unsigned long long)toks[2]);
	cr_expect_eq(toks[3], 4);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM presses"), 6);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM presses WHERE seq IN"
			       " (4, 5, 6, 7, 8)"),
		     0);
	sqlite3_close(db);
	cr_expect_eq(store_close(s), 2);
}

/* The judge token's hash goes to its match; anything but a hash is
 * refused (a raw token never reaches the database). */
Test(store, judge_hash_only_a_hash)
{
	struct store *s = open_store();
	uint64_t id = begin_match(s);
	char hash[65], buf[80];
	sqlite3 *db;

	token_hash_hex("0123456789ABCDEF", hash);
	store_match_judge(s, id, "0123456789ABCDEF");
	store_match_judge(s, id, hash);
	sync_store(s, 1);
	cr_expect_eq(store_close(s), 1);
	db = open_reader();
	cr_expect_str_eq(
	    q_text(db, "SELECT judge_hash FROM matches", buf, sizeof(buf)),
	    hash);
	sqlite3_close(db);
}

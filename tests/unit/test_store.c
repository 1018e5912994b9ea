/* Tests of the SQLite store: migrations, bank import, the writer thread's
 * batching and notify tokens, and what is on disk afterwards (read back
 * through a separate sqlite3 connection). */
#include <criterion/criterion.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errors.h"
#include "evhash.h"
#include "item.h"
#include "store.h"
#include "store_fixture.h"
#include "tokenhash.h"

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
	uint64_t id, toks[40];
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
	expect_stalled(s, "SELECT count(*) FROM answers", 1);

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

/* The bookings of one close as one operation (store_bookings, rows kept
 * typed in the op): every row and every answer's points are written from
 * its own booking. */

/* Every booking as "q:player=delta/answered correct/stake", in order. */
static const char *bookings_text(sqlite3 *db, char *buf, size_t cap)
{
	return q_text(db,
		      "SELECT group_concat(q || ':' || player_id || '=' ||"
		      " delta || '/' || answered || correct || '/' || stake,"
		      " ';') FROM (SELECT * FROM bookings ORDER BY q,"
		      " player_id)",
		      buf, cap);
}

Test(store, bookings_batch_writes_every_row)
{
	struct store_booking v[3] = {
	    {.q = 0,
	     .player = 1,
	     .delta = 700,
	     .answered = true,
	     .correct = true},
	    {.q = 0, .player = 2, .delta = -5, .answered = true, .stake = 5},
	    {.q = 0, .player = 3, .delta = 0}};
	struct store_answer a;
	struct store *s;
	uint64_t id;
	sqlite3 *db;
	char buf[128];
	int i;

	s = open_store();
	id = begin_match(s);
	for (i = 0; i < 3; i++) {
		v[i].match = id;
		a = answer(id, (uint32_t)i + 1, 0, 0);
		store_answer(s, &a, 0);
	}
	store_bookings(s, v, 3);
	sync_store(s, 1);
	cr_expect_eq(store_close(s), 0);

	db = open_reader();
	cr_expect_str_eq(bookings_text(db, buf, sizeof(buf)),
			 "0:1=700/11/0;0:2=-5/10/5;0:3=0/00/0");
	cr_expect_str_eq(q_text(db,
				"SELECT group_concat(player_id || '=' ||"
				" points, ';') FROM (SELECT * FROM answers"
				" ORDER BY q, player_id)",
				buf, sizeof(buf)),
			 "1=700;2=-5;3=0");
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
	    bookings_text(db, buf, sizeof(buf)),
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

/* --- Schema v5: the hash chain, groups, durability, match logs. --- */

/* The two events of the known-answer vectors below. */
static void vector_events(struct store_event *e1, struct store_event *e2)
{
	memset(e1, 0, sizeof(*e1));
	e1->match = 0x0102030405060708ull;
	e1->seq = 1;
	e1->kind = "answer";
	e1->at_us = -5;
	e1->player = 3;
	e1->q = 2;
	e1->choice_mask = 5;
	e1->one_way_us = 12000;
	e1->arg = -1;
	e1->arg2 = 9;
	e1->nick = NULL;
	e1->team = "";
	e1->text = "h\xc3\xa9llo";
	memset(e2, 0, sizeof(*e2));
	e2->match = e1->match;
	e2->seq = 2;
	e2->kind = "join";
	e2->at_us = 1700000000000000;
	e2->player = 0xfffffffeu;
	e2->arg = INT64_MIN;
	e2->arg2 = INT64_MAX;
	e2->nick = "选手";
}

/* The canonical encoding against digests computed independently (Python's
 * hashlib over the bytes STORAGE.md describes):
 *
 *   def enc(prev, m, seq, kind, at, pl, q, cm, ow, arg, arg2, *strs):
 *       b = prev + b"quizd-event-v1\0" + struct.pack(">QQ", m, seq)
 *       k = kind.encode(); b += struct.pack(">I", len(k)) + k
 *       b += struct.pack(">qIIIqqq", at, pl, q, cm, ow, arg, arg2)
 *       for s in strs:
 *           if s is None: b += b"\0"
 *           else: s = s.encode(); b += b"\1" + struct.pack(">I", len(s)) + s
 *       return hashlib.sha256(b).hexdigest()
 *   h1 = enc(bytes(32), 0x0102030405060708, 1, "answer", -5, 3, 2, 5,
 *            12000, -1, 9, None, "", "héllo")
 *   h2 = enc(bytes.fromhex(h1), 0x0102030405060708, 2, "join",
 *            1700000000000000, 0xfffffffe, 0, 0, 0, -2**63, 2**63 - 1,
 *            "选手", None, None)
 */
Test(store, evhash_known_answers)
{
	static const char h1[] = "fe28612246f02d50ec4a66f457668cdf"
				 "b16f364f0fbc4576b8ed8cd16dfdcca0";
	static const char h2[] = "7f77ca41851c68242dafa2b754919b34"
				 "b4716376e89629673a4e029e917be516";
	static const char zeros[] = "00000000000000000000000000000000"
				    "00000000000000000000000000000000";
	struct store_event e1, e2;
	char out[EVHASH_HEX + 1], again[EVHASH_HEX + 1], upper[EVHASH_HEX + 1];
	size_t i;

	vector_events(&e1, &e2);
	cr_assert_eq(evhash_hex(NULL, &e1, out), 0);
	cr_expect_str_eq(out, h1);
	/* genesis: NULL, "" and 32 zero bytes are the same prev */
	cr_assert_eq(evhash_hex("", &e1, again), 0);
	cr_expect_str_eq(again, h1);
	cr_assert_eq(evhash_hex(zeros, &e1, again), 0);
	cr_expect_str_eq(again, h1);
	cr_assert_eq(evhash_hex(h1, &e2, out), 0);
	cr_expect_str_eq(out, h2);
	/* hex digits of either case read the same */
	for (i = 0; i < EVHASH_HEX; i++)
		upper[i] =
		    (h1[i] >= 'a' && h1[i] <= 'f') ? (char)(h1[i] - 32) : h1[i];
	upper[EVHASH_HEX] = '\0';
	cr_assert_eq(evhash_hex(upper, &e2, again), 0);
	cr_expect_str_eq(again, h2);
	/* not a link: refused, out untouched */
	memset(out, 'x', sizeof(out));
	cr_expect_eq(evhash_hex("abc", &e2, out), -1);
	cr_expect_eq(out[0], 'x');
	memcpy(again, h1, sizeof(again));
	again[10] = 'g';
	cr_expect_eq(evhash_hex(again, &e2, out), -1);
	cr_expect_eq(evhash_hex("fe28612246f02d50ec4a66f457668cdf"
				"b16f364f0fbc4576b8ed8cd16dfdcca000",
				&e2, out),
		     -1);
}

/* Any change of any field, or of prev, changes the link; NULL and ""
 * strings differ; moving bytes between adjacent strings differs. */
Test(store, evhash_every_field_counts)
{
	struct store_event base, e, e2;
	char ref[EVHASH_HEX + 1], out[EVHASH_HEX + 1], other[EVHASH_HEX + 1];
	int field;

	vector_events(&base, &e2);
	base.nick = "ab";
	base.team = "c";
	cr_assert_eq(evhash_hex(NULL, &base, ref), 0);
	for (field = 0; field < 16; field++) {
		e = base;
		switch (field) {
		case 0:
			e.match ^= 1ull << 63;
			break;
		case 1:
			e.seq++;
			break;
		case 2:
			e.kind = "answeR";
			break;
		case 3:
			e.at_us++;
			break;
		case 4:
			e.player ^= 1u << 31;
			break;
		case 5:
			e.q++;
			break;
		case 6:
			e.choice_mask ^= 2;
			break;
		case 7:
			e.one_way_us--;
			break;
		case 8:
			e.arg = 1;
			break;
		case 9:
			e.arg2 = -9;
			break;
		case 10:
			e.nick = NULL;
			break;
		case 11:
			e.team = NULL;
			break;
		case 12:
			e.text = "";
			break;
		case 13:
			e.text = NULL;
			break;
		case 14: /* "ab","c" -> "a","bc": lengths keep them apart */
			e.nick = "a";
			e.team = "bc";
			break;
		case 15:
			e.nick = "";
			break;
		}
		cr_assert_eq(evhash_hex(NULL, &e, out), 0);
		cr_expect_str_neq(out, ref, "field %d does not count", field);
	}
	cr_assert_eq(evhash_hex(NULL, &e2, other), 0);
	cr_assert_eq(evhash_hex(other, &base, out), 0);
	cr_expect_str_neq(out, ref, "prev does not count");
	/* and the same event gives the same link */
	e = base;
	cr_assert_eq(evhash_hex(NULL, &e, out), 0);
	cr_expect_str_eq(out, ref);
}

/* Checks the chain of a match log as audit verify will: each link is
 * evhash over the previous row's (genesis when the previous row is not
 * seq - 1 or has no link). Returns how many rows carry a link. */
static size_t expect_chain(const struct store_match_log *m)
{
	char want[EVHASH_HEX + 1];
	const char *prev;
	size_t i, linked = 0;

	for (i = 0; i < m->nevents; i++) {
		const struct store_event_row *r = &m->events[i];

		if (!r->hash[0])
			continue;
		prev = NULL;
		if (i > 0 && m->events[i - 1].e.seq + 1 == r->e.seq)
			prev = m->events[i - 1].hash;
		cr_assert_eq(evhash_hex(prev, &r->e, want), 0);
		cr_assert_str_eq(r->hash, want, "seq %llu: link broken",
				 (unsigned long long)r->e.seq);
		linked++;
	}
	return linked;
}

/* A varied event (strings NULL or "" by seq, signed arg and arg2). */
static struct store_event sample_event(uint64_t match, uint64_t seq, char *nick,
				       size_t cap)
{
	struct store_event e;

	memset(&e, 0, sizeof(e));
	e.match = match;
	e.seq = seq;
	e.kind = event_kinds[seq % 15];
	e.at_us = 1000000LL * (int64_t)seq;
	e.player = (uint32_t)(seq % 7);
	e.q = (uint32_t)(seq / 10);
	e.choice_mask = (uint32_t)seq & 0xf;
	e.one_way_us = 1500 + (int64_t)seq;
	e.arg = seq % 2 ? -(int64_t)seq : INT64_MIN + (int64_t)seq;
	e.arg2 = seq % 3 ? INT64_MAX - (int64_t)seq : -7;
	snprintf(nick, cap, "选手%llu", (unsigned long long)seq);
	e.nick = seq % 4 == 0 ? NULL : seq % 4 == 1 ? "" : nick;
	e.team = seq % 5 == 0 ? "" : seq % 5 == 1 ? "一支部" : NULL;
	e.text = seq % 3 == 0 ? NULL : seq % 3 == 1 ? "" : "三";
	return e;
}

/* Compares a read-back event with what sample_event gave. */
static void expect_sample(const struct store_event *got, uint64_t match,
			  uint64_t seq)
{
	struct store_event e;
	char nick[32];

	e = sample_event(match, seq, nick, sizeof(nick));
	cr_assert_eq(got->match, match);
	cr_assert_eq(got->seq, seq);
	cr_assert_str_eq(got->kind, e.kind);
	cr_assert_eq(got->at_us, e.at_us);
	cr_assert_eq(got->player, e.player);
	cr_assert_eq(got->q, e.q);
	cr_assert_eq(got->choice_mask, e.choice_mask);
	cr_assert_eq(got->one_way_us, e.one_way_us);
	cr_assert_eq(got->arg, e.arg, "seq %llu arg", (unsigned long long)seq);
	cr_assert_eq(got->arg2, e.arg2);
	cr_assert_eq(got->nick == NULL, e.nick == NULL, "seq %llu nick",
		     (unsigned long long)seq);
	if (e.nick)
		cr_assert_str_eq(got->nick, e.nick);
	cr_assert_eq(got->team == NULL, e.team == NULL);
	if (e.team)
		cr_assert_str_eq(got->team, e.team);
	cr_assert_eq(got->text == NULL, e.text == NULL);
	if (e.text)
		cr_assert_str_eq(got->text, e.text);
}

/* The writer's links equal evhash over the rows read back (by
 * store_load_match and by plain SQL), interleaved matches keep their own
 * chains, and a chain goes on across store_close and store_open. */
Test(store, chain_stored_and_continued_across_reopen)
{
	struct store_match_log m;
	struct store_event e;
	struct store *s;
	sqlite3 *db;
	uint64_t id, other;
	char nick[32], buf[80], sql[96], got[80];
	size_t i;

	s = open_store();
	id = begin_match(s);
	other = begin_match(s);
	for (i = 1; i <= 60; i++) {
		e = sample_event(id, i, nick, sizeof(nick));
		store_event(s, &e, 0);
		if (i % 6 == 0) {
			e = sample_event(other, i / 6, nick, sizeof(nick));
			store_event(s, &e, 0);
		}
	}
	sync_store(s, 1);
	cr_expect_eq(store_close(s), 0);

	s = open_store();
	for (i = 61; i <= 80; i++) {
		e = sample_event(id, i, nick, sizeof(nick));
		store_event(s, &e, 0);
	}
	sync_store(s, 2);
	cr_assert_eq(store_load_match(s, id, &m), 0);
	cr_assert_eq(m.nevents, 80);
	for (i = 0; i < m.nevents; i++)
		expect_sample(&m.events[i].e, id, i + 1);
	cr_expect_eq(expect_chain(&m), 80);
	/* seq 61 (the first after reopening) chains from seq 60 */
	cr_assert_eq(evhash_hex(m.events[59].hash, &m.events[60].e, buf), 0);
	cr_expect_str_eq(m.events[60].hash, buf);
	store_match_log_free(&m);
	cr_assert_eq(store_load_match(s, other, &m), 0);
	cr_expect_eq(m.nevents, 10);
	cr_expect_eq(expect_chain(&m), 10);
	store_match_log_free(&m);
	cr_expect_eq(store_close(s), 0);

	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM events WHERE hash IS NULL"
			       " OR length(hash) <> 64"),
		     0);
	/* the file holds the same link, and refuses what is not one */
	e = sample_event(id, 1, nick, sizeof(nick));
	cr_assert_eq(evhash_hex(NULL, &e, buf), 0);
	snprintf(sql, sizeof(sql),
		 "SELECT hash FROM events WHERE match_id = %llu AND seq = 1",
		 (unsigned long long)id);
	cr_expect_str_eq(q_text(db, sql, got, sizeof(got)), buf);
	cr_expect_neq(sqlite3_exec(db, "UPDATE events SET hash = 'ABC'", NULL,
				   NULL, NULL),
		      SQLITE_OK);
	cr_expect_neq(sqlite3_exec(db,
				   "UPDATE events SET hash = upper(hash)"
				   " WHERE seq = 2",
				   NULL, NULL, NULL),
		      SQLITE_OK);
	/* the writer's function is its own: another connection has none */
	cr_expect_neq(sqlite3_exec(db,
				   "SELECT quizd_evhash(NULL, 1, 1, 'x', 0,"
				   " 0, 0, 0, 0, 0, 0, NULL, NULL, NULL)",
				   NULL, NULL, NULL),
		      SQLITE_OK);
	sqlite3_close(db);
}

/* An operation rolled back to its savepoint (an answer whose row is a
 * duplicate, written with its event) takes its event's link with it: the
 * event written next with that seq chains from what is on disk. */
Test(store, rolled_back_event_leaves_no_link)
{
	struct store_match_log m;
	struct store_event e, lost;
	struct store_answer a;
	struct store *s;
	uint64_t id, tok;
	char nick[32];

	s = open_store();
	id = begin_match(s);
	e = sample_event(id, 1, nick, sizeof(nick));
	store_event(s, &e, 0);
	a = answer(id, 1, 0, 100);
	store_answer(s, &a, 0);
	sync_store(s, 1);
	/* seq 2 rides on a duplicate answer: both are refused */
	lost = sample_event(id, 2, nick, sizeof(nick));
	lost.text = "never";
	a.event = &lost;
	store_answer(s, &a, 2);
	wait_tokens(s, &tok, 1);
	cr_assert_eq(tok, 2 | STORE_TOKEN_LOST);
	e = sample_event(id, 2, nick, sizeof(nick));
	store_event(s, &e, 0);
	e = sample_event(id, 3, nick, sizeof(nick));
	store_event(s, &e, 0);
	sync_store(s, 3);
	cr_assert_eq(store_load_match(s, id, &m), 0);
	cr_assert_eq(m.nevents, 3);
	expect_sample(&m.events[1].e, id, 2);
	cr_expect_eq(expect_chain(&m), 3);
	store_match_log_free(&m);
	cr_expect_eq(store_close(s), 1);
}

/* Version 4 as released (the steps of migration 4 on top of v3), with a
 * buzz event of match 8 after v3's two. */
static const char v4_sql[] =
    "ALTER TABLE events ADD COLUMN arg2 INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE matches ADD COLUMN judge_hash TEXT CHECK (judge_hash IS"
    " NULL OR (length(judge_hash) = 64"
    " AND judge_hash NOT GLOB '*[^0-9a-f]*'));"
    "CREATE TABLE presses (match_id INTEGER NOT NULL REFERENCES matches(id)"
    " ON DELETE CASCADE, seq INTEGER NOT NULL CHECK (seq > 0), q INTEGER"
    " NOT NULL, player_id INTEGER NOT NULL, arm INTEGER NOT NULL, recv_us"
    " INTEGER NOT NULL, comp_us INTEGER NOT NULL, react_us INTEGER NOT"
    " NULL, gap_us INTEGER NOT NULL, outcome TEXT NOT NULL CHECK (outcome"
    " IN ('won', 'slower', 'late', 'foul', 'ignored')), PRIMARY KEY"
    " (match_id, seq)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX presses_question ON presses(match_id, q);"
    "INSERT INTO events VALUES (8, 3, 'buzz', 7, 1, 0, 0, 0, 111, NULL,"
    " NULL, NULL, 222);"
    "PRAGMA user_version = 4;";

/* A version 4 database with events migrates to 5: the old rows keep their
 * fields with no link (NULL; read back as ""), and the match's next event
 * starts a chain from genesis, the one after chains on. */
Test(store, migrates_v4_to_v5_with_data)
{
	struct store_match_log m;
	struct store_event e = {.match = 8, .kind = "answer", .player = 1};
	char want[EVHASH_HEX + 1];
	struct store *s;
	sqlite3 *db;

	make_old_db(2);
	db = open_reader();
	cr_assert_eq(sqlite3_exec(db, v3_sql, NULL, NULL, NULL), SQLITE_OK,
		     "%s", sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_exec(db, v4_sql, NULL, NULL, NULL), SQLITE_OK,
		     "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
	s = open_store();
	e.seq = 4;
	e.text = "B";
	store_event(s, &e, 0);
	e.seq = 5;
	e.text = NULL;
	e.arg = -3;
	store_event(s, &e, 0);
	sync_store(s, 1);
	cr_assert_eq(store_load_match(s, 8, &m), 0);
	cr_assert_eq(m.nevents, 5);
	cr_expect_str_eq(m.events[0].e.kind, "join");
	cr_expect_str_eq(m.events[0].e.nick, "ann");
	cr_expect_null(m.events[0].e.team);
	cr_expect_eq(m.events[1].e.arg, 20);
	cr_expect_eq(m.events[2].e.arg2, 222);
	cr_expect_str_eq(m.events[0].hash, "");
	cr_expect_str_eq(m.events[1].hash, "");
	cr_expect_str_eq(m.events[2].hash, "");
	/* seq 4's previous row has no link: genesis */
	e.seq = 4;
	e.text = "B";
	e.arg = 0;
	cr_assert_eq(evhash_hex(NULL, &e, want), 0);
	cr_expect_str_eq(m.events[3].hash, want);
	cr_assert_eq(evhash_hex(want, &m.events[4].e, want), 0);
	cr_expect_str_eq(m.events[4].hash, want);
	cr_expect_eq(expect_chain(&m), 2);
	cr_expect_str_eq(m.state, "interrupted");
	cr_expect_str_eq(m.code, "654321");
	store_match_log_free(&m);
	cr_expect_eq(store_close(s), 0);

	db = open_reader();
	cr_expect_eq(q_int(db, "PRAGMA user_version"), store_schema_version());
	cr_expect_eq(
	    q_int(db, "SELECT count(*) FROM events WHERE hash IS NULL"), 3);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM bookings"), 1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM pragma_foreign_key_check"),
		     0);
	sqlite3_close(db);
}

/* Queues n events of match from seq first on. */
static void queue_events(struct store *s, uint64_t match, uint64_t first,
			 uint32_t n)
{
	struct store_event e = {.kind = "tick"};
	uint32_t i;

	e.match = match;
	for (i = 0; i < n; i++) {
		e.seq = first + i;
		e.at_us = (int64_t)e.seq;
		store_event(s, &e, 0);
	}
}

/* A group larger than a batch commits in one transaction; nested pairs
 * count as one (nothing is queued before the outermost end). */
Test(store, group_past_batch_max_is_one_transaction)
{
	struct store_stats st, st2;
	struct store *s;
	sqlite3 *db;
	uint64_t id;

	s = open_store();
	id = begin_match(s);
	sync_store(s, 1);
	store_stats(s, &st);
	store_group_begin(s);
	queue_events(s, id, 1, 2000);
	store_group_begin(s);
	queue_events(s, id, 2001, 3000);
	store_group_end(s);
	sleep_ms(100);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM events"), 0,
		     "an inner store_group_end queued the group");
	store_group_end(s);
	sync_store(s, 2);
	store_stats(s, &st2);
	cr_expect_eq(st2.ops - st.ops, 5000);
	cr_expect_eq(st2.batches - st.batches, 1, "5000 ops in %llu batches",
		     (unsigned long long)(st2.batches - st.batches));
	cr_expect_eq(q_int(db, "SELECT count(*) FROM events"), 5000);
	sqlite3_close(db);

	/* outside a group the cap holds: 5000 ops, two batches at least */
	store_stats(s, &st);
	queue_events(s, id, 5001, 5000);
	sync_store(s, 3);
	store_stats(s, &st2);
	cr_expect_geq(st2.batches - st.batches, 2);
	/* an unpaired end is ignored */
	store_group_end(s);
	queue_events(s, id, 10001, 1);
	sync_store(s, 4);
	cr_expect_eq(store_close(s), 0);
}

#define KILL_GROUPS 20
#define KILL_GROUP  1500 /* not a divisor of the batch cap (4096) */

/* Groups survive SIGKILL whole or not at all: a child queues 20 groups of
 * 1,500 events (a batch cut at 4,096 ops without groups would end inside
 * one), is killed once the batch holding group 2 committed, and every
 * group is then entirely on disk or entirely absent, the present ones a
 * prefix, their chain intact. */
Test(store, groups_whole_after_kill9, .timeout = 120)
{
	struct store_match_log m;
	struct store *s;
	sqlite3 *db;
	pid_t pid;
	int status, g, whole = 0;
	int64_t n;
	char sql[128];

	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct store *cs = store_open(db_path, on_wake, &waker, NULL);
		sqlite3 *blocker = NULL;
		uint64_t id, tok = 0;

		if (!cs)
			_exit(3);
		id = begin_match(cs);
		/* hold the lock while the groups queue up behind it, so the
		 * writer meets a long queue and its batch cap */
		if (sqlite3_open_v2(db_path, &blocker, SQLITE_OPEN_READWRITE,
				    NULL) != SQLITE_OK ||
		    sqlite3_busy_timeout(blocker, 5000) != SQLITE_OK ||
		    sqlite3_exec(blocker, "BEGIN IMMEDIATE", NULL, NULL,
				 NULL) != SQLITE_OK)
			_exit(5);
		for (g = 0; g < KILL_GROUPS; g++) {
			store_group_begin(cs);
			queue_events(cs, id, (uint64_t)g * KILL_GROUP + 1,
				     KILL_GROUP);
			store_group_end(cs);
			if (g == 2)
				store_barrier(cs, 1);
		}
		sqlite3_exec(blocker, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(blocker);
		while (store_poll(cs, &tok, 1) == 0)
			sleep_ms(1);
		raise(SIGKILL);
		_exit(4);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "child status %d", status);

	db = open_reader();
	for (g = 0; g < KILL_GROUPS; g++) {
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM events WHERE seq BETWEEN %d"
			 " AND %d",
			 g * KILL_GROUP + 1, (g + 1) * KILL_GROUP);
		n = q_int(db, sql);
		cr_expect(n == 0 || n == KILL_GROUP,
			  "group %d: %lld of %d events on disk", g,
			  (long long)n, KILL_GROUP);
		if (n == KILL_GROUP) {
			cr_expect_eq(whole, g, "group %d after a gap", g);
			whole++;
		}
	}
	cr_expect_geq(whole, 3, "the barrier after group 2 came back");
	sqlite3_close(db);
	s = open_store();
	cr_assert_eq(store_load_match(s, 1, &m), 0);
	cr_expect_eq(m.nevents, (size_t)whole * KILL_GROUP);
	cr_expect_eq(expect_chain(&m), m.nevents);
	store_match_log_free(&m);
	store_close(s);
}

/* --- A VFS shim counting syncs of WAL files: what synchronous does. --- */

struct sync_file {
	sqlite3_file base;
	sqlite3_file *real; /* right after this struct */
	bool wal;
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;
static atomic_uint wal_syncs;

#define REAL(f) (((struct sync_file *)(f))->real)

static int sf_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}
static int sf_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int sf_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int sf_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int sf_sync(sqlite3_file *f, int flags)
{
	if (((struct sync_file *)f)->wal)
		atomic_fetch_add(&wal_syncs, 1);
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int sf_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int sf_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int sf_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int sf_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int sf_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int sf_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int sf_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int sf_shm_map(sqlite3_file *f, int pg, int size, int extend,
		      void volatile **out)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, size, extend, out);
}
static int sf_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void sf_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int sf_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int sf_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **out)
{
	return REAL(f)->pMethods->xFetch(REAL(f), o, n, out);
}
static int sf_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), o, p);
}

static const sqlite3_io_methods sf_methods = {
    3,
    sf_close,
    sf_read,
    sf_write,
    sf_truncate,
    sf_sync,
    sf_file_size,
    sf_lock,
    sf_unlock,
    sf_check_reserved,
    sf_file_control,
    sf_sector_size,
    sf_device,
    sf_shm_map,
    sf_shm_lock,
    sf_shm_barrier,
    sf_shm_unmap,
    sf_fetch,
    sf_unfetch,
};

static int sf_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f,
		   int flags, int *out_flags)
{
	struct sync_file *p = (struct sync_file *)f;
	int rc;

	(void)vfs;
	p->real = (sqlite3_file *)(p + 1);
	p->wal = (flags & SQLITE_OPEN_WAL) != 0;
	rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
	p->base.pMethods = p->real->pMethods ? &sf_methods : NULL;
	return rc;
}

/* Makes the shim the default VFS of this test's process. */
static void install_sync_counter(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	cr_assert_not_null(real_vfs);
	shim_vfs = *real_vfs;
	shim_vfs.zName = "quiz-sync-count";
	shim_vfs.szOsFile = (int)sizeof(struct sync_file) + real_vfs->szOsFile;
	shim_vfs.xOpen = sf_open;
	cr_assert_eq(sqlite3_vfs_register(&shim_vfs, 1), SQLITE_OK);
}

/* Commits rounds events one transaction each; returns the WAL syncs they
 * caused. */
static unsigned commits_syncs(struct store *s, uint64_t match, uint64_t *seq,
			      uint64_t *token, int rounds)
{
	unsigned before = atomic_load(&wal_syncs);
	int i;

	for (i = 0; i < rounds; i++) {
		queue_events(s, match, (*seq)++, 1);
		sync_store(s, (*token)++);
	}
	return atomic_load(&wal_syncs) - before;
}

/* store_set_durability reaches the writer before its next attempt: with
 * full, each commit syncs the WAL (synchronous=FULL); with normal (the
 * default, and again after full) a commit does not. */
Test(store, durability_full_syncs_every_commit)
{
	struct store *s;
	uint64_t id, seq = 1, token = 1;
	unsigned normal, full, back;

	install_sync_counter();
	s = open_store();
	id = begin_match(s);
	sync_store(s, token++);
	normal = commits_syncs(s, id, &seq, &token, 10);
	store_set_durability(s, true);
	full = commits_syncs(s, id, &seq, &token, 10);
	store_set_durability(s, false);
	back = commits_syncs(s, id, &seq, &token, 10);
	cr_expect_geq(full, 10, "full: %u WAL syncs for 10 commits", full);
	cr_expect_lt(normal, 5, "normal: %u WAL syncs for 10 commits", normal);
	cr_expect_lt(back, 5, "normal again: %u WAL syncs", back);
	cr_expect_eq(store_close(s), 0);
}

/* store_match_running takes an interrupted match back to running (ended_at
 * cleared); for a match that was never recorded it is lost. */
Test(store, match_running_again)
{
	struct store_stats st;
	struct store *s;
	sqlite3 *db;
	uint64_t id;

	s = open_store();
	id = begin_match(s);
	store_match_interrupted(s, id);
	sync_store(s, 1);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM matches WHERE state ="
			       " 'interrupted' AND ended_at IS NOT NULL"),
		     1);
	store_match_running(s, id);
	store_match_running(s, id + 100);
	sync_store(s, 2);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM matches WHERE state ="
			       " 'running' AND ended_at IS NULL"),
		     1);
	sqlite3_close(db);
	store_stats(s, &st);
	cr_expect_eq(st.failures, 1);
	cr_expect_eq(store_close(s), 1);
}

/* store_load_match reads a match whole: its row, seats in player order,
 * events in seq order with their strings and links; an unknown id is
 * QE_ROOM_NOT_FOUND and leaves out empty. */
Test(store, load_match_reads_everything)
{
	static const char def[] = "[match]\nformat = classic\n";
	struct store_match_log m;
	struct store_event e;
	char h0[65], h2[65], hj[65], nick[32];
	struct store *s;
	uint64_t id, bare;
	size_t i;

	s = open_store();
	id = begin_match(s);
	bare = begin_match(s);
	store_match_definition(s, id, def);
	token_hash_hex("host", h0);
	token_hash_hex("two", h2);
	token_hash_hex("judge", hj);
	store_seat(s, id, 2, h2);
	store_seat(s, id, 0, h0);
	store_match_judge(s, id, hj);
	store_question_closed(s, id, 1, 0);
	for (i = 1; i <= 12; i++) {
		e = sample_event(id, i, nick, sizeof(nick));
		store_event(s, &e, 0);
	}
	sync_store(s, 1);

	cr_assert_eq(store_load_match(s, id, &m), 0);
	cr_expect_eq(m.match, id);
	cr_expect_str_eq(m.code, "482913");
	cr_expect_str_eq(m.state, "running");
	cr_expect_str_eq(m.definition, def);
	cr_expect_str_eq(m.judge_hash, hj);
	cr_expect_eq(m.last_closed_q, 1);
	cr_assert_eq(m.nseats, 2);
	cr_expect_eq(m.seats[0].player, 0);
	cr_expect_str_eq(m.seats[0].hash, h0);
	cr_expect_eq(m.seats[1].player, 2);
	cr_expect_str_eq(m.seats[1].hash, h2);
	cr_assert_eq(m.nevents, 12);
	for (i = 0; i < 12; i++)
		expect_sample(&m.events[i].e, id, i + 1);
	/* the strings are copies: NULL, "" and text as stored */
	cr_expect_null(m.events[3].e.nick);	  /* seq 4 */
	cr_expect_str_eq(m.events[0].e.nick, ""); /* seq 1 */
	cr_expect_str_eq(m.events[4].e.team, ""); /* seq 5 */
	cr_expect_null(m.events[1].e.team);	  /* seq 2 */
	cr_expect_eq(m.events[0].e.arg, -1);
	cr_expect_eq(m.events[1].e.arg, INT64_MIN + 2);
	cr_expect_eq(m.events[2].e.arg2, -7);
	cr_expect_eq(expect_chain(&m), 12);
	store_match_log_free(&m);
	cr_expect_null(m.events);
	cr_expect_eq(m.nevents, 0);
	store_match_log_free(&m); /* twice is harmless */

	/* a match with nothing but its row */
	cr_assert_eq(store_load_match(s, bare, &m), 0);
	cr_expect_null(m.definition);
	cr_expect_str_eq(m.judge_hash, "");
	cr_expect_eq(m.last_closed_q, -1);
	cr_expect_eq(m.nseats, 0);
	cr_expect_eq(m.nevents, 0);
	store_match_log_free(&m);

	memset(&m, 0x5a, sizeof(m));
	cr_expect_eq(store_load_match(s, 999, &m), -QE_ROOM_NOT_FOUND);
	cr_expect_eq(m.nevents, 0);
	cr_expect_null(m.events);
	cr_expect_null(m.definition);
	cr_expect_eq(store_load_match(s, 0, &m), -QE_ROOM_NOT_FOUND);
	store_match_log_free(&m);
	cr_expect_eq(store_close(s), 0);
}

/* store_unfinished lists the matches left running or interrupted, in
 * ascending order, and nothing else. */
Test(store, unfinished_lists_running_and_interrupted)
{
	struct store *s;
	uint64_t ids[6], *got = NULL;
	int i, n;

	s = open_store();
	cr_expect_eq(store_unfinished(s, &got), 0);
	cr_expect_null(got);
	for (i = 0; i < 6; i++)
		ids[i] = begin_match(s);
	store_match_end(s, ids[0], true);
	store_match_interrupted(s, ids[1]);
	store_match_end(s, ids[3], false);
	store_match_interrupted(s, ids[5]);
	sync_store(s, 1);
	n = store_unfinished(s, &got);
	cr_assert_eq(n, 4);
	cr_expect_eq(got[0], ids[1]);
	cr_expect_eq(got[1], ids[2]);
	cr_expect_eq(got[2], ids[4]);
	cr_expect_eq(got[3], ids[5]);
	free(got);
	store_match_interrupted(s, ids[2]);
	store_match_running(s, ids[5]);
	store_match_end(s, ids[4], true);
	sync_store(s, 2);
	n = store_unfinished(s, &got);
	cr_assert_eq(n, 3);
	cr_expect_eq(got[0], ids[1]);
	cr_expect_eq(got[1], ids[2]);
	cr_expect_eq(got[2], ids[5]);
	free(got);
	cr_expect_eq(store_close(s), 0);
}

/* Tests of the store's practice part (schema v6, server/store_practice.c):
 * persons, sittings and answers written through the writer thread and read
 * back with store_load_practice; the refusals (a duplicate person, bad
 * input, the queue bound), a full disk, the migration from v5, and odd
 * rows a database may hold. What is on disk is checked through a separate
 * sqlite3 connection. */
#include <criterion/criterion.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errors.h"
#include "item.h"
#include "practice.h"
#include "store.h"
#include "store_fixture.h"

#define T0 INT64_C(1764547200000000) /* 2025-12-01 00:00 UTC, µs */

TestSuite(pstore, .init = db_setup, .fini = db_teardown, .timeout = 60);

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK,
		     "%s: %s", sql, msg ? msg : "?");
}

/* A bank of n single-choice items "p01".. (for real state lines). */
static struct bank *small_bank(unsigned n)
{
	static const char *const abcd[] = {"甲", "乙", "丙", "丁"};
	struct bank *b = bank_new();
	struct item it;
	char id[16];
	unsigned i, j;

	cr_assert_not_null(b);
	for (i = 0; i < n; i++) {
		memset(&it, 0, sizeof(it));
		snprintf(id, sizeof(id), "p%02u", i + 1);
		it.id = strdup(id);
		it.kind = ITEM_SINGLE;
		it.stem = strdup("单选题？");
		for (j = 0; j < 4; j++)
			it.options[j] = strdup(abcd[j]);
		it.n_options = 4;
		it.correct_mask = 1u;
		it.category = strdup(i % 2 ? "党史" : "党章");
		it.difficulty = 2;
		it.sources[0] = 1;
		it.n_sources = 1;
		cr_assert_eq(bank_add(b, &it), 0);
	}
	return b;
}

/* A 64-digit hash: the digit d repeated, with a tag at the end. */
static const char *hash_of(char *buf, char d, unsigned tag)
{
	memset(buf, d, 64);
	snprintf(buf + 60, 5, "%04x", tag);
	return buf;
}

/* Writes person id (nickname, team) with the hash made of digit d; the
 * token asks for a completion. */
static void add_person(struct store *s, uint64_t id, const char *nick,
		       const char *team, char d, uint64_t notify)
{
	char h[65];
	struct store_person p = {
	    .id = id,
	    .nickname = nick,
	    .team = team,
	    .token_hash = hash_of(h, d, (unsigned)id),
	    .created_unix_us = T0 + (int64_t)id,
	};

	store_person(s, &p, notify);
}

static void add_sitting(struct store *s, uint64_t id, uint64_t person)
{
	struct store_sitting t = {
	    .id = id,
	    .person = person,
	    .started_unix_us = T0 + 1000,
	    .seed = 0xfedcba9876543210ull,
	    .mode = 1,
	    .category = "党章",
	    .kinds = 1u << ITEM_SINGLE,
	    .time_limit_ms = 20000,
	};

	store_sitting(s, &t);
}

/* One person answering through core/practice.c, so the state lines are
 * what the server writes. */
struct drill {
	struct practice_set *set;
	char item[PRACTICE_TEXT_MAX + 1];
	char person[PRACTICE_TEXT_MAX + 1];
};

/* Records an answer to item index at t and fills a (states in d). */
static struct store_practice_answer drill_answer(struct drill *d,
						 uint64_t person,
						 uint64_t sitting, size_t index,
						 int64_t t, bool correct)
{
	struct store_practice_answer a;

	cr_assert_eq(practice_record(d->set, NULL, index, t, correct, 1500), 0);
	cr_assert_gt(practice_item_format(&d->set->items[index], d->item,
					  sizeof(d->item)),
		     0);
	cr_assert_gt(practice_person_format(&d->set->person, d->person,
					    sizeof(d->person)),
		     0);
	memset(&a, 0, sizeof(a));
	a.person = person;
	a.sitting = sitting;
	a.item_id = d->set->bank->items[index].id;
	a.at_unix_us = t;
	a.choice_mask = correct ? 1u : 4u;
	a.text = NULL;
	a.correct = correct;
	a.timed_out = false;
	a.rt_us = 1500;
	a.item_state = d->item;
	a.person_state = d->person;
	return a;
}

/* Person, sitting and answers written, then read back whole, also after a
 * reopen; the answers table holds each answer as given. */
Test(pstore, round_trip)
{
	struct bank *b = small_bank(3);
	struct drill d1 = {0}, d2 = {0};
	struct store_practice_answer a;
	struct store_practice p;
	char want_p1[PRACTICE_TEXT_MAX + 1], want_i[3][PRACTICE_TEXT_MAX + 1];
	uint64_t tok[2];
	struct store *s;
	char buf[128];
	sqlite3 *db;
	int round;

	d1.set = practice_set_new(b, 28800);
	d2.set = practice_set_new(b, 28800);
	s = open_store();
	store_load_practice(s, &p);
	cr_expect_eq(p.npersons, 0);
	cr_expect_eq(p.max_person, 0);
	cr_expect_eq(p.max_sitting, 0);
	store_practice_free(&p);

	add_person(s, 1, "小红", "一支部", 'a', 11);
	add_person(s, 2, "老王", "", 'b', 12);
	add_sitting(s, 7, 1);
	add_sitting(s, 9, 2);
	a = drill_answer(&d1, 1, 7, 0, T0 + 1000000, false);
	cr_assert_eq(store_practice_answer(s, &a, 0), 0);
	a = drill_answer(&d1, 1, 7, 1, T0 + 2000000, true);
	a.text = "填空 \"三\"";
	a.timed_out = false;
	cr_assert_eq(store_practice_answer(s, &a, 0), 0);
	a = drill_answer(&d1, 1, 7, 0, T0 + 90000000, true);
	cr_assert_eq(store_practice_answer(s, &a, 0), 0);
	snprintf(want_p1, sizeof(want_p1), "%s", d1.person);
	practice_item_format(&d1.set->items[0], want_i[0], sizeof(want_i[0]));
	practice_item_format(&d1.set->items[1], want_i[1], sizeof(want_i[1]));
	a = drill_answer(&d2, 2, 9, 2, T0 + 5000000, false);
	a.timed_out = true;
	a.choice_mask = 0;
	cr_assert_eq(store_practice_answer(s, &a, 21), 0);
	practice_item_format(&d2.set->items[2], want_i[2], sizeof(want_i[2]));
	wait_tokens(s, tok, 2);
	cr_expect_eq(tok[0], 11);
	cr_expect_eq(tok[1], 12);
	wait_tokens(s, tok, 1);
	cr_expect_eq(tok[0], 21);

	for (round = 0; round < 2; round++) {
		cr_assert_eq(store_load_practice(s, &p), 0);
		cr_assert_eq(p.npersons, 2);
		cr_expect_eq(p.max_person, 2);
		cr_expect_eq(p.max_sitting, 9);
		cr_expect_eq(p.persons[0].id, 1);
		cr_expect_str_eq(p.persons[0].nickname, "小红");
		cr_expect_str_eq(p.persons[0].team, "一支部");
		cr_expect_str_eq(p.persons[0].token_hash, hash_of(buf, 'a', 1));
		cr_expect_eq(p.persons[0].created_unix_us, T0 + 1);
		cr_expect_str_eq(p.persons[0].state, want_p1);
		cr_assert_eq(p.persons[0].nitems, 2);
		cr_expect_str_eq(p.persons[0].items[0].item_id, "p01");
		cr_expect_str_eq(p.persons[0].items[0].state, want_i[0]);
		cr_expect_str_eq(p.persons[0].items[1].item_id, "p02");
		cr_expect_str_eq(p.persons[0].items[1].state, want_i[1]);
		cr_expect_eq(p.persons[1].id, 2);
		cr_expect_str_eq(p.persons[1].nickname, "老王");
		cr_expect_str_eq(p.persons[1].team, "");
		cr_expect_str_eq(p.persons[1].state, d2.person);
		cr_assert_eq(p.persons[1].nitems, 1);
		cr_expect_str_eq(p.persons[1].items[0].item_id, "p03");
		cr_expect_str_eq(p.persons[1].items[0].state, want_i[2]);
		store_practice_free(&p);
		cr_expect_eq(p.npersons, 0);
		cr_expect_eq(store_close(s), 0);
		s = open_store();
	}
	cr_expect_eq(store_close(s), 0);

	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM practice_answers"), 4);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM practice_answers"
			       " WHERE person = 1 AND sitting = 7"),
		     3);
	cr_expect_eq(q_int(db, "SELECT sum(correct) FROM practice_answers"), 2);
	cr_expect_eq(q_int(db, "SELECT timed_out + 10 * choice_mask FROM"
			       " practice_answers WHERE person = 2"),
		     1);
	cr_expect_eq(q_int(db, "SELECT choice_mask FROM practice_answers"
			       " WHERE person = 1 ORDER BY at LIMIT 1"),
		     4);
	cr_expect_eq(q_int(db, "SELECT at FROM practice_answers WHERE"
			       " item_id = 'p02'"),
		     T0 + 2000000);
	cr_expect_eq(q_int(db, "SELECT rt_us FROM practice_answers WHERE"
			       " item_id = 'p02'"),
		     1500);
	cr_expect_str_eq(q_text(db,
				"SELECT text FROM practice_answers"
				" WHERE item_id = 'p02'",
				buf, sizeof(buf)),
			 "填空 \"三\"");
	cr_expect_str_eq(q_text(db,
				"SELECT text FROM practice_answers"
				" WHERE item_id = 'p03'",
				buf, sizeof(buf)),
			 "(null)");
	cr_expect_eq(q_int(db, "SELECT seed FROM practice_sittings"
			       " WHERE id = 7"),
		     (int64_t)0xfedcba9876543210ull);
	cr_expect_eq(q_int(db, "SELECT mode * 100000 + time_limit_ms FROM"
			       " practice_sittings WHERE id = 9"),
		     120000);
	cr_expect_str_eq(q_text(db,
				"SELECT category || '/' || kinds FROM"
				" practice_sittings WHERE id = 9",
				buf, sizeof(buf)),
			 "党章/1");
	cr_expect_eq(q_int(db, "SELECT count(*) FROM pragma_foreign_key_check"),
		     0);
	sqlite3_close(db);
	practice_set_free(d1.set);
	practice_set_free(d2.set);
	bank_free(b);
}

/* A new person's state is the zero line, the one core/practice.h parses. */
Test(pstore, new_person_state_is_zero)
{
	struct store *s = open_store();
	struct store_practice p;
	struct practice_person pp;

	add_person(s, 5, "ann", NULL, 'c', 0);
	sync_store(s, 1);
	cr_assert_eq(store_load_practice(s, &p), 0);
	cr_assert_eq(p.npersons, 1);
	cr_expect_str_eq(p.persons[0].state, "P1 0 0 0 0 0 0 0 0 0");
	cr_expect_str_eq(p.persons[0].team, "");
	cr_expect_eq(practice_person_parse(p.persons[0].state, &pp), 0);
	cr_expect_eq(p.max_person, 5);
	store_practice_free(&p);
	cr_expect_eq(store_close(s), 0);
}

/* In one batch (the writer is held until all are queued): a second
 * (nickname, team) and a second token hash are refused by the table and
 * their tokens flagged lost, the same nickname in another team is a
 * person; an answer of an unknown person or sitting is lost whole (no
 * answer row, no item row); the rest of the batch commits. */
Test(pstore, duplicate_person_isolated)
{
	struct bank *b = small_bank(2);
	struct drill d = {0};
	struct store_practice_answer a;
	struct store_stats st;
	struct store *s = open_store();
	uint64_t tok[8];
	sqlite3 *blocker, *db;
	char h[65];
	struct store_person dup_hash = {
	    .id = 3,
	    .nickname = "other",
	    .team = "",
	    .token_hash = hash_of(h, 'a', 1), /* person 1's */
	};

	d.set = practice_set_new(b, 0);
	store_set_busy_ms(s, 20);
	sync_store(s, 1);
	blocker = open_reader();
	exec_ok(blocker, "BEGIN IMMEDIATE");
	store_group_begin(s); /* one transaction for all of them */
	add_person(s, 1, "ann", "t1", 'a', 101);
	add_person(s, 2, "ann", "t1", 'b', 102); /* same name and team */
	store_person(s, &dup_hash, 103);	 /* same hash */
	add_person(s, 4, "ann", "t2", 'd', 104); /* another team: fine */
	add_sitting(s, 1, 1);
	a = drill_answer(&d, 1, 1, 0, T0, true);
	cr_assert_eq(store_practice_answer(s, &a, 105), 0);
	a.person = 2; /* never written */
	cr_assert_eq(store_practice_answer(s, &a, 106), 0);
	a.person = 1;
	a.sitting = 77; /* no such sitting */
	a.item_id = "p02";
	cr_assert_eq(store_practice_answer(s, &a, 107), 0);
	add_person(s, 5, "bob", "t1", 'e', 108);
	store_group_end(s);
	exec_ok(blocker, "COMMIT");
	sqlite3_close(blocker);
	wait_tokens(s, tok, 8);
	cr_expect_eq(tok[0], 101);
	cr_expect_eq(tok[1], 102 | STORE_TOKEN_LOST);
	cr_expect_eq(tok[2], 103 | STORE_TOKEN_LOST);
	cr_expect_eq(tok[3], 104);
	cr_expect_eq(tok[4], 105);
	cr_expect_eq(tok[5], 106 | STORE_TOKEN_LOST);
	cr_expect_eq(tok[6], 107 | STORE_TOKEN_LOST);
	cr_expect_eq(tok[7], 108);
	store_stats(s, &st);
	cr_expect_eq(st.failures, 4);
	cr_expect_eq(store_close(s), 0 + 4);

	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM persons"), 3);
	cr_expect_eq(q_int(db, "SELECT sum(id) FROM persons"), 1 + 4 + 5);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM practice_answers"), 1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM practice_items"), 1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM practice_items"
			       " WHERE item_id = 'p02'"),
		     0);
	sqlite3_close(db);
	practice_set_free(d.set);
	bank_free(b);
}

/* Input no row could take is refused before it is queued, its token still
 * delivered in order and flagged. */
Test(pstore, bad_input_refused)
{
	struct bank *b = small_bank(1);
	struct drill d = {0};
	struct store_practice_answer a, good;
	struct store *s = open_store();
	struct store_person p = {.id = 1, .nickname = "ann", .team = ""};
	struct store_sitting t = {.id = 1, .person = 1, .mode = 2};
	char h[65], upper[65], longname[5000];
	uint64_t tok[10];
	sqlite3 *db;
	size_t i;

	d.set = practice_set_new(b, 0);
	p.token_hash = "abc"; /* too short */
	store_person(s, &p, 1);
	hash_of(upper, 'A', 1); /* not lowercase hex */
	p.token_hash = upper;
	store_person(s, &p, 2);
	p.token_hash = hash_of(h, 'f', 1);
	p.nickname = "";
	store_person(s, &p, 3);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	p.nickname = longname;
	store_person(s, &p, 4);
	p.nickname = "ann";
	p.id = 0;
	store_person(s, &p, 5);
	p.id = 1;
	store_person(s, &p, 6); /* the good one */
	store_sitting(s, &t);	/* mode 2: refused, no token */
	t.mode = 0;
	store_sitting(s, &t);
	good = drill_answer(&d, 1, 1, 0, T0, true);
	a = good;
	a.item_state = "S1 9 0 0 0 0 0 0 0"; /* box 9 */
	cr_expect_eq(store_practice_answer(s, &a, 7), 0);
	a = good;
	a.person_state = "P1 1";
	cr_expect_eq(store_practice_answer(s, &a, 8), 0);
	a = good;
	a.item_id = "";
	cr_expect_eq(store_practice_answer(s, &a, 9), 0);
	cr_expect_eq(store_practice_answer(s, NULL, 10), 0);
	wait_tokens(s, tok, 10);
	for (i = 0; i < 10; i++)
		cr_expect_eq(tok[i], (i + 1) | (i == 5 ? 0 : STORE_TOKEN_LOST),
			     "token %zu", i + 1);
	cr_expect_eq(store_practice_answer(s, &good, 11), 0);
	wait_tokens(s, tok, 1);
	cr_expect_eq(tok[0], 11);
	cr_expect_eq(store_close(s), 10);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM persons"), 1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM practice_sittings"), 1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM practice_answers"), 1);
	sqlite3_close(db);
	practice_set_free(d.set);
	bank_free(b);
}

/* A long FILL text so each answer needs pages of its own. */
static char long_text[3000];

/* The disk "fills" (max_page_count caps the file at its size): no token is
 * published, the writer retries; once space returns every answer commits
 * in order and the states are the last ones written. */
Test(pstore, full_disk_retries_until_space_returns)
{
	struct bank *b = small_bank(2);
	struct drill d = {0};
	struct store_practice_answer a;
	struct store_practice p;
	struct store *s = open_store();
	uint64_t toks[30];
	uint32_t i;
	sqlite3 *db;

	d.set = practice_set_new(b, 0);
	memset(long_text, 'y', sizeof(long_text) - 1);
	add_person(s, 1, "ann", "", 'a', 0);
	add_sitting(s, 1, 1);
	a = drill_answer(&d, 1, 1, 0, T0, false);
	a.text = long_text;
	cr_assert_eq(store_practice_answer(s, &a, 0), 0);
	sync_store(s, 1);
	store_set_max_pages(s, 1); /* no growth past the current size */
	for (i = 0; i < 30; i++) {
		a = drill_answer(&d, 1, 1, i % 2,
				 T0 + (i + 1) * PRACTICE_DAY_US, true);
		a.text = long_text;
		cr_assert_eq(store_practice_answer(s, &a, 100 + i), 0);
	}
	expect_stalled(s, "SELECT count(*) FROM practice_answers", 1);

	store_set_max_pages(s, 0); /* space returns */
	wait_tokens(s, toks, 30);
	for (i = 0; i < 30; i++)
		cr_expect_eq(toks[i], 100 + i);
	cr_assert_eq(store_load_practice(s, &p), 0);
	cr_assert_eq(p.npersons, 1);
	cr_expect_str_eq(p.persons[0].state, d.person);
	cr_assert_eq(p.persons[0].nitems, 2);
	cr_expect_str_eq(p.persons[0].items[1].state, d.item);
	store_practice_free(&p);
	cr_expect_eq(store_close(s), 0);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM practice_answers"), 31);
	cr_expect_eq(q_int(db, "SELECT sum(correct) FROM practice_answers"),
		     30);
	sqlite3_close(db);
	practice_set_free(d.set);
	bank_free(b);
}

/* Past the queue bound store_practice_answer refuses with
 * STORAGE_UNAVAILABLE and no token; what was queued is still written. */
Test(pstore, queue_bound_refuses_practice_answers)
{
	struct bank *b = small_bank(1);
	struct drill d = {0};
	struct store_practice_answer a;
	struct store_stats st;
	struct store *s = open_store();
	uint32_t i, ok = 0, refused = 0;
	uint64_t tok = 0;
	sqlite3 *blocker, *db;

	d.set = practice_set_new(b, 0);
	store_set_busy_ms(s, 20);
	add_person(s, 1, "ann", "", 'a', 0);
	add_sitting(s, 1, 1);
	sync_store(s, 1);
	store_set_queue_max(s, 4096);
	blocker = open_reader();
	exec_ok(blocker, "BEGIN IMMEDIATE");
	for (i = 1; i <= 200; i++) {
		a = drill_answer(&d, 1, 1, 0, T0 + i * PRACTICE_DAY_US, true);
		if (store_practice_answer(s, &a, 0) == 0)
			ok++;
		else
			refused++;
	}
	cr_expect_gt(ok, 0);
	cr_expect_gt(refused, 0);
	cr_expect_eq(store_practice_answer(s, &a, 5), -QE_STORAGE_UNAVAILABLE);
	cr_expect(!store_accepting(s));
	exec_ok(blocker, "COMMIT");
	sqlite3_close(blocker);
	store_barrier(s, 6);
	wait_tokens(s, &tok, 1);
	cr_expect_eq(tok, 6, "the refused answer's token was published");
	store_stats(s, &st);
	cr_expect_eq(st.refused, refused + 1);
	cr_expect(store_accepting(s));
	cr_expect_eq(store_close(s), 0);
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM practice_answers"), ok);
	sqlite3_close(db);
	practice_set_free(d.set);
	bank_free(b);
}

/* A version 5 database (made by the store, then the v6 and v7 tables
 * taken away) with a match in it migrates to the current version: the
 * match is kept, the practice tables work, repl_state is there. */
Test(pstore, migrates_v5_to_v6_with_data)
{
	static const char *const ids[] = {"q1"};
	struct store_match m = {.code = "123456",
				.title = "v5",
				.question_count = 1,
				.time_limit_us = 1000,
				.points = 10,
				.question_ids = ids};
	struct store_practice p;
	struct store_answer ans = {
	    .player = 1, .q = 0, .correct = true, .points = 10};
	struct store *s = open_store();
	char buf[64];
	uint64_t match;
	sqlite3 *db;

	cr_expect_eq(store_schema_version(), 7);
	match = store_match_begin(s, &m);
	ans.match = match;
	store_player(s, match, 1, "ann", "t1");
	cr_assert_eq(store_answer(s, &ans, 0), 0);
	sync_store(s, 1);
	cr_expect_eq(store_close(s), 0);
	db = open_reader();
	exec_ok(db,
		"DROP TABLE repl_state;"
		" DROP TABLE practice_answers; DROP TABLE practice_sittings;"
		" DROP TABLE practice_items; DROP TABLE persons;"
		" PRAGMA user_version = 5;");
	cr_expect_eq(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE"
			       " name LIKE 'practice%' OR name = 'persons'"),
		     0);
	sqlite3_close(db);

	s = open_store();
	cr_assert_eq(store_load_practice(s, &p), 0);
	cr_expect_eq(p.npersons, 0);
	store_practice_free(&p);
	add_person(s, 1, "ann", "t1", 'a', 0);
	sync_store(s, 2);
	cr_assert_eq(store_load_practice(s, &p), 0);
	cr_expect_eq(p.npersons, 1);
	store_practice_free(&p);
	cr_expect_eq(store_close(s), 0);
	db = open_reader();
	cr_expect_eq(q_int(db, "PRAGMA user_version"), 7);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM repl_state"), 0);
	cr_expect_str_eq(
	    q_text(db, "SELECT code FROM matches", buf, sizeof(buf)), "123456");
	cr_expect_eq(q_int(db, "SELECT points FROM answers"), 10);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM players"), 1);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE"
			       " type = 'index' AND name LIKE"
			       " 'practice_answers_%'"),
		     3);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM pragma_foreign_key_check"),
		     0);
	sqlite3_close(db);
}

/* The table itself refuses a token hash of another length, whoever
 * writes. */
Test(pstore, schema_checks_hash_length)
{
	struct store *s = open_store();
	sqlite3 *db;

	cr_expect_eq(store_close(s), 0);
	db = open_reader();
	cr_expect_neq(sqlite3_exec(db,
				   "INSERT INTO persons (id, nickname,"
				   " token_hash, state, created_at) VALUES"
				   " (1, 'a', 'abc', 'P1', 0)",
				   NULL, NULL, NULL),
		      SQLITE_OK);
	cr_expect_eq(q_int(db, "SELECT count(*) FROM persons"), 0);
	sqlite3_close(db);
}

/* Rows no writer of ours makes (a bad state text, an item not in the
 * bank, a hash that is not hex, an empty state, items of no person
 * written with the foreign keys off) come back as they are, for the server to
 * skip through practice_set_load / practice_person_parse; nothing
 * crashes. */
Test(pstore, odd_rows_returned_as_they_are)
{
	struct bank *b = small_bank(2);
	struct practice_set *set = practice_set_new(b, 0);
	struct store *s = open_store();
	struct practice_person pp;
	struct store_practice p;
	char zz[65], sql[512];
	sqlite3 *db;

	cr_expect_eq(store_close(s), 0);
	memset(zz, 'Z', 64);
	zz[64] = '\0';
	db = open_reader(); /* foreign keys off: orphans can be made */
	snprintf(
	    sql, sizeof(sql),
	    "INSERT INTO persons VALUES (9, 'x', '', '%s', 'garbage', -5);"
	    "INSERT INTO persons VALUES (3, ' ', 'T', '%.60s0003', '', 0);",
	    zz, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab");
	exec_ok(db, sql);
	exec_ok(db, "INSERT INTO practice_items VALUES (9, 'gone', 'S1 0 0 0 0"
		    " 0 0 0 0');"
		    "INSERT INTO practice_items VALUES (9, 'p01', 'S9 what');"
		    "INSERT INTO practice_items VALUES (9, 'p02', '');"
		    "INSERT INTO practice_items VALUES (4, 'p01', 'S1 0 0 0 0 0"
		    " 0 0 0');"
		    "INSERT INTO practice_sittings VALUES (40, 9, 0, -1, 0, '',"
		    " 0, 0);");
	sqlite3_close(db);

	s = open_store();
	cr_assert_eq(store_load_practice(s, &p), 0);
	cr_assert_eq(p.npersons, 2);
	cr_expect_eq(p.max_person, 9);
	cr_expect_eq(p.max_sitting, 40);
	cr_expect_eq(p.persons[0].id, 3);
	cr_expect_str_eq(p.persons[0].nickname, " ");
	cr_expect_str_eq(p.persons[0].state, "");
	cr_expect_eq(p.persons[0].nitems, 0);
	cr_expect_eq(p.persons[1].id, 9);
	cr_expect_str_eq(p.persons[1].token_hash, zz);
	cr_expect_str_eq(p.persons[1].state, "garbage");
	cr_expect_eq(p.persons[1].created_unix_us, -5);
	cr_expect_eq(practice_person_parse(p.persons[1].state, &pp), -EINVAL);
	cr_assert_eq(p.persons[1].nitems, 3);
	cr_expect_str_eq(p.persons[1].items[0].item_id, "gone");
	cr_expect_eq(practice_set_load(set, p.persons[1].items[0].item_id,
				       p.persons[1].items[0].state),
		     -ENOENT);
	cr_expect_str_eq(p.persons[1].items[1].state, "S9 what");
	cr_expect_eq(practice_set_load(set, p.persons[1].items[1].item_id,
				       p.persons[1].items[1].state),
		     -EINVAL);
	cr_expect_str_eq(p.persons[1].items[2].state, "");
	store_practice_free(&p);
	/* the writer's id allocation goes on above them */
	add_person(s, 10, "y", "", 'e', 0);
	sync_store(s, 1);
	cr_assert_eq(store_load_practice(s, &p), 0);
	cr_expect_eq(p.npersons, 3);
	cr_expect_eq(p.max_person, 10);
	store_practice_free(&p);
	cr_expect_eq(store_close(s), 0);
	practice_set_free(set);
	bank_free(b);
}

/* store_load_practice with NULL arguments: an error, never a crash. */
Test(pstore, load_null_arguments)
{
	struct store_practice p;

	cr_expect_eq(store_load_practice(NULL, &p), -EINVAL);
	cr_expect_eq(p.npersons, 0);
	cr_expect_eq(store_load_practice(NULL, NULL), -EINVAL);
	store_practice_free(NULL);
}

/* Tests of the store's replication (server/store_repl.c, docs/CLUSTER.md
 * "Takeover"): the batches one database publishes, applied in order to
 * another, give the same rows; tokens wait for the publisher; a batch
 * that does not decode queues nothing; a claim carries no rows. The
 * publisher here is a fake that keeps what it is given (the NATS side is
 * tested by integration_cluster_takeover). */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_fixture.h"

#define KEY	 "QUIZD_REPL_t"
#define MAX_PUBS 4096

/* What the fake publisher was given, in order. */
static struct pub {
	uint64_t seq;	/* its last message's sequence */
	uint64_t first; /* its first's */
	uint32_t nchunks;
	uint8_t *data;
	size_t len;
} pubs[MAX_PUBS];
static size_t npubs;
static atomic_int refuse; /* > 0: answer "not now" that many times */
static atomic_int refused;
static pthread_mutex_t pubs_lock = PTHREAD_MUTEX_INITIALIZER;

static int fake_publish(void *arg, uint64_t first, uint32_t nchunks,
			const void *data, size_t len)
{
	(void)arg;
	if (atomic_load(&refuse) > 0) {
		atomic_fetch_sub(&refuse, 1);
		atomic_fetch_add(&refused, 1);
		return 1;
	}
	pthread_mutex_lock(&pubs_lock);
	cr_assert_lt(npubs, MAX_PUBS);
	pubs[npubs].seq = first + nchunks - 1;
	pubs[npubs].first = first;
	pubs[npubs].nchunks = nchunks;
	pubs[npubs].data = malloc(len);
	memcpy(pubs[npubs].data, data, len);
	pubs[npubs].len = len;
	npubs++;
	pthread_mutex_unlock(&pubs_lock);
	return 0;
}

static char replica_path[64];

static void setup(void)
{
	int fd;

	db_setup();
	npubs = 0;
	atomic_store(&refuse, 0);
	atomic_store(&refused, 0);
	strcpy(replica_path, "/tmp/quiz_replica_test_XXXXXX");
	fd = mkstemp(replica_path);
	cr_assert(fd >= 0);
	close(fd);
}

static void teardown(void)
{
	char p[96];
	size_t i;

	for (i = 0; i < npubs; i++)
		free(pubs[i].data);
	npubs = 0;
	db_teardown();
	unlink(replica_path);
	snprintf(p, sizeof(p), "%s-wal", replica_path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", replica_path);
	unlink(p);
}

static struct store *open_replica(void)
{
	char *err = NULL;
	struct store *s = store_open(replica_path, on_wake, &waker, &err);

	cr_assert_not_null(s, "store_open: %s", err ? err : "?");
	return s;
}

/* Records a match of two questions; its id. */
static uint64_t new_match(struct store *s)
{
	static const char *const ids[] = {"q001", "q002"};
	static const uint8_t perms[2][ITEM_MAX_OPTIONS] = {{2, 0, 3, 1},
							   {1, 0, 2, 3}};
	struct store_match m = {.code = "482913",
				.title = "支部知识赛 \"决赛\"",
				.question_count = 2,
				.time_limit_us = 20000000,
				.points = 1000,
				.seed = 0xfedcba9876543210ull,
				.question_ids = ids,
				.perms = perms};
	uint64_t id = store_match_begin(s, &m);

	cr_assert_neq(id, 0);
	return id;
}

/* A match of every kind of write: its row and draw, players, seats,
 * answers with their events (a NULL text and a text), a close's bookings
 * and results as typed rows, a team result, the end. */
static void play(struct store *s)
{
	struct store_booking bk[3];
	struct store_result *res;
	struct store_team_result tr = {.team = "一支部", .rank = 1};
	struct store_answer a;
	struct store_event e;
	char hash[65];
	uint64_t id;
	uint32_t p;

	id = new_match(s);
	memset(hash, 'a', 64);
	hash[64] = '\0';
	for (p = 1; p <= 3; p++) {
		store_player(s, id, p, p == 2 ? "选手'二'" : "bench", "一支部");
		hash[0] = (char)('0' + p);
		store_seat(s, id, p, hash);
	}
	for (p = 1; p <= 3; p++) {
		memset(&e, 0, sizeof(e));
		e.match = id;
		e.seq = p;
		e.kind = "answer";
		e.at_us = 1000000 + p;
		e.player = p;
		e.text = p == 3 ? "三" : NULL;
		memset(&a, 0, sizeof(a));
		a.match = id;
		a.player = p;
		a.choice_mask = 1u << p;
		a.text = p == 3 ? "三" : NULL;
		a.recv_us = 5000000 + p;
		a.one_way_us = 1500;
		a.rt_us = -3 + (int64_t)p; /* signed values go through */
		a.correct = p != 2;
		a.event = &e;
		cr_assert_eq(store_answer(s, &a, 100 + p), 0);
		bk[p - 1] = (struct store_booking){.match = id,
						   .q = 0,
						   .player = p,
						   .delta = p == 2 ? -5 : 700,
						   .answered = true,
						   .correct = p != 2,
						   .stake = 5};
	}
	store_bookings(s, bk, 3);
	res = store_results_new(3);
	for (p = 0; p < 3; p++)
		res[p] = (struct store_result){.match = id,
					       .player = p + 1,
					       .rank = p + 1,
					       .score = 700 - (int64_t)p,
					       .correct = 1,
					       .total_time_us = 12345};
	store_results_push(s, res, 3);
	tr.match = id;
	tr.members = 3;
	tr.score = 1395;
	tr.points = 1395;
	store_team_result(s, &tr);
	store_match_end(s, id, true);
}

/* Every row of table in main and in the attached r alike (both ways). */
static void expect_same(sqlite3 *db, const char *table)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM (SELECT * FROM main.%s EXCEPT SELECT * "
		 "FROM r.%s)",
		 table, table);
	cr_expect_eq(q_int(db, sql), 0, "%s: rows missing from the replica",
		     table);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM (SELECT * FROM r.%s EXCEPT SELECT * "
		 "FROM main.%s)",
		 table, table);
	cr_expect_eq(q_int(db, sql), 0, "%s: rows the origin lacks", table);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM main.%s", table);
	cr_expect_gt(q_int(db, sql), 0, "%s: nothing written", table);
}

/* Applies every publication to the store, in order; waits for the last. */
static void apply_all(struct store *r)
{
	uint64_t toks[MAX_PUBS];
	size_t i;

	for (i = 0; i < npubs; i++)
		cr_assert_eq(store_repl_apply(r, KEY, pubs[i].seq, pubs[i].data,
					      pubs[i].len),
			     0, "batch %zu refused", i);
	wait_tokens(r, toks, npubs);
	for (i = 0; i < npubs; i++)
		cr_expect_eq(toks[i], pubs[i].seq, "token %zu", i);
}

Test(store_repl, replica_has_the_same_rows, .init = setup, .fini = teardown)
{
	static const char *const tables[] = {
	    "matches", "match_questions", "players", "seats",	    "answers",
	    "events",  "bookings",	  "results", "team_results"};
	struct store *s, *r;
	uint64_t toks[3], seq, first;
	sqlite3 *db;
	char sql[160];
	size_t i;

	s = open_store();
	/* 100-byte messages: the larger batches take several */
	store_set_repl(s, KEY, 0, 100, fake_publish, NULL);
	play(s);
	wait_tokens(s, toks, 3);
	sync_store(s, 1);
	cr_expect_eq(store_close(s), 0);
	cr_assert_gt(npubs, 0);
	for (i = 0, seq = 0, first = 0; i < npubs; i++) {
		cr_expect_eq(pubs[i].first, seq + 1,
			     "sequences are consecutive");
		cr_expect_eq(pubs[i].nchunks, (pubs[i].len + 99) / 100);
		seq = pubs[i].seq;
		if (pubs[i].nchunks > 1)
			first = pubs[i].first;
	}
	cr_expect_gt(first, 0, "no batch took several messages");

	r = open_replica();
	apply_all(r);
	cr_expect_eq(store_repl_seq(r, KEY, &seq, &first), 0);
	cr_expect_eq(seq, pubs[npubs - 1].seq);
	cr_expect_eq(store_close(r), 0);

	db = open_reader();
	/* the origin keeps the sequences of its last batch with it */
	cr_expect_eq(q_int(db, "SELECT seq FROM repl_state"),
		     (int64_t)pubs[npubs - 1].seq);
	cr_expect_eq(q_int(db, "SELECT first FROM repl_state"),
		     (int64_t)pubs[npubs - 1].first);
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS r", replica_path);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		expect_same(db, tables[i]);
	/* the chain of events is computed again there and comes out equal */
	cr_expect_eq(q_int(db, "SELECT count(*) FROM main.events e JOIN "
			       "r.events f USING (match_id, seq) WHERE "
			       "e.hash IS NOT f.hash"),
		     0);
	sqlite3_close(db);
}

/* A batch's tokens wait until the stream has it: while the publisher
 * says "not now" the answer is committed here but not acknowledged. */
Test(store_repl, tokens_wait_for_the_stream, .init = setup, .fini = teardown)
{
	struct store_answer a = {.player = 1, .rt_us = 5, .correct = true};
	struct store *s;
	uint64_t tok = 0;
	sqlite3 *db;

	s = open_store();
	store_set_repl(s, KEY, 41, 1 << 20, fake_publish, NULL);
	sync_store(s, 1); /* a barrier writes nothing: nothing published */
	cr_expect_eq(npubs, 0);
	a.match = new_match(s);
	sync_store(s, 2);
	cr_assert_eq(npubs, 1);
	cr_expect_eq(pubs[0].seq, 42); /* after the last one it was given */
	atomic_store(&refuse, 6);      /* backoff 10+20+..+320 ms */
	cr_assert_eq(store_answer(s, &a, 7), 0);
	sleep_ms(300);
	cr_expect_eq(store_poll(s, &tok, 1), 0,
		     "an ack before the stream had the answer");
	db = open_reader();
	cr_expect_eq(q_int(db, "SELECT count(*) FROM answers"), 1);
	sqlite3_close(db);
	wait_tokens(s, &tok, 1); /* the backoff retries it */
	cr_expect_eq(tok, 7);
	cr_expect_eq(atomic_load(&refused), 6);
	cr_assert_eq(npubs, 2);
	cr_expect_eq(pubs[1].seq, 43);
	cr_expect_eq(store_close(s), 0);
}

/* Hostile bytes: no prefix of a good batch, no flipped catalogue entry
 * or type, no NUL inside a text and no trailing byte is taken, and
 * nothing of them is written. */
Test(store_repl, bad_batches_queue_nothing, .init = setup, .fini = teardown)
{
	struct store_stats st;
	struct store *s, *r;
	uint8_t *bad, claim[STORE_REPL_CLAIM_LEN];
	uint64_t toks[3], seq = 1, first;
	size_t i, len, refusals;

	s = open_store();
	store_set_repl(s, KEY, 0, 1 << 20, fake_publish, NULL);
	play(s);
	wait_tokens(s, toks, 3);
	cr_expect_eq(store_close(s), 0);
	cr_assert_gt(npubs, 0);
	len = pubs[0].len;
	bad = malloc(len + 1);

	r = open_replica();
	for (i = 0; i < len; i++)
		cr_expect_eq(store_repl_apply(r, KEY, 1, pubs[0].data, i),
			     -EINVAL, "a prefix of %zu bytes taken", i);
	memcpy(bad, pubs[0].data, len);
	bad[len] = 0;
	cr_expect_eq(store_repl_apply(r, KEY, 1, bad, len + 1), -EINVAL);
	/* the first statement's catalogue entry (after the 9-byte head, the
	 * op's match 1 and count, a byte each) made unknown: 16383 */
	bad[9 + 2] = 0xff;
	bad[9 + 3] = 0x7f;
	cr_expect_eq(store_repl_apply(r, KEY, 1, bad, len), -EINVAL);
	memcpy(bad, pubs[0].data, len);
	bad[0] ^= 1; /* magic */
	cr_expect_eq(store_repl_apply(r, KEY, 1, bad, len), -EINVAL);
	cr_expect_eq(store_repl_apply(r, KEY, 0, pubs[0].data, len), -EINVAL);
	sync_store(r, 1);
	store_stats(r, &st);
	cr_expect_eq(st.ops, 0, "a refused batch wrote something");
	cr_expect_eq(store_repl_seq(r, KEY, &seq, &first), 0);
	cr_expect_eq(seq, 0);
	/* every byte flipped in turn: refused, or a batch that decodes and
	 * is written or lost like any other (run under ASan: nothing is read
	 * outside the message); the store goes on */
	for (i = 0, seq = 1, refusals = 0; i < len; i++) {
		memcpy(bad, pubs[0].data, len);
		bad[i] ^= 0x80;
		if (store_repl_apply(r, KEY, seq, bad, len) == 0)
			seq++;
		else
			refusals++;
	}
	cr_expect_gt(refusals, 0);
	for (i = 1; i < seq; i++) {
		wait_tokens(r, toks, 1);
		cr_expect_eq(toks[0] & ~STORE_TOKEN_LOST, i);
	}

	/* a claim: no rows, only the sequence */
	store_repl_claim(claim);
	cr_expect(store_repl_is_claim(claim, sizeof(claim)));
	cr_expect(!store_repl_is_claim(pubs[0].data, pubs[0].len));
	cr_expect_eq(store_repl_apply(r, KEY, 9999, claim, sizeof(claim)), 0);
	wait_tokens(r, toks, 1);
	cr_expect_eq(toks[0], 9999);
	cr_expect_eq(store_repl_seq(r, KEY, &seq, &first), 0);
	cr_expect_eq(seq, 9999);
	free(bad);
	store_close(r); /* the flipped batches' failed ops are counted lost */
}

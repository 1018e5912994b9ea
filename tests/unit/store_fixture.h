/* A temporary database and a writer-thread waiter shared by the store
 * tests (test_store.c, test_store_practice.c): db_setup/db_teardown make
 * and remove the file (and its -wal, -shm), open_store opens it with a
 * wake callback the tests sleep on, wait_tokens/sync_store wait for the
 * writer's tokens, and open_reader/q_int/q_text read what is on disk
 * through a separate sqlite3 connection; expect_stalled checks a writer
 * held up by a full disk.
 *
 * Each test file is one translation unit and includes this once; the
 * functions are static inline so a file that does not use one of them
 * builds without warnings. */
#ifndef QUIZ_TEST_STORE_FIXTURE_H
#define QUIZ_TEST_STORE_FIXTURE_H

#include <criterion/criterion.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"

static char db_path[64];

/* Counts wake-ups so a test can sleep until the writer has news. */
struct waker {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned wakes;
};

static struct waker waker = {PTHREAD_MUTEX_INITIALIZER,
			     PTHREAD_COND_INITIALIZER, 0};

static inline void on_wake(void *arg)
{
	struct waker *w = arg;

	pthread_mutex_lock(&w->lock);
	w->wakes++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static inline void db_setup(void)
{
	int fd;

	strcpy(db_path, "/tmp/quiz_store_test_XXXXXX");
	fd = mkstemp(db_path);
	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	close(fd); /* an empty file is a valid empty database */
	waker.wakes = 0;
}

static inline void db_teardown(void)
{
	char p[96];

	unlink(db_path);
	snprintf(p, sizeof(p), "%s-wal", db_path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db_path);
	unlink(p);
}

static inline struct store *open_store(void)
{
	char *err = NULL;
	struct store *s = store_open(db_path, on_wake, &waker, &err);

	cr_assert_not_null(s, "store_open: %s", err ? err : "?");
	return s;
}

/* Collects want tokens into out, waiting on the wake callback; fails the
 * test after 20 s. */
static inline void wait_tokens(struct store *s, uint64_t *out, size_t want)
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
static inline void sync_store(struct store *s, uint64_t token)
{
	uint64_t got = 0;

	store_barrier(s, token);
	wait_tokens(s, &got, 1);
	cr_assert_eq(got, token);
}

static inline sqlite3 *open_reader(void)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL),
		     SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* Runs a query returning one integer. */
static inline int64_t q_int(sqlite3 *db, const char *sql)
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
static inline const char *q_text(sqlite3 *db, const char *sql, char *buf,
				 size_t cap)
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

/* While the disk is full (store_set_max_pages): after half a second no
 * token is published, the writer is retrying and has not failed, and the
 * count query count_sql still gives n. */
static inline void expect_stalled(struct store *s, const char *count_sql,
				  int64_t n)
{
	struct store_stats st;
	uint64_t got;
	sqlite3 *db;

	sleep_ms(500);
	cr_expect_eq(store_poll(s, &got, 1), 0,
		     "a token was published for an uncommitted answer");
	store_stats(s, &st);
	cr_expect_gt(st.retries, 0);
	cr_expect_eq(st.failures, 0);
	db = open_reader();
	cr_expect_eq(q_int(db, count_sql), n);
	sqlite3_close(db);
}

#endif

/* The SQLite store. One writer thread owns the write connection and commits
 * queued operations in batched transactions; the event loop only enqueues
 * (never waits on the disk). Operations with a non-zero notify token are
 * reported through store_poll() once their transaction has committed; the
 * wake callback (called on the writer thread) tells the loop to poll.
 *
 * Schema (PRAGMA user_version, forward migrations): questions, matches,
 * match_questions, players, answers, results, events, bookings, seats,
 * team_results, presses; persons, practice_items, practice_sittings,
 * practice_answers (v6). See docs/STORAGE.md. */
#ifndef QUIZ_STORE_H
#define QUIZ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "item.h"

struct store;

/* Opens (creating if needed) the database at path in WAL mode, migrates it
 * to the current schema and starts the writer thread. wake(arg) is called
 * from the writer thread whenever completions are ready. Returns NULL and
 * sets *err to a message the caller frees with free() (may be NULL) on
 * failure. wake may be NULL (no completions wanted). */
struct store *store_open(const char *path, void (*wake)(void *), void *arg,
			 char **err);
/* Commits everything queued (a failing batch is retried for at most
 * final_ms, see store_set_final_ms), stops the writer thread, closes the
 * database. Returns the number of operations that were never written since
 * open (store_stats().failures plus what was abandoned here): 0 means every
 * queued write is on disk. Accepts NULL (returns 0). */
uint64_t store_close(struct store *s);

/* --- Fault handling (docs/STORAGE.md "Faults"). The writer never drops a
 * batch that failed for a transient reason (busy, full, I/O): it rolls it
 * back and retries it with backoff (10 ms doubling to 1 s) until it commits.
 * A statement that can never succeed (a constraint or a missing match: a
 * caller bug) is isolated: the rest of its batch commits, and its token is
 * published with STORE_TOKEN_LOST. --- */

/* Set on a token whose operation was not written (refused or failed for
 * good). Tokens themselves stay below 2^63. */
#define STORE_TOKEN_LOST (1ULL << 63)

#define STORE_BUSY_MS_DEFAULT	2000	    /* writer busy timeout */
#define STORE_STALL_MS_DEFAULT	3000	    /* store_stalled() bound */
#define STORE_FINAL_MS_DEFAULT	5000	    /* last retries at close */
#define STORE_QUEUE_MAX_DEFAULT (32u << 20) /* bytes of queued writes */

/* Caps the database at max_pages pages on the writer connection (PRAGMA
 * max_page_count; 0 lifts the cap; a cap below the current size means "no
 * growth"). Applied before the writer's next attempt. */
void store_set_max_pages(struct store *s, uint32_t max_pages);
/* How long the writer waits for a lock held by another connection before
 * the attempt fails and is retried (ms, > 0). */
void store_set_busy_ms(struct store *s, int ms);
/* After how long without a commit store_stalled() turns true (ms, > 0). */
void store_set_stall_ms(struct store *s, int ms);
/* Bytes of queued operations past which store_answer refuses (> 0). */
void store_set_queue_max(struct store *s, size_t bytes);
/* True while the writer has been trying to commit a batch for longer than
 * the stall bound: storage is unavailable and rooms should pause. Thread
 * safe; cheap. */
bool store_stalled(struct store *s);
/* True if an answer can be queued now (the queue is under its bound). */
bool store_accepting(struct store *s);

/* Schema version the code migrates to. */
int store_schema_version(void);

/* Synchronous, for start-up and the `quizd bank import` command only (not
 * from the event loop): inserts or updates the bank's items (keyed by item
 * id), in one transaction. Returns the number of items written, or a
 * negative error. */
int store_import_bank(struct store *s, const struct bank *b);
/* Synchronous, start-up only: appends every question in the database to b
 * (the bank quizd draws from). Returns the number loaded or a negative
 * error. */
int store_load_bank(struct store *s, struct bank *b);
/* Synchronous: number of rows in questions, or negative on error. */
int64_t store_question_count(struct store *s);

/* --- Asynchronous operations (event loop thread). Each copies what it
 * needs; none blocks on the disk. notify != 0 asks for a completion. --- */

struct store_match {
	const char *code;
	const char *title;
	int format;
	uint32_t question_count;
	int64_t time_limit_us;
	uint32_t points;
	uint64_t seed;
	const char *const
	    *question_ids; /* question_count item ids, draw order */
	const uint8_t (
	    *perms)[ITEM_MAX_OPTIONS]; /* display order per question */
};
/* Records a new match; returns its id (allocated in memory, so it is known
 * at once) or 0 on allocation failure. */
uint64_t store_match_begin(struct store *s, const struct store_match *m);
void store_player(struct store *s, uint64_t match, uint32_t player,
		  const char *nick, const char *team);

struct store_event;

struct store_answer {
	uint64_t match;
	uint32_t player;
	uint32_t q;
	uint32_t choice_mask; /* display order */
	const char *text;     /* FILL, may be NULL */
	int64_t recv_us;      /* server monotonic receive time */
	int64_t one_way_us;   /* compensation applied */
	int64_t rt_us;	      /* compensated response time */
	bool correct;
	uint32_t points;
	/* the room's event of this answer (may be NULL): written in the same
	 * operation, so both are kept or neither, and notify covers both */
	const struct store_event *event;
};
/* Returns 0 once queued, or -QE_STORAGE_UNAVAILABLE (nothing queued, no
 * token) when the queue is past its bound. */
int store_answer(struct store *s, const struct store_answer *a,
		 uint64_t notify);
/* The host voided question q: its answers score 0. */
void store_void_question(struct store *s, uint64_t match, uint32_t q);
/* Question q is closed; the match can resume after it. */
void store_question_closed(struct store *s, uint64_t match, uint32_t q,
			   uint64_t notify);

struct store_result {
	uint64_t match;
	uint32_t player;
	uint32_t rank;
	int64_t score;
	uint32_t correct;
	int64_t total_time_us;
};
void store_result(struct store *s, const struct store_result *r);
/* The results of every contestant of a match as one operation (one queue
 * entry, one savepoint), as store_bookings. */
void store_results(struct store *s, const struct store_result *v, size_t n);
/* The same filled in place, without a copy: store_results_new gives rows
 * for n results (aborts on OOM), the caller fills the first `used` and
 * store_results_push queues them (and frees the rows when s is NULL or
 * used is 0). */
struct store_result *store_results_new(size_t n);
void store_results_push(struct store *s, struct store_result *rows,
			size_t used);
/* The match ended (finished = played to the end, else ended by host). */
void store_match_end(struct store *s, uint64_t match, bool finished);
/* The match was running when quizd stopped: state 'interrupted' (it may be
 * resumed later; never confused with 'ended'). */
void store_match_interrupted(struct store *s, uint64_t match);
/* Like store_match_begin, with a completion: notify is published once the
 * match row is committed (RoomCreated waits for it). */
uint64_t store_match_begin_notify(struct store *s, const struct store_match *m,
				  uint64_t notify);
/* Completion only: notify once everything queued before it committed. */
void store_barrier(struct store *s, uint64_t notify);

/* --- Contests and the event log (schema v3, docs/STORAGE.md). --- */

/* The contest a match runs: its canonical text (contest_write(), or the
 * file as the host sent it) in matches.contest, with its title and the
 * team scoring. */
void store_match_contest(struct store *s, uint64_t match, const char *text);
/* The match's definition (core/matchdef.h: the settings and the contest
 * exactly as the room was made) in matches.definition: what a replay of
 * its events starts from. */
void store_match_definition(struct store *s, uint64_t match, const char *text);

/* The questions drawn for a round: match indexes first .. first + n - 1
 * (appended to match_questions with their round). */
void store_match_questions(struct store *s, uint64_t match, uint32_t round,
			   uint32_t first, uint32_t n,
			   const char *const *question_ids,
			   const uint8_t (*perms)[ITEM_MAX_OPTIONS]);

/* One accepted input of a room, in the events table (append only; the
 * pair (match, seq) is unique). kind is room_event_kind_name(). Strings
 * may be NULL. */
struct store_event {
	uint64_t match;
	uint64_t seq;
	const char *kind;
	int64_t at_us;
	uint32_t player;
	uint32_t q;
	uint32_t choice_mask;
	int64_t one_way_us;
	int64_t arg;
	int64_t arg2; /* schema v4: events.arg2 (EV_BUZZ bound_us) */
	const char *nick, *team, *text;
};
/* notify != 0: published once the event is committed (or flagged lost):
 * what a reply that promises the input was kept (WagerAck) waits for. */
void store_event(struct store *s, const struct store_event *e, uint64_t notify);

/* What question q booked for a player when it closed (signed points):
 * a bookings row, and answers.points of the player's answer if any. */
struct store_booking {
	uint64_t match;
	uint32_t q;
	uint32_t player;
	int64_t delta;
	bool answered, correct;
	int32_t stake; /* WAGER */
};
void store_booking(struct store *s, const struct store_booking *b);
/* The n bookings of one question's close as one operation (one queue
 * entry, one savepoint): what the server writes at a close. */
void store_bookings(struct store *s, const struct store_booking *v, size_t n);
/* The same filled in place (as store_results_new and _push): at a close
 * of 10,000 contestants the rows are not held twice. */
struct store_booking *store_bookings_new(size_t n);
void store_bookings_push(struct store *s, struct store_booking *rows,
			 size_t used);

/* 抢答: presses of the buzzer as the room decided them (schema v4: one
 * presses row each, keyed by the seq of the press's event). outcome is
 * "won", "slower", "late", "foul" or "ignored". */
struct store_press {
	uint64_t match;
	uint64_t seq; /* of the press's event */
	uint32_t q;
	uint32_t player;
	uint32_t arm;
	int64_t recv_us, comp_us, react_us, gap_us;
	const char *outcome;
};
/* The n presses one decision settled, as one operation; notify != 0 is
 * published once they are committed (what BuzzState waits for). */
void store_presses(struct store *s, const struct store_press *v, size_t n,
		   uint64_t notify);

/* A room's judge token, kept only as its hash (64 hex digits of SHA-256)
 * in matches.judge_hash (schema v4). */
void store_match_judge(struct store *s, uint64_t match,
		       const char *token_hash_hex);

/* A seat's resume token, kept only as its hash (64 hex digits of SHA-256):
 * player 0 is the host's token. */
void store_seat(struct store *s, uint64_t match, uint32_t player,
		const char *token_hash_hex);

/* A team's final standing. */
struct store_team_result {
	uint64_t match;
	const char *team;
	uint32_t rank;
	uint32_t members;
	int64_t score; /* base + points */
	int64_t points;
};
void store_team_result(struct store *s, const struct store_team_result *r);

/* --- Restart survival (schema v5, docs/STORAGE.md). --- */

/* Every operation queued between store_group_begin and store_group_end
 * (event loop thread; calls nest, the outermost pair counts) is committed
 * in one transaction with the others of its group, never split across
 * batches: what one input of a room wrote (its event, the bookings of the
 * close it caused, the results of the finish) is on disk whole or not at
 * all. A group's ops still fail (a permanent failure) one by one. */
void store_group_begin(struct store *s);
void store_group_end(struct store *s);

/* Durability of a commit (quizd --durability): false (default, "normal":
 * PRAGMA synchronous=NORMAL, a commit survives a crash of the process),
 * true ("full": synchronous=FULL, every commit is fsynced and survives a
 * power cut). Applied by the writer before its next attempt. */
void store_set_durability(struct store *s, bool full);

/* A rebuilt match is running again (state 'running', ended_at NULL). */
void store_match_running(struct store *s, uint64_t match);

/* One stored event with its chain link (schema v5: events.hash, 64 hex
 * digits; "" for an event stored before v5). Strings owned by the row. */
struct store_event_row {
	struct store_event e;
	char hash[65];
};
/* A seat's token hash (player 0: the host). */
struct store_seat_row {
	uint32_t player;
	char hash[65];
};
/* What a match's replay starts from, read back. */
struct store_match_log {
	uint64_t match;
	char code[16];	       /* "ABCD-EFGH" */
	char state[16];	       /* running, finished, ended, interrupted */
	char *definition;      /* matches.definition (NULL before v3) */
	char judge_hash[65];   /* "" none */
	int64_t last_closed_q; /* -1: none closed */
	struct store_seat_row *seats;
	size_t nseats;
	struct store_event_row *events; /* in seq order */
	size_t nevents;
};
/* Synchronous (start-up and command-line tools only, second connection):
 * reads match `match` whole. Returns 0, -QE_ROOM_NOT_FOUND (no such
 * match) or another negative error; free with store_match_log_free. */
int store_load_match(struct store *s, uint64_t match,
		     struct store_match_log *out);
/* Synchronous, start-up: the ids of the matches left 'running' or
 * 'interrupted', ascending (*ids malloc'd). Returns how many or < 0. */
int store_unfinished(struct store *s, uint64_t **ids);
void store_match_log_free(struct store_match_log *m);

/* --- Practice (schema v6, docs/STORAGE.md "Practice"). A person's state
 * lives in memory in the server (loaded whole at start-up with
 * store_load_practice); these operations keep it on disk. Ids are
 * allocated by the caller (above the maxima store_load_practice gave). The
 * state texts are core/practice.h's practice_item_format /
 * practice_person_format lines. --- */

/* A new person: persons row (id, nickname, team, token hash, created_at,
 * state "P1 0 0 0 0 0 0 0 0 0"). (nickname, team) is unique. */
struct store_person {
	uint64_t id;
	const char *nickname;
	const char *team;	/* "" none */
	const char *token_hash; /* 64 hex digits of SHA-256 */
	int64_t created_unix_us;
};
/* notify != 0: published once committed (PracticeReady waits for it). */
void store_person(struct store *s, const struct store_person *p,
		  uint64_t notify);

/* One sitting (practice_sittings row): what was asked for, and the seed of
 * its tie-breaks (so it can be replayed). */
struct store_sitting {
	uint64_t id;
	uint64_t person;
	int64_t started_unix_us;
	uint64_t seed;
	int mode;		/* 0 schedule, 1 review */
	const char *category;	/* "" any */
	uint32_t kinds;		/* bit (1 << item_kind); 0 any */
	uint32_t time_limit_ms; /* 0 none */
};
void store_sitting(struct store *s, const struct store_sitting *t);

/* One practice answer, as one operation: a practice_answers row, the
 * item's practice_items row (insert or replace) and persons.state. */
struct store_practice_answer {
	uint64_t person;
	uint64_t sitting;
	const char *item_id;
	int64_t at_unix_us;   /* wall clock of the answer */
	uint32_t choice_mask; /* in the bank's option order (not display) */
	const char *text;     /* FILL, may be NULL */
	bool correct;
	bool timed_out;
	int64_t rt_us;		  /* response time */
	const char *item_state;	  /* the item's state after the answer */
	const char *person_state; /* the person's state after the answer */
};
/* Returns 0 once queued, or -QE_STORAGE_UNAVAILABLE (nothing queued, no
 * token) when the queue is past its bound, as store_answer. */
int store_practice_answer(struct store *s,
			  const struct store_practice_answer *a,
			  uint64_t notify);

/* Everything stored of practice, read back at start-up. */
struct store_practice_item_row {
	char *item_id;
	char *state;
};
struct store_person_row {
	uint64_t id;
	char *nickname;
	char *team; /* "" none */
	char token_hash[65];
	char *state; /* persons.state */
	int64_t created_unix_us;
	struct store_practice_item_row *items;
	size_t nitems;
};
struct store_practice {
	struct store_person_row *persons; /* by id ascending */
	size_t npersons;
	uint64_t max_person;  /* the largest id used, 0 none */
	uint64_t max_sitting; /* the largest sitting id, 0 none */
};
/* Synchronous (start-up and command-line tools only, second connection).
 * Returns 0 or a negative error; free with store_practice_free. */
int store_load_practice(struct store *s, struct store_practice *out);
void store_practice_free(struct store_practice *p);

/* Takes up to max committed notify tokens (in commit order) into out.
 * Returns how many. Thread-safe; call from the loop after a wake. */
size_t store_poll(struct store *s, uint64_t *out, size_t max);

/* Counters since open: batches committed, operations written, operations
 * lost for good (refused input, constraint failures), attempts that failed
 * and were retried, answers refused by the queue bound. */
struct store_stats {
	uint64_t batches;
	uint64_t ops;
	uint64_t failures;
	uint64_t retries;
	uint64_t refused;
};
void store_stats(struct store *s, struct store_stats *out);

/* --- Replication (server/store_repl.c, docs/CLUSTER.md "Takeover"): an
 * owner's committed batches, each as the statements it ran (catalogue
 * entry and bound values), published in order to a stream another node
 * applies to its own database. The store knows nothing of NATS: it calls
 * the publisher it is given. --- */

/* Publishes a committed batch as nchunks messages of at most the chunk
 * size given to store_set_repl, stream sequences first .. first + nchunks
 * - 1 (writer thread). Returns 0 once the stream holds them all, 1 to be
 * called again later (the link is down; it goes on from the chunks
 * already in); a publisher that finds the stream taken by another node
 * never returns (the process stops: nothing of the batch was promised). */
typedef int (*store_repl_fn)(void *arg, uint64_t first, uint32_t nchunks,
			     const void *data, size_t len);

/* The highest match id this database holds or has handed out (0: none). */
uint64_t store_last_match(struct store *s);
/* Turns replication on (before the first write): the stream's row in
 * repl_state is key, its last sequence published last_seq, a message
 * holds at most chunk bytes of a batch. From then on each batch writes
 * its sequences in repl_state inside its transaction, and its tokens are
 * published only once fn has put it in the stream. */
void store_set_repl(struct store *s, const char *key, uint64_t last_seq,
		    size_t chunk, store_repl_fn fn, void *arg);
/* Where key's stream is in this database: seq, the last sequence of the
 * last batch written, and first, that batch's first (both 0: none). 0,
 * or a negative errno. */
int store_repl_seq(struct store *s, const char *key, uint64_t *seq,
		   uint64_t *first);
/* Queues one published batch (its chunks put together; seq, the
 * sequence of its last chunk in key's stream) for the writer, with
 * repl_state's row, in one transaction; its token is seq (store_poll).
 * 0, or -EINVAL for a batch that does not decode (nothing queued). */
int store_repl_apply(struct store *s, const char *key, uint64_t seq,
		     const void *data, size_t len);
/* Whether a published batch is a claim (docs/CLUSTER.md: the first batch
 * of a standby that took the stream over), and the bytes of one. */
#define STORE_REPL_CLAIM_LEN 9
bool store_repl_is_claim(const void *data, size_t len);
void store_repl_claim(uint8_t out[STORE_REPL_CLAIM_LEN]);

#endif

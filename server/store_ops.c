/* The catalogue of the store's queued operations: for each, its SQL (one
 * table of statements, prepared once on the writer connection), how the
 * loop-side call copies its arguments into the queue, and how they bind.
 *
 * There is one mechanism for all of them. An operation is a list of steps;
 * a step names a statement of the catalogue and carries the values of its
 * parameters (?1, ?2, ... in order: NULL, an integer or a copied string),
 * all in one allocation. The writer (server/store_writer.c) knows nothing
 * of what an operation means: it runs the steps (several inside a
 * savepoint) and checks, for a statement marked so, that a row changed.
 * Adding a write is one catalogue entry and the function that fills it;
 * a new kind of room event needs neither: store_event takes every event
 * with its kind as text. */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "errors.h"
#include "evhash.h"
#include "store_int.h"
#include "xalloc.h"

#define STORE_TOKEN_HASH_HEX 64 /* a seat's token hash: SHA-256 in hex */
#define STORE_PERM_JSON_MAX  64 /* "[a,b,...]" of ITEM_MAX_OPTIONS slots */
#define STORE_CONTEST_MAX    (1u << 20) /* bytes of a contest's text */

/* One statement: a name for the log, its SQL, and whether it must change
 * a row (an update of a match that was never recorded is a caller bug). */
struct op_def {
	const char *name;
	const char *sql;
	bool must_change;
};

/* clang-format off */
static const struct op_def op_defs[OPS__COUNT] = {
	[OPS_MATCH] = {"match",
		"INSERT INTO matches (id, code, title, format, question_count,"
		" time_limit_us, points, seed, state, created_at) VALUES (?1,"
		" ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running', ?9)", false},
	[OPS_MATCH_Q] = {"match question",
		"INSERT INTO match_questions (match_id, idx, question_id, perm,"
		" round) VALUES (?1, ?2, ?3, ?4, ?5)", false},
	/* question_count follows the draw as rounds append to it */
	[OPS_MATCH_COUNT] = {"match questions",
		"UPDATE matches SET question_count = max(question_count, ?2)"
		" WHERE id = ?1", true},
	[OPS_CONTEST] = {"contest",
		"UPDATE matches SET contest = ?2 WHERE id = ?1", true},
	[OPS_DEFINITION] = {"definition",
		"UPDATE matches SET definition = ?2 WHERE id = ?1", true},
	[OPS_PLAYER] = {"player",
		"INSERT INTO players (match_id, player_id, nick, team,"
		" joined_at) VALUES (?1, ?2, ?3, ?4, ?5)"
		" ON CONFLICT (match_id, player_id) DO UPDATE SET"
		" nick = excluded.nick, team = excluded.team", false},
	[OPS_ANSWER] = {"answer",
		"INSERT INTO answers (match_id, player_id, q, choice_mask, text,"
		" recv_us, one_way_us, rt_us, correct, points) VALUES (?1, ?2,"
		" ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", false},
	[OPS_VOID] = {"void",
		"UPDATE answers SET voided = 1, points = 0"
		" WHERE match_id = ?1 AND q = ?2", false},
	[OPS_CLOSED] = {"closed",
		"UPDATE matches SET last_closed_q = ?2 WHERE id = ?1", true},
	[OPS_RESULT] = {"result",
		"INSERT INTO results (match_id, player_id, rank, score, correct,"
		" total_time_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT (match_id, player_id) DO UPDATE SET"
		" rank = excluded.rank, score = excluded.score,"
		" correct = excluded.correct,"
		" total_time_us = excluded.total_time_us", false},
	[OPS_END] = {"end",
		"UPDATE matches SET state = ?2, ended_at = ?3 WHERE id = ?1",
		true},
	[OPS_RUNNING] = {"running",
		"UPDATE matches SET state = 'running', ended_at = NULL"
		" WHERE id = ?1", true},
	/* append only: a second (match, seq) is a constraint failure. The
	 * chain's link is computed here, from the previous row as it is in
	 * this transaction (no cache: a rolled-back batch takes its links
	 * with it); no previous row, or one stored before v5: genesis */
	[OPS_EVENT] = {"event",
		"INSERT INTO events (match_id, seq, kind, at_us, player_id, q,"
		" choice_mask, one_way_us, arg, nick, team, text, arg2, hash)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		" ?13, quizd_evhash((SELECT hash FROM events WHERE"
		" match_id = ?1 AND seq = ?2 - 1), ?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" ?8, ?9, ?13, ?10, ?11, ?12))",
		false},
	[OPS_BOOKING] = {"booking",
		"INSERT OR REPLACE INTO bookings (match_id, q, player_id, delta,"
		" answered, correct, stake) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		false},
	/* the player may not have answered; a voided answer stays at 0 */
	[OPS_BOOKING_POINTS] = {"booking points",
		"UPDATE answers SET points = ?4 WHERE match_id = ?1 AND"
		" player_id = ?2 AND q = ?3 AND voided = 0", false},
	[OPS_SEAT] = {"seat",
		"INSERT INTO seats (match_id, player_id, token_hash) VALUES"
		" (?1, ?2, ?3) ON CONFLICT (match_id, player_id) DO UPDATE SET"
		" token_hash = excluded.token_hash", false},
	[OPS_TEAM_RESULT] = {"team result",
		"INSERT INTO team_results (match_id, team, rank, members, score,"
		" points) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT (match_id, team) DO UPDATE SET"
		" rank = excluded.rank, members = excluded.members,"
		" score = excluded.score, points = excluded.points", false},
	/* one row per press, keyed like its event: decided once */
	[OPS_PRESS] = {"press",
		"INSERT INTO presses (match_id, seq, q, player_id, arm, recv_us,"
		" comp_us, react_us, gap_us, outcome) VALUES (?1, ?2, ?3, ?4,"
		" ?5, ?6, ?7, ?8, ?9, ?10)", false},
	[OPS_JUDGE_HASH] = {"judge hash",
		"UPDATE matches SET judge_hash = ?2 WHERE id = ?1", true},
	/* practice (schema v6, server/store_practice.c): a second person
	 * with the same (nickname, team) or token hash is a constraint
	 * failure, so the op is lost and its token flagged */
	[OPS_PERSON] = {"person",
		"INSERT INTO persons (id, nickname, team, token_hash, state,"
		" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", false},
	[OPS_SITTING] = {"sitting",
		"INSERT INTO practice_sittings (id, person, started_at, seed,"
		" mode, category, kinds, time_limit_ms) VALUES (?1, ?2, ?3, ?4,"
		" ?5, ?6, ?7, ?8)", false},
	[OPS_PANSWER] = {"practice answer",
		"INSERT INTO practice_answers (person, sitting, item_id, at,"
		" choice_mask, text, correct, timed_out, rt_us) VALUES (?1, ?2,"
		" ?3, ?4, ?5, ?6, ?7, ?8, ?9)", false},
	[OPS_PITEM] = {"practice item",
		"INSERT INTO practice_items (person, item_id, state) VALUES"
		" (?1, ?2, ?3) ON CONFLICT (person, item_id) DO UPDATE SET"
		" state = excluded.state", false},
	[OPS_PSTATE] = {"person state",
		"UPDATE persons SET state = ?2 WHERE id = ?1", true},
	/* replication (server/store_repl.c) */
	[OPS_REPL_SEQ] = {"replication sequence",
		"INSERT INTO repl_state (stream, seq, first) VALUES (?1, ?2,"
		" ?3) ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq,"
		" first = excluded.first", false},
};
/* clang-format on */

/* A nullable text argument of an SQL function: NULL for SQL NULL; sets
 * *oom if SQLite could not give the text. */
static const char *sql_arg_text(sqlite3_value *v, bool *oom)
{
	const unsigned char *t;

	if (sqlite3_value_type(v) == SQLITE_NULL)
		return NULL;
	t = sqlite3_value_text(v);
	if (!t)
		*oom = true;
	return (const char *)t;
}

/* quizd_evhash(prev, match, seq, kind, at_us, player, q, choice_mask,
 * one_way_us, arg, arg2, nick, team, text): the event's link after prev
 * (NULL: genesis), as evhash_hex computes it. A prev that is not a link
 * is a permanent failure of the insert (SQLITE_MISMATCH), never retried. */
static void store_sql_evhash(sqlite3_context *ctx, int argc,
			     sqlite3_value **argv)
{
	char out[EVHASH_HEX + 1];
	struct store_event e;
	const char *prev;
	bool oom = false;

	if (argc != 14) {
		sqlite3_result_error(ctx, "quizd_evhash: 14 arguments", -1);
		return;
	}
	prev = sql_arg_text(argv[0], &oom);
	e.match = (uint64_t)sqlite3_value_int64(argv[1]);
	e.seq = (uint64_t)sqlite3_value_int64(argv[2]);
	e.kind = sql_arg_text(argv[3], &oom);
	e.at_us = sqlite3_value_int64(argv[4]);
	e.player = (uint32_t)sqlite3_value_int64(argv[5]);
	e.q = (uint32_t)sqlite3_value_int64(argv[6]);
	e.choice_mask = (uint32_t)sqlite3_value_int64(argv[7]);
	e.one_way_us = sqlite3_value_int64(argv[8]);
	e.arg = sqlite3_value_int64(argv[9]);
	e.arg2 = sqlite3_value_int64(argv[10]);
	e.nick = sql_arg_text(argv[11], &oom);
	e.team = sql_arg_text(argv[12], &oom);
	e.text = sql_arg_text(argv[13], &oom);
	if (oom) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (evhash_hex(prev, &e, out) < 0) {
		sqlite3_result_error(ctx,
				     "events.hash: previous link is not"
				     " 64 hex digits",
				     -1);
		sqlite3_result_error_code(ctx, SQLITE_MISMATCH);
		return;
	}
	sqlite3_result_text(ctx, out, EVHASH_HEX, SQLITE_TRANSIENT);
}

/* Registers the chain's function, then prepares every statement of the
 * catalogue on the writer connection. */
int store_ops_prepare(struct store *s, char **err)
{
	const char *sql[OPS__COUNT];
	size_t i;

	/* the writer's own: deterministic, callable only from its SQL (not
	 * from a schema or trigger someone else may write) */
	if (sqlite3_create_function_v2(
		s->wdb, "quizd_evhash", 14,
		SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
		store_sql_evhash, NULL, NULL, NULL) != SQLITE_OK) {
		store_set_err(err, "store: quizd_evhash: %s",
			      sqlite3_errmsg(s->wdb));
		return -1;
	}
	for (i = 0; i < OPS__COUNT; i++)
		sql[i] = op_defs[i].sql;
	s->ost = xcalloc(OPS__COUNT, sizeof(*s->ost));
	return store_prepare(s->wdb, sql, OPS__COUNT, s->ost, err);
}

/* Finalizes the catalogue's statements. */
void store_ops_finalize(struct store *s)
{
	size_t i;

	if (!s->ost)
		return;
	for (i = 0; i < OPS__COUNT; i++)
		sqlite3_finalize(s->ost[i]);
	free(s->ost);
	s->ost = NULL;
}

/* Name of an operation for the log. */
const char *store_op_name(const struct op *op)
{
	if (op->row_nsql)
		return op_defs[op->row_sql[0]].name;
	if (!op->nsteps || op->steps[0].sql >= OPS__COUNT)
		return "barrier";
	return op_defs[op->steps[0].sql].name;
}

/* The values of a row step (OP_ROW): a result, a booking's row, or the
 * points of the player's answer. Returns how many (0: not a row
 * statement). */
uint32_t store_op_row_values(const struct op *op, const struct op_step *step,
			     int64_t *out)
{
	const struct store_booking *b;
	const struct store_result *r;

	if (step->sql == OPS_RESULT) {
		if (((size_t)step->first + 1) * sizeof(*r) > op->str_cap)
			return 0;
		r = (const struct store_result *)(const void *)op->strs +
		    step->first;
		out[0] = (int64_t)r->match;
		out[1] = r->player;
		out[2] = r->rank;
		out[3] = r->score;
		out[4] = r->correct;
		out[5] = r->total_time_us;
		return 6;
	}
	if (step->sql != OPS_BOOKING && step->sql != OPS_BOOKING_POINTS)
		return 0;
	if (((size_t)step->first + 1) * sizeof(*b) > op->str_cap)
		return 0;
	b = (const struct store_booking *)(const void *)op->strs + step->first;
	if (step->sql == OPS_BOOKING_POINTS) {
		out[0] = (int64_t)b->match;
		out[1] = b->player;
		out[2] = b->q;
		out[3] = b->delta;
		return 4;
	}
	out[0] = (int64_t)b->match;
	out[1] = b->q;
	out[2] = b->player;
	out[3] = b->delta;
	out[4] = b->answered ? 1 : 0;
	out[5] = b->correct ? 1 : 0;
	out[6] = b->stake;
	return 7;
}

/* Binds one step's values and runs its statement. */
static int store_step_exec(struct store *s, const struct op *op,
			   const struct op_step *step)
{
	const struct op_def *def;
	const struct op_val *v;
	sqlite3_stmt *st;
	int64_t row[7];
	uint32_t i, nval = step->nval;
	int rc = SQLITE_OK;

	if (step->sql >= OPS__COUNT)
		return SQLITE_RANGE;
	def = &op_defs[step->sql];
	st = s->ost[step->sql];
	if (nval == OP_ROW)
		nval = store_op_row_values(op, step, row);
	/* a catalogue bug, never retried: the statement wants other values */
	if (nval == 0 || sqlite3_bind_parameter_count(st) != (int)nval) {
		fprintf(stderr, "store: %s: %u values for %d parameters\n",
			def->name, (unsigned)nval,
			sqlite3_bind_parameter_count(st));
		return SQLITE_RANGE;
	}
	for (i = 0; step->nval == OP_ROW && i < nval && rc == SQLITE_OK; i++)
		rc = sqlite3_bind_int64(st, (int)i + 1, row[i]);
	for (i = 0; step->nval != OP_ROW && i < nval && rc == SQLITE_OK; i++) {
		v = &op->vals[step->first + i];
		if (v->type == OPV_INT)
			rc = sqlite3_bind_int64(st, (int)i + 1, v->u.i);
		else if (v->type == OPV_TEXT)
			rc = store_bind_text(st, (int)i + 1, v->u.s);
		else
			rc = sqlite3_bind_null(st, (int)i + 1);
	}
	if (rc != SQLITE_OK) {
		sqlite3_clear_bindings(st);
		return rc;
	}
	rc = store_step(s->wdb, st, def->name);
	if (rc == SQLITE_OK && def->must_change &&
	    sqlite3_changes(s->wdb) == 0) {
		fprintf(stderr, "store: %s: no row for %" PRIu64 "\n",
			def->name, op->match);
		rc = SQLITE_NOTFOUND;
	}
	return rc;
}

/* Runs the steps of an operation in order; stops at the first error. */
int store_op_exec(struct store *s, const struct op *op)
{
	struct op_step row = {.nval = OP_ROW};
	uint32_t i;
	int rc = SQLITE_OK;

	if (op->row_nsql) {
		/* an op of rows: its steps are made, not stored */
		for (i = 0; i < op->nsteps && rc == SQLITE_OK; i++) {
			row.sql = op->row_sql[i % op->row_nsql];
			row.first = i / op->row_nsql;
			rc = store_step_exec(s, op, &row);
		}
		return rc;
	}
	for (i = 0; i < op->nsteps && rc == SQLITE_OK; i++)
		rc = store_step_exec(s, op, &op->steps[i]);
	return rc;
}

/* --- Building operations. An operation is sized before it is filled:
 * store_op_new takes the number of steps, of values and of string bytes
 * (store_op_strsize), and store_op_step / store_op_int / store_op_text
 * fill it in order (server/store_practice.c builds its own the same
 * way). --- */

/* Bytes a string copy takes in an operation (0 for NULL). */
size_t store_op_strsize(const char *str)
{
	return str ? strlen(str) + 1 : 0;
}

/* Allocates an operation with room for nsteps steps, nvals values and
 * strbytes bytes of strings, in one block. */
struct op *store_op_new(uint64_t match, uint64_t notify, uint32_t nsteps,
			uint32_t nvals, size_t strbytes)
{
	size_t bytes = sizeof(struct op) + nvals * sizeof(struct op_val) +
		       nsteps * sizeof(struct op_step) + strbytes;
	struct op *op = xcalloc(1, bytes);
	char *p = (char *)(op + 1);

	op->bytes = bytes;
	op->match = match;
	op->notify = notify;
	/* values first: they hold pointers and int64s, the block's alignment */
	op->vals = (struct op_val *)p;
	p += nvals * sizeof(struct op_val);
	op->steps = (struct op_step *)p;
	p += nsteps * sizeof(struct op_step);
	op->strs = p;
	op->str_cap = strbytes;
	op->cap_steps = nsteps;
	op->cap_vals = nvals;
	return op;
}

/* Aborts on a broken invariant: an operation filled past its size. */
static void op_overflow(const char *what)
{
	fprintf(stderr, "fatal: store operation overflow (%s)\n", what);
	abort();
}

/* Begins the next step of an operation: statement sql; its values follow. */
void store_op_step(struct op *op, enum op_sql sql)
{
	struct op_step *step;

	if (op->nsteps >= op->cap_steps)
		op_overflow("steps");
	step = &op->steps[op->nsteps++];
	step->sql = (uint16_t)sql;
	step->first = op->nvals;
	step->nval = 0;
}

/* Appends a value to the current step. */
static struct op_val *op_val_next(struct op *op)
{
	struct op_val *v;

	if (!op->nsteps || op->nvals >= op->cap_vals)
		op_overflow("values");
	v = &op->vals[op->nvals++];
	op->steps[op->nsteps - 1].nval++;
	return v;
}

/* Appends an integer value. */
void store_op_int(struct op *op, int64_t i)
{
	struct op_val *v = op_val_next(op);

	v->type = OPV_INT;
	v->u.i = i;
}

/* Appends a string value, copied into the operation (NULL binds NULL). */
void store_op_text(struct op *op, const char *str)
{
	struct op_val *v = op_val_next(op);
	size_t n;

	if (!str) {
		v->type = OPV_NULL;
		return;
	}
	n = strlen(str) + 1;
	if (op->str_used + n > op->str_cap)
		op_overflow("strings");
	memcpy(op->strs + op->str_used, str, n);
	v->type = OPV_TEXT;
	v->u.s = op->strs + op->str_used;
	op->str_used += n;
}

/* Allocates a barrier: a token in order and nothing to write. */
struct op *store_op_barrier(uint64_t match, uint64_t notify)
{
	return store_op_new(match, notify, 0, 0, 0);
}

/* Refuses an operation with bad input: logs, counts it as lost, and still
 * delivers its token in order, flagged STORE_TOKEN_LOST, so the caller is
 * neither left waiting nor told it was written. */
void store_op_reject(struct store *s, const char *what, uint64_t match,
		     uint64_t notify)
{
	struct op *op;

	fprintf(stderr, "store: %s for %" PRIu64 " refused: bad input\n", what,
		match);
	store_count_failure(s);
	if (notify) {
		op = store_op_barrier(match, notify);
		op->lost = true;
		store_push(s, op);
	}
}

/* Writes "[a,b,...]" for a display permutation. */
static void store_perm_json(const uint8_t *perm, char *out, size_t cap)
{
	size_t i, n = 0;

	out[n++] = '[';
	for (i = 0; i < ITEM_MAX_OPTIONS && n + 5 < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%u", i ? "," : "",
				      (unsigned)perm[i]);
	out[n++] = ']';
	out[n] = '\0';
}

/* Checks the question ids of a draw (n of them, none NULL or too long). */
static bool store_ids_ok(const char *const *ids, uint32_t n)
{
	uint32_t i;

	if (n > STORE_QUESTIONS_MAX || (n && !ids))
		return false;
	for (i = 0; i < n; i++)
		if (!ids[i] || !store_str_ok(ids[i]))
			return false;
	return true;
}

/* Adds one match_questions step per question: match indexes first.. */
static void op_questions(struct op *op, uint32_t round, uint32_t first,
			 uint32_t n, const char *const *ids,
			 const uint8_t (*perms)[ITEM_MAX_OPTIONS])
{
	char perm[STORE_PERM_JSON_MAX];
	uint32_t i;

	for (i = 0; i < n; i++) {
		store_op_step(op, OPS_MATCH_Q);
		store_op_int(op, (int64_t)op->match);
		store_op_int(op, (int64_t)first + i);
		store_op_text(op, ids[i]);
		if (perms) {
			store_perm_json(perms[i], perm, sizeof(perm));
			store_op_text(op, perm);
		} else {
			store_op_text(op, NULL);
		}
		store_op_int(op, round);
	}
}

/* String bytes of a draw: the ids and their permutations. */
static size_t store_ids_size(const char *const *ids, uint32_t n, bool perms)
{
	size_t bytes = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		bytes += store_op_strsize(ids[i]) +
			 (perms ? STORE_PERM_JSON_MAX : 0);
	return bytes;
}

uint64_t store_match_begin(struct store *s, const struct store_match *m)
{
	return store_match_begin_notify(s, m, 0);
}

uint64_t store_match_begin_notify(struct store *s, const struct store_match *m,
				  uint64_t notify)
{
	uint32_t n, steps;
	uint64_t match;
	struct op *op;

	if (!s || !m || !m->code || !store_str_ok(m->code) ||
	    !store_str_ok(m->title) ||
	    !store_ids_ok(m->question_ids, m->question_count))
		return 0;
	n = m->question_count;
	steps = 1 + n;
	op = store_op_new(
	    0, notify, steps, 9 + 5 * n,
	    store_op_strsize(m->code) + store_op_strsize(m->title) +
		store_ids_size(m->question_ids, n, m->perms != NULL));
	op->match = store_next_match(s);
	store_op_step(op, OPS_MATCH);
	store_op_int(op, (int64_t)op->match);
	store_op_text(op, m->code);
	store_op_text(op, m->title);
	store_op_int(op, m->format);
	store_op_int(op, n);
	store_op_int(op, m->time_limit_us);
	store_op_int(op, m->points);
	/* two's complement bit pattern: SQLite has no unsigned type */
	store_op_int(op, (int64_t)m->seed);
	store_op_int(op, store_wall_us());
	op_questions(op, 0, 0, n, m->question_ids, m->perms);
	match = op->match; /* the writer owns (and may free) op once pushed */
	store_push(s, op);
	return match;
}

void store_match_questions(struct store *s, uint64_t match, uint32_t round,
			   uint32_t first, uint32_t n,
			   const char *const *question_ids,
			   const uint8_t (*perms)[ITEM_MAX_OPTIONS])
{
	uint32_t steps;
	struct op *op;

	if (!s)
		return;
	if (!store_ids_ok(question_ids, n) || first > STORE_QUESTIONS_MAX - n) {
		store_op_reject(s, "match questions", match, 0);
		return;
	}
	steps = n + 1;
	op = store_op_new(match, 0, steps, 5 * n + 2,
			  store_ids_size(question_ids, n, perms != NULL));
	op_questions(op, round, first, n, question_ids, perms);
	/* last: also fails (and takes the rows back) for an unknown match */
	store_op_step(op, OPS_MATCH_COUNT);
	store_op_int(op, (int64_t)match);
	store_op_int(op, (int64_t)first + n);
	store_push(s, op);
}

void store_match_contest(struct store *s, uint64_t match, const char *text)
{
	struct op *op;

	if (!s)
		return;
	/* a contest is longer than a name: a bound of its own */
	if (!text || strnlen(text, STORE_CONTEST_MAX + 1) > STORE_CONTEST_MAX) {
		store_op_reject(s, "contest", match, 0);
		return;
	}
	op = store_op_new(match, 0, 1, 2, store_op_strsize(text));
	store_op_step(op, OPS_CONTEST);
	store_op_int(op, (int64_t)match);
	store_op_text(op, text);
	store_push(s, op);
}

void store_match_definition(struct store *s, uint64_t match, const char *text)
{
	struct op *op;

	if (!s)
		return;
	if (!text || strnlen(text, STORE_CONTEST_MAX + 1) > STORE_CONTEST_MAX) {
		store_op_reject(s, "definition", match, 0);
		return;
	}
	op = store_op_new(match, 0, 1, 2, store_op_strsize(text));
	store_op_step(op, OPS_DEFINITION);
	store_op_int(op, (int64_t)match);
	store_op_text(op, text);
	store_push(s, op);
}

void store_player(struct store *s, uint64_t match, uint32_t player,
		  const char *nick, const char *team)
{
	struct op *op;

	if (!s)
		return;
	if (!nick || !store_str_ok(nick) || !store_str_ok(team)) {
		store_op_reject(s, "player", match, 0);
		return;
	}
	op = store_op_new(match, 0, 1, 5,
			  store_op_strsize(nick) + store_op_strsize(team));
	store_op_step(op, OPS_PLAYER);
	store_op_int(op, (int64_t)match);
	store_op_int(op, player);
	store_op_text(op, nick);
	store_op_text(op, team);
	store_op_int(op, store_wall_us());
	store_push(s, op);
}

/* Whether an event can be written (its strings and seq in range). */
static bool event_ok(const struct store_event *e)
{
	return e && e->kind && *e->kind && store_str_ok(e->kind) &&
	       store_str_ok(e->nick) && store_str_ok(e->team) &&
	       store_str_ok(e->text) && e->seq != 0 && e->seq <= INT64_MAX;
}

/* String bytes an event's step copies. */
static size_t event_strsize(const struct store_event *e)
{
	return store_op_strsize(e->kind) + store_op_strsize(e->nick) +
	       store_op_strsize(e->team) + store_op_strsize(e->text);
}

/* Appends the step that inserts an event (13 values). */
static void op_event(struct op *op, const struct store_event *e)
{
	store_op_step(op, OPS_EVENT);
	store_op_int(op, (int64_t)e->match);
	store_op_int(op, (int64_t)e->seq);
	store_op_text(op, e->kind);
	store_op_int(op, e->at_us);
	store_op_int(op, e->player);
	store_op_int(op, e->q);
	store_op_int(op, e->choice_mask);
	store_op_int(op, e->one_way_us);
	store_op_int(op, e->arg);
	store_op_text(op, e->nick);
	store_op_text(op, e->team);
	store_op_text(op, e->text);
	store_op_int(op, e->arg2);
}

int store_answer(struct store *s, const struct store_answer *a, uint64_t notify)
{
	const struct store_event *ev = a ? a->event : NULL;
	struct op *op;

	if (!s)
		return -EINVAL;
	if (!store_accepting(s)) {
		store_count_refused(s);
		return -QE_STORAGE_UNAVAILABLE;
	}
	if (!a || !store_str_ok(a->text) || (ev && !event_ok(ev))) {
		store_op_reject(s, "answer", a ? a->match : 0, notify);
		return 0;
	}
	/* the answer and its event: one operation, written whole or not at
	 * all, so the ack covers both */
	op = store_op_new(a->match, notify, ev ? 2 : 1, ev ? 23 : 10,
			  store_op_strsize(a->text) +
			      (ev ? event_strsize(ev) : 0));
	if (ev)
		op_event(op, ev);
	store_op_step(op, OPS_ANSWER);
	store_op_int(op, (int64_t)a->match);
	store_op_int(op, a->player);
	store_op_int(op, a->q);
	store_op_int(op, a->choice_mask);
	store_op_text(op, a->text);
	store_op_int(op, a->recv_us);
	store_op_int(op, a->one_way_us);
	store_op_int(op, a->rt_us);
	store_op_int(op, a->correct ? 1 : 0);
	store_op_int(op, a->points);
	store_push(s, op);
	return 0;
}

/* Queues a write of (match, q) by a statement that takes just those. */
static void store_match_q(struct store *s, enum op_sql sql, uint64_t match,
			  uint32_t q, uint64_t notify)
{
	struct op *op;

	if (!s)
		return;
	op = store_op_new(match, notify, 1, 2, 0);
	store_op_step(op, sql);
	store_op_int(op, (int64_t)match);
	store_op_int(op, q);
	store_push(s, op);
}

void store_void_question(struct store *s, uint64_t match, uint32_t q)
{
	store_match_q(s, OPS_VOID, match, q, 0);
}

void store_question_closed(struct store *s, uint64_t match, uint32_t q,
			   uint64_t notify)
{
	store_match_q(s, OPS_CLOSED, match, q, notify);
}

void store_result(struct store *s, const struct store_result *r)
{
	store_results(s, r, r ? 1 : 0);
}

/* An op of n typed rows of rowsize bytes, filled in place, whose rows
 * each run the statements sql[0 .. nsql): [struct op][rows], the rows
 * right after the header (so store_*_push finds the op from them) and
 * aligned as it is. */
static struct op *op_rows_new(size_t n, size_t rowsize, const uint16_t *sql,
			      uint8_t nsql)
{
	size_t rows = (n ? n : 1) * rowsize;
	size_t bytes = sizeof(struct op) + rows;
	struct op *op = xcalloc(1, bytes);

	op->bytes = bytes;
	op->strs = (char *)(op + 1);
	op->str_cap = rows;
	op->row_nsql = nsql;
	memcpy(op->row_sql, sql, nsql * sizeof(*sql));
	return op;
}

/* The op of rows handed out by op_rows_new. */
static struct op *op_of_rows(void *rows)
{
	return (struct op *)rows - 1;
}

/* Queues the first `used` rows of an op of rows (frees it when there is
 * no store or nothing to write). */
static void op_rows_push(struct store *s, struct op *op, uint64_t match,
			 size_t used, size_t rowsize)
{
	if (!s || !used || used * rowsize > op->str_cap) {
		free(op);
		return;
	}
	op->match = match;
	op->str_used = used * rowsize;
	op->nsteps = (uint32_t)(used * op->row_nsql);
	store_push(s, op);
}

struct store_result *store_results_new(size_t n)
{
	static const uint16_t sql[] = {OPS_RESULT};

	if (n > UINT32_MAX)
		abort(); /* a caller bug: no room has that many */
	return (struct store_result *)(void *)op_rows_new(
		   n, sizeof(struct store_result), sql, 1)
	    ->strs;
}

void store_results_push(struct store *s, struct store_result *rows, size_t used)
{
	if (rows)
		op_rows_push(s, op_of_rows(rows), used ? rows[0].match : 0,
			     used, sizeof(*rows));
}

void store_results(struct store *s, const struct store_result *v, size_t n)
{
	struct store_result *rows;

	if (!s || !n)
		return;
	if (!v || n > UINT32_MAX) {
		store_op_reject(s, "result", 0, 0);
		return;
	}
	rows = store_results_new(n);
	memcpy(rows, v, n * sizeof(*v));
	store_results_push(s, rows, n);
}

/* Queues the final state of a match. */
static void store_end_state(struct store *s, uint64_t match, const char *state)
{
	struct op *op;

	if (!s)
		return;
	op = store_op_new(match, 0, 1, 3, store_op_strsize(state));
	store_op_step(op, OPS_END);
	store_op_int(op, (int64_t)match);
	store_op_text(op, state);
	store_op_int(op, store_wall_us());
	store_push(s, op);
}

void store_match_end(struct store *s, uint64_t match, bool finished)
{
	store_end_state(s, match, finished ? "finished" : "ended");
}

void store_match_interrupted(struct store *s, uint64_t match)
{
	store_end_state(s, match, "interrupted");
}

void store_match_running(struct store *s, uint64_t match)
{
	struct op *op;

	if (!s)
		return;
	op = store_op_new(match, 0, 1, 1, 0);
	store_op_step(op, OPS_RUNNING);
	store_op_int(op, (int64_t)match);
	store_push(s, op);
}

void store_event(struct store *s, const struct store_event *e, uint64_t notify)
{
	struct op *op;

	if (!s)
		return;
	if (!event_ok(e)) {
		store_op_reject(s, "event", e ? e->match : 0, notify);
		return;
	}
	op = store_op_new(e->match, notify, 1, 13, event_strsize(e));
	op_event(op, e);
	store_push(s, op);
}

void store_booking(struct store *s, const struct store_booking *b)
{
	store_bookings(s, b, b ? 1 : 0);
}

struct store_booking *store_bookings_new(size_t n)
{
	/* each booking: its row, and the points of the player's answer */
	static const uint16_t sql[] = {OPS_BOOKING, OPS_BOOKING_POINTS};

	if (n > UINT32_MAX / 2)
		abort(); /* a caller bug: no room has that many */
	return (struct store_booking *)(void *)op_rows_new(
		   n, sizeof(struct store_booking), sql, 2)
	    ->strs;
}

void store_bookings_push(struct store *s, struct store_booking *rows,
			 size_t used)
{
	if (rows)
		op_rows_push(s, op_of_rows(rows), used ? rows[0].match : 0,
			     used, sizeof(*rows));
}

void store_bookings(struct store *s, const struct store_booking *v, size_t n)
{
	struct store_booking *rows;

	if (!s || !n)
		return;
	if (!v || n > UINT32_MAX / 2) {
		store_op_reject(s, "booking", 0, 0);
		return;
	}
	rows = store_bookings_new(n);
	memcpy(rows, v, n * sizeof(*v));
	store_bookings_push(s, rows, n);
}

/* True if h is 64 lowercase hex digits (a hash, never a raw token). */
bool store_hash_ok(const char *h)
{
	size_t i;

	if (!h || strnlen(h, STORE_TOKEN_HASH_HEX + 1) != STORE_TOKEN_HASH_HEX)
		return false;
	for (i = 0; i < STORE_TOKEN_HASH_HEX; i++)
		if (!((h[i] >= '0' && h[i] <= '9') ||
		      (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

void store_seat(struct store *s, uint64_t match, uint32_t player,
		const char *token_hash_hex)
{
	struct op *op;

	if (!s)
		return;
	if (!store_hash_ok(token_hash_hex)) {
		store_op_reject(s, "seat", match, 0);
		return;
	}
	op = store_op_new(match, 0, 1, 3, store_op_strsize(token_hash_hex));
	store_op_step(op, OPS_SEAT);
	store_op_int(op, (int64_t)match);
	store_op_int(op, player);
	store_op_text(op, token_hash_hex);
	store_push(s, op);
}

void store_match_judge(struct store *s, uint64_t match,
		       const char *token_hash_hex)
{
	struct op *op;

	if (!s)
		return;
	if (!store_hash_ok(token_hash_hex)) {
		store_op_reject(s, "judge hash", match, 0);
		return;
	}
	op = store_op_new(match, 0, 1, 2, store_op_strsize(token_hash_hex));
	store_op_step(op, OPS_JUDGE_HASH);
	store_op_int(op, (int64_t)match);
	store_op_text(op, token_hash_hex);
	store_push(s, op);
}

/* Whether a press outcome is one the presses table takes. */
static bool press_outcome_ok(const char *o)
{
	static const char *const ok[] = {"won", "slower", "late", "foul",
					 "ignored"};
	size_t i;

	for (i = 0; o && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(o, ok[i]))
			return true;
	return false;
}

void store_presses(struct store *s, const struct store_press *v, size_t n,
		   uint64_t notify)
{
	size_t i, bytes = 0;
	struct op *op;

	if (!s)
		return;
	if (!n) { /* nothing decided: the token alone, in order */
		store_barrier(s, notify);
		return;
	}
	if (!v || n > UINT32_MAX / 10) {
		store_op_reject(s, "press", 0, notify);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!press_outcome_ok(v[i].outcome) || !v[i].seq ||
		    v[i].seq > INT64_MAX) {
			store_op_reject(s, "press", v[0].match, notify);
			return;
		}
		bytes += store_op_strsize(v[i].outcome);
	}
	/* every press of one decision: one queue entry, one savepoint */
	op = store_op_new(v[0].match, notify, (uint32_t)n, (uint32_t)(10 * n),
			  bytes);
	for (i = 0; i < n; i++) {
		store_op_step(op, OPS_PRESS);
		store_op_int(op, (int64_t)v[i].match);
		store_op_int(op, (int64_t)v[i].seq);
		store_op_int(op, v[i].q);
		store_op_int(op, v[i].player);
		store_op_int(op, v[i].arm);
		store_op_int(op, v[i].recv_us);
		store_op_int(op, v[i].comp_us);
		store_op_int(op, v[i].react_us);
		store_op_int(op, v[i].gap_us);
		store_op_text(op, v[i].outcome);
	}
	store_push(s, op);
}

void store_team_result(struct store *s, const struct store_team_result *r)
{
	struct op *op;

	if (!s)
		return;
	if (!r || !r->team || !store_str_ok(r->team)) {
		store_op_reject(s, "team result", r ? r->match : 0, 0);
		return;
	}
	op = store_op_new(r->match, 0, 1, 6, store_op_strsize(r->team));
	store_op_step(op, OPS_TEAM_RESULT);
	store_op_int(op, (int64_t)r->match);
	store_op_text(op, r->team);
	store_op_int(op, r->rank);
	store_op_int(op, r->members);
	store_op_int(op, r->score);
	store_op_int(op, r->points);
	store_push(s, op);
}

void store_barrier(struct store *s, uint64_t notify)
{
	if (!s || !notify)
		return;
	store_push(s, store_op_barrier(0, notify));
}

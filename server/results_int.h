/* What the files of `quizd results` share (private): a match's standings
 * and statistics as four tables of typed cells, read once from the database
 * (results_query.c) and then printed (results_cli.c), written as CSV
 * (results_csv.c) or as an XLSX workbook (results_xlsx.c). */
#ifndef QUIZ_RESULTS_INT_H
#define QUIZ_RESULTS_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum rcell_kind {
	RC_NONE = 0, /* empty cell (no value: an accuracy without answers) */
	RC_INT,
	RC_REAL,
	RC_TEXT,
};

struct rcell {
	enum rcell_kind kind;
	int64_t i;
	double d;
	char *s; /* RC_TEXT: owned, valid UTF-8 (sanitised) */
};

struct rcol {
	const char *zh;	   /* header in the exports (CSV, XLSX) */
	const char *en;	   /* header in `show` */
	int decimals;	   /* RC_REAL: digits after the point */
	unsigned show_max; /* widest in `show` (display columns); 0 hidden */
	bool export;	   /* written to CSV and XLSX */
};

/* One sheet: ncols columns, nrows rows of cells (row-major). */
struct rtable {
	const char *sheet; /* XLSX sheet name */
	const char *name;  /* --sheet name and the `show` heading */
	struct rcol *cols; /* owned */
	size_t ncols;
	struct rcell *cells; /* owned; nrows * ncols */
	size_t nrows, cap;
};

enum rsheet { RS_TEAMS = 0, RS_PLAYERS, RS_QUESTIONS, RS_ANSWERS, RS_COUNT };

/* A match read back. */
struct rmatch {
	int64_t id;
	char *code, *title, *state; /* owned, sanitised */
	int64_t created_at;	    /* wall clock, us since the epoch */
	uint32_t contestants;	    /* players not kicked */
	bool provisional; /* no results rows: computed from the bookings */
	struct rtable t[RS_COUNT];
};

/* Opens path read-only (never created, never migrated) and checks its
 * schema; sets *version (unless NULL) to its schema version. Returns the
 * handle, or NULL after printing why to stderr with the prefix cmd. */
sqlite3 *results_db_open(const char *path, const char *cmd, int *version);

/* Reads match id into m. Returns 0, -ENOENT when there is no such match,
 * -EIO on a database error (written to err, cap bytes). m is freed with
 * results_match_free in every case. */
int results_load(sqlite3 *db, int64_t id, struct rmatch *m, char *err,
		 size_t cap);
/* Frees what results_load filled. */
void results_match_free(struct rmatch *m);

/* The cell at row r, column c. */
struct rcell *rtable_cell(struct rtable *t, size_t r, size_t c);

/* Writes one table as CSV (BOM, CRLF, RFC 4180). Returns 0 or -EIO. */
int results_csv(const struct rtable *t, FILE *out);

/* Writes tables v[0..n) as the sheets of one XLSX workbook to path, in
 * that order. Returns 0, or -EIO with the reason in err (cap bytes). */
int results_xlsx_tables(const struct rtable *const *v, size_t n,
			const char *path, char *err, size_t cap);

/* Prints a table's visible columns aligned by display width (results_cli.c),
 * or "(none)". */
void results_print_table(const struct rtable *t, FILE *out);
/* Writes an export of tables v[0..n) to out_path (NULL or "-": stdout)
 * through a temporary file renamed into place: all of them as an XLSX
 * workbook, or v[csv] alone as CSV. Returns the exit status (0 or 1,
 * after printing why with the prefix cmd). */
int results_write(const struct rtable *const *v, size_t n, bool xlsx,
		  size_t csv, const char *cmd, const char *out_path);
/* Whether an XLSX export to out_path (NULL or "-": stdout) would go to a
 * terminal; if so, says so to stderr with the prefix cmd (the caller then
 * exits 2). */
bool results_xlsx_to_tty(const char *out_path, const char *cmd);
/* Frees the cells and columns of a table. */
void results_table_free(struct rtable *t);

/* `quizd results practice` (results_practice.c): argv[0] is "practice".
 * Returns the exit status. */
int results_practice(int argc, char **argv);

/* Writes the local date and time of a wall-clock time in microseconds
 * ("2026-11-30 10:05:00") to out (cap bytes). */
void results_local_time(int64_t us, char *out, size_t cap);

/* ---- the reading side, shared by results_query.c (match, players,
 * standings) and results_questions.c (questions, answers) */

#define OPT_MAX	 8     /* ITEM_MAX_OPTIONS: display slots A..H */
#define CELL_MAX 32000 /* bytes of one text cell (XLSX allows 32767 chars) */

struct rplayer {
	int64_t id;
	char *nick, *team; /* team NULL: none */
	bool kicked;
	int64_t score, correct, time_us;
	int64_t rank;
};

struct rq {
	int64_t idx, round;
	char *qid, *kind, *stem, *fills;
	bool known, choice, perm_ok;
	int nopt;
	uint32_t correct_mask;
	int perm[OPT_MAX];
	int64_t answers, right, voided;
	int64_t wrong[OPT_MAX];
	int64_t *rt;
	size_t nrt, rtcap;
};

struct rload {
	sqlite3 *db;
	int64_t id;
	struct rmatch *m;
	struct rplayer *pl;
	size_t npl;
	int64_t *kicked;
	size_t nkicked;
	struct rq *q;
	size_t nq;
	int maxopt;
	char *err;
	size_t cap;
};

/* A text column copied for display: control characters but LF dropped,
 * invalid bytes replaced, cut to CELL_MAX bytes; NULL stays NULL. */
char *results_col_text(sqlite3_stmt *st, int i);
/* Sets a table's sheet and --sheet names and its columns (copied). */
void results_table_init(struct rtable *t, const char *sheet, const char *name,
			const struct rcol *cols, size_t ncols);
/* Appends an empty row. Returns its index. */
size_t results_row(struct rtable *t);
/* Set one cell: an integer, a real, a copy of a text (NULL: left empty). */
void results_set_int(struct rtable *t, size_t r, size_t c, int64_t v);
void results_set_real(struct rtable *t, size_t r, size_t c, double v);
void results_set_text(struct rtable *t, size_t r, size_t c, const char *s);
/* Prepares sql with the match id bound to ?1; NULL after writing the
 * error to L->err. */
sqlite3_stmt *results_prep(struct rload *L, const char *sql);
/* Finalizes a statement stepped to rc: 0 when rc is SQLITE_DONE, else
 * -EIO with the error in L->err. */
int results_done(struct rload *L, sqlite3_stmt *st, int rc);
/* A player of L by id (L->pl is sorted by id), or NULL. */
struct rplayer *results_player(struct rload *L, int64_t id);
/* Reads the draw into L->q (results_questions.c). Returns 0 or -EIO. */
int results_load_questions(struct rload *L);
/* Fills the answers sheet and the counts of L->q. Returns 0 or -EIO. */
int results_load_answers(struct rload *L);
/* Fills the per-question sheet from L->q. */
void results_question_table(struct rload *L);

#endif

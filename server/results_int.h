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
 * schema. Returns the handle, or NULL after printing why to stderr with
 * the prefix cmd. */
sqlite3 *results_db_open(const char *path, const char *cmd);

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

/* Writes the four tables as an XLSX workbook to path. Returns 0, or -EIO
 * with the reason in err (cap bytes). */
int results_xlsx(const struct rmatch *m, const char *path, char *err,
		 size_t cap);

/* Writes the local date and time of a wall-clock time in microseconds
 * ("2026-11-30 10:05:00") to out (cap bytes). */
void results_local_time(int64_t us, char *out, size_t cap);

#endif

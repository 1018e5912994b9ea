/* `quizd results list|show|export`: the command line, the listing of the
 * matches, the standings printed for a terminal (aligned by display width:
 * a Chinese character takes two columns), and the export written to a
 * file or to stdout. The tables come from results_query.c; docs/RESULTS.md
 * describes the commands and every column. */
#include "results_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results_int.h"
#include "text.h"
#include "xalloc.h"

#define DEFAULT_DB "quizd.db" /* as quizd's --db */

/* Prints the usage text to out. */
static void results_usage(FILE *out)
{
	fputs(
	    "usage: quizd results list [--db PATH] [--json]\n"
	    "       quizd results show [--db PATH] MATCH\n"
	    "       quizd results export [--db PATH] MATCH --format csv|xlsx\n"
	    "                            [--sheet teams|players|questions|"
	    "answers] [-o FILE]\n"
	    "       quizd results practice [--db PATH] [--team T]\n"
	    "                            [--format text|csv|xlsx] [--sheet "
	    "persons|teams|categories] [-o FILE]\n"
	    "\n"
	    "list: one line per match, newest first: id, local date and\n"
	    "time it was created, title, room code, contestants (players\n"
	    "not kicked) and state. --json: the same as a JSON array.\n"
	    "\n"
	    "show: team and individual standings (provisional, computed\n"
	    "from the bookings, while the match has no final results), and\n"
	    "per question the answers, accuracy, median response time and\n"
	    "how often each wrong option (display letter) was chosen.\n"
	    "\n"
	    "export: csv writes one sheet (--sheet, default players) as\n"
	    "UTF-8 with a byte-order mark and CRLF line ends; xlsx writes\n"
	    "the sheets 团体排名, 个人排名, 每题统计 and 答题明细. -o FILE\n"
	    "(default stdout; xlsx is never written to a terminal).\n"
	    "\n"
	    "practice: the progress of every person who practised (or of\n"
	    "team T), per person, per team and (xlsx) per category; see\n"
	    "`quizd results practice --help`.\n"
	    "\n"
	    "  --db PATH   the quizd database (default " DEFAULT_DB "; opened\n"
	    "              read-only, never created)\n"
	    "  --help      this text\n"
	    "\n"
	    "Exit status: 0 ok, 1 failure (no such database or match, I/O\n"
	    "error), 2 usage error. See docs/RESULTS.md.\n",
	    out);
}

/* A cell as one line of text for the terminal (a new string). */
static char *cell_str(const struct rcol *col, const struct rcell *c)
{
	char buf[64], *s, *p;

	switch (c->kind) {
	case RC_INT:
		snprintf(buf, sizeof(buf), "%" PRId64, c->i);
		return xstrdup(buf);
	case RC_REAL:
		snprintf(buf, sizeof(buf), "%.*f", col->decimals, c->d);
		return xstrdup(buf);
	case RC_TEXT:
		s = xstrdup(c->s);
		for (p = s; *p; p++)
			if (*p == '\n')
				*p = ' ';
		return s;
	case RC_NONE:
		break;
	}
	return xstrdup("-");
}

/* Writes s cut to w display columns ("…" marks a cut) and padded to w
 * (numbers on the left; text on the right, unless it ends the line). */
static void put_fit(const char *s, size_t w, bool right, bool end, FILE *out)
{
	size_t len = strlen(s), used = 0, i = 0, dw = text_display_width(s);

	if (dw <= w) {
		if (right)
			fprintf(out, "%*s", (int)(w - dw), "");
		fputs(s, out);
		if (!right && !end)
			fprintf(out, "%*s", (int)(w - dw), "");
		return;
	}
	while (i < len) {
		uint32_t cp;
		int n = text_utf8_next(s + i, len - i, &cp);
		size_t cw;

		if (n < 0)
			n = 1;
		cw = (size_t)text_cp_width(cp);
		if (used + cw + 1 > w)
			break;
		fwrite(s + i, 1, (size_t)n, out);
		used += cw;
		i += (size_t)n;
	}
	fputs("…", out);
	used++;
	if (!end)
		fprintf(out, "%*s", (int)(w - used), "");
}

/* Prints a table's visible columns aligned, or "(none)" (results_int.h). */
void results_print_table(const struct rtable *t, FILE *out)
{
	size_t *w = xcalloc(t->ncols ? t->ncols : 1, sizeof(*w));
	char **s = xcalloc(t->nrows * t->ncols + 1, sizeof(*s));
	size_t r, c, last = 0;

	for (c = 0; c < t->ncols; c++)
		if (t->cols[c].show_max)
			w[c] = text_display_width(t->cols[c].en);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t k = r * t->ncols + c, dw;

			if (!t->cols[c].show_max)
				continue;
			s[k] = cell_str(&t->cols[c], &t->cells[k]);
			dw = text_display_width(s[k]);
			if (dw > w[c])
				w[c] = dw;
		}
	for (c = 0; c < t->ncols; c++)
		if (w[c] > t->cols[c].show_max)
			w[c] = t->cols[c].show_max;
	for (c = 0; c < t->ncols; c++)
		if (t->cols[c].show_max)
			last = c;
	for (c = 0; c < t->ncols; c++)
		if (t->cols[c].show_max) {
			put_fit(t->cols[c].en, w[c], false, c == last, out);
			fputs(c == last ? "\n" : "  ", out);
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			size_t k = r * t->ncols + c;

			if (!t->cols[c].show_max)
				continue;
			put_fit(s[k], w[c],
				t->cells[k].kind == RC_INT ||
				    t->cells[k].kind == RC_REAL,
				c == last, out);
			fputs(c == last ? "\n" : "  ", out);
		}
	}
	if (!t->nrows)
		fputs("(none)\n", out);
	for (r = 0; r < t->nrows * t->ncols; r++)
		free(s[r]);
	free(s);
	free(w);
}

/* Writes s as a JSON string. */
static void json_str(const char *s, FILE *out)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

/* Sanitised copy of a text column (NULL: ""). */
static char *col_str(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n = s ? (size_t)sqlite3_column_bytes(st, i) : 0;
	char *out = xmalloc(n * 3 + 1);

	text_sanitize(out, n * 3 + 1, s, 0);
	return out;
}

static const struct rcol list_cols[] = {
    {"", "id", 0, 8, true},	      {"", "created", 0, 19, true},
    {"", "title", 0, 30, true},	      {"", "code", 0, 12, true},
    {"", "contestants", 0, 11, true}, {"", "state", 0, 11, true},
};

/* `quizd results list`: one line (or JSON object) per match. */
static int results_list(sqlite3 *db, const char *cmd, bool json)
{
	struct rtable t;
	sqlite3_stmt *st = NULL;
	size_t r, k;
	int rc;

	memset(&t, 0, sizeof(t));
	t.cols = (struct rcol *)list_cols;
	t.ncols = sizeof(list_cols) / sizeof(list_cols[0]);
	/* contestants: players rows less those a kick event names */
	if (sqlite3_prepare_v2(
		db,
		"SELECT m.id, m.created_at, m.title, m.code, max(0, (SELECT"
		" count(*) FROM players p WHERE p.match_id = m.id) - (SELECT"
		" count(DISTINCT e.player_id) FROM events e WHERE e.match_id ="
		" m.id AND e.kind = 'kick')), m.state FROM matches m ORDER BY"
		" m.created_at DESC, m.id DESC",
		-1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (json)
		fputs("[", stdout);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char when[32], *title = col_str(st, 2), *code = col_str(st, 3),
			       *state = col_str(st, 5);
		struct rcell *c;

		results_local_time(sqlite3_column_int64(st, 1), when,
				   sizeof(when));
		if (json) {
			printf("%s\n {\"id\": %lld, \"created\": ",
			       t.nrows ? "," : "",
			       (long long)sqlite3_column_int64(st, 0));
			json_str(when, stdout);
			printf(", \"created_us\": %lld, \"title\": ",
			       (long long)sqlite3_column_int64(st, 1));
			json_str(title, stdout);
			fputs(", \"code\": ", stdout);
			json_str(code, stdout);
			printf(", \"contestants\": %lld, \"state\": ",
			       (long long)sqlite3_column_int64(st, 4));
			json_str(state, stdout);
			fputs("}", stdout);
		}
		if (t.nrows == t.cap) {
			t.cap = t.cap ? t.cap * 2 : 16;
			t.cells = xrealloc(t.cells,
					   t.cap * t.ncols * sizeof(*t.cells));
		}
		c = &t.cells[t.nrows++ * t.ncols];
		memset(c, 0, t.ncols * sizeof(*c));
		c[0] = (struct rcell){RC_INT, sqlite3_column_int64(st, 0), 0,
				      NULL};
		c[1] = (struct rcell){RC_TEXT, 0, 0, xstrdup(when)};
		c[2] = (struct rcell){RC_TEXT, 0, 0, title};
		c[3] = (struct rcell){RC_TEXT, 0, 0, code};
		c[4] = (struct rcell){RC_INT, sqlite3_column_int64(st, 4), 0,
				      NULL};
		c[5] = (struct rcell){RC_TEXT, 0, 0, state};
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	if (json)
		fputs(t.nrows ? "\n]\n" : "]\n", stdout);
	else
		results_print_table(&t, stdout);
	for (k = 0; k < t.nrows * t.ncols; k++)
		free(t.cells[k].s);
	free(t.cells);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
fail:
	fprintf(stderr, "%s: %s\n", cmd, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	for (r = 0; r < t.nrows * t.ncols; r++)
		free(t.cells[r].s);
	free(t.cells);
	return 1;
}

/* `quizd results show MATCH`. */
static int results_show(const struct rmatch *m)
{
	static const char *const heads[RS_COUNT] = {
	    "Team standings", "Individual standings", "Questions", ""};
	char when[32];
	size_t i;

	results_local_time(m->created_at, when, sizeof(when));
	printf("match %lld: %s (%s), %s, created %s, %u contestants, %zu "
	       "questions, %zu answers\n",
	       (long long)m->id, m->title ? m->title : "",
	       m->code ? m->code : "", m->state ? m->state : "?", when,
	       m->contestants, m->t[RS_QUESTIONS].nrows,
	       m->t[RS_ANSWERS].nrows);
	if (m->provisional)
		printf("provisional: no final results stored (state %s); "
		       "standings computed from the questions booked so "
		       "far\n",
		       m->state ? m->state : "?");
	for (i = 0; i < RS_ANSWERS; i++) {
		printf("\n%s%s\n", heads[i],
		       m->provisional && i != RS_QUESTIONS ? " (provisional)"
							   : "");
		results_print_table(&m->t[i], stdout);
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

/* Copies the file at path to stdout. Returns 0 or -EIO. */
static int copy_out(const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return -EIO;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			rc = -EIO;
	if (ferror(f))
		rc = -EIO;
	fclose(f);
	return fflush(stdout) == 0 && rc == 0 ? 0 : -EIO;
}

/* Makes an empty temporary file named after base (base.XXXXXX), readable
 * as a new file would be. Returns its name (free it) or NULL. */
static char *temp_beside(const char *base)
{
	size_t n = strlen(base);
	char *tmp = xmalloc(n + 8);
	mode_t um = umask(0);
	int fd;

	umask(um);
	memcpy(tmp, base, n);
	memcpy(tmp + n, ".XXXXXX", 8);
	fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return NULL;
	}
	fchmod(fd, 0666 & ~um);
	close(fd);
	return tmp;
}

/* Writes tables v[0..n) as an export to out_path (NULL or "-": stdout)
 * through a temporary file renamed into place, so a failed export leaves no
 * partial file: every table as a sheet of an XLSX workbook, or v[csv] alone
 * as CSV. Returns the exit status (results_int.h). */
int results_write(const struct rtable *const *v, size_t n, bool xlsx,
		  size_t csv, const char *cmd, const char *out_path)
{
	bool to_stdout = !out_path || strcmp(out_path, "-") == 0;
	char err[256] = "", *tmp;
	const char *tdir = getenv("TMPDIR");
	char base[4096];
	int rc;

	if (!xlsx && to_stdout) {
		rc = results_csv(v[csv], stdout);
		if (rc == 0 && fflush(stdout) != 0)
			rc = -EIO;
		if (rc < 0)
			fprintf(stderr, "%s: writing stdout: %s\n", cmd,
				strerror(errno));
		return rc < 0 ? 1 : 0;
	}
	if (to_stdout)
		snprintf(base, sizeof(base), "%s/quizd-results",
			 tdir && *tdir ? tdir : "/tmp");
	else
		snprintf(base, sizeof(base), "%s", out_path);
	tmp = temp_beside(base);
	if (!tmp) {
		fprintf(stderr, "%s: %s: %s\n", cmd, base, strerror(errno));
		return 1;
	}
	if (xlsx) {
		rc = results_xlsx_tables(v, n, tmp, err, sizeof(err));
	} else {
		FILE *f = fopen(tmp, "wb");

		rc = f ? results_csv(v[csv], f) : -EIO;
		if (f && fclose(f) != 0)
			rc = -EIO;
		if (rc < 0)
			snprintf(err, sizeof(err), "%s", strerror(errno));
	}
	if (rc == 0 && to_stdout) {
		rc = copy_out(tmp);
		if (rc < 0)
			snprintf(err, sizeof(err), "writing stdout");
	} else if (rc == 0 && rename(tmp, out_path) != 0) {
		snprintf(err, sizeof(err), "%s", strerror(errno));
		rc = -EIO;
	}
	if (rc < 0 || to_stdout)
		unlink(tmp);
	free(tmp);
	if (rc < 0) {
		fprintf(stderr, "%s: %s: %s\n", cmd,
			to_stdout ? "stdout" : out_path, err);
		return 1;
	}
	return 0;
}

/* Writes the export of a match: its four sheets, or one as CSV. */
static int results_export(const struct rmatch *m, const char *cmd, bool xlsx,
			  enum rsheet sheet, const char *out_path)
{
	const struct rtable *v[RS_COUNT] = {&m->t[RS_TEAMS], &m->t[RS_PLAYERS],
					    &m->t[RS_QUESTIONS],
					    &m->t[RS_ANSWERS]};

	return results_write(v, RS_COUNT, xlsx, (size_t)sheet, cmd, out_path);
}

/* Reads a match id operand. Returns 0 or -1. */
static int parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

struct results_args {
	const char *db, *format, *sheet, *out;
	const char *match;
	bool json;
};

/* Reads the options and operands after the subcommand. Returns 0, 1 for
 * --help (printed), or 2 after printing a usage error. */
static int parse_args(int argc, char **argv, const char *cmd, bool list,
		      bool export, struct results_args *a)
{
	bool options_done = false;
	int i;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char **val = NULL;

		if (!options_done && strcmp(s, "--") == 0) {
			options_done = true;
			continue;
		}
		if (!options_done &&
		    (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0)) {
			results_usage(stdout);
			return 1;
		}
		if (!options_done && strcmp(s, "--db") == 0)
			val = &a->db;
		else if (!options_done && export && strcmp(s, "--format") == 0)
			val = &a->format;
		else if (!options_done && export && strcmp(s, "--sheet") == 0)
			val = &a->sheet;
		else if (!options_done && export &&
			 (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0))
			val = &a->out;
		else if (!options_done && list && strcmp(s, "--json") == 0) {
			a->json = true;
			continue;
		} else if (!options_done && s[0] == '-' && s[1]) {
			fprintf(stderr, "%s: unknown option %s\n", cmd, s);
			return 2;
		} else if (list || a->match) {
			fprintf(stderr, "%s: unexpected operand %s\n", cmd, s);
			return 2;
		} else {
			a->match = s;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "%s: %s needs a value\n", cmd, s);
			return 2;
		}
		*val = argv[++i];
	}
	if (!list && !a->match) {
		fprintf(stderr,
			"%s: which MATCH (an id from `quizd results "
			"list`)?\n",
			cmd);
		return 2;
	}
	return 0;
}

/* Checks the export options. Returns 0 or 2 after printing why. */
static int check_export(const struct results_args *a, const char *cmd,
			bool *xlsx, enum rsheet *sheet)
{
	static const char *const names[RS_COUNT] = {"teams", "players",
						    "questions", "answers"};
	int i;

	if (!a->format) {
		fprintf(stderr, "%s: --format csv|xlsx is required\n", cmd);
		return 2;
	}
	if (strcmp(a->format, "csv") != 0 && strcmp(a->format, "xlsx") != 0) {
		fprintf(stderr, "%s: --format %s: csv or xlsx\n", cmd,
			a->format);
		return 2;
	}
	*xlsx = a->format[0] == 'x';
	*sheet = RS_PLAYERS;
	if (a->sheet) {
		if (*xlsx) {
			fprintf(stderr,
				"%s: --sheet is for csv (xlsx has every "
				"sheet)\n",
				cmd);
			return 2;
		}
		for (i = 0; i < RS_COUNT; i++)
			if (strcmp(a->sheet, names[i]) == 0)
				break;
		if (i == RS_COUNT) {
			fprintf(stderr,
				"%s: --sheet %s: teams, players, questions or "
				"answers\n",
				cmd, a->sheet);
			return 2;
		}
		*sheet = (enum rsheet)i;
	}
	if (*xlsx && results_xlsx_to_tty(a->out, cmd))
		return 2;
	return 0;
}

/* Whether XLSX would go to a terminal, said (results_int.h). */
bool results_xlsx_to_tty(const char *out_path, const char *cmd)
{
	if ((out_path && strcmp(out_path, "-") != 0) || !isatty(STDOUT_FILENO))
		return false;
	fprintf(stderr,
		"%s: not writing a binary XLSX file to a terminal; "
		"use -o FILE or redirect stdout\n",
		cmd);
	return true;
}

/* `quizd results ...` (results_cli.h). */
int results_cli(int argc, char **argv)
{
	struct results_args a;
	char cmd[64], err[256] = "";
	bool list, export, xlsx = false;
	enum rsheet sheet = RS_PLAYERS;
	struct rmatch m;
	sqlite3 *db;
	int64_t id = 0;
	int rc;

	memset(&a, 0, sizeof(a));
	if (argc < 1 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "-h") == 0) {
		results_usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	if (strcmp(argv[0], "practice") == 0)
		return results_practice(argc, argv);
	list = strcmp(argv[0], "list") == 0;
	export = strcmp(argv[0], "export") == 0;
	if (!list && !export && strcmp(argv[0], "show") != 0) {
		fprintf(stderr, "quizd results: unknown command %s\n", argv[0]);
		results_usage(stderr);
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "quizd results %s", argv[0]);
	rc = parse_args(argc, argv, cmd, list, export, &a);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (a.match && parse_id(a.match, &id) < 0) {
		fprintf(stderr, "%s: %s: not a match id (1, 2, ...)\n", cmd,
			a.match);
		return 2;
	}
	if (export && (rc = check_export(&a, cmd, &xlsx, &sheet)) != 0)
		return rc;
	db = results_db_open(a.db ? a.db : DEFAULT_DB, cmd, NULL);
	if (!db)
		return 1;
	if (list) {
		rc = results_list(db, cmd, a.json);
		sqlite3_close(db);
		return rc;
	}
	rc = results_load(db, id, &m, err, sizeof(err));
	sqlite3_close(db);
	if (rc == -ENOENT)
		fprintf(stderr, "%s: no match %lld in %s\n", cmd, (long long)id,
			a.db ? a.db : DEFAULT_DB);
	else if (rc < 0)
		fprintf(stderr, "%s: %s: %s\n", cmd, a.db ? a.db : DEFAULT_DB,
			err);
	if (rc < 0) {
		results_match_free(&m);
		return 1;
	}
	rc = export ? results_export(&m, cmd, xlsx, sheet, a.out)
		    : results_show(&m);
	results_match_free(&m);
	return rc;
}

/* `quizd results practice`: the progress of the persons who practised
 * (schema v6), per person, per team and per category, printed for a
 * terminal or exported as CSV or XLSX like `quizd results export`. Every
 * figure is core/practice.h's: each person's stored rows are loaded into a
 * practice_set over the bank (practice_set_load, practice_person_parse)
 * and added to a practice_progress (the person's, their team's, and every
 * selected person's for the categories). Rows the core refuses (an item no
 * longer in the bank, a state text it cannot parse) are skipped and
 * counted, as the server skips them. docs/RESULTS.md "Practice". */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "item.h"
#include "practice.h"
#include "results_int.h"
#include "xalloc.h"

#define DEFAULT_DB	   "quizd.db"
#define PRACTICE_SCHEMA	   6
#define PRACTICE_NO_TEAM   ""
#define PRACTICE_ALL_LABEL "全部"

enum { PT_PERSONS = 0, PT_TEAMS, PT_CATS, PT_COUNT };

/* One team's (or everyone's) progress while persons are added. */
struct pteam {
	char *name;  /* raw team text ("" none): what persons rows hold */
	char *shown; /* the same sanitised for display */
	struct practice_progress p;
};

/* Everything one run reads and computes. */
struct pctx {
	sqlite3 *db;
	const char *team; /* --team, or NULL: every person */
	struct bank *bank;
	int32_t utc_offset_s;
	int64_t now_us;
	struct pteam *teams; /* sorted by name (the order SQL gave) */
	size_t nteams;
	struct pteam all;
	struct rtable t[PT_COUNT];
	size_t persons, items_gone, items_bad, states_bad;
	char err[256];
};

/* clang-format off */
static const struct rcol person_cols[] = {
	{"队伍", "team", 0, 16, true},
	{"昵称", "nick", 0, 16, true},
	{"作答", "answers", 0, 8, true},
	{"答对", "right", 0, 8, true},
	{"正确率(%)", "acc%", 1, 6, true},
	{"练习时长(分钟)", "minutes", 1, 8, true},
	{"已练题数", "seen", 0, 6, true},
	{"已掌握", "mastered", 0, 8, true},
	{"题库题数", "items", 0, 0, true},
	{"掌握率(%)", "mastery%", 1, 8, true},
	{"错题本", "review", 0, 6, true},
	{"当前连对", "streak", 0, 6, true},
	{"最长连对", "best", 0, 6, true},
	{"连续天数", "days", 0, 5, true},
	{"最长连续天数", "best days", 0, 9, true},
	{"最近练习", "last practised", 0, 19, true},
};
static const struct rcol team_cols[] = {
	{"队伍", "team", 0, 16, true},
	{"人数", "persons", 0, 7, true},
	{"作答", "answers", 0, 8, true},
	{"答对", "right", 0, 8, true},
	{"正确率(%)", "acc%", 1, 6, true},
	{"练习时长(分钟)", "minutes", 1, 8, true},
	{"已练题数", "seen", 0, 6, true},
	{"已掌握", "mastered", 0, 8, true},
	{"题库题数", "items", 0, 0, true},
	{"掌握率(%)", "mastery%", 1, 8, true},
	{"错题本", "review", 0, 6, true},
	{"最长连对", "best", 0, 6, true},
	{"最长连续天数", "best days", 0, 9, true},
	{"最近练习", "last practised", 0, 19, true},
};
static const struct rcol cat_cols[] = {
	{"范围", "scope", 0, 6, true},
	{"队伍", "team", 0, 16, true},
	{"分类", "category", 0, 20, true},
	{"题数", "items", 0, 6, true},
	{"人数", "persons", 0, 7, true},
	{"已练题数", "seen", 0, 6, true},
	{"已掌握", "mastered", 0, 8, true},
	{"掌握率(%)", "mastery%", 1, 8, true},
	{"错题本", "review", 0, 6, true},
	{"作答", "answers", 0, 8, true},
	{"正确率(%)", "acc%", 1, 6, true},
};
/* clang-format on */

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* Prints the usage text to out. */
static void practice_usage(FILE *out)
{
	fputs("usage: quizd results practice [--db PATH] [--team T]\n"
	      "                              [--format text|csv|xlsx]\n"
	      "                              [--sheet persons|teams|"
	      "categories] [-o FILE]\n"
	      "\n"
	      "The practice progress stored by quizd (schema 6): one row\n"
	      "per person (team, nickname, answers, accuracy, time\n"
	      "practised, items seen and mastered, 掌握率, 错题本 size,\n"
	      "answer and day streaks, last practised), one per team (sums;\n"
	      "streaks the best of its members) and, in xlsx, one per\n"
	      "category for everyone and for each team. Figures are\n"
	      "core/practice.h's over the bank in the database; days are\n"
	      "counted in the local time zone (TZ).\n"
	      "\n"
	      "  --team T      only the persons of team T (\"\" for no team)\n"
	      "  --format F    text (default: a terminal table of persons\n"
	      "                and teams), csv (one sheet: --sheet, default\n"
	      "                persons; UTF-8 with a BOM) or xlsx (the\n"
	      "                sheets 个人练习, 团体练习, 分类进度)\n"
	      "  -o FILE       write there (default stdout; xlsx is never\n"
	      "                written to a terminal)\n"
	      "  --db PATH     the quizd database (default " DEFAULT_DB
	      "; opened\n"
	      "                read-only, never created)\n"
	      "  --help        this text\n"
	      "\n"
	      "Exit status: 0 ok, 1 failure (no such database, schema older\n"
	      "than 6, I/O error), 2 usage error. See docs/RESULTS.md.\n",
	      out);
}

/* The local time zone's offset from UTC at t, in seconds (POSIX has no
 * tm_gmtoff: the difference of the broken-down local and UTC times). */
static int32_t practice_utc_offset(time_t t)
{
	struct tm l, g;
	long days;

	if (!localtime_r(&t, &l) || !gmtime_r(&t, &g))
		return 0;
	if (l.tm_year != g.tm_year)
		days = l.tm_year > g.tm_year ? 1 : -1;
	else
		days = l.tm_yday - g.tm_yday;
	return (int32_t)(((days * 24 + l.tm_hour - g.tm_hour) * 60 + l.tm_min -
			  g.tm_min) *
			     60 +
			 l.tm_sec - g.tm_sec);
}

/* Reads the bank as quizd loads it (store_load_bank: questions by id),
 * with what the practice figures use: id, kind, category. */
static int practice_load_bank(struct pctx *c)
{
	sqlite3_stmt *st = NULL;
	struct item it;
	int rc, k;

	c->bank = bank_new();
	if (!c->bank) {
		snprintf(c->err, sizeof(c->err), "out of memory");
		return -ENOMEM;
	}
	if (sqlite3_prepare_v2(c->db,
			       "SELECT id, kind, category FROM questions"
			       " ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *id = sqlite3_column_text(st, 0);
		const unsigned char *cat = sqlite3_column_text(st, 2);

		memset(&it, 0, sizeof(it));
		k = item_kind_parse((const char *)sqlite3_column_text(st, 1));
		/* store_load_bank refuses such a bank; here it only
		 * counts as an item of its category */
		it.kind = k >= 0 ? (enum item_kind)k : ITEM_SINGLE;
		it.id = xstrdup(id ? (const char *)id : "");
		/* sanitised here: the categories are only shown */
		it.category = cat ? results_col_text(st, 2) : NULL;
		if (bank_add(c->bank, &it) < 0) {
			item_clear(&it);
			snprintf(c->err, sizeof(c->err), "out of memory");
			sqlite3_finalize(st);
			return -ENOMEM;
		}
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	snprintf(c->err, sizeof(c->err), "%s", sqlite3_errmsg(c->db));
	sqlite3_finalize(st);
	return -EIO;
}

/* Reads the teams of the selected persons (sorted) and makes their
 * progress tables, and everyone's. */
static int practice_load_teams(struct pctx *c)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	if (practice_progress_init(&c->all.p, c->bank) < 0)
		goto oom;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT DISTINCT team FROM persons WHERE ?1 IS"
			       " NULL OR team = ?1 ORDER BY team",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (c->team)
		sqlite3_bind_text(st, 1, c->team, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		if (c->nteams == cap) {
			cap = cap ? cap * 2 : 16;
			c->teams = xrealloc(c->teams, cap * sizeof(*c->teams));
		}
		memset(&c->teams[c->nteams], 0, sizeof(*c->teams));
		c->teams[c->nteams].name =
		    xstrdup(t ? (const char *)t : PRACTICE_NO_TEAM);
		c->teams[c->nteams].shown = results_col_text(st, 0);
		if (practice_progress_init(&c->teams[c->nteams++].p, c->bank) <
		    0) {
			sqlite3_finalize(st);
			goto oom;
		}
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	snprintf(c->err, sizeof(c->err), "%s", sqlite3_errmsg(c->db));
	sqlite3_finalize(st);
	return -EIO;
oom:
	snprintf(c->err, sizeof(c->err), "out of memory");
	return -ENOMEM;
}

/* The team of that name (teams sorted by strcmp, as SQLite's BINARY
 * collation sorts them), or NULL. */
static struct pteam *practice_team(struct pctx *c, const char *name)
{
	size_t lo = 0, hi = c->nteams, mid;
	int d;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = strcmp(c->teams[mid].name, name);
		if (!d)
			return &c->teams[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A rate in thousandths as a percentage cell. */
static void practice_set_pct(struct rtable *t, size_t r, size_t col,
			     uint32_t permille)
{
	results_set_real(t, r, col, permille / 10.0);
}

/* The local date and time of a µs time as a cell (empty for never). */
static void practice_set_when(struct rtable *t, size_t r, size_t col,
			      int64_t us)
{
	char when[32];

	if (us <= 0)
		return;
	results_local_time(us, when, sizeof(when));
	results_set_text(t, r, col, when);
}

/* A text column sanitised for display into a cell. */
static void practice_set_col(struct rtable *t, size_t r, size_t col,
			     sqlite3_stmt *st, int i)
{
	char *s = results_col_text(st, i);

	results_set_text(t, r, col, s ? s : "");
	free(s);
}

/* Columns 2-10 of a person's or a team's row, the same in both tables
 * (answers .. 错题本): the figures of p over the whole bank. */
static void practice_set_figures(struct rtable *t, size_t r,
				 const struct practice_progress *p)
{
	const struct practice_cat *a = &p->all;

	results_set_int(t, r, 2, (int64_t)(a->right + a->wrong));
	results_set_int(t, r, 3, (int64_t)a->right);
	if (a->right + a->wrong)
		practice_set_pct(t, r, 4, practice_accuracy(a));
	results_set_real(t, r, 5, (double)p->time_us / PRACTICE_MIN_US);
	results_set_int(t, r, 6, (int64_t)a->seen);
	results_set_int(t, r, 7, (int64_t)a->mastered);
	results_set_int(t, r, 8, a->items);
	practice_set_pct(t, r, 9, practice_mastery(p, a));
	results_set_int(t, r, 10, (int64_t)a->review);
}

/* The row of one person: their progress p (one add). */
static void practice_person_row(struct pctx *c, sqlite3_stmt *st,
				const struct practice_progress *p)
{
	struct rtable *t = &c->t[PT_PERSONS];
	size_t r = results_row(t);

	practice_set_col(t, r, 0, st, 2);
	practice_set_col(t, r, 1, st, 1);
	practice_set_figures(t, r, p);
	results_set_int(t, r, 11, p->streak);
	results_set_int(t, r, 12, p->best_streak);
	results_set_int(t, r, 13, p->days);
	results_set_int(t, r, 14, p->best_days);
	practice_set_when(t, r, 15, p->last_at);
}

/* Loads one person's stored rows into set: their practice_items rows
 * (items, bound to the person and stepped here) and their state. Returns
 * 0 or -EIO. */
static int practice_fill(struct pctx *c, struct practice_set *set,
			 sqlite3_stmt *person, sqlite3_stmt *items)
{
	const unsigned char *state = sqlite3_column_text(person, 3);
	struct practice_person pp;
	int rc, e;

	sqlite3_reset(items);
	sqlite3_bind_int64(items, 1, sqlite3_column_int64(person, 0));
	while ((rc = sqlite3_step(items)) == SQLITE_ROW) {
		const unsigned char *iid = sqlite3_column_text(items, 0);
		const unsigned char *txt = sqlite3_column_text(items, 1);

		e = practice_set_load(set, iid ? (const char *)iid : "",
				      txt ? (const char *)txt : "");
		if (e == -ENOENT)
			c->items_gone++;
		else if (e < 0)
			c->items_bad++;
	}
	if (rc != SQLITE_DONE)
		return -EIO;
	if (state && practice_person_parse((const char *)state, &pp) == 0)
		set->person = pp;
	else
		c->states_bad++;
	return 0;
}

/* Reads every selected person (by team, then nickname) with their item
 * rows and adds each to their row, their team and everyone. */
static int practice_load_persons(struct pctx *c)
{
	sqlite3_stmt *ps = NULL, *is = NULL;
	struct practice_progress one;
	struct practice_set *set;
	struct pteam *team;
	int rc, ret = -EIO;

	memset(&one, 0, sizeof(one));
	if (sqlite3_prepare_v2(c->db,
			       "SELECT id, nickname, team, state FROM persons"
			       " WHERE ?1 IS NULL OR team = ?1"
			       " ORDER BY team, nickname, id",
			       -1, &ps, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db,
			       "SELECT item_id, state FROM practice_items"
			       " WHERE person = ?1",
			       -1, &is, NULL) != SQLITE_OK)
		goto fail;
	if (c->team)
		sqlite3_bind_text(ps, 1, c->team, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(ps)) == SQLITE_ROW) {
		const unsigned char *tn = sqlite3_column_text(ps, 2);

		set = practice_set_new(c->bank, c->utc_offset_s);
		if (!set || practice_progress_init(&one, c->bank) < 0) {
			practice_set_free(set);
			snprintf(c->err, sizeof(c->err), "out of memory");
			ret = -ENOMEM;
			goto out;
		}
		if (practice_fill(c, set, ps, is) < 0) {
			practice_set_free(set);
			goto fail;
		}
		practice_progress_add(&one, set, c->now_us);
		practice_progress_add(&c->all.p, set, c->now_us);
		team = practice_team(c, tn ? (const char *)tn : "");
		if (team)
			practice_progress_add(&team->p, set, c->now_us);
		practice_person_row(c, ps, &one);
		practice_progress_clear(&one);
		practice_set_free(set);
		c->persons++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	ret = 0;
	goto out;
fail:
	snprintf(c->err, sizeof(c->err), "%s", sqlite3_errmsg(c->db));
out:
	practice_progress_clear(&one);
	sqlite3_finalize(ps);
	sqlite3_finalize(is);
	return ret;
}

/* The row of one team. */
static void practice_team_row(struct pctx *c, const struct pteam *tm)
{
	struct rtable *t = &c->t[PT_TEAMS];
	const struct practice_progress *p = &tm->p;
	size_t r = results_row(t);

	results_set_text(t, r, 0, tm->shown ? tm->shown : "");
	results_set_int(t, r, 1, p->persons);
	practice_set_figures(t, r, p);
	results_set_int(t, r, 11, p->best_streak);
	results_set_int(t, r, 12, p->best_days);
	practice_set_when(t, r, 13, p->last_at);
}

/* The category rows of one scope (everyone, or a team). */
static void practice_cat_rows(struct pctx *c, const struct pteam *tm, bool all)
{
	struct rtable *t = &c->t[PT_CATS];
	const struct practice_progress *p = &tm->p;
	size_t i, r;

	for (i = 0; i < p->n_cat; i++) {
		const struct practice_cat *k = &p->cat[i];

		r = results_row(t);
		results_set_text(t, r, 0, all ? PRACTICE_ALL_LABEL : "队伍");
		if (!all)
			results_set_text(t, r, 1, tm->shown ? tm->shown : "");
		results_set_text(t, r, 2, k->name ? k->name : "");
		results_set_int(t, r, 3, k->items);
		results_set_int(t, r, 4, p->persons);
		results_set_int(t, r, 5, (int64_t)k->seen);
		results_set_int(t, r, 6, (int64_t)k->mastered);
		practice_set_pct(t, r, 7, practice_mastery(p, k));
		results_set_int(t, r, 8, (int64_t)k->review);
		results_set_int(t, r, 9, (int64_t)(k->right + k->wrong));
		if (k->right + k->wrong)
			practice_set_pct(t, r, 10, practice_accuracy(k));
	}
}

/* Reads everything in one snapshot and fills the three tables. */
static int practice_load(struct pctx *c)
{
	size_t i;
	int rc;

	results_table_init(&c->t[PT_PERSONS], "个人练习", "persons",
			   person_cols, NCOLS(person_cols));
	results_table_init(&c->t[PT_TEAMS], "团体练习", "teams", team_cols,
			   NCOLS(team_cols));
	results_table_init(&c->t[PT_CATS], "分类进度", "categories", cat_cols,
			   NCOLS(cat_cols));
	if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(c->err, sizeof(c->err), "%s", sqlite3_errmsg(c->db));
		return -EIO;
	}
	rc = practice_load_bank(c);
	if (!rc)
		rc = practice_load_teams(c);
	if (!rc)
		rc = practice_load_persons(c);
	sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	if (rc < 0)
		return rc;
	for (i = 0; i < c->nteams; i++)
		if (c->teams[i].p.persons)
			practice_team_row(c, &c->teams[i]);
	practice_cat_rows(c, &c->all, true);
	for (i = 0; i < c->nteams; i++)
		if (c->teams[i].p.persons)
			practice_cat_rows(c, &c->teams[i], false);
	return 0;
}

/* Frees what a run made. */
static void practice_ctx_free(struct pctx *c)
{
	size_t i;

	for (i = 0; i < c->nteams; i++) {
		practice_progress_clear(&c->teams[i].p);
		free(c->teams[i].name);
		free(c->teams[i].shown);
	}
	free(c->teams);
	practice_progress_clear(&c->all.p);
	for (i = 0; i < PT_COUNT; i++)
		results_table_free(&c->t[i]);
	bank_free(c->bank);
}

struct practice_args {
	const char *db, *team, *format, *sheet, *out;
};

/* Reads the options. Returns 0, 1 for --help (printed) or 2 after a
 * usage error. */
static int practice_args(int argc, char **argv, const char *cmd,
			 struct practice_args *a)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char **val;

		if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
			practice_usage(stdout);
			return 1;
		}
		if (strcmp(s, "--db") == 0)
			val = &a->db;
		else if (strcmp(s, "--team") == 0)
			val = &a->team;
		else if (strcmp(s, "--format") == 0)
			val = &a->format;
		else if (strcmp(s, "--sheet") == 0)
			val = &a->sheet;
		else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0)
			val = &a->out;
		else if (s[0] == '-') {
			fprintf(stderr, "%s: unknown option %s\n", cmd, s);
			return 2;
		} else {
			fprintf(stderr, "%s: unexpected operand %s\n", cmd, s);
			return 2;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "%s: %s needs a value\n", cmd, s);
			return 2;
		}
		*val = argv[++i];
	}
	return 0;
}

/* Checks --format, --sheet and where XLSX goes; sets *fmt (0 text, 1
 * csv, 2 xlsx) and *sheet. Returns 0 or 2 after printing why. */
static int practice_check(const struct practice_args *a, const char *cmd,
			  int *fmt, size_t *sheet)
{
	static const char *const sheets[PT_COUNT] = {"persons", "teams",
						     "categories"};
	size_t i;

	*fmt = 0;
	if (a->format && strcmp(a->format, "csv") == 0)
		*fmt = 1;
	else if (a->format && strcmp(a->format, "xlsx") == 0)
		*fmt = 2;
	else if (a->format && strcmp(a->format, "text") != 0) {
		fprintf(stderr, "%s: --format %s: text, csv or xlsx\n", cmd,
			a->format);
		return 2;
	}
	*sheet = PT_PERSONS;
	if (a->sheet) {
		if (*fmt != 1) {
			fprintf(stderr, "%s: --sheet is for csv\n", cmd);
			return 2;
		}
		for (i = 0; i < PT_COUNT; i++)
			if (strcmp(a->sheet, sheets[i]) == 0)
				break;
		if (i == PT_COUNT) {
			fprintf(stderr,
				"%s: --sheet %s: persons, teams or "
				"categories\n",
				cmd, a->sheet);
			return 2;
		}
		*sheet = i;
	}
	if (*fmt == 2 && results_xlsx_to_tty(a->out, cmd))
		return 2;
	return 0;
}

/* Prints the text report: a heading, the persons and the teams. */
static int practice_print(const struct pctx *c, FILE *out)
{
	fprintf(out, "practice: %zu persons%s, bank of %zu items\n", c->persons,
		c->team ? " of the team asked for" : "", c->bank->n);
	fputs("\nPersons\n", out);
	results_print_table(&c->t[PT_PERSONS], out);
	fputs("\nTeams\n", out);
	results_print_table(&c->t[PT_TEAMS], out);
	return fflush(out) == 0 && !ferror(out) ? 0 : 1;
}

/* `quizd results practice` (results_int.h). */
int results_practice(int argc, char **argv)
{
	const char *cmd = "quizd results practice";
	const struct rtable *v[PT_COUNT];
	struct practice_args a;
	struct pctx c;
	size_t sheet, i;
	int rc, fmt, ver;

	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	rc = practice_args(argc, argv, cmd, &a);
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = practice_check(&a, cmd, &fmt, &sheet)) != 0)
		return rc;
	c.db = results_db_open(a.db ? a.db : DEFAULT_DB, cmd, &ver);
	if (!c.db)
		return 1;
	if (ver < PRACTICE_SCHEMA) {
		fprintf(stderr,
			"%s: %s: schema version %d has no practice tables"
			" (6 or later); start this quizd on it once to"
			" migrate it\n",
			cmd, a.db ? a.db : DEFAULT_DB, ver);
		sqlite3_close(c.db);
		return 1;
	}
	c.team = a.team;
	c.now_us = (int64_t)time(NULL) * PRACTICE_SEC_US;
	c.utc_offset_s = practice_utc_offset(time(NULL));
	rc = practice_load(&c);
	sqlite3_close(c.db);
	if (rc < 0) {
		fprintf(stderr, "%s: %s: %s\n", cmd, a.db ? a.db : DEFAULT_DB,
			c.err);
		practice_ctx_free(&c);
		return 1;
	}
	if (c.items_gone || c.items_bad || c.states_bad)
		fprintf(stderr,
			"%s: skipped %zu item rows not in the bank, %zu"
			" unreadable item states and %zu unreadable person"
			" states\n",
			cmd, c.items_gone, c.items_bad, c.states_bad);
	if (fmt == 0) {
		bool to_stdout = !a.out || strcmp(a.out, "-") == 0;
		FILE *f = to_stdout ? stdout : fopen(a.out, "w");

		rc = f ? practice_print(&c, f) : 1;
		if (f && !to_stdout && fclose(f) != 0)
			rc = 1;
		if (rc)
			fprintf(stderr, "%s: %s: %s\n", cmd,
				to_stdout ? "writing stdout" : a.out,
				strerror(errno));
	} else {
		for (i = 0; i < PT_COUNT; i++)
			v[i] = &c.t[i];
		rc = results_write(v, PT_COUNT, fmt == 2, sheet, cmd, a.out);
	}
	practice_ctx_free(&c);
	return rc;
}

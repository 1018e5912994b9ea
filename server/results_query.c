/* `quizd results`: a stored match read back into four tables (team and
 * individual standings, per-question statistics, every answer), from a
 * read-only connection in one read transaction. A match without results
 * rows (running, interrupted) is ranked here from its bookings and marked
 * provisional. docs/RESULTS.md lists the columns. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "results_int.h"
#include "store.h"
#include "text.h"
#include "xalloc.h"

#define SCHEMA_MIN 3 /* bookings, team_results, match_questions.round */

/* Opens the database read-only and checks its schema (results_int.h). */
sqlite3 *results_db_open(const char *path, const char *cmd, int *version)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int v = -1, tables = 0;

	/* a read-only open never creates the file; say why it is missing */
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "%s: %s: %s\n", cmd, path, strerror(errno));
		return NULL;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
		SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db,
			       "SELECT count(*) FROM sqlite_master WHERE type ="
			       " 'table' AND name IN ('matches', 'players',"
			       " 'results', 'team_results', 'answers',"
			       " 'bookings', 'match_questions', 'questions')",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	tables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (v > store_schema_version()) {
		fprintf(stderr,
			"%s: %s has schema version %d, newer than this "
			"program knows (%d); use a newer quizd\n",
			cmd, path, v, store_schema_version());
		sqlite3_close(db);
		return NULL;
	}
	if (tables != 8 || v < SCHEMA_MIN) {
		fprintf(stderr,
			"%s: %s: not a quizd database of schema version %d or "
			"later (version %d)%s\n",
			cmd, path, SCHEMA_MIN, v,
			tables == 8 ? "; start this quizd on it once to "
				      "migrate it"
				    : "");
		sqlite3_close(db);
		return NULL;
	}
	if (version)
		*version = v;
	return db;
fail:
	fprintf(stderr, "%s: %s: %s\n", cmd, path,
		db ? sqlite3_errmsg(db) : "cannot open");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return NULL;
}

/* A text column copied for display: control characters dropped, invalid
 * bytes replaced, cut to CELL_MAX bytes; NULL stays NULL. */
char *results_col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n, cap;
	char *out;

	if (!s)
		return NULL;
	n = (size_t)sqlite3_column_bytes(st, i);
	cap = n * 3 + 1 < CELL_MAX ? n * 3 + 1 : CELL_MAX;
	out = xmalloc(cap);
	text_sanitize(out, cap, s, 1);
	return out;
}

/* The cell at row r, column c (results_int.h). */
struct rcell *rtable_cell(struct rtable *t, size_t r, size_t c)
{
	return &t->cells[r * t->ncols + c];
}

/* Sets a table's name and columns (copied). */
void results_table_init(struct rtable *t, const char *sheet, const char *name,
			const struct rcol *cols, size_t ncols)
{
	t->sheet = sheet;
	t->name = name;
	t->cols = xcalloc(ncols, sizeof(*cols));
	memcpy(t->cols, cols, ncols * sizeof(*cols));
	t->ncols = ncols;
}

/* Appends an empty row. Returns its index. */
size_t results_row(struct rtable *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells =
		    xrealloc(t->cells, t->cap * t->ncols * sizeof(*t->cells));
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(*t->cells));
	return t->nrows++;
}

/* Sets an integer cell. */
void results_set_int(struct rtable *t, size_t r, size_t c, int64_t v)
{
	struct rcell *x = rtable_cell(t, r, c);

	x->kind = RC_INT;
	x->i = v;
}

/* Sets a real cell. */
void results_set_real(struct rtable *t, size_t r, size_t c, double v)
{
	struct rcell *x = rtable_cell(t, r, c);

	x->kind = RC_REAL;
	x->d = v;
}

/* Sets a text cell to a copy of s (NULL: the cell stays empty). */
void results_set_text(struct rtable *t, size_t r, size_t c, const char *s)
{
	struct rcell *x = rtable_cell(t, r, c);

	if (!s)
		return;
	x->kind = RC_TEXT;
	x->s = xstrdup(s);
}

/* Prepares sql with the match id bound to ?1; NULL after writing the error. */
sqlite3_stmt *results_prep(struct rload *L, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(L->db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(L->err, L->cap, "%s", sqlite3_errmsg(L->db));
		return NULL;
	}
	sqlite3_bind_int64(st, 1, L->id);
	return st;
}

/* Ends a statement's loop: -EIO (error written) unless it ran to the end. */
int results_done(struct rload *L, sqlite3_stmt *st, int rc)
{
	if (rc != SQLITE_DONE) {
		snprintf(L->err, L->cap, "%s", sqlite3_errmsg(L->db));
		sqlite3_finalize(st);
		return -EIO;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Reads the matches row and the number of contestants. */
static int load_match(struct rload *L)
{
	sqlite3_stmt *st = results_prep(
	    L, "SELECT id, code, title, state, created_at FROM matches"
	       " WHERE id = ?1");
	int rc;

	if (!st)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return -ENOENT;
	}
	if (rc != SQLITE_ROW)
		return results_done(L, st, rc);
	L->m->id = sqlite3_column_int64(st, 0);
	L->m->code = results_col_text(st, 1);
	L->m->title = results_col_text(st, 2);
	L->m->state = results_col_text(st, 3);
	L->m->created_at = sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	return 0;
}

/* Whether a player was kicked (a kick event names them). */
static bool is_kicked(const struct rload *L, int64_t id)
{
	size_t i;

	for (i = 0; i < L->nkicked; i++)
		if (L->kicked[i] == id)
			return true;
	return false;
}

/* Reads the players, and who was kicked. */
static int load_players(struct rload *L)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	st = results_prep(
	    L, "SELECT DISTINCT player_id FROM events WHERE match_id ="
	       " ?1 AND kind = 'kick'");
	if (!st)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (L->nkicked == cap) {
			cap = cap ? cap * 2 : 8;
			L->kicked = xrealloc(L->kicked, cap * sizeof(int64_t));
		}
		L->kicked[L->nkicked++] = sqlite3_column_int64(st, 0);
	}
	if ((rc = results_done(L, st, rc)) < 0)
		return rc;
	st = results_prep(L, "SELECT player_id, nick, team FROM players WHERE"
			     " match_id = ?1 ORDER BY player_id");
	if (!st)
		return -EIO;
	cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rplayer *p;

		if (L->npl == cap) {
			cap = cap ? cap * 2 : 16;
			L->pl = xrealloc(L->pl, cap * sizeof(*L->pl));
		}
		p = &L->pl[L->npl++];
		memset(p, 0, sizeof(*p));
		p->id = sqlite3_column_int64(st, 0);
		p->nick = results_col_text(st, 1);
		p->team = results_col_text(st, 2);
		p->kicked = is_kicked(L, p->id);
		if (!p->kicked)
			L->m->contestants++;
	}
	return results_done(L, st, rc);
}

/* A player by id, or NULL. */
struct rplayer *results_player(struct rload *L, int64_t id)
{
	size_t lo = 0, hi = L->npl;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (L->pl[mid].id == id)
			return &L->pl[mid];
		if (L->pl[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct rcol player_cols[] = {
    {"名次", "rank", 0, 6, true},	   {"选手编号", "id", 0, 6, true},
    {"昵称", "nick", 0, 20, true},	   {"队伍", "team", 0, 16, true},
    {"得分", "score", 0, 8, true},	   {"答对", "correct", 0, 8, true},
    {"总用时(秒)", "time s", 3, 10, true},
};

/* Appends a player's standing. */
static void player_row(struct rtable *t, const struct rplayer *p)
{
	size_t r = results_row(t);

	results_set_int(t, r, 0, p->rank);
	results_set_int(t, r, 1, p->id);
	results_set_text(t, r, 2, p->nick);
	results_set_text(t, r, 3, p->team);
	results_set_int(t, r, 4, p->score);
	results_set_int(t, r, 5, p->correct);
	results_set_real(t, r, 6, (double)p->time_us / 1e6);
}

/* The final standings from the results table. Returns the rows read or
 * -EIO. */
static int final_players(struct rload *L)
{
	struct rtable *t = &L->m->t[RS_PLAYERS];
	sqlite3_stmt *st =
	    results_prep(L, "SELECT player_id, rank, score, correct,"
			    " total_time_us FROM results WHERE"
			    " match_id = ?1 ORDER BY rank, player_id");
	int rc, n = 0;

	if (!st)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rplayer q, *p;

		memset(&q, 0, sizeof(q));
		q.id = sqlite3_column_int64(st, 0);
		/* a results row whose player is gone keeps its id */
		p = results_player(L, q.id);
		if (p) {
			q.nick = p->nick;
			q.team = p->team;
		}
		q.rank = sqlite3_column_int64(st, 1);
		q.score = sqlite3_column_int64(st, 2);
		q.correct = sqlite3_column_int64(st, 3);
		q.time_us = sqlite3_column_int64(st, 4);
		if (p) {
			p->rank = q.rank;
			p->score = q.score;
		}
		player_row(t, &q);
		n++;
	}
	rc = results_done(L, st, rc);
	return rc < 0 ? rc : n;
}

/* Order of provisional standings: score desc, total time asc, id asc (the
 * core's order, core/roster.c). */
static int prov_cmp(const void *a, const void *b)
{
	const struct rplayer *x = *(const struct rplayer *const *)a;
	const struct rplayer *y = *(const struct rplayer *const *)b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->time_us != y->time_us)
		return x->time_us < y->time_us ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Standings computed from the bookings (score, correct) and the answers not
 * voided (time): a match that has not finished. */
static int provisional_players(struct rload *L)
{
	struct rtable *t = &L->m->t[RS_PLAYERS];
	struct rplayer **o;
	sqlite3_stmt *st;
	size_t i, n = 0;
	int rc;

	st =
	    results_prep(L, "SELECT player_id, sum(delta), sum(correct) FROM"
			    " bookings WHERE match_id = ?1 GROUP BY player_id");
	if (!st)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rplayer *p =
		    results_player(L, sqlite3_column_int64(st, 0));

		if (p) {
			p->score = sqlite3_column_int64(st, 1);
			p->correct = sqlite3_column_int64(st, 2);
		}
	}
	if ((rc = results_done(L, st, rc)) < 0)
		return rc;
	st =
	    results_prep(L, "SELECT player_id, sum(rt_us) FROM answers WHERE"
			    " match_id = ?1 AND voided = 0 GROUP BY player_id");
	if (!st)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rplayer *p =
		    results_player(L, sqlite3_column_int64(st, 0));

		if (p)
			p->time_us = sqlite3_column_int64(st, 1);
	}
	if ((rc = results_done(L, st, rc)) < 0)
		return rc;
	o = xcalloc(L->npl ? L->npl : 1, sizeof(*o));
	for (i = 0; i < L->npl; i++)
		if (!L->pl[i].kicked)
			o[n++] = &L->pl[i];
	qsort(o, n, sizeof(*o), prov_cmp);
	for (i = 0; i < n; i++) {
		o[i]->rank = (int64_t)i + 1;
		/* 并列: a tie with the one above shares its rank */
		if (i && o[i]->score == o[i - 1]->score &&
		    o[i]->time_us == o[i - 1]->time_us)
			o[i]->rank = o[i - 1]->rank;
		player_row(t, o[i]);
	}
	free(o);
	return 0;
}

static const struct rcol team_cols[] = {
    {"名次", "rank", 0, 6, true},    {"队伍", "team", 0, 16, true},
    {"人数", "members", 0, 8, true}, {"队员", "names", 0, 30, true},
    {"总分", "score", 0, 8, true},   {"得分", "points", 0, 8, true},
};

/* The names of a team's members not kicked, joined by "、" (a new string). */
static char *team_names(struct rload *L, const char *team)
{
	size_t i, len = 0;
	char *s = xstrdup("");

	for (i = 0; i < L->npl; i++) {
		const struct rplayer *p = &L->pl[i];
		size_t add;

		if (p->kicked || !p->team || strcmp(p->team, team) != 0)
			continue;
		add = strlen(p->nick ? p->nick : "");
		if (len + add + 4 > CELL_MAX)
			break;
		s = xrealloc(s, len + add + 4);
		if (len) {
			memcpy(s + len, "、", 3);
			len += 3;
		}
		memcpy(s + len, p->nick ? p->nick : "", add);
		len += add;
		s[len] = '\0';
	}
	return s;
}

/* Appends a team's standing. */
static void team_row(struct rload *L, int64_t rank, const char *team,
		     int64_t members, int64_t score, int64_t points)
{
	struct rtable *t = &L->m->t[RS_TEAMS];
	size_t r = results_row(t);
	struct rcell *c;

	results_set_int(t, r, 0, rank);
	results_set_text(t, r, 1, team);
	results_set_int(t, r, 2, members);
	c = rtable_cell(t, r, 3);
	c->kind = RC_TEXT;
	c->s = team_names(L, team);
	results_set_int(t, r, 4, score);
	results_set_int(t, r, 5, points);
}

/* The final team standings from team_results. */
static int final_teams(struct rload *L)
{
	sqlite3_stmt *st =
	    results_prep(L, "SELECT rank, team, members, score, points"
			    " FROM team_results WHERE match_id = ?1"
			    " ORDER BY rank, team");
	int rc;

	if (!st)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *team = results_col_text(st, 1);

		team_row(L, sqlite3_column_int64(st, 0), team ? team : "",
			 sqlite3_column_int64(st, 2),
			 sqlite3_column_int64(st, 3),
			 sqlite3_column_int64(st, 4));
		free(team);
	}
	return results_done(L, st, rc);
}

struct pteam {
	const char *name;
	int64_t members, points;
};

/* Order of provisional teams: points desc, then name. */
static int pteam_cmp(const void *a, const void *b)
{
	const struct pteam *x = a, *y = b;

	if (x->points != y->points)
		return x->points > y->points ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Team standings summed from the members' provisional scores. */
static void provisional_teams(struct rload *L)
{
	struct pteam *tm = xcalloc(L->npl ? L->npl : 1, sizeof(*tm));
	size_t i, j, n = 0;
	int64_t rank = 0;

	for (i = 0; i < L->npl; i++) {
		const struct rplayer *p = &L->pl[i];

		if (p->kicked || !p->team)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(tm[j].name, p->team) == 0)
				break;
		if (j == n)
			tm[n++].name = p->team;
		tm[j].members++;
		tm[j].points += p->score;
	}
	qsort(tm, n, sizeof(*tm), pteam_cmp);
	for (i = 0; i < n; i++) {
		if (!i || tm[i].points != tm[i - 1].points)
			rank = (int64_t)i + 1;
		team_row(L, rank, tm[i].name, tm[i].members, tm[i].points,
			 tm[i].points);
	}
	free(tm);
}

/* Reads a match (results_int.h). */
int results_load(sqlite3 *db, int64_t id, struct rmatch *m, char *err,
		 size_t cap)
{
	struct rload L;
	size_t i;
	int rc, n;

	memset(m, 0, sizeof(*m));
	memset(&L, 0, sizeof(L));
	L.db = db;
	L.id = id;
	L.m = m;
	L.err = err;
	L.cap = cap;
	results_table_init(&m->t[RS_TEAMS], "团体排名", "teams", team_cols,
			   sizeof(team_cols) / sizeof(team_cols[0]));
	results_table_init(&m->t[RS_PLAYERS], "个人排名", "players",
			   player_cols,
			   sizeof(player_cols) / sizeof(player_cols[0]));
	/* one snapshot: a live quizd's later writes are not half seen */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, cap, "%s", sqlite3_errmsg(db));
		return -EIO;
	}
	if ((rc = load_match(&L)) < 0 || (rc = load_players(&L)) < 0)
		goto out;
	if ((n = final_players(&L)) < 0) {
		rc = n;
		goto out;
	}
	m->provisional = n == 0;
	if (m->provisional) {
		if ((rc = provisional_players(&L)) < 0)
			goto out;
		provisional_teams(&L);
	} else if ((rc = final_teams(&L)) < 0) {
		goto out;
	}
	if ((rc = results_load_questions(&L)) < 0 ||
	    (rc = results_load_answers(&L)) < 0)
		goto out;
	results_question_table(&L);
out:
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	for (i = 0; i < L.npl; i++) {
		free(L.pl[i].nick);
		free(L.pl[i].team);
	}
	free(L.pl);
	free(L.kicked);
	for (i = 0; i < L.nq; i++) {
		free(L.q[i].qid);
		free(L.q[i].kind);
		free(L.q[i].stem);
		free(L.q[i].fills);
		free(L.q[i].rt);
	}
	free(L.q);
	return rc;
}

/* Frees a table's cells and columns (results_int.h). */
void results_table_free(struct rtable *t)
{
	size_t k;

	for (k = 0; k < t->nrows * t->ncols; k++)
		free(t->cells[k].s);
	free(t->cells);
	free(t->cols);
	memset(t, 0, sizeof(*t));
}

/* Frees a match (results_int.h). */
void results_match_free(struct rmatch *m)
{
	size_t i;

	for (i = 0; i < RS_COUNT; i++)
		results_table_free(&m->t[i]);
	free(m->code);
	free(m->title);
	free(m->state);
	memset(m, 0, sizeof(*m));
}

/* Local date and time of a wall-clock time (results_int.h). */
void results_local_time(int64_t us, char *out, size_t cap)
{
	time_t s = (time_t)(us / 1000000);
	struct tm tm;

	if (!localtime_r(&s, &tm) ||
	    strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, cap, "?");
}

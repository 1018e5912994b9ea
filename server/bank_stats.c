/* `quizd bank stats`: reads the answers of every match from a quizd
 * database, turns each into a response in bank order and hands them to
 * the formulas of core/itemstats.c, then prints a table or JSON.
 *
 * A respondent is one (source, group, member): for a match, (match,
 * player), ranked by their total score in that match among the match's
 * players who answered at least once, as a percentile (so matches played
 * with different points rank on one scale). Practice (issue 11, schema
 * v6) is a second source: a respondent is a person, ranked by the accuracy
 * of their first answers to the items they practised, as a percentile among
 * every person who practised (one group); their response to an item is
 * their first answer to it (a timeout: none, as an unanswered question of a
 * match). Nothing below the loaders changes. */
#include "bank_stats.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "item.h"
#include "itemstats.h"
#include "xalloc.h"

/* Where responses come from. */
enum bank_stats_source {
	BANK_STATS_MATCH = 0,
	BANK_STATS_PRACTICE = 1,
};

/* One respondent and their rank. */
struct bank_stats_who {
	unsigned source;
	int64_t group;	/* match id; 0 for practice */
	int64_t member; /* player id; person id for practice */
	double score;	/* raw total, then its percentile in the group */
};

/* One item as analysed: from the bank, or only named by answers (deleted
 * from the bank since). */
struct bank_stats_item {
	char *id;
	char kind[16];
	bool in_bank;
	bool options_known; /* n_options read from the bank's options */
	struct itemstats_item it;
	struct itemstats_response *r;
	size_t n, cap;
	struct itemstats_result res;
};

/* Everything read. */
struct bank_stats {
	struct bank_stats_who *who;
	size_t n_who, cap_who;
	size_t n_groups;
	struct bank_stats_item *items; /* the bank, sorted by id */
	size_t n_items, cap_items;
	struct bank_stats_item *gone; /* named only by answers */
	size_t n_gone, cap_gone;
	size_t answers, skipped, no_choice;
	size_t practice_who, practice_answers; /* of the above, practice's */
};

/* Prints the usage text to out. */
static void bank_stats_usage(FILE *out)
{
	fputs("usage: quizd bank stats [--db PATH] [--min-n N] [--json] "
	      "[--flagged]\n"
	      "\n"
	      "Item analysis of the bank from the answers of every match in\n"
	      "the database, and each practising person's first answer to\n"
	      "each item: for each question answered, how many answered\n"
	      "it (n), the share who answered right (p, difficulty), the\n"
	      "right share among the best 27 % by score minus that among the\n"
	      "weakest 27 % (D, discrimination), the share choosing each\n"
	      "option (A.. in the bank's order, * the right ones) and flags:\n"
	      "too_easy (p > 0.9), too_hard (p < 0.2), low_discrimination\n"
	      "(D < 0.2, judged from N respondents), misleading (a wrong\n"
	      "option chosen more often than a right one). No flag below 5\n"
	      "respondents. Flagged items first. See docs/BANK.md.\n"
	      "\n"
	      "  --db PATH   the quizd database (default quizd.db; never\n"
	      "              created)\n"
	      "  --min-n N   respondents before D is judged (default 20)\n"
	      "  --json      one JSON object on stdout\n"
	      "  --flagged   only flagged items\n"
	      "  --help      this text\n"
	      "\n"
	      "Exit status: 0 ok (also: no answers yet), 1 the database\n"
	      "cannot be read, 2 usage error or no such database.\n",
	      out);
}

/* Frees what was read. */
static void bank_stats_clear(struct bank_stats *bs)
{
	size_t i;

	for (i = 0; i < bs->n_items; i++) {
		free(bs->items[i].id);
		free(bs->items[i].r);
	}
	for (i = 0; i < bs->n_gone; i++) {
		free(bs->gone[i].id);
		free(bs->gone[i].r);
	}
	free(bs->items);
	free(bs->gone);
	free(bs->who);
	memset(bs, 0, sizeof(*bs));
}

/* Whether the database has a table of that name: 1 yes, 0 no, -1 it
 * cannot be read (sqlite3_errmsg says why). */
static int bank_stats_has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db,
			       "SELECT 1 FROM sqlite_master WHERE type = "
			       "'table' AND name = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Orders respondents by source, group, member. */
static int bank_stats_who_cmp(const void *pa, const void *pb)
{
	const struct bank_stats_who *a = pa, *b = pb;

	if (a->source != b->source)
		return a->source < b->source ? -1 : 1;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return a->member < b->member ? -1 : a->member > b->member;
}

/* Appends a respondent to bs->who; the caller fills it in. */
static struct bank_stats_who *bank_stats_who_add(struct bank_stats *bs)
{
	if (bs->n_who == bs->cap_who) {
		bs->cap_who = bs->cap_who ? 2 * bs->cap_who : 256;
		bs->who = xrealloc(bs->who, bs->cap_who * sizeof(*bs->who));
	}
	return &bs->who[bs->n_who++];
}

/* Turns the scores of bs->who[first..] (one source) into percentiles
 * within their groups. */
static void bank_stats_rank(struct bank_stats *bs, size_t first)
{
	size_t n = bs->n_who - first, i;
	uint64_t *group;
	double *score;

	if (!n)
		return;
	group = xcalloc(n, sizeof(*group));
	score = xcalloc(n, sizeof(*score));
	for (i = 0; i < n; i++) {
		group[i] = (uint64_t)bs->who[first + i].group;
		score[i] = bs->who[first + i].score;
	}
	itemstats_percentile(group, score, n);
	for (i = 0; i < n; i++)
		bs->who[first + i].score = score[i];
	free(group);
	free(score);
}

/* Reads the players of every match who answered at least once, with
 * their total: the results row of a match that ended, else the sum of
 * their bookings (a match still running or interrupted), else the
 * points of their answers (a database from before bookings, v3).
 * Returns 0 or -1 (message printed). */
static int bank_stats_load_match_who(struct bank_stats *bs, sqlite3 *db)
{
	const char *sql =
	    bank_stats_has_table(db, "bookings") == 1
		? "SELECT a.match_id, a.player_id, coalesce((SELECT r.score "
		  "FROM results r WHERE r.match_id = a.match_id AND "
		  "r.player_id = a.player_id), (SELECT sum(b.delta) FROM "
		  "bookings b WHERE b.match_id = a.match_id AND b.player_id "
		  "= a.player_id), 0) FROM (SELECT DISTINCT match_id, "
		  "player_id FROM answers) a ORDER BY 1, 2"
		: "SELECT a.match_id, a.player_id, coalesce((SELECT r.score "
		  "FROM results r WHERE r.match_id = a.match_id AND "
		  "r.player_id = a.player_id), (SELECT sum(x.points) FROM "
		  "answers x WHERE x.match_id = a.match_id AND x.player_id = "
		  "a.player_id), 0) FROM (SELECT DISTINCT match_id, "
		  "player_id FROM answers) a ORDER BY 1, 2";
	sqlite3_stmt *st = NULL;
	size_t first = bs->n_who;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bank_stats_who *w;

		w = bank_stats_who_add(bs);
		w->source = BANK_STATS_MATCH;
		w->group = sqlite3_column_int64(st, 0);
		w->member = sqlite3_column_int64(st, 1);
		w->score = sqlite3_column_double(st, 2);
		if (bs->n_who == first + 1 || w[-1].group != w->group)
			bs->n_groups++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;

	/* rank within each match: the groups of one source */
	bank_stats_rank(bs, first);
	return 0;
fail:
	fprintf(stderr, "quizd bank stats: reading the players: %s\n",
		sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}

/* Reads the bank: id, kind, the number of options and the right ones.
 * Returns 0 or -1 (message printed). */
static int bank_stats_load_items(struct bank_stats *bs, sqlite3 *db)
{
	static const char sql[] =
	    "SELECT id, kind, CASE WHEN json_valid(options) AND "
	    "json_type(options) = 'array' THEN json_array_length(options) "
	    "ELSE -1 END, correct_mask FROM questions ORDER BY id";
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		sqlite3_int64 nopt = sqlite3_column_int64(st, 2);
		sqlite3_int64 mask = sqlite3_column_int64(st, 3);
		struct bank_stats_item *it;

		if (!id)
			continue;
		if (bs->n_items == bs->cap_items) {
			bs->cap_items = bs->cap_items ? 2 * bs->cap_items : 256;
			bs->items = xrealloc(bs->items, bs->cap_items *
							    sizeof(*bs->items));
		}
		it = &bs->items[bs->n_items++];
		memset(it, 0, sizeof(*it));
		it->id = xstrdup(id);
		snprintf(it->kind, sizeof(it->kind), "%s", kind ? kind : "?");
		it->in_bank = true;
		/* a fill item has no options; anything odd counts as none */
		if (strcmp(it->kind, "fill") != 0 && nopt >= 2 &&
		    nopt <= ITEM_MAX_OPTIONS && mask > 0 &&
		    mask < (1LL << nopt)) {
			it->options_known = true;
			it->it.n_options = (unsigned)nopt;
			it->it.correct_mask = (uint32_t)mask;
		}
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	fprintf(stderr, "quizd bank stats: reading the questions: %s\n",
		sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}

/* Finds a bank item by id (the bank is sorted by id, byte order as
 * SQLite's ORDER BY). */
static struct bank_stats_item *bank_stats_find(struct bank_stats *bs,
					       const char *id)
{
	size_t lo = 0, hi = bs->n_items;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, bs->items[mid].id);

		if (c == 0)
			return &bs->items[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The item an answer is for: the bank's, or one kept for answers to an
 * item deleted from the bank (few: searched from the newest). */
static struct bank_stats_item *bank_stats_item_for(struct bank_stats *bs,
						   const char *id)
{
	struct bank_stats_item *it = bank_stats_find(bs, id);
	size_t i;

	if (it)
		return it;
	/* newest first: a source's answers come by id */
	for (i = bs->n_gone; i-- > 0;)
		if (strcmp(bs->gone[i].id, id) == 0)
			return &bs->gone[i];
	if (bs->n_gone == bs->cap_gone) {
		bs->cap_gone = bs->cap_gone ? 2 * bs->cap_gone : 16;
		bs->gone = xrealloc(bs->gone, bs->cap_gone * sizeof(*bs->gone));
	}
	it = &bs->gone[bs->n_gone++];
	memset(it, 0, sizeof(*it));
	it->id = xstrdup(id);
	snprintf(it->kind, sizeof(it->kind), "?");
	return it;
}

/* Appends the response of respondent w to item id (its score set; the
 * caller fills in the rest) and sets *itp to the item. Returns NULL, the
 * answer counted as skipped, when the item id or the respondent is
 * unknown. */
static struct itemstats_response *
bank_stats_response_add(struct bank_stats *bs, const char *id,
			const struct bank_stats_who *w,
			struct bank_stats_item **itp)
{
	struct bank_stats_item *it;
	struct itemstats_response *r;

	if (!id || !w) {
		bs->skipped++;
		return NULL;
	}
	it = *itp = bank_stats_item_for(bs, id);
	if (it->n == it->cap) {
		it->cap = it->cap ? 2 * it->cap : 16;
		it->r = xrealloc(it->r, it->cap * sizeof(*it->r));
	}
	r = &it->r[it->n++];
	memset(r, 0, sizeof(*r));
	r->score = w->score;
	return r;
}

/* Reads a display permutation "[a,b,...]" (docs/STORAGE.md). Returns how
 * many entries it had, or -1 for anything else. */
static int bank_stats_perm(const char *s, uint8_t *perm)
{
	int n = 0;

	if (!s || *s++ != '[')
		return -1;
	while (*s == ' ')
		s++;
	if (*s == ']')
		return s[1] ? -1 : 0;
	for (;;) {
		char *end;
		long v;

		if (*s < '0' || *s > '9' || n == ITEM_MAX_OPTIONS)
			return -1;
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || v >= ITEM_MAX_OPTIONS)
			return -1;
		perm[n++] = (uint8_t)v;
		s = end;
		while (*s == ' ')
			s++;
		if (*s == ']')
			return s[1] ? -1 : n;
		if (*s++ != ',')
			return -1;
		while (*s == ' ')
			s++;
	}
}

/* Turns a choice in display order into bank order with the match's
 * permutation. Returns false when that cannot be done reliably: a perm
 * that is not a permutation of the item's options, a bit beyond them, or
 * no perm stored (then only a true/false item, never shuffled, can). */
static bool bank_stats_bank_choice(const struct bank_stats_item *it,
				   const char *perm_text, uint32_t display,
				   uint32_t *bank)
{
	uint8_t perm[ITEM_MAX_OPTIONS];
	unsigned n = it->it.n_options, i, seen = 0;
	int m;

	*bank = 0;
	if (!it->options_known)
		return false;
	if (display >> n)
		return false;
	if (!perm_text) {
		if (strcmp(it->kind, "truefalse") != 0)
			return false;
		*bank = display;
		return true;
	}
	m = bank_stats_perm(perm_text, perm);
	if (m < (int)n)
		return false;
	for (i = 0; i < n; i++) {
		if (perm[i] >= n || (seen & (1u << perm[i])))
			return false;
		seen |= 1u << perm[i];
		if (display & (1u << i))
			*bank |= 1u << perm[i];
	}
	return true;
}

/* Finds a respondent's rank. Returns NULL when unknown. */
static const struct bank_stats_who *
bank_stats_who_find(const struct bank_stats *bs, unsigned source, int64_t group,
		    int64_t member)
{
	struct bank_stats_who key = {
	    .source = source, .group = group, .member = member};

	if (!bs->n_who)
		return NULL;
	return bsearch(&key, bs->who, bs->n_who, sizeof(*bs->who),
		       bank_stats_who_cmp);
}

/* Reads every answer of every match as a response to its item: the item
 * and the display permutation from match_questions, the choice turned to
 * bank order, the automatic mark (answers.correct; a fill answer counts
 * by it alone). Answers of voided questions count: the answer and its
 * mark are kept, only the points went. Returns 0 or -1 (message
 * printed). */
static int bank_stats_load_match_answers(struct bank_stats *bs, sqlite3 *db)
{
	static const char sql[] =
	    "SELECT mq.question_id, mq.perm, a.match_id, a.player_id, "
	    "a.choice_mask, a.correct FROM answers a JOIN match_questions mq "
	    "ON mq.match_id = a.match_id AND mq.idx = a.q "
	    "ORDER BY mq.question_id";
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *perm = (const char *)sqlite3_column_text(st, 1);
		sqlite3_int64 mask = sqlite3_column_int64(st, 4);
		const struct bank_stats_who *w = bank_stats_who_find(
		    bs, BANK_STATS_MATCH, sqlite3_column_int64(st, 2),
		    sqlite3_column_int64(st, 3));
		struct bank_stats_item *it;
		struct itemstats_response *r;

		r = bank_stats_response_add(bs, id, w, &it);
		if (!r)
			continue;
		r->correct = sqlite3_column_int64(st, 5) != 0;
		if (it->options_known) {
			r->has_choice =
			    mask >= 0 && mask <= UINT32_MAX &&
			    bank_stats_bank_choice(it, perm, (uint32_t)mask,
						   &r->choice);
			if (!r->has_choice)
				bs->no_choice++;
		}
		bs->answers++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	fprintf(stderr, "quizd bank stats: reading the answers: %s\n",
		sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}

/* A person's first answer to each item they practised, unless it timed
 * out (then they gave that item no response): what practice contributes
 * (later answers measure what the schedule taught them, not the item). */
#define BANK_STATS_FIRST_ANSWERS                                               \
	"SELECT person, item_id, choice_mask, correct FROM (SELECT person,"    \
	" item_id, choice_mask, correct, timed_out, row_number() OVER"         \
	" (PARTITION BY person, item_id ORDER BY at, id) AS k FROM"            \
	" practice_answers) WHERE k = 1 AND timed_out = 0"

/* Reads the persons who practised with their rank: the accuracy of their
 * first answers, as a percentile among all of them (one group). Returns 0
 * or -1 (message printed). */
static int bank_stats_load_practice_who(struct bank_stats *bs, sqlite3 *db)
{
	static const char sql[] =
	    "SELECT person, avg(correct) FROM (" BANK_STATS_FIRST_ANSWERS
	    ") GROUP BY person ORDER BY person";
	sqlite3_stmt *st = NULL;
	size_t first = bs->n_who;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bank_stats_who *w;

		w = bank_stats_who_add(bs);
		w->source = BANK_STATS_PRACTICE;
		w->group = 0;
		w->member = sqlite3_column_int64(st, 0);
		w->score = sqlite3_column_double(st, 1);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	bs->practice_who = bs->n_who - first;
	bank_stats_rank(bs, first); /* all in group 0 */
	return 0;
fail:
	fprintf(stderr,
		"quizd bank stats: reading the practising persons: %s\n",
		sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}

/* Reads each person's first answer to each item as a response. The choice
 * is stored in the bank's order already (practice_answers.choice_mask);
 * one with a bit beyond the item's options is no usable choice. Returns 0
 * or -1 (message printed). */
static int bank_stats_load_practice_answers(struct bank_stats *bs, sqlite3 *db)
{
	static const char sql[] = BANK_STATS_FIRST_ANSWERS " ORDER BY item_id";
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 1);
		sqlite3_int64 mask = sqlite3_column_int64(st, 2);
		const struct bank_stats_who *w = bank_stats_who_find(
		    bs, BANK_STATS_PRACTICE, 0, sqlite3_column_int64(st, 0));
		struct bank_stats_item *it;
		struct itemstats_response *r;

		r = bank_stats_response_add(bs, id, w, &it);
		if (!r)
			continue;
		r->correct = sqlite3_column_int64(st, 3) != 0;
		if (it->options_known) {
			r->has_choice =
			    mask >= 0 && !((uint64_t)mask >> it->it.n_options);
			r->choice = r->has_choice ? (uint32_t)mask : 0;
			if (!r->has_choice)
				bs->no_choice++;
		}
		bs->answers++;
		bs->practice_answers++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	fprintf(stderr, "quizd bank stats: reading the practice answers: %s\n",
		sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}

/* Reads everything from the database at path, in one read transaction
 * (quizd may be writing). Returns 0, -1 cannot be read (exit 1) or -2 no
 * such database (exit 2). Messages printed. */
static int bank_stats_load(struct bank_stats *bs, const char *path)
{
	static const char *const tables[] = {"questions", "match_questions",
					     "answers", "results"};
	sqlite3 *db = NULL;
	size_t t;
	int rc = -1, prac;

	/* SQLITE_OPEN_READONLY never creates; say plainly what is missing */
	if (access(path, F_OK) != 0) {
		fprintf(stderr, "quizd bank stats: %s: %s\n", path,
			strerror(errno));
		return -2;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "quizd bank stats: %s: %s\n", path,
			db ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "quizd bank stats: %s: %s\n", path,
			sqlite3_errmsg(db));
		goto out;
	}
	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		int has = bank_stats_has_table(db, tables[t]);

		if (has == 1)
			continue;
		if (has < 0)
			fprintf(stderr, "quizd bank stats: %s: %s\n", path,
				sqlite3_errmsg(db));
		else
			fprintf(stderr,
				"quizd bank stats: %s: not a quizd database "
				"(no %s table)\n",
				path, tables[t]);
		goto out;
	}
	if (bank_stats_load_items(bs, db) < 0 ||
	    bank_stats_load_match_who(bs, db) < 0 ||
	    bank_stats_load_match_answers(bs, db) < 0)
		goto out;
	/* practice (schema v6): a source of its own, when the file has it */
	prac = bank_stats_has_table(db, "practice_answers");
	if (prac < 0) {
		fprintf(stderr, "quizd bank stats: %s: %s\n", path,
			sqlite3_errmsg(db));
		goto out;
	}
	if (prac == 1 && (bank_stats_load_practice_who(bs, db) < 0 ||
			  bank_stats_load_practice_answers(bs, db) < 0))
		goto out;
	rc = 0;
out:
	if (db) {
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	return rc;
}

/* Flagged first (the higher flag bits, the more to act on), then by id. */
static int bank_stats_item_cmp(const void *pa, const void *pb)
{
	const struct bank_stats_item *const *a = pa, *const *b = pb;

	if ((*a)->res.flags != (*b)->res.flags)
		return (*a)->res.flags > (*b)->res.flags ? -1 : 1;
	return strcmp((*a)->id, (*b)->id);
}

/* Writes the flags, most to act on first, into buf: "a,b" ("-" none),
 * or "\"a\",\"b\"" for JSON ("" none). */
static void bank_stats_flags(unsigned flags, bool json, char *buf, size_t cap)
{
	size_t len = 0;
	int b;

	buf[0] = '\0';
	for (b = ITEMSTATS_FLAG_COUNT - 1; b >= 0; b--) {
		if (!(flags & (1u << b)) || len >= cap)
			continue;
		len += (size_t)snprintf(
		    buf + len, cap - len, json ? "%s\"%s\"" : "%s%s",
		    len ? "," : "", itemstats_flag_name(1u << b));
	}
	if (!len && !json)
		snprintf(buf, cap, "-");
}

/* Writes s as a JSON string. */
static void bank_stats_json_str(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* Copies s into buf for a terminal: control bytes (an escape sequence
 * written into the database by hand) become '?'. */
static const char *bank_stats_safe(const char *s, char *buf, size_t cap)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < cap; i++)
		buf[i] =
		    (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

/* The table for people. */
static void bank_stats_print_table(FILE *out, const struct bank_stats *bs,
				   struct bank_stats_item **v, size_t n,
				   unsigned min_n, size_t analysed)
{
	size_t i;
	unsigned k;

	fprintf(out,
		"%zu item%s answered, %zu answer%s, %zu respondent%s in %zu "
		"match%s",
		analysed, analysed == 1 ? "" : "s", bs->answers,
		bs->answers == 1 ? "" : "s", bs->n_who,
		bs->n_who == 1 ? "" : "s", bs->n_groups,
		bs->n_groups == 1 ? "" : "es");
	if (bs->practice_who)
		fprintf(out, " and practice (%zu person%s, %zu first answer%s)",
			bs->practice_who, bs->practice_who == 1 ? "" : "s",
			bs->practice_answers,
			bs->practice_answers == 1 ? "" : "s");
	fprintf(out, "; D judged from n >= %u\n", min_n);
	fprintf(out, "%-16s %-9s %6s %5s %6s  %-30s %s\n", "id", "kind", "n",
		"p", "D", "flags", "options (bank order, * right)");
	for (i = 0; i < n; i++) {
		const struct bank_stats_item *it = v[i];
		char dbuf[16], fb[128], idb[256], kb[sizeof(it->kind)];

		if (it->res.has_d)
			snprintf(dbuf, sizeof(dbuf), "%.2f", it->res.d);
		else
			snprintf(dbuf, sizeof(dbuf), "-");
		fprintf(out, "%-16s %-9s %6zu %5.2f %6s  ",
			bank_stats_safe(it->id, idb, sizeof(idb)),
			it->in_bank ? bank_stats_safe(it->kind, kb, sizeof(kb))
				    : "(gone)",
			it->res.n, it->res.p, dbuf);
		bank_stats_flags(it->res.flags, false, fb, sizeof(fb));
		fprintf(out, "%-30s", fb);
		for (k = 0; k < it->it.n_options && it->res.n_choice; k++)
			fprintf(out, " %c%s %.0f%%", 'A' + k,
				it->it.correct_mask & (1u << k) ? "*" : "",
				100.0 * it->res.share[k]);
		if (!it->in_bank)
			fputs(" (no longer in the bank)", out);
		fputc('\n', out);
	}
	if (bs->skipped)
		fprintf(out,
			"%zu answer%s skipped (no drawn question or player "
			"to go with)\n",
			bs->skipped, bs->skipped == 1 ? "" : "s");
	if (bs->no_choice)
		fprintf(out,
			"%zu answer%s without a usable choice (counted in n "
			"and p, not in the options)\n",
			bs->no_choice, bs->no_choice == 1 ? "" : "s");
}

/* The same as one JSON object. */
static void bank_stats_print_json(FILE *out, const struct bank_stats *bs,
				  struct bank_stats_item **v, size_t n,
				  unsigned min_n)
{
	size_t i;
	unsigned k;

	fprintf(out,
		"{\"matches\":%zu,\"respondents\":%zu,\"answers\":%zu,"
		"\"practice_persons\":%zu,\"practice_answers\":%zu,"
		"\"skipped\":%zu,\"min_n\":%u,\"min_n_any\":%d,"
		"\"thresholds\":{\"too_easy_above\":%.17g,"
		"\"too_hard_below\":%.17g,\"low_discrimination_below\":%.17g,"
		"\"group_share\":%.17g},\"items\":[",
		bs->n_groups, bs->n_who, bs->answers, bs->practice_who,
		bs->practice_answers, bs->skipped, min_n, ITEMSTATS_MIN_N_ANY,
		ITEMSTATS_EASY_ABOVE, ITEMSTATS_HARD_BELOW,
		ITEMSTATS_LOW_D_BELOW, ITEMSTATS_GROUP_SHARE);
	for (i = 0; i < n; i++) {
		const struct bank_stats_item *it = v[i];
		char fb[128];

		fputs(i ? ",\n{\"id\":" : "\n{\"id\":", out);
		bank_stats_json_str(out, it->id);
		fputs(",\"kind\":", out);
		if (it->in_bank)
			bank_stats_json_str(out, it->kind);
		else
			fputs("null", out);
		fprintf(out,
			",\"in_bank\":%s,\"n\":%zu,\"correct\":%zu,"
			"\"p\":%.17g,\"group\":%.17g,",
			it->in_bank ? "true" : "false", it->res.n,
			it->res.correct, it->res.p, it->res.group);
		if (it->res.has_d)
			fprintf(out,
				"\"d\":%.17g,\"p_upper\":%.17g,"
				"\"p_lower\":%.17g,",
				it->res.d, it->res.p_upper, it->res.p_lower);
		else
			fputs("\"d\":null,\"p_upper\":null,\"p_lower\":null,",
			      out);
		fprintf(out, "\"n_choice\":%zu,\"options\":[",
			it->res.n_choice);
		for (k = 0; k < it->it.n_options && it->res.n_choice; k++)
			fprintf(out,
				"%s{\"letter\":\"%c\",\"right\":%s,"
				"\"share\":%.17g}",
				k ? "," : "", 'A' + k,
				it->it.correct_mask & (1u << k) ? "true"
								: "false",
				it->res.share[k]);
		bank_stats_flags(it->res.flags, true, fb, sizeof(fb));
		fprintf(out, "],\"flags\":[%s]}", fb);
	}
	fputs("]}\n", out);
}

/* Reads a --min-n value. Returns 0 or -1. */
static int bank_stats_parse_min_n(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > 1000000)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* `quizd bank stats` (bank_stats.h). */
int bank_stats_cli(int argc, char **argv, const char *default_db)
{
	const char *db = default_db;
	unsigned min_n = ITEMSTATS_MIN_N_DEFAULT;
	bool json = false, flagged = false;
	struct bank_stats bs = {0};
	struct bank_stats_item **v = NULL;
	size_t i, n = 0, analysed = 0;
	int r, rc = 2;

	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			bank_stats_usage(stdout);
			return 0;
		} else if (strcmp(a, "--db") == 0 ||
			   strcmp(a, "--min-n") == 0) {
			if (i + 1 >= (size_t)argc) {
				fprintf(stderr,
					"quizd bank stats: %s needs a value\n",
					a);
				goto usage;
			}
			if (a[2] == 'd') {
				db = argv[++i];
			} else if (bank_stats_parse_min_n(argv[++i], &min_n) <
				   0) {
				fprintf(stderr,
					"quizd bank stats: --min-n wants a "
					"number 1..1000000, not %s\n",
					argv[i]);
				goto usage;
			}
		} else if (strcmp(a, "--json") == 0) {
			json = true;
		} else if (strcmp(a, "--flagged") == 0) {
			flagged = true;
		} else {
			fprintf(stderr, "quizd bank stats: unknown %s %s\n",
				a[0] == '-' ? "option" : "operand", a);
			goto usage;
		}
	}

	r = bank_stats_load(&bs, db);
	if (r < 0) {
		rc = r == -2 ? 2 : 1;
		goto out;
	}
	if (bs.skipped)
		fprintf(stderr,
			"quizd bank stats: %zu answer%s without a drawn "
			"question or player row skipped\n",
			bs.skipped, bs.skipped == 1 ? "" : "s");
	if (bs.answers == 0 && !json) {
		puts("no answers yet");
		rc = 0;
		goto out;
	}
	v = xcalloc(bs.n_items + bs.n_gone + 1, sizeof(*v));
	for (i = 0; i < bs.n_items + bs.n_gone; i++) {
		struct bank_stats_item *it =
		    i < bs.n_items ? &bs.items[i] : &bs.gone[i - bs.n_items];

		if (!it->n)
			continue;
		if (itemstats_compute(&it->it, it->r, it->n, min_n, &it->res) <
		    0) {
			fprintf(stderr,
				"quizd bank stats: %s: cannot be "
				"analysed\n",
				it->id);
			continue;
		}
		analysed++;
		if (!flagged || it->res.flags)
			v[n++] = it;
	}
	qsort(v, n, sizeof(*v), bank_stats_item_cmp);
	if (json)
		bank_stats_print_json(stdout, &bs, v, n, min_n);
	else
		bank_stats_print_table(stdout, &bs, v, n, min_n, analysed);
	rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
	goto out;
usage:
	bank_stats_usage(stderr);
out:
	free(v);
	bank_stats_clear(&bs);
	return rc;
}

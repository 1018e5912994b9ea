/* `quizd contest check`: line-numbered errors and a summary of a contest
 * file, with its question selections counted against a bank. */
#include "contest_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank_csv.h"
#include "contest_file.h"
#include "draw.h"
#include "room.h"
#include "store.h"
#include "datadir.h"
#include "xalloc.h"

/* What a check found beyond the parse. */
struct contest_cli_tally {
	unsigned errors, warnings;
};

/* Prints the usage text to out. */
static void contest_cli_usage(FILE *out)
{
	char dir[4096];

	datadir_get(DATADIR_DATA, "bank", dir, sizeof(dir));
	fprintf(out,
		"usage: quizd contest check [--db PATH | --bank DIR] FILE\n"
		"\n"
		"Checks a contest file (format: docs/CONTEST.md). Problems go\n"
		"to stderr as FILE:LINE: message; a summary (title, team\n"
		"scoring, teams, and each round's format, questions, times,\n"
		"points or stakes, and how many bank items its selection\n"
		"matches) to stdout. Explicit item ids must be in the bank;\n"
		"a selection that matches fewer items than the round asks is\n"
		"a warning.\n"
		"\n"
		"  --db PATH   check against the questions of this database\n"
		"  --bank DIR  check against these bank CSV files (default\n"
		"              %s)\n"
		"  --help      this text\n"
		"\n"
		"Exit status: 0 valid, 1 invalid, 2 usage error.\n",
		dir);
}

/* Loads the bank to check against: from a database, or CSV files. */
static struct bank *contest_cli_bank(const char *db, const char *dir)
{
	struct bank_errors errs = {0};
	struct bank *b = bank_new();
	struct store *st;
	char *err = NULL;

	if (!b)
		return NULL;
	if (db) {
		/* store_open would create a missing database */
		if (access(db, R_OK) != 0) {
			fprintf(stderr,
				"quizd contest check: %s: no such "
				"database\n",
				db);
			goto fail;
		}
		st = store_open(db, NULL, NULL, &err);
		if (!st) {
			fprintf(stderr, "quizd contest check: %s: %s\n", db,
				err ? err : "cannot open");
			free(err);
			goto fail;
		}
		if (store_load_bank(st, b) < 0) {
			fprintf(stderr,
				"quizd contest check: %s: cannot read the "
				"questions\n",
				db);
			store_close(st);
			goto fail;
		}
		store_close(st);
		return b;
	}
	if (bank_csv_load_path(dir, b, &errs) < 0) {
		bank_errors_print(&errs, stderr);
		fprintf(stderr, "quizd contest check: the bank %s has errors\n",
			dir);
		bank_errors_clear(&errs);
		goto fail;
	}
	return b;
fail:
	bank_free(b);
	return NULL;
}

/* Prints round i's selection and counts the items it can ask; reports
 * explicit ids the bank lacks (errors) and a short supply (a warning). */
static unsigned contest_cli_selection(const char *file, const struct contest *c,
				      unsigned i,
				      const struct contest_file_lines *l,
				      const struct bank *b,
				      struct contest_cli_tally *t)
{
	static const char *const kinds[4] = {"single", "multi", "true_false",
					     "fill"};
	const struct round_cfg *r = &c->rounds[i];
	unsigned need = r->count, have = 0, k, sep = 0;
	struct draw_filter f;

	if (r->format == FMT_TURN)
		need = r->count * (c->nteams ? c->nteams : 1);
	if (r->nids) {
		for (k = 0; k < r->nids; k++) {
			if (bank_find(b, contest_round_id(c, r, k))) {
				have++;
				continue;
			}
			fprintf(stderr,
				"%s:%u: round %u: ids: item '%s' is not in "
				"the bank\n",
				file, l->ids[i][k], i + 1,
				contest_round_id(c, r, k));
			t->errors++;
		}
		printf("  questions: %u listed by id, %u in the bank\n",
		       r->nids, have);
	} else {
		draw_filter_of_round(r, &f);
		have = (unsigned)draw_count(b, &f);
		printf("  draw: category %s, kinds ",
		       r->category[0] ? r->category : "any");
		for (k = 0; k < 4; k++)
			if (r->kinds & (1u << k))
				printf("%s%s", sep++ ? "," : "", kinds[k]);
		if (!sep)
			printf("any");
		if (r->min_difficulty || r->max_difficulty)
			printf(", difficulty %d-%d",
			       r->min_difficulty ? r->min_difficulty : 1,
			       r->max_difficulty ? r->max_difficulty : 3);
		else
			printf(", difficulty any");
		printf(": %u items match\n", have);
	}
	if (have < need) {
		fprintf(stderr,
			"%s:%u: warning: round %u: %u bank items for %u "
			"questions%s; the round will ask fewer\n",
			file, l->round[i], i + 1, have, need,
			r->format == FMT_TURN
			    ? (c->nteams ? " (count x fixed teams)"
					 : " (per team, for one team)")
			    : "");
		t->warnings++;
	}
	return need;
}

/* Prints one round's format, timings and scoring. */
static void contest_cli_round(const struct contest *c, unsigned i)
{
	const struct round_cfg *r = &c->rounds[i];
	unsigned k;

	printf("round %u: %s (%s)\n", i + 1, r->name,
	       contest_file_format_name(r->format));
	switch (r->format) {
	case FMT_TURN:
		printf("  %u question%s per team (per contestant without "
		       "teams), %lld s each; right %+d to every member, "
		       "wrong %d\n",
		       r->count, r->count == 1 ? "" : "s",
		       (long long)(r->time_limit_us / 1000000), (int)r->points,
		       (int)r->penalty);
		break;
	case FMT_WAGER:
		printf("  %u question%s for every team, %lld s to stake, "
		       "%lld s to answer; stakes ",
		       r->count, r->count == 1 ? "" : "s",
		       (long long)(r->wager_us / 1000000),
		       (long long)(r->time_limit_us / 1000000));
		for (k = 0; k < r->nstakes; k++)
			printf("%s%d", k ? "/" : "", (int)r->stakes[k]);
		printf(" (no stake: %d); right +stake, wrong or none "
		       "-stake\n",
		       (int)r->stakes[0]);
		break;
	case FMT_BUZZ:
		printf("  %u question%s; reading ", r->count,
		       r->count == 1 ? "" : "s");
		if (r->reading_us)
			printf("%lld s", (long long)(r->reading_us / 1000000));
		else
			printf("from the stem (3..10 s)");
		printf(", buzzer armed %lld s, tie window %lld ms, %lld s to "
		       "answer; right %+d, wrong %d, foul %d, %u rebound%s; "
		       "judge %s\n",
		       (long long)(r->arm_us / 1000000),
		       (long long)(r->tie_us / 1000),
		       (long long)(r->time_limit_us / 1000000), (int)r->points,
		       (int)r->penalty, (int)r->foul, r->rebounds,
		       r->rebounds == 1 ? "" : "s",
		       r->judge == JUDGE_ORAL	? "oral"
		       : r->judge == JUDGE_FILL ? "fill"
						: "auto");
		break;
	default:
		printf("  %u question%s, %lld s each; right %d..%d points by "
		       "speed\n",
		       r->count, r->count == 1 ? "" : "s",
		       (long long)(r->time_limit_us / 1000000),
		       (int)((r->points + 1) / 2), (int)r->points);
		break;
	}
	if (r->format != FMT_BUZZ && r->judge == JUDGE_FILL)
		printf("  fill-in answers are ruled by a judge (the "
		       "automatic match is a suggestion)\n");
}

/* Prints the summary and checks the rounds against the bank. */
static void contest_cli_summary(const char *file, const struct contest *c,
				const struct contest_file_lines *l,
				const struct bank *b,
				struct contest_cli_tally *t)
{
	char err[CONTEST_FILE_MSG_MAX];
	unsigned i, total = 0;

	printf("title: %s\n", c->title);
	printf("team score: base %lld + %s of the members' points\n",
	       (long long)c->team_base,
	       c->scoring == TEAM_SUM ? "sum" : "mean");
	if (c->nteams == 0) {
		printf("teams: not fixed (contestants name their teams)\n");
	} else {
		printf("teams: %u fixed:", c->nteams);
		for (i = 0; i < c->nteams; i++)
			printf("%s %s", i ? "," : "", c->teams[i]);
		printf("\n");
	}
	printf("bank: %zu items\n", b->n);
	for (i = 0; i < c->nrounds; i++) {
		contest_cli_round(c, i);
		total += contest_cli_selection(file, c, i, l, b, t);
	}
	if (!contest_runnable(c, err, sizeof(err))) {
		unsigned r = 0;

		if (sscanf(err, "round %u", &r) != 1 || r < 1 || r > c->nrounds)
			r = 0;
		fprintf(stderr, "%s:%u: %s\n", file, r ? l->round[r - 1] : 0,
			err);
		t->errors++;
	}
	if (total > ROOM_MAX_QUESTIONS) {
		fprintf(stderr,
			"%s: warning: the rounds ask %u questions; a match "
			"asks at most %d\n",
			file, total, ROOM_MAX_QUESTIONS);
		t->warnings++;
	}
}

/* `quizd contest check [--db PATH | --bank DIR] FILE`. */
static int contest_cli_check(int argc, char **argv)
{
	struct contest_file_errors *errs = NULL;
	struct contest_file_lines *lines = NULL;
	struct contest_cli_tally t = {0, 0};
	struct contest *c = NULL;
	struct bank *b = NULL;
	char dflt[4096];
	const char *file = NULL, *db = NULL,
		   *dir = datadir_get(DATADIR_DATA, "bank", dflt, sizeof(dflt));
	char *text = NULL;
	size_t len;
	int i, rc = 1, options_done = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!options_done && strcmp(a, "--") == 0) {
			options_done = 1;
		} else if (!options_done &&
			   (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
			contest_cli_usage(stdout);
			return 0;
		} else if (!options_done && (strcmp(a, "--db") == 0 ||
					     strcmp(a, "--bank") == 0)) {
			if (i + 1 >= argc) {
				fprintf(stderr,
					"quizd contest check: %s needs a "
					"value\n",
					a);
				return 2;
			}
			if (a[2] == 'd')
				db = argv[++i];
			else
				dir = argv[++i];
		} else if (!options_done && a[0] == '-' && a[1]) {
			fprintf(stderr,
				"quizd contest check: unknown option %s\n", a);
			contest_cli_usage(stderr);
			return 2;
		} else if (file) {
			fprintf(stderr, "quizd contest check: one FILE only\n");
			return 2;
		} else {
			file = a;
		}
	}
	if (!file) {
		contest_cli_usage(stderr);
		return 2;
	}

	errs = xcalloc(1, sizeof(*errs));
	lines = xcalloc(1, sizeof(*lines));
	c = xcalloc(1, sizeof(*c));
	if (contest_file_read(file, &text, &len, errs) < 0 ||
	    contest_file_parse(text, len, c, errs, lines) < 0) {
		contest_file_errors_print(errs, file, stderr);
		printf("INVALID: %u error%s\n", errs->total,
		       errs->total == 1 ? "" : "s");
		goto out;
	}
	b = contest_cli_bank(db, dir);
	if (!b)
		goto out;
	contest_cli_summary(file, c, lines, b, &t);
	rc = t.errors ? 1 : 0;
	printf("%s: %u error%s, %u warning%s\n", rc ? "INVALID" : "valid",
	       t.errors, t.errors == 1 ? "" : "s", t.warnings,
	       t.warnings == 1 ? "" : "s");
out:
	bank_free(b);
	free(text);
	free(c);
	free(lines);
	free(errs);
	return rc;
}

/* `quizd contest SUBCOMMAND ...` (contest_cli.h). */
int contest_cli(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "check") == 0)
		return contest_cli_check(argc, argv);
	if (argc >= 1 &&
	    (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		contest_cli_usage(stdout);
		return 0;
	}
	fprintf(stderr, "usage: quizd contest check [--db PATH | --bank DIR] "
			"FILE\n");
	return 2;
}

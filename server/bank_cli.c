/* `quizd bank check`: line-numbered errors and a summary of a bank. */
#include "bank_cli.h"

#include <stdlib.h>
#include <string.h>

#include "bank_csv.h"
#include "xalloc.h"

/* Seed items of the bundled bank (data/seed/, docs/BANK.md). */
#define BANK_CLI_SEED_ITEMS 125

/* One category and how many items it has. */
struct bank_cli_count {
	const char *name;
	size_t n;
};

/* Prints the usage text to out. */
static void bank_cli_usage(FILE *out)
{
	fputs("usage: quizd bank check [--help] FILE|DIR...\n"
	      "\n"
	      "Checks question bank CSV files (format: docs/BANK.md). A DIR\n"
	      "stands for every *.csv file in it, read in name order. All\n"
	      "operands form one bank, so item ids must be unique across\n"
	      "them. Problems go to stderr as FILE:LINE: message, a summary\n"
	      "(items by kind, category and difficulty, seed coverage) to\n"
	      "stdout.\n"
	      "\n"
	      "Exit status: 0 valid, 1 invalid, 2 usage error.\n",
	      out);
}

/* Prints the seed numbers 1..BANK_CLI_SEED_ITEMS no item rests on, as
 * ranges ("3, 17, 45-47"); returns how many there are. */
static unsigned bank_cli_missing(FILE *out, const unsigned char *covered)
{
	unsigned i, missing = 0, first = 0;

	for (i = 1; i <= BANK_CLI_SEED_ITEMS + 1; i++) {
		int hole = i <= BANK_CLI_SEED_ITEMS && !covered[i];

		if (hole) {
			missing++;
			if (!first)
				first = i;
			continue;
		}
		if (!first)
			continue;
		fprintf(out, "%s%u", missing - (i - first) ? ", " : " ", first);
		if (i - 1 > first)
			fprintf(out, "-%u", i - 1);
		first = 0;
	}
	return missing;
}

/* Counts the items by kind, category, difficulty and seed source. */
void bank_cli_summary(FILE *out, const struct bank *b)
{
	static const char *const kinds[4] = {"single", "multi", "truefalse",
					     "fill"};
	unsigned char covered[BANK_CLI_SEED_ITEMS + 2] = {0};
	size_t by_kind[4] = {0}, by_diff[4] = {0}, n_cat = 0, i, k;
	struct bank_cli_count *cats = NULL;
	unsigned covered_n = 0, j, any_source = 0;

	for (i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];

		if ((unsigned)it->kind < 4)
			by_kind[it->kind]++;
		if (it->difficulty >= 1 && it->difficulty <= 3)
			by_diff[it->difficulty]++;
		for (j = 0; j < it->n_sources; j++) {
			any_source = 1;
			if (it->sources[j] <= BANK_CLI_SEED_ITEMS)
				covered[it->sources[j]] = 1;
		}
		for (k = 0; k < n_cat; k++)
			if (strcmp(cats[k].name, it->category) == 0)
				break;
		if (k == n_cat) {
			cats = xrealloc(cats, (n_cat + 1) * sizeof(*cats));
			cats[n_cat].name = it->category;
			cats[n_cat++].n = 0;
		}
		cats[k].n++;
	}

	fprintf(out, "items: %zu\n", b->n);
	fputs("by kind:", out);
	for (k = 0; k < 4; k++)
		fprintf(out, "%s %s %zu", k ? "," : "", kinds[k], by_kind[k]);
	fputs("\nby category:", out);
	for (k = 0; k < n_cat; k++)
		fprintf(out, "%s %s %zu", k ? "," : "", cats[k].name,
			cats[k].n);
	fprintf(out, "\nby difficulty: 1 (easy) %zu, 2 %zu, 3 (hard) %zu\n",
		by_diff[1], by_diff[2], by_diff[3]);
	for (j = 1; j <= BANK_CLI_SEED_ITEMS; j++)
		covered_n += covered[j];
	if (!any_source) {
		fputs("seed coverage: no item names a source\n", out);
	} else {
		fprintf(out, "seed coverage: %u of %d seed items have an item",
			covered_n, BANK_CLI_SEED_ITEMS);
		if (covered_n < BANK_CLI_SEED_ITEMS) {
			fputs("; none for", out);
			bank_cli_missing(out, covered);
		}
		fputc('\n', out);
	}
	free(cats);
}

/* Parses the operands, loads them into one bank and reports. */
int bank_cli_check(int argc, char **argv)
{
	struct bank_errors errs = {0};
	struct bank *b = NULL;
	int i, operands = 0, options_done = 0, rc;
	char **paths;

	if (argc < 1)
		return 2;
	paths = xcalloc((size_t)argc, sizeof(*paths));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!options_done && strcmp(a, "--") == 0) {
			options_done = 1;
		} else if (!options_done &&
			   (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
			bank_cli_usage(stdout);
			free(paths);
			return 0;
		} else if (!options_done && a[0] == '-' && a[1]) {
			fprintf(stderr, "quizd bank check: unknown option %s\n",
				a);
			bank_cli_usage(stderr);
			free(paths);
			return 2;
		} else {
			paths[operands++] = argv[i];
		}
	}
	if (operands == 0) {
		bank_cli_usage(stderr);
		free(paths);
		return 2;
	}

	b = bank_new();
	if (!b) {
		fputs("quizd bank check: out of memory\n", stderr);
		free(paths);
		return 1;
	}
	for (i = 0; i < operands; i++)
		bank_csv_load_path(paths[i], b, &errs);
	bank_errors_print(&errs, stderr);

	bank_cli_summary(stdout, b);
	if (errs.total == 0 && b->n == 0)
		fputs("no items found\n", stderr);
	rc = errs.total == 0 && b->n > 0 ? 0 : 1;
	printf("%s: %zu error%s\n", rc == 0 ? "valid" : "INVALID", errs.total,
	       errs.total == 1 ? "" : "s");
	bank_errors_clear(&errs);
	bank_free(b);
	free(paths);
	return rc;
}

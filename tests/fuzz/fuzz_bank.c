/* libFuzzer target: the bank CSV reader (server/bank_csv.c, bank_row.c)
 * through its in-memory entry point, on arbitrary bytes (docs/FUZZING.md).
 * Checks that every item it accepts meets the documented limits and that
 * the error list stays bounded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank_csv.h"
#include "fuzz_util.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	return devnull ? 0 : -1;
}

/* A string the loader accepted: valid UTF-8 within max bytes. */
static void check_str(const char *s, size_t max, int may_be_null)
{
	if (!s) {
		FUZZ_CHECK(may_be_null, "missing string in an accepted item");
		return;
	}
	FUZZ_CHECK(strlen(s) <= max, "accepted string over its limit");
	FUZZ_CHECK(text_utf8_valid(s, strlen(s)),
		   "accepted string is not UTF-8");
}

/* Every accepted item is within docs/BANK.md. */
static void check_item(const struct item *it)
{
	unsigned i;

	check_str(it->id, BANK_ID_MAX, 0);
	FUZZ_CHECK(it->id[0] != '\0', "empty id accepted");
	FUZZ_CHECK(it->kind >= ITEM_SINGLE && it->kind <= ITEM_FILL,
		   "bad kind accepted");
	check_str(it->stem, BANK_STEM_MAX, 0);
	FUZZ_CHECK(it->n_options <= ITEM_MAX_OPTIONS, "too many options");
	for (i = 0; i < it->n_options; i++)
		check_str(it->options[i], BANK_OPTION_MAX, 0);
	FUZZ_CHECK(it->n_fills <= ITEM_MAX_FILLS, "too many fills");
	for (i = 0; i < it->n_fills; i++)
		check_str(it->fills[i], BANK_FILL_MAX, 0);
	if (it->kind == ITEM_FILL)
		FUZZ_CHECK(it->n_fills >= 1 && it->n_options == 0,
			   "fill item without answers or with options");
	else
		FUZZ_CHECK(it->correct_mask != 0 &&
			       (it->correct_mask >> it->n_options) == 0,
			   "choice item with a bad answer mask");
	check_str(it->explanation, BANK_EXPLANATION_MAX, 1);
	check_str(it->category, BANK_CATEGORY_MAX, 1);
	check_str(it->basis, BANK_BASIS_MAX, 1);
	FUZZ_CHECK(it->n_sources <= ITEM_MAX_SOURCES, "too many sources");
	FUZZ_CHECK(it->difficulty >= 1 && it->difficulty <= 3,
		   "bad difficulty accepted");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bank *b = bank_new();
	struct bank_errors errs;
	size_t i;
	int r;

	memset(&errs, 0, sizeof(errs));
	FUZZ_CHECK(b != NULL, "bank_new");
	r = bank_csv_load_buf("fuzz.csv", (const char *)data, size, b, &errs);
	FUZZ_CHECK(r == 0 || r < 0, "impossible");
	FUZZ_CHECK(r != 0 || errs.total == 0, "valid file with errors");
	FUZZ_CHECK(errs.n <= BANK_ERRORS_KEEP && errs.n <= errs.total,
		   "error list unbounded");
	for (i = 0; i < errs.n; i++) {
		const char *msg = errs.v[i].message;
		size_t k;

		FUZZ_CHECK(msg != NULL, "error without message");
		for (k = 0; msg[k]; k++)
			FUZZ_CHECK((unsigned char)msg[k] >= 0x20 &&
				       msg[k] != 0x7f,
				   "control character in an error message");
	}
	bank_errors_print(&errs, devnull);
	for (i = 0; i < b->n; i++)
		check_item(&b->items[i]);
	bank_errors_clear(&errs);
	bank_free(b);
	return 0;
}

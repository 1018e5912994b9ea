/* Reading question banks from CSV files (docs/BANK.md), with libcsv.
 *
 * A bank file is UTF-8 (a leading BOM is skipped) with the header
 *   id,kind,stem,options,answer,explanation,source,category,difficulty,basis
 * and one item per record. The loader checks every record, appends the
 * valid ones to a bank and reports every problem with the physical line the
 * record starts on, so an organiser can fix the file in a spreadsheet. */
#ifndef QUIZ_BANK_CSV_H
#define QUIZ_BANK_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "item.h"
#include "quiz_limits.h"

#define BANK_CSV_COLUMNS     10
#define BANK_CSV_MAX_FILE    (16u << 20) /* bytes per file */
#define BANK_CSV_MAX_ITEMS   100000	 /* items in one bank */
#define BANK_FIELD_MAX	     65536	 /* bytes of one raw CSV field */
#define BANK_ID_MAX	     32		 /* bytes, [A-Za-z0-9_-] */
#define BANK_STEM_MAX	     1000	 /* bytes */
#define BANK_OPTION_MAX	     200	 /* bytes per option */
#define BANK_EXPLANATION_MAX 8000	 /* bytes */
#define BANK_BASIS_MAX	     2000	 /* bytes */
#define BANK_SOURCE_MAX	     999999	 /* largest source number */
#define BANK_ERRORS_KEEP     1000	 /* messages kept; more are counted */
/* bytes per accepted answer (typed), and of a category: protocol limits */
#define BANK_FILL_MAX	  QUIZ_FILL_MAX
#define BANK_CATEGORY_MAX QUIZ_CATEGORY_MAX

/* One problem found in a bank file. */
struct bank_error {
	char *file;    /* path as given to the loader */
	unsigned line; /* physical line the record starts on; 0 = whole file */
	char *message; /* one line of text, no trailing newline */
};

/* The problems found while loading, in file and line order. Keeps the
 * first BANK_ERRORS_KEEP messages; total counts all of them. Zero
 * initialisation is a valid empty list. */
struct bank_errors {
	struct bank_error *v;
	size_t n;
	size_t cap;
	size_t total;
};

/* Frees every message and empties the list (it can be reused). Accepts
 * NULL. */
void bank_errors_clear(struct bank_errors *e);

/* Prints each kept problem as "FILE:LINE: message" (or "FILE: message" for
 * whole-file problems), then how many more were counted but not kept. */
void bank_errors_print(const struct bank_errors *e, FILE *out);

/* Loads one bank file: appends its valid items to into (after the items
 * already there; an id already in into is a duplicate) and appends one
 * error per problem to errs (which may be NULL). Returns 0 if the file was
 * valid, -EINVAL if it had errors (its valid items are still appended),
 * or a negative errno if it could not be read (also recorded in errs, with
 * line 0). A file that is not valid UTF-8, has a bad header or broken CSV
 * quoting is reported once and not read further. */
int bank_csv_load(const char *path, struct bank *into,
		  struct bank_errors *errs);

/* As bank_csv_load, from a buffer of len bytes; name is used in errors. */
int bank_csv_load_buf(const char *name, const char *buf, size_t len,
		      struct bank *into, struct bank_errors *errs);

/* Loads every regular file named *.csv in dir (not recursive), in byte
 * order of the names, into one bank, so ids must be unique across files.
 * Returns 0 if all were valid, -EINVAL if any had errors, or a negative
 * errno if dir cannot be read (recorded in errs). A directory without any
 * .csv file is valid and adds nothing. */
int bank_csv_load_dir(const char *dir, struct bank *into,
		      struct bank_errors *errs);

/* bank_csv_load_dir if path is a directory, bank_csv_load otherwise. */
int bank_csv_load_path(const char *path, struct bank *into,
		       struct bank_errors *errs);

#endif

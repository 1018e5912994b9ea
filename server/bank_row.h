/* Checking one record of a bank CSV file (internal to the bank loader:
 * bank_csv.c tokenises and tracks lines, this checks the columns). */
#ifndef QUIZ_BANK_ROW_H
#define QUIZ_BANK_ROW_H

#include <stddef.h>

#include "bank_csv.h"
#include "item.h"

#define BANK_ROW_MAX_ERRORS 16	/* problems kept per record */
#define BANK_ROW_MSG	    320 /* bytes per message */
#define BANK_ROW_QUOTE	    48	/* bytes of user text quoted in a message */

/* One record: its raw fields and the problems found in it. */
struct bank_row {
	char *f[BANK_CSV_COLUMNS]; /* NUL-terminated; trimmed in place */
	unsigned nf;		   /* fields in the record (may be more) */
	unsigned huge;		   /* bit i: field i was too long to keep */
	const char *id;		   /* set by bank_row_check: the trimmed id
				      if well-formed, else NULL */
	char msg[BANK_ROW_MAX_ERRORS][BANK_ROW_MSG];
	unsigned n_msg; /* problems found (at most MAX_ERRORS kept) */
};

/* Checks a header record: exactly the ten column names, in order.
 * Returns 0, or -EINVAL with the problem in r->msg. */
int bank_row_header(struct bank_row *r);

/* Checks a data record against docs/BANK.md and fills *it (zeroed first;
 * its strings are then owned by it). The id is checked for its form only:
 * duplicates are the caller's to find. Returns 0, or -EINVAL with every
 * problem in r->msg and *it cleared. */
int bank_row_check(struct bank_row *r, struct item *it);

/* Copies user text into buf (cap bytes, at least BANK_ROW_QUOTE + 8) for
 * quoting in a message: at most BANK_ROW_QUOTE bytes cut at a character
 * boundary, with control characters and invalid bytes shown as '?', so a
 * message never carries terminal escapes. Returns buf. */
const char *bank_row_quote(const char *s, char *buf, size_t cap);

#endif

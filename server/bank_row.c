/* Checks one record of a bank CSV file column by column (docs/BANK.md)
 * and turns it into an item. */
#include "bank_row.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

enum bank_col {
	COL_ID,
	COL_KIND,
	COL_STEM,
	COL_OPTIONS,
	COL_ANSWER,
	COL_EXPLANATION,
	COL_SOURCE,
	COL_CATEGORY,
	COL_DIFFICULTY,
	COL_BASIS,
};

static const char *const bank_columns[BANK_CSV_COLUMNS] = {
    "id",	   "kind",   "stem",	 "options",    "answer",
    "explanation", "source", "category", "difficulty", "basis",
};

/* Records one problem of the record (printf-style message). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
bank_row_err(struct bank_row *r, const char *fmt, ...)
{
	va_list ap;

	if (r->n_msg < BANK_ROW_MAX_ERRORS) {
		va_start(ap, fmt);
		vsnprintf(r->msg[r->n_msg], BANK_ROW_MSG, fmt, ap);
		va_end(ap);
	}
	r->n_msg++;
}

/* Quotes user text safely for a message (see bank_row.h). */
const char *bank_row_quote(const char *s, char *buf, size_t cap)
{
	size_t len = strlen(s), i = 0, n = 0;

	while (i < len && n + 8 < cap) {
		uint32_t cp;
		int k = text_utf8_next(s + i, len - i, &cp);

		if (n + (k > 0 ? (size_t)k : 1) > BANK_ROW_QUOTE) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		if (k < 0 || text_is_control(cp)) {
			buf[n++] = '?';
			i += k < 0 ? 1 : (size_t)k;
			continue;
		}
		memcpy(buf + n, s + i, (size_t)k);
		n += (size_t)k;
		i += (size_t)k;
	}
	buf[n] = '\0';
	return buf;
}

/* Length of the white space (ASCII, U+00A0, U+3000) that ends s[0..len). */
static size_t bank_trailing_space(const char *s, size_t len)
{
	size_t n = 0;

	for (;;) {
		if (len - n >= 1 && strchr(" \t\r\n\v\f", s[len - n - 1]) &&
		    s[len - n - 1] != '\0')
			n += 1;
		else if (len - n >= 2 &&
			 memcmp(s + len - n - 2, "\xc2\xa0", 2) == 0)
			n += 2;
		else if (len - n >= 3 &&
			 memcmp(s + len - n - 3, "\xe3\x80\x80", 3) == 0)
			n += 3;
		else
			return n;
	}
}

/* Trims white space (ASCII, U+00A0, U+3000) at both ends of s in place and
 * returns the trimmed start. */
static char *bank_trim(char *s)
{
	size_t len;

	for (;;) {
		if (*s && strchr(" \t\r\n\v\f", *s))
			s++;
		else if (strncmp(s, "\xc2\xa0", 2) == 0)
			s += 2;
		else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
			s += 3;
		else
			break;
	}
	len = strlen(s);
	s[len - bank_trailing_space(s, len)] = '\0';
	return s;
}

/* Splits s in place at sep into trimmed pieces; stores the first max of
 * them in out and returns how many there are in all (0 for an empty s). */
static unsigned bank_split(char *s, char sep, char **out, unsigned max)
{
	unsigned n = 0;

	if (!*s)
		return 0;
	for (;;) {
		char *end = strchr(s, sep);

		if (end)
			*end = '\0';
		if (n < max)
			out[n] = bank_trim(s);
		n++;
		if (!end)
			return n;
		s = end + 1;
	}
}

/* Whether s contains a control character (text_is_control); a newline is
 * allowed in the multi-line columns. */
static int bank_has_control(const char *s, int allow_newline)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		uint32_t cp;
		int k = text_utf8_next(s + i, len - i, &cp);

		if (k < 0)
			return 1;
		if (text_is_control(cp) && !(allow_newline && cp == '\n'))
			return 1;
		i += (size_t)k;
	}
	return 0;
}

/* Checks the header record: exactly the ten column names, in order. */
int bank_row_header(struct bank_row *r)
{
	char q[BANK_ROW_QUOTE + 8];
	unsigned i;

	for (i = 0; i < BANK_CSV_COLUMNS && i < r->nf; i++) {
		const char *got = bank_trim(r->f[i]);

		if (strcmp(got, bank_columns[i]) != 0) {
			bank_row_err(r,
				     "bad header: column %u is \"%s\", "
				     "expected \"%s\" (the header must be "
				     "id,kind,stem,options,answer,explanation,"
				     "source,category,difficulty,basis)",
				     i + 1, bank_row_quote(got, q, sizeof(q)),
				     bank_columns[i]);
			return -EINVAL;
		}
	}
	if (r->nf != BANK_CSV_COLUMNS) {
		bank_row_err(r,
			     "bad header: %u columns, expected %d (id,kind,"
			     "stem,options,answer,explanation,source,category,"
			     "difficulty,basis)",
			     r->nf, BANK_CSV_COLUMNS);
		return -EINVAL;
	}
	return 0;
}

/* Parses a kind as written in the CSV (English, any case, or Chinese).
 * Returns the kind or -1. */
static int bank_parse_kind(const char *s)
{
	static const struct {
		const char *en, *zh;
		enum item_kind kind;
	} kinds[] = {
	    {"single", "单选", ITEM_SINGLE},
	    {"multi", "多选", ITEM_MULTI},
	    {"truefalse", "判断", ITEM_TRUE_FALSE},
	    {"fill", "填空", ITEM_FILL},
	};
	size_t i, k;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *en = kinds[i].en;

		if (strcmp(s, kinds[i].zh) == 0)
			return (int)kinds[i].kind;
		for (k = 0; en[k] && (s[k] | 0x20) == en[k]; k++)
			;
		if (!en[k] && !s[k])
			return (int)kinds[i].kind;
	}
	return -1;
}

/* Whether id has 1..BANK_ID_MAX characters of [A-Za-z0-9_-]. */
static int bank_valid_id(const char *id)
{
	size_t n =
	    strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		       "0123456789_-");

	return n > 0 && n <= BANK_ID_MAX && id[n] == '\0';
}

/* Checks the form of the id column; a good id is kept in r->id. */
static void bank_check_id(struct bank_row *r, const char *id)
{
	char q[BANK_ROW_QUOTE + 8];

	if (!*id)
		bank_row_err(r, "missing id");
	else if (!bank_valid_id(id))
		bank_row_err(r,
			     "bad id \"%s\": use 1 to %d characters among "
			     "A-Z a-z 0-9 _ -",
			     bank_row_quote(id, q, sizeof(q)), BANK_ID_MAX);
	else
		r->id = id;
}

/* Checks a text column: required (or not), length limit. Returns 0 if the
 * column is usable. */
static int bank_check_text(struct bank_row *r, enum bank_col c, const char *s,
			   size_t max, const char *missing)
{
	size_t len = strlen(s);

	if (!len && missing) {
		bank_row_err(r, "%s", missing);
		return -1;
	}
	if (len > max) {
		bank_row_err(r, "%s is too long (%zu bytes, at most %zu)",
			     bank_columns[c], len, max);
		return -1;
	}
	return 0;
}

/* Checks the options of a single or multi item and stores them in it. */
static int bank_check_options(struct bank_row *r, char *s, struct item *it)
{
	char *opt[ITEM_MAX_OPTIONS];
	char *norm[ITEM_MAX_OPTIONS] = {NULL};
	unsigned n = bank_split(s, '|', opt, ITEM_MAX_OPTIONS), i, j;
	int bad = 0;

	if (n < 2) {
		bank_row_err(r,
			     "too few options (%u; a %s item needs 2 to %d, "
			     "separated by |)",
			     n, item_kind_name(it->kind), ITEM_MAX_OPTIONS);
		return -1;
	}
	if (n > ITEM_MAX_OPTIONS) {
		bank_row_err(r, "too many options (%u; at most %d)", n,
			     ITEM_MAX_OPTIONS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(opt[i]);

		if (!len) {
			bank_row_err(r, "option %c is empty", 'A' + i);
			bad = 1;
		} else if (len > BANK_OPTION_MAX) {
			bank_row_err(r,
				     "option %c is too long (%zu bytes, at "
				     "most %d)",
				     'A' + i, len, BANK_OPTION_MAX);
			bad = 1;
		}
	}
	if (bad)
		return -1;
	for (i = 0; i < n; i++) {
		norm[i] = xmalloc(strlen(opt[i]) + 1);
		text_normalize(opt[i], norm[i], strlen(opt[i]) + 1);
	}
	for (i = 0; i < n && !bad; i++)
		for (j = i + 1; j < n && !bad; j++)
			if (strcmp(norm[i], norm[j]) == 0) {
				bank_row_err(r,
					     "options %c and %c are the "
					     "same after normalisation",
					     'A' + i, 'A' + j);
				bad = 1;
			}
	for (i = 0; i < n; i++)
		free(norm[i]);
	if (bad)
		return -1;
	for (i = 0; i < n; i++)
		it->options[i] = xstrdup(opt[i]);
	it->n_options = n;
	return 0;
}

/* Checks the answer letters of a single or multi item against its options
 * and sets correct_mask. */
static int bank_check_letters(struct bank_row *r, const char *s,
			      struct item *it)
{
	char q[BANK_ROW_QUOTE + 8];
	uint32_t mask = 0;
	const char *p;
	unsigned count = 0;

	if (!*s) {
		bank_row_err(r, "missing answer");
		return -1;
	}
	for (p = s; *p; p++) {
		char c = *p;
		unsigned k;

		if (c >= 'a' && c <= 'h')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'H') {
			bank_row_err(
			    r, "malformed answer \"%s\": write %s",
			    bank_row_quote(s, q, sizeof(q)),
			    it->kind == ITEM_SINGLE
				? "one letter A to H"
				: "two or more letters A to H, e.g. ABD");
			return -1;
		}
		k = (unsigned)(c - 'A');
		if (mask & (1u << k)) {
			bank_row_err(r, "answer letter %c repeated", c);
			return -1;
		}
		if (k >= it->n_options) {
			bank_row_err(r,
				     "answer %c is not among the options "
				     "(there are %u: A to %c)",
				     c, it->n_options, 'A' + it->n_options - 1);
			return -1;
		}
		mask |= 1u << k;
		count++;
	}
	if (it->kind == ITEM_SINGLE && count != 1) {
		bank_row_err(r,
			     "malformed answer \"%s\": a single item has "
			     "exactly one correct letter",
			     bank_row_quote(s, q, sizeof(q)));
		return -1;
	}
	if (it->kind == ITEM_MULTI && count < 2) {
		bank_row_err(r,
			     "a multi item needs at least 2 correct "
			     "options (answer \"%s\")",
			     bank_row_quote(s, q, sizeof(q)));
		return -1;
	}
	it->correct_mask = mask;
	return 0;
}

/* Checks the answer of a true/false item and gives it the options 正确 and
 * 错误, so that it can be asked like a single-choice item. */
static int bank_check_truefalse(struct bank_row *r, const char *s,
				struct item *it)
{
	static const char *const yes[] = {"正确", "对", "T", "t"};
	static const char *const no[] = {"错误", "错", "F", "f"};
	char q[BANK_ROW_QUOTE + 8];
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0)
			it->correct_mask = 1u;
		if (strcmp(s, no[i]) == 0)
			it->correct_mask = 2u;
	}
	if (!it->correct_mask) {
		if (!*s)
			bank_row_err(r, "missing answer");
		else
			bank_row_err(r,
				     "truefalse answer must be 正确 or 错误 "
				     "(or 对/错, T/F), not \"%s\"",
				     bank_row_quote(s, q, sizeof(q)));
		return -1;
	}
	it->options[0] = xstrdup("正确");
	it->options[1] = xstrdup("错误");
	it->n_options = 2;
	return 0;
}

/* Checks the accepted answers of a fill item and stores them in it. */
static int bank_check_fills(struct bank_row *r, char *s, struct item *it)
{
	char *ans[ITEM_MAX_FILLS];
	unsigned n = bank_split(s, '|', ans, ITEM_MAX_FILLS), i;
	char norm[BANK_FILL_MAX + 1];
	int bad = 0;

	if (n == 0) {
		bank_row_err(r, "fill item without answers (write the accepted "
				"answers separated by |)");
		return -1;
	}
	if (n > ITEM_MAX_FILLS) {
		bank_row_err(r, "too many fill answers (%u; at most %d)", n,
			     ITEM_MAX_FILLS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(ans[i]);

		if (!len) {
			bank_row_err(r, "fill answer %u is empty", i + 1);
			bad = 1;
		} else if (len > BANK_FILL_MAX) {
			bank_row_err(r,
				     "fill answer %u is too long (%zu bytes, "
				     "at most %d)",
				     i + 1, len, BANK_FILL_MAX);
			bad = 1;
		} else if (text_normalize(ans[i], norm, sizeof(norm)) <= 0) {
			bank_row_err(r,
				     "fill answer %u is only punctuation "
				     "and spaces: no typed text can match it",
				     i + 1);
			bad = 1;
		}
	}
	if (bad)
		return -1;
	for (i = 0; i < n; i++)
		it->fills[i] = xstrdup(ans[i]);
	it->n_fills = n;
	return 0;
}

/* Parses the source column: seed numbers separated by ';'. */
static int bank_check_sources(struct bank_row *r, char *s, struct item *it)
{
	char *num[ITEM_MAX_SOURCES];
	char q[BANK_ROW_QUOTE + 8];
	unsigned n = bank_split(s, ';', num, ITEM_MAX_SOURCES), i, j;

	if (n > ITEM_MAX_SOURCES) {
		bank_row_err(r, "too many source numbers (%u; at most %d)", n,
			     ITEM_MAX_SOURCES);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *p = num[i];
		unsigned long v = 0;

		if (!*p)
			goto bad;
		for (; *p; p++) {
			if (*p < '0' || *p > '9' || v > BANK_SOURCE_MAX)
				goto bad;
			v = v * 10 + (unsigned long)(*p - '0');
		}
		if (v < 1 || v > BANK_SOURCE_MAX)
			goto bad;
		for (j = 0; j < i; j++)
			if (it->sources[j] == v) {
				bank_row_err(r, "source %lu listed twice", v);
				return -1;
			}
		it->sources[i] = (unsigned)v;
	}
	it->n_sources = n;
	return 0;
bad:
	bank_row_err(r,
		     "bad source \"%s\": seed numbers from 1 to %d "
		     "separated by ; (e.g. 100;114)",
		     bank_row_quote(num[i], q, sizeof(q)), BANK_SOURCE_MAX);
	return -1;
}

/* Checks one data record column by column (see bank_row.h). */
int bank_row_check(struct bank_row *r, struct item *out)
{
	char *f[BANK_CSV_COLUMNS];
	char q[BANK_ROW_QUOTE + 8];
	struct item it = {0};
	int kind = -1;
	unsigned i;

	memset(out, 0, sizeof(*out));
	r->id = NULL;

	if (r->nf != BANK_CSV_COLUMNS) {
		bank_row_err(r,
			     "wrong number of columns: %u, expected %d "
			     "(id,kind,stem,options,answer,explanation,source,"
			     "category,difficulty,basis)",
			     r->nf, BANK_CSV_COLUMNS);
		return -EINVAL;
	}
	for (i = 0; i < BANK_CSV_COLUMNS; i++) {
		int multiline =
		    i == COL_STEM || i == COL_EXPLANATION || i == COL_BASIS;

		f[i] = bank_trim(r->f[i]);
		if (r->huge & (1u << i)) {
			bank_row_err(r, "%s is too long (over %d bytes)",
				     bank_columns[i], BANK_FIELD_MAX);
			return -EINVAL;
		}
		if (bank_has_control(f[i], multiline)) {
			bank_row_err(
			    r, "%s contains a control character%s",
			    bank_columns[i],
			    multiline
				? ""
				: " (line breaks are allowed only in stem, "
				  "explanation and basis)");
			return -EINVAL;
		}
	}

	bank_check_id(r, f[COL_ID]);
	kind = bank_parse_kind(f[COL_KIND]);
	if (kind < 0) {
		if (*f[COL_KIND])
			bank_row_err(
			    r,
			    "unknown kind \"%s\" (use single, multi, "
			    "truefalse, fill or 单选, 多选, 判断, 填空)",
			    bank_row_quote(f[COL_KIND], q, sizeof(q)));
		else
			bank_row_err(r, "missing kind");
	}
	it.kind = kind < 0 ? ITEM_SINGLE : (enum item_kind)kind;
	bank_check_text(r, COL_STEM, f[COL_STEM], BANK_STEM_MAX, "empty stem");

	if (kind == ITEM_SINGLE || kind == ITEM_MULTI) {
		if (bank_check_options(r, f[COL_OPTIONS], &it) == 0)
			bank_check_letters(r, f[COL_ANSWER], &it);
	} else if (kind == ITEM_TRUE_FALSE || kind == ITEM_FILL) {
		if (*f[COL_OPTIONS])
			bank_row_err(r, "options must be empty for a %s item",
				     item_kind_name(it.kind));
		if (kind == ITEM_TRUE_FALSE)
			bank_check_truefalse(r, f[COL_ANSWER], &it);
		else
			bank_check_fills(r, f[COL_ANSWER], &it);
	}

	bank_check_text(r, COL_EXPLANATION, f[COL_EXPLANATION],
			BANK_EXPLANATION_MAX, "missing explanation");
	bank_check_sources(r, f[COL_SOURCE], &it);
	if (bank_check_text(r, COL_CATEGORY, f[COL_CATEGORY], BANK_CATEGORY_MAX,
			    "missing category") == 0 &&
	    !text_valid_name(f[COL_CATEGORY], BANK_CATEGORY_MAX))
		bank_row_err(r, "bad category \"%s\"",
			     bank_row_quote(f[COL_CATEGORY], q, sizeof(q)));
	if (strlen(f[COL_DIFFICULTY]) != 1 || f[COL_DIFFICULTY][0] < '1' ||
	    f[COL_DIFFICULTY][0] > '3')
		bank_row_err(r,
			     "bad difficulty \"%s\" (use 1 easy, 2 or 3 "
			     "hard)",
			     bank_row_quote(f[COL_DIFFICULTY], q, sizeof(q)));
	bank_check_text(
	    r, COL_BASIS, f[COL_BASIS], BANK_BASIS_MAX,
	    kind == ITEM_TRUE_FALSE
		? "truefalse item without basis (the seed statement the "
		  "judgement rests on)"
		: NULL);

	if (r->n_msg) {
		item_clear(&it);
		return -EINVAL;
	}
	it.id = xstrdup(f[COL_ID]);
	it.stem = xstrdup(f[COL_STEM]);
	it.explanation = xstrdup(f[COL_EXPLANATION]);
	it.category = xstrdup(f[COL_CATEGORY]);
	it.difficulty = f[COL_DIFFICULTY][0] - '0';
	it.basis = *f[COL_BASIS] ? xstrdup(f[COL_BASIS]) : NULL;
	*out = it;
	return 0;
}

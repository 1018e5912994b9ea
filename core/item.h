/* Question bank items and the bank container (pure: no I/O). */
#ifndef QUIZ_ITEM_H
#define QUIZ_ITEM_H

#include <stddef.h>
#include <stdint.h>

#define ITEM_MAX_OPTIONS 8
#define ITEM_MAX_FILLS	 8
#define ITEM_MAX_SOURCES 8

enum item_kind {
	ITEM_SINGLE = 0,     /* 单选: exactly one correct option */
	ITEM_MULTI = 1,	     /* 多选: two or more correct options */
	ITEM_TRUE_FALSE = 2, /* 判断: options are always 正确, 错误 */
	ITEM_FILL = 3, /* 填空: typed text, matched after normalisation */
};

/* One bank item. Every string is owned by the item (heap, NUL-terminated). */
struct item {
	char *id;
	enum item_kind kind;
	char *stem;
	char *options[ITEM_MAX_OPTIONS];
	unsigned n_options;
	uint32_t correct_mask;	     /* bit i set: options[i] is correct */
	char *fills[ITEM_MAX_FILLS]; /* FILL: accepted answers */
	unsigned n_fills;
	char *explanation;
	unsigned
	    sources[ITEM_MAX_SOURCES]; /* seed numbers this item rests on */
	unsigned n_sources;
	char *category;
	int difficulty; /* 1 easy .. 3 hard */
	char
	    *basis; /* seed statement a TRUE_FALSE item rests on; may be NULL */
};

/* A growable array of items. */
struct bank {
	struct item *items;
	size_t n;
	size_t cap;
};

/* Returns a new empty bank, or NULL on allocation failure. */
struct bank *bank_new(void);
/* Frees the bank and every item in it. Accepts NULL. */
void bank_free(struct bank *b);
/* Moves *it into the bank (the bank owns its strings afterwards) and
 * zeroes *it. Returns 0, or -ENOMEM. */
int bank_add(struct bank *b, struct item *it);
/* Frees the strings of one item (not the item itself). Accepts NULL. */
void item_clear(struct item *it);
/* Returns the item with that id, or NULL. Linear scan. */
const struct item *bank_find(const struct bank *b, const char *id);

/* Name of a kind as written in the CSV ("single", ...), or NULL. */
const char *item_kind_name(enum item_kind k);
/* The kind whose name item_kind_name gives is name (NULL allowed), or
 * -EINVAL. */
int item_kind_parse(const char *name);

/* Normalises typed text for FILL matching into out (cap bytes, NUL
 * terminated): full-width ASCII to half-width, ideographic space and ASCII
 * whitespace removed, punctuation (ASCII and CJK, 《》“”‘’、，。：；！？（）
 * etc.) removed, ASCII letters lower-cased; each byte that is not valid
 * UTF-8 becomes U+FFFD. The output is valid UTF-8 and normalising it again
 * returns it unchanged. For valid UTF-8 the output is never longer than the
 * input (cap = strlen(in) + 1 is enough); 3 * strlen(in) + 1 always is.
 * Returns the output length, or -ENOSPC if it did not fit. */
int text_normalize(const char *in, char *out, size_t cap);

/* Returns 1 if typed text matches one of the item's accepted fills after
 * normalisation, else 0. */
int item_fill_matches(const struct item *it, const char *text);

#endif
